// The app: builds the cluster in wasm, runs the loop, draws the views and wires the controls.
// The only module that imports the bindings. `mountLab(root, options)` mounts one independent lab
// into any root that holds the markup of www/lab/markup.html (the page's document, or the shadow
// root of a <raft-lab> element): every element is looked up inside that root, nothing is global.
import * as raftlab from './pkg/raftlab.js';
import { el, fill } from './dom.js';
import { isLoaded, language, loadLanguage, setLanguage, t, translateDocument } from './i18n/index.js';
import { loadFailedText } from './lazy.js';
import { describeEvent, isAnnounced } from './i18n/describe.js';
import { describeError } from './i18n/errors.js';
import { fitRing, nodeRadiusFor, unitRing } from './layout/ring.js';
import { flightFraction, messagePosition } from './layout/messages.js';
import { cellAt, panelHeight, visibleCells, windowStart } from './layout/logs.js';
import { timelineSpan } from './layout/timeline.js';
import { DEFAULT_SPEED, clampSpeed, sliderFromSpeed, startLoop } from './loop.js';
import { DEFAULTS, parseParams } from './params.js';
import { scopeOf } from './lab/scope.js';
import { installBreak } from './break/index.js';
import { installShareEntry } from './share/entry.js';
import { installTutorialEntry } from './tutorial/entry.js';
import { checkContract, decodeCells, readFrame } from './snapshot.js';
import { fitCanvas } from './render/canvas.js';
import { drawCluster } from './render/cluster.js';
import { drawLogs } from './render/logs.js';
import { drawTimeline } from './render/timeline.js';
import {
  renderClients, renderEntry, renderFeed, renderKv, renderLegend, renderMessage, renderSafety, renderServer,
} from './render/panels.js';
import { installKeyboard, SHORTCUTS } from './controls/keyboard.js';
import { installTimeControls } from './controls/time.js';
import { installServerControls } from './controls/servers.js';
import { installClientControls } from './controls/clients.js';

const FEED_SHOWN = 120;
const PANEL_REFRESH_MS = 200;
const ANNOUNCE_GAP_MS = 1500;
const CLIENTS = 2;
/** Clients register after the first election has had time to finish. */
const CLIENTS_START_MS = 600;
/** A log holding more entries than this is compacted at its applied index: without it a long run
 * under the workload grows every log (and every time-travel checkpoint) without bound. */
const AUTO_COMPACT_ENTRIES = 1_000;

/** The main page: the whole document is the lab, the URL carries its options. */
export function main() {
  const { values, errors } = parseParams(new URLSearchParams(globalThis.location.search));
  const app = mountLab(document, { values, syncUrl: true, testHandle: true, keyboardTarget: document });
  app.breakIt = installBreak(app);
  app.showParamErrors(errors);
  app.started.then(() => { document.body.dataset.ready = 'true'; });
  return app;
}

/**
 * Mounts a lab into `root` (a Document, ShadowRoot or element holding the lab markup).
 * Options: `values` (as from parseParams), `syncUrl` (write seed/lang to the address bar),
 * `testHandle` (install `window.raftlab`), `keyboardTarget` (where shortcuts listen; default
 * the root), `onEvent(name, detail)` (leader-elected, committed, violation, session), `lang`
 * (this lab's language, already loaded; default the page's). Returns the app (its methods drive
 * the lab); `app.started` resolves once a session or tutorial link of the URL has been opened.
 */
export function mountLab(root, options = {}) {
  checkContract(raftlab.frameStrides(), raftlab.messageKinds());
  const reducedMotion = globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
  const app = createApp(root, { ...options, values: { ...DEFAULTS, ...options.values } }, reducedMotion);
  app.share = installShareEntry(app);
  app.tutorial = installTutorialEntry(app);
  app.started = Promise.all([app.share.started, app.tutorial?.started]);
  return app;
}

export { raftlab };

function buildSimulation(values, seed) {
  return new raftlab.Simulation({
    servers: values.nodes, seed: seed ?? undefined, clients: CLIENTS, clientsStartMs: CLIENTS_START_MS,
    workload: values.workload, preVote: values.preVote, bugs: values.bugs ?? undefined,
    autoCompactEntries: AUTO_COMPACT_ENTRIES,
  });
}

function createApp(root, options, reducedMotion) {
  const { values } = options;
  const $ = scopeOf(root);
  const doc = root.ownerDocument ?? root;
  const listeners = new Set();
  const emit = (name, detail) => {
    for (const fn of [options.onEvent, ...listeners]) {
      try { fn?.(name, detail); } catch (err) { console.error(err); }
    }
  };
  /** While set, the loop hands its virtual milliseconds to `ticker(sim, ms)` (the tutorial player). */
  let ticker = null;
  let sim = options.simulation ?? buildSimulation(values, values.seed);
  const st = {
    frame: null, selected: null, selectedMessage: null, selectedCell: null, menuFor: null,
    follow: true, scrollFirst: 1, lastLogKey: '', panelsAt: 0, panelsRevision: -1,
    feedEpoch: -1, feedLastId: 0, feed: [], attempts: new Map(), timeline: null, timelineVersion: -1,
    announcedAt: 0, violationsSeen: 0, geometry: { points: [], ids: [], r: 20, messages: [] }, inspector: null,
  };
  const notice = $('notice');
  const status = $('status');
  /** The notice's text as a function, so a language switch can show it again in the new language. */
  let noticeText = null;
  const showNotice = (text) => { noticeText = text; notice.hidden = false; notice.textContent = text(); };

  const guard = (fn) => {
    try { fn(); notice.hidden = true; return true; } catch (err) { showError(err); return false; }
  };
  /** A refused call's error, worded in the active language (see describeError). */
  function showError(err) {
    showNotice(() => t('error.command', { message: describeError(err) }));
  }

  // ---- the loop ----
  // Each lab has its own language: set it before anything of this lab draws or handles input.
  let labLang = setLanguage(options.lang ?? language());
  const useLang = () => { if (language() !== labLang) setLanguage(labLang); };
  for (const type of ['click', 'input', 'change', 'submit', 'keydown', 'pointerdown']) root.addEventListener(type, useLang, true);
  // Time passing is no command: it keeps the notice (a restart's message, say) on screen.
  const tick = (ms) => { try { if (ticker) ticker(sim, ms); else sim.advance(ms); return true; } catch (err) { showError(err); return false; } };
  const loop = startLoop({
    tick,
    draw: () => { useLang(); drawAll(); },
  });
  loop.setSpeed(values.speed ?? DEFAULT_SPEED);
  if (reducedMotion && values.speed === null) loop.pause();

  const app = {
    loop,
    nowMs: () => sim.nowMs,
    horizonMs: () => st.frame?.global.horizonMs ?? 0,
    geometry: () => st.geometry,
    selected: () => st.selected,
    togglePlay() { if (loop.isPlaying()) loop.pause(); else loop.play(); syncPlay(); },
    pause() { loop.pause(); syncPlay(); },
    stepOne() { app.pause(); guard(() => { if (!sim.stepEvent()) throw new Error(t('time.nothing')); }); },
    stepBack() { app.pause(); guard(() => sim.stepBack()); },
    seek(ms) { guard(() => sim.seek(Math.round(ms))); },
    setSpeed(s) { loop.setSpeed(s); syncSpeed(); },
    selectServer(id, withMenu) {
      st.selected = id; st.selectedMessage = null; st.selectedCell = null; st.inspector = { type: 'server', id };
      refreshInspector();
      if (withMenu) app.openMenu(id);
    },
    selectMessage(id) {
      st.selectedMessage = id; st.selectedCell = null; st.inspector = { type: 'message', id };
      app.closeMenu(); refreshInspector();
    },
    selectCell(server, index) {
      st.selectedCell = { server, index }; st.inspector = { type: 'entry', server, index };
      refreshInspector();
    },
    openMenu(id) {
      const i = st.geometry.ids.indexOf(id);
      const node = st.frame.nodes.find((n) => n.id === id);
      if (i < 0 || !node) return;
      st.menuFor = id;
      menu.open(id, node, st.frame.global.leader === id, st.geometry.points[i]);
    },
    closeMenu() { st.menuFor = null; menu.close(); },
    serverCommand(method, id) {
      const calls = {
        crash: () => sim.crash(id), restart: () => sim.restart(id), pause: () => sim.pause(id), resume: () => sim.resume(id),
        timeoutNow: () => sim.timeoutNow(id), transferHere: () => sim.transferLeadership(id), snapshot: () => sim.snapshot(id),
        remove: () => sim.removeServer(id), isolate: () => sim.partition([[id]]),
      };
      guard(calls[method]);
      refreshPanels(true);
    },
    clientCommand(kind, v) {
      guard(() => {
        if (kind === 'write') sim.clientWrite(v.client, v.key, v.value);
        else if (kind === 'read') sim.clientRead(v.client, v.key, false);
        else sim.clientCas(v.client, v.key, v.expected.trim() === '' ? null : v.expected, v.value);
      });
      refreshPanels(true);
    },
    setWorkload(on) { guard(() => sim.setWorkload(on)); },
    restart(seed) {
      const next = (() => { try { return buildSimulation(values, seed); } catch (err) { showError(err); return null; } })();
      if (!next) return;
      app.adopt(next);
    },
    /** The Simulation handle now driven (valid until the next restart/adopt). */
    simulation: () => sim,
    /** The root this lab is mounted in, and its element lookup. */
    root, $,
    /** Replaces the running simulation by `next` (already built and validated by the caller). */
    adopt(next) {
      useLang();
      if (next !== sim) sim.free();
      sim = next;
      Object.assign(st, { violationsSeen: 0, selected: null, selectedMessage: null, selectedCell: null, inspector: null, feedEpoch: -1, feedLastId: 0, feed: [], timelineVersion: -1, panelsRevision: -1, follow: true });
      st.attempts.clear();
      app.closeMenu();
      notice.hidden = true;
      syncSeed();
      if (options.syncUrl) {
        const url = new URL(globalThis.location.href);
        url.searchParams.set('seed', sim.seed);
        globalThis.history.replaceState(null, '', url);
      }
      st.frame = readFrame(sim);
      refreshPanels(true);
      emit('session', { seed: sim.seed });
    },
    play() { loop.play(); syncPlay(); },
    setTicker(fn) { ticker = fn; },
    /** Subscribes `fn(name, detail)` to this lab's events; returns the unsubscribe function. */
    on(fn) { listeners.add(fn); return () => listeners.delete(fn); },
    bindings: raftlab,
    options,
    refresh() { st.frame = readFrame(sim); refreshPanels(true); },
    isPlaying: () => loop.isPlaying(),
    language: () => labLang,
    /** Switches this lab's language, first fetching its texts if needed (then returns a promise). */
    setLanguage(code) {
      if (!isLoaded(code)) {
        return loadLanguage(code).then(() => app.setLanguage(code), (err) => {
          console.error(err);
          $('lang-select').value = labLang;
          showNotice(loadFailedText(err));
        });
      }
      labLang = setLanguage(code); $('lang-select').value = labLang; syncAll(); emit('language', { lang: labLang });
      return undefined;
    },
    showError,
    /** Shows a message in the notice area: a text, or a function giving it in the active language. */
    notify(text) { showNotice(typeof text === 'function' ? text : () => text); },
    destroy() {
      loop.stop();
      for (const type of ['click', 'input', 'change', 'submit', 'keydown', 'pointerdown']) root.removeEventListener(type, useLang, true);
      keyboard?.();
      sim.free();
    },
    showParamErrors(errs) {
      if (errs.length === 0) return;
      showNotice(() => errs.map((e) => t(e.key, e.params)).join(' ') + ' ' + t('error.defaults'));
    },
  };

  if (values.bugs) {
    $('bug-tag').hidden = false;
    $('bug-tag').dataset.bugs = Object.keys(values.bugs).join(',');
  }

  // ---- controls ----
  installTimeControls(app, $);
  const menu = installServerControls(app, $);
  const clientForm = installClientControls(app, $);
  installLogControls();
  installTopbar();
  const keyboard = installKeyboard((cmd) => { useLang(); runShortcut(cmd); }, options.keyboardTarget ?? root);
  renderLegend($('legend'));
  buildHelp();
  syncAll();

  function runShortcut(cmd) {
    const sel = st.selected;
    const needServer = (fn) => { if (sel === null) showError(new Error(t('error.selectFirst'))); else fn(sel); };
    const leader = st.frame?.global.leader ?? null;
    switch (cmd.name) {
      case 'togglePlay': return app.togglePlay();
      case 'step': return app.stepOne();
      case 'back': return app.stepBack();
      case 'speed': {
        const s = clampSpeed(10 ** (Math.log10(loop.speed()) + cmd.delta));
        return app.setSpeed(Number(s.toPrecision(2)));
      }
      case 'select': return st.frame?.nodes.some((n) => n.id === cmd.id) ? app.selectServer(cmd.id, false) : undefined;
      case 'menu': return sel !== null ? app.openMenu(sel) : undefined;
      case 'crash': return app.serverCommand('crash', sel ?? leader);
      case 'restart': return needServer((id) => app.serverCommand('restart', id));
      case 'pauseServer': return needServer((id) => {
        const n = st.frame.nodes.find((x) => x.id === id);
        app.serverCommand(n?.status === 'paused' ? 'resume' : 'pause', id);
      });
      case 'timeout': return needServer((id) => app.serverCommand('timeoutNow', id));
      case 'transfer': return needServer((id) => app.serverCommand('transferHere', id));
      case 'snapshot': return needServer((id) => app.serverCommand('snapshot', id));
      case 'remove': return needServer((id) => app.serverCommand('remove', id));
      case 'add': return addServer();
      case 'heal': return guard(() => sim.heal());
      case 'write': return app.clientCommand('write', clientForm.values());
      case 'read': return app.clientCommand('read', clientForm.values());
      case 'cas': return app.clientCommand('cas', clientForm.values());
      case 'follow': return setFollow(!st.follow);
      case 'scroll': setFollow(false); st.scrollFirst = Math.max(1, st.scrollFirst + cmd.delta); return undefined;
      case 'newRun': return app.restart(null);
      case 'help': return $('help').open ? $('help').close() : $('help').showModal();
      case 'escape':
        if ($('help').open) $('help').close();
        app.closeMenu();
        st.selected = null; st.selectedMessage = null; st.selectedCell = null; st.inspector = null;
        return refreshInspector();
      default: return undefined;
    }
  }

  function addServer() {
    guard(() => {
      const id = sim.addServer(undefined);
      app.selectServer(id, false);
    });
  }

  function installTopbar() {
    $('add-server').addEventListener('click', addServer);
    $('heal').addEventListener('click', () => guard(() => sim.heal()));
    $('help-open').addEventListener('click', () => $('help').showModal());
    $('seed-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const v = $('seed-input').value.trim();
      if (!/^\d{1,20}$/.test(v)) { showError(new Error(t('error.param.seed', { value: v }))); return; }
      app.restart(v);
    });
    $('seed-new').addEventListener('click', () => app.restart(null));
    $('safety').addEventListener('click', () => {
      const d = $('safety-detail');
      if (st.frame?.global.violations > 0) { d.hidden = !d.hidden; $('safety').setAttribute('aria-expanded', String(!d.hidden)); }
    });
    $('safety-jump').addEventListener('click', () => {
      const v = JSON.parse(JSON.stringify(sim.violations()))[0];
      if (v) { app.pause(); guard(() => sim.seekStep(v.at.seq)); }
    });
    $('inspector-close').addEventListener('click', () => runShortcut({ name: 'escape' }));
    const lang = $('lang-select');
    lang.value = language();
    lang.addEventListener('change', async () => {
      await app.setLanguage(lang.value);
      if (!options.syncUrl) return;
      doc.documentElement.lang = labLang;
      const url = new URL(globalThis.location.href);
      url.searchParams.set('lang', labLang);
      globalThis.history.replaceState(null, '', url);
    });
  }

  function installLogControls() {
    const canvas = $('logs');
    $('log-follow').addEventListener('click', () => setFollow(!st.follow));
    $('log-scroll').addEventListener('input', (e) => { setFollow(false); st.scrollFirst = Number(e.target.value); });
    canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      setFollow(false);
      st.scrollFirst = Math.max(1, st.scrollFirst + Math.sign(e.deltaY || e.deltaX) * 3);
    }, { passive: false });
    canvas.addEventListener('click', (e) => {
      const rect = canvas.getBoundingClientRect();
      const hit = st.logHit?.(e.clientX - rect.left, e.clientY - rect.top);
      if (hit) app.selectCell(hit.server, hit.index);
    });
  }

  function setFollow(on) {
    st.follow = on;
    $('log-follow').setAttribute('aria-pressed', String(on));
  }

  function syncPlay() {
    const playing = loop.isPlaying();
    $('play').textContent = playing ? t('time.pause') : t('time.play');
    $('play').setAttribute('aria-pressed', String(playing));
  }
  function syncSpeed() {
    $('speed').value = String(sliderFromSpeed(loop.speed()));
    $('speed-out').textContent = t('time.speedValue', { speed: loop.speed() });
  }
  function syncSeed() { $('seed-input').value = sim.seed; }
  function syncAll() {
    translateDocument(root);
    syncPlay(); syncSpeed(); syncSeed();
    const sel = $('client-select');
    fill(sel, Array.from({ length: CLIENTS }, (_, i) => el('option', { value: i + 1 }, t('client.label', { id: i + 1 }))));
    renderLegend($('legend'));
    buildHelp();
    st.feedEpoch = -1; st.panelsRevision = -1; st.lastLogKey = '';
    status.textContent = '';
    if (!notice.hidden && noticeText) notice.textContent = noticeText();
    const tag = $('bug-tag');
    if (!tag.hidden) tag.textContent = t('bugs.on', { list: tag.dataset.bugs.split(',').map((b) => t(`bug.${b}`)).join(', ') });
    if (st.frame) refreshPanels(true);
  }

  function buildHelp() {
    fill($('help-keys'), el('tbody', {}, SHORTCUTS.map(([keys, desc]) => el('tr', {}, el('th', {}, el('kbd', {}, keys)), el('td', {}, t(desc))))));
  }

  // ---- drawing ----
  function drawAll() {
    st.frame = readFrame(sim);
    drawClusterView();
    drawLogsView();
    drawTimelineView();
    $('clock').textContent = t('time.clock', { ms: st.frame.global.nowMs, steps: st.frame.global.steps });
    refreshPanels(false);
  }

  function drawClusterView() {
    const { ctx, width, height } = fitCanvas($('cluster'));
    const nodes = st.frame.nodes;
    const r = nodeRadiusFor(width, height, nodes.length);
    const ring = fitRing(unitRing(nodes.length), width, height - 24, r + 22);
    const ids = nodes.map((n) => n.id);
    const byId = new Map(ids.map((id, i) => [id, ring.points[i]]));
    const now = st.frame.global.nowMs;
    const messages = [];
    for (const m of st.frame.messages) {
      const a = byId.get(m.from);
      const b = byId.get(m.to);
      if (!a || !b) continue;
      const f = reducedMotion && m.deliverMs !== null ? 0.5 : flightFraction(m, now);
      const p = messagePosition(a, b, f, r);
      messages.push({ msg: m, id: m.id, x: p.x, y: p.y });
    }
    st.geometry = { points: ring.points, ids, r, messages };
    if (st.menuFor !== null && !ids.includes(st.menuFor)) app.closeMenu();
    drawCluster(ctx, {
      width, height, ring, r, nodes, messages, nowMs: now, blocked: st.frame.blocked, pointOf: (id) => byId.get(id),
      selected: st.selected, selectedMessage: st.selectedMessage,
      roleLabel: (role, membership) => (membership === 'voter' ? t(`role.${role}`) : t(`membership.${membership}`)),
      statusLabel: (s) => t(`status.${s}`),
    });
  }

  function drawLogsView() {
    const canvas = $('logs');
    const nodes = st.frame.nodes;
    const wanted = `${panelHeight(nodes.length)}px`;
    if (canvas.style.height !== wanted) canvas.style.height = wanted;
    const { ctx, width, height } = fitCanvas(canvas);
    const visible = visibleCells(width);
    const lastIndex = Math.max(1, ...nodes.map((n) => n.lastIndex));
    const first = windowStart({ follow: st.follow, scrollFirst: st.scrollFirst, lastIndex, visible });
    st.scrollFirst = first;
    const scroll = $('log-scroll');
    scroll.max = String(Math.max(1, lastIndex));
    if (Number(scroll.value) !== first) scroll.value = String(first);
    const key = `${st.frame.global.revision}:${first}:${visible}:${width}:${st.selectedCell?.server}:${st.selectedCell?.index}`;
    st.logHit = (x, y) => {
      const hit = cellAt(x, y, nodes.length, visible);
      return hit ? { server: nodes[hit.row].id, index: first + hit.col } : null;
    };
    if (key === st.lastLogKey) return;
    st.lastLogKey = key;
    const rows = decodeCells(sim.logCells(first, visible), nodes.length, first, visible);
    drawLogs(ctx, {
      width, height, nodes, rows, first, visible, leader: st.frame.global.leader, progress: st.frame.progress,
      selected: st.selectedCell, labels: { snap: t('logs.snap'), next: t('logs.next'), match: t('logs.match') },
    });
  }

  function drawTimelineView() {
    const g = st.frame.global;
    if (g.timelineVersion !== st.timelineVersion || !st.timeline) {
      st.timeline = sim.timeline();
      st.timelineVersion = g.timelineVersion;
    }
    st.timeline.horizonMs = g.horizonMs;
    const canvas = $('timeline');
    const { ctx, width, height } = fitCanvas(canvas);
    const spanMs = timelineSpan(g.horizonMs);
    drawTimeline(ctx, { width, height, timeline: st.timeline, nowMs: g.nowMs, spanMs });
    canvas.setAttribute('aria-valuemax', String(Math.round(g.horizonMs)));
    canvas.setAttribute('aria-valuenow', String(Math.round(g.nowMs)));
    canvas.setAttribute('aria-valuetext', t('time.clock', { ms: g.nowMs, steps: g.steps }));
  }

  // ---- panels (DOM, refreshed when the world changed, at most every PANEL_REFRESH_MS) ----
  function refreshPanels(force) {
    const g = st.frame?.global ?? readFrame(sim).global;
    const now = performance.now();
    if (!force && (g.revision === st.panelsRevision || now - st.panelsAt < PANEL_REFRESH_MS)) return;
    st.panelsRevision = g.revision;
    st.panelsAt = now;
    refreshFeed(g);
    renderKv($('kv-table'), sim.kvState());
    renderClients($('client-list'), sim.clients(5), st.attempts);
    renderSafety($('safety'), $('safety-detail'), $('safety-text'), g.violations > 0 ? sim.violations() : [], g.safetyChecked);
    if (g.violations > st.violationsSeen) {
      // Stop at the first sign of trouble, with the explanation open.
      app.pause();
      $('safety-detail').hidden = false;
      $('safety').setAttribute('aria-expanded', 'true');
    }
    st.violationsSeen = g.violations;
    $('workload').checked = g.workload;
    refreshInspector();
  }

  function refreshFeed(g) {
    const list = $('feed');
    if (g.feedEpoch !== st.feedEpoch) {
      st.feedEpoch = g.feedEpoch;
      st.feed = sim.feedSince(0, FEED_SHOWN).events;
    } else if (g.feedLastId !== st.feedLastId) {
      const fresh = sim.feedSince(st.feedLastId, FEED_SHOWN).events;
      st.feed = st.feed.concat(fresh).slice(-FEED_SHOWN);
      announce(fresh);
      emitEvents(fresh);
    } else return;
    st.feedLastId = st.feed.length ? st.feed[st.feed.length - 1].id : 0;
    for (const e of st.feed) if (e.code === 'clientDone') st.attempts.set(e.opId, e.attempts);
    renderFeed(list, st.feed);
  }

  /** Public events of this lab (the <raft-lab> element re-dispatches them as DOM events). */
  function emitEvents(events) {
    for (const e of events) {
      if (e.code === 'becameLeader') emit('leader-elected', { server: e.server, term: e.term, timeMs: e.timeMs });
      else if (e.code === 'committed') emit('committed', { server: e.server, from: e.from, to: e.to, timeMs: e.timeMs });
      else if (e.code === 'violation') emit('violation', { property: e.name, detail: e.detail, timeMs: e.timeMs });
    }
  }

  function announce(events) {
    const now = performance.now();
    const important = events.filter(isAnnounced);
    if (important.length === 0 || now - st.announcedAt < ANNOUNCE_GAP_MS) return;
    st.announcedAt = now;
    $('live').textContent = describeEvent(important[important.length - 1]);
  }

  function refreshInspector() {
    const body = $('inspector-body');
    const title = $('inspector-title');
    const insp = st.inspector;
    $('inspector-close').hidden = insp === null;
    if (insp === null) {
      title.textContent = t('inspector.title');
      fill(body, el('p', { class: 'hint' }, t('inspector.empty')));
      return;
    }
    try {
      if (insp.type === 'server') {
        title.textContent = t('inspector.server', { server: t('node.label', { id: insp.id }) });
        const node = st.frame?.nodes.find((n) => n.id === insp.id);
        const actions = el('div', { class: 'row-buttons' }, node ? serverButtons(insp.id, node) : []);
        renderServer(body, sim.serverDetails(insp.id), actions);
      } else if (insp.type === 'message') {
        title.textContent = t('inspector.message', { id: insp.id });
        let m;
        try { m = sim.messageDetails(insp.id); } catch {
          fill(body, el('p', { class: 'hint' }, t('inspector.gone')));
          return;
        }
        const act = (label, fn) => el('button', { type: 'button', onclick: () => { guard(fn); refreshPanels(true); } }, t(label));
        const actions = el('div', { class: 'row-buttons' },
          act('msg.drop', () => sim.dropMessage(insp.id)),
          act('msg.duplicate', () => sim.duplicateMessage(insp.id)),
          m.deliverMs === null || m.deliverMs === undefined
            ? act('msg.release', () => sim.releaseMessage(insp.id))
            : act('msg.deliver', () => sim.deliverMessage(insp.id)),
          m.deliverMs === null || m.deliverMs === undefined ? null : act('msg.hold', () => sim.holdMessage(insp.id)));
        renderMessage(body, m, actions);
      } else {
        title.textContent = t('inspector.entry');
        const list = sim.logWindow(insp.server, insp.index, 1);
        if (list.length === 0) fill(body, el('p', { class: 'hint' }, t('inspector.noEntry', { index: insp.index })));
        else renderEntry(body, insp.server, list[0]);
      }
    } catch (err) {
      fill(body, el('p', { class: 'hint' }, describeError(err)));
    }
  }

  function serverButtons(id, node) {
    return menuActions(id, node).map(([key, method]) =>
      el('button', { type: 'button', dataset: { action: method }, onclick: () => app.serverCommand(method, id) }, t(key)));
  }
  function menuActions(id, node) {
    return [
      node.status === 'crashed' ? ['action.restart', 'restart'] : ['action.crash', 'crash'],
      ...(node.status === 'paused' ? [['action.resume', 'resume']] : node.status === 'running' ? [['action.pause', 'pause']] : []),
      ...(node.status === 'running' && st.frame.global.leader !== id ? [['action.timeoutNow', 'timeoutNow'], ['action.transferHere', 'transferHere']] : []),
    ];
  }

  // ---- read-only test and debugging handle ----
  if (options.testHandle) globalThis.raftlab = Object.freeze({
    frame: () => readFrame(sim),
    kv: () => sim.kvState(),
    clients: () => sim.clients(10),
    timeline: () => sim.timeline(),
    seed: () => sim.seed,
    speed: () => loop.speed(),
    playing: () => loop.isPlaying(),
    /** Page coordinates of the messages in flight (for tests that click one). */
    messagePoints() {
      const rect = $('cluster').getBoundingClientRect();
      return st.geometry.messages.map((m) => ({ id: m.id, kind: m.msg.kind, x: rect.left + m.x, y: rect.top + m.y }));
    },
    /** Page coordinates of a server's centre (for tests that click it). */
    serverPoint(id) {
      const i = st.geometry.ids.indexOf(id);
      if (i < 0) return null;
      const rect = $('cluster').getBoundingClientRect();
      return { x: rect.left + st.geometry.points[i].x, y: rect.top + st.geometry.points[i].y };
    },
  });

  return app;
}
