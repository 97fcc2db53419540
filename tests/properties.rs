//! Property tests on generated calendars and messages (issue 8, item 3).
//!
//! Generated: display names, SUMMARY, LOCATION, DESCRIPTION, CN and file names built
//! from hostile fragments (CR, LF, `^n` and the other RFC 6868 escapes, every TEXT
//! escape, RFC 2047 encoded words, header lookalikes, non-ASCII, controls); several
//! VEVENTs with attendees and X- properties; attachments with RFC 2231 file names; the
//! calendar as an attachment, a base64 `.ics`, or a single-part body; CRLF or LF.
//!
//! Properties, for both profiles:
//! * determinism: two runs give the same outcome;
//! * idempotence: the output transformed again comes back unchanged, byte for byte;
//! * no loss: every VEVENT (by UID), ATTENDEE address and CN, SUMMARY, DESCRIPTION,
//!   LOCATION, X- property and attachment of the input is in the output, equal after
//!   unfolding and unescaping;
//! * no header injection: the output header block has only well-formed field lines and
//!   no field name that the input lacked, apart from Thread-Topic, Thread-Index,
//!   Content-Class, X-Imip-Bridge, MIME-Version, Content-Type and Subject (each at most
//!   as often as in the input, or once); no bare CR; decoded Subject/Thread-Topic hold
//!   no line break;
//! * valid folding: every calendar line of the output is at most 75 octets and ends in
//!   CRLF exactly when the input message used CRLF;
//! * valid iTIP: `validate` on the written calendar finds exactly the violations in the
//!   report, and none when every VEVENT has attendees.
//!
//! The content-line model itself: parse -> write -> parse of every generated calendar
//! gives an equal tree.
//!
//! 64 cases per property by default; `PROPTEST_CASES=N` overrides it.

use imip_bridge::_internal::{lex, parse, write};
use imip_bridge::{transform, validate, Disposition, Options, Outcome, Profile};
use mail_parser::{MessageParser, MimeHeaders, PartType};
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

fn config() -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 64;
    }
    c
}

fn options(profile: Profile) -> Options {
    let now = "2026-01-01T00:00:00Z".parse().unwrap();
    Options::new().with_now(now).with_profile(profile)
}

/// Headers `transform` may add (documented).
const ADDED: &[&str] = &[
    "thread-topic",
    "thread-index",
    "content-class",
    "x-imip-bridge",
    "mime-version",
    "content-type",
    "subject",
];

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

/// Text made of hostile fragments.
fn nasty_text() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        4 => "[a-zA-Z0-9]{1,10}",
        2 => Just(" ".to_owned()),
        1 => Just("\r\n".to_owned()),
        1 => Just("\n".to_owned()),
        1 => Just("\r".to_owned()),
        1 => Just(",".to_owned()),
        1 => Just(";".to_owned()),
        1 => Just(":".to_owned()),
        1 => Just("\\".to_owned()),
        1 => Just("\\n".to_owned()),
        1 => Just("\"".to_owned()),
        1 => Just("^".to_owned()),
        1 => Just("^n".to_owned()),
        1 => Just("^^".to_owned()),
        1 => Just("^'".to_owned()),
        1 => Just("\t".to_owned()),
        1 => Just("=?UTF-8?B?QmNjOiBldmlsQGV4YW1wbGUubmV0?=".to_owned()),
        1 => Just("=?utf-8?q?a=0D=0AX-Evil:_1?=".to_owned()),
        1 => Just("\r\nBcc: evil@example.net\r\n".to_owned()),
        1 => Just("\nX-Injected: yes\n".to_owned()),
        1 => Just("\r\n\r\n--XX\r\n".to_owned()),
        1 => Just("é".to_owned()),
        1 => Just("Zürich".to_owned()),
        1 => Just("日本語".to_owned()),
        1 => Just("\u{1F4C5}".to_owned()),
        1 => Just("\u{2028}".to_owned()),
        1 => Just("\u{85}".to_owned()),
        1 => Just("\u{7}".to_owned()),
        1 => Just("<&'>".to_owned()),
        1 => "x{60,90}",
    ];
    prop::collection::vec(fragment, 0..10).prop_map(|v| v.concat())
}

#[derive(Debug, Clone)]
struct Attendee {
    address: String,
    mailto: &'static str,
    cn: Option<String>,
    params: Vec<&'static str>,
}

#[derive(Debug, Clone)]
struct XProp {
    name: String,
    value: String,
}

#[derive(Debug, Clone)]
struct Event {
    summary: Option<String>,
    location: Option<String>,
    description: Option<String>,
    upper_n: bool,
    dtstamp: bool,
    attendees: Vec<Attendee>,
    xprops: Vec<XProp>,
}

#[derive(Debug, Clone)]
struct Attachment {
    filename: String,
    media_type: &'static str,
    body: Vec<u8>,
}

#[derive(Debug, Clone)]
struct Msg {
    crlf: bool,
    from_name: Option<String>,
    subject: Option<String>,
    date: bool,
    mac_mailer: bool,
    organizer: bool,
    organizer_cn: Option<String>,
    method: bool,
    /// 0: text/calendar attachment; 1: base64 application/octet-stream `.ics`;
    /// 2: single-part text/calendar body (attachments dropped).
    layout: u8,
    calendar_base64: bool,
    fold: bool,
    events: Vec<Event>,
    attachments: Vec<Attachment>,
}

fn attendee() -> impl Strategy<Value = Attendee> {
    (
        "[a-z]{1,8}(\\.[a-z]{1,5})?",
        prop::sample::select(vec!["mailto:", "MAILTO:", "MailTo:"]),
        prop::option::of(nasty_text()),
        prop::sample::subsequence(
            vec![
                "ROLE=REQ-PARTICIPANT",
                "PARTSTAT=NEEDS-ACTION",
                "RSVP=TRUE",
                "CUTYPE=INDIVIDUAL",
            ],
            0..=4,
        ),
        any::<bool>(),
    )
        .prop_map(|(local, mailto, cn, params, upper)| {
            let mut address = format!("{local}@example.org");
            if upper {
                address = address.to_ascii_uppercase();
            }
            Attendee {
                address,
                mailto,
                cn,
                params,
            }
        })
}

fn xprop() -> impl Strategy<Value = XProp> {
    ("X-P-[A-Z]{1,6}(_[A-Z]{1,3})?", nasty_text()).prop_map(|(name, v)| XProp {
        name,
        value: escape_text(&v, false),
    })
}

fn event() -> impl Strategy<Value = Event> {
    (
        prop::option::of(nasty_text()),
        prop::option::of(nasty_text()),
        prop::option::of(nasty_text()),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(attendee(), 0..4),
        prop::collection::vec(xprop(), 0..3),
    )
        .prop_map(
            |(summary, location, description, upper_n, dtstamp, attendees, xprops)| Event {
                summary,
                location,
                description,
                upper_n,
                dtstamp,
                attendees,
                xprops,
            },
        )
}

fn attachment() -> impl Strategy<Value = Attachment> {
    (
        nasty_text(),
        prop::sample::select(vec![
            "application/pdf",
            "image/png",
            "application/octet-stream",
        ]),
        prop::collection::vec(any::<u8>(), 0..200),
    )
        .prop_map(|(name, media_type, body)| Attachment {
            filename: format!("{name}.pdf"),
            media_type,
            body,
        })
}

fn message() -> impl Strategy<Value = Msg> {
    (
        (
            any::<bool>(),
            prop::option::of(nasty_text()),
            prop::option::of(nasty_text()),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            prop::option::of(nasty_text()),
        ),
        (
            any::<bool>(),
            0u8..3,
            any::<bool>(),
            any::<bool>(),
            prop::collection::vec(event(), 1..4),
            prop::collection::vec(attachment(), 0..3),
        ),
    )
        .prop_map(
            |(
                (crlf, from_name, subject, date, mac_mailer, organizer, organizer_cn),
                (method, layout, calendar_base64, fold, events, attachments),
            )| Msg {
                crlf,
                from_name,
                subject,
                date,
                mac_mailer,
                organizer,
                organizer_cn,
                // Without an ORGANIZER, or without attendees (which makes it a
                // PUBLISH), the method must come from METHOD.
                method: method || !organizer || events.iter().all(|e| e.attendees.is_empty()),
                layout,
                calendar_base64,
                fold,
                events,
                attachments,
            },
        )
}

// ---------------------------------------------------------------------------
// Building the input
// ---------------------------------------------------------------------------

const FROM: &str = "organizer@example.com";

/// RFC 5545 TEXT escaping; line breaks as `\n` (or `\N`).
fn escape_text(s: &str, upper_n: bool) -> String {
    let nl = if upper_n { "\\N" } else { "\\n" };
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str(nl),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str(nl);
            }
            c => out.push(c),
        }
    }
    out
}

fn unescape_text(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(c @ (',' | ';' | '\\')) => out.push(c),
            Some(c) => {
                out.push('\\');
                out.push(c);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// RFC 6868 escaping of a parameter value (always written quoted).
fn escape_param(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '^' => out.push_str("^^"),
            '"' => out.push_str("^'"),
            '\n' => out.push_str("^n"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("^n");
            }
            c => out.push(c),
        }
    }
    out
}

fn unescape_param(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '^' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('^') => out.push('^'),
            Some('n') => out.push('\n'),
            Some('\'') => out.push('"'),
            _ => {
                out.push('^');
                continue;
            }
        }
        chars.next();
    }
    out
}

/// CRLF and lone CR as LF: how a line break reads after a round trip through `\n`.
fn normalise_breaks(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_lines(data: &[u8], eol: &str) -> String {
    let enc = base64(data);
    let mut out = String::new();
    for chunk in enc.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push_str(eol);
    }
    out
}

fn encoded_word(s: &str) -> String {
    format!("=?UTF-8?B?{}?=", base64(s.as_bytes()))
}

/// RFC 2231 `filename*=utf-8''...`.
fn rfc2231(s: &str) -> String {
    let mut out = String::from("utf-8''");
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Folds a content line at 75 octets on character boundaries.
fn fold(line: &str, eol: &str, out: &mut String) {
    let mut rest = line;
    let mut limit = 75;
    while rest.len() > limit {
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str(eol);
        out.push(' ');
        rest = &rest[cut..];
        limit = 74;
    }
    out.push_str(rest);
    out.push_str(eol);
}

/// One UID for the whole calendar (RFC 5546 3.2.2: every VEVENT of a REQUEST shares
/// it); the first VEVENT is a daily series, the others override its occurrences.
const UID: &str = "prop-4f1c-77a0@example.com";

/// The RECURRENCE-ID of VEVENT `i` (none for the series itself).
fn recurrence_id(i: usize) -> Option<String> {
    (i > 0).then(|| format!("202403{:02}T140000Z", 10 + i))
}

fn calendar(m: &Msg) -> String {
    let eol = if m.crlf { "\r\n" } else { "\n" };
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//Property tests//EN".into(),
    ];
    if m.method {
        lines.push("METHOD:REQUEST".into());
    }
    for (i, e) in m.events.iter().enumerate() {
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{UID}"));
        if e.dtstamp {
            lines.push("DTSTAMP:20240101T000000Z".into());
        }
        match recurrence_id(i) {
            None => {
                lines.push("DTSTART:20240310T140000Z".into());
                lines.push("DTEND:20240310T150000Z".into());
                lines.push("RRULE:FREQ=DAILY;COUNT=5".into());
            }
            Some(rid) => {
                lines.push(format!("RECURRENCE-ID:{rid}"));
                lines.push(format!("DTSTART:202403{:02}T160000Z", 10 + i));
                lines.push(format!("DTEND:202403{:02}T170000Z", 10 + i));
            }
        }
        if let Some(s) = &e.summary {
            lines.push(format!("SUMMARY:{}", escape_text(s, e.upper_n)));
        }
        if let Some(s) = &e.location {
            lines.push(format!("LOCATION:{}", escape_text(s, e.upper_n)));
        }
        if let Some(s) = &e.description {
            lines.push(format!("DESCRIPTION:{}", escape_text(s, e.upper_n)));
        }
        if m.organizer {
            match &m.organizer_cn {
                Some(cn) => lines.push(format!(
                    "ORGANIZER;CN=\"{}\":mailto:{FROM}",
                    escape_param(cn)
                )),
                None => lines.push(format!("ORGANIZER:mailto:{FROM}")),
            }
        }
        for a in &e.attendees {
            let mut l = String::from("ATTENDEE");
            for p in &a.params {
                l.push(';');
                l.push_str(p);
            }
            if let Some(cn) = &a.cn {
                l.push_str(&format!(";CN=\"{}\"", escape_param(cn)));
            }
            l.push_str(&format!(":{}{}", a.mailto, a.address));
            lines.push(l);
        }
        for x in &e.xprops {
            lines.push(format!("{}:{}", x.name, x.value));
        }
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for l in lines {
        if m.fold {
            fold(&l, eol, &mut out);
        } else {
            out.push_str(&l);
            out.push_str(eol);
        }
    }
    out
}

fn attachment_part(a: &Attachment, eol: &str) -> String {
    format!(
        "Content-Type: {}{eol}Content-Transfer-Encoding: base64{eol}\
         Content-Disposition: attachment; filename*={}{eol}{eol}{}",
        a.media_type,
        rfc2231(&a.filename),
        base64_lines(&a.body, eol)
    )
}

/// The message bytes, and the attachments' part texts as written.
fn build(m: &Msg) -> (Vec<u8>, Vec<String>) {
    let eol = if m.crlf { "\r\n" } else { "\n" };
    let cal = calendar(m);
    let mut h = String::new();
    match &m.from_name {
        Some(n) => h.push_str(&format!("From: {} <{FROM}>{eol}", encoded_word(n))),
        None => h.push_str(&format!("From: {FROM}{eol}")),
    }
    let to: Vec<String> = m
        .events
        .iter()
        .flat_map(|e| e.attendees.iter().map(|a| a.address.clone()))
        .collect();
    if to.is_empty() {
        h.push_str(&format!("To: someone@example.org{eol}"));
    } else {
        h.push_str(&format!("To: {}{eol}", to.join(", ")));
    }
    if let Some(s) = &m.subject {
        h.push_str(&format!("Subject: {}{eol}", encoded_word(s)));
    }
    if m.date {
        h.push_str(&format!("Date: Mon, 04 Mar 2024 09:00:00 +0000{eol}"));
    }
    h.push_str(&format!(
        "Message-ID: <prop.{}@example.com>{eol}",
        cal.len()
    ));
    if m.mac_mailer {
        h.push_str(&format!("X-Mailer: Microsoft-Entourage/11.4.0.080122{eol}"));
    }
    h.push_str(&format!("MIME-Version: 1.0{eol}"));

    let cal_body = if m.calendar_base64 {
        base64_lines(cal.as_bytes(), eol)
    } else {
        cal.clone()
    };
    let cte = if m.calendar_base64 { "base64" } else { "8bit" };
    let mut parts = Vec::new();
    if m.layout == 2 {
        h.push_str(&format!(
            "Content-Type: text/calendar; charset=\"utf-8\"{eol}Content-Transfer-Encoding: {cte}{eol}{eol}{cal_body}"
        ));
        return (h.into_bytes(), parts);
    }
    let boundary = "=_prop_boundary_7f3a";
    h.push_str(&format!(
        "Content-Type: multipart/mixed; boundary=\"{boundary}\"{eol}{eol}"
    ));
    h.push_str(&format!(
        "--{boundary}{eol}Content-Type: text/plain; charset=us-ascii{eol}{eol}Please come.{eol}"
    ));
    let cal_part = if m.layout == 0 {
        format!(
            "Content-Type: text/calendar; charset=utf-8; name=\"invite.ics\"{eol}\
             Content-Transfer-Encoding: {cte}{eol}\
             Content-Disposition: attachment; filename=\"invite.ics\"{eol}{eol}{cal_body}"
        )
    } else {
        format!(
            "Content-Type: application/octet-stream; name=\"invite.ics\"{eol}\
             Content-Transfer-Encoding: base64{eol}{eol}{}",
            base64_lines(cal.as_bytes(), eol)
        )
    };
    h.push_str(&format!("--{boundary}{eol}{cal_part}"));
    for a in &m.attachments {
        let p = attachment_part(a, eol);
        h.push_str(&format!("--{boundary}{eol}{p}"));
        parts.push(p);
    }
    h.push_str(&format!("--{boundary}--{eol}"));
    (h.into_bytes(), parts)
}

// ---------------------------------------------------------------------------
// Reading the output
// ---------------------------------------------------------------------------

/// The header block (up to the first empty line) as lines without their line ends.
fn header_lines(msg: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    for line in msg.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        lines.push(line);
    }
    lines
}

/// Field names of the header block, lowercased, in order. Fails on a line that is
/// neither a continuation nor `name: value` with a printable ASCII name.
fn header_names(msg: &[u8]) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    for line in header_lines(msg) {
        if matches!(line.first(), Some(b' ' | b'\t')) {
            continue;
        }
        let colon = line.iter().position(|&b| b == b':').ok_or_else(|| {
            format!(
                "header line without a field name: {:?}",
                String::from_utf8_lossy(line)
            )
        })?;
        let name = &line[..colon];
        if name.is_empty() || !name.iter().all(|&b| (0x21..=0x7e).contains(&b)) {
            return Err(format!(
                "malformed header field name: {:?}",
                String::from_utf8_lossy(line)
            ));
        }
        names.push(String::from_utf8_lossy(name).to_ascii_lowercase());
    }
    Ok(names)
}

fn header_block_len(msg: &[u8]) -> usize {
    header_lines(msg)
        .iter()
        .map(|l| l.len() + 2)
        .sum::<usize>()
        .min(msg.len())
}

/// The text of the inline text/calendar part.
fn output_calendar(msg: &[u8]) -> Result<(String, String), String> {
    let parsed = MessageParser::default()
        .parse(msg)
        .ok_or("the output does not parse as MIME")?;
    for p in &parsed.parts {
        if matches!(p.body, PartType::Multipart(_)) {
            continue;
        }
        let Some(ct) = p.content_type() else { continue };
        let cal = ct.ctype().eq_ignore_ascii_case("text")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("calendar"));
        let attachment = p
            .content_disposition()
            .is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"));
        if cal && !attachment {
            let method = ct.attribute("method").unwrap_or("").to_owned();
            return Ok((String::from_utf8_lossy(p.contents()).into_owned(), method));
        }
    }
    Err("no inline text/calendar part in the output".into())
}

// ---------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------

fn run(raw: &[u8], profile: Profile) -> Outcome {
    transform(raw, &options(profile)).expect("lenient transform never errors")
}

fn check_deterministic_and_idempotent(
    raw: &[u8],
    profile: Profile,
) -> Result<Outcome, TestCaseError> {
    let out = run(raw, profile);
    prop_assert_eq!(&run(raw, profile), &out, "determinism");
    prop_assert_eq!(
        out.disposition,
        Disposition::Rewritten,
        "a generated attachment calendar is always repaired: {:?}",
        out.report
    );
    let again = run(&out.message, profile);
    prop_assert_eq!(
        again.disposition,
        Disposition::Unchanged,
        "idempotence: the output was rewritten again: {:?}",
        again.report.fixes
    );
    prop_assert!(
        again.message == out.message,
        "idempotence: transform(out) != out"
    );
    Ok(out)
}

fn check_no_header_injection(
    raw: &[u8],
    out: &[u8],
    summary: Option<&str>,
) -> Result<(), TestCaseError> {
    let before = header_names(raw).map_err(TestCaseError::fail)?;
    let after = header_names(out).map_err(TestCaseError::fail)?;
    for name in &after {
        let had = before.iter().filter(|n| *n == name).count();
        let has = after.iter().filter(|n| *n == name).count();
        let allowed = if ADDED.contains(&name.as_str()) {
            had.max(1)
        } else {
            had
        };
        prop_assert!(
            has <= allowed,
            "header injection: {} {:?} field(s) out, {} in",
            has,
            name,
            had
        );
    }
    let block = &out[..header_block_len(out)];
    for (i, &b) in block.iter().enumerate() {
        if b == b'\r' {
            prop_assert!(
                block.get(i + 1) == Some(&b'\n'),
                "bare CR in the output header block"
            );
        }
    }
    for line in header_lines(out) {
        prop_assert!(line.len() <= 998, "header line longer than 998 octets");
    }
    // Headers made from calendar or header text decode to one line of text.
    for name in ["subject", "thread-topic"] {
        if before.iter().any(|n| n == name) {
            continue; // carried over from the input as it was
        }
        if let Some(v) = header_value(out, name) {
            let text = decode_encoded_words(&v);
            prop_assert!(
                !text.contains(['\r', '\n']),
                "generated {} decodes to text with a line break: {:?}",
                name,
                text
            );
            if name == "subject" {
                if let Some(summary) = summary {
                    prop_assert_eq!(
                        &text,
                        &single_line(summary),
                        "Subject generated from SUMMARY lost text"
                    );
                }
            }
        }
    }
    Ok(())
}

/// The unfolded value of the first field called `name` (lowercase).
fn header_value(msg: &[u8], name: &str) -> Option<String> {
    let mut value: Option<String> = None;
    for line in header_lines(msg) {
        let line = String::from_utf8_lossy(line);
        if line.starts_with([' ', '\t']) {
            if let Some(v) = value.as_mut() {
                v.push_str(&line);
            }
            continue;
        }
        if value.is_some() {
            break;
        }
        if let Some((n, v)) = line.split_once(':') {
            if n.eq_ignore_ascii_case(name) {
                value = Some(v.to_owned());
            }
        }
    }
    value.map(|v| v.trim().to_owned())
}

fn base64_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut n) = (0u32, 0);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        n += 1;
        if n == 4 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            (acc, n) = (0, 0);
        }
    }
    match n {
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => {}
    }
    out
}

/// RFC 2047 decoding of `=?UTF-8?B?...?=` words (what the library writes); white
/// space between two encoded words is dropped, other text kept.
fn decode_encoded_words(v: &str) -> String {
    let mut out = String::new();
    let mut pending_space = String::new();
    let mut last_was_word = false;
    for token in v.split_inclusive([' ', '\t']) {
        let word = token.trim_end_matches([' ', '\t']);
        let trailing = &token[word.len()..];
        let decoded = word
            .strip_prefix("=?")
            .and_then(|w| w.strip_suffix("?="))
            .and_then(|w| {
                let mut it = w.splitn(3, '?');
                let (cs, enc, text) = (it.next()?, it.next()?, it.next()?);
                (cs.eq_ignore_ascii_case("utf-8") && enc.eq_ignore_ascii_case("b"))
                    .then(|| String::from_utf8_lossy(&base64_decode(text)).into_owned())
            });
        match decoded {
            Some(d) => {
                if !last_was_word {
                    out.push_str(&pending_space);
                }
                out.push_str(&d);
                last_was_word = true;
            }
            None => {
                out.push_str(&pending_space);
                out.push_str(word);
                last_was_word = word.is_empty() && last_was_word;
            }
        }
        pending_space = trailing.to_owned();
    }
    out
}

/// Header text from calendar text: line breaks and other controls as spaces, runs
/// of spaces collapsed, trimmed.
fn single_line(s: &str) -> String {
    s.split(|c: char| c == ' ' || c.is_control() || c == '\u{2028}' || c == '\u{2029}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn check_folding(cal: &str, crlf: bool) -> Result<(), TestCaseError> {
    let mut lines: Vec<&str> = cal.split('\n').collect();
    prop_assert_eq!(lines.pop(), Some(""), "the calendar ends with a line end");
    for l in lines {
        let (content, cr) = match l.strip_suffix('\r') {
            Some(c) => (c, true),
            None => (l, false),
        };
        prop_assert!(!content.contains('\r'), "bare CR in the calendar");
        prop_assert_eq!(
            cr,
            crlf,
            "calendar line end differs from the message's: {:?}",
            l
        );
        prop_assert!(
            content.len() <= 75,
            "calendar line of {} octets: {:?}",
            content.len(),
            content
        );
    }
    Ok(())
}

fn address(value: &str) -> String {
    let v = value.trim();
    let v = if v.len() >= 7 && v[..7].eq_ignore_ascii_case("mailto:") {
        &v[7..]
    } else {
        v
    };
    v.to_ascii_lowercase()
}

fn check_no_loss(m: &Msg, parts: &[String], out: &[u8], cal: &str) -> Result<(), TestCaseError> {
    let (unfolded, _) = lex::unfold(cal.as_bytes());
    let text = String::from_utf8(unfolded).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let parsed = parse::parse(&text, 16).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(parsed.roots.len(), 1);
    let root = &parsed.roots[0];
    let events: Vec<_> = root.components_named("VEVENT").collect();
    prop_assert_eq!(events.len(), m.events.len(), "VEVENT count");
    for (i, e) in m.events.iter().enumerate() {
        let rid = recurrence_id(i);
        let uid = format!("{UID} {rid:?}");
        let ev = events.iter().find(|ev| {
            ev.property("UID").is_some_and(|p| p.value() == UID)
                && ev.property("RECURRENCE-ID").map(|p| p.value().to_owned()) == rid
        });
        prop_assert!(ev.is_some(), "VEVENT {} lost", uid);
        let ev = ev.unwrap();
        for (name, want) in [
            ("SUMMARY", &e.summary),
            ("LOCATION", &e.location),
            ("DESCRIPTION", &e.description),
        ] {
            if let Some(want) = want {
                let got = ev.property(name).map(|p| unescape_text(p.value()));
                prop_assert_eq!(
                    got,
                    Some(normalise_breaks(want)),
                    "{} of {} changed",
                    name,
                    uid
                );
            }
        }
        for a in &e.attendees {
            let found = ev
                .properties_named("ATTENDEE")
                .find(|p| address(p.value()) == a.address.to_ascii_lowercase());
            prop_assert!(found.is_some(), "ATTENDEE {} lost from {}", a.address, uid);
            if let Some(cn) = &a.cn {
                // The same address may be listed twice (with and without a CN): some
                // ATTENDEE with this address must carry this CN.
                let want = normalise_breaks(cn);
                let got = ev
                    .properties_named("ATTENDEE")
                    .filter(|p| address(p.value()) == a.address.to_ascii_lowercase())
                    .filter_map(|p| p.param_value("CN").map(unescape_param))
                    .find(|c| *c == want);
                prop_assert_eq!(got, Some(want), "CN of {} changed", a.address);
            }
        }
        for x in &e.xprops {
            let name = x.name.replace('_', "-");
            let got: Vec<&str> = ev.properties_named(&name).map(|p| p.value()).collect();
            prop_assert!(
                got.contains(&x.value.as_str()),
                "{} lost or changed in {}: {:?}",
                x.name,
                uid,
                got
            );
        }
    }
    // Attachments: carried over byte for byte, and still attachments with their data.
    for p in parts {
        prop_assert!(
            out.windows(p.len()).any(|w| w == p.as_bytes()),
            "an attachment part is not in the output byte for byte"
        );
    }
    let parsed = MessageParser::default().parse(out).unwrap();
    let got: Vec<Vec<u8>> = parsed
        .parts
        .iter()
        .filter(|p| {
            p.content_disposition()
                .is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"))
        })
        .map(|p| p.contents().to_vec())
        .collect();
    let want: Vec<Vec<u8>> = if m.layout == 2 {
        Vec::new()
    } else {
        m.attachments.iter().map(|a| a.body.clone()).collect()
    };
    prop_assert_eq!(got, want, "attachment data");
    Ok(())
}

fn check_all(m: &Msg, profile: Profile) -> Result<(), TestCaseError> {
    let (raw, parts) = build(m);
    let out = check_deterministic_and_idempotent(&raw, profile)?;
    // The first VEVENT's SUMMARY, unescaped, is what a generated Subject holds.
    let summary = m
        .events
        .first()
        .and_then(|e| e.summary.as_deref())
        .map(normalise_breaks)
        .filter(|s| !s.trim().is_empty());
    check_no_header_injection(&raw, &out.message, summary.as_deref())?;
    let (cal, method) = output_calendar(&out.message).map_err(TestCaseError::fail)?;
    prop_assert_eq!(method, "REQUEST");
    check_folding(&cal, m.crlf)?;
    check_no_loss(m, &parts, &out.message, &cal)?;
    check_valid(m, &cal, &out, profile)?;
    Ok(())
}

/// `validate` on the written calendar finds what the report says, and nothing at all
/// when every VEVENT is a complete REQUEST (it has attendees).
fn check_valid(m: &Msg, cal: &str, out: &Outcome, profile: Profile) -> Result<(), TestCaseError> {
    let violations = validate(cal.as_bytes(), profile);
    let codes =
        |v: &[imip_bridge::Violation]| v.iter().map(|v| v.code.as_str()).collect::<Vec<_>>();
    prop_assert_eq!(
        codes(&violations),
        codes(&out.report.violations),
        "validate disagrees with the report"
    );
    prop_assert!(
        violations == out.report.violations,
        "validate disagrees with the report"
    );
    if m.events.iter().all(|e| !e.attendees.is_empty()) {
        prop_assert!(
            violations.is_empty(),
            "a complete REQUEST does not validate: {:?}",
            violations
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// All the promises, Outlook profile.
    #[test]
    fn outlook_profile_promises(m in message()) {
        check_all(&m, Profile::Outlook)?;
    }

    /// All the promises, standard profile.
    #[test]
    fn standard_profile_promises(m in message()) {
        check_all(&m, Profile::Standard)?;
    }

    /// Hostile text in SUMMARY with no Subject header: the Subject and Thread-Topic
    /// built from it stay single header fields.
    #[test]
    fn summary_never_becomes_a_header(summary in nasty_text(), crlf in any::<bool>()) {
        check_all(&summary_message(&format!("Review{summary}"), None, crlf), Profile::Outlook)?;
        check_all(&summary_message("Review", Some(&summary), crlf), Profile::Outlook)?;
    }

    /// Hostile display name and no ORGANIZER: the organizer taken from From is written
    /// as a valid, folded content line.
    #[test]
    fn from_name_becomes_a_safe_organizer(name in nasty_text(), crlf in any::<bool>()) {
        let m = Msg {
            crlf,
            from_name: Some(format!("Anna{name}")),
            subject: Some("Budget".into()),
            date: false,
            mac_mailer: true,
            organizer: false,
            organizer_cn: None,
            method: true,
            layout: 0,
            calendar_base64: true,
            fold: false,
            events: vec![Event {
                summary: Some("Budget".into()),
                location: Some(name),
                description: None,
                upper_n: true,
                dtstamp: false,
                attendees: Vec::new(),
                xprops: Vec::new(),
            }],
            attachments: Vec::new(),
        };
        check_all(&m, Profile::Outlook)?;
    }

    /// The content-line model: parse -> write -> parse gives an equal tree, for both
    /// line ends, and the writer folds at 75 octets.
    #[test]
    fn calendar_model_round_trips(m in message()) {
        let cal = calendar(&m);
        let (unfolded, _) = lex::unfold(cal.as_bytes());
        let text = String::from_utf8(unfolded).unwrap();
        let first = parse::parse(&text, 16).unwrap();
        for eol in ["\r\n", "\n"] {
            let written = write::write(&first.roots, eol);
            check_folding(&written, eol == "\r\n")?;
            let (again, _) = lex::unfold(written.as_bytes());
            let second = parse::parse(std::str::from_utf8(&again).unwrap(), 16).unwrap();
            prop_assert!(second.roots == first.roots, "parse -> write -> parse changed the tree");
        }
    }
}

/// A REQUEST with one VEVENT whose SUMMARY is `summary`, and the given Subject.
fn summary_message(summary: &str, subject: Option<&str>, crlf: bool) -> Msg {
    Msg {
        crlf,
        from_name: None,
        subject: subject.map(str::to_owned),
        date: true,
        mac_mailer: false,
        organizer: true,
        organizer_cn: None,
        method: true,
        layout: 0,
        calendar_base64: false,
        fold: true,
        events: vec![Event {
            summary: Some(summary.to_owned()),
            location: None,
            description: None,
            upper_n: false,
            dtstamp: true,
            attendees: Vec::new(),
            xprops: Vec::new(),
        }],
        attachments: Vec::new(),
    }
}

/// Fixed header-injection attempts through SUMMARY (which becomes Subject and
/// Thread-Topic), checked on every run whatever proptest draws.
#[test]
fn known_injection_attempts() {
    let attempts = [
        "Review\r\nBcc: evil@example.net",
        "Review\nBcc: evil@example.net",
        "Review\rBcc: evil@example.net",
        "Review\r\n Bcc: folded@example.net",
        "Review\u{85}Bcc: nel@example.net",
        "Review\u{2028}Bcc: ls@example.net",
        "=?UTF-8?B?UmV2aWV3DQpCY2M6IGV2aWxAZXhhbXBsZS5uZXQ=?=",
        "Review^nBcc: caret@example.net",
        "Review\r\n\r\n--boundary\r\nContent-Type: text/html",
    ];
    for summary in attempts {
        for crlf in [true, false] {
            for profile in [Profile::Outlook, Profile::Standard] {
                if let Err(e) = check_all(&summary_message(summary, None, crlf), profile) {
                    panic!("SUMMARY {summary:?} (crlf {crlf}, {profile:?}): {e}");
                }
            }
        }
    }
}
