//! The content-line tree: components holding properties and sub-components, in input
//! order. A property remembers the exact content line it came from until a stage
//! changes it, so untouched lines are written back as they were read.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// A parameter name or value: one of the standard texts (see [`param_text`]), not
/// copied, or a string of its own. It reads as a `str`.
///
/// 16 bytes (a `Cow<'static, str>` takes 24): an invitation to thousands of attendees
/// holds four parameters for each, each a name and a value.
#[derive(Clone)]
pub struct ParamText(TextRepr);

#[derive(Clone)]
enum TextRepr {
    /// A standard text: a reference to a constant (a thin pointer, which leaves room
    /// for the variant in the other's pointer).
    Known(&'static &'static str),
    Own(Box<str>),
}

impl ParamText {
    /// A constant text, not copied (`ParamText::known(&"TRUE")`).
    pub const fn known(text: &'static &'static str) -> Self {
        ParamText(TextRepr::Known(text))
    }

    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            TextRepr::Known(text) => text,
            TextRepr::Own(text) => text,
        }
    }

    /// Whether this is a constant (a standard name or value), not a copy.
    pub fn is_known(&self) -> bool {
        matches!(self.0, TextRepr::Known(_))
    }
}

impl std::ops::Deref for ParamText {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for ParamText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for ParamText {
    /// A text of its own (not looked up among the standard ones).
    fn from(text: String) -> Self {
        ParamText(TextRepr::Own(text.into_boxed_str()))
    }
}

impl From<&str> for ParamText {
    /// As [`param_text`]: a standard text is not copied.
    fn from(text: &str) -> Self {
        param_text(text)
    }
}

impl PartialEq for ParamText {
    /// Equal when the texts are, however they are held.
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for ParamText {}

impl PartialEq<str> for ParamText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ParamText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for ParamText {
    /// As the text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for ParamText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One value of a parameter, as written (RFC 6868 `^` escapes are not decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamValue {
    /// The text between the quotes, or the bare text. A standard value (`TRUE`,
    /// `NEEDS-ACTION`, ...) is not copied (see [`param_text`]).
    pub text: ParamText,
    /// Whether the input had it in double quotes.
    pub quoted: bool,
}

/// A property parameter: `NAME=v1,v2`. `values` is empty for a bare `;NAME` (vCalendar).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Parameter name as written. A standard name is not copied (see [`param_text`]).
    pub name: ParamText,
    /// Values in order.
    pub values: ParamValues,
}

/// The values of a [`Param`]: a slice of [`ParamValue`]s (through `Deref`). Nearly
/// every parameter has one value, which is held without a vector of its own; several
/// are held in a boxed slice (24 bytes in all, as one value).
#[derive(Clone, Default)]
pub struct ParamValues(Values);

#[derive(Clone, Default)]
enum Values {
    #[default]
    None,
    One(ParamValue),
    Many(Box<[ParamValue]>),
}

impl ParamValues {
    /// No value (a bare vCalendar parameter).
    pub const fn new() -> Self {
        ParamValues(Values::None)
    }

    /// One value.
    pub const fn one(value: ParamValue) -> Self {
        ParamValues(Values::One(value))
    }

    /// Appends a value.
    pub fn push(&mut self, value: ParamValue) {
        match std::mem::take(&mut self.0) {
            Values::None => self.0 = Values::One(value),
            Values::One(first) => self.0 = Values::Many(Box::new([first, value])),
            Values::Many(all) => {
                let mut all = all.into_vec();
                all.push(value);
                self.0 = Values::Many(all.into_boxed_slice());
            }
        }
    }

    /// Removes every value.
    pub fn clear(&mut self) {
        self.0 = Values::None;
    }
}

impl std::ops::Deref for ParamValues {
    type Target = [ParamValue];

    fn deref(&self) -> &[ParamValue] {
        match &self.0 {
            Values::None => &[],
            Values::One(v) => std::slice::from_ref(v),
            Values::Many(all) => all,
        }
    }
}

impl std::ops::DerefMut for ParamValues {
    fn deref_mut(&mut self) -> &mut [ParamValue] {
        match &mut self.0 {
            Values::None => &mut [],
            Values::One(v) => std::slice::from_mut(v),
            Values::Many(all) => all,
        }
    }
}

impl From<Vec<ParamValue>> for ParamValues {
    fn from(mut all: Vec<ParamValue>) -> Self {
        match all.len() {
            0 => ParamValues::new(),
            1 => all.pop().map_or_else(ParamValues::new, ParamValues::one),
            _ => ParamValues(Values::Many(all.into_boxed_slice())),
        }
    }
}

impl<'a> IntoIterator for &'a ParamValues {
    type Item = &'a ParamValue;
    type IntoIter = std::slice::Iter<'a, ParamValue>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut ParamValues {
    type Item = &'a mut ParamValue;
    type IntoIter = std::slice::IterMut<'a, ParamValue>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl PartialEq for ParamValues {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for ParamValues {}

impl fmt::Debug for ParamValues {
    /// As the list of values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Param {
    /// The first value's text, if any.
    #[inline]
    pub fn first(&self) -> Option<&str> {
        self.values.first().map(|v| v.text.as_ref())
    }
}

/// A property: name, parameters and raw value (TEXT escapes not decoded).
///
/// The properties of one parse share the text they were read from: a parsed property
/// holds its content line and its value as byte ranges of that text until a stage
/// replaces the value.
#[derive(Clone)]
pub struct Property {
    /// The unfolded text this property was read from (`None` for a property built by
    /// a stage, or the text its value is shared from, see
    /// [`Property::with_shared_value`]). Kept after a change, for the ranges that still
    /// point into it.
    source: Option<Arc<str>>,
    /// Where the content line is in `source` (which the parser keeps under 4 GiB).
    line: Range<u32>,
    /// A standard name is not copied (see [`known_name`]).
    name: Cow<'static, str>,
    params: Vec<Param>,
    value: Text,
    /// Whether `line` is still this property's content line (nothing changed it).
    original: bool,
}

/// The value of a [`Property`]: a range of its `source`, a constant, or a string of
/// its own.
#[derive(Clone)]
enum Text {
    Source(Range<u32>),
    Static(&'static str),
    Own(String),
}

/// A range of a source under 4 GiB; one that does not fit is empty (reads as no text).
fn narrow(r: Range<usize>) -> Range<u32> {
    match (u32::try_from(r.start), u32::try_from(r.end)) {
        (Ok(start), Ok(end)) => start..end,
        _ => 0..0,
    }
}

/// `name` as a property name: a standard one is not copied.
fn property_name<N: AsRef<str> + Into<String>>(name: N) -> Cow<'static, str> {
    match known_name(name.as_ref()) {
        Some(known) => Cow::Borrowed(known),
        None => Cow::Owned(name.into()),
    }
}

impl Property {
    /// A new property with no parameters. `value` is the raw (already escaped) value.
    pub fn new<N: AsRef<str> + Into<String>>(name: N, value: impl Into<String>) -> Self {
        Property::with_value(property_name(name), Text::Own(value.into()))
    }

    /// A new property with no parameters and a constant raw value (nothing copied when
    /// the name is a standard one).
    pub fn constant<N: AsRef<str> + Into<String>>(name: N, value: &'static str) -> Self {
        Property::with_value(property_name(name), Text::Static(value))
    }

    fn with_value(name: Cow<'static, str>, value: Text) -> Self {
        Property {
            source: None,
            line: 0..0,
            name,
            params: Vec::new(),
            value,
            original: false,
        }
    }

    /// A new property with no parameters whose raw value is the range `value` of the
    /// shared text `text` (a range that is not one reads as empty text), so that a
    /// clone copies no text. Like [`Property::new`], a property built by a stage: its
    /// content line is composed when it is written.
    pub(crate) fn with_shared_value<N: AsRef<str> + Into<String>>(
        name: N,
        text: Arc<str>,
        value: Range<usize>,
    ) -> Self {
        Property {
            source: Some(text),
            ..Property::with_value(property_name(name), Text::Source(narrow(value)))
        }
    }

    /// A parsed property: `line` is where its unfolded content line is in `source`,
    /// `value` where its value is (a range that is not one reads as empty text). The
    /// parser keeps sources under 4 GiB ([`crate::ical::parse::ParseError::TooLarge`]);
    /// a range past that would read as empty text.
    pub(crate) fn from_source(
        source: Arc<str>,
        line: Range<usize>,
        name: &str,
        params: Vec<Param>,
        value: Range<usize>,
    ) -> Self {
        Property {
            source: Some(source),
            line: narrow(line),
            name: property_name(name),
            params,
            value: Text::Source(narrow(value)),
            original: true,
        }
    }

    /// The text at `range` of the source.
    fn source_text(&self, range: &Range<u32>) -> &str {
        self.source
            .as_deref()
            .and_then(|s| s.get(range.start as usize..range.end as usize))
            .unwrap_or_default()
    }

    /// The name as written.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the name equals `name`, ignoring ASCII case.
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// Whether the name equals one of `names`, ignoring ASCII case.
    pub fn is_any(&self, names: &[&str]) -> bool {
        names.iter().any(|n| self.name.eq_ignore_ascii_case(n))
    }

    /// [`Property::is`] for a name written in upper case (as every standard name is):
    /// a standard name is decided by one exact comparison, without a case-insensitive
    /// loop. `upper` must contain no lower-case ASCII letter.
    #[inline]
    pub fn is_upper(&self, upper: &str) -> bool {
        match &self.name {
            // A standard name is upper case: ignoring case, it equals an upper-case
            // name only when it is that name exactly.
            Cow::Borrowed(name) => *name == upper,
            Cow::Owned(name) => name.eq_ignore_ascii_case(upper),
        }
    }

    /// [`Property::is_any`] for names written in upper case (see
    /// [`Property::is_upper`]).
    #[inline]
    pub fn is_any_upper(&self, upper: &[&str]) -> bool {
        upper.iter().any(|n| self.is_upper(n))
    }

    /// The name in ASCII upper case: borrowed when it already is (always for a standard
    /// name, which is not scanned).
    pub fn upper_name(&self) -> Cow<'_, str> {
        match &self.name {
            Cow::Borrowed(name) => Cow::Borrowed(name),
            Cow::Owned(name) if name.bytes().any(|b| b.is_ascii_lowercase()) => {
                Cow::Owned(name.to_ascii_uppercase())
            }
            Cow::Owned(name) => Cow::Borrowed(name),
        }
    }

    /// The raw value.
    pub fn value(&self) -> &str {
        match &self.value {
            Text::Source(range) => self.source_text(range),
            Text::Static(s) => s,
            Text::Own(s) => s,
        }
    }

    /// The content line as read, while nothing has changed it.
    pub(crate) fn original_line(&self) -> Option<&str> {
        self.original.then(|| self.source_text(&self.line))
    }

    /// The parameters in order.
    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// The first parameter called `name` (ASCII case-insensitive).
    #[inline]
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// The first value of the first parameter called `name`.
    #[inline]
    pub fn param_value(&self, name: &str) -> Option<&str> {
        self.param(name).and_then(Param::first)
    }

    /// Whether no stage has changed this property since it was parsed.
    pub fn is_original(&self) -> bool {
        self.original
    }

    /// Replaces the raw value.
    pub fn set_value(&mut self, value: impl Into<String>) {
        self.value = Text::Own(value.into());
        self.original = false;
    }

    /// Renames the property.
    pub fn rename<N: AsRef<str> + Into<String>>(&mut self, name: N) {
        self.name = property_name(name);
        self.original = false;
    }

    /// Sets parameter `name` to a single value given as plain text: RFC 6868 escapes
    /// are applied, and the value is quoted when it needs to be.
    pub fn set_param(&mut self, name: &str, text: &str) {
        self.set_param_escaped(name, param_value_text(text));
    }

    /// [`Property::set_param`] for a value already escaped as a parameter value (RFC
    /// 6868), e.g. one made once for many properties: the parameter gets that single
    /// value, quoted if its first value was.
    pub fn set_param_escaped(&mut self, name: &str, escaped: ParamText) {
        let value = ParamValue {
            text: escaped,
            quoted: false,
        };
        self.original = false;
        if let Some(p) = self
            .params
            .iter_mut()
            .find(|p| p.name.eq_ignore_ascii_case(name))
        {
            let quoted = p.values.first().is_some_and(|v| v.quoted);
            p.values.clear();
            p.values.push(ParamValue { quoted, ..value });
        } else {
            self.params.push(Param {
                name: param_text(name),
                values: ParamValues::one(value),
            });
        }
    }

    /// Makes this property equal to `source`, as [`Clone::clone_from`] would, field by
    /// field: the parameter list this property has is reused, not freed and allocated
    /// again, and a shared text that both already hold is not counted again.
    pub fn assign_from(&mut self, source: &Property) {
        let same_source = match (&self.source, &source.source) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        if !same_source {
            self.source.clone_from(&source.source);
        }
        self.line = source.line.clone();
        match (&mut self.name, &source.name) {
            (name, Cow::Borrowed(known)) => *name = Cow::Borrowed(known),
            (name, own) => name.clone_from(own),
        }
        if !(self.params.is_empty() && source.params.is_empty()) {
            self.params.clone_from(&source.params);
        }
        match (&mut self.value, &source.value) {
            (value, Text::Source(range)) => *value = Text::Source(range.clone()),
            (value, Text::Static(text)) => *value = Text::Static(text),
            (value, own) => value.clone_from(own),
        }
        self.original = source.original;
    }

    /// Makes room for `additional` more parameters (for a stage about to add several).
    pub fn reserve_params(&mut self, additional: usize) {
        self.params.reserve_exact(additional);
    }

    /// Whether the name is one of the standard names this crate knows (written in
    /// upper case, without `_`), which a parsed property holds without a copy.
    pub fn has_standard_name(&self) -> bool {
        matches!(self.name, Cow::Borrowed(_))
    }

    /// Mutable access to the parameters; marks the property changed.
    pub fn params_mut(&mut self) -> &mut Vec<Param> {
        self.original = false;
        &mut self.params
    }

    /// The unfolded content line: the original one when untouched, else composed.
    pub fn content_line(&self) -> Cow<'_, str> {
        match self.original_line() {
            Some(line) => Cow::Borrowed(line),
            None => {
                let mut line = String::with_capacity(self.content_len_hint() + 8);
                self.compose(&mut line);
                Cow::Owned(line)
            }
        }
    }

    /// The length of [`Property::content_line`], or a little more when it is composed
    /// (quotes and escapes are guessed).
    pub(crate) fn content_len_hint(&self) -> usize {
        if self.original {
            return self.line.len();
        }
        let params: usize = self
            .params
            .iter()
            .map(|p| 1 + p.name.len() + p.values.iter().map(|v| v.text.len() + 3).sum::<usize>())
            .sum();
        self.name().len() + params + 1 + self.value().len()
    }

    /// Appends the composed content line to `line`.
    pub(crate) fn compose(&self, line: &mut String) {
        let (name, value) = (self.name(), self.value());
        line.push_str(name);
        for p in &self.params {
            line.push(';');
            line.push_str(&p.name);
            for (i, v) in p.values.iter().enumerate() {
                line.push(if i == 0 { '=' } else { ',' });
                let text = v.text.as_str();
                let (special, dquote) = quote_scan(text);
                if v.quoted || special {
                    line.push('"');
                    if dquote {
                        line.push_str(&text.replace('"', "^'"));
                    } else {
                        line.push_str(text);
                    }
                    line.push('"');
                } else {
                    line.push_str(text);
                }
            }
        }
        line.push(':');
        line.push_str(value);
    }
}

/// A parameter name or value as a [`ParamText`]: a constant when it is one of the
/// standard names and values (exactly as written), so that most parameters hold no
/// copy; a copy otherwise.
pub fn param_text(text: &str) -> ParamText {
    match known_param_text(text) {
        Some(known) => ParamText::known(known),
        None => ParamText(TextRepr::Own(Box::from(text))),
    }
}

/// The standard parameter name or value equal to `text` (exactly as written).
fn known_param_text(text: &str) -> Option<&'static &'static str> {
    Some(match text {
        "CN" => &"CN",
        "ROLE" => &"ROLE",
        "PARTSTAT" => &"PARTSTAT",
        "RSVP" => &"RSVP",
        "CUTYPE" => &"CUTYPE",
        "TZID" => &"TZID",
        "VALUE" => &"VALUE",
        "ENCODING" => &"ENCODING",
        "CHARSET" => &"CHARSET",
        "LANGUAGE" => &"LANGUAGE",
        "FMTTYPE" => &"FMTTYPE",
        "SENT-BY" => &"SENT-BY",
        "X-NUM-GUESTS" => &"X-NUM-GUESTS",
        "RELATED" => &"RELATED",
        "RANGE" => &"RANGE",
        "REQ-PARTICIPANT" => &"REQ-PARTICIPANT",
        "OPT-PARTICIPANT" => &"OPT-PARTICIPANT",
        "NON-PARTICIPANT" => &"NON-PARTICIPANT",
        "CHAIR" => &"CHAIR",
        "NEEDS-ACTION" => &"NEEDS-ACTION",
        "ACCEPTED" => &"ACCEPTED",
        "DECLINED" => &"DECLINED",
        "TENTATIVE" => &"TENTATIVE",
        "DELEGATED" => &"DELEGATED",
        "TRUE" => &"TRUE",
        "FALSE" => &"FALSE",
        "INDIVIDUAL" => &"INDIVIDUAL",
        "GROUP" => &"GROUP",
        "RESOURCE" => &"RESOURCE",
        "ROOM" => &"ROOM",
        "DATE" => &"DATE",
        "DATE-TIME" => &"DATE-TIME",
        "text/html" => &"text/html",
        "0" => &"0",
        _ => return None,
    })
}

/// The standard name equal to `name` (exactly: as this crate and most producers write
/// it), so that properties with one do not hold a copy.
fn known_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "ACTION" => "ACTION",
        "ATTACH" => "ATTACH",
        "ATTENDEE" => "ATTENDEE",
        "CALSCALE" => "CALSCALE",
        "CATEGORIES" => "CATEGORIES",
        "CLASS" => "CLASS",
        "COMMENT" => "COMMENT",
        "CONTACT" => "CONTACT",
        "CREATED" => "CREATED",
        "DESCRIPTION" => "DESCRIPTION",
        "DTEND" => "DTEND",
        "DTSTAMP" => "DTSTAMP",
        "DTSTART" => "DTSTART",
        "DUE" => "DUE",
        "DURATION" => "DURATION",
        "EXDATE" => "EXDATE",
        "GEO" => "GEO",
        "LAST-MODIFIED" => "LAST-MODIFIED",
        "LOCATION" => "LOCATION",
        "METHOD" => "METHOD",
        "ORGANIZER" => "ORGANIZER",
        "PRIORITY" => "PRIORITY",
        "PRODID" => "PRODID",
        "RDATE" => "RDATE",
        "RECURRENCE-ID" => "RECURRENCE-ID",
        "REPEAT" => "REPEAT",
        "RESOURCES" => "RESOURCES",
        "RRULE" => "RRULE",
        "SEQUENCE" => "SEQUENCE",
        "STATUS" => "STATUS",
        "SUMMARY" => "SUMMARY",
        "TRANSP" => "TRANSP",
        "TRIGGER" => "TRIGGER",
        "TZID" => "TZID",
        "TZNAME" => "TZNAME",
        "TZOFFSETFROM" => "TZOFFSETFROM",
        "TZOFFSETTO" => "TZOFFSETTO",
        "TZURL" => "TZURL",
        "UID" => "UID",
        "URL" => "URL",
        "VERSION" => "VERSION",
        "X-ALT-DESC" => "X-ALT-DESC",
        "X-MICROSOFT-CDO-ALLDAYEVENT" => "X-MICROSOFT-CDO-ALLDAYEVENT",
        "X-MICROSOFT-CDO-APPT-SEQUENCE" => "X-MICROSOFT-CDO-APPT-SEQUENCE",
        "X-MICROSOFT-CDO-BUSYSTATUS" => "X-MICROSOFT-CDO-BUSYSTATUS",
        "X-MICROSOFT-CDO-IMPORTANCE" => "X-MICROSOFT-CDO-IMPORTANCE",
        "X-MICROSOFT-CDO-INSTTYPE" => "X-MICROSOFT-CDO-INSTTYPE",
        "X-MICROSOFT-CDO-INTENDEDSTATUS" => "X-MICROSOFT-CDO-INTENDEDSTATUS",
        "X-MICROSOFT-CDO-OWNERAPPTID" => "X-MICROSOFT-CDO-OWNERAPPTID",
        "X-MICROSOFT-DISALLOW-COUNTER" => "X-MICROSOFT-DISALLOW-COUNTER",
        "X-WR-TIMEZONE" => "X-WR-TIMEZONE",
        _ => return None,
    })
}

impl PartialEq for Property {
    /// Equal when name, parameters, value and (while unchanged) the content line are.
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
            && self.params == other.params
            && self.value() == other.value()
            && self.original_line() == other.original_line()
    }
}

impl Eq for Property {}

impl fmt::Debug for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Property")
            .field("name", &self.name())
            .field("params", &self.params)
            .field("value", &self.value())
            .field("original", &self.original_line())
            .finish()
    }
}

/// Whether a parameter value must be quoted (RFC 5545 section 3.2: COLON, SEMICOLON,
/// COMMA, or empty), and whether it holds a `"`: one pass over the bytes.
fn quote_scan(text: &str) -> (bool, bool) {
    // One table look-up and one OR a byte, no branch; nearly always nothing is found.
    let found = text.as_bytes().iter().fold(false, |found, &b| {
        found | QUOTE_BYTE.get(usize::from(b)).copied().unwrap_or(false)
    });
    if !found {
        return (text.is_empty(), false);
    }
    let special = text.bytes().any(|b| matches!(b, b':' | b';' | b','));
    (special, text.contains('"'))
}

/// The bytes [`quote_scan`] looks for.
static QUOTE_BYTE: [bool; 256] = byte_class(b":;,\"");

/// A 256-entry table that is `true` for the bytes of `members`.
pub(crate) const fn byte_class(members: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut rest = members;
    while let [b, tail @ ..] = rest {
        let mut slots: &mut [bool] = &mut table;
        let mut i = 0;
        while let [slot, more @ ..] = slots {
            if i == *b as usize {
                *slot = true;
            }
            slots = more;
            i += 1;
        }
        rest = tail;
    }
    table
}

/// `text` as a parameter value: RFC 6868 escapes applied; a standard value (which has
/// nothing to escape) is not copied.
pub fn param_value_text(text: &str) -> ParamText {
    match known_param_text(text) {
        Some(known) => ParamText::known(known),
        None => ParamText::from(escape_param_text(text)),
    }
}

/// Whether [`escape_param_text`] may change `text`; when not, it returns a copy.
fn has_param_escapes(text: &str) -> bool {
    // C1 controls start with 0xC2.
    text.bytes()
        .any(|b| matches!(b, b'^' | b'"' | 0x7f | 0xc2) || b < 0x20)
}

/// Applies RFC 6868 escaping to plain text for use in a parameter value: `^` -> `^^`,
/// newline -> `^n`, `"` -> `^'`; other control characters become spaces.
pub fn escape_param_text(text: &str) -> String {
    // Nearly always there is nothing to escape.
    if !has_param_escapes(text) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '^' => out.push_str("^^"),
            '"' => out.push_str("^'"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("^n");
            }
            '\n' => out.push_str("^n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Decodes RFC 6868 escapes in a parameter value (`^^`, `^n`, `^'`); other `^` kept.
pub fn unescape_param_text(text: &str) -> Cow<'_, str> {
    if !text.contains('^') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '^' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('^') => out.push('^'),
            Some('n') => out.push('\n'),
            Some('\'') => out.push('"'),
            _ => {
                out.push('^');
                continue;
            }
        }
        chars.next();
    }
    Cow::Owned(out)
}

/// From this many properties on, [`Component::reserve_properties`] adds
/// [`LONG_LIST_SLACK`] to what is asked, and [`Component::insert_property_after`]
/// grows the list by that instead of doubling it.
const LONG_PROPERTY_LIST: usize = 1024;

/// Room left for later additions when a long property list grows: the stages add a
/// handful of properties each (DTSTAMP, SEQUENCE, the Outlook CDO properties, ...),
/// so that they do not copy the list again.
const LONG_LIST_SLACK: usize = 16;

/// A component: `BEGIN:NAME` ... `END:NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// Name as written (compare with [`Component::is`]).
    pub name: String,
    /// Properties in input order.
    pub properties: Vec<Property>,
    /// Sub-components in input order.
    pub components: Vec<Component>,
}

impl Component {
    /// An empty component.
    pub fn new(name: impl Into<String>) -> Self {
        Component {
            name: name.into(),
            properties: Vec::new(),
            components: Vec::new(),
        }
    }

    /// Whether the name equals `name`, ignoring ASCII case.
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The first property called `name`.
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.is(name))
    }

    /// The first property called `name`, mutably.
    pub fn property_mut(&mut self, name: &str) -> Option<&mut Property> {
        self.properties.iter_mut().find(|p| p.is(name))
    }

    /// [`Component::property`] for a name written in upper case (see
    /// [`Property::is_upper`]).
    #[inline]
    pub fn property_upper(&self, upper: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.is_upper(upper))
    }

    /// [`Component::property_mut`] for a name written in upper case (see
    /// [`Property::is_upper`]).
    #[inline]
    pub fn property_upper_mut(&mut self, upper: &str) -> Option<&mut Property> {
        self.properties.iter_mut().find(|p| p.is_upper(upper))
    }

    /// [`Component::properties_named`] for a name written in upper case (see
    /// [`Property::is_upper`]).
    #[inline]
    pub fn properties_upper<'a>(&'a self, upper: &'a str) -> impl Iterator<Item = &'a Property> {
        self.properties.iter().filter(move |p| p.is_upper(upper))
    }

    /// Every property called `name`.
    pub fn properties_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Property> {
        self.properties.iter().filter(move |p| p.is(name))
    }

    /// Every sub-component called `name`.
    pub fn components_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Component> {
        self.components.iter().filter(move |c| c.is(name))
    }

    /// Every sub-component called `name`, mutably.
    pub fn components_named_mut<'a>(
        &'a mut self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a mut Component> {
        self.components.iter_mut().filter(move |c| c.is(name))
    }

    /// Inserts `prop` after the last of the leading properties whose names are in
    /// `after` (so generated properties land in a conventional place), else at the end.
    pub fn insert_property_after(&mut self, after: &[&str], prop: Property) {
        let pos = self
            .properties
            .iter()
            .rposition(|p| after.iter().any(|n| p.is(n)))
            .map_or(self.properties.len(), |i| i + 1);
        if self.properties.len() >= LONG_PROPERTY_LIST {
            self.reserve_properties(1);
        }
        self.properties.insert(pos, prop);
    }

    /// Makes room for `additional` more properties, exactly (a long list, of thousands
    /// of ATTENDEEs, a little more for the stages after). Each stage reserves what it
    /// adds at once: a list grows at most once a stage, and keeps no unused room
    /// (doubling would leave up to half of it unused, for every event of a calendar).
    pub fn reserve_properties(&mut self, additional: usize) {
        let props = &mut self.properties;
        if props.capacity() - props.len() >= additional {
            return;
        }
        let slack = if props.len() < LONG_PROPERTY_LIST {
            0
        } else {
            LONG_LIST_SLACK
        };
        props.reserve_exact(additional + slack);
    }

    /// Nesting depth: 1 for a component without sub-components.
    pub fn depth(&self) -> usize {
        1 + self
            .components
            .iter()
            .map(Component::depth)
            .max()
            .unwrap_or(0)
    }

    /// Visits this component and every descendant, depth first.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Component)) {
        f(self);
        for c in &mut self.components {
            c.walk_mut(f);
        }
    }
}
