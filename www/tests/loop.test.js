import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clampSpeed, MAX_GAP_MS, sliderFromSpeed, speedFromSlider, startLoop, virtualStep } from '../loop.js';
import { parseParams } from '../params.js';
import { commandFor, isTyping } from '../controls/keyboard.js';

test('wall time × speed becomes whole virtual milliseconds, the fraction carried', () => {
  let carry = 0;
  let total = 0;
  for (let i = 0; i < 60; i++) {
    const s = virtualStep(16, 0.05, carry);
    total += s.whole; carry = s.carry;
  }
  assert.equal(total, 48);
  assert.deepEqual(virtualStep(MAX_GAP_MS + 1, 1, 0.5), { whole: 0, carry: 0.5 }, 'a long gap is ignored');
  assert.deepEqual(virtualStep(-5, 1, 0), { whole: 0, carry: 0 });
});

test('the speed slider is logarithmic from 0.01× to 100×', () => {
  assert.equal(speedFromSlider(-2), 0.01);
  assert.equal(speedFromSlider(0), 1);
  assert.equal(speedFromSlider(2), 100);
  assert.equal(speedFromSlider(9), 100);
  assert.equal(sliderFromSpeed(10), 1);
  assert.equal(clampSpeed(1000), 100);
  assert.equal(clampSpeed(0.0001), 0.01);
});

test('the loop advances only while playing and draws every frame', () => {
  const frames = [];
  const raf = (fn) => frames.push(fn);
  const ticks = [];
  let draws = 0;
  const loop = startLoop({ tick: (ms) => ticks.push(ms), draw: () => draws++, raf });
  loop.setSpeed(1);
  frames.shift()(0);
  frames.shift()(16);
  loop.pause();
  frames.shift()(32);
  loop.play();
  frames.shift()(48);
  assert.deepEqual(ticks, [16, 16]);
  assert.equal(draws, 4);
});

test('URL parameters: good values are used, bad ones become errors and defaults', () => {
  const ok = parseParams(new URLSearchParams('nodes=7&seed=42&speed=0.5&workload=1&prevote=0'));
  assert.deepEqual(ok.errors, []);
  assert.deepEqual(ok.values, { nodes: 7, seed: '42', speed: 0.5, workload: true, preVote: false, bugs: null });
  assert.deepEqual(parseParams(new URLSearchParams('bug=figure8,keepcommit')).values.bugs, { skipFigure8Rule: true, keepCommitAcrossCrash: true });
  assert.equal(parseParams(new URLSearchParams('bug=nonsense')).errors[0].key, 'error.param.bug');
  const bad = parseParams(new URLSearchParams('nodes=99&seed=abc&speed=1000&workload=maybe'));
  assert.deepEqual(bad.errors.map((e) => e.key), ['error.param.nodes', 'error.param.seed', 'error.param.speed', 'error.param.flag']);
  assert.equal(bad.values.nodes, 5);
  assert.equal(bad.values.seed, null);
  assert.equal(parseParams(new URLSearchParams('seed=99999999999999999999')).errors.length, 1, 'above 2^64');
});

test('keys map to commands; typing in a field is left alone', () => {
  assert.deepEqual(commandFor({ key: ' ' }), { name: 'togglePlay' });
  assert.deepEqual(commandFor({ key: '3' }), { name: 'select', id: 3 });
  assert.deepEqual(commandFor({ key: 'C' }), { name: 'crash' });
  assert.equal(commandFor({ key: 'c', ctrlKey: true }), null);
  assert.equal(commandFor({ key: 'q' }), null);
  assert.equal(isTyping({ tagName: 'INPUT', type: 'text' }), true);
  assert.equal(isTyping({ tagName: 'INPUT', type: 'checkbox' }), false);
  assert.equal(isTyping({ tagName: 'CANVAS' }), false);
});
