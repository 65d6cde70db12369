//! Errors a caller of the world can cause (bad ids, impossible requests, bad parameters).

use thiserror::Error;

use crate::raft::{CampaignError, CompactError, ConfigError, NodeId, ProposeError, TransferError};

/// Why the world refused a command. The world is unchanged when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SimError {
    /// No server has this id.
    #[error("there is no server S{0}")]
    UnknownServer(NodeId),
    /// No client has this id.
    #[error("there is no client C{0}")]
    UnknownClient(u32),
    /// No message in flight has this id (it was delivered, dropped or never existed).
    #[error("no message #{0} is in flight")]
    UnknownMessage(u64),
    /// The server is crashed, so it cannot do that.
    #[error("server S{0} is crashed")]
    ServerCrashed(NodeId),
    /// The server is running, so it cannot be restarted.
    #[error("server S{0} is not crashed")]
    ServerNotCrashed(NodeId),
    /// The server is paused.
    #[error("server S{0} is paused")]
    ServerPaused(NodeId),
    /// The server is not paused, so it cannot be resumed.
    #[error("server S{0} is not paused")]
    ServerNotPaused(NodeId),
    /// A server with this id already exists.
    #[error("server S{0} already exists")]
    ServerExists(NodeId),
    /// No live server believes it is the leader, so a membership change cannot be proposed.
    #[error("no live leader to propose to")]
    NoLeader,
    /// The message is held, so it cannot be rescheduled that way.
    #[error("message #{0} is held; release it first")]
    MessageHeld(u64),
    /// The message is not held.
    #[error("message #{0} is not held")]
    MessageNotHeld(u64),
    /// A numeric parameter is out of its allowed range.
    #[error("invalid parameter {name}: {reason}")]
    InvalidParameter {
        /// Which parameter.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The Raft configuration is invalid.
    #[error("invalid Raft configuration: {0}")]
    RaftConfig(#[from] ConfigError),
    /// The key-value configuration is invalid.
    #[error("invalid key-value configuration: {0}")]
    KvConfig(#[from] crate::kv::ConfigError),
    /// The leader refused the proposal.
    #[error("proposal refused: {0}")]
    Proposal(#[from] ProposeError),
    /// The server refused to campaign.
    #[error("campaign refused: {0}")]
    Campaign(#[from] CampaignError),
    /// The leadership transfer was refused.
    #[error("leadership transfer refused: {0}")]
    Transfer(#[from] TransferError),
    /// Compaction was refused.
    #[error("snapshot refused: {0}")]
    Compact(#[from] CompactError),
    /// Nothing to step back over: the world is at its very beginning.
    #[error("already at the beginning of the run")]
    AtBeginning,
    /// The server has no timer scheduled (crashed or paused).
    #[error("server S{0} has no timer scheduled")]
    NoTimer(NodeId),
}

/// A shorthand for an invalid-parameter error.
pub(crate) fn invalid(name: &'static str, reason: impl Into<String>) -> SimError {
    SimError::InvalidParameter {
        name,
        reason: reason.into(),
    }
}
