// Small shapes shared by the cluster view and the legend. Only draws.
import { DANGER, MESSAGE_STYLE, PAPER } from './palette.js';

/** Traces a node outline of `shape` centred at (x, y) with radius r (no fill or stroke). */
export function traceShape(ctx, shape, x, y, r) {
  ctx.beginPath();
  if (shape === 'diamond') {
    ctx.moveTo(x, y - r * 1.12); ctx.lineTo(x + r * 1.12, y); ctx.lineTo(x, y + r * 1.12); ctx.lineTo(x - r * 1.12, y);
    ctx.closePath();
  } else if (shape === 'hexagon') {
    for (let i = 0; i < 6; i++) {
      const a = Math.PI / 6 + (i * Math.PI) / 3;
      const px = x + Math.cos(a) * r * 1.08;
      const py = y + Math.sin(a) * r * 1.08;
      if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
    }
    ctx.closePath();
  } else {
    ctx.arc(x, y, r, 0, Math.PI * 2);
  }
}

/** Draws one message glyph of `kind` at (x, y); `outcome` true/false adds ✓/✗ for replies. */
export function drawMessageGlyph(ctx, kind, x, y, outcome = null, { held = false, scale = 1 } = {}) {
  const st = MESSAGE_STYLE[kind] ?? MESSAGE_STYLE.TransferLeader;
  const s = st.size * scale;
  ctx.save();
  ctx.lineWidth = 2;
  ctx.strokeStyle = st.color;
  ctx.fillStyle = st.color;
  if (held) ctx.setLineDash([2, 2]);
  const failed = st.reply && outcome === false;
  switch (st.shape) {
    case 'diamond':
    case 'diamondRing':
      ctx.beginPath();
      ctx.moveTo(x, y - s); ctx.lineTo(x + s, y); ctx.lineTo(x, y + s); ctx.lineTo(x - s, y); ctx.closePath();
      if (st.shape === 'diamond') ctx.fill(); else { ctx.fillStyle = PAPER; ctx.fill(); ctx.stroke(); }
      break;
    case 'square':
      ctx.fillRect(x - s, y - s * 0.75, s * 2, s * 1.5);
      break;
    case 'star':
      ctx.beginPath();
      for (let i = 0; i < 10; i++) {
        const r = i % 2 === 0 ? s : s * 0.45;
        const a = -Math.PI / 2 + (i * Math.PI) / 5;
        ctx.lineTo(x + Math.cos(a) * r, y + Math.sin(a) * r);
      }
      ctx.closePath(); ctx.fill();
      break;
    case 'ring':
      ctx.beginPath(); ctx.arc(x, y, s, 0, Math.PI * 2);
      ctx.fillStyle = failed ? PAPER : PAPER; ctx.fill(); ctx.stroke();
      break;
    default:
      ctx.beginPath(); ctx.arc(x, y, s, 0, Math.PI * 2);
      if (failed) { ctx.fillStyle = PAPER; ctx.fill(); ctx.strokeStyle = DANGER; ctx.stroke(); } else ctx.fill();
  }
  if (st.reply && outcome !== null) {
    ctx.setLineDash([]);
    ctx.lineWidth = 1.6;
    ctx.strokeStyle = failed ? DANGER : (st.shape === 'ring' ? st.color : PAPER);
    ctx.beginPath();
    const m = s * 0.55;
    if (failed) {
      ctx.moveTo(x - m, y - m); ctx.lineTo(x + m, y + m); ctx.moveTo(x + m, y - m); ctx.lineTo(x - m, y + m);
    } else {
      ctx.moveTo(x - m, y); ctx.lineTo(x - m * 0.2, y + m * 0.8); ctx.lineTo(x + m, y - m * 0.7);
    }
    ctx.stroke();
  }
  ctx.restore();
}
