//! Assembles the output message: the original top-level headers minus the ones that
//! described the old body, the Outlook headers, and a new body
//! `multipart/alternative { text/plain, [other alternatives], [text/html],
//! text/calendar }`, wrapped in `multipart/mixed` with the original attachments when
//! there are any. Parts that are carried over are copied byte for byte from the input.
//! Nothing from the calendar reaches a header without sanitising and RFC 2047 encoding.

use crate::hash::{hex, StableHasher};
use crate::ical::value::{parse_date_or_date_time, unescape_text, DateTimeValue};
use crate::ical::Component;
use crate::itip::text::concat;
use crate::mime::encoded_word::encode_header_value;
use crate::mime::header::{split_fields, RawField};
use crate::mime::transfer::encode_base64_lines;
use crate::mime::Mail;
use crate::options::Profile;
use crate::outlook::thread_index::{is_valid_thread_index, strip_subject_prefixes, thread_index};
use crate::report::{FixCode, Method, Report};
use chrono::{DateTime, Datelike, NaiveDateTime, Timelike, Utc};
use std::borrow::Cow;
use std::fmt::Write as _;

/// Top-level headers that describe the old body and are replaced.
const REPLACED_HEADERS: &[&str] = &[
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Content-Disposition",
    "Content-Description",
    "Content-ID",
    "Content-MD5",
    "Content-Length",
    "X-Imip-Bridge",
];

/// The trace header's value.
pub const TRACE: &str = concat!("imip-bridge ", env!("CARGO_PKG_VERSION"));

/// Everything the emitter needs besides the input message.
pub struct Plan<'a> {
    /// The repaired calendar, already written (with the message's line ends).
    pub calendar: &'a str,
    /// The first VEVENT's SUMMARY, unescaped, when it is not blank (for a missing
    /// `Subject:` and Thread-Topic).
    pub summary: Option<String>,
    /// The text body to write when the message has none ([`summary_text`] of the
    /// repaired calendar).
    pub summary_text: Option<String>,
    /// The method.
    pub method: Method,
    /// Output profile.
    pub profile: Profile,
    /// Time for Thread-Index when the message has no Date.
    pub now: DateTime<Utc>,
    /// Seed for generated identifiers.
    pub seed: [u8; 16],
    /// A generated `text/html` alternative (Outlook profile, no HTML from the sender).
    pub html_alt: Option<&'a str>,
}

/// A body part to write: either input bytes or generated text.
enum Part<'a> {
    Raw(&'a [u8]),
    Generated {
        headers: String,
        body: Cow<'a, [u8]>,
    },
}

impl Part<'_> {
    /// Whether the part's bytes contain what `needle` looks for.
    fn bytes_contain(&self, needle: &memchr::memmem::Finder<'_>) -> bool {
        let hay: &[u8] = match self {
            Part::Raw(b) => b,
            Part::Generated { body, .. } => body,
        };
        needle.find(hay).is_some()
    }

    /// How many bytes [`write_part`] writes for this part, without the line end after it.
    fn len(&self) -> usize {
        match self {
            Part::Raw(b) => b.len(),
            Part::Generated { headers, body } => headers.len() + 2 + body.len(),
        }
    }
}

/// The output message, and where its carried-over attachments begin.
pub struct Emitted {
    /// The whole message.
    pub bytes: Vec<u8>,
    /// When there are attachments: the offset of the delimiter line before the first
    /// one, and the multipart/mixed boundary. Everything before it was generated (or
    /// is the sender's text and HTML); everything after it is copied verbatim.
    pub attachments_at: Option<(usize, String)>,
}

/// The first VEVENT's SUMMARY, unescaped, when it is not blank: [`Plan::summary`].
pub fn event_summary(cal: &Component) -> Option<String> {
    cal.components_named("VEVENT")
        .next()
        .and_then(|e| e.property("SUMMARY"))
        .map(|p| unescape_text(p.value()))
        .filter(|s| !s.trim().is_empty())
}

/// Builds the output message.
pub fn emit(mail: &Mail<'_>, plan: &Plan<'_>, report: &mut Report) -> Emitted {
    let eol = mail.eol;
    let fields = split_fields(mail.header_block);
    let summary = plan.summary.clone();
    let outlook = plan.profile == Profile::Outlook;

    // Field names are compared here rather than with `RawField::is`, which is not
    // inlined: every field is checked against every replaced name.
    let is = |f: &RawField<'_>, name: &str| f.name.eq_ignore_ascii_case(name);
    let index_ok = fields
        .iter()
        .find(|f| is(f, "Thread-Index"))
        .is_some_and(|f| is_valid_thread_index(&f.value()));
    // Sized for what is known now: the header, the parts carried over and the calendar
    // (as base64 when it needs it). The input's own calendar part is not carried, so
    // `mail.raw.len()` would count it twice.
    let carried: usize = mail
        .text
        .iter()
        .chain(&mail.html)
        .chain(&mail.other_alternatives)
        .chain(&mail.attachments)
        .map(|r| r.len())
        .sum();
    let calendar_out = if needs_base64(plan.calendar.as_bytes()) {
        plan.calendar.len() / 3 * 4 + plan.calendar.len() / 38 + 8
    } else {
        plan.calendar.len()
    };
    let mut out: Vec<u8> =
        Vec::with_capacity(mail.header_block.len() + carried + calendar_out + 4096);
    for f in &fields {
        let replaced = REPLACED_HEADERS.iter().any(|n| is(f, n))
            || (outlook && is(f, "Content-Class"))
            || (outlook && !index_ok && is(f, "Thread-Index"));
        if replaced {
            continue;
        }
        out.extend_from_slice(f.bytes);
        if !f.bytes.ends_with(b"\n") {
            out.extend_from_slice(eol.as_bytes());
        }
    }
    let has = |name: &str| fields.iter().any(|f| is(f, name));
    let subject = mail.subject.clone().or_else(|| summary.clone());
    if !has("Subject") {
        if let Some(s) = &summary {
            header(&mut out, "Subject", &encode_header_value(7, s, eol), eol);
            report.fix(FixCode::SubjectAdded, "Subject: taken from SUMMARY");
        }
    }
    if outlook {
        if !has("Thread-Topic") {
            if let Some(s) = &subject {
                let topic = strip_subject_prefixes(s);
                header(
                    &mut out,
                    "Thread-Topic",
                    &encode_header_value(12, topic, eol),
                    eol,
                );
                report.fix(FixCode::ThreadTopicAdded, "Thread-Topic: from the subject");
            }
        }
        if !index_ok {
            let time = mail
                .date
                .and_then(|t| DateTime::<Utc>::from_timestamp(t, 0))
                .unwrap_or(plan.now);
            let mut h = StableHasher::new();
            h.write(&plan.seed);
            h.write(b"thread-index");
            let value = thread_index(time, h.finish128());
            header(&mut out, "Thread-Index", &value, eol);
            report.fix(
                FixCode::ThreadIndexAdded,
                concat(&["Thread-Index: ", &value]),
            );
        }
        header(
            &mut out,
            "Content-Class",
            "urn:content-classes:calendarmessage",
            eol,
        );
        let had = fields.iter().any(|f| {
            is(f, "Content-Class")
                && f.value()
                    .eq_ignore_ascii_case("urn:content-classes:calendarmessage")
        });
        if !had {
            report.fix(
                FixCode::ContentClassAdded,
                "Content-Class: urn:content-classes:calendarmessage",
            );
        }
    }
    header(&mut out, "X-Imip-Bridge", TRACE, eol);
    header(&mut out, "MIME-Version", "1.0", eol);

    // The alternative's parts, in increasing order of preference.
    let mut alternatives: Vec<Part<'_>> = Vec::new();
    match (&mail.text_override, &mail.text) {
        (Some(text), _) => {
            let text = normalise_eol(text, eol);
            alternatives.push(text_part(
                "text/plain; charset=\"utf-8\"",
                Cow::Owned(text),
                eol,
            ));
        }
        (None, Some(r)) => {
            alternatives.push(Part::Raw(mail.raw.get(r.clone()).unwrap_or_default()))
        }
        (None, None) => {
            let text = plan.summary_text.clone().unwrap_or_default();
            alternatives.push(text_part(
                "text/plain; charset=\"utf-8\"",
                Cow::Owned(text),
                eol,
            ));
            report.fix(
                FixCode::TextBodyGenerated,
                "the message had no text; a summary of the event was added",
            );
        }
    }
    for r in &mail.other_alternatives {
        alternatives.push(Part::Raw(mail.raw.get(r.clone()).unwrap_or_default()));
    }
    if let Some(r) = &mail.html {
        alternatives.push(Part::Raw(mail.raw.get(r.clone()).unwrap_or_default()));
    } else if let Some(html) = plan.html_alt {
        let html = normalise_eol(html, eol);
        alternatives.push(text_part(
            "text/html; charset=\"utf-8\"",
            Cow::Owned(html),
            eol,
        ));
        report.fix(
            FixCode::HtmlBodyGenerated,
            "a text/html alternative was built from the text",
        );
    }
    alternatives.push(text_part(
        &concat(&[
            "text/calendar; charset=\"utf-8\"; method=",
            plan.method.as_str(),
        ]),
        Cow::Borrowed(plan.calendar),
        eol,
    ));
    let attachments: Vec<Part<'_>> = mail
        .attachments
        .iter()
        .map(|r| Part::Raw(mail.raw.get(r.clone()).unwrap_or_default()))
        .collect();

    let all: Vec<&Part<'_>> = alternatives.iter().chain(attachments.iter()).collect();
    let alt_boundary = boundary(&plan.seed, "alt", &all);
    // Room for every part, its delimiter line and the closing delimiters.
    let alt_len = multipart_len(&alternatives, alt_boundary.len(), eol);
    let body_len = alt_len + multipart_len(&attachments, alt_boundary.len() + 4, eol) + 512;
    out.reserve(body_len);
    if attachments.is_empty() {
        header(
            &mut out,
            "Content-Type",
            &concat(&["multipart/alternative; boundary=\"", &alt_boundary, "\""]),
            eol,
        );
        out.extend_from_slice(eol.as_bytes());
        write_multipart(&mut out, &alt_boundary, &alternatives, eol);
    } else {
        let mix_boundary = boundary(&plan.seed, "mix", &all);
        header(
            &mut out,
            "Content-Type",
            &concat(&["multipart/mixed; boundary=\"", &mix_boundary, "\""]),
            eol,
        );
        out.extend_from_slice(eol.as_bytes());
        let mut alt = Vec::with_capacity(alt_len);
        write_multipart(&mut alt, &alt_boundary, &alternatives, eol);
        let mixed = vec![Part::Generated {
            headers: format!(
                "Content-Type: multipart/alternative; boundary=\"{alt_boundary}\"{eol}"
            ),
            body: Cow::Owned(alt),
        }];
        write_multipart_open(&mut out, &mix_boundary, &mixed, eol);
        let at = out.len();
        write_multipart(&mut out, &mix_boundary, &attachments, eol);
        return Emitted {
            bytes: out,
            attachments_at: Some((at, mix_boundary)),
        };
    }
    Emitted {
        bytes: out,
        attachments_at: None,
    }
}

/// Rewrites every line end in `text` as `eol`.
fn normalise_eol(text: &str, eol: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 32 + 2);
    let mut rest = text;
    // Each line without the CRs before its LF (or before the end of the text).
    while let Some(i) = memchr::memchr(b'\n', rest.as_bytes()) {
        out.push_str(rest.get(..i).unwrap_or_default().trim_end_matches('\r'));
        out.push_str(eol);
        rest = rest.get(i + 1..).unwrap_or_default();
    }
    out.push_str(rest.trim_end_matches('\r'));
    out
}

fn header(out: &mut Vec<u8>, name: &str, value: &str, eol: &str) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value.as_bytes());
    out.extend_from_slice(eol.as_bytes());
}

/// A generated text part: 7bit for short ASCII lines, 8bit for UTF-8, base64 when a
/// line is too long for SMTP or the text holds control characters.
fn text_part<'a>(content_type: &str, body: Cow<'a, str>, eol: &str) -> Part<'a> {
    let (cte, body): (&str, Cow<'a, [u8]>) = if needs_base64(body.as_bytes()) {
        (
            "base64",
            Cow::Owned(encode_base64_lines(body.as_bytes(), eol).into_bytes()),
        )
    } else if body.is_ascii() {
        ("7bit", cow_bytes(body))
    } else {
        ("8bit", cow_bytes(body))
    };
    let mut headers = String::with_capacity(content_type.len() + 64);
    headers.push_str("Content-Type: ");
    headers.push_str(content_type);
    headers.push_str(eol);
    headers.push_str("Content-Transfer-Encoding: ");
    headers.push_str(cte);
    headers.push_str(eol);
    Part::Generated { headers, body }
}

fn cow_bytes(text: Cow<'_, str>) -> Cow<'_, [u8]> {
    match text {
        Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
    }
}

/// Whether text must be sent as base64: a line (between CR or LF) longer than 900
/// bytes, or a control character other than tab, CR and LF.
fn needs_base64(body: &[u8]) -> bool {
    const MAX_LINE: usize = 900;
    // From a line start, MAX_LINE + 1 bytes without a line end make a long line;
    // otherwise the last line end among them is followed by the next line start.
    let mut line_start = 0;
    while let Some(window) = body.get(line_start..line_start + MAX_LINE + 1) {
        match memchr::memrchr2(b'\r', b'\n', window) {
            Some(i) => line_start += i + 1,
            None => return true,
        }
    }
    // Branch-free within each block, so the compiler can test many bytes at once.
    body.chunks(64).any(|block| {
        block.iter().fold(false, |bad, &b| {
            bad | ((b < 0x20 && b != b'\t' && b != b'\r' && b != b'\n') || b == 0x7f)
        })
    })
}

/// A boundary derived from the seed that occurs in none of the parts.
fn boundary(seed: &[u8; 16], kind: &str, parts: &[&Part<'_>]) -> String {
    let mut counter: u32 = 0;
    loop {
        let mut h = StableHasher::new();
        h.write(seed);
        h.write(kind.as_bytes());
        h.write(&counter.to_be_bytes());
        let digest = h.finish128();
        let b = concat(&[
            "=_imip_",
            &hex(digest.get(..8).unwrap_or_default()),
            "_",
            kind,
        ]);
        let finder = memchr::memmem::Finder::new(b.as_bytes());
        if counter > 1000 || !parts.iter().any(|p| p.bytes_contain(&finder)) {
            return b;
        }
        counter += 1;
    }
}

fn write_part(out: &mut Vec<u8>, part: &Part<'_>, eol: &str) {
    match part {
        Part::Raw(bytes) => out.extend_from_slice(bytes),
        Part::Generated { headers, body } => {
            out.extend_from_slice(headers.as_bytes());
            out.extend_from_slice(eol.as_bytes());
            out.extend_from_slice(body);
        }
    }
    out.extend_from_slice(eol.as_bytes());
}

/// Writes the parts of a multipart body without its closing delimiter.
fn write_multipart_open(out: &mut Vec<u8>, boundary: &str, parts: &[Part<'_>], eol: &str) {
    for p in parts {
        out.extend_from_slice(b"--");
        out.extend_from_slice(boundary.as_bytes());
        out.extend_from_slice(eol.as_bytes());
        write_part(out, p, eol);
    }
}

/// How many bytes [`write_multipart`] writes for `parts` with a boundary of
/// `boundary_len` bytes.
fn multipart_len(parts: &[Part<'_>], boundary_len: usize, eol: &str) -> usize {
    let delimiter = 2 + boundary_len + eol.len();
    parts
        .iter()
        .map(|p| delimiter + p.len() + eol.len())
        .sum::<usize>()
        + delimiter
        + 2
}

fn write_multipart(out: &mut Vec<u8>, boundary: &str, parts: &[Part<'_>], eol: &str) {
    write_multipart_open(out, boundary, parts, eol);
    out.extend_from_slice(b"--");
    out.extend_from_slice(boundary.as_bytes());
    out.extend_from_slice(b"--");
    out.extend_from_slice(eol.as_bytes());
}

/// The text as a minimal HTML document: escaped, line breaks kept.
pub fn text_to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 128);
    out.push_str("<html>\n<head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head>\n<body>\n<div style=\"font-family: sans-serif; white-space: pre-wrap\">");
    let body = text.trim_end();
    let mut copied = 0;
    // Copy the runs without anything to escape in one go; look at each other character.
    while let Some(at) = body
        .as_bytes()
        .get(copied..)
        .and_then(|tail| tail.iter().position(|&b| html_special(b)))
        .map(|offset| copied + offset)
    {
        out.push_str(body.get(copied..at).unwrap_or_default());
        let Some(c) = body.get(at..).and_then(|r| r.chars().next()) else {
            break;
        };
        copied = at + c.len_utf8();
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\r' => {}
            '\n' => out.push_str("<br>\n"),
            c if c.is_control() && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push_str(body.get(copied..).unwrap_or_default());
    out.push_str("</div>\n</body>\n</html>\n");
    out
}

/// Whether [`text_to_html`] must look at the character starting with byte `b`: HTML
/// specials, control characters (C1 ones start with 0xC2) and CR/LF; not tab.
fn html_special(b: u8) -> bool {
    matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'' | 0x7f | 0xc2) || (b < 0x20 && b != b'\t')
}

/// A short plain-text rendering of the event for messages that had no text.
pub fn summary_text(cal: &Component, method: Method, eol: &str) -> String {
    let Some(ev) = cal.components_named("VEVENT").next() else {
        return String::new();
    };
    let text = |name: &str| {
        ev.property(name)
            .map(|p| unescape_text(p.value()))
            .filter(|s| !s.trim().is_empty())
    };
    let title = text("SUMMARY");
    let location = text("LOCATION");
    let description = text("DESCRIPTION");
    let mut out = String::with_capacity(
        256 + title.as_ref().map_or(0, String::len)
            + location.as_ref().map_or(0, String::len)
            + description.as_ref().map_or(0, |d| d.len() + d.len() / 16),
    );
    let heading = match method {
        Method::Cancel => "Meeting cancelled",
        Method::Reply => "Meeting reply",
        _ => "Meeting request",
    };
    out.push_str(heading);
    out.push_str(": ");
    push_clean(&mut out, title.as_deref().unwrap_or("(no title)"));
    out.push_str(eol);
    out.push_str(eol);
    if let Some(start) = ev.property("DTSTART").and_then(format_time) {
        out.push_str("When: ");
        push_clean(&mut out, &start);
        if let Some(end) = ev.property("DTEND").and_then(format_time) {
            out.push_str(" - ");
            push_clean(&mut out, &end);
        }
        out.push_str(eol);
    }
    if let Some(loc) = &location {
        out.push_str("Where: ");
        push_clean(&mut out, loc);
        out.push_str(eol);
    }
    if let Some(org) = ev.property("ORGANIZER") {
        let addr = crate::itip::address_of(org.value());
        out.push_str("Organizer: ");
        match org.param_value("CN") {
            Some(cn) => {
                push_clean(&mut out, &crate::ical::model::unescape_param_text(cn));
                out.push_str(" <");
                push_clean(&mut out, &addr);
                out.push('>');
            }
            None => push_clean(&mut out, &addr),
        }
        out.push_str(eol);
    }
    if method == Method::Reply {
        for a in ev.properties_named("ATTENDEE") {
            match a.param_value("CN") {
                Some(cn) => push_clean(&mut out, &crate::ical::model::unescape_param_text(cn)),
                None => push_clean(&mut out, &crate::itip::address_of(a.value())),
            }
            out.push_str(": ");
            let status = a.param_value("PARTSTAT").unwrap_or("NEEDS-ACTION");
            push_clean(&mut out, &status.to_ascii_lowercase());
            out.push_str(eol);
        }
    }
    if let Some(desc) = &description {
        out.push_str(eol);
        for line in desc.lines() {
            push_clean(&mut out, line);
            out.push_str(eol);
        }
    }
    out
}

/// Appends `s` with every control character replaced by a space (the generated text
/// holds none).
fn push_clean(out: &mut String, s: &str) {
    // Control characters are C0, DEL and C1 (U+0080..U+009F, UTF-8 lead byte 0xC2).
    if !s.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2) {
        out.push_str(s);
        return;
    }
    out.extend(s.chars().map(|c| if c.is_control() { ' ' } else { c }));
}

/// A DTSTART or DTEND for the summary: `2004-01-01`, `2004-01-01 10:00`,
/// `2004-01-01 10:00 UTC` or `2004-01-01 10:00 (Europe/Berlin)`.
fn format_time(p: &crate::ical::Property) -> Option<String> {
    let v = parse_date_or_date_time(p.value(), p.param_value("TZID")).ok()?;
    let mut out = String::with_capacity(32);
    match v {
        DateTimeValue::Date(d) => {
            if (0..=9999).contains(&d.year()) {
                let _ = write!(out, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
            } else {
                let _ = write!(out, "{}", d.format("%Y-%m-%d"));
            }
        }
        DateTimeValue::Floating(t) => push_minutes(&mut out, &t),
        DateTimeValue::Utc(t) => {
            push_minutes(&mut out, &t);
            out.push_str(" UTC");
        }
        DateTimeValue::Zoned { local, tzid } => {
            push_minutes(&mut out, &local);
            out.push_str(" (");
            out.push_str(tzid.trim_matches('"'));
            out.push(')');
        }
    }
    Some(out)
}

/// Appends `t` as `%Y-%m-%d %H:%M`.
fn push_minutes(out: &mut String, t: &NaiveDateTime) {
    if (0..=9999).contains(&t.year()) {
        let _ = write!(
            out,
            "{:04}-{:02}-{:02} {:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute()
        );
    } else {
        let _ = write!(out, "{}", t.format("%Y-%m-%d %H:%M"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The old one-character-at-a-time conversions, as references.
    fn text_to_html_ref(text: &str) -> String {
        let mut out = String::new();
        for c in text.trim_end().chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                '\r' => {}
                '\n' => out.push_str("<br>\n"),
                c if c.is_control() && c != '\t' => out.push(' '),
                c => out.push(c),
            }
        }
        out
    }

    fn normalise_eol_ref(text: &str, eol: &str) -> String {
        let mut out = String::new();
        for line in text.split_inclusive('\n') {
            out.push_str(line.trim_end_matches(['\r', '\n']));
            if line.ends_with('\n') {
                out.push_str(eol);
            }
        }
        out
    }

    #[test]
    fn text_conversions_match_char_by_char_definitions() {
        let pieces = [
            "a",
            "é",
            "&",
            "<",
            ">",
            "\"",
            "'",
            "\r",
            "\n",
            "\t",
            "\u{1}",
            "\u{7f}",
            "\u{85}",
            "\u{a0}",
            "\u{2028}",
            " ",
            "\u{1F600}",
        ];
        let mut state: u32 = 11;
        for len in 0..30 {
            for _ in 0..30 {
                let mut s = String::new();
                for _ in 0..len {
                    state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    s.push_str(pieces[(state >> 16) as usize % pieces.len()]);
                }
                let html = text_to_html(&s);
                let inner = html
                    .split_once("pre-wrap\">")
                    .and_then(|(_, rest)| rest.strip_suffix("</div>\n</body>\n</html>\n"))
                    .unwrap();
                assert_eq!(inner, text_to_html_ref(&s), "{s:?}");
                for eol in ["\r\n", "\n"] {
                    assert_eq!(normalise_eol(&s, eol), normalise_eol_ref(&s, eol), "{s:?}");
                }
            }
        }
    }
}
