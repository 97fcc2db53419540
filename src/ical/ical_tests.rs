use super::lex::unfold;
use super::parse::{parse, parse_content_line, parse_with_limits, ParseError, ParseLimits};
use super::write::{write, write_folded, write_owned, FOLD_AT};
use super::Property;
use crate::report::WarningCode;

fn roundtrip(input: &str) -> String {
    let (unfolded, _) = unfold(input.as_bytes());
    let text = String::from_utf8(unfolded).unwrap();
    let parsed = parse(&text, 16).unwrap();
    write(&parsed.roots, "\r\n")
}

#[test]
fn untouched_lines_come_back_identical() {
    let input = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nprodid:-//x//y//EN\r\nBEGIN:VEVENT\r\n\
                 ATTENDEE;CN=\"Doe, Jane\";ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:j@example.com\r\n\
                 X-UNKNOWN;X-P=\"a\";Y=b,\"c:d\":value;with:colons\r\n\
                 BEGIN:X-CUSTOM\r\nFOO:bar\r\nEND:X-CUSTOM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    assert_eq!(roundtrip(input), input);
}

#[test]
fn parameters_keep_quoting_and_values() {
    let p = parse_content_line(
        "ATTENDEE;CN=\"Doe, Jane\";MEMBER=\"mailto:a@x\",\"mailto:b@x\";RSVP=TRUE:mailto:j@x",
    )
    .unwrap();
    assert_eq!(p.name(), "ATTENDEE");
    assert_eq!(p.value(), "mailto:j@x");
    assert_eq!(p.param_value("cn"), Some("Doe, Jane"));
    let member = p.param("MEMBER").unwrap();
    assert_eq!(member.values.len(), 2);
    assert!(member.values.iter().all(|v| v.quoted));
    assert!(!p.param("RSVP").unwrap().values[0].quoted);
}

#[test]
fn changed_property_is_composed_with_needed_quotes_only() {
    let mut p = Property::new("ORGANIZER", "mailto:a@example.com");
    p.set_param("CN", "Smith, Anna");
    p.set_param("ROLE", "CHAIR");
    assert_eq!(
        p.content_line(),
        "ORGANIZER;CN=\"Smith, Anna\";ROLE=CHAIR:mailto:a@example.com"
    );
    p.set_param("CN", "Anna \"the boss\"\nSmith");
    assert_eq!(
        p.content_line(),
        "ORGANIZER;CN=Anna ^'the boss^'^nSmith;ROLE=CHAIR:mailto:a@example.com"
    );
}

#[test]
fn long_lines_fold_at_75_octets_without_splitting_characters_or_escapes() {
    let value: String = "é,\\;ü\\n".repeat(40);
    let line = format!("DESCRIPTION:{value}");
    let mut out = String::new();
    write_folded(&line, "\r\n", &mut out);
    for phys in out.split("\r\n").filter(|l| !l.is_empty()) {
        assert!(phys.len() <= FOLD_AT, "{} octets: {phys:?}", phys.len());
        assert!(
            !phys.ends_with('\\') || phys.ends_with("\\\\"),
            "split escape: {phys:?}"
        );
    }
    let (unfolded, _) = unfold(out.as_bytes());
    assert_eq!(String::from_utf8(unfolded).unwrap(), format!("{line}\n"));
}

#[test]
fn short_untouched_line_is_not_refolded_but_long_one_is() {
    let long = format!("X-LONG:{}", "a".repeat(200));
    let input = format!("BEGIN:VCALENDAR\nX-SHORT:b\n{long}\nEND:VCALENDAR\n");
    let out = roundtrip(&input);
    assert!(out.contains("\r\nX-SHORT:b\r\n"));
    assert!(out.lines().all(|l| l.len() <= FOLD_AT));
    let (unfolded, _) = unfold(out.as_bytes());
    assert!(String::from_utf8(unfolded).unwrap().contains(&long));
}

#[test]
fn lenient_structure_is_reported() {
    let text =
        "junk\nBEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VTODO\nno colon here\nEND:VCALENDAR\n";
    let parsed = parse(text, 16).unwrap();
    let codes: Vec<_> = parsed.issues.iter().map(|(c, _)| *c).collect();
    assert_eq!(
        codes,
        vec![
            WarningCode::TextOutsideCalendar,
            WarningCode::StrayEnd,
            WarningCode::MalformedLine,
            WarningCode::MissingEnd
        ]
    );
    assert_eq!(parsed.roots.len(), 1);
    let cal = &parsed.roots[0];
    assert_eq!(cal.components.len(), 1);
    // The malformed line survives inside the VEVENT that was open at the time.
    let out = write(&parsed.roots, "\n");
    assert!(out.contains("\nno colon here\n"), "{out}");
}

#[test]
fn no_component_and_depth_limit_are_errors() {
    assert_eq!(
        parse("SUMMARY:x\n", 16).unwrap_err(),
        ParseError::NoComponent
    );
    let deep = "BEGIN:X\n".repeat(20);
    assert_eq!(parse(&deep, 16).unwrap_err(), ParseError::TooDeep(16));
}

#[test]
fn the_consuming_writer_writes_the_same_bytes() {
    let cal = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VTIMEZONE\nTZID:X\nBEGIN:STANDARD\n\
               TZOFFSETTO:+0100\nEND:STANDARD\nEND:VTIMEZONE\nBEGIN:VEVENT\nUID:u\n\
               DESCRIPTION:a long line that has to be folded somewhere after the seventy-fifth octet of it\n\
               BEGIN:VALARM\nACTION:DISPLAY\nEND:VALARM\nEND:VEVENT\nEND:VCALENDAR\n\
               BEGIN:VCALENDAR\nEND:VCALENDAR\n";
    let roots = parse(cal, 16).unwrap().roots;
    for eol in ["\r\n", "\n"] {
        let written = write(&roots, eol);
        assert!(
            written.contains(&format!("seventy-f{eol} ifth")),
            "{written}"
        );
        assert_eq!(write_owned(roots.clone(), eol), written);
    }
}

#[test]
fn large_components_are_read_and_written_as_small_ones() {
    // Components of thousands of properties take over the parser's list and are
    // written property by property (`LARGE_COMPONENT`, `CONSUME_FROM`).
    let mut cal = String::from("BEGIN:VCALENDAR\nVERSION:2.0\n");
    for i in 0..300 {
        cal.push_str(&format!("X-ROOT-{i}:{i}\n"));
    }
    cal.push_str("BEGIN:VEVENT\nUID:1\n");
    for i in 0..2000 {
        cal.push_str(&format!(
            "ATTENDEE;CN=\"P {i}\";RSVP=TRUE:mailto:p{i}@example.com\n"
        ));
    }
    cal.push_str("SUMMARY:big\nBEGIN:VALARM\nACTION:DISPLAY\nEND:VALARM\nEND:VEVENT\n");
    cal.push_str("BEGIN:VEVENT\nUID:2\nEND:VEVENT\nEND:VCALENDAR\n");
    let mut parsed = parse(&cal, 16).unwrap();
    assert!(parsed.issues.is_empty());
    assert!(write(&parsed.roots, "\n") == cal);
    let root = &mut parsed.roots[0];
    assert_eq!(root.properties.len(), 301);
    assert_eq!(root.components[0].properties.len(), 2002);
    assert_eq!(root.components[0].components.len(), 1);
    assert_eq!(root.components[1].properties.len(), 1);
    root.components[0].properties[7].set_param("ROLE", "CHAIR");
    root.components[0].reserve_properties(2);
    assert!(root.components[0].properties.capacity() < 2002 + 2 + 32);
    let written = write(&parsed.roots, "\r\n");
    assert!(written.contains("ATTENDEE;CN=\"P 6\";RSVP=TRUE;ROLE=CHAIR:mailto:p6@example.com\r\n"));
    assert!(write_owned(parsed.roots, "\r\n") == written);
}

#[test]
fn a_begin_line_with_a_parameter_is_malformed_not_a_property() {
    let cal = "BEGIN:VCALENDAR\nBEGIN;CHARSET=x:EST\nEND:VCALENDAR\n";
    let parsed = parse(cal, 16).unwrap();
    assert!(parsed
        .issues
        .iter()
        .any(|(code, _)| *code == WarningCode::MalformedLine));
    let root = &parsed.roots[0];
    assert!(root.components.is_empty());
    // Kept as it was, so that nothing can turn it into `BEGIN:EST`.
    assert_eq!(write(&parsed.roots, "\n"), cal);
    assert!(parse_content_line("END;X=y:VEVENT").is_none());
}

#[test]
fn standard_parameter_names_and_values_are_not_copied() {
    let p = parse_content_line("ATTENDEE;CN=Bob;ROLE=REQ-PARTICIPANT;X-Y=z:mailto:b@x").unwrap();
    let params = p.params();
    assert!(params[0].name.is_known() && params[0].name == "CN");
    assert!(!params[0].values[0].text.is_known() && params[0].values[0].text == "Bob");
    assert!(params[1].values[0].text.is_known());
    assert_eq!(params[1].values[0].text, "REQ-PARTICIPANT");
    assert!(!params[2].name.is_known() && params[2].name == "X-Y");
    // Written back exactly.
    assert_eq!(
        p.content_line(),
        "ATTENDEE;CN=Bob;ROLE=REQ-PARTICIPANT;X-Y=z:mailto:b@x"
    );
}

#[test]
fn attendee_limit_counts_each_event_not_its_alarms() {
    let cal = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nATTENDEE:mailto:a@x\nattendee:mailto:b@x\n\
               BEGIN:VALARM\nATTENDEE:mailto:c@x\nATTENDEE:mailto:d@x\nEND:VALARM\n\
               ATTENDEE:mailto:e@x\nEND:VEVENT\nBEGIN:VEVENT\nATTENDEE:mailto:f@x\nEND:VEVENT\n\
               END:VCALENDAR\n";
    let limits = |n| ParseLimits {
        max_attendees: n,
        ..ParseLimits::depth(16)
    };
    assert!(parse_with_limits(cal, limits(3)).is_ok());
    assert_eq!(
        parse_with_limits(cal, limits(2)).unwrap_err(),
        ParseError::TooManyAttendees(2)
    );
    assert_eq!(
        ParseError::TooManyAttendees(2).to_string(),
        "an event with more than 2 attendees"
    );
}

#[test]
fn lowercase_and_underscore_names_parse() {
    let parsed = parse(
        "begin:vcalendar\nx-entourage_uuid:1\nsummary;language=en:x\nend:vcalendar\n",
        16,
    )
    .unwrap();
    let cal = &parsed.roots[0];
    assert!(cal.is("VCALENDAR"));
    assert_eq!(cal.property("X-ENTOURAGE_UUID").unwrap().value(), "1");
    assert_eq!(
        cal.property("SUMMARY").unwrap().param_value("LANGUAGE"),
        Some("en")
    );
    assert!(parsed.issues.is_empty());
}

#[test]
fn long_component_names_are_folded_too() {
    let name = format!("X-{}", "A".repeat(90));
    let input =
        format!("BEGIN:VCALENDAR\r\nBEGIN:{name}\r\nX:1\r\nEND:{name}\r\nEND:VCALENDAR\r\n");
    let out = roundtrip(&input);
    assert!(out.split("\r\n").all(|l| l.len() <= FOLD_AT), "{out}");
    // And it reads back as the same tree.
    assert_eq!(roundtrip(&out), out);
    let (unfolded, _) = unfold(out.as_bytes());
    assert!(String::from_utf8(unfolded)
        .unwrap()
        .contains(&format!("\nBEGIN:{name}\n")));
}

#[test]
fn a_blank_led_line_after_an_empty_line_reads_as_written_back() {
    // "\r\n\r\n  X" unfolds to a logical line " X": it must read the same after a write.
    let input = "BEGIN:VCALENDAR\r\nX-A:1\r\n\r\n  ATTENDEE:mailto:e@x\r\n\r\n  BEGIN:X-C\r\nEND:X-C\r\nEND:VCALENDAR\r\n";
    let once = roundtrip(input);
    assert_eq!(roundtrip(&once), once);
    assert!(
        once.contains("\r\nATTENDEE:mailto:e@x\r\n") && once.contains("\r\nBEGIN:X-C\r\n"),
        "{once}"
    );
}

#[test]
fn parsed_property_keeps_value_as_range_of_its_line() {
    let p = parse_content_line("DTSTART;TZID=\"A:B\":20040101T100000").unwrap();
    assert_eq!(p.name(), "DTSTART");
    assert_eq!(p.value(), "20040101T100000");
    assert_eq!(p.param_value("TZID"), Some("A:B"));
    assert_eq!(p.content_line(), "DTSTART;TZID=\"A:B\":20040101T100000");
    assert_eq!(
        format!("{p:?}"),
        "Property { name: \"DTSTART\", params: [Param { name: \"TZID\", values: \
         [ParamValue { text: \"A:B\", quoted: true }] }], value: \"20040101T100000\", \
         original: Some(\"DTSTART;TZID=\\\"A:B\\\":20040101T100000\") }"
    );
    let mut changed = p.clone();
    assert_eq!(changed, p);
    changed.set_value("20050101T100000");
    assert_ne!(changed, p);
    assert_eq!(changed.value(), "20050101T100000");
    assert_eq!(
        changed.content_line(),
        "DTSTART;TZID=\"A:B\":20050101T100000"
    );
    assert!(format!("{changed:?}").ends_with("value: \"20050101T100000\", original: None }"));
    // Changed properties compare by what they hold.
    let mut back = changed.clone();
    back.set_value("20040101T100000");
    let mut again = changed.clone();
    again.set_value(String::from("20040101T100000"));
    assert_eq!(back, again);
    assert_ne!(back, p);
}

#[test]
fn param_escaping_fast_path_leaves_only_plain_text_alone() {
    use super::model::escape_param_text;
    for plain in [
        "",
        "Anna Example",
        "caf\u{e9} \u{a0}x",
        "a:b;c,d",
        "\u{1F600}",
    ] {
        assert_eq!(escape_param_text(plain), plain);
    }
    assert_eq!(escape_param_text("a^b"), "a^^b");
    assert_eq!(escape_param_text("say \"hi\""), "say ^'hi^'");
    assert_eq!(escape_param_text("l1\r\nl2\nl3\rl4"), "l1^nl2^nl3^nl4");
    assert_eq!(escape_param_text("tab\there"), "tab here");
    assert_eq!(escape_param_text("del\u{7f}c1\u{85}x"), "del c1 x");
}

#[test]
fn parsed_properties_point_at_their_own_lines() {
    let text = "BEGIN:VCALENDAR\nX-A;P=\"q:r\":one\n\n \tX-B:two\nnot a line\nX-\u{e9}:x\nX-C:\nEND:VCALENDAR";
    let parsed = parse(text, 8).unwrap();
    let cal = &parsed.roots[0];
    let lines: Vec<String> = cal
        .properties
        .iter()
        .map(|p| p.content_line().into_owned())
        .collect();
    assert_eq!(
        lines,
        [
            "X-A;P=\"q:r\":one",
            "X-B:two",
            "not a line",
            "X-\u{e9}:x",
            "X-C:"
        ]
    );
    let values: Vec<&str> = cal.properties.iter().map(|p| p.value()).collect();
    assert_eq!(values, ["one", "two", "", "", ""]);
    assert_eq!(cal.properties[0].param_value("P"), Some("q:r"));
}

#[test]
fn parameters_are_held_small() {
    // An invitation to thousands of attendees holds four parameters for each.
    use super::model::{Param, ParamText, ParamValue, ParamValues};
    use std::mem::size_of;
    assert_eq!(size_of::<ParamText>(), 16);
    assert_eq!(size_of::<ParamValue>(), 24);
    assert_eq!(size_of::<ParamValues>(), 24);
    assert_eq!(size_of::<Param>(), 40);
}

#[test]
fn param_values_behave_as_a_list() {
    use super::model::{ParamValue, ParamValues};
    let v = |t: &'static str| ParamValue {
        text: t.into(),
        quoted: false,
    };
    let mut values = ParamValues::new();
    assert!(values.is_empty());
    values.push(v("a"));
    assert_eq!(values, ParamValues::from(vec![v("a")]));
    assert_eq!(values, ParamValues::one(v("a")));
    values.push(v("b"));
    values.push(v("c"));
    assert_eq!(values.len(), 3);
    assert_eq!(values, ParamValues::from(vec![v("a"), v("b"), v("c")]));
    assert_eq!(
        format!("{values:?}"),
        format!("{:?}", vec![v("a"), v("b"), v("c")])
    );
    for value in &mut values {
        value.quoted = true;
    }
    assert!(values.iter().all(|x| x.quoted));
    values.clear();
    assert_eq!(values, ParamValues::from(Vec::new()));
}

#[test]
fn properties_after_a_sub_component_and_unclosed_components_keep_their_properties() {
    let text = "BEGIN:A\nX:1\nBEGIN:B\nY:2\nBEGIN:C\nW:0\nEND:B\nZ:3\nBEGIN:D\nV:4\n";
    let parsed = parse(text, 8).unwrap();
    let a = &parsed.roots[0];
    let names = |c: &super::Component| {
        c.properties
            .iter()
            .map(|p| p.name().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(a), ["X", "Z"]);
    let b = &a.components[0];
    assert_eq!(names(b), ["Y"]);
    assert_eq!(names(&b.components[0]), ["W"]);
    assert_eq!(names(&a.components[1]), ["V"]);
    assert_eq!(a.components.len(), 2);
}
