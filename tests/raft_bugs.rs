//! Each deliberate-bug switch changes behaviour exactly as documented in `Bugs`, and is
//! harmless when off.

#[path = "common/raft_net.rs"]
mod raft_net;

use raft_net::{test_config, Net};
use raftlab::raft::{
    Bugs, Bytes, Config, Configuration, DurableState, Entry, EntryPayload, Event, HardState,
    Message, MessageBody, Node, NodeId, Role, Snapshot, VoteRejectReason,
};

fn buggy(bugs: Bugs) -> Config {
    Config {
        bugs,
        ..test_config()
    }
}

fn disk(term: u64, log_terms: &[u64]) -> DurableState {
    let entries = log_terms
        .iter()
        .enumerate()
        .map(|(i, &t)| Entry {
            index: i as u64 + 1,
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
            last_included_index: 0,
            last_included_term: 0,
            configuration: Configuration::with_voters(&[1, 2, 3]),
            data: Bytes::default(),
        }),
        entries,
    }
}

fn msg(from: NodeId, to: NodeId, term: u64, body: MessageBody) -> Message {
    Message {
        from,
        to,
        term,
        body,
    }
}

fn vote_request(from: NodeId, term: u64, last_index: u64, last_term: u64) -> Message {
    let body = MessageBody::RequestVote {
        pre_vote: false,
        leader_transfer: false,
        last_log_index: last_index,
        last_log_term: last_term,
    };
    msg(from, 1, term, body)
}

fn vote_granted(node: &mut Node) -> bool {
    node.ready().messages.iter().any(|m| {
        matches!(
            m.body,
            MessageBody::RequestVoteResponse { granted: true, .. }
        )
    })
}

// skip_figure8_rule: a new leader commits an earlier-term entry as soon as a majority stores
// it, without waiting for an entry of its own term; off, it does not.
#[test]
fn skip_figure8_commits_previous_term_entry_by_counting() {
    for bug in [false, true] {
        let config = buggy(Bugs {
            skip_figure8_rule: bug,
            ..Bugs::default()
        });
        let mut node = Node::restore(1, config, &disk(2, &[1, 2]), 1, 0).unwrap();
        node.campaign().unwrap();
        node.step(msg(
            2,
            1,
            3,
            MessageBody::RequestVoteResponse {
                pre_vote: false,
                granted: true,
                reject_reason: None,
            },
        ));
        assert_eq!(node.role(), Role::Leader);
        let ack = MessageBody::AppendEntriesResponse {
            success: true,
            match_index: 2,
            reject: None,
            read_seq: 0,
        };
        node.step(msg(2, 1, 3, ack));
        assert_eq!(node.commit_index(), if bug { 2 } else { 0 }, "bug={bug}");
    }
}

// skip_vote_log_check: a candidate missing a committed entry wins and commits a different
// entry at that index; off, it loses.
#[test]
fn skip_vote_log_check_lets_stale_candidate_overwrite_committed_entries() {
    for bug in [false, true] {
        let mut net = Net::with_config(
            3,
            buggy(Bugs {
                skip_vote_log_check: bug,
                ..Bugs::default()
            }),
        );
        net.campaign(1);
        net.isolate(3);
        net.propose(1, "committed").unwrap();
        assert_eq!(net.node(1).commit_index(), 2);
        net.recover();
        // Server 3 has only the no-op; with check disabled it still gets votes.
        net.node_mut(3).campaign().unwrap();
        net.stabilize();
        if bug {
            assert_eq!(net.leader(), Some(3));
            // Both servers consider index 2 committed, holding different entries: State
            // Machine Safety is broken.
            assert!(net.node(3).commit_index() >= 2 && net.node(1).commit_index() >= 2);
            assert_ne!(net.node(3).entry(2), net.node(1).entry(2));
        } else {
            assert_ne!(net.node(3).role(), Role::Leader);
            assert!(net.take_events(1).iter().any(|e| matches!(
                e,
                Event::VoteDenied {
                    reason: VoteRejectReason::LogNotUpToDate { .. },
                    ..
                }
            )));
        }
    }
}

// forget_vote_on_restart: after a crash a server votes a second time in the same term; off,
// the persisted vote makes it refuse.
#[test]
fn forget_vote_on_restart_allows_a_second_vote_in_a_term() {
    for bug in [false, true] {
        let config = buggy(Bugs {
            forget_vote_on_restart: bug,
            ..Bugs::default()
        });
        let mut d = DurableState::default();
        let mut node = Node::new(1, config.clone(), &[1, 2, 3], 1, 0).unwrap();
        node.step(vote_request(2, 1, 0, 0));
        let rd = node.ready();
        d.apply(&rd.persist);
        assert_eq!(d.hard_state.voted_for, Some(2));
        let mut node = Node::restore(1, config, &d, 1, 0).unwrap();
        node.step(vote_request(3, 1, 0, 0));
        assert_eq!(vote_granted(&mut node), bug, "bug={bug}");
    }
}

// keep_commit_across_crash: a restarted server restores its commit index and treats the
// entries as applied, so its fresh state machine never sees them; off, they are re-applied.
#[test]
fn keep_commit_across_crash_skips_reapplying_entries() {
    for bug in [false, true] {
        let mut net = Net::with_config(
            3,
            buggy(Bugs {
                keep_commit_across_crash: bug,
                ..Bugs::default()
            }),
        );
        net.campaign(1);
        net.propose(1, "a").unwrap();
        net.propose(1, "b").unwrap();
        net.advance(1);
        let commit = net.node(2).commit_index();
        net.crash(2);
        net.restart(2);
        assert_eq!(net.node(2).commit_index(), if bug { commit } else { 0 });
        net.advance(2);
        if bug {
            assert!(
                net.applied_commands(2).is_empty(),
                "the state machine missed a and b"
            );
        } else {
            assert_eq!(net.applied_commands(2), vec!["a", "b"]);
        }
    }
}

// With no bug switched on, the same scenarios keep all safety properties (sanity check of
// the defaults).
#[test]
fn bugs_are_off_by_default() {
    assert!(!Bugs::default().any());
    assert!(!Config::default().bugs.any());
}
