// Entry point: styles, language, then one dynamic import of the module that uses the wasm.
import './style.css';
import { detectLanguage, setLanguage, t, translateDocument } from './i18n/index.js';

const params = new URLSearchParams(globalThis.location.search);

document.documentElement.lang = setLanguage(detectLanguage(params.get('lang'), navigator.languages ?? []));
translateDocument(document);

const status = document.getElementById('status');
status.textContent = t('app.loading');

import('./app.js')
  .then((app) => app.main())
  .catch((err) => {
    status.classList.add('error');
    status.textContent = t('app.loadFailed', { message: err?.message ?? String(err) });
    document.body.dataset.ready = 'error';
    console.error(err);
  });
