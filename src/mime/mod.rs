//! MIME ingest: find the calendar in a message and everything around it.
//!
//! [`scan`] gives the part tree and byte offsets without decoding any body (header
//! fields through mail-parser's header parser, or [`fields`] for simple `Content-*`
//! values); this module classifies each part (calendar, body text, body HTML,
//! attachment), decodes only the calendar parts (and the body text or HTML when an
//! Outlook profile repair needs it), and keeps every other part as a byte range of the
//! input so that the emitter can carry it over unchanged. It never changes anything and
//! reads no clock.

pub mod applefile;
pub mod binhex;
pub mod charset;
pub mod encoded_word;
pub mod envelope;
pub mod fields;
pub mod header;
pub mod prescan;
pub mod scan;
pub mod transfer;
pub mod uuencode;

use crate::options::Limits;
use crate::report::{FixCode, WarningCode};
use mail_parser::Encoding;
use scan::{Kind, Part};
use std::borrow::Cow;
use std::ops::Range;

/// An address from a header (borrowed from the input when nothing was decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox<'a> {
    /// Display name, decoded.
    pub name: Option<Cow<'a, str>>,
    /// `local@domain`.
    pub address: Cow<'a, str>,
}

/// A calendar found in the message.
#[derive(Debug, Clone)]
pub struct CalendarPart<'a> {
    /// The body after transfer decoding, before charset decoding (borrowed from the
    /// input when it needed no decoding).
    pub content: Cow<'a, [u8]>,
    /// Declared charset, if any.
    pub charset: Option<Cow<'a, str>>,
    /// The `method=` parameter, as written.
    pub method_param: Option<Cow<'a, str>>,
    /// `type/subtype`, lowercase.
    pub media_type: String,
    /// Whether it is a `text/calendar` part, not an attachment, at the top level or in
    /// a multipart/alternative: where Outlook looks for a meeting.
    pub inline_in_place: bool,
    /// The Mac or legacy wrapper the calendar came in, as a report fix.
    pub unwrapped: Option<(FixCode, String)>,
    /// The calendar was a uuencoded block inside the body text (which is then rewritten
    /// without it).
    pub in_text: bool,
}

/// What the emitter needs from the input message.
#[derive(Debug, Clone)]
pub struct Mail<'a> {
    /// The whole input.
    pub raw: &'a [u8],
    /// Line end used by the message header (`\r\n` or `\n`).
    pub eol: &'static str,
    /// The top-level header block, without the blank line that ends it.
    pub header_block: &'a [u8],
    /// `From:`, first address.
    pub from: Option<Mailbox<'a>>,
    /// `To:` and `Cc:` addresses.
    pub recipients: Vec<Mailbox<'a>>,
    /// `Subject:`, decoded (borrowed from the input when nothing was decoded).
    pub subject: Option<Cow<'a, str>>,
    /// `Message-ID:` without angle brackets.
    pub message_id: Option<Cow<'a, str>>,
    /// `Date:` as a Unix timestamp.
    pub date: Option<i64>,
    /// `User-Agent:` or `X-Mailer:`, raw and trimmed.
    pub user_agent: Option<&'a str>,
    /// The charset declared by the body text part, if any.
    pub text_charset: Option<Cow<'a, str>>,
    /// The calendar to repair first, then other calendars.
    pub calendars: Vec<CalendarPart<'a>>,
    /// Indices into `calendars` (after the first) that repeat the first calendar.
    pub duplicates: Vec<usize>,
    /// The sender's plain-text body part.
    pub text: Option<Range<usize>>,
    /// The sender's HTML body (or the multipart/related holding it).
    pub html: Option<Range<usize>>,
    /// Other alternatives of the body (e.g. text/enriched), carried over.
    pub other_alternatives: Vec<Range<usize>>,
    /// Every other part, in order, carried over unchanged.
    pub attachments: Vec<Range<usize>>,
    /// The body text to write instead of the `text` part (UTF-8), when a uuencoded
    /// calendar was cut out of it.
    pub text_override: Option<String>,
    /// Findings while reading (a corrupt BinHex part, ...).
    pub notes: Vec<(WarningCode, String)>,
    /// The body text part's body, for [`Mail::text_decoded`].
    text_body: Option<Body<'a>>,
    /// The body HTML part's body, for [`Mail::html_decoded`].
    html_body: Option<Body<'a>>,
}

/// A text body still transfer-encoded in the input, decoded on demand.
#[derive(Debug, Clone)]
struct Body<'a> {
    range: Range<usize>,
    encoding: Encoding,
    charset: Option<Cow<'a, str>>,
}

impl<'a> Body<'a> {
    fn of(raw: &[u8], part: &Part<'a>) -> Body<'a> {
        let start = clamp(part.offset_body, raw.len());
        Body {
            range: start..clamp(part.offset_end, raw.len()).max(start),
            encoding: part.encoding,
            charset: type_param(part, "charset"),
        }
    }

    /// Transfer encoding, then charset, to UTF-8, if small enough.
    fn decode(&self, raw: &[u8]) -> Option<String> {
        let body = raw.get(self.range.clone()).unwrap_or_default();
        // Quoted-printable is at most three times the decoded size.
        if body.len() > DECODED_TEXT_LIMIT.saturating_mul(3) {
            return None;
        }
        let bytes = transfer_decode(body, self.encoding);
        if bytes.len() > DECODED_TEXT_LIMIT {
            return None;
        }
        Some(charset::decode_to_utf8(&bytes, self.charset.as_deref()).0)
    }
}

/// Largest body text or HTML that is decoded (for X-ALT-DESC and the HTML alternative).
pub const DECODED_TEXT_LIMIT: usize = 64 * 1024;

/// Why a message is not read as a calendar message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// Report code.
    pub code: WarningCode,
    /// Detail.
    pub detail: String,
}

fn skip(code: WarningCode, detail: impl Into<String>) -> Skip {
    Skip {
        code,
        detail: detail.into(),
    }
}

/// Media types that are calendars whatever their name.
const CALENDAR_TYPES: &[&str] = &[
    "text/calendar",
    "application/ics",
    "text/x-vcalendar",
    "text/vcalendar",
    "application/x-vcalendar",
    "application/calendar",
];

/// Generic types that are sniffed for `BEGIN:VCALENDAR` when small.
const SNIFFED_TYPES: &[&str] = &[
    "application/octet-stream",
    "application/x-unknown",
    "application/unknown",
];

/// Largest generic attachment that is sniffed for a calendar.
const SNIFF_LIMIT: usize = 1 << 20;

/// Reads the message structure.
///
/// # Errors
/// A [`Skip`] when the message has no calendar or must not be touched.
pub fn read<'a>(raw: &'a [u8], limits: &Limits) -> Result<Mail<'a>, Skip> {
    read_with(raw, limits, scan::Fields::All)
}

/// [`read`] for checking an output again: the parts and calendars only (no addresses,
/// subject, date or mailer are read).
///
/// # Errors
/// As [`read`].
pub fn read_parts<'a>(raw: &'a [u8], limits: &Limits) -> Result<Mail<'a>, Skip> {
    read_with(raw, limits, scan::Fields::Mime)
}

fn read_with<'a>(raw: &'a [u8], limits: &Limits, fields: scan::Fields) -> Result<Mail<'a>, Skip> {
    let scan::Scanned {
        parts,
        envelope,
        header_end,
        suspect,
    } = scan::parse(raw, limits, fields)?;
    let root = parts
        .first()
        .ok_or_else(|| skip(WarningCode::UnparseableMessage, "no MIME parts"))?;
    let root_type = media_type(root);
    if matches!(
        root_type.as_ref(),
        "multipart/signed" | "multipart/encrypted" | "application/pkcs7-mime"
    ) {
        return Err(skip(
            WarningCode::SignedOrEncrypted,
            format!("{root_type}: rewriting would break the signature or encryption"),
        ));
    }
    let header_block = raw.get(..header_end).unwrap_or_default();

    if let Some(detail) = suspect {
        return Err(skip(WarningCode::SuspectBoundary, detail));
    }
    let mut walk = Walk {
        raw,
        parts: &parts,
        leaves: Vec::with_capacity(parts.len()),
    };
    walk.visit(0, None, 0);
    let leaves = walk.leaves;

    let mut calendars: Vec<(usize, CalendarPart)> = Vec::new();
    let mut notes: Vec<(WarningCode, String)> = Vec::new();
    let mut text_override = None;
    for (i, leaf) in leaves.iter().enumerate() {
        if let Some(cal) = calendar_part(raw, leaf, limits, &mut notes) {
            calendars.push((i, cal));
        }
    }
    if calendars.is_empty() {
        // Entourage's "UUEncode" option: the calendar is a `begin` block in the text.
        if let Some((i, cal, rest)) = leaves
            .iter()
            .enumerate()
            .find_map(|(i, leaf)| uuencoded_in_text(raw, leaf, limits).map(|(c, r)| (i, c, r)))
        {
            calendars.push((i, cal));
            text_override = Some(rest);
        }
    }
    if calendars.is_empty() {
        if let Some((code, detail)) = notes.first() {
            return Err(skip(*code, detail.clone()));
        }
        let tnef = leaves.iter().any(|l| {
            l.mtype == "application/ms-tnef"
                || l.part
                    .attachment_name()
                    .is_some_and(|n| n.eq_ignore_ascii_case("winmail.dat"))
        });
        if tnef {
            return Err(skip(
                WarningCode::TnefOnly,
                "no calendar part; the meeting is inside a TNEF winmail.dat, which is not read",
            ));
        }
        return Err(skip(WarningCode::NoCalendar, "no calendar part"));
    }
    // The primary calendar: where Outlook would look for it, with a method, else first.
    let primary = calendars
        .iter()
        .position(|(_, c)| c.inline_in_place && c.method_param.is_some())
        .or_else(|| calendars.iter().position(|(_, c)| c.inline_in_place))
        .unwrap_or(0);
    if primary != 0 && primary < calendars.len() {
        let p = calendars.remove(primary);
        calendars.insert(0, p);
    }
    let calendar_leaves: Vec<usize> = calendars.iter().map(|(i, _)| *i).collect();
    let calendars: Vec<CalendarPart> = calendars.into_iter().map(|(_, c)| c).collect();
    let duplicates = find_duplicates(&calendars);

    let mut mail = Mail {
        raw,
        eol: header::detect_eol(header_block),
        header_block,
        from: envelope.from,
        recipients: {
            let mut r = envelope.to;
            r.extend(envelope.cc);
            r
        },
        subject: envelope.subject,
        message_id: envelope.message_id,
        date: envelope.date,
        user_agent: envelope.user_agent.or(envelope.x_mailer),
        text_charset: None,
        calendars,
        duplicates,
        text: None,
        html: None,
        other_alternatives: Vec::new(),
        attachments: Vec::new(),
        text_override,
        notes,
        text_body: None,
        html_body: None,
    };
    classify_rest(&mut mail, &leaves, &calendar_leaves);
    Ok(mail)
}

/// A non-multipart part with where it sits.
struct Leaf<'p, 'x> {
    part: &'p Part<'x>,
    /// The kind of multipart the leaf is in.
    parent_type: Parent,
    /// Range of the parent multipart/related (for an HTML body with inline images).
    related: Option<Range<usize>>,
    /// Nesting depth of the part.
    depth: usize,
    /// For a `multipart/appledouble` container (kept whole as one leaf): its header
    /// part and its data part.
    apple_double: Option<(&'p Part<'x>, &'p Part<'x>)>,
    /// `type/subtype` of the part, lowercase.
    mtype: Cow<'static, str>,
}

/// What a leaf sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parent {
    /// Nothing: the leaf is the message body.
    None,
    /// A multipart/alternative.
    Alternative,
    /// Any other multipart.
    Other,
}

impl Parent {
    fn of(parent: Option<&Part<'_>>) -> Parent {
        match parent {
            None => Parent::None,
            Some(p) if is_media(p, "multipart", "alternative") => Parent::Alternative,
            Some(_) => Parent::Other,
        }
    }
}

struct Walk<'p, 'x> {
    raw: &'p [u8],
    parts: &'p [Part<'x>],
    leaves: Vec<Leaf<'p, 'x>>,
}

impl<'p, 'x> Walk<'p, 'x> {
    /// Collects the leaves under part `id`. The depth and the number of parts were
    /// bounded by [`scan::parse`], and children always come after their parent there,
    /// so the recursion ends.
    fn visit(&mut self, id: usize, parent: Option<&Part<'x>>, depth: usize) {
        let Some(part) = self.parts.get(id) else {
            return;
        };
        match &part.kind {
            Kind::Multipart(children) if is_media(part, "multipart", "appledouble") => {
                let header = children.first().and_then(|&c| self.parts.get(c as usize));
                let data = children.get(1).and_then(|&c| self.parts.get(c as usize));
                self.leaves.push(Leaf {
                    part,
                    parent_type: Parent::of(parent),
                    related: None,
                    depth,
                    apple_double: header.zip(data),
                    mtype: Cow::Borrowed("multipart/appledouble"),
                });
            }
            Kind::Multipart(children) => {
                for &child in children {
                    let child = child as usize;
                    if child > id {
                        self.visit(child, Some(part), depth + 1);
                    }
                }
            }
            _ => {
                let parent_type = Parent::of(parent);
                let related = parent
                    .filter(|p| is_media(p, "multipart", "related"))
                    .map(|p| part_range(p, self.raw.len()));
                self.leaves.push(Leaf {
                    part,
                    parent_type,
                    related,
                    depth,
                    apple_double: None,
                    mtype: media_type(part),
                });
            }
        }
    }
}

/// The first parameter `name` (lowercase) of a part's `Content-Type`, not copied when it
/// was read from the input as it is.
fn type_param<'a>(part: &Part<'a>, name: &str) -> Option<Cow<'a, str>> {
    part.content_type()?
        .attributes
        .as_ref()?
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.value.clone())
}

fn clamp(offset: u32, len: usize) -> usize {
    (offset as usize).min(len)
}

/// The whole part: headers and body.
fn part_range(part: &Part<'_>, len: usize) -> Range<usize> {
    let start = clamp(part.offset_header, len);
    let end = clamp(part.offset_end, len).max(start);
    start..end
}

/// Whether the part's media type is `ctype/subtype` (both given in lowercase).
/// Whether the part's type is `ctype/subtype` (both given in lowercase: the scan reads
/// types in lowercase, see [`scan::Part::content_type`]).
fn is_media(part: &Part<'_>, ctype: &str, subtype: &str) -> bool {
    match part.content_type() {
        Some(ct) => ct.ctype() == ctype && ct.subtype().unwrap_or("") == subtype,
        None => ctype == "text" && subtype == "plain",
    }
}

/// Media types named without a copy.
const KNOWN_TYPES: &[&str] = &[
    "text/plain",
    "text/html",
    "text/calendar",
    "text/enriched",
    "text/x-vcalendar",
    "text/vcalendar",
    "multipart/mixed",
    "multipart/alternative",
    "multipart/related",
    "application/octet-stream",
    "application/ics",
    "application/pdf",
    "application/ms-tnef",
    "application/mac-binhex40",
    "application/applefile",
    "image/png",
    "image/jpeg",
    "image/gif",
    "message/rfc822",
];

/// `type/subtype` in lowercase (`text/plain` when there is no Content-Type).
fn media_type(part: &Part<'_>) -> Cow<'static, str> {
    let Some(ct) = part.content_type() else {
        return Cow::Borrowed("text/plain");
    };
    let (t, sub) = (ct.ctype(), ct.subtype().unwrap_or(""));
    // Both are lowercase as read; a common type is named without a copy.
    let known = KNOWN_TYPES.iter().find(|k| {
        k.len() == t.len() + 1 + sub.len()
            && k.split_once('/')
                .is_some_and(|(kt, ks)| kt == t && ks == sub)
    });
    match known {
        Some(k) => Cow::Borrowed(k),
        None => {
            let mut s = t.to_ascii_lowercase();
            s.push('/');
            s.push_str(&sub.to_ascii_lowercase());
            Cow::Owned(s)
        }
    }
}

fn is_attachment(part: &Part<'_>) -> bool {
    part.content_disposition()
        .is_some_and(|cd| cd.ctype().eq_ignore_ascii_case("attachment"))
}

/// The raw (still transfer-encoded) body of a part.
fn body_bytes<'r>(raw: &'r [u8], part: &Part<'_>) -> &'r [u8] {
    let start = clamp(part.offset_body, raw.len());
    let end = clamp(part.offset_end, raw.len()).max(start);
    raw.get(start..end).unwrap_or_default()
}

/// Transfer-decodes a part body from the input bytes. Base64 and quoted-printable
/// never expand, so the cost is bounded by the message size limit; `max` is checked by
/// the caller on the result, never by cutting it (a cut calendar would lose data).
fn decode_body<'r>(raw: &'r [u8], part: &Part<'_>) -> Cow<'r, [u8]> {
    transfer_decode(body_bytes(raw, part), part.encoding)
}

fn transfer_decode(body: &[u8], encoding: Encoding) -> Cow<'_, [u8]> {
    match encoding {
        Encoding::Base64 => Cow::Owned(transfer::decode_base64(body)),
        Encoding::QuotedPrintable => Cow::Owned(transfer::decode_quoted_printable(body)),
        Encoding::None => Cow::Borrowed(body),
    }
}

/// What a leaf holds once its Mac or legacy wrapper is removed.
struct Unwrapped<'r, 'p> {
    content: Cow<'r, [u8]>,
    name: Cow<'p, str>,
    fix: Option<(FixCode, String)>,
}

/// Removes AppleDouble, AppleSingle, BinHex and uuencode wrappers. `Err(())` when the
/// wrapper is corrupt (a note says why) and the part must be left alone.
fn unwrap_leaf<'r, 'p>(
    raw: &'r [u8],
    leaf: &Leaf<'p, '_>,
    limits: &Limits,
    notes: &mut Vec<(WarningCode, String)>,
) -> Result<Unwrapped<'r, 'p>, ()> {
    let part: &'p Part<'_> = leaf.part;
    let max = limits.max_decoded_bytes;
    let part_name: Cow<'p, str> = Cow::Borrowed(part.attachment_name().unwrap_or(""));
    if let Some((header, data)) = leaf.apple_double {
        let real_name = applefile::parse(&decode_body(raw, header))
            .ok()
            .and_then(|f| f.real_name);
        let name = data
            .attachment_name()
            .map(Cow::Borrowed)
            .or(real_name.map(Cow::Owned))
            .unwrap_or(part_name);
        let detail = format!("AppleDouble data fork of {name:?}");
        return Ok(Unwrapped {
            content: decode_body(raw, data),
            name,
            fix: Some((FixCode::AppleDoubleUnwrapped, detail)),
        });
    }
    let mtype: &str = &leaf.mtype;
    let cte = part
        .content_transfer_encoding()
        .map(str::trim)
        .unwrap_or_default();
    if ["x-uuencode", "uuencode", "x-uue"]
        .iter()
        .any(|u| cte.eq_ignore_ascii_case(u))
    {
        let body = body_bytes(raw, part);
        return match uuencode::decode_block(body, max) {
            Ok(f) => {
                let name = if part_name.is_empty() {
                    Cow::Owned(f.name)
                } else {
                    part_name
                };
                Ok(Unwrapped {
                    fix: Some((FixCode::UuencodeDecoded, format!("uuencoded part {name:?}"))),
                    content: Cow::Owned(f.data),
                    name,
                })
            }
            Err(e) => {
                let code = if e == uuencode::UuError::TooLarge {
                    WarningCode::LimitExceeded
                } else {
                    WarningCode::UuencodeCorrupt
                };
                notes.push((
                    code,
                    format!("uuencoded part {part_name:?} left alone: {e}"),
                ));
                Err(())
            }
        };
    }
    let content = decode_body(raw, part);
    if mtype == "application/mac-binhex40" || binhex::looks_like_binhex(&content) {
        return match binhex::decode(&content, max) {
            Ok(f) => {
                let name = if part_name.is_empty() {
                    Cow::Owned(f.name)
                } else {
                    part_name
                };
                Ok(Unwrapped {
                    fix: Some((
                        FixCode::BinhexDecoded,
                        format!("BinHex 4.0 file {name:?}, CRCs correct"),
                    )),
                    content: Cow::Owned(f.data),
                    name,
                })
            }
            Err(e) => {
                let code = if e == binhex::BinHexError::TooLarge {
                    WarningCode::LimitExceeded
                } else {
                    WarningCode::BinhexCorrupt
                };
                notes.push((code, format!("BinHex part {part_name:?} left alone: {e}")));
                Err(())
            }
        };
    }
    if mtype == "application/applefile" {
        return match applefile::parse(&content) {
            Ok(f) => match f.data_fork {
                Some(fork) => {
                    let name = if part_name.is_empty() {
                        Cow::Owned(f.real_name.unwrap_or_default())
                    } else {
                        part_name
                    };
                    Ok(Unwrapped {
                        fix: Some((
                            FixCode::AppleSingleUnwrapped,
                            format!("AppleSingle data fork of {name:?}"),
                        )),
                        content: Cow::Owned(fork),
                        name,
                    })
                }
                None => Err(()),
            },
            Err(e) => {
                notes.push((
                    WarningCode::AppleFileCorrupt,
                    format!("Apple file part {part_name:?} left alone: {e}"),
                ));
                Err(())
            }
        };
    }
    Ok(Unwrapped {
        content,
        name: part_name,
        fix: None,
    })
}

fn calendar_part<'r>(
    raw: &'r [u8],
    leaf: &Leaf<'_, 'r>,
    limits: &Limits,
    notes: &mut Vec<(WarningCode, String)>,
) -> Option<CalendarPart<'r>> {
    let part = leaf.part;
    if matches!(part.kind, Kind::Message) {
        return None; // a forwarded message's invitation is not this message's
    }
    let mtype: &str = &leaf.mtype;
    let wrapped = leaf.apple_double.is_some()
        || matches!(mtype, "application/mac-binhex40" | "application/applefile")
        || part.content_transfer_encoding().is_some_and(|c| {
            let c = c.trim();
            c.eq_ignore_ascii_case("x-uuencode") || c.eq_ignore_ascii_case("uuencode")
        });
    let by_type = CALENDAR_TYPES.contains(&mtype);
    let size = part.offset_end.saturating_sub(part.offset_body) as usize;
    let sniffable = SNIFFED_TYPES.contains(&mtype) || wrapped;
    let by_name = is_calendar_name(part.attachment_name().unwrap_or(""));
    // Plain text parts are only opened when they may be BinHex (cheap check on the raw
    // body); everything else needs a calendar type, a calendar name or a generic type.
    let maybe_binhex = mtype.starts_with("text/") && !by_type && !by_name && {
        let body = body_bytes(raw, part);
        body.len() <= SNIFF_LIMIT * 2 && binhex::looks_like_binhex(body)
    };
    if !(by_type || by_name || maybe_binhex || (sniffable && size <= SNIFF_LIMIT * 2)) {
        return None;
    }
    let Ok(un) = unwrap_leaf(raw, leaf, limits, notes) else {
        return None;
    };
    let calendar = by_type
        || is_calendar_name(&un.name)
        || (un.content.len() <= SNIFF_LIMIT && starts_with_vcalendar(&un.content));
    if !calendar {
        return None;
    }
    let attr = |n: &str| type_param(part, n);
    let inline_in_place = un.fix.is_none()
        && mtype == "text/calendar"
        && !is_attachment(part)
        && matches!(leaf.parent_type, Parent::None | Parent::Alternative);
    Some(CalendarPart {
        content: un.content,
        charset: attr("charset"),
        method_param: attr("method"),
        media_type: mtype.to_owned(),
        inline_in_place,
        unwrapped: un.fix,
        in_text: false,
    })
}

/// Whether a file name ends in `.ics` or `.vcs`, in any case.
fn is_calendar_name(name: &str) -> bool {
    let tail = name.len().checked_sub(4).and_then(|at| name.get(at..));
    tail.is_some_and(|t| t.eq_ignore_ascii_case(".ics") || t.eq_ignore_ascii_case(".vcs"))
}

/// A uuencoded calendar inside a plain-text body part: the calendar and the text
/// without the block (decoded to UTF-8).
fn uuencoded_in_text<'r>(
    raw: &'r [u8],
    leaf: &Leaf<'_, '_>,
    limits: &Limits,
) -> Option<(CalendarPart<'r>, String)> {
    let part = leaf.part;
    if leaf.mtype != "text/plain" || is_attachment(part) || leaf.apple_double.is_some() {
        return None;
    }
    let body = decode_body(raw, part);
    if !body.windows(6).any(|w| w == b"begin ") {
        return None;
    }
    let blocks = uuencode::find_blocks(&body, limits.max_decoded_bytes);
    let (range, file) = blocks
        .into_iter()
        .find(|(_, f)| is_calendar_name(&f.name) || starts_with_vcalendar(&f.data))?;
    let mut rest = body.get(..range.start).unwrap_or_default().to_vec();
    rest.extend_from_slice(body.get(range.end..).unwrap_or_default());
    let charset = part
        .content_type()
        .and_then(|ct| ct.attribute("charset"))
        .map(str::to_owned);
    let (text, _) = charset::decode_to_utf8(&rest, charset.as_deref());
    let name = file.name.clone();
    Some((
        CalendarPart {
            content: Cow::Owned(file.data),
            charset: None,
            method_param: None,
            media_type: "text/plain".to_owned(),
            inline_in_place: false,
            unwrapped: Some((
                FixCode::UuencodeDecoded,
                format!("uuencoded {name:?} cut out of the body text"),
            )),
            in_text: true,
        },
        text,
    ))
}

fn starts_with_vcalendar(content: &[u8]) -> bool {
    let trimmed = content
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(content)
        .trim_ascii_start();
    trimmed
        .get(..15)
        .is_some_and(|h| h.eq_ignore_ascii_case(b"BEGIN:VCALENDAR"))
}

/// Calendars after the first whose unfolded content equals the first's.
fn find_duplicates(calendars: &[CalendarPart]) -> Vec<usize> {
    let Some(first) = calendars.first().filter(|_| calendars.len() > 1) else {
        return Vec::new();
    };
    let norm = |c: &CalendarPart| {
        let (u, _) = crate::ical::lex::unfold(&c.content);
        let mut u = u;
        while u.last() == Some(&b'\n') {
            u.pop();
        }
        u
    };
    let first_norm = norm(first);
    calendars
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, c)| norm(c) == first_norm)
        .map(|(i, _)| i)
        .collect()
}

/// Sorts the non-calendar leaves into body text, body HTML, other alternatives and
/// attachments.
fn classify_rest<'a>(mail: &mut Mail<'a>, leaves: &[Leaf<'_, 'a>], calendar_leaves: &[usize]) {
    let raw_len = mail.raw.len();
    // Calendars that are neither the primary nor duplicates stay as attachments.
    let kept_calendars: Vec<usize> = calendar_leaves
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(i, _)| !mail.duplicates.contains(i))
        .map(|(_, &leaf)| leaf)
        .collect();
    let mut related_taken: Option<Range<usize>> = None;
    for (i, leaf) in leaves.iter().enumerate() {
        let part = leaf.part;
        let range = part_range(part, raw_len);
        let in_text = calendar_leaves
            .iter()
            .position(|&l| l == i)
            .and_then(|c| mail.calendars.get(c))
            .is_some_and(|c| c.in_text);
        if calendar_leaves.contains(&i) && !kept_calendars.contains(&i) && !in_text {
            continue;
        }
        if related_taken
            .as_ref()
            .is_some_and(|r| r.start <= range.start && range.end <= r.end)
        {
            continue;
        }
        let mtype: &str = &leaf.mtype;
        let body_candidate = !is_attachment(part)
            && !matches!(part.kind, Kind::Message)
            && part.attachment_name().is_none()
            && !kept_calendars.contains(&i);
        let in_alternative = leaf.parent_type == Parent::Alternative;
        if body_candidate && mtype == "text/plain" && mail.text.is_none() {
            mail.text = Some(range);
            mail.text_charset = type_param(part, "charset");
            mail.text_body = Some(Body::of(mail.raw, part));
        } else if body_candidate && mtype == "text/html" && mail.html.is_none() {
            mail.html_body = Some(Body::of(mail.raw, part));
            if let Some(rel) = &leaf.related {
                related_taken = Some(rel.clone());
                mail.html = Some(rel.clone());
            } else {
                mail.html = Some(range);
            }
        } else if body_candidate
            && in_alternative
            && mtype.starts_with("text/")
            && !CALENDAR_TYPES.contains(&mtype)
            && leaf.depth > 0
        {
            // A calendar that was not read (a corrupt BinHex one, ...) is not offered as
            // an alternative next to the repaired one: it is carried as an attachment.
            mail.other_alternatives.push(range);
        } else {
            mail.attachments.push(range);
        }
    }
}

impl Mail<'_> {
    /// The body text part decoded to UTF-8, when it is at most [`DECODED_TEXT_LIMIT`].
    pub fn text_decoded(&self) -> Option<String> {
        self.text_body.as_ref().and_then(|b| b.decode(self.raw))
    }

    /// The body HTML decoded to UTF-8, when it is at most [`DECODED_TEXT_LIMIT`].
    pub fn html_decoded(&self) -> Option<String> {
        self.html_body.as_ref().and_then(|b| b.decode(self.raw))
    }

    /// Whether the sending mailer is a Mac one (Entourage, Outlook for Mac, Apple Mail).
    pub fn mac_sender(&self) -> bool {
        self.user_agent.is_some_and(|ua| {
            [
                "entourage",
                "macintosh",
                "mac os",
                "apple mail",
                "outlook-mac",
                "microsoft-macoutlook",
            ]
            .iter()
            .any(|m| {
                ua.as_bytes()
                    .windows(m.len())
                    .any(|w| w.eq_ignore_ascii_case(m.as_bytes()))
            })
        })
    }
}
