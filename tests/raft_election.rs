//! Network-level leader-election scenarios (our own versions of the ideas in etcd's
//! raft_test.go election tests), with and without pre-vote and check-quorum.

#[path = "common/raft_net.rs"]
mod raft_net;

use std::collections::BTreeMap;

use raft_net::{test_config, Net};
use raftlab::raft::{
    Bytes, Config, Configuration, DurableState, Entry, EntryPayload, Event, HardState, Message,
    MessageBody, NodeId, Role, Snapshot, VoteRejectReason,
};

fn cfg(pre_vote: bool, check_quorum: bool) -> Config {
    Config {
        pre_vote,
        check_quorum,
        ..test_config()
    }
}

fn disk(n: u32, term: u64, vote: Option<NodeId>, log_terms: &[u64]) -> DurableState {
    let voters: Vec<NodeId> = (1..=n).collect();
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
            voted_for: vote,
            commit_index: 0,
        },
        snapshot: Some(Snapshot {
            last_included_index: 0,
            last_included_term: 0,
            configuration: Configuration::with_voters(&voters),
            data: Bytes::default(),
        }),
        entries,
    }
}

/// An n-server network where the servers in `down` are crashed from the start.
fn net_with_down(n: u32, down: &[NodeId], config: Config) -> Net {
    let mut net = Net::with_config(n, config);
    for &d in down {
        net.crash(d);
    }
    net
}

// A majority of live servers elects server 1 at term 1; without a majority it stays
// candidate (or pre-candidate at term 0 with pre-vote).
#[test]
fn leader_is_elected_only_with_a_live_majority() {
    for pre_vote in [false, true] {
        let cases: [(u32, &[NodeId], Role, u64); 5] = [
            (3, &[], Role::Leader, 1),
            (3, &[3], Role::Leader, 1),
            (
                3,
                &[2, 3],
                if pre_vote {
                    Role::PreCandidate
                } else {
                    Role::Candidate
                },
                if pre_vote { 0 } else { 1 },
            ),
            (
                4,
                &[3, 4],
                if pre_vote {
                    Role::PreCandidate
                } else {
                    Role::Candidate
                },
                if pre_vote { 0 } else { 1 },
            ),
            (5, &[4, 5], Role::Leader, 1),
        ];
        for (n, down, role, term) in cases {
            let mut net = net_with_down(n, down, cfg(pre_vote, false));
            net.campaign(1);
            let node = net.node(1);
            assert_eq!(
                (node.role(), node.current_term()),
                (role, term),
                "n={n} down={down:?} pre_vote={pre_vote}"
            );
        }
    }
}

// A candidate whose log is behind a majority's is refused and falls back to follower at the
// voters' term.
#[test]
fn candidate_with_a_short_log_loses() {
    for pre_vote in [false, true] {
        let disks = BTreeMap::from([
            (1, Some(disk(5, 0, None, &[]))),
            (2, Some(disk(5, 1, None, &[1]))),
            (3, Some(disk(5, 1, None, &[1]))),
            (4, Some(disk(5, 1, None, &[1, 1]))),
            (5, Some(disk(5, 0, None, &[]))),
        ]);
        let mut net = Net::from_disks(cfg(pre_vote, false), disks);
        net.campaign(1);
        assert_eq!(
            (net.node(1).role(), net.node(1).current_term()),
            (Role::Follower, 1),
            "pre_vote={pre_vote}"
        );
    }
}

// Elections work from any state: each server in turn campaigns and becomes leader.
#[test]
fn each_server_in_turn_can_become_leader() {
    for pre_vote in [false, true] {
        let mut net = Net::with_config(3, cfg(pre_vote, false));
        for id in 1..=3 {
            net.campaign(id);
            for other in 1..=3 {
                let want = if other == id {
                    Role::Leader
                } else {
                    Role::Follower
                };
                assert_eq!(
                    net.node(other).role(),
                    want,
                    "campaigner {id} pre_vote={pre_vote}"
                );
            }
        }
    }
}

// An uncommitted entry of a newer term can be overwritten: server 1 loses its first election
// (but learns term 2), wins the second at term 3, and every log becomes [t1, t3].
#[test]
fn election_can_overwrite_uncommitted_newer_entries() {
    for pre_vote in [false, true] {
        let disks = BTreeMap::from([
            (1, Some(disk(5, 1, None, &[1]))),
            (2, Some(disk(5, 1, None, &[1]))),
            (3, Some(disk(5, 2, None, &[2]))),
            (4, Some(disk(5, 2, Some(3), &[]))),
            (5, Some(disk(5, 2, Some(3), &[]))),
        ]);
        let mut net = Net::from_disks(cfg(pre_vote, false), disks);
        net.campaign(1);
        assert_eq!(
            (net.node(1).role(), net.node(1).current_term()),
            (Role::Follower, 2)
        );
        net.campaign(1);
        assert_eq!(
            (net.node(1).role(), net.node(1).current_term()),
            (Role::Leader, 3)
        );
        for id in 1..=5 {
            assert_eq!(
                net.log_terms(id),
                vec![1, 3],
                "server {id} pre_vote={pre_vote}"
            );
        }
    }
}

fn vote_req(from: NodeId, term: u64, pre_vote: bool, last: (u64, u64)) -> Message {
    let body = MessageBody::RequestVote {
        pre_vote,
        leader_transfer: false,
        last_log_index: last.0,
        last_log_term: last.1,
    };
    Message {
        from,
        to: 1,
        term,
        body,
    }
}

// A (pre-)vote request of a newer term with a better log is granted in every role; a real
// vote makes the voter a follower of that term, a pre-vote changes nothing.
#[test]
fn vote_is_granted_from_any_role() {
    for pre_vote in [false, true] {
        for role in [
            Role::Follower,
            Role::PreCandidate,
            Role::Candidate,
            Role::Leader,
        ] {
            let mut net = Net::with_config(3, cfg(role == Role::PreCandidate, false));
            net.isolate(1);
            match role {
                Role::Follower => {}
                Role::PreCandidate | Role::Candidate => net.node_mut(1).campaign().unwrap(),
                Role::Leader => {
                    net.recover();
                    net.campaign(1);
                    net.isolate(1);
                }
            }
            net.stabilize();
            let node = net.node_mut(1);
            assert_eq!(node.role(), role);
            let (term, vote) = (node.current_term(), node.voted_for());
            node.step(vote_req(2, term + 1, pre_vote, (10, term + 1)));
            let rd = node.ready();
            let granted = rd.messages.iter().any(|m| {
                matches!(
                    m.body,
                    MessageBody::RequestVoteResponse { granted: true, .. }
                )
            });
            assert!(granted, "{role:?} pre_vote={pre_vote}");
            if pre_vote {
                assert_eq!(
                    (node.role(), node.current_term(), node.voted_for()),
                    (role, term, vote)
                );
            } else {
                assert_eq!(
                    (node.role(), node.current_term(), node.voted_for()),
                    (Role::Follower, term + 1, Some(2))
                );
            }
        }
    }
}

// Two candidates on either side of a cut: 1 wins term 1, 3 stays candidate; after healing,
// 3's new election disrupts the term but it loses (shorter log): all followers at term 2.
#[test]
fn dueling_candidates_end_with_the_better_log_winning_later() {
    let mut net = Net::new(3);
    net.cut(1, 3);
    net.campaign(1);
    net.campaign(3);
    assert_eq!(net.node(1).role(), Role::Leader);
    assert_eq!(net.node(3).role(), Role::Candidate);
    net.recover();
    net.campaign(3);
    for id in 1..=3 {
        assert_eq!(
            (net.node(id).role(), net.node(id).current_term()),
            (Role::Follower, 2),
            "server {id}"
        );
    }
    assert_eq!(
        (net.log_terms(1), net.log_terms(2), net.log_terms(3)),
        (vec![1], vec![1], vec![])
    );
}

// With pre-vote the losing side never raises its term, so the leader keeps term 1.
#[test]
fn dueling_pre_candidates_do_not_disturb_the_leader() {
    let mut net = Net::with_config(3, cfg(true, false));
    net.cut(1, 3);
    net.campaign(1);
    net.campaign(3);
    assert_eq!(net.node(1).role(), Role::Leader);
    assert_eq!(
        (net.node(3).role(), net.node(3).current_term()),
        (Role::Follower, 1)
    );
    net.recover();
    net.campaign(3);
    assert_eq!(
        (net.node(1).role(), net.node(1).current_term()),
        (Role::Leader, 1)
    );
    assert_eq!(
        (net.node(3).role(), net.node(3).current_term()),
        (Role::Follower, 1)
    );
}

// An isolated candidate concedes to the leader of its term once it hears from it, and all
// logs converge.
#[test]
fn candidate_concedes_to_leader_of_same_term() {
    let mut net = Net::new(3);
    net.isolate(1);
    net.campaign(1);
    net.campaign(3);
    assert_eq!(net.node(1).role(), Role::Candidate);
    assert_eq!(net.node(3).role(), Role::Leader);
    net.recover();
    net.advance(1); // heartbeat from 3
    assert_eq!(
        (net.node(1).role(), net.node(1).current_term()),
        (Role::Follower, 1)
    );
    net.propose(3, "force").unwrap();
    net.advance(1);
    for id in 1..=3 {
        assert_eq!(net.log_terms(id), vec![1, 1]);
        assert_eq!(net.applied_commands(id), vec!["force"]);
    }
}

// A single-server cluster elects itself at once.
#[test]
fn single_server_elects_itself() {
    for pre_vote in [false, true] {
        let mut net = Net::with_config(1, cfg(pre_vote, false));
        net.campaign(1);
        assert_eq!(net.node(1).role(), Role::Leader);
        net.advance(30);
        assert_eq!(net.node(1).role(), Role::Leader);
    }
}

// Check-quorum: a leader that hears from no majority for a whole check round (one minimum
// election timeout) steps down; the round in which it was isolated still had contact.
#[test]
fn leader_steps_down_when_quorum_is_lost() {
    let mut net = Net::with_config(3, cfg(false, true));
    net.campaign(1);
    net.isolate(1);
    net.advance(10);
    assert_eq!(
        net.node(1).role(),
        Role::Leader,
        "followers answered during the first round"
    );
    net.advance(10);
    assert_eq!(net.node(1).role(), Role::Follower);
    assert!(net
        .take_events(1)
        .iter()
        .any(|e| matches!(e, Event::SteppedDown { .. })));
}

// Check-quorum: a leader that keeps hearing from a majority stays leader.
#[test]
fn leader_with_quorum_stays_active() {
    let mut net = Net::with_config(3, cfg(false, true));
    net.campaign(1);
    net.advance(200);
    assert_eq!(
        (net.node(1).role(), net.node(1).current_term()),
        (Role::Leader, 1)
    );
}

// Check-quorum stickiness: a follower that heard from the leader within the minimum election
// timeout refuses to help depose it; once that time has passed, the challenger wins.
#[test]
fn leader_superseded_only_after_followers_lease_expires() {
    let mut net = Net::with_config(3, cfg(false, true));
    net.campaign(1);
    net.campaign(3);
    assert_eq!(net.node(1).role(), Role::Leader);
    assert_eq!(net.node(3).role(), Role::Candidate);
    assert!(net.take_events(2).iter().any(|e| matches!(
        e,
        Event::VoteDenied {
            reason: VoteRejectReason::LeaderActive { leader: 1 },
            ..
        }
    )));
    // Server 2 stops hearing from 1 and lets its lease lapse (before its own timer fires).
    net.crash(1);
    let n2 = net.node(2);
    let lease_end = n2.election_reset_at_ms() + 10;
    assert!(
        n2.election_deadline_ms() > lease_end,
        "precondition for this seed"
    );
    net.tick_one(2, lease_end);
    net.campaign(3);
    assert_eq!(net.node(3).role(), Role::Leader);
}

// An isolated candidate that raised its term frees itself on rejoining: the leader learns the
// higher term and steps down, and the candidate can then win.
#[test]
fn stuck_candidate_is_freed_with_check_quorum() {
    let mut net = Net::with_config(3, cfg(false, true));
    net.campaign(1);
    net.isolate(1);
    net.isolate(3);
    net.campaign(3);
    net.campaign(3);
    assert_eq!(
        (net.node(3).role(), net.node(3).current_term()),
        (Role::Candidate, 3)
    );
    net.recover();
    net.advance(1); // 1's heartbeat reaches 3, which answers with term 3
    assert_eq!(
        (net.node(1).role(), net.node(1).current_term()),
        (Role::Follower, 3)
    );
    net.campaign(3);
    assert_eq!(net.node(3).role(), Role::Leader);
}

// A follower whose timer fires just before the leader's heartbeat: without pre-vote its
// higher term forces the leader to step down; with pre-vote the leader stays.
#[test]
fn disruptive_follower_is_tamed_by_pre_vote() {
    for pre_vote in [false, true] {
        let mut net = Net::with_config(3, cfg(pre_vote, true));
        net.campaign(1);
        let deadline = net.node(3).election_deadline_ms();
        net.tick_one(3, deadline);
        net.advance(1);
        let leader = net.node(1);
        if pre_vote {
            assert_eq!((leader.role(), leader.current_term()), (Role::Leader, 1));
        } else {
            assert_eq!((leader.role(), leader.current_term()), (Role::Follower, 2));
        }
    }
}

// With pre-vote, a server left behind at a smaller term can still take part in and complete
// an election after the leader crashes.
#[test]
fn server_with_smaller_term_can_complete_election() {
    let mut net = Net::with_config(3, cfg(true, true));
    net.campaign(1);
    net.isolate(3);
    net.node_mut(1).transfer_leadership(2).unwrap();
    net.stabilize();
    net.node_mut(2).transfer_leadership(1).unwrap();
    net.stabilize();
    assert_eq!(
        (net.node(1).role(), net.node(1).current_term()),
        (Role::Leader, 3)
    );
    net.advance(30); // 3 times out and pre-votes in vain, staying at term 1
    assert_eq!(net.node(3).current_term(), 1);
    net.recover();
    net.crash(1);
    net.advance(60);
    let leader = net.leader().expect("a leader after the crash");
    assert!(leader == 2 || leader == 3);
    assert!(net.node(leader).current_term() >= 4);
}

// Two pre-candidates that both win pre-vote split the real vote; a later round elects one.
#[test]
fn pre_vote_split_vote_is_resolved_next_round() {
    let mut net = Net::with_config(3, cfg(true, false));
    net.campaign(1);
    net.isolate(1);
    net.node_mut(2).campaign().unwrap();
    net.node_mut(3).campaign().unwrap();
    net.stabilize();
    assert_eq!(
        (net.node(2).role(), net.node(2).current_term()),
        (Role::Candidate, 2)
    );
    assert_eq!(
        (net.node(3).role(), net.node(3).current_term()),
        (Role::Candidate, 2)
    );
    net.advance(40);
    let leader = net.leader().expect("elected");
    assert!(leader == 2 || leader == 3);
    assert!(net.node(leader).current_term() >= 3);
}

// A server removed from the configuration (that never learned it) cannot disrupt: voters
// refuse it without adopting its term.
#[test]
fn votes_from_non_members_are_refused_without_term_change() {
    let mut net = Net::new(3);
    net.campaign(1);
    net.isolate(3);
    net.node_mut(1)
        .propose_membership_change(raftlab::raft::MembershipChange::RemoveServer(3))
        .unwrap();
    net.stabilize();
    assert!(!net.node(1).configuration().contains(3));
    net.recover();
    net.campaign(3);
    assert_eq!(
        (net.node(1).role(), net.node(1).current_term()),
        (Role::Leader, 1)
    );
    assert!(net.take_events(2).iter().any(|e| matches!(
        e,
        Event::VoteDenied {
            reason: VoteRejectReason::CandidateNotVoter,
            ..
        }
    )));
}
