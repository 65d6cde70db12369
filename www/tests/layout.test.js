import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitRing, hitPoint, nodeRadiusFor, NODE_RADIUS_MIN_PX, NODE_RADIUS_PX, RING_MARGIN_PX, timerFraction, unitRing } from '../layout/ring.js';
import { flightFraction, HELD_FRACTION, LANE_OFFSET_PX, messagePosition } from '../layout/messages.js';
import { cellAt, cellRect, panelHeight, visibleCells, windowStart } from '../layout/logs.js';
import { timelineSpan, timeToX, xToTime } from '../layout/timeline.js';

const close = (a, b, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);

test('the ring fits the smaller side of the canvas, leaving room for the nodes', () => {
  const ring = fitRing([0, -1, 1, 0], 400, 300);
  assert.equal(ring.radius, 150 - NODE_RADIUS_PX - RING_MARGIN_PX);
  assert.deepEqual(ring.points[0], { x: 200, y: 150 - ring.radius });
  assert.deepEqual(ring.points[1], { x: 200 + ring.radius, y: 150 });
});

test('a canvas too small for the nodes gives a zero radius, not a negative one', () => {
  const ring = fitRing([0, -1], 20, 20);
  assert.equal(ring.radius, 0);
  assert.deepEqual(ring.points, [{ x: 10, y: 10 }]);
});

test('the unit ring starts at the top and goes clockwise', () => {
  const u = unitRing(4);
  close(u[0], 0); close(u[1], -1); close(u[2], 1); close(u[3], 0);
});

test('nodes shrink on phones and in big clusters, but not below the minimum', () => {
  assert.equal(nodeRadiusFor(1200, 800, 5), NODE_RADIUS_PX);
  assert.ok(nodeRadiusFor(300, 280, 5) < NODE_RADIUS_PX);
  assert.equal(nodeRadiusFor(200, 200, 25), NODE_RADIUS_MIN_PX);
});

test('hits find the nearest point within reach', () => {
  const pts = [{ x: 0, y: 0 }, { x: 10, y: 0 }];
  assert.equal(hitPoint(pts, 8, 0, 5), 1);
  assert.equal(hitPoint(pts, 50, 50, 5), -1);
});

test('the election timer fraction runs from 0 to 1 and is clamped', () => {
  assert.equal(timerFraction(100, 100, 300), 0);
  assert.equal(timerFraction(200, 100, 300), 0.5);
  assert.equal(timerFraction(900, 100, 300), 1);
  assert.equal(timerFraction(50, null, null), 0);
});

test('a message leaves the sender’s edge and reaches the recipient’s edge, in its own lane', () => {
  const a = { x: 0, y: 0 };
  const b = { x: 100, y: 0 };
  const start = messagePosition(a, b, 0, 10);
  const end = messagePosition(a, b, 1, 10);
  assert.deepEqual(start, { x: 10, y: LANE_OFFSET_PX });
  assert.deepEqual(end, { x: 90, y: LANE_OFFSET_PX });
  const reply = messagePosition(b, a, 0.5, 10);
  assert.equal(reply.y, -LANE_OFFSET_PX, 'the reply flies on the other side');
});

test('flight fraction follows virtual time; a held message waits near its recipient', () => {
  const m = { sentMs: 100, deliverMs: 110 };
  assert.equal(flightFraction(m, 100), 0);
  assert.equal(flightFraction(m, 105), 0.5);
  assert.equal(flightFraction(m, 200), 1);
  assert.equal(flightFraction({ sentMs: 100, deliverMs: null }, 500), HELD_FRACTION);
});

test('the log window follows the tail, or stays where the user scrolled', () => {
  assert.equal(windowStart({ follow: true, scrollFirst: 1, lastIndex: 5, visible: 20 }), 1);
  assert.equal(windowStart({ follow: true, scrollFirst: 1, lastIndex: 250, visible: 20 }), 232);
  assert.equal(windowStart({ follow: false, scrollFirst: 40, lastIndex: 250, visible: 20 }), 40);
  assert.equal(windowStart({ follow: false, scrollFirst: 999, lastIndex: 250, visible: 20 }), 250);
  assert.ok(visibleCells(1000) > 10, 'far more than RaftScope’s 10 slots on a desktop');
});

test('log cell geometry and hit testing agree', () => {
  const r = cellRect(2, 3);
  assert.deepEqual(cellAt(r.x + 1, r.y + 1, 5, 10), { row: 2, col: 3 });
  assert.equal(cellAt(r.x + 1, r.y + r.h + 2, 5, 10), null, 'the marker strip is not a cell');
  assert.equal(cellAt(1, r.y + 1, 5, 10), null, 'the label column is not a cell');
  assert.ok(panelHeight(5) > panelHeight(3));
});

test('timeline time and x are inverse', () => {
  const span = timelineSpan(5000);
  assert.ok(span >= 5000);
  close(xToTime(timeToX(1234, span, 800), span, 800), 1234, 1e-6);
  assert.equal(timelineSpan(0), 1000);
  assert.equal(xToTime(-50, span, 800), 0);
});
