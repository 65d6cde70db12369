// `npm run bench`: every benchmark of issue 6, one table. Measures and prints; asserts nothing
// (a benchmark measures, tests assert behaviour).
//
//   npm run bench                        everything (≈ 15 min on the 2-core machine)
//   npm run bench -- --only core,sim     some parts: core, sim, criterion, browser
//   npm run bench -- --write             also puts the table into BENCHMARKS.md
//   npm run bench -- --runs 5            runs per native figure (median; default 3)
//
// Parts:
//   core      bench/raft-compare: raftlab's core vs tikv/raft-rs 0.7, one identical driver loop
//   sim       examples/sim_speed (the fixed 5-server world under load, every checker on) and the
//             native chaos sweep (`raftlab sweep`)
//   criterion cargo bench --bench core --bench sim (figures read from criterion's estimates)
//   browser   bench/browser/run.mjs: sizes, first frame, frame times, seek, memory, wasm vs
//             native, counterexample search in a Web Worker
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARGET = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
const PARTS = ['core', 'sim', 'criterion', 'browser'];
const SIM_RUN_MS = 60_000;
const SWEEP_SEEDS = 300;

/** Parses `--only a,b`, `--runs N`, `--write`; rejects anything else with the usage line. */
export function parseArgs(argv) {
  const opts = { parts: [...PARTS], runs: 3, write: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--write') opts.write = true;
    else if (a === '--only' && argv[i + 1]) {
      opts.parts = argv[++i].split(',').map((s) => s.trim()).filter(Boolean);
      const bad = opts.parts.filter((p) => !PARTS.includes(p));
      if (bad.length || !opts.parts.length) throw new Error(`--only takes some of ${PARTS.join(',')}; got ${argv[i]}`);
    } else if (a === '--runs' && /^[1-9]\d?$/.test(argv[i + 1] ?? '')) opts.runs = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}; usage: npm run bench -- [--only ${PARTS.join(',')}] [--runs N] [--write]`);
  }
  return opts;
}

const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20, ...opts });
const fmt = (x, digits = 1) => x.toFixed(digits);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const thousands = (x) => Math.round(x).toLocaleString('en-US');
const row = (metric, value, goal = '', met = '') => [metric, value, goal, met];

/**
 * The rows of raft-compare's Markdown table, columns found by their header names (`servers`,
 * `batch`, `raftlab`, `raft-rs`, `ratio`, `raftlab (CPU)`, `raft-rs (CPU)`, `ratio (CPU)`).
 */
export function parseCompareTable(text) {
  const cellsOf = (line) => line.split('|').slice(1, -1).map((c) => c.trim());
  const lines = text.split('\n').filter((l) => l.trim().startsWith('|'));
  const header = lines.find((l) => cellsOf(l)[0] === 'servers');
  if (!header) return [];
  const names = cellsOf(header);
  const col = (name) => {
    const i = names.indexOf(name);
    if (i < 0) throw new Error(`raft-compare's table has no "${name}" column: ${header}`);
    return i;
  };
  const ratio = (c) => Number(c.replace(/[*x×]/g, ''));
  return lines.map(cellsOf).filter((c) => /^\d+$/.test(c[0])).map((c) => ({
    servers: Number(c[col('servers')]), batch: Number(c[col('batch')]),
    ours: c[col('raftlab')], theirs: c[col('raft-rs')], ratio: ratio(c[col('ratio')]),
    oursCpu: c[col('raftlab (CPU)')], theirsCpu: c[col('raft-rs (CPU)')], cpuRatio: ratio(c[col('ratio (CPU)')]),
  }));
}

function coreRows(opts) {
  const out = sh('cargo', ['run', '--quiet', '--release', '--manifest-path', 'bench/raft-compare/Cargo.toml', '--', '--runs', String(opts.runs)], { env: { ...process.env, CARGO_TARGET_DIR: path.join(ROOT, 'bench/raft-compare/target') } });
  const cases = parseCompareTable(out);
  if (cases.length !== 4) throw new Error(`raft-compare printed ${cases.length} cases, expected 4:\n${out}`);
  return cases.map((c) => row(
    `core vs raft-rs, ${c.servers} servers, batch ${c.batch} (entries/s, wall; CPU)`,
    `${c.ours} vs ${c.theirs} = ${fmt(c.ratio, 2)}×; CPU ${c.oursCpu} vs ${c.theirsCpu} = ${fmt(c.cpuRatio, 2)}×`,
    '≥ 2.0×', c.ratio >= 2 && c.cpuRatio >= 2));
}

function simRows(opts) {
  sh('cargo', ['build', '--quiet', '--release', '--example', 'sim_speed', '--bin', 'raftlab'], { stdio: 'inherit' });
  const bin = (p) => path.join(TARGET, 'release', p);
  const configPath = path.join(tmpdir(), 'raftlab-bench-config.json');
  writeFileSync(configPath, sh(bin('examples/sim_speed'), ['--print-config']));
  // One untimed run first, as the browser figures have: the first run after another heavy phase
  // (raft-compare just before keeps both cores busy) reads ≈ 50 % slower on this shared VM
  // (63 ms against 41–44 ms after a minute of load, BENCHMARKS.md, "Simulator").
  sh(bin('examples/sim_speed'), [configPath, String(SIM_RUN_MS)]);
  const runs = Array.from({ length: opts.runs }, () => JSON.parse(sh(bin('examples/sim_speed'), [configPath, String(SIM_RUN_MS)])));
  const best = runs.map((r) => ({ dps: r.deliveries / r.elapsed_ms * 1000, rt: r.virtual_ms / r.elapsed_ms, ...r }));
  const dps = median(best.map((r) => r.dps));
  const rt = median(best.map((r) => r.rt));
  const perVirtualSecond = best[0].deliveries / (SIM_RUN_MS / 1000);
  const sweeps = Array.from({ length: opts.runs }, () => JSON.parse(sh(bin('raftlab'), ['sweep', '--seeds', String(SWEEP_SEEDS), '--json'])));
  const seedsPerSecond = median(sweeps.map((s) => s.seeds / s.seconds));
  return [
    row(`simulator, 5 servers under load, every checker on (${SIM_RUN_MS / 1000} s virtual; ${thousands(perVirtualSecond)} deliveries per virtual s)`, `${thousands(dps)} deliveries/s`, '≥ 1,000,000/s', dps >= 1e6),
    row('simulator, same run: speed vs real time', `${thousands(rt)}×`, '≥ 1000×', rt >= 1000),
    row(`chaos sweep, native, one thread (${SWEEP_SEEDS} seeds, default options)`, `${fmt(seedsPerSecond)} seeds/s; ${sweeps[0].failed.length} failed`, 'report', sweeps[0].failed.length ? false : ''),
  ];
}

/** Criterion's point estimates (target/criterion/<group>/<bench>/new/estimates.json). */
function criterionRows() {
  sh('cargo', ['bench', '--quiet', '--bench', 'core', '--bench', 'sim'], { stdio: 'inherit' });
  const base = path.join(TARGET, 'criterion');
  const rows = [];
  for (const group of existsSync(base) ? readdirSync(base).sort() : []) {
    for (const bench of walk(path.join(base, group))) {
      const est = JSON.parse(readFileSync(path.join(bench, 'new/estimates.json'), 'utf8'));
      const meta = JSON.parse(readFileSync(path.join(bench, 'new/benchmark.json'), 'utf8'));
      const ns = est.median.point_estimate;
      const elems = meta.throughput?.Elements;
      const per = elems ? `; ${thousands(elems / ns * 1e9)} elements/s` : '';
      rows.push(row(`criterion ${meta.full_id}`, `${fmt(ns / 1e6, 3)} ms median${per}`));
    }
  }
  return rows;
}

/** Directories holding a criterion `new/estimates.json`, below `dir`. */
function walk(dir) {
  if (existsSync(path.join(dir, 'new/estimates.json'))) return [dir];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'report')
    .flatMap((d) => walk(path.join(dir, d.name)));
}

async function browserRowsPart() {
  const { browserRows } = await import('./browser/run.mjs');
  return browserRows();
}

/** The table as Markdown. */
export function markdown(sections) {
  const lines = ['| | metric | figure | goal |', '|---|---|---|---|'];
  for (const [title, rows] of sections) {
    lines.push(`| **${title}** | | | |`);
    for (const [metric, value, goal, met] of rows) {
      const mark = met === '' ? '' : met ? '✓' : '✗';
      lines.push(`| ${mark} | ${metric} | ${value} | ${goal} |`);
    }
  }
  return lines.join('\n');
}

function machine() {
  const cpu = cpus();
  const rustc = sh('rustc', ['--version']).trim();
  const chromium = (() => { try { return sh('chromium', ['--version']).trim(); } catch { return 'chromium: not found'; } })();
  return `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${cpu.length} × ${cpu[0]?.model ?? 'cpu'} · load ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end · ${rustc} · node ${process.version} · ${chromium}`;
}

/** Replaces the text between the BENCH markers of BENCHMARKS.md. */
export function spliceTable(doc, table) {
  const start = '<!-- bench:table:start -->';
  const end = '<!-- bench:table:end -->';
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`BENCHMARKS.md lacks the ${start} … ${end} markers`);
  return `${doc.slice(0, i + start.length)}\n${table}\n${doc.slice(j)}`;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const sections = [];
  const plan = { core: ['Core vs raft-rs (bench/raft-compare)', () => coreRows(opts)], sim: ['Simulator, native', () => simRows(opts)], criterion: ['Criterion (benches/core.rs, benches/sim.rs)', criterionRows], browser: ['Browser (headless Chromium, production build)', browserRowsPart] };
  for (const part of PARTS.filter((p) => opts.parts.includes(p))) {
    const [title, run] = plan[part];
    console.error(`\n[bench] ${title} …`);
    const started = Date.now();
    sections.push([title, await run()]);
    console.error(`[bench] ${title}: ${Math.round((Date.now() - started) / 1000)} s`);
  }
  const table = `${markdown(sections)}\n\nMachine: ${machine()}`;
  console.log(`\nraftlab benchmarks (npm run bench)\n\n${table}`);
  if (opts.write) {
    const file = path.join(ROOT, 'BENCHMARKS.md');
    writeFileSync(file, spliceTable(readFileSync(file, 'utf8'), table));
    console.error('[bench] BENCHMARKS.md updated');
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => { console.error(err.message ?? err); process.exit(1); });
}
