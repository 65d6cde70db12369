// The browser benchmark: frame times, first frame, bundle sizes, seek time, wasm memory over a
// long run, and wasm vs native speed on one fixed configuration. Prints figures next to the
// goals of issue #6; asserts nothing (a benchmark measures, tests assert behaviour).
//
//   npm run bench:browser            (builds dist/ and dist-bench/ first)
//   BENCH_SKIP_BUILD=1 npm run bench:browser
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, DIST, launchBrowser, serveStatic } from '../../e2e/harness.mjs';

const FRAME_SAMPLE_MS = 5_000;
const WARMUP_MS = 1_500;
/** Chromium's rAF timestamp resolution without cross-origin isolation. */
const TIMESTAMP_RESOLUTION_MS = 0.1;
/** An interval longer than this missed a 60 Hz vsync. */
const LATE_MS = 17;
const SPEED_RUN_MS = 60_000;
/** Timed runs of the fixed world on each side (the median is reported). */
const SPEED_RUNS = 5;
// Pairs of wasm and native runs (with the facade's observers) timed in turns for their ratio.
const SPEED_PAIRS = 9;
const SEEK_RUN_MS = 600_000;
const SOAK_MS = 3_600_000;
const SOAK_SLICE_MS = 600_000;
/** The counterexample search as the page runs it (www/break/settings.js): 5 servers, 20 s. */
const SEARCH = { bug: 'skip_figure8_rule', servers: 5, runMs: 20_000, firstSeed: 1, seeds: 40, warmup: 10 };

const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...opts });
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
/** The run with the median elapsed time. */
const median = (runs) => [...runs].sort((a, b) => a.elapsed_ms - b.elapsed_ms)[Math.floor(runs.length / 2)];
const fmt = (x, digits = 1) => (typeof x === 'number' ? x.toFixed(digits) : String(x));

function build() {
  if (process.env.BENCH_SKIP_BUILD) return;
  sh('bash', ['scripts/build.sh'], { stdio: 'inherit' });
  sh('npx', ['webpack', '--config', 'bench/browser/webpack.config.js'], { stdio: 'inherit' });
  sh('cargo', ['build', '--release', '--example', 'sim_speed', '--example', 'search_speed'], { stdio: 'inherit' });
}

const example = (name) => path.join(process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target'), 'release/examples', name);

/** The same search seeds natively (median of 3 runs). */
function nativeSearch() {
  const args = [SEARCH.bug, SEARCH.servers, SEARCH.runMs, SEARCH.firstSeed, SEARCH.seeds].map(String);
  const runs = [1, 2, 3].map(() => JSON.parse(sh(example('search_speed'), args)));
  return runs.sort((a, b) => a.elapsed_ms - b.elapsed_ms)[1];
}

/** One fixed run natively: bare, or `facade` with the page facade's observers. */
function nativeRun(configPath, facade = false) {
  const args = [...(facade ? ['--facade'] : []), configPath, String(SPEED_RUN_MS)];
  return JSON.parse(sh(example('sim_speed'), args));
}

/** The fixed run natively without the observers, median of SPEED_RUNS. */
function nativeSpeed(configPath) {
  return median(Array.from({ length: SPEED_RUNS }, () => nativeRun(configPath)));
}

/** rAF instrumentation: each callback's own duration (JS + wasm work) and its timestamp. */
const FRAME_PROBE = () => {
  const raf = window.requestAnimationFrame.bind(window);
  window.__frames = [];
  window.__readyAt = null;
  window.requestAnimationFrame = (cb) => raf((ts) => {
    const t0 = performance.now();
    cb(ts);
    window.__frames.push([ts, performance.now() - t0]);
    if (window.__readyAt === null && document.body?.dataset.ready === 'true') window.__readyAt = performance.now();
  });
};

async function pageLoad(context, url) {
  const page = await context.newPage();
  const bytes = [];
  page.on('response', async (res) => {
    try { const body = await res.body(); bytes.push({ url: res.url(), raw: body.length, gz: gzipSync(body, { level: 9 }).length }); } catch { /* redirects have no body */ }
  });
  await page.addInitScript(FRAME_PROBE);
  await page.goto(url);
  await page.waitForFunction(() => window.__readyAt !== null, null, { timeout: 30_000 });
  return { page, bytes };
}

async function frameStats(context, base, nodes) {
  const { page } = await pageLoad(context, `${base}?nodes=${nodes}&seed=1&workload=1&speed=1`);
  await page.waitForTimeout(WARMUP_MS);
  await page.evaluate(() => { window.__frames = []; });
  await page.waitForTimeout(FRAME_SAMPLE_MS);
  const frames = await page.evaluate(() => window.__frames);
  await page.close();
  // Several rAF callbacks can run in one frame (the lab's loop, the break panels' loop): they
  // share the frame's timestamp. A frame's work is the sum of its callbacks' durations.
  const byFrame = new Map();
  for (const [ts, ms] of frames) byFrame.set(ts, (byFrame.get(ts) ?? 0) + ms);
  const stamps = [...byFrame.keys()].sort((a, b) => a - b);
  const intervals = stamps.slice(1).map((ts, i) => ts - stamps[i]);
  const work = [...byFrame.values()];
  // A frame is late when the next one starts a vsync or more after it should (> 17 ms at 60 Hz).
  const late = intervals.filter((ms) => ms > LATE_MS).length;
  return { frames: stamps.length, late, p50: quantile(intervals, 0.5), p95: quantile(intervals, 0.95), fps: 1000 / quantile(intervals, 0.5), work50: quantile(work, 0.5), work95: quantile(work, 0.95) };
}

/**
 * Rows that put the page's wasm in context: the reader's module (fetched on first use: scenario
 * text from a URL, the settings panel, side by side, share links; not in the page's load) and
 * the engine-only floor
 * (bench/size-floor.sh: the page's module with no input or output, what the wasm weighs before
 * any panel, document or error).
 */
function sizeContext() {
  const validator = gzipSync(readFileSync(path.join(ROOT, 'www/pkg-validate/raftlab_validate_bg.wasm')), { level: 9 }).length;
  const floor = JSON.parse(sh('bash', ['bench/size-floor.sh']));
  return [
    ['reader wasm (scenarios from a URL, settings, side by side, share links), fetched on first use, gzip', `${fmt(validator / 1024)} KB`, '', ''],
    ['engine-only floor of the page\'s wasm (no input or output), gzip', `${fmt(floor.gzip / 1024)} KB`, 'report', ''],
  ];
}

/**
 * The fixed world's configuration as the page's module builds it (`Simulation.fromConfigBytes`):
 * read by the reader's module (www/pkg-validate) as the page does, here in Node; a plain array
 * of bytes for page.evaluate.
 */
export async function configBytes(configJson) {
  const pkg = path.join(ROOT, 'www/pkg-validate');
  const reader = await import(pathToFileURL(path.join(pkg, 'raftlab_validate.js')).href);
  reader.initSync({ module: readFileSync(path.join(pkg, 'raftlab_validate_bg.wasm')) });
  return [...reader.readConfig(configJson)];
}

/** Runs every browser figure; returns rows [metric, value, goal, met] (met: true/false/''). */
export async function browserRows() {
  build();
  const configPath = path.join(tmpdir(), 'raftlab-bench-config.json');
  const configJson = sh(example('sim_speed'), ['--print-config']);
  writeFileSync(configPath, configJson);
  const config = await configBytes(configJson);

  const app = await serveStatic(DIST, '/');
  const benchSite = await serveStatic(path.join(ROOT, 'dist-bench'), '/');
  const browser = await launchBrowser();
  const rows = [];
  try {
    // First frame and sizes (median of 5 cold-ish loads; the first load's bytes).
    const firsts = [];
    let loaded = [];
    for (let i = 0; i < 5; i++) {
      const { page, bytes } = await pageLoad(browser.context, `${app.url}?seed=1`);
      firsts.push(await page.evaluate(() => window.__readyAt));
      if (i === 0) { await page.waitForTimeout(500); loaded = bytes; }
      await page.close();
    }
    const wasm = loaded.filter((b) => b.url.endsWith('.wasm')).reduce((a, b) => a + b.gz, 0);
    const total = loaded.reduce((a, b) => a + b.gz, 0);
    rows.push(['first frame after navigation (median of 5)', `${fmt(quantile(firsts, 0.5), 0)} ms`, '≤ 500 ms', quantile(firsts, 0.5) <= 500]);
    rows.push(['wasm, gzip', `${fmt(wasm / 1024)} KB`, '≤ 150 KB', wasm <= 150 * 1024]);
    rows.push(['everything the page loads, gzip', `${fmt(total / 1024)} KB (${loaded.length} files)`, '≤ 300 KB', total <= 300 * 1024]);
    rows.push(...sizeContext());

    const f5 = await frameStats(browser.context, app.url, 5);
    // Chromium rounds rAF timestamps to 0.1 ms, so intervals of one 60 Hz frame (16.67 ms) read
    // 16.6, 16.7 or 16.8: a p95 of 16.8 is one frame per vsync within that resolution.
    rows.push(['frame interval, 5 servers under load (p50 / p95; frames late by a vsync)', `${fmt(f5.p50)} / ${fmt(f5.p95)} ms; ${f5.late} of ${f5.frames - 1} late`, 'p95 ≤ 16.7 ms (± 0.1 ms timestamps)', f5.p95 <= 16.7 + TIMESTAMP_RESOLUTION_MS + 0.05]);
    rows.push(['JS + wasm work per frame, 5 servers (median / p95)', `${fmt(f5.work50, 2)} / ${fmt(f5.work95, 2)} ms`, 'median ≤ 3 ms', f5.work50 <= 3]);
    const f25 = await frameStats(browser.context, app.url, 25);
    rows.push(['frame rate, 25 servers under load', `${fmt(f25.fps)} fps (work median ${fmt(f25.work50, 2)} ms)`, '≥ 30 fps', f25.fps >= 30]);

    const page = await browser.context.newPage();
    await page.goto(benchSite.url);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    const seeks = await page.evaluate(([cfg, ms]) => globalThis.bench.seekTimes(cfg, ms, 20), [config, SEEK_RUN_MS]);
    rows.push(['seek within a 10-minute virtual run (median / max of 20)', `${fmt(quantile(seeks, 0.5))} / ${fmt(Math.max(...seeks))} ms`, '≤ 50 ms', Math.max(...seeks) <= 50]);

    // One run first: the engine compiles wasm with a baseline compiler and optimizes hot code
    // while it runs, so the first run measures compilation too (native code is compiled ahead).
    // Two such runs: the second still ran slower than the rest on this machine.
    for (let i = 0; i < 2; i++) await page.evaluate(([cfg, ms]) => globalThis.bench.simSpeed(cfg, ms), [config, SPEED_RUN_MS]);
    // The wasm runs and the native runs with the same observers take turns, so that a slow
    // spell of this shared VM (runs of one build spread by ± 30 % here) falls on both sides of
    // the ratio alike rather than on one of them; each side goes first in every other pair, so
    // neither always runs right after the other (Chromium's background threads, e.g. its
    // optimizing compiler, may still be busy just after a wasm run).
    const wasmRuns = [];
    const facadeRuns = [];
    const wasmOnce = async () => wasmRuns.push(await page.evaluate(([cfg, ms]) => globalThis.bench.simSpeed(cfg, ms), [config, SPEED_RUN_MS]));
    for (let i = 0; i < SPEED_PAIRS; i++) {
      if (i % 2 === 0) await wasmOnce();
      facadeRuns.push(nativeRun(configPath, true));
      if (i % 2 === 1) await wasmOnce();
    }
    const wasmRun = median(wasmRuns);
    const nativeFacade = median(facadeRuns);
    const native = nativeSpeed(configPath);
    const ratio = nativeFacade.elapsed_ms / wasmRun.elapsed_ms;
    const sameHash = wasmRun.trace_hash === native.trace_hash && wasmRun.trace_hash === nativeFacade.trace_hash;
    rows.push(['same fixed run (60 s virtual, 5 servers, load), native', `${fmt(native.elapsed_ms, 0)} ms bare (${fmt(native.deliveries / native.elapsed_ms * 1000, 0)} deliveries/s, ${fmt(SPEED_RUN_MS / native.elapsed_ms, 0)}× real time); ${fmt(nativeFacade.elapsed_ms, 0)} ms with the page facade's observers`, '', '']);
    rows.push([`same fixed run, wasm in Chromium (through the facade, warm, median of ${SPEED_PAIRS} taken in turns with native runs)`, `${fmt(wasmRun.elapsed_ms, 0)} ms → ${fmt(ratio, 2)}× native with the same observers (${fmt(native.elapsed_ms / wasmRun.elapsed_ms, 2)}× bare native); trace hash ${sameHash ? 'identical' : `DIFFERS (${wasmRun.trace_hash} vs ${native.trace_hash})`}`, '≥ 0.6× native', ratio >= 0.6]);

    const soak = await page.evaluate(([cfg, total, slice]) => globalThis.bench.memoryOverTime(cfg, total, slice), [config, SOAK_MS, SOAK_SLICE_MS]);
    const mb = (b) => b / (1024 * 1024);
    const last = soak[soak.length - 1].heap_bytes;
    const half = soak[Math.floor(soak.length / 2) - 1].heap_bytes;
    rows.push(['wasm heap over a 1-hour virtual run (every 10 min)', soak.map((s) => `${fmt(mb(s.heap_bytes))}`).join(' → ') + ' MB', '≤ 64 MB and flat', mb(last) <= 64 && last <= half * 1.1]);

    const { bug, servers, runMs, firstSeed, seeds, warmup } = SEARCH;
    const inWorker = await page.evaluate((a) => globalThis.bench.searchSpeed(...a), [bug, servers, runMs, firstSeed, seeds, warmup]);
    const nativeS = nativeSearch();
    const same = inWorker.events === nativeS.events && inWorker.violated === nativeS.violated;
    const rate = (r) => r.seeds / r.elapsed_ms * 1000;
    rows.push([`counterexample search (${bug}, ${servers} servers, ${runMs / 1000} s/seed), native`, `${fmt(rate(nativeS))} seeds/s`, 'report', '']);
    rows.push([`same seeds in a browser Web Worker (wasm, after ${warmup} untimed seeds)`, `${fmt(rate(inWorker))} seeds/s; ${same ? 'same events and verdicts' : `DIFFERENT runs (events ${inWorker.events} vs ${nativeS.events})`}`, 'report', same ? '' : false]);
    await page.close();
  } finally {
    await browser.close();
    await app.close();
    await benchSite.close();
  }
  return rows;
}

async function main() {
  const rows = await browserRows();
  console.log('\nraftlab browser benchmark (headless Chromium, production build)\n');
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [name, value, goal, met] of rows) {
    const mark = met === '' ? '  ' : met ? '✓ ' : '✗ ';
    console.log(`${mark}${name.padEnd(w)}  ${value}${goal ? `   (goal ${goal})` : ''}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => { console.error(err); process.exit(1); });
}
