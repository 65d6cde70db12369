//! Scenario documents in the browser: the tutorials and `<raft-lab scenario="…">` build their
//! world from a scenario file's `cluster` section; the page then plays the steps itself, one
//! narration stop at a time (see `www/tutorial/player.js`).
//!
//! The page's module reads only the cluster ([`cluster_config`]): the scenarios it ships are
//! validated in full by the test suite, and text from elsewhere (an embed's scenario URL) is
//! validated in full by the reader's own module ([`validate`], `validateScenario`) first.

use super::errors::FacadeError;
use crate::scenario::{ClusterSpec, Scenario};
use crate::sim::SimConfig;

/// The world configuration of a scenario document's cluster. Only that section is read; the
/// error names the JSON path of a bad cluster, or says why the text is not a scenario document.
pub fn cluster_config(json: &str) -> Result<SimConfig, FacadeError> {
    ClusterSpec::from_scenario_json(json).map_err(FacadeError::Scenario)
}

/// Parses and validates a whole scenario document, every step, as the CLI does. The error
/// names the JSON path of the first problem.
pub fn validate(json: &str) -> Result<(), FacadeError> {
    Scenario::from_json(json)
        .map(drop)
        .map_err(FacadeError::Scenario)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_section_becomes_the_world_config() {
        let c = cluster_config(r#"{ "cluster": { "servers": 4, "seed": 9 }, "steps": [] }"#)
            .expect("valid");
        assert_eq!((c.servers, c.seed), (4, 9));
    }

    #[test]
    fn a_bad_document_names_the_problem() {
        let e = cluster_config(r#"{ "cluster": { "servers": 0 } }"#)
            .expect_err("no servers")
            .to_string();
        assert!(e.starts_with("invalid scenario"), "{e}");
    }

    #[test]
    fn the_page_reads_past_a_bad_step_that_the_validator_refuses_at_its_path() {
        let text = r#"{ "cluster": { "servers": 3 }, "steps": [ { "crash": "leader" }, { "crash": "sideways" } ] }"#;
        assert!(cluster_config(text).is_ok());
        match validate(text) {
            Err(FacadeError::Scenario(e)) => assert_eq!(e.path(), "steps[1].crash"),
            other => panic!("expected an invalid step, got {other:?}"),
        }
        assert_eq!(
            validate(r#"{ "cluster": { "servers": 3 }, "steps": [] }"#),
            Ok(())
        );
    }
}
