//! Scenario documents in the browser: the tutorials and `<raft-lab scenario="…">` build their
//! world from a scenario file's `cluster` section; the page then plays the steps itself, one
//! narration stop at a time (see `www/tutorial/player.js`).

use super::errors::FacadeError;
use crate::scenario::{sim_config, Scenario};
use crate::sim::SimConfig;

/// Parses and validates a whole scenario document (every step, like the CLI does) and returns
/// the world configuration of its cluster. The error names the JSON path of the first problem.
pub fn cluster_config(json: &str) -> Result<SimConfig, FacadeError> {
    let scenario = Scenario::from_json(json).map_err(FacadeError::Scenario)?;
    Ok(sim_config(&scenario.cluster))
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
}
