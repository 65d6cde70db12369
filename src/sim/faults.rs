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

    fn draw_fault(&mut self) -> Option<Action> {
        let f = self.config.faults;
        let weights = [
            f.crash,
            f.restart,
            f.pause,
            f.resume,
            f.partition,
            f.cut_link,
            f.heal,
        ];
        let which = self.fault_rng.weighted(&weights)?;
        let all: Vec<NodeId> = self.servers.keys().copied().collect();
        let running = self.ids_with(Status::Running);
        let down = all.len() - running.len();
        // At most a minority down: with n servers, (n - 1) / 2.
        let may_take_down = down < all.len().saturating_sub(1) / 2;
        match which {
            0 if may_take_down => self.pick(&running).map(|server| Action::Crash { server }),
            1 => self
                .pick(&self.ids_with(Status::Crashed))
                .map(|server| Action::Restart { server }),
            2 if may_take_down => self.pick(&running).map(|server| Action::Pause { server }),
            3 => self
                .pick(&self.ids_with(Status::Paused))
                .map(|server| Action::Resume { server }),
            4 => Some(self.draw_partition(&all)),
            5 if all.len() > 1 => {
                let from = self.pick(&all)?;
                let others: Vec<NodeId> = all.iter().copied().filter(|&s| s != from).collect();
                let to = self.pick(&others)?;
                Some(Action::CutLink {
                    from,
                    to,
                    both: self.fault_rng.chance_ppm(500_000),
                })
            }
            6 => Some(Action::Heal),
            _ => None,
        }
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
        minority.sort_unstable();
        Action::Partition {
            groups: vec![minority, rest],
        }
    }
}
