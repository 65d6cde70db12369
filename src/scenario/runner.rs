//! Running a scenario: all at once ([`run`]) or incrementally ([`ScenarioRun`]), for a
//! browser that animates it frame by frame or a tutorial that stops at each expectation.
//!
//! A step first waits for its start time (`at_ms`, or `after_ms` after the previous step),
//! then checks its guards (`if`, `chance`), then acts: a command is applied at once; `run_ms`
//! lets time pass; an expectation is evaluated after every event until it holds
//! (`within_ms`, default `limits.default_wait_ms`) or for as long as it must hold (`for_ms`).
//! The first failed step ends the run. Virtual time never passes `limits.max_virtual_ms`.

use crate::sim::{Simulation, World};

use super::condition::{eval, Eval};
use super::context::Context;
use super::error::ScenarioError;
use super::format::{Condition, Scenario};
use super::report::{Outcome, Report, StepResult};
use super::step::{Step, StepKind};
use super::validate::sim_config;

/// A position in a (possibly nested) list of steps.
#[derive(Debug, Clone)]
struct Frame {
    /// How to reach the list from the top: `(step index, branch)` per level.
    path: Vec<(usize, usize)>,
    /// Next step in the list.
    pos: usize,
    /// Iterations left after this one (repeat).
    left: u32,
    /// Current iteration (1-based; 0 for lists that do not repeat).
    iteration: u32,
    /// Label prefix of steps in this list.
    label: String,
}

/// What the step being executed is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for its start time.
    Due(u64),
    /// `run_ms`: waiting until then.
    Sleep(u64),
    /// An expectation waiting to hold until the deadline.
    Wait(u64),
    /// An expectation that must hold until then.
    Hold(u64),
}

#[derive(Debug, Clone)]
struct Active {
    step: Step,
    label: String,
    path: Vec<(usize, usize)>,
    index: usize,
    phase: Phase,
    late: bool,
    start_ms: u64,
    what: String,
}

/// A scenario being run, one step (or one slice of virtual time) at a time.
#[derive(Debug, Clone)]
pub struct ScenarioRun {
    scenario: Scenario,
    sim: Simulation,
    ctx: Context,
    stack: Vec<Frame>,
    active: Option<Active>,
    results: Vec<StepResult>,
    executed: u64,
    failure: Option<String>,
    finished: bool,
}

/// Builds and runs a scenario to its end.
pub fn run(scenario: &Scenario) -> Result<Report, ScenarioError> {
    let mut r = ScenarioRun::new(scenario)?;
    r.run_to_end();
    Ok(r.report())
}

impl ScenarioRun {
    /// Builds the world for `scenario` (validated again, so any `Scenario` value is safe).
    pub fn new(scenario: &Scenario) -> Result<ScenarioRun, ScenarioError> {
        super::validate::validate(scenario)?;
        let sim = Simulation::new(sim_config(&scenario.cluster))
            .map_err(|e| ScenarioError::invalid("cluster", e))?;
        let top = Frame {
            path: Vec::new(),
            pos: 0,
            left: 0,
            iteration: 0,
            label: "steps".into(),
        };
        Ok(ScenarioRun {
            ctx: Context::new(scenario.cluster.seed),
            scenario: scenario.clone(),
            sim,
            stack: vec![top],
            active: None,
            results: Vec::new(),
            executed: 0,
            failure: None,
            finished: false,
        })
    }

    /// The simulation (for drawing it, or inspecting it in tests).
    pub fn simulation(&self) -> &Simulation {
        &self.sim
    }

    /// The world now.
    pub fn world(&self) -> &World {
        self.sim.world()
    }

    /// Steps finished so far.
    pub fn results(&self) -> &[StepResult] {
        &self.results
    }

    /// Whether the run is over (every step done, or one failed).
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Runs until the next step finishes (however much virtual time that takes, within the
    /// limits) and returns it; `None` once the run is over.
    pub fn step(&mut self) -> Option<StepResult> {
        loop {
            if self.finished {
                return None;
            }
            if let Some(r) = self.drive(u64::MAX) {
                return Some(r);
            }
        }
    }

    /// Lets up to `ms` of virtual time pass (stopping early if the run ends) and returns the
    /// steps that finished meanwhile.
    pub fn advance(&mut self, ms: u64) -> Vec<StepResult> {
        let target = self.sim.now_ms().saturating_add(ms);
        let mut done = Vec::new();
        while !self.finished && self.sim.now_ms() < target {
            match self.drive(target) {
                Some(r) => done.push(r),
                None if self.sim.now_ms() >= target => break,
                None => {}
            }
        }
        while !self.finished && self.active.is_none() {
            // Steps due exactly now (commands at the target time) run too.
            match self.drive(target) {
                Some(r) => done.push(r),
                None => break,
            }
        }
        done
    }

    /// Runs every remaining step.
    pub fn run_to_end(&mut self) {
        while self.step().is_some() {}
    }

    /// The report so far (final once [`ScenarioRun::is_finished`]).
    pub fn report(&self) -> Report {
        let w = self.sim.world();
        let violations = w.violations().to_vec();
        let mut failure = self.failure.clone();
        if failure.is_none() && !violations.is_empty() && !self.ctx.violations_expected {
            failure = Some(format!("unexpected violation: {}", violations[0]));
        }
        Report {
            name: self.scenario.name.clone(),
            passed: self.finished && failure.is_none(),
            failure,
            steps: self.results.clone(),
            violations,
            violations_expected: self.ctx.violations_expected,
            virtual_ms: w.now_ms(),
            events: w.steps(),
            trace_hash: format!("{:016x}", w.trace_hash()),
        }
    }

    /// Makes progress on the current step without passing `limit_ms`; returns the step if it
    /// finished.
    fn drive(&mut self, limit_ms: u64) -> Option<StepResult> {
        if self.finished {
            return None;
        }
        if self.active.is_none() && !self.fetch() {
            self.finished = true;
            return None;
        }
        let cap = self.scenario.limits.max_virtual_ms;
        let limit = limit_ms.min(cap);
        let phase = self.active.as_ref().expect("fetched").phase;
        let result = match phase {
            Phase::Due(t) => {
                if !self.advance_to(t, limit) {
                    return self.cap_reached(cap);
                }
                self.begin()
            }
            Phase::Sleep(t) => {
                if !self.advance_to(t, limit) {
                    return self.cap_reached(cap);
                }
                Some(self.finish(Outcome::Done))
            }
            Phase::Wait(deadline) => self.wait(deadline, limit),
            Phase::Hold(until) => self.hold(until, limit),
        };
        if result.is_none() && self.sim.now_ms() >= cap && !self.finished {
            return self.cap_reached(cap);
        }
        result
    }

    fn cap_reached(&mut self, cap: u64) -> Option<StepResult> {
        if self.sim.now_ms() < cap {
            return None;
        }
        let reason = format!("limits.max_virtual_ms ({cap} ms) reached before the step finished");
        Some(self.finish(Outcome::Failed { reason }))
    }

    /// Runs the world to `t` (or `limit` if sooner), observing every event. Returns whether
    /// `t` was reached.
    fn advance_to(&mut self, t: u64, limit: u64) -> bool {
        let target = t.min(limit);
        if target > self.sim.now_ms() {
            let ctx = &mut self.ctx;
            self.sim.run_until(target, |w| {
                ctx.observe(w);
                false
            });
        }
        self.sim.now_ms() >= t
    }

    /// Takes the next step off the stack; `false` when there is none.
    fn fetch(&mut self) -> bool {
        loop {
            let Some(frame) = self.stack.last_mut() else {
                return false;
            };
            let list = list_at(&self.scenario.steps, &frame.path);
            if frame.pos >= list.len() {
                if frame.left > 0 {
                    frame.left -= 1;
                    frame.iteration += 1;
                    frame.pos = 0;
                    continue;
                }
                self.stack.pop();
                continue;
            }
            let index = frame.pos;
            frame.pos += 1;
            let step = list[index].clone();
            let label = if frame.iteration > 0 {
                format!("{}#{}.steps[{index}]", frame.label, frame.iteration)
            } else {
                format!("{}[{index}]", frame.label)
            };
            let path = frame.path.clone();
            let now = self.sim.now_ms();
            let start = match (step.at_ms, step.after_ms) {
                (Some(at), _) => at,
                (None, Some(span)) => now + self.ctx.rng.range_inclusive(span.min_ms, span.max_ms),
                (None, None) => now,
            };
            let late = step.at_ms.is_some_and(|at| at < now);
            let what = step.kind.key().to_string();
            self.active = Some(Active {
                step,
                label,
                path,
                index,
                phase: Phase::Due(start.max(now)),
                late,
                start_ms: now,
                what,
            });
            return true;
        }
    }

    /// The step's start time has come: guards, mark, then act.
    fn begin(&mut self) -> Option<StepResult> {
        self.executed += 1;
        if self.executed > self.scenario.limits.max_steps {
            let reason = format!(
                "limits.max_steps ({}) exceeded",
                self.scenario.limits.max_steps
            );
            return Some(self.finish(Outcome::Failed { reason }));
        }
        let a = self.active.as_mut().expect("active");
        a.start_ms = self.sim.now_ms();
        let step = a.step.clone();
        if let Some(reason) = self.guard(&step) {
            return Some(self.finish(Outcome::Skipped { reason }));
        }
        if let Some(name) = &step.mark {
            self.ctx.mark(name, self.sim.world());
        }
        self.act(&step)
    }

    /// Why the step is skipped, if it is.
    fn guard(&mut self, step: &Step) -> Option<String> {
        if let Some(c) = &step.when {
            if let Err(why) = eval(c, &mut self.ctx, self.sim.world()) {
                return Some(format!("if: {why}"));
            }
        }
        let ppm = step.chance?.0;
        (!self.ctx.rng.chance_ppm(ppm))
            .then(|| format!("chance {} said no", crate::float_text::ppm_fraction(ppm)))
    }

    fn act(&mut self, step: &Step) -> Option<StepResult> {
        let now = self.sim.now_ms();
        match &step.kind {
            StepKind::Mark => Some(self.finish(Outcome::Done)),
            StepKind::RunMs(span) => {
                let ms = self.ctx.rng.range_inclusive(span.min_ms, span.max_ms);
                self.set_what(format!("run {ms} ms"));
                self.set_phase(Phase::Sleep(now + ms));
                None
            }
            StepKind::Expect(c) => self.start_expect(step, c),
            StepKind::Repeat(r) => {
                self.push_block(0, r.times - 1, "repeat", true);
                None
            }
            StepKind::OneOf(choices) => {
                let weights: Vec<u32> = choices.iter().map(|c| c.weight).collect();
                let branch = self
                    .ctx
                    .rng
                    .weighted(&weights)
                    .expect("validated: a positive weight");
                self.push_block(branch, 0, &format!("one_of[{branch}]"), false);
                None
            }
            kind => {
                let outcome = super::actions::execute(kind, &mut self.sim, &mut self.ctx);
                self.ctx.observe(self.sim.world());
                match outcome {
                    Ok(what) => {
                        self.set_what(what);
                        Some(self.finish(Outcome::Done))
                    }
                    Err(reason) if step.optional => Some(self.finish(Outcome::Skipped { reason })),
                    Err(reason) => Some(self.finish(Outcome::Failed { reason })),
                }
            }
        }
    }

    /// Enters a block (repeat body or chosen branch) of the active step.
    fn push_block(&mut self, branch: usize, left: u32, name: &str, repeats: bool) {
        let a = self.active.take().expect("active");
        let mut path = a.path.clone();
        path.push((a.index, branch));
        let label = format!("{}.{name}", a.label);
        let label = if repeats {
            label
        } else {
            format!("{label}.steps")
        };
        self.stack.push(Frame {
            path,
            pos: 0,
            left,
            iteration: u32::from(repeats),
            label,
        });
    }

    fn start_expect(&mut self, step: &Step, c: &Condition) -> Option<StepResult> {
        let now = self.sim.now_ms();
        self.set_what(describe(c));
        if let Some(d) = step.for_ms {
            return match self.evaluate(c) {
                Err(why) => Some(self.finish(Outcome::Failed {
                    reason: format!("did not hold at the start: {why}"),
                })),
                Ok(_) => {
                    self.set_phase(Phase::Hold(now + d));
                    None
                }
            };
        }
        let within = if instant(c) {
            0
        } else {
            step.within_ms
                .unwrap_or(self.scenario.limits.default_wait_ms)
        };
        match self.evaluate(c) {
            Ok(detail) => Some(self.finish(Outcome::Passed { detail })),
            Err(reason) if within == 0 => Some(self.finish(Outcome::Failed { reason })),
            Err(_) => {
                self.set_phase(Phase::Wait(now + within));
                None
            }
        }
    }

    fn evaluate(&mut self, c: &Condition) -> Eval {
        eval(c, &mut self.ctx, self.sim.world())
    }

    fn condition(&self) -> Condition {
        match &self.active.as_ref().expect("active").step.kind {
            StepKind::Expect(c) => c.clone(),
            _ => unreachable!("waiting steps are expectations"),
        }
    }

    fn wait(&mut self, deadline: u64, limit: u64) -> Option<StepResult> {
        let c = self.condition();
        let ctx = &mut self.ctx;
        let target = deadline.min(limit);
        let held = self.sim.run_until(target, |w| {
            ctx.observe(w);
            eval(&c, ctx, w).is_ok()
        });
        match self.evaluate(&c) {
            Ok(detail) if held => Some(self.finish(Outcome::Passed { detail })),
            Err(why) if self.sim.now_ms() >= deadline => {
                let within = deadline - self.active.as_ref().expect("active").start_ms;
                Some(self.finish(Outcome::Failed {
                    reason: format!("not within {within} ms: {why}"),
                }))
            }
            _ => None,
        }
    }

    fn hold(&mut self, until: u64, limit: u64) -> Option<StepResult> {
        let c = self.condition();
        let ctx = &mut self.ctx;
        let broke = self.sim.run_until(until.min(limit), |w| {
            ctx.observe(w);
            eval(&c, ctx, w).is_err()
        });
        if broke {
            let why = self.evaluate(&c).err().unwrap_or_default();
            let at = self.sim.now_ms();
            return Some(self.finish(Outcome::Failed {
                reason: format!("stopped holding at t={at}: {why}"),
            }));
        }
        if self.sim.now_ms() >= until {
            let detail = self.evaluate(&c).unwrap_or_default();
            let held = until - self.active.as_ref().expect("active").start_ms;
            return Some(self.finish(Outcome::Passed {
                detail: format!("held for {held} ms: {detail}"),
            }));
        }
        None
    }

    fn set_phase(&mut self, phase: Phase) {
        self.active.as_mut().expect("active").phase = phase;
    }

    fn set_what(&mut self, what: String) {
        self.active.as_mut().expect("active").what = what;
    }

    /// Ends the active step with `outcome`; a failure ends the run.
    fn finish(&mut self, outcome: Outcome) -> StepResult {
        let a = self.active.take().expect("active");
        let failed = matches!(outcome, Outcome::Failed { .. });
        let result = StepResult {
            label: a.label,
            what: a.what,
            start_ms: a.start_ms,
            end_ms: self.sim.now_ms(),
            late: a.late,
            note: a.step.note,
            outcome,
        };
        if failed {
            let reason = match &result.outcome {
                Outcome::Failed { reason } => reason.clone(),
                _ => unreachable!(),
            };
            self.failure = Some(format!(
                "{} ({}) at t={}: {reason}",
                result.label, result.what, result.end_ms
            ));
            self.finished = true;
        }
        self.results.push(result.clone());
        result
    }
}

/// The step list at `path` (see [`Frame::path`]).
fn list_at<'a>(top: &'a [Step], path: &[(usize, usize)]) -> &'a [Step] {
    let mut list = top;
    for &(i, branch) in path {
        list = match &list[i].kind {
            StepKind::Repeat(r) => &r.steps,
            StepKind::OneOf(c) => &c[branch].steps,
            _ => unreachable!("paths only go through blocks"),
        };
    }
    list
}

/// Conditions decided once, when the step runs (they are expensive or can only get worse).
fn instant(c: &Condition) -> bool {
    matches!(
        c,
        Condition::Linearizable(_) | Condition::AcknowledgedWritesPresent(_)
    )
}

fn describe(c: &Condition) -> String {
    use Condition as C;
    match c {
        C::Leader(l) => format!("expect one leader among {}", l.among),
        C::NoLeader(a) => format!("expect no leader among {}", a.among),
        C::Committed(o) => format!(
            "expect {} committed on >= {} servers",
            o.op,
            o.on_at_least.map_or("majority".into(), |k| k.to_string())
        ),
        C::Applied(a) => format!(
            "expect {} applied on {:?}..{:?} servers",
            a.op.clone()
                .unwrap_or_else(|| format!("index {:?}", a.index)),
            a.on_at_least,
            a.on_at_most
        ),
        C::Response(r) => format!("expect response of {}", r.op),
        C::Value(v) => format!("expect {:?} = {:?}", v.key, v.value),
        C::Term(t) => format!("expect term among {}", t.among),
        C::TermsAgree(t) => format!("expect terms agree among {}", t.among),
        C::Converged(a) => format!("expect converged among {}", a.among),
        C::Messages(m) => format!("expect messages since mark {}", m.from_mark),
        C::NoViolation(_) => "expect no violation".into(),
        C::Violation(v) => format!(
            "expect violation {:?}",
            v.property
                .as_ref()
                .map(|p| p.0.iter().map(|x| x.name()).collect::<Vec<_>>())
        ),
        C::Linearizable(_) => "expect linearizable history".into(),
        C::ClientsIdle(_) => "expect clients idle".into(),
        C::Running(_) => "expect running count".into(),
        C::Connected(_) => "expect connected count".into(),
        C::LogRetained(_) => "expect retained log size".into(),
        C::AcknowledgedWritesPresent(_) => "expect acknowledged writes present".into(),
    }
}
