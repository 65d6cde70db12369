//! The WebAssembly facade: the only module with `#[wasm_bindgen]` exports.
//!
//! The browser talks to raftlab through one opaque handle per cluster. Per-frame state crosses
//! the boundary as flat typed arrays that JavaScript re-creates after every call; every error
//! becomes a JavaScript exception with a clear message, never a panic.

use std::f32::consts::TAU;

use wasm_bindgen::prelude::*;

/// The largest cluster the lab shows.
pub const MAX_NODES: u32 = 25;

/// Installs the panic hook that turns an (impossible) Rust panic into a readable console error.
#[wasm_bindgen(start)]
pub fn start() {
    #[cfg(feature = "console_error_panic_hook")]
    console_error_panic_hook::set_once();
}

/// The crate version, shown in the page footer and used by tests to prove the module loaded.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A virtual cluster, as seen by the page.
#[wasm_bindgen]
pub struct Simulation {
    nodes: u32,
    seed: u64,
}

#[wasm_bindgen]
impl Simulation {
    /// Creates a cluster of `nodes` servers. `seed` reproduces the run; when it is absent a
    /// fresh one is drawn.
    #[wasm_bindgen(constructor)]
    pub fn new(nodes: u32, seed: Option<f64>) -> Result<Simulation, JsError> {
        if !(1..=MAX_NODES).contains(&nodes) {
            return Err(JsError::new(&format!(
                "a cluster has 1 to {MAX_NODES} servers, not {nodes}"
            )));
        }
        let seed = match seed {
            Some(s) => seed_from_js(s)?,
            None => draw_seed()?,
        };
        Ok(Simulation { nodes, seed })
    }

    /// Number of servers.
    #[wasm_bindgen(getter)]
    pub fn nodes(&self) -> u32 {
        self.nodes
    }

    /// The seed that reproduces this run, as a decimal string (a `u64` does not fit a JS number).
    #[wasm_bindgen(getter)]
    pub fn seed(&self) -> String {
        self.seed.to_string()
    }

    /// Server positions on a ring of radius 1 around the origin, as `[x0, y0, x1, y1, …]`,
    /// starting at the top and going clockwise.
    #[wasm_bindgen(js_name = ringLayout)]
    pub fn ring_layout(&self) -> Vec<f32> {
        ring_layout(self.nodes)
    }
}

/// Positions of `n` points evenly spaced on the unit circle, first at the top, clockwise
/// (screen coordinates: y grows downwards).
pub fn ring_layout(n: u32) -> Vec<f32> {
    (0..n)
        .flat_map(|i| {
            let angle = TAU * i as f32 / n as f32;
            [angle.sin(), -angle.cos()]
        })
        .collect()
}

/// Validates a seed handed in from JavaScript: a whole number in `0..=2^53`.
fn seed_from_js(seed: f64) -> Result<u64, JsError> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if (0.0..=MAX_SAFE).contains(&seed) && seed.fract() == 0.0 {
        Ok(seed as u64)
    } else {
        Err(JsError::new(&format!(
            "a seed is a whole number from 0 to {MAX_SAFE}, not {seed}"
        )))
    }
}

#[cfg(target_arch = "wasm32")]
fn draw_seed() -> Result<u64, JsError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .map_err(|e| JsError::new(&format!("could not draw a random seed: {e}")))?;
    Ok(u64::from_le_bytes(bytes))
}

/// Outside the browser there is no seed source below the facade; a fixed seed keeps native
/// runs reproducible.
#[cfg(not(target_arch = "wasm32"))]
fn draw_seed() -> Result<u64, JsError> {
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_layout_starts_at_top_and_stays_on_unit_circle() {
        let pts = ring_layout(4);
        assert_eq!(pts.len(), 8);
        assert!((pts[0] - 0.0).abs() < 1e-6 && (pts[1] + 1.0).abs() < 1e-6);
        // Second of four points is at the right (clockwise on screen).
        assert!((pts[2] - 1.0).abs() < 1e-6 && pts[3].abs() < 1e-6);
        for p in pts.chunks(2) {
            assert!(((p[0] * p[0] + p[1] * p[1]) - 1.0).abs() < 1e-5);
        }
    }
}
