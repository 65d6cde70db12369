//! Clients: sessions, one operation at a time, timeouts and retries with the same serial.
//!
//! Transport: a request is not a Raft message; it travels as a direct call with a modelled
//! one-way latency (`WorkloadConfig::latency_ms_*`, drawn from the client's own stream), as an
//! event in the queue, and so does the answer. It is lost when the server is crashed or paused
//! on arrival; it is not subject to server↔server partitions. Timeouts and retries are what
//! make a lost request or answer visible, exactly as with a real network.
//!
//! Protocol (thesis §6.3): a client first registers a session, then runs operations. It sends
//! each to the server it believes leads; a "not leader" answer with a hint redirects it at
//! once, without a hint it tries the next server after a back-off; a timeout retries the
//! *same serial* (`ClientSession::retry`) at the next server. After `max_attempts` it gives up
//! and the operation's outcome stays unknown in the history.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

use super::config::{OpMix, WorkloadConfig};
use super::queue::EventKey;
use super::rng::{SimRng, Stream};
use crate::kv::{ClientSession, Command, Operation, Response};
use crate::raft::NodeId;

/// What a request asks the server to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum RequestBody {
    /// Propose this command (register, or an operation with its serial).
    Propose(Command),
    /// Serve a linearizable read by ReadIndex (thesis §6.4).
    ReadIndex {
        /// The key.
        key: String,
    },
}

/// A client request on its way to a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientRequest {
    /// The client.
    pub client: u32,
    /// The server it was sent to.
    pub server: NodeId,
    /// The client's attempt counter when it was sent.
    pub attempt: u64,
    /// The operation ticket it belongs to (see [`Pending::ticket`]).
    pub ticket: u64,
    /// What to do.
    pub body: RequestBody,
}

/// A server's answer on its way back to a client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientReply {
    /// The client.
    pub client: u32,
    /// The server that answered.
    pub server: NodeId,
    /// The operation ticket it answers.
    pub ticket: u64,
    /// The answer.
    pub body: ReplyBody,
}

/// What a server answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ReplyBody {
    /// The server is not the leader (or is no longer).
    NotLeader {
        /// The leader it knows of.
        hint: Option<NodeId>,
    },
    /// The state machine's response.
    Response(Response),
}

/// What the client is waiting for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum PendingKind {
    /// A session registration.
    Register,
    /// An operation through the log, with its serial.
    Log {
        /// The session serial (reused by every retry).
        serial: u64,
    },
    /// A read by ReadIndex.
    ReadIndex {
        /// The key.
        key: String,
    },
}

/// The request a client has outstanding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pending {
    /// Identifies this operation across retries (unique per client); answers carry it.
    pub ticket: u64,
    /// Index of the operation in the world's history (none for a registration).
    pub history_id: Option<u64>,
    /// What it waits for.
    pub kind: PendingKind,
    /// Sends so far (the first included).
    pub attempts: u32,
    /// Virtual time of the first send.
    pub started_ms: u64,
}

/// Running totals of one client.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ClientStats {
    /// Operations started (registrations excluded).
    pub started: u64,
    /// Operations answered.
    pub completed: u64,
    /// Re-sends (after a timeout or a redirect).
    pub retries: u64,
    /// Requests that timed out.
    pub timeouts: u64,
    /// Operations given up on after `max_attempts`.
    pub gave_up: u64,
    /// Sessions registered.
    pub registrations: u64,
}

/// One client.
#[derive(Debug, Clone)]
pub struct Client {
    /// Client id (1-based).
    pub id: u32,
    pub(crate) rng: SimRng,
    pub(crate) session: Option<ClientSession>,
    pub(crate) pending: Option<Pending>,
    /// The server it sends to next.
    pub(crate) leader_guess: NodeId,
    /// Incremented at every send; timeouts of older attempts are stale.
    pub(crate) attempt: u64,
    pub(crate) next_ticket: u64,
    /// Operations queued by the user, run before random ones.
    pub(crate) queue: VecDeque<(Operation, bool)>,
    /// The last value this client saw per key (to make plausible CAS expectations).
    pub(crate) last_seen: BTreeMap<String, Option<String>>,
    /// Whether a `ClientStart` event is scheduled.
    pub(crate) start_scheduled: bool,
    /// The armed request timeout (removed when the request is answered or re-sent).
    pub(crate) timeout: Option<EventKey>,
    pub(crate) stats: ClientStats,
}

impl Client {
    /// A client that has not registered yet and will first try server `first_guess`.
    pub fn new(seed: u64, id: u32, first_guess: NodeId) -> Self {
        Client {
            id,
            rng: SimRng::new(seed, Stream::Client, u64::from(id)),
            session: None,
            pending: None,
            leader_guess: first_guess,
            attempt: 0,
            next_ticket: 1,
            queue: VecDeque::new(),
            last_seen: BTreeMap::new(),
            start_scheduled: false,
            timeout: None,
            stats: ClientStats::default(),
        }
    }

    /// The session id, once registered.
    pub fn session_id(&self) -> Option<u64> {
        self.session.as_ref().map(ClientSession::client_id)
    }

    /// The outstanding request, if any.
    pub fn pending(&self) -> Option<&Pending> {
        self.pending.as_ref()
    }

    /// Totals.
    pub fn stats(&self) -> ClientStats {
        self.stats
    }

    /// The server the client will send to next.
    pub fn leader_guess(&self) -> NodeId {
        self.leader_guess
    }

    /// Operations queued by the user.
    pub fn queued(&self) -> impl Iterator<Item = &(Operation, bool)> {
        self.queue.iter()
    }

    pub(crate) fn take_ticket(&mut self) -> u64 {
        let t = self.next_ticket;
        self.next_ticket += 1;
        t
    }

    /// Draws a think time.
    pub(crate) fn draw_think(&mut self, w: &WorkloadConfig) -> u64 {
        self.rng.range_inclusive(w.think_ms_min, w.think_ms_max)
    }

    /// Draws a one-way client↔server latency.
    pub(crate) fn draw_latency(&mut self, w: &WorkloadConfig) -> u64 {
        self.rng.range_inclusive(w.latency_ms_min, w.latency_ms_max)
    }

    /// Draws a random operation (and whether to read by ReadIndex); `None` if the mix is
    /// empty. Values name the client and a counter, so every written value is unique and a
    /// linearizability violation is easy to read.
    pub(crate) fn draw_op(&mut self, w: &WorkloadConfig) -> Option<(Operation, bool)> {
        let OpMix {
            put,
            get,
            read_index_get,
            cas,
            append,
        } = w.mix;
        let which = self
            .rng
            .weighted(&[put, get, read_index_get, cas, append])?;
        let key = format!("k{}", self.rng.below(u64::from(w.keys)));
        let value = format!("c{}.{}", self.id, self.stats.started + 1);
        let op = match which {
            0 => Operation::Put { key, value },
            1 | 2 => Operation::Get { key },
            3 => {
                let expected = self.last_seen.get(&key).cloned().flatten();
                Operation::Cas {
                    key,
                    expected,
                    new: value,
                }
            }
            _ => Operation::Append {
                key,
                value: format!("[{value}]"),
            },
        };
        Some((op, which == 2))
    }

    /// Remembers what an answer revealed about a key.
    pub(crate) fn observe(&mut self, op: &Operation, response: &Response) {
        let seen = match (op, response) {
            (Operation::Get { .. }, Response::Value { value }) => Some(value.clone()),
            (Operation::Get { .. }, Response::NotFound) => None,
            (Operation::Put { value, .. }, Response::Ok) => Some(value.clone()),
            (Operation::Cas { new, .. }, Response::CasOk) => Some(new.clone()),
            (Operation::Cas { .. }, Response::CasFailed { current }) => current.clone(),
            _ => return,
        };
        self.last_seen.insert(op.key().to_string(), seen);
    }

    /// The request body for the pending operation (a retry reuses the serial).
    pub(crate) fn request_body(&self) -> RequestBody {
        let pending = self.pending.as_ref().expect("bug: no pending request");
        match &pending.kind {
            PendingKind::Register => RequestBody::Propose(ClientSession::register_command()),
            PendingKind::Log { serial } => {
                let session = self.session.as_ref().expect("bug: log op without session");
                let cmd = session
                    .retry(*serial)
                    .expect("bug: pending serial is outstanding");
                RequestBody::Propose(cmd)
            }
            PendingKind::ReadIndex { key } => RequestBody::ReadIndex { key: key.clone() },
        }
    }

    /// Moves the guess to the next server in `servers` (round robin).
    pub(crate) fn rotate_guess(&mut self, servers: &[NodeId]) {
        if servers.is_empty() {
            return;
        }
        let next = servers
            .iter()
            .copied()
            .find(|&s| s > self.leader_guess)
            .unwrap_or(servers[0]);
        self.leader_guess = next;
    }
}
