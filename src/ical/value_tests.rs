use super::*;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta, Weekday};

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn ymd_hms(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    ymd(y, mo, d).and_hms_opt(h, mi, s).unwrap()
}

fn dur(negative: bool, weeks: u32, days: u32, hours: u32, minutes: u32, seconds: u32) -> Duration {
    Duration {
        negative,
        weeks,
        days,
        hours,
        minutes,
        seconds,
    }
}

// ---------------------------------------------------------------- DATE

#[test]
fn date_parses_eight_digits() {
    assert_eq!(parse_date("20070315"), Ok(ymd(2007, 3, 15)));
    assert_eq!(parse_date("  19970714\t"), Ok(ymd(1997, 7, 14)));
    assert_eq!(parse_date("20000229"), Ok(ymd(2000, 2, 29)));
}

#[test]
fn date_rejects_bad_input() {
    for bad in [
        "",
        "2007031",
        "200703150",
        "2007-03-15",
        "20070230",
        "20071301",
        "20070001",
        "19000229",
        "+2007031",
        "2007031é",
        "20070315T000000",
    ] {
        assert_eq!(
            parse_date(bad),
            Err(ValueError::Date(bad.to_string())),
            "{bad:?}"
        );
    }
}

#[test]
fn date_formats_and_round_trips() {
    assert_eq!(format_date(ymd(2007, 3, 5)), "20070305");
    assert_eq!(format_date(ymd(999, 1, 1)), "09990101");
    for d in [
        ymd(2007, 3, 5),
        ymd(1, 1, 1),
        ymd(9999, 12, 31),
        ymd(2024, 2, 29),
    ] {
        assert_eq!(parse_date(&format_date(d)), Ok(d));
    }
}

// ---------------------------------------------------------------- DATE-TIME

#[test]
fn date_time_forms() {
    assert_eq!(
        parse_date_or_date_time("20070315", None),
        Ok(DateTimeValue::Date(ymd(2007, 3, 15)))
    );
    assert_eq!(
        parse_date_or_date_time("20070315T143000", None),
        Ok(DateTimeValue::Floating(ymd_hms(2007, 3, 15, 14, 30, 0)))
    );
    assert_eq!(
        parse_date_or_date_time("20070315T143000Z", None),
        Ok(DateTimeValue::Utc(ymd_hms(2007, 3, 15, 14, 30, 0)))
    );
    assert_eq!(
        parse_date_or_date_time("20070315T143000", Some("Europe/Berlin")),
        Ok(DateTimeValue::Zoned {
            local: ymd_hms(2007, 3, 15, 14, 30, 0),
            tzid: "Europe/Berlin".to_string()
        })
    );
}

#[test]
fn date_time_leniency() {
    assert_eq!(
        parse_date_or_date_time("20070315t143000z", None),
        Ok(DateTimeValue::Utc(ymd_hms(2007, 3, 15, 14, 30, 0)))
    );
    // A TZID is ignored for UTC values and for DATE values.
    assert_eq!(
        parse_date_or_date_time("20070315T143000Z", Some("Europe/Berlin")),
        Ok(DateTimeValue::Utc(ymd_hms(2007, 3, 15, 14, 30, 0)))
    );
    assert_eq!(
        parse_date_or_date_time("20070315", Some("Europe/Berlin")),
        Ok(DateTimeValue::Date(ymd(2007, 3, 15)))
    );
    // Leap second clamps to 59.
    assert_eq!(
        parse_date_or_date_time("19981231T235960Z", None),
        Ok(DateTimeValue::Utc(ymd_hms(1998, 12, 31, 23, 59, 59)))
    );
    assert_eq!(
        parse_date_or_date_time(" 20070315T143000 \r\n", None),
        Ok(DateTimeValue::Floating(ymd_hms(2007, 3, 15, 14, 30, 0)))
    );
    // A blank TZID counts as absent.
    assert_eq!(
        parse_date_or_date_time("20070315T143000", Some("  ")),
        Ok(DateTimeValue::Floating(ymd_hms(2007, 3, 15, 14, 30, 0)))
    );
}

#[test]
fn date_time_rejects_bad_input() {
    for bad in [
        "20070315T",
        "20070315T1430",
        "20070315T14300",
        "20070315T1430000",
        "20070315T240000",
        "20070315T236000",
        "20070315T235961",
        "20070230T120000",
        "2007031T1200000",
        "20070315T143000ZZ",
        "20070315T143000+0100",
        "T",
        "20070315Té43000",
        "20070315T14300é",
    ] {
        assert_eq!(
            parse_date_or_date_time(bad, None),
            Err(ValueError::DateTime(bad.to_string())),
            "{bad:?}"
        );
    }
    assert_eq!(
        parse_date_or_date_time("2007031", None),
        Err(ValueError::Date("2007031".to_string()))
    );
    // Without a `T` the input is judged as a DATE.
    assert_eq!(
        parse_date_or_date_time("20070315 143000", None),
        Err(ValueError::Date("20070315 143000".to_string()))
    );
    assert_eq!(
        parse_date_or_date_time("", None),
        Err(ValueError::Date(String::new()))
    );
}

#[test]
fn date_time_accessors_and_format() {
    let date = DateTimeValue::Date(ymd(2007, 3, 15));
    let floating = DateTimeValue::Floating(ymd_hms(2007, 3, 15, 9, 5, 7));
    let utc = DateTimeValue::Utc(ymd_hms(2007, 3, 15, 9, 5, 7));
    let zoned = DateTimeValue::Zoned {
        local: ymd_hms(2007, 3, 15, 9, 5, 7),
        tzid: "W. Europe Standard Time".to_string(),
    };
    assert_eq!(date.format(), "20070315");
    assert_eq!(floating.format(), "20070315T090507");
    assert_eq!(utc.format(), "20070315T090507Z");
    assert_eq!(zoned.format(), "20070315T090507");
    assert!(date.is_date());
    assert!(!floating.is_date() && !utc.is_date() && !zoned.is_date());
    assert_eq!(date.tzid(), None);
    assert_eq!(floating.tzid(), None);
    assert_eq!(utc.tzid(), None);
    assert_eq!(zoned.tzid(), Some("W. Europe Standard Time"));
}

#[test]
fn date_time_round_trips() {
    let values = [
        DateTimeValue::Date(ymd(2007, 3, 15)),
        DateTimeValue::Floating(ymd_hms(2007, 3, 15, 0, 0, 0)),
        DateTimeValue::Utc(ymd_hms(2007, 10, 28, 1, 0, 0)),
        DateTimeValue::Utc(ymd_hms(1999, 12, 31, 23, 59, 59)),
        DateTimeValue::Zoned {
            local: ymd_hms(2024, 2, 29, 12, 34, 56),
            tzid: "America/New_York".to_string(),
        },
    ];
    for v in values {
        assert_eq!(
            parse_date_or_date_time(&v.format(), v.tzid()),
            Ok(v.clone())
        );
    }
}

// ---------------------------------------------------------------- DURATION

#[test]
fn duration_parses_rfc_forms() {
    assert_eq!(
        parse_duration("P15DT5H0M20S"),
        Ok(dur(false, 0, 15, 5, 0, 20))
    );
    assert_eq!(parse_duration("P7W"), Ok(dur(false, 7, 0, 0, 0, 0)));
    assert_eq!(parse_duration("-PT15M"), Ok(dur(true, 0, 0, 0, 15, 0)));
    assert_eq!(parse_duration("+P1D"), Ok(dur(false, 0, 1, 0, 0, 0)));
    assert_eq!(parse_duration("PT1H30M"), Ok(dur(false, 0, 0, 1, 30, 0)));
    assert_eq!(parse_duration("PT45S"), Ok(dur(false, 0, 0, 0, 0, 45)));
    assert_eq!(parse_duration("P1DT12H"), Ok(dur(false, 0, 1, 12, 0, 0)));
    assert_eq!(parse_duration("-P1W"), Ok(dur(true, 1, 0, 0, 0, 0)));
}

#[test]
fn duration_leniency() {
    assert_eq!(parse_duration(" pt1h30m "), Ok(dur(false, 0, 0, 1, 30, 0)));
    assert_eq!(parse_duration("-p2w"), Ok(dur(true, 2, 0, 0, 0, 0)));
    // Weeks mixed with other units are folded into days.
    assert_eq!(parse_duration("P1W2D"), Ok(dur(false, 0, 9, 0, 0, 0)));
    assert_eq!(parse_duration("P1WT1H"), Ok(dur(false, 0, 7, 1, 0, 0)));
    // Units out of order are accepted.
    assert_eq!(parse_duration("PT5S1H"), Ok(dur(false, 0, 0, 1, 0, 5)));
    // Zero is never negative.
    assert_eq!(parse_duration("-PT0S"), Ok(dur(false, 0, 0, 0, 0, 0)));
    assert_eq!(parse_duration("P0D"), Ok(Duration::default()));
    assert_eq!(parse_duration("P0W"), Ok(Duration::default()));
    assert_eq!(
        parse_duration("PT4294967295S"),
        Ok(dur(false, 0, 0, 0, 0, u32::MAX))
    );
}

#[test]
fn duration_rejects_bad_input() {
    for bad in [
        "",
        "P",
        "PT",
        "-P",
        "+",
        "1D",
        "P1",
        "PD",
        "PTH",
        "PT1",
        "P1DT",
        "P1H",
        "PT1D",
        "PT1W",
        "P1M",
        "P1Y",
        "P1D1D",
        "PT1H2H",
        "PT1HT2M",
        "P1.5D",
        "P-1D",
        "--P1D",
        "P 1D",
        "P1Dé",
        "Pé",
        "P99999999999999999999D",
        "PT4294967296S",
        "P613566757W1D",
    ] {
        assert_eq!(
            parse_duration(bad),
            Err(ValueError::Duration(bad.to_string())),
            "{bad:?}"
        );
    }
}

#[test]
fn duration_formats_canonically() {
    assert_eq!(dur(false, 1, 0, 0, 0, 0).format(), "P1W");
    assert_eq!(dur(true, 1, 0, 0, 0, 0).format(), "-P1W");
    assert_eq!(dur(false, 0, 0, 1, 30, 0).format(), "PT1H30M");
    assert_eq!(dur(true, 0, 1, 2, 0, 0).format(), "-P1DT2H");
    assert_eq!(dur(false, 0, 1, 12, 0, 0).format(), "P1DT12H");
    assert_eq!(dur(false, 0, 0, 0, 0, 0).format(), "PT0S");
    assert_eq!(dur(true, 0, 0, 0, 0, 0).format(), "PT0S");
    assert_eq!(dur(false, 0, 0, 0, 0, 20).format(), "PT20S");
    assert_eq!(dur(false, 0, 0, 0, 5, 20).format(), "PT5M20S");
    // H followed by S needs an explicit 0M in the RFC grammar.
    assert_eq!(dur(false, 0, 15, 5, 0, 20).format(), "P15DT5H0M20S");
    // Hand-built weeks mixed with other units are folded into days.
    assert_eq!(dur(false, 1, 2, 3, 0, 0).format(), "P9DT3H");
    assert_eq!(dur(false, u32::MAX, 1, 0, 0, 0).format(), "P4294967295W1D");
}

#[test]
fn duration_round_trips() {
    for text in [
        "-P1W",
        "PT0S",
        "P1DT12H",
        "P15DT5H0M20S",
        "PT1H30M",
        "-PT15M",
        "P9D",
        "PT1H0M5S",
        "PT90M",
        "P4294967295W",
    ] {
        let d = parse_duration(text).unwrap();
        assert_eq!(d.format(), text);
        assert_eq!(parse_duration(&d.format()), Ok(d));
    }
    for d in [
        dur(false, 0, 0, 0, 0, 0),
        dur(true, 3, 0, 0, 0, 0),
        dur(false, 0, 1, 0, 0, 1),
        dur(true, 0, 0, 23, 59, 59),
        dur(false, 0, u32::MAX, u32::MAX, u32::MAX, u32::MAX),
    ] {
        assert_eq!(parse_duration(&d.format()), Ok(d));
    }
}

#[test]
fn duration_to_chrono() {
    assert_eq!(
        dur(false, 1, 0, 0, 0, 0).to_chrono(),
        Some(TimeDelta::days(7))
    );
    assert_eq!(
        dur(true, 0, 0, 0, 15, 0).to_chrono(),
        Some(TimeDelta::minutes(-15))
    );
    assert_eq!(
        dur(false, 0, 1, 12, 0, 30).to_chrono(),
        Some(TimeDelta::seconds(86_400 + 12 * 3_600 + 30))
    );
    assert_eq!(Duration::default().to_chrono(), Some(TimeDelta::zero()));
    let huge = dur(true, u32::MAX, u32::MAX, u32::MAX, u32::MAX, u32::MAX);
    let expected = -(i64::from(u32::MAX) * (604_800 + 86_400 + 3_600 + 60 + 1));
    assert_eq!(huge.to_chrono(), Some(TimeDelta::seconds(expected)));
}

// ---------------------------------------------------------------- UTC-OFFSET

#[test]
fn utc_offset_parses() {
    assert_eq!(parse_utc_offset("+0100"), Ok(3_600));
    assert_eq!(parse_utc_offset("-0500"), Ok(-18_000));
    assert_eq!(parse_utc_offset("+0530"), Ok(19_800));
    assert_eq!(parse_utc_offset("-0345"), Ok(-13_500));
    assert_eq!(parse_utc_offset("+003412"), Ok(2_052));
    assert_eq!(parse_utc_offset("+0000"), Ok(0));
    assert_eq!(parse_utc_offset("-0000"), Ok(0));
    assert_eq!(parse_utc_offset(" +2359 "), Ok(86_340));
    assert_eq!(parse_utc_offset("-235959"), Ok(-86_399));
}

#[test]
fn utc_offset_rejects_bad_input() {
    for bad in [
        "", "+", "-", "0100", "+01", "+010", "+01000", "+0100000", "+2400", "+0060", "+010060",
        "++0100", "+01:00", "UTC", "+01é0", "+0100é", "é+0100",
    ] {
        assert_eq!(
            parse_utc_offset(bad),
            Err(ValueError::UtcOffset(bad.to_string())),
            "{bad:?}"
        );
    }
}

#[test]
fn utc_offset_formats_and_round_trips() {
    assert_eq!(format_utc_offset(3_600), "+0100");
    assert_eq!(format_utc_offset(-16_200), "-0430");
    assert_eq!(format_utc_offset(0), "+0000");
    assert_eq!(format_utc_offset(2_052), "+003412");
    assert_eq!(format_utc_offset(-86_399), "-235959");
    // Out-of-range values are still written, never panic.
    assert_eq!(format_utc_offset(i32::MIN), "-5965231408");
    assert_eq!(format_utc_offset(i32::MAX), "+5965231407");
    for text in [
        "+0530", "-0345", "+0100", "-1200", "+1400", "+003412", "+0000",
    ] {
        let secs = parse_utc_offset(text).unwrap();
        assert_eq!(format_utc_offset(secs), text);
        assert_eq!(parse_utc_offset(&format_utc_offset(secs)), Ok(secs));
    }
}

// ---------------------------------------------------------------- TEXT

#[test]
fn unescape_known_and_unknown_escapes() {
    assert_eq!(unescape_text(r"a\nb\Nc"), "a\nb\nc");
    assert_eq!(unescape_text(r"x\,y\;z\\w"), "x,y;z\\w");
    assert_eq!(unescape_text(r"\x\:"), r"\x\:");
    assert_eq!(unescape_text(r"end\"), r"end\");
    assert_eq!(unescape_text(r"\\\"), r"\\");
    assert_eq!(unescape_text(r"caf\é"), r"caf\é");
    assert_eq!(unescape_text(""), "");
    assert_eq!(unescape_text("plain é text"), "plain é text");
}

#[test]
fn escape_specials_and_newlines() {
    assert_eq!(escape_text(r"a\b;c,d"), r"a\\b\;c\,d");
    assert_eq!(escape_text("l1\r\nl2\nl3\rl4"), r"l1\nl2\nl3\nl4");
    assert_eq!(escape_text("\r\r\n\n"), r"\n\n\n");
    assert_eq!(escape_text("Zürich: 10:00"), "Zürich: 10:00");
    assert_eq!(escape_text(""), "");
}

#[test]
fn text_round_trips() {
    let original = "Meeting; room 4, floor \\2\\\nBring: laptop,\ncharger;\n\nÉté\\n literal";
    let escaped = escape_text(original);
    assert_eq!(
        escaped,
        r"Meeting\; room 4\, floor \\2\\\nBring: laptop\,\ncharger\;\n\nÉté\\n literal"
    );
    assert_eq!(unescape_text(&escaped), original);
    // CR and CRLF come back as LF.
    assert_eq!(unescape_text(&escape_text("a\r\nb\rc")), "a\nb\nc");
}

#[test]
fn split_text_list_respects_escapes() {
    assert_eq!(split_text_list("a,b,c"), vec!["a", "b", "c"]);
    assert_eq!(split_text_list(r"a\,b,c"), vec![r"a\,b", "c"]);
    assert_eq!(split_text_list(r"a\\,b"), vec![r"a\\", "b"]);
    assert_eq!(split_text_list(r"a\\\,b"), vec![r"a\\\,b"]);
    assert_eq!(split_text_list(""), vec![""]);
    assert_eq!(split_text_list(","), vec!["", ""]);
    assert_eq!(split_text_list(r"é,\é,ü\"), vec!["é", r"\é", r"ü\"]);
    let items: Vec<String> = split_text_list(r"Jones\, Bob,Smith")
        .into_iter()
        .map(unescape_text)
        .collect();
    assert_eq!(items, vec!["Jones, Bob", "Smith"]);
}

// ---------------------------------------------------------------- RECUR

#[test]
fn recur_parses_simple_rules() {
    let r = parse_recur("FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE").unwrap();
    let mut expected = Recur::new(Frequency::Weekly);
    expected.count = Some(10);
    expected.by_day = vec![
        WeekdayNum {
            ordinal: None,
            weekday: Weekday::Mon,
        },
        WeekdayNum {
            ordinal: None,
            weekday: Weekday::Wed,
        },
    ];
    assert_eq!(r, expected);
}

#[test]
fn recur_parses_every_part() {
    let r = parse_recur(
        "FREQ=YEARLY;INTERVAL=2;BYSECOND=0,60;BYMINUTE=0,59;BYHOUR=0,23;BYDAY=+1MO,-1SU,20FR,TU;\
         BYMONTHDAY=1,-31;BYYEARDAY=366,-366;BYWEEKNO=1,-53;BYMONTH=1,12;BYSETPOS=-1,366;WKST=SU",
    )
    .unwrap();
    assert_eq!(r.freq, Frequency::Yearly);
    assert_eq!(r.until, None);
    assert_eq!(r.count, None);
    assert_eq!(r.interval, Some(2));
    assert_eq!(r.by_second, vec![0, 60]);
    assert_eq!(r.by_minute, vec![0, 59]);
    assert_eq!(r.by_hour, vec![0, 23]);
    assert_eq!(
        r.by_day,
        vec![
            WeekdayNum {
                ordinal: Some(1),
                weekday: Weekday::Mon
            },
            WeekdayNum {
                ordinal: Some(-1),
                weekday: Weekday::Sun
            },
            WeekdayNum {
                ordinal: Some(20),
                weekday: Weekday::Fri
            },
            WeekdayNum {
                ordinal: None,
                weekday: Weekday::Tue
            },
        ]
    );
    assert_eq!(r.by_month_day, vec![1, -31]);
    assert_eq!(r.by_year_day, vec![366, -366]);
    assert_eq!(r.by_week_no, vec![1, -53]);
    assert_eq!(r.by_month, vec![1, 12]);
    assert_eq!(r.by_set_pos, vec![-1, 366]);
    assert_eq!(r.wkst, Some(Weekday::Sun));
    assert!(r.other.is_empty());
    assert_eq!(
        r.format(),
        "FREQ=YEARLY;INTERVAL=2;BYSECOND=0,60;BYMINUTE=0,59;BYHOUR=0,23;BYDAY=1MO,-1SU,20FR,TU;\
         BYMONTHDAY=1,-31;BYYEARDAY=366,-366;BYWEEKNO=1,-53;BYMONTH=1,12;BYSETPOS=-1,366;WKST=SU"
    );
}

#[test]
fn recur_until_forms() {
    let r = parse_recur("FREQ=YEARLY;UNTIL=20071028T010000Z;BYMONTH=10;BYDAY=-1SU").unwrap();
    assert_eq!(
        r.until,
        Some(DateTimeValue::Utc(ymd_hms(2007, 10, 28, 1, 0, 0)))
    );
    assert_eq!(
        r.format(),
        "FREQ=YEARLY;UNTIL=20071028T010000Z;BYDAY=-1SU;BYMONTH=10"
    );
    let r = parse_recur("FREQ=DAILY;UNTIL=20071028").unwrap();
    assert_eq!(r.until, Some(DateTimeValue::Date(ymd(2007, 10, 28))));
    let r = parse_recur("FREQ=DAILY;UNTIL=20071028T010000").unwrap();
    assert_eq!(
        r.until,
        Some(DateTimeValue::Floating(ymd_hms(2007, 10, 28, 1, 0, 0)))
    );
}

#[test]
fn recur_leniency() {
    // Exchange CDO writes spaces after list commas.
    let r = parse_recur("FREQ=WEEKLY;BYDAY=MO, TU").unwrap();
    assert_eq!(r.format(), "FREQ=WEEKLY;BYDAY=MO,TU");
    let r = parse_recur(" freq = monthly ; byday = -1su ; bymonth = 10 ; ").unwrap();
    assert_eq!(r.format(), "FREQ=MONTHLY;BYDAY=-1SU;BYMONTH=10");
    let r = parse_recur("FREQ=WEEKLY;;BYDAY=MO,,TU,;WKST=mo").unwrap();
    assert_eq!(r.format(), "FREQ=WEEKLY;BYDAY=MO,TU;WKST=MO");
    let r = parse_recur("FREQ=MONTHLY;BYDAY=+2 mo;BYMONTHDAY=+5").unwrap();
    assert_eq!(
        r.by_day,
        vec![WeekdayNum {
            ordinal: Some(2),
            weekday: Weekday::Mon
        }]
    );
    assert_eq!(r.by_month_day, vec![5]);
    assert_eq!(r.format(), "FREQ=MONTHLY;BYDAY=2MO;BYMONTHDAY=5");
    // Canonical order on output regardless of input order.
    let r = parse_recur("BYMONTH=3;COUNT=5;FREQ=YEARLY;INTERVAL=1").unwrap();
    assert_eq!(r.format(), "FREQ=YEARLY;COUNT=5;INTERVAL=1;BYMONTH=3");
}

#[test]
fn recur_keeps_unknown_parts_in_order() {
    let r = parse_recur("FREQ=DAILY;X-FOO=BAR;RSCALE=GREGORIAN;x-foo=a=b;X-EMPTY=").unwrap();
    assert_eq!(
        r.other,
        vec![
            ("X-FOO".to_string(), "BAR".to_string()),
            ("RSCALE".to_string(), "GREGORIAN".to_string()),
            ("X-FOO".to_string(), "a=b".to_string()),
            ("X-EMPTY".to_string(), String::new()),
        ]
    );
    assert_eq!(
        r.format(),
        "FREQ=DAILY;X-FOO=BAR;RSCALE=GREGORIAN;X-FOO=a=b;X-EMPTY="
    );
}

#[test]
fn recur_rejects_bad_input() {
    let cases: &[(&str, &str)] = &[
        ("", "FREQ is missing"),
        ("COUNT=3", "FREQ is missing"),
        ("FREQ=FORTNIGHTLY", "bad FREQ value \"FORTNIGHTLY\""),
        ("FREQ=", "bad FREQ value \"\""),
        ("FREQ", "rule part \"FREQ\" has no '='"),
        ("=DAILY", "rule part \"=DAILY\" has no name"),
        ("FREQ=DAILY;FREQ=WEEKLY", "FREQ given more than once"),
        ("FREQ=DAILY;COUNT=1;count=2", "COUNT given more than once"),
        (
            "FREQ=DAILY;COUNT=2;UNTIL=20070101",
            "UNTIL and COUNT must not both be given",
        ),
        ("FREQ=DAILY;COUNT=-1", "bad COUNT value \"-1\""),
        (
            "FREQ=DAILY;COUNT=4294967296",
            "bad COUNT value \"4294967296\"",
        ),
        ("FREQ=DAILY;INTERVAL=0", "bad INTERVAL value \"0\""),
        ("FREQ=DAILY;INTERVAL=x", "bad INTERVAL value \"x\""),
        (
            "FREQ=DAILY;UNTIL=2007",
            "UNTIL: invalid DATE value \"2007\"",
        ),
        (
            "FREQ=DAILY;UNTIL=20070101T250000Z",
            "UNTIL: invalid DATE-TIME value \"20070101T250000Z\"",
        ),
        ("FREQ=DAILY;BYSECOND=61", "bad BYSECOND entry \"61\""),
        ("FREQ=DAILY;BYMINUTE=60", "bad BYMINUTE entry \"60\""),
        ("FREQ=DAILY;BYHOUR=24", "bad BYHOUR entry \"24\""),
        ("FREQ=DAILY;BYHOUR=-1", "bad BYHOUR entry \"-1\""),
        ("FREQ=DAILY;BYMONTHDAY=0", "bad BYMONTHDAY entry \"0\""),
        ("FREQ=DAILY;BYMONTHDAY=32", "bad BYMONTHDAY entry \"32\""),
        ("FREQ=DAILY;BYMONTHDAY=-32", "bad BYMONTHDAY entry \"-32\""),
        ("FREQ=DAILY;BYYEARDAY=367", "bad BYYEARDAY entry \"367\""),
        ("FREQ=DAILY;BYWEEKNO=54", "bad BYWEEKNO entry \"54\""),
        ("FREQ=DAILY;BYMONTH=0", "bad BYMONTH entry \"0\""),
        ("FREQ=DAILY;BYMONTH=13", "bad BYMONTH entry \"13\""),
        ("FREQ=DAILY;BYSETPOS=-367", "bad BYSETPOS entry \"-367\""),
        ("FREQ=DAILY;BYDAY=0MO", "bad BYDAY entry \"0MO\""),
        ("FREQ=DAILY;BYDAY=54MO", "bad BYDAY entry \"54MO\""),
        ("FREQ=DAILY;BYDAY=+MO", "bad BYDAY entry \"+MO\""),
        ("FREQ=DAILY;BYDAY=MON", "bad BYDAY entry \"MON\""),
        ("FREQ=DAILY;BYDAY=1", "bad BYDAY entry \"1\""),
        ("FREQ=DAILY;BYDAY=é", "bad BYDAY entry \"é\""),
        ("FREQ=DAILY;BYDAY=", "empty BYDAY list"),
        ("FREQ=DAILY;BYMONTH= , ", "empty BYMONTH list"),
        ("FREQ=DAILY;WKST=XX", "bad WKST value \"XX\""),
    ];
    for (input, message) in cases {
        assert_eq!(
            parse_recur(input),
            Err(ValueError::Recur((*message).to_string())),
            "{input:?}"
        );
    }
}

#[test]
fn recur_round_trips() {
    for text in [
        "FREQ=MONTHLY;BYDAY=-1SU;BYMONTH=10",
        "FREQ=YEARLY;UNTIL=20071028T010000Z;BYDAY=-1SU;BYMONTH=10",
        "FREQ=WEEKLY;BYDAY=MO,TU",
        "FREQ=DAILY;X-FOO=BAR",
        "FREQ=SECONDLY;COUNT=0",
        "FREQ=MINUTELY;INTERVAL=15;BYHOUR=9,10,11",
        "FREQ=HOURLY;UNTIL=20240229;BYMINUTE=0,30",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "FREQ=YEARLY;BYDAY=MO;BYWEEKNO=20;WKST=SU",
    ] {
        let r = parse_recur(text).unwrap();
        assert_eq!(r.format(), text);
        assert_eq!(parse_recur(&r.format()), Ok(r));
    }
    for text in [
        "FREQ=WEEKLY;BYDAY=MO, TU",
        "freq=monthly;byday=+1mo;x-foo=BAR",
        "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;UNTIL=20071028T010000Z",
    ] {
        let r = parse_recur(text).unwrap();
        assert_eq!(parse_recur(&r.format()), Ok(r));
    }
}

#[test]
fn weekday_num_and_frequency_format() {
    let plus = WeekdayNum {
        ordinal: Some(1),
        weekday: Weekday::Mon,
    };
    assert_eq!(plus.format(), "1MO");
    let last = WeekdayNum {
        ordinal: Some(-1),
        weekday: Weekday::Sun,
    };
    assert_eq!(last.format(), "-1SU");
    let every = WeekdayNum {
        ordinal: None,
        weekday: Weekday::Sat,
    };
    assert_eq!(every.format(), "SA");
    let all = [
        (Frequency::Secondly, "SECONDLY"),
        (Frequency::Minutely, "MINUTELY"),
        (Frequency::Hourly, "HOURLY"),
        (Frequency::Daily, "DAILY"),
        (Frequency::Weekly, "WEEKLY"),
        (Frequency::Monthly, "MONTHLY"),
        (Frequency::Yearly, "YEARLY"),
    ];
    for (freq, name) in all {
        assert_eq!(freq.as_str(), name);
        assert_eq!(parse_recur(&format!("FREQ={name}")).unwrap().freq, freq);
    }
}

#[test]
fn error_messages_name_the_input() {
    assert_eq!(
        ValueError::Date("x".to_string()).to_string(),
        "invalid DATE value \"x\""
    );
    assert_eq!(
        ValueError::Recur("FREQ is missing".to_string()).to_string(),
        "invalid RECUR value: FREQ is missing"
    );
}

// ---------------------------------------------------------------- robustness

#[test]
fn adversarial_inputs_never_panic() {
    let long_digits = "9".repeat(10_000);
    let long_mixed = "é1,;\\Tz".repeat(2_000);
    let mut inputs: Vec<String> = [
        "",
        " ",
        "P",
        "PT",
        "-",
        "+",
        "P99999999999999999999D",
        "20070230",
        "é",
        "éP1D",
        "P1é",
        "2007é315",
        "20070315Té",
        "+01é",
        "FREQ=é",
        "é=é",
        "\\",
        ",",
        ";",
        "=",
        "T",
        "Z",
        "\u{0}",
        "\u{FEFF}20070315",
        "2007031\u{1F600}",
        "FREQ=DAILY;BYDAY=\u{1F600}MO",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    inputs.push(long_digits.clone());
    inputs.push(format!("P{long_digits}D"));
    inputs.push(format!("+{long_digits}"));
    inputs.push(format!("FREQ=DAILY;COUNT={long_digits}"));
    inputs.push(format!("FREQ=DAILY;BYDAY={long_digits}MO"));
    inputs.push(format!("FREQ=DAILY;X-LONG={long_mixed}"));
    inputs.push(long_mixed.clone());
    for s in &inputs {
        let _ = parse_date(s);
        let _ = parse_date_or_date_time(s, None);
        let _ = parse_date_or_date_time(s, Some(s));
        let _ = parse_duration(s);
        let _ = parse_utc_offset(s);
        let _ = parse_recur(s);
        assert_eq!(
            unescape_text(&escape_text(s)),
            s.replace("\r\n", "\n").replace('\r', "\n")
        );
        let _ = unescape_text(s);
        let joined = split_text_list(s).join(",");
        assert_eq!(joined, *s);
    }
    // Specific results for the headline cases.
    assert!(parse_duration("P").is_err());
    assert!(parse_duration("PT").is_err());
    assert!(parse_duration("P99999999999999999999D").is_err());
    assert!(parse_utc_offset("+").is_err());
    assert!(parse_date("20070230").is_err());
    assert!(parse_recur(&format!("FREQ=DAILY;COUNT={long_digits}")).is_err());
    // The long value contains ';' so its pieces become parts without '='.
    assert!(parse_recur(&format!("FREQ=DAILY;X-LONG={long_mixed}")).is_err());
    // Extreme hand-built values format without panicking.
    let extreme = DateTimeValue::Utc(NaiveDateTime::MAX);
    assert!(!extreme.format().is_empty());
    assert!(!format_date(NaiveDate::MIN).is_empty());
}

/// `escape_text` one character at a time.
fn escape_ref(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            other => out.push(other),
        }
    }
    out
}

/// The TEXT codecs against their one-character-at-a-time definitions.
#[test]
fn text_codecs_match_char_by_char_definitions() {
    fn unescape_ref(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(e @ (',' | ';' | '\\')) => out.push(e),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        }
        out
    }
    let pieces = [
        "a",
        "é",
        "\\",
        ";",
        ",",
        "\r",
        "\n",
        "N",
        "n",
        "x",
        "\u{1F600}",
        " ",
    ];
    let mut state: u32 = 7;
    for len in 0..40 {
        for _ in 0..25 {
            let mut s = String::new();
            for _ in 0..len {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                s.push_str(pieces[(state >> 16) as usize % pieces.len()]);
            }
            assert_eq!(escape_text(&s), escape_ref(&s), "{s:?}");
            assert_eq!(unescape_text(&s), unescape_ref(&s), "{s:?}");
        }
    }
}

#[test]
fn find_text_special_matches_a_byte_scan() {
    let specials = [b'\\', b';', b',', b'\r', b'\n'];
    let mut bytes: Vec<u8> = (0..40u8).map(|i| b'a' + (i % 26)).collect();
    bytes.extend_from_slice("é€ 😀".as_bytes());
    for len in 0..bytes.len() {
        let hay = &bytes[..len];
        assert_eq!(find_text_special(hay), None, "{len}");
        for at in 0..len {
            for &s in &specials {
                let mut h = hay.to_vec();
                h[at] = s;
                let expected = h.iter().position(|b| specials.contains(b));
                assert_eq!(find_text_special(&h), expected, "{len} {at} {s}");
                // A special byte below the first one changes nothing above it.
                if at + 1 < len {
                    h[at + 1] = b'\n';
                    assert_eq!(find_text_special(&h), Some(at), "{len} {at} {s}");
                }
            }
        }
    }
    // Bytes that differ from a special one only in the high bit, and 0x00/0xFF.
    for b in [0x00u8, 0xff, 0x80, 0x8a, 0x8d, 0xac, 0xbb, 0xdc, 0x0b, 0x2d] {
        assert_eq!(find_text_special(&[b; 19]), None, "{b:#x}");
    }
}

#[test]
fn escape_text_matches_a_character_loop() {
    let pieces = [
        "a", "\\", ";", ",", "\r", "\n", "\r\n", "\t", "\x0c", "\x0b", "]", ":", "-", "é", "😀",
        "\x00", "<br>",
    ];
    // Every string of up to three pieces, at every offset within a word.
    let mut texts = vec![String::new()];
    for _ in 0..3 {
        let mut next = Vec::new();
        for t in &texts {
            for p in pieces {
                next.push(format!("{t}{p}"));
            }
        }
        texts.extend(next.iter().cloned());
        texts.sort();
        texts.dedup();
    }
    for t in &texts {
        for pad in 0..9 {
            let s = format!("{}{t}{}", "x".repeat(pad), "y".repeat(pad));
            assert_eq!(escape_text(&s), escape_ref(&s), "{s:?}");
        }
    }
}
