//! Criterion benchmarks of the full simulator (issue 6). Run with
//! `CARGO_TARGET_DIR=/work/target-bench cargo bench --bench sim` (see bench/raft-compare/README.md).
//!
//! The workload ([`sim_config`]): 5 servers, 8 clients under load, a lossy network (1–15 ms
//! latency, 1 % loss, 0.5 % duplication, 2 % reordering), the safety checker after every event,
//! automatic log compaction (snapshots), checkpoints for time travel, the trace — everything the
//! page runs. No crash faults, so the figure is steady-state speed. The figures are also
//! printed for the page's default load ([`page_default_config`]).
//!
//! Before criterion's own measurements, `main` prints the issue-6 figures from plain timed runs:
//! message deliveries per second, virtual time per real time (× real time), the cost of the
//! on-demand linearizability check of the run's history, and the chaos sweep's seeds per second
//! (`scenario::sweep::run_seed` with the CLI's default options); and first the seek figure:
//! median and worst time of a seek to random points of a 10-minute run
//! (`RAFTLAB_BENCH_SEEK_ONLY=1` stops after it).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion, Throughput};
use raftlab::scenario::sweep::{run_seed, SweepOptions};
use raftlab::sim::{LinkConfig, SimConfig, Simulation, WorkloadConfig};

/// Virtual time of the timed figure runs.
const FIGURE_RUN_MS: u64 = 60_000;
/// Virtual time one criterion iteration advances.
const STEP_MS: u64 = 1_000;
/// Seeds the sweep figure runs.
const SWEEP_SEEDS: u64 = 20;

/// The lossy network of both benchmark worlds.
fn lossy_link() -> LinkConfig {
    LinkConfig {
        latency_ms_min: 1,
        latency_ms_max: 15,
        loss_ppm: 10_000,
        duplicate_ppm: 5_000,
        reorder_ppm: 20_000,
        reorder_delay_ms_max: 20,
    }
}

/// The benchmark world (see the module docs): 8 busy clients.
fn sim_config(seed: u64) -> SimConfig {
    SimConfig {
        seed,
        servers: 5,
        link: lossy_link(),
        workload: WorkloadConfig {
            clients: 8,
            think_ms_min: 5,
            think_ms_max: 40,
            ..WorkloadConfig::default()
        },
        auto_compact_entries: 500,
        check_safety: true,
        ..SimConfig::default()
    }
}

/// The page's default load (3 clients thinking 20–120 ms) on the same 5 servers and network:
/// fewer deliveries per virtual second, so more × real time at the same deliveries/s.
fn page_default_config(seed: u64) -> SimConfig {
    SimConfig {
        workload: WorkloadConfig::default(),
        ..sim_config(seed)
    }
}

/// CPU time of the calling thread so far, from `/proc/thread-self/schedstat` (nanoseconds on
/// the CPU; Linux). On the shared 2-core machine wall time swings with other builds, CPU time
/// much less. `None` where the file does not exist.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Wall and (if known) CPU seconds since `start` / `cpu0`.
fn elapsed(start: Instant, cpu0: Option<Duration>) -> (f64, Option<f64>) {
    let cpu = thread_cpu().zip(cpu0).map(|(c, c0)| (c - c0).as_secs_f64());
    (start.elapsed().as_secs_f64(), cpu)
}

/// `per_s` per wall second and, if known, per CPU second, as "W/s wall, C/s CPU".
fn rates(amount: f64, wall: f64, cpu: Option<f64>, unit: &str) -> String {
    let by_cpu = cpu.map_or(String::new(), |c| format!(", {:.0}{unit} CPU", amount / c));
    format!("{:.0}{unit} wall{by_cpu}", amount / wall)
}

/// Message deliveries so far (every kind).
fn deliveries(sim: &Simulation) -> u64 {
    sim.world().counters().delivered.values().sum()
}

/// One timed run of `FIGURE_RUN_MS` virtual ms; prints deliveries/s and × real time.
fn print_sim_figures(name: &str, config: SimConfig) {
    let seed = config.seed;
    let mut sim = Simulation::new(config).expect("valid config");
    let (start, cpu0) = (Instant::now(), thread_cpu());
    sim.advance(FIGURE_RUN_MS).expect("advance");
    let (wall, cpu) = elapsed(start, cpu0);
    let w = sim.world();
    assert!(
        w.violations().is_empty(),
        "safety violation in the bench run"
    );
    let delivered = deliveries(&sim);
    let lin_start = Instant::now();
    let verdict = w.check_linearizability();
    let lin = lin_start.elapsed();
    let virtual_s = FIGURE_RUN_MS as f64 / 1000.0;
    println!(
        "sim {name} seed {seed}: {virtual_s} virtual s in {wall:.3} s wall / {} CPU: \
         {delivered} deliveries = {}; {}; {} steps, {} client ops; linearizability check of \
         the history {:.3} s ({verdict:?})",
        cpu.map_or("?".to_string(), |c| format!("{c:.3} s")),
        rates(delivered as f64, wall, cpu, "/s"),
        rates(virtual_s, wall, cpu, "x real time"),
        w.steps(),
        w.history().len(),
        lin.as_secs_f64(),
    );
}

/// Runs `SWEEP_SEEDS` sweep seeds with the default options; prints seeds/s.
fn print_sweep_figure() {
    let options = SweepOptions::default();
    let (start, cpu0) = (Instant::now(), thread_cpu());
    let mut virtual_ms = 0;
    let mut failed = 0;
    for seed in 1..=SWEEP_SEEDS {
        let outcome = run_seed(seed, &options);
        virtual_ms += outcome.virtual_ms;
        failed += u64::from(!outcome.passed());
    }
    let (wall, cpu) = elapsed(start, cpu0);
    println!(
        "chaos sweep (default options, one thread): {SWEEP_SEEDS} seeds in {wall:.2} s wall: {}; \
         {}; {virtual_ms} virtual ms; {failed} failed",
        rates(SWEEP_SEEDS as f64, wall, cpu, " seeds/s"),
        rates(virtual_ms as f64 / 1000.0, wall, cpu, "x real time"),
    );
}

/// Virtual time of the seek figure's run (issue 6: seek anywhere in a 10-minute run).
const SEEK_RUN_MS: u64 = 600_000;
/// Seeks timed in it.
const SEEK_TARGETS: u64 = 300;

/// Seeks to `SEEK_TARGETS` pseudo-random points of a `SEEK_RUN_MS` run (backwards and
/// forwards, in a fixed order); prints the median and worst time and the checkpoints kept.
fn print_seek_figure(name: &str, config: SimConfig) {
    let mut sim = Simulation::new(config).expect("valid config");
    sim.advance(SEEK_RUN_MS).expect("advance");
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    let (mut wall, mut cpu): (Vec<f64>, Vec<f64>) = (0..SEEK_TARGETS)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let (start, cpu0) = (Instant::now(), thread_cpu());
            sim.seek(x % SEEK_RUN_MS);
            let (w, c) = elapsed(start, cpu0);
            (w * 1000.0, c.map_or(f64::NAN, |c| c * 1000.0))
        })
        .unzip();
    let stats = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let at = |q: usize| v[(v.len() * q / 100).min(v.len() - 1)];
        format!(
            "median {:.2} ms, p95 {:.2} ms, worst {:.2} ms",
            at(50),
            at(95),
            at(100)
        )
    };
    println!(
        "seek {name}: {SEEK_TARGETS} random points of a {} virtual min run: wall {}; CPU {}; \
         {} checkpoints",
        SEEK_RUN_MS / 60_000,
        stats(&mut wall),
        stats(&mut cpu),
        sim.checkpoint_count(),
    );
}

fn sim_advance(c: &mut Criterion) {
    let mut g = c.benchmark_group("sim");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.throughput(Throughput::Elements(STEP_MS));
    // One element = one virtual ms: criterion's elem/s is the × real time figure × 1000.
    g.bench_function("advance_1s_5_servers_load_lossy_checked", |b| {
        b.iter_custom(|iters| {
            let mut sim = Simulation::new(sim_config(7)).expect("valid config");
            sim.advance(2_000).expect("advance"); // An elected leader and a busy log.
            let start = Instant::now();
            for _ in 0..iters {
                sim.advance(STEP_MS).expect("advance");
            }
            let elapsed = start.elapsed();
            black_box(deliveries(&sim));
            elapsed
        })
    });
    g.finish();
}

fn sweep(c: &mut Criterion) {
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Elements(1));
    let options = SweepOptions::default();
    let mut seed = 1_000;
    g.bench_function("run_seed_default_options", |b| {
        b.iter(|| {
            seed += 1;
            run_seed(seed, &options)
        })
    });
    g.finish();
}

criterion_group!(benches, sim_advance, sweep);

fn main() {
    print_seek_figure("load (8 clients)", sim_config(7));
    print_seek_figure("page default (3 clients)", page_default_config(7));
    if std::env::var_os("RAFTLAB_BENCH_SEEK_ONLY").is_some() {
        return;
    }
    for seed in [1, 2, 3] {
        print_sim_figures("load (8 clients)", sim_config(seed));
    }
    for seed in [1, 2] {
        print_sim_figures("page default (3 clients)", page_default_config(seed));
    }
    print_sweep_figure();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
