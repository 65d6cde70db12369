//! The validator's module (`--no-default-features --features validator`, built into
//! `www/pkg-validate` by `scripts/build-wasm.sh`): one export that reads and checks a whole
//! scenario document. The page loads it on first use, for scenario text that did not ship with
//! the page (an embed's scenario URL), before it builds the world from the document's cluster;
//! the page's own module reads only that section (issue 6: every step type's reader, about
//! 32 KB gzip, stays out of the page's module).

use wasm_bindgen::prelude::*;

use super::{js, scenario_file};

/// Checks a whole scenario document (every step, as the CLI does). Returns nothing when it is
/// valid; otherwise throws the error `fromScenarioJson` throws (`code`
/// `document.scenario.invalid` with the JSON `path` and the reason, `document.scenario.syntax`
/// with a line and column, or `document.scenario.tooLarge`).
#[wasm_bindgen(js_name = validateScenario)]
pub fn validate_scenario(text: &str) -> Result<(), JsValue> {
    scenario_file::validate(text).map_err(js)
}
