// The network tools: the link menu (cut one way or both, repair, per-link latency and loss),
// the network panel (lasso switch, heal all, every link's knobs) and a link picker that opens
// the link menu without a pointer.
import { el, fill } from '../dom.js';
import { setText } from '../i18n/index.js';
import { linkState } from './geometry.js';
import { span } from './text.js';

/** The simulation's blocked links as [{ from, to }, …]. */
export function blockedPairs(sim) {
  const raw = sim.frameBlocked();
  const out = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push({ from: raw[i], to: raw[i + 1] });
  return out;
}

/** The menu of one link (`{ a, b }`, a < b), opened over the ring at a point `p` of the canvas. */
export function installLinkMenu(handle, wrap) {
  const { app, shared, guard } = handle;
  const menu = el('div', { class: 'menu break-link-menu', role: 'menu', hidden: true });
  wrap.append(menu);
  const close = () => { menu.hidden = true; shared.link = null; };

  function open(link, p) {
    shared.link = link;
    const sim = app.simulation();
    const { a, b } = link;
    const cfg = sim.linkSettings(a, b);
    const state = linkState(blockedPairs(sim), a, b);
    const num = (id, v, max) => el('input', { id, type: 'number', min: '0', max: String(max), step: 'any', value: String(v), class: 'break-num' });
    const item = (key, params, fn, action) => setText(el('button', { type: 'button', role: 'menuitem', dataset: { linkAction: action }, onclick: () => { guard(fn); close(); } }), key, params);
    const latMin = num('break-link-lat-min', cfg.latencyMsMin, 10000);
    const latMax = num('break-link-lat-max', cfg.latencyMsMax, 10000);
    const loss = num('break-link-loss', cfg.lossPercent, 100);
    const apply = () => {
      if (guard(() => sim.setLink(a, b, true, { latencyMsMin: Number(latMin.value), latencyMsMax: Number(latMax.value), lossPercent: Number(loss.value) }))) close();
    };
    fill(menu,
      el('div', { class: 'menu-title' }, span('break.link.title', { a, b }), ' ', span(`break.link.state.${state.replace('>', '_')}`, { a, b }, { class: 'hint' })),
      item('break.link.cutOne', { from: a, to: b }, () => sim.cutLink(a, b, false), 'cut-ab'),
      item('break.link.cutOne', { from: b, to: a }, () => sim.cutLink(b, a, false), 'cut-ba'),
      item('break.link.cutBoth', {}, () => sim.cutLink(a, b, true), 'cut-both'),
      item('break.link.repair', {}, () => sim.repairLink(a, b, true), 'repair'),
      el('div', { class: 'break-link-knobs' },
        el('label', {}, span('break.net.latencyMin'), latMin),
        el('label', {}, span('break.net.latencyMax'), latMax),
        el('label', {}, span('break.net.loss'), loss),
        setText(el('button', { type: 'button', dataset: { linkAction: 'apply' }, onclick: apply }), 'break.link.apply')),
      setText(el('button', { type: 'button', role: 'menuitem', class: 'subtle', onclick: close }), 'menu.close'));
    menu.hidden = false;
    menu.style.left = `${Math.max(4, Math.min(p.x + 12, wrap.clientWidth - menu.offsetWidth - 4))}px`;
    menu.style.top = `${Math.max(4, Math.min(p.y - 20, wrap.clientHeight - menu.offsetHeight - 4))}px`;
    menu.querySelector('button')?.focus({ preventScroll: true });
  }
  return { open, close, menu };
}

/** The network panel; returns `sync()` (knobs from the simulation) and `syncLinks()` (the picker's pairs). */
export function installNetworkPanel(handle, panel, linkMenu) {
  const { app, shared, guard, cluster } = handle;
  const lassoBtn = setText(el('button', { type: 'button', id: 'break-lasso', 'aria-pressed': 'false' }), 'break.net.lasso');
  // A second switch next to the ring's own buttons, where the drawing happens.
  const nearRing = setText(el('button', { type: 'button', id: 'break-lasso-ring', 'aria-pressed': 'false' }), 'break.net.lasso');
  cluster.ownerDocument.querySelector('.cluster-panel .row-buttons')?.prepend(nearRing);
  const toggleLasso = () => {
    shared.lassoOn = !shared.lassoOn;
    for (const b of [lassoBtn, nearRing]) b.setAttribute('aria-pressed', String(shared.lassoOn));
    cluster.classList.toggle('break-lassoing', shared.lassoOn);
  };
  lassoBtn.addEventListener('click', toggleLasso);
  nearRing.addEventListener('click', toggleLasso);
  const heal = setText(el('button', { type: 'button', id: 'break-heal' }), 'break.net.heal');
  heal.addEventListener('click', () => { shared.groups = []; guard(() => app.simulation().heal()); });
  const knobs = {};
  const knob = (name, max) => {
    knobs[name] = el('input', { id: `break-net-${name}`, type: 'number', min: '0', max: String(max), step: 'any', class: 'break-num' });
    return el('label', {}, span(`break.net.${name}`), knobs[name]);
  };
  const apply = setText(el('button', { type: 'button', id: 'break-net-apply' }), 'break.net.apply');
  apply.addEventListener('click', () => guard(() => app.simulation().setNetwork({
    latencyMsMin: Number(knobs.latencyMin.value), latencyMsMax: Number(knobs.latencyMax.value),
    lossPercent: Number(knobs.loss.value), duplicatePercent: Number(knobs.duplicate.value),
    reorderPercent: Number(knobs.reorder.value), reorderDelayMsMax: Number(knobs.reorder.value) > 0 ? 50 : 0,
  })));
  const picker = linkPicker(app, linkMenu);
  panel.append(
    setText(el('p', { class: 'hint' }), 'break.net.intro'),
    el('div', { class: 'row-buttons' }, lassoBtn, heal),
    setText(el('h3', {}), 'break.net.global'),
    el('div', { class: 'break-knobs' }, knob('latencyMin', 10000), knob('latencyMax', 10000), knob('loss', 100), knob('duplicate', 100), knob('reorder', 100), apply),
    picker.node);
  const sync = () => {
    const d = app.simulation().linkSettings(0, 0);
    knobs.latencyMin.value = d.latencyMsMin; knobs.latencyMax.value = d.latencyMsMax;
    knobs.loss.value = d.lossPercent; knobs.duplicate.value = d.duplicatePercent; knobs.reorder.value = d.reorderPercent;
  };
  return { sync, syncLinks: picker.sync };
}

/** Without a pointer: choose a link from a list and open the same menu a click on it opens. */
function linkPicker(app, linkMenu) {
  const pick = el('select', { id: 'break-link-pick' });
  const open = setText(el('button', { type: 'button', id: 'break-link-open' }), 'break.link.open');
  let shownIds = '';
  const sync = () => {
    const ids = app.geometry().ids;
    if (ids.join() === shownIds) return;
    shownIds = ids.join();
    const was = pick.value;
    const sorted = [...ids].sort((x, y) => x - y);
    fill(pick, sorted.flatMap((a, i) => sorted.slice(i + 1).map((b) => setText(el('option', { value: `${a}-${b}` }), 'break.link.pair', { a, b }))));
    if ([...pick.options].some((o) => o.value === was)) pick.value = was;
  };
  open.addEventListener('click', () => {
    const [a, b] = pick.value.split('-').map(Number);
    const geo = app.geometry();
    const [pa, pb] = [a, b].map((id) => geo.points[geo.ids.indexOf(id)]);
    if (!pa || !pb) return;
    app.closeMenu();
    linkMenu.open({ a, b }, { x: (pa.x + pb.x) / 2, y: (pa.y + pb.y) / 2 });
    linkMenu.menu.scrollIntoView({ block: 'nearest' });
  });
  const node = el('div', {}, setText(el('h3', {}), 'break.link.heading'), el('div', { class: 'row-buttons' }, el('label', {}, span('break.link.choose'), pick), open));
  return { node, sync };
}
