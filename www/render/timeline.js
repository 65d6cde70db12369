// Draws the timeline under the scrubber: term bands (colour + number), marks for elections,
// new leaders, crashes, restarts, violations and commands, and the current-time handle.
import { timeToX } from '../layout/timeline.js';
import { DANGER, INK, MUTED, PAPER, termColor, termText } from './palette.js';

const BAND_H_PX = 14;

/** view: { width, height, timeline, nowMs, spanMs, noLeaderLabel } */
export function drawTimeline(ctx, view) {
  const { width, height, timeline, spanMs } = view;
  ctx.clearRect(0, 0, width, height);
  const bandY = 4;
  const bands = timeline.bands;
  ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
  ctx.font = '700 10px system-ui, sans-serif';
  bands.forEach((b, i) => {
    const end = i + 1 < bands.length ? bands[i + 1].startMs : timeline.horizonMs;
    const x0 = timeToX(b.startMs, spanMs, width);
    const x1 = timeToX(end, spanMs, width);
    ctx.fillStyle = b.term === 0 ? '#eeeeee' : termColor(b.term);
    ctx.globalAlpha = b.leader ? 1 : 0.45;
    ctx.fillRect(x0, bandY, Math.max(1, x1 - x0), BAND_H_PX);
    ctx.globalAlpha = 1;
    if (x1 - x0 > 18 && b.term > 0) {
      ctx.fillStyle = b.leader ? termText(b.term) : INK;
      ctx.fillText(`T${b.term}`, (x0 + x1) / 2, bandY + BAND_H_PX / 2);
    }
  });
  const markY = bandY + BAND_H_PX + 9;
  for (const m of timeline.marks) {
    const x = timeToX(m.timeMs, spanMs, width);
    drawMark(ctx, m.kind, x, markY);
  }
  // Undone future (after a step back or a scrub): shaded.
  const xNow = timeToX(view.nowMs, spanMs, width);
  const xH = timeToX(timeline.horizonMs, spanMs, width);
  if (xH > xNow) {
    ctx.fillStyle = 'rgba(255,255,255,0.55)';
    ctx.fillRect(xNow, 0, xH - xNow, height);
  }
  ctx.fillStyle = INK;
  ctx.fillRect(xNow - 1, 0, 2, height);
  ctx.beginPath(); ctx.moveTo(xNow - 6, height); ctx.lineTo(xNow + 6, height); ctx.lineTo(xNow, height - 8); ctx.closePath(); ctx.fill();
}

function drawMark(ctx, kind, x, y) {
  ctx.lineWidth = 1.5;
  switch (kind) {
    case 'violation':
      ctx.fillStyle = DANGER; ctx.fillRect(x - 1.5, 0, 3, y + 8);
      break;
    case 'crash':
      ctx.strokeStyle = DANGER; ctx.beginPath();
      ctx.moveTo(x - 4, y - 4); ctx.lineTo(x + 4, y + 4); ctx.moveTo(x + 4, y - 4); ctx.lineTo(x - 4, y + 4); ctx.stroke();
      break;
    case 'restart':
      ctx.strokeStyle = MUTED; ctx.beginPath(); ctx.arc(x, y, 4, 0, Math.PI * 2); ctx.stroke();
      break;
    case 'election':
      ctx.fillStyle = '#c75000'; ctx.beginPath(); ctx.moveTo(x, y - 5); ctx.lineTo(x + 4, y + 4); ctx.lineTo(x - 4, y + 4); ctx.closePath(); ctx.fill();
      break;
    case 'leader':
      ctx.fillStyle = '#0b4f8a'; ctx.beginPath(); ctx.arc(x, y, 3.5, 0, Math.PI * 2); ctx.fill();
      break;
    default:
      ctx.fillStyle = PAPER; ctx.strokeStyle = INK; ctx.beginPath(); ctx.rect(x - 3, y - 3, 6, 6); ctx.fill(); ctx.stroke();
  }
}
