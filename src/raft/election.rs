//! Leader election: pre-vote (thesis §9.6), RequestVote (§5.2, §5.4.1) and check-quorum
//! (thesis §6.2).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::event::{CampaignReason, Event, IgnoreReason, Role, StepDownReason};
use super::message::{Message, MessageBody, NodeId, VoteRejectReason};
use super::node::Node;
use super::quorum::{majority, vote_result, VoteResult};

/// Why `campaign()` did nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum CampaignError {
    /// This server is already the leader.
    #[error("already the leader")]
    AlreadyLeader,
    /// Learners and non-members never campaign (thesis §4.2.1).
    #[error("not a voter in the current configuration")]
    NotAVoter,
}

impl Node {
    /// Starts an election now, as if the election timer had fired (with pre-vote first when
    /// configured).
    pub fn campaign(&mut self) -> Result<(), CampaignError> {
        if self.role == Role::Leader {
            return Err(CampaignError::AlreadyLeader);
        }
        if !self.configuration.is_voter(self.id) {
            return Err(CampaignError::NotAVoter);
        }
        self.start_election(CampaignReason::Explicit);
        Ok(())
    }

    pub(super) fn start_election(&mut self, reason: CampaignReason) {
        let skip_pre_vote = matches!(
            reason,
            CampaignReason::LeaderTransfer | CampaignReason::PreVoteWon
        );
        if self.config.pre_vote && !skip_pre_vote {
            self.become_pre_candidate();
            self.request_votes(true, false, reason);
        } else {
            self.become_candidate();
            self.request_votes(false, reason == CampaignReason::LeaderTransfer, reason);
        }
    }

    /// Counts our own ballot, then asks every other voter (§5.2, Figure 2 RequestVote).
    fn request_votes(&mut self, pre_vote: bool, leader_transfer: bool, reason: CampaignReason) {
        // A pre-vote is requested at the term we would campaign at, without adopting it.
        let term = if pre_vote {
            self.current_term + 1
        } else {
            self.current_term
        };
        self.events.push(Event::ElectionStarted {
            term,
            pre_vote,
            reason,
        });
        if self.poll() {
            return;
        }
        let (last_log_index, last_log_term) = (self.log.last_index(), self.log.last_term());
        let voters = self.configuration.voters.clone();
        let me = self.id;
        for v in voters.into_iter().filter(|&v| v != me) {
            let body = MessageBody::RequestVote {
                pre_vote,
                leader_transfer,
                last_log_index,
                last_log_term,
            };
            self.send_at_term(v, term, body);
        }
    }

    /// Tallies ballots; acts on a decided election. Returns whether it was decided.
    fn poll(&mut self) -> bool {
        match vote_result(&self.configuration.voters, &self.votes) {
            VoteResult::Pending => false,
            VoteResult::Won if self.role == Role::PreCandidate => {
                self.start_election(CampaignReason::PreVoteWon);
                true
            }
            VoteResult::Won => {
                self.become_leader();
                true
            }
            VoteResult::Lost => {
                self.become_follower(self.current_term, None);
                true
            }
        }
    }

    /// Called for a vote request with a higher term before adopting it: leader stickiness and
    /// the membership guard (thesis §4.2.3) make us ignore some of them without changing term.
    pub(super) fn admit_vote_request(
        &mut self,
        m: &Message,
        pre_vote: bool,
        leader_transfer: bool,
    ) -> bool {
        let reason = if !self.configuration.is_voter(m.from) {
            VoteRejectReason::CandidateNotVoter
        } else if !leader_transfer && self.in_lease() {
            VoteRejectReason::LeaderActive {
                leader: self.leader_id.expect("lease implies a leader"),
            }
        } else {
            return true;
        };
        self.events.push(Event::VoteDenied {
            candidate: m.from,
            term: m.term,
            pre_vote,
            reason,
        });
        false
    }

    pub(super) fn handle_request_vote(&mut self, m: &Message) {
        let MessageBody::RequestVote {
            pre_vote,
            last_log_index,
            last_log_term,
            ..
        } = m.body
        else {
            unreachable!("dispatched by kind")
        };
        let reason = self.vote_reject_reason(m, pre_vote, last_log_index, last_log_term);
        if reason.is_none() && !pre_vote {
            // §5.2: at most one vote per term, persisted (Ready order) before the reply leaves.
            self.voted_for = Some(m.from);
            self.hard_state_dirty = true;
            self.reset_election_timer();
        }
        self.reply_vote(m, pre_vote, reason);
    }

    fn vote_reject_reason(
        &self,
        m: &Message,
        pre_vote: bool,
        lli: u64,
        llt: u64,
    ) -> Option<VoteRejectReason> {
        if !self.configuration.is_voter(m.from) {
            return Some(VoteRejectReason::CandidateNotVoter);
        }
        // A pre-vote for a future term is granted whatever we did in this term (thesis §9.6).
        let can_vote = self.voted_for == Some(m.from)
            || (self.voted_for.is_none() && self.leader_id.is_none())
            || (pre_vote && m.term > self.current_term);
        if !can_vote {
            return Some(match (self.voted_for, self.leader_id) {
                (Some(v), _) => VoteRejectReason::AlreadyVoted { voted_for: v },
                (None, Some(l)) => VoteRejectReason::LeaderKnown { leader: l },
                (None, None) => unreachable!("can_vote covers this"),
            });
        }
        // §5.4.1 election restriction.
        if !self.config.bugs.skip_vote_log_check && !self.log.is_up_to_date(lli, llt) {
            return Some(VoteRejectReason::LogNotUpToDate {
                candidate_last_term: llt,
                candidate_last_index: lli,
                voter_last_term: self.log.last_term(),
                voter_last_index: self.log.last_index(),
            });
        }
        None
    }

    /// Replies to a (pre-)vote request. Grants carry the request's term so the candidate
    /// counts them; refusals carry ours so a stale candidate learns the newer term.
    pub(super) fn reply_vote(
        &mut self,
        m: &Message,
        pre_vote: bool,
        reason: Option<VoteRejectReason>,
    ) {
        let granted = reason.is_none();
        let term = if granted { m.term } else { self.current_term };
        self.events.push(match reason {
            None => Event::VoteGranted {
                candidate: m.from,
                term: m.term,
                pre_vote,
            },
            Some(reason) => Event::VoteDenied {
                candidate: m.from,
                term: m.term,
                pre_vote,
                reason,
            },
        });
        let body = MessageBody::RequestVoteResponse {
            pre_vote,
            granted,
            reject_reason: reason,
        };
        self.send_at_term(m.from, term, body);
    }

    pub(super) fn handle_vote_response(&mut self, m: &Message) {
        let MessageBody::RequestVoteResponse {
            pre_vote, granted, ..
        } = m.body
        else {
            unreachable!("dispatched by kind")
        };
        let expected = match self.role {
            Role::PreCandidate => pre_vote && (m.term == self.current_term + 1 || !granted),
            Role::Candidate => !pre_vote,
            _ => false,
        };
        if !expected {
            self.ignore(m, IgnoreReason::UnexpectedInRole);
            return;
        }
        self.votes.entry(m.from).or_insert(granted);
        self.poll();
    }

    /// Thesis §6.2: once per minimum election timeout a leader checks that a majority of
    /// voters was heard from since the last round, and steps down otherwise. Returns whether
    /// it is still leader.
    pub(super) fn check_quorum_round(&mut self) -> bool {
        if self.config.check_quorum {
            let voters = &self.configuration.voters;
            let active = voters
                .iter()
                .filter(|&&v| {
                    v == self.id || self.progress.get(&v).is_some_and(|p| p.recent_active)
                })
                .count();
            if active < majority(voters.len()) {
                self.events.push(Event::SteppedDown {
                    reason: StepDownReason::QuorumLost,
                });
                self.become_follower(self.current_term, None);
                return false;
            }
        }
        for p in self.progress.values_mut() {
            p.recent_active = false;
        }
        true
    }

    /// The voters that granted this server's current (pre-)election, for the UI.
    pub fn votes_granted(&self) -> Vec<NodeId> {
        self.votes
            .iter()
            .filter(|(_, &g)| g)
            .map(|(&id, _)| id)
            .collect()
    }
}
