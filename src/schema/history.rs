//! History in the schema: lineage links and walks, region history, projection onto another
//! date, populations summed onto another map, and the reorganisations themselves.

use async_graphql::{Context, Object};
use chrono::NaiveDate;

use super::context::graph;
use super::date::Date;
use super::types::{
    AdminUnit, Cercle, Commune, ComputedPopulation, LineageLinkView, LineagePath, ProjectionView,
    Region, UnitAt,
};
use super::values::{Confidence, LinkKind};
use crate::dataset::{self, Level, LineageKind};
use crate::model::{AdminGraph, LineageLink, UnitId};

impl LineageLinkView {
    /// The link as seen from its `from` end (`outgoing`) or its `to` end.
    pub fn new(other: UnitId, link: &LineageLink, outgoing: bool) -> LineageLinkView {
        let kind = match (link.kind, outgoing) {
            (LineageKind::CreatedFrom, false) => LinkKind::CreatedFrom,
            (LineageKind::PartTransferred, false) => LinkKind::ReceivedPartFrom,
            (LineageKind::CreatedFrom, true) => LinkKind::SplitInto,
            (LineageKind::PartTransferred, true) => LinkKind::PartTransferredTo,
        };
        LineageLinkView {
            other,
            kind,
            date: link.date,
            partial: link.partial,
            confidence: link.confidence,
            basis: link.basis.clone(),
        }
    }

    /// The other unit, seen on the link's date (a giver on the day before it).
    fn other_at(&self) -> UnitAt {
        let as_of = match self.kind {
            LinkKind::CreatedFrom | LinkKind::ReceivedPartFrom => {
                self.date.pred_opt().unwrap_or(self.date)
            }
            LinkKind::SplitInto | LinkKind::PartTransferredTo => self.date,
        };
        UnitAt {
            id: self.other,
            as_of,
        }
    }
}

#[Object(name = "LineageLink")]
impl LineageLinkView {
    /// How the units are linked, seen from the unit this link is listed on.
    async fn kind(&self) -> LinkKind {
        self.kind
    }

    /// The day the territory changed hands.
    async fn date(&self) -> Date {
        Date(self.date)
    }

    /// Only part of the giver's territory went to the receiver.
    async fn partial(&self) -> bool {
        self.partial
    }

    /// How sure the sources are of the link.
    async fn confidence(&self) -> Confidence {
        self.confidence.into()
    }

    /// Where the link comes from, and what territory it concerns.
    async fn basis(&self) -> &str {
        &self.basis
    }

    /// The other unit (seen on the day before the change if it gave territory, on the day of
    /// the change if it received it).
    async fn unit(&self, ctx: &Context<'_>) -> AdminUnit {
        AdminUnit::new(graph(ctx), self.other_at())
    }

    /// The other unit, if it is a region or the district.
    async fn region(&self, ctx: &Context<'_>) -> Option<Region> {
        (graph(ctx).unit(self.other).level == Level::Region).then(|| self.other_at().into())
    }

    /// The other unit, if it is a cercle.
    async fn cercle(&self, ctx: &Context<'_>) -> Option<Cercle> {
        (graph(ctx).unit(self.other).level == Level::Cercle).then(|| self.other_at().into())
    }

    /// The reorganisation the change belongs to.
    async fn event(&self, ctx: &Context<'_>) -> Option<Reorganisation> {
        Reorganisation::on(graph(ctx), self.date)
    }
}

/// The links of `id` in one direction, as views.
pub fn links(graph: &AdminGraph, id: UnitId, outgoing: bool) -> Vec<LineageLinkView> {
    let links = if outgoing {
        graph.successors(id)
    } else {
        graph.predecessors(id)
    };
    links
        .into_iter()
        .map(|(other, link)| LineageLinkView::new(other, link, outgoing))
        .collect()
}

#[Object]
impl LineagePath {
    /// The links followed, in order.
    async fn hops(&self) -> &[LineageLinkView] {
        &self.hops
    }

    /// The units along the walk: the start, then the unit each hop reaches (a unit may appear
    /// twice: Tombouctou, Taoudénit, Tombouctou).
    async fn units(&self, ctx: &Context<'_>) -> Vec<AdminUnit> {
        let graph = graph(ctx);
        std::iter::once(self.start)
            .chain(self.hops.iter().map(LineageLinkView::other_at))
            .map(|at| AdminUnit::new(graph, at))
            .collect()
    }
}

#[Object(name = "Projection")]
impl ProjectionView {
    /// The unit that holds the territory, on the target date.
    async fn unit(&self, ctx: &Context<'_>) -> AdminUnit {
        AdminUnit::new(graph(ctx), self.at)
    }

    /// The unit, if it is a region or the district.
    async fn region(&self, ctx: &Context<'_>) -> Option<Region> {
        (graph(ctx).unit(self.at.id).level == Level::Region).then(|| self.at.into())
    }

    /// The unit, if it is a cercle.
    async fn cercle(&self, ctx: &Context<'_>) -> Option<Cercle> {
        (graph(ctx).unit(self.at.id).level == Level::Cercle).then(|| self.at.into())
    }

    /// The unit holds only part of the source's territory.
    async fn partial(&self) -> bool {
        self.projection.partial
    }

    /// The unit lies entirely within the source's territory: all its communes on the target
    /// date come from the source (the old cercles that make up a new region).
    async fn entirely_within(&self) -> bool {
        self.projection.entirely_within
    }

    /// How many of the source's communes lie in the unit (0 where only a lineage link ties
    /// them: territory that no whole commune carries).
    async fn shared_communes(&self) -> i32 {
        i32::try_from(self.projection.shared_communes).unwrap_or(i32::MAX)
    }

    /// Found only through a lineage link, not through communes.
    async fn through_lineage_only(&self) -> bool {
        self.projection.through_lineage_only
    }

    /// The lowest confidence of the placements or links involved.
    async fn confidence(&self) -> Confidence {
        self.projection.confidence.into()
    }
}

impl ComputedPopulation {
    pub fn new(graph: &AdminGraph, at: UnitAt, year: i32) -> Option<ComputedPopulation> {
        let sum = graph.computed_population(at.id, at.as_of, year)?;
        let int = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
        let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        let published = graph
            .unit(at.id)
            .figures
            .iter()
            .find(|f| f.year == year)
            .map(|f| int(f.value));
        Some(ComputedPopulation {
            year,
            value: int(sum.value),
            computed: true,
            approximate: sum.approximate,
            communes_counted: count(sum.communes_counted),
            communes_without_figure: count(sum.communes_without_figure),
            published,
            difference: published.map(|p| int(sum.value) - p),
        })
    }
}

/// A unit that changed parent in a reorganisation.
pub struct UnitMove {
    date: NaiveDate,
    moved: crate::model::Move,
}

#[Object]
impl UnitMove {
    /// The unit that moved, on the day of the change.
    async fn unit(&self, ctx: &Context<'_>) -> AdminUnit {
        AdminUnit::new(
            graph(ctx),
            UnitAt {
                id: self.moved.unit,
                as_of: self.date,
            },
        )
    }

    /// Where it lay the day before (null if nowhere).
    async fn from(&self, ctx: &Context<'_>) -> Option<AdminUnit> {
        let as_of = self.date.pred_opt().unwrap_or(self.date);
        self.moved
            .from
            .map(|id| AdminUnit::new(graph(ctx), UnitAt { id, as_of }))
    }

    /// Where it lies from the day of the change.
    async fn to(&self, ctx: &Context<'_>) -> AdminUnit {
        AdminUnit::new(
            graph(ctx),
            UnitAt {
                id: self.moved.to,
                as_of: self.date,
            },
        )
    }

    /// How sure the sources are of the new placement.
    async fn confidence(&self) -> Confidence {
        self.moved.confidence.into()
    }

    /// What the new placement rests on (a source, the seat of a new cercle, a complete list
    /// that leaves the commune out, ...).
    async fn basis(&self) -> super::values::PlacementBasis {
        self.moved.basis.into()
    }
}

/// A change of the administrative map.
pub struct Reorganisation {
    index: usize,
}

impl Reorganisation {
    pub fn all(graph: &AdminGraph) -> Vec<Reorganisation> {
        (0..graph.reorganisations().len())
            .map(|index| Reorganisation { index })
            .collect()
    }

    pub fn on(graph: &AdminGraph, date: NaiveDate) -> Option<Reorganisation> {
        graph
            .reorganisations()
            .iter()
            .position(|r| r.date == date)
            .map(|index| Reorganisation { index })
    }

    fn record<'a>(&self, ctx: &Context<'a>) -> &'a dataset::ReorganisationRecord {
        &graph(ctx).reorganisations()[self.index]
    }

    fn created(&self, ctx: &Context<'_>, level: Level) -> Vec<UnitAt> {
        let date = self.record(ctx).date;
        let graph = graph(ctx);
        graph
            .created_on(date)
            .into_iter()
            .filter(|id| graph.unit(*id).level == level)
            .map(|id| UnitAt { id, as_of: date })
            .collect()
    }
}

#[Object]
impl Reorganisation {
    /// The day the change took effect.
    async fn date(&self, ctx: &Context<'_>) -> Date {
        Date(self.record(ctx).date)
    }

    /// A short name for the change.
    async fn name<'ctx>(&self, ctx: &Context<'ctx>) -> &'ctx str {
        &self.record(ctx).name
    }

    /// The laws behind the change.
    async fn legal_acts<'ctx>(&self, ctx: &Context<'ctx>) -> &'ctx [String] {
        &self.record(ctx).legal_acts
    }

    /// How sure the sources are of the date (2023-03-13 is medium: some sources give
    /// 2023-02-22 for individual moves).
    async fn date_certainty(&self, ctx: &Context<'_>) -> Confidence {
        self.record(ctx).date_confidence.into()
    }

    /// What changed, in a sentence.
    async fn summary<'ctx>(&self, ctx: &Context<'ctx>) -> &'ctx str {
        &self.record(ctx).summary
    }

    /// Where the facts come from.
    async fn sources<'ctx>(&self, ctx: &Context<'ctx>) -> &'ctx [String] {
        &self.record(ctx).sources
    }

    /// The regions that came into force on the date.
    async fn regions_created(&self, ctx: &Context<'_>) -> Vec<Region> {
        self.created(ctx, Level::Region)
            .into_iter()
            .map(Region::from)
            .collect()
    }

    /// The cercles that came into force on the date.
    async fn cercles_created(&self, ctx: &Context<'_>) -> Vec<Cercle> {
        self.created(ctx, Level::Cercle)
            .into_iter()
            .map(Cercle::from)
            .collect()
    }

    /// The communes that came into force on the date.
    async fn communes_created(&self, ctx: &Context<'_>) -> Vec<Commune> {
        self.created(ctx, Level::Commune)
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// Units that existed before and changed parent on the date: cercles that moved to a new
    /// region, communes that moved to a new cercle.
    async fn moves(&self, ctx: &Context<'_>) -> Vec<UnitMove> {
        let date = self.record(ctx).date;
        graph(ctx)
            .moves_on(date)
            .into_iter()
            .map(|moved| UnitMove { date, moved })
            .collect()
    }

    /// The territory links of the date, from each unit that gave territory (`splitInto`,
    /// `partTransferredTo`) to the one that received it.
    async fn splits(&self, ctx: &Context<'_>) -> Vec<TerritorySplit> {
        let date = self.record(ctx).date;
        graph(ctx)
            .links_on(date)
            .into_iter()
            .map(|(from, to, link)| TerritorySplit {
                from: UnitAt {
                    id: from,
                    as_of: date.pred_opt().unwrap_or(date),
                },
                link: LineageLinkView::new(to, link, true),
            })
            .collect()
    }
}

/// Territory that went from one unit to another in a reorganisation.
pub struct TerritorySplit {
    from: UnitAt,
    link: LineageLinkView,
}

#[Object]
impl TerritorySplit {
    /// The unit that gave territory, on the day before.
    async fn from(&self, ctx: &Context<'_>) -> AdminUnit {
        AdminUnit::new(graph(ctx), self.from)
    }

    /// The link, seen from the giver: its `unit` is the receiver.
    async fn link(&self) -> &LineageLinkView {
        &self.link
    }
}
