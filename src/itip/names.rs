//! The property names the iTIP, validation and Outlook stages judge, as an enum: a
//! stage classifies each property of a component once ([`Name::of`]) and runs its
//! rules off that, instead of comparing names again for every rule.

use crate::ical::Property;

/// Defines [`Name`], its text ([`Name::as_str`]), [`ALL`] and [`NAME_COUNT`] from one
/// list.
macro_rules! names {
    ($($variant:ident => $text:literal,)*) => {
        /// A property name a stage looks at (any ASCII case); [`Name::Other`] for the
        /// rest.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Name {
            Other,
            $($variant,)*
        }

        /// How many [`Name`]s there are.
        pub(crate) const NAME_COUNT: usize = 1 + [$(stringify!($variant),)*].len();

        /// Every [`Name`] but [`Name::Other`].
        const ALL: [Name; NAME_COUNT - 1] = [$(Name::$variant,)*];

        impl Name {
            /// The name in upper case, as the standards write it (empty for
            /// [`Name::Other`]).
            pub(crate) const fn as_str(self) -> &'static str {
                match self {
                    Name::Other => "",
                    $(Name::$variant => $text,)*
                }
            }
        }
    };
}

names! {
    Attach => "ATTACH",
    Attendee => "ATTENDEE",
    Calscale => "CALSCALE",
    Categories => "CATEGORIES",
    Class => "CLASS",
    Comment => "COMMENT",
    Contact => "CONTACT",
    Created => "CREATED",
    Description => "DESCRIPTION",
    Dtend => "DTEND",
    Dtstamp => "DTSTAMP",
    Dtstart => "DTSTART",
    Due => "DUE",
    Duration => "DURATION",
    Exdate => "EXDATE",
    Exrule => "EXRULE",
    Geo => "GEO",
    LastModified => "LAST-MODIFIED",
    Location => "LOCATION",
    Method => "METHOD",
    Organizer => "ORGANIZER",
    Priority => "PRIORITY",
    Prodid => "PRODID",
    Rdate => "RDATE",
    RecurrenceId => "RECURRENCE-ID",
    RelatedTo => "RELATED-TO",
    RequestStatus => "REQUEST-STATUS",
    Resources => "RESOURCES",
    Rrule => "RRULE",
    Sequence => "SEQUENCE",
    Status => "STATUS",
    Summary => "SUMMARY",
    Transp => "TRANSP",
    Tzid => "TZID",
    Uid => "UID",
    Url => "URL",
    Version => "VERSION",
    AltDesc => "X-ALT-DESC",
    CdoAllDayEvent => "X-MICROSOFT-CDO-ALLDAYEVENT",
    CdoApptSequence => "X-MICROSOFT-CDO-APPT-SEQUENCE",
    CdoBusyStatus => "X-MICROSOFT-CDO-BUSYSTATUS",
    CdoImportance => "X-MICROSOFT-CDO-IMPORTANCE",
    CdoInstType => "X-MICROSOFT-CDO-INSTTYPE",
    CdoIntendedStatus => "X-MICROSOFT-CDO-INTENDEDSTATUS",
    DisallowCounter => "X-MICROSOFT-DISALLOW-COUNTER",
}

/// Where a name of three bytes or more hashes in [`BY_HASH`]: its length and its
/// second, second-last and last bytes, multiplied by a constant chosen so that no two
/// names of [`ALL`] share a slot (checked when the table is made).
const fn hash(upper: &[u8]) -> Option<usize> {
    let [_, b1, ..] = upper else {
        return None;
    };
    let [.., b2, b3] = upper else {
        return None;
    };
    if upper.len() < 3 {
        return None;
    }
    let key =
        (upper.len() as u32 & 0xff) | (*b1 as u32) << 8 | (*b3 as u32) << 16 | (*b2 as u32) << 24;
    Some((key.wrapping_mul(0x4c73_2581) >> 25) as usize)
}

/// The name of each [`hash`] slot ([`Name::Other`] where none is).
// Indexing in a constant is checked when the crate compiles: it cannot fail at run time.
#[allow(clippy::indexing_slicing)]
const BY_HASH: [Name; 128] = {
    let mut table = [Name::Other; 128];
    let mut i = 0;
    while i < ALL.len() {
        let name = ALL[i];
        let Some(slot) = hash(name.as_str().as_bytes()) else {
            panic!("a name shorter than three bytes");
        };
        assert!(matches!(table[slot], Name::Other), "two names in one slot");
        table[slot] = name;
        i += 1;
    }
    table
};

/// The longest name [`Name::of`] knows ("X-MICROSOFT-CDO-INTENDEDSTATUS").
const LONGEST: usize = 30;

impl Name {
    /// The name of `p`, in any ASCII case.
    #[inline]
    pub(crate) fn of(p: &Property) -> Name {
        let name = p.name();
        if p.has_standard_name() {
            // Standard names are held in upper case.
            return Name::of_upper(name.as_bytes());
        }
        // Upper-cased on the stack: nothing longer than the longest known name is one.
        let mut buf = [0u8; LONGEST];
        match buf.get_mut(..name.len()) {
            Some(slot) => {
                slot.copy_from_slice(name.as_bytes());
                slot.make_ascii_uppercase();
                Name::of_upper(slot)
            }
            None => Name::Other,
        }
    }

    /// The name written exactly as `upper` (upper case): one hash of four bytes and
    /// the length, one table lookup and one comparison.
    #[inline]
    pub(crate) fn of_upper(upper: &[u8]) -> Name {
        let Some(key) = hash(upper) else {
            return Name::Other;
        };
        let Some(&name) = BY_HASH.get(key) else {
            return Name::Other;
        };
        let text = name.as_str().as_bytes();
        // A standard name is usually held as the very text of `as_str` (the constants
        // are shared): then the bytes need no comparison.
        if (text.as_ptr() == upper.as_ptr() && text.len() == upper.len()) || text == upper {
            name
        } else {
            Name::Other
        }
    }

    /// One bit for this name (see [`Names`]).
    #[inline]
    pub(crate) const fn bit(self) -> u64 {
        1 << self as u32
    }
}

/// A set of [`Name`]s, one bit each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Names(pub(crate) u64);

impl Names {
    /// Whether `name` is in the set.
    #[inline]
    pub(crate) const fn has(self, name: Name) -> bool {
        self.0 & name.bit() != 0
    }
}

/// Where the first property of each [`Name`] is in a component, and which names it
/// has: one classification of each property.
pub(crate) struct Index {
    first: [u32; NAME_COUNT],
    /// Every name present.
    pub(crate) present: Names,
}

impl Index {
    /// The index of `props`.
    pub(crate) fn of(props: &[Property]) -> Index {
        let mut index = Index {
            first: [u32::MAX; NAME_COUNT],
            present: Names(0),
        };
        for (i, p) in props.iter().enumerate() {
            let name = Name::of(p);
            if !index.present.has(name) {
                index.present.0 |= name.bit();
                if let (Some(slot), Ok(i)) = (index.first.get_mut(name as usize), u32::try_from(i))
                {
                    *slot = i;
                }
            }
        }
        index
    }

    /// Where the first property called `name` is.
    #[inline]
    pub(crate) fn first(&self, name: Name) -> Option<usize> {
        match self.first.get(name as usize) {
            Some(&i) if i != u32::MAX => Some(i as usize),
            _ => None,
        }
    }

    /// The first property called `name` in `props` (the slice this index was made of).
    #[inline]
    pub(crate) fn get<'a>(&self, props: &'a [Property], name: Name) -> Option<&'a Property> {
        self.first(name).and_then(|i| props.get(i))
    }

    /// Whether a property called `name` is present.
    #[inline]
    pub(crate) fn has(&self, name: Name) -> bool {
        self.present.has(name)
    }
}

/// Which of ROLE, PARTSTAT and RSVP (bits 0, 1 and 2) the ATTENDEE `p` has, in any
/// ASCII case: one look at each parameter.
pub(crate) fn attendee_params(p: &Property) -> u8 {
    let mut has = 0u8;
    for param in p.params() {
        let name = param.name.as_ref();
        has |= match name.len() {
            4 if name.eq_ignore_ascii_case("ROLE") => 1,
            8 if name.eq_ignore_ascii_case("PARTSTAT") => 2,
            4 if name.eq_ignore_ascii_case("RSVP") => 4,
            _ => 0,
        };
    }
    has
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_classified_in_any_case() {
        let cases: &[(&str, Name)] = &[
            ("ATTENDEE", Name::Attendee),
            ("attendee", Name::Attendee),
            ("X-MICROSOFT-CDO-INTENDEDSTATUS", Name::CdoIntendedStatus),
            ("x-microsoft-cdo-busystatus", Name::CdoBusyStatus),
            ("X-ALT-DESC", Name::AltDesc),
            ("XXALT-DESC", Name::Other),
            ("X-MICROSOFT-CDO-OWNERAPPTID", Name::Other),
            ("REQUEST-STATUS", Name::RequestStatus),
            ("Related-To", Name::RelatedTo),
            ("X-ENTOURAGE_UUID", Name::Other),
            ("X-MICROSOFT-CDO-INTENDEDSTATUS-AND-MORE", Name::Other),
            ("", Name::Other),
        ];
        for &(name, want) in cases {
            assert_eq!(Name::of(&Property::new(name, "x")), want, "{name}");
        }
        const { assert!(NAME_COUNT <= 64) };
        // Every name reads back as itself.
        let mut seen = 0u64;
        for text in [
            "ATTACH",
            "ATTENDEE",
            "CALSCALE",
            "CATEGORIES",
            "CLASS",
            "COMMENT",
            "CONTACT",
            "CREATED",
            "DESCRIPTION",
            "DTEND",
            "DTSTAMP",
            "DTSTART",
            "DUE",
            "DURATION",
            "EXDATE",
            "EXRULE",
            "GEO",
            "LAST-MODIFIED",
            "LOCATION",
            "METHOD",
            "ORGANIZER",
            "PRIORITY",
            "PRODID",
            "RDATE",
            "RECURRENCE-ID",
            "RELATED-TO",
            "REQUEST-STATUS",
            "RESOURCES",
            "RRULE",
            "SEQUENCE",
            "STATUS",
            "SUMMARY",
            "TRANSP",
            "TZID",
            "UID",
            "URL",
            "VERSION",
            "X-ALT-DESC",
            "X-MICROSOFT-CDO-ALLDAYEVENT",
            "X-MICROSOFT-CDO-APPT-SEQUENCE",
            "X-MICROSOFT-CDO-BUSYSTATUS",
            "X-MICROSOFT-CDO-IMPORTANCE",
            "X-MICROSOFT-CDO-INSTTYPE",
            "X-MICROSOFT-CDO-INTENDEDSTATUS",
            "X-MICROSOFT-DISALLOW-COUNTER",
        ] {
            let name = Name::of_upper(text.as_bytes());
            assert_eq!(name.as_str(), text);
            seen |= name.bit();
        }
        assert_eq!(seen, (1 << NAME_COUNT) - 2, "every name but Other");
    }
}
