// Text that starts in Rust reaches the page as codes and numbers: every error code and every
// violation kind the Rust side can produce (www/i18n/codes.json, written and checked by
// `cargo test --lib wasm::errors`) has words in both languages, and the page uses them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import en from '../i18n/en.js';
import tr from '../i18n/tr.js';
import { loadLanguage, setLanguage } from '../i18n/index.js';
import { describeEntry, describeEvent } from '../i18n/describe.js';
import { describeError, describeViolation, errorText } from '../i18n/errors.js';

// The page fetches Turkish on demand (loadLanguage); these tests use it throughout.
await loadLanguage('tr');

const codes = JSON.parse(readFileSync(new URL('../i18n/codes.json', import.meta.url), 'utf8'));

/** Runs `fn` with the page in `lang`, then back in English. */
function inLanguage(lang, fn) {
  setLanguage(lang);
  try { return fn(); } finally { setLanguage('en'); }
}

/** An error as the facade throws it. */
function thrown(message, code, params) {
  return Object.assign(new Error(message), { code, params });
}

test('the codes file lists the Rust side’s errors and violation kinds', () => {
  assert.ok(codes.errors.length > 50, `${codes.errors.length} error codes`);
  assert.ok(codes.errors.includes('serverNotCrashed'));
  assert.ok(codes.errors.includes('proposal.notLeader'));
  assert.equal(codes.violations.length, new Set(codes.violations).size);
  assert.ok(codes.violations.includes('twoLeaders'));
});

test('every error code has an English and a Turkish text', () => {
  const missing = codes.errors.flatMap((c) => [['en', en], ['tr', tr]]
    .filter(([, table]) => !Object.hasOwn(table, `error.${c}`)).map(([lang]) => `${lang}: error.${c}`));
  assert.deepEqual(missing, []);
});

test('every violation kind has an English and a Turkish sentence', () => {
  const missing = codes.violations.flatMap((k) => [['en', en], ['tr', tr]]
    .filter(([, table]) => !Object.hasOwn(table, `violation.${k}`)).map(([lang]) => `${lang}: violation.${k}`));
  assert.deepEqual(missing, []);
});

test('no error or violation text is left over from a code the Rust side no longer has', () => {
  const known = new Set([...codes.errors.map((c) => `error.${c}`), ...codes.violations.map((k) => `violation.${k}`)]);
  // Texts of the page's own errors (URL parameters, selection) and the path helper.
  const own = (k) => k.startsWith('error.param.') || ['error.command', 'error.selectFirst', 'error.defaults', 'error.where'].includes(k);
  const stale = Object.keys(en).filter((k) => (k.startsWith('error.') || k.startsWith('violation.')) && !known.has(k) && !own(k));
  assert.deepEqual(stale, []);
});

test('a refused command is shown in Turkish from its code and parameters', () => {
  const err = thrown('server S2 is not crashed', 'serverNotCrashed', { server: 2 });
  assert.equal(describeError(err), 'S2 is not crashed, so it cannot be restarted.');
  assert.equal(inLanguage('tr', () => describeError(err)), 'S2 çökmüş değil, bu yüzden yeniden başlatılamaz.');
  const range = thrown('invalid parameter keys: must be 1..=1000, got 5000', 'invalid.outOfRange', { name: 'keys', min: 1, max: 1000, got: 5000 });
  assert.equal(inLanguage('tr', () => describeError(range)), 'keys 1 ile 1000 arasında olmalı, 5000 değil.');
  const client = thrown('there is no client C9', 'unknownClient', { client: 9 });
  assert.equal(inLanguage('tr', () => describeError(client)), 'İ9 diye bir istemci yok.');
});

test('a document error says where, and nothing for the whole document', () => {
  const at = thrown('invalid options at .sever: unknown field', 'document.options', { path: '.sever', detail: 'unknown field `sever`' });
  assert.equal(inLanguage('tr', () => describeError(at)), 'Geçersiz seçenekler (.sever konumunda): unknown field `sever`');
  const whole = thrown('invalid options: expected a map', 'document.options', { path: '', detail: 'expected a map' });
  assert.equal(describeError(whole), 'Invalid options: expected a map');
});

test('an error without a known code keeps its own message', () => {
  assert.equal(inLanguage('tr', () => describeError(new Error('network down'))), 'network down');
  assert.equal(inLanguage('tr', () => describeError(thrown('from a newer core', 'noSuchCode', {}))), 'from a newer core');
  assert.equal(describeError('plain text'), 'plain text');
  // A worker passes a plain object on: the same rules apply.
  assert.deepEqual(errorText({ message: 'x', code: 'noLeader', params: {} }), { key: 'error.noLeader', params: {} });
});

test('a violation is worded from its facts in Turkish, in the feed and on its own', () => {
  const facts = { kind: 'twoLeaders', first: 1, second: 3, term: 4 };
  const event = { code: 'violation', name: 'election_safety', detail: 'S1 and S3 were both leader in term 4', facts };
  assert.equal(inLanguage('tr', () => describeEvent(event)),
    'GÜVENLİK İHLALİ — Seçim Güvenliği: S1 ve S3, 4. dönemde ikisi birden lider oldu.');
  assert.equal(describeViolation({ facts }), 'S1 and S3 were both leader in term 4.');
  const twice = { kind: 'executedTwice', server: 2, session: 5, serial: 7, index: 9, firstIndex: 6 };
  assert.match(inLanguage('tr', () => describeViolation({ facts: twice })), /^S2, #5 oturumunun #7 numaralı komutunu #9 indeksinde/);
  // A violation saved before facts existed keeps its English sentence.
  assert.equal(inLanguage('tr', () => describeViolation({ detail: 'old words' })), 'old words');
});

test('a log entry is worded from its payload, not from the English label', () => {
  const entry = (payload) => ({ label: 'english label', payload });
  const put = entry({ type: 'request', session: 3, serial: 5, op: { kind: 'put', key: 'k1', value: 'a' } });
  assert.equal(describeEntry(put), 'session #3, request #5: put k1=a');
  assert.equal(inLanguage('tr', () => describeEntry(put)), '#3 oturumu, #5 numaralı istek: yaz k1=a');
  const change = entry({ type: 'config', change: { AddServer: 4 } });
  assert.equal(inLanguage('tr', () => describeEntry(change)), 'yapılandırma: S4 ekle');
  for (const name of ['AddServer', 'AddLearner', 'PromoteLearner', 'RemoveServer']) {
    assert.ok(Object.hasOwn(tr, `entryLabel.change.${name}`) && Object.hasOwn(en, `entryLabel.change.${name}`), name);
  }
  for (const payload of [{ type: 'noop' }, { type: 'register' }, { type: 'keepAlive', session: 2 }, { type: 'bytes', len: 9 }]) {
    const tr1 = inLanguage('tr', () => describeEntry(entry(payload)));
    assert.ok(tr1 !== 'english label' && tr1 !== describeEntry(entry(payload)), `${payload.type}: ${tr1}`);
  }
  assert.equal(describeEntry({ label: 'from an older core' }), 'from an older core');
});
