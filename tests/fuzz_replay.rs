//! Replays every file in `fuzz/corpus/<target>/` and `fuzz/artifacts/<target>/` through
//! the fuzz targets' own assertions (`fuzz/src/checks.rs`, compiled here as well), so
//! that the stable test suite keeps what the fuzzers found. One test per target; a
//! failing test lists every input that failed, by path.

#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn files_under(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for e in entries {
            files_under(&e, out);
        }
    } else if path.is_file()
        && !path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
    {
        out.push(path.to_owned());
    }
}

fn replay(target: &str) {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files = Vec::new();
    for kind in ["corpus", "artifacts"] {
        files_under(&fuzz.join(kind).join(target), &mut files);
    }
    if target != "decoders" && target != "ical_roundtrip" {
        assert!(
            !files.is_empty(),
            "no corpus for {target} under {}",
            fuzz.display()
        );
    }
    let mut failed = Vec::new();
    for file in &files {
        let data = std::fs::read(file).unwrap();
        let ok = catch_unwind(AssertUnwindSafe(|| {
            assert!(checks::run_target(target, &data), "unknown target {target}");
        }));
        if ok.is_err() {
            failed.push(file.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} {target} input(s) failed:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

#[test]
fn every_target_has_a_replay_test() {
    assert_eq!(
        checks::TARGETS,
        &[
            "transform",
            "transform_alphabet",
            "ical_roundtrip",
            "decoders",
            "vcal1"
        ]
    );
    assert!(!checks::run_target("no-such-target", b""));
}

#[test]
fn transform() {
    replay("transform");
}

#[test]
fn transform_alphabet() {
    replay("transform_alphabet");
}

#[test]
fn ical_roundtrip() {
    replay("ical_roundtrip");
}

#[test]
fn decoders() {
    replay("decoders");
}

#[test]
fn vcal1() {
    replay("vcal1");
}

/// The alphabet expands every byte, and a fixture survives the inverse mapping.
#[test]
fn alphabet_maps_fixtures_back() {
    let all: Vec<u8> = (0..=255u8).collect();
    assert!(checks::alphabet_to_message(&all).len() > 256);
    let msg =
        b"From: Anna <anna@example.com>\r\nSubject: x\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
    let tokens = checks::message_to_alphabet(msg);
    assert!(tokens.len() < msg.len());
    assert_eq!(checks::alphabet_to_message(&tokens), msg.to_vec());
    assert!(checks::vcs_message(b"BEGIN:VCALENDAR\r\n").starts_with(b"From: "));
}
