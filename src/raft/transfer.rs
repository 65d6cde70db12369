//! Leadership transfer (thesis §3.10): the leader stops taking proposals, brings the target's
//! log up to date, then sends it TimeoutNow so it campaigns at once (its RequestVotes bypass
//! leader stickiness). The transfer is abandoned after a minimum election timeout.

use super::event::{CampaignReason, Event, IgnoreReason, Role, TransferError};
use super::message::{Message, MessageBody, NodeId};
use super::node::{Node, Transfer};

impl Node {
    /// Asks for leadership to move to `target`. On a follower the request is forwarded to the
    /// known leader. Refused (with an event) for the leader itself and for non-voters.
    pub fn transfer_leadership(&mut self, target: NodeId) -> Result<(), TransferError> {
        if self.role == Role::Leader {
            return self.leader_transfer(target);
        }
        match self.leader_id {
            Some(leader) => {
                self.send(leader, MessageBody::TransferLeader { target });
                Ok(())
            }
            None => Err(self.transfer_refused(target, TransferError::NoLeader)),
        }
    }

    /// The current transfer target, if a transfer is in progress.
    pub fn transfer_target(&self) -> Option<NodeId> {
        self.transfer.map(|t| t.target)
    }

    fn transfer_refused(&mut self, target: NodeId, reason: TransferError) -> TransferError {
        self.events.push(Event::TransferAborted { target, reason });
        reason
    }

    fn leader_transfer(&mut self, target: NodeId) -> Result<(), TransferError> {
        if target == self.id {
            return Err(self.transfer_refused(target, TransferError::ToSelf(target)));
        }
        if !self.configuration.is_voter(target) {
            return Err(self.transfer_refused(target, TransferError::NotAVoter(target)));
        }
        if let Some(t) = self.transfer {
            if t.target == target {
                return Ok(());
            }
            self.abort_transfer(TransferError::Abandoned(t.target));
        }
        let deadline_ms = self
            .now_ms
            .saturating_add(self.config.election_timeout_ms_min);
        self.transfer = Some(Transfer {
            target,
            deadline_ms,
        });
        self.events.push(Event::TransferStarted { target });
        if self.progress[&target].match_index == self.log.last_index() {
            self.send_timeout_now(target);
        } else {
            // Catch the target up now rather than at the next heartbeat.
            let pr = self
                .progress
                .get_mut(&target)
                .expect("voters have progress");
            pr.probe_sent = false;
            self.maybe_send_append(target, true);
        }
        Ok(())
    }

    fn send_timeout_now(&mut self, target: NodeId) {
        self.events.push(Event::TimeoutNowSent { target });
        self.send(target, MessageBody::TimeoutNow);
    }

    pub(super) fn abort_transfer(&mut self, reason: TransferError) {
        if let Some(t) = self.transfer.take() {
            self.events.push(Event::TransferAborted {
                target: t.target,
                reason,
            });
        }
    }

    /// A peer's match index rose: finish a transfer waiting for it, or promote it if it is a
    /// learner that has caught up.
    pub(super) fn on_peer_caught_up(&mut self, peer: NodeId) {
        if self.role != Role::Leader || !self.progress.contains_key(&peer) {
            return;
        }
        if self.transfer.is_some_and(|t| t.target == peer)
            && self.progress[&peer].match_index == self.log.last_index()
        {
            self.send_timeout_now(peer);
        }
        self.maybe_promote_learner(peer);
    }

    pub(super) fn handle_timeout_now(&mut self, m: &Message) {
        if self.role == Role::Leader || !self.configuration.is_voter(self.id) {
            self.ignore(m, IgnoreReason::UnexpectedInRole);
            return;
        }
        self.start_election(CampaignReason::LeaderTransfer);
    }

    pub(super) fn handle_transfer_request(&mut self, m: &Message) {
        let MessageBody::TransferLeader { target } = m.body else {
            unreachable!("dispatched by kind")
        };
        if self.role == Role::Leader {
            let _ = self.leader_transfer(target);
        } else {
            self.ignore(m, IgnoreReason::UnexpectedInRole);
        }
    }
}
