// For the entries that bundle every language (the <raft-lab> element, embed.html, docs.html):
// importing this module registers the Turkish texts at once, so their labs switch language with
// no fetch. The main page instead fetches them on demand (loadLanguage in ./index.js).
import tr from './tr.js';
import { registerLanguage } from './index.js';

registerLanguage('tr', tr);
