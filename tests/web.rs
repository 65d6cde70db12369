//! Rust tests compiled to wasm32 and run in headless Chromium (`npm test` runs them through
//! wasm-bindgen-test-runner). They check the facade behaves in a real browser as it does natively.
#![cfg(target_arch = "wasm32")]

use raftlab::wasm::frame::{GLOBAL_LEN, MESSAGE_STRIDE, NODE_STRIDE};
use raftlab::wasm::{ring_layout, Simulation};
use wasm_bindgen::JsValue;
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
fn ring_layout_matches_native_computation() {
    let s = sim(7, 1);
    assert_eq!(s.ring_layout(), ring_layout(7));
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
