// Hostile input in the browser (issue 9): each class — share link, session file, scenario URL
// on <raft-lab>, URL parameters — shows its error and the session on screen continues; text from
// a scenario renders as text (no element is created from it, no script runs). The harness fails
// every test file on a Content-Security-Policy violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DIST, launchBrowser, openPage, searchFromSeed260, serveStatic } from './harness.mjs';

const WAIT_MS = 30_000;
const XSS = '<img src=x onerror="window.__xss=1">';
/** Hostile scenario files, served from the lab's own origin (the CSP allows no other). */
const HOSTILE_DIR = path.join(DIST, 'e2e-hostile');
const SCENARIOS = {
  'markup-key.json': {
    name: 'Markup as data', cluster: { servers: 3, seed: 4 },
    steps: [
      { expect: { leader: {} }, within_ms: 5000 },
      { put: { key: XSS, value: "<script>window.__xss=2</script>", as: 'w' } },
      { expect: { committed: { op: 'w' } }, within_ms: 5000 },
    ],
  },
  'markup-name.json': { name: XSS, cluster: { servers: 3 }, steps: [] },
  'markup-note.json': { name: 'x', cluster: { servers: 3 }, steps: [{ run_ms: 10, note: XSS }] },
  'wrong-types.json': { name: 'x', cluster: { servers: '3' }, steps: {} },
  'unknown-field.json': { name: 'x', cluster: {}, steps: [], script: 'alert(1)' },
};

let server;
let browser;
before(async () => {
  mkdirSync(HOSTILE_DIR, { recursive: true });
  for (const [name, doc] of Object.entries(SCENARIOS)) writeFileSync(path.join(HOSTILE_DIR, name), JSON.stringify(doc));
  writeFileSync(path.join(HOSTILE_DIR, 'truncated.json'), JSON.stringify(SCENARIOS['markup-key.json']).slice(0, 60));
  writeFileSync(path.join(HOSTILE_DIR, 'deep.json'), `{"cluster":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`);
  writeFileSync(path.join(HOSTILE_DIR, 'huge-name.json'), `{"name":"${'x'.repeat(10 * 1024 * 1024)}","steps":[]}`);
  server = await serveStatic();
  browser = await launchBrowser();
});
after(async () => {
  rmSync(HOSTILE_DIR, { recursive: true, force: true });
  await browser?.close();
  await server?.close();
});

const state = (page) => page.evaluate(() => ({ seed: window.raftlab.seed(), ...window.raftlab.frame().global }));
/** The session keeps running: virtual time moves on from where it was. */
async function stillRunning(page, before) {
  await page.waitForFunction((t) => window.raftlab.frame().global.nowMs > t, before.nowMs, { timeout: WAIT_MS });
  assert.equal((await state(page)).seed, before.seed, 'the same session');
}
/** No element was made from outside text anywhere (document and shadow roots), no script ran. */
async function noInjection(page) {
  const found = await page.evaluate(() => {
    const roots = [document, ...[...document.querySelectorAll('*')].filter((e) => e.shadowRoot).map((e) => e.shadowRoot)];
    return { imgs: roots.reduce((n, r) => n + r.querySelectorAll('img').length, 0), xss: window.__xss ?? null };
  });
  assert.deepEqual(found, { imgs: 0, xss: null });
}

test('hostile share links show an error and the session on screen continues', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=6&speed=5&s=1.${encodeURIComponent(XSS)}`);
  assert.match(await page.textContent('#notice'), /damaged/);
  await stillRunning(page, await state(page));
  const hostile = [
    '', '2.abc', `1.${'A'.repeat(70_000)}`, '1.eJzLSM3JyQcABiwCFQ', // "hello": not a session
    await page.evaluate(() => window.raftlabShare.link().split('s=')[1].slice(0, -12)), // truncated
  ];
  for (const text of hostile) {
    const before = await state(page);
    assert.equal(await page.evaluate((t) => window.raftlabShare.openLink(decodeURIComponent(t)), text), false, text.slice(0, 40));
    assert.ok((await page.textContent('#notice')).length > 10);
    await stillRunning(page, before);
  }
  // A well-formed link whose command the world refuses: refused as a whole.
  const refused = await page.evaluate(() => {
    const s = window.raftlabShare.session();
    s.commands = [{ step: 0, timeMs: 0, action: { type: 'crash', server: 99 } }];
    return JSON.stringify({ format: 'raftlab-session', ...s });
  });
  const before = await state(page);
  assert.equal(await page.evaluate((t) => window.raftlabShare.openFileText(t), refused), false);
  assert.match(await page.textContent('#notice'), /could not be replayed.*S99|could not be replayed/);
  await stillRunning(page, before);
  await noInjection(page);
  assert.deepEqual(problems, []);
  await page.close();
});

test('hostile session files are refused through the import button; the session continues', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=9&speed=5`);
  // The share tools are fetched on first use: the share button shows the link once they are in.
  await page.click('#share-link');
  await page.waitForSelector('#share-out', { state: 'visible' });
  const good = await page.evaluate(() => window.raftlabShare.session());
  const files = {
    'not-json.json': 'not json at all',
    'other.json': JSON.stringify({ format: 'other' }),
    'types.json': JSON.stringify({ format: 'raftlab-session', ...good, commands: 'crash everything' }),
    'deep.json': `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    'xss.json': JSON.stringify({ format: 'raftlab-session', ...good, traceHash: XSS }),
    'big.json': JSON.stringify({ format: 'raftlab-session', ...good, name: 'x'.repeat(10 * 1024 * 1024) }),
  };
  for (const [name, text] of Object.entries(files)) {
    const before = await state(page);
    await page.evaluate(() => { document.getElementById('notice').textContent = ''; });
    await page.setInputFiles('#share-import', { name, mimeType: 'application/json', buffer: Buffer.from(text) });
    await page.waitForFunction(() => document.getElementById('notice').textContent.length > 0, null, { timeout: WAIT_MS });
    assert.match(await page.textContent('#notice'), /Nothing was changed/, name);
    await stillRunning(page, before);
  }
  await noInjection(page);
  assert.deepEqual(problems, []);
  await page.close();
});

test('bad URL parameters show an error, the lab runs with defaults, and nothing is injected', async () => {
  const q = new URLSearchParams({ nodes: XSS, seed: '-1', speed: 'NaN', bug: XSS, lang: '<script>', workload: 'maybe' });
  const { page, problems } = await openPage(browser.context, `${server.url}?${q}`);
  const notice = await page.textContent('#notice');
  assert.ok(notice.includes(XSS), 'the bad value is shown literally');
  assert.equal((await state(page)).leader === undefined, false);
  await stillRunning(page, await state(page));
  await noInjection(page);
  assert.deepEqual(problems, []);
  await page.close();
});

test('<raft-lab> with hostile scenario files: each is refused with its reason, the lab keeps its session', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}docs.html`);
  await page.waitForFunction(() => document.getElementById('lab-a').dataset.ready === 'true', null, { timeout: WAIT_MS });
  const reasons = {
    'markup-name.json': /name.*plain text/, 'markup-note.json': /note.*plain text/, 'wrong-types.json': /servers|steps/, 'unknown-field.json': /script/,
    'truncated.json': /line|EOF/i, 'deep.json': /recursion|invalid/i, 'huge-name.json': /large|4 MB|name/i,
    'missing.json': /404/, 'javascript:alert(1)': /unknown scenario/,
  };
  for (const [name, reason] of Object.entries(reasons)) {
    const before = await page.evaluate(() => document.getElementById('lab-a').state);
    const ok = await page.evaluate((n) => document.getElementById('lab-a').load(n.startsWith('javascript') ? n : `e2e-hostile/${n}`), name);
    assert.equal(ok, false, name);
    const notice = await page.evaluate(() => document.getElementById('lab-a').shadowRoot.getElementById('notice').textContent);
    assert.match(notice, reason, `${name}: ${notice.slice(0, 200)}`);
    const after = await page.evaluate(() => document.getElementById('lab-a').state);
    assert.equal(after.seed, before.seed, `${name}: the session on screen is kept`);
  }
  await page.waitForFunction((t) => document.getElementById('lab-a').state.nowMs > t, (await page.evaluate(() => document.getElementById('lab-a').state)).nowMs, { timeout: WAIT_MS });
  await noInjection(page);
  assert.deepEqual(problems.filter((p) => !/missing\.json|404/.test(p)), [], 'only the missing file failed to load');
  await page.close();
});

test('a scenario whose keys and values hold markup renders them as text (names and notes with markup are refused above)', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}embed.html?scenario=e2e-hostile/markup-key.json&autoplay&seed=1`);
  await page.waitForFunction(() => document.getElementById('kv-table')?.textContent.includes('onerror'), null, { timeout: WAIT_MS });
  assert.ok((await page.textContent('#kv-table')).includes(XSS), 'the key is shown literally');
  await noInjection(page);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the counterexample search runs off the main thread: the lab keeps running during it, and cancel stops the worker', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=1&speed=5`);
  await page.click('#break-tab-bugs');
  // From seed 260 the search finds nothing for 183 seeds, so cancel lands while it runs.
  await searchFromSeed260(page);
  await page.selectOption('#break-hunt-bug', 'skip_figure8_rule');
  await page.click('#break-search');
  await page.waitForFunction(() => window.raftlabBreak.searchState().status === 'running', null, { timeout: WAIT_MS });
  // While the worker runs seed after seed, the page's own loop keeps advancing the lab.
  const during = await state(page);
  await stillRunning(page, during);
  await page.click('#break-search-cancel');
  const cancelled = await page.evaluate(() => window.raftlabBreak.searchState());
  assert.equal(cancelled.status, 'cancelled');
  await page.waitForTimeout(500);
  assert.equal((await page.evaluate(() => window.raftlabBreak.searchState())).done, cancelled.done, 'no progress after cancel: the worker is gone');
  assert.deepEqual(problems, []);
  await page.close();
});
