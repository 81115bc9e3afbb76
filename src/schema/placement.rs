//! What a placement rests on, in the schema: the `PlacementBasis` of every `regionHistory` and
//! `cercleHistory` period, a commune's cercles over time (`CerclePeriod`), and what the sources
//! say of a map-C cercle's or region's communes as a whole (`StatedCommunes`).

use super::date::Date;
use super::types::{Cercle, CerclePeriod, StatedCommunes, UnitAt};
use crate::dataset::{DATA_START, Level};
use crate::model::{AdminGraph, UnitId};

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
