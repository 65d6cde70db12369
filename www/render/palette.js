// Colours and glyph styles. Term colours come from the Okabe–Ito palette (safe for the common
// colour-vision deficiencies) and are never the only cue: the term number is always printed.

/** Okabe–Ito, reordered so neighbouring terms contrast. */
export const TERM_COLORS = Object.freeze([
  '#56B4E9', '#E69F00', '#009E73', '#CC79A7', '#0072B2', '#D55E00', '#F0E442', '#999999',
]);
/** Text colour readable on each term colour. */
export const TERM_TEXT = Object.freeze([
  '#102a3a', '#2b1d00', '#ffffff', '#2b0f20', '#ffffff', '#ffffff', '#2b2800', '#111111',
]);

export const termColor = (term) => TERM_COLORS[(Math.max(1, term) - 1) % TERM_COLORS.length];
export const termText = (term) => TERM_TEXT[(Math.max(1, term) - 1) % TERM_TEXT.length];

export const INK = '#1d1d28';
export const MUTED = '#6b6b7b';
export const GRID = '#d8d8e2';
export const PAPER = '#ffffff';
export const DANGER = '#b3261e';
export const OK = '#1b7f3b';

/** Node styles by role: fill, stroke, shape. Shapes: circle, diamond, hexagon, square-ish crown. */
export const ROLE_STYLE = Object.freeze({
  follower: { fill: '#ffffff', stroke: '#4a5a6a', shape: 'circle' },
  preCandidate: { fill: '#fff3d6', stroke: '#b7791f', shape: 'diamond', dashed: true },
  candidate: { fill: '#ffd9b8', stroke: '#c75000', shape: 'diamond' },
  leader: { fill: '#d4e9ff', stroke: '#0b4f8a', shape: 'hexagon' },
  none: { fill: '#e4e4ea', stroke: '#8a8a96', shape: 'circle', dashed: true },
});

/**
 * Message glyphs by kind: colour, shape ('dot', 'ring', 'square', 'diamond', 'star') and size
 * in px. Replies carry a ✓ or ✗ mark from their outcome.
 */
export const MESSAGE_STYLE = Object.freeze({
  RequestVote: { color: '#c75000', shape: 'diamond', size: 7 },
  RequestPreVote: { color: '#b7791f', shape: 'diamondRing', size: 7 },
  VoteGranted: { color: '#c75000', shape: 'dot', size: 6, reply: true },
  VoteDenied: { color: '#c75000', shape: 'dot', size: 6, reply: true },
  PreVoteGranted: { color: '#b7791f', shape: 'ring', size: 6, reply: true },
  PreVoteDenied: { color: '#b7791f', shape: 'ring', size: 6, reply: true },
  Heartbeat: { color: '#0b4f8a', shape: 'ring', size: 4 },
  AppendEntries: { color: '#0b4f8a', shape: 'square', size: 8 },
  AppendAccepted: { color: '#0b4f8a', shape: 'dot', size: 5, reply: true },
  AppendRejected: { color: '#0b4f8a', shape: 'dot', size: 5, reply: true },
  InstallSnapshot: { color: '#7b3fa0', shape: 'square', size: 9 },
  InstallSnapshotResponse: { color: '#7b3fa0', shape: 'dot', size: 5, reply: true },
  TimeoutNow: { color: '#1d1d28', shape: 'star', size: 8 },
  ReadIndex: { color: '#4d6b2f', shape: 'ring', size: 5 },
  ReadIndexResponse: { color: '#4d6b2f', shape: 'dot', size: 5, reply: true },
  TransferLeader: { color: '#1d1d28', shape: 'ring', size: 6 },
});

/** Legend order: what a learner meets first, first. */
export const LEGEND_KINDS = Object.freeze([
  ['RequestPreVote', null], ['RequestVote', null], ['VoteGranted', true], ['VoteDenied', false],
  ['Heartbeat', null], ['AppendEntries', null], ['AppendAccepted', true], ['AppendRejected', false],
  ['InstallSnapshot', null], ['TimeoutNow', null],
]);
