//! Snapshots of the whole state machine (thesis §5.1: the state machine's state, including
//! the client sessions of §6.3, must be in the snapshot, or a restored replica would forget
//! which commands it already applied and apply retries twice).
//!
//! Format version [`SNAPSHOT_FORMAT_VERSION`], with the `codec` primitives:
//!
//! ```text
//! snapshot := "RLKV" version:u8 config last_applied clock_ms counters data sessions
//! config   := session_timeout_ms max_sessions apply_without_dedup:flag
//! counters := the eight KvCounters fields, in declaration order
//! data     := count (key value)*                       keys strictly increasing
//! sessions := count session*                           client ids strictly increasing
//! session  := client_id last_used_index last_active_ms lowest_unacked
//!             last_serial:(0 | 1 varint) count (serial response)*
//! ```
//!
//! The encoding is deterministic (maps are written in key order), so two replicas in the same
//! state produce identical bytes. Restore checks every invariant the store relies on and
//! reports a broken one as [`DecodeError::Inconsistent`].

use crate::collections::{VecMap, VecSet};

use super::codec::{DecodeError, Reader, Writer};
use super::command::ClientId;
use super::response::Response;
use super::session::{Session, SessionTable};
use super::store::{KvConfig, KvCounters, KvStore};

/// The magic bytes that start every snapshot.
const MAGIC: &[u8; 4] = b"RLKV";

/// The version byte after the magic.
pub const SNAPSHOT_FORMAT_VERSION: u8 = 1;

fn inconsistent(reason: &'static str) -> DecodeError {
    DecodeError::Inconsistent { reason }
}

impl KvStore {
    /// Encodes the whole state machine — data, sessions with their saved responses,
    /// `last_applied`, log time, counters and config — deterministically.
    pub fn snapshot(&self) -> Vec<u8> {
        let mut writer = Writer::new();
        writer.raw(MAGIC);
        writer.byte(SNAPSHOT_FORMAT_VERSION);
        writer.varint(self.config.session_timeout_ms);
        writer.varint(u64::from(self.config.max_sessions));
        writer.flag(self.config.apply_without_dedup);
        writer.varint(self.last_applied);
        writer.varint(self.clock_ms);
        for value in counter_values(&self.counters) {
            writer.varint(value);
        }
        writer.varint(self.data.len() as u64);
        for (key, value) in &self.data {
            writer.string(key);
            writer.string(value);
        }
        writer.varint(self.sessions.len());
        for (client_id, session) in self.sessions.iter() {
            encode_session(&mut writer, client_id, session);
        }
        writer.finish()
    }

    /// Rebuilds a store from [`KvStore::snapshot`] bytes. Applying the entries after
    /// `last_applied` to it gives exactly the state of a replica that never snapshotted.
    pub fn restore(bytes: &[u8]) -> Result<KvStore, DecodeError> {
        let mut reader = Reader::new(bytes);
        if reader.take(MAGIC.len() as u64, "snapshot magic")? != MAGIC {
            return Err(DecodeError::BadMagic);
        }
        let found = reader.byte("snapshot version")?;
        if found != SNAPSHOT_FORMAT_VERSION {
            return Err(DecodeError::UnsupportedVersion {
                what: "snapshot",
                found,
                supported: SNAPSHOT_FORMAT_VERSION,
            });
        }
        let config = decode_config(&mut reader)?;
        let last_applied = reader.varint("last applied")?;
        let clock_ms = reader.varint("clock")?;
        let counters = decode_counters(&mut reader)?;
        let data = decode_data(&mut reader)?;
        let sessions = decode_sessions(&mut reader)?;
        reader.finish()?;
        check_sessions(&sessions, &config, last_applied, clock_ms)?;
        Ok(KvStore {
            config,
            data,
            sessions: SessionTable::from_sessions(sessions),
            last_applied,
            clock_ms,
            counters,
        })
    }
}

fn counter_values(counters: &KvCounters) -> [u64; 8] {
    [
        counters.commands_applied,
        counters.duplicates_suppressed,
        counters.duplicates_reexecuted,
        counters.rejected,
        counters.undecodable,
        counters.sessions_registered,
        counters.sessions_expired,
        counters.sessions_evicted,
    ]
}

fn encode_session(writer: &mut Writer, client_id: ClientId, session: &Session) {
    writer.varint(client_id);
    writer.varint(session.last_used_index);
    writer.varint(session.last_active_ms);
    writer.varint(session.lowest_unacked);
    writer.flag(session.last_serial.is_some());
    if let Some(serial) = session.last_serial {
        writer.varint(serial);
    }
    writer.varint(session.responses.len() as u64);
    for (serial, response) in &session.responses {
        writer.varint(*serial);
        response.encode_into(writer);
    }
}

fn decode_config(reader: &mut Reader<'_>) -> Result<KvConfig, DecodeError> {
    let session_timeout_ms = reader.varint("session timeout")?;
    let max_sessions = reader.varint("max sessions")?;
    let max_sessions =
        u32::try_from(max_sessions).map_err(|_| inconsistent("max_sessions exceeds u32"))?;
    let config = KvConfig {
        session_timeout_ms,
        max_sessions,
        apply_without_dedup: reader.flag("apply_without_dedup")?,
    };
    config
        .validate()
        .map_err(|_| inconsistent("invalid config"))?;
    Ok(config)
}

fn decode_counters(reader: &mut Reader<'_>) -> Result<KvCounters, DecodeError> {
    Ok(KvCounters {
        commands_applied: reader.varint("counter")?,
        duplicates_suppressed: reader.varint("counter")?,
        duplicates_reexecuted: reader.varint("counter")?,
        rejected: reader.varint("counter")?,
        undecodable: reader.varint("counter")?,
        sessions_registered: reader.varint("counter")?,
        sessions_expired: reader.varint("counter")?,
        sessions_evicted: reader.varint("counter")?,
    })
}

fn decode_data(reader: &mut Reader<'_>) -> Result<VecMap<String, String>, DecodeError> {
    // Each pair takes at least two length bytes.
    let count = reader.count("key count", 2)?;
    let mut data = VecMap::new();
    for _ in 0..count {
        let key = reader.string("key")?;
        let value = reader.string("value")?;
        if data.last_key_value().is_some_and(|(last, _)| *last >= key) {
            return Err(inconsistent("keys are not strictly increasing"));
        }
        data.insert(key, value);
    }
    Ok(data)
}

fn decode_sessions(reader: &mut Reader<'_>) -> Result<VecMap<ClientId, Session>, DecodeError> {
    // Each session takes at least six bytes (four varints, a flag, a count).
    let count = reader.count("session count", 6)?;
    let mut sessions = VecMap::new();
    for _ in 0..count {
        let client_id = reader.varint("client id")?;
        if sessions
            .last_key_value()
            .is_some_and(|(last, _)| *last >= client_id)
        {
            return Err(inconsistent("session ids are not strictly increasing"));
        }
        let session = decode_session(reader)?;
        sessions.insert(client_id, session);
    }
    Ok(sessions)
}

fn decode_session(reader: &mut Reader<'_>) -> Result<Session, DecodeError> {
    let last_used_index = reader.varint("last used index")?;
    let last_active_ms = reader.varint("last active time")?;
    let lowest_unacked = reader.varint("lowest unacknowledged serial")?;
    let last_serial = match reader.flag("last serial present")? {
        true => Some(reader.varint("last serial")?),
        false => None,
    };
    // Each saved response takes at least a serial byte and a tag byte.
    let count = reader.count("saved response count", 2)?;
    let mut responses = VecMap::new();
    for _ in 0..count {
        let serial = reader.varint("saved serial")?;
        if responses
            .last_key_value()
            .is_some_and(|(last, _)| *last >= serial)
        {
            return Err(inconsistent("saved serials are not strictly increasing"));
        }
        responses.insert(serial, Response::decode_from(reader)?);
    }
    Ok(Session {
        responses,
        lowest_unacked,
        last_serial,
        last_active_ms,
        last_used_index,
    })
}

/// Checks the session invariants the store relies on (see the field docs of `Session` and
/// `SessionTable`).
fn check_sessions(
    sessions: &VecMap<ClientId, Session>,
    config: &KvConfig,
    last_applied: u64,
    clock_ms: u64,
) -> Result<(), DecodeError> {
    if sessions.len() as u64 > u64::from(config.max_sessions) {
        return Err(inconsistent("more sessions than max_sessions"));
    }
    let mut used = VecSet::new();
    for (client_id, session) in sessions {
        check_session(*client_id, session, last_applied, clock_ms)?;
        if !used.insert(session.last_used_index) {
            return Err(inconsistent("two sessions share a last used index"));
        }
    }
    // Log time never goes back, so activity times follow the LRU (last used index) order.
    let mut by_use: Vec<(u64, u64)> = sessions
        .values()
        .map(|s| (s.last_used_index, s.last_active_ms))
        .collect();
    crate::collections::sort::sort_unstable(&mut by_use);
    if by_use.windows(2).any(|pair| pair[0].1 > pair[1].1) {
        return Err(inconsistent(
            "activity times are not ordered like last used indices",
        ));
    }
    Ok(())
}

fn check_session(
    client_id: ClientId,
    session: &Session,
    last_applied: u64,
    clock_ms: u64,
) -> Result<(), DecodeError> {
    if client_id == 0
        || client_id > session.last_used_index
        || session.last_used_index > last_applied
    {
        return Err(inconsistent("session indices out of range"));
    }
    if session.last_active_ms > clock_ms {
        return Err(inconsistent("session active after the log clock"));
    }
    if session
        .responses
        .keys()
        .next()
        .is_some_and(|first| *first < session.lowest_unacked)
    {
        return Err(inconsistent(
            "saved response below the acknowledgement floor",
        ));
    }
    let highest_saved = session.responses.keys().next_back();
    if highest_saved.is_some_and(|high| session.last_serial.is_none_or(|last| last < *high)) {
        return Err(inconsistent("saved response above the last serial"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::{Command, Operation};

    fn busy_store() -> KvStore {
        let mut store = KvStore::default();
        store.apply(1, 10, &Command::RegisterClient);
        store.apply(2, 20, &Command::RegisterClient);
        let put = Operation::Put {
            key: "k".into(),
            value: "v".into(),
        };
        let req = |serial, op| Command::Request {
            client_id: 1,
            serial,
            lowest_unacked: 1,
            op,
        };
        store.apply(3, 30, &req(1, put));
        store.apply(4, 40, &req(2, Operation::Get { key: "nope".into() }));
        store.apply_entry_bytes(5, 50, b"junk");
        store.apply_no_op(6, 60);
        store
    }

    #[test]
    fn snapshot_round_trips_to_an_equal_store() {
        // restore(snapshot(s)) == s, and re-snapshotting gives the same bytes.
        let store = busy_store();
        let bytes = store.snapshot();
        let restored = KvStore::restore(&bytes).expect("valid snapshot");
        assert_eq!(restored, store);
        assert_eq!(restored.snapshot(), bytes);
    }

    #[test]
    fn truncated_snapshots_are_rejected() {
        // Every strict prefix is an error, never a panic.
        let bytes = busy_store().snapshot();
        for len in 0..bytes.len() {
            assert!(
                KvStore::restore(&bytes[..len]).is_err(),
                "prefix of {len} bytes accepted"
            );
        }
    }

    #[test]
    fn wrong_magic_and_version_are_rejected() {
        // A command is not a snapshot; a future version is refused by name.
        assert_eq!(KvStore::restore(b"XXXX\x01"), Err(DecodeError::BadMagic));
        let mut bytes = busy_store().snapshot();
        bytes[4] = 2;
        assert!(matches!(
            KvStore::restore(&bytes),
            Err(DecodeError::UnsupportedVersion { found: 2, .. })
        ));
    }

    #[test]
    fn out_of_order_keys_are_inconsistent() {
        // A hand-built snapshot with keys "b" then "a" breaks the sorted-keys invariant.
        let mut writer = Writer::new();
        writer.raw(MAGIC);
        writer.byte(SNAPSHOT_FORMAT_VERSION);
        writer.varint(1000);
        writer.varint(4);
        writer.flag(false);
        writer.varint(0);
        writer.varint(0);
        for _ in 0..8 {
            writer.varint(0);
        }
        writer.varint(2);
        for key in ["b", "a"] {
            writer.string(key);
            writer.string("");
        }
        writer.varint(0);
        assert!(matches!(
            KvStore::restore(&writer.finish()),
            Err(DecodeError::Inconsistent { .. })
        ));
    }
}
