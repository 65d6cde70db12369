//! The Raft paper, section by section, at the level of one server: our own port of the ideas
//! of etcd's raft_paper_test.go (26 behaviours). Time is in virtual milliseconds with an
//! election timeout of 10..20 ms and a 1 ms heartbeat.

#[path = "common/raft_net.rs"]
mod raft_net;

use std::collections::BTreeSet;

use raft_net::{take_msgs, test_config, Net};
use raftlab::raft::{
    AppendRejectReason, Bytes, Configuration, DurableState, Entry, EntryPayload, HardState,
    Message, MessageBody, MessageKind, Node, NodeId, Role, Snapshot,
};

// ---- helpers ----

fn voters(n: u32) -> Vec<NodeId> {
    (1..=n).collect()
}

fn ent(index: u64, term: u64) -> Entry {
    Entry {
        index,
        term,
        payload: EntryPayload::Command(Bytes::from(format!("e{index}").as_str())),
    }
}

fn entries(terms: &[u64]) -> Vec<Entry> {
    terms
        .iter()
        .enumerate()
        .map(|(i, &t)| ent(i as u64 + 1, t))
        .collect()
}

fn durable(n: u32, term: u64, vote: Option<NodeId>, log_terms: &[u64]) -> DurableState {
    DurableState {
        hard_state: HardState {
            current_term: term,
            voted_for: vote,
            commit_index: 0,
        },
        snapshot: Some(Snapshot {
            last_included_index: 0,
            last_included_term: 0,
            configuration: Configuration::with_voters(&voters(n)),
            data: Bytes::default(),
        }),
        entries: entries(log_terms).into(),
    }
}

/// A server `id` of an `n`-server cluster restored with the given term, vote and log.
fn restored(id: NodeId, n: u32, term: u64, vote: Option<NodeId>, log_terms: &[u64]) -> Node {
    let mut node =
        Node::restore(id, test_config(), &durable(n, term, vote, log_terms), 1, 0).unwrap();
    node.ready();
    node
}

fn fresh(id: NodeId, n: u32) -> Node {
    let mut node = Node::new(id, test_config(), &voters(n), 1, 0).unwrap();
    node.ready();
    node
}

fn msg(from: NodeId, to: NodeId, term: u64, body: MessageBody) -> Message {
    Message {
        from,
        to,
        term,
        body,
    }
}

fn append(
    from: NodeId,
    to: NodeId,
    term: u64,
    prev: (u64, u64),
    ents: Vec<Entry>,
    commit: u64,
) -> Message {
    let body = MessageBody::AppendEntries {
        prev_log_index: prev.0,
        prev_log_term: prev.1,
        entries: ents.into(),
        leader_commit: commit,
        read_seq: 0,
    };
    msg(from, to, term, body)
}

fn append_ok(from: NodeId, to: NodeId, term: u64, match_index: u64) -> Message {
    let body = MessageBody::AppendEntriesResponse {
        success: true,
        match_index,
        reject: None,
        read_seq: 0,
    };
    msg(from, to, term, body)
}

fn vote_request(from: NodeId, to: NodeId, term: u64, last_index: u64, last_term: u64) -> Message {
    let body = MessageBody::RequestVote {
        pre_vote: false,
        leader_transfer: false,
        last_log_index: last_index,
        last_log_term: last_term,
    };
    msg(from, to, term, body)
}

fn vote_reply(from: NodeId, to: NodeId, term: u64, granted: bool) -> Message {
    let body = MessageBody::RequestVoteResponse {
        pre_vote: false,
        granted,
        reject_reason: None,
    };
    msg(from, to, term, body)
}

/// Makes `node` (server 1) leader by an explicit campaign and grants from every other voter.
fn elect(node: &mut Node, n: u32) {
    node.campaign().unwrap();
    let term = node.current_term();
    for v in 2..=n {
        node.step(vote_reply(v, 1, term, true));
    }
    assert_eq!(node.role(), Role::Leader);
}

/// Leader of a fresh n-server cluster whose no-op (index 1) every follower acknowledged.
fn settled_leader(n: u32) -> Node {
    let mut node = fresh(1, n);
    elect(&mut node, n);
    for v in 2..=n {
        node.step(append_ok(v, 1, 1, 1));
    }
    node.ready();
    node
}

fn granted(msgs: &[Message]) -> Option<bool> {
    msgs.iter().find_map(|m| match m.body {
        MessageBody::RequestVoteResponse { granted, .. } => Some(granted),
        _ => None,
    })
}

// ---- §5.1 terms ----

// A follower that receives AppendEntries with a newer term adopts it and stays follower.
#[test]
fn follower_adopts_newer_term_from_message() {
    let mut node = restored(1, 3, 1, None, &[]);
    node.step(append(2, 1, 2, (0, 0), vec![], 0));
    assert_eq!(
        (node.current_term(), node.role(), node.leader_id()),
        (2, Role::Follower, Some(2))
    );
}

// A candidate that receives a newer term becomes a follower of that term.
#[test]
fn candidate_adopts_newer_term_and_becomes_follower() {
    let mut node = fresh(1, 3);
    node.campaign().unwrap();
    assert_eq!(node.role(), Role::Candidate);
    node.step(append(2, 1, 2, (0, 0), vec![], 0));
    assert_eq!(
        (node.current_term(), node.role(), node.leader_id()),
        (2, Role::Follower, Some(2))
    );
}

// A leader that receives a newer term steps down to follower of that term.
#[test]
fn leader_adopts_newer_term_and_steps_down() {
    let mut node = fresh(1, 3);
    elect(&mut node, 3);
    node.step(append(2, 1, 2, (0, 0), vec![], 0));
    assert_eq!(
        (node.current_term(), node.role(), node.leader_id()),
        (2, Role::Follower, Some(2))
    );
}

// A message from an older term changes nothing; the sender only learns our newer term.
#[test]
fn stale_term_message_is_not_processed() {
    let mut node = restored(1, 3, 2, None, &[1]);
    node.step(append(2, 1, 1, (1, 1), vec![ent(2, 1)], 2));
    assert_eq!(
        (node.current_term(), node.last_index(), node.commit_index()),
        (2, 1, 0)
    );
    let rd = node.ready();
    assert!(
        rd.persist.is_empty(),
        "nothing to persist for a stale message"
    );
    assert_eq!(rd.messages.len(), 1);
    assert_eq!(rd.messages[0].term, 2);
    assert_eq!(rd.messages[0].kind(), MessageKind::AppendRejected);
}

// ---- §5.2 leader election ----

// A new server starts as a follower at term 0 with no vote.
#[test]
fn server_starts_as_follower() {
    let node = fresh(1, 3);
    assert_eq!(
        (node.role(), node.current_term(), node.voted_for()),
        (Role::Follower, 0, None)
    );
}

// A leader sends a heartbeat (AppendEntries without entries, carrying its commit index) to
// every follower each heartbeat interval.
#[test]
fn leader_broadcasts_heartbeats() {
    let mut node = settled_leader(3);
    node.tick(1);
    let msgs = take_msgs(&mut node);
    let to: BTreeSet<NodeId> = msgs.iter().map(|m| m.to).collect();
    assert_eq!(to, BTreeSet::from([2, 3]));
    for m in &msgs {
        assert_eq!(m.kind(), MessageKind::Heartbeat);
        let MessageBody::AppendEntries {
            leader_commit,
            prev_log_index,
            ..
        } = m.body
        else {
            panic!()
        };
        assert_eq!((leader_commit, prev_log_index), (1, 1));
    }
}

fn assert_requests_votes(node: &mut Node, term: u64, last: (u64, u64)) {
    assert_eq!(
        (node.role(), node.current_term(), node.voted_for()),
        (Role::Candidate, term, Some(1))
    );
    let msgs = take_msgs(node);
    let to: BTreeSet<NodeId> = msgs.iter().map(|m| m.to).collect();
    assert_eq!(to, BTreeSet::from([2, 3]));
    for m in msgs {
        assert_eq!(m.term, term);
        assert_eq!(m.body, vote_request(1, m.to, term, last.0, last.1).body);
    }
}

// A follower that hears nothing for an election timeout becomes candidate: new term, votes
// for itself, asks every peer.
#[test]
fn follower_starts_election_after_timeout() {
    let mut node = fresh(1, 3);
    node.tick(40);
    assert_requests_votes(&mut node, 1, (0, 0));
}

// A candidate whose election times out starts a new one in the next term.
#[test]
fn candidate_starts_new_election_after_timeout() {
    let mut node = fresh(1, 3);
    node.tick(40);
    take_msgs(&mut node);
    node.tick(80);
    assert_requests_votes(&mut node, 2, (0, 0));
}

// Majority of grants: leader; majority of refusals: follower; otherwise: still candidate.
#[test]
fn election_is_decided_by_a_majority_in_one_round() {
    use Role::*;
    type Case = (u32, Vec<(NodeId, bool)>, Role);
    let cases: Vec<Case> = vec![
        (1, vec![], Leader),
        (3, vec![(2, true), (3, true)], Leader),
        (3, vec![(2, true)], Leader),
        (5, vec![(2, true), (3, true), (4, true), (5, true)], Leader),
        (5, vec![(2, true), (3, true), (4, true)], Leader),
        (5, vec![(2, true), (3, true)], Leader),
        (3, vec![(2, false), (3, false)], Follower),
        (
            5,
            vec![(2, false), (3, false), (4, false), (5, false)],
            Follower,
        ),
        (
            5,
            vec![(2, true), (3, false), (4, false), (5, false)],
            Follower,
        ),
        (3, vec![], Candidate),
        (5, vec![(2, true)], Candidate),
        (5, vec![(2, false), (3, false)], Candidate),
        (5, vec![], Candidate),
    ];
    for (i, (n, votes, want)) in cases.into_iter().enumerate() {
        let mut node = fresh(1, n);
        node.campaign().unwrap();
        for (from, g) in votes {
            node.step(vote_reply(from, 1, 1, g));
        }
        assert_eq!((node.role(), node.current_term()), (want, 1), "case {i}");
    }
}

// At most one vote per term, first come first served; repeating a vote is fine.
#[test]
fn follower_votes_at_most_once_per_term() {
    let cases = [
        (None, 2, true),
        (None, 3, true),
        (Some(2), 2, true),
        (Some(3), 3, true),
        (Some(2), 3, false),
        (Some(3), 2, false),
    ];
    for (vote, candidate, want) in cases {
        let mut node = restored(1, 3, 1, vote, &[]);
        node.step(vote_request(candidate, 1, 1, 0, 0));
        assert_eq!(
            granted(&take_msgs(&mut node)),
            Some(want),
            "vote {vote:?} candidate {candidate}"
        );
        assert_eq!(node.voted_for(), if want { Some(candidate) } else { vote });
    }
}

// A candidate that hears from a leader of its own or a newer term becomes its follower.
#[test]
fn candidate_falls_back_to_follower_on_leader_append() {
    for term in [1, 2] {
        let mut node = fresh(1, 3);
        node.campaign().unwrap();
        node.step(append(2, 1, term, (0, 0), vec![], 0));
        assert_eq!(
            (node.role(), node.current_term(), node.leader_id()),
            (Role::Follower, term, Some(2))
        );
    }
}

/// Time from the last election-timer reset until the node starts campaigning.
fn time_to_campaign(node: &mut Node, mut now: u64) -> u64 {
    let start = now;
    let term = node.current_term();
    loop {
        now += 1;
        node.tick(now);
        if node.current_term() > term {
            return now - start;
        }
    }
}

// Over many rounds, a follower's election timeout takes every value in [10, 20).
#[test]
fn follower_election_timeout_is_randomized_over_the_whole_range() {
    let mut node = fresh(1, 3);
    let mut seen = BTreeSet::new();
    let mut now = 0;
    for _ in 0..500 {
        let term = node.current_term() + 1;
        node.step(append(2, 1, term, (0, 0), vec![], 0)); // a leader resets the timer
        seen.insert(time_to_campaign(&mut node, now));
        now = node.now_ms();
        take_msgs(&mut node);
    }
    assert_eq!(seen, (10..20).collect::<BTreeSet<u64>>());
}

// Over many rounds, a candidate's next election starts after every value in [10, 20).
#[test]
fn candidate_election_timeout_is_randomized_over_the_whole_range() {
    let mut node = fresh(1, 3);
    node.campaign().unwrap();
    let mut seen = BTreeSet::new();
    let mut now = 0;
    for _ in 0..500 {
        seen.insert(time_to_campaign(&mut node, now));
        now = node.now_ms();
        assert_eq!(node.role(), Role::Candidate);
    }
    assert_eq!(seen, (10..20).collect::<BTreeSet<u64>>());
}

/// Fraction of rounds in which more than one of five servers times out in the same
/// millisecond. `candidates`: the servers already campaign when the round starts.
fn conflict_rate(candidates: bool) -> f64 {
    let rounds = 1000;
    let mut conflicts = 0;
    for round in 0..rounds {
        let mut nodes: Vec<Node> = (1..=5)
            .map(|id| Node::new(id, test_config(), &voters(5), round, 0).unwrap())
            .collect();
        if candidates {
            nodes.iter_mut().for_each(|n| n.campaign().unwrap());
        }
        let start_term = nodes[0].current_term();
        for now in 1.. {
            nodes.iter_mut().for_each(|n| n.tick(now));
            let fired = nodes
                .iter()
                .filter(|n| n.current_term() > start_term)
                .count();
            if fired > 0 {
                conflicts += u32::from(fired > 1);
                break;
            }
        }
    }
    f64::from(conflicts) / rounds as f64
}

// Randomized timeouts make simultaneous follower timeouts rare (at most 30% of rounds).
#[test]
fn followers_rarely_time_out_together() {
    assert!(conflict_rate(false) <= 0.3);
}

// Randomized timeouts make simultaneous candidate timeouts rare (at most 30% of rounds).
#[test]
fn candidates_rarely_time_out_together() {
    assert!(conflict_rate(true) <= 0.3);
}

// ---- §5.3 log replication ----

// A proposal is appended to the leader's log (to be persisted) and sent to every follower
// with the preceding entry's index and term and the leader's commit index.
#[test]
fn leader_starts_replicating_a_proposal() {
    let mut node = settled_leader(3);
    let index = node.propose(Bytes::from("some data")).unwrap();
    assert_eq!(index, 2);
    let rd = node.ready();
    assert_eq!(rd.persist.entries.len(), 1);
    assert_eq!(rd.persist.entries[0].index, 2);
    let to: BTreeSet<NodeId> = rd.messages.iter().map(|m| m.to).collect();
    assert_eq!(to, BTreeSet::from([2, 3]));
    for m in rd.messages {
        let MessageBody::AppendEntries {
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
            ..
        } = m.body
        else {
            panic!()
        };
        assert_eq!((prev_log_index, prev_log_term, leader_commit), (1, 1, 1));
        assert_eq!(entries.to_vec(), vec![node.entry(2).unwrap().clone()]);
    }
}

// Once a majority stores the entry it is committed, handed out to apply, and the next
// AppendEntries carry the new commit index.
#[test]
fn leader_commits_a_replicated_entry() {
    let mut node = settled_leader(3);
    node.propose(Bytes::from("some data")).unwrap();
    take_msgs(&mut node);
    node.step(append_ok(2, 1, 1, 2));
    node.step(append_ok(3, 1, 1, 2));
    assert_eq!(node.commit_index(), 2);
    let rd = node.ready();
    assert_eq!(
        rd.committed_entries
            .iter()
            .map(|e| e.index)
            .collect::<Vec<_>>(),
        vec![2]
    );
    assert!(rd.messages.iter().any(|m| matches!(
        m.body,
        MessageBody::AppendEntries {
            leader_commit: 2,
            ..
        }
    )));
}

// An entry is committed exactly when a majority (counting the leader) acknowledged it.
#[test]
fn leader_commits_only_with_majority_acknowledgement() {
    let cases: Vec<(u32, Vec<NodeId>, bool)> = vec![
        (1, vec![], true),
        (3, vec![], false),
        (3, vec![2], true),
        (3, vec![2, 3], true),
        (5, vec![], false),
        (5, vec![2], false),
        (5, vec![2, 3], true),
        (5, vec![2, 3, 4], true),
        (5, vec![2, 3, 4, 5], true),
    ];
    for (n, acks, want) in cases {
        let mut node = settled_leader(n);
        let index = node.propose(Bytes::from("data")).unwrap();
        for a in &acks {
            node.step(append_ok(*a, 1, 1, index));
        }
        assert_eq!(node.commit_index() >= index, want, "size {n} acks {acks:?}");
    }
}

// Committing a current-term entry also commits every entry before it, from earlier terms too.
#[test]
fn committing_an_entry_commits_all_preceding_entries() {
    for log in [vec![], vec![2], vec![1, 2], vec![1]] {
        let mut node = restored(1, 3, 2, None, &log);
        elect(&mut node, 3);
        let index = node.propose(Bytes::from("data")).unwrap();
        node.ready();
        node.step(append_ok(2, 1, 3, index));
        node.step(append_ok(3, 1, 3, index));
        let committed: Vec<u64> = node
            .ready()
            .committed_entries
            .iter()
            .map(|e| e.index)
            .collect();
        assert_eq!(committed, (1..=index).collect::<Vec<_>>(), "log {log:?}");
    }
}

// A follower commits up to min(leader_commit, its last new entry) and applies in order.
#[test]
fn follower_commits_what_the_leader_committed() {
    let cases = [
        (vec![1], 1, 1),
        (vec![1, 1], 1, 1),
        (vec![1, 1], 2, 2),
        (vec![1, 1], 5, 2),
    ];
    for (terms, leader_commit, want) in cases {
        let mut node = restored(1, 3, 1, None, &[]);
        node.step(append(2, 1, 1, (0, 0), entries(&terms), leader_commit));
        assert_eq!(node.commit_index(), want);
        let applied: Vec<u64> = node
            .ready()
            .committed_entries
            .iter()
            .map(|e| e.index)
            .collect();
        assert_eq!(applied, (1..=want).collect::<Vec<_>>());
    }
}

fn append_result(msgs: &[Message]) -> (bool, u64, Option<(AppendRejectReason, u64, u64)>) {
    msgs.iter()
        .find_map(|m| match m.body {
            MessageBody::AppendEntriesResponse {
                success,
                match_index,
                reject,
                ..
            } => Some((
                success,
                match_index,
                reject.map(|r| (r.reason, r.hint_index, r.hint_term)),
            )),
            _ => None,
        })
        .unwrap()
}

// The consistency check: accept when the log has (prev_log_index, prev_log_term), else reject
// with the reason and a hint for fast back-up.
#[test]
fn follower_checks_the_entry_before_new_ones() {
    use AppendRejectReason::*;
    let cases = [
        ((0, 0), (true, 1, None)),
        ((1, 1), (true, 1, None)),
        ((2, 2), (true, 2, None)),
        (
            (2, 1),
            (
                false,
                0,
                Some((
                    TermMismatch {
                        prev_log_index: 2,
                        leader_term: 1,
                        follower_term: 2,
                    },
                    1,
                    1,
                )),
            ),
        ),
        (
            (3, 3),
            (
                false,
                0,
                Some((
                    MissingEntry {
                        prev_log_index: 3,
                        last_index: 2,
                    },
                    2,
                    2,
                )),
            ),
        ),
    ];
    for (prev, want) in cases {
        // Term 3: a leader's prev_log_term never exceeds its own term (malformed otherwise).
        let mut node = restored(1, 3, 1, None, &[1, 2]);
        node.step(append(2, 1, 3, (1, 1), vec![], 1)); // commit 1
        take_msgs(&mut node);
        node.step(append(2, 1, 3, prev, vec![], 1));
        assert_eq!(append_result(&take_msgs(&mut node)), want, "prev {prev:?}");
    }
}

// On a conflict the follower deletes the conflicting entry and all after it, then appends;
// only changed entries are handed out for persistence.
#[test]
fn follower_replaces_conflicting_entries() {
    type Case = ((u64, u64), Vec<Entry>, Vec<u64>, Vec<u64>);
    let cases: Vec<Case> = vec![
        ((2, 2), vec![ent(3, 3)], vec![1, 2, 3], vec![3]),
        (
            (1, 1),
            vec![ent(2, 3), ent(3, 4)],
            vec![1, 3, 4],
            vec![2, 3],
        ),
        ((0, 0), vec![ent(1, 1)], vec![1, 2], vec![]),
        ((0, 0), vec![ent(1, 3)], vec![3], vec![1]),
    ];
    for (prev, ents, want_terms, want_unstable) in cases {
        // Term 4: a leader only sends entries of its term or earlier (malformed otherwise).
        let mut node = restored(1, 3, 1, None, &[1, 2]);
        node.step(append(2, 1, 4, prev, ents, 0));
        let terms: Vec<u64> = node.log_entries().iter().map(|e| e.term).collect();
        assert_eq!(terms, want_terms);
        let unstable: Vec<u64> = node
            .ready()
            .persist
            .entries
            .iter()
            .map(|e| e.index)
            .collect();
        assert_eq!(unstable, want_unstable);
    }
}

// Paper Figure 7: whatever a follower's log looks like (missing, extra or conflicting
// entries), a leader of term 8 makes it identical to its own.
#[test]
fn leader_brings_each_figure7_follower_log_in_line() {
    let leader_log = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
    let followers: [&[u64]; 6] = [
        &[1, 1, 1, 4, 4, 5, 5, 6, 6],
        &[1, 1, 1, 4],
        &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
        &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
        &[1, 1, 1, 4, 4, 4, 4],
        &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
    ];
    for follower in followers {
        let disks = [
            (1, Some(durable(3, 7, None, &leader_log))),
            (2, Some(durable(3, 7, None, follower))),
            (3, None),
        ];
        let mut net = Net::from_disks(test_config(), disks.into_iter().collect());
        net.node_mut(1).campaign().unwrap();
        net.stabilize();
        // The third server (otherwise down) grants its vote: the follower may refuse.
        net.send(vec![vote_reply(3, 1, 8, true)]);
        assert_eq!(net.node(1).role(), Role::Leader);
        assert_eq!(
            net.node(2).log_entries(),
            net.node(1).log_entries(),
            "follower {follower:?}"
        );
    }
}

// ---- §5.4 safety ----

// RequestVote carries the candidate's last log index and term and goes to every peer.
#[test]
fn vote_request_carries_last_log_position() {
    for log in [vec![1], vec![1, 2]] {
        let mut node = restored(1, 3, *log.last().unwrap(), None, &log);
        node.tick(40);
        let term = log.last().unwrap() + 1;
        assert_requests_votes(&mut node, term, (log.len() as u64, *log.last().unwrap()));
    }
}

// §5.4.1: a vote is granted iff the candidate's (last term, last index) is at least the
// voter's, compared lexicographically.
#[test]
fn voter_grants_only_to_up_to_date_candidates() {
    let cases: [(&[u64], u64, u64, bool); 10] = [
        (&[1], 1, 1, true),
        (&[1], 1, 2, true),
        (&[1, 1], 1, 1, false),
        (&[1], 2, 1, true),
        (&[1], 2, 2, true),
        (&[1, 1], 2, 1, true),
        (&[2], 1, 1, false),
        (&[2], 1, 2, false),
        (&[2, 1], 1, 1, false),
        (&[2, 2], 2, 1, false),
    ];
    for (log, last_term, last_index, want) in cases {
        let mut node = restored(1, 3, 2, None, log);
        node.step(vote_request(2, 1, 3, last_index, last_term));
        assert_eq!(
            granted(&take_msgs(&mut node)),
            Some(want),
            "log {log:?} cand ({last_term},{last_index})"
        );
    }
}

// §5.4.2: acknowledgements that cover only earlier-term entries commit nothing; one that
// covers the leader's current-term entry commits everything up to it.
#[test]
fn leader_only_commits_current_term_entries_by_counting() {
    for (ack, want_commit) in [(1, 0), (2, 0), (3, 3)] {
        let mut node = restored(1, 3, 2, None, &[1, 2]);
        elect(&mut node, 3); // term 3, no-op at index 3
        node.ready();
        node.step(append_ok(2, 1, 3, ack));
        assert_eq!(node.commit_index(), want_commit, "ack {ack}");
    }
}
