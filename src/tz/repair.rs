//! The time-zone stage of the pipeline: identify every TZID, keep the wall-clock times
//! the sender wrote, compute instants from tzdb (not from the sender's possibly stale
//! VTIMEZONE), and write one VTIMEZONE per TZID in the profile's form. Also: all-day
//! events, floating times, UNTIL in UTC, one TZID per event, UTC times in an Outlook
//! CANCEL.
//!
//! A VTIMEZONE that already has the output name and agrees with tzdb for every time in
//! the calendar is kept byte for byte, so a calendar from Outlook or Exchange passes
//! through unchanged.

use std::borrow::Cow;
use std::sync::Arc;

use super::memo::{content_key, Memo};
use super::observe::Reader;
use super::resolve::{resolve_keyed, windows_name_entry, Hints, Resolved};
use super::vtimezone::{outlook_vtimezone, rule_pair, standard_vtimezone};
use crate::ical::model::{param_value_text, unescape_param_text, ParamText};
use crate::ical::value::{format_date, parse_date_or_date_time, parse_recur, DateTimeValue};
use crate::ical::write::write;
use crate::ical::{Component, Property};
use crate::options::Profile;
use crate::report::{FixCode, Method, Report, WarningCode};
use chrono::{Datelike, NaiveDateTime, Offset, TimeDelta, TimeZone};
use chrono_tz::Tz;

/// Properties whose values are dates or date-times that a TZID may qualify.
const TIME_PROPS: &[&str] = &[
    "DTSTART",
    "DTEND",
    "DUE",
    "RECURRENCE-ID",
    "EXDATE",
    "RDATE",
];
/// Properties that a CANCEL in the Outlook profile writes in UTC.
const CANCEL_UTC_PROPS: &[&str] = &["DTSTART", "DTEND", "RECURRENCE-ID"];
/// Sender flags meaning "this is an all-day event".
const ALL_DAY_FLAGS: &[&str] = &[
    "X-MICROSOFT-CDO-ALLDAYEVENT",
    "X-MICROSOFT-MSNCALENDAR-ALLDAYEVENT",
];
/// At most this many disagreements are listed in one warning.
const SHOWN_DISAGREEMENTS: usize = 3;

/// What the stage needs to know.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// Output profile.
    pub profile: Profile,
    /// The calendar's METHOD.
    pub method: Method,
    /// Zone for floating times, if any.
    pub default_tz: Option<Tz>,
}

/// A TZID as a VTIMEZONE or a TZID parameter names it, compared loosely: without
/// quotes, `\,`-style escapes, a trailing literal `\n`, or surrounding blanks.
/// Borrowed when there is no escape to undo.
fn norm_tzid(s: &str) -> Cow<'_, str> {
    // Nothing to remove: no quote, no backslash, no blank at either end.
    let blank_end = |c: Option<char>| c.is_none_or(char::is_whitespace);
    if !s.contains(['"', '\\']) && !blank_end(s.chars().next()) && !blank_end(s.chars().last()) {
        return Cow::Borrowed(s);
    }
    let s = s.trim().trim_matches('"');
    // A literal `\n` at the end (DavMail's fixupTZID case).
    let s = s
        .strip_suffix("\\n")
        .or_else(|| s.strip_suffix("\\N"))
        .unwrap_or(s);
    if !s.contains('\\') {
        return Cow::Borrowed(s.trim().trim_matches('"').trim());
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(n @ (',' | ';' | '\\')) => out.push(n),
                Some(n) => {
                    out.push(c);
                    out.push(n);
                }
                None => out.push(c),
            }
            continue;
        }
        out.push(c);
    }
    Cow::Owned(out.trim().trim_matches('"').trim().to_owned())
}

fn tzid_param(p: &Property) -> Option<Cow<'_, str>> {
    let raw = p.param_value("TZID")?;
    // Nothing to undo (the usual case): no RFC 6868 escape, quote or backslash, and
    // a printable ASCII character at either end (so nothing to trim, and not empty).
    let edge = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    let bytes = raw.as_bytes();
    if edge(bytes.first())
        && edge(bytes.last())
        && !bytes.iter().any(|b| matches!(b, b'^' | b'"' | b'\\'))
    {
        return Some(Cow::Borrowed(raw));
    }
    let t = match unescape_param_text(raw) {
        Cow::Borrowed(b) => norm_tzid(b),
        Cow::Owned(o) => Cow::Owned(norm_tzid(&o).into_owned()),
    };
    (!t.is_empty()).then_some(t)
}

/// Adds `t` to `used` unless it is there already; its index in `used`.
fn note_used(used: &mut Vec<String>, t: Cow<'_, str>) -> usize {
    used.iter().position(|u| *u == *t).unwrap_or_else(|| {
        used.push(t.into_owned());
        used.len() - 1
    })
}

/// The local date-times of a property's value(s) (not UTC, not dates).
fn local_times(p: &Property) -> Vec<NaiveDateTime> {
    local_times_iter(p).collect()
}

/// [`local_times`], one by one.
fn local_times_iter(p: &Property) -> impl Iterator<Item = NaiveDateTime> + '_ {
    p.value()
        .split(',')
        .filter_map(|v| match parse_date_or_date_time(v, None) {
            Ok(DateTimeValue::Floating(t)) => Some(t),
            _ => None,
        })
}

/// tzdb's UTC offset for a local time in `zone` (the earlier one in an overlap; in a
/// gap, the offset after it).
fn tzdb_offset(zone: Tz, local: NaiveDateTime) -> Option<i32> {
    let at = |t: NaiveDateTime| {
        zone.offset_from_local_datetime(&t)
            .earliest()
            .map(|o| o.fix().local_minus_utc())
    };
    at(local).or_else(|| at(local.checked_add_signed(TimeDelta::hours(1))?))
}

fn to_utc(zone: Tz, local: NaiveDateTime) -> Option<NaiveDateTime> {
    let offset = tzdb_offset(zone, local)?;
    local.checked_sub_signed(TimeDelta::seconds(i64::from(offset)))
}

fn format_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    format!("{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
}

/// Whether `c` is called `upper` (ignoring ASCII case; `upper` is written in upper
/// case): the usual exact spelling is decided by one comparison.
fn is_named(c: &Component, upper: &str) -> bool {
    c.name == upper || c.is(upper)
}

fn events_mut(cal: &mut Component) -> impl Iterator<Item = &mut Component> {
    cal.components
        .iter_mut()
        .filter(|c| is_named(c, "VEVENT") || is_named(c, "VTODO"))
}

fn events(cal: &Component) -> impl Iterator<Item = &Component> {
    cal.components
        .iter()
        .filter(|c| is_named(c, "VEVENT") || is_named(c, "VTODO"))
}

/// One identified TZID and what to do with it.
struct Plan {
    /// The TZID as used (normalised).
    from: String,
    /// The TZID to write (a tzdb or a Windows name).
    out: &'static str,
    /// `out` as a parameter value (made once, not per property).
    out_param: ParamText,
    zone: Tz,
    /// Whether the VTIMEZONE is (re)built.
    rebuild: bool,
    /// The rule that identified the zone and what matched, for the report.
    found: Resolved,
    /// What happens to its VTIMEZONE, for the report.
    how: &'static str,
}

impl Plan {
    /// How the zone was identified, for the report.
    fn identified(&self) -> String {
        let mut text = String::new();
        self.push_identified(&mut text, 0);
        text
    }

    /// Appends [`Plan::identified`] to `text`:
    /// `TZID "<from>" identified as <zone> (<rule>: <detail>)`, making room for
    /// `extra` more bytes.
    fn push_identified(&self, text: &mut String, extra: usize) {
        let (zone, rule, detail) = (
            self.zone.name(),
            self.found.rule.as_str(),
            &self.found.detail,
        );
        text.reserve(36 + self.from.len() + zone.len() + rule.len() + detail.len() + extra);
        text.push_str("TZID ");
        push_debug_str(text, &self.from);
        text.push_str(" identified as ");
        text.push_str(zone);
        text.push_str(" (");
        text.push_str(rule);
        text.push_str(": ");
        text.push_str(detail);
        text.push(')');
    }
}

/// Appends `s` as `format!("{s:?}")` writes it: quoted, with `"`, `\` and characters
/// that are not printable escaped. Printable ASCII (the usual TZID) is copied as it is.
fn push_debug_str(text: &mut String, s: &str) {
    if s.bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        text.push('"');
        text.push_str(s);
        text.push('"');
    } else {
        use std::fmt::Write;
        // Writing to a `String` does not fail.
        let _ = write!(text, "{s:?}");
    }
}

/// Runs the stage.
pub fn repair(cal: &mut Component, ctx: &Context, report: &mut Report) {
    all_day(cal, report);
    if let Some(zone) = ctx.default_tz {
        anchor_floating(cal, zone, report);
    }
    let mut first_start = first_local_start(cal);
    let plans = identify(cal, first_start, ctx, report);
    let converted = unify_event_tzids(cal, &plans, report);
    if ctx.profile == Profile::Outlook
        && ctx.method == Method::Cancel
        && cancel_in_utc(cal, &plans, &converted, report)
    {
        // DTSTARTs may now be in UTC.
        first_start = first_local_start(cal);
    }
    until_in_utc(cal, &plans, report);
    apply_names(cal, &plans, &converted);
    rebuild_vtimezones(cal, &plans, first_start, ctx.profile, report);
}

/// The local time of the first DTSTART of the calendar's events (unless it is UTC
/// or a date). Only DTSTARTs change it, and only [`all_day`] and [`cancel_in_utc`]
/// change those.
fn first_local_start(cal: &Component) -> Option<NaiveDateTime> {
    events(cal)
        .find_map(|e| e.property_upper("DTSTART"))
        .and_then(|p| local_times_iter(p).next())
}

/// All-day events: a missing DTEND or one equal to DTSTART becomes DTSTART + 1 day;
/// local midnight-to-midnight date-times flagged all-day by the sender become dates.
fn all_day(cal: &mut Component, report: &mut Report) {
    let mut details: Vec<&'static str> = Vec::new();
    for ev in cal.components.iter_mut().filter(|c| is_named(c, "VEVENT")) {
        let flagged = ALL_DAY_FLAGS.iter().any(|f| {
            ev.property_upper(f)
                .is_some_and(|p| p.value().trim().eq_ignore_ascii_case("TRUE"))
        });
        if flagged {
            let start = ev.property_upper("DTSTART").map(local_times);
            let end = ev.property_upper("DTEND").map(local_times);
            if let (Some([s]), Some([e])) = (start.as_deref(), end.as_deref()) {
                let midnight = |t: &NaiveDateTime| t.time() == chrono::NaiveTime::MIN;
                if midnight(s) && midnight(e) && e > s {
                    let (s, e) = (s.date(), e.date());
                    for (name, d) in [("DTSTART", s), ("DTEND", e)] {
                        if let Some(p) = ev.property_upper_mut(name) {
                            let mut np = Property::new(name, format_date(d));
                            np.set_param("VALUE", "DATE");
                            *p = np;
                        }
                    }
                    details.push("local midnight-to-midnight times flagged all-day -> VALUE=DATE");
                }
            }
        }
        // A value with a `T` is a date-time (or nothing), never a date: not parsed.
        let start_date = ev
            .property_upper("DTSTART")
            .filter(|p| !p.value().bytes().any(|b| matches!(b, b'T' | b't')))
            .and_then(|p| match parse_date_or_date_time(p.value(), None) {
                Ok(DateTimeValue::Date(d)) => Some(d),
                _ => None,
            });
        let Some(start) = start_date else { continue };
        let end_date = ev
            .property_upper("DTEND")
            .map(|p| parse_date_or_date_time(p.value(), None));
        let next = start.succ_opt().unwrap_or(start);
        let mut dtend = Property::new("DTEND", format_date(next));
        dtend.set_param("VALUE", "DATE");
        match end_date {
            None if ev.property_upper("DURATION").is_none() => {
                ev.insert_property_after(&["DTSTART"], dtend);
                details.push("DTEND added one day after an all-day DTSTART");
            }
            Some(Ok(DateTimeValue::Date(e))) if e <= start => {
                if let Some(p) = ev.property_upper_mut("DTEND") {
                    *p = dtend;
                }
                details.push("all-day DTEND not after DTSTART moved to the next day");
            }
            _ => {}
        }
    }
    details.dedup();
    for d in details {
        report.fix(FixCode::AllDayNormalised, d);
    }
}

/// Floating DTSTART/DTEND/RECURRENCE-ID get the default zone's TZID.
fn anchor_floating(cal: &mut Component, zone: Tz, report: &mut Report) {
    let mut n = 0usize;
    for ev in events_mut(cal) {
        for p in ev
            .properties
            .iter_mut()
            .filter(|p| p.is_any_upper(&["DTSTART", "DTEND", "RECURRENCE-ID", "DUE"]))
        {
            if p.param("TZID").is_none() && local_times_iter(p).next().is_some() {
                p.set_param("TZID", zone.name());
                n += 1;
            }
        }
    }
    if n > 0 {
        report.fix(
            FixCode::FloatingAnchored,
            format!("{n} floating time(s) anchored to {}", zone.name()),
        );
    }
}

/// Identifies every TZID in use and decides what to write for it.
/// `first_start` is [`first_local_start`].
fn identify(
    cal: &Component,
    first_start: Option<NaiveDateTime>,
    ctx: &Context,
    report: &mut Report,
) -> Vec<Plan> {
    // Every time property with a TZID, with the index of its TZID in `used`: one scan
    // of the TZIDs for the whole identification.
    let mut used: Vec<String> = Vec::new();
    let mut uses: Vec<(&Property, usize)> = Vec::new();
    for ev in events(cal) {
        for p in ev.properties.iter().filter(|p| p.is_any_upper(TIME_PROPS)) {
            if let Some(t) = tzid_param(p) {
                uses.push((p, note_used(&mut used, t)));
            }
        }
    }
    let year = first_start.map_or(2000, |t| t.year());
    let x_wr = cal
        .property_upper("X-WR-TIMEZONE")
        .map(|p| p.value().trim());
    let mut plans = Vec::new();
    for (i, tzid) in used.into_iter().enumerate() {
        let vtz = find_vtimezone(cal, &tzid);
        let prop_of = |name: &str| {
            vtz.and_then(|v| v.property_upper(name))
                .map(|p| p.value().trim())
        };
        let hints = Hints {
            x_wr_timezone: x_wr,
            entourage_cftimezone: prop_of("X-ENTOURAGE-CFTIMEZONE"),
            cdo_tzid: prop_of("X-MICROSOFT-CDO-TZID"),
        };
        // Computed once, for the memos of both `resolve` and `disagreements`.
        let key: Option<Arc<[u8]>> = vtz.and_then(content_key).map(Arc::from);
        let Some(found) = resolve_keyed(&tzid, vtz, key.as_ref(), &hints, year) else {
            report.warn(
                WarningCode::TimezoneUnresolved,
                format!("TZID {tzid:?} could not be identified; its times are left as written"),
            );
            continue;
        };
        let zone = found.zone;
        let windows = match ctx.profile {
            Profile::Outlook => windows_name_entry(zone),
            _ => None,
        };
        let out = windows.map_or(zone.name(), |w| *w);
        let disagreements = vtz
            .map(|v| {
                let props = uses.iter().filter(|u| u.1 == i).map(|u| u.0);
                disagreements(props, v, key, zone)
            })
            .unwrap_or_default();
        if !disagreements.is_empty() {
            report.warn(
                WarningCode::EmbeddedRulesDisagree,
                format!(
                    "TZID {tzid:?}: the sender's VTIMEZONE disagrees with tzdb ({}); the \
                     wall-clock times are kept and tzdb's offsets used",
                    disagreements.join("; ")
                ),
            );
        }
        let named = vtz.is_some_and(|v| {
            v.property_upper("TZID")
                .is_some_and(|t| *norm_tzid(t.value()) == *out)
        });
        let keep = vtz.is_some_and(|v| {
            named
                && ((disagreements.is_empty()
                    && (ctx.profile != Profile::Outlook || outlook_shape(v)))
                    // What this stage itself wrote (a calendar with times far apart can
                    // disagree with a one-year pair): never rebuilt twice.
                    || write(std::slice::from_ref(v), "\n")
                        == write(
                            std::slice::from_ref(&*generate(cal, first_start, zone, out, ctx.profile).0),
                            "\n",
                        ))
        });
        let how = match vtz {
            Some(_) => "VTIMEZONE rebuilt",
            None => "VTIMEZONE added (the sender declared none)",
        };
        plans.push(Plan {
            from: tzid,
            out,
            // A Windows name (none needs an escape) is not copied; a tzdb name is (once
            // here, and once for every property that gets it).
            out_param: windows.map_or_else(|| param_value_text(out), ParamText::known),
            zone,
            rebuild: !keep,
            found,
            how,
        });
    }
    plans
}

fn find_vtimezone<'c>(cal: &'c Component, tzid: &str) -> Option<&'c Component> {
    cal.components
        .iter()
        .filter(|c| is_named(c, "VTIMEZONE"))
        .find(|v| {
            v.property_upper("TZID")
                .is_some_and(|t| *norm_tzid(t.value()) == *tzid)
        })
}

/// Where the sender's VTIMEZONE and tzdb give different offsets for the calendar's
/// times in that zone (those of `props`, the time properties with its TZID), as
/// short descriptions. `key` is the VTIMEZONE's [`content_key`].
///
/// Memoised (bounded, see [`super::memo`]) by the content key, the zone and the names
/// and values of `props`, which are all the answer depends on, when the key is known
/// and the properties are few and short.
fn disagreements<'p>(
    props: impl Iterator<Item = &'p Property> + Clone,
    vtz: &Component,
    key: Option<Arc<[u8]>>,
    zone: Tz,
) -> Vec<String> {
    /// Answers by VTIMEZONE content, zone, and names and values of the properties.
    static FOUND: Memo<DisagreementsKey, Vec<String>> = Memo::new(64);
    let (count, bytes) = props.clone().fold((0usize, 0usize), |(n, b), p| {
        (n + 1, b + p.name().len() + p.value().len())
    });
    let Some(content) = key
        .clone()
        .filter(|_| count <= MEMO_MAX_PROPS && bytes <= MEMO_MAX_BYTES)
    else {
        return disagreements_computed(props, vtz, key, zone);
    };
    FOUND.get_or_compute_with(
        |k| {
            k.zone == zone
                && *k.vtimezone == *content
                && k.props.len() == count
                && k.props
                    .iter()
                    .zip(props.clone())
                    .all(|((n, v), p)| **n == *p.name() && **v == *p.value())
        },
        || DisagreementsKey {
            vtimezone: Arc::clone(&content),
            zone,
            props: props
                .clone()
                .map(|p| (Box::from(p.name()), Box::from(p.value())))
                .collect(),
        },
        || disagreements_computed(props.clone(), vtz, key.clone(), zone),
    )
}

/// At most this many properties are memoised in one [`disagreements`] key...
const MEMO_MAX_PROPS: usize = 16;
/// ... with at most this many bytes of names and values.
const MEMO_MAX_BYTES: usize = 1024;

/// What a [`disagreements`] answer is memoised under.
struct DisagreementsKey {
    /// The VTIMEZONE's [`content_key`].
    vtimezone: Arc<[u8]>,
    zone: Tz,
    /// Name and value of each time property, in order.
    props: Vec<(Box<str>, Box<str>)>,
}

/// [`disagreements`], computed.
fn disagreements_computed<'p>(
    props: impl Iterator<Item = &'p Property>,
    vtz: &Component,
    key: Option<Arc<[u8]>>,
    zone: Tz,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut theirs_at = Reader::with_key(vtz, key);
    for p in props {
        // chrono-tz carries tzdb's transitions through 2099 only; beyond that its
        // answer is a fixed offset, not a rule worth comparing against.
        for t in local_times_iter(p).filter(|t| (1900..=2099).contains(&t.year())) {
            let (Some(theirs), Some(ours)) = (theirs_at.utc_offset_at(t), tzdb_offset(zone, t))
            else {
                continue;
            };
            if theirs != ours && out.len() < SHOWN_DISAGREEMENTS {
                let line = format!(
                    "{} {}: sender {}, tzdb {} ({} min)",
                    p.name().to_ascii_uppercase(),
                    t.format("%Y-%m-%d %H:%M"),
                    format_offset(theirs),
                    format_offset(ours),
                    (ours - theirs) / 60
                );
                if !out.contains(&line) {
                    out.push(line);
                }
            }
        }
    }
    out
}

/// The shape Outlook keeps: one STANDARD, at most one DAYLIGHT, each with DTSTART,
/// TZOFFSETFROM and TZOFFSETTO.
fn outlook_shape(vtz: &Component) -> bool {
    let std = vtz
        .components
        .iter()
        .filter(|c| is_named(c, "STANDARD"))
        .count();
    let dst = vtz
        .components
        .iter()
        .filter(|c| is_named(c, "DAYLIGHT"))
        .count();
    std == 1
        && dst <= 1
        && vtz.components.iter().all(|o| {
            ["DTSTART", "TZOFFSETFROM", "TZOFFSETTO"]
                .iter()
                .all(|n| o.property_upper(n).is_some())
        })
}

/// The plan for a property's TZID, whether it still has the name as read or already
/// the output name (a value converted to another event time's zone gets the latter).
fn plan_for<'p>(plans: &'p [Plan], p: &Property) -> Option<&'p Plan> {
    plans.get(plan_index(plans, p)?)
}

/// [`plan_for`]'s position in `plans`.
fn plan_index(plans: &[Plan], p: &Property) -> Option<usize> {
    let t = tzid_param(p)?;
    plans
        .iter()
        .position(|pl| *pl.from == *t)
        .or_else(|| plans.iter().position(|pl| *pl.out == *t))
}

/// The properties [`unify_event_tzids`] converted: (event, property) positions (events
/// as [`events_mut`] gives them) and the plan whose zone each is now in. Their TZID is
/// that plan's output name, which another plan may have as its name as read: they are
/// not looked up by name again.
type Converted = Vec<((usize, usize), usize)>;

/// The plan of the property at `at`: the one it was converted to, else [`plan_for`].
fn plan_of<'p>(
    plans: &'p [Plan],
    converted: &[((usize, usize), usize)],
    at: (usize, usize),
    p: &Property,
) -> Option<&'p Plan> {
    match converted.iter().find(|(c, _)| *c == at) {
        Some(&(_, plan)) => plans.get(plan),
        None => plan_for(plans, p),
    }
}

/// DTEND and RECURRENCE-ID in another zone than DTSTART are converted to DTSTART's
/// zone (Outlook and gromox require one TZID per event).
fn unify_event_tzids(cal: &mut Component, plans: &[Plan], report: &mut Report) -> Converted {
    let mut converted = Converted::new();
    for (e, ev) in events_mut(cal).enumerate() {
        let Some(start_index) = ev
            .property_upper("DTSTART")
            .and_then(|p| plan_index(plans, p))
        else {
            continue;
        };
        let Some(start_plan) = plans.get(start_index) else {
            continue;
        };
        // The converted value gets the output name directly: the name as read may not
        // survive being written (control characters become spaces).
        let (target_tzid, target_out, target_zone) =
            (&start_plan.from, &start_plan.out, start_plan.zone);
        for name in ["DTEND", "RECURRENCE-ID"] {
            let Some(at) = ev.properties.iter().position(|q| q.is_upper(name)) else {
                continue;
            };
            let Some(p) = ev.properties.get(at) else {
                continue;
            };
            let Some(plan) = plan_for(plans, p) else {
                continue;
            };
            if plan.from == *target_tzid {
                continue;
            }
            let [local] = local_times(p)[..] else {
                continue;
            };
            let Some(utc) = to_utc(plan.zone, local) else {
                continue;
            };
            let converted_time = target_zone.from_utc_datetime(&utc).naive_local();
            let mut np = Property::new(name, converted_time.format("%Y%m%dT%H%M%S").to_string());
            np.set_param("TZID", target_out);
            if let Some(slot) = ev.properties.get_mut(at) {
                *slot = np;
                converted.push(((e, at), start_index));
            }
        }
    }
    if !converted.is_empty() {
        report.fix(
            FixCode::TzidUnified,
            format!(
                "{} DTEND/RECURRENCE-ID value(s) converted to DTSTART's zone",
                converted.len()
            ),
        );
    }
    converted
}

/// Outlook 2010/2016 reject a CANCEL with TZID-qualified times: write them in UTC.
/// Whether any was.
fn cancel_in_utc(
    cal: &mut Component,
    plans: &[Plan],
    converted: &[((usize, usize), usize)],
    report: &mut Report,
) -> bool {
    let mut n = 0usize;
    let mut zones: Vec<String> = Vec::new();
    for (e, ev) in events_mut(cal).enumerate() {
        for (at, p) in ev
            .properties
            .iter_mut()
            .enumerate()
            .filter(|(_, p)| p.is_any_upper(CANCEL_UTC_PROPS))
        {
            let Some(plan) = plan_of(plans, converted, (e, at), p) else {
                continue;
            };
            let [local] = local_times(p)[..] else {
                continue;
            };
            let Some(utc) = to_utc(plan.zone, local) else {
                continue;
            };
            let name = p.name().to_owned();
            *p = Property::new(name, utc.format("%Y%m%dT%H%M%SZ").to_string());
            n += 1;
            let identified = plan.identified();
            if !zones.contains(&identified) {
                zones.push(identified);
            }
        }
    }
    if n > 0 {
        report.fix(
            FixCode::CancelTimesUtc,
            format!(
                "{n} DTSTART/DTEND/RECURRENCE-ID value(s) of the CANCEL written in UTC ({})",
                zones.join("; ")
            ),
        );
    }
    n > 0
}

/// RFC 5545 3.3.10: with a zoned DTSTART, UNTIL must be UTC.
fn until_in_utc(cal: &mut Component, plans: &[Plan], report: &mut Report) {
    let mut n = 0usize;
    for ev in events_mut(cal) {
        let Some(zone) = ev
            .property_upper("DTSTART")
            .and_then(|p| plan_for(plans, p))
            .map(|p| p.zone)
        else {
            continue;
        };
        for p in ev
            .properties
            .iter_mut()
            .filter(|p| p.is_upper("RRULE") || p.is_upper("EXRULE"))
        {
            let Ok(mut rule) = parse_recur(p.value()) else {
                continue;
            };
            let Some(DateTimeValue::Floating(local)) = rule.until.clone() else {
                continue;
            };
            let Some(utc) = to_utc(zone, local) else {
                continue;
            };
            rule.until = Some(DateTimeValue::Utc(utc));
            p.set_value(rule.format());
            n += 1;
        }
    }
    if n > 0 {
        report.fix(
            FixCode::UntilUtc,
            format!("UNTIL of {n} rule(s) converted to UTC (DTSTART has a TZID)"),
        );
    }
}

/// Writes the output TZID on every property that uses a planned zone.
fn apply_names(cal: &mut Component, plans: &[Plan], converted: &[((usize, usize), usize)]) {
    for (e, ev) in events_mut(cal).enumerate() {
        // A property without parameters has no TZID.
        for (at, p) in ev
            .properties
            .iter_mut()
            .enumerate()
            .filter(|(_, p)| !p.params().is_empty())
        {
            let Some(plan) = plan_of(plans, converted, (e, at), p) else {
                continue;
            };
            let written = p.param_value("TZID").unwrap_or("");
            if written != plan.out {
                p.set_param_escaped("TZID", plan.out_param.clone());
            }
        }
    }
}

/// The VTIMEZONE this stage writes for `zone` under the name `out`, and the reason the
/// zone's rules are irregular, if they are. The same calendar always gives the same
/// component, so a second run recognises its own output. `first_start` is
/// [`first_local_start`].
fn generate(
    cal: &Component,
    first_start: Option<NaiveDateTime>,
    zone: Tz,
    out: &str,
    profile: Profile,
) -> (Arc<Component>, Option<String>) {
    match profile {
        Profile::Outlook => {
            let at = first_start
                .or_else(|| time_span(cal).map(|s| s.0))
                .unwrap_or(NaiveDateTime::MIN);
            let (pair, irregular) = rule_pair(zone, at.year(), at);
            (outlook_vtimezone(out, &pair), irregular)
        }
        _ => {
            let (a, b) = time_span(cal).unwrap_or((NaiveDateTime::MIN, NaiveDateTime::MIN));
            (Arc::new(standard_vtimezone(zone, a, b)), None)
        }
    }
}

/// The earliest and the latest local time with a TZID in the calendar's events.
fn time_span(cal: &Component) -> Option<(NaiveDateTime, NaiveDateTime)> {
    let mut span: Option<(NaiveDateTime, NaiveDateTime)> = None;
    for ev in events(cal) {
        for p in ev.properties.iter().filter(|p| p.is_any_upper(TIME_PROPS)) {
            if tzid_param(p).is_some() {
                for lt in local_times_iter(p) {
                    span = Some(match span {
                        None => (lt, lt),
                        Some((a, b)) => (a.min(lt), b.max(lt)),
                    });
                }
            }
        }
    }
    span
}

/// Replaces rebuilt VTIMEZONEs, adds missing ones and drops unused ones, keeping one
/// VTIMEZONE per TZID, placed before the first event. `first_start` is
/// [`first_local_start`].
fn rebuild_vtimezones(
    cal: &mut Component,
    plans: &[Plan],
    first_start: Option<NaiveDateTime>,
    profile: Profile,
    report: &mut Report,
) {
    let mut generated: Vec<Arc<Component>> = Vec::new();
    // The positions of the VTIMEZONEs that go, and how many of them no property uses,
    // found before any component is changed.
    let mut gone: Vec<usize> = Vec::new();
    let mut removed = 0usize;
    {
        let mut used: Vec<Cow<'_, str>> = Vec::new();
        for ev in events(cal) {
            for p in ev.properties.iter().filter(|p| p.is_any_upper(TIME_PROPS)) {
                if let Some(t) = tzid_param(p) {
                    if !used.contains(&t) {
                        used.push(t);
                    }
                }
            }
        }
        let recurring = events(cal)
            .any(|e| e.property_upper("RRULE").is_some() || e.property_upper("RDATE").is_some());
        for plan in plans
            .iter()
            .filter(|p| p.rebuild && used.iter().any(|u| *u == p.out))
        {
            if generated.iter().any(|g| {
                g.property_upper("TZID")
                    .is_some_and(|t| t.value() == plan.out)
            }) {
                continue;
            }
            let (vtz, irregular) = generate(cal, first_start, plan.zone, plan.out, profile);
            // The pair is right at the first occurrence by construction; a change of
            // rules only matters to a series that runs on past it.
            if let (Some(why), true) = (irregular, recurring) {
                report.warn(WarningCode::TimezoneRulesIrregular, why);
            }
            // `Plan::identified`, then what happens to the VTIMEZONE, in one go.
            let mut text = String::new();
            // Room for "; <how> as "<out>"" too.
            plan.push_identified(&mut text, 8 + plan.how.len() + plan.out.len());
            text.push_str("; ");
            text.push_str(plan.how);
            text.push_str(" as ");
            push_debug_str(&mut text, plan.out);
            report.fix(FixCode::TimezoneRebuilt, text);
            generated.push(vtz);
        }
        let rebuilt = |name: &str| {
            plans
                .iter()
                .any(|p| p.rebuild && (p.from == name || p.out == name))
        };
        for (i, c) in cal.components.iter().enumerate() {
            if !is_named(c, "VTIMEZONE") {
                continue;
            }
            let name = c
                .property_upper("TZID")
                .map_or(Cow::Borrowed(""), |t| norm_tzid(t.value()));
            let name = &*name;
            let rebuilt = rebuilt(name);
            if rebuilt || !used.iter().any(|u| u == name) {
                gone.push(i);
                if !rebuilt {
                    removed += 1;
                }
            }
        }
    }
    // The VTIMEZONEs that go, kept until the new ones are written over them (which
    // saves allocating the new ones and freeing the old).
    let mut spares: Vec<Component> = Vec::new();
    if !gone.is_empty() {
        // `gone` is in ascending order.
        let (mut i, mut gone) = (0usize, gone.iter().peekable());
        spares.extend(cal.components.extract_if(.., |_| {
            let goes = gone.next_if_eq(&&i).is_some();
            i += 1;
            goes
        }));
    }
    if !generated.is_empty() {
        let pos = cal
            .components
            .iter()
            .position(|c| !is_named(c, "VTIMEZONE"))
            .unwrap_or(cal.components.len());
        for (i, g) in generated.into_iter().enumerate() {
            let component = match (Arc::try_unwrap(g), spares.pop()) {
                (Ok(own), _) => own,
                (Err(shared), Some(mut spare)) => {
                    copy_into(&mut spare, &shared);
                    spare
                }
                (Err(shared), None) => Component::clone(&shared),
            };
            cal.components.insert(pos + i, component);
        }
    }
    if removed > 0 {
        report.fix(
            FixCode::TimezoneRemoved,
            format!("{removed} VTIMEZONE(s) that no property uses removed"),
        );
    }
}

/// Makes `dst` equal to `src`, reusing the allocations `dst` has.
fn copy_into(dst: &mut Component, src: &Component) {
    dst.name.clone_from(&src.name);
    dst.properties.truncate(src.properties.len());
    for (d, s) in dst.properties.iter_mut().zip(&src.properties) {
        d.assign_from(s);
    }
    if let Some(rest) = src.properties.get(dst.properties.len()..) {
        dst.properties.extend_from_slice(rest);
    }
    let n = src.components.len();
    dst.components.truncate(n);
    for (d, s) in dst.components.iter_mut().zip(&src.components) {
        copy_into(d, s);
    }
    if let Some(rest) = src.components.get(dst.components.len()..) {
        dst.components.extend_from_slice(rest);
    }
}

#[cfg(test)]
#[path = "repair_tests.rs"]
mod tests;
