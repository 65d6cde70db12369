//! [`VecMap`] and [`VecSet`] checked against `BTreeMap` and `BTreeSet`, the containers they
//! replace, on random operation sequences and on the serde and `Debug` shapes.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound::{Excluded, Included, Unbounded};

use super::{VecMap, VecSet};

/// The tests' shared SplitMix64, so every run tests the same sequences.
#[path = "../../tests/common/splitmix.rs"]
mod splitmix;
pub(super) use splitmix::SplitMix;

/// Asserts that the two maps hold the same entries in the same order, by every view.
fn assert_same(v: &VecMap<u64, u64>, b: &BTreeMap<u64, u64>) {
    assert_eq!(v.len(), b.len());
    assert_eq!(v.is_empty(), b.is_empty());
    assert!(v.iter().eq(b.iter()));
    assert!(v.iter().rev().eq(b.iter().rev()));
    assert!(v.keys().eq(b.keys()));
    assert!(v.values().eq(b.values()));
    assert_eq!(v.first_key_value(), b.first_key_value());
    assert_eq!(v.last_key_value(), b.last_key_value());
}

/// One random operation on both maps, with the same result expected.
fn step_map(rng: &mut SplitMix, v: &mut VecMap<u64, u64>, b: &mut BTreeMap<u64, u64>) {
    let key = rng.below(64);
    let value = rng.next();
    match rng.below(10) {
        0..=2 => assert_eq!(v.insert(key, value), b.insert(key, value)),
        3 => assert_eq!(v.remove(&key), b.remove(&key)),
        4 => assert_eq!(v.get(&key), b.get(&key)),
        5 => {
            *v.entry(key).or_default() += 1;
            *b.entry(key).or_default() += 1;
        }
        6 => {
            let hi = key + rng.below(20);
            assert!(v.range(key..hi).eq(b.range(key..hi)));
            assert!(v.range(key..=hi).eq(b.range(key..=hi)));
            assert!(v
                .range((Excluded(key), Unbounded))
                .eq(b.range((Excluded(key), Unbounded))));
            assert!(v.range(..key).eq(b.range(..key)));
        }
        7 => {
            v.retain(|k, x| (k ^ *x) % 3 != 0);
            b.retain(|k, x| (k ^ *x) % 3 != 0);
        }
        8 => {
            let (tv, tb) = (v.split_off(&key), b.split_off(&key));
            assert!(tv.iter().eq(tb.iter()));
            if rng.below(2) == 0 {
                v.extend(tv);
                b.extend(tb);
            }
        }
        _ => {
            if let Some(x) = v.get_mut(&key) {
                *x = value;
            }
            if let Some(x) = b.get_mut(&key) {
                *x = value;
            }
            assert_eq!(v.contains_key(&key), b.contains_key(&key));
        }
    }
}

#[test]
fn map_matches_btree_map_on_random_operations() {
    for seed in 0..40 {
        let mut rng = SplitMix(seed);
        let (mut v, mut b) = (VecMap::new(), BTreeMap::new());
        for _ in 0..400 {
            step_map(&mut rng, &mut v, &mut b);
            assert_same(&v, &b);
        }
    }
}

#[test]
fn set_matches_btree_set_on_random_operations() {
    for seed in 0..40 {
        let mut rng = SplitMix(seed);
        let (mut v, mut b) = (VecSet::new(), BTreeSet::new());
        for _ in 0..400 {
            let x = rng.below(64);
            match rng.below(5) {
                0 | 1 => assert_eq!(v.insert(x), b.insert(x)),
                2 => assert_eq!(v.remove(&x), b.remove(&x)),
                3 => assert!(v.range(x..x + 9).eq(b.range(x..x + 9))),
                _ => {
                    v.retain(|y| (x ^ y) % 5 != 0);
                    b.retain(|y| (x ^ y) % 5 != 0);
                }
            }
            assert!(v.iter().eq(b.iter()));
            assert_eq!((v.first(), v.last()), (b.first(), b.last()));
            assert_eq!(v.contains(&x), b.contains(&x));
        }
    }
}

#[test]
fn collect_keeps_the_last_value_of_a_repeated_key_like_btree_map() {
    let pairs = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
    let v: VecMap<_, _> = pairs.into_iter().collect();
    let b: BTreeMap<_, _> = pairs.into_iter().collect();
    assert!(v.iter().eq(b.iter()));
    assert!(v.into_iter().eq(b));
}

#[test]
fn pops_take_the_ends() {
    let mut v = VecMap::from([(2, "b"), (1, "a"), (3, "c")]);
    assert_eq!(v.pop_first(), Some((1, "a")));
    assert_eq!(v.pop_last(), Some((3, "c")));
    assert_eq!(v.len(), 1);
    let mut s = VecSet::from([5, 4, 6]);
    assert_eq!((s.pop_first(), s.pop_last()), (Some(4), Some(6)));
    assert_eq!(VecSet::<u8>::new().pop_first(), None);
}

#[test]
fn string_keys_are_found_by_str() {
    let mut v: VecMap<String, u32> = VecMap::new();
    v.insert("k2".into(), 2);
    v.insert("k10".into(), 10);
    assert_eq!(v.get("k10"), Some(&10));
    assert_eq!(v.remove("k2"), Some(2));
    assert!(!v.contains_key("k2"));
    let s: VecSet<String> = ["b".to_string(), "a".to_string()].into();
    assert!(s.contains("a") && !s.contains("c"));
}

#[test]
fn an_inverted_range_is_empty() {
    let v = VecMap::from([(1, ()), (2, ()), (3, ())]);
    assert_eq!(v.range((Included(3), Excluded(1))).count(), 0);
    assert_eq!(v.range((Excluded(2), Excluded(2))).count(), 0);
    assert_eq!(
        VecSet::from([1, 2])
            .range((Excluded(2), Included(1)))
            .count(),
        0
    );
}

#[test]
fn json_and_debug_are_those_of_the_btree_collections() {
    let pairs = [
        ("z".to_string(), 1u64),
        ("a".to_string(), 2),
        ("m".to_string(), 3),
    ];
    let v: VecMap<_, _> = pairs.clone().into_iter().collect();
    let b: BTreeMap<_, _> = pairs.into_iter().collect();
    assert_eq!(
        serde_json::to_string(&v).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    assert_eq!(format!("{v:?}"), format!("{b:?}"));
    let s = VecSet::from([3u32, 1, 2]);
    let bs = BTreeSet::from([3u32, 1, 2]);
    assert_eq!(
        serde_json::to_string(&s).unwrap(),
        serde_json::to_string(&bs).unwrap()
    );
    assert_eq!(format!("{s:?}"), format!("{bs:?}"));
}

#[test]
fn json_reads_back_in_key_order_with_the_last_repeat_winning() {
    let v: VecMap<String, u64> = crate::json::from_str(r#"{"b": 1, "a": 2, "b": 3}"#).unwrap();
    let b: BTreeMap<String, u64> = crate::json::from_str(r#"{"b": 1, "a": 2, "b": 3}"#).unwrap();
    assert!(v.iter().eq(b.iter()));
    let s: VecSet<u32> = crate::json::from_str("[3, 1, 3, 2]").unwrap();
    assert!(s.iter().eq([1, 2, 3].iter()));
    assert!(crate::json::from_str::<VecMap<String, u64>>("[1]").is_err());
}

#[test]
fn search_finds_every_key_and_gap_at_every_length() {
    for n in 0..40u64 {
        let items: Vec<u64> = (0..n).map(|i| 2 * i + 1).collect();
        for key in 0..=2 * n + 1 {
            let found = super::search(&items, |t| t.cmp(&key));
            assert_eq!(found, items.binary_search(&key), "length {n}, key {key}");
        }
    }
}
