//! An independent reader of VTIMEZONE components: what UTC offset does a VTIMEZONE
//! give a local time, as RFC 5545 (section 3.6.5) defines it?
//!
//! This module deliberately shares no code with [`super::vtimezone`], which writes
//! VTIMEZONEs: the tests trust it to check what that module writes, and it reads
//! VTIMEZONEs from other senders too. It uses the iCalendar value parsers only (RRULEs
//! through the parse memo of [`super::rules`]), and keeps what it computes in the
//! bounded process-wide memos of [`super::memo`] (see [`Reader`]).
//!
//! Each STANDARD or DAYLIGHT observance has onsets: its DTSTART, the instances of its
//! RRULEs and its RDATEs, less its EXDATEs. Each onset is a local wall time in the
//! observance's TZOFFSETFROM (an RDATE or EXDATE written in UTC is converted with it),
//! so its UTC instant is the onset minus TZOFFSETFROM. The offset in force at a local
//! time is the TZOFFSETTO of the latest onset (by UTC) at or before it. A local time
//! in the gap of a change, or in the repeated hour of one, takes the offset before the
//! change, as RFC 5545 section 3.3.5 says (a gap time "is interpreted using the UTC
//! offset before the gap"; a repeated time "refers to the first occurrence"): an
//! onset counts only once its wall time has passed in both its offsets.
//!
//! RRULE support is what VTIMEZONEs use: FREQ=YEARLY with INTERVAL, UNTIL or COUNT,
//! BYMONTH, BYDAY (with or without ordinals, which count within the month when
//! BYMONTH is given) and BYMONTHDAY. Any other rule part (or BYDAY without BYMONTH)
//! makes the whole VTIMEZONE unreadable (`None`) rather than misread. DTSTART always
//! counts as the first onset, synchronised with its RRULE or not (so Exchange's
//! `DTSTART:16010101T020000` with `BYMONTH=10` adds an onset on 1601-01-01), and
//! COUNT includes it.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

use std::sync::Arc;

use super::memo::{content_key, Memo};
use crate::ical::model::{Component, Property};
use crate::ical::value::{
    parse_date_or_date_time, parse_utc_offset, DateTimeValue, Frequency, Recur,
};

/// The UTC offset (seconds east of UTC) that `vtimezone` gives the local time `local`.
///
/// `None` when the VTIMEZONE has no STANDARD/DAYLIGHT observance, when an observance
/// lacks a readable DTSTART, TZOFFSETFROM or TZOFFSETTO, when an RRULE, RDATE or
/// EXDATE cannot be read or uses a rule part not supported here, or when `local` is
/// before every onset.
///
/// To ask about many local times, read the VTIMEZONE once with [`Reader`].
#[cfg_attr(not(test), allow(dead_code))] // the pipeline asks through a `Reader`
pub fn utc_offset_at(vtimezone: &Component, local: NaiveDateTime) -> Option<i32> {
    Reader::new(vtimezone).utc_offset_at(local)
}

/// At most this many horizon years' onsets are kept by one [`Reader`]; further ones
/// are computed for each question.
const KEPT_HORIZONS: usize = 16;

/// An onset, ready to compare: its UTC instant, the local time from which it counts,
/// and the offset it begins.
#[derive(Clone, Copy)]
struct Onset {
    utc: NaiveDateTime,
    passed_at: NaiveDateTime,
    to: i32,
}

/// Onsets by the VTIMEZONE's content and horizon year (see [`Reader`]).
static ONSETS: Memo<Vec<u8>, Option<Arc<[Onset]>>> = Memo::new(64);

/// A VTIMEZONE read once, for many questions: its observances are parsed at the first
/// question that needs them, and the onsets up to a horizon year are computed once per
/// horizon (and kept for up to [`KEPT_HORIZONS`] of them). The onsets are also kept in
/// a bounded process-wide memo keyed by the VTIMEZONE's content and the horizon (see
/// [`super::memo`]), so the same VTIMEZONE in the next calendar is not read again. It
/// answers exactly as [`utc_offset_at`].
pub struct Reader<'a> {
    vtimezone: &'a Component,
    /// The content key, once computed or given (`None` inside: too large to memoise).
    key: Option<Option<Arc<[u8]>>>,
    /// The observances, once read; `None` inside when the VTIMEZONE has none or one
    /// cannot be read.
    observances: Option<Option<Vec<Observance>>>,
    /// Onsets by horizon year, in observance order (`None`: the VTIMEZONE cannot be
    /// read, or a rule is not supported).
    kept: Vec<(i32, Option<Arc<[Onset]>>)>,
}

impl<'a> Reader<'a> {
    /// A reader of `vtimezone`.
    pub fn new(vtimezone: &'a Component) -> Reader<'a> {
        Reader {
            vtimezone,
            key: None,
            observances: None,
            kept: Vec::new(),
        }
    }

    /// A reader of `vtimezone` whose [`content_key`] is `key` (`None`: too large to
    /// memoise), so that it is not computed again.
    pub(crate) fn with_key(vtimezone: &'a Component, key: Option<Arc<[u8]>>) -> Reader<'a> {
        Reader {
            key: Some(key),
            ..Reader::new(vtimezone)
        }
    }

    /// The UTC offset (seconds east of UTC) the VTIMEZONE gives the local time
    /// `local`; see [`utc_offset_at`].
    pub fn utc_offset_at(&mut self, local: NaiveDateTime) -> Option<i32> {
        let horizon = local.year().checked_add(1)?;
        let pick = |onsets: &[Onset]| {
            let mut latest: Option<(NaiveDateTime, i32)> = None;
            for o in onsets {
                if local >= o.passed_at && latest.is_none_or(|(u, _)| o.utc > u) {
                    latest = Some((o.utc, o.to));
                }
            }
            latest.map(|(_, to)| to)
        };
        if let Some((_, onsets)) = self.kept.iter().find(|(h, _)| *h == horizon) {
            return pick(onsets.as_deref()?);
        }
        let onsets = self.onsets(horizon);
        let answer = pick(onsets.as_deref()?);
        if self.kept.len() < KEPT_HORIZONS {
            self.kept.push((horizon, onsets));
        }
        answer
    }

    /// The onsets up to the end of year `horizon`, through the process-wide memo.
    fn onsets(&mut self, horizon: i32) -> Option<Arc<[Onset]>> {
        let vtimezone = self.vtimezone;
        let key = self
            .key
            .get_or_insert_with(|| content_key(vtimezone).map(Arc::from))
            .as_deref();
        let observances = &mut self.observances;
        let mut compute = || {
            let observances = observances.get_or_insert_with(|| read_observances(vtimezone));
            onsets_until(observances.as_deref()?, horizon).map(Arc::from)
        };
        // The memo's key: the content key, then the horizon.
        let horizon_bytes = horizon.to_le_bytes();
        match key {
            Some(key) => ONSETS.get_or_compute_with(
                |k| k.strip_suffix(&horizon_bytes) == Some(key),
                || [key, &horizon_bytes].concat(),
                compute,
            ),
            None => compute(),
        }
    }
}

/// The STANDARD and DAYLIGHT observances of `vtimezone`, in order; `None` when it has
/// none or one cannot be read.
fn read_observances(vtimezone: &Component) -> Option<Vec<Observance>> {
    let mut observances = Vec::new();
    for comp in &vtimezone.components {
        if !(comp.is("STANDARD") || comp.is("DAYLIGHT")) {
            continue;
        }
        observances.push(Observance::read(comp)?);
    }
    (!observances.is_empty()).then_some(observances)
}

/// Every onset of the observances up to the end of year `horizon`, in order; `None`
/// when a rule is not supported.
fn onsets_until(observances: &[Observance], horizon: i32) -> Option<Vec<Onset>> {
    let mut out = Vec::new();
    let mut scratch = Scratch::default();
    let mut onsets = Vec::new();
    for obs in observances {
        // An onset counts once its wall time has passed in both of its offsets.
        let settle = TimeDelta::seconds(i64::from(obs.to.saturating_sub(obs.from).max(0)));
        obs.onsets(horizon, &mut onsets, &mut scratch)?;
        for &onset in &onsets {
            let Some(utc) = onset.checked_sub_signed(TimeDelta::seconds(i64::from(obs.from)))
            else {
                continue;
            };
            let Some(passed_at) = onset.checked_add_signed(settle) else {
                continue;
            };
            out.push(Onset {
                utc,
                passed_at,
                to: obs.to,
            });
        }
    }
    Some(out)
}

/// One STANDARD or DAYLIGHT sub-component, read.
struct Observance {
    dtstart: NaiveDateTime,
    from: i32,
    to: i32,
    rules: Vec<Arc<Recur>>,
    rdates: Vec<NaiveDateTime>,
    exdates: Vec<NaiveDateTime>,
}

impl Observance {
    fn read(comp: &Component) -> Option<Observance> {
        let dtstart = match parse_date_or_date_time(comp.property("DTSTART")?.value(), None).ok()? {
            DateTimeValue::Date(d) => d.and_time(NaiveTime::MIN),
            DateTimeValue::Floating(dt)
            | DateTimeValue::Zoned { local: dt, .. }
            | DateTimeValue::Utc(dt) => dt,
        };
        let from = parse_utc_offset(comp.property("TZOFFSETFROM")?.value()).ok()?;
        let to = parse_utc_offset(comp.property("TZOFFSETTO")?.value()).ok()?;
        let mut rules = Vec::new();
        for p in comp.properties_named("RRULE") {
            rules.push(super::rules::parse(p.value())?);
        }
        let mut rdates = Vec::new();
        for p in comp.properties_named("RDATE") {
            rdates.extend(date_list(p, from)?);
        }
        let mut exdates = Vec::new();
        for p in comp.properties_named("EXDATE") {
            exdates.extend(date_list(p, from)?);
        }
        Some(Observance {
            dtstart,
            from,
            to,
            rules,
            rdates,
            exdates,
        })
    }

    /// Every onset (local wall time in `from`) up to the end of year `horizon`, into
    /// `out` (emptied first).
    fn onsets(
        &self,
        horizon: i32,
        out: &mut Vec<NaiveDateTime>,
        scratch: &mut Scratch,
    ) -> Option<()> {
        out.clear();
        out.push(self.dtstart);
        for rule in &self.rules {
            expand(rule, self.dtstart, self.from, horizon, out, scratch)?;
        }
        out.extend(self.rdates.iter().copied());
        out.retain(|o| !self.exdates.contains(o));
        Some(())
    }
}

/// Room reused while expanding rules.
#[derive(Default)]
struct Scratch {
    instances: Vec<NaiveDateTime>,
    days: Vec<u32>,
}

/// The local wall times (in offset `from`) of an RDATE or EXDATE list. PERIOD values
/// count by their start; DATE values at midnight; UTC values are converted.
fn date_list(p: &Property, from: i32) -> Option<Vec<NaiveDateTime>> {
    let mut out = Vec::new();
    for item in p.value().split(',') {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let start = item.split('/').next().unwrap_or(item);
        let local = match parse_date_or_date_time(start, None).ok()? {
            DateTimeValue::Date(d) => d.and_time(NaiveTime::MIN),
            DateTimeValue::Floating(dt) | DateTimeValue::Zoned { local: dt, .. } => dt,
            DateTimeValue::Utc(dt) => dt.checked_add_signed(TimeDelta::seconds(i64::from(from)))?,
        };
        out.push(local);
    }
    Some(out)
}

/// The instances after `dtstart` of a yearly rule, up to the end of year `horizon`,
/// honouring UNTIL and COUNT (which counts DTSTART). `None` for an unsupported rule.
fn expand(
    rule: &Recur,
    dtstart: NaiveDateTime,
    from: i32,
    horizon: i32,
    out: &mut Vec<NaiveDateTime>,
    scratch: &mut Scratch,
) -> Option<()> {
    let unsupported = rule.freq != Frequency::Yearly
        || !rule.by_second.is_empty()
        || !rule.by_minute.is_empty()
        || !rule.by_hour.is_empty()
        || !rule.by_year_day.is_empty()
        || !rule.by_week_no.is_empty()
        || !rule.by_set_pos.is_empty()
        || !rule.other.is_empty()
        || (!rule.by_day.is_empty() && rule.by_month.is_empty());
    if unsupported {
        return None;
    }
    let step = i32::try_from(rule.interval.unwrap_or(1).max(1)).ok()?;
    // BYMONTH, else the month of DTSTART.
    let months = rule
        .by_month
        .iter()
        .map(|&m| u32::from(m))
        .chain(rule.by_month.is_empty().then(|| dtstart.month()));
    let mut count: u32 = 1; // DTSTART
    let mut year = dtstart.year();
    // Without COUNT only the last years before the horizon can hold the latest onset:
    // skip ahead (in whole steps) instead of walking from 1601.
    if rule.count.is_none() {
        let skip = horizon.saturating_sub(3).saturating_sub(year).max(0) / step * step;
        year = year.checked_add(skip)?;
    }
    let Scratch { instances, days } = scratch;
    'years: while year <= horizon {
        instances.clear();
        for month in months.clone() {
            month_days(rule, year, month, dtstart.day(), days);
            for &day in days.iter() {
                if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
                    instances.push(date.and_time(dtstart.time()));
                }
            }
        }
        instances.sort();
        instances.dedup();
        for &inst in instances.iter() {
            if inst <= dtstart {
                continue;
            }
            if past_until(rule, inst, from) {
                break 'years;
            }
            if rule.count.is_some_and(|c| count >= c) {
                break 'years;
            }
            out.push(inst);
            count = count.saturating_add(1);
        }
        year = year.checked_add(step)?;
    }
    Some(())
}

fn past_until(rule: &Recur, inst: NaiveDateTime, from: i32) -> bool {
    match &rule.until {
        None => false,
        Some(DateTimeValue::Date(d)) => inst.date() > *d,
        Some(DateTimeValue::Floating(u) | DateTimeValue::Zoned { local: u, .. }) => inst > *u,
        Some(DateTimeValue::Utc(u)) => inst
            .checked_sub_signed(TimeDelta::seconds(i64::from(from)))
            .is_none_or(|utc| utc > *u),
    }
}

/// Number of days in a month (0 for an impossible month).
fn month_length(year: i32, month: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some())
        .unwrap_or(0)
}

/// The days of `month` in `year` that the rule's BYDAY / BYMONTHDAY select (the
/// DTSTART day when it has neither), in order, into `days` (emptied first).
fn month_days(rule: &Recur, year: i32, month: u32, dtstart_day: u32, days: &mut Vec<u32>) {
    days.clear();
    let len = month_length(year, month);
    if len == 0 {
        return;
    }
    let month_day_wanted = |day: u32| {
        rule.by_month_day.iter().any(|&md| {
            let md = i64::from(md);
            let resolved = if md > 0 { md } else { i64::from(len) + 1 + md };
            resolved == i64::from(day)
        })
    };
    if rule.by_day.is_empty() {
        if rule.by_month_day.is_empty() {
            days.push(dtstart_day);
            return;
        }
        days.extend((1..=len).filter(|&d| month_day_wanted(d)));
        return;
    }
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
        return;
    };
    let first_wd = first.weekday().num_days_from_monday();
    for wn in &rule.by_day {
        // All days of the month on this weekday, in order.
        let first_match = 1 + (wn.weekday.num_days_from_monday() + 7 - first_wd) % 7;
        let matching = (0..5).map(|k| first_match + 7 * k).filter(|&d| d <= len);
        match wn.ordinal {
            None => days.extend(matching),
            Some(n) => {
                let n = i64::from(n);
                let len_m = i64::try_from(matching.clone().count()).unwrap_or(0);
                let idx = if n > 0 { n - 1 } else { len_m + n };
                if let Some(d) = usize::try_from(idx)
                    .ok()
                    .and_then(|i| matching.clone().nth(i))
                {
                    days.push(d);
                }
            }
        }
    }
    if !rule.by_month_day.is_empty() {
        days.retain(|&d| month_day_wanted(d));
    }
    days.sort_unstable();
    days.dedup();
}

#[cfg(test)]
#[path = "observe_tests.rs"]
mod tests;
