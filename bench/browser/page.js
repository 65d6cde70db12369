// Timing helpers over the wasm facade, called by bench/browser/run.mjs through page.evaluate.
import * as raftlab from '../../www/pkg/raftlab.js';
import { memory } from '../../www/pkg/raftlab_bg.wasm';

/** A world from a SimConfig as the reader's module encodes it (bench/browser/run.mjs reads it). */
const build = (config) => raftlab.Simulation.fromConfigBytes(Uint8Array.from(config));

/** Runs a SimConfig (its bytes, see `build`) for `virtualMs` and reports like examples/sim_speed.rs. */
function simSpeed(config, virtualMs) {
  const sim = build(config);
  const start = performance.now();
  sim.advance(virtualMs);
  const elapsedMs = performance.now() - start;
  const counters = sim.counters();
  const delivered = counters.delivered instanceof Map ? [...counters.delivered.values()] : Object.values(counters.delivered ?? {});
  const deliveries = delivered.reduce((a, b) => a + b, 0);
  const out = { elapsed_ms: elapsedMs, virtual_ms: virtualMs, steps: sim.steps, deliveries, trace_hash: sim.traceHash(), violations: sim.violations().length };
  sim.free();
  return out;
}

/** Builds a run of `virtualMs` under load, then times seeks to `points` spread over it. */
function seekTimes(config, virtualMs, points) {
  const sim = build(config);
  sim.advance(virtualMs);
  const times = [];
  for (let i = 0; i < points; i++) {
    // A fixed scatter (golden-ratio steps) over the whole run, backwards and forwards.
    const t = Math.floor(((i * 0.6180339887) % 1) * virtualMs);
    const start = performance.now();
    sim.seek(t);
    times.push(performance.now() - start);
  }
  sim.free();
  return times;
}

/** Runs `totalMs` of virtual time in `chunkMs` slices; reports wasm memory after each slice. */
function memoryOverTime(config, totalMs, chunkMs) {
  const sim = build(config);
  const samples = [];
  for (let t = chunkMs; t <= totalMs; t += chunkMs) {
    sim.advance(chunkMs);
    samples.push({ virtual_ms: t, heap_bytes: memory.buffer.byteLength });
  }
  sim.free();
  return samples;
}

/** Runs `seeds` seeds of the counterexample search in a Web Worker (after `warmup` untimed ones); resolves with its timing. */
function searchSpeed(bug, servers, runMs, firstSeed, seeds, warmup = 0) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./search-worker.js', import.meta.url));
    worker.onerror = (e) => { worker.terminate(); reject(new Error(e.message)); };
    worker.onmessage = (e) => {
      if (e.data.ready) { worker.postMessage({ bug, servers, runMs, firstSeed, seeds, warmup }); return; }
      worker.terminate();
      if (e.data.error) reject(new Error(e.data.error)); else resolve(e.data);
    };
  });
}

globalThis.bench = { simSpeed, seekTimes, memoryOverTime, searchSpeed, version: raftlab.version() };
document.getElementById('status').textContent = `ready (raftlab ${raftlab.version()})`;
document.body.dataset.ready = 'true';
