// The client history view: each client's operations as bars from call to return over virtual
// time, the linearizability verdict on demand, and, when it fails, the operations that cannot
// be put in any order consistent with a single copy of the data (outlined in red).
import { el, fill } from '../dom.js';
import { setAttrText, setText, t } from '../i18n/index.js';
import { describeOp } from '../i18n/describe.js';
import { fitCanvas } from '../render/canvas.js';
import { DANGER, INK, MUTED } from '../render/palette.js';
import { historyBars } from './chartdata.js';
import { readFrame } from '../snapshot.js';

const ROW_PX = 26;
const LABEL_PX = 34;

export function installHistory(handle, panel) {
  const { app } = handle;
  const check = setText(el('button', { type: 'button', id: 'break-lin-check' }), 'break.history.check');
  const verdict = el('p', { id: 'break-lin-verdict', role: 'status', 'aria-live': 'polite' });
  const canvas = setAttrText(el('canvas', { id: 'break-history', class: 'break-history', role: 'img' }), 'aria-label', 'break.history.aria');
  const list = el('ul', { class: 'break-bad-ops', id: 'break-bad-ops' });
  panel.append(setText(el('p', { class: 'hint' }), 'break.history.intro'), el('div', { class: 'row-buttons' }, check), verdict, canvas, list);
  let bad = [];
  /** The operations that cannot be ordered (kept to list them again in another language). */
  let badOps = [];
  const renderBad = () => fill(list, badOps.map(({ id, h }) => el('li', {}, t('break.history.op', {
    client: h?.client, op: h ? describeOp(h.op) : id, call: h?.call_ms, ret: h?.completion?.[0] ?? '?',
  }))));
  check.addEventListener('click', () => {
    let v;
    try { v = app.simulation().checkLinearizability(); } catch (err) { app.showError(err); return; }
    const history = app.simulation().history();
    bad = v.verdict === 'linearizable' || v.verdict === 'inconclusive' ? [] : v.cannot_order ?? [];
    // The verdict covers the whole run; history() keeps only recent and still-open operations.
    const ops = readFrame(app.simulation()).global.historyLen;
    if (v.verdict === 'linearizable') { verdict.className = 'ok'; setText(verdict, 'break.history.ok', { ops }); }
    else if (v.verdict === 'inconclusive') { verdict.className = ''; setText(verdict, 'break.history.inconclusive', { key: v.key }); }
    else { verdict.className = 'bad'; setText(verdict, 'break.history.bad', { key: v.key, count: bad.length }); }
    const byId = new Map(history.map((h) => [h.id, h]));
    badOps = bad.map((id) => ({ id, h: byId.get(id) }));
    renderBad();
    lastKey = '';
  });
  let lastKey = '';
  return {
    onFrame(current) {
      if (current !== 'history') return;
      const g = app.simulation().frameGlobal();
      const key = `${g[14]}:${bad.join()}:${canvas.clientWidth}`;
      if (key === lastKey) return;
      lastKey = key;
      const bars = historyBars(app.simulation().history(), bad);
      const clients = [...new Set(bars.map((b) => b.client))].sort((a, b) => a - b);
      canvas.style.height = `${Math.max(2, clients.length) * ROW_PX + 24}px`;
      const { ctx, width, height } = fitCanvas(canvas);
      ctx.clearRect(0, 0, width, height);
      const now = g[0];
      const from = Math.max(0, now - 10000);
      const x = (ms) => LABEL_PX + ((Math.max(ms, from) - from) / Math.max(1, now - from)) * (width - LABEL_PX - 4);
      ctx.font = '600 11px system-ui, sans-serif'; ctx.textBaseline = 'middle';
      clients.forEach((c, row) => { ctx.fillStyle = INK; ctx.fillText(`C${c}`, 4, 12 + row * ROW_PX + ROW_PX / 2); });
      for (const b of bars) {
        if ((b.endMs ?? now) < from) continue;
        const row = clients.indexOf(b.client);
        const y = 12 + row * ROW_PX + 4;
        const x0 = x(b.startMs);
        const x1 = Math.max(x0 + 2, x(b.endMs ?? now));
        ctx.fillStyle = b.endMs === null ? '#e4e4ea' : b.read ? '#56b4e9' : '#009e73';
        ctx.fillRect(x0, y, x1 - x0, ROW_PX - 8);
        if (b.failed) { ctx.strokeStyle = DANGER; ctx.lineWidth = 3; ctx.strokeRect(x0, y, x1 - x0, ROW_PX - 8); }
      }
      ctx.fillStyle = MUTED; ctx.textAlign = 'right'; ctx.fillText(t('break.st.now', { ms: now }), width - 4, 6); ctx.textAlign = 'left';
    },
    onReset() { bad = []; badOps = []; verdict.className = ''; setText(verdict, null); fill(list); lastKey = ''; },
    onLanguage() { renderBad(); lastKey = ''; },
  };
}
