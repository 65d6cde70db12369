// Entry of embed.html (for iframes): the same options as <raft-lab> in the query string, and a
// postMessage API that answers only the origins listed in ?origins= (default: same origin only)
// and checks every field of every request.
//   request:  { type: 'raftlab', id?, command: 'play'|'pause'|'state'|'load'|'setLanguage', scenario?, lang? }
//   reply:    { type: 'raftlab-reply', id, ok, result?|error? }
//   events:   { type: 'raftlab-event', name: 'leader-elected'|'committed'|'violation', detail }
import '../style.css';
import './embed.css';
import '../i18n/all.js';
import { detectLanguage, setLanguage, t, translateDocument } from '../i18n/index.js';
import { allowedOrigins, checkRequest, embedOptions } from './options.js';
import { applyControls, playScenario } from './element.js';
import { decodeGlobal } from '../snapshot.js';

const params = new URLSearchParams(globalThis.location.search);
const opts = embedOptions((name) => params.get(name));
document.documentElement.lang = setLanguage(detectLanguage(opts.lang, navigator.languages ?? []));
translateDocument(document);
const origins = allowedOrigins(params.get('origins'), globalThis.location.origin);

import(/* webpackChunkName: "lab" */ '../app.js').then(async ({ mountLab }) => {
  const toParent = (msg) => {
    if (globalThis.parent === globalThis) return;
    for (const o of origins) globalThis.parent.postMessage(msg, o);
  };
  const app = mountLab(document, {
    values: opts.values, lang: document.documentElement.lang, keyboardTarget: document,
    onEvent: (name, detail) => { if (['leader-elected', 'committed', 'violation'].includes(name)) toParent({ type: 'raftlab-event', name, detail }); },
  });
  applyControls(document, opts.controls);
  app.showParamErrors(opts.errors.filter((e) => e.key !== 'embed.badAttribute'));
  const attrErrors = opts.errors.filter((e) => e.key === 'embed.badAttribute');
  if (attrErrors.length) app.notify(attrErrors.map((e) => t(e.key, e.params)).join(' '));
  if (!opts.autoplay) app.pause();
  if (opts.scenario) await playScenario(app, opts.scenario);

  const state = () => {
    const sim = app.simulation();
    const g = decodeGlobal(sim.frameGlobal());
    return { seed: sim.seed, nowMs: sim.nowMs, steps: sim.steps, leader: g.leader, term: g.maxTerm, violations: g.violations, traceHash: sim.traceHash(), playing: app.isPlaying(), lang: app.language() };
  };
  globalThis.addEventListener('message', async (e) => {
    if (!origins.includes(e.origin) || !e.source) return;
    const req = checkRequest(e.data);
    if (!req) { e.source.postMessage({ type: 'raftlab-reply', id: typeof e.data?.id === 'string' || Number.isSafeInteger(e.data?.id) ? e.data.id : null, ok: false, error: 'invalid request' }, e.origin); return; }
    let result = null;
    if (req.command === 'play') app.play();
    else if (req.command === 'pause') app.pause();
    else if (req.command === 'setLanguage') app.setLanguage(req.lang);
    else if (req.command === 'load') result = await playScenario(app, req.scenario);
    else result = state();
    e.source.postMessage({ type: 'raftlab-reply', id: req.id ?? null, ok: true, result }, e.origin);
  });
  document.body.dataset.ready = 'true';
  toParent({ type: 'raftlab-event', name: 'ready', detail: state() });
}).catch((err) => {
  document.body.dataset.ready = 'error';
  const status = document.getElementById('status');
  if (status) status.textContent = t('app.loadFailed', { message: err?.message ?? String(err) });
  console.error(err);
});
