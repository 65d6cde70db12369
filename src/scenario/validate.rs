//! Checks a parsed scenario as a whole: the cluster can be built, every server id exists,
//! every name used is defined, bounds make sense, and text fields are plain text.

use crate::collections::VecSet;

use super::error::ScenarioError;
use super::format::{BugName, ClusterSpec, Condition, Scenario};
use super::refs::{Base, NodeRef, NodeSet, NumRef};
use super::step::{OpKind, Step, StepKind};
use crate::raft::{Bugs, Config, NodeId, MAX_SERVERS};
use crate::sim::{SimConfig, SimError};

/// Longest `name`.
const MAX_TITLE_CHARS: usize = 200;
/// Longest `description`, `source` or `note`.
const MAX_TEXT_CHARS: usize = 20_000;
/// Longest key or value of a client operation.
const MAX_VALUE_CHARS: usize = 4_096;
/// Most iterations of one `repeat`.
const MAX_REPEAT: u32 = 100_000;

/// Builds the world's configuration from the cluster section.
pub fn sim_config(c: &ClusterSpec) -> SimConfig {
    let d = Config::default();
    let [emin, emax] = c
        .election_timeout_ms
        .unwrap_or([d.election_timeout_ms_min, d.election_timeout_ms_max]);
    let has = |b| c.bugs.contains(&b);
    let raft = Config {
        election_timeout_ms_min: emin,
        election_timeout_ms_max: emax,
        heartbeat_interval_ms: c.heartbeat_interval_ms.unwrap_or(d.heartbeat_interval_ms),
        pre_vote: c.pre_vote.unwrap_or(d.pre_vote),
        check_quorum: c.check_quorum.unwrap_or(d.check_quorum),
        max_entries_per_append: c.max_entries_per_append.unwrap_or(d.max_entries_per_append),
        max_inflight_appends: c.max_inflight_appends.unwrap_or(d.max_inflight_appends),
        bugs: Bugs {
            skip_figure8_rule: has(BugName::SkipFigure8Rule),
            skip_vote_log_check: has(BugName::SkipVoteLogCheck),
            forget_vote_on_restart: has(BugName::ForgetVoteOnRestart),
            keep_commit_across_crash: has(BugName::KeepCommitAcrossCrash),
        },
    };
    let mut sim = SimConfig::new(c.servers, c.seed);
    sim.raft = raft;
    sim.kv.apply_without_dedup = has(BugName::ApplyWithoutDedup);
    if let Some(t) = c.session_timeout_ms {
        sim.kv.session_timeout_ms = t;
    }
    sim.link = c.network.link();
    sim.workload = c.workload.config();
    sim.faults = c.faults.config();
    sim.auto_compact_entries = c.auto_compact_entries;
    sim.check_safety = c.check_safety;
    sim
}

/// The world's configuration from the cluster section, checked: an error names the
/// `cluster` field it comes from.
pub fn checked_sim_config(c: &ClusterSpec) -> Result<SimConfig, ScenarioError> {
    let config = sim_config(c);
    config.validate().map_err(cluster_error)?;
    Ok(config)
}

/// Maps a world configuration error to the scenario field it comes from.
fn cluster_error(e: SimError) -> ScenarioError {
    let path = match &e {
        SimError::InvalidParameter { name, .. } => match *name {
            "servers" => "cluster.servers".to_string(),
            "latency_ms_min"
            | "latency_ms_max"
            | "loss_ppm"
            | "duplicate_ppm"
            | "reorder_ppm"
            | "reorder_delay_ms_max" => "cluster".to_string(),
            // `faults.interval_ms_min` → `cluster.faults.interval_ms`. No `str::replace`: its
            // substring search would be the only one in the page's wasm (issue 6).
            n if n.starts_with("faults.") => {
                let field = n.strip_suffix("_min").or_else(|| n.strip_suffix("_max"));
                format!("cluster.{}", field.unwrap_or(n))
            }
            _ => "cluster".to_string(),
        },
        SimError::RaftConfig(_) => {
            "cluster (election_timeout_ms / heartbeat_interval_ms)".to_string()
        }
        SimError::KvConfig(_) => "cluster".to_string(),
        _ => "cluster".to_string(),
    };
    ScenarioError::invalid(path, e)
}

/// Everything the whole-file checks need to know.
struct Scope {
    servers: VecSet<NodeId>,
    clients: u32,
    ops: VecSet<String>,
    marks: VecSet<String>,
    saved: VecSet<String>,
}

/// Checks the scenario; the first problem is reported with its path.
pub fn validate(s: &Scenario) -> Result<(), ScenarioError> {
    plain_text("name", &s.name, MAX_TITLE_CHARS, true)?;
    plain_text("description", &s.description, MAX_TEXT_CHARS, false)?;
    plain_text("source", &s.source, MAX_TEXT_CHARS, false)?;
    let config = checked_sim_config(&s.cluster)?;
    if s.limits.max_virtual_ms == 0 {
        return Err(ScenarioError::invalid(
            "limits.max_virtual_ms",
            "must be greater than zero",
        ));
    }
    if s.limits.max_steps == 0 || s.limits.max_steps > 10_000_000 {
        return Err(ScenarioError::invalid(
            "limits.max_steps",
            "must be 1..=10000000",
        ));
    }
    let mut scope = Scope {
        servers: (1..=s.cluster.servers).collect(),
        clients: config.workload.clients,
        ops: VecSet::new(),
        marks: VecSet::new(),
        saved: VecSet::new(),
    };
    collect(&s.steps, &mut scope);
    check_steps(&s.steps, "steps", &scope, s.limits.max_virtual_ms)
}

/// Gathers names defined anywhere (ops, marks, saved variables) and servers added anywhere.
fn collect(steps: &[Step], scope: &mut Scope) {
    for step in steps {
        if let Some(m) = &step.mark {
            scope.marks.insert(m.clone());
        }
        match &step.kind {
            StepKind::AddServer(id) => {
                scope.servers.insert(*id);
            }
            StepKind::Client(_, spec) => {
                if let Some(n) = &spec.name {
                    scope.ops.insert(n.clone());
                }
            }
            StepKind::Expect(Condition::Leader(c)) => scope.saved.extend(c.save_as.clone()),
            StepKind::Expect(Condition::TermsAgree(c)) => scope.saved.extend(c.save_as.clone()),
            StepKind::Repeat(r) => collect(&r.steps, scope),
            StepKind::OneOf(choices) => choices.iter().for_each(|c| collect(&c.steps, scope)),
            _ => {}
        }
    }
}

fn check_steps(
    steps: &[Step],
    path: &str,
    scope: &Scope,
    max_ms: u64,
) -> Result<(), ScenarioError> {
    let mut names = VecSet::new();
    for (i, step) in steps.iter().enumerate() {
        let p = format!("{path}[{i}]");
        if let Some(at) = step.at_ms.filter(|&at| at > max_ms) {
            return Err(ScenarioError::invalid(
                format!("{p}.at_ms"),
                format!("{at} is beyond limits.max_virtual_ms ({max_ms})"),
            ));
        }
        if let Some(note) = &step.note {
            plain_text(&format!("{p}.note"), note, MAX_TEXT_CHARS, false)?;
        }
        if let Some(c) = &step.when {
            check_condition(c, &format!("{p}.if"), scope)?;
        }
        if let StepKind::Client(_, spec) = &step.kind {
            if let Some(n) = spec.name.as_ref().filter(|n| !names.insert((*n).clone())) {
                return Err(ScenarioError::invalid(
                    format!("{p}.{}.as", step.kind.key()),
                    format!("the name {n:?} is used twice"),
                ));
            }
        }
        check_kind(
            &step.kind,
            &format!("{p}.{}", step.kind.key()),
            scope,
            max_ms,
        )?;
    }
    Ok(())
}

fn check_kind(kind: &StepKind, p: &str, scope: &Scope, max_ms: u64) -> Result<(), ScenarioError> {
    use StepKind as K;
    match kind {
        K::Crash(s)
        | K::Restart(s)
        | K::Reboot(s)
        | K::Pause(s)
        | K::Resume(s)
        | K::Snapshot(s) => check_set(s, p, scope),
        K::Disconnect(s) | K::Connect(s) => check_set(s, p, scope),
        K::Partition(groups) => groups
            .iter()
            .enumerate()
            .try_for_each(|(i, g)| check_set(g, &format!("{p}[{i}]"), scope)),
        K::Cut(l) | K::Repair(l) => {
            check_ref(&l.from, &format!("{p}.from"), scope)?;
            check_ref(&l.to, &format!("{p}.to"), scope)
        }
        K::SetNetwork(n) => n
            .link()
            .validate()
            .map_err(|e| ScenarioError::invalid(p, e)),
        K::SetLink(l) => {
            check_ref(&l.from, &format!("{p}.from"), scope)?;
            check_ref(&l.to, &format!("{p}.to"), scope)?;
            l.network
                .link()
                .validate()
                .map_err(|e| ScenarioError::invalid(format!("{p}.network"), e))
        }
        K::Client(op, spec) => check_client(*op, spec, p, scope),
        K::RemoveServer(r) | K::TransferLeadership(r) | K::Campaign(r) => check_ref(r, p, scope),
        K::Expect(c) => check_condition(c, p, scope),
        K::Repeat(r) => {
            if r.times == 0 || r.times > MAX_REPEAT {
                return Err(ScenarioError::invalid(
                    format!("{p}.times"),
                    format!("must be 1..={MAX_REPEAT}"),
                ));
            }
            check_steps(&r.steps, &format!("{p}.steps"), scope, max_ms)
        }
        K::OneOf(choices) => {
            if choices.iter().map(|c| u64::from(c.weight)).sum::<u64>() == 0 {
                return Err(ScenarioError::invalid(
                    p,
                    "needs at least one choice with a weight above zero",
                ));
            }
            choices.iter().enumerate().try_for_each(|(i, c)| {
                check_steps(&c.steps, &format!("{p}[{i}].steps"), scope, max_ms)
            })
        }
        K::Mark | K::Heal | K::AddServer(_) | K::Workload(_) | K::Faults(_) | K::RunMs(_) => Ok(()),
    }
}

fn check_client(
    op: OpKind,
    spec: &super::format::ClientOpSpec,
    p: &str,
    scope: &Scope,
) -> Result<(), ScenarioError> {
    if spec.client == 0 || spec.client > scope.clients {
        let reason = format!(
            "there is no client {} (the cluster has {} clients, 1..={})",
            spec.client, scope.clients, scope.clients
        );
        return Err(ScenarioError::invalid(format!("{p}.client"), reason));
    }
    if spec.key.is_empty() || spec.key.chars().count() > 256 {
        return Err(ScenarioError::invalid(
            format!("{p}.key"),
            "must be 1..=256 characters",
        ));
    }
    let needs_value = op != OpKind::Get;
    if needs_value != spec.value.is_some() {
        let reason = if needs_value {
            "this operation needs a value"
        } else {
            "a get takes no value"
        };
        return Err(ScenarioError::invalid(format!("{p}.value"), reason));
    }
    if spec
        .value
        .as_ref()
        .is_some_and(|v| v.chars().count() > MAX_VALUE_CHARS)
    {
        return Err(ScenarioError::invalid(
            format!("{p}.value"),
            format!("longer than {MAX_VALUE_CHARS} characters"),
        ));
    }
    if spec.expected.is_some() && op != OpKind::Cas {
        return Err(ScenarioError::invalid(
            format!("{p}.expected"),
            "only a cas has an expected value",
        ));
    }
    if spec.read_index && op != OpKind::Get {
        return Err(ScenarioError::invalid(
            format!("{p}.read_index"),
            "only a get can be served by ReadIndex",
        ));
    }
    if let Some(n) = spec.name.as_ref().filter(|n| !super::refs::valid_name(n)) {
        return Err(ScenarioError::invalid(
            format!("{p}.as"),
            format!("{n:?} is not a name (1-64 of A-Z a-z 0-9 _ . -)"),
        ));
    }
    Ok(())
}

fn check_set(s: &NodeSet, p: &str, scope: &Scope) -> Result<(), ScenarioError> {
    s.refs().iter().enumerate().try_for_each(|(i, r)| {
        let path = if s.refs().len() == 1 {
            p.to_string()
        } else {
            format!("{p}[{i}]")
        };
        check_ref(r, &path, scope)
    })
}

fn check_ref(r: &NodeRef, p: &str, scope: &Scope) -> Result<(), ScenarioError> {
    match &r.base {
        Base::Id(id) if !scope.servers.contains(id) => {
            let reason = format!(
                "there is no server {id} (the cluster has servers 1..={}, plus any added)",
                scope.servers.len()
            );
            Err(ScenarioError::invalid(p, reason))
        }
        Base::Saved(n) if !scope.saved.contains(n) => Err(ScenarioError::invalid(
            p,
            format!("${n} is never saved (use save_as in a leader or terms_agree expectation)"),
        )),
        _ => Ok(()),
    }
}

fn check_condition(c: &Condition, p: &str, scope: &Scope) -> Result<(), ScenarioError> {
    use Condition as C;
    let op_known = |op: &str, path: String| {
        if scope.ops.contains(op) {
            Ok(())
        } else {
            Err(ScenarioError::invalid(
                path,
                format!("no client step is named {op:?} (name one with \"as\")"),
            ))
        }
    };
    match c {
        C::Leader(l) => check_set(&l.among, &format!("{p}.leader.among"), scope),
        C::NoLeader(a) | C::Converged(a) => check_set(&a.among, &format!("{p}.among"), scope),
        C::Committed(o) => {
            bound_servers(o.on_at_least, &format!("{p}.committed.on_at_least"))?;
            op_known(&o.op, format!("{p}.committed.op"))
        }
        C::Applied(a) => check_applied(a, &format!("{p}.applied"), &op_known),
        C::Response(r) => {
            let ok = ["ok", "cas_ok", "cas_failed", "not_found", "value"];
            if let Some(is) = r.is.as_ref().filter(|is| !ok.contains(&is.as_str())) {
                return Err(ScenarioError::invalid(
                    format!("{p}.response.is"),
                    format!("{is:?} is not one of {}", ok.join(", ")),
                ));
            }
            op_known(&r.op, format!("{p}.response.op"))
        }
        C::Value(v) => bound_servers(v.on_at_least, &format!("{p}.value.on_at_least")),
        C::Term(t) => {
            if t.at_least.is_none() && t.at_most.is_none() {
                return Err(ScenarioError::invalid(
                    format!("{p}.term"),
                    "needs at_least or at_most",
                ));
            }
            for n in [&t.at_least, &t.at_most].into_iter().flatten() {
                if let NumRef::Saved(name) = n {
                    if !scope.saved.contains(name) {
                        return Err(ScenarioError::invalid(
                            format!("{p}.term"),
                            format!("${name} is never saved"),
                        ));
                    }
                }
            }
            check_set(&t.among, &format!("{p}.term.among"), scope)
        }
        C::TermsAgree(t) => check_set(&t.among, &format!("{p}.terms_agree.among"), scope),
        C::Messages(m) => check_messages(m, &format!("{p}.messages"), scope),
        C::Running(b) | C::Connected(b) | C::LogRetained(b)
            if b.at_least.is_none() && b.at_most.is_none() =>
        {
            Err(ScenarioError::invalid(p, "needs at_least or at_most"))
        }
        _ => Ok(()),
    }
}

fn check_applied(
    a: &super::format::AppliedCond,
    p: &str,
    op_known: &dyn Fn(&str, String) -> Result<(), ScenarioError>,
) -> Result<(), ScenarioError> {
    if a.op.is_some() == a.index.is_some() {
        return Err(ScenarioError::invalid(
            p,
            "needs exactly one of op and index",
        ));
    }
    if a.on_at_least.is_none() && a.on_at_most.is_none() {
        return Err(ScenarioError::invalid(p, "needs on_at_least or on_at_most"));
    }
    bound_servers(a.on_at_least, &format!("{p}.on_at_least"))?;
    bound_servers(a.on_at_most, &format!("{p}.on_at_most"))?;
    match &a.op {
        Some(op) => op_known(op, format!("{p}.op")),
        None => Ok(()),
    }
}

fn check_messages(
    m: &super::format::MessagesCond,
    p: &str,
    scope: &Scope,
) -> Result<(), ScenarioError> {
    for (field, mark) in [
        ("from_mark", Some(&m.from_mark)),
        ("to_mark", m.to_mark.as_ref()),
    ] {
        if let Some(mark) = mark.filter(|mark| !scope.marks.contains(*mark)) {
            return Err(ScenarioError::invalid(
                format!("{p}.{field}"),
                format!("no step sets the mark {mark:?}"),
            ));
        }
    }
    if m.at_least.is_none() && m.at_most.is_none() {
        return Err(ScenarioError::invalid(p, "needs at_least or at_most"));
    }
    Ok(())
}

fn bound_servers(n: Option<u32>, p: &str) -> Result<(), ScenarioError> {
    match n {
        Some(k) if k > MAX_SERVERS => Err(ScenarioError::invalid(
            p,
            format!("{k} is more servers than a cluster can have"),
        )),
        _ => Ok(()),
    }
}

/// Text shown to people must be plain text of bounded length (no markup, no control
/// characters): the browser shows it as text, and a file should not smuggle HTML.
fn plain_text(path: &str, s: &str, max_chars: usize, title: bool) -> Result<(), ScenarioError> {
    if s.chars().count() > max_chars {
        return Err(ScenarioError::invalid(
            path,
            format!("longer than {max_chars} characters"),
        ));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(ScenarioError::invalid(path, "contains control characters"));
    }
    let markup =
        |w: &[u8]| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!');
    if (title && s.contains(['<', '>'])) || s.as_bytes().windows(2).any(markup) {
        return Err(ScenarioError::invalid(
            path,
            "must be plain text, not HTML (found '<' or '>')",
        ));
    }
    Ok(())
}
