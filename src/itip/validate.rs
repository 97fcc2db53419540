//! iTIP validation (RFC 5546, RFC 5545, RFC 6047): reports what keeps a calendar from
//! being a canonical iTIP message, and, under [`Profile::Outlook`], what Outlook and
//! Exchange are known to reject or misread. Nothing is changed; every finding is a
//! [`Violation`] with a stable [`ViolationCode`].
//!
//! The VEVENT restriction tables of RFC 5546 section 3.2 are data ([`event_rules`]):
//! a presence per property plus the STATUS values, sub-components and top-level
//! components each method allows. Properties a table does not list (X- and IANA
//! properties) are allowed any number of times.
//!
//! Order of the findings is deterministic and follows the document: first the
//! VCALENDAR's own properties (in the order written), then the MIME `method=`
//! parameter and the Outlook method rule, then every top-level component in the order
//! written. Within a VEVENT: its properties in the order written, then what is
//! missing (in table order), then the component-level rules (DTEND/DURATION, UID,
//! ORGANIZER, RECURRENCE-ID), its sub-components, and the Outlook rules.

// Until the pipeline calls the validator, nothing outside the tests uses it. Remove
// this once `validate_roots` / `validate_ics` are wired in.

use super::names::{attendee_params, Name, NAME_COUNT};
use super::text::trim;
use super::{address_of, address_part};
use crate::ical::value::{
    parse_date_or_date_time, parse_duration, parse_recur, unescape_text, DateTimeValue, Frequency,
};
use crate::ical::{Component, Property};
use crate::options::Limits;
use crate::{Method, Profile};
use serde::Serialize;
use std::borrow::Borrow;
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::sync::OnceLock;

// ---------------------------------------------------------------------------
// Codes and findings
// ---------------------------------------------------------------------------

macro_rules! violation_codes {
    ($($(#[$vmeta:meta])* $variant:ident => $code:literal,)*) => {
        /// What is wrong, as a stable snake_case code. New codes may be added; existing
        /// ones never change meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ViolationCode {
            $($(#[$vmeta])* $variant,)*
        }

        impl ViolationCode {
            /// The stable snake_case code.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ViolationCode::$variant => $code,)*
                }
            }

            /// Every code, in declaration order.
            pub const ALL: &'static [ViolationCode] = &[$(ViolationCode::$variant,)*];
        }
    };
}

violation_codes! {
    /// The input is not an iCalendar object at all (no component could be read).
    Unparseable => "unparseable",
    /// A top-level object is not a VCALENDAR.
    NotVcalendar => "not_vcalendar",
    /// The VCALENDAR has no METHOD (iMIP requires one).
    MethodMissing => "method_missing",
    /// METHOD is not one of the eight RFC 5546 methods.
    MethodUnknown => "method_unknown",
    /// The MIME `method=` parameter differs from METHOD (RFC 6047 section 2.4).
    MethodParamMismatch => "method_param_mismatch",
    /// Several VCALENDARs of one message carry different METHODs.
    MultipleMethods => "multiple_methods",
    /// A component the method does not allow (a VTODO in a VEVENT REQUEST, a VALARM
    /// in a CANCEL or REPLY, a STANDARD outside a VTIMEZONE).
    ComponentForbidden => "component_forbidden",
    /// A property with presence `1` or `1+` is missing.
    PropertyMissing => "property_missing",
    /// A property with presence `1` or `0 or 1` occurs more than once.
    PropertyTooMany => "property_too_many",
    /// A property with presence `0` is present.
    PropertyForbidden => "property_forbidden",
    /// A value is not valid: a STATUS the method does not allow, a SEQUENCE that is
    /// not a non-negative integer, a DTSTAMP not in UTC, an unparseable DTSTART, DTEND,
    /// RECURRENCE-ID, DURATION or RRULE, a DTEND before DTSTART, VERSION not 2.0.
    ValueInvalid => "value_invalid",
    /// A VEVENT has both DTEND and DURATION.
    DtendAndDuration => "dtend_and_duration",
    /// VEVENTs of one iTIP message carry different UIDs.
    UidMismatch => "uid_mismatch",
    /// VEVENTs of one event carry different ORGANIZERs.
    OrganizerMismatch => "organizer_mismatch",
    /// A TZID parameter names no VTIMEZONE of the calendar.
    TimezoneUndefined => "timezone_undefined",
    /// An instance (RECURRENCE-ID) has no master VEVENT with RRULE or RDATE and the
    /// same UID, in a REQUEST, PUBLISH or ADD with more than one VEVENT.
    RecurrenceIdWithoutMaster => "recurrence_id_without_master",
    /// SEQUENCE is missing where RFC 5546 requires it (ADD, CANCEL, COUNTER).
    SequenceRequired => "sequence_required",
    /// A REPLY VEVENT does not have exactly one ATTENDEE (the one replying).
    ReplyAttendeeCount => "reply_attendee_count",
    /// Outlook: PUBLISH and ADD are shown as raw text, not as a meeting.
    OutlookMethodNotShown => "outlook_method_not_shown",
    /// Outlook: a REQUEST or CANCEL VEVENT lacks one of the X-MICROSOFT-CDO properties.
    OutlookCdoMissing => "outlook_cdo_missing",
    /// Outlook: a REQUEST ATTENDEE lacks ROLE, PARTSTAT or RSVP.
    OutlookAttendeeParams => "outlook_attendee_params",
    /// Outlook: RDATE without RRULE cannot be expressed.
    OutlookRdateWithoutRrule => "outlook_rdate_without_rrule",
    /// Outlook: DTSTART, DTEND and RECURRENCE-ID of one VEVENT use different TZIDs.
    OutlookTzidMismatch => "outlook_tzid_mismatch",
    /// Outlook 2010/2016: a CANCEL with TZID-qualified times is rejected (UTC works).
    OutlookCancelTzid => "outlook_cancel_tzid",
    /// Outlook/Exchange: a VTIMEZONE that is not one STANDARD and at most one DAYLIGHT,
    /// each with DTSTART and TZOFFSETTO.
    OutlookVtimezoneShape => "outlook_vtimezone_shape",
    /// Outlook: a MONTHLY or YEARLY RRULE with several different ordinal weekdays.
    OutlookNthWeekdayList => "outlook_nth_weekday_list",
    /// Outlook: a UID with Outlook's GlobalObjectId prefix that is not a valid one.
    OutlookUidMalformed => "outlook_uid_malformed",
}

impl ViolationCode {
    /// Whether the code belongs to the Outlook profile (only reported with
    /// [`Profile::Outlook`]).
    pub const fn is_outlook(self) -> bool {
        matches!(
            self,
            ViolationCode::OutlookMethodNotShown
                | ViolationCode::OutlookCdoMissing
                | ViolationCode::OutlookAttendeeParams
                | ViolationCode::OutlookRdateWithoutRrule
                | ViolationCode::OutlookTzidMismatch
                | ViolationCode::OutlookCancelTzid
                | ViolationCode::OutlookVtimezoneShape
                | ViolationCode::OutlookNthWeekdayList
                | ViolationCode::OutlookUidMalformed
        )
    }
}

impl fmt::Display for ViolationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ViolationCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// What is wrong.
    pub code: ViolationCode,
    /// The component it was found in, upper-case: `VCALENDAR`, `VEVENT`, `VTIMEZONE`,
    /// or the forbidden component itself.
    pub component: String,
    /// The property concerned, upper-case, if any.
    pub property: Option<String>,
    /// A human-readable explanation.
    pub message: String,
}

impl Violation {
    /// A new finding.
    pub fn new(
        code: ViolationCode,
        component: impl Into<String>,
        property: Option<&str>,
        message: impl Into<String>,
    ) -> Violation {
        Violation {
            code,
            component: component.into(),
            property: property.map(str::to_owned),
            message: message.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.component)?;
        if let Some(p) = &self.property {
            write!(f, ".{p}")?;
        }
        write!(f, ": {}", self.message)
    }
}

// ---------------------------------------------------------------------------
// RFC 5546 section 3.2: the VEVENT restriction tables
// ---------------------------------------------------------------------------

/// How often a property may occur in a component (the "Presence" column of RFC 5546).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Presence {
    /// `1`: exactly once.
    One,
    /// `1+`: at least once.
    OneOrMore,
    /// `0 or 1`: at most once.
    ZeroOrOne,
    /// `0+`: any number of times.
    ZeroOrMore,
    /// `0`: never.
    Zero,
}

impl Presence {
    /// How the RFC writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Presence::One => "1",
            Presence::OneOrMore => "1+",
            Presence::ZeroOrOne => "0 or 1",
            Presence::ZeroOrMore => "0+",
            Presence::Zero => "0",
        }
    }
}

/// The restriction table of one method for VEVENT.
#[derive(Debug)]
pub struct EventRules {
    /// The method.
    pub method: Method,
    /// The section of RFC 5546 the table comes from.
    pub section: &'static str,
    /// Presence of each listed property; unlisted properties are allowed `0+`.
    pub properties: &'static [(&'static str, Presence)],
    /// The STATUS values allowed (empty when STATUS has presence `0`).
    pub status: &'static [&'static str],
    /// The sub-components a VEVENT may contain (VALARM or nothing).
    pub sub_components: &'static [&'static str],
    /// The top-level components that must not accompany the VEVENTs.
    pub forbidden_components: &'static [&'static str],
    /// Whether every VEVENT must carry the same UID.
    pub same_uid: bool,
}

impl EventRules {
    /// The presence of `name` (case-insensitive); `None` for an unlisted property.
    /// (The validator itself counts by position, with `EventRules::listed`.)
    #[cfg(test)]
    pub fn presence(&self, name: &str) -> Option<Presence> {
        self.listed(&upper(name)).map(|(_, p)| p)
    }

    /// The position in [`EventRules::properties`] and the presence of `name`, which
    /// must be upper-case; `None` for an unlisted property. (The validator looks names
    /// up with [`EventRules::listed_name`].)
    #[cfg(test)]
    fn listed(&self, name: &str) -> Option<(usize, Presence)> {
        // The tables list no X- property (and Outlook writes many).
        if name.starts_with("X-") {
            return None;
        }
        let first = name.as_bytes().first();
        let i = self
            .properties
            .iter()
            .position(|&(n, _)| n.as_bytes().first() == first && n == name)?;
        self.properties.get(i).map(|&(_, p)| (i, p))
    }
}

impl EventRules {
    /// `EventRules::listed` by [`Name`]: one lookup in a table made once per method.
    fn listed_name(&self, name: Name) -> Option<(usize, Presence)> {
        /// The table of each method, in [`Method::ALL`] order: position and presence by
        /// [`Name`].
        type ByName = [Option<(u8, Presence)>; NAME_COUNT];
        static BY_NAME: OnceLock<[ByName; 8]> = OnceLock::new();
        let tables = BY_NAME.get_or_init(|| {
            Method::ALL.map(|m| {
                let mut t: ByName = [None; NAME_COUNT];
                for (i, &(n, presence)) in event_rules(m).properties.iter().enumerate() {
                    let slot = t.get_mut(Name::of_upper(n.as_bytes()) as usize);
                    if let (Some(slot @ None), Ok(i)) = (slot, u8::try_from(i)) {
                        *slot = Some((i, presence));
                    }
                }
                t
            })
        });
        let slot = Method::ALL.iter().position(|&m| m == self.method)?;
        let (i, presence) = (*tables.get(slot)?.get(name as usize)?)?;
        Some((usize::from(i), presence))
    }
}

use Presence::{One, OneOrMore, Zero, ZeroOrMore, ZeroOrOne};

/// Every STATUS value a VEVENT may have (RFC 5545 section 3.8.1.11).
const STATUS_EVENT: &[&str] = &["TENTATIVE", "CONFIRMED", "CANCELLED"];
const STATUS_TENTATIVE_CONFIRMED: &[&str] = &["TENTATIVE", "CONFIRMED"];
const STATUS_CANCELLED: &[&str] = &["CANCELLED"];
const STATUS_NONE: &[&str] = &[];
const SUB_VALARM: &[&str] = &["VALARM"];
const SUB_NONE: &[&str] = &[];
/// "VTODO 0, VJOURNAL 0, VFREEBUSY 0" closes every VEVENT table.
const NOT_WITH_VEVENT: &[&str] = &["VTODO", "VJOURNAL", "VFREEBUSY"];

/// RFC 5546 section 3.2.1, "Constraints for a METHOD:PUBLISH of a VEVENT" (transcribed
/// from the RFC's table). VEVENT `1+` with no same-UID requirement.
static PUBLISH: EventRules = EventRules {
    method: Method::Publish,
    section: "3.2.1",
    properties: &[
        ("DTSTAMP", One),
        ("DTSTART", One),
        ("ORGANIZER", One),
        ("SUMMARY", One),
        ("UID", One),
        ("RECURRENCE-ID", ZeroOrOne),
        ("SEQUENCE", ZeroOrOne),
        ("ATTACH", ZeroOrMore),
        ("CATEGORIES", ZeroOrMore),
        ("CLASS", ZeroOrOne),
        ("COMMENT", ZeroOrMore),
        ("CONTACT", ZeroOrOne),
        ("CREATED", ZeroOrOne),
        ("DESCRIPTION", ZeroOrOne),
        ("DTEND", ZeroOrOne),
        ("DURATION", ZeroOrOne),
        ("EXDATE", ZeroOrMore),
        ("GEO", ZeroOrOne),
        ("LAST-MODIFIED", ZeroOrOne),
        ("LOCATION", ZeroOrOne),
        ("PRIORITY", ZeroOrOne),
        ("RDATE", ZeroOrMore),
        ("RELATED-TO", ZeroOrMore),
        ("RESOURCES", ZeroOrMore),
        ("RRULE", ZeroOrOne),
        ("STATUS", ZeroOrOne),
        ("TRANSP", ZeroOrOne),
        ("URL", ZeroOrOne),
        ("ATTENDEE", Zero),
        ("REQUEST-STATUS", Zero),
    ],
    status: STATUS_EVENT,
    sub_components: SUB_VALARM,
    forbidden_components: NOT_WITH_VEVENT,
    same_uid: false,
};

/// RFC 5546 section 3.2.2, "Constraints for a METHOD:REQUEST of a VEVENT"
/// (transcribed from the RFC's table). "All components MUST have the same UID."
static REQUEST: EventRules = EventRules {
    method: Method::Request,
    section: "3.2.2",
    properties: &[
        ("ATTENDEE", OneOrMore),
        ("DTSTAMP", One),
        ("DTSTART", One),
        ("ORGANIZER", One),
        ("SEQUENCE", ZeroOrOne),
        ("SUMMARY", One),
        ("UID", One),
        ("ATTACH", ZeroOrMore),
        ("CATEGORIES", ZeroOrMore),
        ("CLASS", ZeroOrOne),
        ("COMMENT", ZeroOrMore),
        ("CONTACT", ZeroOrMore),
        ("CREATED", ZeroOrOne),
        ("DESCRIPTION", ZeroOrOne),
        ("DTEND", ZeroOrOne),
        ("DURATION", ZeroOrOne),
        ("EXDATE", ZeroOrMore),
        ("GEO", ZeroOrOne),
        ("LAST-MODIFIED", ZeroOrOne),
        ("LOCATION", ZeroOrOne),
        ("PRIORITY", ZeroOrOne),
        ("RDATE", ZeroOrMore),
        ("RECURRENCE-ID", ZeroOrOne),
        ("RELATED-TO", ZeroOrMore),
        ("REQUEST-STATUS", Zero),
        ("RESOURCES", ZeroOrMore),
        ("RRULE", ZeroOrOne),
        ("STATUS", ZeroOrOne),
        ("TRANSP", ZeroOrOne),
        ("URL", ZeroOrOne),
    ],
    status: STATUS_TENTATIVE_CONFIRMED,
    sub_components: SUB_VALARM,
    forbidden_components: NOT_WITH_VEVENT,
    same_uid: true,
};

/// RFC 5546 section 3.2.3, "Constraints for a METHOD:REPLY of a VEVENT".
///
/// Uncertain (the RFC text could not be re-read while writing this; the table follows
/// the RFC 2446 table it revises, with EXRULE gone and the 0+ multiplicities RFC 5546
/// uses in REQUEST): CATEGORIES, COMMENT, CONTACT and RESOURCES `0+`; RRULE `0 or 1`;
/// no restriction on the STATUS value. Sure: ATTENDEE `1` ("MUST be the address of the
/// Attendee replying"), DTSTAMP, ORGANIZER, UID `1`, REQUEST-STATUS `0+`, VALARM `0`,
/// all VEVENTs with the same UID.
static REPLY: EventRules = EventRules {
    method: Method::Reply,
    section: "3.2.3",
    properties: &[
        ("ATTENDEE", One),
        ("DTSTAMP", One),
        ("ORGANIZER", One),
        ("RECURRENCE-ID", ZeroOrOne),
        ("UID", One),
        ("SEQUENCE", ZeroOrOne),
        ("ATTACH", ZeroOrMore),
        ("CATEGORIES", ZeroOrMore),
        ("CLASS", ZeroOrOne),
        ("COMMENT", ZeroOrMore),
        ("CONTACT", ZeroOrMore),
        ("CREATED", ZeroOrOne),
        ("DESCRIPTION", ZeroOrOne),
        ("DTEND", ZeroOrOne),
        ("DTSTART", ZeroOrOne),
        ("DURATION", ZeroOrOne),
        ("EXDATE", ZeroOrMore),
        ("GEO", ZeroOrOne),
        ("LAST-MODIFIED", ZeroOrOne),
        ("LOCATION", ZeroOrOne),
        ("PRIORITY", ZeroOrOne),
        ("RDATE", ZeroOrMore),
        ("RELATED-TO", ZeroOrMore),
        ("RESOURCES", ZeroOrMore),
        ("REQUEST-STATUS", ZeroOrMore),
        ("RRULE", ZeroOrOne),
        ("STATUS", ZeroOrOne),
        ("SUMMARY", ZeroOrOne),
        ("TRANSP", ZeroOrOne),
        ("URL", ZeroOrOne),
    ],
    status: STATUS_EVENT,
    sub_components: SUB_NONE,
    forbidden_components: NOT_WITH_VEVENT,
    same_uid: true,
};

/// RFC 5546 section 3.2.4, "Constraints for a METHOD:ADD of a VEVENT".
///
/// Sure: DTSTAMP, DTSTART, ORGANIZER, SEQUENCE ("MUST be greater than 0"), SUMMARY,
/// UID `1`; RECURRENCE-ID and REQUEST-STATUS `0`; VALARM `0+`.
/// RRULE, RDATE and EXDATE `0` (the added instance becomes an RDATE of the existing
/// event; RFC 2446 allowed them), as an independent transcription of RFC 5546 has it.
/// STATUS TENTATIVE/CONFIRMED as in REQUEST. The RFC's "VEVENT 1" (a single
/// component) is not checked.
static ADD: EventRules = EventRules {
    method: Method::Add,
    section: "3.2.4",
    properties: &[
        ("DTSTAMP", One),
        ("DTSTART", One),
        ("ORGANIZER", One),
        ("SEQUENCE", One),
        ("SUMMARY", One),
        ("UID", One),
        ("ATTACH", ZeroOrMore),
        ("ATTENDEE", ZeroOrMore),
        ("CATEGORIES", ZeroOrMore),
        ("CLASS", ZeroOrOne),
        ("COMMENT", ZeroOrMore),
        ("CONTACT", ZeroOrMore),
        ("CREATED", ZeroOrOne),
        ("DESCRIPTION", ZeroOrOne),
        ("DTEND", ZeroOrOne),
        ("DURATION", ZeroOrOne),
        ("GEO", ZeroOrOne),
        ("LAST-MODIFIED", ZeroOrOne),
        ("LOCATION", ZeroOrOne),
        ("PRIORITY", ZeroOrOne),
        ("RELATED-TO", ZeroOrMore),
        ("RESOURCES", ZeroOrMore),
        ("STATUS", ZeroOrOne),
        ("TRANSP", ZeroOrOne),
        ("URL", ZeroOrOne),
        ("EXDATE", Zero),
        ("RDATE", Zero),
        ("RRULE", Zero),
        ("RECURRENCE-ID", Zero),
        ("REQUEST-STATUS", Zero),
    ],
    status: STATUS_TENTATIVE_CONFIRMED,
    sub_components: SUB_VALARM,
    forbidden_components: NOT_WITH_VEVENT,
    same_uid: true,
};

/// RFC 5546 section 3.2.5, "Constraints for a METHOD:CANCEL of a VEVENT" (transcribed
/// from the RFC's table). STATUS "MUST be set to CANCELLED to cancel the entire
/// event. If uninviting specific Attendees, then MUST NOT be included."
static CANCEL: EventRules = EventRules {
    method: Method::Cancel,
    section: "3.2.5",
    properties: &[
        ("ATTENDEE", ZeroOrMore),
        ("DTSTAMP", One),
        ("ORGANIZER", One),
        ("SEQUENCE", One),
        ("UID", One),
        ("COMMENT", ZeroOrMore),
        ("ATTACH", ZeroOrMore),
        ("CATEGORIES", ZeroOrMore),
        ("CLASS", ZeroOrOne),
        ("CONTACT", ZeroOrMore),
        ("CREATED", ZeroOrOne),
        ("DESCRIPTION", ZeroOrOne),
        ("DTEND", ZeroOrOne),
        ("DTSTART", ZeroOrOne),
        ("DURATION", ZeroOrOne),
        ("EXDATE", ZeroOrMore),
        ("GEO", ZeroOrOne),
        ("LAST-MODIFIED", ZeroOrOne),
        ("LOCATION", ZeroOrOne),
        ("PRIORITY", ZeroOrOne),
        ("RDATE", ZeroOrMore),
        ("RECURRENCE-ID", ZeroOrOne),
        ("RELATED-TO", ZeroOrMore),
        ("RESOURCES", ZeroOrMore),
        ("RRULE", ZeroOrOne),
        ("STATUS", ZeroOrOne),
        ("SUMMARY", ZeroOrOne),
        ("TRANSP", ZeroOrOne),
        ("URL", ZeroOrOne),
        ("REQUEST-STATUS", Zero),
    ],
    status: STATUS_CANCELLED,
    sub_components: SUB_NONE,
    forbidden_components: NOT_WITH_VEVENT,
    same_uid: true,
};

/// RFC 5546 section 3.2.6, "Constraints for a METHOD:REFRESH of a VEVENT".
///
/// ATTENDEE `1` ("MUST be the address of requester"), DTSTAMP, ORGANIZER, UID `1`,
/// COMMENT `0+`, RECURRENCE-ID `0 or 1`, every descriptive property and VALARM `0`.
/// Moderately sure (two independent transcriptions agree); the RFC's "VEVENT 1" is
/// not checked.
static REFRESH: EventRules = EventRules {
    method: Method::Refresh,
    section: "3.2.6",
    properties: &[
        ("ATTENDEE", One),
        ("DTSTAMP", One),
        ("ORGANIZER", One),
        ("UID", One),
        ("COMMENT", ZeroOrMore),
        ("RECURRENCE-ID", ZeroOrOne),
        ("ATTACH", Zero),
        ("CATEGORIES", Zero),
        ("CLASS", Zero),
        ("CONTACT", Zero),
        ("CREATED", Zero),
        ("DESCRIPTION", Zero),
        ("DTEND", Zero),
        ("DTSTART", Zero),
        ("DURATION", Zero),
        ("EXDATE", Zero),
        ("GEO", Zero),
        ("LAST-MODIFIED", Zero),
        ("LOCATION", Zero),
        ("PRIORITY", Zero),
        ("RDATE", Zero),
        ("RELATED-TO", Zero),
        ("REQUEST-STATUS", Zero),
        ("RESOURCES", Zero),
        ("RRULE", Zero),
        ("SEQUENCE", Zero),
        ("STATUS", Zero),
        ("SUMMARY", Zero),
        ("TRANSP", Zero),
        ("URL", Zero),
    ],
    status: STATUS_NONE,
    sub_components: SUB_NONE,
    forbidden_components: NOT_WITH_VEVENT,
    same_uid: true,
};

/// RFC 5546 section 3.2.7, "Constraints for a METHOD:COUNTER of a VEVENT".
///
/// DTSTAMP, DTSTART, ORGANIZER, SEQUENCE ("MUST echo the original SEQUENCE number"),
/// SUMMARY, UID `1`; ATTENDEE `0+` (may propose other attendees); REQUEST-STATUS `0+`;
/// VALARM `0+`. Uncertain: STATUS written as one of CONFIRMED/TENTATIVE/CANCELLED
/// (from memory of the RFC's comment); the RFC's "VEVENT 1" is not checked.
static COUNTER: EventRules = EventRules {
    method: Method::Counter,
    section: "3.2.7",
    properties: &[
        ("DTSTAMP", One),
        ("DTSTART", One),
        ("ORGANIZER", One),
        ("SEQUENCE", One),
        ("SUMMARY", One),
        ("UID", One),
        ("ATTACH", ZeroOrMore),
        ("ATTENDEE", ZeroOrMore),
        ("CATEGORIES", ZeroOrMore),
        ("CLASS", ZeroOrOne),
        ("COMMENT", ZeroOrMore),
        ("CONTACT", ZeroOrMore),
        ("CREATED", ZeroOrOne),
        ("DESCRIPTION", ZeroOrOne),
        ("DTEND", ZeroOrOne),
        ("DURATION", ZeroOrOne),
        ("EXDATE", ZeroOrMore),
        ("GEO", ZeroOrOne),
        ("LAST-MODIFIED", ZeroOrOne),
        ("LOCATION", ZeroOrOne),
        ("PRIORITY", ZeroOrOne),
        ("RDATE", ZeroOrMore),
        ("RECURRENCE-ID", ZeroOrOne),
        ("RELATED-TO", ZeroOrMore),
        ("REQUEST-STATUS", ZeroOrMore),
        ("RESOURCES", ZeroOrMore),
        ("RRULE", ZeroOrOne),
        ("STATUS", ZeroOrOne),
        ("TRANSP", ZeroOrOne),
        ("URL", ZeroOrOne),
    ],
    status: STATUS_EVENT,
    sub_components: SUB_VALARM,
    forbidden_components: NOT_WITH_VEVENT,
    same_uid: true,
};

/// RFC 5546 section 3.2.8, "Constraints for a METHOD:DECLINECOUNTER of a VEVENT".
///
/// RFC 5546 changed this table from RFC 2446: ATTENDEE `1+` ("MUST for all
/// attendees"), SEQUENCE `1` ("MUST echo the original SEQUENCE number"), the
/// descriptive properties `0 or 1`/`0+` as in the original request, STATUS
/// TENTATIVE/CONFIRMED, VALARM `0`. Checked against an independent transcription
/// (a Rust iTIP validator citing the section) and libical's reading that DTEND and
/// DURATION are allowed; the verbatim table is not in the project's reference folder.
static DECLINECOUNTER: EventRules = EventRules {
    method: Method::DeclineCounter,
    section: "3.2.8",
    properties: &[
        ("ATTENDEE", OneOrMore),
        ("DTSTAMP", One),
        ("ORGANIZER", One),
        ("SEQUENCE", One),
        ("UID", One),
        ("ATTACH", ZeroOrMore),
        ("CATEGORIES", ZeroOrMore),
        ("CLASS", ZeroOrOne),
        ("COMMENT", ZeroOrMore),
        ("CONTACT", ZeroOrMore),
        ("CREATED", ZeroOrOne),
        ("DESCRIPTION", ZeroOrOne),
        ("DTEND", ZeroOrOne),
        ("DTSTART", ZeroOrOne),
        ("DURATION", ZeroOrOne),
        ("EXDATE", ZeroOrMore),
        ("GEO", ZeroOrOne),
        ("LAST-MODIFIED", ZeroOrOne),
        ("LOCATION", ZeroOrOne),
        ("PRIORITY", ZeroOrOne),
        ("RDATE", ZeroOrMore),
        ("RECURRENCE-ID", ZeroOrOne),
        ("RELATED-TO", ZeroOrMore),
        ("REQUEST-STATUS", ZeroOrMore),
        ("RESOURCES", ZeroOrMore),
        ("RRULE", ZeroOrOne),
        ("STATUS", ZeroOrOne),
        ("SUMMARY", ZeroOrOne),
        ("TRANSP", ZeroOrOne),
        ("URL", ZeroOrOne),
    ],
    status: STATUS_TENTATIVE_CONFIRMED,
    sub_components: SUB_NONE,
    forbidden_components: NOT_WITH_VEVENT,
    same_uid: true,
};

/// The VEVENT restriction table of `method` (RFC 5546 section 3.2).
pub fn event_rules(method: Method) -> &'static EventRules {
    match method {
        Method::Publish => &PUBLISH,
        Method::Request => &REQUEST,
        Method::Reply => &REPLY,
        Method::Add => &ADD,
        Method::Cancel => &CANCEL,
        Method::Refresh => &REFRESH,
        Method::Counter => &COUNTER,
        Method::DeclineCounter => &DECLINECOUNTER,
    }
}

/// Component names RFC 5545 defines; any other (X- or IANA) component is allowed
/// anywhere.
const KNOWN_COMPONENTS: &[&str] = &[
    "VCALENDAR",
    "VEVENT",
    "VTODO",
    "VJOURNAL",
    "VFREEBUSY",
    "VTIMEZONE",
    "VALARM",
    "STANDARD",
    "DAYLIGHT",
];

/// Components that may stand at the top level of a VCALENDAR (RFC 5545 section 3.6).
const TOP_LEVEL: &[&str] = &["VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE"];

/// The Outlook scheduling properties expected on every REQUEST and CANCEL VEVENT.
pub const OUTLOOK_CDO_PROPERTIES: &[&str] = &[
    "X-MICROSOFT-CDO-BUSYSTATUS",
    "X-MICROSOFT-CDO-INTENDEDSTATUS",
    "X-MICROSOFT-CDO-IMPORTANCE",
    "X-MICROSOFT-CDO-INSTTYPE",
    "X-MICROSOFT-CDO-ALLDAYEVENT",
    "X-MICROSOFT-CDO-APPT-SEQUENCE",
];

/// The class-id prefix of Outlook's PidLidGlobalObjectId written as hex
/// ([MS-OXCICAL] 2.1.3.1.1.20.26).
const OUTLOOK_GOID_PREFIX: &str = "040000008200E00074C5B7101A82E008";
/// Hex length of the shortest GlobalObjectId: 16 + 4 + 8 + 8 + 4 + 16 bytes.
const OUTLOOK_GOID_MIN_HEX: usize = 112;

// ---------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------

/// Unfolds and parses `input` (UTF-8; invalid bytes are replaced) and validates every
/// top-level object, as [`validate_roots`] does. Input that holds no component at all,
/// or nests deeper than [`Limits::DEFAULT`] allows, gives one
/// [`ViolationCode::Unparseable`].
pub fn validate_ics(input: &[u8], method_param: Option<&str>, profile: Profile) -> Vec<Violation> {
    let (unfolded, _) = crate::ical::lex::unfold(input);
    let text = String::from_utf8_lossy(&unfolded);
    match crate::ical::parse::parse(&text, Limits::DEFAULT.max_component_depth) {
        Ok(parsed) => validate_roots(&parsed.roots, method_param, profile),
        Err(e) => vec![Violation::new(
            ViolationCode::Unparseable,
            "VCALENDAR",
            None,
            e.to_string(),
        )],
    }
}

/// Validates the top-level objects of one calendar part. Several VCALENDARs carrying
/// different METHODs give one [`ViolationCode::MultipleMethods`] and nothing else;
/// otherwise each object is validated with [`validate_calendar`], in order.
pub fn validate_roots(
    roots: &[Component],
    method_param: Option<&str>,
    profile: Profile,
) -> Vec<Violation> {
    if roots.is_empty() {
        return vec![Violation::new(
            ViolationCode::Unparseable,
            "VCALENDAR",
            None,
            "no iCalendar object",
        )];
    }
    let mut methods: Vec<Cow<'_, str>> = Vec::new();
    for root in roots.iter().filter(|r| r.is("VCALENDAR")) {
        if let Some(m) = root.property_upper("METHOD") {
            let m = upper(trim(m.value()));
            if !methods.contains(&m) {
                methods.push(m);
            }
        }
    }
    if methods.len() > 1 {
        return vec![Violation::new(
            ViolationCode::MultipleMethods,
            "VCALENDAR",
            Some("METHOD"),
            format!(
                "{} VCALENDARs carry different METHODs ({}); one iMIP message has one method",
                roots.len(),
                methods.join(", ")
            ),
        )];
    }
    let mut out = Vec::new();
    for root in roots {
        let found = validate_calendar(root, method_param, profile);
        if out.is_empty() {
            out = found;
        } else {
            out.extend(found);
        }
    }
    out
}

/// Validates one VCALENDAR against RFC 5546 for its METHOD: the calendar's own
/// properties, the MIME `method=` parameter (`method_param`), the method's table on
/// every VEVENT, the rules across VEVENTs (same UID, same ORGANIZER, RECURRENCE-ID
/// masters), TZID references, and under [`Profile::Outlook`] the Outlook rules.
/// A calendar without VEVENT is checked only for its METHOD and VTIMEZONE rules.
/// A root that is not a VCALENDAR gives [`ViolationCode::NotVcalendar`] only.
pub fn validate_calendar(
    cal: &Component,
    method_param: Option<&str>,
    profile: Profile,
) -> Vec<Violation> {
    let mut v = Validator::new(cal, profile);
    if !cal.is("VCALENDAR") {
        v.push(
            ViolationCode::NotVcalendar,
            &upper(&cal.name),
            None,
            format!("top-level component is {}, not VCALENDAR", cal.name),
        );
        return v.out;
    }
    v.calendar_properties(cal, method_param);
    for comp in &cal.components {
        v.top_level(comp);
    }
    v.out
}

// ---------------------------------------------------------------------------
// The walk
// ---------------------------------------------------------------------------

struct Validator<'a> {
    profile: Profile,
    method: Option<Method>,
    rules: Option<&'static EventRules>,
    /// Number of VEVENTs directly under the VCALENDAR.
    events: usize,
    /// TZIDs declared by VTIMEZONEs, raw and with TEXT escapes removed.
    tzids: Few<Cow<'a, str>>,
    /// Undefined TZIDs already reported (each is reported once, at its first use).
    reported_tzids: Few<String>,
    /// UIDs that have a master VEVENT (no RECURRENCE-ID) with RRULE or RDATE.
    masters: Few<&'a str>,
    /// The first UID seen, for the same-UID rule.
    first_uid: Option<&'a str>,
    /// First ORGANIZER address (as written, see [`address_part`]) seen per group (the
    /// UID, or one group when every VEVENT must share the UID).
    organizers: Few<(&'a str, &'a str)>,
    out: Vec<Violation>,
}

impl<'a> Validator<'a> {
    fn new(cal: &'a Component, profile: Profile) -> Self {
        let method = cal
            .property_upper("METHOD")
            .and_then(|m| Method::parse(m.value()));
        let mut tzids = Few::default();
        let mut masters = Few::default();
        let mut events = 0usize;
        for c in &cal.components {
            if c.is("VTIMEZONE") {
                for t in c.properties_upper("TZID") {
                    let raw = trim(t.value());
                    // Without a backslash the unescaped TZID is the raw one.
                    if raw.contains('\\') {
                        tzids.insert(Cow::Owned(unescape_text(raw)));
                    }
                    tzids.insert(Cow::Borrowed(raw));
                }
            } else if c.is("VEVENT") {
                events += 1;
                let is_master = c.property_upper("RECURRENCE-ID").is_none()
                    && (c.property_upper("RRULE").is_some() || c.property_upper("RDATE").is_some());
                if let (true, Some(uid)) = (is_master, c.property_upper("UID")) {
                    masters.insert(trim(uid.value()));
                }
            }
        }
        Validator {
            profile,
            method,
            rules: method.map(event_rules),
            events,
            tzids,
            reported_tzids: Few::default(),
            masters,
            first_uid: None,
            organizers: Few::default(),
            out: Vec::new(),
        }
    }

    fn outlook(&self) -> bool {
        self.profile == Profile::Outlook
    }

    fn push(
        &mut self,
        code: ViolationCode,
        component: &str,
        property: Option<&str>,
        message: impl Into<String>,
    ) {
        self.out
            .push(Violation::new(code, component, property, message));
    }

    /// The section reference for messages: "RFC 5546 3.2.2".
    fn cite(&self) -> String {
        match self.rules {
            Some(r) => format!("{} (RFC 5546 {})", r.method, r.section),
            None => "this calendar".to_owned(),
        }
    }

    // -- VCALENDAR ----------------------------------------------------------

    fn calendar_properties(&mut self, cal: &Component, method_param: Option<&str>) {
        const C: &str = "VCALENDAR";
        // Occurrences of METHOD, VERSION, PRODID and CALSCALE (the only ones judged).
        let mut counts = [0usize; 4];
        for p in &cal.properties {
            if p.name().is_empty() {
                continue;
            }
            let name = p.upper_name();
            let slot = ["METHOD", "VERSION", "PRODID", "CALSCALE"]
                .iter()
                .position(|&n| n == name);
            let Some(n) = slot.and_then(|i| counts.get_mut(i)).map(|n| {
                *n = n.saturating_add(1);
                *n
            }) else {
                continue;
            };
            match &*name {
                "METHOD" | "VERSION" | "PRODID" | "CALSCALE" if n == 2 => self.push(
                    ViolationCode::PropertyTooMany,
                    C,
                    Some(&name),
                    format!("{name} occurs more than once; RFC 5545 allows one"),
                ),
                "METHOD" if n == 1 => {
                    let value = trim(p.value());
                    if Method::parse(value).is_none() {
                        self.push(
                            ViolationCode::MethodUnknown,
                            C,
                            Some("METHOD"),
                            format!("METHOD:{value} is not an RFC 5546 method"),
                        );
                    }
                }
                "VERSION" if n == 1 && trim(p.value()) != "2.0" => self.push(
                    ViolationCode::ValueInvalid,
                    C,
                    Some("VERSION"),
                    format!("VERSION:{} is not 2.0", trim(p.value())),
                ),
                "CALSCALE" if n == 1 && !trim(p.value()).eq_ignore_ascii_case("GREGORIAN") => {
                    self.push(
                        ViolationCode::ValueInvalid,
                        C,
                        Some("CALSCALE"),
                        format!("CALSCALE:{} is not GREGORIAN", trim(p.value())),
                    );
                }
                _ => {}
            }
        }
        let [methods, versions, prodids, _] = counts;
        if methods == 0 {
            self.push(
                ViolationCode::MethodMissing,
                C,
                Some("METHOD"),
                "no METHOD: an iMIP calendar must say what it is (RFC 6047 section 2.4)",
            );
        }
        for (name, n) in [("VERSION", versions), ("PRODID", prodids)] {
            if n == 0 {
                self.push(
                    ViolationCode::PropertyMissing,
                    C,
                    Some(name),
                    format!("no {name}: RFC 5545 requires one"),
                );
            }
        }
        let written = cal.property_upper("METHOD").map(|m| trim(m.value()));
        let param = method_param.map(str::trim).filter(|s| !s.is_empty());
        if let (Some(written), Some(param)) = (written, param) {
            if !written.eq_ignore_ascii_case(param) {
                self.push(
                    ViolationCode::MethodParamMismatch,
                    C,
                    Some("METHOD"),
                    format!("MIME method={param} differs from METHOD:{written}"),
                );
            }
        }
        if self.outlook() && matches!(self.method, Some(Method::Publish | Method::Add)) {
            let m = self.method.map_or("", Method::as_str);
            self.push(
                ViolationCode::OutlookMethodNotShown,
                C,
                Some("METHOD"),
                format!("Outlook shows METHOD:{m} as raw text, not as a meeting"),
            );
        }
    }

    // -- top-level components -------------------------------------------------

    fn top_level(&mut self, comp: &'a Component) {
        if comp.is("VEVENT") {
            self.event(comp);
            return;
        }
        if comp.is("VTIMEZONE") {
            self.timezone(comp);
            return;
        }
        let name = upper(&comp.name);
        let forbidden_here = KNOWN_COMPONENTS.contains(&&*name) && !TOP_LEVEL.contains(&&*name);
        let forbidden_by_method = self.events > 0
            && self
                .rules
                .is_some_and(|r| r.forbidden_components.contains(&&*name));
        if forbidden_here {
            self.push(
                ViolationCode::ComponentForbidden,
                &name,
                None,
                format!("{name} is not allowed directly in a VCALENDAR"),
            );
        } else if forbidden_by_method {
            let cite = self.cite();
            self.push(
                ViolationCode::ComponentForbidden,
                &name,
                None,
                format!("{cite} allows no {name} next to its VEVENTs"),
            );
        }
        self.tzid_references(comp);
    }

    fn timezone(&mut self, tz: &Component) {
        const C: &str = "VTIMEZONE";
        match tz.properties_upper("TZID").count() {
            0 => self.push(
                ViolationCode::PropertyMissing,
                C,
                Some("TZID"),
                "VTIMEZONE without TZID (RFC 5545 section 3.6.5)",
            ),
            1 => {}
            n => self.push(
                ViolationCode::PropertyTooMany,
                C,
                Some("TZID"),
                format!("VTIMEZONE with {n} TZIDs"),
            ),
        }
        if !self.outlook() {
            return;
        }
        let tzid = tz.property_upper("TZID").map_or("", |t| trim(t.value()));
        let standard = tz.components_named("STANDARD").count();
        let daylight = tz.components_named("DAYLIGHT").count();
        if standard > 1 || daylight > 1 {
            self.push(
                ViolationCode::OutlookVtimezoneShape,
                C,
                None,
                format!(
                    "VTIMEZONE {tzid} has {standard} STANDARD and {daylight} DAYLIGHT; \
                     Outlook keeps one rule pair and shifts times by an hour"
                ),
            );
        } else if standard + daylight == 0 {
            self.push(
                ViolationCode::OutlookVtimezoneShape,
                C,
                None,
                format!("VTIMEZONE {tzid} has no STANDARD or DAYLIGHT"),
            );
        }
        for obs in tz
            .components
            .iter()
            .filter(|c| c.is("STANDARD") || c.is("DAYLIGHT"))
        {
            for needed in ["DTSTART", "TZOFFSETTO"] {
                if obs.property_upper(needed).is_none() {
                    self.push(
                        ViolationCode::OutlookVtimezoneShape,
                        C,
                        Some(needed),
                        format!(
                            "{} of VTIMEZONE {tzid} has no {needed}; Exchange fails the import",
                            upper(&obs.name)
                        ),
                    );
                }
            }
        }
    }

    /// `timezone_undefined` for every TZID parameter in `comp` and its descendants.
    /// Depth first, in document order, without recursion (a hand-built tree may be
    /// deeper than the parser allows).
    fn tzid_references(&mut self, comp: &Component) {
        let mut stack = vec![comp];
        while let Some(c) = stack.pop() {
            for p in &c.properties {
                self.tzid_reference(&c.name, p);
            }
            stack.extend(c.components.iter().rev());
        }
    }

    /// `timezone_undefined` for the TZID parameter of `p`, a property of the component
    /// called `component` (in any case).
    fn tzid_reference(&mut self, component: &str, p: &Property) {
        let Some(param) = p.param("TZID") else {
            return;
        };
        let tzid = param.first().unwrap_or("").trim();
        if self.tzids.contains(tzid) || !self.reported_tzids.insert(tzid.to_owned()) {
            return;
        }
        let message = if tzid.is_empty() {
            "empty TZID parameter".to_owned()
        } else {
            format!("TZID={tzid} has no VTIMEZONE in the calendar")
        };
        self.push(
            ViolationCode::TimezoneUndefined,
            &upper(component),
            Some(&p.upper_name()),
            message,
        );
    }

    // -- VEVENT -------------------------------------------------------------

    fn event(&mut self, ev: &'a Component) {
        const C: &str = "VEVENT";
        let rules = self.rules;
        let method = self.method;
        // Occurrences of each property of the method's table, by position in it.
        let mut counts = [0usize; MAX_TABLE_PROPERTIES];
        let mut props = EventProps::default();
        // DTSTART and DTEND as checked in the property pass (the first of each), so
        // that the DTEND rule does not parse them again.
        let mut times: (Option<DateTimeResult>, Option<DateTimeResult>) = (None, None);

        // Properties, in the order written.
        for p in &ev.properties {
            if p.name().is_empty() {
                continue;
            }
            let kind = Name::of(p);
            props.note(kind, p);
            self.tzid_reference(C, p);
            let listed = rules.and_then(|r| {
                let (i, presence) = r.listed_name(kind)?;
                let n = counts.get_mut(i)?;
                *n = n.saturating_add(1);
                Some((presence, *n))
            });
            match listed {
                Some((Zero, n)) => {
                    if n == 1 {
                        let cite = self.cite();
                        let name = kind.as_str();
                        self.push(
                            ViolationCode::PropertyForbidden,
                            C,
                            Some(name),
                            format!("{cite} allows no {name}"),
                        );
                    }
                    continue;
                }
                // REPLY's ATTENDEE count is judged once, below.
                Some((presence @ (One | ZeroOrOne), 2))
                    if !(method == Some(Method::Reply) && kind == Name::Attendee) =>
                {
                    let cite = self.cite();
                    let name = kind.as_str();
                    self.push(
                        ViolationCode::PropertyTooMany,
                        C,
                        Some(name),
                        format!(
                            "{cite} allows at most one {name} (presence \"{}\")",
                            presence.as_str()
                        ),
                    );
                }
                _ => {}
            }
            let parsed = self.event_value(kind, p);
            match (kind, parsed) {
                (Name::Dtstart, Some(v)) if times.0.is_none() => times.0 = Some(v),
                (Name::Dtend, Some(v)) if times.1.is_none() => times.1 = Some(v),
                _ => {}
            }
            self.outlook_property(kind, p);
        }

        // What is missing, in table order.
        if let Some(r) = rules {
            for (&(name, presence), &n) in r.properties.iter().zip(counts.iter()) {
                if r.method == Method::Reply && name == "ATTENDEE" {
                    if n != 1 {
                        self.push(
                            ViolationCode::ReplyAttendeeCount,
                            C,
                            Some("ATTENDEE"),
                            format!(
                                "a REPLY VEVENT has {n} ATTENDEEs; it must have exactly one, \
                                 the attendee replying (RFC 5546 3.2.3)"
                            ),
                        );
                    }
                    continue;
                }
                if n > 0 || !matches!(presence, One | OneOrMore) {
                    continue;
                }
                let cite = self.cite();
                if name == "SEQUENCE" {
                    self.push(
                        ViolationCode::SequenceRequired,
                        C,
                        Some(name),
                        format!("{cite} requires SEQUENCE"),
                    );
                } else {
                    let what = if presence == One {
                        "exactly one"
                    } else {
                        "at least one"
                    };
                    self.push(
                        ViolationCode::PropertyMissing,
                        C,
                        Some(name),
                        format!("{cite} requires {what} {name}"),
                    );
                }
            }
        }

        // Component-level rules.
        if props.dtend.is_some() && props.duration.is_some() {
            self.push(
                ViolationCode::DtendAndDuration,
                C,
                Some("DURATION"),
                "DTEND and DURATION together (RFC 5545 section 3.6.1)",
            );
        }
        self.event_times(&props, times);
        self.same_uid(&props);
        self.same_organizer(&props);
        self.recurrence_master(&props);

        // Sub-components.
        let allowed = rules.map_or(SUB_VALARM, |r| r.sub_components);
        for sub in &ev.components {
            let name = upper(&sub.name);
            if KNOWN_COMPONENTS.contains(&&*name) && !allowed.contains(&&*name) {
                let cite = self.cite();
                self.push(
                    ViolationCode::ComponentForbidden,
                    &name,
                    None,
                    format!("{cite} allows no {name} in a VEVENT"),
                );
            }
            self.tzid_references(sub);
        }

        if self.outlook() {
            self.outlook_event(&props);
        }
    }

    /// Value checks of one VEVENT property. A DTSTART, DTEND or RECURRENCE-ID comes
    /// back parsed (or with its problem).
    fn event_value(&mut self, kind: Name, p: &Property) -> Option<DateTimeResult> {
        const C: &str = "VEVENT";
        let name = kind.as_str();
        let value = trim(p.value());
        let mut parsed = None;
        let problem: Option<String> = match kind {
            Name::Dtstamp => match parse_date_or_date_time(value, None) {
                Ok(DateTimeValue::Utc(_)) => None,
                Ok(_) => Some(format!("DTSTAMP:{value} is not a UTC date-time")),
                Err(e) => Some(format!("DTSTAMP: {e}")),
            },
            Name::Dtstart | Name::Dtend | Name::RecurrenceId => {
                let result = date_time_problem(name, p);
                let problem = result.as_ref().err().cloned();
                parsed = Some(result);
                problem
            }
            Name::Exdate | Name::Rdate => list_date_problem(name, p),
            Name::Duration => parse_duration(value)
                .err()
                .map(|e| format!("DURATION: {e}")),
            Name::Rrule => parse_recur(value).err().map(|e| format!("RRULE: {e}")),
            Name::Sequence => match parse_non_negative(value) {
                None => Some(format!("SEQUENCE:{value} is not a non-negative integer")),
                // RFC 5546 3.2.4: "MUST be greater than 0".
                Some(0) if self.method == Some(Method::Add) => {
                    Some("SEQUENCE of an ADD must be greater than 0".to_owned())
                }
                Some(_) => None,
            },
            Name::Status => {
                let allowed = self.rules.map_or(STATUS_EVENT, |r| r.status);
                if allowed.iter().any(|s| s.eq_ignore_ascii_case(value)) {
                    None
                } else {
                    Some(format!(
                        "STATUS:{value} is not allowed in {}; allowed: {}",
                        self.cite(),
                        allowed.join(", ")
                    ))
                }
            }
            Name::Priority => match parse_non_negative(value) {
                Some(0..=9) => None,
                _ => Some(format!("PRIORITY:{value} is not 0 to 9")),
            },
            Name::Transp => {
                let ok = ["OPAQUE", "TRANSPARENT"]
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(value));
                (!ok).then(|| format!("TRANSP:{value} is not OPAQUE or TRANSPARENT"))
            }
            Name::Uid | Name::Organizer | Name::Attendee if value.is_empty() => {
                Some(format!("empty {name}"))
            }
            _ => None,
        };
        if let Some(message) = problem {
            self.push(ViolationCode::ValueInvalid, C, Some(name), message);
        }
        parsed
    }

    /// DTEND after DTSTART, and of the same value type. `times` are the first DTSTART
    /// and DTEND as parsed by the property pass, when it did.
    fn event_times(
        &mut self,
        ev: &EventProps<'_>,
        times: (Option<DateTimeResult>, Option<DateTimeResult>),
    ) {
        let (Some(start), Some(end)) = (ev.dtstart, ev.dtend) else {
            return;
        };
        let (Ok(start), Ok(end)) = (
            times
                .0
                .unwrap_or_else(|| date_time_problem("DTSTART", start)),
            times.1.unwrap_or_else(|| date_time_problem("DTEND", end)),
        ) else {
            return;
        };
        let before = "DTEND is before DTSTART";
        let message = match (&start, &end) {
            (DateTimeValue::Date(s), DateTimeValue::Date(e)) => {
                (e <= s).then_some("DTEND is not after DTSTART (a one-day event ends the next day)")
            }
            (DateTimeValue::Date(_), _) | (_, DateTimeValue::Date(_)) => {
                Some("DTEND and DTSTART are not of the same value type")
            }
            (DateTimeValue::Utc(s), DateTimeValue::Utc(e))
            | (DateTimeValue::Floating(s), DateTimeValue::Floating(e)) => (e < s).then_some(before),
            (
                DateTimeValue::Zoned { local: s, tzid: a },
                DateTimeValue::Zoned { local: e, tzid: b },
            ) if a == b => (e < s).then_some(before),
            _ => None,
        };
        if let Some(message) = message {
            self.push(
                ViolationCode::ValueInvalid,
                "VEVENT",
                Some("DTEND"),
                message,
            );
        }
    }

    fn same_uid(&mut self, ev: &EventProps<'a>) {
        if !self.rules.is_some_and(|r| r.same_uid) {
            return;
        }
        let Some(uid) = ev.uid.map(|u| trim(u.value())) else {
            return;
        };
        match self.first_uid {
            None => self.first_uid = Some(uid),
            Some(first) if first != uid => {
                let cite = self.cite();
                self.push(
                    ViolationCode::UidMismatch,
                    "VEVENT",
                    Some("UID"),
                    format!(
                        "UID {uid} differs from {first}; every VEVENT of {cite} must share one UID"
                    ),
                );
            }
            Some(_) => {}
        }
    }

    fn same_organizer(&mut self, ev: &EventProps<'a>) {
        let Some(organizer) = ev.organizer else {
            return;
        };
        let group = if self.rules.is_some_and(|r| r.same_uid) {
            ""
        } else {
            match ev.uid {
                Some(u) => trim(u.value()),
                None => return,
            }
        };
        // Compared in any ASCII case (the addresses are lowercased for the message).
        let address = address_part(organizer.value());
        match self.organizers.value_of(group) {
            None => {
                self.organizers.insert((group, address));
            }
            Some(first) if !first.eq_ignore_ascii_case(address) => {
                let message = format!(
                    "ORGANIZER {} differs from {} in another VEVENT of the same event",
                    address.to_ascii_lowercase(),
                    first.to_ascii_lowercase()
                );
                self.push(
                    ViolationCode::OrganizerMismatch,
                    "VEVENT",
                    Some("ORGANIZER"),
                    message,
                );
            }
            Some(_) => {}
        }
    }

    fn recurrence_master(&mut self, ev: &EventProps<'_>) {
        let applies = matches!(
            self.method,
            Some(Method::Request | Method::Publish | Method::Add)
        ) && self.events > 1;
        if !applies || ev.recurrence_id.is_none() {
            return;
        }
        let Some(uid) = ev.uid.map(|u| trim(u.value())) else {
            return;
        };
        if !self.masters.contains(uid) {
            self.push(
                ViolationCode::RecurrenceIdWithoutMaster,
                "VEVENT",
                Some("RECURRENCE-ID"),
                format!("instance of {uid} has no master VEVENT with RRULE or RDATE"),
            );
        }
    }

    // -- Outlook ------------------------------------------------------------

    /// Outlook rules judged per property (in document order).
    fn outlook_property(&mut self, kind: Name, p: &Property) {
        const C: &str = "VEVENT";
        if !self.outlook() {
            return;
        }
        if self.method == Some(Method::Request) && kind == Name::Attendee {
            const PARAMS: [&str; 3] = ["ROLE", "PARTSTAT", "RSVP"];
            let has = attendee_params(p);
            if has != 0b111 {
                let present = [has & 1 != 0, has & 2 != 0, has & 4 != 0];
                let missing: Vec<&str> = PARAMS
                    .into_iter()
                    .zip(present)
                    .filter_map(|(n, has)| (!has).then_some(n))
                    .collect();
                self.push(
                    ViolationCode::OutlookAttendeeParams,
                    C,
                    Some("ATTENDEE"),
                    format!(
                        "ATTENDEE {} has no {}",
                        address_of(p.value()),
                        missing.join(", ")
                    ),
                );
            }
        }
        if self.method == Some(Method::Cancel)
            && matches!(kind, Name::Dtstart | Name::Dtend | Name::RecurrenceId)
        {
            if let Some(tzid) = tzid_of(p) {
                let name = kind.as_str();
                self.push(
                    ViolationCode::OutlookCancelTzid,
                    C,
                    Some(name),
                    format!("{name};TZID={tzid} in a CANCEL: Outlook 2010/2016 reject it, use UTC"),
                );
            }
        }
    }

    /// Outlook rules judged per VEVENT.
    fn outlook_event(&mut self, ev: &EventProps<'_>) {
        const C: &str = "VEVENT";
        if matches!(self.method, Some(Method::Request | Method::Cancel)) {
            for (&cdo, &present) in OUTLOOK_CDO_PROPERTIES.iter().zip(&ev.cdo) {
                if !present {
                    self.push(
                        ViolationCode::OutlookCdoMissing,
                        C,
                        Some(cdo),
                        format!("no {cdo}"),
                    );
                }
            }
        }
        if ev.rdate.is_some() && ev.rrule.is_none() {
            self.push(
                ViolationCode::OutlookRdateWithoutRrule,
                C,
                Some("RDATE"),
                "RDATE without RRULE: Outlook cannot express it",
            );
        }
        let mut reference: Option<&str> = None;
        for (name, p) in [
            ("DTSTART", ev.dtstart),
            ("DTEND", ev.dtend),
            ("RECURRENCE-ID", ev.recurrence_id),
        ] {
            let Some(tzid) = p.and_then(tzid_of) else {
                continue;
            };
            match reference {
                None => reference = Some(tzid),
                Some(r) if r != tzid => self.push(
                    ViolationCode::OutlookTzidMismatch,
                    C,
                    Some(name),
                    format!("{name} uses TZID={tzid}, not {r}; Outlook needs one zone"),
                ),
                Some(_) => {}
            }
        }
        if let Some(rrule) = ev.rrule {
            if let Ok(rule) = parse_recur(rrule.value()) {
                let mut ordinals = Vec::new();
                for day in rule.by_day.iter().filter(|d| d.ordinal.is_some()) {
                    if !ordinals.contains(day) {
                        ordinals.push(*day);
                    }
                }
                if matches!(rule.freq, Frequency::Monthly | Frequency::Yearly) && ordinals.len() > 1
                {
                    self.push(
                        ViolationCode::OutlookNthWeekdayList,
                        C,
                        Some("RRULE"),
                        format!(
                            "{} rule with {} ordinal weekdays: Outlook can express only one",
                            rule.freq.as_str(),
                            ordinals.len()
                        ),
                    );
                }
            }
        }
        if let Some(uid) = ev.uid.map(|u| trim(u.value())) {
            let outlook_id = uid
                .get(..OUTLOOK_GOID_PREFIX.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(OUTLOOK_GOID_PREFIX));
            let well_formed = uid.len() >= OUTLOOK_GOID_MIN_HEX
                && uid.len() % 2 == 0
                && uid.bytes().all(|b| b.is_ascii_hexdigit());
            if outlook_id && !well_formed {
                self.push(
                    ViolationCode::OutlookUidMalformed,
                    C,
                    Some("UID"),
                    "UID has Outlook's GlobalObjectId prefix but is not an even-length hex \
                     string of at least 112 digits",
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// `s` in ASCII upper case, borrowed when it already is (names usually are).
fn upper(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(s.to_ascii_uppercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// The most properties an [`EventRules`] table lists (the tables have 30).
const MAX_TABLE_PROPERTIES: usize = 40;

/// The first property of each name that the VEVENT rules after the property pass look
/// at, collected during that pass (instead of searching the component again per rule).
#[derive(Default)]
struct EventProps<'a> {
    dtstart: Option<&'a Property>,
    dtend: Option<&'a Property>,
    duration: Option<&'a Property>,
    uid: Option<&'a Property>,
    organizer: Option<&'a Property>,
    recurrence_id: Option<&'a Property>,
    rrule: Option<&'a Property>,
    rdate: Option<&'a Property>,
    /// Whether each of [`OUTLOOK_CDO_PROPERTIES`] is present.
    cdo: [bool; OUTLOOK_CDO_PROPERTIES.len()],
}

impl<'a> EventProps<'a> {
    /// Records `p`, whose name is `name`.
    fn note(&mut self, name: Name, p: &'a Property) {
        let slot = match name {
            Name::Dtstart => &mut self.dtstart,
            Name::Dtend => &mut self.dtend,
            Name::Duration => &mut self.duration,
            Name::Uid => &mut self.uid,
            Name::Organizer => &mut self.organizer,
            Name::RecurrenceId => &mut self.recurrence_id,
            Name::Rrule => &mut self.rrule,
            Name::Rdate => &mut self.rdate,
            _ => {
                // In the order of OUTLOOK_CDO_PROPERTIES.
                let i = match name {
                    Name::CdoBusyStatus => 0,
                    Name::CdoIntendedStatus => 1,
                    Name::CdoImportance => 2,
                    Name::CdoInstType => 3,
                    Name::CdoAllDayEvent => 4,
                    Name::CdoApptSequence => 5,
                    _ => return,
                };
                if let Some(seen) = self.cdo.get_mut(i) {
                    *seen = true;
                }
                return;
            }
        };
        if slot.is_none() {
            *slot = Some(p);
        }
    }
}

/// A set of a few values (a calendar has a handful of TZIDs and UIDs): none or one is
/// held without an allocation.
#[derive(Default)]
enum Few<T> {
    #[default]
    None,
    One(T),
    Many(BTreeSet<T>),
}

impl<T: Ord> Few<T> {
    /// Adds `value`; whether it was not there yet.
    fn insert(&mut self, value: T) -> bool {
        if self.contains(&value) {
            return false;
        }
        *self = match std::mem::take(self) {
            Few::None => Few::One(value),
            Few::One(first) => Few::Many(BTreeSet::from([first, value])),
            Few::Many(mut set) => {
                set.insert(value);
                Few::Many(set)
            }
        };
        true
    }

    /// Whether `value` is in the set.
    fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        match self {
            Few::None => false,
            Few::One(v) => v.borrow() == value,
            Few::Many(set) => set.contains(value),
        }
    }
}

impl<'a> Few<(&'a str, &'a str)> {
    /// The value paired with `key` (the set holds one pair per key).
    fn value_of(&self, key: &'a str) -> Option<&'a str> {
        match self {
            Few::None => None,
            Few::One((k, v)) => (*k == key).then_some(*v),
            Few::Many(set) => set
                .range((key, "")..)
                .next()
                .filter(|(k, _)| *k == key)
                .map(|&(_, v)| v),
        }
    }
}

/// A non-negative RFC 5545 INTEGER (optional `+`, at most 2147483647).
fn parse_non_negative(value: &str) -> Option<u32> {
    let digits = value.strip_prefix('+').unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits
        .parse::<u32>()
        .ok()
        .filter(|&n| i32::try_from(n).is_ok())
}

/// The non-empty TZID parameter of a property.
fn tzid_of(p: &Property) -> Option<&str> {
    p.param_value("TZID")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The VALUE parameter, upper-case.
fn value_type(p: &Property) -> Option<Cow<'_, str>> {
    p.param_value("VALUE").map(|v| upper(v.trim()))
}

/// A parsed DTSTART, DTEND or RECURRENCE-ID, or what is wrong with it.
type DateTimeResult = Result<DateTimeValue, String>;

/// Parses a DTSTART/DTEND/RECURRENCE-ID value and checks it against its VALUE type.
fn date_time_problem(name: &str, p: &Property) -> DateTimeResult {
    let value = trim(p.value());
    let parsed = parse_date_or_date_time(value, tzid_of(p)).map_err(|e| format!("{name}: {e}"))?;
    match (value_type(p).as_deref(), parsed.is_date()) {
        (Some("DATE"), false) => Err(format!("{name};VALUE=DATE:{value} is not a DATE")),
        (None | Some("DATE-TIME"), true) => {
            Err(format!("{name}:{value} is a DATE without VALUE=DATE"))
        }
        _ => Ok(parsed),
    }
}

/// Parses every item of an EXDATE or RDATE list (RDATE periods are not checked).
fn list_date_problem(name: &str, p: &Property) -> Option<String> {
    if value_type(p).as_deref() == Some("PERIOD") {
        return None;
    }
    let tzid = tzid_of(p);
    p.value()
        .split(',')
        .map(str::trim)
        .find_map(|item| parse_date_or_date_time(item, tzid).err())
        .map(|e| format!("{name}: {e}"))
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
