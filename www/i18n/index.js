// Text lookup for every user-visible string, in English and Turkish.
import en from './en.js';
import tr from './tr.js';

export const LANGUAGES = Object.freeze({ en, tr });
export const DEFAULT_LANGUAGE = 'en';

let current = DEFAULT_LANGUAGE;

/** Picks the language from an explicit choice, then the browser's preferences, then English. */
export function detectLanguage(explicit, preferred = []) {
  for (const candidate of [explicit, ...preferred]) {
    if (typeof candidate !== 'string') continue;
    const base = candidate.toLowerCase().split('-')[0];
    if (Object.hasOwn(LANGUAGES, base)) return base;
  }
  return DEFAULT_LANGUAGE;
}

/** Sets the active language; unknown codes fall back to English. */
export function setLanguage(code) {
  current = Object.hasOwn(LANGUAGES, code) ? code : DEFAULT_LANGUAGE;
  return current;
}

/** The active language code. */
export function language() {
  return current;
}

/**
 * Translates `key` with `{name}` placeholders filled from `params`. A missing key is a bug:
 * it shows the key itself so it is noticed, never a blank.
 */
export function t(key, params = {}, lang = current) {
  const table = LANGUAGES[lang] ?? LANGUAGES[DEFAULT_LANGUAGE];
  const template = table[key] ?? LANGUAGES[DEFAULT_LANGUAGE][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole);
}

/** Fills `data-i18n` (text) and `data-i18n-aria-label` attributes under `root`. */
export function translateDocument(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  }
}
