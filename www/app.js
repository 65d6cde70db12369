// The app: creates the cluster in wasm and draws it. The only module that imports the bindings.
import * as raftlab from './pkg/raftlab.js';
import { language, setLanguage, t, translateDocument } from './i18n/index.js';
import { fitRing } from './layout/ring.js';
import { drawCluster, fitCanvas } from './render/cluster.js';

const DEFAULT_NODES = 5;

export function main() {
  const params = new URLSearchParams(globalThis.location.search);
  const nodes = Number(params.get('nodes') ?? DEFAULT_NODES);
  const seedParam = params.get('seed');
  const sim = new raftlab.Simulation(nodes, seedParam === null ? undefined : Number(seedParam));

  const canvas = document.getElementById('cluster');
  const status = document.getElementById('status');
  const langSelect = document.getElementById('lang-select');

  const render = () => {
    const { ctx, width, height } = fitCanvas(canvas);
    const ring = fitRing(sim.ringLayout(), width, height);
    const labels = Array.from({ length: sim.nodes }, (_, i) => t('node.label', { id: i + 1 }));
    drawCluster(ctx, ring, { x: width / 2, y: height / 2 }, labels);
    status.textContent = t('app.ready', { nodes: sim.nodes, seed: sim.seed, version: raftlab.version() });
  };

  langSelect.value = language();
  langSelect.addEventListener('change', () => {
    document.documentElement.lang = setLanguage(langSelect.value);
    translateDocument(document);
    render();
  });
  new ResizeObserver(render).observe(canvas);
  render();
  document.body.dataset.ready = 'true';
}
