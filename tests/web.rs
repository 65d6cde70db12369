//! Rust tests compiled to wasm32 and run in headless Chromium (`npm test` runs them through
//! wasm-bindgen-test-runner). They check the facade behaves in a real browser as it does natively.
#![cfg(target_arch = "wasm32")]

use raftlab::wasm::frame::{GLOBAL_LEN, MESSAGE_STRIDE, NODE_STRIDE};
use raftlab::wasm::{validator, Simulation};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A JS options object from JSON.
fn opts(v: serde_json::Value) -> JsValue {
    use serde::Serialize;
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap()
}

fn sim(servers: u32, seed: u64) -> Simulation {
    Simulation::new(opts(
        serde_json::json!({ "servers": servers, "seed": seed }),
    ))
    .expect("valid options")
}

#[wasm_bindgen_test]
fn simulation_keeps_the_seed_it_was_given() {
    let s = sim(5, 42);
    assert_eq!(s.nodes(), 5);
    assert_eq!(s.seed(), "42");
    let big = Simulation::new(opts(serde_json::json!({ "seed": "18446744073709551615" }))).unwrap();
    assert_eq!(big.seed(), "18446744073709551615");
}

#[wasm_bindgen_test]
fn simulation_without_seed_draws_one_from_the_browser() {
    // Two drawn 64-bit seeds colliding would mean getrandom is not wired to crypto.getRandomValues.
    let a = Simulation::new(JsValue::UNDEFINED).unwrap().seed();
    let b = Simulation::new(JsValue::UNDEFINED).unwrap().seed();
    assert_ne!(a, b);
}

#[wasm_bindgen_test]
fn bad_cluster_sizes_and_seeds_are_errors_not_panics() {
    for bad in [
        serde_json::json!({ "servers": 0 }),
        serde_json::json!({ "servers": 26 }),
        serde_json::json!({ "seed": -1 }),
        serde_json::json!({ "seed": 0.5 }),
        serde_json::json!({ "seed": "abc" }),
        serde_json::json!({ "sever": 3 }),
        serde_json::json!({ "network": { "lossPercent": 150 } }),
        serde_json::json!({ "heartbeatIntervalMs": 900 }),
    ] {
        assert!(
            Simulation::new(opts(bad.clone())).is_err(),
            "{bad} was accepted"
        );
    }
    assert!(Simulation::new(JsValue::from_f64(f64::NAN)).is_err());
}

#[wasm_bindgen_test]
fn a_leader_is_elected_and_the_frame_buffers_have_their_strides() {
    let mut s = sim(5, 7);
    s.advance(3_000.0).unwrap();
    let g = s.frame_global();
    assert_eq!(g.len(), GLOBAL_LEN);
    assert!(g[2] >= 1.0, "a leader after 3 s");
    assert_eq!(g[0], 3_000.0);
    assert_eq!(s.frame_nodes().len(), 5 * NODE_STRIDE);
    assert_eq!(s.frame_messages().len() % MESSAGE_STRIDE, 0);
    assert_eq!(s.log_cells(1.0, 10.0).unwrap().len(), 5 * 10 * 2);
}

#[wasm_bindgen_test]
fn bad_arguments_are_exceptions_and_change_nothing() {
    let mut s = sim(3, 1);
    s.advance(500.0).unwrap();
    let before = s.trace_hash();
    assert!(s.advance(-1.0).is_err());
    assert!(s.advance(f64::NAN).is_err());
    assert!(s.advance(1e12).is_err());
    assert!(s.seek(f64::INFINITY).is_err());
    assert!(s.crash(0.0).is_err());
    assert!(s.crash(1.5).is_err());
    assert!(s.crash(9.0).is_err(), "no server S9 in a cluster of 3");
    assert!(s.drop_message(-1.0).is_err());
    assert!(s.drop_message(123_456.0).is_err());
    assert!(s.log_cells(1.0, 0.0).is_err());
    assert!(s.client_write(0.0, "k", "v").is_err());
    assert!(s.client_write(1.0, "", "v").is_err());
    assert!(s.server_details(25.0).is_err());
    assert!(s.partition(JsValue::from_str("nope")).is_err());
    assert!(s.restart(1.0).is_err(), "S1 is not crashed");
    assert_eq!(s.trace_hash(), before);
}

#[wasm_bindgen_test]
fn crashing_the_leader_elects_another_and_time_travel_is_deterministic() {
    let mut s = sim(5, 3);
    s.advance(2_000.0).unwrap();
    let leader = s.frame_global()[2];
    assert!(leader >= 1.0);
    s.crash(leader).unwrap();
    s.advance(3_000.0).unwrap();
    let next = s.frame_global()[2];
    assert!(
        next >= 1.0 && next != leader,
        "a new leader after the crash"
    );
    let at_5s = s.trace_hash();
    s.seek(1_000.0).unwrap();
    assert_eq!(s.now_ms(), 1_000.0);
    s.seek(5_000.0).unwrap();
    assert_eq!(
        s.trace_hash(),
        at_5s,
        "replaying the same commands gives the same trace"
    );
    s.step_back().unwrap();
    assert!(s.steps() > 0.0);
}

#[wasm_bindgen_test]
fn a_client_write_reaches_every_state_machine_and_the_feed_says_so() {
    let mut s = Simulation::new(opts(
        serde_json::json!({ "servers": 3, "seed": 5, "clients": 1, "workload": false }),
    ))
    .unwrap();
    s.advance(2_000.0).unwrap();
    s.client_write(1.0, "color", "blue").unwrap();
    s.advance(2_000.0).unwrap();
    let kv: serde_json::Value = serde_wasm_bindgen::from_value(s.kv_state().unwrap()).unwrap();
    let servers = kv.as_array().unwrap();
    assert_eq!(servers.len(), 3);
    for srv in servers {
        assert!(
            srv["kv"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p[0] == "color" && p[1] == "blue"),
            "{srv}"
        );
    }
    let feed: serde_json::Value =
        serde_wasm_bindgen::from_value(s.feed_since(0.0, 500.0).unwrap()).unwrap();
    let codes: Vec<&str> = feed["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"becameLeader"));
    assert!(codes.contains(&"clientDone"));
    assert!(codes.contains(&"command"));
    let timeline: serde_json::Value =
        serde_wasm_bindgen::from_value(s.timeline().unwrap()).unwrap();
    assert!(!timeline["marks"].as_array().unwrap().is_empty());
}

#[path = "common/determinism.rs"]
mod determinism;

// The Raft core gives exactly the native Ready stream on wasm32: the fixed seeded scenario of
// `common/determinism.rs` hashes to the same golden value `tests/raft_determinism.rs` checks.
#[wasm_bindgen_test]
fn raft_core_replays_the_native_golden_scenario() {
    assert_eq!(determinism::run_scenario().hash, determinism::GOLDEN);
}

// The scenario runner in the browser produces the same trace hash as natively: the golden
// constant is written by `RAFTLAB_UPDATE_GOLDEN=1 cargo test --test sweep_chaos` and checked
// natively by `a_fixed_scenario_reproduces_the_golden_trace_hash`.
#[wasm_bindgen_test]
fn scenario_trace_hash_in_the_browser_matches_the_native_golden_hash() {
    let text = include_str!("../scenarios/examples/leader_crash.json");
    let golden = include_str!("../scenarios/golden/leader_crash.hash").trim();
    let scenario = raftlab::scenario::Scenario::from_json(text).expect("the example parses");
    let report = raftlab::scenario::run(&scenario).expect("the example runs");
    assert!(report.passed);
    assert_eq!(report.trace_hash, golden);
}

// ---- facade fuzz (issue 9) ------------------------------------------------------------------

#[path = "common/splitmix.rs"]
mod splitmix;
use splitmix::SplitMix as FuzzRng;

/// The browser fuzz's hostile numbers and strings.
trait Fuzz {
    fn number(&mut self) -> f64;
    fn text(&mut self) -> String;
}

impl Fuzz for FuzzRng {
    fn number(&mut self) -> f64 {
        const SPECIAL: [f64; 14] = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1.0,
            0.0,
            0.5,
            1.0,
            2.0,
            3.0,
            26.0,
            1e9,
            9_007_199_254_740_992.0,
            1e300,
            -0.0,
        ];
        match self.below(3) {
            0 => SPECIAL[self.below(SPECIAL.len() as u64) as usize],
            1 => self.below(8) as f64,
            _ => self.below(3_000) as f64,
        }
    }

    fn text(&mut self) -> String {
        match self.below(5) {
            0 => String::new(),
            1 => "<img src=x onerror=alert(1)>".into(),
            2 => "x".repeat(100),
            3 => "a\u{7}b".into(),
            _ => format!("k{}", self.below(4)),
        }
    }
}

/// A refused call must be a JavaScript `Error` with a message, never a panic (a panic in wasm
/// aborts the module, which fails the test run).
fn fuzz_check(r: Result<(), JsValue>) {
    if let Err(e) = r {
        let msg = js_sys::Error::from(e).message();
        assert!(msg.length() > 0, "an error without a message");
    }
}

/// A hostile JavaScript value for the object-taking calls.
fn fuzz_object(rng: &mut FuzzRng) -> JsValue {
    match rng.below(7) {
        0 => JsValue::NULL,
        1 => JsValue::from_str("<img src=x onerror=alert(1)>"),
        2 => opts(serde_json::json!({ "lossPercent": rng.number().min(1e300) })),
        3 => opts(serde_json::json!({ "latencyMsMin": 5, "latencyMsMax": 2 })),
        4 => opts(serde_json::json!({ "bogus": true })),
        5 => opts(serde_json::json!([[1, 2], [3, rng.below(30)]])),
        _ => opts(serde_json::json!({ "type": "crash", "server": rng.below(30) })),
    }
}

/// Random bytes, usually behind the encoding's version byte.
fn fuzz_bytes(rng: &mut FuzzRng) -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..rng.below(24)).map(|_| rng.below(256) as u8).collect();
    if let Some(first) = bytes.first_mut() {
        *first = raftlab::sim::wire::WIRE_FORMAT_VERSION;
    }
    bytes
}

/// One random call of the JS-visible facade with arguments that are as often wrong as right.
fn fuzz_call(s: &mut Simulation, rng: &mut FuzzRng) {
    let (a, b) = (rng.number(), rng.number());
    match rng.below(30) {
        0 => fuzz_check(s.crash(a)),
        1 => fuzz_check(s.restart(a)),
        2 => fuzz_check(s.pause(a)),
        3 => fuzz_check(s.resume(a)),
        4 => fuzz_check(s.timeout_now(a)),
        5 => fuzz_check(s.campaign(a)),
        6 => fuzz_check(s.transfer_leadership(a)),
        7 => fuzz_check(
            s.add_server(if rng.below(2) == 0 { None } else { Some(a) })
                .map(drop),
        ),
        8 => fuzz_check(s.remove_server(a)),
        9 => fuzz_check(s.snapshot(a)),
        10 => fuzz_check(s.partition(fuzz_object(rng))),
        11 => fuzz_check(s.cut_link(a, b, rng.below(2) == 0)),
        12 => fuzz_check(s.repair_link(a, b, rng.below(2) == 0)),
        13 => fuzz_check(s.heal()),
        14 => fuzz_check(s.set_network(fuzz_object(rng))),
        15 => fuzz_check(s.set_network(fuzz_object(rng))),
        16 => fuzz_check(s.client_write(a, &rng.text(), &rng.text())),
        17 => fuzz_check(s.client_read(a, &rng.text(), rng.below(2) == 0)),
        18 => fuzz_check(s.client_cas(a, &rng.text(), Some(rng.text()), &rng.text())),
        19 => fuzz_check(s.client_append(a, &rng.text(), &rng.text())),
        20 => fuzz_check(s.set_workload(rng.below(2) == 0)),
        21 => match rng.below(5) {
            0 => fuzz_check(s.deliver_message(a)),
            1 => fuzz_check(s.drop_message(a)),
            2 => fuzz_check(s.duplicate_message(a)),
            3 => fuzz_check(s.hold_message(a)),
            _ => fuzz_check(s.release_message(a)),
        },
        22 => match rng.below(2) {
            // A command object through the reader's module, then its bytes through the page's.
            0 => fuzz_check(
                validator::read_action(fuzz_object(rng)).and_then(|b| s.apply_action_bytes(&b)),
            ),
            // Bytes from anywhere.
            _ => fuzz_check(s.apply_action_bytes(&fuzz_bytes(rng))),
        },
        23 | 24 => fuzz_check(s.advance(a.min(3_000.0))),
        25 => fuzz_check(s.seek(if a > s.now_ms() + 3_000.0 {
            s.now_ms() + 10.0
        } else {
            a
        })),
        26 => fuzz_check(s.seek_step(s.steps() + b.min(200.0) - rng.below(400) as f64)),
        27 => fuzz_check(s.step_back()),
        28 => {
            s.step_event();
        }
        _ => {
            fuzz_check(s.log_cells(a, b).map(drop));
            fuzz_check(s.log_window(a, b, rng.number()).map(drop));
            fuzz_check(s.server_details(a).map(drop));
            fuzz_check(s.message_details(a).map(drop));
            fuzz_check(s.feed_since(a, b).map(drop));
            fuzz_check(s.clients(a).map(drop));
            fuzz_check(s.pending_events(a).map(drop));
            fuzz_check(s.trace_tail(a).map(drop));
        }
    }
    s.frame_global();
    s.frame_nodes();
    s.frame_messages();
    s.frame_progress();
    fuzz_check(s.timeline().map(drop));
}

// The JS-visible facade under random calls with hostile arguments (bounded: a few seconds):
// no panic, every refusal is an Error with a message, no violation without a bug switch.
#[wasm_bindgen_test]
fn fuzz_random_facade_calls_never_panic_and_keep_safety() {
    for seed in 0..6u64 {
        let mut rng = FuzzRng(0xfacade + seed);
        let servers = 1 + rng.below(6);
        let compact = [0, 10, 50][seed as usize % 3];
        let mut s = Simulation::new(opts(serde_json::json!({
            "servers": servers, "seed": seed, "workload": seed % 2 == 0,
            "autoCompactEntries": compact,
        })))
        .expect("valid options");
        for _ in 0..150 {
            fuzz_call(&mut s, &mut rng);
        }
        let v: Vec<serde_json::Value> =
            serde_wasm_bindgen::from_value(s.violations().unwrap()).unwrap();
        assert!(
            v.is_empty(),
            "SEED={seed}: violations without a bug switch: {v:?}"
        );
    }
}

// Hostile documents through the reader's module (`readScenario`, `readConfig`) and hostile option
// objects: each is an Error naming the problem, never a panic — including JSON nested past the
// reader's recursion limit and a 10 MB name. Bytes that are not an encoded configuration are
// refused by `fromConfigBytes` the same way.
#[wasm_bindgen_test]
fn fuzz_hostile_documents_are_errors_with_a_message() {
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
    let html = r#"{"name":"<img src=x onerror=alert(1)>","steps":[]}"#;
    for doc in [
        "",
        "{",
        "null",
        "[]",
        "{\"cluster\":{\"servers\":\"3\"},\"steps\":[]}",
        "{\"cluster\":{},\"steps\":[],\"extra\":1}",
        deep.as_str(),
        deep_obj.as_str(),
        long_name.as_str(),
        html,
    ] {
        let scenario = validator::read_scenario(doc)
            .and_then(|b| Simulation::from_config_bytes(&b))
            .map(drop);
        let config = validator::read_config(doc)
            .and_then(|b| Simulation::from_config_bytes(&b))
            .map(drop);
        for e in [scenario, config].map(|r| r.expect_err("refused")) {
            let msg: String = js_sys::Error::from(e).message().into();
            assert!(msg.starts_with("invalid"), "{msg}");
        }
    }
    let mut rng = FuzzRng(9);
    for _ in 0..200 {
        if let Err(e) = Simulation::from_config_bytes(&fuzz_bytes(&mut rng)) {
            let msg: String = js_sys::Error::from(e).message().into();
            assert!(msg.starts_with("unreadable encoded configuration"), "{msg}");
        }
    }
    for _ in 0..60 {
        let o = fuzz_object(&mut rng);
        if let Err(e) = Simulation::new(o) {
            let msg: String = js_sys::Error::from(e).message().into();
            assert!(!msg.is_empty());
        }
    }
}

// ---- issue 7: links, the space-time recorder, the bug hunt ----

#[wasm_bindgen_test]
fn set_link_changes_one_link_and_link_settings_reads_it_back() {
    let mut s = sim(3, 5);
    s.set_link(
        1.0,
        2.0,
        false,
        opts(serde_json::json!({ "lossPercent": 40, "latencyMsMax": 90 })),
    )
    .unwrap();
    let read = |s: &Simulation, a: f64, b: f64| -> serde_json::Value {
        serde_wasm_bindgen::from_value(s.link_settings(a, b).unwrap()).unwrap()
    };
    assert_eq!(read(&s, 1.0, 2.0)["lossPercent"], 40.0);
    assert_eq!(read(&s, 1.0, 2.0)["latencyMsMax"], 90);
    assert_eq!(read(&s, 2.0, 1.0)["lossPercent"], 0.0, "one direction only");
    assert_eq!(
        read(&s, 0.0, 0.0)["lossPercent"],
        0.0,
        "the default link is unchanged"
    );
    assert!(s
        .set_link(
            1.0,
            2.0,
            true,
            opts(serde_json::json!({ "lossPercent": 140 }))
        )
        .is_err());
    assert!(s
        .set_link(1.0, 2.0, true, opts(serde_json::json!({ "loss": 1 })))
        .is_err());
}

#[wasm_bindgen_test]
fn spacetime_records_every_message_sent_on_a_clean_network() {
    let mut s = sim(3, 8);
    s.advance(700.0).unwrap();
    let stride = raftlab::wasm::spacetime_stride() as usize;
    let rows = s.spacetime(0.0, 700.0, 20_000.0).unwrap();
    assert_eq!(rows.len() % stride, 0);
    let originals = rows.chunks(stride).filter(|r| r[7] == 0.0).count() as f64;
    let counters: serde_json::Value =
        serde_wasm_bindgen::from_value(s.counters().unwrap()).unwrap();
    assert_eq!(originals, counters["messages_sent"].as_f64().unwrap());
    assert_eq!(s.dropped_at_send(), 0.0);
    assert!(!s.commit_series().is_empty());
    // Back in time, the records follow.
    s.seek(200.0).unwrap();
    let earlier = s.spacetime(0.0, 700.0, 20_000.0).unwrap();
    assert!(earlier.chunks(stride).all(|r| r[4] <= 200.0));
    assert!(s.spacetime(0.0, -1.0, 10.0).is_err());
}

#[wasm_bindgen_test]
fn a_bug_hunt_finds_the_figure8_bug_and_the_replay_stops_at_the_violation() {
    let mut found = None;
    for seed in 1..=40 {
        let o: serde_json::Value = serde_wasm_bindgen::from_value(
            raftlab::wasm::search_seed(&seed.to_string(), "skip_figure8_rule", 5.0, 20_000.0)
                .unwrap(),
        )
        .unwrap();
        if o["violated"] == true {
            found = Some(o);
            break;
        }
    }
    let o = found.expect("a counterexample within 40 seeds");
    let s = Simulation::from_bug_hunt(
        o["seed"].as_str().unwrap(),
        "skip_figure8_rule",
        5.0,
        20_000.0,
    )
    .unwrap();
    assert_eq!(s.steps(), o["step"].as_f64().unwrap());
    let v: serde_json::Value = serde_wasm_bindgen::from_value(s.violations().unwrap()).unwrap();
    assert_eq!(
        v[0]["property"].as_str().map(str::to_lowercase),
        o["property"].as_str().map(|p| p.replace('_', ""))
    );
    assert!(raftlab::wasm::search_seed("x", "skip_figure8_rule", 5.0, 1000.0).is_err());
    assert!(raftlab::wasm::search_seed("1", "no_such_bug", 5.0, 1000.0).is_err());
    assert!(raftlab::wasm::search_seed("1", "skip_figure8_rule", 2.0, 1000.0).is_err());
    assert!(raftlab::wasm::search_seed("1", "skip_figure8_rule", 5.0, 0.0).is_err());
}

/// A property of a thrown error.
fn prop(v: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(name)).expect("readable")
}

#[wasm_bindgen_test]
fn a_refused_call_throws_an_error_with_code_params_and_english_message() {
    let mut s = sim(3, 7);
    let err = s.restart(1.0).expect_err("S1 is running");
    assert!(err.is_instance_of::<js_sys::Error>(), "{err:?}");
    assert_eq!(
        prop(&err, "message").as_string().as_deref(),
        Some("server S1 is not crashed")
    );
    assert_eq!(
        prop(&err, "code").as_string().as_deref(),
        Some("serverNotCrashed")
    );
    assert_eq!(prop(&prop(&err, "params"), "server").as_f64(), Some(1.0));
    // An argument error names the refused value as the English text writes it.
    let err = s.crash(f64::NAN).expect_err("NaN is no server id");
    assert_eq!(
        prop(&err, "code").as_string().as_deref(),
        Some("arg.serverId")
    );
    assert_eq!(
        prop(&prop(&err, "params"), "got").as_string().as_deref(),
        Some("NaN")
    );
    // Fractions and huge numbers read in wasm exactly as Rust's Display writes them natively.
    for bad in [1.5, -0.0, 1e21, 0.1 + 0.2, f64::NEG_INFINITY] {
        let err = s.crash(bad).expect_err("no server id");
        let got = prop(&prop(&err, "params"), "got").as_string();
        assert_eq!(got, Some(bad.to_string()), "{bad}");
        let message = prop(&err, "message").as_string().unwrap_or_default();
        assert!(message.ends_with(&format!(", not {bad}")), "{message}");
    }
    // A raft refusal nested in a simulator error has its own code.
    s.advance(3_000.0).unwrap();
    let err = s
        .snapshot(1.0)
        .and_then(|()| s.snapshot(1.0))
        .expect_err("nothing new to compact");
    assert_eq!(
        prop(&err, "code").as_string().as_deref(),
        Some("compact.alreadyCompacted")
    );
    // A document error carries where it went wrong.
    let err = Simulation::new(opts(serde_json::json!({ "sever": 3 })))
        .err()
        .expect("typo");
    assert_eq!(
        prop(&err, "code").as_string().as_deref(),
        Some("document.options")
    );
    assert!(prop(&prop(&err, "params"), "detail")
        .as_string()
        .is_some_and(|d| d.contains("sever")));
}

/// The module's own allocator (`src/wasm/alloc.rs`) is the global one here too: blocks of every
/// size keep their bytes and alignment, and a working set made and freed again and again (a
/// simulation each round, plus vectors of many sizes) stops growing the memory after the first
/// rounds, since freed blocks are reused.
#[wasm_bindgen_test]
fn the_allocator_keeps_blocks_apart_and_reuses_freed_memory() {
    let pages = || core::arch::wasm32::memory_size(0);
    let round = |n: usize| {
        let mut s = sim(5, 7);
        s.advance(2_000.0).unwrap();
        let blocks: Vec<Vec<u8>> = (1..200)
            .map(|i| vec![(i % 251) as u8; i * 37 + n])
            .collect();
        let wide: Vec<u128> = (0..1000u128).collect();
        assert_eq!(wide.as_ptr() as usize % core::mem::align_of::<u128>(), 0);
        for (i, b) in blocks.iter().enumerate() {
            assert!(
                b.iter().all(|&x| x == ((i + 1) % 251) as u8),
                "block {i} was overwritten"
            );
        }
        assert_eq!(wide.iter().sum::<u128>(), 999 * 1000 / 2);
        s.trace_hash()
    };
    let first = round(0);
    for n in 1..4 {
        assert_eq!(round(n % 2), first, "the same seed runs the same way");
    }
    let settled = pages();
    for n in 0..40 {
        assert_eq!(round(n % 2), first);
    }
    assert_eq!(pages(), settled, "a steady working set grew the memory");
}
