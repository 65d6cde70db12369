//! Membership changes, leadership transfer, snapshots, the fault generator and bad input.

mod sim_support;

use raftlab::kv::Operation;
use raftlab::raft::Role;
use raftlab::sim::{Action, LinkConfig, SimConfig, SimError, Simulation, Status};
use sim_support::*;

#[test]
fn a_server_is_added_caught_up_promoted_and_then_removed() {
    // Expect: S4 joins as a learner, is promoted to voter by the leader once caught up, holds
    // the data; removing it takes it out of the leader's configuration.
    let mut s = sim(3, 31);
    let leader = wait_leader(&mut s, 5_000);
    s.advance(500).unwrap();
    s.apply(Action::AddServer { server: 4 }).unwrap();
    let done = s.run_until(s.now_ms() + 5_000, |w| {
        w.server(leader)
            .and_then(|x| x.node())
            .is_some_and(|n| n.configuration().voters.contains(&4))
    });
    assert!(done, "S4 promoted\n{}", tail(s.world(), 20));
    settle(&mut s, 5_000);
    let w = s.world();
    let lv = w.server_view(sole_leader(w).unwrap()).unwrap();
    assert_eq!(w.server_view(4).unwrap().kv, lv.kv);
    s.apply(Action::SetWorkload { enabled: true }).unwrap();
    s.apply(Action::RemoveServer { server: 4 }).unwrap();
    s.advance(2_000).unwrap();
    let leader = sole_leader(s.world()).unwrap();
    let conf = s
        .world()
        .server_view(leader)
        .unwrap()
        .configuration
        .unwrap();
    assert!(!conf.voters.contains(&4) && !conf.learners.contains(&4));
    assert_safe(s.world());
}

#[test]
fn leadership_moves_to_the_requested_server() {
    // Expect: a transfer request makes the target the leader.
    let mut s = sim(3, 41);
    let leader = wait_leader(&mut s, 5_000);
    let target = if leader == 3 { 2 } else { 3 };
    s.apply(Action::TransferLeadership { to: target }).unwrap();
    assert!(s.run_until(s.now_ms() + 3_000, |w| sole_leader(w) == Some(target)));
    assert_safe(s.world());
}

#[test]
fn a_lagging_follower_catches_up_by_install_snapshot() {
    // Expect: while S3 is down the others compact their logs (manual snapshot and the
    // automatic policy); on restart S3 cannot get the compacted entries and receives a
    // snapshot, loads it into its state machine and converges.
    let mut c = SimConfig::new(3, 51);
    c.auto_compact_entries = 30;
    let mut s = Simulation::new(c).unwrap();
    let leader = wait_leader(&mut s, 5_000);
    let lagger = if leader == 3 { 2 } else { 3 };
    s.apply(Action::Crash { server: lagger }).unwrap();
    s.advance(4_000).unwrap();
    s.apply(Action::Snapshot {
        server: sole_leader(s.world()).unwrap(),
    })
    .unwrap();
    assert!(s.world().counters().snapshots_taken >= 2);
    s.apply(Action::Restart { server: lagger }).unwrap();
    settle(&mut s, 5_000);
    assert!(s.world().counters().snapshots_installed >= 1);
    assert!(s
        .world()
        .trace()
        .lines()
        .any(|l| l.contains(&format!("S{lagger} loaded snapshot"))));
    assert_safe(s.world());
}

#[test]
fn readindex_reads_are_answered_without_a_log_entry() {
    // Expect: a ReadIndex get returns the value of an earlier put.
    let mut s = quiet(3, 61);
    wait_leader(&mut s, 5_000);
    let put = Operation::Put {
        key: "r".into(),
        value: "v1".into(),
    };
    s.apply(Action::ClientOp {
        client: 1,
        op: put,
        read_index: false,
    })
    .unwrap();
    let get = Operation::Get { key: "r".into() };
    s.apply(Action::ClientOp {
        client: 1,
        op: get,
        read_index: true,
    })
    .unwrap();
    s.advance(2_000).unwrap();
    let h = s.world().history();
    assert_eq!(h.len(), 2);
    let (_, r) = h
        .get(1)
        .and_then(|o| o.completion.clone())
        .expect("answered");
    assert_eq!(r, raftlab::kv::Response::Value { value: "v1".into() });
    assert_safe(s.world());
}

#[test]
fn random_faults_never_break_safety_and_the_cluster_recovers() {
    // Expect: for a few seeds, five servers under crashes, pauses, partitions, cuts, a lossy
    // network and automatic compaction stay safe; with faults off and everything healed they converge.
    for seed in 1..=4 {
        let mut c = SimConfig::new(5, seed);
        c.faults.enabled = true;
        c.faults.interval_ms_min = 100;
        c.faults.interval_ms_max = 400;
        c.link.loss_ppm = 50_000;
        c.link.duplicate_ppm = 50_000;
        c.auto_compact_entries = 40;
        let mut s = Simulation::new(c).unwrap();
        s.advance(8_000).unwrap();
        assert!(
            s.world().violations().is_empty(),
            "seed {seed}: {:#?}",
            s.world().violations()
        );
        s.apply(Action::SetFaults { enabled: false }).unwrap();
        s.apply(Action::Heal).unwrap();
        s.apply(Action::SetNetwork {
            link: LinkConfig::default(),
        })
        .unwrap();
        let ids: Vec<u32> = s.world().servers().map(|x| x.id).collect();
        for id in ids {
            let status = s.world().server(id).unwrap().status();
            match status {
                Status::Crashed => s.apply(Action::Restart { server: id }).unwrap(),
                Status::Paused => s.apply(Action::Resume { server: id }).unwrap(),
                Status::Running => {}
            }
        }
        settle(&mut s, 10_000);
        assert_safe(s.world());
    }
}

#[test]
fn bad_inputs_are_refused_with_a_sim_error_and_change_nothing() {
    // Expect: each bad command gets a specific SimError; the world's step count is unchanged.
    let mut s = quiet(3, 71);
    let leader = wait_leader(&mut s, 5_000);
    let steps = s.steps();
    let hash = s.world().trace_hash();
    assert_eq!(
        s.apply(Action::Crash { server: 9 }),
        Err(SimError::UnknownServer(9))
    );
    assert_eq!(
        s.apply(Action::Restart { server: 1 }),
        Err(SimError::ServerNotCrashed(1))
    );
    assert_eq!(
        s.apply(Action::Resume { server: 1 }),
        Err(SimError::ServerNotPaused(1))
    );
    assert_eq!(
        s.apply(Action::DropMessage { message: 999_999 }),
        Err(SimError::UnknownMessage(999_999))
    );
    assert_eq!(
        s.apply(Action::AddServer { server: 2 }),
        Err(SimError::ServerExists(2))
    );
    assert!(matches!(
        s.apply(Action::AddServer { server: 26 }),
        Err(SimError::InvalidParameter { .. })
    ));
    let op = Operation::Get { key: "k".into() };
    assert_eq!(
        s.apply(Action::ClientOp {
            client: 7,
            op,
            read_index: false
        }),
        Err(SimError::UnknownClient(7))
    );
    let bad = LinkConfig {
        loss_ppm: 2_000_000,
        ..LinkConfig::default()
    };
    assert!(matches!(
        s.apply(Action::SetNetwork { link: bad }),
        Err(SimError::InvalidParameter { .. })
    ));
    let inverted = LinkConfig {
        latency_ms_min: 9,
        latency_ms_max: 1,
        ..LinkConfig::default()
    };
    assert!(matches!(
        s.apply(Action::SetNetwork { link: inverted }),
        Err(SimError::InvalidParameter { .. })
    ));
    assert!(matches!(
        s.apply(Action::CutLink {
            from: 1,
            to: 1,
            both: true
        }),
        Err(SimError::InvalidParameter { .. })
    ));
    assert!(matches!(
        s.apply(Action::Partition {
            groups: vec![vec![1], vec![1, 2]]
        }),
        Err(SimError::InvalidParameter { .. })
    ));
    assert!(matches!(
        s.apply(Action::Schedule {
            at_ms: 0,
            action: Box::new(Action::Heal)
        }),
        Err(SimError::InvalidParameter { .. })
    ));
    assert!(matches!(
        s.apply(Action::TransferLeadership { to: leader }),
        Err(SimError::Transfer(_))
    ));
    assert!(matches!(
        s.advance(u64::MAX),
        Err(SimError::InvalidParameter { .. })
    ));
    assert_eq!(s.steps(), steps);
    assert_eq!(s.world().trace_hash(), hash);
    assert!(s.command_log().is_empty());
    s.apply(Action::Crash { server: 1 }).unwrap();
    assert_eq!(
        s.apply(Action::Crash { server: 1 }),
        Err(SimError::ServerCrashed(1))
    );
    assert_eq!(
        s.apply(Action::Pause { server: 1 }),
        Err(SimError::ServerCrashed(1))
    );
    assert!(Simulation::new(SimConfig::new(0, 1)).is_err());
    assert!(Simulation::new(SimConfig::new(26, 1)).is_err());
    let _ = Role::Leader;
}
