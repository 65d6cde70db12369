// Words for what the Rust side reports as codes and numbers: a refused call's error (the
// facade throws an Error with `code` and `params`, and the code as its `message`; the reader's
// module writes an English sentence; src/wasm.rs, src/wasm/errors.rs) and a safety violation's facts (src/check/facts.rs). Pure: everything
// goes through t().
import en from './en.js';
import { translate } from './index.js';

/** Parameters holding a server id, shown as the lab's server label (S3). */
const SERVER_PARAMS = new Set(['server', 'leader', 'target', 'first', 'second']);

/**
 * Parameters for translate(): ids become the page's labels (S3, C2) and a document's path
 * becomes "at .servers" (nothing for the document as a whole), as `{ key, params }` so they
 * are worded in whichever language the text is shown in.
 */
function labelled(params) {
  const out = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (SERVER_PARAMS.has(name) && typeof value === 'number') out[name] = { key: 'node.label', params: { id: value } };
    else if (name === 'client' && typeof value === 'number') out[name] = { key: 'client.label', params: { id: value } };
    else out[name] = value;
  }
  if (Object.hasOwn(out, 'path')) {
    out.where = out.path && out.path !== '.' ? { key: 'error.where', params: { path: out.path } } : '';
  }
  return out;
}

/**
 * What errorText() and describeError() say about `err`: `{ key, params }` for translate() when
 * the facade gave a code this page has words for; otherwise (an error from elsewhere, or a
 * code newer than this page's texts) the error's own message.
 */
export function errorText(err) {
  const code = err?.code;
  if (typeof code === 'string' && Object.hasOwn(en, `error.${code}`)) {
    return { key: `error.${code}`, params: labelled(err.params) };
  }
  return err?.message ?? String(err);
}

/** A thrown error (or a worker's copy of one) in the active language; see errorText(). */
export function describeError(err) {
  const text = errorText(err);
  return typeof text === 'string' ? text : translate(text.key, text.params);
}

/**
 * A safety violation's explanation in the active language, from its structured facts; the
 * English `detail` when there are none (a violation from an older saved run) or the kind is
 * unknown to this page.
 */
export function describeViolation(v) {
  const facts = v?.facts;
  if (facts && typeof facts.kind === 'string' && Object.hasOwn(en, `violation.${facts.kind}`)) {
    const { kind, ...numbers } = facts;
    return translate(`violation.${kind}`, labelled(numbers));
  }
  return v?.detail ?? '';
}
