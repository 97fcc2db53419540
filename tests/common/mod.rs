//! Helpers shared by the integration tests.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use imip_bridge::Options;
use mail_parser::{MessageParser, MimeHeaders, PartType};
use std::path::{Path, PathBuf};

/// The fixed clock every golden output is made with.
pub fn now() -> DateTime<Utc> {
    "2026-11-27T12:00:00Z".parse().unwrap()
}

pub fn options() -> Options {
    Options::new().with_now(now())
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every input fixture: `fixtures/<producer>/<case>.eml` (not `*.out.eml`).
pub fn fixture_inputs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for producer in std::fs::read_dir(fixtures_dir()).unwrap() {
        let dir = producer.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap() {
            let p = f.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".eml") && !name.ends_with(".out.eml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every file below `dir`, recursively (nothing when it does not exist).
pub fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// LF -> CRLF for a file stored with LF line ends.
pub fn lf_to_crlf(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len() + b.len() / 20);
    let mut prev = 0u8;
    for &c in b {
        if c == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(c);
        prev = c;
    }
    out
}

/// The decoded text of every text/calendar part of a message, with its Content-Type.
pub fn calendar_parts(message: &[u8]) -> Vec<(String, String)> {
    let msg = MessageParser::default()
        .parse(message)
        .expect("output parses as MIME");
    let mut out = Vec::new();
    for part in &msg.parts {
        if matches!(part.body, PartType::Multipart(_)) {
            continue;
        }
        let Some(ct) = part.content_type() else {
            continue;
        };
        let is_cal = ct.ctype().eq_ignore_ascii_case("text")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("calendar"));
        if !is_cal {
            continue;
        }
        let mut header = format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or(""));
        for a in ct.attributes().unwrap_or_default() {
            header.push_str(&format!("; {}={}", a.name, a.value));
        }
        let text = part
            .text_contents()
            .map(str::to_owned)
            .unwrap_or_else(|| String::from_utf8_lossy(part.contents()).into_owned());
        out.push((header, text));
    }
    out
}
