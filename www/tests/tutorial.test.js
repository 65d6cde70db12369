// Tutorial data: chapters are well-formed scenario files whose marks match the narration, and
// every English narration key has a Turkish twin with the same placeholders (and vice versa).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stops } from '../tutorial/player.js';

const WWW = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (p) => JSON.parse(readFileSync(path.join(WWW, p), 'utf8'));
const CHAPTERS = read('tutorial/chapters.json');
const TEXT = { en: read('tutorial/text/en.json'), tr: read('tutorial/text/tr.json') };
const scenario = (c) => JSON.parse(readFileSync(path.join(WWW, '..', 'scenarios', 'tutorial', c.scenario), 'utf8'));

function flatten(obj, prefix = '') {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === 'object' ? flatten(v, `${prefix}${k}.`) : [[`${prefix}${k}`, v]]));
}
const placeholders = (s) => [...s.matchAll(/\{([\w+-]+)\}/g)].map((m) => m[1]).sort();

test('every English narration key has a Turkish text and vice versa, with the same placeholders', () => {
  const en = Object.fromEntries(flatten(TEXT.en));
  const tr = Object.fromEntries(flatten(TEXT.tr));
  assert.deepEqual(Object.keys(tr).sort(), Object.keys(en).sort());
  for (const [k, v] of Object.entries(en)) {
    assert.ok(v.trim() && tr[k].trim(), `empty text for ${k}`);
    assert.deepEqual(placeholders(tr[k]), placeholders(v), `placeholders differ for ${k}`);
  }
});

test('there are ten chapters, numbered 1…10, each a scenario file in scenarios/tutorial', () => {
  assert.deepEqual(CHAPTERS.map((c) => c.n), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const files = readdirSync(path.join(WWW, '..', 'scenarios', 'tutorial')).filter((f) => f.endsWith('.json')).sort();
  assert.deepEqual(CHAPTERS.map((c) => c.scenario).sort(), files);
});

test('chapter files are well-formed: marks are narration stops, questions and learner steps have their texts', () => {
  for (const c of CHAPTERS) {
    const s = scenario(c);
    assert.ok(s.cluster && Array.isArray(s.steps), `chapter ${c.n}: cluster and steps`);
    assert.ok(s.steps[0].mark, `chapter ${c.n} starts with a mark`);
    const marks = stops(s).map((x) => x.mark);
    assert.equal(new Set(marks).size, marks.length, `chapter ${c.n}: marks are unique`);
    assert.ok(marks.length >= 4, `chapter ${c.n}: at least four stops`);
    for (const lang of ['en', 'tr']) {
      const ch = TEXT[lang].chapters[c.n];
      assert.ok(ch?.title, `chapter ${c.n} has a ${lang} title`);
      assert.deepEqual(Object.keys(ch.stops).sort(), [...marks].sort(), `chapter ${c.n} (${lang}): narration stops = marks`);
      for (const st of stops(s)) {
        if (st.steps.some((x) => x.note === 'learner')) assert.ok(ch.stops[st.mark].hint, `chapter ${c.n}/${st.mark} (${lang}) needs a hint`);
      }
      for (const [mark, q] of Object.entries(c.questions ?? {})) {
        assert.ok(marks.includes(mark), `chapter ${c.n}: question at unknown mark ${mark}`);
        const words = ch.stops[mark];
        assert.ok(words.question, `chapter ${c.n}/${mark} (${lang}): question text`);
        for (const id of q.choices) assert.ok(words.choices?.[id], `chapter ${c.n}/${mark} (${lang}): choice ${id}`);
        for (const id of [q.answer.yes, q.answer.no]) {
          assert.ok(q.choices.includes(id), `chapter ${c.n}/${mark}: answer ${id} is a choice`);
          assert.ok(words.reveal?.[id], `chapter ${c.n}/${mark} (${lang}): reveal for ${id}`);
        }
      }
    }
  }
});

test('chapter 6 switches the Figure 8 rule off and chapter 7 exercises retries', () => {
  assert.ok(scenario(CHAPTERS[5]).cluster.bugs.includes('skip_figure8_rule'));
  assert.ok(scenario(CHAPTERS[6]).cluster.workload.request_timeout_ms <= 50);
});

test('messages: deliveries of the chosen kinds since a mark, within bounds', async () => {
  const { holds, deliveredCounts } = await import('../tutorial/conditions.js');
  let delivered = new Map([['AppendEntries', 10], ['AppendAccepted', 9], ['InstallSnapshot', 0]]);
  const sim = { counters: () => ({ delivered }), steps: 1 };
  const ctx = { saved: {}, ops: {}, marks: { back: deliveredCounts(sim) } };
  const cond = { messages: { from_mark: 'back', kinds: ['install_snapshot'], at_least: 1 } };
  assert.equal(holds(cond, sim, ctx), false, 'no snapshot sent since the mark');
  delivered = new Map([['AppendEntries', 30], ['AppendAccepted', 25], ['InstallSnapshot', 2]]);
  assert.equal(holds(cond, sim, ctx), true);
  assert.equal(holds({ messages: { from_mark: 'back', kinds: ['requests'], at_most: 21 } }, sim, ctx), false, '20 appends + 2 snapshots = 22 requests');
  assert.equal(holds({ messages: { from_mark: 'back', kinds: ['requests'], at_most: 22 } }, sim, ctx), true);
  assert.equal(holds({ messages: { from_mark: 'back', kinds: ['responses'], at_least: 16, at_most: 16 } }, sim, ctx), true);
  assert.equal(holds({ messages: { from_mark: 'back', at_least: 39, at_most: 39 } }, sim, ctx), false, 'all kinds: 20 + 16 + 2 = 38');
  assert.equal(holds({ messages: { from_mark: 'never', at_least: 0 } }, sim, ctx), false, 'an unreached mark does not hold');
});

test('linearizable: the page asks the checker, and only again once the world moved', async () => {
  const { holds } = await import('../tutorial/conditions.js');
  let calls = 0;
  let verdict = 'linearizable';
  const sim = { steps: 5, checkLinearizability: () => { calls += 1; return { verdict }; } };
  const ctx = { saved: {}, ops: {}, marks: {} };
  assert.equal(holds({ linearizable: {} }, sim, ctx), true);
  verdict = 'not_linearizable';
  assert.equal(holds({ linearizable: {} }, sim, ctx), true, 'same step: the cached verdict');
  assert.equal(calls, 1);
  sim.steps = 6;
  assert.equal(holds({ linearizable: {} }, sim, ctx), false);
  verdict = 'inconclusive';
  sim.steps = 7;
  assert.equal(holds({ linearizable: {} }, sim, ctx), false, 'an inconclusive search is no pass');
});
