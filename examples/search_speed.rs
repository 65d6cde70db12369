//! Runs seeds of the page's counterexample search ("find a counterexample", the bug hunt the
//! Web Worker runs through `searchSeed`) natively and prints how fast it went, as JSON. The
//! browser benchmark (`bench/browser/run.mjs`) runs the very same seeds in a Web Worker, so the
//! two seeds/s figures compare like for like. Every seed runs (the search would stop at the first
//! violating one; a benchmark wants the same work on both sides).
//!
//!   cargo run --release --example search_speed -- BUG SERVERS RUN_MS FIRST_SEED SEEDS
//!   cargo run --release --example search_speed -- skip_figure8_rule 5 20000 1 100

use std::time::Instant;

use raftlab::scenario::BugName;
use raftlab::wasm::search::run_search_seed;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [bug, servers, run_ms, first, seeds] = args.as_slice() else {
        eprintln!("usage: search_speed BUG SERVERS RUN_MS FIRST_SEED SEEDS");
        std::process::exit(2);
    };
    let Some(bug) = BugName::parse(bug) else {
        eprintln!(
            "unknown bug {bug:?}; one of: {:?}",
            BugName::ALL.map(BugName::name)
        );
        std::process::exit(2);
    };
    let number = |s: &str, what: &str| -> u64 {
        s.parse().unwrap_or_else(|_| {
            eprintln!("{what} must be a whole number, not {s:?}");
            std::process::exit(2);
        })
    };
    let servers = u32::try_from(number(servers, "SERVERS")).unwrap_or(u32::MAX);
    let (run_ms, first, seeds) = (
        number(run_ms, "RUN_MS"),
        number(first, "FIRST_SEED"),
        number(seeds, "SEEDS"),
    );
    let start = Instant::now();
    let mut violated = 0u64;
    let mut events = 0u64;
    for seed in first..first.saturating_add(seeds) {
        let outcome = run_search_seed(seed, bug, servers, run_ms);
        violated += u64::from(outcome.violated);
        events += outcome.events;
    }
    let elapsed_ms = start.elapsed().as_secs_f64() * 1000.0;
    println!(
        "{{\"seeds\":{seeds},\"elapsed_ms\":{elapsed_ms:.3},\"violated\":{violated},\"events\":{events}}}"
    );
}
