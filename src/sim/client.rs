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
//! once, without a hint it tries the server after the one that answered, after a back-off; a
//! timeout retries the *same serial* (`ClientSession::retry`) at the next server. After
//! `max_attempts` it gives up and the operation's outcome stays unknown in the history.
//!
//! Hints can be stale: a follower that has not yet noticed its leader crashed still names it.
//! So the client remembers which servers said "not leader" during the current operation and
//! ignores a hint naming one of them; without that, a restarted leader (no hint) and its
//! follower (naming it) would bounce the client between them until it gave up. Rotation skips
//! those servers and the ones that timed out (a hint naming a server that merely timed out is
//! still followed: it may be a slow leader). Once every server has refused or timed out, the
//! client forgets both and starts a new round. Back-offs
//! double (up to 16× `retry_backoff_ms`) within one operation, so that an election in
//! progress does not use up `max_attempts` in a few hundred milliseconds.

use crate::collections::VecMap;
use crate::debug_text::expect_ok;
use std::collections::VecDeque;

use serde::Serialize;

use super::config::{OpMix, WorkloadConfig};
use super::queue::EventKey;
use super::rng::{SimRng, Stream};
use crate::kv::{ClientSession, Command, Operation, Response};
use crate::raft::NodeId;

/// The largest multiple of `retry_backoff_ms` a client waits after a "not leader" answer.
pub const MAX_BACKOFF_FACTOR: u64 = 16;

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
    pub(crate) last_seen: VecMap<String, Option<String>>,
    /// Whether a `ClientStart` event is scheduled.
    pub(crate) start_scheduled: bool,
    /// The armed request timeout (removed when the request is answered or re-sent).
    pub(crate) timeout: Option<EventKey>,
    /// Servers that answered "not leader" during the pending operation, in this round (see
    /// the module docs); cleared when an operation or registration begins.
    pub(crate) refused: Vec<NodeId>,
    /// Servers that timed out during the pending operation, in this round.
    pub(crate) silent: Vec<NodeId>,
    /// Back-offs taken during the pending operation (each doubles the next one).
    pub(crate) backoffs: u32,
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
            last_seen: VecMap::new(),
            start_scheduled: false,
            timeout: None,
            refused: Vec::new(),
            silent: Vec::new(),
            backoffs: 0,
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
                let cmd = expect_ok(session.retry(*serial), "bug: pending serial is outstanding");
                RequestBody::Propose(cmd)
            }
            PendingKind::ReadIndex { key } => RequestBody::ReadIndex { key: key.clone() },
        }
    }

    /// Starts waiting for `pending` (a new operation or registration: no refusals yet).
    pub(crate) fn begin(&mut self, pending: Pending) {
        self.pending = Some(pending);
        self.refused.clear();
        self.silent.clear();
        self.backoffs = 0;
    }

    /// The delay before the next retry after an answer without a usable hint: `base_ms`,
    /// doubling with each back-off of the same operation up to [`MAX_BACKOFF_FACTOR`]×, so a
    /// client rides out an election without burning its attempts in a leaderless cluster.
    pub(crate) fn next_backoff(&mut self, base_ms: u64) -> u64 {
        let factor = (1u64 << self.backoffs.min(31)).min(MAX_BACKOFF_FACTOR);
        self.backoffs = self.backoffs.saturating_add(1);
        base_ms.saturating_mul(factor)
    }

    /// The current guess did not answer in time: moves on to the next server that has
    /// neither refused nor timed out in this round.
    pub(crate) fn rotate_guess(&mut self, servers: &[NodeId]) {
        let guess = self.leader_guess;
        if !self.silent.contains(&guess) {
            self.silent.push(guess);
        }
        self.end_round_if_everyone_failed(servers);
        self.leader_guess = self.next_after(guess, servers);
    }

    /// `server` answered "not leader" naming `hint`: redirects the guess. Follows a hint
    /// unless it names a server that refused in this round (a stale hint); otherwise moves to
    /// the next server after the one that answered that has neither refused nor timed out.
    /// Returns whether the hint was followed (the caller retries at once, else after a
    /// back-off).
    pub(crate) fn redirect(
        &mut self,
        server: NodeId,
        hint: Option<NodeId>,
        servers: &[NodeId],
    ) -> bool {
        if !self.refused.contains(&server) {
            self.refused.push(server);
        }
        let usable = |h: &NodeId| *h != server && servers.contains(h);
        if let Some(h) = hint.filter(usable).filter(|h| !self.refused.contains(h)) {
            self.leader_guess = h;
            return true;
        }
        self.end_round_if_everyone_failed(servers);
        self.leader_guess = self.next_after(server, servers);
        false
    }

    /// After a full round of refusals and timeouts (an election is under way, or servers are
    /// down), forgets them so that everyone is tried again.
    fn end_round_if_everyone_failed(&mut self, servers: &[NodeId]) {
        let failed = |s: &NodeId| self.refused.contains(s) || self.silent.contains(s);
        if servers.iter().all(failed) {
            self.refused.clear();
            self.silent.clear();
        }
    }

    /// The first server after `from` in `servers` (wrapping) that has neither refused nor
    /// timed out in this round, or simply the next one if all have.
    fn next_after(&self, from: NodeId, servers: &[NodeId]) -> NodeId {
        let after = servers.iter().filter(|&&s| s > from);
        let before = servers.iter().filter(|&&s| s <= from);
        let order: Vec<NodeId> = after.chain(before).copied().collect();
        let failed = |s: &NodeId| self.refused.contains(s) || self.silent.contains(s);
        let fresh = order.iter().copied().find(|s| !failed(s));
        fresh.or(order.first().copied()).unwrap_or(from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVERS: [NodeId; 5] = [1, 2, 3, 4, 5];

    fn client_at(guess: NodeId) -> Client {
        let mut c = Client::new(1, 1, guess);
        c.begin(Pending {
            ticket: 1,
            history_id: None,
            kind: PendingKind::Register,
            attempts: 1,
            started_ms: 0,
        });
        c
    }

    #[test]
    fn a_hint_naming_a_server_that_just_refused_is_ignored() {
        // Expect: S1 (restarted, no hint) refuses; S2 still names S1; the client does not go
        // back to S1 but on to S3, and follows S3's hint to the real leader S4.
        let mut c = client_at(1);
        assert!(!c.redirect(1, None, &SERVERS));
        assert_eq!(c.leader_guess, 2);
        assert!(!c.redirect(2, Some(1), &SERVERS));
        assert_eq!(c.leader_guess, 3);
        assert!(c.redirect(3, Some(4), &SERVERS));
        assert_eq!(c.leader_guess, 4);
    }

    #[test]
    fn rotation_starts_after_the_server_that_answered() {
        // Expect: a late "not leader" from S4 (an earlier attempt) moves the guess to S5, not
        // to the server after the current guess.
        let mut c = client_at(2);
        assert!(!c.redirect(4, None, &SERVERS));
        assert_eq!(c.leader_guess, 5);
        assert!(!c.redirect(5, None, &SERVERS));
        assert_eq!(c.leader_guess, 1);
    }

    #[test]
    fn a_full_round_of_refusals_starts_a_new_round() {
        // Expect: once every server refused, refusals are forgotten, so a server that became
        // leader meanwhile is tried (and named hints are followed) again.
        let mut c = client_at(1);
        for s in SERVERS {
            c.redirect(s, None, &SERVERS);
        }
        assert!(c.refused.is_empty());
        assert_eq!(c.leader_guess, 1);
        assert!(c.redirect(1, Some(3), &SERVERS));
        assert_eq!(c.leader_guess, 3);
    }

    #[test]
    fn a_server_that_timed_out_is_skipped_until_the_round_ends() {
        // Expect: S1 refused, S2 timed out, S3 refused: the client does not return to the
        // crashed S2 (or to S1) but tries S4 and S5 first.
        let mut c = client_at(1);
        c.redirect(1, None, &SERVERS);
        assert_eq!(c.leader_guess, 2);
        c.rotate_guess(&SERVERS);
        assert_eq!(c.leader_guess, 3);
        c.redirect(3, None, &SERVERS);
        assert_eq!(c.leader_guess, 4);
        c.rotate_guess(&SERVERS);
        assert_eq!(c.leader_guess, 5);
    }

    #[test]
    fn back_offs_double_up_to_the_cap_and_restart_with_the_next_operation() {
        // Expect: 50, 100, 200, 400, 800, 800, … ms; a new operation starts again at 50.
        let mut c = client_at(1);
        let delays: Vec<u64> = (0..6).map(|_| c.next_backoff(50)).collect();
        assert_eq!(delays, vec![50, 100, 200, 400, 800, 800]);
        c.begin(c.pending.clone().expect("pending"));
        assert_eq!(c.next_backoff(50), 50);
    }

    #[test]
    fn a_hint_naming_a_server_that_only_timed_out_is_followed() {
        // Expect: S1 timed out (a slow leader, not a refusal); S2 names S1: back to S1.
        let mut c = client_at(1);
        c.rotate_guess(&SERVERS);
        assert_eq!(c.leader_guess, 2);
        assert!(c.redirect(2, Some(1), &SERVERS));
        assert_eq!(c.leader_guess, 1);
    }

    #[test]
    fn a_new_operation_forgets_the_refusals() {
        // Expect: refusals belong to one operation.
        let mut c = client_at(1);
        c.redirect(1, None, &SERVERS);
        c.begin(c.pending.clone().expect("pending"));
        assert!(c.refused.is_empty());
    }
}
