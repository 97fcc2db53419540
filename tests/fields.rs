//! The fast paths for `Content-*` fields (`src/mime/fields.rs`) and for `From`, `To`,
//! `Cc`, `Subject`, `Message-ID` and `Date` (`src/mime/envelope.rs`) must read every value
//! they accept exactly as mail-parser's header parser does. Compared on every such field
//! in the fixtures, in `../shared/corpus` (skipped when absent) and on variations of them.

mod common;

use common::files;
use imip_bridge::_internal::envelope;
use imip_bridge::_internal::scan::fast_field;
use mail_parser::{HeaderValue, MessageParser};
use std::path::{Path, PathBuf};

/// Every `Content-Type/Disposition/Transfer-Encoding` field at a line start, with its
/// continuation lines and line end.
fn content_fields(data: &[u8]) -> Vec<Vec<u8>> {
    fields_named(
        data,
        &[
            b"content-type:",
            b"content-disposition:",
            b"content-transfer-encoding:",
        ],
    )
}

/// Every field named one of `names` (lowercase, with the colon) at a line start, with
/// its continuation lines and line end.
fn fields_named(data: &[u8], names: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let line_end = data[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |i| at + i + 1);
        let line = &data[at..line_end];
        let named = names
            .iter()
            .any(|n| line.len() >= n.len() && line[..n.len()].eq_ignore_ascii_case(n));
        if named {
            let mut end = line_end;
            while matches!(data.get(end), Some(b' ' | b'\t')) {
                end = data[end..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(data.len(), |i| end + i + 1);
            }
            out.push(data[at..end].to_vec());
            at = end;
        } else {
            at = line_end;
        }
    }
    out
}

fn normalise(v: &HeaderValue<'_>) -> String {
    match v {
        HeaderValue::ContentType(ct) => format!(
            "{}|{:?}|{:?}",
            ct.c_type,
            ct.c_subtype,
            ct.attributes
                .iter()
                .flatten()
                .map(|a| (a.name.to_string(), a.value.to_string()))
                .collect::<Vec<_>>()
        ),
        HeaderValue::Text(t) => format!("text|{t}"),
        other => format!("{other:?}"),
    }
}

/// The fixtures and the shared corpus (absent on CI: then the fixtures only).
fn sample_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("fixtures"), &mut paths);
    files(&root.join("../shared/corpus"), &mut paths);
    paths
}

/// mail-parser's header parser on `field` alone (given its line end and the blank
/// line that ends a header block).
fn parse_alone(field: &[u8]) -> Option<mail_parser::Message<'static>> {
    let mut whole = field.to_vec();
    if !whole.ends_with(b"\n") {
        whole.extend_from_slice(b"\r\n");
    }
    whole.extend_from_slice(b"\r\n");
    MessageParser::default()
        .parse_headers(&whole)
        .map(mail_parser::Message::into_owned)
}

/// Checks one field; returns whether the fast path took it.
fn check(field: &[u8], failures: &mut Vec<String>) -> bool {
    let Some(fast) = fast_field(field) else {
        return false;
    };
    let parsed = parse_alone(field);
    let slow = parsed
        .as_ref()
        .and_then(|m| m.parts.first())
        .and_then(|p| p.headers.first());
    match slow {
        Some(h) if h.name == fast.name && normalise(&h.value) == normalise(&fast.value) => {}
        _ => failures.push(format!(
            "{:?}: fast {} vs mail-parser {:?}",
            String::from_utf8_lossy(field),
            normalise(&fast.value),
            slow.map(|h| normalise(&h.value))
        )),
    }
    true
}

/// Variations that keep a value simple or just push it over the edge.
fn variations(field: &[u8]) -> Vec<Vec<u8>> {
    let s = String::from_utf8_lossy(field).into_owned();
    let mut out = vec![
        s.replace("; ", ";"),
        s.replace(';', " ; "),
        s.replace('=', " = "),
        s.replace('"', ""),
        s.replace("\r\n", "\n"),
        s.replace(": ", ":\r\n\t"),
        s.to_ascii_uppercase(),
        s.trim_end().to_owned(),
        format!("{};", s.trim_end()),
        format!("{}; x=\"\"", s.trim_end()),
        format!("{}; x=y; x=z", s.trim_end()),
    ];
    if let Some(i) = s.find('=') {
        let mut t = s.clone();
        t.insert(i + 1, ' ');
        out.push(t);
    }
    out.into_iter().map(String::into_bytes).collect()
}

#[test]
fn fast_content_fields_agree_with_mail_parser() {
    let paths = sample_files();
    let mut failures = Vec::new();
    let (mut fields, mut fast) = (0usize, 0usize);
    for p in &paths {
        let Ok(data) = std::fs::read(p) else { continue };
        for field in content_fields(&data) {
            for f in std::iter::once(field.clone()).chain(variations(&field)) {
                fields += 1;
                if check(&f, &mut failures) {
                    fast += 1;
                }
            }
        }
    }
    let synthetic: &[&[u8]] = &[
        b"Content-Type: text/calendar; method=REQUEST; charset=UTF-8\r\n",
        b"Content-Type: TEXT/Calendar;\r\n\tMETHOD=request;\r\n\tcharset=\"utf-8\"\r\n",
        b"Content-Disposition: attachment;\r\n filename=\"Staff meeting.ics\"\r\n",
        b"Content-Disposition: inline\r\n",
        b"Content-Type: multipart/alternative; boundary=\"----=_NextPart_000_0012_01C3.AB\"\r\n",
        b"Content-Type: text/plain; charset=us-ascii; format=flowed; delsp=yes\n",
        b"Content-Type: application/octet-stream; name=\"a b  c.ics\"; x-mac-type=54455854\r\n",
        b"Content-Transfer-Encoding: quoted-printable\r\n",
        b"Content-Transfer-Encoding:base64\n",
        b"Content-Type: text\r\n",
        b"Content-Type: text/plain;; charset=x\r\n",
    ];
    for f in synthetic {
        fields += 1;
        assert!(
            check(f, &mut failures),
            "not taken: {}",
            String::from_utf8_lossy(f)
        );
    }
    println!("{fields} fields, {fast} read by the fast path");
    assert!(
        failures.is_empty(),
        "{} disagreements, first: {:?}",
        failures.len(),
        failures.iter().take(5).collect::<Vec<_>>()
    );
}

const ENVELOPE_NAMES: &[&[u8]] = &[
    b"from:",
    b"to:",
    b"cc:",
    b"subject:",
    b"message-id:",
    b"date:",
];

/// What one parser read from an envelope field, comparable across both.
fn envelope_fast(field: &[u8]) -> Option<String> {
    let colon = field.iter().position(|&b| b == b':')?;
    let name = field[..colon].to_ascii_lowercase();
    let value = &field[colon + 1..];
    match name.as_slice() {
        b"from" | b"to" | b"cc" => envelope::addresses(value).map(|list| {
            format!(
                "{:?}",
                list.iter()
                    .map(|(n, a)| (n.map(str::to_owned), Some(a.to_string())))
                    .collect::<Vec<_>>()
            )
        }),
        b"subject" => envelope::text(value).map(|t| format!("text|{t}")),
        b"message-id" => envelope::message_id(value).map(|t| format!("text|{t}")),
        b"date" => envelope::date(value).map(|t| format!("date|{t}")),
        _ => None,
    }
}

fn envelope_slow(field: &[u8]) -> Option<String> {
    let parsed = parse_alone(field)?;
    let h = parsed.parts.first()?.headers.first()?;
    Some(match &h.value {
        HeaderValue::Address(a) => format!(
            "{:?}",
            a.iter()
                .map(|x| (
                    x.name.as_ref().map(|n| n.to_string()),
                    x.address.as_ref().map(|n| n.to_string())
                ))
                .collect::<Vec<_>>()
        ),
        HeaderValue::Text(t) => format!("text|{t}"),
        HeaderValue::DateTime(d) => format!("date|{}", d.to_timestamp()),
        other => format!("{other:?}"),
    })
}

/// Variations of an envelope field that keep it simple or just push it over the edge.
fn envelope_variations(field: &[u8]) -> Vec<Vec<u8>> {
    let s = String::from_utf8_lossy(field).into_owned();
    let out = vec![
        s.replace("\r\n", "\n"),
        s.replace(": ", ":"),
        s.replace(": ", ":\r\n\t"),
        s.replace(", ", ",\r\n "),
        s.replace(',', " , "),
        s.replace(" <", "<"),
        s.replace('"', ""),
        s.replace("<", "< "),
        s.replace(' ', "  "),
        s.trim_end().to_owned(),
        format!("{}, x@example.com\r\n", s.trim_end()),
        format!("{} \r\n", s.trim_end()),
    ];
    out.into_iter().map(String::into_bytes).collect()
}

#[test]
fn fast_envelope_fields_agree_with_mail_parser() {
    let paths = sample_files();
    let mut failures = Vec::new();
    let (mut fields, mut fast) = (0usize, 0usize);
    let mut check = |f: &[u8]| {
        fields += 1;
        let Some(quick) = envelope_fast(f) else {
            return false;
        };
        fast += 1;
        let slow = envelope_slow(f);
        if slow.as_deref() != Some(quick.as_str()) {
            failures.push(format!(
                "{:?}: fast {quick} vs mail-parser {slow:?}",
                String::from_utf8_lossy(f)
            ));
        }
        true
    };
    for p in &paths {
        let Ok(data) = std::fs::read(p) else { continue };
        for field in fields_named(&data, ENVELOPE_NAMES) {
            for f in std::iter::once(field.clone()).chain(envelope_variations(&field)) {
                check(&f);
            }
        }
    }
    let synthetic: &[&[u8]] = &[
        b"From: Anna Example <anna@example.com>\r\n",
        b"To: Bob Sample <bob@example.com>,\r\n\tCarla Nguyen <carla@example.org>\r\n",
        b"Cc: \"Volkov, Dmitri\" <dmitri@example.net>, e@example.net\n",
        b"To: <a@example.com>\r\n",
        b"From: \" Spaced \" <s@example.com>\r\n",
        b"From: J. R. Smith <jrs@example.com>\r\n",
        b"Subject: Budget  review\r\n",
        b"Subject: Budget\r\n\treview\r\n",
        b"Message-ID: <BB8CA78F.1F4A%anna@example.com>\r\n",
        b"Date: Tue, 16 Sep 2003 11:42:07 -0400\r\n",
        b"Date: 29 Feb 2004 23:59 +0130\n",
        b"Date: Thu, 31 Feb 2005 01:02:03 -0000\r\n",
    ];
    for f in synthetic {
        assert!(check(f), "not taken: {}", String::from_utf8_lossy(f));
    }
    println!("{fields} envelope fields, {fast} read by the fast path");
    assert!(
        failures.is_empty(),
        "{} disagreements, first: {:?}",
        failures.len(),
        failures.iter().take(8).collect::<Vec<_>>()
    );
}
