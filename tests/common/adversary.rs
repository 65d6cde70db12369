//! A seeded random adversary for the Raft core: a cluster of [`Node`]s whose inputs — message
//! deliveries in any order, duplicates, drops, ticks, client calls, membership changes,
//! compactions, crashes and restarts, and (in Byzantine mode) forged and mutated messages —
//! are all drawn from one SplitMix64 stream, so a seed reproduces a run exactly.
//!
//! Every Ready is handled as documented (persist, send, install, apply). The harness records
//! what the safety checks need: the leader of each term seen, every committed entry, and the
//! state-machine digest after every applied index.
#![allow(dead_code)]

use std::collections::BTreeMap;

use raftlab::raft::{
    Bytes, Config, DurableState, Entry, EntryPayload, MembershipChange, Message, Node, NodeId,
    Ready, Role,
};

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, stable, good enough for test inputs.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// True with probability `pct`%.
    pub fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

/// FNV-1a, 64-bit, folded one byte string at a time.
pub fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// The FNV-1a offset basis.
pub const FNV_OFFSET: u64 = 0xCBF2_9CE4_8422_2325;

/// The test state machine: the applied index and a digest of everything applied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Digest {
    pub index: u64,
    pub hash: u64,
}

impl Digest {
    fn encode(self) -> Bytes {
        let mut v = self.index.to_le_bytes().to_vec();
        v.extend_from_slice(&self.hash.to_le_bytes());
        Bytes::from(v)
    }

    fn decode(data: &[u8], index: u64) -> Digest {
        if data.len() != 16 {
            return Digest { index, hash: 0 }; // The empty base snapshot.
        }
        let hash = u64::from_le_bytes(data[8..16].try_into().unwrap());
        Digest { index, hash }
    }
}

/// One server slot: the node when up, its disk, its state machine.
pub struct Server {
    pub node: Option<Node>,
    pub disk: DurableState,
    pub sm: Digest,
}

/// The cluster under attack plus the history the safety checks compare against.
pub struct Cluster {
    pub config: Config,
    pub servers: BTreeMap<NodeId, Server>,
    pub pool: Vec<Message>,
    pub now_ms: u64,
    pub leaders: BTreeMap<u64, NodeId>,
    /// index -> (term, payload digest) of every entry any server applied.
    pub committed: BTreeMap<u64, (u64, u64)>,
    /// index -> state-machine digest after applying it, on any server.
    pub digests: BTreeMap<u64, u64>,
    pub seed: u64,
    /// Only crash faults and an asynchronous network (loss, duplication, reordering): Raft's
    /// safety guarantees apply and are checked. Byzantine runs check only that nothing panics
    /// and the local invariants hold (forged votes can legitimately elect two leaders).
    pub honest: bool,
}

/// Most messages in flight; older ones are dropped beyond this (bounded memory).
const POOL_MAX: usize = 256;

impl Cluster {
    /// `voters` initial voters 1..=voters, plus joining servers up to `total`.
    pub fn new(config: Config, voters: u32, total: u32, seed: u64) -> Cluster {
        let ids: Vec<NodeId> = (1..=voters).collect();
        let mut servers = BTreeMap::new();
        for id in 1..=total {
            let node = if id <= voters {
                Node::new(id, config.clone(), &ids, seed, 0).unwrap()
            } else {
                Node::new_joining(id, config.clone(), seed, 0).unwrap()
            };
            let sm = Digest::default();
            let disk = DurableState::default();
            servers.insert(
                id,
                Server {
                    node: Some(node),
                    disk,
                    sm,
                },
            );
        }
        let mut c = Cluster {
            config,
            servers,
            pool: Vec::new(),
            now_ms: 0,
            leaders: BTreeMap::new(),
            committed: BTreeMap::new(),
            digests: BTreeMap::new(),
            seed,
            honest: true,
        };
        for id in 1..=total {
            c.process(id);
        }
        c
    }

    pub fn node_mut(&mut self, id: NodeId) -> Option<&mut Node> {
        self.servers.get_mut(&id).and_then(|s| s.node.as_mut())
    }

    pub fn ids(&self) -> Vec<NodeId> {
        self.servers.keys().copied().collect()
    }

    /// Handles a server's Ready in the documented order and records what it committed.
    pub fn process(&mut self, id: NodeId) -> Option<Ready> {
        let srv = self.servers.get_mut(&id)?;
        let node = srv.node.as_mut()?;
        if !node.has_ready() {
            return None;
        }
        let rd = node.ready();
        srv.disk.apply(&rd.persist);
        self.pool.extend(rd.messages.iter().cloned());
        if self.pool.len() > POOL_MAX {
            let excess = self.pool.len() - POOL_MAX;
            self.pool.drain(..excess);
        }
        if let Some(s) = &rd.snapshot_to_install {
            srv.sm = Digest::decode(&s.data, s.last_included_index);
            let known = self.digests.get(&srv.sm.index).copied();
            let ok = !self.honest || known.is_none_or(|h| h == srv.sm.hash);
            assert!(
                ok,
                "SEED={}: S{id} installed a divergent snapshot",
                self.seed
            );
        }
        if !self.honest {
            srv.sm.index = node.last_applied();
            return Some(rd);
        }
        for e in &rd.committed_entries {
            let seed = self.seed;
            assert_eq!(
                e.index,
                srv.sm.index + 1,
                "SEED={seed}: S{id} applies out of order"
            );
            srv.sm.index = e.index;
            srv.sm.hash = fnv1a(srv.sm.hash, format!("{:?}", e.payload).as_bytes());
            let want = (
                e.term,
                fnv1a(FNV_OFFSET, format!("{:?}", e.payload).as_bytes()),
            );
            let got = *self.committed.entry(e.index).or_insert(want);
            assert_eq!(
                got, want,
                "SEED={seed}: S{id} applied a different entry at {}",
                e.index
            );
            let h = *self.digests.entry(e.index).or_insert(srv.sm.hash);
            assert_eq!(
                h, srv.sm.hash,
                "SEED={seed}: S{id} state diverges at {}",
                e.index
            );
        }
        Some(rd)
    }

    /// Delivers `m` to its addressee (wherever `to` points; dropped if that server is down).
    pub fn deliver(&mut self, m: Message) {
        let to = m.to;
        if let Some(node) = self.node_mut(to) {
            node.step(m);
            self.process(to);
        }
    }

    /// Advances every live server's clock to `now_ms`.
    pub fn tick_all(&mut self, now_ms: u64) {
        self.now_ms = now_ms;
        for id in self.ids() {
            if let Some(n) = self.node_mut(id) {
                n.tick(now_ms);
            }
            self.process(id);
        }
    }

    pub fn crash(&mut self, id: NodeId) {
        let srv = self.servers.get_mut(&id).unwrap();
        srv.node = None;
        srv.sm = Digest::default();
    }

    pub fn restore(&mut self, id: NodeId) {
        let srv = self.servers.get_mut(&id).unwrap();
        let seed = self.seed ^ self.now_ms;
        let node = Node::restore(id, self.config.clone(), &srv.disk, seed, self.now_ms).unwrap();
        srv.node = Some(node);
        self.process(id);
    }

    /// Compacts a server's log at its applied index with its state-machine digest.
    pub fn compact(&mut self, id: NodeId) {
        let srv = self.servers.get_mut(&id).unwrap();
        if let Some(node) = srv.node.as_mut() {
            let applied = node.last_applied();
            if applied == srv.sm.index {
                let _ = node.compact(applied, srv.sm.encode());
            }
        }
        self.process(id);
    }

    /// Election Safety (§5.2): at most one leader per term, over the whole run.
    pub fn check_leaders(&mut self) {
        let seed = self.seed;
        for srv in self.servers.values() {
            let Some(n) = &srv.node else { continue };
            if n.role() == Role::Leader {
                let prev = *self.leaders.entry(n.current_term()).or_insert(n.id());
                assert_eq!(
                    prev,
                    n.id(),
                    "SEED={seed}: two leaders in term {}",
                    n.current_term()
                );
            }
        }
    }

    /// Log Matching on committed prefixes: every live server's committed, retained entries
    /// equal what was applied anywhere at that index.
    pub fn check_committed_prefixes(&self) {
        for srv in self.servers.values() {
            let Some(n) = &srv.node else { continue };
            for i in n.first_index()..=n.commit_index() {
                let (Some(e), Some(&(term, h))) = (n.entry(i), self.committed.get(&i)) else {
                    continue;
                };
                let payload = fnv1a(FNV_OFFSET, format!("{:?}", e.payload).as_bytes());
                assert_eq!(
                    (e.term, payload),
                    (term, h),
                    "SEED={}: S{} at {i}",
                    self.seed,
                    n.id()
                );
            }
        }
    }

    /// Internal invariants that hold whatever the inputs were.
    pub fn check_local(&self) {
        for srv in self.servers.values() {
            let Some(n) = &srv.node else { continue };
            let ctx = format!("SEED={} S{}", self.seed, n.id());
            assert!(
                n.last_applied() <= n.commit_index(),
                "{ctx}: applied > commit"
            );
            assert!(n.commit_index() <= n.last_index(), "{ctx}: commit > last");
            assert!(n.first_index() <= n.last_index() + 1, "{ctx}: log bounds");
            for (i, e) in n.log_entries().iter().enumerate() {
                assert_eq!(e.index, n.first_index() + i as u64, "{ctx}: log gap");
            }
        }
    }
}

/// A random client-level input to a random server.
pub fn client_call(c: &mut Cluster, rng: &mut SplitMix64, step: u64) {
    let ids = c.ids();
    let leader = c.servers.iter().find_map(|(&id, s)| {
        s.node
            .as_ref()
            .is_some_and(|n| n.role() == Role::Leader)
            .then_some(id)
    });
    let id = match leader {
        Some(l) if rng.chance(70) => l,
        _ => ids[rng.below(ids.len() as u64) as usize],
    };
    let target = rng.below(ids.len() as u64 + 2) as NodeId;
    let what = rng.below(10);
    if what == 9 {
        c.compact(id);
        return;
    }
    let Some(node) = c.node_mut(id) else { return };
    match what {
        0..=3 => {
            let _ = node.propose(Bytes::from(format!("c{step}").as_str()));
        }
        4 => {
            let _ = node.read_index(step);
        }
        5 => {
            let _ = node.transfer_leadership(target);
        }
        6 => {
            let change = match rng.below(4) {
                0 => MembershipChange::AddServer(target),
                1 => MembershipChange::AddLearner(target),
                2 => MembershipChange::PromoteLearner(target),
                _ => MembershipChange::RemoveServer(target),
            };
            let _ = node.propose_membership_change(change);
        }
        7 => {
            let _ = node.campaign();
        }
        _ => {
            let _ = node.propose_batch([Bytes::from("b1"), Bytes::from("b2")]);
        }
    }
    c.process(id);
}

/// An arbitrary entry near `index` (for forged AppendEntries).
pub fn random_entry(rng: &mut SplitMix64, index: u64, term: u64) -> Entry {
    let payload = match rng.below(3) {
        0 => EntryPayload::Noop,
        _ => EntryPayload::Command(Bytes::from("forged")),
    };
    Entry {
        index,
        term,
        payload,
    }
}
