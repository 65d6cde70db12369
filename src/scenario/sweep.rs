//! The chaos sweep: one seed draws a whole world — cluster size, timeouts, switches, a fault
//! mix, a workload — runs a **safety phase** under faults and a **liveness phase** without
//! them, and reports the first thing that went wrong (openraft's turmoil suite and
//! hashicorp/raft's fuzzy tests are the models).
//!
//! * Safety phase (`safety_ms`): the world's fault generator (crashes, restarts, pauses,
//!   partitions, one-way cuts, heals) plus the sweep's own draws of membership changes,
//!   leadership transfers, snapshots and early elections; a lossy, duplicating, reordering
//!   network; clients with timeouts and retries. The safety checker runs after every event.
//! * Liveness phase: faults off, network healed and clean, every server resumed and
//!   restarted (servers outside the configuration are shut down). Then: a single leader within
//!   5 s; the workload runs a second more, stops, and a final read of every key goes through
//!   the log; within `liveness_ms` every member converges (same applied log, same data) and
//!   every client is idle. Finally the history must be linearizable and every acknowledged
//!   append still present.
//!
//! Swarm testing (Groce et al., ISSTA 2012): each seed switches every fault kind on or off
//! and weights it, so some seeds hammer one fault and others mix everything.
//!
//! Pure: no threads, no clock, no files — the CLI, the tests and a browser Web Worker call
//! [`run_seed`] the same way, and a seed replays identically everywhere.

use serde::Serialize;

use crate::check::linearizability::Verdict;
use crate::check::safety::{Property, Violation};
use crate::kv::Operation;
use crate::raft::{NodeId, Role};
use crate::sim::rng::{SimRng, Stream};
use crate::sim::{Action, FaultConfig, LinkConfig, OpMix, SimConfig, Simulation, Status, World};

use super::condition::{eval, Eval};
use super::context::Context;
use super::format::{BugName, Condition, Empty};

/// The sweep's own random stream (far from the world's and the scenario runner's).
const SWEEP_STREAM_INDEX: u64 = 0x5EE9_0000;
/// The budget for electing a leader once faults stop (the MIT handout's rule).
pub const LEADER_WITHIN_MS: u64 = 5_000;

/// Which faults a seed may draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FaultMode {
    /// Each fault kind switched on or off and weighted per seed, network chaos included.
    Swarm,
    /// Every fault kind with the world's default weights, on a clean network.
    Standard,
    /// No faults: only the workload (a baseline).
    None,
}

impl FaultMode {
    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            FaultMode::Swarm => "swarm",
            FaultMode::Standard => "standard",
            FaultMode::None => "none",
        }
    }

    /// The mode with this name.
    pub fn parse(name: &str) -> Option<FaultMode> {
        [FaultMode::Swarm, FaultMode::Standard, FaultMode::None]
            .into_iter()
            .find(|m| m.name() == name)
    }
}

/// What every seed of a sweep shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SweepOptions {
    /// Cluster size; `None`: each seed draws 3..=5.
    pub servers: Option<u32>,
    /// The fault mix.
    pub faults: FaultMode,
    /// A deliberate bug to switch on (the mix is tuned to provoke it).
    pub bug: Option<BugName>,
    /// Virtual length of the safety phase.
    pub safety_ms: u64,
    /// Virtual budget for convergence in the liveness phase.
    pub liveness_ms: u64,
    /// Trace lines to keep (0: only the hash; `replay` keeps them all).
    pub trace_lines: u32,
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions {
            servers: None,
            faults: FaultMode::Swarm,
            bug: None,
            safety_ms: 6_000,
            liveness_ms: 10_000,
            trace_lines: 0,
        }
    }
}

impl SweepOptions {
    /// The command that replays `seed` with these options.
    pub fn replay_command(&self, seed: u64) -> String {
        let mut cmd = format!(
            "raftlab replay --seed {seed} --trace --faults {}",
            self.faults.name()
        );
        if let Some(n) = self.servers {
            cmd.push_str(&format!(" --servers {n}"));
        }
        if let Some(b) = self.bug {
            cmd.push_str(&format!(" --bug {}", b.name()));
        }
        let d = SweepOptions::default();
        if self.safety_ms != d.safety_ms {
            cmd.push_str(&format!(" --safety-ms {}", self.safety_ms));
        }
        if self.liveness_ms != d.liveness_ms {
            cmd.push_str(&format!(" --liveness-ms {}", self.liveness_ms));
        }
        cmd
    }
}

/// Why a seed failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Failure {
    /// A safety property broke (the first violation).
    Violation {
        /// Which property.
        property: Property,
    },
    /// No single leader within [`LEADER_WITHIN_MS`] after the faults stopped.
    NoLeader,
    /// The members did not converge (or clients did not finish) within `liveness_ms`.
    NotConverged,
    /// The client history has no linearization (or the search ran out of budget).
    NotLinearizable,
    /// An acknowledged write is missing.
    LostWrite,
}

/// The result of one seed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeedOutcome {
    /// The seed.
    pub seed: u64,
    /// What the seed drew (servers, switches, network, fault weights), for the report.
    pub mix: String,
    /// The first failure, if any.
    pub failure: Option<Failure>,
    /// A sentence about it.
    pub detail: String,
    /// Safety violations seen.
    pub violations: Vec<Violation>,
    /// Hash of the whole trace.
    pub trace_hash: u64,
    /// Virtual time at the end.
    pub virtual_ms: u64,
    /// World steps taken.
    pub events: u64,
    /// Client operations answered.
    pub ops_completed: u64,
    /// The kept trace lines (see [`SweepOptions::trace_lines`]).
    pub trace: Vec<String>,
}

impl SeedOutcome {
    /// Whether the seed passed.
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
}

/// Runs one seed: draw, safety phase, liveness phase, checks.
pub fn run_seed(seed: u64, options: &SweepOptions) -> SeedOutcome {
    let mut rng = SimRng::new(seed, Stream::Faults, SWEEP_STREAM_INDEX);
    let (config, nemesis) = draw_world(seed, options, &mut rng);
    let mix = describe(&config, &nemesis);
    let mut sim = Simulation::new(config).expect("bug: the sweep drew an invalid world");
    let mut failure = safety_phase(&mut sim, &nemesis, &mut rng, options.safety_ms);
    if failure.is_none() {
        failure = liveness_phase(&mut sim, options.liveness_ms).err();
    }
    let w = sim.world();
    if let Some(v) = w.violations().first() {
        failure = Some((
            Failure::Violation {
                property: v.property,
            },
            v.to_string(),
        ));
    }
    let (failure, detail) = match failure {
        Some((f, d)) => (Some(f), d),
        None => (None, String::new()),
    };
    SeedOutcome {
        seed,
        mix,
        failure,
        detail,
        violations: w.violations().to_vec(),
        trace_hash: w.trace_hash(),
        virtual_ms: w.now_ms(),
        events: w.steps(),
        ops_completed: w.clients().map(|c| c.stats().completed).sum(),
        trace: w.trace().lines().collect(),
    }
}

/// The sweep's own fault kinds, drawn between the world generator's faults. The last three
/// (aimed at the leader, or a crash and restart in one instant) are used only by the per-bug
/// profiles (see [`tune_nemesis_for_bug`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Nemesis {
    /// Gap between two draws `[min, max]`.
    interval_ms: (u64, u64),
    add_server: u32,
    remove_server: u32,
    transfer: u32,
    snapshot: u32,
    campaign: u32,
    /// Crash the leader (while more than a majority runs).
    crash_leader: u32,
    /// Restart a crashed server.
    restart: u32,
    /// Crash a running server and restart it at once (volatile state lost, nothing missed).
    reboot: u32,
}

impl Nemesis {
    fn weights(&self) -> [u32; 8] {
        [
            self.add_server,
            self.remove_server,
            self.transfer,
            self.snapshot,
            self.campaign,
            self.crash_leader,
            self.restart,
            self.reboot,
        ]
    }
}

/// A weight that swarm testing switches off half the time.
fn swarm_weight(rng: &mut SimRng, max: u64) -> u32 {
    if rng.chance_ppm(500_000) {
        rng.range_inclusive(1, max) as u32
    } else {
        0
    }
}

fn draw_world(seed: u64, o: &SweepOptions, rng: &mut SimRng) -> (SimConfig, Nemesis) {
    let servers = o
        .servers
        .unwrap_or_else(|| rng.range_inclusive(3, 5) as u32);
    let mut c = SimConfig::new(servers, seed);
    c.trace_capacity = o.trace_lines;
    c.checkpoint_interval_ms = 1_000_000_000;
    let emin = rng.range_inclusive(10, 30) * 10;
    c.raft.election_timeout_ms_min = emin;
    c.raft.election_timeout_ms_max = emin * 2;
    c.raft.heartbeat_interval_ms = (emin / 3).max(10);
    c.raft.pre_vote = rng.chance_ppm(500_000);
    c.raft.check_quorum = rng.chance_ppm(500_000);
    c.raft.max_entries_per_append = rng.range_inclusive(1, 64);
    c.auto_compact_entries = if rng.chance_ppm(500_000) {
        rng.range_inclusive(5, 40)
    } else {
        0
    };
    draw_workload(&mut c, rng);
    let mut nemesis = Nemesis::default();
    match o.faults {
        FaultMode::Swarm => {
            draw_network(&mut c, rng);
            c.faults = draw_faults(rng);
            nemesis = draw_nemesis(rng);
        }
        FaultMode::Standard => {
            c.faults = FaultConfig {
                enabled: true,
                ..FaultConfig::default()
            }
        }
        FaultMode::None => {}
    }
    if let Some(bug) = o.bug {
        tune_for_bug(&mut c, bug, rng);
        tune_nemesis_for_bug(&mut nemesis, bug);
        c.servers = o.servers.unwrap_or(c.servers);
    }
    (c, nemesis)
}

fn draw_workload(c: &mut SimConfig, rng: &mut SimRng) {
    let w = &mut c.workload;
    w.enabled = true;
    w.clients = rng.range_inclusive(2, 4) as u32;
    w.keys = rng.range_inclusive(2, 5) as u32;
    w.think_ms_min = rng.range_inclusive(5, 40);
    w.think_ms_max = w.think_ms_min + rng.range_inclusive(0, 120);
    w.request_timeout_ms = rng.range_inclusive(100, 600);
    w.max_attempts = rng.range_inclusive(4, 20) as u32;
    w.mix = OpMix {
        put: rng.range_inclusive(0, 4) as u32,
        get: rng.range_inclusive(0, 3) as u32,
        read_index_get: rng.range_inclusive(0, 3) as u32,
        cas: rng.range_inclusive(0, 3) as u32,
        append: rng.range_inclusive(1, 4) as u32,
    };
}

fn draw_network(c: &mut SimConfig, rng: &mut SimRng) {
    let min = rng.range_inclusive(1, 5);
    let loss = if rng.chance_ppm(600_000) {
        rng.range_inclusive(0, 300_000)
    } else {
        0
    };
    let dup = if rng.chance_ppm(500_000) {
        rng.range_inclusive(0, 200_000)
    } else {
        0
    };
    let reorder = if rng.chance_ppm(500_000) {
        rng.range_inclusive(0, 300_000)
    } else {
        0
    };
    c.link = LinkConfig {
        latency_ms_min: min,
        latency_ms_max: min + rng.range_inclusive(0, 25),
        loss_ppm: loss as u32,
        duplicate_ppm: dup as u32,
        reorder_ppm: reorder as u32,
        reorder_delay_ms_max: rng.range_inclusive(10, 100),
    };
}

fn draw_faults(rng: &mut SimRng) -> FaultConfig {
    let interval_ms_min = rng.range_inclusive(100, 800);
    let crash = swarm_weight(rng, 4);
    let pause = swarm_weight(rng, 3);
    let partition = swarm_weight(rng, 4);
    let cut_link = swarm_weight(rng, 4);
    FaultConfig {
        enabled: true,
        interval_ms_min,
        interval_ms_max: interval_ms_min + rng.range_inclusive(0, 1_000),
        crash,
        // Recovery of each fault kind that is on, so seeds do not freeze in one bad state.
        restart: if crash > 0 {
            rng.range_inclusive(1, 4) as u32
        } else {
            0
        },
        pause,
        resume: if pause > 0 {
            rng.range_inclusive(1, 3) as u32
        } else {
            0
        },
        partition,
        cut_link,
        heal: if partition + cut_link > 0 {
            rng.range_inclusive(1, 3) as u32
        } else {
            0
        },
    }
}

fn draw_nemesis(rng: &mut SimRng) -> Nemesis {
    let min = rng.range_inclusive(200, 1_500);
    Nemesis {
        interval_ms: (min, min + rng.range_inclusive(0, 1_500)),
        add_server: swarm_weight(rng, 2),
        remove_server: swarm_weight(rng, 2),
        transfer: swarm_weight(rng, 3),
        snapshot: swarm_weight(rng, 3),
        campaign: swarm_weight(rng, 2),
        ..Nemesis::default()
    }
}

/// Biases the world towards what exposes `bug` (documented per bug in `scenarios/README.md`).
fn tune_for_bug(c: &mut SimConfig, bug: BugName, rng: &mut SimRng) {
    let f = &mut c.faults;
    f.enabled = true;
    match bug {
        BugName::SkipFigure8Rule => {
            c.raft.bugs.skip_figure8_rule = true;
            // The paper's Figure 8 (§5.4.2): a leader replicates an *old-term* entry to a
            // majority without its own new-term entries, counts it committed, and crashes
            // before they spread; a server with a newer-term entry at that index is elected
            // and overwrites it. One entry per AppendEntries makes "old entry without the
            // new ones" a whole round trip long; the sweep crashes the leader MIT-style
            // (TestFigure8: crash the leader every 0–13 ms, mostly) and restarts others.
            c.servers = 5;
            c.raft.max_entries_per_append = 1;
            c.raft.max_inflight_appends = 1;
            (c.raft.pre_vote, c.raft.check_quorum) = (false, false);
            c.raft.election_timeout_ms_min = 100;
            c.raft.election_timeout_ms_max = 200;
            c.raft.heartbeat_interval_ms = 30;
            c.link = LinkConfig {
                latency_ms_min: 1,
                latency_ms_max: 15,
                ..LinkConfig::default()
            };
            c.auto_compact_entries = 0;
            f.enabled = false;
            c.workload.think_ms_min = 0;
            c.workload.think_ms_max = 20;
        }
        BugName::SkipVoteLogCheck => {
            c.raft.bugs.skip_vote_log_check = true;
            // Leaders that crash with partly replicated entries, and minorities that lag.
            (f.crash, f.restart, f.partition, f.heal) = (4, 4, 2, 2);
            (f.interval_ms_min, f.interval_ms_max) = (50, 300);
            c.raft.check_quorum = false;
            c.raft.pre_vote = false;
        }
        BugName::ForgetVoteOnRestart => {
            c.raft.bugs.forget_vote_on_restart = true;
            // A voter that votes, reboots and votes again in the same term for a second
            // candidate: split votes (a narrow timeout range, forced campaigns), a slow,
            // reordering network so the second RequestVote arrives after the reboot, and
            // reboots (crash + restart in one instant) several times per election timeout.
            c.raft.pre_vote = false;
            c.raft.check_quorum = false;
            c.raft.election_timeout_ms_min = 100;
            c.raft.election_timeout_ms_max = 130;
            c.raft.heartbeat_interval_ms = 30;
            c.link = LinkConfig {
                latency_ms_min: 1,
                latency_ms_max: 40,
                reorder_ppm: 200_000,
                reorder_delay_ms_max: 60,
                ..LinkConfig::default()
            };
            f.enabled = false;
        }
        BugName::KeepCommitAcrossCrash => {
            c.raft.bugs.keep_commit_across_crash = true;
            (f.crash, f.restart) = (4, 4);
            (f.interval_ms_min, f.interval_ms_max) = (100, 600);
        }
        BugName::ApplyWithoutDedup => {
            c.kv.apply_without_dedup = true;
            // Clients that time out before the answer arrives and retry the same serial.
            c.workload.request_timeout_ms = rng.range_inclusive(15, 40);
            c.workload.max_attempts = 20;
            c.workload.mix.append = 4;
            c.link.latency_ms_max = c.link.latency_ms_min + 25;
        }
    }
}

/// The sweep's own faults for `bug` (see [`tune_for_bug`]); other bugs keep the swarm's.
fn tune_nemesis_for_bug(n: &mut Nemesis, bug: BugName) {
    match bug {
        BugName::SkipFigure8Rule => {
            *n = Nemesis {
                interval_ms: (5, 60),
                crash_leader: 2,
                restart: 3,
                ..Nemesis::default()
            };
        }
        BugName::ForgetVoteOnRestart => {
            *n = Nemesis {
                interval_ms: (5, 40),
                campaign: 2,
                crash_leader: 1,
                restart: 2,
                reboot: 4,
                ..Nemesis::default()
            };
        }
        _ => {}
    }
}

fn describe(c: &SimConfig, n: &Nemesis) -> String {
    let f = &c.faults;
    let l = &c.link;
    format!(
        "servers={} election={}..{}ms pre_vote={} check_quorum={} compact={} | net latency={}..{} loss={}% dup={}% reorder={}% | \
         faults crash={} restart={} pause={} resume={} partition={} cut={} heal={} every {}..{}ms | \
         nemesis add={} remove={} transfer={} snapshot={} campaign={} | clients={} timeout={}ms",
        c.servers,
        c.raft.election_timeout_ms_min,
        c.raft.election_timeout_ms_max,
        c.raft.pre_vote,
        c.raft.check_quorum,
        c.auto_compact_entries,
        l.latency_ms_min,
        l.latency_ms_max,
        l.loss_ppm / 10_000,
        l.duplicate_ppm / 10_000,
        l.reorder_ppm / 10_000,
        f.crash,
        f.restart,
        f.pause,
        f.resume,
        f.partition,
        f.cut_link,
        f.heal,
        f.interval_ms_min,
        f.interval_ms_max,
        n.add_server,
        n.remove_server,
        n.transfer,
        n.snapshot,
        n.campaign,
        c.workload.clients,
        c.workload.request_timeout_ms,
    )
}

type Failed = (Failure, String);

/// Runs the faults for `safety_ms`, stopping early at the first violation.
fn safety_phase(
    sim: &mut Simulation,
    n: &Nemesis,
    rng: &mut SimRng,
    safety_ms: u64,
) -> Option<Failed> {
    let end = sim.now_ms() + safety_ms;
    let active = n.weights().iter().any(|&w| w > 0);
    while sim.now_ms() < end {
        let next = if active {
            sim.now_ms() + rng.range_inclusive(n.interval_ms.0, n.interval_ms.1)
        } else {
            end
        };
        let violated = sim.run_until(next.min(end), |w| !w.violations().is_empty());
        if violated {
            let v = &sim.world().violations()[0];
            return Some((
                Failure::Violation {
                    property: v.property,
                },
                v.to_string(),
            ));
        }
        if active && sim.now_ms() < end {
            for action in draw_nemesis_action(sim.world(), n, rng) {
                // The world refuses what does not apply now (no leader, change pending, …).
                let _ = sim.apply(action);
            }
        }
    }
    None
}

fn draw_nemesis_action(w: &World, n: &Nemesis, rng: &mut SimRng) -> Vec<Action> {
    let Some(which) = rng.weighted(&n.weights()) else {
        return Vec::new();
    };
    if which >= 5 {
        return draw_crash_action(w, which, rng);
    }
    let Some(leader) = w.current_leader() else {
        return Vec::new();
    };
    draw_cluster_action(w, leader, which, rng)
        .into_iter()
        .collect()
}

/// Crashes of the per-bug profiles: the leader, a restart, or a reboot. At most a minority
/// is down at once, as with the world's own faults.
fn draw_crash_action(w: &World, which: usize, rng: &mut SimRng) -> Vec<Action> {
    let all = w.servers().count();
    let ids = |status: Status| -> Vec<NodeId> {
        w.servers()
            .filter(|s| s.status() == status)
            .map(|s| s.id)
            .collect()
    };
    let (running, crashed) = (ids(Status::Running), ids(Status::Crashed));
    let may_take_down = all - running.len() < all.saturating_sub(1) / 2;
    let pick = |rng: &mut SimRng, ids: &[NodeId]| {
        (!ids.is_empty()).then(|| ids[rng.below(ids.len() as u64) as usize])
    };
    match which {
        5 if may_take_down => w
            .current_leader()
            .map(|server| vec![Action::Crash { server }])
            .unwrap_or_default(),
        6 => pick(rng, &crashed)
            .map(|server| vec![Action::Restart { server }])
            .unwrap_or_default(),
        7 => pick(rng, &running)
            .map(|server| vec![Action::Crash { server }, Action::Restart { server }])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn draw_cluster_action(
    w: &World,
    leader: NodeId,
    which: usize,
    rng: &mut SimRng,
) -> Option<Action> {
    let members: Vec<NodeId> = w
        .server(leader)?
        .node()?
        .configuration()
        .members()
        .collect();
    let pick = |rng: &mut SimRng, ids: &[NodeId]| {
        (!ids.is_empty()).then(|| ids[rng.below(ids.len() as u64) as usize])
    };
    let running: Vec<NodeId> = w
        .servers()
        .filter(|s| s.is_running())
        .map(|s| s.id)
        .collect();
    match which {
        0 if members.len() < 7 => {
            let next = w.servers().map(|s| s.id).max().unwrap_or(0) + 1;
            (next <= 9).then_some(Action::AddServer { server: next })
        }
        1 if members.len() > 3 => pick(rng, &members).map(|server| Action::RemoveServer { server }),
        2 => pick(rng, &members).map(|to| Action::TransferLeadership { to }),
        3 => pick(rng, &running).map(|server| Action::Snapshot { server }),
        4 => pick(rng, &running).map(|server| Action::Campaign { server }),
        _ => None,
    }
}

/// Faults off and repaired; then a leader, convergence and the history checks.
fn liveness_phase(sim: &mut Simulation, liveness_ms: u64) -> Result<(), Failed> {
    quiesce(sim);
    let deadline = sim.now_ms() + LEADER_WITHIN_MS;
    if !sim.run_until(deadline, |w| w.leaders().len() == 1) {
        let leaders = sim.world().leaders();
        return Err((Failure::NoLeader, format!("no single leader within {LEADER_WITHIN_MS} ms after the faults stopped: {leaders:?}")));
    }
    sim.advance(1_000).expect("small advance");
    sim.apply(Action::SetWorkload { enabled: false })
        .expect("always accepted");
    let keys = sim.world().config().workload.keys;
    for k in 0..keys {
        let op = Operation::Get {
            key: format!("k{k}"),
        };
        sim.apply(Action::ClientOp {
            client: 1,
            op,
            read_index: false,
        })
        .expect("client 1 exists");
    }
    let mut ctx = Context::new(0);
    let everyone = crate::scenario::AmongCond {
        among: crate::scenario::NodeSet::Pool(crate::scenario::Pool::All),
    };
    let idle = Condition::ClientsIdle(Empty {});
    let converged = Condition::Converged(everyone);
    let deadline = sim.now_ms() + liveness_ms;
    let done = sim.run_until(deadline, |w| {
        eval(&idle, &mut ctx, w).is_ok() && eval(&converged, &mut ctx, w).is_ok()
    });
    if !done {
        let why = [&idle, &converged]
            .iter()
            .map(|c| eval(c, &mut ctx, sim.world()))
            .find_map(Eval::err);
        return Err((
            Failure::NotConverged,
            format!(
                "not converged within {liveness_ms} ms: {}",
                why.unwrap_or_default()
            ),
        ));
    }
    match sim.world().check_linearizability() {
        // An exhausted search is not evidence of a bug; the outcome's detail says so.
        Verdict::Linearizable | Verdict::Inconclusive { .. } => {}
        v @ Verdict::NotLinearizable(_) => {
            return Err((Failure::NotLinearizable, format!("{v:?}")))
        }
    }
    let present = eval(
        &Condition::AcknowledgedWritesPresent(Empty {}),
        &mut ctx,
        sim.world(),
    );
    present.map(drop).map_err(|why| (Failure::LostWrite, why))
}

/// Stops every fault and repairs the world: heal, clean network, resume, restart; servers
/// outside every running member's configuration are shut down (decommissioned), so that a
/// removed server cannot disrupt elections forever (thesis §4.2.3).
fn quiesce(sim: &mut Simulation) {
    let ok = |r: Result<(), crate::sim::SimError>| r.expect("bug: repair command refused");
    ok(sim.apply(Action::SetFaults { enabled: false }));
    ok(sim.apply(Action::Heal));
    ok(sim.apply(Action::SetNetwork {
        link: LinkConfig::default(),
    }));
    let servers: Vec<(NodeId, Status)> =
        sim.world().servers().map(|s| (s.id, s.status())).collect();
    for (id, status) in servers {
        match status {
            Status::Paused => ok(sim.apply(Action::Resume { server: id })),
            Status::Crashed => ok(sim.apply(Action::Restart { server: id })),
            Status::Running => {}
        }
    }
    let members = newest_configuration(sim.world());
    let strays: Vec<NodeId> = sim
        .world()
        .servers()
        .map(|s| s.id)
        .filter(|id| !members.contains(id))
        .collect();
    for server in strays {
        ok(sim.apply(Action::Crash { server }));
    }
}

/// The members of the configuration held by the server with the most up-to-date log.
fn newest_configuration(w: &World) -> Vec<NodeId> {
    let best = w
        .servers()
        .filter_map(|s| s.node())
        .max_by_key(|n| (n.last_term(), n.last_index(), n.role() == Role::Leader));
    best.map_or_else(Vec::new, |n| n.configuration().members().collect())
}
