//! The compact binary form of configurations and commands (`raftlab::sim::wire`) that the
//! reader's module hands the page's: every value reads back as it was written (every scenario
//! file's cluster, configurations with no default left, every command, odd strings), and no
//! byte string — cut short, with bytes left over, mutated, random — makes the decoder panic:
//! it is refused with a reason, or it is the one canonical encoding of what it decodes to.
//!
//! ```sh
//! RAFTLAB_FUZZ_CASES=200000 cargo test --release --test wire_format   # a longer run
//! ```

use std::path::{Path, PathBuf};

use raftlab::json;
use raftlab::kv::{DecodeError, KvConfig, Operation};
use raftlab::raft::{Bugs, Config};
use raftlab::scenario::{sim_config, Scenario};
use raftlab::sim::wire::{
    decode_action, decode_config, encode_action, encode_config, WireError, ACTION_FIELDS,
    CONFIG_FIELDS, MAX_NESTING, WIRE_FORMAT_VERSION,
};
use raftlab::sim::{Action, FaultConfig, LinkConfig, OpMix, SimConfig, WorkloadConfig};
use raftlab::wasm::validator;

#[path = "common/splitmix.rs"]
mod splitmix;
use splitmix::SplitMix as Rng;

fn cases() -> u64 {
    std::env::var("RAFTLAB_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
}

fn scenario_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("scenarios/") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            scenario_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// A configuration whose every field differs from its default (and from each other's
/// neighbours, so a swapped pair of fields would not read back equal).
fn unusual_config() -> SimConfig {
    SimConfig {
        seed: u64::MAX,
        servers: 25,
        raft: Config {
            election_timeout_ms_min: 1_001,
            election_timeout_ms_max: 2_002,
            heartbeat_interval_ms: 303,
            pre_vote: false,
            check_quorum: false,
            max_entries_per_append: 7,
            max_inflight_appends: 3,
            bugs: Bugs {
                skip_figure8_rule: true,
                skip_vote_log_check: false,
                forget_vote_on_restart: true,
                keep_commit_across_crash: true,
            },
        },
        kv: KvConfig {
            session_timeout_ms: u64::MAX,
            max_sessions: u32::MAX,
            apply_without_dedup: true,
        },
        link: LinkConfig {
            latency_ms_min: 0,
            latency_ms_max: 3_600_000,
            loss_ppm: 1_000_000,
            duplicate_ppm: 999_999,
            reorder_ppm: 128,
            reorder_delay_ms_max: 127,
        },
        workload: WorkloadConfig {
            clients: 64,
            enabled: false,
            think_ms_min: 11,
            think_ms_max: 12,
            mix: OpMix {
                put: 0,
                get: 1,
                read_index_get: 2,
                cas: 16_384,
                append: u32::MAX,
            },
            keys: 1_000,
            request_timeout_ms: 13,
            max_attempts: 14,
            retry_backoff_ms: 15,
            latency_ms_min: 16,
            latency_ms_max: 17,
            start_ms: 18,
        },
        faults: FaultConfig {
            enabled: true,
            interval_ms_min: 19,
            interval_ms_max: 20,
            crash: 21,
            restart: 22,
            pause: 23,
            resume: 24,
            partition: 25,
            cut_link: 26,
            heal: 27,
        },
        auto_compact_entries: 1 << 40,
        trace_capacity: 0,
        checkpoint_interval_ms: 28,
        max_checkpoints: 2,
        check_safety: false,
    }
}

/// Strings a page or a hand-edited session may carry.
fn odd_strings() -> Vec<String> {
    vec![
        String::new(),
        " ".into(),
        "\0".into(),
        "k\u{0}v".into(),
        "çğıöşü ÇĞİÖŞÜ".into(),
        "🦀🔥 zwj: 👩‍💻".into(),
        "\u{feff}\u{202e}rtl".into(),
        "\"quoted\" \\ back\\slash".into(),
        "<img src=x onerror=alert(1)>".into(),
        "x".repeat(300),
        "\u{10ffff}".into(),
    ]
}

/// One command of every variant (and several of the ones with the most to encode). The match
/// makes a new variant a compile error until it is listed here.
fn every_action() -> Vec<Action> {
    use Action as A;
    let link = LinkConfig {
        latency_ms_min: 3,
        latency_ms_max: 400,
        loss_ppm: 250_000,
        duplicate_ppm: 1,
        reorder_ppm: 1_000_000,
        reorder_delay_ms_max: 77,
    };
    let mut all = vec![
        A::Crash { server: 1 },
        A::Restart { server: 25 },
        A::Pause { server: 3 },
        A::Resume { server: u32::MAX },
        A::Partition { groups: vec![] },
        A::Partition {
            groups: vec![vec![1, 2], vec![3], vec![]],
        },
        A::Partition {
            groups: vec![(1..=25).collect(), vec![200, 0, 1 << 20]],
        },
        A::CutLink {
            from: 1,
            to: 2,
            both: true,
        },
        A::RepairLink {
            from: 2,
            to: 1,
            both: false,
        },
        A::Heal,
        A::SetNetwork { link },
        A::SetNetwork {
            link: LinkConfig::default(),
        },
        A::SetLink {
            from: 4,
            to: 5,
            link,
        },
        A::SetWorkload { enabled: true },
        A::SetFaults { enabled: false },
        A::AddServer { server: 6 },
        A::RemoveServer { server: 2 },
        A::TransferLeadership { to: 3 },
        A::Snapshot { server: 1 },
        A::Campaign { server: 2 },
        A::Schedule {
            at_ms: u64::MAX,
            action: Box::new(A::Partition {
                groups: vec![vec![1], vec![2, 3]],
            }),
        },
        A::DeliverNow { message: 0 },
        A::DropMessage { message: 1 << 53 },
        A::DuplicateMessage { message: u64::MAX },
        A::HoldMessage { message: 10 },
        A::ReleaseMessage { message: 127 },
        A::FireTimer { server: 3 },
    ];
    for (i, s) in odd_strings().into_iter().enumerate() {
        let op = match i % 5 {
            0 => Operation::Get { key: s },
            1 => Operation::Put {
                key: s.clone(),
                value: s,
            },
            2 => Operation::Cas {
                key: s.clone(),
                expected: Some(s.clone()),
                new: s,
            },
            3 => Operation::Cas {
                key: "k".into(),
                expected: None,
                new: s,
            },
            _ => Operation::Append {
                key: s.clone(),
                value: s,
            },
        };
        all.push(A::ClientOp {
            client: i as u32,
            op,
            read_index: i % 2 == 0,
        });
    }
    for a in &all {
        match a {
            A::Crash { .. }
            | A::Restart { .. }
            | A::Pause { .. }
            | A::Resume { .. }
            | A::Partition { .. }
            | A::CutLink { .. }
            | A::RepairLink { .. }
            | A::Heal
            | A::SetNetwork { .. }
            | A::SetLink { .. }
            | A::ClientOp { .. }
            | A::SetWorkload { .. }
            | A::SetFaults { .. }
            | A::AddServer { .. }
            | A::RemoveServer { .. }
            | A::TransferLeadership { .. }
            | A::Snapshot { .. }
            | A::Campaign { .. }
            | A::Schedule { .. }
            | A::DeliverNow { .. }
            | A::DropMessage { .. }
            | A::DuplicateMessage { .. }
            | A::HoldMessage { .. }
            | A::ReleaseMessage { .. }
            | A::FireTimer { .. } => {}
        }
    }
    all
}

fn nested(depth: u32) -> Action {
    (0..depth).fold(Action::Heal, |inner, i| Action::Schedule {
        at_ms: u64::from(i),
        action: Box::new(inner),
    })
}

#[test]
fn every_scenario_files_cluster_reads_back_as_it_was_written() {
    let mut files = Vec::new();
    scenario_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"),
        &mut files,
    );
    assert!(files.len() >= 20, "{} scenario files", files.len());
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        let scenario = Scenario::from_json(&text).expect("a valid scenario");
        let config = sim_config(&scenario.cluster);
        let bytes = encode_config(&config);
        assert_eq!(decode_config(&bytes), Ok(config.clone()), "{file:?}");
        // The reader's path: the configuration as the page's `config()` writes it, read by
        // `readConfig`, decoded by the page.
        let json = json::to_string(&config);
        let read = validator::config_bytes(&json).expect("valid");
        assert_eq!(read, bytes, "{file:?}: the reader encodes what was written");
    }
}

#[test]
fn configurations_with_no_default_left_read_back_as_they_were_written() {
    let unusual = unusual_config();
    let mut configs = vec![SimConfig::default(), unusual.clone()];
    // Each field alone at its unusual value: a field read into its neighbour would show.
    let mut one = SimConfig::default();
    one.workload.mix.append = 9;
    configs.push(one);
    let mut rng = Rng(5);
    for _ in 0..200 {
        let mut c = unusual.clone();
        c.seed = rng.next();
        c.servers = rng.next() as u32;
        c.link.loss_ppm = rng.next() as u32;
        c.workload.think_ms_max = rng.next() >> rng.below(64);
        c.raft.bugs.skip_vote_log_check = rng.chance(50);
        configs.push(c);
    }
    for config in configs {
        let bytes = encode_config(&config);
        assert_eq!(bytes[0], WIRE_FORMAT_VERSION);
        assert_eq!(decode_config(&bytes), Ok(config.clone()));
        // An action is not a configuration, nor the other way round.
        assert!(decode_action(&bytes).is_err());
    }
}

#[test]
fn every_command_reads_back_as_it_was_written() {
    let all = every_action();
    let mut tags: Vec<u8> = Vec::new();
    for a in &all {
        let bytes = encode_action(a);
        assert_eq!(decode_action(&bytes).as_ref(), Ok(a), "{a:?}");
        tags.push(bytes[1]);
        assert!(
            decode_config(&bytes).is_err(),
            "{a:?} read as a configuration"
        );
        // The reader's path: the command log's JSON form, read by `readAction`.
        let text = serde_json::to_string(a).expect("serializes");
        let read = validator::action_bytes(&json::parse(&text).expect("JSON")).expect(&text);
        assert_eq!(read, bytes, "{text}");
    }
    tags.sort_unstable();
    tags.dedup();
    assert_eq!(tags, (0..25).collect::<Vec<u8>>(), "one tag per variant");
}

#[test]
fn scheduled_commands_nest_as_deep_as_the_json_reader_allows_and_no_deeper() {
    let deepest = nested(MAX_NESTING);
    assert_eq!(
        decode_action(&encode_action(&deepest)).as_ref(),
        Ok(&deepest)
    );
    let too_deep = encode_action(&nested(MAX_NESTING + 1));
    assert!(
        matches!(decode_action(&too_deep), Err(WireError::TooDeep { .. })),
        "{:?}",
        decode_action(&too_deep)
    );
    // A long run of schedule tags with nothing after them is refused without recursing on.
    let mut bytes = vec![WIRE_FORMAT_VERSION];
    for _ in 0..1_000_000 {
        bytes.extend([18, 0]);
    }
    assert!(decode_action(&bytes).is_err());
}

fn varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The largest value of a field kind of the tables.
fn largest(kind: u8) -> u64 {
    match kind {
        b'f' => 1,
        b'i' => u64::from(u32::MAX),
        b'n' => u64::MAX,
        other => panic!("unknown kind {other}"),
    }
}

/// The bytes of a value whose scalar fields are all 0 but field `k`, which is `value`.
fn with_field(head: &[u8], kinds: &[u8], k: usize, value: u64, tail: &[u8]) -> Vec<u8> {
    let mut bytes = head.to_vec();
    for i in 0..kinds.len() {
        varint(if i == k { value } else { 0 }, &mut bytes);
    }
    bytes.extend(tail);
    bytes
}

// The tables say what each field holds: every field at its kind's largest value reads back
// to the same bytes (a 32-bit or boolean field marked wider would not), and one more is
// refused (a field marked narrower than its type would refuse values the encoder writes).
#[test]
fn every_field_holds_exactly_its_kinds_range() {
    let v = WIRE_FORMAT_VERSION;
    for (k, &kind) in CONFIG_FIELDS.iter().enumerate() {
        let max = largest(kind);
        let bytes = with_field(&[v], CONFIG_FIELDS, k, max, &[]);
        let config = decode_config(&bytes).unwrap_or_else(|e| panic!("field {k}: {e}"));
        assert_eq!(encode_config(&config), bytes, "field {k}");
        if max < u64::MAX {
            let over = with_field(&[v], CONFIG_FIELDS, k, max + 1, &[]);
            assert!(
                matches!(decode_config(&over), Err(WireError::OutOfRange { got, .. }) if got == max + 1)
            );
        }
    }
    for (tag, kinds) in ACTION_FIELDS.iter().enumerate() {
        // What follows the scalars: no groups, a `get` of "", a `heal`.
        let tail: &[u8] = match tag {
            4 => &[0],
            10 => &[1, 0],
            18 => &[7],
            _ => &[],
        };
        let head = [v, tag as u8];
        for (k, &kind) in kinds.as_bytes().iter().enumerate() {
            let max = largest(kind);
            let bytes = with_field(&head, kinds.as_bytes(), k, max, tail);
            let action =
                decode_action(&bytes).unwrap_or_else(|e| panic!("tag {tag} field {k}: {e}"));
            assert_eq!(encode_action(&action), bytes, "tag {tag} field {k}");
            if max < u64::MAX {
                let over = with_field(&head, kinds.as_bytes(), k, max + 1, tail);
                assert!(decode_action(&over).is_err(), "tag {tag} field {k}");
            }
        }
    }
}

#[test]
fn every_strict_prefix_and_every_extra_byte_is_refused() {
    let mut encodings: Vec<Vec<u8>> = every_action().iter().map(encode_action).collect();
    encodings.push(encode_config(&unusual_config()));
    encodings.push(encode_config(&SimConfig::default()));
    for bytes in encodings {
        let decode = |b: &[u8]| {
            if decode_config(&bytes).is_ok() {
                decode_config(b).map(drop)
            } else {
                decode_action(b).map(drop)
            }
        };
        for cut in 0..bytes.len() {
            let e = decode(&bytes[..cut]).expect_err("a strict prefix");
            assert!(
                matches!(e, WireError::Decode(DecodeError::Truncated { .. })),
                "{cut}: {e}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            decode(&longer),
            Err(WireError::Decode(DecodeError::TrailingBytes { count: 1 }))
        );
    }
}

#[test]
fn malformed_bytes_are_refused_with_their_reason() {
    let v = WIRE_FORMAT_VERSION;
    let refused = |bytes: &[u8]| decode_action(bytes).expect_err("refused").to_string();
    assert!(refused(&[2, 7]).contains("version 2"));
    assert!(refused(&[v, 25]).contains("unknown action tag 25"));
    assert!(refused(&[v, 200]).contains("unknown action tag 200"));
    // A server id of 2^32 does not fit the id's 32 bits; a flag is 0 or 1.
    assert_eq!(
        decode_action(&[v, 0, 0x80, 0x80, 0x80, 0x80, 0x10]),
        Err(WireError::OutOfRange {
            at: 2,
            got: 1 << 32,
            max: u64::from(u32::MAX)
        })
    );
    assert!(refused(&[v, 11, 2]).contains("holds 2, above its largest value 1"));
    assert!(refused(&[v, 10, 1, 2, 1, 0]).contains("holds 2"));
    // A non-canonical varint, an unknown operation, bad UTF-8.
    assert!(refused(&[v, 0, 0x81, 0x00]).contains("canonical"));
    assert!(refused(&[v, 10, 1, 0, 9]).contains("unknown operation tag 9"));
    assert!(refused(&[v, 10, 1, 0, 1, 2, 0xc3, 0x28]).contains("UTF-8"));
    // A partition claiming 2^40 groups, or a key of 2^40 bytes, in a few bytes: refused as cut
    // short before anything is reserved.
    let huge = [0x80, 0x80, 0x80, 0x80, 0x80, 0x20];
    let mut groups = vec![v, 4];
    groups.extend(huge);
    assert!(refused(&groups).contains("truncated"));
    let mut key = vec![v, 10, 1, 0, 1];
    key.extend(huge);
    assert!(refused(&key).contains("truncated"));
    let mut config = encode_config(&SimConfig::default());
    config[0] = 9;
    assert!(decode_config(&config)
        .expect_err("version")
        .to_string()
        .contains("configuration format version 9"));
}

/// Checks one byte string against both decoders: no panic, and whatever decodes is the one
/// canonical encoding of its value.
fn check_canonical(bytes: &[u8]) -> bool {
    let mut any = false;
    if let Ok(c) = decode_config(bytes) {
        assert_eq!(encode_config(&c), bytes, "{c:?}");
        any = true;
    }
    if let Ok(a) = decode_action(bytes) {
        assert_eq!(encode_action(&a), bytes, "{a:?}");
        any = true;
    }
    any
}

#[test]
fn random_and_mutated_bytes_never_panic_and_decode_only_canonically() {
    let mut valid: Vec<Vec<u8>> = every_action().iter().map(encode_action).collect();
    valid.push(encode_config(&unusual_config()));
    valid.push(encode_config(&SimConfig::default()));
    let mut rng = Rng(0x00c0_ffee);
    let mut decoded = 0;
    for case in 0..cases() {
        let bytes = if case % 4 == 0 {
            // Random bytes behind the right version byte (or, one time in eight, any byte).
            let len = rng.below(48) as usize;
            let mut b: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            if !b.is_empty() && !rng.chance(12) {
                b[0] = WIRE_FORMAT_VERSION;
            }
            b
        } else {
            // A valid encoding with a few bytes flipped, dropped or inserted.
            let mut b = valid[rng.below(valid.len() as u64) as usize].clone();
            for _ in 0..=rng.below(3) {
                let at = rng.below(b.len() as u64 + 1) as usize;
                match rng.below(3) {
                    0 if at < b.len() => b[at] ^= 1 << rng.below(8),
                    1 if at < b.len() => {
                        b.remove(at);
                    }
                    _ => b.insert(at, rng.next() as u8),
                }
            }
            b
        };
        if check_canonical(&bytes) {
            decoded += 1;
        }
    }
    // Some mutations land on other valid values (a flipped id, a changed flag): the property
    // above was exercised on decoded values too, not only on refusals.
    assert!(decoded > 0, "no mutated case decoded");
}
