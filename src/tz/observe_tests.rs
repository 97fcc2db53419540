//! Tests of the independent VTIMEZONE reader against hand-written VTIMEZONEs.

use chrono::{NaiveDate, NaiveDateTime, Offset, TimeZone};

use super::utc_offset_at;
use crate::ical::model::Component;
use crate::ical::parse::parse;

const H: i32 = 3_600;

fn vtz(text: &str) -> Component {
    let mut parsed = parse(text, 8).unwrap();
    assert_eq!(parsed.roots.len(), 1, "one root component");
    parsed.roots.remove(0)
}

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d)
        .unwrap()
        .and_hms_opt(h, mi, s)
        .unwrap()
}

fn check(v: &Component, cases: &[(NaiveDateTime, Option<i32>)]) {
    for (local, want) in cases {
        assert_eq!(utc_offset_at(v, *local), *want, "at {local}");
    }
}

/// Outlook 2007+ style, United States rules from 2007 (second Sunday of March to first
/// Sunday of November, 02:00), DTSTART on the first matching day of 1601.
const US_2007: &str = "BEGIN:VTIMEZONE
TZID:Eastern Standard Time
BEGIN:STANDARD
DTSTART:16011104T020000
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010311T020000
RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
END:DAYLIGHT
END:VTIMEZONE";

#[test]
fn us_2007_rules() {
    let v = vtz(US_2007);
    check(
        &v,
        &[
            (at(2024, 1, 15, 12, 0, 0), Some(-5 * H)),
            (at(2024, 7, 15, 12, 0, 0), Some(-4 * H)),
            // 2024-03-10: 02:00 EST -> 03:00 EDT.
            (at(2024, 3, 10, 1, 59, 59), Some(-5 * H)),
            (at(2024, 3, 10, 2, 30, 0), Some(-5 * H)), // gap: offset before
            (at(2024, 3, 10, 3, 0, 0), Some(-4 * H)),
            // 2024-11-03: 02:00 EDT -> 01:00 EST.
            (at(2024, 11, 3, 0, 59, 59), Some(-4 * H)),
            (at(2024, 11, 3, 1, 30, 0), Some(-4 * H)), // repeated: first occurrence
            (at(2024, 11, 3, 2, 0, 0), Some(-5 * H)),
            // The rule is applied to every year, 2006 included (where reality differed).
            (at(2006, 3, 20, 12, 0, 0), Some(-4 * H)),
            (at(2006, 11, 1, 12, 0, 0), Some(-4 * H)),
            // Before every onset.
            (at(1601, 1, 1, 0, 0, 0), None),
        ],
    );
}

/// Entourage 2004's bundled United States rules, stale after 2006 (first Sunday of
/// April to last Sunday of October), with real-year DTSTARTs and TZNAMEs.
const ENTOURAGE_US: &str = "BEGIN:VTIMEZONE
TZID:US/Eastern
BEGIN:DAYLIGHT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
DTSTART:19870405T020000
RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU
TZNAME:EDT
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
DTSTART:19671029T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZNAME:EST
END:STANDARD
END:VTIMEZONE";

#[test]
fn entourage_pre_2007_us_rules() {
    let v = vtz(ENTOURAGE_US);
    check(
        &v,
        &[
            // What the stale rules say, not what New York did in 2007.
            (at(2007, 3, 15, 12, 0, 0), Some(-5 * H)),
            (at(2007, 4, 1, 1, 59, 0), Some(-5 * H)),
            (at(2007, 4, 1, 3, 0, 0), Some(-4 * H)),
            (at(2007, 10, 28, 0, 59, 0), Some(-4 * H)),
            (at(2007, 10, 28, 2, 0, 0), Some(-5 * H)),
            (at(2007, 11, 1, 12, 0, 0), Some(-5 * H)),
            // 2006, when they were right.
            (at(2006, 4, 2, 3, 0, 0), Some(-4 * H)),
            (at(2006, 10, 29, 1, 30, 0), Some(-4 * H)),
            (at(2006, 10, 29, 2, 0, 0), Some(-5 * H)),
            // Daylight onsets only from 1987: July 1980 is in the STANDARD of Oct 1979.
            (at(1980, 7, 1, 12, 0, 0), Some(-5 * H)),
            (at(1987, 7, 1, 12, 0, 0), Some(-4 * H)),
            (at(1967, 10, 29, 1, 0, 0), None),
        ],
    );
}

/// Sydney before 2008 (last Sunday of October to last Sunday of March), as stale
/// senders kept writing it after the 2008 change to April/October first Sundays.
const SYDNEY_PRE_2008: &str = "BEGIN:VTIMEZONE
TZID:Australia/Sydney
BEGIN:STANDARD
DTSTART:20010325T030000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+1100
TZOFFSETTO:+1000
TZNAME:EST
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:20011028T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+1000
TZOFFSETTO:+1100
TZNAME:EST
END:DAYLIGHT
END:VTIMEZONE";

#[test]
fn sydney_pre_2008_rules() {
    let v = vtz(SYDNEY_PRE_2008);
    check(
        &v,
        &[
            (at(2007, 1, 15, 12, 0, 0), Some(11 * H)),
            (at(2007, 7, 15, 12, 0, 0), Some(10 * H)),
            // 2008-03-30: 03:00 +11 -> 02:00 +10.
            (at(2008, 3, 30, 1, 59, 0), Some(11 * H)),
            (at(2008, 3, 30, 2, 30, 0), Some(11 * H)), // repeated: first occurrence
            (at(2008, 3, 30, 3, 0, 0), Some(10 * H)),
            (at(2008, 4, 1, 12, 0, 0), Some(10 * H)), // reality: +11 until 6 April
            // 2008-10-26: 02:00 +10 -> 03:00 +11.
            (at(2008, 10, 10, 12, 0, 0), Some(10 * H)), // reality: +11 since 5 October
            (at(2008, 10, 26, 1, 59, 0), Some(10 * H)),
            (at(2008, 10, 26, 2, 30, 0), Some(10 * H)), // gap: offset before
            (at(2008, 10, 26, 3, 0, 0), Some(11 * H)),
            // Southern summer across the new year.
            (at(2008, 12, 31, 23, 0, 0), Some(11 * H)),
            (at(2009, 1, 1, 1, 0, 0), Some(11 * H)),
            (at(2001, 3, 1, 0, 0, 0), None),
        ],
    );
}

/// Exchange writes `16010101T<time>` with the RRULE, not synchronised with it.
#[test]
fn exchange_unsynchronised_1601_dtstart() {
    let v = vtz("BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE");
    check(
        &v,
        &[
            (at(2024, 1, 15, 12, 0, 0), Some(H)),
            (at(2024, 3, 31, 1, 59, 0), Some(H)),
            (at(2024, 3, 31, 3, 0, 0), Some(2 * H)),
            (at(2024, 10, 27, 1, 59, 0), Some(2 * H)),
            (at(2024, 10, 27, 3, 0, 0), Some(H)),
        ],
    );
}

/// A multi-observance VTIMEZONE with UNTIL (as tzurl.org writes America/New_York)
/// agrees with tzdb every month from 1990 to 2030.
#[test]
fn until_split_rules_match_tzdb() {
    let v = vtz("BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:DAYLIGHT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
DTSTART:19870405T020000
RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20060402T070000Z
END:DAYLIGHT
BEGIN:DAYLIGHT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
DTSTART:20070311T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
DTSTART:19671029T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;UNTIL=20061029T060000Z
END:STANDARD
BEGIN:STANDARD
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
DTSTART:20071104T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE");
    let ny = chrono_tz::America::New_York;
    for year in 1990..=2030 {
        for month in 1..=12 {
            for day in [1, 8, 15, 22] {
                let local = at(year, month, day, 12, 0, 0);
                let truth = ny
                    .offset_from_local_datetime(&local)
                    .single()
                    .unwrap()
                    .fix()
                    .local_minus_utc();
                assert_eq!(utc_offset_at(&v, local), Some(truth), "at {local}");
            }
        }
    }
}

#[test]
fn count_limits_onsets() {
    let v = vtz("BEGIN:VTIMEZONE
TZID:Test
BEGIN:STANDARD
DTSTART:20191027T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:20200329T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;COUNT=2
END:DAYLIGHT
END:VTIMEZONE");
    check(
        &v,
        &[
            (at(2020, 7, 1, 12, 0, 0), Some(2 * H)),
            (at(2021, 7, 1, 12, 0, 0), Some(2 * H)),
            // COUNT=2 (DTSTART included): no daylight onset in 2022.
            (at(2022, 7, 1, 12, 0, 0), Some(H)),
        ],
    );
}

/// RDATE lists (as Lotus Notes writes), in local time, UTC and PERIOD form.
#[test]
fn rdates() {
    let v = vtz("BEGIN:VTIMEZONE
TZID:Eastern
BEGIN:STANDARD
DTSTART:20231105T020000
RDATE:20241103T020000,20251102T020000
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:20240310T020000
RDATE:20250309T070000Z
RDATE;VALUE=PERIOD:20260308T020000/PT1H
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
END:DAYLIGHT
END:VTIMEZONE");
    check(
        &v,
        &[
            (at(2024, 1, 15, 12, 0, 0), Some(-5 * H)),
            (at(2024, 7, 15, 12, 0, 0), Some(-4 * H)),
            (at(2024, 12, 15, 12, 0, 0), Some(-5 * H)),
            (at(2025, 3, 9, 1, 59, 0), Some(-5 * H)),
            (at(2025, 3, 9, 3, 0, 0), Some(-4 * H)),
            (at(2025, 11, 2, 2, 0, 0), Some(-5 * H)),
            (at(2026, 3, 8, 3, 0, 0), Some(-4 * H)),
            // No STANDARD onset after 2025: daylight stays.
            (at(2026, 12, 1, 12, 0, 0), Some(-4 * H)),
        ],
    );
}

/// The BYMONTHDAY form of "second Sunday" some generators write.
#[test]
fn bymonthday_weekday_form() {
    let v = vtz("BEGIN:VTIMEZONE
TZID:Test
BEGIN:STANDARD
DTSTART:20071104T020000
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=SU;BYMONTHDAY=1,2,3,4,5,6,7
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:20070311T020000
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=SU;BYMONTHDAY=8,9,10,11,12,13,14
END:DAYLIGHT
END:VTIMEZONE");
    check(
        &v,
        &[
            (at(2024, 3, 10, 1, 59, 0), Some(-5 * H)),
            (at(2024, 3, 10, 3, 0, 0), Some(-4 * H)),
            (at(2024, 11, 3, 0, 59, 0), Some(-4 * H)),
            (at(2024, 11, 3, 2, 0, 0), Some(-5 * H)),
        ],
    );
}

#[test]
fn fixed_offset_zone() {
    let v = vtz("BEGIN:VTIMEZONE
TZID:Tokyo Standard Time
BEGIN:STANDARD
DTSTART:16010101T000000
TZOFFSETFROM:+0900
TZOFFSETTO:+0900
END:STANDARD
END:VTIMEZONE");
    check(
        &v,
        &[
            (at(2024, 1, 1, 0, 0, 0), Some(9 * H)),
            (at(1601, 1, 1, 0, 0, 0), Some(9 * H)),
        ],
    );
}

#[test]
fn unreadable_vtimezones_give_none() {
    let local = at(2024, 7, 1, 12, 0, 0);
    // No observance.
    assert_eq!(
        utc_offset_at(&vtz("BEGIN:VTIMEZONE\nTZID:X\nEND:VTIMEZONE"), local),
        None
    );
    // Missing TZOFFSETTO (Exchange fails the import too).
    let v = vtz("BEGIN:VTIMEZONE
TZID:X
BEGIN:STANDARD
DTSTART:16010101T000000
TZOFFSETFROM:+0100
END:STANDARD
END:VTIMEZONE");
    assert_eq!(utc_offset_at(&v, local), None);
    // An RRULE this reader does not evaluate.
    let v = vtz("BEGIN:VTIMEZONE
TZID:X
BEGIN:STANDARD
DTSTART:16010101T000000
TZOFFSETFROM:+0100
TZOFFSETTO:+0100
RRULE:FREQ=MONTHLY;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE");
    assert_eq!(utc_offset_at(&v, local), None);
    // A bad offset.
    let v = vtz("BEGIN:VTIMEZONE
TZID:X
BEGIN:STANDARD
DTSTART:16010101T000000
TZOFFSETFROM:+1
TZOFFSETTO:+0100
END:STANDARD
END:VTIMEZONE");
    assert_eq!(utc_offset_at(&v, local), None);
}

/// Other sub-components (X-components) are ignored; names are case-insensitive.
#[test]
fn ignores_other_components() {
    let v = vtz("BEGIN:VTIMEZONE
TZID:X
BEGIN:X-SOMETHING
DTSTART:20240101T000000
TZOFFSETFROM:+0500
TZOFFSETTO:+0500
END:X-SOMETHING
BEGIN:standard
DTSTART:16010101T000000
TZOFFSETFROM:+0100
TZOFFSETTO:+0100
END:standard
END:VTIMEZONE");
    assert_eq!(utc_offset_at(&v, at(2024, 7, 1, 12, 0, 0)), Some(H));
}

#[test]
fn month_days_matches_the_allocating_version() {
    use crate::ical::value::{Frequency, Recur, WeekdayNum};
    use chrono::{Datelike, Weekday};
    // The version before the rewrite, which returned a new list.
    fn oracle(rule: &Recur, year: i32, month: u32, dtstart_day: u32) -> Vec<u32> {
        let len = super::month_length(year, month);
        if len == 0 {
            return Vec::new();
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
                return vec![dtstart_day];
            }
            return (1..=len).filter(|&d| month_day_wanted(d)).collect();
        }
        let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
            return Vec::new();
        };
        let first_wd = first.weekday().num_days_from_monday();
        let mut days = Vec::new();
        for wn in &rule.by_day {
            let first_match = 1 + (wn.weekday.num_days_from_monday() + 7 - first_wd) % 7;
            let matching: Vec<u32> = (0..5)
                .map(|k| first_match + 7 * k)
                .filter(|&d| d <= len)
                .collect();
            match wn.ordinal {
                None => days.extend(matching),
                Some(n) => {
                    let n = i64::from(n);
                    let len_m = i64::try_from(matching.len()).unwrap_or(0);
                    let idx = if n > 0 { n - 1 } else { len_m + n };
                    if let Some(&d) = usize::try_from(idx).ok().and_then(|i| matching.get(i)) {
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
        days
    }
    let weekdays = [Weekday::Mon, Weekday::Wed, Weekday::Sat, Weekday::Sun];
    let mut rules = Vec::new();
    for md in [
        vec![],
        vec![1i8],
        vec![-1, 15],
        vec![29, 30, 31],
        vec![0, -31, 8],
    ] {
        let mut rule = Recur::new(Frequency::Yearly);
        rule.by_month_day = md;
        rules.push(rule.clone());
        for wd in weekdays {
            for ord in std::iter::once(None).chain((-6i8..=6).map(Some)) {
                let mut r = rule.clone();
                r.by_day = vec![WeekdayNum {
                    ordinal: ord,
                    weekday: wd,
                }];
                rules.push(r.clone());
                r.by_day.push(WeekdayNum {
                    ordinal: None,
                    weekday: Weekday::Tue,
                });
                rules.push(r);
            }
        }
    }
    let mut days = vec![99];
    for year in [1601, 2000, 2023, 2024] {
        for month in 0..=13 {
            for rule in &rules {
                for start in [1, 31] {
                    super::month_days(rule, year, month, start, &mut days);
                    assert_eq!(
                        days,
                        oracle(rule, year, month, start),
                        "{year}-{month} {rule:?}"
                    );
                }
            }
        }
    }
}
