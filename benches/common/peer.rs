//! The peer pipelines of the comparison.
//!
//! [`rust_peer`] is a faithful minimal "parse, round-trip the calendar, rebuild" relay
//! made of the crates a Rust developer would reach for: mail-parser parses the message,
//! the first `text/calendar` (or `application/ics`, or `*.ics` attachment) part is
//! parsed by calcard and serialised again, and mail-builder writes a new message:
//! multipart/alternative { text, HTML, `text/calendar; charset=utf-8; method=...` in
//! base64 }, inside multipart/mixed with every other leaf part re-attached when there
//! are any. A message without a calendar is passed through (copied). It normalises
//! nothing.
//!
//! [`floor`] is the least any filter must do: copy the bytes and scan them for CRLF.

use calcard::icalendar::ICalendar;
use mail_builder::headers::address::Address;
use mail_builder::headers::content_type::ContentType;
use mail_builder::mime::{BodyPart, MimePart};
use mail_builder::MessageBuilder;
use mail_parser::{MessageParser, MimeHeaders, PartType};

/// What the peer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerResult {
    /// A new message was built around the round-tripped calendar.
    Rebuilt,
    /// No calendar: the input was copied.
    PassedThrough,
    /// mail-parser or calcard rejected the input: copied.
    Failed,
}

impl PeerResult {
    /// Short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            PeerResult::Rebuilt => "rebuilt",
            PeerResult::PassedThrough => "passed through",
            PeerResult::Failed => "parse failed, copied",
        }
    }
}

fn is_calendar(ctype: &str, name: Option<&str>) -> bool {
    ctype.eq_ignore_ascii_case("text/calendar")
        || ctype.eq_ignore_ascii_case("application/ics")
        || name.is_some_and(|n| n.to_ascii_lowercase().ends_with(".ics"))
}

/// mail-parser + calcard + mail-builder. Returns the output message.
pub fn rust_peer(raw: &[u8]) -> (Vec<u8>, PeerResult) {
    let Some(msg) = MessageParser::default().parse(raw) else {
        return (raw.to_vec(), PeerResult::Failed);
    };
    let mut calendar: Option<&[u8]> = None;
    let mut text: Option<&str> = None;
    let mut html: Option<&str> = None;
    let mut others: Vec<(String, Option<&str>, &[u8])> = Vec::new();
    for part in &msg.parts {
        if matches!(part.body, PartType::Multipart(_)) {
            continue;
        }
        let ctype = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub),
                None => ct.ctype().to_owned(),
            })
            .unwrap_or_else(|| "text/plain".to_owned());
        let name = part.attachment_name();
        if calendar.is_none() && is_calendar(&ctype, name) {
            calendar = Some(part.contents());
            continue;
        }
        match &part.body {
            PartType::Text(t) if text.is_none() && !part.is_content_type("text", "html") => {
                text = Some(t.as_ref());
            }
            PartType::Html(h) if html.is_none() => html = Some(h.as_ref()),
            _ => others.push((ctype, name, part.contents())),
        }
    }
    let Some(calendar) = calendar else {
        return (raw.to_vec(), PeerResult::PassedThrough);
    };
    let Ok(ical) = ICalendar::parse(String::from_utf8_lossy(calendar)) else {
        return (raw.to_vec(), PeerResult::Failed);
    };
    let ics = ical.to_string();
    let method = ics
        .split("\r\n")
        .find_map(|l| l.strip_prefix("METHOD:"))
        .unwrap_or("REQUEST")
        .to_owned();

    // mail-builder writes only the Content-Transfer-Encoding header when it is set by
    // hand: the body is base64-encoded here.
    let cal_part = MimePart::new(
        ContentType::new("text/calendar")
            .attribute("charset", "utf-8")
            .attribute("method", method),
        BodyPart::Text(super::b64_encode(ics.as_bytes(), "\r\n").into()),
    )
    .transfer_encoding("base64");
    let mut alternatives = Vec::with_capacity(3);
    if let Some(t) = text {
        alternatives.push(MimePart::new("text/plain", BodyPart::Text(t.into())));
    }
    if let Some(h) = html {
        alternatives.push(MimePart::new("text/html", BodyPart::Text(h.into())));
    }
    alternatives.push(cal_part);
    let alternative = MimePart::new("multipart/alternative", alternatives);
    let body = if others.is_empty() {
        alternative
    } else {
        let mut parts = vec![alternative];
        for (ctype, name, bytes) in others {
            let part = MimePart::new(ContentType::new(ctype), BodyPart::Binary(bytes.into()));
            parts.push(match name {
                Some(n) => part.attachment(n),
                None => part,
            });
        }
        MimePart::new("multipart/mixed", parts)
    };

    let addr = |a: &mail_parser::Addr<'_>| {
        Address::new_address(
            a.name().map(str::to_owned),
            a.address().unwrap_or_default().to_owned(),
        )
    };
    let list = |h: Option<&mail_parser::Address<'_>>| -> Vec<Address<'static>> {
        h.map(|a| a.iter().map(addr).collect()).unwrap_or_default()
    };
    let mut builder = MessageBuilder::new();
    if let Some(from) = msg.from().and_then(|a| a.first()) {
        builder = builder.from(addr(from));
    }
    let to = list(msg.to());
    if !to.is_empty() {
        builder = builder.to(Address::new_list(to));
    }
    let cc = list(msg.cc());
    if !cc.is_empty() {
        builder = builder.cc(Address::new_list(cc));
    }
    if let Some(s) = msg.subject() {
        builder = builder.subject(s);
    }
    if let Some(id) = msg.message_id() {
        builder = builder.message_id(id.to_owned());
    }
    if let Some(d) = msg.date() {
        builder = builder.date(d.to_timestamp());
    }
    let out = builder.body(body).write_to_vec().unwrap_or_default();
    (out, PeerResult::Rebuilt)
}

/// The floor: a plain copy plus a CRLF scan. Returns the copy and the CRLF count.
pub fn floor(raw: &[u8]) -> (Vec<u8>, usize) {
    let out = raw.to_vec();
    let crlf = match (out.get(..out.len().saturating_sub(1)), out.get(1..)) {
        (Some(a), Some(b)) => a
            .iter()
            .zip(b)
            .map(|(x, y)| usize::from((*x == b'\r') & (*y == b'\n')))
            .sum(),
        _ => 0,
    };
    (out, crlf)
}
