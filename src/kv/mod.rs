//! The replicated state machine: a key-value store with client sessions (exactly-once).
//!
//! The Raft core replicates opaque bytes; this module gives them meaning. A [`Command`] is
//! encoded with [`Command::encode`] before it is proposed, and every replica applies each
//! committed entry, in log order, with [`KvStore::apply_entry_bytes`] (or [`KvStore::apply`]
//! for an already decoded command, [`KvStore::apply_no_op`] for entries that carry none),
//! passing the entry's index and the leader timestamp stored in it.
//!
//! Exactly-once semantics follow thesis §6.3:
//!
//! * a client opens a session with [`Command::RegisterClient`]; the session id is the log
//!   index of that entry;
//! * every request carries a serial number and the lowest serial the client has not yet
//!   received a response for; the store saves responses per session, answers a retried
//!   serial from the cache ([`OutcomeKind::Duplicate`]) without executing it again, and
//!   discards responses below the client's floor;
//! * sessions expire by log time (leader timestamps in entries) and by a least-recently-used
//!   cap, so every replica expires the same sessions at the same entry; a command for an
//!   unknown session is refused without touching the data.
//!
//! [`ClientSession`] is the client half: it issues serials and builds retries.
//! [`KvStore::snapshot`] / [`KvStore::restore`] carry the whole state, sessions included.
//! Linearizable reads outside the log (§6.4 ReadIndex) use [`KvStore::read`].
//!
//! [`KvConfig::apply_without_dedup`] is a deliberate bug for demonstrating the checker.

mod client;
pub(crate) mod codec;
mod command;
mod response;
mod session;
mod snapshot;
mod store;

pub use client::{ClientError, ClientSession};
pub use codec::DecodeError;
pub use command::{ClientId, Command, Operation, COMMAND_FORMAT_VERSION};
pub use response::{ApplyOutcome, OutcomeKind, Response, SessionError};
pub use session::SessionView;
pub use snapshot::SNAPSHOT_FORMAT_VERSION;
pub use store::{ConfigError, KvConfig, KvCounters, KvStore};
