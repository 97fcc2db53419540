//! A small, bounded, process-wide memo for pure functions of a zone and a year.
//!
//! What tzdb (chrono-tz) says about one zone in one year never changes while the
//! process runs, and finding it costs about a hundred offset lookups (a weekly scan
//! and a bisection to the second per change). A mail gateway sees the same few zones
//! and years again and again, so [`super::resolve`] and [`super::vtimezone`] keep their
//! per-(zone, year) results in a [`Memo`]: at most [`Memo::CAPACITY`] entries each
//! (the oldest is dropped first), behind a [`Mutex`] (no `unsafe`). The value computed
//! is the same with or without the memo; only the time to get it differs.

use std::sync::{Mutex, PoisonError};

use chrono_tz::Tz;

/// A bounded first-in, first-out memo from (zone, year) to `V`.
pub(crate) struct Memo<V> {
    slots: Mutex<Vec<((Tz, i32), V)>>,
}

impl<V: Clone> Memo<V> {
    /// At most this many (zone, year) results are kept.
    pub(crate) const CAPACITY: usize = 64;

    /// An empty memo.
    pub(crate) const fn new() -> Self {
        Memo {
            slots: Mutex::new(Vec::new()),
        }
    }

    /// The memoised value for (`zone`, `year`), computed with `compute` (outside the
    /// lock) when it is not there yet.
    pub(crate) fn get_or_compute(&self, zone: Tz, year: i32, compute: impl FnOnce() -> V) -> V {
        let key = (zone, year);
        if let Some(v) = self.lookup(key) {
            return v;
        }
        let value = compute();
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if !slots.iter().any(|(k, _)| *k == key) {
            if slots.len() >= Self::CAPACITY {
                slots.remove(0);
            }
            slots.push((key, value.clone()));
        }
        value
    }

    fn lookup(&self, key: (Tz, i32)) -> Option<V> {
        let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
    }
}
