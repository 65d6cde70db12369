// <raft-lab>: one independent lab per element, in its own shadow root (ids stay local, styles are
// the page's stylesheet links cloned in). Attributes: nodes, seed, scenario (name or URL), controls,
// lang, autoplay, height. API: play(), pause(), load(scenario); events leader-elected, committed,
// violation (bubbling, composed; `event.detail` carries the facts).
import markup from '../lab/markup.html';
import { t } from '../i18n/index.js';
import { describeError } from '../i18n/errors.js';
import { CONTROL_PARTS, embedOptions } from './options.js';
import { scenarioSource } from './scenarios.js';
import { readScenario } from '../reader.js';
import { createPlayer } from '../tutorial/player.js';
import { decodeGlobal } from '../snapshot.js';

/** The lab's markup as nodes (our own bundled file, parsed inert; never outside text). */
function labNodes(doc) {
  const parsed = new DOMParser().parseFromString(`<!doctype html><body>${markup}`, 'text/html');
  return [...parsed.body.childNodes].map((n) => doc.importNode(n, true));
}

/** Shows only the chosen parts of a mounted lab. */
export function applyControls(root, controls) {
  for (const [name, selectors] of Object.entries(CONTROL_PARTS)) {
    for (const sel of selectors) for (const node of root.querySelectorAll(sel)) node.hidden = !controls.includes(name);
  }
}

/**
 * Plays a scenario's steps on `app` (no narration; learner steps are done automatically). A
 * bundled scenario comes with its world's bytes; text from a URL is read and validated in full
 * by the reader (../reader.js) first. Resolves to whether it plays.
 */
export async function playScenario(app, nameOrUrl) {
  let doc;
  let sim;
  try {
    const source = await scenarioSource(nameOrUrl);
    const cluster = source.cluster ?? await readScenario(app, source.text);
    if (!cluster) return false;
    doc = source.doc ?? JSON.parse(source.text);
    sim = app.bindings.Simulation.fromConfigBytes(cluster);
  } catch (err) {
    app.notify(t('embed.badScenario', { message: describeError(err) }));
    return false;
  }
  const player = createPlayer(doc);
  let stop = 0;
  player.enter(sim, 0);
  app.tutorial?.close();
  app.adopt(sim);
  app.setTicker((s, ms) => {
    if (stop >= player.stops.length) { s.advance(ms); return; }
    if (player.tick(s, ms, true) === 'done') {
      stop += 1;
      if (stop < player.stops.length) player.enter(s, stop);
    }
  });
  return true;
}

export class RaftLabElement extends HTMLElement {
  static observedAttributes = ['height', 'lang'];

  connectedCallback() {
    if (this.app || this.mounting) return;
    this.mounting = this.mount().finally(() => { this.mounting = null; });
  }

  disconnectedCallback() {
    this.app?.destroy();
    this.app = null;
    this.shadowRoot?.replaceChildren();
  }

  attributeChangedCallback(name, _old, value) {
    if (name === 'height') this.style.height = /^\d{3,4}$/.test(value ?? '') ? `${value}px` : '';
    if (name === 'lang' && this.app && ['en', 'tr'].includes(value)) this.app.setLanguage(value);
  }

  async mount() {
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const doc = this.ownerDocument;
    // Styles: the page's stylesheet links, cloned (an inline <style> would break a strict CSP).
    const links = [...doc.querySelectorAll('link[rel="stylesheet"]')].map((l) => l.cloneNode(true));
    const wrap = doc.createElement('div');
    wrap.className = 'lab-embedded';
    wrap.append(...labNodes(doc));
    shadow.replaceChildren(...links, wrap);
    const opts = embedOptions((name) => this.getAttribute(name));
    if (opts.height) this.style.height = `${opts.height}px`;
    const { mountLab } = await import(/* webpackChunkName: "lab" */ '../app.js');
    if (!this.isConnected) return;
    this.app = mountLab(shadow, {
      values: opts.values, lang: opts.lang ?? undefined,
      onEvent: (name, detail) => this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true })),
    });
    applyControls(shadow, opts.controls);
    this.app.showParamErrors(opts.errors.filter((e) => e.key !== 'embed.badAttribute'));
    const attrErrors = opts.errors.filter((e) => e.key === 'embed.badAttribute');
    if (attrErrors.length) this.app.notify(attrErrors.map((e) => t(e.key, e.params)).join(' '));
    if (!opts.autoplay) this.app.pause();
    if (opts.scenario) await playScenario(this.app, opts.scenario);
    this.dataset.ready = 'true';
    this.dispatchEvent(new CustomEvent('ready', { bubbles: true, composed: true }));
  }

  play() { this.app?.play(); }
  pause() { this.app?.pause(); }
  /** Loads a scenario by name or URL; resolves to whether it loaded. */
  async load(scenario) { await this.mounting; return this.app ? playScenario(this.app, String(scenario)) : false; }
  /** Read-only facts for hosts and tests. */
  get state() {
    const sim = this.app?.simulation();
    if (!sim) return null;
    const g = decodeGlobal(sim.frameGlobal());
    return { seed: sim.seed, nowMs: sim.nowMs, steps: sim.steps, leader: g.leader, term: g.maxTerm, violations: g.violations, traceHash: sim.traceHash(), playing: this.app.isPlaying(), lang: this.app.language() };
  }
}

export function defineRaftLab(registry = globalThis.customElements) {
  if (!registry.get('raft-lab')) registry.define('raft-lab', RaftLabElement);
}
