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

// ---- partition groups and dragging a server between them ----

/** A press on a server becomes a drag once the pointer has moved this far (CSS px). */
export const DRAG_START_PX = 8;

const byNumber = (x, y) => x - y;

/**
 * Every server's group: `groups` (ids not in `ids` left out) plus, when some servers are in
 * none, one more group of those (the facade's rule). No partition is one group of all.
 */
export function fullGroups(groups, ids) {
  const listed = new Set();
  const out = [];
  for (const g of groups) {
    const kept = g.filter((id) => ids.includes(id) && !listed.has(id));
    kept.forEach((id) => listed.add(id));
    if (kept.length > 0) out.push(kept.sort(byNumber));
  }
  const rest = ids.filter((id) => !listed.has(id)).sort(byNumber);
  return rest.length > 0 ? [...out, rest] : out;
}

/**
 * The partition the blocked links show: servers joined by links open both ways share a group,
 * and the grouping counts only when every link between two groups is cut both ways (cuts inside
 * a group are allowed). Groups are ordered by their smallest id; null when the cuts are not a
 * partition (one-way cuts, say). `blocked` is [{ from, to }, …].
 */
export function partitionFromBlocked(ids, blocked) {
  const cut = new Set(blocked.map((l) => `${l.from}>${l.to}`));
  const open = (a, b) => !cut.has(`${a}>${b}`) && !cut.has(`${b}>${a}`);
  const parent = new Map(ids.map((id) => [id, id]));
  const root = (id) => { while (parent.get(id) !== id) id = parent.get(id); return id; };
  for (const a of ids) for (const b of ids) if (a < b && open(a, b)) parent.set(root(a), root(b));
  const byRoot = new Map();
  for (const id of ids) byRoot.set(root(id), [...(byRoot.get(root(id)) ?? []), id]);
  const groups = [...byRoot.values()].map((g) => g.sort(byNumber)).sort((g, h) => g[0] - h[0]);
  for (const g of groups) {
    for (const a of g) {
      for (const b of ids) {
        if (!g.includes(b) && (!cut.has(`${a}>${b}`) || !cut.has(`${b}>${a}`))) return null;
      }
    }
  }
  return groups;
}

/** The convex hull of `pts` ([{x, y}, …]), counter-clockwise, without repeated points. */
export function convexHull(pts) {
  const sorted = [...pts].sort((a, b) => a.x - b.x || a.y - b.y)
    .filter((p, i, all) => i === 0 || p.x !== all[i - 1].x || p.y !== all[i - 1].y);
  if (sorted.length < 3) return sorted;
  const cross = (o, a, b) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const half = (list) => {
    const out = [];
    for (const p of list) {
      while (out.length >= 2 && cross(out[out.length - 2], out[out.length - 1], p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  return [...half(sorted), ...half([...sorted].reverse())];
}

/** Distance from (x, y) to the convex hull of `pts`: 0 inside, Infinity for no points. */
export function hullDistance(pts, x, y) {
  const hull = convexHull(pts);
  if (hull.length === 0) return Infinity;
  if (hull.length === 1) return Math.hypot(hull[0].x - x, hull[0].y - y);
  if (hull.length >= 3 && pointInPolygon(hull, x, y)) return 0;
  let best = Infinity;
  for (let i = 0; i < hull.length; i++) {
    best = Math.min(best, segmentDistance(hull[i], hull[(i + 1) % hull.length], x, y).distance);
  }
  return best;
}

/**
 * Where server `dragged`, dropped at (x, y), goes: the index in `full` (see fullGroups) of the
 * group whose area (its servers' hull, widened by `reach`) holds the point, nearest first, ties
 * going to the group with the nearest server; -1 outside every group (a new group of its own).
 * The dragged server itself does not count towards any area. `pointOf(id)` gives a centre.
 */
export function dropTarget(full, dragged, pointOf, x, y, reach) {
  let best = -1;
  let bestScore = null;
  full.forEach((g, k) => {
    const pts = g.filter((id) => id !== dragged).map(pointOf).filter(Boolean);
    const d = hullDistance(pts, x, y);
    if (d > reach) return;
    const near = Math.min(...pts.map((p) => Math.hypot(p.x - x, p.y - y)));
    if (bestScore === null || d < bestScore.d || (d === bestScore.d && near < bestScore.near)) {
      best = k;
      bestScore = { d, near };
    }
  });
  return best;
}

/**
 * The groups after moving `id` into group `target` of `full` (-1: into a new group of its own);
 * empty groups vanish. One group left means no partition.
 */
export function moveToGroup(full, id, target) {
  const moved = full.map((g, k) => {
    const rest = g.filter((x) => x !== id);
    return k === target ? [...rest, id].sort(byNumber) : rest;
  });
  if (target < 0 || target >= full.length) moved.push([id]);
  return moved.filter((g) => g.length > 0);
}

/** Index in `full` of the group holding `id`, or -1. */
export function groupIndexOf(full, id) {
  return full.findIndex((g) => g.includes(id));
}
