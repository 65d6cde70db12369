//! Robustness property test: a seeded random adversary drives small clusters with random
//! inputs. Honest runs (crash faults, loss, duplication, reordering) must keep Raft's safety
//! properties after every step; Byzantine runs (forged and mutated messages too) must never
//! panic and must keep every server's local invariants.
//!
//! Replay a failure: the message starts with `SEED=<n>`; run
//! `RAFT_SEED=<n> cargo test --test raft_robustness -- --nocapture`. `RAFT_SEEDS=<count>`
//! runs a wider sweep.

#[path = "common/adversary.rs"]
mod adversary;

use adversary::{client_call, random_entry, Cluster, SplitMix64};
use raftlab::raft::{
    AppendReject, AppendRejectReason, Bytes, Config, Configuration, Message, MessageBody, NodeId,
    Snapshot,
};

const SEEDS: u64 = 200;
const STEPS: u64 = 1000;

// Honest adversary: after every step at most one leader per term, committed prefixes agree,
// and every server applies the same sequence (also across snapshots and restarts).
#[test]
fn random_honest_adversary_never_breaks_safety() {
    let (mut committed, mut terms) = (0, 0);
    for seed in seeds(0) {
        let c = run(seed, true);
        committed += c.committed.len();
        terms += c.leaders.len();
    }
    eprintln!("honest runs: {committed} entries committed, {terms} terms with a leader");
    assert!(
        committed > 0 && terms > 0,
        "the adversary lets the cluster make progress"
    );
}

// Byzantine adversary: forged, mutated, misaddressed and extreme messages mixed into the
// traffic never make a server panic or break its local invariants.
#[test]
fn random_byzantine_adversary_never_panics() {
    for seed in seeds(1_000_000) {
        run(seed, false);
    }
}

/// `RAFT_SEED=n` replays one seed; `RAFT_SEEDS=n` widens the sweep (e.g. nightly).
fn seeds(base: u64) -> Vec<u64> {
    let env = |k: &str| std::env::var(k).ok().and_then(|s| s.parse::<u64>().ok());
    match (env("RAFT_SEED"), env("RAFT_SEEDS")) {
        (Some(seed), _) => vec![seed],
        (None, n) => (base..base + n.unwrap_or(SEEDS)).collect(),
    }
}

fn config_for(rng: &mut SplitMix64) -> Config {
    Config {
        election_timeout_ms_min: 10,
        election_timeout_ms_max: 20,
        heartbeat_interval_ms: 2,
        pre_vote: rng.chance(50),
        check_quorum: rng.chance(50),
        max_entries_per_append: 1 + rng.below(4),
        max_inflight_appends: 1 + rng.below(4),
        bugs: Default::default(),
    }
}

fn run(seed: u64, honest: bool) -> Cluster {
    let mut rng = SplitMix64(seed);
    let config = config_for(&mut rng);
    let voters = 1 + rng.below(5) as u32;
    let mut c = Cluster::new(config, voters, voters + 2, seed);
    c.honest = honest;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        for step in 0..STEPS {
            one_step(&mut c, &mut rng, step);
            c.check_local();
            if honest {
                c.check_leaders();
                c.check_committed_prefixes();
            }
        }
    }));
    if let Err(e) = result {
        eprintln!("SEED={seed} (honest: {honest}) failed; replay with RAFT_SEED={seed}");
        std::panic::resume_unwind(e);
    }
    c
}

fn one_step(c: &mut Cluster, rng: &mut SplitMix64, step: u64) {
    match rng.below(100) {
        0..=44 => deliver_random(c, rng),
        45..=54 => {
            if !c.pool.is_empty() {
                let i = rng.below(c.pool.len() as u64) as usize;
                c.pool.swap_remove(i); // loss
            }
        }
        55..=74 => {
            let now = c.now_ms + rng.below(8);
            c.tick_all(now);
        }
        75..=89 => client_call(c, rng, step),
        90 => crash_or_restore(c, rng),
        _ if c.honest => deliver_random(c, rng),
        _ => {
            let m = forge(c, rng);
            c.deliver(m);
        }
    }
}

/// Delivers a random in-flight message (reordering); sometimes keeps a copy (duplication).
fn deliver_random(c: &mut Cluster, rng: &mut SplitMix64) {
    if c.pool.is_empty() {
        return;
    }
    let i = rng.below(c.pool.len() as u64) as usize;
    let m = if rng.chance(10) {
        c.pool[i].clone()
    } else {
        c.pool.swap_remove(i)
    };
    c.deliver(m);
}

fn crash_or_restore(c: &mut Cluster, rng: &mut SplitMix64) {
    let ids = c.ids();
    let id = ids[rng.below(ids.len() as u64) as usize];
    if c.servers[&id].node.is_some() {
        c.crash(id);
    } else {
        c.restore(id);
    }
}

/// A forged message: a mutated copy of real traffic, or one built from scratch.
fn forge(c: &mut Cluster, rng: &mut SplitMix64) -> Message {
    let mut m = if !c.pool.is_empty() && rng.chance(50) {
        c.pool[rng.below(c.pool.len() as u64) as usize].clone()
    } else {
        let from = rng.below(9) as NodeId;
        let body = random_body(rng, 0);
        Message {
            from,
            to: 1,
            term: 0,
            body,
        }
    };
    let max_term = c.leaders.keys().last().copied().unwrap_or(0) + 2;
    m.to = rng.below(c.servers.len() as u64 + 2) as NodeId;
    m.term = pick(rng, max_term);
    if rng.chance(30) {
        m.from = rng.below(9) as NodeId;
    }
    if rng.chance(50) {
        m.body = random_body(rng, max_term);
    }
    m
}

/// A small value near the interesting range, or an extreme one.
fn pick(rng: &mut SplitMix64, near: u64) -> u64 {
    match rng.below(20) {
        0 => u64::MAX,
        1 => 1 << 62,
        2 => u64::MAX - 1,
        _ => rng.below(near + 3),
    }
}

fn random_body(rng: &mut SplitMix64, near: u64) -> MessageBody {
    let near = near.max(4) + 8;
    match rng.below(10) {
        0 => MessageBody::RequestVote {
            pre_vote: rng.chance(50),
            leader_transfer: rng.chance(20),
            last_log_index: pick(rng, near),
            last_log_term: pick(rng, near),
        },
        1 => MessageBody::RequestVoteResponse {
            pre_vote: rng.chance(50),
            granted: rng.chance(70),
            reject_reason: None,
        },
        2 | 3 => random_append(rng, near),
        4 => random_append_response(rng, near),
        5 => MessageBody::InstallSnapshot {
            snapshot: random_snapshot(rng, near),
        },
        6 => MessageBody::InstallSnapshotResponse {
            match_index: pick(rng, near),
        },
        7 => MessageBody::TimeoutNow,
        8 => MessageBody::ReadIndexResponse {
            ctx: rng.below(5),
            index: Some(pick(rng, near)),
        },
        _ => MessageBody::TransferLeader {
            target: rng.below(9) as NodeId,
        },
    }
}

fn random_append(rng: &mut SplitMix64, near: u64) -> MessageBody {
    let prev = rng.below(near);
    let consecutive = rng.chance(80);
    let mut term = rng.below(near);
    let entries = (0..rng.below(4))
        .map(|i| {
            term += rng.below(2);
            let index = if consecutive {
                prev + 1 + i
            } else {
                pick(rng, near)
            };
            random_entry(rng, index, term)
        })
        .collect();
    MessageBody::AppendEntries {
        prev_log_index: prev,
        prev_log_term: rng.below(near),
        entries,
        leader_commit: pick(rng, near),
        read_seq: rng.below(4),
    }
}

fn random_append_response(rng: &mut SplitMix64, near: u64) -> MessageBody {
    let success = rng.chance(50);
    let reject = (!success).then(|| AppendReject {
        reason: AppendRejectReason::MissingEntry {
            prev_log_index: 0,
            last_index: 0,
        },
        rejected_index: pick(rng, near),
        hint_index: pick(rng, near),
        hint_term: if rng.chance(50) { 0 } else { pick(rng, near) },
    });
    MessageBody::AppendEntriesResponse {
        success,
        match_index: pick(rng, near),
        reject,
        read_seq: pick(rng, 4),
    }
}

fn random_snapshot(rng: &mut SplitMix64, near: u64) -> Snapshot {
    let voters: Vec<NodeId> = (1..=rng.below(4) as NodeId).collect();
    Snapshot {
        last_included_index: pick(rng, near),
        last_included_term: pick(rng, near),
        configuration: Configuration::with_voters(&voters),
        data: Bytes::from("junk"),
    }
}
