//! `readAction`'s reader (the reader's module; the page applies the bytes it returns): an
//! [`Action`] object (`{ type: 'cut_link', from: 1, to: 2, both: false }`, the format of the
//! command log and of saved runs) read field by field.
//!
//! It accepts exactly what serde's derived reader of [`Action`] accepts (the tests below
//! compare the two on every variant), but serde reads an internally tagged enum by buffering
//! the object and compiling a generic re-reader for each of its 25 variants: about 100 KB of
//! the WebAssembly module (issue 6). Here each field is read by the typed reader
//! ([`crate::json::from_value`]) once per field type. As with serde, unknown fields are ignored.

use serde::de::DeserializeOwned;

use crate::json::{self, Json};
use crate::kv::Operation;
use crate::raft::NodeId;
use crate::sim::Action;

/// The `type` names of [`Action`], in declaration order.
pub const ACTION_TYPES: [&str; 25] = [
    "crash",
    "restart",
    "pause",
    "resume",
    "partition",
    "cut_link",
    "repair_link",
    "heal",
    "set_network",
    "set_link",
    "client_op",
    "set_workload",
    "set_faults",
    "add_server",
    "remove_server",
    "transfer_leadership",
    "snapshot",
    "campaign",
    "schedule",
    "deliver_now",
    "drop_message",
    "duplicate_message",
    "hold_message",
    "release_message",
    "fire_timer",
];

/// The `kind` names of [`Operation`].
const OPERATION_KINDS: [&str; 4] = ["get", "put", "cas", "append"];

/// Reads an action; the error names the path of the wrong field (`link.loss_ppm`).
pub fn read_action(v: &Json) -> Result<Action, json::Error> {
    let o = Fields::of(v, "internally tagged enum Action")?;
    let f = &o;
    use Action as A;
    Ok(match o.tag("type", &ACTION_TYPES)? {
        "crash" => A::Crash {
            server: f.id("server")?,
        },
        "restart" => A::Restart {
            server: f.id("server")?,
        },
        "pause" => A::Pause {
            server: f.id("server")?,
        },
        "resume" => A::Resume {
            server: f.id("server")?,
        },
        "partition" => A::Partition {
            groups: f.get("groups")?,
        },
        "cut_link" => A::CutLink {
            from: f.id("from")?,
            to: f.id("to")?,
            both: f.get("both")?,
        },
        "repair_link" => A::RepairLink {
            from: f.id("from")?,
            to: f.id("to")?,
            both: f.get("both")?,
        },
        "heal" => A::Heal,
        "set_network" => A::SetNetwork {
            link: f.get("link")?,
        },
        "set_link" => A::SetLink {
            from: f.id("from")?,
            to: f.id("to")?,
            link: f.get("link")?,
        },
        "client_op" => A::ClientOp {
            client: f.get("client")?,
            op: f.with("op", read_operation)?,
            read_index: f.get("read_index")?,
        },
        "set_workload" => A::SetWorkload {
            enabled: f.get("enabled")?,
        },
        "set_faults" => A::SetFaults {
            enabled: f.get("enabled")?,
        },
        "add_server" => A::AddServer {
            server: f.id("server")?,
        },
        "remove_server" => A::RemoveServer {
            server: f.id("server")?,
        },
        "transfer_leadership" => A::TransferLeadership { to: f.id("to")? },
        "snapshot" => A::Snapshot {
            server: f.id("server")?,
        },
        "campaign" => A::Campaign {
            server: f.id("server")?,
        },
        "schedule" => A::Schedule {
            at_ms: f.get("at_ms")?,
            action: Box::new(f.with("action", read_action)?),
        },
        "deliver_now" => A::DeliverNow {
            message: f.get("message")?,
        },
        "drop_message" => A::DropMessage {
            message: f.get("message")?,
        },
        "duplicate_message" => A::DuplicateMessage {
            message: f.get("message")?,
        },
        "hold_message" => A::HoldMessage {
            message: f.get("message")?,
        },
        "release_message" => A::ReleaseMessage {
            message: f.get("message")?,
        },
        _ => A::FireTimer {
            server: f.id("server")?,
        },
    })
}

/// Reads a key-value operation (`{ kind: 'put', key: 'k', value: 'v' }`).
fn read_operation(v: &Json) -> Result<Operation, json::Error> {
    let f = Fields::of(v, "internally tagged enum Operation")?;
    Ok(match f.tag("kind", &OPERATION_KINDS)? {
        "get" => Operation::Get { key: f.get("key")? },
        "put" => Operation::Put {
            key: f.get("key")?,
            value: f.get("value")?,
        },
        "cas" => Operation::Cas {
            key: f.get("key")?,
            expected: f.optional("expected")?,
            new: f.get("new")?,
        },
        _ => Operation::Append {
            key: f.get("key")?,
            value: f.get("value")?,
        },
    })
}

/// The entries of an object being read.
struct Fields<'a>(&'a [(String, Json)]);

impl<'a> Fields<'a> {
    fn of(v: &'a Json, what: &str) -> Result<Self, json::Error> {
        match v {
            Json::Object(entries) => Ok(Fields(entries)),
            _ => Err(invalid(".", format!("invalid type: expected {what}"))),
        }
    }

    fn find(&self, key: &str) -> Result<Option<&'a Json>, json::Error> {
        let mut found = self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v);
        let first = found.next();
        if found.next().is_some() {
            return Err(invalid(".", format!("duplicate field `{key}`")));
        }
        Ok(first)
    }

    /// The tag field: one of `names`, returned as the static name.
    fn tag(&self, key: &str, names: &[&'static str]) -> Result<&'static str, json::Error> {
        let Some(v) = self.find(key)? else {
            return Err(invalid(".", format!("missing field `{key}`")));
        };
        let name: String = at(key, json::from_value(v))?;
        names.iter().copied().find(|n| *n == name).ok_or_else(|| {
            let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            invalid(
                key,
                format!(
                    "unknown variant `{name}`, expected one of {}",
                    list.join(", ")
                ),
            )
        })
    }

    fn with<T>(
        &self,
        key: &str,
        read: impl FnOnce(&Json) -> Result<T, json::Error>,
    ) -> Result<T, json::Error> {
        match self.find(key)? {
            Some(v) => at(key, read(v)),
            None => Err(invalid(".", format!("missing field `{key}`"))),
        }
    }

    fn get<T: DeserializeOwned>(&self, key: &str) -> Result<T, json::Error> {
        self.with(key, json::from_value)
    }

    /// A field that may be absent or `null`.
    fn optional<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, json::Error> {
        match self.find(key)? {
            Some(v) => at(key, json::from_value(v)),
            None => Ok(None),
        }
    }

    fn id(&self, key: &str) -> Result<NodeId, json::Error> {
        self.get(key)
    }
}

fn invalid(path: &str, reason: String) -> json::Error {
    json::Error::Invalid {
        path: path.to_string(),
        reason,
    }
}

/// Puts `key` in front of the path of an error found inside its value.
fn at<T>(key: &str, r: Result<T, json::Error>) -> Result<T, json::Error> {
    r.map_err(|e| match e {
        json::Error::Invalid { path, reason } => {
            let path = match path.as_str() {
                "." => key.to_string(),
                p if p.starts_with('[') => format!("{key}{p}"),
                p => format!("{key}.{p}"),
            };
            json::Error::Invalid { path, reason }
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::LinkConfig;

    /// One action of every variant. The match makes adding a variant without teaching the
    /// reader (and this list) a compile error.
    fn every_action() -> Vec<Action> {
        use Action as A;
        let link = LinkConfig {
            loss_ppm: 5,
            ..LinkConfig::default()
        };
        let op = |i| match i {
            0 => Operation::Get { key: "k".into() },
            1 => Operation::Put {
                key: "k".into(),
                value: "v".into(),
            },
            2 => Operation::Cas {
                key: "k".into(),
                expected: Some("a".into()),
                new: "b".into(),
            },
            3 => Operation::Cas {
                key: "k".into(),
                expected: None,
                new: "b".into(),
            },
            _ => Operation::Append {
                key: "k".into(),
                value: "v".into(),
            },
        };
        let mut all = vec![
            A::Crash { server: 1 },
            A::Restart { server: 2 },
            A::Pause { server: 3 },
            A::Resume { server: 4 },
            A::Partition {
                groups: vec![vec![1, 2], vec![3]],
            },
            A::CutLink {
                from: 1,
                to: 2,
                both: true,
            },
            A::RepairLink {
                from: 2,
                to: 1,
                both: false,
            },
            A::Heal,
            A::SetNetwork { link },
            A::SetLink {
                from: 1,
                to: 3,
                link,
            },
            A::SetWorkload { enabled: true },
            A::SetFaults { enabled: false },
            A::AddServer { server: 6 },
            A::RemoveServer { server: 2 },
            A::TransferLeadership { to: 3 },
            A::Snapshot { server: 1 },
            A::Campaign { server: 2 },
            A::Schedule {
                at_ms: 500,
                action: Box::new(A::Crash { server: 1 }),
            },
            A::DeliverNow { message: 7 },
            A::DropMessage { message: 8 },
            A::DuplicateMessage { message: 9 },
            A::HoldMessage { message: 10 },
            A::ReleaseMessage { message: 11 },
            A::FireTimer { server: 3 },
        ];
        all.extend((0..5).map(|i| A::ClientOp {
            client: 1,
            op: op(i),
            read_index: i == 0,
        }));
        for a in &all {
            match a {
                A::Crash { .. }
                | A::Restart { .. }
                | A::Pause { .. }
                | A::Resume { .. }
                | A::Partition { .. }
                | A::CutLink { .. }
                | A::RepairLink { .. }
                | A::Heal
                | A::SetNetwork { .. }
                | A::SetLink { .. }
                | A::ClientOp { .. }
                | A::SetWorkload { .. }
                | A::SetFaults { .. }
                | A::AddServer { .. }
                | A::RemoveServer { .. }
                | A::TransferLeadership { .. }
                | A::Snapshot { .. }
                | A::Campaign { .. }
                | A::Schedule { .. }
                | A::DeliverNow { .. }
                | A::DropMessage { .. }
                | A::DuplicateMessage { .. }
                | A::HoldMessage { .. }
                | A::ReleaseMessage { .. }
                | A::FireTimer { .. } => {}
            }
        }
        all
    }

    fn read(text: &str) -> Result<Action, json::Error> {
        read_action(&json::parse(text).expect("JSON"))
    }

    #[test]
    fn every_action_reads_back_as_serde_writes_it() {
        let all = every_action();
        let mut types: Vec<String> = Vec::new();
        for a in &all {
            let text = serde_json::to_string(a).expect("serializes");
            assert_eq!(read(&text).expect(&text), *a, "{text}");
            let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            types.push(v["type"].as_str().expect("tagged").to_string());
        }
        types.sort();
        types.dedup();
        let mut known = ACTION_TYPES.map(String::from).to_vec();
        known.sort();
        assert_eq!(
            types, known,
            "ACTION_TYPES lists exactly the serialized type names"
        );
    }

    #[test]
    fn the_reader_refuses_what_serde_refuses_and_names_the_field() {
        for text in [
            r#"{"server": 1}"#,
            r#"{"type": "explode"}"#,
            r#"{"type": "crash"}"#,
            r#"{"type": "crash", "server": -1}"#,
            r#"{"type": "crash", "server": "1"}"#,
            r#"{"type": "set_network", "link": {"loss_ppm": 1}}"#,
            r#"{"type": "client_op", "client": 1, "read_index": false, "op": {"kind": "put", "key": "k"}}"#,
            r#"{"type": "client_op", "client": 1, "read_index": false, "op": {"kind": "zap"}}"#,
            r#"{"type": "schedule", "at_ms": 1, "action": {"type": "heal", "x": 1}, "y": [}"#,
            r#"[1]"#,
            r#"{"type": 3}"#,
        ] {
            let ours = json::parse(text).map(|v| read_action(&v));
            let serde = serde_json::from_str::<Action>(text);
            match ours {
                Ok(Ok(a)) => panic!("{text} read as {a:?}; serde: {serde:?}"),
                Ok(Err(_)) | Err(_) => assert!(serde.is_err(), "{text}: serde accepts it"),
            }
        }
        let e = read(r#"{"type": "set_link", "from": 1, "to": 2, "link": {"loss_ppm": "x"}}"#);
        assert!(
            matches!(&e, Err(json::Error::Invalid { path, .. }) if path == "link.loss_ppm"),
            "{e:?}"
        );
        let e = read(r#"{"type": "cut_link", "from": 1, "to": 2}"#);
        assert!(
            matches!(&e, Err(json::Error::Invalid { reason, .. }) if reason == "missing field `both`"),
            "{e:?}"
        );
        let e = read(
            r#"{"type": "client_op", "client": 1, "read_index": false, "op": {"kind": "put", "key": 1, "value": "v"}}"#,
        );
        assert!(
            matches!(&e, Err(json::Error::Invalid { path, .. }) if path == "op.key"),
            "{e:?}"
        );
        // Unknown fields are ignored, as serde does for this enum.
        assert_eq!(
            read(r#"{"type": "heal", "note": 1}"#).expect("ok"),
            Action::Heal
        );
    }
}
