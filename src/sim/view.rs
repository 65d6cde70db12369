//! Read-only views of the world for the UI, the CLI and the checkers.

use crate::debug_text::expect_ok;
use serde::Serialize;

use super::action::{op_summary, Action};
use super::client::{Client, Pending};
use super::envelope;
use super::network::InFlight;
use super::queue::Event;
use super::server::{Server, Status};
use super::trace::Trace;
use super::world::{Counters, World};
use crate::check::history::History;
use crate::check::linearizability::Verdict;
use crate::check::safety::Violation;
use crate::kv::{Command, SessionView};
use crate::raft::{Configuration, Entry, EntryPayload, MessageKind, NodeId, Progress, Role};

/// One log entry, summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryView {
    /// Index.
    pub index: u64,
    /// Term.
    pub term: u64,
    /// What it carries, e.g. `noop`, `C2#5 put k1=c2.5`, `config AddServer(4)`.
    pub summary: String,
}

/// A follower's replication progress as the leader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressView {
    /// The follower.
    pub id: NodeId,
    /// The leader's bookkeeping for it.
    pub progress: Progress,
}

/// Everything the UI shows about one server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerView {
    /// Id.
    pub id: NodeId,
    /// Running, paused or crashed.
    pub status: Status,
    /// Restarts so far.
    pub incarnation: u64,
    /// Role (`None` while crashed).
    pub role: Option<Role>,
    /// Current term (from the disk while crashed).
    pub term: u64,
    /// Vote in the current term (from the disk while crashed).
    pub voted_for: Option<NodeId>,
    /// Known leader.
    pub leader: Option<NodeId>,
    /// Commit index (0 while crashed: it is volatile).
    pub commit_index: u64,
    /// Last applied index.
    pub last_applied: u64,
    /// Index and term of the snapshot the log starts from.
    pub snapshot: (u64, u64),
    /// The retained log (from the disk while crashed).
    pub log: Vec<EntryView>,
    /// Leader only: progress per follower.
    pub progress: Vec<ProgressView>,
    /// When the election timer fires (leader: next check-quorum round).
    pub election_deadline_ms: Option<u64>,
    /// The randomized timeout running.
    pub election_timeout_ms: Option<u64>,
    /// When the election timer was last reset.
    pub election_reset_at_ms: Option<u64>,
    /// Leader: next heartbeat.
    pub heartbeat_deadline_ms: Option<u64>,
    /// Candidate: ballots received.
    pub votes: Vec<(NodeId, bool)>,
    /// The configuration in use.
    pub configuration: Option<Configuration>,
    /// Key-value contents (empty while crashed).
    pub kv: Vec<(String, String)>,
    /// Client sessions (empty while crashed).
    pub sessions: Vec<SessionView>,
    /// Messages held for it while paused.
    pub held: Vec<u64>,
}

/// What a scheduled event will do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum PendingWhat {
    /// Deliver an in-flight message.
    Deliver {
        /// Message id (use with the adversary actions).
        message: u64,
        /// Kind.
        kind: MessageKind,
        /// Sender.
        from: NodeId,
        /// Recipient.
        to: NodeId,
    },
    /// A server's timer.
    Timer {
        /// The server.
        server: NodeId,
    },
    /// A client starts its next operation.
    ClientStart {
        /// The client.
        client: u32,
    },
    /// A client's request times out.
    ClientTimeout {
        /// The client.
        client: u32,
    },
    /// A client re-sends after a back-off.
    ClientRetry {
        /// The client.
        client: u32,
    },
    /// A client request reaches a server.
    ClientRequest {
        /// The client.
        client: u32,
        /// The server.
        server: NodeId,
    },
    /// An answer reaches a client.
    ClientReply {
        /// The client.
        client: u32,
        /// The server that answered.
        server: NodeId,
    },
    /// The fault generator draws.
    Fault,
    /// A scheduled scenario step.
    Scheduled {
        /// The action.
        action: Action,
    },
}

/// One scheduled event, soonest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingEvent {
    /// When it fires.
    pub time_ms: u64,
    /// Tie-break order.
    pub seq: u64,
    /// What it does.
    pub what: PendingWhat,
}

/// One client, for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientView {
    /// Id.
    pub id: u32,
    /// Session id once registered.
    pub session: Option<u64>,
    /// The server it sends to next.
    pub leader_guess: NodeId,
    /// The outstanding request.
    pub pending: Option<Pending>,
    /// Operations queued by the user.
    pub queued: u64,
    /// Totals.
    pub stats: super::client::ClientStats,
}

impl World {
    /// Virtual time now.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// Steps taken (events plus commands).
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The configuration the world was built with.
    pub fn config(&self) -> &super::config::SimConfig {
        &self.config
    }

    /// Every server, by id.
    pub fn servers(&self) -> impl Iterator<Item = &Server> {
        self.servers.values()
    }

    /// One server.
    pub fn server(&self, id: NodeId) -> Option<&Server> {
        self.servers.get(&id)
    }

    /// The live leader with the highest term, if any.
    pub fn current_leader(&self) -> Option<NodeId> {
        self.leader()
    }

    /// Every running server that believes it leads, with its term.
    pub fn leaders(&self) -> Vec<(NodeId, u64)> {
        let running = self.servers.values().filter(|s| s.is_running());
        let nodes = running.filter_map(|s| s.node.as_ref());
        nodes
            .filter(|n| n.role() == Role::Leader)
            .map(|n| (n.id(), n.current_term()))
            .collect()
    }

    /// Every client.
    pub fn clients(&self) -> impl Iterator<Item = &Client> {
        self.clients.iter()
    }

    /// The client history: the recent operations in call order (`completion: None` = unknown
    /// outcome or still running), the count of all, and the verdict over the whole run.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The trace.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The hash of every trace line so far.
    pub fn trace_hash(&self) -> u64 {
        self.trace.hash()
    }

    /// Running totals.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Safety violations seen so far (none when the checker is switched off).
    pub fn violations(&self) -> &[Violation] {
        self.checker.violations()
    }

    /// Whether the safety checker runs after every event.
    pub fn safety_checked(&self) -> bool {
        self.check_safety
    }

    /// Checks the client history of the whole run for linearizability (on demand for the
    /// operations not folded yet: it is a search).
    pub fn check_linearizability(&self) -> Verdict {
        self.history.verdict()
    }

    /// The network (links, cuts, partitions).
    pub fn network(&self) -> &super::network::Network {
        &self.network
    }

    /// Messages in flight (scheduled and held), by id.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.network.in_flight()
    }

    /// One message in flight by id (`None` once delivered or dropped): a lookup, where
    /// [`World::in_flight`] collects and sorts them all.
    pub fn in_flight_message(&self, id: u64) -> Option<&InFlight> {
        self.network.get(id).ok()
    }

    /// The messages that left the network (delivered or dropped) during the last step, in
    /// order; a message held for a paused recipient stays in flight and is not listed.
    pub fn departures(&self) -> &[super::network::Departure] {
        &self.departures
    }

    /// The id the next message sent will get: messages sent since an observer last looked
    /// have the ids from its last one up to this, those still in flight found by
    /// [`World::in_flight_message`].
    pub fn next_message_id(&self) -> u64 {
        self.network.next_id()
    }

    /// Everything scheduled, soonest first.
    pub fn pending_events(&self) -> Vec<PendingEvent> {
        self.queue
            .iter()
            .map(|(k, e)| PendingEvent {
                time_ms: k.time_ms,
                seq: k.seq,
                what: self.pending_what(e),
            })
            .collect()
    }

    fn pending_what(&self, e: &Event) -> PendingWhat {
        match e {
            Event::Deliver { message_id } => {
                let m = expect_ok(
                    self.network.get(*message_id),
                    "bug: queued delivery without a message",
                );
                PendingWhat::Deliver {
                    message: m.id,
                    kind: m.kind,
                    from: m.from,
                    to: m.to,
                }
            }
            Event::Timer { server } => PendingWhat::Timer { server: *server },
            Event::ClientStart { client } => PendingWhat::ClientStart { client: *client },
            Event::ClientTimeout { client, .. } => PendingWhat::ClientTimeout { client: *client },
            Event::ClientRetry { client, .. } => PendingWhat::ClientRetry { client: *client },
            Event::ClientRequest(r) => PendingWhat::ClientRequest {
                client: r.client,
                server: r.server,
            },
            Event::ClientReply(r) => PendingWhat::ClientReply {
                client: r.client,
                server: r.server,
            },
            Event::Fault => PendingWhat::Fault,
            Event::Scheduled(a) => PendingWhat::Scheduled { action: a.clone() },
        }
    }

    /// A client's view.
    pub fn client_view(&self, id: u32) -> Option<ClientView> {
        let c = self.clients.get((id as usize).checked_sub(1)?)?;
        Some(ClientView {
            id: c.id,
            session: c.session_id(),
            leader_guess: c.leader_guess,
            pending: c.pending.clone(),
            queued: c.queue.len() as u64,
            stats: c.stats,
        })
    }

    /// A server's view.
    pub fn server_view(&self, id: NodeId) -> Option<ServerView> {
        let mut v = self.server_view_without_log(id)?;
        v.log = self.servers[&id]
            .retained_entries()
            .iter()
            .map(entry_view)
            .collect();
        Some(v)
    }

    /// A server's view with `log` left empty: for a caller that reads the entries it needs from
    /// the server itself (the page's inspector shows a dozen; summarising every retained entry
    /// in English is work, and code, it does not need).
    pub fn server_view_without_log(&self, id: NodeId) -> Option<ServerView> {
        let s = self.servers.get(&id)?;
        Some(match &s.node {
            Some(node) => running_view(s, node),
            None => crashed_view(s),
        })
    }
}

fn running_view(s: &Server, n: &crate::raft::Node) -> ServerView {
    let leader = n.role() == Role::Leader;
    ServerView {
        id: s.id,
        status: s.status,
        incarnation: s.incarnation,
        role: Some(n.role()),
        term: n.current_term(),
        voted_for: n.voted_for(),
        leader: n.leader_id(),
        commit_index: n.commit_index(),
        last_applied: n.last_applied(),
        snapshot: (
            n.snapshot().last_included_index,
            n.snapshot().last_included_term,
        ),
        log: Vec::new(),
        progress: n
            .progresses()
            .iter()
            .map(|(&id, p)| ProgressView {
                id,
                progress: p.clone(),
            })
            .collect(),
        election_deadline_ms: Some(n.election_deadline_ms()),
        election_timeout_ms: Some(n.election_timeout_ms()),
        election_reset_at_ms: Some(n.election_reset_at_ms()),
        heartbeat_deadline_ms: if leader {
            n.heartbeat_deadline_ms()
        } else {
            None
        },
        votes: n.votes().iter().map(|(&id, &g)| (id, g)).collect(),
        configuration: Some(n.configuration().clone()),
        kv: s
            .kv
            .entries()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        sessions: s.kv.sessions().collect(),
        held: s.held.clone(),
    }
}

fn crashed_view(s: &Server) -> ServerView {
    let snap = s
        .disk
        .snapshot
        .as_ref()
        .map_or((0, 0), |x| (x.last_included_index, x.last_included_term));
    ServerView {
        id: s.id,
        status: s.status,
        incarnation: s.incarnation,
        role: None,
        term: s.disk.hard_state.current_term,
        voted_for: s.disk.hard_state.voted_for,
        leader: None,
        commit_index: 0,
        last_applied: 0,
        snapshot: snap,
        log: Vec::new(),
        progress: Vec::new(),
        election_deadline_ms: None,
        election_timeout_ms: None,
        election_reset_at_ms: None,
        heartbeat_deadline_ms: None,
        votes: Vec::new(),
        configuration: s.disk.snapshot.as_ref().map(|x| x.configuration.clone()),
        kv: Vec::new(),
        sessions: Vec::new(),
        held: Vec::new(),
    }
}

/// Summarises an entry for display.
pub fn entry_view(e: &Entry) -> EntryView {
    let summary = match &e.payload {
        EntryPayload::Noop => "noop".to_string(),
        EntryPayload::Config(c) => format!("config {}", c.change),
        EntryPayload::Command(bytes) => {
            match envelope::unwrap(bytes).map(|(_, b)| Command::decode(b)) {
                Some(Ok(Command::RegisterClient)) => "register".to_string(),
                Some(Ok(Command::KeepAlive { client_id, .. })) => format!("keep-alive {client_id}"),
                Some(Ok(Command::Request {
                    client_id,
                    serial,
                    op,
                    ..
                })) => {
                    format!("s{client_id}#{serial} {}", op_summary(&op))
                }
                _ => format!("bytes({})", bytes.len()),
            }
        }
    };
    EntryView {
        index: e.index,
        term: e.term,
        summary,
    }
}
