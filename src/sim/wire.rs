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
//! `0`/`1` flags, length-prefixed UTF-8 strings); a 32-bit field is a varint that must fit:
//!
//! ```text
//! config := version:u8 seed servers raft kv link workload faults auto_compact_entries
//!           trace_capacity checkpoint_interval_ms max_checkpoints check_safety:flag
//!   (each section's fields in declaration order, a bool as a flag)
//! action := version:u8 body
//! body   := tag:u8 fields      (tag = index of the variant in `ACTION_TAGS`, fields in order)
//!   partition  groups := count (count id*)*
//!   client_op  client op read_index:flag   (op as in a key-value command)
//!   schedule   at_ms body                  (nested at most MAX_NESTING deep)
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

/// Why bytes are not an encoded configuration or action.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WireError {
    /// Malformed bytes: cut short, an unknown tag or version, a bad flag, varint or UTF-8,
    /// bytes left over.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A 32-bit field holds a larger number.
    #[error("{what} at byte {at} does not fit 32 bits")]
    TooWide {
        /// The field.
        what: &'static str,
        /// The offset of its varint.
        at: u64,
    },
    /// `Schedule` actions nested deeper than [`MAX_NESTING`].
    #[error("scheduled actions nest more than {MAX_NESTING} levels deep at byte {at}")]
    TooDeep {
        /// The offset of the action that is one level too deep.
        at: u64,
    },
}

// ---- decoding (the page's side) --------------------------------------------------------

/// Reads a whole encoded configuration; every byte must be used.
pub fn decode_config(bytes: &[u8]) -> Result<SimConfig, WireError> {
    let mut r = Reader::new(bytes);
    version(&mut r, "configuration")?;
    let config = SimConfig {
        seed: r.varint("seed")?,
        servers: u32_at(&mut r, "servers")?,
        raft: raft_config(&mut r)?,
        kv: KvConfig {
            session_timeout_ms: r.varint("session_timeout_ms")?,
            max_sessions: u32_at(&mut r, "max_sessions")?,
            apply_without_dedup: r.flag("apply_without_dedup")?,
        },
        link: link(&mut r)?,
        workload: workload(&mut r)?,
        faults: faults(&mut r)?,
        auto_compact_entries: r.varint("auto_compact_entries")?,
        trace_capacity: u32_at(&mut r, "trace_capacity")?,
        checkpoint_interval_ms: r.varint("checkpoint_interval_ms")?,
        max_checkpoints: u32_at(&mut r, "max_checkpoints")?,
        check_safety: r.flag("check_safety")?,
    };
    r.finish()?;
    Ok(config)
}

/// Reads a whole encoded action; every byte must be used.
pub fn decode_action(bytes: &[u8]) -> Result<Action, WireError> {
    let mut r = Reader::new(bytes);
    version(&mut r, "action")?;
    let action = action(&mut r, 0)?;
    r.finish()?;
    Ok(action)
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

fn u32_at(r: &mut Reader<'_>, what: &'static str) -> Result<u32, WireError> {
    let at = r.offset();
    u32::try_from(r.varint(what)?).map_err(|_| WireError::TooWide { what, at })
}

fn raft_config(r: &mut Reader<'_>) -> Result<Config, WireError> {
    Ok(Config {
        election_timeout_ms_min: r.varint("election_timeout_ms_min")?,
        election_timeout_ms_max: r.varint("election_timeout_ms_max")?,
        heartbeat_interval_ms: r.varint("heartbeat_interval_ms")?,
        pre_vote: r.flag("pre_vote")?,
        check_quorum: r.flag("check_quorum")?,
        max_entries_per_append: r.varint("max_entries_per_append")?,
        max_inflight_appends: r.varint("max_inflight_appends")?,
        bugs: Bugs {
            skip_figure8_rule: r.flag("skip_figure8_rule")?,
            skip_vote_log_check: r.flag("skip_vote_log_check")?,
            forget_vote_on_restart: r.flag("forget_vote_on_restart")?,
            keep_commit_across_crash: r.flag("keep_commit_across_crash")?,
        },
    })
}

fn link(r: &mut Reader<'_>) -> Result<LinkConfig, WireError> {
    Ok(LinkConfig {
        latency_ms_min: r.varint("latency_ms_min")?,
        latency_ms_max: r.varint("latency_ms_max")?,
        loss_ppm: u32_at(r, "loss_ppm")?,
        duplicate_ppm: u32_at(r, "duplicate_ppm")?,
        reorder_ppm: u32_at(r, "reorder_ppm")?,
        reorder_delay_ms_max: r.varint("reorder_delay_ms_max")?,
    })
}

fn workload(r: &mut Reader<'_>) -> Result<WorkloadConfig, WireError> {
    Ok(WorkloadConfig {
        clients: u32_at(r, "clients")?,
        enabled: r.flag("enabled")?,
        think_ms_min: r.varint("think_ms_min")?,
        think_ms_max: r.varint("think_ms_max")?,
        mix: OpMix {
            put: u32_at(r, "mix.put")?,
            get: u32_at(r, "mix.get")?,
            read_index_get: u32_at(r, "mix.read_index_get")?,
            cas: u32_at(r, "mix.cas")?,
            append: u32_at(r, "mix.append")?,
        },
        keys: u32_at(r, "keys")?,
        request_timeout_ms: r.varint("request_timeout_ms")?,
        max_attempts: u32_at(r, "max_attempts")?,
        retry_backoff_ms: r.varint("retry_backoff_ms")?,
        latency_ms_min: r.varint("latency_ms_min")?,
        latency_ms_max: r.varint("latency_ms_max")?,
        start_ms: r.varint("start_ms")?,
    })
}

fn faults(r: &mut Reader<'_>) -> Result<FaultConfig, WireError> {
    Ok(FaultConfig {
        enabled: r.flag("enabled")?,
        interval_ms_min: r.varint("interval_ms_min")?,
        interval_ms_max: r.varint("interval_ms_max")?,
        crash: u32_at(r, "crash")?,
        restart: u32_at(r, "restart")?,
        pause: u32_at(r, "pause")?,
        resume: u32_at(r, "resume")?,
        partition: u32_at(r, "partition")?,
        cut_link: u32_at(r, "cut_link")?,
        heal: u32_at(r, "heal")?,
    })
}

fn action(r: &mut Reader<'_>, depth: u32) -> Result<Action, WireError> {
    let at = r.offset();
    let tag = r.byte("action tag")?;
    let id = |r: &mut Reader<'_>, what| u32_at(r, what);
    use Action as A;
    Ok(match tag {
        0 => A::Crash {
            server: id(r, "server")?,
        },
        1 => A::Restart {
            server: id(r, "server")?,
        },
        2 => A::Pause {
            server: id(r, "server")?,
        },
        3 => A::Resume {
            server: id(r, "server")?,
        },
        4 => A::Partition { groups: groups(r)? },
        5 | 6 => {
            let (from, to, both) = (id(r, "from")?, id(r, "to")?, r.flag("both")?);
            if tag == 5 {
                A::CutLink { from, to, both }
            } else {
                A::RepairLink { from, to, both }
            }
        }
        7 => A::Heal,
        8 => A::SetNetwork { link: link(r)? },
        9 => A::SetLink {
            from: id(r, "from")?,
            to: id(r, "to")?,
            link: link(r)?,
        },
        10 => A::ClientOp {
            client: u32_at(r, "client")?,
            op: Operation::decode_from(r)?,
            read_index: r.flag("read_index")?,
        },
        11 => A::SetWorkload {
            enabled: r.flag("enabled")?,
        },
        12 => A::SetFaults {
            enabled: r.flag("enabled")?,
        },
        13 => A::AddServer {
            server: id(r, "server")?,
        },
        14 => A::RemoveServer {
            server: id(r, "server")?,
        },
        15 => A::TransferLeadership { to: id(r, "to")? },
        16 => A::Snapshot {
            server: id(r, "server")?,
        },
        17 => A::Campaign {
            server: id(r, "server")?,
        },
        18 if depth >= MAX_NESTING => return Err(WireError::TooDeep { at }),
        18 => A::Schedule {
            at_ms: r.varint("at_ms")?,
            action: Box::new(action(r, depth + 1)?),
        },
        19..=23 => {
            let message = r.varint("message")?;
            match tag {
                19 => A::DeliverNow { message },
                20 => A::DropMessage { message },
                21 => A::DuplicateMessage { message },
                22 => A::HoldMessage { message },
                _ => A::ReleaseMessage { message },
            }
        }
        24 => A::FireTimer {
            server: id(r, "server")?,
        },
        tag => {
            return Err(DecodeError::UnknownTag {
                what: "action",
                tag,
                at,
            }
            .into())
        }
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
            group.push(u32_at(r, "server")?);
        }
        groups.push(group);
    }
    Ok(groups)
}

// ---- encoding (the reader's side) --------------------------------------------------------

/// The bytes of `config` ([`decode_config`] reads them back).
pub fn encode_config(config: &SimConfig) -> Vec<u8> {
    // Destructured, so that a new field does not compile until it is encoded.
    let SimConfig {
        seed,
        servers,
        raft,
        kv,
        link,
        workload,
        faults,
        auto_compact_entries,
        trace_capacity,
        checkpoint_interval_ms,
        max_checkpoints,
        check_safety,
    } = config;
    let mut w = Writer::new();
    w.byte(WIRE_FORMAT_VERSION);
    w.varint(*seed);
    w.varint(u64::from(*servers));
    put_raft(&mut w, raft);
    let KvConfig {
        session_timeout_ms,
        max_sessions,
        apply_without_dedup,
    } = kv;
    w.varint(*session_timeout_ms);
    w.varint(u64::from(*max_sessions));
    w.flag(*apply_without_dedup);
    put_link(&mut w, link);
    put_workload(&mut w, workload);
    put_faults(&mut w, faults);
    w.varint(*auto_compact_entries);
    w.varint(u64::from(*trace_capacity));
    w.varint(*checkpoint_interval_ms);
    w.varint(u64::from(*max_checkpoints));
    w.flag(*check_safety);
    w.finish()
}

fn put_raft(w: &mut Writer, c: &Config) {
    let Config {
        election_timeout_ms_min,
        election_timeout_ms_max,
        heartbeat_interval_ms,
        pre_vote,
        check_quorum,
        max_entries_per_append,
        max_inflight_appends,
        bugs,
    } = c;
    w.varint(*election_timeout_ms_min);
    w.varint(*election_timeout_ms_max);
    w.varint(*heartbeat_interval_ms);
    w.flag(*pre_vote);
    w.flag(*check_quorum);
    w.varint(*max_entries_per_append);
    w.varint(*max_inflight_appends);
    let Bugs {
        skip_figure8_rule,
        skip_vote_log_check,
        forget_vote_on_restart,
        keep_commit_across_crash,
    } = bugs;
    for flag in [
        skip_figure8_rule,
        skip_vote_log_check,
        forget_vote_on_restart,
        keep_commit_across_crash,
    ] {
        w.flag(*flag);
    }
}

fn put_link(w: &mut Writer, l: &LinkConfig) {
    let LinkConfig {
        latency_ms_min,
        latency_ms_max,
        loss_ppm,
        duplicate_ppm,
        reorder_ppm,
        reorder_delay_ms_max,
    } = l;
    w.varint(*latency_ms_min);
    w.varint(*latency_ms_max);
    for ppm in [loss_ppm, duplicate_ppm, reorder_ppm] {
        w.varint(u64::from(*ppm));
    }
    w.varint(*reorder_delay_ms_max);
}

fn put_workload(w: &mut Writer, c: &WorkloadConfig) {
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
    w.varint(u64::from(*clients));
    w.flag(*enabled);
    w.varint(*think_ms_min);
    w.varint(*think_ms_max);
    let OpMix {
        put,
        get,
        read_index_get,
        cas,
        append,
    } = mix;
    for weight in [put, get, read_index_get, cas, append, keys] {
        w.varint(u64::from(*weight));
    }
    w.varint(*request_timeout_ms);
    w.varint(u64::from(*max_attempts));
    for ms in [retry_backoff_ms, latency_ms_min, latency_ms_max, start_ms] {
        w.varint(*ms);
    }
}

fn put_faults(w: &mut Writer, f: &FaultConfig) {
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
    w.flag(*enabled);
    w.varint(*interval_ms_min);
    w.varint(*interval_ms_max);
    for weight in [crash, restart, pause, resume, partition, cut_link, heal] {
        w.varint(u64::from(*weight));
    }
}

/// The bytes of `action` ([`decode_action`] reads them back).
pub fn encode_action(action: &Action) -> Vec<u8> {
    let mut w = Writer::new();
    w.byte(WIRE_FORMAT_VERSION);
    put_action(&mut w, action);
    w.finish()
}

/// The tag of each variant, in the order of the `type` names of the JSON form.
fn tag_of(action: &Action) -> u8 {
    use Action as A;
    match action {
        A::Crash { .. } => 0,
        A::Restart { .. } => 1,
        A::Pause { .. } => 2,
        A::Resume { .. } => 3,
        A::Partition { .. } => 4,
        A::CutLink { .. } => 5,
        A::RepairLink { .. } => 6,
        A::Heal => 7,
        A::SetNetwork { .. } => 8,
        A::SetLink { .. } => 9,
        A::ClientOp { .. } => 10,
        A::SetWorkload { .. } => 11,
        A::SetFaults { .. } => 12,
        A::AddServer { .. } => 13,
        A::RemoveServer { .. } => 14,
        A::TransferLeadership { .. } => 15,
        A::Snapshot { .. } => 16,
        A::Campaign { .. } => 17,
        A::Schedule { .. } => 18,
        A::DeliverNow { .. } => 19,
        A::DropMessage { .. } => 20,
        A::DuplicateMessage { .. } => 21,
        A::HoldMessage { .. } => 22,
        A::ReleaseMessage { .. } => 23,
        A::FireTimer { .. } => 24,
    }
}

fn put_action(w: &mut Writer, action: &Action) {
    use Action as A;
    w.byte(tag_of(action));
    let id = |w: &mut Writer, id: &NodeId| w.varint(u64::from(*id));
    match action {
        A::Crash { server }
        | A::Restart { server }
        | A::Pause { server }
        | A::Resume { server }
        | A::AddServer { server }
        | A::RemoveServer { server }
        | A::Snapshot { server }
        | A::Campaign { server }
        | A::FireTimer { server }
        | A::TransferLeadership { to: server } => id(w, server),
        A::Partition { groups } => {
            w.varint(groups.len() as u64);
            for group in groups {
                w.varint(group.len() as u64);
                group.iter().for_each(|s| id(w, s));
            }
        }
        A::CutLink { from, to, both } | A::RepairLink { from, to, both } => {
            id(w, from);
            id(w, to);
            w.flag(*both);
        }
        A::Heal => {}
        A::SetNetwork { link } => put_link(w, link),
        A::SetLink { from, to, link } => {
            id(w, from);
            id(w, to);
            put_link(w, link);
        }
        A::ClientOp {
            client,
            op,
            read_index,
        } => {
            w.varint(u64::from(*client));
            op.encode_into(w);
            w.flag(*read_index);
        }
        A::SetWorkload { enabled } | A::SetFaults { enabled } => w.flag(*enabled),
        A::Schedule { at_ms, action } => {
            w.varint(*at_ms);
            put_action(w, action);
        }
        A::DeliverNow { message }
        | A::DropMessage { message }
        | A::DuplicateMessage { message }
        | A::HoldMessage { message }
        | A::ReleaseMessage { message } => w.varint(*message),
    }
}
