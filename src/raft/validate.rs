//! Rejecting messages no correct server could have sent.
//!
//! The network is untrusted in a lab: a fault injector (or a student) may mutate, forge,
//! duplicate or reorder messages. Raft tolerates loss, duplication and reordering by design;
//! this file screens out what is *structurally impossible* before any state changes, so that
//! the protocol code can rely on its invariants (`assert!` there means a bug in raftlab, never
//! a bad input). Checks are cheap: O(entries) for AppendEntries, O(1) otherwise.

use super::membership::{Configuration, MAX_SERVERS};
use super::message::{Entry, Message, MessageBody, NodeId, Snapshot};
use super::node::Node;

/// Terms and indices above this are rejected as malformed. No run reaches 2^62 elections or
/// entries, and the margin keeps every `term + 1` / `index + len` below in range.
pub(super) const MAX_TERM_OR_INDEX: u64 = 1 << 62;

impl Node {
    /// Whether `m` could not have been sent by a correct server (given that it is addressed
    /// to us). Only structure is checked here; protocol rules (§5.1 terms, §5.3 consistency)
    /// are the handlers' business.
    pub(super) fn is_malformed(&self, m: &Message) -> bool {
        if !valid_sender(m.from, self.id) || m.term > MAX_TERM_OR_INDEX {
            return true;
        }
        match &m.body {
            // Requests are only ever sent by a server that reached term >= 1.
            MessageBody::RequestVote {
                last_log_index,
                last_log_term,
                ..
            } => m.term == 0 || *last_log_index > MAX_TERM_OR_INDEX || *last_log_term > m.term,
            MessageBody::AppendEntries {
                prev_log_index,
                prev_log_term,
                entries,
                ..
            } => m.term == 0 || !valid_entries(*prev_log_index, *prev_log_term, entries, m.term),
            MessageBody::InstallSnapshot { snapshot } => !valid_snapshot(snapshot, m.term),
            MessageBody::TimeoutNow | MessageBody::TransferLeader { .. } => m.term == 0,
            MessageBody::AppendEntriesResponse {
                success: true,
                match_index,
                ..
            }
            | MessageBody::InstallSnapshotResponse { match_index } => {
                // A follower at our term holds only entries of our log (Log Matching), so it
                // cannot match beyond it. Only meaningful at our term: others are screened by
                // the term rules.
                m.term == self.current_term && *match_index > self.log.last_index()
            }
            _ => false,
        }
    }
}

fn valid_sender(from: NodeId, me: NodeId) -> bool {
    from != me && from != 0 && from <= MAX_SERVERS
}

/// Figure 2 AppendEntries: `entries` follow `prev_log_index` consecutively; terms never
/// decrease along a log, start at or after `prev_log_term`, and never exceed the sender's
/// term (a leader only holds entries of its term or earlier ones).
fn valid_entries(prev_index: u64, prev_term: u64, entries: &[Entry], term: u64) -> bool {
    if prev_index > MAX_TERM_OR_INDEX || prev_term > term {
        return false;
    }
    let mut expected_term_floor = prev_term.max(1);
    for (i, e) in entries.iter().enumerate() {
        if e.index != prev_index + 1 + i as u64 || e.term < expected_term_floor || e.term > term {
            return false;
        }
        if e.config()
            .is_some_and(|c| !valid_configuration(&c.configuration))
        {
            return false;
        }
        expected_term_floor = e.term;
    }
    true
}

/// Thesis §5.1 InstallSnapshot: a snapshot of a positive index has the term of a real entry
/// (>= 1, <= the sender's term) and a configuration with at least one voter.
fn valid_snapshot(s: &Snapshot, term: u64) -> bool {
    let index = s.last_included_index;
    term > 0
        && index <= MAX_TERM_OR_INDEX
        && s.last_included_term <= term
        && (index == 0 || (s.last_included_term > 0 && valid_configuration(&s.configuration)))
}

/// What `Configuration::apply` can produce (thesis §4.1): at least one voter (no change
/// removes the last, `MembershipError::LastVoter`), at most [`MAX_SERVERS`] members, valid
/// ids.
fn valid_configuration(c: &Configuration) -> bool {
    let members = c.voters.len() + c.learners.len();
    !c.voters.is_empty()
        && members <= MAX_SERVERS as usize
        && c.members().all(|id| id != 0 && id <= MAX_SERVERS)
}
