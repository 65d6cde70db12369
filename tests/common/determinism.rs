//! A fixed, seeded multi-server scenario driven through the Raft core, folded into one 64-bit
//! FNV-1a hash of every Ready (persist batches, messages, committed entries, snapshots to
//! install, read states and events, by their `Debug` text). Native (`tests/raft_determinism.rs`)
//! and wasm32 (`tests/web.rs`) both assert [`GOLDEN`]: the same inputs give the same outputs
//! on both targets (issue 3, "Done when").
//!
//! Regenerate after an intended behaviour change:
//! `RAFT_PRINT_GOLDEN=1 cargo test --test raft_determinism -- --nocapture`, then paste the
//! printed value into [`GOLDEN`] and say why in the commit message.
#![allow(dead_code)]

use std::collections::BTreeMap;

use raftlab::raft::{Bytes, Config, Message, Node, NodeId, Ready, Role};

/// The expected hash of [`run_scenario`].
pub const GOLDEN: u64 = 0xD468_4AC4_5DED_DB65;

const SERVERS: u32 = 5;
const END_MS: u64 = 3_000;

/// SplitMix64: the scenario's only randomness (latency and loss).
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

struct World {
    nodes: BTreeMap<NodeId, Option<Node>>,
    disks: BTreeMap<NodeId, raftlab::raft::DurableState>,
    applied: BTreeMap<NodeId, u64>,
    /// (delivery time, sequence) -> message: delivered in time order, ties in send order.
    in_flight: BTreeMap<(u64, u64), Message>,
    seq: u64,
    rng: Mix,
    hash: u64,
    lossy: bool,
    /// How many Readies mentioned each notable kind (coverage of the scenario).
    seen: BTreeMap<&'static str, u32>,
}

/// What the scenario is meant to exercise; [`Outcome::seen`] counts Readies mentioning each.
pub const NOTABLE: [&str; 6] = [
    "InstallSnapshot",
    "TimeoutNow",
    "LogCompacted",
    "PreVote",
    "read_states: [ReadState",
    "snapshot_to_install: Some",
];

/// The result of [`run_scenario`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// FNV-1a over the Debug text of every Ready.
    pub hash: u64,
    /// The final leader's commit index.
    pub commit: u64,
    /// Readies mentioning each of [`NOTABLE`].
    pub seen: BTreeMap<&'static str, u32>,
}

fn config() -> Config {
    Config {
        election_timeout_ms_min: 150,
        election_timeout_ms_max: 300,
        heartbeat_interval_ms: 50,
        pre_vote: true,
        check_quorum: true,
        max_entries_per_append: 4,
        max_inflight_appends: 4,
        bugs: Default::default(),
    }
}

impl World {
    fn new() -> World {
        let voters: Vec<NodeId> = (1..=SERVERS).collect();
        let nodes = voters
            .iter()
            .map(|&id| (id, Some(Node::new(id, config(), &voters, 42, 0).unwrap())))
            .collect();
        World {
            nodes,
            disks: voters.iter().map(|&id| (id, Default::default())).collect(),
            applied: voters.iter().map(|&id| (id, 0)).collect(),
            in_flight: BTreeMap::new(),
            seq: 0,
            rng: Mix(42),
            hash: 0xCBF2_9CE4_8422_2325,
            lossy: false,
            seen: BTreeMap::new(),
        }
    }

    fn node(&mut self, id: NodeId) -> Option<&mut Node> {
        self.nodes.get_mut(&id).and_then(Option::as_mut)
    }

    fn leader(&self) -> Option<NodeId> {
        self.nodes
            .values()
            .flatten()
            .filter(|n| n.role() == Role::Leader)
            .max_by_key(|n| n.current_term())
            .map(|n| n.id())
    }

    /// Folds one Ready into the hash, persists it and sends its messages.
    fn process(&mut self, id: NodeId, now_ms: u64) {
        let Some(node) = self.node(id) else { return };
        if !node.has_ready() {
            return;
        }
        let rd: Ready = node.ready();
        let text = format!("S{id}@{now_ms} {rd:?}");
        self.hash = fnv1a(self.hash, text.as_bytes());
        for k in NOTABLE.iter().filter(|k| text.contains(*k)) {
            *self.seen.entry(k).or_default() += 1;
        }
        self.disks.get_mut(&id).unwrap().apply(&rd.persist);
        if let Some(s) = &rd.snapshot_to_install {
            self.applied.insert(id, s.last_included_index);
        }
        if let Some(e) = rd.committed_entries.last() {
            self.applied.insert(id, e.index);
        }
        for m in rd.messages {
            self.seq += 1;
            let lost = self.lossy && self.rng.next() % 10 == 0;
            let latency = 1 + self.rng.next() % 10;
            if !lost {
                self.in_flight.insert((now_ms + latency, self.seq), m);
            }
        }
    }

    fn step_ms(&mut self, now_ms: u64) {
        let ids: Vec<NodeId> = self.nodes.keys().copied().collect();
        for &id in &ids {
            if let Some(n) = self.node(id) {
                n.tick(now_ms);
            }
            self.process(id, now_ms);
        }
        while let Some(entry) = self.in_flight.first_entry() {
            if entry.key().0 > now_ms {
                break;
            }
            let m = entry.remove();
            let to = m.to;
            if let Some(n) = self.node(to) {
                n.step(m);
                self.process(to, now_ms);
            }
        }
    }

    fn crash(&mut self, id: NodeId) {
        self.nodes.insert(id, None);
        self.applied.insert(id, 0);
    }

    fn restore(&mut self, id: NodeId, now_ms: u64) {
        let node = Node::restore(id, config(), &self.disks[&id], 43, now_ms).unwrap();
        self.nodes.insert(id, Some(node));
        self.process(id, now_ms);
    }

    /// The scripted faults and client calls at `now_ms`.
    fn script(&mut self, now_ms: u64) {
        match now_ms {
            400 => self.lossy = true,
            900 => self.lossy = false,
            1_000 => self.crash(self.leader().unwrap_or(1)),
            1_300 => self.compact_all(now_ms),
            1_600 => {
                let down: Vec<NodeId> = self
                    .nodes
                    .iter()
                    .filter(|(_, n)| n.is_none())
                    .map(|(&id, _)| id)
                    .collect();
                for id in down {
                    self.restore(id, now_ms);
                }
            }
            2_200 => self.transfer(now_ms),
            2_500 => self.read(now_ms),
            t if t % 15 == 0 => self.propose(now_ms),
            _ => {}
        }
    }

    fn propose(&mut self, now_ms: u64) {
        if let Some(l) = self.leader() {
            let cmd = Bytes::from(format!("cmd@{now_ms}").as_str());
            let _ = self.node(l).unwrap().propose(cmd);
            self.process(l, now_ms);
        }
    }

    fn compact_all(&mut self, now_ms: u64) {
        for id in 1..=SERVERS {
            let applied = self.applied[&id];
            if let Some(n) = self.node(id) {
                let _ = n.compact(applied, Bytes::from(format!("sm{applied}").as_str()));
            }
            self.process(id, now_ms);
        }
    }

    fn transfer(&mut self, now_ms: u64) {
        if let Some(l) = self.leader() {
            let target = l % SERVERS + 1;
            let _ = self.node(l).unwrap().transfer_leadership(target);
            self.process(l, now_ms);
        }
    }

    fn read(&mut self, now_ms: u64) {
        for id in 1..=SERVERS {
            if let Some(n) = self.node(id) {
                let _ = n.read_index(u64::from(id));
            }
            self.process(id, now_ms);
        }
    }
}

/// Runs the scenario: the hash of everything the servers produced, plus what a native test
/// checks to be sure the scenario still exercises what it claims to.
pub fn run_scenario() -> Outcome {
    let mut w = World::new();
    for now_ms in 0..=END_MS {
        w.script(now_ms);
        w.step_ms(now_ms);
    }
    let commit = w
        .leader()
        .and_then(|l| w.nodes[&l].as_ref())
        .map_or(0, |n| n.commit_index());
    Outcome {
        hash: w.hash,
        commit,
        seen: w.seen,
    }
}
