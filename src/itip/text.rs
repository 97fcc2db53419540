//! Small text builders for report details and generated values: one allocation each,
//! without the `format!` machinery (these run for every repaired message).

use chrono::{DateTime, Datelike, Timelike, Utc};

/// The parts joined into one string.
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// `s.trim()`, deciding on the first and last bytes for nearly every value (an ASCII
/// graphic byte is a whole character and not whitespace).
pub(crate) fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// The decimal digits of a number, held on the stack.
pub(crate) struct Decimal {
    digits: [u8; 20],
    start: usize,
}

impl Decimal {
    /// The digits of `n`.
    pub(crate) fn new(mut n: usize) -> Self {
        let mut digits = [b'0'; 20];
        let mut start = digits.len();
        while let Some(slot) = start.checked_sub(1).and_then(|i| digits.get_mut(i)) {
            // `n % 10` is below 10.
            *slot = b'0' + (n % 10) as u8;
            start -= 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        Decimal { digits, start }
    }

    /// The digits as text.
    pub(crate) fn as_str(&self) -> &str {
        self.digits
            .get(self.start..)
            .and_then(|d| std::str::from_utf8(d).ok())
            .unwrap_or("0")
    }
}

/// `t` as an iCalendar UTC date-time, `%Y%m%dT%H%M%SZ`.
pub(crate) fn utc_date_time(t: &DateTime<Utc>) -> String {
    // Leap seconds (written as 60) and years of other widths are left to chrono.
    if !(0..=9999).contains(&t.year()) || t.nanosecond() >= 1_000_000_000 {
        return t.format("%Y%m%dT%H%M%SZ").to_string();
    }
    // The date and the time are worked out once, not once per field.
    let (date, time) = (t.date_naive(), t.time());
    // The year is below 10000; every other field below 100.
    let fields = [
        (date.year().unsigned_abs(), 4),
        (date.month(), 2),
        (date.day(), 2),
        (time.hour(), 2),
        (time.minute(), 2),
        (time.second(), 2),
    ];
    // Written into a buffer on the stack, then copied once.
    let mut buf = *b"00000000T000000Z";
    let mut end = 0;
    for (i, (mut value, width)) in fields.into_iter().enumerate() {
        if i == 3 {
            end += 1; // the `T`
        }
        end += width;
        for slot in buf.iter_mut().take(end).rev().take(width) {
            // `value % 10` is below 10.
            *slot = b'0' + (value % 10) as u8;
            value /= 10;
        }
    }
    std::str::from_utf8(&buf).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        for n in [0, 1, 9, 10, 99, 100, 12345, usize::MAX] {
            assert_eq!(Decimal::new(n).as_str(), n.to_string());
        }
    }

    #[test]
    fn utc_date_times_match_chrono() {
        for ts in [
            0i64,
            1_700_000_000,
            253_402_300_799,
            -62_167_219_200,
            253_402_300_800,
        ] {
            let t = DateTime::<Utc>::from_timestamp(ts, 0).unwrap();
            assert_eq!(utc_date_time(&t), t.format("%Y%m%dT%H%M%SZ").to_string());
        }
        let leap = DateTime::<Utc>::from_timestamp(1_483_228_799, 999_999_999).unwrap();
        assert_eq!(
            utc_date_time(&leap),
            leap.format("%Y%m%dT%H%M%SZ").to_string()
        );
    }
}
