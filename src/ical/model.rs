//! The content-line tree: components holding properties and sub-components, in input
//! order. A property remembers the exact content line it came from until a stage
//! changes it, so untouched lines are written back as they were read.

use std::borrow::Cow;

/// One value of a parameter, as written (RFC 6868 `^` escapes are not decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamValue {
    /// The text between the quotes, or the bare text.
    pub text: String,
    /// Whether the input had it in double quotes.
    pub quoted: bool,
}

/// A property parameter: `NAME=v1,v2`. `values` is empty for a bare `;NAME` (vCalendar).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Parameter name as written.
    pub name: String,
    /// Values in order.
    pub values: Vec<ParamValue>,
}

impl Param {
    /// The first value's text, if any.
    pub fn first(&self) -> Option<&str> {
        self.values.first().map(|v| v.text.as_str())
    }
}

/// A property: name, parameters and raw value (TEXT escapes not decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    name: String,
    params: Vec<Param>,
    value: String,
    /// The unfolded content line this property was read from; `None` once changed.
    original: Option<String>,
}

impl Property {
    /// A new property with no parameters. `value` is the raw (already escaped) value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Property {
            name: name.into(),
            params: Vec::new(),
            value: value.into(),
            original: None,
        }
    }

    pub(crate) fn from_parts(
        name: String,
        params: Vec<Param>,
        value: String,
        original: String,
    ) -> Self {
        Property {
            name,
            params,
            value,
            original: Some(original),
        }
    }

    /// The name as written.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the name equals `name`, ignoring ASCII case.
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The raw value.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The parameters in order.
    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// The first parameter called `name` (ASCII case-insensitive).
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// The first value of the first parameter called `name`.
    pub fn param_value(&self, name: &str) -> Option<&str> {
        self.param(name).and_then(Param::first)
    }

    /// Whether no stage has changed this property since it was parsed.
    pub fn is_original(&self) -> bool {
        self.original.is_some()
    }

    /// Replaces the raw value.
    pub fn set_value(&mut self, value: impl Into<String>) {
        self.value = value.into();
        self.original = None;
    }

    /// Renames the property.
    pub fn rename(&mut self, name: impl Into<String>) {
        self.name = name.into();
        self.original = None;
    }

    /// Sets parameter `name` to a single value given as plain text: RFC 6868 escapes
    /// are applied, and the value is quoted when it needs to be.
    pub fn set_param(&mut self, name: &str, text: &str) {
        let value = ParamValue {
            text: escape_param_text(text),
            quoted: false,
        };
        self.original = None;
        if let Some(p) = self
            .params
            .iter_mut()
            .find(|p| p.name.eq_ignore_ascii_case(name))
        {
            let quoted = p.values.first().is_some_and(|v| v.quoted);
            p.values = vec![ParamValue { quoted, ..value }];
        } else {
            self.params.push(Param {
                name: name.to_owned(),
                values: vec![value],
            });
        }
    }

    /// Mutable access to the parameters; marks the property changed.
    pub fn params_mut(&mut self) -> &mut Vec<Param> {
        self.original = None;
        &mut self.params
    }

    /// The unfolded content line: the original one when untouched, else composed.
    pub fn content_line(&self) -> Cow<'_, str> {
        match &self.original {
            Some(line) => Cow::Borrowed(line.as_str()),
            None => Cow::Owned(self.compose()),
        }
    }

    fn compose(&self) -> String {
        let mut line = String::with_capacity(self.name.len() + self.value.len() + 32);
        line.push_str(&self.name);
        for p in &self.params {
            line.push(';');
            line.push_str(&p.name);
            for (i, v) in p.values.iter().enumerate() {
                line.push(if i == 0 { '=' } else { ',' });
                if v.quoted || needs_quotes(&v.text) {
                    line.push('"');
                    line.push_str(&v.text.replace('"', "^'"));
                    line.push('"');
                } else {
                    line.push_str(&v.text);
                }
            }
        }
        line.push(':');
        line.push_str(&self.value);
        line
    }
}

/// Whether a parameter value must be quoted (RFC 5545 section 3.2: COLON, SEMICOLON,
/// COMMA), or is empty.
fn needs_quotes(text: &str) -> bool {
    text.is_empty() || text.contains([':', ';', ','])
}

/// Applies RFC 6868 escaping to plain text for use in a parameter value: `^` -> `^^`,
/// newline -> `^n`, `"` -> `^'`; other control characters become spaces.
pub fn escape_param_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
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
        self.properties.insert(pos, prop);
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
