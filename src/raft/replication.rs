//! Log replication: proposals, AppendEntries in both directions, commitment (§5.3, §5.4.2)
//! and flow control.

use super::event::{Event, IgnoreReason, ProposeError, Role};
use super::message::{
    AppendReject, AppendRejectReason, Bytes, Entry, EntryPayload, Message, MessageBody, NodeId,
    SharedEntries,
};
use super::node::Node;
use super::progress::ProgressState;
use super::quorum::quorum_value;

impl Node {
    /// Appends a client command to the leader's log and starts replicating it. Returns the
    /// entry's index; committed entries come out of [`Node::ready`].
    pub fn propose(&mut self, command: Bytes) -> Result<u64, ProposeError> {
        self.check_can_propose()?;
        let index = self.log.last_index() + 1;
        let entry = Entry {
            index,
            term: self.current_term,
            payload: EntryPayload::Command(command),
        };
        self.log.append(entry);
        self.after_leader_append();
        Ok(index)
    }

    /// Appends several commands at once (one AppendEntries round for all of them). Returns the
    /// index of the first; they occupy consecutive indices.
    pub fn propose_batch(
        &mut self,
        commands: impl IntoIterator<Item = Bytes>,
    ) -> Result<u64, ProposeError> {
        self.check_can_propose()?;
        let first = self.log.last_index() + 1;
        let term = self.current_term;
        let entries: Vec<Entry> = (first..)
            .zip(commands)
            .map(|(index, command)| Entry {
                index,
                term,
                payload: EntryPayload::Command(command),
            })
            .collect();
        self.log.append_run(entries);
        self.after_leader_append();
        Ok(first)
    }

    pub(super) fn check_can_propose(&mut self) -> Result<(), ProposeError> {
        let err = if self.role != Role::Leader {
            ProposeError::NotLeader {
                leader_hint: self.leader_id,
            }
        } else if let Some(t) = self.transfer {
            // Thesis §3.10: stop accepting requests while handing leadership over.
            ProposeError::TransferInProgress { target: t.target }
        } else {
            return Ok(());
        };
        self.events.push(Event::ProposalDropped { reason: err });
        Err(err)
    }

    pub(super) fn append_noop(&mut self) {
        let index = self.log.last_index() + 1;
        self.log.append(Entry {
            index,
            term: self.current_term,
            payload: EntryPayload::Noop,
        });
        self.after_leader_append();
    }

    pub(super) fn after_leader_append(&mut self) {
        // The leader's own copy counts (thesis §10.2.1: the leader may write its log in
        // parallel with replication; the caller persists before sending anyway).
        if !self.maybe_commit() {
            self.broadcast_append(false);
        }
    }

    /// Sends new entries (or, with `allow_empty`, at least the commit index) to every peer
    /// that flow control lets through. Followers at the same `next_index` (the usual case)
    /// share one copy of the entries.
    pub(super) fn broadcast_append(&mut self, allow_empty: bool) {
        let mut shared = None;
        self.for_each_peer(|node, to| {
            node.send_append_sharing(to, allow_empty, &mut shared);
        });
    }

    /// Sends one AppendEntries from the peer's next_index, or a snapshot if that entry was
    /// compacted away. Returns whether something was sent.
    pub(super) fn maybe_send_append(&mut self, to: NodeId, allow_empty: bool) -> bool {
        self.send_append_sharing(to, allow_empty, &mut None)
    }

    /// [`Node::maybe_send_append`] that reuses `shared` when it holds exactly the range this
    /// peer needs, and otherwise replaces it with the range it built.
    fn send_append_sharing(
        &mut self,
        to: NodeId,
        allow_empty: bool,
        shared: &mut Option<SharedEntries>,
    ) -> bool {
        let max_inflight = self.config.max_inflight_appends;
        let pr = self.progress.get(&to).expect("progress for peer");
        if pr.is_paused(max_inflight) {
            return false;
        }
        let next = pr.next_index;
        let Some(prev_log_term) = self.log.term(next - 1) else {
            self.send_snapshot(to);
            return true;
        };
        let entries = self.entries_from(next, shared);
        if entries.is_empty() && !allow_empty {
            return false;
        }
        let pr = self.progress.get_mut(&to).expect("progress for peer");
        match entries.last() {
            Some(last) => pr.sent_entries(last.index),
            None if pr.state == ProgressState::Probe => pr.probe_sent = true,
            None => {}
        }
        self.send_append(to, next - 1, prev_log_term, entries);
        true
    }

    /// The entries one AppendEntries carries from `next` (at most `max_entries_per_append`),
    /// taken from `shared` when it starts at `next` (the log and the limit do not change
    /// within a broadcast, so the same start means the same range). The run is a window onto
    /// the log's own runs when one holds the range (no copy).
    fn entries_from(&self, next: u64, shared: &mut Option<SharedEntries>) -> SharedEntries {
        let last = self.log.last_index();
        if next > last {
            return SharedEntries::default();
        }
        if let Some(s) = shared
            .as_ref()
            .filter(|s| s.first().map(|e| e.index) == Some(next))
        {
            return s.clone();
        }
        let built = self.log.run(next, last, self.config.max_entries_per_append);
        *shared = Some(built.clone());
        built
    }

    fn send_append(
        &mut self,
        to: NodeId,
        prev_log_index: u64,
        prev_log_term: u64,
        entries: SharedEntries,
    ) {
        let body = MessageBody::AppendEntries {
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit: self.log.commit_index(),
            read_seq: self.reads.seq(),
        };
        self.send(to, body);
    }

    /// §5.2 heartbeats: an AppendEntries to every peer, which also probes followers whose
    /// match point is unknown (at most one probe per heartbeat interval) and detects lost
    /// entries of streaming followers.
    pub(super) fn broadcast_heartbeat(&mut self) {
        self.for_each_peer(Node::send_heartbeat);
    }

    pub(super) fn send_heartbeat(&mut self, to: NodeId) {
        let timeout = self.config.election_timeout_ms_min;
        let now = self.now_ms;
        let pr = self.progress.get_mut(&to).expect("progress for peer");
        match pr.state {
            ProgressState::Snapshot if now >= pr.snapshot_sent_at_ms.saturating_add(timeout) => {
                pr.become_probe(); // The snapshot may have been lost: start over.
            }
            ProgressState::Snapshot => {
                let (idx, term) = (
                    self.log.first_index() - 1,
                    self.log.snapshot().last_included_term,
                );
                self.send_append(to, idx, term, SharedEntries::default());
                return;
            }
            ProgressState::Probe => pr.probe_sent = false,
            ProgressState::Replicate => {}
        }
        let pr = self.progress.get_mut(&to).expect("progress for peer");
        let prev = pr.next_index - 1;
        match (pr.state, self.log.term(prev)) {
            (ProgressState::Replicate, Some(term)) => {
                self.send_append(to, prev, term, SharedEntries::default())
            }
            (ProgressState::Replicate, None) => {
                // The optimistic next entries were compacted away: the in-flight window may be
                // full of lost appends that will never be acknowledged, so fall back to probing
                // (which sends the snapshot) instead of waiting on the window forever.
                pr.become_probe();
                self.maybe_send_append(to, true);
            }
            _ => {
                self.maybe_send_append(to, true);
            }
        }
    }

    /// Follower side of AppendEntries (Figure 2 receiver rules 2–5), at the leader's term.
    pub(super) fn handle_append_entries(&mut self, m: Message) {
        if self.role == Role::Leader {
            self.ignore(&m, IgnoreReason::SameTermLeader);
            return;
        }
        // §5.2: a candidate that hears from a leader of its term concedes; every append from
        // the leader resets the election timer.
        self.become_follower(m.term, Some(m.from));
        let MessageBody::AppendEntries {
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
            read_seq,
        } = m.body
        else {
            unreachable!("dispatched by kind")
        };
        if prev_log_index < self.log.commit_index() {
            // Everything up to our commit index already matches the leader (committed).
            let match_index = self.log.commit_index();
            self.reply_append(m.from, Ok(match_index), read_seq);
            return;
        }
        let old_commit = self.log.commit_index();
        let allow_overwrite = self.config.bugs.any();
        let has_config = entries.iter().any(|e| e.config().is_some());
        match self
            .log
            .maybe_append(prev_log_index, prev_log_term, &entries, allow_overwrite)
        {
            Ok(appended) => {
                if appended.truncated_from.is_some_and(|t| t <= old_commit) {
                    let index = appended.truncated_from.expect("checked");
                    self.events.push(Event::CommittedEntryOverwritten { index });
                }
                if appended.truncated_from.is_some() || has_config {
                    self.refresh_configuration();
                }
                // Figure 2 rule 5: commit up to min(leader_commit, index of last new entry).
                self.log
                    .commit_to(leader_commit.min(appended.last_new_index));
                self.reply_append(m.from, Ok(appended.last_new_index), read_seq);
            }
            Err(reject) => {
                self.events.push(Event::AppendRejected {
                    leader: m.from,
                    reason: reject.reason,
                });
                self.reply_append(m.from, Err(reject), read_seq);
            }
        }
    }

    fn reply_append(&mut self, to: NodeId, result: Result<u64, AppendReject>, read_seq: u64) {
        let body = match result {
            Ok(match_index) => MessageBody::AppendEntriesResponse {
                success: true,
                match_index,
                reject: None,
                read_seq,
            },
            Err(r) => MessageBody::AppendEntriesResponse {
                success: false,
                match_index: 0,
                reject: Some(r),
                read_seq,
            },
        };
        self.send(to, body);
    }

    /// Reply to an AppendEntries/InstallSnapshot from an out-of-date leader (§5.1).
    pub(super) fn reply_stale_append(&mut self, m: &Message) {
        let reason = AppendRejectReason::StaleTerm {
            receiver_term: self.current_term,
        };
        self.events.push(Event::AppendRejected {
            leader: m.from,
            reason,
        });
        let reject = AppendReject {
            reason,
            rejected_index: 0,
            hint_index: 0,
            hint_term: 0,
        };
        self.reply_append(m.from, Err(reject), 0);
    }

    /// Leader side: a follower answered AppendEntries.
    pub(super) fn handle_append_response(&mut self, m: &Message) {
        let MessageBody::AppendEntriesResponse {
            success,
            match_index,
            reject,
            read_seq,
        } = m.body
        else {
            unreachable!("dispatched by kind")
        };
        if self.role != Role::Leader || !self.progress.contains_key(&m.from) {
            self.ignore(m, IgnoreReason::UnexpectedInRole);
            return;
        }
        let pr = self.progress.get_mut(&m.from).expect("checked");
        pr.recent_active = true;
        pr.read_ack_seq = pr.read_ack_seq.max(read_seq);
        if success {
            self.on_append_success(m.from, match_index);
        } else if let Some(r) = reject {
            self.on_append_reject(m.from, r);
        }
        self.maybe_confirm_reads();
    }

    fn on_append_success(&mut self, from: NodeId, match_index: u64) {
        let pr = self.progress.get_mut(&from).expect("checked");
        let updated = pr.maybe_update(match_index);
        match pr.state {
            ProgressState::Probe => pr.become_replicate(),
            ProgressState::Snapshot if pr.match_index >= pr.pending_snapshot => pr.become_probe(),
            _ => {}
        }
        if updated && self.maybe_commit() {
            // The commit advanced and was broadcast.
        } else {
            while self.maybe_send_append(from, false) {}
        }
        if updated {
            self.on_peer_caught_up(from);
        }
    }

    fn on_append_reject(&mut self, from: NodeId, r: AppendReject) {
        if self.progress[&from].state == ProgressState::Snapshot {
            return; // Waiting for the snapshot; the heartbeat merely kept the follower quiet.
        }
        // Fast back-up (thesis §5.3): jump to the last index where our log can match the hint.
        // The hint is follower-supplied: never beyond our own log.
        let hint = if r.hint_term > 0 {
            self.log.find_conflict_by_term(r.hint_index, r.hint_term).0
        } else {
            r.hint_index.min(self.log.last_index())
        };
        let pr = self.progress.get_mut(&from).expect("checked");
        if pr.maybe_decr_to(r.rejected_index, hint) {
            self.maybe_send_append(from, true);
        }
    }

    /// §5.3/§5.4.2: advance commit_index to the highest index stored on a majority of voters,
    /// but only by counting replicas of a *current-term* entry (Figure 8). Broadcasts the new
    /// commit index. Returns whether it advanced.
    pub(super) fn maybe_commit(&mut self) -> bool {
        let last = self.log.last_index();
        let n = quorum_value(&self.configuration.voters, |v| {
            if v == self.id {
                last
            } else {
                self.progress.get(&v).map_or(0, |p| p.match_index)
            }
        });
        if n <= self.log.commit_index() {
            return false;
        }
        let current_term_entry = self.log.term(n) == Some(self.current_term);
        if !current_term_entry && !self.config.bugs.skip_figure8_rule {
            return false;
        }
        self.log.commit_to(n);
        self.on_leader_commit();
        if self.role == Role::Leader {
            self.broadcast_append(true);
        }
        true
    }
}
