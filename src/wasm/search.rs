//! "Find a counterexample": one seed of a bug hunt, run by the page's Web Worker.
//!
//! Why not [`crate::scenario::sweep::run_seed`]? The sweep draws its world and its own
//! nemesis actions from private functions and returns only an outcome, so the page could not
//! rebuild the failing run to show it. Here a run is a [`SimConfig`] (the world's own fault
//! generator) plus a [`Hunter`] (crashes timed to the bug) drawn from the same seed, so the
//! worker reports only the seed and the page replays the very same run through its observing
//! facade (`Simulation.fromBugHunt`), stopping at the step where the checker fired.
//!
//! The mix per bug follows the sweep's tuning (`scenarios/README.md`): crashes of leaders
//! with partly replicated entries and lagging minorities for the Figure 8 and vote-log bugs,
//! crash-restarts during elections for the forgotten vote, quick client retries for the KV's
//! apply-without-dedup. Pure: no clock, no threads.

use serde::Serialize;

use crate::debug_text::expect_ok;
use crate::raft::NodeId;
use crate::scenario::BugName;
use crate::sim::rng::{SimRng, Stream};
use crate::sim::{Action, FaultConfig, SimConfig, Simulation, Status, World};

/// Longest virtual run per seed the page may ask for.
pub const MAX_SEARCH_RUN_MS: u64 = 120_000;

/// The result of one seed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchOutcome {
    /// The seed (decimal: a `u64` does not fit a JavaScript number).
    pub seed: String,
    /// Whether a safety property broke.
    pub violated: bool,
    /// The property's stable name (`state_machine_safety`, …).
    pub property: Option<String>,
    /// The step at which the checker fired (jump there with `seekStep`).
    pub step: u64,
    /// Its virtual time.
    pub time_ms: u64,
    /// The checker's sentence.
    pub detail: String,
    /// Steps the run took.
    pub events: u64,
}

/// The world a bug hunt runs for `seed`: `servers` servers, clients with a workload, the fault
/// generator tuned to provoke `bug`.
pub fn search_config(seed: u64, bug: BugName, servers: u32) -> SimConfig {
    let mut c = SimConfig::new(servers, seed);
    c.workload.enabled = true;
    c.workload.clients = 2;
    c.workload.keys = 3;
    let mut f = FaultConfig {
        enabled: true,
        ..FaultConfig::default()
    };
    match bug {
        BugName::SkipFigure8Rule | BugName::SkipVoteLogCheck => {
            c.raft.bugs.skip_figure8_rule = bug == BugName::SkipFigure8Rule;
            c.raft.bugs.skip_vote_log_check = bug == BugName::SkipVoteLogCheck;
            (f.crash, f.restart, f.pause, f.resume) = (4, 4, 0, 0);
            (f.partition, f.cut_link, f.heal) = (2, 0, 2);
            (f.interval_ms_min, f.interval_ms_max) = (30, 200);
            // One entry per AppendEntries: a new leader's followers get the old-term entry
            // before its own no-op, which is the window the bug needs (Figure 8 (c)).
            c.raft.max_entries_per_append = 1;
            c.link.latency_ms_min = 10;
            c.link.latency_ms_max = 60;
            c.raft.pre_vote = false;
            c.raft.check_quorum = false;
        }
        BugName::ForgetVoteOnRestart => {
            c.raft.bugs.forget_vote_on_restart = true;
            (f.crash, f.restart, f.pause, f.resume) = (4, 6, 0, 0);
            (f.partition, f.cut_link, f.heal) = (0, 0, 0);
            (f.interval_ms_min, f.interval_ms_max) = (5, 40);
            // Near-simultaneous candidates: a narrow timeout range and slow links split votes.
            c.raft.election_timeout_ms_max = c.raft.election_timeout_ms_min + 10;
            c.link.latency_ms_min = 10;
            c.link.latency_ms_max = 40;
            c.raft.pre_vote = false;
            c.raft.check_quorum = false;
        }
        BugName::KeepCommitAcrossCrash => {
            c.raft.bugs.keep_commit_across_crash = true;
            (f.crash, f.restart) = (4, 4);
            (f.interval_ms_min, f.interval_ms_max) = (100, 600);
        }
        BugName::ApplyWithoutDedup => {
            c.kv.apply_without_dedup = true;
            // Clients that give up waiting before the answer comes and retry the same serial.
            c.workload.request_timeout_ms = 25;
            c.workload.max_attempts = 20;
            c.workload.mix.append = 4;
            c.link.latency_ms_max = c.link.latency_ms_min + 25;
            (f.crash, f.restart, f.partition, f.heal) = (1, 2, 1, 2);
        }
    }
    c.faults = f;
    c
}

/// The hunt's own adversary, on top of the world's fault generator: at short random
/// intervals it crashes a leader that holds entries no majority has yet (the first move of
/// Figure 8) or restarts a crashed server. Deterministic from the seed, so the page replays the
/// very same run by driving the same hunter ([`Hunter::drive`]).
#[derive(Debug, Clone)]
pub struct Hunter {
    rng: SimRng,
    run_ms: u64,
    next_ms: u64,
    /// The last (leader, term, commit index) it crashed for committing an old-term entry.
    struck: Option<(NodeId, u64, u64)>,
}

/// The hunter's random stream (apart from the world's and the sweep's).
const HUNT_STREAM_INDEX: u64 = 0x4B17_0000;

impl Hunter {
    /// A hunter for `seed` that stops after `run_ms` of virtual time.
    pub fn new(seed: u64, run_ms: u64) -> Self {
        Hunter {
            rng: SimRng::new(seed, Stream::Faults, HUNT_STREAM_INDEX),
            run_ms,
            next_ms: 0,
            struck: None,
        }
    }

    /// Runs `sim` to the first violation or the end of the hunt. `run_until(sim, deadline,
    /// stop)` advances to `deadline` or until `stop(world)` holds (true then); `apply` issues
    /// a command. The page passes its observing versions of both, the worker the plain ones.
    pub fn drive<S>(
        &mut self,
        sim: &mut S,
        world: impl Fn(&S) -> &World,
        mut run_until: impl FnMut(&mut S, u64, &dyn Fn(&World) -> bool) -> bool,
        mut apply: impl FnMut(&mut S, Action),
    ) -> bool {
        loop {
            let now = world(sim).now_ms();
            if now >= self.run_ms {
                return false;
            }
            self.next_ms = (now + self.rng.range_inclusive(20, 120)).min(self.run_ms);
            let seen = self.struck;
            let stop = |w: &World| !w.violations().is_empty() || old_term_commit(w, seen);
            run_until(sim, self.next_ms, &stop);
            let w = world(sim);
            if !w.violations().is_empty() {
                return true;
            }
            let action = match old_term_commit_at(w) {
                // Figure 8 (d)/(e): a leader just committed an earlier-term entry by counting
                // replicas. Crash it before its own entry spreads, so a server holding a
                // later-term entry at that index can still win the next election.
                Some(at) if Some(at) != self.struck => {
                    self.struck = Some(at);
                    Some(Action::Crash { server: at.0 })
                }
                _ => self.action(w),
            };
            if let Some(a) = action {
                apply(sim, a);
            }
        }
    }

    fn action(&mut self, w: &World) -> Option<Action> {
        let crashed: Vec<NodeId> = w
            .servers()
            .filter(|s| s.status() == Status::Crashed)
            .map(|s| s.id)
            .collect();
        let minority = (w.servers().count() as u64 - 1) / 2;
        if !crashed.is_empty() && self.rng.chance_ppm(500_000) {
            let server = crashed[self.rng.below(crashed.len() as u64) as usize];
            return Some(Action::Restart { server });
        }
        let leader = w.current_leader()?;
        let node = w.server(leader)?.node()?;
        let uncommitted = node.last_index() > node.commit_index();
        if uncommitted && (crashed.len() as u64) < minority && self.rng.chance_ppm(400_000) {
            return Some(Action::Crash { server: leader });
        }
        None
    }
}

/// (leader, term, commit index) when the leader's commit index points at an entry of an
/// earlier term (only a Raft without the Figure 8 rule gets there).
fn old_term_commit_at(w: &World) -> Option<(NodeId, u64, u64)> {
    let leader = w.current_leader()?;
    let node = w.server(leader)?.node()?;
    let commit = node.commit_index();
    let term = node.term_at(commit)?;
    (commit > 0 && term < node.current_term()).then_some((leader, node.current_term(), commit))
}

fn old_term_commit(w: &World, seen: Option<(NodeId, u64, u64)>) -> bool {
    old_term_commit_at(w).is_some_and(|at| Some(at) != seen)
}

/// Runs one seed of the hunt for at most `run_ms` of virtual time and reports the first
/// safety violation (the run stops there).
pub fn run_search_seed(seed: u64, bug: BugName, servers: u32, run_ms: u64) -> SearchOutcome {
    let mut config = search_config(seed, bug, servers);
    // The worker needs neither time travel nor a trace (the page's replay has both).
    config.checkpoint_interval_ms = MAX_SEARCH_RUN_MS * 10;
    config.trace_capacity = 0;
    let mut sim = expect_ok(
        Simulation::new(config),
        "bug: the search drew an invalid world",
    );
    Hunter::new(seed, run_ms).drive(
        &mut sim,
        |s| s.world(),
        |s, t, stop| s.run_until(t, stop),
        |s, a| {
            // The world refuses what does not apply now; that is part of the run too.
            let _ = s.apply(a);
        },
    );
    let w = sim.world();
    let first = w.violations().first();
    SearchOutcome {
        seed: seed.to_string(),
        violated: first.is_some(),
        property: first.map(|v| v.property.name().to_string()),
        step: first.map_or(0, |v| v.at.seq),
        time_ms: first.map_or(0, |v| v.at.time_ms),
        detail: first.map_or_else(String::new, |v| v.detail.clone()),
        events: w.steps(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_violation(bug: BugName, seeds: u64) -> Option<SearchOutcome> {
        (1..=seeds)
            .map(|s| run_search_seed(s, bug, 5, 20_000))
            .find(|o| o.violated)
    }

    #[test]
    fn the_figure8_bug_is_found_within_a_few_seeds_and_replays_identically() {
        let found = first_violation(BugName::SkipFigure8Rule, 40).expect("a counterexample");
        // Replay as the page does: the page's configuration (checkpoints, trace) and the hunter.
        let seed: u64 = found.seed.parse().unwrap();
        let mut sim = Simulation::new(search_config(seed, BugName::SkipFigure8Rule, 5)).unwrap();
        let hit = Hunter::new(seed, 20_000).drive(
            &mut sim,
            |s| s.world(),
            |s, t, stop| s.run_until(t, stop),
            |s, a| drop(s.apply(a)),
        );
        assert!(hit);
        let v = &sim.world().violations()[0];
        assert_eq!(
            v.at.seq, found.step,
            "the page sees the same violation at the same step"
        );
        assert_eq!(Some(v.property.name().to_string()), found.property);
    }

    #[test]
    fn a_correct_raft_finds_nothing() {
        // The same fault mix without the bug: no safety violation.
        for seed in 1..=3 {
            let mut c = search_config(seed, BugName::SkipFigure8Rule, 5);
            c.raft.bugs.skip_figure8_rule = false;
            let mut sim = Simulation::new(c).unwrap();
            sim.run_until(4_000, |w| !w.violations().is_empty());
            assert!(sim.world().violations().is_empty());
        }
    }
}
