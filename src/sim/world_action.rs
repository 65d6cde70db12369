//! Commands: validation (the world is unchanged when one is refused), execution, and the
//! random fault generator, which draws commands of its own.

use super::action::Action;
use super::error::{invalid, Invalid, SimError};
use super::network::DropReason;
use super::queue::Event;
use super::server::{Server, Status};
use super::trace::{Note, What};
use super::world::World;
use crate::debug_text::expect_ok;
use crate::kv::{KvStore, Operation};
use crate::raft::{MembershipChange, Node, NodeId, Role, MAX_SERVERS};

/// Longest key a client operation may carry (as in scenario files).
pub const MAX_KEY_CHARS: usize = 256;

/// Longest value (or CAS expectation) a client operation may carry (as in scenario files).
pub const MAX_VALUE_CHARS: usize = 4_096;

impl World {
    /// Applies a caller's command as one step of its own (it gets a sequence number and a
    /// trace line). Refused commands change nothing and take no step.
    pub(crate) fn apply_command(&mut self, action: &Action) -> Result<(), SimError> {
        self.validate(action)?;
        self.begin_step();
        self.execute(action);
        self.commands_applied += 1;
        self.finish_step(What::Text(format!("cmd {action}")));
        Ok(())
    }

    /// Validates then executes (scheduled steps and faults, inside an event's step).
    pub(crate) fn perform(&mut self, action: &Action) -> Result<(), SimError> {
        self.validate(action)?;
        self.execute(action);
        Ok(())
    }

    fn known(&self, id: NodeId) -> Result<&Server, SimError> {
        self.servers.get(&id).ok_or(SimError::UnknownServer(id))
    }

    /// The server's node if it is running (not crashed, not paused).
    fn running(&self, id: NodeId) -> Result<&Node, SimError> {
        let s = self.known(id)?;
        match s.status {
            Status::Crashed => Err(SimError::ServerCrashed(id)),
            Status::Paused => Err(SimError::ServerPaused(id)),
            Status::Running => Ok(s.node.as_ref().expect("running servers have a node")),
        }
    }

    fn leader_node(&self) -> Result<&Node, SimError> {
        let id = self.leader().ok_or(SimError::NoLeader)?;
        self.running(id)
    }

    /// Checks that `action` would succeed, without changing anything. Core-level refusals
    /// are probed on a clone of the node.
    pub(crate) fn validate(&self, action: &Action) -> Result<(), SimError> {
        use Action as A;
        match action {
            A::Crash { server } => match self.known(*server)?.status {
                Status::Crashed => Err(SimError::ServerCrashed(*server)),
                _ => Ok(()),
            },
            A::Restart { server } => match self.known(*server)?.status {
                Status::Crashed => Ok(()),
                _ => Err(SimError::ServerNotCrashed(*server)),
            },
            A::Pause { server } => self.running(*server).map(drop),
            A::Resume { server } => match self.known(*server)?.status {
                Status::Paused => Ok(()),
                Status::Crashed => Err(SimError::ServerCrashed(*server)),
                Status::Running => Err(SimError::ServerNotPaused(*server)),
            },
            A::Partition { groups } => self.validate_groups(groups),
            A::CutLink { from, to, .. } | A::RepairLink { from, to, .. } => {
                self.validate_link(*from, *to)
            }
            A::SetNetwork { link } => link.validate(),
            A::SetLink { from, to, link } => self
                .validate_link(*from, *to)
                .and_then(|()| link.validate()),
            A::ClientOp {
                client,
                op,
                read_index,
            } => self.validate_client_op(*client, op, *read_index),
            A::SetWorkload { .. } | A::SetFaults { .. } | A::Heal => Ok(()),
            A::AddServer { server } => self.validate_add(*server),
            A::RemoveServer { server } => {
                self.known(*server)?;
                let mut probe = self.leader_node()?.clone();
                probe.propose_membership_change(MembershipChange::RemoveServer(*server))?;
                Ok(())
            }
            A::TransferLeadership { to } => {
                self.known(*to)?;
                self.leader_node()?.clone().transfer_leadership(*to)?;
                Ok(())
            }
            A::Snapshot { server } => self.validate_snapshot(*server),
            A::Campaign { server } => Ok(self.running(*server)?.clone().campaign()?),
            A::Schedule { at_ms, .. } if *at_ms < self.now_ms => Err(invalid(
                "at_ms",
                Invalid::InPast {
                    at_ms: *at_ms,
                    now_ms: self.now_ms,
                },
            )),
            A::Schedule { .. } => Ok(()),
            A::DeliverNow { message }
            | A::DropMessage { message }
            | A::DuplicateMessage { message } => self.network.get(*message).map(drop),
            A::HoldMessage { message } => match self.network.get(*message)?.key {
                Some(_) => Ok(()),
                None => Err(SimError::MessageHeld(*message)),
            },
            A::ReleaseMessage { message } => match self.network.get(*message)?.key {
                Some(_) => Err(SimError::MessageNotHeld(*message)),
                None => Ok(()),
            },
            A::FireTimer { server } => self.validate_fire_timer(*server),
        }
    }

    fn validate_groups(&self, groups: &[Vec<NodeId>]) -> Result<(), SimError> {
        let mut seen = Vec::new();
        for &id in groups.iter().flatten() {
            self.known(id)?;
            if seen.contains(&id) {
                return Err(invalid("groups", Invalid::RepeatedServer { server: id }));
            }
            seen.push(id);
        }
        Ok(())
    }

    fn validate_link(&self, from: NodeId, to: NodeId) -> Result<(), SimError> {
        self.known(from)?;
        self.known(to)?;
        if from == to {
            return Err(invalid("link", Invalid::SelfLink { server: from }));
        }
        Ok(())
    }

    fn validate_client_op(
        &self,
        client: u32,
        op: &Operation,
        read_index: bool,
    ) -> Result<(), SimError> {
        if client == 0 || client as usize > self.clients.len() {
            return Err(SimError::UnknownClient(client));
        }
        if read_index && op.is_write() {
            return Err(invalid("read_index", Invalid::ReadIndexNeedsGet));
        }
        if op.key().is_empty() {
            return Err(invalid("key", Invalid::Empty));
        }
        // The scenario format's bounds, enforced here too so that no caller (the page's
        // `applyAction` included) puts megabytes into a log that every server and every
        // checkpoint copies.
        if op.key().chars().count() > MAX_KEY_CHARS {
            return Err(invalid(
                "key",
                Invalid::TooLong {
                    max: MAX_KEY_CHARS as u64,
                },
            ));
        }
        let texts = match op {
            Operation::Get { .. } => vec![],
            Operation::Put { value, .. } | Operation::Append { value, .. } => vec![value],
            Operation::Cas { expected, new, .. } => expected.iter().chain([new]).collect(),
        };
        if texts.iter().any(|t| t.chars().count() > MAX_VALUE_CHARS) {
            return Err(invalid(
                "value",
                Invalid::TooLong {
                    max: MAX_VALUE_CHARS as u64,
                },
            ));
        }
        Ok(())
    }

    fn validate_add(&self, id: NodeId) -> Result<(), SimError> {
        if id == 0 || id > MAX_SERVERS {
            return Err(invalid(
                "server",
                Invalid::OutOfRange {
                    min: 1,
                    max: u64::from(MAX_SERVERS),
                    got: u64::from(id),
                },
            ));
        }
        if self.servers.contains_key(&id) {
            return Err(SimError::ServerExists(id));
        }
        let mut probe = self.leader_node()?.clone();
        probe.propose_membership_change(MembershipChange::AddServer(id))?;
        Ok(())
    }

    fn validate_snapshot(&self, id: NodeId) -> Result<(), SimError> {
        let node = self.running(id)?;
        let applied = node.last_applied();
        if self.servers[&id].kv.last_applied() != applied {
            return Err(invalid("server", Invalid::StateMachineLags { server: id }));
        }
        node.clone().compact(applied, Default::default())?;
        Ok(())
    }

    fn validate_fire_timer(&self, id: NodeId) -> Result<(), SimError> {
        let node = self.running(id)?;
        if node.role() == Role::Leader {
            // The core has no input for "heartbeat now" short of moving its clock.
            return Err(invalid("server", Invalid::LeaderTimer { server: id }));
        }
        node.clone().campaign()?;
        Ok(())
    }

    /// Executes a validated action.
    fn execute(&mut self, action: &Action) {
        use Action as A;
        match action {
            A::Crash { server } => self.crash(*server),
            A::Restart { server } => self.restart(*server),
            A::Pause { server } => self.pause(*server),
            A::Resume { server } => self.resume(*server),
            A::Partition { groups } => self.network.partition(groups.clone()),
            A::CutLink { from, to, both } => {
                self.network.cut(*from, *to);
                if *both {
                    self.network.cut(*to, *from);
                }
            }
            A::RepairLink { from, to, both } => {
                self.network.repair(*from, *to);
                if *both {
                    self.network.repair(*to, *from);
                }
            }
            A::Heal => self.network.heal(),
            A::SetNetwork { link } => expect_ok(self.network.set_default_link(*link), "validated"),
            A::SetLink { from, to, link } => {
                expect_ok(self.network.set_link(*from, *to, *link), "validated")
            }
            A::ClientOp {
                client,
                op,
                read_index,
            } => self.queue_client_op(*client, op.clone(), *read_index),
            A::SetWorkload { enabled } => self.set_workload(*enabled),
            A::SetFaults { enabled } => {
                self.faults_enabled = *enabled;
                self.schedule_fault();
            }
            A::Schedule { at_ms, action } => {
                self.queue
                    .push(*at_ms, Event::Scheduled((**action).clone()));
            }
            _ => self.execute_on_nodes(action),
        }
    }

    fn execute_on_nodes(&mut self, action: &Action) {
        use Action as A;
        match action {
            A::AddServer { server } => self.add_server(*server),
            A::RemoveServer { server } => {
                let change = MembershipChange::RemoveServer(*server);
                self.with_node(self.leader().expect("validated"), |n| {
                    n.propose_membership_change(change).map(drop)
                });
            }
            A::TransferLeadership { to } => {
                self.with_node(self.leader().expect("validated"), |n| {
                    n.transfer_leadership(*to).map(drop)
                });
            }
            A::Snapshot { server } => {
                let data = self.servers[server].kv.snapshot();
                self.with_node(*server, |n| {
                    n.compact(n.last_applied(), data.into()).map(drop)
                });
            }
            A::Campaign { server } | A::FireTimer { server } => {
                self.with_node(*server, |n| n.campaign().map(drop))
            }
            A::DeliverNow { message } => {
                // Same path as a natural delivery, out of turn.
                let key = expect_ok(self.network.get(*message), "validated").key;
                self.unschedule(key);
                self.network.set_schedule(*message, None);
                let to = expect_ok(self.network.get(*message), "validated").to;
                if let Some(s) = self.servers.get_mut(&to) {
                    s.held.retain(|m| m != message);
                }
                let what = self.deliver(*message);
                self.notes.push(Note::Text(what.to_string()));
            }
            A::DropMessage { message } => self.drop_message(*message, DropReason::Adversary),
            A::DuplicateMessage { message } => {
                let m = expect_ok(self.network.get(*message), "validated")
                    .message
                    .clone();
                let delay = self.network.draw_latency(m.from, m.to);
                self.counters.duplicated += 1;
                let copy = self.schedule_copy(m, delay, true);
                self.notes.push(Note::Text(format!("copy is #{copy}")));
            }
            A::HoldMessage { message } => {
                let key = expect_ok(self.network.get(*message), "validated").key;
                self.unschedule(key);
                self.network.set_schedule(*message, None);
            }
            A::ReleaseMessage { message } => self.release(*message),
            _ => unreachable!("handled by execute"),
        }
    }

    /// Runs a core call that validation proved succeeds, then handles its Ready.
    fn with_node<E: std::fmt::Display>(
        &mut self,
        id: NodeId,
        f: impl FnOnce(&mut Node) -> Result<(), E>,
    ) {
        let now = self.now_ms;
        let node = self.servers.get_mut(&id).expect("validated").node_mut();
        node.tick(now);
        expect_ok(f(node), "bug: validated on a clone, refused for real");
        self.drain_ready(id);
    }

    fn release(&mut self, message: u64) {
        let to = expect_ok(self.network.get(message), "validated").to;
        if let Some(s) = self.servers.get_mut(&to) {
            s.held.retain(|&m| m != message);
        }
        let key = self.queue.push(
            self.now_ms,
            Event::Deliver {
                message_id: message,
            },
        );
        self.network.set_schedule(message, Some(key));
    }

    fn crash(&mut self, id: NodeId) {
        let srv = self.servers.get_mut(&id).expect("validated");
        srv.status = Status::Crashed;
        srv.node = None;
        srv.waiting.clear();
        srv.reads.clear();
        let timer = srv.timer.take();
        let held = std::mem::take(&mut srv.held);
        self.unschedule(timer);
        for m in held {
            self.drop_message(m, DropReason::RecipientDown);
        }
        self.counters.crashes += 1;
    }

    fn restart(&mut self, id: NodeId) {
        let now = self.now_ms;
        let incarnation = self.servers[&id].incarnation + 1;
        let seed = self.node_seed(id, incarnation);
        let cfg = self.config.raft.clone();
        let kv = expect_ok(
            KvStore::new(self.config.kv.clone()),
            "validated with the world config",
        );
        let srv = self.servers.get_mut(&id).expect("validated");
        let node = expect_ok(
            Node::restore(id, cfg, &srv.disk, seed, now),
            "bug: config validated at start",
        );
        if self.check_safety {
            self.checker.after_restart(self.event_ref(), &node);
        }
        let srv = self.servers.get_mut(&id).expect("validated");
        srv.node = Some(node);
        srv.kv = kv;
        srv.status = Status::Running;
        srv.incarnation = incarnation;
        srv.next_read_ctx = 1;
        self.counters.restarts += 1;
        self.drain_ready(id);
    }

    fn pause(&mut self, id: NodeId) {
        let srv = self.servers.get_mut(&id).expect("validated");
        srv.status = Status::Paused;
        let timer = srv.timer.take();
        self.unschedule(timer);
    }

    fn resume(&mut self, id: NodeId) {
        let srv = self.servers.get_mut(&id).expect("validated");
        srv.status = Status::Running;
        // Messages held while paused arrive now, in their arrival order.
        for m in std::mem::take(&mut srv.held) {
            let key = self
                .queue
                .push(self.now_ms, Event::Deliver { message_id: m });
            self.network.set_schedule(m, Some(key));
        }
        self.reschedule_timer(id);
    }

    fn add_server(&mut self, id: NodeId) {
        let leader = self.leader().expect("validated");
        self.with_node(leader, |n| {
            n.propose_membership_change(MembershipChange::AddServer(id))
                .map(drop)
        });
        let seed = self.node_seed(id, 0);
        let node = expect_ok(
            Node::new_joining(id, self.config.raft.clone(), seed, self.now_ms),
            "bug: id validated",
        );
        self.servers
            .insert(id, Server::new(node, self.config.kv.clone()));
        self.drain_ready(id);
    }

    fn queue_client_op(&mut self, client: u32, op: Operation, read_index: bool) {
        let c = (client - 1) as usize;
        self.clients[c].queue.push_back((op, read_index));
        if self.clients[c].session.is_some() || self.clients[c].pending.is_none() {
            self.schedule_client_start(c, self.now_ms);
        }
    }

    fn set_workload(&mut self, enabled: bool) {
        self.workload_enabled = enabled;
        if enabled {
            for c in 0..self.clients.len() {
                self.schedule_client_start(c, self.now_ms);
            }
        }
    }

    /// Schedules the fault generator's next draw, if it is on and none is scheduled.
    pub(crate) fn schedule_fault(&mut self) {
        if !self.faults_enabled || self.fault_scheduled {
            return;
        }
        let f = self.config.faults;
        let gap = self
            .fault_rng
            .range_inclusive(f.interval_ms_min, f.interval_ms_max);
        self.fault_scheduled = true;
        self.queue.push(self.now_ms + gap, Event::Fault);
    }
}
