//! Findings of the core review: each test pins a bug that was found and fixed (safety, liveness
//! or a panic reachable from a malformed or adversarial input).

#[path = "common/raft_net.rs"]
mod raft_net;

use raft_net::{cmd, test_config, Net};
use raftlab::raft::{
    AppendReject, AppendRejectReason, Bugs, Bytes, Config, ConfigError, Configuration, Entry,
    EntryPayload, Event, IgnoreReason, MembershipChange, Message, MessageBody, Node, NodeId,
    ProposeError, Role, Snapshot,
};

fn msg(from: NodeId, to: NodeId, term: u64, body: MessageBody) -> Message {
    Message {
        from,
        to,
        term,
        body,
    }
}

fn noop(index: u64, term: u64) -> Entry {
    Entry {
        index,
        term,
        payload: EntryPayload::Noop,
    }
}

fn append(prev: (u64, u64), entries: Vec<Entry>, leader_commit: u64) -> MessageBody {
    MessageBody::AppendEntries {
        prev_log_index: prev.0,
        prev_log_term: prev.1,
        entries: entries.into(),
        leader_commit,
        read_seq: 0,
    }
}

fn grant(from: NodeId, to: NodeId, term: u64) -> Message {
    let body = MessageBody::RequestVoteResponse {
        pre_vote: false,
        granted: true,
        reject_reason: None,
    };
    msg(from, to, term, body)
}

/// Node 1 of {1,2,3}, elected leader of term 1 (its no-op at index 1 is not yet committed).
fn fresh_leader(config: Config) -> Node {
    let mut n = Node::new(1, config, &[1, 2, 3], 1, 0).unwrap();
    n.campaign().unwrap();
    n.step(grant(2, 1, 1));
    assert_eq!(n.role(), Role::Leader);
    n.ready();
    n
}

fn follower(id: NodeId) -> Node {
    let mut n = Node::new(id, test_config(), &[1, 2, 3], 1, 0).unwrap();
    n.ready();
    n
}

fn ignored_as_malformed(node: &mut Node) -> bool {
    node.ready().events.iter().any(|e| {
        matches!(
            e,
            Event::MessageIgnored {
                reason: IgnoreReason::Malformed,
                ..
            }
        )
    })
}

// Ongaro's single-server-change fix (raft-dev 2015, thesis §4.1 errata): a new leader must not
// append a configuration entry before an entry of its own term is committed, or two leaders of
// different terms can commit disjoint single-server changes. Expect a refusal until the no-op
// commits, and acceptance afterwards.
#[test]
fn new_leader_refuses_membership_change_until_its_term_has_a_commit() {
    let mut n = fresh_leader(test_config());
    assert_eq!(
        n.propose_membership_change(MembershipChange::AddLearner(4)),
        Err(ProposeError::TermNotCommitted { term: 1 })
    );
    let ack = MessageBody::AppendEntriesResponse {
        success: true,
        match_index: 1,
        reject: None,
        read_seq: 0,
    };
    n.step(msg(2, 1, 1, ack));
    assert_eq!(n.commit_index(), 1);
    assert!(n
        .propose_membership_change(MembershipChange::AddLearner(4))
        .is_ok());
}

// An AppendEntries whose entries do not follow prev_log_index consecutively is malformed:
// expect it to be ignored and the log left untouched (not an entry with index 5 stored at
// position 1).
#[test]
fn append_with_non_consecutive_entries_is_ignored() {
    let mut n = follower(2);
    n.step(msg(1, 2, 1, append((0, 0), vec![noop(5, 1)], 0)));
    assert!(ignored_as_malformed(&mut n));
    assert_eq!(n.last_index(), 0);
    n.step(msg(
        1,
        2,
        1,
        append((0, 0), vec![noop(1, 1), noop(3, 1)], 0),
    ));
    assert!(ignored_as_malformed(&mut n));
    assert_eq!(n.last_index(), 0);
}

// Entries of a later term than the message's, or with decreasing terms, cannot come from a
// leader; expect them to be ignored.
#[test]
fn append_with_impossible_entry_terms_is_ignored() {
    let mut n = follower(2);
    n.step(msg(1, 2, 1, append((0, 0), vec![noop(1, 7)], 0)));
    assert!(ignored_as_malformed(&mut n));
    n.step(msg(
        1,
        2,
        3,
        append((0, 0), vec![noop(1, 2), noop(2, 1)], 0),
    ));
    assert!(ignored_as_malformed(&mut n));
    assert_eq!(n.last_index(), 0);
}

// A success reply claiming a match beyond the leader's own log cannot be true: expect it to
// be ignored (no inflated match index, no commit beyond the log, no panic even with the
// Figure 8 bug on).
#[test]
fn append_success_beyond_the_leaders_log_is_ignored() {
    for bugs in [
        Bugs::default(),
        Bugs {
            skip_figure8_rule: true,
            ..Bugs::default()
        },
    ] {
        let mut n = fresh_leader(Config {
            bugs,
            ..test_config()
        });
        for from in [2, 3] {
            let ack = MessageBody::AppendEntriesResponse {
                success: true,
                match_index: 1000,
                reject: None,
                read_seq: 0,
            };
            n.step(msg(from, 1, 1, ack));
        }
        assert!(n.progress(2).unwrap().match_index <= n.last_index());
        assert!(n.commit_index() <= n.last_index());
        assert!(ignored_as_malformed(&mut n));
    }
}

// A rejection's hint index is follower-supplied; an extreme value (u64::MAX with hint term 0)
// must not overflow. Expect the next index to stay within the leader's log.
#[test]
fn rejection_with_extreme_hint_does_not_overflow() {
    let mut n = fresh_leader(test_config());
    let next = n.progress(2).unwrap().next_index;
    let reject = AppendReject {
        reason: AppendRejectReason::MissingEntry {
            prev_log_index: next - 1,
            last_index: 0,
        },
        rejected_index: next - 1,
        hint_index: u64::MAX,
        hint_term: 0,
    };
    let body = MessageBody::AppendEntriesResponse {
        success: false,
        match_index: 0,
        reject: Some(reject),
        read_seq: 0,
    };
    n.step(msg(2, 1, 1, body));
    assert!(n.progress(2).unwrap().next_index <= n.last_index() + 1);
}

// A message with an absurd term (u64::MAX) would make the next election overflow the term;
// expect it to be ignored, so the server keeps its term and can still campaign.
#[test]
fn message_with_absurd_term_is_ignored() {
    let mut n = follower(2);
    n.step(msg(1, 2, u64::MAX, append((0, 0), vec![], 0)));
    assert!(ignored_as_malformed(&mut n));
    assert_eq!(n.current_term(), 0);
    n.campaign().unwrap();
    assert_eq!(n.current_term(), 1);
}

// A message claiming to come from the receiver itself or from an impossible id (0) is
// malformed; expect it to be ignored without changing term or leader.
#[test]
fn message_from_self_or_invalid_id_is_ignored() {
    for from in [2, 0, 1000] {
        let mut n = follower(2);
        n.step(msg(from, 2, 5, append((0, 0), vec![], 0)));
        assert!(ignored_as_malformed(&mut n), "from {from}");
        assert_eq!((n.current_term(), n.leader_id()), (0, None));
    }
}

// A snapshot must carry a voter and a term for a positive index, and an index within reason;
// expect an empty or absurd one to be ignored rather than wiping the configuration or
// overflowing index arithmetic later.
#[test]
fn malformed_snapshot_is_ignored() {
    let bad = [
        (5, 1, Configuration::default()),
        (5, 0, Configuration::with_voters(&[1, 2, 3])),
        (u64::MAX, 1, Configuration::with_voters(&[1, 2, 3])),
        (3, 9, Configuration::with_voters(&[1, 2, 3])),
        (
            5,
            1,
            Configuration::with_voters(&(1..=30).collect::<Vec<_>>()),
        ),
    ];
    for (index, term, configuration) in bad {
        let mut n = follower(2);
        let snapshot = Snapshot {
            last_included_index: index,
            last_included_term: term,
            configuration,
            data: Bytes::default(),
        };
        n.step(msg(1, 2, 2, MessageBody::InstallSnapshot { snapshot }));
        assert!(ignored_as_malformed(&mut n), "snapshot {index}/{term}");
        assert_eq!(n.snapshot().last_included_index, 0);
        assert_eq!(n.configuration().voters, vec![1, 2, 3]);
    }
}

// Ticking to the end of time must not overflow the timer arithmetic; expect the server to
// campaign (it timed out) without panicking, as leader too.
#[test]
fn ticking_to_the_end_of_time_does_not_overflow() {
    let mut n = Node::new(1, test_config(), &[1], 1, 0).unwrap();
    n.tick(u64::MAX);
    assert_eq!(n.role(), Role::Leader);
    n.tick(u64::MAX);
    n.propose(cmd("x")).unwrap();
    assert!(n.next_timer_at().is_some());
}

// Config limits of zero are rejected by validation when building a node, never a panic later.
#[test]
fn zero_limits_are_rejected_by_validation() {
    for config in [
        Config {
            max_entries_per_append: 0,
            ..test_config()
        },
        Config {
            max_inflight_appends: 0,
            ..test_config()
        },
        Config {
            heartbeat_interval_ms: 0,
            ..test_config()
        },
    ] {
        assert!(matches!(
            Node::new(1, config, &[1, 2, 3], 1, 0),
            Err(ConfigError::Zero(_))
        ));
    }
}

// Liveness: a follower in Replicate whose in-flight window is full of lost appends, and whose
// next entries the leader then compacts away, must still be caught up (by snapshot) at the
// next heartbeat. With pre-vote and check-quorum it cannot disrupt the leader to recover, so
// before the fix it stayed behind forever. Expect it to reach the leader's commit index.
#[test]
fn replicating_follower_behind_compaction_gets_a_snapshot_even_with_full_window() {
    let config = Config {
        max_inflight_appends: 1,
        pre_vote: true,
        check_quorum: true,
        ..test_config()
    };
    let mut net = Net::with_config(3, config);
    net.campaign(1);
    net.propose(1, "a").unwrap();
    net.cut(1, 3);
    net.propose(1, "b").unwrap(); // lost on the way to 3: fills its window
    let last = net.propose(1, "c").unwrap(); // held back by the full window
    assert_eq!(net.node(1).commit_index(), last);
    let data = net.sms[&1].encode();
    net.node_mut(1).compact(last, data).unwrap();
    net.stabilize();
    net.recover();
    net.advance(60);
    assert_eq!(net.leader(), Some(1));
    assert_eq!(net.node(3).commit_index(), net.node(1).commit_index());
    assert_eq!(net.applied_commands(3), vec!["a", "b", "c"]);
}
