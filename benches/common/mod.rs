//! Deterministic inputs for the benches: every message is built in memory from the
//! bundled fixtures and fixed seeds, so no large file is committed and every run sees
//! the same bytes. Every generated message uses CRLF line ends, as on the SMTP wire.
//!
//! Shared by `transform.rs`, `scaling.rs`, `peers.rs` and `memory.rs` through
//! `mod common;`; each bench uses only part of it.
#![allow(dead_code)]

pub mod peer;

use imip_bridge::{transform, Disposition, Limits, Options};
use std::fmt::Write as _;

/// The fixed clock of every bench run.
pub const NOW: &str = "2026-01-01T00:00:00Z";

/// `Options::new().with_now(NOW)`: the options of every standard input.
pub fn opts() -> Options {
    Options::new().with_now(NOW.parse().expect("NOW parses"))
}

/// The default options with a larger message limit (for inputs over 10,240,000 bytes).
pub fn opts_large() -> Options {
    opts().with_limits(limits(|l| l.max_message_bytes = 64 << 20))
}

/// The default limits with one change.
pub fn limits(change: impl FnOnce(&mut Limits)) -> Limits {
    let mut l = Limits::DEFAULT;
    change(&mut l);
    l
}

/// What a generated input must come back as; checked before it is measured, so that a
/// generator never silently measures the wrong path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// `Disposition::Rewritten`.
    Rewritten,
    /// `Disposition::Unchanged` with this `reason` code.
    Unchanged(&'static str),
}

/// One bench input.
#[derive(Debug, Clone)]
pub struct Input {
    /// Short name, used as the bench id.
    pub name: String,
    /// The message.
    pub bytes: Vec<u8>,
    /// The options it is transformed with.
    pub opts: Options,
    /// What `transform` must return.
    pub expect: Expect,
    /// One line on what it is.
    pub about: String,
}

impl Input {
    fn new(name: &str, bytes: Vec<u8>, expect: Expect, about: impl Into<String>) -> Self {
        Input {
            name: name.to_owned(),
            bytes,
            opts: opts(),
            expect,
            about: about.into(),
        }
    }

    fn with_opts(mut self, opts: Options) -> Self {
        self.opts = opts;
        self
    }

    /// Runs `transform` once and panics unless the outcome is the expected one.
    /// Returns the disposition and reason as text.
    pub fn check(&self) -> String {
        let out = transform(&self.bytes, &self.opts)
            .unwrap_or_else(|e| panic!("{}: transform failed: {e}", self.name));
        let reason = out.report.reason.map(|r| r.as_str());
        let got = match (out.disposition, reason) {
            (Disposition::Rewritten, _) => Expect::Rewritten,
            (_, Some(r)) => Expect::Unchanged(r),
            (d, None) => panic!("{}: {d:?} without a reason", self.name),
        };
        assert_eq!(
            got,
            self.expect,
            "{}: unexpected outcome; report: {}",
            self.name,
            out.report_json()
        );
        match got {
            Expect::Rewritten => "rewritten".to_owned(),
            Expect::Unchanged(r) => format!("unchanged ({r})"),
        }
    }
}

// ---------------------------------------------------------------------------------
// The six inputs of the issue.
// ---------------------------------------------------------------------------------

/// The six inputs named by issue 7, in its order.
pub fn standard() -> Vec<Input> {
    vec![
        entourage_vx(),
        outlook_canonical(),
        plain(),
        attendees(2_000),
        calendar_2mb(),
        attachment_9mb(),
    ]
}

/// One of [`standard`] by name, without building the others.
pub fn standard_by_name(name: &str) -> Option<Input> {
    Some(match name {
        "entourage_vx_repair" => entourage_vx(),
        "outlook_canonical_6k5" => outlook_canonical(),
        "plain_no_calendar" => plain(),
        "attendees_2000" => attendees(2_000),
        "calendar_2mb_2000_events" => calendar_2mb(),
        "attachment_10mb" => attachment_9mb(),
        _ => return None,
    })
}

/// Entourage v.X invitation that needs full repair: the bundled fixture with CRLF lines.
pub fn entourage_vx() -> Input {
    Input::new(
        "entourage_vx_repair",
        crlf(include_bytes!(
            "../../fixtures/entourage/vx_request_attachment.eml"
        )),
        Expect::Rewritten,
        "fixtures/entourage/vx_request_attachment.eml, CRLF: octet-stream .ics, full repair",
    )
}

/// A 6.5 KB Outlook/Exchange invitation that is already canonical: the Exchange 2010
/// fixture with CRLF lines and a longer text, HTML and DESCRIPTION.
pub fn outlook_canonical() -> Input {
    let bytes = outlook_padded(6_500);
    Input::new(
        "outlook_canonical_6k5",
        bytes,
        Expect::Unchanged("already_canonical"),
        "fixtures/outlook/exchange2010_request.eml, CRLF, text/HTML/DESCRIPTION padded to 6.5 KB",
    )
}

/// A plain message without a calendar: the bundled fixture with CRLF lines.
pub fn plain() -> Input {
    Input::new(
        "plain_no_calendar",
        crlf(include_bytes!("../../fixtures/plain/no_calendar.eml")),
        Expect::Unchanged("no_calendar"),
        "fixtures/plain/no_calendar.eml, CRLF: text + HTML, no calendar",
    )
}

/// An Entourage-style invitation with `n` attendees (all of them also in `To:`), with
/// the default limits: over `Limits::DEFAULT.max_attendees` it passes through.
pub fn attendees(n: usize) -> Input {
    let expect = if n > Limits::DEFAULT.max_attendees || n + 10 > Limits::DEFAULT.max_properties {
        Expect::Unchanged("limit_exceeded")
    } else {
        Expect::Rewritten
    };
    attendees_with(n, opts(), expect, "")
}

/// [`attendees`] with other options; `suffix` is appended to the name.
pub fn attendees_with(n: usize, opts: Options, expect: Expect, suffix: &str) -> Input {
    let cal = entourage_calendar(&CalSpec {
        attendees: n,
        ..CalSpec::default()
    });
    let bytes = entourage_message(&Msg {
        recipients: n,
        calendar: CalendarPart::OctetStreamBase64(cal),
        ..Msg::default()
    });
    Input::new(
        &format!("attendees_{n}{suffix}"),
        bytes,
        expect,
        format!(
            "Entourage-style invitation, {n} ATTENDEEs and {n} To: addresses, max_attendees {}",
            opts.limits.max_attendees
        ),
    )
    .with_opts(opts)
}

/// A message carrying a 2 MB calendar: one recurring meeting with 1,999 overridden
/// instances (2,000 VEVENTs of about 1 KB, one UID), base64 `text/calendar` attachment.
pub fn calendar_2mb() -> Input {
    let cal = entourage_calendar(&CalSpec {
        attendees: 4,
        events: 2_000,
        event_description: 690,
        ..CalSpec::default()
    });
    let size = cal.len();
    let bytes = entourage_message(&Msg {
        calendar: CalendarPart::TextCalendarBase64(cal),
        ..Msg::default()
    });
    Input::new(
        "calendar_2mb_2000_events",
        bytes,
        Expect::Rewritten,
        format!(
            "2,000 VEVENTs (master + 1,999 RECURRENCE-ID overrides), calendar {size} bytes, base64"
        ),
    )
}

/// A 10,000,000-byte message: the Entourage-style invitation plus one base64 attachment
/// that fills the rest (under the default 10,240,000-byte limit, no option changed).
pub fn attachment_9mb() -> Input {
    let mut i = invitation_of_size(10_000_000);
    i.name = "attachment_10mb".to_owned();
    i.opts = opts();
    i
}

// ---------------------------------------------------------------------------------
// Scaling and pathological inputs.
// ---------------------------------------------------------------------------------

/// The Entourage-style invitation with an attachment sized so the whole message is
/// about `total` bytes. Transformed with `max_message_bytes` raised to 64 MiB so that the
/// 20 MB point is repaired rather than passed through at the limit.
pub fn invitation_of_size(total: usize) -> Input {
    let base = entourage_message(&Msg::default());
    let attachment = if total > base.len() + 250 {
        Some(total - base.len())
    } else {
        None
    };
    let bytes = entourage_message(&Msg {
        attachment_part_bytes: attachment,
        ..Msg::default()
    });
    let about = match attachment {
        Some(_) => format!(
            "Entourage-style invitation + base64 application/pdf, {} bytes",
            bytes.len()
        ),
        None => format!("Entourage-style invitation, {} bytes", bytes.len()),
    };
    Input::new(
        &format!("size_{}", human(total)),
        bytes,
        Expect::Rewritten,
        about,
    )
    .with_opts(opts_large())
}

/// The plain fixture with an attachment making it about `total` bytes (pass-through).
pub fn plain_of_size(total: usize) -> Input {
    let base = crlf(include_bytes!("../../fixtures/plain/no_calendar.eml"));
    if total <= base.len() + 400 {
        let mut p = plain();
        p.opts = opts_large();
        p.name = format!("plain_{}", human(base.len()));
        return p;
    }
    // multipart/mixed { the fixture's multipart/alternative, attachment }.
    let text = String::from_utf8(base).expect("fixture is UTF-8");
    let (head, body) = text.split_once("\r\n\r\n").expect("header block");
    let mut head_lines: Vec<&str> = Vec::new();
    let mut inner_ct = String::new();
    let mut in_ct = false;
    for line in head.split("\r\n") {
        if line.starts_with("Content-Type:") {
            in_ct = true;
            inner_ct.push_str(line);
            continue;
        }
        if in_ct && (line.starts_with(' ') || line.starts_with('\t')) {
            inner_ct.push_str("\r\n");
            inner_ct.push_str(line);
            continue;
        }
        in_ct = false;
        head_lines.push(line);
    }
    let mut out = String::new();
    for l in head_lines {
        out.push_str(l);
        out.push_str("\r\n");
    }
    out.push_str(
        "Content-Type: multipart/mixed;\r\n\tboundary=\"----=_NextPart_000_0042_MIXED\"\r\n\r\n",
    );
    out.push_str(
        "This is a multipart message in MIME format.\r\n\r\n------=_NextPart_000_0042_MIXED\r\n",
    );
    out.push_str(&inner_ct);
    out.push_str("\r\n\r\n");
    out.push_str(body);
    out.push_str("\r\n------=_NextPart_000_0042_MIXED\r\n");
    let mut bytes = out.into_bytes();
    let fixed = bytes.len() + 200;
    bytes.extend_from_slice(&attachment_part(total.saturating_sub(fixed), 0xA11_CE55));
    bytes.extend_from_slice(b"\r\n------=_NextPart_000_0042_MIXED--\r\n");
    Input::new(
        &format!("plain_{}", human(total)),
        bytes,
        Expect::Unchanged("no_calendar"),
        "plain fixture in multipart/mixed with a base64 application/pdf",
    )
    .with_opts(opts_large())
}

/// A calendar whose DESCRIPTION is one unfolded line of `len` bytes, in a 7bit
/// `text/calendar` attachment (so the message carries the long line too).
pub fn long_line(len: usize) -> Input {
    let cal = entourage_calendar(&CalSpec {
        description: Description::Unfolded(len),
        ..CalSpec::default()
    });
    let bytes = entourage_message(&Msg {
        calendar: CalendarPart::TextCalendar7bit(cal),
        ..Msg::default()
    });
    Input::new(
        &format!("long_line_{}", human(len)),
        bytes,
        Expect::Rewritten,
        format!("DESCRIPTION is one unfolded {len}-byte line, 7bit text/calendar"),
    )
}

/// A calendar whose DESCRIPTION is folded `folds` times (10 octets per line), 7bit.
pub fn folds(folds: usize) -> Input {
    let cal = entourage_calendar(&CalSpec {
        description: Description::Folded(folds),
        ..CalSpec::default()
    });
    let bytes = entourage_message(&Msg {
        calendar: CalendarPart::TextCalendar7bit(cal),
        ..Msg::default()
    });
    Input::new(
        &format!("folds_{}", human_count(folds)),
        bytes,
        Expect::Rewritten,
        format!(
            "DESCRIPTION folded {folds} times, 11-octet continuation lines (1 MB unfolded), 7bit"
        ),
    )
}

/// The invitation with its text and calendar parts at MIME depth `depth` (the top-level
/// multipart/mixed is depth 0, so `depth` multipart containers in all).
/// `Limits::max_mime_depth` (default 20) is the deepest depth that is read.
pub fn nesting(depth: usize) -> Input {
    let bytes = entourage_message(&Msg {
        nesting: depth.saturating_sub(1),
        ..Msg::default()
    });
    let expect = if depth > Limits::DEFAULT.max_mime_depth {
        Expect::Unchanged("limit_exceeded")
    } else {
        Expect::Rewritten
    };
    Input::new(
        &format!("nesting_{depth}"),
        bytes,
        expect,
        format!("text and calendar at MIME depth {depth} ({depth} nested multipart/mixed)"),
    )
}

/// The invitation plus a text/plain attachment of `len` bytes of dash lines (76 dashes
/// and CRLF): every byte is a candidate for the boundary search.
pub fn dashes(len: usize) -> Input {
    let mut bytes = entourage_message(&Msg::default());
    let close = b"--B_3146557327_4817263--";
    let at = bytes
        .windows(close.len())
        .rposition(|w| w == close)
        .expect("the generator writes a closing delimiter");
    let line = format!("{}\r\n", "-".repeat(76));
    let mut part = String::from(
        "--B_3146557327_4817263\r\nContent-type: text/plain; name=\"rule.txt\"\r\n\
         Content-disposition: attachment\r\n\r\n",
    );
    part.push_str(&line.repeat(len / line.len()));
    part.push_str("\r\n");
    bytes.splice(at..at, part.into_bytes());
    Input::new(
        &format!("dashes_{}", human(len)),
        bytes,
        Expect::Rewritten,
        format!(
            "plus a {len}-byte text/plain attachment of dash lines (delimiter-search worst case)"
        ),
    )
}

/// The invitation plus small text attachments: `leaves` MIME leaf parts in all.
pub fn many_parts(leaves: usize, opts: Options, expect: Expect, suffix: &str) -> Input {
    let bytes = entourage_message(&Msg {
        small_parts: leaves.saturating_sub(2),
        ..Msg::default()
    });
    Input::new(
        &format!("parts_{}_{suffix}", human_count(leaves)),
        bytes,
        expect,
        format!(
            "text + calendar + {} small text/plain attachments, max_parts {}",
            leaves.saturating_sub(2),
            opts.limits.max_parts
        ),
    )
    .with_opts(opts)
}

// ---------------------------------------------------------------------------------
// Builders.
// ---------------------------------------------------------------------------------

/// How DESCRIPTION is written.
#[derive(Debug, Clone, Copy)]
pub enum Description {
    /// The fixture's short DESCRIPTION.
    Short,
    /// One unfolded line of this many value bytes.
    Unfolded(usize),
    /// Folded this many times.
    Folded(usize),
}

/// The calendar of an Entourage v.X invitation (LF lines, as Entourage writes it): no
/// METHOD, DTSTAMP or SEQUENCE, `X-ENTOURAGE_UUID`, uppercase `MAILTO:`.
#[derive(Debug, Clone)]
pub struct CalSpec {
    /// ATTENDEE lines on the first VEVENT.
    pub attendees: usize,
    /// VEVENTs: the first is the master with an RRULE, the rest override instances.
    pub events: usize,
    /// Bytes of DESCRIPTION text on each override.
    pub event_description: usize,
    /// DESCRIPTION of the master.
    pub description: Description,
}

impl Default for CalSpec {
    fn default() -> Self {
        CalSpec {
            attendees: 3,
            events: 1,
            event_description: 0,
            description: Description::Short,
        }
    }
}

const WORDS: &[&str] = &[
    "agenda",
    "budget",
    "review",
    "forecast",
    "quarter",
    "figures",
    "revised",
    "vendor",
    "contract",
    "schedule",
    "delivery",
    "invoice",
    "meeting",
    "room",
    "draft",
    "notes",
    "project",
    "status",
    "risk",
    "action",
    "owner",
    "deadline",
    "follow-up",
    "summary",
];

/// Pseudo-random words, `len` bytes, from a fixed seed.
pub fn filler(len: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut s = String::with_capacity(len + 16);
    while s.len() < len {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(WORDS[rng.below(WORDS.len())]);
    }
    s.truncate(len);
    s
}

/// Attendee `i`: display name and address.
pub fn person(i: usize) -> (String, String) {
    (
        format!("Person {i:05}"),
        format!("person.{i:05}@example.org"),
    )
}

/// Builds the calendar text.
pub fn entourage_calendar(spec: &CalSpec) -> String {
    let mut c = String::new();
    c.push_str(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Microsoft Corporation//Entourage Mac 10.1//EN\n\
BEGIN:VTIMEZONE\nTZID:US/Eastern\nBEGIN:STANDARD\nDTSTART:19671029T020000\n\
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nTZNAME:EST\n\
END:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:19870405T020000\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4\n\
TZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nTZNAME:EDT\nEND:DAYLIGHT\nEND:VTIMEZONE\n",
    );
    let uid = "E3B1A0C2-5F4D-11D8-9A7C-000A95C1D2E4";
    c.push_str("BEGIN:VEVENT\n");
    let _ = writeln!(c, "UID:{uid}");
    c.push_str("X-ENTOURAGE_UUID:7D2F4C91-3B8A-4E61-A0D5-2C9E8B71F403\n");
    c.push_str("ORGANIZER;CN=\"Anna Example\":MAILTO:anna@example.com\n");
    for i in 0..spec.attendees {
        let (name, addr) = person(i);
        let _ = writeln!(c, "ATTENDEE;CN=\"{name}\";RSVP=TRUE:MAILTO:{addr}");
    }
    c.push_str("DTSTART;TZID=US/Eastern:20030925T140000\nDTEND;TZID=US/Eastern:20030925T153000\n");
    if spec.events > 1 {
        let _ = writeln!(c, "RRULE:FREQ=DAILY;COUNT={}", spec.events);
    }
    c.push_str("SUMMARY:Budget review\nLOCATION:4th floor conference room\n");
    match spec.description {
        Description::Short => c.push_str(
            "DESCRIPTION:Agenda: Q3 actuals\\, Q4 forecast\\nPlease bring your department's revised figures.\n",
        ),
        Description::Unfolded(len) => {
            c.push_str("DESCRIPTION:");
            c.push_str(&filler(len, 0x10_4e));
            c.push('\n');
        }
        Description::Folded(folds) => {
            c.push_str("DESCRIPTION:Agenda");
            let text = filler(folds * 10, 0xF01D);
            for chunk in text.as_bytes().chunks(10) {
                c.push_str("\n ");
                c.push_str(std::str::from_utf8(chunk).expect("ASCII filler"));
            }
            c.push('\n');
        }
    }
    c.push_str("END:VEVENT\n");
    for e in 1..spec.events {
        // Override instance e of the daily series, an hour later than the rule says.
        let day = date_plus(2003, 9, 25, e);
        c.push_str("BEGIN:VEVENT\n");
        let _ = writeln!(c, "UID:{uid}");
        let _ = writeln!(c, "RECURRENCE-ID;TZID=US/Eastern:{day}T140000");
        c.push_str("ORGANIZER;CN=\"Anna Example\":MAILTO:anna@example.com\n");
        let _ = writeln!(c, "DTSTART;TZID=US/Eastern:{day}T150000");
        let _ = writeln!(c, "DTEND;TZID=US/Eastern:{day}T163000");
        let _ = writeln!(c, "SUMMARY:Budget review (session {e})");
        let text = filler(spec.event_description, e as u64);
        c.push_str(&fold_ical(&format!("DESCRIPTION:{text}"), "\n"));
        c.push_str("END:VEVENT\n");
    }
    c.push_str("END:VCALENDAR\n");
    c
}

/// `YYYYMMDD` of a date plus `days` (proleptic Gregorian).
fn date_plus(y: i32, m: u32, d: u32, days: usize) -> String {
    let date = chrono::NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
        + chrono::Days::new(days as u64);
    date.format("%Y%m%d").to_string()
}

/// How the calendar is attached.
#[derive(Debug, Clone)]
pub enum CalendarPart {
    /// `application/octet-stream; name="Budget review.ics"`, base64 (Entourage v.X).
    OctetStreamBase64(String),
    /// `text/calendar; name=...` attachment without method, base64.
    TextCalendarBase64(String),
    /// `text/calendar; name=...` attachment without method, 7bit.
    TextCalendar7bit(String),
}

/// The Entourage v.X message around a calendar.
#[derive(Debug, Clone)]
pub struct Msg {
    /// Recipients in `To:` (people 0..n); fewer than 3 keeps the fixture's To/Cc.
    pub recipients: usize,
    /// The calendar and how it is attached.
    pub calendar: CalendarPart,
    /// A base64 application/pdf attachment part of about this many bytes.
    pub attachment_part_bytes: Option<usize>,
    /// Nested multipart/mixed containers around the text and calendar (0 = flat).
    pub nesting: usize,
    /// Extra small text/plain attachments.
    pub small_parts: usize,
}

impl Default for Msg {
    fn default() -> Self {
        Msg {
            recipients: 0,
            calendar: CalendarPart::OctetStreamBase64(entourage_calendar(&CalSpec::default())),
            attachment_part_bytes: None,
            nesting: 0,
            small_parts: 0,
        }
    }
}

const NOTE: &str = "Hi Bob, Carla,\r\n\r\nHere is the invitation for the budget review next Thursday. I have attached=\r\n it as a calendar file, so double-click it to put it in your calendar.\r\n\r\nPlease bring the revised figures for the caf=E9 refit so we can close Q3 on=\r\n time.\r\n\r\nThanks,\r\nAnna\r\n--=20\r\nAnna Example\r\nFinance Manager, Example Corp.\r\n";

/// Builds an Entourage v.X-style message (CRLF).
pub fn entourage_message(m: &Msg) -> Vec<u8> {
    let boundary = "B_3146557327_4817263";
    let mut s = String::new();
    s.push_str("Received: from [192.0.2.41] by mail.example.com\r\n\twith ESMTP id h8GFg8W4011298; Tue, 16 Sep 2003 11:42:09 -0400\r\n");
    s.push_str("User-Agent: Microsoft-Entourage/10.1.4.030702.0\r\n");
    s.push_str("Date: Tue, 16 Sep 2003 11:42:07 -0400\r\nSubject: Budget review\r\n");
    s.push_str("From: Anna Example <anna@example.com>\r\n");
    if m.recipients < 3 {
        s.push_str("To: Bob Sample <bob@example.com>,\r\n\tCarla Nguyen <carla@example.org>\r\nCc: Dmitri Volkov <dmitri@example.net>\r\n");
    } else {
        s.push_str("To: ");
        for i in 0..m.recipients {
            let (name, addr) = person(i);
            if i > 0 {
                s.push_str(",\r\n\t");
            }
            let _ = write!(s, "{name} <{addr}>");
        }
        s.push_str("\r\n");
    }
    s.push_str("Message-ID: <BB8CA78F.1F4A%anna@example.com>\r\nMime-version: 1.0\r\n");
    let _ = write!(
        s,
        "Content-type: multipart/mixed;\r\n\tboundary=\"{boundary}\"\r\n\r\n"
    );
    s.push_str("> This message is in MIME format. Since your mail reader does not understand\r\nthis format, some or all of this message may not be legible.\r\n\r\n");
    let mut open = vec![boundary.to_owned()];
    for level in 0..m.nesting {
        let b = format!("B_nest_{level:03}_4817263");
        let _ = write!(
            s,
            "--{}\r\nContent-type: multipart/mixed;\r\n\tboundary=\"{b}\"\r\n\r\n",
            open.last().expect("open boundary")
        );
        open.push(b);
    }
    let inner = open.last().expect("open boundary").clone();
    let _ = write!(
        s,
        "--{inner}\r\nContent-type: text/plain;\r\n\tcharset=\"ISO-8859-1\"\r\nContent-transfer-encoding: quoted-printable\r\n\r\n{NOTE}\r\n"
    );
    let _ = write!(s, "--{inner}\r\n");
    match &m.calendar {
        CalendarPart::OctetStreamBase64(cal) => {
            s.push_str("Content-type: application/octet-stream; name=\"Budget review.ics\"\r\nContent-disposition: attachment;\r\n\tfilename=\"Budget review.ics\"\r\nContent-transfer-encoding: base64\r\n\r\n");
            s.push_str(&b64_encode(cal.as_bytes(), "\r\n"));
        }
        CalendarPart::TextCalendarBase64(cal) => {
            s.push_str("Content-type: text/calendar; name=\"Budget review.ics\"\r\nContent-disposition: attachment;\r\n\tfilename=\"Budget review.ics\"\r\nContent-transfer-encoding: base64\r\n\r\n");
            s.push_str(&b64_encode(cal.as_bytes(), "\r\n"));
        }
        CalendarPart::TextCalendar7bit(cal) => {
            s.push_str("Content-type: text/calendar; name=\"Budget review.ics\"\r\nContent-disposition: attachment;\r\n\tfilename=\"Budget review.ics\"\r\nContent-transfer-encoding: 7bit\r\n\r\n");
            s.push_str(&cal.replace('\n', "\r\n"));
        }
    }
    for i in 0..m.small_parts {
        let _ = write!(
            s,
            "\r\n--{inner}\r\nContent-type: text/plain; name=\"note-{i:05}.txt\"\r\nContent-disposition: attachment; filename=\"note-{i:05}.txt\"\r\n\r\nNote {i}: {}\r\n",
            filler(40, i as u64)
        );
    }
    let mut bytes = s.into_bytes();
    if let Some(n) = m.attachment_part_bytes {
        bytes.extend_from_slice(format!("\r\n--{inner}\r\n").as_bytes());
        // Size the part so that the closing lines still fit in the requested total.
        let closing: usize = open.iter().map(|b| b.len() + 8).sum();
        let want = n.saturating_sub(closing + inner.len() + 8);
        bytes.extend_from_slice(&attachment_part(want, 0x5EED_F9DB));
    }
    while let Some(b) = open.pop() {
        bytes.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    }
    bytes
}

/// A base64 `application/pdf` attachment part (headers and body) of about `len` bytes,
/// pseudo-random content from `seed`.
pub fn attachment_part(len: usize, seed: u64) -> Vec<u8> {
    let head = b"Content-type: application/pdf; name=\"Q3 figures.pdf\"\r\nContent-disposition: attachment;\r\n\tfilename=\"Q3 figures.pdf\"\r\nContent-transfer-encoding: base64\r\n\r\n";
    // 76 characters + CRLF encode 57 bytes.
    let body_len = len.saturating_sub(head.len());
    let raw_len = body_len / 78 * 57 + (body_len % 78).saturating_sub(2) / 4 * 3;
    let mut rng = Rng::new(seed);
    let mut raw = vec![0u8; raw_len];
    rng.fill(&mut raw);
    // A PDF-looking start; the rest is incompressible noise.
    let magic = b"%PDF-1.4\n";
    if raw.len() > magic.len() {
        raw[..magic.len()].copy_from_slice(magic);
    }
    let mut out = head.to_vec();
    out.extend_from_slice(b64_encode(&raw, "\r\n").as_bytes());
    // b64_encode ends with a line end; the closing boundary line supplies one.
    while out.last() == Some(&b'\n') || out.last() == Some(&b'\r') {
        out.pop();
    }
    out
}

/// The Exchange 2010 fixture (CRLF) with its text, HTML and calendar DESCRIPTION grown
/// by the same paragraph until the message is at least `target` bytes. Stays canonical.
pub fn outlook_padded(target: usize) -> Vec<u8> {
    let base = String::from_utf8(crlf(include_bytes!(
        "../../fixtures/outlook/exchange2010_request.eml"
    )))
    .expect("fixture is UTF-8");
    let mut words = 0;
    loop {
        let out = outlook_with_paragraph(&base, &filler(words, 0x0E7C));
        if out.len() >= target {
            return out.into_bytes();
        }
        words += 8;
    }
}

fn outlook_with_paragraph(base: &str, para: &str) -> String {
    if para.is_empty() {
        return base.to_owned();
    }
    // Text and HTML parts are quoted-printable; the filler is plain ASCII without `=`,
    // written in lines of at most 72 characters.
    let mut text_lines = String::new();
    let mut html_lines = String::new();
    let mut line = String::new();
    for w in para.split(' ') {
        if !line.is_empty() && line.len() + 1 + w.len() > 72 {
            text_lines.push_str(&line);
            text_lines.push_str("\r\n");
            html_lines.push_str(&line);
            html_lines.push_str("<br>\r\n");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    }
    text_lines.push_str(&line);
    text_lines.push_str("\r\n\r\n");
    html_lines.push_str(&line);
    html_lines.push_str("<br>\r\n<br>\r\n");
    let mut s = base.replacen(
        "Best regards,\r\nJulia\r\n",
        &format!("{text_lines}Best regards,\r\nJulia\r\n"),
        1,
    );
    s = s.replacen(
        "Best regards,<br>\r\n",
        &format!("{html_lines}Best regards,<br>\r\n"),
        1,
    );
    // The calendar: decode, unfold, grow DESCRIPTION, refold at 75 octets, re-encode.
    let marker = "Content-Transfer-Encoding: base64\r\n\r\n";
    let start = s.find(marker).expect("calendar part") + marker.len();
    let end = start + s[start..].find("\r\n\r\n").expect("end of base64");
    let cal = String::from_utf8(b64_decode(&s[start..end])).expect("UTF-8 calendar");
    let unfolded = cal.replace("\r\n ", "");
    let mut out_cal = String::new();
    for l in unfolded.split_terminator("\r\n") {
        if l.starts_with("DESCRIPTION") {
            let grown = l.replacen(
                "\\nBest regards",
                &format!("\\n{}\\n\\nBest regards", para.replace(',', "\\,")),
                1,
            );
            out_cal.push_str(&fold_ical(&grown, "\r\n"));
        } else {
            out_cal.push_str(&fold_ical(l, "\r\n"));
        }
    }
    let encoded = b64_encode(out_cal.as_bytes(), "\r\n");
    let encoded = encoded.trim_end_matches("\r\n");
    format!("{}{}{}", &s[..start], encoded, &s[end..])
}

// ---------------------------------------------------------------------------------
// Small codecs and helpers.
// ---------------------------------------------------------------------------------

/// LF -> CRLF (bare LF only; existing CRLF kept).
pub fn crlf(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() + input.len() / 32);
    let mut prev = 0u8;
    for &b in input {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64 with 76-character lines, each ended by `eol`.
pub fn b64_encode(data: &[u8], eol: &str) -> String {
    let mut out = String::with_capacity(data.len() / 57 * (76 + eol.len()) + 80);
    for line in data.chunks(57) {
        for chunk in line.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            out.push(B64[(n >> 18) as usize & 63] as char);
            out.push(B64[(n >> 12) as usize & 63] as char);
            out.push(if chunk.len() > 1 {
                B64[(n >> 6) as usize & 63] as char
            } else {
                '='
            });
            out.push(if chunk.len() > 2 {
                B64[n as usize & 63] as char
            } else {
                '='
            });
        }
        out.push_str(eol);
    }
    out
}

/// Base64 decoding that skips whitespace and stops at `=`.
pub fn b64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// Folds one content line at 75 octets (never inside a UTF-8 character); the result
/// ends with `eol`.
pub fn fold_ical(line: &str, eol: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for ch in line.chars() {
        let n = ch.len_utf8();
        if used + n > 75 {
            out.push_str(eol);
            out.push(' ');
            used = 1;
        }
        out.push(ch);
        used += n;
    }
    out.push_str(eol);
    out
}

/// splitmix64: a tiny deterministic generator.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a fixed seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Fills a buffer.
    pub fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

/// `3k`, `10m`, ... for sizes in bytes (decimal units).
pub fn human(bytes: usize) -> String {
    match bytes {
        b if b >= 1_000_000 && b.is_multiple_of(1_000_000) => format!("{}mb", b / 1_000_000),
        b if b >= 1_000 && b.is_multiple_of(1_000) => format!("{}kb", b / 1_000),
        b => format!("{b}b"),
    }
}

/// `100k` for counts.
pub fn human_count(n: usize) -> String {
    if n >= 1_000 && n.is_multiple_of(1_000) {
        format!("{}k", n / 1_000)
    } else {
        n.to_string()
    }
}

/// Megabytes (10^6) per second.
pub fn mb_per_s(bytes: usize, secs_per_msg: f64) -> f64 {
    bytes as f64 / secs_per_msg / 1e6
}

/// The mean time per iteration, in nanoseconds, that criterion saved for `group/id` in
/// its latest run (`<CRITERION_HOME or target/criterion>/<group>/<id>/new/estimates.json`).
pub fn criterion_mean_ns(group: &str, id: &str) -> Option<f64> {
    let home = std::env::var_os("CRITERION_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(|t| std::path::PathBuf::from(t).join("criterion"))
        })
        .unwrap_or_else(|| std::path::PathBuf::from("target/criterion"));
    let path = home.join(group).join(id).join("new").join("estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("mean")?.get("point_estimate")?.as_f64()
}
