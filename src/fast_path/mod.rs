//! The fast path: queries made only of the unit types' common fields (the tree of regions,
//! cercles and communes, lookups of one unit, their names, codes, dates and figures) are
//! compiled once into a `Plan` and run synchronously over the model, each nesting level
//! loaded in one batch, the answer written as JSON bytes into one buffer sized by the last
//! answer. async-graphql's generic executor boxes a future per field, builds an `IndexMap` per
//! object and a `ConstValue` tree that is serialized afterwards (three quarters of a large
//! answer's time, see BENCHMARKS.md); the plan does none of that.
//!
//! async-graphql still parses and validates every request (admission) and answers everything
//! the plan does not know: introspection, every other type, field and argument (lists with
//! `filter` or `orderBy`, `parent`, history, search, connections, fields added later), any
//! directive but `@skip`/`@include`, and every request whose answer has an error (a lookup that
//! fails, a date out of range): a plan exists only for operations it answers without one. A
//! differential test (`tests/fast_path.rs`) checks that its bytes equal the generic
//! executor's over many generated queries.

mod execute;
mod plan;

use std::sync::{Arc, OnceLock};

use async_graphql::Variables;
use async_graphql::parser::types::{ExecutableDocument, OperationDefinition};
use chrono::NaiveDate;

pub(crate) use execute::execute;
pub(crate) use plan::Plan;

use crate::model::AdminGraph;

/// The plan of a cached document's operation, compiled the first time it runs; `None` inside
/// when the operation is not for the fast path, so that it is not compiled again. Only for
/// operations without variables, whose plan is the same for every request.
pub(crate) type PlanSlot = OnceLock<Option<Arc<Plan>>>;

/// Compiles `operation` of `doc` with the request's `variables`; `None` when any part of it is
/// for the generic executor.
pub(crate) fn compile(
    doc: &ExecutableDocument,
    operation: &OperationDefinition,
    variables: &Variables,
    graph: &AdminGraph,
    today: NaiveDate,
) -> Option<Arc<Plan>> {
    plan::Compiler {
        doc,
        operation,
        variables,
        graph,
        today,
    }
    .compile()
    .map(Arc::new)
}
