//! Lets a key into a cache only the second time it comes (the "doorkeeper" of TinyLFU). A
//! stream of keys that never come back, such as queries with a fresh alias in each, then costs
//! the caches a hash per key instead of an entry per key: measured under such load, the parsed
//! documents and answers they kept had grown the server from 25 to 79 MB (BENCHMARKS.md).
//! Used by the cache of parsed documents and by the response cache.

use std::hash::{BuildHasher, Hash, RandomState};
use std::num::NonZeroUsize;

use lru::LruCache;

/// The keys seen once and not let in yet, by hash (the most recent `capacity` of them).
pub struct Doorkeeper {
    seen_once: LruCache<u64, ()>,
    /// Keyed per process, so nobody can craft keys whose hashes collide. A collision would
    /// only let a key in on its first time.
    hasher: RandomState,
}

impl Doorkeeper {
    /// A doorkeeper that remembers up to `capacity` keys seen once; none when 0.
    pub fn new(capacity: usize) -> Option<Doorkeeper> {
        NonZeroUsize::new(capacity).map(|capacity| Doorkeeper {
            seen_once: LruCache::new(capacity),
            hasher: RandomState::new(),
        })
    }

    /// Whether `key` may go in: it came before and was not let in then. Otherwise notes it.
    pub fn admits(&mut self, key: &impl Hash) -> bool {
        let hash = self.hasher.hash_one(key);
        if self.seen_once.pop(&hash).is_some() {
            return true;
        }
        self.seen_once.put(hash, ());
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_goes_in_the_second_time_it_comes_within_the_memory() {
        let Some(mut doorkeeper) = Doorkeeper::new(2) else {
            panic!("a capacity of 2 makes a doorkeeper");
        };
        assert!(!doorkeeper.admits(&"a"));
        assert!(doorkeeper.admits(&"a"));
        // Let in, it is forgotten: a third time counts as a first.
        assert!(!doorkeeper.admits(&"a"));
        // Two other keys push it out of a memory of two.
        assert!(!doorkeeper.admits(&"b"));
        assert!(!doorkeeper.admits(&"c"));
        assert!(!doorkeeper.admits(&"a"));
        assert!(Doorkeeper::new(0).is_none());
    }
}
