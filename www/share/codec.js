// A whole session (world config + the user's command log + the moment shown) as compact text for a
// URL, and back. deflate (fflate) + base64url. Decoding validates every field and bounds every
// size before anything is built, so a malformed or hostile link is refused as a whole.
import { deflateSync, Inflate, strFromU8, strToU8 } from 'fflate';
import { MAX_COMMANDS } from './replay.js';
import { configJson as configText } from '../reader.js';

export const SESSION_VERSION = 1;
/** Longest `s=` value accepted (browsers and servers start refusing URLs around 64 KB). */
export const MAX_LINK_CHARS = 60_000;
/** Most bytes a link or a file may inflate/read to. */
export const MAX_JSON_BYTES = 2_000_000;
const ACTION_TYPES = new Set(['crash', 'restart', 'pause', 'resume', 'partition', 'cut_link', 'repair_link', 'heal',
  'set_network', 'set_link', 'client_op', 'set_workload', 'set_faults', 'add_server', 'remove_server',
  'transfer_leadership', 'snapshot', 'campaign', 'schedule', 'deliver_now', 'drop_message', 'duplicate_message',
  'hold_message', 'release_message', 'fire_timer']);

export class SessionError extends Error {
  /** `key` is the i18n key of the message shown to the user. */
  constructor(key, detail = '') { super(detail || key); this.key = key; this.detail = detail; }
}

function toBase64Url(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Inflates, refusing to produce more than `max` bytes (a small link must not become gigabytes). */
function inflateBounded(bytes, max) {
  const chunks = [];
  let total = 0;
  const inf = new Inflate((chunk) => {
    total += chunk.length;
    if (total > max) throw new SessionError('share.error.tooLarge');
    chunks.push(chunk);
  });
  inf.push(bytes, true);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

const isCount = (v) => Number.isSafeInteger(v) && v >= 0;

/** Checks a parsed session object; returns it normalized or throws SessionError. */
export function validateSession(s) {
  const bad = (detail) => { throw new SessionError('share.error.invalid', detail); };
  if (s === null || typeof s !== 'object' || Array.isArray(s)) bad('not an object');
  if (s.v !== SESSION_VERSION) bad(`version ${JSON.stringify(s.v)}`);
  if (typeof s.seed !== 'string' || !/^\d{1,20}$/.test(s.seed) || BigInt(s.seed) >= 2n ** 64n) bad('seed');
  if (s.config === null || typeof s.config !== 'object' || Array.isArray(s.config)) bad('config');
  if (!Array.isArray(s.commands) || s.commands.length > MAX_COMMANDS) bad('commands');
  let last = 0;
  for (const [i, c] of s.commands.entries()) {
    if (c === null || typeof c !== 'object') bad(`commands[${i}]`);
    if (!isCount(c.step) || c.step < last || !isCount(c.timeMs)) bad(`commands[${i}].step`);
    last = c.step;
    if (c.action === null || typeof c.action !== 'object' || !ACTION_TYPES.has(c.action.type)) bad(`commands[${i}].action`);
  }
  if (s.at === null || typeof s.at !== 'object' || !isCount(s.at.steps) || !isCount(s.at.nowMs)) bad('at');
  if (s.traceHash !== undefined && !/^[0-9a-f]{16}$/.test(s.traceHash)) bad('traceHash');
  return { v: s.v, seed: s.seed, config: s.config, commands: s.commands.map((c) => ({ step: c.step, timeMs: c.timeMs, action: c.action })), at: { steps: s.at.steps, nowMs: s.at.nowMs }, traceHash: s.traceHash };
}

/** The `s=` text for a session. */
export function encodeSession(session) {
  return `${SESSION_VERSION}.${toBase64Url(deflateSync(strToU8(JSON.stringify(session)), { level: 9 }))}`;
}

/** The session in an `s=` text; throws SessionError (translated key) on anything malformed. */
export function decodeSession(text) {
  if (typeof text !== 'string' || text.length === 0) throw new SessionError('share.error.invalid', 'empty');
  if (text.length > MAX_LINK_CHARS) throw new SessionError('share.error.tooLarge');
  const m = /^(\d+)\.([A-Za-z0-9_-]+)$/.exec(text);
  if (!m) throw new SessionError('share.error.corrupt');
  if (Number(m[1]) !== SESSION_VERSION) throw new SessionError('share.error.version');
  let json;
  try {
    json = strFromU8(inflateBounded(fromBase64Url(m[2]), MAX_JSON_BYTES));
  } catch (err) {
    if (err instanceof SessionError) throw err;
    throw new SessionError('share.error.corrupt', err?.message);
  }
  let parsed;
  try { parsed = JSON.parse(json); } catch (err) { throw new SessionError('share.error.corrupt', err?.message); }
  return validateSession(parsed);
}

/** A session file's text (pretty JSON) and back. */
export function sessionFile(session) {
  return JSON.stringify({ format: 'raftlab-session', ...session }, null, 2);
}
export function parseSessionFile(text) {
  if (typeof text !== 'string' || text.length > MAX_JSON_BYTES) throw new SessionError('share.error.tooLarge');
  let parsed;
  try { parsed = JSON.parse(text); } catch (err) { throw new SessionError('share.error.notJson', err?.message); }
  if (parsed?.format !== 'raftlab-session') throw new SessionError('share.error.notSession');
  return validateSession(parsed);
}

/** The world config as JSON text with the exact 64-bit seed (a JS number cannot hold it). */
export function configJson(session) {
  return configText(session.config, session.seed);
}
