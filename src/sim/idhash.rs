//! A hasher for maps keyed by the world's sequential ids (message ids, event sequence
//! numbers): one multiplication instead of SipHash.
//!
//! Such maps are only looked up, never iterated in an order that decides anything (every
//! ordered view sorts by key first), so the run stays a function of the seed alone.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` from a sequential `u64` id.
pub(crate) type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

/// Fibonacci hashing of one `u64`: consecutive ids spread over both the low bits (bucket)
/// and the high bits (control byte) of the hash.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_u64(&mut self, id: u64) {
        self.0 = (self.0 ^ id).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_by_id_work_like_any_map() {
        let mut m: IdMap<u64> = IdMap::default();
        for id in 0..1000 {
            m.insert(id, id * 2);
        }
        for id in (0..1000).step_by(2) {
            m.remove(&id);
        }
        assert_eq!(m.len(), 500);
        assert_eq!(m.get(&7), Some(&14));
        assert_eq!(m.get(&8), None);
    }
}
