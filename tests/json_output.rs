//! The page's JSON writer (`raftlab::json::to_string`, read by the browser's `JSON.parse`)
//! against serde_json, the reference: every serde shape the crate uses, hostile strings and
//! floats, and the facade's real outputs from runs with crashes, faults, client load and a
//! deliberate bug (so that violations and failed operations are in them too).

use std::collections::BTreeMap;

use raftlab::json::to_string;
use raftlab::scenario::BugName;
use raftlab::sim::{Action, Simulation};
use raftlab::wasm::details;
use raftlab::wasm::observer::Observer;
use raftlab::wasm::search::{run_search_seed, search_config};
use serde::Serialize;
use serde_json::Value;

/// Numbers as f64 (serde_json keeps `1` and `1.0` apart; JavaScript does not).
fn numbers_as_f64(v: Value) -> Value {
    match v {
        Value::Number(n) => serde_json::json!(n.as_f64().expect("a finite number")),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_f64).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, numbers_as_f64(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Writes `v`, checks that serde_json reads the text back as the value it writes itself, and
/// returns the text.
#[track_caller]
fn same_as_serde_json<T: Serialize + ?Sized>(v: &T) -> String {
    let ours = to_string(v);
    let read: Value = serde_json::from_str(&ours).unwrap_or_else(|e| panic!("{e}: {ours}"));
    let reference = serde_json::to_value(v).expect("serde_json writes it");
    assert_eq!(
        numbers_as_f64(read),
        numbers_as_f64(reference),
        "text: {ours}"
    );
    ours
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Plain {
    small_int: i8,
    big: u64,
    low: i64,
    ratio: f64,
    maybe: Option<u32>,
    nothing: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<u32>,
    name: String,
    letter: char,
    list: Vec<u16>,
    pair: (u8, bool),
    unit: (),
    marker: Marker,
    wrapped: Wrapped,
    tuple: TupleStruct,
    #[serde(flatten)]
    extra: Flat,
}

#[derive(Serialize)]
struct Marker;

#[derive(Serialize)]
struct Wrapped(u32);

#[derive(Serialize)]
struct TupleStruct(u8, &'static str);

#[derive(Serialize)]
struct Flat {
    flattened: u8,
}

#[derive(Serialize)]
enum External {
    Unit,
    Newtype(u8),
    Tuple(u8, u8),
    Struct { a: u8, b: Vec<External> },
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Internal {
    First { a: u8 },
    SecondOne,
    Carries(Flat),
}

#[derive(Serialize)]
#[serde(tag = "t", content = "c")]
enum Adjacent {
    Number(u8),
    Nothing,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Untagged {
    Number(u64),
    Text(&'static str),
    Object { x: i32 },
}

#[test]
fn every_shape_reads_back_as_serde_json_writes_it() {
    let plain = Plain {
        small_int: -128,
        big: u64::MAX,
        low: i64::MIN,
        ratio: 0.1,
        maybe: Some(7),
        nothing: None,
        skipped: None,
        name: "tab\there \"quoted\" back\\slash\nnew line \u{1} \u{1f} é ünïcödé 🚀".into(),
        letter: '"',
        list: vec![0, 1, 65535],
        pair: (255, true),
        unit: (),
        marker: Marker,
        wrapped: Wrapped(9),
        tuple: TupleStruct(1, "x"),
        extra: Flat { flattened: 3 },
    };
    let text = same_as_serde_json(&plain);
    assert!(
        text.starts_with("{\"smallInt\":-128,\"big\":18446744073709551615,"),
        "{text}"
    );
    assert!(text.contains("\"nothing\":null,\"name\""), "{text}");
    assert!(
        text.contains("\\u0001 \\u001f é"),
        "control characters escaped: {text}"
    );
    assert!(text.ends_with(",\"flattened\":3}"), "{text}");

    let external = vec![
        External::Unit,
        External::Newtype(1),
        External::Tuple(2, 3),
        External::Struct {
            a: 4,
            b: vec![External::Unit, External::Tuple(5, 6)],
        },
    ];
    assert_eq!(
        same_as_serde_json(&external),
        r#"["Unit",{"Newtype":1},{"Tuple":[2,3]},{"Struct":{"a":4,"b":["Unit",{"Tuple":[5,6]}]}}]"#
    );
    let internal = [
        Internal::First { a: 1 },
        Internal::SecondOne,
        Internal::Carries(Flat { flattened: 2 }),
    ];
    assert_eq!(
        same_as_serde_json(&internal),
        r#"[{"type":"first","a":1},{"type":"second_one"},{"type":"carries","flattened":2}]"#
    );
    same_as_serde_json(&[Adjacent::Number(1), Adjacent::Nothing]);
    same_as_serde_json(&[
        Untagged::Number(1),
        Untagged::Text("t"),
        Untagged::Object { x: -1 },
    ]);
    assert_eq!(same_as_serde_json(&Vec::<u8>::new()), "[]");
    assert_eq!(same_as_serde_json(&BTreeMap::<String, u8>::new()), "{}");
}

#[test]
fn map_keys_are_names_or_quoted_json_text() {
    let by_number: BTreeMap<i64, &str> = [(-3, "a"), (10, "b")].into();
    assert_eq!(same_as_serde_json(&by_number), r#"{"-3":"a","10":"b"}"#);
    let by_bool: BTreeMap<bool, u8> = [(false, 0), (true, 1)].into();
    assert_eq!(same_as_serde_json(&by_bool), r#"{"false":0,"true":1}"#);
    let by_name: BTreeMap<Wrapped2, u8> = [(Wrapped2::Left, 1)].into();
    assert_eq!(same_as_serde_json(&by_name), r#"{"Left":1}"#);

    // serde_json refuses these keys; the writer cannot fail, so it quotes their JSON text, which
    // reads back as a string.
    let by_pair: BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
    assert!(serde_json::to_string(&by_pair).is_err());
    assert_eq!(to_string(&by_pair), r#"{"[1,2]":3}"#);
    let by_text_pair: BTreeMap<(&str, u8), u8> = [(("a\"b", 1), 2)].into();
    let text = to_string(&by_text_pair);
    assert_eq!(text, r#"{"[\"a\\\"b\",1]":2}"#);
    let read: BTreeMap<String, u8> = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(read, [(r#"["a\"b",1]"#.to_string(), 2)].into());
    let by_nothing: BTreeMap<Option<u8>, u8> = [(None, 3), (Some(4), 5)].into();
    assert_eq!(to_string(&by_nothing), r#"{"null":3,"4":5}"#);
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
enum Wrapped2 {
    Left,
}

#[test]
fn floats_read_back_exactly_and_non_finite_ones_are_null() {
    let values = [
        0.0,
        -0.0,
        0.1,
        1.0 / 3.0,
        -2.5,
        1e300,
        1e-300,
        5e-324,
        f64::MAX,
        f64::MIN_POSITIVE,
        9007199254740993.0,
        123456.789,
    ];
    for v in values {
        let text = to_string(&v);
        let back: f64 = text.parse().unwrap_or_else(|e| panic!("{v}: {text}: {e}"));
        assert_eq!(back.to_bits(), v.to_bits(), "{v} written as {text}");
    }
    assert_eq!(
        to_string(&[f64::NAN, f64::INFINITY, f64::NEG_INFINITY]),
        "[null,null,null]"
    );
    assert_eq!(to_string(&1.5f32), "1.5");
}

/// A run the page could show: a deliberate bug, faults and client load until a violation (or
/// the end), then a few commands from the page.
fn eventful_run(seed: u64, bug: BugName) -> (Simulation, Observer) {
    let mut sim = Simulation::new(search_config(seed, bug, 5)).expect("valid world");
    let mut observer = Observer::new(sim.world());
    sim.run_until(6_000, |w| {
        observer.observe(w);
        !w.violations().is_empty()
    });
    for action in [Action::Crash { server: 1 }, Action::Heal] {
        if sim.apply(action.clone()).is_ok() {
            observer.command(sim.world(), &action);
        }
    }
    let t = sim.now_ms() + 500;
    sim.run_until(t, |w| {
        observer.observe(w);
        false
    });
    (sim, observer)
}

#[test]
fn the_facade_outputs_read_back_as_serde_json_writes_them() {
    let (mut violations, mut messages) = (0, 0);
    for (seed, bug) in [
        (1, BugName::SkipFigure8Rule),
        (2, BugName::ApplyWithoutDedup),
        (3, BugName::ForgetVoteOnRestart),
    ] {
        let (sim, observer) = eventful_run(seed, bug);
        let w = sim.world();
        violations += w.violations().len();
        same_as_serde_json(w.config());
        same_as_serde_json(w.counters());
        same_as_serde_json(w.violations());
        same_as_serde_json(w.history());
        same_as_serde_json(&w.check_linearizability());
        same_as_serde_json(&w.pending_events());
        same_as_serde_json(sim.command_log());
        same_as_serde_json(&observer.feed);
        same_as_serde_json(&observer.timeline);
        same_as_serde_json(&details::clients(w, 20));
        same_as_serde_json(&details::kv(w));
        for s in w.servers() {
            same_as_serde_json(&details::server(w, s.id).expect("known server"));
            same_as_serde_json(&details::log_window(w, s.id, 0, 50).expect("known server"));
        }
        for m in w.network().in_flight() {
            same_as_serde_json(&details::message(m));
            messages += 1;
        }
        same_as_serde_json(&run_search_seed(seed, bug, 3, 3_000));
    }
    assert!(
        violations > 0,
        "the runs should include violations, so that their facts are written too"
    );
    assert!(messages > 0, "and messages in flight");
}
