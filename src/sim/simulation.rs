//! The facade over a [`World`]: run controls, the command log and time travel.
//!
//! **Steps.** Everything that changes the world is a *step* with a sequence number: a natural
//! event popped from the queue (delivery, timer, client action, fault, scheduled scenario
//! step) or a caller's command ([`Action`]). Step `n` writes trace line `#n`.
//!
//! **Command log.** Every accepted command is recorded with the step number it was applied
//! at and the virtual time. The run is then a pure function of (config, command log): replay
//! applies each logged command when the world reaches its step number, and otherwise pops
//! natural events in (time, sequence) order.
//!
//! **Time travel.** The world is copied into a checkpoint every `checkpoint_interval_ms` of
//! virtual time (bounded: when there are more than `max_checkpoints` or they take more than
//! [`CHECKPOINT_BUDGET_BYTES`], every other checkpoint is dropped and the interval doubles; the
//! initial world is always kept). A checkpoint is lighter than a clone of the world (it keeps
//! only the tail of the trace ring, see `world::Checkpoint`). [`Simulation::seek`] restores the latest
//! checkpoint at or before the target and replays to it; [`Simulation::step_back`] replays to
//! one step before the current one. Logged commands *after* the current position are kept, so
//! moving forward again redoes them — until the caller issues a new command: like an editor's
//! undo history, that truncates the log (and the checkpoints) after the current position.

use super::action::Action;
use super::config::SimConfig;
use super::error::{invalid, Invalid, SimError};
use super::world::{Checkpoint, World};
use crate::debug_text::expect_ok;

/// About how much memory the checkpoints of one simulation may take (as estimated from their
/// retained logs); beyond it they are thinned as beyond `max_checkpoints`.
pub const CHECKPOINT_BUDGET_BYTES: usize = 32 << 20;

/// The most virtual time one `advance` may cover (a day), to catch absurd input.
pub const MAX_ADVANCE_MS: u64 = 86_400_000;

/// One accepted command.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LoggedCommand {
    /// Steps taken before it; it is applied as step `step + 1`.
    pub step: u64,
    /// Virtual time it was applied at.
    pub time_ms: u64,
    /// What.
    pub action: Action,
}

/// Where a replay stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// Before the first step due after this time; the clock then reads this time.
    Time(u64),
    /// When this many steps have been taken.
    Step(u64),
}

/// A deterministic virtual cluster with time travel. See the module docs.
#[derive(Debug, Clone)]
pub struct Simulation {
    world: World,
    /// Checkpoints in step order; the first is the initial world.
    checkpoints: Vec<Checkpoint>,
    checkpoint_interval_ms: u64,
    log: Vec<LoggedCommand>,
}

impl Simulation {
    /// Builds the world at time 0.
    pub fn new(config: SimConfig) -> Result<Simulation, SimError> {
        let interval = config.checkpoint_interval_ms;
        let mut world = World::new(config)?;
        Ok(Simulation {
            checkpoints: vec![Checkpoint::take(&mut world)],
            world,
            checkpoint_interval_ms: interval,
            log: Vec::new(),
        })
    }

    /// The current world (read-only).
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Every accepted command, in order (including ones ahead of the current position after a
    /// seek backwards).
    pub fn command_log(&self) -> &[LoggedCommand] {
        &self.log
    }

    /// Virtual time now.
    pub fn now_ms(&self) -> u64 {
        self.world.now_ms
    }

    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        self.world.steps
    }

    /// Applies a command now. It is logged (truncating any undone future) when accepted; a
    /// refused command changes nothing.
    pub fn apply(&mut self, action: Action) -> Result<(), SimError> {
        let (step, time_ms, index) = (
            self.world.steps,
            self.world.now_ms,
            self.world.commands_applied,
        );
        self.world.apply_command(&action)?;
        self.log.truncate(index as usize);
        self.checkpoints.retain(|c| c.steps() <= step);
        self.log.push(LoggedCommand {
            step,
            time_ms,
            action,
        });
        Ok(())
    }

    /// Runs every step due within the next `ms` virtual milliseconds; the clock then reads
    /// `now + ms`.
    pub fn advance(&mut self, ms: u64) -> Result<(), SimError> {
        if ms > MAX_ADVANCE_MS {
            return Err(invalid(
                "ms",
                Invalid::AboveLimitMs {
                    got: ms,
                    max: MAX_ADVANCE_MS,
                },
            ));
        }
        let target = self.world.now_ms + ms;
        self.run(Stop::Time(target));
        Ok(())
    }

    /// Takes exactly one step (the next natural event, or the next logged command when moving
    /// forward through undone history). Returns `false` if nothing is left to do.
    pub fn step_event(&mut self) -> bool {
        let before = self.world.steps;
        self.run(Stop::Step(before + 1));
        self.world.steps > before
    }

    /// Steps until `done(world)` holds or the next step would pass `deadline_ms`. Returns
    /// whether `done` holds.
    pub fn run_until(&mut self, deadline_ms: u64, mut done: impl FnMut(&World) -> bool) -> bool {
        loop {
            if done(&self.world) {
                return true;
            }
            let next = self.next_step_time();
            if next.is_none_or(|t| t > deadline_ms) {
                let target = deadline_ms.max(self.world.now_ms);
                self.run(Stop::Time(target));
                return done(&self.world);
            }
            self.step_event();
        }
    }

    /// When the next step (logged command or natural event) happens.
    fn next_step_time(&self) -> Option<u64> {
        if let Some(c) = self.next_logged() {
            return Some(c.time_ms);
        }
        self.world.queue.peek().map(|k| k.time_ms)
    }

    fn next_logged(&self) -> Option<&LoggedCommand> {
        self.log
            .get(self.world.commands_applied as usize)
            .filter(|c| c.step == self.world.steps)
    }

    /// Moves to virtual time `t_ms`, forwards or backwards (checkpoint + deterministic replay).
    pub fn seek(&mut self, t_ms: u64) {
        if t_ms < self.world.now_ms {
            let base = self
                .checkpoints
                .iter()
                .rev()
                .find(|c| c.now_ms() <= t_ms)
                .expect("the initial world is at 0");
            self.world = base.restore();
        } else if let Some(ahead) = self
            .checkpoints
            .iter()
            .rev()
            .find(|c| c.now_ms() <= t_ms && c.steps() > self.world.steps)
        {
            self.world = ahead.restore();
        }
        self.run(Stop::Time(t_ms));
    }

    /// Goes back to the state just before the last step (replaying from a checkpoint).
    pub fn step_back(&mut self) -> Result<(), SimError> {
        let target = self
            .world
            .steps
            .checked_sub(1)
            .ok_or(SimError::AtBeginning)?;
        self.seek_step(target);
        Ok(())
    }

    /// Moves to the state after exactly `step` steps (at most the steps taken or logged).
    pub fn seek_step(&mut self, step: u64) {
        if step < self.world.steps {
            let base = self
                .checkpoints
                .iter()
                .rev()
                .find(|c| c.steps() <= step)
                .expect("the initial world is step 0");
            self.world = base.restore();
        }
        self.run(Stop::Step(step));
    }

    fn run(&mut self, stop: Stop) {
        let (target_steps, limit_ms) = match stop {
            Stop::Time(t) => (u64::MAX, t),
            Stop::Step(n) => (n, u64::MAX),
        };
        while self.world.steps < target_steps {
            if let Some(cmd) = self.next_logged().cloned() {
                if cmd.time_ms > limit_ms {
                    break;
                }
                self.world.now_ms = self.world.now_ms.max(cmd.time_ms);
                expect_ok(
                    self.world.apply_command(&cmd.action),
                    "bug: replay of a logged command diverged",
                );
                continue;
            }
            self.maybe_checkpoint();
            if !self.world.step_natural(limit_ms) {
                break;
            }
        }
        if let Stop::Time(t) = stop {
            self.world.now_ms = self.world.now_ms.max(t);
        }
    }

    fn maybe_checkpoint(&mut self) {
        let last = self.checkpoints.last().expect("the initial world is kept");
        let due = self.world.now_ms >= last.now_ms() + self.checkpoint_interval_ms;
        if !due || self.world.steps <= last.steps() {
            return;
        }
        let copy = Checkpoint::take(&mut self.world);
        self.checkpoints.push(copy);
        let bytes: usize = self.checkpoints.iter().map(Checkpoint::bytes).sum();
        let full = self.checkpoints.len() > self.world.config.max_checkpoints as usize;
        if full || bytes > CHECKPOINT_BUDGET_BYTES {
            // Keep the initial world and every other checkpoint; space the next ones wider.
            let mut i = 0;
            self.checkpoints.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.checkpoint_interval_ms *= 2;
        }
    }

    /// Number of checkpoints held (the initial world included).
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }
}
