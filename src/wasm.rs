//! The WebAssembly facade: the only module with `#[wasm_bindgen]` exports.
//!
//! The browser talks to raftlab through one opaque [`Simulation`] handle per cluster,
//! wrapping [`crate::sim::Simulation`]. Per-frame state crosses the boundary as flat
//! `Float64Array` copies (layouts in [`frame`]; `www/snapshot.js` is the only reader); rich
//! objects (inspectors, panels, the feed, the timeline) cross on demand as JSON text read by
//! the browser's `JSON.parse` ([`crate::json::to_string`]). Every error becomes a JavaScript
//! exception with a clear message, never a panic: an `Error` whose `message` is English and
//! which carries a stable `code` and its `params` ([`errors`]), so the page can word it in the
//! user's language.
//!
//! Numbers from JavaScript arrive as `f64` and are checked here ([`options`]): ids, times and
//! counts that are negative, fractional where a whole number is needed, NaN or absurdly large
//! are refused with a message naming the value.
//!
//! The exports come in two sets, one per module the build makes from this crate: the page's
//! (feature `page`, on by default: `Simulation` and its helpers) and the reader's (feature
//! `validator`, in `validator.rs`: `readScenario`, `readConfig`, `readAction`). The reader's
//! module is built with only its own feature, so it holds the general document readers and
//! little else; the page fetches it on first use and builds from the compact bytes it returns
//! ([`crate::sim::wire`]), so the page's module holds no general reader (issue 6). The
//! scenarios the page ships were read by the same module at build time
//! (`scripts/scenario-loader.cjs`), so building their worlds needs no reader at run time. The
//! reader's code is also compiled natively, for the tests and the CLI. A third set,
//! `size-floor` (`size_floor.rs`), is the size benchmark's engine-only module, never shipped.

// Without the page's exports, the helpers only they use are unused in the other builds.
#![cfg_attr(not(feature = "page"), allow(dead_code, unused_imports))]

// The readers of the reader's module: left out of the page's wasm build.
#[cfg(any(feature = "validator", not(target_arch = "wasm32")))]
pub mod action_input;
pub mod alloc;
pub mod details;
pub mod errors;
pub mod frame;
pub mod js_input;
pub mod links;
pub mod objects;
pub mod observer;
pub mod options;
pub mod record;
pub mod search;
#[cfg(feature = "size-floor")]
pub mod size_floor;
#[cfg(any(feature = "validator", not(target_arch = "wasm32")))]
pub mod validator;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use self::errors::{Coded, Document, FacadeError};
use self::observer::Observer;
use self::options::Options;
use self::record::Recorder;
use crate::json;
use crate::kv::Operation;
use crate::raft::{NodeId, MAX_SERVERS};
use crate::sim::{self, wire, Action, SimConfig};

/// The largest cluster the lab shows.
pub const MAX_NODES: u32 = MAX_SERVERS;

/// Most log cells one `logCells` call returns per server.
pub const MAX_CELLS: u64 = 2_000;

#[cfg(feature = "page")]
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Options of `new Simulation(options)`; every field is optional, unknown fields are errors. */
export interface SimulationOptions {
  servers?: number;
  seed?: number | string;
  electionTimeoutMsMin?: number;
  electionTimeoutMsMax?: number;
  heartbeatIntervalMs?: number;
  preVote?: boolean;
  checkQuorum?: boolean;
  network?: NetworkOptions;
  clients?: number;
  workload?: boolean;
  clientsStartMs?: number;
  faults?: boolean;
  autoCompactEntries?: number;
  checkSafety?: boolean;
  bugs?: { skipFigure8Rule?: boolean; skipVoteLogCheck?: boolean; forgetVoteOnRestart?: boolean; keepCommitAcrossCrash?: boolean };
}
/** Link behaviour; percentages are 0..100. */
export interface NetworkOptions {
  latencyMsMin?: number;
  latencyMsMax?: number;
  lossPercent?: number;
  duplicatePercent?: number;
  reorderPercent?: number;
  reorderDelayMsMax?: number;
}
/** One event of the feed: `code` names it, the other fields are its parameters. */
export interface FeedEvent { id: number; step: number; timeMs: number; code: string; [param: string]: unknown }
export interface FeedPage { epoch: number; events: FeedEvent[] }
/** What a refused call throws: `message` is English; `code` (the page's key `error.<code>`) and `params` word it in any language. */
export interface RaftlabError extends Error { code: string; params: Record<string, number | string> }
export interface Timeline {
  horizonMs: number;
  bands: { startMs: number; term: number; leader?: number | null }[];
  marks: { timeMs: number; step: number; kind: 'election' | 'leader' | 'crash' | 'restart' | 'violation' | 'command'; server: number }[];
}
/** One seed of a bug hunt (`searchSeed`). */
export interface SearchOutcome { seed: string; violated: boolean; property?: string; step: number; timeMs: number; detail: string; events: number }
export interface EntryDetail { index: number; term: number; kind: 'noop' | 'config' | 'command' | 'session'; duplicate: boolean; committed: boolean; commitStatus?: unknown }
"#;

/// Installs the panic hook that turns an (impossible) Rust panic into a readable console error.
#[cfg(feature = "page")]
#[wasm_bindgen(start)]
pub fn start() {
    #[cfg(feature = "console_error_panic_hook")]
    console_error_panic_hook::set_once();
}

/// The crate version, shown in the page footer and used by tests to prove the module loaded.
#[cfg(feature = "page")]
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The buffer layout contract `[GLOBAL_LEN, NODE_STRIDE, MESSAGE_STRIDE, PROGRESS_STRIDE,
/// CELL_STRIDE]`; `www/snapshot.js` refuses to run against a different one.
#[cfg(feature = "page")]
#[wasm_bindgen(js_name = frameStrides)]
pub fn frame_strides() -> Vec<u32> {
    frame::STRIDES.iter().map(|&s| s as u32).collect()
}

/// Message kind names in the order of the `kind` column of `frameMessages`.
#[cfg(feature = "page")]
#[wasm_bindgen(js_name = messageKinds)]
pub fn message_kinds() -> Vec<String> {
    frame::KIND_NAMES.iter().map(|s| s.to_string()).collect()
}

/// Values per row of `Simulation.spacetime`.
#[cfg(feature = "page")]
#[wasm_bindgen(js_name = spacetimeStride)]
pub fn spacetime_stride() -> u32 {
    record::SPACETIME_STRIDE as u32
}

/// "Find a counterexample": runs one seed of a bug hunt (`bug`: `skip_figure8_rule`,
/// `skip_vote_log_check`, `forget_vote_on_restart`, `keep_commit_across_crash`,
/// `apply_without_dedup`) for at most `runMs` of virtual time; the page's Web Worker calls it
/// seed after seed. `Simulation.fromBugHunt` with the same arguments replays a violating seed.
#[cfg(feature = "page")]
#[wasm_bindgen(js_name = searchSeed, unchecked_return_type = "SearchOutcome")]
pub fn search_seed(seed: &str, bug: &str, servers: f64, run_ms: f64) -> Result<JsValue, JsValue> {
    let (seed, bug, servers, run_ms) = hunt_args(seed, bug, servers, run_ms)?;
    to_js(&search::run_search_seed(seed, bug, servers, run_ms))
}

fn hunt_args(
    seed: &str,
    bug: &str,
    servers: f64,
    run_ms: f64,
) -> Result<(u64, crate::scenario::BugName, u32, u64), JsValue> {
    let seed: u64 = seed
        .trim_ascii()
        .parse()
        .map_err(|_| js(FacadeError::HuntSeed(seed.to_string())))?;
    let bug = crate::scenario::BugName::parse(bug)
        .ok_or_else(|| js(FacadeError::UnknownBug(bug.to_string())))?;
    let servers = options::server_id(servers).map_err(js)?;
    if servers < 3 {
        return Err(js(FacadeError::HuntServers(servers)));
    }
    let run_ms = options::duration_ms(run_ms).map_err(js)?;
    if run_ms == 0 || run_ms > search::MAX_SEARCH_RUN_MS {
        return Err(js(FacadeError::HuntRunMs {
            got: run_ms,
            max: search::MAX_SEARCH_RUN_MS,
        }));
    }
    Ok((seed, bug, servers, run_ms))
}

/// A JavaScript `Error` with `code` and `params` (an object) for the page's translation. Its
/// `message` is the English sentence in the reader's module (its scenario messages name a
/// document's path, and the reader's size matters little), and the code in the page's module
/// (`unknownServer`, with `params` `{ server: 9 }`): the page words every code itself
/// (www/i18n, in English and Turkish), and the sentences' `Display` code was 1.4 KB gzip of
/// the page's wasm (issue 6).
fn js(e: impl Coded) -> JsValue {
    let (code, params) = e.code();
    #[cfg(feature = "validator")]
    return coded_error(&e.to_string(), code, params);
    #[cfg(not(feature = "validator"))]
    coded_error(code, code, params)
}

/// The error `js` builds, out of line: one copy for every kind of error (issue 6, sizes).
#[inline(never)]
fn coded_error(message: &str, code: &str, params: errors::Params) -> JsValue {
    let error = js_sys::Error::new(message);
    let fields = js_sys::Object::new();
    for (name, value) in params {
        let value = match value {
            errors::Param::Num(n) => JsValue::from_f64(n),
            errors::Param::Text(t) => JsValue::from_str(&t),
        };
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&fields, &JsValue::from_str(name), &value);
    }
    let _ = js_sys::Reflect::set(&error, &"code".into(), &code.into());
    let _ = js_sys::Reflect::set(&error, &"params".into(), &fields);
    error.into()
}

/// Reads a JavaScript object as `what` with `read` ([`objects`]), refusing unknown fields; the
/// error names the path of the bad field (`invalid options at network.lossPercent: …`).
fn from_js<T>(
    what: Document,
    v: &JsValue,
    read: fn(&json::Json) -> objects::Read<T>,
) -> Result<T, JsValue> {
    read(&js_json(what, v)?).map_err(|e| invalid(what, e))
}

fn js_json(what: Document, v: &JsValue) -> Result<json::Json, JsValue> {
    js_input::to_json(v)
        .map_err(|(path, reason)| invalid(what, json::Error::Invalid { path, reason }))
}

/// The error for a document or object that could not be read as `what`.
fn invalid(what: Document, e: json::Error) -> JsValue {
    js(unreadable(what, e))
}

/// The facade's error for a document or object that could not be read as `what`: the path of
/// the wrong field (none for the whole) and the reader's reason.
pub(crate) fn unreadable(what: Document, e: json::Error) -> FacadeError {
    let (path, detail) = match e {
        json::Error::Invalid { path, reason } if path != "." => (path, reason),
        json::Error::Invalid { reason, .. } => (String::new(), reason),
        json::Error::Syntax(_) => (String::new(), e.to_string()),
    };
    FacadeError::Document { what, path, detail }
}

/// The error for bytes from the reader's module that are not an encoded `what`.
fn unencoded(what: Document, e: wire::WireError) -> JsValue {
    js(FacadeError::Encoded {
        what,
        detail: e.to_string(),
    })
}

fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&json::to_string(v))
}

/// A virtual Raft cluster, as seen by the page.
#[cfg(feature = "page")]
#[wasm_bindgen]
pub struct Simulation {
    sim: sim::Simulation,
    observer: Observer,
    recorder: Recorder,
    revision: u64,
}

/// Forward seeks shorter than this replay step by step (keeping the event feed whole).
const SEEK_REPLAY_MS_MAX: u64 = 2_000;

#[cfg(feature = "page")]
#[wasm_bindgen]
impl Simulation {
    /// Builds a cluster from an options object (see `SimulationOptions`); `undefined` gives
    /// the defaults with a freshly drawn seed.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SimulationOptions | undefined")] options: JsValue,
    ) -> Result<Simulation, JsValue> {
        let opts: Options = if options.is_undefined() || options.is_null() {
            Options::default()
        } else {
            from_js(Document::Options, &options, objects::options)?
        };
        let config = options::build_config(&opts, draw_seed).map_err(js)?;
        Self::build(config)
    }

    /// Builds a cluster from a full world configuration as the reader's module encodes it
    /// (`readConfig` reads the `SimConfig` JSON document a saved run or the settings carry and
    /// names a wrong field; `readScenario` a scenario document's cluster, for the bundled
    /// scenarios at build time). The configuration is checked here again, as every world's is; bytes
    /// that are not an encoded configuration are refused (`code` `encoded`).
    #[wasm_bindgen(js_name = fromConfigBytes)]
    pub fn from_config_bytes(bytes: &[u8]) -> Result<Simulation, JsValue> {
        let config =
            wire::decode_config(bytes).map_err(|e| unencoded(Document::Configuration, e))?;
        Self::build(config)
    }

    /// Replays one seed of a bug hunt (the arguments of `searchSeed`) and stops at its first
    /// safety violation (or at the end of the hunt): the page shows the counterexample the
    /// Web Worker found, with its whole history for time travel.
    #[wasm_bindgen(js_name = fromBugHunt)]
    pub fn from_bug_hunt(
        seed: &str,
        bug: &str,
        servers: f64,
        run_ms: f64,
    ) -> Result<Simulation, JsValue> {
        let (seed, bug, servers, run_ms) = hunt_args(seed, bug, servers, run_ms)?;
        let mut s = Self::build(search::search_config(seed, bug, servers))?;
        search::Hunter::new(seed, run_ms).drive(
            &mut s,
            |s| s.sim.world(),
            |s, t, stop| s.run_to_until(t, stop),
            // A refused command is part of the run, as in the worker.
            |s, a| drop(s.apply(a)),
        );
        Ok(s)
    }

    fn run_to_until(&mut self, deadline: u64, stop: &dyn Fn(&sim::World) -> bool) -> bool {
        let before = (self.sim.steps(), self.sim.now_ms());
        let obs = &mut self.observer;
        let rec = &mut self.recorder;
        let hit = self.sim.run_until(deadline, |w| {
            obs.observe(w);
            rec.observe(w);
            stop(w)
        });
        self.touch(before);
        hit
    }

    fn build(config: SimConfig) -> Result<Simulation, JsValue> {
        let sim = sim::Simulation::new(config).map_err(js)?;
        let observer = Observer::new(sim.world());
        let recorder = Recorder::new(sim.world());
        Ok(Simulation {
            sim,
            observer,
            recorder,
            revision: 0,
        })
    }

    /// The seed that reproduces this run, as a decimal string (a `u64` does not fit a number).
    #[wasm_bindgen(getter)]
    pub fn seed(&self) -> String {
        self.sim.world().config().seed.to_string()
    }

    /// Number of servers (including crashed ones and ones removed from the configuration).
    #[wasm_bindgen(getter)]
    pub fn nodes(&self) -> u32 {
        self.sim.world().servers().count() as u32
    }

    /// Virtual time now, in ms.
    #[wasm_bindgen(getter, js_name = nowMs)]
    pub fn now_ms(&self) -> f64 {
        self.sim.now_ms() as f64
    }

    /// Steps taken so far (events plus commands).
    #[wasm_bindgen(getter)]
    pub fn steps(&self) -> f64 {
        self.sim.steps() as f64
    }

    /// The configuration the world runs with (the `SimConfig` document).
    pub fn config(&self) -> Result<JsValue, JsValue> {
        to_js(self.sim.world().config())
    }

    // ---- running ----------------------------------------------------------------------

    /// Runs every event due within the next `ms` virtual milliseconds (0..=86 400 000; a
    /// fraction is dropped).
    pub fn advance(&mut self, ms: f64) -> Result<(), JsValue> {
        let ms = options::duration_ms(ms).map_err(js)?;
        let deadline = self.sim.now_ms() + ms;
        self.run_to(deadline);
        Ok(())
    }

    fn run_to(&mut self, deadline: u64) {
        let before = (self.sim.steps(), self.sim.now_ms());
        let obs = &mut self.observer;
        let rec = &mut self.recorder;
        self.sim.run_until(deadline, |w| {
            obs.observe(w);
            rec.observe(w);
            false
        });
        self.touch(before);
    }

    fn touch(&mut self, before: (u64, u64)) {
        if (self.sim.steps(), self.sim.now_ms()) != before {
            self.revision += 1;
        }
    }

    /// Takes exactly one step (the next event); `false` when nothing is scheduled.
    #[wasm_bindgen(js_name = stepEvent)]
    pub fn step_event(&mut self) -> bool {
        let before = (self.sim.steps(), self.sim.now_ms());
        let took = self.sim.step_event();
        self.observer.observe(self.sim.world());
        self.recorder.observe(self.sim.world());
        self.touch(before);
        took
    }

    /// Goes back to just before the last step. Throws at the beginning of the run.
    #[wasm_bindgen(js_name = stepBack)]
    pub fn step_back(&mut self) -> Result<(), JsValue> {
        let before = (self.sim.steps(), self.sim.now_ms());
        self.sim.step_back().map_err(js)?;
        self.observer.rewound(self.sim.world());
        self.recorder.rewound(self.sim.world());
        self.touch(before);
        Ok(())
    }

    /// Moves to virtual time `t_ms`, backwards (checkpoint + replay) or forwards.
    pub fn seek(&mut self, t_ms: f64) -> Result<(), JsValue> {
        let t = options::time_ms(t_ms).map_err(js)?;
        // A long jump forward within the part of the run already explored (after seeking
        // back) goes through the simulator's checkpoints instead of replaying step by step for
        // the observer; the feed then restarts at the new moment. Short moves keep the feed.
        let explored =
            t > self.sim.now_ms() + SEEK_REPLAY_MS_MAX && t <= self.observer.timeline.horizon_ms;
        if t >= self.sim.now_ms() && !explored {
            if t - self.sim.now_ms() > sim::MAX_ADVANCE_MS {
                return Err(js(FacadeError::SeekTooFar {
                    max: sim::MAX_ADVANCE_MS,
                }));
            }
            self.run_to(t);
            return Ok(());
        }
        let before = (self.sim.steps(), self.sim.now_ms());
        self.sim.seek(t);
        self.observer.rewound(self.sim.world());
        self.recorder.rewound(self.sim.world());
        self.touch(before);
        Ok(())
    }

    /// Moves to the state right after step `step` (used to jump to a violation or a mark).
    #[wasm_bindgen(js_name = seekStep)]
    pub fn seek_step(&mut self, step: f64) -> Result<(), JsValue> {
        let step = options::step_number(step).map_err(js)?;
        let before = (self.sim.steps(), self.sim.now_ms());
        if step < self.sim.steps() {
            self.sim.seek_step(step);
            self.observer.rewound(self.sim.world());
            self.recorder.rewound(self.sim.world());
        } else {
            while self.sim.steps() < step && self.sim.step_event() {
                self.observer.observe(self.sim.world());
                self.recorder.observe(self.sim.world());
            }
        }
        self.touch(before);
        Ok(())
    }

    // ---- commands ---------------------------------------------------------------------

    fn apply(&mut self, action: Action) -> Result<(), JsValue> {
        let before = (self.sim.steps(), self.sim.now_ms());
        let forking = self.observer.timeline.horizon_ms > self.sim.now_ms()
            || self.sim.command_log().len() as u64 > self.sim.world().commands_applied;
        self.sim.apply(action.clone()).map_err(js)?;
        if forking {
            self.observer.forked(self.sim.world());
        }
        self.observer.observe(self.sim.world());
        self.recorder.observe(self.sim.world());
        self.observer.command(self.sim.world(), &action);
        self.touch(before);
        Ok(())
    }

    fn server(&self, id: f64) -> Result<NodeId, JsValue> {
        options::server_id(id).map_err(js)
    }

    /// Crashes a server: it keeps only its disk (term, vote, log, snapshot).
    pub fn crash(&mut self, id: f64) -> Result<(), JsValue> {
        let server = self.server(id)?;
        self.apply(Action::Crash { server })
    }

    /// Restarts a crashed server from its disk (commit index and state machine start over).
    pub fn restart(&mut self, id: f64) -> Result<(), JsValue> {
        let server = self.server(id)?;
        self.apply(Action::Restart { server })
    }

    /// Pauses a server: no timers fire, messages to it are held.
    pub fn pause(&mut self, id: f64) -> Result<(), JsValue> {
        let server = self.server(id)?;
        self.apply(Action::Pause { server })
    }

    /// Resumes a paused server; held messages arrive now.
    pub fn resume(&mut self, id: f64) -> Result<(), JsValue> {
        let server = self.server(id)?;
        self.apply(Action::Resume { server })
    }

    /// Makes a server time out now and start an election (or a pre-vote round).
    #[wasm_bindgen(js_name = timeoutNow)]
    pub fn timeout_now(&mut self, id: f64) -> Result<(), JsValue> {
        let server = self.server(id)?;
        self.apply(Action::FireTimer { server })
    }

    /// Makes a server campaign at once, skipping pre-vote.
    pub fn campaign(&mut self, id: f64) -> Result<(), JsValue> {
        let server = self.server(id)?;
        self.apply(Action::Campaign { server })
    }

    /// Asks the leader to hand leadership to `id` (thesis §3.10).
    #[wasm_bindgen(js_name = transferLeadership)]
    pub fn transfer_leadership(&mut self, id: f64) -> Result<(), JsValue> {
        let to = self.server(id)?;
        self.apply(Action::TransferLeadership { to })
    }

    /// Adds a server through the leader; with no id, the smallest unused one. Returns its id.
    #[wasm_bindgen(js_name = addServer)]
    pub fn add_server(&mut self, id: Option<f64>) -> Result<u32, JsValue> {
        let server = match id {
            Some(v) => self.server(v)?,
            None => (1..=MAX_SERVERS)
                .find(|i| self.sim.world().server(*i).is_none())
                .ok_or_else(|| js(FacadeError::ClusterFull))?,
        };
        self.apply(Action::AddServer { server })?;
        Ok(server)
    }

    /// Removes a server from the configuration through the leader.
    #[wasm_bindgen(js_name = removeServer)]
    pub fn remove_server(&mut self, id: f64) -> Result<(), JsValue> {
        let server = self.server(id)?;
        self.apply(Action::RemoveServer { server })
    }

    /// Compacts a server's log at its applied index.
    pub fn snapshot(&mut self, id: f64) -> Result<(), JsValue> {
        let server = self.server(id)?;
        self.apply(Action::Snapshot { server })
    }

    /// Splits the servers into groups, e.g. `[[1, 2], [3, 4, 5]]`.
    pub fn partition(&mut self, groups: JsValue) -> Result<(), JsValue> {
        let raw: Vec<Vec<f64>> = js_input::to_json(&groups)
            .map_err(|(path, reason)| json::Error::Invalid { path, reason })
            .and_then(|j| objects::groups(&j))
            .map_err(|e| js(FacadeError::Groups(e.to_string())))?;
        let groups = raw
            .into_iter()
            .map(|g| {
                g.into_iter()
                    .map(|v| options::server_id(v).map_err(js))
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.apply(Action::Partition { groups })
    }

    /// Cuts the link `from → to` (both ways when `both`).
    #[wasm_bindgen(js_name = cutLink)]
    pub fn cut_link(&mut self, from: f64, to: f64, both: bool) -> Result<(), JsValue> {
        let (from, to) = (self.server(from)?, self.server(to)?);
        self.apply(Action::CutLink { from, to, both })
    }

    /// Repairs the link `from → to` (both ways when `both`).
    #[wasm_bindgen(js_name = repairLink)]
    pub fn repair_link(&mut self, from: f64, to: f64, both: bool) -> Result<(), JsValue> {
        let (from, to) = (self.server(from)?, self.server(to)?);
        self.apply(Action::RepairLink { from, to, both })
    }

    /// Removes every partition and cut.
    pub fn heal(&mut self) -> Result<(), JsValue> {
        self.apply(Action::Heal)
    }

    /// Sets every link's behaviour (`NetworkOptions`; missing fields keep their value).
    #[wasm_bindgen(js_name = setNetwork)]
    pub fn set_network(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "NetworkOptions")] network: JsValue,
    ) -> Result<(), JsValue> {
        let n = from_js(Document::NetworkOptions, &network, objects::network)?;
        let link =
            options::link_config(self.sim.world().network().default_link(), &n).map_err(js)?;
        self.apply(Action::SetNetwork { link })
    }

    /// Sets one directed link's behaviour (`NetworkOptions`; missing fields keep the link's
    /// current value), both ways when `both`.
    #[wasm_bindgen(js_name = setLink)]
    pub fn set_link(
        &mut self,
        from: f64,
        to: f64,
        both: bool,
        #[wasm_bindgen(unchecked_param_type = "NetworkOptions")] network: JsValue,
    ) -> Result<(), JsValue> {
        let (from, to) = (self.server(from)?, self.server(to)?);
        let n = from_js(Document::NetworkOptions, &network, objects::network)?;
        let pairs = if both {
            vec![(from, to), (to, from)]
        } else {
            vec![(from, to)]
        };
        for (a, b) in pairs {
            let link =
                options::link_config(self.sim.world().network().link(a, b), &n).map_err(js)?;
            self.apply(Action::SetLink {
                from: a,
                to: b,
                link,
            })?;
        }
        Ok(())
    }

    /// The behaviour of link `from → to` (or, with `from = to = 0`, the default of every link)
    /// in page units (`NetworkOptions` with every field set).
    #[wasm_bindgen(js_name = linkSettings, unchecked_return_type = "Required<NetworkOptions>")]
    pub fn link_settings(&self, from: f64, to: f64) -> Result<JsValue, JsValue> {
        let net = self.sim.world().network();
        let link = if from == 0.0 && to == 0.0 {
            net.default_link()
        } else {
            net.link(self.server(from)?, self.server(to)?)
        };
        to_js(&links::link_settings(&link))
    }

    fn client_op(&mut self, client: f64, op: Operation, read_index: bool) -> Result<(), JsValue> {
        let client = options::client_id(client).map_err(js)?;
        self.apply(Action::ClientOp {
            client,
            op,
            read_index,
        })
    }

    /// Client `client` writes `value` to `key` (through the log, exactly once).
    #[wasm_bindgen(js_name = clientWrite)]
    pub fn client_write(&mut self, client: f64, key: &str, value: &str) -> Result<(), JsValue> {
        let op = Operation::Put {
            key: options::text("key", key).map_err(js)?,
            value: options::text("value", value).map_err(js)?,
        };
        self.client_op(client, op, false)
    }

    /// Client `client` reads `key`, through the log or (with `readIndex`) by ReadIndex.
    #[wasm_bindgen(js_name = clientRead)]
    pub fn client_read(&mut self, client: f64, key: &str, read_index: bool) -> Result<(), JsValue> {
        let op = Operation::Get {
            key: options::text("key", key).map_err(js)?,
        };
        self.client_op(client, op, read_index)
    }

    /// Client `client` sets `key` to `new` if it holds `expected` (`null`: if it is absent).
    #[wasm_bindgen(js_name = clientCas)]
    pub fn client_cas(
        &mut self,
        client: f64,
        key: &str,
        expected: Option<String>,
        new: &str,
    ) -> Result<(), JsValue> {
        let expected = expected
            .map(|e| options::text("expected", &e))
            .transpose()
            .map_err(js)?;
        let op = Operation::Cas {
            key: options::text("key", key).map_err(js)?,
            expected,
            new: options::text("new", new).map_err(js)?,
        };
        self.client_op(client, op, false)
    }

    /// Client `client` appends `value` to `key`.
    #[wasm_bindgen(js_name = clientAppend)]
    pub fn client_append(&mut self, client: f64, key: &str, value: &str) -> Result<(), JsValue> {
        let op = Operation::Append {
            key: options::text("key", key).map_err(js)?,
            value: options::text("value", value).map_err(js)?,
        };
        self.client_op(client, op, false)
    }

    /// Switches the clients' random workload on or off.
    #[wasm_bindgen(js_name = setWorkload)]
    pub fn set_workload(&mut self, enabled: bool) -> Result<(), JsValue> {
        self.apply(Action::SetWorkload { enabled })
    }

    /// Switches the random fault generator on or off.
    #[wasm_bindgen(js_name = setFaults)]
    pub fn set_faults(&mut self, enabled: bool) -> Result<(), JsValue> {
        self.apply(Action::SetFaults { enabled })
    }

    fn message(&self, id: f64) -> Result<u64, JsValue> {
        options::message_id(id).map_err(js)
    }

    /// Adversary: delivers an in-flight message now.
    #[wasm_bindgen(js_name = deliverMessage)]
    pub fn deliver_message(&mut self, id: f64) -> Result<(), JsValue> {
        let message = self.message(id)?;
        self.apply(Action::DeliverNow { message })
    }

    /// Adversary: drops an in-flight message.
    #[wasm_bindgen(js_name = dropMessage)]
    pub fn drop_message(&mut self, id: f64) -> Result<(), JsValue> {
        let message = self.message(id)?;
        self.apply(Action::DropMessage { message })
    }

    /// Adversary: puts a second copy of an in-flight message on the wire.
    #[wasm_bindgen(js_name = duplicateMessage)]
    pub fn duplicate_message(&mut self, id: f64) -> Result<(), JsValue> {
        let message = self.message(id)?;
        self.apply(Action::DuplicateMessage { message })
    }

    /// Adversary: holds an in-flight message until released.
    #[wasm_bindgen(js_name = holdMessage)]
    pub fn hold_message(&mut self, id: f64) -> Result<(), JsValue> {
        let message = self.message(id)?;
        self.apply(Action::HoldMessage { message })
    }

    /// Adversary: releases a held message; it arrives now.
    #[wasm_bindgen(js_name = releaseMessage)]
    pub fn release_message(&mut self, id: f64) -> Result<(), JsValue> {
        let message = self.message(id)?;
        self.apply(Action::ReleaseMessage { message })
    }

    /// Applies any command of the simulator as the reader's module encodes it (`readAction`
    /// reads its object, e.g. `{ type: 'cut_link', from: 1, to: 2, both: false }`, the format of
    /// the command log). The world checks it as any command; bytes that are not an encoded
    /// command are refused (`code` `encoded`).
    #[wasm_bindgen(js_name = applyActionBytes)]
    pub fn apply_action_bytes(&mut self, bytes: &[u8]) -> Result<(), JsValue> {
        let action = wire::decode_action(bytes).map_err(|e| unencoded(Document::Action, e))?;
        self.apply(action)
    }

    // ---- per-frame buffers -------------------------------------------------------------

    fn extra(&self) -> frame::Extra {
        frame::Extra {
            horizon_ms: self.observer.timeline.horizon_ms,
            feed_epoch: self.observer.epoch,
            feed_last_id: self.observer.feed.back().map_or(0, |e| e.id),
            timeline_version: self.observer.timeline_version,
            revision: self.revision,
        }
    }

    /// Global values (layout in `frame`'s docs; `GLOBAL_LEN` values).
    #[wasm_bindgen(js_name = frameGlobal)]
    pub fn frame_global(&self) -> Vec<f64> {
        frame::global(self.sim.world(), &self.extra())
    }

    /// One row of `NODE_STRIDE` values per server, in id order.
    #[wasm_bindgen(js_name = frameNodes)]
    pub fn frame_nodes(&self) -> Vec<f64> {
        frame::nodes(self.sim.world())
    }

    /// One row of `MESSAGE_STRIDE` values per message in flight.
    #[wasm_bindgen(js_name = frameMessages)]
    pub fn frame_messages(&self) -> Vec<f64> {
        frame::messages(self.sim.world())
    }

    /// One row of `PROGRESS_STRIDE` values per follower of the current leader.
    #[wasm_bindgen(js_name = frameProgress)]
    pub fn frame_progress(&self) -> Vec<f64> {
        frame::progress(self.sim.world())
    }

    /// Blocked directed links as `[from, to, …]` pairs (cuts and partitions).
    #[wasm_bindgen(js_name = frameBlocked)]
    pub fn frame_blocked(&self) -> Vec<u32> {
        frame::blocked(self.sim.world())
    }

    /// Messages whose flight overlaps `[fromMs, toMs]` (the newest `limit`, at most 20 000),
    /// `SPACETIME_STRIDE` values each (layout in `record`), for the space-time diagram.
    pub fn spacetime(&self, from_ms: f64, to_ms: f64, limit: f64) -> Result<Vec<f64>, JsValue> {
        let from = options::time_ms(from_ms).map_err(js)?;
        let to = options::time_ms(to_ms).map_err(js)?;
        let limit = options::count(limit, record::MAX_MESSAGES as u64).map_err(js)? as usize;
        Ok(self.recorder.spacetime(from, to, limit))
    }

    /// Every change of a server's commit index as `[timeMs, server, commitIndex]` rows.
    #[wasm_bindgen(js_name = commitSeries)]
    pub fn commit_series(&self) -> Vec<f64> {
        self.recorder.commit_series()
    }

    /// Messages the network refused at send time (blocked or lost) since the start.
    #[wasm_bindgen(getter, js_name = droppedAtSend)]
    pub fn dropped_at_send(&self) -> f64 {
        self.recorder.dropped_at_send as f64
    }

    /// Log cells for indices `from .. from + count` (1..=2000 cells), one row per server.
    #[wasm_bindgen(js_name = logCells)]
    pub fn log_cells(&self, from: f64, count: f64) -> Result<Vec<f64>, JsValue> {
        let from = options::step_number(from).map_err(js)?.max(1);
        let count = options::count(count, MAX_CELLS).map_err(js)?;
        Ok(frame::log_cells(self.sim.world(), from, count))
    }

    // ---- rich objects (on demand) -------------------------------------------------------

    /// Everything about one server (inspector).
    #[wasm_bindgen(js_name = serverDetails)]
    pub fn server_details(&self, id: f64) -> Result<JsValue, JsValue> {
        let id = self.server(id)?;
        let d = details::server(self.sim.world(), id)
            .ok_or_else(|| js(sim::SimError::UnknownServer(id)))?;
        to_js(&d)
    }

    /// Entries `from .. from + count` (at most 500) of a server's log, with labels and the
    /// leader's "why not committed yet".
    #[wasm_bindgen(js_name = logWindow, unchecked_return_type = "EntryDetail[]")]
    pub fn log_window(&self, id: f64, from: f64, count: f64) -> Result<JsValue, JsValue> {
        let id = self.server(id)?;
        let from = options::step_number(from).map_err(js)?;
        let count = options::count(count, details::MAX_WINDOW).map_err(js)?;
        let d = details::log_window(self.sim.world(), id, from, count)
            .ok_or_else(|| js(sim::SimError::UnknownServer(id)))?;
        to_js(&d)
    }

    /// All fields of a message in flight (inspector).
    #[wasm_bindgen(js_name = messageDetails)]
    pub fn message_details(&self, id: f64) -> Result<JsValue, JsValue> {
        let id = self.message(id)?;
        let m = self.sim.world().network().get(id).map_err(js)?;
        to_js(&details::message(m))
    }

    /// Every client with its pending operation, stats and last `recent` operations.
    pub fn clients(&self, recent: f64) -> Result<JsValue, JsValue> {
        let recent = options::count(recent, 100).map_err(js)? as usize;
        to_js(&details::clients(self.sim.world(), recent))
    }

    /// Every server's key-value contents.
    #[wasm_bindgen(js_name = kvState)]
    pub fn kv_state(&self) -> Result<JsValue, JsValue> {
        to_js(&details::kv(self.sim.world()))
    }

    /// Feed events with an id above `after` (at most `limit`, the newest), with the epoch:
    /// when it differs from the page's, the page reloads the feed with `after = 0`.
    #[wasm_bindgen(js_name = feedSince, unchecked_return_type = "FeedPage")]
    pub fn feed_since(&self, after: f64, limit: f64) -> Result<JsValue, JsValue> {
        let after = options::message_id(after).map_err(js)?;
        let limit = options::count(limit, observer::FEED_CAPACITY as u64).map_err(js)? as usize;
        let feed = &self.observer.feed;
        let newer: Vec<&observer::FeedEvent> = feed.iter().filter(|e| e.id > after).collect();
        let events = &newer[newer.len().saturating_sub(limit)..];
        #[derive(Serialize)]
        struct Page<'a> {
            epoch: u64,
            events: &'a [&'a observer::FeedEvent],
        }
        to_js(&Page {
            epoch: self.observer.epoch,
            events,
        })
    }

    /// Term bands and marks (elections, leaders, crashes, restarts, violations, commands).
    #[wasm_bindgen(unchecked_return_type = "Timeline")]
    pub fn timeline(&self) -> Result<JsValue, JsValue> {
        to_js(&self.observer.timeline)
    }

    /// Safety violations seen so far (property, step and time, servers, detail).
    pub fn violations(&self) -> Result<JsValue, JsValue> {
        to_js(self.sim.world().violations())
    }

    /// Running totals (messages by kind, drops by reason, elections, crashes, …).
    pub fn counters(&self) -> Result<JsValue, JsValue> {
        to_js(self.sim.world().counters())
    }

    /// Everything scheduled, soonest first (at most `limit`), for adversary mode.
    #[wasm_bindgen(js_name = pendingEvents)]
    pub fn pending_events(&self, limit: f64) -> Result<JsValue, JsValue> {
        let limit = options::count(limit, 10_000).map_err(js)? as usize;
        let mut all = self.sim.world().pending_events();
        all.truncate(limit);
        to_js(&all)
    }

    /// The client history (operations in call order).
    pub fn history(&self) -> Result<JsValue, JsValue> {
        to_js(self.sim.world().history())
    }

    /// Checks the client history for linearizability (a search: call it on demand).
    #[wasm_bindgen(js_name = checkLinearizability)]
    pub fn check_linearizability(&self) -> Result<JsValue, JsValue> {
        to_js(&self.sim.world().check_linearizability())
    }

    /// The last `limit` trace lines.
    #[wasm_bindgen(js_name = traceTail)]
    pub fn trace_tail(&self, limit: f64) -> Result<Vec<String>, JsValue> {
        let limit = options::count(limit, 100_000).map_err(js)? as usize;
        // Lines are rendered as they are read: render only the ones asked for.
        let lines = self.sim.world().trace().lines();
        let skip = lines.len().saturating_sub(limit);
        Ok(lines.skip(skip).collect())
    }

    /// The hash of every trace line so far, as 16 hex digits (same seed + commands → same hash).
    #[wasm_bindgen(js_name = traceHash)]
    pub fn trace_hash(&self) -> String {
        format!("{:016x}", self.sim.world().trace_hash())
    }

    /// Every accepted command with its step and time.
    #[wasm_bindgen(js_name = commandLog)]
    pub fn command_log(&self) -> Result<JsValue, JsValue> {
        to_js(self.sim.command_log())
    }
}

#[cfg(target_arch = "wasm32")]
fn draw_seed() -> Result<u64, String> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| format!("could not draw a random seed: {e}"))?;
    // Keep drawn seeds below 2^53 so the page can show and re-enter them as plain numbers.
    Ok(u64::from_le_bytes(bytes) >> 11)
}

/// Outside the browser there is no seed source below the facade; a fixed seed keeps native
/// runs reproducible.
#[cfg(not(target_arch = "wasm32"))]
fn draw_seed() -> Result<u64, String> {
    Ok(0)
}
