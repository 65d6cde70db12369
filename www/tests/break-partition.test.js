// Geometry of partition groups and of dragging one server between them (www/break/geometry.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  convexHull, dropTarget, fullGroups, groupIndexOf, hullDistance, moveToGroup, partitionFromBlocked, regroup,
} from '../break/geometry.js';

/** Both directions of every link between different groups. */
const cross = (groups) => groups.flatMap((g) => groups.filter((h) => h !== g).flatMap((h) => g.flatMap((a) => h.map((b) => ({ from: a, to: b })))));

test('full groups add the servers in no group as one more group', () => {
  assert.deepEqual(fullGroups([], [1, 2, 3]), [[1, 2, 3]], 'no partition: one group of all');
  assert.deepEqual(fullGroups([[3, 1]], [1, 2, 3, 4]), [[1, 3], [2, 4]]);
  assert.deepEqual(fullGroups([[1], [2, 3]], [1, 2, 3]), [[1], [2, 3]], 'every server placed: no extra group');
  assert.deepEqual(fullGroups([[1, 9], [1, 2]], [1, 2, 3]), [[1], [2], [3]], 'unknown ids and repeats are left out');
});

test('the partition is read back from the blocked links', () => {
  const ids = [1, 2, 3, 4, 5];
  assert.deepEqual(partitionFromBlocked(ids, []), [ids], 'nothing blocked: one group');
  assert.deepEqual(partitionFromBlocked(ids, cross([[2, 5], [1, 3, 4]])), [[1, 3, 4], [2, 5]]);
  assert.deepEqual(partitionFromBlocked(ids, cross([[1], [2], [3, 4, 5]])), [[1], [2], [3, 4, 5]]);
  // A cut inside a group does not split it while the group's servers still meet through others.
  const inside = [...cross([[1, 2, 3], [4, 5]]), { from: 1, to: 2 }, { from: 2, to: 1 }];
  assert.deepEqual(partitionFromBlocked(ids, inside), [[1, 2, 3], [4, 5]]);
  // One-way cuts alone are no partition: the servers still form one group.
  assert.deepEqual(partitionFromBlocked(ids, [{ from: 1, to: 2 }]), [ids]);
  // Cut off one way from everyone: not a partition at all.
  assert.equal(partitionFromBlocked([1, 2, 3], [{ from: 1, to: 2 }, { from: 1, to: 3 }]), null);
});

test('convex hull and the distance to it', () => {
  const square = [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }, { x: 0, y: 10 }, { x: 5, y: 5 }];
  const hull = convexHull(square);
  assert.equal(hull.length, 4, 'the inner point is not on the hull');
  assert.deepEqual(new Set(hull.map((p) => `${p.x},${p.y}`)), new Set(['0,0', '10,0', '10,10', '0,10']));
  assert.equal(hullDistance(square, 5, 5), 0, 'inside');
  assert.equal(hullDistance(square, 13, 5), 3, 'beside an edge');
  assert.equal(hullDistance(square, 13, 14), 5, 'beyond a corner');
  assert.equal(hullDistance([{ x: 0, y: 0 }, { x: 10, y: 0 }], 5, 4), 4, 'two points: a segment');
  assert.equal(hullDistance([{ x: 1, y: 1 }, { x: 1, y: 1 }], 4, 5), 5, 'one point, repeated');
  assert.equal(hullDistance([], 0, 0), Infinity);
});

// Five servers on a ring of radius 100 around (200, 200), S1 at the top, clockwise.
const ids = [1, 2, 3, 4, 5];
const ring = Object.fromEntries(ids.map((id, i) => {
  const a = -Math.PI / 2 + (2 * Math.PI * i) / 5;
  return [id, { x: 200 + 100 * Math.cos(a), y: 200 + 100 * Math.sin(a) }];
}));
const pointOf = (id) => ring[id];

test('a dragged server drops into the group whose area holds the point, else into a new group', () => {
  const full = [[1, 2], [3, 4, 5]];
  const mid = (a, b) => ({ x: (ring[a].x + ring[b].x) / 2, y: (ring[a].y + ring[b].y) / 2 });
  let p = mid(1, 2);
  assert.equal(dropTarget(full, 4, pointOf, p.x, p.y, 30), 0, 'between S1 and S2: their group');
  p = mid(3, 5);
  assert.equal(dropTarget(full, 1, pointOf, p.x, p.y, 30), 1, 'inside the hull of S3, S4, S5');
  assert.equal(dropTarget(full, 4, pointOf, ring[2].x + 25, ring[2].y, 30), 0, 'near S2, within reach');
  assert.equal(dropTarget(full, 4, pointOf, 390, 390, 30), -1, 'far from every group: a new group');
  // The dragged server's own position does not count: S3 alone in {3} has no area without S3.
  assert.equal(dropTarget([[1, 2, 4, 5], [3]], 3, pointOf, ring[3].x, ring[3].y, 10), -1);
  // Overlapping areas (S2 is 69 px from the line S1–S3, the reach is 80): the nearer area wins.
  const split = [[1, 3], [2], [4, 5]];
  assert.equal(dropTarget(split, 4, pointOf, ring[2].x, ring[2].y, 80), 1, 'on S2');
  p = mid(1, 3);
  assert.equal(dropTarget(split, 4, pointOf, p.x, p.y, 80), 0, 'on the line S1–S3');
});

test('moving a server between groups; one group left is no partition', () => {
  const full = [[1, 2], [3, 4, 5]];
  assert.deepEqual(moveToGroup(full, 3, 0), [[1, 2, 3], [4, 5]]);
  assert.deepEqual(moveToGroup(full, 4, -1), [[1, 2], [3, 5], [4]], 'a new group of its own');
  assert.deepEqual(moveToGroup([[1], [2, 3]], 1, 1), [[1, 2, 3]], 'the emptied group vanishes');
  assert.equal(groupIndexOf(full, 4), 1);
  assert.equal(groupIndexOf(full, 9), -1);
  // The lasso works on the same full groups.
  assert.deepEqual(regroup(fullGroups([], ids), [2, 3]), [[1, 4, 5], [2, 3]]);
});
