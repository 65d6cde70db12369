//! The in-memory cluster driver shared by the criterion bench (`benches/core.rs`) and the
//! raft-rs comparison (`bench/raft-compare`, which includes this file by `#[path]`), so both
//! sides of the comparison run the *identical* loop (issue 6).
//!
//! Model: N servers in one thread, synchronous lossless in-memory delivery, no timers (nobody
//! ticks once the leader is elected). One round of the loop:
//!
//! 1. for every server in id order: take its Ready, persist it to an in-memory store, queue
//!    its messages, apply its committed entries to a trivial state machine ([`Sm`]: count and
//!    checksum of the payloads);
//! 2. deliver every queued message, in the order queued;
//!
//! and [`Cluster::commit_batch`] proposes a batch at the leader and repeats rounds until a
//! round produces no message (the cluster is quiet). Each batch must then be applied on every
//! server, which [`Cluster::check`] verifies (same count and checksum everywhere, equal to the
//! checksum of what was proposed).
#![allow(dead_code)] // Each includer uses a different part.

use std::time::{Duration, Instant};

use raftlab::raft::{Bytes, Config, DurableState, EntryPayload, Message, Node, Role};

/// Bytes per proposed command.
pub const PAYLOAD_LEN: usize = 128;

/// One command.
pub type Payload = [u8; PAYLOAD_LEN];

/// The state machine every server applies to: how many commands, and an order-sensitive
/// checksum of their bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sm {
    /// Commands applied.
    pub count: u64,
    /// Order-sensitive hash of every applied payload.
    pub checksum: u64,
}

impl Sm {
    /// Applies one command: FNV-style over 8-byte little-endian words (a short last word is
    /// zero-padded). Whole words are read with `chunks_exact` so the loop compiles to plain
    /// loads; a variable-length `copy_from_slice` per word became a libc `memcpy` call per 8
    /// bytes and made this trivial state machine a quarter of the profile — the same cost on
    /// both sides of the comparison, which only hid the difference between them.
    #[inline]
    pub fn apply(&mut self, data: &[u8]) {
        const PRIME: u64 = 0x0000_0100_0000_01B3;
        self.count += 1;
        let mut h = self.checksum;
        let mut words = data.chunks_exact(8);
        for word in &mut words {
            let w: [u8; 8] = word.try_into().expect("chunks_exact yields 8 bytes");
            h = (h ^ u64::from_le_bytes(w)).wrapping_mul(PRIME);
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            h = (h ^ u64::from_le_bytes(w)).wrapping_mul(PRIME);
        }
        self.checksum = h.rotate_left(17) ^ data.len() as u64;
    }
}

/// One Raft implementation as the driver sees it.
pub trait Server: Sized {
    /// What servers exchange.
    type Msg;
    /// Shown in tables.
    const NAME: &'static str;
    /// Server `id` (1-based) of a fresh cluster whose voters are `1..=n`.
    fn new(id: u64, n: usize) -> Self;
    /// Starts an election (the driver calls it on server 1 only, before timing).
    fn campaign(&mut self);
    /// Whether this server is the leader.
    fn is_leader(&self) -> bool;
    /// Proposes the batch at this server (the leader), as one proposal call when possible.
    fn propose(&mut self, batch: &[Payload]);
    /// Receives one message.
    fn step(&mut self, m: Self::Msg);
    /// The recipient's id.
    fn to(m: &Self::Msg) -> u64;
    /// Handles everything the server has ready, in full: persist, push the messages to send
    /// onto `out`, apply committed commands to `sm`. Returns without work if nothing is ready.
    fn handle_ready(&mut self, out: &mut Vec<Self::Msg>, sm: &mut Sm);
}

/// N servers and their state machines.
pub struct Cluster<S: Server> {
    /// Server `i` has id `i + 1`; server 1 leads.
    pub servers: Vec<S>,
    /// The state machine of each server.
    pub sms: Vec<Sm>,
    /// What the leader's state machine must reach: every proposed payload, in order.
    pub expected: Sm,
    outbox: Vec<S::Msg>,
    inbox: Vec<S::Msg>,
    next_seq: u64,
    batch: Vec<Payload>,
}

impl<S: Server> Cluster<S> {
    /// A cluster of `n` servers with server 1 elected leader (and its first-term entry
    /// applied everywhere).
    pub fn new(n: usize) -> Self {
        let servers: Vec<S> = (1..=n as u64).map(|id| S::new(id, n)).collect();
        let mut c = Cluster {
            servers,
            sms: vec![Sm::default(); n],
            expected: Sm::default(),
            outbox: Vec::new(),
            inbox: Vec::new(),
            next_seq: 0,
            batch: Vec::new(),
        };
        c.servers[0].campaign();
        c.run_until_quiet();
        assert!(
            c.servers[0].is_leader(),
            "{}: server 1 was not elected",
            S::NAME
        );
        c
    }

    /// Rounds of ready-handling and delivery until a round sends nothing. Returns the number
    /// of rounds.
    pub fn run_until_quiet(&mut self) -> u64 {
        let mut rounds = 0;
        loop {
            rounds += 1;
            for (s, sm) in self.servers.iter_mut().zip(self.sms.iter_mut()) {
                s.handle_ready(&mut self.outbox, sm);
            }
            if self.outbox.is_empty() {
                return rounds;
            }
            std::mem::swap(&mut self.outbox, &mut self.inbox);
            for m in self.inbox.drain(..) {
                let to = S::to(&m) as usize;
                self.servers[to - 1].step(m);
            }
            assert!(rounds < 1000, "{}: the cluster never went quiet", S::NAME);
        }
    }

    /// Fills the next batch of `size` distinct payloads (sequence number + pattern).
    fn fill_batch(&mut self, size: usize) {
        self.batch.clear();
        for _ in 0..size {
            let seq = self.next_seq;
            self.next_seq += 1;
            let mut p = [0u8; PAYLOAD_LEN];
            for (i, b) in p.iter_mut().enumerate() {
                *b = (seq as u8).wrapping_mul(31).wrapping_add(i as u8);
            }
            p[..8].copy_from_slice(&seq.to_le_bytes());
            self.expected.apply(&p);
            self.batch.push(p);
        }
    }

    /// Proposes `size` new commands at the leader and runs until the cluster is quiet.
    pub fn commit_batch(&mut self, size: usize) {
        self.fill_batch(size);
        self.servers[0].propose(&self.batch);
        self.run_until_quiet();
    }

    /// Every server applied exactly what was proposed, in order.
    pub fn check(&self) -> Result<(), String> {
        if !self.servers[0].is_leader() {
            return Err(format!("{}: server 1 lost leadership", S::NAME));
        }
        for (i, sm) in self.sms.iter().enumerate() {
            if *sm != self.expected {
                return Err(format!(
                    "{}: server {} applied {:?}, expected {:?}",
                    S::NAME,
                    i + 1,
                    sm,
                    self.expected
                ));
            }
        }
        Ok(())
    }
}

/// Wall-clock and CPU time of one timed run.
#[derive(Debug, Clone, Copy)]
pub struct RunTime {
    /// Elapsed wall-clock time.
    pub wall: Duration,
    /// CPU time of the driving thread, when the caller supplied a clock for it.
    pub cpu: Option<Duration>,
}

/// Commits `entries` commands in batches of `batch` on a fresh, already elected cluster of
/// `n` servers; returns the time the batches took (election excluded) after checking that
/// every server applied all of them. `thread_cpu`, if given, reads the calling thread's CPU
/// clock (less disturbed than wall time on a shared machine).
pub fn timed_run<S: Server>(
    n: usize,
    batch: usize,
    entries: u64,
    thread_cpu: Option<fn() -> Duration>,
) -> RunTime {
    let mut c = Cluster::<S>::new(n);
    let batches = entries.div_ceil(batch as u64);
    let cpu0 = thread_cpu.map(|f| f());
    let start = Instant::now();
    for _ in 0..batches {
        c.commit_batch(batch);
    }
    let wall = start.elapsed();
    let cpu = thread_cpu.zip(cpu0).map(|(f, c0)| f() - c0);
    c.check().unwrap_or_else(|e| panic!("broken run: {e}"));
    assert_eq!(c.expected.count, batches * batch as u64);
    RunTime { wall, cpu }
}

// ---------------------------------------------------------------------------------------------
// raftlab's side.

/// A raftlab [`Node`] with its modelled disk.
pub struct RaftlabServer {
    /// The Raft node.
    pub node: Node,
    /// What it persisted.
    pub disk: DurableState,
}

/// The configuration both sides mirror: pre-vote and check-quorum on (raftlab's defaults), at
/// most 64 entries per AppendEntries, 8 appends in flight.
pub fn raftlab_config() -> Config {
    Config {
        pre_vote: true,
        check_quorum: true,
        max_entries_per_append: 64,
        max_inflight_appends: 8,
        ..Config::default()
    }
}

impl Server for RaftlabServer {
    type Msg = Message;
    const NAME: &'static str = "raftlab";

    fn new(id: u64, n: usize) -> Self {
        let voters: Vec<u32> = (1..=n as u32).collect();
        let mut node =
            Node::new(id as u32, raftlab_config(), &voters, 42, 0).expect("valid config");
        node.set_committed_entries_by_reference(true);
        RaftlabServer {
            node,
            disk: DurableState::default(),
        }
    }

    fn campaign(&mut self) {
        self.node.campaign().expect("can campaign");
    }

    fn is_leader(&self) -> bool {
        self.node.role() == Role::Leader
    }

    fn propose(&mut self, batch: &[Payload]) {
        if let [one] = batch {
            self.node
                .propose(Bytes::copy_from_slice(one))
                .expect("leader accepts");
        } else {
            self.node
                .propose_batch(batch.iter().map(|p| Bytes::copy_from_slice(p)))
                .expect("leader accepts");
        }
    }

    fn step(&mut self, m: Message) {
        self.node.step(m);
    }

    fn to(m: &Message) -> u64 {
        u64::from(m.to)
    }

    fn handle_ready(&mut self, out: &mut Vec<Message>, sm: &mut Sm) {
        if !self.node.has_ready() {
            return;
        }
        // Committed entries are read in place (set_committed_entries_by_reference).
        let first_new = self.node.last_applied() + 1;
        let rd = self.node.ready();
        self.disk.apply_owned(rd.persist);
        out.extend(rd.messages);
        assert!(rd.snapshot_to_install.is_none(), "no snapshots here");
        for e in self.node.log_range(first_new, self.node.last_applied()) {
            if let EntryPayload::Command(data) = &e.payload {
                sm.apply(data);
            }
        }
    }
}
