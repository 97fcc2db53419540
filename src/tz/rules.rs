//! Parsed VTIMEZONE RRULE values.
//!
//! The sender's VTIMEZONE of a TZID is read twice by the stage: by
//! [`super::resolve`] (its rules for the event's year) and by [`super::observe`] (its
//! offsets at the calendar's times). Both parse the observances' RRULEs with the
//! iCalendar value parser through a [`Rules`] made by the caller for one call, so the
//! second reader reuses the first one's parse. Behind it, values of up to
//! [`MEMO_MAX_LEN`] bytes are kept in a process-wide memo of [`MEMO_ENTRIES`] entries
//! (see [`super::memo`]): Exchange and Outlook write the same few rules in every
//! invitation. A parse is a pure function of the text, so neither cache changes a
//! result.

use std::sync::Arc;

use super::memo::Memo;
use crate::ical::value::{parse_recur, Recur};

/// Longest RRULE value kept in the process-wide memo.
const MEMO_MAX_LEN: usize = 256;
/// Number of RRULE values the process-wide memo keeps.
const MEMO_ENTRIES: usize = 64;

/// Parsed RRULE values by their text, kept for the process.
static PARSED: Memo<String, Option<Arc<Recur>>> = Memo::new(MEMO_ENTRIES);

/// Parsed RRULE values by their text, for one call; `None` for a value that does not
/// parse.
#[derive(Debug, Default)]
pub struct Rules {
    parsed: Vec<(String, Option<Arc<Recur>>)>,
}

impl Rules {
    /// At most this many distinct values are kept for one call.
    pub const CAPACITY: usize = 32;

    /// `parse_recur(value)`, as an `Option`, parsed once per distinct value.
    pub fn parse(&mut self, value: &str) -> Option<Arc<Recur>> {
        if let Some((_, parsed)) = self.parsed.iter().find(|(v, _)| v == value) {
            return parsed.clone();
        }
        let parse = || parse_recur(value).ok().map(Arc::new);
        let parsed = if value.len() <= MEMO_MAX_LEN {
            PARSED.get_or_compute(value, parse)
        } else {
            parse()
        };
        if self.parsed.len() < Self::CAPACITY {
            self.parsed.push((value.to_owned(), parsed.clone()));
        }
        parsed
    }
}
