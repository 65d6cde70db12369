// The pointer on the ring: drawing a lasso (when switched on), hovering a message for its "why"
// tooltip, and clicking a link for its menu. Dragging a server is in partition.js.
import { el } from '../dom.js';
import { t } from '../i18n/index.js';
import { describeAppendReason, describeVoteReason } from '../i18n/describe.js';
import { hitPoint } from '../layout/ring.js';
import { LASSO_MIN_POINTS, fullGroups, pickLink, regroup, serversInLasso } from './geometry.js';

const MESSAGE_HOVER_PX = 14;

/** A message's kind, route and — for replies — its reason ("why"), in the active language. */
export function whyText(sim, id) {
  let d;
  try { d = sim.messageDetails(id); } catch { return ''; }
  const f = Object.fromEntries(d.fields ?? []);
  const head = t('break.why.head', { kind: t(`kind.${d.kind}`), from: d.from, to: d.to, term: d.term });
  if (f.rejectReason) return `${head} — ${describeVoteReason(f.rejectReason, d.to, d.from)}`;
  if (f.reject) return `${head} — ${describeAppendReason(f.reject.reason ?? f.reject)}`;
  if (f.granted === true) return `${head} — ${t('break.why.granted')}`;
  if (f.success === true) return `${head} — ${t('break.why.accepted', { index: f.matchIndex })}`;
  return head;
}

/** Wires the ring's pointer; `partition()` gives the partition tools (lasso results go there). */
export function installRingPointer(handle, wrap, linkMenu, partition) {
  const { app, shared, cluster, local } = handle;
  const tip = el('div', { class: 'break-tip', role: 'tooltip', hidden: true });
  wrap.append(tip);
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
  cluster.addEventListener('pointerup', () => {
    const lasso = shared.lasso;
    shared.lasso = null;
    if (!lasso || lasso.length < LASSO_MIN_POINTS) return;
    swallowClick = true;
    const geo = app.geometry();
    const picked = serversInLasso(lasso, geo.points, geo.ids);
    if (picked.length > 0) partition().apply(regroup(fullGroups(shared.groups, geo.ids), picked));
  });
  cluster.addEventListener('pointercancel', () => { shared.lasso = null; });
  // Capture: runs before the server menu's click handler, so a finished lasso or drag is not a click.
  cluster.addEventListener('click', (e) => {
    if (swallowClick) { swallowClick = false; e.stopImmediatePropagation(); return; }
    const p = local(e);
    const geo = app.geometry();
    if (hitPoint(geo.points, p.x, p.y, geo.r + 8) >= 0 || hitPoint(geo.messages, p.x, p.y, MESSAGE_HOVER_PX) >= 0) { linkMenu.close(); return; }
    const link = pickLink(geo.points, geo.ids, p.x, p.y, geo.r);
    if (link) { e.stopImmediatePropagation(); app.closeMenu(); linkMenu.open(link, p); } else linkMenu.close();
  }, { capture: true });

  function hover(p) {
    const geo = app.geometry();
    const s = hitPoint(geo.points, p.x, p.y, geo.r + 4);
    shared.hoverServer = s >= 0 ? geo.ids[s] : null;
    const m = hitPoint(geo.messages, p.x, p.y, MESSAGE_HOVER_PX);
    if (m < 0) { shared.hover = null; hideTip(); return; }
    const msg = geo.messages[m];
    shared.hover = msg.id;
    tipFor = msg.id;
    tip.textContent = whyText(app.simulation(), msg.id);
    tip.hidden = false;
    tip.style.left = `${Math.min(p.x + 14, wrap.clientWidth - 220)}px`;
    tip.style.top = `${p.y + 14}px`;
  }

  return {
    hideTip,
    swallowNextClick() { swallowClick = true; },
    /** The tooltip again in the active language (after a switch). */
    retranslate() { if (!tip.hidden && tipFor !== null) tip.textContent = whyText(app.simulation(), tipFor); },
  };
}
