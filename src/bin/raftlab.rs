//! `raftlab`: run scenario files, sweep seeds for bugs, replay a seed.
//!
//! ```text
//! raftlab run FILE… [--json] [--verbose] [--trace]
//! raftlab sweep --seeds N [--start S] [--faults swarm|standard|none] [--bug NAME] [--servers K]
//!               [--safety-ms MS] [--liveness-ms MS] [--json]
//! raftlab replay --seed S [--trace] [--faults …] [--bug NAME] [--servers K] [--safety-ms MS] [--liveness-ms MS]
//! ```
//!
//! Exit status: 0 all passed, 1 a scenario or seed failed, 2 bad arguments or unreadable
//! files.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use raftlab::scenario::sweep::{run_seed, FaultMode, SeedOutcome, SweepOptions};
use raftlab::scenario::{BugName, Scenario, ScenarioRun};

const USAGE: &str = "\
usage:
  raftlab run FILE... [--json] [--verbose] [--trace]
      run scenario files (--trace: print the last trace lines); exit 1 if an expectation fails or a violation was not expected
  raftlab sweep --seeds N [--start S] [--faults swarm|standard|none] [--bug NAME] [--servers K]
                [--safety-ms MS] [--liveness-ms MS] [--json]
      chaos sweep of seeds S..S+N (default S=1): safety phase under faults, then liveness
  raftlab replay --seed S [--trace] [same options as sweep]
      re-run one sweep seed and print its outcome (and every trace line with --trace)

bugs: skip_figure8_rule, skip_vote_log_check, forget_vote_on_restart, keep_commit_across_crash,
      apply_without_dedup";

/// A usage error: message, then exit 2.
struct Usage(String);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => cmd_run(&args[1..]),
        Some("sweep") => cmd_sweep(&args[1..]),
        Some("replay") => cmd_replay(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(true)
        }
        Some(other) => Err(Usage(format!("unknown command {other:?}"))),
        None => Err(Usage("no command given".into())),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(Usage(msg)) => {
            eprintln!("raftlab: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn cmd_run(args: &[String]) -> Result<bool, Usage> {
    let mut files = Vec::new();
    let (mut json, mut verbose, mut trace) = (false, false, false);
    for a in args {
        match a.as_str() {
            "--json" => json = true,
            "--trace" => trace = true,
            "--verbose" | "-v" => verbose = true,
            flag if flag.starts_with('-') => {
                return Err(Usage(format!("unknown option {flag:?} for run")))
            }
            file => files.push(file.to_string()),
        }
    }
    if files.is_empty() {
        return Err(Usage("run needs at least one scenario file".into()));
    }
    let mut all_passed = true;
    let mut reports = Vec::new();
    for file in &files {
        let text =
            std::fs::read_to_string(file).map_err(|e| Usage(format!("cannot read {file}: {e}")))?;
        let outcome = Scenario::from_json(&text).and_then(|s| ScenarioRun::new(&s));
        let outcome = outcome.map(|mut r| {
            r.run_to_end();
            if trace {
                r.world().trace().lines().for_each(|l| println!("{l}"));
            }
            r.report()
        });
        match outcome {
            Ok(report) => {
                all_passed &= report.passed;
                if json {
                    reports.push(serde_json::json!({ "file": file, "report": report }));
                } else {
                    print!("{file}: {}", report.human(verbose));
                }
            }
            Err(e) => {
                all_passed = false;
                if json {
                    reports.push(serde_json::json!({ "file": file, "error": e.to_string() }));
                } else {
                    println!("{file}: INVALID {e}");
                }
            }
        }
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&reports).expect("reports serialize")
        );
    }
    Ok(all_passed)
}

/// Options shared by `sweep` and `replay`, plus what is specific to each.
struct Parsed {
    options: SweepOptions,
    seeds: Option<u64>,
    start: u64,
    seed: Option<u64>,
    trace: bool,
    json: bool,
}

fn parse_sweep_args(args: &[String], command: &str) -> Result<Parsed, Usage> {
    let mut p = Parsed {
        options: SweepOptions::default(),
        seeds: None,
        start: 1,
        seed: None,
        trace: false,
        json: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| Usage(format!("{name} needs a value")))
        };
        match a.as_str() {
            "--seeds" if command == "sweep" => {
                p.seeds = Some(number(&value("--seeds")?, "--seeds")?)
            }
            "--start" if command == "sweep" => p.start = number(&value("--start")?, "--start")?,
            "--seed" if command == "replay" => p.seed = Some(number(&value("--seed")?, "--seed")?),
            "--trace" if command == "replay" => p.trace = true,
            "--json" => p.json = true,
            "--faults" => {
                let v = value("--faults")?;
                p.options.faults = FaultMode::parse(&v).ok_or_else(|| {
                    Usage(format!("unknown fault mode {v:?} (swarm, standard, none)"))
                })?;
            }
            "--bug" => {
                let v = value("--bug")?;
                p.options.bug =
                    Some(BugName::parse(&v).ok_or_else(|| Usage(format!("unknown bug {v:?}")))?);
            }
            "--servers" => {
                let n = number(&value("--servers")?, "--servers")?;
                if !(1..=9).contains(&n) {
                    return Err(Usage("--servers must be 1..=9".into()));
                }
                p.options.servers = Some(n as u32);
            }
            "--safety-ms" => p.options.safety_ms = bounded(&value("--safety-ms")?, "--safety-ms")?,
            "--liveness-ms" => {
                p.options.liveness_ms = bounded(&value("--liveness-ms")?, "--liveness-ms")?
            }
            other => return Err(Usage(format!("unknown option {other:?} for {command}"))),
        }
    }
    Ok(p)
}

fn number(v: &str, name: &str) -> Result<u64, Usage> {
    v.parse()
        .map_err(|_| Usage(format!("{name} expects a whole number, got {v:?}")))
}

fn bounded(v: &str, name: &str) -> Result<u64, Usage> {
    let n = number(v, name)?;
    if n == 0 || n > 3_600_000 {
        return Err(Usage(format!("{name} must be 1..=3600000")));
    }
    Ok(n)
}

fn cmd_sweep(args: &[String]) -> Result<bool, Usage> {
    let p = parse_sweep_args(args, "sweep")?;
    let n = p
        .seeds
        .ok_or_else(|| Usage("sweep needs --seeds N".into()))?;
    if n == 0 {
        return Err(Usage("--seeds must be at least 1".into()));
    }
    let end = p
        .start
        .checked_add(n)
        .ok_or_else(|| Usage("--start + --seeds overflows".into()))?;
    let started = Instant::now();
    let tty = std::io::stderr().is_terminal();
    let mut failures = Vec::new();
    for (done, seed) in (p.start..end).enumerate() {
        let outcome = run_seed(seed, &p.options);
        if !outcome.passed() {
            print_failure(&outcome, &p.options, p.json);
            failures.push(outcome.seed);
        }
        if tty {
            progress(done as u64 + 1, n, failures.len(), started);
        }
    }
    if tty {
        eprintln!();
    }
    let secs = started.elapsed().as_secs_f64();
    let rate = n as f64 / secs.max(1e-9);
    let summary = format!(
        "{n} seeds ({}..{}) in {secs:.1} s, {rate:.1} seeds/s: {} failed",
        p.start,
        end - 1,
        failures.len()
    );
    if p.json {
        println!(
            "{}",
            serde_json::json!({ "seeds": n, "start": p.start, "seconds": secs, "failed": failures })
        );
    } else {
        println!("{summary}");
    }
    Ok(failures.is_empty())
}

fn progress(done: u64, total: u64, failed: usize, started: Instant) {
    const WIDTH: u64 = 30;
    let filled = (done * WIDTH / total) as usize;
    let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-9);
    let bar = format!(
        "{}{}",
        "#".repeat(filled),
        "-".repeat(WIDTH as usize - filled)
    );
    eprint!("\r[{bar}] {done}/{total} seeds, {rate:.1} seeds/s, {failed} failed ");
    let _ = std::io::stderr().flush();
}

fn print_failure(o: &SeedOutcome, options: &SweepOptions, json: bool) {
    let replay = options.replay_command(o.seed);
    if json {
        println!(
            "{}",
            serde_json::json!({ "seed": o.seed, "failure": o.failure, "detail": o.detail, "mix": o.mix, "replay": replay })
        );
        return;
    }
    let kind = o
        .failure
        .as_ref()
        .map(|f| serde_json::to_string(f).expect("serializes"))
        .unwrap_or_default();
    println!(
        "\nSEED={} failed: {kind}\n  {}\n  mix: {}\n  replay: {replay}",
        o.seed, o.detail, o.mix
    );
}

fn cmd_replay(args: &[String]) -> Result<bool, Usage> {
    let mut p = parse_sweep_args(args, "replay")?;
    let seed = p
        .seed
        .ok_or_else(|| Usage("replay needs --seed S".into()))?;
    if p.trace {
        p.options.trace_lines = u32::MAX;
    }
    let o = run_seed(seed, &p.options);
    if p.trace {
        for line in &o.trace {
            println!("{line}");
        }
    }
    if p.json {
        let body = serde_json::json!({ "seed": seed, "failure": o.failure, "detail": o.detail, "mix": o.mix,
            "trace_hash": format!("{:016x}", o.trace_hash), "virtual_ms": o.virtual_ms, "events": o.events });
        println!("{body}");
    } else {
        let verdict = if o.passed() {
            "PASS".to_string()
        } else {
            format!("FAIL {:?}: {}", o.failure, o.detail)
        };
        println!(
            "SEED={seed} {verdict}\n  mix: {}\n  {} events, {} ms virtual, {} ops answered, trace {:016x}",
            o.mix, o.events, o.virtual_ms, o.ops_completed, o.trace_hash
        );
        for v in &o.violations {
            println!("  violation: {v}");
        }
    }
    Ok(o.passed())
}
