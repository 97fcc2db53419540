//! vCalendar 1.0 (versit Consortium / Internet Mail Consortium, 1996) to iCalendar 2.0
//! (RFC 5545), in place on the content-line tree.
//!
//! Two entry points run at different stages:
//!
//! * [`join_qp_soft_breaks`] works on the unfolded bytes, before charset decoding:
//!   vCalendar writers break long quoted-printable values with a QP soft line break
//!   (`=` at the end of a physical line) instead of an RFC 5545 fold, which
//!   unfolding does not undo.
//! * [`convert`] rewrites a parsed `VCALENDAR` with `VERSION:1.0`: transfer encodings,
//!   the vCalendar recurrence grammar, the four alarm properties, attendee parameters
//!   and the renamed or re-typed properties. Every kind of change is recorded once as a
//!   [`FixCode::VcalendarConverted`] fix; anything that cannot be converted without
//!   guessing stays as it was, with a [`WarningCode::MalformedLine`] warning.
//!
//! Properties this module does not know are left alone, so the model writes them back
//! byte for byte.

mod alarm;
mod attendee;
mod rrule;
mod values;

use std::borrow::Cow;
use std::collections::HashSet;

use chrono::NaiveDate;

use crate::ical::model::Component;
use crate::ical::value::{parse_date_or_date_time, DateTimeValue};
use crate::report::{FixCode, Report, WarningCode};

use alarm::convert_alarm;
use attendee::{address_key, convert_address, convert_attendee};
use rrule::convert_rule_property;
use values::{
    convert_attach_value, convert_date_list, convert_list, convert_status, convert_text,
    convert_transp, decode_transfer, vcal_text_to_ical,
};

// ---------------------------------------------------------------------------
// Quoted-printable soft line breaks (byte level)
// ---------------------------------------------------------------------------

/// Joins vCalendar quoted-printable soft line breaks in unfolded text.
///
/// `unfolded` is `\n`-separated logical lines (the output of
/// [`crate::ical::lex::unfold`]). A line whose parameter section (before the first
/// `:` outside double quotes) has an `ENCODING=QUOTED-PRINTABLE` or a bare
/// `QUOTED-PRINTABLE` parameter, and whose value ends with `=` (optionally followed by
/// spaces or tabs), continues on the next line: the `=`, the trailing blanks and the
/// `\n` are removed. Continuation lines can themselves end with `=`. A soft break is
/// not joined to an empty line, to a `BEGIN:`/`END:` line, or past the end of input.
/// Borrows when nothing changes.
/// Only for vCalendar 1.0 text ([`looks_like_vcalendar1`]): in iCalendar 2.0 a trailing
/// `=` is text, and joining would swallow the next property.
pub fn join_qp_soft_breaks(unfolded: &[u8]) -> Cow<'_, [u8]> {
    // Cheap gate first: a soft break needs a `=` at a line end (a byte search for
    // `\n`, then a look back), which almost no iCalendar 2.0 object has.
    let has_soft_break = memchr::memchr_iter(b'\n', unfolded).any(|i| {
        unfolded
            .get(..i)
            .is_some_and(|before| before.trim_ascii_end().ends_with(b"="))
    }) || unfolded.trim_ascii_end().ends_with(b"=");
    if !has_soft_break || !contains_ignore_case(unfolded, b"QUOTED-PRINTABLE") {
        return Cow::Borrowed(unfolded);
    }
    let mut out = Vec::with_capacity(unfolded.len());
    let mut changed = false;
    let mut continuing = false;
    let mut lines = unfolded.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let qp_value = if continuing {
            Some(line)
        } else {
            qp_line_value(line)
        };
        out.extend_from_slice(line);
        let joins = match (qp_value, lines.peek()) {
            (Some(value), Some(next)) => ends_with_soft_break(value) && joinable(next),
            _ => false,
        };
        if joins {
            while matches!(out.last(), Some(b' ' | b'\t')) {
                out.pop();
            }
            out.pop(); // the '='
            changed = true;
            continuing = true;
        } else {
            continuing = false;
            if lines.peek().is_some() {
                out.push(b'\n');
            }
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(unfolded)
    }
}

/// Whether unfolded calendar bytes declare `VERSION:1.0` (before parsing).
pub fn looks_like_vcalendar1(unfolded: &[u8]) -> bool {
    contains_ignore_case(unfolded, b"VERSION:1.0")
}

/// Whether `haystack` contains `needle`, ignoring ASCII case. Jumps from one
/// occurrence of the needle's first byte (either case) to the next with `memchr`.
fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, tail)) = needle.split_first() else {
        return false;
    };
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    memchr::memchr2_iter(lower, upper, haystack).any(|i| {
        haystack
            .get(i + 1..i + needle.len())
            .is_some_and(|rest| rest.eq_ignore_ascii_case(tail))
    })
}

/// The value of `line` when its parameters declare quoted-printable, else `None`.
fn qp_line_value(line: &[u8]) -> Option<&[u8]> {
    let mut in_quotes = false;
    let mut param_start: Option<usize> = None;
    let mut qp = false;
    for (i, &b) in line.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b';' | b':' if !in_quotes => {
                if let Some(start) = param_start {
                    qp |= line.get(start..i).is_some_and(is_qp_param);
                }
                if b == b':' {
                    return if qp { line.get(i + 1..) } else { None };
                }
                param_start = Some(i + 1);
            }
            _ => {}
        }
    }
    None
}

fn is_qp_param(param: &[u8]) -> bool {
    let param = param.trim_ascii();
    if param.eq_ignore_ascii_case(b"QUOTED-PRINTABLE") {
        return true;
    }
    match param.iter().position(|&b| b == b'=') {
        Some(eq) => {
            let (name, value) = param.split_at(eq);
            name.trim_ascii().eq_ignore_ascii_case(b"ENCODING")
                && value
                    .get(1..)
                    .is_some_and(|v| v.trim_ascii().eq_ignore_ascii_case(b"QUOTED-PRINTABLE"))
        }
        None => false,
    }
}

fn ends_with_soft_break(value: &[u8]) -> bool {
    let mut end = value.len();
    while end > 0 && matches!(value.get(end - 1), Some(b' ' | b'\t')) {
        end -= 1;
    }
    end > 0 && value.get(end - 1) == Some(&b'=')
}

fn joinable(next: &[u8]) -> bool {
    let starts = |kw: &[u8]| {
        next.get(..kw.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(kw))
    };
    !next.is_empty() && !starts(b"BEGIN:") && !starts(b"END:")
}

// ---------------------------------------------------------------------------
// Entry points on the tree
// ---------------------------------------------------------------------------

/// Whether `cal` is a `VCALENDAR` declaring `VERSION:1.0`.
pub fn is_vcalendar1(cal: &Component) -> bool {
    cal.is("VCALENDAR")
        && cal
            .property("VERSION")
            .is_some_and(|v| v.value().trim() == "1.0")
}

/// Converts a vCalendar 1.0 object to iCalendar 2.0 in place.
///
/// Does nothing unless [`is_vcalendar1`] holds. Records one
/// [`FixCode::VcalendarConverted`] fix per kind of change (the detail says what, e.g.
/// `RRULE W1 #10 -> FREQ=WEEKLY;COUNT=10`), and one [`WarningCode::MalformedLine`]
/// warning per line kept unconverted because converting it would mean guessing.
pub fn convert(cal: &mut Component, report: &mut Report) {
    if !is_vcalendar1(cal) {
        return;
    }
    let mut log = Log::default();
    if let Some(version) = cal.property_mut("VERSION") {
        version.set_value("2.0");
        log.fix("VERSION:1.0 -> 2.0");
    }
    convert_component(cal, &mut log);
    for detail in log.fixes {
        report.fix(FixCode::VcalendarConverted, detail);
    }
    for detail in log.warnings {
        report.warn(WarningCode::MalformedLine, detail);
    }
}

/// Fixes and warnings, each detail recorded once, in first-seen order.
#[derive(Default)]
struct Log {
    fixes: Vec<String>,
    warnings: Vec<String>,
    seen: HashSet<(bool, String)>,
}

impl Log {
    fn fix(&mut self, detail: impl Into<String>) {
        let detail = detail.into();
        if self.seen.insert((true, detail.clone())) {
            self.fixes.push(detail);
        }
    }

    fn warn(&mut self, detail: impl Into<String>) {
        let detail = detail.into();
        if self.seen.insert((false, detail.clone())) {
            self.warnings.push(detail);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Calendar,
    Event,
    Todo,
    Other,
}

impl Kind {
    fn of(c: &Component) -> Kind {
        if c.is("VCALENDAR") {
            Kind::Calendar
        } else if c.is("VEVENT") {
            Kind::Event
        } else if c.is("VTODO") {
            Kind::Todo
        } else {
            Kind::Other
        }
    }

    fn is_item(self) -> bool {
        matches!(self, Kind::Event | Kind::Todo)
    }
}

/// How a property's value is typed, for decoding and escaping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Single TEXT value.
    Text,
    /// Comma-separated TEXT list (vCalendar separates with `;`).
    List,
    /// Anything else.
    Other,
}

fn class_of(name: &str) -> Class {
    const TEXT: [&str; 5] = ["SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT", "CONTACT"];
    const LIST: [&str; 2] = ["CATEGORIES", "RESOURCES"];
    if TEXT.iter().any(|n| n.eq_ignore_ascii_case(name)) {
        Class::Text
    } else if LIST.iter().any(|n| n.eq_ignore_ascii_case(name)) {
        Class::List
    } else {
        Class::Other
    }
}

fn convert_component(c: &mut Component, log: &mut Log) {
    let kind = Kind::of(c);
    // Alarms converted below are appended after the original children; they are
    // already iCalendar and are not visited.
    let children = c.components.len();
    let decoded: Vec<bool> = c
        .properties
        .iter_mut()
        .map(|p| decode_transfer(p, log))
        .collect();
    convert_properties(c, kind, &decoded, log);
    for child in c.components.iter_mut().take(children) {
        convert_component(child, log);
    }
}

fn convert_properties(c: &mut Component, kind: Kind, decoded: &[bool], log: &mut Log) {
    let dtstart = c
        .property("DTSTART")
        .and_then(|p| parse_date_or_date_time(p.value(), None).ok())
        .map(|v| date_of(&v));
    let summary = c
        .property("SUMMARY")
        .map(|p| vcal_text_to_ical(p.value().trim()))
        .filter(|s| !s.is_empty());
    let mut organizer = c.property("ORGANIZER").map(|p| address_key(p.value()));
    let has_created = c.property("CREATED").is_some();
    let props = std::mem::take(&mut c.properties);
    let mut out = Vec::with_capacity(props.len() + 1);
    let mut alarms = Vec::new();
    for (i, mut p) in props.into_iter().enumerate() {
        let was_decoded = decoded.get(i).copied().unwrap_or(false);
        let name = p.name().to_ascii_uppercase();
        if name == "ATTENDEE" {
            out.extend(convert_attendee(p, &mut organizer, log));
            continue;
        }
        let keep = match name.as_str() {
            "TZ" | "DAYLIGHT" if kind == Kind::Calendar => {
                let new = format!("X-VCAL-{name}");
                log.fix(format!("{name} -> {new}"));
                p.rename(new);
                true
            }
            "RRULE" | "EXRULE" => {
                convert_rule_property(&mut p, &name, dtstart, log);
                true
            }
            "EXDATE" | "RDATE" => {
                convert_date_list(&mut p, &name, log);
                true
            }
            "ORGANIZER" => {
                convert_address(&mut p, &name, log);
                true
            }
            "DCREATED" => {
                if has_created {
                    log.fix("DCREATED removed (CREATED present)");
                    false
                } else {
                    log.fix("DCREATED -> CREATED");
                    p.rename("CREATED");
                    true
                }
            }
            "STATUS" if kind.is_item() => convert_status(&mut p, kind, log),
            "TRANSP" => {
                convert_transp(&mut p, log);
                true
            }
            "ATTACH" => {
                convert_attach_value(&mut p, log);
                true
            }
            "DALARM" | "AALARM" | "PALARM" | "MALARM" if kind.is_item() => {
                match convert_alarm(&p, &name, summary.as_deref()) {
                    Ok((alarm, detail)) => {
                        alarms.push(alarm);
                        log.fix(detail);
                        false
                    }
                    Err(why) => {
                        log.warn(format!("{}: {why}; kept as it was", p.content_line()));
                        true
                    }
                }
            }
            _ => {
                if !was_decoded {
                    match class_of(&name) {
                        Class::Text => convert_text(&mut p, &name, log),
                        Class::List => convert_list(&mut p, &name, log),
                        Class::Other => {}
                    }
                }
                true
            }
        };
        if keep {
            out.push(p);
        }
    }
    c.properties = out;
    c.components.extend(alarms);
}

fn date_of(v: &DateTimeValue) -> NaiveDate {
    match v {
        DateTimeValue::Date(d) => *d,
        DateTimeValue::Floating(dt) | DateTimeValue::Utc(dt) => dt.date(),
        DateTimeValue::Zoned { local, .. } => local.date(),
    }
}

#[cfg(test)]
mod tests;
