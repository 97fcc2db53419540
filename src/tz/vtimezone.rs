//! VTIMEZONE generation from tzdb (through chrono-tz), in two profiles.
//!
//! * The Outlook profile ([`outlook_vtimezone`]) is what Exchange and Outlook 2007+
//!   write and expect: a Windows TZID, one STANDARD and at most one DAYLIGHT
//!   observance, each with a DTSTART in 1601 and a yearly `BYMONTH` + `BYDAY` rule.
//!   Outlook keeps a single standard/daylight rule pair per zone, so the pair is
//!   derived for one year by [`rule_pair`], which says when that year cannot be
//!   described by one pair or when its rules do not carry over into the next year.
//! * The standard profile ([`standard_vtimezone`]) lists the real transitions of the
//!   zone over a span of time, with real DTSTARTs, under the IANA name.
//!
//! chrono-tz does not expose its transition table, so transitions are found by
//! sampling the UTC offset (hourly; daily when looking far back for the onset of the
//! observance in force) and bisecting to the second where it changes. Only the total
//! UTC offset counts: tzdb's split into base and DST offset is not used for the rule
//! pair, so Europe/Dublin's "negative DST" (chrono-tz reports winter GMT as base +1,
//! DST -1) still yields standard +0000 / daylight +0100. In a pair, the larger of the
//! two offsets is always the daylight one.
//!
//! chrono-tz expands tzdb's rules through 2099 only; for later years it reports the
//! last offset forever, so years near or after 2099 are reported as irregular.
//!
//! The changes of a zone in a year, which [`rule_pair`] looks at for the year and its
//! neighbours, the pair of a year that one pair describes exactly, [`rule_pair`]'s
//! results by instant and the components [`outlook_vtimezone`] builds are kept in
//! bounded process-wide memos (see [`super::memo`]); the results are the same with or
//! without them.

use chrono::{
    DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Timelike, Weekday,
};
use chrono_tz::{OffsetComponents, OffsetName, Tz, TzOffset};

use std::sync::Arc;

use super::memo::Memo;
use crate::ical::model::{Component, Property};
use crate::ical::value::{escape_text, format_utc_offset, WeekdayNum};

/// The yearly rule pair in force for a zone in a given year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulePair {
    /// The standard (smaller) UTC offset, in seconds east of UTC.
    pub standard_offset: i32,
    /// Daylight saving time, when the zone observes it that year.
    pub daylight: Option<Daylight>,
}

/// The daylight half of a [`RulePair`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Daylight {
    /// The daylight UTC offset, in seconds east of UTC (larger than the standard one).
    pub offset: i32,
    /// The change from standard to daylight time.
    pub start: Transition,
    /// The change from daylight to standard time.
    pub end: Transition,
}

/// A yearly transition: month (1-12), weekday, week ordinal (1..4 or -1 for last),
/// local wall time of the transition in the offset *before* it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// Month, 1 to 12.
    pub month: u32,
    /// Day of the week.
    pub weekday: Weekday,
    /// Which such weekday of the month: 1 to 4, or -1 for the last.
    pub ordinal: i8,
    /// Local wall time of the transition, in the offset in force before it.
    pub time: NaiveTime,
}

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// Sampling step when looking for transitions in a span of interest: since the 1940s
/// tzdb has no two changes that cancel out within a week (the shortest are Ramadan
/// suspensions of DST, about a month), and each change found is bisected to the
/// second. A week keeps the scan of a year at about 50 lookups.
const SCAN_STEP: i64 = 7 * DAY;
/// How far back [`standard_vtimezone`] looks (daily) for the onset of the observance in
/// force at the start of its span; older onsets are written as 1601 with
/// TZOFFSETFROM = TZOFFSETTO.
const LOOKBACK: i64 = 50 * 366 * DAY;
/// The longest span [`standard_vtimezone`] covers; later transitions are left out.
const MAX_SPAN: i64 = 200 * 366 * DAY;
/// Sampling step when scoring candidate pairs for an irregular year.
const SCORE_STEP: i64 = 3 * HOUR;
/// Upper bound on changes in a year that are combined into candidate pairs.
const MAX_CHANGES_COMBINED: usize = 16;

// ---------------------------------------------------------------------------
// tzdb access
// ---------------------------------------------------------------------------

/// A change of UTC offset found in tzdb, at `utc` (seconds since the epoch, the first
/// second with the new offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Change {
    utc: i64,
    before: i32,
    after: i32,
}

impl Change {
    /// The wall time of the change in the offset before it (an iCalendar DTSTART).
    fn local_before(&self) -> Option<NaiveDateTime> {
        naive_of(self.utc.checked_add(i64::from(self.before))?)
    }
}

fn ts_of(dt: NaiveDateTime) -> i64 {
    dt.and_utc().timestamp()
}

fn naive_of(ts: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp(ts, 0).map(|d| d.naive_utc())
}

fn span_at(zone: Tz, ts: i64) -> Option<TzOffset> {
    Some(zone.offset_from_utc_datetime(&naive_of(ts)?))
}

fn offset_at(zone: Tz, ts: i64) -> Option<i32> {
    span_at(zone, ts).map(|o| o.fix().local_minus_utc())
}

fn year_start(year: i32) -> Option<i64> {
    Some(ts_of(
        NaiveDate::from_ymd_opt(year, 1, 1)?.and_hms_opt(0, 0, 0)?,
    ))
}

/// Every change of offset in `(start, end]`, sampling every `step` seconds and
/// bisecting to the second. Two changes closer together than `step` that cancel out
/// are not seen (tzdb has none since the 1940s at an hourly step).
fn scan(zone: Tz, start: i64, end: i64, step: i64) -> Vec<Change> {
    let mut out = Vec::new();
    let Some(mut prev) = offset_at(zone, start) else {
        return out;
    };
    let step = step.max(1);
    let mut t = start;
    while t < end {
        let next = t.saturating_add(step).min(end);
        let Some(off) = offset_at(zone, next) else {
            break;
        };
        if off == prev {
            t = next;
            continue;
        }
        let (mut lo, mut hi) = (t, next);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            match offset_at(zone, mid) {
                Some(o) if o == prev => lo = mid,
                Some(_) => hi = mid,
                None => break,
            }
        }
        let after = offset_at(zone, hi).unwrap_or(off);
        out.push(Change {
            utc: hi,
            before: prev,
            after,
        });
        prev = after;
        t = hi;
    }
    out
}

/// [`year_changes`] results, kept for the process (bounded; see [`super::memo`]).
static YEAR_CHANGES: Memo<(Tz, i32), Option<Arc<[Change]>>> = Memo::new(64);

/// The changes whose local wall time (before the change) falls in `year` (memoised).
fn year_changes(zone: Tz, year: i32) -> Option<Arc<[Change]>> {
    YEAR_CHANGES.get_or_compute(&(zone, year), || {
        scan_year_changes(zone, year).map(Arc::from)
    })
}

/// [`year_changes`], computed.
fn scan_year_changes(zone: Tz, year: i32) -> Option<Vec<Change>> {
    let start = year_start(year)?.checked_sub(2 * DAY)?;
    let end = year_start(year.checked_add(1)?)?.checked_add(2 * DAY)?;
    let mut changes = scan(zone, start, end, SCAN_STEP);
    changes.retain(|c| c.local_before().is_some_and(|l| l.year() == year));
    Some(changes)
}

/// The UTC instant of a local time: the first occurrence when it is ambiguous,
/// `None` in a gap.
fn instant_utc(zone: Tz, local: NaiveDateTime) -> Option<i64> {
    let offset = zone.offset_from_local_datetime(&local).earliest()?;
    ts_of(local).checked_sub(i64::from(offset.fix().local_minus_utc()))
}

// ---------------------------------------------------------------------------
// Rule pairs
// ---------------------------------------------------------------------------

fn days_in_month(year: i32, month: u32) -> Option<u32> {
    let (y, m) = if month >= 12 {
        (year.checked_add(1)?, 1)
    } else {
        (year, month + 1)
    };
    Some(NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()?.day())
}

/// The date of `t` in `year`.
fn date_of(year: i32, t: &Transition) -> Option<NaiveDate> {
    if t.ordinal > 0 {
        NaiveDate::from_weekday_of_month_opt(year, t.month, t.weekday, t.ordinal.unsigned_abs())
    } else if t.ordinal < 0 {
        let last = NaiveDate::from_ymd_opt(year, t.month, days_in_month(year, t.month)?)?;
        let back =
            (last.weekday().num_days_from_monday() + 7 - t.weekday.num_days_from_monday()) % 7;
        let weeks_back = u32::from(t.ordinal.unsigned_abs()).checked_sub(1)?;
        let day = last.day().checked_sub(back)?.checked_sub(7 * weeks_back)?;
        NaiveDate::from_ymd_opt(year, t.month, day)
    } else {
        None
    }
}

/// The ways a local time can be described as a yearly transition: as the last such
/// weekday of its month (preferred, as in tzdb's `lastSun`) and/or as the nth (1-4).
fn transition_options(local: NaiveDateTime) -> Vec<Transition> {
    let date = local.date();
    let (day, month) = (date.day(), date.month());
    let make = |ordinal| Transition {
        month,
        weekday: date.weekday(),
        ordinal,
        time: local.time(),
    };
    let mut out = Vec::with_capacity(2);
    if days_in_month(date.year(), month).is_some_and(|n| day + 7 > n) {
        out.push(make(-1));
    }
    let nth = (day - 1) / 7 + 1;
    if let Ok(n) = i8::try_from(nth) {
        if n <= 4 {
            out.push(make(n));
        }
    }
    out
}

/// The changes a pair makes in `year`, in order.
fn pair_changes(pair: &RulePair, year: i32) -> Option<Vec<Change>> {
    if pair.daylight.is_none() {
        return Some(Vec::new());
    }
    daylight_changes(pair, year).map(Vec::from)
}

/// [`pair_changes`] of a pair with daylight time (`None` without), without a `Vec`.
fn daylight_changes(pair: &RulePair, year: i32) -> Option<[Change; 2]> {
    let d = pair.daylight.as_ref()?;
    let start_local = date_of(year, &d.start)?.and_time(d.start.time);
    let end_local = date_of(year, &d.end)?.and_time(d.end.time);
    let start = Change {
        utc: ts_of(start_local).checked_sub(i64::from(pair.standard_offset))?,
        before: pair.standard_offset,
        after: d.offset,
    };
    let end = Change {
        utc: ts_of(end_local).checked_sub(i64::from(d.offset))?,
        before: d.offset,
        after: pair.standard_offset,
    };
    let mut v = [start, end];
    v.sort_by_key(|c| c.utc);
    Some(v)
}

/// A pair's changes over the years `first..=last`, in order (for evaluation).
fn pair_changes_span(pair: &RulePair, first: i32, last: i32) -> Vec<Change> {
    let mut all = Vec::new();
    for y in first..=last {
        if let Some(v) = pair_changes(pair, y) {
            all.extend(v);
        }
    }
    all.sort_by_key(|c| c.utc);
    all
}

/// The offset a list of ordered changes gives at `ts`.
fn offset_from_changes(changes: &[Change], standard: i32, ts: i64) -> i32 {
    let i = changes.partition_point(|c| c.utc <= ts);
    match i.checked_sub(1).and_then(|j| changes.get(j)) {
        Some(c) => c.after,
        None => changes.first().map_or(standard, |c| c.before),
    }
}

/// The offset `pair` gives at the UTC instant `ts`.
fn pair_offset_at(pair: &RulePair, ts: i64) -> Option<i32> {
    if pair.daylight.is_none() {
        return Some(pair.standard_offset);
    }
    let year = naive_of(ts.checked_add(i64::from(pair.standard_offset))?)?.year();
    // The changes of the years around `year`, in order, as `pair_changes_span` gives
    // them for `year - 1 ..= year + 1`, on the stack.
    let none = Change {
        utc: 0,
        before: 0,
        after: 0,
    };
    let mut all = [none; 6];
    let mut n = 0;
    for y in year.saturating_sub(1)..=year.saturating_add(1) {
        for c in daylight_changes(pair, y).into_iter().flatten() {
            if let Some(slot) = all.get_mut(n) {
                *slot = c;
                n += 1;
            }
        }
    }
    let changes = all.get_mut(..n)?;
    changes.sort_by_key(|c| c.utc);
    Some(offset_from_changes(changes, pair.standard_offset, ts))
}

/// Whether `pair` gives exactly the changes `actual` found in `year` (and, with none,
/// the same constant offset).
fn reproduces(zone: Tz, pair: &RulePair, year: i32, actual: &[Change]) -> bool {
    let Some(predicted) = pair_changes(pair, year) else {
        return false;
    };
    if predicted != actual {
        return false;
    }
    if actual.is_empty() {
        let mid = year_start(year).and_then(|t| offset_at(zone, t.checked_add(182 * DAY)?));
        return mid == Some(pair.standard_offset);
    }
    true
}

fn constant(offset: i32) -> RulePair {
    RulePair {
        standard_offset: offset,
        daylight: None,
    }
}

/// The pairs (one per way of writing the ordinals) made by two changes that go from
/// one offset to another and back.
fn pairs_from_two(a: &Change, b: &Change) -> Option<Vec<RulePair>> {
    if a.before == a.after || a.after != b.before || b.after != a.before {
        return None;
    }
    let (start, end) = if a.after > a.before { (a, b) } else { (b, a) };
    let starts = transition_options(start.local_before()?);
    let ends = transition_options(end.local_before()?);
    let mut out = Vec::with_capacity(starts.len() * ends.len());
    for s in &starts {
        for e in &ends {
            out.push(RulePair {
                standard_offset: start.before,
                daylight: Some(Daylight {
                    offset: start.after,
                    start: *s,
                    end: *e,
                }),
            });
        }
    }
    Some(out)
}

/// The pairs that describe `changes` of `year` exactly: a constant offset for none,
/// a standard/daylight pair for two that go and come back; `None` otherwise.
fn exact_pairs(zone: Tz, year: i32, changes: &[Change]) -> Option<Vec<RulePair>> {
    match changes {
        [] => {
            let off = offset_at(zone, year_start(year)?.checked_add(182 * DAY)?)?;
            Some(vec![constant(off)])
        }
        [a, b] => pairs_from_two(a, b),
        _ => None,
    }
}

const ORDINAL_WORDS: [&str; 4] = ["first", "second", "third", "fourth"];
const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn describe_transition(t: &Transition) -> String {
    let ordinal = if t.ordinal < 0 {
        "last"
    } else {
        usize::from(t.ordinal.unsigned_abs())
            .checked_sub(1)
            .and_then(|i| ORDINAL_WORDS.get(i))
            .copied()
            .unwrap_or("?")
    };
    let month = usize::try_from(t.month)
        .ok()
        .and_then(|m| m.checked_sub(1))
        .and_then(|i| MONTH_NAMES.get(i))
        .copied()
        .unwrap_or("?");
    let weekday = match t.weekday {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    };
    format!(
        "the {ordinal} {weekday} of {month} at {}",
        t.time.format("%H:%M")
    )
}

/// A short human description of a pair, for warnings.
pub fn describe(pair: &RulePair) -> String {
    match &pair.daylight {
        None => format!("UTC{} all year", format_utc_offset(pair.standard_offset)),
        Some(d) => format!(
            "UTC{} standard, UTC{} daylight from {} to {}",
            format_utc_offset(pair.standard_offset),
            format_utc_offset(d.offset),
            describe_transition(&d.start),
            describe_transition(&d.end)
        ),
    }
}

fn describe_changes(changes: &[Change]) -> String {
    let parts: Vec<String> = changes
        .iter()
        .map(|c| {
            let when = c.local_before().map_or_else(
                || "?".to_owned(),
                |l| l.format("%Y-%m-%d %H:%M").to_string(),
            );
            format!(
                "{} UTC{} -> UTC{}",
                when,
                format_utc_offset(c.before),
                format_utc_offset(c.after)
            )
        })
        .collect();
    parts.join(", ")
}

/// Derives the rule pair for `zone` in `year` from tzdb (chrono-tz).
///
/// The changes of UTC offset whose local wall time falls in `year` are found and
/// each is written as the nth or last weekday of its month, at its local time in
/// the offset before it. When there is more than one way to write an ordinal (the
/// 22nd-28th is both "fourth" and possibly "last"), the one that also holds in the
/// next year (else the previous year) is taken, else "last".
///
/// The second element is `None` when the pair describes `year` exactly and also
/// gives exactly the changes of the next year (so a series running on into it is
/// right). Otherwise it is a reason for the caller to warn about, and the pair is the
/// best single one: one that gives the right offset at `instant` (a local time in
/// the zone; taken as its first occurrence when ambiguous, not checked in a gap)
/// and, among those, the one right for the longest part of the 365 days from
/// `instant` on (the first year of a series starting then), chosen from the pairs of
/// `year` and of its neighbouring years, the pairs formed by two of `year`'s changes
/// and the fixed offset in force at `instant`. Reasons:
/// * the year has a number of changes other than none or two, or two that do not go
///   and come back (Brazil 2019, Moscow 2011 and 2014, Morocco's Ramadan breaks);
/// * the year's pair does not hold in the next year (any change of rules, such as
///   the United States in 2006 -> 2007, Iran's DST on fixed Persian-calendar dates,
///   Chile's "Sunday on or after the 2nd", Israel's "Friday before the last Sunday");
/// * the year's pair is not in force at `instant` (an instant outside `year`).
///
/// Only the following year is compared, not the preceding one: the pair serves events
/// at and after `instant`.
pub fn rule_pair(zone: Tz, year: i32, instant: NaiveDateTime) -> (RulePair, Option<String>) {
    /// Results by zone, year and instant (an invitation sent to several recipients, or
    /// updated, asks again for the same).
    static AT_INSTANT: Memo<(Tz, i32, NaiveDateTime), (RulePair, Option<String>)> = Memo::new(64);
    AT_INSTANT.get_or_compute(&(zone, year, instant), || {
        compute_rule_pair(zone, year, instant)
    })
}

/// [`rule_pair`], computed.
fn compute_rule_pair(zone: Tz, year: i32, instant: NaiveDateTime) -> (RulePair, Option<String>) {
    let name = zone.name();
    let instant_ts = instant_utc(zone, instant);
    let actual_at_instant = instant_ts.and_then(|t| offset_at(zone, t));
    let right_at_instant = |p: &RulePair| match (instant_ts, actual_at_instant) {
        (Some(t), Some(o)) => pair_offset_at(p, t) == Some(o),
        _ => true,
    };

    // The usual case: the year's own pair, right at the instant.
    let year_pair = year_pair(zone, year);
    if let Some((pair, reason)) = year_pair.as_deref() {
        if right_at_instant(pair) {
            return (pair.clone(), reason.clone());
        }
    }

    let Some(this) = year_changes(zone, year) else {
        let off = actual_at_instant.unwrap_or(0);
        return (
            constant(off),
            Some(format!(
                "{name}: no time zone data for {year}; using the fixed offset UTC{}",
                format_utc_offset(off)
            )),
        );
    };
    let next = year
        .checked_add(1)
        .and_then(|y| Some((y, year_changes(zone, y)?)));
    // The previous year is needed only for an ambiguous ordinal or an irregular year.
    let prev_cell = std::cell::OnceCell::new();
    let prev = || {
        prev_cell.get_or_init(|| {
            year.checked_sub(1)
                .and_then(|y| Some((y, year_changes(zone, y)?)))
        })
    };
    let exact = exact_pairs(zone, year, &this);
    let problem = match &exact {
        // The year's pair (if any) was `year_pair`, and it is not right at the instant.
        Some(_) => format!(
            "{name}: the {year} rules are not in force at {}",
            instant.format("%Y-%m-%d %H:%M:%S")
        ),
        None if this.len() == 2 => format!(
            "{name}: the two UTC-offset changes of {year} ({}) are not a standard/daylight pair",
            describe_changes(&this)
        ),
        None => format!(
            "{name}: {} UTC-offset change{} in {year} ({}), which one yearly standard/daylight pair cannot describe",
            this.len(),
            if this.len() == 1 { "" } else { "s" },
            describe_changes(&this)
        ),
    };

    // The best single pair.
    let mut candidates: Vec<RulePair> = exact.unwrap_or_default();
    for (y, c) in [prev(), &next].into_iter().flatten() {
        if let Some(v) = exact_pairs(zone, *y, c) {
            candidates.extend(v);
        }
    }
    let combined = this.get(..MAX_CHANGES_COMBINED).unwrap_or(&this);
    for (i, a) in combined.iter().enumerate() {
        for b in combined.iter().skip(i + 1) {
            if let Some(v) = pairs_from_two(a, b) {
                candidates.extend(v);
            }
        }
    }
    if let Some(o) = actual_at_instant {
        candidates.push(constant(o));
    }

    let window = instant_ts.or_else(|| year_start(year)).unwrap_or(0);
    let samples = samples(zone, window, window.saturating_add(365 * DAY));
    let mut best: Option<(usize, RulePair)> = None;
    for cand in candidates {
        if !right_at_instant(&cand) {
            continue;
        }
        let score = score(&cand, &samples);
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, cand));
        }
    }
    let pair = match best {
        Some((_, p)) => p,
        None => constant(
            actual_at_instant
                .or_else(|| {
                    year_start(year).and_then(|t| offset_at(zone, t.checked_add(182 * DAY)?))
                })
                .unwrap_or(0),
        ),
    };
    let reason = format!(
        "{problem}; using the rules in force at {}: {}",
        instant.format("%Y-%m-%d %H:%M:%S"),
        describe(&pair)
    );
    (pair, Some(reason))
}

/// The pair of a year that one pair describes exactly, and the reason to warn about it
/// (`None` when it also holds in the next year); see [`rule_pair`].
type YearPair = Option<Arc<(RulePair, Option<String>)>>;

/// [`year_pair`] results, kept for the process (bounded; see [`super::memo`]).
static YEAR_PAIRS: Memo<(Tz, i32), YearPair> = Memo::new(64);

/// The pair [`rule_pair`] gives for `year` at any instant at which it is right:
/// `None` when there is no time zone data for `year` or no single pair describes it
/// exactly (memoised).
fn year_pair(zone: Tz, year: i32) -> YearPair {
    YEAR_PAIRS.get_or_compute(&(zone, year), || {
        compute_year_pair(zone, year).map(Arc::new)
    })
}

/// [`year_pair`], computed. Of the ways to write the year's pair, the first that
/// also holds in the next year, else the first that holds in the previous year,
/// else the first.
fn compute_year_pair(zone: Tz, year: i32) -> Option<(RulePair, Option<String>)> {
    let name = zone.name();
    let this = year_changes(zone, year)?;
    let next = year
        .checked_add(1)
        .and_then(|y| Some((y, year_changes(zone, y)?)));
    let holds_in = |p: &RulePair, other: &Option<(i32, Arc<[Change]>)>| {
        other
            .as_ref()
            .is_some_and(|(y, c)| reproduces(zone, p, *y, c))
    };
    let variants = exact_pairs(zone, year, &this)?;
    let pair = match variants.iter().find(|p| holds_in(p, &next)) {
        Some(p) => p,
        None => {
            let prev = year
                .checked_sub(1)
                .and_then(|y| Some((y, year_changes(zone, y)?)));
            variants
                .iter()
                .find(|p| holds_in(p, &prev))
                .or(variants.first())?
        }
    };
    let reason = (!holds_in(pair, &next)).then(|| {
        let following = next.as_ref().map_or(String::new(), |(y, c)| {
            if c.is_empty() {
                format!(" (no offset changes in {y})")
            } else {
                format!(" ({y}: {})", describe_changes(c))
            }
        });
        format!(
            "{name}: the {year} rules ({}) do not hold in the following year{following}; \
             a recurring event that runs on past {year} may be shown an hour off",
            describe(pair)
        )
    });
    Some((pair.clone(), reason))
}

/// The actual offset every [`SCORE_STEP`] in `[start, end)`.
fn samples(zone: Tz, start: i64, end: i64) -> Vec<(i64, i32)> {
    let mut out = Vec::new();
    let mut t = start;
    while t < end {
        if let Some(o) = offset_at(zone, t) {
            out.push((t, o));
        }
        t = t.saturating_add(SCORE_STEP);
    }
    out
}

/// How many samples `pair` gets right.
fn score(pair: &RulePair, samples: &[(i64, i32)]) -> usize {
    let year_of = |s: Option<&(i64, i32)>| s.and_then(|(t, _)| naive_of(*t)).map(|d| d.year());
    let (Some(first), Some(last)) = (year_of(samples.first()), year_of(samples.last())) else {
        return 0;
    };
    let changes = pair_changes_span(pair, first.saturating_sub(1), last.saturating_add(1));
    samples
        .iter()
        .filter(|(t, o)| offset_from_changes(&changes, pair.standard_offset, *t) == *o)
        .count()
}

// ---------------------------------------------------------------------------
// Components
// ---------------------------------------------------------------------------

fn format_local(dt: NaiveDateTime) -> String {
    // Digits pushed one by one for the usual four-digit years (as `format!` would
    // write them); other years through `format!`.
    if let Ok(year @ 0..=9999) = u32::try_from(dt.year()) {
        fn push(out: &mut String, value: u32, width: u32) {
            for place in (0..width).rev() {
                let digit = value / 10u32.pow(place) % 10;
                out.push(char::from_digit(digit, 10).unwrap_or('0'));
            }
        }
        let mut out = String::with_capacity(15);
        push(&mut out, year, 4);
        push(&mut out, dt.month(), 2);
        push(&mut out, dt.day(), 2);
        out.push('T');
        push(&mut out, dt.hour(), 2);
        push(&mut out, dt.minute(), 2);
        push(&mut out, dt.second(), 2);
        return out;
    }
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

fn observance(kind: &str, dtstart: String, from: i32, to: i32) -> Component {
    let mut c = Component::new(kind);
    c.properties.push(Property::new("DTSTART", dtstart));
    c.properties
        .push(Property::new("TZOFFSETFROM", format_utc_offset(from)));
    c.properties
        .push(Property::new("TZOFFSETTO", format_utc_offset(to)));
    c
}

/// DTSTART of a yearly observance: the first date in 1601 matching the rule (so the
/// DTSTART is synchronised with the RRULE, as RFC 5545 asks), at the transition time.
fn dtstart_1601(t: &Transition) -> String {
    match date_of(1601, t) {
        Some(d) => format_local(d.and_time(t.time)),
        None => format!(
            "16010101T{:02}{:02}{:02}",
            t.time.hour(),
            t.time.minute(),
            t.time.second()
        ),
    }
}

fn yearly_rule(t: &Transition) -> String {
    let by_day = WeekdayNum {
        ordinal: Some(t.ordinal),
        weekday: t.weekday,
    };
    format!("FREQ=YEARLY;BYDAY={};BYMONTH={}", by_day.format(), t.month)
}

/// Outlook profile VTIMEZONE for `pair` under the TZID `tzid` (the Windows name, given
/// by the caller; written as TEXT, so a comma or semicolon in it is escaped).
///
/// A zone with daylight time gets a STANDARD observance (from the daylight to the
/// standard offset, at [`Daylight::end`]) and then a DAYLIGHT one (at
/// [`Daylight::start`]), each with `DTSTART`, `TZOFFSETFROM`, `TZOFFSETTO` and
/// `RRULE:FREQ=YEARLY;BYDAY=<ord><wd>;BYMONTH=<m>`. The DTSTART is the first date in
/// 1601 the rule gives (e.g. `16011028T030000` for the last Sunday of October), at the
/// transition's wall time in the offset before it. Exchange itself writes
/// `16010101T<time>` with the same RRULE; Outlook accepts either, and the first form is
/// the one RFC 5545 readers can rely on (a DTSTART not synchronised with its RRULE is
/// undefined there, and most readers then count 1601-01-01 as an extra onset).
///
/// A zone without daylight time gets only a STANDARD observance with
/// `DTSTART:16010101T000000`, TZOFFSETFROM = TZOFFSETTO and no RRULE.
///
/// The component is shared with a memo: a caller copies it into the calendar.
pub fn outlook_vtimezone(tzid: &str, pair: &RulePair) -> Arc<Component> {
    /// Components built, by TZID and pair.
    static BUILT: Memo<(String, RulePair), Arc<Component>> = Memo::new(64);
    BUILT.get_or_compute_with(
        |(t, p)| t == tzid && p == pair,
        || (tzid.to_owned(), pair.clone()),
        || Arc::new(with_shared_values(&build_outlook_vtimezone(tzid, pair))),
    )
}

/// `component` with the values of its properties without parameters (and those of its
/// sub-components) held in one shared text, so that a clone of it, which
/// [`outlook_vtimezone`] hands out from its memo, copies no text. Written the same.
fn with_shared_values(component: &Component) -> Component {
    fn collect(c: &Component, text: &mut String) {
        for p in c.properties.iter().filter(|p| p.params().is_empty()) {
            text.push_str(p.value());
        }
        for sub in &c.components {
            collect(sub, text);
        }
    }
    fn share(c: &Component, text: &Arc<str>, at: &mut usize) -> Component {
        let properties = c
            .properties
            .iter()
            .map(|p| {
                if !p.params().is_empty() {
                    return p.clone();
                }
                let start = *at;
                *at = start.saturating_add(p.value().len());
                Property::with_shared_value(p.name(), Arc::clone(text), start..*at)
            })
            .collect();
        Component {
            name: c.name.clone(),
            properties,
            components: c.components.iter().map(|s| share(s, text, at)).collect(),
        }
    }
    let mut text = String::new();
    collect(component, &mut text);
    share(component, &Arc::from(text), &mut 0)
}

/// [`outlook_vtimezone`], built.
fn build_outlook_vtimezone(tzid: &str, pair: &RulePair) -> Component {
    let mut vtz = Component::new("VTIMEZONE");
    vtz.properties
        .push(Property::new("TZID", escape_text(tzid)));
    match &pair.daylight {
        None => vtz.components.push(observance(
            "STANDARD",
            "16010101T000000".to_owned(),
            pair.standard_offset,
            pair.standard_offset,
        )),
        Some(d) => {
            let mut standard = observance(
                "STANDARD",
                dtstart_1601(&d.end),
                d.offset,
                pair.standard_offset,
            );
            standard
                .properties
                .push(Property::new("RRULE", yearly_rule(&d.end)));
            let mut daylight = observance(
                "DAYLIGHT",
                dtstart_1601(&d.start),
                pair.standard_offset,
                d.offset,
            );
            daylight
                .properties
                .push(Property::new("RRULE", yearly_rule(&d.start)));
            vtz.components.push(standard);
            vtz.components.push(daylight);
        }
    }
    vtz
}

fn dst_seconds(span: Option<TzOffset>) -> i64 {
    span.map_or(0, |s| s.dst_offset().num_seconds())
}

fn push_tzname(obs: &mut Component, span: Option<TzOffset>) {
    if let Some(abbr) = span.as_ref().and_then(OffsetName::abbreviation) {
        if !abbr.is_empty() {
            obs.properties
                .push(Property::new("TZNAME", escape_text(abbr)));
        }
    }
}

/// The observance beginning with change `c`.
///
/// DAYLIGHT when tzdb's DST part grows at the change (so Dublin's summer, leaving its
/// negative winter DST, is DAYLIGHT), or stays equal and positive; else STANDARD. The
/// label does not affect the offsets.
fn change_observance(zone: Tz, c: &Change) -> Option<Component> {
    let local = c.local_before()?;
    let after = span_at(zone, c.utc);
    let dst_after = dst_seconds(after);
    let dst_before = dst_seconds(c.utc.checked_sub(1).and_then(|t| span_at(zone, t)));
    let daylight = if dst_after == dst_before {
        dst_after > 0
    } else {
        dst_after > dst_before
    };
    let kind = if daylight { "DAYLIGHT" } else { "STANDARD" };
    let mut obs = observance(kind, format_local(local), c.before, c.after);
    push_tzname(&mut obs, after);
    Some(obs)
}

/// Standard profile VTIMEZONE for `zone` covering the local span `[from, to]` (given
/// in either order; a day more on each side is covered): TZID is the IANA name, then
/// the observance in force at the start of the span and one observance per actual
/// change of UTC offset in the span, in order, each with its real DTSTART (the local
/// wall time in the offset before the change), TZOFFSETFROM, TZOFFSETTO and, when
/// chrono-tz has an abbreviation, TZNAME. No RRULE or RDATE.
///
/// The onset of the first observance is looked up to 50 years back; when the zone
/// has not changed offset for longer (Asia/Tokyo since 1951), that observance is
/// written with `DTSTART:16010101T000000` and TZOFFSETFROM = TZOFFSETTO. Spans longer
/// than 200 years are cut at 200 years.
pub fn standard_vtimezone(zone: Tz, from: NaiveDateTime, to: NaiveDateTime) -> Component {
    let (from, to) = if to < from { (to, from) } else { (from, to) };
    let start = ts_of(from).saturating_sub(26 * HOUR);
    let end = ts_of(to)
        .saturating_add(26 * HOUR)
        .min(start.saturating_add(MAX_SPAN));

    let mut vtz = Component::new("VTIMEZONE");
    vtz.properties
        .push(Property::new("TZID", escape_text(zone.name())));

    // The observance in force at `start`: recent changes hourly, older ones daily.
    let recent = start.saturating_sub(366 * DAY);
    let onset = scan(zone, recent, start, SCAN_STEP)
        .last()
        .copied()
        .or_else(|| {
            scan(zone, start.saturating_sub(LOOKBACK), recent, DAY)
                .last()
                .copied()
        });
    let first = onset.and_then(|c| change_observance(zone, &c));
    match first {
        Some(obs) => vtz.components.push(obs),
        None => {
            let span = span_at(zone, start);
            let off = span.map_or(0, |s| s.fix().local_minus_utc());
            let kind = if dst_seconds(span) > 0 {
                "DAYLIGHT"
            } else {
                "STANDARD"
            };
            let mut obs = observance(kind, "16010101T000000".to_owned(), off, off);
            push_tzname(&mut obs, span);
            vtz.components.push(obs);
        }
    }
    for c in scan(zone, start, end, SCAN_STEP) {
        if let Some(obs) = change_observance(zone, &c) {
            vtz.components.push(obs);
        }
    }
    vtz
}

#[cfg(test)]
#[path = "vtimezone_tests.rs"]
mod tests;
