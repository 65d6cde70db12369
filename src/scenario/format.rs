//! The scenario document: cluster settings, limits and timed steps (see `scenarios/README.md`
//! for the author's guide). Every struct rejects unknown fields; every field is optional.

use std::fmt;

use serde::de::{Deserializer, EnumAccess, VariantAccess, Visitor};
use serde::Deserialize;

use super::refs::{BoundedMs, Fraction, KindSel, NodeRef, NodeSet, NumRef, PropertySel};
use super::step::Step;
use crate::json::{json_struct, VariantIndex};
use crate::sim::{FaultConfig, LinkConfig, OpMix, WorkloadConfig};

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scenario {
    /// Short title shown in reports.
    pub name: String,
    /// What the scenario shows (free text).
    pub description: String,
    /// Where the scenario comes from (e.g. "MIT 6.5840 TestReElection2A").
    pub source: String,
    /// The world to build.
    pub cluster: ClusterSpec,
    /// Guards against runaway scenarios.
    pub limits: Limits,
    /// What happens, in order.
    pub steps: Vec<Step>,
}

/// The cluster: size, seed, timing, network, switches, workload and faults.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterSpec {
    /// Number of servers (ids `1..=servers`).
    pub servers: u32,
    /// The seed of every random draw (world and scenario).
    pub seed: u64,
    /// Randomized election timeout `[min, max)` in ms.
    pub election_timeout_ms: Option<[u64; 2]>,
    /// Leader heartbeat interval in ms.
    pub heartbeat_interval_ms: Option<u64>,
    /// Pre-vote (thesis §9.6).
    pub pre_vote: Option<bool>,
    /// Check-quorum (thesis §6.2).
    pub check_quorum: Option<bool>,
    /// Most entries per AppendEntries.
    pub max_entries_per_append: Option<u64>,
    /// Most unacknowledged AppendEntries per follower.
    pub max_inflight_appends: Option<u64>,
    /// Every server↔server link.
    pub network: NetworkSpec,
    /// Deliberate bugs to switch on.
    pub bugs: Vec<BugName>,
    /// Clients.
    pub workload: WorkloadSpec,
    /// The random fault generator.
    pub faults: FaultSpec,
    /// Compact a server's log once it retains more entries than this (0 = never).
    pub auto_compact_entries: u64,
    /// Client sessions unused this long (log time) expire.
    pub session_timeout_ms: Option<u64>,
    /// Run the safety checker after every event.
    pub check_safety: bool,
}

impl Default for ClusterSpec {
    fn default() -> Self {
        ClusterSpec {
            servers: 3,
            seed: 1,
            election_timeout_ms: None,
            heartbeat_interval_ms: None,
            pre_vote: None,
            check_quorum: None,
            max_entries_per_append: None,
            max_inflight_appends: None,
            network: NetworkSpec::default(),
            bugs: Vec::new(),
            workload: WorkloadSpec::default(),
            faults: FaultSpec::default(),
            auto_compact_entries: 0,
            session_timeout_ms: None,
            check_safety: true,
        }
    }
}

/// A deliberate-bug switch, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BugName {
    /// Raft: commit earlier-term entries by counting replicas (Figure 8).
    SkipFigure8Rule,
    /// Raft: grant votes without the up-to-date log check (§5.4.1).
    SkipVoteLogCheck,
    /// Raft: forget `voted_for` on restart.
    ForgetVoteOnRestart,
    /// Raft: keep the commit index (and treat it as applied) across a crash.
    KeepCommitAcrossCrash,
    /// KV: execute retried commands again instead of answering from the session.
    ApplyWithoutDedup,
}

impl BugName {
    /// Every bug switch.
    pub const ALL: [BugName; 5] = [
        BugName::SkipFigure8Rule,
        BugName::SkipVoteLogCheck,
        BugName::ForgetVoteOnRestart,
        BugName::KeepCommitAcrossCrash,
        BugName::ApplyWithoutDedup,
    ];

    /// The snake_case name used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            BugName::SkipFigure8Rule => "skip_figure8_rule",
            BugName::SkipVoteLogCheck => "skip_vote_log_check",
            BugName::ForgetVoteOnRestart => "forget_vote_on_restart",
            BugName::KeepCommitAcrossCrash => "keep_commit_across_crash",
            BugName::ApplyWithoutDedup => "apply_without_dedup",
        }
    }

    /// The switch with this name.
    pub fn parse(name: &str) -> Option<BugName> {
        BugName::ALL.iter().copied().find(|b| b.name() == name)
    }
}

/// Link behaviour. Unset fields take the world's defaults (5–15 ms latency, a clean link).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NetworkSpec {
    /// One-way latency `[min, max]` in ms.
    pub latency_ms: Option<[u64; 2]>,
    /// Probability a message is lost.
    pub loss: Fraction,
    /// Probability a message is delivered twice.
    pub duplicate: Fraction,
    /// Probability a message is delayed by up to `reorder_delay_ms` extra.
    pub reorder: Fraction,
    /// The largest extra delay of a reordered message.
    pub reorder_delay_ms: u64,
}

impl NetworkSpec {
    /// The link behaviour this describes.
    pub fn link(&self) -> LinkConfig {
        let d = LinkConfig::default();
        let [latency_ms_min, latency_ms_max] = self
            .latency_ms
            .unwrap_or([d.latency_ms_min, d.latency_ms_max]);
        LinkConfig {
            latency_ms_min,
            latency_ms_max,
            loss_ppm: self.loss.0,
            duplicate_ppm: self.duplicate.0,
            reorder_ppm: self.reorder.0,
            reorder_delay_ms_max: self.reorder_delay_ms,
        }
    }
}

/// The clients. Unlike the world's default, the random workload is **off** unless
/// `enabled` is set: scenario clients only run the operations the steps give them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkloadSpec {
    /// Random operations on.
    pub enabled: bool,
    /// Number of clients (default 3).
    pub clients: Option<u32>,
    /// Pause between operations `[min, max]` in ms.
    pub think_ms: Option<[u64; 2]>,
    /// Operation weights.
    pub mix: Option<MixSpec>,
    /// Number of keys.
    pub keys: Option<u32>,
    /// Retry a request after this long without an answer.
    pub request_timeout_ms: Option<u64>,
    /// Attempts per operation before giving up.
    pub max_attempts: Option<u32>,
    /// Back-off after "not leader" without a hint.
    pub retry_backoff_ms: Option<u64>,
    /// Client↔server latency `[min, max]` in ms.
    pub latency_ms: Option<[u64; 2]>,
    /// When clients start.
    pub start_ms: Option<u64>,
}

/// Relative operation weights; unset ones are 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MixSpec {
    /// put
    pub put: u32,
    /// get through the log
    pub get: u32,
    /// get by ReadIndex
    pub read_index_get: u32,
    /// compare-and-set
    pub cas: u32,
    /// append
    pub append: u32,
}

impl WorkloadSpec {
    /// The world's workload settings.
    pub fn config(&self) -> WorkloadConfig {
        let d = WorkloadConfig::default();
        let [think_ms_min, think_ms_max] =
            self.think_ms.unwrap_or([d.think_ms_min, d.think_ms_max]);
        let [latency_ms_min, latency_ms_max] = self
            .latency_ms
            .unwrap_or([d.latency_ms_min, d.latency_ms_max]);
        let mix = self.mix.map_or(d.mix, |m| OpMix {
            put: m.put,
            get: m.get,
            read_index_get: m.read_index_get,
            cas: m.cas,
            append: m.append,
        });
        WorkloadConfig {
            clients: self.clients.unwrap_or(d.clients),
            enabled: self.enabled,
            think_ms_min,
            think_ms_max,
            mix,
            keys: self.keys.unwrap_or(d.keys),
            request_timeout_ms: self.request_timeout_ms.unwrap_or(d.request_timeout_ms),
            max_attempts: self.max_attempts.unwrap_or(d.max_attempts),
            retry_backoff_ms: self.retry_backoff_ms.unwrap_or(d.retry_backoff_ms),
            latency_ms_min,
            latency_ms_max,
            start_ms: self.start_ms.unwrap_or(d.start_ms),
        }
    }
}

/// The random fault generator; unset weights take the world's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FaultSpec {
    /// On from the start.
    pub enabled: bool,
    /// Gap between two faults `[min, max]` in ms.
    pub interval_ms: Option<[u64; 2]>,
    /// Weight of a crash.
    pub crash: Option<u32>,
    /// Weight of a restart.
    pub restart: Option<u32>,
    /// Weight of a pause.
    pub pause: Option<u32>,
    /// Weight of a resume.
    pub resume: Option<u32>,
    /// Weight of a partition.
    pub partition: Option<u32>,
    /// Weight of a one-link cut.
    pub cut_link: Option<u32>,
    /// Weight of a heal.
    pub heal: Option<u32>,
}

impl FaultSpec {
    /// The world's fault settings.
    pub fn config(&self) -> FaultConfig {
        let d = FaultConfig::default();
        let [interval_ms_min, interval_ms_max] = self
            .interval_ms
            .unwrap_or([d.interval_ms_min, d.interval_ms_max]);
        FaultConfig {
            enabled: self.enabled,
            interval_ms_min,
            interval_ms_max,
            crash: self.crash.unwrap_or(d.crash),
            restart: self.restart.unwrap_or(d.restart),
            pause: self.pause.unwrap_or(d.pause),
            resume: self.resume.unwrap_or(d.resume),
            partition: self.partition.unwrap_or(d.partition),
            cut_link: self.cut_link.unwrap_or(d.cut_link),
            heal: self.heal.unwrap_or(d.heal),
        }
    }
}

/// Guards against runaway scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The run fails when virtual time passes this.
    pub max_virtual_ms: u64,
    /// The bound of an expectation that names neither `within_ms` nor `for_ms`.
    pub default_wait_ms: u64,
    /// The run fails after executing this many steps (repeats count each time).
    pub max_steps: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_virtual_ms: 600_000,
            default_wait_ms: 10_000,
            max_steps: 100_000,
        }
    }
}

/// A client operation step (`put`, `get`, `cas`, `append`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOpSpec {
    /// The client (1-based; default 1).
    pub client: u32,
    /// The key.
    pub key: String,
    /// The value (`put`, `append`) or the new value (`cas`).
    pub value: Option<String>,
    /// `cas`: the value the key must hold (`null`: absent).
    pub expected: Option<String>,
    /// `get`: serve by ReadIndex instead of through the log.
    pub read_index: bool,
    /// A name for later expectations (`committed`, `applied`, `response`).
    pub name: Option<String>,
}

/// A one-way or two-way link between two servers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkSpec {
    /// Sender side.
    pub from: NodeRef,
    /// Receiver side.
    pub to: NodeRef,
    /// Both directions (default: one way).
    pub both: bool,
}

/// `set_link`: one directed link's behaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetLinkSpec {
    /// Sender side.
    pub from: NodeRef,
    /// Receiver side.
    pub to: NodeRef,
    /// The behaviour.
    pub network: NetworkSpec,
}

/// `repeat`: run `steps` `times` times.
#[derive(Debug, Clone, PartialEq)]
pub struct RepeatSpec {
    /// How many times (1..=100000).
    pub times: u32,
    /// The body.
    pub steps: Vec<Step>,
}

/// One weighted branch of `one_of`.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// Relative weight (default 1).
    pub weight: u32,
    /// The branch.
    pub steps: Vec<Step>,
}

/// A condition: what an expectation waits for or asserts, and what `if` tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// Exactly one running server of `among` believes it leads.
    Leader(LeaderCond),
    /// No running server of `among` believes it leads.
    NoLeader(AmongCond),
    /// A named client operation was answered, and its command is applied on at least
    /// `on_at_least` servers (MIT's `one()`).
    Committed(OpCond),
    /// A named operation's command (or a raw log index) is applied on a number of servers.
    Applied(AppliedCond),
    /// A named operation was answered with this response.
    Response(ResponseCond),
    /// A key has a value (`null`: absent) on at least `on_at_least` running servers.
    Value(ValueCond),
    /// The highest term among `among` is within bounds.
    Term(TermCond),
    /// Every running server of `among` has the same term (optionally saved).
    TermsAgree(TermsAgreeCond),
    /// Every running member has the leader's whole log applied and the same data.
    Converged(AmongCond),
    /// Messages delivered between two marks, by kind, are within bounds.
    Messages(MessagesCond),
    /// No safety property has been violated so far.
    NoViolation(Empty),
    /// A violation of one of the named properties (any, if none named) has happened: the run
    /// is a bug demonstration and its violations are expected.
    Violation(ViolationCond),
    /// The client history so far is linearizable (checked when the step runs).
    Linearizable(Empty),
    /// No client has an operation outstanding.
    ClientsIdle(Empty),
    /// The number of running servers is within bounds.
    Running(CountCond),
    /// The number of servers the scenario has not disconnected is within bounds.
    Connected(CountCond),
    /// The most log entries any server retains (after its snapshot) is within bounds.
    LogRetained(CountCond),
    /// Every acknowledged append is still in its key's value on every running member, unless
    /// a later write to the key may have replaced it.
    AcknowledgedWritesPresent(Empty),
}

/// No parameters: write `{}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Empty {}

/// `leader`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LeaderCond {
    /// The servers considered (default `"connected"`).
    pub among: NodeSet,
    /// Save the leader as `$name`.
    pub save_as: Option<String>,
}

/// A condition over a set of servers (default `"connected"`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AmongCond {
    /// The servers considered.
    pub among: NodeSet,
}

/// `committed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpCond {
    /// The operation's name (`as`).
    pub op: String,
    /// Least number of servers that applied it (default: a majority of the cluster).
    pub on_at_least: Option<u32>,
}

/// `applied`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppliedCond {
    /// The operation's name (`as`).
    pub op: Option<String>,
    /// Or a raw log index.
    pub index: Option<u64>,
    /// Lower bound on servers.
    pub on_at_least: Option<u32>,
    /// Upper bound on servers.
    pub on_at_most: Option<u32>,
}

/// `response`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseCond {
    /// The operation's name.
    pub op: String,
    /// Expected: `"ok"`, `"cas_ok"`, `"cas_failed"`, `"not_found"` or `"value"`.
    pub is: Option<String>,
    /// For `"value"`: the value read.
    pub value: Option<String>,
}

/// `value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueCond {
    /// The key.
    pub key: String,
    /// The value (`null` = absent).
    pub value: Option<String>,
    /// Least number of running servers (default: every running server).
    pub on_at_least: Option<u32>,
}

/// `term`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TermCond {
    /// The servers considered (default `"connected"`).
    pub among: NodeSet,
    /// Lower bound.
    pub at_least: Option<NumRef>,
    /// Upper bound.
    pub at_most: Option<NumRef>,
}

/// `terms_agree`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TermsAgreeCond {
    /// The servers considered (default `"connected"`).
    pub among: NodeSet,
    /// Save the term as `$name`.
    pub save_as: Option<String>,
}

/// `messages`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessagesCond {
    /// Count from this mark.
    pub from_mark: String,
    /// To this mark (default: now).
    pub to_mark: Option<String>,
    /// Kinds counted (default `"all"`); a list is a union.
    pub kinds: Option<Vec<KindSel>>,
    /// Lower bound.
    pub at_least: Option<u64>,
    /// Upper bound.
    pub at_most: Option<u64>,
}

/// `violation`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ViolationCond {
    /// The property (or any of a list); none: any property.
    pub property: Option<PropertySel>,
}

/// A count within bounds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CountCond {
    /// Lower bound.
    pub at_least: Option<u64>,
    /// Upper bound.
    pub at_most: Option<u64>,
}

// The enums by hand rather than derived: the variant name is looked up in a table by shared
// code (serde's derive compiles a string matcher per enum). Same errors, at the same paths.

/// [`BugName`]s as written, in the order of [`BugName::ALL`].
const BUG_NAMES: &[&str] = &[
    "skip_figure8_rule",
    "skip_vote_log_check",
    "forget_vote_on_restart",
    "keep_commit_across_crash",
    "apply_without_dedup",
];

impl<'de> Deserialize<'de> for BugName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_enum("BugName", BUG_NAMES, BugNameVisitor)
    }
}

struct BugNameVisitor;

impl<'de> Visitor<'de> for BugNameVisitor {
    type Value = BugName;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("enum BugName")
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<BugName, A::Error> {
        let (i, variant) = data.variant_seed(VariantIndex(BUG_NAMES))?;
        variant.unit_variant()?;
        Ok(BugName::ALL[i])
    }
}

/// [`Condition`]s as written, in the order of its variants.
const CONDITIONS: &[&str] = &[
    "leader",
    "no_leader",
    "committed",
    "applied",
    "response",
    "value",
    "term",
    "terms_agree",
    "converged",
    "messages",
    "no_violation",
    "violation",
    "linearizable",
    "clients_idle",
    "running",
    "connected",
    "log_retained",
    "acknowledged_writes_present",
];

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_enum("Condition", CONDITIONS, ConditionVisitor)
    }
}

struct ConditionVisitor;

impl<'de> Visitor<'de> for ConditionVisitor {
    type Value = Condition;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("enum Condition")
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Condition, A::Error> {
        use Condition as C;
        let (i, v) = data.variant_seed(VariantIndex(CONDITIONS))?;
        Ok(match i {
            0 => C::Leader(v.newtype_variant()?),
            1 => C::NoLeader(v.newtype_variant()?),
            2 => C::Committed(v.newtype_variant()?),
            3 => C::Applied(v.newtype_variant()?),
            4 => C::Response(v.newtype_variant()?),
            5 => C::Value(v.newtype_variant()?),
            6 => C::Term(v.newtype_variant()?),
            7 => C::TermsAgree(v.newtype_variant()?),
            8 => C::Converged(v.newtype_variant()?),
            9 => C::Messages(v.newtype_variant()?),
            10 => C::NoViolation(v.newtype_variant()?),
            11 => C::Violation(v.newtype_variant()?),
            12 => C::Linearizable(v.newtype_variant()?),
            13 => C::ClientsIdle(v.newtype_variant()?),
            14 => C::Running(v.newtype_variant()?),
            15 => C::Connected(v.newtype_variant()?),
            16 => C::LogRetained(v.newtype_variant()?),
            _ => C::AcknowledgedWritesPresent(v.newtype_variant()?),
        })
    }
}

json_struct! {
    Scenario from Scenario::default();
    { name, description, source, cluster, limits, steps }
}

json_struct! {
    ClusterSpec from ClusterSpec::default();
    { servers, seed, election_timeout_ms, heartbeat_interval_ms, pre_vote, check_quorum, max_entries_per_append, max_inflight_appends, network, bugs, workload, faults, auto_compact_entries, session_timeout_ms, check_safety }
}

json_struct! {
    NetworkSpec from NetworkSpec::default();
    { latency_ms, loss, duplicate, reorder, reorder_delay_ms with BoundedMs }
}

json_struct! {
    WorkloadSpec from WorkloadSpec::default();
    { enabled, clients, think_ms, mix, keys, request_timeout_ms, max_attempts, retry_backoff_ms, latency_ms, start_ms }
}

json_struct! {
    MixSpec from MixSpec::default();
    { put, get, read_index_get, cas, append }
}

json_struct! {
    FaultSpec from FaultSpec::default();
    { enabled, interval_ms, crash, restart, pause, resume, partition, cut_link, heal }
}

json_struct! {
    Limits from Limits::default();
    { max_virtual_ms with BoundedMs, default_wait_ms with BoundedMs, max_steps }
}

json_struct! {
    ClientOpSpec from ClientOpSpec {
        client: 1,
        key: String::new(),
        value: None,
        expected: None,
        read_index: false,
        name: None,
    };
    required key;
    { client, key, value, expected, read_index, name as "as" }
}

json_struct! {
    LinkSpec from LinkSpec {
        from: NodeRef::LEADER,
        to: NodeRef::LEADER,
        both: false,
    };
    required from, to;
    { from, to, both }
}

json_struct! {
    SetLinkSpec from SetLinkSpec {
        from: NodeRef::LEADER,
        to: NodeRef::LEADER,
        network: NetworkSpec::default(),
    };
    required from, to, network;
    { from, to, network }
}

json_struct! {
    RepeatSpec from RepeatSpec {
        times: 0,
        steps: Vec::new(),
    };
    required times, steps;
    { times, steps }
}

json_struct! {
    Choice from Choice {
        weight: 1,
        steps: Vec::new(),
    };
    required steps;
    { weight, steps }
}

json_struct! {
    Empty from Empty {};
    {}
}

json_struct! {
    LeaderCond from LeaderCond::default();
    { among, save_as }
}

json_struct! {
    AmongCond from AmongCond::default();
    { among }
}

json_struct! {
    OpCond from OpCond {
        op: String::new(),
        on_at_least: None,
    };
    required op;
    { op, on_at_least }
}

json_struct! {
    AppliedCond from AppliedCond::default();
    { op, index, on_at_least, on_at_most }
}

json_struct! {
    ResponseCond from ResponseCond {
        op: String::new(),
        is: None,
        value: None,
    };
    required op;
    { op, is, value }
}

json_struct! {
    ValueCond from ValueCond {
        key: String::new(),
        value: None,
        on_at_least: None,
    };
    required key;
    { key, value, on_at_least }
}

json_struct! {
    TermCond from TermCond::default();
    { among, at_least, at_most }
}

json_struct! {
    TermsAgreeCond from TermsAgreeCond::default();
    { among, save_as }
}

json_struct! {
    MessagesCond from MessagesCond {
        from_mark: String::new(),
        to_mark: None,
        kinds: None,
        at_least: None,
        at_most: None,
    };
    required from_mark;
    { from_mark, to_mark, kinds, at_least, at_most }
}

json_struct! {
    ViolationCond from ViolationCond::default();
    { property }
}

json_struct! {
    CountCond from CountCond::default();
    { at_least, at_most }
}

#[cfg(test)]
mod tests {
    use serde::de::IgnoredAny;

    use super::*;
    use crate::json;

    /// The variant names serde's derive would read, each with any content.
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    #[allow(dead_code)] // Compared through `Debug`.
    enum Derived {
        Leader(IgnoredAny),
        NoLeader(IgnoredAny),
        Committed(IgnoredAny),
        Applied(IgnoredAny),
        Response(IgnoredAny),
        Value(IgnoredAny),
        Term(IgnoredAny),
        TermsAgree(IgnoredAny),
        Converged(IgnoredAny),
        Messages(IgnoredAny),
        NoViolation(IgnoredAny),
        Violation(IgnoredAny),
        Linearizable(IgnoredAny),
        ClientsIdle(IgnoredAny),
        Running(IgnoredAny),
        Connected(IgnoredAny),
        LogRetained(IgnoredAny),
        AcknowledgedWritesPresent(IgnoredAny),
    }

    fn variant(debug: String) -> String {
        debug.split('(').next().unwrap_or_default().to_string()
    }

    #[test]
    fn conditions_read_by_name_like_derived_ones() {
        let read = |text: &str| {
            let ours = json::from_str::<Condition>(text).map(|c| variant(format!("{c:?}")));
            let derived = json::from_str::<Derived>(text).map(|c| variant(format!("{c:?}")));
            assert_eq!(
                ours.map_err(|e| e.to_string()),
                derived.map_err(|e| e.to_string()),
                "{text}"
            );
        };
        for (name, content) in [
            ("leader", "{}"),
            ("no_leader", "{}"),
            ("committed", r#"{"op": "w"}"#),
            ("applied", "{}"),
            ("response", r#"{"op": "w"}"#),
            ("value", r#"{"key": "k", "value": null}"#),
            ("term", "{}"),
            ("terms_agree", "{}"),
            ("converged", "{}"),
            ("messages", r#"{"from_mark": "m"}"#),
            ("no_violation", "{}"),
            ("violation", "{}"),
            ("linearizable", "{}"),
            ("clients_idle", "{}"),
            ("running", "{}"),
            ("connected", "{}"),
            ("log_retained", "{}"),
            ("acknowledged_writes_present", "{}"),
        ] {
            read(&format!(r#"{{"{name}": {content}}}"#));
        }
        read(r#"{"leaders": {}}"#);
        read(r#""leader""#);
        read(r#"{"leader": {}, "term": {}}"#);
        let e = json::from_str::<Condition>(r#"{"term": {"among": "all", "at_least": -1}}"#);
        assert_eq!(
            e.map_err(|e| e.to_string()),
            Err("term.at_least: expected a whole number or \"$name\"".into())
        );
    }

    #[test]
    fn bug_names_read_like_derived_ones() {
        for (i, bug) in BugName::ALL.iter().enumerate() {
            assert_eq!(BUG_NAMES[i], bug.name());
            let text = format!("\"{}\"", bug.name());
            assert_eq!(json::from_str::<BugName>(&text).ok(), Some(*bug));
        }
        assert_eq!(
            json::from_str::<BugName>("\"skip\"").map_err(|e| e.to_string()),
            Err(
                ".: unknown variant `skip`, expected one of `skip_figure8_rule`, \
                 `skip_vote_log_check`, `forget_vote_on_restart`, `keep_commit_across_crash`, \
                 `apply_without_dedup`"
                    .into()
            )
        );
        assert_eq!(
            json::from_str::<BugName>(r#"{"skip_figure8_rule": 1}"#).map_err(|e| e.to_string()),
            Err(".: invalid type: integer `1`, expected unit variant".into())
        );
    }
}
