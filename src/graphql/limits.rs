//! Limits that keep hostile documents from costing the server more than a fair query: depth,
//! list-aware complexity, recursion, directives per field and aliases per request, each
//! rejection with its own `extensions.code`; and the cache of parsed documents.
//!
//! async-graphql checks depth, recursion and directives itself; this module sets those limits
//! and gives their errors codes. Complexity is computed here rather than with async-graphql's
//! `limit_complexity`, which counts each field once: a list field multiplies the cost of its
//! selection by its `first`/`last`/`limit` argument or, without one, by `list_factor`, so
//! `regions { cercles { communes { name } } }` costs what it may return. Introspection types
//! are bounded by the schema, not the data, so their lists are not multiplied (GraphiQL's
//! introspection query passes the defaults).

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextRequest,
    NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{
    ErrorExtensionValues, Positioned, Request, Response, ServerError, ServerResult,
    ValidationResult, Value, Variables,
};

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
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            limits: Limits::default(),
            introspection: true,
            suggestions: false,
            persisted_queries: 1_000,
            federation: false,
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
}

/// Applies `limits` to a schema under construction. `Guard` must come after the persisted
/// queries extension, so that it checks the documents that extension resolves.
pub(crate) fn apply<Q, M, S>(
    builder: async_graphql::SchemaBuilder<Q, M, S>,
    policy: &Policy,
) -> async_graphql::SchemaBuilder<Q, M, S> {
    let limits = &policy.limits;
    builder
        .limit_depth(limits.depth)
        .limit_recursive_depth(limits.recursion)
        .limit_directives(limits.directives)
        .extension(Guard::new(policy))
}

/// The extension: codes for async-graphql's limit errors, the alias and complexity checks,
/// and the document cache.
pub(crate) struct Guard {
    limits: Limits,
    introspection: bool,
    documents: Option<Arc<Mutex<lru::LruCache<String, ExecutableDocument>>>>,
}

impl Guard {
    fn new(policy: &Policy) -> Self {
        Guard {
            limits: policy.limits.clone(),
            introspection: policy.introspection,
            documents: NonZeroUsize::new(policy.limits.document_cache)
                .map(|size| Arc::new(Mutex::new(lru::LruCache::new(size)))),
        }
    }
}

impl ExtensionFactory for Guard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Guard {
            limits: self.limits.clone(),
            introspection: self.introspection,
            documents: self.documents.clone(),
        })
    }
}

fn coded(message: impl Into<String>, code: &str) -> ServerError {
    with_code(ServerError::new(message, None), code)
}

fn with_code(mut error: ServerError, code: &str) -> ServerError {
    error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default)
        .set("code", code);
    error
}

/// Gives async-graphql's own limit errors their codes (it words them, we code them).
fn code_limit_error(error: ServerError) -> ServerError {
    let code = if error
        .message
        .starts_with("The recursion depth of the query")
    {
        code::RECURSION_TOO_DEEP
    } else if error
        .message
        .starts_with("The number of directives on the field")
    {
        code::TOO_MANY_DIRECTIVES
    } else if error.message == "Query is nested too deep." {
        code::QUERY_TOO_DEEP
    } else if error.message == "PersistedQueryNotFound" {
        code::PERSISTED_QUERY_NOT_FOUND
    } else {
        return error;
    };
    with_code(error, code)
}

#[async_graphql::async_trait::async_trait]
impl Extension for Guard {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        // The persisted queries extension's errors come out of `prepare_request` uncoded.
        let mut response = next.run(ctx).await;
        response.errors = std::mem::take(&mut response.errors)
            .into_iter()
            .map(code_limit_error)
            .collect();
        response
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // A document resolved by the persisted queries extension is already parsed; otherwise
        // parse here (or take the cached parse) so the checks below run before async-graphql's
        // own walks, which are not memoised (a chain of doubling fragments would take them
        // exponential time).
        let cached = if request.query.is_empty() {
            None
        } else {
            self.cached(&request.query)
        };
        let hit = cached.is_some();
        if let Some(doc) = cached {
            request.set_parsed_query(doc);
        }
        let doc = request
            .parsed_query()
            .map_err(|error| with_code(error, "GRAPHQL_PARSE_FAILED"))?
            .clone();
        if !self.introspection && introspects(&doc) {
            // async-graphql would answer `null` without a word; say why.
            return Err(coded(
                "introspection is disabled on this server",
                code::INTROSPECTION_DISABLED,
            ));
        }
        check(
            &self.limits,
            &ctx.schema_env.registry,
            &doc,
            &request.variables,
        )?;
        // Only documents that keep the limits are kept, so hostile ones do not evict others.
        if let (Some(cache), false, false) = (&self.documents, hit, request.query.is_empty()) {
            cache
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .put(request.query.clone(), doc);
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables)
            .await
            .map_err(code_limit_error)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx)
            .await
            .map_err(|errors| errors.into_iter().map(code_limit_error).collect())
    }
}

impl Guard {
    /// The cached parse of `query`, if any.
    fn cached(&self, query: &str) -> Option<ExecutableDocument> {
        let cache = self.documents.as_ref()?;
        cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(query)
            .cloned()
    }
}

/// Checks aliases and complexity of `doc`.
fn check(
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
fn introspects(doc: &ExecutableDocument) -> bool {
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
                    // Introspection is bounded by the schema, not the data.
                    let multiplier = if is_list && !parent.starts_with("__") {
                        self.list_size(field)
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
    /// a variable), else the configured factor.
    fn list_size(&self, field: &async_graphql::parser::types::Field) -> u64 {
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
            .map_or(self.limits.list_factor, |size| size.max(1))
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};

    use super::*;

    struct Query;

    #[Object]
    impl Query {
        async fn answer(&self) -> i32 {
            42
        }
    }

    #[tokio::test]
    async fn documents_that_keep_the_limits_are_cached_by_text_and_others_are_not() {
        let policy = Policy {
            limits: Limits {
                aliases: 0,
                ..Limits::default()
            },
            ..Policy::default()
        };
        let guard = Guard::new(&policy);
        let shared = Guard {
            limits: guard.limits.clone(),
            introspection: true,
            documents: guard.documents.clone(),
        };
        let schema = Schema::build(Query, EmptyMutation, EmptySubscription)
            .extension(shared)
            .finish();

        assert!(guard.cached("{ answer }").is_none());
        let response = schema.execute("{ answer }").await;
        assert!(response.errors.is_empty());
        assert!(guard.cached("{ answer }").is_some());
        // Served again from the cache, with the same answer.
        let again = schema.execute("{ answer }").await;
        assert_eq!(again.data, response.data);

        let refused = schema.execute("{ a: answer }").await;
        assert_eq!(
            refused.errors[0]
                .extensions
                .as_ref()
                .and_then(|e| e.get("code"))
                .cloned(),
            Some(Value::from(code::TOO_MANY_ALIASES))
        );
        assert!(guard.cached("{ a: answer }").is_none());
    }
}
