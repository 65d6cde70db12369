// "Break it on purpose" (issue 7): drawn and dragged partitions and one-way cuts, per-link and
// global network knobs, adversary mode, protocol and broken-Raft switches with a counterexample
// search in a Web Worker, "why" tooltips, a space-time diagram, charts, the client history view
// and two clusters side by side. Mounted into the main page by app.js's main(); everything here
// drives the lab through the app's public methods and the facade (app.simulation()).
//
// Every text goes through setText / data-i18n (www/i18n/index.js), so the app's language switch
// retranslates the panels in place; canvases and charts redraw from their onLanguage handlers.
import { el } from '../dom.js';
import { setText } from '../i18n/index.js';
import { lazyPart } from '../lazy.js';
import { fitCanvas } from '../render/canvas.js';
import { fullGroups } from './geometry.js';
import { decodeSpacetime } from './chartdata.js';
import { drawOverlay } from './overlay.js';
import { blockedPairs, installLinkMenu, installNetworkPanel } from './network.js';
import { installRingPointer } from './pointer.js';
import { installPartition } from './partition.js';
import './break.css';

const TABS = ['network', 'adversary', 'protocol', 'bugs', 'spacetime', 'charts', 'history', 'side'];
/**
 * The tools behind every tab but the first (the network tab, shown at start): each is a chunk
 * fetched when one of its tabs is first shown, then installed into its panel(s).
 */
const LATER = [
  { tabs: ['adversary'], load: () => import(/* webpackChunkName: "break-adversary" */ './adversary.js'), install: (m, h, p) => m.installAdversary(h, p.adversary) },
  { tabs: ['protocol', 'bugs'], load: () => import(/* webpackChunkName: "break-settings" */ './settings.js'), install: (m, h, p) => m.installSettings(h, p.protocol, p.bugs) },
  { tabs: ['spacetime'], load: () => import(/* webpackChunkName: "break-spacetime" */ './spacetime.js'), install: (m, h, p) => m.installSpacetime(h, p.spacetime) },
  { tabs: ['charts'], load: () => import(/* webpackChunkName: "break-charts" */ './charts.js'), install: (m, h, p) => m.installCharts(h, p.charts) },
  { tabs: ['history'], load: () => import(/* webpackChunkName: "break-history" */ './history.js'), install: (m, h, p) => m.installHistory(h, p.history) },
  { tabs: ['side'], load: () => import(/* webpackChunkName: "break-side" */ './sidebyside.js'), install: (m, h, p) => m.installSideBySide(h, p.side) },
];

/** Installs the tools on the main page's lab; returns a small handle (also for tests). */
export function installBreak(app) {
  const doc = document;
  const grid = doc.querySelector('main.grid');
  const wrap = doc.querySelector('.cluster-wrap');
  const cluster = doc.getElementById('cluster');
  if (!grid || !wrap || !cluster) return null;
  const shared = { hover: null, hoverServer: null, groups: [], lassoOn: false, lasso: null, link: null };
  const tabs = installTabs(grid, (name) => handle.onShow?.(name));
  const parts = [];
  const overlay = el('canvas', { class: 'break-overlay', 'aria-hidden': 'true' });
  wrap.append(overlay);
  const handle = {
    app, shared, cluster, select: tabs.select, panels: tabs.panels,
    local: (e) => { const r = cluster.getBoundingClientRect(); return { x: e.clientX - r.left, y: e.clientY - r.top }; },
    guard(fn) { try { fn(); app.refresh(); return true; } catch (err) { app.showError(err); return false; } },
    /** Called when the lab's simulation was replaced. */
    reset() { partition.reset(); linkMenu.close(); network.sync(); },
  };
  const linkMenu = installLinkMenu(handle, wrap);
  const pointer = installRingPointer(handle, wrap, linkMenu, () => partition);
  Object.assign(handle, { hideTip: pointer.hideTip, swallowNextClick: pointer.swallowNextClick });
  const partition = installPartition(handle);
  const network = installNetworkPanel(handle, tabs.panels.network, linkMenu);
  const loaders = installLater(handle, tabs, parts);
  /** Shows tab `name`; resolves when its tools are installed (false if they could not be fetched). */
  handle.show = (name) => { tabs.select(name); return Promise.resolve(loaders.get(name)?.()).then((part) => part !== null); };
  handle.onShow = (name) => {
    loaders.get(name)?.();
    for (const p of parts) p?.onShow?.(name);
  };
  let lastSim = null;
  const frame = () => {
    const sim = app.simulation();
    if (sim !== lastSim) { lastSim = sim; handle.reset(); for (const p of parts) p?.onReset?.(); }
    const blocked = blockedPairs(sim);
    partition.sync(blocked);
    network.syncLinks();
    const { ctx, width, height } = fitCanvas(overlay);
    ctx.clearRect(0, 0, width, height);
    drawOverlay(ctx, app.geometry(), blocked, shared);
    partition.draw(ctx, app.geometry());
    for (const p of parts) p?.onFrame?.(tabs.current());
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  network.sync();
  // A language switch: the app has already retranslated every data-i18n node of the page
  // (these panels included); the tooltip, canvases and charts are redrawn here, state untouched.
  app.on?.((name) => {
    if (name !== 'language') return;
    pointer.retranslate();
    for (const p of parts) p?.onLanguage?.();
  });
  tabs.select('network');
  installTestHandle(app, handle, partition);
  return handle;
}

/**
 * Prepares the tabs of LATER: each panel shows "Loading…" until its chunk arrived, then the tools
 * are installed and added to `parts` (a failed fetch is shown in the panel and in the notice, and
 * the next showing tries again). Returns a map from tab name to its `load()`.
 */
function installLater(handle, tabs, parts) {
  const loaders = new Map();
  for (const spec of LATER) {
    const waiting = spec.tabs.map((name) => {
      const p = setText(el('p', { class: 'hint break-loading', role: 'status' }), 'app.partLoading');
      tabs.panels[name].append(p);
      return p;
    });
    const load = lazyPart(handle.app, spec.load, (m) => {
      for (const p of waiting) p.remove();
      const part = spec.install(m, handle, tabs.panels) ?? {};
      parts.push(part);
      part.onShow?.(tabs.current());
      return part;
    }, (err) => {
      for (const p of waiting) setText(p, 'app.partFailed', { message: err?.message ?? String(err) });
    });
    // A retry after a failed fetch says "Loading…" again (the placeholders are gone once loaded).
    const retry = () => {
      for (const p of waiting) if (p.isConnected) setText(p, 'app.partLoading');
      return load();
    };
    for (const name of spec.tabs) loaders.set(name, retry);
  }
  return loaders;
}

/** The section with its tab list and one panel per tab; `onShow(name)` after each selection. */
function installTabs(grid, onShow) {
  const tabList = el('div', { class: 'break-tabs', role: 'tablist' });
  const panels = {};
  const tabs = {};
  const section = el('section', { class: 'break card', id: 'break', 'aria-labelledby': 'break-title' },
    setText(el('h2', { id: 'break-title' }), 'break.title'), tabList);
  let current = null;
  const select = (name) => {
    current = name;
    for (const n of TABS) {
      tabs[n].setAttribute('aria-selected', String(n === name));
      panels[n].hidden = n !== name;
    }
    onShow(name);
  };
  for (const name of TABS) {
    tabs[name] = setText(el('button', { type: 'button', role: 'tab', id: `break-tab-${name}`, 'aria-controls': `break-panel-${name}`, 'aria-selected': 'false' }), `break.tab.${name}`);
    tabs[name].addEventListener('click', () => select(name));
    tabList.append(tabs[name]);
    panels[name] = el('div', { class: 'break-panel', role: 'tabpanel', id: `break-panel-${name}`, 'aria-labelledby': `break-tab-${name}`, hidden: true });
    section.append(panels[name]);
  }
  grid.after(section);
  return { section, panels, select, current: () => current };
}

/** `window.raftlabBreak`: read-only views of what this module shows, for the e2e tests. */
function installTestHandle(app, handle, partition) {
  globalThis.raftlabBreak = Object.freeze({
    /** Shows a tab; resolves when its tools are installed (false if they could not be fetched). */
    select: handle.show, arrows: () => handle.spacetimeArrows?.() ?? 0,
    /** The partition groups the ring shows (every server in one; [] when not partitioned). */
    groups: () => (handle.shared.groups.length ? fullGroups(handle.shared.groups, app.geometry().ids) : []),
    /** The drag in progress: the server and the group it would join (null: a new one), or null. */
    dragging: () => partition.dragging(),
    searchState: () => handle.searchState?.() ?? null,
    counters: () => app.simulation().counters(), droppedAtSend: () => app.simulation().droppedAtSend,
    /** Messages `from → to` sent at or after `sinceMs` that arrived. */
    delivered(from, to, sinceMs) {
      const sim = app.simulation();
      return decodeSpacetime(sim.spacetime(sinceMs, sim.nowMs, 20000), app.bindings.spacetimeStride())
        .filter((m) => m.from === from && m.to === to && m.sentMs >= sinceMs && m.outcome === 'delivered').length;
    },
  });
}
