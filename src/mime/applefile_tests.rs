use super::*;

/// An AppleDouble header written out by hand from the specification: version 2, zero
/// filler, two entries (real name at 50, Finder info at 63).
const DOUBLE_BUDGET: &[u8] = b"\x00\x05\x16\x07\x00\x02\x00\x00\
\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\
\x00\x02\
\x00\x00\x00\x03\x00\x00\x00\x32\x00\x00\x00\x0d\
\x00\x00\x00\x09\x00\x00\x00\x3f\x00\x00\x00\x20\
Budget review\
TEXTOPIM\x01\x00\x00\x00\x00\x00\x00\x00\
\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";

/// An AppleSingle version 1 file by hand: "Macintosh" filler, entries in a scrambled
/// order including a resource fork (2), a comment (4) and an unknown id (99).
fn single_v1() -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&[0x00, 0x05, 0x16, 0x00, 0x00, 0x01, 0x00, 0x00]);
    f.extend_from_slice(b"Macintosh       ");
    f.extend_from_slice(&[0x00, 0x05]);
    // Table: 5 entries, data starts at 26 + 60 = 86.
    let entries: [(u32, u32, u32); 5] = [
        (2, 86, 4),   // resource fork "RSRC"
        (99, 90, 3),  // unknown "???"
        (1, 93, 5),   // data fork "hello"
        (9, 98, 16),  // Finder info (FInfo only)
        (3, 114, 12), // name "R\x8eunion.ics" (MacRoman é)
    ];
    for (id, offset, length) in entries {
        f.extend_from_slice(&id.to_be_bytes());
        f.extend_from_slice(&offset.to_be_bytes());
        f.extend_from_slice(&length.to_be_bytes());
    }
    f.extend_from_slice(b"RSRC???hello");
    f.extend_from_slice(b"TEXTttxt\x00\x00\x00\x00\x00\x00\x00\x00");
    f.extend_from_slice(b"R\x8eunion.ics\x00");
    assert_eq!(f.len(), 126);
    f
}

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

/// A header with the given table entries and no content.
fn with_entries(entries: &[(u32, u32, u32)], padding: usize) -> Vec<u8> {
    let mut f = vec![0x00, 0x05, 0x16, 0x07, 0x00, 0x02, 0x00, 0x00];
    f.extend_from_slice(&[0; 16]);
    f.extend_from_slice(&(entries.len() as u16).to_be_bytes());
    for &(id, offset, length) in entries {
        f.extend_from_slice(&id.to_be_bytes());
        f.extend_from_slice(&offset.to_be_bytes());
        f.extend_from_slice(&length.to_be_bytes());
    }
    f.extend(std::iter::repeat_n(b'x', padding));
    f
}

#[test]
fn parses_hand_written_appledouble() {
    assert_eq!(
        parse(DOUBLE_BUDGET),
        Ok(AppleFile {
            kind: AppleKind::Double,
            real_name: Some("Budget review".to_owned()),
            data_fork: None,
            file_type: Some(*b"TEXT"),
            creator: Some(*b"OPIM"),
        })
    );
}

#[test]
fn build_appledouble_matches_hand_written_layout() {
    let built = build(
        AppleKind::Double,
        Some("Budget review"),
        None,
        *b"TEXT",
        *b"OPIM",
    );
    // Identical except the Finder flags byte the hand-written file sets.
    let mut expected = DOUBLE_BUDGET.to_vec();
    expected[71] = 0;
    assert_eq!(built, expected);
    let parsed = parse(&built).unwrap();
    assert_eq!(parsed.real_name.as_deref(), Some("Budget review"));
    assert_eq!(parsed.data_fork, None);
    assert_eq!(parsed.kind, AppleKind::Double);
}

#[test]
fn applesingle_with_data_fork_round_trips() {
    let data = b"BEGIN:VCALENDAR\rEND:VCALENDAR\r";
    let built = build(
        AppleKind::Single,
        Some("invite.ics"),
        Some(data),
        *b"TEXT",
        *b"OPIM",
    );
    assert_eq!(&built[..4], &[0x00, 0x05, 0x16, 0x00]);
    assert_eq!(
        parse(&built),
        Ok(AppleFile {
            kind: AppleKind::Single,
            real_name: Some("invite.ics".to_owned()),
            data_fork: Some(data.to_vec()),
            file_type: Some(*b"TEXT"),
            creator: Some(*b"OPIM"),
        })
    );
}

#[test]
fn build_round_trips_data_lengths() {
    for len in [0, 1, 2, 3, 44, 45, 46, 1000] {
        let data = noise(len, 3 + len as u32);
        let built = build(AppleKind::Single, None, Some(&data), *b"BINA", *b"????");
        let parsed = parse(&built).unwrap();
        assert_eq!(parsed.data_fork, Some(data), "len {len}");
        assert_eq!(parsed.real_name, None);
    }
}

#[test]
fn parses_hand_written_applesingle_v1() {
    assert_eq!(
        parse(&single_v1()),
        Ok(AppleFile {
            kind: AppleKind::Single,
            real_name: Some("Réunion.ics".to_owned()),
            data_fork: Some(b"hello".to_vec()),
            file_type: Some(*b"TEXT"),
            creator: Some(*b"ttxt"),
        })
    );
}

#[test]
fn mac_roman_names_both_ways() {
    let built = build(AppleKind::Double, Some("Café ☕"), None, *b"TEXT", *b"OPIM");
    assert!(built.windows(6).any(|w| w == b"Caf\x8e ?"));
    assert_eq!(parse(&built).unwrap().real_name.as_deref(), Some("Café ?"));
}

#[test]
fn empty_and_nul_names() {
    let f = with_entries(&[(3, 38, 4)], 0);
    let mut f = f;
    f.extend_from_slice(b"\0\0\0\0");
    assert_eq!(parse(&f).unwrap().real_name.as_deref(), Some(""));
    let mut g = with_entries(&[(3, 38, 0)], 0);
    g.extend_from_slice(b"ab");
    assert_eq!(parse(&g).unwrap().real_name.as_deref(), Some(""));
}

#[test]
fn short_finder_info() {
    let f = with_entries(&[(9, 38, 4)], 4);
    let parsed = parse(&f).unwrap();
    assert_eq!(parsed.file_type, Some(*b"xxxx"));
    assert_eq!(parsed.creator, None);
    let f = with_entries(&[(9, 38, 3)], 4);
    let parsed = parse(&f).unwrap();
    assert_eq!((parsed.file_type, parsed.creator), (None, None));
}

#[test]
fn first_entry_of_an_id_wins() {
    let mut f = with_entries(&[(1, 74, 2), (1, 76, 2), (3, 76, 2), (3, 74, 2)], 0);
    f.extend_from_slice(b"aabb");
    let parsed = parse(&f).unwrap();
    assert_eq!(parsed.data_fork.as_deref(), Some(&b"aa"[..]));
    assert_eq!(parsed.real_name.as_deref(), Some("bb"));
}

#[test]
fn no_entries() {
    let f = with_entries(&[], 0);
    assert_eq!(
        parse(&f),
        Ok(AppleFile {
            kind: AppleKind::Double,
            real_name: None,
            data_fork: None,
            file_type: None,
            creator: None,
        })
    );
}

#[test]
fn bad_magic_and_version() {
    let mut f = DOUBLE_BUDGET.to_vec();
    f[3] = 0x08;
    assert_eq!(parse(&f), Err(AppleFileError::BadMagic(0x0005_1608)));
    assert_eq!(
        parse(b"BEGIN:VCALENDAR"),
        Err(AppleFileError::BadMagic(0x4245_4749))
    );
    let mut f = DOUBLE_BUDGET.to_vec();
    f[5] = 0x03;
    assert_eq!(
        parse(&f),
        Err(AppleFileError::UnsupportedVersion(0x0003_0000))
    );
}

#[test]
fn truncated_header_and_table() {
    for len in 0..4 {
        assert_eq!(parse(&DOUBLE_BUDGET[..len]), Err(AppleFileError::Truncated));
    }
    for len in 8..50 {
        assert_eq!(
            parse(&DOUBLE_BUDGET[..len]),
            Err(AppleFileError::Truncated),
            "len {len}"
        );
    }
}

#[test]
fn entry_out_of_bounds() {
    for len in 50..DOUBLE_BUDGET.len() {
        assert!(
            matches!(
                parse(&DOUBLE_BUDGET[..len]),
                Err(AppleFileError::EntryOutOfBounds { .. })
            ),
            "len {len}"
        );
    }
    assert_eq!(
        parse(&DOUBLE_BUDGET[..94]),
        Err(AppleFileError::EntryOutOfBounds {
            id: 9,
            offset: 63,
            length: 32
        })
    );
    // Offset + length overflowing 32 bits, and unknown entries, are checked too.
    let f = with_entries(&[(99, u32::MAX, 2)], 10);
    assert_eq!(
        parse(&f),
        Err(AppleFileError::EntryOutOfBounds {
            id: 99,
            offset: u32::MAX,
            length: 2
        })
    );
    let f = with_entries(&[(2, 10, u32::MAX)], 10);
    assert!(matches!(
        parse(&f),
        Err(AppleFileError::EntryOutOfBounds { id: 2, .. })
    ));
}

#[test]
fn too_many_entries() {
    let many: Vec<(u32, u32, u32)> = (0..64).map(|i| (100 + i, 0, 0)).collect();
    assert!(parse(&with_entries(&many, 0)).is_ok());
    let too_many: Vec<(u32, u32, u32)> = (0..65).map(|i| (100 + i, 0, 0)).collect();
    assert_eq!(
        parse(&with_entries(&too_many, 0)),
        Err(AppleFileError::TooManyEntries(65))
    );
    let mut f = with_entries(&[], 0);
    f[24] = 0xFF;
    f[25] = 0xFF;
    assert_eq!(parse(&f), Err(AppleFileError::TooManyEntries(0xFFFF)));
}

#[test]
fn errors_have_messages() {
    assert_eq!(
        AppleFileError::BadMagic(0x1234).to_string(),
        "not AppleSingle/AppleDouble: magic 0x00001234"
    );
    assert_eq!(
        AppleFileError::EntryOutOfBounds {
            id: 9,
            offset: 63,
            length: 32
        }
        .to_string(),
        "AppleSingle/AppleDouble entry 9 at 63+32 is outside the file"
    );
}

#[test]
fn short_and_garbage_inputs_never_panic() {
    let single = single_v1();
    for len in 0..64 {
        let _ = parse(&DOUBLE_BUDGET[..len]);
        let _ = parse(&single[..len]);
        for seed in 1..40u32 {
            let junk = noise(len, seed * 17 + len as u32);
            let _ = parse(&junk);
            // Right magic and version, garbage table.
            let mut framed = DOUBLE_BUDGET[..8].to_vec();
            framed.extend_from_slice(&junk);
            let _ = parse(&framed);
            let mut framed = single.clone();
            for (i, b) in junk.iter().enumerate() {
                let at = 24 + (i * 7) % (single.len() - 24);
                framed[at] ^= b;
            }
            let _ = parse(&framed);
        }
    }
}
