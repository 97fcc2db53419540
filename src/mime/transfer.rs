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

/// The pair-table entry of a pair with a byte outside the alphabet (`=` included).
const BAD_PAIR: i16 = -1;

/// The decode table for two characters at once, indexed by `first | second << 8` (a
/// little-endian `u16` read from the input): the 12 bits they encode, or [`BAD_PAIR`]
/// when either is not in the alphabet. Valid entries are never negative, so a group
/// or block put together from them with shifts and ors is negative exactly when one of
/// its pairs was bad: one sign test checks a whole block.
static DECODE_PAIR: [i16; 65536] = decode_pair_table();

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

const fn decode_pair_table() -> [i16; 65536] {
    let mut table = [BAD_PAIR; 65536];
    let mut rest: &mut [i16] = &mut table;
    let mut index: u16 = 0;
    while let [entry, tail @ ..] = rest {
        let [first, second] = index.to_le_bytes();
        if let (Some(a), Some(b)) = (base64_value(first), base64_value(second)) {
            *entry = ((a as i16) << 6) | b as i16;
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

/// Looks up two characters: their 12 bits, or a negative number.
#[inline(always)]
fn pair(chars: [u8; 2]) -> i64 {
    i64::from(
        DECODE_PAIR
            .get(usize::from(u16::from_le_bytes(chars)))
            .copied()
            .unwrap_or(BAD_PAIR),
    )
}

/// Decodes a group of four characters (two pairs): its 24 bits, or a negative number
/// when one of them is not in the alphabet.
#[inline(always)]
fn group(first: [u8; 2], second: [u8; 2]) -> i64 {
    (pair(first) << 12) | pair(second)
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
        // Clean lines in one go, from a group boundary where a group starts.
        if count == 0 && rest.first().is_some_and(|&c| value_of(c) != NOT_BASE64) {
            let (read, written) = decode_clean(rest, out.get_mut(len..).unwrap_or_default());
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

/// The characters of a full-length base64 body line (RFC 2045 section 6.8: 76).
const LINE_CHARS: usize = BASE64_LINE_LEN;

/// The bytes a full-length line decodes to.
const LINE_BYTES: usize = LINE_CHARS / 4 * 3;

// [`full_line`] decodes eight characters at a time and then one last group.
const _: () = assert!(LINE_CHARS % 8 == 4);

/// Decodes the clean part at the start of `input` into `out`: whole groups of four
/// alphabet characters, and the line ends (LF or CRLF) between them, until anything
/// else (or either runs out). Line ends can be stepped over because they fall between
/// groups: whatever follows them starts a group. Returns the bytes read and written.
fn decode_clean(input: &[u8], out: &mut [u8]) -> (usize, usize) {
    let (mut read, mut written) = (0, 0);
    loop {
        let (r, w) = full_lines(
            input.get(read..).unwrap_or_default(),
            out.get_mut(written..).unwrap_or_default(),
        );
        read += r;
        written += w;
        let (r, w) = clean_groups(
            input.get(read..).unwrap_or_default(),
            out.get_mut(written..).unwrap_or_default(),
        );
        read += r;
        written += w;
        match input.get(read..) {
            Some([b'\n', ..]) => read += 1,
            Some([b'\r', b'\n', ..]) => read += 2,
            _ => return (read, written),
        }
    }
}

/// Decodes clean full-length lines with their line ends (LF or CRLF) from the start of
/// `input` into `out`, as many as there are. Returns the bytes read and written.
fn full_lines(input: &[u8], out: &mut [u8]) -> (usize, usize) {
    let mut src = input;
    let (slots, _) = out.as_chunks_mut::<LINE_BYTES>();
    let mut lines = 0;
    for slot in slots {
        let Some((line, rest)) = src.split_first_chunk::<LINE_CHARS>() else {
            break;
        };
        let next = match rest {
            [b'\n', next @ ..] | [b'\r', b'\n', next @ ..] => next,
            _ => break,
        };
        if !full_line(line, slot) {
            break;
        }
        src = next;
        lines += 1;
    }
    (input.len() - src.len(), lines * LINE_BYTES)
}

/// Decodes whole groups of four alphabet characters from the start of `input` into
/// `out` until a group holds anything else (or either runs out): a line of any length,
/// up to its line end. Returns the bytes read and written. Not inlined: in its own frame
/// it leaves the registers of the full-line loop alone.
#[inline(never)]
fn clean_groups(input: &[u8], out: &mut [u8]) -> (usize, usize) {
    // Sixteen characters (four groups, twelve bytes) at a time.
    let (pairs, _) = input.as_chunks::<2>();
    let (blocks, _) = pairs.as_chunks::<8>();
    let (slots, _) = out.as_chunks_mut::<12>();
    let mut blocks_done = 0;
    for (&[a, b, c, d, e, f, g, h], slot) in blocks.iter().zip(slots) {
        let hi = block(a, b, c, d);
        let lo = block(e, f, g, h);
        if hi | lo < 0 {
            break;
        }
        // Bytes 0-5 from `hi`, 6-11 from `lo`.
        let [b0, b1, b2, b3, ..] = ((hi as u64) << 16).to_be_bytes();
        let second = (((hi as u64) << 48) | lo as u64).to_be_bytes();
        let (head, tail) = slot.split_at_mut(4);
        head.copy_from_slice(&[b0, b1, b2, b3]);
        tail.copy_from_slice(&second);
        blocks_done += 1;
    }
    let (read, written) = (blocks_done * 16, blocks_done * 12);
    // Then single groups.
    let (pairs, _) = input.get(read..).unwrap_or_default().as_chunks::<2>();
    let (groups, _) = pairs.as_chunks::<2>();
    let (slots, _) = out
        .get_mut(written..)
        .unwrap_or_default()
        .as_chunks_mut::<3>();
    let mut groups_done = 0;
    for (&[a, b], slot) in groups.iter().zip(slots) {
        let v = group(a, b);
        if v < 0 {
            break;
        }
        let [_, _, _, _, _, x, y, z] = v.to_be_bytes();
        *slot = [x, y, z];
        groups_done += 1;
    }
    (read + groups_done * 4, written + groups_done * 3)
}

/// Decodes eight characters (two groups): their 48 bits, or a negative number when one
/// of them is not in the alphabet.
#[inline(always)]
fn block(a: [u8; 2], b: [u8; 2], c: [u8; 2], d: [u8; 2]) -> i64 {
    (group(a, b) << 24) | group(c, d)
}

/// Decodes a full-length line into `out`: false (and `out` holding junk) when one of
/// its characters is not in the alphabet.
#[inline(always)]
fn full_line(line: &[u8; LINE_CHARS], out: &mut [u8; LINE_BYTES]) -> bool {
    let (pairs, _) = line.as_chunks::<2>();
    let (units, tail) = pairs.as_chunks::<4>();
    // Eight characters (six bytes) at a time, each written as eight bytes whose last
    // two the next write replaces.
    let mut at = 0;
    let mut last = 0;
    for &[a, b, c, d] in units {
        last = block(a, b, c, d);
        if last < 0 {
            return false;
        }
        if let Some(dst) = out.get_mut(at..at + 8) {
            dst.copy_from_slice(&((last as u64) << 16).to_be_bytes());
        }
        at += 6;
    }
    // The last group (76 = 9 * 8 + 4): its three bytes after the last byte before it,
    // in one four-byte write.
    if let [a, b] = *tail {
        let v = group(a, b);
        if v < 0 {
            return false;
        }
        if let Some(dst) = out.get_mut(LINE_BYTES - 4..) {
            dst.copy_from_slice(&(((last as u32) << 24) | v as u32).to_be_bytes());
        }
    }
    true
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

/// True for the blanks that are dropped at the end of a line (RFC 2045 6.7, rule 3).
fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// Decodes quoted-printable (RFC 2045 6.7) leniently, keeping the input's own line endings.
///
/// `=XX` (hex digits of either case) becomes the byte; `=` at the end of a line,
/// optionally followed by spaces or tabs, is a soft line break and is removed
/// together with the line ending; trailing spaces and tabs before a hard line
/// break (or the end of input) are removed; any other `=` is kept literally. Lines
/// end at CRLF, LF or a bare CR.
pub fn decode_quoted_printable(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    // `input[copied..at]` is text still to be copied as it is: runs of plain text,
    // hard line ends and literal `=` signs are copied in one go when something else
    // comes (or the end).
    let mut copied = 0;
    let mut at = 0;
    while let Some(i) = next_qp_event(input, at) {
        let next = input.get(i + 1).copied();
        if input.get(i) != Some(&b'=') {
            // A line end after a blank: the line end stays, the blanks before it go
            // (before the CR of a CRLF).
            let text = input.get(copied..i).unwrap_or_default();
            out.extend_from_slice(trim_blanks(text));
            copied = i;
            at = if input.get(i) == Some(&b'\r') && next == Some(b'\n') {
                i + 2
            } else {
                i + 1
            };
            continue;
        }
        // An `=`: an escape, a soft line break or itself.
        if let (Some(hi), Some(lo)) = (
            next.and_then(hex_value),
            input.get(i + 2).copied().and_then(hex_value),
        ) {
            out.extend_from_slice(input.get(copied..i).unwrap_or_default());
            out.push((hi << 4) | lo);
            copied = i + 3;
            at = copied;
            continue;
        }
        let after = input.get(i + 1..).unwrap_or_default();
        let blanks = after.iter().take_while(|&&c| is_blank(c)).count();
        let eol = match after.get(blanks..).unwrap_or_default() {
            [] => Some(0),
            [b'\r', b'\n', ..] => Some(2),
            [b'\r' | b'\n', ..] => Some(1),
            _ => None,
        };
        if let Some(eol) = eol {
            // A soft line break: the `=`, its blanks and the line end go.
            out.extend_from_slice(input.get(copied..i).unwrap_or_default());
            copied = i + 1 + blanks + eol;
            at = copied;
        } else {
            // Kept literally, with the text around it.
            at = i + 1;
        }
    }
    // The last line, without a line end: its trailing blanks go too.
    let text = input.get(copied..).unwrap_or_default();
    out.extend_from_slice(trim_blanks(text));
    out
}

/// The position of the next byte from `from` on that quoted-printable decoding cannot
/// copy as it is: an `=`, or a line end (CR or LF) right after a blank. Other line
/// ends stay as they are, and a CRLF after a blank is found at its CR.
fn next_qp_event(input: &[u8], from: usize) -> Option<usize> {
    let rest = input.get(from..)?;
    let (words, tail) = rest.as_chunks::<8>();
    let mut word_at = from;
    for &word in words {
        let mut flags = qp_flags(word);
        while flags != 0 {
            let i = word_at + (flags.trailing_zeros() / 8) as usize;
            if is_qp_event(input, i) {
                return Some(i);
            }
            flags &= flags - 1;
        }
        word_at += 8;
    }
    (word_at..word_at + tail.len()).find(|&i| is_qp_event(input, i))
}

/// Whether `input[i]` is an `=` or a line end after a blank.
#[inline(always)]
fn is_qp_event(input: &[u8], i: usize) -> bool {
    match input.get(i) {
        Some(b'=') => true,
        Some(b'\r' | b'\n') => i
            .checked_sub(1)
            .and_then(|j| input.get(j))
            .copied()
            .is_some_and(is_blank),
        _ => false,
    }
}

/// For eight bytes, flags (their top bits) for the bytes equal to `=` or below 0x0e
/// (CR and LF, but also tab and other control bytes). Every such byte is flagged; a
/// byte right above one may be flagged wrongly too (a borrow), so callers look at the
/// flagged bytes themselves.
#[inline(always)]
fn qp_flags(word: [u8; 8]) -> u64 {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    let word = u64::from_le_bytes(word);
    // Zero bytes of `eq` are `=` signs; `=` is below 0x80, so `eq` has the top bits of
    // `word` and one `!word` serves both tests.
    let eq = word ^ (ONES * u64::from(b'='));
    (eq.wrapping_sub(ONES) | word.wrapping_sub(ONES * 0x0e)) & !word & HIGH
}

/// `text` without its trailing spaces and tabs.
fn trim_blanks(mut text: &[u8]) -> &[u8] {
    while let [head @ .., b' ' | b'\t'] = text {
        text = head;
    }
    text
}

#[cfg(test)]
#[path = "transfer_tests.rs"]
mod tests;
