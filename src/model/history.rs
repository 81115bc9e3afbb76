//! History questions on the model: the regions a unit lay in over time, lineage walks across
//! reorganisations, what changed on a date, where a unit's territory lies on another date, and
//! census figures summed onto another map.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::{AdminGraph, Containment, LineageLink, UnitId};
use crate::dataset::{Confidence, DATA_START, Level, LineageKind, Period, PlacementBasis};

/// A period during which a unit lay in one region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionPeriod {
    pub region: UnitId,
    /// The period, and the weakest of the placements that put the unit in the region (the
    /// unit's own, where they tie).
    pub placement: Containment,
}

/// A period during which a commune lay in one cercle, or directly in a region with its cercle
/// unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CerclePeriod {
    /// The cercle; `None` where the commune lies directly in a region (Salam since 2016, the
    /// communes a complete 2023 list leaves out) or in the Bamako District.
    pub cercle: Option<UnitId>,
    /// The unit the commune lies in directly (the cercle, else the region or district).
    pub parent: UnitId,
    pub placement: Containment,
}

/// Which way a lineage walk goes in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// To the units that received territory, later and later.
    Forward,
    /// To the units that gave territory, earlier and earlier.
    Backward,
}

/// One hop of a lineage walk: the unit reached and the link followed.
#[derive(Debug, Clone, Copy)]
pub struct Hop<'a> {
    pub unit: UnitId,
    pub link: &'a LineageLink,
}

/// A unit moved from one parent to another on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    pub unit: UnitId,
    pub from: Option<UnitId>,
    pub to: UnitId,
    pub confidence: Confidence,
    pub basis: PlacementBasis,
}

/// A unit of the target date that holds (part of) a unit's territory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Projection {
    pub unit: UnitId,
    /// Communes of the source that lie in this unit on the target date.
    pub shared_communes: usize,
    /// The unit holds only part of the source's territory.
    pub partial: bool,
    /// All of the unit's communes on the target date come from the source.
    pub entirely_within: bool,
    pub confidence: Confidence,
    /// Found through commune placements, or only through a lineage link (territory that no
    /// whole commune carries: villages, desert).
    pub through_lineage_only: bool,
}

/// A population summed from the communes inside a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputedPopulation {
    pub value: u64,
    pub communes_counted: usize,
    pub communes_without_figure: usize,
    /// A medium- or low-confidence placement, a missing figure or a transfer of territory that
    /// no commune carries makes the sum approximate.
    pub approximate: bool,
}

impl AdminGraph {
    /// The confidence that `commune` (or any unit) lies in its ancestor of `level` on `date`: the
    /// lowest confidence of the containment links on the way up.
    pub fn placement_confidence(&self, id: UnitId, level: Level, date: NaiveDate) -> Confidence {
        self.weakest_placement(id, level, date)
            .map_or(Confidence::High, |link| link.confidence)
    }

    /// The lowest-confidence containment link on the way from `id` up to `level` on `date`
    /// (the lowest one, where they tie: a commune's own placement before its cercle's).
    fn weakest_placement(&self, id: UnitId, level: Level, date: NaiveDate) -> Option<&Containment> {
        let mut weakest: Option<&Containment> = None;
        let mut current = id;
        while self.unit(current).level > level {
            let Some((parent, link)) = self
                .parents_over_time(current)
                .into_iter()
                .find(|(_, c)| c.period.contains(date))
            else {
                break;
            };
            if weakest.is_none_or(|w| link.confidence < w.confidence) {
                weakest = Some(link);
            }
            current = parent;
        }
        weakest
    }

    /// The cercles a commune lay in over time (its direct parents: a region or the district
    /// where it lay in no cercle), merged where consecutive periods share the parent, the basis
    /// and the confidence.
    pub fn cercle_history(&self, id: UnitId) -> Vec<CerclePeriod> {
        let mut history: Vec<CerclePeriod> = Vec::new();
        for (parent, link) in self.parents_over_time(id) {
            let cercle = (self.unit(parent).level == Level::Cercle).then_some(parent);
            match history.last_mut() {
                Some(last)
                    if last.parent == parent
                        && last.placement.basis == link.basis
                        && last.placement.confidence == link.confidence
                        && last.placement.period.until == link.period.from =>
                {
                    last.placement.period.until = link.period.until;
                }
                _ => history.push(CerclePeriod {
                    cercle,
                    parent,
                    placement: link.clone(),
                }),
            }
        }
        history
    }

    /// The regions `id` lay in over time, merged where consecutive periods share the region and
    /// the confidence.
    pub fn region_history(&self, id: UnitId) -> Vec<RegionPeriod> {
        let validity = self.unit(id).validity;
        let mut changes = BTreeSet::new();
        let mut frontier = vec![id];
        while let Some(unit) = frontier.pop() {
            for (parent, link) in self.parents_over_time(unit) {
                changes.extend(link.period.from.into_iter().chain(link.period.until));
                if self.unit(parent).level > Level::Region {
                    frontier.push(parent);
                }
            }
        }
        let start = validity.from.unwrap_or(DATA_START);
        let mut starts: Vec<NaiveDate> = vec![start];
        starts.extend(
            changes
                .into_iter()
                .filter(|d| *d > start && validity.contains(*d)),
        );
        let mut history: Vec<RegionPeriod> = Vec::new();
        for (i, from) in starts.iter().enumerate() {
            let Some(region) = self.ancestor(id, Level::Region, *from) else {
                continue;
            };
            let weakest = self.weakest_placement(id, Level::Region, *from);
            let (confidence, basis) = weakest
                .map_or((Confidence::High, PlacementBasis::Seed), |link| {
                    (link.confidence, link.basis)
                });
            let until = starts.get(i + 1).copied().or(validity.until);
            match history.last_mut() {
                Some(last)
                    if last.region == region
                        && last.placement.confidence == confidence
                        && last.placement.basis == basis
                        && last.placement.period.until == Some(*from) =>
                {
                    last.placement.period.until = until;
                }
                _ => history.push(RegionPeriod {
                    region,
                    placement: Containment {
                        period: Period {
                            from: if i == 0 { validity.from } else { Some(*from) },
                            until,
                        },
                        confidence,
                        basis,
                        source: weakest.map(|link| link.source.clone()).unwrap_or_default(),
                        note: weakest.and_then(|link| link.note.clone()),
                    },
                }),
            }
        }
        history
    }

    /// Every maximal lineage walk from `id`, each hop strictly later (or earlier) than the one
    /// before. A unit may appear twice: Tombouctou → Taoudénit (2016) → Tombouctou (2023).
    pub fn lineage_walks(&self, id: UnitId, direction: Direction) -> Vec<Vec<Hop<'_>>> {
        let mut walks = Vec::new();
        let mut stack: Vec<Vec<Hop<'_>>> = vec![Vec::new()];
        while let Some(walk) = stack.pop() {
            let (at, after) = match walk.last() {
                Some(hop) => (hop.unit, Some(hop.link.date)),
                None => (id, None),
            };
            let links = match direction {
                Direction::Forward => self.successors(at),
                Direction::Backward => self.predecessors(at),
            };
            let next: Vec<_> = links
                .into_iter()
                .filter(|(_, link)| match (direction, after) {
                    (_, None) => true,
                    (Direction::Forward, Some(t)) => link.date > t,
                    (Direction::Backward, Some(t)) => link.date < t,
                })
                .collect();
            if next.is_empty() {
                if !walk.is_empty() {
                    walks.push(walk);
                }
                continue;
            }
            for (unit, link) in next.into_iter().rev() {
                let mut longer = walk.clone();
                longer.push(Hop { unit, link });
                stack.push(longer);
            }
        }
        walks
    }

    /// Units that changed parent on `date` (they existed before it), with their old and new
    /// parents.
    pub fn moves_on(&self, date: NaiveDate) -> Vec<Move> {
        let day_before = date.pred_opt().unwrap_or(date);
        let mut moves: Vec<Move> = self
            .units()
            .into_iter()
            .filter(|id| {
                let validity = self.unit(*id).validity;
                validity.contains(day_before) && validity.contains(date)
            })
            .filter_map(|id| {
                let (to, link) = self
                    .parents_over_time(id)
                    .into_iter()
                    .find(|(_, c)| c.period.from == Some(date))?;
                let from = self.parent(id, day_before);
                (from != Some(to)).then_some(Move {
                    unit: id,
                    from,
                    to,
                    confidence: link.confidence,
                    basis: link.basis,
                })
            })
            .collect();
        moves.sort_by_key(|m| (self.unit(m.unit).level, self.rank_of(m.unit)));
        moves
    }

    /// Units that came into force on `date`, in sort order.
    pub fn created_on(&self, date: NaiveDate) -> Vec<UnitId> {
        self.units()
            .into_iter()
            .filter(|id| self.unit(*id).validity.from == Some(date))
            .collect()
    }

    /// Lineage links dated `date`, as (from, to, link).
    pub fn links_on(&self, date: NaiveDate) -> Vec<(UnitId, UnitId, &LineageLink)> {
        self.units()
            .into_iter()
            .flat_map(|from| {
                self.successors(from)
                    .into_iter()
                    .filter(|(_, link)| link.date == date)
                    .map(move |(to, link)| (from, to, link))
            })
            .collect()
    }

    /// The communes inside `id` on `date` (the commune itself for a commune).
    fn communes_of(&self, id: UnitId, date: NaiveDate) -> Vec<UnitId> {
        if self.unit(id).level == Level::Commune {
            if self.unit(id).validity.contains(date) {
                vec![id]
            } else {
                Vec::new()
            }
        } else {
            self.descendants(id, Level::Commune, date)
        }
    }

    /// The units of `level` on `onto` that hold the territory `id` had on `from`: through the
    /// communes (whose territory our sources treat as unchanged), and through lineage links
    /// between the two dates for territory no commune carries.
    pub fn project(
        &self,
        id: UnitId,
        from: NaiveDate,
        onto: NaiveDate,
        level: Level,
    ) -> Vec<Projection> {
        let communes = self.communes_of(id, from);
        let mut targets: BTreeMap<UnitId, (usize, Confidence)> = BTreeMap::new();
        for commune in &communes {
            if let Some(target) = self.ancestor(*commune, level, onto) {
                let confidence = self
                    .placement_confidence(*commune, self.unit(id).level, from)
                    .min(self.placement_confidence(*commune, level, onto));
                let entry = targets.entry(target).or_insert((0, Confidence::High));
                entry.0 += 1;
                entry.1 = entry.1.min(confidence);
            }
        }
        let spread = targets.len() > 1;
        let mut projections: Vec<Projection> = targets
            .into_iter()
            .map(|(unit, (shared, confidence))| Projection {
                unit,
                shared_communes: shared,
                partial: spread || shared < communes.len(),
                entirely_within: shared == self.communes_of(unit, onto).len(),
                confidence,
                through_lineage_only: false,
            })
            .collect();
        if level == self.unit(id).level {
            let (direction, earlier, later) = if onto >= from {
                (Direction::Forward, from, onto)
            } else {
                (Direction::Backward, onto, from)
            };
            for walk in self.lineage_walks(id, direction) {
                for hop in walk
                    .iter()
                    .take_while(|h| h.link.date > earlier && h.link.date <= later)
                {
                    let holds = self.unit(hop.unit).validity.contains(onto);
                    if holds && !projections.iter().any(|p| p.unit == hop.unit) {
                        projections.push(Projection {
                            unit: hop.unit,
                            shared_communes: 0,
                            partial: true,
                            entirely_within: false,
                            confidence: hop.link.confidence,
                            through_lineage_only: true,
                        });
                    }
                }
            }
        }
        projections.sort_by_key(|p| self.rank_of(p.unit));
        projections
    }

    /// The sum of the `year` figures of the communes inside `id` on `date`.
    pub fn computed_population(
        &self,
        id: UnitId,
        date: NaiveDate,
        year: i32,
    ) -> Option<ComputedPopulation> {
        let communes = self.communes_of(id, date);
        if communes.is_empty() {
            return None;
        }
        let level = self.unit(id).level;
        let mut sum = ComputedPopulation {
            value: 0,
            communes_counted: 0,
            communes_without_figure: 0,
            approximate: false,
        };
        for commune in communes {
            match self.unit(commune).figures.iter().find(|f| f.year == year) {
                Some(figure) => {
                    sum.value += figure.value;
                    sum.communes_counted += 1;
                }
                None => sum.communes_without_figure += 1,
            }
            if self.placement_confidence(commune, level, date) < Confidence::High {
                sum.approximate = true;
            }
        }
        let transfers_without_communes = self
            .successors(id)
            .into_iter()
            .chain(self.predecessors(id))
            .any(|(_, link)| link.kind == LineageKind::PartTransferred && link.date <= date);
        sum.approximate |= sum.communes_without_figure > 0 || transfers_without_communes;
        Some(sum)
    }
}
