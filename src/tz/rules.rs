//! Parsed VTIMEZONE RRULE values.
//!
//! The sender's VTIMEZONE of a TZID is read by [`super::resolve`] (its rules for the
//! event's year) and by [`super::observe`] (its offsets at the calendar's times); both
//! parse the observances' RRULEs through [`parse`]. Values of up to [`MEMO_MAX_LEN`]
//! bytes are kept in a process-wide memo of [`MEMO_ENTRIES`] entries (see
//! [`super::memo`]): the two readers share a parse, and Exchange and Outlook write the
//! same few rules in every invitation. A parse is a pure function of the text, so the
//! memo changes no result.

use std::sync::Arc;

use super::memo::Memo;
use crate::ical::value::{parse_recur, Recur};

/// Longest RRULE value kept in the memo.
const MEMO_MAX_LEN: usize = 256;
/// Number of RRULE values the memo keeps.
const MEMO_ENTRIES: usize = 64;

/// Parsed RRULE values by their text, kept for the process.
static PARSED: Memo<String, Option<Arc<Recur>>> = Memo::new(MEMO_ENTRIES);

/// `parse_recur(value)`, as an `Option`.
pub fn parse(value: &str) -> Option<Arc<Recur>> {
    let parse = || parse_recur(value).ok().map(Arc::new);
    if value.len() <= MEMO_MAX_LEN {
        PARSED.get_or_compute(value, parse)
    } else {
        parse()
    }
}
