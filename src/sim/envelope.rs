//! The bytes a command entry carries: the proposing leader's virtual timestamp, then the
//! encoded command.
//!
//! The core's [`crate::raft::EntryPayload::Command`] is opaque bytes with no timestamp field,
//! but the key-value store expires sessions by *log time* (thesis §6.3: the leader's clock,
//! stored in the entry, so every replica expires the same sessions at the same entry). So the
//! world wraps every proposal:
//!
//! ```text
//! entry bytes := timestamp_ms:u64 little-endian (8 bytes) ++ Command::encode()
//! ```
//!
//! Entries without a command (no-ops, configuration changes) are applied with
//! `KvStore::apply_no_op` at the store's current log time, which depends on the log alone.

use crate::kv::Command;
use crate::raft::Bytes;

/// Length of the timestamp prefix.
pub const TIMESTAMP_LEN: usize = 8;

/// Wraps `command` proposed by a leader at `timestamp_ms`.
pub fn wrap(timestamp_ms: u64, command: &Command) -> Bytes {
    let mut bytes = timestamp_ms.to_le_bytes().to_vec();
    bytes.extend_from_slice(&command.encode());
    Bytes::from(bytes)
}

/// Splits entry bytes into the timestamp and the command bytes. Bytes too short to hold a
/// timestamp yield `None` (the store then reports the entry as undecodable).
pub fn unwrap(bytes: &[u8]) -> Option<(u64, &[u8])> {
    if bytes.len() < TIMESTAMP_LEN {
        return None;
    }
    let (ts, rest) = bytes.split_at(TIMESTAMP_LEN);
    let ts = u64::from_le_bytes(ts.try_into().expect("8 bytes"));
    Some((ts, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_round_trips() {
        let b = wrap(1234, &Command::RegisterClient);
        let (ts, rest) = unwrap(&b).unwrap();
        assert_eq!(ts, 1234);
        assert_eq!(Command::decode(rest), Ok(Command::RegisterClient));
        assert_eq!(unwrap(&[1, 2]), None);
    }
}
