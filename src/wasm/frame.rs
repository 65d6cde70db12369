//! Per-frame state as flat `f64` buffers (JavaScript receives `Float64Array` copies).
//!
//! The layouts below are the contract with `www/snapshot.js`, the only JavaScript that reads
//! them; [`STRIDES`] lets it check the contract at start-up. Every value is a whole number
//! below 2^53 (exact in an `f64`); "none" is encoded as `-1` for times and `0` for ids (server
//! ids start at 1).
//!
//! **Global** (`GLOBAL_LEN` values): `[now_ms, steps, leader, max_term, violations,
//! horizon_ms, feed_epoch, feed_last_id, servers, in_flight, clients, history_len,
//! workload_on, timeline_version, revision, safety_checked, faults_on, last_message_id]`.
//!
//! **Node** (`NODE_STRIDE` per server, in id order): `[id, status, role, term, voted_for,
//! leader, commit_index, last_applied, last_index, last_term, snapshot_index, timer_start_ms,
//! timer_deadline_ms, votes_granted_mask, votes_denied_mask, membership, held, incarnation,
//! heartbeat_deadline_ms, first_index]`. `status`: 0 running, 1 paused, 2 crashed. `role`:
//! 0 follower, 1 pre-candidate, 2 candidate, 3 leader, 4 none (crashed). Vote masks: bit `id`
//! set for each voter that granted / denied. `membership` (as the leader, or else the server
//! itself, sees it): 0 voter, 1 learner, 2 not a member.
//!
//! **Message** (`MESSAGE_STRIDE` per message in flight, by id): `[id, kind, from, to, sent_ms,
//! deliver_ms (-1 while held), flags, term, entries, outcome]`. `kind` is the index of
//! [`MessageKind`] in declaration order ([`KIND_NAMES`]); `flags` bit 0 duplicate copy, bit 1
//! held; `entries`: entries carried by an AppendEntries; `outcome`: 1 success, 0 failure, -1
//! not a reply.
//!
//! **Progress** (`PROGRESS_STRIDE` per follower of the current leader): `[follower,
//! next_index, match_index, state, recent_active]`; `state` 0 probe, 1 replicate, 2 snapshot.
//!
//! **Blocked links** (`u32` pairs): `[from, to]` for every directed link that carries nothing.
//!
//! **Log cells** (`CELL_STRIDE` per cell; one row of `count` cells per server in node order):
//! `[term, flags]`; flags bit 0 present, bit 1 inside the snapshot (compacted), bit 2 no-op,
//! bit 3 configuration, bit 4 client command, bit 5 session bookkeeping (register /
//! keep-alive), bit 6 duplicate (same client serial as an earlier entry: the session answers
//! it without applying it again, thesis §6.3).

use crate::collections::VecSet;

use crate::kv::Command;
use crate::raft::{
    Entry, EntryPayload, MessageBody, MessageKind, NodeId, ProgressState, Role, StoredEntries,
};
use crate::sim::{envelope, Server, Status, World};

/// Values in the global buffer.
pub const GLOBAL_LEN: usize = 18;
/// Values per server.
pub const NODE_STRIDE: usize = 20;
/// Values per message.
pub const MESSAGE_STRIDE: usize = 10;
/// Values per follower progress.
pub const PROGRESS_STRIDE: usize = 5;
/// Values per log cell.
pub const CELL_STRIDE: usize = 2;
/// The layout contract, checked by `www/snapshot.js`.
pub const STRIDES: [usize; 5] = [
    GLOBAL_LEN,
    NODE_STRIDE,
    MESSAGE_STRIDE,
    PROGRESS_STRIDE,
    CELL_STRIDE,
];

/// Names of the message kinds in code order (the `kind` column).
pub const KIND_NAMES: [&str; 16] = {
    let mut names = [""; 16];
    let mut i = 0;
    while i < names.len() {
        names[i] = super::record::ALL_KINDS[i].name();
        i += 1;
    }
    names
};

/// Facade-side counters that go into the global buffer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extra {
    /// Largest virtual time reached on the current branch.
    pub horizon_ms: u64,
    /// Bumped when the feed was cut back (after a seek backwards).
    pub feed_epoch: u64,
    /// Id of the newest feed event.
    pub feed_last_id: u64,
    /// Bumped when the timeline changed.
    pub timeline_version: u64,
    /// Bumped by every call that changed the world.
    pub revision: u64,
}

/// The kind column of a message.
pub fn kind_code(k: MessageKind) -> f64 {
    use MessageKind as K;
    let i = match k {
        K::RequestVote => 0,
        K::RequestPreVote => 1,
        K::VoteGranted => 2,
        K::VoteDenied => 3,
        K::PreVoteGranted => 4,
        K::PreVoteDenied => 5,
        K::Heartbeat => 6,
        K::AppendEntries => 7,
        K::AppendAccepted => 8,
        K::AppendRejected => 9,
        K::InstallSnapshot => 10,
        K::InstallSnapshotResponse => 11,
        K::TimeoutNow => 12,
        K::ReadIndex => 13,
        K::ReadIndexResponse => 14,
        K::TransferLeader => 15,
    };
    f64::from(i)
}

fn opt_id(id: Option<NodeId>) -> f64 {
    id.map_or(0.0, f64::from)
}

fn opt_ms(t: Option<u64>) -> f64 {
    t.map_or(-1.0, |t| t as f64)
}

fn bool_f(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

/// The global buffer.
pub fn global(w: &World, x: &Extra) -> Vec<f64> {
    let max_term = w.servers().map(server_term).max().unwrap_or(0);
    let last_message = w.in_flight().map(|m| m.id).max().unwrap_or(0);
    vec![
        w.now_ms() as f64,
        w.steps() as f64,
        opt_id(w.current_leader()),
        max_term as f64,
        w.violations().len() as f64,
        x.horizon_ms.max(w.now_ms()) as f64,
        x.feed_epoch as f64,
        x.feed_last_id as f64,
        w.servers().count() as f64,
        w.in_flight().count() as f64,
        w.clients().count() as f64,
        w.history().len() as f64,
        bool_f(w.workload_enabled),
        x.timeline_version as f64,
        x.revision as f64,
        bool_f(w.safety_checked()),
        bool_f(w.faults_enabled),
        last_message as f64,
    ]
}

/// A server's current term (from its disk while crashed).
pub fn server_term(s: &Server) -> u64 {
    s.node()
        .map_or(s.disk().hard_state.current_term, |n| n.current_term())
}

/// Role code of the node column.
pub fn role_code(role: Option<Role>) -> f64 {
    match role {
        Some(Role::Follower) => 0.0,
        Some(Role::PreCandidate) => 1.0,
        Some(Role::Candidate) => 2.0,
        Some(Role::Leader) => 3.0,
        None => 4.0,
    }
}

fn status_code(s: Status) -> f64 {
    match s {
        Status::Running => 0.0,
        Status::Paused => 1.0,
        Status::Crashed => 2.0,
    }
}

/// Membership of `id` in the configuration the current leader (or the server itself) uses.
fn membership(w: &World, s: &Server) -> f64 {
    let from_leader = w
        .current_leader()
        .and_then(|l| w.server(l))
        .and_then(Server::node);
    let config = from_leader.or(s.node()).map(|n| n.configuration());
    match config {
        Some(c) if c.voters.contains(&s.id) => 0.0,
        Some(c) if c.learners.contains(&s.id) || c.catching_up.contains(&s.id) => 1.0,
        Some(_) => 2.0,
        None => 0.0,
    }
}

/// One row of the node buffer.
pub fn node_row(w: &World, s: &Server, out: &mut Vec<f64>) {
    let mut row = [0.0; NODE_STRIDE];
    row[0] = f64::from(s.id);
    row[1] = status_code(s.status());
    row[15] = membership(w, s);
    row[16] = s.held.len() as f64;
    row[17] = s.incarnation() as f64;
    match s.node() {
        Some(n) => {
            row[2] = role_code(Some(n.role()));
            row[3] = n.current_term() as f64;
            row[4] = opt_id(n.voted_for());
            row[5] = opt_id(n.leader_id());
            row[6] = n.commit_index() as f64;
            row[7] = n.last_applied() as f64;
            row[8] = n.last_index() as f64;
            row[9] = n.last_term() as f64;
            row[10] = n.snapshot().last_included_index as f64;
            row[11] = n.election_reset_at_ms() as f64;
            row[12] = n.election_deadline_ms() as f64;
            let (granted, denied) = vote_masks(n.votes().iter().map(|(&id, &g)| (id, g)));
            row[13] = granted;
            row[14] = denied;
            row[18] = opt_ms(if n.role() == Role::Leader {
                n.heartbeat_deadline_ms()
            } else {
                None
            });
            row[19] = n.first_index() as f64;
        }
        None => {
            let d = s.disk();
            let snap = d.snapshot.as_ref().map_or(0, |x| x.last_included_index);
            row[2] = role_code(None);
            row[3] = d.hard_state.current_term as f64;
            row[4] = opt_id(d.hard_state.voted_for);
            row[8] = d.entries.last().map_or(snap, |e| e.index) as f64;
            row[9] = d.entries.last().map_or(0, |e| e.term) as f64;
            row[10] = snap as f64;
            row[11] = -1.0;
            row[12] = -1.0;
            row[18] = -1.0;
            row[19] = (snap + 1) as f64;
        }
    }
    out.extend_from_slice(&row);
}

/// Bit masks of granted and denied ballots (bit `id`).
pub fn vote_masks(votes: impl Iterator<Item = (NodeId, bool)>) -> (f64, f64) {
    let (mut g, mut d) = (0u64, 0u64);
    for (id, granted) in votes {
        let bit = 1u64 << id.min(52);
        if granted {
            g |= bit;
        } else {
            d |= bit;
        }
    }
    (g as f64, d as f64)
}

/// The node buffer.
pub fn nodes(w: &World) -> Vec<f64> {
    let mut out = Vec::with_capacity(w.servers().count() * NODE_STRIDE);
    for s in w.servers() {
        node_row(w, s, &mut out);
    }
    out
}

/// The message buffer.
pub fn messages(w: &World) -> Vec<f64> {
    let mut out = Vec::with_capacity(w.in_flight().count() * MESSAGE_STRIDE);
    for m in w.in_flight() {
        let (entries, outcome) = match &m.message.body {
            MessageBody::AppendEntries { entries, .. } => (entries.len() as f64, -1.0),
            MessageBody::AppendEntriesResponse { success, .. } => (0.0, bool_f(*success)),
            MessageBody::RequestVoteResponse { granted, .. } => (0.0, bool_f(*granted)),
            MessageBody::ReadIndexResponse { index, .. } => (0.0, bool_f(index.is_some())),
            MessageBody::InstallSnapshotResponse { .. } => (0.0, 1.0),
            _ => (0.0, -1.0),
        };
        let flags = bool_f(m.duplicate) + 2.0 * bool_f(m.deliver_ms.is_none());
        out.extend_from_slice(&[
            m.id as f64,
            kind_code(m.kind),
            f64::from(m.from),
            f64::from(m.to),
            m.sent_ms as f64,
            opt_ms(m.deliver_ms),
            flags,
            m.message.term as f64,
            entries,
            outcome,
        ]);
    }
    out
}

/// The progress buffer (empty without a leader).
pub fn progress(w: &World) -> Vec<f64> {
    let Some(node) = w
        .current_leader()
        .and_then(|l| w.server(l))
        .and_then(Server::node)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (&id, p) in node.progresses() {
        if id == node.id() {
            continue;
        }
        let state = match p.state {
            ProgressState::Probe => 0.0,
            ProgressState::Replicate => 1.0,
            ProgressState::Snapshot => 2.0,
        };
        out.extend_from_slice(&[
            f64::from(id),
            p.next_index as f64,
            p.match_index as f64,
            state,
            bool_f(p.recent_active),
        ]);
    }
    out
}

/// Directed server links that carry nothing now (cut, or across a partition), as
/// `[from, to, from, to, …]`.
pub fn blocked(w: &World) -> Vec<u32> {
    let ids: Vec<NodeId> = w.servers().map(|s| s.id).collect();
    let mut out = Vec::new();
    for &a in &ids {
        for &b in &ids {
            if a != b && w.network().blocked(a, b) {
                out.extend_from_slice(&[a, b]);
            }
        }
    }
    out
}

/// Cell flag bits.
pub mod cell {
    /// An entry exists at this index.
    pub const PRESENT: u32 = 1;
    /// The index is covered by the snapshot.
    pub const COMPACTED: u32 = 2;
    /// A no-op entry.
    pub const NOOP: u32 = 4;
    /// A configuration entry.
    pub const CONFIG: u32 = 8;
    /// A client command.
    pub const COMMAND: u32 = 16;
    /// Session bookkeeping (register, keep-alive).
    pub const SESSION: u32 = 32;
    /// Same client serial as an earlier entry: answered from the session, not applied again.
    pub const DUPLICATE: u32 = 64;
}

/// What a command entry is, with its (session, serial) for client requests.
fn classify(e: &Entry) -> (u32, Option<(u64, u64)>) {
    match &e.payload {
        EntryPayload::Noop => (cell::NOOP, None),
        EntryPayload::Config(_) => (cell::CONFIG, None),
        EntryPayload::Command(bytes) => {
            match envelope::unwrap(bytes).map(|(_, b)| Command::decode(b)) {
                Some(Ok(Command::Request {
                    client_id, serial, ..
                })) => (cell::COMMAND, Some((client_id, serial))),
                _ => (cell::SESSION, None),
            }
        }
    }
}

/// The retained log of a server (its node's, or its disk's while crashed) and its snapshot index.
pub fn retained_log(s: &Server) -> (&StoredEntries, u64) {
    let snapshot = match s.node() {
        Some(n) => n.snapshot().last_included_index,
        None => s
            .disk()
            .snapshot
            .as_ref()
            .map_or(0, |x| x.last_included_index),
    };
    (s.retained_entries(), snapshot)
}

/// Per-entry flags of a retained log (duplicates found against earlier retained entries).
pub fn entry_flags<'a>(log: impl IntoIterator<Item = &'a Entry>) -> Vec<u32> {
    let mut seen = VecSet::new();
    log.into_iter()
        .map(|e| {
            let (mut f, key) = classify(e);
            if let Some(k) = key {
                if !seen.insert(k) {
                    f |= cell::DUPLICATE;
                }
            }
            f | cell::PRESENT
        })
        .collect()
}

/// The log-cell buffer for indices `from .. from + count` of every server.
pub fn log_cells(w: &World, from: u64, count: u64) -> Vec<f64> {
    let mut out = Vec::with_capacity(w.servers().count() * count as usize * CELL_STRIDE);
    for s in w.servers() {
        let (log, snap) = retained_log(s);
        let first = log.first().map_or(snap + 1, |e| e.index);
        // Duplicate detection needs the entries before the window too.
        let end = (from + count).saturating_sub(first).min(log.len() as u64) as usize;
        let flags = entry_flags(log.iter_range(0, end));
        for i in from..from + count {
            if i <= snap && i >= 1 {
                out.extend_from_slice(&[0.0, f64::from(cell::COMPACTED)]);
            } else if i >= first && ((i - first) as usize) < end {
                let k = (i - first) as usize;
                out.extend_from_slice(&[log[k].term as f64, f64::from(flags[k])]);
            } else {
                out.extend_from_slice(&[0.0, 0.0]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{SimConfig, Simulation};

    #[test]
    fn buffers_have_their_documented_strides() {
        let mut sim = Simulation::new(SimConfig::new(3, 5)).unwrap();
        sim.advance(2_000).unwrap();
        let w = sim.world();
        assert_eq!(global(w, &Extra::default()).len(), GLOBAL_LEN);
        let n = nodes(w);
        assert_eq!(n.len(), 3 * NODE_STRIDE);
        assert_eq!(n[0], 1.0);
        assert_eq!(messages(w).len() % MESSAGE_STRIDE, 0);
        assert_eq!(
            progress(w).len(),
            2 * PROGRESS_STRIDE,
            "a leader after 2 s, with two followers"
        );
        let cells = log_cells(w, 1, 8);
        assert_eq!(cells.len(), 3 * 8 * CELL_STRIDE);
        assert_eq!(
            cells[1] as u32 & cell::PRESENT,
            cell::PRESENT,
            "index 1 exists on S1"
        );
    }

    #[test]
    fn vote_masks_set_one_bit_per_voter() {
        assert_eq!(
            vote_masks([(1, true), (3, false), (2, true)].into_iter()),
            (6.0, 8.0)
        );
    }

    #[test]
    fn kind_codes_follow_the_name_table() {
        assert_eq!(
            KIND_NAMES[kind_code(MessageKind::AppendRejected) as usize],
            "AppendRejected"
        );
        assert_eq!(
            KIND_NAMES[kind_code(MessageKind::TransferLeader) as usize],
            "TransferLeader"
        );
    }
}
