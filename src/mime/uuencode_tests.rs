use super::*;

/// Deterministic pseudo-random bytes (xorshift32).
fn noise(len: usize, seed: u32) -> Vec<u8> {
    let mut state = seed.max(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect()
}

fn cat() -> UuFile {
    UuFile {
        mode: Some(0o644),
        name: "cat.txt".to_owned(),
        data: b"Cat".to_vec(),
    }
}

#[test]
fn decodes_known_vector() {
    assert_eq!(
        decode_block(b"begin 644 cat.txt\n#0V%T\n`\nend\n", 100),
        Ok(cat())
    );
}

#[test]
fn decodes_known_vector_with_spaces_for_zero() {
    // "hello world\n" from a classic encoder that writes spaces (no backquotes);
    // computed by hand from the 6-bit groups and equal to Python's binascii.b2a_uu.
    let text = b"begin 600 hello.txt\n,:&5L;&\\@=V]R;&0*\n \nend\n";
    let file = decode_block(text, 100).unwrap();
    assert_eq!(file.data, b"hello world\n");
    assert_eq!(file.mode, Some(0o600));
    // Zero bits as space or backquote decode the same.
    let text = b"begin 644 z\n#    \n`\nend\n";
    assert_eq!(decode_block(text, 100).unwrap().data, [0, 0, 0]);
    let text = b"begin 644 z\n#````\n`\nend\n";
    assert_eq!(decode_block(text, 100).unwrap().data, [0, 0, 0]);
}

#[test]
fn encode_known_vector() {
    assert_eq!(
        encode("cat.txt", 0o644, b"Cat"),
        "begin 644 cat.txt\n#0V%T\n`\nend\n"
    );
    assert_eq!(encode("empty", 0o600, b""), "begin 600 empty\n`\nend\n");
    assert_eq!(
        encode("z", 0o644, &[0, 0, 0]),
        "begin 644 z\n#````\n`\nend\n"
    );
    assert_eq!(encode("a\r\nb", 0o755, b""), "begin 755 a  b\n`\nend\n");
}

#[test]
fn encode_line_layout() {
    let text = encode("x", 0o644, &noise(100, 1));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 3 + 2);
    assert!(lines[1].starts_with('M') && lines[1].len() == 61);
    assert!(lines[2].starts_with('M') && lines[2].len() == 61);
    assert!(lines[3].starts_with('*') && lines[3].len() == 1 + 16);
    assert_eq!(&lines[4..], &["`", "end"]);
    assert!(text
        .bytes()
        .all(|b| b == b'\n' || (b' '..=b'z').contains(&b)));
    assert!(!lines[1..4].iter().any(|l| l.contains(' ')));
}

#[test]
fn round_trips_lengths() {
    for len in [0, 1, 2, 3, 44, 45, 46, 1000] {
        let data = noise(len, 5 + len as u32);
        let text = encode("Budget review.ics", 0o644, &data);
        let expected = UuFile {
            mode: Some(0o644),
            name: "Budget review.ics".to_owned(),
            data,
        };
        assert_eq!(decode_block(text.as_bytes(), 1 << 20), Ok(expected.clone()));
        let found = find_blocks(text.as_bytes(), 1 << 20);
        assert_eq!(found, vec![(0..text.len(), expected)], "len {len}");
    }
}

#[test]
fn line_ends_crlf_and_cr() {
    let lf = encode("cat.txt", 0o644, b"Cat");
    for eol in ["\r\n", "\r"] {
        let text = lf.replace('\n', eol);
        assert_eq!(decode_block(text.as_bytes(), 100), Ok(cat()), "eol {eol:?}");
        let found = find_blocks(text.as_bytes(), 100);
        assert_eq!(found, vec![(0..text.len(), cat())]);
    }
}

#[test]
fn leading_text_and_names_with_spaces() {
    let text =
        b"Here is the file:\r\n\r\nbegin 644 Budget review 2004.txt\r\n#0V%T\r\n`\r\nend\r\n";
    let file = decode_block(text, 100).unwrap();
    assert_eq!(file.name, "Budget review 2004.txt");
    assert_eq!(file.data, b"Cat");
}

#[test]
fn extra_and_missing_characters() {
    // Characters past the stated length (e.g. a checksum character) are ignored.
    let text = b"begin 644 cat.txt\n#0V%TXYZ\n`\nend\n";
    assert_eq!(decode_block(text, 100), Ok(cat()));
    // Trailing spaces stripped in transit: missing characters read as zero.
    let text = b"begin 644 z\n#\n`\nend\n";
    assert_eq!(decode_block(text, 100).unwrap().data, [0, 0, 0]);
    let text = b"begin 644 z\n#0V\n`\nend\n";
    // 'a' is split over the third and fourth characters: only its high nibble survives.
    assert_eq!(decode_block(text, 100).unwrap().data, [b'C', 0x60, 0]);
}

#[test]
fn terminator_variants() {
    // Missing `end` after the zero-length line is tolerated by decode_block.
    assert_eq!(
        decode_block(b"begin 644 cat.txt\n#0V%T\n`\n", 100),
        Ok(cat())
    );
    assert_eq!(
        decode_block(b"begin 644 cat.txt\n#0V%T\n`\nThanks, Anna\n", 100),
        Ok(cat())
    );
    // A stripped zero-length line (empty) followed by `end`.
    assert_eq!(
        decode_block(b"begin 644 cat.txt\n#0V%T\n\nend\n", 100),
        Ok(cat())
    );
    // `end` directly after the data.
    assert_eq!(
        decode_block(b"begin 644 cat.txt\n#0V%T\nend", 100),
        Ok(cat())
    );
    // `end` with trailing white space.
    assert_eq!(
        decode_block(b"begin 644 cat.txt\n#0V%T\n`\nend  \n", 100),
        Ok(cat())
    );
    // No zero-length line and no `end`.
    assert_eq!(
        decode_block(b"begin 644 cat.txt\n#0V%T\n", 100),
        Err(UuError::Unterminated)
    );
    assert_eq!(
        decode_block(b"begin 644 cat.txt\n", 100),
        Err(UuError::Unterminated)
    );
    assert_eq!(
        decode_block(b"begin 644 cat.txt", 100),
        Err(UuError::Unterminated)
    );
}

#[test]
fn begin_line_forms() {
    assert_eq!(decode_block(b"", 100), Err(UuError::NoBegin));
    assert_eq!(decode_block(b"no block here\n", 100), Err(UuError::NoBegin));
    for not_begin in [
        &b"begin the meeting at ten\n`\nend\n"[..],
        b"begin-base64 644 x\n`\nend\n",
        b"begin 644\n`\nend\n",
        b"begin 644 \n`\nend\n",
        b" begin 644 x\n`\nend\n",
        b"Begin 644 x\n`\nend\n",
        b"begin 1234567 x\n`\nend\n",
        b"begin 644x y\n`\nend\n",
    ] {
        assert_eq!(
            decode_block(not_begin, 100),
            Err(UuError::NoBegin),
            "{}",
            String::from_utf8_lossy(not_begin)
        );
    }
    let file = decode_block(b"begin\t0755\t  my file.bin \n`\nend\n", 100).unwrap();
    assert_eq!(file.mode, Some(0o755));
    assert_eq!(file.name, "my file.bin");
    // Digits that are not octal: a begin line without a mode.
    let file = decode_block(b"begin 689 x\n`\nend\n", 100).unwrap();
    assert_eq!(file.mode, None);
    // A MacRoman name that is not UTF-8.
    let file = decode_block(b"begin 644 R\x8eunion.ics\n`\nend\n", 100).unwrap();
    assert_eq!(file.name, "Réunion.ics");
    let file = decode_block("begin 644 Réunion.ics\n`\nend\n".as_bytes(), 100).unwrap();
    assert_eq!(file.name, "Réunion.ics");
}

#[test]
fn too_large() {
    let text = encode("big", 0o644, &noise(1000, 2));
    assert_eq!(decode_block(text.as_bytes(), 999), Err(UuError::TooLarge));
    assert_eq!(
        decode_block(text.as_bytes(), 1000).unwrap().data.len(),
        1000
    );
    assert_eq!(decode_block(text.as_bytes(), 0), Err(UuError::TooLarge));
    assert!(find_blocks(text.as_bytes(), 999).is_empty());
    // Lines that claim more than they carry still count at their stated length.
    let claim = format!("begin 644 x\n{}\n`\nend\n", "M\n".repeat(100));
    assert_eq!(decode_block(claim.as_bytes(), 4499), Err(UuError::TooLarge));
    assert_eq!(
        decode_block(claim.as_bytes(), 4500).unwrap().data,
        vec![0; 4500]
    );
}

#[test]
fn find_blocks_in_entourage_style_body() {
    let first = encode(
        "Budget review.ics",
        0o644,
        b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    )
    .replace('\n', "\r\n");
    let second = encode("notes.txt", 0o600, &noise(120, 9)).replace('\n', "\r\n");
    let body = format!(
        "Hi Bob,\r\n\r\nplease begin 644 with this.\r\n\r\n{first}\r\nand\r\n{second}-- \r\nAnna\r\n"
    );
    let found = find_blocks(body.as_bytes(), 1 << 20);
    assert_eq!(found.len(), 2);
    let start1 = body.find("begin 644 Budget").unwrap();
    assert_eq!(found[0].0, start1..start1 + first.len());
    assert_eq!(found[0].1.name, "Budget review.ics");
    assert_eq!(found[0].1.data, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
    let start2 = body.find("begin 600 notes").unwrap();
    assert_eq!(found[1].0, start2..start2 + second.len());
    assert_eq!(&body[found[1].0.clone()], second);
    assert_eq!(found[1].1.data, noise(120, 9));
    assert_eq!(found[1].1.mode, Some(0o600));
}

#[test]
fn find_blocks_skips_malformed_blocks() {
    let good = encode("cat.txt", 0o644, b"Cat");
    // Prose after a begin line, no end, then a good block.
    let body = format!("begin 644 plan\nwe meet at ten\n\n{good}");
    let found = find_blocks(body.as_bytes(), 100);
    assert_eq!(found, vec![(body.len() - good.len()..body.len(), cat())]);
    // Zero-length line without `end`: decode_block accepts it, find_blocks does not.
    let body = "begin 644 cat.txt\n#0V%T\n`\nThanks\n";
    assert!(find_blocks(body.as_bytes(), 100).is_empty());
    // A block cut short.
    assert!(find_blocks(&good.as_bytes()[..good.len() - 6], 100).is_empty());
    // A lowercase data line is not uuencode.
    assert!(find_blocks(b"begin 644 x\n#abc\n`\nend\n", 100).is_empty());
    // `end` without a line end closes the range at the end of the text.
    let text = b"begin 644 cat.txt\n#0V%T\n`\nend";
    assert_eq!(find_blocks(text, 100), vec![(0..text.len(), cat())]);
}

#[test]
fn find_blocks_shares_the_output_budget() {
    let block = encode("cat.txt", 0o644, b"Cat");
    let body = block.repeat(3);
    assert_eq!(find_blocks(body.as_bytes(), 9).len(), 3);
    assert_eq!(find_blocks(body.as_bytes(), 8).len(), 2);
    assert_eq!(find_blocks(body.as_bytes(), 2).len(), 0);
}

#[test]
fn errors_have_messages() {
    assert_eq!(UuError::NoBegin.to_string(), "no uuencode begin line");
    assert_eq!(
        UuError::Unterminated.to_string(),
        "uuencoded block is not terminated"
    );
    assert_eq!(
        UuError::TooLarge.to_string(),
        "uuencoded data is larger than the allowed output"
    );
}

#[test]
fn short_and_garbage_inputs_never_panic() {
    let real = encode("Budget review.ics", 0o644, &noise(100, 4));
    let real = real.as_bytes();
    for len in 0..64 {
        let _ = decode_block(&real[..len], 1000);
        let _ = find_blocks(&real[..len], 1000);
        for seed in 1..30u32 {
            let junk = noise(len, seed * 13 + len as u32);
            let _ = decode_block(&junk, 1000);
            let _ = find_blocks(&junk, 1000);
            let mut framed = b"begin 644 x\n".to_vec();
            framed.extend_from_slice(&junk);
            let _ = decode_block(&framed, 1000);
            let _ = decode_block(&framed, 0);
            let _ = find_blocks(&framed, 1000);
            framed.extend_from_slice(b"\n`\nend\n");
            let _ = decode_block(&framed, 10);
            let _ = find_blocks(&framed, usize::MAX);
        }
    }
}
