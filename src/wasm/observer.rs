//! The event feed and the timeline, built by looking at the world after every step.
//!
//! The world keeps a trace of text lines; the page needs structured, translatable events with
//! the core's reason codes ("S3 denied its vote to S1: S1's log is behind"). The observer
//! compares each server's role, term, status and commit index with what it saw one step
//! earlier, and reads the replies that step put on the wire (a vote reply carries
//! `VoteRejectReason`, an AppendEntries reply its `AppendRejectReason`). It never changes the
//! world.
//!
//! Time travel: seeking backwards cuts the feed back to the current step (and bumps its
//! epoch so the page reloads it); the timeline keeps the undone future, since replaying it
//! is deterministic, until a new command forks the run.

use crate::collections::VecMap;
use std::collections::VecDeque;

use serde::Serialize;

use super::frame::server_term;
use crate::check::safety::{Property, ViolationFacts};
use crate::kv::{Operation, Response};
use crate::raft::{AppendRejectReason, MessageBody, NodeId, Role, VoteRejectReason};
use crate::sim::{Action, Server, Status, World};

/// Feed events kept (older ones are dropped).
pub const FEED_CAPACITY: usize = 2_000;

/// What a server looked like one step ago.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    status: Status,
    role: Option<Role>,
    term: u64,
    commit: u64,
    snapshot: u64,
}

/// One entry of the feed: a code with parameters; the page words it in the user's language.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedEvent {
    /// Increasing id.
    pub id: u64,
    /// The step it happened at.
    pub step: u64,
    /// Virtual time.
    pub time_ms: u64,
    /// What.
    #[serde(flatten)]
    pub what: What,
}

/// The feed's event codes. Field names say what they hold (server and client ids, terms, log
/// indices); the reasons are the core's own types.
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "code",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum What {
    /// A pre-vote round began (no term change yet).
    PreVoteStarted { server: NodeId, term: u64 },
    /// An election began.
    ElectionStarted { server: NodeId, term: u64 },
    /// A candidate won.
    BecameLeader { server: NodeId, term: u64 },
    /// A leader became a follower.
    SteppedDown {
        server: NodeId,
        term: u64,
        cause: &'static str,
    },
    /// A (pre-)vote was granted.
    VoteGranted {
        voter: NodeId,
        candidate: NodeId,
        term: u64,
        pre_vote: bool,
    },
    /// A (pre-)vote was refused, with the core's reason.
    VoteDenied {
        voter: NodeId,
        candidate: NodeId,
        term: u64,
        pre_vote: bool,
        reason: VoteRejectReason,
    },
    /// A follower refused AppendEntries, with the core's reason.
    AppendRejected {
        follower: NodeId,
        leader: NodeId,
        reason: AppendRejectReason,
    },
    /// The leader sent a snapshot.
    SnapshotSent {
        leader: NodeId,
        follower: NodeId,
        index: u64,
    },
    /// The leader told a server to start an election now (leadership transfer).
    TimeoutNowSent { leader: NodeId, target: NodeId },
    /// The leader's commit index advanced.
    Committed { server: NodeId, from: u64, to: u64 },
    /// A server's log now starts from a snapshot.
    Compacted { server: NodeId, index: u64 },
    /// Status changes.
    Crashed { server: NodeId },
    /// Restarted from its disk.
    Restarted { server: NodeId, term: u64 },
    /// Paused.
    Paused { server: NodeId },
    /// Resumed.
    Resumed { server: NodeId },
    /// A new server appeared.
    ServerAdded { server: NodeId },
    /// A client started an operation.
    ClientStarted {
        client: u32,
        op_id: u64,
        op: Operation,
    },
    /// A client's operation was answered.
    ClientDone {
        client: u32,
        op_id: u64,
        op: Operation,
        response: Response,
        attempts: u32,
    },
    /// A client re-sent its request with the same serial.
    ClientRetried { client: u32, attempt: u32 },
    /// A client gave up (outcome unknown).
    ClientGaveUp { client: u32 },
    /// A safety property failed.
    Violation {
        property: Property,
        name: &'static str,
        /// English, for embedders' events; the page words `facts`.
        detail: String,
        facts: ViolationFacts,
    },
    /// The user (or a scenario) did something.
    Command { action: Action },
}

/// A stretch of the run in one term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Band {
    /// When it starts.
    pub start_ms: u64,
    /// The highest term any server had.
    pub term: u64,
    /// The leader then, if any.
    pub leader: Option<NodeId>,
}

/// A point of interest on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Mark {
    /// When.
    pub time_ms: u64,
    /// At which step (for an exact jump).
    pub step: u64,
    /// `election`, `leader`, `crash`, `restart`, `violation` or `command`.
    pub kind: &'static str,
    /// The server concerned (0 when none).
    pub server: NodeId,
}

/// The timeline the page draws under the scrubber.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    /// Largest time reached on this branch.
    pub horizon_ms: u64,
    /// Term bands, in time order.
    pub bands: Vec<Band>,
    /// Marks, in time order.
    pub marks: Vec<Mark>,
    #[serde(skip)]
    recorded_step: u64,
    #[serde(skip)]
    band_steps: Vec<u64>,
}

/// Feed and timeline state.
#[derive(Debug, Clone, Default)]
pub struct Observer {
    seen: VecMap<NodeId, Seen>,
    last_step: u64,
    last_message: u64,
    history_len: usize,
    open_ops: Vec<u64>,
    client_stats: Vec<(u64, u64)>,
    /// Sends so far of each open operation (history id → attempts).
    attempts: VecMap<u64, u32>,
    violations: usize,
    /// Whether a server's status, role or term may have changed since the timeline's term
    /// band was last brought up to date (the band depends on nothing else).
    band_stale: bool,
    /// The feed, oldest first.
    pub feed: VecDeque<FeedEvent>,
    /// Id of the last feed event.
    pub next_id: u64,
    /// Bumped when the feed is cut back.
    pub epoch: u64,
    /// The timeline.
    pub timeline: Timeline,
    /// Bumped when the timeline changes.
    pub timeline_version: u64,
}

impl Observer {
    /// Starts observing `w` (no events for what already happened).
    pub fn new(w: &World) -> Self {
        let mut o = Observer::default();
        o.resync(w);
        o.band(w);
        o
    }

    /// Forgets the baseline and takes the current world as it.
    pub fn resync(&mut self, w: &World) {
        self.seen = w.servers().map(|s| (s.id, seen(s))).collect();
        self.last_step = w.steps();
        self.last_message = w
            .in_flight()
            .map(|m| m.id)
            .max()
            .unwrap_or(self.last_message);
        self.history_len = w.history().len();
        self.open_ops = w
            .history()
            .iter()
            .filter(|h| w.history().is_open(h.id))
            .map(|h| h.id)
            .collect();
        self.client_stats = w
            .clients()
            .map(|c| (c.stats().retries, c.stats().gave_up))
            .collect();
        self.violations = w.violations().len();
        self.band_stale = true;
    }

    /// After a seek backwards: cut the feed back to the current step.
    pub fn rewound(&mut self, w: &World) {
        while self.feed.back().is_some_and(|e| e.step > w.steps()) {
            self.feed.pop_back();
        }
        self.epoch += 1;
        self.resync(w);
    }

    /// After a new command at the current position: the undone future is gone.
    pub fn forked(&mut self, w: &World) {
        let step = w.steps();
        let t = &mut self.timeline;
        t.marks.retain(|m| m.step <= step);
        let keep = t
            .band_steps
            .iter()
            .take_while(|&&s| s <= step)
            .count()
            .max(1);
        t.bands.truncate(keep);
        t.band_steps.truncate(keep);
        t.horizon_ms = w.now_ms();
        t.recorded_step = step;
        self.timeline_version += 1;
        self.band_stale = true;
    }

    /// Records what the last step(s) did. Call after every step.
    pub fn observe(&mut self, w: &World) {
        if w.now_ms() > self.timeline.horizon_ms {
            self.timeline.horizon_ms = w.now_ms();
        }
        if w.steps() == self.last_step {
            return;
        }
        let fresh = w.steps() > self.timeline.recorded_step;
        self.servers(w, fresh);
        self.messages(w);
        self.clients(w);
        self.safety(w, fresh);
        if fresh {
            self.timeline.recorded_step = w.steps();
            if self.band_stale {
                self.band(w);
            }
        }
        self.last_step = w.steps();
    }

    /// Records a user command (already applied).
    pub fn command(&mut self, w: &World, action: &Action) {
        self.push(
            w,
            What::Command {
                action: action.clone(),
            },
        );
        self.mark(w, "command", 0);
    }

    fn push(&mut self, w: &World, what: What) {
        self.next_id += 1;
        self.feed.push_back(FeedEvent {
            id: self.next_id,
            step: w.steps(),
            time_ms: w.now_ms(),
            what,
        });
        if self.feed.len() > FEED_CAPACITY {
            self.feed.pop_front();
        }
    }

    fn mark(&mut self, w: &World, kind: &'static str, server: NodeId) {
        self.timeline.marks.push(Mark {
            time_ms: w.now_ms(),
            step: w.steps(),
            kind,
            server,
        });
        self.timeline_version += 1;
    }

    fn band(&mut self, w: &World) {
        self.band_stale = false;
        let term = w.servers().map(server_term).max().unwrap_or(0);
        let leader = w.current_leader();
        let t = &mut self.timeline;
        if t.bands
            .last()
            .is_some_and(|b| b.term == term && b.leader == leader)
        {
            return;
        }
        t.bands.push(Band {
            start_ms: w.now_ms(),
            term,
            leader,
        });
        t.band_steps.push(w.steps());
        self.timeline_version += 1;
    }

    fn servers(&mut self, w: &World, fresh: bool) {
        for s in w.servers() {
            let (id, now) = (s.id, seen(s));
            let before = match self.seen.get_mut(&id) {
                Some(before) if *before == now => continue,
                Some(before) => std::mem::replace(before, now),
                None => {
                    self.seen.insert(id, now);
                    self.band_stale = true;
                    self.push(w, What::ServerAdded { server: id });
                    continue;
                }
            };
            self.band_stale |=
                (before.status, before.role, before.term) != (now.status, now.role, now.term);
            self.server_changed(w, id, before, now, fresh);
        }
    }

    fn server_changed(&mut self, w: &World, id: NodeId, before: Seen, now: Seen, fresh: bool) {
        use Status::{Crashed, Paused, Running};
        match (before.status, now.status) {
            (Running | Paused, Crashed) => {
                self.push(w, What::Crashed { server: id });
                if fresh {
                    self.mark(w, "crash", id);
                }
                return;
            }
            (Crashed, _) => {
                self.push(
                    w,
                    What::Restarted {
                        server: id,
                        term: now.term,
                    },
                );
                if fresh {
                    self.mark(w, "restart", id);
                }
            }
            (Running, Paused) => self.push(w, What::Paused { server: id }),
            (Paused, Running) => self.push(w, What::Resumed { server: id }),
            _ => {}
        }
        if before.role != now.role {
            self.role_changed(w, id, before, now, fresh);
        }
        if now.role == Some(Role::Leader)
            && before.role == Some(Role::Leader)
            && now.commit > before.commit
        {
            self.push(
                w,
                What::Committed {
                    server: id,
                    from: before.commit + 1,
                    to: now.commit,
                },
            );
        }
        if now.snapshot > before.snapshot && before.status != Crashed {
            self.push(
                w,
                What::Compacted {
                    server: id,
                    index: now.snapshot,
                },
            );
        }
    }

    fn role_changed(&mut self, w: &World, id: NodeId, before: Seen, now: Seen, fresh: bool) {
        match now.role {
            Some(Role::PreCandidate) => self.push(
                w,
                What::PreVoteStarted {
                    server: id,
                    term: now.term + 1,
                },
            ),
            Some(Role::Candidate) => {
                self.push(
                    w,
                    What::ElectionStarted {
                        server: id,
                        term: now.term,
                    },
                );
                if fresh {
                    self.mark(w, "election", id);
                }
            }
            Some(Role::Leader) => {
                self.push(
                    w,
                    What::BecameLeader {
                        server: id,
                        term: now.term,
                    },
                );
                if fresh {
                    self.mark(w, "leader", id);
                }
            }
            Some(Role::Follower) if before.role == Some(Role::Leader) => {
                let cause = step_down_cause(w, id, before.term, now.term);
                self.push(
                    w,
                    What::SteppedDown {
                        server: id,
                        term: now.term,
                        cause,
                    },
                );
            }
            _ => {}
        }
    }

    fn messages(&mut self, w: &World) {
        let next = w.next_message_id();
        let sent_since = (self.last_message + 1)..next;
        let mut events = Vec::new();
        for m in sent_since
            .filter_map(|id| w.in_flight_message(id))
            .filter(|m| !m.duplicate)
        {
            let what = match &m.message.body {
                MessageBody::RequestVoteResponse {
                    pre_vote,
                    granted: true,
                    ..
                } => What::VoteGranted {
                    voter: m.from,
                    candidate: m.to,
                    term: m.message.term,
                    pre_vote: *pre_vote,
                },
                MessageBody::RequestVoteResponse {
                    pre_vote,
                    reject_reason: Some(reason),
                    ..
                } => What::VoteDenied {
                    voter: m.from,
                    candidate: m.to,
                    term: m.message.term,
                    pre_vote: *pre_vote,
                    reason: *reason,
                },
                MessageBody::AppendEntriesResponse {
                    reject: Some(r), ..
                } => What::AppendRejected {
                    follower: m.from,
                    leader: m.to,
                    reason: r.reason,
                },
                MessageBody::InstallSnapshot { snapshot } => What::SnapshotSent {
                    leader: m.from,
                    follower: m.to,
                    index: snapshot.last_included_index,
                },
                MessageBody::TimeoutNow => What::TimeoutNowSent {
                    leader: m.from,
                    target: m.to,
                },
                _ => continue,
            };
            events.push(what);
        }
        self.last_message = self.last_message.max(next.saturating_sub(1));
        for e in events {
            self.push(w, e);
        }
    }

    fn clients(&mut self, w: &World) {
        let history = w.history();
        if history.len() > self.history_len {
            for h in history.since(self.history_len as u64) {
                self.open_ops.push(h.id);
                let what = What::ClientStarted {
                    client: h.client,
                    op_id: h.id,
                    op: h.op.clone(),
                };
                self.push(w, what);
            }
            self.history_len = history.len();
        }
        let closed = self.close_ops(w);
        let mut added = false;
        for p in w.clients().filter_map(|c| c.pending()) {
            if let Some(h) = p.history_id {
                match self.attempts.get_mut(&h) {
                    Some(a) => *a = p.attempts,
                    None => {
                        self.attempts.insert(h, p.attempts);
                        added = true;
                    }
                }
            }
        }
        if closed || added {
            self.attempts.retain(|id, _| self.open_ops.contains(id));
        }
        self.client_stats_changes(w);
    }

    /// Reports the open operations that completed; stops following those that completed or
    /// were given up (their outcome stays unknown for good). Returns whether any stopped.
    fn close_ops(&mut self, w: &World) -> bool {
        let history = w.history();
        let mut closed = false;
        let mut i = 0;
        while let Some(&id) = self.open_ops.get(i) {
            let done = match history.get(id).map(|h| (h, &h.completion)) {
                Some((h, Some((_, r)))) => {
                    let attempts = self.attempts.remove(&id).unwrap_or(1);
                    let what = What::ClientDone {
                        client: h.client,
                        op_id: h.id,
                        op: h.op.clone(),
                        response: r.clone(),
                        attempts,
                    };
                    self.push(w, what);
                    true
                }
                Some((_, None)) => !history.is_open(id),
                None => true,
            };
            if done {
                self.open_ops.remove(i);
                closed = true;
            } else {
                i += 1;
            }
        }
        closed
    }

    /// Retries and give-ups, from each client's totals.
    fn client_stats_changes(&mut self, w: &World) {
        let mut n = 0;
        for (i, c) in w.clients().enumerate() {
            let (retries, gave_up) = (c.stats().retries, c.stats().gave_up);
            let (r0, g0) = self.client_stats.get(i).copied().unwrap_or((0, 0));
            let client = i as u32 + 1;
            if retries > r0 {
                let attempt = c.pending().map_or(0, |p| p.attempts);
                self.push(w, What::ClientRetried { client, attempt });
            }
            if gave_up > g0 {
                self.push(w, What::ClientGaveUp { client });
            }
            match self.client_stats.get_mut(i) {
                Some(s) => *s = (retries, gave_up),
                None => self.client_stats.push((retries, gave_up)),
            }
            n = i + 1;
        }
        self.client_stats.truncate(n);
    }

    fn safety(&mut self, w: &World, fresh: bool) {
        let all = w.violations();
        for v in &all[self.violations.min(all.len())..] {
            let what = What::Violation {
                property: v.property,
                name: v.property.name(),
                detail: v.detail.clone(),
                facts: v.facts,
            };
            self.push(w, what);
            if fresh {
                let server = v.servers.first().copied().unwrap_or(0);
                self.mark(w, "violation", server);
            }
        }
        self.violations = all.len();
    }
}

fn seen(s: &Server) -> Seen {
    let node = s.node();
    Seen {
        status: s.status(),
        role: node.map(|n| n.role()),
        term: server_term(s),
        commit: node.map_or(0, |n| n.commit_index()),
        snapshot: node.map_or(0, |n| n.snapshot().last_included_index),
    }
}

/// Why a leader became a follower, as far as can be told from outside.
fn step_down_cause(w: &World, id: NodeId, term_before: u64, term_now: u64) -> &'static str {
    if term_now > term_before {
        return "higherTerm";
    }
    let node = w.server(id).and_then(|s| s.node());
    match node {
        Some(n) if !n.configuration().voters.contains(&id) => "removed",
        _ => "quorumLost",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{SimConfig, Simulation};

    fn run(sim: &mut Simulation, obs: &mut Observer, ms: u64) {
        let deadline = sim.now_ms() + ms;
        sim.run_until(deadline, |w| {
            obs.observe(w);
            false
        });
    }

    #[test]
    fn an_election_shows_in_the_feed_and_on_the_timeline() {
        let mut sim = Simulation::new(SimConfig::new(3, 11)).unwrap();
        let mut obs = Observer::new(sim.world());
        run(&mut sim, &mut obs, 3_000);
        let codes: Vec<&What> = obs.feed.iter().map(|e| &e.what).collect();
        assert!(
            codes.iter().any(|w| matches!(w, What::BecameLeader { .. })),
            "{codes:?}"
        );
        assert!(codes.iter().any(|w| matches!(w, What::VoteGranted { .. })));
        assert!(obs.timeline.marks.iter().any(|m| m.kind == "leader"));
        assert!(obs.timeline.bands.last().unwrap().leader.is_some());
        assert!(obs
            .feed
            .iter()
            .zip(obs.feed.iter().skip(1))
            .all(|(a, b)| a.id < b.id && a.step <= b.step));
    }

    #[test]
    fn rewinding_cuts_the_feed_but_keeps_the_timeline_until_a_fork() {
        let mut sim = Simulation::new(SimConfig::new(3, 11)).unwrap();
        let mut obs = Observer::new(sim.world());
        run(&mut sim, &mut obs, 3_000);
        let marks = obs.timeline.marks.len();
        sim.seek(10);
        obs.rewound(sim.world());
        assert!(obs.feed.iter().all(|e| e.step <= sim.steps()));
        assert_eq!(obs.timeline.marks.len(), marks);
        assert_eq!(obs.timeline.horizon_ms, 3_000);
        run(&mut sim, &mut obs, 3_000 - 10);
        assert_eq!(
            obs.timeline.marks.len(),
            marks,
            "replaying the undone future adds no marks twice"
        );
        sim.seek(10);
        obs.rewound(sim.world());
        obs.forked(sim.world());
        assert!(obs.timeline.marks.iter().all(|m| m.step <= sim.steps()));
        assert_eq!(obs.timeline.horizon_ms, 10);
    }
}
