// The space-time diagram: one lane per server, each message an arrow from its sender's lane at
// the time it was sent to its recipient's lane at the time it arrived (a cross where it was
// dropped, open-ended while in flight). Hovering an arrow highlights the message on the ring;
// hovering a server on the ring highlights its lane; a click moves the timeline there.
import { el } from '../dom.js';
import { setAttrText, setText, t } from '../i18n/index.js';
import { span } from './text.js';
import { fitCanvas } from '../render/canvas.js';
import { DANGER, INK, MUTED } from '../render/palette.js';
import { arrowHead, segmentDistance } from './geometry.js';
import { decodeSpacetime } from './chartdata.js';

export const WINDOW_MS = 1500;
const LANE_TOP_PX = 18;
const LABEL_PX = 34;
const HOVER_PX = 6;
const MAX_ARROWS = 4000;
/** Colours per kind group (requests, replies, heartbeats, other), colour-blind safe. */
const KIND_STYLE = ['#0072b2', '#009e73', '#9a9aa8', '#e69f00'];
const groupOf = (kind) => (kind === 6 ? 2 : [0, 1, 7, 10, 12, 13, 15].includes(kind) ? 0 : [2, 3, 4, 5, 8, 9, 11, 14].includes(kind) ? 1 : 3);

/** Lane y for server index `i` of `n` in a canvas of `height`. */
export function laneY(i, n, height) {
  return LANE_TOP_PX + ((height - LANE_TOP_PX - 10) * (i + 0.5)) / Math.max(1, n);
}

export function installSpacetime(handle, panel) {
  const { app, shared } = handle;
  const canvas = setAttrText(el('canvas', { id: 'break-spacetime', class: 'break-spacetime', tabindex: '0', role: 'img' }), 'aria-label', 'break.st.aria');
  const windowSel = el('select', { id: 'break-st-window' }, [500, 1500, 5000, 20000].map((ms) => setText(el('option', { value: String(ms), selected: ms === WINDOW_MS }), 'break.st.windowMs', { ms })));
  panel.append(setText(el('p', { class: 'hint' }), 'break.st.intro'), el('label', {}, span('break.st.window'), windowSel), canvas,
    el('p', { class: 'hint break-legend' }, ['request', 'reply', 'heartbeat', 'other'].map((k, i) => span(`break.st.${k}`, {}, { class: `break-key break-key-${i}` }))));
  let arrows = [];
  let view = null;

  canvas.addEventListener('pointermove', (e) => {
    if (!view) return;
    const r = canvas.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    let best = null;
    for (const a of arrows) {
      const d = segmentDistance(a.p0, a.p1, x, y).distance;
      if (d < HOVER_PX && (!best || d < best.d)) best = { d, a };
    }
    shared.hover = best ? best.a.m.id : null;
    shared.spacetimeHover = true;
    const m = best?.a.m;
    setAttrText(canvas, 'title', m ? 'break.st.tip' : null, m && { kind: { key: `kind.${app.bindings.messageKinds()[m.kind]}` }, from: m.from, to: m.to, sent: m.sentMs, end: m.endMs ?? '…', outcome: { key: `break.st.${m.outcome}` } });
  });
  canvas.addEventListener('pointerleave', () => { shared.hover = null; shared.spacetimeHover = false; });
  canvas.addEventListener('click', (e) => {
    if (!view) return;
    const r = canvas.getBoundingClientRect();
    const f = (e.clientX - r.left - LABEL_PX) / (view.width - LABEL_PX);
    if (f >= 0 && f <= 1) { app.pause(); app.seek(view.from + f * (view.to - view.from)); }
  });
  handle.spacetimeArrows = () => arrows.length;
  /** Counts, in a fresh read, the arrows a window [from, to] would draw (tests). */
  handle.spacetimeCount = (from, to) => decodeSpacetime(app.simulation().spacetime(from, to, 20000), app.bindings.spacetimeStride()).length;

  function draw() {
    const sim = app.simulation();
    const { ctx, width, height } = fitCanvas(canvas);
    ctx.clearRect(0, 0, width, height);
    const now = sim.nowMs;
    const span = Number(windowSel.value);
    const from = Math.max(0, now - span);
    const to = Math.max(now, from + 1);
    const ids = app.geometry().ids;
    const n = ids.length;
    const xOf = (ms) => LABEL_PX + ((ms - from) / (to - from)) * (width - LABEL_PX - 6);
    const yOf = (id) => laneY(ids.indexOf(id), n, height);
    view = { from, to, width };
    ctx.font = '600 11px system-ui, sans-serif'; ctx.textBaseline = 'middle'; ctx.textAlign = 'left';
    ids.forEach((id, i) => {
      const y = laneY(i, n, height);
      const lit = shared.hoverServer === id;
      ctx.strokeStyle = lit ? INK : '#d8d8e2'; ctx.lineWidth = lit ? 2 : 1;
      ctx.beginPath(); ctx.moveTo(LABEL_PX, y); ctx.lineTo(width, y); ctx.stroke();
      ctx.fillStyle = INK; ctx.fillText(`S${id}`, 4, y);
    });
    ctx.fillStyle = MUTED; ctx.textAlign = 'right';
    ctx.fillText(t('break.st.now', { ms: now }), width - 4, 8);
    const messages = decodeSpacetime(sim.spacetime(from, to, MAX_ARROWS), app.bindings.spacetimeStride());
    arrows = [];
    for (const m of messages) {
      if (!ids.includes(m.from) || !ids.includes(m.to)) continue;
      const end = m.endMs ?? now;
      const p0 = { x: xOf(m.sentMs), y: yOf(m.from) };
      const p1 = { x: xOf(Math.min(end, to)), y: yOf(m.to) };
      // In flight: the arrow stops halfway between the lanes, at "now".
      if (m.endMs === null) p1.y = (p0.y + p1.y) / 2;
      arrows.push({ m, p0, p1 });
    }
    for (let g = 0; g < 4; g++) {
      ctx.strokeStyle = KIND_STYLE[g]; ctx.fillStyle = KIND_STYLE[g]; ctx.lineWidth = 1.2;
      ctx.beginPath();
      for (const a of arrows) if (groupOf(a.m.kind) === g && a.m.outcome !== 'dropped') { ctx.moveTo(a.p0.x, a.p0.y); ctx.lineTo(a.p1.x, a.p1.y); }
      ctx.stroke();
      ctx.beginPath();
      for (const a of arrows) {
        if (groupOf(a.m.kind) !== g || a.m.outcome !== 'delivered') continue;
        const h = arrowHead(a.p0, a.p1, 6);
        ctx.moveTo(h[0].x, h[0].y); ctx.lineTo(h[1].x, h[1].y); ctx.lineTo(h[2].x, h[2].y); ctx.closePath();
      }
      ctx.fill();
    }
    // Dropped: dashed red, with a cross where it died.
    ctx.strokeStyle = DANGER; ctx.setLineDash([3, 3]); ctx.beginPath();
    for (const a of arrows) if (a.m.outcome === 'dropped') { ctx.moveTo(a.p0.x, a.p0.y); ctx.lineTo(a.p1.x, a.p1.y); }
    ctx.stroke(); ctx.setLineDash([]); ctx.beginPath();
    for (const a of arrows) if (a.m.outcome === 'dropped') { const { x, y } = a.p1; ctx.moveTo(x - 4, y - 4); ctx.lineTo(x + 4, y + 4); ctx.moveTo(x + 4, y - 4); ctx.lineTo(x - 4, y + 4); }
    ctx.stroke();
    const lit = arrows.find((a) => a.m.id === shared.hover);
    if (lit) { ctx.strokeStyle = '#7a2fd0'; ctx.lineWidth = 3; ctx.beginPath(); ctx.moveTo(lit.p0.x, lit.p0.y); ctx.lineTo(lit.p1.x, lit.p1.y); ctx.stroke(); }
  }

  let lastKey = '';
  return {
    onFrame(current) {
      if (current !== 'spacetime') return;
      const key = `${app.simulation().frameGlobal()[14]}:${shared.hover}:${shared.hoverServer}:${canvas.clientWidth}:${windowSel.value}`;
      if (key === lastKey) return;
      lastKey = key;
      draw();
    },
    onLanguage() { lastKey = ''; },
  };
}
