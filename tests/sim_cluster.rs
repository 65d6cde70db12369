//! The world runs a real cluster: elections, replication to every server, crashes and
//! restarts, partitions, link cuts and a bad network, all checked for safety.

mod sim_support;

use raftlab::kv::Operation;
use raftlab::sim::{Action, LinkConfig, SimConfig, Simulation, Status};
use sim_support::*;

#[test]
fn three_server_cluster_elects_exactly_one_leader_within_5s() {
    // Expect: within 5 s of virtual time exactly one server leads, and it stays the only one.
    let mut s = quiet(3, 11);
    wait_leader(&mut s, 5_000);
    s.advance(1_000).unwrap();
    assert!(sole_leader(s.world()).is_some());
    assert!(s.world().violations().is_empty());
}

#[test]
fn five_server_cluster_elects_exactly_one_leader_within_5s() {
    // Expect: the same with five servers, over several seeds.
    for seed in 1..=5 {
        let mut s = quiet(5, seed);
        wait_leader(&mut s, 5_000);
        assert!(s.world().violations().is_empty(), "seed {seed}");
    }
}

#[test]
fn client_writes_commit_and_every_server_applies_them() {
    // Expect: a manual put and the random workload commit; every server applies the same
    // data; the history is linearizable.
    let mut s = sim(3, 5);
    wait_leader(&mut s, 5_000);
    let put = Operation::Put {
        key: "x".into(),
        value: "hello".into(),
    };
    s.apply(Action::ClientOp {
        client: 1,
        op: put,
        read_index: false,
    })
    .unwrap();
    s.advance(2_000).unwrap();
    settle(&mut s, 5_000);
    let w = s.world();
    for srv in w.servers() {
        assert_eq!(srv.kv().read("x"), Some("hello"), "S{}", srv.id);
    }
    assert!(
        w.history()
            .iter()
            .filter(|h| h.completion.is_some())
            .count()
            > 10
    );
    assert_safe(w);
}

#[test]
fn crashing_the_leader_elects_a_new_one_and_the_old_one_catches_up_after_restart() {
    // Expect: a new leader within 5 s of the crash; writes continue; the restarted server
    // rebuilds its state machine from its disk and the log and converges.
    let mut s = sim(3, 21);
    let old = wait_leader(&mut s, 5_000);
    s.advance(500).unwrap();
    s.apply(Action::Crash { server: old }).unwrap();
    let new = wait_leader(&mut s, 5_000);
    assert_ne!(new, old);
    s.advance(1_000).unwrap();
    s.apply(Action::Restart { server: old }).unwrap();
    settle(&mut s, 5_000);
    assert_eq!(s.world().server(old).unwrap().incarnation(), 1);
    assert_safe(s.world());
}

#[test]
fn a_partitioned_minority_makes_no_progress_then_converges_after_heal() {
    // Expect: the isolated server's commit index stays put while the majority commits; after
    // healing, everyone converges.
    let mut s = sim(5, 3);
    let leader = wait_leader(&mut s, 5_000);
    let loner = if leader == 1 { 2 } else { 1 };
    let rest: Vec<u32> = (1..=5).filter(|&i| i != loner).collect();
    s.apply(Action::Partition {
        groups: vec![vec![loner], rest],
    })
    .unwrap();
    s.advance(200).unwrap();
    let before = commit(s.world(), loner);
    let majority_before = commit(s.world(), leader);
    s.advance(3_000).unwrap();
    assert_eq!(
        commit(s.world(), loner),
        before,
        "the minority must not commit"
    );
    assert!(commit(s.world(), sole_leader(s.world()).unwrap()) > majority_before);
    s.apply(Action::Heal).unwrap();
    settle(&mut s, 5_000);
    assert_safe(s.world());
}

#[test]
fn a_one_way_link_cut_does_not_stop_the_cluster_and_heals() {
    // Expect: cutting leader→follower one way keeps a majority working (the follower may
    // depose the leader, which is fine); after the repair every server converges.
    let mut s = sim(3, 8);
    let leader = wait_leader(&mut s, 5_000);
    let follower = if leader == 3 { 1 } else { 3 };
    s.apply(Action::CutLink {
        from: leader,
        to: follower,
        both: false,
    })
    .unwrap();
    s.advance(3_000).unwrap();
    assert!(s.world().network().blocked(leader, follower));
    assert!(!s.world().network().blocked(follower, leader));
    assert!(s.world().counters().dropped.values().sum::<u64>() > 0);
    s.apply(Action::RepairLink {
        from: leader,
        to: follower,
        both: false,
    })
    .unwrap();
    settle(&mut s, 8_000);
    assert_safe(s.world());
}

#[test]
fn loss_duplication_and_reordering_at_high_rates_still_converge_safely() {
    // Expect: 20 % loss, 20 % duplication, 30 % reordering: no violation, a linearizable
    // history, and convergence once the network is clean again.
    for seed in [1, 2, 3] {
        let mut c = SimConfig::new(5, seed);
        c.link = LinkConfig {
            latency_ms_min: 1,
            latency_ms_max: 20,
            loss_ppm: 200_000,
            duplicate_ppm: 200_000,
            reorder_ppm: 300_000,
            reorder_delay_ms_max: 60,
        };
        let mut s = Simulation::new(c).unwrap();
        s.advance(8_000).unwrap();
        let w = s.world();
        assert!(w.counters().duplicated > 0 && w.counters().dropped.values().sum::<u64>() > 0);
        s.apply(Action::SetNetwork {
            link: LinkConfig::default(),
        })
        .unwrap();
        settle(&mut s, 8_000);
        assert_safe(s.world());
    }
}

#[test]
fn aggressive_client_timeouts_retry_the_same_serial_and_apply_each_command_once() {
    // Expect: with a timeout barely above the round trip, clients retry a lot; the retries
    // reuse serials, so servers answer duplicates from the session (duplicates suppressed),
    // nothing executes twice (exactly-once checker quiet) and the history is linearizable.
    let mut c = SimConfig::new(3, 13);
    c.workload.request_timeout_ms = 25;
    c.workload.max_attempts = 20;
    c.workload.clients = 4;
    c.link.latency_ms_max = 25;
    let mut s = Simulation::new(c).unwrap();
    s.advance(6_000).unwrap();
    settle(&mut s, 8_000);
    let w = s.world();
    let retries: u64 = w.clients().map(|c| c.stats().retries).sum();
    assert!(retries > 20, "retries: {retries}");
    let suppressed = w
        .servers()
        .map(|s| s.kv().counters().duplicates_suppressed)
        .max()
        .unwrap();
    assert!(suppressed > 0, "no retried command reached the log twice");
    assert_safe(w);
}

#[test]
fn a_paused_leader_is_replaced_and_rejoins_when_resumed() {
    // Expect: a paused leader fires no timer and receives nothing (messages are held for it);
    // the others elect a new leader; on resume it learns the new term and converges.
    let mut s = sim(3, 17);
    let old = wait_leader(&mut s, 5_000);
    s.apply(Action::Pause { server: old }).unwrap();
    s.advance(1_500).unwrap();
    let w = s.world();
    assert_eq!(w.server(old).unwrap().status(), Status::Paused);
    assert!(
        !w.server_view(old).unwrap().held.is_empty(),
        "messages to a paused server are held"
    );
    let others: Vec<_> = w
        .leaders()
        .into_iter()
        .filter(|&(id, _)| id != old)
        .collect();
    assert_eq!(others.len(), 1, "a new leader among the running servers");
    s.apply(Action::Resume { server: old }).unwrap();
    settle(&mut s, 5_000);
    assert_ne!(sole_leader(s.world()), Some(old));
    assert_safe(s.world());
}

#[test]
fn the_exactly_once_checker_catches_a_state_machine_that_reapplies_retries() {
    // Expect: with the key-value store's deliberate `apply_without_dedup` bug and aggressive
    // client timeouts, a retried command executes twice and the world reports an exactly-once
    // violation (proving the checker is wired to every apply). With it off: none (above).
    let mut c = SimConfig::new(3, 13);
    c.kv.apply_without_dedup = true;
    c.workload.request_timeout_ms = 25;
    c.workload.max_attempts = 20;
    c.link.latency_ms_max = 25;
    let mut s = Simulation::new(c).unwrap();
    s.advance(6_000).unwrap();
    let v = s.world().violations();
    assert!(!v.is_empty(), "the bug went unnoticed");
    assert_eq!(v[0].property, raftlab::check::safety::Property::ExactlyOnce);
}

#[test]
fn switching_the_safety_checker_off_records_nothing() {
    // Expect: the same buggy run with `check_safety: false` reports no violation.
    let mut c = SimConfig::new(3, 13);
    c.kv.apply_without_dedup = true;
    c.workload.request_timeout_ms = 25;
    c.check_safety = false;
    let mut s = Simulation::new(c).unwrap();
    s.advance(3_000).unwrap();
    assert!(!s.world().safety_checked());
    assert!(s.world().violations().is_empty());
}
