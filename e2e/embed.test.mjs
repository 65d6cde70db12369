// Embedding on the production build: two <raft-lab> elements on docs.html run independently, and
// embed.html in an iframe answers postMessage only from the origins it was given.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchBrowser, openPage, serveStatic } from './harness.mjs';

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
});
after(async () => {
  await browser?.close();
  await server?.close();
  await parents?.close();
  rmSync(parentDir, { recursive: true, force: true });
});

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
