use super::*;
use crate::ical::lex::unfold;
use crate::ical::parse::parse;
use crate::ical::value::parse_recur;
use crate::ical::write::write;
use crate::report::{FixCode, Report, WarningCode};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Unfold, join QP soft breaks, parse, convert, write back with CRLF.
fn run_bytes(input: &[u8]) -> (String, Report) {
    let (unfolded, _) = unfold(input);
    let joined = join_qp_soft_breaks(&unfolded);
    let text = String::from_utf8(joined.into_owned()).unwrap();
    let mut parsed = parse(&text, 16).unwrap();
    assert_eq!(parsed.roots.len(), 1);
    let mut cal = parsed.roots.remove(0);
    let mut report = Report::default();
    convert(&mut cal, &mut report);
    (write(&[cal], "\r\n"), report)
}

fn run(input: &str) -> (String, Report) {
    run_bytes(input.as_bytes())
}

fn crlf(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

/// A vCalendar 1.0 event (DTSTART Monday 5 January 2004) with `body` lines.
fn event(body: &[&str]) -> String {
    wrap("1.0", "VEVENT", body)
}

/// The expected output for [`event`].
fn event_out(body: &[&str]) -> String {
    wrap("2.0", "VEVENT", body)
}

fn wrap(version: &str, comp: &str, body: &[&str]) -> String {
    let version = format!("VERSION:{version}");
    let begin = format!("BEGIN:{comp}");
    let end = format!("END:{comp}");
    let mut lines = vec![
        "BEGIN:VCALENDAR",
        version.as_str(),
        "PRODID:-//Test//vCal//EN",
        begin.as_str(),
        "DTSTART:20040105T150000Z",
    ];
    lines.extend_from_slice(body);
    lines.push(end.as_str());
    lines.push("END:VCALENDAR");
    crlf(&lines)
}

fn fixes(report: &Report) -> Vec<&str> {
    report
        .fixes
        .iter()
        .map(|f| {
            assert_eq!(f.code, FixCode::VcalendarConverted);
            f.detail.as_str()
        })
        .collect()
}

fn warnings(report: &Report) -> Vec<&str> {
    report
        .warnings
        .iter()
        .map(|w| {
            assert_eq!(w.code, WarningCode::MalformedLine);
            w.detail.as_str()
        })
        .collect()
}

/// Converts one event with `body` and asserts the whole output.
fn check(body: &[&str], expected: &[&str]) -> Report {
    let (out, report) = run(&event(body));
    assert_eq!(out, event_out(expected), "fixes: {:?}", report.fixes);
    report
}

// ---------------------------------------------------------------------------
// Detection and the whole object
// ---------------------------------------------------------------------------

#[test]
fn detects_vcalendar_1_only() {
    let parsed = |s: &str| {
        let (u, _) = unfold(s.as_bytes());
        parse(std::str::from_utf8(&u).unwrap(), 8)
            .unwrap()
            .roots
            .remove(0)
    };
    assert!(is_vcalendar1(&parsed(&event(&[]))));
    assert!(is_vcalendar1(&parsed(
        "BEGIN:vcalendar\r\nversion: 1.0 \r\nEND:vcalendar\r\n"
    )));
    assert!(!is_vcalendar1(&parsed(&event_out(&[]))));
    assert!(!is_vcalendar1(&parsed(
        "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    )));
    assert!(!is_vcalendar1(&parsed(
        "BEGIN:VCARD\r\nVERSION:1.0\r\nEND:VCARD\r\n"
    )));
}

#[test]
fn icalendar_2_is_left_alone() {
    let input = wrap(
        "2.0",
        "VEVENT",
        &["RRULE:W1 #10", "DCREATED:20040101T000000", "TRANSP:0"],
    );
    let (out, report) = run(&input);
    assert_eq!(out, input);
    assert!(report.fixes.is_empty());
    assert!(report.warnings.is_empty());
}

#[test]
fn realistic_vcalendar_converts_completely() {
    let input = crlf(&[
        "BEGIN:VCALENDAR",
        "VERSION:1.0",
        "PRODID:-//Lotus Development Corporation//NONSGML Organizer 6.0//EN",
        "TZ:-05",
        "DAYLIGHT:TRUE;-04;19960407T025959;19961027T010000;EST;EDT",
        "BEGIN:VEVENT",
        "DCREATED:19960401T083000",
        "UID:uid1@host.com",
        "DTSTART:19960918T143000Z",
        "DTEND:19960920T220000Z",
        "SUMMARY;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:R=E9union budg=E9taire, salle 4, =",
        "2e =E9tage",
        "DESCRIPTION;ENCODING=QUOTED-PRINTABLE:Agenda:=0D=0A1. Budget=0D=0A2. Staff",
        "CATEGORIES:MEETING;BUSINESS",
        "CLASS:PRIVATE",
        "STATUS:NEEDS ACTION",
        "TRANSP:0",
        "ATTENDEE;ROLE=ORGANIZER:Anna Smith <anna@example.com>",
        "ATTENDEE;ROLE=ATTENDEE;STATUS=CONFIRMED;RSVP=YES:bob@example.com",
        "ATTENDEE;EXPECT=FYI;STATUS=NEEDS ACTION:Carol <carol@example.com>",
        "RRULE:W1 TU TH #10",
        "DALARM:19960918T141500Z;PT5M;2;Budget meeting",
        "AALARM;TYPE=WAVE;VALUE=URL:19960918T141500Z;;;file:///mmedia/taps.wav",
        "X-LOTUS-NOTICETYPE:I",
        "PRIORITY:2",
        "END:VEVENT",
        "END:VCALENDAR",
    ]);
    let (out, report) = run(&input);
    assert_eq!(
        out,
        crlf(&[
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Lotus Development Corporation//NONSGML Organizer 6.0//EN",
            "X-VCAL-TZ:-05",
            "X-VCAL-DAYLIGHT:TRUE;-04;19960407T025959;19961027T010000;EST;EDT",
            "BEGIN:VEVENT",
            "CREATED:19960401T083000",
            "UID:uid1@host.com",
            "DTSTART:19960918T143000Z",
            "DTEND:19960920T220000Z",
            "SUMMARY:Réunion budgétaire\\, salle 4\\, 2e étage",
            "DESCRIPTION:Agenda:\\n1. Budget\\n2. Staff",
            "CATEGORIES:MEETING,BUSINESS",
            "CLASS:PRIVATE",
            "TRANSP:OPAQUE",
            "ORGANIZER;CN=Anna Smith:mailto:anna@example.com",
            "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE:mailto:bob@exampl",
            " e.com",
            "ATTENDEE;CN=Carol;ROLE=NON-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:carol@e",
            " xample.com",
            "RRULE:FREQ=WEEKLY;COUNT=10;BYDAY=TU,TH",
            "X-LOTUS-NOTICETYPE:I",
            "PRIORITY:2",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "TRIGGER;VALUE=DATE-TIME:19960918T141500Z",
            "DURATION:PT5M",
            "REPEAT:2",
            "DESCRIPTION:Budget meeting",
            "END:VALARM",
            "BEGIN:VALARM",
            "ACTION:AUDIO",
            "TRIGGER;VALUE=DATE-TIME:19960918T141500Z",
            "ATTACH:file:///mmedia/taps.wav",
            "END:VALARM",
            "END:VEVENT",
            "END:VCALENDAR",
        ])
    );
    assert_eq!(
        fixes(&report),
        [
            "VERSION:1.0 -> 2.0",
            "TZ -> X-VCAL-TZ",
            "DAYLIGHT -> X-VCAL-DAYLIGHT",
            "SUMMARY: quoted-printable decoded (CHARSET=ISO-8859-1)",
            "DESCRIPTION: quoted-printable decoded (no CHARSET: UTF-8)",
            "DCREATED -> CREATED",
            "CATEGORIES: ';' separators -> ','",
            "STATUS:NEEDS ACTION removed (no iCalendar VEVENT status)",
            "TRANSP:0 -> OPAQUE",
            "ATTENDEE: Name <address> -> CN=Name:mailto:address",
            "ATTENDEE;ROLE=ORGANIZER -> ORGANIZER",
            "ATTENDEE: bare address -> mailto:address",
            "ATTENDEE ROLE=ATTENDEE -> ROLE=REQ-PARTICIPANT",
            "ATTENDEE STATUS=CONFIRMED -> PARTSTAT=ACCEPTED",
            "ATTENDEE RSVP=YES -> RSVP=TRUE",
            "ATTENDEE EXPECT=FYI -> ROLE=NON-PARTICIPANT",
            "ATTENDEE STATUS=NEEDS ACTION -> PARTSTAT=NEEDS-ACTION",
            "RRULE W1 TU TH #10 -> FREQ=WEEKLY;COUNT=10;BYDAY=TU,TH",
            "DALARM -> VALARM",
            "AALARM -> VALARM",
        ]
    );
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn converting_twice_changes_nothing_more() {
    let input = event(&[
        "SUMMARY:Lunch, then review",
        "CATEGORIES:A;B",
        "RRULE:MP1 1+ MO #3",
        "ATTENDEE;ROLE=OWNER:x@example.com",
    ]);
    let (once, _) = run(&input);
    // The output says VERSION:2.0, so pretend it is still 1.0 to force a second pass.
    let again_input = once.replacen("VERSION:2.0", "VERSION:1.0", 1);
    let (twice, report) = run(&again_input);
    assert_eq!(twice, once);
    assert_eq!(fixes(&report), ["VERSION:1.0 -> 2.0"]);
}

#[test]
fn unknown_properties_parameters_and_components_survive_byte_for_byte() {
    let body = [
        "x-foo;X-P=\"a:b\";y=1,2:value;with,commas",
        "X-NOKIA-TYPE:Meeting",
        "RNUM:3",
        "CLASS:CONFIDENTIAL",
        "PRIORITY:1",
        "LAST-MODIFIED:20040101T120000",
        "URL:http://example.com/x",
        "UID:abc@example.com",
        "SEQUENCE:2",
        "LOCATION;LANGUAGE=en:Room 1",
        "BEGIN:X-THING",
        "FOO:bar",
        "END:X-THING",
    ];
    let report = check(&body, &body);
    assert_eq!(fixes(&report), ["VERSION:1.0 -> 2.0"]);
}

#[test]
fn class_values_unchanged() {
    for class in ["PUBLIC", "PRIVATE", "CONFIDENTIAL"] {
        let line = format!("CLASS:{class}");
        check(&[&line], &[&line]);
    }
}

// ---------------------------------------------------------------------------
// join_qp_soft_breaks
// ---------------------------------------------------------------------------

#[test]
fn soft_breaks_join_across_several_lines() {
    let input = b"A:1\nSUMMARY;ENCODING=QUOTED-PRINTABLE:abc=\ndef=\nghi\nB:2\n";
    let out = join_qp_soft_breaks(input);
    assert!(matches!(out, Cow::Owned(_)));
    assert_eq!(
        &*out,
        b"A:1\nSUMMARY;ENCODING=QUOTED-PRINTABLE:abcdefghi\nB:2\n"
    );
}

#[test]
fn soft_breaks_bare_parameter_any_case_and_trailing_blanks() {
    let input = b"NOTE;charset=x;quoted-printable:one= \t\ntwo\nX:y";
    assert_eq!(
        &*join_qp_soft_breaks(input),
        b"NOTE;charset=x;quoted-printable:onetwo\nX:y"
    );
}

#[test]
fn soft_breaks_quoted_parameter_with_colon() {
    let input = b"X-A;P=\"u:v\";ENCODING=QUOTED-PRINTABLE:a=\nb";
    assert_eq!(
        &*join_qp_soft_breaks(input),
        b"X-A;P=\"u:v\";ENCODING=QUOTED-PRINTABLE:ab"
    );
}

#[test]
fn soft_breaks_borrow_when_nothing_changes() {
    for input in [
        &b"SUMMARY:ends with=\nX:1"[..],
        b"DESCRIPTION:ENCODING=QUOTED-PRINTABLE is only text here=\nX:1",
        b"SUMMARY;ENCODING=QUOTED-PRINTABLE:no soft break\nX:1",
        b"SUMMARY;ENCODING=BASE64:YWJj=\nX:1",
        b"SUMMARY;ENCODING=QUOTED-PRINTABLE:last line=",
        b"",
    ] {
        let out = join_qp_soft_breaks(input);
        assert!(matches!(out, Cow::Borrowed(_)), "{input:?}");
        assert_eq!(&*out, input);
    }
}

#[test]
fn soft_break_never_swallows_structure_or_blank_lines() {
    let input = b"SUMMARY;QUOTED-PRINTABLE:a=\nEND:VEVENT\nX;QUOTED-PRINTABLE:b=\n\nY:1";
    let out = join_qp_soft_breaks(input);
    assert!(matches!(out, Cow::Borrowed(_)));
}

#[test]
fn soft_break_continuation_is_not_reread_as_a_property() {
    // The continuation "C;QUOTED-PRINTABLE:x" is value text, and does not end with '='.
    let input = b"S;QUOTED-PRINTABLE:a=\nC;QUOTED-PRINTABLE:x\nT:y=\nU:z";
    assert_eq!(
        &*join_qp_soft_breaks(input),
        b"S;QUOTED-PRINTABLE:aC;QUOTED-PRINTABLE:x\nT:y=\nU:z"
    );
}

#[test]
fn soft_break_keeps_non_utf8_bytes() {
    let input = b"S;QUOTED-PRINTABLE:\xE9=\n\xFF\nT:1";
    assert_eq!(
        &*join_qp_soft_breaks(input),
        b"S;QUOTED-PRINTABLE:\xE9\xFF\nT:1"
    );
}

// ---------------------------------------------------------------------------
// Transfer encodings and charsets
// ---------------------------------------------------------------------------

#[test]
fn qp_iso_8859_1_with_soft_breaks() {
    let input = event(&[
        "DESCRIPTION;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Caf=E9 au lait;=",
        "=0D=0Apuis d=E9but =",
        "\\ fin",
    ]);
    let (out, report) = run(&input);
    assert_eq!(
        out,
        event_out(&["DESCRIPTION:Café au lait\\;\\npuis début \\\\ fin"])
    );
    assert_eq!(
        fixes(&report),
        [
            "VERSION:1.0 -> 2.0",
            "DESCRIPTION: quoted-printable decoded (CHARSET=ISO-8859-1)",
        ]
    );
}

#[test]
fn qp_without_charset_utf8_or_windows_1252() {
    let report = check(
        &[
            "SUMMARY;QUOTED-PRINTABLE:Caf=C3=A9",
            "LOCATION;ENCODING=QUOTED-PRINTABLE:Caf=E9 =80",
        ],
        &["SUMMARY:Café", "LOCATION:Café €"],
    );
    assert_eq!(
        fixes(&report),
        [
            "VERSION:1.0 -> 2.0",
            "SUMMARY: quoted-printable decoded (no CHARSET: UTF-8)",
            "LOCATION: quoted-printable decoded (no CHARSET, not UTF-8: windows-1252)",
        ]
    );
}

#[test]
fn qp_other_charsets_by_label() {
    check(
        &[
            "SUMMARY;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:=E2=82=AC 5",
            "COMMENT;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-7:=E1=E2=E3",
            "CONTACT;CHARSET=KOI8-R;ENCODING=QUOTED-PRINTABLE;LANGUAGE=ru:=F0=D2=C9",
        ],
        &["SUMMARY:€ 5", "COMMENT:αβγ", "CONTACT;LANGUAGE=ru:При"],
    );
}

#[test]
fn qp_with_raw_non_ascii_characters_keeps_them() {
    check(
        &["SUMMARY;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:né =E9 x= ü"],
        &["SUMMARY:né é x= ü"],
    );
}

#[test]
fn qp_categories_become_a_list() {
    check(
        &["CATEGORIES;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:R=E9union;Priv=E9, perso;a\\;b"],
        &["CATEGORIES:Réunion,Privé,perso,a\\;b"],
    );
}

#[test]
fn qp_on_a_non_text_property_keeps_line_breaks_escaped() {
    check(
        &[
            "ATTENDEE;ROLE=ATTENDEE;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen <j@example.com>",
            "X-NOTE;ENCODING=QUOTED-PRINTABLE:a=0D=0Ab,c",
        ],
        &[
            "ATTENDEE;CN=Jürgen;ROLE=REQ-PARTICIPANT:mailto:j@example.com",
            "X-NOTE:a\\nb,c",
        ],
    );
}

#[test]
fn qp_control_characters_are_dropped() {
    check(
        &["SUMMARY;ENCODING=QUOTED-PRINTABLE:a=00b=07c=09d"],
        &["SUMMARY:abc\td"],
    );
}

#[test]
fn base64_attach_gets_value_binary() {
    let report = check(
        &[
            "ATTACH;ENCODING=BASE64;TYPE=GIF:R0lGODdh AQAB",
            "ATTACH;BASE64;VALUE=INLINE:AAAA",
            "ATTACH;ENCODING=BASE64;VALUE=BINARY:QUJD",
        ],
        &[
            "ATTACH;ENCODING=BASE64;VALUE=BINARY;TYPE=GIF:R0lGODdhAQAB",
            "ATTACH;ENCODING=BASE64;VALUE=BINARY:AAAA",
            "ATTACH;ENCODING=BASE64;VALUE=BINARY:QUJD",
        ],
    );
    assert_eq!(
        fixes(&report),
        [
            "VERSION:1.0 -> 2.0",
            "ATTACH;ENCODING=BASE64 -> ATTACH;ENCODING=BASE64;VALUE=BINARY",
            "ATTACH: blanks removed from the base64 value",
            "ATTACH;BASE64;VALUE=INLINE -> ATTACH;ENCODING=BASE64;VALUE=BINARY",
        ]
    );
}

#[test]
fn base64_text_is_decoded() {
    check(
        &["DESCRIPTION;ENCODING=BASE64;CHARSET=ISO-8859-1:Q2Fm6Swgb2s="],
        &["DESCRIPTION:Café\\, ok"],
    );
}

#[test]
fn charset_on_plain_values_is_removed() {
    let report = check(
        &[
            "SUMMARY;CHARSET=UTF-8:Café",
            "LOCATION;ENCODING=8BIT;CHARSET=ISO-8859-1:Salle",
            "COMMENT;7BIT:plain",
        ],
        &["SUMMARY:Café", "LOCATION:Salle", "COMMENT:plain"],
    );
    assert_eq!(
        fixes(&report),
        [
            "VERSION:1.0 -> 2.0",
            "SUMMARY: CHARSET=UTF-8 removed",
            "LOCATION: ENCODING=8BIT;CHARSET=ISO-8859-1 removed",
            "COMMENT: 7BIT removed",
        ]
    );
}

// ---------------------------------------------------------------------------
// TEXT and lists
// ---------------------------------------------------------------------------

#[test]
fn plain_text_is_escaped_for_icalendar() {
    let report = check(
        &[
            "SUMMARY:Lunch, then review; bring C:\\temp",
            "DESCRIPTION:Line one\\nLine two \\, kept",
            "LOCATION:Room 1",
        ],
        &[
            "SUMMARY:Lunch\\, then review\\; bring C:\\\\temp",
            "DESCRIPTION:Line one\\nLine two \\, kept",
            "LOCATION:Room 1",
        ],
    );
    assert_eq!(
        fixes(&report),
        [
            "VERSION:1.0 -> 2.0",
            "SUMMARY: vCalendar text escaped as iCalendar TEXT",
        ]
    );
}

#[test]
fn categories_and_resources_semicolons_become_commas() {
    let report = check(
        &[
            "CATEGORIES:APPOINTMENT;EDUCATION; PHONE CALL;",
            "RESOURCES:EASEL;PROJECTOR\\;VCR",
            "CATEGORIES:ALREADY,FINE",
        ],
        &[
            "CATEGORIES:APPOINTMENT,EDUCATION,PHONE CALL",
            "RESOURCES:EASEL,PROJECTOR\\;VCR",
            "CATEGORIES:ALREADY,FINE",
        ],
    );
    assert_eq!(
        fixes(&report),
        [
            "VERSION:1.0 -> 2.0",
            "CATEGORIES: ';' separators -> ','",
            "RESOURCES: ';' separators -> ','",
        ]
    );
}

#[test]
fn exdate_and_rdate_semicolons_become_commas() {
    check(
        &[
            "EXDATE:19960402T010000Z;19960403T010000Z;19960404T010000Z",
            "RDATE:19960502T010000Z",
        ],
        &[
            "EXDATE:19960402T010000Z,19960403T010000Z,19960404T010000Z",
            "RDATE:19960502T010000Z",
        ],
    );
}

// ---------------------------------------------------------------------------
// Simple properties
// ---------------------------------------------------------------------------

#[test]
fn dcreated_becomes_created_value_unchanged() {
    let report = check(&["DCREATED:19960329T133000"], &["CREATED:19960329T133000"]);
    assert_eq!(
        fixes(&report),
        ["VERSION:1.0 -> 2.0", "DCREATED -> CREATED"]
    );
    check(
        &["DCREATED:19960329T133000Z"],
        &["CREATED:19960329T133000Z"],
    );
}

#[test]
fn dcreated_is_dropped_when_created_exists() {
    check(
        &["CREATED:20040101T000000Z", "DCREATED:19960329T133000"],
        &["CREATED:20040101T000000Z"],
    );
}

#[test]
fn transp_numbers() {
    let report = check(
        &[
            "TRANSP:0",
            "TRANSP:1",
            "TRANSP:2",
            "TRANSP:OPAQUE",
            "TRANSP:00",
        ],
        &[
            "TRANSP:OPAQUE",
            "TRANSP:TRANSPARENT",
            "TRANSP:TRANSPARENT",
            "TRANSP:OPAQUE",
            "TRANSP:OPAQUE",
        ],
    );
    assert_eq!(
        fixes(&report),
        [
            "VERSION:1.0 -> 2.0",
            "TRANSP:0 -> OPAQUE",
            "TRANSP:1 -> TRANSPARENT",
            "TRANSP:2 -> TRANSPARENT",
            "TRANSP:00 -> OPAQUE",
        ]
    );
}

#[test]
fn event_status_values() {
    for kept in ["CONFIRMED", "TENTATIVE", "CANCELLED"] {
        let line = format!("STATUS:{kept}");
        let report = check(&[&line], &[&line]);
        assert_eq!(fixes(&report), ["VERSION:1.0 -> 2.0"]);
    }
    let report = check(&["STATUS:CANCELED"], &["STATUS:CANCELLED"]);
    assert_eq!(
        fixes(&report),
        ["VERSION:1.0 -> 2.0", "STATUS:CANCELED -> CANCELLED"]
    );
    for removed in [
        "NEEDS ACTION",
        "SENT",
        "ACCEPTED",
        "DECLINED",
        "DELEGATED",
        "COMPLETED",
    ] {
        let line = format!("STATUS:{removed}");
        let report = check(&[&line, "SUMMARY:x"], &["SUMMARY:x"]);
        assert_eq!(
            fixes(&report),
            [
                "VERSION:1.0 -> 2.0",
                format!("STATUS:{removed} removed (no iCalendar VEVENT status)").as_str(),
            ]
        );
    }
}

#[test]
fn todo_status_values() {
    let input = wrap(
        "1.0",
        "VTODO",
        &[
            "STATUS:NEEDS ACTION",
            "STATUS:COMPLETED",
            "STATUS:CANCELED",
            "STATUS:SENT",
        ],
    );
    let (out, report) = run(&input);
    assert_eq!(
        out,
        wrap(
            "2.0",
            "VTODO",
            &[
                "STATUS:NEEDS-ACTION",
                "STATUS:COMPLETED",
                "STATUS:CANCELLED"
            ]
        )
    );
    assert_eq!(
        fixes(&report),
        [
            "VERSION:1.0 -> 2.0",
            "STATUS:NEEDS ACTION -> NEEDS-ACTION",
            "STATUS:CANCELED -> CANCELLED",
            "STATUS:SENT removed (no iCalendar VTODO status)",
        ]
    );
}

#[test]
fn tz_and_daylight_renamed_only_on_the_calendar() {
    let input = crlf(&[
        "BEGIN:VCALENDAR",
        "VERSION:1.0",
        "TZ:+01:00",
        "DAYLIGHT:FALSE",
        "BEGIN:VEVENT",
        "TZ:-05",
        "END:VEVENT",
        "END:VCALENDAR",
    ]);
    let (out, report) = run(&input);
    assert_eq!(
        out,
        crlf(&[
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "X-VCAL-TZ:+01:00",
            "X-VCAL-DAYLIGHT:FALSE",
            "BEGIN:VEVENT",
            "TZ:-05",
            "END:VEVENT",
            "END:VCALENDAR",
        ])
    );
    assert_eq!(
        fixes(&report),
        [
            "VERSION:1.0 -> 2.0",
            "TZ -> X-VCAL-TZ",
            "DAYLIGHT -> X-VCAL-DAYLIGHT"
        ]
    );
}

#[test]
fn attach_url_and_content_id() {
    check(
        &[
            "ATTACH;VALUE=URL:http://example.com/agenda.doc",
            "ATTACH;VALUE=CONTENT-ID:<jsmith.part3.960817T083000.xyzMail@host1.com>",
            "ATTACH:http://example.com/plain",
        ],
        &[
            "ATTACH:http://example.com/agenda.doc",
            "ATTACH:cid:jsmith.part3.960817T083000.xyzMail@host1.com",
            "ATTACH:http://example.com/plain",
        ],
    );
}

// ---------------------------------------------------------------------------
// Attendees
// ---------------------------------------------------------------------------

#[test]
fn attendee_roles() {
    for role in ["OWNER", "ATTENDEE", "DELEGATE"] {
        let line = format!("ATTENDEE;ROLE={role}:mailto:a@example.com");
        let report = check(
            &[&line],
            &["ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:a@example.com"],
        );
        assert_eq!(
            fixes(&report),
            [
                "VERSION:1.0 -> 2.0",
                format!("ATTENDEE ROLE={role} -> ROLE=REQ-PARTICIPANT").as_str(),
            ]
        );
    }
    // iCalendar roles are not touched.
    let line = "ATTENDEE;ROLE=OPT-PARTICIPANT:mailto:a@example.com";
    check(&[line], &[line]);
}

#[test]
fn attendee_expect() {
    for (expect, role) in [
        ("REQUIRE", "REQ-PARTICIPANT"),
        ("IMMEDIATE", "REQ-PARTICIPANT"),
        ("REQUEST", "OPT-PARTICIPANT"),
        ("FYI", "NON-PARTICIPANT"),
    ] {
        let line = format!("ATTENDEE;EXPECT={expect};RSVP=NO:mailto:a@example.com");
        let want = format!("ATTENDEE;ROLE={role};RSVP=FALSE:mailto:a@example.com");
        let report = check(&[&line], &[&want]);
        assert_eq!(
            fixes(&report),
            [
                "VERSION:1.0 -> 2.0",
                format!("ATTENDEE EXPECT={expect} -> ROLE={role}").as_str(),
                "ATTENDEE RSVP=NO -> RSVP=FALSE",
            ]
        );
    }
}

#[test]
fn attendee_expect_wins_over_role() {
    let report = check(
        &["ATTENDEE;ROLE=OWNER;EXPECT=REQUEST:mailto:a@example.com"],
        &["ATTENDEE;ROLE=OPT-PARTICIPANT:mailto:a@example.com"],
    );
    assert_eq!(
        fixes(&report),
        [
            "VERSION:1.0 -> 2.0",
            "ATTENDEE ROLE=OWNER;EXPECT=REQUEST -> ROLE=OPT-PARTICIPANT",
        ]
    );
}

#[test]
fn attendee_status_becomes_partstat() {
    for (status, partstat) in [
        ("NEEDS ACTION", "NEEDS-ACTION"),
        ("ACCEPTED", "ACCEPTED"),
        ("DECLINED", "DECLINED"),
        ("TENTATIVE", "TENTATIVE"),
        ("DELEGATED", "DELEGATED"),
        ("CONFIRMED", "ACCEPTED"),
        ("SENT", "NEEDS-ACTION"),
        ("COMPLETED", "COMPLETED"),
    ] {
        let line = format!("ATTENDEE;STATUS={status};X-K=v:mailto:a@example.com");
        let want = format!("ATTENDEE;PARTSTAT={partstat};X-K=v:mailto:a@example.com");
        let report = check(&[&line], &[&want]);
        assert_eq!(
            fixes(&report),
            [
                "VERSION:1.0 -> 2.0",
                format!("ATTENDEE STATUS={status} -> PARTSTAT={partstat}").as_str(),
            ]
        );
    }
}

#[test]
fn attendee_status_with_existing_partstat_is_dropped() {
    check(
        &["ATTENDEE;PARTSTAT=DECLINED;STATUS=ACCEPTED:mailto:a@example.com"],
        &["ATTENDEE;PARTSTAT=DECLINED:mailto:a@example.com"],
    );
}

#[test]
fn attendee_rsvp() {
    check(
        &[
            "ATTENDEE;RSVP=YES:mailto:a@example.com",
            "ATTENDEE;RSVP=no:mailto:b@example.com",
            "ATTENDEE;RSVP=TRUE:mailto:c@example.com",
        ],
        &[
            "ATTENDEE;RSVP=TRUE:mailto:a@example.com",
            "ATTENDEE;RSVP=FALSE:mailto:b@example.com",
            "ATTENDEE;RSVP=TRUE:mailto:c@example.com",
        ],
    );
}

#[test]
fn attendee_addresses() {
    let report = check(
        &[
            "ATTENDEE:john@example.com",
            "ATTENDEE:John Doe <john.doe@example.com>",
            "ATTENDEE:\"Doe, Jane\" <jane@example.com>",
            "ATTENDEE;CN=Kept:Other Name <kept@example.com>",
            "ATTENDEE:<angle@example.com>",
            "ATTENDEE:Max <mailto:max@example.com>",
            "ATTENDEE:MAILTO:upper@example.com",
            "ATTENDEE:Just A Name",
        ],
        &[
            "ATTENDEE:mailto:john@example.com",
            "ATTENDEE;CN=John Doe:mailto:john.doe@example.com",
            "ATTENDEE;CN=\"Doe, Jane\":mailto:jane@example.com",
            "ATTENDEE;CN=Kept:mailto:kept@example.com",
            "ATTENDEE:mailto:angle@example.com",
            "ATTENDEE;CN=Max:mailto:max@example.com",
            "ATTENDEE:MAILTO:upper@example.com",
            "ATTENDEE:Just A Name",
        ],
    );
    assert_eq!(
        fixes(&report),
        [
            "VERSION:1.0 -> 2.0",
            "ATTENDEE: bare address -> mailto:address",
            "ATTENDEE: Name <address> -> CN=Name:mailto:address",
            "ATTENDEE: Name <address> -> mailto:address (CN kept)",
        ]
    );
}

#[test]
fn attendee_organizer_becomes_organizer() {
    let report = check(
        &[
            "ATTENDEE;ROLE=ORGANIZER;CN=Anna:anna@example.com",
            "ATTENDEE;ROLE=ATTENDEE:bob@example.com",
        ],
        &[
            "ORGANIZER;CN=Anna:mailto:anna@example.com",
            "ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:bob@example.com",
        ],
    );
    assert!(fixes(&report).contains(&"ATTENDEE;ROLE=ORGANIZER -> ORGANIZER"));
}

#[test]
fn attendee_organizer_who_takes_part_stays_as_chair() {
    check(
        &["ATTENDEE;ROLE=ORGANIZER;STATUS=CONFIRMED:Anna <anna@example.com>"],
        &[
            "ORGANIZER;CN=Anna:mailto:anna@example.com",
            "ATTENDEE;CN=Anna;ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:anna@example.com",
        ],
    );
}

#[test]
fn attendee_organizer_with_existing_organizer() {
    let report = check(
        &[
            "ORGANIZER:mailto:Anna@Example.com",
            "ATTENDEE;ROLE=ORGANIZER:anna@example.com",
            "ATTENDEE;ROLE=ORGANIZER:other@example.com",
        ],
        &[
            "ORGANIZER:mailto:Anna@Example.com",
            "ATTENDEE;ROLE=CHAIR:mailto:other@example.com",
        ],
    );
    assert_eq!(
        fixes(&report),
        [
            "VERSION:1.0 -> 2.0",
            "ATTENDEE: bare address -> mailto:address",
            "ATTENDEE;ROLE=ORGANIZER removed (same as ORGANIZER)",
            "ATTENDEE;ROLE=ORGANIZER -> ATTENDEE;ROLE=CHAIR",
        ]
    );
}

#[test]
fn attendee_organizer_without_address_is_kept_with_a_warning() {
    let line = "ATTENDEE;ROLE=ORGANIZER:Anna Smith";
    let report = check(&[line], &[line]);
    assert_eq!(
        warnings(&report),
        ["ATTENDEE;ROLE=ORGANIZER:Anna Smith: the organizer has no address; kept as it was"]
    );
}

#[test]
fn organizer_property_address_forms() {
    check(
        &["ORGANIZER:Anna <anna@example.com>"],
        &["ORGANIZER;CN=Anna:mailto:anna@example.com"],
    );
}

// ---------------------------------------------------------------------------
// Alarms
// ---------------------------------------------------------------------------

#[test]
fn dalarm_display() {
    let report = check(
        &[
            "SUMMARY:Taxes",
            "DALARM:19960415T235000;PT5M;2;Your Taxes Are Due, now !!!",
        ],
        &[
            "SUMMARY:Taxes",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "TRIGGER;VALUE=DATE-TIME:19960415T235000",
            "DURATION:PT5M",
            "REPEAT:2",
            "DESCRIPTION:Your Taxes Are Due\\, now !!!",
            "END:VALARM",
        ],
    );
    assert_eq!(fixes(&report), ["VERSION:1.0 -> 2.0", "DALARM -> VALARM"]);
}

#[test]
fn dalarm_without_text_uses_the_summary() {
    check(
        &["SUMMARY:Budget\\, Q3", "DALARM:19960415T235000Z"],
        &[
            "SUMMARY:Budget\\, Q3",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "TRIGGER;VALUE=DATE-TIME:19960415T235000Z",
            "DESCRIPTION:Budget\\, Q3",
            "END:VALARM",
        ],
    );
}

#[test]
fn dalarm_partial_snooze_is_noted() {
    let report = check(
        &["DALARM:19960415T235000Z;PT5M;;Wake up"],
        &[
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "TRIGGER;VALUE=DATE-TIME:19960415T235000Z",
            "DESCRIPTION:Wake up",
            "END:VALARM",
        ],
    );
    assert_eq!(
        fixes(&report),
        [
            "VERSION:1.0 -> 2.0",
            "DALARM -> VALARM (snooze \"PT5M\" / repeat \"\" dropped)",
        ]
    );
}

#[test]
fn aalarm_audio() {
    check(
        &[
            "AALARM;TYPE=WAVE;VALUE=URL:19960415T235959Z; ; ; file:///mmedia/taps.wav",
            "AALARM;TYPE=WAVE;VALUE=CONTENT-ID:19960903T060000Z;PT15M;4;<jsmith.part2.960901T083000.xyzMail@host1.com>",
            "AALARM:19960903T060000Z;;;",
        ],
        &[
            "BEGIN:VALARM",
            "ACTION:AUDIO",
            "TRIGGER;VALUE=DATE-TIME:19960415T235959Z",
            "ATTACH:file:///mmedia/taps.wav",
            "END:VALARM",
            "BEGIN:VALARM",
            "ACTION:AUDIO",
            "TRIGGER;VALUE=DATE-TIME:19960903T060000Z",
            "DURATION:PT15M",
            "REPEAT:4",
            "ATTACH:cid:jsmith.part2.960901T083000.xyzMail@host1.com",
            "END:VALARM",
            "BEGIN:VALARM",
            "ACTION:AUDIO",
            "TRIGGER;VALUE=DATE-TIME:19960903T060000Z",
            "END:VALARM",
        ],
    );
}

#[test]
fn aalarm_inline_sound_is_noted() {
    let report = check(
        &["AALARM;TYPE=WAVE:19960903T060000Z;;;UklGRiQAAABXQVZF"],
        &[
            "BEGIN:VALARM",
            "ACTION:AUDIO",
            "TRIGGER;VALUE=DATE-TIME:19960903T060000Z",
            "END:VALARM",
        ],
    );
    assert_eq!(
        fixes(&report),
        [
            "VERSION:1.0 -> 2.0",
            "AALARM -> VALARM (inline sound dropped)"
        ]
    );
}

#[test]
fn palarm_names_the_procedure() {
    let report = check(
        &["PALARM;VALUE=URL:19960415T235000Z;PT5M;2;file:///myapps/shockme.exe"],
        &[
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "TRIGGER;VALUE=DATE-TIME:19960415T235000Z",
            "DURATION:PT5M",
            "REPEAT:2",
            "DESCRIPTION:Run procedure: file:///myapps/shockme.exe",
            "END:VALARM",
        ],
    );
    assert_eq!(
        fixes(&report),
        [
            "VERSION:1.0 -> 2.0",
            "PALARM -> VALARM (iCalendar has no PROCEDURE action)",
        ]
    );
}

#[test]
fn malarm_email() {
    check(
        &[
            "SUMMARY:Taxes",
            "MALARM:19960416T000000Z;PT1H;24;IRS@us.gov;The Check Is In The Mail!",
            "MALARM:19960416T000000Z;;;Tax Office <tax@example.com>;",
        ],
        &[
            "SUMMARY:Taxes",
            "BEGIN:VALARM",
            "ACTION:EMAIL",
            "TRIGGER;VALUE=DATE-TIME:19960416T000000Z",
            "DURATION:PT1H",
            "REPEAT:24",
            "ATTENDEE:mailto:IRS@us.gov",
            "SUMMARY:Taxes",
            "DESCRIPTION:The Check Is In The Mail!",
            "END:VALARM",
            "BEGIN:VALARM",
            "ACTION:EMAIL",
            "TRIGGER;VALUE=DATE-TIME:19960416T000000Z",
            "ATTENDEE:mailto:tax@example.com",
            "SUMMARY:Taxes",
            "DESCRIPTION:Taxes",
            "END:VALARM",
        ],
    );
}

#[test]
fn alarms_without_run_time_are_kept_with_a_warning() {
    let body = [
        "DALARM:;PT5M;2;No time",
        "AALARM",
        "PALARM:tomorrow;;;x",
        "MALARM:19960416;;;a@example.com;date only",
        "MALARM:19960416T000000Z;;;nobody;no address",
    ];
    let (out, report) = run(&event(&body));
    // AALARM without ':' is not a content line; the parser keeps it opaque.
    assert_eq!(out, event_out(&body));
    assert_eq!(
        warnings(&report),
        [
            "DALARM:;PT5M;2;No time: no run time; kept as it was",
            "PALARM:tomorrow;;;x: run time \"tomorrow\" is not a date-time; kept as it was",
            "MALARM:19960416;;;a@example.com;date only: run time \"19960416\" is not a date-time; kept as it was",
            "MALARM:19960416T000000Z;;;nobody;no address: no e-mail address (\"nobody\"); kept as it was",
        ]
    );
}

#[test]
fn alarms_in_a_todo() {
    let input = wrap("1.0", "VTODO", &["DALARM:20040105T140000Z;;;Due soon"]);
    let (out, _) = run(&input);
    assert_eq!(
        out,
        wrap(
            "2.0",
            "VTODO",
            &[
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                "TRIGGER;VALUE=DATE-TIME:20040105T140000Z",
                "DESCRIPTION:Due soon",
                "END:VALARM",
            ]
        )
    );
}

#[test]
fn alarm_lands_after_existing_sub_components() {
    check(
        &[
            "DALARM:20040105T140000Z;;;Soon",
            "BEGIN:X-CHILD",
            "DALARM:left alone here",
            "END:X-CHILD",
        ],
        &[
            "BEGIN:X-CHILD",
            "DALARM:left alone here",
            "END:X-CHILD",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "TRIGGER;VALUE=DATE-TIME:20040105T140000Z",
            "DESCRIPTION:Soon",
            "END:VALARM",
        ],
    );
}

// ---------------------------------------------------------------------------
// Recurrence rules
// ---------------------------------------------------------------------------

/// The RRULE line produced for `value` in an event starting on `dtstart`.
fn rule_at(value: &str, dtstart: &str) -> (String, Report) {
    let rrule = format!("RRULE:{value}");
    let input = event(&[&rrule]).replace("DTSTART:20040105T150000Z", dtstart);
    let (out, report) = run(&input);
    let line = out
        .split("\r\n")
        .find(|l| l.starts_with("RRULE"))
        .unwrap()
        .to_owned();
    (line, report)
}

fn rule(value: &str) -> (String, Report) {
    rule_at(value, "DTSTART:20040105T150000Z")
}

macro_rules! rrule_cases {
    ($($name:ident: $input:expr => $want:expr,)*) => {$(
        #[test]
        fn $name() {
            let (line, report) = rule($input);
            assert_eq!(line, concat!("RRULE:", $want));
            assert_eq!(
                fixes(&report),
                ["VERSION:1.0 -> 2.0", concat!("RRULE ", $input, " -> ", $want)]
            );
            assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        }
    )*};
}

rrule_cases! {
    rrule_daily_count: "D1 #5" => "FREQ=DAILY;COUNT=5",
    rrule_daily_until: "D1 19941224T000000Z" => "FREQ=DAILY;UNTIL=19941224T000000Z",
    rrule_daily_default_duration: "D2" => "FREQ=DAILY;COUNT=2;INTERVAL=2",
    rrule_daily_forever: "D10 #0" => "FREQ=DAILY;INTERVAL=10",
    rrule_weekly_count: "W1 #10" => "FREQ=WEEKLY;COUNT=10",
    rrule_weekly_forever: "W1 #0" => "FREQ=WEEKLY",
    rrule_weekly_days_until: "W2 MO WE FR 20041231T000000Z"
        => "FREQ=WEEKLY;UNTIL=20041231T000000Z;INTERVAL=2;BYDAY=MO,WE,FR",
    rrule_weekly_floating_until: "W1 TU 20041231T235959"
        => "FREQ=WEEKLY;UNTIL=20041231T235959;BYDAY=TU",
    rrule_weekly_date_until: "W1 TU 20041231" => "FREQ=WEEKLY;UNTIL=20041231;BYDAY=TU",
    rrule_weekly_dollar_marks: "W1 TU$ TH #10" => "FREQ=WEEKLY;COUNT=10;BYDAY=TU,TH",
    rrule_weekly_forever_then_until: "W1 MO #0 20041231T000000Z"
        => "FREQ=WEEKLY;UNTIL=20041231T000000Z;BYDAY=MO",
    rrule_weekly_default_with_days: "W1 SA SU" => "FREQ=WEEKLY;COUNT=2;BYDAY=SA,SU",
    rrule_monthly_pos_first_monday: "MP1 1+ MO #3" => "FREQ=MONTHLY;COUNT=3;BYDAY=1MO",
    rrule_monthly_pos_last_friday: "MP1 1- FR #0" => "FREQ=MONTHLY;BYDAY=-1FR",
    rrule_monthly_pos_second_to_last: "MP1 2- MO #6" => "FREQ=MONTHLY;COUNT=6;BYDAY=-2MO",
    rrule_monthly_pos_groups: "MP6 2+ TU 3- TH #4"
        => "FREQ=MONTHLY;COUNT=4;INTERVAL=6;BYDAY=2TU,-3TH",
    rrule_monthly_pos_first_and_last_sunday: "MP2 1+ SU 1- SU #10"
        => "FREQ=MONTHLY;COUNT=10;INTERVAL=2;BYDAY=1SU,-1SU",
    rrule_monthly_pos_weekdays: "MP6 2+ MO TU WE TH FR #10"
        => "FREQ=MONTHLY;COUNT=10;INTERVAL=6;BYDAY=2MO,2TU,2WE,2TH,2FR",
    rrule_monthly_pos_weekday_from_dtstart: "MP1 1+ 3- FR #3"
        => "FREQ=MONTHLY;COUNT=3;BYDAY=1MO,-3FR",
    rrule_monthly_day_list: "MD1 1 15 #4" => "FREQ=MONTHLY;COUNT=4;BYMONTHDAY=1,15",
    rrule_monthly_day_last: "MD1 1- #0" => "FREQ=MONTHLY;BYMONTHDAY=-1",
    rrule_monthly_day_ld: "MD1 LD #2" => "FREQ=MONTHLY;COUNT=2;BYMONTHDAY=-1",
    rrule_monthly_day_third_to_last: "MD1 3- #0" => "FREQ=MONTHLY;BYMONTHDAY=-3",
    rrule_monthly_day_first_and_last: "MD1 1 1- #10" => "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1",
    rrule_monthly_day_plus_and_dollar: "MD18 10+ 11$ 15 #10"
        => "FREQ=MONTHLY;COUNT=10;INTERVAL=18;BYMONTHDAY=10,11,15",
    rrule_monthly_day_no_list: "MD1 #12" => "FREQ=MONTHLY;COUNT=12",
    rrule_yearly_by_month: "YM1 6 7 #5" => "FREQ=YEARLY;COUNT=5;BYMONTH=6,7",
    rrule_yearly_by_month_every_other: "YM2 1 2 3 #10"
        => "FREQ=YEARLY;COUNT=10;INTERVAL=2;BYMONTH=1,2,3",
    rrule_yearly_by_month_no_list: "YM1 #0" => "FREQ=YEARLY",
    rrule_yearly_by_day: "YD1 1 100 #3" => "FREQ=YEARLY;COUNT=3;BYYEARDAY=1,100",
    rrule_yearly_by_day_every_third: "YD3 1 100 200 #10"
        => "FREQ=YEARLY;COUNT=10;INTERVAL=3;BYYEARDAY=1,100,200",
    rrule_lowercase: "w1 mo we #4" => "FREQ=WEEKLY;COUNT=4;BYDAY=MO,WE",
    rrule_extra_blanks: "MD1  1   15 #4" => "FREQ=MONTHLY;COUNT=4;BYMONTHDAY=1,15",
}

#[test]
fn rrule_monthly_by_position_without_list_takes_dtstart() {
    // Tuesday 13 January 2004 is the second Tuesday of the month.
    let (line, _) = rule_at("MP1 #12", "DTSTART:20040113T090000");
    assert_eq!(line, "RRULE:FREQ=MONTHLY;COUNT=12;BYDAY=2TU");
    let (line, _) = rule_at("MP1 1+ #3", "DTSTART;TZID=Europe/Paris:20040130T090000");
    assert_eq!(line, "RRULE:FREQ=MONTHLY;COUNT=3;BYDAY=1FR");
}

#[test]
fn rrule_monthly_by_position_without_dtstart_is_kept() {
    let input = event(&["RRULE:MP1 #12"]).replace("DTSTART:20040105T150000Z\r\n", "");
    let (out, report) = run(&input);
    assert!(out.contains("\r\nRRULE:MP1 #12\r\n"));
    assert_eq!(
        warnings(&report),
        ["RRULE MP1 #12: not a convertible vCalendar 1.0 rule (no DTSTART to take the weekday from); kept as it was"]
    );
}

#[test]
fn rrule_garbage_is_kept_with_a_warning() {
    for (value, why) in [
        ("M", "\"M\" is not a vCalendar frequency"),
        ("D", "\"D\" is not a vCalendar frequency"),
        ("M5 #3", "\"M5\" is not a vCalendar frequency"),
        ("#5", "\"#5\" is not a vCalendar frequency"),
        ("D0 #3", "interval 0"),
        (
            "D99999999999 #3",
            "\"D99999999999\" is not a vCalendar frequency",
        ),
        ("W1 XX #2", "unexpected \"XX\""),
        ("D1 MO #2", "unexpected \"MO\""),
        ("MD1 32 #1", "unexpected \"32\""),
        ("MD1 0 #1", "unexpected \"0\""),
        ("YM1 13", "unexpected \"13\""),
        ("YD1 367", "unexpected \"367\""),
        ("MP1 MO #2", "weekday \"MO\" before an occurrence"),
        ("MP1 6+ MO", "unexpected \"6+\""),
        ("D1 #5 MO", "\"MO\" after the end of the rule"),
        ("D1 #x", "bad duration \"#X\""),
        ("D1 #5 #6", "second end \"#6\""),
        ("W1 MO #3 20041231T000000Z", "both a count and an end date"),
        (
            "W1 MO 20041399T000000Z",
            "bad end date \"20041399T000000Z\"",
        ),
        ("W1 MO 2004123", "unexpected \"2004123\""),
    ] {
        let (line, report) = rule(value);
        assert_eq!(line, format!("RRULE:{value}"), "{value}");
        assert_eq!(fixes(&report), ["VERSION:1.0 -> 2.0"], "{value}");
        assert_eq!(
            warnings(&report),
            [format!(
                "RRULE {}: not a convertible vCalendar 1.0 rule ({why}); kept as it was",
                value.trim()
            )
            .as_str()],
            "{value}"
        );
    }
}

#[test]
fn rrule_empty_value_is_kept() {
    let (line, report) = rule("");
    assert_eq!(line, "RRULE:");
    assert_eq!(
        warnings(&report),
        ["RRULE : not a convertible vCalendar 1.0 rule (empty rule); kept as it was"]
    );
}

#[test]
fn rrule_nested_converts_the_first_rule_and_warns() {
    let (line, report) = rule("YM1 6 7 MP1 1+ SU #5");
    assert_eq!(line, "RRULE:FREQ=YEARLY;COUNT=5;BYMONTH=6,7");
    assert_eq!(
        warnings(&report),
        ["RRULE YM1 6 7 MP1 1+ SU #5: nested rule \"MP1 1+ SU #5\" has no iCalendar equivalent; only the first rule was converted"]
    );
    let (line, _) = rule("YM1 6 #3 MP1 1+ SU");
    assert_eq!(line, "RRULE:FREQ=YEARLY;COUNT=3;BYMONTH=6");
}

#[test]
fn rrule_already_icalendar_is_untouched() {
    let (line, report) = rule("FREQ=DAILY;COUNT=3");
    assert_eq!(line, "RRULE:FREQ=DAILY;COUNT=3");
    assert_eq!(fixes(&report), ["VERSION:1.0 -> 2.0"]);
    assert!(report.warnings.is_empty());
}

#[test]
fn exrule_is_converted_too() {
    let report = check(
        &["RRULE:D1 #0", "EXRULE:W1 SA SU #0"],
        &["RRULE:FREQ=DAILY", "EXRULE:FREQ=WEEKLY;BYDAY=SA,SU"],
    );
    assert_eq!(
        fixes(&report),
        [
            "VERSION:1.0 -> 2.0",
            "RRULE D1 #0 -> FREQ=DAILY",
            "EXRULE W1 SA SU #0 -> FREQ=WEEKLY;BYDAY=SA,SU",
        ]
    );
}

#[test]
fn rrule_output_parses_as_rfc5545() {
    for value in [
        "D1 #5",
        "W2 MO WE FR 20041231T000000Z",
        "MP6 2+ TU 3- TH #4",
        "MD1 1 1- #10",
        "YM1 6 7 #5",
        "YD3 1 100 200 #10",
    ] {
        let (line, _) = rule(value);
        let recur = line.strip_prefix("RRULE:").unwrap();
        assert_eq!(parse_recur(recur).unwrap().format(), recur);
    }
}

// ---------------------------------------------------------------------------
// Robustness
// ---------------------------------------------------------------------------

#[test]
fn never_panics_on_odd_input() {
    // A small deterministic generator over vCalendar-ish fragments.
    let fragments = [
        "RRULE:",
        "MP",
        "MD",
        "YM",
        "YD",
        "W",
        "D",
        "1",
        "5",
        "+",
        "-",
        "$",
        "#",
        "LD",
        " ",
        "MO",
        "20041231T000000Z",
        "DALARM:",
        "AALARM;VALUE=CID:",
        "MALARM:",
        "PALARM:",
        ";",
        "ATTENDEE;ROLE=ORGANIZER:",
        "ATTENDEE;STATUS=SENT;EXPECT=FYI:",
        "<",
        ">",
        "@",
        "\"",
        "SUMMARY;QUOTED-PRINTABLE;CHARSET=bogus:",
        "=",
        "=E9",
        "=0A",
        "é",
        "\\",
        ",",
        "CATEGORIES:",
        "ATTACH;BASE64:",
        "TRANSP:",
        "STATUS:",
        "EXDATE:",
        "\n",
        "mailto:",
        "ORGANIZER:",
        "PT5M",
        "CHARSET=ISO-8859-1",
        "ENCODING=B",
        ":",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..400 {
        let mut body = String::new();
        for _ in 0..40 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let pick = usize::try_from(state % fragments.len() as u64).unwrap();
            body.push_str(fragments[pick]);
        }
        let input = format!(
            "BEGIN:VCALENDAR\nVERSION:1.0\nBEGIN:VEVENT\nDTSTART:20040105T150000Z\n{body}\nEND:VEVENT\nEND:VCALENDAR\n"
        );
        let (out, _) = run(&input);
        assert!(out.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    }
}
