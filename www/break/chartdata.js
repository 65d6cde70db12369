// Pure extraction of chart series from what the facade records (commit-index changes, the
// space-time message records, timeline bands, the client history). No DOM; unit-tested in node
// (www/tests/break-chartdata.test.js). Output is uPlot's data layout: [xs, ys1, ys2, …].

/** Columns of a `Simulation.spacetime` row (layout in src/wasm/record.rs). */
export const ST = Object.freeze({ ID: 0, FROM: 1, TO: 2, KIND: 3, SENT: 4, END: 5, OUTCOME: 6, DUP: 7, STEP: 8 });

/** Decodes spacetime rows into objects. */
export function decodeSpacetime(rows, stride) {
  const out = [];
  for (let i = 0; i + stride <= rows.length; i += stride) {
    out.push({
      id: rows[i + ST.ID], from: rows[i + ST.FROM], to: rows[i + ST.TO], kind: rows[i + ST.KIND],
      sentMs: rows[i + ST.SENT], endMs: rows[i + ST.END] < 0 ? null : rows[i + ST.END],
      outcome: ['flight', 'delivered', 'dropped'][rows[i + ST.OUTCOME]] ?? 'flight',
      duplicate: rows[i + ST.DUP] === 1, step: rows[i + ST.STEP],
    });
  }
  return out;
}

/**
 * Commit index per server over time as step lines: `[times, s1, s2, …]` for `servers` (ids),
 * from `[time, server, commit]` rows, extended to `nowMs`.
 */
export function commitSeries(rows, servers, nowMs) {
  const times = [];
  const cols = servers.map(() => []);
  const current = new Map(servers.map((s) => [s, 0]));
  const push = (t) => {
    if (times.length > 0 && times[times.length - 1] === t) {
      servers.forEach((s, k) => { cols[k][cols[k].length - 1] = current.get(s); });
      return;
    }
    times.push(t);
    servers.forEach((s, k) => cols[k].push(current.get(s)));
  };
  push(0);
  for (let i = 0; i + 2 < rows.length; i += 3) {
    if (!current.has(rows[i + 1])) continue;
    current.set(rows[i + 1], rows[i + 2]);
    push(rows[i]);
  }
  if (nowMs > times[times.length - 1]) push(nowMs);
  return [times, ...cols];
}

/**
 * Messages sent per second, by group of kinds, in buckets of `bucketMs` up to `nowMs`:
 * `[bucketStarts, …one column per group]`. `groups` maps a group name to kind codes.
 */
export function messageRates(messages, groups, nowMs, bucketMs = 500) {
  const n = Math.max(1, Math.ceil((nowMs + 1) / bucketMs));
  const xs = Array.from({ length: n }, (_, i) => i * bucketMs);
  const names = Object.keys(groups);
  const cols = names.map(() => new Array(n).fill(0));
  const kindToGroup = new Map();
  names.forEach((name, g) => { for (const k of groups[name]) kindToGroup.set(k, g); });
  for (const m of messages) {
    if (m.duplicate) continue;
    const g = kindToGroup.get(m.kind);
    const b = Math.floor(m.sentMs / bucketMs);
    if (g === undefined || b < 0 || b >= n) continue;
    cols[g][b] += 1000 / bucketMs;
  }
  return [xs, ...cols];
}

/**
 * Time with and without a leader from timeline bands (`{ startMs, leader }`, in time order)
 * up to `horizonMs`: `{ withLeaderMs, withoutLeaderMs, series: [times, hasLeader 0/1] }`.
 */
export function availability(bands, horizonMs) {
  let withLeaderMs = 0;
  let withoutLeaderMs = 0;
  const times = [];
  const up = [];
  bands.forEach((b, i) => {
    const end = i + 1 < bands.length ? bands[i + 1].startMs : horizonMs;
    const span = Math.max(0, end - b.startMs);
    const has = b.leader !== null && b.leader !== undefined;
    if (has) withLeaderMs += span; else withoutLeaderMs += span;
    times.push(b.startMs); up.push(has ? 1 : 0);
  });
  if (times.length > 0 && horizonMs > times[times.length - 1]) { times.push(horizonMs); up.push(up[up.length - 1]); }
  return { withLeaderMs, withoutLeaderMs, series: [times, up] };
}

/** Client latency: `[completionTimes, latencyMs]` of the completed operations, in time order. */
export function clientLatency(history) {
  const done = history.filter((h) => h.completion).map((h) => [h.completion[0], h.completion[0] - h.call_ms]);
  done.sort((a, b) => a[0] - b[0]);
  return [done.map((d) => d[0]), done.map((d) => d[1])];
}

/** Elections started per bucket from timeline marks. */
export function electionCounts(marks, nowMs, bucketMs = 1000) {
  const n = Math.max(1, Math.ceil((nowMs + 1) / bucketMs));
  const xs = Array.from({ length: n }, (_, i) => i * bucketMs);
  const ys = new Array(n).fill(0);
  for (const m of marks) if (m.kind === 'election') { const b = Math.floor(m.timeMs / bucketMs); if (b < n) ys[b]++; }
  return [xs, ys];
}

/**
 * Client operations as bars: `[{ id, client, startMs, endMs|null, op, read, response, failed }]`
 * (`read`: a get) with the operations named in `cannotOrder` marked.
 */
export function historyBars(history, cannotOrder = []) {
  const bad = new Set(cannotOrder);
  return history.map((h) => ({
    id: h.id, client: h.client, startMs: h.call_ms, endMs: h.completion ? h.completion[0] : null,
    op: h.op, read: h.op.kind === 'get', response: h.completion ? h.completion[1] : null, failed: bad.has(h.id),
  }));
}
