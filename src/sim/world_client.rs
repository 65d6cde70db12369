//! Clients in the world: starting operations, sending requests, timeouts and retries, and the
//! server side of a request (propose or ReadIndex, then answer once applied).

use super::action::op_summary;
use super::client::{ClientReply, ClientRequest, Pending, PendingKind, ReplyBody, RequestBody};
use super::envelope;
use super::queue::Event;
use super::server::Status;
use super::world::World;
use crate::kv::{ApplyOutcome, ClientSession, Command, Operation, Response, SessionError};
use crate::raft::{Event as RaftEvent, NodeId, Ready, Role};

impl World {
    /// Schedules a client's next `ClientStart` at `at_ms` unless one is already scheduled.
    pub(crate) fn schedule_client_start(&mut self, c: usize, at_ms: u64) {
        let client = &mut self.clients[c];
        if client.start_scheduled || client.pending.is_some() {
            return;
        }
        client.start_scheduled = true;
        let id = client.id;
        self.queue
            .push(at_ms.max(self.now_ms), Event::ClientStart { client: id });
    }

    fn schedule_after_think(&mut self, c: usize) {
        let think = self.clients[c].draw_think(&self.config.workload);
        self.schedule_client_start(c, self.now_ms + think);
    }

    pub(crate) fn on_client_start(&mut self, id: u32) -> String {
        let c = (id - 1) as usize;
        self.clients[c].start_scheduled = false;
        if self.clients[c].pending.is_some() {
            return format!("client C{id} busy");
        }
        if self.clients[c].session.is_none() {
            let ticket = self.clients[c].take_ticket();
            let started_ms = self.now_ms;
            let kind = PendingKind::Register;
            self.clients[c].begin(Pending {
                ticket,
                history_id: None,
                kind,
                attempts: 0,
                started_ms,
            });
            return format!("client C{id} registers{}", self.send_request(c));
        }
        let next = match self.clients[c].queue.pop_front() {
            Some(op) => Some(op),
            None if self.workload_enabled => self.clients[c].draw_op(&self.config.workload),
            None => None,
        };
        match next {
            Some((op, read_index)) => self.start_op(c, op, read_index),
            None => format!("client C{id} idle"),
        }
    }

    fn start_op(&mut self, c: usize, op: Operation, read_index: bool) -> String {
        let client = &mut self.clients[c];
        client.stats.started += 1;
        let history_id = self.history.start(client.id, op.clone(), self.now_ms);
        let kind = match (&op, read_index) {
            (Operation::Get { key }, true) => PendingKind::ReadIndex { key: key.clone() },
            _ => {
                let session = client.session.as_mut().expect("checked by the caller");
                let Command::Request { serial, .. } = session.start(op.clone()) else {
                    unreachable!("start builds a request")
                };
                PendingKind::Log { serial }
            }
        };
        let ticket = client.take_ticket();
        let started_ms = self.now_ms;
        client.begin(Pending {
            ticket,
            history_id: Some(history_id),
            kind,
            attempts: 0,
            started_ms,
        });
        let id = client.id;
        let via = if read_index { " (read-index)" } else { "" };
        format!(
            "client C{id} starts op{history_id} {}{via}{}",
            op_summary(&op),
            self.send_request(c)
        )
    }

    /// Sends (or re-sends) the pending request to the guessed leader and arms the timeout.
    fn send_request(&mut self, c: usize) -> String {
        let now = self.now_ms;
        let w = self.config.workload.clone();
        let client = &mut self.clients[c];
        client.attempt += 1;
        let body = client.request_body();
        let pending = client.pending.as_mut().expect("bug: send without pending");
        pending.attempts += 1;
        let ticket = pending.ticket;
        let req = ClientRequest {
            client: client.id,
            server: client.leader_guess,
            attempt: client.attempt,
            ticket,
            body,
        };
        let latency = client.draw_latency(&w);
        let (id, attempt, server) = (client.id, client.attempt, client.leader_guess);
        self.queue.push(now + latency, Event::ClientRequest(req));
        let old = client.timeout.take();
        self.unschedule(old);
        let key = self.queue.push(
            now + w.request_timeout_ms,
            Event::ClientTimeout {
                client: id,
                attempt,
            },
        );
        self.clients[c].timeout = Some(key);
        format!(" -> S{server} (attempt {attempt})")
    }

    pub(crate) fn on_client_timeout(&mut self, id: u32, attempt: u64) -> String {
        let c = (id - 1) as usize;
        self.clients[c].timeout = None;
        if self.clients[c].attempt != attempt || self.clients[c].pending.is_none() {
            return format!("client C{id} timeout of attempt {attempt} (stale)");
        }
        self.clients[c].stats.timeouts += 1;
        let servers: Vec<NodeId> = self.servers.keys().copied().collect();
        self.clients[c].rotate_guess(&servers);
        format!("client C{id} timeout{}", self.retry_or_give_up(c))
    }

    pub(crate) fn on_client_retry(&mut self, id: u32, attempt: u64) -> String {
        let c = (id - 1) as usize;
        if self.clients[c].attempt != attempt || self.clients[c].pending.is_none() {
            return format!("client C{id} retry of attempt {attempt} (stale)");
        }
        format!("client C{id} retry{}", self.retry_or_give_up(c))
    }

    /// Retries with the same serial, or gives up after `max_attempts` (registrations never
    /// give up: without a session the client can do nothing).
    fn retry_or_give_up(&mut self, c: usize) -> String {
        let pending = self.clients[c]
            .pending
            .clone()
            .expect("bug: retry without pending");
        let registering = pending.kind == PendingKind::Register;
        if !registering && pending.attempts >= self.config.workload.max_attempts {
            if let PendingKind::Log { serial } = pending.kind {
                self.clients[c]
                    .session
                    .as_mut()
                    .expect("session")
                    .abandon(serial);
            }
            self.clients[c].stats.gave_up += 1;
            self.clients[c].pending = None;
            if let Some(id) = pending.history_id {
                self.history.abandon(id);
            }
            let old = self.clients[c].timeout.take();
            self.unschedule(old);
            self.clients[c].attempt += 1;
            self.schedule_after_think(c);
            return format!(
                " gives up op{} (outcome unknown)",
                pending.history_id.unwrap_or_default()
            );
        }
        self.clients[c].stats.retries += 1;
        self.send_request(c)
    }

    pub(crate) fn on_client_reply(&mut self, reply: ClientReply) -> String {
        let c = (reply.client - 1) as usize;
        let head = format!("client C{} <- S{}", reply.client, reply.server);
        let current = self.clients[c].pending.as_ref().map(|p| p.ticket);
        if current != Some(reply.ticket) {
            return format!("{head} late answer (ignored)");
        }
        match reply.body {
            ReplyBody::NotLeader { hint } => {
                let servers: Vec<NodeId> = self.servers.keys().copied().collect();
                let client = &mut self.clients[c];
                if client.redirect(reply.server, hint, &servers) {
                    let h = client.leader_guess;
                    return format!("{head} not leader, try S{h}{}", self.retry_or_give_up(c));
                }
                let stale = match hint {
                    Some(h) if h != reply.server => format!(" (stale hint S{h})"),
                    _ => String::new(),
                };
                client.attempt += 1;
                let backoff = client.next_backoff(self.config.workload.retry_backoff_ms);
                let old = client.timeout.take();
                let (id, attempt) = (client.id, client.attempt);
                self.unschedule(old);
                let at = self.now_ms + backoff;
                self.queue.push(
                    at,
                    Event::ClientRetry {
                        client: id,
                        attempt,
                    },
                );
                let next = self.clients[c].leader_guess;
                format!("{head} not leader{stale}, back off {backoff} ms, then S{next}")
            }
            ReplyBody::Response(r) => {
                let what = self.complete(c, r);
                format!("{head} {what}")
            }
        }
    }

    /// The pending request got its answer.
    fn complete(&mut self, c: usize, r: Response) -> String {
        let pending = self.clients[c].pending.take().expect("checked");
        let old = self.clients[c].timeout.take();
        self.unschedule(old);
        let client = &mut self.clients[c];
        client.attempt += 1;
        let now = self.now_ms;
        let text = match (&pending.kind, &r) {
            (PendingKind::Register, Response::Registered { client_id }) => {
                client.session = Some(ClientSession::new(*client_id));
                client.stats.registrations += 1;
                format!("registered as session {client_id}")
            }
            (PendingKind::Register, other) => format!("unexpected register answer {other}"),
            (PendingKind::Log { serial }, Response::SessionError { error }) => {
                // §6.3: the state machine cannot tell whether the command ran: unknown outcome.
                client.session.as_mut().expect("session").abandon(*serial);
                if matches!(error, SessionError::UnknownSession { .. }) {
                    client.session = None;
                }
                if let Some(id) = pending.history_id {
                    self.history.abandon(id);
                }
                format!("session error: {error}")
            }
            (kind, _) => {
                if let PendingKind::Log { serial } = kind {
                    client.session.as_mut().expect("session").complete(*serial);
                }
                let id = pending.history_id.expect("operations are in the history");
                let op = self.history.get(id).expect("bug: open operations are kept");
                client.observe(&op.op, &r);
                client.stats.completed += 1;
                self.history.complete(id, now, r.clone());
                format!("op{id} done: {r}")
            }
        };
        self.schedule_after_think(c);
        text
    }

    /// Sends an answer back to a client with the client's latency.
    fn reply(&mut self, client: u32, server: NodeId, ticket: u64, body: ReplyBody) {
        let w = self.config.workload.clone();
        let latency = self.clients[(client - 1) as usize].draw_latency(&w);
        let reply = ClientReply {
            client,
            server,
            ticket,
            body,
        };
        self.queue
            .push(self.now_ms + latency, Event::ClientReply(reply));
    }

    pub(crate) fn on_client_request(&mut self, req: ClientRequest) -> String {
        let head = format!(
            "request C{}->S{} ticket {}",
            req.client, req.server, req.ticket
        );
        let running = self.servers.get(&req.server).map(|s| s.status) == Some(Status::Running);
        if !running {
            self.counters.client_requests_lost += 1;
            return format!("{head} lost (server not running)");
        }
        let now = self.now_ms;
        let srv = self.servers.get_mut(&req.server).expect("checked");
        let node = srv.node_mut();
        node.tick(now);
        if node.role() != Role::Leader {
            let hint = node.leader_id();
            self.drain_ready(req.server);
            self.reply(
                req.client,
                req.server,
                req.ticket,
                ReplyBody::NotLeader { hint },
            );
            return format!("{head} not leader");
        }
        let what = match req.body {
            RequestBody::Propose(cmd) => {
                self.propose_for(&req.server, req.client, req.ticket, &cmd)
            }
            RequestBody::ReadIndex { key } => {
                self.read_for(req.server, req.client, req.ticket, key)
            }
        };
        self.drain_ready(req.server);
        format!("{head} {what}")
    }

    fn propose_for(&mut self, &server: &NodeId, client: u32, ticket: u64, cmd: &Command) -> String {
        let bytes = envelope::wrap(self.now_ms, cmd);
        let srv = self.servers.get_mut(&server).expect("checked");
        match srv.node_mut().propose(bytes) {
            Ok(index) => {
                let term = srv.node_mut().current_term();
                let serial = match cmd {
                    Command::Request { serial, .. } => Some(*serial),
                    _ => None,
                };
                let waiter = super::server::Waiter {
                    client,
                    ticket,
                    term,
                    session: cmd.client_id(),
                    serial,
                };
                srv.waiting.insert(index, waiter);
                format!("proposed at #{index}")
            }
            Err(e) => {
                self.reply(client, server, ticket, ReplyBody::NotLeader { hint: None });
                format!("refused: {e}")
            }
        }
    }

    fn read_for(&mut self, server: NodeId, client: u32, ticket: u64, key: String) -> String {
        let srv = self.servers.get_mut(&server).expect("checked");
        let ctx = srv.next_read_ctx;
        srv.next_read_ctx += 1;
        srv.reads.insert(
            ctx,
            super::server::ReadWaiter {
                client,
                ticket,
                key,
            },
        );
        match srv.node_mut().read_index(ctx) {
            Ok(()) => format!("read-index ctx {ctx}"),
            Err(e) => {
                srv.reads.remove(&ctx);
                self.reply(client, server, ticket, ReplyBody::NotLeader { hint: None });
                format!("read refused: {e}")
            }
        }
    }

    /// Answers the request waiting at the outcome's index, if this entry (of `term`) is the
    /// one it proposed.
    pub(crate) fn answer_waiter(&mut self, server: NodeId, term: u64, outcome: &ApplyOutcome) {
        let srv = self.servers.get_mut(&server).expect("bug: unknown server");
        let Some(w) = srv.waiting.remove(&outcome.index) else {
            return;
        };
        let hint = srv.node.as_ref().and_then(|n| n.leader_id());
        // Same index and term: the very entry we proposed (§5.3). The content check below
        // can only fail if the sim itself mixed up waiters.
        let ours = term == w.term
            && match (&outcome.response, w.session) {
                (Some(Response::Registered { client_id }), None) => *client_id == outcome.index,
                (Some(_), Some(session)) => {
                    outcome.client_id == Some(session) && outcome.serial == w.serial
                }
                _ => false,
            };
        let body = match (&outcome.response, ours) {
            (Some(r), true) => ReplyBody::Response(r.clone()),
            // Another leader's entry took this index: the request was lost with our term.
            _ => ReplyBody::NotLeader { hint },
        };
        self.reply(w.client, server, w.ticket, body);
    }

    /// Serves confirmed ReadIndex reads (their index is applied by now) and fails dropped ones.
    pub(crate) fn serve_reads(&mut self, server: NodeId, ready: &Ready) {
        let srv = self.servers.get_mut(&server).expect("bug: unknown server");
        let mut answers = Vec::new();
        for rs in &ready.read_states {
            if let Some(w) = srv.reads.remove(&rs.ctx) {
                let r = match srv.kv.read(&w.key) {
                    Some(v) => Response::Value {
                        value: v.to_string(),
                    },
                    None => Response::NotFound,
                };
                answers.push((w, ReplyBody::Response(r)));
            }
        }
        for ev in &ready.events {
            if let RaftEvent::ReadDropped { ctx, .. } = ev {
                if let Some(w) = srv.reads.remove(ctx) {
                    answers.push((w, ReplyBody::NotLeader { hint: None }));
                }
            }
        }
        for (w, body) in answers {
            self.reply(w.client, server, w.ticket, body);
        }
    }
}
