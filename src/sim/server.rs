//! One simulated machine: a Raft node, its disk, its state machine and the client requests it
//! is working on.

use crate::collections::VecMap;
use crate::debug_text::expect_ok;

use serde::Serialize;

use super::queue::EventKey;
use crate::kv::{KvConfig, KvStore};
use crate::raft::{DurableState, Node, NodeId, StoredEntries};

/// Whether a machine runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    /// Running normally.
    Running,
    /// Alive but frozen: no timer fires and incoming messages are held until it resumes.
    Paused,
    /// Down: only its disk exists; messages to it are dropped on arrival.
    Crashed,
}

/// A client request a server accepted and is waiting to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Waiter {
    pub(crate) client: u32,
    pub(crate) ticket: u64,
    /// The term the entry was proposed in. With its index it names the entry (Log Matching,
    /// §5.3): if the entry applied at the index has another term, a later leader overwrote
    /// ours and the outcome is someone else's — even when it looks like ours (two
    /// registrations at one index both answer "registered as session <index>").
    pub(crate) term: u64,
    /// What the applied outcome must name as well: the session and serial (`None`, `None` for
    /// a registration).
    pub(crate) session: Option<u64>,
    pub(crate) serial: Option<u64>,
}

/// A ReadIndex read waiting for its read state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadWaiter {
    pub(crate) client: u32,
    pub(crate) ticket: u64,
    pub(crate) key: String,
}

/// One machine.
#[derive(Debug, Clone)]
pub struct Server {
    /// Its id.
    pub id: NodeId,
    pub(crate) status: Status,
    /// The Raft node; `None` exactly when crashed.
    pub(crate) node: Option<Node>,
    /// Exactly what the node persisted (survives crashes).
    pub(crate) disk: DurableState,
    /// The state machine (volatile: rebuilt from the snapshot and the log on restart).
    pub(crate) kv: KvStore,
    /// How many times it was (re)started; seeds a fresh election PRNG each time.
    pub(crate) incarnation: u64,
    /// Its scheduled timer event.
    pub(crate) timer: Option<EventKey>,
    /// Messages that arrived while paused, in arrival order (in-flight ids, held).
    pub(crate) held: Vec<u64>,
    /// Proposals waiting for their entry to apply, by log index (volatile).
    pub(crate) waiting: VecMap<u64, Waiter>,
    /// ReadIndex reads waiting for their read state, by ctx (volatile).
    pub(crate) reads: VecMap<u64, ReadWaiter>,
    pub(crate) next_read_ctx: u64,
}

impl Server {
    /// A running machine around a freshly built node.
    pub(crate) fn new(node: Node, kv: KvConfig) -> Self {
        Server {
            id: node.id(),
            status: Status::Running,
            node: Some(node),
            disk: DurableState::default(),
            kv: expect_ok(
                KvStore::new(kv),
                "bug: kv config validated with the world config",
            ),
            incarnation: 0,
            timer: None,
            held: Vec::new(),
            waiting: VecMap::new(),
            reads: VecMap::new(),
            next_read_ctx: 1,
        }
    }

    /// Whether it is running or paused.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The Raft node (`None` while crashed).
    pub fn node(&self) -> Option<&Node> {
        self.node.as_ref()
    }

    /// What it has persisted.
    pub fn disk(&self) -> &DurableState {
        &self.disk
    }

    /// Its retained log: its node's, or its disk's while crashed.
    pub fn retained_entries(&self) -> &StoredEntries {
        self.node
            .as_ref()
            .map_or(&self.disk.entries, |n| n.log_entries())
    }

    /// Its state machine (while crashed: what it held when it crashed, which is lost and
    /// rebuilt on restart).
    pub fn kv(&self) -> &KvStore {
        &self.kv
    }

    /// How many restarts.
    pub fn incarnation(&self) -> u64 {
        self.incarnation
    }

    /// Whether it processes events (running, not paused, not crashed).
    pub fn is_running(&self) -> bool {
        self.status == Status::Running
    }

    pub(crate) fn node_mut(&mut self) -> &mut Node {
        self.node.as_mut().expect("bug: node of a crashed server")
    }
}
