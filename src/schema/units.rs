//! The schema's unit types: `Country`, `Region` (regions and the Bamako District), `Cercle` and
//! `Commune`, all implementing the `AdminUnit` interface. Every object is a unit seen on a date
//! (`asOf`); nested fields answer for that date unless given their own `asOf`.

use async_graphql::{Context, Object, Result};
use chrono::NaiveDate;

use super::context::{graph, loaders};
use super::date::{Date, resolve_date};
use super::error::or_null;
use super::geometry;
use super::history::links;
use super::lists::{UnitFilter, UnitOrder, filter_and_order};
use super::loaders::LevelKey;
use super::node::unit_id;
use super::placement::{cercle_history, region_history};
use super::types::{
    AdminUnit, Cercle, CerclePeriod, Commune, ComputedPopulation, Country, Group, Language,
    LineageLinkView, LineagePath, PlaceView, ProjectionView, QuartierView, Region, RegionPeriod,
    Religion, ShapeView, StatedCommunes, UnitAt,
};
use super::values::{
    BoundingBox, Confidence, FigureBasis, GeoJson, Growth, Level, LineageDirection, Location,
    PlaceKind, PopulationFigure, RegionKind, UnitCode, UnitCounts, UnitStatus, to_int,
};
use crate::dataset;
use crate::model::{AdminGraph, UnitId};

/// Resolves a unit type's fields: those every unit has (the `AdminUnit` interface's, which the
/// interface in `types.rs` calls, hence `pub(crate)`) and the type's own. A declarative macro
/// rather than `MergedObject`: merged parts cannot refer back to the unit types (as
/// `predecessors` do) without being registered before their fields are known.
macro_rules! unit_object {
    ($(#[$doc:meta])* $name:ident { $($fields:tt)* }) => {
        $(#[$doc])*
        #[Object]
        impl $name {
            /// An opaque global ID (Relay) of the unit seen on this object's date (`asOf`):
            /// `node(id:)` fetches exactly this object again. Mopti of 2010 and Mopti of 2024
            /// have different ids; the unit's date-free identity is `code`.
            pub(crate) async fn id(&self, ctx: &Context<'_>) -> async_graphql::ID {
                unit_id(graph(ctx).unit(self.0.id), self.0.as_of)
            }

            /// The unit directly above this one on `asOf` (default: this object's date): a
            /// commune's cercle (the region or district where it has none), a cercle's
            /// region, a region's country; null for the country and for a unit not in force
            /// then.
            pub(crate) async fn parent(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "The date to answer for (default: this object's date).")] as_of: Option<Date>,
            ) -> Option<AdminUnit> {
                or_null(ctx, parent(ctx, self.0, as_of).await)
            }


    /// The unit's primary code, unique across all levels and stable across maps: the seed's
    /// number for regions ("05"), the 2023 cercle code for cercles ("1903"), our own code for
    /// communes ("CM-0204-07"), "ML" for the country. All codes are in `codes`.
    pub(crate) async fn code<'ctx>(&self, ctx: &Context<'ctx>) -> &'ctx str {
        &graph(ctx).unit(self.0.id).code
    }

    /// Every code of the unit, with its system; the primary code first.
    pub(crate) async fn codes(&self, ctx: &Context<'_>) -> Vec<UnitCode> {
        graph(ctx)
            .unit(self.0.id)
            .codes
            .iter()
            .map(|c| UnitCode {
                system: c.system.into(),
                value: c.value.clone(),
            })
            .collect()
    }

    /// The unit's name (the accented spelling where sources differ).
    pub(crate) async fn name<'ctx>(&self, ctx: &Context<'ctx>) -> &'ctx str {
        &graph(ctx).unit(self.0.id).name
    }

    /// Other names and spellings of the unit, from the seeds' variants and other sources.
    pub(crate) async fn aliases<'ctx>(&self, ctx: &Context<'ctx>) -> &'ctx [String] {
        &graph(ctx).unit(self.0.id).aliases
    }

    /// The unit's level.
    pub(crate) async fn level(&self, ctx: &Context<'_>) -> Level {
        graph(ctx).unit(self.0.id).level.into()
    }

    /// The date this object answers for: nested fields without their own `asOf` use it.
    pub(crate) async fn as_of(&self, _ctx: &Context<'_>) -> Date {
        Date(self.0.as_of)
    }

    /// The first day the unit is in force; null if it existed before the data begins
    /// (1996-11-04). Named like every period's `from`.
    #[graphql(name = "from")]
    pub(crate) async fn validity_from(&self, ctx: &Context<'_>) -> Option<Date> {
        graph(ctx).unit(self.0.id).validity.from.map(Date)
    }

    /// The first day the unit is no longer in force; null while it is. Named like every
    /// period's `until`.
    #[graphql(name = "until")]
    pub(crate) async fn validity_until(&self, ctx: &Context<'_>) -> Option<Date> {
        graph(ctx).unit(self.0.id).validity.until.map(Date)
    }

    /// The first day the unit is in force (the same as `from`).
    #[graphql(deprecation = "Use `from`: periods are `from`/`until` everywhere.")]
    pub(crate) async fn valid_from(&self, ctx: &Context<'_>) -> Option<Date> {
        graph(ctx).unit(self.0.id).validity.from.map(Date)
    }

    /// The first day the unit is no longer in force (the same as `until`).
    #[graphql(deprecation = "Use `until`: periods are `from`/`until` everywhere.")]
    pub(crate) async fn valid_until(&self, ctx: &Context<'_>) -> Option<Date> {
        graph(ctx).unit(self.0.id).validity.until.map(Date)
    }

    /// Whether the unit is in force on `asOf` (default: this object's date).
    pub(crate) async fn status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The date to answer for (default: this object's date).")] as_of: Option<
            Date,
        >,
    ) -> Result<UnitStatus> {
        let date = resolve_date(as_of, self.0.as_of)?;
        let validity = graph(ctx).unit(self.0.id).validity;
        Ok(if validity.contains(date) {
            UnitStatus::InForce
        } else if validity.from.is_some_and(|from| date < from) {
            UnitStatus::NotYetCreated
        } else {
            UnitStatus::Ended
        })
    }

    /// The published population of the unit for `year`, or null when no source gives one.
    /// Which territory it counts, and its source, are in `populations`.
    pub(crate) async fn population(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year of the figure (censuses: 1998, 2009).")] year: i32,
    ) -> Option<i32> {
        graph(ctx)
            .unit(self.0.id)
            .figures
            .iter()
            .find(|f| f.year == year)
            .map(|f| to_int(f.value))
    }

    /// Every published population figure of the unit, by year.
    pub(crate) async fn populations(&self, ctx: &Context<'_>) -> Vec<PopulationFigure> {
        graph(ctx)
            .unit(self.0.id)
            .figures
            .iter()
            .map(|f| PopulationFigure {
                year: f.year,
                value: to_int(f.value),
                kind: f.kind.into(),
                source: f.source,
                territory: f.territory,
            })
            .collect()
    }

    /// How sure the sources are that the unit exists as described on its dates.
    pub(crate) async fn confidence(&self, ctx: &Context<'_>) -> Confidence {
        graph(ctx).unit(self.0.id).confidence.into()
    }

    /// The label the seed gives the unit, verbatim (null for units the seeds lack).
    pub(crate) async fn seed_name<'ctx>(&self, ctx: &Context<'ctx>) -> Option<&'ctx str> {
        graph(ctx).unit(self.0.id).seed_name.as_deref()
    }

    /// What the sources say that the other fields cannot (doubts, misspellings kept as given).
    pub(crate) async fn note<'ctx>(&self, ctx: &Context<'ctx>) -> Option<&'ctx str> {
        graph(ctx).unit(self.0.id).note.as_deref()
    }

    /// Units of the same level that gave this unit territory (Bandiagara region: Mopti), with
    /// the kind, date and confidence of each link.
    pub(crate) async fn predecessors(&self, ctx: &Context<'_>) -> Vec<LineageLinkView> {
        links(graph(ctx), self.0.id, false)
    }

    /// Units of the same level that received territory from this unit (Mopti region:
    /// Bandiagara and Douentza). A change of parent is not a lineage link: see `regionHistory`.
    pub(crate) async fn successors(&self, ctx: &Context<'_>) -> Vec<LineageLinkView> {
        links(graph(ctx), self.0.id, true)
    }

    /// Every walk through lineage links from this unit, each hop later (`FORWARD`) or earlier
    /// (`BACKWARD`) than the one before; a unit may appear twice (Tombouctou → Taoudénit in
    /// 2016 → in part back to Tombouctou in 2023).
    pub(crate) async fn lineage_paths(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Forward (default) or backward in time.", default)] direction: LineageDirection,
    ) -> Vec<LineagePath> {
        let graph = graph(ctx);
        let direction = match direction {
            LineageDirection::Forward => crate::model::LineageDirection::Forward,
            LineageDirection::Backward => crate::model::LineageDirection::Backward,
        };
        graph
            .lineage_walks(self.0.id, direction)
            .into_iter()
            .map(|walk| LineagePath {
                start: self.0,
                hops: walk
                    .iter()
                    .map(|hop| {
                        LineageLinkView::new(hop.unit, hop.link, direction == crate::model::LineageDirection::Forward)
                    })
                    .collect(),
            })
            .collect()
    }

    /// The units of `level` (default: this unit's) in force on `onto` that hold the territory
    /// this unit had on its date, whole or in part: the 2023 region of a 2009 commune, the 2023
    /// cercles that came out of an old cercle, the old cercles that make up a new region.
    /// Found through the communes, and through lineage links for territory no commune carries.
    pub(crate) async fn projection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The date to project onto.")] onto: Date,
        #[graphql(desc = "The level of the units to return (default: this unit's).")] level: Option<Level>,
    ) -> Result<Vec<ProjectionView>> {
        let graph = graph(ctx);
        let onto = resolve_date(Some(onto), self.0.as_of)?;
        let level = level.map_or(graph.unit(self.0.id).level, Into::into);
        Ok(graph
            .project(self.0.id, self.0.as_of, onto, level)
            .into_iter()
            .map(|projection| ProjectionView {
                at: UnitAt { id: projection.unit, as_of: onto },
                projection,
            })
            .collect())
    }

    /// The population for a census `year` computed by summing the communes inside the unit on
    /// its date: how the unit's territory of that date was counted then (a 2023 region's 1998
    /// and 2009 populations). Marked computed, and approximate where placements are uncertain;
    /// null when no commune lies in the unit.
    pub(crate) async fn computed_population(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The census year (1998 or 2009).")] year: i32,
    ) -> Option<ComputedPopulation> {
        ComputedPopulation::new(graph(ctx), self.0, year)
    }

            /// Peoples whose homeland, on `asOf` (default: this object's date), is the unit,
            /// lies within it, or contains it (the Dogon, around Bandiagara cercle, are in
            /// Bandiagara region today and were in Mopti region in 2010).
            pub(crate) async fn groups(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "The date to answer for (default: this object's date).")] as_of: Option<Date>,
            ) -> Result<Vec<Group>> {
                let date = resolve_date(as_of, self.0.as_of)?;
                Ok(graph(ctx)
                    .groups_at(self.0.id, date)
                    .into_iter()
                    .map(|id| Group { id, as_of: date })
                    .collect())
            }

            /// How many cercles and communes lie inside the unit on `asOf` (default: this
            /// object's date).
            pub(crate) async fn counts(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "The date to answer for (default: this object's date).")] as_of: Option<Date>,
            ) -> Result<UnitCounts> {
                UnitCounts::load(ctx, self.0, as_of).await
            }

            /// Growth of the population between two years: from published figures (default),
            /// or from the sums of the communes inside the unit on its date (`COMPUTED`, kept
            /// apart). Null when a figure is missing.
            pub(crate) async fn growth(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "The first year.", default = 1998)] from_year: i32,
                #[graphql(desc = "The second year.", default = 2009)] to_year: i32,
                #[graphql(desc = "Published figures (default) or computed sums.", default)] basis: FigureBasis,
            ) -> Option<Growth> {
                Growth::new(graph(ctx), self.0, from_year, to_year, basis)
            }

            /// The unit's shape on its date as GeoJSON (see the `GeoJSON` scalar): a commune's
            /// is COD-AB's; every other unit's is the union of the communes it holds on the
            /// date. Null when none of them has a shape (`shape` says why). Attribute OCHA
            /// and the DNCT wherever it is shown (`shape.attribution`).
            pub(crate) async fn geometry(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "Simplify (Douglas-Peucker) to this tolerance, in metres (0 to 100000; default: none).")] simplify: Option<f64>,
                #[graphql(desc = "Decimals of each coordinate, 0 to 6 (default 6, about 0.1 m).")] precision: Option<i32>,
            ) -> Result<Option<GeoJson>> {
                let shape = geometry::unit_shape(ctx, self.0)?;
                geometry::geometry(&shape, simplify, precision)
            }

            /// What the shape is made of: computed or COD-AB's own, its confidence, the
            /// communes without a shape, the gaps it cannot show, computed and published area.
            pub(crate) async fn shape(&self, ctx: &Context<'_>) -> Result<ShapeView> {
                Ok(ShapeView {
                    at: self.0,
                    shape: geometry::unit_shape(ctx, self.0)?,
                })
            }

            /// The centroid of the shape (null without a shape).
            pub(crate) async fn centroid(&self, ctx: &Context<'_>) -> Result<Option<Location>> {
                Ok(geometry::unit_shape(ctx, self.0)?.centroid.map(Into::into))
            }

            /// The bounding box of the shape (null without a shape).
            pub(crate) async fn bbox(&self, ctx: &Context<'_>) -> Result<Option<BoundingBox>> {
                Ok(geometry::bbox(&*geometry::unit_shape(ctx, self.0)?))
            }

            /// The area of the shape on the unit's date, km² (geodesic, WGS 84); null without a
            /// shape. The published area, and the difference, are in `shape`.
            pub(crate) async fn computed_area(&self, ctx: &Context<'_>) -> Result<Option<f64>> {
                Ok(geometry::unit_shape(ctx, self.0)?
                    .area_km2
                    .map(geometry::round_km2))
            }

            /// The unit's seat: the populated place named like it among its communes' places
            /// (of the highest kind), else the seat of its level in COD-AB's list (2015).
            pub(crate) async fn seat(&self, ctx: &Context<'_>) -> Option<PlaceView> {
                geometry::seat(graph(ctx), self.0)
            }

            /// The populated places COD-AB's list (2015) puts in the unit's communes on its
            /// date: seats first, then by name.
            pub(crate) async fn places(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "Only places of these kinds (default: all).")] kind: Option<Vec<PlaceKind>>,
                #[graphql(desc = "How many at most (1 to 1000).", default = 100)] first: i32,
            ) -> Result<Vec<PlaceView>> {
                geometry::places_of_unit(graph(ctx), self.0, kind, first)
            }

            $($fields)*
        }
    };
}

/// Loads the units of `level` inside `at` on its date (or `as_of`), through the batched loader.
async fn contained_ids(
    ctx: &Context<'_>,
    at: UnitAt,
    level: dataset::Level,
    as_of: Option<Date>,
) -> Result<(Vec<UnitId>, NaiveDate)> {
    let date = resolve_date(as_of, at.as_of)?;
    let key = LevelKey {
        unit: at.id,
        level,
        date,
    };
    let ids = loaders(ctx).descendants.load_one(key).await?;
    Ok((ids.map(|ids| ids.to_vec()).unwrap_or_default(), date))
}

/// The units of `level` inside `at`, filtered and ordered, as objects of type `T`.
async fn contained<T: From<UnitAt>>(
    ctx: &Context<'_>,
    at: UnitAt,
    level: dataset::Level,
    as_of: Option<Date>,
    filter: Option<UnitFilter>,
    order_by: Option<UnitOrder>,
) -> Result<Vec<T>> {
    let (mut ids, date) = contained_ids(ctx, at, level, as_of).await?;
    if filter.is_some() || order_by.is_some() {
        ids = filter_and_order(graph(ctx), ids, filter.as_ref(), order_by.as_ref(), date)?;
    }
    Ok(ids
        .into_iter()
        .map(|id| T::from(UnitAt { id, as_of: date }))
        .collect())
}

impl UnitCounts {
    async fn load(ctx: &Context<'_>, at: UnitAt, as_of: Option<Date>) -> Result<UnitCounts> {
        let (cercles, _) = contained_ids(ctx, at, dataset::Level::Cercle, as_of).await?;
        let (communes, _) = contained_ids(ctx, at, dataset::Level::Commune, as_of).await?;
        let graph = graph(ctx);
        let urban = communes
            .iter()
            .filter(|id| graph.unit(**id).urban == Some(true))
            .count();
        let int = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        Ok(UnitCounts {
            cercles: int(cercles.len()),
            communes: int(communes.len()),
            urban_communes: int(urban),
            rural_communes: int(communes.len() - urban),
        })
    }
}

impl Growth {
    fn new(
        graph: &AdminGraph,
        at: UnitAt,
        from_year: i32,
        to_year: i32,
        basis: FigureBasis,
    ) -> Option<Growth> {
        let value = |year: i32| -> Option<(i64, bool)> {
            match basis {
                FigureBasis::Published => graph
                    .unit(at.id)
                    .figures
                    .iter()
                    .find(|f| f.year == year)
                    .and_then(|f| i64::try_from(f.value).ok())
                    .map(|v| (v, false)),
                FigureBasis::Computed => graph
                    .computed_population(at.id, at.as_of, year)
                    .filter(|sum| sum.communes_counted > 0)
                    .and_then(|sum| i64::try_from(sum.value).ok().map(|v| (v, sum.approximate))),
            }
        };
        let (from, from_approx) = value(from_year)?;
        let (to, to_approx) = value(to_year)?;
        if from == 0 || from_year == to_year {
            return None;
        }
        let ratio = to as f64 / from as f64;
        let years = f64::from(to_year - from_year);
        let int = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
        Some(Growth {
            from_year,
            to_year,
            basis,
            from_value: int(from),
            to_value: int(to),
            change: int(to - from),
            percent: (ratio - 1.0) * 100.0,
            annual_rate_percent: (ratio.powf(1.0 / years) - 1.0) * 100.0,
            approximate: from_approx || to_approx,
        })
    }
}

/// Loads the unit of `level` that contains `at` on its date (or `as_of`), as a `T`.
async fn containing<T: From<UnitAt>>(
    ctx: &Context<'_>,
    at: UnitAt,
    level: dataset::Level,
    as_of: Option<Date>,
) -> Result<Option<T>> {
    let date = resolve_date(as_of, at.as_of)?;
    let key = LevelKey {
        unit: at.id,
        level,
        date,
    };
    let found = loaders(ctx).ancestors.load_one(key).await?;
    Ok(found.map(|id| T::from(UnitAt { id, as_of: date })))
}

/// The unit directly above `at` on its date (or `as_of`): the next level up, or for a commune
/// without a cercle (Bamako's, Salam's) its region.
async fn parent(ctx: &Context<'_>, at: UnitAt, as_of: Option<Date>) -> Result<Option<AdminUnit>> {
    let graph = graph(ctx);
    let above = match graph.unit(at.id).level {
        dataset::Level::Country => return Ok(None),
        dataset::Level::Region => dataset::Level::Country,
        dataset::Level::Cercle => dataset::Level::Region,
        dataset::Level::Commune => dataset::Level::Cercle,
    };
    let found: Option<UnitAt> = containing(ctx, at, above, as_of).await?;
    let found = match found {
        None if above == dataset::Level::Cercle => {
            containing(ctx, at, dataset::Level::Region, as_of).await?
        }
        found => found,
    };
    Ok(found.map(|parent| AdminUnit::new(graph, parent)))
}

unit_object! {
/// Mali, the root of the tree.
    Country {
    /// Mali's religions with their shares (seed 002).
    async fn religions(&self, ctx: &Context<'_>) -> Vec<Religion> {
        Religion::all(graph(ctx))
    }

    /// Mali's languages (seed 002).
    async fn languages(&self, ctx: &Context<'_>) -> Vec<Language> {
        Language::all(graph(ctx))
    }

    /// Every people of seed 002 with its shares, whether or not the seed names a place for it.
    async fn peoples(&self, ctx: &Context<'_>) -> Vec<Group> {
        graph(ctx)
            .groups()
            .into_iter()
            .map(|id| Group { id, as_of: self.0.as_of })
            .collect()
    }

    /// The regions and the district in force on `asOf` (default: this object's date), by number.
    async fn regions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The date to answer for (default: this object's date).")] as_of: Option<
            Date,
        >,
        #[graphql(desc = "Only the units that pass this filter.")] filter: Option<UnitFilter>,
        #[graphql(desc = "The order (default: regions by number).")] order_by: Option<UnitOrder>,
    ) -> Result<Vec<Region>> {
        contained(ctx, self.0, dataset::Level::Region, as_of, filter, order_by).await
    }
    }
}

unit_object! {
/// A first-level unit: one of the regions, or the Bamako District (`kind: DISTRICT`).
    Region {
    /// The seed's region number, two digits: "00" (Bamako) to "19" (Douentza; Bandiagara is
    /// "17"). Law 2023-007's codes differ for the 2023 regions: see `codes`.
    async fn number<'ctx>(&self, ctx: &Context<'ctx>) -> &'ctx str {
        &graph(ctx).unit(self.0.id).code
    }

    /// A region, or the Bamako District.
    async fn kind(&self, ctx: &Context<'_>) -> RegionKind {
        graph(ctx)
            .unit(self.0.id)
            .region_kind
            .map_or(RegionKind::Region, Into::into)
    }

    /// The area in km² as seed 000 gives it (today's territory).
    async fn area_km2(&self, ctx: &Context<'_>) -> Option<i32> {
        graph(ctx).unit(self.0.id).area_km2.map(to_int)
    }

    /// The cercles of the region on `asOf` (default: this object's date), by name. Empty for the
    /// Bamako District.
    async fn cercles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The date to answer for (default: this object's date).")] as_of: Option<
            Date,
        >,
        #[graphql(desc = "Only the units that pass this filter.")] filter: Option<UnitFilter>,
        #[graphql(desc = "The order (default: by name).")] order_by: Option<UnitOrder>,
    ) -> Result<Vec<Cercle>> {
        contained(ctx, self.0, dataset::Level::Cercle, as_of, filter, order_by).await
    }

    /// The number of communes a source states for the region on map C, beside the number placed
    /// here (Koulikoro: 61 stated by maliweb.net); null where no source states one.
    async fn stated_communes(&self, ctx: &Context<'_>) -> Option<StatedCommunes> {
        StatedCommunes::new(graph(ctx), self.0)
    }

    /// All communes of the region on `asOf` (default: this object's date), by name: those of its
    /// cercles, and those that lie in it directly (Bamako's six; Salam, cercle unknown).
    async fn communes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The date to answer for (default: this object's date).")] as_of: Option<
            Date,
        >,
        #[graphql(desc = "Only the units that pass this filter.")] filter: Option<UnitFilter>,
        #[graphql(desc = "The order (default: by name).")] order_by: Option<UnitOrder>,
    ) -> Result<Vec<Commune>> {
        contained(ctx, self.0, dataset::Level::Commune, as_of, filter, order_by).await
    }
    }
}

unit_object! {
/// A cercle, the second level. A cercle that kept its name and seat across a reorganisation
/// is one unit before and after (Bankass moved from Mopti to Bandiagara region).
    Cercle {
    /// The region the cercle lies in on `asOf` (default: this object's date); null when the
    /// cercle is not in force then.
    async fn region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The date to answer for (default: this object's date).")] as_of: Option<
            Date,
        >,
    ) -> Option<Region> {
        or_null(ctx, containing(ctx, self.0, dataset::Level::Region, as_of).await)
    }

    /// The regions the cercle lay in, period by period (Bankass: Mopti until 2023-03-13, then
    /// Bandiagara).
    async fn region_history(&self, ctx: &Context<'_>) -> Vec<RegionPeriod> {
        region_history(graph(ctx), self.0.id)
    }

    /// Whether the cercle's communes on this object's date are known: on maps A and B, seed
    /// 001 lists them; on map C, only where a source lists the cercle's communes complete (8
    /// cercles: Kignan, Konséguéla, Koro, M'Péssoba, Mopti, Siby, Sy, Zangasso). False means `communes` holds what our sources place there (sourced, seats,
    /// assumptions: see each commune's `cercleHistory`), not that the list is complete.
    async fn communes_known(&self, ctx: &Context<'_>) -> bool {
        graph(ctx).communes_known(self.0.id, self.0.as_of)
    }

    /// The number of communes a source states for the cercle on map C, beside the number placed
    /// here (Koutiala: 12 stated); null where no source states one.
    async fn stated_communes(&self, ctx: &Context<'_>) -> Option<StatedCommunes> {
        StatedCommunes::new(graph(ctx), self.0)
    }

    /// The communes of the cercle on `asOf` (default: this object's date), by name.
    async fn communes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The date to answer for (default: this object's date).")] as_of: Option<
            Date,
        >,
        #[graphql(desc = "Only the units that pass this filter.")] filter: Option<UnitFilter>,
        #[graphql(desc = "The order (default: by name).")] order_by: Option<UnitOrder>,
    ) -> Result<Vec<Commune>> {
        contained(ctx, self.0, dataset::Level::Commune, as_of, filter, order_by).await
    }
    }
}

unit_object! {
/// A commune, the third level: the 703 of the seeds, and Iréli, created in 2023 (Bamako's six
/// have no cercle).
    Commune {
    /// An urban commune (`true`) or a rural one, as seed 001 gives it.
    async fn urban(&self, ctx: &Context<'_>) -> bool {
        graph(ctx).unit(self.0.id).urban.unwrap_or(false)
    }

    /// Bamako's quartiers in this commune (COD-AB's fourth level, 71 in the district's six
    /// communes, from IOM with the government); empty for every other commune.
    async fn quartiers(&self, ctx: &Context<'_>) -> Result<Vec<QuartierView>> {
        geometry::quartiers_of(graph(ctx), self.0)
    }

    /// The cercle the commune lies in on `asOf` (default: this object's date); null for
    /// Bamako's communes, and where the cercle is unknown (Salam since 2016; Borondougou and
    /// Korombana, which Mopti's complete 2023 list leaves out). Whether a 2023 placement is
    /// sourced or assumed: `cercleHistory`.
    async fn cercle(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The date to answer for (default: this object's date).")] as_of: Option<
            Date,
        >,
    ) -> Option<Cercle> {
        or_null(ctx, containing(ctx, self.0, dataset::Level::Cercle, as_of).await)
    }

    /// The cercles the commune lay in, period by period, each with its basis and confidence
    /// (Bancoumana: Kati from seed 001, then Siby from 2023-03-13 as French Wikipedia's Cercle
    /// de Siby lists it). A null `cercle` is a period in a region with the cercle unknown.
    async fn cercle_history(&self, ctx: &Context<'_>) -> Vec<CerclePeriod> {
        cercle_history(graph(ctx), self.0.id)
    }

    /// The regions the commune lay in, period by period (Ouélessébougou: Koulikoro, then
    /// Bougouni from 2023-03-13).
    async fn region_history(&self, ctx: &Context<'_>) -> Vec<RegionPeriod> {
        region_history(graph(ctx), self.0.id)
    }

    /// The region (or district) the commune lies in on `asOf` (default: this object's date).
    async fn region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The date to answer for (default: this object's date).")] as_of: Option<
            Date,
        >,
    ) -> Option<Region> {
        or_null(ctx, containing(ctx, self.0, dataset::Level::Region, as_of).await)
    }
    }
}
