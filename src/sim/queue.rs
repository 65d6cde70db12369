//! The event queue: events ordered by (virtual time, sequence number).
//!
//! The sequence number is a counter incremented at every insertion, so events due at the same
//! millisecond fire in the order they were scheduled (a stable tie-break that does not depend
//! on anything but the run itself).
//!
//! A binary heap of keys orders the events; the events themselves sit in a map by sequence
//! number, so they are moved once in and once out, never shifted around. Removing a specific
//! event (a superseded timer, a dropped message) takes it out of the map only: its key stays
//! in the heap, stale, and is discarded when it reaches the top. The heap's top is always a
//! live event (stale keys there are discarded at once), and the heap is rebuilt when stale
//! keys outnumber live ones, so it stays within a small factor of the queue's size.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

use super::action::Action;
use super::client::{ClientReply, ClientRequest};
use super::idhash::IdMap;
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

/// Stale keys tolerated in the heap before it is rebuilt, beyond one per live event.
const STALE_SLACK: usize = 64;

/// The queue itself.
#[derive(Debug, Clone, Default)]
pub struct EventQueue {
    /// Keys of live events, and of removed ones not yet discarded. Invariant: the top (if
    /// any) is live.
    heap: BinaryHeap<Reverse<EventKey>>,
    /// Live events by sequence number, with their time.
    events: IdMap<(u64, Event)>,
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
        self.events.insert(key.seq, (time_ms, event));
        self.heap.push(Reverse(key));
        key
    }

    /// Removes a scheduled event.
    pub fn remove(&mut self, key: EventKey) -> Option<Event> {
        let (time_ms, event) = self.events.remove(&key.seq)?;
        debug_assert_eq!(time_ms, key.time_ms, "bug: event key with a wrong time");
        self.discard_stale();
        if self.heap.len() > 2 * self.events.len() + STALE_SLACK {
            self.heap = self
                .events
                .iter()
                .map(|(&seq, &(time_ms, _))| Reverse(EventKey { time_ms, seq }))
                .collect();
        }
        Some(event)
    }

    /// Pops stale keys off the top, restoring the invariant that the top is live.
    fn discard_stale(&mut self) {
        while let Some(Reverse(top)) = self.heap.peek() {
            if self.events.contains_key(&top.seq) {
                break;
            }
            self.heap.pop();
        }
    }

    /// The next event's key.
    pub fn peek(&self) -> Option<EventKey> {
        self.heap.peek().map(|r| r.0)
    }

    /// Removes and returns the next event if it is due at or before `limit_ms`.
    pub fn pop_due(&mut self, limit_ms: u64) -> Option<(EventKey, Event)> {
        let key = self.peek()?;
        if key.time_ms > limit_ms {
            return None;
        }
        self.heap.pop();
        let (_, event) = self
            .events
            .remove(&key.seq)
            .expect("bug: the heap's top is live");
        self.discard_stale();
        Some((key, event))
    }

    /// Every scheduled event, soonest first.
    pub fn iter(&self) -> impl Iterator<Item = (EventKey, &Event)> {
        let mut all: Vec<(EventKey, &Event)> = self
            .events
            .iter()
            .map(|(&seq, (time_ms, e))| {
                let key = EventKey {
                    time_ms: *time_ms,
                    seq,
                };
                (key, e)
            })
            .collect();
        crate::collections::sort::sort_unstable_by(&mut all, |a, b| a.0 < b.0);
        all.into_iter()
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

    #[test]
    fn removed_events_never_fire_and_stale_keys_stay_bounded() {
        let mut q = EventQueue::default();
        let keep = q.push(1_000, Event::Fault);
        for i in 0..10_000 {
            let k = q.push(5_000 + i % 7, Event::Timer { server: 1 });
            assert_eq!(q.remove(k), Some(Event::Timer { server: 1 }));
            assert_eq!(q.remove(k), None);
        }
        assert_eq!(q.len(), 1);
        assert!(q.heap.len() <= 2 + STALE_SLACK, "{}", q.heap.len());
        let late = q.push(2_000, Event::Timer { server: 3 });
        let early = q.push(10, Event::Timer { server: 2 });
        q.remove(early);
        assert_eq!(q.peek(), Some(keep));
        let order: Vec<EventKey> = q.iter().map(|(k, _)| k).collect();
        assert_eq!(order, vec![keep, late]);
        assert_eq!(q.pop_due(999), None);
        assert_eq!(q.pop_due(5_000), Some((keep, Event::Fault)));
        assert_eq!(q.pop_due(5_000).map(|(k, _)| k), Some(late));
        assert_eq!(q.pop_due(5_000), None);
    }

    #[test]
    fn pops_in_the_same_order_as_an_ordered_map_under_random_use() {
        use std::collections::BTreeMap;
        let mut rng = crate::sim::rng::SimRng::new(7, crate::sim::rng::Stream::Faults, 0);
        let mut q = EventQueue::default();
        let mut model: BTreeMap<EventKey, Event> = BTreeMap::new();
        let mut timer_of: BTreeMap<u32, EventKey> = BTreeMap::new();
        let mut now = 0;
        for _ in 0..20_000 {
            let t = now + rng.range_inclusive(0, 40);
            match rng.below(6) {
                0 | 1 => {
                    // A timer moves: remove the server's old one, schedule the new one.
                    let server = rng.range_inclusive(1, 5) as u32;
                    if let Some(old) = timer_of.remove(&server) {
                        assert_eq!(q.remove(old), model.remove(&old));
                    }
                    let k = q.push(t, Event::Timer { server });
                    model.insert(k, Event::Timer { server });
                    timer_of.insert(server, k);
                }
                2 => {
                    // A second timer of one server.
                    let k = q.push(t, Event::Timer { server: 9 });
                    model.insert(k, Event::Timer { server: 9 });
                }
                3 => {
                    let k = q.push(t, Event::Fault);
                    model.insert(k, Event::Fault);
                }
                4 => {
                    let limit = now + rng.range_inclusive(0, 10);
                    let want = model.first_key_value().filter(|(k, _)| k.time_ms <= limit);
                    let want = want.map(|(k, e)| (*k, e.clone()));
                    let got = q.pop_due(limit);
                    assert_eq!(got, want);
                    if let Some((k, e)) = got {
                        model.remove(&k);
                        now = now.max(k.time_ms);
                        if let Event::Timer { server } = e {
                            timer_of.retain(|&s, &mut tk| !(s == server && tk == k));
                        }
                    }
                }
                _ => {
                    assert_eq!(q.peek(), model.keys().next().copied());
                    assert_eq!(q.len(), model.len());
                }
            }
        }
        let all: Vec<(EventKey, Event)> = q.iter().map(|(k, e)| (k, e.clone())).collect();
        let want: Vec<(EventKey, Event)> = model.into_iter().collect();
        assert_eq!(all, want);
    }
}
