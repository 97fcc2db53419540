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
