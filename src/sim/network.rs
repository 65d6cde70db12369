//! The network between servers: per-link behaviour, cuts and partitions, and the table of
//! messages in flight.
//!
//! Rules (documented for the UI and the tests):
//! * A message is dropped at send time if its link is blocked (cut, or the two servers are in
//!   different partition groups) or the loss draw says so; it is dropped again at delivery
//!   time if the link became blocked while it travelled.
//! * Every copy (the original and a possible duplicate) draws its own latency; a reordered
//!   copy gets an extra delay. See [`LinkConfig`].
//! * Messages in flight are first-class [`InFlight`] records with stable ids, so a UI can
//!   draw them and an adversary can deliver, drop, duplicate or hold them.

use crate::collections::{VecMap, VecSet};

use serde::Serialize;

use super::config::LinkConfig;
use super::error::SimError;
use super::idhash::IdMap;
use super::queue::EventKey;
use super::rng::{SimRng, Stream};
use crate::raft::{Message, MessageKind, NodeId};

/// A message travelling between two servers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InFlight {
    /// Stable id (allocation order), for the UI and adversary commands.
    pub id: u64,
    /// The message's kind (for drawing).
    pub kind: MessageKind,
    /// Sender.
    pub from: NodeId,
    /// Recipient.
    pub to: NodeId,
    /// Virtual time it was sent.
    pub sent_ms: u64,
    /// Virtual time it is due; `None` while an adversary holds it.
    pub deliver_ms: Option<u64>,
    /// Whether this copy was made by duplication (network or adversary).
    pub duplicate: bool,
    /// The message.
    pub message: Message,
    /// Its delivery event, while scheduled.
    #[serde(skip)]
    pub(crate) key: Option<EventKey>,
}

/// Why the network did not carry a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum DropReason {
    /// The link is cut or the servers are in different partition groups.
    Blocked,
    /// The loss draw.
    Lost,
    /// The recipient was crashed when the message arrived.
    RecipientDown,
    /// An adversary dropped it.
    Adversary,
}

/// A message that left the network during a step: handed to its recipient, or dropped
/// (a message held for a paused recipient stays in flight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Departure {
    /// Its id.
    pub id: u64,
    /// Its kind.
    pub kind: MessageKind,
    /// Handed to the recipient (`false`: dropped).
    pub delivered: bool,
}

/// The network's state.
#[derive(Debug, Clone)]
pub struct Network {
    default_link: LinkConfig,
    links: VecMap<(NodeId, NodeId), LinkConfig>,
    cuts: VecSet<(NodeId, NodeId)>,
    /// Partition groups; servers in no group form one more, implicit group.
    groups: Vec<Vec<NodeId>>,
    rng: SimRng,
    /// By id; looked up only (ordered views sort by id).
    in_flight: IdMap<InFlight>,
    next_id: u64,
}

/// The delays of the copies of one message the network carries: the original and, when the
/// duplication draw says so, one more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copies {
    /// The original's delay.
    pub first_ms: u64,
    /// The duplicate's delay.
    pub duplicate_ms: Option<u64>,
}

impl Network {
    /// A fully connected network whose links all behave like `link`.
    pub fn new(seed: u64, link: LinkConfig) -> Self {
        Network {
            default_link: link,
            links: VecMap::new(),
            cuts: VecSet::new(),
            groups: Vec::new(),
            rng: SimRng::new(seed, Stream::Network, 0),
            in_flight: IdMap::default(),
            next_id: 1,
        }
    }

    /// The behaviour of the directed link `from → to`.
    pub fn link(&self, from: NodeId, to: NodeId) -> LinkConfig {
        self.links
            .get(&(from, to))
            .copied()
            .unwrap_or(self.default_link)
    }

    /// Sets every link's behaviour (and forgets per-link overrides).
    pub fn set_default_link(&mut self, link: LinkConfig) -> Result<(), SimError> {
        link.validate()?;
        self.default_link = link;
        self.links.clear();
        Ok(())
    }

    /// Overrides one directed link's behaviour.
    pub fn set_link(&mut self, from: NodeId, to: NodeId, link: LinkConfig) -> Result<(), SimError> {
        link.validate()?;
        self.links.insert((from, to), link);
        Ok(())
    }

    /// Cuts `from → to` (one way).
    pub fn cut(&mut self, from: NodeId, to: NodeId) {
        self.cuts.insert((from, to));
    }

    /// Repairs `from → to`.
    pub fn repair(&mut self, from: NodeId, to: NodeId) {
        self.cuts.remove(&(from, to));
    }

    /// Splits the servers into groups that cannot talk to each other. Replaces any previous
    /// partition; servers in no group form one more group together.
    pub fn partition(&mut self, groups: Vec<Vec<NodeId>>) {
        self.groups = groups;
    }

    /// Removes every cut and partition (per-link behaviour stays).
    pub fn heal(&mut self) {
        self.cuts.clear();
        self.groups.clear();
    }

    /// The current one-way cuts.
    pub fn cuts(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.cuts.iter().copied()
    }

    /// The current partition groups.
    pub fn groups(&self) -> &[Vec<NodeId>] {
        &self.groups
    }

    fn group_of(&self, id: NodeId) -> Option<usize> {
        self.groups.iter().position(|g| g.contains(&id))
    }

    /// Whether `from → to` currently carries nothing.
    pub fn blocked(&self, from: NodeId, to: NodeId) -> bool {
        self.cuts.contains(&(from, to)) || self.group_of(from) != self.group_of(to)
    }

    /// Decides the fate of a message sent now: the delays of the copies to deliver, or why
    /// it is dropped. Draws from the network stream only when the link is open.
    pub fn draw_copies(&mut self, from: NodeId, to: NodeId) -> Result<Copies, DropReason> {
        if self.blocked(from, to) {
            return Err(DropReason::Blocked);
        }
        let link = self.link(from, to);
        if self.rng.chance_ppm(link.loss_ppm) {
            return Err(DropReason::Lost);
        }
        let first_ms = self.draw_delay(&link);
        let duplicate_ms = self
            .rng
            .chance_ppm(link.duplicate_ppm)
            .then(|| self.draw_delay(&link));
        Ok(Copies {
            first_ms,
            duplicate_ms,
        })
    }

    /// Draws the delay of one extra copy on `from → to` (adversary duplication).
    pub fn draw_latency(&mut self, from: NodeId, to: NodeId) -> u64 {
        let link = self.link(from, to);
        self.draw_delay(&link)
    }

    fn draw_delay(&mut self, link: &LinkConfig) -> u64 {
        let mut d = self
            .rng
            .range_inclusive(link.latency_ms_min, link.latency_ms_max);
        if self.rng.chance_ppm(link.reorder_ppm) {
            d += self
                .rng
                .range_inclusive(1, link.reorder_delay_ms_max.max(1));
        }
        d
    }

    /// Records a message copy in flight and returns its id.
    pub fn add_in_flight(&mut self, message: Message, sent_ms: u64, duplicate: bool) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let record = InFlight {
            id,
            kind: message.kind(),
            from: message.from,
            to: message.to,
            sent_ms,
            deliver_ms: None,
            duplicate,
            message,
            key: None,
        };
        self.in_flight.insert(id, record);
        id
    }

    /// Notes where a message's delivery event sits (or that it is held, with `None`).
    pub fn set_schedule(&mut self, id: u64, key: Option<EventKey>) {
        let m = self
            .in_flight
            .get_mut(&id)
            .expect("bug: scheduling an unknown message");
        m.key = key;
        m.deliver_ms = key.map(|k| k.time_ms);
    }

    /// A message in flight.
    pub fn get(&self, id: u64) -> Result<&InFlight, SimError> {
        self.in_flight.get(&id).ok_or(SimError::UnknownMessage(id))
    }

    /// Puts a message taken out of flight back, held (no delivery scheduled).
    pub fn hold(&mut self, mut record: InFlight) {
        record.key = None;
        record.deliver_ms = None;
        self.in_flight.insert(record.id, record);
    }

    /// Takes a message out of flight (delivered or dropped).
    pub fn take(&mut self, id: u64) -> Option<InFlight> {
        self.in_flight.remove(&id)
    }

    /// Every message in flight, by id.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        let mut all: Vec<&InFlight> = self.in_flight.values().collect();
        crate::collections::sort::sort_unstable_by(&mut all, |a, b| a.id < b.id);
        all.into_iter()
    }

    /// The id the next message put in flight will get (ids increase from 1).
    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    /// Number of messages in flight.
    pub fn in_flight_count(&self) -> usize {
        self.in_flight.len()
    }

    /// The default link behaviour.
    pub fn default_link(&self) -> LinkConfig {
        self.default_link
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_block_across_groups_only() {
        let mut n = Network::new(1, LinkConfig::default());
        n.partition(vec![vec![1, 2]]);
        assert!(!n.blocked(1, 2));
        assert!(n.blocked(1, 3));
        assert!(!n.blocked(3, 4));
        n.heal();
        n.cut(1, 2);
        assert!(n.blocked(1, 2));
        assert!(!n.blocked(2, 1));
    }

    #[test]
    fn total_loss_drops_everything() {
        let link = LinkConfig {
            loss_ppm: 1_000_000,
            ..LinkConfig::default()
        };
        let mut n = Network::new(1, link);
        assert_eq!(n.draw_copies(1, 2), Err(DropReason::Lost));
    }
}
