// Options of <raft-lab> and embed.html (same names): parsed and checked one by one; a bad value
// is reported (translated) and replaced by the default, so an embed always starts.
import { parseParams } from '../params.js';

/** Panels a host can show or hide with `controls="time,cluster,…"`, and the ids they cover. */
export const CONTROL_PARTS = Object.freeze({
  topbar: ['.topbar'], time: ['.timebar'], cluster: ['.cluster-panel'], logs: ['.logs-panel'],
  inspector: ['#inspector'], clients: ['.clients'], kv: ['.kv'], feed: ['.feed-card'],
  tutorial: ['#tut-open'], share: ['.session-buttons'],
});
export const DEFAULT_CONTROLS = Object.freeze(Object.keys(CONTROL_PARTS));
const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const MIN_HEIGHT_PX = 200;
const MAX_HEIGHT_PX = 4000;

/** `get(name)` returns the raw value or null. Returns `{ values, lang, controls, autoplay, height, scenario, errors }`. */
export function embedOptions(get) {
  const search = new URLSearchParams();
  for (const k of ['nodes', 'seed', 'speed', 'bug', 'workload', 'prevote']) if (get(k) !== null) search.set(k, get(k));
  const { values, errors } = parseParams(search);
  const out = { values, errors, lang: null, controls: [...DEFAULT_CONTROLS], autoplay: get('autoplay') !== null && get('autoplay') !== 'false', height: null, scenario: null };
  const lang = get('lang');
  if (lang !== null) {
    if (['en', 'tr'].includes(lang)) out.lang = lang; else errors.push({ key: 'embed.badAttribute', params: { name: 'lang', value: lang } });
  }
  const controls = get('controls');
  if (controls !== null) {
    const list = controls.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = list.filter((c) => !Object.hasOwn(CONTROL_PARTS, c) && c !== 'none');
    if (unknown.length) errors.push({ key: 'embed.badAttribute', params: { name: 'controls', value: unknown.join(',') } });
    out.controls = list.filter((c) => Object.hasOwn(CONTROL_PARTS, c));
  }
  const height = get('height');
  if (height !== null) {
    const h = Number(String(height).replace(/px$/, ''));
    if (Number.isFinite(h) && h >= MIN_HEIGHT_PX && h <= MAX_HEIGHT_PX) out.height = Math.round(h);
    else errors.push({ key: 'embed.badAttribute', params: { name: 'height', value: height } });
  }
  const scenario = get('scenario');
  if (scenario !== null) {
    if (NAME.test(scenario) || isScenarioUrl(scenario)) out.scenario = scenario;
    else errors.push({ key: 'embed.badAttribute', params: { name: 'scenario', value: scenario } });
  }
  return out;
}

/** A scenario given as a URL: http(s) or relative, never javascript:/data:. */
export function isScenarioUrl(v) {
  try {
    const u = new URL(v, 'https://base.invalid/');
    return (u.protocol === 'https:' || u.protocol === 'http:') && /\.json$/i.test(u.pathname);
  } catch { return false; }
}

/** Origins allowed to drive an embed.html by postMessage (`?origins=a,b`); default: same origin only. */
export function allowedOrigins(param, selfOrigin) {
  if (param === null || param.trim() === '') return [selfOrigin];
  const out = [];
  for (const raw of param.split(',')) {
    const s = raw.trim();
    try {
      const u = new URL(s);
      if ((u.protocol === 'https:' || u.protocol === 'http:') && u.origin === s.replace(/\/$/, '')) out.push(u.origin);
    } catch { /* not an origin: ignored */ }
  }
  return out.length ? out : [selfOrigin];
}

/** Checks one postMessage request; returns it normalized or null. */
export function checkRequest(data) {
  if (data === null || typeof data !== 'object' || data.type !== 'raftlab') return null;
  const id = data.id;
  if (id !== undefined && !(typeof id === 'string' && id.length <= 64) && !Number.isSafeInteger(id)) return null;
  const commands = ['play', 'pause', 'load', 'state', 'setLanguage'];
  if (!commands.includes(data.command)) return null;
  if (data.command === 'load' && !(typeof data.scenario === 'string' && (NAME.test(data.scenario) || isScenarioUrl(data.scenario)))) return null;
  if (data.command === 'setLanguage' && !['en', 'tr'].includes(data.lang)) return null;
  return { id, command: data.command, scenario: data.scenario, lang: data.lang };
}
