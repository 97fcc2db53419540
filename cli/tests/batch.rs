//! `imip-bridge batch`: layout mirroring for Maildir/.eml trees and mbox files, the
//! summary, refusals that protect INPUT, and (ignored by default) throughput on
//! 10,000 generated messages:
//!
//! ```sh
//! cargo test --release -p imip-bridge-cli --test batch -- --ignored --nocapture
//! ```

use imip_bridge_cli::batch::mbox;
use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_imip-bridge");
const NOW: &str = "2026-01-01T00:00:00Z";

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(fixtures_dir().join(path)).unwrap()
}

/// Every input fixture (not the golden outputs).
fn all_fixture_inputs() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for d in dirs {
        let mut files: Vec<_> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                name.ends_with(".eml") && !name.ends_with(".out.eml")
            })
            .collect();
        files.sort();
        for f in files {
            out.push(std::fs::read(f).unwrap());
        }
    }
    assert!(out.len() > 10);
    out
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("imip-batch-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A fingerprint of a tree: every path, file type, mode, size, mtime and content.
fn fingerprint(root: &Path) -> BTreeMap<PathBuf, u64> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        let meta = std::fs::symlink_metadata(&p).unwrap();
        let mut h = DefaultHasher::new();
        meta.permissions().mode().hash(&mut h);
        meta.len().hash(&mut h);
        meta.modified().unwrap().hash(&mut h);
        if meta.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                stack.push(e.unwrap().path());
            }
        } else {
            std::fs::read(&p).unwrap().hash(&mut h);
        }
        out.insert(p.strip_prefix(root).unwrap().to_path_buf(), h.finish());
    }
    out
}

fn batch(args: &[&Path], extra: &[&str]) -> Output {
    Command::new(BIN)
        .arg("batch")
        .args(["--now", NOW])
        .args(extra)
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The value of a summary row.
fn row(summary: &str, label: &str) -> String {
    summary
        .lines()
        .find(|l| {
            l.trim_start().starts_with(label) && l.trim_start()[label.len()..].starts_with("  ")
        })
        .and_then(|l| l.split_whitespace().last())
        .unwrap_or_else(|| panic!("no row {label:?} in\n{summary}"))
        .to_owned()
}

#[test]
fn maildir_and_eml_tree_are_mirrored_and_input_is_untouched() {
    let t = TempDir::new("tree");
    let input = t.0.join("in");
    let invite = fixture("entourage/vx_request_attachment.eml");
    let plain = fixture("plain/no_calendar.eml");
    write(&input.join("Maildir/cur/1700000000.1.host:2,S"), &invite);
    write(&input.join("Maildir/new/1700000001.2.host"), &plain);
    std::fs::create_dir_all(input.join("Maildir/tmp")).unwrap();
    write(
        &input.join("Maildir/.Archive/cur/1700000002.3.host:2,RS"),
        &fixture("entourage/2004_cancel.eml"),
    );
    write(
        &input.join("exports/2004/meeting.EML"),
        &fixture("apple/ical15_reply.eml"),
    );
    write(&input.join("exports/notes.txt"), b"not a message\n");
    std::fs::set_permissions(
        input.join("Maildir/cur/1700000000.1.host:2,S"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    let before = fingerprint(&input);

    let output = t.0.join("out");
    let out = batch(&[&input, &output], &["--jobs", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(fingerprint(&input), before, "INPUT was modified");

    let summary = text(&out.stdout);
    assert_eq!(row(&summary, "messages"), "4", "{summary}");
    assert_eq!(row(&summary, "rewritten"), "3", "{summary}");
    assert_eq!(row(&summary, "no_calendar"), "1", "{summary}");
    assert_eq!(row(&summary, "errors"), "0", "{summary}");
    assert_eq!(row(&summary, "other files skipped"), "1", "{summary}");
    assert!(summary.contains("throughput (msgs/s)"));

    let rewritten = text(&std::fs::read(output.join("Maildir/cur/1700000000.1.host:2,S")).unwrap());
    assert!(rewritten.contains("Content-Class: urn:content-classes:calendarmessage"));
    assert!(rewritten.contains("method=REQUEST"));
    let mode = std::fs::metadata(output.join("Maildir/cur/1700000000.1.host:2,S"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "mail stays private");
    assert_eq!(
        std::fs::read(output.join("Maildir/new/1700000001.2.host")).unwrap(),
        plain
    );
    assert!(output.join("Maildir/tmp").is_dir());
    assert!(text(
        &std::fs::read(output.join("Maildir/.Archive/cur/1700000002.3.host:2,RS")).unwrap()
    )
    .contains("method=CANCEL"));
    assert!(output.join("exports/2004/meeting.EML").is_file());
    assert!(!output.join("exports/notes.txt").exists());

    // The same again with the output from a single thread: identical bytes.
    let output1 = t.0.join("out1");
    let out = batch(&[&input, &output1], &["-j", "1"]);
    assert_eq!(out.status.code(), Some(0));
    let strip = |m: BTreeMap<PathBuf, u64>| m.into_keys().collect::<Vec<_>>();
    assert_eq!(strip(fingerprint(&output)), strip(fingerprint(&output1)));
    for f in [
        "Maildir/cur/1700000000.1.host:2,S",
        "exports/2004/meeting.EML",
    ] {
        assert_eq!(
            std::fs::read(output.join(f)).unwrap(),
            std::fs::read(output1.join(f)).unwrap()
        );
    }

    // A second run into the same OUTPUT refuses and changes nothing.
    let out = batch(&[&input, &output], &[]);
    assert_eq!(out.status.code(), Some(73), "{}", text(&out.stderr));
    // OUTPUT inside INPUT is refused before anything is written.
    let out = batch(&[&input, &input.join("Maildir/out")], &[]);
    assert_eq!(out.status.code(), Some(64), "{}", text(&out.stderr));
    assert_eq!(fingerprint(&input), before, "INPUT was modified");
}

#[test]
fn mbox_in_mbox_out() {
    let t = TempDir::new("mbox");
    let invite = fixture("entourage/vx_request_attachment.eml");
    let plain = fixture("plain/no_calendar.eml");
    let tricky = b"From: a@example.com\nSubject: quoting\n\nFrom the start of a line\n>From an old quote\nend\n".to_vec();
    let mut data = Vec::new();
    for (i, m) in [&invite, &plain, &tricky].iter().enumerate() {
        data.extend(mbox::entry_bytes(
            format!("From sender{i}@example.com Mon Jan  1 00:00:0{i} 2024\n").as_bytes(),
            m,
            b"\n",
        ));
    }
    let input = t.0.join("in/in.mbox");
    write(&input, &data);
    let before = fingerprint(&t.0.join("in"));
    let output = t.0.join("out.mbox");
    let out = batch(&[&input, &output], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let read = |p: &Path| {
        let bytes = std::fs::read(p).unwrap();
        let mut r = mbox::Reader::new(&bytes[..]);
        let mut v = Vec::new();
        while let Some(e) = r.next_entry().unwrap() {
            v.push(e);
        }
        v
    };
    let (ins, outs) = (read(&input), read(&output));
    assert_eq!(outs.len(), 3);
    assert_eq!(ins[0].postmark, outs[0].postmark);
    assert!(text(&outs[0].message).contains("Content-Class: urn:content-classes:calendarmessage"));
    // Unchanged messages are copied as the exact bytes they had.
    assert_eq!(outs[1].original, ins[1].original);
    assert_eq!(outs[2].original, ins[2].original);
    assert_eq!(outs[2].message, tricky);
    let summary = text(&out.stdout);
    assert_eq!(row(&summary, "messages"), "3");
    assert_eq!(row(&summary, "rewritten"), "1");

    assert_eq!(fingerprint(&t.0.join("in")), before, "INPUT was modified");

    // mbox onto itself, an existing OUTPUT, a file that is no mbox, a missing INPUT.
    assert_eq!(batch(&[&input, &input], &[]).status.code(), Some(64));
    assert_eq!(batch(&[&input, &output], &[]).status.code(), Some(73));
    let eml = t.0.join("one.eml");
    write(&eml, &plain);
    let out = batch(&[&eml, &t.0.join("x.mbox")], &[]);
    assert_eq!(out.status.code(), Some(65), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("not an mbox"));
    let out = batch(&[&t.0.join("missing"), &t.0.join("y")], &[]);
    assert_eq!(out.status.code(), Some(66));
}

#[test]
fn help_documents_the_command() {
    let out = Command::new(BIN)
        .args(["batch", "--help"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for w in [
        "INPUT",
        "OUTPUT",
        "--jobs",
        "--profile",
        "--size-limit",
        "--now",
    ] {
        assert!(help.contains(w), "{w} missing from\n{help}");
    }
}

/// Throughput on 10,000 messages (all fixture inputs, cycled, each with its own
/// Message-ID) in a Maildir, with one thread and with every core.
#[test]
#[ignore = "slow: 10,000 messages; run with --release -- --ignored --nocapture"]
fn throughput_on_10000_messages() {
    let t = TempDir::new("throughput");
    let input = t.0.join("in");
    let sources = all_fixture_inputs();
    let mut bytes = 0usize;
    for i in 0..10_000 {
        let src = &sources[i % sources.len()];
        let mut m = format!("X-Batch-Seq: {i}\n").into_bytes();
        m.extend_from_slice(src);
        bytes += m.len();
        let dir = if i % 2 == 0 { "cur" } else { "new" };
        write(&input.join(format!("Maildir/{dir}/{i}.bench:2,S")), &m);
    }
    println!(
        "generated 10000 messages, {:.1} MB, from {} fixtures",
        bytes as f64 / 1e6,
        sources.len()
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut rates = Vec::new();
    for jobs in [1, cores] {
        let output = t.0.join(format!("out-{jobs}"));
        let started = Instant::now();
        let out = batch(&[&input, &output], &["--jobs", &jobs.to_string()]);
        let wall = started.elapsed().as_secs_f64();
        assert!(
            out.status.code() == Some(0) || out.status.code() == Some(65),
            "{}",
            text(&out.stderr)
        );
        let summary = text(&out.stdout);
        assert_eq!(row(&summary, "messages"), "10000");
        let rate: f64 = row(&summary, "throughput (msgs/s)").parse().unwrap();
        println!("{summary}");
        println!(
            "batch --jobs {jobs}: {rate:.0} msgs/s, {} MB/s (process wall time {wall:.2} s)",
            row(&summary, "throughput (MB/s)")
        );
        rates.push(rate);
    }
    if cores > 1 {
        println!("speed-up with {cores} threads: {:.2}x", rates[1] / rates[0]);
    }
}
