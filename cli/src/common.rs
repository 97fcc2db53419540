//! What the commands share: sysexits(3) codes, the `--profile`, `--now` and
//! `--size-limit` flags, the options built from them, and the one-line log record
//! written per message by `filter` and `milter`. Nothing here touches the network or
//! the file system.

use chrono::{DateTime, Utc};
use clap::ValueEnum;
use imip_bridge::{Disposition, Limits, Options, Outcome, Profile};
use std::time::Duration;

/// Command-line usage error (a bad path combination; clap's own errors exit 2).
pub const EX_USAGE: u8 = 64;
/// The input data was incorrect (strict mode, or messages that failed in a batch).
pub const EX_DATAERR: u8 = 65;
/// An input file did not exist or was not readable.
pub const EX_NOINPUT: u8 = 66;
/// An internal software error.
pub const EX_SOFTWARE: u8 = 70;
/// An operating-system error (a socket that cannot be bound).
pub const EX_OSERR: u8 = 71;
/// An output file cannot be created.
pub const EX_CANTCREAT: u8 = 73;
/// Temporary failure: Postfix keeps the message queued and retries it.
pub const EX_TEMPFAIL: u8 = 75;

/// Postfix's default `message_size_limit`, and the library's default limit.
pub const DEFAULT_SIZE_LIMIT: usize = Limits::DEFAULT.max_message_bytes;

/// The `--profile` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    /// Outlook, Outlook on the web, Exchange and every standards-based client.
    Outlook,
    /// Plain RFC 5546/6047 without Microsoft headers.
    Standard,
}

impl ProfileArg {
    /// The library profile.
    pub fn profile(self) -> Profile {
        match self {
            ProfileArg::Outlook => Profile::Outlook,
            ProfileArg::Standard => Profile::Standard,
        }
    }
}

/// Parses `--now`.
pub fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| format!("not an RFC 3339 time ({e}); e.g. 2026-01-01T00:00:00Z"))
}

/// Options for the mail-path commands: a profile and a message size limit.
pub fn mail_options(profile: ProfileArg, size_limit: usize) -> Options {
    let mut limits = Limits::DEFAULT;
    limits.max_message_bytes = size_limit;
    Options::new()
        .with_profile(profile.profile())
        .with_limits(limits)
}

/// The reason code logged for a message that was not transformed because it is
/// larger than `--size-limit` (the library's own code for the same case).
pub const SIZE_LIMIT_REASON: &str = "limit_exceeded";

/// `disposition=... method=... fixes=...` or `disposition=unchanged reason=...`.
pub fn describe(outcome: &Outcome) -> String {
    match outcome.disposition {
        Disposition::Rewritten => {
            let fixes: Vec<&str> = outcome
                .report
                .fixes
                .iter()
                .map(|f| f.code.as_str())
                .collect();
            let method = outcome.report.method.map_or("-", |m| m.as_str());
            format!(
                "disposition=rewritten method={method} fixes={}",
                fixes.join(",")
            )
        }
        Disposition::Unchanged => format!("disposition=unchanged reason={}", reason(outcome)),
    }
}

/// Why an unchanged message was passed through.
pub fn reason(outcome: &Outcome) -> &'static str {
    outcome.report.reason.map_or("unchanged", |r| r.as_str())
}

/// One log line: `imip-bridge COMMAND: [PREFIX ]message-id=ID WHAT size=N ms=T`.
pub fn log_line(
    command: &str,
    prefix: &str,
    message_id: &str,
    what: &str,
    size: u64,
    elapsed: Duration,
) -> String {
    let sep = if prefix.is_empty() { "" } else { " " };
    format!(
        "imip-bridge {command}: {prefix}{sep}message-id={message_id} {what} size={size} ms={:.1}",
        elapsed.as_secs_f64() * 1000.0
    )
}

/// A panic as one log-friendly line: ` at FILE:LINE: MESSAGE`.
pub fn panic_text(info: &std::panic::PanicHookInfo<'_>) -> String {
    let payload = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned());
    let place = info
        .location()
        .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
    format!("{place}: {}", payload.replace('\n', " "))
}

/// Replaces the default multi-line panic report with one line on stderr.
pub fn install_one_line_panic_hook(command: &'static str) {
    std::panic::set_hook(Box::new(move |info| {
        eprintln!(
            "imip-bridge {command}: internal error: panic{}",
            panic_text(info)
        );
    }));
}

/// The header fields of a message and where its body starts.
pub struct Head<'a> {
    /// `(name, raw value)`: the value is everything after the colon, continuation
    /// lines included, without the final line end.
    pub fields: Vec<(&'a [u8], &'a [u8])>,
    /// Offset of the first body byte (after the empty line), or the length of the
    /// input when there is no body.
    pub body_start: usize,
}

/// Splits the header block of `raw` into fields. A line without a colon that is not
/// a continuation (an mbox `From ` line, garbage) is skipped.
pub fn split_head(raw: &[u8]) -> Head<'_> {
    let mut fields: Vec<(&[u8], &[u8])> = Vec::new();
    // (name, value start, value end) of the field being read
    let mut open: Option<(usize, usize, usize, usize)> = None; // name_start, name_end, value_start, value_end
    let mut pos = 0;
    let body_start = loop {
        if pos >= raw.len() {
            break raw.len();
        }
        let end = raw[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(raw.len(), |i| pos + i + 1);
        let line = &raw[pos..end];
        let content = trim_eol(line);
        if content.is_empty() {
            break end;
        }
        if matches!(content.first(), Some(b' ' | b'\t')) {
            if let Some(f) = open.as_mut() {
                f.3 = pos + content.len();
            }
        } else {
            if let Some((ns, ne, vs, ve)) = open.take() {
                fields.push((&raw[ns..ne], &raw[vs..ve]));
            }
            if let Some(colon) = content.iter().position(|&b| b == b':') {
                open = Some((pos, pos + colon, pos + colon + 1, pos + content.len()));
            }
        }
        pos = end;
    };
    if let Some((ns, ne, vs, ve)) = open.take() {
        fields.push((&raw[ns..ne], &raw[vs..ve]));
    }
    Head { fields, body_start }
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The first value of header `name` (case-insensitive), unfolded and trimmed.
pub fn header(raw: &[u8], name: &str) -> Option<String> {
    let head = split_head(raw);
    let (_, value) = head
        .fields
        .iter()
        .find(|(n, _)| n.trim_ascii_end().eq_ignore_ascii_case(name.as_bytes()))?;
    let unfolded: Vec<u8> = value
        .iter()
        .copied()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect();
    Some(String::from_utf8_lossy(unfolded.trim_ascii()).into_owned())
}

/// The Message-ID for a log line: printable ASCII only, at most 200 characters,
/// `-` when there is none.
pub fn message_id(raw: &[u8]) -> String {
    header(raw, "message-id").map_or_else(|| "-".to_owned(), |id| clean_id(&id))
}

/// A header value made safe for a log line: printable ASCII only, at most 200
/// characters, `-` when empty.
pub fn clean_id(id: &str) -> String {
    let clean: String = id
        .trim()
        .chars()
        .take(200)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect();
    if clean.is_empty() {
        "-".to_owned()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_folded_fields_and_finds_the_body() {
        let raw = b"From x\nSubject: a\r\n\tb\r\nX-Y:z\r\n\r\nbody\r\n";
        let head = split_head(raw);
        assert_eq!(head.fields.len(), 2);
        assert_eq!(head.fields[0].0, b"Subject");
        assert_eq!(head.fields[0].1, b" a\r\n\tb");
        assert_eq!(head.fields[1], (&b"X-Y"[..], &b"z"[..]));
        assert_eq!(&raw[head.body_start..], b"body\r\n");
    }

    #[test]
    fn message_id_is_clean_for_a_log_line() {
        assert_eq!(
            message_id(b"Message-ID:\n <a b@c>\n\nx"),
            "<a?b@c>".to_owned()
        );
        assert_eq!(message_id(b"Subject: x\n\nMessage-ID: <no>\n"), "-");
        assert_eq!(message_id(b""), "-");
    }
}
