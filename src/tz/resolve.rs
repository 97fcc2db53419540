//! TZID resolution: turns whatever a sender wrote as a TZID (a tzdb name or alias,
//! a Windows standard or display name of any era, a Lotus Notes short name, an
//! Exchange CDO id or offset name, a libical/Evolution/Lightning vendor-prefixed id)
//! into one canonical tzdb zone, and says which rule matched and why.
//!
//! The order, first match wins (see [`resolve`]):
//!
//! 1. hints: `X-ENTOURAGE-CFTIMEZONE`, then `X-WR-TIMEZONE`, unless the TZID is
//!    itself a tzdb or Windows standard name;
//! 2. tzdb names and aliases (`US/Eastern`, `Asia/Calcutta`, `Etc/GMT+5`);
//! 3. Windows standard names (`W. Europe Standard Time`, and retired ones);
//! 4. Windows display names of every era, with or without `(GMT+01:00)`;
//! 5. Lotus Notes short names (`Eastern`, `W. Europe`);
//! 6. Exchange CDO numeric ids (a numeric TZID, or `X-MICROSOFT-CDO-TZID`);
//! 7. CDO offset names (`GMT +0100 (Standard) / GMT +0200 (Daylight)`);
//! 8. vendor-prefixed ids (`/mozilla.org/20070129_1/Europe/Berlin`);
//! 9. the sender's VTIMEZONE rules, evaluated for the event's year and matched
//!    against tzdb.
//!
//! A name match (rules 2-8) is accepted only when the sender's VTIMEZONE, when there
//! is one and it can be evaluated, uses no UTC offset in that year that the zone
//! does not use (the transition dates may be stale: Entourage's were); so Lotus
//! `GMT` with British summer time becomes Europe/London, not Etc/GMT.
//!
//! This module only identifies zones: it never edits a calendar, and it never
//! panics, whatever its input. All data lives in [`super::data`].
//!
//! Caches (none changes a result): the display-name, Lotus and CDO tables are
//! indexed once per process (sorted by their comparison keys, for binary search);
//! the results of the linear lookups of tzdb names in another case, Windows
//! standard names and the Windows name of a zone, and tzdb's behaviour of a zone in
//! a year (used by the offset check) are kept in bounded process-wide memos (see
//! [`super::memo`]).

// wired in by the pipeline

use std::sync::OnceLock;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Timelike};
use chrono_tz::{Tz, TZ_VARIANTS};

use super::memo::{content_key, Memo};
use std::sync::Arc;

use super::data::{
    CDO_ZONES, IANA_ALIASES, LEGACY_WINDOWS_NAMES, LOTUS_NAMES, WINDOWS_DISPLAY_NAMES,
    WINDOWS_ZONES,
};
use crate::ical::model::Component;
use crate::ical::value::{
    parse_date_or_date_time, parse_utc_offset, DateTimeValue, Frequency, Recur,
};

/// Which rule identified the zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MatchRule {
    /// `X-ENTOURAGE-CFTIMEZONE` (inside the VTIMEZONE) or `X-WR-TIMEZONE` (on the
    /// VCALENDAR).
    Hint,
    /// The TZID is a canonical tzdb name (any ASCII case).
    Iana,
    /// The TZID is a tzdb backward-compatible alias, normalised.
    IanaAlias,
    /// The TZID is a Windows standard name (CLDR `windowsZones.xml`, or retired).
    WindowsStandard,
    /// The TZID is a Windows (or Exchange CDO) display name.
    WindowsDisplay,
    /// The TZID is a Lotus Notes short name.
    Lotus,
    /// An Exchange CDO numeric time-zone id.
    CdoId,
    /// A CDO offset name such as `GMT +0100 (Standard) / GMT +0200 (Daylight)`.
    CdoOffsetName,
    /// A tzdb name behind a libical, Evolution or Lightning vendor prefix.
    VendorPrefix,
    /// The sender's VTIMEZONE rules matched a tzdb zone for the event's year.
    EmbeddedRules,
}

impl MatchRule {
    /// The rule's stable snake_case name, for reports.
    pub const fn as_str(self) -> &'static str {
        match self {
            MatchRule::Hint => "hint",
            MatchRule::Iana => "iana",
            MatchRule::IanaAlias => "iana_alias",
            MatchRule::WindowsStandard => "windows_standard",
            MatchRule::WindowsDisplay => "windows_display",
            MatchRule::Lotus => "lotus",
            MatchRule::CdoId => "cdo_id",
            MatchRule::CdoOffsetName => "cdo_offset_name",
            MatchRule::VendorPrefix => "vendor_prefix",
            MatchRule::EmbeddedRules => "embedded_rules",
        }
    }
}

impl std::fmt::Display for MatchRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A resolved TZID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The canonical tzdb zone (aliases normalised: Asia/Calcutta -> Asia/Kolkata).
    pub zone: Tz,
    /// The rule that matched.
    pub rule: MatchRule,
    /// What matched, for the report.
    pub detail: String,
}

/// Zone names found elsewhere in the calendar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hints<'a> {
    /// `X-WR-TIMEZONE` of the VCALENDAR.
    pub x_wr_timezone: Option<&'a str>,
    /// `X-ENTOURAGE-CFTIMEZONE` inside the VTIMEZONE (Outlook for Mac, Entourage).
    pub entourage_cftimezone: Option<&'a str>,
    /// `X-MICROSOFT-CDO-TZID` inside the VTIMEZONE or on the event.
    pub cdo_tzid: Option<&'a str>,
}

/// Longest TZID the name rules look at; longer ones go to the VTIMEZONE rule only.
const MAX_NAME_BYTES: usize = 512;
/// How far (seconds) a VTIMEZONE transition may be from tzdb's and still match:
/// Lotus Notes writes 02:00 local for both European changes (tzdb: 01:00 UTC).
const TRANSITION_TOLERANCE: i64 = 3 * 3600;
/// At most this many STANDARD/DAYLIGHT observances are evaluated.
const MAX_OBSERVANCES: usize = 64;
/// At most this many RDATE values per observance are evaluated.
const MAX_RDATES: usize = 64;
/// Characters of the TZID echoed in a detail string.
const SHOWN_CHARS: usize = 80;
/// Entries of each process-wide memo of a name lookup.
const NAME_MEMO_ENTRIES: usize = 64;
/// Longest name whose lookup is memoised.
const MAX_MEMO_NAME_BYTES: usize = 128;

/// Resolves a TZID in the documented order; `vtimezone` is the sender's VTIMEZONE
/// with that TZID, if any; `year` is the event's year (for the last-resort rule match).
///
/// Hints (rule 1): the TZID's own match wins when it is a tzdb name or alias or a
/// Windows standard name: those already name one zone. Otherwise
/// `X-ENTOURAGE-CFTIMEZONE`, written inside this very VTIMEZONE by the sender, wins
/// whenever it names a tzdb zone that agrees with the VTIMEZONE's offsets.
/// `X-WR-TIMEZONE` is calendar-wide, so it is used only when the TZID matched no
/// name rule, or when it names a more specific zone of the same Windows zone
/// (TZID `Pacific`, X-WR-TIMEZONE `America/Vancouver`).
///
/// Returns `None` when nothing matches, e.g. an unknown name with no VTIMEZONE.
#[cfg_attr(not(test), allow(dead_code))] // the pipeline calls `resolve_keyed`
pub fn resolve(
    tzid: &str,
    vtimezone: Option<&Component>,
    hints: &Hints<'_>,
    year: i32,
) -> Option<Resolved> {
    let key = vtimezone.and_then(content_key).map(Arc::from);
    resolve_keyed(tzid, vtimezone, key.as_ref(), hints, year)
}

/// What a [`resolve`] result is memoised under: everything it depends on.
struct ResolveKey {
    /// The VTIMEZONE's content key, `None` without a VTIMEZONE.
    vtimezone: Option<Arc<[u8]>>,
    tzid: Box<str>,
    x_wr_timezone: Option<Box<str>>,
    entourage_cftimezone: Option<Box<str>>,
    cdo_tzid: Option<Box<str>>,
    year: i32,
}

impl ResolveKey {
    fn is(&self, tzid: &str, vtimezone: Option<&[u8]>, hints: &Hints<'_>, year: i32) -> bool {
        self.year == year
            && *self.tzid == *tzid
            && self.vtimezone.as_deref() == vtimezone
            && self.x_wr_timezone.as_deref() == hints.x_wr_timezone
            && self.entourage_cftimezone.as_deref() == hints.entourage_cftimezone
            && self.cdo_tzid.as_deref() == hints.cdo_tzid
    }
}

/// [`resolve`] results, kept for the process (bounded; see [`super::memo`]).
static RESOLVED: Memo<ResolveKey, Option<Resolved>> = Memo::new(NAME_MEMO_ENTRIES);

/// [`resolve`] with the VTIMEZONE's [`content_key`] (when there is a VTIMEZONE; `None`
/// when it is too large to memoise) given, so that a caller that needs it too computes
/// it once. Memoised when the key is known and the TZID and hints are not longer than
/// [`MAX_MEMO_NAME_BYTES`].
pub(crate) fn resolve_keyed(
    tzid: &str,
    vtimezone: Option<&Component>,
    key: Option<&Arc<[u8]>>,
    hints: &Hints<'_>,
    year: i32,
) -> Option<Resolved> {
    let compute = || resolve_computed(tzid, vtimezone, key, hints, year);
    let short = |s: Option<&str>| s.is_none_or(|s| s.len() <= MAX_MEMO_NAME_BYTES);
    let memoised = (vtimezone.is_none() || key.is_some())
        && short(Some(tzid))
        && short(hints.x_wr_timezone)
        && short(hints.entourage_cftimezone)
        && short(hints.cdo_tzid);
    if !memoised {
        return compute();
    }
    let key = vtimezone.and(key);
    RESOLVED.get_or_compute_with(
        |k| k.is(tzid, key.map(|k| &**k), hints, year),
        || ResolveKey {
            vtimezone: key.cloned(),
            tzid: tzid.into(),
            x_wr_timezone: hints.x_wr_timezone.map(Box::from),
            entourage_cftimezone: hints.entourage_cftimezone.map(Box::from),
            cdo_tzid: hints.cdo_tzid.map(Box::from),
            year,
        },
        compute,
    )
}

/// [`resolve`], computed.
fn resolve_computed(
    tzid: &str,
    vtimezone: Option<&Component>,
    key: Option<&Arc<[u8]>>,
    hints: &Hints<'_>,
    year: i32,
) -> Option<Resolved> {
    let sig = vtimezone.and_then(|c| sender_signature(c, key.map(|k| &**k), year));
    let sig = sig.as_deref();
    let by_name = if tzid.len() <= MAX_NAME_BYTES {
        resolve_name(tzid, hints, sig, year)
    } else {
        None
    };
    if let Some(found) = &by_name {
        if matches!(
            found.rule,
            MatchRule::Iana | MatchRule::IanaAlias | MatchRule::WindowsStandard
        ) {
            return by_name;
        }
    }
    if let Some(hinted) = resolve_hint(tzid, hints, by_name.as_ref(), sig, year) {
        return Some(hinted);
    }
    if by_name.is_some() {
        return by_name;
    }
    rule_match(tzid, sig?, year)
}

/// The Windows standard name (CLDR territory 001) for a zone, e.g. Europe/Berlin ->
/// "W. Europe Standard Time"; for zones CLDR maps only through another territory,
/// the 001 name of the same Windows zone.
pub fn windows_name(zone: Tz) -> Option<&'static str> {
    windows_name_entry(zone).copied()
}

/// [`windows_name`] as a reference to its entry in the table (which a parameter value
/// holds without a copy, see [`crate::ical::model::ParamText::known`]).
pub fn windows_name_entry(zone: Tz) -> Option<&'static &'static str> {
    static WINDOWS_NAMES: Memo<Tz, Option<&'static &'static str>> = Memo::new(NAME_MEMO_ENTRIES);
    WINDOWS_NAMES.get_or_compute(&zone, || {
        let canonical = canonical_iana(zone.name()).unwrap_or(zone);
        let name = canonical.name();
        WINDOWS_ZONES
            .iter()
            .find(|(_, _, zones)| zones.split(' ').any(|z| z == name))
            .map(|(windows, _, _)| windows)
    })
}

/// Canonical IANA name for an alias or canonical name (case-insensitive), e.g.
/// "asia/calcutta" -> Asia/Kolkata.
pub fn canonical_iana(name: &str) -> Option<Tz> {
    iana_lookup(name).map(|(zone, _)| zone)
}

// ---------------------------------------------------------------------------
// Name rules (2-8)
// ---------------------------------------------------------------------------

fn resolve_name(
    raw: &str,
    hints: &Hints<'_>,
    sig: Option<&Signature>,
    year: i32,
) -> Option<Resolved> {
    let name = clean_tzid(raw);
    let shown = shown(raw);
    let ok = |zone: Tz| offsets_agree(sig, zone, year);

    // 2. tzdb names and aliases.
    if let Some((zone, alias)) = iana_lookup(&name) {
        if ok(zone) {
            let (rule, detail) = match alias {
                Some(alias) => (
                    MatchRule::IanaAlias,
                    format!(
                        "TZID {shown:?} is the tzdb alias {alias} of {}",
                        zone.name()
                    ),
                ),
                None => (
                    MatchRule::Iana,
                    format!("TZID {shown:?} is the tzdb zone {}", zone.name()),
                ),
            };
            return Some(Resolved { zone, rule, detail });
        }
    }
    // 3. Windows standard names, current and retired.
    if let Some((windows, retired, zone)) = windows_standard(&name) {
        if ok(zone) {
            let via = retired.map_or(String::new(), |old| format!(" (retired name {old:?})"));
            return Some(Resolved {
                zone,
                rule: MatchRule::WindowsStandard,
                detail: format!(
                    "TZID {shown:?} is the Windows zone {windows:?}{via}, CLDR 001 {}",
                    zone.name()
                ),
            });
        }
    }
    // 4. Windows and Exchange CDO display names.
    if let Some(found) = display_name(&name, &shown, &ok) {
        return Some(found);
    }
    // 5. Lotus Notes short names.
    if let Some((windows, zone)) = lotus_name(&name) {
        if ok(zone) {
            return Some(Resolved {
                zone,
                rule: MatchRule::Lotus,
                detail: format!(
                    "TZID {shown:?} is the Lotus Notes name of {windows:?}, CLDR 001 {}",
                    zone.name()
                ),
            });
        }
    }
    // 6. Exchange CDO numeric ids: a numeric TZID, else X-MICROSOFT-CDO-TZID.
    let cdo = [
        (Some(name.as_str()), "the TZID"),
        (hints.cdo_tzid, "X-MICROSOFT-CDO-TZID"),
    ];
    for (value, source) in cdo {
        let Some(id) = value.and_then(parse_cdo_id) else {
            continue;
        };
        if let Some((description, zone)) = cdo_zone(id, &ok) {
            return Some(Resolved {
                zone,
                rule: MatchRule::CdoId,
                detail: format!(
                    "Exchange CDO time-zone id {id} from {source} ({description}) is {}",
                    zone.name()
                ),
            });
        }
    }
    // 7. CDO offset names.
    if let Some(offsets) = parse_offset_name(&name) {
        if let Some(found) = offset_name_match(&shown, offsets, sig, year) {
            return Some(found);
        }
    }
    // 8. Vendor prefixes.
    if let Some((prefix, zone)) = strip_vendor_prefix(&name) {
        if ok(zone) {
            return Some(Resolved {
                zone,
                rule: MatchRule::VendorPrefix,
                detail: format!(
                    "TZID {shown:?}: vendor prefix {:?} removed, the rest is the tzdb zone {}",
                    self::shown(prefix),
                    zone.name()
                ),
            });
        }
    }
    None
}

/// Rule 1: X-ENTOURAGE-CFTIMEZONE, then X-WR-TIMEZONE (see [`resolve`]).
fn resolve_hint(
    raw: &str,
    hints: &Hints<'_>,
    by_name: Option<&Resolved>,
    sig: Option<&Signature>,
    year: i32,
) -> Option<Resolved> {
    let shown = shown(raw);
    if let Some(hint) = hints.entourage_cftimezone {
        if let Some(zone) = canonical_iana(&clean_tzid(hint)) {
            if offsets_agree(sig, zone, year) {
                return Some(Resolved {
                    zone,
                    rule: MatchRule::Hint,
                    detail: format!(
                        "X-ENTOURAGE-CFTIMEZONE {:?} of VTIMEZONE {shown:?} is {}",
                        self::shown(hint),
                        zone.name()
                    ),
                });
            }
        }
    }
    let hint = hints.x_wr_timezone?;
    let zone = canonical_iana(&clean_tzid(hint))?;
    if !offsets_agree(sig, zone, year) {
        return None;
    }
    let why = match by_name {
        None => "the TZID matched no name rule".to_owned(),
        Some(found) => {
            let same_windows = windows_name(zone).is_some()
                && windows_name(zone) == windows_name(found.zone)
                && found.zone != zone;
            if !same_windows {
                return None;
            }
            format!(
                "more specific than {} ({}) in the same Windows zone",
                found.zone.name(),
                found.rule
            )
        }
    };
    Some(Resolved {
        zone,
        rule: MatchRule::Hint,
        detail: format!(
            "X-WR-TIMEZONE {:?} is {} for TZID {shown:?}: {why}",
            self::shown(hint),
            zone.name()
        ),
    })
}

/// Removes what senders wrap TZIDs in: surrounding whitespace and quotes, a
/// trailing literal `\n` or `\\n` (Exchange, see DavMail fixupTZID), and the TEXT
/// escapes `\,` `\;` `\\`.
fn clean_tzid(raw: &str) -> String {
    let mut s = raw;
    loop {
        let before = s.len();
        s = s.trim_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'');
        for suffix in ["\\\\n", "\\\\N", "\\n", "\\N"] {
            if let Some(rest) = s.strip_suffix(suffix) {
                s = rest;
                break;
            }
        }
        if s.len() == before {
            break;
        }
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(next @ (',' | ';' | '\\')) => out.push(next),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A short, single-line copy of untrusted text for a detail string.
fn shown(s: &str) -> String {
    // Printable ASCII within the limit is shown as it is.
    if s.len() <= SHOWN_CHARS && s.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return s.to_owned();
    }
    s.chars()
        .take(SHOWN_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Looks a tzdb name up, ASCII case-insensitively; returns the canonical zone and,
/// for an alias, the alias as tzdb spells it.
fn iana_lookup(name: &str) -> Option<(Tz, Option<&'static str>)> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        return None;
    }
    let zone = name.parse::<Tz>().ok().or_else(|| {
        // The first of TZ_VARIANTS with that name in any ASCII case.
        static FOLDED: Memo<String, Option<Tz>> = Memo::new(NAME_MEMO_ENTRIES);
        FOLDED.get_or_compute(name, || {
            TZ_VARIANTS
                .iter()
                .copied()
                .find(|z| z.name().eq_ignore_ascii_case(name))
        })
    })?;
    match IANA_ALIASES.binary_search_by(|(alias, _)| alias.cmp(&zone.name())) {
        Ok(i) => {
            let (alias, target) = IANA_ALIASES.get(i)?;
            Some((target.parse::<Tz>().ok()?, Some(*alias)))
        }
        Err(_) => Some((zone, None)),
    }
}

/// How Windows standard and Lotus names are compared: ASCII case, whitespace and
/// dots ignored (`W Europe Standard Time` = `W. Europe Standard Time`), every other
/// character significant.
fn windows_key_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .map(|c| c.to_ascii_lowercase())
}

fn windows_key(s: &str) -> String {
    windows_key_chars(s).collect()
}

/// A table's row numbers sorted by the rows' keys (rows with equal keys in table
/// order), for [`rows_with_key`].
type KeyIndex = Vec<(String, usize)>;

fn key_index<'a>(
    keys: impl Iterator<Item = (usize, &'a str)>,
    key: fn(&str) -> String,
) -> KeyIndex {
    let mut v: KeyIndex = keys.map(|(i, k)| (key(k), i)).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// The row numbers whose key is `key`, in table order.
fn rows_with_key<'a>(index: &'a KeyIndex, key: &str) -> impl Iterator<Item = usize> + 'a {
    let first = index.partition_point(|(k, _)| k.as_str() < key);
    let end = index.partition_point(|(k, _)| k.as_str() <= key);
    index
        .get(first..end)
        .unwrap_or_default()
        .iter()
        .map(|(_, i)| *i)
}

/// The CLDR 001 zone of a current Windows standard name.
fn windows_zone(windows: &str) -> Option<(&'static str, Tz)> {
    static FOUND: Memo<String, Option<(&'static str, Tz)>> = Memo::new(NAME_MEMO_ENTRIES);
    if windows.len() > MAX_MEMO_NAME_BYTES {
        return windows_zone_row(windows);
    }
    FOUND.get_or_compute(windows, || windows_zone_row(windows))
}

fn windows_zone_row(windows: &str) -> Option<(&'static str, Tz)> {
    WINDOWS_ZONES
        .iter()
        .find(|(name, territory, _)| {
            *territory == "001" && windows_key_chars(name).eq(windows_key_chars(windows))
        })
        .and_then(|(name, _, zones)| {
            let first = zones.split(' ').next()?;
            Some((*name, first.parse::<Tz>().ok()?))
        })
}

/// A current or retired Windows standard name: (current name, retired name, zone).
fn windows_standard(name: &str) -> Option<(&'static str, Option<&'static str>, Tz)> {
    if let Some((windows, zone)) = windows_zone(name) {
        return Some((windows, None, zone));
    }
    let key = windows_key(name);
    LEGACY_WINDOWS_NAMES
        .iter()
        .find(|(old, _)| windows_key_chars(old).eq(key.chars()))
        .and_then(|(old, current)| {
            let (windows, zone) = windows_zone(current)?;
            Some((windows, Some(*old), zone))
        })
}

/// The comparison key of a display name: without a `(GMT…)`/`(UTC…)` prefix,
/// ASCII-lowercased, `&` read as `and`, letters and digits only.
fn display_key(s: &str) -> String {
    let mut rest = s.trim();
    if let Some(inner) = rest.strip_prefix('(') {
        let head = inner.get(..3).unwrap_or("");
        if head.eq_ignore_ascii_case("GMT") || head.eq_ignore_ascii_case("UTC") {
            if let Some(close) = inner.find(')') {
                rest = inner.get(close + 1..).unwrap_or("");
            }
        }
    }
    let mut key = String::with_capacity(rest.len());
    for c in rest.chars() {
        if c == '&' {
            key.push_str("and");
        } else if c.is_alphanumeric() {
            key.push(c.to_ascii_lowercase());
        }
    }
    key
}

/// Rule 4: Windows display names, then Exchange CDO descriptions.
fn display_name(name: &str, shown: &str, ok: &dyn Fn(Tz) -> bool) -> Option<Resolved> {
    let key = display_key(name);
    if key.is_empty() {
        return None;
    }
    static DISPLAY_INDEX: OnceLock<KeyIndex> = OnceLock::new();
    let index = DISPLAY_INDEX.get_or_init(|| {
        key_index(
            WINDOWS_DISPLAY_NAMES
                .iter()
                .enumerate()
                .map(|(i, (display, _))| (i, *display)),
            display_key,
        )
    });
    let windows = rows_with_key(index, &key)
        .next()
        .and_then(|i| WINDOWS_DISPLAY_NAMES.get(i));
    if let Some((display, windows)) = windows {
        let (windows, zone) = windows_zone(windows)?;
        if ok(zone) {
            return Some(Resolved {
                zone,
                rule: MatchRule::WindowsDisplay,
                detail: format!(
                    "TZID {shown:?} is the Windows display name {display:?} of {windows:?}, \
                     CLDR 001 {}",
                    zone.name()
                ),
            });
        }
        return None;
    }
    static CDO_INDEX: OnceLock<KeyIndex> = OnceLock::new();
    let index = CDO_INDEX.get_or_init(|| {
        key_index(
            CDO_ZONES
                .iter()
                .enumerate()
                .map(|(i, (_, description, _))| (i, *description)),
            display_key,
        )
    });
    rows_with_key(index, &key)
        .filter_map(|i| CDO_ZONES.get(i))
        .find_map(|(id, description, zone)| {
            let zone = zone.parse::<Tz>().ok().filter(|z| ok(*z))?;
            Some(Resolved {
                zone,
                rule: MatchRule::WindowsDisplay,
                detail: format!(
                    "TZID {shown:?} is the Exchange CDO display name {description:?} \
                     (id {id}), {}",
                    zone.name()
                ),
            })
        })
}

/// Rule 5: a Lotus Notes name, or any Windows standard name without
/// ` Standard Time`.
fn lotus_name(name: &str) -> Option<(&'static str, Tz)> {
    static LOTUS_INDEX: OnceLock<KeyIndex> = OnceLock::new();
    let index = LOTUS_INDEX.get_or_init(|| {
        key_index(
            LOTUS_NAMES.iter().enumerate().map(|(i, (n, _))| (i, *n)),
            windows_key,
        )
    });
    let lotus = rows_with_key(index, &windows_key(name))
        .next()
        .and_then(|i| LOTUS_NAMES.get(i));
    if let Some((_, windows)) = lotus {
        return windows_zone(windows);
    }
    let lower = name.to_ascii_lowercase();
    if name.is_empty() || lower.ends_with("standard time") || name.len() > 64 {
        return None;
    }
    windows_standard(&format!("{name} Standard Time")).map(|(windows, _, zone)| (windows, zone))
}

/// A CDO id: one to three ASCII digits.
fn parse_cdo_id(value: &str) -> Option<u8> {
    let digits = value.trim();
    if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Rule 6: the first row for `id` whose zone agrees with the VTIMEZONE.
fn cdo_zone(id: u8, ok: &dyn Fn(Tz) -> bool) -> Option<(&'static str, Tz)> {
    CDO_ZONES
        .iter()
        .filter(|(row, _, _)| *row == id)
        .find_map(|(_, description, zone)| {
            let zone = zone.parse::<Tz>().ok().filter(|z| ok(*z))?;
            Some((*description, zone))
        })
}

/// Parses CDO offset names: `GMT +0100 (Standard) / GMT +0200 (Daylight)`,
/// `GMT-05.00/-04.00`, `(GMT +01:00)`, `UTC+11`. Returns (standard, daylight)
/// seconds east of UTC.
fn parse_offset_name(name: &str) -> Option<(i32, Option<i32>)> {
    let upper = name.to_ascii_uppercase();
    let compact: String = upper
        .replace("(STANDARD)", "")
        .replace("(DAYLIGHT)", "")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '(' && *c != ')')
        .collect();
    let mut parts = compact.split('/');
    let first = parts.next()?;
    let second = parts.next();
    if parts.next().is_some() {
        return None;
    }
    let first = first
        .strip_prefix("GMT")
        .or_else(|| first.strip_prefix("UTC"))?;
    let standard = parse_offset_token(first)?;
    let daylight = match second {
        None => None,
        Some(token) => {
            let token = token
                .strip_prefix("GMT")
                .or_else(|| token.strip_prefix("UTC"))
                .unwrap_or(token);
            Some(parse_offset_token(token)?)
        }
    };
    Some((standard, daylight))
}

/// `+0100`, `-05.00`, `+01:00`, `+1`, `-4:30`: seconds east of UTC.
fn parse_offset_token(token: &str) -> Option<i32> {
    let (sign, rest) = match token.as_bytes().first()? {
        b'+' => (1, token.get(1..)?),
        b'-' => (-1, token.get(1..)?),
        _ => return None,
    };
    let (hours, minutes) = match rest.find([':', '.']) {
        Some(sep) => (rest.get(..sep)?, rest.get(sep + 1..)?),
        None if rest.len() == 4 => (rest.get(..2)?, rest.get(2..)?),
        None => (rest, "0"),
    };
    let all_digits =
        |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(hours) || !all_digits(minutes) {
        return None;
    }
    let hours: i32 = hours.parse().ok()?;
    let minutes: i32 = minutes.parse().ok()?;
    if hours > 14 || minutes >= 60 {
        return None;
    }
    Some(sign * (hours * 3600 + minutes * 60))
}

/// Rule 7: the first CLDR Windows zone using exactly the named offsets in `year`
/// whose rules agree with the VTIMEZONE (when there is one).
fn offset_name_match(
    shown: &str,
    (standard, daylight): (i32, Option<i32>),
    sig: Option<&Signature>,
    year: i32,
) -> Option<Resolved> {
    let mut wanted = vec![standard, daylight.unwrap_or(standard)];
    wanted.sort_unstable();
    wanted.dedup();
    let named = match daylight {
        Some(d) => format!("{}/{}", format_offset(standard), format_offset(d)),
        None => format_offset(standard),
    };
    let (zone, how) = match sig {
        Some(sig) => {
            if sig.offsets() != wanted {
                return None;
            }
            let (zone, score) = best_rule_match(sig, year, |tz_sig| tz_sig.offsets() == wanted)?;
            (
                zone,
                format!(
                    "its VTIMEZONE rules for {year} agree{}",
                    tolerance_note(score)
                ),
            )
        }
        None => {
            let start = year_start(year)?;
            let zone = candidates()
                .filter(|zone| offset_at(*zone, start).is_some_and(|o| wanted.contains(&o)))
                .find(|zone| tz_signature(*zone, year).is_some_and(|s| s.offsets() == wanted))?;
            (
                zone,
                format!("no VTIMEZONE, chosen by the offsets in {year}"),
            )
        }
    };
    let windows = windows_name(zone).unwrap_or("?");
    Some(Resolved {
        zone,
        rule: MatchRule::CdoOffsetName,
        detail: format!(
            "TZID {shown:?} names UTC offsets {named}; {how}: first CLDR Windows zone \
             {windows:?} with them, {}",
            zone.name()
        ),
    })
}

fn format_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let abs = seconds.unsigned_abs();
    format!("{sign}{:02}{:02}", abs / 3600, abs / 60 % 60)
}

fn tolerance_note(score: i64) -> String {
    if score == 0 {
        String::new()
    } else {
        format!(" (transitions within {} min)", score / 60)
    }
}

/// The tzdb areas, for `Europe_London`.
#[rustfmt::skip]
const AREAS: [&str; 11] = [
    "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe",
    "Indian", "Pacific", "Etc",
];

/// Rule 8: `/softwarestudio.org/Olson_20011030_5/America/New_York`,
/// `/mozilla.org/20070129_1/…`, `/freeassociation.sourceforge.net/Tzfile/…`,
/// `/citadel.org/…`, `posix/…`, `right/…`, `SystemV/…`, and `Europe_London`
/// (area separator written as `_`). Returns the prefix removed and the zone.
fn strip_vendor_prefix(name: &str) -> Option<(&str, Tz)> {
    if name.starts_with('/') {
        let parts: Vec<&str> = name.split('/').filter(|p| !p.is_empty()).collect();
        for take in [3usize, 2, 1] {
            let Some(first) = parts.len().checked_sub(take) else {
                continue;
            };
            let rest = parts.get(first..).unwrap_or_default().join("/");
            if let Some(zone) = canonical_iana(&rest) {
                let prefix = name
                    .get(..name.len().saturating_sub(rest.len()))
                    .unwrap_or(name);
                return Some((prefix, zone));
            }
        }
        return None;
    }
    for prefix in ["posix/", "right/", "zoneinfo/", "SystemV/"] {
        let Some(head) = name.get(..prefix.len()) else {
            continue;
        };
        if head.eq_ignore_ascii_case(prefix) {
            let rest = name.get(prefix.len()..).unwrap_or("");
            if let Some(zone) = canonical_iana(rest) {
                return Some((head, zone));
            }
        }
    }
    if !name.contains('/') {
        if let Some((area, rest)) = name.split_once('_') {
            if AREAS.iter().any(|a| a.eq_ignore_ascii_case(area)) {
                let zone = canonical_iana(&format!("{area}/{rest}"))?;
                return Some(("_", zone));
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------
// Rule 9 and the offset check: a zone's UTC offsets and transitions in one year
// ---------------------------------------------------------------------------

/// A UTC-offset change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Transition {
    /// Seconds since the Unix epoch.
    at: i64,
    from: i32,
    to: i32,
}

/// A zone's behaviour in one year: the offset on 1 January 00:00 UTC and the
/// changes during the year, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Signature {
    start: i32,
    transitions: Vec<Transition>,
}

impl Signature {
    /// Every offset in use during the year, sorted, without duplicates.
    fn offsets(&self) -> Vec<i32> {
        let mut all: Vec<i32> = std::iter::once(self.start)
            .chain(self.transitions.iter().map(|t| t.to))
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }
}

/// [`tz_signature`] results of [`offsets_agree`] (the zone-by-zone searches of rules 7
/// and 9 compute theirs without the memo, so as not to crowd it out).
static SIGNATURES: Memo<(Tz, i32), Option<Arc<Signature>>> = Memo::new(64);

/// Whether the VTIMEZONE (if any) uses only offsets the zone uses in `year`.
fn offsets_agree(sig: Option<&Signature>, zone: Tz, year: i32) -> bool {
    let Some(sig) = sig else {
        return true;
    };
    let Some(tz_sig) =
        SIGNATURES.get_or_compute(&(zone, year), || tz_signature(zone, year).map(Arc::new))
    else {
        return true;
    };
    let theirs = tz_sig.offsets();
    sig.offsets().iter().all(|o| theirs.contains(o))
}

/// Rule 9.
fn rule_match(raw: &str, sig: &Signature, year: i32) -> Option<Resolved> {
    let (zone, score) = best_rule_match(sig, year, |_| true)?;
    let windows = windows_name(zone).unwrap_or("?");
    let offsets: Vec<String> = sig.offsets().into_iter().map(format_offset).collect();
    Some(Resolved {
        zone,
        rule: MatchRule::EmbeddedRules,
        detail: format!(
            "VTIMEZONE {:?}: its rules for {year} (offsets {}, {} transition(s)) match {} \
             (Windows {windows:?}){}",
            shown(raw),
            offsets.join("/"),
            sig.transitions.len(),
            zone.name(),
            tolerance_note(score)
        ),
    })
}

/// Every zone CLDR maps to a Windows zone: the 001 representatives in CLDR order
/// first, then the others in CLDR order.
fn candidates() -> impl Iterator<Item = Tz> {
    let primary = WINDOWS_ZONES
        .iter()
        .filter(|(_, territory, _)| *territory == "001");
    let others = WINDOWS_ZONES
        .iter()
        .filter(|(_, territory, _)| *territory != "001");
    primary
        .chain(others)
        .flat_map(|(_, _, zones)| zones.split(' '))
        .filter_map(|name| name.parse::<Tz>().ok())
}

/// The candidate whose year matches `sig` best (all transitions within the
/// tolerance; least total deviation; earliest candidate on a tie).
fn best_rule_match(
    sig: &Signature,
    year: i32,
    accept: impl Fn(&Signature) -> bool,
) -> Option<(Tz, i64)> {
    let start = year_start(year)?;
    let mut best: Option<(Tz, i64)> = None;
    let mut tried: Vec<Tz> = Vec::new();
    for zone in candidates() {
        if tried.contains(&zone) {
            continue;
        }
        tried.push(zone);
        if offset_at(zone, start) != Some(sig.start) {
            continue;
        }
        let Some(tz_sig) = tz_signature(zone, year) else {
            continue;
        };
        if !accept(&tz_sig) {
            continue;
        }
        let Some(score) = deviation(sig, &tz_sig) else {
            continue;
        };
        if best.is_none_or(|(_, b)| score < b) {
            best = Some((zone, score));
            if score == 0 {
                break;
            }
        }
    }
    best
}

/// Total distance between matching transitions, `None` when they do not match.
fn deviation(ours: &Signature, theirs: &Signature) -> Option<i64> {
    if ours.start != theirs.start || ours.transitions.len() != theirs.transitions.len() {
        return None;
    }
    let mut total = 0i64;
    for (a, b) in ours.transitions.iter().zip(&theirs.transitions) {
        let distance = a.at.checked_sub(b.at)?.checked_abs()?;
        if a.from != b.from || a.to != b.to || distance > TRANSITION_TOLERANCE {
            return None;
        }
        total = total.saturating_add(distance);
    }
    Some(total)
}

fn year_start(year: i32) -> Option<i64> {
    Some(
        NaiveDate::from_ymd_opt(year, 1, 1)?
            .and_time(NaiveTime::MIN)
            .and_utc()
            .timestamp(),
    )
}

fn offset_at(zone: Tz, at: i64) -> Option<i32> {
    let utc = DateTime::from_timestamp(at, 0)?.naive_utc();
    Some(zone.offset_from_utc_datetime(&utc).fix().local_minus_utc())
}

/// tzdb's behaviour of `zone` in `year`: a weekly scan (no two changes cancel out
/// within a week in modern tzdb), then a binary search for the second of each change.
fn tz_signature(zone: Tz, year: i32) -> Option<Signature> {
    let start = year_start(year)?;
    let end = year_start(year.checked_add(1)?)?;
    let first = offset_at(zone, start)?;
    let mut previous = first;
    let mut transitions = Vec::new();
    let mut day = start;
    while day < end {
        let next = day.saturating_add(7 * 86_400).min(end);
        let offset = offset_at(zone, next)?;
        if offset != previous {
            let (mut lo, mut hi) = (day, next);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset_at(zone, mid)? == previous {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            if hi < end {
                transitions.push(Transition {
                    at: hi,
                    from: previous,
                    to: offset,
                });
            }
            previous = offset;
        }
        day = next;
    }
    Some(Signature {
        start: first,
        transitions,
    })
}

/// One STANDARD or DAYLIGHT sub-component.
#[derive(Debug, Clone)]
struct Observance {
    from: i32,
    to: i32,
    start: NaiveDateTime,
    rule: Option<Arc<Recur>>,
    rdates: Vec<NaiveDateTime>,
}

fn observances(vtimezone: &Component) -> Vec<Observance> {
    vtimezone
        .components
        .iter()
        .filter(|c| c.is("STANDARD") || c.is("DAYLIGHT"))
        .take(MAX_OBSERVANCES)
        .filter_map(|c| {
            let to = parse_utc_offset(c.property("TZOFFSETTO")?.value()).ok()?;
            let from = c
                .property("TZOFFSETFROM")
                .and_then(|p| parse_utc_offset(p.value()).ok())
                .unwrap_or(to);
            let start =
                local_time(&parse_date_or_date_time(c.property("DTSTART")?.value(), None).ok()?);
            let rule = c
                .property("RRULE")
                .and_then(|p| super::rules::parse(p.value()));
            let rdates = c
                .properties_named("RDATE")
                .flat_map(|p| p.value().split(','))
                .take(MAX_RDATES)
                .filter_map(|v| {
                    let v = v.split('/').next().unwrap_or(v);
                    parse_date_or_date_time(v, None)
                        .ok()
                        .map(|d| local_time(&d))
                })
                .collect();
            Some(Observance {
                from,
                to,
                start,
                rule,
                rdates,
            })
        })
        .collect()
}

fn local_time(value: &DateTimeValue) -> NaiveDateTime {
    match value {
        DateTimeValue::Date(d) => d.and_time(NaiveTime::MIN),
        DateTimeValue::Floating(dt) | DateTimeValue::Utc(dt) => *dt,
        DateTimeValue::Zoned { local, .. } => *local,
    }
}

/// [`vtimezone_signature`] results by the VTIMEZONE's content and the year.
static SENDER_SIGNATURES: Memo<Vec<u8>, Option<Arc<Signature>>> = Memo::new(64);

/// [`vtimezone_signature`], through a process-wide memo keyed by the VTIMEZONE's
/// content (`key`, its [`super::memo::content_key`]; `None` when that is too large)
/// and the year.
fn sender_signature(
    vtimezone: &Component,
    key: Option<&[u8]>,
    year: i32,
) -> Option<Arc<Signature>> {
    let compute = || vtimezone_signature(vtimezone, year).map(Arc::new);
    let year_bytes = year.to_le_bytes();
    match key {
        Some(key) => SENDER_SIGNATURES.get_or_compute_with(
            |k| k.strip_suffix(&year_bytes) == Some(key),
            || [key, &year_bytes].concat(),
            compute,
        ),
        None => compute(),
    }
}

/// The sender's VTIMEZONE in `year`; `None` when it has no usable observance.
fn vtimezone_signature(vtimezone: &Component, year: i32) -> Option<Signature> {
    let observances = observances(vtimezone);
    if observances.is_empty() {
        return None;
    }
    let start = year_start(year)?;
    let end = year_start(year.checked_add(1)?)?;
    let utc = |o: &Observance, local: NaiveDateTime| {
        local
            .and_utc()
            .timestamp()
            .saturating_sub(i64::from(o.from))
    };
    let mut transitions: Vec<Transition> = Vec::new();
    let mut found: Vec<NaiveDateTime> = Vec::new();
    let mut days: Vec<NaiveDate> = Vec::new();
    for o in &observances {
        onsets(o, year, &mut found, &mut days);
        for &local in &found {
            let at = utc(o, local);
            if (start..end).contains(&at) {
                transitions.push(Transition {
                    at,
                    from: o.from,
                    to: o.to,
                });
            }
        }
    }
    transitions.sort_by_key(|t| t.at);
    transitions.dedup_by_key(|t| t.at);
    // The offset on 1 January: the latest onset before it, else the first change's
    // "from", else the only observance.
    let mut latest: Option<(i64, i32)> = None;
    for o in &observances {
        let mut consider = |local: NaiveDateTime| {
            let at = utc(o, local);
            if at < start && latest.is_none_or(|(t, _)| at > t) {
                latest = Some((at, o.to));
            }
        };
        for back in 1..=2 {
            if let Some(y) = year.checked_sub(back) {
                onsets(o, y, &mut found, &mut days);
                found.iter().copied().for_each(&mut consider);
            }
        }
        if o.start.year() < year {
            consider(o.start);
        }
    }
    let first = match (latest, transitions.first(), observances.as_slice()) {
        (Some((_, to)), _, _) => to,
        (None, Some(t), _) => t.from,
        (None, None, [only]) => only.to,
        (None, None, _) => return None,
    };
    // Drop changes that change nothing (a VTIMEZONE may repeat an observance).
    let mut current = first;
    transitions.retain(|t| {
        let keep = t.to != current;
        current = t.to;
        keep
    });
    Some(Signature {
        start: first,
        transitions,
    })
}

/// The local onsets of an observance in `year`: its DTSTART, RDATEs and yearly
/// RRULE occurrences (BYMONTH with BYDAY ordinals and/or BYMONTHDAY).
///
/// They are written to `out` (emptied first), in order; `days` is room for
/// [`month_days`].
fn onsets(o: &Observance, year: i32, out: &mut Vec<NaiveDateTime>, days: &mut Vec<NaiveDate>) {
    out.clear();
    if o.start.year() == year {
        out.push(o.start);
    }
    out.extend(o.rdates.iter().filter(|d| d.year() == year));
    if let Some(rule) = &o.rule {
        rule_onsets(o, rule, year, out, days);
    }
    out.sort_unstable();
    out.dedup();
}

/// Adds the rule's onsets in `year` to `out`.
fn rule_onsets(
    o: &Observance,
    rule: &Recur,
    year: i32,
    out: &mut Vec<NaiveDateTime>,
    days: &mut Vec<NaiveDate>,
) {
    let unsupported = rule.freq != Frequency::Yearly
        || !rule.by_year_day.is_empty()
        || !rule.by_week_no.is_empty()
        || !rule.by_set_pos.is_empty()
        || (rule.by_month.is_empty() && rule.by_day.iter().any(|d| d.ordinal.is_some()));
    let Some(elapsed) = year.checked_sub(o.start.year()) else {
        return;
    };
    if unsupported || elapsed < 0 {
        return;
    }
    let interval = i64::from(rule.interval.unwrap_or(1).max(1));
    if i64::from(elapsed) % interval != 0 {
        return;
    }
    if let Some(count) = rule.count {
        if i64::from(elapsed) / interval >= i64::from(count) {
            return;
        }
    }
    // BYMONTH, else the month of DTSTART.
    let months = rule
        .by_month
        .iter()
        .map(|m| u32::from(*m))
        .chain(rule.by_month.is_empty().then(|| o.start.month()));
    let hour = rule
        .by_hour
        .first()
        .map_or(o.start.hour(), |h| u32::from(*h));
    let minute = rule
        .by_minute
        .first()
        .map_or(o.start.minute(), |m| u32::from(*m));
    let Some(time) = NaiveTime::from_hms_opt(hour, minute, o.start.second()) else {
        return;
    };
    for month in months {
        month_days(rule, year, month, o.start.day(), days);
        for day in days.iter() {
            let local = day.and_time(time);
            if local < o.start || !before_until(o, rule, local) {
                continue;
            }
            out.push(local);
        }
    }
}

fn before_until(o: &Observance, rule: &Recur, local: NaiveDateTime) -> bool {
    match &rule.until {
        None => true,
        Some(DateTimeValue::Date(d)) => local.date() <= *d,
        Some(DateTimeValue::Utc(until)) => {
            local
                .and_utc()
                .timestamp()
                .saturating_sub(i64::from(o.from))
                <= until.and_utc().timestamp()
        }
        Some(DateTimeValue::Floating(until) | DateTimeValue::Zoned { local: until, .. }) => {
            local <= *until
        }
    }
}

/// The days of `month` in `year` the rule selects, in order, into `out` (emptied
/// first).
fn month_days(rule: &Recur, year: i32, month: u32, start_day: u32, out: &mut Vec<NaiveDate>) {
    out.clear();
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
        return;
    };
    let len = (28..=31u32)
        .rev()
        .find(|d| NaiveDate::from_ymd_opt(year, month, *d).is_some())
        .unwrap_or(0);
    // The day (1-based) that a BYMONTHDAY value selects: from the end when negative.
    let month_day = |n: i8| -> Option<u32> {
        let len = i32::try_from(len).ok()?;
        let index = if n > 0 {
            i32::from(n) - 1
        } else {
            len + i32::from(n)
        };
        let day = u32::try_from(index).ok()?.checked_add(1)?;
        (i64::from(index) < i64::from(len)).then_some(day)
    };
    let mut days: Vec<u32> = if !rule.by_day.is_empty() {
        let first_weekday = first.weekday().num_days_from_monday();
        let mut picked = Vec::new();
        for wd in &rule.by_day {
            // The days of the month on this weekday, in order.
            let first_match = 1 + (wd.weekday.num_days_from_monday() + 7 - first_weekday) % 7;
            let matching = (0..5u32)
                .map(|k| first_match + 7 * k)
                .take_while(|d| *d <= len);
            match wd.ordinal {
                None => picked.extend(matching),
                Some(n) => {
                    let count = i32::try_from(matching.clone().count()).unwrap_or(0);
                    let index = if n > 0 {
                        i32::from(n) - 1
                    } else {
                        count + i32::from(n)
                    };
                    if let Some(d) = usize::try_from(index)
                        .ok()
                        .and_then(|i| matching.clone().nth(i))
                    {
                        picked.push(d);
                    }
                }
            }
        }
        if !rule.by_month_day.is_empty() {
            picked.retain(|d| rule.by_month_day.iter().any(|n| month_day(*n) == Some(*d)));
        }
        picked
    } else if !rule.by_month_day.is_empty() {
        rule.by_month_day
            .iter()
            .filter_map(|n| month_day(*n))
            .collect()
    } else {
        out.extend(NaiveDate::from_ymd_opt(year, month, start_day));
        return;
    };
    days.sort_unstable();
    days.dedup();
    out.extend(
        days.into_iter()
            .filter_map(|d| NaiveDate::from_ymd_opt(year, month, d)),
    );
}

#[cfg(test)]
#[path = "resolve_tests.rs"]
mod tests;
