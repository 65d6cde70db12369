//! Every scenario file in `scenarios/` runs and passes, and malformed files are rejected
//! with the JSON path and reason of the first problem — never a panic.

use std::path::{Path, PathBuf};

use raftlab::scenario::{run, sim_config, Scenario, ScenarioError, MAX_SCENARIO_BYTES};
use raftlab::sim::wire;
use raftlab::wasm::validator;

fn scenario_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("scenarios/ is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            scenario_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn every_scenario_file_runs_and_passes() {
    // Expect: each examples/ and mit/ file parses, runs to its end and passes; a failure
    // names the file and the failing step.
    let mut files = Vec::new();
    scenario_files(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")),
        &mut files,
    );
    files.sort();
    assert!(
        files.len() >= 30,
        "expected the examples and the MIT scenarios, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        match Scenario::from_json(&text).and_then(|s| run(&s)) {
            Ok(report) if report.passed => {}
            Ok(report) => failures.push(format!("{}: {}", file.display(), report.human(false))),
            Err(e) => failures.push(format!("{}: invalid: {e}", file.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenario files failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn the_readers_bytes_build_the_world_of_every_scenario_file() {
    // Expect: for each file (the page ships the examples and the tutorial chapters with the
    // bytes `readScenario` gives at build time, and builds their worlds from those bytes), the
    // bytes are the wire encoding of the full reader's world configuration, and the page's
    // decoder reads that configuration back.
    let mut files = Vec::new();
    scenario_files(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")),
        &mut files,
    );
    for dir in ["examples", "tutorial"] {
        assert!(
            files
                .iter()
                .any(|f| f.parent().is_some_and(|p| p.ends_with(dir))),
            "no scenario file under scenarios/{dir}"
        );
    }
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        let full = Scenario::from_json(&text).expect("every file is valid");
        let config = sim_config(&full.cluster);
        let bytes =
            validator::scenario_bytes(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert_eq!(bytes, wire::encode_config(&config), "{}", file.display());
        assert_eq!(
            wire::decode_config(&bytes),
            Ok(config),
            "{}",
            file.display()
        );
    }
}

fn rejected(text: &str) -> ScenarioError {
    match Scenario::from_json(text) {
        Ok(_) => panic!("accepted: {}", &text[..text.len().min(200)]),
        Err(e) => e,
    }
}

fn invalid_at(text: &str, path: &str, reason_part: &str) {
    match rejected(text) {
        ScenarioError::Invalid { path: p, reason } => {
            assert_eq!(p, path, "reason: {reason}");
            assert!(
                reason.contains(reason_part),
                "{p}: {reason:?} should mention {reason_part:?}"
            );
        }
        other => panic!("expected an invalid value at {path}, got {other:?}"),
    }
}

#[test]
fn wrong_types_are_rejected_with_their_path() {
    // Expect: the path of the offending value and what was expected.
    invalid_at(
        r#"{"cluster": {"servers": "three"}}"#,
        "cluster.servers",
        "expected u32",
    );
    invalid_at(
        r#"{"steps": [{"crash": true}]}"#,
        "steps[0].crash",
        "server reference",
    );
    invalid_at(
        r#"{"steps": [{"run_ms": "soon"}]}"#,
        "steps[0].run_ms",
        "milliseconds",
    );
    invalid_at(
        r#"{"cluster": {"network": {"loss": 2}}}"#,
        "cluster.network.loss",
        "probability",
    );
}

#[test]
fn unknown_fields_and_commands_are_rejected() {
    // Expect: a typo in a field or a command is an error, not silently ignored.
    invalid_at(
        r#"{"clusterr": {}}"#,
        "clusterr",
        "unknown field `clusterr`",
    );
    invalid_at(
        r#"{"cluster": {"sever": 3}}"#,
        "cluster.sever",
        "unknown field `sever`",
    );
    invalid_at(
        r#"{"steps": [{"explode": 1}]}"#,
        "steps[0].explode",
        "unknown step key `explode`",
    );
    invalid_at(
        r#"{"steps": [{"crash": 1, "restart": 1}]}"#,
        "steps[0]",
        "exactly one command",
    );
    invalid_at(
        r#"{"steps": [{"expect": {"leadr": {}}}]}"#,
        "steps[0].expect",
        "unknown variant `leadr`",
    );
}

#[test]
fn out_of_range_ids_and_impossible_configs_are_rejected() {
    // Expect: servers that do not exist, clusters that cannot work, names never defined.
    invalid_at(
        r#"{"cluster": {"servers": 3}, "steps": [{"crash": 4}]}"#,
        "steps[0].crash",
        "no server 4",
    );
    invalid_at(
        r#"{"steps": [{"crash": 0}]}"#,
        "steps[0].crash",
        "out of range",
    );
    invalid_at(
        r#"{"cluster": {"servers": 0}}"#,
        "cluster.servers",
        "1..=25",
    );
    invalid_at(
        r#"{"cluster": {"election_timeout_ms": [300, 200]}}"#,
        "cluster (election_timeout_ms / heartbeat_interval_ms)",
        "must be less than",
    );
    invalid_at(
        r#"{"steps": [{"expect": {"committed": {"op": "w9"}}}]}"#,
        "steps[0].expect.committed.op",
        "no client step",
    );
    invalid_at(
        r#"{"steps": [{"crash": "$nobody"}]}"#,
        "steps[0].crash",
        "never saved",
    );
    invalid_at(
        r#"{"steps": [{"put": {"client": 9, "key": "k", "value": "v"}}]}"#,
        "steps[0].put.client",
        "no client 9",
    );
}

#[test]
fn truncated_json_reports_line_and_column() {
    // Expect: a syntax error with its position, whatever is cut off.
    for text in [
        "",
        "{",
        r#"{"steps": [{"crash": 1}"#,
        r#"{"name": "x"#,
        "{\"cluster\": {\"servers\": 3,}}",
    ] {
        assert!(
            matches!(rejected(text), ScenarioError::Syntax { line: 1, .. }),
            "{text:?}"
        );
    }
}

#[test]
fn huge_numbers_are_rejected_not_wrapped() {
    // Expect: numbers beyond their type or limit are errors.
    invalid_at(
        r#"{"cluster": {"seed": 184467440737095516160}}"#,
        "cluster.seed",
        "",
    );
    invalid_at(
        r#"{"cluster": {"servers": 4294967296}}"#,
        "cluster.servers",
        "",
    );
    invalid_at(
        r#"{"steps": [{"run_ms": 99999999999}]}"#,
        "steps[0].run_ms",
        "limit",
    );
    invalid_at(
        r#"{"steps": [{"repeat": {"times": 4000000000, "steps": []}}]}"#,
        "steps[0].repeat.times",
        "1..=100000",
    );
    let e = rejected(r#"{"cluster": {"network": {"loss": 1e400}}}"#);
    assert!(
        matches!(&e, ScenarioError::Syntax { reason, .. } if reason.contains("out of range")),
        "{e:?}"
    );
}

#[test]
fn a_ten_megabyte_string_is_refused_before_parsing() {
    // Expect: the size limit, not an out-of-memory or a slow parse.
    let text = format!(r#"{{"name": "{}"}}"#, "a".repeat(10 * 1024 * 1024));
    assert_eq!(rejected(&text), ScenarioError::TooLarge(text.len()));
    let long_name = format!(r#"{{"name": "{}"}}"#, "a".repeat(MAX_SCENARIO_BYTES / 2));
    invalid_at(&long_name, "name", "longer than");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // Expect: the JSON reader's depth limit (src/json) turns deep nesting into an error.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(matches!(
        rejected(&deep),
        ScenarioError::Syntax { .. } | ScenarioError::Invalid { .. }
    ));
    let mut nested = String::from(r#"{"run_ms": 1}"#);
    for _ in 0..200 {
        nested = format!(r#"{{"repeat": {{"times": 1, "steps": [{nested}]}}}}"#);
    }
    let _ = Scenario::from_json(&format!(r#"{{"steps": [{nested}]}}"#)).expect_err("too deep");
}

#[test]
fn html_in_names_and_text_is_refused() {
    // Expect: names and texts are plain text; markup is an error with the path.
    invalid_at(
        r#"{"name": "<script>alert(1)</script>"}"#,
        "name",
        "plain text",
    );
    invalid_at(
        r#"{"description": "hi <img src=x onerror=alert(1)>"}"#,
        "description",
        "plain text",
    );
    invalid_at(
        r#"{"steps": [{"note": "<b>bold</b>", "run_ms": 1}]}"#,
        "steps[0].note",
        "plain text",
    );
    invalid_at(
        r#"{"steps": [{"mark": "<m>", "run_ms": 1}]}"#,
        "steps[0].mark",
        "not a name",
    );
    assert!(Scenario::from_json(r#"{"description": "a < b and c > d"}"#).is_ok());
}
