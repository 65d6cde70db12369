// Texts that follow a language switch: translate() with translated parameters, setText /
// setAttrText / translateDocument (on a minimal stand-in for the DOM), and every key the break
// panels name exists in English (so, by i18n.test.js, in Turkish).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import en from '../i18n/en.js';
import tr from '../i18n/tr.js';
import { loadLanguage, language, setAttrText, setLanguage, setText, translate, translateDocument } from '../i18n/index.js';
import { BUG_SWITCHES } from '../break/settings.js';
import { SETTINGS } from '../break/sidebyside.js';
import { CLIENT_EVENTS } from '../break/adversary.js';

// The page fetches Turkish on demand (loadLanguage); these tests use it throughout.
await loadLanguage('tr');

const WWW = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Just enough of an element for the i18n helpers. */
class FakeElement {
  constructor() { this.dataset = {}; this.attrs = {}; this.textContent = ''; }
  setAttribute(name, value) { this.attrs[name] = String(value); }
  getAttribute(name) { return this.attrs[name] ?? null; }
  removeAttribute(name) { delete this.attrs[name]; }
}
const SELECTORS = { '[data-i18n]': 'i18n', '[data-i18n-aria-label]': 'i18nAriaLabel', '[data-i18n-attrs]': 'i18nAttrs' };
const rootOf = (els) => ({ querySelectorAll: (sel) => els.filter((e) => e.dataset[SELECTORS[sel]] !== undefined) });

test('translate fills parameters that are texts themselves', () => {
  const params = { seed: 7, done: 3, property: { key: 'property.leader_completeness' }, step: 40, ms: 900 };
  assert.equal(translate('break.search.found', params, 'en'),
    en['break.search.found'].replace('{seed}', '7').replace('{done}', '3').replace('{property}', en['property.leader_completeness']).replace('{step}', '40').replace('{ms}', '900'));
  assert.ok(translate('break.search.found', params, 'tr').includes(tr['property.leader_completeness']));
  assert.equal(translate('menu.title', { server: { key: 'node.label', params: { id: 4 } } }, 'tr'), 'S4');
});

test('setText and setAttrText keep their texts through a language switch; null forgets them', () => {
  const before = language();
  try {
    setLanguage('en');
    const status = new FakeElement();
    const canvas = new FakeElement();
    const gone = new FakeElement();
    setText(status, 'break.search.running', { done: 5, seeds: 500 });
    setAttrText(canvas, 'aria-label', 'break.st.aria');
    setAttrText(canvas, 'title', 'break.st.tip', { kind: { key: 'kind.Heartbeat' }, from: 1, to: 2, sent: 10, end: 20, outcome: { key: 'break.st.delivered' } });
    setText(gone, 'break.adv.none');
    setText(gone, null);
    assert.equal(status.textContent, translate('break.search.running', { done: 5, seeds: 500 }, 'en'));
    setLanguage('tr');
    translateDocument(rootOf([status, canvas, gone]));
    assert.equal(status.textContent, translate('break.search.running', { done: 5, seeds: 500 }, 'tr'));
    assert.equal(canvas.getAttribute('aria-label'), tr['break.st.aria']);
    assert.ok(canvas.getAttribute('title').includes(tr['break.st.delivered']));
    assert.ok(canvas.getAttribute('title').includes(tr['kind.Heartbeat']));
    assert.equal(gone.textContent, '', 'a cleared text stays empty');
    setAttrText(canvas, 'title', null);
    assert.equal(canvas.getAttribute('title'), null);
    setLanguage('en');
    translateDocument(rootOf([status, canvas]));
    assert.equal(canvas.getAttribute('title'), null, 'a removed attribute is not brought back');
    assert.equal(canvas.getAttribute('aria-label'), en['break.st.aria']);
  } finally {
    setLanguage(before);
  }
});

test('every key the break panels and the server menu name literally has an English text', () => {
  const files = [
    ...readdirSync(path.join(WWW, 'break')).filter((f) => f.endsWith('.js')).map((f) => path.join(WWW, 'break', f)),
    path.join(WWW, 'controls', 'servers.js'),
  ];
  const forms = [
    /\bsetText\([^,()]+(?:\([^()]*\))?, '([\w.]+)'/g, /\bspan\('([\w.]+)'/g, /\bsetAttrText\([^,]+, '[\w-]+', '([\w.]+)'/g,
    /'data-i18n': '([\w.]+)'/g, /\bi18n: '([\w.]+)'/g, /\bkey: '([\w.]+)'/g, /\bt\('([\w.]+)'/g,
  ];
  const missing = [];
  let seen = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const form of forms) {
      for (const m of text.matchAll(form)) {
        seen++;
        if (!(m[1] in en)) missing.push(`${path.basename(file)}: ${m[1]}`);
      }
    }
  }
  assert.ok(seen > 60, `the scan found the keys (${seen})`);
  assert.deepEqual(missing, []);
});

test('key families the break panels build at run time are complete', () => {
  const need = [
    ...['network', 'adversary', 'protocol', 'bugs', 'spacetime', 'charts', 'history', 'side'].map((n) => `break.tab.${n}`),
    ...BUG_SWITCHES.map(([name]) => `break.bug.${name}`),
    ...SETTINGS.map((s) => `break.side.${s}`),
    ...['none', 'both', 'a_b', 'b_a'].map((s) => `break.link.state.${s}`),
    ...['flight', 'delivered', 'dropped', 'request', 'reply', 'heartbeat', 'other'].map((s) => `break.st.${s}`),
    ...['latencyMin', 'latencyMax', 'loss', 'duplicate', 'reorder'].map((k) => `break.net.${k}`),
    ...['votes', 'heartbeats', 'append', 'other'].map((g) => `break.chart.kind.${g}`),
    ...[...CLIENT_EVENTS, 'Fault'].map((k) => `break.adv.what.${k}`),
  ];
  assert.deepEqual(need.filter((k) => !(k in en)), []);
});
