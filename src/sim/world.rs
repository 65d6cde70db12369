//! The world's state and its event loop: timers, message delivery and the handling of each
//! server's [`Ready`] (persist, send, install snapshot, apply, serve reads — in that order).

use crate::collections::VecMap;
use crate::debug_text::{expect_ok, List};

use serde::Serialize;

use super::client::Client;
use super::config::SimConfig;
use super::envelope;
use super::error::SimError;
use super::network::{Departure, DropReason, Network};
use super::queue::{Event, EventKey, EventQueue};
use super::rng::{sub_seed, SimRng, Stream};
use super::server::{Server, Status};
use super::trace::{Delivery, Fate, MsgSummary, Note, Trace, What};
use crate::check::history::History;
use crate::check::safety::{EventRef, SafetyChecker};
use crate::kv::{ApplyOutcome, KvStore};
use crate::raft::{
    Entry, EntryPayload, Event as RaftEvent, Message, MessageKind, Node, NodeId, Ready, Role,
};

/// Running totals for the UI and tests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Messages handed to the network by servers.
    pub messages_sent: u64,
    /// Messages delivered to a server, by kind.
    pub delivered: VecMap<MessageKind, u64>,
    /// Messages dropped, by reason.
    pub dropped: VecMap<DropReason, u64>,
    /// Extra copies put on the wire (network duplication and adversary).
    pub duplicated: u64,
    /// Real elections started (pre-vote rounds excluded).
    pub elections: u64,
    /// Times a server became leader.
    pub leaders_elected: u64,
    /// Crashes (commands and fault generator).
    pub crashes: u64,
    /// Restarts.
    pub restarts: u64,
    /// Log compactions.
    pub snapshots_taken: u64,
    /// Snapshots installed from a leader.
    pub snapshots_installed: u64,
    /// Client requests that reached no running server.
    pub client_requests_lost: u64,
}

/// Trace lines a time-travel checkpoint keeps (see [`Checkpoint`]).
pub(crate) const CHECKPOINT_TRACE_LINES: usize = 64;
/// Recent client operations a checkpoint keeps besides those not folded yet.
const CHECKPOINT_HISTORY_OPS: u64 = 64;

/// A copy of the world for time travel, lighter than a clone: it shares the logs' and disks'
/// entry runs and the client history's chunks with the others (as any clone does), and keeps
/// only the tail of the trace ring and of the recent client operations (the replay after
/// restoring it writes the lines and operations since; the trace hash covers them all).
#[derive(Debug, Clone)]
pub(crate) struct Checkpoint {
    world: World,
}

impl Checkpoint {
    /// Takes a checkpoint of `w` (borrowed mutably only to avoid copying its trace ring).
    pub(crate) fn take(w: &mut World) -> Checkpoint {
        let tail = w.trace.clone_tail(CHECKPOINT_TRACE_LINES);
        let full = std::mem::replace(&mut w.trace, tail);
        let history = w.history.clone_recent(CHECKPOINT_HISTORY_OPS);
        let mut world = w.clone();
        w.trace = full;
        world.history = history;
        Checkpoint { world }
    }

    /// The world as it was taken.
    pub(crate) fn restore(&self) -> World {
        self.world.clone()
    }

    /// Virtual time of the checkpoint.
    pub(crate) fn now_ms(&self) -> u64 {
        self.world.now_ms
    }

    /// Steps taken before it.
    pub(crate) fn steps(&self) -> u64 {
        self.world.steps
    }

    /// About how many bytes it holds that no other checkpoint shares: calibrated on the soak
    /// (tests/soak_memory.rs, 5 servers under load, ~330 KB a checkpoint) as the retained log
    /// entries with what the servers and the safety checker keep per entry, and a fixed part
    /// for the trace tail, the client history's unshared chunks, queue, network and clients.
    pub(crate) fn bytes(&self) -> usize {
        const FIXED: usize = 128 << 10;
        const PER_ENTRY: usize = 112;
        let entries: usize = self
            .world
            .servers
            .values()
            .map(|s| s.disk.entries.len() + s.node.as_ref().map_or(0, |n| n.log_entries().len()))
            .sum();
        FIXED + entries * PER_ENTRY
    }
}

/// The whole simulated cluster at one instant. `Clone` copies it; a `Checkpoint` is the
/// lighter copy time travel keeps.
#[derive(Debug, Clone)]
pub struct World {
    pub(crate) config: SimConfig,
    pub(crate) now_ms: u64,
    /// Steps taken: natural events plus applied commands. Invariant: equals the `#` of the
    /// last trace line.
    pub(crate) steps: u64,
    /// How many entries of the command log have been applied.
    pub(crate) commands_applied: u64,
    pub(crate) queue: EventQueue,
    pub(crate) network: Network,
    pub(crate) servers: VecMap<NodeId, Server>,
    pub(crate) clients: Vec<Client>,
    /// The client history (bounded: older operations are folded into its verdict).
    pub(crate) history: History,
    pub(crate) trace: Trace,
    pub(crate) counters: Counters,
    pub(crate) checker: SafetyChecker,
    pub(crate) check_safety: bool,
    pub(crate) workload_enabled: bool,
    pub(crate) faults_enabled: bool,
    pub(crate) fault_scheduled: bool,
    pub(crate) fault_rng: SimRng,
    /// Notes gathered while handling the current step, appended to its trace record.
    pub(crate) notes: Vec<Note>,
    /// Messages that left the network during the current step, in order.
    pub(crate) departures: Vec<Departure>,
}

impl World {
    /// A fresh cluster of `config.servers` voters at virtual time 0 (step 0).
    pub fn new(config: SimConfig) -> Result<World, SimError> {
        config.validate()?;
        let voters: Vec<NodeId> = (1..=config.servers).collect();
        let mut servers = VecMap::new();
        for &id in &voters {
            let node = Node::new(
                id,
                config.raft.clone(),
                &voters,
                node_seed(config.seed, id, 0),
                0,
            )?;
            servers.insert(id, Server::new(node, config.kv.clone()));
        }
        let clients = (1..=config.workload.clients)
            .map(|c| Client::new(config.seed, c, voters[(c as usize - 1) % voters.len()]))
            .collect();
        let mut world = World {
            now_ms: 0,
            steps: 0,
            commands_applied: 0,
            queue: EventQueue::default(),
            network: Network::new(config.seed, config.link),
            servers,
            clients,
            history: History::new(),
            trace: Trace::new(config.trace_capacity),
            counters: Counters::default(),
            checker: SafetyChecker::new(),
            check_safety: config.check_safety,
            workload_enabled: config.workload.enabled,
            faults_enabled: config.faults.enabled,
            fault_scheduled: false,
            fault_rng: SimRng::new(config.seed, Stream::Faults, 0),
            notes: Vec::new(),
            departures: Vec::new(),
            config,
        };
        world.start();
        Ok(world)
    }

    fn start(&mut self) {
        let ids: Vec<NodeId> = self.servers.keys().copied().collect();
        for id in ids {
            self.drain_ready(id);
        }
        for c in 0..self.clients.len() {
            let at = self.config.workload.start_ms;
            self.schedule_client_start(c, at);
        }
        if self.faults_enabled {
            self.schedule_fault();
        }
        let line = format!(
            "start servers={} clients={} seed={}",
            self.servers.len(),
            self.clients.len(),
            self.config.seed
        );
        self.finish_step(What::Text(line));
    }

    /// The current step as the checkers name it.
    pub(crate) fn event_ref(&self) -> EventRef {
        EventRef {
            seq: self.steps,
            time_ms: self.now_ms,
        }
    }

    /// Starts a new step (an event or a command): it gets the next sequence number.
    pub(crate) fn begin_step(&mut self) {
        self.steps += 1;
        self.notes.clear();
        self.departures.clear();
    }

    /// Writes the step's trace record (its line: `t=<ms> #<step> <what> | <note> | …`).
    pub(crate) fn finish_step(&mut self, what: What) {
        self.trace
            .push(self.now_ms, self.steps, what, &mut self.notes);
    }

    /// Handles the next natural event if it is due at or before `limit_ms`.
    pub(crate) fn step_natural(&mut self, limit_ms: u64) -> bool {
        let Some((key, event)) = self.queue.pop_due(limit_ms) else {
            return false;
        };
        self.now_ms = self.now_ms.max(key.time_ms);
        self.begin_step();
        let what = self.handle_event(event);
        self.finish_step(what);
        true
    }

    fn handle_event(&mut self, event: Event) -> What {
        let text = match event {
            Event::Deliver { message_id } => return What::Deliver(self.deliver(message_id)),
            Event::Timer { server } => return self.on_timer(server),
            Event::ClientStart { client } => self.on_client_start(client),
            Event::ClientTimeout { client, attempt } => self.on_client_timeout(client, attempt),
            Event::ClientRetry { client, attempt } => self.on_client_retry(client, attempt),
            Event::ClientRequest(req) => self.on_client_request(req),
            Event::ClientReply(reply) => self.on_client_reply(reply),
            Event::Fault => self.on_fault(),
            Event::Scheduled(action) => match self.perform(&action) {
                Ok(()) => format!("scheduled {action}"),
                Err(e) => format!("scheduled {action} failed: {e}"),
            },
        };
        What::Text(text)
    }

    fn on_timer(&mut self, id: NodeId) -> What {
        let now = self.now_ms;
        let srv = self
            .servers
            .get_mut(&id)
            .expect("bug: timer of an unknown server");
        srv.timer = None;
        srv.node_mut().tick(now);
        let role = srv.node_mut().role();
        self.drain_ready(id);
        What::Timer { server: id, role }
    }

    /// Delivers an in-flight message (whose queue entry is already gone) to its recipient:
    /// dropped if it is down or the link is now blocked, held if it is paused.
    pub(crate) fn deliver(&mut self, message_id: u64) -> Delivery {
        let rec = self
            .network
            .take(message_id)
            .expect("bug: delivery of an unknown message");
        let (from, to, kind) = (rec.from, rec.to, rec.kind);
        let mut delivery = Delivery {
            id: message_id,
            kind,
            from,
            to,
            summary: MsgSummary::of(&rec.message),
            fate: Fate::Dropped,
        };
        let reason = match self.servers.get(&to).map(Server::status) {
            None | Some(Status::Crashed) => DropReason::RecipientDown,
            Some(Status::Running) if self.network.blocked(from, to) => DropReason::Blocked,
            Some(Status::Paused) => {
                self.network.hold(rec);
                let srv = self.servers.get_mut(&to).expect("checked");
                srv.held.push(message_id);
                delivery.fate = Fate::Held;
                return delivery;
            }
            Some(Status::Running) => {
                *self.counters.delivered.entry(kind).or_default() += 1;
                self.departures.push(Departure {
                    id: message_id,
                    kind,
                    delivered: true,
                });
                let now = self.now_ms;
                let node = self.servers.get_mut(&to).expect("checked").node_mut();
                node.tick(now);
                node.step(rec.message);
                self.drain_ready(to);
                delivery.fate = Fate::Delivered;
                return delivery;
            }
        };
        *self.counters.dropped.entry(reason).or_default() += 1;
        self.departures.push(Departure {
            id: message_id,
            kind,
            delivered: false,
        });
        delivery
    }

    /// Takes a message out of flight without delivering it.
    pub(crate) fn drop_message(&mut self, id: u64, reason: DropReason) {
        if let Some(rec) = self.network.take(id) {
            if let Some(key) = rec.key {
                self.queue.remove(key);
            }
            if let Some(srv) = self.servers.get_mut(&rec.to) {
                srv.held.retain(|&m| m != id);
            }
            *self.counters.dropped.entry(reason).or_default() += 1;
            self.departures.push(Departure {
                id,
                kind: rec.kind,
                delivered: false,
            });
        }
    }

    /// Hands a message to the network: dropped, or scheduled (maybe twice).
    pub(crate) fn send(&mut self, m: Message) {
        self.counters.messages_sent += 1;
        match self.network.draw_copies(m.from, m.to) {
            Err(reason) => *self.counters.dropped.entry(reason).or_default() += 1,
            Ok(copies) => match copies.duplicate_ms {
                None => {
                    self.schedule_copy(m, copies.first_ms, false);
                }
                Some(d) => {
                    self.counters.duplicated += 1;
                    self.schedule_copy(m.clone(), copies.first_ms, false);
                    self.schedule_copy(m, d, true);
                }
            },
        }
    }

    /// Puts one copy of `m` in flight, due after `delay_ms`.
    pub(crate) fn schedule_copy(&mut self, m: Message, delay_ms: u64, duplicate: bool) -> u64 {
        let id = self.network.add_in_flight(m, self.now_ms, duplicate);
        let key = self
            .queue
            .push(self.now_ms + delay_ms, Event::Deliver { message_id: id });
        self.network.set_schedule(id, Some(key));
        id
    }

    /// Handles every Ready the server has, then reschedules its timer.
    pub(crate) fn drain_ready(&mut self, id: NodeId) {
        let compactions = self.counters.snapshots_taken + self.counters.snapshots_installed;
        loop {
            let srv = self.servers.get_mut(&id).expect("bug: unknown server");
            let Some(node) = srv.node.as_mut().filter(|n| n.has_ready()) else {
                break;
            };
            let mut ready = node.ready();
            srv.disk.apply(&ready.persist);
            for m in std::mem::take(&mut ready.messages) {
                self.send(m);
            }
            self.install_snapshot(id, &ready);
            self.apply_committed(id, &ready.committed_entries);
            self.serve_reads(id, &ready);
            self.note_events(id, &ready.events);
            if self.check_safety {
                let at = self.event_ref();
                let node = self.servers[&id].node.as_ref().expect("running");
                self.checker.after_ready(at, node, &ready);
            }
            self.maybe_auto_compact(id);
        }
        if self.counters.snapshots_taken + self.counters.snapshots_installed != compactions {
            self.forget_compacted();
        }
        self.reschedule_timer(id);
    }

    /// Lets the checker drop history every server's disk has compacted into a snapshot, so
    /// long runs keep its memory flat.
    fn forget_compacted(&mut self) {
        let floor = self
            .servers
            .values()
            .map(|s| {
                s.disk
                    .snapshot
                    .as_ref()
                    .map_or(0, |x| x.last_included_index)
            })
            .min();
        self.checker.forget_below(floor.unwrap_or(0));
    }

    fn install_snapshot(&mut self, id: NodeId, ready: &Ready) {
        let Some(snap) = &ready.snapshot_to_install else {
            return;
        };
        let srv = self.servers.get_mut(&id).expect("bug: unknown server");
        srv.kv = expect_ok(
            KvStore::restore(&snap.data),
            "bug: snapshot bytes come from KvStore::snapshot",
        );
        let index = snap.last_included_index;
        // Requests waiting at covered indices can no longer be matched to an outcome here.
        srv.waiting.retain(|&i, _| i > index);
        self.notes.push(Note::LoadedSnapshot { server: id, index });
    }

    fn apply_committed(&mut self, id: NodeId, entries: &[Entry]) {
        let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
            return;
        };
        let at = self.event_ref();
        for e in entries {
            let kv = &mut self.servers.get_mut(&id).expect("bug: unknown server").kv;
            if e.index != kv.last_applied() + 1 {
                // Only reachable with a deliberate core bug: the state machine cannot apply out
                // of order, so it skips the entry; the safety checker reports the gap.
                self.notes.push(Note::Text(format!(
                    "S{id} cannot apply #{} (state machine at {})",
                    e.index,
                    kv.last_applied()
                )));
                continue;
            }
            let outcome = apply_entry(kv, e);
            if self.check_safety {
                self.checker.after_apply(at, id, &outcome);
            }
            self.answer_waiter(id, e.term, &outcome);
        }
        self.notes.push(Note::Applied {
            server: id,
            first: first.index,
            last: last.index,
        });
    }

    fn note_events(&mut self, id: NodeId, events: &[RaftEvent]) {
        for ev in events {
            let note = match ev {
                RaftEvent::RoleChanged { role, term, .. } => {
                    if *role == Role::Leader {
                        self.counters.leaders_elected += 1;
                    }
                    Note::Role {
                        server: id,
                        role: *role,
                        term: *term,
                    }
                }
                RaftEvent::ElectionStarted {
                    pre_vote: false, ..
                } => {
                    self.counters.elections += 1;
                    continue;
                }
                RaftEvent::LogCompacted { index } => {
                    self.counters.snapshots_taken += 1;
                    Note::Compacted {
                        server: id,
                        index: *index,
                    }
                }
                RaftEvent::SnapshotInstalled { index, term } => {
                    self.counters.snapshots_installed += 1;
                    Note::SnapshotInstalled {
                        server: id,
                        index: *index,
                        term: *term,
                    }
                }
                _ => match rare_event_note(id, ev) {
                    Some(text) => Note::Text(text),
                    None => continue,
                },
            };
            self.notes.push(note);
        }
    }

    fn maybe_auto_compact(&mut self, id: NodeId) {
        let threshold = self.config.auto_compact_entries;
        if threshold == 0 {
            return;
        }
        let srv = self.servers.get_mut(&id).expect("bug: unknown server");
        let Some(node) = srv.node.as_mut() else {
            return;
        };
        let retained = node.last_index() - node.snapshot().last_included_index;
        let applied = node.last_applied();
        if retained > threshold
            && applied > node.snapshot().last_included_index
            && srv.kv.last_applied() == applied
        {
            expect_ok(
                node.compact(applied, srv.kv.snapshot().into()),
                "bug: compaction at the applied index",
            );
        }
    }

    /// Keeps exactly one timer event per running server, at `next_timer_at` (never in the
    /// past). An unchanged deadline keeps its event, so its tie-break order is stable.
    pub(crate) fn reschedule_timer(&mut self, id: NodeId) {
        let now = self.now_ms;
        let srv = self.servers.get_mut(&id).expect("bug: unknown server");
        let want = match (&srv.node, srv.status) {
            (Some(node), Status::Running) => node.next_timer_at().map(|t| t.max(now)),
            _ => None,
        };
        if srv.timer.map(|k| k.time_ms) == want {
            return;
        }
        if let Some(k) = srv.timer.take() {
            self.queue.remove(k);
        }
        if let Some(t) = want {
            srv.timer = Some(self.queue.push(t, Event::Timer { server: id }));
        }
    }

    /// The running server with the highest term among those that believe they lead.
    pub(crate) fn leader(&self) -> Option<NodeId> {
        self.servers
            .values()
            .filter(|s| s.is_running())
            .filter_map(|s| s.node.as_ref())
            .filter(|n| n.role() == Role::Leader)
            .max_by_key(|n| (n.current_term(), std::cmp::Reverse(n.id())))
            .map(Node::id)
    }

    /// The seed of a server's election PRNG in its `incarnation`-th life.
    pub(crate) fn node_seed(&self, id: NodeId, incarnation: u64) -> u64 {
        node_seed(self.config.seed, id, incarnation)
    }

    /// Removes a scheduled event if it is still queued.
    pub(crate) fn unschedule(&mut self, key: Option<EventKey>) {
        if let Some(k) = key {
            self.queue.remove(k);
        }
    }
}

fn node_seed(seed: u64, id: NodeId, incarnation: u64) -> u64 {
    sub_seed(seed, Stream::Node, (u64::from(id) << 32) | incarnation)
}

/// Applies one committed entry to the state machine (see [`envelope`] for the bytes).
fn apply_entry(kv: &mut KvStore, e: &Entry) -> ApplyOutcome {
    match &e.payload {
        EntryPayload::Command(bytes) => match envelope::unwrap(bytes) {
            Some((ts, cmd)) => kv.apply_entry_bytes(e.index, ts, cmd),
            None => kv.apply_entry_bytes(e.index, kv.clock_ms(), bytes),
        },
        EntryPayload::Noop | EntryPayload::Config(_) => kv.apply_no_op(e.index, kv.clock_ms()),
    }
}

/// The trace note of a rare core event (`None`: not shown).
fn rare_event_note(id: NodeId, ev: &RaftEvent) -> Option<String> {
    let text = match ev {
        RaftEvent::SteppedDown { reason } => format!("S{id} stepped down {}", reason.name()),
        RaftEvent::ConfigChanged {
            index,
            configuration,
        } => format!(
            "S{id} config@{index} voters={} learners={}",
            List(&configuration.voters),
            List(&configuration.learners)
        ),
        RaftEvent::CommittedEntryOverwritten { index } => {
            format!("S{id} OVERWROTE committed #{index}")
        }
        RaftEvent::TransferStarted { target } => format!("S{id} transfer to S{target}"),
        RaftEvent::TransferAborted { target, reason } => {
            format!("S{id} transfer to S{target} aborted: {reason}")
        }
        _ => return None,
    };
    Some(text)
}
