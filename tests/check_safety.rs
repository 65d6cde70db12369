//! The safety checker on real runs: silent when Raft is healthy, and precise when two
//! clusters that each believe they are "the" cluster are fed to it as one (a split brain).

use raftlab::check::safety::{EventRef, Property, SafetyChecker};
use raftlab::kv::{ApplyOutcome, Command, KvStore, Operation};
use raftlab::raft::{Bytes, Config, Node, Ready};

/// A tiny synchronous cluster: every message is delivered at once, until quiet.
struct Cluster {
    nodes: Vec<Node>,
    kv: Vec<KvStore>,
    seq: u64,
}

impl Cluster {
    fn new(n: u32, seed: u64) -> Self {
        let voters: Vec<u32> = (1..=n).collect();
        let nodes = voters
            .iter()
            .map(|&id| Node::new(id, Config::default(), &voters, seed, 0).unwrap())
            .collect();
        let kv = (0..n).map(|_| KvStore::default()).collect();
        Cluster { nodes, kv, seq: 0 }
    }

    fn at(&mut self) -> EventRef {
        self.seq += 1;
        EventRef {
            seq: self.seq,
            time_ms: self.seq,
        }
    }

    /// Drains every node's Ready into the checker and delivers messages until none are left.
    fn settle(&mut self, checker: &mut SafetyChecker) {
        loop {
            let mut inbox = Vec::new();
            for i in 0..self.nodes.len() {
                let ready: Ready = self.nodes[i].ready();
                for e in &ready.committed_entries {
                    let outcome: ApplyOutcome = match &e.payload {
                        raftlab::raft::EntryPayload::Command(b) => {
                            self.kv[i].apply_entry_bytes(e.index, 0, b.as_slice())
                        }
                        _ => self.kv[i].apply_no_op(e.index, 0),
                    };
                    let at = self.at();
                    checker.after_apply(at, self.nodes[i].id(), &outcome);
                }
                let at = self.at();
                checker.after_ready(at, &self.nodes[i], &ready);
                inbox.extend(ready.messages);
            }
            if inbox.is_empty() {
                return;
            }
            for m in inbox {
                self.nodes[(m.to - 1) as usize].step(m);
            }
        }
    }

    fn elect(&mut self, id: u32, checker: &mut SafetyChecker) {
        self.nodes[(id - 1) as usize].campaign().unwrap();
        self.settle(checker);
    }

    fn transfer(&mut self, from: u32, to: u32, checker: &mut SafetyChecker) {
        self.nodes[(from - 1) as usize]
            .transfer_leadership(to)
            .unwrap();
        self.settle(checker);
    }

    fn propose(&mut self, leader: u32, cmd: &Command, checker: &mut SafetyChecker) {
        let bytes = Bytes::copy_from_slice(&cmd.encode());
        self.nodes[(leader - 1) as usize].propose(bytes).unwrap();
        self.settle(checker);
    }
}

fn put(client: u64, serial: u64, value: &str) -> Command {
    Command::Request {
        client_id: client,
        serial,
        lowest_unacked: serial,
        op: Operation::Put {
            key: "x".into(),
            value: value.into(),
        },
    }
}

#[test]
fn a_healthy_cluster_breaks_no_property() {
    // Elections, a leadership change and replicated writes: the checker stays silent.
    let mut checker = SafetyChecker::new();
    let mut c = Cluster::new(3, 1);
    c.elect(1, &mut checker);
    c.propose(1, &Command::RegisterClient, &mut checker);
    let client = c.kv[0].sessions().next().unwrap().client_id;
    c.propose(1, &put(client, 1, "a"), &mut checker);
    c.transfer(1, 2, &mut checker);
    assert_eq!(c.nodes[1].role(), raftlab::raft::Role::Leader);
    c.propose(2, &put(client, 2, "b"), &mut checker);
    assert!(checker.is_safe(), "{:?}", checker.violations());
    assert_eq!(c.kv[2].read("x"), Some("b"));
}

#[test]
fn two_leaders_of_one_term_are_an_election_safety_violation() {
    // Cluster A elects S1 and cluster B elects S2, both in term 1; seen as one run, that is
    // two leaders in one term.
    let mut checker = SafetyChecker::new();
    let (mut a, mut b) = (Cluster::new(3, 1), Cluster::new(3, 2));
    a.elect(1, &mut checker);
    b.elect(2, &mut checker);
    let v = checker
        .violations()
        .iter()
        .find(|v| v.property == Property::ElectionSafety)
        .expect("split brain not reported");
    assert_eq!(v.servers, vec![1, 2]);
    assert_eq!(v.term, Some(1));
}

#[test]
fn different_entries_committed_at_one_index_are_reported_with_the_index() {
    // Both clusters commit a different command at index 2 in term 1: Log Matching (same index
    // and term, different payload), committed-entry immutability and State Machine Safety all
    // break, each naming index 2.
    let mut checker = SafetyChecker::new();
    let (mut a, mut b) = (Cluster::new(3, 1), Cluster::new(3, 2));
    a.elect(1, &mut checker);
    a.propose(1, &put(1, 1, "from A"), &mut checker);
    b.elect(1, &mut checker);
    b.propose(1, &put(1, 1, "from B"), &mut checker);
    for property in [
        Property::LogMatching,
        Property::CommittedImmutable,
        Property::StateMachineSafety,
    ] {
        let v = checker
            .violations()
            .iter()
            .find(|v| v.property == property)
            .unwrap_or_else(|| panic!("{property} not reported: {:?}", checker.violations()));
        assert_eq!(v.index, Some(2), "{v}");
    }
}

#[test]
fn a_command_executed_at_two_indices_breaks_exactly_once() {
    // With de-duplication switched off in the store, a retried request executes again at a
    // new index: the checker names the command and both indices.
    let mut checker = SafetyChecker::new();
    let mut c = Cluster::new(1, 1);
    let kv_config = raftlab::kv::KvConfig {
        apply_without_dedup: true,
        ..Default::default()
    };
    c.kv[0] = KvStore::new(kv_config).unwrap();
    c.elect(1, &mut checker);
    c.propose(1, &Command::RegisterClient, &mut checker);
    let client = c.kv[0].sessions().next().unwrap().client_id;
    c.propose(1, &put(client, 1, "a"), &mut checker);
    assert!(checker.is_safe());
    c.propose(1, &put(client, 1, "a"), &mut checker);
    let v = &checker.violations()[0];
    assert_eq!(v.property, Property::ExactlyOnce);
    assert_eq!(v.index, Some(4));
    assert!(v.detail.contains("already took effect at index 3"), "{v}");
}

#[test]
fn forgetting_old_history_keeps_checking_new_entries() {
    // After forget_below, entries above the floor are still checked.
    let mut checker = SafetyChecker::new();
    let (mut a, mut b) = (Cluster::new(1, 1), Cluster::new(1, 2));
    a.elect(1, &mut checker);
    a.propose(1, &put(1, 1, "a1"), &mut checker);
    checker.forget_below(2);
    a.propose(1, &put(1, 2, "a2"), &mut checker);
    b.elect(1, &mut checker);
    b.propose(1, &put(1, 1, "b1"), &mut checker);
    b.propose(1, &put(1, 2, "b2"), &mut checker);
    assert!(checker
        .violations()
        .iter()
        .any(|v| v.property == Property::StateMachineSafety && v.index == Some(3)));
}
