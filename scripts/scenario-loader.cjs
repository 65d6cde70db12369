// webpack loader of the scenario files the lab bundles (scenarios/examples, scenarios/tutorial;
// webpack.config.js): reads each file with the reader's wasm module (www/pkg-validate, built by
// scripts/build-wasm.sh) in Node, as the lab reads scenario text from a URL, and emits
//   { "document": the scenario, "cluster": [bytes of its cluster's world] }
// The page builds the world from those bytes (`Simulation.fromConfigBytes`), so a bundled
// scenario needs no reader at run time (issue 6). A file the reader refuses fails the build with
// the reader's message.
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const ROOT = path.resolve(__dirname, '..');
const PKG = path.join(ROOT, 'www/pkg-validate');
const GLUE = path.join(PKG, 'raftlab_validate.js');
const WASM = path.join(PKG, 'raftlab_validate_bg.wasm');

/** The instantiated reader, per build of it: `{ stamp, module }` (a promise of the module). */
let cached = null;

/**
 * The reader's module, instantiated in Node (a rebuilt module, e.g. by `npm start`'s watcher, is
 * loaded afresh). Rejects with a hint when it was not built.
 */
function loadReader() {
  let stat;
  try {
    stat = fs.statSync(WASM);
  } catch {
    return Promise.reject(new Error(`${path.relative(ROOT, WASM)} is missing: build the wasm first (bash scripts/build-wasm.sh)`));
  }
  const stamp = `${stat.mtimeMs}-${stat.size}`;
  if (cached?.stamp !== stamp) {
    // A new URL per build: Node keeps one instance of the glue (and its wasm) per URL.
    const module = import(`${pathToFileURL(GLUE).href}?build=${stamp}`).then((m) => {
      m.initSync({ module: fs.readFileSync(WASM) });
      return m;
    });
    cached = { stamp, module };
    module.catch(() => { if (cached?.module === module) cached = null; });
  }
  return cached.module;
}

/**
 * The bundled form of one scenario file's text, as JSON text; throws the reader's error (an
 * Error with `code` and `params`) when the document is not a valid scenario.
 */
function bundled(reader, text) {
  const cluster = reader.readScenario(text);
  return JSON.stringify({ document: JSON.parse(text), cluster: [...cluster] });
}

/** The loader: `source` is the scenario file's text. */
function scenarioLoader(source) {
  const done = this.async();
  const name = path.relative(ROOT, this.resourcePath);
  this.addDependency(WASM);
  this.addDependency(GLUE);
  loadReader()
    .then((reader) => done(null, bundled(reader, source)))
    .catch((err) => done(new Error(`${name}: ${err?.message ?? String(err)}`)));
}

module.exports = scenarioLoader;
module.exports.loadReader = loadReader;
module.exports.bundled = bundled;
