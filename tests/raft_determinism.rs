//! Native half of the native-vs-wasm32 determinism check (the wasm32 half is in
//! `tests/web.rs`); the scenario and the golden hash live in `common/determinism.rs`.

#[path = "common/determinism.rs"]
mod determinism;

// A fixed seeded scenario (elections, message loss, a leader crash and restore, compaction
// and InstallSnapshot, a leadership transfer, reads and proposals) always produces the same
// Ready stream; expect its FNV-1a hash to equal the golden constant wasm32 also checks.
// Regenerate: `RAFT_PRINT_GOLDEN=1 cargo test --test raft_determinism -- --nocapture`.
#[test]
fn fixed_scenario_hashes_to_the_golden_value() {
    let out = determinism::run_scenario();
    if std::env::var_os("RAFT_PRINT_GOLDEN").is_some() {
        println!("GOLDEN = 0x{:016X} ({out:?})", out.hash);
    }
    assert!(out.commit > 50, "the scenario makes progress: {out:?}");
    for k in determinism::NOTABLE {
        assert!(
            out.seen.get(k).is_some_and(|&n| n > 0),
            "never saw {k}: {out:?}"
        );
    }
    assert_eq!(
        out.hash,
        determinism::GOLDEN,
        "the Ready stream changed: if intended, regenerate GOLDEN (see common/determinism.rs)"
    );
}

// Two runs in one process agree (no hidden global state, no address-dependent output).
#[test]
fn fixed_scenario_is_repeatable() {
    assert_eq!(determinism::run_scenario(), determinism::run_scenario());
}
