//! Linearizable reads without log writes (thesis §6.4, ReadIndex).
//!
//! 1. The leader must have committed an entry of its own term; until then reads queue.
//! 2. The read index is the commit index at the time of the request.
//! 3. Leadership is confirmed by a heartbeat round acknowledged by a majority. Rounds are
//!    numbered (`read_seq`, carried by every AppendEntries and echoed back); a read is
//!    confirmed once a majority acknowledged a round at least as new as its own. Many reads
//!    share one round, and at most one round is outstanding at a time.
//! 4. The read is released as a [`ReadState`] once the state machine has applied the index
//!    (a follower waits for its own log to catch up).

use std::collections::VecDeque;

use super::event::{Event, ReadIndexError, Role};
use super::message::{Message, MessageBody, NodeId};
use super::node::Node;
use super::quorum::quorum_value;
use super::storage::ReadState;

/// A read waiting for its heartbeat round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PendingRead {
    from: NodeId,
    ctx: u64,
    index: u64,
    seq: u64,
}

/// The leader's read bookkeeping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct ReadQueue {
    /// Reads received before the leader committed an entry of its term.
    waiting_commit: Vec<(NodeId, u64)>,
    /// Reads waiting for confirmation, oldest first (seq ascending).
    pending: VecDeque<PendingRead>,
    /// Latest round number handed out.
    seq: u64,
    /// Latest round a broadcast was sent for.
    broadcast_seq: u64,
}

impl ReadQueue {
    /// Latest read round (sent in AppendEntries).
    pub(super) fn seq(&self) -> u64 {
        self.seq
    }

    /// Number of reads not yet confirmed.
    pub(super) fn len(&self) -> usize {
        self.waiting_commit.len() + self.pending.len()
    }

    /// Drops every read when leadership is lost; local ones are reported.
    pub(super) fn drop_all(self, node: &mut Node) {
        let local = self
            .waiting_commit
            .iter()
            .map(|&(f, c)| (f, c))
            .chain(self.pending.iter().map(|r| (r.from, r.ctx)));
        for (from, ctx) in local {
            if from == node.id {
                node.events.push(Event::ReadDropped {
                    ctx,
                    reason: ReadIndexError::LeadershipLost,
                });
            }
        }
    }
}

impl Node {
    /// Requests a linearizable read identified by `ctx`. A [`ReadState`] with the same `ctx`
    /// comes out of a later [`Node::ready`] once it is safe to read the state machine. On a
    /// follower the request goes to the leader.
    pub fn read_index(&mut self, ctx: u64) -> Result<(), ReadIndexError> {
        if self.role == Role::Leader {
            self.leader_read(self.id, ctx);
            return Ok(());
        }
        match self.leader_id {
            Some(leader) => {
                self.send(leader, MessageBody::ReadIndex { ctx });
                Ok(())
            }
            None => {
                self.events.push(Event::ReadDropped {
                    ctx,
                    reason: ReadIndexError::NoLeader,
                });
                Err(ReadIndexError::NoLeader)
            }
        }
    }

    /// Number of reads the leader has not yet confirmed.
    pub fn pending_reads(&self) -> usize {
        self.reads.len()
    }

    /// Whether an entry of the current term is committed (thesis §6.4 for reads, §4.1 errata
    /// for membership changes).
    pub(super) fn committed_in_current_term(&self) -> bool {
        self.log.term(self.log.commit_index()) == Some(self.current_term)
    }

    fn leader_read(&mut self, from: NodeId, ctx: u64) {
        if !self.committed_in_current_term() {
            self.reads.waiting_commit.push((from, ctx));
            return;
        }
        self.reads.seq += 1;
        let read = PendingRead {
            from,
            ctx,
            index: self.log.commit_index(),
            seq: self.reads.seq,
        };
        self.reads.pending.push_back(read);
        self.start_read_round();
    }

    /// Sends a heartbeat round for the newest reads unless one is outstanding; a single-voter
    /// cluster needs no round.
    fn start_read_round(&mut self) {
        if self.configuration.voters == [self.id] {
            self.maybe_confirm_reads();
            return;
        }
        let outstanding = self
            .reads
            .pending
            .front()
            .is_some_and(|r| r.seq <= self.reads.broadcast_seq);
        if !outstanding {
            self.reads.broadcast_seq = self.reads.seq;
            self.broadcast_heartbeat();
        }
    }

    /// Releases every read whose round a majority of voters acknowledged.
    pub(super) fn maybe_confirm_reads(&mut self) {
        if self.reads.pending.is_empty() {
            return;
        }
        let seq = self.reads.seq;
        let confirmed = quorum_value(&self.configuration.voters, |v| {
            if v == self.id {
                seq
            } else {
                self.progress.get(&v).map_or(0, |p| p.read_ack_seq)
            }
        });
        while self
            .reads
            .pending
            .front()
            .is_some_and(|r| r.seq <= confirmed)
        {
            let r = self.reads.pending.pop_front().expect("checked");
            self.release_read(r.from, r.ctx, r.index);
        }
        if !self.reads.pending.is_empty() {
            self.start_read_round();
        }
    }

    fn release_read(&mut self, from: NodeId, ctx: u64, index: u64) {
        if from == self.id {
            self.ready_reads.push(ReadState { ctx, index });
        } else {
            self.send(
                from,
                MessageBody::ReadIndexResponse {
                    ctx,
                    index: Some(index),
                },
            );
        }
    }

    /// After the leader's commit index advanced: the first current-term commit unblocks reads.
    pub(super) fn on_leader_commit(&mut self) {
        if !self.reads.waiting_commit.is_empty() && self.committed_in_current_term() {
            let waiting = std::mem::take(&mut self.reads.waiting_commit);
            for (from, ctx) in waiting {
                self.reads.seq += 1;
                let read = PendingRead {
                    from,
                    ctx,
                    index: self.log.commit_index(),
                    seq: self.reads.seq,
                };
                self.reads.pending.push_back(read);
            }
            self.start_read_round();
        }
        self.after_commit_membership();
    }

    pub(super) fn handle_read_index_request(&mut self, m: &Message) {
        let MessageBody::ReadIndex { ctx } = m.body else {
            unreachable!("dispatched by kind")
        };
        if self.role != Role::Leader {
            self.send(m.from, MessageBody::ReadIndexResponse { ctx, index: None });
            return;
        }
        if let Some(p) = self.progress.get_mut(&m.from) {
            p.recent_active = true;
        }
        self.leader_read(m.from, ctx);
    }

    pub(super) fn handle_read_index_response(&mut self, m: &Message) {
        let MessageBody::ReadIndexResponse { ctx, index } = m.body else {
            unreachable!("dispatched by kind")
        };
        match index {
            Some(index) => self.follower_reads.push(ReadState { ctx, index }),
            None => self.events.push(Event::ReadDropped {
                ctx,
                reason: ReadIndexError::NotLeader,
            }),
        }
    }
}
