import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CELL, CELL_STRIDE, GLOBAL_LEN, MESSAGE_STRIDE, NODE_STRIDE, PROGRESS_STRIDE, STRIDES,
  checkContract, decodeBlocked, decodeCells, decodeGlobal, decodeMessages, decodeNodes, decodeProgress, maskIds, readFrame,
} from '../snapshot.js';

function nodeRow(overrides = {}) {
  const row = new Array(NODE_STRIDE).fill(0);
  for (const [i, v] of Object.entries(overrides)) row[i] = v;
  return row;
}

test('the contract check accepts the same layout and refuses another', () => {
  assert.doesNotThrow(() => checkContract(Uint32Array.from(STRIDES)));
  assert.throws(() => checkContract([GLOBAL_LEN, NODE_STRIDE + 1, MESSAGE_STRIDE, PROGRESS_STRIDE, CELL_STRIDE]), /layout mismatch/);
  assert.throws(() => checkContract(STRIDES, ['RequestVote']), /kind table/);
});

test('vote masks decode to server ids', () => {
  assert.deepEqual(maskIds(0), []);
  assert.deepEqual(maskIds(2 + 8 + 2 ** 25), [1, 3, 25]);
});

test('a node row decodes every documented column', () => {
  const buf = Float64Array.from([
    ...nodeRow({ 0: 2, 1: 0, 2: 2, 3: 7, 4: 2, 5: 0, 6: 10, 7: 9, 8: 12, 9: 7, 10: 4, 11: 1000, 12: 1180, 13: 4 + 8, 14: 2, 15: 1, 16: 3, 17: 1, 18: -1, 19: 5 }),
    ...nodeRow({ 0: 3, 1: 2, 2: 4, 3: 6, 11: -1, 12: -1, 18: -1 }),
  ]);
  const [a, b] = decodeNodes(buf);
  assert.deepEqual(a, {
    id: 2, status: 'running', role: 'candidate', term: 7, votedFor: 2, leader: null, commitIndex: 10, lastApplied: 9,
    lastIndex: 12, lastTerm: 7, snapshotIndex: 4, timerStartMs: 1000, timerDeadlineMs: 1180, votesGranted: [2, 3],
    votesDenied: [1], membership: 'learner', held: 3, incarnation: 1, heartbeatDeadlineMs: null, firstIndex: 5,
  });
  assert.equal(b.status, 'crashed');
  assert.equal(b.role, 'none');
  assert.equal(b.timerStartMs, null);
});

test('a buffer that is not whole rows is an error, not garbage', () => {
  assert.throws(() => decodeNodes(new Float64Array(NODE_STRIDE + 1)), /not rows of/);
  assert.throws(() => decodeGlobal(new Float64Array(3)), /global buffer/);
});

test('messages decode kind, hold, duplicate and outcome', () => {
  const buf = Float64Array.from([
    5, 9, 2, 1, 100, 112, 0, 3, 0, 0,
    6, 7, 1, 3, 101, -1, 3, 3, 4, -1,
  ]);
  const [rej, ae] = decodeMessages(buf);
  assert.equal(rej.kind, 'AppendRejected');
  assert.equal(rej.outcome, false);
  assert.equal(rej.deliverMs, 112);
  assert.equal(ae.kind, 'AppendEntries');
  assert.equal(ae.held, true);
  assert.equal(ae.duplicate, true);
  assert.equal(ae.deliverMs, null);
  assert.equal(ae.entries, 4);
  assert.equal(ae.outcome, null);
});

test('global values and progress decode by name', () => {
  const g = decodeGlobal(Float64Array.from([120, 40, 3, 2, 0, 500, 1, 77, 5, 8, 2, 4, 1, 9, 33, 1, 0, 88]));
  assert.equal(g.nowMs, 120);
  assert.equal(g.leader, 3);
  assert.equal(g.horizonMs, 500);
  assert.equal(g.workload, true);
  assert.equal(g.faults, false);
  assert.equal(g.lastMessageId, 88);
  assert.deepEqual(decodeProgress(Float64Array.from([2, 8, 7, 1, 1])), [{ id: 2, nextIndex: 8, matchIndex: 7, state: 'replicate', recentActive: true }]);
});

test('blocked links decode in pairs', () => {
  assert.deepEqual(decodeBlocked([3, 1]), [{ from: 3, to: 1 }]);
  assert.throws(() => decodeBlocked([1, 2, 3]), /not rows of 2/);
});

test('log cells come in one row per server', () => {
  const present = CELL.PRESENT | CELL.COMMAND;
  const buf = Float64Array.from([0, CELL.COMPACTED, 2, present, 2, present | CELL.DUPLICATE, 0, 0]);
  const rows = decodeCells(buf, 2, 10, 2);
  assert.deepEqual(rows[0], [{ index: 10, term: 0, flags: CELL.COMPACTED }, { index: 11, term: 2, flags: present }]);
  assert.equal(rows[1][0].flags & CELL.DUPLICATE, CELL.DUPLICATE);
  assert.throws(() => decodeCells(buf, 3, 10, 2), /log cells/);
});

test('readFrame reads fresh buffers from the handle every call', () => {
  let calls = 0;
  const sim = {
    frameGlobal: () => { calls++; return new Float64Array(GLOBAL_LEN); },
    frameNodes: () => new Float64Array(0),
    frameMessages: () => new Float64Array(0),
    frameProgress: () => new Float64Array(0),
    frameBlocked: () => new Uint32Array([1, 2, 2, 1]),
  };
  readFrame(sim);
  const f = readFrame(sim);
  assert.equal(calls, 2);
  assert.deepEqual(f.blocked, [{ from: 1, to: 2 }, { from: 2, to: 1 }]);
});
