//! Majority arithmetic over a set of voters (§5.2 elections, §5.3 commitment).

use crate::collections::VecMap;

use serde::{Deserialize, Serialize};

use super::membership::MAX_SERVERS;
use super::message::NodeId;

/// The smallest majority of `n` voters.
pub fn majority(n: usize) -> usize {
    n / 2 + 1
}

/// The largest value that at least a majority of `voters` have reached, where `value_of`
/// gives each voter's value (e.g. match index, or acknowledged read round). 0 for no voters.
///
/// Runs on every acknowledgement, so it does not allocate (configurations hold at most
/// [`MAX_SERVERS`] voters; a larger slice falls back to the heap). The crate's compact sort
/// orders the few values (insertion sort up to 16, heapsort beyond): as quick as a selection
/// at these sizes, and no extra selection code in the wasm.
pub fn quorum_value(voters: &[NodeId], value_of: impl Fn(NodeId) -> u64) -> u64 {
    if voters.is_empty() {
        return 0;
    }
    let mut stack = [0u64; MAX_SERVERS as usize];
    let mut heap = Vec::new();
    let values: &mut [u64] = if voters.len() <= stack.len() {
        &mut stack[..voters.len()]
    } else {
        heap.resize(voters.len(), 0);
        &mut heap
    };
    for (slot, &v) in values.iter_mut().zip(voters) {
        *slot = value_of(v);
    }
    let k = majority(voters.len()) - 1;
    crate::collections::sort::sort_unstable_by(values, |a, b| a > b);
    values[k]
}

/// The state of an election.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VoteResult {
    /// A majority granted.
    Won,
    /// A majority refused: the election cannot be won.
    Lost,
    /// Still undecided.
    Pending,
}

/// Tallies `votes` (granted or not), counting only the ballots of `voters`.
pub fn vote_result(voters: &[NodeId], votes: &VecMap<NodeId, bool>) -> VoteResult {
    let need = majority(voters.len());
    let (mut yes, mut no) = (0, 0);
    for v in voters {
        match votes.get(v) {
            Some(true) => yes += 1,
            Some(false) => no += 1,
            None => {}
        }
    }
    if yes >= need {
        VoteResult::Won
    } else if no > voters.len() - need {
        VoteResult::Lost
    } else {
        VoteResult::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majority_sizes() {
        let sizes: Vec<usize> = (1..=6).map(majority).collect();
        assert_eq!(sizes, vec![1, 2, 2, 3, 3, 4]);
    }

    #[test]
    fn quorum_value_is_the_majority_th_highest() {
        let matches = [(1, 5), (2, 3), (3, 9), (4, 1), (5, 3)];
        let of = |id: NodeId| matches.iter().find(|m| m.0 == id).unwrap().1;
        assert_eq!(quorum_value(&[1, 2, 3, 4, 5], of), 3);
        assert_eq!(quorum_value(&[1, 3], of), 5);
        assert_eq!(quorum_value(&[3], of), 9);
        assert_eq!(quorum_value(&[], of), 0);
    }

    #[test]
    fn votes_decide_only_with_a_majority_either_way() {
        let voters = [1, 2, 3, 4, 5];
        let mut votes = VecMap::from([(1, true), (2, true)]);
        assert_eq!(vote_result(&voters, &votes), VoteResult::Pending);
        votes.insert(3, true);
        assert_eq!(vote_result(&voters, &votes), VoteResult::Won);
        let votes = VecMap::from([(1, true), (2, false), (3, false), (4, false)]);
        assert_eq!(vote_result(&voters, &votes), VoteResult::Lost);
        let votes = VecMap::from([(1, true), (9, true), (8, true)]);
        assert_eq!(
            vote_result(&[1, 2, 3], &votes),
            VoteResult::Pending,
            "non-voters ignored"
        );
    }
}
