// The only code that knows the layout of the flat buffers the wasm facade returns
// (src/wasm/frame.rs documents the same layout). Decodes one frame into plain objects.
// Pure: no DOM, no wasm import, unit-tested in node with synthetic buffers.

export const GLOBAL_LEN = 18;
export const NODE_STRIDE = 20;
export const MESSAGE_STRIDE = 10;
export const PROGRESS_STRIDE = 5;
export const CELL_STRIDE = 2;
export const STRIDES = Object.freeze([GLOBAL_LEN, NODE_STRIDE, MESSAGE_STRIDE, PROGRESS_STRIDE, CELL_STRIDE]);

export const STATUS = Object.freeze(['running', 'paused', 'crashed']);
export const ROLE = Object.freeze(['follower', 'preCandidate', 'candidate', 'leader', 'none']);
export const MEMBERSHIP = Object.freeze(['voter', 'learner', 'none']);
export const PROGRESS_STATE = Object.freeze(['probe', 'replicate', 'snapshot']);

/** Message kinds in the order of the facade's `kind` column. */
export const MESSAGE_KINDS = Object.freeze([
  'RequestVote', 'RequestPreVote', 'VoteGranted', 'VoteDenied', 'PreVoteGranted', 'PreVoteDenied',
  'Heartbeat', 'AppendEntries', 'AppendAccepted', 'AppendRejected', 'InstallSnapshot',
  'InstallSnapshotResponse', 'TimeoutNow', 'ReadIndex', 'ReadIndexResponse', 'TransferLeader',
]);

/** Log-cell flag bits. */
export const CELL = Object.freeze({
  PRESENT: 1, COMPACTED: 2, NOOP: 4, CONFIG: 8, COMMAND: 16, SESSION: 32, DUPLICATE: 64,
});

/**
 * Throws unless the module's layout (`frameStrides()`) and kind names (`messageKinds()`)
 * are the ones this file decodes: a mismatch must fail loudly at start-up, not draw garbage.
 */
export function checkContract(strides, kinds) {
  const got = Array.from(strides);
  if (got.join() !== STRIDES.join()) {
    throw new Error(`frame layout mismatch: wasm has [${got}], snapshot.js expects [${STRIDES}]`);
  }
  if (kinds && Array.from(kinds).join() !== MESSAGE_KINDS.join()) {
    throw new Error('message kind table mismatch between wasm and snapshot.js');
  }
}

const idOrNull = (v) => (v > 0 ? v : null);
const timeOrNull = (v) => (v >= 0 ? v : null);

/** Bits set in a vote mask, as server ids. */
export function maskIds(mask) {
  const ids = [];
  let m = mask;
  for (let id = 0; m > 0 && id < 53; id++) {
    const bit = 2 ** id;
    if (m % (bit * 2) >= bit) { ids.push(id); m -= bit; }
  }
  return ids;
}

export function decodeGlobal(g) {
  if (g.length !== GLOBAL_LEN) throw new Error(`global buffer has ${g.length} values, not ${GLOBAL_LEN}`);
  return {
    nowMs: g[0], steps: g[1], leader: idOrNull(g[2]), maxTerm: g[3], violations: g[4],
    horizonMs: g[5], feedEpoch: g[6], feedLastId: g[7], servers: g[8], inFlight: g[9],
    clients: g[10], historyLen: g[11], workload: g[12] === 1, timelineVersion: g[13],
    revision: g[14], safetyChecked: g[15] === 1, faults: g[16] === 1, lastMessageId: g[17],
  };
}

function rows(buf, stride, decode) {
  if (buf.length % stride !== 0) throw new Error(`buffer of ${buf.length} values is not rows of ${stride}`);
  const out = [];
  for (let i = 0; i < buf.length; i += stride) out.push(decode(buf, i));
  return out;
}

export function decodeNodes(buf) {
  return rows(buf, NODE_STRIDE, (b, i) => ({
    id: b[i],
    status: STATUS[b[i + 1]],
    role: ROLE[b[i + 2]],
    term: b[i + 3],
    votedFor: idOrNull(b[i + 4]),
    leader: idOrNull(b[i + 5]),
    commitIndex: b[i + 6],
    lastApplied: b[i + 7],
    lastIndex: b[i + 8],
    lastTerm: b[i + 9],
    snapshotIndex: b[i + 10],
    timerStartMs: timeOrNull(b[i + 11]),
    timerDeadlineMs: timeOrNull(b[i + 12]),
    votesGranted: maskIds(b[i + 13]),
    votesDenied: maskIds(b[i + 14]),
    membership: MEMBERSHIP[b[i + 15]],
    held: b[i + 16],
    incarnation: b[i + 17],
    heartbeatDeadlineMs: timeOrNull(b[i + 18]),
    firstIndex: b[i + 19],
  }));
}

export function decodeMessages(buf) {
  return rows(buf, MESSAGE_STRIDE, (b, i) => ({
    id: b[i],
    kind: MESSAGE_KINDS[b[i + 1]] ?? 'Unknown',
    from: b[i + 2],
    to: b[i + 3],
    sentMs: b[i + 4],
    deliverMs: timeOrNull(b[i + 5]),
    duplicate: (b[i + 6] & 1) !== 0,
    held: (b[i + 6] & 2) !== 0,
    term: b[i + 7],
    entries: b[i + 8],
    outcome: b[i + 9] < 0 ? null : b[i + 9] === 1,
  }));
}

export function decodeProgress(buf) {
  return rows(buf, PROGRESS_STRIDE, (b, i) => ({
    id: b[i], nextIndex: b[i + 1], matchIndex: b[i + 2],
    state: PROGRESS_STATE[b[i + 3]], recentActive: b[i + 4] === 1,
  }));
}

/**
 * Log cells: `count` cells per server, rows in node order. Returns one array per row of
 * `{ index, term, flags }` (flags: CELL bits; 0 = nothing at that index).
 */
export function decodeCells(buf, rowsCount, from, count) {
  if (buf.length !== rowsCount * count * CELL_STRIDE) {
    throw new Error(`log cells: ${buf.length} values for ${rowsCount} rows of ${count}`);
  }
  const out = [];
  for (let r = 0; r < rowsCount; r++) {
    const row = [];
    for (let c = 0; c < count; c++) {
      const i = (r * count + c) * CELL_STRIDE;
      row.push({ index: from + c, term: buf[i], flags: buf[i + 1] });
    }
    out.push(row);
  }
  return out;
}

/** Blocked directed links `[from, to, from, to, …]` as `[{ from, to }]`. */
export function decodeBlocked(buf) {
  return rows(buf, 2, (b, i) => ({ from: b[i], to: b[i + 1] }));
}

/** Reads one whole frame from the simulation handle (fresh copies every call). */
export function readFrame(sim) {
  return {
    global: decodeGlobal(sim.frameGlobal()),
    nodes: decodeNodes(sim.frameNodes()),
    messages: decodeMessages(sim.frameMessages()),
    progress: decodeProgress(sim.frameProgress()),
    blocked: decodeBlocked(sim.frameBlocked()),
  };
}
