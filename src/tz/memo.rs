//! A small, bounded, process-wide memo for pure functions.
//!
//! What tzdb (chrono-tz) says about one zone in one year never changes while the
//! process runs, and finding it costs about a hundred offset lookups (a weekly scan
//! and a bisection to the second per change). A mail gateway sees the same few zones
//! and years again and again, so [`super::resolve`] and [`super::vtimezone`] keep their
//! per-(zone, year) results in a [`Memo`]; [`super::rules`] keeps parsed VTIMEZONE
//! RRULE values (Exchange writes the same few in every invitation) in another. Each
//! memo holds at most the number of entries it was made with (the oldest is dropped
//! first), behind a [`Mutex`] (no `unsafe`). The value computed is the same with or
//! without a memo; only the time to get it differs.

use std::borrow::Borrow;
use std::sync::{Mutex, PoisonError};

/// A bounded first-in, first-out memo from `K` to `V`.
pub(crate) struct Memo<K, V> {
    capacity: usize,
    slots: Mutex<Vec<(K, V)>>,
}

impl<K, V: Clone> Memo<K, V> {
    /// An empty memo that keeps at most `capacity` entries.
    pub(crate) const fn new(capacity: usize) -> Self {
        Memo {
            capacity,
            slots: Mutex::new(Vec::new()),
        }
    }

    /// The memoised value for `key`, computed with `compute` (outside the lock) when it
    /// is not there yet.
    pub(crate) fn get_or_compute<Q>(&self, key: &Q, compute: impl FnOnce() -> V) -> V
    where
        K: Borrow<Q>,
        Q: ToOwned<Owned = K> + PartialEq + ?Sized,
    {
        self.get_or_compute_with(|k| k.borrow() == key, || key.to_owned(), compute)
    }

    /// [`Memo::get_or_compute`] for a key that is not at hand as a `K`: `is_key` tells
    /// the memoised key, and `key` makes it (only when the value is computed), so a
    /// lookup that finds its value allocates nothing for the key. `is_key` must hold
    /// for the key `key` makes and for no other key.
    pub(crate) fn get_or_compute_with(
        &self,
        is_key: impl Fn(&K) -> bool,
        key: impl FnOnce() -> K,
        compute: impl FnOnce() -> V,
    ) -> V {
        if let Some(v) = self.lookup(&is_key) {
            return v;
        }
        let value = compute();
        if self.capacity > 0 {
            let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            if !slots.iter().any(|(k, _)| is_key(k)) {
                if slots.len() >= self.capacity && !slots.is_empty() {
                    slots.remove(0);
                }
                slots.push((key(), value.clone()));
            }
        }
        value
    }

    fn lookup(&self, is_key: &impl Fn(&K) -> bool) -> Option<V> {
        let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots
            .iter()
            .rev()
            .find(|(k, _)| is_key(k))
            .map(|(_, v)| v.clone())
    }
}

/// Longest [`content_key`] kept: a larger VTIMEZONE is evaluated without a memo.
pub(crate) const MAX_CONTENT_KEY: usize = 4096;

/// Bytes that determine everything about `component`: its name, each property's
/// name, parameters (names, values, quoting) and value, and its sub-components, in
/// order, each field tagged and preceded by its length (so different components never
/// share a key). `None` when it would be longer than [`MAX_CONTENT_KEY`].
pub(crate) fn content_key(component: &crate::ical::Component) -> Option<Vec<u8>> {
    let mut key = Vec::with_capacity(512);
    push_component(&mut key, component)?;
    Some(key)
}

fn push_component(key: &mut Vec<u8>, c: &crate::ical::Component) -> Option<()> {
    push_field(key, b'C', &c.name)?;
    for p in &c.properties {
        push_field(key, b'P', p.name())?;
        for param in p.params() {
            push_field(key, b'A', &param.name)?;
            for v in &param.values {
                push_field(key, if v.quoted { b'Q' } else { b'V' }, &v.text)?;
            }
        }
        push_field(key, b'=', p.value())?;
    }
    for sub in &c.components {
        push_component(key, sub)?;
    }
    key.push(b'.');
    Some(())
}

fn push_field(key: &mut Vec<u8>, tag: u8, text: &str) -> Option<()> {
    let len = u32::try_from(text.len()).ok()?;
    if key.len().saturating_add(text.len()).saturating_add(5) > MAX_CONTENT_KEY {
        return None;
    }
    // Tag and length in one go.
    let [a, b, c, d] = len.to_le_bytes();
    key.extend_from_slice(&[tag, a, b, c, d]);
    key.extend_from_slice(text.as_bytes());
    Some(())
}

#[cfg(test)]
mod tests {
    use super::{content_key, Memo, MAX_CONTENT_KEY};
    use crate::ical::model::{Component, Param, ParamValue, Property};

    fn comp(props: &[(&str, &str)]) -> Component {
        let mut c = Component::new("VTIMEZONE");
        for (n, v) in props {
            c.properties.push(Property::new(*n, *v));
        }
        c
    }

    #[test]
    fn content_keys_tell_components_apart() {
        let a = comp(&[("TZID", "AB"), ("X", "C")]);
        let with_param = |quoted| {
            let mut c = a.clone();
            let param = Param {
                name: "P".into(),
                values: crate::ical::model::ParamValues::one(ParamValue {
                    text: "v".into(),
                    quoted,
                }),
            };
            let mut p = Property::new("X", "C");
            p.params_mut().push(param);
            c.properties[1] = p;
            c
        };
        let mut sub = a.clone();
        sub.components.push(Component::new("STANDARD"));
        let mut renamed = a.clone();
        renamed.name = "VTIMEZONF".to_owned();
        let distinct = [
            a.clone(),
            comp(&[("TZID", "A"), ("BX", "C")]),
            comp(&[("TZID", "AB"), ("XC", "")]),
            comp(&[("TZID", "AB")]),
            with_param(false),
            with_param(true),
            sub,
            renamed,
        ];
        let keys: Vec<Vec<u8>> = distinct.iter().map(|c| content_key(c).unwrap()).collect();
        for (i, x) in keys.iter().enumerate() {
            for y in keys.iter().skip(i + 1) {
                assert_ne!(x, y);
            }
        }
        assert_eq!(content_key(&a), content_key(&a.clone()));
        let big = comp(&[("X", &"x".repeat(MAX_CONTENT_KEY))]);
        assert_eq!(content_key(&big), None);
    }

    #[test]
    fn memo_is_bounded_and_first_in_first_out() {
        let memo: Memo<(u8, i32), i32> = Memo::new(2);
        let mut calls = 0;
        let mut get = |k: (u8, i32)| {
            memo.get_or_compute(&k, || {
                calls += 1;
                k.1 * 2
            })
        };
        assert_eq!(get((1, 1)), 2);
        assert_eq!(get((1, 1)), 2);
        assert_eq!(get((1, 2)), 4);
        assert_eq!(get((1, 3)), 6);
        assert_eq!(get((1, 1)), 2);
        assert_eq!(calls, 4);
    }

    #[test]
    fn lookups_by_predicate_find_what_keys_find() {
        let memo: Memo<Vec<u8>, usize> = Memo::new(2);
        let mut made = 0;
        let mut get = |k: &[u8]| {
            memo.get_or_compute_with(
                |stored| stored.as_slice() == k,
                || {
                    made += 1;
                    k.to_vec()
                },
                || k.len(),
            )
        };
        assert_eq!(get(b"ab"), 2);
        assert_eq!(get(b"ab"), 2);
        assert_eq!(get(b"abc"), 3);
        assert_eq!(get(b"abcd"), 4);
        assert_eq!(get(b"ab"), 2);
        // A key is made only when its value is stored.
        assert_eq!(made, 4);
        assert_eq!(memo.get_or_compute(b"abcd".as_slice(), || 0), 4);
    }
}
