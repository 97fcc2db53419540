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
        if let Some(v) = self.lookup(key) {
            return v;
        }
        let value = compute();
        if self.capacity > 0 {
            let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            if !slots.iter().any(|(k, _)| k.borrow() == key) {
                if slots.len() >= self.capacity {
                    slots.remove(0);
                }
                slots.push((key.to_owned(), value.clone()));
            }
        }
        value
    }

    fn lookup<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots
            .iter()
            .rev()
            .find(|(k, _)| k.borrow() == key)
            .map(|(_, v)| v.clone())
    }
}
