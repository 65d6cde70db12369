//! The page's hand-written readers of its option objects (`raftlab::wasm::objects`: the options
//! of `new Simulation`, network options, partition groups) against the serde readers they
//! replace (`json::from_value`, kept natively as the oracle): on the same trees, valid and
//! not, both give the same value or the same error, word for word and at the same path.
//!
//! ```sh
//! RAFTLAB_FUZZ_CASES=200000 cargo test --release --test page_objects   # a longer run
//! ```

use raftlab::json::{self, Json, Number};
use raftlab::wasm::objects::{self, BUG_KEYS, NETWORK_KEYS, OPTION_KEYS};
use raftlab::wasm::options::{NetworkOptions, Options};

#[path = "common/splitmix.rs"]
mod splitmix;
use splitmix::SplitMix as Rng;

fn cases() -> u64 {
    std::env::var("RAFTLAB_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
}

/// Both readers on `tree`: the same value (compared by its debug text) or the same error.
fn same_as_serde(tree: &Json) -> bool {
    let hand = format!("{:?}", objects::options(tree));
    let serde = format!("{:?}", json::from_value::<Options>(tree));
    assert_eq!(hand, serde, "options {tree:?}");
    let hand = format!("{:?}", objects::network(tree));
    let serde = format!("{:?}", json::from_value::<NetworkOptions>(tree));
    assert_eq!(hand, serde, "network options {tree:?}");
    let hand = format!("{:?}", objects::groups(tree));
    let serde = format!("{:?}", json::from_value::<Vec<Vec<f64>>>(tree));
    assert_eq!(hand, serde, "groups {tree:?}");
    objects::options(tree).is_ok()
}

fn object(entries: &[(&str, Json)]) -> Json {
    Json::Object(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

fn int(n: u64) -> Json {
    Json::Number(Number::PosInt(n))
}

fn neg(n: i64) -> Json {
    Json::Number(Number::NegInt(n))
}

fn float(f: f64) -> Json {
    Json::Number(Number::Float(f))
}

/// A scalar, a container or a cut-off value, of any kind.
fn any_value(rng: &mut Rng, depth: u32) -> Json {
    let numbers = [
        0,
        1,
        3,
        25,
        u64::from(u32::MAX),
        u64::from(u32::MAX) + 1,
        1 << 53,
        u64::MAX,
    ];
    let floats = [0.5, -0.0, 1e300, -2.5, f64::NAN, f64::INFINITY, 12.5, 100.0];
    match rng.below(if depth > 2 { 8 } else { 10 }) {
        0 => Json::Null,
        1 => Json::Bool(rng.chance(50)),
        2 | 3 => int(numbers[rng.below(8) as usize]),
        4 => neg(-(rng.below(1 << 40) as i64) - 1),
        5 => float(floats[rng.below(8) as usize]),
        6 => Json::String(
            ["7", "x", "", "é\"\n", "18446744073709551615"][rng.below(5) as usize].into(),
        ),
        7 => Json::TooDeep,
        8 => Json::Array(
            (0..rng.below(3))
                .map(|_| any_value(rng, depth + 1))
                .collect(),
        ),
        _ => any_object(rng, &["a", "seed"], depth + 1),
    }
}

/// A value of the right kind for a key most of the time, else any value.
fn value_for(rng: &mut Rng, key: &str, depth: u32) -> Json {
    if rng.chance(30) {
        return any_value(rng, depth);
    }
    match key {
        "network" => any_object(rng, NETWORK_KEYS, depth + 1),
        "bugs" => any_object(rng, BUG_KEYS, depth + 1),
        "seed" if rng.chance(50) => Json::String(rng.below(1000).to_string()),
        "preVote" | "checkQuorum" | "workload" | "faults" | "checkSafety" => {
            Json::Bool(rng.chance(50))
        }
        k if BUG_KEYS.contains(&k) => Json::Bool(rng.chance(50)),
        k if k.ends_with("Percent") => float(rng.below(10_000) as f64 / 100.0),
        _ => int(rng.below(20_000)),
    }
}

/// An object whose keys are mostly from `keys`, with now and then a typo, a repeated key or
/// a key of another table.
fn any_object(rng: &mut Rng, keys: &[&str], depth: u32) -> Json {
    let mut entries: Vec<(String, Json)> = Vec::new();
    for _ in 0..rng.below(6) {
        let key = match rng.below(20) {
            0 => "sever".to_string(),
            1 => String::new(),
            2 => OPTION_KEYS[rng.below(OPTION_KEYS.len() as u64) as usize].to_string(),
            3 if !entries.is_empty() => entries[0].0.clone(),
            _ => keys[rng.below(keys.len() as u64) as usize].to_string(),
        };
        let value = value_for(rng, &key, depth);
        entries.push((key, value));
    }
    Json::Object(entries)
}

/// Groups as `partition` gets them, now and then with a wrong item.
fn any_groups(rng: &mut Rng) -> Json {
    let group = |rng: &mut Rng| {
        let items = (0..rng.below(4))
            .map(|_| {
                if rng.chance(10) {
                    any_value(rng, 2)
                } else {
                    int(1 + rng.below(5))
                }
            })
            .collect();
        Json::Array(items)
    };
    Json::Array(
        (0..rng.below(4))
            .map(|_| {
                if rng.chance(10) {
                    any_value(rng, 1)
                } else {
                    group(rng)
                }
            })
            .collect(),
    )
}

#[test]
fn random_objects_read_as_serde_read_them() {
    let mut rng = Rng(0x00b1_ec75);
    let (mut valid, mut invalid) = (0, 0);
    for _ in 0..cases() {
        let tree = match rng.below(10) {
            0..=5 => any_object(&mut rng, OPTION_KEYS, 0),
            6 | 7 => any_object(&mut rng, NETWORK_KEYS, 0),
            8 => any_groups(&mut rng),
            _ => any_value(&mut rng, 0),
        };
        if same_as_serde(&tree) {
            valid += 1;
        } else {
            invalid += 1;
        }
    }
    // Both kinds in numbers: the comparison is not all errors, nor all successes.
    assert!(valid > cases() / 10, "{valid} valid of {}", cases());
    assert!(invalid > cases() / 10, "{invalid} invalid of {}", cases());
}

#[test]
fn each_kind_of_error_reads_as_serde_read_it() {
    let network = |entries: &[(&str, Json)]| object(&[("network", object(entries))]);
    let bugs = |entries: &[(&str, Json)]| object(&[("bugs", object(entries))]);
    let full = object(&[
        ("servers", int(5)),
        ("seed", Json::String("18446744073709551615".into())),
        ("electionTimeoutMsMin", int(150)),
        ("electionTimeoutMsMax", int(300)),
        ("heartbeatIntervalMs", int(50)),
        ("preVote", Json::Bool(true)),
        ("checkQuorum", Json::Bool(false)),
        (
            "network",
            object(&[("lossPercent", float(12.5)), ("latencyMsMax", int(40))]),
        ),
        ("clients", int(2)),
        ("workload", Json::Bool(true)),
        ("clientsStartMs", int(1000)),
        ("faults", Json::Null),
        ("autoCompactEntries", int(0)),
        ("checkSafety", Json::Bool(true)),
        ("bugs", object(&[("skipFigure8Rule", Json::Bool(true))])),
    ]);
    assert!(same_as_serde(&full));
    let cases = [
        // The whole object of the wrong kind.
        Json::Null,
        Json::Array(vec![]),
        Json::String("{}".into()),
        Json::TooDeep,
        // An unknown key (at the key), a repeated one (at the object).
        object(&[("sever", int(5))]),
        object(&[("servers", int(5)), ("servers", int(3))]),
        network(&[("loss", float(0.5))]),
        network(&[("lossPercent", int(5)), ("lossPercent", int(6))]),
        bugs(&[
            ("skipFigure8Rule", Json::Bool(true)),
            ("skipFigure8Rule", Json::Bool(true)),
        ]),
        bugs(&[("skip", Json::Bool(true))]),
        // Wrong types and values out of a type's range, at the value.
        object(&[("servers", Json::String("3".into()))]),
        object(&[("servers", float(1.5))]),
        object(&[("servers", int(u64::from(u32::MAX) + 1))]),
        object(&[("servers", neg(-1))]),
        object(&[("electionTimeoutMsMin", neg(-5))]),
        object(&[("electionTimeoutMsMin", float(f64::NAN))]),
        object(&[("preVote", int(1))]),
        object(&[("seed", Json::Bool(true))]),
        object(&[("seed", Json::Array(vec![]))]),
        object(&[("seed", Json::TooDeep)]),
        object(&[("network", Json::TooDeep)]),
        network(&[("lossPercent", Json::String("x".into()))]),
        network(&[("latencyMsMin", float(-0.0))]),
        bugs(&[("skipVoteLogCheck", Json::Null)]),
        object(&[("bugs", int(1))]),
        // Groups.
        Json::Array(vec![Json::Array(vec![int(1), Json::String("2".into())])]),
        Json::Array(vec![int(1)]),
        Json::Array(vec![Json::Array(vec![Json::TooDeep])]),
        Json::Array(vec![
            Json::Array(vec![neg(-3), float(0.5)]),
            Json::Array(vec![]),
        ]),
    ];
    for tree in &cases {
        same_as_serde(tree);
    }
    // A sample of the words, so that a change on both sides shows too.
    let e = |tree: &Json| objects::options(tree).expect_err("refused").to_string();
    assert_eq!(
        e(&object(&[("servers", neg(-1))])),
        "servers: invalid value: integer `-1`, expected u32"
    );
    assert_eq!(
        e(&network(&[("lossPercent", Json::String("x".into()))])),
        "network.lossPercent: invalid type: string \"x\", expected f64"
    );
    assert!(e(&object(&[("sever", int(5))]))
        .starts_with("sever: unknown field `sever`, expected one of `servers`, `seed`,"));
    assert_eq!(
        e(&object(&[("servers", int(5)), ("servers", int(3))])),
        ".: duplicate field `servers`"
    );
    assert_eq!(
        objects::groups(&Json::Array(vec![Json::Array(vec![Json::Bool(true)])]))
            .expect_err("refused")
            .to_string(),
        "[0][0]: invalid type: boolean `true`, expected f64"
    );
}
