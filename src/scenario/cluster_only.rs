//! The page's reader of a scenario document: its `cluster` section, and nothing else.
//!
//! The page builds its world from a scenario's cluster and plays the steps itself
//! (`www/tutorial/player.js`), so the page's WebAssembly module has no use for the step, action,
//! condition and expectation types; their readers and the whole-file checks were about 32 KB
//! gzip of it (issue 6). This reader checks the document's shape as the full reader
//! ([`Scenario::from_json`](super::Scenario::from_json)) does: an object, only its known keys,
//! each once. It reads `cluster` with the same types, at the same paths, with the same checks;
//! every other section is skipped without being read.
//! Scenario text that did not ship with the page is validated in full first, by the reader's
//! own module (`validateScenario`, feature `validator`).

use serde::de::IgnoredAny;

use super::error::ScenarioError;
use super::format::ClusterSpec;
use crate::json::json_struct;
use crate::sim::SimConfig;

/// A scenario document as the page sees it: the keys of [`Scenario`](super::Scenario), only
/// `cluster` read.
#[derive(Default)]
struct ClusterOnly {
    name: IgnoredAny,
    description: IgnoredAny,
    source: IgnoredAny,
    cluster: ClusterSpec,
    limits: IgnoredAny,
    steps: IgnoredAny,
}

json_struct! {
    ClusterOnly from ClusterOnly::default();
    { name, description, source, cluster, limits, steps }
}

impl ClusterSpec {
    /// Reads only the `cluster` section of a scenario document (a missing one is the default
    /// cluster, as in the full reader) and returns the world configuration it describes.
    /// Errors are those of the full reader ([`Scenario::from_json`](super::Scenario::from_json))
    /// for the document's shape and its cluster (`cluster.servers: …`); the other sections are
    /// not checked.
    pub fn from_scenario_json(text: &str) -> Result<SimConfig, ScenarioError> {
        let doc: ClusterOnly = super::read(&super::parse_document(text)?)?;
        super::checked_sim_config(&doc.cluster)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn invalid(text: &str) -> (String, String) {
        match ClusterSpec::from_scenario_json(text) {
            Err(ScenarioError::Invalid { path, reason }) => (path, reason),
            other => panic!("expected an invalid value, got {other:?}"),
        }
    }

    #[test]
    fn reads_the_cluster_and_skips_the_steps_unread() {
        // Expect: steps the full reader refuses (an unknown action, a server that does not
        // exist) do not matter here; the cluster becomes the world configuration.
        let text = r#"{ "name": "t", "limits": { "max_steps": 0 },
            "cluster": { "servers": 4, "seed": 9, "network": { "loss": 0.5 } },
            "steps": [ { "fly": "leader" }, { "crash": 9 } ] }"#;
        let config = ClusterSpec::from_scenario_json(text).expect("the cluster is valid");
        assert_eq!((config.servers, config.seed), (4, 9));
        assert_eq!(config.link.loss_ppm, 500_000);
        assert!(
            Scenario::from_json(text).is_err(),
            "the full reader refuses it"
        );
    }

    #[test]
    fn gives_the_full_readers_world_for_a_valid_document() {
        let text = r#"{ "cluster": { "servers": 5, "seed": 3, "pre_vote": true,
            "election_timeout_ms": [200, 400], "bugs": ["skip_figure8_rule"],
            "workload": { "enabled": true, "clients": 2 } },
            "steps": [ { "expect": { "leader": {} }, "within_ms": 5000 } ] }"#;
        let full = Scenario::from_json(text).expect("valid");
        let config = ClusterSpec::from_scenario_json(text).expect("valid");
        assert_eq!(config, super::super::sim_config(&full.cluster));
    }

    #[test]
    fn a_bad_cluster_is_refused_at_its_path() {
        let (path, reason) = invalid(r#"{ "cluster": { "servers": "three" }, "steps": [] }"#);
        assert_eq!(path, "cluster.servers");
        assert!(reason.contains("expected u32"), "{reason}");
        let (path, reason) = invalid(r#"{ "cluster": { "network": { "los": 0.1 } } }"#);
        assert_eq!(path, "cluster.network.los");
        assert!(reason.contains("unknown field `los`"), "{reason}");
        // A cluster that reads but cannot work: the world's own check, at the field.
        let (path, _) = invalid(r#"{ "cluster": { "servers": 0 } }"#);
        assert_eq!(path, "cluster.servers");
        let (path, reason) = invalid(r#"{ "cluster": { "faults": { "interval_ms": [0, 10] } } }"#);
        assert_eq!(path, "cluster.faults.interval_ms");
        assert!(reason.contains("faults.interval_ms_min"), "{reason}");
        let (path, _) = invalid(r#"{ "cluster": { "faults": { "interval_ms": [1, 99999999] } } }"#);
        assert_eq!(path, "cluster.faults.interval_ms");
    }

    #[test]
    fn a_missing_cluster_is_the_default_one_as_in_the_full_reader() {
        let text = r#"{ "steps": [] }"#;
        let config = ClusterSpec::from_scenario_json(text).expect("valid");
        let full = Scenario::from_json(text).expect("valid");
        assert_eq!(config, super::super::sim_config(&full.cluster));
        assert_eq!(config.servers, 3);
    }

    #[test]
    fn a_document_that_is_not_an_object_is_refused_as_a_whole() {
        for (text, what) in [
            ("[]", "not an array"),
            ("\"cluster\"", "not a string"),
            ("3", "not a number"),
            ("true", "not a boolean"),
            ("null", "not null"),
        ] {
            let (path, reason) = invalid(text);
            assert_eq!(path, ".", "{text}");
            assert!(reason.contains(what), "{text}: {reason}");
            assert_eq!(
                Scenario::from_json(text),
                ClusterSpec::from_scenario_json(text).map(|_| Scenario::default()),
                "both readers say the same about {text}"
            );
        }
    }

    #[test]
    fn text_that_is_not_json_names_line_and_column() {
        match ClusterSpec::from_scenario_json("{\n  \"cluster\": { \"servers\": 3,, }\n}") {
            Err(ScenarioError::Syntax { line, column, .. }) => assert_eq!((line, column), (2, 28)),
            other => panic!("expected a syntax error, got {other:?}"),
        }
        let huge = " ".repeat(super::super::MAX_SCENARIO_BYTES + 1);
        assert!(matches!(
            ClusterSpec::from_scenario_json(&huge),
            Err(ScenarioError::TooLarge(_))
        ));
    }

    #[test]
    fn unknown_and_repeated_top_level_keys_are_refused_as_by_the_full_reader() {
        // Expect: the same error from both readers; for an unknown key, serde's message lists
        // every known key, so the two key tables are the same.
        for text in [
            r#"{ "cluster": {}, "stepz": [] }"#,
            r#"{ "cluster": { "servers": 3 }, "cluster": { "servers": 5 } }"#,
        ] {
            let e = ClusterSpec::from_scenario_json(text).expect_err(text);
            assert_eq!(Some(e), Scenario::from_json(text).err(), "{text}");
        }
    }
}
