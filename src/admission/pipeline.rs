//! What a request goes through before async-graphql executes it, and the codes of the errors it
//! meets: automatic persisted queries (hash → query text), the cache of parsed documents (by
//! text), the introspection switch and the limits.
//!
//! This is done here, around the schema, rather than in schema extensions: once a schema has
//! any extension, async-graphql runs every field of every answer through the extensions' resolve
//! chain, which cost a quarter of the time of a large answer (see BENCHMARKS.md).

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::registry::Registry;
use async_graphql::{ObjectType, Request, ServerError, Value, Variables};
use lru::LruCache;
use sha2::{Digest, Sha256};

use super::field_order::FieldOrder;
use super::input_values;
use super::limits::{self, Budget, Limits, Measure, Policy, code};
use super::operation::selected_operation;
use crate::doorkeeper::Doorkeeper;
use crate::fast_path::PlanSlot;
use crate::schema::{coded, with_code};

/// The checks and caches a request passes through before execution.
pub(crate) struct Admission {
    limits: Limits,
    introspection: bool,
    /// The schema's types, which the complexity walk looks fields up in.
    registry: Registry,
    /// Documents that keep the limits, by query text.
    documents: Option<Mutex<LruCache<String, Arc<Prepared>>>>,
    /// Lets a document in the second time its text comes (see [`Doorkeeper`]).
    doorkeeper: Option<Mutex<Doorkeeper>>,
    /// Query texts of automatic persisted queries, by their SHA-256 (hex).
    persisted: Option<Mutex<LruCache<String, String>>>,
}

/// A parsed document that keeps the limits, and the field order of the operation it was first
/// run with (nearly always the one every later request runs).
struct Prepared {
    doc: ExecutableDocument,
    operation_name: Option<String>,
    order: Arc<FieldOrder>,
    /// What it cost when it was first admitted.
    measure: Measure,
    /// Whether its operations declare variables: a list's size may be one (`first: $n`), so
    /// the complexity must be checked again with each request's values.
    takes_variables: bool,
    /// The fast path's plan of that operation (when it takes no variables).
    plan: Arc<PlanSlot>,
}

/// Which operations a request may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operations {
    Any,
    /// Queries only: a GET, which must not change anything (GraphQL over HTTP).
    QueriesOnly,
}

/// A request that passed admission, with its parsed document, ready to execute.
#[derive(Debug)]
pub struct Admitted {
    /// The request, without its document: async-graphql's executor gets it in
    /// [`Admitted::into_request`], only when the fast path does not answer.
    request: Request,
    document: Document,
    /// The answer's field order, when the admission knows it already; else worked out from
    /// the document when the generic executor runs (the fast path writes in order itself).
    order: Option<Arc<FieldOrder>>,
    /// What the admission charged it: its tokens, aliases and list-aware cost.
    pub measure: Measure,
    /// Where the fast path keeps the plan of a cached document's operation.
    pub(crate) plan: Option<Arc<PlanSlot>>,
}

/// Where an admitted request's parsed document is. A cached one is shared, not copied for each
/// request: its copy is made only for async-graphql, which takes a document by value.
enum Document {
    Cached(Arc<Prepared>),
    Parsed(ExecutableDocument),
    /// Given to the fast path's validation ([`Admitted::take_document`]); the generic
    /// executor parses the text again, which only a document that failed that validation needs.
    Taken,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            Document::Cached(_) => "Cached",
            Document::Parsed(_) => "Parsed",
            Document::Taken => "Taken",
        })
    }
}

impl Admitted {
    /// The parsed document (`None` once taken).
    pub(crate) fn document(&self) -> Option<&ExecutableDocument> {
        match &self.document {
            Document::Cached(prepared) => Some(&prepared.doc),
            Document::Parsed(doc) => Some(doc),
            Document::Taken => None,
        }
    }

    /// The name of the operation the request runs, if it gives one.
    pub(crate) fn operation_name(&self) -> Option<&str> {
        self.request.operation_name.as_deref()
    }

    pub(crate) fn variables(&self) -> &Variables {
        &self.request.variables
    }

    /// The document by value, for async-graphql: the request's own, or a copy of the cached one.
    pub(crate) fn take_document(&mut self) -> Option<ExecutableDocument> {
        match std::mem::replace(&mut self.document, Document::Taken) {
            Document::Cached(prepared) => {
                let doc = prepared.doc.clone();
                self.document = Document::Cached(prepared);
                Some(doc)
            }
            Document::Parsed(doc) => Some(doc),
            Document::Taken => None,
        }
    }

    /// The request for async-graphql's executor, with its document, and the order its answer's
    /// fields must be put in.
    pub(crate) fn into_request(mut self) -> (Request, Arc<FieldOrder>) {
        let order = match (self.order.take(), self.document()) {
            (Some(order), _) => order,
            (None, Some(doc)) => Arc::new(FieldOrder::of(
                doc,
                self.request.operation_name.as_deref(),
                &self.request.variables,
            )),
            (None, None) => {
                let name = self.request.operation_name.clone();
                let variables = self.request.variables.clone();
                // The text parsed at admission, so it parses again; if it did not, the
                // executor would report it and no field would need ordering.
                Arc::new(self.request.parsed_query().map_or_else(
                    |_| FieldOrder::default(),
                    |doc| FieldOrder::of(doc, name.as_deref(), &variables),
                ))
            }
        };
        if let Some(doc) = self.take_document() {
            self.request.set_parsed_query(doc);
        }
        (self.request, order)
    }

    /// The answer's field order (as [`Admitted::into_request`] gives it).
    #[cfg(test)]
    fn field_order(self) -> Arc<FieldOrder> {
        self.into_request().1
    }
}

/// Why a request was not admitted.
#[derive(Debug)]
pub enum Refused {
    /// A mutation or subscription where only queries may run: its kind.
    NotAQuery(&'static str),
    /// Any other reason, as the answer's one error, with its code.
    Error(ServerError),
}

impl Refused {
    /// The refusal as the answer's one error, with its code.
    pub fn into_error(self) -> ServerError {
        match self {
            Refused::NotAQuery(kind) => coded(
                format!("only queries may run here, not a {kind}"),
                "METHOD_NOT_ALLOWED",
            ),
            Refused::Error(error) => error,
        }
    }
}

impl Admission {
    /// The admission of a schema whose root query type is `Q`.
    pub(crate) fn new<Q: ObjectType>(policy: &Policy) -> Admission {
        let mut registry = Registry::default();
        Q::create_type_info(&mut registry);
        registry.query_type = Q::type_name().into_owned();
        Admission {
            limits: policy.limits.clone(),
            introspection: policy.introspection,
            registry,
            documents: bounded(policy.limits.document_cache),
            doorkeeper: Doorkeeper::new(policy.limits.document_cache.saturating_mul(4))
                .map(Mutex::new),
            persisted: bounded(policy.persisted_queries),
        }
    }

    /// A full budget: what one HTTP request may spend.
    pub(crate) fn budget(&self) -> Budget {
        Budget::new(&self.limits)
    }

    /// Resolves a persisted query, parses the document (or takes its cached parse) and checks
    /// it, so that async-graphql's own walks of the document, which are not memoised, only see
    /// documents that keep the limits. The request has a budget of its own.
    #[cfg(test)]
    pub(crate) fn admit(
        &self,
        request: Request,
        operations: Operations,
    ) -> Result<Admitted, Refused> {
        self.admit_within(request, operations, &mut Budget::new(&self.limits))
    }

    /// [`Admission::admit`], charging the request's tokens, aliases and cost to `budget` (which
    /// the operations of a batch share). The checks run cheapest first: tokens are counted in
    /// the text before it is parsed, then one linear walk of the parsed document refuses
    /// recursion, directives and introspection depth, and measures aliases and complexity.
    pub(crate) fn admit_within(
        &self,
        mut request: Request,
        operations: Operations,
        budget: &mut Budget,
    ) -> Result<Admitted, Refused> {
        self.resolve_persisted(&mut request)
            .map_err(Refused::Error)?;
        let cached = self
            .documents
            .as_ref()
            .and_then(|cache| lock(cache).get(&request.query).cloned());
        let name = request.operation_name.as_deref();
        let (document, order, measure, plan) = match cached {
            Some(prepared) => {
                self.check_kind(&prepared.doc, name, operations)?;
                input_values::check_variables(
                    &self.registry,
                    &prepared.doc,
                    name,
                    &request.variables,
                )
                .map_err(Refused::Error)?;
                let measure = if prepared.takes_variables {
                    let walked = limits::measure(
                        &self.limits,
                        &self.registry,
                        &prepared.doc,
                        &request.variables,
                    )
                    .map_err(Refused::Error)?;
                    Measure {
                        tokens: prepared.measure.tokens,
                        aliases: walked.aliases,
                        complexity: walked.complexity,
                    }
                } else {
                    prepared.measure
                };
                budget.charge(measure).map_err(Refused::Error)?;
                // The order and the plan depend on the variables (`@skip(if: $v)`): kept only
                // for an operation without any.
                let (order, plan) =
                    if prepared.operation_name.as_deref() == name && !prepared.takes_variables {
                        (Some(prepared.order.clone()), Some(prepared.plan.clone()))
                    } else {
                        (None, None)
                    };
                (Document::Cached(prepared), order, measure, plan)
            }
            None => {
                let lexed = limits::lex(&request.query, budget.tokens_left());
                budget.check_tokens(lexed.tokens).map_err(Refused::Error)?;
                limits::check_nesting(lexed).map_err(Refused::Error)?;
                let doc = async_graphql::parser::parse_query(&request.query).map_err(|error| {
                    Refused::Error(with_code(error.into(), "GRAPHQL_PARSE_FAILED"))
                })?;
                self.check_kind(&doc, name, operations)?;
                // One walk: the limits, and the argument literals field by field.
                let walked =
                    limits::measure(&self.limits, &self.registry, &doc, &request.variables)
                        .map_err(Refused::Error)?;
                self.check_introspection(walked.introspects)?;
                input_values::check_variables(&self.registry, &doc, name, &request.variables)
                    .map_err(Refused::Error)?;
                let measure = Measure {
                    tokens: lexed.tokens,
                    aliases: walked.aliases,
                    complexity: walked.complexity,
                };
                budget.charge(measure).map_err(Refused::Error)?;
                // Only documents that keep the limits are kept, so hostile ones do not evict
                // others.
                match self.documents.as_ref().filter(|_| {
                    self.doorkeeper
                        .as_ref()
                        .is_some_and(|doorkeeper| lock(doorkeeper).admits(&request.query))
                }) {
                    Some(cache) => {
                        let order = Arc::new(FieldOrder::of(&doc, name, &request.variables));
                        let prepared = Arc::new(Prepared {
                            operation_name: name.map(str::to_owned),
                            order: order.clone(),
                            measure,
                            takes_variables: doc.operations.iter().any(|(_, operation)| {
                                !operation.node.variable_definitions.is_empty()
                            }),
                            plan: Arc::default(),
                            doc,
                        });
                        let plan = (!prepared.takes_variables).then(|| prepared.plan.clone());
                        lock(cache).put(request.query.clone(), prepared.clone());
                        (Document::Cached(prepared), Some(order), measure, plan)
                    }
                    None => (Document::Parsed(doc), None, measure, None),
                }
            }
        };
        Ok(Admitted {
            request,
            document,
            order,
            measure,
            plan,
        })
    }

    /// Refuses a mutation or subscription where only queries may run. A document without the
    /// operation asked for is left to the execution, which reports it.
    fn check_kind(
        &self,
        doc: &ExecutableDocument,
        operation_name: Option<&str>,
        operations: Operations,
    ) -> Result<(), Refused> {
        if operations == Operations::Any {
            return Ok(());
        }
        match selected_operation(doc, operation_name).map(|operation| operation.ty) {
            Some(OperationType::Mutation) => Err(Refused::NotAQuery("mutation")),
            Some(OperationType::Subscription) => Err(Refused::NotAQuery("subscription")),
            Some(OperationType::Query) | None => Ok(()),
        }
    }

    /// async-graphql would answer an introspection query `null` without a word when it is
    /// switched off; say why. Cached documents passed this check when they were parsed.
    fn check_introspection(&self, introspects: bool) -> Result<(), Refused> {
        if !self.introspection && introspects {
            return Err(Refused::Error(coded(
                "introspection is disabled on this server",
                code::INTROSPECTION_DISABLED,
            )));
        }
        Ok(())
    }

    /// Automatic persisted queries (Apollo's protocol, version 1): a request with the hash and
    /// the text stores the text; one with the hash alone gets it back, or
    /// `PERSISTED_QUERY_NOT_FOUND` so the client sends the text.
    fn resolve_persisted(&self, request: &mut Request) -> Result<(), ServerError> {
        let Some(extension) = request.extensions.remove("persistedQuery") else {
            return Ok(());
        };
        let Some(store) = &self.persisted else {
            return Err(coded(
                "PersistedQueryNotSupported",
                code::PERSISTED_QUERY_NOT_SUPPORTED,
            ));
        };
        let field = |name: &str| match &extension {
            Value::Object(fields) => fields.get(name).cloned(),
            _ => None,
        };
        let version = field("version").and_then(|version| match version {
            Value::Number(number) => number.as_u64(),
            _ => None,
        });
        let hash = match (version, field("sha256Hash")) {
            (Some(1), Some(Value::String(hash))) => hash,
            _ => {
                return Err(coded(
                    "the `persistedQuery` extension must be {\"version\": 1, \"sha256Hash\": \"<hex>\"}",
                    "BAD_REQUEST",
                ));
            }
        };
        if request.query.is_empty() {
            match lock(store).get(&hash) {
                Some(text) => request.query = text.clone(),
                None => {
                    return Err(coded(
                        "PersistedQueryNotFound",
                        code::PERSISTED_QUERY_NOT_FOUND,
                    ));
                }
            }
        } else {
            let actual = format!("{:x}", Sha256::digest(request.query.as_bytes()));
            if !actual.eq_ignore_ascii_case(&hash) {
                return Err(coded("provided sha does not match query", "BAD_REQUEST"));
            }
            lock(store).put(actual, request.query.clone());
        }
        Ok(())
    }
}

/// An LRU of `size` entries; none when `size` is 0 (off).
fn bounded<V>(size: usize) -> Option<Mutex<LruCache<String, V>>> {
    NonZeroUsize::new(size).map(|size| Mutex::new(LruCache::new(size)))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Gives every error of an answer an `extensions.code`, as the API's own errors have. Errors
/// without a path come from async-graphql's checks before execution: its limits (their codes),
/// the choice of operation (`BAD_REQUEST`), or validation (`GRAPHQL_VALIDATION_FAILED`, Apollo's
/// name). Errors with a path come from fields: an argument that does not parse is
/// `BAD_USER_INPUT`, anything else without a code `INTERNAL_SERVER_ERROR`.
pub(crate) fn code_error(error: ServerError) -> ServerError {
    let code = if error.path.is_empty() {
        if let Some(code) = limits::limit_error_code(&error) {
            code
        } else if error.message.starts_with("Unknown operation named")
            || error.message == "Operation name required in request."
        {
            "BAD_REQUEST"
        } else {
            "GRAPHQL_VALIDATION_FAILED"
        }
    } else if error.message.starts_with("Failed to parse") {
        "BAD_USER_INPUT"
    } else {
        "INTERNAL_SERVER_ERROR"
    };
    with_code(error, code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::QueryRoot;

    fn code_of(error: &ServerError) -> Option<Value> {
        error
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .cloned()
    }

    #[test]
    fn documents_that_keep_the_limits_are_cached_by_text_and_others_are_not() {
        let admission = Admission::new::<QueryRoot>(&Policy {
            limits: Limits {
                aliases: 0,
                ..Limits::default()
            },
            ..Policy::default()
        });
        let cached = |text: &str| {
            admission
                .documents
                .as_ref()
                .is_some_and(|cache| lock(cache).contains(text))
        };
        assert!(!cached("{ regions { name } }"));
        let admit = |text: &str| admission.admit(Request::new(text), Operations::Any);
        assert!(admit("{ regions { name } }").is_ok());
        // Cached the second time the text comes, not the first.
        assert!(!cached("{ regions { name } }"));
        assert!(admit("{ regions { name } }").is_ok());
        assert!(cached("{ regions { name } }"));
        // Admitted again from the cache.
        assert!(admit("{ regions { name } }").is_ok());

        for _ in 0..2 {
            let refused = admit("{ a: regions { name } }").unwrap_err().into_error();
            assert_eq!(code_of(&refused), Some(Value::from(code::TOO_MANY_ALIASES)));
        }
        assert!(!cached("{ a: regions { name } }"));
    }

    #[test]
    fn the_complexity_walk_knows_the_schemas_list_fields() {
        let admission = Admission::new::<QueryRoot>(&Policy {
            limits: Limits {
                complexity: 1_000,
                ..Limits::default()
            },
            ..Policy::default()
        });
        // 1 + 10 × (1 + 1 + 10 × (1 + 1 + 10 × 2)) = 2_221: above 1_000 only if the walk
        // multiplies by the nested lists.
        let refused = admission
            .admit(
                Request::new("{ regions { name cercles { name communes { name code } } } }"),
                Operations::Any,
            )
            .unwrap_err()
            .into_error();
        assert_eq!(
            code_of(&refused),
            Some(Value::from(code::QUERY_TOO_COMPLEX))
        );
        assert!(
            admission
                .admit(Request::new("{ regions { name } }"), Operations::Any)
                .is_ok()
        );
    }

    #[test]
    fn where_only_queries_may_run_other_operations_are_refused_by_kind() {
        let admission = Admission::new::<QueryRoot>(&Policy::default());
        let admit = |text: &str, name: Option<&str>| {
            let mut request = Request::new(text);
            request.operation_name = name.map(str::to_owned);
            admission.admit(request, Operations::QueriesOnly)
        };
        let two = "query Q { country { name } } mutation M { rename }";
        assert!(admit(two, Some("Q")).is_ok());
        assert!(admit(two, Some("Q")).is_ok());
        assert!(lock(admission.documents.as_ref().unwrap()).contains(two));
        // The document is cached now; its other operation is still refused.
        assert!(matches!(
            admit(two, Some("M")),
            Err(Refused::NotAQuery("mutation"))
        ));
        assert!(matches!(
            admit("subscription { ticks }", None),
            Err(Refused::NotAQuery("subscription"))
        ));
        // Anywhere else, the execution reports what the schema cannot run.
        assert!(
            admission
                .admit(Request::new("mutation { rename }"), Operations::Any)
                .is_ok()
        );
    }

    #[test]
    fn the_field_order_follows_the_operation_each_request_names() {
        let admission = Admission::new::<QueryRoot>(&Policy::default());
        let text = "query A { country { name code } } query B { country { code name } }";
        let order = |name: &str| {
            let mut request = Request::new(text);
            request.operation_name = Some(name.to_owned());
            let admitted = admission.admit(request, Operations::Any).unwrap();
            let mut data = async_graphql::value!({"country": {"name": "Mali", "code": "ML"}});
            admitted.field_order().apply(&mut data);
            data.to_string()
        };
        assert_eq!(order("A"), r#"{country: {name: "Mali", code: "ML"}}"#);
        assert_eq!(order("A"), r#"{country: {name: "Mali", code: "ML"}}"#);
        // From the document cached with A's order.
        assert_eq!(order("B"), r#"{country: {code: "ML", name: "Mali"}}"#);
        assert_eq!(order("A"), r#"{country: {name: "Mali", code: "ML"}}"#);
    }

    #[test]
    fn a_cached_document_is_checked_again_with_each_requests_variables() {
        let admission = Admission::new::<QueryRoot>(&Policy {
            limits: Limits {
                complexity: 2_000,
                ..Limits::default()
            },
            ..Policy::default()
        });
        let text = r#"query($n: Int!) { search(text: "ba", first: $n) { path { name } } }"#;
        let admit = |n: u64| {
            let variables = async_graphql::Variables::from_json(serde_json::json!({ "n": n }));
            admission.admit(Request::new(text).variables(variables), Operations::Any)
        };
        assert!(admit(1).is_ok());
        assert!(admit(1).is_ok());
        assert!(lock(admission.documents.as_ref().unwrap()).contains(text));
        // Cached with one hit; a thousand are too many.
        let refused = admit(1_000).unwrap_err().into_error();
        assert_eq!(
            code_of(&refused),
            Some(Value::from(code::QUERY_TOO_COMPLEX))
        );
    }
}
