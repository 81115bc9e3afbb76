//! Relay global object identification: an opaque `id` on every unit, `node(id:)` and
//! `nodes(ids:)`. The id wraps the unit's level and primary code, so it stays stable across
//! releases while clients treat it as opaque; stable codes live in `code` / `codes`. The `Node`
//! interface itself is declared beside the unit types (`units.rs`).

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::ApiError;
use crate::dataset::{Level, UnitRecord};
use crate::model::{AdminGraph, UnitId};

fn prefix(level: Level) -> &'static str {
    match level {
        Level::Country => "Country",
        Level::Region => "Region",
        Level::Cercle => "Cercle",
        Level::Commune => "Commune",
    }
}

/// The global ID of a unit.
pub fn global_id(unit: &UnitRecord) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{}", prefix(unit.level), unit.code)))
}

/// The unit a global ID names: `BAD_USER_INPUT` if it is not one of ours, `NOT_FOUND` if the
/// unit does not exist.
pub fn resolve_global_id(graph: &AdminGraph, id: &str) -> Result<UnitId, ApiError> {
    let malformed = || ApiError::BadInput(format!("`{id}` is not a global ID of this API"));
    let bytes = URL_SAFE_NO_PAD.decode(id.trim()).map_err(|_| malformed())?;
    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
    let (kind, code) = text.split_once(':').ok_or_else(malformed)?;
    let found = graph
        .find_by_code(code)
        .filter(|unit| prefix(graph.unit(*unit).level) == kind && graph.unit(*unit).code == code);
    found.ok_or(ApiError::NotFound {
        level: "unit",
        query: id.to_owned(),
    })
}
