// The reader's wasm module as the build made it (www/pkg-validate, from `npm run build`), in
// Node: it reads every scenario file the lab ships, and refuses a malformed document with the
// structured error the page words (`code`, and `params` with the JSON path and the reason); the
// webpack loader that bundles the shipped scenarios with their worlds' bytes runs it too.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './harness.mjs';

const PKG = path.join(ROOT, 'www/pkg-validate');
let validator;

before(async () => {
  validator = await import(pathToFileURL(path.join(PKG, 'raftlab_validate.js')).href);
  validator.initSync({ module: readFileSync(path.join(PKG, 'raftlab_validate_bg.wasm')) });
});

function* scenarioFiles(dir) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* scenarioFiles(p);
    else if (name.endsWith('.json')) yield p;
  }
}

/** What readScenario threw for `text` (fails the test if it did not throw). */
function refusal(text) {
  try {
    validator.readScenario(text);
  } catch (err) {
    return err;
  }
  assert.fail(`accepted: ${text.slice(0, 80)}`);
}

test('the module exports the readers and nothing of the page', () => {
  assert.deepEqual(Object.keys(validator).sort(), ['default', 'initSync', 'readAction', 'readConfig', 'readScenario']);
});

/** What `read(value)` threw (fails the test if it did not throw). */
function thrown(read, value) {
  try {
    read(value);
  } catch (err) {
    return err;
  }
  assert.fail(`accepted: ${JSON.stringify(value).slice(0, 80)}`);
}

// (Whole configurations, as `sim.config()` writes them, go through readConfig in the browser
// tests of the settings panel, side by side and share links.)
test('readConfig refuses a bad configuration as the page did, naming the field', () => {
  const bad = thrown(validator.readConfig, '{"seed": 1, "servers": "3"}');
  assert.equal(bad.code, 'document.configuration');
  assert.equal(bad.params.path, 'servers');
  assert.equal(thrown(validator.readConfig, '{').code, 'document.configuration');
  assert.equal(thrown(validator.readConfig, '').code, 'document.configuration');
});

test('readAction turns a command object into the page\'s bytes, and names a wrong field', () => {
  const bytes = validator.readAction({ type: 'crash', server: 2 });
  assert.ok(bytes instanceof Uint8Array);
  assert.deepEqual([...bytes], [1, 0, 2], 'format version 1, tag 0 (crash), server 2');
  assert.deepEqual([...validator.readAction({ type: 'heal' })], [1, 7]);
  const op = validator.readAction({ type: 'client_op', client: 1, read_index: false, op: { kind: 'put', key: 'çğ', value: '🦀' } });
  assert.ok(op.length > 8);
  const err = thrown(validator.readAction, { type: 'set_link', from: 1, to: 2, link: { loss_ppm: 'x' } });
  assert.equal(err.code, 'document.action');
  assert.equal(err.params.path, 'link.loss_ppm');
  assert.equal(thrown(validator.readAction, { type: 'explode' }).code, 'document.action');
  assert.equal(thrown(validator.readAction, null).code, 'document.action');
  assert.equal(thrown(validator.readAction, () => 1).code, 'document.action');
});

test('every scenario file the lab ships reads into the bytes of its world', () => {
  const files = [...scenarioFiles(path.join(ROOT, 'scenarios'))];
  assert.ok(files.some((f) => f.includes(`${path.sep}tutorial${path.sep}`)) && files.some((f) => f.includes(`${path.sep}examples${path.sep}`)));
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const bytes = validator.readScenario(text);
    assert.ok(bytes instanceof Uint8Array && bytes.length > 50, file);
    assert.equal(bytes[0], 1, `${file}: format version 1`);
    // The same document laid out otherwise: the same world.
    assert.deepEqual(validator.readScenario(JSON.stringify(JSON.parse(text))), bytes, file);
  }
});

test('the bytes are those of the cluster alone: the steps and the name do not change them, the seed does', () => {
  const read = (doc) => [...validator.readScenario(JSON.stringify(doc))];
  const cluster = { servers: 5, seed: 7, pre_vote: true };
  const plain = read({ cluster, steps: [] });
  assert.deepEqual(read({ name: 'other', cluster, steps: [{ crash: 'leader' }, { run_ms: 500 }] }), plain);
  assert.notDeepEqual(read({ cluster: { ...cluster, seed: 8 }, steps: [] }), plain);
  assert.notDeepEqual(read({ cluster: { ...cluster, pre_vote: false }, steps: [] }), plain);
});

// The webpack loader of the bundled scenarios (scripts/scenario-loader.cjs), run as webpack runs it.
const loader = createRequire(import.meta.url)(path.join(ROOT, 'scripts/scenario-loader.cjs'));

/** Runs the loader on `text` as the file `resourcePath`; resolves to [error, output]. */
function runLoader(text, resourcePath) {
  return new Promise((resolve) => {
    const deps = [];
    const context = { resourcePath, addDependency: (d) => deps.push(d), async: () => (err, out) => resolve([err, out, deps]) };
    loader.call(context, text);
  });
}

test('the scenario loader bundles a file with the bytes the reader gives, and depends on the reader', async () => {
  const file = path.join(ROOT, 'scenarios/tutorial/08-partitions.json');
  const text = readFileSync(file, 'utf8');
  const [err, out, deps] = await runLoader(text, file);
  assert.equal(err ?? null, null);
  const bundled = JSON.parse(out);
  assert.deepEqual(bundled.document, JSON.parse(text));
  assert.deepEqual(bundled.cluster, [...validator.readScenario(text)]);
  assert.ok(deps.some((d) => d.endsWith('raftlab_validate_bg.wasm')), 'a rebuilt reader rebuilds the scenarios');
});

test('the scenario loader fails the build with the reader\'s message for a file it refuses', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'raftlab-scenario-'));
  try {
    const file = path.join(dir, 'broken.json');
    const text = JSON.stringify({ cluster: { servers: 3 }, steps: [{ crash: 'sideways' }] });
    writeFileSync(file, text);
    const [err, out] = await runLoader(text, file);
    assert.equal(out, undefined);
    assert.ok(err instanceof Error);
    assert.match(err.message, /broken\.json: invalid scenario: steps\[0\]\.crash: /);
    assert.ok(err.message.endsWith(refusal(text).message), err.message);
    const [syntax] = await runLoader('{ "cluster": ', file);
    assert.match(syntax.message, /broken\.json: invalid scenario: line 1, column \d+/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a malformed step is refused with its path and reason', () => {
  const doc = { cluster: { servers: 3, seed: 5 }, steps: [{ expect: { leader: {} }, within_ms: 5000 }, { crash: 'sideways' }] };
  const err = refusal(JSON.stringify(doc));
  assert.ok(err instanceof Error);
  assert.equal(err.code, 'document.scenario.invalid');
  assert.equal(err.params.path, 'steps[1].crash');
  assert.match(err.params.detail, /sideways/);
  assert.equal(err.message, `invalid scenario: steps[1].crash: ${err.params.detail}`);
  // A reference to a server the cluster does not have: a whole-document check.
  assert.equal(refusal(JSON.stringify({ cluster: { servers: 3 }, steps: [{ crash: 7 }] })).params.path, 'steps[0].crash');
});

test('text that is not a scenario document is refused as a whole', () => {
  const syntax = refusal('{ "cluster": { "servers": 3 ');
  assert.equal(syntax.code, 'document.scenario.syntax');
  assert.equal(syntax.params.line, 1);
  for (const [text, what] of [['[]', 'not an array'], ['"x"', 'not a string'], ['null', 'not null']]) {
    const err = refusal(text);
    assert.equal(err.code, 'document.scenario.invalid', text);
    assert.equal(err.params.path, '.', text);
    assert.match(err.params.detail, new RegExp(what), text);
  }
  const big = refusal(' '.repeat(4 * 1024 * 1024 + 1));
  assert.equal(big.code, 'document.scenario.tooLarge');
});
