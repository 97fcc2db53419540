//! Unfolding: physical lines to logical content lines, on bytes.
//!
//! Works before charset decoding so that a fold splitting a multi-byte UTF-8 character
//! (which some writers produce by folding at exactly 75 octets) is rejoined into a valid
//! character. Accepts CRLF, bare LF and bare CR line ends and folds made with a space or
//! a tab (RFC 5545 section 3.1).

/// Line-end styles seen while unfolding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineEnds {
    /// CRLF line ends.
    pub crlf: usize,
    /// Bare LF line ends.
    pub lf: usize,
    /// Bare CR line ends.
    pub cr: usize,
    /// Folds removed.
    pub folds: usize,
}

/// Unfolds `input` into logical lines joined by a single `\n`. Blank lines are kept
/// (as empty lines); the parser ignores them.
pub fn unfold(input: &[u8]) -> (Vec<u8>, LineEnds) {
    let mut out = Vec::with_capacity(input.len());
    let mut ends = LineEnds::default();
    // `input[copied..pos]` is output as it is, not yet copied: a bare LF that is not a
    // fold stays in it, so a calendar with LF line ends and no folds is one copy.
    let mut copied = 0;
    let mut pos = 0;
    while pos < input.len() {
        let rest = input.get(pos..).unwrap_or_default();
        let Some(run) = memchr::memchr2(b'\r', b'\n', rest) else {
            break;
        };
        let end = pos + run;
        pos = end + 1;
        let crlf = input.get(end) == Some(&b'\r');
        if crlf {
            if input.get(pos) == Some(&b'\n') {
                pos += 1;
                ends.crlf += 1;
            } else {
                ends.cr += 1;
            }
        } else {
            ends.lf += 1;
        }
        let fold = matches!(input.get(pos), Some(b' ' | b'\t'));
        if fold {
            pos += 1;
            ends.folds += 1;
        }
        if fold || crlf {
            // The line end (and the fold's blank) is not copied as it is: copy the
            // text before it, then a `\n` unless it was a fold.
            out.extend_from_slice(input.get(copied..end).unwrap_or_default());
            if !fold {
                out.push(b'\n');
            }
            copied = pos;
        }
    }
    out.extend_from_slice(input.get(copied..).unwrap_or_default());
    (out, ends)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_line_ends_and_folds() {
        let (out, ends) = unfold(b"A:1\r\nB:2\nC:3\rD:4\r\n 5\n\t6\r 7");
        assert_eq!(out, b"A:1\nB:2\nC:3\nD:4567");
        assert_eq!(
            ends,
            LineEnds {
                crlf: 2,
                lf: 2,
                cr: 2,
                folds: 3
            }
        );
    }

    #[test]
    fn fold_inside_utf8_character_rejoins() {
        // "é" is C3 A9; a writer folded between the two bytes.
        let (out, _) = unfold(b"SUMMARY:caf\xC3\r\n \xA9\r\n");
        assert_eq!(std::str::from_utf8(&out).unwrap(), "SUMMARY:café\n");
    }

    /// The rule, one byte at a time: every line end becomes `\n` and disappears with
    /// the blank after it when that blank makes a fold.
    fn reference(input: &[u8]) -> (Vec<u8>, LineEnds) {
        let mut out = Vec::new();
        let mut ends = LineEnds::default();
        let mut i = 0;
        while let Some(&b) = input.get(i) {
            i += 1;
            if b != b'\r' && b != b'\n' {
                out.push(b);
                continue;
            }
            if b == b'\r' && input.get(i) == Some(&b'\n') {
                i += 1;
                ends.crlf += 1;
            } else if b == b'\r' {
                ends.cr += 1;
            } else {
                ends.lf += 1;
            }
            if matches!(input.get(i), Some(b' ' | b'\t')) {
                i += 1;
                ends.folds += 1;
            } else {
                out.push(b'\n');
            }
        }
        (out, ends)
    }

    #[test]
    fn agrees_with_the_byte_by_byte_rule() {
        // Every string of up to 6 bytes over an alphabet of the bytes that matter.
        let alphabet = [b'\r', b'\n', b' ', b'\t', b'a'];
        let mut input = Vec::new();
        for len in 0..=6u32 {
            for mut n in 0..alphabet.len().pow(len) {
                input.clear();
                for _ in 0..len {
                    input.push(alphabet[n % alphabet.len()]);
                    n /= alphabet.len();
                }
                assert_eq!(unfold(&input), reference(&input), "{input:?}");
            }
        }
    }

    #[test]
    fn only_one_whitespace_is_removed() {
        let (out, _) = unfold(b"X:a\r\n  b");
        assert_eq!(out, b"X:a b");
    }
}
