//! Robustness against other projects' real files (`../shared/corpus`, about 1,300 calendar
//! files and e-mails, including libical's fuzz reproducers). Each file goes through
//! `transform` as a message, and, when it holds a calendar, wrapped as the `.ics`
//! attachment of an Entourage-style message. No panic; a rewritten output re-parses with
//! one repaired calendar (plus, when reported, other distinct calendars kept as they were), refolds to lines of at most 75 octets, and is a fixed
//! point. Skips cleanly (with a message) when the corpus is absent, as on CI.

mod common;

use common::{calendar_parts, files, options};
use imip_bridge::{transform, Disposition, WarningCode};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

thread_local! {
    /// Violation codes found in outputs across the sweep, for the summary.
    static VIOLATIONS: std::cell::RefCell<std::collections::BTreeMap<&'static str, usize>> =
        const { std::cell::RefCell::new(std::collections::BTreeMap::new()) };
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

fn wrap_as_attachment(calendar: &[u8]) -> Vec<u8> {
    let mut b64 = String::new();
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for chunk in calendar.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                b64.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                b64.push('=');
            }
        }
        if b64.len() % 77 == 76 {
            b64.push('\n');
        }
    }
    format!(
        "From: Anna Example <anna@example.com>\nTo: bob@example.com\nSubject: corpus\n\
         Message-ID: <corpus@example.com>\nUser-Agent: Microsoft-Entourage/11.4.0.080122\n\
         Mime-version: 1.0\nContent-type: multipart/mixed; boundary=\"B_3290687222_1\"\n\n\
         --B_3290687222_1\nContent-type: text/plain; charset=\"US-ASCII\"\n\nSee attached.\n\n\
         --B_3290687222_1\nContent-type: application/octet-stream; name=\"invite.ics\"\n\
         Content-disposition: attachment; filename=\"invite.ics\"\n\
         Content-transfer-encoding: base64\n\n{b64}\n--B_3290687222_1--\n"
    )
    .into_bytes()
}

/// One snapshot line: `rewritten` or `unchanged <reason>`.
fn outcome_label(o: &imip_bridge::Outcome) -> String {
    match (o.disposition, o.report.reason) {
        (Disposition::Rewritten, _) => format!(
            "rewritten {}",
            o.report.method.map_or("-".to_owned(), |m| m.to_string())
        ),
        (Disposition::Unchanged, Some(r)) => format!("unchanged {r}"),
        (Disposition::Unchanged, None) => "unchanged".to_owned(),
    }
}

fn check(
    name: &str,
    raw: &[u8],
    failures: &mut Vec<String>,
    snapshot: &mut Vec<String>,
) -> Option<Disposition> {
    let result = catch_unwind(AssertUnwindSafe(|| transform(raw, &options())));
    let outcome = match result {
        Err(_) => {
            failures.push(format!("{name}: panicked"));
            return None;
        }
        Ok(Err(e)) => {
            failures.push(format!("{name}: error without strict: {e}"));
            return None;
        }
        Ok(Ok(o)) => o,
    };
    snapshot.push(format!("{name}\t{}", outcome_label(&outcome)));
    if !imip_bridge::_internal::prescan_agrees(raw) {
        failures.push(format!("{name}: the pre-scan misses a calendar"));
    }
    if std::env::var_os("IMIP_CORPUS_VERBOSE").is_some() && !outcome.report.violations.is_empty() {
        let mut codes: Vec<&str> = outcome
            .report
            .violations
            .iter()
            .map(|v| v.code.as_str())
            .collect();
        codes.dedup();
        eprintln!("{name}: {}", codes.join(" "));
    }
    VIOLATIONS.with(|v| {
        let mut v = v.borrow_mut();
        for viol in &outcome.report.violations {
            *v.entry(viol.code.as_str()).or_insert(0usize) += 1;
        }
    });
    if outcome.disposition == Disposition::Unchanged {
        if outcome.message != raw {
            failures.push(format!("{name}: unchanged but bytes differ"));
        }
        return Some(Disposition::Unchanged);
    }
    let parts = catch_unwind(AssertUnwindSafe(|| calendar_parts(&outcome.message)));
    match parts {
        Ok(parts)
            if parts.len() == 1
                || (parts.len() > 1
                    && outcome.report.has_warning(WarningCode::MultipleCalendars)) =>
        {
            if let Some(long) = parts[0].1.lines().find(|l| l.len() > 75) {
                failures.push(format!("{name}: output line over 75 octets: {long:?}"));
            }
        }
        Ok(parts) => failures.push(format!("{name}: {} calendar parts in output", parts.len())),
        Err(_) => failures.push(format!("{name}: output does not re-parse")),
    }
    match catch_unwind(AssertUnwindSafe(|| transform(&outcome.message, &options()))) {
        Ok(Ok(again)) if again.message == outcome.message => {}
        Ok(Ok(again)) => failures.push(format!(
            "{name}: not idempotent; second pass: {:?}",
            again.report.fixes
        )),
        _ => failures.push(format!("{name}: second pass failed")),
    }
    Some(Disposition::Rewritten)
}

#[test]
fn shared_corpus_never_panics_and_outputs_are_fixed_points() {
    let dir = corpus_dir();
    if !dir.is_dir() {
        eprintln!("skipped: {} not present", dir.display());
        return;
    }
    let mut all = Vec::new();
    files(&dir, &mut all);
    all.sort();
    let mut failures = Vec::new();
    let mut snapshot = Vec::new();
    let (mut rewritten, mut wrapped) = (0, 0);
    let mut slowest = (std::time::Duration::ZERO, String::new());
    for path in &all {
        let raw = std::fs::read(path).unwrap();
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .display()
            .to_string();
        let start = std::time::Instant::now();
        if check(&name, &raw, &mut failures, &mut snapshot) == Some(Disposition::Rewritten) {
            rewritten += 1;
        }
        let head = &raw[..raw.len().min(4096)];
        if head
            .windows(15)
            .any(|w| w.eq_ignore_ascii_case(b"BEGIN:VCALENDAR"))
        {
            wrapped += 1;
            let mail = wrap_as_attachment(&raw);
            let wrapped_name = format!("{name} (as attachment)");
            if check(&wrapped_name, &mail, &mut failures, &mut snapshot)
                == Some(Disposition::Rewritten)
            {
                rewritten += 1;
            }
        }
        let took = start.elapsed();
        if took > slowest.0 {
            slowest = (took, name);
        }
    }
    let mut counts = std::collections::BTreeMap::new();
    for line in &snapshot {
        let label = line.split('\t').nth(1).unwrap_or("");
        *counts.entry(label.to_owned()).or_insert(0usize) += 1;
    }
    eprintln!(
        "{} files, {wrapped} wrapped as attachments, {} outcomes, {rewritten} rewritten; slowest {:?} ({})",
        all.len(),
        snapshot.len(),
        slowest.0,
        slowest.1
    );
    for (label, n) in &counts {
        eprintln!("{n:6} {label}");
    }
    VIOLATIONS.with(|v| {
        let mut by_count: Vec<(&str, usize)> = v.borrow().iter().map(|(k, n)| (*k, *n)).collect();
        by_count.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        eprintln!("violations in outputs (most frequent first):");
        for (code, n) in by_count {
            eprintln!("{n:6} {code}");
        }
    });
    assert!(all.len() > 100, "corpus present but nearly empty");
    assert!(rewritten > 50, "suspiciously few rewrites: {rewritten}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // The outcome per file is pinned: a change shows as a diff of tests/corpus.snapshot.
    let snapshot_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus.snapshot");
    let actual = snapshot.join("\n") + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&snapshot_path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot_path).unwrap_or_default();
    if actual != expected {
        let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/corpus.snapshot.actual");
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        std::fs::write(&out, &actual).unwrap();
        let changed: Vec<String> = snapshot
            .iter()
            .filter(|l| !expected.lines().any(|e| e == l.as_str()))
            .take(20)
            .cloned()
            .collect();
        panic!(
            "corpus outcomes changed (actual in {}; UPDATE_GOLDEN=1 to accept after review):\n{}",
            out.display(),
            changed.join("\n")
        );
    }
}
