//! The size benchmark's engine-only module (`--no-default-features --features size-floor`,
//! built by `bench/size-floor.sh`; never shipped). It exports just enough to run and draw the
//! page's default cluster: build it, advance it with the event feed's observer and the
//! space-time recorder watching every step, seek back and forth, and read the frame buffers. No
//! document is read and no object is written, so its size is what the simulator, the Raft core,
//! the key-value machine, the checkers and time travel weigh before any of the page's inputs,
//! panels and errors: the floor under the page's module (BENCHMARKS.md, "Sizes").

use wasm_bindgen::prelude::*;

use super::observer::Observer;
use super::options::{build_config, Options};
use super::record::Recorder;
use super::{frame, js};
use crate::sim;

/// The page's default cluster, watched as the page watches it.
#[wasm_bindgen]
pub struct Floor {
    sim: sim::Simulation,
    observer: Observer,
    recorder: Recorder,
}

#[wasm_bindgen]
impl Floor {
    /// The page's default world with the given seed.
    #[wasm_bindgen(constructor)]
    pub fn new(seed: u32) -> Result<Floor, JsValue> {
        let config = build_config(&Options::default(), || Ok(seed.into())).map_err(js)?;
        let sim = sim::Simulation::new(config).map_err(js)?;
        let observer = Observer::new(sim.world());
        let recorder = Recorder::new(sim.world());
        Ok(Floor {
            sim,
            observer,
            recorder,
        })
    }

    /// Runs `ms` of virtual time, every step seen by both observers.
    pub fn advance(&mut self, ms: u32) {
        let deadline = self.sim.now_ms() + u64::from(ms);
        let (observer, recorder) = (&mut self.observer, &mut self.recorder);
        self.sim.run_until(deadline, |w| {
            observer.observe(w);
            recorder.observe(w);
            false
        });
    }

    /// Moves to virtual time `t_ms` (back through the checkpoints, or forward by running).
    pub fn seek(&mut self, t_ms: u32) {
        self.sim.seek(t_ms.into());
        self.observer.rewound(self.sim.world());
        self.recorder.rewound(self.sim.world());
    }

    /// The frame buffers the page draws from, one after the other.
    pub fn frame(&self) -> Vec<f64> {
        let w = self.sim.world();
        let mut out = frame::nodes(w);
        out.extend(frame::messages(w));
        out.extend(frame::progress(w));
        out.extend(frame::log_cells(w, 0, 64));
        out.extend(frame::blocked(w).into_iter().map(f64::from));
        out.extend(self.recorder.spacetime(0, self.sim.now_ms(), 1_000));
        out
    }
}
