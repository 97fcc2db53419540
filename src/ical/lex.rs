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
    let mut pos = 0;
    while pos < input.len() {
        // Copy the run up to the next line end in one go.
        let rest = input.get(pos..).unwrap_or_default();
        let run = memchr::memchr2(b'\r', b'\n', rest).unwrap_or(rest.len());
        out.extend_from_slice(rest.get(..run).unwrap_or_default());
        pos += run;
        let Some(&b) = input.get(pos) else { break };
        pos += 1;
        if b == b'\r' {
            if input.get(pos) == Some(&b'\n') {
                pos += 1;
                ends.crlf += 1;
            } else {
                ends.cr += 1;
            }
        } else {
            ends.lf += 1;
        }
        match input.get(pos) {
            Some(b' ' | b'\t') => {
                pos += 1;
                ends.folds += 1;
            }
            _ => out.push(b'\n'),
        }
    }
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

    #[test]
    fn only_one_whitespace_is_removed() {
        let (out, _) = unfold(b"X:a\r\n  b");
        assert_eq!(out, b"X:a b");
    }
}
