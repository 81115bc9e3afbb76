//! The root query: the country, lists on a date, and lookups of one unit by name or code.

use async_graphql::{Context, ErrorExtensions, Object, Result, SimpleObject};
use chrono::NaiveDate;

use super::date::{Date, resolve_date};
use super::error::{ApiError, Candidate};
use super::history::Reorganisation;
use super::units::{AdminUnit, Cercle, Commune, Country, Region, UnitAt, data_start, graph};
use crate::dataset::{Level, UnitCounts};
use crate::model::{AdminGraph, UnitId, fold_name};

/// What "today" is for this schema: the real date, or a fixed one (for tests and replays).
#[derive(Debug, Clone, Copy, Default)]
pub struct Today(pub Option<NaiveDate>);

impl Today {
    pub fn date(self) -> NaiveDate {
        // Mali keeps UTC all year, so UTC's date is Mali's date.
        self.0.unwrap_or_else(|| chrono::Utc::now().date_naive())
    }
}

/// The date a root field answers for: its `asOf`, or today.
fn root_date(ctx: &Context<'_>, as_of: Option<Date>) -> Result<NaiveDate> {
    resolve_date(as_of, ctx.data_unchecked::<Today>().date())
}

/// "Kati cercle, Koulikoro region": where a unit lies on `date` (or, if it is not in force then,
/// where it last lay).
fn describe_location(graph: &AdminGraph, id: UnitId, date: NaiveDate) -> String {
    let validity = graph.unit(id).validity;
    let date = match validity.until {
        Some(until) if !validity.contains(date) => until.pred_opt().unwrap_or(until),
        _ => date,
    };
    let mut parts = Vec::new();
    let mut current = graph.parent(id, date);
    while let Some(parent) = current {
        let unit = graph.unit(parent);
        if unit.level == Level::Country {
            break;
        }
        parts.push(format!("{} {}", unit.name, unit.level.name()));
        current = graph.parent(parent, date);
    }
    parts.join(", ")
}

/// Whether `id` ever lay in a unit of `level` named (or aliased) `name`.
fn ever_within(graph: &AdminGraph, id: UnitId, level: Level, name: &str) -> bool {
    let key = fold_name(name);
    let named = |unit: UnitId| {
        let record = graph.unit(unit);
        fold_name(&record.name) == key || record.aliases.iter().any(|a| fold_name(a) == key)
    };
    let mut frontier = vec![id];
    while let Some(next) = frontier.pop() {
        for (parent, _) in graph.parents_over_time(next) {
            let parent_level = graph.unit(parent).level;
            if parent_level == level && named(parent) {
                return true;
            }
            if parent_level > level {
                frontier.push(parent);
            }
        }
    }
    false
}

/// Finds one unit of `level` by code, or by name (optionally within a unit of `within_level`
/// named `within`), whatever the date.
fn lookup(
    graph: &AdminGraph,
    level: Level,
    name: Option<&str>,
    code: Option<&str>,
    within: Option<(Level, &str)>,
    date: NaiveDate,
) -> Result<UnitId, ApiError> {
    if let Some(code) = code {
        return graph
            .find_by_code(code)
            .filter(|id| graph.unit(*id).level == level)
            .ok_or_else(|| ApiError::NotFound {
                level: level.name(),
                query: code.to_owned(),
            });
    }
    let Some(name) = name else {
        return Err(ApiError::BadInput(format!(
            "give the {}'s `name` or `code`",
            level.name()
        )));
    };
    let mut found = graph.find_by_name(name, level);
    if let Some((within_level, within_name)) = within {
        found.retain(|id| ever_within(graph, *id, within_level, within_name));
    }
    match found.as_slice() {
        [] => Err(ApiError::NotFound {
            level: level.name(),
            query: match within {
                Some((within_level, within_name)) => {
                    format!("{name}` in a {} named `{within_name}", within_level.name())
                }
                None => name.to_owned(),
            },
        }),
        [one] => Ok(*one),
        many => Err(ApiError::Ambiguous {
            level: level.name(),
            name: name.to_owned(),
            count: many.len(),
            candidates: many
                .iter()
                .map(|id| Candidate {
                    code: graph.unit(*id).code.clone(),
                    name: graph.unit(*id).name.clone(),
                    within: describe_location(graph, *id, date),
                })
                .collect(),
        }),
    }
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
}

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
    ) -> Result<Vec<Region>> {
        let date = root_date(ctx, as_of)?;
        let graph = graph(ctx);
        Ok(graph
            .in_force(Level::Region, date)
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
    ) -> Result<Option<Region>> {
        let date = root_date(ctx, as_of)?;
        let id = lookup(
            graph(ctx),
            Level::Region,
            name.as_deref(),
            code.as_deref(),
            None,
            date,
        )
        .map_err(|e| e.extend())?;
        Ok(Some(Region::from(UnitAt { id, as_of: date })))
    }

    /// One cercle, by name (case and accents ignored; aliases too) or by a code of any system
    /// (2023 code "1903", p-code "ML0502"), whatever the date. `region` narrows a name to the
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
    ) -> Result<Option<Cercle>> {
        let date = root_date(ctx, as_of)?;
        let within = region.as_deref().map(|r| (Level::Region, r));
        let id = lookup(
            graph(ctx),
            Level::Cercle,
            name.as_deref(),
            code.as_deref(),
            within,
            date,
        )
        .map_err(|e| e.extend())?;
        Ok(Some(Cercle::from(UnitAt { id, as_of: date })))
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
    ) -> Result<Option<Commune>> {
        let date = root_date(ctx, as_of)?;
        let within = cercle.as_deref().map(|c| (Level::Cercle, c));
        let id = lookup(
            graph(ctx),
            Level::Commune,
            name.as_deref(),
            code.as_deref(),
            within,
            date,
        )
        .map_err(|e| e.extend())?;
        Ok(Some(Commune::from(UnitAt { id, as_of: date })))
    }

    /// Any unit by a code of any system (primary codes first), whatever the date.
    async fn unit(
        &self,
        ctx: &Context<'_>,
        code: String,
        #[graphql(desc = "The date to answer for (default: today).")] as_of: Option<Date>,
    ) -> Result<Option<AdminUnit>> {
        let date = root_date(ctx, as_of)?;
        let graph = graph(ctx);
        let id = graph.find_by_code(&code).ok_or_else(|| {
            ApiError::NotFound {
                level: "unit",
                query: code.clone(),
            }
            .extend()
        })?;
        Ok(Some(AdminUnit::new(graph, UnitAt { id, as_of: date })))
    }

    /// The administrative maps in time order, with the counts of units this API serves and
    /// those the sources state.
    async fn maps(&self, ctx: &Context<'_>) -> Vec<AdministrativeMap> {
        graph(ctx)
            .maps()
            .iter()
            .map(|m| AdministrativeMap {
                name: m.name.clone(),
                from: m.period.from.map_or(data_start(), Date),
                until: m.period.until.map(Date),
                counts: m.counts.into(),
                stated_counts: m.stated.into(),
                stated_by: m.stated_by.clone(),
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
}
