//! The pass-through decision from headers and MIME structure alone: most mail is not an
//! invitation, and this scan tells so without decoding a single body. It walks the
//! multipart tree by boundary (a SIMD byte search), reads each part's header fields, and
//! answers "certainly no calendar" only when no header mentions anything a calendar could
//! hide in (calendar types and names, Mac wrappers, generic binary types that are sniffed,
//! signed or encrypted containers, TNEF, forwarded messages) and no plain-text body holds a
//! uuencode `begin` line or a BinHex banner. Any doubt (odd structure, encoded file names,
//! missing boundaries) means "maybe", and the full parse decides.

use super::header::{split_fields, trim_blank_line};
use memchr::memmem;

/// Header-value words that mean a part may be, wrap or hide a calendar, or must not be
/// touched. Compared in lowercase.
const SUSPECT_WORDS: &[&str] = &[
    "calendar",
    "ics",
    "vcs",
    "binhex",
    "apple",
    "uue",
    "octet-stream",
    "unknown",
    "signed",
    "encrypted",
    "pkcs7",
    "tnef",
    "winmail",
    "message/",
    "=?",
    "*=",
];

/// Deepest multipart nesting the scan follows before it gives up (and says "maybe").
const MAX_DEPTH: usize = 20;

/// Whether `raw` certainly carries no calendar (and nothing that would make `transform`
/// say anything but `no_calendar`). `false` means "maybe": parse it.
pub fn certainly_no_calendar(raw: &[u8]) -> bool {
    entity_is_clean(raw, 0)
}

/// Splits an entity into its header block and body at the first blank line.
fn split_entity(entity: &[u8]) -> Option<(&[u8], &[u8])> {
    let crlf = memmem::find(entity, b"\r\n\r\n").map(|i| (i + 2, i + 4));
    let lf = memmem::find(entity, b"\n\n").map(|i| (i + 1, i + 2));
    let (head_end, body_start) = match (crlf, lf) {
        (Some(a), Some(b)) => {
            if a.0 <= b.0 {
                a
            } else {
                b
            }
        }
        (Some(a), None) => a,
        (None, Some(b)) => b,
        // Headers only, or a part starting with its blank line: no body to speak of.
        (None, None) => (entity.len(), entity.len()),
    };
    Some((
        entity.get(..head_end)?,
        entity.get(body_start..).unwrap_or_default(),
    ))
}

fn entity_is_clean(entity: &[u8], depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let Some((head, body)) = split_entity(entity) else {
        return false;
    };
    let head = trim_blank_line(head);
    let mut content_type = String::new();
    for f in split_fields(head) {
        let is_mime = f.is("Content-Type")
            || f.is("Content-Disposition")
            || f.is("Content-Transfer-Encoding")
            || f.is("Content-Class");
        if !is_mime {
            continue;
        }
        let value = f.value().to_ascii_lowercase();
        if SUSPECT_WORDS.iter().any(|w| value.contains(w)) {
            return false;
        }
        if f.is("Content-Type") {
            content_type = value;
        }
    }
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_owned();
    if media.starts_with("multipart/") {
        let Some(boundary) = boundary_of(&content_type, head) else {
            return false;
        };
        return multipart_is_clean(body, &boundary, depth);
    }
    if media.is_empty() || media == "text/plain" {
        return !text_may_hide_a_file(body);
    }
    // Any other single part (text/html, images, documents...): its header is clean.
    true
}

/// The boundary parameter, case preserved (boundaries are case-sensitive), read from
/// the raw header block.
fn boundary_of(lower_content_type: &str, head: &[u8]) -> Option<Vec<u8>> {
    lower_content_type.find("boundary=")?;
    let field = split_fields(head)
        .into_iter()
        .find(|f| f.is("Content-Type"))?
        .value();
    let lower = field.to_ascii_lowercase();
    let at = lower.find("boundary=")? + "boundary=".len();
    let rest = field.get(at..)?;
    let value = match rest.strip_prefix('"') {
        Some(q) => q.get(..q.find('"')?)?,
        None => rest
            .split(|c: char| c == ';' || c.is_whitespace())
            .next()
            .unwrap_or(""),
    };
    (!value.is_empty()).then(|| value.as_bytes().to_vec())
}

/// Every part between `--boundary` lines must be clean, and the closing delimiter must be
/// there.
fn multipart_is_clean(body: &[u8], boundary: &[u8], depth: usize) -> bool {
    let mut delimiter = b"--".to_vec();
    delimiter.extend_from_slice(boundary);
    let finder = memmem::Finder::new(&delimiter);
    // Delimiters at line starts only.
    let mut starts: Vec<usize> = Vec::new();
    let mut closed = false;
    for at in finder.find_iter(body) {
        let line_start = at == 0 || matches!(body.get(at - 1), Some(b'\n'));
        if !line_start {
            continue;
        }
        let after = at + delimiter.len();
        if body.get(after..after + 2) == Some(b"--".as_slice()) {
            starts.push(at);
            closed = true;
            break;
        }
        starts.push(at);
    }
    if !closed || starts.len() < 2 {
        return false;
    }
    starts.windows(2).all(|w| match w {
        [a, b] => {
            let part_start = body
                .get(*a..)
                .and_then(|rest| memchr::memchr(b'\n', rest))
                .map_or(*b, |i| a + i + 1);
            body.get(part_start..*b)
                .is_some_and(|part| entity_is_clean(part, depth + 1))
        }
        _ => false,
    })
}

/// A plain-text body that may carry a uuencoded file (`begin NNN name` at a line start)
/// or BinHex (its banner).
fn text_may_hide_a_file(body: &[u8]) -> bool {
    if memmem::find(body, b"BinHex").is_some() || memmem::find(body, b"binhex").is_some() {
        return true;
    }
    let begin_at = |i: usize| body.get(i + 6).is_some_and(|b| b.is_ascii_digit());
    body.starts_with(b"begin ") && begin_at(0)
        || memmem::find_iter(body, b"\nbegin ").any(|i| begin_at(i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_mail_is_certainly_clean() {
        let single = b"From: a@b\r\nSubject: hi\r\nContent-Type: text/plain\r\n\r\nhello\r\n";
        assert!(certainly_no_calendar(single));
        let multi = b"From: a@b\r\nContent-Type: multipart/alternative; boundary=\"Xy\"\r\n\r\n\
            --Xy\r\nContent-Type: text/plain\r\n\r\nhi\r\n--Xy\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--Xy--\r\n";
        assert!(certainly_no_calendar(multi));
        let pdf = b"From: a@b\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\n\
            see the PDF\n--B\nContent-Type: application/pdf; name=\"a.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0x\n--B--\n";
        assert!(certainly_no_calendar(pdf));
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
        ];
        for m in maybes {
            assert!(!certainly_no_calendar(m), "{}", String::from_utf8_lossy(m));
        }
    }

    #[test]
    fn nested_parts_are_followed_and_a_boundary_mid_line_is_not_a_delimiter() {
        let nested = b"Content-Type: multipart/mixed; boundary=\"Out\"\r\n\r\n--Out\r\n\
            Content-Type: multipart/alternative; boundary=In\r\n\r\n--In\r\nContent-Type: text/plain\r\n\r\nx --Out y\r\n\
            --In\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\n--In--\r\n--Out--\r\n";
        assert!(!certainly_no_calendar(nested));
    }
}
