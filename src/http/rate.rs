//! A budget over time per client (off by default): a leaky bucket of points per client, where
//! an operation's points are its requested cost (the complexity the admission charged). The
//! bucket holds at most `burst` points and leaks `points_per_second`; an operation that would
//! overflow it is refused with 429, `Retry-After` and `RATE_LIMITED`, before it runs.
//!
//! A client is its address (the connection's peer) or the value of a header (an API key, or
//! `X-Real-IP` set by a proxy in front). Each process keeps its own buckets, in an LRU of
//! [`CLIENTS`] entries: behind a load balancer with N replicas a client may spend up to N
//! times the rate, so the per-client limit at the edge is nginx's `limit_req`
//! (`deploy/nginx/nginx.conf`), and this one guards each replica.

use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderName};

use super::server::Connection;

/// How many clients' buckets are kept; the least recently seen are forgotten (their next
/// request starts with an empty bucket).
pub const CLIENTS: usize = 65_536;

/// Settings of the rate limit.
#[derive(Debug, Clone, PartialEq)]
pub struct RateSettings {
    /// Points a client's bucket leaks each second.
    pub points_per_second: f64,
    /// Points a client's bucket holds: the most it may spend at once.
    pub burst: u64,
    /// Who a client is.
    pub key: RateKey,
}

/// Who a client is, for its bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RateKey {
    /// The connection's peer address (without the port).
    Address,
    /// The value of this request header; requests without it share one bucket.
    Header(HeaderName),
}

/// The buckets of every client.
pub(crate) struct RateLimiter {
    settings: RateSettings,
    buckets: Mutex<lru::LruCache<String, Bucket>>,
}

/// What a client has spent: its level when last charged.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    level: f64,
    at: Instant,
}

impl RateLimiter {
    pub(crate) fn new(settings: RateSettings) -> RateLimiter {
        RateLimiter {
            settings,
            buckets: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(CLIENTS).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }

    /// The client a request comes from.
    pub(crate) fn client(&self, headers: &HeaderMap, connection: Option<&Connection>) -> String {
        match &self.settings.key {
            RateKey::Address => connection
                .map(|connection| connection.peer.ip().to_string())
                .unwrap_or_default(),
            RateKey::Header(name) => headers
                .get(name)
                .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
                .unwrap_or_default(),
        }
    }

    /// Takes `points` from `client`'s budget, or says how long until it has them. An operation
    /// dearer than the burst is charged the burst: it needs a full bucket.
    pub(crate) fn charge(&self, client: &str, points: u64) -> Result<(), Duration> {
        self.charge_at(client, points, Instant::now())
    }

    fn charge_at(&self, client: &str, points: u64, now: Instant) -> Result<(), Duration> {
        let burst = self.settings.burst as f64;
        let rate = self.settings.points_per_second;
        let points = (points as f64).min(burst);
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let bucket = buckets.get_or_insert_mut(client.to_owned(), || Bucket {
            level: 0.0,
            at: now,
        });
        let leaked = now.saturating_duration_since(bucket.at).as_secs_f64() * rate;
        let level = (bucket.level - leaked).max(0.0);
        if level + points > burst {
            let wait = if rate > 0.0 {
                (level + points - burst) / rate
            } else {
                f64::from(u32::MAX)
            };
            bucket.level = level;
            bucket.at = now;
            return Err(Duration::from_secs_f64(wait.min(f64::from(u32::MAX))));
        }
        bucket.level = level + points;
        bucket.at = now;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_leaks_its_rate_and_holds_its_burst() {
        let limiter = RateLimiter::new(RateSettings {
            points_per_second: 100.0,
            burst: 1_000,
            key: RateKey::Address,
        });
        let start = Instant::now();
        assert!(limiter.charge_at("a", 600, start).is_ok());
        assert!(limiter.charge_at("a", 400, start).is_ok());
        // Full: 300 more points need 3 s of leaking.
        let wait = limiter.charge_at("a", 300, start).unwrap_err();
        assert_eq!(wait, Duration::from_secs(3));
        // Another client has a bucket of its own.
        assert!(limiter.charge_at("b", 1_000, start).is_ok());
        // Three seconds later it fits.
        assert!(
            limiter
                .charge_at("a", 300, start + Duration::from_secs(3))
                .is_ok()
        );
        // Dearer than the burst: charged the burst, so it waits for an empty bucket.
        let later = start + Duration::from_secs(100);
        assert!(limiter.charge_at("a", 50_000, later).is_ok());
        assert_eq!(
            limiter.charge_at("a", 1, later).unwrap_err(),
            Duration::from_millis(10)
        );
    }
}
