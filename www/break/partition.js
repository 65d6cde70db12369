// Partition groups on the ring: kept in step with the simulation's blocked links, changed by the
// lasso (in index.js), by dragging one server onto another group's area (or away from every
// group, into a new group of its own), and — without dragging — from the server's menu
// ("Move to group…"). Pointer events, so a finger drags as a mouse does.
import { el, fill } from '../dom.js';
import { setText, t } from '../i18n/index.js';
import { hitPoint } from '../layout/ring.js';
import { INK } from '../render/palette.js';
import {
  DRAG_START_PX, convexHull, dropTarget, fullGroups, groupIndexOf, moveToGroup, partitionFromBlocked,
} from './geometry.js';

const GROUP_RGB = '120, 120, 140';
/** The break tools' highlight colour (#7a2fd0) as r, g, b. */
const HIGHLIGHT_RGB = '122, 47, 208';

/** How far outside its servers' hull a group's drop area reaches, for server radius `r`. */
export const dropReach = (r) => r + 16;

/** Installs dragging and the menu entries; returns the pieces index.js draws and syncs with. */
export function installPartition(handle) {
  const { app, shared, cluster } = handle;
  shared.drag = null;
  let press = null;
  let lastBlocked = '';

  const full = () => fullGroups(shared.groups, app.geometry().ids);
  const pointOf = (id) => { const geo = app.geometry(); return geo.points[geo.ids.indexOf(id)]; };

  /** Sets the partition to `groups` (full form) in the simulation; one group is no partition. */
  function apply(groups) {
    const next = groups.length > 1 ? groups : [];
    if (handle.guard(() => app.simulation().partition(next))) shared.groups = next;
  }
  /** Moves server `id` into group `target` of the current groups (-1: a group of its own). */
  function move(id, target) {
    const now = full();
    const own = groupIndexOf(now, id);
    if (own < 0 || target === own || (target < 0 && now[own].length === 1)) return false;
    apply(moveToGroup(now, id, target));
    return true;
  }

  cluster.addEventListener('pointerdown', (e) => {
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    const p = handle.local(e);
    const geo = app.geometry();
    const i = hitPoint(geo.points, p.x, p.y, geo.r + 8);
    press = i >= 0 ? { id: geo.ids[i], x: p.x, y: p.y, pointerId: e.pointerId } : null;
  });
  cluster.addEventListener('pointermove', (e) => {
    if (!press || e.pointerId !== press.pointerId) return;
    const p = handle.local(e);
    if (!shared.drag) {
      if (Math.hypot(p.x - press.x, p.y - press.y) < DRAG_START_PX) return;
      shared.drag = { id: press.id, x: p.x, y: p.y, target: -1 };
      cluster.setPointerCapture?.(e.pointerId);
      cluster.classList.add('break-dragging');
      app.closeMenu();
      handle.hideTip();
    }
    Object.assign(shared.drag, { x: p.x, y: p.y, target: dropTarget(full(), press.id, pointOf, p.x, p.y, dropReach(app.geometry().r)) });
  });
  const end = (drop) => {
    const drag = shared.drag;
    press = null;
    shared.drag = null;
    cluster.classList.remove('break-dragging');
    if (!drag) return;
    handle.swallowNextClick();
    if (drop) move(drag.id, drag.target);
  };
  cluster.addEventListener('pointerup', () => end(true));
  cluster.addEventListener('pointercancel', () => end(false));
  // A finger that pressed a server drags it instead of scrolling the page (a tap still taps).
  cluster.addEventListener('touchmove', (e) => { if (press) e.preventDefault(); }, { passive: false });

  /** Follows the simulation: the groups are what its blocked links show (after heal, undo…). */
  function sync(blocked) {
    const ids = app.geometry().ids;
    const key = `${ids.join()}|${blocked.map((l) => `${l.from}>${l.to}`).join()}`;
    if (key === lastBlocked) return;
    lastBlocked = key;
    const derived = partitionFromBlocked(ids, blocked);
    shared.groups = derived && derived.length > 1 ? derived : [];
  }

  /** The server menu's extra entry, and the list of groups it opens. */
  app.menuExtras = (id) => [el('button', {
    type: 'button', role: 'menuitem', dataset: { action: 'move' }, 'data-i18n': 'break.move.open', onclick: () => openMoveMenu(id),
  }, t('break.move.open'))];
  function openMoveMenu(id) {
    const menu = app.$('server-menu');
    const now = full();
    const own = groupIndexOf(now, id);
    const choice = (k) => setText(el('button', {
      type: 'button', role: 'menuitem', dataset: { moveTo: String(k) }, onclick: () => { app.closeMenu(); move(id, k); },
    }), 'break.move.into', { n: k + 1, servers: now[k].map((s) => `S${s}`).join(', ') });
    const choices = now.map((_, k) => k).filter((k) => k !== own).map(choice);
    if (own >= 0 && now[own].length > 1) {
      choices.push(setText(el('button', { type: 'button', role: 'menuitem', dataset: { moveTo: '-1' }, onclick: () => { app.closeMenu(); move(id, -1); } }), 'break.move.new'));
    }
    fill(menu,
      setText(el('div', { class: 'menu-title' }), 'break.move.title', { server: id }),
      choices,
      setText(el('button', { type: 'button', role: 'menuitem', class: 'subtle', onclick: () => app.closeMenu() }), 'menu.close'));
    menu.querySelector('button')?.focus({ preventScroll: true });
  }

  function dragging() {
    const drag = shared.drag;
    if (!drag) return null;
    const target = drag.target >= 0 ? full()[drag.target]?.filter((id) => id !== drag.id) : null;
    return { id: drag.id, into: target ?? null };
  }

  /** A new simulation: read its groups afresh at the next sync. */
  const reset = () => { shared.groups = []; lastBlocked = ''; };

  return { full, move, apply, sync, reset, dragging, draw: (ctx, geo) => drawDrag(ctx, geo, full(), shared.drag, pointOf) };
}

let scratch = null;

/** Paints the drop areas of `groups` (lists of points) opaque on a scratch canvas, then onto `ctx` at `alpha`. */
function paintAreas(ctx, areas, reach, rgb, alpha) {
  if (areas.length === 0) return;
  scratch ??= document.createElement('canvas');
  if (scratch.width !== ctx.canvas.width || scratch.height !== ctx.canvas.height) {
    scratch.width = ctx.canvas.width;
    scratch.height = ctx.canvas.height;
  }
  const s = scratch.getContext('2d');
  s.setTransform(1, 0, 0, 1, 0, 0);
  s.clearRect(0, 0, scratch.width, scratch.height);
  s.setTransform(ctx.getTransform());
  s.fillStyle = s.strokeStyle = `rgb(${rgb})`;
  s.lineJoin = 'round'; s.lineCap = 'round'; s.lineWidth = reach * 2;
  for (const pts of areas) {
    const hull = convexHull(pts);
    s.beginPath();
    if (hull.length === 1) { s.arc(hull[0].x, hull[0].y, reach, 0, Math.PI * 2); s.fill(); continue; }
    hull.forEach((p, i) => (i ? s.lineTo(p.x, p.y) : s.moveTo(p.x, p.y)));
    s.closePath(); s.stroke(); s.fill();
  }
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalAlpha = alpha;
  ctx.drawImage(scratch, 0, 0);
  ctx.restore();
}

/** Drag feedback: every group's drop area, the target's highlighted, and the server under the finger. */
function drawDrag(ctx, geo, groups, drag, pointOf) {
  if (!drag) return;
  const reach = dropReach(geo.r);
  const areas = groups.map((g) => g.filter((id) => id !== drag.id).map(pointOf).filter(Boolean));
  paintAreas(ctx, areas.filter((pts, k) => pts.length > 0 && k !== drag.target), reach, GROUP_RGB, 0.12);
  if (drag.target >= 0) paintAreas(ctx, [areas[drag.target]], reach, HIGHLIGHT_RGB, 0.22);
  const home = pointOf(drag.id);
  ctx.save();
  ctx.strokeStyle = `rgb(${HIGHLIGHT_RGB})`; ctx.lineWidth = 2; ctx.setLineDash([5, 4]);
  if (home) { ctx.beginPath(); ctx.moveTo(home.x, home.y); ctx.lineTo(drag.x, drag.y); ctx.stroke(); }
  ctx.setLineDash([]); ctx.lineWidth = 3;
  ctx.beginPath(); ctx.arc(drag.x, drag.y, geo.r, 0, Math.PI * 2); ctx.stroke();
  ctx.fillStyle = INK; ctx.font = '700 12px system-ui, sans-serif'; ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
  ctx.fillText(t('node.label', { id: drag.id }), drag.x, drag.y);
  const own = groupIndexOf(groups, drag.id);
  const stays = drag.target === own || (drag.target < 0 && groups[own]?.length === 1);
  const label = stays ? t('break.drag.stay') : drag.target >= 0 ? t('break.drag.into', { n: drag.target + 1 }) : t('break.drag.new');
  // Under the server, or above it near the bottom edge (a finger would hide neither side wholly).
  const below = drag.y + geo.r + 14 < ctx.canvas.clientHeight;
  ctx.fillText(label, drag.x, below ? drag.y + geo.r + 12 : drag.y - geo.r - 10);
  ctx.restore();
}
