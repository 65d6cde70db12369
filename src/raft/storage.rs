//! What a server must persist, the output batch ([`Ready`]) and a model of a disk
//! ([`DurableState`]) (paper Figure 2 "persistent state", thesis §3.8).

use serde::{Deserialize, Serialize};

use super::event::Event;
use super::message::{Entry, Message, NodeId, SharedEntries, Snapshot};
use super::stored::StoredEntries;

/// The persistent scalar state (Figure 2): `current_term` and `voted_for`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HardState {
    /// Latest term the server has seen.
    pub current_term: u64,
    /// Candidate voted for in `current_term`.
    pub voted_for: Option<NodeId>,
    /// Only written when [`crate::raft::Bugs::keep_commit_across_crash`] is on (0 otherwise):
    /// Figure 2 keeps the commit index volatile.
    pub commit_index: u64,
}

/// The part of a [`Ready`] that must be durable before its messages are sent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PersistBatch {
    /// New term/vote, if changed.
    pub hard_state: Option<HardState>,
    /// A new snapshot (from compaction or from the leader); persist it before `entries`.
    /// Entries it covers are discarded; a retained suffix is kept only if the log has the
    /// snapshot's last entry with the same term.
    pub snapshot: Option<Snapshot>,
    /// Entries to write. Any persisted entry at or after `entries[0].index` is replaced
    /// (conflict truncation, §5.3). Usually the very run the leader broadcast or the follower
    /// received, so storing it shares the entries instead of copying them.
    pub entries: SharedEntries,
}

impl PersistBatch {
    /// Whether there is nothing to persist.
    pub fn is_empty(&self) -> bool {
        self.hard_state.is_none() && self.snapshot.is_none() && self.entries.is_empty()
    }
}

/// A confirmed linearizable read (thesis §6.4): once the state machine has applied `index`
/// (it has, after applying the Ready that carries this), the read can be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadState {
    /// The caller's request id.
    pub ctx: u64,
    /// The read index.
    pub index: u64,
}

/// Everything a server produced since the last call of [`crate::raft::Node::ready`].
///
/// The caller must handle it in this order:
/// 1. persist `persist` (e.g. with [`DurableState::apply`]);
/// 2. send `messages` (only now: votes and log entries they acknowledge are durable);
/// 3. if `snapshot_to_install` is set, load it into the state machine;
/// 4. apply `committed_entries` in order;
/// 5. serve `read_states` (their index is applied by now).
///
/// There is no `advance` call: draining the Ready *is* the acknowledgement, so a caller that
/// crashes part-way must be modelled as a crash of the whole server (restart from disk).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Ready {
    /// State to make durable first.
    pub persist: PersistBatch,
    /// Messages to send after persisting.
    pub messages: Vec<Message>,
    /// A snapshot for the state machine to load (received from the leader, or the durable
    /// snapshot after a restart). Applied before `committed_entries`.
    pub snapshot_to_install: Option<Snapshot>,
    /// Newly committed entries, in log order, each handed out exactly once.
    pub committed_entries: Vec<Entry>,
    /// Reads that may now be served.
    pub read_states: Vec<ReadState>,
    /// Notable events, oldest first.
    pub events: Vec<Event>,
}

/// A model of one server's disk: exactly what it persisted from its Ready batches.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DurableState {
    /// Term and vote.
    pub hard_state: HardState,
    /// Latest snapshot (a fresh server's is index 0 with the initial configuration).
    pub snapshot: Option<Snapshot>,
    /// Entries after the snapshot. Invariant: consecutive, starting at snapshot index + 1.
    pub entries: StoredEntries,
}

impl DurableState {
    /// Writes a batch, in order: hard state, snapshot, entries. The entries are stored as the
    /// batch's shared run (a pointer copy, not a copy of each entry).
    pub fn apply(&mut self, batch: &PersistBatch) {
        if let Some(hs) = batch.hard_state {
            self.hard_state = hs;
        }
        if let Some(snap) = &batch.snapshot {
            self.install_snapshot(snap.clone());
        }
        self.write_entries(batch.entries.clone());
    }

    /// Like [`DurableState::apply`], but moves the batch's snapshot and run onto the disk.
    pub fn apply_owned(&mut self, batch: PersistBatch) {
        if let Some(hs) = batch.hard_state {
            self.hard_state = hs;
        }
        if let Some(snap) = batch.snapshot {
            self.install_snapshot(snap);
        }
        self.write_entries(batch.entries);
    }

    fn write_entries(&mut self, run: SharedEntries) {
        if let Some(first) = run.first() {
            self.truncate_before_write(first.index);
            self.entries.push(run);
        }
    }

    /// Drops every stored entry at or after `first_index`, which the write replaces (§5.3
    /// conflict truncation); the write must follow the snapshot and leave no gap.
    fn truncate_before_write(&mut self, first_index: u64) {
        let base = self.snapshot.as_ref().map_or(0, |s| s.last_included_index);
        assert!(
            first_index > base,
            "persisted entries must follow the snapshot"
        );
        let keep = (first_index - base - 1) as usize;
        assert!(
            keep <= self.entries.len(),
            "persisted entries must be contiguous"
        );
        self.entries.truncate(keep);
    }

    fn install_snapshot(&mut self, snap: Snapshot) {
        let base = self.snapshot.as_ref().map_or(0, |s| s.last_included_index);
        let idx = snap.last_included_index;
        let has_last = idx > base
            && self
                .entries
                .get((idx - base - 1) as usize)
                .is_some_and(|e| e.term == snap.last_included_term);
        if has_last {
            self.entries.remove_front((idx - base) as usize);
        } else {
            self.entries.clear();
        }
        self.snapshot = Some(snap);
    }
}
