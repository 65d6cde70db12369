//! Seeded property tests ("fuzz") of the facade just below the JavaScript boundary: the checks
//! every number and text from the page goes through (`raftlab::wasm::options`), the
//! documents (the reader's `readConfig` and `readAction`, whose bytes the page builds from and
//! applies; `fromScenarioJson`), and the page's driver —
//! `sim::Simulation` watched by the facade's observer, read through the frame and
//! inspector functions — under random sequences of every command with hostile arguments
//! (unknown servers and clients, unknown message ids, crashed and paused targets, seeks past
//! the end, absurd times).
//!
//! Each property holds for every case: no panic; a refused argument or command gives a
//! non-empty message and changes nothing; no safety violation unless a deliberate-bug switch is
//! on. A failing case prints `SEED=…`.
//!
//! ```sh
//! RAFTLAB_FUZZ_CASES=2000 cargo test --release --test fuzz_facade      # a longer run
//! RAFTLAB_FUZZ_SEED=1234 cargo test --test fuzz_facade                 # replay one case
//! ```

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

use raftlab::kv::Operation;
use raftlab::raft::{NodeId, MAX_SERVERS};
use raftlab::sim::wire;
use raftlab::sim::{Action, LinkConfig, SimConfig, Simulation, MAX_ADVANCE_MS};
use raftlab::wasm::observer::Observer;
use raftlab::wasm::options::{self, NetworkOptions, Options, SeedInput};
use raftlab::wasm::{details, frame, validator};

#[path = "common/splitmix.rs"]
mod splitmix;
use splitmix::SplitMix as Rng;

/// Picks one of a slice's items.
trait Pick {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T;
}

impl Pick for Rng {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Numbers a page (or an attacker's script) may pass where the facade expects an id, a time,
/// a count or a percentage.
fn hostile_number(rng: &mut Rng) -> f64 {
    const SPECIAL: [f64; 18] = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -1.0,
        -0.0,
        0.0,
        0.5,
        1.0,
        2.0,
        3.0,
        25.0,
        26.0,
        64.0,
        65.0,
        1e9,
        9_007_199_254_740_992.0,
        1e300,
        f64::MIN_POSITIVE,
    ];
    match rng.below(3) {
        0 => *rng.pick(&SPECIAL),
        1 => rng.below(30) as f64,
        _ => (rng.below(2_000_000) as f64) / 7.0 - 1000.0,
    }
}

fn cases() -> u64 {
    std::env::var("RAFTLAB_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24)
}

/// Runs `case` for every seed (or only `RAFTLAB_FUZZ_SEED`), printing the seed that fails.
fn for_each_seed(name: &str, salt: u64, case: impl Fn(u64)) {
    let seeds: Vec<u64> = match std::env::var("RAFTLAB_FUZZ_SEED") {
        Ok(s) => vec![s.parse().expect("RAFTLAB_FUZZ_SEED is a number")],
        Err(_) => (0..cases()).map(|i| salt * 1_000_003 + i).collect(),
    };
    for seed in seeds {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| case(seed))) {
            eprintln!(
                "{name}: SEED={seed} failed; replay: RAFTLAB_FUZZ_SEED={seed} cargo test --test fuzz_facade {name}"
            );
            resume_unwind(panic);
        }
    }
}

/// A refusal must say what was wrong: the message is non-empty and, for a number, names it.
fn assert_names(result: Result<impl std::fmt::Debug, impl std::fmt::Display>, v: f64) {
    if let Err(e) = result {
        let e = e.to_string();
        assert!(!e.is_empty());
        assert!(e.contains(&format!("{v}")), "{e:?} does not name {v}");
    }
}

// Every number check accepts exactly its documented range and names a refused value.
#[test]
fn every_boundary_number_is_accepted_in_range_or_refused_with_its_value() {
    for_each_seed(
        "every_boundary_number_is_accepted_in_range_or_refused_with_its_value",
        1,
        |seed| {
            let mut rng = Rng(seed);
            for _ in 0..500 {
                let v = hostile_number(&mut rng);
                let whole = v.is_finite() && v >= 0.0 && v.fract() == 0.0;
                if let Ok(id) = options::server_id(v) {
                    assert!(whole && (1..=MAX_SERVERS).contains(&id) && f64::from(id) == v);
                }
                assert_names(options::server_id(v), v);
                if let Ok(id) = options::client_id(v) {
                    assert!(whole && (1..=64).contains(&id));
                }
                assert_names(options::client_id(v), v);
                assert_names(options::message_id(v), v);
                assert_names(options::step_number(v), v);
                if let Ok(ms) = options::duration_ms(v) {
                    assert!(ms <= MAX_ADVANCE_MS && v >= 0.0);
                }
                assert_names(options::duration_ms(v), v);
                if let Ok(t) = options::time_ms(v) {
                    assert!(v.is_finite() && v >= 0.0 && t as f64 <= v);
                }
                assert_names(options::time_ms(v), v);
                if let Ok(n) = options::count(v, 500) {
                    assert!((1..=500).contains(&n));
                }
                assert_names(options::count(v, 500), v);
                if let Ok(ppm) = options::percent_to_ppm("lossPercent", v) {
                    assert!(ppm <= 1_000_000);
                }
                assert_names(options::percent_to_ppm("lossPercent", v), v);
                if let Ok(s) = options::parse_seed(&SeedInput::Number(v)) {
                    assert!(whole && s as f64 == v);
                }
                assert_names(options::parse_seed(&SeedInput::Number(v)), v);
            }
        },
    );
}

fn hostile_text(rng: &mut Rng) -> String {
    match rng.below(8) {
        0 => String::new(),
        1 => " \t ".into(),
        2 => "<img src=x onerror=alert(1)>".into(),
        3 => "k\u{0}ey".into(),
        4 => "x".repeat(65),
        5 => "x".repeat(10 * 1024 * 1024),
        6 => "ключ-🙂".into(),
        _ => format!("k{}", rng.below(100)),
    }
}

// Keys and values typed on the page: 1..=64 printable characters after trimming, or a refusal
// naming the field — even for a 10 MB string.
#[test]
fn typed_keys_and_values_are_short_printable_text_or_refused() {
    for_each_seed(
        "typed_keys_and_values_are_short_printable_text_or_refused",
        2,
        |seed| {
            let mut rng = Rng(seed);
            for _ in 0..40 {
                let s = hostile_text(&mut rng);
                match options::text("key", &s) {
                    Ok(t) => {
                        let n = t.chars().count();
                        assert!((1..=64).contains(&n) && !t.chars().any(char::is_control));
                    }
                    Err(e) => assert!(e.to_string().starts_with("key "), "{e}"),
                }
            }
        },
    );
}

fn maybe<T>(rng: &mut Rng, v: impl FnOnce(&mut Rng) -> T) -> Option<T> {
    if rng.chance(50) {
        Some(v(rng))
    } else {
        None
    }
}

fn extreme_u64(rng: &mut Rng) -> u64 {
    *rng.pick(&[0, 1, 5, 50, 150, 300, 10_000, u64::MAX / 2, u64::MAX])
}

fn random_options(rng: &mut Rng) -> Options {
    Options {
        servers: maybe(rng, |r| r.below(30) as u32),
        seed: maybe(rng, |r| SeedInput::Number(hostile_number(r))),
        election_timeout_ms_min: maybe(rng, extreme_u64),
        election_timeout_ms_max: maybe(rng, extreme_u64),
        heartbeat_interval_ms: maybe(rng, extreme_u64),
        pre_vote: maybe(rng, |r| r.chance(50)),
        check_quorum: maybe(rng, |r| r.chance(50)),
        network: maybe(rng, |r| NetworkOptions {
            latency_ms_min: maybe(r, extreme_u64),
            latency_ms_max: maybe(r, extreme_u64),
            loss_percent: maybe(r, hostile_number),
            duplicate_percent: maybe(r, hostile_number),
            reorder_percent: maybe(r, hostile_number),
            reorder_delay_ms_max: maybe(r, extreme_u64),
        }),
        clients: maybe(rng, |r| r.below(80) as u32),
        workload: maybe(rng, |r| r.chance(50)),
        clients_start_ms: maybe(rng, extreme_u64),
        faults: maybe(rng, |r| r.chance(50)),
        auto_compact_entries: maybe(rng, extreme_u64),
        check_safety: maybe(rng, |r| r.chance(80)),
        bugs: None,
    }
}

// `new Simulation(options)` with random, often absurd, options: either a clear refusal or a
// world that runs (two virtual seconds) without a panic or a violation.
#[test]
fn any_options_object_builds_a_working_cluster_or_is_refused() {
    for_each_seed(
        "any_options_object_builds_a_working_cluster_or_is_refused",
        3,
        |seed| {
            let mut rng = Rng(seed);
            for _ in 0..8 {
                let opts = random_options(&mut rng);
                match options::build_config(&opts, || Ok(7)) {
                    Err(e) => assert!(!e.to_string().is_empty()),
                    Ok(config) => {
                        let mut sim = Simulation::new(config).expect("a validated config builds");
                        sim.advance(2_000).expect("in range");
                        assert!(sim.world().violations().is_empty());
                    }
                }
            }
        },
    );
}

/// A configuration document with one field replaced by a hostile value.
fn mutated_config_json(rng: &mut Rng) -> String {
    let mut doc = serde_json::to_value(SimConfig::new(3, rng.next())).expect("serializes");
    let rounds = rng.below(3) + 1;
    replace_leaves(&mut doc, rng, rounds, |rng| match rng.below(8) {
        0 => serde_json::json!(-1),
        1 => serde_json::json!(u64::MAX),
        2 => serde_json::json!(0),
        3 => serde_json::json!("<img src=x onerror=alert(1)>"),
        4 => serde_json::json!(null),
        5 => serde_json::json!(1.5),
        6 => serde_json::json!(u32::MAX),
        _ => serde_json::json!(rng.below(1_000)),
    });
    if rng.chance(10) {
        doc["unknown_field"] = serde_json::json!(1);
    }
    doc.to_string()
}

/// Replaces a random leaf of `doc` with `hostile(rng)`, `rounds` times.
fn replace_leaves(
    doc: &mut serde_json::Value,
    rng: &mut Rng,
    rounds: u64,
    hostile: impl Fn(&mut Rng) -> serde_json::Value,
) {
    let mut paths: Vec<Vec<String>> = Vec::new();
    collect_leaves(doc, &mut Vec::new(), &mut paths);
    for _ in 0..rounds {
        let path = rng.pick(&paths).clone();
        let slot = path
            .iter()
            .fold(&mut *doc, |v, k| v.get_mut(k.as_str()).expect("collected"));
        *slot = hostile(rng);
    }
}

fn collect_leaves(v: &serde_json::Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, child) in m {
                path.push(k.clone());
                collect_leaves(child, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

// A configuration whose fields were replaced by hostile values, read by the reader's
// `readConfig` and built by the page's `fromConfigBytes` (the path of the settings panel, side
// by side and saved runs): refused with the field's path, or a world that runs without a panic.
#[test]
fn hostile_configuration_documents_are_refused_or_run() {
    for_each_seed(
        "hostile_configuration_documents_are_refused_or_run",
        4,
        |seed| {
            let mut rng = Rng(seed);
            for _ in 0..10 {
                let json = mutated_config_json(&mut rng);
                let bytes = match validator::config_bytes(&json) {
                    Err(e) => {
                        assert!(!e.to_string().is_empty());
                        continue;
                    }
                    Ok(bytes) => bytes,
                };
                let config = wire::decode_config(&bytes).expect("the page reads the reader");
                let mut sim = Simulation::new(config).expect("the reader checked it");
                let mut page = Page::watch(&mut sim);
                page.advance(1_500);
            }
        },
    );
}

// The reader's `readScenario` with truncated documents: always a refusal naming a line and
// column (no panic on any prefix of a valid file).
#[test]
fn every_truncation_of_a_scenario_is_refused_with_a_position() {
    let json = include_str!("../scenarios/examples/leader_crash.json");
    assert!(validator::scenario_bytes(json).is_ok());
    let mut cut = json.len() - 1;
    while cut > 0 {
        if json.is_char_boundary(cut) && !json[cut..].trim().is_empty() {
            let e = validator::scenario_bytes(&json[..cut])
                .expect_err("truncated")
                .to_string();
            assert!(e.starts_with("invalid scenario"), "{e}");
        }
        cut = cut.saturating_sub(7);
    }
}

/// The page's view of one simulation: the facade's observer watches every step,
/// and every per-frame and inspector read runs after each command.
struct Page<'a> {
    sim: &'a mut Simulation,
    observer: Observer,
}

impl<'a> Page<'a> {
    fn watch(sim: &'a mut Simulation) -> Page<'a> {
        let observer = Observer::new(sim.world());
        Page { sim, observer }
    }

    fn advance(&mut self, ms: u64) {
        let deadline = self.sim.now_ms() + ms;
        let obs = &mut self.observer;
        self.sim.run_until(deadline, |w| {
            obs.observe(w);
            false
        });
        self.read_everything();
    }

    fn rewound(&mut self) {
        self.observer.rewound(self.sim.world());
        self.read_everything();
    }

    /// A command through the facade's path (the bytes `applyActionBytes` reads). A refusal
    /// must carry a message and leave the world exactly as it was.
    fn command(&mut self, action: Action) -> bool {
        let action = wire::decode_action(&wire::encode_action(&action)).expect("round trip");
        let before = (
            self.sim.steps(),
            self.sim.now_ms(),
            self.sim.world().trace_hash(),
        );
        match self.sim.apply(action.clone()) {
            Ok(()) => {
                self.observer.forked(self.sim.world());
                self.observer.observe(self.sim.world());
                self.observer.command(self.sim.world(), &action);
                self.read_everything();
                true
            }
            Err(e) => {
                assert!(!e.to_string().is_empty(), "{action:?}");
                let after = (
                    self.sim.steps(),
                    self.sim.now_ms(),
                    self.sim.world().trace_hash(),
                );
                assert_eq!(before, after, "a refused {action:?} changed the world");
                false
            }
        }
    }

    /// Every read the page makes per frame or on demand (must never panic).
    fn read_everything(&self) {
        let w = self.sim.world();
        let extra = frame::Extra {
            horizon_ms: self.observer.timeline.horizon_ms,
            feed_epoch: self.observer.epoch,
            feed_last_id: self.observer.feed.back().map_or(0, |e| e.id),
            timeline_version: self.observer.timeline_version,
            revision: 0,
        };
        assert_eq!(frame::global(w, &extra).len(), frame::GLOBAL_LEN);
        let nodes = frame::nodes(w);
        assert_eq!(nodes.len() % frame::NODE_STRIDE, 0);
        frame::messages(w);
        frame::progress(w);
        frame::blocked(w);
        frame::log_cells(w, 1, 50);
        for s in w.servers() {
            details::server(w, s.id).expect("a listed server has details");
            details::log_window(w, s.id, 0, 20).expect("a listed server has a log");
        }
        for m in w.in_flight().take(5) {
            details::message(m);
        }
        details::clients(w, 10);
        details::kv(w);
    }
}

fn any_server(rng: &mut Rng) -> NodeId {
    // 0 and 26..=27 are never valid; 4..=25 exist only after add_server.
    rng.below(28) as NodeId
}

fn any_message(rng: &mut Rng, sim: &Simulation) -> u64 {
    let ids: Vec<u64> = sim.world().in_flight().map(|m| m.id).collect();
    if !ids.is_empty() && rng.chance(70) {
        *rng.pick(&ids)
    } else {
        *rng.pick(&[0, 1, 999_999, u64::MAX])
    }
}

fn any_link(rng: &mut Rng) -> LinkConfig {
    LinkConfig {
        latency_ms_min: *rng.pick(&[0, 1, 5, 400, u64::MAX]),
        latency_ms_max: *rng.pick(&[0, 15, 1_000, u64::MAX]),
        loss_ppm: *rng.pick(&[0, 100_000, 1_000_000, 1_000_001, u32::MAX]),
        duplicate_ppm: *rng.pick(&[0, 50_000, 2_000_000]),
        ..LinkConfig::default()
    }
}

fn any_op(rng: &mut Rng) -> Operation {
    let key = rng
        .pick(&["k0", "k1", "", "<img src=x onerror=alert(1)>"])
        .to_string();
    let value = rng.pick(&["v", "", "\u{0}", "long"]).to_string();
    match rng.below(4) {
        0 => Operation::Get { key },
        1 => Operation::Put { key, value },
        2 => Operation::Append { key, value },
        _ => Operation::Cas {
            key,
            expected: rng.chance(50).then(|| "v".to_string()),
            new: value,
        },
    }
}

/// Any command of the simulator, with arguments that are as often wrong as right.
fn any_action(rng: &mut Rng, sim: &Simulation) -> Action {
    let s = any_server(rng);
    match rng.below(24) {
        0 => Action::Crash { server: s },
        1 => Action::Restart { server: s },
        2 => Action::Pause { server: s },
        3 => Action::Resume { server: s },
        4 => Action::Partition {
            groups: vec![vec![s, any_server(rng)], vec![any_server(rng)]],
        },
        5 => Action::CutLink {
            from: s,
            to: any_server(rng),
            both: rng.chance(50),
        },
        6 => Action::RepairLink {
            from: s,
            to: any_server(rng),
            both: rng.chance(50),
        },
        7 => Action::Heal,
        8 => Action::SetNetwork {
            link: any_link(rng),
        },
        9 => Action::SetLink {
            from: s,
            to: any_server(rng),
            link: any_link(rng),
        },
        10 | 11 => Action::ClientOp {
            client: rng.below(6) as u32,
            op: any_op(rng),
            read_index: rng.chance(30),
        },
        12 => Action::SetWorkload {
            enabled: rng.chance(50),
        },
        13 => Action::SetFaults {
            enabled: rng.chance(30),
        },
        14 => Action::AddServer { server: s },
        15 => Action::RemoveServer { server: s },
        16 => Action::TransferLeadership { to: s },
        17 => Action::Snapshot { server: s },
        18 => Action::Campaign { server: s },
        19 => Action::Schedule {
            at_ms: sim
                .now_ms()
                .saturating_add(*rng.pick(&[0, 100, u64::MAX / 2, u64::MAX]))
                - rng.below(2) * 1_000.min(sim.now_ms()),
            action: Box::new(Action::Crash {
                server: any_server(rng),
            }),
        },
        20 => Action::DeliverNow {
            message: any_message(rng, sim),
        },
        21 => Action::DropMessage {
            message: any_message(rng, sim),
        },
        22 => match rng.below(3) {
            0 => Action::DuplicateMessage {
                message: any_message(rng, sim),
            },
            1 => Action::HoldMessage {
                message: any_message(rng, sim),
            },
            _ => Action::ReleaseMessage {
                message: any_message(rng, sim),
            },
        },
        _ => Action::FireTimer { server: s },
    }
}

/// One random session: a cluster of 1..=7 servers (sometimes with a deliberate bug), then
/// `ops` random commands, runs, seeks (back, forward, past the end) and steps.
fn random_session(seed: u64, ops: u32) {
    let mut rng = Rng(seed);
    let mut config = SimConfig::new(1 + rng.below(7) as u32, rng.next());
    config.workload.enabled = rng.chance(50);
    config.auto_compact_entries = *rng.pick(&[0, 0, 5, 40]);
    config.trace_capacity = *rng.pick(&[1, 50, 2_000]);
    config.max_checkpoints = *rng.pick(&[2, 8, 64]);
    let buggy = rng.chance(15);
    if buggy {
        match rng.below(4) {
            0 => config.raft.bugs.skip_figure8_rule = true,
            1 => config.raft.bugs.skip_vote_log_check = true,
            2 => config.raft.bugs.forget_vote_on_restart = true,
            _ => config.raft.bugs.keep_commit_across_crash = true,
        }
    }
    let mut sim = Simulation::new(config).expect("valid config");
    let mut page = Page::watch(&mut sim);
    for _ in 0..ops {
        match rng.below(10) {
            0..=3 => {
                let action = any_action(&mut rng, page.sim);
                page.command(action);
            }
            4 | 5 => {
                let v = hostile_number(&mut rng) * 10.0;
                if let Ok(ms) = options::duration_ms(v) {
                    page.advance(ms.min(5_000));
                }
            }
            6 => {
                // The facade's `seek`: refuses a jump forward of more than a day.
                if let Ok(t) = options::time_ms(hostile_number(&mut rng) * 50.0) {
                    let now = page.sim.now_ms();
                    if t < now || t - now <= 5_000 {
                        page.sim.seek(t);
                        page.rewound();
                    }
                }
            }
            7 => {
                let back = page.sim.step_back();
                assert!(back.is_ok() || page.sim.steps() == 0, "{back:?}");
                page.rewound();
            }
            8 => {
                let target = page.sim.steps() + rng.below(400);
                let target = target.saturating_sub(rng.below(800));
                page.sim.seek_step(target);
                page.rewound();
            }
            _ => {
                page.sim.step_event();
                page.rewound();
            }
        }
        if !buggy {
            let v = page.sim.world().violations();
            assert!(v.is_empty(), "violation without a bug switch: {v:?}");
        }
    }
    // Replaying the command log from the start reproduces the run exactly.
    let (steps, hash) = (page.sim.steps(), page.sim.world().trace_hash());
    page.sim.seek(0);
    page.sim.seek_step(steps);
    assert_eq!(page.sim.world().trace_hash(), hash, "time travel diverged");
}

// Random sessions of every command with hostile arguments: no panic, refusals change nothing,
// no violation without a bug switch, and time travel still replays the run exactly.
#[test]
fn random_command_sequences_never_panic_or_break_safety() {
    for_each_seed(
        "random_command_sequences_never_panic_or_break_safety",
        5,
        |seed| random_session(seed, 120),
    );
}

// The largest cluster (25 servers) and a one-server cluster survive the same treatment.
#[test]
fn extreme_cluster_sizes_survive_random_commands() {
    for servers in [1, MAX_SERVERS] {
        let mut config = SimConfig::new(servers, 99);
        config.workload.enabled = true;
        let mut sim = Simulation::new(config).expect("valid");
        let mut page = Page::watch(&mut sim);
        let mut rng = Rng(u64::from(servers));
        for _ in 0..60 {
            let a = any_action(&mut rng, page.sim);
            page.command(a);
            page.advance(200);
        }
        assert!(page.sim.world().violations().is_empty());
    }
    for servers in [0, MAX_SERVERS + 1] {
        let e = Simulation::new(SimConfig::new(servers, 1)).expect_err("refused");
        assert!(e.to_string().contains("servers"), "{e}");
    }
}

// Keys and values arriving through `readAction` (which bypasses the typed-text checks) are
// bounded like a scenario's: a 10 MB key or value is refused, not replicated 25 times.
#[test]
fn oversized_client_operations_are_refused() {
    let mut sim = Simulation::new(SimConfig::new(3, 5)).expect("valid");
    let huge = "x".repeat(10 * 1024 * 1024);
    for op in [
        Operation::Put {
            key: huge.clone(),
            value: "v".into(),
        },
        Operation::Append {
            key: "k".into(),
            value: huge.clone(),
        },
        Operation::Cas {
            key: "k".into(),
            expected: Some(huge.clone()),
            new: "v".into(),
        },
    ] {
        let e = sim
            .apply(Action::ClientOp {
                client: 1,
                op,
                read_index: false,
            })
            .expect_err("too long");
        assert!(e.to_string().contains("characters"), "{e}");
    }
}

/// A command object (the command log's form) with a few fields replaced by hostile values.
fn mutated_action_json(rng: &mut Rng, sim: &Simulation) -> String {
    let mut doc = serde_json::to_value(any_action(rng, sim)).expect("serializes");
    let rounds = rng.below(3);
    replace_leaves(&mut doc, rng, rounds, |rng| match rng.below(7) {
        0 => serde_json::json!(-1),
        1 => serde_json::json!(u64::MAX),
        2 => serde_json::json!(u32::MAX),
        3 => serde_json::json!("<img src=x onerror=alert(1)>"),
        4 => serde_json::json!(null),
        5 => serde_json::json!([[1, 2], [3]]),
        _ => serde_json::json!(rng.below(30)),
    });
    doc.to_string()
}

// Command objects with hostile fields, read by the reader's `readAction` and applied by the
// page's `applyActionBytes` (the path of share links and saved sessions): refused with a
// message, or applied — and a refusal by the world changes nothing (`Page::command`).
#[test]
fn hostile_command_objects_are_refused_or_applied() {
    for_each_seed(
        "hostile_command_objects_are_refused_or_applied",
        6,
        |seed| {
            let mut config = SimConfig::new(3, seed);
            config.workload.enabled = seed % 2 == 0;
            let mut sim = Simulation::new(config).expect("valid");
            let mut page = Page::watch(&mut sim);
            let mut rng = Rng(seed);
            for _ in 0..30 {
                let text = mutated_action_json(&mut rng, page.sim);
                let json = raftlab::json::parse(&text).expect("JSON");
                match validator::action_bytes(&json) {
                    Err(e) => assert!(!e.to_string().is_empty(), "{text}"),
                    Ok(bytes) => {
                        let action =
                            wire::decode_action(&bytes).expect("the page reads the reader");
                        page.command(action);
                    }
                }
                page.advance(100);
            }
            assert!(page.sim.world().violations().is_empty());
        },
    );
}

// Hostile scenario documents through the reader (`readScenario`, the only reader of scenario
// text): wrong types, unknown fields, JSON nested past the reader's depth limit (src/json), a
// 10 MB name, markup in a name — each refused with a message naming the problem.
#[test]
fn hostile_scenario_documents_are_refused_with_a_reason() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_obj = format!(
        "{{\"cluster\":{}1{}}}",
        "{\"a\":".repeat(5_000),
        "}".repeat(5_000)
    );
    let long_name = format!(
        "{{\"name\":\"{}\",\"steps\":[]}}",
        "x".repeat(10 * 1024 * 1024)
    );
    let deep_steps = format!("{{\"steps\":{deep}}}");
    // (document, what the error names)
    for (doc, reason) in [
        ("", "EOF"),
        ("{", "EOF"),
        ("null", "not null"),
        ("[]", "not an array"),
        (
            r#"{"cluster":{"servers":"3"},"steps":[]}"#,
            "cluster.servers",
        ),
        (r#"{"cluster":{},"steps":[],"extra":1}"#, "extra"),
        (deep.as_str(), "not an array"),
        (deep_steps.as_str(), "steps[0]"),
        (deep_obj.as_str(), "cluster"),
        (long_name.as_str(), "limit"),
        (
            r#"{"name":"<img src=x onerror=alert(1)>","steps":[]}"#,
            "name",
        ),
    ] {
        let short = &doc[..doc.len().min(60)];
        let e = validator::scenario_bytes(doc).expect_err(short).to_string();
        assert!(e.starts_with("invalid scenario"), "{e}");
        assert!(e.contains(reason), "{e} does not name {reason}");
    }
}
