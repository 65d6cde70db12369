// Side by side: two clusters from the same seed with one setting different, advancing together
// under one clock, with the same disruption applied to both (isolate the leader, then heal).
// The classic lesson: without pre-vote the isolated server's term races ahead and disrupts the
// healthy leader when the partition heals; with pre-vote it does not. Both clusters are built
// from the running world's configuration, read by the reader's module (../reader.js).
import { el } from '../dom.js';
import { setAttrText, setText, t } from '../i18n/index.js';
import { span } from './text.js';
import { fitCanvas } from '../render/canvas.js';
import { drawCluster } from '../render/cluster.js';
import { fitRing, nodeRadiusFor, unitRing } from '../layout/ring.js';
import { readFrame } from '../snapshot.js';
import { loadReader, simulationFromConfig } from '../reader.js';

export const SETTINGS = Object.freeze(['pre_vote', 'check_quorum']);
const STEP_MS = 16;
const SPEED = 0.25;

export function installSideBySide(handle, panel) {
  const { app } = handle;
  const setting = el('select', { id: 'break-side-setting' }, SETTINGS.map((s) => setText(el('option', { value: s }), `break.side.${s}`)));
  const start = setText(el('button', { type: 'button', id: 'break-side-start' }), 'break.side.start');
  const isolate = setText(el('button', { type: 'button', id: 'break-side-isolate', disabled: true }), 'break.side.isolate');
  const heal = setText(el('button', { type: 'button', id: 'break-side-heal', disabled: true }), 'break.side.heal');
  const play = setText(el('button', { type: 'button', id: 'break-side-play', disabled: true, 'aria-pressed': 'false' }), 'break.side.play');
  const views = [0, 1].map((i) => ({
    title: el('h3', {}), canvas: el('canvas', { class: 'break-side-canvas', id: `break-side-${i}`, role: 'img' }), stats: el('p', { class: 'hint', id: `break-side-stats-${i}` }),
  }));
  panel.append(setText(el('p', { class: 'hint' }), 'break.side.intro'),
    el('div', { class: 'row-buttons' }, el('label', {}, span('break.side.setting'), setting), start, play, isolate, heal),
    el('div', { class: 'break-side' }, views.map((v) => el('div', {}, v.title, v.canvas, v.stats))));
  let pair = null;
  let playing = false;
  let last = null;
  let isolated = null;

  start.addEventListener('click', async () => {
    const base = app.simulation();
    const key = setting.value;
    const config = base.config();
    const reader = await loadReader(app);
    if (!reader) return;
    const built = [];
    try {
      for (const on of [true, false]) {
        const c = { ...config, raft: { ...config.raft, [key]: on }, workload: { ...config.workload, enabled: false } };
        built.push(simulationFromConfig(app.bindings, reader, c, base.seed));
      }
    } catch (err) {
      built.forEach((s) => s.free());
      app.showError(err);
      return;
    }
    pair?.forEach((s) => s.free());
    pair = built;
    views.forEach((v, i) => {
      const title = [i === 0 ? 'break.side.with' : 'break.side.without', { setting: { key: `break.side.${key}` }, seed: base.seed }];
      setText(v.title, ...title);
      setAttrText(v.canvas, 'aria-label', ...title);
    });
    isolated = null;
    for (const b of [isolate, heal, play]) b.disabled = false;
    setPlaying(true);
  });
  play.addEventListener('click', () => setPlaying(!playing));
  isolate.addEventListener('click', () => {
    // The same server in both: the first cluster's leader (or S1).
    const leader = readFrame(pair[0]).global.leader ?? 1;
    isolated = leader;
    for (const s of pair) try { s.partition([[leader]]); } catch (err) { app.showError(err); }
  });
  heal.addEventListener('click', () => { isolated = null; for (const s of pair) try { s.heal(); } catch (err) { app.showError(err); } });
  function setPlaying(on) { playing = on; play.setAttribute('aria-pressed', String(on)); setText(play, on ? 'break.side.pause' : 'break.side.play'); last = null; }

  function draw(v, sim) {
    const f = readFrame(sim);
    const { ctx, width, height } = fitCanvas(v.canvas);
    const nodes = f.nodes;
    const r = Math.min(nodeRadiusFor(width, height, nodes.length), 16);
    const ring = fitRing(unitRing(nodes.length), width, height - 20, r + 22);
    const byId = new Map(nodes.map((n, i) => [n.id, ring.points[i]]));
    drawCluster(ctx, {
      width, height, ring, r, nodes, messages: [], nowMs: f.global.nowMs, blocked: f.blocked, pointOf: (id) => byId.get(id),
      selected: isolated, selectedMessage: null, roleLabel: (role) => t(`role.${role}`), statusLabel: (s) => t(`status.${s}`),
    });
    const c = sim.counters();
    const leader = f.global.leader === null ? { key: 'word.none' } : { key: 'node.label', params: { id: f.global.leader } };
    setText(v.stats, 'break.side.stats', { ms: f.global.nowMs, term: f.global.maxTerm, leader, elections: c.elections });
  }

  return {
    onFrame(current) {
      if (!pair) return;
      const now = performance.now();
      if (playing && last !== null) {
        const ms = Math.min(500, now - last) * SPEED;
        const whole = Math.floor(ms);
        if (whole > 0) for (const s of pair) s.advance(Math.min(whole, STEP_MS * 4));
      }
      last = now;
      if (current === 'side') views.forEach((v, i) => draw(v, pair[i]));
    },
    onShow(name) { if (name !== 'side' && pair) setPlaying(false); },
  };
}
