// Small text helpers shared by the break panels.
import { el } from '../dom.js';
import { setText } from '../i18n/index.js';

/** A span whose text follows the language (for labels that also hold a control). */
export const span = (key, params, attrs = {}) => setText(el('span', attrs), key, params);
