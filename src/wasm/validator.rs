//! The reader's module (`--no-default-features --features validator`, built into
//! `www/pkg-validate` by `scripts/build-wasm.sh`): the general document readers that the page's
//! own module leaves out (issue 6), fetched by the page on first use (`www/reader.js`).
//!
//! * `readScenario` reads and checks a whole scenario document and returns its cluster's world
//!   configuration as the bytes of [`crate::sim::wire`]: for scenario text that did not ship
//!   with the page (an embed's scenario URL), and at build time for the scenarios that do
//!   (`scripts/scenario-loader.cjs` bundles each file with its cluster's bytes). The page's
//!   module reads no scenario text at all: it builds the world from the bytes and plays the
//!   steps itself (`www/tutorial/player.js`).
//! * `readConfig` and `readAction` read a world configuration (JSON text) and a command (an
//!   object) into the compact bytes of [`crate::sim::wire`], from which the page builds
//!   (`Simulation.fromConfigBytes`, `applyActionBytes`): the settings panel, side by side, share
//!   links and saved sessions. Their errors are the ones the page's own readers threw before
//!   (same `code` and `params`); the page still checks what the bytes hold as it checks any
//!   configuration or command.
//!
//! The readers are compiled natively too ([`config_bytes`], [`action_bytes`]: the tests and the
//! CLI use them); only the page's wasm build leaves them out.

use wasm_bindgen::prelude::*;

use super::errors::{Coded, Document, FacadeError, Params, ScenarioRefusal};
use super::{action_input, js, js_json, unreadable};
use crate::json::{self, Json};
use crate::scenario::{sim_config, Scenario};
use crate::sim::{wire, SimConfig, SimError};

/// Why `readConfig` refused a document: it is not a configuration, or one no world can run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A field is missing, unknown or of the wrong type, or the text is not JSON.
    Document(FacadeError),
    /// A value out of its range ([`SimConfig::validate`], the check every world makes).
    World(SimError),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Document(e) => e.fmt(f),
            Refusal::World(e) => e.fmt(f),
        }
    }
}

impl Coded for Refusal {
    fn code(&self) -> (&'static str, Params) {
        match self {
            Refusal::Document(e) => e.code(),
            Refusal::World(e) => e.code(),
        }
    }
}

/// Reads a world configuration in JSON (the `SimConfig` document a saved run carries and
/// `Simulation.config()` returns) and checks it; returns its bytes for `fromConfigBytes`.
pub fn config_bytes(json: &str) -> Result<Vec<u8>, Refusal> {
    let config: SimConfig = json::from_str(json)
        .map_err(|e| Refusal::Document(unreadable(Document::Configuration, e)))?;
    config.validate().map_err(Refusal::World)?;
    Ok(wire::encode_config(&config))
}

/// Reads a command (`{ type: 'crash', server: 2 }`, the command log's format); returns its
/// bytes for `applyActionBytes`. Whether the world can run it is the world's to say.
pub fn action_bytes(v: &Json) -> Result<Vec<u8>, FacadeError> {
    let action = action_input::read_action(v).map_err(|e| unreadable(Document::Action, e))?;
    Ok(wire::encode_action(&action))
}

/// Reads and checks a whole scenario document (every step, as the CLI does); returns the world
/// configuration of its `cluster` section as bytes for `fromConfigBytes`. The error names the
/// JSON path of the first problem.
pub fn scenario_bytes(text: &str) -> Result<Vec<u8>, ScenarioRefusal> {
    let scenario = Scenario::from_json(text).map_err(ScenarioRefusal)?;
    Ok(wire::encode_config(&sim_config(&scenario.cluster)))
}

/// Reads and checks a whole scenario document; returns the bytes `Simulation.fromConfigBytes`
/// builds its cluster from (the page plays the steps itself). Throws `code`
/// `document.scenario.invalid` with the JSON `path` and the reason, `document.scenario.syntax`
/// with a line and column, or `document.scenario.tooLarge`.
#[wasm_bindgen(js_name = readScenario)]
pub fn read_scenario(text: &str) -> Result<Vec<u8>, JsValue> {
    scenario_bytes(text).map_err(js)
}

/// Reads a world configuration in JSON and checks it; returns the bytes
/// `Simulation.fromConfigBytes` builds from. Throws `document.configuration` (with the `path`
/// of the wrong field) or the world's own error for a value out of range.
#[wasm_bindgen(js_name = readConfig)]
pub fn read_config(json: &str) -> Result<Vec<u8>, JsValue> {
    config_bytes(json).map_err(js)
}

/// Reads a command object (`{ type: 'cut_link', from: 1, to: 2, both: false }`); returns the
/// bytes `Simulation.applyActionBytes` applies. Throws `document.action` with the `path` of
/// the wrong field.
#[wasm_bindgen(js_name = readAction)]
pub fn read_action(action: JsValue) -> Result<Vec<u8>, JsValue> {
    action_bytes(&js_json(Document::Action, &action)?).map_err(js)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Action;

    #[test]
    fn a_configuration_reads_into_bytes_the_page_decodes() {
        let config = SimConfig::new(4, 77);
        let text = crate::json::to_string(&config);
        let bytes = config_bytes(&text).expect("valid");
        assert_eq!(wire::decode_config(&bytes), Ok(config));
    }

    #[test]
    fn configuration_errors_are_the_ones_the_page_threw() {
        let bad_field = config_bytes(r#"{"servers": "3"}"#).expect_err("a string");
        match &bad_field {
            Refusal::Document(FacadeError::Document { what, path, .. }) => {
                assert_eq!((*what, path.as_str()), (Document::Configuration, "servers"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(bad_field.code().0, "document.configuration");
        assert_eq!(
            config_bytes("{").expect_err("syntax").code().0,
            "document.configuration"
        );
        let thirty = crate::json::to_string(&SimConfig::new(30, 1));
        let range = config_bytes(&thirty).expect_err("too many");
        let built = crate::sim::Simulation::new(SimConfig::new(30, 1)).expect_err("too many");
        assert_eq!(range, Refusal::World(built));
        assert_eq!(range.code().0, "invalid.outOfRange");
    }

    #[test]
    fn a_scenario_reads_into_the_bytes_of_its_clusters_world() {
        let text = r#"{ "cluster": { "servers": 4, "seed": 9, "network": { "loss": 0.5 } },
            "steps": [ { "crash": "leader" } ] }"#;
        let bytes = scenario_bytes(text).expect("valid");
        let config = wire::decode_config(&bytes).expect("the page decodes it");
        assert_eq!((config.servers, config.seed), (4, 9));
        assert_eq!(config.link.loss_ppm, 500_000);
        // No cluster section: the default cluster, as the runner builds it.
        let bytes = scenario_bytes(r#"{ "steps": [] }"#).expect("valid");
        let full = Scenario::from_json(r#"{ "steps": [] }"#).expect("valid");
        assert_eq!(wire::decode_config(&bytes), Ok(sim_config(&full.cluster)));
    }

    #[test]
    fn a_bad_scenario_is_refused_at_its_path_steps_included() {
        // Expect: the whole document is read, so a bad step is refused although the cluster is
        // fine; the error is the full reader's, wrapped as `invalid scenario: …`.
        let text = r#"{ "cluster": { "servers": 3 }, "steps": [ { "crash": "leader" }, { "crash": "sideways" } ] }"#;
        match scenario_bytes(text) {
            Err(ScenarioRefusal(e)) => {
                assert_eq!(e.path(), "steps[1].crash");
                assert_eq!(Some(e), Scenario::from_json(text).err());
            }
            other => panic!("expected an invalid step, got {other:?}"),
        }
        let e = scenario_bytes(r#"{ "cluster": { "servers": 0 } }"#).expect_err("no servers");
        assert!(
            e.to_string()
                .starts_with("invalid scenario: cluster.servers"),
            "{e}"
        );
        assert_eq!(e.code().0, "document.scenario.invalid");
        assert_eq!(
            scenario_bytes("{").expect_err("syntax").code().0,
            "document.scenario.syntax"
        );
    }

    #[test]
    fn an_action_reads_into_bytes_and_a_bad_one_names_its_field() {
        let v = json::parse(r#"{"type": "crash", "server": 2}"#).expect("JSON");
        let bytes = action_bytes(&v).expect("valid");
        assert_eq!(wire::decode_action(&bytes), Ok(Action::Crash { server: 2 }));
        let v =
            json::parse(r#"{"type": "set_link", "from": 1, "to": 2, "link": {"loss_ppm": "x"}}"#)
                .expect("JSON");
        match action_bytes(&v) {
            Err(FacadeError::Document { what, path, .. }) => {
                assert_eq!((what, path.as_str()), (Document::Action, "link.loss_ppm"));
            }
            other => panic!("{other:?}"),
        }
    }
}
