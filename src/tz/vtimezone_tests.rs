//! Tests of VTIMEZONE generation. The offsets the generated VTIMEZONEs give are read
//! back with the independent reader [`crate::tz::observe::utc_offset_at`] and compared
//! with chrono-tz; the transitions the tests probe around are found by a scanner of
//! their own (not the module's).
//!
//! Local times that chrono-tz finds ambiguous (the repeated hour) or missing (the
//! skipped hour) are not compared: the probes are taken as UTC instants around each
//! transition and converted to local time, and only those local times that occur
//! exactly once are kept. (For those times the RFC 5545 reading and chrono-tz's
//! would differ only by which of two readings is meant, which is not what is tested.)

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Weekday};
use chrono_tz::{OffsetComponents, Tz};

use super::*;
use crate::ical::parse::parse;
use crate::ical::write::write;
use crate::tz::observe::utc_offset_at;

const H: i32 = 3_600;

/// [`outlook_vtimezone`], as a component of its own.
fn outlook_component(tzid: &str, pair: &RulePair) -> Component {
    Component::clone(&outlook_vtimezone(tzid, pair))
}

fn zone(name: &str) -> Tz {
    name.parse()
        .unwrap_or_else(|_| panic!("chrono-tz does not know {name}"))
}

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d)
        .unwrap()
        .and_hms_opt(h, mi, s)
        .unwrap()
}

fn utc_naive(ts: i64) -> NaiveDateTime {
    DateTime::from_timestamp(ts, 0).unwrap().naive_utc()
}

/// chrono-tz's offset at a UTC instant.
fn truth_utc(tz: Tz, ts: i64) -> i32 {
    tz.offset_from_utc_datetime(&utc_naive(ts))
        .fix()
        .local_minus_utc()
}

/// chrono-tz's offset for a local time that occurs exactly once, else `None`.
fn truth_local(tz: Tz, local: NaiveDateTime) -> Option<i32> {
    tz.offset_from_local_datetime(&local)
        .single()
        .map(|o| o.fix().local_minus_utc())
}

/// The test's own transition finder: (UTC second of the change, offset before,
/// offset after), sampling every 30 minutes, then minute by minute and second by
/// second.
fn transitions(tz: Tz, start: i64, end: i64) -> Vec<(i64, i32, i32)> {
    let mut out = Vec::new();
    let mut t = start;
    let mut prev = truth_utc(tz, t);
    while t < end {
        let next = t + 1_800;
        let off = truth_utc(tz, next);
        if off != prev {
            let mut m = t;
            while truth_utc(tz, m + 60) == prev {
                m += 60;
            }
            let mut s = m;
            while truth_utc(tz, s + 1) == prev {
                s += 1;
            }
            let after = truth_utc(tz, s + 1);
            out.push((s + 1, prev, after));
            prev = after;
            t = s + 1;
        } else {
            t = next;
        }
    }
    out
}

/// Transitions whose local wall time (in the offset before) falls in `year`.
fn year_transitions(tz: Tz, year: i32) -> Vec<(i64, i32, i32)> {
    let start = at(year, 1, 1, 0, 0, 0).and_utc().timestamp() - 2 * 86_400;
    let end = at(year + 1, 1, 1, 0, 0, 0).and_utc().timestamp() + 2 * 86_400;
    transitions(tz, start, end)
        .into_iter()
        .filter(|(t, before, _)| utc_naive(t + i64::from(*before)).year() == year)
        .collect()
}

/// Probe local times for `year`: mid-January, mid-July and, around every transition,
/// UTC instants 3 h, 2 h, 1 min and 1 s before it, at it, and 1 s, 1 min, 2 h and
/// 3 h after it, as local times; only those that occur exactly once and fall in
/// `year`. Each with chrono-tz's offset.
fn probes(tz: Tz, year: i32, trans: &[(i64, i32, i32)]) -> Vec<(NaiveDateTime, i32)> {
    let mut locals = vec![at(year, 1, 15, 12, 0, 0), at(year, 7, 15, 12, 0, 0)];
    for &(t, _, _) in trans {
        for d in [
            -3 * 3_600,
            -2 * 3_600,
            -60,
            -1,
            0,
            1,
            60,
            2 * 3_600,
            3 * 3_600,
        ] {
            let ts = t + d;
            locals.push(utc_naive(ts + i64::from(truth_utc(tz, ts))));
        }
    }
    locals
        .into_iter()
        .filter(|l| l.year() == year)
        .filter_map(|l| truth_local(tz, l).map(|o| (l, o)))
        .collect()
}

/// Whether the year is one standard/daylight pair or a fixed offset.
fn year_is_regular(trans: &[(i64, i32, i32)]) -> bool {
    match trans {
        [] => true,
        [(_, a, b), (_, c, d)] => a != b && b == c && d == a,
        _ => false,
    }
}

/// The Outlook-profile structure: TZID, one STANDARD, at most one DAYLIGHT, DTSTART in
/// 1601, both offsets, a yearly BYDAY+BYMONTH rule exactly when there is daylight time.
fn assert_outlook_shape(v: &Component, pair: &RulePair, what: &str) {
    assert!(v.is("VTIMEZONE"), "{what}");
    assert_eq!(v.property("TZID").unwrap().value(), "Test Standard Time");
    let standards = v.components_named("STANDARD").count();
    let daylights = v.components_named("DAYLIGHT").count();
    assert_eq!(standards, 1, "{what}");
    assert_eq!(daylights, usize::from(pair.daylight.is_some()), "{what}");
    assert_eq!(v.components.len(), standards + daylights, "{what}");
    for obs in &v.components {
        assert!(
            obs.property("DTSTART").unwrap().value().starts_with("1601"),
            "{what}"
        );
        assert!(obs.property("TZOFFSETFROM").is_some(), "{what}");
        assert!(obs.property("TZOFFSETTO").is_some(), "{what}");
        match (&pair.daylight, obs.property("RRULE")) {
            (None, None) => {}
            (Some(_), Some(r)) => {
                let r = r.value();
                assert!(r.starts_with("FREQ=YEARLY;BYDAY="), "{what}: {r}");
                assert!(r.contains(";BYMONTH="), "{what}: {r}");
            }
            (d, r) => panic!("{what}: daylight {d:?} with RRULE {r:?}"),
        }
    }
}

struct Tally {
    cases: AtomicUsize,
    probes: AtomicUsize,
    irregular: AtomicUsize,
}

/// Checks one zone in one year; returns the warning of the mid-July pair.
fn check_zone_year(name: &str, year: i32, tally: &Tally) -> Option<String> {
    let tz = zone(name);
    let trans = year_transitions(tz, year);
    let probes = probes(tz, year, &trans);
    tally.cases.fetch_add(1, Ordering::Relaxed);
    tally.probes.fetch_add(probes.len(), Ordering::Relaxed);

    // Standard profile over the year: right everywhere.
    let std_vtz = standard_vtimezone(tz, at(year, 1, 1, 0, 0, 0), at(year, 12, 31, 23, 59, 59));
    assert_eq!(std_vtz.property("TZID").unwrap().value(), name);
    for &(local, truth) in &probes {
        assert_eq!(
            utc_offset_at(&std_vtz, local),
            Some(truth),
            "{name} {year} standard profile at {local}"
        );
    }

    // Outlook profile.
    let mid = at(year, 7, 15, 12, 0, 0);
    let (pair, warning) = rule_pair(tz, year, mid);
    let vtz = outlook_component("Test Standard Time", &pair);
    assert_outlook_shape(&vtz, &pair, &format!("{name} {year}"));
    if year_is_regular(&trans) {
        // One pair describes the whole year, whatever the warning says about the next.
        for &(local, truth) in &probes {
            assert_eq!(
                utc_offset_at(&vtz, local),
                Some(truth),
                "{name} {year} Outlook profile at {local}: {pair:?}"
            );
        }
    } else {
        tally.irregular.fetch_add(1, Ordering::Relaxed);
        assert!(
            warning.is_some(),
            "{name} {year}: irregular year without a warning"
        );
        // The best pair is right at the instant it was asked for.
        for &(local, truth) in &probes {
            let (pair, warning) = rule_pair(tz, year, local);
            assert!(warning.is_some(), "{name} {year} at {local}: no warning");
            let vtz = outlook_component("Test Standard Time", &pair);
            assert_outlook_shape(&vtz, &pair, &format!("{name} {year} at {local}"));
            assert_eq!(
                utc_offset_at(&vtz, local),
                Some(truth),
                "{name} {year} Outlook profile for instant {local}: {pair:?}"
            );
        }
    }
    warning
}

/// Zones, with years to test besides [`YEARS`].
const ZONES: &[(&str, &[i32])] = &[
    // Half- and quarter-hour offsets.
    ("Asia/Kolkata", &[]),
    ("Asia/Kathmandu", &[]),
    ("Australia/Adelaide", &[2007, 2008]),
    ("Australia/Eucla", &[2007, 2008]),
    ("Asia/Tehran", &[2021, 2022, 2023]),
    ("America/St_Johns", &[2010, 2011]),
    ("Pacific/Chatham", &[2007]),
    ("Asia/Yangon", &[]),
    ("Australia/Darwin", &[]),
    ("Asia/Kabul", &[]),
    ("Pacific/Marquesas", &[]),
    ("America/Caracas", &[2007, 2016]),
    // Southern-hemisphere daylight time.
    ("Australia/Sydney", &[2007, 2008]),
    ("Australia/Hobart", &[]),
    ("Australia/Lord_Howe", &[]),
    ("Antarctica/Macquarie", &[2010]),
    ("Pacific/Auckland", &[2007]),
    ("America/Santiago", &[2016, 2019, 2022]),
    ("America/Asuncion", &[]),
    ("America/Montevideo", &[]),
    ("America/Sao_Paulo", &[2018, 2019, 2020]),
    ("America/Argentina/Buenos_Aires", &[2007, 2008]),
    ("Africa/Windhoek", &[2017]),
    ("Pacific/Fiji", &[2019, 2021, 2022]),
    ("Pacific/Norfolk", &[2019]),
    ("Pacific/Apia", &[2010, 2011, 2021]),
    ("Pacific/Tongatapu", &[2016, 2017]),
    ("Atlantic/Stanley", &[2010]),
    // No daylight time.
    ("Asia/Tokyo", &[]),
    ("Africa/Lagos", &[]),
    ("America/Phoenix", &[]),
    ("Asia/Shanghai", &[]),
    ("Asia/Singapore", &[]),
    ("Asia/Dubai", &[]),
    ("Africa/Nairobi", &[]),
    ("Africa/Johannesburg", &[]),
    ("Asia/Jakarta", &[]),
    ("America/Bogota", &[]),
    ("America/Regina", &[]),
    ("Pacific/Kiritimati", &[]),
    ("Pacific/Pago_Pago", &[]),
    ("Pacific/Honolulu", &[]),
    ("Atlantic/Reykjavik", &[]),
    ("UTC", &[]),
    ("Etc/GMT+12", &[]),
    // Northern-hemisphere daylight time.
    ("Europe/London", &[]),
    ("Europe/Dublin", &[]),
    ("Europe/Berlin", &[]),
    ("Europe/Paris", &[]),
    ("Europe/Helsinki", &[]),
    ("Europe/Lisbon", &[]),
    ("Atlantic/Azores", &[]),
    ("Europe/Kyiv", &[]),
    ("Europe/Chisinau", &[]),
    ("America/New_York", &[2007]),
    ("America/Chicago", &[]),
    ("America/Denver", &[]),
    ("America/Los_Angeles", &[]),
    ("America/Anchorage", &[]),
    ("America/Adak", &[]),
    ("America/Halifax", &[]),
    ("America/Miquelon", &[]),
    ("America/Havana", &[]),
    ("America/Godthab", &[2023]),
    ("America/Nuuk", &[2023]),
    ("Antarctica/Troll", &[]),
    ("America/Grand_Turk", &[2015, 2018]),
    // Rules that changed or are not weekday-based.
    ("Europe/Moscow", &[2010, 2011, 2014]),
    ("Europe/Minsk", &[2011]),
    ("Europe/Istanbul", &[2016]),
    ("America/Mexico_City", &[2022, 2023]),
    ("Africa/Cairo", &[2014, 2023]),
    ("Africa/Casablanca", &[2008, 2018, 2019]),
    ("Asia/Jerusalem", &[2013]),
    ("Asia/Gaza", &[]),
    ("Asia/Beirut", &[]),
    ("Asia/Amman", &[2022]),
    ("Asia/Damascus", &[2022]),
    ("Asia/Baku", &[2016]),
    ("Asia/Karachi", &[2008]),
    ("Asia/Dhaka", &[]),
    ("Asia/Ulaanbaatar", &[2016]),
    ("Asia/Pyongyang", &[2018]),
    ("Asia/Kamchatka", &[2010, 2011]),
    ("Indian/Mauritius", &[2008]),
];

const YEARS: [i32; 4] = [2006, 2009, 2015, 2024];

fn matrix() -> Vec<(&'static str, i32)> {
    let mut m = Vec::new();
    for (name, extra) in ZONES {
        for y in YEARS.iter().chain(extra.iter()) {
            m.push((*name, *y));
        }
    }
    m
}

/// Runs `f` over the matrix on several threads, collecting (zone, year, warning).
fn run_matrix(
    f: impl Fn(&'static str, i32) -> Option<String> + Sync,
) -> Vec<(&'static str, i32, Option<String>)> {
    let cases = matrix();
    let threads = std::thread::available_parallelism().map_or(4, |n| n.get().min(16));
    let chunk = cases.len().div_ceil(threads);
    let mut out = Vec::new();
    std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .chunks(chunk)
            .map(|part| {
                let f = &f;
                s.spawn(move || {
                    part.iter()
                        .map(|&(z, y)| (z, y, f(z, y)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            out.extend(h.join().unwrap());
        }
    });
    out
}

/// (zone, year) that must come with a warning, and why.
const MUST_WARN: &[(&str, i32)] = &[
    ("Africa/Casablanca", 2015), // Ramadan break: four changes
    ("Africa/Casablanca", 2024), // Ramadan dates move every year
    ("America/Sao_Paulo", 2018), // 2019 drops daylight time
    ("America/Sao_Paulo", 2019), // one change
    ("Asia/Tehran", 2022),       // 2023 drops daylight time
    ("Asia/Tehran", 2015),       // Persian-calendar dates, not weekdays
    ("Europe/Moscow", 2010),     // 2011 differs
    ("Europe/Moscow", 2011),     // one change
    ("Europe/Moscow", 2014),     // one change
    ("America/Mexico_City", 2022),
    ("Africa/Cairo", 2014),     // four changes
    ("America/New_York", 2006), // the 2007 US change
    ("Australia/Sydney", 2007), // the 2008 change
    ("Pacific/Auckland", 2006), // the 2007 change
    ("Australia/Eucla", 2006),  // daylight-time trial starts in December
    ("Australia/Eucla", 2009),  // and ends
    ("America/Asuncion", 2024), // permanent -03 from October 2024
    ("Pacific/Apia", 2021),     // daylight time dropped
    ("America/Santiago", 2015), // no change at all, 2016 has two
];

/// (zone, year) that must not: regular years whose rules carry on.
const MUST_NOT_WARN: &[(&str, i32)] = &[
    ("Europe/Berlin", 2006),
    ("Europe/Berlin", 2024),
    ("Europe/London", 2015),
    ("Europe/Dublin", 2024),
    ("America/New_York", 2009),
    ("America/New_York", 2024),
    ("America/Los_Angeles", 2015),
    ("Australia/Sydney", 2015),
    ("Australia/Sydney", 2024),
    ("Australia/Lord_Howe", 2024),
    ("Pacific/Auckland", 2024),
    ("Pacific/Chatham", 2015),
    ("America/St_Johns", 2024),
    ("Asia/Tokyo", 2024),
    ("Asia/Kolkata", 2006),
    ("Asia/Kathmandu", 2024),
    ("America/Phoenix", 2015),
    ("Antarctica/Troll", 2024),
    ("Pacific/Kiritimati", 2024),
    ("Pacific/Pago_Pago", 2024),
];

#[test]
fn matrix_offsets_match_tzdb() {
    let tally = Tally {
        cases: AtomicUsize::new(0),
        probes: AtomicUsize::new(0),
        irregular: AtomicUsize::new(0),
    };
    let results = run_matrix(|z, y| check_zone_year(z, y, &tally));
    let zones = ZONES.len();
    let cases = tally.cases.load(Ordering::Relaxed);
    eprintln!(
        "{zones} zones, {cases} zone-years, {} probes, {} irregular years, {} warnings",
        tally.probes.load(Ordering::Relaxed),
        tally.irregular.load(Ordering::Relaxed),
        results.iter().filter(|r| r.2.is_some()).count()
    );
    if std::env::var_os("VTIMEZONE_DUMP").is_some() {
        for (z, y, w) in &results {
            if let Some(w) = w {
                eprintln!("WARN {z} {y}: {w}");
            }
        }
    }
    assert!(zones >= 60);
    for (z, y) in MUST_WARN {
        let r = results.iter().find(|r| r.0 == *z && r.1 == *y).unwrap();
        assert!(r.2.is_some(), "{z} {y} should warn");
    }
    for (z, y) in MUST_NOT_WARN {
        let r = results.iter().find(|r| r.0 == *z && r.1 == *y).unwrap();
        assert!(r.2.is_none(), "{z} {y} should not warn: {:?}", r.2);
    }
}

fn tr(month: u32, weekday: Weekday, ordinal: i8, h: u32, m: u32) -> Transition {
    Transition {
        month,
        weekday,
        ordinal,
        time: NaiveTime::from_hms_opt(h, m, 0).unwrap(),
    }
}

fn dst_pair(std: i32, dst: i32, start: Transition, end: Transition) -> RulePair {
    RulePair {
        standard_offset: std,
        daylight: Some(Daylight {
            offset: dst,
            start,
            end,
        }),
    }
}

/// Pairs of well-known zones in 2024, as tzdb's rules state them.
#[test]
fn known_rule_pairs_2024() {
    let mid = at(2024, 7, 15, 12, 0, 0);
    let cases = [
        (
            "America/New_York",
            dst_pair(
                -5 * H,
                -4 * H,
                tr(3, Weekday::Sun, 2, 2, 0),
                tr(11, Weekday::Sun, 1, 2, 0),
            ),
        ),
        (
            "Europe/Berlin",
            dst_pair(
                H,
                2 * H,
                tr(3, Weekday::Sun, -1, 2, 0),
                tr(10, Weekday::Sun, -1, 3, 0),
            ),
        ),
        (
            "Europe/London",
            dst_pair(
                0,
                H,
                tr(3, Weekday::Sun, -1, 1, 0),
                tr(10, Weekday::Sun, -1, 2, 0),
            ),
        ),
        (
            "Australia/Sydney",
            dst_pair(
                10 * H,
                11 * H,
                tr(10, Weekday::Sun, 1, 2, 0),
                tr(4, Weekday::Sun, 1, 3, 0),
            ),
        ),
        (
            "Australia/Adelaide",
            dst_pair(
                9 * H + 1_800,
                10 * H + 1_800,
                tr(10, Weekday::Sun, 1, 2, 0),
                tr(4, Weekday::Sun, 1, 3, 0),
            ),
        ),
        (
            "Australia/Lord_Howe",
            dst_pair(
                10 * H + 1_800,
                11 * H,
                tr(10, Weekday::Sun, 1, 2, 0),
                tr(4, Weekday::Sun, 1, 2, 0),
            ),
        ),
        (
            "Pacific/Auckland",
            dst_pair(
                12 * H,
                13 * H,
                tr(9, Weekday::Sun, -1, 2, 0),
                tr(4, Weekday::Sun, 1, 3, 0),
            ),
        ),
        (
            "Pacific/Chatham",
            dst_pair(
                12 * H + 2_700,
                13 * H + 2_700,
                tr(9, Weekday::Sun, -1, 2, 45),
                tr(4, Weekday::Sun, 1, 3, 45),
            ),
        ),
        (
            "America/St_Johns",
            dst_pair(
                -3 * H - 1_800,
                -2 * H - 1_800,
                tr(3, Weekday::Sun, 2, 2, 0),
                tr(11, Weekday::Sun, 1, 2, 0),
            ),
        ),
        (
            "Antarctica/Troll",
            dst_pair(
                0,
                2 * H,
                tr(3, Weekday::Sun, -1, 1, 0),
                tr(10, Weekday::Sun, -1, 3, 0),
            ),
        ),
        (
            "America/Havana",
            dst_pair(
                -5 * H,
                -4 * H,
                tr(3, Weekday::Sun, 2, 0, 0),
                tr(11, Weekday::Sun, 1, 1, 0),
            ),
        ),
        (
            "Atlantic/Azores",
            dst_pair(
                -H,
                0,
                tr(3, Weekday::Sun, -1, 0, 0),
                tr(10, Weekday::Sun, -1, 1, 0),
            ),
        ),
        (
            "Asia/Kathmandu",
            RulePair {
                standard_offset: 5 * H + 2_700,
                daylight: None,
            },
        ),
        (
            "Australia/Eucla",
            RulePair {
                standard_offset: 8 * H + 2_700,
                daylight: None,
            },
        ),
        (
            "Asia/Tehran",
            RulePair {
                standard_offset: 3 * H + 1_800,
                daylight: None,
            },
        ),
        (
            "Pacific/Kiritimati",
            RulePair {
                standard_offset: 14 * H,
                daylight: None,
            },
        ),
        (
            "Pacific/Pago_Pago",
            RulePair {
                standard_offset: -11 * H,
                daylight: None,
            },
        ),
        (
            "America/Phoenix",
            RulePair {
                standard_offset: -7 * H,
                daylight: None,
            },
        ),
    ];
    for (name, want) in cases {
        let (pair, warning) = rule_pair(zone(name), 2024, mid);
        assert_eq!(pair, want, "{name}");
        assert_eq!(warning, None, "{name}");
    }
}

/// tzdb writes Irish time with "negative DST": chrono-tz reports winter GMT as base
/// +1 with DST -1 (vanguard data) or as base 0 with DST 0 (rearguard). Either way the
/// pair is standard +0000, daylight +0100, and the offsets are right.
#[test]
fn dublin_negative_dst() {
    let tz = zone("Europe/Dublin");
    let winter = tz.offset_from_utc_datetime(&at(2024, 1, 15, 12, 0, 0));
    let summer = tz.offset_from_utc_datetime(&at(2024, 7, 15, 12, 0, 0));
    assert_eq!(winter.fix().local_minus_utc(), 0);
    assert_eq!(summer.fix().local_minus_utc(), H);
    let winter_dst = winter.dst_offset().num_seconds();
    let summer_dst = summer.dst_offset().num_seconds();
    // chrono-tz 0.10 (tzdb 2025b): winter -3600, summer 0.
    assert!(
        (winter_dst, summer_dst) == (-3_600, 0) || (winter_dst, summer_dst) == (0, 3_600),
        "{winter_dst} {summer_dst}"
    );
    let (pair, warning) = rule_pair(tz, 2024, at(2024, 1, 15, 12, 0, 0));
    assert_eq!(warning, None);
    assert_eq!(
        pair,
        dst_pair(
            0,
            H,
            tr(3, Weekday::Sun, -1, 1, 0),
            tr(10, Weekday::Sun, -1, 2, 0)
        )
    );
    // The standard profile labels summer DAYLIGHT and winter STANDARD.
    let v = standard_vtimezone(tz, at(2024, 1, 1, 0, 0, 0), at(2024, 12, 31, 0, 0, 0));
    let kinds: Vec<(&str, &str)> = v
        .components
        .iter()
        .map(|c| (c.name.as_str(), c.property("TZOFFSETTO").unwrap().value()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("STANDARD", "+0000"),
            ("DAYLIGHT", "+0100"),
            ("STANDARD", "+0000")
        ]
    );
}

#[test]
fn outlook_profile_text() {
    let (pair, _) = rule_pair(zone("America/New_York"), 2024, at(2024, 7, 15, 12, 0, 0));
    let text = write(&[outlook_component("Eastern Standard Time", &pair)], "\r\n");
    assert_eq!(
        text,
        "BEGIN:VTIMEZONE\r\n\
         TZID:Eastern Standard Time\r\n\
         BEGIN:STANDARD\r\n\
         DTSTART:16011104T020000\r\n\
         TZOFFSETFROM:-0400\r\n\
         TZOFFSETTO:-0500\r\n\
         RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\n\
         END:STANDARD\r\n\
         BEGIN:DAYLIGHT\r\n\
         DTSTART:16010311T020000\r\n\
         TZOFFSETFROM:-0500\r\n\
         TZOFFSETTO:-0400\r\n\
         RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\n\
         END:DAYLIGHT\r\n\
         END:VTIMEZONE\r\n"
    );

    let (pair, _) = rule_pair(zone("Europe/Berlin"), 2024, at(2024, 7, 15, 12, 0, 0));
    let text = write(&[outlook_component("W. Europe Standard Time", &pair)], "\n");
    assert!(text.contains("BEGIN:STANDARD\nDTSTART:16011028T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD\n"), "{text}");
    assert!(text.contains("BEGIN:DAYLIGHT\nDTSTART:16010325T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\n"), "{text}");

    let (pair, _) = rule_pair(zone("Asia/Tokyo"), 2024, at(2024, 7, 15, 12, 0, 0));
    let text = write(&[outlook_component("Tokyo Standard Time", &pair)], "\n");
    assert_eq!(
        text,
        "BEGIN:VTIMEZONE\nTZID:Tokyo Standard Time\nBEGIN:STANDARD\nDTSTART:16010101T000000\n\
         TZOFFSETFROM:+0900\nTZOFFSETTO:+0900\nEND:STANDARD\nEND:VTIMEZONE\n"
    );

    // A TZID with TEXT specials is escaped.
    let v = outlook_component("Pacific Time (US & Canada), Tijuana", &pair);
    assert_eq!(
        v.property("TZID").unwrap().value(),
        "Pacific Time (US & Canada)\\, Tijuana"
    );
}

/// What is written parses back to the same offsets.
#[test]
fn outlook_profile_round_trips_through_text() {
    for name in [
        "Australia/Sydney",
        "America/St_Johns",
        "Australia/Lord_Howe",
        "Asia/Tokyo",
    ] {
        let tz = zone(name);
        let (pair, _) = rule_pair(tz, 2024, at(2024, 7, 15, 12, 0, 0));
        let v = outlook_component("X", &pair);
        let text = write(std::slice::from_ref(&v), "\n");
        let back = parse(&text, 8).unwrap().roots.remove(0);
        for month in 1..=12 {
            let local = at(2024, month, 10, 12, 0, 0);
            let truth = truth_local(tz, local).unwrap();
            assert_eq!(utc_offset_at(&back, local), Some(truth), "{name} {local}");
            assert_eq!(utc_offset_at(&v, local), Some(truth), "{name} {local}");
        }
    }
}

#[test]
fn standard_profile_text() {
    let v = standard_vtimezone(
        zone("America/New_York"),
        at(2024, 1, 1, 0, 0, 0),
        at(2024, 12, 31, 23, 59, 59),
    );
    assert_eq!(
        write(&[v], "\n"),
        "BEGIN:VTIMEZONE\nTZID:America/New_York\n\
         BEGIN:STANDARD\nDTSTART:20231105T020000\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nTZNAME:EST\nEND:STANDARD\n\
         BEGIN:DAYLIGHT\nDTSTART:20240310T020000\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nTZNAME:EDT\nEND:DAYLIGHT\n\
         BEGIN:STANDARD\nDTSTART:20241103T020000\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nTZNAME:EST\nEND:STANDARD\n\
         END:VTIMEZONE\n"
    );
}

/// The observance in force at the start is found years back (Moscow: 2014), or,
/// beyond 50 years, written from 1601 (Tokyo: 1951).
#[test]
fn standard_profile_first_observance() {
    let v = standard_vtimezone(
        zone("Europe/Moscow"),
        at(2024, 3, 1, 0, 0, 0),
        at(2024, 3, 2, 0, 0, 0),
    );
    assert_eq!(v.components.len(), 1);
    let obs = &v.components[0];
    assert!(obs.is("STANDARD"));
    assert_eq!(obs.property("DTSTART").unwrap().value(), "20141026T020000");
    assert_eq!(obs.property("TZOFFSETFROM").unwrap().value(), "+0400");
    assert_eq!(obs.property("TZOFFSETTO").unwrap().value(), "+0300");
    assert_eq!(obs.property("TZNAME").unwrap().value(), "MSK");

    let v = standard_vtimezone(
        zone("Asia/Tokyo"),
        at(2024, 3, 2, 0, 0, 0),
        at(2024, 3, 1, 0, 0, 0), // reversed: accepted
    );
    assert_eq!(v.components.len(), 1);
    let obs = &v.components[0];
    assert!(obs.is("STANDARD"));
    assert_eq!(obs.property("DTSTART").unwrap().value(), "16010101T000000");
    assert_eq!(obs.property("TZOFFSETFROM").unwrap().value(), "+0900");
    assert_eq!(obs.property("TZOFFSETTO").unwrap().value(), "+0900");
    assert_eq!(obs.property("TZNAME").unwrap().value(), "JST");

    // chrono-tz has no abbreviation for Dubai ("+04"): no TZNAME.
    let v = standard_vtimezone(
        zone("Asia/Dubai"),
        at(2024, 3, 1, 0, 0, 0),
        at(2024, 3, 2, 0, 0, 0),
    );
    assert!(v.components[0].property("TZNAME").is_none());
}

/// A standard-profile VTIMEZONE over several years, including rule changes, is right
/// at every probe of every year in the span.
#[test]
fn standard_profile_multi_year_span() {
    for name in [
        "America/New_York",
        "Europe/Moscow",
        "America/Sao_Paulo",
        "Africa/Casablanca",
    ] {
        let tz = zone(name);
        let v = standard_vtimezone(tz, at(2005, 6, 1, 0, 0, 0), at(2025, 6, 1, 0, 0, 0));
        for year in 2006..=2024 {
            for (local, truth) in probes(tz, year, &year_transitions(tz, year)) {
                assert_eq!(utc_offset_at(&v, local), Some(truth), "{name} {local}");
            }
        }
    }
}

/// In an irregular year the pair is the one in force at the instant asked for.
#[test]
fn irregular_years_follow_the_instant() {
    let moscow = zone("Europe/Moscow");
    // January 2011: still the old pair (daylight time came on 27 March and stayed).
    let (pair, warning) = rule_pair(moscow, 2011, at(2011, 1, 15, 12, 0, 0));
    assert!(warning.unwrap().contains("1 UTC-offset change"));
    assert_eq!(
        pair,
        dst_pair(
            3 * H,
            4 * H,
            tr(3, Weekday::Sun, -1, 2, 0),
            tr(10, Weekday::Sun, -1, 3, 0)
        )
    );
    // July 2011: +04 from then on.
    let (pair, warning) = rule_pair(moscow, 2011, at(2011, 7, 15, 12, 0, 0));
    assert!(warning.is_some());
    assert_eq!(
        pair,
        RulePair {
            standard_offset: 4 * H,
            daylight: None
        }
    );

    let sao_paulo = zone("America/Sao_Paulo");
    let (pair, warning) = rule_pair(sao_paulo, 2019, at(2019, 1, 15, 12, 0, 0));
    assert!(warning.is_some());
    assert_eq!(pair.standard_offset, -3 * H);
    assert_eq!(pair.daylight.as_ref().map(|d| d.offset), Some(-2 * H));
    let (pair, _) = rule_pair(sao_paulo, 2019, at(2019, 7, 15, 12, 0, 0));
    assert_eq!(
        pair,
        RulePair {
            standard_offset: -3 * H,
            daylight: None
        }
    );

    // Morocco, during and outside Ramadan 2024 (UTC+0 from 10 March to 14 April).
    let casablanca = zone("Africa/Casablanca");
    for (local, want) in [
        (at(2024, 3, 20, 12, 0, 0), 0),
        (at(2024, 6, 20, 12, 0, 0), H),
        (at(2024, 12, 20, 12, 0, 0), H),
    ] {
        let (pair, warning) = rule_pair(casablanca, 2024, local);
        assert!(warning.is_some(), "{local}");
        let v = outlook_component("Morocco Standard Time", &pair);
        assert_eq!(utc_offset_at(&v, local), Some(want), "{local}");
    }
}

/// Odd inputs do not panic.
#[test]
fn odd_inputs() {
    let tz = zone("Europe/Berlin");
    for year in [i32::MIN, -300_000, 0, 1601, 9_999, 262_142, i32::MAX] {
        let (pair, _) = rule_pair(tz, year, at(2024, 7, 1, 12, 0, 0));
        let _ = outlook_component("X", &pair);
    }
    // Instants in the gap and in the repeated hour.
    let (_, w) = rule_pair(tz, 2024, at(2024, 3, 31, 2, 30, 0));
    assert_eq!(w, None);
    let (_, w) = rule_pair(tz, 2024, at(2024, 10, 27, 2, 30, 0));
    assert_eq!(w, None);
    // Extreme spans.
    let _ = standard_vtimezone(tz, NaiveDateTime::MIN, NaiveDateTime::MIN);
    let _ = standard_vtimezone(tz, NaiveDateTime::MAX, NaiveDateTime::MAX);
    let _ = standard_vtimezone(tz, at(9_999, 1, 1, 0, 0, 0), NaiveDateTime::MAX);
    // A nonsensical pair is still written without panicking.
    let silly = dst_pair(
        H,
        2 * H,
        tr(13, Weekday::Sun, 0, 2, 0),
        tr(0, Weekday::Mon, -5, 3, 0),
    );
    let v = outlook_component("X", &silly);
    assert_eq!(v.components.len(), 2);
}

#[test]
fn format_local_writes_what_format_wrote() {
    use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
    let old = |dt: NaiveDateTime| {
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}",
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second()
        )
    };
    for year in [-10_000, -1, 0, 7, 99, 1601, 2024, 9999, 10_000, 262_000] {
        for (mo, d, h, mi, s) in [(1, 1, 0, 0, 0), (12, 31, 23, 59, 59), (2, 9, 3, 7, 5)] {
            let dt = NaiveDate::from_ymd_opt(year, mo, d)
                .unwrap()
                .and_hms_opt(h, mi, s)
                .unwrap();
            assert_eq!(super::format_local(dt), old(dt));
        }
    }
    let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
        .unwrap()
        .and_hms_milli_opt(23, 59, 59, 1_500)
        .unwrap();
    assert_eq!(super::format_local(leap), old(leap));
}

#[test]
fn memoised_rule_pairs_are_the_computed_ones() {
    // Regular and irregular zones and years; instants in, before and after the year.
    let zones = [
        "America/New_York",
        "Europe/Berlin",
        "Europe/Moscow",
        "America/Sao_Paulo",
        "Asia/Tehran",
        "Africa/Casablanca",
        "Australia/Sydney",
        "Asia/Tokyo",
    ];
    for name in zones {
        let tz = zone(name);
        for year in [2006, 2007, 2011, 2014, 2019, 2024, 2098, 2099] {
            for _ in 0..2 {
                assert_eq!(
                    year_pair(tz, year).as_deref().cloned(),
                    compute_year_pair(tz, year),
                    "{name} {year}"
                );
            }
            for instant in [
                at(year, 1, 1, 0, 30, 0),
                at(year, 3, 30, 2, 30, 0),
                at(year, 7, 15, 12, 0, 0),
                at(year, 10, 27, 2, 30, 0),
                at(year + 1, 6, 1, 9, 0, 0),
            ] {
                for _ in 0..2 {
                    assert_eq!(
                        rule_pair(tz, year, instant),
                        compute_rule_pair(tz, year, instant),
                        "{name} {year} {instant}"
                    );
                }
            }
        }
    }
}

#[test]
fn pair_offsets_are_those_of_the_pair_changes() {
    let pair = dst_pair(
        -5 * H,
        -4 * H,
        tr(3, Weekday::Sun, 2, 2, 0),
        tr(11, Weekday::Sun, 1, 2, 0),
    );
    let start = NaiveDate::from_ymd_opt(2023, 12, 1)
        .unwrap()
        .and_time(NaiveTime::MIN)
        .and_utc()
        .timestamp();
    for step in 0..(400 * 4) {
        let ts = start + i64::from(step) * 3_600 * 6;
        let year = utc_naive(ts - i64::from(5 * H)).year();
        let changes = pair_changes_span(&pair, year - 1, year + 1);
        assert_eq!(
            pair_offset_at(&pair, ts),
            Some(offset_from_changes(&changes, pair.standard_offset, ts)),
            "{ts}"
        );
    }
}

#[test]
fn memoised_outlook_vtimezones_are_the_built_ones() {
    let pairs = [
        rule_pair(zone("America/New_York"), 2003, at(2003, 9, 25, 14, 0, 0)).0,
        rule_pair(zone("Europe/Berlin"), 2024, at(2024, 7, 1, 12, 0, 0)).0,
        rule_pair(zone("Asia/Tokyo"), 2024, at(2024, 7, 1, 12, 0, 0)).0,
    ];
    for tzid in [
        "Eastern Standard Time",
        "Pacific Time (US & Canada), Tijuana",
    ] {
        for pair in &pairs {
            let built = build_outlook_vtimezone(tzid, pair);
            for _ in 0..2 {
                let memoised = outlook_component(tzid, pair);
                assert_eq!(memoised, built, "{tzid}");
                assert_eq!(
                    write(&[memoised], "\r\n"),
                    write(std::slice::from_ref(&built), "\r\n")
                );
            }
        }
    }
}
