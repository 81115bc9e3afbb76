//! Filters, orderings and Relay cursor connections for lists of units. Root lists are
//! connections; nested lists stay plain lists but take the same filter and ordering.

use async_graphql::connection::{Connection, CursorType, Edge};
use async_graphql::{Enum, ErrorExtensions, InputObject, OutputType, Result, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::error::ApiError;
use super::lookup::lookup;
use super::values::Level;
use crate::dataset;
use crate::model::{AdminGraph, UnitId};

/// A population range for one year: units whose published figure for `year` lies in it.
#[derive(InputObject, Debug, Clone)]
pub struct PopulationRange {
    /// The year of the figure (1998, 2009, 2020, 2023).
    pub year: i32,
    /// The smallest population kept (inclusive).
    pub min: Option<i32>,
    /// The largest population kept (inclusive).
    pub max: Option<i32>,
}

/// Which units of a list to keep; every condition given must hold.
#[derive(InputObject, Debug, Clone, Default)]
pub struct UnitFilter {
    /// Only units of these levels.
    pub levels: Option<Vec<Level>>,
    /// Only units inside this region or district (name or code) on the list's date.
    pub region: Option<String>,
    /// Only units inside this cercle (name or code) on the list's date.
    pub cercle: Option<String>,
    /// Only urban (`true`) or rural (`false`) communes.
    pub urban: Option<bool>,
    /// Only units whose name or an alias starts with this text, or has a word that does
    /// (case, accents and punctuation ignored).
    pub name: Option<String>,
    /// Only units whose published population for a year lies in a range.
    pub population: Option<PopulationRange>,
}

/// What to order a list by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnitOrderField {
    /// Alphabetical, ignoring case and accents (regions: by number).
    #[default]
    Name,
    /// The published population of `year`; units without a figure come last.
    Population,
    /// The primary code.
    Code,
}

/// Ascending or descending.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderDirection {
    #[default]
    Asc,
    Desc,
}

/// How to order a list.
#[derive(InputObject, Debug, Clone, Default)]
pub struct UnitOrder {
    /// What to order by.
    #[graphql(default)]
    pub field: UnitOrderField,
    /// The population year, for `POPULATION`.
    pub year: Option<i32>,
    /// Ascending (default) or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn coded(error: ApiError) -> async_graphql::Error {
    error.extend()
}

/// Keeps the units that pass `filter` on `date`, then orders them by `order`.
pub fn filter_and_order(
    graph: &AdminGraph,
    mut ids: Vec<UnitId>,
    filter: Option<&UnitFilter>,
    order: Option<&UnitOrder>,
    date: NaiveDate,
) -> Result<Vec<UnitId>> {
    if let Some(filter) = filter {
        let within = |level: dataset::Level, name: &Option<String>| -> Result<Option<UnitId>> {
            let Some(text) = name else { return Ok(None) };
            // A code or a name; codes are tried first.
            let found = graph
                .find_by_code(text)
                .filter(|id| graph.unit(*id).level == level)
                .map(Ok)
                .unwrap_or_else(|| lookup(graph, level, Some(text), None, None, date));
            found.map(Some).map_err(coded)
        };
        let region = within(dataset::Level::Region, &filter.region)?;
        let cercle = within(dataset::Level::Cercle, &filter.cercle)?;
        let levels: Option<Vec<dataset::Level>> = filter
            .levels
            .as_ref()
            .map(|l| l.iter().map(|l| (*l).into()).collect());
        let name_matches = filter.name.as_deref().map(|text| graph.name_matcher(text));
        ids.retain(|id| {
            let unit = graph.unit(*id);
            levels.as_ref().is_none_or(|l| l.contains(&unit.level))
                && region
                    .is_none_or(|r| graph.ancestor(*id, dataset::Level::Region, date) == Some(r))
                && cercle
                    .is_none_or(|c| graph.ancestor(*id, dataset::Level::Cercle, date) == Some(c))
                && filter.urban.is_none_or(|u| unit.urban == Some(u))
                && name_matches.as_ref().is_none_or(|matches| matches(*id))
                && filter.population.as_ref().is_none_or(|range| {
                    figure(graph, *id, range.year).is_some_and(|value| {
                        range.min.is_none_or(|min| value >= i64::from(min))
                            && range.max.is_none_or(|max| value <= i64::from(max))
                    })
                })
        });
    }
    let order = order.cloned().unwrap_or_default();
    let rank = |id: &UnitId| graph.rank_of(*id);
    match order.field {
        UnitOrderField::Name => ids.sort_by_key(rank),
        UnitOrderField::Code => ids.sort_by(|a, b| graph.unit(*a).code.cmp(&graph.unit(*b).code)),
        UnitOrderField::Population => {
            let year = order.year.ok_or_else(|| {
                coded(ApiError::BadInput(
                    "ordering by POPULATION needs a `year`".to_owned(),
                ))
            })?;
            // Units without a figure last, whatever the direction; ties by name.
            ids.sort_by_key(|id| {
                let value = figure(graph, *id, year);
                let key = match order.direction {
                    OrderDirection::Asc => value,
                    OrderDirection::Desc => value.map(|v| -v),
                };
                (key.is_none(), key, rank(id))
            });
            return Ok(ids);
        }
    }
    if order.direction == OrderDirection::Desc {
        ids.reverse();
    }
    Ok(ids)
}

fn figure(graph: &AdminGraph, id: UnitId, year: i32) -> Option<i64> {
    graph
        .unit(id)
        .figures
        .iter()
        .find(|f| f.year == year)
        .and_then(|f| i64::try_from(f.value).ok())
}

/// A position in a list, opaque to clients, bound to the list it came from: an offset is
/// only meaningful under the same filter, order and date, so a cursor of another list is
/// `INVALID_CURSOR` rather than a silent jump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCursor {
    offset: usize,
    list: ListBinding,
}

/// What a cursor is bound to: a fingerprint of its list's levels, filter, order and date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListBinding(u32);

impl ListBinding {
    /// The binding of the list of `levels` under `filter` and `order`, on `date`.
    pub fn of(
        levels: &[dataset::Level],
        filter: Option<&UnitFilter>,
        order: Option<&UnitOrder>,
        date: NaiveDate,
    ) -> ListBinding {
        let digest = Sha256::digest(format!("{levels:?}|{filter:?}|{order:?}|{date}"));
        ListBinding(u32::from_be_bytes([
            digest[0], digest[1], digest[2], digest[3],
        ]))
    }
}

impl CursorType for ListCursor {
    type Error = ApiError;

    fn decode_cursor(s: &str) -> Result<Self, ApiError> {
        let invalid = || ApiError::InvalidCursor(s.to_owned());
        let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let rest = text.strip_prefix("offset:").ok_or_else(invalid)?;
        let (offset, list) = rest.split_once(':').ok_or_else(invalid)?;
        Ok(ListCursor {
            offset: offset.parse().map_err(|_| invalid())?,
            list: ListBinding(u32::from_str_radix(list, 16).map_err(|_| invalid())?),
        })
    }

    fn encode_cursor(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("offset:{}:{:08x}", self.offset, self.list.0))
    }
}

/// Totals of a connection, beside its page.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct ListTotals {
    /// How many items the whole list holds, across all pages.
    pub total_count: i32,
}

/// The arguments of a connection.
pub struct PageRequest {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// The most items one page may hold.
pub const MAX_PAGE: usize = 1000;
/// The page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE: usize = 100;

/// One page of `items`, Relay-style: `after`/`before` narrow the list, then `first` keeps the
/// start of what is left or `last` its end. Cursors must be bound to `list`.
pub fn paginate<T: OutputType>(
    items: Vec<T>,
    page: PageRequest,
    list: ListBinding,
) -> Result<Connection<ListCursor, T, ListTotals>> {
    let size = |n: Option<i32>, name: &str| -> Result<Option<usize>> {
        match n {
            None => Ok(None),
            Some(n) if n < 0 => Err(coded(ApiError::BadInput(format!(
                "`{name}` cannot be negative"
            )))),
            Some(n) if n as usize > MAX_PAGE => Err(coded(ApiError::BadInput(format!(
                "`{name}` can be at most {MAX_PAGE}"
            )))),
            Some(n) => Ok(Some(n as usize)),
        }
    };
    let first = size(page.first, "first")?;
    let last = size(page.last, "last")?;
    let decode = |cursor: Option<String>| -> Result<Option<usize>> {
        cursor
            .map(|text| match ListCursor::decode_cursor(&text) {
                Ok(cursor) if cursor.list == list => Ok(cursor.offset),
                Ok(_) => Err(coded(ApiError::ForeignCursor(text))),
                Err(error) => Err(coded(error)),
            })
            .transpose()
    };
    let total = items.len();
    let mut start = decode(page.after)?.map_or(0, |after| (after + 1).min(total));
    let mut end = decode(page.before)?
        .map_or(total, |before| before.min(total))
        .max(start);
    match (first, last) {
        (Some(first), _) => end = end.min(start + first),
        (None, Some(last)) => start = start.max(end.saturating_sub(last)),
        (None, None) => end = end.min(start + DEFAULT_PAGE),
    }
    if let (Some(_), Some(last)) = (first, last) {
        start = start.max(end.saturating_sub(last));
    }
    let mut connection = Connection::with_additional_fields(
        start > 0,
        end < total,
        ListTotals {
            total_count: i32::try_from(total).unwrap_or(i32::MAX),
        },
    );
    connection.edges.extend(
        items
            .into_iter()
            .enumerate()
            .skip(start)
            .take(end - start)
            .map(|(offset, item)| Edge::new(ListCursor { offset, list }, item)),
    );
    Ok(connection)
}
