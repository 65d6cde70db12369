//! Read-only accessors for the UI, the simulator and the checkers, and the "why is this entry
//! not committed yet" explanation.

use crate::collections::VecMap;

use serde::{Deserialize, Serialize};

use super::config::Config;
use super::event::Role;
use super::membership::Configuration;
use super::message::{Entry, NodeId, Snapshot};
use super::node::Node;
use super::progress::Progress;
use super::quorum::majority;
use super::stored::StoredEntries;

/// Why an entry is (not yet) committed, as far as this server can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommitStatus {
    /// The entry is committed.
    Committed,
    /// The server has no entry at that index.
    NotInLog,
    /// Only the leader tracks replication; this server knows its commit index only.
    UnknownNotLeader {
        /// This server's commit index.
        commit_index: u64,
    },
    /// Stored on a majority, but it is from an earlier term: it commits only once an entry of
    /// the current term is stored on a majority (§5.4.2, Figure 8).
    NeedsCurrentTermEntry {
        /// The entry's term.
        entry_term: u64,
        /// The leader's term.
        current_term: u64,
    },
    /// Not yet stored on a majority of voters.
    AwaitingReplication {
        /// Voters storing it (including the leader if it is a voter).
        replicated_on: u32,
        /// Number of voters.
        voters: u32,
        /// Majority size.
        needed: u32,
    },
}

impl Node {
    /// This server's id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Current role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Latest term seen (persistent).
    pub fn current_term(&self) -> u64 {
        self.current_term
    }

    /// Candidate voted for in the current term (persistent).
    pub fn voted_for(&self) -> Option<NodeId> {
        self.voted_for
    }

    /// The leader this server follows (itself when leader).
    pub fn leader_id(&self) -> Option<NodeId> {
        self.leader_id
    }

    /// Highest index known committed (volatile).
    pub fn commit_index(&self) -> u64 {
        self.log.commit_index()
    }

    /// Highest index handed to the state machine (volatile).
    pub fn last_applied(&self) -> u64 {
        self.log.last_applied()
    }

    /// The retained log entries (after the snapshot).
    pub fn log_entries(&self) -> &StoredEntries {
        self.log.entries()
    }

    /// The retained entries `lo..=hi`, borrowed (empty when `lo > hi`). Panics unless both
    /// ends are retained. With [`Node::set_committed_entries_by_reference`], this is how a
    /// caller reads what a [`crate::raft::Ready`] committed.
    pub fn log_range(&self, lo: u64, hi: u64) -> impl DoubleEndedIterator<Item = &Entry> {
        self.log.iter_range(lo, hi)
    }

    /// The entry at `index`, if retained.
    pub fn entry(&self, index: u64) -> Option<&Entry> {
        self.log.entry(index)
    }

    /// The term of the entry at `index` if known (including the snapshot's last entry).
    pub fn term_at(&self, index: u64) -> Option<u64> {
        self.log.term(index)
    }

    /// Index of the first retained entry.
    pub fn first_index(&self) -> u64 {
        self.log.first_index()
    }

    /// Index of the last entry.
    pub fn last_index(&self) -> u64 {
        self.log.last_index()
    }

    /// Term of the last entry.
    pub fn last_term(&self) -> u64 {
        self.log.last_term()
    }

    /// The snapshot the log starts from (index 0 for an uncompacted log).
    pub fn snapshot(&self) -> &Snapshot {
        self.log.snapshot()
    }

    /// The configuration in use (the latest in the log, committed or not).
    pub fn configuration(&self) -> &Configuration {
        &self.configuration
    }

    /// Index of the entry (or snapshot) the configuration comes from.
    pub fn configuration_index(&self) -> u64 {
        self.config_index
    }

    /// Leader: progress of one follower.
    pub fn progress(&self, id: NodeId) -> Option<&Progress> {
        self.progress.get(&id)
    }

    /// Leader: progress of every other member.
    pub fn progresses(&self) -> &VecMap<NodeId, Progress> {
        &self.progress
    }

    /// Candidate: ballots received (granted or refused), including its own.
    pub fn votes(&self) -> &VecMap<NodeId, bool> {
        &self.votes
    }

    /// The virtual clock.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// When the election timer fires (for a leader: the next check-quorum round).
    pub fn election_deadline_ms(&self) -> u64 {
        self.election_deadline_ms
    }

    /// The randomized election timeout currently running (for drawing the timer arc).
    pub fn election_timeout_ms(&self) -> u64 {
        self.election_timeout_ms
    }

    /// When the election timer was last reset.
    pub fn election_reset_at_ms(&self) -> u64 {
        self.election_reset_at_ms
    }

    /// Leader: when the next heartbeat goes out.
    pub fn heartbeat_deadline_ms(&self) -> Option<u64> {
        (self.role == Role::Leader).then_some(self.heartbeat_deadline_ms)
    }

    /// Explains whether the entry at `index` is committed, and if not, what it waits for.
    pub fn commit_status(&self, index: u64) -> CommitStatus {
        if index <= self.log.commit_index() {
            return CommitStatus::Committed;
        }
        let Some(entry_term) = self.log.term(index) else {
            return CommitStatus::NotInLog;
        };
        if self.role != Role::Leader {
            return CommitStatus::UnknownNotLeader {
                commit_index: self.log.commit_index(),
            };
        }
        let voters = &self.configuration.voters;
        let replicated_on = voters
            .iter()
            .filter(|&&v| {
                v == self.id
                    || self
                        .progress
                        .get(&v)
                        .is_some_and(|p| p.match_index >= index)
            })
            .count() as u32;
        let needed = majority(voters.len()) as u32;
        if replicated_on >= needed {
            return CommitStatus::NeedsCurrentTermEntry {
                entry_term,
                current_term: self.current_term,
            };
        }
        CommitStatus::AwaitingReplication {
            replicated_on,
            voters: voters.len() as u32,
            needed,
        }
    }
}
