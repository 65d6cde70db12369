// Scenario files an embed can name (`scenario="leader_crash"`): the examples and the tutorial
// chapters, bundled with the bytes of their worlds (read at build time by the reader's module:
// scripts/scenario-loader.cjs); any other value must be a URL to a scenario JSON file (read and
// validated in full by the reader before it plays: ../reader.js).
import { isScenarioUrl } from './options.js';

const examples = import.meta.webpackContext('../../scenarios/examples', { regExp: /\.json$/, recursive: false });
const tutorial = import.meta.webpackContext('../../scenarios/tutorial', { regExp: /\.json$/, recursive: false });
const MAX_BYTES = 4_000_000;

export function scenarioNames() {
  return [...examples.keys(), ...tutorial.keys()].map((k) => k.replace(/^\.\//, '').replace(/\.json$/, ''));
}

/**
 * The scenario, by name or URL: `{ doc, cluster }` for our own files (the document, a fresh
 * copy, and the bytes of its world for `Simulation.fromConfigBytes`), `{ text }` for text
 * fetched from a URL (for the reader to read).
 */
export async function scenarioSource(nameOrUrl) {
  for (const ctx of [examples, tutorial]) {
    const key = `./${nameOrUrl}.json`;
    if (ctx.keys().includes(key)) {
      const { document: doc, cluster } = ctx(key);
      return { doc: structuredClone(doc), cluster: Uint8Array.from(cluster) };
    }
  }
  if (!isScenarioUrl(nameOrUrl)) throw new Error(`unknown scenario “${nameOrUrl}”`);
  const res = await fetch(new URL(nameOrUrl, globalThis.location.href), { credentials: 'omit' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  // Refuse a declared oversize body before reading it into memory.
  if (Number(res.headers.get('content-length') ?? 0) > MAX_BYTES) throw new Error('too large');
  const text = await res.text();
  if (text.length > MAX_BYTES) throw new Error('too large');
  return { text };
}
