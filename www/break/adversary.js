// Adversary mode: the world stops; the user picks what happens next among the pending events
// (deliver, drop or duplicate a message in flight; fire a server's timer). Step back undoes.
import { el, fill } from '../dom.js';
import { setText, t } from '../i18n/index.js';
import { describeAction } from '../i18n/describe.js';

const PENDING_SHOWN = 40;
/** Pending client events, each with its own words (break.adv.what.*). */
export const CLIENT_EVENTS = Object.freeze(['ClientStart', 'ClientTimeout', 'ClientRetry', 'ClientRequest', 'ClientReply']);

export function installAdversary(handle, panel) {
  const { app, guard } = handle;
  const toggle = setText(el('button', { type: 'button', id: 'break-adv-toggle', 'aria-pressed': 'false' }), 'break.adv.start');
  const next = setText(el('button', { type: 'button', id: 'break-adv-next' }), 'break.adv.next');
  const back = setText(el('button', { type: 'button', id: 'break-adv-back' }), 'break.adv.back');
  const list = el('ol', { id: 'break-adv-list', class: 'break-adv-list', 'aria-live': 'polite' });
  let on = false;
  let shownRevision = -1;
  toggle.addEventListener('click', () => {
    on = !on;
    if (on) app.pause();
    toggle.setAttribute('aria-pressed', String(on));
    setText(toggle, on ? 'break.adv.stop' : 'break.adv.start');
    shownRevision = -1;
  });
  next.addEventListener('click', () => { app.stepOne(); shownRevision = -1; });
  back.addEventListener('click', () => { app.stepBack(); shownRevision = -1; });
  panel.append(setText(el('p', { class: 'hint' }), 'break.adv.intro'), el('div', { class: 'row-buttons' }, toggle, next, back), list);

  const act = (key, action, fn) => setText(el('button', { type: 'button', dataset: { adv: action }, onclick: () => { guard(fn); shownRevision = -1; } }), key);
  const text = (key, params, cls) => setText(el('span', cls ? { class: cls } : {}), key, params);
  function row(ev) {
    const w = ev.what;
    const kind = typeof w === 'string' ? w : Object.keys(w)[0];
    const f = typeof w === 'string' ? {} : w[kind];
    const when = () => text('break.adv.at', { ms: ev.time_ms }, 'hint');
    const sim = app.simulation();
    if (kind === 'Deliver') {
      return el('li', { dataset: { message: f.message } },
        el('span', {}, text('break.adv.message', { kind: { key: `kind.${f.kind}` }, from: f.from, to: f.to, id: f.message }), ' ', when()),
        el('span', { class: 'row-buttons' },
          act('break.adv.deliver', 'deliver', () => sim.deliverMessage(f.message)),
          act('break.adv.drop', 'drop', () => sim.dropMessage(f.message)),
          act('break.adv.duplicate', 'duplicate', () => sim.duplicateMessage(f.message))));
    }
    if (kind === 'Timer') {
      return el('li', { dataset: { timer: f.server } },
        el('span', {}, text('break.adv.timer', { server: f.server }), ' ', when()),
        el('span', { class: 'row-buttons' }, act('break.adv.fire', 'fire', () => sim.timeoutNow(f.server))));
    }
    let what;
    if (CLIENT_EVENTS.includes(kind)) what = text('break.adv.client', { client: f.client, what: { key: `break.adv.what.${kind}`, params: { server: f.server } } });
    else if (kind === 'Fault') what = text('break.adv.what.Fault');
    // A command's description is composed by describe.js: redrawn by onLanguage.
    else if (kind === 'Scheduled') what = el('span', {}, t('break.adv.scheduled', { action: describeAction(f.action) }));
    else what = text('break.adv.other', { what: kind });
    return el('li', {}, el('span', { class: 'hint' }, what, ' ', when()));
  }

  return {
    onFrame(current) {
      if (current !== 'adversary') return;
      const rev = app.simulation().frameGlobal()[14];
      if (rev === shownRevision) return;
      shownRevision = rev;
      let pending = [];
      try { pending = app.simulation().pendingEvents(PENDING_SHOWN); } catch (err) { app.showError(err); }
      fill(list, pending.length ? pending.map(row) : [setText(el('li', { class: 'hint' }), 'break.adv.none')]);
    },
    onReset() { shownRevision = -1; },
    onLanguage() { shownRevision = -1; },
  };
}
