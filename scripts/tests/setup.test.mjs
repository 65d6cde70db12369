// scripts/setup.sh in bad states: each gives a clear message (or does the right thing), with fake
// tools standing in for the slow or networked ones so the test runs offline in seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LOCKED = readFileSync(path.join(ROOT, 'Cargo.lock'), 'utf8')
  .match(/name = "wasm-bindgen"\nversion = "([^"]+)"/)[1];

/** A scratch copy of the project's setup inputs plus a fake $HOME/.cargo/bin for stand-ins. */
function sandbox() {
  const dir = mkdtempSync(path.join(tmpdir(), 'raftlab-setup-'));
  const project = path.join(dir, 'project');
  mkdirSync(project);
  cpSync(path.join(ROOT, 'scripts'), path.join(project, 'scripts'), { recursive: true });
  for (const f of ['Cargo.lock', 'package.json', 'package-lock.json']) {
    copyFileSync(path.join(ROOT, f), path.join(project, f));
  }
  const bin = path.join(dir, 'home/.cargo/bin');
  mkdirSync(bin, { recursive: true });
  const fake = (name, body) => {
    writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  };
  const run = (args = [], env = {}) => spawnSync('bash', [path.join(project, 'scripts/setup.sh'), ...args], {
    encoding: 'utf8',
    env: {
      ...process.env, HOME: path.join(dir, 'home'),
      RUSTUP_HOME: process.env.RUSTUP_HOME ?? path.join(homedir(), '.rustup'),
      CARGO_HOME: process.env.CARGO_HOME ?? path.join(homedir(), '.cargo'), ...env,
    },
  });
  return { dir, project, bin, fake, run, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('an old Node.js is refused with the version it needs', () => {
  const sb = sandbox();
  try {
    sb.fake('node', 'echo v18.20.4');
    const r = sb.run();
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Node\.js 18\.20\.4 is too old: raftlab needs Node\.js 20\.19 or newer/);
  } finally { sb.cleanup(); }
});

test('a stale wasm-bindgen on PATH is replaced by the Cargo.lock version, not used', () => {
  const sb = sandbox();
  try {
    // The fake CLI reports an old version until the fake `cargo install` "installs" the new one.
    sb.fake('wasm-bindgen', `cat "${sb.bin}/wb-version" 2>/dev/null || echo "wasm-bindgen 0.2.100"`);
    sb.fake('cargo', `case "$1" in
  --version) echo "cargo 1.0.0 (fake)";;
  install) echo "$@" > "${sb.bin}/install-args"; echo "wasm-bindgen $4" > "${sb.bin}/wb-version";;
esac`);
    sb.fake('npm', 'mkdir -p node_modules');
    const r = sb.run();
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /wasm-bindgen CLI 0\.2\.100 on PATH .* does not match Cargo\.lock's .*: replacing it/);
    assert.equal(readFileSync(path.join(sb.bin, 'install-args'), 'utf8').trim(),
      `install wasm-bindgen-cli --version ${LOCKED} --force`);
  } finally { sb.cleanup(); }
});

test('an unreachable npm registry is named as the likely cause', () => {
  const sb = sandbox();
  try {
    sb.fake('wasm-bindgen', `echo "wasm-bindgen ${LOCKED}"`);
    // Port 9 on loopback refuses connections at once: a registry that cannot be reached.
    const r = sb.run([], { npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0', npm_config_cache: path.join(sb.dir, 'npm-cache') });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /npm ci failed: is the npm registry reachable\?/);
  } finally { sb.cleanup(); }
});

test('a second run skips every step that is already done', () => {
  const sb = sandbox();
  try {
    sb.fake('wasm-bindgen', `echo "wasm-bindgen ${LOCKED}"`);
    sb.fake('npm', `echo "npm $*" >> "${sb.bin}/npm-calls"; mkdir -p node_modules`);
    assert.equal(sb.run().status, 0);
    const again = sb.run();
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /wasm32-unknown-unknown target: present/);
    assert.match(again.stdout, new RegExp(`wasm-bindgen CLI ${LOCKED.replaceAll('.', '\\.')}: present`));
    assert.match(again.stdout, /npm packages: up to date/);
    assert.equal(readFileSync(path.join(sb.bin, 'npm-calls'), 'utf8').trim().split('\n').length, 1);
  } finally { sb.cleanup(); }
});

test('without root, a missing browser gets the exact install command instead of an obscure failure', () => {
  const sb = sandbox();
  try {
    sb.fake('wasm-bindgen', `echo "wasm-bindgen ${LOCKED}"`);
    sb.fake('npm', 'mkdir -p node_modules');
    sb.fake('id', 'echo 1000');
    const r = sb.run(['--test'], { RAFTLAB_CHROMIUM: path.join(sb.dir, 'no-chromium') });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /sudo apt-get update && sudo apt-get install -y chromium chromium-driver/);
  } finally { sb.cleanup(); }
});
