// HiDPI canvas sizing shared by every canvas.

/** Sizes the canvas backing store for the device pixel ratio; returns `{ ctx, width, height }` in CSS px. */
export function fitCanvas(canvas, dpr = globalThis.devicePixelRatio || 1) {
  const { width, height } = canvas.getBoundingClientRect();
  const w = Math.max(1, Math.round(width * dpr));
  const h = Math.max(1, Math.round(height * dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, width, height };
}
