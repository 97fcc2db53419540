//! What a transform did: the disposition, every repair ([`Fix`]) and every finding that
//! was not repaired ([`Warning`]). Codes are stable snake_case strings; new codes may be
//! added, existing ones never change meaning.

use serde::Serialize;
use std::fmt;

/// Whether the message was rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// The output is a repaired message.
    Rewritten,
    /// The output is the input, byte for byte; [`Report::reason`] says why.
    Unchanged,
}

/// An iTIP method (RFC 5546 section 1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// PUBLISH
    Publish,
    /// REQUEST
    Request,
    /// REPLY
    Reply,
    /// ADD
    Add,
    /// CANCEL
    Cancel,
    /// REFRESH
    Refresh,
    /// COUNTER
    Counter,
    /// DECLINECOUNTER
    DeclineCounter,
}

impl Method {
    /// Every method, in declaration order.
    pub const ALL: [Method; 8] = [
        Method::Publish,
        Method::Request,
        Method::Reply,
        Method::Add,
        Method::Cancel,
        Method::Refresh,
        Method::Counter,
        Method::DeclineCounter,
    ];

    /// Parses a method name, case-insensitively, ignoring surrounding whitespace.
    pub fn parse(s: &str) -> Option<Method> {
        let s = s.trim();
        Method::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s))
    }

    /// The method name as written in METHOD and in `method=`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Publish => "PUBLISH",
            Method::Request => "REQUEST",
            Method::Reply => "REPLY",
            Method::Add => "ADD",
            Method::Cancel => "CANCEL",
            Method::Refresh => "REFRESH",
            Method::Counter => "COUNTER",
            Method::DeclineCounter => "DECLINECOUNTER",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $code:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// The stable snake_case code.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)*
                }
            }

            /// Every code, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

codes! {
    /// A repair that was made.
    FixCode {
        /// The calendar was an attachment or not inline in multipart/alternative; it is
        /// now an inline `text/calendar` part.
        CalendarInlined => "calendar_inlined",
        /// The calendar came in an AppleDouble (`multipart/appledouble`) wrapper; the
        /// data fork was taken.
        AppleDoubleUnwrapped => "appledouble_unwrapped",
        /// The calendar came as the data fork of an AppleSingle file.
        AppleSingleUnwrapped => "applesingle_unwrapped",
        /// The calendar came BinHex 4.0 encoded (all three CRCs checked).
        BinhexDecoded => "binhex_decoded",
        /// The calendar came uuencoded (a part or a `begin` block inside the text).
        UuencodeDecoded => "uuencode_decoded",
        /// The message carried the same calendar more than once; one copy is kept.
        DuplicateCalendarRemoved => "duplicate_calendar_removed",
        /// The calendar was converted from another charset to UTF-8.
        CharsetConverted => "charset_converted",
        /// The calendar part now declares `charset="utf-8"` (its text was already valid
        /// UTF-8 or ASCII, but the part declared another charset or none).
        CharsetDeclared => "charset_declared",
        /// The MIME `method=` parameter was added or corrected to equal METHOD.
        MimeMethodSet => "mime_method_set",
        /// The `text/calendar` content type was set (the part had another type).
        ContentTypeSet => "content_type_set",
        /// A vCalendar 1.0 object was converted to iCalendar 2.0 (one fix per kind of
        /// change; the detail says what).
        VcalendarConverted => "vcalendar_converted",
        /// A property with an empty value where its type allows none (Exchange CDO's
        /// `CLASS:`) was removed.
        EmptyPropertyRemoved => "empty_property_removed",
        /// A `\N` escape in a TEXT value was written as `\n`.
        TextEscapeFixed => "text_escape_fixed",
        /// Whitespace inside an RRULE/EXRULE (`BYDAY=MO, TU`) was removed.
        RecurNormalised => "recur_normalised",
        /// A `TZID` written as a VEVENT property was moved to the calendar's
        /// `X-WR-TIMEZONE` (where readers look for a default zone).
        TzidPropertyMoved => "tzid_property_moved",
        /// A PUBLISH with an ORGANIZER and ATTENDEEs asked to reply is a meeting request
        /// sent with the wrong METHOD; it is now a REQUEST.
        MethodCorrected => "method_corrected",
        /// A REPLY carried several ATTENDEEs; only the replier (the sender) is kept.
        ReplyAttendeesTrimmed => "reply_attendees_trimmed",
        /// A whole-event CANCEL without STATUS got `STATUS:CANCELLED`.
        CancelStatusAdded => "cancel_status_added",
        /// DTEND and DURATION were both present; DURATION was removed.
        DurationRemoved => "duration_removed",
        /// Outlook profile: X-MICROSOFT-CDO-* properties were added.
        CdoPropertiesAdded => "cdo_properties_added",
        /// Outlook profile: ATTENDEE parameters (ROLE, PARTSTAT, RSVP) were added.
        AttendeeParamsAdded => "attendee_params_added",
        /// Outlook profile: `X-ALT-DESC;FMTTYPE=text/html` was added from the HTML body.
        AltDescAdded => "alt_desc_added",
        /// Outlook profile: an RDATE list that is a regular series was rewritten as an
        /// RRULE (Outlook cannot show RDATE without RRULE).
        RdateToRrule => "rdate_to_rrule",
        /// Outlook profile: a `text/html` alternative was built from the text.
        HtmlBodyGenerated => "html_body_generated",
        /// A DATE value without `VALUE=DATE` got the parameter.
        ValueDateAdded => "value_date_added",
        /// A REQUEST VEVENT without SUMMARY got one: the master's, else the message's
        /// subject (without reply prefixes), else empty (RFC 5546 allows a null SUMMARY).
        SummaryAdded => "summary_added",
        /// A TZID was identified (the detail says how) and its VTIMEZONE rebuilt from
        /// tzdb in the profile's form (Outlook: Windows name, one STANDARD/DAYLIGHT
        /// pair in 1601; standard: IANA name and real observances).
        TimezoneRebuilt => "timezone_rebuilt",
        /// A VTIMEZONE that no property uses was removed.
        TimezoneRemoved => "timezone_removed",
        /// Outlook profile: the times of a CANCEL were written in UTC (Outlook
        /// 2010/2016 reject TZID-qualified times there).
        CancelTimesUtc => "cancel_times_utc",
        /// An RRULE UNTIL was made UTC because DTSTART has a TZID (RFC 5545 3.3.10).
        UntilUtc => "until_utc",
        /// Floating times were anchored to `Options::default_tz`.
        FloatingAnchored => "floating_anchored",
        /// An all-day event was normalised: VALUE=DATE, an exclusive DTEND one day
        /// later when missing or equal to DTSTART, or local midnight-to-midnight times
        /// flagged all-day by the sender turned into dates.
        AllDayNormalised => "all_day_normalised",
        /// DTEND or RECURRENCE-ID used another TZID than DTSTART; converted to DTSTART's.
        TzidUnified => "tzid_unified",
        /// VERSION was missing or wrong and is now 2.0.
        VersionSet => "version_set",
        /// PRODID was missing and was added.
        ProdidAdded => "prodid_added",
        /// METHOD was missing and was inferred (the detail says from what).
        MethodInferred => "method_inferred",
        /// METHOD was not uppercase.
        MethodUppercased => "method_uppercased",
        /// DTSTAMP was missing and was set from the current time.
        DtstampAdded => "dtstamp_added",
        /// SEQUENCE was missing and was set to 0 (its default value).
        SequenceAdded => "sequence_added",
        /// UID was missing and was generated from the message content.
        UidGenerated => "uid_generated",
        /// ORGANIZER was missing and was taken from the message's `From:` (or, for a
        /// REPLY, from its single recipient).
        OrganizerAdded => "organizer_added",
        /// A `MAILTO:` scheme was lowercased.
        MailtoLowercased => "mailto_lowercased",
        /// A bare e-mail address got its `mailto:` scheme.
        MailtoAdded => "mailto_added",
        /// A property name with an illegal character (`_`) was renamed.
        PropertyRenamed => "property_renamed",
        /// `Content-Class: urn:content-classes:calendarmessage` was added.
        ContentClassAdded => "content_class_added",
        /// `Thread-Topic` was added.
        ThreadTopicAdded => "thread_topic_added",
        /// `Thread-Index` was added (or replaced, when the old one was invalid).
        ThreadIndexAdded => "thread_index_added",
        /// `Subject` was missing and was taken from SUMMARY.
        SubjectAdded => "subject_added",
        /// The message had no readable text; a plain-text summary of the event was added.
        TextBodyGenerated => "text_body_generated",
    }
}

codes! {
    /// A finding that was not repaired, or the reason a message passed through.
    WarningCode {
        /// The message has no calendar part.
        NoCalendar => "no_calendar",
        /// The message carries its meeting only as TNEF (`winmail.dat`), which is not
        /// read; passed through.
        TnefOnly => "tnef_only",
        /// A BinHex attachment failed a CRC or could not be decoded; it was left alone.
        BinhexCorrupt => "binhex_corrupt",
        /// An AppleSingle/AppleDouble header could not be read; the part was left alone.
        AppleFileCorrupt => "applefile_corrupt",
        /// A uuencoded part could not be decoded; it was left alone.
        UuencodeCorrupt => "uuencode_corrupt",
        /// The message is already canonical; nothing to do.
        AlreadyCanonical => "already_canonical",
        /// The message could not be parsed as MIME.
        UnparseableMessage => "unparseable_message",
        /// A MIME boundary was found somewhere other than at a line start; the parse is
        /// not trusted.
        SuspectBoundary => "suspect_boundary",
        /// The message is signed or encrypted; rewriting would break it.
        SignedOrEncrypted => "signed_or_encrypted",
        /// The calendar could not be parsed.
        UnparseableCalendar => "unparseable_calendar",
        /// A content line could not be parsed; it is kept as it was.
        MalformedLine => "malformed_line",
        /// A component was not closed by its END line.
        MissingEnd => "missing_end",
        /// An END line matched no open component; it was dropped.
        StrayEnd => "stray_end",
        /// Text outside any component was dropped.
        TextOutsideCalendar => "text_outside_calendar",
        /// The part holds more than one VCALENDAR object.
        MultipleCalendarObjects => "multiple_calendar_objects",
        /// The message carries several different calendars; only the first is repaired.
        MultipleCalendars => "multiple_calendars",
        /// A vCalendar 1.0 object; not converted.
        UnsupportedVersion => "unsupported_version",
        /// The METHOD is not one this crate repairs (REQUEST, REPLY, CANCEL).
        UnsupportedMethod => "unsupported_method",
        /// The calendar has no VEVENT.
        NoEvent => "no_event",
        /// METHOD and the MIME `method=` parameter disagreed; METHOD was kept.
        MethodMismatch => "method_mismatch",
        /// ORGANIZER is missing and could not be taken from the message.
        OrganizerMissing => "organizer_missing",
        /// DTSTART is missing from a REQUEST; times are never invented.
        DtstartMissing => "dtstart_missing",
        /// The sender is neither the ORGANIZER nor a replying ATTENDEE.
        SenderMismatch => "sender_mismatch",
        /// A REPLY with several ATTENDEEs none of which is the sender; left as it is.
        ReplyAttendeeUnknown => "reply_attendee_unknown",
        /// Outlook profile: a recurrence Outlook cannot show (RDATE without RRULE that
        /// is not a regular series, several nth weekdays in one rule); kept.
        RecurrenceNotSupported => "recurrence_not_supported",
        /// A TZID could not be identified; its times are left as they were.
        TimezoneUnresolved => "timezone_unresolved",
        /// The sender's VTIMEZONE gives another UTC offset than tzdb for a time in the
        /// event; the wall-clock time is kept and tzdb's rules are used.
        EmbeddedRulesDisagree => "embedded_rules_disagree",
        /// The zone's rules cannot be written as one yearly pair for the event's
        /// dates; the pair in force at the first occurrence was used.
        TimezoneRulesIrregular => "timezone_rules_irregular",
        /// A limit from [`crate::Limits`] was exceeded.
        LimitExceeded => "limit_exceeded",
        /// The rewritten message did not re-parse to the same calendar; the input was
        /// passed through instead.
        VerificationFailed => "verification_failed",
    }
}

/// One repair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// Stable code.
    pub code: FixCode,
    /// What exactly changed.
    pub detail: String,
}

/// One finding that was not repaired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Stable code.
    pub code: WarningCode,
    /// Human-readable detail.
    pub detail: String,
}

/// Everything a transform found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The iTIP method of the calendar, when there is one.
    pub method: Option<Method>,
    /// The Outlook message class the output maps to, e.g. `IPM.Schedule.Meeting.Request`.
    pub message_class: Option<&'static str>,
    /// When the message was passed through unchanged, why (a warning code).
    pub reason: Option<WarningCode>,
    /// Repairs, in the order they were made.
    pub fixes: Vec<Fix>,
    /// Findings that were not repaired.
    pub warnings: Vec<Warning>,
    /// What `validate` finds in the output calendar under the chosen profile (RFC 5546
    /// and profile rules that could not be satisfied without guessing).
    pub violations: Vec<crate::itip::validate::Violation>,
}

impl Report {
    pub(crate) fn fix(&mut self, code: FixCode, detail: impl Into<String>) {
        self.fixes.push(Fix {
            code,
            detail: detail.into(),
        });
    }

    pub(crate) fn warn(&mut self, code: WarningCode, detail: impl Into<String>) {
        self.warnings.push(Warning {
            code,
            detail: detail.into(),
        });
    }

    /// Whether a repair with this code was made.
    pub fn has_fix(&self, code: FixCode) -> bool {
        self.fixes.iter().any(|f| f.code == code)
    }

    /// Whether a warning with this code was given.
    pub fn has_warning(&self, code: WarningCode) -> bool {
        self.warnings.iter().any(|w| w.code == code)
    }
}
