//! uuencode: `begin NNN name` ... `end` blocks, alone or inline in a text body.
//!
//! This module owns the uuencoding line format (length character, groups of four
//! characters carrying three bytes, backquote or space for zero) and the recognition of
//! blocks inside text, as Microsoft Entourage sent attachments inline in the body. The
//! block decoder is lenient (short lines, extra characters, a missing `end` after the
//! zero-length line); the block finder accepts only well-formed blocks. Output is bounded
//! by the caller's `max_output`, and nothing here may panic on any input. It must not
//! decide what a decoded file is, nor modify the text it reads.

use std::ops::Range;

/// Bytes per encoded line written by [`encode`].
const BYTES_PER_LINE: usize = 45;

/// Longest mode field accepted on a `begin` line.
const MAX_MODE_DIGITS: usize = 6;

/// A decoded uuencoded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UuFile {
    /// The octal mode of the `begin` line, if it is valid octal.
    pub mode: Option<u32>,
    /// The file name (UTF-8 when valid, otherwise read as MacRoman).
    pub name: String,
    /// The decoded bytes.
    pub data: Vec<u8>,
}

/// Why a uuencoded block could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UuError {
    /// No `begin NNN name` line was found.
    #[error("no uuencode begin line")]
    NoBegin,
    /// The text ended before the zero-length line or the `end` line.
    #[error("uuencoded block is not terminated")]
    Unterminated,
    /// The decoded data would exceed the allowed output.
    #[error("uuencoded data is larger than the allowed output")]
    TooLarge,
}

/// Decodes the first `begin` ... `end` block in `text` (text before `begin` is skipped).
///
/// Lenient: characters past a line's stated length are ignored, missing characters read
/// as zero, and a missing `end` line is accepted after the zero-length line (an empty
/// line counts as one, since trailing spaces are often stripped in transit).
///
/// # Errors
/// [`UuError::NoBegin`] without a `begin` line, [`UuError::Unterminated`] when the text
/// ends before the zero-length line or `end`, [`UuError::TooLarge`] when the data would
/// exceed `max_output` bytes.
pub fn decode_block(text: &[u8], max_output: usize) -> Result<UuFile, UuError> {
    let (begin, mode, name) = Lines::new(text, 0)
        .find_map(|line| parse_begin(line.content(text)).map(|(m, n)| (line, m, n)))
        .ok_or(UuError::NoBegin)?;
    let (_, data) = decode_data(text, begin.next, max_output, Strictness::Lenient)?;
    Ok(UuFile { mode, name, data })
}

/// Every well-formed block in `text` with its byte range (from the start of the `begin`
/// line to the end of the `end` line, line end included), in order.
///
/// Well-formed means: a `begin NNN name` line, data lines made only of characters from
/// space to backquote, and an `end` line (after the zero-length line, or directly).
/// Blocks that are not well-formed, or that would take the total decoded size past
/// `max_output`, are skipped.
pub fn find_blocks(text: &[u8], max_output: usize) -> Vec<(Range<usize>, UuFile)> {
    let mut found = Vec::new();
    let mut budget = max_output;
    let mut pos = 0;
    while pos < text.len() {
        let Some(begin) = Lines::new(text, pos).next() else {
            break;
        };
        pos = begin.next;
        let Some((mode, name)) = parse_begin(begin.content(text)) else {
            continue;
        };
        if let Ok((end, data)) = decode_data(text, begin.next, budget, Strictness::Strict) {
            budget = budget.saturating_sub(data.len());
            found.push((begin.start..end, UuFile { mode, name, data }));
            pos = end;
        }
    }
    found
}

/// Encodes `data` as a uuencoded block: `begin` line with the octal mode, 45 bytes a
/// line, backquote for zero, a backquote line, `end`; LF line ends.
///
/// CR and LF in the name are replaced with spaces.
pub fn encode(name: &str, mode: u32, data: &[u8]) -> String {
    let name: String = name
        .chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .collect();
    let mut out = String::with_capacity(data.len() * 4 / 3 + data.len() / 45 * 2 + 32);
    out.push_str("begin ");
    out.push_str(&format!("{mode:03o}"));
    out.push(' ');
    out.push_str(&name);
    out.push('\n');
    for chunk in data.chunks(BYTES_PER_LINE) {
        out.push(encode_char(u32::try_from(chunk.len()).unwrap_or_default()));
        for group in chunk.chunks(3) {
            let bits = group
                .iter()
                .chain(std::iter::repeat(&0))
                .take(3)
                .fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
            for shift in [18, 12, 6, 0] {
                out.push(encode_char((bits >> shift) & 0x3F));
            }
        }
        out.push('\n');
    }
    out.push_str("`\nend\n");
    out
}

/// The character for a 6-bit value, backquote for zero.
fn encode_char(value: u32) -> char {
    let value = value & 0x3F;
    if value == 0 {
        '`'
    } else {
        char::from_u32(value + 32).unwrap_or('`')
    }
}

/// The 6-bit value of an encoded character.
fn value(c: u8) -> u8 {
    c.wrapping_sub(32) & 0x3F
}

/// Whether a data line may appear in a well-formed block.
fn is_clean(line: &[u8]) -> bool {
    line.iter().all(|&c| (b' '..=b'`').contains(&c))
}

/// How strictly [`decode_data`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strictness {
    /// Any line is data; `end` may be missing after the zero-length line.
    Lenient,
    /// Data lines must be clean and the `end` line must be present.
    Strict,
}

/// Decodes the data lines starting at `pos`; returns the block end and the bytes.
fn decode_data(
    text: &[u8],
    pos: usize,
    max_output: usize,
    strictness: Strictness,
) -> Result<(usize, Vec<u8>), UuError> {
    let mut data = Vec::new();
    let mut lines = Lines::new(text, pos);
    loop {
        let line = lines.next().ok_or(UuError::Unterminated)?;
        let content = line.content(text);
        if is_end(content) {
            return Ok((line.next, data));
        }
        let length = content.first().map_or(0, |&c| value(c));
        if length == 0 {
            // The zero-length line; `end` should follow, perhaps after blank lines.
            let after = lines.find(|l| !l.content(text).trim_ascii().is_empty());
            return match after {
                Some(end) if is_end(end.content(text)) => Ok((end.next, data)),
                _ if strictness == Strictness::Lenient => Ok((line.next, data)),
                _ => Err(UuError::Unterminated),
            };
        }
        if strictness == Strictness::Strict && !is_clean(content) {
            return Err(UuError::Unterminated);
        }
        decode_line(content, usize::from(length), &mut data, max_output)?;
    }
}

/// Appends the `length` bytes a data line carries.
fn decode_line(
    line: &[u8],
    length: usize,
    out: &mut Vec<u8>,
    max_output: usize,
) -> Result<(), UuError> {
    let total = out
        .len()
        .checked_add(length)
        .filter(|&t| t <= max_output)
        .ok_or(UuError::TooLarge)?;
    if out.capacity() < total {
        let step = out.capacity().clamp(4096, 1 << 24);
        out.reserve_exact(step.min(max_output.saturating_sub(out.len())).max(length));
    }
    let chars = line.get(1..).unwrap_or_default();
    let mut remaining = length;
    let mut groups = chars.chunks(4).chain(std::iter::repeat(&[][..]));
    while remaining > 0 {
        let group = groups.next().unwrap_or_default();
        let v = |i: usize| u32::from(group.get(i).map_or(0, |&c| value(c)));
        let bits = (v(0) << 18) | (v(1) << 12) | (v(2) << 6) | v(3);
        for byte in bits.to_be_bytes().into_iter().skip(1).take(remaining) {
            out.push(byte);
        }
        remaining = remaining.saturating_sub(3);
    }
    Ok(())
}

/// Whether a line is the `end` line (trailing white space allowed).
fn is_end(line: &[u8]) -> bool {
    line.trim_ascii_end() == b"end"
}

/// Reads a `begin NNN name` line: the mode (if valid octal) and the name.
fn parse_begin(line: &[u8]) -> Option<(Option<u32>, String)> {
    let rest = line.strip_prefix(b"begin")?;
    if !rest.first().is_some_and(|&c| c == b' ' || c == b'\t') {
        return None;
    }
    let rest = rest.trim_ascii_start();
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > MAX_MODE_DIGITS {
        return None;
    }
    let (mode, rest) = rest.split_at_checked(digits)?;
    if !rest.first().is_some_and(|&c| c == b' ' || c == b'\t') {
        return None;
    }
    let name = rest.trim_ascii();
    if name.is_empty() {
        return None;
    }
    let mode = std::str::from_utf8(mode)
        .ok()
        .and_then(|m| u32::from_str_radix(m, 8).ok());
    let name = match std::str::from_utf8(name) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::MACINTOSH
            .decode_without_bom_handling(name)
            .0
            .into_owned(),
    };
    Some((mode, name))
}

/// One line of the text.
#[derive(Debug, Clone, Copy)]
struct Line {
    /// Offset of the first byte.
    start: usize,
    /// Offset of the line end (or the end of the text).
    end: usize,
    /// Offset after the line end.
    next: usize,
}

impl Line {
    /// The line without its line end.
    fn content(self, text: &[u8]) -> &[u8] {
        text.get(self.start..self.end).unwrap_or_default()
    }
}

/// Lines of a text from an offset, ending in CRLF, LF or CR.
struct Lines<'a> {
    text: &'a [u8],
    pos: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a [u8], pos: usize) -> Lines<'a> {
        Lines { text, pos }
    }
}

impl Iterator for Lines<'_> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        let rest = self.text.get(self.pos..).filter(|r| !r.is_empty())?;
        let start = self.pos;
        let (len, eol) = match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(i) => {
                let crlf = rest.get(i) == Some(&b'\r') && rest.get(i + 1) == Some(&b'\n');
                (i, if crlf { 2 } else { 1 })
            }
            None => (rest.len(), 0),
        };
        self.pos = start + len + eol;
        Some(Line {
            start,
            end: start + len,
            next: self.pos,
        })
    }
}

#[cfg(test)]
#[path = "uuencode_tests.rs"]
mod tests;
