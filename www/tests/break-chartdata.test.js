import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availability, clientLatency, commitSeries, decodeSpacetime, electionCounts, historyBars, messageRates } from '../break/chartdata.js';

test('spacetime rows decode (in flight, delivered, dropped)', () => {
  const rows = [1, 1, 2, 6, 10, 15, 1, 0, 3, 2, 2, 1, 8, 12, -1, 0, 0, 4, 3, 1, 3, 0, 12, 20, 2, 1, 5];
  const m = decodeSpacetime(rows, 9);
  assert.equal(m.length, 3);
  assert.deepEqual(m[0], { id: 1, from: 1, to: 2, kind: 6, sentMs: 10, endMs: 15, outcome: 'delivered', duplicate: false, step: 3 });
  assert.equal(m[1].endMs, null);
  assert.equal(m[1].outcome, 'flight');
  assert.equal(m[2].outcome, 'dropped');
  assert.equal(m[2].duplicate, true);
});

test('commit series are step lines per server, extended to now', () => {
  const rows = [100, 1, 1, 100, 2, 1, 150, 1, 2, 300, 3, 2];
  const [xs, s1, s2, s3] = commitSeries(rows, [1, 2, 3], 400);
  assert.deepEqual(xs, [0, 100, 150, 300, 400]);
  assert.deepEqual(s1, [0, 1, 2, 2, 2]);
  assert.deepEqual(s2, [0, 1, 1, 1, 1]);
  assert.deepEqual(s3, [0, 0, 0, 2, 2]);
  assert.deepEqual(commitSeries([50, 9, 4], [1], 60), [[0, 60], [0, 0]], 'unknown servers are ignored');
});

test('message rates count originals per bucket and group', () => {
  const msgs = [
    { kind: 6, sentMs: 10, duplicate: false }, { kind: 6, sentMs: 400, duplicate: false },
    { kind: 0, sentMs: 600, duplicate: false }, { kind: 6, sentMs: 20, duplicate: true },
  ];
  const [xs, hb, votes] = messageRates(msgs, { hb: [6], votes: [0, 2] }, 900, 500);
  assert.deepEqual(xs, [0, 500]);
  assert.deepEqual(hb, [4, 0]);
  assert.deepEqual(votes, [0, 2]);
});

test('availability, elections, latency and history bars', () => {
  const a = availability([{ startMs: 0, leader: null }, { startMs: 200, leader: 2 }, { startMs: 700, leader: null }], 1000);
  assert.equal(a.withLeaderMs, 500);
  assert.equal(a.withoutLeaderMs, 500);
  assert.deepEqual(a.series, [[0, 200, 700, 1000], [0, 1, 0, 0]]);
  assert.deepEqual(electionCounts([{ kind: 'election', timeMs: 150 }, { kind: 'crash', timeMs: 160 }, { kind: 'election', timeMs: 1200 }], 1500), [[0, 1000], [1, 1]]);
  const history = [
    { id: 1, client: 1, op: { kind: 'put', key: 'x', value: '1' }, call_ms: 100, completion: [140, { kind: 'ok' }] },
    { id: 2, client: 2, op: { kind: 'get', key: 'x' }, call_ms: 50, completion: [90, { kind: 'value', value: '1' }] },
    { id: 3, client: 1, op: { kind: 'get', key: 'x' }, call_ms: 200, completion: null },
  ];
  assert.deepEqual(clientLatency(history), [[90, 140], [40, 40]]);
  const bars = historyBars(history, [2]);
  assert.equal(bars[1].failed, true);
  assert.equal(bars[2].endMs, null);
  // Reads and writes are drawn in different colours.
  assert.deepEqual(bars.map((b) => b.read), [false, true, true]);
});
