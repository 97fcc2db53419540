//! The Outlook profile: what Outlook and Exchange read beyond RFC 5546.
//! X-MICROSOFT-CDO-* properties, ATTENDEE parameters, X-ALT-DESC, and recurrences
//! rewritten into a form Outlook can show. Calendars written by Outlook or Exchange
//! themselves are left as they are (their values are the reference).

pub mod thread_index;

use crate::ical::model::{Param, ParamText, ParamValue, ParamValues};
use crate::ical::value::{escape_text, parse_date_or_date_time, DateTimeValue};
use crate::ical::{Component, Property};
use crate::itip::names::{attendee_params, Index, Name};
use crate::itip::text::{concat, Decimal};
use crate::itip::{address_part, is_address};
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
#[cfg(test)]
pub fn busy_status(ev: &Component, method: Method) -> &'static str {
    busy_status_of(
        ev.property_upper("TRANSP"),
        ev.property_upper("STATUS"),
        method,
    )
}

/// `busy_status` from the event's first TRANSP and STATUS.
fn busy_status_of(
    transp: Option<&Property>,
    status: Option<&Property>,
    method: Method,
) -> &'static str {
    let transparent = transp.is_some_and(|t| t.value().trim().eq_ignore_ascii_case("TRANSPARENT"));
    let tentative = status.is_some_and(|s| s.value().trim().eq_ignore_ascii_case("TENTATIVE"));
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
#[cfg(test)]
pub fn importance(ev: &Component) -> &'static str {
    importance_of(ev.property_upper("PRIORITY"))
}

/// `importance` from the event's first PRIORITY.
fn importance_of(priority: Option<&Property>) -> &'static str {
    match priority.and_then(|p| p.value().trim().parse::<u8>().ok()) {
        Some(1..=4) => "2",
        Some(6..=9) => "0",
        _ => "1",
    }
}

/// X-MICROSOFT-CDO-INSTTYPE: 0 single, 1 recurring master, 3 exception.
#[cfg(test)]
pub fn inst_type(ev: &Component) -> &'static str {
    inst_type_of(
        ev.property_upper("RECURRENCE-ID").is_some(),
        ev.property_upper("RRULE").is_some() || ev.property_upper("RDATE").is_some(),
    )
}

/// `inst_type` from whether the event has a RECURRENCE-ID, and an RRULE or RDATE.
fn inst_type_of(instance: bool, recurring: bool) -> &'static str {
    if instance {
        "3"
    } else if recurring {
        "1"
    } else {
        "0"
    }
}

/// X-MICROSOFT-CDO-ALLDAYEVENT: TRUE when DTSTART is a DATE.
#[cfg(test)]
pub fn all_day(ev: &Component) -> &'static str {
    all_day_of(ev.property_upper("DTSTART"))
}

/// `all_day` from the event's first DTSTART.
fn all_day_of(dtstart: Option<&Property>) -> &'static str {
    let date = dtstart.is_some_and(|p| {
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

/// The [`Name`]s of [`OUTLOOK_PROPERTIES`], in the same order.
const OUTLOOK_NAMES: [Name; OUTLOOK_PROPERTIES.len()] = [
    Name::CdoApptSequence,
    Name::CdoBusyStatus,
    Name::CdoIntendedStatus,
    Name::CdoAllDayEvent,
    Name::CdoImportance,
    Name::CdoInstType,
    Name::DisallowCounter,
];

/// The report detail when every one of [`OUTLOOK_PROPERTIES`] was added, in order (as
/// `join(", ")` writes it).
const ALL_OUTLOOK_PROPERTIES: &str = "X-MICROSOFT-CDO-APPT-SEQUENCE, X-MICROSOFT-CDO-BUSYSTATUS, \
X-MICROSOFT-CDO-INTENDEDSTATUS, X-MICROSOFT-CDO-ALLDAYEVENT, X-MICROSOFT-CDO-IMPORTANCE, \
X-MICROSOFT-CDO-INSTTYPE, X-MICROSOFT-DISALLOW-COUNTER";

/// The constant value [`apply`] gives the Outlook property `name` of an event whose
/// properties are indexed by `index` (for X-MICROSOFT-CDO-APPT-SEQUENCE, the one of an
/// event without SEQUENCE).
fn outlook_constant(name: Name, props: &[Property], index: &Index, method: Method) -> &'static str {
    match name {
        Name::CdoApptSequence => "0",
        Name::CdoBusyStatus | Name::CdoIntendedStatus => busy_status_of(
            index.get(props, Name::Transp),
            index.get(props, Name::Status),
            method,
        ),
        Name::CdoAllDayEvent => all_day_of(index.get(props, Name::Dtstart)),
        Name::CdoImportance => importance_of(index.get(props, Name::Priority)),
        Name::CdoInstType => inst_type_of(
            index.has(Name::RecurrenceId),
            index.has(Name::Rrule) || index.has(Name::Rdate),
        ),
        _ => "FALSE",
    }
}

/// Adds the missing ROLE, PARTSTAT and RSVP to the ATTENDEEs of a REQUEST VEVENT
/// whose properties are indexed by `index` (properties added after the index was made
/// are at the end); the number of ATTENDEEs completed.
fn complete_attendees(ev: &mut Component, index: &Index) -> usize {
    let (Some(start), organizer) = (index.first(Name::Attendee), index.first(Name::Organizer))
    else {
        return 0;
    };
    let mut completed = 0;
    for i in start..ev.properties.len() {
        let Some(a) = ev.properties.get(i) else {
            break;
        };
        if !a.is_upper("ATTENDEE") {
            continue;
        }
        let has = attendee_params(a);
        if has == 0b111 {
            continue;
        }
        let is_organizer = organizer
            .and_then(|j| ev.properties.get(j))
            .is_some_and(|o| is_address(a.value(), address_part(o.value())));
        let Some(a) = ev.properties.get_mut(i) else {
            continue;
        };
        // Added in the order ROLE, PARTSTAT, RSVP, each known to be missing.
        a.reserve_params(3 - has.count_ones() as usize);
        let params = a.params_mut();
        if has & 1 == 0 {
            params.push(standard_param(
                &"ROLE",
                if is_organizer {
                    &"CHAIR"
                } else {
                    &"REQ-PARTICIPANT"
                },
            ));
        }
        if has & 2 == 0 {
            params.push(standard_param(
                &"PARTSTAT",
                if is_organizer {
                    &"ACCEPTED"
                } else {
                    &"NEEDS-ACTION"
                },
            ));
        }
        if has & 4 == 0 {
            // The organizer listed as an attendee has nothing to answer.
            params.push(standard_param(
                &"RSVP",
                if is_organizer { &"FALSE" } else { &"TRUE" },
            ));
        }
        completed += 1;
    }
    completed
}

/// A parameter with one standard value (a name and value that need no escape and
/// no quotes), as [`Property::set_param`] makes it.
fn standard_param(name: &'static &'static str, value: &'static &'static str) -> Param {
    Param {
        name: ParamText::known(name),
        values: ParamValues::one(ParamValue {
            text: ParamText::known(value),
            quoted: false,
        }),
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
        // Each property classified once; the rules below read the index. The values
        // read none of the properties added here (which go to the end, so the index
        // stays right), so the order does not matter.
        let index = Index::of(&ev.properties);
        let wants_alt = alt_desc.is_some_and(|(html, _)| {
            !index.has(Name::RecurrenceId)
                && !index.has(Name::AltDesc)
                && html.len() <= ALT_DESC_LIMIT
        });
        let missing = OUTLOOK_NAMES.iter().filter(|&&n| !index.has(n)).count();
        ev.reserve_properties(missing + usize::from(wants_alt));
        for (name, id) in OUTLOOK_PROPERTIES.into_iter().zip(OUTLOOK_NAMES) {
            if index.has(id) {
                continue;
            }
            // The sequence is copied from the event; the other values are constants.
            let prop = match (id, index.get(&ev.properties, Name::Sequence)) {
                (Name::CdoApptSequence, Some(s)) => Property::new(name, s.value().trim()),
                _ => Property::constant(name, outlook_constant(id, &ev.properties, &index, method)),
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
        if method == Method::Request && index.has(Name::Attendee) {
            attendees += complete_attendees(ev, &index);
        }
        if let (true, Some((html, _))) = (wants_alt, alt_desc) {
            let mut p = Property::new("X-ALT-DESC", escape_text(html));
            p.set_param("FMTTYPE", "text/html");
            ev.properties.push(p);
            alt_added = true;
        }
    }
    if !added.is_empty() {
        let detail = if added == OUTLOOK_PROPERTIES {
            ALL_OUTLOOK_PROPERTIES.to_owned()
        } else {
            added.join(", ")
        };
        report.fix(FixCode::CdoPropertiesAdded, detail);
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
