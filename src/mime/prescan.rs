//! The pass-through decision from headers and MIME structure alone: most mail is not an
//! invitation, and this scan tells so without decoding a single body. It walks the
//! multipart tree by boundary (a SIMD byte search), reads each part's header fields, and
//! answers "certainly no calendar" only when no header mentions anything a calendar could
//! hide in (calendar types and names, Mac wrappers, generic binary types that are sniffed,
//! signed or encrypted containers, TNEF, forwarded messages) and no plain-text body holds a
//! uuencode `begin` line or a BinHex banner. Any doubt (odd structure, encoded file names,
//! missing boundaries) means "maybe", and the full parse decides.

use super::fields::is_token;
use super::scan;
use crate::options::Limits;
use memchr::memmem;
use std::sync::OnceLock;

/// Header-value words that mean a part may be, wrap or hide a calendar, or must not be
/// touched. Compared in lowercase.
const SUSPECT_WORDS: &[&[u8]] = &[
    b"calendar",
    b"ics",
    b"vcs",
    b"binhex",
    b"apple",
    b"uue",
    b"octet-stream",
    b"unknown",
    b"signed",
    b"encrypted",
    b"pkcs7",
    b"tnef",
    b"winmail",
    b"message/",
    b"=?",
    b"*=",
];

/// For each byte, the bit set of [`SUSPECT_WORDS`] whose byte `at` it is (lowercase).
// Indexing in a constant is checked when the crate compiles: it cannot fail at run time.
#[allow(clippy::indexing_slicing)]
const fn byte_table(at: usize) -> [u16; 256] {
    let mut table = [0u16; 256];
    let mut w = 0;
    while w < SUSPECT_WORDS.len() {
        let word = SUSPECT_WORDS[w];
        table[word[at] as usize] |= 1 << w;
        w += 1;
    }
    table
}

/// [`SUSPECT_WORDS`] by first byte, and by second byte: a word can start at a position
/// only when both bytes agree, which rules out almost every position at once.
const FIRST_BYTE: [u16; 256] = byte_table(0);
const SECOND_BYTE: [u16; 256] = byte_table(1);

/// Deepest multipart nesting the scan follows before it gives up (and says "maybe").
const MAX_DEPTH: usize = 20;

/// Whether `raw` certainly carries no calendar, and nothing that would make the full
/// read ([`super::read`] with `limits`) say anything but `no_calendar`: no ambiguous
/// boundary, a header field, no more parts or nesting than the limits allow. `false`
/// means "maybe": read it.
pub fn certainly_no_calendar(raw: &[u8], limits: &Limits) -> bool {
    if u32::try_from(raw.len()).is_err() {
        return false;
    }
    let mut walk = Walk {
        parts: 0,
        max_parts: limits.max_parts,
        max_depth: limits.max_mime_depth.min(MAX_DEPTH),
        has_field: false,
    };
    // Without a header field the input is not read as a message.
    walk.entity_is_clean(raw, 0) && walk.has_field
}

/// Whether `raw` names a calendar anywhere (`calendar` in lowercase or capitalised, as
/// in `text/calendar` or `Calendar`, or a `.ics` file name): almost every invitation
/// does. The pre-scan is not worth running on such a message; its answer would not
/// change the outcome (see [`certainly_no_calendar`]), only the time to get it.
/// Messages over 1 MiB are not searched (they are pre-scanned).
pub fn mentions_calendar(raw: &[u8]) -> bool {
    static WORDS: OnceLock<[memmem::Finder<'static>; 2]> = OnceLock::new();
    if raw.len() > 1 << 20 {
        return false;
    }
    WORDS
        .get_or_init(|| {
            [
                memmem::Finder::new(b"alendar"),
                memmem::Finder::new(b".ics"),
            ]
        })
        .iter()
        .any(|f| f.find(raw).is_some())
}

/// The walk's count of parts and its limits.
struct Walk {
    parts: usize,
    max_parts: usize,
    max_depth: usize,
    /// Whether the message's header block has a field ([`scan::has_header_field`]).
    has_field: bool,
}

/// A header field as (name, raw value with its folds); `None` for a line without a
/// colon.
fn field(head: &[u8], range: std::ops::Range<usize>) -> Option<(&[u8], &[u8])> {
    let field = head.get(range)?;
    let colon = memchr::memchr(b':', field)?;
    Some((field.get(..colon)?, field.get(colon + 1..)?))
}

/// Whether `value` contains one of [`SUSPECT_WORDS`], ignoring ASCII case.
fn has_suspect_word(value: &[u8]) -> bool {
    let table = |t: &[u16; 256], b: u8| t.get(usize::from(b.to_ascii_lowercase())).copied();
    value.windows(2).enumerate().any(|(i, pair)| {
        let (Some(&b0), Some(&b1)) = (pair.first(), pair.get(1)) else {
            return false;
        };
        let mut set = table(&FIRST_BYTE, b0).unwrap_or(0) & table(&SECOND_BYTE, b1).unwrap_or(0);
        while set != 0 {
            let w = set.trailing_zeros() as usize;
            set &= set - 1;
            if let Some(word) = SUSPECT_WORDS.get(w) {
                if value
                    .get(i..i + word.len())
                    .is_some_and(|at| at.eq_ignore_ascii_case(word))
                {
                    return true;
                }
            }
        }
        false
    })
}

impl Walk {
    fn entity_is_clean(&mut self, entity: &[u8], depth: usize) -> bool {
        // The full read refuses deeper nesting and more parts: not "no calendar".
        if depth > self.max_depth || self.parts >= self.max_parts {
            return false;
        }
        self.parts += 1;
        let mut media: &[u8] = &[];
        let mut boundary: Option<&[u8]> = None;
        let mut transfer: &[u8] = &[];
        let top = depth == 0;
        let Some((_, body_at)) = scan::walk_header_while(entity, |range| {
            if top && !self.has_field {
                self.has_field =
                    scan::has_header_field(entity.get(range.clone()).unwrap_or_default());
            }
            let Some((name, value)) = field(entity, range) else {
                return true;
            };
            let name = name.trim_ascii();
            // mail-parser reads `Conten\rt-Type` as Content-Type, and `:Content-Type:` too
            // (it skips a first colon): a name that is not a plain token may be anything.
            if name.is_empty() || !name.iter().all(|&b| is_token(b)) {
                return false;
            }
            let Some(rest) = name
                .get(..8)
                .filter(|p| p.eq_ignore_ascii_case(b"content-"))
                .and_then(|_| name.get(8..))
            else {
                return true;
            };
            let is_type = rest.eq_ignore_ascii_case(b"type");
            let is_mime = is_type
                || [&b"disposition"[..], b"transfer-encoding", b"class"]
                    .iter()
                    .any(|n| rest.eq_ignore_ascii_case(n));
            if !is_mime {
                return true;
            }
            if has_suspect_word(value) {
                return false;
            }
            if is_type {
                media = value
                    .split(|&b| b == b';')
                    .next()
                    .unwrap_or_default()
                    .trim_ascii();
                boundary = boundary_of(value);
            } else if rest.eq_ignore_ascii_case(b"transfer-encoding") {
                transfer = value.trim_ascii();
            }
            true
        }) else {
            return false;
        };
        let body = entity.get(body_at..).unwrap_or_default();
        // `multipart\/mixed`, `"text/plain`: whatever a parser makes of it, not clean.
        let well_formed = media.is_empty()
            || media.split(|&b| b == b'/').count() == 2
                && media
                    .split(|&b| b == b'/')
                    .all(|t| !t.is_empty() && t.iter().all(|&b| is_token(b)));
        if !well_formed {
            return false;
        }
        let starts = |p: &[u8]| {
            media
                .get(..p.len())
                .is_some_and(|m| m.eq_ignore_ascii_case(p))
        };
        if starts(b"multipart/") {
            let Some(boundary) = boundary else {
                return false;
            };
            return self.multipart_is_clean(body, boundary, depth);
        }
        // The full read opens any text part that looks like BinHex (its banner, in any
        // case), and looks for uuencoded files in the decoded plain text.
        if media.is_empty() || starts(b"text/") {
            if super::binhex::looks_like_binhex(body) {
                return false;
            }
            if media.is_empty() || media.eq_ignore_ascii_case(b"text/plain") {
                let decoded = if transfer.eq_ignore_ascii_case(b"base64") {
                    std::borrow::Cow::Owned(super::transfer::decode_base64(body))
                } else if transfer.eq_ignore_ascii_case(b"quoted-printable") {
                    std::borrow::Cow::Owned(super::transfer::decode_quoted_printable(body))
                } else if has_encoding_word(transfer) {
                    return false; // an encoding written in a way not compared here
                } else {
                    std::borrow::Cow::Borrowed(body)
                };
                return !may_hold_uuencode(&decoded);
            }
        }
        // Any other single part (text/html, images, documents...): its header is clean.
        true
    }

    /// Every part between delimiter lines must be clean, and the closing delimiter must be
    /// there. A boundary string in the middle of a line is not a delimiter (RFC 2046), and
    /// makes the structure ambiguous (the full read says so).
    fn multipart_is_clean(&mut self, body: &[u8], boundary: &[u8], depth: usize) -> bool {
        let cut = scan::split(body, boundary);
        cut.closed
            && cut.suspect.is_none()
            && !cut.parts.is_empty()
            && cut.parts.into_iter().all(|r| {
                body.get(r)
                    .is_some_and(|part| self.entity_is_clean(part, depth + 1))
            })
    }
}

/// The boundary parameter, case preserved (boundaries are case-sensitive).
fn boundary_of(value: &[u8]) -> Option<&[u8]> {
    const KEY: &[u8] = b"boundary";
    let at = memchr::memchr_iter(b'=', value).find(|&eq| {
        eq >= KEY.len()
            && value
                .get(eq - KEY.len()..eq)
                .is_some_and(|k| k.eq_ignore_ascii_case(KEY))
    })? + 1;
    let rest = value.get(at..)?;
    let value = match rest.strip_prefix(b"\"") {
        Some(q) => q.get(..memchr::memchr(b'"', q)?)?,
        None => rest
            .split(|&c| c == b';' || c.is_ascii_whitespace())
            .next()
            .unwrap_or_default(),
    };
    (!value.is_empty()).then_some(value)
}

/// Whether a `Content-Transfer-Encoding` value that is not exactly `base64` or
/// `quoted-printable` still names one of them (with a comment, quotes...).
fn has_encoding_word(value: &[u8]) -> bool {
    value.windows(6).any(|w| w.eq_ignore_ascii_case(b"base64"))
        || value.windows(6).any(|w| w.eq_ignore_ascii_case(b"quoted"))
}

/// A plain-text body (decoded) that may carry a uuencoded file: a line (after LF or CR)
/// that starts with `begin`, a blank, maybe more blanks, and a digit: what the uuencode
/// reader takes for a `begin NNN name` line.
fn may_hold_uuencode(body: &[u8]) -> bool {
    static BEGIN: OnceLock<memmem::Finder<'static>> = OnceLock::new();
    let begin = BEGIN.get_or_init(|| memmem::Finder::new(b"begin"));
    begin.find_iter(body).any(|i| {
        let line_start = i == 0 || matches!(body.get(i - 1), Some(b'\n' | b'\r'));
        let rest = body.get(i + 5..).unwrap_or_default();
        line_start
            && matches!(rest.first(), Some(b' ' | b'\t'))
            && rest
                .iter()
                .find(|&&b| !matches!(b, b' ' | b'\t' | b'\x0c'))
                .is_some_and(u8::is_ascii_digit)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::WarningCode;

    #[test]
    fn plain_mail_is_certainly_clean() {
        let single = b"From: a@b\r\nSubject: hi\r\nContent-Type: text/plain\r\n\r\nhello\r\n";
        assert!(certainly_no_calendar(single, &Limits::DEFAULT));
        let multi = b"From: a@b\r\nContent-Type: multipart/alternative; boundary=\"Xy\"\r\n\r\n\
            --Xy\r\nContent-Type: text/plain\r\n\r\nhi\r\n--Xy\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--Xy--\r\n";
        assert!(certainly_no_calendar(multi, &Limits::DEFAULT));
        let pdf = b"From: a@b\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\n\
            see the PDF\n--B\nContent-Type: application/pdf; name=\"a.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0x\n--B--\n";
        assert!(certainly_no_calendar(pdf, &Limits::DEFAULT));
    }

    #[test]
    fn anything_calendar_like_means_maybe() {
        let maybes: &[&[u8]] = &[
            b"Content-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\n",
            b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n--B--\r\n",
            b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain; name=\"x.ICS\"\r\n\r\nx\r\n--B--\r\n",
            b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Disposition: attachment; filename*=utf-8''x.ics\r\n\r\nx\r\n--B--\r\n",
            b"Content-Type: text/plain\r\n\r\nnote\r\nbegin 644 Staff meeting.ics\r\nM4D5'24XZ\r\n`\r\nend\r\n",
            b"Content-Type: text/plain\r\n\r\n(This file must be converted with BinHex 4.0)\r\n",
            b"Content-Type: multipart/signed; boundary=S\r\n\r\n--S\r\n\r\nx\r\n--S--\r\n",
            b"Content-Type: multipart/appledouble; boundary=A\r\n\r\n--A\r\n\r\nx\r\n--A--\r\n",
            // Structure the scan cannot follow: no closing delimiter, no boundary.
            b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nx\r\n",
            b"Content-Type: multipart/mixed\r\n\r\n--B\r\n\r\nx\r\n--B--\r\n",
            b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: message/rfc822\r\n\r\nx\r\n--B--\r\n",
            // Found by tests/mutations.rs: what mail-parser reads as a calendar.
            b"Content-Type: multipart\\/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/calendar\r\n\r\nx\r\n--B--\r\n",
            b"Content-Type: \"text/plain;\r\n\tcharset=us-ascii\r\n\r\nnote\r\nbegin 644 a.ics\r\n",
            b"Conten\rt-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\n",
            b"From: a@b\r\n:Content-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\n",
            b"Content-Type:/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--\r\n",
        ];
        for m in maybes {
            assert!(
                !certainly_no_calendar(m, &Limits::DEFAULT),
                "{}",
                String::from_utf8_lossy(m)
            );
        }
    }

    #[test]
    fn what_the_full_read_refuses_is_not_called_calendar_free() {
        let limits = Limits::DEFAULT;
        let read_code = |m: &[u8]| super::super::read(m, &limits).err().map(|s| s.code);
        let plain = b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n\
            --B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--\r\n";
        assert!(certainly_no_calendar(plain, &limits));
        assert_eq!(read_code(plain), Some(WarningCode::NoCalendar));
        // A boundary in the middle of a line: the structure is ambiguous.
        let mid = b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n\
            --B\r\nContent-Type: text/plain\r\n\r\nx --B y\r\n--B--\r\n";
        assert!(!certainly_no_calendar(mid, &limits));
        assert_eq!(read_code(mid), Some(WarningCode::SuspectBoundary));
        // No header field: not a message.
        let garbage = b"\r\njust text\r\n";
        assert!(!certainly_no_calendar(garbage, &limits));
        assert_eq!(read_code(garbage), Some(WarningCode::UnparseableMessage));
        // More parts, or deeper nesting, than the limits allow.
        for tight in [
            Limits {
                max_parts: 1,
                ..limits
            },
            Limits {
                max_mime_depth: 0,
                ..limits
            },
        ] {
            assert!(!certainly_no_calendar(plain, &tight));
            assert_eq!(
                super::super::read(plain, &tight).err().map(|s| s.code),
                Some(WarningCode::LimitExceeded)
            );
        }
    }

    #[test]
    fn text_parts_are_checked_as_the_full_read_opens_them() {
        let limits = Limits::DEFAULT;
        let msg = |ctype: &str, cte: &str, body: &str| {
            format!(
                "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n\
                 --B\r\nContent-Type: {ctype}\r\nContent-Transfer-Encoding: {cte}\r\n\r\n\
                 {body}\r\n--B--\r\n"
            )
            .into_bytes()
        };
        let banner = "(This file must be converted with BinHex 4.0)\r\n:xyz";
        let uu = "note\r\nbegin 644 a.dat\r\nM4D5\r\n`\r\nend\r\n";
        let b64 = |s: &str| {
            let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut out = String::new();
            for chunk in s.as_bytes().chunks(3) {
                let n = chunk
                    .iter()
                    .enumerate()
                    .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
                for i in 0..4 {
                    out.push(if i <= chunk.len() {
                        alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char
                    } else {
                        '='
                    });
                }
            }
            out
        };
        // Clean: nothing the read would open.
        assert!(certainly_no_calendar(
            &msg("text/html", "7bit", "<p>hi</p>"),
            &limits
        ));
        assert!(certainly_no_calendar(
            &msg("text/plain", "base64", &b64("hello")),
            &limits
        ));
        // The read sniffs every text part for BinHex, in any case.
        for m in [
            msg("text/html", "7bit", banner),
            msg("text/plain", "7bit", &banner.to_ascii_uppercase()),
            msg("text/enriched", "7bit", banner),
        ] {
            assert!(
                !certainly_no_calendar(&m, &limits),
                "{}",
                String::from_utf8_lossy(&m)
            );
        }
        // ...and looks for uuencode in the decoded plain text, however the line is written.
        for m in [
            msg("text/plain", "7bit", uu),
            msg("text/plain", "base64", &b64(uu)),
            msg(
                "text/plain",
                "quoted-printable",
                &uu.replace("begin", "=62egin"),
            ),
            msg("text/plain", "7bit", &uu.replace("begin ", "begin\t")),
            msg("text/plain", "7bit", &uu.replace("begin ", "begin   ")),
            msg("text/plain", "7bit", &uu.replace("\r\nbegin", "\rbegin")),
            msg("text/plain", "base64 (encoded)", &b64(uu)),
        ] {
            assert!(
                !certainly_no_calendar(&m, &limits),
                "{}",
                String::from_utf8_lossy(&m)
            );
        }
    }

    #[test]
    fn a_message_that_names_a_calendar_is_not_pre_scanned() {
        for m in [
            &b"Content-Type: text/calendar\r\n\r\nx"[..],
            b"Content-Type: application/octet-stream; name=\"Budget review.ics\"\r\n\r\nx",
            b"Subject: Calendar\r\n\r\nx",
            b"Content-Type: text/x-vcalendar\r\n\r\nx",
        ] {
            assert!(mentions_calendar(m), "{}", String::from_utf8_lossy(m));
        }
        assert!(!mentions_calendar(b"Subject: lunch\r\n\r\nsee you"));
        // Not searched for: such a message is pre-scanned, with the same outcome.
        assert!(!mentions_calendar(b"Subject: CALENDAR\r\n\r\nINVITE.ICS"));
        let mut big = vec![b'x'; (1 << 20) + 1];
        big.extend_from_slice(b"calendar");
        assert!(!mentions_calendar(&big));
    }

    #[test]
    fn nested_parts_are_followed_and_a_boundary_mid_line_is_not_a_delimiter() {
        let nested = b"Content-Type: multipart/mixed; boundary=\"Out\"\r\n\r\n--Out\r\n\
            Content-Type: multipart/alternative; boundary=In\r\n\r\n--In\r\nContent-Type: text/plain\r\n\r\nx --Out y\r\n\
            --In\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\n--In--\r\n--Out--\r\n";
        assert!(!certainly_no_calendar(nested, &Limits::DEFAULT));
    }
}
