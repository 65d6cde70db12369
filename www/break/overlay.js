// What the break tools draw over the ring: one-way cuts as arrows with a cross, the picked link,
// the hovered message's route, the lane hovered in the space-time diagram, group numbers and the
// lasso being drawn. Drawing only: the state comes in `shared`.
import { t } from '../i18n/index.js';
import { DANGER, INK } from '../render/palette.js';
import { arrowHead, fullGroups } from './geometry.js';

export const HIGHLIGHT = '#7a2fd0';

/** Draws everything on `ctx` for the ring geometry `geo` and the blocked links. */
export function drawOverlay(ctx, geo, blocked, shared) {
  const pointOf = (id) => geo.points[geo.ids.indexOf(id)];
  drawOneWayCuts(ctx, geo.r, blocked, pointOf);
  drawHighlights(ctx, geo, shared, pointOf);
  // Partition groups: a number next to each server while the cluster is split.
  ctx.font = '700 12px system-ui, sans-serif'; ctx.fillStyle = INK; ctx.textAlign = 'center';
  const split = fullGroups(shared.groups, geo.ids);
  if (split.length > 1) split.forEach((g, k) => g.forEach((id) => {
    const p = pointOf(id);
    if (p) ctx.fillText(t('break.net.groupTag', { n: k + 1 }), p.x + geo.r + 8, p.y - geo.r);
  }));
  if (shared.lasso) {
    ctx.strokeStyle = HIGHLIGHT; ctx.lineWidth = 2; ctx.setLineDash([4, 4]);
    ctx.beginPath();
    shared.lasso.forEach((p, i) => (i ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
    ctx.closePath(); ctx.stroke(); ctx.setLineDash([]);
  }
}

/** One-way cuts: an arrowhead in the blocked direction, with a cross on the link. */
function drawOneWayCuts(ctx, r, blocked, pointOf) {
  ctx.lineWidth = 2;
  for (const { from, to } of blocked) {
    if (blocked.some((l) => l.from === to && l.to === from)) continue;
    const a = pointOf(from);
    const b = pointOf(to);
    if (!a || !b) continue;
    const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    const tip = { x: b.x - ((b.x - a.x) / len) * (r + 6), y: b.y - ((b.y - a.y) / len) * (r + 6) };
    ctx.fillStyle = DANGER;
    const head = arrowHead(a, tip, 12);
    ctx.beginPath(); ctx.moveTo(head[0].x, head[0].y); ctx.lineTo(head[1].x, head[1].y); ctx.lineTo(head[2].x, head[2].y); ctx.closePath(); ctx.fill();
    const mx = (a.x + b.x) / 2;
    const my = (a.y + b.y) / 2;
    ctx.strokeStyle = DANGER;
    ctx.beginPath(); ctx.moveTo(mx - 6, my - 6); ctx.lineTo(mx + 6, my + 6); ctx.moveTo(mx + 6, my - 6); ctx.lineTo(mx - 6, my + 6); ctx.stroke();
  }
}

/** The picked link, the hovered message and its route, the server whose lane is hovered. */
function drawHighlights(ctx, geo, shared, pointOf) {
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
}
