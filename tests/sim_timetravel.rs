//! Determinism and time travel: trace hashes, seek, step back, the command log, and the
//! adversary's choices replayed exactly.

mod sim_support;

use raftlab::kv::Operation;
use raftlab::sim::{Action, PendingWhat, SimConfig, SimError, Simulation};
use sim_support::*;

/// A run with commands in it, so replay has to reproduce them.
fn busy_run(seed: u64) -> Simulation {
    let mut s = sim(3, seed);
    s.advance(1_000).unwrap();
    let leader = sole_leader(s.world()).unwrap_or(1);
    s.apply(Action::Crash { server: leader }).unwrap();
    s.advance(1_000).unwrap();
    s.apply(Action::Restart { server: leader }).unwrap();
    let op = Operation::Append {
        key: "log".into(),
        value: "a".into(),
    };
    s.apply(Action::ClientOp {
        client: 2,
        op,
        read_index: false,
    })
    .unwrap();
    s.advance(1_000).unwrap();
    s
}

#[test]
fn the_same_seed_gives_the_same_trace_hash_and_different_seeds_differ() {
    // Expect: two runs of one seed with the same commands hash identically; other seeds don't.
    let a = busy_run(99);
    let b = busy_run(99);
    assert_eq!(a.world().trace_hash(), b.world().trace_hash());
    assert_eq!(a.steps(), b.steps());
    let c = busy_run(100);
    assert_ne!(a.world().trace_hash(), c.world().trace_hash());
}

#[test]
fn seeking_back_and_forward_reproduces_the_same_state_and_hash() {
    // Expect: after seeking to an earlier time the world equals the original run at that
    // time; seeking forward again returns to the same final hash (commands redone).
    let mut s = busy_run(7);
    let final_hash = s.world().trace_hash();
    let final_steps = s.steps();
    let mut reference = busy_run(7);
    reference.seek(1_500);
    let hash_at_1500 = reference.world().trace_hash();

    s.seek(1_500);
    assert_eq!(s.now_ms(), 1_500);
    assert_eq!(s.world().trace_hash(), hash_at_1500);
    s.seek(400);
    assert_eq!(s.now_ms(), 400);
    s.seek(3_000);
    assert_eq!(s.world().trace_hash(), final_hash);
    assert_eq!(s.steps(), final_steps);
    assert!(s.checkpoint_count() > 1);
}

#[test]
fn seek_is_exact_for_every_server_view() {
    // Expect: the server views after a seek equal those of a fresh run advanced to that time.
    let mut a = busy_run(3);
    a.seek(2_222);
    let mut b = sim(3, 3);
    b.advance(1_000).unwrap();
    let leader = sole_leader(b.world()).unwrap_or(1);
    b.apply(Action::Crash { server: leader }).unwrap();
    b.advance(1_000).unwrap();
    b.apply(Action::Restart { server: leader }).unwrap();
    let op = Operation::Append {
        key: "log".into(),
        value: "a".into(),
    };
    b.apply(Action::ClientOp {
        client: 2,
        op,
        read_index: false,
    })
    .unwrap();
    b.advance(222).unwrap();
    for id in 1..=3 {
        assert_eq!(
            a.world().server_view(id),
            b.world().server_view(id),
            "S{id}"
        );
    }
    assert_eq!(a.world().trace_hash(), b.world().trace_hash());
}

#[test]
fn step_back_undoes_exactly_one_event() {
    // Expect: stepping forward once then back once returns to the identical hash and step.
    let mut s = busy_run(5);
    let (hash, steps) = (s.world().trace_hash(), s.steps());
    assert!(s.step_event());
    assert_eq!(s.steps(), steps + 1);
    assert_ne!(s.world().trace_hash(), hash);
    s.step_back().unwrap();
    assert_eq!(s.steps(), steps);
    assert_eq!(s.world().trace_hash(), hash);
}

#[test]
fn a_new_command_after_seeking_back_truncates_the_undone_future() {
    // Expect: the logged crash after t=1000 is redone by moving forward, but a new command
    // issued at t=500 discards it (like an editor's undo history).
    let mut s = busy_run(9);
    assert_eq!(s.command_log().len(), 3);
    s.seek(500);
    assert_eq!(s.command_log().len(), 3, "seeking alone keeps the future");
    s.apply(Action::Heal).unwrap();
    assert_eq!(s.command_log().len(), 1);
    s.advance(2_500).unwrap();
    assert_eq!(s.world().counters().crashes, 0);
}

#[test]
fn the_adversary_delivers_drops_and_duplicates_chosen_messages_and_replay_repeats_it() {
    // Expect: pending events list messages by id; delivering one out of turn, dropping one
    // and duplicating one each take effect; a seek back and forward reproduces the run.
    let mut s = quiet(3, 4);
    wait_leader(&mut s, 5_000);
    let messages: Vec<u64> = s
        .world()
        .pending_events()
        .iter()
        .filter_map(|e| match e.what {
            PendingWhat::Deliver { message, .. } => Some(message),
            _ => None,
        })
        .collect();
    assert!(messages.len() >= 2, "the leader's traffic is in flight");
    let delivered_before: u64 = s.world().counters().delivered.values().sum();
    s.apply(Action::DeliverNow {
        message: messages[0],
    })
    .unwrap();
    assert_eq!(
        s.world().counters().delivered.values().sum::<u64>(),
        delivered_before + 1
    );
    assert!(
        s.world().network().get(messages[0]).is_err(),
        "delivered messages leave the wire"
    );
    s.apply(Action::DropMessage {
        message: messages[1],
    })
    .unwrap();
    assert!(s.world().network().get(messages[1]).is_err());
    let id = s.world().in_flight().next().expect("traffic in flight").id;
    let kind = s.world().network().get(id).unwrap().kind;
    let before = s.world().in_flight().count();
    s.apply(Action::DuplicateMessage { message: id }).unwrap();
    assert_eq!(s.world().in_flight().count(), before + 1);
    let copy = s.world().in_flight().last().unwrap();
    assert!(copy.duplicate && copy.kind == kind);
    s.advance(500).unwrap();
    let hash = s.world().trace_hash();
    s.seek(10);
    s.seek(s.command_log().last().unwrap().time_ms + 500);
    assert_eq!(s.world().trace_hash(), hash);
}

#[test]
fn holding_a_message_keeps_it_until_released_and_firing_a_timer_starts_an_election() {
    // Expect: a held message stays in flight with no delivery time; releasing delivers it;
    // firing a follower's timer makes it campaign.
    let mut s = quiet(3, 6);
    let leader = wait_leader(&mut s, 5_000);
    let id = s
        .world()
        .in_flight()
        .next()
        .expect("heartbeats in flight")
        .id;
    s.apply(Action::HoldMessage { message: id }).unwrap();
    s.advance(300).unwrap();
    assert_eq!(s.world().network().get(id).unwrap().deliver_ms, None);
    s.apply(Action::ReleaseMessage { message: id }).unwrap();
    s.advance(50).unwrap();
    assert!(s.world().network().get(id).is_err());
    // A leader's heartbeat cannot be fired early (the core has no such input).
    let refused = s.apply(Action::FireTimer { server: leader });
    assert!(
        matches!(refused, Err(SimError::InvalidParameter { .. })),
        "{refused:?}"
    );
    // A follower's election timer can: with pre-vote on, it becomes a pre-candidate at once.
    let follower = if leader == 1 { 2 } else { 1 };
    s.apply(Action::FireTimer { server: follower }).unwrap();
    let line = s.world().trace().lines().last().unwrap().to_string();
    assert!(
        line.contains(&format!("cmd fire timer S{follower}")),
        "{line}"
    );
    assert!(
        line.contains(&format!("S{follower} PreCandidate")),
        "{line}"
    );
}

#[test]
fn scheduled_scenario_steps_fire_at_their_time() {
    // Expect: a crash scheduled for t=700 happens at t=700 and shows in the trace.
    let mut s = quiet(3, 2);
    let at = Action::Schedule {
        at_ms: 700,
        action: Box::new(Action::Crash { server: 2 }),
    };
    s.apply(at).unwrap();
    s.advance(699).unwrap();
    assert_eq!(s.world().counters().crashes, 0);
    s.advance(1).unwrap();
    assert_eq!(s.world().counters().crashes, 1);
    assert!(s
        .world()
        .trace()
        .lines()
        .any(|l| l.starts_with("t=700 ") && l.contains("scheduled crash S2")));
}

#[test]
fn checkpoints_stay_bounded_in_long_runs() {
    // Expect: the checkpoint list never exceeds its cap, and seek still works after thinning.
    let mut c = SimConfig::new(3, 1);
    c.checkpoint_interval_ms = 100;
    c.max_checkpoints = 8;
    let mut s = Simulation::new(c).unwrap();
    s.advance(5_000).unwrap();
    assert!(s.checkpoint_count() <= 8);
    let hash = s.world().trace_hash();
    s.seek(1_234);
    s.seek(5_000);
    assert_eq!(s.world().trace_hash(), hash);
}

#[test]
fn seeking_in_a_long_faulty_run_matches_a_straight_run_everywhere() {
    // Expect: with crashes, restarts, partitions, snapshots and a client history long enough
    // to be folded, a seek to any time gives the world a straight run has at that time (same
    // hash, same last trace line, same disks through later crashes, same verdict), though a
    // checkpoint keeps only a trace tail and leaves out disks that equal their node's log.
    let config = || {
        let mut c = SimConfig::new(5, 31);
        c.faults.enabled = true;
        c.auto_compact_entries = 100;
        c.checkpoint_interval_ms = 500;
        c
    };
    let mut s = Simulation::new(config()).unwrap();
    s.advance(60_000).unwrap();
    assert!(
        s.world().history().folded_upto() > 0,
        "the history was folded"
    );
    let end = (s.world().trace_hash(), s.world().check_linearizability());
    for t in [41_234, 7_777, 59_999, 100, 23_456] {
        let mut straight = Simulation::new(config()).unwrap();
        straight.advance(t).unwrap();
        s.seek(t);
        let (a, b) = (s.world(), straight.world());
        assert_eq!(a.trace_hash(), b.trace_hash(), "at {t}");
        assert_eq!(a.trace().lines().last(), b.trace().lines().last(), "at {t}");
        assert_eq!(a.history().len(), b.history().len(), "at {t}");
        for id in 1..=5 {
            assert_eq!(a.server_view(id), b.server_view(id), "S{id} at {t}");
        }
    }
    s.seek(60_000);
    assert_eq!(
        (s.world().trace_hash(), s.world().check_linearizability()),
        end
    );
    assert_eq!(
        end.1,
        raftlab::check::linearizability::Verdict::Linearizable
    );
}
