// The scenario format's server references and expectations, evaluated in the page against one
// Simulation handle (the subset the tutorial chapters use; the same files run natively through
// src/scenario, where every expectation is checked in full).
import { readFrame } from '../snapshot.js';

/** Resolves a server reference (`2`, "leader", "follower", "$name", "leader+1") or null. */
export function resolveRef(ref, sim, saved) {
  const frame = readFrame(sim);
  const ids = frame.nodes.map((n) => n.id).sort((a, b) => a - b);
  if (typeof ref === 'number') return ids.includes(ref) ? ref : null;
  if (typeof ref !== 'string') return null;
  const m = /^(\$?[a-z_][\w ]*?)\s*([+-]\d+)?$/i.exec(ref.trim());
  if (!m) return null;
  const base = m[1].trim();
  let id = null;
  if (base.startsWith('$')) id = saved[base.slice(1)] ?? null;
  else if (base === 'leader') id = frame.global.leader;
  else if (base === 'follower' || base === 'a follower') id = frame.nodes.find((n) => n.role === 'follower' && n.status === 'running')?.id ?? null;
  else if (base === 'candidate') id = frame.nodes.find((n) => n.role === 'candidate')?.id ?? null;
  if (id === null || !m[2]) return id;
  const i = ids.indexOf(id);
  return i < 0 ? null : ids[(((i + Number(m[2])) % ids.length) + ids.length) % ids.length];
}

/** A set of servers: a reference, a list, or a keyword. */
export function resolveSet(set, sim, saved) {
  const nodes = readFrame(sim).nodes;
  if (set === undefined || set === 'all' || set === 'connected') return nodes.map((n) => n.id);
  if (set === 'running') return nodes.filter((n) => n.status === 'running').map((n) => n.id);
  if (set === 'crashed') return nodes.filter((n) => n.status === 'crashed').map((n) => n.id);
  const list = Array.isArray(set) ? set : [set];
  return list.map((r) => resolveRef(r, sim, saved)).filter((id) => id !== null);
}

const majority = (n) => Math.floor(n / 2) + 1;

function holders(sim, key, value, append) {
  return sim.kvState().filter((s) => s.status !== 'Crashed' && s.kv.some(([k, v]) => k === key && (append ? v.includes(value) : v === value))).length;
}

/** Request kinds, one per RPC (the scenario format's `"requests"`; src/scenario/refs.rs). */
const REQUEST_KINDS = ['RequestVote', 'RequestPreVote', 'Heartbeat', 'AppendEntries', 'InstallSnapshot', 'TimeoutNow', 'ReadIndex', 'TransferLeader'];

/** Messages delivered so far, by kind (`{ AppendEntries: 12, … }`), a plain object to keep in marks. */
export function deliveredCounts(sim) {
  const d = sim.counters().delivered ?? {};
  return Object.fromEntries(d instanceof Map ? d : Object.entries(d));
}

/** Whether a kind (`AppendEntries`) is in a scenario kind selection (`["append_entries", "responses"]`). */
function selected(kind, names) {
  const snake = kind.replace(/[A-Z]/g, (c, i) => (i ? '_' : '') + c.toLowerCase());
  return names.some((n) => n === 'all' || n === snake || (n === 'requests' && REQUEST_KINDS.includes(kind)) || (n === 'responses' && !REQUEST_KINDS.includes(kind)));
}

/** `messages`: deliveries between two marks (the second defaults to now), within bounds. */
function messagesHold(arg, sim, ctx) {
  const from = ctx.marks?.[arg.from_mark];
  const to = arg.to_mark === undefined ? deliveredCounts(sim) : ctx.marks?.[arg.to_mark];
  if (!from || !to) return false;
  const names = arg.kinds ?? ['all'];
  const count = Object.keys(to).filter((k) => selected(k, names)).reduce((sum, k) => sum + Math.max(0, to[k] - (from[k] ?? 0)), 0);
  return (arg.at_least === undefined || count >= arg.at_least) && (arg.at_most === undefined || count <= arg.at_most);
}

/** `linearizable`: the client history checks out (a search: redone only when the world moved). */
function linearizableHolds(sim, ctx) {
  if (ctx.linearizableAt?.steps !== sim.steps) {
    ctx.linearizableAt = { steps: sim.steps, ok: sim.checkLinearizability().verdict === 'linearizable' };
  }
  return ctx.linearizableAt.ok;
}

/**
 * Whether `cond` (one expectation object, e.g. `{ leader: { save_as: "L" } }`) holds now.
 * `ctx` holds `saved` names and `ops` (named client operations). Saves names when it holds.
 */
export function holds(cond, sim, ctx) {
  const [name, arg = {}] = Object.entries(cond)[0] ?? [];
  if (name === 'messages') return messagesHold(arg, sim, ctx);
  if (name === 'linearizable') return linearizableHolds(sim, ctx);
  const frame = readFrame(sim);
  const g = frame.global;
  const running = frame.nodes.filter((n) => n.status === 'running');
  switch (name) {
    case 'leader': {
      const among = resolveSet(arg.among, sim, ctx.saved);
      const leaders = running.filter((n) => n.role === 'leader' && among.includes(n.id));
      if (leaders.length === 0) return false;
      const top = leaders.reduce((a, b) => (b.term > a.term ? b : a));
      if (arg.save_as) ctx.saved[arg.save_as] = top.id;
      return true;
    }
    case 'no_leader': return !running.some((n) => n.role === 'leader' && resolveSet(arg.among, sim, ctx.saved).includes(n.id));
    case 'committed': case 'applied': {
      const op = ctx.ops[arg.op];
      if (!op) return false;
      return holders(sim, op.key, op.value, op.append) >= (arg.on_at_least ?? majority(frame.nodes.length));
    }
    case 'value': return holders(sim, arg.key, arg.value, false) >= (arg.on_at_least ?? running.length);
    case 'term': {
      const num = (v) => (typeof v === 'string' && v.startsWith('$') ? ctx.saved[v.slice(1)] : v);
      return (arg.at_least === undefined || g.maxTerm >= num(arg.at_least)) && (arg.at_most === undefined || g.maxTerm <= num(arg.at_most));
    }
    case 'terms_agree': {
      const terms = new Set(running.map((n) => n.term));
      if (terms.size === 1 && arg.save_as) ctx.saved[arg.save_as] = [...terms][0];
      return terms.size === 1;
    }
    case 'converged': {
      const leader = running.find((n) => n.role === 'leader');
      return Boolean(leader) && running.every((n) => n.commitIndex === leader.lastIndex && n.lastIndex === leader.lastIndex);
    }
    case 'no_violation': return g.violations === 0;
    case 'violation': return g.violations > 0;
    case 'clients_idle': return sim.clients(1).every((c) => !c.pending && Number(c.queued) === 0);
    case 'running': return (arg.at_least === undefined || running.length >= arg.at_least) && (arg.at_most === undefined || running.length <= arg.at_most);
    default: return true; // response, connected, log_retained, acknowledged_writes_present: checked natively (src/scenario), not here
  }
}
