//! # imip-bridge
//!
//! Turns meeting requests from legacy Mac clients (Microsoft Entourage, early Apple
//! iCal) and other non-Microsoft senders into canonical iTIP (RFC 5546) / iMIP
//! (RFC 6047) messages that Outlook, Outlook on the web and standards-based clients
//! recognise as meetings: bytes of an RFC 5322 message in, bytes of a repaired
//! message out, plus a [`Report`] of every change.
//!
//! ```
//! use imip_bridge::{transform, Disposition, Method, Options};
//!
//! let raw = b"From: Anna <anna@example.com>\r\n\
//! To: bob@example.com\r\n\
//! Subject: Budget review\r\n\
//! Content-Type: text/calendar; name=\"invite.ics\"\r\n\
//! Content-Disposition: attachment; filename=\"invite.ics\"\r\n\
//! \r\n\
//! BEGIN:VCALENDAR\r\n\
//! VERSION:2.0\r\n\
//! PRODID:-//Example//EN\r\n\
//! BEGIN:VEVENT\r\n\
//! UID:42@example.com\r\n\
//! DTSTART:20040315T140000Z\r\n\
//! DTEND:20040315T150000Z\r\n\
//! SUMMARY:Budget review\r\n\
//! ATTENDEE;RSVP=TRUE:MAILTO:bob@example.com\r\n\
//! END:VEVENT\r\n\
//! END:VCALENDAR\r\n";
//!
//! let now = "2026-01-01T00:00:00Z".parse().unwrap();
//! let out = transform(raw, &Options::new().with_now(now)).unwrap();
//! assert_eq!(out.disposition, Disposition::Rewritten);
//! assert_eq!(out.report.method, Some(Method::Request));
//! let text = String::from_utf8(out.message).unwrap();
//! assert!(text.contains("text/calendar; charset=\"utf-8\"; method=REQUEST"));
//! assert!(text.contains("METHOD:REQUEST\r\n"));
//! assert!(text.contains("ORGANIZER;CN=Anna:mailto:anna@example.com\r\n"));
//! ```
//!
//! The public interface is: [`transform`], [`validate`], [`Violation`],
//! [`ViolationCode`], [`Options`], [`Profile`], [`Limits`],
//! [`Outcome`], [`Disposition`], [`Report`], [`Fix`], [`FixCode`], [`Warning`],
//! [`WarningCode`], [`Method`], [`Error`], [`ErrorKind`] and [`Outcome::report_json`].
//!
//! Guarantees: no panics on any input; a message that is not repaired comes back byte
//! for byte; with [`Options::now`] set the output is deterministic; transforming the
//! output again changes nothing.
#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
#![warn(missing_docs)]

mod emit;
mod error;
mod hash;
mod ical;
mod itip;
mod mime;
mod options;
mod outlook;
mod report;
mod tz;
mod vcal1;

pub use error::{Error, ErrorKind};
pub use itip::validate::{Violation, ViolationCode};
pub use options::{Limits, Options, Profile};
pub use report::{Disposition, Fix, FixCode, Method, Report, Warning, WarningCode};

use chrono::Utc;
use hash::StableHasher;
use mime::Skip;
use std::sync::Arc;

/// The result of [`transform`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The output message: the repaired message, or the input unchanged.
    pub message: Vec<u8>,
    /// Whether the message was rewritten.
    pub disposition: Disposition,
    /// What was found and done.
    pub report: Report,
}

impl Outcome {
    fn unchanged(raw: &[u8], mut report: Report, skip: Skip) -> Outcome {
        report.fixes.clear();
        report.reason = Some(skip.code);
        report.warn(skip.code, skip.detail);
        Outcome {
            message: raw.to_vec(),
            disposition: Disposition::Unchanged,
            report,
        }
    }

    /// The report as JSON: `{"disposition", "method", "message_class", "reason",
    /// "fixes": [{"code", "detail"}], "warnings": [{"code", "detail"}],
    /// "violations": [{"code", "component", "property", "message"}]}`.
    pub fn report_json(&self) -> String {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            disposition: Disposition,
            #[serde(flatten)]
            report: &'a Report,
        }
        serde_json::to_string_pretty(&Json {
            disposition: self.disposition,
            report: &self.report,
        })
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

/// Repairs one message.
///
/// Non-calendar mail, and calendar mail that cannot be repaired without guessing,
/// comes back [`Disposition::Unchanged`], byte for byte, with the reason in
/// [`Report::reason`] and [`Report::warnings`].
///
/// # Errors
/// Only with [`Options::strict`]: an [`Error`] instead of an unchanged pass-through
/// when the message carries a calendar that cannot be repaired or exceeds a limit.
/// Mail with no calendar is never an error.
pub fn transform(raw: &[u8], opts: &Options) -> Result<Outcome, Error> {
    let mut report = Report::default();
    match run(raw, opts, &mut report) {
        Ok(message) => Ok(Outcome {
            message,
            disposition: Disposition::Rewritten,
            report,
        }),
        Err(skip) => {
            let strict_error = match skip.code {
                WarningCode::NoCalendar | WarningCode::TnefOnly | WarningCode::AlreadyCanonical => {
                    None
                }
                WarningCode::LimitExceeded => Some(ErrorKind::Limit),
                WarningCode::UnparseableMessage => Some(ErrorKind::Message),
                _ => Some(ErrorKind::Unrepairable),
            };
            match strict_error {
                Some(kind) if opts.strict => Err(Error::new(kind, skip.code.as_str(), skip.detail)),
                _ => Ok(Outcome::unchanged(raw, report, skip)),
            }
        }
    }
}

/// Validates one iCalendar object (the bytes of a `.ics`, in any charset this crate
/// reads) against RFC 5546 for its METHOD and, under [`Profile::Outlook`], the
/// Outlook rules. An empty list means the calendar is clean.
///
/// ```
/// use imip_bridge::{validate, Profile, ViolationCode};
/// let ics = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nMETHOD:REQUEST\r\n\
/// BEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20040101T000000Z\r\nDTSTART:20040101T100000Z\r\n\
/// SUMMARY:x\r\nORGANIZER:mailto:a@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
/// let v = validate(ics, Profile::Standard);
/// assert_eq!(v.len(), 1);
/// assert_eq!(v[0].code, ViolationCode::PropertyMissing); // a REQUEST needs an ATTENDEE
/// ```
pub fn validate(calendar: &[u8], profile: Profile) -> Vec<Violation> {
    match mime::charset::transcode_wide(calendar, None) {
        Some((utf8, _)) => itip::validate::validate_ics(&utf8, None, profile),
        None => itip::validate::validate_ics(calendar, None, profile),
    }
}

fn skip(code: WarningCode, detail: impl Into<String>) -> Skip {
    Skip {
        code,
        detail: detail.into(),
    }
}

fn run(raw: &[u8], opts: &Options, report: &mut Report) -> Result<Vec<u8>, Skip> {
    let limits = &opts.limits;
    if raw.len() > limits.max_message_bytes {
        return Err(skip(
            WarningCode::LimitExceeded,
            format!(
                "message is {} bytes, limit {}",
                raw.len(),
                limits.max_message_bytes
            ),
        ));
    }
    // Most mail is not an invitation: say so from headers and MIME structure alone
    // (not worth trying on a message that names a calendar: it is read anyway). Either
    // way the outcome is the same: the pre-scan only says "no calendar" when the full
    // read would.
    if !mime::prescan::mentions_calendar(raw) && mime::prescan::certainly_no_calendar(raw, limits) {
        return Err(skip(WarningCode::NoCalendar, "no calendar part"));
    }
    let mut mail = mime::read(raw, limits)?;
    itip::keep_organizer_candidates(&mut mail.recipients, mail.from.as_ref());
    // The calendar's bytes are only needed until they are unfolded: taken out of `mail`
    // so that they can be dropped then.
    let Some(content) = mail
        .calendars
        .first_mut()
        .map(|c| std::mem::take(&mut c.content))
    else {
        return Err(skip(WarningCode::NoCalendar, "no calendar part"));
    };
    let Some(primary) = mail.calendars.first() else {
        return Err(skip(WarningCode::NoCalendar, "no calendar part"));
    };
    if content.len() > limits.max_calendar_bytes {
        return Err(skip(
            WarningCode::LimitExceeded,
            format!(
                "calendar is {} bytes, limit {}",
                content.len(),
                limits.max_calendar_bytes
            ),
        ));
    }
    for (code, detail) in &mail.notes {
        report.warn(*code, detail.clone());
    }
    let others = mail
        .calendars
        .len()
        .saturating_sub(1 + mail.duplicates.len());
    if others > 0 {
        report.warn(
            WarningCode::MultipleCalendars,
            format!("{others} other calendar(s) kept as attachments"),
        );
    }

    // Unfold on bytes (UTF-16 is transcoded first), then decode the charset.
    let wide = mime::charset::transcode_wide(&content, primary.charset.as_deref());
    let (mut unfolded, _ends) = ical::lex::unfold(match &wide {
        Some((utf8, _)) => utf8.as_slice(),
        None => content.as_ref(),
    });
    let (wide, declared) = match wide {
        Some((_, name)) => (Some(name), Some("utf-8")),
        None => (None, primary.charset.as_deref()),
    };
    drop(content);
    let decode = |unfolded: &[u8]| {
        // vCalendar 1.0 quoted-printable values continue after a trailing `=` without a
        // fold; join them before the lines are split.
        let joined = if vcal1::looks_like_vcalendar1(unfolded) {
            vcal1::join_qp_soft_breaks(unfolded)
        } else {
            std::borrow::Cow::Borrowed(unfolded)
        };
        let (text, choice) = mime::charset::decode_with_hints(
            &joined,
            declared,
            mail.text_charset.as_deref(),
            mail.mac_sender(),
        );
        // Usually the bytes are the text (ASCII or UTF-8): one copy, into the `Arc` the
        // model shares, with no `String` in between.
        (Arc::<str>::from(text.as_ref()), choice)
    };
    let (source, choice) = decode(&unfolded);
    // The seed is hashed from the unfolded calendar. A small calendar keeps its bytes
    // and is hashed only if the message is rewritten; a large one is hashed now and its
    // bytes dropped before the model is built (the decoded text is kept instead, for the
    // error path below).
    let early_seed = (unfolded.len() > EARLY_SEED_BYTES).then(|| {
        let s = seed(&mail, &unfolded);
        unfolded = Vec::new();
        s
    });
    let choice = match wide {
        Some(name) => mime::charset::CharsetChoice::Declared(name.to_owned()),
        None => choice,
    };
    let text_is_ascii = source.is_ascii();
    let converted = wide.is_some()
        || (!text_is_ascii
            && !matches!(&choice, mime::charset::CharsetChoice::Utf8Valid)
            && !matches!(&choice, mime::charset::CharsetChoice::Declared(c) if c.eq_ignore_ascii_case("utf-8")));
    let parse_limits = ical::parse::ParseLimits {
        max_depth: limits.max_component_depth,
        max_components: limits.max_components,
        max_properties: limits.max_properties,
        max_line_bytes: limits.max_line_bytes,
        max_attendees: limits.max_attendees,
    };
    // The model shares the one copy of the text, and so does the error path below for a
    // large calendar.
    let parsed = ical::parse::parse_shared(Arc::clone(&source), parse_limits).map_err(|e| {
        let code = if ical::parse::ParseLimits::is_limit(&e) {
            WarningCode::LimitExceeded
        } else {
            WarningCode::UnparseableCalendar
        };
        skip(code, e.to_string())
    })?;
    // The text is parsed: only the error path below needs it again. A large calendar
    // keeps it (shared with the model, no copy); a small one decodes it again there.
    let kept_text = early_seed.is_some().then_some(source);
    for (code, detail) in parsed.issues {
        report.warn(code, detail);
    }
    let mut roots = parsed.roots;
    if roots.len() > 1 {
        return Err(skip(
            WarningCode::MultipleCalendarObjects,
            format!("{} top-level objects in one calendar part", roots.len()),
        ));
    }
    let Some(vcal) = roots.first_mut() else {
        return Err(skip(WarningCode::UnparseableCalendar, "empty calendar"));
    };
    // The attendee limit is applied by the parser (`ParseLimits::max_attendees`).

    let now = opts.now.unwrap_or_else(Utc::now);
    let date = mail
        .date
        .and_then(|t| chrono::DateTime::<Utc>::from_timestamp(t, 0));
    let ctx = itip::Context {
        method_param: primary.method_param.as_deref(),
        from: mail.from.as_ref(),
        recipients: &mail.recipients,
        subject: mail.subject.as_deref(),
        stamp_time: date.unwrap_or(now),
        stamp_source: if date.is_some() {
            "from the Date: header"
        } else {
            "from the current time"
        },
        message_id: mail.message_id.as_deref(),
    };
    if vcal1::is_vcalendar1(vcal) {
        vcal1::convert(vcal, report);
    }
    let norm = match itip::normalise(vcal, &ctx, report) {
        Ok(norm) => norm,
        Err(skip) => {
            // The message passes through: report what is wrong with the calendar as it
            // came (parsed again, since normalisation may have started changing it).
            let decoded;
            let text: &str = match &kept_text {
                Some(text) => text,
                None => {
                    decoded = decode(&unfolded).0;
                    &decoded
                }
            };
            if let Ok(pristine) = ical::parse::parse_with_limits(text, parse_limits) {
                report.violations = itip::validate::validate_roots(
                    &pristine.roots,
                    primary.method_param.as_deref(),
                    opts.profile,
                );
            }
            return Err(skip);
        }
    };
    report.method = Some(norm.method);
    report.message_class = norm.message_class;
    drop(kept_text);

    // Time zones: identify every TZID, keep the wall-clock times, use tzdb's rules.
    let tz_ctx = tz::repair::Context {
        profile: opts.profile,
        method: norm.method,
        default_tz: opts.default_tz,
    };
    tz::repair::repair(vcal, &tz_ctx, report);

    // The Outlook profile: X-MICROSOFT-CDO-*, ATTENDEE parameters, X-ALT-DESC and an
    // HTML alternative built from the text when the sender wrote none.
    let mut html_alt = None;
    if opts.profile == Profile::Outlook {
        let outlook_sender = outlook::is_outlook_sender(vcal);
        let wants_html = matches!(norm.method, Method::Request | Method::Cancel) && !outlook_sender;
        if wants_html && mail.html.is_none() {
            let text = match (&mail.text_override, &mail.text) {
                (Some(t), _) => Some(t.clone()),
                (None, Some(_)) => mail.text_decoded(), // None when too large: no HTML copy
                (None, None) => Some(emit::summary_text(vcal, norm.method, "\n")),
            };
            html_alt = text.map(|t| emit::text_to_html(&t, mail.eol));
        }
        // Decoded only when X-ALT-DESC may be added (not for Outlook's own invitations).
        let html_decoded = if wants_html {
            mail.html_decoded()
        } else {
            None
        };
        let alt_desc = match (&html_decoded, &html_alt) {
            (Some(h), _) => Some((h.as_str(), "the sender's HTML body")),
            (None, Some(h)) => Some((h.as_str(), "the HTML built from the text")),
            (None, None) => None,
        };
        outlook::apply(vcal, norm.method, outlook_sender, alt_desc, report);
    }
    // Repairs can add a level (a vCalendar alarm becomes a VALARM): the output must stay
    // within the limit it would be read back with.
    if let Some(d) = roots
        .iter()
        .map(ical::Component::depth)
        .find(|&d| d > limits.max_component_depth)
    {
        return Err(skip(
            WarningCode::LimitExceeded,
            format!(
                "the repaired calendar nests {d} levels deep, limit {}",
                limits.max_component_depth
            ),
        ));
    }
    report.violations =
        itip::validate::validate_roots(&roots, Some(norm.method.as_str()), opts.profile);

    // MIME-level repairs.
    if converted {
        report.fix(
            FixCode::CharsetConverted,
            format!("calendar re-encoded as UTF-8: {}", choice.describe()),
        );
    }
    if let Some((code, detail)) = &primary.unwrapped {
        report.fix(*code, detail.clone());
    }
    if !primary.inline_in_place {
        if primary.media_type != "text/calendar" && !primary.in_text {
            report.fix(
                FixCode::ContentTypeSet,
                format!("{} -> text/calendar", primary.media_type),
            );
        }
        report.fix(
            FixCode::CalendarInlined,
            "calendar moved to an inline text/calendar part in multipart/alternative",
        );
    }
    if primary.method_param.as_deref() != Some(norm.method.as_str()) {
        report.fix(
            FixCode::MimeMethodSet,
            match &primary.method_param {
                Some(p) => format!("method={p} -> method={}", norm.method),
                None => format!("method={} added", norm.method),
            },
        );
    }
    let charset_ok = primary
        .charset
        .as_deref()
        .is_some_and(mime::charset::is_utf8_label)
        || (text_is_ascii && primary.charset.is_none());
    if !charset_ok && !converted {
        report.fix(
            FixCode::CharsetDeclared,
            match &primary.charset {
                Some(c) => format!("charset={c} -> charset=\"utf-8\""),
                None => "charset=\"utf-8\" declared".to_owned(),
            },
        );
    }
    if !mail.duplicates.is_empty() {
        report.fix(
            FixCode::DuplicateCalendarRemoved,
            format!(
                "{} identical copy(ies) of the calendar removed",
                mail.duplicates.len()
            ),
        );
    }
    if report.fixes.is_empty() {
        return Err(skip(
            WarningCode::AlreadyCanonical,
            "the message is already a canonical iMIP message",
        ));
    }

    let Some(vcal) = roots.first() else {
        return Err(skip(WarningCode::UnparseableCalendar, "empty calendar"));
    };
    // What the emitter needs from the model is taken first: the model is consumed while
    // the calendar is written, and gone before the output is built.
    let summary = emit::event_summary(vcal);
    let summary_text = (mail.text_override.is_none() && mail.text.is_none())
        .then(|| emit::summary_text(vcal, norm.method, mail.eol));
    let calendar = ical::write::write_owned(roots, mail.eol);
    let plan = emit::Plan {
        calendar: &calendar,
        summary,
        summary_text,
        method: norm.method,
        profile: opts.profile,
        now,
        // Hashed only for messages that are rewritten.
        seed: early_seed.unwrap_or_else(|| seed(&mail, &unfolded)),
        html_alt: html_alt.as_deref(),
    };
    let out = emit::emit(&mail, &plan, report);
    // Only the written calendar and the output are needed to check the output.
    drop(plan);
    drop(unfolded);
    drop(html_alt);
    let calendars_expected = 1 + others;
    verify(
        &out,
        &calendar,
        norm.method,
        (mail.attachments.len(), calendars_expected),
        limits,
    )?;
    Ok(out.bytes)
}

/// Unfolded calendars larger than this are hashed for the seed before they are parsed,
/// and their unfolded bytes dropped (see `run`).
const EARLY_SEED_BYTES: usize = 64 * 1024;

/// Seed of the generated MIME boundaries and Thread-Index: the same for the same message
/// whatever its line ends. The Message-ID, subject, sender address and unfolded calendar
/// go through XXH64, each seeded with the digest so far (eight bytes at a time; the
/// byte-serial [`StableHasher`] took 7% of an Entourage repair's time on them), and the
/// last two digests through [`StableHasher`] for 16 bytes. The seed needs no stability
/// across releases, unlike derived UIDs.
fn seed(mail: &mime::Mail<'_>, unfolded_calendar: &[u8]) -> [u8; 16] {
    let from = mail.from.as_ref().map_or("", |f| f.address.as_ref());
    let headers = [
        mail.message_id.as_deref().unwrap_or(""),
        mail.subject.as_deref().unwrap_or(""),
        from,
    ]
    .iter()
    .fold(0, |h, field| hash::xxh64(field.as_bytes(), h));
    let mut h = StableHasher::new();
    h.write(&headers.to_le_bytes());
    h.write(&hash::xxh64(unfolded_calendar, headers).to_le_bytes());
    h.finish128()
}

/// Outputs up to this size are re-read whole; larger ones are re-read without their
/// attachments, which are verbatim copies of the input (re-decoding megabytes of base64
/// would double the cost of every large message).
const VERIFY_WHOLE_LIMIT: usize = 1024 * 1024;

/// Re-reads the output: it must carry exactly the calendar written, inline with the
/// right method, and every attachment.
fn verify(
    out: &emit::Emitted,
    calendar: &str,
    method: Method,
    (attachments, calendars): (usize, usize),
    limits: &Limits,
) -> Result<(), Skip> {
    let fail = |why: &str| skip(WarningCode::VerificationFailed, why.to_owned());
    let relaxed = Limits {
        max_parts: limits.max_parts.saturating_add(8),
        max_message_bytes: usize::MAX,
        ..*limits
    };
    // A large message is checked as its generated part plus a closing delimiter.
    let skeleton;
    let (bytes, whole) = match &out.attachments_at {
        Some((at, boundary)) if out.bytes.len() > VERIFY_WHOLE_LIMIT => {
            let eol = if out.bytes.contains(&b'\r') {
                "\r\n"
            } else {
                "\n"
            };
            let mut s = out.bytes.get(..*at).unwrap_or_default().to_vec();
            s.extend_from_slice(format!("--{boundary}--{eol}").as_bytes());
            skeleton = s;
            (skeleton.as_slice(), false)
        }
        _ => (out.bytes.as_slice(), true),
    };
    let again = mime::read_parts(bytes, &relaxed).map_err(|s| fail(&s.detail))?;
    let cal = again.calendars.first().ok_or_else(|| fail("no calendar"))?;
    if cal.content != calendar.as_bytes() {
        return Err(fail("the calendar did not re-parse byte for byte"));
    }
    if !cal.inline_in_place || cal.method_param.as_deref() != Some(method.as_str()) {
        return Err(fail("the calendar part is not inline with the method"));
    }
    if whole && (again.attachments.len() != attachments || again.calendars.len() != calendars) {
        return Err(fail("the attachments did not survive"));
    }
    Ok(())
}

/// Internals for the fuzz targets, benches and tests of this repository. Not part of
/// the public API: no stability promise, hidden from the docs.
#[doc(hidden)]
pub mod _internal {
    pub use crate::ical::{lex, model, parse, value, write};
    pub use crate::mime::{
        applefile, binhex, charset, encoded_word, envelope, fields, header, scan, transfer,
        uuencode,
    };
    pub use crate::outlook::thread_index;

    /// False when the structural pre-scan calls `raw` certainly calendar-free although
    /// the full read (default limits) says anything but `no_calendar`: finds a calendar
    /// (a missed invitation) or refuses the message for another reason (a different
    /// report). Tests and fuzz targets assert it is always true.
    pub fn prescan_agrees(raw: &[u8]) -> bool {
        let limits = crate::options::Limits::DEFAULT;
        !crate::mime::prescan::certainly_no_calendar(raw, &limits)
            || matches!(
                crate::mime::read(raw, &limits),
                Err(s) if s.code == crate::report::WarningCode::NoCalendar
            )
    }
}

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
