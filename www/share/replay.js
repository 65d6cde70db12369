// Rebuilds a moment of a run: the run is a pure function of (config, command log), so applying
// each logged command when the world reaches its step number and time reproduces it exactly
// (same trace hash).

/** Most commands a session may carry. */
export const MAX_COMMANDS = 5_000;
/** Wall-clock budget of one replay: a link or file that asks for more (a moment days or
 * billions of steps away) is refused with a message instead of freezing the page. */
export const REPLAY_BUDGET_MS = 10_000;
/** Steps and virtual milliseconds replayed between two looks at the clock. */
const CHUNK_STEPS = 20_000;
const CHUNK_MS = 10_000;

/** Raised when a replay runs past its budget. */
export class ReplayTimeout extends Error {}

/** Moves `sim` forward to `steps` / `timeMs` in chunks, checking the budget between them. */
function forward(sim, clock, { steps = null, timeMs = null }) {
  for (;;) {
    if (clock.now() > clock.deadline) throw new ReplayTimeout(`replay stopped after ${REPLAY_BUDGET_MS} ms at step ${sim.steps}`);
    const before = sim.steps;
    if (steps !== null && sim.steps < steps) sim.seekStep(Math.min(steps, sim.steps + CHUNK_STEPS));
    else if (timeMs !== null && sim.nowMs < timeMs) sim.seek(Math.min(timeMs, sim.nowMs + CHUNK_MS));
    else return;
    if (sim.steps === before && steps !== null && timeMs === null) return; // nothing left to run
  }
}

/**
 * Replays `commands` ([{ step, timeMs, bytes }], in order; `bytes` is the command as the
 * reader's `readAction` encodes it, all of them read before the replay starts) into a fresh
 * `sim`, then moves to `at` ({ steps }, optional). Throws on a command the world refuses; the
 * caller then discards `sim` (the session on screen is never touched half-way).
 */
export function replay(sim, commands, at = null, now = () => globalThis.performance?.now() ?? Date.now()) {
  const clock = { now, deadline: now() + REPLAY_BUDGET_MS };
  for (const c of commands) {
    if (c.step < sim.steps) throw new Error(`command at step ${c.step} is out of order`);
    forward(sim, clock, { steps: c.step });
    forward(sim, clock, { timeMs: c.timeMs });
    sim.applyActionBytes(c.bytes);
  }
  if (at && Number.isFinite(at.steps)) {
    forward(sim, clock, { steps: at.steps });
    if (Number.isFinite(at.nowMs)) forward(sim, clock, { timeMs: at.nowMs });
  }
  return sim;
}

/** The command log of `sim` as plain data (`timeMs` named for JS). */
export function commandsOf(sim) {
  return sim.commandLog().map((c) => ({ step: c.step, timeMs: c.time_ms ?? c.timeMs, action: c.action }));
}
