// Protocol switches (pre-vote, check-quorum, batch size, timeouts, heartbeat) and broken-Raft
// switches (the core's deliberate bugs and the KV's apply-without-dedup). Changing them needs a
// new cluster: it restarts from the same seed, and says so (the configuration is read by the
// reader's module, ../reader.js, fetched on the first restart). "Find a counterexample" sweeps
// seeds in a Web Worker and loads the first violating run at its violating step.
import { el } from '../dom.js';
import { setText, t } from '../i18n/index.js';
import { errorText } from '../i18n/errors.js';
import { loadReader, simulationFromConfig } from '../reader.js';
import { span } from './text.js';

/** Bug switches: [config path, hunt name]. */
export const BUG_SWITCHES = Object.freeze([
  ['skip_figure8_rule', 'raft'], ['skip_vote_log_check', 'raft'], ['forget_vote_on_restart', 'raft'],
  ['keep_commit_across_crash', 'raft'], ['apply_without_dedup', 'kv'],
]);
/** Seeds one search tries before giving up, servers and virtual time per seed. */
export const SEARCH_SEEDS = 500;
export const SEARCH_SERVERS = 5;
export const SEARCH_RUN_MS = 20_000;

/** A heartbeat this close to the smallest election timeout risks spurious elections. */
export function stabilityRisk(heartbeatMs, electionMinMs) {
  return heartbeatMs * 2 > electionMinMs;
}

/**
 * The running world's configuration with `patch(config)` applied, as a new Simulation read by
 * `reader` (a module from `loadReader`), from the same seed.
 */
export function rebuild(bindings, reader, sim, patch) {
  const config = sim.config();
  patch(config);
  return simulationFromConfig(bindings, reader, config, sim.seed);
}

export function installSettings(handle, protocolPanel, bugsPanel) {
  const { app } = handle;
  /** Restarts with `patch`; resolves to whether it did (the reader may not arrive, a setting may be refused: the lab says why). */
  const restartWith = async (patch) => {
    const sim = app.simulation();
    const reader = await loadReader(app);
    if (!reader) return false;
    let next;
    try { next = rebuild(app.bindings, reader, sim, patch); } catch (err) { app.showError(err); return false; }
    app.adopt(next);
    app.notify(() => t('break.restarted', { seed: next.seed }));
    return true;
  };

  // ---- protocol ----
  const input = (id, min, max) => el('input', { id, type: 'number', min: String(min), max: String(max), step: '1', class: 'break-num' });
  const f = {
    preVote: el('input', { id: 'break-prevote', type: 'checkbox' }),
    checkQuorum: el('input', { id: 'break-checkquorum', type: 'checkbox' }),
    batch: input('break-batch', 1, 10000),
    eMin: input('break-emin', 1, 100000),
    eMax: input('break-emax', 2, 100000),
    heartbeat: input('break-heartbeat', 1, 100000),
  };
  const hint = el('p', { id: 'break-stability', class: 'break-warn', role: 'status', hidden: true });
  const apply = setText(el('button', { type: 'button', id: 'break-protocol-apply' }), 'break.protocol.apply');
  const check = () => { hint.hidden = !stabilityRisk(Number(f.heartbeat.value), Number(f.eMin.value)); setText(hint, 'break.protocol.unstable', { heartbeat: f.heartbeat.value, election: f.eMin.value }); };
  for (const i of [f.heartbeat, f.eMin]) i.addEventListener('input', check);
  apply.addEventListener('click', () => restartWith((c) => {
    c.raft.pre_vote = f.preVote.checked;
    c.raft.check_quorum = f.checkQuorum.checked;
    c.raft.max_entries_per_append = Number(f.batch.value);
    c.raft.election_timeout_ms_min = Number(f.eMin.value);
    c.raft.election_timeout_ms_max = Number(f.eMax.value);
    c.raft.heartbeat_interval_ms = Number(f.heartbeat.value);
  }));
  const label = (key, control) => el('label', { class: control.type === 'checkbox' ? 'check' : '' }, control.type === 'checkbox' ? [control, span(key)] : [span(key), control]);
  protocolPanel.append(
    setText(el('p', { class: 'hint' }), 'break.protocol.intro'),
    el('div', { class: 'break-knobs' },
      label('break.protocol.preVote', f.preVote), label('break.protocol.checkQuorum', f.checkQuorum),
      label('break.protocol.batch', f.batch), label('break.protocol.electionMin', f.eMin),
      label('break.protocol.electionMax', f.eMax), label('break.protocol.heartbeat', f.heartbeat)),
    hint, el('div', { class: 'row-buttons' }, apply));

  // ---- broken Raft ----
  const boxes = Object.fromEntries(BUG_SWITCHES.map(([name]) => [name, el('input', { id: `break-bug-${name}`, type: 'checkbox' })]));
  const bugApply = setText(el('button', { type: 'button', id: 'break-bugs-apply' }), 'break.bugs.apply');
  bugApply.addEventListener('click', () => restartWith((c) => {
    for (const [name, where] of BUG_SWITCHES) {
      if (where === 'kv') c.kv[name] = boxes[name].checked; else c.raft.bugs[name] = boxes[name].checked;
    }
  }));
  const huntBug = el('select', { id: 'break-hunt-bug' }, BUG_SWITCHES.map(([name]) => setText(el('option', { value: name }), `break.bug.${name}`)));
  const search = setText(el('button', { type: 'button', id: 'break-search' }), 'break.search.start');
  const cancel = setText(el('button', { type: 'button', id: 'break-search-cancel', disabled: true }), 'break.search.cancel');
  const progress = el('progress', { id: 'break-search-progress', max: String(SEARCH_SEEDS), value: '0' });
  const result = el('p', { id: 'break-search-result', role: 'status', 'aria-live': 'polite' });
  bugsPanel.append(
    setText(el('p', { class: 'hint' }), 'break.bugs.intro'),
    el('div', { class: 'break-bugs' }, BUG_SWITCHES.map(([name]) => el('label', { class: 'check' }, boxes[name], span(`break.bug.${name}`)))),
    el('div', { class: 'row-buttons' }, bugApply),
    setText(el('h3', {}), 'break.search.title'),
    setText(el('p', { class: 'hint' }), 'break.search.intro', { seeds: SEARCH_SEEDS }),
    el('div', { class: 'row-buttons' }, el('label', {}, span('break.search.bug'), huntBug), search, cancel),
    progress, result);

  let worker = null;
  let state = { status: 'idle' };
  const stop = () => { worker?.terminate(); worker = null; search.disabled = false; cancel.disabled = true; };
  search.addEventListener('click', () => {
    stop();
    const bug = huntBug.value;
    worker = new Worker(new URL('./worker.js', import.meta.url));
    search.disabled = true; cancel.disabled = false;
    progress.value = 0;
    state = { status: 'running', bug, done: 0 };
    setText(result, 'break.search.running', { done: 0, seeds: SEARCH_SEEDS });
    worker.onmessage = (e) => onWorker(e.data, bug);
    worker.onerror = (e) => { stop(); state = { status: 'error' }; setText(result, 'break.search.error', { message: e.message ?? '' }); };
  });
  cancel.addEventListener('click', () => {
    worker?.postMessage({ type: 'cancel' });
    stop();
    state = { ...state, status: 'cancelled' };
    setText(result, 'break.search.cancelled', { done: state.done ?? 0 });
  });

  function onWorker(msg, bug) {
    if (msg.type === 'ready') {
      worker.postMessage({ type: 'start', bug, servers: SEARCH_SERVERS, runMs: SEARCH_RUN_MS, firstSeed: '1', seeds: SEARCH_SEEDS });
      return;
    }
    progress.value = msg.done ?? 0;
    state = { ...state, done: msg.done };
    if (msg.type === 'progress') { setText(result, 'break.search.running', { done: msg.done, seeds: msg.seeds }); return; }
    stop();
    if (msg.type === 'found') {
      const o = msg.outcome;
      state = { status: 'found', bug, ...o };
      let sim;
      try { sim = app.bindings.Simulation.fromBugHunt(o.seed, bug, SEARCH_SERVERS, SEARCH_RUN_MS); } catch (err) { app.showError(err); return; }
      app.pause();
      app.adopt(sim);
      setText(result, 'break.search.found', { seed: o.seed, done: msg.done, property: { key: `property.${o.property}` }, step: o.step, ms: o.timeMs });
      for (const [name] of BUG_SWITCHES) boxes[name].checked = name === bug;
    } else if (msg.type === 'exhausted') {
      state = { status: 'exhausted' };
      setText(result, 'break.search.exhausted', { seeds: msg.seeds });
    } else if (msg.type === 'error') {
      state = { status: 'error' };
      setText(result, 'break.search.error', { message: errorText(msg) });
    }
  }
  handle.searchState = () => ({ ...state });

  function sync() {
    const c = app.simulation().config();
    f.preVote.checked = c.raft.pre_vote; f.checkQuorum.checked = c.raft.check_quorum;
    f.batch.value = c.raft.max_entries_per_append; f.eMin.value = c.raft.election_timeout_ms_min;
    f.eMax.value = c.raft.election_timeout_ms_max; f.heartbeat.value = c.raft.heartbeat_interval_ms;
    for (const [name, where] of BUG_SWITCHES) boxes[name].checked = Boolean(where === 'kv' ? c.kv[name] : c.raft.bugs[name]);
    check();
  }
  sync();
  return { onReset: sync };
}
