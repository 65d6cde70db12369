// Draws the log panel: one row per server, entries coloured by term with the term printed,
// committed solid and uncommitted dashed, commit / applied markers, the snapshot boundary and
// the leader's nextIndex (▲) / matchIndex (●) under each follower. Only draws.
import { cellRect, CELL_W_PX, HEADER_H_PX, LABEL_W_PX, ROW_H_PX } from '../layout/logs.js';
import { CELL } from '../snapshot.js';
import { DANGER, GRID, INK, MUTED, OK, PAPER, termColor, termText } from './palette.js';

const COMPACTED_FILL = '#e9e9ef';
const MATCH_STYLE = '#0b4f8a';
const SELECT_STYLE = '#7a2fd0';

/**
 * view: { width, height, nodes, rows (decoded cells per node), first, visible, leader,
 *         progress, selected: {server, index} | null, labels: { snap, next, match } }
 */
export function drawLogs(ctx, view) {
  ctx.clearRect(0, 0, view.width, view.height);
  drawHeader(ctx, view);
  view.nodes.forEach((n, row) => drawRow(ctx, view, n, row));
}

function drawHeader(ctx, { first, visible }) {
  ctx.fillStyle = MUTED;
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
  const every = visible > 40 ? 5 : 1;
  for (let c = 0; c < visible; c++) {
    const index = first + c;
    if (index % every !== 0 && every > 1) continue;
    const r = cellRect(0, c);
    ctx.fillText(String(index), r.x + r.w / 2, HEADER_H_PX / 2);
  }
}

function drawRow(ctx, view, n, row) {
  const cells = view.rows[row] ?? [];
  const y0 = cellRect(row, 0).y;
  const crashed = n.status === 'crashed';
  ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
  ctx.font = '700 13px system-ui, sans-serif';
  ctx.fillStyle = crashed ? MUTED : INK;
  ctx.fillText(`S${n.id}`, 4, y0 + ROW_H_PX / 2);
  if (n.id === view.leader) {
    ctx.font = '600 10px system-ui, sans-serif';
    ctx.fillStyle = MATCH_STYLE;
    ctx.fillText('★', 28, y0 + ROW_H_PX / 2);
  }
  // Group by style: compacted, then entries (fill per term), then outlines, then text.
  for (const cell of cells) {
    const r = cellRect(row, cell.index - view.first);
    if (cell.flags & CELL.COMPACTED) {
      ctx.fillStyle = COMPACTED_FILL; ctx.fillRect(r.x, r.y, r.w + 2, r.h);
    } else if (!(cell.flags & CELL.PRESENT)) {
      ctx.strokeStyle = GRID; ctx.lineWidth = 1; ctx.strokeRect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1);
    }
  }
  for (const cell of cells) {
    if (!(cell.flags & CELL.PRESENT)) continue;
    const r = cellRect(row, cell.index - view.first);
    const committed = cell.index <= n.commitIndex;
    ctx.globalAlpha = committed ? 1 : 0.4;
    ctx.fillStyle = termColor(cell.term);
    ctx.fillRect(r.x, r.y, r.w, r.h);
    ctx.globalAlpha = 1;
    if (!committed) {
      ctx.strokeStyle = INK; ctx.lineWidth = 1.2; ctx.setLineDash([3, 2]);
      ctx.strokeRect(r.x + 0.6, r.y + 0.6, r.w - 1.2, r.h - 1.2);
      ctx.setLineDash([]);
    }
    ctx.fillStyle = committed ? termText(cell.term) : INK;
    ctx.font = '700 12px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.fillText(String(cell.term), r.x + r.w / 2, r.y + r.h / 2 - 4);
    ctx.font = '9px system-ui, sans-serif';
    ctx.fillText(kindMark(cell.flags), r.x + r.w / 2, r.y + r.h - 7);
    if (cell.flags & CELL.DUPLICATE) {
      ctx.fillStyle = DANGER;
      ctx.beginPath(); ctx.arc(r.x + r.w - 4, r.y + 4, 3.5, 0, Math.PI * 2); ctx.fill();
    }
  }
  drawSnapshotBoundary(ctx, view, n, row);
  drawIndexMarker(ctx, view, row, n.commitIndex, OK, 4);
  if (n.lastApplied !== n.commitIndex) drawIndexMarker(ctx, view, row, n.lastApplied, INK, 2);
  const p = view.progress.find((x) => x.id === n.id);
  if (p && n.id !== view.leader) drawProgress(ctx, view, row, p);
  const sel = view.selected;
  if (sel && sel.server === n.id && sel.index >= view.first && sel.index < view.first + view.visible) {
    const r = cellRect(row, sel.index - view.first);
    ctx.strokeStyle = SELECT_STYLE; ctx.lineWidth = 2.5;
    ctx.strokeRect(r.x - 1, r.y - 1, r.w + 2, r.h + 2);
  }
}

function kindMark(flags) {
  if (flags & CELL.NOOP) return '∅';
  if (flags & CELL.CONFIG) return '⚙';
  if (flags & CELL.SESSION) return 's';
  return '•';
}

function drawSnapshotBoundary(ctx, view, n, row) {
  if (n.snapshotIndex < view.first || n.snapshotIndex >= view.first + view.visible) return;
  const r = cellRect(row, n.snapshotIndex - view.first);
  ctx.fillStyle = MUTED;
  ctx.fillRect(r.x + r.w, r.y - 2, 3, r.h + 4);
  ctx.font = '9px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.fillText(view.labels.snap, r.x + r.w - 2, r.y + r.h / 2);
}

/** A vertical bar on the right edge of the cell at `index` (commit: green, applied: ink). */
function drawIndexMarker(ctx, view, row, index, color, w) {
  if (index < view.first || index >= view.first + view.visible) return;
  const r = cellRect(row, index - view.first);
  ctx.fillStyle = color;
  ctx.fillRect(r.x + r.w - w / 2 + 1, r.y - 3, w, r.h + 6);
}

function drawProgress(ctx, view, row, p) {
  const y = cellRect(row, 0).y + ROW_H_PX + 7;
  ctx.font = '700 10px system-ui, sans-serif';
  ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
  if (p.nextIndex >= view.first && p.nextIndex < view.first + view.visible) {
    const r = cellRect(row, p.nextIndex - view.first);
    const x = r.x + r.w / 2;
    ctx.fillStyle = MATCH_STYLE;
    ctx.beginPath(); ctx.moveTo(x, y - 6); ctx.lineTo(x + 5, y + 2); ctx.lineTo(x - 5, y + 2); ctx.closePath(); ctx.fill();
    ctx.fillText(view.labels.next, x + 10, y);
  }
  if (p.matchIndex >= view.first && p.matchIndex < view.first + view.visible) {
    const r = cellRect(row, p.matchIndex - view.first);
    const x = r.x + r.w / 2;
    ctx.fillStyle = PAPER; ctx.strokeStyle = MATCH_STYLE; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.arc(x, y, 4, 0, Math.PI * 2); ctx.fill(); ctx.stroke();
    ctx.fillStyle = MATCH_STYLE;
    ctx.fillText(view.labels.match, x - 10, y);
  }
}

export { CELL_W_PX, LABEL_W_PX };
