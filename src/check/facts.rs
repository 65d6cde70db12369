//! What a safety violation consists of, as numbers: one variant per way the checker can see a
//! property break. The English sentence of a [`super::safety::Violation`] (for the CLI and
//! logs) is this type's `Display`, and the page words the same facts in the user's language
//! (`www/i18n/describe.js`), so the two cannot tell different stories.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::safety::Property;
use crate::raft::NodeId;

/// The facts of one violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ViolationFacts {
    /// A server's current term decreased (`after < before`).
    TermWentBack {
        /// The server.
        server: NodeId,
        /// Its term before.
        before: u64,
        /// Its term now.
        after: u64,
    },
    /// Two servers led the same term.
    TwoLeaders {
        /// The leader seen first.
        first: NodeId,
        /// The leader seen second.
        second: NodeId,
        /// The term.
        term: u64,
    },
    /// A leader rewrote its own log from `index` (its last index was `last`).
    LeaderRewrote {
        /// The leader.
        leader: NodeId,
        /// Its term.
        term: u64,
        /// The first index it rewrote.
        index: u64,
        /// Its last index before.
        last: u64,
    },
    /// A leader replaced its log with a snapshot.
    LeaderSnapshotted {
        /// The leader.
        leader: NodeId,
        /// Its term.
        term: u64,
    },
    /// Two entries with one index and term carry different payloads.
    DifferentPayload {
        /// The server that stored the second one.
        server: NodeId,
        /// The index.
        index: u64,
        /// The term.
        term: u64,
    },
    /// Two entries with one index and term follow different entries.
    DifferentPredecessor {
        /// The server that stored the second one.
        server: NodeId,
        /// The index.
        index: u64,
        /// The term.
        term: u64,
    },
    /// A committed index now holds a different entry.
    CommittedChanged {
        /// The server that treats it as committed.
        server: NodeId,
        /// The index.
        index: u64,
        /// The term of the entry it holds now.
        term: u64,
        /// The term of the entry committed there before.
        before_term: u64,
    },
    /// A server applied an index out of order.
    ApplyOutOfOrder {
        /// The server.
        server: NodeId,
        /// The index it applied.
        index: u64,
        /// The index that was next.
        expected: u64,
    },
    /// Two servers applied different entries at one index.
    AppliedDifferent {
        /// The server that applied the second one.
        server: NodeId,
        /// The index.
        index: u64,
        /// The term of its entry.
        term: u64,
        /// The term of the entry another server applied there.
        other_term: u64,
    },
    /// A leader lacks an entry committed in an earlier term.
    LeaderIncomplete {
        /// The leader.
        leader: NodeId,
        /// Its term.
        term: u64,
        /// The index of the missing entry.
        index: u64,
        /// The term of the missing entry.
        entry_term: u64,
        /// The term in which it was committed.
        commit_term: u64,
    },
    /// A client command executed a second time instead of being answered from the session.
    ExecutedTwice {
        /// The server.
        server: NodeId,
        /// The client's session id.
        session: u64,
        /// The command's serial number.
        serial: u64,
        /// The index where it executed again.
        index: u64,
        /// The index where it took effect first.
        first_index: u64,
    },
}

impl ViolationFacts {
    /// The property these facts break.
    pub fn property(&self) -> Property {
        use ViolationFacts as F;
        match self {
            F::TermWentBack { .. } => Property::TermMonotonic,
            F::TwoLeaders { .. } => Property::ElectionSafety,
            F::LeaderRewrote { .. } | F::LeaderSnapshotted { .. } => Property::LeaderAppendOnly,
            F::DifferentPayload { .. } | F::DifferentPredecessor { .. } => Property::LogMatching,
            F::CommittedChanged { .. } => Property::CommittedImmutable,
            F::ApplyOutOfOrder { .. } => Property::ApplyOrder,
            F::AppliedDifferent { .. } => Property::StateMachineSafety,
            F::LeaderIncomplete { .. } => Property::LeaderCompleteness,
            F::ExecutedTwice { .. } => Property::ExactlyOnce,
        }
    }

    /// The stable name of the variant (the `kind` the page sees), e.g. `twoLeaders`.
    pub fn kind(&self) -> &'static str {
        use ViolationFacts as F;
        match self {
            F::TermWentBack { .. } => "termWentBack",
            F::TwoLeaders { .. } => "twoLeaders",
            F::LeaderRewrote { .. } => "leaderRewrote",
            F::LeaderSnapshotted { .. } => "leaderSnapshotted",
            F::DifferentPayload { .. } => "differentPayload",
            F::DifferentPredecessor { .. } => "differentPredecessor",
            F::CommittedChanged { .. } => "committedChanged",
            F::ApplyOutOfOrder { .. } => "applyOutOfOrder",
            F::AppliedDifferent { .. } => "appliedDifferent",
            F::LeaderIncomplete { .. } => "leaderIncomplete",
            F::ExecutedTwice { .. } => "executedTwice",
        }
    }

    /// One value of every variant (the numbers are arbitrary): the list of kinds the page must
    /// be able to word, checked against [`ViolationFacts::kind`] by the tests.
    pub fn samples() -> Vec<ViolationFacts> {
        use ViolationFacts as F;
        let (server, index, term) = (1, 2, 3);
        vec![
            F::TermWentBack {
                server,
                before: 4,
                after: 3,
            },
            F::TwoLeaders {
                first: 1,
                second: 2,
                term,
            },
            F::LeaderRewrote {
                leader: server,
                term,
                index,
                last: 5,
            },
            F::LeaderSnapshotted {
                leader: server,
                term,
            },
            F::DifferentPayload {
                server,
                index,
                term,
            },
            F::DifferentPredecessor {
                server,
                index,
                term,
            },
            F::CommittedChanged {
                server,
                index,
                term,
                before_term: 2,
            },
            F::ApplyOutOfOrder {
                server,
                index: 5,
                expected: 4,
            },
            F::AppliedDifferent {
                server,
                index,
                term,
                other_term: 2,
            },
            F::LeaderIncomplete {
                leader: server,
                term,
                index,
                entry_term: 1,
                commit_term: 2,
            },
            F::ExecutedTwice {
                server,
                session: 1,
                serial: 7,
                index: 9,
                first_index: 6,
            },
        ]
    }
}

impl fmt::Display for ViolationFacts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ViolationFacts as F;
        match *self {
            F::TermWentBack { server, before, after } => {
                write!(f, "S{server}'s term went back from {before} to {after}")
            }
            F::TwoLeaders { first, second, term } => {
                write!(f, "S{first} and S{second} were both leader in term {term}")
            }
            F::LeaderRewrote { leader, term, index, last } => write!(
                f,
                "leader S{leader} of term {term} rewrote its log from index {index} (its last index was {last})"
            ),
            F::LeaderSnapshotted { leader, term } => {
                write!(f, "leader S{leader} of term {term} replaced its log with a snapshot")
            }
            F::DifferentPayload { server, index, term } => {
                mismatch(f, server, index, term, "different payloads")
            }
            F::DifferentPredecessor { server, index, term } => {
                mismatch(f, server, index, term, "different preceding entries")
            }
            F::CommittedChanged { server, index, term, before_term } => write!(
                f,
                "S{server} treats index {index} as committed with an entry of term {term} but a different entry (term {before_term}) was committed there before"
            ),
            F::ApplyOutOfOrder { server, index, expected } => {
                write!(f, "S{server} applied index {index} when index {expected} was next")
            }
            F::AppliedDifferent { server, index, term, other_term } => write!(
                f,
                "S{server} applied an entry of term {term} at index {index} where another server applied an entry of term {other_term}"
            ),
            F::LeaderIncomplete { leader, term, index, entry_term, commit_term } => write!(
                f,
                "leader S{leader} of term {term} lacks the entry at index {index} (term {entry_term}) that was committed in term {commit_term}"
            ),
            F::ExecutedTwice { server, session, serial, index, first_index } => write!(
                f,
                "S{server} executed client {session}'s command #{serial} again at index {index} \
                 (it already took effect at index {first_index}) instead of answering from the session"
            ),
        }
    }
}

fn mismatch(
    f: &mut fmt::Formatter<'_>,
    server: NodeId,
    index: u64,
    term: u64,
    what: &str,
) -> fmt::Result {
    write!(
        f,
        "S{server} stored an entry at index {index} term {term} with {what} than another log's entry with the same index and term"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_cover_every_kind_once() {
        let kinds: Vec<&str> = ViolationFacts::samples().iter().map(|f| f.kind()).collect();
        let mut unique = kinds.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(
            unique.len(),
            kinds.len(),
            "a kind is listed twice: {kinds:?}"
        );
        // `kind()` matches exhaustively, so a new variant needs a name there; this count
        // makes it need a sample too.
        assert_eq!(kinds.len(), 11, "a variant has no sample");
    }

    #[test]
    fn a_violation_is_worded_from_its_facts() {
        use crate::check::safety::{EventRef, Violation};
        for facts in ViolationFacts::samples() {
            let v = Violation::new(EventRef::default(), vec![1], None, None, facts);
            assert_eq!(v.detail, facts.to_string());
            assert_eq!(v.property, facts.property());
            assert_eq!(v.facts, facts);
        }
        let two = ViolationFacts::TwoLeaders {
            first: 2,
            second: 4,
            term: 7,
        };
        assert_eq!(two.to_string(), "S2 and S4 were both leader in term 7");
    }

    #[test]
    fn the_page_sees_the_kind_and_camel_cased_numbers() {
        for facts in ViolationFacts::samples() {
            let v = serde_json::to_value(facts).unwrap();
            assert_eq!(v["kind"], facts.kind(), "{v}");
        }
        let v = serde_json::to_value(ViolationFacts::ExecutedTwice {
            server: 2,
            session: 1,
            serial: 7,
            index: 9,
            first_index: 6,
        })
        .unwrap();
        assert_eq!(v["firstIndex"], 6);
        assert_eq!(v["serial"], 7);
    }
}
