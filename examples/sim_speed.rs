//! Runs the simulator natively on a fixed configuration and prints how fast it went, as JSON.
//! The browser benchmark (`bench/browser/run.mjs`) runs the same configuration through the
//! wasm facade and compares speed and trace hash.
//!
//!   cargo run --release --example sim_speed -- --print-config > cfg.json
//!   cargo run --release --example sim_speed -- cfg.json 60000

use std::time::Instant;

use raftlab::sim::{SimConfig, Simulation};

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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--print-config") {
        println!(
            "{}",
            serde_json::to_string_pretty(&fixed_config()).expect("config serializes")
        );
        return;
    }
    let [path, virtual_ms] = args.as_slice() else {
        eprintln!("usage: sim_speed CONFIG.json VIRTUAL_MS | sim_speed --print-config");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let config: SimConfig =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad config {path}: {e}"));
    let virtual_ms: u64 = virtual_ms.parse().expect("VIRTUAL_MS is a whole number");
    let mut sim = Simulation::new(config).expect("valid config");
    let start = Instant::now();
    sim.advance(virtual_ms).expect("advance within limits");
    let elapsed_ms = start.elapsed().as_secs_f64() * 1000.0;
    let counters = sim.world().counters();
    let deliveries: u64 = counters.delivered.values().sum();
    println!(
        "{{\"elapsed_ms\":{elapsed_ms:.3},\"virtual_ms\":{virtual_ms},\"steps\":{},\"deliveries\":{deliveries},\"trace_hash\":\"{:016x}\",\"violations\":{}}}",
        sim.steps(),
        sim.world().trace_hash(),
        sim.world().violations().len()
    );
}
