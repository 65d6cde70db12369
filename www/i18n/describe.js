// Words for the facade's structured data (feed events, reasons, operations, responses), in
// the active language. Pure: everything goes through t().
import { t } from './index.js';
import { describeViolation } from './errors.js';

const S = (id) => t('node.label', { id });
const C = (id) => t('client.label', { id });

/** An operation, e.g. "put k1=a". */
export function describeOp(op) {
  switch (op?.kind) {
    case 'get': return t('op.get', { key: op.key });
    case 'put': return t('op.put', { key: op.key, value: op.value });
    case 'append': return t('op.append', { key: op.key, value: op.value });
    case 'cas': return t('op.cas', { key: op.key, expected: op.expected ?? t('op.absent'), value: op.new });
    default: return String(op?.kind ?? '?');
  }
}

/** A state-machine response, e.g. "ok" or "value a". */
export function describeResponse(r) {
  switch (r?.kind) {
    case 'value': return t('resp.value', { value: r.value });
    case 'not_found': return t('resp.notFound');
    case 'ok': return t('resp.ok');
    case 'cas_ok': return t('resp.casOk');
    case 'cas_failed': return t('resp.casFailed', { current: r.current ?? t('op.absent') });
    case 'registered': return t('resp.registered', { id: r.client_id });
    case 'session_error': return t('resp.sessionError');
    default: return String(r?.kind ?? '?');
  }
}

/** Why a vote was refused (the core's VoteRejectReason). */
export function describeVoteReason(reason, candidate, voter = null) {
  const [name, f] = typeof reason === 'string' ? [reason, {}] : Object.entries(reason ?? {})[0] ?? ['?', {}];
  switch (name) {
    case 'StaleTerm': return t('why.vote.staleTerm', { candidate: S(candidate), term: f.voter_term });
    case 'AlreadyVoted': return f.voted_for === voter
      ? t('why.vote.votedSelf')
      : t('why.vote.alreadyVoted', { other: S(f.voted_for) });
    case 'LeaderKnown': return t('why.vote.leaderKnown', { leader: S(f.leader) });
    case 'LogNotUpToDate': return t('why.vote.logBehind', {
      candidate: S(candidate), cTerm: f.candidate_last_term, cIndex: f.candidate_last_index,
      vTerm: f.voter_last_term, vIndex: f.voter_last_index,
    });
    case 'LeaderActive': return t('why.vote.leaderActive', { leader: S(f.leader) });
    case 'CandidateNotVoter': return t('why.vote.notVoter', { candidate: S(candidate) });
    default: return name;
  }
}

/** Why AppendEntries was refused (the core's AppendRejectReason). */
export function describeAppendReason(reason) {
  const [name, f] = typeof reason === 'string' ? [reason, {}] : Object.entries(reason ?? {})[0] ?? ['?', {}];
  switch (name) {
    case 'StaleTerm': return t('why.append.staleTerm', { term: f.receiver_term });
    case 'MissingEntry': return t('why.append.missing', { prev: f.prev_log_index, last: f.last_index });
    case 'TermMismatch': return t('why.append.mismatch', { prev: f.prev_log_index, leaderTerm: f.leader_term, followerTerm: f.follower_term });
    default: return name;
  }
}

/** Why an entry is not committed yet (the core's CommitStatus). */
export function describeCommitStatus(status) {
  if (!status) return '';
  const [name, f] = typeof status === 'string' ? [status, {}] : Object.entries(status)[0];
  switch (name) {
    case 'Committed': return t('why.commit.committed');
    case 'NotInLog': return t('why.commit.notInLog');
    case 'UnknownNotLeader': return t('why.commit.notLeader', { commit: f.commit_index });
    case 'NeedsCurrentTermEntry': return t('why.commit.figure8', { entryTerm: f.entry_term, term: f.current_term });
    case 'AwaitingReplication': return t('why.commit.replication', { on: f.replicated_on, voters: f.voters, needed: f.needed });
    default: return name;
  }
}

/** What a log entry carries (the facade's EntryPayloadView); its English label otherwise. */
export function describeEntry(e) {
  const p = e?.payload;
  switch (p?.type) {
    case 'noop': return t('entryLabel.noop');
    case 'config': {
      const [change, id] = Object.entries(p.change ?? {})[0] ?? ['?', 0];
      const text = t(`entryLabel.change.${change}`, { server: S(id) });
      return t('entryLabel.config', { change: text });
    }
    case 'register': return t('entryLabel.register');
    case 'keepAlive': return t('entryLabel.keepAlive', { session: p.session });
    case 'request': return t('entryLabel.request', { session: p.session, serial: p.serial, op: describeOp(p.op) });
    case 'bytes': return t('entryLabel.bytes', { len: p.len });
    default: return e?.label ?? '';
  }
}

/** A user command (the simulator's Action). */
export function describeAction(a) {
  const key = `cmd.${a.type}`;
  const params = {
    server: a.server ? S(a.server) : '', to: a.to ? S(a.to) : '', from: a.from ? S(a.from) : '',
    message: a.message ?? '', client: a.client ? C(a.client) : '',
    op: a.op ? describeOp(a.op) : '', state: a.enabled ? t('word.on') : t('word.off'),
    groups: (a.groups ?? []).map((g) => g.map(S).join('+')).join(' | '),
  };
  const text = t(key, params);
  return text === key ? a.type : text;
}

/** One feed event as a sentence. */
export function describeEvent(e) {
  switch (e.code) {
    case 'preVoteStarted': return t('feed.preVote', { server: S(e.server), term: e.term });
    case 'electionStarted': return t('feed.election', { server: S(e.server), term: e.term });
    case 'becameLeader': return t('feed.leader', { server: S(e.server), term: e.term });
    case 'steppedDown': return t(`feed.stepDown.${e.cause}`, { server: S(e.server), term: e.term });
    case 'voteGranted': return t(e.preVote ? 'feed.preVoteGranted' : 'feed.voteGranted', { voter: S(e.voter), candidate: S(e.candidate), term: e.term });
    case 'voteDenied': return t(e.preVote ? 'feed.preVoteDenied' : 'feed.voteDenied', {
      voter: S(e.voter), candidate: S(e.candidate), why: describeVoteReason(e.reason, e.candidate, e.voter),
    });
    case 'appendRejected': return t('feed.appendRejected', { follower: S(e.follower), leader: S(e.leader), why: describeAppendReason(e.reason) });
    case 'snapshotSent': return t('feed.snapshotSent', { leader: S(e.leader), follower: S(e.follower), index: e.index });
    case 'timeoutNowSent': return t('feed.timeoutNow', { leader: S(e.leader), target: S(e.target) });
    case 'committed': return e.from === e.to
      ? t('feed.committedOne', { server: S(e.server), index: e.to })
      : t('feed.committed', { server: S(e.server), from: e.from, to: e.to });
    case 'compacted': return t('feed.compacted', { server: S(e.server), index: e.index });
    case 'crashed': return t('feed.crashed', { server: S(e.server) });
    case 'restarted': return t('feed.restarted', { server: S(e.server), term: e.term });
    case 'paused': return t('feed.paused', { server: S(e.server) });
    case 'resumed': return t('feed.resumed', { server: S(e.server) });
    case 'serverAdded': return t('feed.added', { server: S(e.server) });
    case 'clientStarted': return t('feed.clientStarted', { client: C(e.client), op: describeOp(e.op) });
    case 'clientDone': return t(e.attempts > 1 ? 'feed.clientDoneRetried' : 'feed.clientDone', {
      client: C(e.client), op: describeOp(e.op), result: describeResponse(e.response), attempts: e.attempts,
    });
    case 'clientRetried': return t('feed.clientRetried', { client: C(e.client), attempt: e.attempt });
    case 'clientGaveUp': return t('feed.clientGaveUp', { client: C(e.client) });
    case 'violation': return t('feed.violation', { property: t(`property.${e.name}`), detail: describeViolation(e) });
    case 'command': return t('feed.command', { what: describeAction(e.action) });
    default: return e.code;
  }
}

/** Events worth announcing to screen readers (the rest stay in the visible feed only). */
export function isAnnounced(e) {
  return ['becameLeader', 'crashed', 'restarted', 'paused', 'resumed', 'violation', 'clientDone', 'steppedDown', 'command', 'voteDenied'].includes(e.code);
}
