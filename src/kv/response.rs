//! What the state machine answers, and the outcome of applying one log entry.

use std::fmt;

use serde::Serialize;
use thiserror::Error;

use super::codec::{DecodeError, Reader, Writer};
use super::command::ClientId;
use crate::debug_text::{Opt, Quoted};

/// Why a command was refused by the session layer (thesis §6.3). A refused command changes
/// nothing in the store.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SessionError {
    /// The session was never registered, or has expired or been evicted; the client must
    /// register again (§6.3: the state machine cannot tell whether the request already ran).
    #[error("unknown or expired client session {client_id}")]
    UnknownSession {
        /// The session the command named.
        client_id: ClientId,
    },
    /// The serial is below the session's lowest unacknowledged serial: the command ran and the
    /// client has already acknowledged its response, which has been discarded. It is not run
    /// again.
    #[error(
        "response to serial {serial} of client {client_id} was discarded \
         (the client acknowledged every serial below {lowest_unacked})"
    )]
    ResponseDiscarded {
        /// The session the command named.
        client_id: ClientId,
        /// The stale serial.
        serial: u64,
        /// The session's lowest unacknowledged serial when the command arrived.
        lowest_unacked: u64,
    },
}

/// The state machine's answer to one command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Response {
    /// `Get` found the key.
    Value {
        /// The key's value.
        value: String,
    },
    /// `Get` found no such key.
    NotFound,
    /// `Put`, `Append` or `KeepAlive` took effect.
    Ok,
    /// `Cas` matched and wrote the new value.
    CasOk,
    /// `Cas` did not match; nothing was written.
    CasFailed {
        /// The key's current value (`None`: absent).
        current: Option<String>,
    },
    /// `RegisterClient` opened this session.
    Registered {
        /// The new session's id (the register entry's log index).
        client_id: ClientId,
    },
    /// The session layer refused the command.
    SessionError {
        /// Why.
        error: SessionError,
    },
}

/// As the client events of the trace write it: the text of `{:?}` (`Value { value: "x" }`).
impl fmt::Display for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Response::Value { value } => write!(f, "Value {{ value: {} }}", Quoted(value)),
            Response::NotFound => f.write_str("NotFound"),
            Response::Ok => f.write_str("Ok"),
            Response::CasOk => f.write_str("CasOk"),
            Response::CasFailed { current } => write!(
                f,
                "CasFailed {{ current: {} }}",
                Opt(current.as_deref().map(Quoted))
            ),
            Response::Registered { client_id } => {
                write!(f, "Registered {{ client_id: {client_id} }}")
            }
            Response::SessionError {
                error: SessionError::UnknownSession { client_id },
            } => write!(
                f,
                "SessionError {{ error: UnknownSession {{ client_id: {client_id} }} }}"
            ),
            Response::SessionError {
                error:
                    SessionError::ResponseDiscarded {
                        client_id,
                        serial,
                        lowest_unacked,
                    },
            } => write!(
                f,
                "SessionError {{ error: ResponseDiscarded {{ client_id: {client_id}, \
                 serial: {serial}, lowest_unacked: {lowest_unacked} }} }}"
            ),
        }
    }
}

const RESP_VALUE: u8 = 1;
const RESP_NOT_FOUND: u8 = 2;
const RESP_OK: u8 = 3;
const RESP_CAS_OK: u8 = 4;
const RESP_CAS_FAILED: u8 = 5;
const RESP_REGISTERED: u8 = 6;
const RESP_SESSION_ERROR: u8 = 7;

const ERR_UNKNOWN_SESSION: u8 = 1;
const ERR_RESPONSE_DISCARDED: u8 = 2;

impl Response {
    /// Appends the binary form (used for the responses saved in snapshots).
    pub(crate) fn encode_into(&self, writer: &mut Writer) {
        match self {
            Response::Value { value } => {
                writer.byte(RESP_VALUE);
                writer.string(value);
            }
            Response::NotFound => writer.byte(RESP_NOT_FOUND),
            Response::Ok => writer.byte(RESP_OK),
            Response::CasOk => writer.byte(RESP_CAS_OK),
            Response::CasFailed { current } => {
                writer.byte(RESP_CAS_FAILED);
                writer.opt_string(current.as_deref());
            }
            Response::Registered { client_id } => {
                writer.byte(RESP_REGISTERED);
                writer.varint(*client_id);
            }
            Response::SessionError { error } => {
                writer.byte(RESP_SESSION_ERROR);
                encode_session_error(error, writer);
            }
        }
    }

    /// Reads the binary form written by `encode_into`.
    pub(crate) fn decode_from(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let at = reader.offset();
        let response = match reader.byte("response tag")? {
            RESP_VALUE => Response::Value {
                value: reader.string("response value")?,
            },
            RESP_NOT_FOUND => Response::NotFound,
            RESP_OK => Response::Ok,
            RESP_CAS_OK => Response::CasOk,
            RESP_CAS_FAILED => Response::CasFailed {
                current: reader.opt_string("current value")?,
            },
            RESP_REGISTERED => Response::Registered {
                client_id: reader.varint("client id")?,
            },
            RESP_SESSION_ERROR => Response::SessionError {
                error: decode_session_error(reader)?,
            },
            tag => {
                return Err(DecodeError::UnknownTag {
                    what: "response",
                    tag,
                    at,
                })
            }
        };
        Ok(response)
    }
}

fn encode_session_error(error: &SessionError, writer: &mut Writer) {
    match error {
        SessionError::UnknownSession { client_id } => {
            writer.byte(ERR_UNKNOWN_SESSION);
            writer.varint(*client_id);
        }
        SessionError::ResponseDiscarded {
            client_id,
            serial,
            lowest_unacked,
        } => {
            writer.byte(ERR_RESPONSE_DISCARDED);
            writer.varint(*client_id);
            writer.varint(*serial);
            writer.varint(*lowest_unacked);
        }
    }
}

fn decode_session_error(reader: &mut Reader<'_>) -> Result<SessionError, DecodeError> {
    let at = reader.offset();
    match reader.byte("session error tag")? {
        ERR_UNKNOWN_SESSION => Ok(SessionError::UnknownSession {
            client_id: reader.varint("client id")?,
        }),
        ERR_RESPONSE_DISCARDED => Ok(SessionError::ResponseDiscarded {
            client_id: reader.varint("client id")?,
            serial: reader.varint("serial")?,
            lowest_unacked: reader.varint("lowest unacknowledged serial")?,
        }),
        tag => Err(DecodeError::UnknownTag {
            what: "session error",
            tag,
            at,
        }),
    }
}

/// How one log entry was handled; `apply` returns one per entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// The command was executed now, for the first time (or the entry was a no-op).
    Applied,
    /// The command's serial had already been applied: the saved response was returned and the
    /// operation was NOT executed again (§6.3) — "retried command applied once".
    Duplicate,
    /// The session layer refused the command; the store is unchanged.
    Rejected,
    /// The entry's bytes are not a command; only `last_applied` moved.
    Undecodable,
}

/// The result of applying one log entry: enough for the simulator to route the answer back
/// to the waiting client (by `client_id` and `serial`, or by `index` for `RegisterClient`)
/// and for the UI to show what happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApplyOutcome {
    /// The log index of the entry.
    pub index: u64,
    /// The session the command belonged to (for `RegisterClient`, the new session; `None` for
    /// no-op and undecodable entries).
    pub client_id: Option<ClientId>,
    /// The request's serial (`None` for everything but `Request`).
    pub serial: Option<u64>,
    /// How the entry was handled.
    pub kind: OutcomeKind,
    /// The answer for the client (`None` for no-op and undecodable entries).
    pub response: Option<Response>,
    /// Why the entry could not be decoded (only with [`OutcomeKind::Undecodable`]).
    pub decode_error: Option<DecodeError>,
}

impl ApplyOutcome {
    /// An outcome that carries a response for a client.
    pub(crate) fn answered(
        index: u64,
        client_id: ClientId,
        serial: Option<u64>,
        kind: OutcomeKind,
        response: Response,
    ) -> Self {
        Self {
            index,
            client_id: Some(client_id),
            serial,
            kind,
            response: Some(response),
            decode_error: None,
        }
    }

    /// The outcome of an entry with no command in it.
    pub(crate) fn no_op(index: u64) -> Self {
        Self {
            index,
            client_id: None,
            serial: None,
            kind: OutcomeKind::Applied,
            response: None,
            decode_error: None,
        }
    }

    /// The outcome of an entry whose bytes did not decode.
    pub(crate) fn undecodable(index: u64, error: DecodeError) -> Self {
        Self {
            index,
            client_id: None,
            serial: None,
            kind: OutcomeKind::Undecodable,
            response: None,
            decode_error: Some(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_response_variant_round_trips() {
        // Saved responses survive the snapshot encoding unchanged.
        let responses = [
            Response::Value { value: "v".into() },
            Response::NotFound,
            Response::Ok,
            Response::CasOk,
            Response::CasFailed { current: None },
            Response::CasFailed {
                current: Some("x".into()),
            },
            Response::Registered { client_id: 300 },
            Response::SessionError {
                error: SessionError::UnknownSession { client_id: 4 },
            },
            Response::SessionError {
                error: SessionError::ResponseDiscarded {
                    client_id: 4,
                    serial: 2,
                    lowest_unacked: 9,
                },
            },
        ];
        for response in responses {
            let mut writer = Writer::new();
            response.encode_into(&mut writer);
            let bytes = writer.finish();
            let mut reader = Reader::new(&bytes);
            assert_eq!(Response::decode_from(&mut reader), Ok(response));
            assert_eq!(reader.finish(), Ok(()));
        }
    }

    #[test]
    fn session_errors_have_readable_messages() {
        // The UI shows these strings verbatim.
        let error = SessionError::UnknownSession { client_id: 12 };
        assert_eq!(error.to_string(), "unknown or expired client session 12");
    }
}
