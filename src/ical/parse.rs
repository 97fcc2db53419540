//! Logical lines to the component tree. Lenient: lowercase names, `_` in names, bare
//! parameters, missing END lines and stray text are accepted and reported, never fatal.

use super::model::{byte_class, param_text, Component, Param, ParamValue, ParamValues, Property};
use crate::report::WarningCode;
use std::sync::Arc;

/// Why a calendar could not be parsed at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// No `BEGIN:` line.
    NoComponent,
    /// Components nested deeper than the limit.
    TooDeep(usize),
    /// More components than the limit.
    TooManyComponents(usize),
    /// A component with more properties than the limit.
    TooManyProperties(usize),
    /// An unfolded line longer than the limit.
    LineTooLong(usize),
    /// A component of the calendar with more ATTENDEEs than the limit.
    TooManyAttendees(usize),
    /// A calendar text of 4 GiB or more (the model keeps 32-bit offsets into it).
    TooLarge(usize),
}

/// Bounds on what one calendar may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseLimits {
    /// Deepest component nesting.
    pub max_depth: usize,
    /// Most components in all.
    pub max_components: usize,
    /// Most properties in one component.
    pub max_properties: usize,
    /// Longest unfolded line, in bytes.
    pub max_line_bytes: usize,
    /// Most ATTENDEE properties in one component of a calendar (a VEVENT, not its
    /// VALARMs). Checked while parsing, so that an oversized invitation is refused
    /// before its model is built.
    pub max_attendees: usize,
}

impl ParseLimits {
    /// Only a depth limit (tests and trusted input).
    pub const fn depth(max_depth: usize) -> Self {
        ParseLimits {
            max_depth,
            max_components: usize::MAX,
            max_properties: usize::MAX,
            max_line_bytes: usize::MAX,
            max_attendees: usize::MAX,
        }
    }

    /// Whether a parse error is a limit (as opposed to not being a calendar).
    pub fn is_limit(e: &ParseError) -> bool {
        !matches!(e, ParseError::NoComponent)
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseError::NoComponent => f.write_str("no BEGIN line: not an iCalendar object"),
            ParseError::TooDeep(n) => write!(f, "components nested deeper than {n} levels"),
            ParseError::TooManyComponents(n) => write!(f, "more than {n} components"),
            ParseError::TooManyProperties(n) => {
                write!(f, "a component with more than {n} properties")
            }
            ParseError::LineTooLong(n) => write!(f, "a content line longer than {n} bytes"),
            ParseError::TooManyAttendees(n) => write!(f, "an event with more than {n} attendees"),
            ParseError::TooLarge(n) => write!(f, "the calendar is {n} bytes, 4 GiB or more"),
        }
    }
}

/// The parsed tree and what was odd about it.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// Top-level components (normally one VCALENDAR).
    pub roots: Vec<Component>,
    /// Findings, in input order.
    pub issues: Vec<(WarningCode, String)>,
}

/// Parses `\n`-separated, already unfolded lines.
///
/// # Errors
/// [`ParseError::NoComponent`] when there is no component at all,
/// [`ParseError::TooDeep`] when nesting exceeds `max_depth`.
pub fn parse(text: &str, max_depth: usize) -> Result<Parsed, ParseError> {
    parse_with_limits(text, ParseLimits::depth(max_depth))
}

/// [`parse`] with every limit of [`ParseLimits`].
///
/// # Errors
/// As [`parse`], plus the limit errors.
pub fn parse_with_limits(text: &str, limits: ParseLimits) -> Result<Parsed, ParseError> {
    if u32::try_from(text.len()).is_err() {
        return Err(ParseError::TooLarge(text.len()));
    }
    parse_shared(Arc::from(text), limits)
}

/// [`parse_with_limits`] of a text already shared: every property keeps its content
/// line and value as ranges of `source` (no copy of it is made, so that a caller that
/// keeps the text holds it once).
///
/// # Errors
/// As [`parse_with_limits`].
pub fn parse_shared(source: Arc<str>, limits: ParseLimits) -> Result<Parsed, ParseError> {
    let text: &str = &source;
    if u32::try_from(text.len()).is_err() {
        return Err(ParseError::TooLarge(text.len()));
    }
    let mut parsed = Parsed::default();
    let mut stack: Vec<Open> = Vec::new();
    // The properties of every open component, the innermost last: a component takes
    // its own (a vector of the exact size) when it closes.
    // Room for a typical invitation's open components, so that it rarely grows (each
    // growth copies every property read so far).
    let mut props: Vec<Property> = Vec::with_capacity(PROPS_CAPACITY);
    let mut components = 0usize;
    // ATTENDEEs of the open component at depth 2 (a child of the VCALENDAR).
    let mut attendees = 0usize;
    // Parameters are collected here, then moved into a vector of the exact size.
    let mut scratch: Vec<Param> = Vec::new();
    let mut line_start = 0usize;
    let mut lineno = 0usize;
    let mut line_ends = memchr::memchr_iter(b'\n', text.as_bytes());
    while line_start <= text.len() {
        lineno += 1;
        let line_end = line_ends.next().unwrap_or(text.len());
        let line = text.get(line_start..line_end).unwrap_or_default();
        let next_line = line_end + 1;
        line_start = next_line;
        if line.len() > limits.max_line_bytes {
            return Err(ParseError::LineTooLong(limits.max_line_bytes));
        }
        // Almost every line starts with a name: only look further when it does not.
        let plain_start = line
            .as_bytes()
            .first()
            .is_some_and(|b| b.is_ascii_graphic());
        if !plain_start && line.trim().is_empty() {
            continue;
        }
        // A line can only start with a blank when a fold followed an empty line; read
        // it without the blanks, as the writer will write it.
        let line = if plain_start {
            line
        } else {
            line.trim_start_matches([' ', '\t'])
        };
        let start = next_line - 1 - line.len();
        // A BEGIN or END line starts with a B or an E: only those are looked at.
        let keyword = line
            .as_bytes()
            .first()
            .is_some_and(|b| matches!(b.to_ascii_uppercase(), b'B' | b'E'));
        if let Some(name) = keyword.then(|| keyword_value(line, "BEGIN")).flatten() {
            if stack.len() >= limits.max_depth {
                return Err(ParseError::TooDeep(limits.max_depth));
            }
            components += 1;
            if components > limits.max_components {
                return Err(ParseError::TooManyComponents(limits.max_components));
            }
            stack.push(Open {
                component: Component::new(name),
                first_property: props.len(),
            });
            if stack.len() == 2 {
                attendees = 0;
            }
            continue;
        }
        if let Some(name) = keyword.then(|| keyword_value(line, "END")).flatten() {
            close(&mut stack, &mut props, &mut parsed, name, lineno);
            continue;
        }
        let depth = stack.len();
        let Some(top) = stack.last() else {
            parsed.issues.push((
                WarningCode::TextOutsideCalendar,
                format!("line {lineno}: text outside any component dropped"),
            ));
            continue;
        };
        if props.len() - top.first_property >= limits.max_properties {
            return Err(ParseError::TooManyProperties(limits.max_properties));
        }
        match parse_content_line_at(&source, start, line, &mut scratch) {
            Some(prop) => {
                if depth == 2 && prop.is_upper("ATTENDEE") {
                    attendees += 1;
                    if attendees > limits.max_attendees {
                        return Err(ParseError::TooManyAttendees(limits.max_attendees));
                    }
                }
                props.push(prop);
            }
            None => {
                parsed.issues.push((
                    WarningCode::MalformedLine,
                    format!("line {lineno}: not a content line, kept as it was"),
                ));
                // Keep it: its whole text as an opaque property line. Leading blanks
                // go, or the writer would emit a continuation line that joins the line
                // before it on the next read.
                let whole = start..start + line.len();
                props.push(Property::from_source(
                    Arc::clone(&source),
                    whole,
                    "",
                    Vec::new(),
                    0..0,
                ));
            }
        }
    }
    while let Some(open) = stack.pop() {
        parsed.issues.push((
            WarningCode::MissingEnd,
            format!("{} not closed at end of calendar", open.component.name),
        ));
        attach(&mut stack, &mut props, &mut parsed.roots, open);
    }
    if parsed.roots.is_empty() {
        return Err(ParseError::NoComponent);
    }
    Ok(parsed)
}

/// The initial capacity of the shared property list of [`parse_with_limits`].
const PROPS_CAPACITY: usize = 32;

/// From this many properties on, a closing component takes over the shared property
/// list instead of a copy of its part of it (see [`attach`]).
const LARGE_COMPONENT: usize = 1024;

/// A component being read, and where its properties start in the shared list.
struct Open {
    component: Component,
    first_property: usize,
}

fn close(
    stack: &mut Vec<Open>,
    props: &mut Vec<Property>,
    parsed: &mut Parsed,
    name: &str,
    lineno: usize,
) {
    let Some(pos) = stack.iter().rposition(|c| c.component.is(name)) else {
        parsed.issues.push((
            WarningCode::StrayEnd,
            format!("line {lineno}: END:{name} matches no open component, dropped"),
        ));
        return;
    };
    while stack.len() > pos {
        let Some(done) = stack.pop() else { break };
        if stack.len() > pos {
            parsed.issues.push((
                WarningCode::MissingEnd,
                format!(
                    "line {lineno}: {} closed by END:{name}",
                    done.component.name
                ),
            ));
        }
        attach(stack, props, &mut parsed.roots, done);
    }
}

/// Gives `done` its properties (the end of `props`) and adds it to its parent.
fn attach(stack: &mut [Open], props: &mut Vec<Property>, roots: &mut Vec<Component>, done: Open) {
    let Open {
        mut component,
        first_property,
    } = done;
    let first = first_property.min(props.len());
    let count = props.len() - first;
    component.properties = if count >= LARGE_COMPONENT && count > first {
        // A large component (thousands of ATTENDEEs) keeps the shared list itself,
        // cut to size, and the open components' few properties move to a new one:
        // a copy of its properties would hold them twice.
        let head: Vec<Property> = props.drain(..first).collect();
        let mut own = std::mem::replace(props, head);
        own.shrink_to_fit();
        own
    } else {
        // Exactly as many as there are, moved in one copy.
        props.split_off(first)
    };
    match stack.last_mut() {
        Some(parent) => parent.component.components.push(component),
        None => roots.push(component),
    }
}

/// `BEGIN:VEVENT` -> `Some("VEVENT")` for keyword `BEGIN`, case-insensitively.
/// `keyword` must be written in upper case.
fn keyword_value<'a>(line: &'a str, keyword: &str) -> Option<&'a str> {
    let rest = match line.strip_prefix(keyword) {
        Some(rest) => rest,
        None => {
            let head = line.get(..keyword.len())?;
            if !head.eq_ignore_ascii_case(keyword) {
                return None;
            }
            line.get(keyword.len()..)?
        }
    };
    // Nearly always `KEYWORD:NAME` with nothing around the name to trim: a name that
    // starts and ends with a visible ASCII character is what `trim` would leave.
    if let Some(name) = rest.strip_prefix(':') {
        let bytes = name.as_bytes();
        if bytes.first().is_some_and(u8::is_ascii_graphic)
            && bytes.last().is_some_and(u8::is_ascii_graphic)
        {
            return Some(name);
        }
    }
    let rest = rest.trim_start_matches([' ', '\t']);
    let name = rest.strip_prefix(':')?.trim();
    (!name.is_empty()).then_some(name)
}

/// Which bytes may appear in a property or parameter name: ASCII letters and digits,
/// `-` and `_`.
static NAME_BYTE: [bool; 256] =
    byte_class(b"-_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

/// Which bytes end an unquoted parameter value: `,`, `;`, `:` and `"`.
static PARAM_VALUE_END: [bool; 256] = byte_class(b",;:\"");

fn is_name_byte(b: u8) -> bool {
    NAME_BYTE.get(usize::from(b)).copied().unwrap_or(false)
}

fn ends_param_value(b: u8) -> bool {
    PARAM_VALUE_END
        .get(usize::from(b))
        .copied()
        .unwrap_or(false)
}

/// Parses one unfolded content line: `name *(";" param) ":" value`.
pub fn parse_content_line(line: &str) -> Option<Property> {
    parse_content_line_at(&Arc::from(line), 0, line, &mut Vec::new())
}

/// [`parse_content_line`] for a `line` that starts at byte `start` of `source`.
fn parse_content_line_at(
    source: &Arc<str>,
    start: usize,
    line: &str,
    scratch: &mut Vec<Param>,
) -> Option<Property> {
    let bytes = line.as_bytes();
    let name_end = bytes.iter().position(|&b| !is_name_byte(b))?;
    if name_end == 0 {
        return None;
    }
    let name = line.get(..name_end)?;
    // `BEGIN;X=y:VEVENT` is not a component line, but a stage that drops its parameter
    // would write one: such a line is malformed and kept as it was.
    if name.eq_ignore_ascii_case("BEGIN") || name.eq_ignore_ascii_case("END") {
        return None;
    }
    let mut pos = name_end;
    scratch.clear();
    loop {
        match bytes.get(pos) {
            Some(b':') => break,
            Some(b';') => {
                let (param, next) = parse_param(line, pos + 1)?;
                scratch.push(param);
                pos = next;
            }
            _ => return None,
        }
    }
    line.get(pos + 1..)?;
    // Exactly as many as there are (most lines have none, one or two, and a calendar
    // can have tens of thousands of lines).
    let mut params: Vec<Param> = Vec::with_capacity(scratch.len());
    params.append(scratch);
    Some(Property::from_source(
        Arc::clone(source),
        start..start + line.len(),
        name,
        params,
        start + pos + 1..start + line.len(),
    ))
}

/// Parses one parameter starting at `start`; returns it and the index of the `;` or
/// `:` that ends it.
fn parse_param(line: &str, start: usize) -> Option<(Param, usize)> {
    let bytes = line.as_bytes();
    let rest = bytes.get(start..)?;
    let name_len = rest.iter().position(|&b| !is_name_byte(b))?;
    if name_len == 0 {
        return None;
    }
    let name = param_text(line.get(start..start + name_len)?);
    let mut pos = start + name_len;
    if bytes.get(pos) != Some(&b'=') {
        // vCalendar-style bare parameter (`;QUOTED-PRINTABLE`).
        return matches!(bytes.get(pos), Some(b';' | b':')).then_some((
            Param {
                name,
                values: ParamValues::new(),
            },
            pos,
        ));
    }
    let (first, next) = parse_param_value(line, pos + 1)?;
    pos = next;
    // Nearly every parameter has one value, held without a vector.
    let values = match bytes.get(pos) {
        Some(b';' | b':') => ParamValues::one(first),
        Some(b',') => {
            let mut all = vec![first];
            loop {
                let (value, next) = parse_param_value(line, pos + 1)?;
                all.push(value);
                pos = next;
                match bytes.get(pos) {
                    Some(b',') => continue,
                    Some(b';' | b':') => break,
                    _ => return None,
                }
            }
            ParamValues::from(all)
        }
        _ => return None,
    };
    Some((Param { name, values }, pos))
}

/// Parses one parameter value starting at `pos` (quoted or not); returns it and the
/// index just after it.
fn parse_param_value(line: &str, pos: usize) -> Option<(ParamValue, usize)> {
    let bytes = line.as_bytes();
    if bytes.get(pos) == Some(&b'"') {
        let close = bytes.get(pos + 1..)?.iter().position(|&b| b == b'"')?;
        let text = param_text(line.get(pos + 1..pos + 1 + close)?);
        Some((ParamValue { text, quoted: true }, pos + close + 2))
    } else {
        let len = bytes
            .get(pos..)?
            .iter()
            .position(|&b| ends_param_value(b))?;
        let text = param_text(line.get(pos..pos + len)?);
        Some((
            ParamValue {
                text,
                quoted: false,
            },
            pos + len,
        ))
    }
}

#[cfg(test)]
mod byte_class_tests {
    use super::*;

    #[test]
    fn tables_match_their_definitions() {
        for b in 0..=255u8 {
            assert_eq!(
                is_name_byte(b),
                b.is_ascii_alphanumeric() || b == b'-' || b == b'_',
                "{b}"
            );
            assert_eq!(
                ends_param_value(b),
                matches!(b, b',' | b';' | b':' | b'"'),
                "{b}"
            );
        }
    }
}
