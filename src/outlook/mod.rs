//! The Outlook profile: what Outlook and Exchange read beyond RFC 5546.
//! X-MICROSOFT-CDO-* properties, ATTENDEE parameters, X-ALT-DESC, and recurrences
//! rewritten into a form Outlook can show. Calendars written by Outlook or Exchange
//! themselves are left as they are (their values are the reference).

pub mod thread_index;

use crate::ical::value::{escape_text, parse_date_or_date_time, DateTimeValue};
use crate::ical::{Component, Property};
use crate::itip::text::{concat, Decimal};
use crate::report::{FixCode, Method, Report, WarningCode};
use chrono::{Datelike, NaiveDateTime};

/// The properties [`apply`] adds to every REQUEST and CANCEL VEVENT that lacks them,
/// in the order they are added.
const OUTLOOK_PROPERTIES: [&str; 7] = [
    "X-MICROSOFT-CDO-APPT-SEQUENCE",
    "X-MICROSOFT-CDO-BUSYSTATUS",
    "X-MICROSOFT-CDO-INTENDEDSTATUS",
    "X-MICROSOFT-CDO-ALLDAYEVENT",
    "X-MICROSOFT-CDO-IMPORTANCE",
    "X-MICROSOFT-CDO-INSTTYPE",
    "X-MICROSOFT-DISALLOW-COUNTER",
];

/// Largest HTML copied into X-ALT-DESC.
const ALT_DESC_LIMIT: usize = 32 * 1024;

/// Whether the calendar was written by Outlook 2003+ or Exchange (whose own output is
/// what the other producers are being brought to).
pub fn is_outlook_sender(cal: &Component) -> bool {
    cal.property_upper("PRODID")
        .is_some_and(|p| names_outlook(p.value().as_bytes()))
}

/// Whether `prodid` contains, in any ASCII case, "microsoft exchange server" or one of
/// "outlook 11", "outlook 12", "outlook 14", "outlook 15", "outlook 16".
fn names_outlook(prodid: &[u8]) -> bool {
    const EXCHANGE: &[u8] = b"microsoft exchange server";
    const OUTLOOK: &[u8] = b"outlook 1";
    prodid.iter().enumerate().any(|(i, &b)| {
        // Only an `m` or an `o` can start a name: nothing else is sliced.
        if !matches!(b | 0x20, b'm' | b'o') {
            return false;
        }
        let rest = prodid.get(i..).unwrap_or_default();
        match rest.first().map(|b| b | 0x20) {
            Some(b'm') => rest
                .get(..EXCHANGE.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(EXCHANGE)),
            Some(b'o') => {
                rest.get(..OUTLOOK.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(OUTLOOK))
                    && matches!(
                        rest.get(OUTLOOK.len()),
                        Some(b'1' | b'2' | b'4' | b'5' | b'6')
                    )
            }
            _ => false,
        }
    })
}

/// X-MICROSOFT-CDO-BUSYSTATUS for an event: FREE for TRANSPARENT or a CANCEL,
/// TENTATIVE for STATUS:TENTATIVE, else BUSY.
pub fn busy_status(ev: &Component, method: Method) -> &'static str {
    let transparent = ev
        .property_upper("TRANSP")
        .is_some_and(|t| t.value().trim().eq_ignore_ascii_case("TRANSPARENT"));
    let tentative = ev
        .property_upper("STATUS")
        .is_some_and(|s| s.value().trim().eq_ignore_ascii_case("TENTATIVE"));
    if method == Method::Cancel || transparent {
        "FREE"
    } else if tentative {
        "TENTATIVE"
    } else {
        "BUSY"
    }
}

/// X-MICROSOFT-CDO-IMPORTANCE from PRIORITY: 1-4 high (2), 5, 0 or absent normal (1),
/// 6-9 low (0).
pub fn importance(ev: &Component) -> &'static str {
    match ev
        .property_upper("PRIORITY")
        .and_then(|p| p.value().trim().parse::<u8>().ok())
    {
        Some(1..=4) => "2",
        Some(6..=9) => "0",
        _ => "1",
    }
}

/// X-MICROSOFT-CDO-INSTTYPE: 0 single, 1 recurring master, 3 exception.
pub fn inst_type(ev: &Component) -> &'static str {
    if ev.property_upper("RECURRENCE-ID").is_some() {
        "3"
    } else if ev.property_upper("RRULE").is_some() || ev.property_upper("RDATE").is_some() {
        "1"
    } else {
        "0"
    }
}

/// X-MICROSOFT-CDO-ALLDAYEVENT: TRUE when DTSTART is a DATE.
pub fn all_day(ev: &Component) -> &'static str {
    let date = ev.property_upper("DTSTART").is_some_and(|p| {
        p.param_value("VALUE")
            .is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
            || matches!(
                parse_date_or_date_time(p.value(), None),
                Ok(DateTimeValue::Date(_))
            )
    });
    if date {
        "TRUE"
    } else {
        "FALSE"
    }
}

/// Applies the Outlook profile to a normalised REQUEST, REPLY or CANCEL.
///
/// For a calendar written by Outlook or Exchange itself only missing properties are
/// added (its values are kept, no X-ALT-DESC and no recurrence rewriting), so a
/// complete Outlook invitation passes through unchanged. `outlook_sender` is
/// [`is_outlook_sender`] of `cal` (the caller has it already).
pub fn apply(
    cal: &mut Component,
    method: Method,
    outlook_sender: bool,
    alt_desc: Option<(&str, &'static str)>,
    report: &mut Report,
) {
    let alt_desc = if outlook_sender { None } else { alt_desc };
    if !outlook_sender {
        rdate_to_rrule(cal, report);
    }
    if !matches!(method, Method::Request | Method::Cancel) {
        return;
    }
    let mut added: Vec<&'static str> = Vec::new();
    let mut attendees = 0usize;
    let mut alt_added = false;
    for ev in cal.components_named_mut("VEVENT") {
        // Each value is worked out only when its property is missing. The values read
        // none of the properties added here, so the order does not matter.
        for name in OUTLOOK_PROPERTIES {
            if ev.property_upper(name).is_some() {
                continue;
            }
            let prop = match name {
                "X-MICROSOFT-CDO-APPT-SEQUENCE" => match ev.property_upper("SEQUENCE") {
                    Some(s) => Property::new(name, s.value().trim()),
                    None => Property::constant(name, "0"),
                },
                "X-MICROSOFT-CDO-BUSYSTATUS" | "X-MICROSOFT-CDO-INTENDEDSTATUS" => {
                    Property::constant(name, busy_status(ev, method))
                }
                "X-MICROSOFT-CDO-ALLDAYEVENT" => Property::constant(name, all_day(ev)),
                "X-MICROSOFT-CDO-IMPORTANCE" => Property::constant(name, importance(ev)),
                "X-MICROSOFT-CDO-INSTTYPE" => Property::constant(name, inst_type(ev)),
                _ => Property::constant(name, "FALSE"),
            };
            ev.properties.push(prop);
            if !added.contains(&name) {
                if added.is_empty() {
                    // One allocation for all the names.
                    added.reserve_exact(OUTLOOK_PROPERTIES.len());
                }
                added.push(name);
            }
        }
        if method == Method::Request {
            // Where the ORGANIZER is, looked up for the first incomplete ATTENDEE (no
            // property is added or removed in this loop).
            let mut organizer: Option<Option<usize>> = None;
            for i in 0..ev.properties.len() {
                let missing = ev.properties.get(i).map_or(0, |a| {
                    if a.is_upper("ATTENDEE") {
                        ["ROLE", "PARTSTAT", "RSVP"]
                            .iter()
                            .filter(|n| a.param(n).is_none())
                            .count()
                    } else {
                        0
                    }
                });
                if missing == 0 {
                    continue;
                }
                let at = *organizer.get_or_insert_with(|| {
                    ev.properties.iter().position(|p| p.is_upper("ORGANIZER"))
                });
                let is_organizer =
                    match (at.and_then(|j| ev.properties.get(j)), ev.properties.get(i)) {
                        (Some(o), Some(a)) => {
                            crate::itip::is_address(a.value(), crate::itip::address_part(o.value()))
                        }
                        _ => false,
                    };
                let Some(a) = ev.properties.get_mut(i) else {
                    continue;
                };
                a.reserve_params(missing);
                let mut changed = false;
                if a.param("ROLE").is_none() {
                    a.set_param(
                        "ROLE",
                        if is_organizer {
                            "CHAIR"
                        } else {
                            "REQ-PARTICIPANT"
                        },
                    );
                    changed = true;
                }
                if a.param("PARTSTAT").is_none() {
                    a.set_param(
                        "PARTSTAT",
                        if is_organizer {
                            "ACCEPTED"
                        } else {
                            "NEEDS-ACTION"
                        },
                    );
                    changed = true;
                }
                if a.param("RSVP").is_none() {
                    // The organizer listed as an attendee has nothing to answer.
                    a.set_param("RSVP", if is_organizer { "FALSE" } else { "TRUE" });
                    changed = true;
                }
                if changed {
                    attendees += 1;
                }
            }
        }
        if let Some((html, _)) = alt_desc {
            let master = ev.property_upper("RECURRENCE-ID").is_none();
            if master && ev.property_upper("X-ALT-DESC").is_none() && html.len() <= ALT_DESC_LIMIT {
                let mut p = Property::new("X-ALT-DESC", escape_text(html));
                p.set_param("FMTTYPE", "text/html");
                ev.properties.push(p);
                alt_added = true;
            }
        }
    }
    if !added.is_empty() {
        report.fix(FixCode::CdoPropertiesAdded, added.join(", "));
    }
    if attendees > 0 {
        report.fix(
            FixCode::AttendeeParamsAdded,
            concat(&[
                "ROLE/PARTSTAT/RSVP completed on ",
                Decimal::new(attendees).as_str(),
                " ATTENDEE(s)",
            ]),
        );
    }
    if let (true, Some((_, source))) = (alt_added, alt_desc) {
        report.fix(
            FixCode::AltDescAdded,
            concat(&["X-ALT-DESC;FMTTYPE=text/html from ", source]),
        );
    }
}

/// Rewrites an RDATE list without RRULE as an RRULE when DTSTART and the dates form a
/// regular daily or weekly series (same time, same zone); else warns.
fn rdate_to_rrule(cal: &mut Component, report: &mut Report) {
    for ev in cal.components_named_mut("VEVENT") {
        if ev.property_upper("RRULE").is_some() || ev.property_upper("RDATE").is_none() {
            continue;
        }
        match regular_series(ev) {
            Some(rule) => {
                let dates: Vec<String> = ev
                    .properties_upper("RDATE")
                    .map(|p| p.value().to_owned())
                    .collect();
                ev.properties.retain(|p| !p.is_upper("RDATE"));
                ev.insert_property_after(
                    &["DTEND", "DURATION", "DTSTART"],
                    Property::new("RRULE", rule.clone()),
                );
                report.fix(
                    FixCode::RdateToRrule,
                    format!("RDATE:{} -> RRULE:{rule}", dates.join(",")),
                );
            }
            None => report.warn(
                WarningCode::RecurrenceNotSupported,
                "RDATE without RRULE that is not a regular daily or weekly series; Outlook \
                 shows only the first occurrence",
            ),
        }
    }
}

/// The RRULE equivalent of DTSTART plus RDATEs, when they are evenly spaced by whole
/// days (same wall-clock time and TZID) and not a PERIOD list.
fn regular_series(ev: &Component) -> Option<String> {
    let start = ev.property_upper("DTSTART")?;
    let tzid = start
        .param_value("TZID")
        .map(|t| t.trim_matches('"').to_owned());
    let first = parse_date_or_date_time(start.value(), tzid.as_deref()).ok()?;
    let mut times: Vec<NaiveDateTime> = vec![naive(&first)?];
    for p in ev.properties_upper("RDATE") {
        if p.param_value("VALUE")
            .is_some_and(|v| v.eq_ignore_ascii_case("PERIOD"))
        {
            return None;
        }
        let ptz = p
            .param_value("TZID")
            .map(|t| t.trim_matches('"').to_owned());
        if ptz != tzid {
            return None;
        }
        for v in p.value().split(',') {
            let dt = parse_date_or_date_time(v, ptz.as_deref()).ok()?;
            if std::mem::discriminant(&dt) != std::mem::discriminant(&first) {
                return None;
            }
            times.push(naive(&dt)?);
        }
    }
    times.sort();
    times.dedup();
    if times.first() != naive(&first).as_ref() || times.len() < 2 || times.len() > 1000 {
        return None;
    }
    let step = times.get(1)?.signed_duration_since(*times.first()?);
    let days = step.num_days();
    if days < 1 || step != chrono::TimeDelta::days(days) {
        return None;
    }
    if times
        .windows(2)
        .any(|w| matches!(w, [a, b] if b.signed_duration_since(*a) != step))
    {
        return None;
    }
    let count = times.len();
    let start_day = times.first()?.weekday();
    let day = match start_day {
        chrono::Weekday::Mon => "MO",
        chrono::Weekday::Tue => "TU",
        chrono::Weekday::Wed => "WE",
        chrono::Weekday::Thu => "TH",
        chrono::Weekday::Fri => "FR",
        chrono::Weekday::Sat => "SA",
        chrono::Weekday::Sun => "SU",
    };
    Some(if days % 7 == 0 {
        let weeks = days / 7;
        if weeks == 1 {
            format!("FREQ=WEEKLY;COUNT={count};BYDAY={day}")
        } else {
            format!("FREQ=WEEKLY;INTERVAL={weeks};COUNT={count};BYDAY={day}")
        }
    } else if days == 1 {
        format!("FREQ=DAILY;COUNT={count}")
    } else {
        format!("FREQ=DAILY;INTERVAL={days};COUNT={count}")
    })
}

fn naive(v: &DateTimeValue) -> Option<NaiveDateTime> {
    match v {
        DateTimeValue::Date(d) => d.and_hms_opt(0, 0, 0),
        DateTimeValue::Floating(t) | DateTimeValue::Utc(t) => Some(*t),
        DateTimeValue::Zoned { local, .. } => Some(*local),
    }
}

#[cfg(test)]
#[path = "outlook_tests.rs"]
mod tests;
