// Pure geometry of the log panel: one row per server, one cell per log index, following the
// tail unless the user scrolled away. No drawing.

export const CELL_W_PX = 30;
export const CELL_GAP_PX = 2;
export const LABEL_W_PX = 44;
export const HEADER_H_PX = 18;
export const ROW_H_PX = 30;
export const MARKER_H_PX = 14;

/** How many cells fit in `width` CSS pixels (at least 1). */
export function visibleCells(width, cellW = CELL_W_PX, labelW = LABEL_W_PX) {
  return Math.max(1, Math.floor((width - labelW - 4) / (cellW + CELL_GAP_PX)));
}

/**
 * First visible index. Following: the tail (`lastIndex`) stays in view with one spare cell.
 * Otherwise `scrollFirst`, clamped to 1..lastIndex.
 */
export function windowStart({ follow, scrollFirst, lastIndex, visible }) {
  const tailFirst = Math.max(1, lastIndex - visible + 2);
  if (follow) return tailFirst;
  return Math.min(Math.max(1, Math.round(scrollFirst)), Math.max(1, lastIndex));
}

/** Height of the panel for `rows` servers (each row leaves room for the leader's markers). */
export function panelHeight(rows) {
  return HEADER_H_PX + rows * (ROW_H_PX + MARKER_H_PX) + 4;
}

/** The rectangle of a cell. */
export function cellRect(row, col, cellW = CELL_W_PX) {
  return {
    x: LABEL_W_PX + col * (cellW + CELL_GAP_PX),
    y: HEADER_H_PX + row * (ROW_H_PX + MARKER_H_PX),
    w: cellW,
    h: ROW_H_PX,
  };
}

/** The (row, col) under a point, or null. */
export function cellAt(x, y, rows, visible, cellW = CELL_W_PX) {
  const col = Math.floor((x - LABEL_W_PX) / (cellW + CELL_GAP_PX));
  const row = Math.floor((y - HEADER_H_PX) / (ROW_H_PX + MARKER_H_PX));
  if (col < 0 || col >= visible || row < 0 || row >= rows) return null;
  const r = cellRect(row, col, cellW);
  if (y > r.y + r.h) return null;
  return { row, col };
}
