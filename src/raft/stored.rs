//! [`StoredEntries`]: a sequence of entries kept as the shared runs ([`SharedEntries`]) they
//! arrived in. A server's log and its modelled disk both use it, so appending a received run,
//! sending a range, persisting it and handing it out copy pointers, not entries.

use std::fmt;
use std::ops::Index;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::message::{Entry, SharedEntries};

/// One stored run, which ends at position `end` of the whole sequence.
#[derive(Clone)]
struct Span {
    run: SharedEntries,
    end: usize,
}

impl Span {
    #[inline]
    fn start(&self) -> usize {
        self.end - self.run.len()
    }
}

/// A sequence of entries stored as shared runs. Reads like a list (`len`, `get`, `iter`,
/// `first`, `last`, indexing by position); compares, debug-prints and serializes exactly like
/// a `Vec<Entry>` with the same entries, whatever the runs.
#[derive(Clone, Default)]
pub struct StoredEntries {
    /// Never holds an empty run.
    spans: Vec<Span>,
    /// Number of entries (the last span's `end`), kept apart: it is read on every lookup.
    len: usize,
}

impl StoredEntries {
    /// Number of entries.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Index of the span holding position `pos` (`spans.len()` past the end). Most lookups
    /// are near the end (the last entry, the one before a new run), so the last few spans
    /// are tried before a binary search.
    #[inline]
    fn span_of(&self, pos: usize) -> usize {
        if pos >= self.len() {
            return self.spans.len();
        }
        for (i, s) in self.spans.iter().enumerate().rev().take(4) {
            if pos >= s.start() {
                return i;
            }
        }
        self.spans.partition_point(|s| s.end <= pos)
    }

    /// The entry at position `pos` (0-based), if any.
    #[inline]
    pub fn get(&self, pos: usize) -> Option<&Entry> {
        let s = self.spans.get(self.span_of(pos))?;
        s.run.get(pos - s.start())
    }

    /// The first entry.
    pub fn first(&self) -> Option<&Entry> {
        self.spans.first().and_then(|s| s.run.first())
    }

    /// The last entry.
    pub fn last(&self) -> Option<&Entry> {
        self.spans.last().and_then(|s| s.run.last())
    }

    /// The entries in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Entry> + '_ {
        self.spans.iter().flat_map(|s| s.run.iter())
    }

    /// The entries at positions `lo..hi` (clamped to the sequence), in order.
    pub fn iter_range(&self, lo: usize, hi: usize) -> impl DoubleEndedIterator<Item = &Entry> {
        let hi = hi.min(self.len());
        let lo = lo.min(hi);
        let (first, last) = if lo < hi {
            (self.span_of(lo), self.span_of(hi - 1) + 1)
        } else {
            (0, 0)
        };
        self.spans[first..last].iter().flat_map(move |s| {
            let start = s.start();
            &s.run[lo.saturating_sub(start)..(hi - start).min(s.run.len())]
        })
    }

    /// The entries at positions `lo..hi` as one run: a window onto the stored run when one
    /// holds them all (no copy), otherwise a new run of clones.
    pub fn run(&self, lo: usize, hi: usize) -> SharedEntries {
        assert!(
            lo <= hi && hi <= self.len(),
            "run {lo}..{hi} of {}",
            self.len()
        );
        if lo == hi {
            return SharedEntries::default();
        }
        let s = &self.spans[self.span_of(lo)];
        if hi <= s.end {
            return s.run.window(lo - s.start(), hi - s.start());
        }
        self.iter_range(lo, hi).cloned().collect()
    }

    /// The entries as an owned vector (clones each entry; the payloads stay shared).
    pub fn to_vec(&self) -> Vec<Entry> {
        let mut v = Vec::with_capacity(self.len());
        for s in &self.spans {
            v.extend_from_slice(&s.run);
        }
        v
    }

    /// Appends a run without copying its entries.
    pub fn push(&mut self, run: SharedEntries) {
        if run.is_empty() {
            return;
        }
        self.len += run.len();
        let end = self.len;
        self.spans.push(Span { run, end });
    }

    /// Appends one entry as a run of its own.
    pub fn push_entry(&mut self, e: Entry) {
        self.push(SharedEntries::one(e));
    }

    /// Keeps the first `len` entries.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len() {
            return;
        }
        let i = self.span_of(len);
        self.spans.truncate(i + 1);
        let s = &mut self.spans[i];
        let keep = len - s.start();
        if keep == 0 {
            self.spans.pop();
        } else {
            s.run = s.run.window(0, keep);
            s.end = len;
        }
        self.len = len;
    }

    /// Drops the first `n` entries (all of them if there are fewer).
    pub fn remove_front(&mut self, n: usize) {
        if n >= self.len() {
            self.clear();
            return;
        }
        let i = self.span_of(n);
        self.spans.drain(..i);
        let first = &mut self.spans[0];
        let skip = n - first.start();
        first.run = first.run.window(skip, first.run.len());
        for s in &mut self.spans {
            s.end -= n;
        }
        self.len -= n;
    }

    /// Drops every entry.
    pub fn clear(&mut self) {
        self.spans.clear();
        self.len = 0;
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
    fn runs_handed_out_do_not_change_with_the_sequence() {
        let mut s = StoredEntries::default();
        s.push_entry(run(1, 1)[0].clone());
        s.push_entry(run(2, 2)[0].clone());
        let sent = s.run(0, 2);
        s.push_entry(run(3, 3)[0].clone());
        assert_eq!(indices(&s), vec![1, 2, 3]);
        s.truncate(1);
        s.push_entry(run(2, 2)[0].clone());
        assert_eq!(indices(&s), vec![1, 2]);
        assert_eq!(sent.iter().map(|e| e.index).collect::<Vec<_>>(), vec![1, 2]);
    }

    #[test]
    fn truncate_and_remove_front_cut_inside_runs() {
        let mut s = StoredEntries::default();
        for (lo, hi) in [(1, 3), (4, 6), (7, 9)] {
            s.push(run(lo, hi));
        }
        s.truncate(5);
        assert_eq!((indices(&s), s.len()), (vec![1, 2, 3, 4, 5], 5));
        s.truncate(3);
        assert_eq!((indices(&s), s.len()), (vec![1, 2, 3], 3));
        s.push(run(4, 6));
        assert_eq!(
            s.run(1, 3).iter().map(|e| e.index).collect::<Vec<_>>(),
            vec![2, 3]
        );
        assert_eq!(
            s.run(2, 5).iter().map(|e| e.index).collect::<Vec<_>>(),
            vec![3, 4, 5]
        );
        let tail: Vec<u64> = s.iter_range(2, 9).rev().map(|e| e.index).collect();
        assert_eq!(tail, vec![6, 5, 4, 3]);
        s.remove_front(4);
        assert_eq!((indices(&s), s.len()), (vec![5, 6], 2));
        assert_eq!(s[0].index, 5);
        s.remove_front(9);
        assert!(s.is_empty() && s.first().is_none());
        assert_eq!(s.len(), 0);
    }
}
