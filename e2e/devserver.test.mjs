// `npm start` (scripts/start.sh) serves a working page: the newcomer's first command.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { ROOT, launchBrowser, openPage, paintedPixels } from './harness.mjs';

const START_TIMEOUT_MS = 300_000;

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

let child;
after(() => { if (child) process.kill(-child.pid, 'SIGTERM'); });

test('npm start serves the app on the chosen port and the page loads without errors', { timeout: START_TIMEOUT_MS + 60_000 }, async () => {
  const port = await freePort();
  child = spawn('bash', ['scripts/start.sh'], { cwd: ROOT, env: { ...process.env, PORT: String(port) }, detached: true });
  let output = '';
  const url = `http://127.0.0.1:${port}/`;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not serve in time:\n${output}`)), START_TIMEOUT_MS);
    const onData = (d) => {
      output += d;
      if (/compiled (successfully|with)/i.test(output) && output.includes(url)) { clearTimeout(timer); resolve(); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`npm start exited with ${code}:\n${output}`)); });
  });
  const browser = await launchBrowser();
  try {
    const { page, problems } = await openPage(browser.context, `${url}?seed=3`);
    assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true');
    assert.ok(await paintedPixels(page) > 1000, 'the canvas is blank');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
