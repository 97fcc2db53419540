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
    assert_eq!((text.as_ref(), choice), ("café", CharsetChoice::Utf8Valid));
    // ...and is borrowed, not copied.
    assert!(matches!(text, Cow::Borrowed(_)));
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

// ---------------------------------------------------------------------------
// Differential tests: label handling against a frozen copy of the code before the
// allocation-free, case-insensitive label lookup.
// ---------------------------------------------------------------------------

mod reference {
    use encoding_rs::Encoding;

    pub fn normalize_label(label: &str) -> std::borrow::Cow<'_, str> {
        let trimmed = label.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        if trimmed.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(trimmed.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(trimmed)
        }
    }

    pub fn is_ascii_label(norm: &str) -> bool {
        matches!(
            norm,
            "us-ascii" | "ascii" | "ansi_x3.4-1968" | "iso646-us" | "iso-ir-6" | "us" | "cp367"
        )
    }

    pub fn lookup_label(label: &str) -> Option<&'static Encoding> {
        let norm = normalize_label(label);
        let encoding = match norm.as_ref() {
            "macintosh" | "x-mac-roman" | "mac" | "macroman" => encoding_rs::MACINTOSH,
            "utf8" => encoding_rs::UTF_8,
            "latin1" => encoding_rs::WINDOWS_1252,
            other => Encoding::for_label(other.as_bytes())?,
        };
        if encoding == encoding_rs::REPLACEMENT {
            None
        } else {
            Some(encoding)
        }
    }

    pub fn is_utf8_label(label: &str) -> bool {
        lookup_label(label) == Some(encoding_rs::UTF_8)
    }

    fn strip_utf8_bom(bytes: &[u8]) -> &[u8] {
        bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
    }

    pub fn decode_to_utf8(bytes: &[u8], declared: Option<&str>) -> (String, super::CharsetChoice) {
        use super::CharsetChoice;
        if let Some(label) = declared {
            let norm = normalize_label(label);
            if is_ascii_label(&norm) {
                if bytes.is_ascii() {
                    let text = String::from_utf8_lossy(bytes).into_owned();
                    return (text, CharsetChoice::Declared("US-ASCII".into()));
                }
            } else if let Some(encoding) = lookup_label(&norm) {
                let (text, used, _had_errors) = encoding.decode(bytes);
                return (
                    text.into_owned(),
                    CharsetChoice::Declared(used.name().to_string()),
                );
            }
        }
        match std::str::from_utf8(strip_utf8_bom(bytes)) {
            Ok(text) => (text.to_owned(), CharsetChoice::Utf8Valid),
            Err(_) => {
                let (text, _had_errors) =
                    encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
                (text.into_owned(), CharsetChoice::Fallback1252)
            }
        }
    }

    pub fn decode_with_hints(
        bytes: &[u8],
        declared: Option<&str>,
        text_part_charset: Option<&str>,
        mac_sender: bool,
    ) -> (String, super::CharsetChoice) {
        use super::CharsetChoice;
        let declared =
            declared.filter(|l| !(is_utf8_label(l) && std::str::from_utf8(bytes).is_err()));
        let (text, choice) = decode_to_utf8(bytes, declared);
        if choice != CharsetChoice::Fallback1252 {
            return (text, choice);
        }
        if let Some(label) = text_part_charset {
            let norm = normalize_label(label);
            if !is_ascii_label(&norm) {
                if let Some(encoding) = lookup_label(&norm).filter(|e| *e != encoding_rs::UTF_8) {
                    let (text, _) = encoding.decode_without_bom_handling(bytes);
                    return (
                        text.into_owned(),
                        CharsetChoice::FromTextPart(encoding.name().to_owned()),
                    );
                }
            }
        }
        let (mac, _) = encoding_rs::MACINTOSH.decode_without_bom_handling(bytes);
        let mac_score = super::plausibility(&mac);
        let win_score = super::plausibility(&text);
        let mac_wins = mac_score > win_score || (mac_score == win_score && mac_sender);
        if mac_wins {
            let why = if mac_score > win_score {
                "it reads as more plausible text than windows-1252"
            } else {
                "a tie with windows-1252, and the sender is a Mac mailer"
            };
            (
                mac.into_owned(),
                CharsetChoice::Guessed {
                    charset: "macintosh",
                    why,
                },
            )
        } else {
            let why = if win_score > mac_score {
                "it reads as more plausible text than MacRoman"
            } else {
                "a tie with MacRoman"
            };
            (
                text,
                CharsetChoice::Guessed {
                    charset: "windows-1252",
                    why,
                },
            )
        }
    }

    pub fn transcode_wide(bytes: &[u8], declared: Option<&str>) -> Option<(Vec<u8>, &'static str)> {
        let encoding = match Encoding::for_bom(bytes) {
            Some((enc, _)) if enc != encoding_rs::UTF_8 => enc,
            Some(_) => return None,
            None => declared
                .and_then(lookup_label)
                .filter(|e| !e.is_ascii_compatible())?,
        };
        let (text, used, _) = encoding.decode(bytes);
        Some((text.into_owned().into_bytes(), used.name()))
    }
}

/// Labels: the crate's own aliases, the ASCII names, common and odd registered labels,
/// the replacement-mapped ones, near misses and non-labels.
const LABELS: &[&str] = &[
    "",
    "utf-8",
    "utf8",
    "unicode-1-1-utf-8",
    "iso-8859-1",
    "iso8859-1",
    "iso_8859-1",
    "latin1",
    "l1",
    "windows-1252",
    "cp1252",
    "x-cp1252",
    "ascii",
    "us-ascii",
    "ansi_x3.4-1968",
    "iso646-us",
    "iso-ir-6",
    "us",
    "cp367",
    "macintosh",
    "x-mac-roman",
    "mac",
    "macroman",
    "csmacintosh",
    "iso-8859-15",
    "latin9",
    "iso-8859-2",
    "windows-1250",
    "koi8-r",
    "shift_jis",
    "sjis",
    "euc-jp",
    "iso-2022-jp",
    "gb2312",
    "gbk",
    "gb18030",
    "big5",
    "euc-kr",
    "utf-16",
    "utf-16le",
    "utf-16be",
    "iso-2022-kr",
    "hz-gb-2312",
    "replacement",
    "x-user-defined",
    "utf-7",
    "utf-32",
    "latin-1",
    "utf 8",
    "iso-8859-1x",
    "x-unknown",
    "\u{130}so-8859-1",
    "mac\u{131}ntosh",
    "\u{212a}oi8-r",
];

/// A label in the forms mail has it: cases, quotes, blanks.
fn label_variants(label: &str) -> Vec<String> {
    let upper = label.to_ascii_uppercase();
    let mixed: String = label
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i % 2 == 0 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect();
    vec![
        label.to_owned(),
        upper.clone(),
        mixed,
        format!("\"{upper}\""),
        format!(" '{label}' "),
        format!("\t\"{label}\" "),
        format!("\u{a0}{label}"),
        format!("{label}\u{3000}"),
        format!("\"\"{label}\"\""),
        format!("\" {label} \""),
        // Quotes inside blanks inside quotes: one normalisation leaves the inner
        // quotes, a second removes them.
        format!("\" '{label}' \""),
        format!("' \"{upper}\" '"),
        format!(" \" ' {label} ' \" "),
    ]
}

/// Byte strings: ASCII, Latin-1, MacRoman, UTF-8, BOMs, UTF-16, invalid sequences.
const SAMPLES: &[&[u8]] = &[
    b"",
    b"plain ASCII text\r\n",
    b"caf\xe9 \x80 na\xefve",
    b"caf\x8e",
    "café ✓".as_bytes(),
    b"\xef\xbb\xbfBOM then text",
    b"\xef\xbb\xbfcaf\xc3\xa9",
    b"\xff\xfeh\x00\xe9\x00",
    b"\xfe\xff\x00h\x00\xe9",
    b"\xc3\x28 invalid",
    b"\x1b$B\x30\x21\x1b(B",
    b"~{<:Ky2;S{#,NpJ)l6HK!#~}",
];

fn describe_encoding(e: Option<&'static encoding_rs::Encoding>) -> Option<&'static str> {
    e.map(encoding_rs::Encoding::name)
}

#[test]
fn label_handling_matches_reference() {
    for label in LABELS {
        for variant in label_variants(label) {
            let v = variant.as_str();
            assert_eq!(
                describe_encoding(lookup_label(v)),
                describe_encoding(reference::lookup_label(v)),
                "lookup_label({v:?})"
            );
            assert_eq!(
                is_utf8_label(v),
                reference::is_utf8_label(v),
                "is_utf8_label({v:?})"
            );
            for bytes in SAMPLES {
                assert_eq!(
                    decode_to_utf8(bytes, Some(v)),
                    reference::decode_to_utf8(bytes, Some(v)),
                    "decode_to_utf8({bytes:?}, {v:?})"
                );
                for mac in [false, true] {
                    assert_eq!(
                        owned(decode_with_hints(bytes, Some(v), Some(v), mac)),
                        reference::decode_with_hints(bytes, Some(v), Some(v), mac),
                        "decode_with_hints({bytes:?}, {v:?}, {v:?}, {mac})"
                    );
                    assert_eq!(
                        owned(decode_with_hints(bytes, None, Some(v), mac)),
                        reference::decode_with_hints(bytes, None, Some(v), mac),
                        "decode_with_hints({bytes:?}, None, {v:?}, {mac})"
                    );
                }
                assert_eq!(
                    transcode_wide(bytes, Some(v)),
                    reference::transcode_wide(bytes, Some(v)),
                    "transcode_wide({bytes:?}, {v:?})"
                );
            }
        }
    }
    for bytes in SAMPLES {
        assert_eq!(
            decode_to_utf8(bytes, None),
            reference::decode_to_utf8(bytes, None)
        );
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn decode_to_utf8_matches_reference(
            label in prop_oneof![
                prop::sample::select(LABELS).prop_map(str::to_owned),
                "[ \"'\t]{0,2}[a-zA-Z0-9_:.\\- ]{0,14}[ \"'\t]{0,2}",
                any::<String>(),
            ],
            bytes in prop::collection::vec(any::<u8>(), 0..40),
        ) {
            prop_assert_eq!(
                decode_to_utf8(&bytes, Some(&label)),
                reference::decode_to_utf8(&bytes, Some(&label))
            );
            prop_assert_eq!(
                describe_encoding(lookup_label(&label)),
                describe_encoding(reference::lookup_label(&label))
            );
        }
    }
}

/// A decoded text as the frozen reference returns it.
fn owned((text, choice): (Cow<'_, str>, CharsetChoice)) -> (String, CharsetChoice) {
    (text.into_owned(), choice)
}
