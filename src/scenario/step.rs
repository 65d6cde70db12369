//! One step of a scenario: optional timing and guard fields plus exactly one command.
//!
//! ```json
//! { "after_ms": 500, "crash": "leader" }
//! { "expect": { "leader": { "among": "connected", "save_as": "L1" } }, "within_ms": 5000 }
//! ```
//!
//! A step object is parsed by hand (not derived) so that the timing fields can sit next to
//! the command key and an unknown or second command key is reported with its path.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::format::{
    Choice, ClientOpSpec, Condition, LinkSpec, NetworkSpec, RepeatSpec, SetLinkSpec,
};
use super::refs::{BoundedMs, Fraction, NodeRef, NodeSet, Span};
use crate::raft::NodeId;

/// The kinds of client operation a step can issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    /// `put` (alias `write`).
    Put,
    /// `get` (alias `read`).
    Get,
    /// `cas`.
    Cas,
    /// `append`.
    Append,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum StepKind {
    /// Nothing but its `mark` / `note` (and timing).
    #[default]
    Mark,
    /// Crash servers (they keep their disks).
    Crash(NodeSet),
    /// Restart crashed servers from their disks.
    Restart(NodeSet),
    /// Crash (if running) then restart: MIT's `start1`.
    Reboot(NodeSet),
    /// Pause servers (slow machines).
    Pause(NodeSet),
    /// Resume paused servers.
    Resume(NodeSet),
    /// Isolate servers from every other server, both ways (MIT's `disconnect`).
    Disconnect(NodeSet),
    /// Undo `disconnect` towards every connected server (MIT's `connect`).
    Connect(NodeSet),
    /// Split servers into groups; unlisted servers form one more group.
    Partition(Vec<NodeSet>),
    /// Cut a link.
    Cut(LinkSpec),
    /// Repair a link.
    Repair(LinkSpec),
    /// Remove every partition, cut and disconnection.
    Heal,
    /// Set every link's behaviour.
    SetNetwork(NetworkSpec),
    /// Set one directed link's behaviour.
    SetLink(SetLinkSpec),
    /// A client operation.
    Client(OpKind, ClientOpSpec),
    /// Add a server through the leader.
    AddServer(NodeId),
    /// Remove a server through the leader.
    RemoveServer(NodeRef),
    /// Ask the leader to hand over to this server.
    TransferLeadership(NodeRef),
    /// Compact servers' logs at their applied index.
    Snapshot(NodeSet),
    /// Make a server start an election now (a TimeoutNow).
    Campaign(NodeRef),
    /// Random client operations on or off.
    Workload(bool),
    /// Random faults on or off.
    Faults(bool),
    /// Let virtual time pass.
    RunMs(Span),
    /// Wait for or assert a condition.
    Expect(Condition),
    /// Repeat a block.
    Repeat(RepeatSpec),
    /// Run one of several blocks, chosen by weight with the scenario's generator.
    OneOf(Vec<Choice>),
}

/// One step.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Step {
    /// Run at this absolute virtual time (at once if already past; the report says "late").
    pub at_ms: Option<u64>,
    /// Run this long after the previous step finished (a range draws a value).
    pub after_ms: Option<Span>,
    /// An expectation passes as soon as it holds and fails if it does not by then.
    pub within_ms: Option<u64>,
    /// An expectation must hold throughout this long.
    pub for_ms: Option<u64>,
    /// Record a named mark (time and message counters) when the step runs.
    pub mark: Option<String>,
    /// Free text shown in the report.
    pub note: Option<String>,
    /// Run only if this condition holds now (otherwise skipped).
    pub when: Option<Condition>,
    /// Run only with this probability (scenario generator).
    pub chance: Option<Fraction>,
    /// A server reference that resolves to nothing, or a command the world refuses, skips
    /// the step instead of failing the run.
    pub optional: bool,
    /// What it does.
    pub kind: StepKind,
}

/// Every command key, for error messages.
pub const COMMANDS: &str = "crash, restart, reboot, pause, resume, disconnect, connect, partition, cut, repair, \
    heal, set_network, set_link, put (write), get (read), cas, append, add_server, remove_server, \
    transfer_leadership, snapshot, campaign (timeout_now), workload, faults, run_ms, expect (wait), \
    repeat, one_of";

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(StepVisitor)
    }
}

struct StepVisitor;

impl<'de> Visitor<'de> for StepVisitor {
    type Value = Step;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a step object with one command key")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Step, A::Error> {
        let mut step = Step::default();
        let mut command: Option<String> = None;
        while let Some(key) = map.next_key::<String>()? {
            if set_field(&mut step, &key, &mut map)? {
                continue;
            }
            if let Some(first) = &command {
                return Err(de::Error::custom(format!(
                    "a step has exactly one command, but this one has `{first}` and `{key}`"
                )));
            }
            step.kind = map.next_value_seed(CommandSeed(&key))?;
            command = Some(key);
        }
        let is_expect = matches!(step.kind, StepKind::Expect(_));
        if !is_expect && (step.within_ms.is_some() || step.for_ms.is_some()) {
            return Err(de::Error::custom(
                "within_ms and for_ms belong to expect steps",
            ));
        }
        if step.within_ms.is_some() && step.for_ms.is_some() {
            return Err(de::Error::custom(
                "an expectation has within_ms or for_ms, not both",
            ));
        }
        if command.is_none() && step.mark.is_none() && step.note.is_none() {
            return Err(de::Error::custom(format!(
                "a step needs a command: one of {COMMANDS}"
            )));
        }
        Ok(step)
    }
}

/// Reads a timing or guard field; `false` if `key` is not one.
fn set_field<'de, A: MapAccess<'de>>(
    step: &mut Step,
    key: &str,
    map: &mut A,
) -> Result<bool, A::Error> {
    match key {
        "at_ms" => step.at_ms = Some(map.next_value_seed(BoundedMs)?),
        "after_ms" => step.after_ms = Some(map.next_value()?),
        "within_ms" => step.within_ms = Some(map.next_value_seed(BoundedMs)?),
        "for_ms" => step.for_ms = Some(map.next_value_seed(BoundedMs)?),
        "mark" => step.mark = Some(map.next_value_seed(Name)?),
        "note" => step.note = Some(map.next_value()?),
        "if" => step.when = Some(map.next_value()?),
        "chance" => step.chance = Some(map.next_value()?),
        "optional" => step.optional = map.next_value()?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// A mark, op or variable name.
struct Name;

impl<'de> DeserializeSeed<'de> for Name {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        let s = String::deserialize(d)?;
        if !super::refs::valid_name(&s) {
            return Err(de::Error::custom(format!(
                "{:?} is not a name (1-64 of A-Z a-z 0-9 _ . -)",
                truncate(&s)
            )));
        }
        Ok(s)
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

/// `true` — the value of commands without parameters (`{"heal": true}`); `{}` works too.
struct Unit;

impl<'de> DeserializeSeed<'de> for Unit {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        match d.deserialize_any(UnitVisitor) {
            Ok(true) => Ok(()),
            _ => Err(de::Error::custom(
                "expected true (this command takes no parameters)",
            )),
        }
    }
}

/// Whether a command's value says "no parameters": `true`, `{}` (or `[]`, as an empty struct
/// may be written). A hand-written visitor rather than an untagged enum, which would buffer the
/// value into serde's `Content` and read it again.
struct UnitVisitor;

impl<'de> Visitor<'de> for UnitVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("true or {}")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        Ok(map.next_key::<de::IgnoredAny>()?.is_none())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        Ok(seq.next_element::<de::IgnoredAny>()?.is_none())
    }
}

/// Parses the value of command `key`.
struct CommandSeed<'a>(&'a str);

/// A command key and how its value of type `T` becomes the step.
type Command<T> = (&'static str, fn(T) -> StepKind);

/// Commands by the type of their value, so that each type's reader is called from one place.
const ON_SERVERS: [Command<NodeSet>; 8] = [
    ("crash", StepKind::Crash),
    ("restart", StepKind::Restart),
    ("reboot", StepKind::Reboot),
    ("pause", StepKind::Pause),
    ("resume", StepKind::Resume),
    ("disconnect", StepKind::Disconnect),
    ("connect", StepKind::Connect),
    ("snapshot", StepKind::Snapshot),
];
const ON_SERVER: [Command<NodeRef>; 4] = [
    ("remove_server", StepKind::RemoveServer),
    ("transfer_leadership", StepKind::TransferLeadership),
    ("campaign", StepKind::Campaign),
    ("timeout_now", StepKind::Campaign),
];
const ON_LINK: [Command<LinkSpec>; 2] = [("cut", StepKind::Cut), ("repair", StepKind::Repair)];
const SWITCHES: [Command<bool>; 2] = [
    ("workload", StepKind::Workload),
    ("faults", StepKind::Faults),
];
const CLIENT_OPS: [(&str, OpKind); 6] = [
    ("put", OpKind::Put),
    ("write", OpKind::Put),
    ("get", OpKind::Get),
    ("read", OpKind::Get),
    ("cas", OpKind::Cas),
    ("append", OpKind::Append),
];

/// The entry of `table` named `key`.
fn find<T: Copy>(table: &[(&str, T)], key: &str) -> Option<T> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

impl<'de> DeserializeSeed<'de> for CommandSeed<'_> {
    type Value = StepKind;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<StepKind, D::Error> {
        use StepKind as K;
        let key = self.0;
        if let Some(make) = find(&ON_SERVERS, key) {
            return NodeSet::deserialize(d).map(make);
        }
        if let Some(make) = find(&ON_SERVER, key) {
            return NodeRef::deserialize(d).map(make);
        }
        if let Some(make) = find(&ON_LINK, key) {
            return LinkSpec::deserialize(d).map(make);
        }
        if let Some(make) = find(&SWITCHES, key) {
            return bool::deserialize(d).map(make);
        }
        if let Some(op) = find(&CLIENT_OPS, key) {
            return ClientOpSpec::deserialize(d).map(|spec| K::Client(op, spec));
        }
        Ok(match key {
            "partition" => K::Partition(Vec::deserialize(d)?),
            "heal" => Unit.deserialize(d).map(|()| K::Heal)?,
            "set_network" => K::SetNetwork(NetworkSpec::deserialize(d)?),
            "set_link" => K::SetLink(SetLinkSpec::deserialize(d)?),
            "add_server" => K::AddServer(add_server_id(d)?),
            "run_ms" => K::RunMs(Span::deserialize(d)?),
            "expect" | "wait" => K::Expect(Condition::deserialize(d)?),
            "repeat" => K::Repeat(RepeatSpec::deserialize(d)?),
            "one_of" => K::OneOf(Vec::deserialize(d)?),
            other => {
                return Err(de::Error::custom(format!(
                    "unknown step key `{}`; expected at_ms, after_ms, within_ms, for_ms, mark, note, if, \
                     chance, optional and one command: {COMMANDS}",
                    truncate(other)
                )))
            }
        })
    }
}

fn add_server_id<'de, D: Deserializer<'de>>(d: D) -> Result<NodeId, D::Error> {
    let id = u64::deserialize(d)?;
    if id == 0 || id > u64::from(crate::raft::MAX_SERVERS) {
        return Err(de::Error::custom(format!(
            "server id {id} is out of range (ids are 1..=25)"
        )));
    }
    Ok(id as NodeId)
}

impl StepKind {
    /// The command's key as written in files.
    pub fn key(&self) -> &'static str {
        use StepKind as K;
        match self {
            K::Mark => "mark",
            K::Crash(_) => "crash",
            K::Restart(_) => "restart",
            K::Reboot(_) => "reboot",
            K::Pause(_) => "pause",
            K::Resume(_) => "resume",
            K::Disconnect(_) => "disconnect",
            K::Connect(_) => "connect",
            K::Partition(_) => "partition",
            K::Cut(_) => "cut",
            K::Repair(_) => "repair",
            K::Heal => "heal",
            K::SetNetwork(_) => "set_network",
            K::SetLink(_) => "set_link",
            K::Client(OpKind::Put, _) => "put",
            K::Client(OpKind::Get, _) => "get",
            K::Client(OpKind::Cas, _) => "cas",
            K::Client(OpKind::Append, _) => "append",
            K::AddServer(_) => "add_server",
            K::RemoveServer(_) => "remove_server",
            K::TransferLeadership(_) => "transfer_leadership",
            K::Snapshot(_) => "snapshot",
            K::Campaign(_) => "campaign",
            K::Workload(_) => "workload",
            K::Faults(_) => "faults",
            K::RunMs(_) => "run_ms",
            K::Expect(_) => "expect",
            K::Repeat(_) => "repeat",
            K::OneOf(_) => "one_of",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn step(text: &str) -> Result<Step, (String, String)> {
        json::from_str::<Step>(text).map_err(|e| match e {
            json::Error::Invalid { path, reason } => (path, reason),
            other => panic!("{text}: {other}"),
        })
    }

    #[test]
    fn commands_without_parameters_take_true_or_an_empty_object() {
        for ok in [r#"{"heal": true}"#, r#"{"heal": {}}"#, r#"{"heal": []}"#] {
            assert_eq!(step(ok).expect(ok).kind, StepKind::Heal, "{ok}");
        }
        for bad in [
            r#"{"heal": false}"#,
            r#"{"heal": {"a": 1}}"#,
            r#"{"heal": [1]}"#,
            r#"{"heal": 1}"#,
            r#"{"heal": null}"#,
        ] {
            let (path, reason) = step(bad).expect_err(bad);
            assert_eq!(path, "heal", "{bad}");
            assert_eq!(
                reason, "expected true (this command takes no parameters)",
                "{bad}"
            );
        }
    }

    #[test]
    fn durations_are_milliseconds_or_a_range() {
        let after = |text: &str| step(text).map(|s| s.after_ms);
        let span = |min_ms, max_ms| Ok(Some(Span { min_ms, max_ms }));
        assert_eq!(after(r#"{"after_ms": 5, "heal": true}"#), span(5, 5));
        assert_eq!(after(r#"{"after_ms": [2, 9], "heal": true}"#), span(2, 9));
        let expected = "expected milliseconds (a whole number >= 0) or a range [min, max]";
        for bad in ["-1", "1.5", "\"5\"", "[1]", "[1, 2, 3]", "[1, -2]", "{}"] {
            let text = format!(r#"{{"after_ms": {bad}, "heal": true}}"#);
            assert_eq!(
                after(&text),
                Err(("after_ms".into(), expected.into())),
                "{bad}"
            );
        }
        assert_eq!(
            after(r#"{"after_ms": [9, 2], "heal": true}"#),
            Err(("after_ms".into(), "range [9, 2] is empty".into()))
        );
    }

    #[test]
    fn every_command_key_reads_its_value() {
        for (text, key) in [
            (r#"{"crash": "leader"}"#, "crash"),
            (r#"{"restart": [1, 2]}"#, "restart"),
            (r#"{"reboot": 1}"#, "reboot"),
            (r#"{"pause": 1}"#, "pause"),
            (r#"{"resume": 1}"#, "resume"),
            (r#"{"disconnect": 1}"#, "disconnect"),
            (r#"{"connect": 1}"#, "connect"),
            (r#"{"snapshot": "all"}"#, "snapshot"),
            (r#"{"partition": [[1], [2, 3]]}"#, "partition"),
            (r#"{"cut": {"from": 1, "to": 2}}"#, "cut"),
            (r#"{"repair": {"from": 1, "to": 2}}"#, "repair"),
            (r#"{"set_network": {}}"#, "set_network"),
            (
                r#"{"set_link": {"from": 1, "to": 2, "network": {}}}"#,
                "set_link",
            ),
            (r#"{"put": {"key": "k", "value": "v"}}"#, "put"),
            (r#"{"write": {"key": "k", "value": "v"}}"#, "put"),
            (r#"{"get": {"key": "k"}}"#, "get"),
            (r#"{"read": {"key": "k"}}"#, "get"),
            (
                r#"{"cas": {"key": "k", "expected": "a", "value": "b"}}"#,
                "cas",
            ),
            (r#"{"append": {"key": "k", "value": "v"}}"#, "append"),
            (r#"{"add_server": 4}"#, "add_server"),
            (r#"{"remove_server": 2}"#, "remove_server"),
            (r#"{"transfer_leadership": 2}"#, "transfer_leadership"),
            (r#"{"campaign": 2}"#, "campaign"),
            (r#"{"timeout_now": 2}"#, "campaign"),
            (r#"{"workload": true}"#, "workload"),
            (r#"{"faults": false}"#, "faults"),
            (r#"{"run_ms": 100}"#, "run_ms"),
        ] {
            assert_eq!(step(text).expect(text).kind.key(), key, "{text}");
        }
        let (path, reason) = step(r#"{"crash": true}"#).expect_err("a flag is no server");
        assert_eq!(path, "crash");
        assert!(!reason.is_empty());
        let (path, reason) = step(r#"{"crsh": 1}"#).expect_err("unknown");
        assert_eq!(path, "crsh");
        assert!(reason.starts_with("unknown step key `crsh`"), "{reason}");
    }
}
