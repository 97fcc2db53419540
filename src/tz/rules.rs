//! RRULE values parsed once per repair call.
//!
//! The sender's VTIMEZONE of a TZID is read twice by the stage: by
//! [`super::resolve`] (its rules for the event's year) and by [`super::observe`] (its
//! offsets at the calendar's times). Both parse the observances' RRULEs with the
//! iCalendar value parser; a [`Rules`] made by the caller for one call lets the second
//! reader reuse the first one's parse. It keeps at most [`Rules::CAPACITY`] values and
//! parses the others each time.

use std::rc::Rc;

use crate::ical::value::{parse_recur, Recur};

/// Parsed RRULE values by their text; `None` for a value that does not parse.
#[derive(Debug, Default)]
pub struct Rules {
    parsed: Vec<(String, Option<Rc<Recur>>)>,
}

impl Rules {
    /// At most this many distinct values are kept.
    pub const CAPACITY: usize = 32;

    /// `parse_recur(value)`, as an `Option`, parsed once per distinct value.
    pub fn parse(&mut self, value: &str) -> Option<Rc<Recur>> {
        if let Some((_, parsed)) = self.parsed.iter().find(|(v, _)| v == value) {
            return parsed.clone();
        }
        let parsed = parse_recur(value).ok().map(Rc::new);
        if self.parsed.len() < Self::CAPACITY {
            self.parsed.push((value.to_owned(), parsed.clone()));
        }
        parsed
    }
}
