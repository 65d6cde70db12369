// Pure geometry of the timeline scrubber: virtual time ↔ x.

export const TIMELINE_PAD_PX = 8;

/** The time span shown: from 0 to a bit past the horizon (at least 1 s). */
export function timelineSpan(horizonMs) {
  return Math.max(1000, Math.ceil(horizonMs * 1.02));
}

export function timeToX(t, spanMs, width, pad = TIMELINE_PAD_PX) {
  return pad + (Math.max(0, Math.min(t, spanMs)) / spanMs) * (width - 2 * pad);
}

export function xToTime(x, spanMs, width, pad = TIMELINE_PAD_PX) {
  const inner = Math.max(1, width - 2 * pad);
  return Math.max(0, Math.min(spanMs, ((x - pad) / inner) * spanMs));
}
