//! Independent check of every rewritten fixture with Python's `email` package (the
//! parser many mail tools use): no MIME defects, exactly one `text/calendar` part, inline,
//! with `method=` equal to METHOD and charset utf-8. Skips when `python3` is missing,
//! unless `IMIP_REQUIRE_PYTHON=1` (set by `.ci/run`).

mod common;

use common::{fixture_inputs, options};
use imip_bridge::{transform, Disposition};
use std::io::Write;
use std::process::{Command, Stdio};

const SCRIPT: &str = r#"
import sys, email, email.policy
msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
problems = []
def walk(part):
    if part.defects:
        problems.append("%s: %r" % (part.get_content_type(), part.defects))
    for sub in part.iter_parts() if part.is_multipart() else []:
        walk(sub)
walk(msg)
cals = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
if len(cals) != 1:
    problems.append("%d text/calendar parts" % len(cals))
else:
    cal = cals[0]
    text = cal.get_content()
    method = [l.split(":", 1)[1] for l in text.splitlines() if l.startswith("METHOD:")]
    if cal.get_param("method") != (method[0] if method else None):
        problems.append("method param %r, METHOD %r" % (cal.get_param("method"), method))
    if (cal.get_content_charset() or "").lower() != "utf-8":
        problems.append("charset %r" % cal.get_content_charset())
    if cal.get_content_disposition() == "attachment":
        problems.append("calendar is an attachment")
    if not text.startswith("BEGIN:VCALENDAR"):
        problems.append("calendar text starts %r" % text[:20])
if msg.get("Content-Class") is None:
    problems.append("no Content-Class")
print("\n".join(problems))
sys.exit(1 if problems else 0)
"#;

fn python() -> Option<&'static str> {
    Command::new("python3")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| "python3")
}

#[test]
fn rewritten_fixtures_parse_cleanly_with_python_email() {
    let Some(py) = python() else {
        assert!(
            std::env::var_os("IMIP_REQUIRE_PYTHON").is_none(),
            "python3 is required (IMIP_REQUIRE_PYTHON is set) but not found"
        );
        eprintln!("skipped: python3 not found");
        return;
    };
    let mut checked = 0;
    for input in fixture_inputs() {
        let raw = std::fs::read(&input).unwrap();
        let out = transform(&raw, &options()).unwrap();
        if out.disposition != Disposition::Rewritten {
            continue;
        }
        let mut child = Command::new(py)
            .args(["-c", SCRIPT])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&out.message).unwrap();
        let result = child.wait_with_output().unwrap();
        assert!(
            result.status.success(),
            "{}: {}",
            input.display(),
            String::from_utf8_lossy(&result.stdout)
        );
        checked += 1;
    }
    assert!(checked >= 5);
}
