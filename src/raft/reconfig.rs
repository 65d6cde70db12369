//! Driving membership changes through the log (thesis §4.1–§4.2); the configuration type and
//! its rules live in `membership.rs`.

use super::event::{Event, ProposeError, Role, StepDownReason, TransferError};
use super::membership::{Configuration, MembershipChange};
use super::message::{ConfigEntry, Entry, EntryPayload, NodeId};
use super::node::Node;
use super::progress::Progress;

impl Node {
    /// Proposes a single-server membership change (thesis §4.1). Refused while the latest
    /// configuration entry is uncommitted, before the leader has committed an entry of its own
    /// term, or while a transfer is in progress. Returns the entry's
    /// index; the new configuration is in force on this leader immediately.
    pub fn propose_membership_change(
        &mut self,
        change: MembershipChange,
    ) -> Result<u64, ProposeError> {
        self.check_can_propose()?;
        let result = self.next_configuration(change);
        let next = match result {
            Ok(c) => c,
            Err(reason) => {
                self.events.push(Event::ProposalDropped { reason });
                return Err(reason);
            }
        };
        let index = self.log.last_index() + 1;
        let payload = EntryPayload::Config(Box::new(ConfigEntry {
            change,
            configuration: next.clone(),
        }));
        self.log.append(Entry {
            index,
            term: self.current_term,
            payload,
        });
        self.set_configuration(index, next);
        if self.role == Role::Leader {
            self.after_leader_append();
        }
        Ok(index)
    }

    fn next_configuration(&self, change: MembershipChange) -> Result<Configuration, ProposeError> {
        if self.config_index > self.log.commit_index() {
            return Err(ProposeError::ConfigChangePending {
                index: self.config_index,
            });
        }
        // Thesis §4.1 errata (Ongaro, raft-dev 2015): a leader whose term has no committed
        // entry may still hold an uncommitted configuration of an earlier leader in its view
        // of the cluster; changing again before its no-op commits lets two leaders commit
        // disjoint single-server changes.
        if !self.committed_in_current_term() {
            return Err(ProposeError::TermNotCommitted {
                term: self.current_term,
            });
        }
        self.configuration
            .apply(change)
            .map_err(ProposeError::InvalidMembershipChange)
    }

    /// The index of the latest configuration entry if it is not committed yet.
    pub fn pending_config_index(&self) -> Option<u64> {
        (self.config_index > self.log.commit_index()).then_some(self.config_index)
    }

    /// Re-reads the latest configuration from the log (after appends, truncation or a
    /// snapshot) and adopts it if it changed.
    pub(super) fn refresh_configuration(&mut self) {
        let (index, conf) = self.log.configuration_at(self.log.last_index());
        if index != self.config_index || *conf != self.configuration {
            let conf = conf.clone();
            self.set_configuration(index, conf);
        }
    }

    fn set_configuration(&mut self, index: u64, configuration: Configuration) {
        self.config_index = index;
        self.configuration = configuration;
        self.events.push(Event::ConfigChanged {
            index,
            configuration: self.configuration.clone(),
        });
        if self.role == Role::Leader {
            self.sync_progress();
        }
    }

    /// Leader: track exactly the other members; abandon a transfer to a server that is no
    /// longer a voter.
    fn sync_progress(&mut self) {
        let next = self.log.last_index() + 1;
        let conf = &self.configuration;
        self.progress.retain(|id, _| conf.contains(*id));
        let members: Vec<NodeId> = conf.members().filter(|&m| m != self.id).collect();
        for m in members {
            self.progress
                .entry(m)
                .or_insert_with(|| Progress::new(next));
        }
        if let Some(t) = self.transfer {
            if !self.configuration.is_voter(t.target) {
                self.abort_transfer(TransferError::Abandoned(t.target));
            }
        }
    }

    /// After the commit index advanced on the leader: a leader that is no longer a voter
    /// steps down once that configuration is committed (thesis §4.2.2); a pending promotion
    /// may now go ahead.
    pub(super) fn after_commit_membership(&mut self) {
        if self.role != Role::Leader || self.config_index > self.log.commit_index() {
            return;
        }
        if !self.configuration.is_voter(self.id) {
            self.events.push(Event::SteppedDown {
                reason: StepDownReason::RemovedFromConfiguration,
            });
            self.become_follower(self.current_term, None);
            return;
        }
        if self.configuration.catching_up.is_empty() {
            return; // The common case: nothing to promote, nothing to copy.
        }
        let catching_up = self.configuration.catching_up.clone();
        for l in catching_up {
            self.maybe_promote_learner(l);
        }
    }

    /// Thesis §4.2.1: a learner added with `AddServer` is promoted once its log is within one
    /// AppendEntries batch of the leader's, when no other change is pending.
    pub(super) fn maybe_promote_learner(&mut self, learner: NodeId) {
        if self.role != Role::Leader
            || self.transfer.is_some()
            || !self.configuration.catching_up.contains(&learner)
            || self.config_index > self.log.commit_index()
            || !self.committed_in_current_term()
        {
            return;
        }
        let Some(pr) = self.progress.get(&learner) else {
            return;
        };
        if pr
            .match_index
            .saturating_add(self.config.max_entries_per_append)
            < self.log.last_index()
        {
            return;
        }
        self.events
            .push(Event::LearnerPromotionProposed { learner });
        let _ = self.propose_membership_change(MembershipChange::PromoteLearner(learner));
    }
}
