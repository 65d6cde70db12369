//! A small chaos sweep through the world (the CLI's `sweep` runs the big one): random faults,
//! a bad network, compaction and membership changes, then a clean phase that must converge.

mod sim_support;

use raftlab::check::linearizability::Verdict;
use raftlab::sim::{Action, LinkConfig, SimConfig, Simulation, Status};
use sim_support::*;

/// The world for one seed: 3–5 servers, faults every 100–500 ms, lossy and reordering links.
fn chaos_config(seed: u64) -> SimConfig {
    let mut c = SimConfig::new(3 + (seed % 3) as u32, seed);
    c.faults.enabled = true;
    c.faults.interval_ms_min = 100;
    c.faults.interval_ms_max = 500;
    c.link.loss_ppm = (seed % 4) as u32 * 50_000;
    c.link.duplicate_ppm = 50_000;
    c.link.reorder_ppm = 100_000;
    c.link.reorder_delay_ms_max = 40;
    c.auto_compact_entries = 30;
    c.workload.request_timeout_ms = 60 + (seed % 5) * 40;
    c
}

/// Faults off, network clean, every server back up.
fn repair_everything(s: &mut Simulation) {
    s.apply(Action::SetFaults { enabled: false }).unwrap();
    s.apply(Action::Heal).unwrap();
    s.apply(Action::SetNetwork {
        link: LinkConfig::default(),
    })
    .unwrap();
    let ids: Vec<u32> = s.world().servers().map(|x| x.id).collect();
    for id in ids {
        match s.world().server(id).unwrap().status() {
            Status::Crashed => s.apply(Action::Restart { server: id }).unwrap(),
            Status::Paused => s.apply(Action::Resume { server: id }).unwrap(),
            Status::Running => {}
        }
    }
}

/// Runs one seed; `Err` explains the failure.
fn run_seed(seed: u64) -> Result<(), String> {
    let mut s = Simulation::new(chaos_config(seed)).unwrap();
    s.advance(4_000).unwrap();
    if seed % 2 == 0 {
        // May be refused (no leader at that instant); either way the run goes on.
        let _ = s.apply(Action::AddServer { server: 9 });
    }
    s.advance(4_000).unwrap();
    if seed % 4 == 0 {
        let _ = s.apply(Action::RemoveServer { server: 1 });
    }
    s.advance(2_000).unwrap();
    repair_everything(&mut s);
    s.apply(Action::SetWorkload { enabled: false }).unwrap();
    let deadline = s.now_ms() + 15_000;
    let idle_and_converged =
        |w: &raftlab::sim::World| w.clients().all(|c| c.pending().is_none()) && converged(w);
    let converged = s.run_until(deadline, idle_and_converged);
    let w = s.world();
    if let Some(v) = w.violations().first() {
        return Err(format!("violation: {v}"));
    }
    match w.check_linearizability() {
        Verdict::Linearizable => {}
        other => return Err(format!("history: {other:?}")),
    }
    if !converged {
        return Err(format!("no convergence by t={deadline}\n{}", tail(w, 20)));
    }
    Ok(())
}

#[test]
fn a_chaos_sweep_stays_safe_linearizable_and_converges() {
    // Expect: for every seed, zero safety violations, a linearizable history, and convergence
    // once faults stop. A failure prints the seed and how to replay it.
    let failures: Vec<String> = (1..=24)
        .filter_map(|seed| run_seed(seed).err().map(|e| format!("SEED={seed}: {e}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{}\nreplay one with: run_seed(SEED) in tests/sim_sweep.rs",
        failures.join("\n")
    );
}
