//! Runs the simulator natively on a fixed configuration and prints how fast it went, as JSON.
//! The browser benchmark (`bench/browser/run.mjs`) runs the same configuration through the
//! wasm facade and compares speed and trace hash.
//!
//!   cargo run --release --example sim_speed -- --print-config > cfg.json
//!   cargo run --release --example sim_speed -- cfg.json 60000
//!
//! `--release` is the size-tuned profile the wasm bundle uses (`opt-level = "z"`); for the
//! native figure at full optimisation use `--profile bench`. Besides wall time the output
//! has `cpu_ms`, the thread's CPU time (Linux; `null` elsewhere), which swings much less
//! than wall time on a shared machine.

use std::time::{Duration, Instant};

use raftlab::sim::{SimConfig, Simulation};
use raftlab::wasm::{observer::Observer, record::Recorder};

/// The fixed benchmark world: 5 servers, client load on, a network with latency, a little
/// loss, duplication and reordering, automatic compaction, every checker on.
fn fixed_config() -> SimConfig {
    let mut config = SimConfig::new(5, 20_261_126);
    config.workload.enabled = true;
    config.workload.clients = 4;
    config.link.loss_ppm = 10_000;
    config.link.duplicate_ppm = 5_000;
    config.link.reorder_ppm = 20_000;
    config.link.reorder_delay_ms_max = 20;
    config.auto_compact_entries = 200;
    config.check_safety = true;
    config
}

/// CPU time of the calling thread so far, from `/proc/thread-self/schedstat` (Linux).
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--print-config") {
        println!(
            "{}",
            serde_json::to_string_pretty(&fixed_config()).expect("config serializes")
        );
        return;
    }
    // `--facade`: also feed every step to the page facade's observer and recorder (the event
    // feed, space-time and commit records), as `Simulation.advance` does in the browser, so the
    // wasm-vs-native figure compares the same work.
    let facade = args.iter().any(|a| a == "--facade");
    let args: Vec<&String> = args.iter().filter(|a| *a != "--facade").collect();
    let [path, virtual_ms] = args.as_slice() else {
        eprintln!("usage: sim_speed [--facade] CONFIG.json VIRTUAL_MS | sim_speed --print-config");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let config: SimConfig =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad config {path}: {e}"));
    let virtual_ms: u64 = virtual_ms.parse().expect("VIRTUAL_MS is a whole number");
    let mut sim = Simulation::new(config).expect("valid config");
    let mut observer = Observer::new(sim.world());
    let mut recorder = Recorder::new(sim.world());
    let (start, cpu0) = (Instant::now(), thread_cpu());
    if facade {
        sim.run_until(virtual_ms, |w| {
            observer.observe(w);
            recorder.observe(w);
            false
        });
    } else {
        sim.advance(virtual_ms).expect("advance within limits");
    }
    let elapsed_ms = start.elapsed().as_secs_f64() * 1000.0;
    let cpu_ms = thread_cpu()
        .zip(cpu0)
        .map_or("null".to_string(), |(c, c0)| {
            format!("{:.3}", (c - c0).as_secs_f64() * 1000.0)
        });
    let counters = sim.world().counters();
    let deliveries: u64 = counters.delivered.values().sum();
    println!(
        "{{\"elapsed_ms\":{elapsed_ms:.3},\"cpu_ms\":{cpu_ms},\"virtual_ms\":{virtual_ms},\"steps\":{},\"deliveries\":{deliveries},\"trace_hash\":\"{:016x}\",\"violations\":{}}}",
        sim.steps(),
        sim.world().trace_hash(),
        sim.world().violations().len()
    );
}
