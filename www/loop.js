// The one requestAnimationFrame loop: wall time × speed → virtual time, then draw.

/** Wall-clock gaps longer than this (a background tab, a debugger) are ignored, not replayed. */
export const MAX_GAP_MS = 500;
export const SPEED_MIN = 0.01;
export const SPEED_MAX = 100;
export const DEFAULT_SPEED = 0.05;

/** Speed for a slider position in -2..2 (log10 scale: 10^-2 … 10^2). */
export function speedFromSlider(v) {
  const clamped = Math.min(2, Math.max(-2, Number(v)));
  return Number((10 ** clamped).toPrecision(2));
}

/** Slider position for a speed. */
export function sliderFromSpeed(speed) {
  return Math.log10(clampSpeed(speed));
}

export function clampSpeed(speed) {
  return Math.min(SPEED_MAX, Math.max(SPEED_MIN, Number(speed) || DEFAULT_SPEED));
}

/**
 * Virtual milliseconds to advance for a wall-clock gap, carrying the fraction in `carry`
 * (the world counts whole milliseconds). Returns `{ whole, carry }`.
 */
export function virtualStep(wallDeltaMs, speed, carry = 0) {
  if (!(wallDeltaMs > 0) || wallDeltaMs > MAX_GAP_MS) return { whole: 0, carry };
  const total = carry + wallDeltaMs * speed;
  const whole = Math.floor(total);
  return { whole, carry: total - whole };
}

/**
 * Starts the loop. `tick(virtualMs)` advances the world (only while playing) and `draw()`
 * paints. Returns controls: play/pause/isPlaying/setSpeed/speed/stop.
 */
export function startLoop({ tick, draw, raf = globalThis.requestAnimationFrame.bind(globalThis) }) {
  let playing = true;
  let speed = DEFAULT_SPEED;
  let last = null;
  let carry = 0;
  let running = true;
  const frame = (now) => {
    if (!running) return;
    if (last !== null && playing) {
      const step = virtualStep(now - last, speed, carry);
      carry = step.carry;
      if (step.whole > 0) tick(step.whole);
    }
    last = now;
    draw();
    raf(frame);
  };
  raf(frame);
  return {
    play() { playing = true; },
    pause() { playing = false; carry = 0; },
    isPlaying: () => playing,
    setSpeed(s) { speed = clampSpeed(s); return speed; },
    speed: () => speed,
    stop() { running = false; },
  };
}
