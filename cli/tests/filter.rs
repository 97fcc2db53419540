//! `imip-bridge filter` against a fake sendmail that records its arguments and input:
//! the exit status contract (0 only after sendmail succeeded, 75 for everything else,
//! never 101), pass-through of what cannot be improved, the size limit, the log line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_imip-bridge");

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

struct Sandbox {
    dir: PathBuf,
}

impl Sandbox {
    fn new(name: &str) -> Sandbox {
        let dir = std::env::temp_dir().join(format!("imip-filter-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // Records argv (one per line) and, after $FAKE_DELAY seconds, stdin; exits
        // with $FAKE_EXIT (default 0).
        let script = format!(
            "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '{d}/args'\nsleep ${{FAKE_DELAY:-0}}\n{reader} > '{d}/message.part'\nmv '{d}/message.part' '{d}/message'\nexit ${{FAKE_EXIT:-0}}\n",
            d = dir.display(),
            reader = "${FAKE_READER:-cat}"
        );
        let path = dir.join("sendmail");
        std::fs::write(&path, script).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        Sandbox { dir }
    }

    fn sendmail(&self) -> PathBuf {
        self.dir.join("sendmail")
    }

    fn received(&self) -> Option<Vec<u8>> {
        std::fs::read(self.dir.join("message")).ok()
    }

    fn args(&self) -> String {
        std::fs::read_to_string(self.dir.join("args")).unwrap_or_default()
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)], input: &[u8]) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.arg("filter")
            .args(args)
            .env_remove("IMIP_BRIDGE_PROFILE")
            .env_remove("IMIP_BRIDGE_SENDMAIL")
            .env_remove("IMIP_BRIDGE_SIZE_LIMIT")
            .env_remove("IMIP_BRIDGE_TEST_PANIC")
            .env_remove("IMIP_BRIDGE_LOG_FILE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = input.to_vec();
        // Write from a thread: the filter may stop reading early.
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        out
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn sendmail_flag(s: &Sandbox) -> String {
    format!("--sendmail={}", s.sendmail().display())
}

#[test]
fn rewrites_and_reinjects_with_the_envelope() {
    let s = Sandbox::new("rewrite");
    let input = fixture("entourage/vx_request_attachment.eml");
    let out = s.run(
        &[
            &sendmail_flag(&s),
            "--",
            "-f",
            "anna@example.com",
            "--",
            "bob@example.com",
        ],
        &[],
        &input,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        s.args(),
        "-G\n-i\n-f\nanna@example.com\n--\nbob@example.com\n"
    );
    let sent = String::from_utf8(s.received().unwrap()).unwrap();
    assert!(sent.contains("Content-Class: urn:content-classes:calendarmessage"));
    assert!(sent.contains("method=REQUEST"));
    assert!(sent.contains("X-MICROSOFT-CDO-BUSYSTATUS:"));
    let log = stderr(&out);
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(log.starts_with(
        "imip-bridge filter: message-id=<BB8CA78F.1F4A%anna@example.com> disposition=rewritten method=REQUEST fixes="
    ), "{log}");
    assert!(log.contains("content_class_added"), "{log}");
    assert!(log.contains(&format!(" size={} ms=", sent.len())), "{log}");
}

#[test]
fn plain_mail_is_reinjected_byte_for_byte() {
    let s = Sandbox::new("plain");
    for fixture_name in ["plain/no_calendar.eml", "plain/attachment_pdf.eml"] {
        let input = fixture(fixture_name);
        let out = s.run(&[&sendmail_flag(&s), "--", "rcpt@example.com"], &[], &input);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(s.received().unwrap(), input);
        assert!(stderr(&out).contains("disposition=unchanged reason=no_calendar"));
    }
    // Not even a message: passed on as it is.
    let junk = b"\x00\xff garbage without a header\n".to_vec();
    let out = s.run(&[&sendmail_flag(&s), "--", "rcpt@example.com"], &[], &junk);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(s.received().unwrap(), junk);
}

#[test]
fn messages_over_the_size_limit_pass_unchanged() {
    let s = Sandbox::new("size");
    let input = fixture("entourage/vx_request_attachment.eml");
    let out = s.run(
        &[
            &sendmail_flag(&s),
            "--size-limit",
            "1000",
            "--",
            "rcpt@example.com",
        ],
        &[],
        &input,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(s.received().unwrap(), input);
    let log = stderr(&out);
    assert!(
        log.contains("disposition=unchanged reason=limit_exceeded"),
        "{log}"
    );
    assert!(log.contains(&format!("size={}", input.len())), "{log}");

    // A large one is streamed through, every byte of it.
    let mut big = input.clone();
    let filler: Vec<u8> = (0..3_000_000u32)
        .map(|i| b"abcdefghijklmnopqrstuvwxyz0123456789\n"[(i % 37) as usize])
        .collect();
    big.extend_from_slice(&filler);
    let out = s.run(
        &[
            &sendmail_flag(&s),
            "--size-limit",
            "100000",
            "--",
            "rcpt@example.com",
        ],
        &[],
        &big,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(s.received().unwrap() == big, "streamed copy differs");

    // The limit is inclusive: a message of exactly the limit is transformed.
    let limit = input.len().to_string();
    let out = s.run(
        &[
            &sendmail_flag(&s),
            "--size-limit",
            &limit,
            "--",
            "rcpt@example.com",
        ],
        &[],
        &input,
    );
    assert!(
        stderr(&out).contains("disposition=rewritten"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn sendmail_failures_defer() {
    let s = Sandbox::new("fail");
    let input = fixture("entourage/vx_request_attachment.eml");
    let out = s.run(
        &[&sendmail_flag(&s), "--", "rcpt@example.com"],
        &[("FAKE_EXIT", "1")],
        &input,
    );
    assert_eq!(out.status.code(), Some(75));
    assert!(
        stderr(&out).contains("deferred: sendmail exited with status 1"),
        "{}",
        stderr(&out)
    );

    let out = s.run(
        &[
            "--sendmail",
            "/nonexistent/sendmail",
            "--",
            "rcpt@example.com",
        ],
        &[],
        &input,
    );
    assert_eq!(out.status.code(), Some(75));
    assert!(
        stderr(&out).contains("cannot run /nonexistent/sendmail"),
        "{}",
        stderr(&out)
    );

    // A sendmail that stops reading half-way (and claims success) is not trusted.
    let mut big = input.clone();
    big.extend(std::iter::repeat_n(b'x', 2_000_000));
    let out = s.run(
        &[
            &sendmail_flag(&s),
            "--size-limit",
            "1000",
            "--",
            "rcpt@example.com",
        ],
        &[("FAKE_READER", "head -c 10")],
        &big,
    );
    assert_eq!(out.status.code(), Some(75), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("sendmail exited 0 but read only 10 of"),
        "{}",
        stderr(&out)
    );

    // No place for the temporary copy: deferred.
    let out = s.run(
        &[
            &sendmail_flag(&s),
            "--tmp-dir",
            "/nonexistent",
            "--",
            "rcpt@example.com",
        ],
        &[],
        &input,
    );
    assert_eq!(out.status.code(), Some(75));
    assert!(stderr(&out).contains("cannot create a temporary file in /nonexistent"));
}

#[test]
fn a_panic_defers_and_never_reaches_sendmail() {
    if !cfg!(debug_assertions) {
        eprintln!("skipped: the test hook exists in debug builds only");
        return;
    }
    let s = Sandbox::new("panic");
    let input = fixture("entourage/vx_request_attachment.eml");
    let out = s.run(
        &[&sendmail_flag(&s), "--", "rcpt@example.com"],
        &[("IMIP_BRIDGE_TEST_PANIC", "1")],
        &input,
    );
    assert_eq!(out.status.code(), Some(75), "{}", stderr(&out));
    let log = stderr(&out);
    assert!(log.contains("internal error: panic at"), "{log}");
    assert!(log.contains("message deferred (exit 75)"), "{log}");
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(s.received().is_none(), "sendmail must not have run");
}

#[test]
fn bad_command_lines_defer_instead_of_bouncing() {
    let s = Sandbox::new("usage");
    let input = fixture("plain/no_calendar.eml");
    for args in [
        vec![],                                    // no SENDMAIL_ARGS
        vec!["--bogus", "--", "rcpt@example.com"], // unknown flag
        vec!["--size-limit", "ten", "--", "x"],    // bad value
        vec!["--profile", "lotus", "--", "x"],     // bad value
    ] {
        let out = s.run(&args, &[], &input);
        assert_eq!(out.status.code(), Some(75), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).starts_with("imip-bridge filter: bad command line"));
    }
    let out = s.run(&["--help"], &[], b"");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("SENDMAIL_ARGS"));
    // Other commands keep clap's usage status.
    let out = Command::new(BIN)
        .args(["transform", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn environment_configures_the_filter() {
    let s = Sandbox::new("env");
    let input = fixture("entourage/vx_request_attachment.eml");
    let log = s.dir.join("filter.log");
    let sendmail = s.sendmail();
    let out = s.run(
        &["--", "rcpt@example.com"],
        &[
            ("IMIP_BRIDGE_SENDMAIL", sendmail.to_str().unwrap()),
            ("IMIP_BRIDGE_PROFILE", "standard"),
            ("IMIP_BRIDGE_LOG_FILE", log.to_str().unwrap()),
        ],
        &input,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sent = String::from_utf8(s.received().unwrap()).unwrap();
    assert!(sent.contains("method=REQUEST"));
    assert!(
        !sent.contains("Content-Class"),
        "standard profile adds no Content-Class"
    );
    let logged = std::fs::read_to_string(&log).unwrap();
    assert_eq!(logged, stderr(&out));
}

#[test]
fn a_filter_killed_during_reinjection_never_truncates() {
    // The filter is SIGKILLed while sendmail is running: sendmail still reads the
    // whole message (from the temporary file), never a truncated one.
    let s = Sandbox::new("killed");
    let input = fixture("plain/no_calendar.eml");
    let mut child = Command::new(BIN)
        .args(["filter", &sendmail_flag(&s), "--", "rcpt@example.com"])
        .env("FAKE_DELAY", "1")
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let started = std::time::Instant::now();
    while !s.dir.join("args").exists() {
        assert!(started.elapsed().as_secs() < 10, "sendmail never started");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), None, "killed by a signal: pipe(8) defers");
    while s.received().is_none() {
        assert!(started.elapsed().as_secs() < 10, "sendmail never finished");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(s.received().unwrap(), input);
}

#[test]
fn the_temporary_copy_leaves_nothing_behind() {
    let s = Sandbox::new("spool");
    let spool = s.dir.join("spool");
    std::fs::create_dir(&spool).unwrap();
    let input = fixture("entourage/vx_request_attachment.eml");
    for limit in ["10240000", "100"] {
        let out = s.run(
            &[
                &sendmail_flag(&s),
                "--size-limit",
                limit,
                "--",
                "rcpt@example.com",
            ],
            &[("IMIP_BRIDGE_TMPDIR", spool.to_str().unwrap())],
            &input,
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(std::fs::read_dir(&spool).unwrap().count(), 0);
    }
}

#[test]
fn sendmail_arguments_are_passed_verbatim() {
    let s = Sandbox::new("argv");
    let input = fixture("plain/no_calendar.eml");
    let out = s.run(
        &[
            &sendmail_flag(&s),
            "--",
            "-f",
            "",
            "--",
            "-odd@example.com",
            "two words@example.com",
        ],
        &[],
        &input,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        s.args(),
        "-G\n-i\n-f\n\n--\n-odd@example.com\ntwo words@example.com\n"
    );
    assert!(Path::new(&s.dir).join("message").exists());
}
