// Share / export / import for one lab: the session link (?s=…), session and trace JSON files, and
// a PNG of the cluster canvas. Anything read is validated fully and replayed into a NEW simulation;
// the lab only switches to it when that succeeded, so a bad link or file never harms the session.
// The configuration and the commands are read by the reader's module (../reader.js), fetched on
// the first open. Fetched on first use (a button, a ?s= link) by ./entry.js, which the app
// installs instead.
import { setText, t } from '../i18n/index.js';
import { describeError } from '../i18n/errors.js';
import { loadReader } from '../reader.js';
import { commandsOf, replay } from './replay.js';
import { SessionError, configJson, decodeSession, encodeSession, parseSessionFile, sessionFile } from './codec.js';

/** The current session of `sim` as plain data. */
export function sessionOf(sim) {
  return {
    v: 1, seed: sim.seed, config: sim.config(), commands: commandsOf(sim),
    at: { steps: sim.steps, nowMs: sim.nowMs }, traceHash: sim.traceHash(),
  };
}

/**
 * Builds (without touching the page) the simulation a session describes, with `reader` (a
 * module from `loadReader`): every command is read first, then the world is built and replayed.
 */
export function buildSession(bindings, reader, session) {
  let sim;
  try {
    const commands = session.commands.map((c) => ({ step: c.step, timeMs: c.timeMs, bytes: reader.readAction(c.action) }));
    sim = bindings.Simulation.fromConfigBytes(reader.readConfig(configJson(session)));
    replay(sim, commands, session.at);
  } catch (err) {
    sim?.free();
    throw new SessionError('share.error.replay', describeError(err));
  }
  return sim;
}

function download(name, blob, doc) {
  const a = doc.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** The share actions of `app` (the buttons call them through ./entry.js). */
export function installShare(app) {
  const { $ } = app;
  const doc = app.root.ownerDocument ?? app.root;
  const fail = (err) => {
    const key = err instanceof SessionError ? err.key : 'share.error.replay';
    app.notify(t(key, {}) + (err?.detail ? ` (${err.detail})` : ''));
  };

  /**
   * Applies a session (already validated): all or nothing. Resolves to whether it was applied
   * (false when the reader could not be fetched: the lab then says so).
   */
  async function load(session) {
    const reader = await loadReader(app);
    if (!reader) return false;
    const sim = buildSession(app.bindings, reader, session);
    app.tutorial?.close?.();
    app.pause();
    app.adopt(sim);
    app.notify(t('share.loaded', { hash: sim.traceHash() }));
    return true;
  }

  function link() {
    const sim = app.simulation();
    const url = new URL(globalThis.location.href);
    for (const k of ['seed', 'tutorial', 'step', 's', 'nodes', 'bug', 'workload', 'prevote']) url.searchParams.delete(k);
    url.searchParams.set('s', encodeSession(sessionOf(sim)));
    return url.href;
  }

  const api = {
    link,
    /** Shows the session link in the share field, selected, and copies it when allowed. */
    showLink() {
      const href = link();
      $('share-out').hidden = false;
      $('share-url').value = href;
      setText($('share-msg'), 'share.copied', { chars: href.length });
      $('share-url').select();
      globalThis.navigator?.clipboard?.writeText(href).catch(() => { /* the field is selected: copy by hand */ });
    },
    exportSession() {
      download(`raftlab-session-${app.simulation().seed}.json`,
        new Blob([sessionFile(sessionOf(app.simulation()))], { type: 'application/json' }), doc);
    },
    exportTrace() {
      const sim = app.simulation();
      const trace = { format: 'raftlab-trace', version: 1, seed: sim.seed, traceHash: sim.traceHash(), nowMs: sim.nowMs, steps: sim.steps, lines: sim.traceTail(100_000) };
      download(`raftlab-trace-${sim.seed}.json`, new Blob([JSON.stringify(trace, null, 1)], { type: 'application/json' }), doc);
    },
    exportPng() {
      $('cluster').toBlob((blob) => { if (blob) download(`raftlab-${app.simulation().seed}.png`, blob, doc); }, 'image/png');
    },
    /** Opens a session file chosen by the user (a File); a bad one gets a translated notice. */
    async importFile(file) {
      try {
        if (file.size > 4_000_000) throw new SessionError('share.error.tooLarge');
        await load(parseSessionFile(await file.text()));
      } catch (err) { fail(err); }
    },
    session: () => sessionOf(app.simulation()),
    /** Opens an `s=` text; resolves to whether it was applied (else a translated error is shown). */
    async openLink(text) {
      try { return await load(decodeSession(text)); } catch (err) { fail(err); return false; }
    },
    async openFileText(text) {
      try { return await load(parseSessionFile(text)); } catch (err) { fail(err); return false; }
    },
  };
  if (app.options.testHandle) globalThis.raftlabShare = api;
  return api;
}
