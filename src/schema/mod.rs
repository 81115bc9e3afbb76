//! The GraphQL schema's types over the model, and how their fields are resolved: the unit types
//! and the `AdminUnit` interface, history, peoples, placements, geometry and places, search
//! results, lists with filters and cursors, global ids, the `Date` scalar, the per-request
//! loaders and the coded errors. The root query and the served API are in [`crate::graphql`].
//!
//! - `types.rs` declares the object types that refer to one another; `values.rs` the enums and
//!   value objects that refer to no unit;
//! - `units.rs`, `history.rs`, `people.rs`, `placement.rs`, `geometry.rs`, `search.rs` resolve
//!   the fields of their topic's types; only `units.rs` calls into the others;
//! - `lists.rs` (filters, order, pages, cursors), `lookup.rs` (one unit by name or code),
//!   `node.rs` (global ids), `loaders.rs`, `context.rs`, `date.rs`, `error.rs` serve them all.

mod context;
mod date;
mod error;
pub mod geometry;
mod history;
mod lists;
mod loaders;
mod lookup;
mod node;
mod people;
mod placement;
mod search;
mod types;
mod units;
mod values;

pub use date::{Date, resolve_date};
pub use error::{ApiError, Candidate};
pub use history::Reorganisation;
pub use lists::{
    DEFAULT_PAGE, ListBinding, ListCursor, ListTotals, MAX_PAGE, PageRequest, UnitFilter,
    UnitOrder, filter_and_order, paginate,
};
pub use loaders::{BatchCounter, BatchQueue, LevelKey, LoaderStats, Loaders};
pub use lookup::lookup;
pub use node::{Identified, resolve_global_id, unit_id};
pub use search::SearchResult;
pub use types::{
    AdminUnit, Cercle, Commune, Country, Group, Language, Node, PlaceView, Region, Religion, UnitAt,
};
pub use values::PlaceKind;
pub use values::{Confidence, Level, RegionKind, data_start, to_int};

pub use context::Today;
pub(crate) use context::graph;
pub(crate) use error::{coded, or_null, with_code};
