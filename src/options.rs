//! Options, profiles and limits. Everything is const-constructible so a relay can keep
//! its configuration in a `static`.

use chrono::{DateTime, Utc};

/// Which receivers the output is shaped for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Profile {
    /// Outlook, Outlook on the web and Exchange (and every standards-based client):
    /// adds `Content-Class`, `Thread-Topic`, `Thread-Index`.
    #[default]
    Outlook,
    /// Plain RFC 5546/6047 output without the Microsoft-specific headers.
    Standard,
}

impl Profile {
    /// The profile's name as used on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            Profile::Outlook => "outlook",
            Profile::Standard => "standard",
        }
    }
}

/// Bounds that keep hostile input from costing unbounded time or memory.
///
/// A message over a limit passes through unchanged with a warning (or fails with an
/// [`crate::ErrorKind::Limit`] error under [`Options::strict`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest message accepted, in bytes. Default 10,240,000 (Postfix's
    /// `message_size_limit` default).
    pub max_message_bytes: usize,
    /// Most MIME parts in a message. Default 1,000.
    pub max_parts: usize,
    /// Deepest MIME nesting. Default 20. Nesting deeper than 256 is refused whatever
    /// this says (the structure walk recurses once per level).
    pub max_mime_depth: usize,
    /// Most bytes any one decoder (base64, quoted-printable, BinHex, uuencode,
    /// AppleSingle) may produce for a calendar candidate: guards against
    /// decompression bombs (BinHex run-length expansion multiplies size by up to 255).
    /// Default 8 MiB.
    pub max_decoded_bytes: usize,
    /// Largest decoded calendar, in bytes. Default 4 MiB.
    pub max_calendar_bytes: usize,
    /// Deepest component nesting in a calendar. Default 16.
    pub max_component_depth: usize,
    /// Most components in a calendar. Default 10,000.
    pub max_components: usize,
    /// Most properties in one component. Default 10,000.
    pub max_properties: usize,
    /// Longest unfolded content line, in bytes. Default 1 MiB.
    pub max_line_bytes: usize,
    /// Most ATTENDEE properties in one event. Default 10,000.
    pub max_attendees: usize,
}

impl Limits {
    /// The documented defaults.
    pub const DEFAULT: Limits = Limits {
        max_message_bytes: 10_240_000,
        max_parts: 1_000,
        max_mime_depth: 20,
        max_decoded_bytes: 8 * 1024 * 1024,
        max_calendar_bytes: 4 * 1024 * 1024,
        max_component_depth: 16,
        max_components: 10_000,
        max_properties: 10_000,
        max_line_bytes: 1024 * 1024,
        max_attendees: 10_000,
    };

    /// No limits at all (for trusted input and benchmarks; never for mail from the
    /// Internet).
    pub const UNLIMITED: Limits = Limits {
        max_message_bytes: usize::MAX,
        max_parts: usize::MAX,
        max_mime_depth: usize::MAX,
        max_decoded_bytes: usize::MAX,
        max_calendar_bytes: usize::MAX,
        max_component_depth: usize::MAX,
        max_components: usize::MAX,
        max_properties: usize::MAX,
        max_line_bytes: usize::MAX,
        max_attendees: usize::MAX,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// How [`crate::transform`] behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// The current time, used for a missing DTSTAMP and for Thread-Index when the
    /// message has no usable `Date:`. When `None` the system clock is read (only then);
    /// set it for reproducible output.
    pub now: Option<DateTime<Utc>>,
    /// Output profile. Default [`Profile::Outlook`].
    pub profile: Profile,
    /// Resource limits.
    pub limits: Limits,
    /// Return an error instead of passing an unrepairable calendar through unchanged.
    pub strict: bool,
    /// The zone floating (zone-less) times are anchored to; `None` (the default) keeps
    /// them floating.
    pub default_tz: Option<chrono_tz::Tz>,
}

impl Options {
    /// Defaults: Outlook profile, default limits, system clock, lenient.
    pub const fn new() -> Self {
        Options {
            now: None,
            profile: Profile::Outlook,
            limits: Limits::DEFAULT,
            strict: false,
            default_tz: None,
        }
    }

    /// The same options with floating times anchored to `zone`.
    pub const fn with_default_tz(mut self, zone: chrono_tz::Tz) -> Self {
        self.default_tz = Some(zone);
        self
    }

    /// The same options with a fixed clock.
    pub const fn with_now(mut self, now: DateTime<Utc>) -> Self {
        self.now = Some(now);
        self
    }

    /// The same options with another profile.
    pub const fn with_profile(mut self, profile: Profile) -> Self {
        self.profile = profile;
        self
    }

    /// The same options, strict or lenient.
    pub const fn with_strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// The same options with other limits.
    pub const fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

impl Default for Options {
    fn default() -> Self {
        Options::new()
    }
}
