//! One Raft server as a pure state machine: construction, the clock, role transitions and
//! message dispatch. The protocol parts live in sibling files (`election.rs`,
//! `replication.rs`, `read_index.rs`, `transfer.rs`, `snapshot.rs`, `reconfig.rs`).

use crate::collections::VecMap;
use std::ops::Bound::{Excluded, Unbounded};

use rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::config::{Config, ConfigError};
use super::event::{Event, IgnoreReason, Role};
use super::log::RaftLog;
use super::membership::{Configuration, MAX_SERVERS};
use super::message::{Bytes, Message, MessageBody, NodeId, Snapshot};
use super::progress::Progress;
use super::read_index::ReadQueue;
use super::storage::{DurableState, HardState, PersistBatch, ReadState, Ready};

/// A leadership transfer in progress (thesis §3.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Transfer {
    pub(super) target: NodeId,
    pub(super) deadline_ms: u64,
}

/// One Raft server.
///
/// Sans-IO: the caller feeds messages ([`Node::step`]), time ([`Node::tick`]) and client
/// requests, then drains a [`Ready`] and performs the I/O it describes.
///
/// **Time model.** The node keeps a virtual clock in milliseconds that only moves when the
/// caller calls [`Node::tick`] (a smaller `now_ms` than the current clock is treated as the
/// current clock). `tick` fires every timer that is due; [`Node::next_timer_at`] tells when the
/// next one is due, so a discrete-event simulator can schedule exactly one timer event per
/// node. Other inputs (`step`, `propose`, …) happen at the node's current clock, so a caller
/// delivering a message at time `t` should call `tick(t)` first.
#[derive(Debug, Clone)]
pub struct Node {
    pub(super) id: NodeId,
    pub(super) config: Config,
    pub(super) rng: Xoshiro256PlusPlus,
    pub(super) now_ms: u64,
    pub(super) role: Role,
    /// Persistent (Figure 2).
    pub(super) current_term: u64,
    /// Persistent (Figure 2).
    pub(super) voted_for: Option<NodeId>,
    pub(super) leader_id: Option<NodeId>,
    pub(super) log: RaftLog,
    /// The latest configuration in the log, committed or not (thesis §4.1).
    pub(super) configuration: Configuration,
    /// Index of the entry (or snapshot) `configuration` comes from.
    pub(super) config_index: u64,
    pub(super) election_timeout_ms: u64,
    /// When the election timer was last reset (also: last contact with the leader).
    pub(super) election_reset_at_ms: u64,
    /// Follower/candidate: when to campaign. Leader: when to run the check-quorum round.
    pub(super) election_deadline_ms: u64,
    pub(super) heartbeat_deadline_ms: u64,
    /// Candidate/pre-candidate: ballots received (granted or not).
    pub(super) votes: VecMap<NodeId, bool>,
    /// Leader: one entry per other member.
    pub(super) progress: VecMap<NodeId, Progress>,
    pub(super) transfer: Option<Transfer>,
    pub(super) reads: ReadQueue,
    /// Follower reads whose index the leader confirmed, waiting to be applied locally.
    pub(super) follower_reads: Vec<ReadState>,
    pub(super) ready_reads: Vec<ReadState>,
    pub(super) msgs: Vec<Message>,
    pub(super) events: Vec<Event>,
    pub(super) hard_state_dirty: bool,
    pub(super) persisted_commit: u64,
    pub(super) snapshot_to_install: Option<Snapshot>,
    /// [`Node::ready`] leaves committed entries in the log instead of cloning them.
    pub(super) committed_by_reference: bool,
}

impl Node {
    /// A fresh server of a new cluster whose initial voters are `voters` (thesis §4: the
    /// initial configuration is the base of every log). `seed` (mixed with `id`) seeds the
    /// election-timeout PRNG; `now_ms` is the virtual time the server starts at. The first
    /// [`Ready`] persists the initial configuration.
    pub fn new(
        id: NodeId,
        config: Config,
        voters: &[NodeId],
        seed: u64,
        now_ms: u64,
    ) -> Result<Node, ConfigError> {
        config.validate_with_voters(voters)?;
        let base = Snapshot {
            last_included_index: 0,
            last_included_term: 0,
            configuration: Configuration::with_voters(voters),
            data: Bytes::default(),
        };
        let mut node = Node::build(id, config, RaftLog::restore(base, Vec::new()), seed, now_ms)?;
        node.log.mark_snapshot_unstable();
        node.hard_state_dirty = true;
        Ok(node)
    }

    /// A server that joins an existing cluster: it knows no configuration until the leader
    /// replicates one to it, so it never campaigns before it learns it is a voter.
    pub fn new_joining(
        id: NodeId,
        config: Config,
        seed: u64,
        now_ms: u64,
    ) -> Result<Node, ConfigError> {
        config.validate()?;
        let base = Snapshot {
            last_included_index: 0,
            last_included_term: 0,
            configuration: Configuration::default(),
            data: Bytes::default(),
        };
        let mut node = Node::build(id, config, RaftLog::restore(base, Vec::new()), seed, now_ms)?;
        node.log.mark_snapshot_unstable();
        node.hard_state_dirty = true;
        Ok(node)
    }

    /// A server restarting after a crash from exactly what it persisted. Volatile state (role,
    /// commit index, leader state, reads) starts afresh (Figure 2); the first [`Ready`] asks
    /// the state machine to load the durable snapshot when there is one.
    pub fn restore(
        id: NodeId,
        config: Config,
        durable: &DurableState,
        seed: u64,
        now_ms: u64,
    ) -> Result<Node, ConfigError> {
        config.validate()?;
        let snapshot = durable.snapshot.clone().unwrap_or(Snapshot {
            last_included_index: 0,
            last_included_term: 0,
            configuration: Configuration::default(),
            data: Bytes::default(),
        });
        let log = RaftLog::restore(snapshot, durable.entries.clone());
        let mut node = Node::build(id, config, log, seed, now_ms)?;
        let hs = durable.hard_state;
        node.current_term = hs.current_term;
        node.voted_for = if node.config.bugs.forget_vote_on_restart {
            None
        } else {
            hs.voted_for
        };
        if node.log.snapshot().last_included_index > 0 {
            node.snapshot_to_install = Some(node.log.snapshot().clone());
        }
        if node.config.bugs.keep_commit_across_crash {
            node.log.force_commit_and_applied(hs.commit_index);
        }
        node.persisted_commit = hs.commit_index;
        Ok(node)
    }

    fn build(
        id: NodeId,
        config: Config,
        log: RaftLog,
        seed: u64,
        now_ms: u64,
    ) -> Result<Node, ConfigError> {
        if id == 0 || id > MAX_SERVERS {
            return Err(ConfigError::InvalidId(id));
        }
        let (config_index, configuration) = log.configuration_at(log.last_index());
        let configuration = configuration.clone();
        let seed = seed ^ u64::from(id).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut node = Node {
            id,
            config,
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
            now_ms,
            role: Role::Follower,
            current_term: 0,
            voted_for: None,
            leader_id: None,
            log,
            configuration,
            config_index,
            election_timeout_ms: 0,
            election_reset_at_ms: now_ms,
            election_deadline_ms: 0,
            heartbeat_deadline_ms: 0,
            votes: VecMap::new(),
            progress: VecMap::new(),
            transfer: None,
            reads: ReadQueue::default(),
            follower_reads: Vec::new(),
            ready_reads: Vec::new(),
            msgs: Vec::new(),
            events: Vec::new(),
            hard_state_dirty: false,
            persisted_commit: 0,
            snapshot_to_install: None,
            committed_by_reference: false,
        };
        node.reset_election_timer();
        Ok(node)
    }

    // ---- time ----

    /// Advances the clock to `now_ms` and fires every due timer (election timeout; for a
    /// leader the heartbeat, the check-quorum round and the transfer timeout).
    pub fn tick(&mut self, now_ms: u64) {
        self.now_ms = self.now_ms.max(now_ms);
        if self.role == Role::Leader {
            self.tick_leader();
        } else if self.now_ms >= self.election_deadline_ms {
            self.tick_election();
        }
    }

    /// The virtual time at which the next timer is due.
    pub fn next_timer_at(&self) -> Option<u64> {
        if self.role != Role::Leader {
            return Some(self.election_deadline_ms);
        }
        let mut t = self.heartbeat_deadline_ms.min(self.election_deadline_ms);
        if let Some(tr) = self.transfer {
            t = t.min(tr.deadline_ms);
        }
        Some(t)
    }

    fn tick_election(&mut self) {
        // §5.2: no word from a leader or candidate within the timeout: start an election.
        // Learners and removed servers never campaign (thesis §4.2.1, §4.2.2).
        if self.configuration.is_voter(self.id) {
            self.start_election(super::event::CampaignReason::ElectionTimeout);
        } else {
            self.reset_election_timer();
        }
    }

    fn tick_leader(&mut self) {
        if let Some(tr) = self.transfer {
            if self.now_ms >= tr.deadline_ms {
                self.abort_transfer(super::event::TransferError::Timeout(tr.target));
            }
        }
        if self.now_ms >= self.election_deadline_ms {
            if !self.check_quorum_round() {
                return;
            }
            self.election_reset_at_ms = self.now_ms;
            self.election_deadline_ms = self
                .now_ms
                .saturating_add(self.config.election_timeout_ms_min);
        }
        if self.now_ms >= self.heartbeat_deadline_ms {
            self.heartbeat_deadline_ms = self
                .now_ms
                .saturating_add(self.config.heartbeat_interval_ms);
            self.broadcast_heartbeat();
        }
    }

    /// A fresh randomized election timeout in `[min, max)` (§5.2), by multiply-shift so the
    /// mapping from PRNG output is stable across crate versions.
    fn random_election_timeout(&mut self) -> u64 {
        let span = self.config.election_timeout_ms_max - self.config.election_timeout_ms_min;
        let r = (u128::from(self.rng.next_u64()) * u128::from(span)) >> 64;
        self.config.election_timeout_ms_min + r as u64
    }

    pub(super) fn reset_election_timer(&mut self) {
        self.election_timeout_ms = self.random_election_timeout();
        self.election_reset_at_ms = self.now_ms;
        self.election_deadline_ms = self.now_ms.saturating_add(self.election_timeout_ms);
    }

    /// Whether this server heard from a leader less than a minimum election timeout ago and
    /// so, with check-quorum, ignores vote requests (leader stickiness, thesis §4.2.3).
    pub(super) fn in_lease(&self) -> bool {
        self.config.check_quorum
            && self.leader_id.is_some()
            && self.now_ms
                < self
                    .election_reset_at_ms
                    .saturating_add(self.config.election_timeout_ms_min)
    }

    // ---- role transitions: the only place the role changes ----

    pub(super) fn become_follower(&mut self, term: u64, leader: Option<NodeId>) {
        assert!(term >= self.current_term, "terms never go backwards");
        let changed =
            self.role != Role::Follower || term != self.current_term || leader != self.leader_id;
        if term > self.current_term {
            self.current_term = term;
            self.voted_for = None;
            self.hard_state_dirty = true;
        }
        let was_leader = self.role == Role::Leader;
        self.role = Role::Follower;
        self.leader_id = leader;
        self.votes.clear();
        self.reset_election_timer();
        if was_leader {
            self.clear_leader_state();
        }
        if changed {
            self.push_role_event();
        }
    }

    pub(super) fn become_pre_candidate(&mut self) {
        assert!(self.role != Role::Leader, "a leader does not campaign");
        self.role = Role::PreCandidate;
        self.leader_id = None;
        self.votes = VecMap::from([(self.id, true)]);
        self.reset_election_timer();
        self.push_role_event();
    }

    pub(super) fn become_candidate(&mut self) {
        assert!(self.role != Role::Leader, "a leader does not campaign");
        // §5.2: increment current_term and vote for self (both persisted before any
        // RequestVote leaves, by the Ready ordering).
        self.current_term += 1;
        self.voted_for = Some(self.id);
        self.hard_state_dirty = true;
        self.role = Role::Candidate;
        self.leader_id = None;
        self.votes = VecMap::from([(self.id, true)]);
        self.reset_election_timer();
        self.push_role_event();
    }

    pub(super) fn become_leader(&mut self) {
        assert!(
            self.role == Role::Candidate,
            "only a candidate becomes leader"
        );
        self.role = Role::Leader;
        self.leader_id = Some(self.id);
        self.votes.clear();
        self.transfer = None;
        self.reads = ReadQueue::default();
        self.reset_progress();
        self.election_reset_at_ms = self.now_ms;
        self.election_deadline_ms = self
            .now_ms
            .saturating_add(self.config.election_timeout_ms_min);
        self.heartbeat_deadline_ms = self
            .now_ms
            .saturating_add(self.config.heartbeat_interval_ms);
        self.push_role_event();
        // Thesis §6.4 / §5.4.2: a no-op entry of the new term lets the leader commit (and so
        // learn) everything before it.
        self.append_noop();
    }

    fn reset_progress(&mut self) {
        let next = self.log.last_index() + 1;
        self.progress = self
            .configuration
            .members()
            .filter(|&m| m != self.id)
            .map(|m| (m, Progress::new(next)))
            .collect();
    }

    fn clear_leader_state(&mut self) {
        self.progress.clear();
        self.transfer = None;
        let reads = std::mem::take(&mut self.reads);
        reads.drop_all(self);
    }

    fn push_role_event(&mut self) {
        self.events.push(Event::RoleChanged {
            role: self.role,
            term: self.current_term,
            leader: self.leader_id,
        });
    }

    /// Calls `f` for every peer the leader tracks, in id order, without holding a borrow of
    /// the progress map across the call (so `f` may send). No allocation: this runs for every
    /// proposal and commit. Peers removed meanwhile are skipped; the walk ends if `f` makes
    /// this server step down (which clears the map).
    pub(super) fn for_each_peer(&mut self, mut f: impl FnMut(&mut Node, NodeId)) {
        let mut cursor = self.progress.keys().next().copied();
        while let Some(id) = cursor {
            f(self, id);
            cursor = self
                .progress
                .range((Excluded(id), Unbounded))
                .next()
                .map(|(&k, _)| k);
        }
    }

    // ---- messages ----

    pub(super) fn send(&mut self, to: NodeId, body: MessageBody) {
        let term = self.current_term;
        self.send_at_term(to, term, body);
    }

    pub(super) fn send_at_term(&mut self, to: NodeId, term: u64, body: MessageBody) {
        self.msgs.push(Message {
            from: self.id,
            to,
            term,
            body,
        });
    }

    pub(super) fn ignore(&mut self, m: &Message, reason: IgnoreReason) {
        self.events.push(Event::MessageIgnored {
            from: m.from,
            kind: m.kind(),
            reason,
        });
    }

    /// Processes one message (§5.1 term rules first, then one handler per message kind).
    pub fn step(&mut self, m: Message) {
        if m.to != self.id {
            self.ignore(&m, IgnoreReason::WrongRecipient);
            return;
        }
        if self.is_malformed(&m) {
            self.ignore(&m, IgnoreReason::Malformed);
            return;
        }
        if m.term > self.current_term {
            if !self.step_higher_term(&m) {
                return;
            }
        } else if m.term < self.current_term {
            self.step_stale(&m);
            return;
        }
        match m.body {
            MessageBody::RequestVote { .. } => self.handle_request_vote(&m),
            MessageBody::RequestVoteResponse { .. } => self.handle_vote_response(&m),
            MessageBody::AppendEntries { .. } => self.handle_append_entries(m),
            MessageBody::AppendEntriesResponse { .. } => self.handle_append_response(&m),
            MessageBody::InstallSnapshot { .. } => self.handle_install_snapshot(m),
            MessageBody::InstallSnapshotResponse { .. } => self.handle_snapshot_response(&m),
            MessageBody::TimeoutNow => self.handle_timeout_now(&m),
            MessageBody::ReadIndex { .. } => self.handle_read_index_request(&m),
            MessageBody::ReadIndexResponse { .. } => self.handle_read_index_response(&m),
            MessageBody::TransferLeader { .. } => self.handle_transfer_request(&m),
        }
    }

    /// §5.1: a message with a higher term makes this server a follower of that term, except
    /// for pre-votes (thesis §9.6: nobody changes term for them) and for vote requests that
    /// leader stickiness or membership tells us to ignore. Returns whether to go on.
    fn step_higher_term(&mut self, m: &Message) -> bool {
        match m.body {
            MessageBody::RequestVote {
                pre_vote,
                leader_transfer,
                ..
            } => {
                if !self.admit_vote_request(m, pre_vote, leader_transfer) {
                    return false;
                }
                if !pre_vote {
                    self.become_follower(m.term, None);
                }
            }
            MessageBody::RequestVoteResponse {
                pre_vote: true,
                granted: true,
                ..
            } => {}
            MessageBody::AppendEntries { .. } | MessageBody::InstallSnapshot { .. } => {
                self.become_follower(m.term, Some(m.from));
            }
            _ => self.become_follower(m.term, None),
        }
        true
    }

    /// §5.1: stale messages are not processed. Requests get a reply carrying our term so an
    /// out-of-date leader or candidate learns it is behind (with check-quorum this is what
    /// frees a stuck server, since higher-term votes may be ignored).
    fn step_stale(&mut self, m: &Message) {
        match m.body {
            MessageBody::RequestVote { pre_vote, .. } => {
                let reason = super::message::VoteRejectReason::StaleTerm {
                    voter_term: self.current_term,
                };
                self.reply_vote(m, pre_vote, Some(reason));
            }
            MessageBody::AppendEntries { .. } | MessageBody::InstallSnapshot { .. } => {
                self.reply_stale_append(m);
            }
            _ => self.ignore(m, IgnoreReason::StaleTerm),
        }
    }

    // ---- output ----

    /// Whether [`Node::ready`] has anything to hand out.
    pub fn has_ready(&self) -> bool {
        !self.msgs.is_empty()
            || !self.events.is_empty()
            || self.hard_state_dirty
            || self.log.has_unstable()
            || self.snapshot_to_install.is_some()
            || self.log.commit_index() > self.log.last_applied()
            || !self.ready_reads.is_empty()
            || self
                .follower_reads
                .iter()
                .any(|r| r.index <= self.log.commit_index())
            || (self.config.bugs.keep_commit_across_crash
                && self.persisted_commit != self.log.commit_index())
    }

    /// Chooses how [`Node::ready`] hands out newly committed entries. By default (`false`) it
    /// clones them into [`Ready::committed_entries`], so the Ready stands on its own. With
    /// `true` that list stays empty and the caller reads the entries in place, before its
    /// next call into this node: note `from = node.last_applied() + 1` before `ready()`, then
    /// apply `node.log_range(from, node.last_applied())`. The log keeps every entry anyway,
    /// so this saves a copy and a drop of each entry on every server. It only suits a caller
    /// that applies before it calls into the node again (a later `step` or `compact` may
    /// drop the entries from the log).
    pub fn set_committed_entries_by_reference(&mut self, by_reference: bool) {
        self.committed_by_reference = by_reference;
    }

    /// Drains everything produced since the last call. See [`Ready`] for the order in which
    /// the caller must handle it; draining is the acknowledgement (no `advance`).
    pub fn ready(&mut self) -> Ready {
        let (snapshot, entries) = self.log.take_unstable();
        let bug_commit = self.config.bugs.keep_commit_across_crash;
        let hard_state = if self.hard_state_dirty
            || (bug_commit && self.persisted_commit != self.log.commit_index())
        {
            self.hard_state_dirty = false;
            self.persisted_commit = if bug_commit {
                self.log.commit_index()
            } else {
                0
            };
            Some(self.hard_state())
        } else {
            None
        };
        let snapshot_to_install = self.snapshot_to_install.take();
        let committed_entries = if self.committed_by_reference {
            self.log.skip_committed();
            Vec::new()
        } else {
            self.log.take_committed()
        };
        let applied = self.log.last_applied();
        let mut read_states = std::mem::take(&mut self.ready_reads);
        self.follower_reads.retain(|r| {
            let done = r.index <= applied;
            if done {
                read_states.push(*r);
            }
            !done
        });
        Ready {
            persist: PersistBatch {
                hard_state,
                snapshot,
                entries,
            },
            messages: std::mem::take(&mut self.msgs),
            snapshot_to_install,
            committed_entries,
            read_states,
            events: std::mem::take(&mut self.events),
        }
    }

    /// The current term and vote as they would be persisted.
    pub fn hard_state(&self) -> HardState {
        HardState {
            current_term: self.current_term,
            voted_for: self.voted_for,
            commit_index: if self.config.bugs.keep_commit_across_crash {
                self.log.commit_index()
            } else {
                0
            },
        }
    }
}
