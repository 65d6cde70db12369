import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arrowHead, linkState, pickLink, pointInPolygon, regroup, segmentDistance, serversInLasso } from '../break/geometry.js';

const square = [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }, { x: 0, y: 10 }];

test('point in polygon: inside, outside, and a concave lasso', () => {
  assert.equal(pointInPolygon(square, 5, 5), true);
  assert.equal(pointInPolygon(square, 15, 5), false);
  const u = [{ x: 0, y: 0 }, { x: 30, y: 0 }, { x: 30, y: 30 }, { x: 20, y: 30 }, { x: 20, y: 10 }, { x: 10, y: 10 }, { x: 10, y: 30 }, { x: 0, y: 30 }];
  assert.equal(pointInPolygon(u, 15, 20), false, 'the notch of the U is outside');
  assert.equal(pointInPolygon(u, 5, 20), true);
});

test('lasso picks the servers whose centres it encloses', () => {
  const points = [{ x: 5, y: 5 }, { x: 50, y: 50 }, { x: 8, y: 2 }];
  assert.deepEqual(serversInLasso(square, points, [1, 2, 3]), [1, 3]);
  assert.deepEqual(serversInLasso(square.slice(0, 2), points, [1, 2, 3]), [], 'two points are no lasso');
});

test('segment distance and link picking ignore the server circles', () => {
  assert.deepEqual(segmentDistance({ x: 0, y: 0 }, { x: 10, y: 0 }, 5, 3), { distance: 3, f: 0.5 });
  const points = [{ x: 0, y: 0 }, { x: 200, y: 0 }, { x: 100, y: 150 }];
  assert.deepEqual(pickLink(points, [3, 1, 2], 100, 4, 20), { a: 1, b: 3 }, 'ids ordered');
  assert.equal(pickLink(points, [3, 1, 2], 100, 40, 20), null, 'too far from any line');
  assert.equal(pickLink(points, [3, 1, 2], 12, 0, 20), null, 'inside a server circle is not a link');
  assert.deepEqual(pickLink(points, [1, 2, 3], 150, 76, 20), { a: 2, b: 3 });
});

test('link state and partition regrouping', () => {
  assert.equal(linkState([], 1, 2), 'none');
  assert.equal(linkState([{ from: 1, to: 2 }], 1, 2), 'a>b');
  assert.equal(linkState([{ from: 2, to: 1 }], 1, 2), 'b>a');
  assert.equal(linkState([{ from: 1, to: 2 }, { from: 2, to: 1 }], 1, 2), 'both');
  assert.deepEqual(regroup([], [3, 1]), [[1, 3]]);
  assert.deepEqual(regroup([[1, 3]], [3, 4]), [[1], [3, 4]]);
  const h = arrowHead({ x: 0, y: 0 }, { x: 10, y: 0 }, 4);
  assert.deepEqual(h[0], { x: 10, y: 0 });
  assert.ok(h[1].x < 10 && h[2].x < 10 && h[1].y === -h[2].y);
});
