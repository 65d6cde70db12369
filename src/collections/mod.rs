//! Ordered containers over one sorted `Vec`: [`VecMap`] and [`VecSet`].
//!
//! They replace `BTreeMap`/`BTreeSet` in the crate (issue 6, sizes). Every map here is small
//! (one entry per server, client, key or open operation) or is filled in key order (log
//! indices, terms), so a sorted vector is as fast as a B-tree, and each instantiation compiles
//! to a few small functions instead of the B-tree's node juggling: the standard collections
//! were a fifth of the page's wasm. Iteration is in key order, exactly like the B-tree's, and
//! serde sees a map (a set: a sequence) in that order, so traces and JSON do not change.
//!
//! Inserting the largest key yet is a push; inserting in the middle moves the tail (`O(n)`),
//! which is why a map that grows large with inserts all over belongs in a `BTreeMap`.

mod map;
mod serde_impls;
mod set;
pub mod sort;
#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::ops::{Bound, RangeBounds};

pub use map::{Entry, IntoIter, Iter, IterMut, Keys, Values, ValuesMut, VecMap};
pub use set::VecSet;

/// Where `probe` (ordering an item against the key sought) finds the key in sorted `items`:
/// `Ok(position)` or `Err(insertion point)`. The last item is tried first, so appending in key
/// order and looking up the newest key cost one comparison. (A hand-written bisection with a
/// single probe site saved 0.4 KB of gzipped wasm but ran the native simulator 4 % slower.)
#[inline]
fn search<T>(items: &[T], mut probe: impl FnMut(&T) -> Ordering) -> Result<usize, usize> {
    let Some((last, init)) = items.split_last() else {
        return Err(0);
    };
    match probe(last) {
        Ordering::Less => Err(items.len()),
        Ordering::Equal => Ok(init.len()),
        Ordering::Greater => init.binary_search_by(probe),
    }
}

/// The index range `start..end` of sorted `items` whose keys lie in `range`, where
/// `cmp(item, bound)` orders an item's key against a bound. An empty or inverted range gives
/// an empty index range.
fn bounds<Q: ?Sized, T>(
    items: &[T],
    range: &impl RangeBounds<Q>,
    cmp: impl Fn(&T, &Q) -> Ordering,
) -> (usize, usize) {
    let below = |q: &Q| items.partition_point(|t| cmp(t, q) == Ordering::Less);
    let up_to = |q: &Q| items.partition_point(|t| cmp(t, q) != Ordering::Greater);
    let start = match range.start_bound() {
        Bound::Included(q) => below(q),
        Bound::Excluded(q) => up_to(q),
        Bound::Unbounded => 0,
    };
    let end = match range.end_bound() {
        Bound::Included(q) => up_to(q),
        Bound::Excluded(q) => below(q),
        Bound::Unbounded => items.len(),
    };
    (start, end.max(start))
}
