// Time controls: play/pause, speed (log scale), step, step back, the timeline scrubber.
import { speedFromSlider, sliderFromSpeed } from '../loop.js';
import { timelineSpan, xToTime } from '../layout/timeline.js';

export function installTimeControls(app, $) {
  const play = $('play');
  const speed = $('speed');
  const timeline = $('timeline');

  play.addEventListener('click', () => app.togglePlay());
  $('step').addEventListener('click', () => app.stepOne());
  $('step-back').addEventListener('click', () => app.stepBack());
  speed.value = String(sliderFromSpeed(app.loop.speed()));
  speed.addEventListener('input', () => app.setSpeed(speedFromSlider(speed.value)));

  let dragging = false;
  const seekAt = (e) => {
    const rect = timeline.getBoundingClientRect();
    const span = timelineSpan(app.horizonMs());
    app.seek(xToTime(e.clientX - rect.left, span, rect.width));
  };
  timeline.addEventListener('pointerdown', (e) => {
    dragging = true;
    timeline.setPointerCapture(e.pointerId);
    app.pause();
    seekAt(e);
  });
  timeline.addEventListener('pointermove', (e) => { if (dragging) seekAt(e); });
  const end = () => { dragging = false; };
  timeline.addEventListener('pointerup', end);
  timeline.addEventListener('pointercancel', end);
  timeline.addEventListener('keydown', (e) => {
    const stepMs = Math.max(1, Math.round(timelineSpan(app.horizonMs()) / 100));
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      app.pause();
      app.seek(Math.max(0, app.nowMs() + (e.key === 'ArrowLeft' ? -stepMs : stepMs)));
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      app.pause();
      app.seek(e.key === 'Home' ? 0 : app.horizonMs());
    }
  });
}
