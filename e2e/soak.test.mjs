// Long run in the browser (issue 9): the lab plays at top speed with the client workload on, and
// the size of its WebAssembly.Memory is read (through the DevTools protocol, without any hook in
// the app) at each third of the run. WebAssembly.Memory never shrinks, so its size is the wasm
// heap's high-water mark: a plateau means the heap stopped growing. The default run (30 virtual
// minutes, 100x real time) asserts that the last third adds at most 1/16 (plus 2 MiB) to the
// memory of the second, and that the page stays under issue 6's 64 MB. The hour:
//   RAFTLAB_SOAK_MINUTES=60 node --test e2e/soak.test.mjs
// prints `SOAK-BROWSER minute=… wasm_mib=… js_heap_mib=…` lines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openPage, serveStatic } from './harness.mjs';

const MINUTES = Math.max(3, Number(process.env.RAFTLAB_SOAK_MINUTES ?? 30));
const MIB = 1024 * 1024;
/** Issue 6: the wasm heap after an hour under load stays within 64 MB. */
const MAX_WASM_BYTES = 64 * 1000 * 1000;

let server;
let browser;
before(async () => {
  server = await serveStatic();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Bytes of every WebAssembly.Memory alive in the page. */
async function wasmBytes(cdp) {
  const { result: proto } = await cdp.send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
  const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.objectId });
  const { result } = await cdp.send('Runtime.callFunctionOn', {
    objectId: objects.objectId, returnByValue: true,
    functionDeclaration: 'function () { return this.reduce((n, m) => n + m.buffer.byteLength, 0); }',
  });
  return result.value;
}

test(`${MINUTES} virtual minutes at top speed under load: wasm memory plateaus and the page keeps answering`, { timeout: 60_000 + MINUTES * 120_000 }, async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=5&nodes=5&speed=100&workload=1`);
  const cdp = await page.context().newCDPSession(page);
  const samples = [{ minute: 0, wasm: await wasmBytes(cdp) }];
  for (let third = 1; third <= 3; third++) {
    const target = (MINUTES * 60_000 * third) / 3;
    await page.waitForFunction((t) => window.raftlab.frame().global.nowMs >= t, target, { timeout: MINUTES * 120_000, polling: 500 });
    const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
    samples.push({ minute: (MINUTES * third) / 3, wasm: await wasmBytes(cdp), heap });
  }
  for (const s of samples.slice(1)) console.log(`SOAK-BROWSER minute=${s.minute} wasm_mib=${(s.wasm / MIB).toFixed(1)} js_heap_mib=${(s.heap / MIB).toFixed(1)}`);
  const g = await page.evaluate(() => window.raftlab.frame().global);
  assert.equal(g.violations, 0);
  // Responsive: the page still takes input and the loop still runs after the long run.
  await page.keyboard.press(' ');
  assert.equal(await page.evaluate(() => window.raftlab.playing()), false);
  const [, , b, c] = samples;
  assert.ok(c.wasm <= MAX_WASM_BYTES, `wasm memory ${c.wasm} bytes`);
  const lastThird = c.wasm - b.wasm;
  assert.ok(lastThird <= b.wasm / 16 + 2 * MIB, `wasm memory still growing: ${b.wasm} bytes at minute ${b.minute}, ${c.wasm} at minute ${c.minute}`);
  assert.deepEqual(problems, []);
  await page.close();
});
