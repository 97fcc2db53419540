//! The one writer: components to content lines, folded at 75 octets (RFC 5545 section
//! 3.1) without splitting a UTF-8 character or an escape sequence.

use super::model::{Component, Property};

/// Longest physical line, in octets, excluding the line end.
pub const FOLD_AT: usize = 75;

/// Writes `roots` as iCalendar text with `eol` line ends.
pub fn write(roots: &[Component], eol: &str) -> String {
    let size = roots.iter().map(|c| size_hint(c, eol.len())).sum();
    let mut out = String::with_capacity(size);
    let mut scratch = String::new();
    for c in roots {
        write_component(c, eol, &mut out, &mut scratch);
    }
    out
}

/// Calendars up to this many bytes are written into a buffer sized up front by
/// [`write_owned`].
const PRESIZE_LIMIT: usize = 256 * 1024;

/// [`write()`] that consumes the components and drops each child of a root as soon as it
/// is written, and in a large component each property as soon as it is written, so that
/// a large calendar's model shrinks while its text grows (a large text is not sized up
/// front for the same reason). The same bytes as [`write()`].
pub fn write_owned(roots: Vec<Component>, eol: &str) -> String {
    // A small calendar is sized up front (no regrowth); a large one grows as the model
    // shrinks.
    let size: usize = roots.iter().map(|c| size_hint(c, eol.len())).sum();
    let mut out = String::with_capacity(if size <= PRESIZE_LIMIT { size } else { 0 });
    let mut scratch = String::new();
    for mut root in roots {
        write_keyword_line("BEGIN:", &root.name, eol, &mut out);
        if root.properties.len() < CONSUME_FROM {
            for p in &root.properties {
                write_property(p, eol, &mut out, &mut scratch);
            }
        } else {
            write_properties_owned(
                std::mem::take(&mut root.properties),
                eol,
                &mut out,
                &mut scratch,
            );
        }
        for mut child in std::mem::take(&mut root.components) {
            if child.properties.len() < CONSUME_FROM {
                write_component(&child, eol, &mut out, &mut scratch);
                continue;
            }
            write_keyword_line("BEGIN:", &child.name, eol, &mut out);
            write_properties_owned(
                std::mem::take(&mut child.properties),
                eol,
                &mut out,
                &mut scratch,
            );
            for c in &child.components {
                write_component(c, eol, &mut out, &mut scratch);
            }
            write_keyword_line("END:", &child.name, eol, &mut out);
        }
        write_keyword_line("END:", &root.name, eol, &mut out);
    }
    out
}

/// Components with this many properties or more have each property dropped as soon as
/// it is written by [`write_owned`] (its parameters and text; the list itself goes
/// after the last one). Smaller ones are dropped whole, which costs less.
const CONSUME_FROM: usize = 256;

/// Writes `properties`, dropping each once it is written.
fn write_properties_owned(
    properties: Vec<Property>,
    eol: &str,
    out: &mut String,
    scratch: &mut String,
) {
    for p in properties {
        write_property(&p, eol, out, scratch);
    }
}

/// About how many bytes [`write_component`] writes for `c`: each line with its line
/// end and the folds it needs.
fn size_hint(c: &Component, eol: usize) -> usize {
    let line = |len: usize| len + eol + len / (FOLD_AT - 1) * (eol + 1);
    let keywords = line("BEGIN:".len() + c.name.len()) + line("END:".len() + c.name.len());
    let properties: usize = c
        .properties
        .iter()
        .map(|p| line(p.content_len_hint()))
        .sum();
    let children: usize = c.components.iter().map(|k| size_hint(k, eol)).sum();
    keywords + properties + children
}

/// Writes `c`; the changed content lines are composed in `scratch`.
fn write_component(c: &Component, eol: &str, out: &mut String, scratch: &mut String) {
    // BEGIN/END are content lines too: a long X- component name is folded like any
    // other line.
    write_keyword_line("BEGIN:", &c.name, eol, out);
    for p in &c.properties {
        write_property(p, eol, out, scratch);
    }
    for child in &c.components {
        write_component(child, eol, out, scratch);
    }
    write_keyword_line("END:", &c.name, eol, out);
}

/// Writes one property: its line as read, or composed in place (and moved to `scratch`
/// to be folded only when it is longer than a line may be).
fn write_property(p: &Property, eol: &str, out: &mut String, scratch: &mut String) {
    if let Some(line) = p.original_line() {
        write_folded(line, eol, out);
        return;
    }
    let start = out.len();
    p.compose(out);
    if out.len() - start <= FOLD_AT {
        push_eol(out, eol);
        return;
    }
    scratch.clear();
    scratch.push_str(out.get(start..).unwrap_or_default());
    out.truncate(start);
    write_folded(scratch, eol, out);
}

/// Appends the line end: the two usual ones as constants (a store, not a `memcpy` call
/// for a byte or two, 45 times a small calendar).
#[inline(always)]
fn push_eol(out: &mut String, eol: &str) {
    match eol {
        "\r\n" => out.push_str("\r\n"),
        "\n" => out.push('\n'),
        _ => out.push_str(eol),
    }
}

#[inline(always)]
fn write_keyword_line(keyword: &str, name: &str, eol: &str, out: &mut String) {
    if keyword.len() + name.len() <= FOLD_AT {
        out.push_str(keyword);
        out.push_str(name);
        push_eol(out, eol);
    } else {
        write_folded(&format!("{keyword}{name}"), eol, out);
    }
}

/// Writes one logical line, folded.
pub fn write_folded(line: &str, eol: &str, out: &mut String) {
    let mut rest = line;
    let mut limit = FOLD_AT;
    loop {
        if rest.len() <= limit {
            out.push_str(rest);
            push_eol(out, eol);
            return;
        }
        let cut = fold_point(rest, limit);
        let (head, tail) = rest.split_at(cut);
        out.push_str(head);
        push_eol(out, eol);
        out.push(' ');
        rest = tail;
        limit = FOLD_AT - 1;
    }
}

/// The largest cut `<= limit` at a character boundary that does not separate a `\`
/// or `^` from the character it escapes. Always at least one character, so the loop
/// in [`write_folded`] makes progress.
fn fold_point(s: &str, limit: usize) -> usize {
    let mut cut = limit;
    while cut > 0 && !s.is_char_boundary(cut) {
        cut -= 1;
    }
    let bytes = s.as_bytes();
    let mut best = cut;
    while best > 0 {
        // Count the run of escape characters just before the cut.
        let run = bytes
            .get(..best)
            .map_or(0, |b| b.iter().rev().take_while(|&&c| c == b'\\').count());
        let caret = bytes.get(best.wrapping_sub(1)) == Some(&b'^');
        if run % 2 == 1 || caret {
            best -= 1;
            while best > 0 && !s.is_char_boundary(best) {
                best -= 1;
            }
        } else {
            break;
        }
    }
    if best == 0 {
        best = cut;
    }
    if best == 0 {
        // A single character wider than the limit cannot happen for limit >= 4,
        // but never return 0.
        best = s.char_indices().nth(1).map_or(s.len(), |(i, _)| i);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ical::parse::parse_content_line;

    #[test]
    fn size_hint_covers_what_is_written() {
        let mut long = Property::new("DESCRIPTION", "x\\,".repeat(150));
        long.set_param("ALTREP", "cid:part1.0001@example.org");
        let mut ev = Component::new("VEVENT");
        ev.properties.push(long);
        ev.properties
            .push(parse_content_line("SUMMARY;LANGUAGE=en:Review").unwrap());
        ev.properties.push(Property::new("UID", "1"));
        let mut cal = Component::new("VCALENDAR");
        cal.components.push(ev);
        for eol in ["\r\n", "\n"] {
            let text = write(std::slice::from_ref(&cal), eol);
            let hint = size_hint(&cal, eol.len());
            assert!(hint >= text.len(), "{hint} < {}", text.len());
            assert!(
                hint < text.len() + 64,
                "{hint} much more than {}",
                text.len()
            );
        }
    }
}
