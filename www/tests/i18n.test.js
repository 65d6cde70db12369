import { test } from 'node:test';
import assert from 'node:assert/strict';
import en from '../i18n/en.js';
import tr from '../i18n/tr.js';
import { detectLanguage, isLoaded, language, loadLanguage, setLanguage, t } from '../i18n/index.js';

test('every English key has a Turkish text and vice versa', () => {
  assert.deepEqual(Object.keys(tr).sort(), Object.keys(en).sort());
  for (const [key, text] of Object.entries(tr)) {
    assert.ok(text.trim().length > 0, `Turkish text for ${key} is empty`);
  }
});

test('both languages use the same placeholders for each key', () => {
  const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const key of Object.keys(en)) {
    assert.deepEqual(names(tr[key]), names(en[key]), `placeholders differ for ${key}`);
  }
});

test('Turkish is fetched on demand: until loaded, setLanguage keeps English; unknown codes load as English', async () => {
  assert.equal(isLoaded('en'), true);
  assert.equal(isLoaded('tr'), false, 'only English comes with the page');
  assert.equal(setLanguage('tr'), 'en');
  assert.equal(t('app.loading'), en['app.loading']);
  const both = [loadLanguage('tr'), loadLanguage('tr')];
  assert.deepEqual(await Promise.all(both), ['tr', 'tr']);
  assert.equal(isLoaded('tr'), true);
  assert.equal(setLanguage('tr'), 'tr');
  assert.equal(t('app.loading'), tr['app.loading']);
  assert.equal(await loadLanguage('xx'), 'en');
  setLanguage('en');
  assert.equal(language(), 'en');
});

test('t fills placeholders and keeps unknown ones visible', async () => {
  await loadLanguage('tr');
  assert.equal(t('node.label', { id: 3 }, 'en'), 'S3');
  assert.match(t('app.ready', { nodes: 5 }, 'tr'), /^5 sunuculu küme hazır \(tohum \{seed\}/);
});

test('a missing key shows the key itself, never a blank', async () => {
  await loadLanguage('tr');
  assert.equal(t('no.such.key', {}, 'tr'), 'no.such.key');
});

test('language detection prefers the explicit choice, then the browser, then English', () => {
  assert.equal(detectLanguage('tr', ['en-US']), 'tr');
  assert.equal(detectLanguage(null, ['tr-TR', 'en']), 'tr');
  assert.equal(detectLanguage('xx', ['de-DE']), 'en');
  assert.equal(detectLanguage(undefined, []), 'en');
});
