//! Clients in the world: an answer reaches only the request whose entry it is, and a client
//! that is told "not leader" finds the leader instead of bouncing between two servers.

mod sim_support;

use raftlab::kv::Operation;
use raftlab::raft::{NodeId, Role};
use raftlab::sim::{Action, SimConfig, Simulation, World};
use sim_support::*;

fn get(key: &str) -> Operation {
    Operation::Get { key: key.into() }
}

fn queue_get(s: &mut Simulation, client: u32) {
    s.apply(Action::ClientOp {
        client,
        op: get("k"),
        read_index: false,
    })
    .unwrap();
}

/// A leader among `among` in a term above `term`.
fn leader_among(w: &World, among: &[NodeId], term: u64) -> Option<NodeId> {
    w.leaders()
        .into_iter()
        .find(|&(id, t)| among.contains(&id) && t > term)
        .map(|(id, _)| id)
}

#[test]
fn a_registration_overwritten_by_another_clients_registration_is_not_answered_as_ours() {
    // Expect: an isolated old leader accepts client A's registration at index i; the majority
    // elects a new leader that puts client B's registration at the same index i. When the old
    // leader applies index i it holds B's entry, not A's: A must not be told it registered as
    // session i (that would make A and B share one session, so A's serials collide with B's
    // and the session cache answers A with B's saved responses — sweep SEED=440).
    const CLIENTS_START_MS: u64 = 5_000;
    let mut c = SimConfig::new(3, 440);
    c.workload.enabled = false;
    c.workload.clients = 6;
    c.workload.start_ms = CLIENTS_START_MS;
    c.workload.request_timeout_ms = 30_000;
    // The isolated leader keeps leading (and accepting) instead of stepping down.
    c.raft.check_quorum = false;
    let mut s = Simulation::new(c).unwrap();
    let old = wait_leader(&mut s, 2_000);
    let old_term = s.world().leaders()[0].1;
    s.advance(300).unwrap();
    let others: Vec<NodeId> = (1..=3).filter(|&id| id != old).collect();
    s.apply(Action::Partition {
        groups: vec![vec![old], others.clone()],
    })
    .unwrap();
    let deadline = CLIENTS_START_MS - 100;
    assert!(s.run_until(deadline, |w| leader_among(w, &others, old_term).is_some()));
    let new = leader_among(s.world(), &others, old_term).unwrap();
    // At 5 s every client registers with its first guess (client c tries server (c-1)%3+1):
    // clients `old` and `old + 3` with the isolated old leader, which appends them at the
    // two indices after its no-op; the others with the new leader, whose own no-op takes the
    // first of those indices, so one registration of each side shares an index.
    s.advance(CLIENTS_START_MS + 1_000 - s.now_ms()).unwrap();
    s.apply(Action::Heal).unwrap();
    s.advance(3_000).unwrap();
    let sessions: Vec<(u32, Option<u64>)> = s
        .world()
        .clients()
        .map(|c| (c.id, c.session_id()))
        .collect();
    let mut ids: Vec<u64> = sessions.iter().filter_map(|&(_, id)| id).collect();
    let registered = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        ids.len(),
        registered,
        "two clients share a session: {sessions:?}\n{}",
        tail(s.world(), 40)
    );
    assert_eq!(registered, 6, "{sessions:?}\n{}", tail(s.world(), 40));
    for id in 1..=6 {
        queue_get(&mut s, id);
    }
    settle(&mut s, 10_000);
    assert_safe(s.world());
    assert_eq!(role(s.world(), new), Some(Role::Leader));
}

#[test]
fn a_client_is_not_bounced_between_a_restarted_leader_and_its_stale_follower() {
    // Expect: the old leader A and its follower B are cut off from the rest, which elect a
    // new leader; A crashes and restarts (it answers "not leader" with no hint) while B still
    // names A (its election timer has not fired). A client that sends to A must not bounce
    // between A and B until it gives up: it ignores B's stale hint, moves on and finds the
    // new leader, with the default 8 attempts.
    let mut c = SimConfig::new(5, 7);
    c.workload.enabled = false;
    c.workload.clients = 1;
    c.raft.check_quorum = false;
    c.raft.pre_vote = false;
    c.raft.election_timeout_ms_min = 1_000;
    c.raft.election_timeout_ms_max = 2_000;
    c.raft.heartbeat_interval_ms = 100;
    let mut s = Simulation::new(c).unwrap();
    let a = wait_leader(&mut s, 10_000);
    let term = s.world().leaders()[0].1;
    // Registers through A (and leaves the client's guess on A).
    queue_get(&mut s, 1);
    s.advance(500).unwrap();
    assert_eq!(s.world().clients().next().unwrap().stats().completed, 1);
    let b = a % 5 + 1;
    let rest: Vec<NodeId> = (1..=5).filter(|&id| id != a && id != b).collect();
    s.apply(Action::Partition {
        groups: vec![vec![a, b], rest.clone()],
    })
    .unwrap();
    let deadline = s.now_ms() + 10_000;
    assert!(s.run_until(deadline, |w| leader_among(w, &rest, term).is_some()));
    let new = leader_among(s.world(), &rest, term).unwrap();
    s.apply(Action::Crash { server: a }).unwrap();
    s.apply(Action::Restart { server: a }).unwrap();
    queue_get(&mut s, 1);
    s.advance(600).unwrap();
    let client = s.world().clients().next().unwrap();
    assert_eq!(
        (client.stats().completed, client.stats().gave_up),
        (2, 0),
        "{}",
        tail(s.world(), 40)
    );
    assert_eq!(client.leader_guess(), new);
    assert_safe(s.world());
}
