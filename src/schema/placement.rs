//! Placements in the schema: the regions of a cercle or commune over time (`RegionPeriod`), a
//! commune's cercles over time (`CerclePeriod`), each with its `Placement` (dates, basis,
//! confidence, source), and what the sources say of a map-C cercle's or region's communes as
//! a whole (`StatedCommunes`).

use super::date::Date;
use super::types::{Cercle, CerclePeriod, Region, RegionPeriod, StatedCommunes, UnitAt};
use super::values::Placement;
use crate::dataset::{DATA_START, Level};
use crate::model::{AdminGraph, Containment, UnitId};

impl From<Containment> for Placement {
    fn from(link: Containment) -> Placement {
        Placement {
            from: link.period.from.map(Date),
            until: link.period.until.map(Date),
            confidence: link.confidence.into(),
            basis: link.basis.into(),
            source: link.source,
            note: link.note,
        }
    }
}

/// The regions a cercle or commune lay in over time, as schema objects.
pub fn region_history(graph: &AdminGraph, id: UnitId) -> Vec<RegionPeriod> {
    graph
        .region_history(id)
        .into_iter()
        .map(|period| RegionPeriod {
            region: Region::from(UnitAt {
                id: period.region,
                as_of: period.placement.period.from.unwrap_or(DATA_START),
            }),
            placement: period.placement.into(),
        })
        .collect()
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
                    as_of: period.placement.period.from.unwrap_or(DATA_START),
                })
            }),
            placement: period.placement.into(),
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
