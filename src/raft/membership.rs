//! Cluster membership: configurations and single-server changes (thesis §4.1–§4.2).
//!
//! raftlab uses *single-server* changes, not joint consensus: every change adds, promotes or
//! removes one server, so any majority of the old configuration overlaps any majority of the
//! new one (thesis §4.1). A server uses the latest configuration in its log, committed or
//! not, and a leader refuses a new change while its latest configuration entry is
//! uncommitted.
//!
//! New servers join as learners (non-voters, thesis §4.2.1) that receive the log but neither
//! vote in quorums nor campaign. [`MembershipChange::AddServer`] marks the learner as
//! *catching up*: the leader itself proposes [`MembershipChange::PromoteLearner`] once the
//! learner's log is within one AppendEntries batch of its own. [`MembershipChange::AddLearner`]
//! adds a permanent learner that is only promoted by an explicit `PromoteLearner`.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::message::NodeId;

/// The largest cluster raftlab supports (voters plus learners).
pub const MAX_SERVERS: u32 = 25;

/// A cluster configuration. Invariant: `voters`, `learners` are sorted, disjoint, without
/// duplicates; `catching_up` is a subset of `learners`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Configuration {
    /// Servers whose votes count in elections and commitment.
    pub voters: Vec<NodeId>,
    /// Non-voting members that receive the log.
    pub learners: Vec<NodeId>,
    /// Learners that the leader promotes automatically once they have caught up.
    pub catching_up: Vec<NodeId>,
}

/// One single-server membership change (thesis §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MembershipChange {
    /// Add a new server as a learner; the leader promotes it once caught up (thesis §4.2.1).
    AddServer(NodeId),
    /// Add a permanent learner (promoted only by an explicit `PromoteLearner`).
    AddLearner(NodeId),
    /// Make a learner a voter.
    PromoteLearner(NodeId),
    /// Remove a voter or learner (thesis §4.2.2 when it is the leader).
    RemoveServer(NodeId),
}

/// As the inspector's entry summaries write it: the text of `{:?}` (`AddServer(4)`).
impl fmt::Display for MembershipChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, id) = match self {
            MembershipChange::AddServer(id) => ("AddServer", id),
            MembershipChange::AddLearner(id) => ("AddLearner", id),
            MembershipChange::PromoteLearner(id) => ("PromoteLearner", id),
            MembershipChange::RemoveServer(id) => ("RemoveServer", id),
        };
        write!(f, "{name}({id})")
    }
}

/// Why a membership change cannot be applied to a configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum MembershipError {
    /// The server id is 0 or above the supported maximum.
    #[error("server id {0} is invalid (ids are 1..=25)")]
    InvalidId(NodeId),
    /// The server is already a member.
    #[error("server {0} is already a member")]
    AlreadyMember(NodeId),
    /// The server is not a member.
    #[error("server {0} is not a member")]
    NotAMember(NodeId),
    /// The server is not a learner, so it cannot be promoted.
    #[error("server {0} is not a learner")]
    NotALearner(NodeId),
    /// Removing the server would leave no voters.
    #[error("removing server {0} would leave the cluster without voters")]
    LastVoter(NodeId),
    /// The cluster would exceed the supported size.
    #[error("the cluster would exceed {MAX_SERVERS} servers")]
    TooManyServers,
}

impl Configuration {
    /// A configuration of the given voters (sorted, deduplicated) and no learners.
    pub fn with_voters(voters: &[NodeId]) -> Self {
        let mut v = voters.to_vec();
        crate::collections::sort::sort_unstable(&mut v);
        v.dedup();
        Configuration {
            voters: v,
            ..Default::default()
        }
    }

    /// Whether `id` is a voter.
    pub fn is_voter(&self, id: NodeId) -> bool {
        self.voters.binary_search(&id).is_ok()
    }

    /// Whether `id` is a learner.
    pub fn is_learner(&self, id: NodeId) -> bool {
        self.learners.binary_search(&id).is_ok()
    }

    /// Whether `id` is a voter or learner.
    pub fn contains(&self, id: NodeId) -> bool {
        self.is_voter(id) || self.is_learner(id)
    }

    /// Every member, voters first, each list sorted.
    pub fn members(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.voters.iter().chain(self.learners.iter()).copied()
    }

    /// The configuration that results from `change`.
    pub fn apply(&self, change: MembershipChange) -> Result<Configuration, MembershipError> {
        let mut next = self.clone();
        match change {
            MembershipChange::AddServer(id) | MembershipChange::AddLearner(id) => {
                if id == 0 || id > MAX_SERVERS {
                    return Err(MembershipError::InvalidId(id));
                }
                if self.contains(id) {
                    return Err(MembershipError::AlreadyMember(id));
                }
                if self.voters.len() + self.learners.len() >= MAX_SERVERS as usize {
                    return Err(MembershipError::TooManyServers);
                }
                insert_sorted(&mut next.learners, id);
                if matches!(change, MembershipChange::AddServer(_)) {
                    insert_sorted(&mut next.catching_up, id);
                }
            }
            MembershipChange::PromoteLearner(id) => {
                if !self.is_learner(id) {
                    return Err(MembershipError::NotALearner(id));
                }
                next.learners.retain(|&l| l != id);
                next.catching_up.retain(|&l| l != id);
                insert_sorted(&mut next.voters, id);
            }
            MembershipChange::RemoveServer(id) => {
                if !self.contains(id) {
                    return Err(MembershipError::NotAMember(id));
                }
                if self.voters == [id] {
                    return Err(MembershipError::LastVoter(id));
                }
                next.voters.retain(|&v| v != id);
                next.learners.retain(|&l| l != id);
                next.catching_up.retain(|&l| l != id);
            }
        }
        Ok(next)
    }
}

fn insert_sorted(v: &mut Vec<NodeId>, id: NodeId) {
    if let Err(pos) = v.binary_search(&id) {
        v.insert(pos, id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_server_joins_as_catching_up_learner_then_promotes() {
        let c = Configuration::with_voters(&[3, 1, 2]);
        let c = c.apply(MembershipChange::AddServer(4)).unwrap();
        assert_eq!(c.voters, vec![1, 2, 3]);
        assert_eq!(c.learners, vec![4]);
        assert_eq!(c.catching_up, vec![4]);
        let c = c.apply(MembershipChange::PromoteLearner(4)).unwrap();
        assert_eq!(c.voters, vec![1, 2, 3, 4]);
        assert!(c.learners.is_empty() && c.catching_up.is_empty());
    }

    #[test]
    fn invalid_changes_are_refused_with_a_reason() {
        let c = Configuration::with_voters(&[1]);
        assert_eq!(
            c.apply(MembershipChange::AddServer(1)),
            Err(MembershipError::AlreadyMember(1))
        );
        assert_eq!(
            c.apply(MembershipChange::RemoveServer(2)),
            Err(MembershipError::NotAMember(2))
        );
        assert_eq!(
            c.apply(MembershipChange::PromoteLearner(1)),
            Err(MembershipError::NotALearner(1))
        );
        assert_eq!(
            c.apply(MembershipChange::RemoveServer(1)),
            Err(MembershipError::LastVoter(1))
        );
        assert_eq!(
            c.apply(MembershipChange::AddLearner(0)),
            Err(MembershipError::InvalidId(0))
        );
    }
}
