//! The client history of a run, kept in bounded memory however long the run is.
//!
//! Every operation gets an id in call order. Recent operations are kept for display (at least
//! [`WINDOW`]), in shared chunks so that a time-travel checkpoint (a clone of the world) copies
//! a few pointers, not the operations. Older operations are *folded*: at a quiescent cut — a
//! point in the history where every earlier operation with a known outcome had returned before
//! the next one was called, and none is still waiting — the settled prefix is checked key by
//! key ([`super::linearizability`]), and what the rest of the history needs of it is kept: per
//! key, every state the prefix can end in, together with the writes of unknown outcome (a
//! client gave up) that may still take effect later, at most once. The rest of the history is
//! then checked from there. This is exact, not an approximation: the whole history is
//! linearizable iff every folded segment and the unfolded tail are, from the carried states
//! (the operations before a quiescent cut precede every later one in real time, apart from the
//! indeterminate ones, which are carried). A violation is kept with the operations it names.

use crate::collections::{VecMap, VecSet};
use std::collections::VecDeque;
use std::sync::Arc;

use serde::ser::{Serialize, SerializeSeq, Serializer};

use super::linearizability::{
    search, HistoryOp, KeyFrontier, Mode, Verdict, Violation, DEFAULT_STEP_BUDGET,
};
use crate::kv::{Operation, Response};

/// Operations per shared chunk.
const CHUNK: usize = 64;
/// The most recent operations always kept for display.
pub const WINDOW: u64 = 512;
/// Unfolded operations that make the history look for a cut.
const SEGMENT: u64 = 128;

/// The client history: recent operations, and the folded verdict of everything older.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Kept operations, ids `first..next`, in chunks of [`CHUNK`] (all full but the last).
    chunks: VecDeque<Arc<Vec<HistoryOp>>>,
    first: u64,
    next: u64,
    /// Operations started and neither answered nor given up.
    open: VecSet<u64>,
    folded: Arc<Folded>,
    /// Ops count at which to look for a cut again after finding none.
    retry_at: u64,
}

/// What the folded prefix leaves (shared between checkpoints until the next fold).
#[derive(Debug, Clone, Default)]
struct Folded {
    /// Operations with a smaller id are folded.
    upto: u64,
    /// Keys the folded prefix touched.
    keys: VecMap<String, KeyFrontier>,
    /// The first failure found in the prefix (then nothing more is checked).
    failure: Option<Verdict>,
    /// The operations a violation names, kept for display.
    evidence: Vec<HistoryOp>,
}

impl History {
    /// An empty history.
    pub fn new() -> Self {
        History::default()
    }

    /// Operations started so far (the next id).
    pub fn len(&self) -> usize {
        self.next as usize
    }

    /// Whether no operation has started.
    pub fn is_empty(&self) -> bool {
        self.next == 0
    }

    /// Id of the oldest operation still kept in full.
    pub fn first_kept(&self) -> u64 {
        self.first
    }

    /// Operations with an id below this are folded into the verdict.
    pub fn folded_upto(&self) -> u64 {
        self.folded.upto
    }

    /// An operation by id, if it is still kept (recent, or named by a violation).
    pub fn get(&self, id: u64) -> Option<&HistoryOp> {
        if (self.first..self.next).contains(&id) {
            let i = (id - self.first) as usize;
            return self.chunks.get(i / CHUNK)?.get(i % CHUNK);
        }
        self.folded.evidence.iter().find(|h| h.id == id)
    }

    /// Whether the operation is still waiting for its outcome.
    pub fn is_open(&self, id: u64) -> bool {
        self.open.contains(&id)
    }

    /// The kept operations in id order: those a violation names, then the recent ones.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &HistoryOp> + '_ {
        let first = self.first;
        let evidence = self.folded.evidence.iter().filter(move |h| h.id < first);
        evidence.chain(self.chunks.iter().flat_map(|c| c.iter()))
    }

    /// The kept operations with an id of at least `id`, in id order.
    pub fn since(&self, id: u64) -> impl Iterator<Item = &HistoryOp> + '_ {
        let skip = id.saturating_sub(self.first) as usize;
        let chunks = self.chunks.iter().skip(skip / CHUNK);
        chunks.flat_map(|c| c.iter()).skip(skip % CHUNK)
    }

    /// A copy that keeps, besides what is not folded yet, only the last `recent` operations
    /// (or a few more: whole chunks are kept), for a time-travel checkpoint.
    pub fn clone_recent(&self, recent: u64) -> History {
        let mut copy = self.clone();
        let keep_from = self.folded.upto.min(self.next.saturating_sub(recent));
        while copy.chunks.len() > 1 && copy.first + CHUNK as u64 <= keep_from {
            copy.chunks.pop_front();
            copy.first += CHUNK as u64;
        }
        copy
    }

    /// Records a call; returns the operation's id.
    pub fn start(&mut self, client: u32, op: Operation, call_ms: u64) -> u64 {
        let id = self.next;
        let op = HistoryOp {
            id,
            client,
            op,
            call_ms,
            completion: None,
        };
        match self.chunks.back_mut().filter(|c| c.len() < CHUNK) {
            Some(last) => Arc::make_mut(last).push(op),
            None => self.chunks.push_back(Arc::new(vec![op])),
        }
        self.next += 1;
        self.open.insert(id);
        id
    }

    /// Records the answer of an open operation (ignored for one that is not open).
    pub fn complete(&mut self, id: u64, ret_ms: u64, response: Response) {
        if !self.open.remove(&id) {
            return;
        }
        let i = (id - self.first) as usize;
        let chunk = Arc::make_mut(&mut self.chunks[i / CHUNK]);
        chunk[i % CHUNK].completion = Some((ret_ms, response));
        self.maybe_fold();
    }

    /// The client gave up: the outcome stays unknown for good.
    pub fn abandon(&mut self, id: u64) {
        if self.open.remove(&id) {
            self.maybe_fold();
        }
    }

    /// The linearizability verdict over the whole run: the folded prefix's, then the tail
    /// checked from the configurations the prefix leaves.
    pub fn verdict(&self) -> Verdict {
        self.verdict_with_budget(DEFAULT_STEP_BUDGET)
    }

    /// [`History::verdict`] trying at most `budget` model steps per key and segment.
    pub fn verdict_with_budget(&self, budget: u64) -> Verdict {
        if let Some(failure) = &self.folded.failure {
            return failure.clone();
        }
        let initial = KeyFrontier::initial();
        for (key, ops) in self.unfolded_by_key(self.next) {
            let from = self.folded.keys.get(key).unwrap_or(&initial);
            if let Err(f) = search(from, &ops, Mode::FirstSuccess, budget) {
                return f.verdict(key);
            }
        }
        Verdict::Linearizable
    }

    /// Unfolded operations with an id below `end`, by key.
    fn unfolded_by_key(&self, end: u64) -> VecMap<&str, Vec<&HistoryOp>> {
        let mut by_key: VecMap<&str, Vec<&HistoryOp>> = VecMap::new();
        for h in self.since(self.folded.upto).take_while(|h| h.id < end) {
            by_key.entry(h.op.key()).or_default().push(h);
        }
        by_key
    }

    /// Whether `cut` is a quiescent cut after the folded prefix: every operation from the
    /// prefix's end up to `cut` is settled and those with a known outcome returned before
    /// operation `cut` was called.
    fn is_cut(&self, cut: u64) -> bool {
        let Some(at) = self.get(cut).filter(|_| cut > self.folded.upto) else {
            return false;
        };
        self.since(self.folded.upto)
            .take_while(|h| h.id < cut)
            .all(|h| {
                !self.open.contains(&h.id) && h.completion.as_ref().is_none_or(|c| c.0 < at.call_ms)
            })
    }

    /// The latest quiescent cut, if any.
    fn latest_cut(&self) -> Option<u64> {
        let mut max_ret: Option<u64> = None;
        let mut best = None;
        for h in self.since(self.folded.upto) {
            if h.id > self.folded.upto && max_ret.is_none_or(|r| r < h.call_ms) {
                best = Some(h.id);
            }
            if self.open.contains(&h.id) {
                break;
            }
            if let Some((ret, _)) = &h.completion {
                max_ret = Some(max_ret.map_or(*ret, |r| r.max(*ret)));
            }
        }
        best
    }

    fn maybe_fold(&mut self) {
        if self.next < self.folded.upto + SEGMENT || self.next < self.retry_at {
            return;
        }
        match self.latest_cut() {
            Some(cut) => self.fold_at(cut),
            None => self.retry_at = self.next + SEGMENT / 2,
        }
    }

    /// Folds the operations before `cut` if it is a quiescent cut; returns whether it did.
    pub fn fold_to(&mut self, cut: u64) -> bool {
        if !self.is_cut(cut) {
            return false;
        }
        self.fold_at(cut);
        true
    }

    fn fold_at(&mut self, cut: u64) {
        let segment: Vec<(String, Vec<HistoryOp>)> = self
            .unfolded_by_key(cut)
            .into_iter()
            .map(|(k, ops)| (k.to_string(), ops.into_iter().cloned().collect()))
            .collect();
        let folded = Arc::make_mut(&mut self.folded);
        folded.upto = cut;
        for (key, ops) in segment {
            if folded.failure.is_some() {
                break;
            }
            let refs: Vec<&HistoryOp> = ops.iter().collect();
            let from = folded
                .keys
                .remove(&key)
                .unwrap_or_else(KeyFrontier::initial);
            match search(&from, &refs, Mode::Frontier, DEFAULT_STEP_BUDGET) {
                Ok(next) => {
                    folded.keys.insert(key, next);
                }
                Err(f) => {
                    let verdict = f.verdict(&key);
                    if let Verdict::NotLinearizable(v) = &verdict {
                        folded.evidence = evidence(v, &from.carried, &ops);
                    }
                    folded.failure = Some(verdict);
                }
            }
        }
        self.trim();
    }

    /// Drops whole chunks that are folded and older than the display window.
    fn trim(&mut self) {
        *self = self.clone_recent(WINDOW);
    }
}

/// The operations a violation names.
fn evidence(v: &Violation, carried: &[HistoryOp], ops: &[HistoryOp]) -> Vec<HistoryOp> {
    let named: VecSet<u64> = v
        .longest_prefix
        .iter()
        .chain(&v.cannot_order)
        .copied()
        .collect();
    let mut kept: Vec<HistoryOp> = carried
        .iter()
        .chain(ops)
        .filter(|h| named.contains(&h.id))
        .cloned()
        .collect();
    crate::collections::sort::stable_sort_by_u64(&mut kept, |h| h.id);
    kept
}

impl Serialize for History {
    /// The kept operations, in id order (see [`History::iter`]).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.iter().count()))?;
        for h in self.iter() {
            seq.serialize_element(h)?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::linearizability::check_history;
    use crate::sim::rng::{SimRng, Stream};

    /// One generated operation: (client, op, call, outcome) where the outcome is `None` for
    /// unknown, in call order.
    type Gen = (u32, Operation, u64, Option<(u64, Response)>);

    const VALUES: [&str; 3] = ["a", "b", "c"];

    fn random_op(rng: &mut SimRng, keys: u64) -> Operation {
        let key = format!("k{}", rng.below(keys));
        let value = VALUES[rng.below(3) as usize].to_string();
        match rng.below(5) {
            0 | 1 => Operation::Get { key },
            2 => Operation::Put { key, value },
            3 => Operation::Append { key, value },
            _ => Operation::Cas {
                key,
                expected: (rng.below(3) > 0).then(|| VALUES[rng.below(3) as usize].to_string()),
                new: value,
            },
        }
    }

    /// Runs `op` on a real register (the key-value store's semantics) and answers.
    fn execute(data: &mut VecMap<String, String>, op: &Operation) -> Response {
        let key = op.key().to_string();
        let cur = data.get(&key).cloned();
        match op {
            Operation::Get { .. } => {
                cur.map_or(Response::NotFound, |value| Response::Value { value })
            }
            Operation::Put { value, .. } => {
                data.insert(key, value.clone());
                Response::Ok
            }
            Operation::Append { value, .. } => {
                data.insert(key, cur.unwrap_or_default() + value);
                Response::Ok
            }
            Operation::Cas { expected, new, .. } if *expected == cur => {
                data.insert(key, new.clone());
                Response::CasOk
            }
            Operation::Cas { .. } => Response::CasFailed { current: cur },
        }
    }

    /// A random history: operations take effect at a random instant within their interval on
    /// a real register (so it is linearizable), some outcomes are unknown (and then took effect
    /// or not), and with some chance one answer is falsified afterwards. Calls come in bursts
    /// separated by pauses, so quiescent cuts exist.
    fn random_history(seed: u64) -> Vec<Gen> {
        let mut rng = SimRng::new(seed, Stream::Client, 77);
        let n = rng.range_inclusive(1, 12) as usize;
        let keys = rng.range_inclusive(1, 2);
        let mut t = 0;
        let mut ops = Vec::new();
        for _ in 0..n {
            t += if rng.below(3) == 0 {
                rng.range_inclusive(10, 30)
            } else {
                rng.below(4)
            };
            let call = t;
            let ret = call + rng.below(12);
            let point = rng.range_inclusive(call * 2, ret * 2 + 1); // half-ms instants
            let op = random_op(&mut rng, keys);
            ops.push((rng.below(3) as u32, op, call, ret, point, rng.below(4) == 0));
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| (ops[i].4, i));
        let mut data = VecMap::new();
        let mut answers = vec![None; n];
        for i in order {
            let (_, op, _, ret, _, unknown) = &ops[i];
            let took_effect = !unknown || rng.below(2) == 0;
            if took_effect {
                let r = execute(&mut data, op);
                answers[i] = (!unknown).then_some((*ret, r));
            }
        }
        for _ in 0..rng.below(3) {
            let i = rng.below(n as u64) as usize;
            if let Some((ret, _)) = answers[i] {
                let v = VALUES[rng.below(3) as usize].to_string();
                let wrong = [Response::NotFound, Response::Value { value: v }];
                answers[i] = Some((ret, wrong[rng.below(2) as usize].clone()));
            }
        }
        ops.into_iter()
            .zip(answers)
            .map(|((client, op, call, ..), a)| (client, op, call, a))
            .collect()
    }

    /// The history with every outcome recorded; unknown ones given up unless `open` holds
    /// their id (then they are still waiting).
    fn build(ops: &[Gen], open: &[u64]) -> History {
        let mut h = History::new();
        for (client, op, call, _) in ops {
            h.start(*client, op.clone(), *call);
        }
        for (id, (.., outcome)) in ops.iter().enumerate() {
            match outcome {
                Some((ret, r)) => h.complete(id as u64, *ret, r.clone()),
                None if open.contains(&(id as u64)) => {}
                None => h.abandon(id as u64),
            }
        }
        h
    }

    fn plain(ops: &[Gen]) -> Vec<HistoryOp> {
        ops.iter()
            .enumerate()
            .map(|(id, (client, op, call, c))| HistoryOp {
                id: id as u64,
                client: *client,
                op: op.clone(),
                call_ms: *call,
                completion: c.clone(),
            })
            .collect()
    }

    fn kind(v: &Verdict) -> &'static str {
        match v {
            Verdict::Linearizable => "linearizable",
            Verdict::NotLinearizable(_) => "not linearizable",
            Verdict::Inconclusive { .. } => "inconclusive",
        }
    }

    #[test]
    fn folding_at_any_cut_keeps_the_verdict_of_the_whole_history() {
        // Expect: for random small histories (concurrent calls, unknown outcomes, falsified
        // answers), folding at every quiescent cut, alone or in sequence, gives the verdict of
        // the unfolded check; both verdicts occur, and so do cuts with carried operations.
        let (mut bad, mut good, mut folds, mut carried) = (0, 0, 0, 0);
        for seed in 0..4_000 {
            let ops = random_history(seed);
            let whole = check_history(&plain(&ops));
            match whole {
                Verdict::Linearizable => good += 1,
                _ => bad += 1,
            }
            let unfolded = build(&ops, &[]);
            assert_eq!(kind(&unfolded.verdict()), kind(&whole), "seed {seed}");
            let mut chained = build(&ops, &[]);
            for cut in 1..ops.len() as u64 {
                let mut h = build(&ops, &[]);
                if h.fold_to(cut) {
                    folds += 1;
                    carried += h
                        .folded
                        .keys
                        .values()
                        .map(|k| k.carried.len())
                        .sum::<usize>();
                    assert_eq!(kind(&h.verdict()), kind(&whole), "seed {seed} cut {cut}");
                    chained.fold_to(cut);
                    assert_eq!(
                        kind(&chained.verdict()),
                        kind(&whole),
                        "seed {seed} chain {cut}"
                    );
                }
            }
        }
        assert!(good > 500 && bad > 500, "{good} linearizable, {bad} not");
        assert!(
            folds > 3_000 && carried > 100,
            "{folds} folds, {carried} carried"
        );
    }

    #[test]
    fn a_cut_needs_every_earlier_operation_settled_and_returned() {
        // Expect: no cut before an operation concurrent with an earlier one, nor after a
        // still-waiting one; a given-up one does not block a cut.
        let ops: Vec<Gen> = vec![
            (
                1,
                Operation::Put {
                    key: "x".into(),
                    value: "a".into(),
                },
                0,
                Some((10, Response::Ok)),
            ),
            (
                2,
                Operation::Get { key: "x".into() },
                5,
                Some((20, Response::NotFound)),
            ),
            (
                1,
                Operation::Put {
                    key: "x".into(),
                    value: "b".into(),
                },
                30,
                None,
            ),
            (
                2,
                Operation::Get { key: "x".into() },
                40,
                Some((50, Response::Value { value: "a".into() })),
            ),
        ];
        let h = build(&ops, &[]);
        assert!(!h.is_cut(1), "op 1 overlaps op 0");
        assert!(h.is_cut(2) && h.is_cut(3));
        let waiting = build(&ops, &[2]);
        assert!(waiting.is_cut(2) && !waiting.is_cut(3));
        // The stale read overlaps op 0 (so it is fine); the given-up put may or may not apply.
        assert_eq!(h.verdict(), Verdict::Linearizable);
    }

    #[test]
    fn a_violation_before_a_fold_is_kept_with_its_operations() {
        // Expect: a stale read in the folded prefix keeps failing the whole run, and the ops
        // it names are still shown after the window moved on.
        let mut h = History::new();
        let a = h.start(
            1,
            Operation::Put {
                key: "x".into(),
                value: "a".into(),
            },
            0,
        );
        h.complete(a, 10, Response::Ok);
        let b = h.start(2, Operation::Get { key: "x".into() }, 20);
        h.complete(b, 30, Response::NotFound);
        for i in 0..2 * WINDOW {
            let id = h.start(
                1,
                Operation::Put {
                    key: "y".into(),
                    value: "v".into(),
                },
                40 + 2 * i,
            );
            h.complete(id, 41 + 2 * i, Response::Ok);
        }
        assert!(
            h.folded_upto() > b && h.first_kept() > b,
            "{}",
            h.folded_upto()
        );
        let Verdict::NotLinearizable(v) = h.verdict() else {
            panic!("stale read forgotten");
        };
        assert_eq!((v.longest_prefix, v.cannot_order), (vec![a], vec![b]));
        assert!(h.get(a).is_some() && h.get(b).is_some());
        assert_eq!(h.len() as u64, 2 + 2 * WINDOW);
    }

    #[test]
    fn a_long_history_keeps_a_bounded_window_and_carries_unknown_writes() {
        // Expect: thousands of sequential ops keep at most WINDOW + a chunk or two; a write of
        // unknown outcome long ago still explains a late read of its value.
        let mut h = History::new();
        let lost = h.start(
            9,
            Operation::Put {
                key: "x".into(),
                value: "late".into(),
            },
            0,
        );
        h.abandon(lost);
        let mut t = 10;
        for _ in 0..5_000 {
            let id = h.start(1, Operation::Get { key: "x".into() }, t);
            h.complete(id, t + 1, Response::NotFound);
            t += 3;
        }
        assert!(
            h.iter().count() <= WINDOW as usize + 2 * CHUNK,
            "{}",
            h.iter().count()
        );
        let id = h.start(1, Operation::Get { key: "x".into() }, t);
        h.complete(
            id,
            t + 1,
            Response::Value {
                value: "late".into(),
            },
        );
        assert_eq!(h.verdict(), Verdict::Linearizable);
        let id = h.start(1, Operation::Get { key: "x".into() }, t + 5);
        h.complete(id, t + 6, Response::NotFound);
        assert!(matches!(h.verdict(), Verdict::NotLinearizable(_)));
    }

    #[test]
    fn a_carried_write_takes_effect_at_most_once() {
        // Expect: a put of unknown outcome that the prefix may have used (state "az") cannot be
        // used again after the cut to explain a later read of "a"; the cut changes nothing.
        let put = |v: &str| Operation::Put {
            key: "x".into(),
            value: v.into(),
        };
        let get = Operation::Get { key: "x".into() };
        let value = |v: &str| Response::Value { value: v.into() };
        let append = Operation::Append {
            key: "x".into(),
            value: "z".into(),
        };
        let ops: Vec<Gen> = vec![
            (1, put("a"), 0, None),
            (2, append, 0, Some((10, Response::Ok))),
            (2, get.clone(), 20, Some((30, value("az")))),
            (2, get, 40, Some((50, value("a")))),
        ];
        assert!(matches!(
            check_history(&plain(&ops)),
            Verdict::NotLinearizable(_)
        ));
        let mut h = build(&ops, &[]);
        assert!(h.fold_to(2));
        assert_eq!(h.folded.keys["x"].configs.len(), 2);
        assert!(matches!(h.verdict(), Verdict::NotLinearizable(_)));
    }
}
