//! A compact binary form of a world's configuration ([`SimConfig`]) and of a command
//! ([`Action`]), hand-written, without serde.
//!
//! The page's wasm module builds worlds and applies commands from these bytes; the JSON and
//! JavaScript-object readers that produce them live in the reader's own module (the page
//! fetches it on first use, `src/wasm/validator.rs`), so the page keeps only this decoder
//! (issue 6: the two general readers cost about 20 KB gzip of the page's module).
//!
//! The bytes come from our own reader, but the page must stay safe with any input: decoding
//! never panics and never allocates more than the input's size; anything malformed is a
//! [`WireError`]. A decoded value is not checked here: it goes through the same checks as any
//! other ([`SimConfig::validate`] when the world is built, the world's checks of a command
//! when it is applied).
//!
//! Format, with the primitives of the key-value codec (`kv::codec`: canonical LEB128 varints,
//! length-prefixed UTF-8 strings). Every number, id and flag is a varint; each field's kind
//! bounds it: `n` any `u64`, `i` a 32-bit number, `f` a flag (`0` or `1`, the same byte as a
//! codec flag). One table per shape lists the kinds in order ([`CONFIG_FIELDS`],
//! [`ACTION_FIELDS`]), so the decoder is one loop over a table (issue 6: it is what the page
//! keeps; a decoder written field by field was three times its size).
//!
//! ```text
//! config := version:u8 scalar*            (CONFIG_FIELDS: every field in declaration order)
//! action := version:u8 body
//! body   := tag:u8 scalar* extra          (tag: the variant's index in declaration order;
//!                                          ACTION_FIELDS[tag]: its scalars, in field order)
//!   extra of partition   := count (count id)*
//!   extra of client_op   := operation    (after client and read_index; as in a key-value command)
//!   extra of schedule    := body         (after at_ms; nested at most MAX_NESTING deep)
//! ```

use thiserror::Error;

use super::action::Action;
use super::config::{FaultConfig, LinkConfig, OpMix, SimConfig, WorkloadConfig};
use crate::kv::codec::{DecodeError, Reader, Writer};
use crate::kv::{KvConfig, Operation};
use crate::raft::{Bugs, Config, NodeId};

/// The version byte that starts every encoded configuration and action.
pub const WIRE_FORMAT_VERSION: u8 = 1;

/// How deep `Schedule` actions may nest: as deep as the JSON reader lets an action object go.
pub const MAX_NESTING: u32 = crate::json::MAX_DEPTH as u32;

/// The kinds of a configuration's fields, in order: `seed servers`; raft: `election_timeout_ms
/// min max, heartbeat_interval_ms, pre_vote, check_quorum, max_entries_per_append,
/// max_inflight_appends`, the four bug flags; kv: `session_timeout_ms max_sessions
/// apply_without_dedup`; link: `latency_ms min max`, three ppm, `reorder_delay_ms_max`;
/// workload: `clients enabled think_ms min max`, the five mix weights, `keys
/// request_timeout_ms max_attempts retry_backoff_ms latency_ms min max start_ms`; faults:
/// `enabled interval_ms min max`, seven weights; then `auto_compact_entries trace_capacity
/// checkpoint_interval_ms max_checkpoints check_safety`.
pub const CONFIG_FIELDS: &[u8; CONFIG_LEN] = b"ni\
    nnnffnnffff\
    nif\
    nniiin\
    ifnniiiiiininnnn\
    fnniiiiiii\
    ninif";

/// How many fields a configuration has.
pub const CONFIG_LEN: usize = 53;

/// The kinds of a link's fields ([`LinkConfig`], in declaration order).
const LINK: &str = "nniiin";

/// The scalar fields of each action, by tag (the variants of [`Action`] in declaration order).
pub const ACTION_FIELDS: [&str; 25] = [
    "i",        // crash: server
    "i",        // restart
    "i",        // pause
    "i",        // resume
    "",         // partition (groups follow)
    "iif",      // cut_link: from to both
    "iif",      // repair_link
    "",         // heal
    LINK,       // set_network
    "iinniiin", // set_link: from to, a link
    "if",       // client_op: client read_index (the operation follows)
    "f",        // set_workload
    "f",        // set_faults
    "i",        // add_server
    "i",        // remove_server
    "i",        // transfer_leadership: to
    "i",        // snapshot
    "i",        // campaign
    "n",        // schedule: at_ms (the action follows)
    "n",        // deliver_now: message
    "n",        // drop_message
    "n",        // duplicate_message
    "n",        // hold_message
    "n",        // release_message
    "i",        // fire_timer
];

/// Why bytes are not an encoded configuration or action.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WireError {
    /// Malformed bytes: cut short, an unknown tag or version, a bad varint or UTF-8, bytes
    /// left over.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A field holds more than its kind allows (a flag above 1, an id above 32 bits).
    #[error("the field at byte {at} holds {got}, above its largest value {max}")]
    OutOfRange {
        /// The offset of the field's varint.
        at: u64,
        /// The value found.
        got: u64,
        /// The largest value of the field's kind.
        max: u64,
    },
    /// `Schedule` actions nested deeper than [`MAX_NESTING`].
    #[error("scheduled actions nest more than {MAX_NESTING} levels deep at byte {at}")]
    TooDeep {
        /// The offset of the action that is one level too deep.
        at: u64,
    },
}

// ---- decoding (the page's side) --------------------------------------------------------

/// Reads one field of kind `kind` (`n`, `i` or `f`).
fn scalar(r: &mut Reader<'_>, kind: u8) -> Result<u64, WireError> {
    let at = r.offset();
    let got = r.varint("field")?;
    let max = match kind {
        b'f' => 1,
        b'i' => u64::from(u32::MAX),
        _ => u64::MAX,
    };
    if got > max {
        return Err(WireError::OutOfRange { at, got, max });
    }
    Ok(got)
}

/// Reads the fields of `kinds` into the front of `out`.
fn scalars(r: &mut Reader<'_>, kinds: &[u8], out: &mut [u64]) -> Result<(), WireError> {
    for (&kind, slot) in kinds.iter().zip(out) {
        *slot = scalar(r, kind)?;
    }
    Ok(())
}

fn version(r: &mut Reader<'_>, what: &'static str) -> Result<(), WireError> {
    match r.byte("format version")? {
        WIRE_FORMAT_VERSION => Ok(()),
        found => Err(DecodeError::UnsupportedVersion {
            what,
            found,
            supported: WIRE_FORMAT_VERSION,
        }
        .into()),
    }
}

/// Reads a whole encoded configuration; every byte must be used.
pub fn decode_config(bytes: &[u8]) -> Result<SimConfig, WireError> {
    let mut r = Reader::new(bytes);
    version(&mut r, "configuration")?;
    let mut v = [0; CONFIG_LEN];
    scalars(&mut r, CONFIG_FIELDS, &mut v)?;
    r.finish()?;
    Ok(config_from(&v))
}

/// Reads a whole encoded action; every byte must be used.
pub fn decode_action(bytes: &[u8]) -> Result<Action, WireError> {
    let mut r = Reader::new(bytes);
    version(&mut r, "action")?;
    let action = action(&mut r, 0)?;
    r.finish()?;
    Ok(action)
}

/// The configuration whose fields are `v` (read by the kinds of [`CONFIG_FIELDS`], so every
/// `i` fits 32 bits and every `f` is 0 or 1).
fn config_from(v: &[u64; CONFIG_LEN]) -> SimConfig {
    let i = |k: usize| v[k] as u32;
    let f = |k: usize| v[k] != 0;
    SimConfig {
        seed: v[0],
        servers: i(1),
        raft: Config {
            election_timeout_ms_min: v[2],
            election_timeout_ms_max: v[3],
            heartbeat_interval_ms: v[4],
            pre_vote: f(5),
            check_quorum: f(6),
            max_entries_per_append: v[7],
            max_inflight_appends: v[8],
            bugs: Bugs {
                skip_figure8_rule: f(9),
                skip_vote_log_check: f(10),
                forget_vote_on_restart: f(11),
                keep_commit_across_crash: f(12),
            },
        },
        kv: KvConfig {
            session_timeout_ms: v[13],
            max_sessions: i(14),
            apply_without_dedup: f(15),
        },
        link: link_from(&v[16..22]),
        workload: WorkloadConfig {
            clients: i(22),
            enabled: f(23),
            think_ms_min: v[24],
            think_ms_max: v[25],
            mix: OpMix {
                put: i(26),
                get: i(27),
                read_index_get: i(28),
                cas: i(29),
                append: i(30),
            },
            keys: i(31),
            request_timeout_ms: v[32],
            max_attempts: i(33),
            retry_backoff_ms: v[34],
            latency_ms_min: v[35],
            latency_ms_max: v[36],
            start_ms: v[37],
        },
        faults: FaultConfig {
            enabled: f(38),
            interval_ms_min: v[39],
            interval_ms_max: v[40],
            crash: i(41),
            restart: i(42),
            pause: i(43),
            resume: i(44),
            partition: i(45),
            cut_link: i(46),
            heal: i(47),
        },
        auto_compact_entries: v[48],
        trace_capacity: i(49),
        checkpoint_interval_ms: v[50],
        max_checkpoints: i(51),
        check_safety: f(52),
    }
}

/// The link whose fields (kinds [`LINK`]) are `v`.
fn link_from(v: &[u64]) -> LinkConfig {
    LinkConfig {
        latency_ms_min: v[0],
        latency_ms_max: v[1],
        loss_ppm: v[2] as u32,
        duplicate_ppm: v[3] as u32,
        reorder_ppm: v[4] as u32,
        reorder_delay_ms_max: v[5],
    }
}

fn action(r: &mut Reader<'_>, depth: u32) -> Result<Action, WireError> {
    let at = r.offset();
    let tag = r.byte("action tag")?;
    let Some(kinds) = ACTION_FIELDS.get(usize::from(tag)) else {
        return Err(DecodeError::UnknownTag {
            what: "action",
            tag,
            at,
        }
        .into());
    };
    let mut v = [0; 8];
    scalars(r, kinds.as_bytes(), &mut v)?;
    // Every `i` field fits 32 bits and every `f` is 0 or 1 (`scalar` checked them).
    let (id, flag) = (|k: usize| v[k] as u32, |k: usize| v[k] != 0);
    use Action as A;
    Ok(match tag {
        0 => A::Crash { server: id(0) },
        1 => A::Restart { server: id(0) },
        2 => A::Pause { server: id(0) },
        3 => A::Resume { server: id(0) },
        4 => A::Partition { groups: groups(r)? },
        5 | 6 => {
            let (from, to, both) = (id(0), id(1), flag(2));
            if tag == 5 {
                A::CutLink { from, to, both }
            } else {
                A::RepairLink { from, to, both }
            }
        }
        7 => A::Heal,
        8 => A::SetNetwork {
            link: link_from(&v),
        },
        9 => A::SetLink {
            from: id(0),
            to: id(1),
            link: link_from(&v[2..]),
        },
        10 => A::ClientOp {
            client: id(0),
            read_index: flag(1),
            op: Operation::decode_from(r)?,
        },
        11 => A::SetWorkload { enabled: flag(0) },
        12 => A::SetFaults { enabled: flag(0) },
        13 => A::AddServer { server: id(0) },
        14 => A::RemoveServer { server: id(0) },
        15 => A::TransferLeadership { to: id(0) },
        16 => A::Snapshot { server: id(0) },
        17 => A::Campaign { server: id(0) },
        18 if depth >= MAX_NESTING => return Err(WireError::TooDeep { at }),
        18 => A::Schedule {
            at_ms: v[0],
            action: Box::new(action(r, depth + 1)?),
        },
        19 => A::DeliverNow { message: v[0] },
        20 => A::DropMessage { message: v[0] },
        21 => A::DuplicateMessage { message: v[0] },
        22 => A::HoldMessage { message: v[0] },
        23 => A::ReleaseMessage { message: v[0] },
        _ => A::FireTimer { server: id(0) },
    })
}

fn groups(r: &mut Reader<'_>) -> Result<Vec<Vec<NodeId>>, WireError> {
    // Every group takes at least its count byte, every id at least one byte: a count the
    // remaining input cannot hold is refused before anything is reserved.
    let count = r.count("groups", 1)?;
    let mut groups = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let size = r.count("group", 1)?;
        let mut group = Vec::with_capacity(size as usize);
        for _ in 0..size {
            group.push(scalar(r, b'i')? as NodeId);
        }
        groups.push(group);
    }
    Ok(groups)
}

// ---- encoding (the reader's side) --------------------------------------------------------

/// The bytes of `config` ([`decode_config`] reads them back).
pub fn encode_config(config: &SimConfig) -> Vec<u8> {
    let mut w = Writer::new();
    w.byte(WIRE_FORMAT_VERSION);
    config_fields(config).iter().for_each(|v| w.varint(*v));
    w.finish()
}

/// The fields of `config` in the order of [`CONFIG_FIELDS`]. Destructured, so that a new field
/// does not compile until it has its place here, in the table and in `config_from`.
fn config_fields(config: &SimConfig) -> [u64; CONFIG_LEN] {
    let SimConfig {
        seed,
        servers,
        raft,
        kv,
        link,
        workload: w,
        faults: f,
        auto_compact_entries,
        trace_capacity,
        checkpoint_interval_ms,
        max_checkpoints,
        check_safety,
    } = config;
    let Config {
        election_timeout_ms_min,
        election_timeout_ms_max,
        heartbeat_interval_ms,
        pre_vote,
        check_quorum,
        max_entries_per_append,
        max_inflight_appends,
        bugs,
    } = raft;
    let Bugs {
        skip_figure8_rule,
        skip_vote_log_check,
        forget_vote_on_restart,
        keep_commit_across_crash,
    } = bugs;
    let KvConfig {
        session_timeout_ms,
        max_sessions,
        apply_without_dedup,
    } = kv;
    let [l0, l1, l2, l3, l4, l5] = link_fields(link);
    let [w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11, w12, w13, w14, w15] = workload_fields(w);
    let [f0, f1, f2, f3, f4, f5, f6, f7, f8, f9] = fault_fields(f);
    let (flag, id) = (u64::from, u64::from);
    [
        *seed,
        id(*servers),
        *election_timeout_ms_min,
        *election_timeout_ms_max,
        *heartbeat_interval_ms,
        flag(*pre_vote),
        flag(*check_quorum),
        *max_entries_per_append,
        *max_inflight_appends,
        flag(*skip_figure8_rule),
        flag(*skip_vote_log_check),
        flag(*forget_vote_on_restart),
        flag(*keep_commit_across_crash),
        *session_timeout_ms,
        id(*max_sessions),
        flag(*apply_without_dedup),
        l0,
        l1,
        l2,
        l3,
        l4,
        l5,
        w0,
        w1,
        w2,
        w3,
        w4,
        w5,
        w6,
        w7,
        w8,
        w9,
        w10,
        w11,
        w12,
        w13,
        w14,
        w15,
        f0,
        f1,
        f2,
        f3,
        f4,
        f5,
        f6,
        f7,
        f8,
        f9,
        *auto_compact_entries,
        id(*trace_capacity),
        *checkpoint_interval_ms,
        id(*max_checkpoints),
        flag(*check_safety),
    ]
}

fn link_fields(l: &LinkConfig) -> [u64; 6] {
    let LinkConfig {
        latency_ms_min,
        latency_ms_max,
        loss_ppm,
        duplicate_ppm,
        reorder_ppm,
        reorder_delay_ms_max,
    } = l;
    [
        *latency_ms_min,
        *latency_ms_max,
        (*loss_ppm).into(),
        (*duplicate_ppm).into(),
        (*reorder_ppm).into(),
        *reorder_delay_ms_max,
    ]
}

fn workload_fields(c: &WorkloadConfig) -> [u64; 16] {
    let WorkloadConfig {
        clients,
        enabled,
        think_ms_min,
        think_ms_max,
        mix,
        keys,
        request_timeout_ms,
        max_attempts,
        retry_backoff_ms,
        latency_ms_min,
        latency_ms_max,
        start_ms,
    } = c;
    let OpMix {
        put,
        get,
        read_index_get,
        cas,
        append,
    } = mix;
    [
        (*clients).into(),
        (*enabled).into(),
        *think_ms_min,
        *think_ms_max,
        (*put).into(),
        (*get).into(),
        (*read_index_get).into(),
        (*cas).into(),
        (*append).into(),
        (*keys).into(),
        *request_timeout_ms,
        (*max_attempts).into(),
        *retry_backoff_ms,
        *latency_ms_min,
        *latency_ms_max,
        *start_ms,
    ]
}

fn fault_fields(f: &FaultConfig) -> [u64; 10] {
    let FaultConfig {
        enabled,
        interval_ms_min,
        interval_ms_max,
        crash,
        restart,
        pause,
        resume,
        partition,
        cut_link,
        heal,
    } = f;
    [
        (*enabled).into(),
        *interval_ms_min,
        *interval_ms_max,
        (*crash).into(),
        (*restart).into(),
        (*pause).into(),
        (*resume).into(),
        (*partition).into(),
        (*cut_link).into(),
        (*heal).into(),
    ]
}

/// The bytes of `action` ([`decode_action`] reads them back).
pub fn encode_action(action: &Action) -> Vec<u8> {
    let mut w = Writer::new();
    w.byte(WIRE_FORMAT_VERSION);
    put_action(&mut w, action);
    w.finish()
}

/// The tag and the scalar fields of `action` (kinds: `ACTION_FIELDS[tag]`).
fn tag_and_fields(action: &Action) -> (u8, Vec<u64>) {
    use Action as A;
    let link_to = |from: &NodeId, to: &NodeId, link| {
        let mut v = vec![u64::from(*from), u64::from(*to)];
        v.extend(link_fields(link));
        v
    };
    match action {
        A::Crash { server } => (0, vec![(*server).into()]),
        A::Restart { server } => (1, vec![(*server).into()]),
        A::Pause { server } => (2, vec![(*server).into()]),
        A::Resume { server } => (3, vec![(*server).into()]),
        A::Partition { .. } => (4, vec![]),
        A::CutLink { from, to, both } => (5, vec![(*from).into(), (*to).into(), (*both).into()]),
        A::RepairLink { from, to, both } => (6, vec![(*from).into(), (*to).into(), (*both).into()]),
        A::Heal => (7, vec![]),
        A::SetNetwork { link } => (8, link_fields(link).to_vec()),
        A::SetLink { from, to, link } => (9, link_to(from, to, link)),
        A::ClientOp {
            client, read_index, ..
        } => (10, vec![(*client).into(), (*read_index).into()]),
        A::SetWorkload { enabled } => (11, vec![(*enabled).into()]),
        A::SetFaults { enabled } => (12, vec![(*enabled).into()]),
        A::AddServer { server } => (13, vec![(*server).into()]),
        A::RemoveServer { server } => (14, vec![(*server).into()]),
        A::TransferLeadership { to } => (15, vec![(*to).into()]),
        A::Snapshot { server } => (16, vec![(*server).into()]),
        A::Campaign { server } => (17, vec![(*server).into()]),
        A::Schedule { at_ms, .. } => (18, vec![*at_ms]),
        A::DeliverNow { message } => (19, vec![*message]),
        A::DropMessage { message } => (20, vec![*message]),
        A::DuplicateMessage { message } => (21, vec![*message]),
        A::HoldMessage { message } => (22, vec![*message]),
        A::ReleaseMessage { message } => (23, vec![*message]),
        A::FireTimer { server } => (24, vec![(*server).into()]),
    }
}

fn put_action(w: &mut Writer, action: &Action) {
    let (tag, fields) = tag_and_fields(action);
    w.byte(tag);
    fields.iter().for_each(|v| w.varint(*v));
    match action {
        Action::Partition { groups } => {
            w.varint(groups.len() as u64);
            for group in groups {
                w.varint(group.len() as u64);
                group.iter().for_each(|s| w.varint(u64::from(*s)));
            }
        }
        Action::ClientOp { op, .. } => op.encode_into(w),
        Action::Schedule { action, .. } => put_action(w, action),
        _ => {}
    }
}
