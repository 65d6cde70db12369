// Issue 7, "break it on purpose", through the real controls of the production build: drawn
// partitions, one-way cuts, adversary mode, the counterexample search in a Web Worker and the
// space-time diagram. No console errors in any test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, launchBrowser, openPage, serveStatic } from './harness.mjs';

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
  // Click the middle of the link and cut leader → follower only.
  const [a, b] = [await point(page, l), await point(page, f)];
  await page.mouse.click((a.x + b.x) / 2, (a.y + b.y) / 2);
  const [lo, hi] = l < f ? [l, f] : [f, l];
  await page.click(`.break-link-menu button[data-link-action="${l === lo ? 'cut-ab' : 'cut-ba'}"]`);
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
  await page.selectOption('#break-hunt-bug', 'forget_vote_on_restart');
  await page.click('#break-search');
  await page.click('#break-search-cancel');
  assert.equal((await page.evaluate(() => window.raftlabBreak.searchState())).status, 'cancelled');
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
