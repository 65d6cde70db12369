// Entry point: styles and the English texts; then, in parallel, the chosen language's texts (when
// not English) and the module that uses the wasm. Nothing is written into the page before its
// language is known, so a page opened in Turkish never shows English first.
import './style.css';
import './embed/embed.css';
import { DEFAULT_LANGUAGE, detectLanguage, loadLanguage, setLanguage, t, translateDocument } from './i18n/index.js';

const params = new URLSearchParams(globalThis.location.search);
const status = document.getElementById('status');
const wanted = detectLanguage(params.get('lang'), navigator.languages ?? []);
let languageError = null;

const texts = loadLanguage(wanted).catch((err) => {
  languageError = err;
  console.error(err);
  return DEFAULT_LANGUAGE;
}).then((code) => {
  document.documentElement.lang = setLanguage(code);
  translateDocument(document);
  status.textContent = t('app.loading');
});

// A tutorial or session link opens a part that is otherwise fetched on first use: fetch it
// alongside the app, so that it is ready when the lab mounts (a failure is reported there).
const linked = [];
if (params.has('tutorial')) linked.push(import(/* webpackChunkName: "tutorial" */ './tutorial/ui.js'));
if (params.has('s')) linked.push(import(/* webpackChunkName: "share" */ './share/ui.js'));

Promise.all([import('./app.js'), texts, ...linked.map((part) => part.catch(() => null))])
  .then(([app]) => {
    const lab = app.main();
    if (languageError) lab.notify(() => t('app.languageFailed', { message: languageError.message ?? String(languageError) }));
  })
  .catch((err) => texts.then(() => {
    status.classList.add('error');
    status.textContent = t('app.loadFailed', { message: err?.message ?? String(err) });
    document.body.dataset.ready = 'error';
    console.error(err);
  }));
