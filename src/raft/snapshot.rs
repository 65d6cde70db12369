//! Log compaction and InstallSnapshot (thesis §5.1–§5.3).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::event::{Event, IgnoreReason, Role};
use super::message::{Bytes, Message, MessageBody, NodeId, Snapshot};
use super::node::Node;
use super::progress::ProgressState;

/// Why `compact` refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum CompactError {
    /// Only applied entries can be captured by a state-machine snapshot.
    #[error("index {index} is not applied yet (last applied {last_applied})")]
    NotApplied {
        /// Requested index.
        index: u64,
        /// Last applied index.
        last_applied: u64,
    },
    /// The log is already compacted through that index.
    #[error("index {index} is already compacted (snapshot at {snapshot_index})")]
    AlreadyCompacted {
        /// Requested index.
        index: u64,
        /// Current snapshot index.
        snapshot_index: u64,
    },
}

impl Node {
    /// Replaces the log through `index` with the application's snapshot `data` of the state
    /// after applying `index` (thesis §5.1). The snapshot records the term of `index` and the
    /// configuration in force there; it is persisted via the next [`crate::raft::Ready`].
    pub fn compact(&mut self, index: u64, data: Bytes) -> Result<(), CompactError> {
        let snapshot_index = self.log.snapshot().last_included_index;
        if index <= snapshot_index {
            return Err(CompactError::AlreadyCompacted {
                index,
                snapshot_index,
            });
        }
        if index > self.log.last_applied() {
            return Err(CompactError::NotApplied {
                index,
                last_applied: self.log.last_applied(),
            });
        }
        let last_included_term = self.log.term(index).expect("applied entries are retained");
        let configuration = self.log.configuration_at(index).1.clone();
        let snapshot = Snapshot {
            last_included_index: index,
            last_included_term,
            configuration,
            data,
        };
        self.log.compact(snapshot);
        self.events.push(Event::LogCompacted { index });
        Ok(())
    }

    /// Leader: the follower's next entry was compacted away, so send the whole snapshot and
    /// pause appends until it is acknowledged.
    pub(super) fn send_snapshot(&mut self, to: NodeId) {
        let snapshot = self.log.snapshot().clone();
        let index = snapshot.last_included_index;
        let now = self.now_ms;
        self.progress
            .get_mut(&to)
            .expect("progress for peer")
            .become_snapshot(index, now);
        self.events.push(Event::SnapshotSent { to, index });
        self.send(to, MessageBody::InstallSnapshot { snapshot });
    }

    /// Follower side of InstallSnapshot, at the leader's term.
    pub(super) fn handle_install_snapshot(&mut self, m: Message) {
        if self.role == Role::Leader {
            self.ignore(&m, IgnoreReason::SameTermLeader);
            return;
        }
        self.become_follower(m.term, Some(m.from));
        let MessageBody::InstallSnapshot { snapshot } = m.body else {
            unreachable!("dispatched by kind")
        };
        let index = snapshot.last_included_index;
        if index <= self.log.commit_index() {
            // Already have (and committed) everything it covers.
            let match_index = self.log.commit_index();
            self.send(m.from, MessageBody::InstallSnapshotResponse { match_index });
            return;
        }
        let term = snapshot.last_included_term;
        self.log.install_snapshot(snapshot.clone());
        self.snapshot_to_install = Some(snapshot);
        self.events.push(Event::SnapshotInstalled { index, term });
        self.refresh_configuration();
        self.send(
            m.from,
            MessageBody::InstallSnapshotResponse { match_index: index },
        );
    }

    /// Leader: the follower installed a snapshot (or already had its content).
    pub(super) fn handle_snapshot_response(&mut self, m: &Message) {
        let MessageBody::InstallSnapshotResponse { match_index } = m.body else {
            unreachable!("dispatched by kind")
        };
        if self.role != Role::Leader || !self.progress.contains_key(&m.from) {
            self.ignore(m, IgnoreReason::UnexpectedInRole);
            return;
        }
        let pr = self.progress.get_mut(&m.from).expect("checked");
        pr.recent_active = true;
        let updated = pr.maybe_update(match_index);
        if pr.state == ProgressState::Snapshot && pr.match_index >= pr.pending_snapshot {
            pr.become_probe();
        }
        if !(updated && self.maybe_commit()) {
            self.maybe_send_append(m.from, false);
        }
        if updated {
            self.on_peer_caught_up(m.from);
        }
    }
}
