//! The commands the Raft log carries, and their versioned binary encoding.
//!
//! Thesis §6.3: every client request carries the client's session id, a serial number unique
//! within the session, and the lowest serial for which the client has not yet received a
//! response, so the state machine can apply each command exactly once and discard responses
//! the client will never ask for again.
//!
//! Encoding (format version [`COMMAND_FORMAT_VERSION`]), using the primitives of the
//! crate-private `codec` module (canonical LEB128 varints, length-prefixed UTF-8 strings):
//!
//! ```text
//! command   := version:u8 tag:u8 body
//!   tag 1 RegisterClient  body := (empty)
//!   tag 2 Request         body := client_id serial lowest_unacked operation
//!   tag 3 KeepAlive       body := client_id lowest_unacked
//! operation := tag:u8 fields
//!   tag 1 Get    key
//!   tag 2 Put    key value
//!   tag 3 Cas    key expected:(0 | 1 string) new
//!   tag 4 Append key value
//! ```

use serde::{Deserialize, Serialize};

use super::codec::{DecodeError, Reader, Writer};

/// A client session id: the log index of the `RegisterClient` entry that created the session
/// (thesis §6.3), so it is unique and identical on every replica.
pub type ClientId = u64;

/// The version byte that starts every encoded command.
pub const COMMAND_FORMAT_VERSION: u8 = 1;

const TAG_REGISTER: u8 = 1;
const TAG_REQUEST: u8 = 2;
const TAG_KEEP_ALIVE: u8 = 3;

const OP_GET: u8 = 1;
const OP_PUT: u8 = 2;
const OP_CAS: u8 = 3;
const OP_APPEND: u8 = 4;

/// One operation on the key-value store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Operation {
    /// Reads a key through the log (a linearizable read that costs a log entry).
    Get {
        /// The key to read.
        key: String,
    },
    /// Sets a key to a value, creating it if absent.
    Put {
        /// The key to write.
        key: String,
        /// The new value.
        value: String,
    },
    /// Compare-and-set: writes `new` only if the key's current value equals `expected`
    /// (`None` meaning the key must be absent).
    Cas {
        /// The key to test and write.
        key: String,
        /// The value the key must hold, or `None` if it must be absent.
        expected: Option<String>,
        /// The value written when the comparison succeeds.
        new: String,
    },
    /// Appends to a key's value, creating the key (as if it held `""`) if absent.
    Append {
        /// The key to extend.
        key: String,
        /// The text appended.
        value: String,
    },
}

impl Operation {
    /// The key this operation touches (every operation touches exactly one).
    pub fn key(&self) -> &str {
        match self {
            Operation::Get { key }
            | Operation::Put { key, .. }
            | Operation::Cas { key, .. }
            | Operation::Append { key, .. } => key,
        }
    }

    /// Whether the operation can change the store (everything but `Get`).
    pub fn is_write(&self) -> bool {
        !matches!(self, Operation::Get { .. })
    }

    /// Appends the operation's encoding (also used by `sim::wire` for client commands).
    pub(crate) fn encode_into(&self, writer: &mut Writer) {
        match self {
            Operation::Get { key } => {
                writer.byte(OP_GET);
                writer.string(key);
            }
            Operation::Put { key, value } => {
                writer.byte(OP_PUT);
                writer.string(key);
                writer.string(value);
            }
            Operation::Cas { key, expected, new } => {
                writer.byte(OP_CAS);
                writer.string(key);
                writer.opt_string(expected.as_deref());
                writer.string(new);
            }
            Operation::Append { key, value } => {
                writer.byte(OP_APPEND);
                writer.string(key);
                writer.string(value);
            }
        }
    }

    /// Reads one operation (also used by `sim::wire`).
    pub(crate) fn decode_from(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let at = reader.offset();
        let op = match reader.byte("operation tag")? {
            OP_GET => Operation::Get {
                key: reader.string("key")?,
            },
            OP_PUT => Operation::Put {
                key: reader.string("key")?,
                value: reader.string("value")?,
            },
            OP_CAS => Operation::Cas {
                key: reader.string("key")?,
                expected: reader.opt_string("expected value")?,
                new: reader.string("new value")?,
            },
            OP_APPEND => Operation::Append {
                key: reader.string("key")?,
                value: reader.string("value")?,
            },
            tag => {
                return Err(DecodeError::UnknownTag {
                    what: "operation",
                    tag,
                    at,
                })
            }
        };
        Ok(op)
    }
}

/// One entry of the replicated log, as the state machine sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Command {
    /// Opens a new client session; its id is the log index of this entry (thesis §6.3).
    RegisterClient,
    /// A client operation, applied at most once per `(client_id, serial)`.
    Request {
        /// The session issuing the request.
        client_id: ClientId,
        /// The request's serial number, unique within the session; a retry reuses it.
        serial: u64,
        /// The lowest serial for which the client has not yet received a response; the state
        /// machine may discard saved responses below it (§6.3).
        lowest_unacked: u64,
        /// What to do.
        op: Operation,
    },
    /// Keeps an idle session from expiring (§6.3) and lets the client acknowledge responses.
    KeepAlive {
        /// The session to keep alive.
        client_id: ClientId,
        /// As in [`Command::Request`]: responses below it may be discarded.
        lowest_unacked: u64,
    },
}

impl Command {
    /// The session this command belongs to (`None` for `RegisterClient`, which creates one).
    pub fn client_id(&self) -> Option<ClientId> {
        match self {
            Command::RegisterClient => None,
            Command::Request { client_id, .. } | Command::KeepAlive { client_id, .. } => {
                Some(*client_id)
            }
        }
    }

    /// Encodes the command in the versioned binary format described in the module docs.
    /// Equal commands always encode to equal bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut writer = Writer::new();
        writer.byte(COMMAND_FORMAT_VERSION);
        match self {
            Command::RegisterClient => writer.byte(TAG_REGISTER),
            Command::Request {
                client_id,
                serial,
                lowest_unacked,
                op,
            } => {
                writer.byte(TAG_REQUEST);
                writer.varint(*client_id);
                writer.varint(*serial);
                writer.varint(*lowest_unacked);
                op.encode_into(&mut writer);
            }
            Command::KeepAlive {
                client_id,
                lowest_unacked,
            } => {
                writer.byte(TAG_KEEP_ALIVE);
                writer.varint(*client_id);
                writer.varint(*lowest_unacked);
            }
        }
        writer.finish()
    }

    /// Decodes bytes produced by [`Command::encode`]. Truncated, padded or garbage input is
    /// rejected with a [`DecodeError`]; this never panics.
    pub fn decode(bytes: &[u8]) -> Result<Command, DecodeError> {
        let mut reader = Reader::new(bytes);
        let found = reader.byte("command version")?;
        if found != COMMAND_FORMAT_VERSION {
            return Err(DecodeError::UnsupportedVersion {
                what: "command",
                found,
                supported: COMMAND_FORMAT_VERSION,
            });
        }
        let command = Self::decode_body(&mut reader)?;
        reader.finish()?;
        Ok(command)
    }

    fn decode_body(reader: &mut Reader<'_>) -> Result<Command, DecodeError> {
        let at = reader.offset();
        match reader.byte("command tag")? {
            TAG_REGISTER => Ok(Command::RegisterClient),
            TAG_REQUEST => Ok(Command::Request {
                client_id: reader.varint("client id")?,
                serial: reader.varint("serial")?,
                lowest_unacked: reader.varint("lowest unacknowledged serial")?,
                op: Operation::decode_from(reader)?,
            }),
            TAG_KEEP_ALIVE => Ok(Command::KeepAlive {
                client_id: reader.varint("client id")?,
                lowest_unacked: reader.varint("lowest unacknowledged serial")?,
            }),
            tag => Err(DecodeError::UnknownTag {
                what: "command",
                tag,
                at,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<Command> {
        vec![
            Command::RegisterClient,
            Command::KeepAlive {
                client_id: 7,
                lowest_unacked: 300,
            },
            Command::Request {
                client_id: 1,
                serial: 1,
                lowest_unacked: 1,
                op: Operation::Get { key: "x".into() },
            },
            Command::Request {
                client_id: u64::MAX,
                serial: 128,
                lowest_unacked: 0,
                op: Operation::Cas {
                    key: "ключ".into(),
                    expected: None,
                    new: "ü".into(),
                },
            },
            Command::Request {
                client_id: 2,
                serial: 3,
                lowest_unacked: 2,
                op: Operation::Cas {
                    key: "k".into(),
                    expected: Some(String::new()),
                    new: "v".into(),
                },
            },
            Command::Request {
                client_id: 2,
                serial: 4,
                lowest_unacked: 2,
                op: Operation::Append {
                    key: "log".into(),
                    value: "a".into(),
                },
            },
        ]
    }

    #[test]
    fn every_sample_command_round_trips() {
        // decode(encode(c)) == c for each variant, including multi-byte varints and UTF-8.
        for command in samples() {
            assert_eq!(Command::decode(&command.encode()), Ok(command));
        }
    }

    #[test]
    fn register_client_is_two_bytes() {
        // Version byte plus tag byte: the encoding is compact.
        assert_eq!(
            Command::RegisterClient.encode(),
            vec![COMMAND_FORMAT_VERSION, TAG_REGISTER]
        );
    }

    #[test]
    fn every_strict_prefix_is_rejected_as_truncated() {
        // Cutting an encoding anywhere leaves an incomplete value.
        for command in samples() {
            let bytes = command.encode();
            for len in 0..bytes.len() {
                let err = Command::decode(&bytes[..len]).unwrap_err();
                assert!(matches!(err, DecodeError::Truncated { .. }), "{err:?}");
            }
        }
    }

    #[test]
    fn trailing_bytes_are_rejected() {
        // A valid command followed by junk is not a command.
        let mut bytes = Command::RegisterClient.encode();
        bytes.push(0);
        assert_eq!(
            Command::decode(&bytes),
            Err(DecodeError::TrailingBytes { count: 1 })
        );
    }

    #[test]
    fn unknown_version_and_tags_are_rejected() {
        // A future version, an unknown command tag and an unknown operation tag all fail.
        assert!(matches!(
            Command::decode(&[9, TAG_REGISTER]),
            Err(DecodeError::UnsupportedVersion { found: 9, .. })
        ));
        assert!(matches!(
            Command::decode(&[COMMAND_FORMAT_VERSION, 42]),
            Err(DecodeError::UnknownTag { tag: 42, at: 1, .. })
        ));
        assert!(matches!(
            Command::decode(&[COMMAND_FORMAT_VERSION, TAG_REQUEST, 1, 1, 1, 99]),
            Err(DecodeError::UnknownTag { tag: 99, at: 5, .. })
        ));
    }

    #[test]
    fn operation_key_and_write_flag() {
        // Every operation names its key; only Get is read-only.
        let get = Operation::Get { key: "a".into() };
        let put = Operation::Put {
            key: "b".into(),
            value: "1".into(),
        };
        assert_eq!((get.key(), get.is_write()), ("a", false));
        assert_eq!((put.key(), put.is_write()), ("b", true));
    }
}
