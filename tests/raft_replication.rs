//! Network-level log replication scenarios: commitment, old messages, proposals, fast log
//! back-up, flow control, and a seeded fault sweep checking the safety properties.

#[path = "common/raft_net.rs"]
mod raft_net;

use std::collections::BTreeMap;

use raft_net::{cmd, test_config, Net};
use raftlab::raft::{
    Bytes, CommitStatus, Config, Configuration, DurableState, Entry, EntryPayload, HardState,
    Message, MessageBody, MessageKind, NodeId, ProposeError, Role, Snapshot,
};

fn disk(n: u32, term: u64, snapshot: (u64, u64), log_terms: &[u64]) -> DurableState {
    let voters: Vec<NodeId> = (1..=n).collect();
    let base = snapshot.0;
    let entries = log_terms
        .iter()
        .enumerate()
        .map(|(i, &t)| Entry {
            index: base + i as u64 + 1,
            term: t,
            payload: EntryPayload::Noop,
        })
        .collect();
    DurableState {
        hard_state: HardState {
            current_term: term,
            voted_for: None,
            commit_index: 0,
        },
        snapshot: Some(Snapshot {
            last_included_index: snapshot.0,
            last_included_term: snapshot.1,
            configuration: Configuration::with_voters(&voters),
            data: Bytes::default(),
        }),
        entries,
    }
}

fn grant(from: NodeId, to: NodeId, term: u64) -> Message {
    let body = MessageBody::RequestVoteResponse {
        pre_vote: false,
        granted: true,
        reject_reason: None,
    };
    Message {
        from,
        to,
        term,
        body,
    }
}

// Proposals to the leader are committed and applied in the same order everywhere, also after
// leadership moves.
#[test]
fn log_is_replicated_and_applied_in_order() {
    let mut net = Net::new(3);
    net.campaign(1);
    net.propose(1, "somedata").unwrap();
    net.advance(1);
    for id in 1..=3 {
        assert_eq!(net.node(id).commit_index(), 2);
        assert_eq!(net.applied_commands(id), vec!["somedata"]);
    }
    net.campaign(2);
    net.propose(2, "more").unwrap();
    net.advance(1);
    for id in 1..=3 {
        assert_eq!(net.node(id).commit_index(), 4);
        assert_eq!(net.applied_commands(id), vec!["somedata", "more"]);
    }
}

// A single-server cluster commits its own proposals immediately.
#[test]
fn single_server_commits_its_proposals() {
    let mut net = Net::new(1);
    net.campaign(1);
    net.propose(1, "a").unwrap();
    net.propose(1, "b").unwrap();
    assert_eq!(net.node(1).commit_index(), 3);
    assert_eq!(net.applied_commands(1), vec!["a", "b"]);
}

/// Five servers; 1 leads, replicates two proposals to 2 only (uncommitted).
fn two_entries_on_minority() -> Net {
    let mut net = Net::new(5);
    net.campaign(1);
    for other in [3, 4, 5] {
        net.cut(1, other);
    }
    net.propose(1, "p1").unwrap();
    net.propose(1, "p2").unwrap();
    assert_eq!(net.node(1).commit_index(), 1);
    net
}

// §5.4.2: a new leader does not commit earlier-term entries by counting replicas; they commit
// only along with an entry of its own term.
#[test]
fn earlier_term_entries_wait_for_a_current_term_entry() {
    let mut net = two_entries_on_minority();
    net.recover();
    net.drop_kind(MessageKind::AppendEntries);
    net.drop_kind(MessageKind::Heartbeat);
    net.campaign(2);
    assert_eq!(net.node(2).role(), Role::Leader);
    assert_eq!(net.node(2).commit_index(), 1);
    assert!(matches!(
        net.node(2).commit_status(2),
        CommitStatus::AwaitingReplication {
            replicated_on: 1,
            needed: 3,
            voters: 5
        }
    ));
    net.recover();
    net.advance(1);
    net.propose(2, "p3").unwrap();
    assert_eq!(net.node(2).commit_index(), 5);
}

// The new leader's no-op of its own term commits the earlier entries once replicated.
#[test]
fn new_leader_commits_earlier_entries_via_its_noop() {
    let mut net = two_entries_on_minority();
    net.recover();
    net.campaign(2);
    assert_eq!(net.node(2).commit_index(), 4);
}

// A stale AppendEntries from an old term is ignored; logs stay consistent.
#[test]
fn old_term_messages_are_ignored() {
    let mut net = Net::new(3);
    net.campaign(1);
    net.campaign(2);
    net.campaign(1);
    assert_eq!(net.node(1).current_term(), 3);
    let stale = Message {
        from: 2,
        to: 1,
        term: 2,
        body: MessageBody::AppendEntries {
            prev_log_index: 2,
            prev_log_term: 2,
            entries: vec![Entry {
                index: 3,
                term: 2,
                payload: EntryPayload::Noop,
            }]
            .into(),
            leader_commit: 3,
            read_seq: 0,
        },
    };
    net.send(vec![stale]);
    net.propose(1, "somedata").unwrap();
    net.advance(1);
    for id in 1..=3 {
        assert_eq!(net.log_terms(id), vec![1, 2, 3, 3]);
        assert_eq!(net.applied_commands(id), vec!["somedata"]);
    }
}

// A proposal commits iff a majority is up; without a leader it is refused.
#[test]
fn proposal_commits_only_with_a_live_majority() {
    let cases: [(u32, &[NodeId], bool); 5] = [
        (3, &[], true),
        (3, &[3], true),
        (3, &[2, 3], false),
        (4, &[3, 4], false),
        (5, &[4, 5], true),
    ];
    for (n, down, success) in cases {
        let mut net = Net::new(n);
        for &d in down {
            net.crash(d);
        }
        net.campaign(1);
        let result = net.propose(1, "somedata");
        if success {
            assert!(result.is_ok());
            assert_eq!(net.applied_commands(1), vec!["somedata"]);
        } else {
            assert_eq!(
                result,
                Err(ProposeError::NotLeader { leader_hint: None }),
                "n={n} down={down:?}"
            );
        }
    }
}

// Followers do not forward proposals: they refuse with the leader as a hint.
#[test]
fn follower_refuses_proposal_with_leader_hint() {
    let mut net = Net::new(3);
    net.campaign(1);
    assert_eq!(
        net.propose(2, "x"),
        Err(ProposeError::NotLeader {
            leader_hint: Some(1)
        })
    );
}

// Fast log back-up: for each leader/follower log shape (including a compacted follower), the
// follower rejects at most once before the leader finds the match point.
#[test]
fn fast_log_rejection_needs_one_round_trip() {
    type Shape = (&'static [u64], (u64, u64), &'static [u64]);
    let shapes: [Shape; 5] = [
        (&[1, 2, 2, 2, 2, 2], (0, 0), &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
        (&[1, 1, 1, 1, 1, 1, 1, 1, 1, 1], (0, 0), &[1, 2, 2, 2, 2, 2]),
        (&[1, 1, 2, 2, 3, 3], (0, 0), &[1, 1, 2, 2, 2, 2, 2, 2]),
        (&[1, 1, 2, 2, 2, 3, 3, 3], (5, 2), &[2, 2]),
        (&[1, 1, 2, 2, 2, 3, 3, 3], (0, 0), &[]),
    ];
    for (leader_log, follower_snap, follower_log) in shapes {
        let disks = BTreeMap::from([
            (1, Some(disk(3, 3, (0, 0), leader_log))),
            (2, Some(disk(3, 3, follower_snap, follower_log))),
            (3, None),
        ]);
        let mut net = Net::from_disks(test_config(), disks);
        net.node_mut(1).campaign().unwrap();
        net.send(vec![grant(3, 1, 4)]);
        assert_eq!(net.node(1).role(), Role::Leader);
        let rejections = net
            .delivered()
            .iter()
            .filter(|m| m.from == 2 && m.kind() == MessageKind::AppendRejected)
            .count();
        assert!(
            rejections <= 1,
            "shape {leader_log:?} / {follower_log:?}: {rejections} rejections"
        );
        assert_eq!(net.node(2).last_index(), net.node(1).last_index());
        assert_eq!(
            net.node(2).log_entries().last(),
            net.node(1).log_entries().last()
        );
    }
}

fn appends_with_entries_to(net: &Net, to: NodeId) -> usize {
    net.trace
        .iter()
        .filter(|(m, _)| m.to == to && m.kind() == MessageKind::AppendEntries)
        .count()
}

// Replicate state: at most max_inflight_appends unacknowledged AppendEntries per follower.
#[test]
fn inflight_appends_are_limited() {
    let config = Config {
        max_inflight_appends: 3,
        max_entries_per_append: 1,
        ..test_config()
    };
    let mut net = Net::with_config(3, config);
    net.campaign(1);
    net.drop_kind(MessageKind::AppendAccepted);
    net.trace.clear();
    for i in 0..10 {
        net.propose(1, &format!("p{i}")).unwrap();
    }
    assert_eq!(appends_with_entries_to(&net, 2), 3);
    assert_eq!(net.node(1).progress(2).unwrap().inflight.len(), 3);
    net.recover();
    net.advance(1);
    assert_eq!(
        net.node(2).last_index(),
        net.node(1).last_index(),
        "window refills as acks arrive"
    );
}

// Probe state: while the follower's match point is unknown the leader sends at most one
// AppendEntries per heartbeat interval.
#[test]
fn probe_sends_at_most_one_append_per_heartbeat() {
    let mut net = Net::new(3);
    net.drop_kind(MessageKind::AppendAccepted);
    net.drop_kind(MessageKind::AppendRejected);
    net.campaign(1);
    net.trace.clear();
    for i in 0..5 {
        net.propose(1, &format!("p{i}")).unwrap();
    }
    assert_eq!(
        appends_with_entries_to(&net, 2),
        0,
        "the unanswered no-op probe pauses the follower"
    );
    net.advance(1);
    assert_eq!(appends_with_entries_to(&net, 2), 1);
    net.advance(1);
    assert_eq!(appends_with_entries_to(&net, 2), 2);
}

// Seeded fault sweep: random message loss, crashes and restarts, compactions and transfers
// while proposing. Afterwards
// every pair of servers agrees on committed entries, there was at most one leader per term,
// state machines applied identical sequences, and with faults healed everything converges.
#[test]
fn random_faults_never_break_safety() {
    let mut snapshots = 0;
    for seed in 0..30u64 {
        snapshots += run_chaos(seed);
    }
    assert!(snapshots > 0, "the sweep exercises InstallSnapshot");
}

/// Runs one seed; returns how many snapshots were delivered.
fn run_chaos(seed: u64) -> usize {
    let config = Config {
        pre_vote: seed % 2 == 0,
        check_quorum: seed % 3 != 0,
        ..test_config()
    };
    let mut net = Net::with_config(5, config);
    net.seed = seed;
    net.set_drop_probability(0.1);
    let mut leaders: BTreeMap<u64, NodeId> = BTreeMap::new();
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    for step in 0..400u64 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let victim = (x >> 33) as u32 % 5 + 1;
        match (x >> 40) % 50 {
            0 if net.is_up(victim) => net.crash(victim),
            1 if !net.is_up(victim) => net.restart(victim),
            2 | 3 if net.is_up(victim) => {
                // Compact at the applied index with the state machine's own snapshot.
                let applied = net.node(victim).last_applied();
                let data = net.sms[&victim].encode();
                let _ = net.node_mut(victim).compact(applied, data);
            }
            4 => {
                if let Some(l) = net.leader() {
                    let _ = net.node_mut(l).transfer_leadership(victim);
                }
            }
            _ => {}
        }
        if let Some(l) = net.leader() {
            let _ = net.node_mut(l).propose(cmd(&format!("s{seed}-{step}")));
        }
        net.advance(1);
        for n in net.nodes.values().flatten() {
            if n.role() == Role::Leader {
                let prev = leaders.insert(n.current_term(), n.id());
                assert!(
                    prev.is_none() || prev == Some(n.id()),
                    "SEED={seed}: two leaders in term {}",
                    n.current_term()
                );
            }
        }
        net.assert_committed_prefixes_agree();
    }
    net.recover();
    for id in 1..=5 {
        if !net.is_up(id) {
            net.restart(id);
        }
    }
    net.advance(100);
    let leader = net
        .leader()
        .unwrap_or_else(|| panic!("SEED={seed}: no leader after healing"));
    net.propose(leader, "final").unwrap();
    net.advance(5);
    let reference = net.applied_commands(leader);
    for id in 1..=5 {
        assert_eq!(
            net.node(id).commit_index(),
            net.node(leader).commit_index(),
            "SEED={seed}"
        );
        assert_eq!(
            net.applied_commands(id),
            reference,
            "SEED={seed}: state machines diverge at S{id}"
        );
    }
    assert_eq!(reference.last().map(String::as_str), Some("final"));
    net.delivered()
        .iter()
        .filter(|m| m.kind() == MessageKind::InstallSnapshot)
        .count()
}

// With committed entries handed out by reference, a Ready's committed list stays empty while
// last_applied still advances, and the log holds exactly what the default mode would have
// handed out (same entries, same order).
#[test]
fn committed_entries_by_reference_are_read_from_the_log() {
    let run = |by_reference: bool| {
        let mut node = raftlab::raft::Node::new(1, Config::default(), &[1], 7, 0).unwrap();
        node.set_committed_entries_by_reference(by_reference);
        node.campaign().unwrap();
        let mut applied = Vec::new();
        for i in 0..3u8 {
            let first_new = node.last_applied() + 1;
            let rd = node.ready();
            if by_reference {
                assert!(rd.committed_entries.is_empty());
                applied.extend(node.log_range(first_new, node.last_applied()).cloned());
            } else {
                applied.extend(rd.committed_entries);
            }
            node.propose(Bytes::from(vec![i])).unwrap();
        }
        applied
    };
    let by_copy = run(false);
    assert_eq!(by_copy.len(), 3, "the no-op and two commands: {by_copy:?}");
    assert_eq!(run(true), by_copy);
}
