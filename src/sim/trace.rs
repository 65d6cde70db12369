//! The trace: one compact line per event, a bounded ring of recent lines and a running hash
//! of every line ever written (so two runs compare by one number).

use std::collections::VecDeque;

/// FNV-1a 64-bit offset basis.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV-1a 64-bit prime.
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Recent trace lines plus the hash of all of them.
#[derive(Debug, Clone)]
pub struct Trace {
    lines: VecDeque<String>,
    capacity: u32,
    hash: u64,
    written: u64,
}

impl Trace {
    /// An empty trace keeping the last `capacity` lines.
    pub fn new(capacity: u32) -> Self {
        Trace {
            lines: VecDeque::new(),
            capacity,
            hash: FNV_OFFSET,
            written: 0,
        }
    }

    /// Appends a line (the hash covers its bytes and a terminating newline).
    pub fn push(&mut self, line: String) {
        for &b in line.as_bytes().iter().chain(b"\n") {
            self.hash ^= u64::from(b);
            self.hash = self.hash.wrapping_mul(FNV_PRIME);
        }
        self.written += 1;
        if self.capacity == 0 {
            return;
        }
        if self.lines.len() as u64 >= u64::from(self.capacity) {
            self.lines.pop_front();
        }
        self.lines.push_back(line);
    }

    /// FNV-1a over every line written so far.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// Number of lines written so far (including those no longer kept).
    pub fn written(&self) -> u64 {
        self.written
    }

    /// A copy with the same hash and count that keeps only the last `keep` lines (what a
    /// time-travel checkpoint stores; replaying from it refills the ring).
    pub fn clone_tail(&self, keep: usize) -> Trace {
        let skip = self.lines.len().saturating_sub(keep);
        Trace {
            lines: self.lines.iter().skip(skip).cloned().collect(),
            capacity: self.capacity,
            hash: self.hash,
            written: self.written,
        }
    }

    /// The kept lines, oldest first.
    pub fn lines(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.lines.iter().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_is_bounded_and_hash_covers_everything() {
        let mut a = Trace::new(2);
        let mut b = Trace::new(10);
        for l in ["x", "y", "z"] {
            a.push(l.to_string());
            b.push(l.to_string());
        }
        assert_eq!(a.lines().collect::<Vec<_>>(), vec!["y", "z"]);
        assert_eq!(a.hash(), b.hash());
        assert_eq!(a.written(), 3);
        b.push("w".into());
        assert_ne!(a.hash(), b.hash());
    }
}
