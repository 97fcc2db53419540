use chrono_tz::Tz;

use super::{canonical_iana, resolve, windows_name, Hints, MatchRule, Resolved};
use crate::ical::model::Component;
use crate::ical::parse::parse;
use crate::tz::data::{
    CDO_ZONES, IANA_ALIASES, LEGACY_WINDOWS_NAMES, LOTUS_NAMES, WINDOWS_DISPLAY_NAMES,
    WINDOWS_ZONES,
};

use MatchRule::*;

const YEAR: i32 = 2009;

fn vtimezone(lines: &[&str]) -> Component {
    let text = lines.join("\r\n");
    let mut roots = parse(&text, 8).unwrap().roots;
    assert_eq!(roots.len(), 1);
    roots.remove(0)
}

fn by_name(tzid: &str) -> Option<Resolved> {
    resolve(tzid, None, &Hints::default(), YEAR)
}

fn zone(name: &str) -> Tz {
    name.parse().unwrap()
}

/// Checks one resolution, with a readable failure.
fn expect(got: Option<Resolved>, input: &str, want_zone: &str, want_rule: MatchRule) {
    let got = got.unwrap_or_else(|| panic!("{input:?}: no match, want {want_zone}"));
    assert_eq!(
        (got.zone.name(), got.rule),
        (want_zone, want_rule),
        "{input:?}: {}",
        got.detail
    );
    assert!(!got.detail.is_empty());
}

/// TZIDs with no VTIMEZONE and no hints, resolved for 2009.
const NAME_CASES: &[(&str, &str, MatchRule)] = &[
    // 2. tzdb names and aliases
    ("America/New_York", "America/New_York", Iana),
    ("america/new_york", "America/New_York", Iana),
    ("Europe/Amsterdam", "Europe/Amsterdam", Iana),
    ("Etc/GMT+5", "Etc/GMT+5", Iana),
    ("Asia/Kolkata", "Asia/Kolkata", Iana),
    ("Europe/Kyiv", "Europe/Kyiv", Iana),
    ("\"America/Los_Angeles\"", "America/Los_Angeles", Iana),
    ("Asia/Calcutta", "Asia/Kolkata", IanaAlias),
    ("asia/calcutta", "Asia/Kolkata", IanaAlias),
    ("US/Eastern", "America/New_York", IanaAlias),
    ("US/Pacific", "America/Los_Angeles", IanaAlias),
    ("Chile/Continental", "America/Santiago", IanaAlias),
    ("Europe/Kiev", "Europe/Kyiv", IanaAlias),
    (
        "America/Buenos_Aires",
        "America/Argentina/Buenos_Aires",
        IanaAlias,
    ),
    ("Africa/Asmera", "Africa/Asmara", IanaAlias),
    ("Australia/ACT", "Australia/Sydney", IanaAlias),
    ("Canada/Mountain", "America/Edmonton", IanaAlias),
    ("Mexico/General", "America/Mexico_City", IanaAlias),
    ("Japan", "Asia/Tokyo", IanaAlias),
    ("EST5EDT", "America/New_York", IanaAlias),
    ("Etc/GMT+0", "Etc/GMT", IanaAlias),
    ("GMT", "Etc/GMT", IanaAlias),
    ("UTC", "Etc/UTC", IanaAlias),
    // 3. Windows standard names
    ("W. Europe Standard Time", "Europe/Berlin", WindowsStandard),
    ("w europe standard time", "Europe/Berlin", WindowsStandard),
    ("Eastern Standard Time", "America/New_York", WindowsStandard),
    (
        "Pacific Standard Time",
        "America/Los_Angeles",
        WindowsStandard,
    ),
    ("Tokyo Standard Time", "Asia/Tokyo", WindowsStandard),
    ("India Standard Time", "Asia/Kolkata", WindowsStandard),
    ("FLE Standard Time", "Europe/Kyiv", WindowsStandard),
    (
        "AUS Eastern Standard Time",
        "Australia/Sydney",
        WindowsStandard,
    ),
    ("Arabian Standard Time", "Asia/Dubai", WindowsStandard),
    (
        "Central Standard Time (Mexico)",
        "America/Mexico_City",
        WindowsStandard,
    ),
    ("UTC-02", "Etc/GMT+2", WindowsStandard),
    (
        "Mexico Standard Time",
        "America/Mexico_City",
        WindowsStandard,
    ),
    (
        "Mexico Standard Time 2",
        "America/Mazatlan",
        WindowsStandard,
    ),
    (
        "Transitional Islamic State of Afghanistan Standard Time",
        "Asia/Kabul",
        WindowsStandard,
    ),
    // 4. Windows display names of every era
    (
        "(GMT-05:00) Eastern Time (US & Canada)",
        "America/New_York",
        WindowsDisplay,
    ),
    (
        "(UTC-05:00) Eastern Time (US & Canada)",
        "America/New_York",
        WindowsDisplay,
    ),
    (
        "Eastern Time (US & Canada)",
        "America/New_York",
        WindowsDisplay,
    ),
    (
        "Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
        "Europe/Berlin",
        WindowsDisplay,
    ),
    (
        "(GMT+01.00) Amsterdam\\, Berlin\\, Bern\\, Rome\\, Stockholm\\, Vienna",
        "Europe/Berlin",
        WindowsDisplay,
    ),
    (
        "Pacific Time (US & Canada); Tijuana",
        "America/Los_Angeles",
        WindowsDisplay,
    ),
    (
        "Pacific Time (US & Canada)\\, Tijuana",
        "America/Los_Angeles",
        WindowsDisplay,
    ),
    (
        "(GMT-08:00) Pacific Time (US and Canada); Tijuana",
        "America/Los_Angeles",
        WindowsDisplay,
    ),
    (
        "Canberra, Melbourne, Sydney",
        "Australia/Sydney",
        WindowsDisplay,
    ),
    (
        "(GMT) Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London",
        "Europe/London",
        WindowsDisplay,
    ),
    (
        "Kolkata\\, Chennai\\, Mumbai\\, New Delhi",
        "Asia/Kolkata",
        WindowsDisplay,
    ),
    (
        "(UTC+02:00) Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius",
        "Europe/Kyiv",
        WindowsDisplay,
    ),
    (
        "(GMT+10:00) Canberra, Melbourne, Sydney\\n",
        "Australia/Sydney",
        WindowsDisplay,
    ),
    (
        "(GMT+10:00) Canberra, Melbourne, Sydney\\\\n",
        "Australia/Sydney",
        WindowsDisplay,
    ),
    (
        "  \"(UTC+01:00) Brussels, Copenhagen, Madrid, Paris\"  ",
        "Europe/Paris",
        WindowsDisplay,
    ),
    (
        "(GMT-06.00) Central Time (US & Canada)",
        "America/Chicago",
        WindowsDisplay,
    ),
    (
        "(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi",
        "Asia/Kolkata",
        WindowsDisplay,
    ),
    ("(GMT+02:00) Bucharest", "Europe/Bucharest", WindowsDisplay),
    ("Kuala Lumpur, Singapore", "Asia/Singapore", WindowsDisplay),
    ("(GMT-09:00) Alaska", "America/Anchorage", WindowsDisplay),
    ("Alaska", "America/Anchorage", WindowsDisplay),
    ("Prague, Central Europe", "Europe/Prague", WindowsDisplay),
    // 5. Lotus Notes short names
    ("Eastern", "America/New_York", Lotus),
    ("\"Pacific\"", "America/Los_Angeles", Lotus),
    ("Eastern\\n", "America/New_York", Lotus),
    ("Central", "America/Chicago", Lotus),
    ("Mountain", "America/Denver", Lotus),
    ("Alaskan", "America/Anchorage", Lotus),
    ("Hawaiian", "Pacific/Honolulu", Lotus),
    ("Atlantic", "America/Halifax", Lotus),
    ("W. Europe", "Europe/Berlin", Lotus),
    ("Central Europe", "Europe/Budapest", Lotus),
    ("FLE", "Europe/Kyiv", Lotus),
    ("AUS Eastern", "Australia/Sydney", Lotus),
    ("Tokyo", "Asia/Tokyo", Lotus),
    ("Belarus", "Europe/Minsk", Lotus),
    // 6. Exchange CDO ids
    ("4", "Europe/Berlin", CdoId),
    ("13", "America/Los_Angeles", CdoId),
    ("0", "Etc/UTC", CdoId),
    ("2", "Europe/Warsaw", CdoId),
    ("23", "Asia/Kolkata", CdoId),
    // 7. CDO offset names
    (
        "GMT +0100 (Standard) / GMT +0200 (Daylight)",
        "Europe/Berlin",
        CdoOffsetName,
    ),
    ("GMT-05.00/-04.00", "America/New_York", CdoOffsetName),
    ("(GMT +01:00)", "Africa/Lagos", CdoOffsetName),
    ("UTC+11", "Pacific/Guadalcanal", CdoOffsetName),
    // 8. vendor prefixes
    (
        "/softwarestudio.org/Olson_20011030_5/America/New_York",
        "America/New_York",
        VendorPrefix,
    ),
    (
        "/mozilla.org/20070129_1/Europe/Berlin",
        "Europe/Berlin",
        VendorPrefix,
    ),
    (
        "/freeassociation.sourceforge.net/Tzfile/Europe/London",
        "Europe/London",
        VendorPrefix,
    ),
    (
        "/freeassociation.sourceforge.net/Tzfile/America/Argentina/Buenos_Aires",
        "America/Argentina/Buenos_Aires",
        VendorPrefix,
    ),
    (
        "/citadel.org/20190914_1/Asia/Tokyo",
        "Asia/Tokyo",
        VendorPrefix,
    ),
    (
        "/softwarestudio.org/Tzfile/America/Chicago",
        "America/Chicago",
        VendorPrefix,
    ),
    (
        "/softwarestudio.org/Olson_20011030_5/Asia/Calcutta",
        "Asia/Kolkata",
        VendorPrefix,
    ),
    ("/Europe/Stockholm", "Europe/Stockholm", VendorPrefix),
    ("posix/Europe/Vaduz", "Europe/Vaduz", VendorPrefix),
    ("Europe_London", "Europe/London", VendorPrefix),
];

/// TZIDs nothing identifies without a VTIMEZONE.
const UNRESOLVED: &[&str] = &[
    "garbage",
    "",
    "   ",
    "\"\"",
    "Nowhere/Middle",
    "Customized Time Zone",
    "Custom",
    "/Europe/CUSTOM",
    "52",
    "999",
    "(GMT+25:00)",
    "GMT+01:00/+02:00/+03:00",
    "\\",
    "\u{0}\u{1}",
    "Σ/Ω",
];

#[test]
fn name_cases_resolve_to_the_expected_zone_and_rule() {
    assert!(NAME_CASES.len() >= 80, "{}", NAME_CASES.len());
    for (tzid, want, rule) in NAME_CASES {
        expect(by_name(tzid), tzid, want, *rule);
    }
}

#[test]
fn unknown_names_without_a_vtimezone_resolve_to_nothing() {
    for tzid in UNRESOLVED {
        assert_eq!(by_name(tzid), None, "{tzid:?}");
    }
    let long = "x".repeat(10_000);
    assert_eq!(by_name(&long), None);
}

#[test]
fn rule_names_are_snake_case() {
    let all = [
        (Hint, "hint"),
        (Iana, "iana"),
        (IanaAlias, "iana_alias"),
        (WindowsStandard, "windows_standard"),
        (WindowsDisplay, "windows_display"),
        (Lotus, "lotus"),
        (CdoId, "cdo_id"),
        (CdoOffsetName, "cdo_offset_name"),
        (VendorPrefix, "vendor_prefix"),
        (EmbeddedRules, "embedded_rules"),
    ];
    for (rule, name) in all {
        assert_eq!(rule.as_str(), name);
        assert_eq!(rule.to_string(), name);
    }
}

// ---------------------------------------------------------------------------
// VTIMEZONEs
// ---------------------------------------------------------------------------

/// Outlook/Exchange style: 1601 DTSTART, one STANDARD and one DAYLIGHT.
fn cdo_europe(tzid: &str) -> Component {
    vtimezone(&[
        "BEGIN:VTIMEZONE",
        &format!("TZID:{tzid}"),
        "BEGIN:STANDARD",
        "DTSTART:16010101T030000",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "RRULE:FREQ=YEARLY;WKST=MO;INTERVAL=1;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:16010101T020000",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "RRULE:FREQ=YEARLY;WKST=MO;INTERVAL=1;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
    ])
}

/// US Eastern rules as changed in 2007.
fn us_eastern_2007(tzid: &str) -> Component {
    vtimezone(&[
        "BEGIN:VTIMEZONE",
        &format!("TZID:{tzid}"),
        "BEGIN:DAYLIGHT",
        "DTSTART:20070311T020000",
        "TZOFFSETFROM:-0500",
        "TZOFFSETTO:-0400",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
        "TZNAME:EDT",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "DTSTART:20071104T020000",
        "TZOFFSETFROM:-0400",
        "TZOFFSETTO:-0500",
        "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
        "TZNAME:EST",
        "END:STANDARD",
        "END:VTIMEZONE",
    ])
}

#[test]
fn cdo_offset_name_with_a_vtimezone_picks_the_first_cldr_zone_whose_rules_agree() {
    let name = "GMT +0100 (Standard) / GMT +0200 (Daylight)";
    let vtz = cdo_europe(name);
    expect(
        resolve(name, Some(&vtz), &Hints::default(), YEAR),
        name,
        "Europe/Berlin",
        CdoOffsetName,
    );
}

#[test]
fn cdo_offset_name_contradicted_by_its_vtimezone_falls_to_the_rules() {
    let name = "GMT +0100 (Standard) / GMT +0200 (Daylight)";
    let vtz = us_eastern_2007(name);
    expect(
        resolve(name, Some(&vtz), &Hints::default(), YEAR),
        name,
        "America/New_York",
        EmbeddedRules,
    );
}

#[test]
fn custom_zone_with_us_2007_rules_matches_new_york_by_rules() {
    let vtz = us_eastern_2007("Custom");
    let got = resolve("Custom", Some(&vtz), &Hints::default(), YEAR);
    expect(got.clone(), "Custom", "America/New_York", EmbeddedRules);
    assert!(got.unwrap().detail.contains("Eastern Standard Time"));
}

#[test]
fn custom_zone_with_southern_rules_matches_sydney() {
    let vtz = vtimezone(&[
        "BEGIN:VTIMEZONE",
        "TZID:Custom",
        "BEGIN:STANDARD",
        "DTSTART:20080406T030000",
        "TZOFFSETFROM:+1100",
        "TZOFFSETTO:+1000",
        "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:20081005T020000",
        "TZOFFSETFROM:+1000",
        "TZOFFSETTO:+1100",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
    ]);
    expect(
        resolve("Custom", Some(&vtz), &Hints::default(), YEAR),
        "Custom",
        "Australia/Sydney",
        EmbeddedRules,
    );
}

#[test]
fn custom_zone_with_cdo_european_rules_matches_berlin() {
    let vtz = cdo_europe("Customized Time Zone");
    expect(
        resolve("Customized Time Zone", Some(&vtz), &Hints::default(), YEAR),
        "Customized Time Zone",
        "Europe/Berlin",
        EmbeddedRules,
    );
}

#[test]
fn custom_zone_without_daylight_time_matches_by_its_single_offset() {
    let vtz = vtimezone(&[
        "BEGIN:VTIMEZONE",
        "TZID:Custom",
        "BEGIN:STANDARD",
        "DTSTART:16010101T000000",
        "TZOFFSETFROM:+0530",
        "TZOFFSETTO:+0530",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]);
    expect(
        resolve("Custom", Some(&vtz), &Hints::default(), YEAR),
        "Custom",
        "Asia/Kolkata",
        EmbeddedRules,
    );
}

#[test]
fn stale_rules_that_match_no_zone_in_the_year_resolve_to_nothing() {
    // US rules before 2007 (first Sunday of April to last Sunday of October),
    // evaluated for 2009: no tzdb zone did that at -05/-04.
    let vtz = vtimezone(&[
        "BEGIN:VTIMEZONE",
        "TZID:Custom",
        "BEGIN:DAYLIGHT",
        "DTSTART:19870405T020000",
        "TZOFFSETFROM:-0500",
        "TZOFFSETTO:-0400",
        "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "DTSTART:19671029T020000",
        "TZOFFSETFROM:-0400",
        "TZOFFSETTO:-0500",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]);
    assert_eq!(resolve("Custom", Some(&vtz), &Hints::default(), YEAR), None);
    // The same rules under a Lotus name still resolve by the name: the offsets
    // agree, only the dates are stale.
    expect(
        resolve("Eastern", Some(&vtz), &Hints::default(), YEAR),
        "Eastern",
        "America/New_York",
        Lotus,
    );
}

#[test]
fn multi_rule_history_is_evaluated_for_the_year_asked() {
    // libical style: rules until 2006, new rules from 2007.
    let vtz = vtimezone(&[
        "BEGIN:VTIMEZONE",
        "TZID:/softwarestudio.org/Olson_20011030_5/Custom",
        "BEGIN:DAYLIGHT",
        "DTSTART:19870405T020000",
        "TZOFFSETFROM:-0600",
        "TZOFFSETTO:-0500",
        "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20060402T080000Z",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "DTSTART:19671029T020000",
        "TZOFFSETFROM:-0500",
        "TZOFFSETTO:-0600",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;UNTIL=20061029T070000Z",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:20070311T020000",
        "TZOFFSETFROM:-0600",
        "TZOFFSETTO:-0500",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "DTSTART:20071104T020000",
        "TZOFFSETFROM:-0500",
        "TZOFFSETTO:-0600",
        "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]);
    let tzid = "/softwarestudio.org/Olson_20011030_5/Custom";
    expect(
        resolve(tzid, Some(&vtz), &Hints::default(), 2009),
        tzid,
        "America/Chicago",
        EmbeddedRules,
    );
    // In 2005 the old rules apply; Chicago is still first to match them.
    expect(
        resolve(tzid, Some(&vtz), &Hints::default(), 2005),
        tzid,
        "America/Chicago",
        EmbeddedRules,
    );
}

#[test]
fn lotus_gmt_with_summer_time_is_london_not_etc_gmt() {
    let vtz = vtimezone(&[
        "BEGIN:VTIMEZONE",
        "TZID:GMT",
        "BEGIN:STANDARD",
        "DTSTART:19501029T020000",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0000",
        "RRULE:FREQ=YEARLY;BYMINUTE=0;BYHOUR=2;BYDAY=-1SU;BYMONTH=10",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:19500326T010000",
        "TZOFFSETFROM:+0000",
        "TZOFFSETTO:+0100",
        "RRULE:FREQ=YEARLY;BYMINUTE=0;BYHOUR=1;BYDAY=-1SU;BYMONTH=3",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
    ]);
    expect(
        resolve("GMT", Some(&vtz), &Hints::default(), YEAR),
        "GMT",
        "Europe/London",
        Lotus,
    );
}

#[test]
fn lotus_notes_8_w_europe_vtimezone_from_the_corpus() {
    // libcalendaring tests/resources/recurrence-id.ics (Notes 8.5.3).
    let vtz = vtimezone(&[
        "BEGIN:VTIMEZONE",
        "TZID:W. Europe",
        "BEGIN:STANDARD",
        "DTSTART:19501029T020000",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "RRULE:FREQ=YEARLY;BYMINUTE=0;BYHOUR=2;BYDAY=-1SU;BYMONTH=10",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:19500326T020000",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "RRULE:FREQ=YEARLY;BYMINUTE=0;BYHOUR=2;BYDAY=-1SU;BYMONTH=3",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
    ]);
    expect(
        resolve("\"W. Europe\"", Some(&vtz), &Hints::default(), 2014),
        "W. Europe",
        "Europe/Berlin",
        Lotus,
    );
    // Under an unknown name, the same rules match within the tolerance (Notes
    // writes 02:00 local for the October change; tzdb says 03:00).
    let got = resolve(
        "Western/Central Europe",
        Some(&vtz),
        &Hints::default(),
        2014,
    );
    expect(
        got.clone(),
        "Western/Central Europe",
        "Europe/Berlin",
        EmbeddedRules,
    );
    assert!(got.unwrap().detail.contains("within 60 min"));
}

#[test]
fn cdo_id_2_is_sarajevo_or_lisbon_by_the_vtimezone_offsets() {
    let central = cdo_europe("foo");
    let hints = Hints {
        cdo_tzid: Some("2"),
        ..Hints::default()
    };
    expect(
        resolve("foo", Some(&central), &hints, YEAR),
        "foo",
        "Europe/Warsaw",
        CdoId,
    );
    let western = vtimezone(&[
        "BEGIN:VTIMEZONE",
        "TZID:foo",
        "BEGIN:STANDARD",
        "DTSTART:16010101T020000",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0000",
        "RRULE:FREQ=YEARLY;WKST=MO;INTERVAL=1;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:16010101T010000",
        "TZOFFSETFROM:+0000",
        "TZOFFSETTO:+0100",
        "RRULE:FREQ=YEARLY;WKST=MO;INTERVAL=1;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
    ]);
    expect(
        resolve("foo", Some(&western), &hints, YEAR),
        "foo",
        "Europe/Lisbon",
        CdoId,
    );
}

#[test]
fn cdo_id_hint_is_used_when_the_tzid_names_nothing() {
    let hints = Hints {
        cdo_tzid: Some(" 10 "),
        ..Hints::default()
    };
    expect(
        resolve("Some Custom Zone", None, &hints, YEAR),
        "Some Custom Zone",
        "America/New_York",
        CdoId,
    );
    // A display-name TZID is more specific than the numeric hint.
    expect(
        resolve("Pacific Time (US & Canada)\\, Tijuana", None, &hints, YEAR),
        "Pacific Time (US & Canada)\\, Tijuana",
        "America/Los_Angeles",
        WindowsDisplay,
    );
}

// ---------------------------------------------------------------------------
// Hints
// ---------------------------------------------------------------------------

#[test]
fn entourage_cftimezone_names_the_zone_of_its_vtimezone() {
    let vtz = us_eastern_2007("Eastern Time (US & Canada)");
    let hints = Hints {
        entourage_cftimezone: Some("America/Detroit"),
        ..Hints::default()
    };
    expect(
        resolve("Eastern Time (US & Canada)", Some(&vtz), &hints, YEAR),
        "cftimezone",
        "America/Detroit",
        Hint,
    );
    // A hint contradicted by the VTIMEZONE's offsets is ignored.
    let tokyo = Hints {
        entourage_cftimezone: Some("Asia/Tokyo"),
        ..Hints::default()
    };
    expect(
        resolve("Custom", Some(&vtz), &tokyo, YEAR),
        "cftimezone Tokyo",
        "America/New_York",
        EmbeddedRules,
    );
    // A tzdb TZID already names its zone.
    expect(
        resolve("US/Eastern", Some(&vtz), &hints, YEAR),
        "US/Eastern",
        "America/New_York",
        IanaAlias,
    );
}

#[test]
fn x_wr_timezone_fills_in_or_refines_but_never_overrides() {
    let paris = Hints {
        x_wr_timezone: Some("Europe/Paris"),
        ..Hints::default()
    };
    expect(
        resolve("Custom", None, &paris, YEAR),
        "Custom",
        "Europe/Paris",
        Hint,
    );
    expect(
        resolve("Eastern", None, &paris, YEAR),
        "Eastern",
        "America/New_York",
        Lotus,
    );
    expect(
        resolve("US/Eastern", None, &paris, YEAR),
        "US/Eastern",
        "America/New_York",
        IanaAlias,
    );
    let vancouver = Hints {
        x_wr_timezone: Some("America/Vancouver"),
        ..Hints::default()
    };
    expect(
        resolve("Pacific", None, &vancouver, YEAR),
        "Pacific",
        "America/Vancouver",
        Hint,
    );
    let bogus = Hints {
        x_wr_timezone: Some("Not/AZone"),
        ..Hints::default()
    };
    assert_eq!(resolve("Custom", None, &bogus, YEAR), None);
}

// ---------------------------------------------------------------------------
// windows_name and canonical_iana
// ---------------------------------------------------------------------------

#[test]
fn windows_names_of_twenty_zones() {
    let cases = [
        ("Europe/Berlin", Some("W. Europe Standard Time")),
        ("Europe/Amsterdam", Some("W. Europe Standard Time")),
        ("America/New_York", Some("Eastern Standard Time")),
        ("America/Toronto", Some("Eastern Standard Time")),
        ("US/Eastern", Some("Eastern Standard Time")),
        ("America/Vancouver", Some("Pacific Standard Time")),
        ("Asia/Kolkata", Some("India Standard Time")),
        ("Asia/Calcutta", Some("India Standard Time")),
        ("Europe/London", Some("GMT Standard Time")),
        ("Europe/Dublin", Some("GMT Standard Time")),
        ("Europe/Lisbon", Some("GMT Standard Time")),
        ("Australia/Sydney", Some("AUS Eastern Standard Time")),
        ("Australia/Melbourne", Some("AUS Eastern Standard Time")),
        ("Pacific/Auckland", Some("New Zealand Standard Time")),
        ("Asia/Tokyo", Some("Tokyo Standard Time")),
        ("America/Sao_Paulo", Some("E. South America Standard Time")),
        ("Europe/Kyiv", Some("FLE Standard Time")),
        ("Europe/Kiev", Some("FLE Standard Time")),
        ("Etc/UTC", Some("UTC")),
        ("Etc/GMT+5", Some("SA Pacific Standard Time")),
        ("America/Argentina/Cordoba", Some("Argentina Standard Time")),
        ("Asia/Almaty", Some("West Asia Standard Time")),
        ("Europe/Moscow", Some("Russian Standard Time")),
        ("America/Phoenix", Some("US Mountain Standard Time")),
        ("Africa/Asmara", Some("E. Africa Standard Time")),
        ("Antarctica/Troll", None),
    ];
    for (name, want) in cases {
        assert_eq!(windows_name(zone(name)), want, "{name}");
    }
}

#[test]
fn canonical_iana_normalises_case_and_aliases() {
    assert_eq!(canonical_iana("asia/calcutta"), Some(zone("Asia/Kolkata")));
    assert_eq!(canonical_iana("US/Eastern"), Some(zone("America/New_York")));
    assert_eq!(canonical_iana("EUROPE/BERLIN"), Some(zone("Europe/Berlin")));
    assert_eq!(
        canonical_iana("Europe/Amsterdam"),
        Some(zone("Europe/Amsterdam"))
    );
    assert_eq!(
        canonical_iana("Chile/Continental"),
        Some(zone("America/Santiago"))
    );
    assert_eq!(canonical_iana("W. Europe Standard Time"), None);
    assert_eq!(canonical_iana(""), None);
}

// ---------------------------------------------------------------------------
// The tables
// ---------------------------------------------------------------------------

fn is_canonical(name: &str) -> bool {
    canonical_iana(name).is_some_and(|z| z.name() == name)
}

fn cldr_001(windows: &str) -> Option<&'static str> {
    WINDOWS_ZONES
        .iter()
        .find(|(w, t, _)| *w == windows && *t == "001")
        .map(|(_, _, zones)| zones.split(' ').next().unwrap())
}

#[test]
fn every_windows_zone_maps_to_canonical_chrono_tz_zones() {
    let mut names: Vec<&str> = Vec::new();
    for (windows, territory, zones) in &WINDOWS_ZONES {
        assert!(!zones.is_empty(), "{windows} {territory}");
        for name in zones.split(' ') {
            assert!(
                name.parse::<Tz>().is_ok(),
                "{windows}: {name} not in chrono-tz"
            );
            assert!(is_canonical(name), "{windows}: {name} is not canonical");
        }
        if *territory == "001" {
            assert!(!names.contains(windows), "{windows} has two 001 rows");
            names.push(windows);
            assert_eq!(zones.split(' ').count(), 1, "{windows}");
        }
    }
    assert_eq!(names.len(), 139);
    // Every row's Windows name has a 001 row.
    for (windows, _, _) in &WINDOWS_ZONES {
        assert!(cldr_001(windows).is_some(), "{windows}");
    }
}

#[test]
fn every_windows_standard_name_resolves_to_its_001_zone() {
    for (windows, territory, zones) in &WINDOWS_ZONES {
        if *territory != "001" {
            continue;
        }
        let got = by_name(windows).unwrap_or_else(|| panic!("{windows}"));
        assert_eq!(got.zone.name(), *zones, "{windows}");
        let rule_ok = got.rule == WindowsStandard || (*windows == "UTC" && got.rule == IanaAlias);
        assert!(rule_ok, "{windows}: {:?}", got.rule);
        assert_eq!(windows_name(got.zone), Some(*windows));
    }
    for (old, current) in &LEGACY_WINDOWS_NAMES {
        let want = cldr_001(current).unwrap_or_else(|| panic!("{current}"));
        expect(by_name(old), old, want, WindowsStandard);
    }
}

#[test]
fn every_display_name_resolves_to_its_windows_zone() {
    for (display, windows) in &WINDOWS_DISPLAY_NAMES {
        let want = cldr_001(windows).unwrap_or_else(|| panic!("{display}: {windows}"));
        expect(by_name(display), display, want, WindowsDisplay);
        // And without the prefix, quoted and escaped the way CDO wrote them.
        let bare = display
            .split_once(") ")
            .filter(|_| display.starts_with('('))
            .map_or(*display, |(_, rest)| rest);
        let cdo = format!("\"{}\\n\"", bare.replace(',', "\\,"));
        // `(GMT+04:00) Caucasus Standard Time` is a standard name once bare.
        let rule = if bare.ends_with("Standard Time") {
            WindowsStandard
        } else {
            WindowsDisplay
        };
        expect(by_name(&cdo), &cdo, want, rule);
    }
}

#[test]
fn every_lotus_name_resolves_to_its_windows_zone() {
    for (name, windows) in &LOTUS_NAMES {
        let want = cldr_001(windows).unwrap_or_else(|| panic!("{name}: {windows}"));
        let got = by_name(name).unwrap_or_else(|| panic!("{name}"));
        if let Some(tzdb) = canonical_iana(name) {
            // `GMT`, `Greenwich`, `Egypt`: tzdb's name wins when no VTIMEZONE
            // contradicts it (Lotus GMT with summer time: see the test above).
            assert_eq!(got.zone, tzdb, "{name}");
            assert_eq!(got.rule, IanaAlias, "{name}");
            continue;
        }
        assert_eq!(got.zone.name(), want, "{name}: {}", got.detail);
        // `Alaska` is also a display name, `Mexico Standard Time 2` a retired
        // Windows standard name.
        assert!(
            matches!(got.rule, Lotus | WindowsDisplay | WindowsStandard),
            "{name}: {:?}",
            got.rule
        );
    }
}

#[test]
fn every_cdo_id_resolves_to_its_first_row() {
    let mut last = 0u8;
    for (id, description, name) in &CDO_ZONES {
        assert!(*id >= last, "CDO_ZONES not sorted at {id}");
        last = *id;
        assert!(is_canonical(name), "{id}: {name}");
        assert!(!description.is_empty());
        let first = CDO_ZONES.iter().find(|(i, _, _)| i == id).unwrap();
        expect(by_name(&id.to_string()), &id.to_string(), first.2, CdoId);
        // The CDO's zone sits in a Windows zone, so Outlook gets a Windows TZID.
        assert!(windows_name(zone(name)).is_some(), "{id}: {name}");
    }
    assert!(CDO_ZONES.iter().all(|(id, _, _)| *id != 52 && *id != 82));
}

#[test]
fn aliases_are_sorted_and_point_at_canonical_zones() {
    for pair in IANA_ALIASES.windows(2) {
        assert!(pair[0].0 < pair[1].0, "{} / {}", pair[0].0, pair[1].0);
    }
    for (alias, target) in &IANA_ALIASES {
        assert!(alias.parse::<Tz>().is_ok(), "{alias}");
        assert!(target.parse::<Tz>().is_ok(), "{target}");
        assert!(
            IANA_ALIASES
                .binary_search_by(|(a, _)| a.cmp(target))
                .is_err(),
            "{alias} -> {target} is itself an alias"
        );
    }
}

#[test]
fn tables_are_sorted_and_name_known_windows_zones() {
    let lower = |s: &str| s.to_ascii_lowercase();
    let city = |s: &str| -> String {
        let bare = s
            .split_once(") ")
            .filter(|_| s.starts_with("(GMT") || s.starts_with("(UTC"))
            .map_or(s, |(_, rest)| rest);
        lower(bare)
    };
    for pair in WINDOWS_DISPLAY_NAMES.windows(2) {
        let a = (city(pair[0].0), lower(pair[0].0));
        let b = (city(pair[1].0), lower(pair[1].0));
        assert!(a < b, "{} / {}", pair[0].0, pair[1].0);
    }
    for pair in LOTUS_NAMES.windows(2) {
        assert!(lower(pair[0].0) < lower(pair[1].0), "{}", pair[1].0);
    }
    for pair in LEGACY_WINDOWS_NAMES.windows(2) {
        assert!(lower(pair[0].0) < lower(pair[1].0), "{}", pair[1].0);
    }
    let tables = WINDOWS_DISPLAY_NAMES
        .iter()
        .chain(LOTUS_NAMES.iter())
        .chain(LEGACY_WINDOWS_NAMES.iter());
    for (name, windows) in tables {
        assert!(
            cldr_001(windows).is_some(),
            "{name}: {windows} is not a CLDR name"
        );
    }
}

#[test]
fn display_names_that_compare_equal_name_the_same_windows_zone() {
    for (a, wa) in &WINDOWS_DISPLAY_NAMES {
        for (b, wb) in &WINDOWS_DISPLAY_NAMES {
            if super::display_key(a) == super::display_key(b) {
                assert_eq!(wa, wb, "{a} / {b}");
            }
        }
    }
}

#[test]
fn never_panics_on_odd_input() {
    let odd_vtimezones = [
        vtimezone(&["BEGIN:VTIMEZONE", "TZID:x", "END:VTIMEZONE"]),
        vtimezone(&[
            "BEGIN:VTIMEZONE",
            "TZID:x",
            "BEGIN:STANDARD",
            "DTSTART:99991231T235959",
            "TZOFFSETFROM:-2359",
            "TZOFFSETTO:+2359",
            "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-31,31;BYDAY=-5SU,5MO;COUNT=4294967295",
            "RDATE:00000101T000000,junk,20090101/20090102",
            "END:STANDARD",
            "BEGIN:DAYLIGHT",
            "DTSTART:junk",
            "TZOFFSETTO:+0100",
            "END:DAYLIGHT",
            "BEGIN:DAYLIGHT",
            "DTSTART:20000101",
            "TZOFFSETTO:nope",
            "END:DAYLIGHT",
            "END:VTIMEZONE",
        ]),
        us_eastern_2007("x"),
    ];
    let hints = Hints {
        x_wr_timezone: Some("\u{feff}"),
        entourage_cftimezone: Some("/"),
        cdo_tzid: Some("255"),
    };
    let names = [
        "x", "", "(", "(GMT", "(UTC)", "GMT+", "GMT/", "/", "//", "_", "\\\\n",
    ];
    for year in [i32::MIN, -1, 0, 1601, 2009, 9999, i32::MAX] {
        for vtz in &odd_vtimezones {
            for name in names {
                let _ = resolve(name, Some(vtz), &hints, year);
                let _ = resolve(name, None, &hints, year);
            }
        }
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn resolve_never_panics(tzid in ".{0,80}", hint in ".{0,20}", year in 1900i32..2100) {
            let hints = Hints {
                x_wr_timezone: Some(&hint),
                entourage_cftimezone: Some(&hint),
                cdo_tzid: Some(&hint),
            };
            let _ = resolve(&tzid, None, &hints, year);
        }
    }
}

// ---------------------------------------------------------------------------
// The indexed lookups and the allocation-free month_days give what the linear
// versions they replaced gave.
// ---------------------------------------------------------------------------

/// The rules the month_days oracles are compared on: every BYDAY weekday with every
/// ordinal (and none), alone or with BYMONTHDAY values, and BYMONTHDAY alone.
fn month_day_rules() -> Vec<crate::ical::value::Recur> {
    use crate::ical::value::{Frequency, Recur, WeekdayNum};
    use chrono::Weekday;
    let weekdays = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    let ordinals: Vec<Option<i8>> = std::iter::once(None).chain((-6i8..=6).map(Some)).collect();
    let month_days: [&[i8]; 5] = [&[], &[1], &[-1, 15], &[29, 30, 31], &[0, -31, 8]];
    let mut rules = Vec::new();
    for md in month_days {
        let mut rule = Recur::new(Frequency::Yearly);
        rule.by_month_day = md.to_vec();
        rules.push(rule.clone());
        for wd in weekdays {
            for ord in &ordinals {
                let mut r = rule.clone();
                r.by_day = vec![WeekdayNum {
                    ordinal: *ord,
                    weekday: wd,
                }];
                rules.push(r.clone());
                r.by_day.push(WeekdayNum {
                    ordinal: Some(-1),
                    weekday: Weekday::Sun,
                });
                rules.push(r);
            }
        }
    }
    rules
}

#[test]
fn month_days_matches_the_day_list_version() {
    use chrono::{Datelike, NaiveDate};
    // The version before the rewrite: a list of every day of the month.
    fn oracle(
        rule: &crate::ical::value::Recur,
        year: i32,
        month: u32,
        start_day: u32,
    ) -> Vec<NaiveDate> {
        let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
            return Vec::new();
        };
        let all: Vec<NaiveDate> = first
            .iter_days()
            .take_while(|d| d.month() == month)
            .collect();
        let month_day = |n: i8| -> Option<NaiveDate> {
            let len = i32::try_from(all.len()).ok()?;
            let index = if n > 0 {
                i32::from(n) - 1
            } else {
                len + i32::from(n)
            };
            all.get(usize::try_from(index).ok()?).copied()
        };
        let mut days: Vec<NaiveDate> = if !rule.by_day.is_empty() {
            let mut picked = Vec::new();
            for wd in &rule.by_day {
                let matching: Vec<NaiveDate> = all
                    .iter()
                    .copied()
                    .filter(|d| d.weekday() == wd.weekday)
                    .collect();
                match wd.ordinal {
                    None => picked.extend(matching),
                    Some(n) => {
                        let len = i32::try_from(matching.len()).unwrap_or(0);
                        let index = if n > 0 {
                            i32::from(n) - 1
                        } else {
                            len + i32::from(n)
                        };
                        if let Some(d) = usize::try_from(index).ok().and_then(|i| matching.get(i)) {
                            picked.push(*d);
                        }
                    }
                }
            }
            if !rule.by_month_day.is_empty() {
                let allowed: Vec<NaiveDate> = rule
                    .by_month_day
                    .iter()
                    .filter_map(|n| month_day(*n))
                    .collect();
                picked.retain(|d| allowed.contains(d));
            }
            picked
        } else if !rule.by_month_day.is_empty() {
            rule.by_month_day
                .iter()
                .filter_map(|n| month_day(*n))
                .collect()
        } else {
            NaiveDate::from_ymd_opt(year, month, start_day)
                .into_iter()
                .collect()
        };
        days.sort_unstable();
        days.dedup();
        days
    }
    let rules = month_day_rules();
    let mut days = vec![NaiveDate::MIN];
    for year in [1601, 1999, 2000, 2023, 2024, 2100] {
        for month in 0..=13 {
            for rule in &rules {
                for start_day in [1, 29, 31] {
                    super::month_days(rule, year, month, start_day, &mut days);
                    assert_eq!(
                        days,
                        oracle(rule, year, month, start_day),
                        "{year}-{month} {rule:?} {start_day}"
                    );
                }
            }
        }
    }
}

#[test]
fn indexed_name_lookups_match_linear_scans() {
    use chrono_tz::TZ_VARIANTS;
    // tzdb names in any case: the first of TZ_VARIANTS with that name.
    for zone in TZ_VARIANTS {
        for name in [
            zone.name().to_owned(),
            zone.name().to_ascii_lowercase(),
            zone.name().to_ascii_uppercase(),
        ] {
            let linear = name.parse::<Tz>().ok().or_else(|| {
                TZ_VARIANTS
                    .iter()
                    .copied()
                    .find(|z| z.name().eq_ignore_ascii_case(&name))
            });
            assert_eq!(
                super::iana_lookup(&name).map(|(z, _)| z).is_some(),
                linear.is_some()
            );
            let linear =
                linear.map(
                    |z| match IANA_ALIASES.binary_search_by(|(a, _)| a.cmp(&z.name())) {
                        Ok(i) => IANA_ALIASES[i].1.parse::<Tz>().unwrap(),
                        Err(_) => z,
                    },
                );
            assert_eq!(super::iana_lookup(&name).map(|(z, _)| z), linear, "{name}");
        }
    }
    // windows_name: the first row listing the zone.
    for zone in TZ_VARIANTS {
        let canonical = canonical_iana(zone.name()).unwrap_or(zone);
        let linear = WINDOWS_ZONES
            .iter()
            .find(|(_, _, zones)| zones.split(' ').any(|z| z == canonical.name()))
            .map(|(w, _, _)| *w);
        assert_eq!(windows_name(zone), linear, "{}", zone.name());
    }
    // Windows standard, legacy, Lotus and display names, as written and re-spaced.
    let same = |a: &str, b: &str| super::windows_key(a) == super::windows_key(b);
    let mut names: Vec<String> = Vec::new();
    for (w, _, _) in &WINDOWS_ZONES {
        names.push((*w).to_owned());
    }
    for (old, new) in &LEGACY_WINDOWS_NAMES {
        names.push((*old).to_owned());
        names.push((*new).to_owned());
    }
    for (lotus, w) in &LOTUS_NAMES {
        names.push((*lotus).to_owned());
        names.push((*w).to_owned());
    }
    for (display, _) in &WINDOWS_DISPLAY_NAMES {
        names.push((*display).to_owned());
    }
    for (_, description, _) in &CDO_ZONES {
        names.push((*description).to_owned());
    }
    let variants: Vec<String> = names
        .iter()
        .flat_map(|n| {
            [
                n.clone(),
                n.to_ascii_uppercase(),
                n.replace(' ', ""),
                n.replace('.', ""),
                format!(" {n}x"),
            ]
        })
        .collect();
    for name in &variants {
        let linear_zone = WINDOWS_ZONES
            .iter()
            .find(|(w, territory, _)| *territory == "001" && same(w, name))
            .and_then(|(w, _, zones)| Some((*w, zones.split(' ').next()?.parse::<Tz>().ok()?)));
        assert_eq!(super::windows_zone(name), linear_zone, "{name}");
        let linear_lotus = LOTUS_NAMES.iter().find(|(n, _)| same(n, name));
        let indexed = super::lotus_name(name);
        if let Some((_, w)) = linear_lotus {
            assert_eq!(indexed, super::windows_zone(w), "{name}");
        }
        let key = super::display_key(name);
        if key.is_empty() {
            continue;
        }
        let ok = |_: Tz| true;
        let linear_display = WINDOWS_DISPLAY_NAMES
            .iter()
            .find(|(d, _)| super::display_key(d) == key)
            .map(|(d, _)| *d);
        let found = super::display_name(name, name, &ok);
        match linear_display {
            Some(d) => {
                let found = found.unwrap_or_else(|| panic!("{name}"));
                assert!(
                    found.detail.contains(&format!("{d:?}")),
                    "{name}: {}",
                    found.detail
                );
            }
            None => {
                let linear_cdo = CDO_ZONES
                    .iter()
                    .find(|(_, d, z)| super::display_key(d) == key && z.parse::<Tz>().is_ok())
                    .map(|(id, _, _)| format!("(id {id})"));
                assert_eq!(
                    found.map(|f| f.detail.contains(&linear_cdo.clone().unwrap_or_default())),
                    linear_cdo.as_ref().map(|_| true),
                    "{name}"
                );
            }
        }
    }
}

#[test]
fn memoised_resolutions_are_the_computed_ones() {
    use crate::tz::memo::content_key;
    use std::sync::Arc;

    let eastern = us_eastern_2007("Eastern Time (US & Canada)");
    let mut renamed = eastern.clone();
    renamed.name = "VTIMEZONf".to_owned();
    let vtimezones = [None, Some(&eastern), Some(&renamed)];
    let hint_sets = [
        Hints::default(),
        Hints {
            entourage_cftimezone: Some("America/Detroit"),
            ..Hints::default()
        },
        Hints {
            entourage_cftimezone: Some("Asia/Tokyo"),
            ..Hints::default()
        },
        Hints {
            x_wr_timezone: Some("Europe/Paris"),
            ..Hints::default()
        },
        Hints {
            cdo_tzid: Some("10"),
            ..Hints::default()
        },
    ];
    let tzids = [
        "US/Eastern",
        "Eastern Time (US & Canada)",
        "Eastern",
        "Custom",
        "10",
        "Europe/Paris",
    ];
    for vtz in vtimezones {
        let key: Option<Arc<[u8]>> = vtz.and_then(content_key).map(Arc::from);
        for hints in &hint_sets {
            for tzid in tzids {
                for year in [YEAR, 2024] {
                    let computed = super::resolve_computed(tzid, vtz, key.as_ref(), hints, year);
                    // Twice: computed into the memo, then found there.
                    for _ in 0..2 {
                        assert_eq!(
                            resolve(tzid, vtz, hints, year),
                            computed,
                            "{tzid} {hints:?} {year} {}",
                            vtz.is_some()
                        );
                    }
                }
            }
        }
    }
}
