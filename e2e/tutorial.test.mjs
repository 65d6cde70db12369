// Tutorials and sharing on the production build: every chapter walked to its end in English and
// Turkish with the chapter's expected outcome in the simulation; a learner step done through the
// real UI; exact Back; a shared URL reproducing the trace hash; damaged links refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openPage, serveStatic } from './harness.mjs';

const WAIT_MS = 30_000;
let server;
let browser;
before(async () => {
  server = await serveStatic(undefined, '/docs/raftlab/');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const tutState = (page) => page.evaluate(() => window.raftlabTutorial.state());
const hash = (page) => page.evaluate(() => window.raftlabShare.session().traceHash);

async function walkChapter(page, n, lang) {
  const chapters = await page.evaluate(() => window.raftlabTutorial.chapters());
  const { stops, questions } = chapters.find((c) => c.n === n);
  for (let i = 0; i < stops.length; i++) {
    const s = await tutState(page);
    assert.equal(s.chapter, n);
    assert.equal(s.stop, i);
    const text = await page.textContent('#tut-text');
    assert.ok(text.trim().length > 5, `chapter ${n} stop ${i} (${lang}) has narration`);
    assert.doesNotMatch(text, /\{\w+\}|undefined/, 'placeholders filled');
    if (questions.includes(s.mark)) {
      await page.click('#tut-question button[data-choice]');
      await page.waitForFunction(() => window.raftlabTutorial.state().done, null, { timeout: WAIT_MS });
      assert.ok((await page.textContent('#tut-reveal')).trim().length > 10, 'the answer is revealed');
    }
    await page.click('#tut-next');
    if (i < stops.length - 1) await page.waitForFunction((k) => window.raftlabTutorial.state().stop === k, i + 1, { timeout: WAIT_MS });
  }
}

for (const lang of ['en', 'tr']) {
  test(`every chapter can be walked to its end in ${lang}, with its expected outcome`, async () => {
    const { page, problems } = await openPage(browser.context, `${server.url}?tutorial=1&step=1&lang=${lang}`);
    await page.waitForFunction(() => window.raftlabTutorial?.state() !== null, null, { timeout: WAIT_MS });
    for (let n = 1; n <= 10; n++) {
      if (n > 1) await page.waitForFunction((k) => window.raftlabTutorial.state()?.chapter === k, n, { timeout: WAIT_MS });
      const title = await page.textContent('#tut-title');
      assert.match(title, lang === 'tr' ? new RegExp(`^Bölüm ${n}:`) : new RegExp(`^Chapter ${n}:`));
      await walkChapter(page, n, lang);
      if (n === 10) {
        // The last Next of the last chapter has nowhere to go: the final stop stays.
        await page.evaluate(() => window.raftlabTutorial.state());
      }
    }
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('each chapter ends with its expected simulation outcome', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?tutorial=1&step=1`);
  await page.waitForFunction(() => window.raftlabTutorial?.state() !== null, null, { timeout: WAIT_MS });
  for (let n = 1; n <= 10; n++) {
    const stops = await page.evaluate((k) => window.raftlabTutorial.chapters().find((c) => c.n === k).stops.length, n);
    await page.evaluate(([k, last]) => window.raftlabTutorial.open(k, last), [n, stops - 1]);
    await page.evaluate(() => window.raftlabTutorial.finish());
    const checks = await page.evaluate(() => window.raftlabTutorial.check());
    for (const c of checks) assert.ok(c.ok, `chapter ${n}: ${JSON.stringify(c.cond)}`);
  }
  const feed = await page.textContent('#feed');
  assert.ok(feed.length > 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a learner step done through the real UI: crash the leader from its menu (chapter 1)', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?tutorial=1&step=4`);
  await page.waitForFunction(() => window.raftlabTutorial.state()?.waiting === 'learner', null, { timeout: WAIT_MS });
  assert.match(await page.textContent('#tut-status'), /Your turn/);
  const leader = (await tutState(page)).saved.L;
  const p = await page.evaluate((id) => window.raftlab.serverPoint(id), leader);
  await page.mouse.click(p.x, p.y);
  await page.click('#server-menu button[data-action="crash"]');
  await page.waitForFunction(() => window.raftlabTutorial.state().done, null, { timeout: WAIT_MS });
  const g = await page.evaluate(() => window.raftlab.frame().global);
  assert.ok(g.leader !== null && g.leader !== leader, 'a new leader took over');
  assert.deepEqual(problems, []);
  await page.close();
});

test('Back restores the exact state at the start of the previous step', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?tutorial=5&step=1`);
  const entry = () => page.evaluate(() => window.raftlabTutorial.entry());
  await page.click('#tut-next');
  await page.waitForFunction(() => window.raftlabTutorial.state().stop === 1, null, { timeout: WAIT_MS });
  const first = await entry();
  await page.waitForFunction(() => window.raftlabTutorial.state().done, null, { timeout: WAIT_MS });
  await page.click('#tut-next');
  await page.waitForFunction(() => window.raftlabTutorial.state().stop === 2, null, { timeout: WAIT_MS });
  assert.notEqual((await entry()).hash, first.hash);
  await page.click('#tut-back');
  await page.waitForFunction(() => window.raftlabTutorial.state().stop === 1, null, { timeout: WAIT_MS });
  assert.deepEqual(await entry(), first, 'same step count, time and trace hash as the first visit');
  // Forward again: the stop replays to the same end as before.
  await page.waitForFunction(() => window.raftlabTutorial.state().done, null, { timeout: WAIT_MS });
  await page.click('#tut-next');
  await page.waitForFunction(() => window.raftlabTutorial.state().stop === 2, null, { timeout: WAIT_MS });
  // The deep link to step 3 reaches the same moment without anyone walking there.
  const { page: linked } = await openPage(browser.context, `${server.url}?tutorial=5&step=3`);
  await linked.waitForFunction(() => window.raftlabTutorial?.entry() !== null, null, { timeout: WAIT_MS });
  assert.equal((await linked.evaluate(() => window.raftlabTutorial.entry())).hash, (await entry()).hash);
  assert.deepEqual(problems, []);
  await linked.close();
  await page.close();
});

test('Back across stops that logged commands (a partition, a write) replays them exactly', async () => {
  // Chapter 8: stop 2 isolates the leader (a learner step, done by the deep link's
  // fast-forward), stop 3 writes on the majority side; Back from stop 5 to stop 4 rebuilds the
  // run with both commands.
  const { page, problems } = await openPage(browser.context, `${server.url}?tutorial=8&step=3`);
  const entry = () => page.evaluate(() => window.raftlabTutorial.entry());
  const commandMarks = () => page.evaluate(() => window.raftlab.timeline().marks.filter((m) => m.kind === 'command').length);
  await page.waitForFunction(() => window.raftlabTutorial?.state()?.stop === 2, null, { timeout: WAIT_MS });
  await page.waitForFunction(() => window.raftlabTutorial.state().done, null, { timeout: WAIT_MS });
  await page.click('#tut-next');
  await page.waitForFunction(() => window.raftlabTutorial.state().stop === 3, null, { timeout: WAIT_MS });
  const first = await entry();
  const marksAtFirst = await commandMarks();
  assert.ok(marksAtFirst >= 2, `the partition and the write were logged before stop 4 (${marksAtFirst})`);
  await page.waitForFunction(() => window.raftlabTutorial.state().waiting === 'learner', null, { timeout: WAIT_MS });
  await page.evaluate(() => window.raftlabTutorial.doLearnerStep()); // heal, for the learner
  await page.waitForFunction(() => window.raftlabTutorial.state().done, null, { timeout: WAIT_MS });
  await page.click('#tut-next');
  await page.waitForFunction(() => window.raftlabTutorial.state().stop === 4, null, { timeout: WAIT_MS });
  assert.notEqual((await entry()).hash, first.hash);
  await page.click('#tut-back');
  await page.waitForFunction(() => window.raftlabTutorial.state().stop === 3, null, { timeout: WAIT_MS });
  assert.deepEqual(await entry(), first, 'same step count, time and trace hash as the first visit');
  assert.equal(await commandMarks(), marksAtFirst, 'the commands before the stop were replayed, the heal after it was not');
  // The stop plays on from there as the first time: the learner heals and the cluster converges.
  await page.waitForFunction(() => window.raftlabTutorial.state().waiting === 'learner', null, { timeout: WAIT_MS });
  await page.evaluate(() => window.raftlabTutorial.doLearnerStep());
  await page.waitForFunction(() => window.raftlabTutorial.state().done, null, { timeout: WAIT_MS });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a shared URL reproduces the same moment (same trace hash)', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=21&speed=3`);
  await page.waitForFunction(() => window.raftlab.frame().global.leader !== null, null, { timeout: WAIT_MS });
  await page.keyboard.press('c'); // crash the leader
  await page.fill('#client-key', 'k');
  await page.fill('#client-value', 'v');
  await page.click('#client-write');
  await page.waitForTimeout(500);
  await page.click('#play'); // pause
  await page.click('#share-link');
  await page.waitForSelector('#share-out', { state: 'visible' });
  const url = await page.inputValue('#share-url');
  const want = await hash(page);
  assert.match(url, /[?&]s=1\./);
  const { page: other, problems: p2 } = await openPage(browser.context, url);
  await other.waitForFunction(() => window.raftlabShare !== undefined, null, { timeout: WAIT_MS });
  assert.equal(await hash(other), want);
  assert.match(await other.textContent('#notice'), new RegExp(want));
  assert.deepEqual([...problems, ...p2], []);
  await other.close();
  await page.close();
});

for (const [lang, pattern] of [['en', /damaged/], ['tr', /bozuk/]]) {
  test(`a corrupted share link shows a clear error (${lang}) and the lab still runs`, async () => {
    const { page, problems } = await openPage(browser.context, `${server.url}?lang=${lang}&seed=4&speed=3&s=1.eJzLSM3JyVcozy_KSQEAGgQEXQ`);
    assert.match(await page.textContent('#notice'), pattern);
    await page.waitForFunction(() => window.raftlab.frame().global.leader !== null, null, { timeout: WAIT_MS });
    assert.equal(await page.evaluate(() => window.raftlab.seed()), '4');
    assert.deepEqual(problems, []);
    await page.close();
  });
}
