// Every literal t('key') in the front end and every data-i18n key in index.html exists in English
// (and so, by i18n.test.js, in Turkish); dynamic key families have all their members.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import en from '../i18n/en.js';
import { MESSAGE_KINDS, ROLE, STATUS } from '../snapshot.js';
import { SHORTCUTS } from '../controls/keyboard.js';
import { BUGS } from '../params.js';

const WWW = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (['pkg', 'pkg-validate', 'tests'].includes(name)) return [];
    return statSync(p).isDirectory() ? sources(p) : name.endsWith('.js') ? [p] : [];
  });
}

test('every literal key used in code and markup has an English text', () => {
  const missing = [];
  for (const file of sources(WWW)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bt\('([\w.]+)'/g)) {
      if (!(m[1] in en)) missing.push(`${path.relative(WWW, file)}: ${m[1]}`);
    }
  }
  const html = readFileSync(path.join(WWW, '..', 'index.html'), 'utf8') + readFileSync(path.join(WWW, 'lab', 'markup.html'), 'utf8');
  for (const m of html.matchAll(/data-i18n(?:-aria-label)?="([\w.]+)"/g)) {
    if (!(m[1] in en)) missing.push(`index.html: ${m[1]}`);
  }
  assert.deepEqual(missing, []);
});

test('key families built at run time are complete', () => {
  const need = [
    ...MESSAGE_KINDS.map((k) => `kind.${k}`),
    ...ROLE.map((r) => `role.${r}`),
    ...STATUS.map((s) => `status.${s}`),
    ...SHORTCUTS.map(([, key]) => key),
    ...Object.values(BUGS).map((b) => `bug.${b}`),
    ...['higherTerm', 'quorumLost', 'removed'].map((c) => `feed.stepDown.${c}`),
    ...['election_safety', 'leader_append_only', 'log_matching', 'leader_completeness', 'state_machine_safety',
      'committed_immutable', 'apply_order', 'term_monotonic', 'exactly_once'].map((p) => `property.${p}`),
    ...['noop', 'config', 'command', 'session'].map((k) => `entryKind.${k}`),
    ...['probe', 'replicate', 'snapshot'].map((s) => `progress.${s}`),
  ];
  assert.deepEqual(need.filter((k) => !(k in en)), []);
});
