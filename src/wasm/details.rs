//! Rich, on-demand objects for inspectors and panels (they cross as JSON text, only when the
//! page asks: never per frame).

use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;

use super::frame::{entry_flags, retained_log, server_term};
use crate::check::linearizability::HistoryOp;
use crate::kv::{Command, Operation, SessionView};
use crate::raft::{
    CommitStatus, Configuration, Entry, EntryPayload, MembershipChange, MessageBody, NodeId,
    ProgressState, Role,
};
use crate::sim::envelope;
use crate::sim::{ClientView, InFlight, Status, World};

/// Most entries one `logWindow` call returns.
pub const MAX_WINDOW: u64 = 500;

/// One log entry for the inspector and the log panel's labels.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryDetail {
    /// Index.
    pub index: u64,
    /// Term.
    pub term: u64,
    /// `noop`, `config`, `command` or `session`.
    pub kind: &'static str,
    /// What the entry carries, for the page to word in the user's language.
    pub payload: EntryPayloadView,
    /// Same client serial as an earlier entry: answered from the session, not applied again.
    pub duplicate: bool,
    /// Committed as far as this server knows.
    pub committed: bool,
    /// Why not committed yet (leader only; `None` when committed or unknown).
    pub commit_status: Option<CommitStatus>,
}

/// One follower as the leader sees it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowerDetail {
    /// Follower id.
    pub id: NodeId,
    /// Next index to send.
    pub next_index: u64,
    /// Highest index known replicated.
    pub match_index: u64,
    /// Flow-control state.
    pub state: ProgressState,
}

/// Everything about one server the inspector shows (it knows the id it asked for).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerDetail {
    /// Running, paused or crashed.
    pub status: Status,
    /// Restarts so far.
    pub incarnation: u64,
    /// Role (`None` while crashed).
    pub role: Option<Role>,
    /// Current term.
    pub term: u64,
    /// Vote in the current term.
    pub voted_for: Option<NodeId>,
    /// Known leader.
    pub leader: Option<NodeId>,
    /// Commit index (volatile: 0 while crashed and after a restart until learned again).
    pub commit_index: u64,
    /// Last applied index.
    pub last_applied: u64,
    /// First retained index.
    pub first_index: u64,
    /// Last index.
    pub last_index: u64,
    /// Term of the last entry.
    pub last_term: u64,
    /// Snapshot the log starts from: (index, term).
    pub snapshot: (u64, u64),
    /// Election timer: when it fires (leader: the next check-quorum round).
    pub election_deadline_ms: Option<u64>,
    /// Its randomized length.
    pub election_timeout_ms: Option<u64>,
    /// Candidate: ballots received.
    pub votes: Vec<(NodeId, bool)>,
    /// Leader: per-follower progress.
    pub followers: Vec<FollowerDetail>,
    /// Configuration in use.
    pub configuration: Option<Configuration>,
    /// The last entries of its log (at most 12).
    pub log_tail: Vec<EntryDetail>,
    /// Key-value contents.
    pub kv: Vec<(String, String)>,
    /// Client sessions.
    pub sessions: Vec<SessionView>,
}

/// Server details, or `None` for an unknown id.
pub fn server(w: &World, id: NodeId) -> Option<ServerDetail> {
    let v = w.server_view_without_log(id)?;
    let s = w.server(id)?;
    let followers = v
        .progress
        .iter()
        .filter(|p| p.id != id)
        .map(|p| FollowerDetail {
            id: p.id,
            next_index: p.progress.next_index,
            match_index: p.progress.match_index,
            state: p.progress.state,
        })
        .collect();
    let last = retained_log(s).0.iter().next_back();
    let last_index = last.map_or(v.snapshot.0, |e| e.index);
    let tail_from = last_index.saturating_sub(11).max(v.snapshot.0 + 1);
    Some(ServerDetail {
        status: v.status,
        incarnation: v.incarnation,
        role: v.role,
        term: server_term(s),
        voted_for: v.voted_for,
        leader: v.leader,
        commit_index: v.commit_index,
        last_applied: v.last_applied,
        first_index: v.snapshot.0 + 1,
        last_index,
        last_term: last.map_or(v.snapshot.1, |e| e.term),
        snapshot: v.snapshot,
        election_deadline_ms: v.election_deadline_ms,
        election_timeout_ms: v.election_timeout_ms,
        votes: v.votes,
        followers,
        configuration: v.configuration,
        log_tail: log_window(w, id, tail_from, 12).unwrap_or_default(),
        kv: v.kv,
        sessions: v.sessions,
    })
}

/// Entries `from .. from + count` of a server's retained log (compacted or missing indices are
/// left out), or `None` for an unknown id.
pub fn log_window(w: &World, id: NodeId, from: u64, count: u64) -> Option<Vec<EntryDetail>> {
    let s = w.server(id)?;
    let (log, _) = retained_log(s);
    let node = s.node();
    let commit = node.map_or(0, |n| n.commit_index());
    let leader = node.is_some_and(|n| n.role() == Role::Leader);
    let first = log.first().map_or(u64::MAX, |e| e.index);
    let end_index = from.saturating_add(count);
    let end = (end_index.saturating_sub(first) as usize).min(log.len());
    let flags = entry_flags(log.iter_range(0, end));
    let start = (from.saturating_sub(first) as usize).min(end);
    let out = log
        .iter_range(start, end)
        .zip(&flags[start..end])
        .map(|(e, &f)| {
            let committed = e.index <= commit;
            let commit_status = match node {
                Some(n) if leader && !committed => Some(n.commit_status(e.index)),
                _ => None,
            };
            EntryDetail {
                index: e.index,
                term: e.term,
                kind: entry_kind(f),
                payload: payload_view(e),
                duplicate: f & super::frame::cell::DUPLICATE != 0,
                committed,
                commit_status,
            }
        })
        .collect();
    Some(out)
}

/// What an entry carries, decoded.
#[derive(Debug, Clone, Serialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum EntryPayloadView {
    /// A new leader's empty entry.
    Noop,
    /// A membership change.
    Config {
        /// The change.
        change: MembershipChange,
    },
    /// A client opens a session (its id is this entry's index).
    Register,
    /// A session is kept alive.
    KeepAlive {
        /// The session.
        session: u64,
    },
    /// A client's operation.
    Request {
        /// The session.
        session: u64,
        /// The request's serial number in the session.
        serial: u64,
        /// The operation.
        op: Operation,
    },
    /// Bytes that are not a command.
    Bytes {
        /// How many.
        len: u64,
    },
}

/// An entry a message carries: index, term and payload (the page words it).
#[derive(Debug, Clone, Serialize)]
struct Carried {
    index: u64,
    term: u64,
    payload: EntryPayloadView,
}

fn carried(e: &Entry) -> Carried {
    Carried {
        index: e.index,
        term: e.term,
        payload: payload_view(e),
    }
}

fn payload_view(e: &Entry) -> EntryPayloadView {
    let bytes = match &e.payload {
        EntryPayload::Noop => return EntryPayloadView::Noop,
        EntryPayload::Config(c) => return EntryPayloadView::Config { change: c.change },
        EntryPayload::Command(bytes) => bytes,
    };
    match envelope::unwrap(bytes).map(|(_, b)| Command::decode(b)) {
        Some(Ok(Command::RegisterClient)) => EntryPayloadView::Register,
        Some(Ok(Command::KeepAlive { client_id, .. })) => {
            EntryPayloadView::KeepAlive { session: client_id }
        }
        Some(Ok(Command::Request {
            client_id,
            serial,
            op,
            ..
        })) => EntryPayloadView::Request {
            session: client_id,
            serial,
            op,
        },
        _ => EntryPayloadView::Bytes {
            len: bytes.len() as u64,
        },
    }
}

fn entry_kind(flags: u32) -> &'static str {
    use super::frame::cell;
    if flags & cell::NOOP != 0 {
        "noop"
    } else if flags & cell::CONFIG != 0 {
        "config"
    } else if flags & cell::COMMAND != 0 {
        "command"
    } else {
        "session"
    }
}

/// A message in flight, for the inspector.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageDetail<'a> {
    /// Id.
    pub id: u64,
    /// Kind name.
    pub kind: crate::raft::MessageKind,
    /// Sender.
    pub from: NodeId,
    /// Recipient.
    pub to: NodeId,
    /// Sender's term.
    pub term: u64,
    /// When sent.
    pub sent_ms: u64,
    /// When due (`None` while held).
    pub deliver_ms: Option<u64>,
    /// A duplicated copy.
    pub duplicate: bool,
    /// The RPC's fields, by name (entries summarised, snapshot data left out).
    pub fields: Fields<'a>,
}

/// Message details.
pub fn message(m: &InFlight) -> MessageDetail<'_> {
    MessageDetail {
        id: m.id,
        kind: m.kind,
        from: m.from,
        to: m.to,
        term: m.message.term,
        sent_ms: m.sent_ms,
        deliver_ms: m.deliver_ms,
        duplicate: m.duplicate,
        fields: Fields(&m.message.body),
    }
}

/// An RPC's fields, serialized as `[[name, value], …]` in the order Raft's papers list them.
/// Each value goes straight to the output (no intermediate JSON tree: that compiled a second
/// serializer for every field type into the wasm, issue 6).
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a>(pub &'a MessageBody);

/// Serializes `(name, value)` pairs as the elements of `seq`.
macro_rules! pairs {
    ($seq:ident; $($name:literal => $value:expr),* $(,)?) => {{
        $($seq.serialize_element(&($name, $value))?;)*
    }};
}

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use MessageBody as B;
        let mut seq = s.serialize_seq(None)?;
        match self.0 {
            B::RequestVote {
                pre_vote,
                leader_transfer,
                last_log_index,
                last_log_term,
            } => pairs!(seq; "preVote" => pre_vote, "leaderTransfer" => leader_transfer,
                "lastLogIndex" => last_log_index, "lastLogTerm" => last_log_term),
            B::RequestVoteResponse {
                pre_vote,
                granted,
                reject_reason,
            } => pairs!(seq; "preVote" => pre_vote, "granted" => granted,
                "rejectReason" => reject_reason),
            B::AppendEntries {
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
                read_seq,
            } => pairs!(seq; "prevLogIndex" => prev_log_index, "prevLogTerm" => prev_log_term,
                "entries" => Entries(entries), "leaderCommit" => leader_commit,
                "readSeq" => read_seq),
            B::AppendEntriesResponse {
                success,
                match_index,
                reject,
                read_seq,
            } => pairs!(seq; "success" => success, "matchIndex" => match_index,
                "reject" => reject, "readSeq" => read_seq),
            B::InstallSnapshot { snapshot } => pairs!(seq;
                "lastIncludedIndex" => snapshot.last_included_index,
                "lastIncludedTerm" => snapshot.last_included_term,
                "configuration" => &snapshot.configuration,
                "dataBytes" => snapshot.data.len()),
            B::InstallSnapshotResponse { match_index } => pairs!(seq; "matchIndex" => match_index),
            B::TimeoutNow => {}
            B::ReadIndex { ctx } => pairs!(seq; "ctx" => ctx),
            B::ReadIndexResponse { ctx, index } => pairs!(seq; "ctx" => ctx, "index" => index),
            B::TransferLeader { target } => pairs!(seq; "target" => target),
        }
        seq.end()
    }
}

/// Carried entries, each as [`Carried`].
struct Entries<'a>(&'a [Entry]);

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(carried))
    }
}

/// One client with its recent operations.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientDetail {
    /// The client.
    #[serde(flatten)]
    pub view: ClientView,
    /// Its most recent operations, newest last.
    pub recent: Vec<HistoryOp>,
}

/// Every client with its last `recent` operations.
pub fn clients(w: &World, recent: usize) -> Vec<ClientDetail> {
    let ids: Vec<u32> = w.clients().map(|c| c.id).collect();
    ids.into_iter()
        .filter_map(|id| {
            let view = w.client_view(id)?;
            let mut ops: Vec<HistoryOp> = w
                .history()
                .iter()
                .rev()
                .filter(|h| h.client == id)
                .take(recent)
                .cloned()
                .collect();
            ops.reverse();
            Some(ClientDetail { view, recent: ops })
        })
        .collect()
}

/// One server's key-value state, for the KV panel.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KvDetail {
    /// The server.
    pub server: NodeId,
    /// Running, paused or crashed.
    pub status: Status,
    /// Applied through.
    pub last_applied: u64,
    /// Contents, by key.
    pub kv: Vec<(String, String)>,
}

/// Every server's key-value state.
pub fn kv(w: &World) -> Vec<KvDetail> {
    w.servers()
        .map(|s| {
            let crashed = s.status() == Status::Crashed;
            KvDetail {
                server: s.id,
                status: s.status(),
                last_applied: if crashed { 0 } else { s.kv().last_applied() },
                kv: if crashed {
                    Vec::new()
                } else {
                    s.kv()
                        .entries()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect()
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{SimConfig, Simulation};

    #[test]
    fn entries_carry_their_decoded_payload_for_the_page() {
        let mut c = SimConfig::new(3, 5);
        c.workload.enabled = true;
        c.workload.clients = 1;
        let mut sim = Simulation::new(c).expect("valid");
        sim.advance(5_000).expect("in range");
        let w = sim.world();
        let leader = w
            .servers()
            .find(|s| s.node().is_some_and(|n| n.role() == Role::Leader))
            .expect("a leader after 5 s")
            .id;
        let log = log_window(w, leader, 1, 200).expect("known server");
        let json = serde_json::to_value(&log).expect("serializable");
        let types: Vec<&str> = json
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|e| e["payload"]["type"].as_str())
            .collect();
        assert_eq!(types.len(), log.len(), "every entry has a payload");
        assert!(types.contains(&"noop"), "{types:?}");
        assert!(types.contains(&"register"), "{types:?}");
        let request = json
            .as_array()
            .and_then(|l| l.iter().find(|e| e["payload"]["type"] == "request"))
            .expect("the workload's requests are in the log");
        assert!(request["payload"]["op"]["kind"].is_string(), "{request}");
        assert!(request["payload"]["serial"]
            .as_u64()
            .is_some_and(|s| s >= 1));
    }

    #[test]
    fn entries_in_flight_carry_their_payload_too() {
        let mut c = SimConfig::new(3, 5);
        c.workload.enabled = true;
        c.workload.clients = 1;
        let mut sim = Simulation::new(c).expect("valid");
        for _ in 0..2_000 {
            sim.advance(1).expect("in range");
            let carried: Vec<serde_json::Value> = sim
                .world()
                .in_flight()
                .filter_map(|m| serde_json::to_value(message(m).fields).ok())
                .filter_map(|fields| fields.as_array().cloned())
                .flatten()
                .filter(|pair| pair[0] == "entries")
                .filter_map(|pair| pair[1].as_array().cloned())
                .flatten()
                .collect();
            if let Some(e) = carried.first() {
                assert!(e["payload"]["type"].is_string(), "{e}");
                assert!(e["index"].as_u64().is_some_and(|i| i >= 1), "{e}");
                return;
            }
        }
        panic!("no AppendEntries carried an entry in 2 s");
    }
}
