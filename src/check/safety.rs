//! Raft's safety properties, checked incrementally after every event of a run.
//!
//! The checker is fed what the world sees — each server's state after it handled a
//! [`Ready`], each restart, each state-machine apply — and keeps just enough history to decide
//! the five properties of the paper's Figure 3 (thesis Fig. 3.2) plus implementation-level
//! invariants. Work per event is proportional to what changed (entries appended, committed or
//! applied), not to the length of the logs, so it stays on by default.
//!
//! | property | how it is decided |
//! |---|---|
//! | Election Safety | one leader id per term, over the whole run |
//! | Leader Append-Only | a server that stays leader in a term never rewrites an index it had |
//! | Log Matching | every `(index, term)` ever stored names one payload and one predecessor term (by induction this is the whole-prefix property) |
//! | Leader Completeness | a leader of term `T` holds every entry committed in a term `< T` |
//! | State Machine Safety | every apply at an index applies the same entry |
//! | committed entries never change | a commit index covering `i` always covers the same entry at `i` |
//! | apply order | applies on a server are gap-free and in order (a snapshot counts as applying its prefix) |
//! | terms are monotonic | a server's term never decreases, crashes included |
//! | exactly-once | a client command `(client, serial)` executes at one log index only |

use crate::collections::VecMap;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use super::facts::ViolationFacts;
use crate::kv::{ApplyOutcome, OutcomeKind};
use crate::raft::{Entry, EntryPayload, Node, NodeId, Ready, Role};

/// Where in the run something happened: the world's event sequence number and virtual time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EventRef {
    /// Sequence number of the event in the run (0-based).
    pub seq: u64,
    /// Virtual time of the event, in milliseconds.
    pub time_ms: u64,
}

/// A safety property of Raft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Property {
    /// "At most one leader can be elected in a given term." (§5.2)
    ElectionSafety,
    /// "A leader never overwrites or deletes entries in its log." (§5.3)
    LeaderAppendOnly,
    /// Logs with an entry of the same index and term are identical up to it. (§5.3)
    LogMatching,
    /// A committed entry is in the log of every leader of a later term. (§5.4)
    LeaderCompleteness,
    /// No two servers apply different entries at one index. (§5.4.3)
    StateMachineSafety,
    /// Once an index is committed, its entry never changes.
    CommittedImmutable,
    /// Entries are applied in index order without gaps.
    ApplyOrder,
    /// A server's current term never decreases.
    TermMonotonic,
    /// A client command takes effect once (thesis §6.3).
    ExactlyOnce,
}

impl Property {
    /// A stable machine-readable name (used in reports, scenario files and the UI's i18n keys).
    pub fn name(self) -> &'static str {
        match self {
            Property::ElectionSafety => "election_safety",
            Property::LeaderAppendOnly => "leader_append_only",
            Property::LogMatching => "log_matching",
            Property::LeaderCompleteness => "leader_completeness",
            Property::StateMachineSafety => "state_machine_safety",
            Property::CommittedImmutable => "committed_immutable",
            Property::ApplyOrder => "apply_order",
            Property::TermMonotonic => "term_monotonic",
            Property::ExactlyOnce => "exactly_once",
        }
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One broken property, with enough context to pin it on the timeline and explain it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Which property broke.
    pub property: Property,
    /// The event at which the checker saw it.
    pub at: EventRef,
    /// The servers involved (the one observed first).
    pub servers: Vec<NodeId>,
    /// The log index concerned, if any.
    pub index: Option<u64>,
    /// The term concerned, if any.
    pub term: Option<u64>,
    /// What broke, as numbers (the page words these in the user's language).
    pub facts: ViolationFacts,
    /// A plain-English explanation for logs and the CLI: `facts` in words.
    pub detail: String,
}

impl Violation {
    /// A violation of the property `facts` break, its `detail` worded from `facts`.
    pub fn new(
        at: EventRef,
        servers: Vec<NodeId>,
        index: Option<u64>,
        term: Option<u64>,
        facts: ViolationFacts,
    ) -> Self {
        Violation {
            property: facts.property(),
            at,
            servers,
            index,
            term,
            facts,
            detail: facts.to_string(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} violated at t={}ms (event #{}): {}",
            self.property, self.at.time_ms, self.at.seq, self.detail
        )
    }
}

/// At most this many violations are kept; a broken run keeps breaking and the first ones
/// are the ones worth reading.
pub const MAX_VIOLATIONS: usize = 64;

/// An entry's identity without its bytes: term and a digest of its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct EntryId {
    term: u64,
    digest: u64,
}

/// What the run has committed at one index, and in which term it was first seen committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Committed {
    entry: EntryId,
    /// The term of the first server seen treating it as committed: the committing leader's.
    commit_term: u64,
}

/// What the checker remembers per server.
#[derive(Debug, Clone, Default)]
struct ServerTrack {
    term: u64,
    /// The term in which the server was last seen as leader, and its last index then.
    leading: Option<(u64, u64)>,
    commit_index: u64,
    last_applied: u64,
    /// Leader Completeness has been checked for committed indices up to here (this term).
    completeness_checked: u64,
}

/// The incremental safety checker. Cheap to clone, so the world can checkpoint it.
#[derive(Debug, Clone, Default)]
pub struct SafetyChecker {
    /// Indexed by server id (ids are small: at most `MAX_SERVERS`).
    servers: Vec<ServerTrack>,
    leaders: VecMap<u64, NodeId>,
    /// `(index, term)` → (payload digest, term of the previous entry).
    stored: VecMap<(u64, u64), (u64, u64)>,
    committed: VecMap<u64, Committed>,
    applied: VecMap<u64, EntryId>,
    /// client → serial → the log index where the command executed. Nested rather than keyed
    /// by `(client, serial)` so that each insert is an append (sessions and their serials are
    /// both increasing); clients interleave, so a flat map would insert mid-vector.
    executed: VecMap<u64, VecMap<u64, u64>>,
    violations: Vec<Violation>,
    /// Nothing below this index is remembered any more (see [`SafetyChecker::forget_below`]).
    floor: u64,
}

impl SafetyChecker {
    /// A checker that has seen nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every violation seen so far (at most [`MAX_VIOLATIONS`]), oldest first.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Whether no property has been violated.
    pub fn is_safe(&self) -> bool {
        self.violations.is_empty()
    }

    /// After the world handled one [`Ready`] of `node` (persisted, sent, applied).
    pub fn after_ready(&mut self, at: EventRef, node: &Node, ready: &Ready) {
        let id = node.id();
        self.check_term(at, node);
        self.check_append_only(at, node, ready);
        self.check_stored(at, node, &ready.persist.entries);
        self.check_commit(at, node);
        self.check_applies(at, node, ready);
        if node.role() == Role::Leader {
            self.check_election(at, node);
            self.check_completeness(at, node);
        }
        let track = self.track(id);
        track.leading =
            (node.role() == Role::Leader).then(|| (node.current_term(), node.last_index()));
    }

    /// After `node` restarted from its disk: its volatile state (role, commit index, state
    /// machine) starts over. The state machine is rebuilt from the durable snapshot, so the
    /// next entry it may apply is the one right after the snapshot.
    pub fn after_restart(&mut self, at: EventRef, node: &Node) {
        self.check_term(at, node);
        let snapshot_index = node.snapshot().last_included_index;
        let track = self.track(node.id());
        track.leading = None;
        track.commit_index = node.commit_index();
        track.last_applied = snapshot_index;
        track.completeness_checked = 0;
    }

    /// After a server's state machine handled one entry (exactly-once check).
    pub fn after_apply(&mut self, at: EventRef, server: NodeId, outcome: &ApplyOutcome) {
        if outcome.kind != OutcomeKind::Applied {
            return;
        }
        let (Some(client), Some(serial)) = (outcome.client_id, outcome.serial) else {
            return;
        };
        let first = self.executed.get(&client).and_then(|s| s.get(&serial));
        match first {
            Some(&first) if first != outcome.index => self.report(Violation::new(
                at,
                vec![server],
                Some(outcome.index),
                None,
                ViolationFacts::ExecutedTwice {
                    server,
                    session: client,
                    serial,
                    index: outcome.index,
                    first_index: first,
                },
            )),
            Some(_) => {}
            None => {
                let serials = self.executed.entry(client).or_default();
                serials.insert(serial, outcome.index);
            }
        }
    }

    /// Forgets history below `index` to keep memory flat in long runs. Call it with an index
    /// every server has compacted into a snapshot: nothing below it can be stored, committed
    /// or applied again except through a snapshot.
    pub fn forget_below(&mut self, index: u64) {
        if index <= self.floor {
            return;
        }
        self.floor = index;
        self.stored = self.stored.split_off(&(index, 0));
        self.committed = self.committed.split_off(&index);
        self.applied = self.applied.split_off(&index);
        self.executed.retain(|_, serials| {
            serials.retain(|_, at| *at >= index);
            !serials.is_empty()
        });
    }

    fn track(&mut self, id: NodeId) -> &mut ServerTrack {
        let i = id as usize;
        if i >= self.servers.len() {
            self.servers.resize_with(i + 1, ServerTrack::default);
        }
        &mut self.servers[i]
    }

    fn report(&mut self, v: Violation) {
        if self.violations.len() < MAX_VIOLATIONS {
            self.violations.push(v);
        }
    }

    fn check_term(&mut self, at: EventRef, node: &Node) {
        let (id, term) = (node.id(), node.current_term());
        let before = self.track(id).term;
        if term < before {
            self.report(Violation::new(
                at,
                vec![id],
                None,
                Some(term),
                ViolationFacts::TermWentBack {
                    server: id,
                    before,
                    after: term,
                },
            ));
        }
        let track = self.track(id);
        track.term = track.term.max(term);
    }

    fn check_election(&mut self, at: EventRef, node: &Node) {
        let (id, term) = (node.id(), node.current_term());
        match self.leaders.get(&term) {
            Some(&other) if other != id => self.report(Violation::new(
                at,
                vec![other, id],
                None,
                Some(term),
                ViolationFacts::TwoLeaders {
                    first: other,
                    second: id,
                    term,
                },
            )),
            Some(_) => {}
            None => {
                self.leaders.insert(term, id);
            }
        }
    }

    fn check_append_only(&mut self, at: EventRef, node: &Node, ready: &Ready) {
        let id = node.id();
        let Some((term, last)) = self.track(id).leading else {
            return;
        };
        let still_leading = node.role() == Role::Leader && node.current_term() == term;
        let rewrote = ready
            .persist
            .entries
            .first()
            .map(|e| e.index)
            .filter(|&i| i <= last);
        let replaced_by_snapshot = ready
            .persist
            .snapshot
            .as_ref()
            .is_some_and(|s| s.last_included_index > node.commit_index());
        if !still_leading {
            return;
        }
        if let Some(index) = rewrote {
            self.report(Violation::new(
                at,
                vec![id],
                Some(index),
                Some(term),
                ViolationFacts::LeaderRewrote {
                    leader: id,
                    term,
                    index,
                    last,
                },
            ));
        } else if replaced_by_snapshot {
            self.report(Violation::new(
                at,
                vec![id],
                None,
                Some(term),
                ViolationFacts::LeaderSnapshotted { leader: id, term },
            ));
        }
    }

    /// Log Matching, by induction: each stored `(index, term)` names one payload and one
    /// predecessor term across all servers and all time.
    fn check_stored(&mut self, at: EventRef, node: &Node, entries: &[Entry]) {
        for e in entries {
            if e.index < self.floor {
                continue;
            }
            let Some(prev_term) = node.term_at(e.index - 1) else {
                continue;
            };
            let seen = (digest(e), prev_term);
            match self.stored.get(&(e.index, e.term)) {
                Some(&first) if first != seen => {
                    let (server, index, term) = (node.id(), e.index, e.term);
                    let facts = if first.0 != seen.0 {
                        ViolationFacts::DifferentPayload {
                            server,
                            index,
                            term,
                        }
                    } else {
                        ViolationFacts::DifferentPredecessor {
                            server,
                            index,
                            term,
                        }
                    };
                    self.report(Violation::new(
                        at,
                        vec![server],
                        Some(index),
                        Some(term),
                        facts,
                    ));
                }
                Some(_) => {}
                None => {
                    self.stored.insert((e.index, e.term), seen);
                }
            }
        }
    }

    fn check_commit(&mut self, at: EventRef, node: &Node) {
        let id = node.id();
        let before = self.track(id).commit_index;
        let now = node.commit_index();
        let from = before
            .max(node.first_index().saturating_sub(1))
            .max(self.floor.saturating_sub(1));
        for index in (from + 1)..=now {
            let Some(entry) = node.entry(index) else {
                continue;
            };
            let seen = EntryId {
                term: entry.term,
                digest: digest(entry),
            };
            match self.committed.get(&index) {
                Some(c) if c.entry != seen => self.report(Violation::new(
                    at,
                    vec![id],
                    Some(index),
                    Some(entry.term),
                    ViolationFacts::CommittedChanged {
                        server: id,
                        index,
                        term: entry.term,
                        before_term: c.entry.term,
                    },
                )),
                Some(_) => {}
                None => {
                    let commit_term = node.current_term();
                    self.committed.insert(
                        index,
                        Committed {
                            entry: seen,
                            commit_term,
                        },
                    );
                }
            }
        }
        self.track(id).commit_index = now;
    }

    fn check_applies(&mut self, at: EventRef, node: &Node, ready: &Ready) {
        let id = node.id();
        if let Some(snap) = &ready.snapshot_to_install {
            let track = self.track(id);
            track.last_applied = track.last_applied.max(snap.last_included_index);
        }
        for e in &ready.committed_entries {
            let expected = self.track(id).last_applied + 1;
            if e.index != expected {
                self.report(Violation::new(
                    at,
                    vec![id],
                    Some(e.index),
                    Some(e.term),
                    ViolationFacts::ApplyOutOfOrder {
                        server: id,
                        index: e.index,
                        expected,
                    },
                ));
            }
            self.track(id).last_applied = e.index;
            self.check_state_machine(at, id, e);
        }
    }

    fn check_state_machine(&mut self, at: EventRef, id: NodeId, e: &Entry) {
        if e.index < self.floor {
            return;
        }
        let seen = EntryId {
            term: e.term,
            digest: digest(e),
        };
        match self.applied.get(&e.index) {
            Some(first) if *first != seen => self.report(Violation::new(
                at,
                vec![id],
                Some(e.index),
                Some(e.term),
                ViolationFacts::AppliedDifferent {
                    server: id,
                    index: e.index,
                    term: e.term,
                    other_term: first.term,
                },
            )),
            Some(_) => {}
            None => {
                self.applied.insert(e.index, seen);
            }
        }
    }

    /// A leader of term `T` must hold every entry committed in a term below `T`. Leaders only
    /// append, so each committed index is checked once per leader term.
    fn check_completeness(&mut self, at: EventRef, node: &Node) {
        let (id, term) = (node.id(), node.current_term());
        let newly_leading = self.track(id).leading.map(|(t, _)| t) != Some(term);
        let start = if newly_leading {
            0
        } else {
            self.track(id).completeness_checked
        };
        let mut missing = None;
        for (&index, c) in self.committed.range(start + 1..) {
            if c.commit_term >= term || index <= node.snapshot().last_included_index {
                continue;
            }
            let holds = node
                .entry(index)
                .is_some_and(|e| e.term == c.entry.term && digest(e) == c.entry.digest);
            if !holds {
                missing = Some((index, c.entry.term, c.commit_term));
                break;
            }
        }
        let checked = self.committed.keys().next_back().copied().unwrap_or(0);
        self.track(id).completeness_checked = checked.max(start);
        if let Some((index, entry_term, commit_term)) = missing {
            self.report(Violation::new(
                at,
                vec![id],
                Some(index),
                Some(term),
                ViolationFacts::LeaderIncomplete {
                    leader: id,
                    term,
                    index,
                    entry_term,
                    commit_term,
                },
            ));
        }
    }
}

/// A 64-bit digest of an entry's payload (not its index or term).
fn digest(e: &Entry) -> u64 {
    let mut h = Fnv::default();
    match &e.payload {
        EntryPayload::Noop => h.write(&[0]),
        EntryPayload::Command(bytes) => {
            h.write(&[1]);
            h.write(bytes.as_slice());
        }
        EntryPayload::Config(c) => {
            h.write(&[2]);
            for group in [
                &c.configuration.voters,
                &c.configuration.learners,
                &c.configuration.catching_up,
            ] {
                h.write(&(group.len() as u32).to_le_bytes());
                for id in group {
                    h.write(&id.to_le_bytes());
                }
            }
        }
    }
    h.0
}

/// An FNV-style 64-bit fold (word-wise): tiny, stable across platforms and versions.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    /// Folds the bytes eight at a time (little-endian words, the last one zero-padded, then
    /// the length). Digests are only compared with others of the same run, so this need not
    /// be byte-wise FNV-1a, only stable and sensitive to every byte.
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.word(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        self.word(u64::from_le_bytes(last));
        self.word(bytes.len() as u64);
    }

    fn word(&mut self, w: u64) {
        self.0 = (self.0 ^ w)
            .wrapping_mul(0x0000_0100_0000_01b3)
            .rotate_left(31);
    }
}
