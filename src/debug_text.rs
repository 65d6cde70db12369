//! The text of `{:?}` for the few shapes that trace lines, client events and error messages
//! print (quoted strings, options, lists), written through `Display`.
//!
//! `{:?}` links core's `Debug` machinery into the page's wasm: the derived `Debug` impls, the
//! `DebugStruct` / `DebugList` builders and the Unicode tables behind `char::escape_debug`
//! (≈ 3 KB gzip, issue 6). The texts stay as they were: these helpers and the `Display` impls of
//! the enums they print (`Role`, `MessageKind`, `Response`, …) write what `{:?}` wrote, and the
//! trace hashes of the golden scenarios did not move.
//!
//! The one difference: `{:?}` also escapes non-printable characters beyond ASCII (a soft hyphen
//! as `\u{ad}`, a zero-width space as `\u{200b}`) and a combining mark at the start of a string;
//! [`Quoted`] writes every character beyond ASCII as it is.

use std::fmt::{self, Display, Formatter, Write};

/// A string in double quotes, with `"`, `\` and the ASCII control characters escaped as `{:?}`
/// escapes them (`\"`, `\\`, `\n`, `\r`, `\t`, `\0`, others as `\u{1b}`).
pub struct Quoted<'a>(pub &'a str);

impl Display for Quoted<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        let special = |b: u8| matches!(b, b'"' | b'\\' | 0..0x20 | 0x7f);
        split_ascii(self.0, special, |run, b| {
            f.write_str(run)?;
            match b {
                None => Ok(()),
                Some(b'"') => f.write_str("\\\""),
                Some(b'\\') => f.write_str("\\\\"),
                Some(b'\n') => f.write_str("\\n"),
                Some(b'\r') => f.write_str("\\r"),
                Some(b'\t') => f.write_str("\\t"),
                Some(b'\0') => f.write_str("\\0"),
                Some(b) => write!(f, "\\u{{{b:x}}}"),
            }
        })?;
        f.write_char('"')
    }
}

/// Calls `each(run, Some(byte))` for the run of `s` before each of its ASCII bytes for which
/// `special` holds, then `each(rest, None)`: the two escapers (`Quoted`, the JSON writer's
/// strings) write the runs as they are and each special byte escaped. The cuts fall at ASCII
/// bytes, so between characters, and `str::get` takes the runs: `&s[from..i]` would link core's
/// slicing panic, whose message formats with `Debug` (2 KB of the page's wasm, issue 6).
pub(crate) fn split_ascii<E>(
    s: &str,
    special: impl Fn(u8) -> bool,
    mut each: impl FnMut(&str, Option<u8>) -> Result<(), E>,
) -> Result<(), E> {
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        if special(b) {
            each(s.get(from..i).unwrap_or_default(), Some(b))?;
            from = i + 1;
        }
    }
    each(s.get(from..).unwrap_or_default(), None)
}

/// An option as `{:?}` writes it, its value by `Display`: `Some(3)`, `None`.
pub struct Opt<T>(pub Option<T>);

impl<T: Display> Display for Opt<T> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(v) => write!(f, "Some({v})"),
            None => f.write_str("None"),
        }
    }
}

/// A list as `{:?}` writes it, its items by `Display`: `[1, 2, 3]`.
pub struct List<'a, T>(pub &'a [T]);

impl<T: Display> Display for List<'_, T> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('[')?;
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            item.fmt(f)?;
        }
        f.write_char(']')
    }
}

/// The value of a result that is an error only if the crate has a bug. The panic names the
/// error by its `Display` text natively; in wasm it says only `what`, so that the errors'
/// sentences stay out of the page's module (`Result::expect` would link the error's `Debug`
/// impl everywhere).
#[track_caller]
pub fn expect_ok<T, E: Display>(result: Result<T, E>, what: &str) -> T {
    match result {
        Ok(v) => v,
        #[cfg(not(target_arch = "wasm32"))]
        Err(e) => panic!("{what}: {e}"),
        #[cfg(target_arch = "wasm32")]
        Err(_) => panic!("{what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_writes_what_debug_writes_for_ascii_and_printable_text() {
        let mut all_ascii = String::new();
        for b in 0u8..0x80 {
            all_ascii.push(char::from(b));
        }
        let cases = [
            "",
            "plain",
            "say \"hi\"",
            "back\\slash",
            "tab\tnew\nline\rret",
            "nul\0end",
            "\u{1b}[0m",
            "del\u{7f}",
            "çalışan düğüm → ÇĞİÖŞÜ 日本語 🙂",
            all_ascii.as_str(),
        ];
        for s in cases {
            assert_eq!(Quoted(s).to_string(), format!("{s:?}"), "{s}");
        }
    }

    #[test]
    fn quoted_keeps_every_character_beyond_ascii() {
        // `{:?}` escapes these two; the trace writes them as they are.
        assert_eq!(Quoted("a\u{ad}b").to_string(), "\"a\u{ad}b\"");
        assert_ne!(format!("{:?}", "a\u{ad}b"), "\"a\u{ad}b\"");
        assert_eq!(Quoted("\u{301}x").to_string(), "\"\u{301}x\"");
    }

    #[test]
    fn options_and_lists_read_as_debug() {
        assert_eq!(Opt(Some(3u64)).to_string(), format!("{:?}", Some(3u64)));
        assert_eq!(Opt(None::<u64>).to_string(), format!("{:?}", None::<u64>));
        let some = Some("x\"y".to_string());
        assert_eq!(
            Opt(some.as_deref().map(Quoted)).to_string(),
            format!("{some:?}")
        );
        for v in [vec![], vec![1u32], vec![1, 2, 30]] {
            assert_eq!(List(&v).to_string(), format!("{v:?}"));
        }
    }

    /// The texts that replaced `{:?}` in trace lines, client events and entry summaries read
    /// exactly as the derived `Debug` impls (kept for tests and native tools) read.
    #[test]
    fn the_trace_texts_read_as_debug_read() {
        use crate::kv::{Operation, Response, SessionError};
        use crate::raft::{MembershipChange, MessageKind, Role, StepDownReason, VoteRejectReason};
        use crate::sim::action::{op_summary, Action};
        use crate::wasm::record::kind_from_code;

        for r in [
            Role::Follower,
            Role::PreCandidate,
            Role::Candidate,
            Role::Leader,
        ] {
            assert_eq!(r.name(), format!("{r:?}"));
        }
        for r in [
            StepDownReason::QuorumLost,
            StepDownReason::RemovedFromConfiguration,
        ] {
            assert_eq!(r.name(), format!("{r:?}"));
        }
        // Every kind, in code order (the frame buffers' table).
        let kinds: Vec<MessageKind> = (0u8..).map_while(kind_from_code).collect();
        assert_eq!(kinds.len(), 16);
        for k in kinds {
            assert_eq!(k.name(), format!("{k:?}"));
        }
        use VoteRejectReason as V;
        for v in [
            V::StaleTerm { voter_term: 7 },
            V::AlreadyVoted { voted_for: 2 },
            V::LeaderKnown { leader: 3 },
            V::LogNotUpToDate {
                candidate_last_term: 1,
                candidate_last_index: 20,
                voter_last_term: 300,
                voter_last_index: 4000,
            },
            V::LeaderActive { leader: 5 },
            V::CandidateNotVoter,
        ] {
            assert_eq!(v.to_string(), format!("{v:?}"));
        }
        use MembershipChange as M;
        for m in [
            M::AddServer(4),
            M::AddLearner(5),
            M::PromoteLearner(6),
            M::RemoveServer(17),
        ] {
            assert_eq!(m.to_string(), format!("{m:?}"));
        }
        let text = "a \"quoted\"\tvalue\\ çğ";
        for r in [
            Response::Value { value: text.into() },
            Response::Value {
                value: String::new(),
            },
            Response::NotFound,
            Response::Ok,
            Response::CasOk,
            Response::CasFailed { current: None },
            Response::CasFailed {
                current: Some(text.into()),
            },
            Response::Registered { client_id: 12 },
            Response::SessionError {
                error: SessionError::UnknownSession { client_id: 3 },
            },
            Response::SessionError {
                error: SessionError::ResponseDiscarded {
                    client_id: 3,
                    serial: 9,
                    lowest_unacked: 11,
                },
            },
        ] {
            assert_eq!(r.to_string(), format!("{r:?}"));
        }
        for groups in [
            vec![],
            vec![vec![1]],
            vec![vec![1, 2], vec![3, 4, 5]],
            vec![vec![]],
        ] {
            let a = Action::Partition {
                groups: groups.clone(),
            };
            assert_eq!(a.to_string(), format!("partition {groups:?}"));
        }
        for expected in [None, Some(String::new()), Some(text.to_string())] {
            let (key, new) = ("k".to_string(), "v".to_string());
            let op = Operation::Cas {
                key: key.clone(),
                expected: expected.clone(),
                new: new.clone(),
            };
            assert_eq!(op_summary(&op), format!("cas {key} {expected:?}->{new}"));
        }
    }

    #[test]
    fn expect_ok_returns_the_value_and_panics_with_the_error_text() {
        assert_eq!(expect_ok(Ok::<u8, String>(7), "never"), 7);
        let e = std::panic::catch_unwind(|| expect_ok(Err::<u8, _>("boom"), "bug: what"))
            .expect_err("an error panics");
        assert_eq!(e.downcast_ref::<String>().unwrap(), "bug: what: boom");
    }
}
