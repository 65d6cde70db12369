//! Why a scenario file was rejected: the JSON path of the first problem and the reason.

use std::fmt;

use serde::Serialize;
use thiserror::Error;

/// The largest scenario document accepted, in bytes (a scenario is a few kilobytes; this only
/// stops absurd input before it is parsed).
pub const MAX_SCENARIO_BYTES: usize = 4 * 1024 * 1024;

/// A scenario that cannot be run. Every variant names where the problem is, so an author (or
/// the browser's editor) can point at it.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
pub enum ScenarioError {
    /// The text is not JSON (or is cut short): line and column of the first error.
    #[error("line {line}, column {column}: {reason}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        reason: String,
    },
    /// The JSON is well formed but a value is wrong: unknown field, wrong type, out of range,
    /// a reference to something that does not exist, or a cluster that cannot work.
    #[error("{path}: {reason}")]
    Invalid {
        /// Where, as a JSON path (`steps[3].crash`, `cluster.network.loss`).
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The document is larger than [`MAX_SCENARIO_BYTES`].
    #[error("the scenario is {0} bytes; the limit is {MAX_SCENARIO_BYTES}")]
    TooLarge(usize),
}

impl ScenarioError {
    /// An invalid value at `path`.
    pub fn invalid(path: impl Into<String>, reason: impl fmt::Display) -> Self {
        Self::invalid_text(path.into(), reason.to_string())
    }

    /// [`ScenarioError::invalid`] past its generic arguments: one copy of the body, not one per
    /// pair of argument types (issue 6: wasm size).
    fn invalid_text(path: String, reason: String) -> Self {
        let path = if path.is_empty() {
            ".".to_string()
        } else {
            path
        };
        ScenarioError::Invalid { path, reason }
    }

    /// The JSON path of the problem (`.` for the whole document, empty for a syntax error).
    pub fn path(&self) -> &str {
        match self {
            ScenarioError::Invalid { path, .. } => path,
            _ => "",
        }
    }
}
