//! `imip-bridge batch INPUT OUTPUT`: repairs every message of a Maildir, a tree of
//! `.eml` files or an mbox, writing the results to OUTPUT in the same layout.
//!
//! INPUT is only ever opened for reading. OUTPUT must not exist yet (or be an empty
//! directory) and must not lie inside INPUT; files are created with `create_new`, so
//! nothing is ever overwritten. Messages are transformed on `--jobs` threads (default:
//! every core); a message that fails (a panic, or a strict-mode error) is copied
//! unchanged and counted as an error.

pub mod mbox;

use crate::common::{
    install_one_line_panic_hook, mail_options, parse_now, ProfileArg, DEFAULT_SIZE_LIMIT,
    EX_CANTCREAT, EX_DATAERR, EX_NOINPUT, EX_USAGE,
};
use chrono::{DateTime, Utc};
use imip_bridge::{transform, Disposition, Options};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufReader, BufWriter, IsTerminal, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Arguments of `imip-bridge batch`.
#[derive(clap::Args, Debug)]
pub struct BatchArgs {
    /// Current time for DTSTAMP and generated headers (RFC 3339), for reproducible output.
    #[arg(long, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// Output profile.
    #[arg(long, value_enum, default_value_t = ProfileArg::Outlook)]
    pub profile: ProfileArg,
    /// Count a calendar that cannot be repaired as an error (it is still copied
    /// unchanged) instead of passing it through.
    #[arg(long)]
    pub strict: bool,
    /// Messages larger than this many bytes are copied unchanged.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_SIZE_LIMIT)]
    pub size_limit: usize,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
    /// A Maildir (cur/ and new/), a directory tree of .eml files, or an mbox file.
    pub input: PathBuf,
    /// Where to write: a new directory mirroring INPUT, or a new mbox file.
    pub output: PathBuf,
}

/// What happened to one message.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Rewritten,
    Unchanged(&'static str),
    Failed(String),
}

/// Transforms one message; the bytes to write (`None`: the input as it is).
fn process(raw: &[u8], opts: &Options) -> (Kind, Option<Vec<u8>>) {
    match catch_unwind(AssertUnwindSafe(|| transform(raw, opts))) {
        Ok(Ok(o)) => match o.disposition {
            Disposition::Rewritten => (Kind::Rewritten, Some(o.message)),
            Disposition::Unchanged => (
                Kind::Unchanged(o.report.reason.map_or("unchanged", |r| r.as_str())),
                None,
            ),
        },
        Ok(Err(e)) => (Kind::Failed(e.to_string()), None),
        Err(_) => (Kind::Failed("internal error (panic)".to_owned()), None),
    }
}

#[derive(Debug, Default)]
struct Stats {
    messages: u64,
    rewritten: u64,
    unchanged: BTreeMap<&'static str, u64>,
    errors: u64,
    bytes: u64,
    skipped_files: u64,
}

impl Stats {
    fn add(&mut self, kind: &Kind, bytes: u64) {
        self.messages += 1;
        self.bytes += bytes;
        match kind {
            Kind::Rewritten => self.rewritten += 1,
            Kind::Unchanged(reason) => *self.unchanged.entry(reason).or_default() += 1,
            Kind::Failed(_) => self.errors += 1,
        }
    }
}

/// A failure that stops the whole run, with its exit status.
struct Fatal(u8, String);

/// Progress on stderr: a bar on a terminal, a plain line every few seconds otherwise.
struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    last_line: Instant,
}

impl Progress {
    fn new(total_bytes: u64) -> Progress {
        let bar = io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total_bytes);
            if let Ok(style) = ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {bytes}/{total_bytes} {msg} (eta {eta})",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        let now = Instant::now();
        Progress {
            bar,
            started: now,
            last_line: now,
        }
    }

    fn update(&mut self, stats: &Stats) {
        match &self.bar {
            Some(bar) => {
                bar.set_position(stats.bytes);
                bar.set_message(format!("{} messages", stats.messages));
            }
            None if self.last_line.elapsed() >= Duration::from_secs(2) => {
                self.last_line = Instant::now();
                eprintln!(
                    "imip-bridge batch: {} messages, {:.1} MB, {:.0} msgs/s",
                    stats.messages,
                    stats.bytes as f64 / 1e6,
                    stats.messages as f64 / self.started.elapsed().as_secs_f64().max(1e-9)
                );
            }
            None => {}
        }
    }

    fn note(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Runs the batch.
pub fn run(args: BatchArgs) -> ExitCode {
    install_one_line_panic_hook("batch");
    let started = Instant::now();
    let mut opts = mail_options(args.profile, args.size_limit).with_strict(args.strict);
    if let Some(now) = args.now {
        opts = opts.with_now(now);
    }
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |j| j as usize,
    );
    let result = check_paths(&args.input, &args.output).and_then(|is_dir| {
        if is_dir {
            run_tree(&args.input, &args.output, &opts, jobs)
        } else {
            run_mbox(&args.input, &args.output, &opts, jobs)
        }
    });
    match result {
        Ok(stats) => {
            print_summary(&args, &stats, started.elapsed(), jobs);
            if stats.errors > 0 {
                ExitCode::from(EX_DATAERR)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(Fatal(code, why)) => {
            eprintln!("imip-bridge batch: {why}");
            ExitCode::from(code)
        }
    }
}

/// Checks INPUT and OUTPUT; `Ok(true)` for a directory INPUT, `Ok(false)` for a file.
fn check_paths(input: &Path, output: &Path) -> Result<bool, Fatal> {
    let meta = fs::metadata(input)
        .map_err(|e| Fatal(EX_NOINPUT, format!("cannot read {}: {e}", input.display())))?;
    let input_abs = fs::canonicalize(input)
        .map_err(|e| Fatal(EX_NOINPUT, format!("cannot read {}: {e}", input.display())))?;
    let output_abs = absolute(output).map_err(|e| {
        Fatal(
            EX_CANTCREAT,
            format!("cannot use {}: {e}", output.display()),
        )
    })?;
    if output_abs == input_abs || (meta.is_dir() && output_abs.starts_with(&input_abs)) {
        return Err(Fatal(
            EX_USAGE,
            format!(
                "OUTPUT {} must not be INPUT or lie inside it: INPUT is never modified",
                output.display()
            ),
        ));
    }
    if meta.is_dir() {
        if let Ok(mut entries) = fs::read_dir(output) {
            if entries.next().is_some() {
                return Err(Fatal(
                    EX_CANTCREAT,
                    format!("OUTPUT {} exists and is not empty", output.display()),
                ));
            }
        } else if output.exists() {
            return Err(Fatal(
                EX_CANTCREAT,
                format!("OUTPUT {} exists and is not a directory", output.display()),
            ));
        }
    } else if output.exists() {
        return Err(Fatal(
            EX_CANTCREAT,
            format!("OUTPUT {} already exists", output.display()),
        ));
    }
    Ok(meta.is_dir())
}

/// `path` made absolute through its nearest existing ancestor (symlinks resolved).
fn absolute(path: &Path) -> io::Result<PathBuf> {
    let path = std::path::absolute(path)?;
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = fs::canonicalize(existing) {
            let mut out = c;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return Ok(out);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return Ok(path.clone()),
        }
    }
}

/// Messages in a directory tree: every file under a `cur` or `new` directory
/// (Maildir) and every `*.eml` file. Other files are skipped (and counted);
/// symbolic links are not followed.
fn is_message(rel: &Path) -> bool {
    let eml = rel
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("eml"));
    let maildir = rel
        .parent()
        .and_then(|p| p.file_name())
        .is_some_and(|d| d == "cur" || d == "new");
    eml || maildir
}

struct Tree {
    dirs: Vec<PathBuf>,
    files: Vec<(PathBuf, u64)>,
    skipped: u64,
}

fn walk(root: &Path) -> io::Result<Tree> {
    let mut tree = Tree {
        dirs: Vec::new(),
        files: Vec::new(),
        skipped: 0,
    };
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let mut entries: Vec<fs::DirEntry> =
            fs::read_dir(root.join(&rel))?.collect::<io::Result<_>>()?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries.into_iter().rev() {
            let child = rel.join(entry.file_name());
            let ty = entry.file_type()?;
            if ty.is_dir() {
                tree.dirs.push(child.clone());
                stack.push(child);
            } else if ty.is_file() && is_message(&child) {
                tree.files.push((child, entry.metadata()?.len()));
            } else {
                tree.skipped += 1;
            }
        }
    }
    tree.files.sort();
    Ok(tree)
}

enum TreeEvent {
    Done(Kind, u64, PathBuf),
    Fatal(Fatal),
}

fn run_tree(input: &Path, output: &Path, opts: &Options, jobs: usize) -> Result<Stats, Fatal> {
    let tree = walk(input)
        .map_err(|e| Fatal(EX_NOINPUT, format!("cannot list {}: {e}", input.display())))?;
    let cant_create =
        |p: &Path, e: io::Error| Fatal(EX_CANTCREAT, format!("cannot create {}: {e}", p.display()));
    fs::create_dir_all(output).map_err(|e| cant_create(output, e))?;
    for dir in &tree.dirs {
        let d = output.join(dir);
        fs::create_dir_all(&d).map_err(|e| cant_create(&d, e))?;
    }
    let total: u64 = tree.files.iter().map(|(_, n)| n).sum();
    let mut progress = Progress::new(total);
    let mut stats = Stats {
        skipped_files: tree.skipped,
        ..Stats::default()
    };
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let mut fatal = None;
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::channel();
        for _ in 0..jobs {
            let tx = tx.clone();
            let (files, next, stop) = (&tree.files, &next, &stop);
            s.spawn(move || {
                while let Some((rel, size)) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let event = convert_file(&input.join(rel), &output.join(rel), *size, opts, rel);
                    if tx.send(event).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for event in rx {
            match event {
                TreeEvent::Done(kind, bytes, rel) => {
                    if let Kind::Failed(why) = &kind {
                        progress.note(&format!("imip-bridge batch: {}: {why}", rel.display()));
                    }
                    stats.add(&kind, bytes);
                    progress.update(&stats);
                }
                TreeEvent::Fatal(f) => {
                    stop.store(true, Ordering::Relaxed);
                    fatal.get_or_insert(f);
                }
            }
        }
    });
    progress.finish();
    match fatal {
        Some(f) => Err(f),
        None => Ok(stats),
    }
}

fn convert_file(src: &Path, dst: &Path, size: u64, opts: &Options, rel: &Path) -> TreeEvent {
    let raw = match fs::read(src) {
        Ok(raw) => raw,
        Err(e) => {
            // Nothing to copy: counted as an error, the run goes on.
            return TreeEvent::Done(
                Kind::Failed(format!("cannot read: {e}")),
                size,
                rel.to_owned(),
            );
        }
    };
    let (kind, out) = process(&raw, opts);
    let bytes = out.as_deref().unwrap_or(&raw);
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(dst)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            if let Ok(meta) = fs::metadata(src) {
                f.set_permissions(meta.permissions())?;
            }
            Ok(())
        });
    match written {
        Ok(()) => TreeEvent::Done(kind, raw.len() as u64, rel.to_owned()),
        Err(e) => TreeEvent::Fatal(Fatal(
            EX_CANTCREAT,
            format!("cannot write {}: {e}", dst.display()),
        )),
    }
}

enum MboxEvent {
    Done {
        seq: u64,
        kind: Kind,
        bytes: Vec<u8>,
        size: u64,
    },
    ReadError(String),
}

fn run_mbox(input: &Path, output: &Path, opts: &Options, jobs: usize) -> Result<Stats, Fatal> {
    let cant_read =
        |e: io::Error| Fatal(EX_NOINPUT, format!("cannot read {}: {e}", input.display()));
    let file = fs::File::open(input).map_err(cant_read)?;
    let total = file.metadata().map_err(cant_read)?.len();
    let mut reader = BufReader::new(file);
    {
        use std::io::BufRead;
        let start = reader.fill_buf().map_err(cant_read)?;
        if !start.is_empty() && !mbox::looks_like_mbox(start) {
            return Err(Fatal(
                EX_DATAERR,
                format!(
                    "{} is a file but not an mbox (it does not start with a `From ` line); use `imip-bridge transform` for one message",
                    input.display()
                ),
            ));
        }
    }
    let out = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(output)
        .map_err(|e| {
            Fatal(
                EX_CANTCREAT,
                format!("cannot create {}: {e}", output.display()),
            )
        })?;
    let mut writer = BufWriter::new(out);
    let mut progress = Progress::new(total);
    let mut stats = Stats::default();
    let mut fatal = None;

    // Entries read ahead of the writer, at most: bounds the memory held while one
    // slow message keeps the writer waiting.
    let window = (jobs as u64) * 16;
    let written = (Mutex::new(0u64), Condvar::new());
    let stop = AtomicBool::new(false);
    let (job_tx, job_rx) = mpsc::sync_channel::<(u64, mbox::Entry)>(jobs * 4);
    let job_rx = Mutex::new(job_rx);
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::channel();
        {
            let (tx, written, stop) = (tx.clone(), &written, &stop);
            s.spawn(move || {
                let mut entries = mbox::Reader::new(reader);
                let mut seq = 0u64;
                loop {
                    match entries.next_entry() {
                        Ok(Some(entry)) => {
                            let (lock, cv) = written;
                            let Ok(mut done) = lock.lock() else { break };
                            while seq >= *done + window && !stop.load(Ordering::Relaxed) {
                                done = match cv.wait(done) {
                                    Ok(d) => d,
                                    Err(_) => return,
                                };
                            }
                            drop(done);
                            if stop.load(Ordering::Relaxed) || job_tx.send((seq, entry)).is_err() {
                                break;
                            }
                            seq += 1;
                        }
                        Ok(None) => break,
                        Err(e) => {
                            let _ = tx.send(MboxEvent::ReadError(e.to_string()));
                            break;
                        }
                    }
                }
            });
        }
        for _ in 0..jobs {
            let (tx, job_rx) = (tx.clone(), &job_rx);
            s.spawn(move || loop {
                let job = match job_rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => break,
                };
                let Ok((seq, entry)) = job else { break };
                let (kind, out) = process(&entry.message, opts);
                let size = entry.original.len() as u64;
                let bytes = match out {
                    Some(m) => mbox::entry_bytes(&entry.postmark, &m, entry.eol()),
                    None => entry.original,
                };
                if tx
                    .send(MboxEvent::Done {
                        seq,
                        kind,
                        bytes,
                        size,
                    })
                    .is_err()
                {
                    break;
                }
            });
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let mut next = 0u64;
        for event in rx {
            match event {
                MboxEvent::Done {
                    seq,
                    kind,
                    bytes,
                    size,
                } => {
                    pending.insert(seq, (kind, bytes, size));
                    while let Some((kind, bytes, size)) = pending.remove(&next) {
                        if fatal.is_none() {
                            if let Err(e) = writer.write_all(&bytes) {
                                fatal = Some(Fatal(
                                    EX_CANTCREAT,
                                    format!("cannot write {}: {e}", output.display()),
                                ));
                            }
                        }
                        if let Kind::Failed(why) = &kind {
                            progress
                                .note(&format!("imip-bridge batch: message {}: {why}", next + 1));
                        }
                        stats.add(&kind, size);
                        next += 1;
                    }
                    progress.update(&stats);
                }
                MboxEvent::ReadError(e) => {
                    fatal.get_or_insert(Fatal(
                        EX_NOINPUT,
                        format!(
                            "cannot read {} after {} messages: {e}; OUTPUT is incomplete",
                            input.display(),
                            stats.messages
                        ),
                    ));
                }
            }
            if fatal.is_some() {
                stop.store(true, Ordering::Relaxed);
            }
            let (lock, cv) = &written;
            if let Ok(mut done) = lock.lock() {
                *done = next;
            }
            cv.notify_all();
        }
    });
    progress.finish();
    if fatal.is_none() {
        if let Err(e) = writer.flush() {
            fatal = Some(Fatal(
                EX_CANTCREAT,
                format!("cannot write {}: {e}", output.display()),
            ));
        }
    }
    match fatal {
        Some(f) => Err(f),
        None => Ok(stats),
    }
}

fn print_summary(args: &BatchArgs, stats: &Stats, elapsed: Duration, jobs: usize) {
    let secs = elapsed.as_secs_f64().max(1e-9);
    let mut out = String::new();
    let mut row = |label: &str, value: String| {
        out.push_str(&format!("  {label:<24} {value:>12}\n"));
    };
    row("messages", stats.messages.to_string());
    row("rewritten", stats.rewritten.to_string());
    row(
        "unchanged",
        stats.unchanged.values().sum::<u64>().to_string(),
    );
    for (reason, n) in &stats.unchanged {
        row(&format!("  {reason}"), n.to_string());
    }
    row("errors", stats.errors.to_string());
    if stats.skipped_files > 0 {
        row("other files skipped", stats.skipped_files.to_string());
    }
    row("bytes read", stats.bytes.to_string());
    row("elapsed (s)", format!("{secs:.3}"));
    row("threads", jobs.to_string());
    row(
        "throughput (msgs/s)",
        format!("{:.0}", stats.messages as f64 / secs),
    );
    row(
        "throughput (MB/s)",
        format!("{:.2}", stats.bytes as f64 / 1e6 / secs),
    );
    println!(
        "imip-bridge batch: {} -> {}\n{out}",
        args.input.display(),
        args.output.display()
    );
}
