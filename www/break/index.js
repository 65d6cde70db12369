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
import { fitCanvas } from '../render/canvas.js';
import { fullGroups } from './geometry.js';
import { decodeSpacetime } from './chartdata.js';
import { drawOverlay } from './overlay.js';
import { blockedPairs, installLinkMenu, installNetworkPanel } from './network.js';
import { installRingPointer } from './pointer.js';
import { installPartition } from './partition.js';
import { installAdversary } from './adversary.js';
import { installSettings } from './settings.js';
import { installSpacetime } from './spacetime.js';
import { installCharts } from './charts.js';
import { installHistory } from './history.js';
import { installSideBySide } from './sidebyside.js';
import './break.css';

const TABS = ['network', 'adversary', 'protocol', 'bugs', 'spacetime', 'charts', 'history', 'side'];

/** Installs the tools on the main page's lab; returns a small handle (also for tests). */
export function installBreak(app) {
  const doc = document;
  const grid = doc.querySelector('main.grid');
  const wrap = doc.querySelector('.cluster-wrap');
  const cluster = doc.getElementById('cluster');
  if (!grid || !wrap || !cluster) return null;
  const shared = { hover: null, hoverServer: null, groups: [], lassoOn: false, lasso: null, link: null };
  const tabs = installTabs(grid, (name) => handle.onShow?.(name));
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
  const parts = [
    installAdversary(handle, tabs.panels.adversary),
    installSettings(handle, tabs.panels.protocol, tabs.panels.bugs),
    installSpacetime(handle, tabs.panels.spacetime),
    installCharts(handle, tabs.panels.charts),
    installHistory(handle, tabs.panels.history),
    installSideBySide(handle, tabs.panels.side),
  ];
  handle.onShow = (name) => { for (const p of parts) p?.onShow?.(name); };
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
    select: handle.select, arrows: () => handle.spacetimeArrows?.() ?? 0,
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
