//! The replicated log of one server: a snapshot base followed by entries (paper §5.3, thesis
//! §5 for compaction), with the volatile commit/apply cursors and the persistence cursor.

use serde::{Deserialize, Serialize};

use super::membership::Configuration;
use super::message::{AppendReject, AppendRejectReason, Entry, SharedEntries, Snapshot};
use super::stored::StoredEntries;

/// A server's log.
///
/// Invariants: `entries[i].index == snapshot.last_included_index + 1 + i`;
/// `snapshot.last_included_index <= last_applied <= commit_index <= last_index()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaftLog {
    snapshot: Snapshot,
    entries: StoredEntries,
    commit_index: u64,
    last_applied: u64,
    /// Entries from this index on have not yet been handed out for persistence.
    unstable_from: u64,
    /// The snapshot has not yet been handed out for persistence.
    snapshot_unstable: bool,
}

/// Outcome of [`RaftLog::maybe_append`] when the consistency check passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// Index of the last entry known to match the leader (prev_log_index + entries).
    pub last_new_index: u64,
    /// Lowest index whose entry was replaced (conflict truncation), if any.
    pub truncated_from: Option<u64>,
}

impl RaftLog {
    /// A log whose base is `snapshot` plus `entries` following it (a `Vec<Entry>`, or the
    /// [`StoredEntries`] of a disk, whose runs the log then shares). Commit and apply cursors
    /// start at the snapshot (they are volatile, Figure 2). Nothing is unstable.
    pub fn restore(snapshot: Snapshot, entries: impl Into<StoredEntries>) -> Self {
        let entries = entries.into();
        let base = snapshot.last_included_index;
        for (i, e) in entries.iter().enumerate() {
            assert!(
                e.index == base + 1 + i as u64,
                "restored entries must follow the snapshot"
            );
        }
        let unstable_from = base + 1 + entries.len() as u64;
        RaftLog {
            snapshot,
            entries,
            commit_index: base,
            last_applied: base,
            unstable_from,
            snapshot_unstable: false,
        }
    }

    /// The snapshot the log starts from.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// The retained entries.
    pub fn entries(&self) -> &StoredEntries {
        &self.entries
    }

    /// Index of the first retained entry (one past the snapshot).
    pub fn first_index(&self) -> u64 {
        self.snapshot.last_included_index + 1
    }

    /// Index of the last entry (or of the snapshot when no entry is retained).
    pub fn last_index(&self) -> u64 {
        self.snapshot.last_included_index + self.entries.len() as u64
    }

    /// Term of the last entry (or of the snapshot).
    pub fn last_term(&self) -> u64 {
        self.entries
            .last()
            .map_or(self.snapshot.last_included_term, |e| e.term)
    }

    /// Highest index known committed. Volatile.
    pub fn commit_index(&self) -> u64 {
        self.commit_index
    }

    /// Highest index handed to the state machine. Volatile.
    pub fn last_applied(&self) -> u64 {
        self.last_applied
    }

    /// The term of the entry at `index`, if known (the snapshot's last entry counts).
    pub fn term(&self, index: u64) -> Option<u64> {
        let base = self.snapshot.last_included_index;
        if index == base {
            return Some(self.snapshot.last_included_term);
        }
        if index < base || index > self.last_index() {
            return None;
        }
        Some(self.entries[(index - base - 1) as usize].term)
    }

    /// The entry at `index`, if retained.
    pub fn entry(&self, index: u64) -> Option<&Entry> {
        let base = self.snapshot.last_included_index;
        if index <= base {
            return None;
        }
        self.entries.get((index - base - 1) as usize)
    }

    /// Whether a candidate's log (last term, last index) is at least as up to date as this
    /// one (§5.4.1): compare last terms, then lengths.
    pub fn is_up_to_date(&self, last_index: u64, last_term: u64) -> bool {
        (last_term, last_index) >= (self.last_term(), self.last_index())
    }

    /// Positions in `entries` of `lo..=hi`, at most `max` entries. `lo` must be retained.
    fn positions(&self, lo: u64, hi: u64, max: u64) -> (usize, usize) {
        if lo > hi {
            return (0, 0);
        }
        let base = self.snapshot.last_included_index;
        assert!(
            lo > base && hi <= self.last_index(),
            "slice {lo}..={hi} out of range"
        );
        let hi = hi.min(lo.saturating_add(max - 1));
        ((lo - base - 1) as usize, (hi - base) as usize)
    }

    /// Entries `lo..=hi`, borrowed, in order. `lo` must be retained.
    pub fn iter_range(&self, lo: u64, hi: u64) -> impl DoubleEndedIterator<Item = &Entry> {
        let (a, b) = self.positions(lo, hi, u64::MAX);
        self.entries.iter_range(a, b)
    }

    /// Entries `lo..=hi`, at most `max` of them, as a shared run: no copy when one stored
    /// run holds them (the usual case). `lo` must be retained.
    pub fn run(&self, lo: u64, hi: u64, max: u64) -> SharedEntries {
        let (a, b) = self.positions(lo, hi, max);
        self.entries.run(a, b)
    }

    /// Clones entries `lo..=hi`, at most `max` of them. `lo` must be retained.
    pub fn slice(&self, lo: u64, hi: u64, max: u64) -> Vec<Entry> {
        let (a, b) = self.positions(lo, hi, max);
        self.entries.iter_range(a, b).cloned().collect()
    }

    /// Appends entries created by the leader. Panics if they do not follow the last entry.
    pub fn append(&mut self, entry: Entry) {
        assert!(
            entry.index == self.last_index() + 1,
            "leader append must extend the log"
        );
        self.entries.push_entry(entry);
    }

    /// Appends consecutive entries created by the leader as one run. Panics if they do not
    /// follow the last entry.
    pub fn append_run(&mut self, entries: Vec<Entry>) {
        let next = self.last_index() + 1;
        assert!(
            entries
                .iter()
                .enumerate()
                .all(|(i, e)| e.index == next + i as u64),
            "leader append must extend the log"
        );
        self.entries.push(SharedEntries::from(entries));
    }

    /// The AppendEntries receiver rules (§5.3): check the entry at `prev_log_index`, delete a
    /// conflicting suffix, append what is new. The new entries are stored as a window onto
    /// the message's run (shared, not copied).
    /// `allow_overwrite_committed` is only set by a deliberately buggy configuration;
    /// otherwise truncating a committed entry is a bug.
    pub fn maybe_append(
        &mut self,
        prev_log_index: u64,
        prev_log_term: u64,
        entries: &SharedEntries,
        allow_overwrite_committed: bool,
    ) -> Result<Appended, AppendReject> {
        match self.term(prev_log_index) {
            Some(t) if t == prev_log_term => {}
            found => return Err(self.reject(prev_log_index, prev_log_term, found)),
        }
        let last_new_index = prev_log_index + entries.len() as u64;
        let conflict = entries
            .iter()
            .position(|e| self.term(e.index) != Some(e.term));
        let mut truncated_from = None;
        if let Some(skip) = conflict {
            let at = entries[skip].index;
            if at <= self.last_index() {
                assert!(
                    at > self.commit_index || allow_overwrite_committed,
                    "§5.3: a committed entry ({at} <= commit {}) must never be overwritten",
                    self.commit_index
                );
                self.truncate_from(at);
                truncated_from = Some(at);
            }
            // Entries before `skip` are already in the log (same index and term).
            self.entries.push(entries.window(skip, entries.len()));
        }
        Ok(Appended {
            last_new_index,
            truncated_from,
        })
    }

    fn truncate_from(&mut self, index: u64) {
        let base = self.snapshot.last_included_index;
        assert!(index > base, "cannot truncate into the snapshot");
        self.entries.truncate((index - base - 1) as usize);
        self.unstable_from = self.unstable_from.min(index);
        self.commit_index = self.commit_index.min(index - 1);
        self.last_applied = self.last_applied.min(self.commit_index);
    }

    /// Builds the rejection with the fast back-up hint: the largest index `<= prev_log_index`
    /// whose term is `<= prev_log_term` (so the leader can skip a whole conflicting term).
    fn reject(&self, prev_log_index: u64, prev_log_term: u64, found: Option<u64>) -> AppendReject {
        let reason = match found {
            Some(follower_term) => AppendRejectReason::TermMismatch {
                prev_log_index,
                leader_term: prev_log_term,
                follower_term,
            },
            None => AppendRejectReason::MissingEntry {
                prev_log_index,
                last_index: self.last_index(),
            },
        };
        let (hint_index, hint_term) =
            self.find_conflict_by_term(prev_log_index.min(self.last_index()), prev_log_term);
        AppendReject {
            reason,
            rejected_index: prev_log_index,
            hint_index,
            hint_term,
        }
    }

    /// Largest index `i <= index` (and `>=` the snapshot index) with `term(i) <= term`,
    /// together with that term.
    pub fn find_conflict_by_term(&self, index: u64, term: u64) -> (u64, u64) {
        let base = self.snapshot.last_included_index;
        let mut i = index.min(self.last_index());
        while i > base {
            let t = self.term(i).expect("retained index");
            if t <= term {
                return (i, t);
            }
            i -= 1;
        }
        (base, self.snapshot.last_included_term)
    }

    /// Raises the commit index to `index` (never lowers it). Returns whether it moved.
    pub fn commit_to(&mut self, index: u64) -> bool {
        if index <= self.commit_index {
            return false;
        }
        assert!(
            index <= self.last_index(),
            "commit {index} beyond last {}",
            self.last_index()
        );
        self.commit_index = index;
        true
    }

    /// Sets both cursors (used by the keep-commit-across-crash bug on restart).
    pub fn force_commit_and_applied(&mut self, index: u64) {
        let index = index.min(self.last_index()).max(self.commit_index);
        self.commit_index = index;
        self.last_applied = index;
    }

    /// Entries committed but not yet applied; marks them applied (the caller applies them in
    /// the same Ready, before anything else happens).
    pub fn take_committed(&mut self) -> Vec<Entry> {
        if self.last_applied >= self.commit_index {
            return Vec::new();
        }
        let out = self.slice(self.last_applied + 1, self.commit_index, u64::MAX);
        self.last_applied = self.commit_index;
        out
    }

    /// Marks the committed entries applied without handing them out: the caller reads them
    /// in place (see [`crate::raft::Node::set_committed_entries_by_reference`]).
    pub fn skip_committed(&mut self) {
        self.last_applied = self.commit_index;
    }

    /// Whether something must be persisted.
    pub fn has_unstable(&self) -> bool {
        self.snapshot_unstable || self.unstable_from <= self.last_index()
    }

    /// Hands out the snapshot and entries not yet persisted; they count as persisted after.
    /// The entries are a window onto the stored runs (no copy when one run holds them).
    pub fn take_unstable(&mut self) -> (Option<Snapshot>, SharedEntries) {
        let snap = std::mem::take(&mut self.snapshot_unstable).then(|| self.snapshot.clone());
        let last = self.last_index();
        let entries = if self.unstable_from <= last {
            let lo = self.unstable_from.max(self.first_index());
            self.run(lo, last, u64::MAX)
        } else {
            SharedEntries::default()
        };
        self.unstable_from = last + 1;
        (snap, entries)
    }

    /// Marks the base snapshot as to be persisted (a fresh server's initial configuration).
    pub fn mark_snapshot_unstable(&mut self) {
        self.snapshot_unstable = true;
    }

    /// Replaces the log prefix through `snapshot.last_included_index` with `snapshot`
    /// (compaction, thesis §5.1). The index must be applied.
    pub fn compact(&mut self, snapshot: Snapshot) {
        let index = snapshot.last_included_index;
        assert!(index <= self.last_applied && index > self.snapshot.last_included_index);
        assert!(self.term(index) == Some(snapshot.last_included_term));
        let drop = (index - self.snapshot.last_included_index) as usize;
        self.entries.remove_front(drop);
        self.snapshot = snapshot;
        self.snapshot_unstable = true;
    }

    /// Installs a snapshot received from the leader (thesis §5.1 InstallSnapshot receiver):
    /// keeps the suffix when the log has the snapshot's last entry, otherwise discards the
    /// whole log. Commit and apply cursors move to the snapshot. Returns whether a suffix was
    /// kept.
    pub fn install_snapshot(&mut self, snapshot: Snapshot) -> bool {
        let index = snapshot.last_included_index;
        assert!(
            index > self.commit_index,
            "only snapshots beyond the commit index install"
        );
        let keep = self.term(index) == Some(snapshot.last_included_term);
        if keep {
            let drop = (index - self.snapshot.last_included_index) as usize;
            self.entries.remove_front(drop);
            self.unstable_from = self.unstable_from.max(index + 1);
        } else {
            self.entries.clear();
            self.unstable_from = index + 1;
        }
        self.snapshot = snapshot;
        self.snapshot_unstable = true;
        self.commit_index = index;
        self.last_applied = index;
        keep
    }

    /// The latest configuration at or before `index` and the index of the entry that set it
    /// (the snapshot's index when it comes from the snapshot).
    pub fn configuration_at(&self, index: u64) -> (u64, &Configuration) {
        let base = self.snapshot.last_included_index;
        let hi = index.min(self.last_index());
        if hi > base {
            let upto = self.entries.iter_range(0, (hi - base) as usize);
            if let Some(e) = upto.rev().find(|e| e.config().is_some()) {
                return (e.index, &e.config().expect("config entry").configuration);
            }
        }
        (base, &self.snapshot.configuration)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::message::{Bytes, EntryPayload};

    fn ent(index: u64, term: u64) -> Entry {
        Entry {
            index,
            term,
            payload: EntryPayload::Command(Bytes::from(vec![index as u8])),
        }
    }

    fn run(entries: Vec<Entry>) -> SharedEntries {
        SharedEntries::from(entries)
    }

    fn snap(index: u64, term: u64) -> Snapshot {
        Snapshot {
            last_included_index: index,
            last_included_term: term,
            configuration: Configuration::with_voters(&[1, 2, 3]),
            data: Bytes::default(),
        }
    }

    fn log_with_terms(terms: &[u64]) -> RaftLog {
        let entries: Vec<Entry> = terms
            .iter()
            .enumerate()
            .map(|(i, &t)| ent(i as u64 + 1, t))
            .collect();
        RaftLog::restore(snap(0, 0), entries)
    }

    #[test]
    fn term_lookup_covers_snapshot_entries_and_out_of_range() {
        let log = RaftLog::restore(snap(3, 2), vec![ent(4, 2), ent(5, 3)]);
        assert_eq!(log.term(2), None);
        assert_eq!(log.term(3), Some(2));
        assert_eq!(log.term(5), Some(3));
        assert_eq!(log.term(6), None);
        assert_eq!(
            (log.first_index(), log.last_index(), log.last_term()),
            (4, 5, 3)
        );
    }

    #[test]
    fn up_to_date_compares_last_term_then_length() {
        let log = log_with_terms(&[1, 2, 2]);
        assert!(log.is_up_to_date(3, 2));
        assert!(log.is_up_to_date(1, 3));
        assert!(!log.is_up_to_date(2, 2));
        assert!(!log.is_up_to_date(9, 1));
    }

    #[test]
    fn append_rejects_missing_or_mismatched_prev_entry_with_hint() {
        let mut log = log_with_terms(&[1, 1, 2, 2]);
        let r = log.maybe_append(6, 2, &run(vec![]), false).unwrap_err();
        assert_eq!(
            r.reason,
            AppendRejectReason::MissingEntry {
                prev_log_index: 6,
                last_index: 4
            }
        );
        assert_eq!((r.hint_index, r.hint_term), (4, 2));
        let r = log.maybe_append(4, 3, &run(vec![]), false).unwrap_err();
        assert!(matches!(
            r.reason,
            AppendRejectReason::TermMismatch {
                follower_term: 2,
                ..
            }
        ));
        let r = log.maybe_append(4, 1, &run(vec![]), false).unwrap_err();
        assert_eq!(
            (r.hint_index, r.hint_term),
            (2, 1),
            "hint skips the whole term-2 run"
        );
    }

    #[test]
    fn append_truncates_conflicting_suffix_and_keeps_matching_prefix() {
        let mut log = log_with_terms(&[1, 1, 2, 2]);
        log.take_unstable();
        let ok = log
            .maybe_append(2, 1, &run(vec![ent(3, 2), ent(4, 3), ent(5, 3)]), false)
            .unwrap();
        assert_eq!(
            ok,
            Appended {
                last_new_index: 5,
                truncated_from: Some(4)
            }
        );
        let terms: Vec<u64> = log.entries().iter().map(|e| e.term).collect();
        assert_eq!(terms, vec![1, 1, 2, 3, 3]);
        let (_, unstable) = log.take_unstable();
        assert_eq!(
            unstable.iter().map(|e| e.index).collect::<Vec<_>>(),
            vec![4, 5]
        );
    }

    #[test]
    fn append_of_already_present_entries_changes_nothing() {
        let mut log = log_with_terms(&[1, 1, 2]);
        let ok = log
            .maybe_append(0, 0, &run(vec![ent(1, 1), ent(2, 1)]), false)
            .unwrap();
        assert_eq!(
            ok,
            Appended {
                last_new_index: 2,
                truncated_from: None
            }
        );
        assert_eq!(
            log.last_index(),
            3,
            "a stale append must not truncate the log"
        );
    }

    #[test]
    #[should_panic(expected = "committed entry")]
    fn truncating_a_committed_entry_is_a_bug() {
        let mut log = log_with_terms(&[1, 1]);
        log.commit_to(2);
        let _ = log.maybe_append(1, 1, &run(vec![ent(2, 5)]), false);
    }

    #[test]
    fn compaction_keeps_terms_and_suffix() {
        let mut log = log_with_terms(&[1, 1, 2, 2]);
        log.commit_to(3);
        assert_eq!(log.take_committed().len(), 3);
        log.compact(snap(3, 2));
        assert_eq!((log.first_index(), log.last_index()), (4, 4));
        assert_eq!(log.term(3), Some(2));
        assert_eq!(
            log.find_conflict_by_term(4, 1),
            (3, 2),
            "never goes below the snapshot"
        );
    }

    #[test]
    fn installing_a_snapshot_keeps_a_matching_suffix_or_discards_the_log() {
        let mut log = log_with_terms(&[1, 1, 2, 2]);
        assert!(log.install_snapshot(snap(3, 2)));
        assert_eq!(
            (log.last_index(), log.commit_index(), log.last_applied()),
            (4, 3, 3)
        );
        let mut log = log_with_terms(&[1, 1, 2, 2]);
        assert!(!log.install_snapshot(snap(3, 3)));
        assert_eq!((log.first_index(), log.last_index()), (4, 3));
    }
}
