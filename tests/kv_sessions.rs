//! Behaviour of the key-value state machine's client sessions (thesis §6.3 exactly-once),
//! its command encoding and its snapshots.

#[path = "common/splitmix.rs"]
mod splitmix;
use splitmix::SplitMix;

use raftlab::kv::{
    ApplyOutcome, ClientSession, Command, DecodeError, KvConfig, KvStore, Operation, OutcomeKind,
    Response, SessionError,
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Words for keys and values of the property-style loops.
trait Words {
    fn word(&mut self) -> String;
}

impl Words for SplitMix {
    fn word(&mut self) -> String {
        const WORDS: [&str; 6] = ["a", "b", "x", "ü", "", "long-ish value"];
        WORDS[self.below(WORDS.len() as u64) as usize].to_owned()
    }
}

/// A store plus the next log index and timestamp, so tests read like a log.
struct Replica {
    store: KvStore,
    next_index: u64,
}

impl Replica {
    fn new(config: KvConfig) -> Self {
        Self {
            store: KvStore::new(config).expect("valid config"),
            next_index: 1,
        }
    }

    fn apply_at(&mut self, timestamp_ms: u64, command: &Command) -> ApplyOutcome {
        let index = self.next_index;
        self.next_index += 1;
        // Go through the bytes, as the Raft log does.
        self.store
            .apply_entry_bytes(index, timestamp_ms, &command.encode())
    }

    fn apply(&mut self, command: &Command) -> ApplyOutcome {
        self.apply_at(0, command)
    }

    /// Registers a client and returns its helper.
    fn register(&mut self) -> ClientSession {
        let outcome = self.apply(&ClientSession::register_command());
        match outcome.response {
            Some(Response::Registered { client_id }) => ClientSession::new(client_id),
            other => panic!("register failed: {other:?}"),
        }
    }
}

fn put(key: &str, value: &str) -> Operation {
    Operation::Put {
        key: key.into(),
        value: value.into(),
    }
}

fn append(key: &str, value: &str) -> Operation {
    Operation::Append {
        key: key.into(),
        value: value.into(),
    }
}

fn cas(key: &str, expected: Option<&str>, new: &str) -> Operation {
    Operation::Cas {
        key: key.into(),
        expected: expected.map(str::to_owned),
        new: new.into(),
    }
}

fn request(client_id: u64, serial: u64, lowest_unacked: u64, op: Operation) -> Command {
    Command::Request {
        client_id,
        serial,
        lowest_unacked,
        op,
    }
}

// ---------------------------------------------------------------------------------------------
// Exactly-once
// ---------------------------------------------------------------------------------------------

#[test]
fn retried_put_is_applied_once_and_returns_the_same_response() {
    // The first put is Applied; its retry (same serial) is a Duplicate with the same response,
    // and a later put by another client is not undone by the retry.
    let mut replica = Replica::new(KvConfig::default());
    let mut alice = replica.register();
    let mut bob = replica.register();
    let first = replica.apply(&alice.start(put("k", "alice")));
    replica.apply(&bob.start(put("k", "bob")));
    let retry = replica.apply(&alice.retry(1).unwrap());
    assert_eq!(first.kind, OutcomeKind::Applied);
    assert_eq!(retry.kind, OutcomeKind::Duplicate);
    assert_eq!(retry.response, first.response);
    assert_eq!(replica.store.read("k"), Some("bob"));
    assert_eq!(replica.store.counters().duplicates_suppressed, 1);
}

#[test]
fn retried_append_appends_once() {
    // Three deliveries of the same append leave the text appended exactly once.
    let mut replica = Replica::new(KvConfig::default());
    let mut client = replica.register();
    let command = client.start(append("log", "x"));
    let kinds: Vec<OutcomeKind> = (0..3).map(|_| replica.apply(&command).kind).collect();
    assert_eq!(
        kinds,
        [
            OutcomeKind::Applied,
            OutcomeKind::Duplicate,
            OutcomeKind::Duplicate
        ]
    );
    assert_eq!(replica.store.read("log"), Some("x"));
}

#[test]
fn retried_cas_returns_the_original_success_even_after_the_value_changed() {
    // The cas succeeds; another client then overwrites the key; the retry still answers
    // CasOk (the saved response) and does not write again.
    let mut replica = Replica::new(KvConfig::default());
    let mut alice = replica.register();
    let mut bob = replica.register();
    let first = replica.apply(&alice.start(cas("k", None, "1")));
    assert_eq!(first.response, Some(Response::CasOk));
    replica.apply(&bob.start(put("k", "2")));
    let retry = replica.apply(&alice.retry(1).unwrap());
    assert_eq!(
        (retry.kind, retry.response),
        (OutcomeKind::Duplicate, Some(Response::CasOk))
    );
    assert_eq!(replica.store.read("k"), Some("2"));
}

#[test]
fn failed_cas_reports_the_current_value_and_writes_nothing() {
    // Expecting "absent" on a present key fails with the current value.
    let mut replica = Replica::new(KvConfig::default());
    let mut client = replica.register();
    replica.apply(&client.start(put("k", "v")));
    let outcome = replica.apply(&client.start(cas("k", None, "w")));
    assert_eq!(
        outcome.response,
        Some(Response::CasFailed {
            current: Some("v".into())
        })
    );
    assert_eq!(replica.store.read("k"), Some("v"));
}

#[test]
fn concurrent_serials_from_one_client_apply_once_each_in_log_order() {
    // Serials 1, 2, 3 issued together reach the log as 3, 1, 2: each is applied fresh in log
    // order, and retries of any of them are duplicates afterwards.
    let mut replica = Replica::new(KvConfig::default());
    let mut client = replica.register();
    let commands: Vec<Command> = ["1", "2", "3"]
        .iter()
        .map(|v| client.start(append("k", v)))
        .collect();
    for i in [2, 0, 1] {
        assert_eq!(replica.apply(&commands[i]).kind, OutcomeKind::Applied);
    }
    assert_eq!(replica.store.read("k"), Some("312"));
    for command in &commands {
        assert_eq!(replica.apply(command).kind, OutcomeKind::Duplicate);
    }
    assert_eq!(replica.store.read("k"), Some("312"));
}

#[test]
fn lowest_unacknowledged_serial_prunes_saved_responses() {
    // Serials 1..=3 applied; the client then acknowledges 1 and 2 by sending serial 4 with
    // lowest_unacked = 3: only responses 3 and 4 remain saved.
    let mut replica = Replica::new(KvConfig::default());
    let mut client = replica.register();
    for serial in 1..=3 {
        replica.apply(&client.start(put("k", &serial.to_string())));
    }
    assert_eq!(
        replica
            .store
            .session(client.client_id())
            .unwrap()
            .saved_responses,
        3
    );
    client.complete(1);
    client.complete(2);
    replica.apply(&client.start(put("k", "4")));
    let saved: Vec<u64> = replica
        .store
        .saved_responses(client.client_id())
        .unwrap()
        .map(|(serial, _)| serial)
        .collect();
    assert_eq!(saved, vec![3, 4]);
    assert_eq!(
        replica
            .store
            .session(client.client_id())
            .unwrap()
            .lowest_unacked,
        3
    );
}

#[test]
fn keep_alive_also_acknowledges_responses() {
    // A keep-alive carrying lowest_unacked = 2 discards the response to serial 1.
    let mut replica = Replica::new(KvConfig::default());
    let mut client = replica.register();
    replica.apply(&client.start(put("k", "v")));
    client.complete(1);
    let outcome = replica.apply(&client.keep_alive());
    assert_eq!(outcome.response, Some(Response::Ok));
    assert_eq!(
        replica
            .store
            .session(client.client_id())
            .unwrap()
            .saved_responses,
        0
    );
}

#[test]
fn serial_below_the_acknowledged_floor_is_refused_as_discarded() {
    // After serial 1 is acknowledged, a late copy of it is Rejected with ResponseDiscarded
    // and NOT executed again.
    let mut replica = Replica::new(KvConfig::default());
    let mut client = replica.register();
    let id = client.client_id();
    let old = client.start(append("k", "x"));
    replica.apply(&old);
    client.complete(1);
    replica.apply(&client.start(append("k", "y")));
    let late = replica.apply(&old);
    assert_eq!(late.kind, OutcomeKind::Rejected);
    assert_eq!(
        late.response,
        Some(Response::SessionError {
            error: SessionError::ResponseDiscarded {
                client_id: id,
                serial: 1,
                lowest_unacked: 2
            }
        })
    );
    assert_eq!(replica.store.read("k"), Some("xy"));
    assert_eq!(replica.store.counters().rejected, 1);
}

#[test]
fn command_for_an_unknown_session_is_rejected_without_changing_data() {
    // Client 99 never registered: its put is Rejected and the data stays empty.
    let mut replica = Replica::new(KvConfig::default());
    let outcome = replica.apply(&request(99, 1, 1, put("k", "v")));
    assert_eq!(outcome.kind, OutcomeKind::Rejected);
    assert_eq!(
        outcome.response,
        Some(Response::SessionError {
            error: SessionError::UnknownSession { client_id: 99 }
        })
    );
    assert_eq!(replica.store.key_count(), 0);
    let keep_alive = replica.apply(&Command::KeepAlive {
        client_id: 99,
        lowest_unacked: 1,
    });
    assert_eq!(keep_alive.kind, OutcomeKind::Rejected);
}

#[test]
fn session_id_is_the_register_entry_index() {
    // Registering at indices 1 and 3 (with a no-op between) yields client ids 1 and 3.
    let mut store = KvStore::default();
    let first = store.apply(1, 0, &Command::RegisterClient);
    store.apply_no_op(2, 0);
    let second = store.apply(3, 0, &Command::RegisterClient);
    assert_eq!(first.response, Some(Response::Registered { client_id: 1 }));
    assert_eq!(second.response, Some(Response::Registered { client_id: 3 }));
    assert_eq!(
        store.sessions().map(|s| s.client_id).collect::<Vec<_>>(),
        vec![1, 3]
    );
}

#[test]
fn get_through_the_log_and_read_outside_it_agree() {
    // A logged Get returns the value (and NotFound for a missing key); read() sees the same.
    let mut replica = Replica::new(KvConfig::default());
    let mut client = replica.register();
    replica.apply(&client.start(put("k", "v")));
    let found = replica.apply(&client.start(Operation::Get { key: "k".into() }));
    let missing = replica.apply(&client.start(Operation::Get { key: "z".into() }));
    assert_eq!(found.response, Some(Response::Value { value: "v".into() }));
    assert_eq!(missing.response, Some(Response::NotFound));
    assert_eq!(
        (replica.store.read("k"), replica.store.read("z")),
        (Some("v"), None)
    );
}

// ---------------------------------------------------------------------------------------------
// Deterministic expiry and the LRU cap
// ---------------------------------------------------------------------------------------------

fn short_timeout(max_sessions: u32) -> KvConfig {
    KvConfig {
        session_timeout_ms: 1_000,
        max_sessions,
        apply_without_dedup: false,
    }
}

#[test]
fn idle_session_expires_when_a_later_entry_passes_the_timeout() {
    // Timeout 1000 ms: an entry at t=1000 keeps the session (idle exactly the timeout); an
    // entry at t=1001 expires it, and its next request is rejected as unknown.
    let mut replica = Replica::new(short_timeout(8));
    let mut client = replica.register();
    let mut other = replica.register();
    replica.apply_at(1_000, &other.start(put("o", "1")));
    assert!(replica.store.session(client.client_id()).is_some());
    replica.apply_at(1_001, &other.start(put("o", "2")));
    assert!(replica.store.session(client.client_id()).is_none());
    assert_eq!(replica.store.counters().sessions_expired, 1);
    let outcome = replica.apply_at(1_002, &client.start(put("k", "v")));
    assert_eq!(outcome.kind, OutcomeKind::Rejected);
    assert_eq!(replica.store.read("k"), None);
}

#[test]
fn keep_alive_prevents_expiry() {
    // Keep-alives every 900 ms keep an otherwise idle session alive past 5 timeouts.
    let mut replica = Replica::new(short_timeout(8));
    let client = replica.register();
    for step in 1..=6 {
        replica.apply_at(step * 900, &client.keep_alive());
    }
    assert_eq!(
        replica
            .store
            .session(client.client_id())
            .unwrap()
            .last_active_ms,
        5_400
    );
}

#[test]
fn lagging_leader_timestamp_does_not_move_log_time_back() {
    // An entry stamped earlier than log time leaves the clock where it was.
    let mut replica = Replica::new(short_timeout(8));
    let client = replica.register();
    replica.apply_at(500, &client.keep_alive());
    replica.apply_at(200, &client.keep_alive());
    assert_eq!(replica.store.clock_ms(), 500);
    assert_eq!(
        replica
            .store
            .session(client.client_id())
            .unwrap()
            .last_active_ms,
        500
    );
}

#[test]
fn registering_past_the_cap_evicts_the_least_recently_used_session() {
    // Cap 2: clients A and B; A is used again; registering C evicts B, not A.
    let mut replica = Replica::new(short_timeout(2));
    let mut a = replica.register();
    let b = replica.register();
    replica.apply(&a.start(put("k", "a")));
    let c = replica.register();
    let live: Vec<u64> = replica.store.sessions().map(|s| s.client_id).collect();
    assert_eq!(live, vec![a.client_id(), c.client_id()]);
    assert!(replica.store.session(b.client_id()).is_none());
    assert_eq!(replica.store.counters().sessions_evicted, 1);
}

/// One entry of a generated log.
#[derive(Clone, Debug)]
enum Entry {
    Bytes(Vec<u8>),
    NoOp,
}

/// A realistic random log: registrations, requests (fresh, retried, stale, unknown clients),
/// keep-alives, no-ops and garbage, with mostly increasing and sometimes lagging timestamps.
fn random_log(seed: u64, len: u64) -> Vec<(u64, Entry)> {
    let mut rng = SplitMix(seed);
    let mut clients: Vec<ClientSession> = Vec::new();
    let mut sent: Vec<Command> = Vec::new();
    let mut now_ms = 0u64;
    let mut log = Vec::new();
    for index in 1..=len {
        now_ms = if rng.chance(10) {
            now_ms.saturating_sub(rng.below(300))
        } else {
            now_ms + rng.below(400)
        };
        let entry = random_entry(&mut rng, index, &mut clients, &mut sent);
        log.push((now_ms, entry));
    }
    log
}

fn random_entry(
    rng: &mut SplitMix,
    index: u64,
    clients: &mut Vec<ClientSession>,
    sent: &mut Vec<Command>,
) -> Entry {
    let command = match rng.below(100) {
        0..=9 => {
            clients.push(ClientSession::new(index));
            Command::RegisterClient
        }
        10..=14 => return Entry::NoOp,
        15..=17 => return Entry::Bytes(vec![rng.below(256) as u8; rng.below(4) as usize]),
        18..=29 if !sent.is_empty() => sent[rng.below(sent.len() as u64) as usize].clone(),
        30..=34 => request(rng.below(1_000), rng.below(5), 0, put("k", "v")),
        _ if clients.is_empty() => Command::RegisterClient,
        roll => {
            let pick = rng.below(clients.len() as u64) as usize;
            let client = &mut clients[pick];
            let outstanding: Vec<u64> = client.outstanding().collect();
            if roll < 45 && !outstanding.is_empty() {
                let serial = outstanding[rng.below(outstanding.len() as u64) as usize];
                client.complete(serial);
            }
            if roll < 50 {
                client.keep_alive()
            } else {
                let key = ["k", "j"][rng.below(2) as usize];
                let op = match rng.below(4) {
                    0 => Operation::Get { key: key.into() },
                    1 => put(key, &rng.word()),
                    2 => cas(key, rng.chance(30).then_some("a"), &rng.word()),
                    _ => append(key, &rng.word()),
                };
                client.start(op)
            }
        }
    };
    sent.push(command.clone());
    Entry::Bytes(command.encode())
}

fn apply_entry(store: &mut KvStore, index: u64, timestamp_ms: u64, entry: &Entry) -> ApplyOutcome {
    match entry {
        Entry::Bytes(bytes) => store.apply_entry_bytes(index, timestamp_ms, bytes),
        Entry::NoOp => store.apply_no_op(index, timestamp_ms),
    }
}

#[test]
fn two_replicas_applying_the_same_log_expire_the_same_sessions() {
    // Over many seeds, two independent replicas produce identical outcomes and identical
    // live sessions after every entry, and the log really exercised expiry and eviction.
    let (mut expired, mut evicted, mut duplicates, mut rejected) = (0, 0, 0, 0);
    for seed in 0..40u64 {
        let log = random_log(seed, 300);
        let mut a = KvStore::new(short_timeout(3)).unwrap();
        let mut b = KvStore::new(short_timeout(3)).unwrap();
        for (i, (timestamp_ms, entry)) in log.iter().enumerate() {
            let index = i as u64 + 1;
            let out_a = apply_entry(&mut a, index, *timestamp_ms, entry);
            let out_b = apply_entry(&mut b, index, *timestamp_ms, entry);
            assert_eq!(out_a, out_b, "SEED={seed} index={index}");
            assert!(a.sessions().eq(b.sessions()), "SEED={seed} index={index}");
        }
        assert_eq!(a.snapshot(), b.snapshot(), "SEED={seed}");
        expired += a.counters().sessions_expired;
        evicted += a.counters().sessions_evicted;
        duplicates += a.counters().duplicates_suppressed;
        rejected += a.counters().rejected;
    }
    let totals = [expired, evicted, duplicates, rejected];
    assert!(
        totals.iter().all(|&n| n > 0),
        "expired, evicted, duplicates, rejected = {totals:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// The deliberate bug
// ---------------------------------------------------------------------------------------------

#[test]
fn bug_switch_makes_a_retried_append_apply_twice() {
    // With apply_without_dedup on, the retry is executed again: "x" becomes "xx", and the
    // counter of re-executed duplicates says so.
    let config = KvConfig {
        apply_without_dedup: true,
        ..KvConfig::default()
    };
    let mut replica = Replica::new(config);
    let mut client = replica.register();
    let command = client.start(append("k", "x"));
    replica.apply(&command);
    let retry = replica.apply(&command);
    assert_eq!(retry.kind, OutcomeKind::Applied);
    assert_eq!(replica.store.read("k"), Some("xx"));
    assert_eq!(replica.store.counters().duplicates_reexecuted, 1);
    assert_eq!(replica.store.counters().duplicates_suppressed, 0);
}

#[test]
fn bug_switch_is_off_by_default() {
    // The default config deduplicates.
    assert!(!KvConfig::default().apply_without_dedup);
}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

#[test]
fn generated_commands_round_trip_through_the_binary_encoding() {
    // Every command of many generated logs decodes back to itself.
    for seed in 0..20u64 {
        for (_, entry) in random_log(seed, 200) {
            if let Entry::Bytes(bytes) = entry {
                if let Ok(command) = Command::decode(&bytes) {
                    assert_eq!(command.encode(), bytes, "SEED={seed}");
                }
            }
        }
    }
}

#[test]
fn random_byte_strings_are_rejected_or_decode_canonically_and_never_panic() {
    // Thousands of seeded random byte strings: decoding never panics, and anything accepted
    // re-encodes to exactly the same bytes (the encoding is canonical).
    let mut rng = SplitMix(0x5eed);
    let mut accepted = 0;
    for _ in 0..20_000 {
        let len = rng.below(24) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
        // Bias towards a valid header so the body decoder is exercised too.
        if len >= 2 && rng.chance(70) {
            bytes[0] = raftlab::kv::COMMAND_FORMAT_VERSION;
            bytes[1] = 1 + rng.below(3) as u8;
        }
        if let Ok(command) = Command::decode(&bytes) {
            assert_eq!(command.encode(), bytes);
            accepted += 1;
        }
    }
    assert!(accepted > 0);
}

#[test]
fn truncated_and_extended_commands_are_rejected() {
    // Every strict prefix of a real command is Truncated; a byte added at the end is
    // TrailingBytes.
    let command = request(300, 70_000, 69_999, cas("ключ", Some("old"), "new"));
    let bytes = command.encode();
    for len in 0..bytes.len() {
        assert!(matches!(
            Command::decode(&bytes[..len]),
            Err(DecodeError::Truncated { .. })
        ));
    }
    let mut longer = bytes.clone();
    longer.push(7);
    assert_eq!(
        Command::decode(&longer),
        Err(DecodeError::TrailingBytes { count: 1 })
    );
}

#[test]
fn undecodable_entry_only_advances_last_applied() {
    // Garbage at index 2 yields an Undecodable outcome with the error; data, sessions and
    // log time are unchanged, and index 3 applies normally.
    let mut store = KvStore::default();
    store.apply(1, 10, &Command::RegisterClient);
    let before = store.clone();
    let outcome = store.apply_entry_bytes(2, 99_999, &[0xff, 0x00]);
    assert_eq!(outcome.kind, OutcomeKind::Undecodable);
    assert!(outcome.decode_error.is_some() && outcome.response.is_none());
    assert_eq!(store.last_applied(), 2);
    assert_eq!(store.clock_ms(), before.clock_ms());
    assert!(store.sessions().eq(before.sessions()));
    assert_eq!(store.counters().undecodable, 1);
    assert_eq!(
        store.apply(3, 20, &Command::RegisterClient).kind,
        OutcomeKind::Applied
    );
}

#[test]
#[should_panic(expected = "applied in log order")]
fn applying_an_index_out_of_order_is_a_bug_and_panics() {
    // Skipping from index 1 to 3 is a caller bug.
    let mut store = KvStore::default();
    store.apply(1, 0, &Command::RegisterClient);
    store.apply(3, 0, &Command::RegisterClient);
}

// ---------------------------------------------------------------------------------------------
// Snapshots
// ---------------------------------------------------------------------------------------------

#[test]
fn snapshot_mid_run_then_continuing_matches_a_replica_that_never_snapshotted() {
    // For many seeds: snapshot after a random prefix, restore, apply the rest; outcomes and
    // the final state equal those of a replica that applied the whole log.
    for seed in 0..30u64 {
        let log = random_log(seed, 250);
        let cut = SplitMix(seed).below(log.len() as u64) as usize;
        let mut whole = KvStore::new(short_timeout(3)).unwrap();
        let mut outcomes = Vec::new();
        for (i, (timestamp_ms, entry)) in log.iter().enumerate() {
            outcomes.push(apply_entry(&mut whole, i as u64 + 1, *timestamp_ms, entry));
        }
        let mut prefix = KvStore::new(short_timeout(3)).unwrap();
        for (i, (timestamp_ms, entry)) in log[..cut].iter().enumerate() {
            apply_entry(&mut prefix, i as u64 + 1, *timestamp_ms, entry);
        }
        let mut restored = KvStore::restore(&prefix.snapshot()).expect("own snapshot");
        assert_eq!(restored, prefix, "SEED={seed}");
        for (i, (timestamp_ms, entry)) in log.iter().enumerate().skip(cut) {
            let outcome = apply_entry(&mut restored, i as u64 + 1, *timestamp_ms, entry);
            assert_eq!(outcome, outcomes[i], "SEED={seed} index={}", i + 1);
        }
        assert_eq!(restored, whole, "SEED={seed}");
        assert_eq!(restored.snapshot(), whole.snapshot(), "SEED={seed}");
    }
}

#[test]
fn snapshot_keeps_saved_responses_so_a_retry_after_restore_is_a_duplicate() {
    // A replica restored from a snapshot taken after an append still answers its retry from
    // the session instead of appending again.
    let mut replica = Replica::new(KvConfig::default());
    let mut client = replica.register();
    let command = client.start(append("k", "x"));
    replica.apply(&command);
    let mut restored = KvStore::restore(&replica.store.snapshot()).unwrap();
    let outcome = restored.apply_entry_bytes(replica.next_index, 0, &command.encode());
    assert_eq!(outcome.kind, OutcomeKind::Duplicate);
    assert_eq!(restored.read("k"), Some("x"));
}

#[test]
fn random_bytes_never_panic_snapshot_restore() {
    // Mutating single bytes of a real snapshot is either rejected or restores a store whose
    // own snapshot is the mutated bytes (never a panic).
    let mut store = KvStore::new(short_timeout(3)).unwrap();
    for (i, (timestamp_ms, entry)) in random_log(7, 120).iter().enumerate() {
        apply_entry(&mut store, i as u64 + 1, *timestamp_ms, entry);
    }
    let bytes = store.snapshot();
    let mut rng = SplitMix(99);
    for _ in 0..5_000 {
        let mut mutated = bytes.clone();
        let at = rng.below(mutated.len() as u64) as usize;
        mutated[at] = rng.below(256) as u8;
        if let Ok(restored) = KvStore::restore(&mutated) {
            assert_eq!(restored.snapshot(), mutated);
        }
    }
}
