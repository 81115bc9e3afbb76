//! What a request goes through before async-graphql executes it: automatic persisted queries,
//! the cache of parsed documents, the limits every request must keep, the coercion of its input
//! values, and the field order of its answer. Every refusal carries its `extensions.code`.
//!
//! - `pipeline.rs`: the checks in order, and the caches between them;
//! - `limits.rs`: the limits and the one linear walk of a document that measures it;
//! - `input_values.rs`: variables and argument literals checked against the schema's types;
//! - `field_order.rs`: the order of an answer's fields, as the document asks for them;
//! - `operation.rs`: which of a document's operations a request runs.

mod field_order;
mod input_values;
mod limits;
mod operation;
mod pipeline;

pub use limits::{Budget, Lexed, Limits, MAX_NESTING, Measure, Policy, code, lex};
pub use pipeline::{Admitted, Operations, Refused};

pub(crate) use limits::{actual_cost, apply as apply_limits};
pub(crate) use operation::selected_operation;
pub(crate) use pipeline::{Admission, code_error};
