// Element lookup inside one lab's root, so that several labs can share a page: ids are only
// unique within a root (a Document or a <raft-lab>'s ShadowRoot), never looked up document-wide.

/** Returns `$(id)`: the element with that id inside `root`, or null. */
export function scopeOf(root) {
  if (typeof root.getElementById === 'function') return (id) => root.getElementById(id);
  return (id) => root.querySelector(`[id="${String(id).replace(/["\\]/g, '')}"]`);
}
