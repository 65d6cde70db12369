// Rebuilds a moment of a run: the run is a pure function of (config, command log), so applying
// each logged command when the world reaches its step number and time reproduces it exactly
// (same trace hash).

/** Most commands a session may carry. */
export const MAX_COMMANDS = 5_000;

/**
 * Replays `commands` ([{ step, timeMs, action }], in order) into a fresh `sim`, then moves to
 * `at` ({ steps }, optional). Throws on a command the world refuses; the caller then discards
 * `sim` (the session on screen is never touched half-way).
 */
export function replay(sim, commands, at = null) {
  for (const c of commands) {
    if (c.step < sim.steps) throw new Error(`command at step ${c.step} is out of order`);
    sim.seekStep(c.step);
    if (sim.nowMs < c.timeMs) sim.seek(c.timeMs);
    sim.applyAction(c.action);
  }
  if (at && Number.isFinite(at.steps)) {
    sim.seekStep(at.steps);
    if (Number.isFinite(at.nowMs) && sim.nowMs < at.nowMs) sim.seek(at.nowMs);
  }
  return sim;
}

/** The command log of `sim` as plain data (`timeMs` named for JS). */
export function commandsOf(sim) {
  return sim.commandLog().map((c) => ({ step: c.step, timeMs: c.time_ms ?? c.timeMs, action: c.action }));
}
