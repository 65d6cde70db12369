//! What a scenario run reports: every step with its virtual times and outcome, the
//! violations, and the trace hash that identifies the run.

use std::fmt::Write as _;

use serde::Serialize;

use crate::check::safety::Violation;

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// An action or a pause that ran.
    Done,
    /// An expectation that held.
    Passed {
        /// What held.
        detail: String,
    },
    /// An expectation that did not hold, or an action the world refused.
    Failed {
        /// Why.
        reason: String,
    },
    /// Not run: its `if` or `chance` said no, or it was `optional` and could not run.
    Skipped {
        /// Why.
        reason: String,
    },
}

/// One executed step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepResult {
    /// Where it is in the file, e.g. `steps[4]` or `steps[2].repeat#7.steps[1]`.
    pub label: String,
    /// What it did, with references resolved (`crash S2`).
    pub what: String,
    /// Virtual time it started.
    pub start_ms: u64,
    /// Virtual time it ended.
    pub end_ms: u64,
    /// It was due earlier (its `at_ms` had passed when the previous step finished).
    pub late: bool,
    /// The step's note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// How it ended.
    pub outcome: Outcome,
}

impl StepResult {
    /// Whether it failed.
    pub fn failed(&self) -> bool {
        matches!(self.outcome, Outcome::Failed { .. })
    }
}

/// The whole run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The scenario's name.
    pub name: String,
    /// Every expectation held, no command failed, and every violation was expected.
    pub passed: bool,
    /// The first reason the run failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// Steps in execution order.
    pub steps: Vec<StepResult>,
    /// Safety violations seen.
    pub violations: Vec<Violation>,
    /// A `violation` expectation passed: the violations demonstrate a bug on purpose.
    pub violations_expected: bool,
    /// Virtual time at the end.
    pub virtual_ms: u64,
    /// World steps (events and commands) taken.
    pub events: u64,
    /// Hash of the whole trace (FNV-1a), as 16 hex digits.
    pub trace_hash: String,
}

impl Report {
    /// A short human summary: one line, plus the failing step and violations if any; with
    /// `verbose`, every step.
    pub fn human(&self, verbose: bool) -> String {
        let mut out = String::new();
        let verdict = if self.passed { "PASS" } else { "FAIL" };
        let secs = self.virtual_ms as f64 / 1000.0;
        let _ = writeln!(
            out,
            "{verdict} {} ({} steps, {secs:.1} s virtual, {} events, trace {})",
            self.name,
            self.steps.len(),
            self.events,
            self.trace_hash
        );
        for s in self.steps.iter().filter(|s| verbose || s.failed()) {
            let _ = writeln!(out, "  {}", step_line(s));
        }
        if let Some(f) = &self.failure {
            let _ = writeln!(out, "  failure: {f}");
        }
        let shown = if verbose { self.violations.len() } else { 3 };
        for v in self.violations.iter().take(shown) {
            let tag = if self.violations_expected {
                "expected violation"
            } else {
                "VIOLATION"
            };
            let _ = writeln!(out, "  {tag}: {v}");
        }
        out
    }
}

fn step_line(s: &StepResult) -> String {
    let late = if s.late { " (late)" } else { "" };
    let status = match &s.outcome {
        Outcome::Done => "done".to_string(),
        Outcome::Passed { detail } => format!("ok: {detail}"),
        Outcome::Failed { reason } => format!("FAILED: {reason}"),
        Outcome::Skipped { reason } => format!("skipped: {reason}"),
    };
    format!(
        "t={}..{}{late} {} {} — {status}",
        s.start_ms, s.end_ms, s.label, s.what
    )
}
