//! Outlook conversation threading headers: `Thread-Index` and `Thread-Topic`.
//!
//! This module owns the construction and validation of the `Thread-Index`
//! header, which carries the base64 of a PidTagConversationIndex value
//! ([MS-OXOMSG] 2.2.1.3): a 22-byte header block (reserved byte 0x01, then
//! bits 55..16 of the FILETIME in big-endian order, i.e. the five bytes after its
//! top byte, which is itself 0x01 for every date from 1972 to 2057; then a 16-byte
//! GUID)
//! followed by zero or more 5-byte child blocks. It also derives the
//! `Thread-Topic` from a subject by removing reply, forward and
//! meeting-response prefixes.

use chrono::{DateTime, Utc};

use crate::mime::transfer::{decode_base64, encode_base64};

/// Seconds between the FILETIME epoch (1601-01-01) and the Unix epoch (1970-01-01).
const FILETIME_UNIX_OFFSET_SECS: i128 = 11_644_473_600;
/// FILETIME ticks (100 ns) per second.
const TICKS_PER_SEC: i128 = 10_000_000;
/// Length of the conversation index header block.
const HEADER_BLOCK_LEN: usize = 22;
/// Length of each child (response level) block.
const CHILD_BLOCK_LEN: usize = 5;

/// Converts a UTC time to a FILETIME, clamping to 0 before 1601 and to `u64::MAX` far in the future.
fn filetime(time: DateTime<Utc>) -> u64 {
    let secs = i128::from(time.timestamp());
    let ticks_in_sec = i128::from(time.timestamp_subsec_nanos() / 100);
    let ticks = (secs + FILETIME_UNIX_OFFSET_SECS) * TICKS_PER_SEC + ticks_in_sec;
    if ticks < 0 {
        0
    } else {
        u64::try_from(ticks).unwrap_or(u64::MAX)
    }
}

/// Builds the padded base64 `Thread-Index` value (30 chars + `==`) for a new conversation started at `time` with `guid` (wire byte order).
pub fn thread_index(time: DateTime<Utc>, guid: [u8; 16]) -> String {
    let ft = filetime(time).to_be_bytes();
    let mut block = Vec::with_capacity(HEADER_BLOCK_LEN);
    block.push(0x01);
    // The five bytes after the FILETIME's top byte, most significant first: this is
    // what Outlook and Entourage write (a 2005 message starts `AcUl...`, bytes
    // 01 C5 25 ...), so the index sorts by time within the 0x01 era.
    block.extend(ft.iter().skip(1).take(5));
    block.extend_from_slice(&guid);
    encode_base64(&block)
}

/// Returns true if `value` is base64 of 22 + 5*n bytes whose first byte is 0x01.
pub fn is_valid_thread_index(value: &str) -> bool {
    // Folding whitespace is tolerated; anything else must be base64 with
    // padding (if any) only at the end.
    let compact: Vec<u8> = value.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let data_len = compact.iter().take_while(|&&b| b != b'=').count();
    let (data, padding) = compact.split_at(data_len.min(compact.len()));
    let alphabet_ok = data
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    let padding_ok = padding.len() <= 2
        && padding.iter().all(|&b| b == b'=')
        && (padding.is_empty() || compact.len().is_multiple_of(4));
    if !alphabet_ok || !padding_ok || data.len() % 4 == 1 {
        return false;
    }
    let bytes = decode_base64(data);
    bytes.len() >= HEADER_BLOCK_LEN
        && (bytes.len() - HEADER_BLOCK_LEN).is_multiple_of(CHILD_BLOCK_LEN)
        && bytes.first() == Some(&0x01)
}

/// Reply, forward and meeting-response prefixes removed from subjects (matched case-insensitively before `:`).
const SUBJECT_PREFIXES: &[&str] = &[
    "Tentatively Accepted",
    "New Time Proposed",
    "Accepted",
    "Declined",
    "Tentative",
    "Canceled",
    "Cancelled",
    "Updated",
    "Antw",
    "Fwd",
    "Re",
    "Fw",
    "AW",
    "WG",
    "SV",
    "VS",
];

/// Strips one leading prefix followed by `:` from an already left-trimmed subject.
fn strip_one_prefix(subject: &str) -> Option<&str> {
    SUBJECT_PREFIXES.iter().find_map(|prefix| {
        let head = subject.as_bytes().get(..prefix.len())?;
        if !head.eq_ignore_ascii_case(prefix.as_bytes()) {
            return None;
        }
        // The matched prefix is ASCII, so `prefix.len() + 1` is a char boundary.
        subject.get(prefix.len()..)?.strip_prefix(':')
    })
}

/// Removes leading `Re:`, `Fwd:`, `Accepted:`, ... prefixes (repeatedly) for `Thread-Topic`; trims the result.
///
/// A mailing-list tag such as `[list]` is not a prefix and stops the stripping.
pub fn strip_subject_prefixes(subject: &str) -> &str {
    let mut rest = subject.trim();
    while let Some(next) = strip_one_prefix(rest) {
        rest = next.trim_start();
    }
    rest
}

#[cfg(test)]
#[path = "thread_index_tests.rs"]
mod tests;
