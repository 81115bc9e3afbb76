//! Caching of answers. The data only changes with a release, so an answer is a pure function
//! of the document, the variables, the operation and today's date (the default `asOf`):
//! - HTTP caches (browsers, nginx) get `Cache-Control` and a weak `ETag` made of the data
//!   version and today's date on successful GET answers, and `If-None-Match` gets a 304
//!   without running anything;
//! - an in-process, bounded LRU keeps the bodies of successful answers for repeated queries
//!   (from the second time a query comes: see [`Doorkeeper`]).

use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use chrono::{NaiveDate, Utc};

use crate::doorkeeper::Doorkeeper;

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

/// Where a kept answer is found.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AnswerKey {
    /// A GET's, or a batch item's, parameters.
    Parameters(CacheKey),
    /// A POST of one request, by its body's bytes: the same bytes read the same, so a repeated
    /// POST is found before its JSON is read (that reading, and the key's making, were a tenth
    /// of a cached answer's instructions).
    Body { bytes: Bytes, today: NaiveDate },
}

/// The in-process response cache: serialized bodies of successful answers, bounded by their
/// size in bytes (off with a budget of 0). Bounded by bytes, not by count: answers range from
/// a few bytes to a whole tree's 30 KB or more, and a stream of distinct queries (a fresh alias
/// in each) must not grow the server past its memory budget.
#[derive(Clone)]
pub struct ResponseCache(Option<Arc<Mutex<Answers>>>);

struct Answers {
    lru: lru::LruCache<AnswerKey, Cached>,
    bytes: usize,
    budget: usize,
    /// Lets an answer in the second time its key comes.
    doorkeeper: Doorkeeper,
}

/// A kept answer: its body, and the requested cost it was admitted with (a hit is charged it
/// by the rate limit).
#[derive(Clone)]
pub struct Cached {
    pub body: Bytes,
    pub cost: u64,
}

/// How many keys seen once the doorkeeper remembers (8 bytes each).
const KEYS_SEEN_ONCE: usize = 16_384;

/// What an entry costs the budget: its body and the texts of its key.
fn charge(key: &AnswerKey, body: &Bytes) -> usize {
    let key_bytes = match key {
        AnswerKey::Parameters(key) => key.query.len() + key.variables.len(),
        AnswerKey::Body { bytes, .. } => bytes.len(),
    };
    body.len() + key_bytes + 64
}

impl ResponseCache {
    pub fn new(budget_bytes: usize) -> Self {
        let doorkeeper = (budget_bytes > 0)
            .then(|| Doorkeeper::new(KEYS_SEEN_ONCE))
            .flatten();
        ResponseCache(doorkeeper.map(|doorkeeper| {
            Arc::new(Mutex::new(Answers {
                lru: lru::LruCache::unbounded(),
                bytes: 0,
                budget: budget_bytes,
                doorkeeper,
            }))
        }))
    }

    pub fn get(&self, key: &AnswerKey) -> Option<Cached> {
        let cache = self.0.as_ref()?;
        let hit = cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .lru
            .get(key)
            .cloned();
        super::metrics::count_cache(hit.is_some());
        hit
    }

    pub fn put(&self, key: AnswerKey, body: Bytes, points: u64) {
        let Some(cache) = &self.0 else { return };
        let mut answers = cache.lock().unwrap_or_else(PoisonError::into_inner);
        let cost = charge(&key, &body);
        // An answer larger than the budget would evict everything and still not fit.
        if cost > answers.budget || !answers.doorkeeper.admits(&key) {
            return;
        }
        // A body of its own size: the answer's buffer may have twice the room (a `Vec`
        // grown by doubling), which the budget would not see.
        let body = Bytes::copy_from_slice(&body);
        // A request body's bytes may be a slice of the connection's read buffer, which the
        // entry would keep whole.
        let key = match key {
            AnswerKey::Body { bytes, today } => AnswerKey::Body {
                bytes: Bytes::copy_from_slice(&bytes),
                today,
            },
            parameters => parameters,
        };
        if let Some((old_key, old)) = answers.lru.push(key, Cached { body, cost: points }) {
            answers.bytes -= charge(&old_key, &old.body);
        }
        answers.bytes += cost;
        while answers.bytes > answers.budget {
            match answers.lru.pop_lru() {
                Some((old_key, old)) => answers.bytes -= charge(&old_key, &old.body),
                None => break,
            }
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
        let key = |n: u32| {
            AnswerKey::Parameters(CacheKey {
                query: format!("{{ q{n} }}"),
                persisted: None,
                operation: None,
                variables: "{}".into(),
                today: NaiveDate::default(),
            })
        };
        let body = |n: u32| Bytes::from(vec![b'0' + n as u8; 100]);
        // Room for two entries of 100 + 7 + 2 + 64 bytes, not three.
        let cache = ResponseCache::new(2 * 173 + 100);
        for n in 0..3 {
            cache.put(key(n), body(n), 7);
            // Kept the second time only.
            assert!(cache.get(&key(n)).is_none());
            cache.put(key(n), body(n), 7);
        }
        assert_eq!(cache.get(&key(0)).map(|cached| cached.body), None);
        assert_eq!(cache.get(&key(1)).map(|cached| cached.body), Some(body(1)));
        assert_eq!(cache.get(&key(2)).map(|cached| cached.body), Some(body(2)));
        assert_eq!(cache.get(&key(2)).map(|cached| cached.cost), Some(7));
        // Replacing an entry charges it once.
        cache.put(key(2), body(2), 7);
        cache.put(key(2), body(2), 7);
        assert_eq!(cache.get(&key(1)).map(|cached| cached.body), Some(body(1)));
        // Too large for the budget: not kept, and nothing evicted for it.
        cache.put(key(3), Bytes::from(vec![b'x'; 1_000]), 7);
        cache.put(key(3), Bytes::from(vec![b'x'; 1_000]), 7);
        assert_eq!(cache.get(&key(3)).map(|cached| cached.body), None);
        assert_eq!(cache.get(&key(1)).map(|cached| cached.body), Some(body(1)));
        let off = ResponseCache::new(0);
        off.put(key(1), Bytes::from("1"), 7);
        assert!(off.get(&key(1)).is_none());
    }
}
