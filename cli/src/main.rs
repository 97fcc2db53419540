//! `imip-bridge`: the command-line front end of the imip-bridge library.
//!
//! Exit codes follow sysexits(3) (the README has the table): 0 success (rewritten or
//! passed through), 1 `check` found a message that would change, 2 usage error (from
//! clap), 64 bad path combination (batch), 65 bad input data (strict mode; messages
//! that failed in a batch), 66 input cannot be read, 70 internal error, 71 the milter
//! cannot listen, 73 output cannot be written, 75 temporary failure (`filter` only:
//! every failure of the filter, a bad command line included, so that Postfix defers).

#![forbid(unsafe_code)]

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use imip_bridge::{transform, Disposition, ErrorKind, Options};
use imip_bridge_cli::common::{
    parse_now, ProfileArg, EX_CANTCREAT, EX_DATAERR, EX_NOINPUT, EX_SOFTWARE,
};
use imip_bridge_cli::{batch, filter, milter};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "imip-bridge",
    version,
    about = "Repair meeting requests from Entourage, old iCal and other senders into canonical iTIP/iMIP messages Outlook recognises"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Repair one message: read INPUT (or stdin), write the result to -o (or stdout).
    ///
    /// A message that needs no repair, or cannot be repaired without guessing, is
    /// written out unchanged; the report says why.
    Transform(TransformArgs),
    /// Report only (fixes, warnings and RFC 5546/profile violations; `--json` for the
    /// JSON report): exit 0 when the message is clean (already canonical with no
    /// violations, or not a calendar message), 1 when transform would change it or a
    /// violation remains.
    Check(CheckArgs),
    /// Postfix pipe(8) content filter: read a message on stdin, repair it, re-inject it
    /// with `sendmail -G -i SENDMAIL_ARGS`.
    ///
    /// Exits 0 once sendmail accepted the message and 75 (EX_TEMPFAIL: Postfix defers
    /// and retries) on any failure, a bad command line and a panic included; never
    /// another status. Messages it cannot improve, and messages over --size-limit, are
    /// re-injected unchanged. One log line per message on stderr.
    ///
    /// master.cf: argv=/usr/local/bin/imip-bridge filter -- -f ${sender} -- ${recipient}
    Filter(filter::FilterArgs),
    /// Milter (Sendmail/Postfix milter protocol 6): repairs calendar messages at end of
    /// message by replacing their MIME header fields and body; other mail passes
    /// untouched.
    ///
    /// Runs until SIGTERM/SIGINT. main.cf: smtpd_milters = inet:127.0.0.1:10025 with
    /// milter_default_action = tempfail. One log line per message on stderr.
    Milter(milter::MilterArgs),
    /// Repair every message of a Maildir, a tree of .eml files or an mbox into OUTPUT,
    /// which mirrors INPUT's layout. INPUT is never modified.
    ///
    /// Shows progress on a terminal (plain lines otherwise) and prints a summary
    /// table. Exit 0 when every message was processed, 65 when some failed (they are
    /// copied unchanged).
    Batch(batch::BatchArgs),
}

#[derive(clap::Args)]
struct Common {
    /// Current time for DTSTAMP and generated headers (RFC 3339), for reproducible output.
    #[arg(long, value_parser = parse_now)]
    now: Option<DateTime<Utc>>,
    /// Output profile.
    #[arg(long, value_enum, default_value_t = ProfileArg::Outlook)]
    profile: ProfileArg,
    /// Fail (exit 65) instead of passing an unrepairable calendar through unchanged.
    #[arg(long)]
    strict: bool,
    /// The message to read; stdin when absent or `-`.
    input: Option<PathBuf>,
}

#[derive(clap::Args)]
struct TransformArgs {
    #[command(flatten)]
    common: Common,
    /// Write the JSON report to this file.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Write the message here instead of stdout.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
}

#[derive(clap::Args)]
struct CheckArgs {
    #[command(flatten)]
    common: Common,
    /// Print the report as JSON instead of one line per finding.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind as Clap;
            let shows_text = matches!(e.kind(), Clap::DisplayHelp | Clap::DisplayVersion);
            if !shows_text && invoked_as_filter() {
                return filter::usage_error(&e);
            }
            e.exit()
        }
    };
    match cli.command {
        Command::Transform(args) => run_transform(args),
        Command::Check(args) => run_check(args),
        Command::Filter(args) => filter::run(args),
        Command::Milter(args) => milter::run(args),
        Command::Batch(args) => batch::run(args),
    }
}

/// Whether the subcommand on the command line is `filter` (the first argument that
/// is not an option).
fn invoked_as_filter() -> bool {
    std::env::args_os()
        .skip(1)
        .find(|a| !a.to_string_lossy().starts_with('-'))
        .is_some_and(|a| a == "filter")
}

fn options(c: &Common) -> Options {
    let mut opts = Options::new()
        .with_profile(c.profile.profile())
        .with_strict(c.strict);
    if let Some(now) = c.now {
        opts = opts.with_now(now);
    }
    opts
}

fn read_input(path: Option<&PathBuf>) -> Result<Vec<u8>, ExitCode> {
    let mut buf = Vec::new();
    let result = match path {
        Some(p) if p.as_os_str() != "-" => std::fs::read(p).map(|b| buf = b),
        _ => std::io::stdin().read_to_end(&mut buf).map(|_| ()),
    };
    match result {
        Ok(()) => Ok(buf),
        Err(e) => {
            let name = path.map_or("stdin".into(), |p| p.display().to_string());
            eprintln!("imip-bridge: cannot read {name}: {e}");
            Err(ExitCode::from(EX_NOINPUT))
        }
    }
}

fn fail(kind: ErrorKind, e: &imip_bridge::Error) -> ExitCode {
    eprintln!("imip-bridge: {e}");
    match kind {
        ErrorKind::Message | ErrorKind::Unrepairable | ErrorKind::Limit => {
            ExitCode::from(EX_DATAERR)
        }
        _ => ExitCode::from(EX_SOFTWARE),
    }
}

fn run_transform(args: TransformArgs) -> ExitCode {
    let raw = match read_input(args.common.input.as_ref()) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let outcome = match transform(&raw, &options(&args.common)) {
        Ok(o) => o,
        Err(e) => return fail(e.kind(), &e),
    };
    if let Some(path) = &args.report {
        if let Err(e) = std::fs::write(path, outcome.report_json() + "\n") {
            eprintln!("imip-bridge: cannot write report {}: {e}", path.display());
            return ExitCode::from(EX_CANTCREAT);
        }
    }
    let written = match &args.output {
        Some(path) if path.as_os_str() != "-" => std::fs::write(path, &outcome.message),
        _ => {
            let mut out = std::io::stdout().lock();
            out.write_all(&outcome.message).and_then(|()| out.flush())
        }
    };
    if let Err(e) = written {
        eprintln!("imip-bridge: cannot write output: {e}");
        return ExitCode::from(EX_CANTCREAT);
    }
    ExitCode::SUCCESS
}

fn run_check(args: CheckArgs) -> ExitCode {
    let raw = match read_input(args.common.input.as_ref()) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let outcome = match transform(&raw, &options(&args.common)) {
        Ok(o) => o,
        Err(e) => return fail(e.kind(), &e),
    };
    if args.json {
        println!("{}", outcome.report_json());
    } else {
        let r = &outcome.report;
        let disposition = match outcome.disposition {
            Disposition::Rewritten => "would be rewritten",
            Disposition::Unchanged => "unchanged",
        };
        let method = r.method.map_or("-".to_owned(), |m| m.to_string());
        println!("{disposition} (method {method})");
        for f in &r.fixes {
            println!("fix {}: {}", f.code, f.detail);
        }
        for w in &r.warnings {
            println!("warning {}: {}", w.code, w.detail);
        }
        for v in &r.violations {
            println!("violation {v}");
        }
    }
    // Clean: nothing to rewrite and nothing RFC 5546 or the profile objects to.
    match (outcome.disposition, outcome.report.violations.is_empty()) {
        (Disposition::Unchanged, true) => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}
