//! Helpers shared by the `sim_*` integration tests.
#![allow(dead_code)]

use raftlab::check::linearizability::Verdict;
use raftlab::raft::{NodeId, Role};
use raftlab::sim::{Action, SimConfig, Simulation, Status, World};

/// A world of `servers` servers with the default workload.
pub fn sim(servers: u32, seed: u64) -> Simulation {
    Simulation::new(SimConfig::new(servers, seed)).expect("valid config")
}

/// A world without random client operations (manual ones still run).
pub fn quiet(servers: u32, seed: u64) -> Simulation {
    let mut c = SimConfig::new(servers, seed);
    c.workload.enabled = false;
    Simulation::new(c).expect("valid config")
}

/// The single running leader, if exactly one running server believes it leads.
pub fn sole_leader(w: &World) -> Option<NodeId> {
    match w.leaders().as_slice() {
        [(id, _)] => Some(*id),
        _ => None,
    }
}

/// Runs until exactly one leader exists (or the deadline passes) and returns it.
pub fn wait_leader(sim: &mut Simulation, within_ms: u64) -> NodeId {
    let deadline = sim.now_ms() + within_ms;
    assert!(
        sim.run_until(deadline, |w| sole_leader(w).is_some()),
        "no single leader by t={deadline}"
    );
    sole_leader(sim.world()).expect("checked")
}

/// Every running member of the leader's configuration has applied the leader's whole log and
/// holds the same data (a removed server that still runs is left out: nobody updates it).
pub fn converged(w: &World) -> bool {
    let Some(leader) = sole_leader(w) else {
        return false;
    };
    let lv = w.server_view(leader).expect("leader exists");
    let target = lv.log.last().map_or(lv.snapshot.0, |e| e.index);
    let conf = lv
        .configuration
        .clone()
        .expect("a running leader has a configuration");
    let members = w.servers().filter(|s| conf.contains(s.id));
    members.filter(|s| s.status() == Status::Running).all(|s| {
        let v = w.server_view(s.id).expect("exists");
        v.last_applied == target && v.kv == lv.kv && v.role.is_some()
    })
}

/// Stops the workload, lets clients finish, and runs until converged.
pub fn settle(sim: &mut Simulation, within_ms: u64) {
    sim.apply(Action::SetWorkload { enabled: false })
        .expect("always accepted");
    let deadline = sim.now_ms() + within_ms;
    let ok = sim.run_until(deadline, |w| {
        w.clients().all(|c| c.pending().is_none()) && converged(w)
    });
    assert!(
        ok,
        "did not converge by t={deadline}\n{}",
        tail(sim.world(), 30)
    );
}

/// The history is linearizable and no safety property broke.
pub fn assert_safe(w: &World) {
    assert!(
        w.violations().is_empty(),
        "violations: {:#?}",
        w.violations()
    );
    assert_eq!(w.check_linearizability(), Verdict::Linearizable);
}

/// The last `n` trace lines, for failure messages.
pub fn tail(w: &World, n: usize) -> String {
    let lines = w.trace().lines();
    let skip = lines.len().saturating_sub(n);
    lines.skip(skip).collect::<Vec<_>>().join("\n")
}

/// The role of a running server.
pub fn role(w: &World, id: NodeId) -> Option<Role> {
    w.server(id).and_then(|s| s.node()).map(|n| n.role())
}

/// Commit index of a running server.
pub fn commit(w: &World, id: NodeId) -> u64 {
    w.server(id)
        .and_then(|s| s.node())
        .map_or(0, |n| n.commit_index())
}
