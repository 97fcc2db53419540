//! BinHex 4.0 (RFC 1741): detection, decoding and encoding of `.hqx` text.
//!
//! This module owns the BinHex layers only: the banner line, the 6-bit character
//! armour between the two colons, the 0x90 run-length encoding, the header and the two
//! forks with their CRC-16/XMODEM checks. Decoding is streaming and bounded: both forks
//! together may not exceed the caller's `max_output`, the check is made from the header
//! before any fork byte is decoded, and the resource fork is verified but never stored.
//! It must not panic on any input, guess at a damaged file (every CRC is checked), or
//! interpret the data fork (that is the caller's business).

use std::fmt::Write as _;

/// The banner line that announces BinHex 4.0 text.
const BANNER: &str = "(This file must be converted with BinHex 4.0)";

/// The 64 characters of the BinHex 4.0 armour, in value order.
const ALPHABET: &[u8; 64] = b"!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";

/// The run-length marker byte.
const MARKER: u8 = 0x90;

/// Longest name the header can hold (Mac OS file names are at most 63 bytes).
const MAX_NAME: usize = 63;

/// Characters per encoded line, colons included.
const LINE_LEN: usize = 64;

/// How far into a text [`looks_like_binhex`] looks for the banner.
const SNIFF_WINDOW: usize = 4096;

/// A decoded BinHex file: its Finder name, type, creator and data fork.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinHexFile {
    /// File name, decoded from MacRoman.
    pub name: String,
    /// Finder file type (e.g. `TEXT`).
    pub file_type: [u8; 4],
    /// Finder creator code (e.g. `OPIM` for Entourage).
    pub creator: [u8; 4],
    /// The data fork.
    pub data: Vec<u8>,
    /// Length of the resource fork, which was CRC-checked and dropped.
    pub resource_len: usize,
}

/// Why BinHex text could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BinHexError {
    /// No `:` starting encoded data was found, or the data between the colons is empty.
    #[error("no BinHex data found")]
    NoData,
    /// A character outside the BinHex alphabet inside the encoded data.
    #[error("invalid character 0x{0:02x} in BinHex data")]
    BadCharacter(u8),
    /// The encoded data ended before the header, a fork or a CRC was complete.
    #[error("BinHex data is truncated")]
    Truncated,
    /// The two forks together are larger than the allowed output.
    #[error("BinHex file is larger than the allowed output")]
    TooLarge,
    /// The header CRC does not match (`expected` is the stored value).
    #[error("BinHex header CRC mismatch: stored {expected:#06x}, computed {actual:#06x}")]
    HeaderCrc {
        /// CRC stored in the file.
        expected: u16,
        /// CRC computed over the header.
        actual: u16,
    },
    /// The data fork CRC does not match (`expected` is the stored value).
    #[error("BinHex data fork CRC mismatch: stored {expected:#06x}, computed {actual:#06x}")]
    DataCrc {
        /// CRC stored in the file.
        expected: u16,
        /// CRC computed over the data fork.
        actual: u16,
    },
    /// The resource fork CRC does not match (`expected` is the stored value).
    #[error("BinHex resource fork CRC mismatch: stored {expected:#06x}, computed {actual:#06x}")]
    ResourceCrc {
        /// CRC stored in the file.
        expected: u16,
        /// CRC computed over the resource fork.
        actual: u16,
    },
}

/// Whether `text` carries the BinHex 4.0 banner on a line starting in its first 4 KB.
pub fn looks_like_binhex(text: &[u8]) -> bool {
    // Cheap first: the banner's text must be somewhere in the window at all.
    let window = text
        .get(..SNIFF_WINDOW.saturating_add(BANNER.len()))
        .unwrap_or(text);
    let has_banner_text = memchr::memchr_iter(b'(', window).any(|at| {
        window
            .get(at..at + BANNER.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(BANNER.as_bytes()))
    });
    has_banner_text && find_banner(text, SNIFF_WINDOW).is_some()
}

/// Decodes the first BinHex 4.0 file in `text`, checking all three CRCs.
///
/// The encoded data starts at the first `:` after the banner line or, without a
/// banner, at the first `:` that begins a line. CR, LF, spaces and tabs inside the data
/// are skipped; decoding stops once the resource fork CRC has been read (a missing
/// closing `:` is not an error when nothing is missing).
///
/// # Errors
/// [`BinHexError::TooLarge`] when the data and resource forks together exceed
/// `max_output` bytes (checked from the header, before the forks are decoded); the
/// other variants for missing, malformed, truncated or corrupted data.
pub fn decode(text: &[u8], max_output: usize) -> Result<BinHexFile, BinHexError> {
    let start = data_start(text).ok_or(BinHexError::NoData)?;
    let mut stream = Stream::new(text.get(start..).unwrap_or_default());
    if stream.at_end_of_data() {
        return Err(BinHexError::NoData);
    }

    // Header: name length, name, version, type, creator, flags, data and resource lengths.
    let mut crc = Crc::new();
    let name_len = stream.next_crc(&mut crc)?;
    let mut name_bytes = Vec::with_capacity(usize::from(name_len));
    for _ in 0..name_len {
        name_bytes.push(stream.next_crc(&mut crc)?);
    }
    let _version = stream.next_crc(&mut crc)?;
    let file_type = stream.array4(&mut crc)?;
    let creator = stream.array4(&mut crc)?;
    let _flags = [stream.next_crc(&mut crc)?, stream.next_crc(&mut crc)?];
    let data_len = u32::from_be_bytes(stream.array4(&mut crc)?);
    let resource_len = u32::from_be_bytes(stream.array4(&mut crc)?);
    check_crc(&mut stream, crc, |expected, actual| {
        BinHexError::HeaderCrc { expected, actual }
    })?;

    let data_len = usize::try_from(data_len).map_err(|_| BinHexError::TooLarge)?;
    let resource_len = usize::try_from(resource_len).map_err(|_| BinHexError::TooLarge)?;
    if data_len
        .checked_add(resource_len)
        .is_none_or(|total| total > max_output)
    {
        return Err(BinHexError::TooLarge);
    }

    let mut crc = Crc::new();
    let mut data = Vec::new();
    for _ in 0..data_len {
        push_bounded(&mut data, stream.next_crc(&mut crc)?, data_len);
    }
    check_crc(&mut stream, crc, |expected, actual| BinHexError::DataCrc {
        expected,
        actual,
    })?;

    let mut crc = Crc::new();
    for _ in 0..resource_len {
        stream.next_crc(&mut crc)?;
    }
    check_crc(&mut stream, crc, |expected, actual| {
        BinHexError::ResourceCrc { expected, actual }
    })?;

    let (name, _) = encoding_rs::MACINTOSH.decode_without_bom_handling(&name_bytes);
    Ok(BinHexFile {
        name: name.into_owned(),
        file_type,
        creator,
        data,
        resource_len,
    })
}

/// Encodes a file with an empty resource fork as BinHex 4.0 text (LF line ends).
///
/// The name is written in MacRoman (unmappable characters become `?`) and cut to 63
/// bytes; Finder flags are zero. Runs of three or more equal bytes are run-length
/// encoded, except runs of 0x90 itself, whose bytes are each escaped as `0x90 0x00`.
pub fn encode(name: &str, file_type: [u8; 4], creator: [u8; 4], data: &[u8]) -> String {
    let mut name_bytes = mac_roman(name);
    name_bytes.truncate(MAX_NAME);
    let name_len = u8::try_from(name_bytes.len()).unwrap_or(u8::MAX);
    let data_len = u32::try_from(data.len()).unwrap_or(u32::MAX);

    let mut stream = Vec::with_capacity(name_bytes.len() + data.len() + 32);
    stream.push(name_len);
    stream.extend_from_slice(&name_bytes);
    stream.push(0); // version
    stream.extend_from_slice(&file_type);
    stream.extend_from_slice(&creator);
    stream.extend_from_slice(&[0, 0]); // Finder flags
    stream.extend_from_slice(&data_len.to_be_bytes());
    stream.extend_from_slice(&0u32.to_be_bytes()); // resource fork length
    let header_crc = crc16(&stream);
    stream.extend_from_slice(&header_crc.to_be_bytes());
    stream.extend_from_slice(data);
    stream.extend_from_slice(&crc16(data).to_be_bytes());
    stream.extend_from_slice(&crc16(&[]).to_be_bytes()); // empty resource fork
    armour(&run_length_encode(&stream))
}

/// CRC-16/XMODEM (polynomial 0x1021, initial value 0, no reflection, no final XOR).
///
/// BinHex defines its CRC as this register run over the bytes followed by two zero
/// bytes; with the augmented-message formulation that equals plain CRC-16/XMODEM.
fn crc16(bytes: &[u8]) -> u16 {
    let mut crc = Crc::new();
    for &b in bytes {
        crc.update(b);
    }
    crc.value()
}

/// An incremental CRC-16/XMODEM register.
#[derive(Debug, Clone, Copy)]
struct Crc(u16);

impl Crc {
    fn new() -> Crc {
        Crc(0)
    }

    fn update(&mut self, byte: u8) {
        let mut crc = self.0 ^ (u16::from(byte) << 8);
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
        self.0 = crc;
    }

    fn value(self) -> u16 {
        self.0
    }
}

/// Reads a stored big-endian CRC and compares it with the computed one.
fn check_crc(
    stream: &mut Stream<'_>,
    computed: Crc,
    error: impl FnOnce(u16, u16) -> BinHexError,
) -> Result<(), BinHexError> {
    let stored = u16::from_be_bytes([stream.next()?, stream.next()?]);
    if stored == computed.value() {
        Ok(())
    } else {
        Err(error(stored, computed.value()))
    }
}

/// Pushes a byte, growing the vector in steps but never past `limit` bytes of capacity.
fn push_bounded(out: &mut Vec<u8>, byte: u8, limit: usize) {
    if out.len() == out.capacity() {
        let step = out.capacity().clamp(4096, 1 << 24);
        let room = limit.saturating_sub(out.len()).max(1);
        out.reserve_exact(step.min(room));
    }
    out.push(byte);
}

/// The 6-bit value of an armour character.
fn char_value(c: u8) -> Option<u8> {
    let v = match c {
        b'!'..=b'-' => c - b'!',
        b'0'..=b'6' => c - b'0' + 13,
        b'8'..=b'9' => c - b'8' + 20,
        b'@' => 22,
        b'A'..=b'N' => c - b'A' + 23,
        b'P'..=b'V' => c - b'P' + 37,
        b'X'..=b'[' => c - b'X' + 44,
        b'`' => 48,
        b'a'..=b'f' => c - b'a' + 49,
        b'h'..=b'm' => c - b'h' + 55,
        b'p'..=b'r' => c - b'p' + 61,
        _ => return None,
    };
    Some(v)
}

/// Bytes of `text` split into lines: (start, end without line end, end with line end).
fn lines(text: &[u8]) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let start = pos;
        let rest = text.get(start..).unwrap_or_default();
        let (content, eol) = match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(i) => {
                let crlf = rest.get(i) == Some(&b'\r') && rest.get(i + 1) == Some(&b'\n');
                (i, if crlf { 2 } else { 1 })
            }
            None => (rest.len(), 0),
        };
        pos = start + content + eol;
        Some((start, start + content, pos))
    })
}

/// The end (after the line end) of the first banner line starting before `window`.
fn find_banner(text: &[u8], window: usize) -> Option<usize> {
    lines(text)
        .take_while(|&(start, _, _)| start < window)
        .find(|&(start, end, _)| {
            text.get(start..end)
                .unwrap_or_default()
                .trim_ascii_start()
                .get(..BANNER.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(BANNER.as_bytes()))
        })
        .map(|(_, _, next)| next)
}

/// The offset just after the `:` that opens the encoded data.
///
/// After a banner: the first `:` starting a line (leading blanks allowed), else the
/// first `:` at all. Without a banner: the first `:` that is a line's first byte.
fn data_start(text: &[u8]) -> Option<usize> {
    let Some(after) = find_banner(text, usize::MAX) else {
        return lines(text)
            .find(|&(start, _, _)| text.get(start) == Some(&b':'))
            .map(|(start, _, _)| start + 1);
    };
    let rest = text.get(after..)?;
    let line_start = lines(rest).find_map(|(start, end, _)| {
        let line = rest.get(start..end)?;
        let blanks = line
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        (line.get(blanks) == Some(&b':')).then_some(start + blanks)
    });
    line_start
        .or_else(|| rest.iter().position(|&b| b == b':'))
        .map(|i| after + i + 1)
}

/// The decoding pipeline: armour characters to bytes, then run-length expansion.
struct Stream<'a> {
    /// The text after the opening colon.
    text: &'a [u8],
    /// Next character to read.
    pos: usize,
    /// Pending bits, right-aligned.
    bits: u32,
    /// How many of `bits` are valid (always below 8 between bytes).
    nbits: u32,
    /// The closing colon or the end of the text was reached.
    ended: bool,
    /// The last byte produced, which a run repeats.
    last: Option<u8>,
    /// Copies of `last` still to produce.
    repeat: u8,
}

impl<'a> Stream<'a> {
    fn new(text: &'a [u8]) -> Stream<'a> {
        Stream {
            text,
            pos: 0,
            bits: 0,
            nbits: 0,
            ended: false,
            last: None,
            repeat: 0,
        }
    }

    /// Whether the encoded data is empty (only whitespace before the closing colon).
    fn at_end_of_data(&self) -> bool {
        self.text
            .iter()
            .find(|b| !matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
            .is_none_or(|&b| b == b':')
    }

    /// The next byte of the armour layer, `None` at the closing colon or end of text.
    fn armoured(&mut self) -> Result<Option<u8>, BinHexError> {
        while self.nbits < 8 {
            if self.ended {
                return Ok(None);
            }
            let Some(&c) = self.text.get(self.pos) else {
                self.ended = true;
                return Ok(None);
            };
            self.pos += 1;
            match c {
                b':' => {
                    self.ended = true;
                    return Ok(None);
                }
                b'\r' | b'\n' | b' ' | b'\t' => {}
                _ => {
                    let v = char_value(c).ok_or(BinHexError::BadCharacter(c))?;
                    self.bits = ((self.bits << 6) | u32::from(v)) & 0xFFFF;
                    self.nbits += 6;
                }
            }
        }
        self.nbits -= 8;
        let byte = (self.bits >> self.nbits) & 0xFF;
        Ok(Some(u8::try_from(byte).unwrap_or_default()))
    }

    /// The next byte of the armour layer; the data may not end here.
    fn armoured_required(&mut self) -> Result<u8, BinHexError> {
        self.armoured()?.ok_or(BinHexError::Truncated)
    }

    /// The next decoded (run-length expanded) byte.
    fn next(&mut self) -> Result<u8, BinHexError> {
        loop {
            if self.repeat > 0 {
                if let Some(last) = self.last {
                    self.repeat -= 1;
                    return Ok(last);
                }
                self.repeat = 0;
            }
            let byte = self.armoured_required()?;
            if byte != MARKER {
                self.last = Some(byte);
                return Ok(byte);
            }
            let count = self.armoured_required()?;
            if count == 0 {
                self.last = Some(MARKER);
                return Ok(MARKER);
            }
            // `x 0x90 n`: n copies of x in total, one of which was already produced.
            // A count of 1 adds nothing; a run with nothing before it is ignored (the
            // header CRC catches the damage).
            self.repeat = count - 1;
        }
    }

    /// The next decoded byte, added to a CRC.
    fn next_crc(&mut self, crc: &mut Crc) -> Result<u8, BinHexError> {
        let byte = self.next()?;
        crc.update(byte);
        Ok(byte)
    }

    /// Four decoded bytes, added to a CRC.
    fn array4(&mut self, crc: &mut Crc) -> Result<[u8; 4], BinHexError> {
        Ok([
            self.next_crc(crc)?,
            self.next_crc(crc)?,
            self.next_crc(crc)?,
            self.next_crc(crc)?,
        ])
    }
}

/// Encodes `name` as MacRoman, replacing unmappable characters with `?`.
fn mac_roman(name: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len());
    let mut buf = [0u8; 4];
    for c in name.chars() {
        let (bytes, _, unmappable) = encoding_rs::MACINTOSH.encode(c.encode_utf8(&mut buf));
        if unmappable {
            out.push(b'?');
        } else {
            out.extend_from_slice(&bytes);
        }
    }
    out
}

/// Run-length encodes runs of three or more equal bytes other than the marker.
fn run_length_encode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() + input.len() / 16 + 8);
    let mut rest = input;
    while let Some(&byte) = rest.first() {
        if byte == MARKER {
            out.extend_from_slice(&[MARKER, 0]);
            rest = rest.get(1..).unwrap_or_default();
            continue;
        }
        let run = rest
            .iter()
            .take(usize::from(u8::MAX))
            .take_while(|&&b| b == byte)
            .count();
        if run >= 3 {
            out.extend_from_slice(&[byte, MARKER, u8::try_from(run).unwrap_or(u8::MAX)]);
        } else {
            out.extend(std::iter::repeat_n(byte, run));
        }
        rest = rest.get(run..).unwrap_or_default();
    }
    out
}

/// Writes the banner and the armoured bytes between colons, 64 characters a line.
fn armour(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(BANNER.len() + bytes.len() * 4 / 3 + bytes.len() / 48 + 8);
    let _ = write!(out, "{BANNER}\n\n");
    let mut column = 0;
    let mut put = |out: &mut String, c: u8| {
        if column == LINE_LEN {
            out.push('\n');
            column = 0;
        }
        out.push(char::from(c));
        column += 1;
    };
    put(&mut out, b':');
    for chunk in bytes.chunks(3) {
        let group = chunk
            .iter()
            .chain(std::iter::repeat(&0))
            .take(3)
            .fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
        // n bytes carry 8n bits: 2, 3 or 4 characters.
        for k in 0..=chunk.len() {
            let shift = 18 - 6 * k;
            let index = usize::try_from((group >> shift) & 0x3F).unwrap_or_default();
            put(&mut out, ALPHABET.get(index).copied().unwrap_or(b'!'));
        }
    }
    put(&mut out, b':');
    out.push('\n');
    out
}

#[cfg(test)]
#[path = "binhex_tests.rs"]
mod tests;
