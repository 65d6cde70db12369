//! What a running scenario remembers besides the world: its seeded generator, the servers it
//! disconnected, saved names, marks, and the client operations it named (followed into the
//! history and the logs so that expectations can count where they were applied).

use crate::collections::{VecMap, VecSet};

use crate::kv::{Command, Operation};
use crate::raft::{EntryPayload, MessageKind, NodeId, Role};
use crate::sim::rng::{SimRng, Stream};
use crate::sim::{envelope, Status, World};

use super::refs::{Base, NodeRef, NodeSet, NumRef, Pool};

/// The index of the scenario's own random stream (within the fault stream family, far from
/// the world's own index 0).
const SCENARIO_STREAM_INDEX: u64 = 0x5CE7_A810;

/// A named point in the run: when, and how many messages of each kind had been delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// Virtual time.
    pub time_ms: u64,
    /// Delivered messages by kind so far.
    pub delivered: VecMap<MessageKind, u64>,
}

/// A client operation the scenario named with `as`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpTrack {
    /// The client.
    pub client: u32,
    /// The operation.
    pub op: Operation,
    /// The history id once the client started it.
    pub history_id: Option<u64>,
    /// The client's session when it started.
    pub session: Option<u64>,
    /// Its serial, once seen outstanding.
    pub serial: Option<u64>,
    /// History entries before this one cannot be it.
    scan_from: usize,
    /// `(index, term)` of log entries carrying the command.
    candidates: Vec<(u64, u64)>,
    /// Per server: the last `(index, term)` scanned.
    cursors: VecMap<NodeId, (u64, u64)>,
}

/// The scenario's state next to the world.
#[derive(Debug, Clone)]
pub struct Context {
    pub(crate) rng: SimRng,
    pub(crate) disconnected: VecSet<NodeId>,
    pub(crate) nodes: VecMap<String, NodeId>,
    pub(crate) numbers: VecMap<String, u64>,
    pub(crate) marks: VecMap<String, Mark>,
    pub(crate) ops: VecMap<String, OpTrack>,
    pub(crate) violations_expected: bool,
    claimed: VecSet<u64>,
}

impl Context {
    /// A fresh context for a world seeded by `seed`.
    pub fn new(seed: u64) -> Self {
        Context {
            rng: SimRng::new(seed, Stream::Faults, SCENARIO_STREAM_INDEX),
            disconnected: VecSet::new(),
            nodes: VecMap::new(),
            numbers: VecMap::new(),
            marks: VecMap::new(),
            ops: VecMap::new(),
            violations_expected: false,
            claimed: VecSet::new(),
        }
    }

    /// Records a mark now.
    pub fn mark(&mut self, name: &str, w: &World) {
        let mark = Mark {
            time_ms: w.now_ms(),
            delivered: w.counters().delivered.clone(),
        };
        self.marks.insert(name.to_string(), mark);
    }

    /// Starts following a named operation just queued on `client`.
    pub fn track(&mut self, name: &str, client: u32, op: Operation, w: &World) {
        let t = OpTrack {
            client,
            op,
            history_id: None,
            session: None,
            serial: None,
            scan_from: w.history().len(),
            candidates: Vec::new(),
            cursors: VecMap::new(),
        };
        self.ops.insert(name.to_string(), t);
    }

    /// Called after every event: follows named operations into the history and the client.
    pub fn observe(&mut self, w: &World) {
        let history = w.history();
        for t in self.ops.values_mut() {
            if t.history_id.is_none() {
                let found = history.since(t.scan_from as u64).find(|h| {
                    h.client == t.client && h.op == t.op && !self.claimed.contains(&h.id)
                });
                t.scan_from = history.len();
                if let Some(h) = found {
                    t.history_id = Some(h.id);
                    self.claimed.insert(h.id);
                    t.session = w.client_view(t.client).and_then(|c| c.session);
                }
            }
            if let (Some(hid), None) = (t.history_id, t.serial) {
                let pending = w.client_view(t.client).and_then(|c| c.pending);
                if let Some(p) = pending.filter(|p| p.history_id == Some(hid)) {
                    if let crate::sim::client::PendingKind::Log { serial } = p.kind {
                        t.serial = Some(serial);
                    }
                }
            }
        }
    }

    /// The log index at which a named operation's command is committed, if it is yet.
    pub fn committed_index(&mut self, name: &str, w: &World) -> Option<u64> {
        let t = self.ops.get_mut(name)?;
        t.scan_logs(w);
        let mut cands = t.candidates.clone();
        crate::collections::sort::sort_unstable(&mut cands);
        cands
            .into_iter()
            .find(|&(i, term)| committed_at(w, i, term))
            .map(|(i, _)| i)
    }

    // ----- resolving references -----

    /// Resolves one server reference now.
    pub fn resolve(&mut self, r: &NodeRef, w: &World) -> Result<NodeId, String> {
        let base = match &r.base {
            Base::Id(id) if w.server(*id).is_some() => *id,
            Base::Id(id) => return Err(format!("there is no server S{id} (yet)")),
            Base::Leader => w.current_leader().ok_or("there is no leader")?,
            Base::Follower => self
                .first_with_role(w, &[Role::Follower])
                .ok_or("there is no running, connected follower")?,
            Base::Candidate => self
                .first_with_role(w, &[Role::Candidate, Role::PreCandidate])
                .ok_or("there is no candidate")?,
            Base::Saved(n) => *self
                .nodes
                .get(n)
                .ok_or_else(|| format!("${n} has not been saved yet"))?,
            Base::Random(pool) => {
                let ids = self.pool(*pool, w);
                if ids.is_empty() {
                    return Err(format!("no server is {}", pool.word()));
                }
                ids[self.rng.below(ids.len() as u64) as usize]
            }
        };
        Ok(rotate(w, base, r.offset))
    }

    fn first_with_role(&self, w: &World, roles: &[Role]) -> Option<NodeId> {
        let running = w
            .servers()
            .filter(|s| s.is_running() && !self.disconnected.contains(&s.id));
        running
            .filter(|s| s.node().is_some_and(|n| roles.contains(&n.role())))
            .map(|s| s.id)
            .next()
    }

    /// The servers of a pool, in id order.
    pub fn pool(&self, pool: Pool, w: &World) -> Vec<NodeId> {
        let keep = |id: NodeId, status: Status| match pool {
            Pool::All => true,
            Pool::Running => status == Status::Running,
            Pool::Crashed => status == Status::Crashed,
            Pool::Paused => status == Status::Paused,
            Pool::Connected => !self.disconnected.contains(&id),
            Pool::Disconnected => self.disconnected.contains(&id),
        };
        w.servers()
            .filter(|s| keep(s.id, s.status()))
            .map(|s| s.id)
            .collect()
    }

    /// Resolves a set now (in the order written, duplicates removed).
    pub fn resolve_set(&mut self, set: &NodeSet, w: &World) -> Result<Vec<NodeId>, String> {
        match set {
            NodeSet::Pool(p) => Ok(self.pool(*p, w)),
            NodeSet::List(refs) => {
                let mut out = Vec::new();
                for r in refs {
                    let id = self.resolve(r, w)?;
                    if !out.contains(&id) {
                        out.push(id);
                    }
                }
                Ok(out)
            }
        }
    }

    /// A number or a saved number.
    pub fn number(&self, n: &NumRef) -> Result<u64, String> {
        match n {
            NumRef::Value(v) => Ok(*v),
            NumRef::Saved(name) => self
                .numbers
                .get(name)
                .copied()
                .ok_or_else(|| format!("${name} has not been saved yet")),
        }
    }
}

/// The server `offset` places after `base` in id order, wrapping around.
fn rotate(w: &World, base: NodeId, offset: i32) -> NodeId {
    if offset == 0 {
        return base;
    }
    let ids: Vec<NodeId> = w.servers().map(|s| s.id).collect();
    let n = ids.len() as i64;
    let at = ids.iter().position(|&id| id == base).unwrap_or(0) as i64;
    ids[(at + i64::from(offset)).rem_euclid(n) as usize]
}

/// Whether some live server has committed `(index, term)`.
fn committed_at(w: &World, index: u64, term: u64) -> bool {
    w.servers().filter_map(|s| s.node()).any(|n| {
        n.commit_index() >= index
            && (n.term_at(index) == Some(term) || n.snapshot().last_included_index >= index)
    })
}

impl OpTrack {
    /// Scans the part of every live server's log not yet scanned for this command.
    fn scan_logs(&mut self, w: &World) {
        let Some(session) = self.session else { return };
        for srv in w.servers() {
            let Some(node) = srv.node() else { continue };
            let snap = node.snapshot().last_included_index;
            let start = match self.cursors.get(&srv.id) {
                Some(&(i, t)) if node.term_at(i) == Some(t) => i,
                Some(&(i, _)) if i <= snap => snap,
                Some(&(i, _)) => i.min(node.commit_index()).max(snap),
                None => snap,
            };
            let first = node.first_index();
            let skip = (start + 1).saturating_sub(first) as usize;
            for e in node.log_entries().iter().skip(skip) {
                if self.matches(session, &e.payload)
                    && !self.candidates.contains(&(e.index, e.term))
                {
                    self.candidates.push((e.index, e.term));
                }
            }
            let last = (node.last_index(), node.last_term());
            self.cursors.insert(srv.id, last);
        }
    }

    fn matches(&self, session: u64, payload: &EntryPayload) -> bool {
        let EntryPayload::Command(bytes) = payload else {
            return false;
        };
        let Some((_, cmd)) = envelope::unwrap(bytes.as_slice()) else {
            return false;
        };
        match Command::decode(cmd) {
            Ok(Command::Request {
                client_id,
                serial,
                op,
                ..
            }) => client_id == session && self.serial.map_or(op == self.op, |s| s == serial),
            _ => false,
        }
    }
}
