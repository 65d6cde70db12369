// Pure geometry: where each server sits on the canvas. No drawing, no DOM.

export const NODE_RADIUS_PX = 28;
export const RING_MARGIN_PX = 12;

/**
 * Maps unit-circle positions `[x0, y0, x1, y1, …]` (as returned by the wasm module) onto a
 * canvas of `width` × `height` CSS pixels, leaving room for the node circles.
 * Returns `{ radius, points: [{x, y}, …] }`.
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
