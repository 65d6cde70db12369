//! [`StoredEntries`]: the entries of a modelled disk, kept as the shared runs ([`SharedEntries`])
//! that the Ready batches handed out, so persisting a batch stores a pointer instead of
//! copying every entry (the leader persists the run it broadcast; a follower the run it
//! received).

use std::fmt;
use std::ops::Index;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::message::{Entry, SharedEntries};

/// One stored run: `shared[lo..hi]`, which ends at position `end` of the whole sequence.
#[derive(Clone)]
struct Span {
    shared: SharedEntries,
    lo: usize,
    hi: usize,
    end: usize,
}

impl Span {
    fn entries(&self) -> &[Entry] {
        &self.shared[self.lo..self.hi]
    }
}

/// A sequence of entries stored as shared runs. Reads like a list (`len`, `get`, `iter`,
/// `first`, `last`, indexing by position); compares, debug-prints and serializes exactly like
/// a `Vec<Entry>` with the same entries, whatever the runs.
#[derive(Clone, Default)]
pub struct StoredEntries {
    spans: Vec<Span>,
}

impl StoredEntries {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.spans.last().map_or(0, |s| s.end)
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The entry at position `pos` (0-based), if any.
    pub fn get(&self, pos: usize) -> Option<&Entry> {
        let i = self.spans.partition_point(|s| s.end <= pos);
        let s = self.spans.get(i)?;
        let start = s.end - (s.hi - s.lo);
        s.entries().get(pos - start)
    }

    /// The first entry.
    pub fn first(&self) -> Option<&Entry> {
        self.spans.first().and_then(|s| s.entries().first())
    }

    /// The last entry.
    pub fn last(&self) -> Option<&Entry> {
        self.spans.last().and_then(|s| s.entries().last())
    }

    /// The entries in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Entry> + '_ {
        self.spans.iter().flat_map(Span::entries)
    }

    /// The entries as an owned vector (clones each entry; the payloads stay shared).
    pub fn to_vec(&self) -> Vec<Entry> {
        let mut v = Vec::with_capacity(self.len());
        for s in &self.spans {
            v.extend_from_slice(s.entries());
        }
        v
    }

    /// Appends a run without copying its entries.
    pub fn push(&mut self, run: SharedEntries) {
        if run.is_empty() {
            return;
        }
        let (lo, hi) = (0, run.len());
        let end = self.len() + hi;
        self.spans.push(Span {
            shared: run,
            lo,
            hi,
            end,
        });
    }

    /// Keeps the first `len` entries.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len() {
            return;
        }
        let i = self.spans.partition_point(|s| s.end <= len);
        self.spans.truncate(i + 1);
        let s = self
            .spans
            .last_mut()
            .expect("len < total, so span i exists");
        let cut = s.end - len;
        s.hi -= cut;
        s.end = len;
        if s.hi == s.lo {
            self.spans.pop();
        }
    }

    /// Drops the first `n` entries (all of them if there are fewer).
    pub fn remove_front(&mut self, n: usize) {
        if n >= self.len() {
            self.clear();
            return;
        }
        let i = self.spans.partition_point(|s| s.end <= n);
        self.spans.drain(..i);
        let first = &mut self.spans[0];
        let start = first.end - (first.hi - first.lo);
        first.lo += n - start;
        for s in &mut self.spans {
            s.end -= n;
        }
    }

    /// Drops every entry.
    pub fn clear(&mut self) {
        self.spans.clear();
    }
}

impl Index<usize> for StoredEntries {
    type Output = Entry;
    fn index(&self, pos: usize) -> &Entry {
        self.get(pos)
            .unwrap_or_else(|| panic!("stored entry {pos} out of range (len {})", self.len()))
    }
}

impl From<Vec<Entry>> for StoredEntries {
    fn from(v: Vec<Entry>) -> Self {
        let mut s = StoredEntries::default();
        s.push(SharedEntries::from(v));
        s
    }
}

impl FromIterator<Entry> for StoredEntries {
    fn from_iter<I: IntoIterator<Item = Entry>>(iter: I) -> Self {
        StoredEntries::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl PartialEq for StoredEntries {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for StoredEntries {}

impl fmt::Debug for StoredEntries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for StoredEntries {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for StoredEntries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<Entry>::deserialize(d).map(StoredEntries::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::message::EntryPayload;

    fn run(lo: u64, hi: u64) -> SharedEntries {
        (lo..=hi)
            .map(|index| Entry {
                index,
                term: 1,
                payload: EntryPayload::Noop,
            })
            .collect()
    }

    fn indices(s: &StoredEntries) -> Vec<u64> {
        s.iter().map(|e| e.index).collect()
    }

    #[test]
    fn runs_read_as_one_sequence() {
        let mut s = StoredEntries::default();
        s.push(run(1, 3));
        s.push(SharedEntries::default());
        s.push(run(4, 5));
        assert_eq!(s.len(), 5);
        assert_eq!(indices(&s), vec![1, 2, 3, 4, 5]);
        assert_eq!((s[0].index, s[3].index, s[4].index), (1, 4, 5));
        assert_eq!(s.get(5), None);
        assert_eq!(
            (s.first().map(|e| e.index), s.last().map(|e| e.index)),
            (Some(1), Some(5))
        );
        assert_eq!(s, StoredEntries::from(run(1, 5).to_vec()));
        assert_eq!(format!("{s:?}"), format!("{:?}", run(1, 5).to_vec()));
    }

    #[test]
    fn truncate_and_remove_front_cut_inside_runs() {
        let mut s = StoredEntries::default();
        for (lo, hi) in [(1, 3), (4, 6), (7, 9)] {
            s.push(run(lo, hi));
        }
        s.truncate(5);
        assert_eq!(indices(&s), vec![1, 2, 3, 4, 5]);
        s.truncate(3);
        assert_eq!(indices(&s), vec![1, 2, 3]);
        s.push(run(4, 6));
        s.remove_front(4);
        assert_eq!(indices(&s), vec![5, 6]);
        assert_eq!(s[0].index, 5);
        s.remove_front(9);
        assert!(s.is_empty() && s.first().is_none());
    }
}
