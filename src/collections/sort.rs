//! One compact sort for the whole crate (issue 6, sizes).
//!
//! The standard library's sorts are fast but large: each element type instantiates a pattern-
//! defeating quicksort or a driftsort with sorting networks, several kilobytes of wasm apiece.
//! The crate sorts short vectors (servers, codes, candidates) and, off the hot path, longer
//! ones of unique keys (messages in flight, pending events, a history's call/return events).
//! Insertion sort for short slices and heapsort for the rest keep `O(n log n)` in a few
//! hundred bytes per type. Neither result depends on the algorithm: [`sort_unstable_by`] is
//! used only where equal elements cannot be told apart, and [`stable_sort_by_u64`] breaks ties
//! by position.

/// Slices up to this length are insertion-sorted (fewer comparisons and moves than a heap).
const INSERTION_MAX: usize = 16;

/// Sorts `v` so that `less` never holds between an element and one before it. Not stable for
/// slices longer than `INSERTION_MAX`: use it where equal elements are indistinguishable.
pub fn sort_unstable_by<T>(v: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    if v.len() <= INSERTION_MAX {
        for i in 1..v.len() {
            let mut j = i;
            while j > 0 && less(&v[j], &v[j - 1]) {
                v.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    for start in (0..v.len() / 2).rev() {
        sift_down(v, start, v.len(), &mut less);
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift_down(v, 0, end, &mut less);
    }
}

/// Restores the max-heap property of `v[..end]` below `node`.
fn sift_down<T>(v: &mut [T], mut node: usize, end: usize, less: &mut impl FnMut(&T, &T) -> bool) {
    loop {
        let mut child = 2 * node + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && less(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !less(&v[node], &v[child]) {
            return;
        }
        v.swap(node, child);
        node = child;
    }
}

/// Sorts `v` ascending ([`sort_unstable_by`] with `<`).
pub fn sort_unstable<T: Ord>(v: &mut [T]) {
    sort_unstable_by(v, |a, b| a < b);
}

/// Sorts `v` by `key`, stably: elements with equal keys keep their order. The pairs
/// `(key, position)` are unique, so sorting them needs no stability, and every caller shares
/// that one `(u64, u64)` instantiation.
pub fn stable_sort_by_u64<T>(v: &mut Vec<T>, mut key: impl FnMut(&T) -> u64) {
    let mut order: Vec<(u64, u64)> = v.iter().zip(0u64..).map(|(t, i)| (key(t), i)).collect();
    sort_unstable(&mut order);
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(order.iter().map(|&(_, i)| {
        slots[i as usize]
            .take()
            .expect("bug: each position appears once in the order")
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic stream of small numbers (the tests' shared SplitMix64), with many repeats.
    fn numbers(seed: u64, n: usize, range: u64) -> Vec<u64> {
        let mut rng = crate::collections::tests::SplitMix(seed);
        (0..n).map(|_| rng.below(range)).collect()
    }

    #[test]
    fn sorts_like_the_standard_library_at_every_length() {
        for n in 0..200 {
            let mut ours = numbers(n as u64, n, 37);
            let mut std_sorted = ours.clone();
            sort_unstable(&mut ours);
            std_sorted.sort_unstable();
            assert_eq!(ours, std_sorted, "length {n}");
        }
    }

    #[test]
    fn sorts_descending_through_the_comparator() {
        let mut v = numbers(7, 100, 1000);
        sort_unstable_by(&mut v, |a, b| a > b);
        assert!(v.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn stable_sort_keeps_the_order_of_equal_keys() {
        for n in [0, 1, 5, 17, 300] {
            let keys = numbers(n as u64 + 1, n, 6);
            let mut ours: Vec<(u64, usize)> = keys.iter().copied().zip(0..).collect();
            let mut std_sorted = ours.clone();
            stable_sort_by_u64(&mut ours, |&(k, _)| k);
            std_sorted.sort_by_key(|&(k, _)| k);
            assert_eq!(ours, std_sorted, "length {n}");
        }
    }
}
