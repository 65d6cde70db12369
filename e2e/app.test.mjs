// The production build, served from a sub-path like a documentation site would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openPage, paintedPixels, serveStatic } from './harness.mjs';

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

test('the app loads the wasm module and draws the cluster with no console error', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=7`);
  assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true');
  assert.ok(await paintedPixels(page) > 1000, 'the canvas is blank');
  assert.match(await page.textContent('#status'), /5 servers ready \(seed 7, raftlab \d+\.\d+\.\d+\)/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the page speaks Turkish when asked', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?lang=tr&nodes=3&seed=1`);
  assert.equal(await page.getAttribute('html', 'lang'), 'tr');
  assert.match(await page.textContent('#status'), /3 sunuculu küme hazır/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('an impossible cluster size shows a clear error instead of a blank page', async () => {
  const { page } = await openPage(browser.context, `${server.url}?nodes=99`);
  assert.equal(await page.evaluate(() => document.body.dataset.ready), 'error');
  assert.match(await page.textContent('#status'), /1 to 25 servers, not 99/);
  await page.close();
});
