//! Log entries, snapshots and the messages servers exchange (paper Figure 2, thesis §3, §4,
//! §5, §6.4).

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::membership::{Configuration, MembershipChange};

/// A server id. Ids are 1-based (`1` is "S1" in the UI); `0` is never a valid id.
pub type NodeId = u32;

/// Immutable, cheaply clonable bytes (a command or snapshot payload).
///
/// Cloning shares the buffer, so replicating an entry to many followers never copies the
/// payload. Serialized as a plain byte sequence.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Bytes(Arc<[u8]>);

impl Bytes {
    /// Bytes holding a copy of `data`.
    pub fn copy_from_slice(data: &[u8]) -> Self {
        Bytes(Arc::from(data))
    }

    /// The bytes as a slice.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }
}

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Self {
        Bytes(Arc::from(v))
    }
}

impl From<&[u8]> for Bytes {
    fn from(v: &[u8]) -> Self {
        Bytes::copy_from_slice(v)
    }
}

impl From<&str> for Bytes {
    fn from(v: &str) -> Self {
        Bytes::copy_from_slice(v.as_bytes())
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match std::str::from_utf8(&self.0) {
            Ok(s) if s.len() <= 64 => write!(f, "b{s:?}"),
            _ => write!(f, "Bytes(len={})", self.0.len()),
        }
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<u8>::deserialize(d).map(Bytes::from)
    }
}

/// What a log entry carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryPayload {
    /// The empty entry a leader appends at the start of its term (thesis §6.4: it lets the
    /// leader learn which entries are committed, and commits earlier terms' entries, §5.4.2).
    Noop,
    /// An opaque state-machine command.
    Command(Bytes),
    /// A membership change; `configuration` is the configuration that results from it and
    /// takes effect as soon as the entry is in a server's log (thesis §4.1). Boxed because a
    /// `Configuration` is large and rare: inline, it would make every command entry as big as
    /// a configuration entry, and entries are copied on every persist, send and apply.
    Config(Box<ConfigEntry>),
}

/// A configuration log entry's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigEntry {
    /// The change that was requested.
    pub change: MembershipChange,
    /// The configuration after the change.
    pub configuration: Configuration,
}

/// One log entry. Invariant: within a log, indices are consecutive and terms never decrease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the log (1-based; index 0 is the empty log's sentinel).
    pub index: u64,
    /// Term of the leader that created the entry.
    pub term: u64,
    /// What the entry carries.
    pub payload: EntryPayload,
}

impl Entry {
    /// The configuration entry content, if this is a configuration entry.
    pub fn config(&self) -> Option<&ConfigEntry> {
        match &self.payload {
            EntryPayload::Config(c) => Some(c),
            _ => None,
        }
    }
}

/// An immutable run of entries that many holders can share: cloning it copies a pointer, not
/// the entries. A leader sends the same run to every follower it broadcasts to, and the run
/// a log stores is the one a message carried, a disk persisted and a Ready handed out.
///
/// A run is a window onto a shared vector, so a part of a run is a run too
/// ([`SharedEntries::window`]). Reads as a slice (`Deref<Target = [Entry]>`); debug-printed
/// and serialized exactly like a `Vec<Entry>`, so traces and golden hashes do not depend on
/// the representation.
#[derive(Clone, Default)]
pub struct SharedEntries {
    /// `None` for an empty run (a heartbeat's), which allocates nothing.
    vec: Option<Arc<[Entry]>>,
    /// The window `lo..hi` of `vec` (32-bit: a log stores one of these per run).
    lo: u32,
    hi: u32,
}

impl SharedEntries {
    /// A run of one entry (one allocation).
    pub fn one(e: Entry) -> SharedEntries {
        SharedEntries {
            vec: Some(Arc::from([e])),
            lo: 0,
            hi: 1,
        }
    }

    /// Number of entries (without building the slice).
    #[inline]
    pub fn len(&self) -> usize {
        (self.hi - self.lo) as usize
    }

    /// Whether the run is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.hi == self.lo
    }

    /// The entries as an owned vector (clones each entry; the payloads stay shared).
    pub fn into_vec(self) -> Vec<Entry> {
        self.to_vec()
    }

    /// Entries `lo..hi` of this run (positions within it), sharing the same allocation.
    pub fn window(&self, lo: usize, hi: usize) -> SharedEntries {
        assert!(
            lo <= hi && hi <= self.len(),
            "window {lo}..{hi} of {}",
            self.len()
        );
        if lo == hi {
            return SharedEntries::default();
        }
        SharedEntries {
            vec: self.vec.clone(),
            lo: self.lo + lo as u32,
            hi: self.lo + hi as u32,
        }
    }
}

impl Deref for SharedEntries {
    type Target = [Entry];
    fn deref(&self) -> &[Entry] {
        self.vec
            .as_deref()
            .map_or(&[], |v| &v[self.lo as usize..self.hi as usize])
    }
}

impl From<Vec<Entry>> for SharedEntries {
    /// Shares `v`'s entries; an empty vector allocates nothing.
    fn from(v: Vec<Entry>) -> Self {
        let hi = u32::try_from(v.len()).expect("a run holds fewer than 2^32 entries");
        SharedEntries {
            vec: (!v.is_empty()).then(|| Arc::from(v)),
            lo: 0,
            hi,
        }
    }
}

impl FromIterator<Entry> for SharedEntries {
    fn from_iter<I: IntoIterator<Item = Entry>>(iter: I) -> Self {
        SharedEntries::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl PartialEq for SharedEntries {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for SharedEntries {}

impl<'a> IntoIterator for &'a SharedEntries {
    type Item = &'a Entry;
    type IntoIter = std::slice::Iter<'a, Entry>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl fmt::Debug for SharedEntries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl Serialize for SharedEntries {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for SharedEntries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<Entry>::deserialize(d).map(SharedEntries::from)
    }
}

/// An application snapshot covering the log up to `last_included_index` (thesis §5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Index of the last entry the snapshot replaces.
    pub last_included_index: u64,
    /// Term of that entry.
    pub last_included_term: u64,
    /// The latest configuration as of `last_included_index` (thesis §5.1: a snapshot carries
    /// the configuration so that membership survives compaction).
    pub configuration: Configuration,
    /// The state machine's serialized state.
    pub data: Bytes,
}

/// Why a server refused its vote (or pre-vote).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VoteRejectReason {
    /// The candidate's term is older than the voter's (§5.1).
    StaleTerm {
        /// The voter's current term.
        voter_term: u64,
    },
    /// The voter already voted for another candidate in this term (§5.2).
    AlreadyVoted {
        /// Whom it voted for.
        voted_for: NodeId,
    },
    /// The voter already follows a leader in this term.
    LeaderKnown {
        /// The leader.
        leader: NodeId,
    },
    /// The candidate's log is less up to date than the voter's (§5.4.1).
    LogNotUpToDate {
        /// Candidate's last log term.
        candidate_last_term: u64,
        /// Candidate's last log index.
        candidate_last_index: u64,
        /// Voter's last log term.
        voter_last_term: u64,
        /// Voter's last log index.
        voter_last_index: u64,
    },
    /// The voter heard from a live leader less than a minimum election timeout ago, so it
    /// ignores the request (check-quorum leader stickiness, thesis §4.2.3 / §6.2).
    LeaderActive {
        /// The leader the voter still follows.
        leader: NodeId,
    },
    /// The candidate is not a voter in the voter's configuration (guards against removed
    /// servers disrupting the cluster, thesis §4.2.3).
    CandidateNotVoter,
}

/// As traces write it: the text of `{:?}` (`StaleTerm { voter_term: 3 }`).
impl fmt::Display for VoteRejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use VoteRejectReason as R;
        match self {
            R::StaleTerm { voter_term } => write!(f, "StaleTerm {{ voter_term: {voter_term} }}"),
            R::AlreadyVoted { voted_for } => {
                write!(f, "AlreadyVoted {{ voted_for: {voted_for} }}")
            }
            R::LeaderKnown { leader } => write!(f, "LeaderKnown {{ leader: {leader} }}"),
            R::LogNotUpToDate {
                candidate_last_term,
                candidate_last_index,
                voter_last_term,
                voter_last_index,
            } => write!(
                f,
                "LogNotUpToDate {{ candidate_last_term: {candidate_last_term}, \
                 candidate_last_index: {candidate_last_index}, \
                 voter_last_term: {voter_last_term}, voter_last_index: {voter_last_index} }}"
            ),
            R::LeaderActive { leader } => write!(f, "LeaderActive {{ leader: {leader} }}"),
            R::CandidateNotVoter => f.write_str("CandidateNotVoter"),
        }
    }
}

/// Why a follower rejected AppendEntries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppendRejectReason {
    /// The sender's term is older than the receiver's (§5.1); the sender must step down.
    StaleTerm {
        /// The receiver's current term.
        receiver_term: u64,
    },
    /// The follower has no entry at `prev_log_index` (its log is too short) (§5.3).
    MissingEntry {
        /// The leader's prev_log_index.
        prev_log_index: u64,
        /// The follower's last log index.
        last_index: u64,
    },
    /// The follower's entry at `prev_log_index` has a different term (§5.3).
    TermMismatch {
        /// The leader's prev_log_index.
        prev_log_index: u64,
        /// The term the leader expected there.
        leader_term: u64,
        /// The term the follower has there.
        follower_term: u64,
    },
}

/// A follower's AppendEntries rejection, with a hint for fast log back-up (thesis §5.3's
/// optimisation): the leader may skip straight to `hint_index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppendReject {
    /// Why the append was rejected.
    pub reason: AppendRejectReason,
    /// The rejected prev_log_index (lets the leader discard stale rejections).
    pub rejected_index: u64,
    /// The largest index `<= min(prev_log_index, last_index)` whose term is
    /// `<= prev_log_term` in the follower's log.
    pub hint_index: u64,
    /// The follower's term at `hint_index`.
    pub hint_term: u64,
}

/// Message content, one variant per RPC (paper Figure 2) plus the thesis extensions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MessageBody {
    /// RequestVote (§5.2); with `pre_vote` it is a pre-vote (thesis §9.6) sent at the term the
    /// candidate would use, without the sender having incremented its term.
    RequestVote {
        /// A pre-vote round: nobody changes term or vote.
        pre_vote: bool,
        /// Sent because of TimeoutNow (thesis §3.10): voters ignore leader stickiness.
        leader_transfer: bool,
        /// Candidate's last log index (§5.4.1).
        last_log_index: u64,
        /// Candidate's last log term (§5.4.1).
        last_log_term: u64,
    },
    /// Reply to RequestVote.
    RequestVoteResponse {
        /// Reply to a pre-vote.
        pre_vote: bool,
        /// Whether the vote was granted.
        granted: bool,
        /// Why not, when refused.
        reject_reason: Option<VoteRejectReason>,
    },
    /// AppendEntries (§5.3); with no entries it is a heartbeat.
    AppendEntries {
        /// Index of the entry preceding `entries`.
        prev_log_index: u64,
        /// Term of that entry.
        prev_log_term: u64,
        /// Entries to store (empty for a heartbeat); shared by every copy of a broadcast.
        entries: SharedEntries,
        /// The leader's commit_index.
        leader_commit: u64,
        /// The leader's latest ReadIndex round (thesis §6.4); echoed in the response. 0: none.
        read_seq: u64,
    },
    /// Reply to AppendEntries.
    AppendEntriesResponse {
        /// Whether the follower's log now matches the leader's through `match_index`.
        success: bool,
        /// On success, the index of the last entry known to match the leader's log.
        match_index: u64,
        /// On failure, why, with the fast back-up hint.
        reject: Option<AppendReject>,
        /// Echo of the request's `read_seq`.
        read_seq: u64,
    },
    /// InstallSnapshot (thesis §5.1); the whole snapshot travels in one message.
    InstallSnapshot {
        /// The snapshot.
        snapshot: Snapshot,
    },
    /// Reply to InstallSnapshot.
    InstallSnapshotResponse {
        /// The follower's log now matches the leader's through this index.
        match_index: u64,
    },
    /// Tells the transfer target to start an election at once (thesis §3.10).
    TimeoutNow,
    /// A follower asks the leader for a read index on behalf of a client (thesis §6.4).
    ReadIndex {
        /// Caller's request id, echoed back.
        ctx: u64,
    },
    /// The leader's answer to ReadIndex: the index, or `None` if it cannot serve reads.
    ReadIndexResponse {
        /// Echo of the request id.
        ctx: u64,
        /// The confirmed read index.
        index: Option<u64>,
    },
    /// A follower forwards a leadership-transfer request to the leader.
    TransferLeader {
        /// Requested new leader.
        target: NodeId,
    },
}

/// A message between two servers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Sender.
    pub from: NodeId,
    /// Recipient.
    pub to: NodeId,
    /// Sender's term (for pre-votes: the term the pre-candidate would campaign at).
    pub term: u64,
    /// Content.
    pub body: MessageBody,
}

/// A coarse classification of messages for styling them in a UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MessageKind {
    /// A RequestVote.
    RequestVote,
    /// A pre-vote RequestVote.
    RequestPreVote,
    /// A granted vote.
    VoteGranted,
    /// A refused vote.
    VoteDenied,
    /// A granted pre-vote.
    PreVoteGranted,
    /// A refused pre-vote.
    PreVoteDenied,
    /// AppendEntries without entries.
    Heartbeat,
    /// AppendEntries carrying entries.
    AppendEntries,
    /// A successful AppendEntries reply.
    AppendAccepted,
    /// A failed AppendEntries reply.
    AppendRejected,
    /// InstallSnapshot.
    InstallSnapshot,
    /// InstallSnapshot reply.
    InstallSnapshotResponse,
    /// TimeoutNow.
    TimeoutNow,
    /// A follower's ReadIndex request.
    ReadIndex,
    /// The leader's ReadIndex reply.
    ReadIndexResponse,
    /// A forwarded transfer request.
    TransferLeader,
}

impl MessageKind {
    /// The kind's name as traces write it (`RequestVote`, `AppendEntries`, …).
    pub const fn name(self) -> &'static str {
        use MessageKind as K;
        match self {
            K::RequestVote => "RequestVote",
            K::RequestPreVote => "RequestPreVote",
            K::VoteGranted => "VoteGranted",
            K::VoteDenied => "VoteDenied",
            K::PreVoteGranted => "PreVoteGranted",
            K::PreVoteDenied => "PreVoteDenied",
            K::Heartbeat => "Heartbeat",
            K::AppendEntries => "AppendEntries",
            K::AppendAccepted => "AppendAccepted",
            K::AppendRejected => "AppendRejected",
            K::InstallSnapshot => "InstallSnapshot",
            K::InstallSnapshotResponse => "InstallSnapshotResponse",
            K::TimeoutNow => "TimeoutNow",
            K::ReadIndex => "ReadIndex",
            K::ReadIndexResponse => "ReadIndexResponse",
            K::TransferLeader => "TransferLeader",
        }
    }
}

impl Message {
    /// The message's UI classification (no allocation).
    pub fn kind(&self) -> MessageKind {
        use MessageBody as B;
        match &self.body {
            B::RequestVote { pre_vote: true, .. } => MessageKind::RequestPreVote,
            B::RequestVote { .. } => MessageKind::RequestVote,
            B::RequestVoteResponse {
                pre_vote, granted, ..
            } => match (pre_vote, granted) {
                (false, true) => MessageKind::VoteGranted,
                (false, false) => MessageKind::VoteDenied,
                (true, true) => MessageKind::PreVoteGranted,
                (true, false) => MessageKind::PreVoteDenied,
            },
            B::AppendEntries { entries, .. } if entries.is_empty() => MessageKind::Heartbeat,
            B::AppendEntries { .. } => MessageKind::AppendEntries,
            B::AppendEntriesResponse { success: true, .. } => MessageKind::AppendAccepted,
            B::AppendEntriesResponse { .. } => MessageKind::AppendRejected,
            B::InstallSnapshot { .. } => MessageKind::InstallSnapshot,
            B::InstallSnapshotResponse { .. } => MessageKind::InstallSnapshotResponse,
            B::TimeoutNow => MessageKind::TimeoutNow,
            B::ReadIndex { .. } => MessageKind::ReadIndex,
            B::ReadIndexResponse { .. } => MessageKind::ReadIndexResponse,
            B::TransferLeader { .. } => MessageKind::TransferLeader,
        }
    }
}
