// Embedding on the production build: two <raft-lab> elements on docs.html run independently,
// embed.html in an iframe answers postMessage only from the origins it was given, a bundled
// scenario plays without the reader's module (its world's bytes were read at build time), and a
// scenario from a URL is read and checked in full by the reader's own wasm module before it plays.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, launchBrowser, openPage, serveStatic } from './harness.mjs';

const WAIT_MS = 30_000;
let server;
let parents;
let parentDir;
let browser;
before(async () => {
  server = await serveStatic(undefined, '/docs/raftlab/');
  parentDir = mkdtempSync(path.join(tmpdir(), 'raftlab-parent-'));
  writeFileSync(path.join(parentDir, 'index.html'), '<!doctype html><html><head><link rel="icon" href="data:,"><title>host</title></head><body data-ready="true"><h1>A documentation site</h1></body></html>');
  parents = await serveStatic(parentDir, '/');
  browser = await launchBrowser();
  // Scenario files "on the host's server" (same origin as the lab, as its CSP requires).
  await browser.context.route(/\/test-scenarios\/\w+\.json$/, (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop().replace(/\.json$/, '');
    if (!Object.hasOwn(URL_SCENARIOS, name)) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(URL_SCENARIOS[name]) });
  });
});
after(async () => {
  await browser?.close();
  await server?.close();
  await parents?.close();
  rmSync(parentDir, { recursive: true, force: true });
});

/** Scenarios served from a URL: one that plays, one whose second step names no server. */
const URL_SCENARIOS = {
  good: {
    name: 'From a URL', cluster: { servers: 4, seed: 31 },
    steps: [{ expect: { leader: {} }, within_ms: 5000 }, { crash: 'leader' }, { expect: { leader: {} }, within_ms: 5000 }],
  },
  bad: {
    name: 'A typo', cluster: { servers: 3, seed: 5 },
    steps: [{ expect: { leader: {} }, within_ms: 5000 }, { crash: 'sideways' }],
  },
};

const labState = (page, id) => page.evaluate((sel) => document.getElementById(sel).state, id);

test('two <raft-lab> elements on one page run independently', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}docs.html`);
  await page.waitForFunction(() => ['lab-a', 'lab-b'].every((id) => document.getElementById(id).dataset.ready === 'true'), null, { timeout: WAIT_MS });
  const a0 = await labState(page, 'lab-a');
  const b0 = await labState(page, 'lab-b');
  assert.equal(a0.seed, '7');
  assert.equal(b0.seed, '8');
  assert.equal(a0.playing, true, 'lab-a has autoplay');
  assert.equal(b0.playing, false, 'lab-b waits');
  // Each shadow root has its own canvas with the same id, and the page has none.
  assert.equal(await page.evaluate(() => document.getElementById('cluster')), null);
  assert.equal(await page.evaluate(() => ['lab-a', 'lab-b'].filter((id) => document.getElementById(id).shadowRoot.getElementById('cluster')).length), 2);
  await page.waitForFunction(() => document.getElementById('lab-a').state.nowMs > 50, null, { timeout: WAIT_MS });
  assert.equal((await labState(page, 'lab-b')).nowMs, 0, 'lab-b did not move');
  // Events come from the element that produced them.
  await page.evaluate(() => {
    window.events = [];
    for (const id of ['lab-a', 'lab-b']) document.getElementById(id).addEventListener('leader-elected', (e) => window.events.push([id, e.detail.server]));
    document.getElementById('lab-a').pause();
    document.getElementById('lab-b').play();
  });
  await page.waitForFunction(() => window.events.some(([id]) => id === 'lab-b'), null, { timeout: WAIT_MS });
  const aAt = (await labState(page, 'lab-a')).nowMs;
  await page.waitForTimeout(300);
  assert.equal((await labState(page, 'lab-a')).nowMs, aAt, 'pausing lab-a does not pause lab-b, and lab-b playing does not move lab-a');
  // load(): a bundled scenario by name.
  assert.equal(await page.evaluate(() => document.getElementById('lab-a').load('leader_crash')), true);
  assert.equal((await labState(page, 'lab-a')).seed, '2');
  assert.equal((await labState(page, 'lab-b')).seed, '8');
  assert.deepEqual(problems, []);
  await page.close();
});

async function askFrame(page, frameUrl) {
  return page.evaluate(async (src) => {
    const frame = document.createElement('iframe');
    frame.src = src;
    frame.style.width = '900px';
    frame.style.height = '600px';
    document.body.append(frame);
    await new Promise((r) => frame.addEventListener('load', r, { once: true }));
    const target = new URL(src).origin;
    // Wait until the lab inside has started, by asking until it answers or time runs out.
    const replies = [];
    window.addEventListener('message', (e) => { if (e.origin === target && e.data?.type === 'raftlab-reply') replies.push(e.data); });
    for (let i = 0; i < 40 && replies.length === 0; i++) {
      frame.contentWindow.postMessage({ type: 'raftlab', id: i, command: 'state' }, target);
      await new Promise((r) => setTimeout(r, 250));
    }
    frame.contentWindow.postMessage({ type: 'raftlab', id: 'bad', command: 'eval', code: 'x' }, target);
    frame.contentWindow.postMessage({ type: 'raftlab', id: 'lang', command: 'setLanguage', lang: 'tr' }, target);
    await new Promise((r) => setTimeout(r, 500));
    return replies;
  }, frameUrl);
}

test('embed.html answers postMessage only from the allowed origins, and checks every request', async () => {
  const port = new URL(parents.url).port;
  const allowedParent = `http://localhost:${port}`;
  const frameBase = `${server.url}embed.html?nodes=3&seed=5&controls=cluster,logs&lang=en`;
  // Allowed: the host page's origin is listed.
  const { page, problems } = await openPage(browser.context, `${allowedParent}/`);
  const replies = await askFrame(page, `${frameBase}&origins=${encodeURIComponent(allowedParent)}`);
  const state = replies.find((r) => r.ok && r.result?.seed);
  assert.ok(state, 'the allowed origin gets an answer');
  assert.equal(state.result.seed, '5');
  assert.match(state.result.traceHash, /^[0-9a-f]{16}$/);
  assert.ok(replies.some((r) => r.id === 'bad' && r.ok === false), 'a malformed request is refused');
  assert.ok(replies.some((r) => r.id === 'lang' && r.ok === true));
  await page.close();
  // Not allowed: default is same origin only, and localhost ≠ 127.0.0.1.
  const { page: other, problems: p2 } = await openPage(browser.context, `${allowedParent}/`);
  assert.deepEqual(await askFrame(other, frameBase), [], 'a foreign origin gets no answer');
  await other.close();
  const { page: listedElsewhere, problems: p3 } = await openPage(browser.context, `${allowedParent}/`);
  assert.deepEqual(await askFrame(listedElsewhere, `${frameBase}&origins=${encodeURIComponent('https://somewhere.example')}`), []);
  await listedElsewhere.close();
  assert.deepEqual([...problems, ...p2, ...p3], []);
});

test('embed.html alone (same origin) works and shows only the chosen controls', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}embed.html?nodes=4&seed=3&controls=cluster&autoplay&lang=tr`);
  assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true');
  assert.equal(await page.isVisible('#cluster'), true);
  assert.equal(await page.isVisible('#logs'), false);
  assert.equal(await page.isVisible('.topbar'), false);
  assert.deepEqual(problems, []);
  await page.close();
});

const notice = (page, id) => page.evaluate((sel) => {
  const n = document.getElementById(sel).shadowRoot.getElementById('notice');
  return n.hidden ? null : n.textContent;
}, id);
const labCommands = (page, id) => page.evaluate((sel) => document.getElementById(sel).app.simulation().commandLog().map((c) => c.action?.type ?? c.type), id);

test('an embed naming a bundled scenario plays it without fetching the reader', async () => {
  // The wasm files fetched: only the page's module (webpack names it `*.module.wasm`; the
  // reader's module is a plain asset, `<hash>.wasm`), as the scenario's world's bytes were read
  // at build time.
  const wasm = [];
  const onRequest = (r) => { const p = new URL(r.url()).pathname; if (p.endsWith('.wasm')) wasm.push(p); };
  browser.context.on('request', onRequest);
  try {
    const scenario = JSON.parse(readFileSync(path.join(ROOT, 'scenarios/examples/partition_and_heal.json'), 'utf8'));
    // embed.html (iframes): ready once the scenario was loaded or refused; a refusal is a notice.
    const { page: frame, problems } = await openPage(browser.context, `${server.url}embed.html?scenario=partition_and_heal&autoplay`);
    assert.equal(await frame.evaluate(() => document.body.dataset.ready), 'true');
    assert.equal(await frame.evaluate(() => document.getElementById('notice').hidden), true, 'no error notice');
    assert.deepEqual(wasm.filter((p) => !p.endsWith('.module.wasm')), [], 'no reader');
    await frame.close();
    // <raft-lab scenario="…"> added to a page.
    const { page, problems: p2 } = await openPage(browser.context, `${server.url}docs.html`);
    await page.waitForFunction(() => document.getElementById('lab-a').dataset.ready === 'true', null, { timeout: WAIT_MS });
    await page.evaluate(() => {
      const lab = document.createElement('raft-lab');
      lab.id = 'lab-bundled';
      for (const [k, v] of [['scenario', 'partition_and_heal'], ['lang', 'en'], ['autoplay', ''], ['height', '400']]) lab.setAttribute(k, v);
      document.body.append(lab);
    });
    await page.waitForFunction(() => document.getElementById('lab-bundled').dataset.ready === 'true', null, { timeout: WAIT_MS });
    assert.equal(await notice(page, 'lab-bundled'), null);
    const state = await labState(page, 'lab-bundled');
    assert.equal(state.seed, String(scenario.cluster.seed), 'the scenario\'s own cluster');
    assert.equal(await page.evaluate(() => document.getElementById('lab-bundled').app.simulation().nodes), scenario.cluster.servers);
    await page.waitForFunction((t) => document.getElementById('lab-bundled').state.nowMs > t + 100, state.nowMs, { timeout: WAIT_MS });
    assert.ok(wasm.length >= 2, `the page's module was fetched: ${wasm.join(', ')}`);
    assert.deepEqual(wasm.filter((p) => !p.endsWith('.module.wasm')), [], 'no reader');
    assert.deepEqual([...problems, ...p2], []);
    await page.close();
  } finally {
    browser.context.off('request', onRequest);
  }
});

test('a scenario URL with a malformed step is refused by the validator at its path, and the lab runs on; a valid one plays', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}docs.html`);
  await page.waitForFunction(() => document.getElementById('lab-a').dataset.ready === 'true', null, { timeout: WAIT_MS });
  // A new embed whose scenario attribute is a URL: the reader refuses the step (the page's wasm
  // reads no scenario text), the notice names where, and the lab runs its own cluster.
  await page.evaluate(() => {
    const lab = document.createElement('raft-lab');
    lab.id = 'lab-url';
    for (const [k, v] of [['scenario', 'test-scenarios/bad.json'], ['seed', '12'], ['nodes', '3'], ['lang', 'en'], ['autoplay', ''], ['height', '400']]) lab.setAttribute(k, v);
    document.body.append(lab);
  });
  await page.waitForFunction(() => document.getElementById('lab-url').dataset.ready === 'true', null, { timeout: WAIT_MS });
  assert.match(await notice(page, 'lab-url') ?? '', /^The scenario could not be loaded: Invalid scenario at steps\[1\]\.crash: /);
  const before = await labState(page, 'lab-url');
  assert.equal(before.seed, '12', 'the lab keeps the cluster of its own attributes');
  await page.waitForFunction((t) => document.getElementById('lab-url').state.nowMs > t + 100, before.nowMs, { timeout: WAIT_MS });
  // load(url) of a valid scenario: read and validated, then its cluster is built and its steps play.
  assert.equal(await page.evaluate(() => document.getElementById('lab-url').load('test-scenarios/good.json')), true);
  assert.equal((await labState(page, 'lab-url')).seed, '31');
  assert.equal(await page.evaluate(() => document.getElementById('lab-url').app.simulation().nodes), 4);
  await page.waitForFunction(() => document.getElementById('lab-url').app.simulation().commandLog().length > 0, null, { timeout: WAIT_MS });
  assert.ok((await labCommands(page, 'lab-url')).includes('crash'), 'the crash step played');
  // The same malformed text through load(): refused again, the running scenario stays.
  assert.equal(await page.evaluate(() => document.getElementById('lab-url').load('test-scenarios/bad.json')), false);
  assert.equal((await labState(page, 'lab-url')).seed, '31');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a validator that cannot be fetched is explained, the lab runs on, and the next load fetches it', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}docs.html`);
  await page.waitForFunction(() => document.getElementById('lab-a').dataset.ready === 'true', null, { timeout: WAIT_MS });
  // Bundled scenarios do not need the validator: no script is fetched for them.
  const fetched = [];
  page.on('request', (r) => { if (/\.(js|wasm)$/.test(r.url())) fetched.push(r.url()); });
  assert.equal(await page.evaluate(() => document.getElementById('lab-a').load('leader_crash')), true);
  assert.deepEqual(fetched, []);
  // The validator's chunk fails to arrive once, then its wasm: each time the lab explains it and
  // runs on, and the next load fetches again.
  for (const ext of ['js', 'wasm']) {
    await page.route(new RegExp(`\\.${ext}$`), (route) => route.abort('failed'), { times: 1 });
    assert.equal(await page.evaluate(() => document.getElementById('lab-a').load('test-scenarios/good.json')), false, ext);
    assert.match(await notice(page, 'lab-a') ?? '', /could not be loaded/, ext);
    const t0 = (await labState(page, 'lab-a')).nowMs;
    await page.waitForFunction((t) => document.getElementById('lab-a').state.nowMs > t + 100, t0, { timeout: WAIT_MS });
    assert.equal((await labState(page, 'lab-a')).seed, '2', 'the bundled scenario still runs');
  }
  assert.equal(await page.evaluate(() => document.getElementById('lab-a').load('test-scenarios/good.json')), true);
  assert.equal((await labState(page, 'lab-a')).seed, '31');
  assert.equal(fetched.filter((u) => u.endsWith('.wasm')).length, 2, 'the validator\'s own wasm, fetched again after the failure');
  const expected = (p) => /requestfailed: .*\.(js|wasm)$|ChunkLoadError|Loading chunk|Failed to fetch|Failed to load resource: net::ERR_FAILED/.test(p);
  assert.equal(problems.filter(expected).length >= 2, true, 'the failed fetches were seen');
  assert.deepEqual(problems.filter((p) => !expected(p)), []);
  await page.close();
});
