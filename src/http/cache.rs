//! Caching of answers. The data only changes with a release, so an answer is a pure function
//! of the document, the variables, the operation and today's date (the default `asOf`):
//! - HTTP caches (browsers, nginx) get `Cache-Control` and a weak `ETag` made of the data
//!   version and today's date on successful GET answers, and `If-None-Match` gets a 304
//!   without running anything;
//! - an in-process, bounded LRU keeps the bodies of successful answers for repeated queries.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use chrono::{NaiveDate, Utc};

/// What a cached answer depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    /// The query text, or empty when only a persisted query's hash was sent.
    pub query: String,
    /// The persisted query's hash, when one was sent (with the text, the persisted queries
    /// extension checks it: a wrong hash must not find the text's answer).
    pub persisted: Option<String>,
    pub operation: Option<String>,
    /// The variables as JSON text.
    pub variables: String,
    pub today: NaiveDate,
}

/// The in-process response cache: serialized bodies of successful answers (off with size 0).
#[derive(Clone)]
pub struct ResponseCache(Option<Arc<Mutex<lru::LruCache<CacheKey, Bytes>>>>);

impl ResponseCache {
    pub fn new(size: usize) -> Self {
        ResponseCache(
            NonZeroUsize::new(size).map(|size| Arc::new(Mutex::new(lru::LruCache::new(size)))),
        )
    }

    pub fn get(&self, key: &CacheKey) -> Option<Bytes> {
        let cache = self.0.as_ref()?;
        let hit = cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned();
        super::metrics::count_cache(hit.is_some());
        hit
    }

    pub fn put(&self, key: CacheKey, body: Bytes) {
        if let Some(cache) = &self.0 {
            cache
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .put(key, body);
        }
    }
}

/// The validator of every answer for `version` on `today` in one media type: weak, as
/// compression changes the bytes but not the meaning.
pub fn etag(version: &str, today: NaiveDate, media: &str) -> HeaderValue {
    let tag = format!("W/\"{version}-{today}-{media}\"");
    HeaderValue::from_str(&tag).unwrap_or_else(|_| HeaderValue::from_static("W/\"unknown\""))
}

/// Whether `If-None-Match` names `etag` (or is `*`).
pub fn not_modified(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let Some(wanted) = etag.to_str().ok() else {
        return false;
    };
    let opaque = wanted.trim_start_matches("W/");
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == opaque)
}

/// `Cache-Control` for a successful GET answer: public, for `max_age` seconds but never past
/// the next midnight UTC, when "today" (the default `asOf`) changes.
pub fn cache_control(max_age: u64) -> HeaderValue {
    let now = Utc::now();
    let seconds_left = now
        .date_naive()
        .succ_opt()
        .and_then(|tomorrow| tomorrow.and_hms_opt(0, 0, 0))
        .map_or(0, |midnight| {
            (midnight - now.naive_utc()).num_seconds().max(0) as u64
        });
    let age = max_age.min(seconds_left);
    HeaderValue::from_str(&format!("public, max-age={age}"))
        .unwrap_or_else(|_| HeaderValue::from_static("no-cache"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_matches_weak_and_strong_forms_in_a_list() {
        let tag = etag("abc", NaiveDate::default(), "json");
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"other\", \"abc-1970-01-01-json\""),
        );
        assert!(not_modified(&headers, &tag));
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert!(!not_modified(&headers, &tag));
    }

    #[test]
    fn the_response_cache_is_bounded_and_can_be_off() {
        let key = |n: u32| CacheKey {
            query: format!("{{ q{n} }}"),
            persisted: None,
            operation: None,
            variables: "{}".into(),
            today: NaiveDate::default(),
        };
        let cache = ResponseCache::new(2);
        for n in 0..3 {
            cache.put(key(n), Bytes::from(n.to_string()));
        }
        assert_eq!(cache.get(&key(0)), None);
        assert_eq!(cache.get(&key(2)), Some(Bytes::from("2")));
        let off = ResponseCache::new(0);
        off.put(key(1), Bytes::from("1"));
        assert_eq!(off.get(&key(1)), None);
    }
}
