//! The key-value state machine: applies committed commands in log order.

use crate::collections::VecMap;
use crate::debug_text::expect_ok;
use crate::json::json_struct;

use serde::Serialize;
use thiserror::Error;

use super::command::{ClientId, Command, Operation};
use super::response::{ApplyOutcome, OutcomeKind, Response, SessionError};
use super::session::{Lookup, SessionTable, SessionView};

/// Settings every replica of one cluster must share (they decide which sessions survive).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KvConfig {
    /// A session unused for longer than this (in log time, the leader timestamps carried by
    /// entries) is expired by the first later entry whose timestamp passes it (§6.3).
    /// `u64::MAX` disables expiry.
    pub session_timeout_ms: u64,
    /// The most sessions kept at once; registering one more evicts the least recently used.
    /// Must be at least 1.
    pub max_sessions: u32,
    /// DELIBERATE BUG, off by default: execute every command even if its serial was already
    /// applied, so a retried `append` appends twice. It exists to prove that the exactly-once
    /// checker catches the violation; never enable it otherwise.
    pub apply_without_dedup: bool,
}

impl Default for KvConfig {
    fn default() -> Self {
        Self {
            session_timeout_ms: 30_000,
            max_sessions: 64,
            apply_without_dedup: false,
        }
    }
}

/// A [`KvConfig`] the store cannot run with.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// `max_sessions` is zero, so no client could ever register.
    #[error("max_sessions must be at least 1")]
    NoSessionsAllowed,
}

impl KvConfig {
    /// Checks the settings.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.max_sessions == 0 {
            return Err(ConfigError::NoSessionsAllowed);
        }
        Ok(())
    }
}

/// Running totals for the UI.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KvCounters {
    /// Commands executed fresh (register, keep-alive and requests).
    pub commands_applied: u64,
    /// Retried requests answered from the session cache instead of being executed again.
    pub duplicates_suppressed: u64,
    /// Retried requests executed again because the `apply_without_dedup` bug is on.
    pub duplicates_reexecuted: u64,
    /// Commands refused by the session layer (unknown session, discarded response).
    pub rejected: u64,
    /// Entries whose bytes were not a command.
    pub undecodable: u64,
    /// Sessions opened.
    pub sessions_registered: u64,
    /// Sessions removed by the idle timeout.
    pub sessions_expired: u64,
    /// Sessions removed to respect `max_sessions`.
    pub sessions_evicted: u64,
}

/// The replicated key-value store with exactly-once client sessions (thesis §6.3).
///
/// Every method that changes it takes the log index and the leader timestamp of the entry
/// being applied, and its result depends only on the log, so replicas that apply the same
/// log are identical (`==`, and equal [`KvStore::snapshot`] bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KvStore {
    /// Shared cluster settings. Invariant: valid.
    pub(crate) config: KvConfig,
    /// The data, in key order.
    pub(crate) data: VecMap<String, String>,
    /// Live client sessions.
    pub(crate) sessions: SessionTable,
    /// The index of the last entry applied. Invariant: entries are applied exactly once, in
    /// index order with no gaps (§3.5: `last_applied` trails `commit_index`).
    pub(crate) last_applied: u64,
    /// Log time: the highest leader timestamp among applied entries. Invariant: never
    /// decreases, so a leader with a lagging clock cannot un-expire anything.
    pub(crate) clock_ms: u64,
    /// Totals for the UI.
    pub(crate) counters: KvCounters,
}

impl Default for KvStore {
    fn default() -> Self {
        expect_ok(
            Self::new(KvConfig::default()),
            "the default config is valid",
        )
    }
}

impl KvStore {
    /// An empty store with no sessions and nothing applied.
    pub fn new(config: KvConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Self {
            config,
            data: VecMap::new(),
            sessions: SessionTable::default(),
            last_applied: 0,
            clock_ms: 0,
            counters: KvCounters::default(),
        })
    }

    /// Applies the committed entry at `index` (which must be `last_applied + 1`) carrying
    /// `command` and the leader timestamp `timestamp_ms`.
    ///
    /// Panics if `index` is out of order: that is a bug in the caller, not an input error.
    pub fn apply(&mut self, index: u64, timestamp_ms: u64, command: &Command) -> ApplyOutcome {
        self.begin_entry(index, timestamp_ms);
        match command {
            Command::RegisterClient => self.apply_register(index),
            Command::Request {
                client_id,
                serial,
                lowest_unacked,
                op,
            } => self.apply_request(index, *client_id, *serial, *lowest_unacked, op),
            Command::KeepAlive {
                client_id,
                lowest_unacked,
            } => self.apply_keep_alive(index, *client_id, *lowest_unacked),
        }
    }

    /// Decodes and applies the entry at `index`. Bytes that are not a command produce an
    /// [`OutcomeKind::Undecodable`] outcome and change nothing but `last_applied` (the entry
    /// still occupies its index); this never panics on bad bytes.
    pub fn apply_entry_bytes(
        &mut self,
        index: u64,
        timestamp_ms: u64,
        bytes: &[u8],
    ) -> ApplyOutcome {
        match Command::decode(bytes) {
            Ok(command) => self.apply(index, timestamp_ms, &command),
            Err(error) => {
                self.assert_next_index(index);
                self.last_applied = index;
                self.counters.undecodable += 1;
                ApplyOutcome::undecodable(index, error)
            }
        }
    }

    /// Applies an entry that carries no command (a leader's no-op at the start of its term,
    /// §6.4, or a configuration change). It advances `last_applied` and log time, so it can
    /// expire idle sessions like any entry.
    pub fn apply_no_op(&mut self, index: u64, timestamp_ms: u64) -> ApplyOutcome {
        self.begin_entry(index, timestamp_ms);
        ApplyOutcome::no_op(index)
    }

    /// The current value of `key`, without going through the log. The caller provides
    /// linearizability (§6.4 ReadIndex: wait until `last_applied >= read_index`, then read).
    pub fn read(&self, key: &str) -> Option<&str> {
        self.data.get(key).map(String::as_str)
    }

    /// The index of the last applied entry (0 before any).
    pub fn last_applied(&self) -> u64 {
        self.last_applied
    }

    /// Log time: the highest leader timestamp applied so far.
    pub fn clock_ms(&self) -> u64 {
        self.clock_ms
    }

    /// The shared settings.
    pub fn config(&self) -> &KvConfig {
        &self.config
    }

    /// Every key and value, in key order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.data
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
    }

    /// How many keys the store holds.
    pub fn key_count(&self) -> u64 {
        self.data.len() as u64
    }

    /// Every live session, in id order.
    pub fn sessions(&self) -> impl Iterator<Item = SessionView> + '_ {
        self.sessions.iter().map(|(id, _)| self.session_view(id))
    }

    /// One live session, or `None` if unknown, expired or evicted.
    pub fn session(&self, client_id: ClientId) -> Option<SessionView> {
        self.sessions
            .get(client_id)
            .map(|_| self.session_view(client_id))
    }

    /// The responses a live session holds for retries, in serial order.
    pub fn saved_responses(
        &self,
        client_id: ClientId,
    ) -> Option<impl Iterator<Item = (u64, &Response)>> {
        let session = self.sessions.get(client_id)?;
        Some(
            session
                .responses
                .iter()
                .map(|(serial, response)| (*serial, response)),
        )
    }

    /// Running totals.
    pub fn counters(&self) -> KvCounters {
        self.counters
    }

    fn session_view(&self, client_id: ClientId) -> SessionView {
        let session = self
            .sessions
            .get(client_id)
            .expect("bug: view of a dead session");
        SessionView {
            client_id,
            last_serial: session.last_serial,
            lowest_unacked: session.lowest_unacked,
            saved_responses: session.responses.len() as u64,
            last_active_ms: session.last_active_ms,
            last_used_index: session.last_used_index,
        }
    }

    fn assert_next_index(&self, index: u64) {
        assert!(
            index == self.last_applied + 1,
            "bug: entries must be applied in log order (index {index}, last_applied = {})",
            self.last_applied
        );
    }

    /// Common start of every entry: check order, advance log time, expire idle sessions.
    fn begin_entry(&mut self, index: u64, timestamp_ms: u64) {
        self.assert_next_index(index);
        self.last_applied = index;
        self.clock_ms = self.clock_ms.max(timestamp_ms);
        // §6.3: expiry is decided by log time alone, so every replica expires the same sessions
        // at the same entry.
        let expired = self
            .sessions
            .expire(self.clock_ms, self.config.session_timeout_ms);
        self.counters.sessions_expired += expired;
    }

    fn apply_register(&mut self, index: u64) -> ApplyOutcome {
        // §6.3: the session id is the register entry's index, the same on every replica.
        let evicted = self
            .sessions
            .register(index, self.clock_ms, self.config.max_sessions);
        self.counters.sessions_evicted += evicted;
        self.counters.sessions_registered += 1;
        self.counters.commands_applied += 1;
        let response = Response::Registered { client_id: index };
        ApplyOutcome::answered(index, index, None, OutcomeKind::Applied, response)
    }

    fn apply_keep_alive(
        &mut self,
        index: u64,
        client_id: ClientId,
        lowest_unacked: u64,
    ) -> ApplyOutcome {
        let Some(session) = self.sessions.get_mut(client_id) else {
            return self.reject(
                index,
                client_id,
                None,
                SessionError::UnknownSession { client_id },
            );
        };
        session.acknowledge(lowest_unacked);
        self.sessions.touch(client_id, index, self.clock_ms);
        self.counters.commands_applied += 1;
        ApplyOutcome::answered(index, client_id, None, OutcomeKind::Applied, Response::Ok)
    }

    fn apply_request(
        &mut self,
        index: u64,
        client_id: ClientId,
        serial: u64,
        lowest_unacked: u64,
        op: &Operation,
    ) -> ApplyOutcome {
        let Some(session) = self.sessions.get_mut(client_id) else {
            // The store is untouched: the command may or may not have run before the session
            // vanished, so running it now could run it twice (§6.3).
            return self.reject(
                index,
                client_id,
                Some(serial),
                SessionError::UnknownSession { client_id },
            );
        };
        session.acknowledge(lowest_unacked);
        let lookup = session.lookup(serial);
        if self.config.apply_without_dedup {
            if lookup != Lookup::Fresh {
                self.counters.duplicates_reexecuted += 1;
            }
        } else {
            match lookup {
                Lookup::Fresh => {}
                Lookup::Duplicate(response) => {
                    // §6.3: answer a retry from the session without executing it again.
                    self.sessions.touch(client_id, index, self.clock_ms);
                    self.counters.duplicates_suppressed += 1;
                    return ApplyOutcome::answered(
                        index,
                        client_id,
                        Some(serial),
                        OutcomeKind::Duplicate,
                        response,
                    );
                }
                Lookup::Stale { lowest_unacked } => {
                    let error = SessionError::ResponseDiscarded {
                        client_id,
                        serial,
                        lowest_unacked,
                    };
                    return self.reject(index, client_id, Some(serial), error);
                }
            }
        }
        let response = execute(&mut self.data, op);
        session.record(serial, response.clone());
        self.sessions.touch(client_id, index, self.clock_ms);
        self.counters.commands_applied += 1;
        ApplyOutcome::answered(
            index,
            client_id,
            Some(serial),
            OutcomeKind::Applied,
            response,
        )
    }

    fn reject(
        &mut self,
        index: u64,
        client_id: ClientId,
        serial: Option<u64>,
        error: SessionError,
    ) -> ApplyOutcome {
        self.counters.rejected += 1;
        let response = Response::SessionError { error };
        ApplyOutcome::answered(index, client_id, serial, OutcomeKind::Rejected, response)
    }
}

/// Runs one operation against the data.
fn execute(data: &mut VecMap<String, String>, op: &Operation) -> Response {
    match op {
        Operation::Get { key } => match data.get(key) {
            Some(value) => Response::Value {
                value: value.clone(),
            },
            None => Response::NotFound,
        },
        Operation::Put { key, value } => {
            data.insert(key.clone(), value.clone());
            Response::Ok
        }
        Operation::Cas { key, expected, new } => {
            let current = data.get(key);
            if current == expected.as_ref() {
                data.insert(key.clone(), new.clone());
                Response::CasOk
            } else {
                Response::CasFailed {
                    current: current.cloned(),
                }
            }
        }
        Operation::Append { key, value } => {
            data.entry(key.clone()).or_default().push_str(value);
            Response::Ok
        }
    }
}

json_struct! {
    KvConfig from KvConfig::default(), ignoring unknown;
    required session_timeout_ms, max_sessions, apply_without_dedup;
    { session_timeout_ms, max_sessions, apply_without_dedup }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(pairs: &[(&str, &str)]) -> VecMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn zero_max_sessions_is_a_config_error() {
        // No client could ever register, so the store refuses the config.
        let config = KvConfig {
            max_sessions: 0,
            ..KvConfig::default()
        };
        assert_eq!(KvStore::new(config), Err(ConfigError::NoSessionsAllowed));
    }

    #[test]
    fn append_creates_a_missing_key() {
        // Appending to an absent key behaves as appending to "".
        let mut map = data(&[]);
        let op = Operation::Append {
            key: "k".into(),
            value: "x".into(),
        };
        assert_eq!(execute(&mut map, &op), Response::Ok);
        assert_eq!(map, data(&[("k", "x")]));
    }

    #[test]
    fn cas_compares_against_absent_and_present_values() {
        // Expecting absent succeeds only on a missing key; expecting a value only on a match.
        let mut map = data(&[]);
        let cas = |expected: Option<&str>, new: &str| Operation::Cas {
            key: "k".into(),
            expected: expected.map(str::to_owned),
            new: new.into(),
        };
        assert_eq!(execute(&mut map, &cas(None, "1")), Response::CasOk);
        assert_eq!(
            execute(&mut map, &cas(None, "2")),
            Response::CasFailed {
                current: Some("1".into())
            }
        );
        assert_eq!(execute(&mut map, &cas(Some("1"), "3")), Response::CasOk);
        assert_eq!(map, data(&[("k", "3")]));
    }

    #[test]
    fn no_op_entries_advance_last_applied_and_log_time() {
        // A no-op at index 1, t=50 moves both and answers no client.
        let mut store = KvStore::default();
        let outcome = store.apply_no_op(1, 50);
        assert_eq!(
            (outcome.response, store.last_applied(), store.clock_ms()),
            (None, 1, 50)
        );
    }

    #[test]
    fn counters_count_each_kind_of_outcome() {
        // One register, one fresh put, one duplicate, one unknown-session rejection.
        let mut store = KvStore::default();
        store.apply(1, 0, &Command::RegisterClient);
        let put = Command::Request {
            client_id: 1,
            serial: 1,
            lowest_unacked: 1,
            op: Operation::Put {
                key: "k".into(),
                value: "v".into(),
            },
        };
        store.apply(2, 0, &put);
        store.apply(3, 0, &put);
        store.apply(
            4,
            0,
            &Command::KeepAlive {
                client_id: 42,
                lowest_unacked: 0,
            },
        );
        let counters = store.counters();
        assert_eq!(
            (
                counters.commands_applied,
                counters.duplicates_suppressed,
                counters.rejected
            ),
            (2, 1, 1)
        );
        assert_eq!(counters.sessions_registered, 1);
    }
}
