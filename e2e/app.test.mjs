// The production build, served from a sub-path like a documentation site would, driven through
// its real controls. State is read through the page's read-only `window.raftlab` handle rather
// than by scraping pixels. Every test also asserts that no console error happened.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, launchBrowser, openPage, paintedPixels, serveStatic } from './harness.mjs';
import { timelineSpan, timeToX } from '../www/layout/timeline.js';

const SHOTS = path.join(ROOT, 'test-results');
const WAIT_MS = 20_000;

let server;
let browser;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await serveStatic(undefined, '/docs/raftlab/');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const global = (page) => page.evaluate(() => window.raftlab.frame().global);
const nodes = (page) => page.evaluate(() => window.raftlab.frame().nodes);

async function waitForLeader(page, not = null) {
  await page.waitForFunction((old) => {
    const g = window.raftlab.frame().global;
    return g.leader !== null && g.leader !== old;
  }, not, { timeout: WAIT_MS });
  return (await global(page)).leader;
}

test('the app loads, draws the cluster and a leader appears, with no console error', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=7&speed=5`);
  assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true');
  assert.ok(await paintedPixels(page) > 1000, 'the cluster canvas is blank');
  assert.ok(await paintedPixels(page, '#logs') > 500, 'the log canvas is blank');
  const leader = await waitForLeader(page);
  assert.ok(leader >= 1 && leader <= 5);
  await page.waitForFunction(() => /is the leader of term/.test(document.getElementById('feed').textContent), null, { timeout: WAIT_MS });
  assert.equal(await page.inputValue('#seed-input'), '7');
  assert.deepEqual(problems, []);
  await page.close();
});

test('crashing the leader through its tap menu yields a new leader', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=3&speed=2`);
  const old = await waitForLeader(page);
  const p = await page.evaluate((id) => window.raftlab.serverPoint(id), old);
  await page.mouse.click(p.x, p.y);
  await page.click('#server-menu button[data-action="crash"]');
  const crashed = (await nodes(page)).find((n) => n.id === old);
  assert.equal(crashed.status, 'crashed');
  const fresh = await waitForLeader(page, old);
  assert.notEqual(fresh, old);
  await page.waitForFunction((o) => document.getElementById('feed').textContent.includes(`S${o} crashed`), old, { timeout: WAIT_MS });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a write through the client panel commits on a majority and shows in every live server’s KV view', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=11&speed=2`);
  await waitForLeader(page);
  await page.waitForFunction(() => window.raftlab.clients().every((c) => c.session), null, { timeout: WAIT_MS });
  await page.fill('#client-key', 'color');
  await page.fill('#client-value', 'blue');
  await page.click('#client-write');
  await page.waitForFunction(() => window.raftlab.kv().every((s) => s.status === 'Crashed' || s.kv.some(([k, v]) => k === 'color' && v === 'blue')), null, { timeout: WAIT_MS });
  // The page's own KV table shows it for every server, and the feed reports the answer.
  await page.waitForFunction(() => [...document.querySelectorAll('#kv-table tbody tr')].every((tr) => tr.textContent.includes('color=blue')), null, { timeout: WAIT_MS });
  await page.waitForFunction(() => /C1: put color=blue → ok/.test(document.getElementById('feed').textContent), null, { timeout: WAIT_MS });
  const ns = await nodes(page);
  const leader = ns.find((n) => n.role === 'leader');
  const holding = ns.filter((n) => n.commitIndex >= leader.commitIndex);
  assert.ok(holding.length >= 3, 'committed on a majority of five');
  assert.deepEqual(problems, []);
  await page.close();
});

test('isolating the leader from its menu cuts its links; the rest elect a leader; heal reconnects', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=4&speed=2`);
  const old = await waitForLeader(page);
  const p = await page.evaluate((id) => window.raftlab.serverPoint(id), old);
  await page.mouse.click(p.x, p.y);
  await page.click('#server-menu button[data-action="isolate"]');
  const blocked = await page.evaluate(() => window.raftlab.frame().blocked);
  assert.equal(blocked.length, 2 * 4, 'both directions to each of the four others');
  await page.waitForFunction((o) => window.raftlab.frame().nodes.some((n) => n.role === 'leader' && n.id !== o), old, { timeout: WAIT_MS });
  await page.click('#heal');
  assert.deepEqual(await page.evaluate(() => window.raftlab.frame().blocked), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a deliberate bug trips the safety badge, which explains it, pauses and jumps to the event', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=5&speed=5&bug=keepcommit&workload=1`);
  assert.match(await page.textContent('#bug-tag'), /commit index across a crash/);
  await waitForLeader(page);
  for (let round = 0; round < 12 && (await global(page)).violations === 0; round++) {
    await page.waitForTimeout(500);
    const f = await page.evaluate(() => window.raftlab.frame().nodes.find((n) => n.role === 'follower' && n.status === 'running'));
    if (!f) continue;
    const p = await page.evaluate((id) => window.raftlab.serverPoint(id), f.id);
    await page.mouse.click(p.x, p.y);
    await page.click('#server-menu button[data-action="crash"]');
    await page.mouse.click(p.x, p.y);
    await page.click('#server-menu button[data-action="restart"]');
    if (!(await page.evaluate(() => window.raftlab.playing()))) break;
  }
  await page.waitForFunction(() => document.getElementById('safety').classList.contains('bad'), null, { timeout: WAIT_MS });
  await page.waitForFunction(() => !window.raftlab.playing(), null, { timeout: WAIT_MS });
  assert.equal(await page.isVisible('#safety-detail'), true);
  assert.match(await page.textContent('#safety-text'), /was violated at step \d+/);
  const step = Number((await page.textContent('#safety-text')).match(/step (\d+)/)[1]);
  await page.click('#safety-jump');
  assert.equal((await global(page)).steps, step);
  assert.deepEqual(problems, []);
  await page.close();
});

test('pause stops virtual time and play resumes it', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=5&speed=1`);
  await page.waitForFunction(() => window.raftlab.frame().global.nowMs > 50, null, { timeout: WAIT_MS });
  await page.click('#play');
  assert.equal(await page.evaluate(() => window.raftlab.playing()), false);
  const t0 = (await global(page)).nowMs;
  await page.waitForTimeout(600);
  assert.equal((await global(page)).nowMs, t0, 'virtual time moved while paused');
  await page.click('#play');
  await page.waitForFunction((t) => window.raftlab.frame().global.nowMs > t, t0, { timeout: WAIT_MS });
  assert.deepEqual(problems, []);
  await page.close();
});

test('scrubbing the timeline back restores the earlier state, and forward replays the same future', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=11&speed=2`);
  await waitForLeader(page);
  await page.waitForFunction(() => window.raftlab.clients().every((c) => c.session), null, { timeout: WAIT_MS });
  const before = await global(page);
  await page.fill('#client-key', 'k');
  await page.fill('#client-value', 'v1');
  await page.click('#client-write');
  await page.waitForFunction(() => window.raftlab.kv().every((s) => s.kv.some(([k]) => k === 'k')), null, { timeout: WAIT_MS });
  await page.click('#play');
  const after = await global(page);
  const box = await page.locator('#timeline').boundingBox();
  const x = timeToX(before.nowMs / 2, timelineSpan(after.horizonMs), box.width);
  await page.mouse.click(box.x + x, box.y + box.height / 2);
  const back = await global(page);
  assert.ok(back.nowMs < before.nowMs, `scrubbed to ${back.nowMs}, expected before ${before.nowMs}`);
  assert.equal(back.horizonMs, after.horizonMs, 'the undone future stays on the timeline');
  assert.ok((await page.evaluate(() => window.raftlab.kv())).every((s) => !s.kv.some(([k]) => k === 'k')), 'the write is undone');
  await page.waitForFunction(() => ![...document.querySelectorAll('#kv-table tbody tr')].some((tr) => tr.textContent.includes('k=v1')), null, { timeout: WAIT_MS });
  // Forward again to the end: the same write is back (deterministic replay of the command log).
  await page.focus('#timeline');
  await page.keyboard.press('End');
  const end = await global(page);
  assert.equal(end.nowMs, after.horizonMs);
  assert.ok((await page.evaluate(() => window.raftlab.kv())).every((s) => s.kv.some(([k, v]) => k === 'k' && v === 'v1')));
  assert.deepEqual(problems, []);
  await page.close();
});

test('a message can be inspected and dropped from its inspector', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=7&speed=0.05`);
  await page.waitForFunction(() => window.raftlab.messagePoints().length > 0, null, { timeout: WAIT_MS });
  await page.click('#play');
  // The message farthest from every server, so the tap cannot land on a server.
  const m = await page.evaluate(() => {
    const servers = window.raftlab.frame().nodes.map((n) => window.raftlab.serverPoint(n.id));
    const far = (p) => Math.min(...servers.map((s) => Math.hypot(s.x - p.x, s.y - p.y)));
    return window.raftlab.messagePoints().sort((a, b) => far(b) - far(a))[0];
  });
  await page.mouse.click(m.x, m.y);
  await page.waitForFunction((id) => document.getElementById('inspector-title').textContent.includes(`#${id}`), m.id);
  await page.click('#inspector-body button:has-text("Drop")');
  await page.waitForFunction((id) => document.getElementById('feed').textContent.includes(`drop message #${id}`), m.id);
  assert.ok(!(await page.evaluate(() => window.raftlab.frame().messages.map((x) => x.id))).includes(m.id));
  assert.deepEqual(problems, []);
  await page.close();
});

test('the Turkish switch changes the text, and ?lang=tr starts in Turkish', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=1&nodes=3`);
  assert.equal(await page.textContent('.cluster-panel h2'), 'Cluster');
  await page.selectOption('#lang-select', 'tr');
  // The Turkish texts are fetched on first use; the page's lang attribute changes once they show.
  await page.waitForFunction(() => document.documentElement.lang === 'tr', null, { timeout: WAIT_MS });
  assert.equal(await page.textContent('.cluster-panel h2'), 'Küme');
  assert.equal(await page.textContent('#play'), '❚❚ Duraklat');
  assert.match(await page.textContent('#safety'), /Güvenli/);
  await page.close();
  const again = await openPage(browser.context, `${server.url}?lang=tr&nodes=3&seed=1`);
  assert.equal(await again.page.textContent('.logs-panel h2'), 'Günlükler');
  assert.deepEqual([...problems, ...again.problems], []);
  await again.page.close();
});

test('a page opened in Turkish never shows an English text while it loads', async () => {
  const page = await browser.context.newPage();
  // Records every text the titles ever had, from the first parsed node on.
  await page.addInitScript(() => {
    window.__titles = new Set();
    new MutationObserver(() => {
      for (const h of document.querySelectorAll('h2[data-i18n], #status')) window.__titles.add(h.textContent);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto(`${server.url}?lang=tr&nodes=3&seed=1`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: WAIT_MS });
  const titles = await page.evaluate(() => [...window.__titles]);
  assert.ok(titles.includes('Küme') && titles.includes('Küme yükleniyor…'), titles.join(' | '));
  for (const english of ['Cluster', 'Logs', 'Loading the cluster…']) assert.ok(!titles.includes(english), `${english} was shown`);
  await page.close();
});

test('the tutorial, the share tools, break tabs and Turkish come on first use; a failed fetch is explained and the lab runs on', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=3&nodes=3&speed=1`);
  assert.deepEqual(await page.evaluate(() => [window.raftlabTutorial, window.raftlabShare].map((x) => typeof x)), ['undefined', 'undefined']);
  // The next script the page fetches (the tutorial's chunk) fails once.
  let failures = 0;
  await page.route(/\.js$/, (route) => (failures++ === 0 ? route.abort('failed') : route.continue()));
  await page.click('#tut-open');
  await page.waitForSelector('#notice:not([hidden])', { timeout: WAIT_MS });
  assert.match(await page.textContent('#notice'), /could not be loaded/);
  assert.equal(await page.isHidden('#tutorial'), true);
  const t0 = (await global(page)).nowMs;
  await page.waitForFunction((t) => window.raftlab.frame().global.nowMs > t + 200, t0, { timeout: WAIT_MS });
  // The notice follows a language switch (fetching Turkish), and the next click tries again.
  await page.selectOption('#lang-select', 'tr');
  await page.waitForFunction(() => document.documentElement.lang === 'tr', null, { timeout: WAIT_MS });
  assert.match(await page.textContent('#notice'), /yüklenemedi/);
  await page.click('#tut-open');
  await page.waitForSelector('#tutorial:not([hidden])', { timeout: WAIT_MS });
  assert.match(await page.textContent('#tut-title'), /^Bölüm 1:/);
  await page.click('#tut-close');
  // A break tab shows its tools once they arrived.
  await page.click('#break-tab-history');
  await page.waitForSelector('#break-lin-check', { timeout: WAIT_MS });
  assert.equal(await page.locator('#break-panel-history .break-loading').count(), 0);
  await page.click('#share-link');
  await page.waitForSelector('#share-out', { state: 'visible', timeout: WAIT_MS });
  assert.match(await page.inputValue('#share-url'), /[?&]s=1\./);
  const expected = (p) => /requestfailed: .*\.js$|ChunkLoadError|Loading chunk|Failed to load resource: net::ERR_FAILED/.test(p);
  assert.equal(problems.filter(expected).length > 0, true, 'the failed fetch was seen');
  assert.deepEqual(problems.filter((p) => !expected(p)), []);
  await page.close();
});

test('a command the core refuses is explained in Turkish, and in English after switching back', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?lang=tr&seed=5&nodes=3`);
  // Select S1 and restart it while it runs: the facade refuses with a code the page words.
  await page.locator('body').press('1');
  await page.locator('body').press('r');
  await page.waitForFunction(() => !document.getElementById('notice').hidden, null, { timeout: WAIT_MS });
  assert.equal(await page.textContent('#notice'), 'Bu yapılamadı: S1 çökmüş değil, bu yüzden yeniden başlatılamaz.');
  await page.selectOption('#lang-select', 'en');
  assert.equal(await page.textContent('#notice'), 'Could not do that: S1 is not crashed, so it cannot be restarted.');
  assert.deepEqual(problems, []);
  await page.close();
});

test('bad URL parameters show a clear, translated error and the app runs with defaults', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?nodes=99&seed=abc`);
  assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true');
  const notice = await page.textContent('#notice');
  assert.match(notice, /nodes=99/);
  assert.match(notice, /“abc” is not a seed/);
  assert.equal((await nodes(page)).length, 5);
  await page.close();
  const tr = await openPage(browser.context, `${server.url}?nodes=0&lang=tr`);
  assert.match(await tr.page.textContent('#notice'), /geçerli bir küme boyutu değil/);
  assert.deepEqual([...problems, ...tr.problems], []);
  await tr.page.close();
});

test('keyboard: ? opens the help, Space pauses, digits select a server', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=2&speed=1`);
  await page.keyboard.press('?');
  assert.equal(await page.evaluate(() => document.getElementById('help').open), true);
  await page.keyboard.press('Escape');
  await page.locator('#cluster').focus();
  await page.keyboard.press(' ');
  assert.equal(await page.evaluate(() => window.raftlab.playing()), false);
  await page.keyboard.press('2');
  assert.match(await page.textContent('#inspector-title'), /S2/);
  const steps = (await global(page)).steps;
  await page.keyboard.press('.');
  assert.equal((await global(page)).steps, steps + 1);
  await page.keyboard.press(',');
  assert.equal((await global(page)).steps, steps);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a 360×740 phone: nothing overflows and no two controls overlap', async () => {
  // Workload on, so long keys and values fill the panels (they must wrap, not widen the page).
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=7&speed=3&workload=1`);
  await page.setViewportSize({ width: 360, height: 740 });
  await waitForLeader(page);
  await page.waitForFunction(() => window.raftlab.frame().global.historyLen > 40, null, { timeout: WAIT_MS });
  await page.screenshot({ path: path.join(SHOTS, 'phone-360x740.png'), fullPage: true });
  const layout = await page.evaluate(() => {
    const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
    const controls = [...document.querySelectorAll('button, input, select, canvas, summary')]
      .filter((e) => visible(e) && !e.closest('dialog') && !e.closest('[hidden]') && !e.closest('.legend') && !e.closest('[aria-hidden="true"]'));
    const boxes = controls.map((e) => { const r = e.getBoundingClientRect(); return { id: e.id || e.textContent.trim().slice(0, 20) || e.tagName, x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height }; });
    return { boxes, scrollWidth: document.documentElement.scrollWidth };
  });
  assert.ok(layout.scrollWidth <= 360, `the page scrolls sideways (${layout.scrollWidth}px)`);
  const overlaps = [];
  const { boxes } = layout;
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    assert.ok(a.x >= -1 && a.x + a.w <= 361, `${a.id} sticks out of the screen`);
    for (let j = i + 1; j < boxes.length; j++) {
      const b = boxes[j];
      const ix = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const iy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (ix > 1 && iy > 1) overlaps.push(`${a.id} × ${b.id}`);
    }
  }
  assert.deepEqual(overlaps, []);
  // Touch: a tap on a server opens its menu.
  const leader = (await global(page)).leader;
  const p = await page.evaluate((id) => window.raftlab.serverPoint(id), leader);
  await page.mouse.click(p.x, p.y);
  assert.equal(await page.isVisible('#server-menu'), true);
  assert.deepEqual(problems, []);
  await page.close();
});

test('desktop screenshot for review', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=7&speed=1`);
  await page.setViewportSize({ width: 1366, height: 900 });
  await waitForLeader(page);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: path.join(SHOTS, 'desktop-1366x900.png') });
  assert.deepEqual(problems, []);
  await page.close();
});
