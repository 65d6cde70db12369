//! What the page may ask for when it builds a cluster, and the checks on every number that
//! crosses the boundary. Pure Rust (no JavaScript values), so it is unit-tested natively.

use thiserror::Error;

use crate::debug_text::Quoted;
use crate::float_text::Shortest;
use crate::raft::{NodeId, MAX_SERVERS};
use crate::sim::{LinkConfig, SimConfig, SimError, MAX_ADVANCE_MS};

/// The largest integer a JavaScript number holds exactly (2^53 - 1).
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A refused argument or option. The English text names the value; the page words each
/// variant from its fields (`src/wasm/errors.rs`). Refused numbers are kept as given (NaN,
/// infinities and fractions included).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ArgError {
    /// A cluster size outside 1..=25.
    #[error("a cluster has 1 to {MAX_SERVERS} servers, not {0}")]
    ClusterSize(u32),
    /// A percentage outside 0..=100.
    #[error("{name} must be a percentage from 0 to 100, not {}", Shortest(*.got))]
    Percent {
        /// The option's name (`lossPercent`, …).
        name: &'static str,
        /// The value given.
        got: f64,
    },
    /// A seed given as a number that is not a whole number in 0..=2^53-1.
    #[error("a seed is a whole number from 0 to {}, not {}", MAX_SAFE_INTEGER as u64, Shortest(*.0))]
    SeedNumber(f64),
    /// A seed given as text that is not a decimal `u64`.
    #[error("a seed is a whole number from 0 to {max}, not {}", Quoted(.0), max = u64::MAX)]
    SeedText(String),
    /// No seed could be drawn.
    #[error("{0}")]
    SeedSource(String),
    /// A server id outside 1..=25.
    #[error("a server id is a whole number from 1 to {MAX_SERVERS}, not {}", Shortest(*.0))]
    ServerId(f64),
    /// A client id outside 1..=64.
    #[error("a client id is a whole number from 1 to 64, not {}", Shortest(*.0))]
    ClientId(f64),
    /// A message id that is not a whole number.
    #[error("a message id is a whole number, not {}", Shortest(*.0))]
    MessageId(f64),
    /// A step that is not a whole number.
    #[error("a step is a whole number from 0, not {}", Shortest(*.0))]
    Step(f64),
    /// A duration outside 0..=one day.
    #[error("a duration is 0 to {MAX_ADVANCE_MS} ms, not {}", Shortest(*.0))]
    Duration(f64),
    /// A time that is negative or not finite.
    #[error("a time is a number of milliseconds from 0, not {}", Shortest(*.0))]
    Time(f64),
    /// A count outside 1..=`max`.
    #[error("a count is a whole number from 1 to {max}, not {}", Shortest(*.got))]
    Count {
        /// The value given.
        got: f64,
        /// The largest allowed.
        max: u64,
    },
    /// A key or value that is empty, too long or has control characters.
    #[error("{0} must be 1 to 64 printable characters")]
    Text(&'static str),
    /// The options make a world that cannot run.
    #[error("{0}")]
    Config(#[from] SimError),
}

/// Options of `new Simulation(options)`. Every field is optional; unknown fields are errors, so
/// a typo (`{ sever: 5 }`) is reported instead of silently ignored.
#[derive(Debug, Default)]
pub struct Options {
    /// Number of servers, 1..=25 (default 3).
    pub servers: Option<u32>,
    /// The seed: a whole number or a decimal string (for seeds above 2^53). None: drawn.
    pub seed: Option<SeedInput>,
    /// Smallest randomized election timeout.
    pub election_timeout_ms_min: Option<u64>,
    /// Largest randomized election timeout (exclusive).
    pub election_timeout_ms_max: Option<u64>,
    /// Leader heartbeat interval.
    pub heartbeat_interval_ms: Option<u64>,
    /// Pre-vote (thesis §9.6).
    pub pre_vote: Option<bool>,
    /// Check-quorum (thesis §6.2).
    pub check_quorum: Option<bool>,
    /// Network behaviour of every link.
    pub network: Option<NetworkOptions>,
    /// Number of clients (0..=64).
    pub clients: Option<u32>,
    /// Whether the clients issue random operations on their own.
    pub workload: Option<bool>,
    /// When the clients start (register their sessions); lets a leader be elected first.
    pub clients_start_ms: Option<u64>,
    /// Whether the random fault generator runs.
    pub faults: Option<bool>,
    /// Compact a log automatically past this many retained entries (0: never).
    pub auto_compact_entries: Option<u64>,
    /// Run the safety checker after every event (default true).
    pub check_safety: Option<bool>,
    /// Deliberate bugs for teaching.
    pub bugs: Option<BugOptions>,
}

/// A seed as JavaScript may give it.
#[derive(Debug)]
pub enum SeedInput {
    /// A number (must be a whole number in 0..=2^53-1).
    Number(f64),
    /// A decimal string (any u64).
    Text(String),
}

/// Link behaviour in page-friendly units (percentages instead of parts per million).
#[derive(Debug, Default, Clone, Copy)]
pub struct NetworkOptions {
    /// Smallest one-way latency.
    pub latency_ms_min: Option<u64>,
    /// Largest one-way latency.
    pub latency_ms_max: Option<u64>,
    /// Loss, 0..=100 %.
    pub loss_percent: Option<f64>,
    /// Duplication, 0..=100 %.
    pub duplicate_percent: Option<f64>,
    /// Extra-delay probability, 0..=100 %.
    pub reorder_percent: Option<f64>,
    /// Largest extra delay.
    pub reorder_delay_ms_max: Option<u64>,
}

/// The deliberate-bug switches of the core, camelCased.
#[derive(Debug, Default, Clone, Copy)]
pub struct BugOptions {
    /// Commit old-term entries by counting replicas (breaks Figure 8).
    pub skip_figure8_rule: bool,
    /// Grant votes without the up-to-date log check.
    pub skip_vote_log_check: bool,
    /// Forget the vote on restart.
    pub forget_vote_on_restart: bool,
    /// Keep the commit index across a crash.
    pub keep_commit_across_crash: bool,
}

/// Builds the world's configuration; `drawn_seed` is used when the options name none.
pub fn build_config(
    opts: &Options,
    drawn_seed: impl FnOnce() -> Result<u64, String>,
) -> Result<SimConfig, ArgError> {
    let seed = match &opts.seed {
        Some(s) => parse_seed(s)?,
        None => drawn_seed().map_err(ArgError::SeedSource)?,
    };
    let mut c = SimConfig {
        seed,
        ..SimConfig::default()
    };
    if let Some(n) = opts.servers {
        if n == 0 || n > MAX_SERVERS {
            return Err(ArgError::ClusterSize(n));
        }
        c.servers = n;
    }
    set(
        &mut c.raft.election_timeout_ms_min,
        opts.election_timeout_ms_min,
    );
    set(
        &mut c.raft.election_timeout_ms_max,
        opts.election_timeout_ms_max,
    );
    set(
        &mut c.raft.heartbeat_interval_ms,
        opts.heartbeat_interval_ms,
    );
    set(&mut c.raft.pre_vote, opts.pre_vote);
    set(&mut c.raft.check_quorum, opts.check_quorum);
    if let Some(b) = opts.bugs {
        c.raft.bugs.skip_figure8_rule = b.skip_figure8_rule;
        c.raft.bugs.skip_vote_log_check = b.skip_vote_log_check;
        c.raft.bugs.forget_vote_on_restart = b.forget_vote_on_restart;
        c.raft.bugs.keep_commit_across_crash = b.keep_commit_across_crash;
    }
    if let Some(n) = &opts.network {
        c.link = link_config(c.link, n)?;
    }
    set(&mut c.workload.clients, opts.clients);
    set(&mut c.workload.enabled, opts.workload);
    set(&mut c.workload.start_ms, opts.clients_start_ms);
    set(&mut c.faults.enabled, opts.faults);
    set(&mut c.auto_compact_entries, opts.auto_compact_entries);
    set(&mut c.check_safety, opts.check_safety);
    c.validate()?;
    Ok(c)
}

fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *slot = v;
    }
}

/// Applies page-level network options on top of `base`.
pub fn link_config(base: LinkConfig, n: &NetworkOptions) -> Result<LinkConfig, ArgError> {
    let mut l = base;
    set(&mut l.latency_ms_min, n.latency_ms_min);
    set(&mut l.latency_ms_max, n.latency_ms_max);
    set(&mut l.reorder_delay_ms_max, n.reorder_delay_ms_max);
    if let Some(p) = n.loss_percent {
        l.loss_ppm = percent_to_ppm("lossPercent", p)?;
    }
    if let Some(p) = n.duplicate_percent {
        l.duplicate_ppm = percent_to_ppm("duplicatePercent", p)?;
    }
    if let Some(p) = n.reorder_percent {
        l.reorder_ppm = percent_to_ppm("reorderPercent", p)?;
    }
    l.validate()?;
    Ok(l)
}

/// 0..=100 % as parts per million.
pub fn percent_to_ppm(name: &'static str, p: f64) -> Result<u32, ArgError> {
    if !(0.0..=100.0).contains(&p) {
        return Err(ArgError::Percent { name, got: p });
    }
    Ok((p * 10_000.0).round() as u32)
}

/// A seed from JavaScript: a whole number in 0..=2^53-1, or a decimal string of any u64.
pub fn parse_seed(s: &SeedInput) -> Result<u64, ArgError> {
    match s {
        SeedInput::Number(n) => {
            whole_number(*n, MAX_SAFE_INTEGER).map_err(|_| ArgError::SeedNumber(*n))
        }
        SeedInput::Text(t) => t
            .trim()
            .parse::<u64>()
            .map_err(|_| ArgError::SeedText(t.clone())),
    }
}

/// A finite, non-negative whole number no larger than `max`.
fn whole_number(v: f64, max: f64) -> Result<u64, ()> {
    if v.is_finite() && (0.0..=max).contains(&v) && v.fract() == 0.0 {
        Ok(v as u64)
    } else {
        Err(())
    }
}

/// A server id from JavaScript: a whole number 1..=25.
pub fn server_id(v: f64) -> Result<NodeId, ArgError> {
    match whole_number(v, f64::from(MAX_SERVERS)) {
        Ok(id) if id >= 1 => Ok(id as NodeId),
        _ => Err(ArgError::ServerId(v)),
    }
}

/// A client id from JavaScript: a whole number 1..=64.
pub fn client_id(v: f64) -> Result<u32, ArgError> {
    match whole_number(v, 64.0) {
        Ok(id) if id >= 1 => Ok(id as u32),
        _ => Err(ArgError::ClientId(v)),
    }
}

/// A message id from JavaScript.
pub fn message_id(v: f64) -> Result<u64, ArgError> {
    whole_number(v, MAX_SAFE_INTEGER).map_err(|_| ArgError::MessageId(v))
}

/// A step count from JavaScript.
pub fn step_number(v: f64) -> Result<u64, ArgError> {
    whole_number(v, MAX_SAFE_INTEGER).map_err(|_| ArgError::Step(v))
}

/// A duration to advance by: finite, 0..=one day; a fraction is dropped (the world's clock
/// counts whole milliseconds; the page's loop carries the remainder).
pub fn duration_ms(v: f64) -> Result<u64, ArgError> {
    let max = MAX_ADVANCE_MS as f64;
    if v.is_finite() && (0.0..=max).contains(&v) {
        Ok(v.floor() as u64)
    } else {
        Err(ArgError::Duration(v))
    }
}

/// A point in virtual time: finite and non-negative (fractions dropped).
pub fn time_ms(v: f64) -> Result<u64, ArgError> {
    if v.is_finite() && (0.0..=MAX_SAFE_INTEGER).contains(&v) {
        Ok(v.floor() as u64)
    } else {
        Err(ArgError::Time(v))
    }
}

/// A window length for log reads: 1..=`max`.
pub fn count(v: f64, max: u64) -> Result<u64, ArgError> {
    match whole_number(v, max as f64) {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(ArgError::Count { got: v, max }),
    }
}

/// A key or value typed by a user: non-empty, at most 64 characters, no control characters.
pub fn text(name: &'static str, s: &str) -> Result<String, ArgError> {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > 64 || s.chars().any(char::is_control) {
        return Err(ArgError::Text(name));
    }
    Ok(s.to_string())
}

/// The serde readers of the options, as the page read them before [`super::objects`] (native
/// builds only: the tests compare the two readers; the page's wasm has no serde reader).
#[cfg(not(target_arch = "wasm32"))]
pub mod serde_reader {
    use std::fmt;

    use serde::de::{self, Deserialize, Deserializer, Visitor};

    use super::{BugOptions, NetworkOptions, Options, SeedInput};
    use crate::json::json_struct;

    // By hand rather than `#[serde(untagged)]`, which would buffer the value into serde's `Content`
    // and read it again; same values, same error.
    impl<'de> Deserialize<'de> for SeedInput {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(SeedVisitor).map_err(|_| {
                de::Error::custom("data did not match any variant of untagged enum SeedInput")
            })
        }
    }

    struct SeedVisitor;

    impl Visitor<'_> for SeedVisitor {
        type Value = SeedInput;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number or a string")
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<SeedInput, E> {
            Ok(SeedInput::Number(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<SeedInput, E> {
            Ok(SeedInput::Number(v as f64))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<SeedInput, E> {
            Ok(SeedInput::Number(v as f64))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<SeedInput, E> {
            Ok(SeedInput::Text(v.to_string()))
        }
    }

    json_struct! {
        Options from Options::default();
        { servers, seed, election_timeout_ms_min as "electionTimeoutMsMin", election_timeout_ms_max as "electionTimeoutMsMax", heartbeat_interval_ms as "heartbeatIntervalMs", pre_vote as "preVote", check_quorum as "checkQuorum", network, clients, workload, clients_start_ms as "clientsStartMs", faults, auto_compact_entries as "autoCompactEntries", check_safety as "checkSafety", bugs }
    }

    json_struct! {
        NetworkOptions from NetworkOptions::default();
        { latency_ms_min as "latencyMsMin", latency_ms_max as "latencyMsMax", loss_percent as "lossPercent", duplicate_percent as "duplicatePercent", reorder_percent as "reorderPercent", reorder_delay_ms_max as "reorderDelayMsMax" }
    }

    json_struct! {
        BugOptions from BugOptions::default();
        { skip_figure8_rule as "skipFigure8Rule", skip_vote_log_check as "skipVoteLogCheck", forget_vote_on_restart as "forgetVoteOnRestart", keep_commit_across_crash as "keepCommitAcrossCrash" }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_accept_safe_numbers_and_decimal_strings_only() {
        assert_eq!(parse_seed(&SeedInput::Number(42.0)), Ok(42));
        assert_eq!(
            parse_seed(&SeedInput::Text("18446744073709551615".into())),
            Ok(u64::MAX)
        );
        for bad in [-1.0, 0.5, f64::NAN, f64::INFINITY, 1e300] {
            assert!(parse_seed(&SeedInput::Number(bad)).is_err(), "{bad}");
        }
        assert!(parse_seed(&SeedInput::Text("abc".into())).is_err());
        assert!(parse_seed(&SeedInput::Text("-3".into())).is_err());
    }

    #[test]
    fn seeds_are_read_from_numbers_and_strings() {
        let seed = |text: &str| crate::json::from_str::<SeedInput>(text).map_err(|e| e.to_string());
        assert!(matches!(seed("42"), Ok(SeedInput::Number(n)) if n == 42.0));
        assert!(matches!(seed("-3"), Ok(SeedInput::Number(n)) if n == -3.0));
        assert!(matches!(seed("0.5"), Ok(SeedInput::Number(n)) if n == 0.5));
        assert!(matches!(seed("\"7\""), Ok(SeedInput::Text(t)) if t == "7"));
        for bad in ["true", "null", "[1]", "{}"] {
            assert_eq!(
                seed(bad).unwrap_err(),
                ".: data did not match any variant of untagged enum SeedInput",
                "{bad}"
            );
        }
    }

    #[test]
    fn ids_times_and_counts_are_checked() {
        assert_eq!(server_id(3.0), Ok(3));
        for bad in [0.0, 26.0, -1.0, 1.5, f64::NAN] {
            assert!(server_id(bad).is_err(), "{bad}");
        }
        assert_eq!(duration_ms(16.7), Ok(16));
        assert!(duration_ms(-1.0).is_err());
        assert!(duration_ms(f64::NAN).is_err());
        assert!(duration_ms(1e12).is_err());
        assert!(time_ms(f64::INFINITY).is_err());
        assert!(count(0.0, 10).is_err());
        assert_eq!(count(10.0, 10), Ok(10));
        assert!(text("key", "  ").is_err());
        assert_eq!(text("key", " k1 "), Ok("k1".into()));
    }

    #[test]
    fn options_build_a_valid_config_or_say_what_is_wrong() {
        let opts = Options {
            servers: Some(5),
            seed: Some(SeedInput::Number(7.0)),
            ..Options::default()
        };
        let c = build_config(&opts, || Ok(1)).unwrap();
        assert_eq!((c.servers, c.seed), (5, 7));
        let drawn = build_config(&Options::default(), || Ok(99)).unwrap();
        assert_eq!(drawn.seed, 99);
        let too_many = Options {
            servers: Some(99),
            ..Options::default()
        };
        assert!(build_config(&too_many, || Ok(1))
            .unwrap_err()
            .to_string()
            .contains("1 to 25 servers, not 99"));
        let slow = Options {
            heartbeat_interval_ms: Some(500),
            ..Options::default()
        };
        assert!(build_config(&slow, || Ok(1))
            .unwrap_err()
            .to_string()
            .contains("heartbeat"));
        let lossy = NetworkOptions {
            loss_percent: Some(150.0),
            ..NetworkOptions::default()
        };
        assert!(link_config(LinkConfig::default(), &lossy).is_err());
        let ok = NetworkOptions {
            loss_percent: Some(12.5),
            ..NetworkOptions::default()
        };
        assert_eq!(
            link_config(LinkConfig::default(), &ok).unwrap().loss_ppm,
            125_000
        );
    }
}
