// Pure geometry of the "break it" tools: lasso hit-testing, link picking and arrowheads.
// No DOM, no drawing; unit-tested in node (www/tests/break-geometry.test.js).

/** A link is picked when the pointer is this close to its line (CSS px). */
export const LINK_PICK_PX = 10;
/** Lasso strokes shorter than this many points are treated as a click, not a lasso. */
export const LASSO_MIN_POINTS = 5;

/** Whether (x, y) lies inside the polygon `poly` ([{x, y}, …], implicitly closed); even-odd rule. */
export function pointInPolygon(poly, x, y) {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i];
    const b = poly[j];
    if ((a.y > y) !== (b.y > y) && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

/** Ids of the servers whose centre is inside the lasso. `points[i]` is the centre of `ids[i]`. */
export function serversInLasso(lasso, points, ids) {
  if (lasso.length < 3) return [];
  return ids.filter((_, i) => pointInPolygon(lasso, points[i].x, points[i].y));
}

/** Distance from (x, y) to the segment a–b, and where along it (0..1) the nearest point lies. */
export function segmentDistance(a, b, x, y) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const f = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((x - a.x) * dx + (y - a.y) * dy) / len2));
  return { distance: Math.hypot(a.x + f * dx - x, a.y + f * dy - y), f };
}

/**
 * The link (unordered pair of server ids, `{ a, b }` with a < b) nearest to (x, y) within
 * `pickPx`, ignoring the parts inside the server circles (radius `r`); null when none.
 */
export function pickLink(points, ids, x, y, r, pickPx = LINK_PICK_PX) {
  let best = null;
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const { distance, f } = segmentDistance(points[i], points[j], x, y);
      const len = Math.hypot(points[j].x - points[i].x, points[j].y - points[i].y) || 1;
      const edge = (r + 4) / len;
      if (f <= edge || f >= 1 - edge || distance > pickPx) continue;
      if (!best || distance < best.distance) {
        const [a, b] = ids[i] < ids[j] ? [ids[i], ids[j]] : [ids[j], ids[i]];
        best = { a, b, distance };
      }
    }
  }
  return best ? { a: best.a, b: best.b } : null;
}

/** How a link is cut: 'none', 'both', or the one blocked direction as 'a>b' / 'b>a'. */
export function linkState(blocked, a, b) {
  const ab = blocked.some((l) => l.from === a && l.to === b);
  const ba = blocked.some((l) => l.from === b && l.to === a);
  if (ab && ba) return 'both';
  if (ab) return 'a>b';
  if (ba) return 'b>a';
  return 'none';
}

/** The three points of an arrowhead at `tip`, pointing from `from` to `tip`. */
export function arrowHead(from, tip, size = 9) {
  const len = Math.hypot(tip.x - from.x, tip.y - from.y) || 1;
  const ux = (tip.x - from.x) / len;
  const uy = (tip.y - from.y) / len;
  return [
    { x: tip.x, y: tip.y },
    { x: tip.x - ux * size - uy * size * 0.55, y: tip.y - uy * size + ux * size * 0.55 },
    { x: tip.x - ux * size + uy * size * 0.55, y: tip.y - uy * size - ux * size * 0.55 },
  ];
}

/** Partition groups after lassoing `picked`: they leave their old groups and form a new one. */
export function regroup(groups, picked) {
  const rest = groups.map((g) => g.filter((id) => !picked.includes(id))).filter((g) => g.length > 0);
  return picked.length > 0 ? [...rest, [...picked].sort((x, y) => x - y)] : rest;
}
