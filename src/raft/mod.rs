//! The Raft consensus core: a pure, deterministic state machine per server.
//!
//! Design (etcd-io/raft and tikv/raft-rs style, sans-IO): a [`Node`] takes inputs —
//! [`Node::step`] for messages, [`Node::tick`] for virtual time, and client calls
//! ([`Node::propose`], [`Node::read_index`], [`Node::transfer_leadership`],
//! [`Node::propose_membership_change`], [`Node::compact`], [`Node::campaign`]) — and produces
//! a [`Ready`] batch: what to persist, messages to send, committed entries to apply, a
//! snapshot to load, confirmed reads and notable [`Event`]s with reason codes.
//!
//! Layout: `node.rs` (state, clock, role transitions, dispatch), `election.rs`,
//! `replication.rs`, `read_index.rs`, `transfer.rs`, `snapshot.rs`, `reconfig.rs` (protocol
//! parts), `log.rs`, `progress.rs`, `quorum.rs`, `membership.rs` (pure parts), `message.rs`,
//! `event.rs`, `storage.rs`, `config.rs` (types), `inspect.rs` (read-only accessors),
//! `validate.rs` (screening out malformed messages before they touch any state).
//!
//! Driving a node (what a simulator does per server):
//! 1. at virtual time `t`: `node.tick(t)`, then `node.step(msg)` for each message delivered
//!    at `t` (or a client call); schedule the next timer event at `node.next_timer_at()`;
//! 2. `let rd = node.ready()`: `disk.apply(&rd.persist)` ([`DurableState::apply`]), then send
//!    `rd.messages`, load `rd.snapshot_to_install`, apply `rd.committed_entries`, serve
//!    `rd.read_states`. There is no `advance`: draining is the acknowledgement.
//! 3. after a crash: `Node::restore(id, config, &disk, seed, t)`.
//!
//! Choices: membership changes are single-server (thesis §4.1) with learners; pre-vote and
//! check-quorum are switchable; deliberate bugs live in [`Bugs`]. Node ids are 1-based `u32`.

mod config;
mod election;
mod event;
mod inspect;
mod log;
mod membership;
mod message;
mod node;
mod progress;
mod quorum;
mod read_index;
mod reconfig;
mod replication;
mod snapshot;
mod storage;
mod stored;
mod transfer;
mod validate;

pub use config::{Bugs, Config, ConfigError};
pub use election::CampaignError;
pub use event::{
    CampaignReason, Event, IgnoreReason, ProposeError, ReadIndexError, Role, StepDownReason,
    TransferError,
};
pub use inspect::CommitStatus;
pub use log::RaftLog;
pub use membership::{Configuration, MembershipChange, MembershipError, MAX_SERVERS};
pub use message::{
    AppendReject, AppendRejectReason, Bytes, ConfigEntry, Entry, EntryPayload, Message,
    MessageBody, MessageKind, NodeId, SharedEntries, Snapshot, VoteRejectReason,
};
pub use node::Node;
pub use progress::{Progress, ProgressState};
pub use quorum::{majority, quorum_value, vote_result, VoteResult};
pub use snapshot::CompactError;
pub use storage::{DurableState, HardState, PersistBatch, ReadState, Ready};
pub use stored::StoredEntries;
