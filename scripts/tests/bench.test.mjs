// The `npm run bench` orchestrator's pure parts: argument parsing, reading raft-compare's table,
// the Markdown table and its splice into BENCHMARKS.md.
import test from 'node:test';
import assert from 'node:assert/strict';
import { markdown, parseArgs, parseCompareTable, spliceTable } from '../../bench/run.mjs';

const COMPARE = `raftlab vs raft-rs 0.7: entries committed and applied on every server per second
| servers | batch | entries/run | raftlab | raft-rs | ratio | raftlab (CPU) | raft-rs (CPU) | ratio (CPU) |
|---|---|---|---|---|---|---|---|---|
| 3 | 1 | 200000 | 422k | 125k | 3.39x | 746k | 234k | 3.18x |
| 3 | 64 | 640000 | 1022k | 611k | 1.67x | 1786k | 1102k | 1.62x |
| 5 | 1 | 200000 | 201k | 56k | 3.56x | 379k | 129k | 2.94x |
| 5 | 64 | 640000 | 965k | 504k | 1.91x | 1184k | 654k | 1.81x |

every run (entries/s):
  3x1: raftlab wall [1 2] cpu [3 4]; raft-rs wall [5 6] cpu [7 8]`;

test('reads every case of the raft-compare table by column name', () => {
  const rows = parseCompareTable(COMPARE);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows[1], { servers: 3, batch: 64, ours: '1022k', theirs: '611k', ratio: 1.67, oursCpu: '1786k', theirsCpu: '1102k', cpuRatio: 1.62 });
  assert.equal(rows[3].cpuRatio, 1.81);
});

test('a table without the expected header yields no rows, a missing column is named', () => {
  assert.deepEqual(parseCompareTable('nothing here'), []);
  assert.throws(() => parseCompareTable('| servers | batch |\n| 3 | 1 |'), /no "raftlab" column/);
});

test('arguments: defaults, parts, runs, and a clear error for anything else', () => {
  assert.deepEqual(parseArgs([]), { parts: ['core', 'sim', 'criterion', 'browser'], runs: 3, write: false });
  assert.deepEqual(parseArgs(['--only', 'sim,browser', '--runs', '5', '--write']), { parts: ['sim', 'browser'], runs: 5, write: true });
  assert.throws(() => parseArgs(['--only', 'gpu']), /--only takes some of core,sim,criterion,browser/);
  assert.throws(() => parseArgs(['--runs', '0']), /unknown argument --runs/);
  assert.throws(() => parseArgs(['--fast']), /unknown argument --fast/);
});

test('the Markdown table marks met and missed goals and leaves reports unmarked', () => {
  const md = markdown([['Sim', [['a', '1', '≥ 2', false], ['b', '3', '≥ 2', true], ['c', '4', 'report', '']]]]);
  const lines = md.split('\n');
  assert.equal(lines[2], '| **Sim** | | | |');
  assert.equal(lines[3], '| ✗ | a | 1 | ≥ 2 |');
  assert.equal(lines[4], '| ✓ | b | 3 | ≥ 2 |');
  assert.equal(lines[5], '|  | c | 4 | report |');
});

test('the table goes between the markers of BENCHMARKS.md and nowhere else', () => {
  const doc = 'intro\n<!-- bench:table:start -->\nold\n<!-- bench:table:end -->\nafter';
  assert.equal(spliceTable(doc, 'new'), 'intro\n<!-- bench:table:start -->\nnew\n<!-- bench:table:end -->\nafter');
  assert.throws(() => spliceTable('no markers', 'x'), /lacks the/);
});
