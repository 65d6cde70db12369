// Charts where people would rather look than read: commit index per server, messages per second
// by kind, leader availability with elections, client latency.
//
// Library: uPlot (MIT, ~48 KB minified / ~22 KB gzip JS + 2 KB CSS, no dependencies, canvas
// based, actively maintained by one careful author since 2019). It was chosen over Chart.js
// (~70 KB gzip) and hand-drawn axes: it is the smallest library with real time axes, cursor
// read-outs and step lines, and it draws on canvas like the rest of the lab. It sets element
// styles only through the CSSOM (allowed by the page's `style-src 'self'`), and its stylesheet
// is imported as a file (webpack's experiments.css emits it as a <link>), never injected. Both
// load on demand, the first time the charts tab is shown: the default view does not pay for them.
import { el, fill } from '../dom.js';
import { setText, t } from '../i18n/index.js';
import { availability, clientLatency, commitSeries, decodeSpacetime, electionCounts, messageRates } from './chartdata.js';

const REFRESH_MS = 700;
const SERVER_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'];
/** Kind codes grouped as the legend shows them (order of snapshot.js MESSAGE_KINDS). */
export const KIND_GROUPS = Object.freeze({
  votes: [0, 1, 2, 3, 4, 5], heartbeats: [6], append: [7, 8, 9], other: [10, 11, 12, 13, 14, 15],
});

/** uPlot's constructor once loaded (null before), and the one load in progress. */
let uPlot = null;
let loading = null;
function loadUplot() {
  loading ??= Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([m]) => { uPlot = m.default; });
  return loading;
}

export function installCharts(handle, panel) {
  const { app } = handle;
  const grid = el('div', { class: 'break-charts', id: 'break-charts' });
  const summary = el('p', { id: 'break-availability', role: 'status' });
  panel.append(setText(el('p', { class: 'hint' }), 'break.chart.intro'), summary, grid);
  let charts = [];
  let lastAt = 0;
  let lastRev = -1;

  function width() { return Math.max(240, Math.min(560, (grid.clientWidth || 300) / (grid.clientWidth > 700 ? 2 : 1) - 16)); }
  function make(titleKey, series, data, opts = {}) {
    const box = el('div', { class: 'break-chart' });
    grid.append(box);
    return new uPlot({
      title: t(titleKey), width: width(), height: 170, series: [{ label: t('break.chart.time') }, ...series],
      axes: [{ values: (_u, ticks) => ticks.map((v) => `${(v / 1000).toFixed(1)}s`) }, {}], legend: { live: false },
      scales: { x: { time: false } }, ...opts,
    }, data, box);
  }

  function build() {
    if (!uPlot) {
      // Draw as soon as the library is here (the next frame sees a changed revision).
      loadUplot().then(() => { lastRev = -1; lastAt = 0; }, (err) => app.showError(err));
      return;
    }
    for (const c of charts) c.destroy();
    fill(grid);
    const sim = app.simulation();
    const now = sim.nowMs;
    const ids = app.geometry().ids;
    const rows = decodeSpacetime(sim.spacetime(0, now, 20000), app.bindings.spacetimeStride());
    const timeline = sim.timeline();
    const avail = availability(timeline.bands, now);
    const total = Math.max(1, avail.withLeaderMs + avail.withoutLeaderMs);
    setText(summary, 'break.chart.availability', {
      pct: Math.round((100 * avail.withLeaderMs) / total), without: avail.withoutLeaderMs,
      elections: timeline.marks.filter((m) => m.kind === 'election').length,
    });
    const step = uPlot.paths.stepped({ align: 1 });
    charts = [
      make('break.chart.commit', ids.map((id, i) => ({ label: `S${id}`, stroke: SERVER_COLOURS[i % SERVER_COLOURS.length], paths: step })), commitSeries(sim.commitSeries(), ids, now)),
      make('break.chart.rates', Object.keys(KIND_GROUPS).map((g, i) => ({ label: t(`break.chart.kind.${g}`), stroke: SERVER_COLOURS[i] })), messageRates(rows, KIND_GROUPS, now)),
      (() => {
        const el2 = electionCounts(timeline.marks, now);
        const up = avail.series;
        // Two series on one time axis: leader present (0/1, stepped) and elections per second.
        const xs = [...new Set([...el2[0], ...up[0]])].sort((a, b) => a - b);
        const at = (s, x) => { let v = null; for (let i = 0; i < s[0].length && s[0][i] <= x; i++) v = s[1][i]; return v; };
        return make('break.chart.elections', [
          { label: t('break.chart.leader'), stroke: '#009e73', paths: step, fill: 'rgba(0,158,115,0.12)' },
          { label: t('break.chart.electionsPerS'), stroke: '#d55e00', paths: step },
        ], [xs, xs.map((x) => at(up, x)), xs.map((x) => at(el2, x))]);
      })(),
      make('break.chart.latency', [{ label: t('break.chart.latencyMs'), stroke: '#cc79a7', points: { show: true }, width: 0 }], clientLatency(sim.history())),
    ];
  }

  return {
    onFrame(current) {
      if (current !== 'charts') return;
      const now = performance.now();
      const rev = app.simulation().frameGlobal()[14];
      if (rev === lastRev || now - lastAt < REFRESH_MS) return;
      lastAt = now; lastRev = rev;
      build();
    },
    onReset() { lastRev = -1; },
    // uPlot draws titles, axes and legends from the labels it was given: rebuild them (same
    // data, read again from the simulation) now if the tab is open, else when it is next shown.
    onLanguage() {
      lastRev = -1;
      lastAt = 0;
      if (!panel.hidden) { lastRev = app.simulation().frameGlobal()[14]; lastAt = performance.now(); build(); }
    },
  };
}
