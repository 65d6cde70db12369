// Plays a chapter: its scenario file (the scenario format of src/scenario) split into narration
// stops at its `mark` steps. Commands run at once; expectations and `run_ms`/`after_ms` let virtual
// time pass, checked every virtual millisecond so a stop always ends at the same event (the run is a
// pure function of the scenario and the learner's actions); steps with `"note": "learner"` wait
// for the learner to do them (the command log shows when) — the fast-forward does them itself.
// The position (step count) at the start of every stop is recorded, so Back is an exact seek.
import { deliveredCounts, holds, resolveRef, resolveSet } from './conditions.js';

const ACTION_KEYS = ['crash', 'restart', 'reboot', 'pause', 'resume', 'snapshot', 'partition', 'cut', 'heal', 'put', 'write',
  'append', 'cas', 'get', 'read', 'campaign', 'timeout_now', 'transfer_leadership', 'add_server', 'remove_server',
  'workload', 'faults', 'disconnect', 'connect', 'run_ms', 'expect', 'wait'];
/** Command-log action types a learner step accepts, by scenario key. */
const LOG_TYPES = {
  crash: ['crash'], restart: ['restart'], pause: ['pause'], resume: ['resume'], snapshot: ['snapshot'],
  partition: ['partition', 'cut_link'], disconnect: ['partition', 'cut_link'], cut: ['cut_link'], heal: ['heal'], connect: ['heal', 'repair_link'],
  put: ['client_op'], write: ['client_op'], append: ['client_op'], cas: ['client_op'], get: ['client_op'], read: ['client_op'],
  campaign: ['campaign'], timeout_now: ['campaign'], transfer_leadership: ['transfer_leadership'],
  add_server: ['add_server'], remove_server: ['remove_server'],
};
/** Bound on one fast-forwarded wait (virtual ms), so a broken chapter cannot hang the page. */
const MAX_WAIT_MS = 60_000;

/** The command key of a scenario step, or 'mark' for a bare mark. */
export function stepKey(step) {
  return ACTION_KEYS.find((k) => Object.hasOwn(step, k)) ?? (step.mark ? 'mark' : null);
}

/** Splits a scenario's steps into stops: `[{ mark, steps }]`, one per `mark`. */
export function stops(scenario) {
  const out = [];
  for (const step of scenario.steps ?? []) {
    if (step.mark) out.push({ mark: step.mark, steps: [] });
    if (out.length === 0) out.push({ mark: 'start', steps: [] });
    if (stepKey(step) !== 'mark') out[out.length - 1].steps.push(step);
  }
  return out;
}

export function createPlayer(scenario) {
  const list = stops(scenario);
  const ctx = { saved: {}, ops: {}, marks: {} };
  let stop = 0;
  let pos = 0; // next step within the stop
  let wait = null; // { kind: 'time'|'cond'|'learner', … }
  const positions = []; // steps count at the start of each stop
  const contexts = []; // ctx copies at the start of each stop

  function apply(sim, key, step) {
    const v = step[key];
    const ids = () => resolveSet(v, sim, ctx.saved);
    const one = () => { const id = resolveRef(v, sim, ctx.saved); if (id === null) throw new Error(`no server ${JSON.stringify(v)}`); return id; };
    const op = (o) => ({ client: o.client ?? 1, key: String(o.key ?? 'x'), value: String(o.value ?? '') });
    switch (key) {
      case 'crash': case 'restart': case 'pause': case 'resume': case 'snapshot':
        for (const id of ids()) sim[key](id); return;
      case 'reboot': for (const id of ids()) { try { sim.crash(id); } catch { /* already down */ } sim.restart(id); } return;
      case 'campaign': case 'timeout_now': sim.timeoutNow(one()); return;
      case 'transfer_leadership': sim.transferLeadership(one()); return;
      case 'remove_server': sim.removeServer(one()); return;
      case 'add_server': sim.addServer(typeof v === 'number' ? v : undefined); return;
      case 'partition': sim.partition(v.map((g) => resolveSet(g, sim, ctx.saved))); return;
      case 'disconnect': sim.partition([ids()]); return;
      case 'cut': {
        const end = (r) => { const id = resolveRef(r, sim, ctx.saved); if (id === null) throw new Error(`no server ${JSON.stringify(r)}`); return id; };
        sim.cutLink(end(v.from), end(v.to), v.both === true); return; // one way unless `both`, as natively
      }
      case 'heal': case 'connect': sim.heal(); return;
      case 'workload': sim.setWorkload(Boolean(v)); return;
      case 'faults': sim.setFaults(Boolean(v)); return;
      case 'put': case 'write': { const o = op(v); sim.clientWrite(o.client, o.key, o.value); if (v.as) ctx.ops[v.as] = o; return; }
      case 'append': { const o = op(v); sim.clientAppend(o.client, o.key, o.value); if (v.as) ctx.ops[v.as] = { ...o, append: true }; return; }
      case 'cas': { const o = op(v); sim.clientCas(o.client, o.key, v.expected ?? null, o.value); if (v.as) ctx.ops[v.as] = o; return; }
      case 'get': case 'read': sim.clientRead(v.client ?? 1, String(v.key ?? 'x'), Boolean(v.read_index)); return;
      default:
    }
  }

  /** Starts the next scenario step of this stop (possibly finishing it at once). */
  function begin(sim, learnerAuto) {
    const step = list[stop].steps[pos];
    const key = stepKey(step);
    const delay = Array.isArray(step.after_ms) ? step.after_ms[0] : step.after_ms;
    if (delay && !step.delayed) { wait = { kind: 'time', until: sim.nowMs + delay, then: () => { step.delayed = true; } }; return; }
    if (key === 'run_ms') { wait = { kind: 'time', until: sim.nowMs + (Array.isArray(step.run_ms) ? step.run_ms[0] : step.run_ms) }; return; }
    if (key === 'expect' || key === 'wait') {
      const cond = step[key];
      if (step.for_ms) { wait = { kind: 'time', until: sim.nowMs + step.for_ms }; return; }
      wait = { kind: 'cond', cond, deadline: sim.nowMs + (step.within_ms ?? 10_000) };
      return;
    }
    if (step.note === 'learner' && !learnerAuto) {
      const target = typeof step[key] === 'object' && step[key] !== null ? null : resolveRef(step[key], sim, ctx.saved);
      wait = { kind: 'learner', key, target, logLength: sim.commandLog().length, step };
      return;
    }
    apply(sim, key, step);
    wait = null;
  }

  function learnerDone(sim) {
    const log = sim.commandLog();
    for (const c of log.slice(wait.logLength)) {
      const a = c.action;
      if (!(LOG_TYPES[wait.key] ?? []).includes(a.type)) continue;
      if (wait.target === null || a.server === undefined || a.server === wait.target) return true;
    }
    return false;
  }

  /** Finished the whole stop? */
  const stopDone = () => pos >= list[stop].steps.length && wait === null;

  /**
   * Advances the stop by up to `budgetMs` of virtual time. Returns 'done' when the stop is
   * complete, 'learner' while waiting for the learner, 'running' otherwise. `auto` performs
   * learner steps (fast-forward).
   */
  function tick(sim, budgetMs, auto = false) {
    const end = sim.nowMs + budgetMs;
    let guard = 0;
    while (!stopDone() && guard++ < 100_000) {
      if (wait === null) {
        begin(sim, auto);
        if (wait === null) { pos += 1; continue; }
      }
      if (wait.kind === 'learner') {
        if (learnerDone(sim)) { wait = null; pos += 1; continue; }
        if (sim.nowMs < end) sim.advance(end - sim.nowMs);
        return 'learner';
      }
      if (wait.kind === 'time') {
        if (sim.nowMs >= wait.until) { const then = wait.then; wait = null; if (then) then(); else pos += 1; continue; }
        if (sim.nowMs >= end) return 'running';
        sim.advance(Math.min(wait.until, end) - sim.nowMs);
        continue;
      }
      // A condition: checked after every virtual millisecond.
      if (holds(wait.cond, sim, ctx) || sim.nowMs >= wait.deadline) { wait = null; pos += 1; continue; }
      if (sim.nowMs >= end) return 'running';
      sim.advance(1);
    }
    return stopDone() ? 'done' : 'running';
  }

  return {
    stops: list,
    ctx,
    stop: () => stop,
    waiting: () => wait?.kind ?? null,
    /** The learner step being waited for (its scenario step), or null. */
    learnerStep: () => (wait?.kind === 'learner' ? wait.step : null),
    done: stopDone,
    tick,
    /** Performs the awaited learner step ("do it for me"). */
    doLearnerStep(sim) {
      if (wait?.kind !== 'learner') return;
      const { key, step } = wait;
      apply(sim, key, step);
    },
    /** Enters stop `i` (recording where it starts). */
    enter(sim, i) {
      stop = i; pos = 0; wait = null;
      for (const s of list[i].steps) delete s.delayed;
      positions[i] = sim.steps;
      ctx.marks[list[i].mark] = deliveredCounts(sim);
      contexts[i] = JSON.parse(JSON.stringify(ctx));
      positions.length = i + 1;
    },
    /** Runs the rest of the current stop at once (learner steps done for the learner). */
    finish(sim) {
      let budget = MAX_WAIT_MS * Math.max(1, list[stop].steps.length);
      while (!stopDone() && budget > 0) { tick(sim, 1000, true); budget -= 1000; }
    },
    /** Makes stop `i` current again (the caller rebuilt the world at `position(i)`). */
    rewind(i) {
      if (positions[i] === undefined) return false;
      for (const k of Object.keys(ctx)) delete ctx[k];
      Object.assign(ctx, JSON.parse(JSON.stringify(contexts[i])));
      const keep = positions[i];
      stop = i; pos = 0; wait = null;
      for (const s of list[i].steps) delete s.delayed;
      positions.length = i + 1;
      positions[i] = keep;
      return true;
    },
    position: (i) => positions[i],
  };
}
