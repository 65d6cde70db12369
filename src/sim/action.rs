//! Everything a caller can do to the world, as a closure-free, serializable value.
//!
//! The same [`Action`] values are (a) issued by the facade, the CLI or a test through
//! [`crate::sim::Simulation::apply`], (b) recorded in the command log so that time travel
//! replays them, and (c) scheduled as scenario steps ([`Action::Schedule`]).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::config::LinkConfig;
use crate::debug_text::{List, Opt, Quoted};
use crate::kv::Operation;
use crate::raft::NodeId;

/// One command to the world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// Crash a server: volatile state is lost, its disk survives.
    Crash {
        /// The server.
        server: NodeId,
    },
    /// Restart a crashed server from its disk.
    Restart {
        /// The server.
        server: NodeId,
    },
    /// Pause a server (a very slow machine): it fires no timer and receives nothing.
    Pause {
        /// The server.
        server: NodeId,
    },
    /// Resume a paused server; the messages held for it arrive now.
    Resume {
        /// The server.
        server: NodeId,
    },
    /// Split the servers into groups that cannot talk to each other.
    Partition {
        /// The groups; servers in none form one more group together.
        groups: Vec<Vec<NodeId>>,
    },
    /// Cut the link `from → to` (and `to → from` too when `both`).
    CutLink {
        /// Sender side.
        from: NodeId,
        /// Receiver side.
        to: NodeId,
        /// Cut both directions.
        both: bool,
    },
    /// Repair the link `from → to` (and back when `both`).
    RepairLink {
        /// Sender side.
        from: NodeId,
        /// Receiver side.
        to: NodeId,
        /// Repair both directions.
        both: bool,
    },
    /// Remove every partition and cut.
    Heal,
    /// Set every link's behaviour (latency, loss, duplication, reordering).
    SetNetwork {
        /// The new behaviour.
        link: LinkConfig,
    },
    /// Set one directed link's behaviour.
    SetLink {
        /// Sender side.
        from: NodeId,
        /// Receiver side.
        to: NodeId,
        /// The new behaviour.
        link: LinkConfig,
    },
    /// Queue an operation on a client (it runs after the client's current one).
    ClientOp {
        /// The client.
        client: u32,
        /// The operation.
        op: Operation,
        /// For a `Get`: serve it by ReadIndex instead of through the log.
        read_index: bool,
    },
    /// Switch the random client workload on or off.
    SetWorkload {
        /// On or off.
        enabled: bool,
    },
    /// Switch the random fault generator on or off.
    SetFaults {
        /// On or off.
        enabled: bool,
    },
    /// Add a new server through the leader (it joins as a learner and is promoted once
    /// caught up, thesis §4.2.1).
    AddServer {
        /// The new server's id (1..=25, unused).
        server: NodeId,
    },
    /// Remove a server from the configuration through the leader (thesis §4.2.2).
    RemoveServer {
        /// The server.
        server: NodeId,
    },
    /// Ask the current leader to hand leadership to `to` (thesis §3.10).
    TransferLeadership {
        /// The target.
        to: NodeId,
    },
    /// Compact a server's log at its applied index with a state-machine snapshot.
    Snapshot {
        /// The server.
        server: NodeId,
    },
    /// Make a server start an election now.
    Campaign {
        /// The server.
        server: NodeId,
    },
    /// Run `action` later, at virtual time `at_ms` (a scenario step).
    Schedule {
        /// When.
        at_ms: u64,
        /// What.
        action: Box<Action>,
    },
    /// Adversary: deliver an in-flight message now, out of turn.
    DeliverNow {
        /// The message id.
        message: u64,
    },
    /// Adversary: drop an in-flight message.
    DropMessage {
        /// The message id.
        message: u64,
    },
    /// Adversary: put a second copy of an in-flight message on the wire (it arrives with the
    /// link's latency).
    DuplicateMessage {
        /// The message id.
        message: u64,
    },
    /// Adversary: hold an in-flight message (it does not arrive until released).
    HoldMessage {
        /// The message id.
        message: u64,
    },
    /// Adversary: release a held message; it arrives now.
    ReleaseMessage {
        /// The message id.
        message: u64,
    },
    /// Adversary: fire a server's timer now (its election timeout or heartbeat, whatever is
    /// next), as if its deadline had come.
    FireTimer {
        /// The server.
        server: NodeId,
    },
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Action as A;
        match self {
            A::Crash { server } => write!(f, "crash S{server}"),
            A::Restart { server } => write!(f, "restart S{server}"),
            A::Pause { server } => write!(f, "pause S{server}"),
            A::Resume { server } => write!(f, "resume S{server}"),
            A::Partition { groups } => {
                f.write_str("partition [")?;
                for (i, g) in groups.iter().enumerate() {
                    let sep = if i > 0 { ", " } else { "" };
                    write!(f, "{sep}{}", List(g))?;
                }
                f.write_str("]")
            }
            A::CutLink { from, to, both } => write!(f, "cut S{from}{}S{to}", arrow(*both)),
            A::RepairLink { from, to, both } => write!(f, "repair S{from}{}S{to}", arrow(*both)),
            A::Heal => write!(f, "heal"),
            A::SetNetwork { link } => write!(f, "set network {}", link_summary(link)),
            A::SetLink { from, to, link } => {
                write!(f, "set link S{from}->S{to} {}", link_summary(link))
            }
            A::ClientOp {
                client,
                op,
                read_index,
            } => {
                write!(
                    f,
                    "client C{client} op {}{}",
                    op_summary(op),
                    if *read_index { " (read-index)" } else { "" }
                )
            }
            A::SetWorkload { enabled } => write!(f, "workload {}", on_off(*enabled)),
            A::SetFaults { enabled } => write!(f, "faults {}", on_off(*enabled)),
            A::AddServer { server } => write!(f, "add server S{server}"),
            A::RemoveServer { server } => write!(f, "remove server S{server}"),
            A::TransferLeadership { to } => write!(f, "transfer leadership to S{to}"),
            A::Snapshot { server } => write!(f, "snapshot S{server}"),
            A::Campaign { server } => write!(f, "campaign S{server}"),
            A::Schedule { at_ms, action } => write!(f, "schedule at t={at_ms}: {action}"),
            A::DeliverNow { message } => write!(f, "deliver #{message} now"),
            A::DropMessage { message } => write!(f, "drop #{message}"),
            A::DuplicateMessage { message } => write!(f, "duplicate #{message}"),
            A::HoldMessage { message } => write!(f, "hold #{message}"),
            A::ReleaseMessage { message } => write!(f, "release #{message}"),
            A::FireTimer { server } => write!(f, "fire timer S{server}"),
        }
    }
}

fn arrow(both: bool) -> &'static str {
    if both {
        "<->"
    } else {
        "->"
    }
}

fn on_off(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

fn link_summary(l: &LinkConfig) -> String {
    format!(
        "latency={}..{} loss={}ppm dup={}ppm reorder={}ppm/{}ms",
        l.latency_ms_min,
        l.latency_ms_max,
        l.loss_ppm,
        l.duplicate_ppm,
        l.reorder_ppm,
        l.reorder_delay_ms_max
    )
}

/// A compact rendering of an operation for trace lines.
pub(crate) fn op_summary(op: &Operation) -> String {
    match op {
        Operation::Get { key } => format!("get {key}"),
        Operation::Put { key, value } => format!("put {key}={value}"),
        Operation::Cas { key, expected, new } => {
            format!("cas {key} {}->{new}", Opt(expected.as_deref().map(Quoted)))
        }
        Operation::Append { key, value } => format!("append {key}+={value}"),
    }
}
