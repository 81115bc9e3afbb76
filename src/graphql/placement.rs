//! What a placement rests on, in the schema: the `PlacementBasis` of every `regionHistory` and
//! `cercleHistory` period, a commune's cercles over time (`CerclePeriod`), and what the sources
//! say of a map-C cercle's or region's communes as a whole (`StatedCommunes`).

use async_graphql::{Enum, SimpleObject};

use super::date::Date;
use super::units::{Cercle, Confidence, UnitAt};
use crate::dataset::{self, DATA_START, Level};
use crate::model::{AdminGraph, UnitId};

/// What a placement (a unit lying in its parent over a period) rests on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "dataset::PlacementBasis")]
pub enum PlacementBasis {
    /// A seed lists the unit there: seed 000's regions, seed 001's communes in their cercles
    /// (map A, and map B for every commune the 2016 changes left alone).
    Seed,
    /// A reference file states it: the cercles' regions, Ménaka's communes and Salam in 2016.
    Reference,
    /// A public page lists the commune in this 2023 cercle (French Wikipedia, Malian press;
    /// `data/communes_2023_placed.csv`).
    Sourced,
    /// The commune is the seat of a cercle carved out of its old cercle in 2023.
    SeatOfNewCercle,
    /// No source places the commune on map C: it is assumed to stay where it lay on map B.
    /// Always LOW: where sources do place communes, they contradict this about one time in four.
    AssumedUnchanged,
    /// A source lists its old cercle's 2023 communes complete without it: its cercle is
    /// unknown, and it is assumed to stay in that cercle's region (LOW).
    NotInCompleteList,
}

/// A period during which a commune lay in one cercle (or, its cercle unknown, directly in a
/// region).
#[derive(SimpleObject)]
pub struct CerclePeriod {
    /// The cercle, seen at the start of the period; null where the commune lies directly in a
    /// region or the district (Bamako's communes, Salam since 2016, the communes a complete
    /// 2023 list leaves out).
    pub cercle: Option<Cercle>,
    /// The first day; null if the period began before the data (1996-11-04).
    pub from: Option<Date>,
    /// The first day after the period; null if it lasts.
    pub until: Option<Date>,
    /// How sure the sources are of the placement (assumptions are LOW).
    pub confidence: Confidence,
    /// What the placement rests on.
    pub basis: PlacementBasis,
    /// Where it comes from: the seed, the reference file, or the page that lists the commune.
    pub source: String,
    /// What else the sources say: how the page's name was matched to ours, a source that
    /// disagrees and is not followed (Koréra Koré: Nioro du Sahel's list against its own page).
    pub note: Option<String>,
}

/// The cercles a commune lay in over time, as schema objects.
pub fn cercle_history(graph: &AdminGraph, id: UnitId) -> Vec<CerclePeriod> {
    graph
        .cercle_history(id)
        .into_iter()
        .map(|period| CerclePeriod {
            cercle: period.cercle.map(|id| {
                Cercle::from(UnitAt {
                    id,
                    as_of: period.period.from.unwrap_or(DATA_START),
                })
            }),
            from: period.period.from.map(Date),
            until: period.period.until.map(Date),
            confidence: period.confidence.into(),
            basis: period.basis.into(),
            source: period.source,
            note: period.note,
        })
        .collect()
}

/// How many communes a source says a cercle or region of map C has, beside the number placed
/// here.
#[derive(SimpleObject)]
pub struct StatedCommunes {
    /// The number of communes the source states.
    pub stated: i32,
    /// Who states it.
    pub stated_by: String,
    /// The communes this API places in the unit on the object's date (on map C's first day for
    /// an earlier date): where it differs from `stated`, placements are missing or wrong, or
    /// communes were created that our sources do not name.
    pub placed: i32,
    /// Whether a source lists the cercle's communes complete (then `communes` is that list;
    /// always false for a region).
    pub list_complete: bool,
}

impl StatedCommunes {
    pub fn new(graph: &AdminGraph, at: UnitAt) -> Option<StatedCommunes> {
        let listing = graph.listing(at.id)?;
        let stated = listing.stated_communes?;
        let date = at.as_of.max(graph.map_c_start());
        let placed = graph.descendants(at.id, Level::Commune, date).len();
        let int = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        Some(StatedCommunes {
            stated: int(stated),
            stated_by: listing.stated_by.clone().unwrap_or_default(),
            placed: int(placed),
            list_complete: listing.complete,
        })
    }
}
