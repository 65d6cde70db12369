import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitRing, NODE_RADIUS_PX, RING_MARGIN_PX } from '../layout/ring.js';

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
