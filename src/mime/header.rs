//! Raw header blocks: split into fields without decoding, so that kept headers go out
//! exactly as they came in.

/// One header field as written, continuation lines and line end included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawField<'a> {
    /// The field name as written.
    pub name: &'a str,
    /// The whole field: `Name: value` plus folded lines and the final line end.
    pub bytes: &'a [u8],
}

impl RawField<'_> {
    /// Whether the field is called `name` (ASCII case-insensitive).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The unfolded value, trimmed (lossy UTF-8).
    pub fn value(&self) -> String {
        let raw = self
            .bytes
            .iter()
            .position(|&b| b == b':')
            .and_then(|i| self.bytes.get(i + 1..))
            .unwrap_or_default();
        let text = String::from_utf8_lossy(raw);
        let mut out = String::with_capacity(text.len());
        for piece in text
            .split(['\r', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(piece);
        }
        out
    }
}

/// The line end the header block uses: CRLF when its first line ends in CRLF.
pub fn detect_eol(block: &[u8]) -> &'static str {
    match block.iter().position(|&b| b == b'\n') {
        Some(i) if i > 0 && block.get(i - 1) == Some(&b'\r') => "\r\n",
        Some(_) => "\n",
        None => "\r\n",
    }
}

/// Splits a header block into fields. Bytes before the first field that do not form a
/// field (e.g. an mbox `From ` line) become a field with an empty name.
pub fn split_fields(block: &[u8]) -> Vec<RawField<'_>> {
    fields(block)
        .map(|bytes| RawField {
            name: field_name(bytes),
            bytes,
        })
        .collect()
}

/// The fields of a header block as [`split_fields`] finds them (each field's bytes,
/// continuation lines and line end included), one at a time and without allocating.
pub fn fields(block: &[u8]) -> Fields<'_> {
    Fields { block, pos: 0 }
}

/// Iterator returned by [`fields`].
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    block: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let block = self.block;
        let start = self.pos;
        if start >= block.len() {
            return None;
        }
        let mut end = start;
        // Lines up to one not followed by a continuation line (or the end of the block).
        loop {
            end = block
                .get(end..)
                .and_then(|rest| memchr::memchr(b'\n', rest))
                .map_or(block.len(), |i| end + i + 1);
            if !matches!(block.get(end), Some(b' ' | b'\t')) {
                break;
            }
        }
        self.pos = end;
        block.get(start..end)
    }
}

fn field_name(bytes: &[u8]) -> &str {
    let Some(colon) = bytes.iter().position(|&b| b == b':') else {
        return "";
    };
    let name = bytes.get(..colon).unwrap_or_default();
    if name.is_empty() || !name.iter().all(|&b| b.is_ascii_graphic()) {
        return "";
    }
    std::str::from_utf8(name).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_folded_fields_and_keeps_bytes() {
        let block = b"From: a@b\r\nSubject: one\r\n two\r\nX-Empty:\r\n";
        let f = split_fields(block);
        assert_eq!(f.len(), 3);
        assert_eq!(f[1].name, "Subject");
        assert_eq!(f[1].bytes, b"Subject: one\r\n two\r\n");
        assert_eq!(f[1].value(), "one two");
        assert_eq!(f.iter().map(|f| f.bytes.len()).sum::<usize>(), block.len());
    }

    #[test]
    fn fields_without_a_final_line_end_or_with_a_from_line() {
        let block = b"From a@b Mon\nX: 1\n\t2\nY: 3";
        let f: Vec<&[u8]> = fields(block).collect();
        assert_eq!(f, [&b"From a@b Mon\n"[..], b"X: 1\n\t2\n", b"Y: 3"]);
        assert_eq!(split_fields(block)[0].name, "");
        assert_eq!(fields(b"").count(), 0);
        assert_eq!(fields(b" \n\tx").collect::<Vec<_>>(), [&b" \n\tx"[..]]);
    }

    #[test]
    fn line_end_of_a_header_block() {
        assert_eq!(detect_eol(b"A: b\r\n"), "\r\n");
        assert_eq!(detect_eol(b"A: b\n"), "\n");
    }
}
