// Pure geometry of messages in flight: where a message is at a given virtual time.

/** Where a held message waits, as a fraction of its flight (near the recipient). */
export const HELD_FRACTION = 0.85;
/** Sideways offset so a request and its reply on the same link do not overlap. */
export const LANE_OFFSET_PX = 6;

/** Fraction of the flight done at `nowMs` (0 at the sender, 1 at the recipient). */
export function flightFraction(msg, nowMs) {
  if (msg.deliverMs === null) return HELD_FRACTION;
  const span = msg.deliverMs - msg.sentMs;
  if (span <= 0) return 1;
  return Math.min(1, Math.max(0, (nowMs - msg.sentMs) / span));
}

/**
 * The point at fraction `f` of the flight from circle `a` to circle `b` (centers, both of radius
 * `r`): it leaves the sender's edge and arrives at the recipient's, shifted to its lane.
 */
export function messagePosition(a, b, f, r, lane = LANE_OFFSET_PX) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy);
  if (len === 0) return { x: a.x, y: a.y };
  const ux = dx / len;
  const uy = dy / len;
  const start = Math.min(r, len / 2);
  const travel = Math.max(0, len - 2 * start);
  const d = start + travel * f;
  // Lane: to the right of the direction of travel, so opposite directions use opposite sides.
  return { x: a.x + ux * d - uy * lane, y: a.y + uy * d + ux * lane };
}
