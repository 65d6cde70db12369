//! Membership changes (thesis §4, single-server changes with learners) and log compaction /
//! InstallSnapshot scenarios.

#[path = "common/raft_net.rs"]
mod raft_net;

use raft_net::Net;
use raftlab::raft::{
    CampaignError, Event, MembershipChange, MembershipError, MessageKind, ProposeError, Role,
    StepDownReason,
};

// A new server joins as a catching-up learner; once its log is close to the leader's, the
// leader promotes it to voter by itself.
#[test]
fn added_server_catches_up_as_learner_then_is_promoted() {
    let mut net = Net::new(3);
    net.campaign(1);
    for i in 0..5 {
        net.propose(1, &format!("p{i}")).unwrap();
    }
    net.add_joining(4);
    net.node_mut(1)
        .propose_membership_change(MembershipChange::AddServer(4))
        .unwrap();
    net.stabilize();
    net.advance(2);
    let conf = net.node(1).configuration().clone();
    assert_eq!(conf.voters, vec![1, 2, 3, 4]);
    assert!(conf.learners.is_empty());
    assert!(net
        .take_events(1)
        .iter()
        .any(|e| matches!(e, Event::LearnerPromotionProposed { learner: 4 })));
    assert_eq!(net.node(4).configuration().voters, vec![1, 2, 3, 4]);
    assert_eq!(net.applied_commands(4), net.applied_commands(1));
}

// A learner receives the log but never campaigns and never counts towards a quorum.
#[test]
fn learner_never_campaigns_or_counts() {
    let mut net = Net::new(1);
    net.campaign(1);
    net.add_joining(2);
    net.node_mut(1)
        .propose_membership_change(MembershipChange::AddLearner(2))
        .unwrap();
    net.stabilize();
    net.propose(1, "x").unwrap();
    assert_eq!(net.applied_commands(2), vec!["x"]);
    assert_eq!(net.node_mut(2).campaign(), Err(CampaignError::NotAVoter));
    net.crash(1);
    net.advance(200);
    assert_eq!(
        (net.node(2).role(), net.node(2).current_term()),
        (Role::Follower, 1)
    );
    // With the leader back, the learner's acknowledgement is not needed for commitment.
    net.restart(1);
    net.campaign(1);
    net.isolate(2);
    net.propose(1, "y").unwrap();
    assert_eq!(net.applied_commands(1), vec!["x", "y"]);
}

// A learner is made a voter by an explicit promotion.
#[test]
fn learner_is_promoted_explicitly() {
    let mut net = Net::new(3);
    net.campaign(1);
    net.add_joining(4);
    net.node_mut(1)
        .propose_membership_change(MembershipChange::AddLearner(4))
        .unwrap();
    net.stabilize();
    assert_eq!(net.node(1).configuration().learners, vec![4]);
    net.node_mut(1)
        .propose_membership_change(MembershipChange::PromoteLearner(4))
        .unwrap();
    net.stabilize();
    assert_eq!(net.node(4).configuration().voters, vec![1, 2, 3, 4]);
    net.campaign(4);
    assert_eq!(net.leader(), Some(4));
}

// Removing a server shrinks the quorum: an entry stuck for lack of acknowledgements commits
// once the silent server is removed.
#[test]
fn removing_a_server_lets_pending_entries_commit() {
    let mut net = Net::new(2);
    net.campaign(1);
    net.crash(2);
    let stuck = net.propose(1, "stuck").unwrap();
    assert!(net.node(1).commit_index() < stuck);
    net.node_mut(1)
        .propose_membership_change(MembershipChange::RemoveServer(2))
        .unwrap();
    net.stabilize();
    assert!(
        net.node(1).commit_index() > stuck,
        "the removal entry after it committed too"
    );
    assert_eq!(net.applied_commands(1), vec!["stuck"]);
}

// Only one uncommitted configuration change at a time; invalid changes are explained.
#[test]
fn second_change_is_refused_while_one_is_pending() {
    let mut net = Net::new(3);
    net.campaign(1);
    net.isolate(1);
    let index = net
        .node_mut(1)
        .propose_membership_change(MembershipChange::AddLearner(4))
        .unwrap();
    assert_eq!(net.node(1).pending_config_index(), Some(index));
    let second = net
        .node_mut(1)
        .propose_membership_change(MembershipChange::AddLearner(5));
    assert_eq!(second, Err(ProposeError::ConfigChangePending { index }));
    net.recover();
    net.stabilize();
    net.advance(1);
    assert_eq!(net.node(1).pending_config_index(), None);
    let bad = net
        .node_mut(1)
        .propose_membership_change(MembershipChange::PromoteLearner(2));
    assert_eq!(
        bad,
        Err(ProposeError::InvalidMembershipChange(
            MembershipError::NotALearner(2)
        ))
    );
    assert!(net
        .node_mut(1)
        .propose_membership_change(MembershipChange::AddLearner(5))
        .is_ok());
}

// A leader that removes itself keeps leading until the change commits, then steps down and
// never campaigns again; the others elect a new leader.
#[test]
fn removed_leader_steps_down_after_commit() {
    let mut net = Net::new(3);
    net.campaign(1);
    net.node_mut(1)
        .propose_membership_change(MembershipChange::RemoveServer(1))
        .unwrap();
    net.stabilize();
    assert_eq!(net.node(1).role(), Role::Follower);
    assert!(net.take_events(1).iter().any(|e| matches!(
        e,
        Event::SteppedDown {
            reason: StepDownReason::RemovedFromConfiguration
        }
    )));
    net.advance(100);
    let leader = net.leader().expect("the remaining two elect a leader");
    assert_ne!(leader, 1);
    assert_eq!(net.node(1).role(), Role::Follower);
    assert_eq!(net.node(leader).configuration().voters, vec![2, 3]);
}

// A follower cut off while many entries were committed and compacted catches up through a
// snapshot, ending with the same commit index and state machine.
#[test]
fn slow_follower_is_restored_by_snapshot() {
    let mut net = Net::new(3);
    net.campaign(1);
    net.isolate(3);
    for i in 0..100 {
        net.propose(1, &format!("p{i}")).unwrap();
    }
    let applied = net.node(1).last_applied();
    let data = net.sms[&1].encode();
    net.node_mut(1).compact(applied, data).unwrap();
    assert_eq!(net.node(1).first_index(), applied + 1);
    net.recover();
    net.trace.clear();
    net.advance(2);
    assert!(net
        .delivered()
        .iter()
        .any(|m| m.to == 3 && m.kind() == MessageKind::InstallSnapshot));
    assert!(net
        .take_events(3)
        .iter()
        .any(|e| matches!(e, Event::SnapshotInstalled { .. })));
    assert_eq!(net.node(3).commit_index(), net.node(1).commit_index());
    assert_eq!(net.applied_commands(3), net.applied_commands(1));
}

// A restarted server reloads its durable snapshot into the state machine, then replays the
// committed entries after it.
#[test]
fn restart_reloads_snapshot_then_replays_log() {
    let mut net = Net::new(3);
    net.campaign(1);
    for i in 0..4 {
        net.propose(1, &format!("p{i}")).unwrap();
    }
    net.advance(1);
    // Entries: no-op 1, p0..p3 at 2..5. Snapshot the state after index 3 (p0, p1).
    assert_eq!(net.node(2).last_applied(), 5);
    let commands = net.sms[&2].commands[..2].to_vec();
    let data = raft_net::StateMachine {
        commands,
        applied_index: 3,
    }
    .encode();
    net.node_mut(2).compact(3, data).unwrap();
    net.stabilize();
    net.crash(2);
    net.restart(2);
    net.propose(1, "after").unwrap();
    net.advance(1);
    assert_eq!(net.applied_commands(2), net.applied_commands(1));
}

// Learners also receive snapshots; compaction keeps the configuration.
#[test]
fn learner_receives_snapshot_with_configuration() {
    let mut net = Net::new(3);
    net.campaign(1);
    for i in 0..10 {
        net.propose(1, &format!("p{i}")).unwrap();
    }
    let applied = net.node(1).last_applied();
    let data = net.sms[&1].encode();
    net.node_mut(1).compact(applied, data).unwrap();
    net.add_joining(4);
    net.node_mut(1)
        .propose_membership_change(MembershipChange::AddLearner(4))
        .unwrap();
    net.stabilize();
    net.advance(1);
    assert_eq!(net.applied_commands(4), net.applied_commands(1));
    assert_eq!(net.node(4).configuration().learners, vec![4]);
    assert_eq!(net.node(4).snapshot().configuration.voters, vec![1, 2, 3]);
}
