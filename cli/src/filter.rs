//! `imip-bridge filter`: a Postfix pipe(8) content filter in the FILTER_README style.
//!
//! Reads one message on stdin, repairs it, and re-injects it with
//! `sendmail -G -i SENDMAIL_ARGS`. Its only job towards Postfix is the exit status:
//! 0 only after sendmail accepted the message, 75 (EX_TEMPFAIL, Postfix defers and
//! retries) for every failure, including a panic and a bad command line. It never
//! exits 101 or another status pipe(8) would turn into a bounce.
//!
//! The message for sendmail is first written in full to an unlinked temporary file,
//! which becomes sendmail's stdin (FILTER_README's simple filter does the same). So
//! sendmail never sees the end of a message that is not complete: if this process
//! dies half-way (a kill by pipe(8)'s time limit, a crash), sendmail either has the
//! whole message or has not started. The worst case is a duplicate, never a
//! truncated message. A message larger than `--size-limit` is copied to the file
//! unchanged, without being held in memory or transformed.

use crate::common::{
    describe, log_line, mail_options, message_id, panic_text, ProfileArg, DEFAULT_SIZE_LIMIT,
    EX_TEMPFAIL, SIZE_LIMIT_REASON,
};
use imip_bridge::{transform, Disposition};
use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, ExitStatus, Stdio};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Arguments of `imip-bridge filter`.
#[derive(clap::Args, Debug)]
pub struct FilterArgs {
    /// Output profile.
    #[arg(long, value_enum, env = "IMIP_BRIDGE_PROFILE", default_value_t = ProfileArg::Outlook)]
    pub profile: ProfileArg,
    /// Messages larger than this many bytes are re-injected unchanged, without being
    /// read into memory or transformed.
    #[arg(long, value_name = "BYTES", env = "IMIP_BRIDGE_SIZE_LIMIT", default_value_t = DEFAULT_SIZE_LIMIT)]
    pub size_limit: usize,
    /// The sendmail(1) program used to re-inject the message.
    #[arg(
        long,
        value_name = "PATH",
        env = "IMIP_BRIDGE_SENDMAIL",
        default_value = "/usr/sbin/sendmail"
    )]
    pub sendmail: PathBuf,
    /// Directory for the temporary copy handed to sendmail (unlinked at once).
    /// Default: $TMPDIR, else /tmp.
    #[arg(long, value_name = "DIR", env = "IMIP_BRIDGE_TMPDIR")]
    pub tmp_dir: Option<PathBuf>,
    /// Also append the per-message log line to this file (pipe(8) does not log the
    /// output of a delivery that succeeded).
    #[arg(long, value_name = "FILE", env = "IMIP_BRIDGE_LOG_FILE")]
    pub log_file: Option<PathBuf>,
    /// Arguments for sendmail after `-G -i`, e.g. `-f ${sender} -- ${recipient}`.
    #[arg(last = true, required = true, value_name = "SENDMAIL_ARGS")]
    pub sendmail_args: Vec<OsString>,
}

/// Runs the filter. Exit status 0 or 75, nothing else.
pub fn run(args: FilterArgs) -> ExitCode {
    install_panic_hook();
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| filter(&args, started)));
    match result {
        Ok(Ok(line)) => {
            log(&args, &line);
            ExitCode::SUCCESS
        }
        Ok(Err(line)) => {
            log(&args, &line);
            ExitCode::from(EX_TEMPFAIL)
        }
        // The hook has already logged the panic.
        Err(_) => ExitCode::from(EX_TEMPFAIL),
    }
}

/// Reports a command line that could not be parsed: pipe(8) would bounce on clap's
/// exit status 2, so a misconfigured filter defers mail instead.
pub fn usage_error(err: &clap::Error) -> ExitCode {
    let text = err.to_string();
    say(&format!(
        "imip-bridge filter: bad command line, message deferred: {}",
        text.trim_end().replace('\n', " ")
    ));
    ExitCode::from(EX_TEMPFAIL)
}

/// Writes a line to stderr, ignoring errors: `eprintln!` would panic on a closed
/// stderr, after the message may already be re-injected.
fn say(line: &str) {
    let _ = writeln!(io::stderr(), "{line}");
}

fn log(args: &FilterArgs, line: &str) {
    say(line);
    if let Some(path) = &args.log_file {
        // Logging must never fail the delivery.
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(f, "{line}");
        }
    }
}

/// Filters one message; `Ok(log line)` once sendmail accepted it, `Err(log line)`
/// when the message must be deferred.
fn filter(args: &FilterArgs, started: Instant) -> Result<String, String> {
    let stdin = io::stdin();
    let mut stdin = stdin.lock();
    let mut head = Vec::new();
    let limit = args.size_limit;
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let read = (&mut stdin).take(cap).read_to_end(&mut head);
    let id = message_id(&head);
    let deferred = |what: String, size: u64| {
        log_line(
            "filter",
            "",
            &id,
            &format!("deferred: {what}"),
            size,
            started.elapsed(),
        )
    };
    if let Err(e) = read {
        return Err(deferred(
            format!("cannot read the message from stdin: {e}"),
            head.len() as u64,
        ));
    }

    if head.len() > limit {
        // Too large to transform: pass it on as it is, streaming the rest.
        let size =
            reinject(args, &head, Some(&mut stdin)).map_err(|e| deferred(e, head.len() as u64))?;
        let what = format!("disposition=unchanged reason={SIZE_LIMIT_REASON}");
        return Ok(log_line("filter", "", &id, &what, size, started.elapsed()));
    }

    let opts = mail_options(args.profile, limit);
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        test_hook();
        transform(&head, &opts)
    }));
    let (message, what) = match &outcome {
        Err(_) => {
            return Err(deferred(
                "internal error (panic) in transform".to_owned(),
                head.len() as u64,
            ))
        }
        Ok(Err(e)) => (
            &head[..],
            format!("disposition=unchanged reason={}", e.code()),
        ),
        Ok(Ok(o)) => {
            let message = match o.disposition {
                Disposition::Rewritten => &o.message[..],
                Disposition::Unchanged => &head[..],
            };
            (message, describe(o))
        }
    };
    let size = reinject(args, message, None).map_err(|e| deferred(e, head.len() as u64))?;
    Ok(log_line("filter", "", &id, &what, size, started.elapsed()))
}

/// Fault injection for the end-to-end tests: `IMIP_BRIDGE_TEST_PANIC=1` panics inside
/// the transform step. Compiled into debug builds only; a release build ignores it.
fn test_hook() {
    #[cfg(debug_assertions)]
    if std::env::var_os("IMIP_BRIDGE_TEST_PANIC").is_some_and(|v| v == "1") {
        panic!("IMIP_BRIDGE_TEST_PANIC=1: injected panic (test hook, debug builds only)");
    }
}

/// Hands the message (`head`, then the rest of `rest`) to sendmail through a
/// temporary file; the number of bytes on success.
fn reinject(args: &FilterArgs, head: &[u8], rest: Option<&mut dyn Read>) -> Result<u64, String> {
    let dir = args.tmp_dir.clone().unwrap_or_else(std::env::temp_dir);
    let mut spool = spool_file(&dir)
        .map_err(|e| format!("cannot create a temporary file in {}: {e}", dir.display()))?;
    let size = spool
        .write_all(head)
        .and_then(|()| match rest {
            Some(r) => io::copy(r, &mut spool).map(drop),
            None => Ok(()),
        })
        .and_then(|()| spool.flush())
        .and_then(|()| spool.stream_position())
        .and_then(|n| spool.rewind().map(|()| n))
        .map_err(|e| format!("cannot copy the message to a temporary file: {e}"))?;
    // Shares the file offset with sendmail's stdin: tells how far sendmail read.
    let probe = spool
        .try_clone()
        .map_err(|e| format!("cannot duplicate the temporary file: {e}"))?;
    let status = Command::new(&args.sendmail)
        .arg("-G")
        .arg("-i")
        .args(&args.sendmail_args)
        .stdin(Stdio::from(spool))
        .status()
        .map_err(|e| format!("cannot run {}: {e}", args.sendmail.display()))?;
    if !status.success() {
        return Err(format!("sendmail {}", describe_status(status)));
    }
    let mut probe = probe;
    match probe.stream_position() {
        Ok(read) if read < size => Err(format!(
            "sendmail exited 0 but read only {read} of {size} bytes"
        )),
        _ => Ok(size),
    }
}

/// A new temporary file, already unlinked: nothing to clean up, whatever happens.
fn spool_file(dir: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    for attempt in 0..100u32 {
        let path = dir.join(format!(
            ".imip-bridge-filter.{}.{nanos}.{attempt}",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
        {
            Ok(file) => {
                std::fs::remove_file(&path)?;
                return Ok(file);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free temporary file name",
    ))
}

fn describe_status(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exited with status {code}"),
        None => format!("was killed ({status})"),
    }
}

/// Logs a panic on one line and exits 75 at once: whatever panicked, wherever, Postfix
/// defers the message. (The `catch_unwind` around the transform is the second line of
/// defence, for a panic that reaches it with another hook installed.)
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        say(&format!(
            "imip-bridge filter: internal error: panic{}; message deferred (exit 75)",
            panic_text(info)
        ));
        std::process::exit(i32::from(EX_TEMPFAIL));
    }));
}
