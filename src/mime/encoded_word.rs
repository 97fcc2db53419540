//! Safe construction of mail header values from untrusted text.
//!
//! This module owns everything needed to put arbitrary (possibly hostile)
//! text into a header we write: sanitising away line breaks and control
//! characters so no header can be injected, folding long ASCII values at
//! spaces, RFC 2047 `=?UTF-8?B?...?=` encoded words for everything else, and
//! MIME parameter formatting (quoted strings, or RFC 2231 extended values for
//! non-ASCII). Output never contains CR or LF except as a fold: the caller's
//! `eol` immediately followed by a space.

use crate::mime::transfer::encode_base64;

/// Recommended maximum line length for plain (unencoded) header lines (RFC 5322 2.1.1).
const MAX_PLAIN_LINE: usize = 78;
/// Hard maximum line length, excluding CRLF (RFC 5322 2.1.1).
const MAX_HARD_LINE: usize = 998;
/// Maximum length of a line that contains encoded words (RFC 2047 section 2).
const MAX_ENCODED_LINE: usize = 76;
/// Maximum length of one encoded word (RFC 2047 section 2).
const MAX_ENCODED_WORD: usize = 75;
/// Start of every encoded word we produce.
const EW_PREFIX: &str = "=?UTF-8?B?";
/// End of every encoded word.
const EW_SUFFIX: &str = "?=";

/// Returns true for characters that must not survive into a header: controls and Unicode line breaks.
fn is_forbidden(c: char) -> bool {
    // `char::is_control` is exactly the Cc category: C0, DEL and C1 (incl. NEL).
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// Replaces CR, LF, TAB and every other control character with a space, collapses space runs, trims.
pub fn sanitize_header_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c == ' ' || is_forbidden(c) {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

/// Returns true if the value can be written verbatim (printable ASCII, no encoded-word lookalike).
fn is_plain_safe(v: &str) -> bool {
    v.bytes().all(|b| (0x20..=0x7e).contains(&b)) && !v.contains("=?")
}

/// Folds a sanitised plain ASCII value at spaces; `None` if a line would exceed the hard limit.
fn fold_plain(first_line_used: usize, v: &str, eol: &str) -> Option<String> {
    let mut out = String::with_capacity(v.len().saturating_add(16));
    let mut line_len = first_line_used;
    let mut first = true;
    for word in v.split(' ') {
        if first {
            out.push_str(word);
            line_len = line_len.saturating_add(word.len());
            first = false;
        } else if line_len.saturating_add(1).saturating_add(word.len()) <= MAX_PLAIN_LINE {
            out.push(' ');
            out.push_str(word);
            line_len = line_len.saturating_add(1).saturating_add(word.len());
        } else {
            out.push_str(eol);
            out.push(' ');
            out.push_str(word);
            line_len = word.len().saturating_add(1);
        }
        if line_len > MAX_HARD_LINE {
            return None;
        }
    }
    Some(out)
}

/// Largest number of UTF-8 bytes whose base64 fits an encoded word of `word_len` total characters.
fn payload_bytes_for(word_len: usize) -> usize {
    let b64 = word_len.saturating_sub(EW_PREFIX.len() + EW_SUFFIX.len());
    b64 / 4 * 3
}

/// Encodes a sanitised value as folded RFC 2047 B-encoded UTF-8 words.
fn encode_words(first_line_used: usize, v: &str, eol: &str) -> String {
    let mut out = String::new();
    // Later lines start with the single folding space, leaving 75 for the word.
    let later_budget = payload_bytes_for(MAX_ENCODED_WORD.min(MAX_ENCODED_LINE - 1));
    let first_room = MAX_ENCODED_LINE.saturating_sub(first_line_used);
    let mut budget = payload_bytes_for(first_room.min(MAX_ENCODED_WORD));
    let mut at_line_start_of_value = true;
    if budget < 4 {
        // The header name is so long that not even one character fits on its
        // line; start the value on a continuation line instead.
        out.push_str(eol);
        out.push(' ');
        budget = later_budget;
    }
    let mut chunk = String::new();
    for c in v.chars() {
        if !chunk.is_empty() && chunk.len().saturating_add(c.len_utf8()) > budget {
            push_word(&mut out, &chunk, eol, at_line_start_of_value);
            at_line_start_of_value = false;
            chunk.clear();
            budget = later_budget;
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        push_word(&mut out, &chunk, eol, at_line_start_of_value);
    }
    out
}

/// Appends one encoded word, preceded by a fold unless it is the first word.
fn push_word(out: &mut String, text: &str, eol: &str, first: bool) {
    if !first {
        out.push_str(eol);
        out.push(' ');
    }
    out.push_str(EW_PREFIX);
    out.push_str(&encode_base64(text.as_bytes()));
    out.push_str(EW_SUFFIX);
}

/// Sanitises `s` and renders it as a header value for a field name of `name_len` chars, folding with `eol` + space.
///
/// Printable ASCII without `=?` is kept readable, folded at spaces to keep lines
/// within 78 characters where possible; anything else becomes UTF-8 B encoded
/// words of at most 75 characters on lines of at most 76 characters.
pub fn encode_header_value(name_len: usize, s: &str, eol: &str) -> String {
    let v = sanitize_header_text(s);
    if v.is_empty() {
        return v;
    }
    // "Name: " precedes the value on the first line.
    let first_line_used = name_len.saturating_add(2);
    if is_plain_safe(&v) {
        if first_line_used.saturating_add(v.len()) <= MAX_PLAIN_LINE {
            return v;
        }
        if let Some(folded) = fold_plain(first_line_used, &v, eol) {
            return folded;
        }
    }
    encode_words(first_line_used, &v, eol)
}

/// Returns the sanitised value as a MIME quoted-string, backslash-escaping `\` and `"`.
///
/// Non-ASCII characters are kept as-is; use [`format_param`] to get an
/// RFC 2231 extended value for them instead.
pub fn quote_param(value: &str) -> String {
    let v = sanitize_header_text(value);
    let mut out = String::with_capacity(v.len().saturating_add(2));
    out.push('"');
    for c in v.chars() {
        if c == '\\' || c == '"' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Returns true for RFC 5987 `attr-char`s, which need no percent-encoding.
fn is_attr_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
        )
}

/// Formats a MIME parameter: `name="value"` for ASCII, `name*=utf-8''%XX...` (RFC 2231) otherwise.
///
/// `name` is trusted (a constant such as `filename`); `value` is sanitised.
pub fn format_param(name: &str, value: &str) -> String {
    let v = sanitize_header_text(value);
    if v.is_ascii() {
        return format!("{name}={}", quote_param(&v));
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(
        name.len()
            .saturating_add(v.len().saturating_mul(3))
            .saturating_add(10),
    );
    out.push_str(name);
    out.push_str("*=utf-8''");
    for b in v.bytes() {
        if is_attr_char(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            for nibble in [b >> 4, b & 0x0f] {
                let h = HEX.get(usize::from(nibble)).copied().unwrap_or(b'0');
                out.push(char::from(h));
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "encoded_word_tests.rs"]
mod tests;
