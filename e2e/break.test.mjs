// Issue 7, "break it on purpose", through the real controls of the production build: drawn
// partitions, one-way cuts, adversary mode, the counterexample search in a Web Worker and the
// space-time diagram. No console errors in any test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, launchBrowser, openPage, searchFromSeed260, serveStatic } from './harness.mjs';
import en from '../www/i18n/en.js';
import tr from '../www/i18n/tr.js';
import { loadLanguage, translate } from '../www/i18n/index.js';

// The expected texts in Turkish (the page fetches them on demand; here they are read at once).
await loadLanguage('tr');

const SHOTS = path.join(ROOT, 'test-results');
const WAIT_MS = 30_000;

let server;
let browser;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await serveStatic(undefined, '/docs/raftlab/');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const frame = (page) => page.evaluate(() => window.raftlab.frame());
const sortGroups = (groups) => groups.map((g) => [...g].sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);
const point = (page, id) => page.evaluate((i) => window.raftlab.serverPoint(i), id);

async function leader(page, not = null) {
  await page.waitForFunction((old) => { const g = window.raftlab.frame().global; return g.leader !== null && g.leader !== old; }, not, { timeout: WAIT_MS });
  return (await frame(page)).global.leader;
}

/**
 * Clicks the link between servers `a` and `b` to open its menu, at a point of the line no message
 * in flight covers (a click on a message inspects it instead). Time stands still meanwhile.
 */
async function clickLink(page, a, b) {
  const playing = await page.evaluate(() => window.raftlab.playing());
  if (playing) await page.click('#play');
  await page.locator('#cluster').scrollIntoViewIfNeeded();
  const [pa, pb] = [await point(page, a), await point(page, b)];
  const busy = await page.evaluate(() => window.raftlab.messagePoints());
  const spots = [0.5, 0.4, 0.6, 0.33, 0.67].map((k) => ({ x: pa.x + (pb.x - pa.x) * k, y: pa.y + (pb.y - pa.y) * k }));
  const free = spots.find((s) => busy.every((m) => Math.hypot(m.x - s.x, m.y - s.y) > 20));
  assert.ok(free, 'a free spot on the link');
  await page.mouse.click(free.x, free.y);
  await page.waitForSelector('.break-link-menu:not([hidden])');
  return playing;
}

/** Draws a small closed loop around a server with the mouse (the lasso). */
async function lassoAround(page, ids) {
  const pts = await Promise.all(ids.map((id) => point(page, id)));
  const cx = pts.reduce((s, p) => s + p.x, 0) / pts.length;
  const cy = pts.reduce((s, p) => s + p.y, 0) / pts.length;
  const rad = Math.max(40, ...pts.map((p) => Math.hypot(p.x - cx, p.y - cy) + 34));
  await page.mouse.move(cx + rad, cy);
  await page.mouse.down();
  for (let k = 1; k <= 24; k++) {
    const a = (2 * Math.PI * k) / 24;
    await page.mouse.move(cx + rad * Math.cos(a), cy + rad * Math.sin(a));
  }
  await page.mouse.up();
}

test('drawing a partition isolates the minority: the majority commits, the minority does not', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=21&speed=3&nodes=5&workload=1`);
  const old = await leader(page);
  await page.click('#break-lasso-ring');
  await lassoAround(page, [old]);
  const others = (await frame(page)).nodes.map((n) => n.id).filter((id) => id !== old);
  assert.deepEqual(sortGroups(await page.evaluate(() => window.raftlabBreak.groups())), sortGroups([[old], others]));
  const blocked = (await frame(page)).blocked;
  assert.equal(blocked.length, 8, 'the lassoed server is cut from the four others both ways');
  const fresh = await leader(page, old);
  assert.notEqual(fresh, old);
  const before = (await frame(page)).nodes.find((n) => n.id === old).commitIndex;
  const majorityBefore = (await frame(page)).nodes.find((n) => n.id === fresh).commitIndex;
  await page.waitForFunction(({ f, c }) => window.raftlab.frame().nodes.find((n) => n.id === f).commitIndex > c + 2, { f: fresh, c: majorityBefore }, { timeout: WAIT_MS });
  const after = (await frame(page)).nodes.find((n) => n.id === old).commitIndex;
  assert.equal(after, before, 'nothing commits on the isolated side');
  await page.screenshot({ path: path.join(SHOTS, 'break-partition.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a one-way cut from the leader to a follower is asymmetric: the follower times out, the leader still hears it', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=4&speed=2&nodes=3&prevote=0`);
  const l = await leader(page);
  const f = (await frame(page)).nodes.find((n) => n.id !== l).id;
  // Click the link and cut leader → follower only.
  const resume = await clickLink(page, l, f);
  const [lo, hi] = l < f ? [l, f] : [f, l];
  await page.click(`.break-link-menu button[data-link-action="${l === lo ? 'cut-ab' : 'cut-ba'}"]`);
  if (resume) await page.click('#play');
  const blocked = (await frame(page)).blocked;
  assert.deepEqual(blocked, [{ from: l, to: f }], `only S${l} → S${f} is blocked (${lo}-${hi})`);
  const { term, cutAt } = await page.evaluate((id) => ({ term: window.raftlab.frame().nodes.find((n) => n.id === id).term, cutAt: window.raftlab.frame().global.nowMs }), f);
  // The follower hears no heartbeat and campaigns in a higher term; its messages still reach the
  // leader (f → l is open) while nothing from the leader reaches it: the cut is one-way.
  await page.waitForFunction(({ f, t0 }) => window.raftlab.frame().nodes.find((n) => n.id === f).term > t0, { f, t0: term }, { timeout: WAIT_MS });
  await page.waitForFunction(({ f, l, t }) => window.raftlabBreak.delivered(f, l, t) > 0, { f, l, t: cutAt }, { timeout: WAIT_MS });
  assert.equal(await page.evaluate(({ f, l, t }) => window.raftlabBreak.delivered(l, f, t + 1), { f, l, t: cutAt }), 0, 'nothing from the leader arrives');
  assert.deepEqual((await frame(page)).blocked, [{ from: l, to: f }], 'still only one direction is cut');
  await page.screenshot({ path: path.join(SHOTS, 'break-oneway.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('adversary mode delivers exactly the chosen message', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=9&speed=1&nodes=3`);
  await leader(page);
  await page.click('#break-tab-adversary');
  await page.click('#break-adv-toggle');
  // Let events happen one at a time until a message is on the wire.
  for (let i = 0; i < 50 && !(await page.$('#break-adv-list li[data-message]')); i++) {
    await page.click('#break-adv-next');
    await page.waitForTimeout(30);
  }
  await page.waitForSelector('#break-adv-list li[data-message]');
  const before = await page.evaluate(() => ({ g: window.raftlab.frame().global, ids: window.raftlab.frame().messages.map((m) => m.id) }));
  const listed = await page.$$eval('#break-adv-list li[data-message]', (els) => els.map((e) => Number(e.dataset.message)));
  // Not the soonest one: the adversary chooses out of turn.
  const pick = listed[listed.length - 1];
  await page.click(`#break-adv-list li[data-message="${pick}"] button[data-adv="deliver"]`);
  const after = await page.evaluate(() => ({ g: window.raftlab.frame().global, ids: window.raftlab.frame().messages.map((m) => m.id) }));
  assert.ok(!after.ids.includes(pick), 'the chosen message was delivered');
  for (const id of before.ids) if (id !== pick) assert.ok(after.ids.includes(id), `message ${id} is still in flight`);
  assert.equal(after.g.nowMs, before.g.nowMs, 'no time passed');
  assert.equal(await page.evaluate(() => window.raftlab.playing()), false);
  // Step back undoes it.
  await page.click('#break-adv-back');
  assert.ok((await page.evaluate(() => window.raftlab.frame().messages.map((m) => m.id))).includes(pick));
  assert.deepEqual(problems, []);
  await page.close();
});

test('searching with "skip Figure 8 rule" finds a violation, loads it and the badge names the property', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=1&speed=1`);
  await page.click('#break-tab-bugs');
  await page.selectOption('#break-hunt-bug', 'skip_figure8_rule');
  await page.click('#break-search');
  await page.waitForFunction(() => window.raftlabBreak.searchState().status === 'found', null, { timeout: 120_000 });
  const found = await page.evaluate(() => window.raftlabBreak.searchState());
  assert.ok(['leader_completeness', 'state_machine_safety', 'committed_immutable', 'log_matching'].includes(found.property), found.property);
  await page.waitForFunction(() => document.getElementById('safety').classList.contains('bad'), null, { timeout: WAIT_MS });
  const g = (await frame(page)).global;
  assert.equal(g.steps, found.step, 'the page is at the violating event');
  assert.equal(await page.evaluate(() => window.raftlab.seed()), found.seed);
  assert.match(await page.textContent('#break-search-result'), new RegExp(`step ${found.step}`));
  assert.ok(await page.isChecked('#break-bug-skip_figure8_rule'));
  await page.screenshot({ path: path.join(SHOTS, 'break-search.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a search can be cancelled', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=1&speed=1`);
  await page.click('#break-tab-bugs');
  await searchFromSeed260(page);
  await page.selectOption('#break-hunt-bug', 'skip_figure8_rule');
  await page.click('#break-search');
  // Cancel from the page as soon as the first seeds are done, without a round trip through
  // Playwright.
  await page.evaluate((waitMs) => new Promise((resolve, reject) => {
    const deadline = Date.now() + waitMs;
    const tick = () => {
      if (window.raftlabBreak.searchState().done > 0) {
        document.getElementById('break-search-cancel').click();
        resolve();
      } else if (Date.now() > deadline) reject(new Error('the search reported no progress'));
      else setTimeout(tick, 5);
    };
    tick();
  }), WAIT_MS);
  const state = await page.evaluate(() => window.raftlabBreak.searchState());
  assert.equal(state.status, 'cancelled');
  assert.ok(state.done > 0 && state.done < 183, `cancelled part way (${state.done} seeds)`);
  assert.equal(await page.evaluate(() => document.getElementById('break-search-progress').value), state.done, 'the bar shows how far it got');
  assert.equal(await page.isDisabled('#break-search'), false);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the space-time diagram shows one arrow per message sent in a short fixed-seed run', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=12&speed=1&nodes=3`);
  await page.waitForFunction(() => window.raftlab.frame().global.nowMs > 300, null, { timeout: WAIT_MS });
  await page.click('#play');
  assert.equal(await page.evaluate(() => window.raftlab.playing()), false);
  await page.click('#break-tab-spacetime');
  await page.selectOption('#break-st-window', '20000');
  const r = await page.evaluate(async () => {
    await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
    return { arrows: window.raftlabBreak.arrows(), sent: window.raftlabBreak.counters().messages_sent, refused: window.raftlabBreak.droppedAtSend() };
  });
  assert.ok(r.sent > 10, `a run with traffic (${r.sent})`);
  assert.equal(r.refused, 0, 'a clean network refuses nothing');
  assert.equal(r.arrows, r.sent, 'one arrow per message sent');
  await page.screenshot({ path: path.join(SHOTS, 'break-spacetime.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

// ---- dragging one server between partition groups (and the menu alternative) ----

/** Every link between two different groups, both ways, as "from>to" (what a partition blocks). */
function crossLinks(groups) {
  const out = [];
  for (const g of groups) for (const h of groups) if (g !== h) for (const a of g) for (const b of h) out.push(`${a}>${b}`);
  return out.sort();
}
const blockedLinks = async (page) => (await frame(page)).blocked.map((l) => `${l.from}>${l.to}`).sort();

/** Presses on server `id` and drags it, in small steps, to the page point `to`. */
async function dragServer(page, id, to) {
  await page.locator('#cluster').scrollIntoViewIfNeeded();
  const from = await point(page, id);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let k = 1; k <= 12; k++) await page.mouse.move(from.x + ((to.x - from.x) * k) / 12, from.y + ((to.y - from.y) * k) / 12);
  const during = await page.evaluate(() => window.raftlabBreak.dragging());
  await page.mouse.up();
  return during;
}

test('dragging a server from the majority into the minority moves the majority: commits follow it', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=21&speed=3&nodes=5&workload=1`);
  const first = await leader(page);
  const ids = (await frame(page)).nodes.map((n) => n.id);
  // Minority: two neighbours on the ring, neither the leader.
  const ring = ids.filter((id) => id !== first);
  const minority = [ring[0], ring[1]];
  await page.click('#break-lasso-ring');
  await lassoAround(page, minority);
  await page.click('#break-lasso-ring');
  const majority = ids.filter((id) => !minority.includes(id));
  assert.deepEqual(sortGroups(await page.evaluate(() => window.raftlabBreak.groups())), sortGroups([minority, majority]));
  assert.deepEqual(await blockedLinks(page), crossLinks([minority, majority]));
  // Drag a follower of the majority onto the minority group (the middle of its two servers).
  const moved = majority.find((id) => id !== first);
  const [p, q] = [await point(page, minority[0]), await point(page, minority[1])];
  const during = await dragServer(page, moved, { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 });
  assert.equal(during.id, moved, 'the drag carries the pressed server');
  assert.deepEqual(during.into, [...minority].sort((a, b) => a - b), 'while dragging, the target group is the minority');
  const bigger = [...minority, moved];
  const smaller = majority.filter((id) => id !== moved);
  // What the simulation reports is exactly that partition.
  assert.deepEqual(sortGroups(await page.evaluate(() => window.raftlabBreak.groups())), sortGroups([bigger, smaller]));
  assert.deepEqual(await blockedLinks(page), crossLinks([bigger, smaller]));
  assert.equal(await page.isHidden('#server-menu'), true, 'a drag is not a tap: no menu opened');
  // A leader appears on the new majority side and commits there; the old side is stuck.
  await page.waitForFunction((side) => side.includes(window.raftlab.frame().global.leader), bigger, { timeout: WAIT_MS });
  const commitOf = async (id) => (await frame(page)).nodes.find((n) => n.id === id).commitIndex;
  const stuck = await Promise.all(smaller.map(commitOf));
  const fresh = (await frame(page)).global.leader;
  const start = await commitOf(fresh);
  await page.waitForFunction(({ f, c }) => window.raftlab.frame().nodes.find((n) => n.id === f).commitIndex > c + 2, { f: fresh, c: start }, { timeout: WAIT_MS });
  assert.deepEqual(await Promise.all(smaller.map(commitOf)), stuck, 'nothing commits on the side without a majority');
  await page.screenshot({ path: path.join(SHOTS, 'break-drag.png') });

  // Without dragging: the server's menu, "Move to group…", moves one more server over.
  const last = smaller[0];
  const lp = await point(page, last);
  await page.mouse.click(lp.x, lp.y);
  await page.click('#server-menu button[data-action="move"]');
  const choices = await page.$$eval('#server-menu [data-move-to]', (els) => els.map((e) => e.textContent));
  assert.equal(choices.length, 2, `into the other group or into a new one: ${choices}`);
  await page.click('#server-menu [data-move-to="0"]');
  assert.equal(await page.isHidden('#server-menu'), true);
  const after = sortGroups([[...bigger, last], smaller.filter((id) => id !== last)]);
  assert.deepEqual(sortGroups(await page.evaluate(() => window.raftlabBreak.groups())), after);
  assert.deepEqual(await blockedLinks(page), crossLinks(after));
  // Dragged away from every group, a server is cut off on its own.
  const lone = smaller.find((id) => id !== last);
  assert.ok(lone, 'the fifth server');
  await page.click('#break-heal');
  assert.deepEqual(await page.evaluate(() => window.raftlabBreak.groups()), [], 'heal all: no groups');
  await page.locator('#cluster').scrollIntoViewIfNeeded();
  const box = await page.locator('#cluster').boundingBox();
  const away = await dragServer(page, lone, { x: box.x + 6, y: box.y + box.height - 6 });
  assert.deepEqual(away.into, null, 'outside every group: a new group');
  assert.deepEqual(await blockedLinks(page), crossLinks([[lone], ids.filter((id) => id !== lone)]));
  assert.deepEqual(problems, []);
  await page.close();
});

test('on a 360 px phone a finger drags a server out of its group without scrolling the page', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=21&speed=1&nodes=5`);
  await page.setViewportSize({ width: 360, height: 740 });
  await leader(page);
  await page.locator('#cluster').scrollIntoViewIfNeeded();
  await page.click('#play');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
  const ids = (await frame(page)).nodes.map((n) => n.id);
  const id = ids[0];
  const from = await point(page, id);
  const box = await page.locator('#cluster').boundingBox();
  const to = { x: box.x + box.width / 2, y: box.y + box.height - 8 };
  const scrollBefore = await page.evaluate(() => window.scrollY);
  const touch = (type, p) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: p ? [{ x: p.x, y: p.y }] : [] });
  await touch('touchStart', from);
  for (let k = 1; k <= 10; k++) await touch('touchMove', { x: from.x + ((to.x - from.x) * k) / 10, y: from.y + ((to.y - from.y) * k) / 10 });
  assert.equal((await page.evaluate(() => window.raftlabBreak.dragging()))?.id, id, 'the finger carries the server');
  await touch('touchEnd');
  assert.equal(await page.evaluate(() => window.scrollY), scrollBefore, 'the page did not scroll');
  assert.deepEqual(await blockedLinks(page), crossLinks([[id], ids.filter((x) => x !== id)]));
  await cdp.detach();
  assert.deepEqual(problems, []);
  await page.close();
});

// ---- a language switch retranslates every break panel at once, keeping its state ----

const TABLES = { en, tr };
const TABS = ['network', 'adversary', 'protocol', 'bugs', 'spacetime', 'charts', 'history', 'side'];
const PUNCT = /^[\s(),.:;·—–→↔…"“”'’!?+=-]+|[\s(),.:;·—–→↔…"“”'’!?+=-]+$/gu;
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const word = (p) => new RegExp(`(?<!\\p{L})${escape(p)}(?!\\p{L})`, 'u');
const other = (lang) => (lang === 'en' ? 'tr' : 'en');

/** Pieces of `lang`'s texts (between placeholders, with a 4-letter word) found in no text of the other language. */
function ownPieces(lang) {
  const theirs = Object.values(TABLES[other(lang)]).join('\n');
  const out = new Set();
  for (const [key, text] of Object.entries(TABLES[lang])) {
    if (TABLES[other(lang)][key] === text) continue;
    for (const piece of text.split(/\{\w+\}/)) {
      const p = piece.replace(PUNCT, '');
      if (/\p{L}{4,}/u.test(p) && !theirs.includes(p)) out.add(p);
    }
  }
  return [...out].map((p) => ({ p, re: word(p) }));
}
const PIECES = { en: ownPieces('en'), tr: ownPieces('tr') };

/** Keys whose text (with two words in a row outside placeholders) differs between the languages, as a pattern per language. */
const PATTERNS = Object.keys(en).filter((k) => en[k] !== tr[k] && en[k].split(/\{\w+\}/).some((piece) => /\p{L} \p{L}/u.test(piece)))
  .map((k) => ({ key: k, en: new RegExp(en[k].split(/\{\w+\}/).map(escape).join('[\\s\\S]*?')), tr: new RegExp(tr[k].split(/\{\w+\}/).map(escape).join('[\\s\\S]*?')) }));

/** What the user sees in the regions `selectors`: visible text, titles, labels, options, and the data-i18n nodes. */
function seen(page, selectors) {
  return page.evaluate((sels) => {
    const text = [];
    const nodes = [];
    for (const sel of sels) {
      for (const root of document.querySelectorAll(sel)) {
        if (!root.checkVisibility()) continue;
        text.push(root.innerText);
        for (const e of [root, ...root.querySelectorAll('*')]) {
          const shown = e.tagName === 'OPTION' || e.checkVisibility();
          if (!shown) continue;
          if (e.tagName === 'OPTION') text.push(e.textContent);
          for (const a of ['title', 'aria-label', 'placeholder']) if (e.getAttribute(a)) text.push(e.getAttribute(a));
          if (e.dataset.i18n) nodes.push({ key: e.dataset.i18n, params: e.dataset.i18nParams ? JSON.parse(e.dataset.i18nParams) : {}, text: e.textContent });
        }
      }
    }
    return { text: text.join('\n'), nodes };
  }, selectors);
}

/** Asserts that `view` is wholly in `lang`: every data-i18n node reads as its key in that table, no piece of the other language shows. */
function assertIn(lang, view, where) {
  assert.ok(view.text.trim().length > 0, `${where}: something is on screen`);
  for (const n of view.nodes) assert.equal(n.text, translate(n.key, n.params, lang), `${where}: ${n.key} in ${lang}`);
  const stray = PIECES[other(lang)].filter(({ re }) => re.test(view.text)).map(({ p }) => p);
  assert.deepEqual(stray, [], `${where}: text of the other language left after switching to ${lang}`);
}
const matchedKeys = (view, lang) => PATTERNS.filter((p) => p[lang].test(view.text)).map((p) => p.key);
/** English keys seen in `english` whose Turkish text is not in `turkish`. */
function untranslated(english, turkish) {
  const found = new Set(matchedKeys(turkish, 'tr'));
  // A text also counts as translated when it is part of a longer English text whose Turkish shows.
  return matchedKeys(english, 'en').filter((k) => !PATTERNS.some((p) => en[p.key].includes(en[k]) && found.has(p.key)));
}

async function switchTo(page, lang) {
  await page.selectOption('#lang-select', lang);
  // A language's texts are fetched on first use: the page's lang attribute changes once they are shown.
  await page.waitForFunction((l) => document.documentElement.lang === l, lang, { timeout: WAIT_MS });
  await page.evaluate(() => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res))));
}
const regionsOf = (tab) => [`#break-panel-${tab}`, '.break-tabs', '#break-title', ...(tab === 'network' ? ['.break-link-menu'] : [])];

/** The panels' state that a language switch must leave alone. */
const panelState = (page) => page.evaluate(() => ({
  groups: window.raftlabBreak.groups(),
  linkMenu: !document.querySelector('.break-link-menu').hidden, linkLoss: document.getElementById('break-link-loss')?.value,
  heartbeat: document.getElementById('break-heartbeat').value, unstable: !document.getElementById('break-stability').hidden,
  search: window.raftlabBreak.searchState(), progress: document.getElementById('break-search-progress').value,
  window: document.getElementById('break-st-window').value, verdict: document.getElementById('break-lin-verdict').className,
  side: document.getElementById('break-side-stats-0').textContent !== '', adversary: document.getElementById('break-adv-toggle').getAttribute('aria-pressed'),
  pending: document.querySelectorAll('#break-adv-list li').length, charts: document.querySelectorAll('#break-charts .uplot').length,
  playing: window.raftlab.playing(), nowMs: window.raftlab.frame().global.nowMs,
}));

test('switching to Turkish retranslates every break panel at once and keeps its state; switching back restores English', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=21&speed=3&nodes=5&workload=1`);
  const first = await leader(page);
  await page.waitForFunction(() => window.raftlab.frame().global.nowMs > 2500, null, { timeout: WAIT_MS });
  // Broken Raft: a search, cancelled part way (its count and progress bar stay).
  await page.click('#break-tab-bugs');
  await page.selectOption('#break-hunt-bug', 'skip_figure8_rule');
  await page.click('#break-search');
  await page.waitForFunction(() => (window.raftlabBreak.searchState().done ?? 0) > 0 || window.raftlabBreak.searchState().status !== 'running', null, { timeout: WAIT_MS });
  await page.evaluate(() => { const c = document.getElementById('break-search-cancel'); if (!c.disabled) c.click(); });
  // Protocol: an unstable heartbeat typed, not applied (the hint shows).
  await page.click('#break-tab-protocol');
  await page.fill('#break-heartbeat', String(await page.inputValue('#break-emin')));
  // Network: a lassoed partition, and a link menu left open with a loss typed in.
  await page.click('#break-tab-network');
  await page.click('#break-lasso-ring');
  await lassoAround(page, [first]);
  await page.click('#break-lasso-ring');
  const [a, b] = (await frame(page)).nodes.map((n) => n.id).filter((id) => id !== first);
  if (await clickLink(page, a, b)) await page.click('#play');
  await page.fill('#break-link-loss', '7');
  // History checked, a space-time window chosen, both side-by-side clusters started then paused.
  await page.click('#break-tab-history');
  await page.click('#break-lin-check');
  await page.click('#break-tab-spacetime');
  await page.selectOption('#break-st-window', '5000');
  await page.click('#break-tab-side');
  await page.click('#break-side-start');
  await page.waitForTimeout(300);
  await page.click('#break-side-play');
  // Adversary mode (it pauses the lab) with pending events listed.
  await page.click('#break-tab-adversary');
  await page.click('#break-adv-toggle');
  await page.click('#break-adv-next');
  await page.waitForSelector('#break-adv-list li');

  const visit = async (lang) => {
    const views = {};
    for (const tab of TABS) {
      await page.click(`#break-tab-${tab}`);
      if (tab === 'charts') await page.waitForSelector('#break-charts .uplot');
      await page.evaluate(() => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res))));
      views[tab] = await seen(page, regionsOf(tab));
      assertIn(lang, views[tab], `${tab} panel`);
      if (tab === 'spacetime') views.spacetimeImage = await page.evaluate(() => document.getElementById('break-spacetime').toDataURL());
    }
    return views;
  };
  const english = await visit('en');
  assert.doesNotMatch(english.adversary.text, /\b(Client(Start|Timeout|Retry|Request|Reply)|Fault|Scheduled)\b/, 'pending events in words, not code names');
  const state = await panelState(page);
  assert.equal(state.linkMenu, true, 'the link menu is open');
  assert.equal(state.unstable, true, 'the stability hint shows');
  assert.ok(state.charts === 4 && state.pending > 0 && state.side, JSON.stringify(state));
  // Switch while the charts are on screen: their titles, axes and legends change at once.
  await page.click('#break-tab-charts');
  await switchTo(page, 'tr');
  const charts = await seen(page, regionsOf('charts'));
  assertIn('tr', charts, 'charts, switched in view');
  const titles = await page.$$eval('#break-charts .u-title', (els) => els.map((e) => e.textContent));
  assert.deepEqual(titles, ['break.chart.commit', 'break.chart.rates', 'break.chart.elections', 'break.chart.latency'].map((k) => tr[k]));
  assert.deepEqual(await panelState(page), state, 'nothing but the words changed');
  const turkish = await visit('tr');
  for (const tab of TABS) {
    assert.deepEqual(untranslated(english[tab], turkish[tab]), [], `${tab}: every English text has its Turkish counterpart`);
  }
  assert.notEqual(turkish.spacetimeImage, english.spacetimeImage, 'the space-time diagram is redrawn in Turkish');
  assert.deepEqual(await panelState(page), state);
  await page.screenshot({ path: path.join(SHOTS, 'break-turkish.png'), fullPage: true });
  // And back.
  await switchTo(page, 'en');
  const again = await visit('en');
  for (const tab of TABS) assert.deepEqual(matchedKeys(again[tab], 'en'), matchedKeys(english[tab], 'en'), `${tab} is English again`);
  assert.deepEqual(await panelState(page), state);
  assert.deepEqual(problems, []);
  await page.close();
});

test('an open server menu, the "why" tooltip, the notice and the share line follow a language switch too', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=21&speed=2&nodes=5`);
  await leader(page);
  // The notice after a restart with new settings.
  await page.click('#break-tab-protocol');
  await page.click('#break-protocol-apply');
  await page.waitForTimeout(200);
  await page.waitForSelector('#notice:not([hidden])');
  await switchTo(page, 'tr');
  assertIn('tr', await seen(page, ['#notice']), 'notice');
  assert.match(await page.textContent('#notice'), new RegExp(escape(tr['break.restarted'].split('{seed}')[0])));
  await switchTo(page, 'en');
  assertIn('en', await seen(page, ['#notice']), 'notice');
  // The share line under the share button.
  await page.click('#share-link');
  await page.waitForSelector('#share-out', { state: 'visible' });
  await switchTo(page, 'tr');
  assertIn('tr', await seen(page, ['#share-msg']), 'share message');
  await switchTo(page, 'en');
  assertIn('en', await seen(page, ['#share-msg']), 'share message');
  // A server's menu, opened on "Move to group…", and a reply's "why" on hover, both on screen.
  // Time stands still meanwhile: the hovered message must stay in flight through both switches.
  // (The restart above reads its settings through the reader's module, so whether the lab is
  // playing here depends on timing: pause only if it plays.)
  await leader(page);
  if (await page.evaluate(() => window.raftlab.playing())) await page.click('#play');
  assert.equal(await page.evaluate(() => window.raftlab.playing()), false);
  for (let i = 0; i < 100 && (await page.evaluate(() => window.raftlab.messagePoints().length)) === 0; i++) await page.click('#step');
  await page.locator('#cluster').scrollIntoViewIfNeeded();
  const id = (await frame(page)).nodes[0].id;
  const p = await point(page, id);
  await page.mouse.click(p.x, p.y);
  await page.click('#server-menu button[data-action="move"]');
  const m = (await page.evaluate(() => window.raftlab.messagePoints())).at(-1);
  await page.mouse.move(m.x, m.y);
  await page.waitForSelector('.break-tip:not([hidden])');
  const englishTip = await page.textContent('.break-tip');
  await switchTo(page, 'tr');
  for (const region of ['#server-menu', '.break-tip']) assertIn('tr', await seen(page, [region]), region);
  assert.notEqual(await page.textContent('.break-tip'), englishTip);
  assert.equal(await page.isVisible('#server-menu [data-move-to]'), true, 'the menu stays open on its list of groups');
  await switchTo(page, 'en');
  for (const region of ['#server-menu', '.break-tip']) assertIn('en', await seen(page, [region]), region);
  assert.equal(await page.textContent('.break-tip'), englishTip);
  assert.deepEqual(problems, []);
  await page.close();
});

test('without a pointer: a link chosen from the list opens its menu, and the keyboard cuts it', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=4&speed=1&nodes=3`);
  await leader(page);
  await page.click('#play');
  const options = await page.$$eval('#break-link-pick option', (els) => els.map((e) => e.value));
  assert.deepEqual(options, ['1-2', '1-3', '2-3'], 'every pair of servers once');
  await page.selectOption('#break-link-pick', '2-3');
  await page.focus('#break-link-open');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.break-link-menu:not([hidden])');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.linkAction), 'cut-ab', 'the menu has the focus');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.linkAction), 'cut-both');
  await page.keyboard.press('Enter');
  assert.deepEqual(await blockedLinks(page), ['2>3', '3>2']);
  assert.equal(await page.isHidden('.break-link-menu'), true);
  assert.deepEqual(problems, []);
  await page.close();
});

test('new settings restart the cluster from the same seed through the reader; a refused one is explained; the run shares exactly', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=33&speed=2&nodes=3`);
  await leader(page);
  // Pre-vote off and a batch of 5: the reader reads the new configuration, the page builds it.
  await page.click('#break-tab-protocol');
  await page.uncheck('#break-prevote');
  await page.fill('#break-batch', '5');
  await page.click('#break-protocol-apply');
  await page.waitForFunction((text) => document.getElementById('notice').textContent === text, translate('break.restarted', { seed: '33' }, 'en'), { timeout: WAIT_MS });
  await page.click('#share-link');
  await page.waitForSelector('#share-out', { state: 'visible' });
  const config = await page.evaluate(() => window.raftlabShare.session().config);
  assert.equal(config.raft.pre_vote, false);
  assert.equal(config.raft.max_entries_per_append, 5);
  assert.equal(await page.evaluate(() => window.raftlab.seed()), '33');
  // A heartbeat as long as the shortest election timeout: the world refuses it, in words.
  const emin = await page.inputValue('#break-emin');
  await page.fill('#break-heartbeat', emin);
  await page.click('#break-protocol-apply');
  const refused = translate('error.command', { message: translate('error.raftConfig.heartbeatTooSlow', { heartbeat: Number(emin), min: Number(emin) }, 'en') }, 'en');
  await page.waitForFunction((text) => document.getElementById('notice').textContent === text, refused, { timeout: WAIT_MS });
  assert.equal((await page.evaluate(() => window.raftlabShare.session().config)).raft.heartbeat_interval_ms, config.raft.heartbeat_interval_ms, 'the running cluster is unchanged');
  // Commands on the restarted cluster, then its link: another page replays it to the same trace.
  await leader(page);
  await page.keyboard.press('c'); // crash the leader
  await page.waitForTimeout(300);
  await page.click('#play'); // pause
  const session = await page.evaluate(() => window.raftlabShare.session());
  assert.ok(session.commands.length >= 1, 'the crash is in the command log');
  await page.click('#share-link');
  const url = await page.inputValue('#share-url');
  const { page: other, problems: p2 } = await openPage(browser.context, url);
  await other.waitForFunction(() => window.raftlabShare !== undefined, null, { timeout: WAIT_MS });
  assert.equal(await other.evaluate(() => window.raftlabShare.session().traceHash), session.traceHash);
  assert.equal((await other.evaluate(() => window.raftlabShare.session().config)).raft.pre_vote, false);
  assert.deepEqual([...problems, ...p2], []);
  await other.close();
  await page.close();
});

test('side by side builds both clusters from the running one through the reader, and they run', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=44&speed=2&nodes=5`);
  await page.click('#break-tab-side');
  await page.selectOption('#break-side-setting', 'check_quorum');
  await page.click('#break-side-start');
  const stats = () => page.evaluate(() => [0, 1].map((i) => document.getElementById(`break-side-stats-${i}`).textContent));
  await page.waitForFunction(() => [0, 1].every((i) => document.getElementById(`break-side-stats-${i}`).textContent !== ''), null, { timeout: WAIT_MS });
  const titles = await page.$$eval('#break-panel-side h3', (hs) => hs.map((h) => h.textContent));
  assert.equal(titles.length, 2);
  for (const title of titles) assert.match(title, /44/, 'both clusters start from the lab\'s seed');
  const first = await stats();
  await page.waitForFunction((was) => [0, 1].every((i) => document.getElementById(`break-side-stats-${i}`).textContent !== was[i]), first, { timeout: WAIT_MS });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a reader that cannot be fetched is explained when new settings are applied, and the next try fetches it', async () => {
  const { page, problems } = await openPage(browser.context, `${server.url}?seed=55&speed=2&nodes=3`);
  await page.click('#break-tab-protocol');
  await page.waitForSelector('#break-protocol-apply');
  // The reader's chunk fails to arrive once, then its wasm: each time the lab explains it and
  // keeps its cluster; the next click fetches again and restarts.
  for (const ext of ['js', 'wasm']) {
    await page.route(new RegExp(`\\.${ext}$`), (route) => route.abort('failed'), { times: 1 });
    await page.click('#break-protocol-apply');
    await page.waitForFunction(() => /could not be loaded/.test(document.getElementById('notice').textContent), null, { timeout: WAIT_MS });
    assert.equal(await page.evaluate(() => window.raftlab.seed()), '55', ext);
  }
  await page.waitForFunction(() => window.raftlab.frame().global.nowMs > 4000, null, { timeout: WAIT_MS });
  const before = (await frame(page)).global.nowMs;
  await page.click('#break-protocol-apply');
  await page.waitForFunction((text) => document.getElementById('notice').textContent === text, translate('break.restarted', { seed: '55' }, 'en'), { timeout: WAIT_MS });
  assert.ok((await frame(page)).global.nowMs < before, 'a new cluster, from the start');
  const expected = (p) => /requestfailed: .*\.(js|wasm)$|ChunkLoadError|Loading chunk|Failed to fetch|Failed to load resource: net::ERR_FAILED/.test(p);
  assert.equal(problems.filter(expected).length >= 2, true, 'the failed fetches were seen');
  assert.deepEqual(problems.filter((p) => !expected(p)), []);
  await page.close();
});
