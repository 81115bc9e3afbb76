//! Limits that keep hostile documents from costing the server more than a fair query: depth,
//! list-aware complexity, recursion, directives per field and aliases per request, each
//! rejection with its own `extensions.code`.
//!
//! async-graphql checks depth, recursion and directives itself; this module sets those limits
//! and gives their errors codes. Complexity is computed here rather than with async-graphql's
//! `limit_complexity`, which counts each field once: a list field multiplies the cost of its
//! selection by its `first`/`last`/`limit` argument or, without one, by `list_factor`, so
//! `regions { cercles { communes { name } } }` costs what it may return. A connection (a page)
//! multiplies by its `first`/`last`, else the default page size, and its `nodes` or `edges` by
//! nothing more. Introspection types
//! are bounded by the schema, not the data, so their lists are not multiplied (GraphiQL's
//! introspection query passes the defaults).

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{Positioned, ServerError, ServerResult, Value, Variables};

use super::error::coded;
use super::lists::DEFAULT_PAGE;

/// The limits a request must keep. Defaults admit GraphiQL's introspection query and every
/// example of the README.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Deepest field nesting (`QUERY_TOO_DEEP`).
    pub depth: usize,
    /// Highest list-aware cost (`QUERY_TOO_COMPLEX`).
    pub complexity: u64,
    /// What a list field without a size argument multiplies its selection's cost by.
    pub list_factor: u64,
    /// Deepest nesting of selection sets and fragments, checked before anything walks the
    /// document (`RECURSION_TOO_DEEP`).
    pub recursion: usize,
    /// Most directives on one field (`TOO_MANY_DIRECTIVES`; advisory CVE-2024-47614).
    pub directives: usize,
    /// Most aliases in one document (`TOO_MANY_ALIASES`).
    pub aliases: usize,
    /// Parsed documents kept, by query text (0: none).
    pub document_cache: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            depth: 16,
            complexity: 10_000,
            list_factor: 10,
            recursion: 32,
            directives: 4,
            aliases: 500,
            document_cache: 1_000,
        }
    }
}

/// What the schema admits: the limits, and the switches that decide how much it tells.
#[derive(Debug, Clone)]
pub struct Policy {
    pub limits: Limits,
    /// Answer introspection queries (GraphiQL needs them).
    pub introspection: bool,
    /// Suggest field names in validation errors ("did you mean"): development only, as they
    /// help probe a schema with introspection off.
    pub suggestions: bool,
    /// Automatic persisted queries kept, by hash (0: APQ off).
    pub persisted_queries: usize,
    /// Serve an Apollo Federation v2 subgraph (`_service`, `_entities`, `@key`s).
    pub federation: bool,
    /// Run the queries the fast path knows on it (`fast_path`); off, async-graphql's executor
    /// runs every query (to compare them).
    pub fast_path: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            limits: Limits::default(),
            introspection: true,
            suggestions: false,
            persisted_queries: 1_000,
            federation: false,
            fast_path: true,
        }
    }
}

/// Error codes of the limits.
pub mod code {
    pub const QUERY_TOO_DEEP: &str = "QUERY_TOO_DEEP";
    pub const QUERY_TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";
    pub const RECURSION_TOO_DEEP: &str = "RECURSION_TOO_DEEP";
    pub const TOO_MANY_DIRECTIVES: &str = "TOO_MANY_DIRECTIVES";
    pub const TOO_MANY_ALIASES: &str = "TOO_MANY_ALIASES";
    pub const INTROSPECTION_DISABLED: &str = "INTROSPECTION_DISABLED";
    pub const PERSISTED_QUERY_NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";
    pub const PERSISTED_QUERY_NOT_SUPPORTED: &str = "PERSISTED_QUERY_NOT_SUPPORTED";
}

/// Applies the limits async-graphql checks itself to a schema under construction.
pub(crate) fn apply<Q, M, S>(
    builder: async_graphql::SchemaBuilder<Q, M, S>,
    limits: &Limits,
) -> async_graphql::SchemaBuilder<Q, M, S> {
    builder
        .limit_depth(limits.depth)
        .limit_recursive_depth(limits.recursion)
        .limit_directives(limits.directives)
}

/// The code of one of async-graphql's own limit errors (it words them, we code them).
pub(crate) fn limit_error_code(error: &ServerError) -> Option<&'static str> {
    if error
        .message
        .starts_with("The recursion depth of the query")
    {
        Some(code::RECURSION_TOO_DEEP)
    } else if error
        .message
        .starts_with("The number of directives on the field")
    {
        Some(code::TOO_MANY_DIRECTIVES)
    } else if error.message == "Query is nested too deep." {
        Some(code::QUERY_TOO_DEEP)
    } else {
        None
    }
}

/// Checks aliases and complexity of `doc`.
pub(crate) fn check(
    limits: &Limits,
    registry: &Registry,
    doc: &ExecutableDocument,
    variables: &Variables,
) -> ServerResult<()> {
    let aliases = count_aliases(doc);
    if aliases > limits.aliases {
        return Err(coded(
            format!(
                "The document has {aliases} aliases; at most {} are allowed",
                limits.aliases
            ),
            code::TOO_MANY_ALIASES,
        ));
    }
    let mut cost = Cost {
        limits,
        registry,
        doc,
        variables,
        fragments: HashMap::new(),
    };
    let mut total: u64 = 0;
    for (_, operation) in doc.operations.iter() {
        let root = match operation.node.ty {
            async_graphql::parser::types::OperationType::Query => &registry.query_type,
            async_graphql::parser::types::OperationType::Mutation => registry
                .mutation_type
                .as_ref()
                .unwrap_or(&registry.query_type),
            async_graphql::parser::types::OperationType::Subscription => registry
                .subscription_type
                .as_ref()
                .unwrap_or(&registry.query_type),
        };
        total = total.saturating_add(cost.selection_set(&operation.node.selection_set, root, 0)?);
    }
    if total > limits.complexity {
        return Err(coded(
            format!(
                "The query may cost {total}, above the limit of {} (a list field counts its selection once per item it may return)",
                limits.complexity
            ),
            code::QUERY_TOO_COMPLEX,
        ));
    }
    Ok(())
}

/// Whether an operation asks for `__schema` or `__type` at its root.
pub(crate) fn introspects(doc: &ExecutableDocument) -> bool {
    fn walk(doc: &ExecutableDocument, set: &SelectionSet, depth: usize) -> bool {
        depth < 8
            && set.items.iter().any(|selection| match &selection.node {
                Selection::Field(field) => {
                    matches!(field.node.name.node.as_str(), "__schema" | "__type")
                }
                Selection::InlineFragment(fragment) => {
                    walk(doc, &fragment.node.selection_set.node, depth + 1)
                }
                Selection::FragmentSpread(spread) => doc
                    .fragments
                    .get(&spread.node.fragment_name.node)
                    .is_some_and(|fragment| {
                        walk(doc, &fragment.node.selection_set.node, depth + 1)
                    }),
            })
    }
    doc.operations
        .iter()
        .any(|(_, operation)| walk(doc, &operation.node.selection_set.node, 0))
}

fn count_aliases(doc: &ExecutableDocument) -> usize {
    fn walk(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|selection| match &selection.node {
                Selection::Field(field) => {
                    usize::from(field.node.alias.is_some()) + walk(&field.node.selection_set.node)
                }
                Selection::InlineFragment(fragment) => walk(&fragment.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    // Counted in the text, fragments once: a fragment spread many times multiplies the cost,
    // which the complexity limit catches.
    doc.operations
        .iter()
        .map(|(_, operation)| walk(&operation.node.selection_set.node))
        .chain(
            doc.fragments
                .values()
                .map(|fragment| walk(&fragment.node.selection_set.node)),
        )
        .sum()
}

/// The list-aware cost of selections, memoised per fragment and type.
struct Cost<'a> {
    limits: &'a Limits,
    registry: &'a Registry,
    doc: &'a ExecutableDocument,
    variables: &'a Variables,
    fragments: HashMap<(String, String), u64>,
}

impl Cost<'_> {
    fn selection_set(
        &mut self,
        set: &Positioned<SelectionSet>,
        parent: &str,
        depth: usize,
    ) -> ServerResult<u64> {
        if depth > self.limits.recursion {
            return Err(coded(
                format!(
                    "The recursion depth of the query cannot be greater than `{}`",
                    self.limits.recursion
                ),
                code::RECURSION_TOO_DEEP,
            ));
        }
        let mut total: u64 = 0;
        for selection in &set.node.items {
            let cost = match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let name = field.name.node.as_str();
                    let meta = self
                        .registry
                        .types
                        .get(parent)
                        .and_then(|ty| ty.field_by_name(name));
                    let child_type = meta
                        .map(|meta| {
                            async_graphql::registry::MetaTypeName::concrete_typename(&meta.ty)
                        })
                        .unwrap_or("");
                    let children =
                        self.selection_set(&field.selection_set, child_type, depth + 1)?;
                    let is_list =
                        meta.is_some_and(|meta| meta.ty.trim_end_matches('!').starts_with('['));
                    let multiplier = if parent.starts_with("__") {
                        // Introspection is bounded by the schema, not the data.
                        1
                    } else if !is_list && child_type.ends_with("Connection") {
                        // A page: its `first`/`last`, else the default page size.
                        self.list_size(field, DEFAULT_PAGE as u64)
                    } else if is_list && parent.ends_with("Connection") {
                        // A page's `nodes` or `edges`: counted by the connection's field.
                        1
                    } else if is_list {
                        self.list_size(field, self.limits.list_factor)
                    } else {
                        1
                    };
                    1u64.saturating_add(multiplier.saturating_mul(children))
                }
                Selection::InlineFragment(fragment) => {
                    let on = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map_or(parent, |condition| condition.node.on.node.as_str());
                    self.selection_set(&fragment.node.selection_set, on, depth + 1)?
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let key = (name.to_owned(), parent.to_owned());
                    if let Some(cost) = self.fragments.get(&key) {
                        *cost
                    } else if let Some(fragment) = self.doc.fragments.get(name) {
                        let on = fragment.node.type_condition.node.on.node.to_string();
                        let cost =
                            self.selection_set(&fragment.node.selection_set, &on, depth + 1)?;
                        self.fragments.insert(key, cost);
                        cost
                    } else {
                        // Unknown fragment: validation reports it.
                        0
                    }
                }
            };
            total = total.saturating_add(cost);
        }
        Ok(total)
    }

    /// The size a list field may return: its `first`, `last` or `limit` argument (a literal or
    /// a variable), else `otherwise`.
    fn list_size(&self, field: &async_graphql::parser::types::Field, otherwise: u64) -> u64 {
        ["first", "last", "limit"]
            .iter()
            .find_map(|name| field.get_argument(name))
            .and_then(|value| {
                value
                    .node
                    .clone()
                    .into_const_with(|name| self.variables.get(&name).cloned().ok_or(()))
                    .ok()
            })
            .and_then(|value| match value {
                Value::Number(number) => number.as_u64(),
                _ => None,
            })
            .map_or(otherwise, |size| size.max(1))
    }
}
