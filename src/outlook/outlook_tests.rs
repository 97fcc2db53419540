use super::*;
use crate::ical::parse::parse;

fn event(props: &str) -> Component {
    let text = format!("BEGIN:VEVENT\n{props}END:VEVENT\n");
    parse(&text, 8).unwrap().roots.remove(0)
}

#[test]
fn busy_status_table() {
    let cases = [
        ("", Method::Request, "BUSY"),
        ("TRANSP:OPAQUE\n", Method::Request, "BUSY"),
        ("TRANSP:TRANSPARENT\n", Method::Request, "FREE"),
        ("transp:transparent\n", Method::Request, "FREE"),
        ("STATUS:TENTATIVE\n", Method::Request, "TENTATIVE"),
        ("STATUS:CONFIRMED\n", Method::Request, "BUSY"),
        (
            "STATUS:TENTATIVE\nTRANSP:TRANSPARENT\n",
            Method::Request,
            "FREE",
        ),
        ("", Method::Cancel, "FREE"),
        ("STATUS:TENTATIVE\n", Method::Cancel, "FREE"),
    ];
    for (props, method, want) in cases {
        assert_eq!(
            busy_status(&event(props), method),
            want,
            "{props:?} {method}"
        );
    }
}

#[test]
fn importance_table() {
    let cases = [
        ("", "1"),
        ("PRIORITY:0\n", "1"),
        ("PRIORITY:1\n", "2"),
        ("PRIORITY:2\n", "2"),
        ("PRIORITY:3\n", "2"),
        ("PRIORITY:4\n", "2"),
        ("PRIORITY:5\n", "1"),
        ("PRIORITY:6\n", "0"),
        ("PRIORITY:7\n", "0"),
        ("PRIORITY:8\n", "0"),
        ("PRIORITY:9\n", "0"),
        ("PRIORITY:high\n", "1"),
    ];
    for (props, want) in cases {
        assert_eq!(importance(&event(props)), want, "{props:?}");
    }
}

#[test]
fn inst_type_and_all_day_tables() {
    assert_eq!(inst_type(&event("")), "0");
    assert_eq!(inst_type(&event("RRULE:FREQ=DAILY\n")), "1");
    assert_eq!(inst_type(&event("RDATE:20040101T000000Z\n")), "1");
    assert_eq!(inst_type(&event("RECURRENCE-ID:20040101T000000Z\n")), "3");
    assert_eq!(
        inst_type(&event("RRULE:FREQ=DAILY\nRECURRENCE-ID:20040101T000000Z\n")),
        "3"
    );
    assert_eq!(all_day(&event("DTSTART;VALUE=DATE:20040101\n")), "TRUE");
    assert_eq!(all_day(&event("DTSTART:20040101\n")), "TRUE");
    assert_eq!(all_day(&event("DTSTART:20040101T000000Z\n")), "FALSE");
    assert_eq!(all_day(&event("")), "FALSE");
}

#[test]
fn regular_rdate_lists_become_rrules_and_irregular_ones_stay() {
    let weekly = event(
        "DTSTART;TZID=\"Eastern\":20081014T100000\n\
         RDATE;TZID=\"Eastern\":20081014T100000,20081021T100000,20081028T100000,20081104T100000\n",
    );
    assert_eq!(
        regular_series(&weekly).as_deref(),
        Some("FREQ=WEEKLY;COUNT=4;BYDAY=TU")
    );
    let daily = event("DTSTART:20040101T090000Z\nRDATE:20040102T090000Z\nRDATE:20040103T090000Z\n");
    assert_eq!(
        regular_series(&daily).as_deref(),
        Some("FREQ=DAILY;COUNT=3")
    );
    let fortnight = event("DTSTART;VALUE=DATE:20040101\nRDATE;VALUE=DATE:20040115,20040129\n");
    assert_eq!(
        regular_series(&fortnight).as_deref(),
        Some("FREQ=WEEKLY;INTERVAL=2;COUNT=3;BYDAY=TH")
    );
    for irregular in [
        "DTSTART:20040101T090000Z\nRDATE:20040102T090000Z,20040104T090000Z\n",
        "DTSTART:20040101T090000Z\nRDATE:20040102T100000Z\n",
        "DTSTART;TZID=A:20040101T090000\nRDATE;TZID=B:20040102T090000\n",
        "DTSTART:20040101T090000Z\nRDATE;VALUE=PERIOD:20040102T090000Z/PT1H\n",
        "DTSTART:20040101T090000Z\nRDATE:20040102T090000\n",
    ] {
        assert_eq!(regular_series(&event(irregular)), None, "{irregular:?}");
    }
}

#[test]
fn outlook_and_exchange_calendars_are_recognised() {
    let cal = |prodid: &str| {
        parse(
            &format!("BEGIN:VCALENDAR\nPRODID:{prodid}\nEND:VCALENDAR\n"),
            8,
        )
        .unwrap()
        .roots
        .remove(0)
    };
    assert!(is_outlook_sender(&cal("Microsoft Exchange Server 2010")));
    assert!(is_outlook_sender(&cal(
        "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN"
    )));
    assert!(!is_outlook_sender(&cal(
        "-//Microsoft Corporation//Entourage Mac 11.0 MIMEDIR//EN"
    )));
    assert!(!is_outlook_sender(&cal(
        "Microsoft CDO for Microsoft Exchange"
    )));
    assert!(!is_outlook_sender(&cal(
        "-//Microsoft Corporation//Outlook 9.0 MIMEDIR//EN"
    )));
}

#[test]
fn outlook_prodids_in_any_case() {
    let reference = |v: &str| {
        let v = v.to_ascii_lowercase();
        v.contains("microsoft exchange server")
            || [
                "outlook 11",
                "outlook 12",
                "outlook 14",
                "outlook 15",
                "outlook 16",
            ]
            .iter()
            .any(|o| v.contains(o))
    };
    for prodid in [
        "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
        "Microsoft Exchange Server 2010",
        "-//MICROSOFT EXCHANGE SERVER//x",
        "outlook 13",
        "outlook 1",
        "OUTLOOK 15",
        "ooutlook 12",
        "-//Microsoft Corporation//Entourage Mac 10.1//EN",
        "microsoft exchange serve",
        "",
        "é outlook 14 ü",
    ] {
        let mut cal = Component::new("VCALENDAR");
        cal.properties.push(Property::new("PRODID", prodid));
        assert_eq!(is_outlook_sender(&cal), reference(prodid), "{prodid}");
    }
}
