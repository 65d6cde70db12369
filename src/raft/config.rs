//! Per-server configuration, including the deliberate-bug switches used for teaching.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::membership::MAX_SERVERS;
use super::message::NodeId;

/// Deliberate bugs. All off by default; each one breaks a specific Raft safety rule so that a
/// checker (or a student) can watch the consequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Bugs {
    /// Commit an entry of *any* term once it is stored on a majority, skipping the rule that a
    /// leader only commits current-term entries by counting replicas (§5.4.2, Figure 8).
    /// Breaks: an entry can be reported committed and later overwritten by a new leader
    /// (State Machine Safety / Leader Completeness).
    pub skip_figure8_rule: bool,
    /// Grant votes without checking that the candidate's log is at least as up to date as the
    /// voter's (§5.4.1). Breaks: a candidate missing committed entries can win and overwrite
    /// them (Leader Completeness).
    pub skip_vote_log_check: bool,
    /// Forget `voted_for` on restart, as if the vote were never persisted (§5.2, Figure 2).
    /// Breaks: a server can vote twice in one term, allowing two leaders in a term
    /// (Election Safety).
    pub forget_vote_on_restart: bool,
    /// Persist the commit index and, on restart, restore it *and* treat everything up to it as
    /// already applied, as if the (volatile) state machine had survived the crash. Figure 2
    /// keeps commit index and last applied volatile. Breaks: the restarted server's state
    /// machine silently misses the entries between its snapshot and the restored commit index
    /// (State Machine Safety, as seen by comparing applied sequences).
    pub keep_commit_across_crash: bool,
}

impl Bugs {
    /// Whether any deliberate bug is switched on.
    pub fn any(&self) -> bool {
        self.skip_figure8_rule
            || self.skip_vote_log_check
            || self.forget_vote_on_restart
            || self.keep_commit_across_crash
    }
}

/// Timing and protocol options of one server. Times are virtual milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Config {
    /// Smallest randomized election timeout (inclusive).
    pub election_timeout_ms_min: u64,
    /// Largest randomized election timeout (exclusive).
    pub election_timeout_ms_max: u64,
    /// Interval between a leader's heartbeats; must be below `election_timeout_ms_min`.
    pub heartbeat_interval_ms: u64,
    /// Run a pre-vote round before a real election (thesis §9.6).
    pub pre_vote: bool,
    /// Leaders step down without a quorum of recent contact, and followers that recently heard
    /// from a leader ignore vote requests (thesis §6.2, §4.2.3).
    pub check_quorum: bool,
    /// Most entries in one AppendEntries.
    pub max_entries_per_append: u64,
    /// Most unacknowledged AppendEntries (with entries) per follower in Replicate state.
    pub max_inflight_appends: u64,
    /// Deliberate bugs (all off by default).
    pub bugs: Bugs,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            election_timeout_ms_min: 150,
            election_timeout_ms_max: 300,
            heartbeat_interval_ms: 50,
            pre_vote: true,
            check_quorum: true,
            max_entries_per_append: 64,
            max_inflight_appends: 8,
            bugs: Bugs::default(),
        }
    }
}

/// A configuration or initial membership that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum ConfigError {
    /// A timing or limit value is zero.
    #[error("{0} must be greater than zero")]
    Zero(&'static str),
    /// The election timeout range is empty.
    #[error("election_timeout_ms_min ({min}) must be less than election_timeout_ms_max ({max})")]
    EmptyElectionRange {
        /// The minimum.
        min: u64,
        /// The maximum.
        max: u64,
    },
    /// Heartbeats would not arrive before followers time out.
    #[error(
        "heartbeat_interval_ms ({heartbeat}) must be less than election_timeout_ms_min ({min})"
    )]
    HeartbeatTooSlow {
        /// The heartbeat interval.
        heartbeat: u64,
        /// The minimum election timeout.
        min: u64,
    },
    /// The initial cluster size is outside 1..=25.
    #[error("the initial cluster must have 1..={MAX_SERVERS} voters, got {0}")]
    ClusterSize(usize),
    /// A server id appears twice.
    #[error("server id {0} appears more than once")]
    DuplicateId(NodeId),
    /// A server id is 0 or above 25.
    #[error("server id {0} is invalid (ids are 1..={MAX_SERVERS})")]
    InvalidId(NodeId),
}

impl Config {
    /// Checks the timing and limit values.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let nonzero = [
            ("election_timeout_ms_min", self.election_timeout_ms_min),
            ("heartbeat_interval_ms", self.heartbeat_interval_ms),
            ("max_entries_per_append", self.max_entries_per_append),
            ("max_inflight_appends", self.max_inflight_appends),
        ];
        if let Some((name, _)) = nonzero.iter().find(|(_, v)| *v == 0) {
            return Err(ConfigError::Zero(name));
        }
        let (min, max) = (self.election_timeout_ms_min, self.election_timeout_ms_max);
        if min >= max {
            return Err(ConfigError::EmptyElectionRange { min, max });
        }
        if self.heartbeat_interval_ms >= min {
            return Err(ConfigError::HeartbeatTooSlow {
                heartbeat: self.heartbeat_interval_ms,
                min,
            });
        }
        Ok(())
    }

    /// Checks the configuration and an initial set of voters (1..=25 unique ids in 1..=25).
    pub fn validate_with_voters(&self, voters: &[NodeId]) -> Result<(), ConfigError> {
        self.validate()?;
        if voters.is_empty() || voters.len() > MAX_SERVERS as usize {
            return Err(ConfigError::ClusterSize(voters.len()));
        }
        for (i, &id) in voters.iter().enumerate() {
            if id == 0 || id > MAX_SERVERS {
                return Err(ConfigError::InvalidId(id));
            }
            if voters[..i].contains(&id) {
                return Err(ConfigError::DuplicateId(id));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_valid() {
        assert_eq!(Config::default().validate(), Ok(()));
    }

    #[test]
    fn invalid_configs_are_explained() {
        let c = Config {
            heartbeat_interval_ms: 150,
            ..Config::default()
        };
        assert!(matches!(
            c.validate(),
            Err(ConfigError::HeartbeatTooSlow { .. })
        ));
        let c = Config {
            election_timeout_ms_max: 150,
            ..Config::default()
        };
        assert!(matches!(
            c.validate(),
            Err(ConfigError::EmptyElectionRange { .. })
        ));
        let c = Config {
            max_inflight_appends: 0,
            ..Config::default()
        };
        assert_eq!(c.validate(), Err(ConfigError::Zero("max_inflight_appends")));
        let c = Config::default();
        assert_eq!(
            c.validate_with_voters(&[]),
            Err(ConfigError::ClusterSize(0))
        );
        assert_eq!(
            c.validate_with_voters(&[1, 2, 1]),
            Err(ConfigError::DuplicateId(1))
        );
        assert_eq!(c.validate_with_voters(&[0]), Err(ConfigError::InvalidId(0)));
        assert_eq!(
            c.validate_with_voters(&[26]),
            Err(ConfigError::InvalidId(26))
        );
        assert_eq!(c.validate_with_voters(&[1, 2, 3]), Ok(()));
    }
}
