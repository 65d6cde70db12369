//! Small value types of the scenario format with their own JSON forms: node references, node
//! sets, time spans, probabilities, saved numbers, message kinds and property names.
//!
//! Each parses (and rejects) itself during deserialization, so a bad value is reported with
//! its exact JSON path.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use crate::check::safety::Property;
use crate::raft::{MessageKind, NodeId, MAX_SERVERS};

/// Where a random node is drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pool {
    /// Any server.
    All,
    /// Running servers (not crashed, not paused).
    Running,
    /// Crashed servers.
    Crashed,
    /// Paused servers.
    Paused,
    /// Servers the scenario has not disconnected.
    Connected,
    /// Servers the scenario disconnected.
    Disconnected,
}

impl Pool {
    fn parse(word: &str) -> Option<Pool> {
        Some(match word {
            "all" => Pool::All,
            "running" => Pool::Running,
            "crashed" => Pool::Crashed,
            "paused" => Pool::Paused,
            "connected" => Pool::Connected,
            "disconnected" => Pool::Disconnected,
            _ => return None,
        })
    }

    /// The word used in scenario files.
    pub fn word(self) -> &'static str {
        match self {
            Pool::All => "all",
            Pool::Running => "running",
            Pool::Crashed => "crashed",
            Pool::Paused => "paused",
            Pool::Connected => "connected",
            Pool::Disconnected => "disconnected",
        }
    }
}

/// What a node reference starts from, before any `+k` rotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// A server id.
    Id(NodeId),
    /// The running leader with the highest term, when the step runs.
    Leader,
    /// The first running, connected follower by id.
    Follower,
    /// The first running candidate (or pre-candidate) by id.
    Candidate,
    /// A server saved earlier with `save_as` (`$name`).
    Saved(String),
    /// A server drawn from a pool with the scenario's seeded generator (`random crashed`).
    Random(Pool),
}

/// One server, named by id or by role; resolved when the step runs.
///
/// Forms: `2`, `"leader"`, `"follower"` (or `"a follower"`), `"candidate"`, `"$L1"`,
/// `"random"`, `"random <pool>"`, each optionally followed by `+k` or `-k`: the server `k`
/// places later (earlier) in id order, wrapping around — MIT's `(leader + 1) % n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeRef {
    /// The starting point.
    pub base: Base,
    /// Rotation in id order.
    pub offset: i32,
}

impl fmt::Display for NodeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.base {
            Base::Id(id) => write!(f, "S{id}")?,
            Base::Leader => f.write_str("leader")?,
            Base::Follower => f.write_str("follower")?,
            Base::Candidate => f.write_str("candidate")?,
            Base::Saved(n) => write!(f, "${n}")?,
            Base::Random(p) => write!(f, "random {}", p.word())?,
        }
        match self.offset {
            0 => Ok(()),
            k if k > 0 => write!(f, "+{k}"),
            k => write!(f, "{k}"),
        }
    }
}

const REF_FORMS: &str =
    "a server id (1..=25), \"leader\", \"follower\", \"candidate\", \"$name\", \
                         \"random\" or \"random running|crashed|paused|connected|disconnected\", \
                         optionally followed by +k or -k";

impl NodeRef {
    /// `"leader"`.
    pub const LEADER: NodeRef = NodeRef {
        base: Base::Leader,
        offset: 0,
    };

    /// A fixed server id.
    pub fn id(id: NodeId) -> Self {
        NodeRef {
            base: Base::Id(id),
            offset: 0,
        }
    }

    /// Parses the string form.
    pub fn parse(text: &str) -> Result<NodeRef, String> {
        let t = text.trim();
        let (head, offset) = split_offset(t)?;
        let base = match head {
            "leader" | "the leader" => Base::Leader,
            "follower" | "a follower" => Base::Follower,
            "candidate" | "a candidate" => Base::Candidate,
            "random" => Base::Random(Pool::All),
            _ if head.starts_with('$') && valid_name(&head[1..]) => {
                Base::Saved(head[1..].to_string())
            }
            _ if head.starts_with("random ") => match Pool::parse(head["random ".len()..].trim()) {
                Some(p) => Base::Random(p),
                None => return Err(format!("unknown pool in {text:?}; expected {REF_FORMS}")),
            },
            _ => match head.parse::<u64>() {
                Ok(id) => Base::Id(check_id(id)?),
                Err(_) => {
                    return Err(format!(
                        "unknown server reference {text:?}; expected {REF_FORMS}"
                    ))
                }
            },
        };
        Ok(NodeRef { base, offset })
    }
}

fn split_offset(t: &str) -> Result<(&str, i32), String> {
    let Some(pos) = t.rfind(['+', '-']).filter(|&p| p > 0) else {
        return Ok((t, 0));
    };
    let (head, tail) = t.split_at(pos);
    let k: i32 = tail[1..]
        .trim()
        .parse()
        .map_err(|_| format!("bad rotation {tail:?} in {t:?}"))?;
    if k > 100 {
        return Err(format!("rotation {k} is too large"));
    }
    Ok((head.trim(), if tail.starts_with('-') { -k } else { k }))
}

/// Whether `name` is a valid `save_as` / mark / op name: 1–64 of `[A-Za-z0-9_.-]`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

fn check_id(id: u64) -> Result<NodeId, String> {
    if id == 0 || id > u64::from(MAX_SERVERS) {
        return Err(format!(
            "server id {id} is out of range (ids are 1..={MAX_SERVERS})"
        ));
    }
    Ok(id as NodeId)
}

impl<'de> Deserialize<'de> for NodeRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RefVisitor).and_then(|r| match r {
            SetOrRef::Ref(r) => Ok(r),
            SetOrRef::List(_) | SetOrRef::Pool(_) => Err(de::Error::custom(format!(
                "expected one server: {REF_FORMS}"
            ))),
        })
    }
}

/// A set of servers: a keyword (`"all"`, `"running"`, `"crashed"`, `"paused"`, `"connected"`,
/// `"disconnected"`), one reference, or a list of references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeSet {
    /// Every server in the pool, in id order.
    Pool(Pool),
    /// The listed servers (duplicates removed when resolved).
    List(Vec<NodeRef>),
}

impl Default for NodeSet {
    fn default() -> Self {
        NodeSet::Pool(Pool::Connected)
    }
}

impl fmt::Display for NodeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeSet::Pool(p) => f.write_str(p.word()),
            NodeSet::List(l) => {
                let parts: Vec<String> = l.iter().map(ToString::to_string).collect();
                write!(f, "[{}]", parts.join(", "))
            }
        }
    }
}

impl NodeSet {
    /// Every reference in the set (none for a pool).
    pub fn refs(&self) -> &[NodeRef] {
        match self {
            NodeSet::Pool(_) => &[],
            NodeSet::List(l) => l,
        }
    }
}

enum SetOrRef {
    Pool(Pool),
    Ref(NodeRef),
    List(Vec<NodeRef>),
}

struct RefVisitor;

impl<'de> Visitor<'de> for RefVisitor {
    type Value = SetOrRef;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a server reference ({REF_FORMS}), a set keyword or a list of references"
        )
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<SetOrRef, E> {
        check_id(v)
            .map(|id| SetOrRef::Ref(NodeRef::id(id)))
            .map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<SetOrRef, E> {
        Err(E::custom(format!(
            "server id {v} is out of range (ids are 1..={MAX_SERVERS})"
        )))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<SetOrRef, E> {
        if let Some(p) = Pool::parse(v.trim()) {
            return Ok(SetOrRef::Pool(p));
        }
        NodeRef::parse(v).map(SetOrRef::Ref).map_err(E::custom)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SetOrRef, A::Error> {
        let mut out = Vec::new();
        while let Some(r) = seq.next_element::<NodeRef>()? {
            if out.len() >= MAX_SERVERS as usize * 4 {
                return Err(de::Error::custom("too many servers in one list"));
            }
            out.push(r);
        }
        Ok(SetOrRef::List(out))
    }
}

impl<'de> Deserialize<'de> for NodeSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match d.deserialize_any(RefVisitor)? {
            SetOrRef::Pool(p) => NodeSet::Pool(p),
            SetOrRef::Ref(r) => NodeSet::List(vec![r]),
            SetOrRef::List(l) => NodeSet::List(l),
        })
    }
}

/// A duration: a fixed number of milliseconds, or `[min, max]` drawn uniformly (inclusive)
/// from the scenario's seeded generator each time the step runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Smallest value.
    pub min_ms: u64,
    /// Largest value (inclusive).
    pub max_ms: u64,
}

/// The longest single duration a scenario may name (a virtual day).
pub const MAX_SPAN_MS: u64 = 86_400_000;

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (min_ms, max_ms) = d.deserialize_any(SpanVisitor).map_err(|_| {
            de::Error::custom("expected milliseconds (a whole number >= 0) or a range [min, max]")
        })?;
        if min_ms > max_ms {
            return Err(de::Error::custom(format!(
                "range [{min_ms}, {max_ms}] is empty"
            )));
        }
        if max_ms > MAX_SPAN_MS {
            return Err(de::Error::custom(format!(
                "{max_ms} ms is above the limit of {MAX_SPAN_MS} ms"
            )));
        }
        Ok(Span { min_ms, max_ms })
    }
}

/// Reads `ms` or `[min, max]` as `(min, max)`, unchecked. A hand-written visitor rather than an
/// untagged enum, which would buffer the value into serde's `Content` and read it again (a second
/// copy of the reading code in the WebAssembly module).
struct SpanVisitor;

impl<'de> Visitor<'de> for SpanVisitor {
    type Value = (u64, u64);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("milliseconds or a range [min, max]")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(u64, u64), E> {
        Ok((v, v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(u64, u64), E> {
        let v = u64::try_from(v).map_err(|_| E::custom("negative"))?;
        Ok((v, v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(u64, u64), A::Error> {
        let min = seq.next_element::<u64>()?;
        let max = seq.next_element::<u64>()?;
        match (min, max, seq.next_element::<de::IgnoredAny>()?) {
            (Some(min), Some(max), None) => Ok((min, max)),
            _ => Err(de::Error::custom("not two elements")),
        }
    }
}

/// Reads milliseconds bounded by [`MAX_SPAN_MS`] ([`bounded_ms`] as a seed).
pub struct BoundedMs;

impl<'de> DeserializeSeed<'de> for BoundedMs {
    type Value = u64;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u64, D::Error> {
        bounded_ms(d)
    }
}

/// Milliseconds bounded by [`MAX_SPAN_MS`].
pub fn bounded_ms<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = u64::deserialize(d)?;
    if v > MAX_SPAN_MS {
        return Err(de::Error::custom(format!(
            "{v} ms is above the limit of {MAX_SPAN_MS} ms"
        )));
    }
    Ok(v)
}

/// A probability written as a fraction `0.0..=1.0`, stored as parts per million so that
/// every platform draws identically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fraction(pub u32);

impl<'de> Deserialize<'de> for Fraction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        if !(0.0..=1.0).contains(&v) {
            return Err(de::Error::custom(format!(
                "{} is not a probability between 0 and 1",
                crate::float_text::Shortest(v)
            )));
        }
        Ok(Fraction((v * 1_000_000.0).round() as u32))
    }
}

/// A number, or `"$name"`: a number saved earlier (`terms_agree` with `save_as`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumRef {
    /// A literal.
    Value(u64),
    /// A saved number.
    Saved(String),
}

impl<'de> Deserialize<'de> for NumRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d
            .deserialize_any(NumRefVisitor)
            .map_err(|_| de::Error::custom("expected a whole number or \"$name\""))?
        {
            NumRef::Saved(s) if s.starts_with('$') && valid_name(&s[1..]) => {
                Ok(NumRef::Saved(s[1..].to_string()))
            }
            NumRef::Saved(s) => Err(de::Error::custom(format!(
                "expected a whole number or \"$name\", got {s:?}"
            ))),
            value => Ok(value),
        }
    }
}

/// Reads a number as [`NumRef::Value`] and any string, unchecked, as [`NumRef::Saved`].
struct NumRefVisitor;

impl<'de> Visitor<'de> for NumRefVisitor {
    type Value = NumRef;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a whole number or a string")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumRef, E> {
        Ok(NumRef::Value(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumRef, E> {
        u64::try_from(v)
            .map(NumRef::Value)
            .map_err(|_| E::custom("negative"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<NumRef, E> {
        Ok(NumRef::Saved(v.to_string()))
    }
}

/// Message kinds by their snake_case names, and the groups a scenario may count.
const KINDS: [(&str, MessageKind); 16] = [
    ("request_vote", MessageKind::RequestVote),
    ("request_pre_vote", MessageKind::RequestPreVote),
    ("vote_granted", MessageKind::VoteGranted),
    ("vote_denied", MessageKind::VoteDenied),
    ("pre_vote_granted", MessageKind::PreVoteGranted),
    ("pre_vote_denied", MessageKind::PreVoteDenied),
    ("heartbeat", MessageKind::Heartbeat),
    ("append_entries", MessageKind::AppendEntries),
    ("append_accepted", MessageKind::AppendAccepted),
    ("append_rejected", MessageKind::AppendRejected),
    ("install_snapshot", MessageKind::InstallSnapshot),
    (
        "install_snapshot_response",
        MessageKind::InstallSnapshotResponse,
    ),
    ("timeout_now", MessageKind::TimeoutNow),
    ("read_index", MessageKind::ReadIndex),
    ("read_index_response", MessageKind::ReadIndexResponse),
    ("transfer_leader", MessageKind::TransferLeader),
];

/// Request kinds: what MIT's tester counts as one RPC each.
const REQUESTS: [MessageKind; 8] = [
    MessageKind::RequestVote,
    MessageKind::RequestPreVote,
    MessageKind::Heartbeat,
    MessageKind::AppendEntries,
    MessageKind::InstallSnapshot,
    MessageKind::TimeoutNow,
    MessageKind::ReadIndex,
    MessageKind::TransferLeader,
];

/// A set of message kinds named by one of the kinds' snake_case names or a group: `"all"`,
/// `"requests"` (one per RPC, as MIT's tester counts), `"responses"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindSel(pub Vec<MessageKind>);

impl KindSel {
    /// Every kind.
    pub fn all() -> KindSel {
        KindSel(KINDS.iter().map(|&(_, k)| k).collect())
    }
}

impl<'de> Deserialize<'de> for KindSel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        let kinds = match name.as_str() {
            "all" => return Ok(KindSel::all()),
            "requests" => REQUESTS.to_vec(),
            "responses" => KINDS
                .iter()
                .map(|&(_, k)| k)
                .filter(|k| !REQUESTS.contains(k))
                .collect(),
            _ => match KINDS.iter().find(|(n, _)| *n == name) {
                Some(&(_, k)) => vec![k],
                None => {
                    let names: Vec<&str> = KINDS.iter().map(|(n, _)| *n).collect();
                    return Err(de::Error::custom(format!(
                        "unknown message kind {name:?}; expected all, requests, responses or one of {}",
                        names.join(", ")
                    )));
                }
            },
        };
        Ok(KindSel(kinds))
    }
}

/// Every safety property, by the name the checker reports.
pub const PROPERTIES: [Property; 9] = [
    Property::ElectionSafety,
    Property::LeaderAppendOnly,
    Property::LogMatching,
    Property::LeaderCompleteness,
    Property::StateMachineSafety,
    Property::CommittedImmutable,
    Property::ApplyOrder,
    Property::TermMonotonic,
    Property::ExactlyOnce,
];

/// A property by its snake_case name (`"state_machine_safety"`).
pub fn parse_property(name: &str) -> Result<Property, String> {
    PROPERTIES
        .iter()
        .copied()
        .find(|p| p.name() == name)
        .ok_or_else(|| {
            let names: Vec<&str> = PROPERTIES.iter().map(|p| p.name()).collect();
            format!(
                "unknown property {name:?}; expected one of {}",
                names.join(", ")
            )
        })
}

/// One property name or a list of them (any of which matches).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PropertySel(pub Vec<Property>);

impl<'de> Deserialize<'de> for PropertySel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let names = d
            .deserialize_any(NamesVisitor)
            .map_err(|_| de::Error::custom("expected a property name or a list of them"))?;
        let props = names
            .iter()
            .map(|n| parse_property(n))
            .collect::<Result<Vec<_>, _>>();
        props.map(PropertySel).map_err(de::Error::custom)
    }
}

/// Reads one string or a list of strings.
struct NamesVisitor;

impl<'de> Visitor<'de> for NamesVisitor {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a list of strings")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<String>, E> {
        Ok(vec![v.to_string()])
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
        let mut names = Vec::new();
        while let Some(name) = seq.next_element::<String>()? {
            names.push(name);
        }
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_with_rotations() {
        assert_eq!(
            NodeRef::parse("leader+1").unwrap(),
            NodeRef {
                base: Base::Leader,
                offset: 1
            }
        );
        assert_eq!(
            NodeRef::parse("$L1-2").unwrap(),
            NodeRef {
                base: Base::Saved("L1".into()),
                offset: -2
            }
        );
        assert_eq!(
            NodeRef::parse("random crashed").unwrap().base,
            Base::Random(Pool::Crashed)
        );
        assert_eq!(NodeRef::parse("a follower").unwrap().base, Base::Follower);
        assert_eq!(NodeRef::parse("3").unwrap(), NodeRef::id(3));
        assert!(NodeRef::parse("26").is_err());
        assert!(NodeRef::parse("boss").is_err());
        assert!(NodeRef::parse("leader+x").is_err());
    }

    #[test]
    fn kinds_and_properties_parse_by_name() {
        let k: KindSel = serde_json::from_str("\"requests\"").unwrap();
        assert!(
            k.0.contains(&MessageKind::Heartbeat) && !k.0.contains(&MessageKind::AppendAccepted)
        );
        assert!(serde_json::from_str::<KindSel>("\"nope\"").is_err());
        let p: PropertySel = serde_json::from_str("[\"election_safety\"]").unwrap();
        assert_eq!(p.0, vec![Property::ElectionSafety]);
        let f: Fraction = serde_json::from_str("0.1").unwrap();
        assert_eq!(f.0, 100_000);
        assert!(serde_json::from_str::<Fraction>("1.5").is_err());
    }

    fn read<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
        crate::json::from_str::<T>(text).map_err(|e| e.to_string())
    }

    #[test]
    fn numbers_or_saved_names_are_read() {
        assert_eq!(read::<NumRef>("7"), Ok(NumRef::Value(7)));
        assert_eq!(read::<NumRef>("\"$t1\""), Ok(NumRef::Saved("t1".into())));
        assert_eq!(
            read::<NumRef>("\"t1\""),
            Err(".: expected a whole number or \"$name\", got \"t1\"".into())
        );
        for bad in ["-1", "1.5", "true", "[1]", "null"] {
            assert_eq!(
                read::<NumRef>(bad),
                Err(".: expected a whole number or \"$name\"".into()),
                "{bad}"
            );
        }
    }

    #[test]
    fn one_property_or_a_list_is_read() {
        let safety = PropertySel(vec![Property::ElectionSafety]);
        assert_eq!(
            read::<PropertySel>("\"election_safety\""),
            Ok(safety.clone())
        );
        assert_eq!(read::<PropertySel>("[\"election_safety\"]"), Ok(safety));
        for bad in ["1", "[1]", "{}", "[[\"election_safety\"]]"] {
            assert_eq!(
                read::<PropertySel>(bad),
                Err(".: expected a property name or a list of them".into()),
                "{bad}"
            );
        }
        assert!(read::<PropertySel>("[\"nope\"]")
            .unwrap_err()
            .starts_with(".: unknown property \"nope\"; expected one of "));
    }
}
