//! The graph model of Mali's administrative units: a petgraph graph whose nodes are units and
//! whose edges are containment (parent → child, over a period, with what the placement rests on)
//! and history links (an old unit → the unit that received its territory). Answers the questions
//! the API asks of it (children and parent on a date, ancestors, units in force, lineage, whether
//! a map-C cercle's communes are known) and knows nothing of GraphQL or HTTP. The communes of a
//! cercle on a date are [`AdminGraph::descendants`]: the one answer every other use draws on.

mod geometry;
mod history;
mod name;
mod people;
mod search;

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use petgraph::Direction;
use petgraph::graph::{DiGraph, EdgeReference, NodeIndex};
use petgraph::visit::EdgeRef;

pub use geometry::{Atlas, GeometryError, GeometryReport, Place, Quartier, ShapeGap, UnitShape};
pub use history::{
    CerclePeriod, ComputedPopulation, Direction as LineageDirection, Hop, Move, Projection,
    RegionPeriod,
};
pub use name::fold_name;
pub use people::{GroupId, GroupPlace};
pub use search::{Found, MatchKind, SearchHit};

use crate::dataset::{
    Confidence, Dataset, DatasetError, GeoTexts, Level, LineageKind, ListingRecord, MapRecord,
    Period, PlacementBasis, ReorganisationRecord, UnitRecord,
};

/// A unit of the model, cheap to copy and to use as a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitId(NodeIndex);

/// `parent` contained the edge's target during `period`: a placement, with what it rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Containment {
    pub period: Period,
    pub confidence: Confidence,
    /// What the placement rests on (a seed, a source, an assumption).
    pub basis: PlacementBasis,
    pub source: String,
    /// What else the sources say: a hand match, a source that disagrees and is not followed.
    pub note: Option<String>,
}

/// The edge's target received territory from its source on `date`.
#[derive(Debug, Clone)]
pub struct LineageLink {
    pub date: NaiveDate,
    pub kind: LineageKind,
    pub partial: bool,
    pub confidence: Confidence,
    pub basis: String,
}

#[derive(Debug, Clone)]
pub enum Relation {
    Contains(Containment),
    Lineage(LineageLink),
}

/// How a name lookup matched a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameMatch {
    Name,
    Alias,
}

/// The whole model, immutable once built.
#[derive(Debug)]
pub struct AdminGraph {
    graph: DiGraph<UnitRecord, Relation>,
    /// Sort position of each node among units of its level: regions by number, others by name.
    rank: Vec<u32>,
    by_code: HashMap<String, UnitId>,
    by_name: HashMap<String, Vec<(UnitId, NameMatch)>>,
    /// Each node's names and aliases prepared for search.
    name_keys: Vec<Vec<name::NameKey>>,
    peoples: people::Peoples,
    country: UnitId,
    maps: Vec<MapRecord>,
    reorganisations: Vec<ReorganisationRecord>,
    /// Map C's first day: from then, a cercle's communes are known only where a source lists
    /// them complete.
    map_c_start: NaiveDate,
    /// What the sources say of map C's cercles as wholes (complete lists, stated counts).
    listings: HashMap<UnitId, ListingRecord>,
    version: String,
    /// The geometry files' text, parsed into `atlas` on first use.
    geo: GeoTexts,
    atlas: OnceLock<Result<Atlas, DatasetError>>,
}

impl AdminGraph {
    /// Builds the model from a checked data set. The data set's checks guarantee that every
    /// code an edge names exists and that there is exactly one country.
    pub fn build(dataset: Dataset) -> AdminGraph {
        let Dataset {
            units,
            containment,
            lineage,
            maps,
            reorganisations,
            people,
            geo,
            listings,
            version,
        } = dataset;
        let mut graph = DiGraph::with_capacity(units.len(), containment.len() + lineage.len());
        let mut by_code = HashMap::new();
        let mut by_name: HashMap<String, Vec<(UnitId, NameMatch)>> = HashMap::new();
        for unit in units {
            let id = UnitId(graph.add_node(unit));
            let unit = &graph[id.0];
            // Primary codes win over other systems' codes that happen to be equal.
            by_code.insert(unit.code.clone(), id);
            for code in &unit.codes {
                by_code.entry(code.value.to_uppercase()).or_insert(id);
            }
            by_name
                .entry(fold_name(&unit.name))
                .or_default()
                .push((id, NameMatch::Name));
            for alias in &unit.aliases {
                by_name
                    .entry(fold_name(alias))
                    .or_default()
                    .push((id, NameMatch::Alias));
            }
        }
        let mut order: Vec<NodeIndex> = graph.node_indices().collect();
        let sort_key = |n: &NodeIndex| {
            let unit = &graph[*n];
            let name = match unit.level {
                Level::Region => String::new(),
                _ => fold_name(&unit.name),
            };
            (unit.level, name, unit.code.clone())
        };
        order.sort_by_cached_key(sort_key);
        let mut rank = vec![0; order.len()];
        for (position, n) in order.iter().enumerate() {
            rank[n.index()] = position as u32;
        }
        let node = |code: &str| by_code.get(code).map(|id| id.0);
        let mut containment: Vec<_> = containment
            .into_iter()
            .filter_map(|record| Some((node(&record.parent)?, node(&record.child)?, record)))
            .collect();
        // A unit's edges iterate newest first. Added in reverse sort order of their child, a
        // unit's children come out in sort order, which `sorted` then only has to confirm (a
        // sort of a cercle's communes was half the time of its fast-path answer). Stable, so a
        // child's own edges keep the data's order.
        containment.sort_by_key(|(_, child, _)| std::cmp::Reverse(rank[child.index()]));
        for (parent, child, record) in containment {
            graph.add_edge(
                parent,
                child,
                Relation::Contains(Containment {
                    period: record.period,
                    confidence: record.confidence,
                    basis: record.basis,
                    source: record.source,
                    note: record.note,
                }),
            );
        }
        for record in lineage {
            if let (Some(from), Some(to)) = (node(&record.from), node(&record.to)) {
                graph.add_edge(
                    from,
                    to,
                    Relation::Lineage(LineageLink {
                        date: record.date,
                        kind: record.kind,
                        partial: record.partial,
                        confidence: record.confidence,
                        basis: record.basis,
                    }),
                );
            }
        }
        let name_keys = graph.node_weights().map(search::name_keys).collect();
        let peoples = people::Peoples::build(people, |code| by_code.get(code).copied());
        let country = graph
            .node_indices()
            .find(|n| graph[*n].level == Level::Country)
            .map_or(UnitId(NodeIndex::new(0)), UnitId);
        let map_c_start = listings.from;
        let listings = listings
            .units
            .into_iter()
            .filter_map(|l| Some((by_code.get(&l.unit).copied()?, l)))
            .collect();
        AdminGraph {
            graph,
            rank,
            by_code,
            by_name,
            name_keys,
            peoples,
            country,
            maps,
            reorganisations,
            map_c_start,
            listings,
            version,
            geo,
            atlas: OnceLock::new(),
        }
    }

    /// What the sources say of a map-C cercle's or region's communes as a whole, if anything.
    pub fn listing(&self, id: UnitId) -> Option<&ListingRecord> {
        self.listings.get(&id)
    }

    /// The first day of map C.
    pub fn map_c_start(&self) -> NaiveDate {
        self.map_c_start
    }

    /// Whether the communes of `id` on `date` are known: on maps A and B, seed 001 lists every
    /// cercle's communes, so a cercle with communes is known; on map C, only a cercle that a
    /// source lists complete.
    pub fn communes_known(&self, id: UnitId, date: NaiveDate) -> bool {
        if date >= self.map_c_start {
            self.listing(id).is_some_and(|l| l.complete)
        } else {
            !self.descendants(id, Level::Commune, date).is_empty()
        }
    }

    pub fn unit(&self, id: UnitId) -> &UnitRecord {
        &self.graph[id.0]
    }

    pub fn country(&self) -> UnitId {
        self.country
    }

    /// A digest of the data the model was built from.
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn maps(&self) -> &[MapRecord] {
        &self.maps
    }

    pub fn reorganisations(&self) -> &[ReorganisationRecord] {
        &self.reorganisations
    }

    /// Every unit, in sort order within each level (country, regions, cercles, communes).
    pub fn units(&self) -> Vec<UnitId> {
        let mut ids: Vec<UnitId> = self.graph.node_indices().map(UnitId).collect();
        ids.sort_by_key(|id| self.rank[id.0.index()]);
        ids
    }

    /// The unit with this code in any system (primary codes first), whatever the date.
    pub fn find_by_code(&self, code: &str) -> Option<UnitId> {
        let code = code.trim();
        self.by_code
            .get(code)
            .or_else(|| self.by_code.get(&code.to_uppercase()))
            .copied()
    }

    /// Units of `level` whose name or alias folds to the same key as `name`, whatever the date:
    /// those matched by name if any, else those matched by alias; in sort order.
    pub fn find_by_name(&self, name: &str, level: Level) -> Vec<UnitId> {
        let Some(found) = self.by_name.get(&fold_name(name)) else {
            return Vec::new();
        };
        let of_level = |how: NameMatch| {
            let mut ids: Vec<UnitId> = found
                .iter()
                .filter(|(id, m)| *m == how && self.unit(*id).level == level)
                .map(|(id, _)| *id)
                .collect();
            ids.sort_by_key(|id| self.rank[id.0.index()]);
            ids.dedup();
            ids
        };
        let by_name = of_level(NameMatch::Name);
        if by_name.is_empty() {
            of_level(NameMatch::Alias)
        } else {
            by_name
        }
    }

    fn containment_edges(
        &self,
        id: UnitId,
        direction: Direction,
    ) -> impl Iterator<Item = (EdgeReference<'_, Relation>, &Containment)> {
        self.graph
            .edges_directed(id.0, direction)
            .filter_map(|edge| match edge.weight() {
                Relation::Contains(c) => Some((edge, c)),
                Relation::Lineage(_) => None,
            })
    }

    /// The unit's position in sort order (regions by number, other levels by name).
    pub fn rank_of(&self, id: UnitId) -> u32 {
        self.rank[id.0.index()]
    }

    fn sorted(&self, mut ids: Vec<UnitId>) -> Vec<UnitId> {
        ids.sort_by_key(|id| self.rank[id.0.index()]);
        ids
    }

    /// The unit that contains `id` on `date`.
    pub fn parent(&self, id: UnitId, date: NaiveDate) -> Option<UnitId> {
        self.containment_edges(id, Direction::Incoming)
            .find(|(_, c)| c.period.contains(date))
            .map(|(edge, _)| UnitId(edge.source()))
    }

    /// The units directly inside `id` on `date`, in sort order.
    pub fn children(&self, id: UnitId, date: NaiveDate) -> Vec<UnitId> {
        self.sorted(
            self.containment_edges(id, Direction::Outgoing)
                .filter(|(_, c)| c.period.contains(date))
                .map(|(edge, _)| UnitId(edge.target()))
                .collect(),
        )
    }

    /// The units of `level` inside `id` on `date`, at any depth, in sort order.
    pub fn descendants(&self, id: UnitId, level: Level, date: NaiveDate) -> Vec<UnitId> {
        // Room for a cercle's communes (Kati has 37) without growing on the way.
        let mut found = Vec::with_capacity(64);
        let mut stack = vec![id];
        while let Some(next) = stack.pop() {
            for child in self
                .containment_edges(next, Direction::Outgoing)
                .filter(|(_, c)| c.period.contains(date))
                .map(|(edge, _)| UnitId(edge.target()))
            {
                match self.unit(child).level {
                    l if l == level => found.push(child),
                    l if l < level => stack.push(child),
                    _ => {}
                }
            }
        }
        self.sorted(found)
    }

    /// The unit of `level` that contains `id` on `date` (the unit itself if it is of `level`).
    pub fn ancestor(&self, id: UnitId, level: Level, date: NaiveDate) -> Option<UnitId> {
        let mut current = id;
        loop {
            let unit = self.unit(current);
            if unit.level == level {
                return Some(current);
            }
            if unit.level < level {
                return None;
            }
            current = self.parent(current, date)?;
        }
    }

    /// The units of `level` in force on `date`, in sort order.
    pub fn in_force(&self, level: Level, date: NaiveDate) -> Vec<UnitId> {
        self.descendants(self.country, level, date)
    }

    /// Every unit that ever contained `id`, with the period, in time order.
    pub fn parents_over_time(&self, id: UnitId) -> Vec<(UnitId, &Containment)> {
        let mut parents: Vec<_> = self
            .containment_edges(id, Direction::Incoming)
            .map(|(edge, c)| (UnitId(edge.source()), c))
            .collect();
        parents.sort_by_key(|(_, c)| c.period.from);
        parents
    }

    fn lineage(&self, id: UnitId, direction: Direction) -> Vec<(UnitId, &LineageLink)> {
        let mut links: Vec<_> = self
            .graph
            .edges_directed(id.0, direction)
            .filter_map(|edge| match edge.weight() {
                Relation::Lineage(link) => {
                    let other = match direction {
                        Direction::Outgoing => edge.target(),
                        Direction::Incoming => edge.source(),
                    };
                    Some((UnitId(other), link))
                }
                Relation::Contains(_) => None,
            })
            .collect();
        links.sort_by_key(|(other, link)| (link.date, self.rank[other.0.index()]));
        links
    }

    /// Units of the same level that received territory from `id`, with the link.
    pub fn successors(&self, id: UnitId) -> Vec<(UnitId, &LineageLink)> {
        self.lineage(id, Direction::Outgoing)
    }

    /// Units of the same level that gave territory to `id`, with the link.
    pub fn predecessors(&self, id: UnitId) -> Vec<(UnitId, &LineageLink)> {
        self.lineage(id, Direction::Incoming)
    }

    /// `date` if `id` is in force then, else the unit's last day in force (or its first, for a
    /// date before it began).
    pub fn last_day_in_force(&self, id: UnitId, date: NaiveDate) -> NaiveDate {
        let validity = self.unit(id).validity;
        match (validity.from, validity.until) {
            _ if validity.contains(date) => date,
            (Some(from), _) if date < from => from,
            (_, Some(until)) => until.pred_opt().unwrap_or(until),
            _ => date,
        }
    }

    /// "Kati cercle, Koulikoro region": where a unit lies on `date` (or on its last day in
    /// force, if it is not in force then).
    pub fn describe_location(&self, id: UnitId, date: NaiveDate) -> String {
        let date = self.last_day_in_force(id, date);
        let mut parts = Vec::new();
        let mut current = self.parent(id, date);
        while let Some(parent) = current {
            let unit = self.unit(parent);
            if unit.level == Level::Country {
                break;
            }
            parts.push(format!("{} {}", unit.name, unit.level.name()));
            current = self.parent(parent, date);
        }
        parts.join(", ")
    }
}
