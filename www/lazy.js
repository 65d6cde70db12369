// Parts of the lab that are loaded on first use: their code is a separate chunk fetched by a
// dynamic import() when the user first asks for them, not with the page. A failed fetch shows a
// translated error in the lab's notice area; the lab keeps running and the next use tries again.
import { t } from './i18n/index.js';

/** The notice shown when a part of the lab could not be fetched (in the lab's language). */
export function loadFailedText(err) {
  const message = err?.message ?? String(err);
  return () => t('app.partFailed', { message });
}

/**
 * Returns `load()`: its first call imports the part (`importer()`) and installs it
 * (`install(module)`); later calls return the same promise. The promise resolves to what
 * `install` returned, or to null when the fetch or the install failed (the error is then shown
 * with `app.notify`, `onFail(err)` is called if given, and the next call tries again).
 */
export function lazyPart(app, importer, install, onFail) {
  let pending = null;
  return () => {
    pending ??= importer().then(install).catch((err) => {
      pending = null;
      console.error(err);
      app.notify(loadFailedText(err));
      onFail?.(err);
      return null;
    });
    return pending;
  };
}
