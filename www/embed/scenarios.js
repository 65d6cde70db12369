// Scenario files an embed can name (`scenario="leader_crash"`): the examples and the tutorial
// chapters, bundled; any other value must be a URL to a scenario JSON file (validated in full
// before it plays: ../reader.js).
import { isScenarioUrl } from './options.js';

const examples = import.meta.webpackContext('../../scenarios/examples', { regExp: /\.json$/, recursive: false });
const tutorial = import.meta.webpackContext('../../scenarios/tutorial', { regExp: /\.json$/, recursive: false });
const MAX_BYTES = 4_000_000;

export function scenarioNames() {
  return [...examples.keys(), ...tutorial.keys()].map((k) => k.replace(/^\.\//, '').replace(/\.json$/, ''));
}

/**
 * The scenario's JSON text, by name or URL, as `{ text, bundled }`: `bundled` is true for our
 * own files (validated by the Rust test suite), false for text fetched from a URL.
 */
export async function scenarioText(nameOrUrl) {
  for (const ctx of [examples, tutorial]) {
    const key = `./${nameOrUrl}.json`;
    if (ctx.keys().includes(key)) return { text: JSON.stringify(ctx(key)), bundled: true };
  }
  if (!isScenarioUrl(nameOrUrl)) throw new Error(`unknown scenario “${nameOrUrl}”`);
  const res = await fetch(new URL(nameOrUrl, globalThis.location.href), { credentials: 'omit' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  // Refuse a declared oversize body before reading it into memory.
  if (Number(res.headers.get('content-length') ?? 0) > MAX_BYTES) throw new Error('too large');
  const text = await res.text();
  if (text.length > MAX_BYTES) throw new Error('too large');
  return { text, bundled: false };
}
