use super::*;
use crate::milter::codec::Command;
use crate::milter::session::{Step, WANTED_ACTIONS};
use imip_bridge::Options;

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn negotiated() -> Negotiated {
    Negotiated {
        version: 6,
        actions: WANTED_ACTIONS,
        protocol: 0,
    }
}

fn opts() -> Options {
    Options::new().with_now("2026-01-01T00:00:00Z".parse().unwrap())
}

/// The message as an MTA hands it to a milter: values without the leading blank,
/// folds as LF, body with CRLF.
pub(crate) fn as_milter_message(raw: &[u8]) -> Message {
    let head = split_head(raw);
    let mut body = Vec::new();
    push_crlf(&mut body, &raw[head.body_start..]);
    Message {
        headers: head
            .fields
            .iter()
            .map(|(n, v)| (n.to_vec(), normalise(v)))
            .collect(),
        size: raw.len(),
        body,
        ..Message::default()
    }
}

/// What an MTA makes of the message after the replies.
fn apply(message: &Message, replies: &[Reply]) -> Message {
    as_milter_message(&crate::milter::mta::apply(&assemble(message), replies))
}

/// Header fields as a sorted list of (lowercase name, normalised value), and the
/// CRLF body.
fn canonical(raw: &[u8]) -> (Vec<Field>, Vec<u8>) {
    let m = as_milter_message(raw);
    let mut fields: Vec<_> = m
        .headers
        .into_iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v))
        .collect();
    fields.sort();
    (fields, m.body)
}

#[test]
fn entourage_request_is_rewritten_through_edits() {
    let raw = fixture("entourage/vx_request_attachment.eml");
    let message = as_milter_message(&raw);
    let decision = end_of_message(&message, &negotiated(), &opts());
    assert!(decision
        .what
        .starts_with("disposition=rewritten method=REQUEST"));
    assert_eq!(decision.message_id, "<BB8CA78F.1F4A%anna@example.com>");
    assert_eq!(decision.replies.last(), Some(&Reply::Continue));
    assert!(decision
        .replies
        .iter()
        .any(|r| matches!(r, Reply::ReplaceBody(_))));
    let names = |pred: fn(&Reply) -> Option<&Vec<u8>>| -> Vec<String> {
        decision
            .replies
            .iter()
            .filter_map(pred)
            .map(|n| String::from_utf8_lossy(n).to_ascii_lowercase())
            .collect()
    };
    let changed = names(|r| match r {
        Reply::ChangeHeader { name, .. } => Some(name),
        _ => None,
    });
    let added = names(|r| match r {
        Reply::AddHeader { name, .. } => Some(name),
        _ => None,
    });
    assert!(changed.contains(&"content-type".to_owned()), "{changed:?}");
    for h in [
        "content-class",
        "thread-topic",
        "thread-index",
        "x-imip-bridge",
    ] {
        assert!(added.contains(&h.to_owned()), "{h} not added: {added:?}");
    }

    // The MTA's result is the transform output, up to header order.
    let applied = assemble(&apply(&message, &decision.replies));
    let expected = transform(&assemble(&message), &opts()).unwrap().message;
    assert_eq!(canonical(&applied), canonical(&expected));
    // ... and it is canonical: transforming it again changes nothing.
    let again = transform(&applied, &opts()).unwrap();
    assert_eq!(
        again.disposition,
        Disposition::Unchanged,
        "{}",
        again.report_json()
    );
}

#[test]
fn plain_message_gets_no_edits() {
    let raw = fixture("plain/no_calendar.eml");
    let message = as_milter_message(&raw);
    let decision = end_of_message(&message, &negotiated(), &opts());
    assert_eq!(decision.replies, vec![Reply::Continue]);
    assert_eq!(decision.what, "disposition=unchanged reason=no_calendar");
}

#[test]
fn oversize_message_passes_without_transform() {
    let mut session = crate::milter::session::Session::new(100);
    session.handle(Command::OptNeg {
        version: 6,
        actions: WANTED_ACTIONS,
        protocol: 0,
    });
    session.handle(Command::Header {
        name: b"Message-Id".to_vec(),
        value: b"<big@example.com>".to_vec(),
    });
    session.handle(Command::Body(vec![b'x'; 200]));
    let Step::EndOfMessage(message) = session.handle(Command::EndOfBody(Vec::new())) else {
        panic!("no end of message");
    };
    assert!(message.oversize && message.body.is_empty() && message.headers.is_empty());
    assert_eq!(message.size, 200 + 10 + 17 + 4);
    let decision = end_of_message(&message, &negotiated(), &opts());
    assert_eq!(decision.replies, vec![Reply::Continue]);
    assert!(decision.what.contains("reason=limit_exceeded"));
    assert_eq!(decision.message_id, "<big@example.com>");
}

#[test]
fn no_rewrite_when_the_mta_withholds_actions() {
    let raw = fixture("entourage/vx_request_attachment.eml");
    let message = as_milter_message(&raw);
    let mut neg = negotiated();
    neg.actions = super::super::codec::action::ADDHDRS;
    let decision = end_of_message(&message, &neg, &opts());
    assert_eq!(decision.replies, vec![Reply::Continue]);
    assert!(decision.what.contains("mta_refused_actions"));
}

#[test]
fn large_bodies_go_in_chunks_of_at_most_65535() {
    let mut raw = fixture("entourage/vx_request_attachment.eml");
    // A long text part makes the new body span several chunks.
    let filler = "All work and no play makes Jack a dull boy.\n".repeat(4000);
    let at = raw.windows(8).position(|w| w == b"Thanks,\n").unwrap();
    raw.splice(at..at, filler.bytes());
    let message = as_milter_message(&raw);
    let decision = end_of_message(&message, &negotiated(), &opts());
    let chunks: Vec<usize> = decision
        .replies
        .iter()
        .filter_map(|r| match r {
            Reply::ReplaceBody(c) => Some(c.len()),
            _ => None,
        })
        .collect();
    assert!(chunks.len() >= 3, "{chunks:?}");
    assert!(chunks.iter().all(|&n| n <= MAX_BODY_CHUNK && n > 0));
    let applied = assemble(&apply(&message, &decision.replies));
    let expected = transform(&assemble(&message), &opts()).unwrap().message;
    assert_eq!(canonical(&applied), canonical(&expected));
}

fn f(n: &str, v: &str) -> (Vec<u8>, Vec<u8>) {
    (n.as_bytes().to_vec(), v.as_bytes().to_vec())
}

#[test]
fn header_edits_by_occurrence() {
    let input = [
        f("Received", "a"),
        f("Content-type", "multipart/mixed"),
        f("X-Dup", "1"),
        f("X-Dup", "2"),
        f("X-Dup", "3"),
        f("Mime-version", "1.0"),
    ];
    let output = [
        f("Received", "a"),
        f("X-Dup", "1"),
        f("X-Dup", "two"),
        f("MIME-Version", "1.0"),
        f("Content-Type", "multipart/alternative"),
        f("Content-Class", "urn:content-classes:calendarmessage"),
    ];
    let edits = header_edits(&input, &output).unwrap();
    let chg = |index, name: &str, value: &str| Reply::ChangeHeader {
        index,
        name: name.as_bytes().to_vec(),
        value: value.as_bytes().to_vec(),
    };
    assert_eq!(
        edits,
        vec![
            chg(1, "Content-Type", "multipart/alternative"),
            chg(2, "X-Dup", "two"),
            chg(3, "X-Dup", ""),
            Reply::AddHeader {
                name: b"Content-Class".to_vec(),
                value: b"urn:content-classes:calendarmessage".to_vec()
            },
        ]
    );
    let m = Message {
        headers: input.to_vec(),
        ..Message::default()
    };
    let mut got: Vec<_> = apply(&m, &edits)
        .headers
        .into_iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v))
        .collect();
    let mut want: Vec<_> = output
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn deletes_run_from_the_highest_index() {
    let input = [f("X-A", "1"), f("X-A", "2"), f("X-A", "3")];
    let edits = header_edits(&input, &[f("X-A", "1")]).unwrap();
    let idx: Vec<u32> = edits
        .iter()
        .map(|r| match r {
            Reply::ChangeHeader { index, value, .. } if value.is_empty() => *index,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(idx, vec![3, 2]);
}

#[test]
fn an_empty_new_value_is_not_expressible() {
    assert_eq!(header_edits(&[f("X-A", "1")], &[f("X-A", "")]), None);
}

#[test]
fn assemble_writes_crlf_and_one_space() {
    let m = Message {
        headers: vec![f("Subject", "a\n\tb"), f("X-Lead", " kept")],
        body: b"x\r\n".to_vec(),
        ..Message::default()
    };
    assert_eq!(
        assemble(&m),
        b"Subject: a\r\n\tb\r\nX-Lead: kept\r\n\r\nx\r\n"
    );
}
