//! The four vCalendar alarm properties (DALARM, AALARM, PALARM, MALARM), each
//! converted to a VALARM component.

use crate::ical::model::{Component, Property};
use crate::ical::value::{parse_date_or_date_time, parse_duration, DateTimeValue};

use super::attendee::{has_scheme, is_email, param_upper, vcal_address};
use super::values::{split_unescaped, strip_prefix_ignore_case, vcal_text_to_ical};

/// DALARM / AALARM / PALARM / MALARM (`run time;snooze;repeat count;...`) to a VALARM.
/// `Err` says why the alarm cannot be converted without guessing.
pub(super) fn convert_alarm(
    p: &Property,
    name: &str,
    summary: Option<&str>,
) -> Result<(Component, String), String> {
    let fields: Vec<&str> = split_unescaped(
        p.value(),
        |c| c == ';',
        if name == "MALARM" { 5 } else { 4 },
    )
    .into_iter()
    .map(str::trim)
    .collect();
    let field = |i: usize| fields.get(i).copied().unwrap_or("");

    let run = field(0);
    if run.is_empty() {
        return Err("no run time".into());
    }
    let trigger = match parse_date_or_date_time(run, None) {
        Ok(v @ (DateTimeValue::Utc(_) | DateTimeValue::Floating(_))) => v,
        _ => return Err(format!("run time {run:?} is not a date-time")),
    };
    let mut notes: Vec<String> = Vec::new();
    let mut alarm = Component::new("VALARM");
    let action = match name {
        "AALARM" => "AUDIO",
        "MALARM" => "EMAIL",
        _ => "DISPLAY",
    };
    alarm.properties.push(Property::new("ACTION", action));
    let mut trig = Property::new("TRIGGER", trigger.format());
    trig.set_param("VALUE", "DATE-TIME");
    alarm.properties.push(trig);

    let (snooze, repeat) = (field(1), field(2));
    let duration = parse_duration(snooze).ok().filter(|_| !snooze.is_empty());
    let count = repeat
        .parse::<u32>()
        .ok()
        .filter(|_| repeat.bytes().all(|b| b.is_ascii_digit()));
    match (duration, count) {
        (Some(d), Some(n)) if n > 0 => {
            alarm.properties.push(Property::new("DURATION", d.format()));
            alarm
                .properties
                .push(Property::new("REPEAT", n.to_string()));
        }
        // A repeat count of 0 means no repetition: nothing is lost.
        (_, Some(0)) => {}
        _ if snooze.is_empty() && repeat.is_empty() => {}
        _ => notes.push(format!("snooze {snooze:?} / repeat {repeat:?} dropped")),
    }

    let fallback = || summary.unwrap_or("Reminder").to_owned();
    match name {
        "DALARM" => {
            let text = field(3);
            let description = if text.is_empty() {
                fallback()
            } else {
                vcal_text_to_ical(text)
            };
            alarm
                .properties
                .push(Property::new("DESCRIPTION", description));
        }
        "PALARM" => {
            let procedure = field(3);
            let description = if procedure.is_empty() {
                fallback()
            } else {
                vcal_text_to_ical(&format!("Run procedure: {procedure}"))
            };
            alarm
                .properties
                .push(Property::new("DESCRIPTION", description));
            notes.push("iCalendar has no PROCEDURE action".into());
        }
        "AALARM" => {
            let content = field(3);
            if !content.is_empty() {
                let value_type = param_upper(p, "VALUE");
                match value_type.as_deref() {
                    Some("CONTENT-ID" | "CID") => {
                        let id = content.trim_start_matches('<').trim_end_matches('>');
                        let id = strip_prefix_ignore_case(id, "cid:").unwrap_or(id);
                        alarm
                            .properties
                            .push(Property::new("ATTACH", format!("cid:{id}")));
                    }
                    Some("URL") | None if has_scheme(content) && !content.contains(' ') => {
                        alarm.properties.push(Property::new("ATTACH", content));
                    }
                    _ => notes.push("inline sound dropped".into()),
                }
            }
        }
        _ => {
            // MALARM
            let to = field(3);
            let addr = match vcal_address(to) {
                Some((_, addr)) => addr,
                None => match strip_prefix_ignore_case(to, "mailto:") {
                    Some(addr) if is_email(addr) => addr.to_owned(),
                    _ => return Err(format!("no e-mail address ({to:?})")),
                },
            };
            let note = field(4);
            let note = (!note.is_empty()).then(|| vcal_text_to_ical(note));
            let subject = summary
                .map(str::to_owned)
                .or_else(|| note.clone())
                .unwrap_or_else(fallback);
            let body = note.unwrap_or_else(fallback);
            alarm
                .properties
                .push(Property::new("ATTENDEE", format!("mailto:{addr}")));
            alarm.properties.push(Property::new("SUMMARY", subject));
            alarm.properties.push(Property::new("DESCRIPTION", body));
        }
    }
    let detail = if notes.is_empty() {
        format!("{name} -> VALARM")
    } else {
        format!("{name} -> VALARM ({})", notes.join("; "))
    };
    Ok((alarm, detail))
}
