// Keyboard shortcuts: one table maps keys to commands; the help overlay is built from it.

/** [keys shown, i18n key of the description, command name]. */
export const SHORTCUTS = Object.freeze([
  ['Space', 'keys.play', 'togglePlay'],
  ['. →', 'keys.step', 'step'],
  [', ←', 'keys.back', 'back'],
  ['+ −', 'keys.speed', 'speed'],
  ['1 … 9', 'keys.select', 'select'],
  ['Enter', 'keys.menu', 'menu'],
  ['c', 'keys.crash', 'crash'],
  ['r', 'keys.restart', 'restart'],
  ['p', 'keys.pause', 'pauseServer'],
  ['t', 'keys.timeout', 'timeout'],
  ['l', 'keys.transfer', 'transfer'],
  ['s', 'keys.snapshot', 'snapshot'],
  ['Delete', 'keys.remove', 'remove'],
  ['a', 'keys.add', 'add'],
  ['h', 'keys.heal', 'heal'],
  ['w', 'keys.write', 'write'],
  ['g', 'keys.read', 'read'],
  ['x', 'keys.cas', 'cas'],
  ['f', 'keys.follow', 'follow'],
  ['[ ]', 'keys.scroll', 'scroll'],
  ['n', 'keys.newRun', 'newRun'],
  ['Esc', 'keys.escape', 'escape'],
  ['?', 'keys.help', 'help'],
]);

/** The command for a keyboard event, or null. Pure (unit-tested). */
export function commandFor(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const k = e.key;
  if (k === ' ' || k === 'Spacebar') return { name: 'togglePlay' };
  if (k === '.' || k === 'ArrowRight') return { name: 'step' };
  if (k === ',' || k === 'ArrowLeft') return { name: 'back' };
  if (k === '+' || k === '=') return { name: 'speed', delta: 0.25 };
  if (k === '-' || k === '_') return { name: 'speed', delta: -0.25 };
  if (/^[1-9]$/.test(k)) return { name: 'select', id: Number(k) };
  if (k === 'Enter') return { name: 'menu' };
  if (k === 'Delete' || k === 'Backspace') return { name: 'remove' };
  if (k === 'Escape') return { name: 'escape' };
  if (k === '?') return { name: 'help' };
  if (k === '[') return { name: 'scroll', delta: -10 };
  if (k === ']') return { name: 'scroll', delta: 10 };
  const letters = { c: 'crash', r: 'restart', p: 'pauseServer', t: 'timeout', l: 'transfer', s: 'snapshot', a: 'add', h: 'heal', w: 'write', g: 'read', x: 'cas', f: 'follow', n: 'newRun' };
  const name = letters[k.toLowerCase()];
  return name ? { name } : null;
}

/** Whether the event comes from a text field (where keys must type, not command). */
export function isTyping(target) {
  const tag = target?.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !['checkbox', 'button', 'submit'].includes(target.type);
  return Boolean(target?.isContentEditable);
}

/**
 * Installs the handler on `target` (the document for the main page, one lab's root when
 * embedded): `run(command)` performs it. Returns a function that removes it.
 */
export function installKeyboard(run, target = document) {
  const onKey = (e) => {
    if (isTyping(e.target) && e.key !== 'Escape') return;
    const cmd = commandFor(e);
    if (!cmd) return;
    // Let buttons and the timeline keep their own Space / Enter / arrows.
    const tag = e.target?.tagName;
    if ((cmd.name === 'togglePlay' || cmd.name === 'menu') && (tag === 'BUTTON' || tag === 'A')) return;
    if ((cmd.name === 'step' || cmd.name === 'back') && e.target?.id === 'timeline') return;
    e.preventDefault();
    run(cmd);
  };
  target.addEventListener('keydown', onKey);
  return () => target.removeEventListener('keydown', onKey);
}
