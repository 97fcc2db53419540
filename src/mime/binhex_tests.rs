use super::*;

/// Produced by an independent BinHex 4.0 encoder written in Python from the format
/// description for this test (not derived from this module): CRCs from Python's
/// `binascii.crc_hqx`, run-length encoding of runs longer than three with every 0x90
/// escaped on its own, CR line ends as classic Mac tools wrote them. The Python 3.11
/// standard library no longer has the `binhex` module. It holds a MacRoman name
/// ("Réunion.ics"), Finder flags 0x0100, literal 0x90 bytes, runs, and a 17-byte
/// resource fork, which [`encode`] never writes.
const PYTHON_VECTOR: &str = "(This file must be converted with BinHex 4.0)\r\r\
:#e+1G@jTEfiZD@0c!&4&@&428%P0!3#3\"&)!!!!4D@a#48G*6MT@3d&-48j%39)\r\
08e9068&5@6T#G@4RCA53!*!!)(*PGQPPG`d!N\"53!&U3\"d914$T@3d&-48j%39)\r\
0ai!!!!%!rj!*FR0bBreA:\r";

/// The data fork of [`PYTHON_VECTOR`].
fn python_vector_data() -> Vec<u8> {
    let mut data = b"BEGIN:VCALENDAR\rSUMMARY:Budget\x90\x90 review\r".to_vec();
    data.extend_from_slice(&[0u8; 20]);
    data.push(0x90);
    data.extend_from_slice(b"ZZZZZZZ");
    data.extend_from_slice(b"END:VCALENDAR\r");
    data
}

/// The same independent encoder, LF line ends, for a file without runs of exactly
/// three, so its output must equal [`encode`]'s byte for byte.
const PYTHON_SMALL: &str = "(This file must be converted with BinHex 4.0)\n\n\
:%8*eC'GPG#\"bCACTCAFZD@0c!&4&@&428%P0!*!&)!#3\"*Aq3N9(58ik9N0\"6%9\n\
14%&5$3T&6N3k9N0\"6%914%&5$3TimJ!!:\n";

/// Likewise for an empty data fork.
const PYTHON_EMPTY: &str = "(This file must be converted with BinHex 4.0)\n\n\
:%8*eC'GPG#\"bCACTCAFZD@0c!&4&@&428%P0!*!+R8S!N!3:\n";

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

/// The unencoded BinHex stream (header, forks, CRCs) for a file with a resource fork.
fn raw_stream(name: &[u8], data: &[u8], rsrc: &[u8]) -> Vec<u8> {
    let mut s = vec![name.len() as u8];
    s.extend_from_slice(name);
    s.push(0);
    s.extend_from_slice(b"TEXTOPIM");
    s.extend_from_slice(&[0, 0]);
    s.extend_from_slice(&(data.len() as u32).to_be_bytes());
    s.extend_from_slice(&(rsrc.len() as u32).to_be_bytes());
    let h = crc16(&s);
    s.extend_from_slice(&h.to_be_bytes());
    s.extend_from_slice(data);
    s.extend_from_slice(&crc16(data).to_be_bytes());
    s.extend_from_slice(rsrc);
    s.extend_from_slice(&crc16(rsrc).to_be_bytes());
    s
}

/// Armours a raw stream after run-length encoding it.
fn wrap(raw: &[u8]) -> String {
    armour(&run_length_encode(raw))
}

#[test]
fn alphabet_and_char_value_agree() {
    for (i, &c) in ALPHABET.iter().enumerate() {
        assert_eq!(char_value(c), Some(i as u8), "char {}", c as char);
    }
    let valid = (0..=255u8).filter(|&c| char_value(c).is_some()).count();
    assert_eq!(valid, 64);
    for c in [
        b'7', b'O', b'W', b'g', b'n', b'o', b's', b'.', b'/', b':', b'^',
    ] {
        assert_eq!(char_value(c), None, "char {}", c as char);
    }
}

#[test]
fn crc16_is_xmodem() {
    assert_eq!(crc16(b"123456789"), 0x31C3);
    assert_eq!(crc16(b""), 0);
    assert_eq!(crc16(b"A"), 0x58E5);
}

#[test]
fn crc16_equals_binhex_augmented_definition() {
    // BinHex's own formulation: shift each message bit in, then two zero bytes.
    fn augmented(bytes: &[u8]) -> u16 {
        let mut crc: u32 = 0;
        for &b in bytes.iter().chain(&[0, 0]) {
            for bit in (0..8).rev() {
                let top = crc & 0x8000;
                crc = ((crc << 1) | u32::from((b >> bit) & 1)) & 0xFFFF;
                if top != 0 {
                    crc ^= 0x1021;
                }
            }
        }
        crc as u16
    }
    for len in [0, 1, 2, 9, 100] {
        let bytes = noise(len, 7 + len as u32);
        assert_eq!(crc16(&bytes), augmented(&bytes), "len {len}");
    }
}

#[test]
fn decodes_independent_python_vector() {
    let file = decode(PYTHON_VECTOR.as_bytes(), 1 << 20).unwrap();
    assert_eq!(file.name, "Réunion.ics");
    assert_eq!(&file.file_type, b"TEXT");
    assert_eq!(&file.creator, b"OPIM");
    assert_eq!(file.data, python_vector_data());
    assert_eq!(file.data.len(), 82);
    assert_eq!(file.resource_len, 17);
}

#[test]
fn decodes_python_vector_with_any_line_ends() {
    for eol in ["\n", "\r\n"] {
        let text = PYTHON_VECTOR.replace('\r', eol);
        let file = decode(text.as_bytes(), 1 << 20).unwrap();
        assert_eq!(file.data, python_vector_data(), "eol {eol:?}");
    }
}

#[test]
fn decodes_python_vector_inside_mail_text() {
    let text = format!(
        "Hi Bob,\r\n\r\nthe invitation is attached: see below.\r\n\r\n{}\r\n-- \r\nAnna\r\n",
        PYTHON_VECTOR.replace('\r', "\r\n")
    );
    let file = decode(text.as_bytes(), 1 << 20).unwrap();
    assert_eq!(file.name, "Réunion.ics");
    assert_eq!(file.data, python_vector_data());
}

#[test]
fn encode_matches_independent_encoder() {
    let data = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
    assert_eq!(
        encode("Budget review.ics", *b"TEXT", *b"OPIM", data),
        PYTHON_SMALL
    );
    assert_eq!(
        encode("Budget review.ics", *b"TEXT", *b"OPIM", b""),
        PYTHON_EMPTY
    );
    let file = decode(PYTHON_SMALL.as_bytes(), 1000).unwrap();
    assert_eq!(file.data, data);
    assert_eq!(file.resource_len, 0);
}

#[test]
fn encode_layout() {
    let text = encode("x", *b"TEXT", *b"ttxt", &noise(1000, 3));
    let lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(lines[0], BANNER);
    assert_eq!(lines[1], "");
    assert!(lines[2].starts_with(':'));
    assert_eq!(lines[2].len(), 64);
    assert_eq!(lines.last(), Some(&""));
    let body = &lines[2..lines.len() - 1];
    assert!(body.iter().all(|l| !l.is_empty() && l.len() <= 64));
    assert!(body[..body.len() - 1].iter().all(|l| l.len() == 64));
    assert!(body.last().unwrap().ends_with(':'));
    assert_eq!(text.matches(':').count(), 2);
    assert!(text.is_ascii());
}

#[test]
fn round_trips_lengths() {
    for len in [0, 1, 2, 3, 44, 45, 46, 1000] {
        let data = noise(len, 11 + len as u32);
        let text = encode("Budget review.ics", *b"TEXT", *b"OPIM", &data);
        let file = decode(text.as_bytes(), 1 << 20).unwrap();
        assert_eq!(
            file,
            BinHexFile {
                name: "Budget review.ics".to_owned(),
                file_type: *b"TEXT",
                creator: *b"OPIM",
                data,
                resource_len: 0,
            },
            "len {len}"
        );
    }
}

#[test]
fn round_trips_runs_and_markers() {
    let mut cases: Vec<Vec<u8>> = vec![
        vec![0x90],
        vec![0x90; 2],
        vec![0x90; 3],
        vec![0x90; 300],
        vec![0x41, 0x90],
        vec![0x41, 0x90, 0x00],
        vec![0x41, 0x41, 0x41, 0x90, 0x90, 0x90, 0x41],
        vec![0x00; 3],
        vec![0x00; 255],
        vec![0x00; 256],
        vec![0x00; 257],
        vec![0x00; 510],
        vec![0x00; 1000],
        vec![0xFF; 2],
    ];
    let mut mixed = Vec::new();
    for i in 0..200u32 {
        let byte = [0x90, 0x00, 0x41, 0xFF][(i % 4) as usize];
        mixed.extend(std::iter::repeat_n(byte, (i % 7) as usize + 1));
    }
    cases.push(mixed);
    for data in cases {
        let text = encode("runs", *b"BINA", *b"????", &data);
        let file = decode(text.as_bytes(), 1 << 20).unwrap();
        assert_eq!(file.data, data);
    }
}

#[test]
fn run_length_encoding_is_as_documented() {
    assert_eq!(run_length_encode(b"AAB"), b"AAB");
    assert_eq!(run_length_encode(b"AAAB"), b"A\x90\x03B");
    assert_eq!(run_length_encode(&[0x90, 0x90]), [0x90, 0x00, 0x90, 0x00]);
    let mut long = vec![0x41; 300];
    long.push(0x42);
    assert_eq!(run_length_encode(&long), b"A\x90\xffA\x90\x2dB");
    let mut short_tail = vec![0x41; 257];
    short_tail.push(0x42);
    assert_eq!(run_length_encode(&short_tail), b"A\x90\xffAAB");
}

#[test]
fn decodes_run_after_literal_marker_and_count_one() {
    // name "a", then a data fork written with less common run forms:
    // 0x90 0x00 0x90 0x04 = four 0x90; 'B' 0x90 0x01 = one 'B'; 'C' 0x90 0x02 = "CC".
    let data = [0x90, 0x90, 0x90, 0x90, b'B', b'C', b'C'];
    let full = raw_stream(b"a", &data, b"");
    let header_len = 1 + 1 + 1 + 8 + 2 + 8 + 2;
    let mut encoded = run_length_encode(&full[..header_len]);
    encoded.extend_from_slice(&[0x90, 0x00, 0x90, 0x04, b'B', 0x90, 0x01, b'C', 0x90, 0x02]);
    encoded.extend_from_slice(&run_length_encode(&full[header_len + data.len()..]));
    let file = decode(armour(&encoded).as_bytes(), 100).unwrap();
    assert_eq!(file.data, data);
}

#[test]
fn keeps_resource_fork_length_only() {
    let rsrc = noise(300, 5);
    let text = wrap(&raw_stream(b"with rsrc", b"data", &rsrc));
    let file = decode(text.as_bytes(), 1000).unwrap();
    assert_eq!(file.data, b"data");
    assert_eq!(file.resource_len, 300);
    // Both forks count towards the limit.
    assert_eq!(decode(text.as_bytes(), 303), Err(BinHexError::TooLarge));
    assert!(decode(text.as_bytes(), 304).is_ok());
}

#[test]
fn detects_each_crc_error() {
    let name = b"crc";
    let data = b"DTSTART:20040315T140000Z";
    let rsrc = b"resource fork bytes";
    let good = raw_stream(name, data, rsrc);
    assert!(decode(wrap(&good).as_bytes(), 1000).is_ok());
    let header_len = 1 + name.len() + 1 + 8 + 2 + 8;
    let data_at = header_len + 2;
    let rsrc_at = data_at + data.len() + 2;

    // The type code is in the header.
    let mut bad = good.clone();
    bad[1 + name.len() + 1] ^= 0x20;
    let actual = crc16(&bad[..header_len]);
    let expected = crc16(&good[..header_len]);
    assert_ne!(actual, expected);
    assert_eq!(
        decode(wrap(&bad).as_bytes(), 1000),
        Err(BinHexError::HeaderCrc { expected, actual })
    );

    let mut bad = good.clone();
    bad[data_at + 3] ^= 0x01;
    assert_eq!(
        decode(wrap(&bad).as_bytes(), 1000),
        Err(BinHexError::DataCrc {
            expected: crc16(data),
            actual: crc16(&bad[data_at..data_at + data.len()]),
        })
    );

    let mut bad = good.clone();
    bad[rsrc_at + 5] ^= 0x80;
    assert_eq!(
        decode(wrap(&bad).as_bytes(), 1000),
        Err(BinHexError::ResourceCrc {
            expected: crc16(rsrc),
            actual: crc16(&bad[rsrc_at..rsrc_at + rsrc.len()]),
        })
    );

    // A damaged stored CRC is reported too.
    let mut bad = good.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0xFF;
    assert!(matches!(
        decode(wrap(&bad).as_bytes(), 1000),
        Err(BinHexError::ResourceCrc { .. })
    ));
}

#[test]
fn crc_error_from_flipped_character_in_text() {
    let text = encode("flip", *b"TEXT", *b"OPIM", &noise(200, 9));
    // Swap one armour character of the data fork region for another valid one.
    let mut bytes = text.into_bytes();
    let pos = bytes.len() - 60;
    bytes[pos] = if bytes[pos] == b'A' { b'B' } else { b'A' };
    assert!(matches!(
        decode(&bytes, 1000),
        Err(BinHexError::DataCrc { .. })
    ));
}

#[test]
fn bomb_is_refused_before_decoding() {
    let data = vec![0u8; 60_000];
    let text = encode("bomb", *b"BINA", *b"????", &data);
    assert!(text.len() < 1100, "encoded length {}", text.len());
    assert_eq!(decode(text.as_bytes(), 10_000), Err(BinHexError::TooLarge));
    assert_eq!(decode(text.as_bytes(), 60_000).unwrap().data.len(), 60_000);
}

#[test]
fn huge_declared_length_is_refused_from_the_header() {
    // A header claiming a 4 GB data fork followed by nothing: the size check comes
    // before any fork byte is read, so this is TooLarge, not Truncated, and nothing
    // near 4 GB is allocated.
    let mut header = vec![1, b'x', 0];
    header.extend_from_slice(b"TEXTOPIM\0\0");
    header.extend_from_slice(&0xFFFF_FFF0u32.to_be_bytes());
    header.extend_from_slice(&0u32.to_be_bytes());
    let crc = crc16(&header);
    header.extend_from_slice(&crc.to_be_bytes());
    assert_eq!(
        decode(wrap(&header).as_bytes(), 1 << 20),
        Err(BinHexError::TooLarge)
    );
    // Two forks each within the limit whose sum is not.
    let mut header = vec![1, b'x', 0];
    header.extend_from_slice(b"TEXTOPIM\0\0");
    header.extend_from_slice(&0xFFFF_FFFFu32.to_be_bytes());
    header.extend_from_slice(&0xFFFF_FFFFu32.to_be_bytes());
    let crc = crc16(&header);
    header.extend_from_slice(&crc.to_be_bytes());
    assert_eq!(
        decode(wrap(&header).as_bytes(), u32::MAX as usize),
        Err(BinHexError::TooLarge)
    );
}

#[test]
fn rle_runs_past_the_declared_forks_are_not_expanded() {
    // After the last CRC, a kilobyte of maximal runs: decoding stops at the CRC.
    let mut encoded = run_length_encode(&raw_stream(b"x", b"abc", b""));
    for _ in 0..340 {
        encoded.extend_from_slice(&[0x00, 0x90, 0xFF]);
    }
    let file = decode(armour(&encoded).as_bytes(), 10).unwrap();
    assert_eq!(file.data, b"abc");
}

#[test]
fn truncated_text_is_reported() {
    let text = encode("cut", *b"TEXT", *b"OPIM", &noise(100, 4));
    let start = text.find(':').unwrap() + 2;
    for cut in start..text.len() - 6 {
        assert_eq!(
            decode(&text.as_bytes()[..cut], 1000),
            Err(BinHexError::Truncated),
            "cut at {cut}"
        );
    }
    // An early closing colon.
    let mut early = text[..start + 30].to_owned();
    early.push(':');
    assert_eq!(decode(early.as_bytes(), 1000), Err(BinHexError::Truncated));
}

#[test]
fn missing_closing_colon_is_tolerated_when_complete() {
    let text = encode("open", *b"TEXT", *b"OPIM", b"payload");
    let open = text.trim_end().trim_end_matches(':');
    assert_eq!(decode(open.as_bytes(), 100).unwrap().data, b"payload");
}

#[test]
fn no_data_cases() {
    assert_eq!(decode(b"", 100), Err(BinHexError::NoData));
    assert_eq!(
        decode(b"plain text, no colon at a line start: here", 100),
        Err(BinHexError::NoData)
    );
    assert_eq!(
        decode(format!("{BANNER}\n\nno data").as_bytes(), 100),
        Err(BinHexError::NoData)
    );
    assert_eq!(
        decode(format!("{BANNER}\n\n:\n  \n:").as_bytes(), 100),
        Err(BinHexError::NoData)
    );
    assert_eq!(decode(b"::", 100), Err(BinHexError::NoData));
}

#[test]
fn bad_character_is_reported() {
    let text = encode("bad", *b"TEXT", *b"OPIM", b"payload");
    let pos = text.find(':').unwrap() + 5;
    let mut bytes = text.into_bytes();
    bytes[pos] = b'7';
    assert_eq!(decode(&bytes, 100), Err(BinHexError::BadCharacter(b'7')));
}

#[test]
fn white_space_inside_data_is_skipped() {
    let text = encode("spaced", *b"TEXT", *b"OPIM", &noise(300, 8));
    let start = text.find(':').unwrap();
    let mut spaced = text[..start + 1].to_owned();
    for (i, c) in text[start + 1..].chars().enumerate() {
        spaced.push(c);
        if i % 5 == 0 {
            spaced.push_str(" \t");
        }
        if i % 17 == 0 {
            spaced.push_str("\r\n");
        }
    }
    assert_eq!(decode(spaced.as_bytes(), 1000).unwrap().data, noise(300, 8));
}

#[test]
fn data_start_after_banner_prefers_a_line_start() {
    let text = encode("x", *b"TEXT", *b"OPIM", b"payload");
    let (banner, data) = text.split_at(text.find(':').unwrap());
    let noted = format!("{banner}Note: converted by hand.\n  {data}");
    assert_eq!(decode(noted.as_bytes(), 100).unwrap().data, b"payload");
}

#[test]
fn data_start_without_banner_needs_a_line_start() {
    let text = encode("nobanner", *b"TEXT", *b"OPIM", b"payload");
    let data = &text[text.find(':').unwrap()..];
    let with_prose = format!("Note: the file follows.\n{data}");
    assert_eq!(decode(with_prose.as_bytes(), 100).unwrap().data, b"payload");
    // Without a line-start colon there is nothing to decode.
    let inline = format!("Note {}", data.trim_end());
    assert_eq!(decode(inline.as_bytes(), 100), Err(BinHexError::NoData));
}

#[test]
fn names_are_mac_roman() {
    let text = encode("Café ☕ review", *b"TEXT", *b"OPIM", b"");
    let file = decode(text.as_bytes(), 0).unwrap();
    assert_eq!(file.name, "Café ? review");
    let long = "n".repeat(100);
    let file = decode(encode(&long, *b"TEXT", *b"OPIM", b"").as_bytes(), 0).unwrap();
    assert_eq!(file.name.len(), 63);
    assert_eq!(mac_roman("é"), [0x8E]);
}

#[test]
fn looks_like_binhex_cases() {
    assert!(looks_like_binhex(PYTHON_VECTOR.as_bytes()));
    assert!(looks_like_binhex(
        b"\r\n\r\nHello,\r\nattached.\r\n\r\n(this file must be converted with binhex 4.0)\r\n"
    ));
    assert!(looks_like_binhex(
        b"  (THIS FILE MUST BE CONVERTED WITH BINHEX 4.0)\n"
    ));
    assert!(!looks_like_binhex(b""));
    assert!(!looks_like_binhex(
        b"This file must be converted with BinHex 4.0\n"
    ));
    assert!(!looks_like_binhex(
        b"see (This file must be converted with BinHex 4.0)\n"
    ));
    assert!(!looks_like_binhex(
        b"(This file must be converted with BinHex"
    ));
    let mut far = vec![b'x'; 5000];
    far.extend_from_slice(b"\n(This file must be converted with BinHex 4.0)\n");
    assert!(!looks_like_binhex(&far));
    let mut near = vec![b'x'; 4000];
    near.extend_from_slice(b"\n(This file must be converted with BinHex 4.0)\n");
    assert!(looks_like_binhex(&near));
}

#[test]
fn errors_have_messages() {
    assert_eq!(BinHexError::NoData.to_string(), "no BinHex data found");
    assert_eq!(
        BinHexError::BadCharacter(b'7').to_string(),
        "invalid character 0x37 in BinHex data"
    );
    assert_eq!(
        BinHexError::HeaderCrc {
            expected: 0x1234,
            actual: 0xabcd
        }
        .to_string(),
        "BinHex header CRC mismatch: stored 0x1234, computed 0xabcd"
    );
}

#[test]
fn short_and_garbage_inputs_never_panic() {
    let real = PYTHON_VECTOR.as_bytes();
    let banner_end = real.iter().position(|&b| b == b':').unwrap();
    for len in 0..64 {
        let _ = decode(&real[..len.min(real.len())], 1000);
        let _ = decode(&real[banner_end..(banner_end + len).min(real.len())], 1000);
        let _ = looks_like_binhex(&real[..len]);
        for seed in 1..20u32 {
            let junk = noise(len, seed * 31 + len as u32);
            let _ = decode(&junk, 1000);
            let _ = looks_like_binhex(&junk);
            // Valid armour characters after a colon: exercises the header and RLE paths.
            let armoured: Vec<u8> = std::iter::once(b':')
                .chain(junk.iter().map(|b| ALPHABET[usize::from(b & 63)]))
                .collect();
            let _ = decode(&armoured, 1000);
            let _ = decode(&armoured, 0);
            let _ = decode(&armoured, usize::MAX);
        }
    }
}

#[test]
fn orphan_run_marker_does_not_panic() {
    let mut encoded = vec![0x90, 0x05];
    encoded.extend_from_slice(&run_length_encode(&raw_stream(b"x", b"y", b"")));
    // The orphan run is ignored, so the rest still decodes.
    let file = decode(armour(&encoded).as_bytes(), 10).unwrap();
    assert_eq!(file.data, b"y");
}
