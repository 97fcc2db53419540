//! The assertions of the fuzz targets, shared with the stable replay test.
//!
//! This file is compiled twice: as `imip_bridge_fuzz::checks` for the fuzz targets in
//! `fuzz/fuzz_targets/`, and into `tests/fuzz_replay.rs` with `#[path]`, so that CI
//! (stable toolchain) replays every corpus and artifact file through exactly the same
//! checks. It may only use `imip_bridge`, `mail_parser` and `chrono` (dependencies of
//! both crates) and `std`.
//!
//! Every target asserts more than "no panic":
//! * `transform`, `transform_alphabet`, `vcal1` ([`check_transform`]): lenient mode
//!   never errors; strict mode agrees with lenient mode; two runs give the same outcome;
//!   an unchanged message comes back byte for byte; a rewritten message is a fixed point
//!   (`transform(out) == out`) and re-parses as MIME in the documented shape (a
//!   multipart/alternative, alone or first in a multipart/mixed, ending in the
//!   `text/calendar` part) with `method=` as in the report; its calendar is UTF-8,
//!   parses, has one VCALENDAR with VERSION:2.0, a VEVENT and that METHOD, is folded
//!   at 75 octets and uses the input's line ends; its header block has no header
//!   name more often than the input had it, apart from the documented added ones;
//!   and `validate` on the written calendar finds exactly the violations the report
//!   lists.
//! * `ical_roundtrip` ([`check_ical_roundtrip`]): unfold, parse, write, unfold, parse
//!   gives an equal tree for CRLF and LF; the writer folds at 75 octets and is a fixed
//!   point; recomposed (changed) properties re-parse to the same name, parameters and
//!   value.
//! * `decoders` ([`check_decoders`]): BinHex, uuencode, AppleSingle/AppleDouble,
//!   quoted-printable and base64 decoders never panic, stay within `max_output` (or
//!   the input size), and the encoders' output decodes back to the input.

use imip_bridge::_internal::{applefile, binhex, header, lex, parse, transfer, uuencode, write};
use imip_bridge::{transform, validate, Disposition, Options, Outcome, WarningCode};
use mail_parser::{MessageParser, MimeHeaders, PartType};

/// The fuzz targets, by name (also the corpus and artifact directory names).
pub const TARGETS: &[&str] = &[
    "transform",
    "transform_alphabet",
    "ical_roundtrip",
    "decoders",
    "vcal1",
];

/// Headers that `transform` may add to the top-level header block (documented).
pub const ADDED_HEADERS: &[&str] = &[
    "Thread-Topic",
    "Thread-Index",
    "Content-Class",
    "X-Imip-Bridge",
    "MIME-Version",
    "Content-Type",
    "Subject",
];

/// Longest physical calendar line, in octets, without the line end (RFC 5545 3.1).
pub const FOLD_AT: usize = 75;

/// Runs the target `name` on `data`. Returns `false` for an unknown target name.
pub fn run_target(name: &str, data: &[u8]) -> bool {
    match name {
        "transform" => check_transform(data),
        "transform_alphabet" => check_transform(&alphabet_to_message(data)),
        "ical_roundtrip" => check_ical_roundtrip(data),
        "decoders" => check_decoders(data),
        "vcal1" => check_transform(&vcs_message(data)),
        _ => return false,
    }
    true
}

/// The options every target uses: default limits and profile, a fixed clock.
pub fn options() -> Options {
    let now = chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default();
    Options::new().with_now(now)
}

// ---------------------------------------------------------------------------
// transform
// ---------------------------------------------------------------------------

/// The promises of `transform` on any input (see the module documentation).
pub fn check_transform(raw: &[u8]) {
    let opts = options();
    let out = match transform(raw, &opts) {
        Ok(out) => out,
        Err(e) => panic!("lenient transform returned an error: {e}"),
    };
    assert!(
        imip_bridge::_internal::prescan_agrees(raw),
        "the structural pre-scan calls a message with a calendar calendar-free"
    );
    let again = transform(raw, &opts).ok();
    assert!(
        again.as_ref() == Some(&out),
        "determinism: a second run on the same input gave a different outcome"
    );
    let strict = transform(raw, &opts.clone().with_strict(true));
    match out.disposition {
        Disposition::Unchanged => {
            assert!(
                out.message == raw,
                "an unchanged message must come back byte for byte"
            );
            let benign = matches!(
                out.report.reason,
                Some(
                    WarningCode::NoCalendar | WarningCode::TnefOnly | WarningCode::AlreadyCanonical
                )
            );
            match &strict {
                Ok(s) => assert!(
                    benign && *s == out,
                    "strict mode passed through a message lenient mode reports as {:?}",
                    out.report.reason
                ),
                Err(e) => assert!(
                    !benign,
                    "strict mode failed ({e}) on a message that is not an error: {:?}",
                    out.report.reason
                ),
            }
        }
        Disposition::Rewritten => {
            assert!(
                strict.as_ref().ok() == Some(&out),
                "strict and lenient mode differ on a rewritten message"
            );
            check_rewritten(raw, &out);
        }
    }
}

fn check_rewritten(raw: &[u8], out: &Outcome) {
    let msg = out.message.as_slice();

    // The output re-parses, and has the documented shape: a multipart/alternative
    // (alone, or first in a multipart/mixed) whose last part is the calendar, with
    // the method of the report.
    let parsed = MessageParser::default()
        .parse(msg)
        .unwrap_or_else(|| panic!("rewritten output does not parse as MIME"));
    let method = out
        .report
        .method
        .unwrap_or_else(|| panic!("a rewritten message has no method in its report"));
    let cal = generated_calendar(&parsed);
    let param = cal
        .content_type()
        .and_then(|ct| ct.attribute("method"))
        .unwrap_or("");
    assert!(
        param == method.as_str(),
        "method={param} on the calendar part but {method} in the report"
    );
    // Idempotence: the output is a fixed point.
    if !(known("qp-soft-break") && has_qp_soft_break(cal.contents())) {
        let second = match transform(msg, &options()) {
            Ok(s) => s,
            Err(e) => panic!("transform(out) returned an error: {e}"),
        };
        let tz = known("tz-second-run")
            && second.report.fixes.iter().any(|f| {
                let code = format!("{:?}", f.code);
                code == "TimezoneRebuilt" || code == "TzidUnified"
            });
        assert!(
            tz || second.message == msg,
            "idempotence: transform(out) != out (second run: {:?}, fixes {:?})",
            second.disposition,
            second.report.fixes
        );
        assert!(
            tz || second.disposition == Disposition::Unchanged,
            "idempotence: transform(out) reports Rewritten"
        );
    }

    let out_block = header_block(msg);
    let eol = header::detect_eol(header_block(raw));
    if known("blank-line-start") && has_kept_blank_line(cal.contents()) {
        // The known finding garbles the tree for every reader: only the folding and
        // the headers can still be checked.
        check_folding(cal.contents(), eol);
        check_header_names(header_block(raw), header_block(msg));
        return;
    }
    check_calendar_body(cal.contents(), eol, method.as_str());
    check_header_names(header_block(raw), out_block);

    // validate: the written calendar has exactly the violations the report lists (a
    // rewritten calendar may keep violations that cannot be repaired without guessing,
    // but the report never claims a cleaner calendar than the output is).
    let violations = validate(cal.contents(), options().profile);
    let first_difference = violations
        .iter()
        .zip(&out.report.violations)
        .find(|(a, b)| a != b)
        .map(|(a, b)| {
            format!("\n  first difference: validate {a:?}\n                    report   {b:?}")
        })
        .unwrap_or_default();
    let codes =
        |v: &[imip_bridge::Violation]| v.iter().map(|v| v.code.as_str()).collect::<Vec<_>>();
    let masked =
        known("depth-limit") && violations.iter().any(|v| v.code.as_str() == "unparseable");
    assert!(
        masked || violations == out.report.violations,
        "validate(output calendar) disagrees with the report:\n  validate: {:?}\n  report:   {:?}{first_difference}",
        codes(&violations),
        codes(&out.report.violations)
    );
}

/// Whether a content line with a QUOTED-PRINTABLE parameter ends in `=` (see `known`).
fn has_qp_soft_break(body: &[u8]) -> bool {
    let (unfolded, _) = lex::unfold(body);
    unfolded.split(|&b| b == b'\n').any(|l| {
        let head = l.iter().position(|&b| b == b':').map_or(l, |i| &l[..i]);
        head.windows(16)
            .any(|w| w.eq_ignore_ascii_case(b"QUOTED-PRINTABLE"))
            && l.trim_ascii_end().ends_with(b"=")
    })
}

/// Whether the calendar has a physical line starting with a blank after a short line:
/// not a fold the writer made (it folds full lines) but a kept malformed line that
/// started with a blank (see `known`).
fn has_kept_blank_line(body: &[u8]) -> bool {
    let lines: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    lines.windows(2).any(|w| {
        let prev = w[0].strip_suffix(b"\r").unwrap_or(w[0]);
        prev.len() < 60 && matches!(w[1].first(), Some(b' ' | b'\t'))
    })
}

fn media_type(p: &mail_parser::MessagePart<'_>) -> String {
    p.content_type().map_or_else(
        || "text/plain".to_owned(),
        |ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")).to_ascii_lowercase(),
    )
}

fn children<'m>(
    msg: &'m mail_parser::Message<'_>,
    p: &'m mail_parser::MessagePart<'_>,
) -> Vec<&'m mail_parser::MessagePart<'m>> {
    match &p.body {
        PartType::Multipart(ids) => ids
            .iter()
            .filter_map(|&i| msg.parts.get(i as usize))
            .collect(),
        _ => Vec::new(),
    }
}

/// The calendar part `transform` wrote: the last part of the top-level
/// multipart/alternative, or of the one that opens the top-level multipart/mixed.
pub fn generated_calendar<'m>(
    msg: &'m mail_parser::Message<'_>,
) -> &'m mail_parser::MessagePart<'m> {
    let root = msg
        .parts
        .first()
        .unwrap_or_else(|| panic!("rewritten output has no MIME parts"));
    let alt = match media_type(root).as_str() {
        "multipart/mixed" => *children(msg, root)
            .first()
            .unwrap_or_else(|| panic!("rewritten output: empty multipart/mixed")),
        _ => root,
    };
    assert!(
        media_type(alt) == "multipart/alternative",
        "rewritten output: {} where multipart/alternative was expected",
        media_type(alt)
    );
    let cal = *children(msg, alt)
        .last()
        .unwrap_or_else(|| panic!("rewritten output: empty multipart/alternative"));
    assert!(
        media_type(cal) == "text/calendar",
        "rewritten output: the last alternative is {}, not text/calendar",
        media_type(cal)
    );
    cal
}

/// The top-level header block as `transform` sees it (without the blank line).
pub fn header_block(msg: &[u8]) -> &[u8] {
    let (end, _) = imip_bridge::_internal::scan::header_end(msg);
    msg.get(..end).unwrap_or_default()
}

/// The calendar of a rewritten message: line ends, folding, and it parses.
pub fn check_calendar_body(body: &[u8], eol: &str, method: &str) {
    check_folding(body, eol);
    let (unfolded, _) = lex::unfold(body);
    let text = std::str::from_utf8(&unfolded)
        .unwrap_or_else(|e| panic!("the output calendar is not UTF-8: {e}"));
    let parsed = parse::parse(text, 64)
        .unwrap_or_else(|e| panic!("the output calendar does not parse: {e}"));
    assert!(
        parsed.roots.len() == 1,
        "the output calendar has {} top-level components",
        parsed.roots.len()
    );
    let root = &parsed.roots[0];
    assert!(
        root.is("VCALENDAR"),
        "the output's top level is {}",
        root.name
    );
    assert!(
        root.components_named("VEVENT").next().is_some(),
        "the output calendar has no VEVENT"
    );
    let m = root
        .property("METHOD")
        .map(|p| p.value().to_owned())
        .unwrap_or_default();
    assert!(
        m == method || (known("method-space") && m.trim() == method),
        "METHOD:{m} in the calendar but method={method} on the part"
    );
    assert!(
        root.property("VERSION").is_some_and(
            |v| v.value() == "2.0" || (known("version-space") && v.value().trim() == "2.0")
        ),
        "the output calendar is not VERSION:2.0"
    );
}

/// Whether the known finding `name` is masked for this process: the environment
/// variable `IMIP_FUZZ_KNOWN` lists reported findings (comma-separated) that a long
/// fuzzing run should step over to look for others. Never set in tests, so the replay
/// test keeps failing on every finding until it is fixed. Known names:
/// `begin-end-fold` (BEGIN:/END: lines longer than 75 octets are written unfolded),
/// `method-space` (`METHOD:REQUEST ` is kept with its blank beside `method=REQUEST`),
/// `blank-line-start` (a kept malformed line that starts with a blank is written at the
/// start of a physical line, where it reads as a fold), `depth-limit` (a converted
/// vCalendar alarm nests one level deeper than `max_component_depth`, so `validate`
/// cannot read the output), `version-space` (`VERSION:2.0 ` is kept with its blank),
/// `qp-soft-break` (a kept QUOTED-PRINTABLE line ending in `=` swallows the next line
/// when the output is read again, so a second run re-adds what it swallowed),
/// `tz-second-run` (a second run rebuilds the VTIMEZONE or unifies TZIDs again).
pub fn known(name: &str) -> bool {
    static KNOWN: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    KNOWN
        .get_or_init(|| {
            std::env::var("IMIP_FUZZ_KNOWN")
                .unwrap_or_default()
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .iter()
        .any(|k| k == name)
}

/// Every physical line at most 75 octets; every line end is `eol` (no bare CR, no LF
/// where CRLF is used, no CRLF where the message uses LF).
pub fn check_folding(body: &[u8], eol: &str) {
    let mut rest = body;
    let mut n = 0;
    while !rest.is_empty() {
        n += 1;
        let (line, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        let had_lf = next.len() < rest.len() - line.len();
        let (content, cr) = match line.strip_suffix(b"\r") {
            Some(c) => (c, true),
            None => (line, false),
        };
        assert!(
            !content.contains(&b'\r'),
            "calendar line {n} contains a bare CR"
        );
        let masked = known("begin-end-fold")
            && [&b"BEGIN:"[..], b"END:"]
                .iter()
                .any(|k| content.len() >= k.len() && content[..k.len()].eq_ignore_ascii_case(k));
        assert!(
            masked || content.len() <= FOLD_AT,
            "calendar line {n} is {} octets long (limit {FOLD_AT}): {:?}...",
            content.len(),
            String::from_utf8_lossy(&content[..content.len().min(40)])
        );
        if had_lf {
            assert!(
                cr == (eol == "\r\n"),
                "calendar line {n} ends in {} but the message uses {}",
                if cr { "CRLF" } else { "LF" },
                if eol == "\r\n" { "CRLF" } else { "LF" }
            );
        } else {
            assert!(!cr, "calendar ends in a bare CR");
        }
        rest = next;
    }
}

/// No header injection: each field name of the output header block occurs at most as
/// often as in the input's; the documented added headers ([`ADDED_HEADERS`]) at most
/// `max(count in input, 1)` times.
pub fn check_header_names(input_block: &[u8], output_block: &[u8]) {
    let count = |block: &[u8]| {
        let mut names: Vec<(String, usize)> = Vec::new();
        for f in header::split_fields(block) {
            let name = f.name.to_ascii_lowercase();
            match names.iter_mut().find(|(n, _)| *n == name) {
                Some((_, c)) => *c += 1,
                None => names.push((name, 1)),
            }
        }
        names
    };
    let before = count(input_block);
    for (name, n) in count(output_block) {
        let had = before
            .iter()
            .find(|(b, _)| *b == name)
            .map_or(0, |(_, c)| *c);
        let added = ADDED_HEADERS.iter().any(|a| a.eq_ignore_ascii_case(&name));
        let allowed = if added { had.max(1) } else { had };
        assert!(
            n <= allowed,
            "header injection: {n} {name:?} field(s) in the output header block, {had} in the input"
        );
    }
}

// ---------------------------------------------------------------------------
// transform_alphabet: bytes -> tokens of MIME and iCalendar
// ---------------------------------------------------------------------------

/// Tokens for the bytes that are not printable ASCII, TAB, CR or LF (which stand for
/// themselves): 0x00-0x08, 0x0B, 0x0C, 0x0E-0x1F, 0x7F and 0x80-0xFF, in that order.
const TOKENS: &[&str] = &[
    // header fields
    "From: Anna <anna@example.com>",
    "To: bob@example.com",
    "Cc: \"Carl, C.\" <carl@example.net>",
    "Subject: ",
    "Date: Mon, 15 Mar 2004 10:00:00 +0000",
    "Message-ID: <m1@example.com>",
    "MIME-Version: 1.0",
    "Content-Type: ",
    "Content-Transfer-Encoding: ",
    "Content-Disposition: ",
    "X-Mailer: Microsoft-Entourage/11.1.0.040913",
    "User-Agent: Mozilla Thunderbird",
    "Thread-Index: AcQKtSk3xL0bFuzNEdiTfQAKlZ0H5g==",
    "Thread-Topic: ",
    "Content-Class: urn:content-classes:calendarmessage",
    "X-Imip-Bridge: ",
    // media types and parameters
    "text/calendar",
    "text/plain",
    "text/html",
    "multipart/mixed",
    "multipart/alternative",
    "multipart/related",
    "multipart/appledouble",
    "application/applefile",
    "application/mac-binhex40",
    "application/octet-stream",
    "application/ics",
    "text/x-vcalendar",
    "application/ms-tnef",
    "multipart/signed",
    "message/rfc822",
    "; boundary=\"XX\"",
    "; boundary=YY",
    "; charset=",
    "utf-8",
    "iso-8859-1",
    "utf-16",
    "windows-1252",
    "; method=",
    "; name=\"invite.ics\"",
    "; filename=\"Meeting.vcs\"",
    "attachment",
    "inline",
    "base64",
    "quoted-printable",
    "7bit",
    "x-uuencode",
    // boundaries and blank lines
    "\r\n--XX\r\n",
    "\r\n--XX--\r\n",
    "\n--YY\n",
    "\n--YY--\n",
    "\r\n\r\n",
    "\n\n",
    "\r\n ",
    "\r\n\t",
    "=\r\n",
    // calendar structure
    "BEGIN:VCALENDAR",
    "END:VCALENDAR",
    "BEGIN:VEVENT",
    "END:VEVENT",
    "BEGIN:VTIMEZONE",
    "END:VTIMEZONE",
    "BEGIN:STANDARD",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "END:DAYLIGHT",
    "BEGIN:VALARM",
    "END:VALARM",
    "BEGIN:VTODO",
    "METHOD:",
    "REQUEST",
    "REPLY",
    "CANCEL",
    "PUBLISH",
    "COUNTER",
    "VERSION:2.0",
    "VERSION:1.0",
    "PRODID:-//Example//EN",
    "UID:",
    "DTSTART",
    "DTEND",
    "DTSTAMP:20040301T000000Z",
    "DURATION:PT1H",
    "SEQUENCE:",
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "ORGANIZER",
    "ATTENDEE",
    ";CN=",
    ";ROLE=CHAIR",
    ";PARTSTAT=ACCEPTED",
    ";RSVP=TRUE",
    ";TZID=",
    ":mailto:anna@example.com",
    ":MAILTO:bob@example.com",
    "RRULE:FREQ=WEEKLY;COUNT=3;BYDAY=MO, TU",
    "RDATE",
    "EXDATE",
    "RECURRENCE-ID",
    "STATUS:CANCELLED",
    "X-ENTOURAGE_UUID:",
    "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
    "X-ALT-DESC;FMTTYPE=text/html:",
    "CLASS:",
    "TRANSP:0",
    "DALARM:",
    "AALARM:",
    "RRULE:W1 TU TH #10",
    ";ENCODING=QUOTED-PRINTABLE",
    ";QUOTED-PRINTABLE",
    ";CHARSET=ISO-8859-1",
    ":20040315T140000Z",
    ":20040315T150000",
    ":20040315",
    "US/Eastern",
    "TZOFFSETFROM:-0500",
    "TZOFFSETTO:-0400",
    // escapes and encodings
    "\\n",
    "\\N",
    "\\,",
    "\\;",
    "\\\\",
    "^n",
    "^^",
    "^'",
    "=?UTF-8?B?w6k=?=",
    "=?iso-8859-1?Q?caf=E9?=",
    "=E9",
    "=0D=0A",
    // wrappers
    "(This file must be converted with BinHex 4.0)",
    "begin 644 invite.ics",
    "end",
    "QkVHSU46VkNBTEVOREFSDQo=",
    "\x00\x05\x16\x00\x00\x02\x00\x00",
    "\x00\x05\x16\x07\x00\x02\x00\x00",
    "\u{feff}",
    // non-ASCII and long runs
    "é",
    "Zürich",
    "日本",
    "\u{1F600}",
    "\u{2028}",
    "\u{85}",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
];

/// Raw bytes that have no token of their own (used for the remaining slots).
const RAW_BYTES: &[u8] = &[0xE9, 0x8E, 0xC3, 0xA9, 0xFE, 0xFF, 0x00, 0x0B, 0x0C, 0x1B];

/// Whether `b` stands for itself in the alphabet.
fn is_literal(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r' | 0x20..=0x7E)
}

/// The bytes that the non-literal byte in slot `slot` stands for.
fn token(slot: usize) -> &'static [u8] {
    match TOKENS.get(slot) {
        Some(t) => t.as_bytes(),
        None => {
            let i = (slot - TOKENS.len()) % RAW_BYTES.len();
            &RAW_BYTES[i..=i]
        }
    }
}

/// The slot of a non-literal byte.
fn slot_of(b: u8) -> usize {
    (0..b).filter(|&x| !is_literal(x)).count()
}

/// Expands `data`: printable ASCII, TAB, CR and LF stand for themselves, every other
/// byte for one token of [`TOKENS`].
pub fn alphabet_to_message(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() * 4);
    for &b in data {
        if is_literal(b) {
            out.push(b);
        } else {
            out.extend_from_slice(token(slot_of(b)));
        }
    }
    out
}

/// The inverse for seeding: a message written with the longest tokens that match
/// (bytes that are neither literal nor a token are dropped).
pub fn message_to_alphabet(msg: &[u8]) -> Vec<u8> {
    let slots: Vec<(u8, &[u8])> = (0..=255u8)
        .filter(|&b| !is_literal(b))
        .map(|b| (b, token(slot_of(b))))
        .filter(|(_, t)| t.len() > 1)
        .collect();
    let mut out = Vec::with_capacity(msg.len());
    let mut i = 0;
    while i < msg.len() {
        let rest = &msg[i..];
        let best = slots
            .iter()
            .filter(|(_, t)| rest.starts_with(t))
            .max_by_key(|(_, t)| t.len());
        match best {
            Some((b, t)) => {
                out.push(*b);
                i += t.len();
            }
            None => {
                if is_literal(rest[0]) {
                    out.push(rest[0]);
                }
                i += 1;
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// vcal1: bytes as a .vcs attachment
// ---------------------------------------------------------------------------

/// A message from Outlook 2000 (Internet Mail Only) with `data` as a base64
/// `text/x-vcalendar` attachment named `Planning.vcs`.
pub fn vcs_message(data: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(data.len() * 4 / 3 + 1024);
    m.extend_from_slice(
        b"From: Henrik Berg <henrik@example.com>\r\n\
To: ana@example.com, bo@example.org\r\n\
Cc: cy@example.net\r\n\
Subject: Planning\r\n\
Date: Tue, 20 Mar 2001 10:00:00 +0100\r\n\
Message-ID: <000801c0b13e$vcs$fuzz@example.com>\r\n\
X-Mailer: Microsoft Outlook IMO, Build 9.0.2416 (9.0.2910.0)\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"----=_NextPart_000_0007_01C0B13E.vcs\"\r\n\
\r\n\
This is a multi-part message in MIME format.\r\n\
\r\n\
------=_NextPart_000_0007_01C0B13E.vcs\r\n\
Content-Type: text/plain; charset=\"iso-8859-1\"\r\n\
Content-Transfer-Encoding: 7bit\r\n\
\r\n\
When: Tuesday, 27 March 2001 10:00-11:00 (GMT+01:00).\r\n\
\r\n\
------=_NextPart_000_0007_01C0B13E.vcs\r\n\
Content-Type: text/x-vcalendar; name=\"Planning.vcs\"\r\n\
Content-Transfer-Encoding: base64\r\n\
Content-Disposition: attachment; filename=\"Planning.vcs\"\r\n\
\r\n",
    );
    m.extend_from_slice(transfer::encode_base64_lines(data, "\r\n").as_bytes());
    m.extend_from_slice(b"\r\n------=_NextPart_000_0007_01C0B13E.vcs--\r\n");
    m
}

// ---------------------------------------------------------------------------
// ical_roundtrip
// ---------------------------------------------------------------------------

/// Content-line parse -> write -> parse gives equal trees (see the module docs).
pub fn check_ical_roundtrip(data: &[u8]) {
    let (unfolded, _) = lex::unfold(data);
    let text = String::from_utf8_lossy(&unfolded);
    let Ok(first) = parse::parse(&text, 16) else {
        return;
    };
    if known("blank-line-start") && first.roots.iter().any(has_blank_opaque_line) {
        return;
    }
    for eol in ["\r\n", "\n"] {
        let written = write::write(&first.roots, eol);
        check_folding(written.as_bytes(), eol);
        let (again, _) = lex::unfold(written.as_bytes());
        let again = std::str::from_utf8(&again)
            .unwrap_or_else(|e| panic!("written calendar unfolds to invalid UTF-8: {e}"));
        let second = parse::parse(again, 16)
            .unwrap_or_else(|e| panic!("written calendar does not parse: {e}"));
        assert!(
            second.roots == first.roots,
            "parse -> write -> parse changed the tree ({eol:?})"
        );
        assert!(
            write::write(&second.roots, eol) == written,
            "the writer is not a fixed point ({eol:?})"
        );
    }

    // Changed properties are composed from their parts: the composed line must read
    // back as the same name, parameter texts and value.
    let mut changed = first.roots.clone();
    for root in &mut changed {
        root.walk_mut(&mut |c| {
            for p in &mut c.properties {
                if !p.name().is_empty() {
                    let v = p.value().to_owned();
                    p.set_value(v);
                }
            }
        });
    }
    let written = write::write(&changed, "\r\n");
    check_folding(written.as_bytes(), "\r\n");
    let (again, _) = lex::unfold(written.as_bytes());
    let again = String::from_utf8_lossy(&again);
    let reread = parse::parse(&again, 16)
        .unwrap_or_else(|e| panic!("composed calendar does not parse: {e}"));
    assert!(
        same_shape(&changed, &reread.roots),
        "a composed content line does not read back as the same property"
    );
}

/// Whether a kept malformed line starts with a blank (see `known`).
fn has_blank_opaque_line(c: &imip_bridge::_internal::model::Component) -> bool {
    c.properties
        .iter()
        .any(|p| p.name().is_empty() && p.content_line().starts_with([' ', '\t']))
        || c.components.iter().any(has_blank_opaque_line)
}

fn same_shape(
    a: &[imip_bridge::_internal::model::Component],
    b: &[imip_bridge::_internal::model::Component],
) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.name == y.name
                && x.properties.len() == y.properties.len()
                && x.properties.iter().zip(&y.properties).all(|(p, q)| {
                    if p.name().is_empty() {
                        return p.content_line() == q.content_line();
                    }
                    p.name() == q.name()
                        && p.value() == q.value()
                        && p.params().len() == q.params().len()
                        && p.params().iter().zip(q.params()).all(|(r, s)| {
                            r.name == s.name
                                && r.values.len() == s.values.len()
                                && r.values
                                    .iter()
                                    .zip(&s.values)
                                    .all(|(u, v)| u.text == v.text)
                        })
                })
                && same_shape(&x.components, &y.components)
        })
}

// ---------------------------------------------------------------------------
// decoders
// ---------------------------------------------------------------------------

/// `data[0]` picks the decoder, `data[1..3]` is `max_output` (big-endian), the rest is
/// the input. Each decoder also round-trips the input through its encoder.
pub fn check_decoders(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let (max, payload) = match rest {
        [hi, lo, payload @ ..] => (usize::from(u16::from_be_bytes([*hi, *lo])), payload),
        _ => (0, &[][..]),
    };
    match which % 5 {
        0 => check_binhex(payload, max),
        1 => check_uuencode(payload, max),
        2 => check_applefile(payload),
        3 => check_quoted_printable(payload),
        _ => check_base64(payload),
    }
}

fn check_binhex(payload: &[u8], max: usize) {
    let _ = binhex::looks_like_binhex(payload);
    if let Ok(f) = binhex::decode(payload, max) {
        assert!(
            f.data.len() + f.resource_len <= max,
            "BinHex decoded {} + {} bytes, max_output {max}",
            f.data.len(),
            f.resource_len
        );
    }
    let text = binhex::encode("Fuzz.ics", *b"TEXT", *b"ENTG", payload);
    assert!(
        binhex::looks_like_binhex(text.as_bytes()),
        "BinHex encoder output not recognised"
    );
    match binhex::decode(text.as_bytes(), payload.len()) {
        Ok(f) => {
            assert!(f.data == payload, "BinHex round trip changed the data");
            assert!(
                f.file_type == *b"TEXT" && f.creator == *b"ENTG",
                "BinHex round trip changed type/creator"
            );
            assert!(f.name == "Fuzz.ics", "BinHex round trip changed the name");
            assert!(
                f.resource_len == 0,
                "BinHex round trip grew a resource fork"
            );
        }
        Err(e) => panic!("BinHex encoder output does not decode: {e}"),
    }
    if !payload.is_empty() {
        assert!(
            binhex::decode(text.as_bytes(), payload.len() - 1).is_err(),
            "BinHex decoded past max_output"
        );
    }
}

fn check_uuencode(payload: &[u8], max: usize) {
    if let Ok(f) = uuencode::decode_block(payload, max) {
        assert!(
            f.data.len() <= max,
            "uudecoded {} bytes, max_output {max}",
            f.data.len()
        );
    }
    let blocks = uuencode::find_blocks(payload, max);
    let mut total = 0usize;
    let mut last_end = 0usize;
    for (range, f) in &blocks {
        assert!(
            range.start >= last_end && range.end <= payload.len() && range.start < range.end,
            "uuencode block ranges out of order or out of bounds: {range:?}"
        );
        last_end = range.end;
        total += f.data.len();
        let again = uuencode::decode_block(&payload[range.clone()], max)
            .unwrap_or_else(|e| panic!("a block find_blocks accepted does not decode: {e}"));
        assert!(
            again.data == f.data,
            "find_blocks and decode_block disagree on a block"
        );
    }
    assert!(
        total <= max,
        "find_blocks decoded {total} bytes, max_output {max}"
    );

    let text = uuencode::encode("fuzz.ics", 0o644, payload);
    let f = uuencode::decode_block(text.as_bytes(), payload.len())
        .unwrap_or_else(|e| panic!("uuencode encoder output does not decode: {e}"));
    assert!(f.data == payload, "uuencode round trip changed the data");
    assert!(
        f.mode == Some(0o644) && f.name == "fuzz.ics",
        "uuencode round trip changed mode/name"
    );
    let found = uuencode::find_blocks(text.as_bytes(), payload.len());
    assert!(
        found.len() == 1 && found[0].1.data == payload,
        "find_blocks does not accept the encoder's output"
    );
    if !payload.is_empty() {
        assert!(
            uuencode::decode_block(text.as_bytes(), payload.len() - 1).is_err(),
            "uudecoded past max_output"
        );
    }
}

fn check_applefile(payload: &[u8]) {
    if let Ok(f) = applefile::parse(payload) {
        if let Some(fork) = &f.data_fork {
            assert!(
                fork.len() <= payload.len(),
                "AppleSingle data fork larger than the input"
            );
        }
    }
    for kind in [applefile::AppleKind::Single, applefile::AppleKind::Double] {
        let built = applefile::build(kind, Some("Fuzz.ics"), Some(payload), *b"TEXT", *b"iCal");
        let f = applefile::parse(&built)
            .unwrap_or_else(|e| panic!("built Apple file does not parse: {e}"));
        assert!(f.kind == kind, "Apple file kind changed");
        assert!(
            f.data_fork.as_deref() == Some(payload),
            "Apple file round trip changed the data fork"
        );
        assert!(
            f.real_name.as_deref() == Some("Fuzz.ics"),
            "Apple file round trip changed the name"
        );
        assert!(
            f.file_type == Some(*b"TEXT") && f.creator == Some(*b"iCal"),
            "Apple file round trip changed type/creator"
        );
    }
}

fn check_quoted_printable(payload: &[u8]) {
    let out = transfer::decode_quoted_printable(payload);
    assert!(
        out.len() <= payload.len(),
        "quoted-printable decoding grew {} bytes to {}",
        payload.len(),
        out.len()
    );
}

fn check_base64(payload: &[u8]) {
    let out = transfer::decode_base64(payload);
    assert!(
        out.len() <= payload.len() * 3 / 4,
        "base64 decoding of {} bytes gave {}",
        payload.len(),
        out.len()
    );
    let enc = transfer::encode_base64(payload);
    assert!(
        transfer::decode_base64(enc.as_bytes()) == payload,
        "base64 round trip changed the data"
    );
    let lines = transfer::encode_base64_lines(payload, "\r\n");
    assert!(
        lines.split("\r\n").all(|l| l.len() <= 76),
        "base64 line longer than 76"
    );
    assert!(
        transfer::decode_base64(lines.as_bytes()) == payload,
        "base64 line round trip changed the data"
    );
}
