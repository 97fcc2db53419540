//! Writes the seed corpora of every target from `../fixtures/*/*.eml` (our own files).
//! Run from `fuzz/`: `cargo run --example seed`. Existing files are overwritten, nothing
//! is deleted.

use imip_bridge::_internal::{applefile, binhex, transfer, uuencode};
use imip_bridge_fuzz::checks::message_to_alphabet;
use mail_parser::{MessageParser, MimeHeaders, PartType};
use std::path::Path;

fn write(target: &str, name: &str, data: &[u8]) {
    let dir = Path::new("corpus").join(target);
    std::fs::create_dir_all(&dir).expect("create corpus dir");
    std::fs::write(dir.join(name), data).expect("write seed");
}

/// The calendars inside a message, transfer-decoded.
fn calendars(raw: &[u8]) -> Vec<Vec<u8>> {
    let Some(msg) = MessageParser::default().parse(raw) else {
        return Vec::new();
    };
    let mut out: Vec<Vec<u8>> = Vec::new();
    for part in &msg.parts {
        if matches!(part.body, PartType::Multipart(_)) {
            continue;
        }
        let data = part.contents();
        let t = data
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(data)
            .trim_ascii_start();
        if t.len() >= 15
            && t[..15].eq_ignore_ascii_case(b"BEGIN:VCALENDAR")
            && !out.iter().any(|c| c == data)
        {
            out.push(data.to_vec());
        }
        let _ = part.attachment_name();
    }
    out
}

fn decoder_seed(which: u8, max: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![which];
    v.extend_from_slice(&max.to_be_bytes());
    v.extend_from_slice(payload);
    v
}

fn main() {
    let mut inputs = Vec::new();
    for producer in std::fs::read_dir("../fixtures").expect("run from fuzz/") {
        let dir = producer.expect("dir entry").path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).expect("read fixture dir") {
            let p = f.expect("entry").path();
            if p.extension().is_some_and(|e| e == "eml") {
                inputs.push(p);
            }
        }
    }
    inputs.sort();
    let mut seen_cals: Vec<Vec<u8>> = Vec::new();
    for p in &inputs {
        let raw = std::fs::read(p).expect("read fixture");
        let producer = p
            .parent()
            .and_then(|d| d.file_name())
            .unwrap()
            .to_string_lossy();
        let stem = p.file_name().unwrap().to_string_lossy().replace(".eml", "");
        let name = format!("{producer}__{stem}");
        write("transform", &format!("{name}.eml"), &raw);
        write("transform_alphabet", &name, &message_to_alphabet(&raw));
        for (i, cal) in calendars(&raw).into_iter().enumerate() {
            if seen_cals.contains(&cal) {
                continue;
            }
            seen_cals.push(cal.clone());
            let cname = format!("{name}_{i}");
            write("ical_roundtrip", &format!("{cname}.ics"), &cal);
            write("vcal1", &format!("{cname}.vcs"), &cal);
            let text = String::from_utf8_lossy(&cal);
            if text.contains("VERSION:2.0") {
                let v1 = text.replace("VERSION:2.0", "VERSION:1.0");
                write("vcal1", &format!("{cname}_v1.vcs"), v1.as_bytes());
            }
            if seen_cals.len() <= 6 {
                let max = u16::try_from(cal.len()).unwrap_or(u16::MAX);
                let hqx = binhex::encode("Meeting.ics", *b"TEXT", *b"ENTG", &cal);
                write(
                    "decoders",
                    &format!("{cname}_binhex"),
                    &decoder_seed(0, max, hqx.as_bytes()),
                );
                let uu = uuencode::encode("Meeting.ics", 0o644, &cal);
                let mut inline = b"See the attached file.\n\n".to_vec();
                inline.extend_from_slice(uu.as_bytes());
                inline.extend_from_slice(b"\n-- \nSent from Entourage\n");
                write(
                    "decoders",
                    &format!("{cname}_uu"),
                    &decoder_seed(1, max, &inline),
                );
                let single = applefile::build(
                    applefile::AppleKind::Single,
                    Some("Meeting.ics"),
                    Some(&cal),
                    *b"TEXT",
                    *b"iCal",
                );
                write(
                    "decoders",
                    &format!("{cname}_applesingle"),
                    &decoder_seed(2, max, &single),
                );
                let double = applefile::build(
                    applefile::AppleKind::Double,
                    Some("Meeting.ics"),
                    None,
                    *b"TEXT",
                    *b"iCal",
                );
                write(
                    "decoders",
                    &format!("{cname}_appledouble"),
                    &decoder_seed(2, max, &double),
                );
                write(
                    "decoders",
                    &format!("{cname}_qp"),
                    &decoder_seed(3, max, &qp(&cal)),
                );
                let b64 = transfer::encode_base64_lines(&cal, "\r\n");
                write(
                    "decoders",
                    &format!("{cname}_base64"),
                    &decoder_seed(4, max, b64.as_bytes()),
                );
            }
        }
    }
    println!(
        "seeded from {} fixture files, {} calendars",
        inputs.len(),
        seen_cals.len()
    );
}

/// A simple quoted-printable encoding (soft breaks at 72, `=XX` for non-ASCII and `=`).
fn qp(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut col = 0;
    for &b in data {
        if b == b'\n' {
            out.push(b);
            col = 0;
            continue;
        }
        if col >= 72 {
            out.extend_from_slice(b"=\r\n");
            col = 0;
        }
        if b == b'=' || b == b'\r' || !(0x20..0x7f).contains(&b) {
            out.extend_from_slice(format!("={b:02X}").as_bytes());
            col += 3;
        } else {
            out.push(b);
            col += 1;
        }
    }
    out
}
