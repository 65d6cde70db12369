// Pure geometry: where each server sits on the canvas. No drawing, no DOM.

export const NODE_RADIUS_PX = 28;
export const NODE_RADIUS_MIN_PX = 16;
export const RING_MARGIN_PX = 12;
/** Room kept around each node for its timer arc, vote dots and role label. */
export const NODE_HALO_PX = 22;

/** Unit-circle positions of `n` servers, first at the top, clockwise: `[x0, y0, x1, y1, …]`. */
export function unitRing(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    out.push(Math.sin(a), -Math.cos(a));
  }
  return out;
}

/** Node radius for a canvas: smaller on phones and for big clusters, never below the minimum. */
export function nodeRadiusFor(width, height, n) {
  const side = Math.min(width, height);
  const byRing = n > 1 ? (Math.PI * side * 0.36) / n : NODE_RADIUS_PX;
  return Math.max(NODE_RADIUS_MIN_PX, Math.min(NODE_RADIUS_PX, side / 11, byRing));
}

/**
 * Maps unit-circle positions `[x0, y0, x1, y1, …]` onto a canvas of `width` × `height` CSS
 * pixels, leaving room for the node circles. Returns `{ radius, points: [{x, y}, …] }`.
 */
export function fitRing(unitPositions, width, height, nodeRadius = NODE_RADIUS_PX) {
  const cx = width / 2;
  const cy = height / 2;
  const radius = Math.max(0, Math.min(width, height) / 2 - nodeRadius - RING_MARGIN_PX);
  const points = [];
  for (let i = 0; i + 1 < unitPositions.length; i += 2) {
    points.push({ x: cx + unitPositions[i] * radius, y: cy + unitPositions[i + 1] * radius });
  }
  return { radius, points };
}

/** Index of the point within `hitRadius` of (x, y), nearest first; -1 if none. */
export function hitPoint(points, x, y, hitRadius) {
  let best = -1;
  let bestD = hitRadius * hitRadius;
  points.forEach((p, i) => {
    const d = (p.x - x) ** 2 + (p.y - y) ** 2;
    if (d <= bestD) { best = i; bestD = d; }
  });
  return best;
}

/** How far an election timer has run: 0 just reset, 1 about to fire (clamped). */
export function timerFraction(nowMs, startMs, deadlineMs) {
  if (startMs === null || deadlineMs === null || deadlineMs <= startMs) return 0;
  return Math.min(1, Math.max(0, (nowMs - startMs) / (deadlineMs - startMs)));
}
