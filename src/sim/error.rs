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
    /// A parameter is out of its allowed range or does not apply.
    #[error("invalid parameter {name}: {reason}")]
    InvalidParameter {
        /// Which parameter.
        name: &'static str,
        /// What is wrong with it (structured, so the page can word it in its language).
        reason: Invalid,
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

/// What is wrong with a parameter. The English text is the `Display`; the page words each
/// variant itself from its fields (`src/wasm/errors.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Invalid {
    /// Larger than another parameter it is bounded by.
    #[error("must not exceed {other}")]
    Exceeds {
        /// The bounding parameter.
        other: &'static str,
    },
    /// Outside an inclusive range.
    #[error("must be {min}..={max}, got {got}")]
    OutOfRange {
        /// Smallest allowed value.
        min: u64,
        /// Largest allowed value.
        max: u64,
        /// The value given.
        got: u64,
    },
    /// Zero where a positive value is needed.
    #[error("must be greater than zero")]
    Zero,
    /// A probability above 100 %.
    #[error("{got} is above 1000000 (100%)")]
    AbovePpm {
        /// The value given, in parts per million.
        got: u32,
    },
    /// A duration above its limit.
    #[error("{got} ms is above the limit of {max} ms")]
    AboveLimitMs {
        /// The value given.
        got: u64,
        /// The limit.
        max: u64,
    },
    /// A scheduled time before now.
    #[error("{at_ms} is in the past (now is {now_ms})")]
    InPast {
        /// The time asked for.
        at_ms: u64,
        /// The world's clock.
        now_ms: u64,
    },
    /// A server named twice in a partition.
    #[error("S{server} appears in more than one place")]
    RepeatedServer {
        /// The server.
        server: NodeId,
    },
    /// A link from a server to itself.
    #[error("S{server} has no link to itself")]
    SelfLink {
        /// The server.
        server: NodeId,
    },
    /// A write asked to be served by ReadIndex.
    #[error("only a get can be served by ReadIndex")]
    ReadIndexNeedsGet,
    /// An empty key.
    #[error("must not be empty")]
    Empty,
    /// A text longer than allowed.
    #[error("longer than {max} characters")]
    TooLong {
        /// The most characters allowed.
        max: u64,
    },
    /// A snapshot of a state machine that lags its log (a deliberate bug is on).
    #[error("S{server}'s state machine lags its log (a deliberate bug is on)")]
    StateMachineLags {
        /// The server.
        server: NodeId,
    },
    /// A leader's timer fired early (only election timers can be).
    #[error("S{server} leads; only an election timer can be fired early")]
    LeaderTimer {
        /// The leader.
        server: NodeId,
    },
}

/// A shorthand for an invalid-parameter error.
pub(crate) fn invalid(name: &'static str, reason: Invalid) -> SimError {
    SimError::InvalidParameter { name, reason }
}
