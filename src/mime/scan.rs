//! The MIME structure of a message without decoding any body.
//!
//! [`parse`] walks the multipart tree by boundary (a SIMD search for `--`, then a check
//! for `--boundary`, accepted only at a line start as RFC 2046 says) and records, for
//! every entity, a [`Part`]: where its header block, body and end are in the input, and
//! its `Content-*` fields. Each header block is walked once ([`walk_header`]); only the
//! fields that are read are parsed: simple values by [`super::fields`] (`Content-*`)
//! and [`super::envelope`] (`From`, `To`, `Cc`, `Subject`, `Message-ID`, `Date`), the
//! others (encoded words, RFC 2231 parameters, comments, groups...) by mail-parser's
//! header parser, read as mail-parser's full parser would read them. Bodies are not
//! touched: the caller decodes the few parts it needs. Part 0 is the message; a
//! multipart lists its children, which come after it.
//!
//! A `--boundary` string in the middle of a line is reported as suspect: a parser that
//! cuts there (as mail-parser's full parser does) would see different parts than one
//! that follows RFC 2046, so the message is not rewritten. A line that starts with
//! `--boundary` and goes on with other text (Eudora nests `boundary.REL` inside
//! `boundary`) is not a delimiter line and is read as content.

use super::Mailbox;
use super::{skip, Skip};
use crate::options::Limits;
use crate::report::WarningCode;
use mail_parser::{
    ContentType, DateTime, Encoding, Header, HeaderName, HeaderValue, MessageParser,
};
use std::borrow::Cow;
use std::ops::Range;

/// Deepest nesting followed even when [`Limits::max_mime_depth`] is higher: the walk
/// recurses once per level.
pub const HARD_MAX_DEPTH: usize = 256;

/// Where the body of an entity starts: after the line that ends its header block, or
/// at the end when there is none (headers only).
///
/// The header block ends where mail-parser ends it, so that a message is read the same
/// way here and by a mail-parser-based receiver: at an empty line, and also at a line
/// of blanks (ASCII whitespace: spaces, tabs, CRs, form feeds) unless that line continues
/// a header field (starts with a space or tab after a line with a `name:`, or a
/// continuation of one). A line of blanks after a line that is not a field (no colon),
/// or one that starts with a form feed, ends the block.
pub fn body_start(entity: &[u8]) -> usize {
    header_end(entity).1
}

/// Where the header block of an entity ends (before the line that ends it) and where its
/// body starts (after that line); both are the end for an entity without a body. See
/// [`body_start`].
pub fn header_end(entity: &[u8]) -> (usize, usize) {
    walk_header(entity, |_| {})
}

/// [`header_end`], calling `field` with each header field's range on the way, as
/// [`field_ranges`] gives them over the block and the line that ends it: one pass over
/// the header lines.
pub fn walk_header(entity: &[u8], mut field: impl FnMut(Range<usize>)) -> (usize, usize) {
    walk_header_while(entity, |r| {
        field(r);
        true
    })
    // Never `None`: the callback never stops the walk.
    .unwrap_or((entity.len(), entity.len()))
}

/// [`walk_header`] with a `field` callback that stops the walk by returning `false`;
/// then `None`.
pub fn walk_header_while(
    entity: &[u8],
    mut field: impl FnMut(Range<usize>) -> bool,
) -> Option<(usize, usize)> {
    let mut at = 0;
    // Where the current field's range (a line and the lines after it that start with
    // a blank) starts.
    let mut start = 0;
    // The line that starts the current field (or non-field line): whether it is a
    // field decides if a following line that starts with a blank continues it. Read
    // only when such a line comes.
    let mut head: &[u8] = &[];
    let mut in_field: Option<bool> = Some(false);
    // One line-end search over the block (a SIMD iterator), not one call per line.
    let mut line_ends = memchr::memchr_iter(b'\n', entity).map(|i| i + 1);
    while at < entity.len() {
        let end = line_ends.next().unwrap_or(entity.len());
        let line = entity.get(at..end).unwrap_or_default();
        let starts_blank = matches!(line.first(), Some(b' ' | b'\t'));
        if !starts_blank && at > start {
            if !field(start..at) {
                return None;
            }
            start = at;
        }
        let continues = starts_blank && *in_field.get_or_insert_with(|| is_field(head));
        if !continues {
            let blank = line.iter().all(|&b| b.is_ascii_whitespace());
            if blank && line.last() == Some(&b'\n') {
                return field(start..end).then_some((at, end));
            }
            head = line;
            in_field = None;
        }
        at = end;
    }
    if start < entity.len() && !field(start..entity.len()) {
        return None;
    }
    Some((entity.len(), entity.len()))
}

/// The header fields of a block, each as its byte range: a line and the lines after it
/// that start with a blank (continuations). The blank line that ends the block, if
/// present, comes out as a range of its own.
pub fn field_ranges(head: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut pos = 0;
    let mut line_ends = memchr::memchr_iter(b'\n', head).map(|i| i + 1);
    std::iter::from_fn(move || {
        if pos >= head.len() {
            return None;
        }
        let start = pos;
        loop {
            pos = line_ends.next().unwrap_or(head.len());
            if !matches!(head.get(pos), Some(b' ' | b'\t')) {
                break;
            }
        }
        Some(start..pos)
    })
}

/// Which header field a line holds, by its name as mail-parser reads names (ASCII
/// blanks dropped, case ignored, a first colon skipped), among the fields read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wanted {
    ContentType,
    ContentDisposition,
    ContentTransferEncoding,
    From,
    To,
    Cc,
    Subject,
    MessageId,
    Date,
    UserAgent,
    XMailer,
}

/// The field's name (see [`Wanted`]) and where its value starts (after the colon), or
/// `None` for a field that is not read.
fn wanted(field: &[u8], fields: Fields, top: bool) -> Option<(Wanted, usize)> {
    // A name that starts with a letter starts with that letter (blanks and a first
    // colon are only skipped before it): most fields are ruled out by it.
    let all = top && fields == Fields::All;
    if let Some(&first) = field.first().filter(|b| b.is_ascii_alphabetic()) {
        let first = first.to_ascii_lowercase();
        let possible = if all {
            matches!(first, b'c' | b'f' | b't' | b's' | b'm' | b'd' | b'u' | b'x')
        } else {
            first == b'c'
        };
        if !possible {
            return None;
        }
    }
    // The usual field: letters, digits and dashes, then the colon.
    let plain = field
        .iter()
        .position(|&b| !is_name_byte(b))
        .filter(|&i| i > 0 && field.get(i) == Some(&b':'));
    let (name, value_at) = match plain {
        Some(colon) => (field.get(..colon)?, colon + 1),
        None => return wanted_unusual(field, fields, top),
    };
    Some((named(name, fields, top)?, value_at))
}

/// ASCII letters, digits and `-`: the bytes of a usual field name, one lookup each.
static NAME_BYTES: [bool; 256] = crate::ical::model::byte_class(
    b"-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
);

fn is_name_byte(b: u8) -> bool {
    NAME_BYTES.get(usize::from(b)).copied().unwrap_or(false)
}

/// Which field a name (any case, no blanks) is, among those read.
fn named(name: &[u8], fields: Fields, top: bool) -> Option<Wanted> {
    let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
    let mime = match name.len() {
        12 if is(b"content-type") => Some(Wanted::ContentType),
        19 if is(b"content-disposition") => Some(Wanted::ContentDisposition),
        25 if is(b"content-transfer-encoding") => Some(Wanted::ContentTransferEncoding),
        _ => None,
    };
    if mime.is_some() || !(top && fields == Fields::All) {
        return mime;
    }
    match name.len() {
        2 if is(b"to") => Some(Wanted::To),
        2 if is(b"cc") => Some(Wanted::Cc),
        4 if is(b"from") => Some(Wanted::From),
        4 if is(b"date") => Some(Wanted::Date),
        7 if is(b"subject") => Some(Wanted::Subject),
        8 if is(b"x-mailer") => Some(Wanted::XMailer),
        10 if is(b"message-id") => Some(Wanted::MessageId),
        10 if is(b"user-agent") => Some(Wanted::UserAgent),
        _ => None,
    }
}

/// [`wanted`] for a name as mail-parser reads any: ASCII blanks dropped, a first
/// colon skipped.
fn wanted_unusual(field: &[u8], fields: Fields, top: bool) -> Option<(Wanted, usize)> {
    let mut name = [0u8; 32];
    let mut len = 0;
    let mut colon = None;
    for (i, &b) in field.iter().enumerate() {
        match b {
            b':' if len > 0 => {
                colon = Some(i);
                break;
            }
            b':' => {}
            b'\n' => return None,
            _ if b.is_ascii_whitespace() => {}
            _ => {
                // Longer than any name read.
                *name.get_mut(len)? = b;
                len += 1;
            }
        }
    }
    let value_at = colon? + 1;
    Some((named(name.get(..len)?, fields, top)?, value_at))
}

/// Whether a message's header block has a field: else it is not read as a message.
pub fn has_header_field(head: &[u8]) -> bool {
    head.split(|&b| b == b'\n').any(is_field)
}

/// Whether mail-parser reads a header field on this line: a name, then a colon. (It
/// also reads one on an indented line that follows a line without a field.)
fn is_field(line: &[u8]) -> bool {
    line.iter()
        .position(|&b| !(b == b':' || b.is_ascii_whitespace()))
        .is_some_and(|first| line.get(first..).is_some_and(|rest| rest.contains(&b':')))
}

/// The header fields of one entity that are read.
#[derive(Debug, Default)]
struct Read<'x> {
    content_type: Option<ContentType<'x>>,
    content_disposition: Option<ContentType<'x>>,
    content_transfer_encoding: Option<Cow<'x, str>>,
    /// The message's addresses, subject, ids, date and mailer (top level,
    /// [`Fields::All`]).
    envelope: Envelope<'x>,
}

impl<'x> Read<'x> {
    /// Keeps a field parsed by mail-parser. The last field of a name wins, as in
    /// mail-parser (a last one that does not parse hides the earlier ones).
    fn keep(&mut self, header: Header<'x>) {
        match header.name {
            HeaderName::ContentType => self.content_type = into_content_type(header.value),
            HeaderName::ContentDisposition => {
                self.content_disposition = into_content_type(header.value);
            }
            HeaderName::ContentTransferEncoding => {
                self.content_transfer_encoding = match header.value {
                    HeaderValue::Text(t) => Some(t),
                    HeaderValue::TextList(mut l) => l.pop(),
                    _ => None,
                };
            }
            HeaderName::From => {
                // mail-parser's first address, kept only if it is a mailbox.
                self.envelope.from = into_addresses(header.value)
                    .into_iter()
                    .next()
                    .and_then(|a| mailbox(a.name, a.address?));
            }
            HeaderName::To | HeaderName::Cc => {
                let list = into_addresses(header.value)
                    .into_iter()
                    .filter_map(|a| mailbox(a.name, a.address?))
                    .collect();
                if header.name == HeaderName::To {
                    self.envelope.to = list;
                } else {
                    self.envelope.cc = list;
                }
            }
            HeaderName::Subject => {
                self.envelope.subject = match header.value {
                    HeaderValue::Text(t) => Some(t),
                    HeaderValue::TextList(mut l) => l.pop(),
                    _ => None,
                };
            }
            HeaderName::MessageId => {
                self.envelope.message_id = match header.value {
                    HeaderValue::Text(t) => Some(t),
                    HeaderValue::TextList(mut l) => l.pop(),
                    _ => None,
                };
            }
            HeaderName::Date => {
                self.envelope.date = header.value.as_datetime().map(DateTime::to_timestamp);
            }
            _ => {}
        }
    }
}

/// An address kept as a `Mailbox`: one with `@` (display name and address trimmed).
pub fn mailbox<'a>(name: Option<Cow<'a, str>>, address: Cow<'a, str>) -> Option<Mailbox<'a>> {
    let address = trim(address);
    if address.is_empty() || !address.contains('@') {
        return None;
    }
    Some(Mailbox {
        name: name.map(trim).filter(|n| !n.is_empty()),
        address,
    })
}

/// `text` without surrounding whitespace, borrowed when it was.
fn trim(text: Cow<'_, str>) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(t) => Cow::Borrowed(t.trim()),
        Cow::Owned(t) if t.trim().len() == t.len() => Cow::Owned(t),
        Cow::Owned(t) => Cow::Owned(t.trim().to_owned()),
    }
}

/// The addresses of an address field, groups flattened (as mail-parser's `first` and
/// `iter` read them).
fn into_addresses(value: HeaderValue<'_>) -> Vec<mail_parser::Addr<'_>> {
    match value {
        HeaderValue::Address(a) => a.into_list(),
        _ => Vec::new(),
    }
}

fn into_content_type(value: HeaderValue<'_>) -> Option<ContentType<'_>> {
    match value {
        HeaderValue::ContentType(ct) => Some(ct),
        _ => None,
    }
}

/// The header fields of a block that are read: `Content-*` values that are simple by
/// [`super::fields`], the others by mail-parser's header parser (runs of consecutive
/// fields together); fields that are not read (`Received:`, `DKIM-Signature:`, ...)
/// are never parsed.
fn read_fields<'h>(entity: &'h [u8], fields: Fields, top: bool) -> (Read<'h>, (usize, usize)) {
    let mut read = Read::default();
    let mut run: Option<Range<usize>> = None;
    let flush = |run: &mut Option<Range<usize>>, read: &mut Read<'h>| {
        if let Some(r) = run.take() {
            if let Some(m) =
                MessageParser::default().parse_headers(entity.get(r).unwrap_or_default())
            {
                for h in m.parts.into_iter().flat_map(|p| p.headers) {
                    read.keep(h);
                }
            }
        }
    };
    let ends = walk_header(entity, |field| {
        let bytes = entity.get(field.clone()).unwrap_or_default();
        let Some((which, value_at)) = wanted(bytes, fields, top) else {
            flush(&mut run, &mut read);
            return;
        };
        let value = bytes.get(value_at..).unwrap_or_default();
        // A value read here is kept after the fields before it (the last one wins).
        match which {
            Wanted::ContentType | Wanted::ContentDisposition => {
                if let Some(ct) = super::fields::content_type(value) {
                    flush(&mut run, &mut read);
                    if which == Wanted::ContentType {
                        read.content_type = Some(ct);
                    } else {
                        read.content_disposition = Some(ct);
                    }
                    return;
                }
            }
            Wanted::ContentTransferEncoding => {
                if let Some(t) = super::fields::single_token(value) {
                    flush(&mut run, &mut read);
                    read.content_transfer_encoding = Some(Cow::Borrowed(t));
                    return;
                }
            }
            Wanted::UserAgent | Wanted::XMailer => {
                // Kept raw (as mail-parser's `header_raw` gives it): only searched for
                // words.
                let raw = std::str::from_utf8(value).ok().map(str::trim);
                if which == Wanted::UserAgent {
                    read.envelope.user_agent = raw;
                } else {
                    read.envelope.x_mailer = raw;
                }
                flush(&mut run, &mut read);
                return;
            }
            Wanted::From | Wanted::To | Wanted::Cc => {
                if let Some(list) = super::envelope::addresses(value) {
                    flush(&mut run, &mut read);
                    match which {
                        // mail-parser's first address, kept only if it is a mailbox.
                        Wanted::From => {
                            read.envelope.from = list.first().and_then(|&(name, address)| {
                                mailbox(name.map(Cow::Borrowed), Cow::Borrowed(address))
                            });
                        }
                        _ => {
                            let boxes = list
                                .into_iter()
                                .filter_map(|(name, address)| {
                                    mailbox(name.map(Cow::Borrowed), Cow::Borrowed(address))
                                })
                                .collect();
                            if which == Wanted::To {
                                read.envelope.to = boxes;
                            } else {
                                read.envelope.cc = boxes;
                            }
                        }
                    }
                    return;
                }
            }
            Wanted::Subject => {
                if let Some(t) = super::envelope::text(value) {
                    flush(&mut run, &mut read);
                    read.envelope.subject = Some(t);
                    return;
                }
            }
            Wanted::MessageId => {
                if let Some(id) = super::envelope::message_id(value) {
                    flush(&mut run, &mut read);
                    read.envelope.message_id = Some(Cow::Borrowed(id));
                    return;
                }
            }
            Wanted::Date => {
                if let Some(t) = super::envelope::date(value) {
                    flush(&mut run, &mut read);
                    read.envelope.date = Some(t);
                    return;
                }
            }
        }
        run = Some(run.take().map_or(field.clone(), |r| r.start..field.end));
    });
    flush(&mut run, &mut read);
    (read, ends)
}

/// A `Content-*` field with a simple value as the scan reads it without mail-parser
/// (its name as the scan reads names, its value by [`super::fields`]), as a mail-parser header:
/// for comparing the two readings.
pub fn fast_field(field: &[u8]) -> Option<mail_parser::Header<'_>> {
    let (which, value_at) = wanted(field, Fields::Mime, false)?;
    let value = field.get(value_at..)?;
    let (name, value) = match which {
        Wanted::ContentType => (
            HeaderName::ContentType,
            HeaderValue::ContentType(super::fields::content_type(value)?),
        ),
        Wanted::ContentDisposition => (
            HeaderName::ContentDisposition,
            HeaderValue::ContentType(super::fields::content_type(value)?),
        ),
        Wanted::ContentTransferEncoding => (
            HeaderName::ContentTransferEncoding,
            HeaderValue::Text(Cow::Borrowed(super::fields::single_token(value)?)),
        ),
        _ => return None,
    };
    Some(mail_parser::Header {
        name,
        value,
        offset_field: 0,
        offset_start: 0,
        offset_end: 0,
    })
}

/// A multipart body cut at its delimiter lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Split {
    /// Each part from the line after its delimiter to the line end before the next
    /// delimiter (exclusive), relative to the body.
    pub parts: Vec<Range<usize>>,
    /// Whether the closing delimiter `--boundary--` was found.
    pub closed: bool,
    /// Offset of the first `--boundary` before the closing delimiter that is not at a
    /// line start.
    pub suspect: Option<usize>,
    /// Whether any delimiter line was found.
    pub delimited: bool,
}

/// Cuts a multipart body at its delimiter lines.
pub fn split(body: &[u8], boundary: &[u8]) -> Split {
    let mut out = Split::default();
    if boundary.is_empty() {
        return out;
    }
    let mut open: Option<usize> = None;
    for at in occurrences(body, boundary) {
        let line_start = at == 0 || body.get(at - 1) == Some(&b'\n');
        let after = at + boundary.len() + 2;
        let rest = body.get(after..).unwrap_or_default();
        let closing = rest.starts_with(b"--");
        let line_end = rest
            .iter()
            .position(|&b| !matches!(b, b' ' | b'\t' | b'\r'))
            .is_none_or(|k| rest.get(k) == Some(&b'\n'));
        if !line_start {
            out.suspect.get_or_insert(at);
            continue;
        }
        if !(closing || line_end) {
            // `--boundary.REL` (Eudora nests boundaries that extend the outer one): not
            // a delimiter line, as RFC 2046 defines it.
            continue;
        }
        out.delimited = true;
        if let Some(start) = open {
            out.parts
                .push(start..line_break_before(body, at).max(start));
        }
        if closing {
            out.closed = true;
            return out;
        }
        open = Some(memchr::memchr(b'\n', rest).map_or(body.len(), |i| after + i + 1));
    }
    if let Some(start) = open {
        out.parts.push(start..body.len());
    }
    out
}

/// Where `--boundary` occurs in `body`, left to right, without overlaps. A search for
/// `--` (SIMD, one searcher for the process) with a check at each: cheaper than
/// building a substring searcher for each multipart, and `--` is rare outside delimiter
/// lines (single dashes, common in calendars and HTML, are skipped by the search). A
/// body full of `--` that are not delimiters switches to a substring searcher for
/// `--boundary` after [`DASH_MISSES`] of them.
fn occurrences<'b>(body: &'b [u8], boundary: &'b [u8]) -> impl Iterator<Item = usize> + 'b {
    static DOUBLE_DASH: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    let dashes = DOUBLE_DASH.get_or_init(|| memchr::memmem::Finder::new(b"--"));
    let mut from = 0;
    let mut misses = 0usize;
    let mut finder: Option<memchr::memmem::Finder<'static>> = None;
    std::iter::from_fn(move || {
        if let Some(f) = &finder {
            let at = from + f.find(body.get(from..)?)?;
            from = at + f.needle().len();
            return Some(at);
        }
        loop {
            let at = from + dashes.find(body.get(from..)?)?;
            if body.get(at + 2..).is_some_and(|r| r.starts_with(boundary)) {
                from = at + 2 + boundary.len();
                return Some(at);
            }
            // `---boundary`: the next `--` may start at the second dash.
            from = at + 1;
            misses += 1;
            if misses > DASH_MISSES {
                let mut needle = Vec::with_capacity(boundary.len() + 2);
                needle.extend_from_slice(b"--");
                needle.extend_from_slice(boundary);
                let f = memchr::memmem::Finder::new(&needle).into_owned();
                let found = body
                    .get(from..)
                    .and_then(|rest| f.find(rest))
                    .map(|i| from + i);
                from = found.map_or(body.len(), |i| i + needle.len());
                finder = Some(f);
                return found;
            }
        }
    })
}

/// `--` that are not delimiters before [`occurrences`] builds a substring searcher.
const DASH_MISSES: usize = 256;

/// The offset of the line break that ends the line before `at` (a line start), so that
/// the CRLF before a delimiter belongs to the delimiter.
fn line_break_before(body: &[u8], at: usize) -> usize {
    if at == 0 {
        return 0;
    }
    let end = at - 1;
    if end > 0 && body.get(end - 1) == Some(&b'\r') {
        end - 1
    } else {
        end
    }
}

/// What a part holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A leaf: its body is data.
    Leaf,
    /// A forwarded message (`message/rfc822`, `message/global`, or a part of a
    /// multipart/digest without a type), not transfer-encoded.
    Message,
    /// A multipart with delimiter lines: its children's indices.
    Multipart(Vec<u32>),
}

/// One MIME entity: where it is in the input and its `Content-*` fields.
#[derive(Debug, Clone)]
pub struct Part<'x> {
    /// Where the entity (its header block) starts.
    pub offset_header: u32,
    /// Where its body starts.
    pub offset_body: u32,
    /// Where it ends (before the line break that precedes the next delimiter).
    pub offset_end: u32,
    /// `Content-Type`, as mail-parser reads it: type, subtype and parameter names in
    /// lowercase.
    pub content_type: Option<ContentType<'x>>,
    /// `Content-Disposition`, as mail-parser reads it.
    pub content_disposition: Option<ContentType<'x>>,
    /// `Content-Transfer-Encoding`, as written.
    pub content_transfer_encoding: Option<Cow<'x, str>>,
    /// The transfer encoding that is decoded (base64 or quoted-printable), if any.
    pub encoding: Encoding,
    /// Leaf, forwarded message or multipart.
    pub kind: Kind,
}

impl<'x> Part<'x> {
    /// `Content-Type`.
    pub fn content_type(&self) -> Option<&ContentType<'x>> {
        self.content_type.as_ref()
    }

    /// `Content-Disposition`.
    pub fn content_disposition(&self) -> Option<&ContentType<'x>> {
        self.content_disposition.as_ref()
    }

    /// `Content-Transfer-Encoding`.
    pub fn content_transfer_encoding(&self) -> Option<&str> {
        self.content_transfer_encoding.as_deref()
    }

    /// The disposition's `filename`, else the type's `name` (as mail-parser gives it).
    pub fn attachment_name(&self) -> Option<&str> {
        self.content_disposition()
            .and_then(|cd| cd.attribute("filename"))
            .or_else(|| self.content_type().and_then(|ct| ct.attribute("name")))
    }
}

/// The message's header fields that are read, besides the `Content-*` ones. The last
/// field of a name wins, as in mail-parser.
#[derive(Debug, Default)]
pub struct Envelope<'x> {
    /// `From:`: its first address, if that is a mailbox.
    pub from: Option<Mailbox<'x>>,
    /// `To:` mailboxes.
    pub to: Vec<Mailbox<'x>>,
    /// `Cc:` mailboxes.
    pub cc: Vec<Mailbox<'x>>,
    /// `Subject:`, decoded.
    pub subject: Option<Cow<'x, str>>,
    /// `Message-ID:` without angle brackets.
    pub message_id: Option<Cow<'x, str>>,
    /// `Date:` as a Unix timestamp.
    pub date: Option<i64>,
    /// The last `User-Agent:` value, raw and trimmed.
    pub user_agent: Option<&'x str>,
    /// The last `X-Mailer:` value, raw and trimmed.
    pub x_mailer: Option<&'x str>,
}

/// The message's structure with parsed header fields and no decoded body.
#[derive(Debug)]
pub struct Scanned<'x> {
    /// Part 0 is the message; children come after their parent; offsets are into the
    /// input.
    pub parts: Vec<Part<'x>>,
    /// The message's other header fields ([`Fields::All`]).
    pub envelope: Envelope<'x>,
    /// Where the message's header block ends, before the line that ends it.
    pub header_end: usize,
    /// Why the structure is ambiguous, if it is.
    pub suspect: Option<String>,
}

/// Reads the structure of `raw`.
///
/// # Errors
/// `unparseable_message` when the message has no header field; `limit_exceeded` past
/// [`Limits::max_parts`] or [`Limits::max_mime_depth`] (and [`HARD_MAX_DEPTH`]), or
/// when an offset does not fit 32 bits.
pub fn parse<'x>(raw: &'x [u8], limits: &Limits, fields: Fields) -> Result<Scanned<'x>, Skip> {
    if u32::try_from(raw.len()).is_err() {
        return Err(skip(
            WarningCode::LimitExceeded,
            format!("message is {} bytes, more than 4 GiB", raw.len()),
        ));
    }
    let mut walk = Walker {
        raw,
        fields,
        parts: Vec::new(),
        envelope: Envelope::default(),
        header_end: 0,
        suspect: None,
        max_parts: limits.max_parts,
        max_depth: limits.max_mime_depth.min(HARD_MAX_DEPTH),
    };
    walk.entity(0..raw.len(), false, 0)?;
    let header_end = walk.header_end;
    if !has_header_field(raw.get(..header_end).unwrap_or_default()) {
        return Err(skip(
            WarningCode::UnparseableMessage,
            "not an RFC 5322 message",
        ));
    }
    Ok(Scanned {
        parts: walk.parts,
        envelope: walk.envelope,
        header_end,
        suspect: walk.suspect,
    })
}

/// Which header fields are parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fields {
    /// The message's addresses, subject, date, ids and mailer, and every part's
    /// `Content-*` fields.
    All,
    /// Only the `Content-*` fields (enough to find the parts again).
    Mime,
}

struct Walker<'x> {
    raw: &'x [u8],
    fields: Fields,
    parts: Vec<Part<'x>>,
    envelope: Envelope<'x>,
    /// Where the message's header block ends.
    header_end: usize,
    suspect: Option<String>,
    max_parts: usize,
    max_depth: usize,
}

/// Offsets are checked against 4 GiB once, in [`parse`].
fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

impl<'x> Walker<'x> {
    /// Reads the entity at `range` and everything inside it; returns its part index.
    fn entity(&mut self, range: Range<usize>, in_digest: bool, depth: usize) -> Result<u32, Skip> {
        if depth > self.max_depth {
            return Err(skip(
                WarningCode::LimitExceeded,
                format!("MIME nesting deeper than {}", self.max_depth),
            ));
        }
        if self.parts.len() >= self.max_parts {
            return Err(skip(
                WarningCode::LimitExceeded,
                format!("more than {} MIME parts", self.max_parts),
            ));
        }
        let raw = self.raw;
        let entity = raw.get(range.clone()).unwrap_or_default();
        let (read, (head_end, body_start)) = read_fields(entity, self.fields, depth == 0);
        if depth == 0 {
            self.header_end = range.start + head_end;
        }
        let body_at = range.start + body_start;
        if depth == 0 {
            self.envelope = read.envelope;
        }
        let mut part = Part {
            offset_header: offset(range.start),
            offset_body: offset(body_at),
            offset_end: offset(range.end),
            content_type: read.content_type,
            content_disposition: read.content_disposition,
            content_transfer_encoding: read.content_transfer_encoding,
            encoding: Encoding::None,
            kind: Kind::Leaf,
        };
        let id = offset(self.parts.len());

        let ct = part.content_type.as_ref();
        // Types are read in lowercase (see `Part::content_type`).
        let ctype_is = |t: &str| ct.is_some_and(|c| c.ctype() == t);
        let subtype_is = |t: &str| ct.and_then(|c| c.subtype()).is_some_and(|s| s == t);
        let boundary = ct
            .filter(|_| ctype_is("multipart"))
            .and_then(|c| c.attribute("boundary"));
        let cte = part
            .content_transfer_encoding
            .as_deref()
            .map(str::trim)
            .unwrap_or_default();
        let encoding = if cte.eq_ignore_ascii_case("base64") {
            Encoding::Base64
        } else if cte.eq_ignore_ascii_case("quoted-printable") {
            Encoding::QuotedPrintable
        } else {
            Encoding::None
        };
        let message = encoding == Encoding::None
            && if ct.is_none() {
                in_digest
            } else {
                ctype_is("message") && (subtype_is("rfc822") || subtype_is("global"))
            };

        let digest = subtype_is("digest");
        let cut = boundary.map(|boundary| {
            let body = raw.get(body_at..range.end).unwrap_or_default();
            let cut = split(body, boundary.as_bytes());
            if let Some(at) = cut.suspect {
                self.suspect.get_or_insert_with(|| {
                    format!(
                        "\"--{boundary}\" at byte {} is not a delimiter line",
                        body_at + at
                    )
                });
            }
            cut
        });
        if let Some(cut) = cut.filter(|c| c.delimited) {
            self.parts.push(part);
            let mut children = Vec::with_capacity(cut.parts.len());
            for r in cut.parts {
                let child = (body_at + r.start)..(body_at + r.end);
                children.push(self.entity(child, digest, depth + 1)?);
            }
            if let Some(p) = self.parts.get_mut(id as usize) {
                p.kind = Kind::Multipart(children);
            }
            return Ok(id);
        }
        // A multipart without any delimiter is read as a single part, as mail-parser
        // does.
        part.encoding = encoding;
        if message {
            part.kind = Kind::Message;
        }
        self.parts.push(part);
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_start_finds_the_first_empty_line() {
        assert_eq!(body_start(b"A: b\r\n\r\nbody"), 8);
        assert_eq!(body_start(b"A: b\n\nbody"), 6);
        assert_eq!(body_start(b"A: b\n c\n\nbody"), 9);
        assert_eq!(body_start(b"\r\nbody"), 2);
        assert_eq!(body_start(b"A: b\r\n"), 6);
        // A line of form feeds (ASCII whitespace, not a continuation) ends the block,
        // as in mail-parser.
        assert_eq!(body_start(b"A: b\n\x0c\x0c\r\nB: c\n\nx"), 9);
        assert_eq!(body_start(b"A: b\n \x0c\nB: c\n\nx"), 14);
        // A line of blanks continues a field (as mail-parser reads it)...
        assert_eq!(body_start(b"A: b\n \nB: c\n\nx"), 13);
        // ...but ends the header after a line that is not a field.
        assert_eq!(body_start(b"A: b\njunk\n \r\nB: c\n\nx"), 13);
        assert_eq!(body_start(b"A: b\n\t\r\n"), 8);
        assert_eq!(body_start(b" \r\nA: b\n"), 3);
        // The header block stops before the line that ends it, whatever its blanks.
        assert_eq!(header_end(b"A: b\njunk\n \r\nB: c\n\nx"), (10, 13));
        assert_eq!(header_end(b"A: b\r\n\r\nx"), (6, 8));
        assert_eq!(header_end(b"A: b\r\n"), (6, 6));
    }

    #[test]
    fn name_bytes_are_letters_digits_and_dash() {
        for b in 0..=u8::MAX {
            assert_eq!(
                is_name_byte(b),
                b.is_ascii_alphanumeric() || b == b'-',
                "{b}"
            );
        }
    }

    #[test]
    fn one_walk_gives_the_fields_and_the_end() {
        let blocks: &[&[u8]] = &[
            b"A: b\r\n\r\nbody",
            b"A: b\n c\n\nbody",
            b"A: b\n \nB: c\n\nx",
            b"A: b\njunk\n \r\nB: c\n\nx",
            b"A: b\n\t\r\n",
            b" \r\nA: b\n",
            b"A: b\r\n",
            b"A: b",
            b"",
            b"\r\n",
            b"X: 1\r\n :y\r\n\tz\r\nY: 2\r\n\r\n--B\r\n",
        ];
        for &entity in blocks {
            let mut walked = Vec::new();
            let ends = walk_header(entity, |r| walked.push(r));
            let head = &entity[..ends.1];
            let expected: Vec<Range<usize>> = field_ranges(head).collect();
            assert_eq!(walked, expected, "{:?}", String::from_utf8_lossy(entity));
            let mut n = 0;
            assert_eq!(
                walk_header_while(entity, |_| {
                    n += 1;
                    n < 2
                }),
                (expected.len() < 2).then_some(ends)
            );
        }
    }

    #[test]
    fn split_at_delimiter_lines_only() {
        let body =
            b"preamble\r\n--B\r\nA: 1\r\n\r\none\r\n--B \r\n\r\ntwo --B x\r\n--B--\r\nepilogue --B";
        let cut = split(body, b"B");
        assert!(cut.closed && cut.delimited);
        let parts: Vec<&[u8]> = cut.parts.iter().map(|r| &body[r.clone()]).collect();
        assert_eq!(parts, [&b"A: 1\r\n\r\none"[..], &b"\r\ntwo --B x"[..]]);
        assert_eq!(
            cut.suspect,
            Some(body.windows(7).position(|w| w == b"two --B").unwrap() + 4)
        );
    }

    #[test]
    fn occurrences_match_a_substring_search() {
        let find = |body: &[u8], b: &[u8]| occurrences(body, b).collect::<Vec<_>>();
        assert_eq!(find(b"----=_X\n----=_X--", b"--=_X"), vec![0, 8]);
        assert_eq!(find(b"----=_X\n--=_X--", b"--=_X"), vec![0]);
        assert_eq!(find(b"---B\n--B--B", b"B"), vec![1, 5, 8]);
        assert_eq!(find(b"- -- -B", b"B"), Vec::<usize>::new());
        assert_eq!(find(b"--", b"B"), Vec::<usize>::new());
        // Many dashes: the searcher takes over and finds the same places.
        let mut body = b"-".repeat(1000);
        body.extend_from_slice(b"\n--B\n");
        body.extend(b"-x".repeat(500));
        body.extend_from_slice(b"--B--B");
        let naive: Vec<usize> = {
            let mut v = Vec::new();
            let mut i = 0;
            while i + 3 <= body.len() {
                if &body[i..i + 3] == b"--B" {
                    v.push(i);
                    i += 3;
                } else {
                    i += 1;
                }
            }
            v
        };
        assert_eq!(naive.len(), 3);
        assert_eq!(find(&body, b"B"), naive);
    }

    #[test]
    fn occurrences_match_a_naive_search_on_dashy_bodies() {
        let naive = |body: &[u8], boundary: &[u8]| {
            let needle = [b"--", boundary].concat();
            let mut v = Vec::new();
            let mut i = 0;
            while i + needle.len() <= body.len() {
                if body[i..].starts_with(&needle) {
                    v.push(i);
                    i += needle.len();
                } else {
                    i += 1;
                }
            }
            v
        };
        // Every body over a small alphabet, from a simple generator.
        let alphabet = b"--B\nx";
        let mut state = 0x9E37_79B9u32;
        for len in 0..200 {
            for _ in 0..20 {
                let body: Vec<u8> = (0..len)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 17;
                        state ^= state << 5;
                        alphabet[state as usize % alphabet.len()]
                    })
                    .collect();
                for boundary in [&b"B"[..], b"BB", b"-B"] {
                    assert_eq!(
                        occurrences(&body, boundary).collect::<Vec<_>>(),
                        naive(&body, boundary),
                        "{:?} / {:?}",
                        String::from_utf8_lossy(&body),
                        String::from_utf8_lossy(boundary)
                    );
                }
            }
        }
    }

    #[test]
    fn split_without_closing_delimiter_runs_to_the_end() {
        let body = b"--B\nx\n--B\ny\n";
        let cut = split(body, b"B");
        assert!(!cut.closed);
        assert_eq!(cut.parts, vec![4..5, 10..12]);
        assert_eq!(cut.suspect, None);
    }

    #[test]
    fn a_longer_boundary_is_not_a_delimiter() {
        let cut = split(b"--B\nx\n--B.REL\ny\n--B--\n", b"B");
        assert_eq!(cut.parts, vec![4..15]);
        assert_eq!(cut.suspect, None);
    }

    #[test]
    fn tree_offsets_and_types() {
        let raw = b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=\"O\"\r\n\r\n\
            --O\r\nContent-Type: multipart/alternative; boundary=I\r\n\r\n--I\r\nContent-Type: text/plain\r\n\r\nhi\r\n\
            --I\r\nContent-Type: text/calendar; method=REQUEST\r\nContent-Transfer-Encoding: base64\r\n\r\nQkVHSU4=\r\n--I--\r\n\
            --O\r\nContent-Type: message/rfc822\r\n\r\nFrom: b@example.com\r\n\r\nx\r\n--O--\r\n";
        let s = parse(raw, &Limits::DEFAULT, Fields::All).unwrap();
        assert_eq!(s.suspect, None);
        let parts = &s.parts;
        assert_eq!(parts.len(), 5);
        assert!(matches!(&parts[0].kind, Kind::Multipart(c) if c == &[1, 4]));
        assert!(matches!(&parts[1].kind, Kind::Multipart(c) if c == &[2, 3]));
        let body = |p: &Part<'_>| &raw[p.offset_body as usize..p.offset_end as usize];
        assert_eq!(body(&parts[2]), b"hi");
        assert_eq!(body(&parts[3]), b"QkVHSU4=");
        assert_eq!(parts[3].encoding, Encoding::Base64);
        assert_eq!(
            parts[3].content_type().and_then(|c| c.attribute("method")),
            Some("REQUEST")
        );
        assert!(matches!(parts[4].kind, Kind::Message));
        assert_eq!(
            s.envelope.from.as_ref().map(|m| m.address.as_ref()),
            Some("a@example.com")
        );
        // A whole part runs from its header to the line end before the next delimiter.
        let whole = &raw[parts[1].offset_header as usize..parts[1].offset_end as usize];
        assert!(whole.starts_with(b"Content-Type: multipart/alternative"));
        assert!(whole.ends_with(b"--I--"));
    }

    #[test]
    fn types_are_read_in_lowercase_on_both_paths() {
        // The second part's value has a comment: mail-parser reads it, not the fast
        // path. The type checks here and in `mime` compare lowercase text exactly.
        let raw = b"From: a@example.com\r\nContent-Type: MultiPart/Mixed; Boundary=\"O\"\r\n\r\n\
            --O\r\nContent-Type: TEXT/Calendar (c); METHOD=REQUEST\r\n\r\nx\r\n\
            --O\r\nContent-Type: Message/RFC822\r\n\r\nFrom: b@example.com\r\n\r\ny\r\n--O--\r\n";
        let s = parse(raw, &Limits::DEFAULT, Fields::All).unwrap();
        let parts = &s.parts;
        assert!(matches!(&parts[0].kind, Kind::Multipart(c) if c == &[1, 2]));
        let types: Vec<(&str, Option<&str>)> = parts
            .iter()
            .filter_map(|p| p.content_type())
            .map(|c| (c.ctype(), c.subtype()))
            .collect();
        assert_eq!(
            types,
            [
                ("multipart", Some("mixed")),
                ("text", Some("calendar")),
                ("message", Some("rfc822"))
            ]
        );
        assert_eq!(
            parts[1].content_type().and_then(|c| c.attribute("method")),
            Some("REQUEST")
        );
        assert!(matches!(parts[2].kind, Kind::Message));
    }

    #[test]
    fn only_the_fields_read_are_parsed() {
        let head =
            b"Received: from x by y; Mon, 1 Jan 2024 00:00:00 +0000\r\nFrom: A <a@example.com>\r\n\
            X-Other: 1\r\nSubject: one\r\n two\r\n :cOntent- Type: text/plain\r\n\r\n";
        let (read, _) = read_fields(head, Fields::All, true);
        assert_eq!(
            read.envelope.from.as_ref().map(|m| m.address.as_ref()),
            Some("a@example.com")
        );
        assert_eq!(
            read.envelope.subject.as_deref(),
            Some("one two :cOntent- Type: text/plain")
        );
        assert_eq!(read.envelope.date, None);
        // The indented line continues the Subject: it is not a Content-Type.
        assert!(read.content_type.is_none());
        let head =
            b"X-A: 1\r\n:Content-Type: text/calendar\r\nContent-Transfer-Encoding: base64\r\n\r\n";
        let (read, _) = read_fields(head, Fields::All, true);
        assert!(read.envelope.from.is_none() && read.envelope.subject.is_none());
        assert_eq!(
            read.content_type.as_ref().map(|c| (c.ctype(), c.subtype())),
            Some(("text", Some("calendar")))
        );
        assert_eq!(read.content_transfer_encoding.as_deref(), Some("base64"));
        // Checking an output again reads the Content-* fields only.
        let raw = b"From: a@example.com\r\nContent-Type: text/plain\r\n\r\nx";
        let s = parse(raw, &Limits::DEFAULT, Fields::Mime).unwrap();
        assert!(s.parts[0].content_type.is_some());
        assert_eq!(s.envelope.from, None);
        // A message with fields, none of them read, is still a message.
        assert!(parse(b"X-A: 1\r\n\r\nbody", &Limits::DEFAULT, Fields::All).is_ok());
    }

    #[test]
    fn field_names_are_read_as_mail_parser_reads_them() {
        let w = |f: &[u8], fields| wanted(f, fields, true);
        assert_eq!(
            w(b"Content-Type: x", Fields::All),
            Some((Wanted::ContentType, 13))
        );
        assert_eq!(
            w(b"cOnTeNt-TyPe:x", Fields::Mime),
            Some((Wanted::ContentType, 13))
        );
        assert_eq!(
            w(b"Content - Type : x", Fields::All),
            Some((Wanted::ContentType, 16))
        );
        assert_eq!(
            w(b":Content-Type: x", Fields::All),
            Some((Wanted::ContentType, 14))
        );
        assert_eq!(w(b"SUBJECT: x", Fields::All), Some((Wanted::Subject, 8)));
        assert_eq!(w(b"Subject: x", Fields::Mime), None);
        assert_eq!(wanted(b"Subject: x", Fields::All, false), None);
        assert_eq!(w(b"X_Mailer: x", Fields::All), None);
        assert_eq!(w(b"X-Mailer: x", Fields::All), Some((Wanted::XMailer, 9)));
        assert_eq!(w(b"Content-Type\n: x", Fields::All), None);
        assert_eq!(w(b"Content-Typo: x", Fields::All), None);
        assert_eq!(w(b"Received: from a", Fields::All), None);
    }

    #[test]
    fn the_mailer_is_read_raw_wherever_it_is() {
        let raw = b"Received: from x\r\n\tby y\r\nFrom: a@example.com\r\nUser-Agent:  Microsoft-Entourage/10.1\r\n\
            X-Mailer: Other\r\nSubject: s\r\n\r\nbody";
        let s = parse(raw, &Limits::DEFAULT, Fields::All).unwrap();
        assert_eq!(s.envelope.user_agent, Some("Microsoft-Entourage/10.1"));
        assert_eq!(s.envelope.x_mailer, Some("Other"));
        assert_eq!(s.envelope.subject.as_deref(), Some("s"));
        // The last field of a name wins, as in mail-parser.
        let raw = b"Subject: one\r\nX-A: 1\r\nSubject: two\r\nContent-Type: text/plain\r\n\
            Content-Type: text/html\r\n\r\nx";
        let s = parse(raw, &Limits::DEFAULT, Fields::All).unwrap();
        assert_eq!(s.envelope.subject.as_deref(), Some("two"));

        assert_eq!(
            s.parts[0].content_type().and_then(|c| c.subtype()),
            Some("html")
        );
        // Whichever parser reads each one.
        let raw = b"Subject: two\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\n\
            From: =?utf-8?q?Ren=C3=A9?= <r@example.com>\r\nFrom: B <b@example.com>\r\n\r\nx";
        let s = parse(raw, &Limits::DEFAULT, Fields::All).unwrap();
        assert_eq!(s.envelope.subject.as_deref(), Some("café"));
        assert_eq!(
            s.envelope.from.as_ref().map(|m| m.address.as_ref()),
            Some("b@example.com")
        );
        let raw =
            b"From: B <b@example.com>\r\nFrom: =?utf-8?q?Ren=C3=A9?= <r@example.com>\r\n\r\nx";
        let s = parse(raw, &Limits::DEFAULT, Fields::All).unwrap();
        assert_eq!(
            s.envelope.from,
            Some(Mailbox {
                name: Some("René".into()),
                address: "r@example.com".into()
            })
        );
    }

    #[test]
    fn limits_and_garbage() {
        let raw = b"Content-Type: multipart/mixed; boundary=B\n\n--B\n\nx\n--B\n\ny\n--B--\n";
        let one = Limits {
            max_parts: 2,
            ..Limits::DEFAULT
        };
        assert_eq!(
            parse(raw, &one, Fields::All).unwrap_err().code,
            WarningCode::LimitExceeded
        );
        let flat = Limits {
            max_mime_depth: 0,
            ..Limits::DEFAULT
        };
        assert_eq!(
            parse(raw, &flat, Fields::All).unwrap_err().code,
            WarningCode::LimitExceeded
        );
        assert!(parse(raw, &Limits::DEFAULT, Fields::All).is_ok());
        assert_eq!(
            parse(
                b"\r\nbody without a header\r\n",
                &Limits::DEFAULT,
                Fields::All
            )
            .unwrap_err()
            .code,
            WarningCode::UnparseableMessage
        );
        // A multipart without any delimiter is one part.
        let s = parse(
            b"Content-Type: multipart/mixed; boundary=B\n\nplain\n",
            &Limits::DEFAULT,
            Fields::All,
        )
        .unwrap();
        assert_eq!(s.parts.len(), 1);
    }
}
