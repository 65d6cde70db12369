// DOM panels: feed, key-value table, clients, inspectors, legend, safety badge. Only builds DOM
// from data it is given; words come from i18n; buttons call the handlers it is given.
import { el, fill } from '../dom.js';
import { t } from '../i18n/index.js';
import { describeViolation } from '../i18n/errors.js';
import {
  describeAction, describeCommitStatus, describeEntry, describeEvent, describeOp, describeResponse,
} from '../i18n/describe.js';
import { drawMessageGlyph } from './glyphs.js';
import { LEGEND_KINDS, termColor, termText } from './palette.js';

const S = (id) => (id ? t('node.label', { id }) : t('word.none'));
const fmtMs = (ms) => t('time.ms', { ms: Math.round(ms) });

/** The feed list, newest first. */
export function renderFeed(list, events) {
  fill(list, events.slice().reverse().map((e) => el('li', { class: `feed-${e.code}` },
    el('span', { class: 'feed-time' }, fmtMs(e.timeMs)), ' ', describeEvent(e))));
}

/** The key-value table: one row per server. */
export function renderKv(table, rows) {
  fill(table,
    el('thead', {}, el('tr', {}, el('th', {}, t('kv.server')), el('th', {}, t('kv.applied')), el('th', {}, t('kv.contents')))),
    el('tbody', {}, rows.map((r) => el('tr', { class: `kv-${r.status.toLowerCase()}`, dataset: { server: r.server } },
      el('th', {}, S(r.server)),
      el('td', {}, r.status === 'Crashed' ? t('status.crashed') : String(r.lastApplied)),
      el('td', { class: 'kv-contents' }, r.status === 'Crashed'
        ? t('kv.lost')
        : r.kv.length === 0 ? t('kv.empty') : r.kv.map(([k, v]) => el('code', {}, `${k}=${v}`)))))));
}

/** Clients: pending operation (with attempts), totals and recent operations. */
export function renderClients(container, clients, attempts) {
  fill(container, clients.map((c) => {
    const p = c.pending;
    let pending = t('clients.idle');
    if (p) {
      const what = p.kind === 'Register' ? t('clients.registering') : t('clients.waiting');
      pending = p.attempts > 1 ? t('clients.retrying', { what, attempts: p.attempts }) : what;
    }
    return el('div', { class: 'client', dataset: { client: c.id } },
      el('div', { class: 'client-head' },
        el('strong', {}, t('client.label', { id: c.id })), ' ',
        el('span', { class: 'muted' }, c.session ? t('clients.session', { id: c.session }) : t('clients.noSession')), ' · ',
        el('span', {}, t('clients.sendsTo', { server: S(c.leader_guess) })), ' · ',
        el('span', { class: p && p.attempts > 1 ? 'warn' : '' }, pending)),
      el('div', { class: 'muted small' }, t('clients.stats', { done: c.stats.completed, retries: c.stats.retries, timeouts: c.stats.timeouts })),
      el('ol', { class: 'ops' }, c.recent.slice().reverse().map((h) => {
        const n = attempts.get(h.id) ?? 1;
        const done = h.completion;
        return el('li', { class: done ? 'op-done' : 'op-pending' },
          el('code', {}, describeOp(h.op)), ' → ',
          done ? describeResponse(done[1]) : t('clients.inProgress'),
          done && n > 1 ? el('span', { class: 'once' }, ' ', t('clients.appliedOnce', { attempts: n })) : null);
      })));
  }));
}

function kvRows(pairs) {
  return pairs.map(([k, v]) => el('tr', {}, el('th', { scope: 'row' }, k), el('td', {}, v)));
}

/** Server inspector: all its state, the leader's per-follower table, the log tail, KV. */
export function renderServer(body, d, actions) {
  const role = d.status === 'Crashed' ? t('status.crashed') : t(`role.${roleKey(d.role)}`);
  const timer = d.electionDeadlineMs;
  fill(body,
    actions,
    el('table', { class: 'fields' }, el('tbody', {}, kvRows([
      [t('field.status'), t(`status.${d.status.toLowerCase()}`)],
      [t('field.role'), role],
      [t('field.term'), String(d.term)],
      [t('field.votedFor'), S(d.votedFor)],
      [t('field.leader'), S(d.leader)],
      [t('field.commitIndex'), String(d.commitIndex)],
      [t('field.lastApplied'), String(d.lastApplied)],
      [t('field.log'), t('field.logRange', { first: d.firstIndex, last: d.lastIndex, term: d.lastTerm })],
      [t('field.snapshot'), t('field.snapshotAt', { index: d.snapshot[0], term: d.snapshot[1] })],
      [t('field.timer'), timer === undefined || timer === null ? '—' : t('field.timerAt', { at: d.electionDeadlineMs, timeout: d.electionTimeoutMs })],
      [t('field.incarnation'), String(d.incarnation)],
      [t('field.config'), d.configuration ? t('field.voters', { voters: d.configuration.voters.map(S).join(', '), learners: d.configuration.learners.map(S).join(', ') || '—' }) : '—'],
    ]))),
    d.votes.length > 0 ? el('p', {}, t('field.votes', { list: d.votes.map(([id, g]) => `${S(id)} ${g ? '✓' : '✗'}`).join(', ') })) : null,
    d.followers.length > 0 ? el('table', { class: 'followers' },
      el('thead', {}, el('tr', {}, el('th', {}, t('field.follower')), el('th', {}, 'nextIndex'), el('th', {}, 'matchIndex'), el('th', {}, t('field.state')))),
      el('tbody', {}, d.followers.map((f) => el('tr', {}, el('th', {}, S(f.id)), el('td', {}, String(f.nextIndex)), el('td', {}, String(f.matchIndex)), el('td', {}, t(`progress.${f.state.toLowerCase()}`)))))) : null,
    el('h3', {}, t('inspector.logTail')),
    el('ol', { class: 'entries' }, d.logTail.slice().reverse().map((e) => entryItem(e))),
    el('h3', {}, t('kv.title')),
    d.kv.length === 0 ? el('p', { class: 'muted' }, d.status === 'Crashed' ? t('kv.lost') : t('kv.empty'))
      : el('p', {}, d.kv.map(([k, v]) => el('code', {}, `${k}=${v} `))),
    d.sessions.length > 0 ? el('p', { class: 'muted small' }, t('inspector.sessions', { list: d.sessions.map((s) => `#${s.client_id}:${s.last_serial ?? '—'}`).join(' ') })) : null);
}

function roleKey(role) {
  return { Follower: 'follower', PreCandidate: 'preCandidate', Candidate: 'candidate', Leader: 'leader' }[role] ?? 'none';
}

function entryItem(e) {
  const chip = el('span', { class: 'term-chip' }, `T${e.term}`);
  chip.style.background = termColor(e.term);
  chip.style.color = termText(e.term);
  return el('li', { class: e.committed ? 'committed' : 'uncommitted' },
    el('span', { class: 'idx' }, `#${e.index}`), ' ', chip, ' ', el('code', {}, describeEntry(e)),
    e.duplicate ? el('span', { class: 'once' }, ' ', t('entry.duplicate')) : null,
    e.committed ? null : el('div', { class: 'why' }, e.commitStatus ? describeCommitStatus(e.commitStatus) : t('entry.notCommitted')));
}

/** One log entry (clicked in the log panel). */
export function renderEntry(body, server, e) {
  fill(body, el('p', {}, t('inspector.entryOf', { server: S(server), index: e.index })), el('ol', { class: 'entries' }, entryItem(e)),
    el('p', { class: 'muted small' }, t(`entryKind.${e.kind}`)));
}

/** An object with its keys in code-unit order (JSON.stringify's replacer, applied at every level). */
function byKey(_, v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * One RPC field's value; carried entries are worded like the log's. Objects are shown with
 * their keys sorted, whatever order the facade wrote them in.
 */
export function fieldText(name, v) {
  if (name === 'entries' && Array.isArray(v)) {
    return v.length === 0 ? t('word.none') : v.map((e) => `#${e.index} T${e.term} ${describeEntry(e)}`).join(' · ');
  }
  return typeof v === 'object' && v !== null ? JSON.stringify(v, byKey) : String(v ?? '—');
}

/** Message inspector with the adversary's buttons. */
export function renderMessage(body, m, actions) {
  fill(body,
    el('p', {}, el('strong', {}, t(`kind.${m.kind}`)), ' ', t('msg.route', { from: S(m.from), to: S(m.to) })),
    el('table', { class: 'fields' }, el('tbody', {}, kvRows([
      ['id', `#${m.id}`], ['term', String(m.term)],
      [t('msg.sent'), fmtMs(m.sentMs)],
      [t('msg.due'), m.deliverMs === null || m.deliverMs === undefined ? t('msg.held') : fmtMs(m.deliverMs)],
      [t('msg.copy'), m.duplicate ? t('word.yes') : t('word.no')],
      ...m.fields.map(([k, v]) => [k, fieldText(k, v)]),
    ]))),
    actions);
}

/** The message legend: one glyph per kind, drawn with the same code as the cluster view. */
export function renderLegend(list) {
  fill(list, LEGEND_KINDS.map(([kind, outcome]) => {
    const c = el('canvas', { width: 44, height: 44, class: 'glyph', 'aria-hidden': 'true' });
    const ctx = c.getContext('2d');
    ctx.scale(2, 2);
    drawMessageGlyph(ctx, kind, 11, 11, outcome, { scale: 1.1 });
    return el('li', {}, c, t(`kind.${kind}`));
  }), el('li', { class: 'legend-roles' }, t('legend.roles')));
}

/** The safety badge and its detail box. */
export function renderSafety(badge, detail, text, violations, checked) {
  if (!checked) {
    badge.className = 'badge off';
    badge.textContent = t('safety.off');
    detail.hidden = true;
    return;
  }
  if (violations.length === 0) {
    badge.className = 'badge ok';
    badge.textContent = t('safety.ok');
    badge.setAttribute('aria-expanded', 'false');
    detail.hidden = true;
    return;
  }
  const v = violations[0];
  badge.className = 'badge bad';
  badge.textContent = t('safety.bad', { count: violations.length, property: t(`property.${propertyName(v.property)}`) });
  text.textContent = t('safety.explain', {
    property: t(`property.${propertyName(v.property)}`), step: v.at.seq, time: v.at.time_ms,
    servers: v.servers.map(S).join(', '), detail: describeViolation(v),
  });
}

/** `ElectionSafety` → `election_safety` (the checker's stable names). */
export function propertyName(p) {
  return String(p).replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

export { describeAction };
