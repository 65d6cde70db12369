//! raftlab's Raft core vs tikv/raft-rs 0.7 in one identical driver loop (issue 6).
//! See README.md for the method. Usage:
//!
//! ```text
//! raft-compare [--runs R] [--entries E] [--only raftlab|raft-rs] [--case NxB ...]
//! ```

#[path = "../../../benches/common/driver.rs"]
mod driver;

use std::time::Duration;

use driver::{timed_run, Payload, RaftlabServer, Server, Sm};
use raft::eraftpb::{ConfState, Entry, Message, MessageType};
use raft::storage::MemStorage;
use raft::{Config, RawNode, StateRole};
use slog::{o, Discard, Logger};

/// A raft-rs `RawNode` over `MemStorage`.
struct RaftRsServer {
    node: RawNode<MemStorage>,
}

/// raft-rs configured like [`driver::raftlab_config`]: pre-vote and check-quorum on, 8
/// appends in flight, and a message size limit that fits a 64-entry batch (raftlab sends at
/// most 64 entries per AppendEntries; raft-rs limits bytes, and one 128-byte entry encodes
/// to about 140 bytes, so 64 entries are about 9 KiB).
fn raft_rs_config(id: u64) -> Config {
    Config {
        id,
        election_tick: 10,
        heartbeat_tick: 3,
        pre_vote: true,
        check_quorum: true,
        max_size_per_msg: 16 * 1024,
        max_inflight_msgs: 8,
        ..Config::default()
    }
}

impl Server for RaftRsServer {
    type Msg = Message;
    const NAME: &'static str = "raft-rs";

    fn new(id: u64, n: usize) -> Self {
        let voters: Vec<u64> = (1..=n as u64).collect();
        let storage = MemStorage::new_with_conf_state(ConfState::from((voters, vec![])));
        let logger = Logger::root(Discard, o!());
        let node = RawNode::new(&raft_rs_config(id), storage, &logger).expect("valid config");
        RaftRsServer { node }
    }

    fn campaign(&mut self) {
        self.node.campaign().expect("can campaign");
    }

    fn is_leader(&self) -> bool {
        self.node.raft.state == StateRole::Leader
    }

    fn propose(&mut self, batch: &[Payload]) {
        if let [one] = batch {
            self.node
                .propose(Vec::new(), one.to_vec())
                .expect("leader accepts");
        } else {
            // One MsgPropose carrying the whole batch: what `propose` does for one entry, and
            // raft-rs's cheapest way to append many (a single broadcast for the batch).
            let mut m = Message::default();
            m.set_msg_type(MessageType::MsgPropose);
            m.from = self.node.raft.id;
            let entries: Vec<Entry> = batch
                .iter()
                .map(|p| Entry {
                    data: p.to_vec().into(),
                    ..Default::default()
                })
                .collect();
            m.set_entries(entries.into());
            self.node.step(m).expect("leader accepts");
        }
    }

    fn step(&mut self, m: Message) {
        self.node.step(m).expect("step");
    }

    fn to(m: &Message) -> u64 {
        m.to
    }

    /// The documented raft-rs cycle (examples/five_mem_node): send the leader's messages,
    /// apply committed entries, persist entries and hard state, send persisted messages,
    /// `advance`, then handle the `LightReady` (commit index, messages, committed entries)
    /// and `advance_apply`.
    fn handle_ready(&mut self, out: &mut Vec<Message>, sm: &mut Sm) {
        if !self.node.has_ready() {
            return;
        }
        let mut rd = self.node.ready();
        out.extend(rd.take_messages());
        assert!(rd.snapshot().get_metadata().index == 0, "no snapshots here");
        apply_entries(sm, rd.take_committed_entries());
        let store = self.node.store().clone();
        if !rd.entries().is_empty() {
            store.wl().append(rd.entries()).expect("append");
        }
        if let Some(hs) = rd.hs() {
            store.wl().set_hardstate(hs.clone());
        }
        out.extend(rd.take_persisted_messages());
        let mut light = self.node.advance(rd);
        if let Some(commit) = light.commit_index() {
            store.wl().mut_hard_state().set_commit(commit);
        }
        out.extend(light.take_messages());
        apply_entries(sm, light.take_committed_entries());
        self.node.advance_apply();
    }
}

fn apply_entries(sm: &mut Sm, entries: Vec<Entry>) {
    for e in &entries {
        // The leader's empty first-term entry carries no data.
        if !e.data.is_empty() {
            sm.apply(&e.data);
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    v[v.len() / 2]
}

/// CPU time consumed by the calling thread.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant libc knows.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Entries/s of every run of one side, by wall-clock and by thread CPU time.
#[derive(Default)]
struct Rates {
    wall: Vec<f64>,
    cpu: Vec<f64>,
}

impl Rates {
    fn run<S: Server>(&mut self, n: usize, batch: usize, entries: u64) {
        let t = timed_run::<S>(n, batch, entries, Some(thread_cpu));
        self.wall.push(entries as f64 / t.wall.as_secs_f64());
        self.cpu
            .push(entries as f64 / t.cpu.expect("cpu clock").as_secs_f64());
    }
}

fn k(r: f64) -> String {
    format!("{:.0}k", r / 1000.0)
}

fn main() {
    let mut runs = 3usize;
    let mut entries: Option<u64> = None;
    let mut only: Option<String> = None;
    let mut cases: Vec<(usize, usize)> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--runs" => runs = val().parse().expect("--runs N"),
            "--entries" => entries = Some(val().parse().expect("--entries N")),
            "--only" => only = Some(val()),
            "--case" => {
                let v = val();
                let (n, b) = v.split_once('x').expect("--case NxB, e.g. 3x64");
                cases.push((n.parse().expect("N"), b.parse().expect("B")));
            }
            _ => panic!("unknown argument {a}; see README.md"),
        }
    }
    if cases.is_empty() {
        cases = vec![(3, 1), (3, 64), (5, 1), (5, 64)];
    }
    let want = |name: &str| only.as_deref().is_none_or(|o| o == name);

    println!(
        "raftlab vs raft-rs 0.7: entries committed and applied on every server per second \
         (128-byte payloads; median of {runs} runs, the two sides interleaved)"
    );
    println!(
        "| servers | batch | entries/run | raftlab | raft-rs | ratio | raftlab (CPU) | raft-rs (CPU) | ratio (CPU) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut details = Vec::new();
    for (n, batch) in cases {
        // Batch 1 is several times slower per entry: fewer entries keep runs near a second.
        let e = entries.unwrap_or(if batch == 1 { 200_000 } else { 640_000 });
        let (mut ours, mut theirs) = (Rates::default(), Rates::default());
        for r in 0..runs {
            // Alternate who goes first so neither side always runs right after the other.
            if r % 2 == 0 {
                if want("raftlab") {
                    ours.run::<RaftlabServer>(n, batch, e);
                }
                if want("raft-rs") {
                    theirs.run::<RaftRsServer>(n, batch, e);
                }
            } else {
                if want("raft-rs") {
                    theirs.run::<RaftRsServer>(n, batch, e);
                }
                if want("raftlab") {
                    ours.run::<RaftlabServer>(n, batch, e);
                }
            }
        }
        let med = |v: &Vec<f64>| (!v.is_empty()).then(|| median(v.clone()));
        let cell = |m: Option<f64>| m.map_or("-".into(), k);
        let ratio = |a: Option<f64>, b: Option<f64>| {
            a.zip(b)
                .map_or("-".into(), |(a, b)| format!("{:.2}x", a / b))
        };
        let (ow, tw, oc, tc) = (
            med(&ours.wall),
            med(&theirs.wall),
            med(&ours.cpu),
            med(&theirs.cpu),
        );
        println!(
            "| {n} | {batch} | {e} | {} | {} | {} | {} | {} | {} |",
            cell(ow),
            cell(tw),
            ratio(ow, tw),
            cell(oc),
            cell(tc),
            ratio(oc, tc)
        );
        let list = |v: &Vec<f64>| v.iter().map(|r| k(*r)).collect::<Vec<_>>().join(" ");
        details.push(format!(
            "{n}x{batch}: raftlab wall [{}] cpu [{}]; raft-rs wall [{}] cpu [{}]",
            list(&ours.wall),
            list(&ours.cpu),
            list(&theirs.wall),
            list(&theirs.cpu)
        ));
    }
    println!();
    println!("every run (entries/s):");
    for d in details {
        println!("  {d}");
    }
}
