use super::*;

#[test]
fn mac_roman_declared() {
    for label in [
        "x-mac-roman",
        "macintosh",
        "mac",
        "MacRoman",
        " \"X-MAC-ROMAN\" ",
    ] {
        let (text, choice) = decode_to_utf8(b"caf\x8e", Some(label));
        assert_eq!(text, "café", "label {label:?}");
        assert_eq!(choice, CharsetChoice::Declared("macintosh".into()));
    }
}

#[test]
fn windows_1252_fallback_when_undeclared_and_not_utf8() {
    let (text, choice) = decode_to_utf8(b"caf\xe9 \x80", None);
    assert_eq!(text, "café €");
    assert_eq!(choice, CharsetChoice::Fallback1252);
}

#[test]
fn utf16_with_bom_declared() {
    // BOM FF FE, then "hé" in UTF-16LE.
    let bytes = b"\xff\xfeh\x00\xe9\x00";
    let (text, choice) = decode_to_utf8(bytes, Some("utf-16"));
    assert_eq!(text, "hé");
    assert_eq!(choice, CharsetChoice::Declared("UTF-16LE".into()));

    // A big-endian BOM overrides the declared little-endian label.
    let (text, choice) = decode_to_utf8(b"\xfe\xff\x00h\x00\xe9", Some("utf-16le"));
    assert_eq!(text, "hé");
    assert_eq!(choice, CharsetChoice::Declared("UTF-16BE".into()));
}

#[test]
fn bom_overrides_declared_single_byte_charset() {
    let (text, choice) = decode_to_utf8(b"\xef\xbb\xbfcaf\xc3\xa9", Some("iso-8859-1"));
    assert_eq!(text, "café");
    assert_eq!(choice, CharsetChoice::Declared("UTF-8".into()));
}

#[test]
fn valid_utf8_chosen_when_undeclared() {
    let (text, choice) = decode_to_utf8("café ✓".as_bytes(), None);
    assert_eq!(text, "café ✓");
    assert_eq!(choice, CharsetChoice::Utf8Valid);

    let (text, choice) = decode_to_utf8(b"\xef\xbb\xbfcaf\xc3\xa9", None);
    assert_eq!(text, "café");
    assert_eq!(choice, CharsetChoice::Utf8Valid);
}

#[test]
fn unknown_or_empty_label_is_undeclared() {
    let (text, choice) = decode_to_utf8("é".as_bytes(), Some("x-unknown-charset"));
    assert_eq!(text, "é");
    assert_eq!(choice, CharsetChoice::Utf8Valid);

    let (text, choice) = decode_to_utf8(b"\xe9", Some(""));
    assert_eq!(text, "é");
    assert_eq!(choice, CharsetChoice::Fallback1252);

    // encoding_rs maps ISO-2022-KR to the replacement encoding: treated as unknown.
    let (text, choice) = decode_to_utf8(b"abc", Some("iso-2022-kr"));
    assert_eq!(text, "abc");
    assert_eq!(choice, CharsetChoice::Utf8Valid);
}

#[test]
fn aliases_utf8_and_latin1() {
    let (text, choice) = decode_to_utf8("é".as_bytes(), Some("UTF8"));
    assert_eq!(text, "é");
    assert_eq!(choice, CharsetChoice::Declared("UTF-8".into()));

    let (text, choice) = decode_to_utf8(b"\xe9\x80", Some("latin1"));
    assert_eq!(text, "é€");
    assert_eq!(choice, CharsetChoice::Declared("windows-1252".into()));
}

#[test]
fn declared_charset_is_used_even_for_utf8_looking_bytes() {
    let (text, choice) = decode_to_utf8(b"caf\xc3\xa9", Some("iso-8859-1"));
    assert_eq!(text, "cafÃ©");
    assert_eq!(choice, CharsetChoice::Declared("windows-1252".into()));

    let (text, choice) = decode_to_utf8(b"\xe9", Some("utf-8"));
    assert_eq!(text, "\u{fffd}");
    assert_eq!(choice, CharsetChoice::Declared("UTF-8".into()));
}

#[test]
fn ascii_declared() {
    let (text, choice) = decode_to_utf8(b"plain", Some("US-ASCII"));
    assert_eq!(text, "plain");
    assert_eq!(choice, CharsetChoice::Declared("US-ASCII".into()));

    // Declared ASCII but 8-bit content: treated as undeclared.
    let (text, choice) = decode_to_utf8("café".as_bytes(), Some("us-ascii"));
    assert_eq!(text, "café");
    assert_eq!(choice, CharsetChoice::Utf8Valid);

    let (text, choice) = decode_to_utf8(b"caf\xe9", Some("ascii"));
    assert_eq!(text, "café");
    assert_eq!(choice, CharsetChoice::Fallback1252);
}

#[test]
fn utf8_labels() {
    assert!(is_utf8_label("utf-8"));
    assert!(is_utf8_label(" \"UTF-8\" "));
    assert!(is_utf8_label("utf8"));
    assert!(is_utf8_label("unicode-1-1-utf-8"));
    assert!(!is_utf8_label("utf-16"));
    assert!(!is_utf8_label("iso-8859-1"));
    assert!(!is_utf8_label(""));
}

#[test]
fn describe_mentions_the_choice() {
    assert_eq!(
        CharsetChoice::Declared("macintosh".into()).describe(),
        "declared charset macintosh"
    );
    assert!(CharsetChoice::Utf8Valid.describe().contains("valid UTF-8"));
    assert!(CharsetChoice::Fallback1252
        .describe()
        .contains("windows-1252"));
}

#[test]
fn undeclared_macroman_is_guessed_over_windows_1252() {
    // "café" in MacRoman: 0x8E is é in MacRoman, Ž in windows-1252.
    let (text, choice) = decode_with_hints(b"caf\x8E au lait", None, None, false);
    assert_eq!(text, "café au lait");
    assert!(
        matches!(
            choice,
            CharsetChoice::Guessed {
                charset: "macintosh",
                ..
            }
        ),
        "{choice:?}"
    );
}

#[test]
fn undeclared_windows_1252_is_guessed_over_macroman() {
    // 0xE9 is é in windows-1252 and È in MacRoman (a capital inside a word).
    let (text, choice) = decode_with_hints(b"caf\xE9 au lait", None, None, true);
    assert_eq!(text, "café au lait");
    assert!(
        matches!(
            choice,
            CharsetChoice::Guessed {
                charset: "windows-1252",
                ..
            }
        ),
        "{choice:?}"
    );
}

#[test]
fn text_part_charset_is_used_before_guessing_but_not_ascii_or_utf8() {
    let (text, choice) = decode_with_hints(b"caf\xE9", None, Some("iso-8859-1"), true);
    assert_eq!(text, "café");
    assert_eq!(choice, CharsetChoice::FromTextPart("windows-1252".into()));
    let (_, choice) = decode_with_hints(b"caf\x8E", None, Some("us-ascii"), true);
    assert!(matches!(choice, CharsetChoice::Guessed { .. }));
    // Valid UTF-8 never reaches the hints.
    let (text, choice) = decode_with_hints("café".as_bytes(), None, Some("iso-8859-1"), true);
    assert_eq!((text.as_str(), choice), ("café", CharsetChoice::Utf8Valid));
}

#[test]
fn a_utf8_label_contradicted_by_the_bytes_is_ignored() {
    let (text, choice) = decode_with_hints(b"caf\x8E", Some("utf-8"), None, true);
    assert_eq!(text, "café");
    assert!(matches!(
        choice,
        CharsetChoice::Guessed {
            charset: "macintosh",
            ..
        }
    ));
}

#[test]
fn wide_charsets_are_transcoded_before_unfolding() {
    let utf16be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain("A:Zo\u{eb}\r\n".encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    let (bytes, name) = transcode_wide(&utf16be, Some("utf-16")).unwrap();
    assert_eq!(
        (bytes.as_slice(), name),
        ("A:Zoë\r\n".as_bytes(), "UTF-16BE")
    );
    let utf16le: Vec<u8> = "A:\u{141}\r\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let (bytes, name) = transcode_wide(&utf16le, Some("utf-16le")).unwrap();
    assert_eq!((bytes.as_slice(), name), ("A:Ł\r\n".as_bytes(), "UTF-16LE"));
    assert_eq!(transcode_wide(b"A:b\r\n", Some("iso-8859-1")), None);
    assert_eq!(transcode_wide(b"\xEF\xBB\xBFA:b", None), None);
}
