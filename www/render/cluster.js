// Draws the cluster ring. Only draws: geometry comes from layout/, text from i18n/.
import { NODE_RADIUS_PX } from '../layout/ring.js';

const RING_STYLE = '#c9c9d6';
const NODE_FILL = '#e8f1f8';
const NODE_STROKE = '#0b6e99';
const LABEL_STYLE = '#1d1d28';
const LABEL_FONT = '600 14px system-ui, sans-serif';

/** Sizes the canvas backing store for the device pixel ratio; returns the CSS size. */
export function fitCanvas(canvas, dpr = globalThis.devicePixelRatio || 1) {
  const { width, height } = canvas.getBoundingClientRect();
  canvas.width = Math.max(1, Math.round(width * dpr));
  canvas.height = Math.max(1, Math.round(height * dpr));
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, width, height };
}

/** Draws the ring and one labelled circle per server. */
export function drawCluster(ctx, ring, center, labels) {
  ctx.clearRect(0, 0, center.x * 2, center.y * 2);
  ctx.strokeStyle = RING_STYLE;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.arc(center.x, center.y, ring.radius, 0, Math.PI * 2);
  ctx.stroke();

  ctx.fillStyle = NODE_FILL;
  ctx.strokeStyle = NODE_STROKE;
  ctx.lineWidth = 2;
  ctx.beginPath();
  for (const p of ring.points) {
    ctx.moveTo(p.x + NODE_RADIUS_PX, p.y);
    ctx.arc(p.x, p.y, NODE_RADIUS_PX, 0, Math.PI * 2);
  }
  ctx.fill();
  ctx.stroke();

  ctx.fillStyle = LABEL_STYLE;
  ctx.font = LABEL_FONT;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ring.points.forEach((p, i) => ctx.fillText(labels[i], p.x, p.y));
}
