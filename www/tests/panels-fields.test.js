// The message inspector's field values (www/render/panels.js): objects read with their keys
// sorted, whatever order the facade serialized them in.
import test from 'node:test';
import assert from 'node:assert/strict';
import { fieldText } from '../render/panels.js';

test('an object field shows its keys sorted at every level', () => {
  const reject = { reason: { kind: 'logTooShort', lastIndex: 4 }, hint: 3 };
  assert.equal(fieldText('reject', reject), '{"hint":3,"reason":{"kind":"logTooShort","lastIndex":4}}');
});

test('numeric keys come first as JavaScript orders them, arrays keep their order', () => {
  const config = { voters: [3, 1, 2], learners: [], 10: 'a', 2: 'b' };
  assert.equal(fieldText('configuration', config), '{"2":"b","10":"a","learners":[],"voters":[3,1,2]}');
});

test('plain values read as text and a missing one as a dash', () => {
  assert.equal(fieldText('granted', true), 'true');
  assert.equal(fieldText('matchIndex', 12), '12');
  assert.equal(fieldText('rejectReason', null), '—');
});
