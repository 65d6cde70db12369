//! The page's own objects read by hand from their [`Json`] tree ([`super::js_input`]): the
//! options of `new Simulation(options)` ([`options`]), the network options of `setNetwork` and
//! `setLink` ([`network`]) and the groups of `partition` ([`groups`]).
//!
//! They were read by serde through the document reader ([`crate::json::from_value`] and
//! `json_struct!`); that reader and the visitors it compiles were about 5 KB gzip of the page's
//! wasm (issue 6), for three small objects. The errors here are that reader's, word for word and
//! at the same paths: a value of the wrong type (`invalid type: string "x", expected f64`) or
//! out of its type's range (`invalid value: integer `-1`, expected u32`) at the value, an
//! unknown key at the key (`unknown field `sever`, expected one of …`), a repeated key at the
//! object. The serde readers are kept natively (`options.rs`) as the oracle the tests compare
//! this reader with, on many objects, valid and not.

use serde::de::Unexpected;

use super::options::{BugOptions, NetworkOptions, Options, SeedInput};
use crate::float_text;
use crate::json::{Error, Json, Number, MAX_DEPTH};

/// What a reader gives: the value, or the error with its path.
pub type Read<T> = Result<T, Error>;

/// The readers' own results: the error boxed, so that every result passed up is small.
type Step<T> = Result<T, Box<Error>>;

/// The keys of [`Options`], in the order of its table.
pub const OPTION_KEYS: &[&str] = &[
    "servers",
    "seed",
    "electionTimeoutMsMin",
    "electionTimeoutMsMax",
    "heartbeatIntervalMs",
    "preVote",
    "checkQuorum",
    "network",
    "clients",
    "workload",
    "clientsStartMs",
    "faults",
    "autoCompactEntries",
    "checkSafety",
    "bugs",
];

/// The keys of [`NetworkOptions`].
pub const NETWORK_KEYS: &[&str] = &[
    "latencyMsMin",
    "latencyMsMax",
    "lossPercent",
    "duplicatePercent",
    "reorderPercent",
    "reorderDelayMsMax",
];

/// The keys of [`BugOptions`].
pub const BUG_KEYS: &[&str] = &[
    "skipFigure8Rule",
    "skipVoteLogCheck",
    "forgetVoteOnRestart",
    "keepCommitAcrossCrash",
];

/// Reads the options of `new Simulation(options)`.
pub fn options(v: &Json) -> Read<Options> {
    options_at(v).map_err(|e| *e)
}

fn options_at(v: &Json) -> Step<Options> {
    let mut o = Options::default();
    object(
        v,
        "",
        "struct Options",
        OPTION_KEYS,
        true,
        &mut |i, v, at| {
            match i {
                0 => o.servers = Some(u32_value(v, at)?),
                1 => o.seed = Some(seed(v, at)?),
                2 => o.election_timeout_ms_min = Some(u64_value(v, at)?),
                3 => o.election_timeout_ms_max = Some(u64_value(v, at)?),
                4 => o.heartbeat_interval_ms = Some(u64_value(v, at)?),
                5 => o.pre_vote = Some(boolean(v, at)?),
                6 => o.check_quorum = Some(boolean(v, at)?),
                7 => o.network = Some(network_at(v, at)?),
                8 => o.clients = Some(u32_value(v, at)?),
                9 => o.workload = Some(boolean(v, at)?),
                10 => o.clients_start_ms = Some(u64_value(v, at)?),
                11 => o.faults = Some(boolean(v, at)?),
                12 => o.auto_compact_entries = Some(u64_value(v, at)?),
                13 => o.check_safety = Some(boolean(v, at)?),
                _ => o.bugs = Some(bugs(v, at)?),
            }
            Ok(())
        },
    )?;
    Ok(o)
}

/// Reads the network options of `setNetwork` / `setLink`.
pub fn network(v: &Json) -> Read<NetworkOptions> {
    network_at(v, "").map_err(|e| *e)
}

#[inline(never)]
fn network_at(v: &Json, path: &str) -> Step<NetworkOptions> {
    let mut n = NetworkOptions::default();
    object(
        v,
        path,
        "struct NetworkOptions",
        NETWORK_KEYS,
        true,
        &mut |i, v, at| {
            match i {
                0 => n.latency_ms_min = Some(u64_value(v, at)?),
                1 => n.latency_ms_max = Some(u64_value(v, at)?),
                2 => n.loss_percent = Some(float(v, at)?),
                3 => n.duplicate_percent = Some(float(v, at)?),
                4 => n.reorder_percent = Some(float(v, at)?),
                _ => n.reorder_delay_ms_max = Some(u64_value(v, at)?),
            }
            Ok(())
        },
    )?;
    Ok(n)
}

#[inline(never)]
fn bugs(v: &Json, path: &str) -> Step<BugOptions> {
    let mut b = BugOptions::default();
    object(
        v,
        path,
        "struct BugOptions",
        BUG_KEYS,
        false,
        &mut |i, v, at| {
            *match i {
                0 => &mut b.skip_figure8_rule,
                1 => &mut b.skip_vote_log_check,
                2 => &mut b.forget_vote_on_restart,
                _ => &mut b.keep_commit_across_crash,
            } = boolean(v, at)?;
            Ok(())
        },
    )?;
    Ok(b)
}

/// Reads the groups of `partition` (`[[1, 2], [3, 4, 5]]`) as numbers; the ids are checked
/// after.
pub fn groups(v: &Json) -> Read<Vec<Vec<f64>>> {
    list(v, "", &mut |group, at| list(group, at, &mut float)).map_err(|e| *e)
}

/// The error at `path` (`.` for the whole object).
#[inline(never)]
fn fail(path: &str, reason: String) -> Box<Error> {
    let path = if path.is_empty() { "." } else { path };
    Box::new(Error::Invalid {
        path: path.to_string(),
        reason,
    })
}

/// The error for `v` where a value of `expected` was wanted (a value nested too deeply is the
/// depth error).
#[inline(never)]
fn wrong(v: &Json, path: &str, expected: &str) -> Box<Error> {
    let Some(unexpected) = v.unexpected() else {
        return fail(path, format!("nested more than {MAX_DEPTH} levels deep"));
    };
    let unexpected = float_text::Unexpected(unexpected);
    fail(
        path,
        format!("invalid type: {unexpected}, expected {expected}"),
    )
}

/// Calls `field(index of its key in keys, value, path)` for each entry of the object `v` (a
/// struct `name`), in order. An unknown key is refused at the key, a repeated one at the object.
/// With `optional` (fields that are `Option`s), a `null` is none: the field is left unset.
fn object(
    v: &Json,
    path: &str,
    name: &str,
    keys: &[&str],
    optional: bool,
    field: &mut dyn FnMut(usize, &Json, &str) -> Step<()>,
) -> Step<()> {
    let Json::Object(entries) = v else {
        return Err(wrong(v, path, name));
    };
    let mut seen = 0u64;
    for (key, value) in entries {
        let at = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        let Some(i) = keys.iter().position(|k| k == key) else {
            return Err(fail(&at, unknown_field(key, keys)));
        };
        if seen & 1 << i != 0 {
            return Err(fail(path, format!("duplicate field `{key}`")));
        }
        seen |= 1 << i;
        if !(optional && matches!(value, Json::Null)) {
            field(i, value, &at)?;
        }
    }
    Ok(())
}

/// serde's words for a key that is none of `keys` (at least three: "one of").
fn unknown_field(key: &str, keys: &[&str]) -> String {
    debug_assert!(keys.len() > 2);
    let mut text = format!("unknown field `{key}`, expected one of ");
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            text.push_str(", ");
        }
        text.push('`');
        text.push_str(k);
        text.push('`');
    }
    text
}

/// The items of the array `v`, each read by `item` at its index.
fn list<T>(v: &Json, path: &str, item: &mut dyn FnMut(&Json, &str) -> Step<T>) -> Step<Vec<T>> {
    let Json::Array(items) = v else {
        return Err(wrong(v, path, "a sequence"));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, x) in items.iter().enumerate() {
        out.push(item(x, &format!("{path}[{i}]"))?);
    }
    Ok(out)
}

/// An integer from 0 to `max`, named `name` in errors (`u32`, `u64`).
fn unsigned(v: &Json, path: &str, max: u64, name: &str) -> Step<u64> {
    let unexpected = match v {
        Json::Number(Number::PosInt(n)) if *n <= max => return Ok(*n),
        Json::Number(Number::PosInt(n)) => Unexpected::Unsigned(*n),
        Json::Number(Number::NegInt(n)) => Unexpected::Signed(*n),
        _ => return Err(wrong(v, path, name)),
    };
    let unexpected = float_text::Unexpected(unexpected);
    Err(fail(
        path,
        format!("invalid value: {unexpected}, expected {name}"),
    ))
}

#[inline(never)]
fn u32_value(v: &Json, path: &str) -> Step<u32> {
    unsigned(v, path, u32::MAX.into(), "u32").map(|n| n as u32)
}

#[inline(never)]
fn u64_value(v: &Json, path: &str) -> Step<u64> {
    unsigned(v, path, u64::MAX, "u64")
}

#[inline(never)]
fn float(v: &Json, path: &str) -> Step<f64> {
    match v {
        Json::Number(n) => Ok(number(n)),
        _ => Err(wrong(v, path, "f64")),
    }
}

fn number(n: &Number) -> f64 {
    match *n {
        Number::PosInt(u) => u as f64,
        Number::NegInt(i) => i as f64,
        Number::Float(f) => f,
    }
}

#[inline(never)]
fn boolean(v: &Json, path: &str) -> Step<bool> {
    match v {
        Json::Bool(b) => Ok(*b),
        _ => Err(wrong(v, path, "a boolean")),
    }
}

/// A seed: a number or a string (checked after: [`super::options::parse_seed`]).
#[inline(never)]
fn seed(v: &Json, path: &str) -> Step<SeedInput> {
    match v {
        Json::Number(n) => Ok(SeedInput::Number(number(n))),
        Json::String(s) => Ok(SeedInput::Text(s.clone())),
        _ => Err(fail(
            path,
            "data did not match any variant of untagged enum SeedInput".to_string(),
        )),
    }
}
