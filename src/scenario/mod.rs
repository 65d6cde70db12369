//! Scenario files and chaos sweeps: the declarative scripts that tests, tutorials, examples
//! and the embed share, and the seeded fault sweep behind `raftlab sweep`.
//!
//! A scenario is JSON: a `cluster` (size, seed, timeouts, network, switches, workload,
//! faults), `limits`, and timed `steps` — actions (crash, partition, client writes, …) and
//! expectations (one leader within 5 s, an operation committed on 3 servers, no violation,
//! …). Servers are named by id or by role (`"leader"`, `"follower"`, `"leader+1"`, `"$L1"`),
//! resolved when the step runs. `scenarios/README.md` is the author's guide.
//!
//! ```
//! use raftlab::scenario::{run, Scenario};
//! let s = Scenario::from_json(r#"{
//!   "cluster": { "servers": 3, "seed": 7 },
//!   "steps": [
//!     { "expect": { "leader": {} }, "within_ms": 5000 },
//!     { "crash": "leader" },
//!     { "expect": { "leader": {} }, "within_ms": 5000 }
//!   ]
//! }"#).unwrap();
//! assert!(run(&s).unwrap().passed);
//! ```
//!
//! Everything here is pure (no file system, no threads, no clock) so that it compiles to
//! wasm32 and replays identically there; reading files is the CLI's job.

mod actions;
mod condition;
mod context;
mod error;
mod format;
mod refs;
mod report;
mod runner;
mod step;
pub mod sweep;
mod validate;

pub use context::{Context, Mark, OpTrack};
pub use error::{ScenarioError, MAX_SCENARIO_BYTES};
pub use format::{
    AmongCond, AppliedCond, BugName, Choice, ClientOpSpec, ClusterSpec, Condition, CountCond,
    Empty, FaultSpec, LeaderCond, Limits, LinkSpec, MessagesCond, MixSpec, NetworkSpec, OpCond,
    RepeatSpec, ResponseCond, Scenario, SetLinkSpec, TermCond, TermsAgreeCond, ValueCond,
    ViolationCond, WorkloadSpec,
};
pub use refs::{
    parse_property, Base, Fraction, KindSel, NodeRef, NodeSet, NumRef, Pool, PropertySel, Span,
    PROPERTIES,
};
pub use report::{Outcome, Report, StepResult};
pub use runner::{run, ScenarioRun};
pub use step::{OpKind, Step, StepKind};
pub use validate::{checked_sim_config, sim_config};

use crate::json::{self, Json};

impl Scenario {
    /// Parses and validates a scenario document. The first problem is reported with its JSON
    /// path (`steps[3].crash`) and reason; nothing here panics on any input.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = read(&parse_document(text)?)?;
        validate::validate(&scenario)?;
        Ok(scenario)
    }
}

/// Parses a scenario document into a tree: at most [`MAX_SCENARIO_BYTES`], JSON, an object.
fn parse_document(text: &str) -> Result<Json, ScenarioError> {
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(ScenarioError::TooLarge(text.len()));
    }
    let doc = json::parse(text).map_err(read_error)?;
    // serde's derived structs also accept a JSON array (fields by position): `[]` would be a
    // valid, empty scenario. A scenario is an object.
    let other = match doc {
        Json::Object(_) => return Ok(doc),
        Json::Array(_) => "an array",
        Json::TooDeep => "a value nested too deeply",
        Json::String(_) => "a string",
        Json::Number(_) => "a number",
        Json::Bool(_) => "a boolean",
        Json::Null => "null",
    };
    Err(ScenarioError::invalid(
        ".",
        format_args!(
            "a scenario is a JSON object {{ \"cluster\": …, \"steps\": […] }}, not {other}"
        ),
    ))
}

/// Reads a `T` from a parsed document; the error names the path of the first wrong value.
fn read<T: serde::de::DeserializeOwned>(doc: &Json) -> Result<T, ScenarioError> {
    json::from_value(doc).map_err(read_error)
}

fn read_error(e: json::Error) -> ScenarioError {
    match e {
        json::Error::Syntax(e) => ScenarioError::Syntax {
            line: e.line,
            column: e.column,
            reason: e.reason.to_string(),
        },
        json::Error::Invalid { path, reason } => ScenarioError::invalid(path, reason),
    }
}
