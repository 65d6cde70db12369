//! The event queue: events ordered by (virtual time, sequence number).
//!
//! The sequence number is a counter incremented at every insertion, so events due at the same
//! millisecond fire in the order they were scheduled (a stable tie-break that does not depend
//! on anything but the run itself). A `BTreeMap` rather than a heap lets the world remove a
//! specific event (a superseded timer, a dropped message) in O(log n) and list what is next.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::action::Action;
use super::client::{ClientReply, ClientRequest};
use crate::raft::NodeId;

/// Where an event sits in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EventKey {
    /// Virtual time it fires at.
    pub time_ms: u64,
    /// Insertion order (tie-break).
    pub seq: u64,
}

/// Something that happens at a point in virtual time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Event {
    /// A server↔server message reaches its recipient (see the network's in-flight table).
    Deliver {
        /// The in-flight message id.
        message_id: u64,
    },
    /// A server's next timer (`Node::next_timer_at`) is due. One per live, running server.
    Timer {
        /// The server.
        server: NodeId,
    },
    /// A client's think time is over: it starts its next operation.
    ClientStart {
        /// The client.
        client: u32,
    },
    /// A client's request went unanswered for the request timeout.
    ClientTimeout {
        /// The client.
        client: u32,
        /// The attempt this timeout belongs to (later attempts make it stale).
        attempt: u64,
    },
    /// A client re-sends after a back-off.
    ClientRetry {
        /// The client.
        client: u32,
        /// The attempt this retry belongs to (later attempts make it stale).
        attempt: u64,
    },
    /// A client request reaches a server.
    ClientRequest(ClientRequest),
    /// A server's answer reaches a client.
    ClientReply(ClientReply),
    /// The fault generator draws its next fault.
    Fault,
    /// A scheduled scenario step.
    Scheduled(Action),
}

/// The queue itself.
#[derive(Debug, Clone, Default)]
pub struct EventQueue {
    events: BTreeMap<EventKey, Event>,
    next_seq: u64,
}

impl EventQueue {
    /// Schedules `event` at `time_ms`.
    pub fn push(&mut self, time_ms: u64, event: Event) -> EventKey {
        let key = EventKey {
            time_ms,
            seq: self.next_seq,
        };
        self.next_seq += 1;
        self.events.insert(key, event);
        key
    }

    /// Removes a scheduled event.
    pub fn remove(&mut self, key: EventKey) -> Option<Event> {
        self.events.remove(&key)
    }

    /// The next event's key.
    pub fn peek(&self) -> Option<EventKey> {
        self.events.keys().next().copied()
    }

    /// Removes and returns the next event if it is due at or before `limit_ms`.
    pub fn pop_due(&mut self, limit_ms: u64) -> Option<(EventKey, Event)> {
        let key = self.peek()?;
        if key.time_ms > limit_ms {
            return None;
        }
        self.events.remove(&key).map(|e| (key, e))
    }

    /// Every scheduled event, soonest first.
    pub fn iter(&self) -> impl Iterator<Item = (&EventKey, &Event)> {
        self.events.iter()
    }

    /// Number of scheduled events.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether nothing is scheduled.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_time_events_fire_in_insertion_order() {
        let mut q = EventQueue::default();
        q.push(10, Event::Fault);
        q.push(5, Event::Timer { server: 2 });
        q.push(10, Event::Timer { server: 1 });
        assert_eq!(q.pop_due(100).unwrap().1, Event::Timer { server: 2 });
        assert_eq!(q.pop_due(100).unwrap().1, Event::Fault);
        assert_eq!(q.pop_due(9), None);
        assert_eq!(q.pop_due(10).unwrap().1, Event::Timer { server: 1 });
        assert!(q.is_empty());
    }
}
