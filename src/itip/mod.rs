//! iTIP normalisation (RFC 5546): makes a REQUEST, REPLY or CANCEL canonical without
//! inventing people or times. Every change is a [`Fix`](crate::Fix) in the report;
//! what cannot be repaired comes back as a [`Skip`] and the message passes through.

pub(crate) mod names;
pub mod repair;
pub(crate) mod text;
pub mod validate;

use crate::hash::{hex, StableHasher};
use crate::ical::{Component, Property};
use crate::mime::{Mailbox, Skip};
use crate::report::{FixCode, Method, Report, WarningCode};
use chrono::{DateTime, Utc};
use std::borrow::Cow;
use text::{concat, trim, Decimal};

/// What normalisation needs to know about the message around the calendar.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// The MIME `method=` parameter of the calendar part.
    pub method_param: Option<&'a str>,
    /// The message's `From:`.
    pub from: Option<&'a Mailbox<'a>>,
    /// The message's `To:` and `Cc:` (a long list cut to what decides the organizer
    /// of a REPLY, see [`keep_organizer_candidates`]).
    pub recipients: &'a [Mailbox<'a>],
    /// The message's `Subject:`.
    pub subject: Option<&'a str>,
    /// The time used for a missing DTSTAMP: the message's `Date:`, else now.
    pub stamp_time: DateTime<Utc>,
    /// Where `stamp_time` came from, for the report.
    pub stamp_source: &'static str,
    /// The message's `Message-ID:` (for generated UIDs).
    pub message_id: Option<&'a str>,
}

/// The result of a successful normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Normalised {
    /// The calendar's METHOD after repair.
    pub method: Method,
    /// The Outlook message class it maps to.
    pub message_class: Option<&'static str>,
}

/// Our PRODID, written only when the calendar has none.
pub const PRODID: &str = "-//imip-bridge//imip-bridge//EN";

/// Properties that carry a calendar user address in their value.
const CAL_ADDRESS_PROPS: &[&str] = &["ORGANIZER", "ATTENDEE"];
/// Parameters that carry calendar user addresses.
const CAL_ADDRESS_PARAMS: &[&str] = &["SENT-BY", "DELEGATED-TO", "DELEGATED-FROM", "MEMBER"];

fn skip(code: WarningCode, detail: impl Into<String>) -> Skip {
    Skip {
        code,
        detail: detail.into(),
    }
}

/// Normalises one VCALENDAR in place.
///
/// # Errors
/// A [`Skip`] when the calendar is not one this crate repairs or cannot be repaired
/// without guessing; the caller then passes the message through unchanged.
pub fn normalise(
    cal: &mut Component,
    ctx: &Context<'_>,
    report: &mut Report,
) -> Result<Normalised, Skip> {
    if !cal.is("VCALENDAR") {
        return Err(skip(
            WarningCode::UnparseableCalendar,
            format!("top-level component is {}, not VCALENDAR", cal.name),
        ));
    }
    fix_version(cal, report)?;
    if cal.components_named("VEVENT").next().is_none() {
        return Err(skip(
            WarningCode::NoEvent,
            "no VEVENT: only meeting requests for events are repaired",
        ));
    }
    fix_names_and_addresses(cal, report);
    clean_event_properties(cal, report);
    let method = fix_method(cal, ctx, report)?;
    let method = repair::correct_method(cal, method, report);
    if !matches!(method, Method::Request | Method::Reply | Method::Cancel) {
        // Not repaired, but the sender is still checked (report only).
        if method != Method::Publish {
            check_sender(cal, method, ctx, report);
        }
        return Err(skip(
            WarningCode::UnsupportedMethod,
            format!("METHOD:{method} is not repaired (only REQUEST, REPLY and CANCEL)"),
        ));
    }
    fix_events(cal, method, ctx, report)?;
    // Only a REPLY compares addresses with the sender's.
    let from = match method {
        Method::Reply => ctx.from.map(|f| f.address.to_ascii_lowercase()),
        _ => None,
    };
    repair::repair_events(cal, method, from.as_deref(), report);
    repair::value_date(cal, report);
    if method == Method::Request {
        repair::summary(cal, ctx.subject, report);
    }
    check_sender(cal, method, ctx, report);
    Ok(Normalised {
        method,
        message_class: message_class(cal, method),
    })
}

fn fix_version(cal: &mut Component, report: &mut Report) -> Result<(), Skip> {
    match cal.property_upper_mut("VERSION") {
        Some(v) if v.value() == "2.0" => {}
        Some(v) if v.value().trim() == "1.0" => {
            return Err(skip(
                WarningCode::UnsupportedVersion,
                "vCalendar 1.0 is not converted yet",
            ))
        }
        Some(v) => {
            report.fix(
                FixCode::VersionSet,
                format!("VERSION:{} -> 2.0", v.value().trim()),
            );
            v.set_value("2.0");
        }
        None => {
            cal.properties
                .insert(0, Property::constant("VERSION", "2.0"));
            report.fix(FixCode::VersionSet, "VERSION:2.0 added");
        }
    }
    if cal.property_upper("PRODID").is_none() {
        cal.properties
            .insert(0, Property::constant("PRODID", PRODID));
        report.fix(FixCode::ProdidAdded, format!("PRODID:{PRODID} added"));
    }
    Ok(())
}

/// Renames property names containing `_` (illegal in RFC 5545) to the `-` form, then
/// lowercases `MAILTO:` schemes and adds the scheme to bare addresses, in values and in
/// address parameters: one walk over every property. (A renamed property is never an
/// address property, whose names have no `_` or `-`.)
fn fix_names_and_addresses(cal: &mut Component, report: &mut Report) {
    let mut renamed: Vec<String> = Vec::new();
    let mut counts = AddressCounts::default();
    cal.walk_mut(&mut |c| {
        for p in &mut c.properties {
            rename_illegal_name(p, &mut renamed);
            fix_address(p, &mut counts);
        }
    });
    for old in renamed {
        report.fix(
            FixCode::PropertyRenamed,
            concat(&[&old, " -> ", &legal_name(&old)]),
        );
    }
    counts.report(report);
}

/// Renames `p` when its name contains `_`, noting each old name once in `renamed`.
fn rename_illegal_name(p: &mut Property, renamed: &mut Vec<String>) {
    // A standard name has no `_`: only the others are looked at.
    if !p.has_standard_name() && p.name().as_bytes().contains(&b'_') {
        if !renamed.iter().any(|old| old == p.name()) {
            renamed.push(p.name().to_owned());
        }
        p.rename(legal_name(p.name()));
    }
}

/// A property name with every `_` written as `-`.
fn legal_name(name: &str) -> String {
    name.replace('_', "-")
}

/// Value types that cannot be empty; an empty one is dropped (Exchange 2003 writes
/// `CLASS:`).
const NON_EMPTY_PROPS: &[&str] = &[
    "CLASS",
    "TRANSP",
    "STATUS",
    "PRIORITY",
    "SEQUENCE",
    "GEO",
    "URL",
    "RRULE",
    "EXRULE",
    "DTEND",
    "DURATION",
    "CREATED",
    "LAST-MODIFIED",
];

/// TEXT properties whose escapes are checked.
const TEXT_PROPS: &[&str] = &[
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "COMMENT",
    "CONTACT",
    "RESOURCES",
    "CATEGORIES",
];

/// Small repairs inside events: empty values, `\N` escapes, spaces in RRULE, a TZID
/// written as an event property.
fn clean_event_properties(cal: &mut Component, report: &mut Report) {
    let mut emptied: Vec<String> = Vec::new();
    let mut escapes = 0usize;
    let mut recurs = 0usize;
    let mut tzids: Vec<String> = Vec::new();
    for ev in cal
        .components
        .iter_mut()
        .filter(|c| c.is("VEVENT") || c.is("VTODO"))
    {
        // One pass: empty values of NON_EMPTY_PROPS go, then a TZID property goes; the
        // properties kept get their TEXT escapes and RECUR values checked.
        ev.properties.retain_mut(|p| {
            if is_blank(p.value()) && p.is_any_upper(NON_EMPTY_PROPS) {
                if !emptied.iter().any(|e| p.is_upper(e)) {
                    emptied.push(p.name().to_ascii_uppercase());
                }
                return false;
            }
            if p.is_upper("TZID") {
                tzids.push(p.value().trim().to_owned());
                return false;
            }
            if p.is_any_upper(TEXT_PROPS) {
                if let Some(fixed) = fix_text_escapes(p.value()) {
                    p.set_value(fixed);
                    escapes += 1;
                }
            } else if (p.is_upper("RRULE") || p.is_upper("EXRULE"))
                && p.value().contains(char::is_whitespace)
            {
                let fixed: String = p.value().chars().filter(|c| !c.is_whitespace()).collect();
                p.set_value(fixed);
                recurs += 1;
            }
            true
        });
    }
    for name in emptied {
        report.fix(
            FixCode::EmptyPropertyRemoved,
            format!("empty {name}: removed"),
        );
    }
    if escapes > 0 {
        report.fix(
            FixCode::TextEscapeFixed,
            format!("\\N written as \\n in {escapes} TEXT value(s)"),
        );
    }
    if recurs > 0 {
        report.fix(
            FixCode::RecurNormalised,
            format!("whitespace removed from {recurs} RRULE/EXRULE value(s)"),
        );
    }
    if let Some(tzid) = tzids.into_iter().find(|t| !t.is_empty()) {
        let detail = if cal.property_upper("X-WR-TIMEZONE").is_none() {
            cal.insert_property_after(
                &["PRODID", "VERSION", "CALSCALE", "METHOD"],
                Property::new("X-WR-TIMEZONE", tzid.clone()),
            );
            format!("TZID:{tzid} in VEVENT moved to X-WR-TIMEZONE")
        } else {
            format!("TZID:{tzid} in VEVENT removed (X-WR-TIMEZONE already present)")
        };
        report.fix(FixCode::TzidPropertyMoved, detail);
    }
}

/// Whether `value` is empty or only whitespace (`value.trim().is_empty()`), deciding
/// on the first byte for nearly every value.
fn is_blank(value: &str) -> bool {
    match value.as_bytes().first() {
        None => true,
        Some(b) if b.is_ascii_graphic() => false,
        Some(_) => value.trim().is_empty(),
    }
}

/// `\N` -> `\n` in an escaped TEXT value; `None` when there is nothing to fix.
fn fix_text_escapes(value: &str) -> Option<String> {
    if !value.contains("\\N") {
        return None;
    }
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    let mut changed = false;
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('N') => {
                out.push_str("\\n");
                changed = true;
            }
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    changed.then_some(out)
}

/// How many addresses [`fix_address`] changed, by kind.
#[derive(Default)]
struct AddressCounts {
    lowered: usize,
    added: usize,
}

impl AddressCounts {
    /// Counts `fix`; the new text when there is one.
    fn count(&mut self, fix: AddressFix) -> Option<String> {
        match fix {
            AddressFix::Lowered(v) => {
                self.lowered += 1;
                Some(v)
            }
            AddressFix::Added(v) => {
                self.added += 1;
                Some(v)
            }
            AddressFix::None => None,
        }
    }

    fn report(&self, report: &mut Report) {
        if self.lowered > 0 {
            report.fix(
                FixCode::MailtoLowercased,
                concat(&[
                    Decimal::new(self.lowered).as_str(),
                    " address(es) had an uppercase MAILTO: scheme",
                ]),
            );
        }
        if self.added > 0 {
            report.fix(
                FixCode::MailtoAdded,
                concat(&[
                    Decimal::new(self.added).as_str(),
                    " bare address(es) got a mailto: scheme",
                ]),
            );
        }
    }
}

/// Lowercases a `MAILTO:` scheme and adds the scheme to a bare address, in the value of
/// an address property and in address parameters.
fn fix_address(p: &mut Property, counts: &mut AddressCounts) {
    if p.is_any_upper(CAL_ADDRESS_PROPS) {
        if let Some(value) = counts.count(fixed_address(p.value())) {
            p.set_value(value);
        }
    }
    let is_address_param = |param: &crate::ical::model::Param| {
        CAL_ADDRESS_PARAMS
            .iter()
            .any(|n| param.name.eq_ignore_ascii_case(n))
    };
    let needs = p.params().iter().any(|param| {
        is_address_param(param)
            && param
                .values
                .iter()
                .any(|v| !matches!(fixed_address(&v.text), AddressFix::None))
    });
    if !needs {
        return;
    }
    for param in p.params_mut() {
        if !is_address_param(param) {
            continue;
        }
        for v in &mut param.values {
            if let Some(text) = counts.count(fixed_address(&v.text)) {
                v.text = text.into();
            }
        }
    }
}

enum AddressFix {
    None,
    Lowered(String),
    Added(String),
}

fn fixed_address(value: &str) -> AddressFix {
    let v = trim(value);
    if let Some(scheme) = v.get(..7) {
        if scheme.eq_ignore_ascii_case("mailto:") {
            return if scheme == "mailto:" {
                AddressFix::None
            } else {
                AddressFix::Lowered(concat(&["mailto:", v.get(7..).unwrap_or("")]))
            };
        }
    }
    // A bare `local@domain` with no scheme at all.
    if !v.contains(':') && is_plain_address(v) {
        return AddressFix::Added(concat(&["mailto:", v]));
    }
    AddressFix::None
}

fn is_plain_address(v: &str) -> bool {
    match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.contains('@')
                && !v.contains(|c: char| c.is_whitespace() || c.is_control() || c == '"')
        }
        None => false,
    }
}

/// The address of a calendar user value, lowercase, without `mailto:`.
pub fn address_of(value: &str) -> String {
    address_part(value).to_ascii_lowercase()
}

/// The address of a calendar user value as written, without `mailto:`.
pub(crate) fn address_part(value: &str) -> &str {
    let v = trim(value);
    let v = match v.get(..7) {
        Some(s) if s.eq_ignore_ascii_case("mailto:") => v.get(7..).unwrap_or(""),
        _ => v,
    };
    trim(v)
}

/// Whether [`address_of`] `value` is `address` (in any ASCII case), without
/// allocating.
pub(crate) fn is_address(value: &str, address: &str) -> bool {
    address_part(value).eq_ignore_ascii_case(address)
}

fn fix_method(cal: &mut Component, ctx: &Context<'_>, report: &mut Report) -> Result<Method, Skip> {
    let param = ctx.method_param.map(str::trim).filter(|s| !s.is_empty());
    if let Some(prop) = cal.property_upper_mut("METHOD") {
        let written = prop.value().trim();
        let Some(method) = Method::parse(written) else {
            return Err(skip(
                WarningCode::UnsupportedMethod,
                format!("unknown METHOD:{written}"),
            ));
        };
        if prop.value() != method.as_str() {
            let written = prop.value().to_owned();
            prop.set_value(method.as_str());
            report.fix(
                FixCode::MethodUppercased,
                format!("METHOD:{written:?} -> {method}"),
            );
        }
        if let Some(p) = param {
            if Method::parse(p) != Some(method) {
                report.warn(
                    WarningCode::MethodMismatch,
                    format!("MIME method={p} but METHOD:{method}; METHOD kept"),
                );
            }
        }
        return Ok(method);
    }
    let (method, why) = match param.and_then(Method::parse) {
        Some(m) => (m, "from the MIME method parameter".into()),
        None => infer_method(cal, ctx)?,
    };
    cal.insert_property_after(
        &["PRODID", "VERSION", "CALSCALE"],
        Property::constant("METHOD", method.as_str()),
    );
    report.fix(
        FixCode::MethodInferred,
        concat(&["METHOD:", method.as_str(), " added (", &why, ")"]),
    );
    Ok(method)
}

const REPLY_PARTSTATS: &[&str] = &["ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED"];

/// Infers the METHOD of a calendar that states none (see DESIGN.md): a cancelled
/// event is a CANCEL; an answer from an ATTENDEE is a REPLY; ATTENDEEs sent by the
/// organizer (or with no organizer) are a REQUEST; no ATTENDEE is a PUBLISH.
fn infer_method(cal: &Component, ctx: &Context<'_>) -> Result<(Method, Cow<'static, str>), Skip> {
    let events = || cal.components_named("VEVENT");
    if events().any(|e| {
        e.property_upper("STATUS")
            .is_some_and(|s| s.value().trim().eq_ignore_ascii_case("CANCELLED"))
    }) {
        return Ok((Method::Cancel, "the event has STATUS:CANCELLED".into()));
    }
    let attendees = || events().flat_map(|e| e.properties_upper("ATTENDEE"));
    if attendees().next().is_none() {
        return Ok((Method::Publish, "no ATTENDEE: not a meeting".into()));
    }
    let organizer = events().find_map(|e| e.property_upper("ORGANIZER"));
    // The sender is the ORGANIZER when the addresses are equal in lower case.
    if let (Some(f), Some(o)) = (ctx.from, organizer) {
        if is_address(o.value(), &f.address) {
            return Ok((Method::Request, "the sender is the ORGANIZER".into()));
        }
    }
    let from = ctx.from.map(|m| m.address.to_ascii_lowercase());
    let organizer = organizer.map(|o| address_of(o.value()));
    let attendees: Vec<&Property> = attendees().collect();
    let answered = |a: &&Property| {
        a.param_value("PARTSTAT")
            .is_some_and(|s| REPLY_PARTSTATS.iter().any(|r| s.eq_ignore_ascii_case(r)))
    };
    if let Some(from) = &from {
        if let Some(a) = attendees
            .iter()
            .find(|a| address_of(a.value()) == *from && answered(a))
        {
            return Ok((
                Method::Reply,
                Cow::Owned(format!(
                    "the sender is an ATTENDEE with PARTSTAT={}",
                    a.param_value("PARTSTAT").unwrap_or("")
                )),
            ));
        }
    }
    if organizer.is_none() {
        return Ok((
            Method::Request,
            "ATTENDEEs and no ORGANIZER: a request from the sender".into(),
        ));
    }
    let distinct: Vec<String> = {
        let mut v: Vec<String> = attendees.iter().map(|a| address_of(a.value())).collect();
        v.sort();
        v.dedup();
        v
    };
    let reply_subject = ctx.subject.is_some_and(|s| {
        let s = s.trim_start().to_ascii_lowercase();
        [
            "accepted:",
            "declined:",
            "tentative:",
            "tentatively accepted:",
        ]
        .iter()
        .any(|p| s.starts_with(p))
    });
    if distinct.len() == 1 && attendees.iter().all(answered) && reply_subject {
        return Ok((
            Method::Reply,
            "one answering ATTENDEE and a reply subject".into(),
        ));
    }
    Ok((Method::Request, "ATTENDEEs present".into()))
}

/// A UID derived from the Message-ID, DTSTART and SUMMARY, so that the same message
/// delivered twice gets the same UID.
fn derived_uid(cal: &Component, ctx: &Context<'_>) -> String {
    let ev = cal.components_named("VEVENT").next();
    let value = |name: &str| {
        ev.and_then(|e| e.property_upper(name))
            .map_or("", |p| p.value().trim())
    };
    let mut h = StableHasher::new();
    for part in [
        ctx.message_id.unwrap_or("").trim(),
        value("DTSTART"),
        value("SUMMARY"),
    ] {
        h.write(part.as_bytes());
        h.write(b"\0");
    }
    concat(&["imip-bridge-", &hex(&h.finish128())])
}

fn fix_events(
    cal: &mut Component,
    method: Method,
    ctx: &Context<'_>,
    report: &mut Report,
) -> Result<(), Skip> {
    // Written only when an event needs a DTSTAMP.
    let mut dtstamp: Option<String> = None;
    let mut stamp = || {
        dtstamp
            .get_or_insert_with(|| text::utc_date_time(&ctx.stamp_time))
            .clone()
    };
    let organizer = organizer_source(method, ctx);
    // Derived only when an event has no UID.
    let needs_uid = cal.components_named("VEVENT").any(|ev| {
        ev.property_upper("UID")
            .is_none_or(|u| u.value().trim().is_empty())
    });
    let uid = if needs_uid {
        derived_uid(cal, ctx)
    } else {
        String::new()
    };
    let mut missing_dtstart = false;
    let (mut stamps, mut restamped, mut seqs, mut uids) = (0usize, 0usize, 0usize, 0usize);
    let mut orgs: Vec<String> = Vec::new();
    let mut no_organizer = false;
    for ev in cal.components_named_mut("VEVENT") {
        // What is missing is known before anything is added (the additions below add
        // none of the names looked up after them).
        if method == Method::Request && ev.property_upper("DTSTART").is_none() {
            missing_dtstart = true;
        }
        let uid_missing = ev
            .property_upper("UID")
            .is_none_or(|u| u.value().trim().is_empty());
        let stamp_at = ev.properties.iter().position(|p| p.is_upper("DTSTAMP"));
        let (has_stamp, has_sequence, has_organizer) = (
            stamp_at.is_some(),
            ev.property_upper("SEQUENCE").is_some(),
            ev.property_upper("ORGANIZER").is_some(),
        );
        // Room for everything added, made once.
        ev.reserve_properties(
            usize::from(uid_missing)
                + usize::from(!has_stamp)
                + usize::from(!has_sequence)
                + usize::from(!has_organizer),
        );
        // DTSTAMP must be UTC (RFC 5545 3.8.7.2); a local or zoned one cannot be
        // converted here without guessing its zone, so it is restamped (in place, before
        // the UID changes move it).
        if let Some(p) = stamp_at.and_then(|i| ev.properties.get_mut(i)) {
            if !is_utc_date_time(p.value()) || p.param("TZID").is_some() {
                *p = Property::new("DTSTAMP", stamp());
                restamped += 1;
            }
        }
        if uid_missing {
            ev.properties.retain(|p| !p.is_upper("UID"));
            ev.properties.insert(0, Property::new("UID", uid.clone()));
            uids += 1;
        }
        if !has_stamp {
            ev.insert_property_after(&["UID"], Property::new("DTSTAMP", stamp()));
            stamps += 1;
        }
        if !has_sequence {
            ev.insert_property_after(&["DTSTAMP", "UID"], Property::constant("SEQUENCE", "0"));
            seqs += 1;
        }
        if !has_organizer {
            let prop = chair_organizer(ev)
                .map(|p| (p, "the ATTENDEE with ROLE=CHAIR"))
                .or_else(|| {
                    organizer.map(|mb| {
                        let from = if method == Method::Reply {
                            "the single recipient"
                        } else {
                            "From:"
                        };
                        (organizer_property(mb), from)
                    })
                });
            match prop {
                Some((prop, from)) => {
                    orgs.push(format!("{} (from {from})", prop.value()));
                    let pos = ev
                        .properties
                        .iter()
                        .position(|p| p.is_upper("ATTENDEE"))
                        .unwrap_or(ev.properties.len());
                    ev.properties.insert(pos, prop);
                }
                None => no_organizer = true,
            }
        }
    }
    if missing_dtstart {
        return Err(skip(
            WarningCode::DtstartMissing,
            "a REQUEST VEVENT has no DTSTART; times are never invented",
        ));
    }
    if no_organizer {
        return Err(skip(
            WarningCode::OrganizerMissing,
            match method {
                Method::Reply => "REPLY without ORGANIZER and not exactly one other recipient",
                _ => "no ORGANIZER and no From: address to take it from",
            },
        ));
    }
    if uids > 0 {
        report.fix(
            FixCode::UidGenerated,
            concat(&[
                "UID:",
                &uid,
                " (from Message-ID, DTSTART and SUMMARY) added to ",
                Decimal::new(uids).as_str(),
                " VEVENT(s)",
            ]),
        );
    }
    let dtstamp = dtstamp.unwrap_or_default();
    if stamps > 0 {
        report.fix(
            FixCode::DtstampAdded,
            concat(&[
                "DTSTAMP:",
                &dtstamp,
                " (",
                ctx.stamp_source,
                ") added to ",
                Decimal::new(stamps).as_str(),
                " VEVENT(s)",
            ]),
        );
    }
    if restamped > 0 {
        report.fix(
            FixCode::DtstampAdded,
            format!(
                "DTSTAMP was not a UTC date-time; set to {dtstamp} ({}) in {restamped} VEVENT(s)",
                ctx.stamp_source
            ),
        );
    }
    if seqs > 0 {
        report.fix(
            FixCode::SequenceAdded,
            concat(&[
                "SEQUENCE:0 added to ",
                Decimal::new(seqs).as_str(),
                " VEVENT(s)",
            ]),
        );
    }
    orgs.dedup();
    for o in orgs {
        report.fix(FixCode::OrganizerAdded, format!("ORGANIZER {o}"));
    }
    Ok(())
}

fn is_utc_date_time(v: &str) -> bool {
    matches!(
        crate::ical::value::parse_date_or_date_time(v, None),
        Ok(crate::ical::value::DateTimeValue::Utc(_))
    )
}

/// An ORGANIZER built from the one ATTENDEE marked `ROLE=CHAIR` (Lotus Notes writes the
/// organizer only that way); `None` when there is not exactly one.
fn chair_organizer(ev: &Component) -> Option<Property> {
    let mut chairs = ev.properties_upper("ATTENDEE").filter(|a| {
        a.param_value("ROLE")
            .is_some_and(|r| r.trim().eq_ignore_ascii_case("CHAIR"))
    });
    let chair = chairs.next()?;
    if chairs.next().is_some() {
        return None;
    }
    let mut p = Property::new("ORGANIZER", chair.value().trim());
    for name in ["CN", "SENT-BY", "DIR", "LANGUAGE"] {
        if let Some(param) = chair.param(name) {
            p.params_mut().push(param.clone());
        }
    }
    Some(p)
}

/// Drops the recipients that [`organizer_source`] cannot tell apart from the rest: it
/// only ever takes the one recipient other than the sender, so the first two such
/// recipients decide as well as all of them (a `To:` of thousands of addresses is then
/// not held through the repair). A short list is left as it is.
pub fn keep_organizer_candidates(recipients: &mut Vec<Mailbox<'_>>, from: Option<&Mailbox<'_>>) {
    if recipients.len() <= SHORT_RECIPIENT_LIST {
        return;
    }
    let mut others = 0usize;
    recipients.retain(|r| {
        // As `organizer_source` compares them: lowercased.
        let other = others < 2 && from.is_none_or(|f| !r.address.eq_ignore_ascii_case(&f.address));
        others += usize::from(other);
        other
    });
    recipients.shrink_to_fit();
}

/// Recipient lists up to this long are not cut by [`keep_organizer_candidates`].
const SHORT_RECIPIENT_LIST: usize = 16;

/// Where a missing ORGANIZER may come from: the sender of a REQUEST or CANCEL; the one
/// recipient (other than the sender) of a REPLY.
fn organizer_source<'a>(method: Method, ctx: &Context<'a>) -> Option<&'a Mailbox<'a>> {
    match method {
        Method::Reply => {
            let from = ctx.from.map(|f| f.address.to_ascii_lowercase());
            let others: Vec<&Mailbox> = ctx
                .recipients
                .iter()
                .filter(|r| Some(r.address.to_ascii_lowercase()) != from)
                .collect();
            match others.as_slice() {
                [one] => Some(*one),
                _ => None,
            }
        }
        _ => ctx.from,
    }
}

fn clean_address(a: &str) -> String {
    a.chars()
        .filter(|c| !c.is_control() && !c.is_whitespace() && *c != '"')
        .collect()
}

fn organizer_property(mb: &Mailbox) -> Property {
    let mut p = Property::new(
        "ORGANIZER",
        format!("mailto:{}", clean_address(&mb.address)),
    );
    if let Some(name) = &mb.name {
        p.set_param("CN", name);
    }
    p
}

fn check_sender(cal: &Component, method: Method, ctx: &Context<'_>, report: &mut Report) {
    // Compared in any ASCII case; lowercased only for the warning.
    let Some(from) = ctx.from.map(|f| f.address.as_ref()) else {
        return;
    };
    let Some(ev) = cal.components_named("VEVENT").next() else {
        return;
    };
    // RFC 5546: the organizer sends REQUEST, CANCEL, ADD and DECLINECOUNTER; an attendee
    // sends REPLY, COUNTER and REFRESH.
    let from_attendee = matches!(method, Method::Reply | Method::Counter | Method::Refresh);
    let ok = match method {
        _ if from_attendee => ev
            .properties_upper("ATTENDEE")
            .any(|a| is_address(a.value(), from)),
        _ => ev.property_upper("ORGANIZER").is_some_and(|o| {
            is_address(o.value(), from)
                || o.param_value("SENT-BY")
                    .is_some_and(|s| is_address(s, from))
        }),
    };
    if !ok {
        let role = if from_attendee {
            "any ATTENDEE"
        } else {
            "the ORGANIZER (or its SENT-BY)"
        };
        let from = from.to_ascii_lowercase();
        report.warn(
            WarningCode::SenderMismatch,
            format!("From: {from} is not {role}; receivers may ignore the {method}"),
        );
    }
}

/// The Outlook message class for a method ([MS-OXCICAL], as mapped by gromox).
fn message_class(cal: &Component, method: Method) -> Option<&'static str> {
    match method {
        Method::Request => Some("IPM.Schedule.Meeting.Request"),
        Method::Cancel => Some("IPM.Schedule.Meeting.Canceled"),
        Method::Reply => {
            let partstat = cal
                .components_named("VEVENT")
                .flat_map(|e| e.properties_upper("ATTENDEE"))
                .find_map(|a| a.param_value("PARTSTAT"))?
                .to_ascii_uppercase();
            match partstat.as_str() {
                "ACCEPTED" => Some("IPM.Schedule.Meeting.Resp.Pos"),
                "TENTATIVE" => Some("IPM.Schedule.Meeting.Resp.Tent"),
                "DECLINED" => Some("IPM.Schedule.Meeting.Resp.Neg"),
                _ => None,
            }
        }
        _ => Some("IPM.Appointment"),
    }
}

#[cfg(test)]
mod recipient_tests {
    use super::*;

    fn mailbox(address: &str) -> Mailbox<'_> {
        Mailbox {
            name: None,
            address: Cow::Borrowed(address),
        }
    }

    fn reply_organizer(from: Option<&Mailbox<'_>>, recipients: &[Mailbox<'_>]) -> Option<String> {
        let ctx = Context {
            method_param: None,
            from,
            recipients,
            subject: None,
            stamp_time: DateTime::<Utc>::UNIX_EPOCH,
            stamp_source: "test",
            message_id: None,
        };
        organizer_source(Method::Reply, &ctx).map(|m| m.address.to_string())
    }

    #[test]
    fn cutting_a_long_recipient_list_keeps_the_reply_organizer() {
        let sender = mailbox("Anna@Example.com");
        let mut lists: Vec<Vec<String>> = Vec::new();
        for others in 0..4 {
            for at in [0, 7, 39] {
                // 40 recipients: the sender (in any case) and `others` other addresses.
                let mut list: Vec<String> = (0..40)
                    .map(|i| ["anna@example.com", "ANNA@example.COM"][i % 2].to_owned())
                    .collect();
                for k in 0..others {
                    list[(at + 11 * k) % 40] = format!("bob{k}@example.org");
                }
                lists.push(list);
            }
        }
        lists.push(vec!["bob@example.org".to_owned(); 3]);
        for list in &lists {
            let full: Vec<Mailbox> = list.iter().map(|a| mailbox(a)).collect();
            for from in [Some(&sender), None] {
                let mut cut = full.clone();
                keep_organizer_candidates(&mut cut, from);
                assert!(cut.len() <= 2 || cut.len() == full.len());
                assert_eq!(
                    reply_organizer(from, &cut),
                    reply_organizer(from, &full),
                    "{list:?}"
                );
            }
        }
    }
}
