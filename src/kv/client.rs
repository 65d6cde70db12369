//! The client half of a session (thesis §6.3): serial allocation, retries that reuse the same
//! serial, and the "lowest unacknowledged serial" piggy-backed on every command.

use crate::collections::VecMap;

use serde::Serialize;
use thiserror::Error;

use super::command::{ClientId, Command, Operation};

/// A misuse of [`ClientSession`] by its caller.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ClientError {
    /// The serial was never issued, or its response has already been received or abandoned.
    #[error("serial {serial} is not outstanding")]
    NotOutstanding {
        /// The serial the caller named.
        serial: u64,
    },
}

/// A client's view of its session: it issues serial numbers and remembers which requests are
/// still waiting for a response, so retries reuse the original serial (and operation) and the
/// server can be told which saved responses it may discard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClientSession {
    /// The session id the server allocated (the register entry's log index).
    client_id: ClientId,
    /// The next serial to issue. Invariant: `>= 1` and greater than every issued serial.
    next_serial: u64,
    /// Requests sent but not yet answered, by serial. Invariant: every key `< next_serial`.
    outstanding: VecMap<u64, Operation>,
}

impl ClientSession {
    /// A fresh client for the session `client_id` returned by `RegisterClient`. Serials start
    /// at 1.
    pub fn new(client_id: ClientId) -> Self {
        Self {
            client_id,
            next_serial: 1,
            outstanding: VecMap::new(),
        }
    }

    /// The command that asks the cluster for a session (its response carries the id).
    pub fn register_command() -> Command {
        Command::RegisterClient
    }

    /// The session id.
    pub fn client_id(&self) -> ClientId {
        self.client_id
    }

    /// §6.3: the lowest serial without a response yet (the next serial if none is
    /// outstanding). The server discards saved responses below it.
    pub fn lowest_unacked(&self) -> u64 {
        self.outstanding
            .keys()
            .next()
            .copied()
            .unwrap_or(self.next_serial)
    }

    /// The serials waiting for a response, in order.
    pub fn outstanding(&self) -> impl Iterator<Item = u64> + '_ {
        self.outstanding.keys().copied()
    }

    /// Whether `serial` is still waiting for a response.
    pub fn is_outstanding(&self, serial: u64) -> bool {
        self.outstanding.contains_key(&serial)
    }

    /// Issues a new serial for `op` and returns the command to propose.
    pub fn start(&mut self, op: Operation) -> Command {
        let serial = self.next_serial;
        self.next_serial += 1;
        self.outstanding.insert(serial, op);
        self.request(serial)
    }

    /// The command to re-send for an outstanding request: same serial and operation, with an
    /// up-to-date lowest unacknowledged serial. The server applies it at most once.
    pub fn retry(&self, serial: u64) -> Result<Command, ClientError> {
        if !self.is_outstanding(serial) {
            return Err(ClientError::NotOutstanding { serial });
        }
        Ok(self.request(serial))
    }

    /// Records that the response to `serial` arrived. Returns `false` for a serial that was
    /// not outstanding (a duplicate response, which the caller should ignore).
    pub fn complete(&mut self, serial: u64) -> bool {
        self.outstanding.remove(&serial).is_some()
    }

    /// Gives up on `serial` without a response (its outcome stays unknown: it may still be
    /// applied once, or be refused as stale, but never applied twice). Later commands then
    /// let the server discard its response. Returns `false` if it was not outstanding.
    pub fn abandon(&mut self, serial: u64) -> bool {
        self.outstanding.remove(&serial).is_some()
    }

    /// A keep-alive for an idle session, acknowledging the responses received so far.
    pub fn keep_alive(&self) -> Command {
        Command::KeepAlive {
            client_id: self.client_id,
            lowest_unacked: self.lowest_unacked(),
        }
    }

    fn request(&self, serial: u64) -> Command {
        Command::Request {
            client_id: self.client_id,
            serial,
            lowest_unacked: self.lowest_unacked(),
            op: self.outstanding[&serial].clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(value: &str) -> Operation {
        Operation::Put {
            key: "k".into(),
            value: value.into(),
        }
    }

    fn serial_of(command: &Command) -> u64 {
        match command {
            Command::Request { serial, .. } => *serial,
            other => panic!("not a request: {other:?}"),
        }
    }

    #[test]
    fn serials_are_issued_in_order_from_one() {
        // Three requests get serials 1, 2, 3 and all are outstanding.
        let mut client = ClientSession::new(5);
        let serials: Vec<u64> = (0..3)
            .map(|i| serial_of(&client.start(put(&i.to_string()))))
            .collect();
        assert_eq!(serials, vec![1, 2, 3]);
        assert_eq!(client.outstanding().collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(client.lowest_unacked(), 1);
    }

    #[test]
    fn lowest_unacked_tracks_the_oldest_unanswered_serial() {
        // Answers out of order: the floor only moves past contiguous answered serials.
        let mut client = ClientSession::new(5);
        for i in 0..3 {
            client.start(put(&i.to_string()));
        }
        assert!(client.complete(2));
        assert_eq!(client.lowest_unacked(), 1);
        assert!(client.complete(1));
        assert_eq!(client.lowest_unacked(), 3);
        assert!(client.complete(3));
        assert_eq!(client.lowest_unacked(), 4);
        assert!(!client.complete(3));
    }

    #[test]
    fn retry_reuses_serial_and_operation_with_a_fresh_floor() {
        // Retrying serial 2 after serial 1 was answered carries lowest_unacked = 2.
        let mut client = ClientSession::new(9);
        client.start(put("a"));
        client.start(put("b"));
        client.complete(1);
        let retry = client.retry(2).expect("outstanding");
        assert_eq!(
            retry,
            Command::Request {
                client_id: 9,
                serial: 2,
                lowest_unacked: 2,
                op: put("b"),
            }
        );
        assert_eq!(
            client.retry(1),
            Err(ClientError::NotOutstanding { serial: 1 })
        );
    }

    #[test]
    fn abandon_releases_the_floor() {
        // Abandoning the only outstanding request lets the floor move to the next serial.
        let mut client = ClientSession::new(1);
        client.start(put("a"));
        assert!(client.abandon(1));
        assert_eq!(client.lowest_unacked(), 2);
        assert_eq!(
            client.keep_alive(),
            Command::KeepAlive {
                client_id: 1,
                lowest_unacked: 2
            }
        );
    }
}
