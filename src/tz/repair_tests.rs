use super::*;
use crate::ical::parse::parse;
use crate::ical::write::write;
use crate::tz::observe::utc_offset_at;

fn cal(text: &str) -> Component {
    let text = text.replace("\n", "\r\n");
    let (unfolded, _) = crate::ical::lex::unfold(text.as_bytes());
    let text = String::from_utf8(unfolded).unwrap();
    parse(&text, 16).unwrap().roots.remove(0)
}

fn run(c: &mut Component, profile: Profile, method: Method, default_tz: Option<Tz>) -> Report {
    let mut report = Report::default();
    repair(
        c,
        &Context {
            profile,
            method,
            default_tz,
        },
        &mut report,
    );
    report
}

fn text(c: &Component) -> String {
    write(std::slice::from_ref(c), "\n")
}

const STALE_US: &str =
    "BEGIN:VTIMEZONE\nTZID:US/Eastern\nBEGIN:STANDARD\nDTSTART:19671029T020000\n\
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nEND:STANDARD\n\
BEGIN:DAYLIGHT\nDTSTART:19870405T020000\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4\n\
TZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nEND:DAYLIGHT\nEND:VTIMEZONE\n";

#[test]
fn stale_embedded_rules_are_reported_and_tzdb_used() {
    // 2008-03-20 is after the second Sunday of March (DST in tzdb) but before the
    // first Sunday of April (standard time in Entourage's pre-2007 rules).
    let mut c = cal(&format!(
        "BEGIN:VCALENDAR\n{STALE_US}BEGIN:VEVENT\nUID:1\n\
         DTSTART;TZID=US/Eastern:20080320T100000\nDTEND;TZID=US/Eastern:20080320T110000\n\
         END:VEVENT\nEND:VCALENDAR\n"
    ));
    let report = run(&mut c, Profile::Outlook, Method::Request, None);
    let w = report
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::EmbeddedRulesDisagree)
        .expect("disagreement reported");
    assert!(
        w.detail.contains("sender -05:00, tzdb -04:00 (60 min)"),
        "{}",
        w.detail
    );
    let out = text(&c);
    // Wall-clock time kept, TZID renamed, VTIMEZONE rebuilt with the 2007 US rules.
    assert!(
        out.contains("DTSTART;TZID=Eastern Standard Time:20080320T100000\n"),
        "{out}"
    );
    assert!(out.contains("TZID:Eastern Standard Time\n"));
    assert!(
        out.contains("RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\n"),
        "{out}"
    );
    assert!(out.contains("RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\n"));
    assert_eq!(out.matches("BEGIN:VTIMEZONE").count(), 1);
    // The rebuilt VTIMEZONE gives tzdb's offset, read by the independent evaluator.
    let vtz = c.components_named("VTIMEZONE").next().unwrap();
    let t = chrono::NaiveDate::from_ymd_opt(2008, 3, 20)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    assert_eq!(utc_offset_at(vtz, t), Some(-4 * 3600));
}

#[test]
fn standard_profile_uses_iana_names_and_real_observances() {
    let mut c = cal(&format!(
        "BEGIN:VCALENDAR\n{STALE_US}BEGIN:VEVENT\nUID:1\nDTSTART;TZID=US/Eastern:20080320T100000\n\
         END:VEVENT\nEND:VCALENDAR\n"
    ));
    run(&mut c, Profile::Standard, Method::Request, None);
    let out = text(&c);
    assert!(
        out.contains("DTSTART;TZID=America/New_York:20080320T100000\n"),
        "{out}"
    );
    assert!(out.contains("TZID:America/New_York\n"));
    let vtz = c.components_named("VTIMEZONE").next().unwrap();
    let t = chrono::NaiveDate::from_ymd_opt(2008, 3, 20)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    assert_eq!(utc_offset_at(vtz, t), Some(-4 * 3600));
}

#[test]
fn an_outlook_vtimezone_that_agrees_is_kept_byte_for_byte() {
    let vtz = "BEGIN:VTIMEZONE\nTZID:W. Europe Standard Time\nBEGIN:STANDARD\nDTSTART:16010101T030000\n\
               TZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\n\
               END:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\n\
               RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\nEND:VTIMEZONE\n";
    let input = format!(
        "BEGIN:VCALENDAR\n{vtz}BEGIN:VEVENT\nUID:1\nDTSTART;TZID=W. Europe Standard Time:20240704T100000\n\
         END:VEVENT\nEND:VCALENDAR\n"
    );
    let mut c = cal(&input);
    let before = text(&c);
    let report = run(&mut c, Profile::Outlook, Method::Request, None);
    assert_eq!(text(&c), before);
    assert!(
        report.fixes.is_empty() && report.warnings.is_empty(),
        "{report:?}"
    );
}

#[test]
fn cancel_times_are_utc_in_the_outlook_profile_and_unused_zones_go() {
    let mut c = cal(&format!(
        "BEGIN:VCALENDAR\n{STALE_US}BEGIN:VTIMEZONE\nTZID:Unused\nBEGIN:STANDARD\nDTSTART:16010101T000000\n\
         TZOFFSETFROM:+0000\nTZOFFSETTO:+0000\nEND:STANDARD\nEND:VTIMEZONE\n\
         BEGIN:VEVENT\nUID:1\nDTSTART;TZID=US/Eastern:20080707T100000\nDTEND;TZID=US/Eastern:20080707T110000\n\
         END:VEVENT\nEND:VCALENDAR\n"
    ));
    let report = run(&mut c, Profile::Outlook, Method::Cancel, None);
    let out = text(&c);
    assert!(
        out.contains("DTSTART:20080707T140000Z\n") && out.contains("DTEND:20080707T150000Z\n"),
        "{out}"
    );
    assert!(!out.contains("VTIMEZONE"), "{out}");
    assert!(report
        .fixes
        .iter()
        .any(|f| f.code == FixCode::CancelTimesUtc));
    assert!(report
        .fixes
        .iter()
        .any(|f| f.code == FixCode::TimezoneRemoved));
}

#[test]
fn undeclared_display_name_gets_a_vtimezone_and_until_becomes_utc() {
    let mut c = cal("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\n\
         DTSTART;TZID=\"(GMT-05:00) Eastern Time (US & Canada)\":20090105T090000\n\
         RRULE:FREQ=WEEKLY;UNTIL=20090330T090000;BYDAY=MO\nEND:VEVENT\nEND:VCALENDAR\n");
    let report = run(&mut c, Profile::Outlook, Method::Request, None);
    let out = text(&c);
    assert!(
        out.contains("DTSTART;TZID=\"Eastern Standard Time\":20090105T090000\n"),
        "{out}"
    );
    // 2009-03-30 09:00 New York is EDT (-4): 13:00Z.
    assert!(
        out.contains("RRULE:FREQ=WEEKLY;UNTIL=20090330T130000Z;BYDAY=MO\n"),
        "{out}"
    );
    assert!(report.fixes.iter().any(|f| f.code == FixCode::UntilUtc));
    assert!(report
        .fixes
        .iter()
        .any(|f| f.code == FixCode::TimezoneRebuilt && f.detail.contains("added")));
}

#[test]
fn unresolvable_tzid_is_left_alone_with_a_warning() {
    let input = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nDTSTART;TZID=Mars/Olympus:20090105T090000\n\
                 END:VEVENT\nEND:VCALENDAR\n";
    let mut c = cal(input);
    let before = text(&c);
    let report = run(&mut c, Profile::Outlook, Method::Request, None);
    assert_eq!(text(&c), before);
    assert!(report
        .warnings
        .iter()
        .any(|w| w.code == WarningCode::TimezoneUnresolved));
}

#[test]
fn all_day_forms_are_normalised_and_utc_midnight_is_not_all_day() {
    let cases = [
        (
            "DTSTART;VALUE=DATE:20240101\n",
            "DTSTART;VALUE=DATE:20240101\nDTEND;VALUE=DATE:20240102\n",
        ),
        (
            "DTSTART;VALUE=DATE:20240101\nDTEND;VALUE=DATE:20240101\n",
            "DTSTART;VALUE=DATE:20240101\nDTEND;VALUE=DATE:20240102\n",
        ),
        (
            "DTSTART:20240101T000000\nDTEND:20240103T000000\nX-MICROSOFT-CDO-ALLDAYEVENT:TRUE\n",
            "DTSTART;VALUE=DATE:20240101\nDTEND;VALUE=DATE:20240103\n",
        ),
        (
            "DTSTART;VALUE=DATE:20240101\nDTEND;VALUE=DATE:20240102\n",
            "DTSTART;VALUE=DATE:20240101\nDTEND;VALUE=DATE:20240102\n",
        ),
    ];
    for (input, want) in cases {
        let mut c = cal(&format!(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\n{input}END:VEVENT\nEND:VCALENDAR\n"
        ));
        run(&mut c, Profile::Outlook, Method::Request, None);
        assert!(text(&c).contains(want), "{input:?} gave:\n{}", text(&c));
    }
    let utc =
        "DTSTART:20240101T000000Z\nDTEND:20240102T000000Z\nX-MICROSOFT-CDO-ALLDAYEVENT:TRUE\n";
    let mut c = cal(&format!(
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\n{utc}END:VEVENT\nEND:VCALENDAR\n"
    ));
    run(&mut c, Profile::Outlook, Method::Request, None);
    assert!(text(&c).contains("DTSTART:20240101T000000Z\n"));
}

#[test]
fn floating_times_stay_floating_unless_a_default_zone_is_set() {
    let input = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nDTSTART:20240704T100000\nEND:VEVENT\nEND:VCALENDAR\n";
    let mut c = cal(input);
    run(&mut c, Profile::Outlook, Method::Request, None);
    assert!(text(&c).contains("DTSTART:20240704T100000\n"));
    let mut c = cal(input);
    let report = run(
        &mut c,
        Profile::Outlook,
        Method::Request,
        Some(chrono_tz::Europe::Berlin),
    );
    let out = text(&c);
    assert!(
        out.contains("DTSTART;TZID=W. Europe Standard Time:20240704T100000\n"),
        "{out}"
    );
    assert!(report
        .fixes
        .iter()
        .any(|f| f.code == FixCode::FloatingAnchored));
}

#[test]
fn dtend_in_another_zone_is_converted_to_dtstarts() {
    let mut c = cal(
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nDTSTART;TZID=Europe/Berlin:20240704T100000\n\
         DTEND;TZID=Europe/London:20240704T100000\nEND:VEVENT\nEND:VCALENDAR\n",
    );
    let report = run(&mut c, Profile::Standard, Method::Request, None);
    let out = text(&c);
    // 10:00 London (BST, +1) is 11:00 Berlin (CEST, +2).
    assert!(
        out.contains("DTEND;TZID=Europe/Berlin:20240704T110000\n"),
        "{out}"
    );
    assert_eq!(out.matches("BEGIN:VTIMEZONE").count(), 1);
    assert!(report.fixes.iter().any(|f| f.code == FixCode::TzidUnified));
}

#[test]
fn a_moved_instance_across_a_dst_change_keeps_its_wall_clock_time() {
    let mut c = cal(
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nDTSTART;TZID=Europe/Berlin:20240321T100000\n\
         RRULE:FREQ=WEEKLY;COUNT=4\nEND:VEVENT\nBEGIN:VEVENT\nUID:1\n\
         RECURRENCE-ID;TZID=Europe/Berlin:20240404T100000\nDTSTART;TZID=Europe/Berlin:20240405T150000\n\
         END:VEVENT\nEND:VCALENDAR\n",
    );
    run(&mut c, Profile::Outlook, Method::Request, None);
    let out = text(&c);
    assert!(
        out.contains("RECURRENCE-ID;TZID=W. Europe Standard Time:20240404T100000\n"),
        "{out}"
    );
    assert!(out.contains("DTSTART;TZID=W. Europe Standard Time:20240405T150000\n"));
    let vtz = c.components_named("VTIMEZONE").next().unwrap();
    let before = chrono::NaiveDate::from_ymd_opt(2024, 3, 21)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    let after = chrono::NaiveDate::from_ymd_opt(2024, 4, 5)
        .unwrap()
        .and_hms_opt(15, 0, 0)
        .unwrap();
    assert_eq!(utc_offset_at(vtz, before), Some(3600));
    assert_eq!(utc_offset_at(vtz, after), Some(7200));
}

#[test]
fn tzid_names_are_compared_loosely() {
    assert_eq!(
        norm_tzid("\"(GMT+01.00) Amsterdam\\, Berlin\""),
        "(GMT+01.00) Amsterdam, Berlin"
    );
    assert_eq!(norm_tzid(" Eastern\\n"), "Eastern");
    assert_eq!(norm_tzid("a\\;b\\\\c"), "a;b\\c");
}

#[test]
fn copies_into_components_equal_their_sources() {
    let shapes = [
        "BEGIN:VTIMEZONE\nTZID:A\nX-P;Q=1:v\nBEGIN:STANDARD\nDTSTART:16010101T000000\nEND:STANDARD\nEND:VTIMEZONE\n",
        "BEGIN:VTIMEZONE\nTZID:Bee\nBEGIN:STANDARD\nTZOFFSETTO:+0100\nEND:STANDARD\nBEGIN:DAYLIGHT\nTZOFFSETTO:+0200\nBEGIN:X\nEND:X\nEND:DAYLIGHT\nBEGIN:DAYLIGHT\nEND:DAYLIGHT\nEND:VTIMEZONE\n",
        "BEGIN:X-OTHER\nEND:X-OTHER\n",
    ];
    for d in shapes {
        for s in shapes {
            let (mut dst, src) = (cal(d), cal(s));
            super::copy_into(&mut dst, &src);
            assert_eq!(dst, src);
        }
    }
}

#[test]
fn report_quoting_is_debug_quoting() {
    for s in [
        "US/Eastern",
        "Eastern Standard Time",
        "",
        "a\"b",
        "a\\b",
        "tab\there",
        "é",
        "\u{301}x",
        "x\u{7f}",
    ] {
        let mut text = String::new();
        super::push_debug_str(&mut text, s);
        assert_eq!(text, format!("{s:?}"));
    }
}

#[test]
fn windows_names_need_no_parameter_escape() {
    // The Outlook profile writes them as TZID values without escaping them.
    use crate::ical::model::param_value_text;
    for (windows, _, _) in &crate::tz::data::WINDOWS_ZONES {
        assert_eq!(param_value_text(windows).as_str(), *windows);
    }
}

#[test]
fn memoised_disagreements_are_the_computed_ones() {
    let vtz = |daylight_rule: &str| {
        cal(&format!(
            "BEGIN:VTIMEZONE\nTZID:US/Eastern\nBEGIN:STANDARD\nDTSTART:19671029T020000\n\
             RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\n\
             END:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:19870405T020000\nRRULE:{daylight_rule}\n\
             TZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nEND:DAYLIGHT\nEND:VTIMEZONE\n"
        ))
    };
    let zones = [
        vtz("FREQ=YEARLY;BYDAY=1SU;BYMONTH=4"),
        vtz("FREQ=YEARLY;BYDAY=2SU;BYMONTH=3"),
    ];
    let times = [
        ("DTSTART", "20100320T100000"),
        ("DTEND", "20100320T110000"),
        ("EXDATE", "20100321T100000,20100322T100000"),
        ("DTSTART", "20030925T140000"),
        ("DUE", "21050320T100000"),
    ];
    let props: Vec<Property> = times.iter().map(|(n, v)| Property::new(*n, *v)).collect();
    for vtz in &zones {
        let key = crate::tz::memo::content_key(vtz).map(Arc::from);
        for zone in [chrono_tz::America::New_York, chrono_tz::Europe::Berlin] {
            for n in 0..=props.len() {
                for skip in 0..props.len() {
                    let chosen = props.iter().skip(skip).take(n);
                    let computed = disagreements_computed(chosen.clone(), vtz, None, zone);
                    // Twice: computed into the memo, then found there.
                    for _ in 0..2 {
                        assert_eq!(
                            disagreements(chosen.clone(), vtz, key.clone(), zone),
                            computed
                        );
                    }
                }
            }
        }
    }
    // The old US rules disagree with tzdb in March 2010.
    let all = disagreements_computed(props.iter(), &zones[0], None, chrono_tz::America::New_York);
    assert!(!all.is_empty());
}
