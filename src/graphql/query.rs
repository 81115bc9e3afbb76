//! The root query: the country, lists on a date, and lookups of one unit by name or code.

use async_graphql::connection::Connection;
use async_graphql::{Context, ErrorExtensions, ID, Object, OutputType, Result, SimpleObject};
use chrono::NaiveDate;

use crate::dataset::{Level, UnitCounts};
use crate::model::AdminGraph;
use crate::schema::geometry;
use crate::schema::{
    AdminUnit, ApiError, Cercle, Commune, Country, Date, Group, Identified, Language,
    Level as LevelEnum, ListBinding, ListCursor, ListTotals, Node, PageRequest, PlaceKind,
    PlaceView, Region, Religion, Reorganisation, SearchResult, Today, UnitAt, UnitFilter,
    UnitOrder, data_start, filter_and_order, graph, lookup, or_null, paginate, resolve_date,
    resolve_global_id,
};

/// The date a root field answers for: its `asOf`, or today.
fn root_date(ctx: &Context<'_>, as_of: Option<Date>) -> Result<NaiveDate> {
    resolve_date(as_of, ctx.data_unchecked::<Today>().date())
}

/// The counts of units on a map.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct MapCounts {
    /// Regions (the Bamako District not included).
    pub regions: i32,
    /// Capital districts (Bamako).
    pub districts: i32,
    /// Cercles.
    pub cercles: i32,
    /// Communes.
    pub communes: i32,
}

impl From<UnitCounts> for MapCounts {
    fn from(c: UnitCounts) -> MapCounts {
        let int = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        MapCounts {
            regions: int(c.regions),
            districts: int(c.districts),
            cercles: int(c.cercles),
            communes: int(c.communes),
        }
    }
}

/// One administrative map and the period it was in force: A (8 regions + Bamako, 49 cercles),
/// B (10 regions, from 2016-01-19), C (19 regions, 159 cercles, from 2023-03-13). Map A has two
/// periods: 701 communes before 2001-06-07, 703 after.
#[derive(SimpleObject, Debug, Clone)]
pub struct AdministrativeMap {
    /// A key unique to the map's period, its name and first day ("A:1996-11-04",
    /// "A:2001-06-07", "B:2016-01-19", "C:2023-03-13"): map A has two periods, both named "A".
    pub key: String,
    /// "A", "B" or "C".
    pub name: String,
    /// The first day of the period.
    pub from: Date,
    /// The first day after it; null for today's map.
    pub until: Option<Date>,
    /// The units this API serves for the period (checked at start-up).
    pub counts: MapCounts,
    /// The counts the sources state, which may differ (map B: 56 cercles stated, 58 by our
    /// facts; map C: 819 communes stated, 703 placed).
    pub stated_counts: MapCounts,
    /// Who states `statedCounts`.
    pub stated_by: String,
    /// Every source's statement of the map's counts, which disagree (map C: 156 or 159
    /// cercles, 466, 474 or 481 arrondissements, 807, 815 or 819 communes), each with its
    /// source and confidence. `statedCounts` gives one of them.
    pub stated_counts_by_source: Vec<StatedCounts>,
}

/// The counts of a map as one source states them; null where the source gives none.
#[derive(SimpleObject, Debug, Clone)]
pub struct StatedCounts {
    /// Who states them, and when.
    pub source: String,
    /// The source's words, where we have them.
    pub stated: Option<String>,
    /// Regions (the Bamako District not included).
    pub regions: Option<i32>,
    /// Capital districts.
    pub districts: Option<i32>,
    /// Cercles.
    pub cercles: Option<i32>,
    /// Arrondissements (seed 000 calls them "districts").
    pub arrondissements: Option<i32>,
    /// Communes.
    pub communes: Option<i32>,
    /// Urban communes.
    pub urban_communes: Option<i32>,
    /// Villages, fractions and quartiers.
    pub villages: Option<i32>,
    /// How far the statement can be trusted.
    pub confidence: crate::schema::Confidence,
}

impl From<&crate::dataset::StatedCountRecord> for StatedCounts {
    fn from(r: &crate::dataset::StatedCountRecord) -> StatedCounts {
        let int = |n: Option<u32>| n.map(|n| i32::try_from(n).unwrap_or(i32::MAX));
        StatedCounts {
            source: r.source.clone(),
            stated: r.stated.clone(),
            regions: int(r.regions),
            districts: int(r.districts),
            cercles: int(r.cercles),
            arrondissements: int(r.arrondissements),
            communes: int(r.communes),
            urban_communes: int(r.urban_communes),
            villages: int(r.villages),
            confidence: r.confidence.into(),
        }
    }
}

/// Finds one unit by `name` (within a unit named `within`) or `code` for a root lookup, seen on
/// `as_of` (default: today).
pub(super) fn find_one(
    ctx: &Context<'_>,
    level: Level,
    name: Option<&str>,
    code: Option<&str>,
    within: Option<(Level, &str)>,
    as_of: Option<Date>,
) -> Result<UnitAt> {
    let date = root_date(ctx, as_of)?;
    let id = lookup(graph(ctx), level, name, code, within, date).map_err(|e| e.extend())?;
    Ok(UnitAt { id, as_of: date })
}

/// A connection of units in force on a date: filtered, ordered, then paged.
/// `make` builds each item's schema object.
fn unit_connection<T: OutputType>(
    ctx: &Context<'_>,
    levels: &[Level],
    filter: Option<UnitFilter>,
    order_by: Option<UnitOrder>,
    date: NaiveDate,
    page: PageRequest,
    make: impl Fn(&AdminGraph, UnitAt) -> T,
) -> Result<Connection<ListCursor, T, ListTotals>> {
    let graph = graph(ctx);
    let ids = levels
        .iter()
        .flat_map(|level| graph.in_force(*level, date))
        .collect();
    let ids = filter_and_order(graph, ids, filter.as_ref(), order_by.as_ref(), date)?;
    let list = ListBinding::of(levels, filter.as_ref(), order_by.as_ref(), date);
    paginate(
        ids.into_iter()
            .map(|id| make(graph, UnitAt { id, as_of: date }))
            .collect(),
        page,
        list,
    )
}

/// The object a global ID names, on `as_of`, else the id's date, else today.
fn find_node(ctx: &Context<'_>, id: &ID, as_of: Option<Date>) -> Result<Node> {
    let graph = graph(ctx);
    let found = resolve_global_id(graph, id).map_err(|e| e.extend())?;
    let date = |own: Option<NaiveDate>| match own {
        Some(own) if as_of.is_none() => Ok(own),
        _ => root_date(ctx, as_of),
    };
    Ok(match found {
        Identified::Unit(unit, own) => Node::new(
            graph,
            UnitAt {
                id: unit,
                as_of: date(own)?,
            },
        ),
        Identified::Group(group, own) => Node::Group(Group {
            id: group,
            as_of: date(own)?,
        }),
        Identified::Language(index) => Node::Language(Language {
            record: graph.languages()[index].clone(),
        }),
        Identified::Religion(index) => Node::Religion(Religion {
            record: graph.religions()[index].clone(),
        }),
    })
}

/// The most hits `search` returns.
const MAX_SEARCH_HITS: i32 = 100;

/// The root of every query.
pub struct QueryRoot;

#[Object]
impl QueryRoot {
    /// Mali, seen on `asOf` (default: today).
    async fn country(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The date to answer for (default: today).")] as_of: Option<Date>,
    ) -> Result<Country> {
        let date = root_date(ctx, as_of)?;
        Ok(Country::from(UnitAt {
            id: graph(ctx).country(),
            as_of: date,
        }))
    }

    /// The regions and the Bamako District in force on `asOf` (default: today), by number:
    /// 9 before 2016-01-19, 11 until 2023-03-13, 20 since.
    async fn regions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The date to answer for (default: today).")] as_of: Option<Date>,
        #[graphql(desc = "Only the units that pass this filter.")] filter: Option<UnitFilter>,
        #[graphql(desc = "The order (default: regions by number).")] order_by: Option<UnitOrder>,
    ) -> Result<Vec<Region>> {
        let date = root_date(ctx, as_of)?;
        let graph = graph(ctx);
        let mut ids = graph.in_force(Level::Region, date);
        if filter.is_some() || order_by.is_some() {
            ids = filter_and_order(graph, ids, filter.as_ref(), order_by.as_ref(), date)?;
        }
        Ok(ids
            .into_iter()
            .map(|id| Region::from(UnitAt { id, as_of: date }))
            .collect())
    }

    /// One region or the district, by name (case and accents ignored; old names and aliases
    /// too) or by a code of any system, whatever the date. `asOf` (default: today) sets the
    /// date of its nested fields.
    async fn region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The name, or another spelling (case and accents ignored).")] name: Option<
            String,
        >,
        #[graphql(desc = "A code of any system (see `codes`).")] code: Option<String>,
        #[graphql(desc = "The date to answer for (default: today).")] as_of: Option<Date>,
    ) -> Option<Region> {
        let at = find_one(
            ctx,
            Level::Region,
            name.as_deref(),
            code.as_deref(),
            None,
            as_of,
        );
        or_null(ctx, at.map(|at| Some(Region::from(at))))
    }

    /// One cercle, by name (case and accents ignored; aliases too) or by a code of any system
    /// (2023 code "1903", p-code "ML0503"), whatever the date. `region` narrows a name to the
    /// cercles that lay in that region at any time. `asOf` (default: today) sets the date of its
    /// nested fields.
    async fn cercle(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The name, or another spelling (case and accents ignored).")] name: Option<
            String,
        >,
        #[graphql(desc = "A code of any system (see `codes`).")] code: Option<String>,
        #[graphql(desc = "The name of a region the cercle lay in at any time.")] region: Option<
            String,
        >,
        #[graphql(desc = "The date to answer for (default: today).")] as_of: Option<Date>,
    ) -> Option<Cercle> {
        let at = find_one(
            ctx,
            Level::Cercle,
            name.as_deref(),
            code.as_deref(),
            region.as_deref().map(|w| (Level::Region, w)),
            as_of,
        );
        or_null(ctx, at.map(|at| Some(Cercle::from(at))))
    }

    /// One commune, by name (case and accents ignored; aliases too) or by its code, whatever
    /// the date. Names repeat (Diédougou is a commune in four cercles): `cercle` narrows a name
    /// to the communes that lay in that cercle at any time; without it an ambiguous name is an
    /// `AMBIGUOUS` error listing the candidates. `asOf` (default: today) sets the date of its
    /// nested fields.
    async fn commune(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The name, or another spelling (case and accents ignored).")] name: Option<
            String,
        >,
        #[graphql(desc = "A code of any system (see `codes`).")] code: Option<String>,
        #[graphql(desc = "The name of a cercle the commune lay in at any time.")] cercle: Option<
            String,
        >,
        #[graphql(desc = "The date to answer for (default: today).")] as_of: Option<Date>,
    ) -> Option<Commune> {
        let at = find_one(
            ctx,
            Level::Commune,
            name.as_deref(),
            code.as_deref(),
            cercle.as_deref().map(|w| (Level::Cercle, w)),
            as_of,
        );
        or_null(ctx, at.map(|at| Some(Commune::from(at))))
    }

    /// Any unit by a code of any system (primary codes first), whatever the date.
    async fn unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A code of any system (see `codes`).")] code: String,
        #[graphql(desc = "The date to answer for (default: today).")] as_of: Option<Date>,
    ) -> Option<AdminUnit> {
        let graph = graph(ctx);
        let unit = root_date(ctx, as_of).and_then(|date| {
            let id = graph
                .find_by_code(&code)
                .ok_or_else(|| ApiError::not_found("unit", code.as_str()).extend())?;
            Ok(Some(AdminUnit::new(graph, UnitAt { id, as_of: date })))
        });
        or_null(ctx, unit)
    }

    /// Units found by what people type: case, accents, apostrophes, hyphens and spaces are
    /// ignored; every name and alias a unit ever had is searched. Hits are ranked exact >
    /// prefix > word > fuzzy (a small edit distance), then by level (regions, the district,
    /// cercles, communes) and name; each says why it matched and where the unit lies.
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to look for (\"segou\", \"Timbuktu\", \"NTillit\").")] text: String,
        #[graphql(desc = "Only units of these levels (default: all).")] levels: Option<
            Vec<LevelEnum>,
        >,
        #[graphql(
            desc = "Only units in force on this date; it is also the date of the hits' fields \
                          (default: units of any date, seen today)."
        )]
        as_of: Option<Date>,
        #[graphql(desc = "How many hits at most (1 to 100).", default = 10)] first: i32,
        #[graphql(
            desc = "Also search OCHA's populated places (18,769 villages and seats, by exact name or \
                          prefix), after the units and peoples, each with its path on the date \
                          (default: false, so that a unit search is not crowded by villages)."
        )]
        places: Option<bool>,
    ) -> Result<Vec<SearchResult>> {
        if text.trim().is_empty() {
            return Err(ApiError::BadInput("`text` is empty".to_owned()).extend());
        }
        if !(1..=MAX_SEARCH_HITS).contains(&first) {
            return Err(ApiError::BadInput(format!(
                "`first` must be between 1 and {MAX_SEARCH_HITS}"
            ))
            .extend());
        }
        let date = root_date(ctx, as_of)?;
        let levels: Vec<Level> = levels
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let only_in_force = as_of.map(|_| date);
        let graph = graph(ctx);
        let mut hits = graph.search(&text, &levels, only_in_force, first as usize);
        if places == Some(true) && hits.len() < first as usize {
            hits.extend(graph.search_places(&text, first as usize - hits.len()));
        }
        Ok(hits
            .into_iter()
            .map(|hit| SearchResult { hit, as_of: date })
            .collect())
    }

    /// The communes in force on `asOf` (default: today), filtered and ordered, in pages
    /// (Relay cursor connection; at most 1000 a page, 100 by default).
    #[allow(clippy::too_many_arguments)]
    async fn communes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the communes that pass this filter.")] filter: Option<UnitFilter>,
        #[graphql(desc = "The order (default: by name).")] order_by: Option<UnitOrder>,
        #[graphql(desc = "The date to answer for (default: today).")] as_of: Option<Date>,
        #[graphql(desc = "The first n items (after `after`).")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "The last n items (before `before`).")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<ListCursor, Commune, ListTotals>> {
        let date = root_date(ctx, as_of)?;
        let page = PageRequest {
            first,
            after,
            last,
            before,
        };
        unit_connection(
            ctx,
            &[Level::Commune],
            filter,
            order_by,
            date,
            page,
            |_, at| Commune::from(at),
        )
    }

    /// The cercles in force on `asOf` (default: today), filtered and ordered, in pages
    /// (Relay cursor connection; at most 1000 a page, 100 by default).
    #[allow(clippy::too_many_arguments)]
    async fn cercles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the cercles that pass this filter.")] filter: Option<UnitFilter>,
        #[graphql(desc = "The order (default: by name).")] order_by: Option<UnitOrder>,
        #[graphql(desc = "The date to answer for (default: today).")] as_of: Option<Date>,
        #[graphql(desc = "The first n items (after `after`).")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "The last n items (before `before`).")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<ListCursor, Cercle, ListTotals>> {
        let date = root_date(ctx, as_of)?;
        let page = PageRequest {
            first,
            after,
            last,
            before,
        };
        unit_connection(
            ctx,
            &[Level::Cercle],
            filter,
            order_by,
            date,
            page,
            |_, at| Cercle::from(at),
        )
    }

    /// Units of every level below the country in force on `asOf` (default: today), filtered
    /// (`filter.levels` picks levels) and ordered, in pages: regions, then cercles, then
    /// communes unless ordered otherwise.
    #[allow(clippy::too_many_arguments)]
    async fn units(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the units that pass this filter.")] filter: Option<UnitFilter>,
        #[graphql(desc = "The order (default: by level, then name).")] order_by: Option<UnitOrder>,
        #[graphql(desc = "The date to answer for (default: today).")] as_of: Option<Date>,
        #[graphql(desc = "The first n items (after `after`).")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "The last n items (before `before`).")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<ListCursor, AdminUnit, ListTotals>> {
        let date = root_date(ctx, as_of)?;
        let page = PageRequest {
            first,
            after,
            last,
            before,
        };
        let levels = [Level::Region, Level::Cercle, Level::Commune];
        unit_connection(ctx, &levels, filter, order_by, date, page, AdminUnit::new)
    }

    /// The commune whose shape holds the point on `asOf` (default: today), with its cercle and
    /// region on that date; null outside every commune's shape (outside Mali). Communes keep
    /// their territory across maps, so a point's commune is the same on every date and its
    /// cercle and region follow the map.
    async fn locate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Degrees north (WGS 84).")] latitude: f64,
        #[graphql(desc = "Degrees east (WGS 84).")] longitude: f64,
        #[graphql(desc = "The date to answer for (default: today).")] as_of: Option<Date>,
    ) -> Result<Option<geometry::LocationView>> {
        let date = root_date(ctx, as_of)?;
        geometry::locate(graph(ctx), latitude, longitude, date)
    }

    /// Populated places of OCHA's list (COD-AB, 2015: 18,769 places, seats and villages), by
    /// name (case and accents ignored), near a point (nearest first), within a unit on
    /// `asOf` (default: today), of some kinds. Give at least one of `name`, `near`, `within`.
    #[allow(clippy::too_many_arguments)]
    async fn places(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The place's name (\"Moura\", \"Ogossagou-Peulh\").")] name: Option<
            String,
        >,
        #[graphql(desc = "Only places within this distance of a point, nearest first.")]
        near: Option<geometry::NearInput>,
        #[graphql(desc = "Only places inside this unit (a code of any system) on the date.")]
        within: Option<String>,
        #[graphql(desc = "Only places of these kinds (default: all).")] kind: Option<
            Vec<PlaceKind>,
        >,
        #[graphql(desc = "The date of the places' units (default: today).")] as_of: Option<Date>,
        #[graphql(desc = "How many at most (1 to 1000).", default = 20)] first: i32,
    ) -> Result<Vec<PlaceView>> {
        let date = root_date(ctx, as_of)?;
        let graph = graph(ctx);
        let within = match within {
            Some(code) => Some(
                graph
                    .find_by_code(&code)
                    .ok_or_else(|| ApiError::not_found("unit", code.clone()).extend())?,
            ),
            None => None,
        };
        geometry::find_places(graph, date, name, near, within, kind, first)
    }

    /// The object with this global ID (Relay): exactly the object the id came from, seen on
    /// the id's date (ids made before dates were added: today). `asOf` sees it on another
    /// date. Null, with a `NOT_FOUND` error, for an id that names nothing.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID, from an object's `id`.")] id: ID,
        #[graphql(desc = "The date to answer for (default: the id's own date, else today).")]
        as_of: Option<Date>,
    ) -> Option<Node> {
        or_null(ctx, find_node(ctx, &id, as_of).map(Some))
    }

    /// The objects with these global IDs, in the same order (Relay), each as `node(id:)`
    /// finds it: null, with an error at its index (`["nodes", 1]`), for an id that names
    /// nothing.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs, from objects' `id`.")] ids: Vec<ID>,
        #[graphql(desc = "The date to answer for (default: each id's own date, else today).")]
        as_of: Option<Date>,
    ) -> Vec<Option<Node>> {
        ids.iter()
            .enumerate()
            .map(|(index, id)| {
                find_node(ctx, id, as_of)
                    .map_err(|error| {
                        let mut error = ctx.set_error_path(error.into_server_error(ctx.item.pos));
                        error.path.push(async_graphql::PathSegment::Index(index));
                        ctx.add_error(error);
                    })
                    .ok()
            })
            .collect()
    }

    /// Mali's peoples (ethnic groups) as seed 002 describes them, with their shares,
    /// sub-groups, languages and places; on `asOf` (default: today) for their places.
    async fn groups(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The date to answer for (default: today).")] as_of: Option<Date>,
    ) -> Result<Vec<Group>> {
        let date = root_date(ctx, as_of)?;
        Ok(graph(ctx)
            .groups()
            .into_iter()
            .map(|id| Group { id, as_of: date })
            .collect())
    }

    /// One group by any of its names (Peuhl, Fula, Fulani; case and accents ignored).
    async fn group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A name or another name of the group.")] name: String,
        #[graphql(desc = "The date to answer for (default: today).")] as_of: Option<Date>,
    ) -> Option<Group> {
        let group = root_date(ctx, as_of).and_then(|date| {
            let id = graph(ctx)
                .find_group(&name)
                .ok_or_else(|| ApiError::not_found("group", name.as_str()).extend())?;
            Ok(Some(Group { id, as_of: date }))
        });
        or_null(ctx, group)
    }

    /// Mali's languages as seed 002 gives them: French (official), the main languages and
    /// those the seed names for a group.
    async fn languages(&self, ctx: &Context<'_>) -> Vec<Language> {
        Language::all(graph(ctx))
    }

    /// Mali's religions with their shares, as seed 002 gives them.
    async fn religions(&self, ctx: &Context<'_>) -> Vec<Religion> {
        Religion::all(graph(ctx))
    }

    /// The administrative maps in time order, with the counts of units this API serves and
    /// those the sources state.
    async fn maps(&self, ctx: &Context<'_>) -> Vec<AdministrativeMap> {
        graph(ctx)
            .maps()
            .iter()
            .map(|m| AdministrativeMap {
                key: format!("{}:{}", m.name, m.period.from.map_or(data_start(), Date).0),
                name: m.name.clone(),
                from: m.period.from.map_or(data_start(), Date),
                until: m.period.until.map(Date),
                counts: m.counts.into(),
                stated_counts: m.stated.into(),
                stated_by: m.stated_by.clone(),
                stated_counts_by_source: m.stated_by_sources.iter().map(Into::into).collect(),
            })
            .collect()
    }

    /// The changes of the map since the data begins (1996-11-04), in time order.
    async fn reorganisations(&self, ctx: &Context<'_>) -> Vec<Reorganisation> {
        Reorganisation::all(graph(ctx))
    }

    /// The first day the data covers (1996-11-04, law 96-059): earlier dates are `OUT_OF_RANGE`.
    async fn data_starts(&self) -> Date {
        data_start()
    }

    /// The version of the data this server answers from, a digest of its files (as
    /// `/readyz` gives it): answers change only with it and with today's date. `CHANGELOG.md`
    /// records every change of the data and of the API.
    async fn data_version<'ctx>(&self, ctx: &Context<'ctx>) -> &'ctx str {
        graph(ctx).version()
    }
}
