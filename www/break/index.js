// "Break it on purpose" (issue 7): drawn partitions and one-way cuts, per-link and global
// network knobs, adversary mode, protocol and broken-Raft switches with a counterexample search
// in a Web Worker, "why" tooltips, a space-time diagram, charts, the client history view and
// two clusters side by side. Mounted into the main page by app.js's main(); everything here
// drives the lab through the app's public methods and the facade (app.simulation()).
import { el, fill } from '../dom.js';
import { setText, t } from '../i18n/index.js';
import { describeAppendReason, describeVoteReason } from '../i18n/describe.js';
import { hitPoint } from '../layout/ring.js';
import { fitCanvas } from '../render/canvas.js';
import { DANGER, INK } from '../render/palette.js';
import { LASSO_MIN_POINTS, arrowHead, fullGroups, linkState, pickLink, regroup, serversInLasso } from './geometry.js';
import { installPartition } from './partition.js';
import { span } from './text.js';
import { installAdversary } from './adversary.js';
import { decodeSpacetime } from './chartdata.js';
import { installSettings } from './settings.js';
import { installSpacetime } from './spacetime.js';
import { installCharts } from './charts.js';
import { installHistory } from './history.js';
import { installSideBySide } from './sidebyside.js';
import './break.css';

const TABS = ['network', 'adversary', 'protocol', 'bugs', 'spacetime', 'charts', 'history', 'side'];
const HIGHLIGHT = '#7a2fd0';
const MESSAGE_HOVER_PX = 14;

/** Installs the tools on the main page's lab; returns a small handle (also for tests). */
export function installBreak(app) {
  const doc = document;
  const grid = doc.querySelector('main.grid');
  const wrap = doc.querySelector('.cluster-wrap');
  const cluster = doc.getElementById('cluster');
  if (!grid || !wrap || !cluster) return null;
  const shared = { hover: null, hoverServer: null, groups: [], lassoOn: false, lasso: null, link: null };

  // ---- the tabbed panel ----
  const tabList = el('div', { class: 'break-tabs', role: 'tablist' });
  const panels = {};
  const tabs = {};
  const section = el('section', { class: 'break card', id: 'break', 'aria-labelledby': 'break-title' },
    el('h2', { id: 'break-title', 'data-i18n': 'break.title' }, t('break.title')), tabList);
  for (const name of TABS) {
    const tab = el('button', { type: 'button', role: 'tab', id: `break-tab-${name}`, 'aria-controls': `break-panel-${name}`, 'aria-selected': 'false', 'data-i18n': `break.tab.${name}` }, t(`break.tab.${name}`));
    tab.addEventListener('click', () => select(name));
    tabs[name] = tab;
    tabList.append(tab);
    panels[name] = el('div', { class: 'break-panel', role: 'tabpanel', id: `break-panel-${name}`, 'aria-labelledby': `break-tab-${name}`, hidden: true });
    section.append(panels[name]);
  }
  grid.after(section);
  let current = null;
  function select(name) {
    current = name;
    for (const n of TABS) {
      tabs[n].setAttribute('aria-selected', String(n === name));
      panels[n].hidden = n !== name;
    }
    handle.onShow?.(name);
  }

  // ---- overlay on the cluster canvas: lasso, cut arrows, highlights, link menu, tooltip ----
  const overlay = el('canvas', { class: 'break-overlay', 'aria-hidden': 'true' });
  const linkMenu = el('div', { class: 'menu break-link-menu', role: 'menu', hidden: true });
  const tip = el('div', { class: 'break-tip', role: 'tooltip', hidden: true });
  wrap.append(overlay, linkMenu, tip);

  const local = (e) => { const r = cluster.getBoundingClientRect(); return { x: e.clientX - r.left, y: e.clientY - r.top }; };
  let swallowClick = false;
  let tipFor = null;
  const hideTip = () => { tip.hidden = true; tipFor = null; };
  cluster.addEventListener('pointerdown', (e) => {
    swallowClick = false;
    if (!shared.lassoOn) return;
    const p = local(e);
    const geo = app.geometry();
    if (hitPoint(geo.points, p.x, p.y, geo.r + 8) >= 0) return;
    shared.lasso = [p];
    cluster.setPointerCapture?.(e.pointerId);
    e.preventDefault();
  });
  cluster.addEventListener('pointermove', (e) => {
    const p = local(e);
    if (shared.lasso) { shared.lasso.push(p); return; }
    if (!shared.drag) hover(p);
  });
  cluster.addEventListener('pointerleave', () => { if (!shared.lasso && !shared.drag) { shared.hover = null; shared.hoverServer = null; hideTip(); } });
  const endLasso = () => {
    const lasso = shared.lasso;
    shared.lasso = null;
    if (!lasso || lasso.length < LASSO_MIN_POINTS) return;
    swallowClick = true;
    const geo = app.geometry();
    const picked = serversInLasso(lasso, geo.points, geo.ids);
    if (picked.length === 0) return;
    groups.apply(regroup(fullGroups(shared.groups, geo.ids), picked));
  };
  cluster.addEventListener('pointerup', endLasso);
  cluster.addEventListener('pointercancel', () => { shared.lasso = null; });
  // Capture: runs before the server menu's click handler, so a finished lasso is not a click.
  cluster.addEventListener('click', (e) => {
    if (swallowClick) { swallowClick = false; e.stopImmediatePropagation(); return; }
    const p = local(e);
    const geo = app.geometry();
    if (hitPoint(geo.points, p.x, p.y, geo.r + 8) >= 0 || hitPoint(geo.messages, p.x, p.y, MESSAGE_HOVER_PX) >= 0) { closeLinkMenu(); return; }
    const link = pickLink(geo.points, geo.ids, p.x, p.y, geo.r);
    if (link) { e.stopImmediatePropagation(); app.closeMenu(); openLinkMenu(link, p); } else closeLinkMenu();
  }, { capture: true });

  function guard(fn) {
    try { fn(); app.refresh(); return true; } catch (err) { app.showError(err); return false; }
  }

  function hover(p) {
    const geo = app.geometry();
    const s = hitPoint(geo.points, p.x, p.y, geo.r + 4);
    shared.hoverServer = s >= 0 ? geo.ids[s] : null;
    const m = hitPoint(geo.messages, p.x, p.y, MESSAGE_HOVER_PX);
    if (m < 0) { shared.hover = null; hideTip(); return; }
    const msg = geo.messages[m];
    shared.hover = msg.id;
    tipFor = msg.id;
    tip.textContent = whyText(msg.id);
    tip.hidden = false;
    tip.style.left = `${Math.min(p.x + 14, wrap.clientWidth - 220)}px`;
    tip.style.top = `${p.y + 14}px`;
  }

  /** A message's kind, route and — for replies — its reason ("why"). */
  function whyText(id) {
    let d;
    try { d = app.simulation().messageDetails(id); } catch { return ''; }
    const f = Object.fromEntries(d.fields ?? []);
    const head = t('break.why.head', { kind: t(`kind.${d.kind}`), from: d.from, to: d.to, term: d.term });
    if (f.rejectReason) return `${head} — ${describeVoteReason(f.rejectReason, d.to, d.from)}`;
    if (f.reject) return `${head} — ${describeAppendReason(f.reject.reason ?? f.reject)}`;
    if (f.granted === true) return `${head} — ${t('break.why.granted')}`;
    if (f.success === true) return `${head} — ${t('break.why.accepted', { index: f.matchIndex })}`;
    return head;
  }

  function openLinkMenu(link, p) {
    shared.link = link;
    const sim = app.simulation();
    const { a, b } = link;
    const cfg = sim.linkSettings(a, b);
    const state = linkState(app.simulation().frameBlocked ? blockedPairs() : [], a, b);
    const num = (id, v, max) => el('input', { id, type: 'number', min: '0', max: String(max), step: 'any', value: String(v), class: 'break-num' });
    const item = (key, params, fn, action) => setText(el('button', { type: 'button', role: 'menuitem', dataset: { linkAction: action }, onclick: () => { guard(fn); closeLinkMenu(); } }), key, params);
    const latMin = num('break-link-lat-min', cfg.latencyMsMin, 10000);
    const latMax = num('break-link-lat-max', cfg.latencyMsMax, 10000);
    const loss = num('break-link-loss', cfg.lossPercent, 100);
    fill(linkMenu,
      el('div', { class: 'menu-title' }, span('break.link.title', { a, b }), ' ', span(`break.link.state.${state.replace('>', '_')}`, { a, b }, { class: 'hint' })),
      item('break.link.cutOne', { from: a, to: b }, () => sim.cutLink(a, b, false), 'cut-ab'),
      item('break.link.cutOne', { from: b, to: a }, () => sim.cutLink(b, a, false), 'cut-ba'),
      item('break.link.cutBoth', {}, () => sim.cutLink(a, b, true), 'cut-both'),
      item('break.link.repair', {}, () => sim.repairLink(a, b, true), 'repair'),
      el('div', { class: 'break-link-knobs' },
        el('label', {}, span('break.net.latencyMin'), latMin),
        el('label', {}, span('break.net.latencyMax'), latMax),
        el('label', {}, span('break.net.loss'), loss),
        setText(el('button', { type: 'button', dataset: { linkAction: 'apply' }, onclick: () => {
          if (guard(() => sim.setLink(a, b, true, { latencyMsMin: Number(latMin.value), latencyMsMax: Number(latMax.value), lossPercent: Number(loss.value) }))) closeLinkMenu();
        } }), 'break.link.apply')),
      setText(el('button', { type: 'button', role: 'menuitem', class: 'subtle', onclick: closeLinkMenu }), 'menu.close'));
    linkMenu.hidden = false;
    linkMenu.style.left = `${Math.max(4, Math.min(p.x + 12, wrap.clientWidth - linkMenu.offsetWidth - 4))}px`;
    linkMenu.style.top = `${Math.max(4, Math.min(p.y - 20, wrap.clientHeight - linkMenu.offsetHeight - 4))}px`;
    linkMenu.querySelector('button')?.focus({ preventScroll: true });
  }
  function closeLinkMenu() { linkMenu.hidden = true; shared.link = null; }

  function blockedPairs() {
    const raw = app.simulation().frameBlocked();
    const out = [];
    for (let i = 0; i + 1 < raw.length; i += 2) out.push({ from: raw[i], to: raw[i + 1] });
    return out;
  }

  function drawOverlay() {
    const { ctx, width, height } = fitCanvas(overlay);
    ctx.clearRect(0, 0, width, height);
    const geo = app.geometry();
    const pointOf = (id) => geo.points[geo.ids.indexOf(id)];
    const blocked = blockedPairs();
    // One-way cuts: an arrow in the blocked direction, with a cross on it.
    ctx.lineWidth = 2;
    for (const { from, to } of blocked) {
      if (blocked.some((l) => l.from === to && l.to === from)) continue;
      const a = pointOf(from);
      const b = pointOf(to);
      if (!a || !b) continue;
      const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      const ux = (b.x - a.x) / len;
      const uy = (b.y - a.y) / len;
      const tipPt = { x: b.x - ux * (geo.r + 6), y: b.y - uy * (geo.r + 6) };
      ctx.fillStyle = DANGER;
      const head = arrowHead(a, tipPt, 12);
      ctx.beginPath(); ctx.moveTo(head[0].x, head[0].y); ctx.lineTo(head[1].x, head[1].y); ctx.lineTo(head[2].x, head[2].y); ctx.closePath(); ctx.fill();
      const mx = (a.x + b.x) / 2;
      const my = (a.y + b.y) / 2;
      ctx.strokeStyle = DANGER;
      ctx.beginPath(); ctx.moveTo(mx - 6, my - 6); ctx.lineTo(mx + 6, my + 6); ctx.moveTo(mx + 6, my - 6); ctx.lineTo(mx - 6, my + 6); ctx.stroke();
    }
    // The picked link and the hovered message's route (also hovered in the space-time diagram).
    const route = shared.link ? [pointOf(shared.link.a), pointOf(shared.link.b)] : null;
    const hovered = shared.hover !== null ? geo.messages.find((m) => m.id === shared.hover) : null;
    ctx.strokeStyle = HIGHLIGHT; ctx.lineWidth = 4;
    if (route?.[0] && route?.[1]) { ctx.beginPath(); ctx.moveTo(route[0].x, route[0].y); ctx.lineTo(route[1].x, route[1].y); ctx.stroke(); }
    if (hovered) {
      const a = pointOf(hovered.msg.from);
      const b = pointOf(hovered.msg.to);
      if (a && b) {
        ctx.setLineDash([6, 4]); ctx.lineWidth = 2;
        ctx.beginPath(); ctx.moveTo(a.x, a.y); ctx.lineTo(b.x, b.y); ctx.stroke(); ctx.setLineDash([]);
      }
      ctx.lineWidth = 3;
      ctx.beginPath(); ctx.arc(hovered.x, hovered.y, 13, 0, Math.PI * 2); ctx.stroke();
    }
    if (shared.hoverServer !== null && shared.spacetimeHover) {
      const p = pointOf(shared.hoverServer);
      if (p) { ctx.lineWidth = 3; ctx.beginPath(); ctx.arc(p.x, p.y, geo.r + 12, 0, Math.PI * 2); ctx.stroke(); }
    }
    // Partition groups: a number next to each server while the cluster is split.
    ctx.font = '700 12px system-ui, sans-serif'; ctx.fillStyle = INK; ctx.textAlign = 'center';
    const split = fullGroups(shared.groups, geo.ids);
    if (split.length > 1) split.forEach((g, k) => g.forEach((id) => {
      const p = pointOf(id);
      if (p) ctx.fillText(t('break.net.groupTag', { n: k + 1 }), p.x + geo.r + 8, p.y - geo.r);
    }));
    groups.draw(ctx, geo);
    if (shared.lasso) {
      ctx.strokeStyle = HIGHLIGHT; ctx.lineWidth = 2; ctx.setLineDash([4, 4]);
      ctx.beginPath();
      shared.lasso.forEach((p, i) => (i ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
      ctx.closePath(); ctx.stroke(); ctx.setLineDash([]);
    }
  }

  const handle = {
    app, shared, select, panels, guard, drawOverlay, cluster, local, hideTip,
    swallowNextClick() { swallowClick = true; },
    /** Called by the panels when the lab's simulation was replaced. */
    reset() { shared.groups = []; closeLinkMenu(); handle.syncNetwork?.(); },
  };
  const groups = installPartition(handle);

  // ---- network panel ----
  installNetworkPanel(panels.network);
  function installNetworkPanel(panel) {
    const lassoBtn = el('button', { type: 'button', id: 'break-lasso', 'aria-pressed': 'false', 'data-i18n': 'break.net.lasso' }, t('break.net.lasso'));
    // A second switch next to the ring's own buttons, where the drawing happens.
    const nearRing = el('button', { type: 'button', id: 'break-lasso-ring', 'aria-pressed': 'false', 'data-i18n': 'break.net.lasso' }, t('break.net.lasso'));
    doc.querySelector('.cluster-panel .row-buttons')?.prepend(nearRing);
    const toggleLasso = () => {
      shared.lassoOn = !shared.lassoOn;
      for (const b of [lassoBtn, nearRing]) b.setAttribute('aria-pressed', String(shared.lassoOn));
      cluster.classList.toggle('break-lassoing', shared.lassoOn);
    };
    lassoBtn.addEventListener('click', toggleLasso);
    nearRing.addEventListener('click', toggleLasso);
    const heal = setText(el('button', { type: 'button', id: 'break-heal' }), 'break.net.heal');
    heal.addEventListener('click', () => { shared.groups = []; guard(() => app.simulation().heal()); });
    const knobs = {};
    const knob = (name, max) => {
      knobs[name] = el('input', { id: `break-net-${name}`, type: 'number', min: '0', max: String(max), step: 'any', class: 'break-num' });
      return el('label', {}, span(`break.net.${name}`), knobs[name]);
    };
    const apply = setText(el('button', { type: 'button', id: 'break-net-apply' }), 'break.net.apply');
    apply.addEventListener('click', () => guard(() => app.simulation().setNetwork({
      latencyMsMin: Number(knobs.latencyMin.value), latencyMsMax: Number(knobs.latencyMax.value),
      lossPercent: Number(knobs.loss.value), duplicatePercent: Number(knobs.duplicate.value),
      reorderPercent: Number(knobs.reorder.value), reorderDelayMsMax: Math.max(Number(knobs.reorder.value) > 0 ? 50 : 0, 0),
    })));
    panel.append(
      setText(el('p', { class: 'hint' }), 'break.net.intro'),
      el('div', { class: 'row-buttons' }, lassoBtn, heal),
      setText(el('h3', {}), 'break.net.global'),
      el('div', { class: 'break-knobs' }, knob('latencyMin', 10000), knob('latencyMax', 10000), knob('loss', 100), knob('duplicate', 100), knob('reorder', 100), apply),
      linkPicker());
    handle.syncNetwork = () => {
      const d = app.simulation().linkSettings(0, 0);
      knobs.latencyMin.value = d.latencyMsMin; knobs.latencyMax.value = d.latencyMsMax;
      knobs.loss.value = d.lossPercent; knobs.duplicate.value = d.duplicatePercent; knobs.reorder.value = d.reorderPercent;
    };
  }

  /** Without a pointer: choose a link from a list and open the same menu a click on it opens. */
  function linkPicker() {
    const pick = el('select', { id: 'break-link-pick' });
    const open = setText(el('button', { type: 'button', id: 'break-link-open' }), 'break.link.open');
    let shownIds = '';
    handle.syncLinkPicker = () => {
      const ids = app.geometry().ids;
      if (ids.join() === shownIds) return;
      shownIds = ids.join();
      const was = pick.value;
      fill(pick, ids.flatMap((a, i) => ids.slice(i + 1).map((b) => setText(el('option', { value: `${Math.min(a, b)}-${Math.max(a, b)}` }), 'break.link.pair', { a: Math.min(a, b), b: Math.max(a, b) }))));
      if ([...pick.options].some((o) => o.value === was)) pick.value = was;
    };
    open.addEventListener('click', () => {
      const [a, b] = pick.value.split('-').map(Number);
      const geo = app.geometry();
      const [pa, pb] = [a, b].map((id) => geo.points[geo.ids.indexOf(id)]);
      if (!pa || !pb) return;
      app.closeMenu();
      openLinkMenu({ a, b }, { x: (pa.x + pb.x) / 2, y: (pa.y + pb.y) / 2 });
      linkMenu.scrollIntoView({ block: 'nearest' });
    });
    return el('div', {}, setText(el('h3', {}), 'break.link.heading'), el('div', { class: 'row-buttons' }, el('label', {}, span('break.link.choose'), pick), open));
  }

  const parts = [
    installAdversary(handle, panels.adversary),
    installSettings(handle, panels.protocol, panels.bugs),
    installSpacetime(handle, panels.spacetime),
    installCharts(handle, panels.charts),
    installHistory(handle, panels.history),
    installSideBySide(handle, panels.side),
  ];
  handle.onShow = (name) => { for (const p of parts) p?.onShow?.(name); };
  let lastSim = null;
  const frame = () => {
    const sim = app.simulation();
    if (sim !== lastSim) { lastSim = sim; handle.reset(); for (const p of parts) p?.onReset?.(); }
    groups.sync(blockedPairs());
    handle.syncLinkPicker();
    drawOverlay();
    for (const p of parts) p?.onFrame?.(current);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  handle.syncNetwork();
  // A language switch: the app has already retranslated every data-i18n node of the page
  // (section included); canvases, charts and the hover tip are redrawn here, state untouched.
  app.on?.((name) => {
    if (name !== 'language') return;
    if (!tip.hidden && tipFor !== null) tip.textContent = whyText(tipFor);
    for (const p of parts) p?.onLanguage?.();
  });
  select('network');
  // Test handle (read-only views of what this module draws).
  globalThis.raftlabBreak = Object.freeze({
    select, arrows: () => handle.spacetimeArrows?.() ?? 0,
    /** The partition groups the ring shows (every server in one; [] when not partitioned). */
    groups: () => (shared.groups.length ? fullGroups(shared.groups, app.geometry().ids) : []),
    /** The drag in progress: the server and the group it would join (null: a new one), or null. */
    dragging: () => groups.dragging(),
    searchState: () => handle.searchState?.() ?? null,
    counters: () => app.simulation().counters(), droppedAtSend: () => app.simulation().droppedAtSend,
    /** Messages `from → to` sent at or after `sinceMs` that arrived. */
    delivered(from, to, sinceMs) {
      const sim = app.simulation();
      return decodeSpacetime(sim.spacetime(sinceMs, sim.nowMs, 20000), app.bindings.spacetimeStride())
        .filter((m) => m.from === from && m.to === to && m.sentMs >= sinceMs && m.outcome === 'delivered').length;
    },
  });
  return handle;
}
