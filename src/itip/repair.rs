//! RFC 5546 repairs that make a calendar satisfy the restriction tables where the data
//! allows it: never inventing people or times. Each repair is a Fix; what cannot be
//! repaired is left for `validate` to report.

use super::address_of;
use crate::ical::{Component, Property};
use crate::report::{FixCode, Method, Report, WarningCode};

/// A PUBLISH that has an ORGANIZER and ATTENDEEs with `RSVP=TRUE` is a request sent
/// with the wrong METHOD. Returns the corrected method. An ADD is never corrected: it
/// adds instances to an existing series, and as a REQUEST with the series' UID it
/// would replace the whole series.
pub fn correct_method(cal: &mut Component, method: Method, report: &mut Report) -> Method {
    if method != Method::Publish {
        return method;
    }
    let looks_like_request = cal.components_named("VEVENT").any(|ev| {
        ev.property_upper("ORGANIZER").is_some()
            && ev.properties_upper("ATTENDEE").any(|a| {
                a.param_value("RSVP")
                    .is_some_and(|r| r.trim().eq_ignore_ascii_case("TRUE"))
            })
    });
    if !looks_like_request {
        return method;
    }
    if let Some(p) = cal.property_mut("METHOD") {
        p.set_value(Method::Request.as_str());
    }
    report.fix(
        FixCode::MethodCorrected,
        "METHOD:PUBLISH -> REQUEST (an ORGANIZER and ATTENDEEs asked to reply)",
    );
    Method::Request
}

/// Event-level repairs for the method's restriction table.
pub fn repair_events(cal: &mut Component, method: Method, from: Option<&str>, report: &mut Report) {
    let mut trimmed: Vec<String> = Vec::new();
    let mut unknown = false;
    let mut cancelled = 0usize;
    let mut durations = 0usize;
    for ev in cal.components_named_mut("VEVENT") {
        if ev.property_upper("DTEND").is_some() && ev.property_upper("DURATION").is_some() {
            ev.properties.retain(|p| !p.is_upper("DURATION"));
            durations += 1;
        }
        match method {
            Method::Reply => {
                let count = ev.properties_upper("ATTENDEE").count();
                if count <= 1 {
                    continue;
                }
                let Some(from) = from else {
                    unknown = true;
                    continue;
                };
                if !ev
                    .properties_upper("ATTENDEE")
                    .any(|a| address_of(a.value()) == from)
                {
                    unknown = true;
                    continue;
                }
                ev.properties.retain(|p| {
                    if p.is_upper("ATTENDEE") && address_of(p.value()) != from {
                        trimmed.push(address_of(p.value()));
                        false
                    } else {
                        true
                    }
                });
            }
            Method::Cancel
                if ev.property_upper("STATUS").is_none()
                    && ev.property_upper("RECURRENCE-ID").is_none() =>
            {
                ev.insert_property_after(
                    &["SEQUENCE", "DTSTAMP", "UID"],
                    Property::constant("STATUS", "CANCELLED"),
                );
                cancelled += 1;
            }
            _ => {}
        }
    }
    if durations > 0 {
        report.fix(
            FixCode::DurationRemoved,
            format!("DTEND and DURATION both present in {durations} VEVENT(s); DTEND kept"),
        );
    }
    if !trimmed.is_empty() {
        trimmed.sort();
        trimmed.dedup();
        report.fix(
            FixCode::ReplyAttendeesTrimmed,
            format!(
                "REPLY keeps only the replier; removed: {}",
                trimmed.join(", ")
            ),
        );
    }
    if unknown {
        report.warn(
            WarningCode::ReplyAttendeeUnknown,
            "REPLY with several ATTENDEEs, none of them the sender; left as it is",
        );
    }
    if cancelled > 0 {
        report.fix(
            FixCode::CancelStatusAdded,
            format!("STATUS:CANCELLED added to {cancelled} whole-event CANCEL VEVENT(s)"),
        );
    }
}

/// Date-valued properties that may carry `VALUE=DATE`.
const DATE_PROPS: &[&str] = &[
    "DTSTART",
    "DTEND",
    "DUE",
    "RECURRENCE-ID",
    "EXDATE",
    "RDATE",
];

/// Adds `VALUE=DATE` to date-valued properties whose values are all DATEs.
pub fn value_date(cal: &mut Component, report: &mut Report) {
    let mut fixed: Vec<String> = Vec::new();
    for ev in cal
        .components
        .iter_mut()
        .filter(|c| c.is("VEVENT") || c.is("VTODO"))
    {
        for p in ev.properties.iter_mut() {
            if !p.is_any_upper(DATE_PROPS) || p.param("VALUE").is_some() {
                continue;
            }
            // A value with a `T` is a date-time (or not a date at all): not parsed.
            let all_dates = !p.value().trim().is_empty()
                && !p.value().bytes().any(|b| b == b'T' || b == b't')
                && p.value().split(',').all(|v| {
                    matches!(
                        crate::ical::value::parse_date_or_date_time(v, None),
                        Ok(crate::ical::value::DateTimeValue::Date(_))
                    )
                });
            if all_dates {
                p.set_param("VALUE", "DATE");
                let name = p.name().to_ascii_uppercase();
                if !fixed.contains(&name) {
                    fixed.push(name);
                }
            }
        }
    }
    if !fixed.is_empty() {
        report.fix(
            FixCode::ValueDateAdded,
            format!("VALUE=DATE added to {}", fixed.join(", ")),
        );
    }
}

/// A REQUEST VEVENT needs a SUMMARY (RFC 5546 3.2.2: presence 1, can be null).
pub fn summary(cal: &mut Component, subject: Option<&str>, report: &mut Report) {
    // Usually every VEVENT has one: then there is nothing to work out.
    if cal
        .components_named("VEVENT")
        .all(|e| e.property_upper("SUMMARY").is_some())
    {
        return;
    }
    let master = cal
        .components_named("VEVENT")
        .find(|e| e.property_upper("RECURRENCE-ID").is_none())
        .and_then(|e| e.property_upper("SUMMARY"))
        .map(|p| p.value().to_owned());
    let from_subject = subject.map(|s| {
        crate::ical::value::escape_text(&crate::mime::encoded_word::sanitize_header_text(
            crate::outlook::thread_index::strip_subject_prefixes(s),
        ))
    });
    let mut added = Vec::new();
    for ev in cal.components_named_mut("VEVENT") {
        if ev.property_upper("SUMMARY").is_some() {
            continue;
        }
        let (value, source) = match (&master, &from_subject) {
            (Some(m), _) => (m.clone(), "the master event"),
            (None, Some(s)) => (s.clone(), "the subject"),
            (None, None) => (String::new(), "empty"),
        };
        ev.insert_property_after(
            &["DTEND", "DURATION", "DTSTART"],
            Property::new("SUMMARY", value),
        );
        if !added.contains(&source) {
            added.push(source);
        }
    }
    if !added.is_empty() {
        report.fix(
            FixCode::SummaryAdded,
            format!("SUMMARY added from {}", added.join(", ")),
        );
    }
}
