//! What a request goes through before async-graphql executes it, and the codes of the errors it
//! meets: automatic persisted queries (hash → query text), the cache of parsed documents (by
//! text), the introspection switch and the limits.
//!
//! This is done here, around the schema, rather than in schema extensions: once a schema has
//! any extension, async-graphql runs every field of every answer through the extensions' resolve
//! chain, which cost a quarter of the time of a large answer (see BENCHMARKS.md).

use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::registry::Registry;
use async_graphql::{ObjectType, Request, ServerError, Value};
use lru::LruCache;
use sha2::{Digest, Sha256};

use super::error::{coded, with_code};
use super::field_order::FieldOrder;
use super::limits::{self, Limits, Policy, code};

/// The checks and caches a request passes through before execution.
pub(crate) struct Admission {
    limits: Limits,
    introspection: bool,
    /// The schema's types, which the complexity walk looks fields up in.
    registry: Registry,
    /// Parsed documents that keep the limits, by query text.
    documents: Option<Mutex<LruCache<String, ExecutableDocument>>>,
    /// Query texts of automatic persisted queries, by their SHA-256 (hex).
    persisted: Option<Mutex<LruCache<String, String>>>,
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
            persisted: bounded(policy.persisted_queries),
        }
    }

    /// Resolves a persisted query, parses the document (or takes its cached parse) and checks
    /// it, so that async-graphql's own walks of the document, which are not memoised, only see
    /// documents that keep the limits.
    /// Gives the request with its parsed document, and the order of the answer's fields.
    pub(crate) fn admit(&self, mut request: Request) -> Result<(Request, FieldOrder), ServerError> {
        self.resolve_persisted(&mut request)?;
        let cached = self
            .documents
            .as_ref()
            .and_then(|cache| lock(cache).get(&request.query).cloned());
        let hit = cached.is_some();
        let doc = match cached {
            Some(doc) => doc,
            None => async_graphql::parser::parse_query(&request.query)
                .map_err(|error| with_code(error.into(), "GRAPHQL_PARSE_FAILED"))?,
        };
        if !self.introspection && limits::introspects(&doc) {
            // async-graphql would answer `null` without a word; say why.
            return Err(coded(
                "introspection is disabled on this server",
                code::INTROSPECTION_DISABLED,
            ));
        }
        if !hit {
            limits::check(&self.limits, &self.registry, &doc, &request.variables)?;
            // Only documents that keep the limits are kept, so hostile ones do not evict others.
            if let Some(cache) = &self.documents {
                lock(cache).put(request.query.clone(), doc.clone());
            }
        }
        let order = FieldOrder::of(&doc, request.operation_name.as_deref());
        request.set_parsed_query(doc);
        Ok((request, order))
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
        assert!(
            admission
                .admit(Request::new("{ regions { name } }"))
                .is_ok()
        );
        assert!(cached("{ regions { name } }"));
        // Admitted again from the cache.
        assert!(
            admission
                .admit(Request::new("{ regions { name } }"))
                .is_ok()
        );

        let refused = admission
            .admit(Request::new("{ a: regions { name } }"))
            .unwrap_err();
        assert_eq!(code_of(&refused), Some(Value::from(code::TOO_MANY_ALIASES)));
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
            .admit(Request::new(
                "{ regions { name cercles { name communes { name code } } } }",
            ))
            .unwrap_err();
        assert_eq!(
            code_of(&refused),
            Some(Value::from(code::QUERY_TOO_COMPLEX))
        );
        assert!(
            admission
                .admit(Request::new("{ regions { name } }"))
                .is_ok()
        );
    }
}
