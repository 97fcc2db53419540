//! MIME content-transfer-encodings: base64 and quoted-printable.
//!
//! This module owns the byte-level codecs used when reading and writing MIME
//! bodies. Decoders are deliberately lenient (real-world mail is frequently
//! malformed) and never fail: whatever cannot be interpreted is skipped
//! (base64) or kept literally (quoted-printable). Encoders produce the strict
//! RFC 2045 / RFC 4648 forms.

/// The RFC 4648 standard base64 alphabet.
const BASE64_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Maximum length of an encoded base64 body line (RFC 2045 section 6.8).
const BASE64_LINE_LEN: usize = 76;

/// Maps a standard-alphabet base64 character to its 6-bit value.
fn base64_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Returns the base64 character for the low six bits of `v`.
fn base64_char(v: u32) -> char {
    let idx = (v & 0x3f) as usize;
    char::from(BASE64_ALPHABET.get(idx).copied().unwrap_or(b'A'))
}

/// Leniently decodes base64: skips non-alphabet bytes, stops at the first `=`, drops a 1-char tail.
pub fn decode_base64(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3 + 3);
    let mut acc: u32 = 0;
    let mut count: u8 = 0;
    for &c in input {
        if c == b'=' {
            break;
        }
        let Some(v) = base64_value(c) else {
            continue;
        };
        acc = (acc << 6) | u32::from(v);
        count += 1;
        if count == 4 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            acc = 0;
            count = 0;
        }
    }
    match count {
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        // 0: nothing pending; 1: six bits cannot form a byte and are ignored.
        _ => {}
    }
    out
}

/// Encodes bytes as standard padded base64 on a single line.
pub fn encode_base64(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(3).saturating_mul(4));
    for chunk in input.chunks(3) {
        let b0 = chunk.first().copied().map_or(0, u32::from);
        let b1 = chunk.get(1).copied().map_or(0, u32::from);
        let b2 = chunk.get(2).copied().map_or(0, u32::from);
        let n = (b0 << 16) | (b1 << 8) | b2;
        out.push(base64_char(n >> 18));
        out.push(base64_char(n >> 12));
        if chunk.len() > 1 {
            out.push(base64_char(n >> 6));
        } else {
            out.push('=');
        }
        if chunk.len() > 2 {
            out.push(base64_char(n));
        } else {
            out.push('=');
        }
    }
    out
}

/// Encodes bytes as padded base64 in 76-character lines, every line (the last too) ending in `eol`.
pub fn encode_base64_lines(input: &[u8], eol: &str) -> String {
    let encoded = encode_base64(input);
    let lines = encoded.len().div_ceil(BASE64_LINE_LEN);
    let mut out = String::with_capacity(
        encoded
            .len()
            .saturating_add(lines.saturating_mul(eol.len())),
    );
    for (i, c) in encoded.chars().enumerate() {
        if i > 0 && i % BASE64_LINE_LEN == 0 {
            out.push_str(eol);
        }
        out.push(c);
    }
    if !encoded.is_empty() {
        out.push_str(eol);
    }
    out
}

/// Returns the value of an ASCII hex digit (either case).
fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Splits off the first line of `input`: returns (content, line ending, rest).
///
/// The line ending is CRLF, LF or a bare CR, or empty at the end of input.
fn split_line(input: &[u8]) -> (&[u8], &[u8], &[u8]) {
    let Some(pos) = input.iter().position(|&b| b == b'\r' || b == b'\n') else {
        return (input, &[], &[]);
    };
    let (content, tail) = input.split_at(pos);
    let eol_len = match tail {
        [b'\r', b'\n', ..] => 2,
        _ => 1,
    };
    let (eol, rest) = tail.split_at(eol_len.min(tail.len()));
    (content, eol, rest)
}

/// Decodes quoted-printable (RFC 2045 6.7) leniently, keeping the input's own line endings.
///
/// `=XX` (hex digits of either case) becomes the byte; `=` at the end of a line,
/// optionally followed by spaces or tabs, is a soft line break and is removed
/// together with the line ending; trailing spaces and tabs before a hard line
/// break (or the end of input) are removed; any other `=` is kept literally.
pub fn decode_quoted_printable(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut rest = input;
    while !rest.is_empty() {
        let (line, eol, next) = split_line(rest);
        rest = next;
        let mut content = line;
        while let [head @ .., b' ' | b'\t'] = content {
            content = head;
        }
        let soft_break = if let [head @ .., b'='] = content {
            content = head;
            true
        } else {
            false
        };
        decode_qp_content(content, &mut out);
        if !soft_break {
            out.extend_from_slice(eol);
        }
    }
    out
}

/// Decodes the `=XX` escapes of one quoted-printable line (without its line ending).
fn decode_qp_content(content: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while let Some(&b) = content.get(i) {
        if b == b'=' {
            let hi = content.get(i + 1).copied().and_then(hex_value);
            let lo = content.get(i + 2).copied().and_then(hex_value);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push((hi << 4) | lo);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
}

#[cfg(test)]
#[path = "transfer_tests.rs"]
mod tests;
