// Rebuilds the dev wasm when a file under src/ or Cargo.toml changes; webpack-dev-server then
// sees www/pkg change and reloads the page. One build at a time; changes during a build queue one more.
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEBOUNCE_MS = 200;
let building = false;
let pending = false;
let timer = null;

function build() {
  if (building) { pending = true; return; }
  building = true;
  console.log('[raftlab] Rust source changed: rebuilding the wasm …');
  const child = spawn('bash', ['scripts/build-wasm.sh', 'dev'], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => {
    building = false;
    console.log(code === 0 ? '[raftlab] wasm rebuilt; the page reloads'
      : `[raftlab] wasm build failed (exit ${code}); fix the error and save again`);
    if (pending) { pending = false; build(); }
  });
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(build, DEBOUNCE_MS);
}

watch(path.join(root, 'src'), { recursive: true }, schedule);
watch(path.join(root, 'Cargo.toml'), schedule);
