//! JSON documents read into typed values, with the path of the first wrong value; values
//! written as JSON text for the page ([`to_string`], `ser.rs`).
//!
//! Scenario files, world configurations, and the option and action objects of the page all come
//! through here: [`parse`] turns text into a [`Json`] tree (a syntax error names its line and
//! column), [`from_value`] reads a serde type from the tree (a wrong value names its path, e.g.
//! `steps[3].crash` or `cluster.network.loss`).
//!
//! Why not `serde_json` + `serde_path_to_error`: every type would be compiled once for the text
//! reader wrapped in the path tracker, and again for each other source; in the WebAssembly
//! module that was about a third of its size (issue 6). Here each type is compiled once, for
//! one deserializer over the tree, whose path is a linked list on the stack, rendered only when
//! an error is reported. The tree also bounds nesting: values deeper than [`MAX_DEPTH`] are
//! checked for syntax but not kept, and reading one is an error, so no document can overflow
//! the stack.
//!
//! The document structs implement `Deserialize` through `json_struct!` (`fields.rs`) rather than serde's
//! derive: one shared field table lookup and one call per field instead of a key matcher and
//! per-field bookkeeping compiled for each struct (same errors, same paths).

mod de;
mod fields;
mod parse;
mod ser;

use std::fmt;

use serde::de::DeserializeOwned;

pub(crate) use fields::json_struct;
pub use fields::{all_read, first_time, FieldIndex, Place, VariantIndex};
pub use parse::SyntaxError;
pub use ser::{to_string, WriteError};

/// Containers nested deeper than this are not kept (serde_json's recursion limit, too).
pub const MAX_DEPTH: usize = 128;

/// A JSON value. Object entries keep their order and duplicates (a typed reader rejects a
/// duplicate field).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string, escapes decoded.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object: its entries in document order.
    Object(Vec<(String, Json)>),
    /// A container nested deeper than [`MAX_DEPTH`] (checked, not kept).
    TooDeep,
}

impl Json {
    /// The value in the words of serde's "invalid type" errors (`string "x"`, `integer `5``,
    /// `map`), or `None` for a value nested too deeply (its own error).
    pub fn unexpected(&self) -> Option<serde::de::Unexpected<'_>> {
        use serde::de::Unexpected;
        Some(match self {
            Json::Null => Unexpected::Unit,
            Json::Bool(b) => Unexpected::Bool(*b),
            Json::Number(Number::PosInt(n)) => Unexpected::Unsigned(*n),
            Json::Number(Number::NegInt(n)) => Unexpected::Signed(*n),
            Json::Number(Number::Float(f)) => Unexpected::Float(*f),
            Json::String(s) => Unexpected::Str(s),
            Json::Array(_) => Unexpected::Seq,
            Json::Object(_) => Unexpected::Map,
            Json::TooDeep => return None,
        })
    }
}

/// A JSON number: integers stay exact when they fit 64 bits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// A non-negative integer.
    PosInt(u64),
    /// A negative integer.
    NegInt(i64),
    /// Any other number (a fraction, an exponent, or an integer beyond 64 bits).
    Float(f64),
}

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The text is not JSON.
    Syntax(SyntaxError),
    /// The JSON is well formed but a value does not fit the type.
    Invalid {
        /// Where: `.` for the whole document, else e.g. `steps[3].crash`.
        path: String,
        /// What is wrong, e.g. "invalid type: string \"x\", expected u32".
        reason: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Syntax(e) => write!(f, "line {}, column {}: {}", e.line, e.column, e.reason),
            Error::Invalid { path, reason } => write!(f, "{path}: {reason}"),
        }
    }
}

impl std::error::Error for Error {}

/// Parses JSON text (one value; white space around it is allowed).
pub fn parse(text: &str) -> Result<Json, Error> {
    parse::parse(text).map_err(Error::Syntax)
}

/// Reads a `T` from a parsed value; the error names the path of the first wrong value.
pub fn from_value<T: DeserializeOwned>(value: &Json) -> Result<T, Error> {
    de::read(value)
}

/// [`parse`], then [`from_value`].
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    from_value(&parse(text)?)
}

#[cfg(test)]
mod tests;
