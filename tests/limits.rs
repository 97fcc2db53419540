//! One test per limit in `Limits`: a message over the limit passes through unchanged
//! with `limit_exceeded` (and is an `ErrorKind::Limit` error under `strict`), and a
//! message just under it is repaired.

mod common;

use common::options;
use imip_bridge::{transform, Disposition, ErrorKind, Limits, WarningCode};

fn invitation(extra_event_lines: &str) -> Vec<u8> {
    format!(
        "From: anna@example.com\r\nTo: bob@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\n\
         BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:u\r\n\
         DTSTAMP:20040101T000000Z\r\nDTSTART:20040101T100000Z\r\nORGANIZER:mailto:anna@example.com\r\n\
         ATTENDEE:mailto:bob@example.com\r\n{extra_event_lines}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    .into_bytes()
}

/// Asserts: over the limit -> unchanged + limit_exceeded (and a Limit error under
/// strict); under it -> rewritten.
fn check_limit(name: &str, raw: &[u8], over: Limits, under: Limits) {
    let out = transform(raw, &options().with_limits(over)).unwrap();
    assert_eq!(
        out.disposition,
        Disposition::Unchanged,
        "{name}: {:?}",
        out.report
    );
    assert_eq!(
        out.report.reason,
        Some(WarningCode::LimitExceeded),
        "{name}: {:?}",
        out.report
    );
    assert_eq!(out.message, raw, "{name}: not byte for byte");
    let err = transform(raw, &options().with_limits(over).with_strict(true)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit, "{name}");
    let ok = transform(raw, &options().with_limits(under)).unwrap();
    assert_eq!(
        ok.disposition,
        Disposition::Rewritten,
        "{name}: {:?}",
        ok.report
    );
}

fn limits(f: impl Fn(&mut Limits)) -> Limits {
    let mut l = Limits::DEFAULT;
    f(&mut l);
    l
}

#[test]
fn message_size() {
    let raw = invitation("");
    let n = raw.len();
    check_limit(
        "message",
        &raw,
        limits(|l| l.max_message_bytes = n - 1),
        limits(|l| l.max_message_bytes = n),
    );
}

#[test]
fn calendar_size() {
    let raw = invitation("DESCRIPTION:0123456789\r\n");
    check_limit(
        "calendar",
        &raw,
        limits(|l| l.max_calendar_bytes = 100),
        limits(|l| l.max_calendar_bytes = 1000),
    );
}

#[test]
fn components_properties_depth_line_and_attendees() {
    let alarms =
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nDESCRIPTION:x\r\nEND:VALARM\r\n"
            .repeat(5);
    let raw = invitation(&alarms);
    check_limit(
        "components",
        &raw,
        limits(|l| l.max_components = 5),
        limits(|l| l.max_components = 7),
    );
    let raw = invitation(&"X-P:1\r\n".repeat(20));
    check_limit(
        "properties",
        &raw,
        limits(|l| l.max_properties = 20),
        limits(|l| l.max_properties = 40),
    );
    let raw = invitation(
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nDESCRIPTION:x\r\nEND:VALARM\r\n",
    );
    check_limit(
        "depth",
        &raw,
        limits(|l| l.max_component_depth = 2),
        limits(|l| l.max_component_depth = 3),
    );
    let raw = invitation(&format!("DESCRIPTION:{}\r\n", "a".repeat(5000)));
    check_limit(
        "line",
        &raw,
        limits(|l| l.max_line_bytes = 4000),
        limits(|l| l.max_line_bytes = 6000),
    );
    let raw = invitation(&"ATTENDEE:mailto:x@example.com\r\n".repeat(30));
    check_limit(
        "attendees",
        &raw,
        limits(|l| l.max_attendees = 30),
        limits(|l| l.max_attendees = 31),
    );
}

#[test]
fn parts_and_mime_depth() {
    let cal = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:u\r\n\
               DTSTART:20040101T100000Z\r\nORGANIZER:mailto:anna@example.com\r\nATTENDEE:mailto:bob@example.com\r\n\
               END:VEVENT\r\nEND:VCALENDAR\r\n";
    // 30 small attachments plus the calendar.
    let mut body = String::new();
    for i in 0..30 {
        body.push_str(&format!("--B\r\nContent-Type: text/plain; name=\"{i}.txt\"\r\nContent-Disposition: attachment\r\n\r\n{i}\r\n"));
    }
    let raw = format!(
        "From: anna@example.com\r\nTo: bob@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=B\r\n\r\n{body}--B\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\n{cal}\r\n--B--\r\n"
    );
    check_limit(
        "parts",
        raw.as_bytes(),
        limits(|l| l.max_parts = 20),
        limits(|l| l.max_parts = 100),
    );

    // The calendar nested five multiparts deep.
    let mut nested = format!("Content-Type: text/calendar; method=REQUEST\r\n\r\n{cal}");
    for d in 0..5 {
        nested = format!("Content-Type: multipart/mixed; boundary=N{d}\r\n\r\n--N{d}\r\n{nested}\r\n--N{d}--\r\n");
    }
    let raw = format!("From: anna@example.com\r\nTo: bob@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n{nested}");
    check_limit(
        "mime depth",
        raw.as_bytes(),
        limits(|l| l.max_mime_depth = 3),
        limits(|l| l.max_mime_depth = 10),
    );
}

#[test]
fn deep_nesting_is_refused_even_without_limits() {
    let cal = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:u\r\n\
               DTSTART:20040101T100000Z\r\nORGANIZER:mailto:anna@example.com\r\nATTENDEE:mailto:bob@example.com\r\n\
               END:VEVENT\r\nEND:VCALENDAR\r\n";
    let mut nested = format!("Content-Type: text/calendar; method=REQUEST\r\n\r\n{cal}");
    for d in 0..600 {
        nested = format!("Content-Type: multipart/mixed; boundary=N{d}\r\n\r\n--N{d}\r\n{nested}\r\n--N{d}--\r\n");
    }
    let raw = format!("From: anna@example.com\r\nTo: bob@example.com\r\nSubject: x\r\n{nested}");
    let opts = options().with_limits(Limits::UNLIMITED);
    let out = transform(raw.as_bytes(), &opts).unwrap();
    assert_eq!(out.disposition, Disposition::Unchanged);
    assert_eq!(out.report.reason, Some(WarningCode::LimitExceeded));
    assert_eq!(out.message, raw.as_bytes());
}

#[test]
fn decoded_size_stops_a_binhex_bomb() {
    // A BinHex .ics whose data fork is 200 KB of one byte: a few KB encoded.
    let mut data = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:u\r\n\
        DTSTART:20040101T100000Z\r\nORGANIZER:mailto:anna@example.com\r\nATTENDEE:mailto:bob@example.com\r\nX-PAD:"
        .to_vec();
    data.extend(std::iter::repeat_n(b'a', 200_000));
    data.extend_from_slice(b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
    let hqx = imip_bridge::_internal::binhex::encode("bomb.ics", *b"TEXT", *b"ENTG", &data);
    assert!(
        hqx.len() < 20_000,
        "run-length encoding should make it small: {}",
        hqx.len()
    );
    let raw = format!(
        "From: anna@example.com\r\nTo: bob@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n\
         --B\r\nContent-Type: application/mac-binhex40; name=\"bomb.ics\"\r\n\r\n{hqx}\r\n--B--\r\n"
    );
    check_limit(
        "decoded",
        raw.as_bytes(),
        limits(|l| l.max_decoded_bytes = 100_000),
        limits(|l| l.max_decoded_bytes = 1_000_000),
    );
}
