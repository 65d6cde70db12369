//! Linearizability of a client history against the key-value store's sequential model.
//!
//! The checker is the Wing & Gong search with Lowe's memoisation (the algorithm Porcupine and
//! Knossos build on), run per key: operations on different keys commute, so a history is
//! linearizable iff each key's sub-history is (P-compositionality, Horn & Kroening). Each key
//! is a register whose value is `Option<String>` and whose operations are `get`, `put`, `cas`
//! and `append`, exactly as [`crate::kv`] executes them.
//!
//! An operation whose client never learned the outcome (a time-out, a crashed client) is
//! *indeterminate*: it may or may not have taken effect, at any time after its call. It is
//! modelled as returning at +∞ with an output that matches anything, never as failed.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::kv::{Operation, Response};

/// One client operation as the simulator observed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryOp {
    /// Caller-chosen identifier, reported back in verdicts.
    pub id: u64,
    /// The client that issued the operation (for display only).
    pub client: u32,
    /// What the client asked for.
    pub op: Operation,
    /// Virtual time the client sent the request.
    pub call_ms: u64,
    /// Virtual time the client received the answer and the answer itself; `None` when the
    /// outcome is unknown (the operation may or may not have happened).
    /// Invariant: when present, the return time is `>= call_ms`.
    pub completion: Option<(u64, Response)>,
}

/// The checker's verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Every key's history has a linearization.
    Linearizable,
    /// Some key's history has none.
    NotLinearizable(Violation),
    /// The search exceeded its budget before deciding (never reported as a pass).
    Inconclusive {
        /// The key whose search ran out of budget.
        key: String,
    },
}

/// Why a history is not linearizable, in terms a learner can follow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// The key whose operations cannot be ordered.
    pub key: String,
    /// The longest order of this key's operations (ids) that the model accepts.
    pub longest_prefix: Vec<u64>,
    /// Operations that had to come next after that prefix (each one had already returned
    /// or was concurrent) but none of which the model accepts there.
    pub cannot_order: Vec<u64>,
}

/// Search budget per key: the number of model steps tried before giving up.
pub const DEFAULT_STEP_BUDGET: u64 = 2_000_000;

/// Checks a whole history, key by key, with the default budget.
pub fn check_history(history: &[HistoryOp]) -> Verdict {
    check_history_with_budget(history, DEFAULT_STEP_BUDGET)
}

/// Checks a whole history, key by key, trying at most `budget` model steps per key.
pub fn check_history_with_budget(history: &[HistoryOp], budget: u64) -> Verdict {
    let mut by_key: BTreeMap<&str, Vec<&HistoryOp>> = BTreeMap::new();
    for op in history {
        by_key.entry(op.op.key()).or_default().push(op);
    }
    for (key, ops) in by_key {
        match check_key(&ops, budget) {
            KeyResult::Ok => {}
            KeyResult::Violation(longest_prefix, cannot_order) => {
                return Verdict::NotLinearizable(Violation {
                    key: key.to_string(),
                    longest_prefix,
                    cannot_order,
                });
            }
            KeyResult::OutOfBudget => {
                return Verdict::Inconclusive {
                    key: key.to_string(),
                }
            }
        }
    }
    Verdict::Linearizable
}

/// The register's state: the key's value, `None` when absent.
type State = Option<String>;

/// Applies `op` to `state` if `observed` is what the model would answer; returns the next state.
fn model_step(state: &State, op: &Operation, observed: Option<&Response>) -> Option<State> {
    let (answer, next) = match op {
        Operation::Get { .. } => {
            let answer = match state {
                Some(v) => Response::Value { value: v.clone() },
                None => Response::NotFound,
            };
            (answer, state.clone())
        }
        Operation::Put { value, .. } => (Response::Ok, Some(value.clone())),
        Operation::Append { value, .. } => {
            let mut v = state.clone().unwrap_or_default();
            v.push_str(value);
            (Response::Ok, Some(v))
        }
        Operation::Cas { expected, new, .. } => {
            if state == expected {
                (Response::CasOk, Some(new.clone()))
            } else {
                let current = state.clone();
                (Response::CasFailed { current }, state.clone())
            }
        }
    };
    match observed {
        None => Some(next),
        Some(seen) if *seen == answer => Some(next),
        Some(_) => None,
    }
}

enum KeyResult {
    Ok,
    Violation(Vec<u64>, Vec<u64>),
    OutOfBudget,
}

/// One call or return event in the doubly linked event list of the WGL search.
#[derive(Clone, Copy)]
struct Event {
    op: usize,
    is_call: bool,
    /// For a call: the position of its return event.
    partner: usize,
    prev: usize,
    next: usize,
}

/// The event list with O(1) unlink / relink ("lift" / "unlift" in Lowe's paper).
struct Events {
    ev: Vec<Event>,
}

const HEAD: usize = 0;

impl Events {
    /// Builds the list: calls and returns in time order; at equal times calls come first, so
    /// operations that touch at an instant count as concurrent.
    fn new(ops: &[&HistoryOp]) -> Self {
        let mut order: Vec<(u64, u8, usize)> = Vec::with_capacity(ops.len() * 2);
        for (i, op) in ops.iter().enumerate() {
            order.push((op.call_ms, 0, i));
            order.push((op.completion.as_ref().map_or(u64::MAX, |c| c.0), 1, i));
        }
        order.sort_unstable();
        // Position 0 is a sentinel head; events start at 1.
        let n = order.len();
        let mut ev = vec![
            Event {
                op: usize::MAX,
                is_call: false,
                partner: 0,
                prev: 0,
                next: 0,
            };
            n + 1
        ];
        let mut return_pos = vec![0; ops.len()];
        for (pos, &(_, kind, op)) in order.iter().enumerate() {
            if kind == 1 {
                return_pos[op] = pos + 1;
            }
        }
        for (pos, &(_, kind, op)) in order.iter().enumerate() {
            let p = pos + 1;
            ev[p] = Event {
                op,
                is_call: kind == 0,
                partner: return_pos[op],
                prev: p - 1,
                next: if p == n { usize::MAX } else { p + 1 },
            };
        }
        ev[HEAD].next = if n == 0 { usize::MAX } else { 1 };
        Events { ev }
    }

    fn unlink(&mut self, p: usize) {
        let Event { prev, next, .. } = self.ev[p];
        self.ev[prev].next = next;
        if next != usize::MAX {
            self.ev[next].prev = prev;
        }
    }

    fn relink(&mut self, p: usize) {
        let Event { prev, next, .. } = self.ev[p];
        self.ev[prev].next = p;
        if next != usize::MAX {
            self.ev[next].prev = p;
        }
    }

    /// Removes a call and its return (the operation is linearized).
    fn lift(&mut self, call: usize) {
        self.unlink(call);
        self.unlink(self.ev[call].partner);
    }

    /// Puts a call and its return back, in the reverse order of `lift`.
    fn unlift(&mut self, call: usize) {
        self.relink(self.ev[call].partner);
        self.relink(call);
    }
}

/// The deepest point the search reached, for explaining a failure.
#[derive(Default)]
struct Deepest {
    prefix: Vec<usize>,
    blocked: Vec<usize>,
}

/// Runs the memoised WGL search over one key's operations.
fn check_key(ops: &[&HistoryOp], budget: u64) -> KeyResult {
    let mut events = Events::new(ops);
    let words = ops.len().div_ceil(64);
    let mut linearized = vec![0u64; words];
    let mut seen: HashSet<(Vec<u64>, State)> = HashSet::new();
    let mut stack: Vec<(usize, State)> = Vec::new();
    let mut state: State = None;
    let mut deepest = Deepest::default();
    let mut steps = 0u64;
    let mut cursor = events.ev[HEAD].next;

    while events.ev[HEAD].next != usize::MAX {
        let e = events.ev[cursor];
        if e.is_call {
            steps += 1;
            if steps > budget {
                return KeyResult::OutOfBudget;
            }
            let op = ops[e.op];
            let observed = op.completion.as_ref().map(|c| &c.1);
            if let Some(next) = model_step(&state, &op.op, observed) {
                let mut key = linearized.clone();
                key[e.op / 64] |= 1 << (e.op % 64);
                if seen.insert((key.clone(), next.clone())) {
                    stack.push((cursor, std::mem::replace(&mut state, next)));
                    linearized = key;
                    events.lift(cursor);
                    cursor = events.ev[HEAD].next;
                    continue;
                }
            }
            cursor = e.next;
        } else {
            // A return is reached with its operation not linearized: backtrack.
            record_deepest(&mut deepest, &stack, &events, ops.len());
            let Some((call, prev_state)) = stack.pop() else {
                return violation(ops, deepest);
            };
            let op = events.ev[call].op;
            linearized[op / 64] &= !(1 << (op % 64));
            state = prev_state;
            events.unlift(call);
            cursor = events.ev[call].next;
        }
    }
    KeyResult::Ok
}

/// Remembers the longest linearized prefix, and the operations pending at that point.
fn record_deepest(
    deepest: &mut Deepest,
    stack: &[(usize, State)],
    events: &Events,
    op_count: usize,
) {
    if stack.len() < deepest.prefix.len() && !deepest.blocked.is_empty() {
        return;
    }
    deepest.prefix = stack.iter().map(|(call, _)| events.ev[*call].op).collect();
    // The operations still in the list up to (and including) the first return are the
    // candidates that had to be ordered next.
    let mut blocked = Vec::new();
    let mut p = events.ev[HEAD].next;
    while p != usize::MAX && blocked.len() < op_count {
        let e = events.ev[p];
        if e.is_call {
            blocked.push(e.op);
        } else {
            break;
        }
        p = e.next;
    }
    deepest.blocked = blocked;
}

fn violation(ops: &[&HistoryOp], deepest: Deepest) -> KeyResult {
    let ids = |v: Vec<usize>| v.into_iter().map(|i| ops[i].id).collect();
    KeyResult::Violation(ids(deepest.prefix), ids(deepest.blocked))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(id: u64, call: u64, ret: u64, v: &str) -> HistoryOp {
        HistoryOp {
            id,
            client: id as u32,
            op: Operation::Put {
                key: "x".into(),
                value: v.into(),
            },
            call_ms: call,
            completion: Some((ret, Response::Ok)),
        }
    }

    fn get(id: u64, call: u64, ret: u64, seen: Option<&str>) -> HistoryOp {
        let answer = match seen {
            Some(v) => Response::Value { value: v.into() },
            None => Response::NotFound,
        };
        HistoryOp {
            id,
            client: id as u32,
            op: Operation::Get { key: "x".into() },
            call_ms: call,
            completion: Some((ret, answer)),
        }
    }

    #[test]
    fn empty_history_is_linearizable() {
        assert_eq!(check_history(&[]), Verdict::Linearizable);
    }

    #[test]
    fn sequential_put_then_get_is_linearizable() {
        let h = [put(1, 0, 10, "a"), get(2, 20, 30, Some("a"))];
        assert_eq!(check_history(&h), Verdict::Linearizable);
    }

    #[test]
    fn stale_read_after_completed_write_is_not_linearizable() {
        // put(a) finished at 10; a get that starts at 20 must not see the old (absent) value.
        let h = [put(1, 0, 10, "a"), get(2, 20, 30, None)];
        let Verdict::NotLinearizable(v) = check_history(&h) else {
            panic!("stale read accepted");
        };
        assert_eq!(v.key, "x");
        assert_eq!(v.longest_prefix, vec![1]);
        assert_eq!(v.cannot_order, vec![2]);
    }

    #[test]
    fn concurrent_read_may_see_either_value() {
        for seen in [None, Some("a")] {
            let h = [put(1, 0, 30, "a"), get(2, 10, 20, seen)];
            assert_eq!(check_history(&h), Verdict::Linearizable, "{seen:?}");
        }
    }

    #[test]
    fn reads_must_not_go_back_in_time() {
        // Two sequential reads during a long write: new value then old value is impossible.
        let h = [
            put(1, 0, 100, "a"),
            get(2, 10, 20, Some("a")),
            get(3, 30, 40, None),
        ];
        assert!(matches!(check_history(&h), Verdict::NotLinearizable(_)));
    }

    #[test]
    fn indeterminate_write_may_or_may_not_take_effect() {
        let mut lost = put(1, 0, 0, "a");
        lost.completion = None;
        assert_eq!(
            check_history(&[lost.clone(), get(2, 50, 60, None)]),
            Verdict::Linearizable
        );
        assert_eq!(
            check_history(&[lost, get(2, 50, 60, Some("a"))]),
            Verdict::Linearizable
        );
    }

    #[test]
    fn cas_and_append_follow_the_store_semantics() {
        let cas = |id, call, ret, expected: Option<&str>, new: &str, ok: bool, cur| HistoryOp {
            id,
            client: 9,
            op: Operation::Cas {
                key: "x".into(),
                expected: expected.map(String::from),
                new: new.into(),
            },
            call_ms: call,
            completion: Some((
                ret,
                if ok {
                    Response::CasOk
                } else {
                    Response::CasFailed { current: cur }
                },
            )),
        };
        let append = HistoryOp {
            id: 3,
            client: 1,
            op: Operation::Append {
                key: "x".into(),
                value: "!".into(),
            },
            call_ms: 20,
            completion: Some((25, Response::Ok)),
        };
        let good = [
            cas(1, 0, 5, None, "a", true, None),
            cas(2, 10, 15, None, "b", false, Some("a".into())),
            append.clone(),
            get(4, 30, 35, Some("a!")),
        ];
        assert_eq!(check_history(&good), Verdict::Linearizable);
        // Two sequential CAS from absent cannot both succeed.
        let bad = [
            cas(1, 0, 5, None, "a", true, None),
            cas(2, 10, 15, None, "b", true, None),
        ];
        assert!(matches!(check_history(&bad), Verdict::NotLinearizable(_)));
    }

    #[test]
    fn keys_are_checked_independently() {
        let mut other = put(5, 0, 10, "z");
        other.op = Operation::Put {
            key: "y".into(),
            value: "z".into(),
        };
        let h = [put(1, 0, 10, "a"), other, get(2, 20, 30, Some("a"))];
        assert_eq!(check_history(&h), Verdict::Linearizable);
    }

    #[test]
    fn a_tiny_budget_is_inconclusive_not_a_pass() {
        let h: Vec<_> = (0..10).map(|i| put(i, 0, 100, "a")).collect();
        assert_eq!(
            check_history_with_budget(&h, 3),
            Verdict::Inconclusive { key: "x".into() }
        );
    }

    #[test]
    fn many_concurrent_writes_are_checked_quickly_thanks_to_memoisation() {
        // 12 concurrent puts of distinct values and a final read of the first: without the
        // cache the search walks up to 12! ≈ 479 million orders; with it, at most
        // 2^12 × 13 (set, value) states.
        let mut h: Vec<_> = (0..12).map(|i| put(i, 0, 100, &i.to_string())).collect();
        h.push(get(99, 200, 210, Some("0")));
        assert_eq!(
            check_history_with_budget(&h, 200_000),
            Verdict::Linearizable
        );
    }
}
