//! The random fault generator ("nemesis"): a stream of its own draws one fault at a time.
//!
//! It never takes down (crashes or pauses) more than a minority of the servers at once, so
//! that a healed cluster can always make progress again. Faults are not commands: they are
//! natural events, reproduced by the seed, not by the command log.

use super::action::Action;
use super::server::Status;
use super::world::World;
use crate::raft::NodeId;

impl World {
    pub(crate) fn on_fault(&mut self) -> String {
        self.fault_scheduled = false;
        if !self.faults_enabled {
            return "fault generator off".into();
        }
        let text = match self.draw_fault() {
            Some(action) => match self.perform(&action) {
                Ok(()) => format!("fault: {action}"),
                Err(e) => format!("fault: {action} refused: {e}"),
            },
            None => "fault: nothing to do".into(),
        };
        self.schedule_fault();
        text
    }

    fn ids_with(&self, status: Status) -> Vec<NodeId> {
        self.servers
            .values()
            .filter(|s| s.status == status)
            .map(|s| s.id)
            .collect()
    }

    fn pick(&mut self, ids: &[NodeId]) -> Option<NodeId> {
        if ids.is_empty() {
            return None;
        }
        Some(ids[self.fault_rng.below(ids.len() as u64) as usize])
    }

    /// Draws one feasible fault by weight (infeasible kinds, e.g. a restart with nothing
    /// crashed, get weight 0 so no draw is wasted).
    fn draw_fault(&mut self) -> Option<Action> {
        let f = self.config.faults;
        let all: Vec<NodeId> = self.servers.keys().copied().collect();
        let running = self.ids_with(Status::Running);
        let crashed = self.ids_with(Status::Crashed);
        let paused = self.ids_with(Status::Paused);
        // At most a minority down at once: with n servers, (n - 1) / 2.
        let may_take_down = all.len() - running.len() < all.len().saturating_sub(1) / 2;
        let feasible = |ok: bool, w: u32| if ok { w } else { 0 };
        let weights = [
            feasible(may_take_down && !running.is_empty(), f.crash),
            feasible(!crashed.is_empty(), f.restart),
            feasible(may_take_down && !running.is_empty(), f.pause),
            feasible(!paused.is_empty(), f.resume),
            feasible(all.len() > 1, f.partition),
            feasible(all.len() > 1, f.cut_link),
            f.heal,
        ];
        let action = match self.fault_rng.weighted(&weights)? {
            0 => Action::Crash {
                server: self.pick(&running)?,
            },
            1 => Action::Restart {
                server: self.pick(&crashed)?,
            },
            2 => Action::Pause {
                server: self.pick(&running)?,
            },
            3 => Action::Resume {
                server: self.pick(&paused)?,
            },
            4 => self.draw_partition(&all),
            5 => {
                let from = self.pick(&all)?;
                let others: Vec<NodeId> = all.iter().copied().filter(|&s| s != from).collect();
                let to = self.pick(&others)?;
                Action::CutLink {
                    from,
                    to,
                    both: self.fault_rng.chance_ppm(500_000),
                }
            }
            _ => Action::Heal,
        };
        Some(action)
    }

    /// Two random groups: a minority of 1..=n/2 servers and the rest.
    fn draw_partition(&mut self, all: &[NodeId]) -> Action {
        let mut rest = all.to_vec();
        let size = self
            .fault_rng
            .range_inclusive(1, (all.len() as u64 / 2).max(1));
        let mut minority = Vec::new();
        for _ in 0..size {
            if rest.len() <= 1 {
                break;
            }
            let i = self.fault_rng.below(rest.len() as u64) as usize;
            minority.push(rest.remove(i));
        }
        crate::collections::sort::sort_unstable(&mut minority);
        Action::Partition {
            groups: vec![minority, rest],
        }
    }
}
