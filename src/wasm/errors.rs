//! A stable code and named parameters for every error the facade throws, so the page can word
//! it in the user's language (`error.<code>` in `www/i18n/en.js` and `tr.js`); the English
//! `Display` text stays the exception's `message` for embedders, logs and the CLI.
//!
//! Each mapping is one `match` over the whole error type, nested enums included (a raft
//! `ProposeError` inside a `SimError`, an `Invalid` reason inside an invalid parameter), with no
//! catch-all arm: a new variant anywhere does not compile until it has a code. The same macro
//! collects the codes into [`error_codes`], which a test writes to `www/i18n/codes.json` for
//! the JavaScript tests to check against both languages.

use serde::Serialize;
use thiserror::Error;

use super::options::ArgError;
use crate::debug_text::Quoted;
use crate::kv;
use crate::raft::{
    CampaignError, CompactError, ConfigError, MembershipError, ProposeError, TransferError,
    MAX_SERVERS,
};
use crate::scenario::ScenarioError;
use crate::sim::{Invalid, SimError};

/// One parameter of an error: a number, or a text (ids and names as they are; a refused
/// JavaScript number as Rust wrote it, so NaN, infinities and fractions stay readable).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Param {
    /// A whole number (an id, an index, a term, a limit).
    Num(f64),
    /// A text.
    Text(String),
}

impl From<&u32> for Param {
    fn from(v: &u32) -> Self {
        Param::Num(f64::from(*v))
    }
}

impl From<u32> for Param {
    fn from(v: u32) -> Self {
        Param::Num(f64::from(v))
    }
}

impl From<&u64> for Param {
    fn from(v: &u64) -> Self {
        Param::Num(*v as f64)
    }
}

impl From<u64> for Param {
    fn from(v: u64) -> Self {
        Param::Num(v as f64)
    }
}

impl From<usize> for Param {
    fn from(v: usize) -> Self {
        Param::Num(v as f64)
    }
}

impl From<&usize> for Param {
    fn from(v: &usize) -> Self {
        Param::Num(*v as f64)
    }
}

impl From<&f64> for Param {
    fn from(v: &f64) -> Self {
        Param::Text(crate::float_text::text(*v))
    }
}

impl From<&&'static str> for Param {
    fn from(v: &&'static str) -> Self {
        Param::Text((*v).to_string())
    }
}

impl From<&String> for Param {
    fn from(v: &String) -> Self {
        Param::Text(v.clone())
    }
}

/// Named parameters, in the order the English text uses them.
pub type Params = Vec<(&'static str, Param)>;

/// The parameters of one code, out of line: one copy per count rather than an allocation in
/// every arm of every mapping (issue 6, sizes).
#[inline(never)]
fn params<const N: usize>(list: [(&'static str, Param); N]) -> Params {
    Vec::from(list)
}

/// An error with a stable code (its translation key is `error.<code>`) and parameters.
pub trait Coded: std::fmt::Display {
    /// The code and the parameters the sentence needs.
    fn code(&self) -> (&'static str, Params);
}

/// Errors of the facade itself (arguments of its own functions, documents it parses).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FacadeError {
    /// A JavaScript object or JSON document that does not fit (`path` is `.` for the whole).
    #[error("invalid {what}{}: {detail}", at(path))]
    Document {
        /// Which kind of document.
        what: Document,
        /// Where, as a path (`.network.lossPercent`).
        path: String,
        /// The parser's own words.
        detail: String,
    },
    /// A bug hunt's seed that is not a decimal `u64`.
    #[error("the seed must be a whole number 0..2^64, not {}", Quoted(.0))]
    HuntSeed(String),
    /// A bug hunt for a bug that does not exist.
    #[error("unknown bug {}; known: skip_figure8_rule, skip_vote_log_check, forget_vote_on_restart, keep_commit_across_crash, apply_without_dedup", Quoted(.0))]
    UnknownBug(String),
    /// A bug hunt with fewer than 3 servers.
    #[error("a bug hunt needs 3 to {MAX_SERVERS} servers, not {0}")]
    HuntServers(u32),
    /// A bug hunt's run length outside its range.
    #[error("a bug hunt runs 1..={max} ms per seed, not {got}")]
    HuntRunMs {
        /// The value given.
        got: u64,
        /// The longest allowed.
        max: u64,
    },
    /// A forward seek longer than one advance.
    #[error("cannot move forward more than {max} ms at once")]
    SeekTooFar {
        /// The longest move.
        max: u64,
    },
    /// `addServer()` on a full cluster.
    #[error("the cluster already has {MAX_SERVERS} servers")]
    ClusterFull,
    /// A partition that is not arrays of numbers.
    #[error("groups must be arrays of server ids: {0}")]
    Groups(String),
    /// Bytes that are not what the reader's module encodes for `what` (a stale or foreign
    /// module, or bytes from elsewhere).
    #[error("unreadable encoded {what}: {detail}")]
    Encoded {
        /// What the bytes should hold (a configuration or an action).
        what: Document,
        /// Why they do not ([`crate::sim::wire::WireError`]).
        detail: String,
    },
}

/// A scenario document the reader's `readScenario` refused. Its own type, not a
/// [`FacadeError`]: the page's module throws none, so the scenario reader's errors stay out of
/// it (issue 6).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid scenario: {0}")]
pub struct ScenarioRefusal(pub ScenarioError);

fn at(path: &str) -> String {
    if path.is_empty() || path == "." {
        String::new()
    } else {
        format!(" at {path}")
    }
}

/// The kinds of document the facade reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// `new Simulation(options)`.
    Options,
    /// `setNetwork` / `setLink`.
    NetworkOptions,
    /// The reader's `readAction` (`applyActionBytes` for its bytes).
    Action,
    /// The reader's `readConfig` (`fromConfigBytes` for its bytes).
    Configuration,
}

impl std::fmt::Display for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Document::Options => "options",
            Document::NetworkOptions => "network options",
            Document::Action => "action",
            Document::Configuration => "configuration",
        })
    }
}

/// Writes a function `$f(&$ty) -> (code, params)` as one exhaustive `match`, and a constant
/// `$list` of every literal code in it. An arm is `pattern => "code" [name = value, …]`, or
/// `pattern => use expression` to take another mapping's code (whose list is added separately).
macro_rules! coded {
    ($f:ident, $list:ident, $e:ident: $ty:ty { $($arms:tt)* }) => {
        coded!(@arms $f $list $e $ty [] [] $($arms)*);
    };
    (@arms $f:ident $list:ident $e:ident $ty:ty [$($done:tt)*] [$($codes:tt)*]
        $pat:pat => use $deleg:expr, $($rest:tt)*) => {
        coded!(@arms $f $list $e $ty [$($done)* $pat => $deleg,] [$($codes)*] $($rest)*);
    };
    (@arms $f:ident $list:ident $e:ident $ty:ty [$($done:tt)*] [$($codes:tt)*]
        $pat:pat => $code:literal [$($k:ident = $v:expr),* $(,)?], $($rest:tt)*) => {
        coded!(@arms $f $list $e $ty
            [$($done)* $pat => ($code, params([$((stringify!($k), Param::from($v))),*])),]
            [$($codes)* $code,] $($rest)*);
    };
    (@arms $f:ident $list:ident $e:ident $ty:ty [$($done:tt)*] [$($codes:tt)*]) => {
        fn $f($e: &$ty) -> (&'static str, Params) {
            match $e {
                $($done)*
            }
        }
        const $list: &[&str] = &[$($codes)*];
    };
}

coded!(sim_code, SIM_CODES, e: SimError {
    SimError::UnknownServer(s) => "unknownServer" [server = s],
    SimError::UnknownClient(c) => "unknownClient" [client = c],
    SimError::UnknownMessage(m) => "unknownMessage" [message = m],
    SimError::ServerCrashed(s) => "serverCrashed" [server = s],
    SimError::ServerNotCrashed(s) => "serverNotCrashed" [server = s],
    SimError::ServerPaused(s) => "serverPaused" [server = s],
    SimError::ServerNotPaused(s) => "serverNotPaused" [server = s],
    SimError::ServerExists(s) => "serverExists" [server = s],
    SimError::NoLeader => "noLeader" [],
    SimError::MessageHeld(m) => "messageHeld" [message = m],
    SimError::MessageNotHeld(m) => "messageNotHeld" [message = m],
    SimError::InvalidParameter { name, reason } => use invalid_code(name, reason),
    SimError::RaftConfig(c) => use raft_config_code(c),
    SimError::KvConfig(kv::ConfigError::NoSessionsAllowed) => "kvConfig.noSessions" [],
    SimError::Proposal(p) => use propose_code(p),
    SimError::Campaign(CampaignError::AlreadyLeader) => "campaign.alreadyLeader" [],
    SimError::Campaign(CampaignError::NotAVoter) => "campaign.notAVoter" [],
    SimError::Transfer(TransferError::NoLeader) => "transfer.noLeader" [],
    SimError::Transfer(TransferError::ToSelf(s)) => "transfer.toSelf" [server = s],
    SimError::Transfer(TransferError::NotAVoter(s)) => "transfer.notAVoter" [server = s],
    SimError::Transfer(TransferError::Timeout(s)) => "transfer.timeout" [server = s],
    SimError::Transfer(TransferError::Abandoned(s)) => "transfer.abandoned" [server = s],
    SimError::Compact(CompactError::NotApplied { index, last_applied }) =>
        "compact.notApplied" [index = index, lastApplied = last_applied],
    SimError::Compact(CompactError::AlreadyCompacted { index, snapshot_index }) =>
        "compact.alreadyCompacted" [index = index, snapshotIndex = snapshot_index],
    SimError::AtBeginning => "atBeginning" [],
    SimError::NoTimer(s) => "noTimer" [server = s],
});

/// An invalid parameter: the parameter's name is a parameter of every code.
fn invalid_code(name: &&'static str, reason: &Invalid) -> (&'static str, Params) {
    let (code, mut params) = reason_code(reason);
    params.insert(0, ("name", Param::from(name)));
    (code, params)
}

coded!(reason_code, REASON_CODES, e: Invalid {
    Invalid::Exceeds { other } => "invalid.exceeds" [other = other],
    Invalid::OutOfRange { min, max, got } => "invalid.outOfRange" [min = min, max = max, got = got],
    Invalid::Zero => "invalid.zero" [],
    Invalid::AbovePpm { got } => "invalid.abovePpm" [got = got],
    Invalid::AboveLimitMs { got, max } => "invalid.aboveLimitMs" [got = got, max = max],
    Invalid::InPast { at_ms, now_ms } => "invalid.inPast" [atMs = at_ms, nowMs = now_ms],
    Invalid::RepeatedServer { server } => "invalid.repeatedServer" [server = server],
    Invalid::SelfLink { server } => "invalid.selfLink" [server = server],
    Invalid::ReadIndexNeedsGet => "invalid.readIndexNeedsGet" [],
    Invalid::Empty => "invalid.empty" [],
    Invalid::TooLong { max } => "invalid.tooLong" [max = max],
    Invalid::StateMachineLags { server } => "invalid.stateMachineLags" [server = server],
    Invalid::LeaderTimer { server } => "invalid.leaderTimer" [server = server],
});

coded!(raft_config_code, RAFT_CONFIG_CODES, e: ConfigError {
    ConfigError::Zero(name) => "raftConfig.zero" [name = name],
    ConfigError::EmptyElectionRange { min, max } => "raftConfig.emptyElectionRange" [min = min, max = max],
    ConfigError::HeartbeatTooSlow { heartbeat, min } => "raftConfig.heartbeatTooSlow" [heartbeat = heartbeat, min = min],
    ConfigError::ClusterSize(n) => "raftConfig.clusterSize" [got = n, max = MAX_SERVERS],
    ConfigError::DuplicateId(s) => "raftConfig.duplicateId" [server = s],
    ConfigError::InvalidId(s) => "raftConfig.invalidId" [server = s, max = MAX_SERVERS],
});

coded!(propose_code, PROPOSE_CODES, e: ProposeError {
    ProposeError::NotLeader { leader_hint: Some(l) } => "proposal.notLeader" [leader = l],
    ProposeError::NotLeader { leader_hint: None } => "proposal.noLeaderKnown" [],
    ProposeError::TransferInProgress { target } => "proposal.transferInProgress" [target = target],
    ProposeError::ConfigChangePending { index } => "proposal.configChangePending" [index = index],
    ProposeError::TermNotCommitted { term } => "proposal.termNotCommitted" [term = term],
    ProposeError::InvalidMembershipChange(MembershipError::InvalidId(s)) =>
        "membership.invalidId" [server = s, max = MAX_SERVERS],
    ProposeError::InvalidMembershipChange(MembershipError::AlreadyMember(s)) =>
        "membership.alreadyMember" [server = s],
    ProposeError::InvalidMembershipChange(MembershipError::NotAMember(s)) =>
        "membership.notAMember" [server = s],
    ProposeError::InvalidMembershipChange(MembershipError::NotALearner(s)) =>
        "membership.notALearner" [server = s],
    ProposeError::InvalidMembershipChange(MembershipError::LastVoter(s)) =>
        "membership.lastVoter" [server = s],
    ProposeError::InvalidMembershipChange(MembershipError::TooManyServers) =>
        "membership.tooManyServers" [max = MAX_SERVERS],
});

coded!(arg_code, ARG_CODES, e: ArgError {
    ArgError::ClusterSize(n) => "arg.clusterSize" [got = n, max = MAX_SERVERS],
    ArgError::Percent { name, got } => "arg.percent" [name = name, got = got],
    ArgError::SeedNumber(v) => "arg.seed" [got = v],
    ArgError::SeedText(t) => "arg.seed" [got = t],
    ArgError::SeedSource(why) => "arg.seedSource" [detail = why],
    ArgError::ServerId(v) => "arg.serverId" [got = v, max = MAX_SERVERS],
    ArgError::ClientId(v) => "arg.clientId" [got = v],
    ArgError::MessageId(v) => "arg.messageId" [got = v],
    ArgError::Step(v) => "arg.step" [got = v],
    ArgError::Duration(v) => "arg.duration" [got = v, max = crate::sim::MAX_ADVANCE_MS],
    ArgError::Time(v) => "arg.time" [got = v],
    ArgError::Count { got, max } => "arg.count" [got = got, max = max],
    ArgError::Text(name) => "arg.text" [name = name],
    ArgError::Config(e) => use sim_code(e),
});

coded!(facade_code, FACADE_CODES, e: FacadeError {
    FacadeError::Document { what: Document::Options, path, detail } =>
        "document.options" [path = path, detail = detail],
    FacadeError::Document { what: Document::NetworkOptions, path, detail } =>
        "document.networkOptions" [path = path, detail = detail],
    FacadeError::Document { what: Document::Action, path, detail } =>
        "document.action" [path = path, detail = detail],
    FacadeError::Document { what: Document::Configuration, path, detail } =>
        "document.configuration" [path = path, detail = detail],
    FacadeError::HuntSeed(t) => "hunt.seed" [got = t],
    FacadeError::UnknownBug(t) => "hunt.bug" [got = t],
    FacadeError::HuntServers(n) => "hunt.servers" [got = n, max = MAX_SERVERS],
    FacadeError::HuntRunMs { got, max } => "hunt.runMs" [got = got, max = max],
    FacadeError::SeekTooFar { max } => "seekTooFar" [max = max],
    FacadeError::ClusterFull => "clusterFull" [max = MAX_SERVERS],
    FacadeError::Groups(why) => "groups" [detail = why],
    FacadeError::Encoded { detail, .. } => "encoded" [detail = detail],
});

coded!(scenario_code, SCENARIO_CODES, e: ScenarioRefusal {
    ScenarioRefusal(ScenarioError::Syntax { line, column, reason }) =>
        "document.scenario.syntax" [line = line, column = column, detail = reason],
    ScenarioRefusal(ScenarioError::Invalid { path, reason }) =>
        "document.scenario.invalid" [path = path, detail = reason],
    ScenarioRefusal(ScenarioError::TooLarge(n)) =>
        "document.scenario.tooLarge" [bytes = n, max = crate::scenario::MAX_SCENARIO_BYTES],
});

impl Coded for SimError {
    fn code(&self) -> (&'static str, Params) {
        sim_code(self)
    }
}

impl Coded for ArgError {
    fn code(&self) -> (&'static str, Params) {
        arg_code(self)
    }
}

impl Coded for FacadeError {
    fn code(&self) -> (&'static str, Params) {
        facade_code(self)
    }
}

impl Coded for ScenarioRefusal {
    fn code(&self) -> (&'static str, Params) {
        scenario_code(self)
    }
}

/// Every code the facade can throw, sorted, each once.
pub fn error_codes() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = [
        SIM_CODES,
        REASON_CODES,
        RAFT_CONFIG_CODES,
        PROPOSE_CODES,
        ARG_CODES,
        FACADE_CODES,
        SCENARIO_CODES,
    ]
    .concat();
    crate::collections::sort::sort_unstable(&mut all);
    all.dedup();
    all
}

/// The codes file the JavaScript tests read (`www/i18n/codes.json`): every error code and every
/// violation kind the Rust side can produce.
pub fn codes_json() -> String {
    let kinds: Vec<&str> = crate::check::facts::ViolationFacts::samples()
        .iter()
        .map(|f| f.kind())
        .collect();
    let doc = serde_json::json!({
        "_": "Generated by `UPDATE_CODES=1 cargo test --lib wasm::errors`; do not edit.",
        "errors": error_codes(),
        "violations": kinds,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One value of every variant of every error the facade throws.
    fn samples() -> Vec<Box<dyn Coded>> {
        let sim: Vec<SimError> = vec![
            SimError::UnknownServer(7),
            SimError::UnknownClient(9),
            SimError::UnknownMessage(42),
            SimError::ServerCrashed(2),
            SimError::ServerNotCrashed(2),
            SimError::ServerPaused(3),
            SimError::ServerNotPaused(3),
            SimError::ServerExists(4),
            SimError::NoLeader,
            SimError::MessageHeld(11),
            SimError::MessageNotHeld(12),
            SimError::KvConfig(kv::ConfigError::NoSessionsAllowed),
            SimError::Campaign(CampaignError::AlreadyLeader),
            SimError::Campaign(CampaignError::NotAVoter),
            SimError::Transfer(TransferError::NoLeader),
            SimError::Transfer(TransferError::ToSelf(3)),
            SimError::Transfer(TransferError::NotAVoter(6)),
            SimError::Transfer(TransferError::Timeout(4)),
            SimError::Transfer(TransferError::Abandoned(5)),
            SimError::Compact(CompactError::NotApplied {
                index: 9,
                last_applied: 4,
            }),
            SimError::Compact(CompactError::AlreadyCompacted {
                index: 3,
                snapshot_index: 8,
            }),
            SimError::AtBeginning,
            SimError::NoTimer(5),
        ];
        let reasons = [
            Invalid::Exceeds {
                other: "latency_ms_max",
            },
            Invalid::OutOfRange {
                min: 1,
                max: 1000,
                got: 5000,
            },
            Invalid::Zero,
            Invalid::AbovePpm { got: 2_000_000 },
            Invalid::AboveLimitMs {
                got: 99_999,
                max: 60_000,
            },
            Invalid::InPast {
                at_ms: 10,
                now_ms: 20,
            },
            Invalid::RepeatedServer { server: 3 },
            Invalid::SelfLink { server: 2 },
            Invalid::ReadIndexNeedsGet,
            Invalid::Empty,
            Invalid::TooLong { max: 64 },
            Invalid::StateMachineLags { server: 4 },
            Invalid::LeaderTimer { server: 1 },
        ];
        let raft = [
            ConfigError::Zero("heartbeat_interval_ms"),
            ConfigError::EmptyElectionRange { min: 300, max: 200 },
            ConfigError::HeartbeatTooSlow {
                heartbeat: 400,
                min: 300,
            },
            ConfigError::ClusterSize(30),
            ConfigError::DuplicateId(2),
            ConfigError::InvalidId(40),
        ];
        let membership = [
            MembershipError::InvalidId(30),
            MembershipError::AlreadyMember(2),
            MembershipError::NotAMember(8),
            MembershipError::NotALearner(6),
            MembershipError::LastVoter(1),
            MembershipError::TooManyServers,
        ];
        let propose = [
            ProposeError::NotLeader {
                leader_hint: Some(3),
            },
            ProposeError::NotLeader { leader_hint: None },
            ProposeError::TransferInProgress { target: 4 },
            ProposeError::ConfigChangePending { index: 17 },
            ProposeError::TermNotCommitted { term: 6 },
        ];
        let args = vec![
            ArgError::ClusterSize(99),
            ArgError::Percent {
                name: "lossPercent",
                got: 150.5,
            },
            ArgError::SeedNumber(1.5),
            ArgError::SeedText("abc".into()),
            ArgError::SeedSource("could not draw a random seed: no source".into()),
            ArgError::ServerId(f64::NAN),
            ArgError::ClientId(65.0),
            ArgError::MessageId(-1.0),
            ArgError::Step(0.5),
            ArgError::Duration(f64::INFINITY),
            ArgError::Time(-3.0),
            ArgError::Count { got: 0.0, max: 500 },
            ArgError::Text("key"),
            ArgError::Config(SimError::NoLeader),
        ];
        let facade = vec![
            FacadeError::Document {
                what: Document::Options,
                path: ".sever".into(),
                detail: "unknown field `sever`".into(),
            },
            FacadeError::Document {
                what: Document::NetworkOptions,
                path: ".lossPercent".into(),
                detail: "invalid type: string \"x\", expected f64".into(),
            },
            FacadeError::Document {
                what: Document::Action,
                path: ".type".into(),
                detail: "unknown variant `fly`".into(),
            },
            FacadeError::Document {
                what: Document::Configuration,
                path: ".servers".into(),
                detail: "invalid type: string".into(),
            },
            FacadeError::HuntSeed("12x".into()),
            FacadeError::UnknownBug("off_by_one".into()),
            FacadeError::HuntServers(2),
            FacadeError::HuntRunMs {
                got: 0,
                max: 120_000,
            },
            FacadeError::SeekTooFar { max: 86_400_000 },
            FacadeError::ClusterFull,
            FacadeError::Groups("invalid type: string".into()),
            FacadeError::Encoded {
                what: Document::Action,
                detail: "unknown action tag 99 at byte 1".into(),
            },
        ];
        let mut all: Vec<Box<dyn Coded>> = Vec::new();
        all.extend(sim.into_iter().map(|e| Box::new(e) as Box<dyn Coded>));
        for reason in reasons {
            all.push(Box::new(SimError::InvalidParameter {
                name: "keys",
                reason,
            }));
        }
        all.extend(raft.map(|e| Box::new(SimError::RaftConfig(e)) as Box<dyn Coded>));
        let proposals = membership
            .map(ProposeError::InvalidMembershipChange)
            .into_iter()
            .chain(propose);
        all.extend(proposals.map(|e| Box::new(SimError::Proposal(e)) as Box<dyn Coded>));
        all.extend(args.into_iter().map(|e| Box::new(e) as Box<dyn Coded>));
        all.extend(facade.into_iter().map(|e| Box::new(e) as Box<dyn Coded>));
        let scenario = [
            ScenarioError::Syntax {
                line: 3,
                column: 14,
                reason: "expected `,` or `}`".into(),
            },
            ScenarioError::invalid("steps[2].crash", "no server S9"),
            ScenarioError::TooLarge(5_000_000),
        ];
        all.extend(scenario.map(|e| Box::new(ScenarioRefusal(e)) as Box<dyn Coded>));
        all
    }

    #[test]
    fn every_error_variant_has_a_code_and_every_code_is_reachable() {
        let mut seen: Vec<&str> = samples().iter().map(|e| e.code().0).collect();
        seen.sort_unstable();
        seen.dedup();
        // The mapping matches every variant (the compiler checks that); the samples must reach
        // every code it lists, so the list the page is tested against holds no dead code.
        assert_eq!(seen, error_codes());
    }

    #[test]
    fn every_parameter_is_a_value_the_english_text_names() {
        for e in samples() {
            let (code, params) = e.code();
            let message = e.to_string();
            assert!(!message.is_empty(), "{code}");
            for (name, value) in params {
                let text = match value {
                    Param::Num(n) => n.to_string(),
                    Param::Text(t) => t,
                };
                assert!(
                    message.contains(&text),
                    "{code}: parameter {name} = {text:?} is not in {message:?}"
                );
            }
        }
    }

    #[test]
    fn refused_numbers_keep_their_javascript_shape() {
        let (code, params) = ArgError::ServerId(f64::NAN).code();
        assert_eq!(code, "arg.serverId");
        assert_eq!(params[0], ("got", Param::Text("NaN".into())));
        let (code, params) = SimError::Proposal(ProposeError::NotLeader {
            leader_hint: Some(3),
        })
        .code();
        assert_eq!(
            (code, params),
            ("proposal.notLeader", vec![("leader", Param::Num(3.0))])
        );
    }

    #[test]
    fn codes_file_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/www/i18n/codes.json");
        let want = codes_json();
        if std::env::var_os("UPDATE_CODES").is_some() {
            std::fs::write(path, &want).expect("write codes.json");
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "www/i18n/codes.json is stale: run `UPDATE_CODES=1 cargo test --lib wasm::errors`"
        );
    }
}
