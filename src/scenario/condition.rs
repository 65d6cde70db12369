//! Evaluating a condition against the world: `Ok(what holds)` or `Err(why not)`.
//!
//! Conditions are evaluated after every event while an expectation waits (`within_ms`) or
//! holds (`for_ms`), so each one reads the world's cheap accessors, never cloned views;
//! following a named operation into the logs is incremental (see [`Context`]).

use crate::check::linearizability::Verdict;
use crate::kv::{Operation, Response};
use crate::raft::NodeId;
use crate::sim::{Status, World};

use super::context::Context;
use super::format::{AppliedCond, Condition, MessagesCond, ResponseCond, TermCond, ValueCond};
use super::refs::KindSel;

/// The result of one evaluation.
pub type Eval = Result<String, String>;

/// Evaluates `c` now.
pub fn eval(c: &Condition, ctx: &mut Context, w: &World) -> Eval {
    use Condition as C;
    match c {
        C::Leader(l) => {
            let among = ctx.resolve_set(&l.among, w)?;
            let id = sole_leader(w, &among)?;
            if let Some(name) = &l.save_as {
                ctx.nodes.insert(name.clone(), id);
            }
            Ok(format!("S{id} leads"))
        }
        C::NoLeader(a) => {
            let among = ctx.resolve_set(&a.among, w)?;
            match leaders_among(w, &among).as_slice() {
                [] => Ok(format!("no leader among {}", ids(&among))),
                l => Err(format!("{} leads", describe_leaders(l))),
            }
        }
        C::Committed(o) => committed(ctx, w, &o.op, o.on_at_least),
        C::Applied(a) => applied(ctx, w, a),
        C::Response(r) => response(ctx, w, r),
        C::Value(v) => value(w, v),
        C::Term(t) => term(ctx, w, t),
        C::TermsAgree(t) => {
            let among = ctx.resolve_set(&t.among, w)?;
            let terms: Vec<(NodeId, u64)> = live(w, &among)
                .map(|(id, n)| (id, n.current_term()))
                .collect();
            let first = terms
                .first()
                .map(|&(_, t)| t)
                .ok_or("no live server to compare")?;
            if let Some(&(id, t)) = terms.iter().find(|&&(_, t)| t != first) {
                return Err(format!(
                    "S{id} is in term {t}, S{} in term {first}",
                    terms[0].0
                ));
            }
            if let Some(name) = &t.save_as {
                ctx.numbers.insert(name.clone(), first);
            }
            Ok(format!("all in term {first}"))
        }
        C::Converged(a) => {
            let among = ctx.resolve_set(&a.among, w)?;
            converged(w, &among)
        }
        C::Messages(m) => messages(ctx, w, m),
        _ => eval_global(c, ctx, w),
    }
}

fn eval_global(c: &Condition, ctx: &mut Context, w: &World) -> Eval {
    use Condition as C;
    match c {
        C::NoViolation(_) => match w.violations().first() {
            None => Ok("no violation".into()),
            Some(v) => Err(format!("{v}")),
        },
        C::Violation(v) => {
            let wanted = |p| v.property.as_ref().is_none_or(|sel| sel.0.contains(&p));
            match w.violations().iter().find(|x| wanted(x.property)) {
                Some(found) => {
                    ctx.violations_expected = true;
                    Ok(format!("{found}"))
                }
                None => Err("no such violation (yet)".into()),
            }
        }
        C::Linearizable(_) => match w.check_linearizability() {
            Verdict::Linearizable => {
                Ok(format!("{} operations are linearizable", w.history().len()))
            }
            Verdict::NotLinearizable(v) => Err(format!(
                "key {:?}: no order fits; stuck after {:?} at {:?}",
                v.key, v.longest_prefix, v.cannot_order
            )),
            Verdict::Inconclusive { key } => {
                Err(format!("the search ran out of budget on key {key:?}"))
            }
        },
        C::ClientsIdle(_) => match w
            .clients()
            .find(|c| c.pending().is_some() || c.queued().next().is_some())
        {
            None => Ok("every client is idle".into()),
            Some(c) => Err(format!("client C{} is busy", c.id)),
        },
        C::Running(b) => {
            let n = w.servers().filter(|s| s.is_running()).count() as u64;
            within("running servers", n, b.at_least, b.at_most)
        }
        C::Connected(b) => {
            let n = w
                .servers()
                .filter(|s| !ctx.disconnected.contains(&s.id))
                .count() as u64;
            within("connected servers", n, b.at_least, b.at_most)
        }
        C::LogRetained(b) => {
            let retained = |s: &crate::sim::Server| {
                s.node()
                    .map_or(0, |n| n.last_index() - n.snapshot().last_included_index)
            };
            let max = w.servers().map(retained).max().unwrap_or(0);
            within("most entries retained", max, b.at_least, b.at_most)
        }
        C::AcknowledgedWritesPresent(_) => acknowledged_present(ctx, w),
        _ => unreachable!("handled by eval"),
    }
}

fn within(what: &str, n: u64, at_least: Option<u64>, at_most: Option<u64>) -> Eval {
    if at_least.is_some_and(|lo| n < lo) || at_most.is_some_and(|hi| n > hi) {
        let lo = at_least.map_or(String::new(), |v| format!(" at least {v}"));
        let hi = at_most.map_or(String::new(), |v| format!(" at most {v}"));
        return Err(format!("{what}: {n}, wanted{lo}{hi}"));
    }
    Ok(format!("{what}: {n}"))
}

fn ids(list: &[NodeId]) -> String {
    let parts: Vec<String> = list.iter().map(|id| format!("S{id}")).collect();
    format!("[{}]", parts.join(", "))
}

/// Running (not paused, not crashed) servers of `among` that believe they lead, with terms.
fn leaders_among(w: &World, among: &[NodeId]) -> Vec<(NodeId, u64)> {
    w.leaders()
        .into_iter()
        .filter(|(id, _)| among.contains(id))
        .collect()
}

fn describe_leaders(l: &[(NodeId, u64)]) -> String {
    let parts: Vec<String> = l
        .iter()
        .map(|(id, t)| format!("S{id} (term {t})"))
        .collect();
    parts.join(" and ")
}

fn sole_leader(w: &World, among: &[NodeId]) -> Result<NodeId, String> {
    match leaders_among(w, among).as_slice() {
        [(id, _)] => Ok(*id),
        [] => Err(format!("no leader among {}", ids(among))),
        l => Err(format!("more than one leader: {}", describe_leaders(l))),
    }
}

/// Servers of `among` that are not crashed, with their nodes.
fn live<'a>(
    w: &'a World,
    among: &'a [NodeId],
) -> impl Iterator<Item = (NodeId, &'a crate::raft::Node)> + 'a {
    among
        .iter()
        .filter_map(move |&id| w.server(id)?.node().map(|n| (id, n)))
}

/// Servers (not crashed) whose state machine has applied `index`.
fn applied_on(w: &World, index: u64) -> u32 {
    let up = w.servers().filter(|s| s.status() != Status::Crashed);
    up.filter(|s| s.kv().last_applied() >= index).count() as u32
}

fn majority(w: &World) -> u32 {
    w.config().servers / 2 + 1
}

fn committed(ctx: &mut Context, w: &World, name: &str, at_least: Option<u32>) -> Eval {
    let k = at_least.unwrap_or_else(|| majority(w));
    let track = ctx
        .ops
        .get(name)
        .ok_or_else(|| format!("{name} was never issued"))?;
    let hid = track
        .history_id
        .ok_or_else(|| format!("{name} has not started yet"))?;
    let op = w
        .history()
        .get(hid)
        .ok_or_else(|| format!("{name} is no longer in the kept history"))?;
    match &op.completion {
        Some((_, Response::SessionError { error })) => {
            return Err(format!("{name} failed: {error}"))
        }
        Some(_) => {}
        None => return Err(format!("{name} has not been answered yet")),
    }
    let index = ctx
        .committed_index(name, w)
        .ok_or_else(|| format!("{name} answered but not found committed"))?;
    let n = applied_on(w, index);
    if n < k {
        return Err(format!(
            "{name} (index {index}) applied on {n} servers, wanted at least {k}"
        ));
    }
    Ok(format!(
        "{name} committed at index {index}, applied on {n} servers"
    ))
}

fn applied(ctx: &mut Context, w: &World, a: &AppliedCond) -> Eval {
    let (what, index) = match (&a.op, a.index) {
        (Some(name), _) => (name.clone(), ctx.committed_index(name, w)),
        (None, Some(i)) => (format!("index {i}"), Some(i)),
        (None, None) => unreachable!("validated: op or index"),
    };
    let n = index.map_or(0, |i| applied_on(w, i));
    let lo = a.on_at_least.map(u64::from);
    let hi = a.on_at_most.map(u64::from);
    within(
        &format!("servers that applied {what}"),
        u64::from(n),
        lo,
        hi,
    )
}

fn response(ctx: &mut Context, w: &World, r: &ResponseCond) -> Eval {
    let track = ctx
        .ops
        .get(&r.op)
        .ok_or_else(|| format!("{} was never issued", r.op))?;
    let hid = track
        .history_id
        .ok_or_else(|| format!("{} has not started yet", r.op))?;
    let op = w
        .history()
        .get(hid)
        .ok_or_else(|| format!("{} is no longer in the kept history", r.op))?;
    let Some((_, got)) = &op.completion else {
        return Err(format!("{} has not been answered yet", r.op));
    };
    let (is, value) = match got {
        Response::Ok => ("ok", None),
        Response::CasOk => ("cas_ok", None),
        Response::CasFailed { .. } => ("cas_failed", None),
        Response::NotFound => ("not_found", None),
        Response::Value { value } => ("value", Some(value)),
        other => return Err(format!("{} was answered {other:?}", r.op)),
    };
    let is_ok = r.is.as_deref().is_none_or(|want| want == is);
    let value_ok = r.value.as_ref().is_none_or(|want| value == Some(want));
    if is_ok && value_ok {
        Ok(format!("{} answered {got:?}", r.op))
    } else {
        Err(format!("{} answered {got:?}", r.op))
    }
}

fn value(w: &World, v: &ValueCond) -> Eval {
    let running: Vec<_> = w.servers().filter(|s| s.is_running()).collect();
    let k = v.on_at_least.unwrap_or(running.len() as u32);
    let n = running
        .iter()
        .filter(|s| s.kv().read(&v.key) == v.value.as_deref())
        .count() as u32;
    if n < k {
        return Err(format!(
            "{:?} = {:?} on {n} running servers, wanted at least {k}",
            v.key, v.value
        ));
    }
    Ok(format!(
        "{:?} = {:?} on {n} running servers",
        v.key, v.value
    ))
}

fn term(ctx: &mut Context, w: &World, t: &TermCond) -> Eval {
    let among = ctx.resolve_set(&t.among, w)?;
    let max = live(w, &among)
        .map(|(_, n)| n.current_term())
        .max()
        .ok_or("no live server")?;
    let lo = t.at_least.as_ref().map(|n| ctx.number(n)).transpose()?;
    let hi = t.at_most.as_ref().map(|n| ctx.number(n)).transpose()?;
    within("highest term", max, lo, hi)
}

/// Every live member of the leader's configuration among `among` applied the leader's whole
/// log and holds the same data.
fn converged(w: &World, among: &[NodeId]) -> Eval {
    let leaders = w.leaders();
    let [(leader, _)] = leaders.as_slice() else {
        return Err(format!("{} leaders", leaders.len()));
    };
    let srv = w.server(*leader).expect("leaders exist");
    let node = srv.node().expect("leaders run");
    let target = node.last_index();
    for (id, n) in live(w, among) {
        if !node.configuration().contains(id) {
            continue;
        }
        let s = w.server(id).expect("live");
        if s.kv().last_applied() != target || n.last_index() != target {
            return Err(format!(
                "S{id} applied {} of the leader's {target} (log ends at {})",
                s.kv().last_applied(),
                n.last_index()
            ));
        }
        if !s.kv().entries().eq(srv.kv().entries()) {
            return Err(format!("S{id}'s data differs from the leader's"));
        }
    }
    Ok(format!("converged at index {target}"))
}

fn messages(ctx: &mut Context, w: &World, m: &MessagesCond) -> Eval {
    let from = ctx
        .marks
        .get(&m.from_mark)
        .ok_or_else(|| format!("mark {:?} not reached yet", m.from_mark))?;
    let now = w.counters().delivered.clone();
    let to = match &m.to_mark {
        Some(name) => {
            &ctx.marks
                .get(name)
                .ok_or_else(|| format!("mark {name:?} not reached yet"))?
                .delivered
        }
        None => &now,
    };
    let all = [KindSel::all()];
    let sels = m.kinds.as_deref().unwrap_or(&all);
    let mut kinds: Vec<_> = sels.iter().flat_map(|s| s.0.iter().copied()).collect();
    crate::collections::sort::sort_unstable(&mut kinds);
    kinds.dedup();
    let count: u64 = kinds
        .iter()
        .map(|k| {
            to.get(k)
                .unwrap_or(&0)
                .saturating_sub(*from.delivered.get(k).unwrap_or(&0))
        })
        .sum();
    within("messages delivered", count, m.at_least, m.at_most)
}

/// See [`Condition::AcknowledgedWritesPresent`]: an acknowledged append must still show in
/// its key unless a put or cas on that key may be ordered after it (answered after the
/// append was called, or never answered).
fn acknowledged_present(ctx: &mut Context, w: &World) -> Eval {
    let _ = ctx;
    let h = w.history();
    let config = w
        .current_leader()
        .and_then(|l| w.server(l)?.node())
        .map(|n| n.configuration().clone());
    let member = |id| config.as_ref().is_none_or(|c| c.contains(id));
    let members: Vec<_> = w
        .servers()
        .filter(|s| s.is_running() && member(s.id))
        .collect();
    let mut checked = 0;
    for a in h
        .iter()
        .filter(|a| matches!(a.completion, Some((_, Response::Ok))))
    {
        let Operation::Append { key, value } = &a.op else {
            continue;
        };
        let may_replace = h.iter().any(|b| {
            matches!(&b.op, Operation::Put { key: k, .. } | Operation::Cas { key: k, .. } if k == key)
                && b.completion.as_ref().is_none_or(|(ret, r)| *ret > a.call_ms && !matches!(r, Response::CasFailed { .. }))
        });
        if may_replace {
            continue;
        }
        checked += 1;
        if let Some(s) = members
            .iter()
            .find(|s| !s.kv().read(key).is_some_and(|v| v.contains(value.as_str())))
        {
            return Err(format!(
                "op{} (append {key}+={value}) was acknowledged but S{} does not have it",
                a.id, s.id
            ));
        }
    }
    Ok(format!("{checked} acknowledged appends present"))
}
