//! ReadIndex (thesis §6.4) and leadership transfer (thesis §3.10) scenarios.

#[path = "common/raft_net.rs"]
mod raft_net;

use raft_net::Net;
use raftlab::raft::{
    Event, MessageKind, ProposeError, ReadIndexError, ReadState, Role, TransferError,
};

// Reads on the leader or a follower return the commit index at request time (11, 21, …
// after rounds of ten proposals) and echo the request id.
#[test]
fn read_index_returns_commit_index_and_context() {
    let mut net = Net::new(3);
    net.campaign(1);
    let askers = [1, 2, 3, 1, 2, 3];
    for (round, &asker) in askers.iter().enumerate() {
        for i in 0..10 {
            net.propose(1, &format!("r{round}-{i}")).unwrap();
        }
        net.advance(1);
        let ctx = 100 + round as u64;
        net.node_mut(asker).read_index(ctx).unwrap();
        net.stabilize();
        let got = net.read_states.get_mut(&asker).unwrap().pop();
        let want = ReadState {
            ctx,
            index: 11 + 10 * round as u64,
        };
        assert_eq!(got, Some(want), "round {round} asker {asker}");
        assert!(
            net.node(asker).last_applied() >= want.index,
            "read index is applied when released"
        );
    }
}

// A new leader answers reads only after it committed an entry of its own term.
#[test]
fn new_leader_answers_reads_only_after_committing_in_its_term() {
    let mut net = Net::new(3);
    net.campaign(1);
    net.drop_kind(MessageKind::AppendEntries);
    net.campaign(2);
    assert_eq!(net.node(2).role(), Role::Leader);
    net.node_mut(2).read_index(7).unwrap();
    net.stabilize();
    assert!(net.read_states[&2].is_empty());
    assert_eq!(net.node(2).pending_reads(), 1);
    net.recover();
    net.advance(1);
    assert_eq!(net.read_states[&2], vec![ReadState { ctx: 7, index: 2 }]);
}

// The leader confirms leadership with a heartbeat round before answering: a partitioned
// leader answers nothing.
#[test]
fn isolated_leader_cannot_confirm_reads() {
    let mut net = Net::new(3);
    net.campaign(1);
    net.isolate(1);
    net.node_mut(1).read_index(1).unwrap();
    net.advance(5);
    assert!(net.read_states[&1].is_empty());
    net.recover();
    net.advance(1);
    assert_eq!(net.read_states[&1], vec![ReadState { ctx: 1, index: 1 }]);
}

// A single-server leader answers at once; a server without a known leader refuses.
#[test]
fn single_server_reads_immediately_and_leaderless_reads_fail() {
    let mut net = Net::new(1);
    net.campaign(1);
    net.node_mut(1).read_index(5).unwrap();
    net.stabilize();
    assert_eq!(net.read_states[&1], vec![ReadState { ctx: 5, index: 1 }]);
    let mut net = Net::new(3);
    assert_eq!(net.node_mut(2).read_index(1), Err(ReadIndexError::NoLeader));
}

// Transfer to an up-to-date follower, then back, requested at a follower (forwarded).
#[test]
fn leadership_moves_to_up_to_date_node_and_back() {
    let mut net = Net::new(3);
    net.campaign(1);
    net.node_mut(1).transfer_leadership(2).unwrap();
    net.stabilize();
    assert_eq!(net.leader(), Some(2));
    assert_eq!(net.node(1).role(), Role::Follower);
    net.node_mut(1).transfer_leadership(1).unwrap(); // asked at a follower: forwarded to 2
    net.stabilize();
    assert_eq!(net.leader(), Some(1));
    assert!(net
        .take_events(2)
        .iter()
        .any(|e| matches!(e, Event::TimeoutNowSent { target: 1 })));
}

// The leader first catches a lagging target up, then hands over.
#[test]
fn transfer_to_slow_follower_catches_it_up_first() {
    let mut net = Net::new(3);
    net.campaign(1);
    net.isolate(3);
    for i in 0..5 {
        net.propose(1, &format!("p{i}")).unwrap();
    }
    net.recover();
    net.node_mut(1).transfer_leadership(3).unwrap();
    net.stabilize();
    assert_eq!(net.leader(), Some(3));
    assert_eq!(net.node(3).commit_index(), net.node(1).commit_index());
}

// A target behind the leader's compacted log gets a snapshot first, then takes over.
#[test]
fn transfer_to_follower_needing_snapshot() {
    let mut net = Net::new(3);
    net.campaign(1);
    net.isolate(3);
    for i in 0..5 {
        net.propose(1, &format!("p{i}")).unwrap();
    }
    let applied = net.node(1).last_applied();
    let data = net.sms[&1].encode();
    net.node_mut(1).compact(applied, data).unwrap();
    net.recover();
    net.node_mut(1).transfer_leadership(3).unwrap();
    net.stabilize();
    assert_eq!(net.leader(), Some(3));
    assert_eq!(net.applied_commands(3), net.applied_commands(1));
}

// A transfer whose target never answers is abandoned after an election timeout; the leader
// keeps leading and accepts proposals again. While pending, proposals are refused.
#[test]
fn transfer_times_out_and_blocks_proposals_meanwhile() {
    let mut net = Net::new(3);
    net.campaign(1);
    net.isolate(3);
    net.propose(1, "behind").unwrap();
    net.node_mut(1).transfer_leadership(3).unwrap();
    net.stabilize();
    assert_eq!(net.node(1).transfer_target(), Some(3));
    assert_eq!(
        net.propose(1, "x"),
        Err(ProposeError::TransferInProgress { target: 3 })
    );
    net.advance(10);
    assert_eq!(net.node(1).transfer_target(), None);
    assert_eq!(net.node(1).role(), Role::Leader);
    assert!(net.take_events(1).iter().any(|e| matches!(
        e,
        Event::TransferAborted {
            target: 3,
            reason: TransferError::Timeout(3)
        }
    )));
    assert!(net.propose(1, "y").is_ok());
}

// Transfers to the leader itself or to a non-voter are refused.
#[test]
fn transfer_to_self_or_non_member_is_refused() {
    let mut net = Net::new(3);
    net.campaign(1);
    assert_eq!(
        net.node_mut(1).transfer_leadership(1),
        Err(TransferError::ToSelf(1))
    );
    assert_eq!(
        net.node_mut(1).transfer_leadership(4),
        Err(TransferError::NotAVoter(4))
    );
    net.node_mut(1)
        .propose_membership_change(raftlab::raft::MembershipChange::AddLearner(4))
        .unwrap();
    net.stabilize();
    assert_eq!(
        net.node_mut(1).transfer_leadership(4),
        Err(TransferError::NotAVoter(4))
    );
    assert_eq!(net.node(1).transfer_target(), None);
    assert!(net.propose(1, "still leader").is_ok());
}
