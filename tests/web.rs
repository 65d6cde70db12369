//! Rust tests compiled to wasm32 and run in headless Chromium (`npm test` runs them through
//! wasm-bindgen-test-runner). They check the facade behaves in a real browser as it does natively.
#![cfg(target_arch = "wasm32")]

use raftlab::wasm::{ring_layout, Simulation};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn simulation_keeps_the_seed_it_was_given() {
    let sim = Simulation::new(5, Some(42.0)).expect("5 servers are allowed");
    assert_eq!(sim.nodes(), 5);
    assert_eq!(sim.seed(), "42");
}

#[wasm_bindgen_test]
fn simulation_without_seed_draws_one_from_the_browser() {
    // Two drawn 64-bit seeds colliding would mean getrandom is not wired to crypto.getRandomValues.
    let a = Simulation::new(3, None).unwrap().seed();
    let b = Simulation::new(3, None).unwrap().seed();
    assert_ne!(a, b);
}

#[wasm_bindgen_test]
fn bad_cluster_sizes_and_seeds_are_errors_not_panics() {
    assert!(Simulation::new(0, Some(1.0)).is_err());
    assert!(Simulation::new(26, Some(1.0)).is_err());
    assert!(Simulation::new(3, Some(f64::NAN)).is_err());
    assert!(Simulation::new(3, Some(-1.0)).is_err());
    assert!(Simulation::new(3, Some(0.5)).is_err());
}

#[wasm_bindgen_test]
fn ring_layout_matches_native_computation() {
    let sim = Simulation::new(7, Some(1.0)).unwrap();
    assert_eq!(sim.ring_layout(), ring_layout(7));
}

#[path = "common/determinism.rs"]
mod determinism;

// The Raft core gives exactly the native Ready stream on wasm32: the fixed seeded scenario of
// `common/determinism.rs` hashes to the same golden value `tests/raft_determinism.rs` checks.
#[wasm_bindgen_test]
fn raft_core_replays_the_native_golden_scenario() {
    assert_eq!(determinism::run_scenario().hash, determinism::GOLDEN);
}
