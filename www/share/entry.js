// The share buttons and the ?s= session link, loaded with the lab; what they do (./ui.js: the
// codec, its compressor and the replay) is a separate chunk fetched on first use.
import { lazyPart } from '../lazy.js';

/**
 * Wires the share buttons of `app`; returns `{ started, load }`: `started` resolves when a
 * session link given at startup was applied or refused, `load()` resolves to the share api
 * (null if it could not be fetched).
 */
export function installShareEntry(app) {
  const { $ } = app;
  const load = lazyPart(app, () => import(/* webpackChunkName: "share" */ './ui.js'), (m) => m.installShare(app));
  const on = (id, action) => $(id)?.addEventListener('click', () => { load().then((share) => share?.[action]()); });
  on('share-link', 'showLink');
  on('share-export', 'exportSession');
  on('share-trace', 'exportTrace');
  on('share-png', 'exportPng');
  $('share-import')?.addEventListener('change', (e) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) load().then((share) => share?.importFile(file));
  });
  const link = app.options.syncUrl ? new URLSearchParams(globalThis.location.search).get('s') : null;
  // Resolves once the link was replayed (or refused): the replay waits for the reader's module.
  const started = link !== null ? load().then((share) => share?.openLink(link)) : Promise.resolve();
  return { started, load };
}
