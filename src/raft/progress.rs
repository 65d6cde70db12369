//! The leader's view of one follower (paper Figure 2 `next_index`/`match_index`), with the
//! flow control of etcd/raft-rs: Probe, Replicate and Snapshot states and an in-flight window.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// How the leader currently replicates to a follower.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProgressState {
    /// The follower's match point is unknown: send one AppendEntries at a time (at most one per
    /// heartbeat interval) and back up on rejection (§5.3).
    Probe,
    /// The follower is known to match: stream entries optimistically, bounded by the in-flight
    /// window.
    Replicate,
    /// The follower needs a snapshot (its next entry was compacted away); wait for it.
    Snapshot,
}

/// Replication progress of one follower. Invariant: `match_index < next_index`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Highest index known replicated on the follower (Figure 2).
    pub match_index: u64,
    /// Index of the next entry to send (Figure 2).
    pub next_index: u64,
    /// Flow-control state.
    pub state: ProgressState,
    /// In Probe: an AppendEntries was sent and not yet answered, nor has a heartbeat interval
    /// passed.
    pub probe_sent: bool,
    /// Last index of each unacknowledged AppendEntries (Replicate), oldest first.
    pub inflight: VecDeque<u64>,
    /// In Snapshot: the index of the snapshot being sent.
    pub pending_snapshot: u64,
    /// Virtual time the pending snapshot was sent (it is resent if unanswered for an election
    /// timeout, since it may have been lost).
    pub snapshot_sent_at_ms: u64,
    /// Heard from the follower since the last check-quorum round (§6.2).
    pub recent_active: bool,
    /// Highest ReadIndex round the follower acknowledged (thesis §6.4).
    pub read_ack_seq: u64,
}

impl Progress {
    /// A fresh progress in Probe state, starting from the leader's `next_index`.
    pub fn new(next_index: u64) -> Self {
        Progress {
            match_index: 0,
            next_index,
            state: ProgressState::Probe,
            probe_sent: false,
            inflight: VecDeque::new(),
            pending_snapshot: 0,
            snapshot_sent_at_ms: 0,
            recent_active: false,
            read_ack_seq: 0,
        }
    }

    /// Whether no AppendEntries with entries may be sent now.
    pub fn is_paused(&self, max_inflight: u64) -> bool {
        match self.state {
            ProgressState::Probe => self.probe_sent,
            ProgressState::Replicate => self.inflight.len() as u64 >= max_inflight,
            ProgressState::Snapshot => true,
        }
    }

    /// Back to probing from just after the match point.
    pub fn become_probe(&mut self) {
        if self.state == ProgressState::Snapshot {
            self.next_index = (self.match_index + 1).max(self.pending_snapshot + 1);
        } else {
            self.next_index = self.match_index + 1;
        }
        self.reset_state(ProgressState::Probe);
    }

    /// Stream entries from just after the match point.
    pub fn become_replicate(&mut self) {
        self.next_index = self.match_index + 1;
        self.reset_state(ProgressState::Replicate);
    }

    /// Wait for a snapshot at `index`, sent at `now_ms`.
    pub fn become_snapshot(&mut self, index: u64, now_ms: u64) {
        self.reset_state(ProgressState::Snapshot);
        self.pending_snapshot = index;
        self.snapshot_sent_at_ms = now_ms;
    }

    fn reset_state(&mut self, state: ProgressState) {
        self.state = state;
        self.probe_sent = false;
        self.pending_snapshot = 0;
        self.inflight.clear();
    }

    /// Records an AppendEntries whose last entry is `last_index` (with at least one entry).
    pub fn sent_entries(&mut self, last_index: u64) {
        match self.state {
            ProgressState::Replicate => {
                self.next_index = last_index + 1;
                self.inflight.push_back(last_index);
            }
            ProgressState::Probe => self.probe_sent = true,
            ProgressState::Snapshot => unreachable!("no appends while a snapshot is pending"),
        }
    }

    /// A success reply for `index`: raises match (never lowers it). Returns whether it rose.
    pub fn maybe_update(&mut self, index: u64) -> bool {
        let updated = index > self.match_index;
        if updated {
            self.match_index = index;
            self.probe_sent = false;
        }
        self.next_index = self.next_index.max(index + 1);
        while self.inflight.front().is_some_and(|&i| i <= index) {
            self.inflight.pop_front();
        }
        updated
    }

    /// A rejection of `rejected` (the prev_log_index sent) with the leader-side estimate
    /// `hint` of the last possibly-matching index. Returns false for a stale rejection.
    pub fn maybe_decr_to(&mut self, rejected: u64, hint: u64) -> bool {
        if self.state == ProgressState::Replicate {
            // Entries after match may have been sent; only a rejection above match is news.
            // Nothing at or beyond next_index was ever sent as a prev_log_index.
            if rejected <= self.match_index || rejected >= self.next_index {
                return false;
            }
            self.become_probe();
            self.next_index = hint
                .saturating_add(1)
                .min(rejected)
                .max(self.match_index + 1);
            return true;
        }
        if self.next_index == 0 || self.next_index - 1 != rejected {
            return false; // Answer to an older probe.
        }
        self.next_index = hint
            .saturating_add(1)
            .min(rejected)
            .max(self.match_index + 1);
        self.probe_sent = false;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicate_window_pauses_when_full_and_frees_on_ack() {
        let mut p = Progress::new(1);
        p.become_replicate();
        for last in [2, 4, 6] {
            p.sent_entries(last);
        }
        assert!(p.is_paused(3));
        assert!(!p.is_paused(4));
        assert!(p.maybe_update(4));
        assert_eq!(p.inflight, VecDeque::from([6]));
        assert_eq!((p.match_index, p.next_index), (4, 7));
        assert!(!p.maybe_update(3), "old acks never lower match");
        assert_eq!(p.match_index, 4);
    }

    #[test]
    fn probe_sends_one_append_until_answered() {
        let mut p = Progress::new(10);
        assert!(!p.is_paused(8));
        p.sent_entries(12);
        assert!(p.is_paused(8));
        assert_eq!(
            p.next_index, 10,
            "probe does not advance next_index optimistically"
        );
        assert!(p.maybe_decr_to(9, 4));
        assert_eq!(p.next_index, 5);
        assert!(!p.is_paused(8));
    }

    #[test]
    fn stale_rejections_are_ignored() {
        let mut p = Progress::new(10);
        assert!(
            !p.maybe_decr_to(5, 2),
            "probe: rejection of another index is stale"
        );
        p.match_index = 7;
        p.become_replicate();
        p.sent_entries(12);
        assert!(
            !p.maybe_decr_to(6, 2),
            "replicate: rejection below match is stale"
        );
        assert!(p.maybe_decr_to(9, 8));
        assert_eq!((p.state, p.next_index), (ProgressState::Probe, 9));
    }

    #[test]
    fn snapshot_state_pauses_until_probe() {
        let mut p = Progress::new(3);
        p.become_snapshot(20, 5);
        assert!(p.is_paused(100));
        p.become_probe();
        assert_eq!(p.next_index, 21);
    }
}
