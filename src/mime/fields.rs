//! A fast path for the `Content-*` fields of MIME parts.
//!
//! Almost every `Content-Type`, `Content-Disposition` and `Content-Transfer-Encoding`
//! value is plain ASCII: a type, a subtype and a few `name=value` or `name="value"`
//! parameters. Those are read here, into the same [`mail_parser::ContentType`] that
//! mail-parser's header parser builds, without running it. Anything else (RFC 2231
//! `name*=` parameters, encoded words, comments, backslashes, folds inside a quoted
//! value, 8-bit bytes, a blank inside an unquoted value) is left to mail-parser: the
//! function returns `None`. `tests/fields.rs` checks both agree on every such value in
//! the fixtures and the shared corpus.

use mail_parser::{Attribute, ContentType};
use std::borrow::Cow;

/// Byte classes, one table lookup each.
const TOKEN: u8 = 1;
const PLAIN: u8 = 2;
/// A token byte that is also plain (not `*`).
const SIMPLE: u8 = 4;
/// A plain byte that may stand inside a quoted value read here: not CR, LF, `?` or
/// `"` (a `?` is checked apart: only `=?` starts an encoded word; `"` closes it).
const QUOTED: u8 = 8;
/// An ASCII upper-case letter.
const UPPER: u8 = 16;

// Indexing in a constant is checked when the crate compiles: it cannot fail at run time.
#[allow(clippy::indexing_slicing)]
const CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0x21;
    while b < 0x7f {
        table[b] = TOKEN | PLAIN;
        b += 1;
    }
    // RFC 2045 tspecials are not token bytes; `*`, `(`, `)` and `\` are not simple.
    let specials = b"()<>@,;:\\\"/[]?=";
    let mut i = 0;
    while i < specials.len() {
        table[specials[i] as usize] &= !TOKEN;
        i += 1;
    }
    let unplain = b"*()\\";
    let mut i = 0;
    while i < unplain.len() {
        table[unplain[i] as usize] &= !PLAIN;
        i += 1;
    }
    table[b' ' as usize] = PLAIN;
    table[b'\t' as usize] = PLAIN;
    table[b'\r' as usize] = PLAIN;
    table[b'\n' as usize] = PLAIN;
    let mut b = 0;
    while b < 256 {
        if table[b] & (TOKEN | PLAIN) == TOKEN | PLAIN {
            table[b] |= SIMPLE;
        }
        if table[b] & PLAIN != 0
            && b != b'\r' as usize
            && b != b'\n' as usize
            && b != b'?' as usize
            && b != b'"' as usize
        {
            table[b] |= QUOTED;
        }
        if (b as u8).is_ascii_uppercase() {
            table[b] |= UPPER;
        }
        b += 1;
    }
    table
};

fn class(b: u8) -> u8 {
    CLASS.get(usize::from(b)).copied().unwrap_or(0)
}

/// An RFC 2045 token byte: printable ASCII but the tspecials.
pub fn is_token(b: u8) -> bool {
    class(b) & TOKEN != 0
}

/// Skips blanks and line breaks (a fold) from `at`.
fn skip_blanks(v: &[u8], mut at: usize) -> usize {
    while v
        .get(at)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
    {
        at += 1;
    }
    at
}

/// Where the simple token (token bytes but `*`: RFC 2231 names and wildcards are left
/// to mail-parser) that starts at `at` ends, and whether it holds an upper-case letter.
fn token_end(v: &[u8], at: usize) -> (usize, bool) {
    let rest = v.get(at..).unwrap_or_default();
    let mut classes = 0;
    let len = rest
        .iter()
        .position(|&b| {
            let c = class(b);
            classes |= c;
            c & SIMPLE == 0
        })
        .unwrap_or(rest.len());
    // The byte that ended the token is not upper case (letters are simple).
    (at + len, classes & UPPER != 0)
}

/// [`token_end`] for a token that must not be empty.
fn simple_token_end(v: &[u8], at: usize) -> Option<(usize, bool)> {
    let (end, upper) = token_end(v, at);
    (end > at).then_some((end, upper))
}

/// The token `s[from..to]` in lowercase, copied only when `upper` (it has an upper-case
/// letter).
fn token_text(s: &str, from: usize, to: usize, upper: bool) -> Option<Cow<'_, str>> {
    let text = s.get(from..to)?;
    Some(if upper {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        Cow::Borrowed(text)
    })
}

/// Reads a simple `Content-Type` or `Content-Disposition` value (the bytes after the
/// colon, line end included); `None` when it is not simple.
pub fn content_type(value: &[u8]) -> Option<ContentType<'_>> {
    // Tokens, blanks, separators and quoted strings are checked as they are read:
    // anything else ends the value early and returns `None`. Everything read is
    // ASCII, so every byte offset is a character boundary.
    let s = std::str::from_utf8(value).ok()?;
    let at = skip_blanks(value, 0);
    let (end, upper) = simple_token_end(value, at)?;
    let ctype = token_text(s, at, end, upper)?;
    let mut at = end;
    let mut subtype = None;
    if value.get(at) == Some(&b'/') {
        let (end, upper) = simple_token_end(value, at + 1)?;
        subtype = Some(token_text(s, at + 1, end, upper)?);
        at = end;
    }
    let mut attributes: Vec<Attribute<'_>> = Vec::new();
    loop {
        at = skip_blanks(value, at);
        match value.get(at) {
            None => break,
            Some(b';') => at += 1,
            Some(_) => return None,
        }
        at = skip_blanks(value, at);
        match value.get(at) {
            None => break,
            Some(b';') => continue, // an empty parameter
            Some(_) => {}
        }
        let (end, upper) = simple_token_end(value, at)?;
        let name = token_text(s, at, end, upper)?;
        at = skip_blanks(value, end);
        if value.get(at) != Some(&b'=') {
            return None;
        }
        at = skip_blanks(value, at + 1);
        let param = if value.get(at) == Some(&b'"') {
            // No fold, no escape, no comment, no encoded word inside the quotes: one
            // lookup a byte up to the closing quote, and a look back at a `?` (rare).
            let start = at + 1;
            let mut prev = 0u8;
            let mut close = None;
            for (i, &b) in value.get(start..)?.iter().enumerate() {
                if class(b) & QUOTED == 0 {
                    match b {
                        b'"' => {
                            close = Some(start + i);
                            break;
                        }
                        b'?' if prev != b'=' => {}
                        _ => return None,
                    }
                }
                prev = b;
            }
            let close = close?;
            at = close + 1;
            s.get(start..close)?
        } else {
            let (end, _) = token_end(value, at);
            let t = s.get(at..end)?;
            at = end;
            t
        };
        // A parameter without a value is dropped, as mail-parser does.
        if !param.is_empty() {
            if attributes.capacity() == 0 {
                // Room for two (few values have more): not the four a first push would
                // make room for.
                attributes = Vec::with_capacity(2);
            }
            attributes.push(Attribute {
                name,
                value: Cow::Borrowed(param),
            });
        }
    }
    Some(ContentType {
        c_type: ctype,
        c_subtype: subtype,
        attributes: (!attributes.is_empty()).then_some(attributes),
    })
}

/// Reads a simple `Content-Transfer-Encoding` value: one token between blanks.
pub fn single_token(value: &[u8]) -> Option<&str> {
    let at = skip_blanks(value, 0);
    let (end, _) = token_end(value, at);
    if end == at || skip_blanks(value, end) != value.len() {
        return None;
    }
    std::str::from_utf8(value.get(at..end)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(ct: &ContentType<'_>) -> Vec<(String, String)> {
        ct.attributes
            .iter()
            .flatten()
            .map(|a| (a.name.to_string(), a.value.to_string()))
            .collect()
    }

    #[test]
    fn simple_values() {
        let ct = content_type(
            b" Text/Calendar; Method=REQUEST;\r\n\tcharset=\"UTF-8\" ;name = \"a b.ics\"\r\n",
        )
        .unwrap();
        assert_eq!(ct.c_type, "text");
        assert_eq!(ct.c_subtype.as_deref(), Some("calendar"));
        assert_eq!(
            attrs(&ct),
            [
                ("method".into(), "REQUEST".into()),
                ("charset".into(), "UTF-8".into()),
                ("name".into(), "a b.ics".into())
            ]
        );
        let ct = content_type(b" attachment\r\n").unwrap();
        assert_eq!(
            (ct.c_type.as_ref(), ct.c_subtype, ct.attributes),
            ("attachment", None, None)
        );
        let ct = content_type(b" multipart/mixed; boundary=\"----=_Part_1\"; x=\"\"\r\n").unwrap();
        assert_eq!(attrs(&ct), [("boundary".into(), "----=_Part_1".into())]);
    }

    #[test]
    fn anything_else_is_left_to_mail_parser() {
        for v in [
            &b" text/plain; name*=utf-8''a%20b.ics\r\n"[..],
            b" text/plain; name=\"=?utf-8?B?YS5pY3M=?=\"\r\n",
            b" text/plain (comment)\r\n",
            b" text/plain; name=\"a\\\"b\"\r\n",
            b" text/plain; name=\"a\r\n b\"\r\n",
            b" text/plain; name=a b\r\n",
            b" text/plain; name=\"\xc3\xa9.ics\"\r\n",
            b" text/plain; name=\"unclosed\r\n",
            b" /plain\r\n",
            b" text/\r\n",
            b"\r\n",
        ] {
            assert!(content_type(v).is_none(), "{}", String::from_utf8_lossy(v));
        }
        assert_eq!(single_token(b" Base64 \r\n"), Some("Base64"));
        assert_eq!(single_token(b" base64 x\r\n"), None);
    }
}
