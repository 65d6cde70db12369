//! Server-side client sessions for exactly-once semantics (thesis §6.3).
//!
//! Each session keeps the responses to every serial the client has not yet acknowledged, so a
//! retried command is answered from the cache instead of being executed twice. Sessions are
//! removed only by decisions that depend on log contents alone — a timeout measured in the
//! leader timestamps carried by log entries, and a cap on the number of sessions that evicts
//! the least recently used — so every replica keeps exactly the same sessions.

use crate::collections::VecMap;

use serde::Serialize;

use super::command::ClientId;
use super::response::Response;

/// What a session knows about one serial.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// Never applied: execute it.
    Fresh,
    /// Already applied; this is the saved response.
    Duplicate(Response),
    /// Below the acknowledgement floor: applied long ago and its response discarded.
    Stale {
        /// The session's lowest unacknowledged serial.
        lowest_unacked: u64,
    },
}

/// One client's session on the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Session {
    /// Responses to applied serials the client has not acknowledged (§6.3's set of
    /// (serial, response)). Invariant: every key is `>= lowest_unacked`; a serial
    /// `>= lowest_unacked` has been applied iff it is a key here.
    pub(crate) responses: VecMap<u64, Response>,
    /// The highest "lowest unacknowledged serial" any command of this session has carried.
    /// Invariant: never decreases.
    pub(crate) lowest_unacked: u64,
    /// The highest serial applied in this session, if any.
    pub(crate) last_serial: Option<u64>,
    /// The log timestamp of the last entry that used this session.
    /// Invariant: `<=` the store's clock.
    pub(crate) last_active_ms: u64,
    /// The log index of the last entry that used this session (its LRU key).
    /// Invariant: `>=` the session's client id; unique among sessions.
    pub(crate) last_used_index: u64,
}

impl Session {
    /// A session created by the register entry at `index`, at log time `now_ms`.
    pub(crate) fn new(index: u64, now_ms: u64) -> Self {
        Self {
            responses: VecMap::new(),
            lowest_unacked: 0,
            last_serial: None,
            last_active_ms: now_ms,
            last_used_index: index,
        }
    }

    /// §6.3: the client has received every response below `lowest_unacked`, so those
    /// responses are discarded. A lower value than already seen (a reordered retry) is ignored.
    pub(crate) fn acknowledge(&mut self, lowest_unacked: u64) {
        if lowest_unacked <= self.lowest_unacked {
            return;
        }
        self.lowest_unacked = lowest_unacked;
        self.responses = self.responses.split_off(&lowest_unacked);
    }

    /// Whether `serial` is new, already applied, or too old to answer.
    pub(crate) fn lookup(&self, serial: u64) -> Lookup {
        if serial < self.lowest_unacked {
            return Lookup::Stale {
                lowest_unacked: self.lowest_unacked,
            };
        }
        match self.responses.get(&serial) {
            Some(response) => Lookup::Duplicate(response.clone()),
            None => Lookup::Fresh,
        }
    }

    /// Saves the response of a freshly applied serial. Serials below the floor are not saved
    /// (that only happens with the deliberate `apply_without_dedup` bug).
    pub(crate) fn record(&mut self, serial: u64, response: Response) {
        self.last_serial = Some(self.last_serial.map_or(serial, |last| last.max(serial)));
        if serial >= self.lowest_unacked {
            self.responses.insert(serial, response);
        }
    }
}

/// A read-only view of one session, for the UI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SessionView {
    /// The session id (the log index of its register entry).
    pub client_id: ClientId,
    /// The highest serial applied in this session, if any.
    pub last_serial: Option<u64>,
    /// The lowest serial the client has not acknowledged; responses below it are discarded.
    pub lowest_unacked: u64,
    /// How many responses the session is holding for retries.
    pub saved_responses: u64,
    /// The log timestamp of the session's last use.
    pub last_active_ms: u64,
    /// The log index of the session's last use (smaller is evicted first).
    pub last_used_index: u64,
}

/// All live sessions, with their least-recently-used order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SessionTable {
    /// Live sessions by id.
    sessions: VecMap<ClientId, Session>,
    /// LRU order: `last_used_index -> client id`, oldest first. Invariant: exactly one entry
    /// per session, `lru[s.last_used_index] == id`; because the log clock never goes back,
    /// `last_active_ms` is non-decreasing along this order too.
    lru: VecMap<u64, ClientId>,
}

impl SessionTable {
    /// Rebuilds a table from sessions (snapshot restore). The caller has checked that
    /// `last_used_index` values are unique.
    pub(crate) fn from_sessions(sessions: VecMap<ClientId, Session>) -> Self {
        let lru = sessions
            .iter()
            .map(|(id, session)| (session.last_used_index, *id))
            .collect();
        Self { sessions, lru }
    }

    /// How many sessions are live.
    pub(crate) fn len(&self) -> u64 {
        self.sessions.len() as u64
    }

    /// The session with this id, if live.
    pub(crate) fn get(&self, id: ClientId) -> Option<&Session> {
        self.sessions.get(&id)
    }

    /// The session with this id, if live, for updating.
    pub(crate) fn get_mut(&mut self, id: ClientId) -> Option<&mut Session> {
        self.sessions.get_mut(&id)
    }

    /// All live sessions in id order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (ClientId, &Session)> {
        self.sessions.iter().map(|(id, session)| (*id, session))
    }

    /// Opens session `index` (the register entry's index, §6.3), first evicting the least
    /// recently used sessions while the table is full. Returns how many were evicted.
    pub(crate) fn register(&mut self, index: u64, now_ms: u64, max_sessions: u32) -> u64 {
        assert!(
            !self.sessions.contains_key(&index) && !self.lru.contains_key(&index),
            "bug: session id {index} reused; log indices must be applied once, in order"
        );
        let mut evicted = 0;
        while self.len() >= u64::from(max_sessions) {
            let (_, oldest) = self
                .lru
                .pop_first()
                .expect("bug: a full session table has an LRU entry");
            self.sessions.remove(&oldest);
            evicted += 1;
        }
        self.sessions.insert(index, Session::new(index, now_ms));
        self.lru.insert(index, index);
        evicted
    }

    /// Removes every session unused for longer than `timeout_ms` at log time `now_ms`.
    /// Returns how many expired. Only the LRU front needs checking: activity times are
    /// non-decreasing along the LRU order.
    pub(crate) fn expire(&mut self, now_ms: u64, timeout_ms: u64) -> u64 {
        let mut expired = 0;
        while let Some((_, &oldest)) = self.lru.first_key_value() {
            let last_active_ms = self.sessions[&oldest].last_active_ms;
            if last_active_ms.saturating_add(timeout_ms) >= now_ms {
                break;
            }
            self.lru.pop_first();
            self.sessions.remove(&oldest);
            expired += 1;
        }
        expired
    }

    /// Marks session `id` as used by the entry at `index`, at log time `now_ms`.
    pub(crate) fn touch(&mut self, id: ClientId, index: u64, now_ms: u64) {
        let session = self
            .sessions
            .get_mut(&id)
            .expect("bug: touching a session that is not live");
        assert!(
            index > session.last_used_index,
            "bug: session used out of log order"
        );
        self.lru.remove(&session.last_used_index);
        session.last_used_index = index;
        session.last_active_ms = now_ms;
        self.lru.insert(index, id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acknowledge_discards_responses_below_the_floor() {
        // Serials 1..=4 saved; acknowledging up to 3 keeps only 3 and 4.
        let mut session = Session::new(1, 0);
        for serial in 1..=4 {
            session.record(serial, Response::Ok);
        }
        session.acknowledge(3);
        assert_eq!(
            session.responses.keys().copied().collect::<Vec<_>>(),
            vec![3, 4]
        );
        assert_eq!(session.lookup(2), Lookup::Stale { lowest_unacked: 3 });
        assert_eq!(session.lookup(3), Lookup::Duplicate(Response::Ok));
        assert_eq!(session.lookup(5), Lookup::Fresh);
    }

    #[test]
    fn acknowledge_never_lowers_the_floor() {
        // A reordered retry carrying an older floor does not resurrect anything.
        let mut session = Session::new(1, 0);
        session.acknowledge(5);
        session.acknowledge(2);
        assert_eq!(session.lowest_unacked, 5);
    }

    #[test]
    fn register_evicts_least_recently_used_when_full() {
        // Cap 2: sessions 1 and 2, touch 1, register 3 → 2 (least recently used) is evicted.
        let mut table = SessionTable::default();
        assert_eq!(table.register(1, 0, 2), 0);
        assert_eq!(table.register(2, 0, 2), 0);
        table.touch(1, 3, 0);
        assert_eq!(table.register(4, 0, 2), 1);
        assert!(table.get(1).is_some() && table.get(2).is_none() && table.get(4).is_some());
    }

    #[test]
    fn expire_removes_only_sessions_idle_longer_than_the_timeout() {
        // Timeout 100: idle exactly 100 ms survives, idle 101 ms expires.
        let mut table = SessionTable::default();
        table.register(1, 0, 10);
        table.register(2, 1, 10);
        assert_eq!(table.expire(100, 100), 0);
        assert_eq!(table.expire(101, 100), 1);
        assert!(table.get(1).is_none() && table.get(2).is_some());
    }
}
