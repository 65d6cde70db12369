//! The world's settings: cluster, network, workload, trace and time-travel budgets.
//!
//! Times are virtual milliseconds; probabilities are parts per million (integers, so native
//! and wasm32 draw identically).

use serde::Serialize;

use super::error::{invalid, Invalid, SimError};
use super::rng::PPM;
use crate::json::json_struct;
use crate::kv::KvConfig;
use crate::raft::{Bugs, Config, MAX_SERVERS};

/// Upper bound for any latency or delay parameter (one virtual hour), to catch absurd input.
pub const MAX_DELAY_MS: u64 = 3_600_000;

/// The behaviour of one directed network link.
///
/// Reordering: every copy draws its latency independently from `latency_ms_min..=
/// latency_ms_max`, so messages on one link already overtake each other whenever the range is
/// wider than their send gap; `reorder_ppm` additionally delays a message by up to
/// `reorder_delay_ms_max` extra, which reorders it behind later traffic for sure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LinkConfig {
    /// Smallest one-way latency.
    pub latency_ms_min: u64,
    /// Largest one-way latency (inclusive).
    pub latency_ms_max: u64,
    /// Probability that a message is lost, per million.
    pub loss_ppm: u32,
    /// Probability that a message is delivered twice (the copy draws its own latency).
    pub duplicate_ppm: u32,
    /// Probability that a message gets an extra delay, per million.
    pub reorder_ppm: u32,
    /// The largest extra delay of a reordered message.
    pub reorder_delay_ms_max: u64,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig {
            latency_ms_min: 5,
            latency_ms_max: 15,
            loss_ppm: 0,
            duplicate_ppm: 0,
            reorder_ppm: 0,
            reorder_delay_ms_max: 0,
        }
    }
}

impl LinkConfig {
    /// Checks the ranges.
    pub fn validate(&self) -> Result<(), SimError> {
        if self.latency_ms_min > self.latency_ms_max {
            return Err(invalid("latency_ms_min", exceeds("latency_ms_max")));
        }
        check_delay("latency_ms_max", self.latency_ms_max)?;
        check_delay("reorder_delay_ms_max", self.reorder_delay_ms_max)?;
        check_ppm("loss_ppm", self.loss_ppm)?;
        check_ppm("duplicate_ppm", self.duplicate_ppm)?;
        check_ppm("reorder_ppm", self.reorder_ppm)
    }
}

/// Relative weights of the operations the workload issues (any scale; all zero = no ops).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OpMix {
    /// `put key value`.
    pub put: u32,
    /// `get key` through the log.
    pub get: u32,
    /// `get key` served by ReadIndex (thesis §6.4), without a log entry.
    pub read_index_get: u32,
    /// `cas key expected new`.
    pub cas: u32,
    /// `append key value`.
    pub append: u32,
}

impl Default for OpMix {
    fn default() -> Self {
        OpMix {
            put: 3,
            get: 2,
            read_index_get: 1,
            cas: 1,
            append: 3,
        }
    }
}

/// The clients and what they do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkloadConfig {
    /// Number of clients (each registers a session, then runs one operation at a time).
    pub clients: u32,
    /// Whether clients issue random operations on their own (manual operations queued with
    /// [`crate::sim::Action::ClientOp`] run either way).
    pub enabled: bool,
    /// Smallest pause between an operation's end and the next one's start.
    pub think_ms_min: u64,
    /// Largest pause (inclusive).
    pub think_ms_max: u64,
    /// Operation mix.
    pub mix: OpMix,
    /// Number of distinct keys (`k0`, `k1`, …).
    pub keys: u32,
    /// A request with no answer after this long is retried with the same serial.
    pub request_timeout_ms: u64,
    /// Attempts per operation (the first send included) before the client gives up; the
    /// operation's outcome then stays unknown in the history.
    pub max_attempts: u32,
    /// Delay before retrying after a "not leader" answer without a usable leader hint; it
    /// doubles with each such answer to the same operation, up to 16× (see `sim::client`).
    pub retry_backoff_ms: u64,
    /// Smallest client↔server one-way latency.
    pub latency_ms_min: u64,
    /// Largest client↔server one-way latency (inclusive).
    pub latency_ms_max: u64,
    /// When clients start (lets the cluster elect a leader first).
    pub start_ms: u64,
}

impl Default for WorkloadConfig {
    fn default() -> Self {
        WorkloadConfig {
            clients: 3,
            enabled: true,
            think_ms_min: 20,
            think_ms_max: 120,
            mix: OpMix::default(),
            keys: 3,
            request_timeout_ms: 400,
            max_attempts: 8,
            retry_backoff_ms: 50,
            latency_ms_min: 2,
            latency_ms_max: 8,
            start_ms: 0,
        }
    }
}

impl WorkloadConfig {
    /// Checks the ranges.
    pub fn validate(&self) -> Result<(), SimError> {
        if self.clients > 64 {
            return Err(invalid(
                "clients",
                Invalid::OutOfRange {
                    min: 0,
                    max: 64,
                    got: u64::from(self.clients),
                },
            ));
        }
        if self.think_ms_min > self.think_ms_max {
            return Err(invalid("think_ms_min", exceeds("think_ms_max")));
        }
        if self.latency_ms_min > self.latency_ms_max {
            return Err(invalid("latency_ms_min", exceeds("latency_ms_max")));
        }
        if self.keys == 0 || self.keys > 1000 {
            return Err(invalid(
                "keys",
                Invalid::OutOfRange {
                    min: 1,
                    max: 1000,
                    got: u64::from(self.keys),
                },
            ));
        }
        if self.request_timeout_ms == 0 {
            return Err(invalid("request_timeout_ms", Invalid::Zero));
        }
        if self.max_attempts == 0 {
            return Err(invalid("max_attempts", Invalid::Zero));
        }
        for (name, v) in [
            ("think_ms_max", self.think_ms_max),
            ("request_timeout_ms", self.request_timeout_ms),
            ("retry_backoff_ms", self.retry_backoff_ms),
            ("latency_ms_max", self.latency_ms_max),
            ("start_ms", self.start_ms),
        ] {
            check_delay(name, v)?;
        }
        Ok(())
    }
}

/// The random fault generator ("nemesis"): every `interval_ms_min..=interval_ms_max` it draws
/// one fault by weight. It never crashes or pauses more than a minority of the servers at
/// once, so the cluster can always make progress once the network heals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FaultConfig {
    /// Whether the generator runs.
    pub enabled: bool,
    /// Smallest gap between two faults.
    pub interval_ms_min: u64,
    /// Largest gap (inclusive).
    pub interval_ms_max: u64,
    /// Weight of crashing a random live server.
    pub crash: u32,
    /// Weight of restarting a random crashed server.
    pub restart: u32,
    /// Weight of pausing a random running server.
    pub pause: u32,
    /// Weight of resuming a random paused server.
    pub resume: u32,
    /// Weight of splitting the servers into two random groups.
    pub partition: u32,
    /// Weight of cutting one random directed link.
    pub cut_link: u32,
    /// Weight of healing every partition and cut.
    pub heal: u32,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            enabled: false,
            interval_ms_min: 200,
            interval_ms_max: 1_000,
            crash: 2,
            restart: 3,
            pause: 1,
            resume: 2,
            partition: 1,
            cut_link: 1,
            heal: 2,
        }
    }
}

/// Most checkpoints a world may keep for time travel (each is a whole world).
pub const MAX_CHECKPOINTS: u32 = 1_024;

/// Everything that defines a world. Same config + same commands → same run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimConfig {
    /// The seed every random stream derives from.
    pub seed: u64,
    /// Number of servers in the initial configuration (ids `1..=servers`).
    pub servers: u32,
    /// The Raft settings of every server.
    pub raft: Config,
    /// The key-value settings (shared by every replica).
    pub kv: KvConfig,
    /// The default behaviour of every directed server↔server link.
    pub link: LinkConfig,
    /// Clients.
    pub workload: WorkloadConfig,
    /// Random faults.
    pub faults: FaultConfig,
    /// Compact a server's log automatically once it retains more than this many entries
    /// (at the applied index). 0 disables automatic snapshots.
    pub auto_compact_entries: u64,
    /// Trace lines kept in memory (the hash covers every line ever written).
    pub trace_capacity: u32,
    /// Virtual time between two checkpoints for time travel.
    pub checkpoint_interval_ms: u64,
    /// Most checkpoints kept; when full (or over the memory budget,
    /// [`crate::sim::CHECKPOINT_BUDGET_BYTES`]), every other one is dropped and the
    /// interval doubles.
    pub max_checkpoints: u32,
    /// Run the safety checker after every event.
    pub check_safety: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 1,
            servers: 3,
            raft: Config::default(),
            kv: KvConfig::default(),
            link: LinkConfig::default(),
            workload: WorkloadConfig::default(),
            faults: FaultConfig::default(),
            auto_compact_entries: 0,
            trace_capacity: 2_000,
            checkpoint_interval_ms: 1_000,
            max_checkpoints: 256,
            check_safety: true,
        }
    }
}

impl SimConfig {
    /// A default world of `servers` servers seeded by `seed`.
    pub fn new(servers: u32, seed: u64) -> Self {
        SimConfig {
            servers,
            seed,
            ..SimConfig::default()
        }
    }

    /// Checks every setting; the first problem is reported.
    pub fn validate(&self) -> Result<(), SimError> {
        if self.servers == 0 || self.servers > MAX_SERVERS {
            return Err(invalid(
                "servers",
                Invalid::OutOfRange {
                    min: 1,
                    max: u64::from(MAX_SERVERS),
                    got: u64::from(self.servers),
                },
            ));
        }
        self.raft.validate()?;
        self.kv.validate()?;
        self.link.validate()?;
        self.workload.validate()?;
        self.validate_faults()?;
        if self.checkpoint_interval_ms == 0 {
            return Err(invalid("checkpoint_interval_ms", Invalid::Zero));
        }
        // A memory bound: a configuration from a share link or a session file must not be able
        // to ask for unbounded checkpoints (each one a whole world).
        if !(2..=MAX_CHECKPOINTS).contains(&self.max_checkpoints) {
            return Err(invalid(
                "max_checkpoints",
                Invalid::OutOfRange {
                    min: 2,
                    max: MAX_CHECKPOINTS as u64,
                    got: self.max_checkpoints as u64,
                },
            ));
        }
        Ok(())
    }

    fn validate_faults(&self) -> Result<(), SimError> {
        let f = &self.faults;
        if f.interval_ms_min == 0 || f.interval_ms_min > f.interval_ms_max {
            return Err(invalid(
                "faults.interval_ms_min",
                Invalid::OutOfRange {
                    min: 1,
                    max: f.interval_ms_max,
                    got: f.interval_ms_min,
                },
            ));
        }
        check_delay("faults.interval_ms_max", f.interval_ms_max)
    }
}

fn check_ppm(name: &'static str, v: u32) -> Result<(), SimError> {
    if v > PPM {
        return Err(invalid(name, Invalid::AbovePpm { got: v }));
    }
    Ok(())
}

fn check_delay(name: &'static str, v: u64) -> Result<(), SimError> {
    if v > MAX_DELAY_MS {
        return Err(invalid(
            name,
            Invalid::AboveLimitMs {
                got: v,
                max: MAX_DELAY_MS,
            },
        ));
    }
    Ok(())
}

fn exceeds(other: &'static str) -> Invalid {
    Invalid::Exceeds { other }
}

// The core's settings are read here, at the world's layer: `src/raft` depends on std and serde
// only (ARCHITECTURE.md), and the JSON reader's field tables live above it.
json_struct! {
    Bugs from Bugs::default(), ignoring unknown;
    required skip_figure8_rule, skip_vote_log_check, forget_vote_on_restart, keep_commit_across_crash;
    { skip_figure8_rule, skip_vote_log_check, forget_vote_on_restart, keep_commit_across_crash }
}

json_struct! {
    Config from Config::default(), ignoring unknown;
    required election_timeout_ms_min, election_timeout_ms_max, heartbeat_interval_ms, pre_vote, check_quorum, max_entries_per_append, max_inflight_appends, bugs;
    { election_timeout_ms_min, election_timeout_ms_max, heartbeat_interval_ms, pre_vote, check_quorum, max_entries_per_append, max_inflight_appends, bugs }
}

json_struct! {
    LinkConfig from LinkConfig::default();
    required latency_ms_min, latency_ms_max, loss_ppm, duplicate_ppm, reorder_ppm, reorder_delay_ms_max;
    { latency_ms_min, latency_ms_max, loss_ppm, duplicate_ppm, reorder_ppm, reorder_delay_ms_max }
}

json_struct! {
    OpMix from OpMix::default();
    required put, get, read_index_get, cas, append;
    { put, get, read_index_get, cas, append }
}

json_struct! {
    WorkloadConfig from WorkloadConfig::default();
    required clients, enabled, think_ms_min, think_ms_max, mix, keys, request_timeout_ms, max_attempts, retry_backoff_ms, latency_ms_min, latency_ms_max, start_ms;
    { clients, enabled, think_ms_min, think_ms_max, mix, keys, request_timeout_ms, max_attempts, retry_backoff_ms, latency_ms_min, latency_ms_max, start_ms }
}

json_struct! {
    FaultConfig from FaultConfig::default();
    required enabled, interval_ms_min, interval_ms_max, crash, restart, pause, resume, partition, cut_link, heal;
    { enabled, interval_ms_min, interval_ms_max, crash, restart, pause, resume, partition, cut_link, heal }
}

json_struct! {
    SimConfig from SimConfig::default();
    required seed, servers, raft, kv, link, workload, faults, auto_compact_entries, trace_capacity, checkpoint_interval_ms, max_checkpoints, check_safety;
    { seed, servers, raft, kv, link, workload, faults, auto_compact_entries, trace_capacity, checkpoint_interval_ms, max_checkpoints, check_safety }
}
