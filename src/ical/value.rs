//! Typed RFC 5545 property values (section 3.3): DATE, DATE-TIME, DURATION,
//! UTC-OFFSET, TEXT and RECUR. This module owns the conversion between the raw
//! value text of a content line and typed Rust values. Parsers are lenient about
//! the quirks real senders produce (surrounding whitespace, lowercase letters,
//! leap seconds, spaces inside RECUR lists, weeks mixed with other duration
//! units); formatters always write the canonical RFC 5545 form. No function in
//! this module panics, whatever its input.

use std::borrow::Cow;
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Weekday};

/// An RFC 5545 value that could not be parsed; each variant carries the offending text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// A DATE value that is not `YYYYMMDD` or names a day that does not exist.
    #[error("invalid DATE value {0:?}")]
    Date(String),
    /// A DATE-TIME value that is not `YYYYMMDDTHHMMSS[Z]` or names an impossible instant.
    #[error("invalid DATE-TIME value {0:?}")]
    DateTime(String),
    /// A DURATION value that is malformed or does not fit in the counters.
    #[error("invalid DURATION value {0:?}")]
    Duration(String),
    /// A UTC-OFFSET value that is not `+HHMM[SS]` / `-HHMM[SS]` or is out of range.
    #[error("invalid UTC-OFFSET value {0:?}")]
    UtcOffset(String),
    /// A RECUR value that is malformed; the text says which rule part was wrong.
    #[error("invalid RECUR value: {0}")]
    Recur(String),
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

/// Trims ASCII whitespace (never Unicode whitespace) from both ends.
fn trim_ascii(s: &str) -> &str {
    s.trim_ascii()
}

/// Parses a non-empty run of ASCII digits, `None` on anything else or overflow.
fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u64, |acc, b| {
        if b.is_ascii_digit() {
            acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

/// Parses an optionally signed (`+`/`-`) decimal integer, `None` on overflow.
fn parse_signed(s: &str) -> Option<i64> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let magnitude = i64::try_from(parse_digits(digits)?).ok()?;
    if negative {
        magnitude.checked_neg()
    } else {
        Some(magnitude)
    }
}

/// Parses exactly `len` ASCII digits.
fn fixed_digits(s: &str, len: usize) -> Option<u32> {
    if s.len() != len {
        return None;
    }
    u32::try_from(parse_digits(s)?).ok()
}

/// Parses the eight digits of a DATE without trimming.
fn date_from_digits(s: &str) -> Option<NaiveDate> {
    let &[y0, y1, y2, y3, m0, m1, d0, d1] = s.as_bytes() else {
        return None;
    };
    let year = i32::try_from(digits_value(&[y0, y1, y2, y3])?).ok()?;
    NaiveDate::from_ymd_opt(year, digits_value(&[m0, m1])?, digits_value(&[d0, d1])?)
}

/// The value of a few ASCII digits; `None` if any byte is not one.
fn digits_value(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

/// Parses the six digits of a TIME without trimming; second 60 becomes 59.
fn time_from_digits(s: &str) -> Option<NaiveTime> {
    let &[h0, h1, m0, m1, s0, s1] = s.as_bytes() else {
        return None;
    };
    let hour = digits_value(&[h0, h1])?;
    let minute = digits_value(&[m0, m1])?;
    let second = digits_value(&[s0, s1])?;
    let second = if second == 60 { 59 } else { second };
    NaiveTime::from_hms_opt(hour, minute, second)
}

/// Writes a date as `YYYYMMDD`.
fn push_date(out: &mut String, d: NaiveDate) {
    let _ = write!(out, "{:04}{:02}{:02}", d.year(), d.month(), d.day());
}

/// Writes a date-time as `YYYYMMDDTHHMMSS`.
fn push_date_time(out: &mut String, dt: NaiveDateTime) {
    push_date(out, dt.date());
    let _ = write!(out, "T{:02}{:02}{:02}", dt.hour(), dt.minute(), dt.second());
}

// ---------------------------------------------------------------------------
// DATE
// ---------------------------------------------------------------------------

/// Parses a DATE value (`YYYYMMDD`, exactly eight digits, surrounding ASCII whitespace ignored).
pub fn parse_date(s: &str) -> Result<NaiveDate, ValueError> {
    date_from_digits(trim_ascii(s)).ok_or_else(|| ValueError::Date(s.to_string()))
}

/// Formats a DATE value as `YYYYMMDD`.
pub fn format_date(d: NaiveDate) -> String {
    let mut out = String::with_capacity(8);
    push_date(&mut out, d);
    out
}

// ---------------------------------------------------------------------------
// DATE-TIME
// ---------------------------------------------------------------------------

/// A DATE or DATE-TIME value, with the time-zone form it was written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateTimeValue {
    /// A whole day (`VALUE=DATE`).
    Date(NaiveDate),
    /// A local time not bound to any zone (form #1).
    Floating(NaiveDateTime),
    /// A UTC time, written with a trailing `Z` (form #2).
    Utc(NaiveDateTime),
    /// A local time in the zone named by a TZID parameter (form #3).
    Zoned {
        /// The wall-clock time in the zone.
        local: NaiveDateTime,
        /// The TZID parameter value, as given.
        tzid: String,
    },
}

impl DateTimeValue {
    /// Writes the value text only (`YYYYMMDD`, `YYYYMMDDTHHMMSS` or `YYYYMMDDTHHMMSSZ`), never the TZID.
    pub fn format(&self) -> String {
        let mut out = String::with_capacity(16);
        match self {
            DateTimeValue::Date(d) => push_date(&mut out, *d),
            DateTimeValue::Floating(dt) | DateTimeValue::Zoned { local: dt, .. } => {
                push_date_time(&mut out, *dt);
            }
            DateTimeValue::Utc(dt) => {
                push_date_time(&mut out, *dt);
                out.push('Z');
            }
        }
        out
    }

    /// Returns true for a whole-day DATE value.
    pub fn is_date(&self) -> bool {
        matches!(self, DateTimeValue::Date(_))
    }

    /// Returns the TZID of a zoned value, `None` for every other form.
    pub fn tzid(&self) -> Option<&str> {
        match self {
            DateTimeValue::Zoned { tzid, .. } => Some(tzid),
            _ => None,
        }
    }
}

/// Parses a DATE (`YYYYMMDD`) or DATE-TIME (`YYYYMMDDTHHMMSS[Z]`) value; `tzid` makes a local time Zoned.
///
/// Lowercase `t`/`z` and second 60 (clamped to 59) are accepted. A TZID is
/// ignored for UTC and DATE values, and an empty or blank TZID counts as
/// absent. Input without a `T` is reported as [`ValueError::Date`] on failure,
/// anything else as [`ValueError::DateTime`].
pub fn parse_date_or_date_time(s: &str, tzid: Option<&str>) -> Result<DateTimeValue, ValueError> {
    let text = trim_ascii(s);
    let Some(t) = text.bytes().position(|b| b == b'T' || b == b't') else {
        return parse_date(s).map(DateTimeValue::Date);
    };
    // `T` is ASCII: both cuts are at character boundaries.
    let (date_part, time_part) = (
        text.get(..t).unwrap_or_default(),
        text.get(t + 1..).unwrap_or_default(),
    );
    let err = || ValueError::DateTime(s.to_string());
    let date = date_from_digits(date_part).ok_or_else(err)?;
    let (time_digits, utc) = match time_part.strip_suffix(['Z', 'z']) {
        Some(digits) => (digits, true),
        None => (time_part, false),
    };
    let time = time_from_digits(time_digits).ok_or_else(err)?;
    let local = NaiveDateTime::new(date, time);
    if utc {
        return Ok(DateTimeValue::Utc(local));
    }
    match tzid.map(trim_ascii) {
        Some(zone) if !zone.is_empty() => Ok(DateTimeValue::Zoned {
            local,
            tzid: zone.to_string(),
        }),
        _ => Ok(DateTimeValue::Floating(local)),
    }
}

// ---------------------------------------------------------------------------
// DURATION
// ---------------------------------------------------------------------------

/// A DURATION value, kept as the nominal units it was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Duration {
    /// True for a duration written with a leading `-`.
    pub negative: bool,
    /// Number of weeks (`nW`).
    pub weeks: u32,
    /// Number of days (`nD`).
    pub days: u32,
    /// Number of hours (`nH`).
    pub hours: u32,
    /// Number of minutes (`nM`).
    pub minutes: u32,
    /// Number of seconds (`nS`).
    pub seconds: u32,
}

const UNIT_W: u8 = 1;
const UNIT_D: u8 = 2;
const UNIT_H: u8 = 4;
const UNIT_M: u8 = 8;
const UNIT_S: u8 = 16;

impl Duration {
    /// Returns true when every unit is zero.
    fn is_zero(&self) -> bool {
        self.weeks == 0
            && self.days == 0
            && self.hours == 0
            && self.minutes == 0
            && self.seconds == 0
    }

    /// Writes the canonical form: `P1W`, `P1DT12H`, `-PT15M`, `PT0S` for zero; weeks mixed with other units become days.
    pub fn format(&self) -> String {
        if self.is_zero() {
            return "PT0S".to_string();
        }
        let mut out = String::new();
        if self.negative {
            out.push('-');
        }
        out.push('P');
        let time_zero = self.hours == 0 && self.minutes == 0 && self.seconds == 0;
        if self.weeks != 0 && self.days == 0 && time_zero {
            let _ = write!(out, "{}W", self.weeks);
            return out;
        }
        match self
            .weeks
            .checked_mul(7)
            .and_then(|d| d.checked_add(self.days))
        {
            Some(days) => {
                if days != 0 {
                    let _ = write!(out, "{days}D");
                }
            }
            // Too many days to fold the weeks in: keep both rather than lose data.
            None => {
                let _ = write!(out, "{}W{}D", self.weeks, self.days);
            }
        }
        if !time_zero {
            out.push('T');
            let (h, m, s) = (self.hours, self.minutes, self.seconds);
            if h != 0 {
                let _ = write!(out, "{h}H");
            }
            // The RFC grammar only allows S after M when H is present.
            if m != 0 || (h != 0 && s != 0) {
                let _ = write!(out, "{m}M");
            }
            if s != 0 {
                let _ = write!(out, "{s}S");
            }
        }
        out
    }

    /// Converts to an exact span (a day counted as 24 hours); `None` if it does not fit.
    pub fn to_chrono(self) -> Option<TimeDelta> {
        let total = i64::from(self.weeks)
            .checked_mul(7 * 86_400)?
            .checked_add(i64::from(self.days).checked_mul(86_400)?)?
            .checked_add(i64::from(self.hours).checked_mul(3_600)?)?
            .checked_add(i64::from(self.minutes).checked_mul(60)?)?
            .checked_add(i64::from(self.seconds))?;
        let total = if self.negative {
            total.checked_neg()?
        } else {
            total
        };
        TimeDelta::try_seconds(total)
    }
}

/// Parses a DURATION value (`[+-]P` then `nW`/`nD` and/or `T` with `nH`, `nM`, `nS`).
///
/// Lenient: lowercase letters, units in any order and weeks mixed with other
/// units (folded into days) are accepted. Rejected: empty `P` or `PT`, a unit
/// without a number, a number without a unit, a repeated unit, and overflow.
/// A zero duration is never negative.
pub fn parse_duration(s: &str) -> Result<Duration, ValueError> {
    let err = || ValueError::Duration(s.to_string());
    let text = trim_ascii(s);
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let rest = rest.strip_prefix(['P', 'p']).ok_or_else(err)?;

    let mut d = Duration {
        negative,
        ..Duration::default()
    };
    let mut in_time = false;
    let mut seen: u8 = 0;
    let mut number: Option<u32> = None;
    for c in rest.chars() {
        if let Some(digit) = c.to_digit(10) {
            let n = number
                .unwrap_or(0)
                .checked_mul(10)
                .and_then(|n| n.checked_add(digit))
                .ok_or_else(err)?;
            number = Some(n);
            continue;
        }
        let upper = c.to_ascii_uppercase();
        if upper == 'T' {
            if in_time || number.is_some() {
                return Err(err());
            }
            in_time = true;
            continue;
        }
        let (bit, field) = match (upper, in_time) {
            ('W', false) => (UNIT_W, &mut d.weeks),
            ('D', false) => (UNIT_D, &mut d.days),
            ('H', true) => (UNIT_H, &mut d.hours),
            ('M', true) => (UNIT_M, &mut d.minutes),
            ('S', true) => (UNIT_S, &mut d.seconds),
            _ => return Err(err()),
        };
        if seen & bit != 0 {
            return Err(err());
        }
        seen |= bit;
        *field = number.take().ok_or_else(err)?;
    }
    if number.is_some() || seen == 0 || (in_time && seen & (UNIT_H | UNIT_M | UNIT_S) == 0) {
        return Err(err());
    }
    if d.weeks != 0 && !(d.days == 0 && d.hours == 0 && d.minutes == 0 && d.seconds == 0) {
        d.days = d
            .weeks
            .checked_mul(7)
            .and_then(|w| w.checked_add(d.days))
            .ok_or_else(err)?;
        d.weeks = 0;
    }
    if d.is_zero() {
        d.negative = false;
    }
    Ok(d)
}

// ---------------------------------------------------------------------------
// UTC-OFFSET
// ---------------------------------------------------------------------------

/// Parses a UTC-OFFSET (`+HHMM` or `+HHMMSS`, sign required) into seconds east of UTC; `-0000` is accepted as 0.
pub fn parse_utc_offset(s: &str) -> Result<i32, ValueError> {
    let err = || ValueError::UtcOffset(s.to_string());
    let text = trim_ascii(s);
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').ok_or_else(err)?),
    };
    let hours = fixed_digits(digits.get(0..2).ok_or_else(err)?, 2).ok_or_else(err)?;
    let minutes = fixed_digits(digits.get(2..4).ok_or_else(err)?, 2).ok_or_else(err)?;
    let seconds = match digits.len() {
        4 => 0,
        6 => fixed_digits(digits.get(4..6).ok_or_else(err)?, 2).ok_or_else(err)?,
        _ => return Err(err()),
    };
    if hours >= 24 || minutes >= 60 || seconds >= 60 {
        return Err(err());
    }
    let total = i32::try_from(hours * 3_600 + minutes * 60 + seconds).map_err(|_| err())?;
    Ok(if negative { -total } else { total })
}

/// Formats seconds east of UTC as `+HHMM`, adding `SS` only when non-zero (`+0100`, `-0430`, `+003412`).
pub fn format_utc_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    let (hours, minutes, seconds) = (abs / 3_600, abs / 60 % 60, abs % 60);
    if seconds == 0 {
        format!("{sign}{hours:02}{minutes:02}")
    } else {
        format!("{sign}{hours:02}{minutes:02}{seconds:02}")
    }
}

// ---------------------------------------------------------------------------
// TEXT
// ---------------------------------------------------------------------------

/// Decodes TEXT escapes (`\n`/`\N`, `\,`, `\;`, `\\`); unknown escapes and a trailing backslash are kept verbatim.
pub fn unescape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    // Copy the text between backslashes in one go (a backslash is ASCII, so every cut
    // is at a character boundary).
    while let Some(i) = memchr::memchr(b'\\', rest.as_bytes()) {
        out.push_str(rest.get(..i).unwrap_or_default());
        let mut after = rest.get(i + 1..).unwrap_or_default().chars();
        match after.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(escaped @ (',' | ';' | '\\')) => out.push(escaped),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
        rest = after.as_str();
    }
    out.push_str(rest);
    out
}

/// Encodes TEXT: escapes backslash, semicolon and comma, and writes CRLF, LF or a lone CR as `\n`.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16 + 8);
    let bytes = s.as_bytes();
    // How much of `s` is in `out`.
    let mut copied = 0;
    // Every special character is ASCII: the runs between them are copied in one go.
    // Eight bytes are looked at a time, and every candidate of a word is handled
    // before the next word is read.
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let mut found = text_special_candidates(u64::from_le_bytes(word));
        while found != 0 {
            let at = base + (found.trailing_zeros() / 8) as usize;
            found &= found - 1;
            copied = escape_text_at(s, &mut out, copied, at);
        }
        base += 8;
    }
    for (i, _) in chunks
        .remainder()
        .iter()
        .enumerate()
        .filter(|&(_, &b)| is_text_special(b))
    {
        copied = escape_text_at(s, &mut out, copied, base + i);
    }
    out.push_str(s.get(copied..).unwrap_or_default());
    out
}

/// Writes to `out` the text of `s` from `copied` up to `at` and the escape of the byte
/// at `at`, when that is one [`escape_text`] rewrites (a candidate may not be) and not
/// already written (the LF of a CRLF); how much of `s` is then in `out`.
fn escape_text_at(s: &str, out: &mut String, copied: usize, at: usize) -> usize {
    let bytes = s.as_bytes();
    if at < copied {
        return copied;
    }
    let (escaped, next) = match bytes.get(at) {
        Some(b'\\') => (b'\\', at + 1),
        Some(b';') => (b';', at + 1),
        Some(b',') => (b',', at + 1),
        Some(b'\r') if bytes.get(at + 1) == Some(&b'\n') => (b'n', at + 2),
        Some(b'\r' | b'\n') => (b'n', at + 1),
        _ => return copied,
    };
    out.push_str(s.get(copied..at).unwrap_or_default());
    // A backslash and one ASCII character: two stores, not a copy call.
    out.push('\\');
    out.push(char::from(escaped));
    next
}

/// The bytes [`escape_text`] rewrites: backslash, semicolon, comma, CR and LF.
fn is_text_special(b: u8) -> bool {
    matches!(b, b'\\' | b';' | b',' | b'\r' | b'\n')
}

/// The index of the first byte of `bytes` that [`escape_text`] rewrites (the search
/// [`escape_text`] makes, for the tests).
#[cfg(test)]
fn find_text_special(bytes: &[u8]) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let word = <[u8; 8]>::try_from(chunk).ok()?;
        let mut found = text_special_candidates(u64::from_le_bytes(word));
        while found != 0 {
            let at = base + (found.trailing_zeros() / 8) as usize;
            if bytes.get(at).is_some_and(|&b| is_text_special(b)) {
                return Some(at);
            }
            found &= found - 1;
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| is_text_special(b))
        .map(|i| base + i)
}

/// The high bit of each byte of `x` (eight bytes of text, the first in the low byte)
/// that may be one [`escape_text`] rewrites: every such byte is marked, and the lowest
/// mark is always one; a mark above it may not be (each is checked).
fn text_special_candidates(x: u64) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `x` that is zero (and maybe of bytes above one that
    // is: the lowest bit set is always exact).
    let zero = |x: u64| x.wrapping_sub(LO) & !x & HI;
    // Bytes below 0x0E (CR, LF and a few other controls), then the three others.
    let low = x.wrapping_sub(LO * 0x0E) & !x & HI;
    low | zero(x ^ (LO * u64::from(b'\\')))
        | zero(x ^ (LO * u64::from(b';')))
        | zero(x ^ (LO * u64::from(b',')))
}

/// Splits raw (still escaped) TEXT on commas not preceded by an escaping backslash; items stay escaped.
pub fn split_text_list(s: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ',' {
            items.push(s.get(start..i).unwrap_or_default());
            start = i + 1;
        }
    }
    items.push(s.get(start..).unwrap_or_default());
    items
}

// ---------------------------------------------------------------------------
// RECUR
// ---------------------------------------------------------------------------

/// The FREQ rule part of a recurrence rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frequency {
    /// `SECONDLY`
    Secondly,
    /// `MINUTELY`
    Minutely,
    /// `HOURLY`
    Hourly,
    /// `DAILY`
    Daily,
    /// `WEEKLY`
    Weekly,
    /// `MONTHLY`
    Monthly,
    /// `YEARLY`
    Yearly,
}

impl Frequency {
    /// Returns the RFC 5545 name, e.g. `WEEKLY`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Frequency::Secondly => "SECONDLY",
            Frequency::Minutely => "MINUTELY",
            Frequency::Hourly => "HOURLY",
            Frequency::Daily => "DAILY",
            Frequency::Weekly => "WEEKLY",
            Frequency::Monthly => "MONTHLY",
            Frequency::Yearly => "YEARLY",
        }
    }

    /// Parses a FREQ value, case-insensitively.
    fn from_name(s: &str) -> Option<Frequency> {
        Some(match s.to_ascii_uppercase().as_str() {
            "SECONDLY" => Frequency::Secondly,
            "MINUTELY" => Frequency::Minutely,
            "HOURLY" => Frequency::Hourly,
            "DAILY" => Frequency::Daily,
            "WEEKLY" => Frequency::Weekly,
            "MONTHLY" => Frequency::Monthly,
            "YEARLY" => Frequency::Yearly,
            _ => return None,
        })
    }
}

/// A BYDAY entry: a weekday with an optional ordinal (`-1SU`, `2MO`, `TU`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekdayNum {
    /// The occurrence within the month or year (±1 to ±53), `None` for every occurrence.
    pub ordinal: Option<i8>,
    /// The day of the week.
    pub weekday: Weekday,
}

impl WeekdayNum {
    /// Writes the canonical form: `MO`, `2MO`, `-1SU` (a `+` sign is never written).
    pub fn format(&self) -> String {
        match self.ordinal {
            Some(n) => format!("{n}{}", weekday_code(self.weekday)),
            None => weekday_code(self.weekday).to_string(),
        }
    }
}

/// Returns the two-letter RFC 5545 code for a weekday.
fn weekday_code(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

/// Parses a two-letter weekday code, case-insensitively.
fn parse_weekday(s: &str) -> Option<Weekday> {
    Some(match s.to_ascii_uppercase().as_str() {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

/// Parses one BYDAY entry such as `MO`, `+1MO` or `-1SU`.
fn parse_weekday_num(s: &str) -> Option<WeekdayNum> {
    let split = s
        .char_indices()
        .find(|&(_, c)| c.is_ascii_alphabetic())
        .map(|(i, _)| i)?;
    let (prefix, code) = (s.get(..split)?, s.get(split..)?);
    let weekday = parse_weekday(trim_ascii(code))?;
    let prefix = trim_ascii(prefix);
    let ordinal = if prefix.is_empty() {
        None
    } else {
        let n = parse_signed(prefix)?;
        if n == 0 || n.unsigned_abs() > 53 {
            return None;
        }
        Some(i8::try_from(n).ok()?)
    };
    Some(WeekdayNum { ordinal, weekday })
}

/// A RECUR value (recurrence rule), with unknown rule parts kept in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recur {
    /// FREQ, the only required rule part.
    pub freq: Frequency,
    /// UNTIL, the inclusive end (a DATE or a DATE-TIME).
    pub until: Option<DateTimeValue>,
    /// COUNT, the number of occurrences.
    pub count: Option<u32>,
    /// INTERVAL, a positive step between periods.
    pub interval: Option<u32>,
    /// BYSECOND (0 to 60).
    pub by_second: Vec<u8>,
    /// BYMINUTE (0 to 59).
    pub by_minute: Vec<u8>,
    /// BYHOUR (0 to 23).
    pub by_hour: Vec<u8>,
    /// BYDAY.
    pub by_day: Vec<WeekdayNum>,
    /// BYMONTHDAY (±1 to ±31).
    pub by_month_day: Vec<i8>,
    /// BYYEARDAY (±1 to ±366).
    pub by_year_day: Vec<i16>,
    /// BYWEEKNO (±1 to ±53).
    pub by_week_no: Vec<i8>,
    /// BYMONTH (1 to 12).
    pub by_month: Vec<u8>,
    /// BYSETPOS (±1 to ±366).
    pub by_set_pos: Vec<i16>,
    /// WKST, the day a week starts on.
    pub wkst: Option<Weekday>,
    /// Unknown rule parts (name upper-cased, value as written), in input order.
    pub other: Vec<(String, String)>,
}

impl Recur {
    /// Creates a rule with the given frequency and no other rule parts.
    pub fn new(freq: Frequency) -> Recur {
        Recur {
            freq,
            until: None,
            count: None,
            interval: None,
            by_second: Vec::new(),
            by_minute: Vec::new(),
            by_hour: Vec::new(),
            by_day: Vec::new(),
            by_month_day: Vec::new(),
            by_year_day: Vec::new(),
            by_week_no: Vec::new(),
            by_month: Vec::new(),
            by_set_pos: Vec::new(),
            wkst: None,
            other: Vec::new(),
        }
    }

    /// Writes the canonical form: FREQ, UNTIL, COUNT, INTERVAL, `BYxxx` parts, WKST, then unknown parts.
    pub fn format(&self) -> String {
        fn list<T: ToString>(parts: &mut Vec<String>, name: &str, values: &[T]) {
            if !values.is_empty() {
                let joined: Vec<String> = values.iter().map(ToString::to_string).collect();
                parts.push(format!("{name}={}", joined.join(",")));
            }
        }
        let mut parts = vec![format!("FREQ={}", self.freq.as_str())];
        if let Some(until) = &self.until {
            parts.push(format!("UNTIL={}", until.format()));
        }
        if let Some(count) = self.count {
            parts.push(format!("COUNT={count}"));
        }
        if let Some(interval) = self.interval {
            parts.push(format!("INTERVAL={interval}"));
        }
        list(&mut parts, "BYSECOND", &self.by_second);
        list(&mut parts, "BYMINUTE", &self.by_minute);
        list(&mut parts, "BYHOUR", &self.by_hour);
        let days: Vec<String> = self.by_day.iter().map(WeekdayNum::format).collect();
        list(&mut parts, "BYDAY", &days);
        list(&mut parts, "BYMONTHDAY", &self.by_month_day);
        list(&mut parts, "BYYEARDAY", &self.by_year_day);
        list(&mut parts, "BYWEEKNO", &self.by_week_no);
        list(&mut parts, "BYMONTH", &self.by_month);
        list(&mut parts, "BYSETPOS", &self.by_set_pos);
        if let Some(wkst) = self.wkst {
            parts.push(format!("WKST={}", weekday_code(wkst)));
        }
        for (name, value) in &self.other {
            parts.push(format!("{name}={value}"));
        }
        parts.join(";")
    }
}

/// Parses a comma-separated rule-part list, trimming items and skipping empty ones.
fn parse_list<T>(
    name: &str,
    value: &str,
    mut item: impl FnMut(&str) -> Option<T>,
) -> Result<Vec<T>, ValueError> {
    let mut out = Vec::new();
    for raw in value.split(',') {
        let raw = trim_ascii(raw);
        if raw.is_empty() {
            continue;
        }
        match item(raw) {
            Some(v) => out.push(v),
            None => return Err(ValueError::Recur(format!("bad {name} entry {raw:?}"))),
        }
    }
    if out.is_empty() {
        return Err(ValueError::Recur(format!("empty {name} list")));
    }
    Ok(out)
}

/// Parses an unsigned list entry within `lo..=hi`.
fn unsigned_in<T: TryFrom<u64>>(lo: u64, hi: u64) -> impl Fn(&str) -> Option<T> {
    move |s| {
        let n = parse_digits(s)?;
        if n < lo || n > hi {
            return None;
        }
        T::try_from(n).ok()
    }
}

/// Parses a signed, non-zero list entry within `-max..=max`.
fn signed_nonzero<T: TryFrom<i64>>(max: u64) -> impl Fn(&str) -> Option<T> {
    move |s| {
        let n = parse_signed(s)?;
        if n == 0 || n.unsigned_abs() > max {
            return None;
        }
        T::try_from(n).ok()
    }
}

/// Parses a RECUR value (`FREQ=WEEKLY;BYDAY=MO,TU;...`).
///
/// Rule-part names and keyword values are case-insensitive; spaces around
/// parts, `=` and list commas are ignored, as are empty parts and empty list
/// items. Unknown parts go to [`Recur::other`]. Errors: missing FREQ, a known
/// part given twice, a value out of range, INTERVAL=0, or both UNTIL and COUNT.
pub fn parse_recur(s: &str) -> Result<Recur, ValueError> {
    /// The rule parts that may be given once.
    const KNOWN: [&str; 14] = [
        "FREQ",
        "UNTIL",
        "COUNT",
        "INTERVAL",
        "BYSECOND",
        "BYMINUTE",
        "BYHOUR",
        "BYDAY",
        "BYMONTHDAY",
        "BYYEARDAY",
        "BYWEEKNO",
        "BYMONTH",
        "BYSETPOS",
        "WKST",
    ];
    let mut freq = None;
    let mut rule = Recur::new(Frequency::Daily);
    // Bit i: KNOWN[i] has been seen.
    let mut seen: u16 = 0;
    for part in s.split(';') {
        let part = trim_ascii(part);
        if part.is_empty() {
            continue;
        }
        let Some((name, value)) = part.split_once('=') else {
            return Err(ValueError::Recur(format!("rule part {part:?} has no '='")));
        };
        let name = trim_ascii(name);
        // Upper case, borrowed when it already is (it nearly always is).
        let name: Cow<'_, str> = if name.bytes().any(|b| b.is_ascii_lowercase()) {
            Cow::Owned(name.to_ascii_uppercase())
        } else {
            Cow::Borrowed(name)
        };
        let value = trim_ascii(value);
        if name.is_empty() {
            return Err(ValueError::Recur(format!("rule part {part:?} has no name")));
        }
        if let Some(i) = KNOWN.iter().position(|&k| k == name) {
            let bit = 1u16 << i;
            if seen & bit != 0 {
                return Err(ValueError::Recur(format!("{name} given more than once")));
            }
            seen |= bit;
        }
        let bad = |what: &str| ValueError::Recur(format!("bad {what} value {value:?}"));
        match &*name {
            "FREQ" => freq = Some(Frequency::from_name(value).ok_or_else(|| bad("FREQ"))?),
            "UNTIL" => {
                let until = parse_date_or_date_time(value, None)
                    .map_err(|e| ValueError::Recur(format!("UNTIL: {e}")))?;
                rule.until = Some(until);
            }
            "COUNT" => {
                let n = parse_digits(value).and_then(|n| u32::try_from(n).ok());
                rule.count = Some(n.ok_or_else(|| bad("COUNT"))?);
            }
            "INTERVAL" => {
                let n = parse_digits(value)
                    .filter(|&n| n > 0)
                    .and_then(|n| u32::try_from(n).ok());
                rule.interval = Some(n.ok_or_else(|| bad("INTERVAL"))?);
            }
            "BYSECOND" => rule.by_second = parse_list(&name, value, unsigned_in(0, 60))?,
            "BYMINUTE" => rule.by_minute = parse_list(&name, value, unsigned_in(0, 59))?,
            "BYHOUR" => rule.by_hour = parse_list(&name, value, unsigned_in(0, 23))?,
            "BYDAY" => rule.by_day = parse_list(&name, value, parse_weekday_num)?,
            "BYMONTHDAY" => rule.by_month_day = parse_list(&name, value, signed_nonzero(31))?,
            "BYYEARDAY" => rule.by_year_day = parse_list(&name, value, signed_nonzero(366))?,
            "BYWEEKNO" => rule.by_week_no = parse_list(&name, value, signed_nonzero(53))?,
            "BYMONTH" => rule.by_month = parse_list(&name, value, unsigned_in(1, 12))?,
            "BYSETPOS" => rule.by_set_pos = parse_list(&name, value, signed_nonzero(366))?,
            "WKST" => rule.wkst = Some(parse_weekday(value).ok_or_else(|| bad("WKST"))?),
            _ => rule.other.push((name.into_owned(), value.to_string())),
        }
    }
    rule.freq = freq.ok_or_else(|| ValueError::Recur("FREQ is missing".to_string()))?;
    if rule.until.is_some() && rule.count.is_some() {
        return Err(ValueError::Recur(
            "UNTIL and COUNT must not both be given".to_string(),
        ));
    }
    Ok(rule)
}

#[cfg(test)]
#[path = "value_tests.rs"]
mod tests;
