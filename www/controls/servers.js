// Server and message interaction on the cluster canvas: tap/click a server for its action
// menu (no right-click needed), tap a message to inspect it. Keyboard equivalents live in
// keyboard.js and call the same app methods.
import { el, fill } from '../dom.js';
import { setText, t } from '../i18n/index.js';
import { hitPoint } from '../layout/ring.js';

const MESSAGE_HIT_PX = 14;

/** The menu entries for a server in its current state: [i18n key, app method]. */
export function serverActions(node, isLeader) {
  const out = [];
  if (node.status === 'crashed') out.push(['action.restart', 'restart']);
  else out.push(['action.crash', 'crash']);
  if (node.status === 'paused') out.push(['action.resume', 'resume']);
  else if (node.status === 'running') out.push(['action.pause', 'pause']);
  if (node.status === 'running' && !isLeader) out.push(['action.timeoutNow', 'timeoutNow']);
  if (node.status === 'running' && !isLeader) out.push(['action.transferHere', 'transferHere']);
  if (node.status === 'running') out.push(['action.snapshot', 'snapshot']);
  out.push(['action.isolate', 'isolate']);
  out.push(['action.remove', 'remove']);
  return out;
}

export function installServerControls(app, $) {
  const canvas = $('cluster');
  const menu = $('server-menu');

  canvas.addEventListener('click', (e) => {
    const rect = canvas.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    const geo = app.geometry();
    const i = hitPoint(geo.points, x, y, geo.r + 8);
    if (i >= 0) { app.selectServer(geo.ids[i], true); return; }
    const m = hitPoint(geo.messages, x, y, MESSAGE_HIT_PX);
    if (m >= 0) { app.selectMessage(geo.messages[m].id); return; }
    app.closeMenu();
  });
  canvas.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && app.selected() !== null) { e.preventDefault(); app.openMenu(app.selected()); }
  });

  return {
    open(id, node, isLeader, point) {
      // data-i18n keeps an open menu in step with a language switch.
      const items = serverActions(node, isLeader).map(([key, method]) =>
        el('button', { type: 'button', role: 'menuitem', dataset: { action: method, i18n: key }, onclick: () => { app.closeMenu(); app.serverCommand(method, id); } }, t(key)));
      fill(menu,
        setText(el('div', { class: 'menu-title' }), 'menu.title', { server: { key: 'node.label', params: { id } } }),
        items,
        app.menuExtras?.(id) ?? [],
        el('button', { type: 'button', role: 'menuitem', class: 'subtle', dataset: { i18n: 'menu.close' }, onclick: () => app.closeMenu() }, t('menu.close')));
      menu.hidden = false;
      const wrap = canvas.getBoundingClientRect();
      const w = menu.offsetWidth;
      const h = menu.offsetHeight;
      const left = Math.min(Math.max(4, point.x + 24), wrap.width - w - 4);
      const top = Math.min(Math.max(4, point.y - h / 2), Math.max(4, wrap.height - h - 4));
      menu.style.left = `${Math.max(4, left)}px`;
      menu.style.top = `${top}px`;
      menu.querySelector('button')?.focus({ preventScroll: true });
    },
    close() { menu.hidden = true; },
    isOpen: () => !menu.hidden,
  };
}
