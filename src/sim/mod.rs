//! The world: a deterministic, discrete-event virtual cluster of Raft servers, their disks,
//! a network, clients and faults, with a trace, safety checking and time travel.
//!
//! * **Time and events.** Virtual milliseconds. A queue of events ordered by (time,
//!   insertion sequence): message deliveries, one timer per running server at the core's
//!   `next_timer_at()`, client actions, fault draws and scheduled scenario steps. Caller
//!   commands ([`Action`]) are steps too; see [`Simulation`] for the command log and time
//!   travel.
//! * **One seed.** Each subsystem draws from its own stream, seeded by SplitMix64 over (seed,
//!   subsystem, index) ([`rng`]): each server's election timer (and each restart of it), the
//!   network, each client, the fault generator.
//! * **Servers** ([`Server`]): persist-before-send — each Ready is written to the modelled
//!   disk, then its messages go on the wire, then a snapshot is loaded and committed entries
//!   applied to the key-value store, then ReadIndex reads are served. Command entries carry the
//!   leader's timestamp ([`envelope`]). A crash keeps only the disk; a restart rebuilds the node
//!   with `Node::restore` and the store from the snapshot plus re-applied entries. A paused
//!   server fires no timer; messages reaching it are held (visible, in order) until it resumes.
//! * **Network** ([`Network`]): per-link latency, loss, duplication, reordering, one-way cuts,
//!   partitions; in-flight messages are first-class records.
//! * **Clients**: see [`client`].
//! * **Checks**: the lead's [`crate::check::safety::SafetyChecker`] after every Ready, restart
//!   and apply (switch: [`SimConfig::check_safety`]); linearizability on demand.

pub mod action;
pub mod client;
pub mod config;
pub mod envelope;
pub mod error;
mod faults;
mod idhash;
pub mod network;
pub mod queue;
pub mod rng;
pub mod server;
mod simulation;
pub mod trace;
pub mod view;
pub mod wire;
mod world;
mod world_action;
mod world_client;

pub use action::Action;
pub use config::{FaultConfig, LinkConfig, OpMix, SimConfig, WorkloadConfig};
pub use error::{Invalid, SimError};
pub use network::{Departure, DropReason, InFlight, Network};
pub use server::{Server, Status};
pub use simulation::{LoggedCommand, Simulation, CHECKPOINT_BUDGET_BYTES, MAX_ADVANCE_MS};
pub use view::{ClientView, EntryView, PendingEvent, PendingWhat, ProgressView, ServerView};
pub use world::{Counters, World};
