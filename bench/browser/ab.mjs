// Compares the simulator's speed in builds of the page's wasm (bench/wasm-variant.sh) in one
// Chromium page, the builds taking turns, so that the shared machine's slow spells hit each
// build alike (issue 6: the size/speed trade of the wasm-release profile). Each round runs the
// fixed world of the browser benchmark (`sim_speed --print-config`) for the given virtual time
// once in every build, in alternating order; the first run of each build is a warm-up.
//
//   node bench/browser/ab.mjs [--rounds N] [--ms VIRTUAL_MS] NAME…
//
// NAMEs are folders under target/wasm-variants (CARGO_TARGET_DIR is honoured). Prints each
// build's median and fastest run and its speed relative to the first build. Needs the release
// `sim_speed` example and www/pkg-validate (`npm run bench:browser` builds both).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, launchBrowser, serveStatic } from '../../e2e/harness.mjs';
import { configBytes } from './run.mjs';

const target = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');

function parseArgs(argv) {
  const opts = { rounds: 21, ms: 60_000, names: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rounds' || argv[i] === '--ms') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${argv[i - 1]} needs a positive whole number, not ${argv[i]}`);
      opts[argv[i - 1].slice(2)] = n;
    } else opts.names.push(argv[i]);
  }
  if (opts.names.length === 0) throw new Error('name at least one build of bench/wasm-variant.sh');
  for (const n of opts.names) {
    if (!existsSync(path.join(target, 'wasm-variants', n, 'raftlab_bg.wasm'))) throw new Error(`no build ${n}: run bash bench/wasm-variant.sh ${n} OPT_LEVEL first`);
  }
  return opts;
}

/** A folder with every build and a page that loads them all and times `run(name, config, ms)`. */
function site(names) {
  const dir = mkdtempSync(path.join(tmpdir(), 'raftlab-ab-'));
  for (const n of names) cpSync(path.join(target, 'wasm-variants', n), path.join(dir, n), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><script type="module">
const builds = {};
for (const n of ${JSON.stringify(names)}) {
  const m = await import('./' + n + '/raftlab.js');
  await m.default({ module_or_path: './' + n + '/raftlab_bg.wasm' });
  builds[n] = m;
}
globalThis.run = (n, config, ms) => {
  const sim = builds[n].Simulation.fromConfigBytes(Uint8Array.from(config));
  const start = performance.now();
  sim.advance(ms);
  const elapsed = performance.now() - start;
  const hash = sim.traceHash();
  sim.free();
  return { elapsed, hash };
};
document.body.dataset.ready = 'true';
</script>`);
  return dir;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const { rounds, ms, names } = parseArgs(process.argv.slice(2));
  const configJson = execFileSync(path.join(target, 'release/examples/sim_speed'), ['--print-config'], { encoding: 'utf8' });
  const config = await configBytes(configJson);
  const dir = site(names);
  const server = await serveStatic(dir, '/');
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    const times = Object.fromEntries(names.map((n) => [n, []]));
    const hashes = new Set();
    const once = (n) => page.evaluate(([n, c, ms]) => globalThis.run(n, c, ms), [n, config, ms]);
    for (const n of names) hashes.add((await once(n)).hash);
    for (let r = 0; r < rounds; r++) {
      for (const n of r % 2 ? [...names].reverse() : names) {
        const { elapsed, hash } = await once(n);
        times[n].push(elapsed);
        hashes.add(hash);
      }
    }
    // Every build runs the same world: a different trace would make the times incomparable.
    if (hashes.size !== 1) throw new Error(`the builds ran different traces: ${[...hashes].join(', ')}`);
    const base = median(times[names[0]]);
    console.log(`${rounds} rounds of ${ms} virtual ms each (trace ${[...hashes][0]})`);
    for (const n of names) {
      const size = gzipSize(path.join(dir, n, 'raftlab_bg.wasm'));
      console.log(`${n.padEnd(12)} median ${median(times[n]).toFixed(1)} ms, fastest ${Math.min(...times[n]).toFixed(1)} ms, ${(base / median(times[n])).toFixed(3)}x ${names[0]}'s speed; ${size} bytes gzip -9`);
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function gzipSize(file) {
  return execFileSync('gzip', ['-9c', file]).length;
}

main().catch((err) => { console.error(err.message ?? err); process.exit(1); });

