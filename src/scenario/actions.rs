//! Turning an action step into world commands, with references resolved at the moment the
//! step runs. `Ok` describes what was done; `Err` says why it could not be.

use crate::kv::Operation;
use crate::raft::NodeId;
use crate::sim::{Action, Simulation, Status};

use super::context::Context;
use super::format::{ClientOpSpec, LinkSpec};
use super::refs::NodeSet;
use super::step::{OpKind, StepKind};

/// Runs an action step (not `expect`, `run_ms`, `repeat`, `one_of` or `mark`).
pub fn execute(kind: &StepKind, sim: &mut Simulation, ctx: &mut Context) -> Result<String, String> {
    use StepKind as K;
    match kind {
        K::Crash(s) => each(sim, ctx, s, "crash", |server| {
            vec![Action::Crash { server }]
        }),
        K::Restart(s) => each(sim, ctx, s, "restart", |server| {
            vec![Action::Restart { server }]
        }),
        K::Pause(s) => each(sim, ctx, s, "pause", |server| {
            vec![Action::Pause { server }]
        }),
        K::Resume(s) => each(sim, ctx, s, "resume", |server| {
            vec![Action::Resume { server }]
        }),
        K::Snapshot(s) => each(sim, ctx, s, "snapshot", |server| {
            vec![Action::Snapshot { server }]
        }),
        K::Reboot(s) => reboot(sim, ctx, s),
        K::Disconnect(s) => disconnect(sim, ctx, s),
        K::Connect(s) => connect(sim, ctx, s),
        K::Partition(groups) => {
            let mut resolved = Vec::new();
            for g in groups {
                resolved.push(ctx.resolve_set(g, sim.world())?);
            }
            let what = format!("partition {resolved:?}");
            apply(sim, Action::Partition { groups: resolved })?;
            Ok(what)
        }
        K::Cut(l) => link(sim, ctx, l, true),
        K::Repair(l) => link(sim, ctx, l, false),
        K::Heal => {
            apply(sim, Action::Heal)?;
            ctx.disconnected.clear();
            Ok("heal".into())
        }
        K::SetNetwork(n) => {
            let action = Action::SetNetwork { link: n.link() };
            let what = action.to_string();
            apply(sim, action).map(|()| what)
        }
        K::SetLink(l) => {
            let (from, to) = (
                ctx.resolve(&l.from, sim.world())?,
                ctx.resolve(&l.to, sim.world())?,
            );
            let action = Action::SetLink {
                from,
                to,
                link: l.network.link(),
            };
            let what = action.to_string();
            apply(sim, action).map(|()| what)
        }
        K::Client(op, spec) => client_op(sim, ctx, *op, spec),
        _ => execute_membership(kind, sim, ctx),
    }
}

fn execute_membership(
    kind: &StepKind,
    sim: &mut Simulation,
    ctx: &mut Context,
) -> Result<String, String> {
    use StepKind as K;
    let action = match kind {
        K::AddServer(id) => Action::AddServer { server: *id },
        K::RemoveServer(r) => Action::RemoveServer {
            server: ctx.resolve(r, sim.world())?,
        },
        K::TransferLeadership(r) => Action::TransferLeadership {
            to: ctx.resolve(r, sim.world())?,
        },
        K::Campaign(r) => Action::Campaign {
            server: ctx.resolve(r, sim.world())?,
        },
        K::Workload(on) => Action::SetWorkload { enabled: *on },
        K::Faults(on) => Action::SetFaults { enabled: *on },
        other => unreachable!("not an action step: {}", other.key()),
    };
    let what = action.to_string();
    apply(sim, action)?;
    if let K::AddServer(id) = kind {
        // A server added while others are disconnected must not reach them either.
        for &other in &ctx.disconnected.clone() {
            apply(
                sim,
                Action::CutLink {
                    from: *id,
                    to: other,
                    both: true,
                },
            )?;
        }
    }
    Ok(what)
}

fn apply(sim: &mut Simulation, action: Action) -> Result<(), String> {
    sim.apply(action.clone())
        .map_err(|e| format!("{action}: {e}"))
}

fn each(
    sim: &mut Simulation,
    ctx: &mut Context,
    set: &NodeSet,
    verb: &str,
    actions: impl Fn(NodeId) -> Vec<Action>,
) -> Result<String, String> {
    let ids = ctx.resolve_set(set, sim.world())?;
    if ids.is_empty() {
        return Err(format!("{verb}: {set} names no server"));
    }
    for &id in &ids {
        for a in actions(id) {
            apply(sim, a)?;
        }
    }
    Ok(format!("{verb} {}", names(&ids)))
}

fn names(ids: &[NodeId]) -> String {
    let parts: Vec<String> = ids.iter().map(|id| format!("S{id}")).collect();
    parts.join(", ")
}

fn reboot(sim: &mut Simulation, ctx: &mut Context, set: &NodeSet) -> Result<String, String> {
    let ids = ctx.resolve_set(set, sim.world())?;
    for &server in &ids {
        let crashed = sim.world().server(server).map(|s| s.status()) == Some(Status::Crashed);
        if !crashed {
            apply(sim, Action::Crash { server })?;
        }
        apply(sim, Action::Restart { server })?;
    }
    Ok(format!("reboot {}", names(&ids)))
}

/// MIT's `disconnect(i)`: every link to and from `i` is cut.
fn disconnect(sim: &mut Simulation, ctx: &mut Context, set: &NodeSet) -> Result<String, String> {
    let ids = ctx.resolve_set(set, sim.world())?;
    let all: Vec<NodeId> = sim.world().servers().map(|s| s.id).collect();
    for &id in &ids {
        for &other in all.iter().filter(|&&o| o != id) {
            apply(
                sim,
                Action::CutLink {
                    from: id,
                    to: other,
                    both: true,
                },
            )?;
        }
        ctx.disconnected.insert(id);
    }
    Ok(format!("disconnect {}", names(&ids)))
}

/// MIT's `connect(i)`: links between `i` and every connected server are repaired.
fn connect(sim: &mut Simulation, ctx: &mut Context, set: &NodeSet) -> Result<String, String> {
    let ids = ctx.resolve_set(set, sim.world())?;
    let all: Vec<NodeId> = sim.world().servers().map(|s| s.id).collect();
    for &id in &ids {
        ctx.disconnected.remove(&id);
        for &other in all
            .iter()
            .filter(|&&o| o != id && !ctx.disconnected.contains(&o))
        {
            apply(
                sim,
                Action::RepairLink {
                    from: id,
                    to: other,
                    both: true,
                },
            )?;
        }
    }
    Ok(format!("connect {}", names(&ids)))
}

fn link(
    sim: &mut Simulation,
    ctx: &mut Context,
    l: &LinkSpec,
    cut: bool,
) -> Result<String, String> {
    let (from, to) = (
        ctx.resolve(&l.from, sim.world())?,
        ctx.resolve(&l.to, sim.world())?,
    );
    let both = l.both;
    let action = if cut {
        Action::CutLink { from, to, both }
    } else {
        Action::RepairLink { from, to, both }
    };
    let what = action.to_string();
    apply(sim, action).map(|()| what)
}

fn client_op(
    sim: &mut Simulation,
    ctx: &mut Context,
    kind: OpKind,
    spec: &ClientOpSpec,
) -> Result<String, String> {
    let key = spec.key.clone();
    let value = || spec.value.clone().expect("validated: has a value");
    let op = match kind {
        OpKind::Put => Operation::Put {
            key,
            value: value(),
        },
        OpKind::Get => Operation::Get { key },
        OpKind::Cas => Operation::Cas {
            key,
            expected: spec.expected.clone(),
            new: value(),
        },
        OpKind::Append => Operation::Append {
            key,
            value: value(),
        },
    };
    let action = Action::ClientOp {
        client: spec.client,
        op: op.clone(),
        read_index: spec.read_index,
    };
    let what = match &spec.name {
        Some(n) => format!("{action} as {n}"),
        None => action.to_string(),
    };
    apply(sim, action)?;
    if let Some(name) = &spec.name {
        ctx.track(name, spec.client, op, sim.world());
    }
    Ok(what)
}
