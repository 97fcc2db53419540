//! Charset resolution and decoding of MIME text parts to UTF-8.
//!
//! This module owns the decision of which character encoding to use for a
//! piece of text: the declared MIME charset when `encoding_rs` recognises it
//! (with a few legacy Mac and alias labels added), otherwise UTF-8 when the
//! bytes are valid UTF-8, otherwise windows-1252. Decoding never fails;
//! malformed sequences become U+FFFD. The choice made is reported as a
//! [`CharsetChoice`] so callers can log or diagnose it.

use encoding_rs::Encoding;
use std::borrow::Cow;

/// Which charset [`decode_to_utf8`] used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CharsetChoice {
    /// The declared charset was recognised; holds the name of the encoding actually used (a BOM may override).
    Declared(String),
    /// No usable charset was declared and the bytes were valid UTF-8.
    Utf8Valid,
    /// No usable charset was declared and the bytes were not UTF-8, so windows-1252 was used.
    Fallback1252,
    /// No usable charset was declared and the bytes were not UTF-8; the charset the
    /// same message declares for its text body was used.
    FromTextPart(String),
    /// No usable charset was declared, the bytes were not UTF-8 and no text part named
    /// an 8-bit charset: MacRoman or windows-1252, whichever reads as more plausible text.
    Guessed {
        /// The encoding used.
        charset: &'static str,
        /// Why it won.
        why: &'static str,
    },
}

impl CharsetChoice {
    /// Returns a short human-readable description of the choice, for logs and diagnostics.
    pub fn describe(&self) -> String {
        match self {
            CharsetChoice::Declared(name) => format!("declared charset {name}"),
            CharsetChoice::Utf8Valid => "no usable charset declared; content is valid UTF-8".into(),
            CharsetChoice::Fallback1252 => {
                "no usable charset declared; content is not UTF-8, decoded as windows-1252".into()
            }
            CharsetChoice::FromTextPart(name) => format!(
                "no usable charset declared; content is not UTF-8, decoded as {name}, the charset of the message's text part"
            ),
            CharsetChoice::Guessed { charset, why } => format!(
                "no usable charset declared; content is not UTF-8, decoded as {charset} ({why})"
            ),
        }
    }
}

/// Normalises a charset label: trims whitespace and surrounding quotes. Its case is
/// left as it is: every comparison of labels is ASCII case-insensitive (as
/// `Encoding::for_label` is), so no lowercase copy is made.
fn normalize_label(label: &str) -> &str {
    label.trim().trim_matches(|c| c == '"' || c == '\'').trim()
}

/// Whether `norm` is one of `names` (lowercase), ignoring ASCII case.
fn is_one_of(norm: &str, names: &[&str]) -> bool {
    names.iter().any(|name| norm.eq_ignore_ascii_case(name))
}

/// Returns true if the normalised label denotes US-ASCII.
fn is_ascii_label(norm: &str) -> bool {
    is_one_of(
        norm,
        &[
            "us-ascii",
            "ascii",
            "ansi_x3.4-1968",
            "iso646-us",
            "iso-ir-6",
            "us",
            "cp367",
        ],
    )
}

/// Resolves a charset label to an encoding, including the crate's extra aliases.
/// Callers that test a normalised label first pass that (normalised a second time
/// here, which removes quotes that were inside blanks).
fn lookup_label(label: &str) -> Option<&'static Encoding> {
    let norm = normalize_label(label);
    let encoding = if is_one_of(norm, &["macintosh", "x-mac-roman", "mac", "macroman"]) {
        encoding_rs::MACINTOSH
    } else if is_one_of(norm, &["utf-8", "utf8"]) {
        // "utf-8": the label `for_label` would find, without its search.
        encoding_rs::UTF_8
    } else if is_one_of(norm, &["iso-8859-1", "latin1"]) {
        // "iso-8859-1": as `for_label` reads it (WHATWG), without its search.
        encoding_rs::WINDOWS_1252
    } else {
        Encoding::for_label(norm.as_bytes())?
    };
    // encoding_rs maps a few dangerous labels (ISO-2022-KR, HZ, ...) to the
    // "replacement" encoding, which decodes everything to U+FFFD. Treat those
    // as unknown so the content-based fallback applies instead.
    if encoding == encoding_rs::REPLACEMENT {
        None
    } else {
        Some(encoding)
    }
}

/// Returns true if `label` (trimmed, unquoted, any case) names UTF-8.
pub fn is_utf8_label(label: &str) -> bool {
    lookup_label(label) == Some(encoding_rs::UTF_8)
}

/// Strips a leading UTF-8 byte order mark, if present.
fn strip_utf8_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Decodes `bytes` to UTF-8 using the declared charset if usable, else UTF-8 if valid, else windows-1252.
pub fn decode_to_utf8(bytes: &[u8], declared: Option<&str>) -> (String, CharsetChoice) {
    let (text, choice) = decode_to_utf8_cow(bytes, declared);
    (text.into_owned(), choice)
}

/// [`decode_to_utf8`] that borrows `bytes` when they are the text already (ASCII, or
/// UTF-8 without a byte order mark).
pub fn decode_to_utf8_cow<'b>(
    bytes: &'b [u8],
    declared: Option<&str>,
) -> (Cow<'b, str>, CharsetChoice) {
    if let Some(label) = declared {
        let norm = normalize_label(label);
        if is_ascii_label(norm) {
            if bytes.is_ascii() {
                // ASCII is a subset of every encoding we could pick; no BOM is possible.
                let text = String::from_utf8_lossy(bytes);
                return (text, CharsetChoice::Declared("US-ASCII".into()));
            }
            // Declared ASCII but 8-bit content: the label is a lie, sniff instead.
        } else if let Some(encoding) = lookup_label(norm) {
            let (text, used, _had_errors) = encoding.decode(bytes);
            return (text, CharsetChoice::Declared(used.name().to_string()));
        }
    }
    match std::str::from_utf8(strip_utf8_bom(bytes)) {
        Ok(text) => (Cow::Borrowed(text), CharsetChoice::Utf8Valid),
        Err(_) => {
            let (text, _had_errors) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text, CharsetChoice::Fallback1252)
        }
    }
}

/// Like [`decode_to_utf8`], but when nothing usable is declared and the bytes are not
/// UTF-8, tries (1) `text_part_charset`, the 8-bit charset the same message declares
/// for its text body (the same mailer wrote both), then (2) MacRoman or windows-1252,
/// whichever decodes to more plausible text (accented lowercase letters inside words
/// rather than symbols or capitals); MacRoman wins a tie when `mac_sender` is set.
pub fn decode_with_hints<'b>(
    bytes: &'b [u8],
    declared: Option<&str>,
    text_part_charset: Option<&str>,
    mac_sender: bool,
) -> (Cow<'b, str>, CharsetChoice) {
    // A declared UTF-8 that the bytes contradict is treated as undeclared, so that a
    // wrong label does not turn every accented letter into U+FFFD.
    let declared = declared.filter(|l| !(is_utf8_label(l) && std::str::from_utf8(bytes).is_err()));
    let (text, choice) = decode_to_utf8_cow(bytes, declared);
    if choice != CharsetChoice::Fallback1252 {
        return (text, choice);
    }
    if let Some(label) = text_part_charset {
        let norm = normalize_label(label);
        if !is_ascii_label(norm) {
            if let Some(encoding) = lookup_label(norm).filter(|e| *e != encoding_rs::UTF_8) {
                let (text, _) = encoding.decode_without_bom_handling(bytes);
                return (
                    text,
                    CharsetChoice::FromTextPart(encoding.name().to_owned()),
                );
            }
        }
    }
    let (mac, _) = encoding_rs::MACINTOSH.decode_without_bom_handling(bytes);
    let mac_score = plausibility(&mac);
    let win_score = plausibility(&text);
    let mac_wins = mac_score > win_score || (mac_score == win_score && mac_sender);
    if mac_wins {
        let why = if mac_score > win_score {
            "it reads as more plausible text than windows-1252"
        } else {
            "a tie with windows-1252, and the sender is a Mac mailer"
        };
        (
            mac,
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

/// Scores decoded text: non-ASCII lowercase letters next to letters count for it;
/// non-ASCII symbols, capitals inside words and controls count against it.
fn plausibility(text: &str) -> i64 {
    let chars: Vec<char> = text.chars().collect();
    let mut score = 0i64;
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii() {
            continue;
        }
        let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let after = chars.get(i + 1).copied();
        let next_to_letter =
            before.is_some_and(char::is_alphabetic) || after.is_some_and(char::is_alphabetic);
        score += if c.is_control() {
            -4
        } else if c.is_alphabetic() && c.is_lowercase() {
            if next_to_letter {
                3
            } else {
                1
            }
        } else if c.is_alphabetic() {
            // A capital right after a lowercase letter is unlikely.
            if before.is_some_and(char::is_lowercase) {
                -2
            } else {
                0
            }
        } else {
            -2
        };
    }
    score
}

/// For text in an encoding that is not ASCII-compatible (UTF-16 with or without a BOM,
/// declared or detected by its BOM): the text transcoded to UTF-8 and the encoding's
/// name. Such text must be transcoded before line ends and folds can be found.
/// `None` for every ASCII-compatible charset (those are unfolded on their bytes).
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

#[cfg(test)]
#[path = "charset_tests.rs"]
mod tests;
