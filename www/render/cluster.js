// Draws the cluster: ring, links, messages in flight, servers with role shape, term, timer arc,
// votes and status. Only draws: geometry comes from layout/, words from the caller (i18n).
import { drawMessageGlyph, traceShape } from './glyphs.js';
import { DANGER, GRID, INK, MUTED, OK, PAPER, ROLE_STYLE, termColor, termText } from './palette.js';
import { timerFraction } from '../layout/ring.js';

const SELECT_STYLE = '#7a2fd0';
const TIMER_STYLE = '#3b3b4a';
const LINK_STYLE = '#ececf2';

/**
 * scene: { width, height, ring, r, nodes, messages: [{msg, x, y}], nowMs, selected,
 *          selectedMessage, roleLabel(role), statusLabel(status), reducedMotion }
 */
export function drawCluster(ctx, scene) {
  const { width, height, ring, r } = scene;
  ctx.clearRect(0, 0, width, height);
  drawLinks(ctx, ring.points);
  drawBlocked(ctx, scene.blocked ?? [], scene.pointOf, r);
  for (const m of scene.messages) {
    drawMessageGlyph(ctx, m.msg.kind, m.x, m.y, m.msg.outcome, { held: m.msg.held, scale: r / 28 + 0.25 });
    if (m.msg.id === scene.selectedMessage) {
      ctx.strokeStyle = SELECT_STYLE; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.arc(m.x, m.y, 12, 0, Math.PI * 2); ctx.stroke();
    }
  }
  scene.nodes.forEach((n, i) => drawNode(ctx, n, ring.points[i], r, scene));
}

function drawLinks(ctx, points) {
  ctx.strokeStyle = LINK_STYLE;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      ctx.moveTo(points[i].x, points[i].y);
      ctx.lineTo(points[j].x, points[j].y);
    }
  }
  ctx.stroke();
}

/** Blocked links: a red dashed line with a bar across it near the side that cannot send. */
function drawBlocked(ctx, blocked, pointOf, r) {
  ctx.save();
  ctx.strokeStyle = DANGER; ctx.lineWidth = 2; ctx.setLineDash([6, 4]);
  ctx.beginPath();
  for (const { from, to } of blocked) {
    const a = pointOf(from);
    const b = pointOf(to);
    if (!a || !b) continue;
    ctx.moveTo(a.x, a.y); ctx.lineTo(b.x, b.y);
  }
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.lineWidth = 3;
  ctx.beginPath();
  for (const { from, to } of blocked) {
    const a = pointOf(from);
    const b = pointOf(to);
    if (!a || !b) continue;
    const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    const ux = (b.x - a.x) / len;
    const uy = (b.y - a.y) / len;
    const cx = a.x + ux * (r + 22);
    const cy = a.y + uy * (r + 22);
    ctx.moveTo(cx - uy * 7, cy + ux * 7); ctx.lineTo(cx + uy * 7, cy - ux * 7);
  }
  ctx.stroke();
  ctx.restore();
}

function drawNode(ctx, n, p, r, scene) {
  const style = ROLE_STYLE[n.role] ?? ROLE_STYLE.none;
  const crashed = n.status === 'crashed';
  // Election timer: the arc fills up as the timeout nears (not for leaders, crashed or paused).
  if (!crashed && n.role !== 'leader') {
    const f = timerFraction(scene.nowMs, n.timerStartMs, n.timerDeadlineMs);
    ctx.strokeStyle = GRID; ctx.lineWidth = 4;
    ctx.beginPath(); ctx.arc(p.x, p.y, r + 7, 0, Math.PI * 2); ctx.stroke();
    ctx.strokeStyle = n.status === 'paused' ? MUTED : TIMER_STYLE;
    ctx.beginPath(); ctx.arc(p.x, p.y, r + 7, -Math.PI / 2, -Math.PI / 2 + f * Math.PI * 2); ctx.stroke();
  }
  if (n.id === scene.selected) {
    ctx.strokeStyle = SELECT_STYLE; ctx.lineWidth = 3; ctx.setLineDash([5, 3]);
    ctx.beginPath(); ctx.arc(p.x, p.y, r + 14, 0, Math.PI * 2); ctx.stroke();
    ctx.setLineDash([]);
  }
  traceShape(ctx, style.shape, p.x, p.y, r);
  ctx.fillStyle = style.fill; ctx.fill();
  ctx.lineWidth = n.role === 'leader' ? 4 : 2;
  ctx.strokeStyle = style.stroke;
  if (style.dashed) ctx.setLineDash([4, 3]);
  ctx.stroke();
  ctx.setLineDash([]);
  if (n.membership !== 'voter' && !crashed) {
    ctx.strokeStyle = MUTED; ctx.lineWidth = 1; ctx.setLineDash([2, 3]);
    traceShape(ctx, 'circle', p.x, p.y, r - 5); ctx.stroke(); ctx.setLineDash([]);
  }
  // Name and term.
  ctx.fillStyle = crashed ? MUTED : INK;
  ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
  ctx.font = `700 ${Math.round(r * 0.55)}px system-ui, sans-serif`;
  ctx.fillText(`S${n.id}`, p.x, p.y - r * 0.22);
  drawTermBadge(ctx, n.term, p.x, p.y + r * 0.38, r);
  // Role / status tag under the node.
  ctx.font = `600 ${Math.max(10, Math.round(r * 0.42))}px system-ui, sans-serif`;
  ctx.fillStyle = crashed ? DANGER : INK;
  const tag = crashed || n.status === 'paused' ? scene.statusLabel(n.status) : scene.roleLabel(n.role, n.membership);
  ctx.fillText(tag, p.x, p.y + r + 20);
  if (crashed) drawCross(ctx, p.x, p.y, r);
  if (n.status === 'paused') drawPause(ctx, p.x + r * 0.85, p.y - r * 0.85, r * 0.3);
  if (n.role === 'candidate' || n.role === 'preCandidate') drawVotes(ctx, n, p, r, scene.nodes);
}

function drawTermBadge(ctx, term, x, y, r) {
  const w = r * 0.95;
  const h = r * 0.46;
  ctx.fillStyle = term === 0 ? '#e4e4ea' : termColor(term);
  ctx.beginPath();
  ctx.roundRect(x - w / 2, y - h / 2, w, h, h / 2);
  ctx.fill();
  ctx.fillStyle = term === 0 ? '#1d1d28' : termText(term);
  ctx.font = `700 ${Math.round(r * 0.36)}px system-ui, sans-serif`;
  ctx.fillText(`T${term}`, x, y + 0.5);
}

function drawCross(ctx, x, y, r) {
  ctx.strokeStyle = DANGER; ctx.lineWidth = 3;
  const m = r * 0.75;
  ctx.beginPath();
  ctx.moveTo(x - m, y - m); ctx.lineTo(x + m, y + m);
  ctx.moveTo(x + m, y - m); ctx.lineTo(x - m, y + m);
  ctx.stroke();
}

function drawPause(ctx, x, y, s) {
  ctx.fillStyle = PAPER; ctx.strokeStyle = INK; ctx.lineWidth = 1.5;
  ctx.beginPath(); ctx.arc(x, y, s * 1.6, 0, Math.PI * 2); ctx.fill(); ctx.stroke();
  ctx.fillStyle = INK;
  ctx.fillRect(x - s * 0.7, y - s * 0.8, s * 0.5, s * 1.6);
  ctx.fillRect(x + s * 0.2, y - s * 0.8, s * 0.5, s * 1.6);
}

/** One small ballot per other server around a candidate: ✓ granted, ✗ denied, ○ waiting. */
function drawVotes(ctx, n, p, r, nodes) {
  const peers = nodes.filter((m) => m.id !== n.id && m.membership === 'voter');
  const total = peers.length;
  peers.forEach((peer, k) => {
    const a = -Math.PI / 2 + ((k + 1) * Math.PI * 2) / (total + 1);
    const x = p.x + Math.cos(a) * (r + 16);
    const y = p.y + Math.sin(a) * (r + 16);
    const granted = n.votesGranted.includes(peer.id);
    const denied = n.votesDenied.includes(peer.id);
    ctx.beginPath(); ctx.arc(x, y, 5, 0, Math.PI * 2);
    ctx.fillStyle = granted ? OK : PAPER; ctx.fill();
    ctx.strokeStyle = denied ? DANGER : granted ? OK : MUTED; ctx.lineWidth = 1.5; ctx.stroke();
    if (denied) {
      ctx.beginPath(); ctx.moveTo(x - 3, y - 3); ctx.lineTo(x + 3, y + 3); ctx.moveTo(x + 3, y - 3); ctx.lineTo(x - 3, y + 3); ctx.stroke();
    }
  });
}
