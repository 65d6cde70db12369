// The reader: the lab's second wasm module (www/pkg-validate, `src/wasm/validator.rs`), in a
// chunk fetched on first use. It holds the general readers that the page's own module leaves
// out to stay small (issue 6):
//   readScenario(text)      a whole scenario document, checked, as the bytes of its cluster's
//                           world for `Simulation.fromConfigBytes` (an embed's scenario URL; the
//                           scenarios the lab ships were read at build time, by the same module:
//                           scripts/scenario-loader.cjs);
//   readConfig(json)        a world configuration (the `SimConfig` document of `sim.config()`),
//                           checked, as bytes for `Simulation.fromConfigBytes`;
//   readAction(object)      a command of the command log, as bytes for `sim.applyActionBytes`.
// The settings panel, side by side, share links / saved sessions and the tutorial's Back build
// through it. A failed fetch is explained in the lab's notice area and the next use fetches
// again (./lazy.js).
import { lazyPart } from './lazy.js';

/** One loader per lab: a failed fetch is reported in that lab's notice area. */
const loaders = new WeakMap();

/**
 * Resolves to the reader module for `app` (fetched and instantiated on the first call), or to
 * null when it could not be fetched: the lab then shows why, and the next call fetches again.
 */
export function loadReader(app) {
  let load = loaders.get(app);
  if (!load) {
    load = lazyPart(app, async () => {
      const m = await import(/* webpackChunkName: "reader" */ './pkg-validate/raftlab_validate.js');
      // Fetches and instantiates the module's wasm (an asset of the chunk); after a failure
      // the glue is left uninitialised, so the next call fetches it again.
      await m.default();
      return m;
    }, (m) => m);
    loaders.set(app, load);
  }
  return load();
}

/**
 * Reads and checks a whole scenario document. Resolves to the bytes of its cluster's world (for
 * `Simulation.fromConfigBytes`); to null when the reader could not be fetched (the lab shows
 * why, and the next call fetches it again). Throws the reader's error when the document is
 * invalid: an Error with `code` and `params` (the JSON path and the reason) that
 * `describeError` words in the lab's language.
 */
export async function readScenario(app, text) {
  const reader = await loadReader(app);
  return reader ? reader.readScenario(text) : null;
}

/** A world configuration object as JSON text, with the exact 64-bit `seed` (decimal text: a JS number cannot hold it). */
export function configJson(config, seed) {
  if (!/^\d{1,20}$/.test(String(seed))) throw new TypeError(`not a seed: ${seed}`);
  return JSON.stringify({ ...config, seed: '__SEED__' }).replace('"__SEED__"', String(seed));
}

/**
 * A new Simulation of the page's module (`bindings`) from a world configuration object and
 * its seed, read by `reader` (a module from `loadReader`). Throws the error the configuration
 * earns: `document.configuration` with the path of a wrong field, or the world's own.
 */
export function simulationFromConfig(bindings, reader, config, seed) {
  return bindings.Simulation.fromConfigBytes(reader.readConfig(configJson(config, seed)));
}
