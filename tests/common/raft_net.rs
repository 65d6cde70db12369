//! A synchronous in-memory network of raftlab Raft servers for tests: messages are delivered
//! in FIFO order until the cluster is quiet; links can be cut, servers isolated, message kinds
//! or a seeded fraction of messages dropped, and servers crashed and restarted from exactly
//! what they persisted.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use raftlab::raft::{
    Bytes, Config, DurableState, Entry, EntryPayload, Event, Message, MessageKind, Node, NodeId,
    ReadState, Ready,
};
use rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Election timeout 10..20 ms and heartbeat 1 ms, like etcd's tick tests (10/1 ticks).
pub fn test_config() -> Config {
    Config {
        election_timeout_ms_min: 10,
        election_timeout_ms_max: 20,
        heartbeat_interval_ms: 1,
        pre_vote: false,
        check_quorum: false,
        max_entries_per_append: 100,
        max_inflight_appends: 256,
        bugs: Default::default(),
    }
}

/// A command payload.
pub fn cmd(s: &str) -> Bytes {
    Bytes::from(s)
}

/// The test state machine: the commands applied, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateMachine {
    pub commands: Vec<Bytes>,
    pub applied_index: u64,
}

impl StateMachine {
    pub fn encode(&self) -> Bytes {
        let mut out = Vec::new();
        for c in &self.commands {
            out.extend_from_slice(&(c.len() as u32).to_le_bytes());
            out.extend_from_slice(c);
        }
        Bytes::from(out)
    }

    pub fn decode(data: &[u8], applied_index: u64) -> Self {
        let mut commands = Vec::new();
        let mut i = 0;
        while i < data.len() {
            let n = u32::from_le_bytes(data[i..i + 4].try_into().unwrap()) as usize;
            commands.push(Bytes::from(&data[i + 4..i + 4 + n]));
            i += 4 + n;
        }
        StateMachine {
            commands,
            applied_index,
        }
    }

    fn apply(&mut self, e: &Entry) {
        assert_eq!(
            e.index,
            self.applied_index + 1,
            "entries are applied in order, exactly once"
        );
        self.applied_index = e.index;
        if let EntryPayload::Command(c) = &e.payload {
            self.commands.push(c.clone());
        }
    }
}

pub struct Net {
    pub config: Config,
    pub seed: u64,
    pub now_ms: u64,
    pub nodes: BTreeMap<NodeId, Option<Node>>,
    pub disks: BTreeMap<NodeId, DurableState>,
    pub sms: BTreeMap<NodeId, StateMachine>,
    pub events: BTreeMap<NodeId, Vec<Event>>,
    pub read_states: BTreeMap<NodeId, Vec<ReadState>>,
    /// Every message delivered (or dropped), in order, with whether it was delivered.
    pub trace: Vec<(Message, bool)>,
    cut: BTreeSet<(NodeId, NodeId)>,
    dropped_kinds: BTreeSet<MessageKind>,
    drop_probability: f64,
    rng: Xoshiro256PlusPlus,
    queue: VecDeque<Message>,
}

impl Net {
    /// `n` fresh servers 1..=n with the test configuration.
    pub fn new(n: u32) -> Net {
        Net::with_config(n, test_config())
    }

    pub fn with_config(n: u32, config: Config) -> Net {
        let voters: Vec<NodeId> = (1..=n).collect();
        let nodes = voters
            .iter()
            .map(|&id| {
                (
                    id,
                    Some(Node::new(id, config.clone(), &voters, 7, 0).expect("valid")),
                )
            })
            .collect();
        Net::from_nodes(config, nodes)
    }

    /// Servers restored from the given disks (None: a server that is down / a black hole).
    pub fn from_disks(config: Config, disks: BTreeMap<NodeId, Option<DurableState>>) -> Net {
        let nodes = disks
            .iter()
            .map(|(&id, d)| {
                (
                    id,
                    d.as_ref()
                        .map(|d| Node::restore(id, config.clone(), d, 7, 0).unwrap()),
                )
            })
            .collect();
        let mut net = Net::from_nodes(config, nodes);
        for (id, d) in disks {
            if let Some(d) = d {
                net.disks.insert(id, d);
            }
        }
        net
    }

    /// A network of given nodes (None: a server that is down / a black hole).
    pub fn from_nodes(config: Config, nodes: BTreeMap<NodeId, Option<Node>>) -> Net {
        let mut net = Net {
            config,
            seed: 7,
            now_ms: 0,
            disks: nodes
                .keys()
                .map(|&id| (id, DurableState::default()))
                .collect(),
            sms: nodes
                .keys()
                .map(|&id| (id, StateMachine::default()))
                .collect(),
            events: nodes.keys().map(|&id| (id, Vec::new())).collect(),
            read_states: nodes.keys().map(|&id| (id, Vec::new())).collect(),
            nodes,
            trace: Vec::new(),
            cut: BTreeSet::new(),
            dropped_kinds: BTreeSet::new(),
            drop_probability: 0.0,
            rng: Xoshiro256PlusPlus::seed_from_u64(99),
            queue: VecDeque::new(),
        };
        net.stabilize();
        net
    }

    pub fn node(&self, id: NodeId) -> &Node {
        self.nodes[&id].as_ref().expect("node is up")
    }

    pub fn node_mut(&mut self, id: NodeId) -> &mut Node {
        self.nodes
            .get_mut(&id)
            .unwrap()
            .as_mut()
            .expect("node is up")
    }

    pub fn is_up(&self, id: NodeId) -> bool {
        self.nodes.get(&id).is_some_and(|n| n.is_some())
    }

    /// Adds a fresh joining server (knows no configuration yet).
    pub fn add_joining(&mut self, id: NodeId) {
        let node = Node::new_joining(id, self.config.clone(), self.seed, self.now_ms).unwrap();
        self.nodes.insert(id, Some(node));
        self.disks.insert(id, DurableState::default());
        self.sms.insert(id, StateMachine::default());
        self.events.insert(id, Vec::new());
        self.read_states.insert(id, Vec::new());
        self.stabilize();
    }

    // ---- faults ----

    pub fn cut(&mut self, a: NodeId, b: NodeId) {
        self.cut.insert((a, b));
        self.cut.insert((b, a));
    }

    pub fn isolate(&mut self, id: NodeId) {
        let ids: Vec<NodeId> = self.nodes.keys().copied().collect();
        for other in ids.into_iter().filter(|&o| o != id) {
            self.cut(id, other);
        }
    }

    pub fn drop_kind(&mut self, kind: MessageKind) {
        self.dropped_kinds.insert(kind);
    }

    pub fn set_drop_probability(&mut self, p: f64) {
        self.drop_probability = p;
    }

    /// Heals all partitions and stops dropping.
    pub fn recover(&mut self) {
        self.cut.clear();
        self.dropped_kinds.clear();
        self.drop_probability = 0.0;
    }

    /// Crash: volatile state and the state machine are lost, the disk survives.
    pub fn crash(&mut self, id: NodeId) {
        self.nodes.insert(id, None);
        self.sms.insert(id, StateMachine::default());
    }

    /// Restart from the disk.
    pub fn restart(&mut self, id: NodeId) {
        let disk = self.disks[&id].clone();
        let node =
            Node::restore(id, self.config.clone(), &disk, self.seed + 1, self.now_ms).unwrap();
        self.nodes.insert(id, Some(node));
        self.stabilize();
    }

    // ---- driving ----

    /// Lets `id` start an election and runs the cluster until quiet.
    pub fn campaign(&mut self, id: NodeId) {
        self.node_mut(id).campaign().expect("can campaign");
        self.stabilize();
    }

    pub fn propose(&mut self, id: NodeId, s: &str) -> Result<u64, raftlab::raft::ProposeError> {
        let r = self.node_mut(id).propose(cmd(s));
        self.stabilize();
        r
    }

    /// Injects messages and delivers until quiet.
    pub fn send(&mut self, msgs: Vec<Message>) {
        self.queue.extend(msgs);
        self.stabilize();
    }

    /// Advances virtual time by `ms`, one millisecond at a time, ticking every live server and
    /// delivering until quiet after each millisecond.
    pub fn advance(&mut self, ms: u64) {
        for _ in 0..ms {
            self.now_ms += 1;
            let now = self.now_ms;
            for n in self.nodes.values_mut().flatten() {
                n.tick(now);
            }
            self.stabilize();
        }
    }

    /// Advances time for one server only (others' clocks stay), delivering until quiet.
    pub fn tick_one(&mut self, id: NodeId, to_ms: u64) {
        self.node_mut(id).tick(to_ms);
        self.stabilize();
    }

    /// Processes every Ready and delivers every message until nothing is left.
    pub fn stabilize(&mut self) {
        loop {
            let ids: Vec<NodeId> = self.nodes.keys().copied().collect();
            for id in ids {
                self.process_ready(id);
            }
            let Some(m) = self.queue.pop_front() else {
                break;
            };
            self.deliver(m);
        }
    }

    fn deliver(&mut self, m: Message) {
        let dropped = self.cut.contains(&(m.from, m.to))
            || self.dropped_kinds.contains(&m.kind())
            || (self.drop_probability > 0.0 && self.random_f64() < self.drop_probability)
            || !self.is_up(m.to);
        self.trace.push((m.clone(), !dropped));
        if !dropped {
            let to = m.to;
            self.node_mut(to).step(m);
            self.process_ready(to);
        }
    }

    fn random_f64(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Handles one server's Ready in the documented order: persist, send, install, apply.
    pub fn process_ready(&mut self, id: NodeId) {
        let Some(Some(node)) = self.nodes.get_mut(&id) else {
            return;
        };
        if !node.has_ready() {
            return;
        }
        let rd: Ready = node.ready();
        self.disks.get_mut(&id).unwrap().apply(&rd.persist);
        self.queue.extend(rd.messages);
        let sm = self.sms.get_mut(&id).unwrap();
        if let Some(s) = &rd.snapshot_to_install {
            *sm = StateMachine::decode(&s.data, s.last_included_index);
        }
        for e in &rd.committed_entries {
            sm.apply(e);
        }
        self.read_states
            .get_mut(&id)
            .unwrap()
            .extend(rd.read_states);
        self.events.get_mut(&id).unwrap().extend(rd.events);
    }

    // ---- observations ----

    /// The leader with the highest term among live servers, if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.nodes
            .values()
            .flatten()
            .filter(|n| n.role() == raftlab::raft::Role::Leader)
            .max_by_key(|n| n.current_term())
            .map(|n| n.id())
    }

    /// (term) of each log entry of a server, including compacted ones as `None`.
    pub fn log_terms(&self, id: NodeId) -> Vec<u64> {
        self.node(id).log_entries().iter().map(|e| e.term).collect()
    }

    /// Messages delivered (not dropped) since the trace was last cleared.
    pub fn delivered(&self) -> Vec<&Message> {
        self.trace
            .iter()
            .filter(|(_, ok)| *ok)
            .map(|(m, _)| m)
            .collect()
    }

    pub fn take_events(&mut self, id: NodeId) -> Vec<Event> {
        std::mem::take(self.events.get_mut(&id).unwrap())
    }

    /// Commands applied by a server's state machine.
    pub fn applied_commands(&self, id: NodeId) -> Vec<String> {
        self.sms[&id]
            .commands
            .iter()
            .map(|c| String::from_utf8(c.to_vec()).unwrap())
            .collect()
    }

    /// Panics unless every pair of live servers agrees on every index both have committed
    /// (Log Matching on the committed prefix, c.1/c.2).
    pub fn assert_committed_prefixes_agree(&self) {
        let live: Vec<&Node> = self.nodes.values().flatten().collect();
        for a in &live {
            for b in &live {
                let hi = a.commit_index().min(b.commit_index());
                let lo = a.first_index().max(b.first_index());
                for i in lo..=hi {
                    assert_eq!(
                        a.entry(i),
                        b.entry(i),
                        "S{} and S{} differ at committed {i}",
                        a.id(),
                        b.id()
                    );
                }
            }
        }
    }
}

/// Drains a node's Ready and returns its messages (for unit-level tests without a network).
pub fn take_msgs(node: &mut Node) -> Vec<Message> {
    node.ready().messages
}
