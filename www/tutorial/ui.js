// The tutorial panel: chapter choice, narration per stop, predict-then-reveal questions, learner
// steps with a hint after a while, Back/Next (Back is exact: the run is rebuilt from the chapter's
// scenario and the command log up to the recorded position), a deep link to every stop
// (?tutorial=3&step=4) and progress remembered in localStorage. Fetched on first use by
// ./entry.js (the Tutorials button, a deep link), which the app installs instead.
import { el, fill } from '../dom.js';
import { t } from '../i18n/index.js';
import { createPlayer } from './player.js';
import { holds, resolveRef } from './conditions.js';
import { replay, commandsOf } from '../share/replay.js';
import { loadReader } from '../reader.js';
import CHAPTERS from './chapters.json';
import en from './text/en.json';
import tr from './text/tr.json';

const TEXTS = { en, tr };
const HINT_AFTER_MS = 12_000;
const PROGRESS_KEY = 'raftlab.tutorial.v1';
const files = import.meta.webpackContext('../../scenarios/tutorial', { regExp: /\.json$/, recursive: false });

/**
 * The chapter's scenario as bundled: its document (a fresh copy: the player marks its steps)
 * and the bytes of its world for `Simulation.fromConfigBytes`, read by the reader's module at
 * build time (scripts/scenario-loader.cjs), so a chapter needs no reader to open.
 */
function chapterScenario(chapter) {
  const { document: doc, cluster } = files(`./${chapter.scenario}`);
  return { doc: structuredClone(doc), cluster: Uint8Array.from(cluster) };
}

function loadProgress() {
  try { return JSON.parse(globalThis.localStorage?.getItem(PROGRESS_KEY) ?? '{}') ?? {}; } catch { return {}; }
}
function saveProgress(p) {
  try { globalThis.localStorage?.setItem(PROGRESS_KEY, JSON.stringify(p)); } catch { /* storage off: progress is not kept */ }
}

/** Narration text of chapter `n` for the lab's language (English when a text is missing). */
function text(lang, n) {
  return TEXTS[lang]?.chapters?.[n] ?? en.chapters[n];
}

export function installTutorial(app) {
  const { $ } = app;
  const panel = $('tutorial');
  if (!panel) return null;
  let chapter = null;
  let player = null;
  let scenario = null;
  let choice = null;
  let learnerSince = null;
  let announcedDone = false;
  /** Where the current stop started (tests compare it after Back). */
  let entry = null;

  const lang = () => app.language();
  /** Fills `{L}`, `{L+1}` with the servers the chapter saved (or a neutral word before it knows). */
  const named = (s) => String(s ?? '').replace(/\{(\w+)([+-]\d+)?\}/g, (_whole, name, off) => {
    const id = player && Object.hasOwn(player.ctx.saved, name) ? resolveRef(`$${name}${off ?? ''}`, app.simulation(), player.ctx.saved) : null;
    return id === null ? t('tut.someServer') : t('node.label', { id });
  });
  const stopInfo = () => {
    const mark = player.stops[player.stop()].mark;
    return { mark, words: text(lang(), chapter.n).stops[mark] ?? {}, question: chapter.questions?.[mark] ?? null };
  };

  function fillChapters() {
    const progress = loadProgress();
    fill($('tut-chapter'), CHAPTERS.map((c) => el('option', { value: c.n },
      t(progress[c.n]?.done ? 'tut.chapterDone' : 'tut.chapterItem', { n: c.n, title: text(lang(), c.n).title }))));
    if (chapter) $('tut-chapter').value = String(chapter.n);
  }

  function ticker(sim, ms) {
    if (!player || player.done()) { sim.advance(ms); return; }
    const r = player.tick(sim, ms);
    if (r === 'learner' && learnerSince === null) { learnerSince = performance.now(); render(); }
    if (r !== 'learner' && learnerSince !== null) { learnerSince = null; render(); }
    if (learnerSince !== null && performance.now() - learnerSince > HINT_AFTER_MS && $('tut-hint').hidden) render();
    if (r === 'done') { app.pause(); stopFinished(); }
  }

  function stopFinished() {
    const p = loadProgress();
    const n = chapter.n;
    p[n] = { reached: Math.max(p[n]?.reached ?? 0, player.stop() + 1), done: p[n]?.done || player.stop() === player.stops.length - 1 };
    saveProgress(p);
    if (!announcedDone && p[n].done) { announcedDone = true; fillChapters(); }
    render();
  }

  /** Opens chapter `n` at stop `step` (0-based), fast-forwarding the stops before it. */
  function open(n, step = 0) {
    const c = CHAPTERS.find((x) => x.n === Number(n));
    if (!c) { app.notify(t('tut.noChapter', { n })); return false; }
    const source = chapterScenario(c);
    let sim;
    try { sim = app.bindings.Simulation.fromConfigBytes(source.cluster); } catch (err) { app.showError(err); return false; }
    chapter = c; scenario = source.doc; announcedDone = false;
    player = createPlayer(scenario);
    const target = Math.max(0, Math.min(player.stops.length - 1, Number(step) || 0));
    player.enter(sim, 0);
    for (let i = 0; i < target; i++) { player.finish(sim); player.enter(sim, i + 1); }
    app.adopt(sim);
    app.setSpeed(c.speed ?? 0.3);
    app.setTicker(ticker);
    panel.hidden = false;
    fillChapters();
    startStop();
    return true;
  }

  function startStop() {
    choice = null; learnerSince = null;
    app.pause();
    const sim = app.simulation();
    entry = { stop: player.stop(), steps: sim.steps, nowMs: sim.nowMs, hash: sim.traceHash() };
    if (!stopInfo().question) app.play();
    syncUrl();
    render();
  }

  function next() {
    if (!player) return;
    const sim = app.simulation();
    if (!player.done()) { player.finish(sim); stopFinished(); }
    if (player.stop() >= player.stops.length - 1) {
      const following = CHAPTERS.find((c) => c.n === chapter.n + 1);
      if (following) open(following.n, 0);
      return;
    }
    player.enter(sim, player.stop() + 1);
    app.refresh();
    startStop();
  }

  /**
   * Back: rebuild the run exactly as it was at the start of the previous stop, from the
   * chapter's world and the commands logged before that moment. The commands are read into the
   * page's bytes by the reader's module (../reader.js, fetched on the first Back unless already
   * there); a Back that another move overtook while it waited for it does nothing.
   */
  async function back() {
    if (!player) return;
    const [mine, from, old] = [player, player.stop(), app.simulation()];
    const i = from === 0 ? 0 : from - 1;
    const at = player.position(i);
    const reader = await loadReader(app);
    if (!reader || player !== mine || player.stop() !== from || app.simulation() !== old) return;
    let sim;
    try {
      const commands = commandsOf(old).filter((c) => c.step < at)
        .map((c) => ({ step: c.step, timeMs: c.timeMs, bytes: reader.readAction(c.action) }));
      sim = app.bindings.Simulation.fromConfigBytes(chapterScenario(chapter).cluster);
      replay(sim, commands, { steps: at });
    } catch (err) { sim?.free(); app.showError(err); return; }
    player.rewind(i);
    app.adopt(sim);
    startStop();
  }

  function choose(id) {
    choice = id;
    render();
    app.play();
  }

  function syncUrl() {
    const url = new URL(globalThis.location.href);
    url.searchParams.set('tutorial', String(chapter.n));
    url.searchParams.set('step', String(player.stop() + 1));
    url.searchParams.delete('seed');
    url.searchParams.delete('s');
    $('tut-link').setAttribute('href', url.href);
    if (app.options.syncUrl) globalThis.history.replaceState(null, '', url);
  }

  function render() {
    if (!player) return;
    const { words, question, mark } = stopInfo();
    const chapterText = text(lang(), chapter.n);
    $('tut-title').textContent = t('tut.title', { n: chapter.n, title: chapterText.title });
    $('tut-count').textContent = t('tut.count', { step: player.stop() + 1, total: player.stops.length });
    $('tut-text').textContent = named(words.text);
    panel.dataset.mark = mark;
    panel.dataset.stop = String(player.stop());
    const done = player.done();
    panel.dataset.state = done ? 'done' : player.waiting() ?? 'running';
    const q = $('tut-question');
    q.hidden = !question;
    if (question) {
      fill(q, el('p', { class: 'tut-ask' }, named(words.question)),
        el('div', { class: 'row-buttons' }, question.choices.map((id) => el('button', {
          type: 'button', dataset: { choice: id }, 'aria-pressed': String(choice === id), disabled: choice !== null,
          onclick: () => choose(id),
        }, named(words.choices?.[id] ?? id)))));
    }
    const reveal = $('tut-reveal');
    reveal.hidden = !(question && done && choice !== null);
    if (!reveal.hidden) {
      const actual = holds(question.answer.when, app.simulation(), player.ctx) ? question.answer.yes : question.answer.no;
      reveal.dataset.actual = actual;
      reveal.textContent = `${t(actual === choice ? 'tut.right' : 'tut.wrong')} ${named(words.reveal?.[actual])}`;
    }
    const status = $('tut-status');
    if (question && choice === null) status.textContent = t('tut.predict');
    else if (done) status.textContent = player.stop() === player.stops.length - 1 ? t('tut.chapterEnd') : t('tut.stopDone');
    else if (player.waiting() === 'learner') status.textContent = t('tut.yourTurn');
    else status.textContent = t('tut.watching');
    const hintDue = learnerSince !== null && performance.now() - learnerSince > HINT_AFTER_MS;
    $('tut-hint').hidden = !hintDue;
    $('tut-hint-text').textContent = words.hint ? named(words.hint) : t('tut.hintGeneric');
    $('tut-back').disabled = player.stop() === 0;
    $('tut-next').textContent = t(player.stop() === player.stops.length - 1 ? 'tut.nextChapter' : done ? 'tut.next' : 'tut.skip');
  }

  $('tut-close').addEventListener('click', () => { panel.hidden = true; player = null; app.setTicker(null); });
  $('tut-chapter').addEventListener('change', (e) => open(Number(e.target.value), 0));
  $('tut-next').addEventListener('click', next);
  $('tut-back').addEventListener('click', back);
  $('tut-do').addEventListener('click', () => { player?.doLearnerStep(app.simulation()); render(); });
  app.on((name) => { if (name === 'language') { fillChapters(); render(); } });
  fillChapters();

  const api = {
    open, next, back, choose,
    /** Opens the first chapter not yet done (the Tutorials button). */
    openNext() {
      const p = loadProgress();
      return open((CHAPTERS.find((c) => !p[c.n]?.done) ?? CHAPTERS[0]).n, 0);
    },
    /** Opens a deep link's `{ chapter, step }` (step 1-based, default 1); a bad link gets a notice. */
    openLink(wanted) {
      const n = Number(wanted.chapter);
      const step = wanted.step === undefined || wanted.step === null ? 1 : Number(wanted.step);
      if (!Number.isInteger(n) || !CHAPTERS.some((c) => c.n === n) || !Number.isInteger(step) || step < 1) {
        app.notify(t('tut.badLink'));
        return false;
      }
      return open(n, step - 1);
    },
    entry: () => entry,
    /** Completes the current stop at once (as Skip does, without moving on). */
    finish() { if (player && !player.done()) { player.finish(app.simulation()); app.pause(); stopFinished(); } },
    close() { panel.hidden = true; player = null; app.setTicker(null); },
    /** Does the awaited learner step now (tests; the hint's button does the same). */
    doLearnerStep() { player?.doLearnerStep(app.simulation()); },
    /** Whether the chapter's end-of-chapter checks hold now (tests). */
    check: () => (chapter?.check ?? []).map((cond) => ({ cond, ok: holds(cond, app.simulation(), player.ctx) })),
    state: () => (player ? { chapter: chapter.n, stop: player.stop(), stops: player.stops.length, mark: player.stops[player.stop()].mark, done: player.done(), waiting: player.waiting(), saved: { ...player.ctx.saved } } : null),
    chapters: () => CHAPTERS.map((c) => ({ n: c.n, stops: createPlayer(files(`./${c.scenario}`).document).stops.map((s) => s.mark), questions: Object.keys(c.questions ?? {}) })),
  };
  if (app.options.testHandle) globalThis.raftlabTutorial = api;
  return api;
}
