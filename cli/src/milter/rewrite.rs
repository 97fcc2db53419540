//! The end-of-message decision: put the message back together as the milter saw it
//! (header fields, an empty line, the body; CRLF line ends), transform it, and, when
//! it was rewritten, express the result as milter edits: SMFIR_CHGHEADER for fields
//! that changed or went away, SMFIR_ADDHEADER for new ones, SMFIR_REPLBODY chunks for
//! the body. Anything that cannot be expressed safely passes the message unchanged.

use super::codec::{Reply, MAX_BODY_CHUNK};
use super::session::{Field, Message, Negotiated};
use crate::common::{describe, message_id, split_head, SIZE_LIMIT_REASON};
use imip_bridge::{transform, Disposition, Options};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The decision for one message.
#[derive(Debug)]
pub struct Decision {
    /// Edits followed by the final SMFIR_CONTINUE.
    pub replies: Vec<Reply>,
    /// For the log line.
    pub message_id: String,
    /// `disposition=...` for the log line.
    pub what: String,
    /// Bytes of the message as reassembled (or counted, when oversize).
    pub size: usize,
}

/// Decides what to do with a complete message.
pub fn end_of_message(message: &Message, negotiated: &Negotiated, opts: &Options) -> Decision {
    let pass = |message_id: String, what: String, size: usize| Decision {
        replies: vec![Reply::Continue],
        message_id,
        what,
        size,
    };
    if message.oversize {
        return pass(
            message.message_id.clone().unwrap_or_else(|| "-".to_owned()),
            format!("disposition=unchanged reason={SIZE_LIMIT_REASON}"),
            message.size,
        );
    }
    let raw = assemble(message);
    let id = message_id(&raw);
    let size = raw.len();
    let outcome = match catch_unwind(AssertUnwindSafe(|| transform(&raw, opts))) {
        Ok(Ok(o)) => o,
        Ok(Err(e)) => {
            return pass(
                id,
                format!("disposition=unchanged reason={}", e.code()),
                size,
            )
        }
        Err(_) => return pass(
            id,
            "disposition=unchanged reason=internal_error (panic in transform; passed unchanged)"
                .to_owned(),
            size,
        ),
    };
    if outcome.disposition == Disposition::Unchanged {
        return pass(id, describe(&outcome), size);
    }
    if !negotiated.can_rewrite() {
        return pass(
            id,
            "disposition=unchanged reason=mta_refused_actions (the MTA does not allow header and body changes)"
                .to_owned(),
            size,
        );
    }
    match edits(message, &outcome.message) {
        Some(mut replies) => {
            replies.push(Reply::Continue);
            Decision {
                replies,
                message_id: id,
                what: describe(&outcome),
                size,
            }
        }
        None => pass(
            id,
            "disposition=unchanged reason=unrepresentable (output cannot be expressed as milter edits)"
                .to_owned(),
            size,
        ),
    }
}

/// The message as the MTA holds it: `Name: value` lines (folds as CRLF), an empty
/// line, the body.
pub fn assemble(message: &Message) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.size + 2 * message.headers.len() + 2);
    for (name, value) in &message.headers {
        out.extend_from_slice(name);
        out.push(b':');
        if !matches!(value.first(), Some(b' ' | b'\t')) {
            out.push(b' ');
        }
        push_crlf(&mut out, value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&message.body);
    out
}

/// Appends `text` with every bare LF (and bare CR) written as CRLF.
pub(crate) fn push_crlf(out: &mut Vec<u8>, text: &[u8]) {
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        match b {
            b'\r' if text.get(i + 1) == Some(&b'\n') => {
                out.extend_from_slice(b"\r\n");
                i += 1;
            }
            b'\r' | b'\n' => out.extend_from_slice(b"\r\n"),
            _ => out.push(b),
        }
        i += 1;
    }
}

/// A header value as compared and as sent: no leading blanks, folds as LF.
pub(crate) fn normalise(value: &[u8]) -> Vec<u8> {
    let start = value
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(value.len());
    let mut out = Vec::with_capacity(value.len());
    let mut i = start;
    while let Some(&b) = value.get(i) {
        if b == b'\r' && value.get(i + 1) == Some(&b'\n') {
            // CRLF -> LF
        } else {
            out.push(b);
        }
        i += 1;
    }
    out
}

/// The edits that turn `message` into `output`, or `None` when they cannot be sent
/// (a NUL byte, which the protocol cannot carry).
pub fn edits(message: &Message, output: &[u8]) -> Option<Vec<Reply>> {
    let head = split_head(output);
    let out_fields: Vec<Field> = head
        .fields
        .iter()
        .map(|(n, v)| (n.trim_ascii_end().to_vec(), normalise(v)))
        .collect();
    let in_fields: Vec<Field> = message
        .headers
        .iter()
        .map(|(n, v)| (n.trim_ascii_end().to_vec(), normalise(v)))
        .collect();
    let mut replies = header_edits(&in_fields, &out_fields)?;

    let mut body = Vec::with_capacity(output.len().saturating_sub(head.body_start) + 64);
    push_crlf(&mut body, output.get(head.body_start..).unwrap_or_default());
    if body != message.body {
        if body.is_empty() {
            replies.push(Reply::ReplaceBody(Vec::new()));
        }
        for chunk in body.chunks(MAX_BODY_CHUNK) {
            replies.push(Reply::ReplaceBody(chunk.to_vec()));
        }
    }
    let has_nul = replies.iter().any(|r| match r {
        Reply::ChangeHeader { name, value, .. } | Reply::AddHeader { name, value } => {
            name.contains(&0) || value.contains(&0)
        }
        _ => false,
    });
    (!has_nul).then_some(replies)
}

/// Field-by-field differences, per name (case-insensitive): the k-th field of a name
/// in the input against the k-th in the output. Changed -> SMFIR_CHGHEADER k; gone ->
/// SMFIR_CHGHEADER k with an empty value (deletes, highest k first so that lower
/// indexes stay valid); new -> SMFIR_ADDHEADER. Names are visited in input order,
/// then the output's new names in output order. `None` when an existing field would
/// change to an empty value, which SMFIR_CHGHEADER can only express as a deletion.
pub fn header_edits(input: &[Field], output: &[Field]) -> Option<Vec<Reply>> {
    let mut names: Vec<Vec<u8>> = Vec::new();
    for (n, _) in input.iter().chain(output) {
        let lower = n.to_ascii_lowercase();
        if !names.contains(&lower) {
            names.push(lower);
        }
    }
    let mut changes = Vec::new();
    let mut additions = Vec::new();
    for lower in &names {
        let of = |fields: &'_ [Field]| -> Vec<Field> {
            fields
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(lower))
                .cloned()
                .collect()
        };
        let before = of(input);
        let after = of(output);
        for (k, (name, value)) in after.iter().enumerate() {
            match before.get(k) {
                Some((_, old)) if old == value => {}
                Some(_) if value.is_empty() => return None,
                Some(_) => changes.push(Reply::ChangeHeader {
                    index: index(k),
                    name: name.clone(),
                    value: value.clone(),
                }),
                None => additions.push(Reply::AddHeader {
                    name: name.clone(),
                    value: value.clone(),
                }),
            }
        }
        for k in (after.len()..before.len()).rev() {
            if let Some((name, _)) = before.get(k) {
                changes.push(Reply::ChangeHeader {
                    index: index(k),
                    name: name.clone(),
                    value: Vec::new(),
                });
            }
        }
    }
    changes.extend(additions);
    Some(changes)
}

fn index(k: usize) -> u32 {
    u32::try_from(k + 1).unwrap_or(u32::MAX)
}

#[cfg(test)]
#[path = "rewrite_tests.rs"]
mod tests;
