//! Lets a key into a cache only the second time it comes (the "doorkeeper" of TinyLFU). A
//! stream of keys that never come back, such as queries with a fresh alias in each, then costs
//! the caches a hash per key instead of an entry per key: measured under such load, the parsed
//! documents and answers they kept had grown the server from 25 to 79 MB (BENCHMARKS.md).
//! Used by the cache of parsed documents and by the response cache.

use std::hash::{BuildHasher, Hash, RandomState};

/// The keys seen once and not let in yet, as hashes in a table of fixed size, each in the slot
/// its hash picks (a newer key takes an older one's slot). Fixed, so that noting a key never
/// allocates: under a stream of new keys, small allocations that live on between the large,
/// short-lived answers would keep the heap's freed pages from going back to the system.
pub struct Doorkeeper {
    slots: Box<[u64]>,
    /// Keyed per process, so nobody can craft keys whose hashes collide. A collision would
    /// only let a key in on its first time.
    hasher: RandomState,
}

/// An empty slot; no key's hash is (see [`Doorkeeper::hash`]).
const EMPTY: u64 = 0;

impl Doorkeeper {
    /// A doorkeeper with room for `capacity` keys seen once; none when 0.
    pub fn new(capacity: usize) -> Option<Doorkeeper> {
        (capacity > 0).then(|| Doorkeeper {
            slots: vec![EMPTY; capacity].into_boxed_slice(),
            hasher: RandomState::new(),
        })
    }

    /// Whether `key` may go in: it came before and was not let in then. Otherwise notes it.
    pub fn admits(&mut self, key: &impl Hash) -> bool {
        let hash = self.hash(key);
        let slot = (hash % self.slots.len() as u64) as usize;
        if self.slots[slot] == hash {
            self.slots[slot] = EMPTY;
            return true;
        }
        self.slots[slot] = hash;
        false
    }

    fn hash(&self, key: &impl Hash) -> u64 {
        self.hasher.hash_one(key).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_goes_in_the_second_time_it_comes_unless_another_took_its_slot() {
        let Some(mut doorkeeper) = Doorkeeper::new(1) else {
            panic!("a capacity of 1 makes a doorkeeper");
        };
        assert!(!doorkeeper.admits(&"a"));
        assert!(doorkeeper.admits(&"a"));
        // Let in, it is forgotten: a third time counts as a first.
        assert!(!doorkeeper.admits(&"a"));
        // Another key takes the only slot.
        assert!(!doorkeeper.admits(&"b"));
        assert!(!doorkeeper.admits(&"a"));
        assert!(Doorkeeper::new(0).is_none());

        // With room, keys wait for their second coming side by side (nearly all: two may share
        // a slot, and then both lose it; 20 keys in 4,096 slots rarely share one).
        let Some(mut roomy) = Doorkeeper::new(4096) else {
            panic!("a capacity of 4096 makes a doorkeeper");
        };
        let keys: Vec<String> = (0..100)
            .map(|n| format!("{{ a{n}: regions {{ name }} }}"))
            .collect();
        assert!(keys.iter().all(|key| !roomy.admits(key)));
        let admitted = keys.iter().filter(|key| roomy.admits(key)).count();
        assert!(admitted >= 14, "{admitted} of 20");
    }
}
