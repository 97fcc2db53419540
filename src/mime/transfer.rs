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
const fn base64_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// The decode-table entry of a byte that is not in the alphabet (`=` included).
const NOT_BASE64: u16 = 1 << 15;

/// The decode table for one character: its 6-bit value, or [`NOT_BASE64`].
static DECODE: [u16; 256] = decode_table();

/// The decode table for two characters at once, indexed by `first | second << 8` (a
/// little-endian `u16` read from the input): the 12 bits they encode, or
/// [`NOT_BASE64`] when either is not in the alphabet.
static DECODE_PAIR: [u16; 65536] = decode_pair_table();

const fn decode_table() -> [u16; 256] {
    let mut table = [NOT_BASE64; 256];
    let mut rest: &mut [u16] = &mut table;
    let mut byte: u8 = 0;
    while let [entry, tail @ ..] = rest {
        if let Some(v) = base64_value(byte) {
            *entry = v as u16;
        }
        rest = tail;
        byte = byte.wrapping_add(1);
    }
    table
}

const fn decode_pair_table() -> [u16; 65536] {
    let mut table = [NOT_BASE64; 65536];
    let mut rest: &mut [u16] = &mut table;
    let mut index: u16 = 0;
    while let [entry, tail @ ..] = rest {
        let [first, second] = index.to_le_bytes();
        if let (Some(a), Some(b)) = (base64_value(first), base64_value(second)) {
            *entry = ((a as u16) << 6) | b as u16;
        }
        rest = tail;
        index = index.wrapping_add(1);
    }
    table
}

/// Looks up one character.
fn value_of(c: u8) -> u16 {
    DECODE.get(usize::from(c)).copied().unwrap_or(NOT_BASE64)
}

/// Looks up two characters, `first | second << 8`.
fn pair_value(pair: u16) -> u64 {
    u64::from(
        DECODE_PAIR
            .get(usize::from(pair))
            .copied()
            .unwrap_or(NOT_BASE64),
    )
}

/// Returns the base64 character for the low six bits of `v`.
fn base64_char(v: u32) -> char {
    let idx = (v & 0x3f) as usize;
    char::from(BASE64_ALPHABET.get(idx).copied().unwrap_or(b'A'))
}

/// Leniently decodes base64: skips non-alphabet bytes, stops at the first `=`, drops a 1-char tail.
pub fn decode_base64(input: &[u8]) -> Vec<u8> {
    // Every 4 alphabet characters give 3 bytes, a 2- or 3-character tail 1 or 2 more:
    // the output never exceeds `input.len() / 4 * 3 + 2` bytes.
    let mut out = vec![0u8; input.len() / 4 * 3 + 3];
    let mut len = 0usize;
    let mut rest = input;
    let mut acc: u32 = 0;
    let mut count: u8 = 0;
    loop {
        // Whole groups in one go, from a group boundary where a group starts.
        if count == 0 && rest.first().is_some_and(|&c| value_of(c) != NOT_BASE64) {
            let (read, written) = decode_groups(rest, out.get_mut(len..).unwrap_or_default());
            rest = rest.get(read..).unwrap_or_default();
            len += written;
        }
        // One character at a time up to the next group boundary: line ends, junk,
        // the `=` that ends the data.
        let Some((&c, tail)) = rest.split_first() else {
            break;
        };
        rest = tail;
        if c == b'=' {
            break;
        }
        let v = value_of(c);
        if v == NOT_BASE64 {
            continue;
        }
        acc = (acc << 6) | u32::from(v);
        count += 1;
        if count == 4 {
            let [_, b0, b1, b2] = acc.to_be_bytes();
            put(&mut out, &mut len, &[b0, b1, b2]);
            acc = 0;
            count = 0;
        }
    }
    match count {
        2 => put(&mut out, &mut len, &[(acc >> 4) as u8]),
        3 => put(&mut out, &mut len, &[(acc >> 10) as u8, (acc >> 2) as u8]),
        // 0: nothing pending; 1: six bits cannot form a byte and are ignored.
        _ => {}
    }
    out.truncate(len);
    out
}

/// Decodes whole groups of four alphabet characters from the start of `input` into
/// `out` until a group holds anything else (or either runs out). Returns the bytes
/// read and written. Two groups at a time, then one.
fn decode_groups(input: &[u8], out: &mut [u8]) -> (usize, usize) {
    let (mut read, mut written) = (0, 0);
    for (src, dst) in input.chunks_exact(8).zip(out.chunks_exact_mut(6)) {
        let Ok(src) = <[u8; 8]>::try_from(src) else {
            break;
        };
        let w = u64::from_le_bytes(src);
        let (p0, p1, p2, p3) = (
            pair_value(w as u16),
            pair_value((w >> 16) as u16),
            pair_value((w >> 32) as u16),
            pair_value((w >> 48) as u16),
        );
        if (p0 | p1 | p2 | p3) & u64::from(NOT_BASE64) != 0 {
            break;
        }
        let n = (p0 << 36) | (p1 << 24) | (p2 << 12) | p3;
        let [_, _, bytes @ ..] = n.to_be_bytes();
        dst.copy_from_slice(&bytes);
        read += 8;
        written += 6;
    }
    // Fewer than eight characters were left, or the second group of the last eight
    // was not clean: at most one more whole group.
    if let (Some(&[a, b, c, d]), Some([o0, o1, o2])) =
        (input.get(read..read + 4), out.get_mut(written..written + 3))
    {
        let (p0, p1) = (
            pair_value(u16::from_le_bytes([a, b])),
            pair_value(u16::from_le_bytes([c, d])),
        );
        if (p0 | p1) & u64::from(NOT_BASE64) == 0 {
            let [.., x, y, z] = ((p0 << 12) | p1).to_be_bytes();
            *o0 = x;
            *o1 = y;
            *o2 = z;
            read += 4;
            written += 3;
        }
    }
    (read, written)
}

/// Writes `bytes` at `out[*len..]` (growing `out` if it is too short) and advances `len`.
fn put(out: &mut Vec<u8>, len: &mut usize, bytes: &[u8]) {
    let end = *len + bytes.len();
    match out.get_mut(*len..end) {
        Some(dst) => dst.copy_from_slice(bytes),
        None => {
            out.truncate(*len);
            out.extend_from_slice(bytes);
        }
    }
    *len = end;
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
    let Some(pos) = memchr::memchr2(b'\r', b'\n', input) else {
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
    let mut rest = content;
    // Copy the text between `=` signs in one go.
    while let Some(i) = memchr::memchr(b'=', rest) {
        out.extend_from_slice(rest.get(..i).unwrap_or_default());
        let hi = rest.get(i + 1).copied().and_then(hex_value);
        let lo = rest.get(i + 2).copied().and_then(hex_value);
        let used = match (hi, lo) {
            (Some(hi), Some(lo)) => {
                out.push((hi << 4) | lo);
                3
            }
            _ => {
                out.push(b'=');
                1
            }
        };
        rest = rest.get(i + used..).unwrap_or_default();
    }
    out.extend_from_slice(rest);
}

#[cfg(test)]
#[path = "transfer_tests.rs"]
mod tests;
