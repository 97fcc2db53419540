//! `imip-bridge`: the command-line front end of the imip-bridge library.
//!
//! Exit codes follow sysexits(3): 0 success (rewritten or passed through), 64 usage
//! error, 65 bad input data (strict mode only), 66 input cannot be read, 73 output
//! cannot be written, 70 internal error.

#![forbid(unsafe_code)]

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand, ValueEnum};
use imip_bridge::{transform, Disposition, ErrorKind, Options, Profile};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

const EX_DATAERR: u8 = 65;
const EX_NOINPUT: u8 = 66;
const EX_SOFTWARE: u8 = 70;
const EX_CANTCREAT: u8 = 73;

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
    /// Report only: exit 0 when the message is already canonical (or not a calendar
    /// message), 1 when transform would change it.
    Check(CheckArgs),
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

#[derive(Clone, Copy, ValueEnum)]
enum ProfileArg {
    /// Outlook, Outlook on the web, Exchange and every standards-based client.
    Outlook,
    /// Plain RFC 5546/6047 without Microsoft headers.
    Standard,
}

fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| format!("not an RFC 3339 time ({e}); e.g. 2026-01-01T00:00:00Z"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Transform(args) => run_transform(args),
        Command::Check(args) => run_check(args),
    }
}

fn options(c: &Common) -> Options {
    let profile = match c.profile {
        ProfileArg::Outlook => Profile::Outlook,
        ProfileArg::Standard => Profile::Standard,
    };
    let mut opts = Options::new().with_profile(profile).with_strict(c.strict);
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
    }
    match outcome.disposition {
        Disposition::Unchanged => ExitCode::SUCCESS,
        Disposition::Rewritten => ExitCode::from(1),
    }
}
