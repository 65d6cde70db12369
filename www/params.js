// URL parameters: each one is checked; a bad one yields an error key (shown translated) and the
// default, so the page always starts.

import { SPEED_MAX, SPEED_MIN } from './loop.js';

export const DEFAULTS = Object.freeze({ nodes: 5, seed: null, speed: null, workload: false, preVote: true, bugs: null });

/** `?bug=` names of the core's deliberate bugs (teaching: make a checker fire). */
export const BUGS = Object.freeze({
  figure8: 'skipFigure8Rule', votelog: 'skipVoteLogCheck', forgetvote: 'forgetVoteOnRestart', keepcommit: 'keepCommitAcrossCrash',
});
export const MAX_NODES = 25;

/**
 * Parses `URLSearchParams`. Returns `{ values, errors }`, each error `{ key, params }` for i18n.
 */
export function parseParams(search) {
  const values = { ...DEFAULTS };
  const errors = [];
  const nodes = search.get('nodes');
  if (nodes !== null) {
    const n = Number(nodes);
    if (Number.isInteger(n) && n >= 1 && n <= MAX_NODES) values.nodes = n;
    else errors.push({ key: 'error.param.nodes', params: { value: nodes, max: MAX_NODES } });
  }
  const seed = search.get('seed');
  if (seed !== null) {
    if (/^\d{1,20}$/.test(seed.trim()) && BigInt(seed.trim()) < 2n ** 64n) values.seed = seed.trim();
    else errors.push({ key: 'error.param.seed', params: { value: seed } });
  }
  const speed = search.get('speed');
  if (speed !== null) {
    const s = Number(speed);
    if (Number.isFinite(s) && s >= SPEED_MIN && s <= SPEED_MAX) values.speed = s;
    else errors.push({ key: 'error.param.speed', params: { value: speed, min: SPEED_MIN, max: SPEED_MAX } });
  }
  for (const [name, key] of [['workload', 'workload'], ['prevote', 'preVote']]) {
    const v = search.get(name);
    if (v === null) continue;
    if (v === '1' || v === 'true' || v === 'on') values[key] = true;
    else if (v === '0' || v === 'false' || v === 'off') values[key] = false;
    else errors.push({ key: 'error.param.flag', params: { name, value: v } });
  }
  const bug = search.get('bug');
  if (bug !== null) {
    const names = bug.split(',').map((b) => b.trim().toLowerCase()).filter(Boolean);
    const unknown = names.filter((b) => !Object.hasOwn(BUGS, b));
    if (unknown.length > 0 || names.length === 0) {
      errors.push({ key: 'error.param.bug', params: { value: bug, known: Object.keys(BUGS).join(', ') } });
    } else {
      values.bugs = Object.fromEntries(names.map((b) => [BUGS[b], true]));
    }
  }
  return { values, errors };
}
