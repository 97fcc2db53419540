//! Memory per message (`harness = false`).
//!
//! - Peak heap: the library forbids `unsafe`, and a counting `GlobalAlloc` cannot be
//!   written without `unsafe impl`, so this binary installs `dhat::Alloc` (the dhat
//!   crate, a dev-dependency) and, for each input, starts a dhat heap profiler (testing
//!   mode: nothing is written to disk) right before one `transform` call and reads
//!   `HeapStats` while the `Outcome` is still alive. `max_bytes` is the most bytes live
//!   at once among the blocks allocated by that call: the input buffer (allocated
//!   before) is not counted, the output message is. The same for the Rust peer pipeline
//!   on the six standard inputs. Each input is transformed once beforehand so that
//!   one-time lazy initialisation is not counted.
//! - Peak RSS: for each input a child process (this binary with `--rss-child`) reads the
//!   message from a file, resets the high-water mark (`echo 5 > /proc/self/clear_refs`),
//!   runs `transform` once and reports `VmHWM - VmRSS` from `/proc/self/status` (Linux;
//!   dhat's profiler is not running in the child). A fresh process per input so that
//!   one input's freed memory does not hide another's.
//!
//! Target of issue 7: peak heap at most 3x the message size plus 1 MiB.
//!
//! Run with `cargo bench --bench memory`.

mod common;

use common::Input;
use imip_bridge::transform;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn inputs() -> Vec<Input> {
    let raised_parts = common::opts().with_limits(common::limits(|l| l.max_parts = 20_000));
    let raised_attendees = common::opts().with_limits(common::limits(|l| {
        l.max_attendees = 40_000;
        l.max_properties = 40_000;
    }));
    let depth = imip_bridge::Limits::DEFAULT.max_mime_depth;
    let mut v = common::standard();
    v.extend(
        [3_000, 100_000, 1_000_000, 20_000_000]
            .iter()
            .map(|&n| common::invitation_of_size(n)),
    );
    v.extend(
        [100_000, 10_000_000]
            .iter()
            .map(|&n| common::plain_of_size(n)),
    );
    v.extend([20, 20_000].iter().map(|&n| common::attendees(n)));
    v.push(common::attendees_with(
        20_000,
        raised_attendees,
        common::Expect::Rewritten,
        "_raised_limit",
    ));
    v.push(common::long_line(1_000_000));
    v.push(common::dashes(1_000_000));
    v.push(common::folds(100_000));
    v.push(common::nesting(depth));
    v.push(common::many_parts(
        10_000,
        common::opts(),
        common::Expect::Unchanged("limit_exceeded"),
        "default_limit",
    ));
    v.push(common::many_parts(
        10_000,
        raised_parts,
        common::Expect::Rewritten,
        "raised_limit",
    ));
    v
}

/// Heap statistics of the allocations made by `f`, read while its result is alive.
fn heap<R>(f: impl FnOnce() -> R) -> dhat::HeapStats {
    let profiler = dhat::Profiler::builder()
        .testing()
        .trim_backtraces(Some(4))
        .build();
    let result = black_box(f());
    let stats = dhat::HeapStats::get();
    drop(result);
    drop(profiler);
    stats
}

fn status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Child: `--rss-child FILE MAX_MESSAGE_BYTES MAX_PARTS MAX_ATTENDEES MAX_PROPERTIES`.
fn rss_child(args: &[String]) {
    let num = |i: usize| -> usize { args.get(i).and_then(|s| s.parse().ok()).unwrap_or(0) };
    let raw = std::fs::read(&args[0]).expect("input file");
    let opts = common::opts().with_limits(common::limits(|l| {
        l.max_message_bytes = num(1);
        l.max_parts = num(2);
        l.max_attendees = num(3);
        l.max_properties = num(4);
    }));
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = status_kb("VmRSS:").unwrap_or(0);
    let out = black_box(transform(black_box(&raw), &opts));
    let hwm = status_kb("VmHWM:").unwrap_or(0);
    drop(out);
    println!("{} {}", hwm.saturating_sub(before), u8::from(reset));
}

fn rss(input: &Input, dir: &std::path::Path) -> Option<(u64, bool)> {
    let path = dir.join(format!("{}.eml", input.name));
    std::fs::write(&path, &input.bytes).ok()?;
    let l = input.opts.limits;
    let out = Command::new(std::env::current_exe().ok()?)
        .arg("--rss-child")
        .arg(&path)
        .args(
            [
                l.max_message_bytes,
                l.max_parts,
                l.max_attendees,
                l.max_properties,
            ]
            .iter()
            .map(|n| n.to_string()),
        )
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace();
    let kb = it.next()?.parse().ok()?;
    let reset = it.next() == Some("1");
    Some((kb, reset))
}

fn mib(bytes: f64) -> String {
    format!("{:.2} MiB", bytes / 1_048_576.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == "--rss-child") {
        rss_child(&args[pos + 1..]);
        return;
    }
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("bench-inputs");
    std::fs::create_dir_all(&dir).expect("bench-inputs directory");
    let standard: Vec<String> = common::standard().into_iter().map(|i| i.name).collect();

    println!(
        "Peak heap per message (dhat, one transform after a warm-up) and peak RSS (child process)"
    );
    println!(
        "| {:<36} | {:>10} | {:<28} | {:>10} | {:>6} | {:>10} | {:>9} | {:<7} | {:>10} | {:>12} |",
        "input",
        "bytes",
        "outcome",
        "peak heap",
        "÷ size",
        "3x + 1 MiB",
        "allocs",
        "target",
        "peak RSS",
        "rust peer"
    );
    println!(
        "|{:-<38}|{:->12}|{:-<30}|{:->12}|{:->8}|{:->12}|{:->11}|{:-<9}|{:->12}|{:->14}|",
        "", "", "", "", "", "", "", "", "", ""
    );
    let mut missed = Vec::new();
    let mut reset_ok = true;
    for input in inputs() {
        let outcome = input.check();
        let stats = heap(|| transform(&input.bytes, &input.opts));
        let size = input.bytes.len();
        let limit = 3 * size + 1_048_576;
        let ok = stats.max_bytes <= limit;
        if !ok {
            missed.push(format!(
                "{}: {} > {}",
                input.name,
                mib(stats.max_bytes as f64),
                mib(limit as f64)
            ));
        }
        let peer = if standard.contains(&input.name) {
            black_box(common::peer::rust_peer(&input.bytes));
            mib(heap(|| common::peer::rust_peer(&input.bytes)).max_bytes as f64)
        } else {
            "-".to_owned()
        };
        let rss = match rss(&input, &dir) {
            Some((kb, reset)) => {
                reset_ok &= reset;
                mib(kb as f64 * 1024.0)
            }
            None => "n/a".to_owned(),
        };
        println!(
            "| {:<36} | {:>10} | {:<28} | {:>10} | {:>6.2} | {:>10} | {:>9} | {:<7} | {:>10} | {:>12} |",
            input.name,
            size,
            outcome,
            mib(stats.max_bytes as f64),
            stats.max_bytes as f64 / size as f64,
            mib(limit as f64),
            stats.total_blocks,
            if ok { "met" } else { "MISSED" },
            rss,
            peer,
        );
    }
    if !reset_ok {
        println!(
            "note: /proc/self/clear_refs could not reset VmHWM; peak RSS is VmHWM - VmRSS at start"
        );
    }
    if missed.is_empty() {
        println!("Peak heap target (3x message + 1 MiB): met for every input");
    } else {
        println!(
            "Peak heap target (3x message + 1 MiB) MISSED for: {}",
            missed.join("; ")
        );
    }
}
