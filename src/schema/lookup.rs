//! Finding one unit by code, or by name (within a named unit), whatever the date, and the
//! `NOT_FOUND` and `AMBIGUOUS` errors that say what else the name is.

use chrono::NaiveDate;

use super::error::{ApiError, Candidate};
use crate::dataset::Level;
use crate::model::{AdminGraph, UnitId, fold_name};

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
pub fn lookup(
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
            .ok_or_else(|| not_found(graph, level, code, date));
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
        [] => Err(match within {
            Some((within_level, within_name)) => ApiError::not_found(
                level.name(),
                format!("{name}` in a {} named `{within_name}", within_level.name()),
            ),
            None => not_found(graph, level, name, date),
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
                    within: graph.describe_location(*id, date),
                })
                .collect(),
        }),
    }
}

/// How many names a `NOT_FOUND` suggests.
const SUGGESTIONS: usize = 3;

/// `NOT_FOUND` for a name or code that no unit of `level` ever had, saying what it is at
/// another level (Bamako is the District, not a cercle) and suggesting the nearest names of
/// `level` (Sikaso: Sikasso), as `search` ranks them.
fn not_found(graph: &AdminGraph, level: Level, query: &str, date: NaiveDate) -> ApiError {
    let elsewhere: Vec<String> = [Level::Country, Level::Region, Level::Cercle, Level::Commune]
        .into_iter()
        .filter(|other| *other != level)
        .filter_map(|other| {
            let found = graph.find_by_name(query, other);
            let first = *found.first()?;
            let record = graph.unit(first);
            let what = match record.region_kind {
                Some(crate::dataset::RegionKind::District) => "the District".to_owned(),
                _ => format!("a {}", other.name()),
            };
            let ask = match other {
                Level::Country => "country".to_owned(),
                Level::Region => format!("region(name: \"{}\")", record.name),
                Level::Cercle => format!("cercle(name: \"{}\")", record.name),
                Level::Commune => format!("commune(name: \"{}\")", record.name),
            };
            Some(format!("`{}` is {what}: ask `{ask}`", record.name))
        })
        .collect();
    let hint = if elsewhere.is_empty() {
        String::new()
    } else {
        format!(" ({})", elsewhere.join("; "))
    };
    let suggestions = graph
        .search(query, &[level], None, SUGGESTIONS)
        .into_iter()
        .filter_map(|hit| match hit.found {
            crate::model::Found::Unit(id) => Some(Candidate {
                code: graph.unit(id).code.clone(),
                name: graph.unit(id).name.clone(),
                within: graph.describe_location(id, date),
            }),
            crate::model::Found::Group(_) | crate::model::Found::Place(_) => None,
        })
        .collect();
    ApiError::NotFound {
        level: level.name(),
        query: query.to_owned(),
        hint,
        suggestions,
    }
}
