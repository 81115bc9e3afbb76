//! Relay global object identification: an opaque `id` on every object a normalising cache
//! keys (units, groups, languages, religions), `node(id:)` and `nodes(ids:)`. The `Node`
//! interface itself is declared beside the unit types (`units.rs`).
//!
//! A unit object is the unit seen on a date (its `asOf`, its cercles on that date), so its id
//! names both: `Region:05@2010-01-01` (base64url). A cache keyed by `id` then keeps Mopti of
//! 2010 apart from Mopti of 2024, and `node(id)` fetches exactly the object the id came from.
//! Ids handed out before dates were added (`Region:05`) still resolve, as of today. The same
//! for groups, whose places depend on the date; languages and religions do not change with
//! it. The date-free identity of a unit is its `code`.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;

use super::error::ApiError;
use crate::dataset::{DATA_START, Level, UnitRecord};
use crate::model::{AdminGraph, GroupId, UnitId};

fn prefix(level: Level) -> &'static str {
    match level {
        Level::Country => "Country",
        Level::Region => "Region",
        Level::Cercle => "Cercle",
        Level::Commune => "Commune",
    }
}

fn encode(text: &str) -> ID {
    ID(URL_SAFE_NO_PAD.encode(text))
}

/// The global ID of a unit seen on `as_of`.
pub fn unit_id(unit: &UnitRecord, as_of: NaiveDate) -> ID {
    encode(&format!("{}:{}@{as_of}", prefix(unit.level), unit.code))
}

/// The global ID of a group seen on `as_of`.
pub fn group_id(key: &str, as_of: NaiveDate) -> ID {
    encode(&format!("Group:{key}@{as_of}"))
}

/// The global ID of a language.
pub fn language_id(key: &str) -> ID {
    encode(&format!("Language:{key}"))
}

/// The global ID of a religion.
pub fn religion_id(key: &str) -> ID {
    encode(&format!("Religion:{key}"))
}

/// What a global ID names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identified {
    /// A unit, on the id's date (none in ids made before dates were added).
    Unit(UnitId, Option<NaiveDate>),
    Group(GroupId, Option<NaiveDate>),
    /// A language, by its place in the data.
    Language(usize),
    /// A religion, by its place in the data.
    Religion(usize),
}

/// The object a global ID names: `BAD_USER_INPUT` if it is not an id of this API (or its date
/// is before the data begins), `NOT_FOUND` if it is one but names nothing.
pub fn resolve_global_id(graph: &AdminGraph, id: &str) -> Result<Identified, ApiError> {
    let malformed = || ApiError::BadInput("this is not a global ID of this API".to_owned());
    let bytes = URL_SAFE_NO_PAD.decode(id.trim()).map_err(|_| malformed())?;
    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
    let (kind, rest) = text.split_once(':').ok_or_else(malformed)?;
    let (key, date) = match rest.rsplit_once('@') {
        Some((key, date)) => {
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| malformed())?;
            if date < DATA_START {
                return Err(malformed());
            }
            (key, Some(date))
        }
        None => (rest, None),
    };
    let found = match kind {
        "Group" => graph
            .group_by_key(key)
            .map(|group| Identified::Group(group, date)),
        "Language" if date.is_none() => graph
            .languages()
            .iter()
            .position(|language| language.key == key)
            .map(Identified::Language),
        "Religion" if date.is_none() => graph
            .religions()
            .iter()
            .position(|religion| religion.key == key)
            .map(Identified::Religion),
        "Country" | "Region" | "Cercle" | "Commune" => graph
            .find_by_code(key)
            .filter(|unit| {
                let record = graph.unit(*unit);
                prefix(record.level) == kind && record.code == key
            })
            .map(|unit| Identified::Unit(unit, date)),
        _ => return Err(malformed()),
    };
    found.ok_or(ApiError::UnknownId)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_the_date_and_old_ids_have_none() {
        let dataset = crate::dataset::load_dataset(&crate::dataset::DataSource::Embedded)
            .expect("the embedded data loads");
        let graph = AdminGraph::build(dataset);
        let bankass = graph.find_by_code("1903").expect("Bankass");
        let date = NaiveDate::from_ymd_opt(2010, 1, 1).expect("a date");
        let id = unit_id(graph.unit(bankass), date);
        assert!(matches!(
            resolve_global_id(&graph, &id),
            Ok(Identified::Unit(unit, Some(d))) if unit == bankass && d == date
        ));
        let old = URL_SAFE_NO_PAD.encode("Cercle:1903");
        assert!(matches!(
            resolve_global_id(&graph, &old),
            Ok(Identified::Unit(unit, None)) if unit == bankass
        ));
        let unknown = URL_SAFE_NO_PAD.encode("Cercle:9999");
        assert!(matches!(
            resolve_global_id(&graph, &unknown),
            Err(ApiError::UnknownId)
        ));
        let wrong_level = URL_SAFE_NO_PAD.encode("Region:1903@2010-01-01");
        assert!(matches!(
            resolve_global_id(&graph, &wrong_level),
            Err(ApiError::UnknownId)
        ));
        for bad in [
            "%%%",
            "bm90IGFuIGlk",
            &URL_SAFE_NO_PAD.encode("Cercle:1903@1990-01-01"),
        ] {
            assert!(matches!(
                resolve_global_id(&graph, bad),
                Err(ApiError::BadInput(_))
            ));
        }
    }
}
