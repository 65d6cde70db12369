// The counterexample search's seeds, timed in a Web Worker with its own wasm instance, as the
// page's "find a counterexample" runs them (www/break/worker.js). Every seed runs, like
// examples/search_speed.rs natively, so the two seeds/s figures compare like for like.
import * as raftlab from '../../www/pkg/raftlab.js';

globalThis.onmessage = (e) => {
  const { bug, servers, runMs, firstSeed, seeds, warmup = 0 } = e.data;
  try {
    // Untimed seeds after the measured ones first: the engine optimizes the hot code meanwhile.
    for (let i = 0; i < warmup; i++) raftlab.searchSeed(String(firstSeed + seeds + i), bug, servers, runMs);
    const start = performance.now();
    let violated = 0;
    let events = 0;
    for (let i = 0; i < seeds; i++) {
      const outcome = raftlab.searchSeed(String(firstSeed + i), bug, servers, runMs);
      violated += outcome.violated ? 1 : 0;
      events += outcome.events;
    }
    globalThis.postMessage({ seeds, elapsed_ms: performance.now() - start, violated, events });
  } catch (err) {
    globalThis.postMessage({ error: err?.message ?? String(err) });
  }
};

globalThis.postMessage({ ready: true });
