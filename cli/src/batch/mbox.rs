//! mbox reading and writing. A message starts at a `From ` line at the start of the
//! file or after an empty line; the empty line before the next `From ` line is the
//! separator, not part of the message. Reading undoes mboxrd quoting (`>From ` ->
//! `From `, `>>From ` -> `>From `); writing applies it, so an mboxrd file read and
//! written again is unchanged, and a message that is not rewritten is copied as the
//! exact bytes it had.

use std::io::{self, BufRead};

/// One message of an mbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The `From ` line, with its line end.
    pub postmark: Vec<u8>,
    /// The exact bytes of this entry in the file: postmark, quoted message, separator.
    pub original: Vec<u8>,
    /// The message, unquoted, without the separator.
    pub message: Vec<u8>,
}

impl Entry {
    /// The line end the file uses (`\r\n` or `\n`), taken from the postmark.
    pub fn eol(&self) -> &'static [u8] {
        if self.postmark.ends_with(b"\r\n") {
            b"\r\n"
        } else {
            b"\n"
        }
    }
}

fn is_blank(line: &[u8]) -> bool {
    line == b"\n" || line == b"\r\n"
}

/// Whether the bytes begin like an mbox (with a `From ` line).
pub fn looks_like_mbox(start: &[u8]) -> bool {
    start.starts_with(b"From ")
}

/// Reads entries one at a time, holding one message in memory.
pub struct Reader<R> {
    input: R,
    next_postmark: Option<Vec<u8>>,
    started: bool,
}

impl<R: BufRead> Reader<R> {
    /// A reader over `input`, which must start with a `From ` line.
    pub fn new(input: R) -> Reader<R> {
        Reader {
            input,
            next_postmark: None,
            started: false,
        }
    }

    /// The next entry, `None` at the end.
    pub fn next_entry(&mut self) -> io::Result<Option<Entry>> {
        let mut line = Vec::new();
        if !self.started {
            self.started = true;
            if self.input.read_until(b'\n', &mut line)? == 0 {
                return Ok(None);
            }
            if !looks_like_mbox(&line) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "not an mbox: the first line is not a `From ` line",
                ));
            }
            self.next_postmark = Some(std::mem::take(&mut line));
        }
        let Some(postmark) = self.next_postmark.take() else {
            return Ok(None);
        };
        let mut original = postmark.clone();
        let body_start = original.len();
        let mut prev_blank = false;
        let mut last_line_start = body_start;
        loop {
            line.clear();
            if self.input.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            if prev_blank && line.starts_with(b"From ") {
                self.next_postmark = Some(std::mem::take(&mut line));
                break;
            }
            prev_blank = is_blank(&line);
            last_line_start = original.len();
            original.extend_from_slice(&line);
        }
        let mut end = original.len();
        if prev_blank {
            end = last_line_start; // the separator
        }
        let message = unquote(original.get(body_start..end).unwrap_or_default());
        Ok(Some(Entry {
            postmark,
            original,
            message,
        }))
    }
}

/// Lines by their ends (the last one may have none).
fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split_inclusive(|&b| b == b'\n')
}

fn is_quoted_from(line: &[u8]) -> bool {
    let rest = &line[line.iter().take_while(|&&b| b == b'>').count()..];
    rest.starts_with(b"From ")
}

/// mboxrd unquoting: one `>` off every `>...>From ` line.
pub fn unquote(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for line in lines(text) {
        match line.strip_prefix(b">") {
            Some(rest) if is_quoted_from(line) => out.extend_from_slice(rest),
            _ => out.extend_from_slice(line),
        }
    }
    out
}

/// An entry for `message`: postmark, mboxrd-quoted message (ending in a line end),
/// separator.
pub fn entry_bytes(postmark: &[u8], message: &[u8], eol: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(postmark.len() + message.len() + message.len() / 64 + 4);
    out.extend_from_slice(postmark);
    for line in lines(message) {
        if is_quoted_from(line) {
            out.push(b'>');
        }
        out.extend_from_slice(line);
    }
    if !message.is_empty() && !message.ends_with(b"\n") {
        out.extend_from_slice(eol);
    }
    out.extend_from_slice(eol);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(data: &[u8]) -> Vec<Entry> {
        let mut r = Reader::new(data);
        let mut out = Vec::new();
        while let Some(e) = r.next_entry().unwrap() {
            out.push(e);
        }
        out
    }

    #[test]
    fn splits_on_from_lines_after_blank_lines() {
        let data = b"From a@b Mon Jan  1 00:00:00 2024\nSubject: 1\n\nbody\nFrom here it is body\n>From quoted\n\nFrom c@d Tue Jan  2 00:00:00 2024\nSubject: 2\n\nx\n";
        let entries = read_all(data);
        assert_eq!(entries.len(), 2);
        assert_eq!(
            entries[0].message,
            b"Subject: 1\n\nbody\nFrom here it is body\nFrom quoted\n"
        );
        assert_eq!(entries[1].message, b"Subject: 2\n\nx\n");
        let joined: Vec<u8> = entries.iter().flat_map(|e| e.original.clone()).collect();
        assert_eq!(joined, data);
    }

    #[test]
    fn quoting_round_trips() {
        let message = b"Subject: q\n\nFrom x\n>From y\n>>From z\nFromage\n";
        let entry = entry_bytes(b"From a Mon\n", message, b"\n");
        assert_eq!(
            entry,
            b"From a Mon\nSubject: q\n\n>From x\n>>From y\n>>>From z\nFromage\n\n"
        );
        let back = read_all(&entry);
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].message, message);
        assert_eq!(back[0].original, entry);
    }

    #[test]
    fn crlf_mbox_and_missing_final_newline() {
        let data = b"From a\r\nS: 1\r\n\r\nb\r\n\r\nFrom c\r\nS: 2\r\n\r\nlast";
        let entries = read_all(data);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].message, b"S: 1\r\n\r\nb\r\n");
        assert_eq!(entries[0].eol(), b"\r\n");
        assert_eq!(entries[1].message, b"S: 2\r\n\r\nlast");
        assert_eq!(
            entry_bytes(&entries[1].postmark, &entries[1].message, b"\r\n"),
            b"From c\r\nS: 2\r\n\r\nlast\r\n\r\n"
        );
    }

    #[test]
    fn not_an_mbox() {
        let mut r = Reader::new(&b"Subject: x\n\nbody\n"[..]);
        assert!(r.next_entry().is_err());
        assert!(read_all(b"").is_empty());
    }
}
