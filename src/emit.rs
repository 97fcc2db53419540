//! Assembles the output message: the original top-level headers minus the ones that
//! described the old body, the Outlook headers, and a new body
//! `multipart/alternative { text/plain, [other alternatives], [text/html],
//! text/calendar }`, wrapped in `multipart/mixed` with the original attachments when
//! there are any. Parts that are carried over are copied byte for byte from the input.
//! Nothing from the calendar reaches a header without sanitising and RFC 2047 encoding.

use crate::hash::StableHasher;
use crate::ical::value::{parse_date_or_date_time, unescape_text, DateTimeValue};
use crate::ical::Component;
use crate::itip::text::concat;
use crate::mime::encoded_word::encode_header_value;
use crate::mime::header::{fields, RawField};
use crate::mime::transfer::encode_base64_lines;
use crate::mime::Mail;
use crate::options::Profile;
use crate::outlook::thread_index::{is_valid_thread_index, strip_subject_prefixes, thread_index};
use crate::report::{FixCode, Method, Report};
use chrono::{DateTime, Datelike, NaiveDateTime, Timelike, Utc};
use std::borrow::Cow;
use std::fmt::Write as _;

/// Top-level headers that describe the old body and are replaced ([`field_kind`]
/// recognises exactly these).
#[cfg_attr(not(test), allow(dead_code))]
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

/// What every generated boundary begins with: a part that does not contain it contains
/// no boundary.
const BOUNDARY_PREFIX: &str = "=_imip_";

/// A boundary: [`BOUNDARY_PREFIX`], 16 hex digits, `_` and a three-letter kind.
type Boundary = [u8; BOUNDARY_PREFIX.len() + 16 + 1 + 3];

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
        content_type: TextType<'a>,
        cte: Cte,
        body: Body<'a>,
    },
}

/// The Content-Type of a generated part.
#[derive(Debug, Clone, Copy)]
enum TextType<'a> {
    Plain,
    Html,
    /// With the method.
    Calendar(&'a str),
}

impl TextType<'_> {
    /// Appends `Content-Type: ...` without the line end. Each piece is a literal, so
    /// copying it needs no call.
    fn write(self, out: &mut Vec<u8>) {
        match self {
            TextType::Plain => {
                out.extend_from_slice(b"Content-Type: text/plain; charset=\"utf-8\"")
            }
            TextType::Html => out.extend_from_slice(b"Content-Type: text/html; charset=\"utf-8\""),
            TextType::Calendar(method) => {
                out.extend_from_slice(b"Content-Type: text/calendar; charset=\"utf-8\"; method=");
                out.extend_from_slice(method.as_bytes());
            }
        }
    }

    /// How many bytes [`TextType::write`] writes.
    fn len(self) -> usize {
        match self {
            TextType::Plain => "Content-Type: text/plain; charset=\"utf-8\"".len(),
            TextType::Html => "Content-Type: text/html; charset=\"utf-8\"".len(),
            TextType::Calendar(method) => {
                "Content-Type: text/calendar; charset=\"utf-8\"; method=".len() + method.len()
            }
        }
    }
}

/// The Content-Transfer-Encoding of a generated part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cte {
    SevenBit,
    EightBit,
    Base64,
}

impl Cte {
    /// Appends `Content-Transfer-Encoding: ...` without the line end.
    fn write(self, out: &mut Vec<u8>) {
        match self {
            Cte::SevenBit => out.extend_from_slice(b"Content-Transfer-Encoding: 7bit"),
            Cte::EightBit => out.extend_from_slice(b"Content-Transfer-Encoding: 8bit"),
            Cte::Base64 => out.extend_from_slice(b"Content-Transfer-Encoding: base64"),
        }
    }

    /// How many bytes [`Cte::write`] writes.
    fn len(self) -> usize {
        "Content-Transfer-Encoding: ".len() + if self == Cte::Base64 { 6 } else { 4 }
    }
}

/// The body of a generated part.
enum Body<'a> {
    /// Written as it is.
    Bytes(Cow<'a, [u8]>),
    /// Text written with every line end rewritten as the message's (CR, LF and CRLF alike);
    /// `lf` is its number of LFs.
    Text { text: &'a str, lf: usize },
}

impl Part<'_> {
    /// Whether the bytes written for the part's body (the whole part when it is carried)
    /// contain what `needle` looks for, which holds no CR or LF.
    fn bytes_contain(&self, needle: &memchr::memmem::Finder<'_>) -> bool {
        needle.find(self.body_bytes()).is_some()
    }

    /// The bytes to search for a boundary, which holds no CR or LF: the body as written
    /// (the whole part when it is carried), or for text whose line ends are rewritten,
    /// the text as given.
    fn body_bytes(&self) -> &[u8] {
        match self {
            Part::Raw(b) => b,
            Part::Generated { body, .. } => match body {
                Body::Bytes(b) => b,
                // Rewriting line ends only replaces CRs and LFs, which the needle does
                // not hold, and joins no two lines: the needle is in the text as written
                // exactly when it is in the text as given.
                Body::Text { text, .. } => text.as_bytes(),
            },
        }
    }

    /// At least as many bytes as [`write_part`] writes for this part, without the line
    /// end after it (exactly as many unless line ends are rewritten).
    fn len(&self, eol: &str) -> usize {
        match self {
            Part::Raw(b) => b.len(),
            Part::Generated {
                content_type,
                cte,
                body,
            } => {
                let body = match body {
                    Body::Bytes(b) => b.len(),
                    // Each LF becomes `eol`; CRs before it may go.
                    Body::Text { text, lf } => text.len() + lf * eol.len().saturating_sub(1),
                };
                content_type.len() + cte.len() + 3 * eol.len() + body
            }
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

/// How [`emit`] treats a field of the input's header block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldKind {
    /// One of [`REPLACED_HEADERS`].
    Replaced,
    Subject,
    ThreadTopic,
    ThreadIndex,
    ContentClass,
    Other,
}

/// The kind of a field from its bytes: by its name (ASCII case-insensitive), as
/// [`crate::mime::header::split_fields`] would name it. A name that is not a token has
/// no kind, but every name looked for is one, so comparing the bytes before the first
/// colon is enough.
fn field_kind(field: &[u8]) -> FieldKind {
    use FieldKind::*;
    // The longest name looked for has 25 bytes: a colon further in ends another name.
    let head = field.get(..26).unwrap_or(field);
    let Some(colon) = head.iter().position(|&b| b == b':') else {
        return Other;
    };
    let name = head.get(..colon).unwrap_or_default();
    let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
    match name.len() {
        7 if is("Subject") => Subject,
        10 if is("Content-ID") => Replaced,
        11 if is("Content-MD5") => Replaced,
        12 if is("MIME-Version") || is("Content-Type") => Replaced,
        12 if is("Thread-Index") => ThreadIndex,
        12 if is("Thread-Topic") => ThreadTopic,
        13 if is("X-Imip-Bridge") => Replaced,
        13 if is("Content-Class") => ContentClass,
        14 if is("Content-Length") => Replaced,
        19 if is("Content-Disposition") || is("Content-Description") => Replaced,
        25 if is("Content-Transfer-Encoding") => Replaced,
        _ => Other,
    }
}

/// Builds the output message.
pub fn emit(mail: &Mail<'_>, plan: &Plan<'_>, report: &mut Report) -> Emitted {
    let eol = mail.eol;
    let outlook = plan.profile == Profile::Outlook;
    let raw = |r: &std::ops::Range<usize>| Part::Raw(mail.raw.get(r.clone()).unwrap_or_default());

    // The body first (its size is needed to size the output once); what it reports is
    // reported after the headers.
    // The alternative's parts, in increasing order of preference (in groups, so that
    // the usual message needs no list).
    let mut text_generated = false;
    let text = match (&mail.text_override, &mail.text) {
        (Some(text), _) => text_part(TextType::Plain, text, true, eol),
        (None, Some(r)) => raw(r),
        (None, None) => {
            let text = plan.summary_text.as_deref().unwrap_or_default();
            text_generated = true;
            text_part(TextType::Plain, text, false, eol)
        }
    };
    let others: Vec<Part<'_>> = mail.other_alternatives.iter().map(raw).collect();
    let mut html_generated = false;
    let html = if let Some(r) = &mail.html {
        Some(raw(r))
    } else if let Some(html) = plan.html_alt {
        html_generated = true;
        Some(text_part(TextType::Html, html, true, eol))
    } else {
        None
    };
    let calendar = text_part(
        TextType::Calendar(plan.method.as_str()),
        plan.calendar,
        false,
        eol,
    );
    let attachments: Vec<Part<'_>> = mail.attachments.iter().map(raw).collect();
    let alternatives: [&[Part<'_>]; 4] = [
        std::slice::from_ref(&text),
        &others,
        html.as_slice(),
        std::slice::from_ref(&calendar),
    ];
    let attachments: [&[Part<'_>]; 1] = [&attachments];
    let all = alternatives
        .iter()
        .chain(&attachments)
        .flat_map(|g| g.iter());

    // Boundaries: a part without the common prefix holds none of them.
    let clear = !all.clone().any(|p| has_boundary_prefix(p.body_bytes()));
    let alt_boundary = boundary(&plan.seed, b"alt", clear, all.clone());
    let mix_boundary = attachments
        .iter()
        .any(|g| !g.is_empty())
        .then(|| boundary(&plan.seed, b"mix", clear, all));

    // Room for the kept header fields, the generated ones and the body.
    let alt_len = multipart_len(&alternatives, alt_boundary.len(), eol);
    let body_len = match &mix_boundary {
        None => alt_len,
        Some(mix) => {
            alt_len
                + multipart_len(&attachments, mix.len(), eol)
                + 2
                + mix.len()
                + "Content-Type: multipart/alternative; boundary=\"\"".len()
                + alt_boundary.len()
                + 4 * eol.len()
        }
    };
    // Subject and Thread-Topic, when written, come from the summary or the subject;
    // encoded words and folding make them at most about twice as long.
    let texts =
        plan.summary.as_ref().map_or(0, String::len) + mail.subject.as_deref().map_or(0, str::len);
    let mut out: Vec<u8> = Vec::with_capacity(mail.header_block.len() + 3 * texts + 512 + body_len);

    // The input's fields, in runs between the replaced ones. Thread-Index fields depend
    // on the first one, which comes before any other.
    let block = mail.header_block;
    let mut index_ok: Option<bool> = None;
    let mut has_subject = false;
    let mut has_topic = false;
    let mut had_class = false;
    let mut run = 0;
    let mut at = 0;
    for f in fields(block) {
        let start = at;
        at += f.len();
        let replaced = match field_kind(f) {
            FieldKind::Other => false,
            FieldKind::Replaced => true,
            FieldKind::Subject => {
                has_subject = true;
                false
            }
            FieldKind::ThreadTopic => {
                has_topic = true;
                false
            }
            FieldKind::ThreadIndex => {
                outlook
                    && !*index_ok.get_or_insert_with(|| {
                        is_valid_thread_index(&RawField { name: "", bytes: f }.value())
                    })
            }
            FieldKind::ContentClass => {
                if outlook && !had_class {
                    had_class = RawField { name: "", bytes: f }
                        .value()
                        .eq_ignore_ascii_case("urn:content-classes:calendarmessage");
                }
                outlook
            }
        };
        if replaced {
            out.extend_from_slice(block.get(run..start).unwrap_or_default());
            run = at;
        }
    }
    out.extend_from_slice(block.get(run..).unwrap_or_default());
    // Only the last field can lack a line end.
    if run < block.len() && !block.ends_with(b"\n") {
        push_eol(&mut out, eol);
    }
    let index_ok = index_ok.unwrap_or(false);

    let summary = plan.summary.as_deref();
    if !has_subject {
        if let Some(s) = summary {
            header(&mut out, "Subject", &encode_header_value(7, s, eol), eol);
            report.fix(FixCode::SubjectAdded, "Subject: taken from SUMMARY");
        }
    }
    if outlook {
        if !has_topic {
            if let Some(s) = mail.subject.as_deref().or(summary) {
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
        out.extend_from_slice(b"Content-Class: urn:content-classes:calendarmessage");
        push_eol(&mut out, eol);
        if !had_class {
            report.fix(
                FixCode::ContentClassAdded,
                "Content-Class: urn:content-classes:calendarmessage",
            );
        }
    }
    out.extend_from_slice(b"X-Imip-Bridge: ");
    out.extend_from_slice(TRACE.as_bytes());
    push_eol(&mut out, eol);
    out.extend_from_slice(b"MIME-Version: 1.0");
    push_eol(&mut out, eol);
    if text_generated {
        report.fix(
            FixCode::TextBodyGenerated,
            "the message had no text; a summary of the event was added",
        );
    }
    if html_generated {
        report.fix(
            FixCode::HtmlBodyGenerated,
            "a text/html alternative was built from the text",
        );
    }

    let Some(mix_boundary) = mix_boundary else {
        out.extend_from_slice(b"Content-Type: multipart/alternative; boundary=\"");
        out.extend_from_slice(&alt_boundary);
        out.push(b'"');
        push_eol(&mut out, eol);
        push_eol(&mut out, eol);
        write_multipart(&mut out, &alt_boundary, &alternatives, eol);
        return Emitted {
            bytes: out,
            attachments_at: None,
        };
    };
    out.extend_from_slice(b"Content-Type: multipart/mixed; boundary=\"");
    out.extend_from_slice(&mix_boundary);
    out.push(b'"');
    push_eol(&mut out, eol);
    push_eol(&mut out, eol);
    // The alternative is the mixed part's first part.
    delimiter(&mut out, &mix_boundary, eol);
    out.extend_from_slice(b"Content-Type: multipart/alternative; boundary=\"");
    out.extend_from_slice(&alt_boundary);
    out.push(b'"');
    push_eol(&mut out, eol);
    push_eol(&mut out, eol);
    write_multipart(&mut out, &alt_boundary, &alternatives, eol);
    push_eol(&mut out, eol);
    let at = out.len();
    write_multipart(&mut out, &mix_boundary, &attachments, eol);
    Emitted {
        bytes: out,
        // A boundary is ASCII.
        attachments_at: Some((at, String::from_utf8_lossy(&mix_boundary).into_owned())),
    }
}

/// Appends the line end: a literal for the usual ones, so copying it needs no call.
#[inline]
fn push_eol(out: &mut Vec<u8>, eol: &str) {
    match eol.as_bytes() {
        b"\r\n" => out.extend_from_slice(b"\r\n"),
        b"\n" => out.push(b'\n'),
        other => out.extend_from_slice(other),
    }
}

/// Rewrites every line end in `text` as `eol`.
#[cfg(test)]
fn normalise_eol(text: &str, eol: &str) -> String {
    let mut out = Vec::with_capacity(text.len() + text.len() / 32 + 2);
    push_normalised(&mut out, text.as_bytes(), eol);
    String::from_utf8(out).unwrap_or_default()
}

/// Appends `text` with every line end (an LF and the CRs before it, or CRs at the end)
/// rewritten as `eol`. Lines that already end in `eol` are copied together.
fn push_normalised(out: &mut Vec<u8>, text: &[u8], eol: &str) {
    // Generated text (the calendar, the HTML) is usually written with `eol` already:
    // one check over the bytes, then one copy.
    if ends_lines_with(text, eol) {
        out.extend_from_slice(text);
        return;
    }
    let crlf = eol == "\r\n";
    // text[copied..] is not written yet; text[line..] is not looked at yet.
    let mut copied = 0;
    let mut line = 0;
    for lf in memchr::memchr_iter(b'\n', text) {
        let content = trim_cr(text.get(line..lf).unwrap_or_default());
        let ends_in_eol = lf - line == content.len() + usize::from(crlf);
        if !ends_in_eol {
            out.extend_from_slice(text.get(copied..line + content.len()).unwrap_or_default());
            push_eol(out, eol);
            copied = lf + 1;
        }
        line = lf + 1;
    }
    let content = trim_cr(text.get(line..).unwrap_or_default());
    out.extend_from_slice(text.get(copied..line + content.len()).unwrap_or_default());
}

/// Whether every line end of `text` is `eol` (LF or CRLF) and there is no other CR:
/// then [`push_normalised`] would copy it unchanged.
fn ends_lines_with(text: &[u8], eol: &str) -> bool {
    match eol {
        "\n" => memchr::memchr(b'\r', text).is_none(),
        "\r\n" => {
            // Each CR is followed by an LF and each LF follows a CR; no early exit, so
            // that the loop is vectorised.
            let before = text.get(..text.len().saturating_sub(1)).unwrap_or_default();
            let after = text.get(1..).unwrap_or_default();
            let mut odd = 0u8;
            for (&a, &b) in before.iter().zip(after) {
                odd |= u8::from(a == b'\r') ^ u8::from(b == b'\n');
            }
            odd == 0 && text.first() != Some(&b'\n') && text.last() != Some(&b'\r')
        }
        _ => false,
    }
}

/// `line` without the CRs at its end.
fn trim_cr(line: &[u8]) -> &[u8] {
    let mut line = line;
    while let [rest @ .., b'\r'] = line {
        line = rest;
    }
    line
}

#[inline]
fn header(out: &mut Vec<u8>, name: &str, value: &str, eol: &str) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value.as_bytes());
    push_eol(out, eol);
}

/// A generated text part: 7bit for short ASCII lines, 8bit for UTF-8, base64 when a
/// line is too long for SMTP or the text holds control characters. With `normalise`,
/// the text's line ends are written as `eol`.
fn text_part<'a>(
    content_type: TextType<'a>,
    text: &'a str,
    normalise: bool,
    eol: &str,
) -> Part<'a> {
    // Rewriting line ends changes no line's length (between CRs and LFs), no other
    // character and nothing about ASCII: the text as given decides.
    let (cte, body) = match classify(text.as_bytes()) {
        Class::Base64 => {
            let encoded = if normalise {
                let mut norm = Vec::with_capacity(text.len() + text.len() / 32 + 2);
                push_normalised(&mut norm, text.as_bytes(), eol);
                encode_base64_lines(&norm, eol)
            } else {
                encode_base64_lines(text.as_bytes(), eol)
            };
            (Cte::Base64, Body::Bytes(Cow::Owned(encoded.into_bytes())))
        }
        class => {
            let cte = if class == Class::Ascii {
                Cte::SevenBit
            } else {
                Cte::EightBit
            };
            let body = if normalise {
                // For the output's size: each LF may become two bytes.
                let lf = if eol.len() > 1 {
                    memchr::memchr_iter(b'\n', text.as_bytes()).count()
                } else {
                    0
                };
                Body::Text { text, lf }
            } else {
                Body::Bytes(Cow::Borrowed(text.as_bytes()))
            };
            (cte, body)
        }
    };
    Part::Generated {
        content_type,
        cte,
        body,
    }
}

/// How a generated text part is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Base64,
    Ascii,
    EightBit,
}

/// [`Class::Base64`] for a line (between CR or LF) longer than 900 bytes, or a control
/// character other than tab, CR and LF; otherwise whether the text is ASCII.
fn classify(body: &[u8]) -> Class {
    const MAX_LINE: usize = 900;
    // From a line start, MAX_LINE + 1 bytes without a line end make a long line;
    // otherwise the last line end among them is followed by the next line start.
    let mut line_start = 0;
    while let Some(window) = body.get(line_start..line_start + MAX_LINE + 1) {
        match memchr::memrchr2(b'\r', b'\n', window) {
            Some(i) => line_start += i + 1,
            None => return Class::Base64,
        }
    }
    // One branch-free pass over (large) blocks, so the compiler tests many bytes at once.
    let mut high = 0u8;
    for block in body.chunks(4096) {
        let mut bad = 0u8;
        for &b in block {
            let control = (b < 0x20) & (b != b'\t') & (b != b'\r') & (b != b'\n');
            bad |= u8::from(control | (b == 0x7f));
            high |= b;
        }
        if bad != 0 {
            return Class::Base64;
        }
    }
    if high < 0x80 {
        Class::Ascii
    } else {
        Class::EightBit
    }
}

/// Whether text must be sent as base64 ([`classify`]).
#[cfg(test)]
fn needs_base64(body: &[u8]) -> bool {
    classify(body) == Class::Base64
}

/// A boundary derived from the seed that occurs in none of the parts. `clear` when no
/// part contains [`BOUNDARY_PREFIX`] (so none contains any candidate).
fn boundary<'p, 'a: 'p>(
    seed: &[u8; 16],
    kind: &[u8; 3],
    clear: bool,
    parts: impl Iterator<Item = &'p Part<'a>> + Clone,
) -> Boundary {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut counter: u32 = 0;
    loop {
        let mut h = StableHasher::new();
        h.write(seed);
        h.write(kind);
        h.write(&counter.to_be_bytes());
        let digest = h.finish128();
        // The prefix, the first 8 bytes of the digest in hex (as `hash::hex` writes
        // them), `_` and the kind.
        let mut b: Boundary = [b'_'; BOUNDARY_PREFIX.len() + 20];
        for (dst, src) in b.iter_mut().zip(BOUNDARY_PREFIX.bytes()) {
            *dst = src;
        }
        let (_, rest) = b.split_at_mut(BOUNDARY_PREFIX.len());
        for (pair, byte) in rest.chunks_exact_mut(2).zip(digest.iter().take(8)) {
            for (dst, nibble) in pair.iter_mut().zip([byte >> 4, byte & 0x0f]) {
                *dst = DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0');
            }
        }
        for (dst, src) in b.iter_mut().rev().zip(kind.iter().rev()) {
            *dst = *src;
        }
        if clear || counter > 1000 {
            return b;
        }
        let finder = memchr::memmem::Finder::new(&b);
        if !parts.clone().any(|p| p.bytes_contain(&finder)) {
            return b;
        }
        counter += 1;
    }
}

/// Whether `hay` contains [`BOUNDARY_PREFIX`]: looked for from its `_`, which is rare in
/// text and absent from base64.
fn has_boundary_prefix(hay: &[u8]) -> bool {
    memchr::memchr_iter(b'_', hay).any(|i| {
        i > 0
            && hay
                .get(i - 1..)
                .is_some_and(|rest| rest.starts_with(BOUNDARY_PREFIX.as_bytes()))
    })
}

fn write_part(out: &mut Vec<u8>, part: &Part<'_>, eol: &str) {
    match part {
        Part::Raw(bytes) => out.extend_from_slice(bytes),
        Part::Generated {
            content_type,
            cte,
            body,
        } => {
            content_type.write(out);
            push_eol(out, eol);
            cte.write(out);
            push_eol(out, eol);
            push_eol(out, eol);
            match body {
                Body::Bytes(b) => out.extend_from_slice(b),
                Body::Text { text, .. } => push_normalised(out, text.as_bytes(), eol),
            }
        }
    }
    push_eol(out, eol);
}

/// A delimiter line: `--boundary` and a line end.
fn delimiter(out: &mut Vec<u8>, boundary: &Boundary, eol: &str) {
    out.extend_from_slice(b"--");
    out.extend_from_slice(boundary);
    push_eol(out, eol);
}

/// At least how many bytes [`write_multipart`] writes for `parts` with a boundary of
/// `boundary_len` bytes.
fn multipart_len(parts: &[&[Part<'_>]], boundary_len: usize, eol: &str) -> usize {
    let delimiter = 2 + boundary_len + eol.len();
    parts
        .iter()
        .flat_map(|g| g.iter())
        .map(|p| delimiter + p.len(eol) + eol.len())
        .sum::<usize>()
        + delimiter
        + 2
}

fn write_multipart(out: &mut Vec<u8>, boundary: &Boundary, parts: &[&[Part<'_>]], eol: &str) {
    for p in parts.iter().flat_map(|g| g.iter()) {
        delimiter(out, boundary, eol);
        write_part(out, p, eol);
    }
    out.extend_from_slice(b"--");
    out.extend_from_slice(boundary);
    out.extend_from_slice(b"--");
    push_eol(out, eol);
}

/// The text as a minimal HTML document: escaped, line breaks kept, lines ended with `eol`
/// (the message's, so that the part needs no conversion when it is written).
pub fn text_to_html(text: &str, eol: &str) -> String {
    let mut out = String::with_capacity(text.len() + 128);
    for line in [
        "<html>",
        "<head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head>",
        "<body>",
    ] {
        out.push_str(line);
        out.push_str(eol);
    }
    out.push_str("<div style=\"font-family: sans-serif; white-space: pre-wrap\">");
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
            '\n' => match eol {
                // Constants: a store each, not a copy call.
                "\r\n" => out.push_str("<br>\r\n"),
                "\n" => out.push_str("<br>\n"),
                _ => {
                    out.push_str("<br>");
                    out.push_str(eol);
                }
            },
            c if c.is_control() && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push_str(body.get(copied..).unwrap_or_default());
    for line in ["</div>", "</body>", "</html>"] {
        out.push_str(line);
        out.push_str(eol);
    }
    out
}

/// Whether [`text_to_html`] must look at the character starting with byte `b`: HTML
/// specials, control characters (C1 ones start with 0xC2) and CR/LF; not tab.
fn html_special(b: u8) -> bool {
    HTML_SPECIAL.get(usize::from(b)).copied().unwrap_or(true)
}

/// [`html_special`] for every byte, one lookup each.
// Indexing in a constant is checked when the crate compiles: it cannot fail at run time.
#[allow(clippy::indexing_slicing)]
const HTML_SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = matches!(c, b'&' | b'<' | b'>' | b'"' | b'\'' | 0x7f | 0xc2)
            || (c < 0x20 && c != b'\t');
        b += 1;
    }
    table
};

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

    /// The old test for base64, as a reference for [`classify`].
    fn needs_base64_ref(body: &[u8]) -> bool {
        body.split(|&b| b == b'\r' || b == b'\n')
            .any(|line| line.len() > 900)
            || body
                .iter()
                .any(|&b| (b < 0x20 && b != b'\t' && b != b'\r' && b != b'\n') || b == 0x7f)
    }

    #[test]
    fn classify_matches_its_definition() {
        let pieces: [&[u8]; 12] = [
            b"a",
            b"\r",
            b"\n",
            b"\t",
            b"\x00",
            b"\x0b",
            b"\x1f",
            b"\x7f",
            b"\xc3\xa9",
            b" ",
            &[b'x'; 450],
            &[b'y'; 300],
        ];
        let mut state: u32 = 7;
        for len in 0..40 {
            for _ in 0..40 {
                let mut s = Vec::new();
                for _ in 0..len {
                    state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    let i = (state >> 16) as usize % pieces.len();
                    // Control characters rarely, so that most texts pass.
                    if (4..8).contains(&i) && !(state >> 8).is_multiple_of(8) {
                        continue;
                    }
                    s.extend_from_slice(pieces[i]);
                }
                let expected = if needs_base64_ref(&s) {
                    Class::Base64
                } else if s.is_ascii() {
                    Class::Ascii
                } else {
                    Class::EightBit
                };
                assert_eq!(classify(&s), expected, "{s:?}");
                assert_eq!(needs_base64(&s), expected == Class::Base64);
            }
        }
        // Over several blocks of the scan.
        let mut many = b"aaaaaaaaa\r\n".repeat(1_000);
        assert_eq!(classify(&many), Class::Ascii);
        many[8_999] = 0x01;
        assert_eq!(classify(&many), Class::Base64);
        many[8_999] = 0xc3;
        assert_eq!(classify(&many), Class::EightBit);
        assert_eq!(classify(&[b'a'; 901]), Class::Base64);
        assert_eq!(classify(&[b'a'; 900]), Class::Ascii);
    }

    #[test]
    fn field_kinds_are_the_listed_names_in_any_case() {
        for name in REPLACED_HEADERS {
            for n in [
                name.to_string(),
                name.to_ascii_lowercase(),
                name.to_ascii_uppercase(),
            ] {
                assert_eq!(
                    field_kind(format!("{n}: x\r\n").as_bytes()),
                    FieldKind::Replaced
                );
                assert_eq!(
                    field_kind(format!("{n}:\r\n").as_bytes()),
                    FieldKind::Replaced
                );
                assert_eq!(
                    field_kind(format!("{n} : x\r\n").as_bytes()),
                    FieldKind::Other
                );
                assert_eq!(
                    field_kind(format!("X{n}: x\r\n").as_bytes()),
                    FieldKind::Other
                );
                assert_eq!(
                    field_kind(format!("{n}X: x\r\n").as_bytes()),
                    FieldKind::Other
                );
            }
        }
        let cases: [(&[u8], FieldKind); 9] = [
            (b"subject: a", FieldKind::Subject),
            (b"Thread-Topic: a", FieldKind::ThreadTopic),
            (b"THREAD-INDEX: a", FieldKind::ThreadIndex),
            (b"Content-Class: a", FieldKind::ContentClass),
            (b"From: a", FieldKind::Other),
            (b"From a@b Mon Jan  1 00:00:00 2024\n", FieldKind::Other),
            (b"Subject", FieldKind::Other),
            (b"", FieldKind::Other),
            (
                b"X-A-Very-Long-Field-Name-Indeed: Subject: a",
                FieldKind::Other,
            ),
        ];
        for (field, kind) in cases {
            assert_eq!(field_kind(field), kind, "{field:?}");
        }
    }

    #[test]
    fn boundaries_avoid_what_the_parts_contain() {
        let seed = [7u8; 16];
        let none: [Part<'_>; 0] = [];
        let first = boundary(&seed, b"alt", true, none.iter());
        assert_eq!(first.len(), 27);
        assert!(first.starts_with(b"=_imip_") && first.ends_with(b"_alt"));
        // The old construction.
        let mut h = StableHasher::new();
        h.write(&seed);
        h.write(b"alt");
        h.write(&0u32.to_be_bytes());
        let old = concat(&["=_imip_", &crate::hash::hex(&h.finish128()[..8]), "_alt"]);
        assert_eq!(first, old.as_bytes());

        let mut body = b"text\r\n--".to_vec();
        body.extend_from_slice(&first);
        body.extend_from_slice(b"\r\nmore\r\n");
        let parts = [Part::Raw(&body)];
        assert!(has_boundary_prefix(&body));
        let other = boundary(&seed, b"alt", false, parts.iter());
        assert_ne!(other, first);
        assert!(!body.windows(other.len()).any(|w| w == other));
        // The same search in text whose line ends are rewritten.
        let text = String::from_utf8(body.clone()).unwrap();
        let parts = [Part::Generated {
            content_type: TextType::Plain,
            cte: Cte::SevenBit,
            body: Body::Text { text: &text, lf: 2 },
        }];
        assert_eq!(boundary(&seed, b"alt", false, parts.iter()), other);
    }

    #[test]
    fn boundary_prefix_anywhere() {
        assert!(has_boundary_prefix(b"=_imip_"));
        assert!(has_boundary_prefix(b"__=_imip_x"));
        assert!(!has_boundary_prefix(b"_imip_=_imi"));
        assert!(!has_boundary_prefix(b"=_imip"));
        assert!(!has_boundary_prefix(b""));
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
                let html = text_to_html(&s, "\n");
                let inner = html
                    .split_once("pre-wrap\">")
                    .and_then(|(_, rest)| rest.strip_suffix("</div>\n</body>\n</html>\n"))
                    .unwrap();
                assert_eq!(inner, text_to_html_ref(&s), "{s:?}");
                assert!(html.starts_with("<html>\n<head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head>\n<body>\n<div "));
                for eol in ["\r\n", "\n"] {
                    assert_eq!(normalise_eol(&s, eol), normalise_eol_ref(&s, eol), "{s:?}");
                    // With the message's line ends: the same document, converted.
                    assert_eq!(text_to_html(&s, eol), normalise_eol(&html, eol), "{s:?}");
                }
            }
        }
    }
}
