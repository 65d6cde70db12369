// Entry of raftlab-embed.js: defines <raft-lab> for any page (docs, blogs, course notes).
import '../style.css';
import './embed.css';
import '../i18n/all.js';
import { detectLanguage, setLanguage } from '../i18n/index.js';
import { defineRaftLab } from './element.js';

setLanguage(detectLanguage(document.documentElement.lang, navigator.languages ?? []));
defineRaftLab();
