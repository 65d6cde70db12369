// The counterexample search, in its own thread with its own wasm instance: runs seed after
// seed of a bug hunt (searchSeed, logic in src/wasm/search.rs), reports progress, and stops at
// the first violating seed or when the page cancels (by message or by terminating the worker).
import * as raftlab from '../pkg/raftlab.js';

let cancelled = false;

globalThis.onmessage = (e) => {
  const msg = e.data;
  if (msg.type === 'cancel') { cancelled = true; return; }
  if (msg.type === 'start') { cancelled = false; run(msg); }
};

function run({ bug, servers, runMs, firstSeed, seeds }) {
  let seed = BigInt(firstSeed);
  let done = 0;
  const batch = () => {
    const until = performance.now() + 40;
    while (done < seeds && !cancelled && performance.now() < until) {
      let outcome;
      try {
        outcome = raftlab.searchSeed(seed.toString(), bug, servers, runMs);
      } catch (err) {
        // An Error does not survive postMessage whole: pass its code and params on too.
        globalThis.postMessage({ type: 'error', message: err?.message ?? String(err), code: err?.code, params: err?.params });
        return;
      }
      done++;
      if (outcome.violated) {
        globalThis.postMessage({ type: 'found', done, seeds, outcome });
        return;
      }
      seed += 1n;
    }
    if (cancelled) { globalThis.postMessage({ type: 'cancelled', done, seeds }); return; }
    globalThis.postMessage({ type: 'progress', done, seeds, seed: seed.toString() });
    if (done >= seeds) { globalThis.postMessage({ type: 'exhausted', done, seeds }); return; }
    // Yield so a 'cancel' message can arrive between batches.
    setTimeout(batch, 0);
  };
  batch();
}

// The wasm loads asynchronously: messages posted before this module ran would be lost, so the
// page waits for this signal before it sends 'start'.
globalThis.postMessage({ type: 'ready' });
