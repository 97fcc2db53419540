//! The golden corpus: every `fixtures/<producer>/<case>.eml` runs through `transform`
//! (as stored with LF line ends, and converted to CRLF); the output must equal
//! `<case>.out.eml` (line ends converted alike) and the report `<case>.report.json`.
//! A case that passes through unchanged has no `.out.eml`: its output must equal its
//! input. On a mismatch the actual files are written under
//! `target/golden-actual/`; `UPDATE_GOLDEN=1` rewrites the goldens instead (review the
//! diff before committing).

mod common;

use common::{calendar_parts, fixture_inputs, lf_to_crlf, options};
use imip_bridge::{transform, Disposition};
use std::path::{Path, PathBuf};

fn sibling(input: &Path, suffix: &str) -> PathBuf {
    let stem = input.file_stem().unwrap().to_string_lossy().into_owned();
    input.with_file_name(format!("{stem}{suffix}"))
}

fn actual_dir(input: &Path) -> PathBuf {
    let producer = input.parent().unwrap().file_name().unwrap();
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/golden-actual")
        .join(producer)
}

#[test]
fn golden_fixtures() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1");
    let inputs = fixture_inputs();
    assert!(
        inputs.len() >= 6,
        "expected the fixture corpus, found {}",
        inputs.len()
    );
    let mut failures = Vec::new();
    let mut cases = 0;
    for input in &inputs {
        let lf = std::fs::read(input).unwrap();
        assert!(
            !lf.contains(&b'\r'),
            "{}: fixtures are stored with LF line ends",
            input.display()
        );
        let out_path = sibling(input, ".out.eml");
        let report_path = sibling(input, ".report.json");
        let outcome = transform(&lf, &options()).unwrap();
        let report = outcome.report_json() + "\n";

        if update {
            match outcome.disposition {
                Disposition::Rewritten => std::fs::write(&out_path, &outcome.message).unwrap(),
                Disposition::Unchanged => {
                    let _ = std::fs::remove_file(&out_path);
                }
            }
            std::fs::write(&report_path, &report).unwrap();
        }

        for (variant, raw) in [("lf", lf.clone()), ("crlf", lf_to_crlf(&lf))] {
            cases += 1;
            let outcome = transform(&raw, &options()).unwrap();
            let expected_out = match std::fs::read(&out_path) {
                Ok(golden) if variant == "crlf" => lf_to_crlf(&golden),
                Ok(golden) => golden,
                Err(_) => raw.clone(), // unchanged case: output == input
            };
            let expected_report = std::fs::read_to_string(&report_path).unwrap_or_default();
            let actual_report = outcome.report_json() + "\n";
            if outcome.message != expected_out || actual_report != expected_report {
                let dir = actual_dir(input);
                std::fs::create_dir_all(&dir).unwrap();
                let stem = input.file_stem().unwrap().to_string_lossy().into_owned();
                std::fs::write(
                    dir.join(format!("{stem}.{variant}.out.eml")),
                    &outcome.message,
                )
                .unwrap();
                std::fs::write(
                    dir.join(format!("{stem}.{variant}.report.json")),
                    &actual_report,
                )
                .unwrap();
                failures.push(format!(
                    "{} ({variant}): {} differs; actual written to {}",
                    input.display(),
                    if outcome.message != expected_out {
                        "output"
                    } else {
                        "report"
                    },
                    dir.display()
                ));
            }
        }
    }
    assert!(cases >= 12);
    assert!(
        failures.is_empty(),
        "golden mismatches:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_fixture_is_deterministic_and_idempotent() {
    for input in fixture_inputs() {
        let lf = std::fs::read(&input).unwrap();
        for raw in [lf.clone(), lf_to_crlf(&lf)] {
            let first = transform(&raw, &options()).unwrap();
            let second = transform(&raw, &options()).unwrap();
            assert_eq!(
                first.message,
                second.message,
                "{}: not deterministic",
                input.display()
            );
            assert_eq!(first.report, second.report);
            let again = transform(&first.message, &options()).unwrap();
            assert_eq!(
                again.disposition,
                Disposition::Unchanged,
                "{}: second pass rewrote again: {:?}",
                input.display(),
                again.report
            );
            assert_eq!(
                again.message,
                first.message,
                "{}: not idempotent",
                input.display()
            );
        }
    }
}

#[test]
fn line_end_variants_differ_only_in_line_ends() {
    for input in fixture_inputs() {
        let lf = std::fs::read(&input).unwrap();
        let a = transform(&lf, &options()).unwrap();
        let b = transform(&lf_to_crlf(&lf), &options()).unwrap();
        assert_eq!(lf_to_crlf(&a.message), b.message, "{}", input.display());
        assert_eq!(a.report, b.report, "{}", input.display());
    }
}

/// Every rewritten output carries exactly one inline calendar that an independent
/// parser (the `icalendar` crate) reads, with METHOD equal to the `method=` parameter.
#[test]
fn rewritten_outputs_parse_with_the_icalendar_crate() {
    let mut checked = 0;
    for input in fixture_inputs() {
        let raw = std::fs::read(&input).unwrap();
        let out = transform(&raw, &options()).unwrap();
        if out.disposition != Disposition::Rewritten {
            continue;
        }
        let parts = calendar_parts(&out.message);
        assert_eq!(parts.len(), 1, "{}: {parts:?}", input.display());
        let (content_type, text) = &parts[0];
        let method = out.report.method.unwrap().as_str();
        assert!(
            content_type.contains(&format!("method={method}"))
                && content_type.contains("charset=utf-8"),
            "{}: {content_type}",
            input.display()
        );
        let unfolded = icalendar::parser::unfold(text);
        let cal = icalendar::parser::read_calendar(&unfolded)
            .unwrap_or_else(|e| panic!("{}: icalendar rejects the output: {e}", input.display()));
        let method_prop = cal
            .properties
            .iter()
            .find(|p| p.name.as_str() == "METHOD")
            .unwrap_or_else(|| panic!("{}: no METHOD", input.display()));
        assert_eq!(method_prop.val.as_str(), method);
        let events: Vec<_> = cal
            .components
            .iter()
            .filter(|c| c.name.as_str() == "VEVENT")
            .collect();
        assert!(!events.is_empty());
        for ev in events {
            for required in ["UID", "DTSTAMP", "SEQUENCE", "ORGANIZER"] {
                assert!(
                    ev.properties.iter().any(|p| p.name.as_str() == required),
                    "{}: VEVENT without {required}",
                    input.display()
                );
            }
            assert!(ev.properties.iter().all(|p| !p.name.as_str().contains('_')));
        }
        for line in text.lines() {
            assert!(
                line.len() <= 75,
                "{}: line over 75 octets: {line:?}",
                input.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} rewritten fixtures");
}
