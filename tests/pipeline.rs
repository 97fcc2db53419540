//! Behaviour of `transform` on hand-made messages, one promise per test.

mod common;

use common::{calendar_parts, options};
use imip_bridge::{
    transform, Disposition, ErrorKind, FixCode, Limits, Method, Options, Profile, WarningCode,
};

/// A message with `calendar` as a `text/calendar` attachment (no method parameter).
fn message(headers: &str, calendar: &str) -> Vec<u8> {
    format!(
        "{headers}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n\
         --XX\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nHello.\r\n\
         --XX\r\nContent-Type: text/calendar; name=\"invite.ics\"\r\n\
         Content-Disposition: attachment; filename=\"invite.ics\"\r\n\r\n{calendar}\r\n--XX--\r\n"
    )
    .into_bytes()
}

fn calendar(method: Option<&str>, event: &str) -> String {
    let method = method
        .map(|m| format!("METHOD:{m}\r\n"))
        .unwrap_or_default();
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{method}BEGIN:VEVENT\r\n{event}END:VEVENT\r\nEND:VCALENDAR\r\n")
}

const EVENT: &str = "UID:u1@example.com\r\nDTSTAMP:20040101T000000Z\r\nSEQUENCE:1\r\n\
    ORGANIZER:mailto:anna@example.com\r\nATTENDEE;RSVP=TRUE:mailto:bob@example.com\r\n\
    DTSTART:20040315T140000Z\r\nDTEND:20040315T150000Z\r\nSUMMARY:Budget\r\n";

const FROM_ANNA: &str =
    "From: Anna <anna@example.com>\r\nTo: bob@example.com\r\nSubject: Budget\r\n";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn headers_of(message: &[u8]) -> String {
    let t = text(message);
    t.split("\r\n\r\n").next().unwrap_or("").to_owned()
}

#[test]
fn attachment_calendar_becomes_inline_request() {
    let raw = message(FROM_ANNA, &calendar(None, EVENT));
    let out = transform(&raw, &options()).unwrap();
    assert_eq!(out.disposition, Disposition::Rewritten);
    assert_eq!(out.report.method, Some(Method::Request));
    assert_eq!(
        out.report.message_class,
        Some("IPM.Schedule.Meeting.Request")
    );
    for code in [
        FixCode::MethodInferred,
        FixCode::CalendarInlined,
        FixCode::MimeMethodSet,
    ] {
        assert!(
            out.report.has_fix(code),
            "{code} missing: {:?}",
            out.report.fixes
        );
    }
    let parts = calendar_parts(&out.message);
    assert_eq!(parts.len(), 1);
    assert!(parts[0].0.contains("method=REQUEST"));
    assert!(parts[0].1.contains("\r\nMETHOD:REQUEST\r\n"));
    let h = headers_of(&out.message);
    assert!(h.contains("Content-Class: urn:content-classes:calendarmessage"));
    assert!(h.contains("Thread-Index: A"));
    assert!(h.contains("Content-Type: multipart/alternative;"));
    // The original body text is carried over.
    assert!(text(&out.message).contains("\r\nHello.\r\n"));
}

#[test]
fn reply_without_organizer_takes_the_single_recipient() {
    let event = "UID:u1\r\nDTSTAMP:20040101T000000Z\r\nATTENDEE;PARTSTAT=DECLINED:mailto:bob@example.com\r\n";
    let cal = calendar(Some("REPLY"), event);
    let raw = message(
        "From: Bob <bob@example.com>\r\nTo: Anna <anna@example.com>\r\nSubject: Declined: x\r\n",
        &cal,
    );
    let out = transform(&raw, &options()).unwrap();
    assert_eq!(out.disposition, Disposition::Rewritten);
    assert_eq!(
        out.report.message_class,
        Some("IPM.Schedule.Meeting.Resp.Neg")
    );
    assert!(calendar_parts(&out.message)[0]
        .1
        .contains("ORGANIZER;CN=Anna:mailto:anna@example.com"));

    // Two possible organizers: nothing is guessed.
    let raw = message(
        "From: bob@example.com\r\nTo: anna@example.com, carl@example.com\r\nSubject: x\r\n",
        &cal,
    );
    let out = transform(&raw, &options()).unwrap();
    assert_eq!(out.disposition, Disposition::Unchanged);
    assert_eq!(out.report.reason, Some(WarningCode::OrganizerMissing));
    assert_eq!(out.message, raw);
    assert!(out.report.fixes.is_empty());
    let err = transform(&raw, &options().with_strict(true)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unrepairable);
    assert_eq!(err.code(), "organizer_missing");
}

#[test]
fn method_is_inferred_for_reply_and_cancel() {
    let reply = "UID:u1\r\nDTSTAMP:20040101T000000Z\r\nORGANIZER:mailto:anna@example.com\r\n\
                 ATTENDEE;PARTSTAT=TENTATIVE:mailto:bob@example.com\r\n";
    let raw = message(
        "From: bob@example.com\r\nTo: anna@example.com\r\nSubject: x\r\n",
        &calendar(None, reply),
    );
    let out = transform(&raw, &options()).unwrap();
    assert_eq!(out.report.method, Some(Method::Reply));
    assert_eq!(
        out.report.message_class,
        Some("IPM.Schedule.Meeting.Resp.Tent")
    );

    let cancel = format!("{EVENT}STATUS:CANCELLED\r\n");
    let out = transform(&message(FROM_ANNA, &calendar(None, &cancel)), &options()).unwrap();
    assert_eq!(out.report.method, Some(Method::Cancel));
    assert!(calendar_parts(&out.message)[0].0.contains("method=CANCEL"));
}

#[test]
fn no_attendee_is_not_a_meeting_and_passes_through() {
    let event = "UID:u1\r\nDTSTART:20040315T140000Z\r\nSUMMARY:Holiday\r\n";
    let raw = message(FROM_ANNA, &calendar(None, event));
    let out = transform(&raw, &options()).unwrap();
    assert_eq!(out.disposition, Disposition::Unchanged);
    assert_eq!(out.report.reason, Some(WarningCode::UnsupportedMethod));
    assert_eq!(out.message, raw);
    // A plain message without a calendar is never an error, even under strict.
    let plain = b"From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n";
    let out = transform(plain, &options().with_strict(true)).unwrap();
    assert_eq!(out.report.reason, Some(WarningCode::NoCalendar));
    assert_eq!(out.message, plain);
}

#[test]
fn mime_method_disagreeing_with_method_is_reported_and_corrected() {
    let cal = calendar(Some("cancel"), EVENT);
    let raw = format!(
        "{FROM_ANNA}Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\n{cal}"
    );
    let out = transform(raw.as_bytes(), &options()).unwrap();
    assert!(out.report.has_warning(WarningCode::MethodMismatch));
    assert!(out.report.has_fix(FixCode::MethodUppercased));
    let parts = calendar_parts(&out.message);
    assert!(parts[0].0.contains("method=CANCEL"), "{}", parts[0].0);
    assert!(parts[0].1.contains("METHOD:CANCEL\r\n"));
}

#[test]
fn calendar_text_never_becomes_a_header() {
    // No Subject: it is taken from SUMMARY, which carries an escaped newline and a
    // fake header; the From display name carries quotes for the ORGANIZER CN.
    let event = "UID:u1\r\nATTENDEE:mailto:bob@example.com\r\nDTSTART:20040315T140000Z\r\n\
                 SUMMARY:Hi\\nBcc: victim@example.net\\r\\nX-Evil: 1 =?utf-8?q?=0D=0A?=\r\n";
    let raw = message(
        "From: \"Anna \\\"the boss\\\"\" <anna@example.com>\r\nTo: bob@example.com\r\n",
        &calendar(None, event),
    );
    let out = transform(&raw, &options()).unwrap();
    assert_eq!(out.disposition, Disposition::Rewritten);
    assert!(out.report.has_fix(FixCode::SubjectAdded));
    let h = headers_of(&out.message);
    for line in h.split("\r\n") {
        assert!(
            !line.starts_with("Bcc") && !line.starts_with("X-Evil"),
            "injected: {line}"
        );
        assert!(
            line.starts_with(' ') || line.starts_with('\t') || line.contains(':'),
            "{line:?}"
        );
    }
    let subject = h.lines().find(|l| l.starts_with("Subject:")).unwrap();
    assert!(subject.contains("=?UTF-8?B?"), "{subject}");
    let cal = &calendar_parts(&out.message)[0].1;
    assert!(
        cal.contains("ORGANIZER;CN=Anna ^'the boss^':mailto:anna@example.com"),
        "{cal}"
    );
}

#[test]
fn signed_and_oversized_messages_pass_through() {
    let cal = calendar(None, EVENT);
    let signed = format!(
        "{FROM_ANNA}Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=S\r\n\r\n\
         --S\r\nContent-Type: text/calendar\r\n\r\n{cal}\r\n--S\r\nContent-Type: application/pkcs7-signature\r\n\r\nAAAA\r\n--S--\r\n"
    );
    let out = transform(signed.as_bytes(), &options()).unwrap();
    assert_eq!(out.report.reason, Some(WarningCode::SignedOrEncrypted));
    assert_eq!(out.message, signed.as_bytes());

    let raw = message(FROM_ANNA, &cal);
    let mut limits = Limits::DEFAULT;
    limits.max_message_bytes = 100;
    let out = transform(&raw, &options().with_limits(limits)).unwrap();
    assert_eq!(out.report.reason, Some(WarningCode::LimitExceeded));
    assert_eq!(out.message, raw);
    let err = transform(&raw, &options().with_limits(limits).with_strict(true)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
}

#[test]
fn boundary_inside_a_line_is_not_trusted() {
    // "--XX" appears mid-line: a parser that cuts there would lose text.
    let raw = b"From: anna@example.com\r\nTo: bob@example.com\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\n\
        see --XX\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n--XX--\r\n";
    let out = transform(raw, &options()).unwrap();
    assert_eq!(out.disposition, Disposition::Unchanged);
    // Read as RFC 2046 says (delimiters only at line starts) this message has no
    // calendar part, but a parser that cut at the mid-line boundary would see one: the
    // structure is ambiguous, and said so (whether or not the pre-scan runs).
    assert_eq!(
        out.report.reason,
        Some(WarningCode::SuspectBoundary),
        "{:?}",
        out.report
    );
    assert_eq!(out.message, raw.to_vec());
    let quiet = String::from_utf8_lossy(raw).replace("calendar", "plain");
    let out = transform(quiet.as_bytes(), &options()).unwrap();
    assert_eq!(out.report.reason, Some(WarningCode::SuspectBoundary));

    // With a calendar-looking part name: the same.
    let raw = b"From: anna@example.com\r\nTo: bob@example.com\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain; name=\"a.ics\"\r\n\r\n\
        see --XX\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n--XX--\r\n";
    let out = transform(raw, &options()).unwrap();
    assert_eq!(out.disposition, Disposition::Unchanged);
    assert_eq!(
        out.report.reason,
        Some(WarningCode::SuspectBoundary),
        "{:?}",
        out.report
    );
    assert_eq!(out.message, raw.to_vec());
}

#[test]
fn forwarded_invitation_is_not_this_messages_invitation() {
    let inner = text(&message(FROM_ANNA, &calendar(None, EVENT)));
    let raw = format!(
        "From: carl@example.com\r\nTo: dora@example.com\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=F\r\n\r\n--F\r\nContent-Type: text/plain\r\n\r\nFYI\r\n\
         --F\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n--F--\r\n"
    );
    let out = transform(raw.as_bytes(), &options()).unwrap();
    assert_eq!(out.report.reason, Some(WarningCode::NoCalendar));
}

#[test]
fn fold_splitting_a_utf8_character_and_bare_cr_lines_decode() {
    let cal = "BEGIN:VCALENDAR\rVERSION:2.0\rPRODID:x\rBEGIN:VEVENT\rUID:u\rORGANIZER:mailto:anna@example.com\r\
               ATTENDEE:mailto:bob@example.com\rDTSTART:20040315T140000Z\rSUMMARY:caf\u{00e9} cr\u{00e8}me\r\
               END:VEVENT\rEND:VCALENDAR\r";
    // Split the "é" (C3 A9) with a fold.
    let mut bytes = cal.as_bytes().to_vec();
    let pos = bytes.windows(2).position(|w| w == [0xC3, 0xA9]).unwrap();
    bytes.splice(pos + 1..pos + 1, *b"\r\n ");
    let mut raw = FROM_ANNA.as_bytes().to_vec();
    raw.extend_from_slice(b"Content-Type: text/calendar; charset=utf-8\r\n\r\n");
    raw.extend_from_slice(&bytes);
    let out = transform(&raw, &options()).unwrap();
    assert_eq!(out.disposition, Disposition::Rewritten);
    assert!(!out.report.has_fix(FixCode::CharsetConverted));
    let cal = &calendar_parts(&out.message)[0].1;
    assert!(cal.contains("SUMMARY:café crème\r\n"), "{cal}");
    assert!(!cal.contains('\u{FFFD}'));
}

#[test]
fn standard_profile_adds_no_microsoft_headers() {
    let raw = message(FROM_ANNA, &calendar(None, EVENT));
    let out = transform(&raw, &options().with_profile(Profile::Standard)).unwrap();
    let h = headers_of(&out.message);
    assert!(
        !h.contains("Content-Class") && !h.contains("Thread-Index") && !h.contains("Thread-Topic")
    );
    assert!(h.contains("X-Imip-Bridge: imip-bridge "));
}

#[test]
fn invalid_thread_index_is_replaced_valid_one_kept() {
    let raw = message(
        &format!("{FROM_ANNA}Thread-Index: not base64!\r\n"),
        &calendar(None, EVENT),
    );
    let out = transform(&raw, &options()).unwrap();
    let h = headers_of(&out.message);
    assert!(!h.contains("not base64!"));
    assert_eq!(h.matches("Thread-Index:").count(), 1);
    assert!(out.report.has_fix(FixCode::ThreadIndexAdded));

    let raw = message(
        &format!("{FROM_ANNA}Thread-Index: AcUluFA4WhyT4HstT26MShs9X36aDAC5oZc8\r\n"),
        &calendar(None, EVENT),
    );
    let out = transform(&raw, &options()).unwrap();
    assert!(
        headers_of(&out.message).contains("Thread-Index: AcUluFA4WhyT4HstT26MShs9X36aDAC5oZc8\r\n")
    );
    assert!(!out.report.has_fix(FixCode::ThreadIndexAdded));
}

#[test]
fn attachments_are_carried_over_byte_for_byte_and_control_characters_force_base64() {
    let pdf_part = "Content-Type: application/pdf; name=\"a.pdf\"\r\nContent-Disposition: attachment; filename=\"a.pdf\"\r\n\
                    Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K";
    let event = format!("{EVENT}DESCRIPTION:bell\u{7}here\r\n");
    let raw = format!(
        "{FROM_ANNA}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n\
         --XX\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\n{}\r\n--XX\r\n{pdf_part}\r\n--XX--\r\n",
        calendar(Some("REQUEST"), &event)
    );
    let out = transform(raw.as_bytes(), &options()).unwrap();
    assert_eq!(out.disposition, Disposition::Rewritten);
    let t = text(&out.message);
    assert!(t.contains(pdf_part), "attachment not carried over verbatim");
    assert!(t.contains("Content-Type: multipart/mixed;"));
    let cal_part_start = t.find("Content-Type: text/calendar").unwrap();
    assert!(t[cal_part_start..].starts_with(
        "Content-Type: text/calendar; charset=\"utf-8\"; method=REQUEST\r\nContent-Transfer-Encoding: base64\r\n"
    ));
    assert!(calendar_parts(&out.message)[0]
        .1
        .contains("DESCRIPTION:bell\u{7}here"));
}

#[test]
fn same_input_same_bytes_and_second_pass_is_a_no_op() {
    let raw = message(FROM_ANNA, &calendar(None, EVENT));
    let opts = Options::new().with_now("2030-05-05T05:05:05Z".parse().unwrap());
    let a = transform(&raw, &opts).unwrap();
    let b = transform(&raw, &opts).unwrap();
    assert_eq!(a, b);
    let again = transform(&a.message, &opts).unwrap();
    assert_eq!(again.disposition, Disposition::Unchanged);
    assert_eq!(again.report.reason, Some(WarningCode::AlreadyCanonical));
    assert_eq!(again.message, a.message);
}

#[test]
fn a_second_different_calendar_stays_an_attachment() {
    let other = calendar(
        Some("PUBLISH"),
        "UID:other\r\nDTSTART:20040101T000000Z\r\nSUMMARY:Other\r\n",
    );
    let raw = format!(
        "{FROM_ANNA}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n\
         --XX\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\n{}\r\n\
         --XX\r\nContent-Type: application/ics; name=\"other.ics\"\r\nContent-Disposition: attachment; filename=\"other.ics\"\r\n\r\n{other}\r\n--XX--\r\n",
        calendar(Some("REQUEST"), EVENT)
    );
    let out = transform(raw.as_bytes(), &options()).unwrap();
    assert_eq!(out.disposition, Disposition::Rewritten, "{:?}", out.report);
    assert!(out.report.has_warning(WarningCode::MultipleCalendars));
    assert!(!out.report.has_fix(FixCode::DuplicateCalendarRemoved));
    let t = text(&out.message);
    assert!(t.contains(&format!(
        "Content-Type: application/ics; name=\"other.ics\"\r\nContent-Disposition: attachment; filename=\"other.ics\"\r\n\r\n{other}"
    )));
    // Exactly one inline text/calendar, and a second pass changes nothing.
    assert_eq!(calendar_parts(&out.message).len(), 1);
    assert_eq!(
        transform(&out.message, &options()).unwrap().message,
        out.message
    );
}

#[test]
fn a_message_with_no_text_gets_a_summary_of_the_event() {
    let event =
        format!("{EVENT}LOCATION:Room 4\\, 2nd floor\r\nDESCRIPTION:Line one\\nLine two\r\n");
    let raw = format!(
        "{FROM_ANNA}Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\n{}",
        calendar(None, &event)
    );
    let out = transform(raw.as_bytes(), &options()).unwrap();
    assert!(out.report.has_fix(FixCode::TextBodyGenerated));
    let t = text(&out.message);
    let plain = t
        .split("Content-Type: text/plain; charset=\"utf-8\"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n")
        .nth(1)
        .unwrap();
    assert!(
        plain.starts_with(
            "Meeting request: Budget\r\n\r\nWhen: 2004-03-15 14:00 UTC - 2004-03-15 15:00 UTC\r\n\
         Where: Room 4, 2nd floor\r\nOrganizer: anna@example.com\r\n\r\nLine one\r\nLine two\r\n"
        ),
        "{plain}"
    );
}

#[test]
fn a_missing_charset_on_utf8_text_is_declared_and_reported() {
    let event = format!("{EVENT}LOCATION:Café\r\n");
    let raw = format!(
        "{FROM_ANNA}MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"A\"\r\n\r\n\
         --A\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHi\r\n\
         --A\r\nContent-Type: text/calendar; method=REQUEST\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n--A--\r\n",
        calendar(Some("REQUEST"), &event)
    );
    let out = transform(raw.as_bytes(), &options()).unwrap();
    assert_eq!(out.disposition, Disposition::Rewritten);
    let codes: Vec<_> = out.report.fixes.iter().map(|f| f.code).collect();
    assert!(codes.contains(&FixCode::CharsetDeclared), "{codes:?}");
    assert!(!codes.contains(&FixCode::CharsetConverted));
    assert!(calendar_parts(&out.message)[0]
        .1
        .contains("LOCATION:Café\r\n"));
}

#[test]
fn missing_pieces_are_filled_from_the_message_never_invented() {
    let event = "DTSTART:20090302T150000Z\r\nSUMMARY:Weekly\r\nCLASS:\r\n\
                 DTSTAMP;TZID=America/Chicago:20090301T100000\r\nTZID:America/Chicago\r\n\
                 RRULE:FREQ=WEEKLY;BYDAY=MO, WE\r\nDESCRIPTION:one\\Ntwo \\\\N three\r\n\
                 ATTENDEE;ROLE=CHAIR;CN=Anna:mailto:anna@example.com\r\nATTENDEE:mailto:bob@example.com\r\n";
    let headers = "From: anna@example.com\r\nTo: bob@example.com\r\nSubject: Weekly\r\n\
                   Date: Sun, 01 Mar 2009 10:00:00 -0600\r\nMessage-ID: <abc@example.com>\r\n";
    let raw = message(headers, &calendar(None, event));
    // The standard profile, so that only the iTIP repairs show.
    let standard = options().with_profile(Profile::Standard);
    let out = transform(&raw, &standard).unwrap();
    assert_eq!(out.disposition, Disposition::Rewritten, "{:?}", out.report);
    let cal = &calendar_parts(&out.message)[0].1;
    // DTSTAMP from the Date: header, in UTC.
    assert!(cal.contains("\r\nDTSTAMP:20090301T160000Z\r\n"), "{cal}");
    assert!(!cal.contains("CLASS:"));
    assert!(cal.contains("\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE\r\n"));
    assert!(
        cal.contains("\r\nDESCRIPTION:one\\ntwo \\\\N three\r\n"),
        "{cal}"
    );
    assert!(cal.contains("\r\nX-WR-TIMEZONE:America/Chicago\r\n"));
    assert!(!cal.contains("\r\nTZID:America/Chicago\r\n"));
    // ORGANIZER from the ROLE=CHAIR attendee, CN kept; the attendee line stays.
    assert!(
        cal.contains("\r\nORGANIZER;CN=Anna:mailto:anna@example.com\r\n"),
        "{cal}"
    );
    assert!(cal.contains("\r\nATTENDEE;ROLE=CHAIR;CN=Anna:mailto:anna@example.com\r\n"));
    for code in [
        FixCode::UidGenerated,
        FixCode::DtstampAdded,
        FixCode::EmptyPropertyRemoved,
        FixCode::RecurNormalised,
        FixCode::TextEscapeFixed,
        FixCode::TzidPropertyMoved,
        FixCode::OrganizerAdded,
    ] {
        assert!(out.report.has_fix(code), "{code}: {:?}", out.report.fixes);
    }
    // The generated UID depends on Message-ID, DTSTART and SUMMARY only: the same
    // message resent with another Date and line ends gets the same UID.
    let uid = |m: &[u8]| {
        calendar_parts(m)[0]
            .1
            .lines()
            .find(|l| l.starts_with("UID:"))
            .unwrap()
            .to_owned()
    };
    let resent = message(
        &headers.replace("Sun, 01 Mar 2009 10:00:00", "Mon, 02 Mar 2009 09:00:00"),
        &calendar(None, event),
    );
    let again = transform(&resent, &standard).unwrap();
    assert_eq!(uid(&out.message), uid(&again.message));
    let other = message(
        &headers.replace("<abc@example.com>", "<xyz@example.com>"),
        &calendar(None, event),
    );
    assert_ne!(
        uid(&out.message),
        uid(&transform(&other, &options()).unwrap().message)
    );
}

#[test]
fn tnef_only_meeting_passes_through_with_a_warning() {
    let raw = format!(
        "{FROM_ANNA}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"T\"\r\n\r\n\
         --T\r\nContent-Type: text/plain\r\n\r\nWhen: Monday\r\n\
         --T\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\nContent-Transfer-Encoding: base64\r\n\r\neJ8+IgAA\r\n--T--\r\n"
    );
    let out = transform(raw.as_bytes(), &options().with_strict(true)).unwrap();
    assert_eq!(out.disposition, Disposition::Unchanged);
    assert_eq!(out.report.reason, Some(WarningCode::TnefOnly));
    assert_eq!(out.message, raw.as_bytes());
}

#[test]
fn itip_repairs_for_reply_cancel_and_publish() {
    // REPLY with several attendees: only the sender is kept.
    let reply = "UID:u1\r\nDTSTAMP:20040101T000000Z\r\nORGANIZER:mailto:anna@example.com\r\n\
                 ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\r\n\
                 ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:carl@example.com\r\n\
                 DTSTART:20040315T140000Z\r\nDTEND:20040315T150000Z\r\nDURATION:PT1H\r\n";
    let raw = message(
        "From: bob@example.com\r\nTo: anna@example.com\r\nSubject: Accepted: x\r\n",
        &calendar(Some("REPLY"), reply),
    );
    let out = transform(&raw, &options()).unwrap();
    let cal = &calendar_parts(&out.message)[0].1;
    assert!(out.report.has_fix(FixCode::ReplyAttendeesTrimmed));
    assert!(out.report.has_fix(FixCode::DurationRemoved));
    assert!(!cal.contains("carl@example.com") && cal.contains("mailto:bob@example.com"));
    assert!(!cal.contains("DURATION") && cal.contains("DTEND:20040315T150000Z"));
    // A REPLY is not given Outlook's request properties.
    assert!(!cal.contains("X-MICROSOFT-CDO-BUSYSTATUS"));

    // Whole-event CANCEL without STATUS.
    let out = transform(
        &message(FROM_ANNA, &calendar(Some("CANCEL"), EVENT)),
        &options(),
    )
    .unwrap();
    let cal = &calendar_parts(&out.message)[0].1;
    assert!(out.report.has_fix(FixCode::CancelStatusAdded));
    assert!(cal.contains("\r\nSTATUS:CANCELLED\r\n"));
    assert!(cal.contains("\r\nX-MICROSOFT-CDO-BUSYSTATUS:FREE\r\n"));

    // PUBLISH with an ORGANIZER and RSVP attendees is a request with the wrong METHOD.
    let out = transform(
        &message(FROM_ANNA, &calendar(Some("PUBLISH"), EVENT)),
        &options(),
    )
    .unwrap();
    assert!(out.report.has_fix(FixCode::MethodCorrected));
    assert_eq!(out.report.method, Some(Method::Request));
    assert!(calendar_parts(&out.message)[0].0.contains("method=REQUEST"));
}

#[test]
fn outlook_profile_completes_attendees_and_cdo_properties() {
    let event = "UID:u1\r\nDTSTAMP:20040101T000000Z\r\nSEQUENCE:2\r\nPRIORITY:1\r\n\
                 ORGANIZER;CN=Anna:mailto:anna@example.com\r\n\
                 ATTENDEE;CN=Anna:mailto:anna@example.com\r\nATTENDEE;CN=Bob:mailto:bob@example.com\r\n\
                 DTSTART;VALUE=DATE:20040315\r\nDTEND;VALUE=DATE:20040316\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:x\r\n";
    let out = transform(
        &message(FROM_ANNA, &calendar(Some("REQUEST"), event)),
        &options(),
    )
    .unwrap();
    let cal = &calendar_parts(&out.message)[0].1.replace("\r\n ", "");
    for line in [
        "ATTENDEE;CN=Anna;ROLE=CHAIR;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:anna@example.com",
        "ATTENDEE;CN=Bob;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com",
        "X-MICROSOFT-CDO-APPT-SEQUENCE:2",
        "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
        "X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY",
        "X-MICROSOFT-CDO-ALLDAYEVENT:TRUE",
        "X-MICROSOFT-CDO-IMPORTANCE:2",
        "X-MICROSOFT-CDO-INSTTYPE:1",
        "X-MICROSOFT-DISALLOW-COUNTER:FALSE",
    ] {
        assert!(cal.contains(&format!("\r\n{line}\r\n")), "missing {line}:\n{cal}");
    }
    // The text had no HTML: one is built from it, and X-ALT-DESC carries the same.
    assert!(out.report.has_fix(FixCode::HtmlBodyGenerated));
    assert!(out.report.has_fix(FixCode::AltDescAdded));
    assert!(text(&out.message).contains("Content-Type: text/html; charset=\"utf-8\""));
    assert!(cal.contains("X-ALT-DESC;FMTTYPE=text/html:<html>"));
    // The standard profile adds none of it.
    let std_out = transform(
        &message(FROM_ANNA, &calendar(Some("REQUEST"), event)),
        &options().with_profile(Profile::Standard),
    )
    .unwrap();
    let std_cal = &calendar_parts(&std_out.message)[0].1;
    assert!(!std_cal.contains("X-MICROSOFT") && !std_cal.contains("X-ALT-DESC"));
    assert!(!text(&std_out.message).contains("text/html"));
}

#[test]
fn a_large_attachment_is_carried_over_and_the_calendar_verified() {
    // 1.5 MB of base64: over the size where the output is re-read whole.
    let line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n";
    let blob = line.repeat(20_000);
    let raw = format!(
        "{FROM_ANNA}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n\
         --XX\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\n{}\r\n\
         --XX\r\nContent-Type: application/octet-stream; name=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{blob}\r\n--XX--\r\n",
        calendar(Some("REQUEST"), EVENT)
    );
    let out = transform(raw.as_bytes(), &options()).unwrap();
    assert_eq!(out.disposition, Disposition::Rewritten, "{:?}", out.report);
    assert!(text(&out.message).contains(&blob));
    assert_eq!(calendar_parts(&out.message).len(), 1);
    assert_eq!(
        transform(&out.message, &options()).unwrap().message,
        out.message
    );
}

#[test]
fn a_corrupt_binhex_calendar_alternative_is_carried_as_an_attachment_not_an_alternative() {
    // The sender's alternative holds a BinHex .ics whose CRC is wrong (left alone); the
    // attached calendar is repaired. The output's alternative must show one calendar.
    let cal = calendar(None, EVENT);
    let mut hqx =
        imip_bridge::_internal::binhex::encode("a.ics", *b"TEXT", *b"ENTG", cal.as_bytes());
    // Flip one data character after the banner and the opening colon: a CRC error.
    let at = hqx.find(':').expect("data start") + 30;
    let flipped = if hqx.as_bytes()[at] == b'A' { "B" } else { "A" };
    hqx.replace_range(at..at + 1, flipped);
    let raw = format!(
        "{FROM_ANNA}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n\
         --XX\r\nContent-Type: multipart/alternative; boundary=\"YY\"\r\n\r\n\
         --YY\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nHello.\r\n\
         --YY\r\nContent-Type: text/calendar\r\n\r\n{hqx}\r\n--YY--\r\n\
         --XX\r\nContent-Type: text/calendar; name=\"invite.ics\"\r\n\
         Content-Disposition: attachment; filename=\"invite.ics\"\r\n\r\n{cal}\r\n--XX--\r\n"
    );
    let out = transform(raw.as_bytes(), &options()).unwrap();
    assert_eq!(out.disposition, Disposition::Rewritten, "{:?}", out.report);
    assert!(
        out.report.has_warning(WarningCode::BinhexCorrupt),
        "{:?}",
        out.report
    );
    use mail_parser::MimeHeaders;
    let msg = mail_parser::MessageParser::default()
        .parse(&out.message)
        .unwrap();
    let alt = msg
        .parts
        .iter()
        .find(|p| {
            p.content_type()
                .is_some_and(|c| c.subtype() == Some("alternative"))
        })
        .expect("an alternative");
    let mail_parser::PartType::Multipart(children) = &alt.body else {
        panic!("not a multipart")
    };
    let calendars_in_alt = children
        .iter()
        .filter(|&&c| {
            msg.parts[c as usize]
                .content_type()
                .is_some_and(|ct| ct.subtype() == Some("calendar"))
        })
        .count();
    assert_eq!(calendars_in_alt, 1, "{}", text(&out.message));
    // Nothing lost: the corrupt part's bytes are still in the message.
    let data_line = hqx.lines().nth(2).expect("a data line");
    assert!(text(&out.message).contains(data_line));
}

#[test]
fn a_mac_mailer_below_other_fields_decides_an_undeclared_charset_tie() {
    // 0x9A is a lowercase letter in MacRoman (ö) and in windows-1252 (š): a tie, which
    // the sender's mailer decides. The User-Agent comes after a folded Received field.
    let event = EVENT.replace("SUMMARY:Budget", "SUMMARY:M\u{FFFD}ller");
    let mut raw = message(
        "Received: from a.example.com\r\n\tby b.example.com; Tue, 16 Sep 2003 11:42:09 -0400\r\n\
         User-Agent: Microsoft-Entourage/10.1.4.030702.0\r\nFrom: Anna <anna@example.com>\r\n\
         To: bob@example.com\r\nSubject: Budget\r\n",
        &calendar(None, &event),
    );
    let at = raw
        .windows(3)
        .position(|w| w == "\u{FFFD}".as_bytes())
        .unwrap();
    raw.splice(at..at + 3, [0x9A]);
    let out = transform(&raw, &options()).unwrap();
    let (_, cal) = &calendar_parts(&out.message)[0];
    assert!(cal.contains("SUMMARY:Möller"), "{cal}");
    let fix = out
        .report
        .fixes
        .iter()
        .find(|f| f.code == FixCode::CharsetConverted)
        .unwrap();
    assert!(fix.detail.contains("macintosh"), "{}", fix.detail);
    assert!(fix.detail.contains("Mac mailer"), "{}", fix.detail);

    // Without the mailer the tie goes to windows-1252.
    let plain = text(&raw).replace("User-Agent: Microsoft-Entourage/10.1.4.030702.0\r\n", "");
    let mut raw2 = plain.into_bytes();
    let at = raw2
        .windows(3)
        .position(|w| w == "\u{FFFD}".as_bytes())
        .unwrap();
    raw2.splice(at..at + 3, [0x9A]);
    let out = transform(&raw2, &options()).unwrap();
    let (_, cal) = &calendar_parts(&out.message)[0];
    assert!(cal.contains("SUMMARY:Mšller"), "{cal}");
}
