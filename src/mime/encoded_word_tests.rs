use super::*;
use crate::mime::transfer::decode_base64;

/// Minimal reader for what `encode_header_value` writes: unfolds, then decodes
/// a value made only of `=?UTF-8?B?...?=` words, or returns plain text as is.
fn decode_value(value: &str, eol: &str) -> String {
    let unfolded = value.replace(eol, "");
    if !unfolded.contains("=?") {
        return unfolded;
    }
    let mut bytes = Vec::new();
    for token in unfolded.split(' ').filter(|t| !t.is_empty()) {
        let b64 = token
            .strip_prefix("=?UTF-8?B?")
            .and_then(|t| t.strip_suffix("?="))
            .unwrap_or_else(|| panic!("not an encoded word: {token:?}"));
        bytes.extend(decode_base64(b64.as_bytes()));
    }
    String::from_utf8(bytes).expect("encoded words must carry whole UTF-8 characters")
}

/// Checks the structural guarantees and returns the header lines (with the name on the first).
fn check_structure(name: &str, value: &str, eol: &str) -> Vec<String> {
    // CR/LF only appear as `eol` + space.
    let without_folds = value.replace(&format!("{eol} "), "");
    assert!(
        !without_folds.contains('\r') && !without_folds.contains('\n'),
        "stray line break in {value:?}"
    );
    let full = format!("{name}: {value}");
    let lines: Vec<String> = full.split(eol).map(str::to_owned).collect();
    for line in lines.iter().skip(1) {
        assert!(
            line.starts_with(' '),
            "continuation without space: {line:?}"
        );
    }
    lines
}

fn encoded_words(value: &str) -> impl Iterator<Item = &str> {
    value
        .split([' ', '\r', '\n'])
        .filter(|t| t.starts_with("=?"))
}

#[test]
fn sanitize_removes_controls_and_collapses() {
    assert_eq!(sanitize_header_text("Hi\r\nBcc: x@y"), "Hi Bcc: x@y");
    assert_eq!(
        sanitize_header_text("  a\t\tb \u{0}c\u{7f}d\u{85}e\u{9b}f  "),
        "a b c d e f"
    );
    assert_eq!(
        sanitize_header_text("line\u{2028}sep\u{2029}para"),
        "line sep para"
    );
    assert_eq!(sanitize_header_text("\r\n\t "), "");
    assert_eq!(sanitize_header_text("café  ✓"), "café ✓");
    // Non-breaking and ideographic spaces are content, not folding whitespace.
    assert_eq!(
        sanitize_header_text("a\u{a0}b\u{3000}c"),
        "a\u{a0}b\u{3000}c"
    );
}

#[test]
fn short_ascii_value_kept_verbatim() {
    assert_eq!(
        encode_header_value(7, "Team meeting", "\r\n"),
        "Team meeting"
    );
    assert_eq!(
        encode_header_value(7, "  Team \t meeting ", "\r\n"),
        "Team meeting"
    );
    assert_eq!(encode_header_value(7, "", "\r\n"), "");
    assert_eq!(encode_header_value(7, "\r\n", "\r\n"), "");
}

#[test]
fn header_injection_is_neutralised() {
    for input in [
        "Hi\r\nBcc: x@y",
        "Hi\nBcc: x@y",
        "Hi\rBcc: x@y",
        "Hé\r\nBcc: x@y",
        "\r\nBcc: x@y",
    ] {
        for eol in ["\r\n", "\n"] {
            let value = encode_header_value(7, input, eol);
            let lines = check_structure("Subject", &value, eol);
            assert!(
                lines.iter().all(|l| !l.starts_with("Bcc:")),
                "{input:?} -> {value:?}"
            );
            assert_eq!(decode_value(&value, eol), sanitize_header_text(input));
        }
    }
    assert_eq!(
        encode_header_value(7, "Hi\r\nBcc: x@y", "\r\n"),
        "Hi Bcc: x@y"
    );
}

#[test]
fn long_ascii_value_folds_at_spaces() {
    let words: Vec<String> = (0..30).map(|i| format!("word{i:02}")).collect();
    let input = words.join(" ");
    let value = encode_header_value(7, &input, "\r\n");
    assert!(value.contains("\r\n "));
    assert!(!value.contains("=?"));
    let lines = check_structure("Subject", &value, "\r\n");
    assert!(lines.len() > 1);
    assert!(lines.iter().all(|l| l.len() <= 78), "{lines:?}");
    assert_eq!(decode_value(&value, "\r\n"), input);
}

#[test]
fn ascii_fold_exactly_at_limit() {
    // "Subject: " (9) + 69 chars = 78: fits, no fold.
    let fits = format!("{} {}", "a".repeat(34), "b".repeat(34));
    assert_eq!(encode_header_value(7, &fits, "\r\n"), fits);
    let over = format!("{} {}", "a".repeat(34), "b".repeat(35));
    assert_eq!(
        encode_header_value(7, &over, "\r\n"),
        format!("{}\r\n {}", "a".repeat(34), "b".repeat(35))
    );
}

#[test]
fn unbreakable_long_ascii_word_stays_plain() {
    let word = "x".repeat(120);
    assert_eq!(encode_header_value(7, &word, "\r\n"), word);
}

#[test]
fn over_998_char_word_is_encoded() {
    let word = "y".repeat(1200);
    let value = encode_header_value(7, &word, "\r\n");
    let lines = check_structure("Subject", &value, "\r\n");
    assert!(lines.iter().all(|l| l.len() <= 76));
    assert_eq!(decode_value(&value, "\r\n"), word);
}

#[test]
fn encoded_word_lookalike_is_encoded() {
    let input = "=?UTF-8?B?SGk=?=";
    let value = encode_header_value(7, input, "\r\n");
    assert_eq!(
        value,
        format!("=?UTF-8?B?{}?=", encode_base64(input.as_bytes()))
    );
    assert_eq!(decode_value(&value, "\r\n"), input);
}

#[test]
fn short_non_ascii_is_one_encoded_word() {
    assert_eq!(
        encode_header_value(7, "café", "\r\n"),
        "=?UTF-8?B?Y2Fmw6k=?="
    );
}

#[test]
fn long_non_ascii_subject_respects_line_limits() {
    let unit = "Réunion 会议 🎉 ";
    let mut input = String::new();
    while input.chars().count() < 200 {
        input.push_str(unit);
    }
    let input: String = input.chars().take(200).collect();
    assert_eq!(input.chars().count(), 200);
    for eol in ["\r\n", "\n"] {
        let value = encode_header_value(7, &input, eol);
        let lines = check_structure("Subject", &value, eol);
        assert!(lines.len() > 3);
        for line in &lines {
            assert!(line.len() <= 76, "line too long ({}): {line:?}", line.len());
        }
        for word in encoded_words(&value) {
            assert!(word.len() <= 75, "word too long: {word:?}");
        }
        assert_eq!(decode_value(&value, eol), sanitize_header_text(&input));
    }
}

#[test]
fn very_long_header_name_starts_on_continuation_line() {
    let name = "X".repeat(70);
    let value = encode_header_value(name.len(), "é", "\r\n");
    assert_eq!(value, "\r\n =?UTF-8?B?w6k=?=");
    let lines = check_structure(&name, &value, "\r\n");
    assert_eq!(lines[1].len(), 17);
    assert_eq!(decode_value(&value, "\r\n"), "é");
}

#[test]
fn invariants_hold_for_generated_inputs() {
    let alphabet: Vec<char> = "ab Zé€会🎉\r\n\t\u{0}\u{85}=?\"\\".chars().collect();
    let mut seed: u64 = 0x1234_5678;
    for case in 0..400 {
        let len = case % 160;
        let mut input = String::new();
        for _ in 0..len {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            input.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
        }
        let name_len = case % 40;
        let name = "N".repeat(name_len);
        let value = encode_header_value(name_len, &input, "\r\n");
        let lines = check_structure(&name, &value, "\r\n");
        let expected = sanitize_header_text(&input);
        if value.contains("=?") {
            assert!(lines.iter().all(|l| l.len() <= 76), "{lines:?}");
            assert!(encoded_words(&value).all(|w| w.len() <= 75));
        }
        assert_eq!(decode_value(&value, "\r\n"), expected, "input {input:?}");
    }
}

#[test]
fn quote_param_escapes() {
    assert_eq!(quote_param("invite.ics"), "\"invite.ics\"");
    assert_eq!(quote_param(r#"a "b" \c"#), r#""a \"b\" \\c""#);
    assert_eq!(quote_param("a\r\nb"), "\"a b\"");
    assert_eq!(quote_param(""), "\"\"");
}

#[test]
fn format_param_ascii_and_rfc2231() {
    assert_eq!(
        format_param("filename", "invite.ics"),
        "filename=\"invite.ics\""
    );
    assert_eq!(
        format_param("name", "say \"hi\"\r\n"),
        "name=\"say \\\"hi\\\"\""
    );
    assert_eq!(
        format_param("filename", "Réunion 1.ics"),
        "filename*=utf-8''R%C3%A9union%201.ics"
    );
    assert_eq!(
        format_param("filename", "é\"%'*;"),
        "filename*=utf-8''%C3%A9%22%25%27%2A%3B"
    );
}
