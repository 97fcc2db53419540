//! A fast path for the message fields the pipeline reads besides `Content-*`: `From`,
//! `To`, `Cc`, `Subject`, `Message-ID` and `Date`.
//!
//! Almost every such value is simple: `Name <local@domain>` or `"Name" <local@domain>`
//! lists, a one-line subject without encoded words, one `<id>`, an RFC 5322 date. Those
//! are read here into what mail-parser's header parser would give for them; anything
//! else (comments, groups, encoded words, backslashes, folds inside a name, obsolete
//! date forms, bytes that are not UTF-8) returns `None` and is left to mail-parser.
//! `tests/fields.rs` checks both agree on every such field in the fixtures and the
//! shared corpus, and on variations of them.

use std::borrow::Cow;

/// An address as mail-parser gives it: display name and `local@domain`, both raw
/// (untrimmed), before [`super::scan::mailbox`] keeps it or not.
pub type RawAddr<'v> = (Option<&'v str>, &'v str);

/// Bytes that end a display name or an address, or make a value not simple.
fn special(b: u8) -> bool {
    matches!(
        b,
        b'"' | b'<' | b'>' | b',' | b'(' | b')' | b'\\' | b':' | b';' | b'[' | b']' | b'\r' | b'\n'
    )
}

fn blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Skips blanks, and folds (a line break followed by a blank), from `at`.
fn skip_blanks_and_folds(v: &[u8], mut at: usize) -> usize {
    loop {
        match v.get(at) {
            Some(b' ' | b'\t') => at += 1,
            Some(b'\r')
                if v.get(at + 1) == Some(&b'\n') && v.get(at + 2).copied().is_some_and(blank) =>
            {
                at += 3;
            }
            Some(b'\n') if v.get(at + 1).copied().is_some_and(blank) => at += 2,
            _ => return at,
        }
    }
}

/// Whether `v` (a field value: the bytes after the colon) ends with its line end, has
/// no encoded word and is UTF-8: what every fast path needs.
fn plain(v: &[u8]) -> Option<&str> {
    // (A `?` after a `=`: no substring searcher is built for two bytes.)
    let encoded_word = memchr::memchr_iter(b'?', v).any(|i| i > 0 && v.get(i - 1) == Some(&b'='));
    if !v.ends_with(b"\n") || encoded_word {
        return None;
    }
    std::str::from_utf8(v).ok()
}

/// The value without its final line end.
fn without_eol(v: &str) -> &str {
    let v = v.strip_suffix('\n').unwrap_or(v);
    v.strip_suffix('\r').unwrap_or(v)
}

/// A simple address list (`From`, `To`, `Cc`): mailboxes `local@domain`,
/// `Name <local@domain>` or `"Name" <local@domain>`, separated by commas, with blanks
/// and folds between them only.
pub fn addresses(value: &[u8]) -> Option<Vec<RawAddr<'_>>> {
    let s = plain(value)?;
    let v = s.as_bytes();
    let end = without_eol(s).len();
    let mut out = Vec::with_capacity(2);
    let mut at = 0;
    loop {
        at = skip_blanks_and_folds(v, at);
        let (addr, next) = mailbox(s, at, end)?;
        out.push(addr);
        at = skip_blanks_and_folds(v, next);
        match v.get(at) {
            _ if at >= end => break,
            Some(b',') => at += 1,
            _ => return None,
        }
    }
    Some(out)
}

/// One mailbox starting at `at` (no blank there); returns it and where it ends.
fn mailbox(s: &str, at: usize, end: usize) -> Option<(RawAddr<'_>, usize)> {
    let v = s.as_bytes();
    let (name, at) = match v.get(at) {
        Some(b'"') => {
            let inner_start = at + 1;
            let close = inner_start + memchr::memchr(b'"', v.get(inner_start..end)?)?;
            let inner = s.get(inner_start..close)?;
            if inner
                .bytes()
                .any(|b| b == b'\\' || b == b'\r' || b == b'\n')
            {
                return None;
            }
            let after = close + 1;
            let lt = after + v.get(after..end)?.iter().take_while(|&&b| blank(b)).count();
            if v.get(lt) != Some(&b'<') {
                return None;
            }
            (Some(inner), lt)
        }
        Some(b'<') => (None, at),
        Some(_) => {
            // A bare address, or a display name up to `<`.
            let len = v.get(at..end)?.iter().take_while(|&&b| !special(b)).count();
            let word = s.get(at..at + len)?.trim_end_matches([' ', '\t']);
            match v.get(at + len) {
                Some(b'<') if !word.is_empty() && !word.contains('@') => (Some(word), at + len),
                _ if !word.is_empty()
                    && word.contains('@')
                    && !word.bytes().any(blank)
                    && (at + len == end
                        || matches!(
                            v.get(at + len),
                            Some(b',' | b' ' | b'\t' | b'\r' | b'\n')
                        )) =>
                {
                    return Some(((None, word), at + word.len()));
                }
                _ => return None,
            }
        }
        None => return None,
    };
    // `<local@domain>` at `at`.
    let start = at + 1;
    let len = v
        .get(start..end)?
        .iter()
        .take_while(|&&b| !special(b) && !blank(b))
        .count();
    if v.get(start + len) != Some(&b'>') {
        return None;
    }
    let address = s.get(start..start + len)?;
    if !address.contains('@') {
        return None;
    }
    Some(((name, address), start + len + 1))
}

/// A simple unstructured value (`Subject`): the lines' text, each trimmed of blanks and
/// joined by one space, as mail-parser reads it. `None` for an empty value.
pub fn text(value: &[u8]) -> Option<Cow<'_, str>> {
    let s = plain(value)?;
    let mut lines = without_eol(s)
        .split('\n')
        .map(|l| l.trim_matches([' ', '\t', '\r']))
        .filter(|l| !l.is_empty());
    let first = lines.next()?;
    match lines.next() {
        None => Some(Cow::Borrowed(first)),
        Some(second) => {
            let mut joined = String::with_capacity(s.len());
            joined.push_str(first);
            for l in std::iter::once(second).chain(lines) {
                joined.push(' ');
                joined.push_str(l);
            }
            Some(Cow::Owned(joined))
        }
    }
}

/// A simple `Message-ID`: one `<id>` on one line, without blanks or brackets inside.
pub fn message_id(value: &[u8]) -> Option<&str> {
    let s = plain(value)?;
    let id = without_eol(s)
        .trim_matches([' ', '\t'])
        .strip_prefix('<')?
        .strip_suffix('>')?;
    let simple = !id.is_empty()
        && !id
            .bytes()
            .any(|b| matches!(b, b'<' | b'>' | b' ' | b'\t' | b'\r' | b'\n'));
    simple.then_some(id)
}

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];
const DAYS: [&[u8; 3]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];

/// A number of `min..=max` digits at `at`: (value, end).
fn number(v: &[u8], at: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    let digits = v
        .get(at..)?
        .iter()
        .take(max + 1)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits < min || digits > max {
        return None;
    }
    let n = v
        .get(at..at + digits)?
        .iter()
        .fold(0u32, |n, &b| n * 10 + u32::from(b - b'0'));
    Some((n, at + digits))
}

/// A simple RFC 5322 date, `[Day, ]D Mon YYYY HH:MM[:SS] +HHMM` on one line, as a Unix
/// timestamp.
pub fn date(value: &[u8]) -> Option<i64> {
    let s = plain(value)?;
    let v = without_eol(s).trim_matches([' ', '\t']).as_bytes();
    let mut at = 0;
    if v.get(3) == Some(&b',') {
        let day = v.get(..3)?;
        if !DAYS.iter().any(|d| d.as_slice() == day) {
            return None;
        }
        at = 4;
        while v.get(at) == Some(&b' ') {
            at += 1;
        }
    }
    let (day, at) = number(v, at, 1, 2)?;
    let sp = |at: usize| (v.get(at) == Some(&b' ')).then_some(at + 1);
    let at = sp(at)?;
    let month_name = v.get(at..at + 3)?;
    let month = MONTHS.iter().position(|m| m.as_slice() == month_name)? + 1;
    let at = sp(at + 3)?;
    let (year, at) = number(v, at, 4, 4)?;
    let at = sp(at)?;
    let (hour, at) = number(v, at, 2, 2)?;
    let at = (v.get(at) == Some(&b':')).then_some(at + 1)?;
    let (minute, mut at) = number(v, at, 2, 2)?;
    let mut second = 0;
    if v.get(at) == Some(&b':') {
        (second, at) = number(v, at + 1, 2, 2)?;
    }
    let at = sp(at)?;
    let west = match v.get(at) {
        Some(b'+') => false,
        Some(b'-') => true,
        _ => return None,
    };
    let (zone, at) = number(v, at + 1, 4, 4)?;
    if at != v.len() {
        return None;
    }
    let (tz_hour, tz_minute) = (zone / 100, zone % 100);
    let valid = (1900..=3000).contains(&year)
        && (1..=31).contains(&day)
        && hour <= 23
        && minute <= 59
        && second <= 59
        && tz_hour <= 23
        && tz_minute <= 59;
    if !valid {
        return None;
    }
    let local = days_from_civil(i64::from(year), month as i64, i64::from(day)) * 86_400
        + i64::from(hour * 3600 + minute * 60 + second);
    let offset = i64::from(tz_hour * 3600 + tz_minute * 60);
    Some(if west { local + offset } else { local - offset })
}

/// Days from 1970-01-01 to a proleptic Gregorian date (a day past the month's end counts
/// on into the next month, as mail-parser's arithmetic does).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_address_lists() {
        assert_eq!(
            addresses(b" Anna Example <anna@example.com>\r\n"),
            Some(vec![(Some("Anna Example"), "anna@example.com")])
        );
        assert_eq!(
            addresses(b" Bob Sample <bob@example.com>,\r\n\tCarla Nguyen <carla@example.org>\r\n"),
            Some(vec![
                (Some("Bob Sample"), "bob@example.com"),
                (Some("Carla Nguyen"), "carla@example.org")
            ])
        );
        assert_eq!(
            addresses(b" \"Volkov, Dmitri\" <d@example.net>, e@example.net\n"),
            Some(vec![
                (Some("Volkov, Dmitri"), "d@example.net"),
                (None, "e@example.net")
            ])
        );
        assert_eq!(
            addresses(b" <a@example.com>\n"),
            Some(vec![(None, "a@example.com")])
        );
        for not_simple in [
            &b" =?utf-8?q?Ren=C3=A9?= <r@example.com>\n"[..],
            b" a@example.com (Anna)\n",
            b" Team: a@example.com;\n",
            b" \"A \\\"B\\\"\" <a@example.com>\n",
            b" Anna\r\n Example <a@example.com>\n",
            b" a@example.com,, b@example.com\n",
            b" anna\n",
            b" Anna <anna>\n",
            b" a@example.com",
            b" a@example.com b@example.com\n",
        ] {
            assert_eq!(
                addresses(not_simple),
                None,
                "{}",
                String::from_utf8_lossy(not_simple)
            );
        }
    }

    #[test]
    fn subject_ids_and_dates() {
        assert_eq!(
            text(b" Budget  review \r\n").as_deref(),
            Some("Budget  review")
        );
        assert_eq!(
            text(b" Budget\r\n\treview\r\n").as_deref(),
            Some("Budget review")
        );
        assert_eq!(text(b" =?utf-8?q?x?=\r\n"), None);
        assert_eq!(text(b" \r\n"), None);
        assert_eq!(
            message_id(b" <BB8C.1F4A%anna@example.com>\r\n"),
            Some("BB8C.1F4A%anna@example.com")
        );
        assert_eq!(message_id(b" <a> <b>\r\n"), None);
        assert_eq!(
            date(b" Tue, 16 Sep 2003 11:42:07 -0400\r\n"),
            Some(1_063_726_927)
        );
        assert_eq!(date(b" 1 Jan 1970 00:00 +0000\n"), Some(0));
        assert_eq!(date(b" Tue, 16 Sep 03 11:42:07 -0400\r\n"), None);
        assert_eq!(date(b" Tue, 16 Sep 2003 11:42:07 EDT\r\n"), None);
    }
}
