//! What the space-time diagram and the charts need and the world does not keep: every message
//! a server put on the wire with the time it arrived (or was dropped), and every change of a
//! server's commit index. Built like the [`super::observer`]: by looking at the world after
//! every step, never changing it.
//!
//! Time travel: a seek backwards cuts the records back to the current step (records of
//! messages still in flight are reopened), so the diagram always shows the run as it is.
//!
//! Messages the network refused at send time (a blocked link, a loss draw) never get an id;
//! they are only counted ([`Recorder::dropped_at_send`]).

use crate::collections::VecMap;
use std::collections::VecDeque;

use super::frame::kind_code;
use crate::raft::{MessageKind, NodeId};
use crate::sim::{Server, World};

/// Message records kept (older ones are forgotten first).
pub const MAX_MESSAGES: usize = 20_000;
/// Commit-index points kept.
pub const MAX_COMMIT_POINTS: usize = 20_000;
/// Values per row of [`Recorder::spacetime`]: `[id, from, to, kind, sent_ms, end_ms,
/// outcome, duplicate, sent_step]`; `end_ms` is -1 while in flight; `outcome` 0 in flight,
/// 1 delivered, 2 dropped.
pub const SPACETIME_STRIDE: usize = 9;
/// Values per row of [`Recorder::commit_series`]: `[time_ms, server, commit_index]`.
pub const COMMIT_STRIDE: usize = 3;

/// How a message's flight ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Still travelling (or held).
    InFlight,
    /// Arrived at a server.
    Delivered,
    /// Lost on the way (blocked, recipient down, adversary).
    Dropped,
}

/// One message put on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    /// The network's id.
    pub id: u64,
    /// Sender.
    pub from: NodeId,
    /// Recipient.
    pub to: NodeId,
    /// Kind code (the `kind` column of `frameMessages`).
    pub kind: u8,
    /// Sent at.
    pub sent_ms: u64,
    /// The step that sent it.
    pub sent_step: u64,
    /// When it arrived or was dropped.
    pub end_ms: Option<u64>,
    /// The step that ended it.
    pub end_step: u64,
    /// How it ended.
    pub outcome: Outcome,
    /// A copy made by duplication.
    pub duplicate: bool,
}

/// A server's commit index changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CommitPoint {
    time_ms: u64,
    step: u64,
    server: NodeId,
    commit: u64,
}

/// The recorder; call [`Recorder::observe`] after every step and [`Recorder::rewound`] after
/// every seek backwards.
#[derive(Debug, Default)]
pub struct Recorder {
    /// In id order.
    messages: VecDeque<MessageRecord>,
    last_id: u64,
    last_step: u64,
    /// Deliveries so far by kind code (the world's counters as of the last step).
    delivered: [u64; KINDS],
    sent: u64,
    /// Messages refused at send time, so far.
    pub dropped_at_send: u64,
    commits: VecDeque<CommitPoint>,
    seen_commit: VecMap<NodeId, u64>,
}

/// Number of message kinds (codes `0..KINDS`, see [`kind_code`]).
const KINDS: usize = 16;

/// Deliveries so far by kind code: the world's counters without a map to copy every step.
fn delivered_by_code(w: &World) -> [u64; KINDS] {
    let mut out = [0; KINDS];
    for (k, n) in &w.counters().delivered {
        out[kind_code(*k) as usize] = *n;
    }
    out
}

fn commit_of(s: &Server) -> u64 {
    s.node().map_or(0, |n| n.commit_index())
}

impl Recorder {
    /// Starts recording `w` (nothing before it is known).
    pub fn new(w: &World) -> Self {
        let mut r = Recorder::default();
        r.resync(w);
        r
    }

    fn resync(&mut self, w: &World) {
        self.last_step = w.steps();
        self.delivered = delivered_by_code(w);
        self.sent = w.counters().messages_sent;
        self.last_id = w
            .in_flight()
            .map(|m| m.id)
            .chain(self.messages.back().map(|m| m.id))
            .max()
            .unwrap_or(self.last_id);
        self.seen_commit = w.servers().map(|s| (s.id, commit_of(s))).collect();
    }

    /// Records what the last step(s) did.
    pub fn observe(&mut self, w: &World) {
        if w.steps() == self.last_step {
            return;
        }
        if w.steps() == self.last_step + 1 {
            self.close_departures(w);
        } else {
            self.close_departed(w);
        }
        let mut fresh_originals = 0;
        let next = w.next_message_id();
        let sent_since = (self.last_id + 1)..next;
        // Ids increase with sending: those sent since the last step are looked up one by one
        // (those already delivered or dropped again were never in flight for an observer).
        self.last_id = self.last_id.max(next.saturating_sub(1));
        for m in sent_since.filter_map(|id| w.in_flight_message(id)) {
            fresh_originals += u64::from(!m.duplicate);
            self.messages.push_back(MessageRecord {
                id: m.id,
                from: m.from,
                to: m.to,
                kind: kind_code(m.kind) as u8,
                sent_ms: m.sent_ms,
                sent_step: w.steps(),
                end_ms: None,
                end_step: 0,
                outcome: Outcome::InFlight,
                duplicate: m.duplicate,
            });
        }
        let sent = w.counters().messages_sent;
        // A message delivered within the same step it was sent is never seen in flight; it
        // also counts as refused here (rare: zero-latency links only).
        self.dropped_at_send += (sent - self.sent).saturating_sub(fresh_originals);
        self.sent = sent;
        while self.messages.len() > MAX_MESSAGES {
            self.messages.pop_front();
        }
        self.commit_changes(w);
        self.last_step = w.steps();
    }

    /// Ends the records of messages that left the network during the one step since the last
    /// look: the world lists them, with how each ended.
    fn close_departures(&mut self, w: &World) {
        for d in w.departures() {
            let kind = kind_code(d.kind) as usize;
            self.delivered[kind] += u64::from(d.delivered);
            let Some(rec) = self.find_mut(d.id) else {
                continue;
            };
            if rec.outcome == Outcome::InFlight {
                rec.outcome = if d.delivered {
                    Outcome::Delivered
                } else {
                    Outcome::Dropped
                };
                rec.end_ms = Some(w.now_ms());
                rec.end_step = w.steps();
            }
        }
        debug_assert_eq!(
            self.delivered,
            delivered_by_code(w),
            "deliveries all listed"
        );
    }

    /// Ends the records of messages that left the network during several steps (the world
    /// lists only the last step's): those no longer in flight, delivered as far as the
    /// delivery counters by kind account for them, else dropped.
    fn close_departed(&mut self, w: &World) {
        let now = delivered_by_code(w);
        let before = std::mem::replace(&mut self.delivered, now);
        let mut arrivals: [u64; KINDS] = std::array::from_fn(|i| now[i].saturating_sub(before[i]));
        let gone = self
            .messages
            .iter_mut()
            .filter(|m| m.outcome == Outcome::InFlight && w.in_flight_message(m.id).is_none());
        for rec in gone {
            let arrived = arrivals.get_mut(usize::from(rec.kind)).filter(|n| **n > 0);
            rec.outcome = match arrived {
                Some(n) => {
                    *n -= 1;
                    Outcome::Delivered
                }
                None => Outcome::Dropped,
            };
            rec.end_ms = Some(w.now_ms());
            rec.end_step = w.steps();
        }
    }

    fn find_mut(&mut self, id: u64) -> Option<&mut MessageRecord> {
        // Ids increase along the deque, mostly one by one (a message sent and gone between
        // two looks leaves a gap): first where the id would be without gaps, else a binary
        // search (searching a deque of this size misses the cache a dozen times).
        let first = self.messages.front()?.id;
        let guess = usize::try_from(id.checked_sub(first)?).ok()?;
        let pos = match self.messages.get(guess) {
            Some(m) if m.id == id => guess,
            _ => self.messages.binary_search_by_key(&id, |m| m.id).ok()?,
        };
        self.messages.get_mut(pos)
    }

    fn commit_changes(&mut self, w: &World) {
        for s in w.servers() {
            let c = commit_of(s);
            match self.seen_commit.get_mut(&s.id) {
                Some(seen) if *seen == c => continue,
                Some(seen) => *seen = c,
                None => {
                    self.seen_commit.insert(s.id, c);
                }
            }
            self.commits.push_back(CommitPoint {
                time_ms: w.now_ms(),
                step: w.steps(),
                server: s.id,
                commit: c,
            });
        }
        while self.commits.len() > MAX_COMMIT_POINTS {
            self.commits.pop_front();
        }
    }

    /// After a seek backwards: forget what happened after the current step.
    pub fn rewound(&mut self, w: &World) {
        let step = w.steps();
        while self.messages.back().is_some_and(|m| m.sent_step > step) {
            self.messages.pop_back();
        }
        for m in self.messages.iter_mut() {
            if m.end_ms.is_some() && m.end_step > step {
                m.end_ms = None;
                m.outcome = Outcome::InFlight;
            }
        }
        while self.commits.back().is_some_and(|c| c.step > step) {
            self.commits.pop_back();
        }
        self.last_id = self.messages.back().map_or(0, |m| m.id);
        self.resync(w);
        // Counters in the restored world already include the drops up to here; recount the
        // drops at send as what the world says minus what we saw travel.
        self.dropped_at_send = w
            .counters()
            .messages_sent
            .saturating_sub(self.messages.iter().filter(|m| !m.duplicate).count() as u64);
    }

    /// Messages whose flight overlaps `[from_ms, to_ms]`, the newest `limit`, as flat rows
    /// (see [`SPACETIME_STRIDE`]).
    pub fn spacetime(&self, from_ms: u64, to_ms: u64, limit: usize) -> Vec<f64> {
        let rows: Vec<&MessageRecord> = self
            .messages
            .iter()
            .rev()
            .filter(|m| m.sent_ms <= to_ms && m.end_ms.is_none_or(|e| e >= from_ms))
            .take(limit)
            .collect();
        let mut out = Vec::with_capacity(rows.len() * SPACETIME_STRIDE);
        for m in rows.into_iter().rev() {
            out.extend_from_slice(&[
                m.id as f64,
                f64::from(m.from),
                f64::from(m.to),
                f64::from(m.kind),
                m.sent_ms as f64,
                m.end_ms.map_or(-1.0, |e| e as f64),
                match m.outcome {
                    Outcome::InFlight => 0.0,
                    Outcome::Delivered => 1.0,
                    Outcome::Dropped => 2.0,
                },
                f64::from(u8::from(m.duplicate)),
                m.sent_step as f64,
            ]);
        }
        out
    }

    /// Every recorded commit-index change as flat rows (see [`COMMIT_STRIDE`]).
    pub fn commit_series(&self) -> Vec<f64> {
        self.commits
            .iter()
            .flat_map(|c| [c.time_ms as f64, f64::from(c.server), c.commit as f64])
            .collect()
    }

    /// Records kept (for tests).
    pub fn message_count(&self) -> usize {
        self.messages.len()
    }
}

/// Every message kind in code order (`kind_code`; the frames' `kind` column).
pub const ALL_KINDS: [MessageKind; 16] = [
    MessageKind::RequestVote,
    MessageKind::RequestPreVote,
    MessageKind::VoteGranted,
    MessageKind::VoteDenied,
    MessageKind::PreVoteGranted,
    MessageKind::PreVoteDenied,
    MessageKind::Heartbeat,
    MessageKind::AppendEntries,
    MessageKind::AppendAccepted,
    MessageKind::AppendRejected,
    MessageKind::InstallSnapshot,
    MessageKind::InstallSnapshotResponse,
    MessageKind::TimeoutNow,
    MessageKind::ReadIndex,
    MessageKind::ReadIndexResponse,
    MessageKind::TransferLeader,
];

/// The kind for a `kind_code`.
pub fn kind_from_code(code: u8) -> Option<MessageKind> {
    ALL_KINDS.get(usize::from(code)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{SimConfig, Simulation};

    fn run(ms: u64) -> (Simulation, Recorder) {
        let mut sim = Simulation::new(SimConfig::new(3, 9)).unwrap();
        let mut rec = Recorder::new(sim.world());
        sim.run_until(ms, |w| {
            rec.observe(w);
            false
        });
        (sim, rec)
    }

    #[test]
    fn kind_codes_round_trip() {
        for code in 0..16u8 {
            let k = kind_from_code(code).unwrap();
            assert_eq!(kind_code(k) as u8, code);
        }
        assert_eq!(kind_from_code(16), None);
    }

    #[test]
    fn every_message_sent_on_a_clean_network_is_recorded_and_ends_delivered() {
        let (sim, rec) = run(800);
        let w = sim.world();
        let originals = rec.messages.iter().filter(|m| !m.duplicate).count() as u64;
        assert_eq!(originals + rec.dropped_at_send, w.counters().messages_sent);
        assert_eq!(rec.dropped_at_send, 0);
        let delivered = rec
            .messages
            .iter()
            .filter(|m| m.outcome == Outcome::Delivered)
            .count() as u64;
        assert_eq!(delivered, w.counters().delivered.values().sum::<u64>());
        for m in &rec.messages {
            if let Some(e) = m.end_ms {
                assert!(e >= m.sent_ms);
            }
        }
        assert!(
            !rec.commit_series().is_empty(),
            "a leader commits its no-op"
        );
    }

    #[test]
    fn rewinding_cuts_the_records_back() {
        let (mut sim, mut rec) = run(800);
        let all = rec.message_count();
        sim.seek(300);
        rec.rewound(sim.world());
        assert!(rec.message_count() < all);
        assert!(rec.messages.iter().all(|m| m.sent_ms <= 300));
        let open: Vec<u64> = sim.world().in_flight().map(|m| m.id).collect();
        for m in &rec.messages {
            assert_eq!(
                m.outcome == Outcome::InFlight,
                open.contains(&m.id),
                "{m:?}"
            );
        }
        // Running forward again records the same run.
        sim.run_until(800, |w| {
            rec.observe(w);
            false
        });
        assert_eq!(rec.message_count(), all);
    }
}
