// Text lookup for every user-visible string, in English and Turkish. English is bundled with the
// page; another language's table is fetched (a separate chunk) by loadLanguage() before it is
// used, so a page in English never downloads the Turkish texts.
import en from './en.js';

export const DEFAULT_LANGUAGE = 'en';
/** Every language the lab speaks; only English is loaded from the start. */
export const LANGUAGE_CODES = Object.freeze(['en', 'tr']);
const LOADERS = {
  tr: () => import(/* webpackChunkName: "lang-tr" */ './tr.js'),
};
const tables = { en };
const loading = {};

let current = DEFAULT_LANGUAGE;

/** Picks the language from an explicit choice, then the browser's preferences, then English. */
export function detectLanguage(explicit, preferred = []) {
  for (const candidate of [explicit, ...preferred]) {
    if (typeof candidate !== 'string') continue;
    const base = candidate.toLowerCase().split('-')[0];
    if (LANGUAGE_CODES.includes(base)) return base;
  }
  return DEFAULT_LANGUAGE;
}

/** Whether `code`'s texts are loaded (setLanguage can switch to it at once). */
export function isLoaded(code) {
  return Object.hasOwn(tables, code);
}

/** Makes `table` the texts of `code` (entries that bundle a language instead of fetching it). */
export function registerLanguage(code, table) {
  if (!LANGUAGE_CODES.includes(code)) throw new Error(`unknown language '${code}'`);
  tables[code] = table;
}

/**
 * Fetches the texts of `code` once (a dynamic import); resolves to the code when they can be
 * used, or rejects with the loading error (the page keeps its current language). Unknown codes
 * resolve to English.
 */
export function loadLanguage(code) {
  if (!LANGUAGE_CODES.includes(code)) return Promise.resolve(DEFAULT_LANGUAGE);
  if (isLoaded(code)) return Promise.resolve(code);
  loading[code] ??= LOADERS[code]()
    .then((m) => { registerLanguage(code, m.default); return code; })
    .finally(() => { delete loading[code]; });
  return loading[code];
}

/** Sets the active language; unknown codes, and languages not loaded yet, fall back to English. */
export function setLanguage(code) {
  current = isLoaded(code) ? code : DEFAULT_LANGUAGE;
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
  const table = tables[lang] ?? en;
  const template = table[key] ?? en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole);
}

/**
 * Translates `key` like t(), except that a parameter given as `{ key, params }` is itself
 * translated first (a property's or a message kind's name inside a sentence).
 */
export function translate(key, params = {}, lang = current) {
  const filled = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    filled[name] = value !== null && typeof value === 'object' && typeof value.key === 'string'
      ? translate(value.key, value.params, lang) : value;
  }
  return t(key, filled, lang);
}

/**
 * Shows `key` (with `params`, as for translate()) as the text of `node`, now and after every language
 * switch: the key and parameters are kept in `data-i18n` / `data-i18n-params`, which
 * translateDocument reads. A null `key` empties the node and forgets the text. Returns `node`.
 */
export function setText(node, key, params) {
  if (key === null || key === undefined) {
    delete node.dataset.i18n;
    delete node.dataset.i18nParams;
    node.textContent = '';
    return node;
  }
  node.dataset.i18n = key;
  if (params && Object.keys(params).length > 0) node.dataset.i18nParams = JSON.stringify(params);
  else delete node.dataset.i18nParams;
  node.textContent = translate(key, params);
  return node;
}

/** Like setText for the attribute `attr` (title, aria-label, placeholder); a null key removes it. */
export function setAttrText(node, attr, key, params) {
  const all = readJson(node.dataset.i18nAttrs) ?? {};
  if (key === null || key === undefined) {
    delete all[attr];
    node.removeAttribute(attr);
  } else {
    all[attr] = params && Object.keys(params).length > 0 ? { key, params } : { key };
    node.setAttribute(attr, translate(key, params));
  }
  if (Object.keys(all).length > 0) node.dataset.i18nAttrs = JSON.stringify(all);
  else delete node.dataset.i18nAttrs;
  return node;
}

function readJson(text) {
  if (typeof text !== 'string') return null;
  try { return JSON.parse(text); } catch { return null; }
}

/**
 * Fills `data-i18n` (text, with `data-i18n-params`), `data-i18n-aria-label` and
 * `data-i18n-attrs` (see setAttrText) under `root` in the active language.
 */
export function translateDocument(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = translate(el.dataset.i18n, readJson(el.dataset.i18nParams) ?? {});
  }
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  }
  for (const el of root.querySelectorAll('[data-i18n-attrs]')) {
    for (const [attr, spec] of Object.entries(readJson(el.dataset.i18nAttrs) ?? {})) {
      el.setAttribute(attr, translate(spec.key, spec.params));
    }
  }
}
