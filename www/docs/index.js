// Entry of docs.html: defines <raft-lab> and shows the page's text in the reader's language.
import '../style.css';
import '../embed/embed.css';
import '../i18n/all.js';
import { detectLanguage, setLanguage } from '../i18n/index.js';
import { defineRaftLab } from '../embed/element.js';

const lang = setLanguage(detectLanguage(new URLSearchParams(globalThis.location.search).get('lang'), navigator.languages ?? []));
document.documentElement.lang = lang;
for (const section of document.querySelectorAll('[data-lang]')) section.hidden = section.dataset.lang !== lang;
defineRaftLab();
document.body.dataset.ready = 'true';
