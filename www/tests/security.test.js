// Page security and hostile input (issue 9): the shipped Content-Security-Policy, no markup or
// code sinks fed with outside text, hostile session documents, replay budget, embed requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SessionError, decodeSession, parseSessionFile, encodeSession } from '../share/codec.js';
import { REPLAY_BUDGET_MS, ReplayTimeout, replay } from '../share/replay.js';
import { allowedOrigins, checkRequest, isScenarioUrl } from '../embed/options.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PAGES = ['index.html', 'www/embed/embed.html', 'www/docs/docs.html'];

/** The directives of the CSP meta tag of an HTML file, as { name: [values] }. */
function csp(file) {
  const html = readFileSync(path.join(ROOT, file), 'utf8');
  const m = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
  assert.ok(m, `${file} has a CSP meta tag`);
  return Object.fromEntries(m[1].split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v]));
}

test('every page ships a CSP that allows only what the app needs', () => {
  for (const file of PAGES) {
    const p = csp(file);
    assert.deepEqual(p['default-src'], ["'self'"], file);
    assert.deepEqual(p['script-src'], ["'self'", "'wasm-unsafe-eval'"], `${file}: scripts from self, wasm only, no inline/eval`);
    assert.deepEqual(p['object-src'], ["'none'"], file);
    assert.deepEqual(p['base-uri'], ["'none'"], file);
    assert.deepEqual(p['form-action'], ["'none'"], file);
    for (const [k, v] of Object.entries(p)) {
      assert.ok(!v.includes("'unsafe-inline'") || k === 'style-src-attr', `${file}: ${k} allows unsafe-inline`);
      assert.ok(!v.includes("'unsafe-eval'"), `${file}: ${k} allows unsafe-eval`);
      assert.ok(!v.includes('*') && !v.includes('data:') || k === 'img-src', `${file}: ${k} is too wide: ${v}`);
    }
    // Workers (the counterexample search) fall back to script-src 'self' when worker-src is absent.
    for (const k of ['worker-src', 'child-src']) if (p[k]) assert.deepEqual(p[k], ["'self'"], `${file}: ${k}`);
    const html = readFileSync(path.join(ROOT, file), 'utf8');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>\s*\S/, `${file}: no inline script`);
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, `${file}: no inline event handler`);
  }
});

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) { if (!['pkg', 'pkg-validate', 'tests'].includes(name)) yield* sources(p); } else if (p.endsWith('.js')) yield p;
  }
}

test('no code in www/ writes markup or code from text (beyond the lint rules)', () => {
  const sinks = [
    [/document\.write(ln)?\s*\(/, 'document.write'],
    [/\.srcdoc\b/, 'srcdoc'],
    [/new\s+Function\s*\(/, 'new Function'],
    [/\b(setTimeout|setInterval)\s*\(\s*['"`]/, 'string timer'],
    [/\.(innerHTML|outerHTML)\b|insertAdjacentHTML|createContextualFragment|DOMParser/, 'HTML parser sink'],
    [/['"`]javascript:/i, 'javascript: URL'],
    [/\.setAttribute\(\s*['"]on/i, 'inline handler attribute'],
  ];
  const found = [];
  for (const file of sources(path.join(ROOT, 'www'))) {
    // The one HTML parse: the lab's own bundled markup (a build-time import), parsed inert.
    const text = readFileSync(file, 'utf8').replace('new DOMParser().parseFromString(`<!doctype html><body>${markup}`', '');
    for (const [re, what] of sinks) if (re.test(text)) found.push(`${path.relative(ROOT, file)}: ${what}`);
    // Every assignment to a link's href must be a blob: URL or built by new URL() from the page's own location.
    for (const m of text.matchAll(/\.href\s*=\s*([^;]+);|setAttribute\(\s*'href'\s*,\s*([^)]+)\)/g)) {
      const rhs = (m[1] ?? m[2]).trim();
      if (!/^(URL\.createObjectURL\(|url\.href$)/.test(rhs)) found.push(`${path.relative(ROOT, file)}: href = ${rhs}`);
    }
  }
  assert.deepEqual(found, []);
});

const code = (fn) => { try { fn(); } catch (err) { assert.ok(err instanceof SessionError, err); return err.key; } return null; };
const file = (obj) => JSON.stringify({ format: 'raftlab-session', ...obj });
const good = { v: 1, seed: '7', config: { servers: 3 }, commands: [], at: { steps: 10, nowMs: 100 } };

test('hostile session files are refused with a reason: wrong types, 10 MB strings, deep nesting', () => {
  assert.equal(code(() => parseSessionFile(file({ ...good, seed: 7 }))), 'share.error.invalid');
  assert.equal(code(() => parseSessionFile(file({ ...good, commands: {} }))), 'share.error.invalid');
  assert.equal(code(() => parseSessionFile(file({ ...good, commands: [null] }))), 'share.error.invalid');
  assert.equal(code(() => parseSessionFile(file({ ...good, commands: [{ step: 1.5, timeMs: 0, action: { type: 'heal' } }] }))), 'share.error.invalid');
  assert.equal(code(() => parseSessionFile(file({ ...good, commands: [{ step: 5, timeMs: 0, action: { type: 'heal' } }, { step: 2, timeMs: 0, action: { type: 'heal' } }] }))), 'share.error.invalid');
  assert.equal(code(() => parseSessionFile(file({ ...good, at: { steps: Number.MAX_SAFE_INTEGER + 2, nowMs: 0 } }))), 'share.error.invalid');
  assert.equal(code(() => parseSessionFile(file({ ...good, traceHash: '<img src=x onerror=alert(1)>' }))), 'share.error.invalid');
  assert.equal(code(() => parseSessionFile(file({ ...good, name: 'x'.repeat(10 * 1024 * 1024) }))), 'share.error.tooLarge');
  assert.equal(code(() => parseSessionFile(`${'['.repeat(200_000)}${']'.repeat(200_000)}`)), 'share.error.notSession');
  assert.equal(code(() => parseSessionFile('{"format":"raftlab-session",' + '"a":{'.repeat(50_000) + '}'.repeat(50_001))), 'share.error.invalid');
  assert.equal(code(() => parseSessionFile(JSON.stringify(good).slice(0, 30))), 'share.error.notJson');
  // A prototype key is plain data: the result has no polluted prototype.
  const proto = parseSessionFile(file(good).replace('{', '{"__proto__":{"polluted":1},'));
  assert.equal(proto.polluted, undefined);
  assert.equal({}.polluted, undefined);
});

/** The reader's bytes of `{ type: 'heal' }` (format version 1, tag 7): replay only passes them on. */
const HEAL = Uint8Array.of(1, 7);

test('a share link whose moment is out of reach is refused by the replay budget, not a frozen page', () => {
  // A world that always has another step (workload on): it never stops by itself.
  const endless = { steps: 0, nowMs: 0, seekStep(n) { this.steps = n; this.nowMs += 1; }, seek(t) { this.nowMs = t; this.steps += 5; }, applyActionBytes() {} };
  let t = 0;
  const clock = () => (t += 50);
  assert.throws(() => replay(endless, [], { steps: Number.MAX_SAFE_INTEGER, nowMs: 0 }, clock), ReplayTimeout);
  assert.ok(t <= REPLAY_BUDGET_MS + 200, `stopped within the budget (${t} ms)`);
  const far = { ...endless, steps: 0, nowMs: 0 };
  t = 0;
  assert.throws(() => replay(far, [{ step: 0, timeMs: Number.MAX_SAFE_INTEGER, bytes: HEAL }], null, clock), /replay stopped/);
  // A reachable moment replays in chunks to exactly the same place.
  const small = { ...endless, steps: 0, nowMs: 0 };
  replay(small, [], { steps: 50_000, nowMs: 0 }, () => 0);
  assert.equal(small.steps, 50_000);
  // An idle world (nothing left to run) ends the replay instead of spinning.
  const idle = { steps: 3, nowMs: 0, seekStep() {}, seek(t2) { this.nowMs = t2; }, applyActionBytes() {} };
  replay(idle, [], { steps: 1_000, nowMs: 10 }, () => 0);
  assert.equal(idle.nowMs, 10);
});

test('a replay applies each command\'s bytes when the world reaches its step and time, in order', () => {
  const applied = [];
  const sim = {
    steps: 0, nowMs: 0,
    seekStep(n) { this.steps = n; this.nowMs = n * 10; },
    seek(t) { this.nowMs = t; this.steps = Math.floor(t / 10); },
    applyActionBytes(bytes) { applied.push([this.steps, this.nowMs, [...bytes]]); this.steps += 1; },
  };
  const crash = Uint8Array.of(1, 0, 2);
  replay(sim, [{ step: 3, timeMs: 35, bytes: crash }, { step: 9, timeMs: 90, bytes: HEAL }], { steps: 12, nowMs: 130 }, () => 0);
  assert.deepEqual(applied, [[3, 35, [1, 0, 2]], [9, 90, [...HEAL]]]);
  assert.deepEqual([sim.steps, sim.nowMs], [13, 130]);
  // A command whose step the world already passed is out of order: refused, not reordered.
  assert.throws(() => replay({ ...sim, steps: 5 }, [{ step: 2, timeMs: 0, bytes: HEAL }], null, () => 0), /out of order/);
});

test('links are bounded before they are decoded', () => {
  const link = encodeSession({ ...good, commands: Array.from({ length: 5_001 }, (_, i) => ({ step: i, timeMs: i, action: { type: 'heal' } })) });
  assert.equal(code(() => decodeSession(link)), 'share.error.invalid');
  assert.equal(code(() => decodeSession(`1.${'<img src=x onerror=alert(1)>'}`)), 'share.error.corrupt');
});

test('embed postMessage: only listed http(s) origins, every field checked', () => {
  assert.deepEqual(allowedOrigins('*', 'https://self.example'), ['https://self.example']);
  assert.deepEqual(allowedOrigins('null', 'https://self.example'), ['https://self.example']);
  assert.deepEqual(allowedOrigins('data:text/html,x,file:///etc', 'https://self.example'), ['https://self.example']);
  assert.equal(checkRequest({ type: 'raftlab', id: 'x'.repeat(65), command: 'state' }), null);
  assert.equal(checkRequest({ type: 'raftlab', id: 1.5, command: 'state' }), null);
  assert.equal(checkRequest({ type: 'raftlab', id: { toString: 1 }, command: 'state' }), null);
  assert.equal(checkRequest({ type: 'raftlab', command: 'load', scenario: 'data:application/json,{}' }), null);
  assert.equal(checkRequest({ type: 'raftlab', command: 'load', scenario: '<img src=x onerror=alert(1)>' }), null);
  assert.equal(checkRequest({ type: 'raftlab', command: 'load', scenario: 42 }), null);
  assert.equal(checkRequest({ type: 'raftlab', command: 'constructor' }), null);
  assert.equal(checkRequest({ type: 'raftlab', command: 'setLanguage', lang: ['en'] }), null);
  assert.equal(checkRequest(null), null);
  assert.equal(checkRequest([]), null);
  for (const url of ['javascript:alert(1)//.json', 'data:,x.json', 'blob:https://a/x.json', 'file:///x.json', 'https://a.example/x.js']) {
    assert.equal(isScenarioUrl(url), false, url);
  }
  assert.equal(isScenarioUrl('scenarios/a.json'), true);
});
