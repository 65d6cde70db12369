//! Notable events with reason codes, for the UI's event feed and for tests.

use serde::{Deserialize, Serialize};

use super::membership::{Configuration, MembershipError};
use super::message::{AppendRejectReason, MessageKind, NodeId, VoteRejectReason};
use thiserror::Error;

/// A server's role (§5.1, thesis §9.6 for the pre-candidate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    /// Passive: answers leaders and candidates.
    Follower,
    /// Running a pre-vote round without having incremented its term (thesis §9.6).
    PreCandidate,
    /// Running an election (§5.2).
    Candidate,
    /// Handles client requests and replicates the log (§5.3).
    Leader,
}

impl Role {
    /// The role's name as traces write it (`Follower`, `PreCandidate`, …).
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "Follower",
            Role::PreCandidate => "PreCandidate",
            Role::Candidate => "Candidate",
            Role::Leader => "Leader",
        }
    }
}

/// Why an election started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CampaignReason {
    /// The election timer fired (§5.2).
    ElectionTimeout,
    /// `campaign()` was called.
    Explicit,
    /// The leader sent TimeoutNow (thesis §3.10).
    LeaderTransfer,
    /// A pre-vote round was won (thesis §9.6).
    PreVoteWon,
}

/// Why a leader stepped down without seeing a higher term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepDownReason {
    /// It did not hear from a majority within an election timeout (check-quorum, §6.2).
    QuorumLost,
    /// A configuration without it committed (thesis §4.2.2).
    RemovedFromConfiguration,
}

impl StepDownReason {
    /// The reason's name as traces write it (`QuorumLost`, `RemovedFromConfiguration`).
    pub fn name(self) -> &'static str {
        match self {
            StepDownReason::QuorumLost => "QuorumLost",
            StepDownReason::RemovedFromConfiguration => "RemovedFromConfiguration",
        }
    }
}

/// Why a proposal, membership change or transfer was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum ProposeError {
    /// Only the leader accepts proposals; `leader_hint` is the leader this server knows of.
    #[error("not the leader (leader hint: {})", crate::debug_text::Opt(*.leader_hint))]
    NotLeader {
        /// The known leader, if any.
        leader_hint: Option<NodeId>,
    },
    /// A leadership transfer is in progress (thesis §3.10).
    #[error("leadership transfer to {target} in progress")]
    TransferInProgress {
        /// The transfer target.
        target: NodeId,
    },
    /// The latest configuration entry is not committed yet (thesis §4.1).
    #[error("configuration change at index {index} is not committed yet")]
    ConfigChangePending {
        /// Index of the uncommitted configuration entry.
        index: u64,
    },
    /// A new leader has not yet committed an entry of its own term, so it may not append a
    /// configuration entry (Ongaro's 2015 fix to single-server changes, thesis §4.1 errata).
    #[error("no entry of term {term} is committed yet; membership changes must wait")]
    TermNotCommitted {
        /// The leader's term.
        term: u64,
    },
    /// The membership change does not apply to the current configuration.
    #[error("invalid membership change: {0}")]
    InvalidMembershipChange(MembershipError),
}

/// Why a leadership transfer was not started or was abandoned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum TransferError {
    /// This server is not the leader and knows no leader to forward to.
    #[error("no known leader to transfer from")]
    NoLeader,
    /// The target is already the leader.
    #[error("server {0} is already the leader")]
    ToSelf(NodeId),
    /// The target is not a voter (learners and strangers cannot lead).
    #[error("server {0} is not a voter")]
    NotAVoter(NodeId),
    /// The target did not take over within an election timeout.
    #[error("transfer to {0} timed out")]
    Timeout(NodeId),
    /// The leader lost leadership or the target left the configuration.
    #[error("transfer to {0} abandoned")]
    Abandoned(NodeId),
}

/// Why a read request was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum ReadIndexError {
    /// No leader is known to ask.
    #[error("no known leader")]
    NoLeader,
    /// The leader lost leadership before the read was confirmed.
    #[error("leadership lost before the read was confirmed")]
    LeadershipLost,
    /// The server asked is not the leader.
    #[error("the server asked is not the leader")]
    NotLeader,
}

/// Why a message was not processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IgnoreReason {
    /// Its term is older than the receiver's (§5.1).
    StaleTerm,
    /// It was addressed to another server.
    WrongRecipient,
    /// It makes no sense in the receiver's role (e.g. a vote reply at a follower).
    UnexpectedInRole,
    /// Another leader of the same term sent it (only possible with deliberate bugs on).
    SameTermLeader,
    /// No correct server could have sent it (e.g. entries that do not follow
    /// `prev_log_index`, a term or index beyond any reachable value, a sender id that is the
    /// receiver's own or invalid, a reply claiming more than the leader's log holds).
    Malformed,
}

/// Something notable that happened inside a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// Role or term changed.
    RoleChanged {
        /// New role.
        role: Role,
        /// New term.
        term: u64,
        /// Known leader after the change.
        leader: Option<NodeId>,
    },
    /// An election (or pre-vote round) started.
    ElectionStarted {
        /// Term campaigned for.
        term: u64,
        /// A pre-vote round.
        pre_vote: bool,
        /// Why.
        reason: CampaignReason,
    },
    /// This server granted its (pre-)vote.
    VoteGranted {
        /// The candidate.
        candidate: NodeId,
        /// The candidate's term.
        term: u64,
        /// A pre-vote.
        pre_vote: bool,
    },
    /// This server refused its (pre-)vote.
    VoteDenied {
        /// The candidate.
        candidate: NodeId,
        /// The candidate's term.
        term: u64,
        /// A pre-vote.
        pre_vote: bool,
        /// Why.
        reason: VoteRejectReason,
    },
    /// This server rejected an AppendEntries.
    AppendRejected {
        /// The sender.
        leader: NodeId,
        /// Why.
        reason: AppendRejectReason,
    },
    /// A proposal or membership change was refused.
    ProposalDropped {
        /// Why.
        reason: ProposeError,
    },
    /// A read request was dropped.
    ReadDropped {
        /// The request id.
        ctx: u64,
        /// Why.
        reason: ReadIndexError,
    },
    /// A message was ignored.
    MessageIgnored {
        /// The sender.
        from: NodeId,
        /// Its kind.
        kind: MessageKind,
        /// Why.
        reason: IgnoreReason,
    },
    /// The leader stepped down without a higher term.
    SteppedDown {
        /// Why.
        reason: StepDownReason,
    },
    /// A leadership transfer started (thesis §3.10).
    TransferStarted {
        /// Target.
        target: NodeId,
    },
    /// TimeoutNow was sent to the caught-up target.
    TimeoutNowSent {
        /// Target.
        target: NodeId,
    },
    /// A transfer request was ignored or a transfer abandoned.
    TransferAborted {
        /// Target.
        target: NodeId,
        /// Why.
        reason: TransferError,
    },
    /// The configuration in use changed (a configuration entry was appended, truncated, or a
    /// snapshot installed).
    ConfigChanged {
        /// Index of the entry (or snapshot) it comes from.
        index: u64,
        /// The configuration now in use.
        configuration: Configuration,
    },
    /// The leader proposed promoting a caught-up learner (thesis §4.2.1).
    LearnerPromotionProposed {
        /// The learner.
        learner: NodeId,
    },
    /// The log prefix was replaced by a snapshot (compaction).
    LogCompacted {
        /// Last included index.
        index: u64,
    },
    /// The leader sent a snapshot to a follower whose next entry was compacted away.
    SnapshotSent {
        /// Follower.
        to: NodeId,
        /// Last included index.
        index: u64,
    },
    /// A snapshot from the leader was installed.
    SnapshotInstalled {
        /// Last included index.
        index: u64,
        /// Last included term.
        term: u64,
    },
    /// A committed entry was overwritten. Only possible with deliberate bugs switched on.
    CommittedEntryOverwritten {
        /// The first overwritten index.
        index: u64,
    },
}
