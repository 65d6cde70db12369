// The tutorial's entry points, loaded with the lab: the Tutorials button and the deep link
// (?tutorial=3&step=4). The tutorial itself (./ui.js: panel, player, narration in every language,
// chapter scenarios) is a separate chunk fetched on first use.
import { lazyPart } from '../lazy.js';

/**
 * Installs the entry points on `app`; returns `{ started, load, close }`: `started` resolves when
 * a deep link given at startup was opened (at once without one), `load()` resolves to the
 * tutorial's api (null if it could not be fetched), `close()` closes a running tutorial.
 */
export function installTutorialEntry(app) {
  const { $ } = app;
  const panel = $('tutorial');
  if (!panel) return null;
  let api = null;
  const load = lazyPart(app, () => import(/* webpackChunkName: "tutorial" */ './ui.js'), (m) => {
    api = m.installTutorial(app);
    return api;
  });
  let opening = false;
  $('tut-open').addEventListener('click', () => {
    if (!panel.hidden) { panel.hidden = true; return; }
    if (opening) return;
    opening = true;
    load().then((tutorial) => tutorial?.openNext()).finally(() => { opening = false; });
  });
  const params = app.options.syncUrl ? new URLSearchParams(globalThis.location.search) : null;
  const wanted = params?.get('tutorial') ? { chapter: params.get('tutorial'), step: params.get('step') } : null;
  const started = wanted ? load().then((tutorial) => { tutorial?.openLink(wanted); }) : Promise.resolve();
  return { started, load, close() { api?.close(); } };
}
