// Share links and session files: round trip, and refusal of anything damaged, hostile or too big.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync, strToU8 } from 'fflate';
import { MAX_LINK_CHARS, SessionError, configJson, decodeSession, encodeSession, parseSessionFile, sessionFile } from '../share/codec.js';
import { allowedOrigins, checkRequest, embedOptions } from '../embed/options.js';

const session = {
  v: 1, seed: '18446744073709551615', config: { servers: 5, seed: 0, raft: { pre_vote: true } },
  commands: [
    { step: 10, timeMs: 120, action: { type: 'crash', server: 2 } },
    { step: 40, timeMs: 700, action: { type: 'client_op', client: 1, op: { Put: { key: 'x', value: '1' } }, read_index: false } },
  ],
  at: { steps: 90, nowMs: 1500 }, traceHash: '0123456789abcdef',
};
const code = (fn) => { try { fn(); } catch (err) { assert.ok(err instanceof SessionError, err); return err.key; } return null; };
const b64url = (bytes) => Buffer.from(bytes).toString('base64url');

test('a session survives encode → decode unchanged, and the link is compact', () => {
  const text = encodeSession(session);
  assert.match(text, /^1\.[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeSession(text), session);
  assert.ok(text.length < JSON.stringify(session).length, 'compressed');
});

test('the exact 64-bit seed survives into the config JSON', () => {
  assert.match(configJson(session), /"seed":18446744073709551615/);
});

test('damaged links are refused with a translated reason', () => {
  const good = encodeSession(session);
  assert.equal(code(() => decodeSession(good.slice(0, good.length - 9))), 'share.error.corrupt');
  assert.equal(code(() => decodeSession('1.@@@')), 'share.error.corrupt');
  assert.equal(code(() => decodeSession('')), 'share.error.invalid');
  assert.equal(code(() => decodeSession(`2.${good.slice(2)}`)), 'share.error.version');
  assert.equal(code(() => decodeSession(`1.${b64url(deflateSync(strToU8('{not json')))}`)), 'share.error.corrupt');
  assert.equal(code(() => decodeSession(`1.${b64url(deflateSync(strToU8(JSON.stringify({ ...session, at: { steps: -1, nowMs: 0 } }))))}`)), 'share.error.invalid');
  assert.equal(code(() => decodeSession(`1.${b64url(deflateSync(strToU8(JSON.stringify({ ...session, commands: [{ step: 1, timeMs: 1, action: { type: 'format_disk' } }] }))))}`)), 'share.error.invalid');
  assert.equal(code(() => decodeSession(`1.${b64url(deflateSync(strToU8(JSON.stringify({ ...session, seed: '99999999999999999999' }))))}`)), 'share.error.invalid');
});

test('oversized input is refused: a long link, and a small link that inflates to megabytes', () => {
  assert.equal(code(() => decodeSession(`1.${'A'.repeat(MAX_LINK_CHARS + 1)}`)), 'share.error.tooLarge');
  const bomb = `1.${b64url(deflateSync(new Uint8Array(5_000_000).fill(32), { level: 9 }))}`;
  assert.ok(bomb.length < MAX_LINK_CHARS);
  assert.equal(code(() => decodeSession(bomb)), 'share.error.tooLarge');
});

test('session files round-trip and other JSON is refused', () => {
  assert.deepEqual(parseSessionFile(sessionFile(session)), session);
  assert.equal(code(() => parseSessionFile('{"format":"other"}')), 'share.error.notSession');
  assert.equal(code(() => parseSessionFile('nope')), 'share.error.notJson');
});

test('embed origins: listed origins only, default same origin; requests are checked field by field', () => {
  assert.deepEqual(allowedOrigins(null, 'https://self.example'), ['https://self.example']);
  assert.deepEqual(allowedOrigins('https://a.example, http://b.example:8080 ,javascript:alert(1),https://c.example/path', 'https://self.example'),
    ['https://a.example', 'http://b.example:8080']);
  assert.deepEqual(checkRequest({ type: 'raftlab', id: 3, command: 'state' }), { id: 3, command: 'state', scenario: undefined, lang: undefined });
  assert.equal(checkRequest({ type: 'raftlab', command: 'eval' }), null);
  assert.equal(checkRequest({ type: 'raftlab', command: 'load', scenario: 'javascript:alert(1)' }), null);
  assert.equal(checkRequest({ type: 'raftlab', command: 'setLanguage', lang: 'xx' }), null);
  assert.equal(checkRequest('state'), null);
  const o = embedOptions((k) => ({ nodes: '3', controls: 'cluster,bogus', height: '10', lang: 'tr' })[k] ?? null);
  assert.equal(o.values.nodes, 3);
  assert.deepEqual(o.controls, ['cluster']);
  assert.equal(o.height, null);
  assert.equal(o.lang, 'tr');
  assert.equal(o.errors.length, 2);
});
