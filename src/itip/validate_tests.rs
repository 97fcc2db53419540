use super::*;
use crate::ical::lex::unfold;
use crate::ical::parse::parse;
use std::collections::BTreeSet;

use ViolationCode as V;

const O: Profile = Profile::Outlook;
const S: Profile = Profile::Standard;
const VC: &str = "VCALENDAR";
const VE: &str = "VEVENT";
const VTZ: &str = "VTIMEZONE";

// ---------------------------------------------------------------------------
// Valid calendars, one per method. The REQUEST and CANCEL carry the Outlook CDO
// properties and the REQUEST's ATTENDEEs carry ROLE, PARTSTAT and RSVP, so they are
// valid under both profiles.
// ---------------------------------------------------------------------------

const REQUEST_OK: &str = "BEGIN:VCALENDAR
PRODID:-//imip-bridge//validate tests//EN
VERSION:2.0
METHOD:REQUEST
BEGIN:VTIMEZONE
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
END:VTIMEZONE
BEGIN:VEVENT
UID:budget-42@example.com
DTSTAMP:20240301T120000Z
DTSTART;TZID=W. Europe Standard Time:20240311T100000
DTEND;TZID=W. Europe Standard Time:20240311T110000
RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4
SEQUENCE:0
SUMMARY:Budget review
STATUS:CONFIRMED
ORGANIZER;CN=Anna:mailto:anna@example.com
ATTENDEE;CN=Bob;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com
X-MICROSOFT-CDO-BUSYSTATUS:BUSY
X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY
X-MICROSOFT-CDO-IMPORTANCE:1
X-MICROSOFT-CDO-INSTTYPE:1
X-MICROSOFT-CDO-ALLDAYEVENT:FALSE
X-MICROSOFT-CDO-APPT-SEQUENCE:0
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER:-PT15M
DESCRIPTION:Reminder
END:VALARM
END:VEVENT
BEGIN:VEVENT
UID:budget-42@example.com
RECURRENCE-ID;TZID=W. Europe Standard Time:20240318T100000
DTSTAMP:20240301T120000Z
DTSTART;TZID=W. Europe Standard Time:20240318T140000
DTEND;TZID=W. Europe Standard Time:20240318T150000
SEQUENCE:0
SUMMARY:Budget review (moved)
ORGANIZER;CN=Anna:mailto:anna@example.com
ATTENDEE;CN=Bob;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com
X-MICROSOFT-CDO-BUSYSTATUS:BUSY
X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY
X-MICROSOFT-CDO-IMPORTANCE:1
X-MICROSOFT-CDO-INSTTYPE:3
X-MICROSOFT-CDO-ALLDAYEVENT:FALSE
X-MICROSOFT-CDO-APPT-SEQUENCE:0
END:VEVENT
END:VCALENDAR
";

const CANCEL_OK: &str = "BEGIN:VCALENDAR
PRODID:-//imip-bridge//validate tests//EN
VERSION:2.0
METHOD:CANCEL
BEGIN:VEVENT
UID:budget-42@example.com
DTSTAMP:20240305T090000Z
DTSTART:20240311T090000Z
DTEND:20240311T100000Z
SEQUENCE:1
SUMMARY:Budget review
STATUS:CANCELLED
ORGANIZER;CN=Anna:mailto:anna@example.com
ATTENDEE;CN=Bob:mailto:bob@example.com
X-MICROSOFT-CDO-BUSYSTATUS:FREE
X-MICROSOFT-CDO-INTENDEDSTATUS:FREE
X-MICROSOFT-CDO-IMPORTANCE:1
X-MICROSOFT-CDO-INSTTYPE:0
X-MICROSOFT-CDO-ALLDAYEVENT:FALSE
X-MICROSOFT-CDO-APPT-SEQUENCE:1
END:VEVENT
END:VCALENDAR
";

const REPLY_OK: &str = "BEGIN:VCALENDAR
PRODID:-//imip-bridge//validate tests//EN
VERSION:2.0
METHOD:REPLY
BEGIN:VEVENT
UID:budget-42@example.com
DTSTAMP:20240302T080000Z
DTSTART:20240311T090000Z
DTEND:20240311T100000Z
SEQUENCE:0
SUMMARY:Budget review
ORGANIZER:mailto:anna@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com
REQUEST-STATUS:2.0;Success
END:VEVENT
END:VCALENDAR
";

/// Two unrelated events: PUBLISH needs no common UID or ORGANIZER.
const PUBLISH_OK: &str = "BEGIN:VCALENDAR
PRODID:-//imip-bridge//validate tests//EN
VERSION:2.0
METHOD:PUBLISH
BEGIN:VEVENT
UID:concert-7@example.org
DTSTAMP:20240401T000000Z
DTSTART;VALUE=DATE:20240601
DTEND;VALUE=DATE:20240602
SUMMARY:Summer concert
ORGANIZER:mailto:events@example.org
STATUS:TENTATIVE
TRANSP:TRANSPARENT
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER:-P1D
DESCRIPTION:Tomorrow
END:VALARM
END:VEVENT
BEGIN:VEVENT
UID:lecture-8@example.org
DTSTAMP:20240401T000000Z
DTSTART:20240605T170000Z
DURATION:PT1H30M
SUMMARY:Lecture
ORGANIZER:mailto:faculty@example.org
END:VEVENT
END:VCALENDAR
";

const ADD_OK: &str = "BEGIN:VCALENDAR
PRODID:-//imip-bridge//validate tests//EN
VERSION:2.0
METHOD:ADD
BEGIN:VEVENT
UID:budget-42@example.com
DTSTAMP:20240320T100000Z
DTSTART:20240401T090000Z
DTEND:20240401T100000Z
SEQUENCE:2
SUMMARY:Budget review (extra)
ORGANIZER:mailto:anna@example.com
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com
END:VEVENT
END:VCALENDAR
";

const REFRESH_OK: &str = "BEGIN:VCALENDAR
PRODID:-//imip-bridge//validate tests//EN
VERSION:2.0
METHOD:REFRESH
BEGIN:VEVENT
UID:budget-42@example.com
DTSTAMP:20240306T100000Z
ORGANIZER:mailto:anna@example.com
ATTENDEE:mailto:bob@example.com
COMMENT:Lost my copy
END:VEVENT
END:VCALENDAR
";

const COUNTER_OK: &str = "BEGIN:VCALENDAR
PRODID:-//imip-bridge//validate tests//EN
VERSION:2.0
METHOD:COUNTER
BEGIN:VEVENT
UID:budget-42@example.com
DTSTAMP:20240302T080000Z
DTSTART:20240311T130000Z
DTEND:20240311T140000Z
SEQUENCE:0
SUMMARY:Budget review
ORGANIZER:mailto:anna@example.com
ATTENDEE;PARTSTAT=TENTATIVE:mailto:bob@example.com
COMMENT:Afternoon instead?
END:VEVENT
END:VCALENDAR
";

const DECLINECOUNTER_OK: &str = "BEGIN:VCALENDAR
PRODID:-//imip-bridge//validate tests//EN
VERSION:2.0
METHOD:DECLINECOUNTER
BEGIN:VEVENT
UID:budget-42@example.com
DTSTAMP:20240302T090000Z
ORGANIZER:mailto:anna@example.com
ATTENDEE:mailto:bob@example.com
SEQUENCE:0
COMMENT:Mornings only, sorry
REQUEST-STATUS:2.0;Success
END:VEVENT
END:VCALENDAR
";

/// A VTODO request: no VEVENT, so only the METHOD and VTIMEZONE rules apply.
const TODO_REQUEST_OK: &str = "BEGIN:VCALENDAR
PRODID:-//imip-bridge//validate tests//EN
VERSION:2.0
METHOD:REQUEST
BEGIN:VTODO
UID:todo-1@example.com
DTSTAMP:20240301T120000Z
DUE:20240310T170000Z
SUMMARY:Send the slides
ORGANIZER:mailto:anna@example.com
ATTENDEE:mailto:bob@example.com
END:VTODO
END:VCALENDAR
";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

type Expected = (ViolationCode, &'static str, Option<&'static str>);

fn run(text: &str, param: Option<&str>, profile: Profile) -> Vec<Violation> {
    validate_ics(text.as_bytes(), param, profile)
}

fn triples(found: &[Violation]) -> Vec<(ViolationCode, String, Option<String>)> {
    found
        .iter()
        .map(|v| (v.code, v.component.clone(), v.property.clone()))
        .collect()
}

fn assert_found(found: &[Violation], expected: &[Expected], what: &str) {
    let want: Vec<(ViolationCode, String, Option<String>)> = expected
        .iter()
        .map(|&(c, comp, prop)| (c, comp.to_owned(), prop.map(str::to_owned)))
        .collect();
    let listing: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(
        triples(found),
        want,
        "{what}: got\n  {}",
        listing.join("\n  ")
    );
    for v in found {
        assert!(!v.message.is_empty(), "{what}: empty message in {v:?}");
    }
}

/// `base` with the first `from` replaced by `to` (`from` must occur).
fn edit(base: &str, from: &str, to: &str) -> String {
    assert!(base.contains(from), "{from:?} not in the base calendar");
    base.replacen(from, to, 1)
}

/// `base` with every `from` replaced by `to`.
fn edit_all(base: &str, from: &str, to: &str) -> String {
    assert!(base.contains(from), "{from:?} not in the base calendar");
    base.replace(from, to)
}

/// `base` without the first block from `start` through `end` (inclusive).
fn without(base: &str, start: &str, end: &str) -> String {
    let a = base.find(start).expect("start marker");
    let b = a + base[a..].find(end).expect("end marker") + end.len();
    format!("{}{}", &base[..a], &base[b..])
}

/// `base` without every line starting with `prefix`.
fn without_lines(base: &str, prefix: &str) -> String {
    let out: String = base
        .lines()
        .filter(|l| !l.starts_with(prefix))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(out.len(), base.len(), "no line starts with {prefix:?}");
    out
}

fn vtimezone(tzid: &str) -> String {
    format!(
        "BEGIN:VTIMEZONE\nTZID:{tzid}\nBEGIN:STANDARD\nDTSTART:16010101T030000\n\
         TZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\n\
         END:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\n\
         TZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\n\
         END:VTIMEZONE\n"
    )
}

/// A VALARM block.
const ALARM: &str = "BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT15M\nDESCRIPTION:x\nEND:VALARM\n";
const MASTER_RRULE: &str = "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4";
const INSTANCE_ORGANIZER: &str =
    "SUMMARY:Budget review (moved)\nORGANIZER;CN=Anna:mailto:anna@example.com";

struct Case {
    name: &'static str,
    input: String,
    param: Option<&'static str>,
    profile: Profile,
    expect: Vec<Expected>,
}

fn case(name: &'static str, input: String, profile: Profile, expect: &[Expected]) -> Case {
    Case {
        name,
        input,
        param: None,
        profile,
        expect: expect.to_vec(),
    }
}

/// One broken variant per rule, with exactly what it must report.
fn broken_cases() -> Vec<Case> {
    let mut cases = vec![
        // --- not a calendar -------------------------------------------------
        case(
            "plain text",
            "just some text\n".to_owned(),
            S,
            &[(V::Unparseable, VC, None)],
        ),
        case(
            "nested too deep",
            "BEGIN:X-A\n".repeat(40),
            O,
            &[(V::Unparseable, VC, None)],
        ),
        case(
            "vcard",
            "BEGIN:VCARD\nVERSION:3.0\nFN:Anna\nEND:VCARD\n".to_owned(),
            S,
            &[(V::NotVcalendar, "VCARD", None)],
        ),
        // --- METHOD and the VCALENDAR's own properties --------------------------
        case(
            "no METHOD",
            edit(REQUEST_OK, "METHOD:REQUEST\n", ""),
            S,
            &[(V::MethodMissing, VC, Some("METHOD"))],
        ),
        case(
            "METHOD:INVITE",
            edit(REQUEST_OK, "METHOD:REQUEST", "METHOD:INVITE"),
            S,
            &[(V::MethodUnknown, VC, Some("METHOD"))],
        ),
        Case {
            param: Some("CANCEL"),
            ..case(
                "method=CANCEL on a REQUEST",
                REQUEST_OK.to_owned(),
                O,
                &[(V::MethodParamMismatch, VC, Some("METHOD"))],
            )
        },
        case(
            "REQUEST and CANCEL in one part",
            format!("{REQUEST_OK}{CANCEL_OK}"),
            S,
            &[(V::MultipleMethods, VC, Some("METHOD"))],
        ),
        case(
            "two METHODs",
            edit(REQUEST_OK, "METHOD:REQUEST\n", "METHOD:REQUEST\nMETHOD:REQUEST\n"),
            S,
            &[(V::PropertyTooMany, VC, Some("METHOD"))],
        ),
        case(
            "two VERSIONs",
            edit(REQUEST_OK, "VERSION:2.0\n", "VERSION:2.0\nVERSION:2.0\n"),
            S,
            &[(V::PropertyTooMany, VC, Some("VERSION"))],
        ),
        case(
            "VERSION:1.0",
            edit(REQUEST_OK, "VERSION:2.0", "VERSION:1.0"),
            S,
            &[(V::ValueInvalid, VC, Some("VERSION"))],
        ),
        case(
            "no PRODID",
            without_lines(REQUEST_OK, "PRODID:"),
            O,
            &[(V::PropertyMissing, VC, Some("PRODID"))],
        ),
        // --- components ---------------------------------------------------------
        case(
            "VTODO in a VEVENT REQUEST",
            edit(
                REQUEST_OK,
                "END:VCALENDAR",
                "BEGIN:VTODO\nUID:t1@example.com\nDTSTAMP:20240301T120000Z\nEND:VTODO\nEND:VCALENDAR",
            ),
            O,
            &[(V::ComponentForbidden, "VTODO", None)],
        ),
        case(
            "VALARM in a CANCEL",
            edit(CANCEL_OK, "END:VEVENT\n", &format!("{ALARM}END:VEVENT\n")),
            O,
            &[(V::ComponentForbidden, "VALARM", None)],
        ),
        case(
            "VALARM in a REPLY",
            edit(REPLY_OK, "END:VEVENT\n", &format!("{ALARM}END:VEVENT\n")),
            S,
            &[(V::ComponentForbidden, "VALARM", None)],
        ),
        case(
            "VALARM in a REFRESH",
            edit(REFRESH_OK, "END:VEVENT\n", &format!("{ALARM}END:VEVENT\n")),
            S,
            &[(V::ComponentForbidden, "VALARM", None)],
        ),
        case(
            "STANDARD at the top level",
            edit(
                REQUEST_OK,
                "END:VCALENDAR",
                "BEGIN:STANDARD\nEND:STANDARD\nEND:VCALENDAR",
            ),
            S,
            &[(V::ComponentForbidden, "STANDARD", None)],
        ),
        // --- presence -------------------------------------------------------------
        case(
            "REQUEST without SUMMARY",
            edit(REQUEST_OK, "SUMMARY:Budget review\n", ""),
            O,
            &[(V::PropertyMissing, VE, Some("SUMMARY"))],
        ),
        case(
            "REQUEST without ATTENDEE",
            edit(
                REQUEST_OK,
                "ATTENDEE;CN=Bob;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com\n",
                "",
            ),
            O,
            &[(V::PropertyMissing, VE, Some("ATTENDEE"))],
        ),
        case(
            "REQUEST without DTSTAMP",
            edit(REQUEST_OK, "DTSTAMP:20240301T120000Z\n", ""),
            S,
            &[(V::PropertyMissing, VE, Some("DTSTAMP"))],
        ),
        case(
            "PUBLISH without DTSTART",
            edit(PUBLISH_OK, "DTSTART;VALUE=DATE:20240601\n", ""),
            S,
            &[(V::PropertyMissing, VE, Some("DTSTART"))],
        ),
        case(
            "CANCEL without ORGANIZER",
            edit(CANCEL_OK, "ORGANIZER;CN=Anna:mailto:anna@example.com\n", ""),
            O,
            &[(V::PropertyMissing, VE, Some("ORGANIZER"))],
        ),
        case(
            "REFRESH without ATTENDEE",
            edit(REFRESH_OK, "ATTENDEE:mailto:bob@example.com\n", ""),
            S,
            &[(V::PropertyMissing, VE, Some("ATTENDEE"))],
        ),
        case(
            "COUNTER without UID",
            edit(COUNTER_OK, "UID:budget-42@example.com\n", ""),
            O,
            &[(V::PropertyMissing, VE, Some("UID"))],
        ),
        case(
            "REQUEST with two SUMMARYs",
            edit(
                REQUEST_OK,
                "SUMMARY:Budget review\n",
                "SUMMARY:Budget review\nSUMMARY:Again\n",
            ),
            O,
            &[(V::PropertyTooMany, VE, Some("SUMMARY"))],
        ),
        case(
            "CANCEL with two DTSTAMPs",
            edit(
                CANCEL_OK,
                "DTSTAMP:20240305T090000Z\n",
                "DTSTAMP:20240305T090000Z\nDTSTAMP:20240305T090001Z\n",
            ),
            S,
            &[(V::PropertyTooMany, VE, Some("DTSTAMP"))],
        ),
        case(
            "REFRESH with two ATTENDEEs",
            edit(
                REFRESH_OK,
                "ATTENDEE:mailto:bob@example.com\n",
                "ATTENDEE:mailto:bob@example.com\nATTENDEE:mailto:carl@example.com\n",
            ),
            S,
            &[(V::PropertyTooMany, VE, Some("ATTENDEE"))],
        ),
        case(
            "PUBLISH with ATTENDEE",
            edit(
                PUBLISH_OK,
                "SUMMARY:Summer concert\n",
                "SUMMARY:Summer concert\nATTENDEE:mailto:fan@example.org\n",
            ),
            S,
            &[(V::PropertyForbidden, VE, Some("ATTENDEE"))],
        ),
        case(
            "REQUEST with REQUEST-STATUS",
            edit(
                REQUEST_OK,
                "SUMMARY:Budget review\n",
                "SUMMARY:Budget review\nREQUEST-STATUS:2.0;Success\n",
            ),
            O,
            &[(V::PropertyForbidden, VE, Some("REQUEST-STATUS"))],
        ),
        case(
            "REFRESH with DTSTART",
            edit(
                REFRESH_OK,
                "COMMENT:Lost my copy\n",
                "COMMENT:Lost my copy\nDTSTART:20240311T090000Z\n",
            ),
            S,
            &[(V::PropertyForbidden, VE, Some("DTSTART"))],
        ),
        case(
            "ADD with RECURRENCE-ID",
            edit(
                ADD_OK,
                "SEQUENCE:2\n",
                "SEQUENCE:2\nRECURRENCE-ID:20240401T090000Z\n",
            ),
            S,
            &[(V::PropertyForbidden, VE, Some("RECURRENCE-ID"))],
        ),
        case(
            "DECLINECOUNTER without ATTENDEE",
            edit(DECLINECOUNTER_OK, "ATTENDEE:mailto:bob@example.com\n", ""),
            O,
            &[(V::PropertyMissing, VE, Some("ATTENDEE"))],
        ),
        case(
            "DECLINECOUNTER without SEQUENCE",
            edit(DECLINECOUNTER_OK, "SEQUENCE:0\n", ""),
            O,
            &[(V::SequenceRequired, VE, Some("SEQUENCE"))],
        ),
        // --- values ---------------------------------------------------------------
        case(
            "REQUEST with STATUS:CANCELLED",
            edit(REQUEST_OK, "STATUS:CONFIRMED", "STATUS:CANCELLED"),
            O,
            &[(V::ValueInvalid, VE, Some("STATUS"))],
        ),
        case(
            "CANCEL with STATUS:CONFIRMED",
            edit(CANCEL_OK, "STATUS:CANCELLED", "STATUS:CONFIRMED"),
            S,
            &[(V::ValueInvalid, VE, Some("STATUS"))],
        ),
        case(
            "SEQUENCE:-1",
            edit(CANCEL_OK, "SEQUENCE:1", "SEQUENCE:-1"),
            S,
            &[(V::ValueInvalid, VE, Some("SEQUENCE"))],
        ),
        case(
            "SEQUENCE:first",
            edit(REQUEST_OK, "SEQUENCE:0", "SEQUENCE:first"),
            S,
            &[(V::ValueInvalid, VE, Some("SEQUENCE"))],
        ),
        case(
            "SEQUENCE too large",
            edit(REPLY_OK, "SEQUENCE:0", "SEQUENCE:2147483648"),
            S,
            &[(V::ValueInvalid, VE, Some("SEQUENCE"))],
        ),
        case(
            "ADD with SEQUENCE:0",
            edit(ADD_OK, "SEQUENCE:2", "SEQUENCE:0"),
            S,
            &[(V::ValueInvalid, VE, Some("SEQUENCE"))],
        ),
        case(
            "local DTSTAMP",
            edit(REPLY_OK, "DTSTAMP:20240302T080000Z", "DTSTAMP:20240302T080000"),
            S,
            &[(V::ValueInvalid, VE, Some("DTSTAMP"))],
        ),
        case(
            "unparseable DTSTART",
            edit(CANCEL_OK, "DTSTART:20240311T090000Z", "DTSTART:next monday"),
            O,
            &[(V::ValueInvalid, VE, Some("DTSTART"))],
        ),
        case(
            "DATE without VALUE=DATE",
            edit(CANCEL_OK, "DTSTART:20240311T090000Z", "DTSTART:20240311"),
            S,
            &[(V::ValueInvalid, VE, Some("DTSTART"))],
        ),
        case(
            "unparseable RECURRENCE-ID",
            edit(
                REQUEST_OK,
                "RECURRENCE-ID;TZID=W. Europe Standard Time:20240318T100000",
                "RECURRENCE-ID;TZID=W. Europe Standard Time:20240318T25",
            ),
            S,
            &[(V::ValueInvalid, VE, Some("RECURRENCE-ID"))],
        ),
        case(
            "unparseable RRULE",
            edit(REQUEST_OK, MASTER_RRULE, "RRULE:FREQ=SOMETIMES"),
            O,
            &[(V::ValueInvalid, VE, Some("RRULE"))],
        ),
        case(
            "DTEND before DTSTART",
            edit(CANCEL_OK, "DTEND:20240311T100000Z", "DTEND:20240311T080000Z"),
            S,
            &[(V::ValueInvalid, VE, Some("DTEND"))],
        ),
        case(
            "all-day event ending the day it starts",
            edit(PUBLISH_OK, "DTEND;VALUE=DATE:20240602", "DTEND;VALUE=DATE:20240601"),
            S,
            &[(V::ValueInvalid, VE, Some("DTEND"))],
        ),
        case(
            "DTEND a DATE-TIME, DTSTART a DATE",
            edit(PUBLISH_OK, "DTEND;VALUE=DATE:20240602", "DTEND:20240602T000000Z"),
            S,
            &[(V::ValueInvalid, VE, Some("DTEND"))],
        ),
        case(
            "unparseable DURATION",
            edit(PUBLISH_OK, "DURATION:PT1H30M", "DURATION:90 minutes"),
            S,
            &[(V::ValueInvalid, VE, Some("DURATION"))],
        ),
        case(
            "unparseable EXDATE",
            edit(
                REQUEST_OK,
                "SEQUENCE:0\nSUMMARY:Budget review\n",
                "SEQUENCE:0\nSUMMARY:Budget review\nEXDATE;TZID=W. Europe Standard Time:20240325T100000,soon\n",
            ),
            S,
            &[(V::ValueInvalid, VE, Some("EXDATE"))],
        ),
        case(
            "PRIORITY:10",
            edit(REPLY_OK, "SEQUENCE:0\n", "SEQUENCE:0\nPRIORITY:10\n"),
            S,
            &[(V::ValueInvalid, VE, Some("PRIORITY"))],
        ),
        case(
            "DTEND and DURATION",
            edit(
                CANCEL_OK,
                "DTEND:20240311T100000Z\n",
                "DTEND:20240311T100000Z\nDURATION:PT1H\n",
            ),
            O,
            &[(V::DtendAndDuration, VE, Some("DURATION"))],
        ),
        // --- across components ---------------------------------------------------
        case(
            "instance with another UID",
            edit(
                REQUEST_OK,
                "UID:budget-42@example.com\nRECURRENCE-ID",
                "UID:other-1@example.com\nRECURRENCE-ID",
            ),
            S,
            &[
                (V::UidMismatch, VE, Some("UID")),
                (V::RecurrenceIdWithoutMaster, VE, Some("RECURRENCE-ID")),
            ],
        ),
        case(
            "instance with another ORGANIZER",
            edit(
                REQUEST_OK,
                INSTANCE_ORGANIZER,
                "SUMMARY:Budget review (moved)\nORGANIZER;CN=Carl:mailto:carl@example.com",
            ),
            O,
            &[(V::OrganizerMismatch, VE, Some("ORGANIZER"))],
        ),
        case(
            "no VTIMEZONE for the TZID",
            without(REQUEST_OK, "BEGIN:VTIMEZONE", "END:VTIMEZONE\n"),
            S,
            &[(V::TimezoneUndefined, VE, Some("DTSTART"))],
        ),
        case(
            "empty TZID",
            edit(
                CANCEL_OK,
                "DTSTART:20240311T090000Z",
                "DTSTART;TZID=:20240311T090000Z",
            ),
            S,
            &[(V::TimezoneUndefined, VE, Some("DTSTART"))],
        ),
        case(
            "VTIMEZONE without TZID",
            edit(REQUEST_OK, "TZID:W. Europe Standard Time\n", ""),
            S,
            &[
                (V::PropertyMissing, VTZ, Some("TZID")),
                (V::TimezoneUndefined, VE, Some("DTSTART")),
            ],
        ),
        case(
            "TZID inside an X- component of a VEVENT",
            edit(
                REPLY_OK,
                "END:VEVENT\n",
                "BEGIN:X-THING\nX-WHEN;TZID=Nowhere:20240101T000000\nEND:X-THING\nEND:VEVENT\n",
            ),
            O,
            &[(V::TimezoneUndefined, "X-THING", Some("X-WHEN"))],
        ),
        case(
            "master without RRULE",
            edit(REQUEST_OK, &format!("{MASTER_RRULE}\n"), ""),
            S,
            &[(V::RecurrenceIdWithoutMaster, VE, Some("RECURRENCE-ID"))],
        ),
        case(
            "CANCEL without SEQUENCE",
            edit(CANCEL_OK, "SEQUENCE:1\n", ""),
            O,
            &[(V::SequenceRequired, VE, Some("SEQUENCE"))],
        ),
        case(
            "COUNTER without SEQUENCE",
            edit(COUNTER_OK, "SEQUENCE:0\n", ""),
            S,
            &[(V::SequenceRequired, VE, Some("SEQUENCE"))],
        ),
        case(
            "ADD without SEQUENCE",
            edit(ADD_OK, "SEQUENCE:2\n", ""),
            S,
            &[(V::SequenceRequired, VE, Some("SEQUENCE"))],
        ),
        case(
            "REPLY with two ATTENDEEs",
            edit(
                REPLY_OK,
                "ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\n",
                "ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\n\
                 ATTENDEE;PARTSTAT=DECLINED:mailto:carl@example.com\n",
            ),
            O,
            &[(V::ReplyAttendeeCount, VE, Some("ATTENDEE"))],
        ),
        case(
            "REPLY without ATTENDEE",
            edit(
                REPLY_OK,
                "ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\n",
                "",
            ),
            S,
            &[(V::ReplyAttendeeCount, VE, Some("ATTENDEE"))],
        ),
        // --- Outlook ----------------------------------------------------------------
        case(
            "PUBLISH for Outlook",
            PUBLISH_OK.to_owned(),
            O,
            &[(V::OutlookMethodNotShown, VC, Some("METHOD"))],
        ),
        case(
            "ADD for Outlook",
            ADD_OK.to_owned(),
            O,
            &[(V::OutlookMethodNotShown, VC, Some("METHOD"))],
        ),
        case(
            "REQUEST without X-MICROSOFT-CDO-IMPORTANCE",
            edit(REQUEST_OK, "X-MICROSOFT-CDO-IMPORTANCE:1\n", ""),
            O,
            &[(V::OutlookCdoMissing, VE, Some("X-MICROSOFT-CDO-IMPORTANCE"))],
        ),
        case(
            "CANCEL without any CDO property",
            without_lines(CANCEL_OK, "X-MICROSOFT-CDO-"),
            O,
            &[
                (V::OutlookCdoMissing, VE, Some("X-MICROSOFT-CDO-BUSYSTATUS")),
                (V::OutlookCdoMissing, VE, Some("X-MICROSOFT-CDO-INTENDEDSTATUS")),
                (V::OutlookCdoMissing, VE, Some("X-MICROSOFT-CDO-IMPORTANCE")),
                (V::OutlookCdoMissing, VE, Some("X-MICROSOFT-CDO-INSTTYPE")),
                (V::OutlookCdoMissing, VE, Some("X-MICROSOFT-CDO-ALLDAYEVENT")),
                (V::OutlookCdoMissing, VE, Some("X-MICROSOFT-CDO-APPT-SEQUENCE")),
            ],
        ),
        case(
            "REQUEST ATTENDEE without RSVP",
            edit(
                REQUEST_OK,
                ";RSVP=TRUE:mailto:bob@example.com",
                ":mailto:bob@example.com",
            ),
            O,
            &[(V::OutlookAttendeeParams, VE, Some("ATTENDEE"))],
        ),
        case(
            "RDATE without RRULE",
            edit(
                REQUEST_OK,
                MASTER_RRULE,
                "RDATE;TZID=W. Europe Standard Time:20240318T100000,20240325T100000",
            ),
            O,
            &[(V::OutlookRdateWithoutRrule, VE, Some("RDATE"))],
        ),
        case(
            "DTEND in another zone",
            edit(
                &edit(
                    REQUEST_OK,
                    "BEGIN:VEVENT\n",
                    &format!("{}BEGIN:VEVENT\n", vtimezone("Romance Standard Time")),
                ),
                "DTEND;TZID=W. Europe Standard Time:20240311T110000",
                "DTEND;TZID=Romance Standard Time:20240311T110000",
            ),
            O,
            &[(V::OutlookTzidMismatch, VE, Some("DTEND"))],
        ),
        case(
            "CANCEL with a TZID",
            edit(
                &edit(
                    CANCEL_OK,
                    "BEGIN:VEVENT\n",
                    &format!("{}BEGIN:VEVENT\n", vtimezone("W. Europe Standard Time")),
                ),
                "DTSTART:20240311T090000Z",
                "DTSTART;TZID=W. Europe Standard Time:20240311T100000",
            ),
            O,
            &[(V::OutlookCancelTzid, VE, Some("DTSTART"))],
        ),
        case(
            "VTIMEZONE with two STANDARDs",
            edit(
                REQUEST_OK,
                "END:STANDARD\n",
                "END:STANDARD\nBEGIN:STANDARD\nDTSTART:19700101T030000\nTZOFFSETFROM:+0200\n\
                 TZOFFSETTO:+0100\nEND:STANDARD\n",
            ),
            O,
            &[(V::OutlookVtimezoneShape, VTZ, None)],
        ),
        case(
            "DAYLIGHT without TZOFFSETTO",
            edit(REQUEST_OK, "TZOFFSETTO:+0200\n", ""),
            O,
            &[(V::OutlookVtimezoneShape, VTZ, Some("TZOFFSETTO"))],
        ),
        case(
            "VTIMEZONE without observances",
            edit(
                &without(REQUEST_OK, "BEGIN:STANDARD", "END:STANDARD\n"),
                "BEGIN:DAYLIGHT",
                "BEGIN:X-NOTHING",
            )
            .replace("END:DAYLIGHT", "END:X-NOTHING"),
            O,
            &[(V::OutlookVtimezoneShape, VTZ, None)],
        ),
        case(
            "first and third Monday",
            edit(
                REQUEST_OK,
                MASTER_RRULE,
                "RRULE:FREQ=MONTHLY;BYDAY=1MO,3MO;COUNT=4",
            ),
            O,
            &[(V::OutlookNthWeekdayList, VE, Some("RRULE"))],
        ),
        case(
            "truncated Outlook UID",
            edit_all(
                REQUEST_OK,
                "UID:budget-42@example.com",
                "UID:040000008200e00074c5b7101a82e008000000",
            ),
            O,
            &[
                (V::OutlookUidMalformed, VE, Some("UID")),
                (V::OutlookUidMalformed, VE, Some("UID")),
            ],
        ),
    ];
    // Every case again with CRLF line ends: same findings.
    let crlf: Vec<Case> = cases
        .iter()
        .filter(|c| c.name == "REQUEST without SUMMARY" || c.name == "CANCEL with a TZID")
        .map(|c| Case {
            name: "(CRLF)",
            input: c.input.replace('\n', "\r\n"),
            param: c.param,
            profile: c.profile,
            expect: c.expect.clone(),
        })
        .collect();
    cases.extend(crlf);
    cases
}

// ---------------------------------------------------------------------------
// Valid calendars
// ---------------------------------------------------------------------------

#[test]
fn valid_calendars_have_no_violations_under_both_profiles() {
    for (name, text) in [
        ("REQUEST", REQUEST_OK),
        ("CANCEL", CANCEL_OK),
        ("REPLY", REPLY_OK),
        ("REFRESH", REFRESH_OK),
        ("COUNTER", COUNTER_OK),
        ("DECLINECOUNTER", DECLINECOUNTER_OK),
        ("VTODO REQUEST", TODO_REQUEST_OK),
    ] {
        for profile in [S, O] {
            assert_found(
                &run(text, None, profile),
                &[],
                &format!("{name} {profile:?}"),
            );
        }
    }
}

#[test]
fn publish_and_add_are_valid_but_not_shown_by_outlook() {
    for (name, text) in [("PUBLISH", PUBLISH_OK), ("ADD", ADD_OK)] {
        assert_found(&run(text, None, S), &[], name);
        assert_found(
            &run(text, None, O),
            &[(V::OutlookMethodNotShown, VC, Some("METHOD"))],
            name,
        );
    }
}

#[test]
fn valid_variants_stay_valid() {
    let folded = REQUEST_OK
        .replace("SUMMARY:Budget review\n", "SUMMARY:Budget\n  review\n")
        .replace('\n', "\r\n");
    let lone_instance = without(REQUEST_OK, "BEGIN:VEVENT\nUID", "END:VEVENT\n");
    let valid_goid = format!("040000008200E00074C5B7101A82E008{}", "0".repeat(80));
    let variants: Vec<(&str, String, Option<&str>, Profile)> = vec![
        ("CRLF and folded", folded, None, O),
        ("method=request", REQUEST_OK.to_owned(), Some("request"), O),
        ("empty method=", REQUEST_OK.to_owned(), Some(" "), O),
        ("lone instance", lone_instance, None, O),
        (
            "no CDO under Standard",
            without_lines(REQUEST_OK, "X-MICROSOFT-CDO-"),
            None,
            S,
        ),
        (
            "bare ATTENDEE under Standard",
            edit_all(
                REQUEST_OK,
                "ATTENDEE;CN=Bob;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:",
                "ATTENDEE:",
            ),
            None,
            S,
        ),
        (
            "RDATE master under Standard",
            edit(
                REQUEST_OK,
                MASTER_RRULE,
                "RDATE;TZID=W. Europe Standard Time:20240318T100000",
            ),
            None,
            S,
        ),
        (
            "ORGANIZER differing in case and scheme only",
            edit(
                REQUEST_OK,
                INSTANCE_ORGANIZER,
                "SUMMARY:Budget review (moved)\nORGANIZER:MAILTO:Anna@Example.com",
            ),
            None,
            O,
        ),
        (
            "Outlook GlobalObjectId",
            edit_all(
                REQUEST_OK,
                "UID:budget-42@example.com",
                &format!("UID:{valid_goid}"),
            ),
            None,
            O,
        ),
        (
            "last Friday monthly",
            edit(
                REQUEST_OK,
                MASTER_RRULE,
                "RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=4",
            ),
            None,
            O,
        ),
        (
            "first weekday monthly",
            edit(
                REQUEST_OK,
                MASTER_RRULE,
                "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1;COUNT=4",
            ),
            None,
            O,
        ),
        (
            "weekly on two days",
            edit(
                REQUEST_OK,
                MASTER_RRULE,
                "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4",
            ),
            None,
            O,
        ),
        (
            "two STANDARDs under Standard",
            edit(
                REQUEST_OK,
                "END:STANDARD\n",
                "END:STANDARD\nBEGIN:STANDARD\nDTSTART:19700101T030000\nTZOFFSETFROM:+0200\n\
                 TZOFFSETTO:+0100\nEND:STANDARD\n",
            ),
            None,
            S,
        ),
        (
            "CANCEL of one instance",
            edit(
                CANCEL_OK,
                "SEQUENCE:1\n",
                "SEQUENCE:1\nRECURRENCE-ID:20240318T090000Z\n",
            ),
            None,
            O,
        ),
        (
            "X- properties and an X- component anywhere",
            edit(
                REPLY_OK,
                "END:VEVENT\n",
                "X-FOO;X-P=1:bar\nX-FOO:baz\nBEGIN:X-THING\nX-A:b\nEND:X-THING\nEND:VEVENT\n",
            ),
            None,
            O,
        ),
        (
            "REQUEST without SEQUENCE",
            edit_all(REQUEST_OK, "\nSEQUENCE:0\n", "\n"),
            None,
            O,
        ),
        (
            "same METHOD twice in one part",
            format!("{CANCEL_OK}{CANCEL_OK}"),
            None,
            O,
        ),
    ];
    for (name, text, param, profile) in variants {
        assert_found(&run(&text, param, profile), &[], name);
    }
}

// ---------------------------------------------------------------------------
// Broken calendars
// ---------------------------------------------------------------------------

#[test]
fn each_broken_variant_reports_exactly_its_violations() {
    for c in broken_cases() {
        let found = run(&c.input, c.param, c.profile);
        assert_found(&found, &c.expect, c.name);
    }
}

#[test]
fn every_code_is_produced_by_some_test_input() {
    let mut produced: BTreeSet<&'static str> = BTreeSet::new();
    for c in broken_cases() {
        for v in run(&c.input, c.param, c.profile) {
            produced.insert(v.code.as_str());
        }
    }
    let all: BTreeSet<&'static str> = ViolationCode::ALL.iter().map(|c| c.as_str()).collect();
    let missing: Vec<_> = all.difference(&produced).collect();
    assert!(missing.is_empty(), "codes no test produces: {missing:?}");
    assert_eq!(produced, all);
}

#[test]
fn outlook_codes_only_under_the_outlook_profile() {
    for c in broken_cases() {
        for v in run(&c.input, c.param, S) {
            assert!(!v.code.is_outlook(), "{}: {v}", c.name);
        }
    }
}

#[test]
fn several_problems_come_in_document_order() {
    let text = edit(
        &edit(
            &without_lines(REQUEST_OK, "PRODID:"),
            "STATUS:CONFIRMED",
            "STATUS:CANCELLED",
        ),
        "SUMMARY:Budget review (moved)\n",
        "",
    );
    let text = edit(
        &text,
        "END:VCALENDAR",
        "BEGIN:VJOURNAL\nEND:VJOURNAL\nEND:VCALENDAR",
    );
    let expected = [
        (V::PropertyMissing, VC, Some("PRODID")),
        (V::MethodParamMismatch, VC, Some("METHOD")),
        (V::ValueInvalid, VE, Some("STATUS")),
        (V::PropertyMissing, VE, Some("SUMMARY")),
        (V::ComponentForbidden, "VJOURNAL", None),
    ];
    let first = run(&text, Some("PUBLISH"), O);
    assert_found(&first, &expected, "order");
    assert_eq!(first, run(&text, Some("PUBLISH"), O), "deterministic");
}

#[test]
fn undefined_tzid_is_reported_once_per_zone() {
    let text = without(REQUEST_OK, "BEGIN:VTIMEZONE", "END:VTIMEZONE\n");
    let text = edit(
        &text,
        "RECURRENCE-ID;TZID=W. Europe Standard Time",
        "RECURRENCE-ID;TZID=Pacific",
    );
    assert_found(
        &run(&text, None, S),
        &[
            (V::TimezoneUndefined, VE, Some("DTSTART")),
            (V::TimezoneUndefined, VE, Some("RECURRENCE-ID")),
        ],
        "two zones",
    );
}

#[test]
fn escaped_tzid_matches_its_parameter() {
    let tzid = "Pacific Time (US & Canada), Tijuana";
    let text = edit_all(
        REQUEST_OK,
        "TZID=W. Europe Standard Time",
        &format!("TZID=\"{tzid}\""),
    );
    let text = edit(
        &text,
        "TZID:W. Europe Standard Time",
        "TZID:Pacific Time (US & Canada)\\, Tijuana",
    );
    assert_found(&run(&text, None, O), &[], "escaped TZID");
}

// ---------------------------------------------------------------------------
// Entry points, codes and tables
// ---------------------------------------------------------------------------

#[test]
fn validate_calendar_on_a_built_tree() {
    let (unfolded, _) = unfold(REPLY_OK.as_bytes());
    let parsed = parse(&String::from_utf8(unfolded).unwrap(), 16).unwrap();
    let cal = parsed.roots.first().unwrap();
    assert_eq!(validate_calendar(cal, Some("REPLY"), O), vec![]);
    assert_found(
        &validate_calendar(cal, Some("REQUEST"), S),
        &[(V::MethodParamMismatch, VC, Some("METHOD"))],
        "param",
    );

    let empty = Component::new("VCALENDAR");
    assert_found(
        &validate_calendar(&empty, None, O),
        &[
            (V::MethodMissing, VC, Some("METHOD")),
            (V::PropertyMissing, VC, Some("VERSION")),
            (V::PropertyMissing, VC, Some("PRODID")),
        ],
        "empty VCALENDAR",
    );
    assert_found(
        &validate_calendar(&Component::new("vevent"), None, O),
        &[(V::NotVcalendar, VE, None)],
        "VEVENT root",
    );
    assert_found(
        &validate_roots(&[], None, O),
        &[(V::Unparseable, VC, None)],
        "no roots",
    );
}

#[test]
fn deep_hand_built_tree_is_walked_without_recursion() {
    let (unfolded, _) = unfold(REPLY_OK.as_bytes());
    let mut cal = parse(&String::from_utf8(unfolded).unwrap(), 16)
        .unwrap()
        .roots
        .remove(0);
    let mut leaf = Component::new("X-LEAF");
    leaf.properties
        .push(crate::ical::parse::parse_content_line("X-AT;TZID=Deep:20240101T000000").unwrap());
    for _ in 0..2000 {
        let mut outer = Component::new("X-NEST");
        outer.components.push(leaf);
        leaf = outer;
    }
    cal.components.push(leaf);
    assert_found(
        &validate_calendar(&cal, None, O),
        &[(V::TimezoneUndefined, "X-LEAF", Some("X-AT"))],
        "deep",
    );
}

#[test]
fn roots_with_one_method_are_validated_one_by_one() {
    let broken = edit(CANCEL_OK, "SEQUENCE:1\n", "");
    let text = format!("{CANCEL_OK}{broken}");
    assert_found(
        &run(&text, Some("CANCEL"), O),
        &[(V::SequenceRequired, VE, Some("SEQUENCE"))],
        "second calendar",
    );
}

#[test]
fn display_and_json() {
    let v = Violation::new(V::PropertyMissing, "VEVENT", Some("SUMMARY"), "no SUMMARY");
    assert_eq!(
        v.to_string(),
        "property_missing: VEVENT.SUMMARY: no SUMMARY"
    );
    let w = Violation::new(V::ComponentForbidden, "VTODO", None, "no VTODO here");
    assert_eq!(w.to_string(), "component_forbidden: VTODO: no VTODO here");
    assert_eq!(
        serde_json::to_value(&v).unwrap(),
        serde_json::json!({
            "code": "property_missing",
            "component": "VEVENT",
            "property": "SUMMARY",
            "message": "no SUMMARY",
        })
    );
    assert_eq!(
        serde_json::to_value(&w).unwrap()["property"],
        serde_json::Value::Null
    );
    assert_eq!(
        serde_json::to_string(&V::UidMismatch).unwrap(),
        "\"uid_mismatch\""
    );
}

#[test]
fn codes_are_stable_snake_case_and_unique() {
    let mut seen = BTreeSet::new();
    for &code in ViolationCode::ALL {
        let s = code.as_str();
        assert!(
            !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
            "{s}"
        );
        assert!(seen.insert(s), "duplicate code {s}");
        assert_eq!(code.to_string(), s);
        assert_eq!(code.is_outlook(), s.starts_with("outlook_"), "{s}");
    }
    assert_eq!(ViolationCode::ALL.len(), 27);
    for required in [
        "unparseable",
        "not_vcalendar",
        "method_missing",
        "method_unknown",
        "method_param_mismatch",
        "multiple_methods",
        "component_forbidden",
        "property_missing",
        "property_too_many",
        "property_forbidden",
        "value_invalid",
        "dtend_and_duration",
        "uid_mismatch",
        "organizer_mismatch",
        "timezone_undefined",
        "recurrence_id_without_master",
        "sequence_required",
        "reply_attendee_count",
        "outlook_method_not_shown",
        "outlook_cdo_missing",
        "outlook_attendee_params",
        "outlook_rdate_without_rrule",
        "outlook_tzid_mismatch",
        "outlook_cancel_tzid",
        "outlook_vtimezone_shape",
        "outlook_nth_weekday_list",
        "outlook_uid_malformed",
    ] {
        assert!(seen.contains(required), "{required}");
    }
}

#[test]
fn tables_are_consistent() {
    for m in Method::ALL {
        let r = event_rules(m);
        assert_eq!(r.method, m);
        assert!(r.section.starts_with("3.2."), "{m}");
        let mut names = BTreeSet::new();
        for &(name, _) in r.properties {
            assert_eq!(name, name.to_ascii_uppercase(), "{m} {name}");
            assert!(!name.starts_with("X-"), "{m} {name}");
            assert!(names.insert(name), "{m}: {name} listed twice");
        }
        for always in ["DTSTAMP", "ORGANIZER", "UID"] {
            assert_eq!(r.presence(always), Some(Presence::One), "{m} {always}");
        }
        assert_eq!(
            r.status.is_empty(),
            r.presence("STATUS") == Some(Presence::Zero),
            "{m}"
        );
        assert!(r.status.iter().all(|s| STATUS_EVENT.contains(s)), "{m}");
        assert_eq!(r.forbidden_components, ["VTODO", "VJOURNAL", "VFREEBUSY"]);
        let alarms = matches!(
            m,
            Method::Publish | Method::Request | Method::Add | Method::Counter
        );
        assert_eq!(r.sub_components == ["VALARM"], alarms, "{m}");
        assert_eq!(r.same_uid, m != Method::Publish, "{m}");
        assert_eq!(r.presence("x-anything"), None);
    }
    // The verbatim tables (RFC 5546 3.2.1, 3.2.2, 3.2.5), spot-checked.
    assert_eq!(REQUEST.presence("ATTENDEE"), Some(Presence::OneOrMore));
    assert_eq!(REQUEST.presence("SEQUENCE"), Some(Presence::ZeroOrOne));
    assert_eq!(REQUEST.presence("REQUEST-STATUS"), Some(Presence::Zero));
    assert_eq!(PUBLISH.presence("ATTENDEE"), Some(Presence::Zero));
    assert_eq!(PUBLISH.presence("CONTACT"), Some(Presence::ZeroOrOne));
    assert_eq!(CANCEL.presence("SEQUENCE"), Some(Presence::One));
    assert_eq!(CANCEL.presence("DTSTART"), Some(Presence::ZeroOrOne));
    assert_eq!(CANCEL.status, ["CANCELLED"]);
    assert_eq!(REQUEST.status, ["TENTATIVE", "CONFIRMED"]);
    assert_eq!(Presence::ZeroOrOne.as_str(), "0 or 1");
}

#[test]
fn never_panics_on_truncated_or_hostile_input() {
    let mut inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\0\0\xff\xfe".to_vec(),
        b"BEGIN:VCALENDAR".to_vec(),
        b"END:VCALENDAR\n".to_vec(),
        b"BEGIN:VCALENDAR\nMETHOD\nMETHOD:\nBEGIN:VEVENT\nUID\nDTSTART;TZID\nRRULE:;;;\n\
          SEQUENCE:99999999999999999999999\nDTSTAMP:Z\nDTEND;VALUE=DATE:2024\n\
          RDATE;VALUE=PERIOD:x\nEXDATE:,,\nSTATUS:\nBEGIN:VALARM\nEND:VEVENT\n"
            .to_vec(),
        "BEGIN:VCALENDAR\nMETHOD:REQUEST\nBEGIN:VEVENT\nUID:040000008200E00074C5B7101A82E00\u{e9}x\n\
         ORGANIZER:mailto\u{e9}\nATTENDEE;ROLE;PARTSTAT;RSVP:\nEND:VEVENT\nEND:VCALENDAR\n"
            .as_bytes()
            .to_vec(),
        b"BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nBEGIN:STANDARD\nBEGIN:DAYLIGHT\n".to_vec(),
        "BEGIN:VCALENDAR\n".repeat(20).into_bytes(),
    ];
    for base in [
        REQUEST_OK,
        CANCEL_OK,
        REPLY_OK,
        PUBLISH_OK,
        ADD_OK,
        REFRESH_OK,
        COUNTER_OK,
        DECLINECOUNTER_OK,
        TODO_REQUEST_OK,
    ] {
        let step = if base == REQUEST_OK { 1 } else { 5 };
        let bytes = base.as_bytes();
        for end in (0..bytes.len()).step_by(step) {
            inputs.push(bytes[..end].to_vec());
        }
        // Every line removed in turn.
        let lines: Vec<&str> = base.lines().collect();
        for skip in 0..lines.len() {
            let text: String = lines
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != skip)
                .map(|(_, l)| format!("{l}\n"))
                .collect();
            inputs.push(text.into_bytes());
        }
    }
    for input in &inputs {
        for profile in [S, O] {
            for param in [None, Some("REQUEST"), Some("")] {
                let _ = validate_ics(input, param, profile);
            }
        }
    }
}

#[test]
fn every_table_fits_the_event_counters() {
    for m in Method::ALL {
        let r = event_rules(m);
        assert!(r.properties.len() <= MAX_TABLE_PROPERTIES, "{m}");
        for (i, &(name, _)) in r.properties.iter().enumerate() {
            assert_eq!(name, name.to_ascii_uppercase(), "{m} {name}");
            assert!(!name.starts_with("X-"), "{m} {name}");
            // Counted by the position of its first entry: each name is listed once.
            assert_eq!(r.listed(name).map(|(at, _)| at), Some(i), "{m} {name}");
        }
    }
}

#[test]
fn upper_borrows_when_already_upper_case() {
    assert!(matches!(upper("DTSTART"), Cow::Borrowed("DTSTART")));
    assert_eq!(upper("x-Wr-calname"), "X-WR-CALNAME");
    assert_eq!(upper("dtstart\u{e9}"), "DTSTART\u{e9}");
}

#[test]
fn listed_by_name_agrees_with_the_tables() {
    use crate::itip::names::Name;
    for m in Method::ALL {
        let r = event_rules(m);
        for &(name, _) in r.properties {
            let kind = Name::of_upper(name.as_bytes());
            assert_ne!(kind, Name::Other, "{name}");
            assert_eq!(r.listed_name(kind), r.listed(name), "{m} {name}");
        }
        assert_eq!(r.listed_name(Name::Other), None);
        assert_eq!(r.listed_name(Name::AltDesc), None);
    }
}
