// Full validation of scenario text the lab did not ship (an embed's scenario URL, `load(url)`):
// the page's wasm reads only a scenario's cluster section (the player plays the steps), so every
// step of outside text is checked first by the validator, its own small wasm module
// (www/pkg-validate, `validateScenario`) in a chunk fetched on first use. The bundled scenarios
// skip it: the Rust test suite validates every file under scenarios/.
import { lazyPart } from '../lazy.js';

/** One loader per lab: a failed fetch is reported in that lab's notice area (lazy.js). */
const loaders = new WeakMap();

function loader(app) {
  let load = loaders.get(app);
  if (!load) {
    load = lazyPart(app, async () => {
      const m = await import(/* webpackChunkName: "validator" */ '../pkg-validate/raftlab_validate.js');
      // Fetches and instantiates the module's wasm (an asset of the chunk); after a failure
      // the glue is left uninitialised, so the next call fetches it again.
      await m.default();
      return m;
    }, (m) => m.validateScenario);
    loaders.set(app, load);
  }
  return load;
}

/**
 * Checks a whole scenario document. Resolves to true when it is valid; to false when the
 * validator could not be fetched (the lab shows why, and the next call fetches it again).
 * Throws the validator's error when the document is invalid: an Error with `code` and `params`
 * (the JSON path and the reason) that `describeError` words in the lab's language.
 */
export async function validateScenario(app, text) {
  const validate = await loader(app)();
  if (!validate) return false;
  validate(text);
  return true;
}
