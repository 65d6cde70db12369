//! Criterion benchmarks of the Raft core (issue 6). Run with
//! `CARGO_TARGET_DIR=/work/target-bench cargo bench --bench core` (see bench/raft-compare/README.md).
//!
//! - `core_commit/NxB`: N servers, batches of B 128-byte commands, each committed and applied
//!   on every server through the full Ready cycle; the same driver loop as the raft-rs
//!   comparison (`benches/common/driver.rs`). Throughput is in entries.
//! - micro-benchmarks: node creation, a whole election, campaign + first Ready, log appends on
//!   the leader and follower side, a proposal on a single-server cluster.

#[path = "common/driver.rs"]
mod driver;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use raftlab::raft::{
    Bytes, Config, Configuration, DurableState, Entry, EntryPayload, Node, RaftLog, SharedEntries,
    Snapshot,
};

use driver::{Cluster, RaftlabServer};

/// Most entries one cluster accumulates before the bench starts a fresh one (untimed), so a
/// long measurement does not grow the logs without bound.
const ENTRIES_PER_CLUSTER: u64 = 100_000;

fn core_commit(c: &mut Criterion) {
    let mut g = c.benchmark_group("core_commit");
    g.sample_size(20).measurement_time(Duration::from_secs(4));
    for n in [3usize, 5] {
        for batch in [1usize, 64] {
            g.throughput(Throughput::Elements(batch as u64));
            g.bench_function(format!("{n}x{batch}"), |b| {
                b.iter_custom(|iters| {
                    let per_cluster = (ENTRIES_PER_CLUSTER / batch as u64).max(1);
                    let mut total = Duration::ZERO;
                    let mut left = iters;
                    while left > 0 {
                        let chunk = left.min(per_cluster);
                        let mut cluster = Cluster::<RaftlabServer>::new(n);
                        let start = Instant::now();
                        for _ in 0..chunk {
                            cluster.commit_batch(batch);
                        }
                        total += start.elapsed();
                        cluster.check().expect("every server applied every batch");
                        left -= chunk;
                    }
                    total
                });
            });
        }
    }
    g.finish();
}

fn voters(n: u32) -> Vec<u32> {
    (1..=n).collect()
}

fn entry(index: u64, term: u64) -> Entry {
    Entry {
        index,
        term,
        payload: EntryPayload::Command(Bytes::copy_from_slice(&[7u8; driver::PAYLOAD_LEN])),
    }
}

fn empty_log() -> RaftLog {
    let base = Snapshot {
        last_included_index: 0,
        last_included_term: 0,
        configuration: Configuration::with_voters(&[1, 2, 3]),
        data: Bytes::default(),
    };
    RaftLog::restore(base, Vec::new())
}

fn micro(c: &mut Criterion) {
    let mut g = c.benchmark_group("core_micro");
    g.sample_size(30).measurement_time(Duration::from_secs(2));

    for n in [3u32, 5] {
        let vs = voters(n);
        g.bench_function(format!("node_new/{n}"), |b| {
            b.iter(|| Node::new(1, Config::default(), black_box(&vs), 42, 0).expect("valid"))
        });
        g.bench_function(format!("campaign_ready/{n}"), |b| {
            b.iter_batched(
                || Node::new(1, Config::default(), &vs, 42, 0).expect("valid"),
                |mut node| {
                    node.campaign().expect("voter");
                    let rd = node.ready();
                    (node, rd)
                },
                BatchSize::SmallInput,
            )
        });
        g.bench_function(format!("elect_cluster/{n}"), |b| {
            b.iter(|| Cluster::<RaftlabServer>::new(n as usize))
        });
    }

    let batch: Vec<Entry> = (1..=64).map(|i| entry(i, 1)).collect();
    g.throughput(Throughput::Elements(64));
    g.bench_function("log_append_leader/64", |b| {
        b.iter_batched(
            || (empty_log(), batch.clone()),
            |(mut log, entries)| {
                for e in entries {
                    log.append(e);
                }
                log
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("log_maybe_append_follower/64", |b| {
        b.iter_batched(
            || (empty_log(), SharedEntries::from(batch.clone())),
            |(mut log, entries)| {
                log.maybe_append(0, 0, black_box(&entries), false)
                    .expect("matches");
                log
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("durable_apply/64", |b| {
        let mut node = Node::new(1, Config::default(), &[1], 42, 0).expect("valid");
        let mut base = DurableState::default();
        node.campaign().expect("voter");
        base.apply(&node.ready().persist);
        node.propose_batch((0..64).map(|_| Bytes::copy_from_slice(&[7u8; 128])))
            .expect("leader");
        let persist = node.ready().persist;
        b.iter_batched(
            || base.clone(),
            |mut disk| {
                disk.apply(black_box(&persist));
                disk
            },
            BatchSize::SmallInput,
        )
    });

    g.throughput(Throughput::Elements(1));
    g.bench_function("propose_ready_single_server", |b| {
        b.iter_custom(|iters| {
            let payload = [7u8; driver::PAYLOAD_LEN];
            let mut total = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                let chunk = left.min(ENTRIES_PER_CLUSTER);
                let mut node = Node::new(1, Config::default(), &[1], 42, 0).expect("valid");
                let mut disk = DurableState::default();
                node.campaign().expect("voter");
                disk.apply(&node.ready().persist);
                let start = Instant::now();
                for _ in 0..chunk {
                    node.propose(Bytes::copy_from_slice(&payload))
                        .expect("leader");
                    let rd = node.ready();
                    disk.apply(&rd.persist);
                    black_box(&rd.committed_entries);
                }
                total += start.elapsed();
                assert_eq!(node.last_applied(), chunk + 1);
                left -= chunk;
            }
            total
        })
    });
    g.finish();
}

criterion_group!(benches, core_commit, micro);
criterion_main!(benches);
