//! Property values: transfer encodings (quoted-printable, base64, 7bit/8bit) and
//! CHARSET, vCalendar TEXT escaping, `;`-separated lists and date lists, and the
//! re-typed STATUS, TRANSP and ATTACH values.

use crate::ical::model::{Param, ParamValue, Property};
use crate::ical::value::escape_text;
use crate::mime::charset::{decode_to_utf8, CharsetChoice};
use crate::mime::transfer::{decode_base64, decode_quoted_printable};

use super::{class_of, Class, Kind, Log};

// ---------------------------------------------------------------------------
// Transfer encodings and charsets
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transfer {
    QuotedPrintable,
    Base64,
    /// `7BIT` / `8BIT`: no transformation, only the parameter to drop.
    Identity,
}

fn transfer_of(param: &Param) -> Option<Transfer> {
    let bare = param.values.is_empty();
    let token = if bare {
        param.name.as_ref()
    } else if param.name.eq_ignore_ascii_case("ENCODING") {
        param.first().unwrap_or("").trim()
    } else {
        return None;
    };
    match token.to_ascii_uppercase().as_str() {
        "QUOTED-PRINTABLE" => Some(Transfer::QuotedPrintable),
        "BASE64" => Some(Transfer::Base64),
        "B" if !bare => Some(Transfer::Base64),
        "7BIT" | "8BIT" => Some(Transfer::Identity),
        _ => None,
    }
}

fn is_charset(param: &Param) -> bool {
    param.name.eq_ignore_ascii_case("CHARSET")
}

/// Decodes the value's transfer encoding and charset. Returns true when the value was
/// turned into its final (escaped) iCalendar form.
pub(super) fn decode_transfer(p: &mut Property, log: &mut Log) -> bool {
    let transfer = p.params().iter().find_map(transfer_of);
    let charset = p
        .param_value("CHARSET")
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    let name = p.name().to_ascii_uppercase();
    let class = class_of(&name);
    match transfer {
        Some(Transfer::QuotedPrintable) => {
            let (text, used) = decode_qp_value(p.value(), charset.as_deref());
            p.set_value(plain_to_value(class, &text));
            p.params_mut()
                .retain(|q| transfer_of(q).is_none() && !is_charset(q));
            log.fix(format!(
                "{name}: quoted-printable decoded ({})",
                charset_note(charset.as_deref(), used.as_ref())
            ));
            true
        }
        Some(Transfer::Base64) if class != Class::Other => {
            let bytes = decode_base64(p.value().as_bytes());
            let (text, used) = decode_to_utf8(&bytes, charset.as_deref());
            p.set_value(plain_to_value(class, &text));
            p.params_mut()
                .retain(|q| transfer_of(q).is_none() && !is_charset(q));
            log.fix(format!(
                "{name}: base64 decoded ({})",
                charset_note(charset.as_deref(), Some(&used))
            ));
            true
        }
        Some(Transfer::Base64) => {
            normalise_binary(p, &name, log);
            false
        }
        Some(Transfer::Identity) => {
            let dropped: Vec<String> = p
                .params()
                .iter()
                .filter(|q| transfer_of(q).is_some() || is_charset(q))
                .map(param_text)
                .collect();
            p.params_mut()
                .retain(|q| transfer_of(q).is_none() && !is_charset(q));
            log.fix(format!("{name}: {} removed", dropped.join(";")));
            false
        }
        None => {
            if let Some(label) = &charset {
                p.params_mut().retain(|q| !is_charset(q));
                log.fix(format!("{name}: CHARSET={label} removed"));
            }
            false
        }
    }
}

fn param_text(param: &Param) -> String {
    let values: Vec<&str> = param.values.iter().map(|v| v.text.as_ref()).collect();
    if values.is_empty() {
        param.name.to_string()
    } else {
        format!("{}={}", param.name, values.join(","))
    }
}

fn charset_note(declared: Option<&str>, used: Option<&CharsetChoice>) -> String {
    match (declared, used) {
        (Some(label), _) => format!("CHARSET={label}"),
        (None, Some(CharsetChoice::Fallback1252)) => "no CHARSET, not UTF-8: windows-1252".into(),
        (None, _) => "no CHARSET: UTF-8".into(),
    }
}

/// QP-decodes `value` and decodes the bytes with `charset`. Non-ASCII characters
/// (8-bit bytes a writer left unencoded, already decoded with the calendar's charset)
/// are kept as they are; only the ASCII runs carry `=XX` escapes.
fn decode_qp_value(value: &str, charset: Option<&str>) -> (String, Option<CharsetChoice>) {
    if value.is_ascii() {
        let bytes = decode_quoted_printable(value.as_bytes());
        let (text, used) = decode_to_utf8(&bytes, charset);
        return (text, Some(used));
    }
    let mut out = String::with_capacity(value.len());
    let mut used = None;
    let mut rest = value;
    while !rest.is_empty() {
        let ascii_len = rest.find(|c: char| !c.is_ascii()).unwrap_or(rest.len());
        let Some((ascii, tail)) = rest.split_at_checked(ascii_len) else {
            break;
        };
        if !ascii.is_empty() {
            // The decoder treats the end of its input as a line end (trailing blanks
            // dropped, a final '=' a soft break); only the true end of value is one.
            let (body, kept) = if tail.is_empty() {
                (ascii, "")
            } else {
                let trimmed = ascii.trim_end_matches([' ', '\t']);
                let trimmed = trimmed.strip_suffix('=').unwrap_or(trimmed);
                ascii.split_at_checked(trimmed.len()).unwrap_or((ascii, ""))
            };
            let bytes = decode_quoted_printable(body.as_bytes());
            let (text, choice) = decode_to_utf8(&bytes, charset);
            used.get_or_insert(choice);
            out.push_str(&text);
            out.push_str(kept);
        }
        let other_len = tail.find(|c: char| c.is_ascii()).unwrap_or(tail.len());
        let Some((other, next)) = tail.split_at_checked(other_len) else {
            break;
        };
        out.push_str(other);
        rest = next;
    }
    (out, used)
}

/// Decoded plain text to the property's value form.
fn plain_to_value(class: Class, text: &str) -> String {
    let text: String = text
        .chars()
        .filter(|&c| !c.is_control() || matches!(c, '\t' | '\r' | '\n'))
        .collect();
    match class {
        Class::Text => escape_text(&text),
        Class::List => {
            let items: Vec<String> = split_unescaped(&text, |c| c == ';' || c == ',', usize::MAX)
                .into_iter()
                .map(|item| item.trim().replace("\\;", ";").replace("\\,", ","))
                .filter(|item| !item.is_empty())
                .map(|item| escape_text(&item))
                .collect();
            items.join(",")
        }
        Class::Other => {
            // No TEXT escaping, but a raw line break would end the content line.
            let mut out = String::with_capacity(text.len());
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\r' => {
                        chars.next_if_eq(&'\n');
                        out.push_str("\\n");
                    }
                    '\n' => out.push_str("\\n"),
                    c => out.push(c),
                }
            }
            out
        }
    }
}

/// `ENCODING=BASE64` on a binary property: keep it, with `VALUE=BINARY`, and the value
/// without the blanks vCalendar folding leaves in it.
fn normalise_binary(p: &mut Property, name: &str, log: &mut Log) {
    let canonical =
        |q: &Param| q.name == "ENCODING" && q.values.len() == 1 && q.first() == Some("BASE64");
    let params_ok = p
        .params()
        .iter()
        .filter(|q| transfer_of(q).is_some())
        .all(canonical)
        && p.param_value("VALUE") == Some("BINARY")
        && !p.params().iter().any(is_charset);
    if !params_ok {
        let before: Vec<String> = p
            .params()
            .iter()
            .filter(|q| {
                transfer_of(q).is_some() || is_charset(q) || q.name.eq_ignore_ascii_case("VALUE")
            })
            .map(param_text)
            .collect();
        let params = p.params_mut();
        let at = params
            .iter()
            .position(|q| transfer_of(q).is_some())
            .unwrap_or(params.len());
        params.retain(|q| {
            transfer_of(q).is_none() && !is_charset(q) && !q.name.eq_ignore_ascii_case("VALUE")
        });
        let at = at.min(params.len());
        params.insert(at, simple_param("ENCODING", "BASE64"));
        params.insert(at + 1, simple_param("VALUE", "BINARY"));
        log.fix(format!(
            "{name};{} -> {name};ENCODING=BASE64;VALUE=BINARY",
            before.join(";")
        ));
    }
    if p.value().bytes().any(|b| b.is_ascii_whitespace()) {
        let value: String = p
            .value()
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        p.set_value(value);
        log.fix(format!("{name}: blanks removed from the base64 value"));
    }
}

pub(super) fn simple_param(name: &str, text: &str) -> Param {
    Param {
        name: crate::ical::model::param_text(name),
        values: crate::ical::model::ParamValues::one(ParamValue {
            text: crate::ical::model::param_text(text),
            quoted: false,
        }),
    }
}

// ---------------------------------------------------------------------------
// TEXT
// ---------------------------------------------------------------------------

/// vCalendar TEXT to iCalendar TEXT: a bare `,` or `;` is escaped, a backslash that
/// does not start an iCalendar escape (`\\ \; \, \n \N`) is doubled; valid escapes are
/// kept, so the conversion is idempotent.
pub(super) fn vcal_text_to_ical(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.peek().copied() {
                Some(n @ (';' | ',' | '\\' | 'n' | 'N')) => {
                    out.push('\\');
                    out.push(n);
                    chars.next();
                }
                _ => out.push_str("\\\\"),
            },
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            c => out.push(c),
        }
    }
    out
}

/// Splits on separators not escaped by a backslash, into at most `max` parts (the last
/// part keeps the rest). Parts keep their escapes.
pub(super) fn split_unescaped(s: &str, is_sep: impl Fn(char) -> bool, max: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if parts.len().saturating_add(1) >= max {
            break;
        }
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if is_sep(c) {
            parts.push(s.get(start..i).unwrap_or_default());
            start = i + c.len_utf8();
        }
    }
    parts.push(s.get(start..).unwrap_or_default());
    parts
}

pub(super) fn convert_text(p: &mut Property, name: &str, log: &mut Log) {
    let new = vcal_text_to_ical(p.value());
    if new != p.value() {
        p.set_value(new);
        log.fix(format!("{name}: vCalendar text escaped as iCalendar TEXT"));
    }
}

pub(super) fn convert_list(p: &mut Property, name: &str, log: &mut Log) {
    let items: Vec<String> = split_unescaped(p.value(), |c| c == ';' || c == ',', usize::MAX)
        .into_iter()
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(vcal_text_to_ical)
        .collect();
    let new = items.join(",");
    if new == p.value() {
        return;
    }
    if split_unescaped(p.value(), |c| c == ';', usize::MAX).len() > 1 {
        log.fix(format!("{name}: ';' separators -> ','"));
    } else {
        log.fix(format!("{name}: vCalendar text escaped as iCalendar TEXT"));
    }
    p.set_value(new);
}

pub(super) fn convert_date_list(p: &mut Property, name: &str, log: &mut Log) {
    if !p.value().contains(';') {
        return;
    }
    let items: Vec<&str> = p
        .value()
        .split([';', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let new = items.join(",");
    p.set_value(new);
    log.fix(format!("{name}: ';' separators -> ','"));
}

// ---------------------------------------------------------------------------
// Simple properties
// ---------------------------------------------------------------------------

/// STATUS of a VEVENT/VTODO; returns whether the property is kept.
pub(super) fn convert_status(p: &mut Property, kind: Kind, log: &mut Log) -> bool {
    let value = p.value().trim().to_ascii_uppercase();
    let comp = if kind == Kind::Event {
        "VEVENT"
    } else {
        "VTODO"
    };
    let valid: &[&str] = if kind == Kind::Event {
        &["TENTATIVE", "CONFIRMED", "CANCELLED"]
    } else {
        &["NEEDS-ACTION", "COMPLETED", "IN-PROCESS", "CANCELLED"]
    };
    let mapped = match value.as_str() {
        "CANCELED" => Some("CANCELLED"),
        "NEEDS ACTION" | "NEEDS-ACTION" => Some("NEEDS-ACTION"),
        "SENT" | "ACCEPTED" | "DECLINED" | "DELEGATED" | "CONFIRMED" | "TENTATIVE"
        | "COMPLETED" => Some(value.as_str()),
        _ => None,
    };
    let Some(mapped) = mapped else {
        return true; // not a vCalendar status: leave it
    };
    if valid.contains(&mapped) {
        if mapped != p.value() {
            log.fix(format!("STATUS:{} -> {mapped}", p.value().trim()));
            p.set_value(mapped);
        }
        true
    } else {
        log.fix(format!(
            "STATUS:{} removed (no iCalendar {comp} status)",
            p.value().trim()
        ));
        false
    }
}

pub(super) fn convert_transp(p: &mut Property, log: &mut Log) {
    let value = p.value().trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return;
    }
    let new = if value.bytes().all(|b| b == b'0') {
        "OPAQUE"
    } else {
        "TRANSPARENT"
    };
    log.fix(format!("TRANSP:{value} -> {new}"));
    p.set_value(new);
}

/// vCalendar `VALUE=URL` / `VALUE=CONTENT-ID` on ATTACH: iCalendar's default URI type.
pub(super) fn convert_attach_value(p: &mut Property, log: &mut Log) {
    let Some(kind) = p
        .param_value("VALUE")
        .map(|v| v.trim().to_ascii_uppercase())
    else {
        return;
    };
    match kind.as_str() {
        "URL" => {
            p.params_mut()
                .retain(|q| !q.name.eq_ignore_ascii_case("VALUE"));
            log.fix("ATTACH;VALUE=URL -> ATTACH (URI)");
        }
        "CONTENT-ID" | "CID" => {
            let id = p
                .value()
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>');
            let id = strip_prefix_ignore_case(id, "cid:")
                .unwrap_or(id)
                .to_owned();
            p.params_mut()
                .retain(|q| !q.name.eq_ignore_ascii_case("VALUE"));
            p.set_value(format!("cid:{id}"));
            log.fix(format!("ATTACH;VALUE={kind} -> ATTACH:cid:"));
        }
        _ => {}
    }
}

pub(super) fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}
