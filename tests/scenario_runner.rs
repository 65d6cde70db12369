//! The scenario runner: references resolve when steps run, waits pass as soon as they hold,
//! holds fail when they stop holding, runaway scenarios stop at their limits, and the
//! incremental runner gives the same result as a whole run.

use raftlab::scenario::{run, Outcome, Scenario, ScenarioRun};

fn scenario(text: &str) -> Scenario {
    Scenario::from_json(text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn role_references_resolve_when_the_step_runs() {
    // Expect: "leader" names the leader at that moment; after it crashes, "leader" names the
    // new one and "$old+1" a server next to the saved one.
    let s = scenario(
        r#"{"steps": [
        {"expect": {"leader": {"save_as": "old"}}, "within_ms": 5000},
        {"crash": "leader"},
        {"expect": {"leader": {"among": "running", "save_as": "new"}}, "within_ms": 5000},
        {"restart": "$old"},
        {"pause": "$old+1"}, {"resume": "paused"},
        {"expect": {"converged": {}}}
    ]}"#,
    );
    let report = run(&s).unwrap();
    assert!(report.passed, "{}", report.human(true));
    assert!(report.steps[1].what.starts_with("crash S"));
}

#[test]
fn an_expectation_that_never_holds_fails_at_its_bound() {
    // Expect: a wait with within_ms fails exactly at its deadline and ends the run.
    let s = scenario(
        r#"{"steps": [{"disconnect": "all"}, {"expect": {"leader": {}}, "within_ms": 3000}, {"run_ms": 5}]}"#,
    );
    let r = run(&s).unwrap();
    assert!(!r.passed);
    assert_eq!(r.steps.len(), 2, "the run stops at the first failure");
    assert_eq!(r.steps[1].end_ms, 3000);
    assert!(
        matches!(&r.steps[1].outcome, Outcome::Failed { reason } if reason.contains("not within 3000 ms"))
    );
}

#[test]
fn a_hold_fails_when_the_condition_stops_holding() {
    // Expect: "no leader for 5 s" on a healthy cluster fails once a leader appears.
    let r = run(&scenario(
        r#"{"steps": [{"expect": {"no_leader": {}}, "for_ms": 5000}]}"#,
    ))
    .unwrap();
    assert!(!r.passed);
    assert!(r.steps[0].end_ms < 5000, "{}", r.human(true));
}

#[test]
fn a_wait_without_bound_gets_the_default_and_time_is_capped() {
    // Expect: an unbounded wait uses limits.default_wait_ms; max_virtual_ms stops long runs.
    let r = run(&scenario(r#"{"limits": {"default_wait_ms": 700}, "steps": [{"disconnect": "all"}, {"expect": {"leader": {}}}]}"#)).unwrap();
    assert_eq!(r.steps[1].end_ms, 700);
    let r = run(&scenario(
        r#"{"limits": {"max_virtual_ms": 2000}, "steps": [{"run_ms": 10000}]}"#,
    ))
    .unwrap();
    assert!(!r.passed && r.virtual_ms == 2000, "{}", r.human(true));
    let r = run(&scenario(r#"{"limits": {"max_steps": 50}, "steps": [{"repeat": {"times": 100, "steps": [{"run_ms": 1}]}}]}"#)).unwrap();
    assert!(r.failure.unwrap().contains("max_steps"));
}

#[test]
fn an_unexpected_violation_fails_the_run_and_an_expected_one_passes() {
    // Expect: with a deliberate bug, violations fail a run unless a violation expectation
    // names them.
    let base = r#""cluster": {"bugs": ["apply_without_dedup"], "network": {"latency_ms": [5, 25]},
        "workload": {"enabled": true, "request_timeout_ms": 20, "max_attempts": 30, "mix": {"append": 1}}}"#;
    let bad = run(&scenario(&format!(
        r#"{{{base}, "steps": [{{"run_ms": 5000}}]}}"#
    )))
    .unwrap();
    assert!(!bad.passed && bad.failure.unwrap().contains("unexpected violation"));
    let demo = run(&scenario(&format!(
        r#"{{{base}, "steps": [{{"expect": {{"violation": {{"property": "exactly_once"}}}}, "within_ms": 5000}}]}}"#
    )))
    .unwrap();
    assert!(
        demo.passed && demo.violations_expected,
        "{}",
        demo.human(true)
    );
}

#[test]
fn incremental_runs_match_a_whole_run() {
    // Expect: advancing 37 ms at a time (a browser frame) ends in the same trace as run().
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/examples/leader_crash.json"
    ))
    .unwrap();
    let s = scenario(&text);
    let whole = run(&s).unwrap();
    let mut inc = ScenarioRun::new(&s).unwrap();
    let mut finished = Vec::new();
    while !inc.is_finished() {
        finished.extend(inc.advance(37));
    }
    assert_eq!(inc.report().trace_hash, whole.trace_hash);
    assert_eq!(finished, whole.steps);
    let mut stepped = ScenarioRun::new(&s).unwrap();
    let first = stepped.step().expect("a first step");
    assert_eq!(first, whole.steps[0]);
}
