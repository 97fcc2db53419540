//! Fuzz targets for imip-bridge. The assertions live in [`checks`], which
//! `tests/fuzz_replay.rs` in the main crate also compiles, so that the stable test
//! suite replays `fuzz/corpus/*` and `fuzz/artifacts/*` through the same checks.

pub mod checks;

use std::path::{Path, PathBuf};

/// Every regular file under `path` (or `path` itself), sorted.
pub fn files_under(path: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if path.is_dir() {
        if let Ok(entries) = std::fs::read_dir(path) {
            for e in entries.flatten() {
                out.extend(files_under(&e.path()));
            }
        }
    } else if path.is_file() {
        out.push(path.to_owned());
    }
    out.sort();
    out
}

/// `main` of a target binary built without libFuzzer: runs every file or directory
/// given on the command line through the target's checks. Returns the exit code.
pub fn replay_main(target: &str) -> i32 {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        eprintln!(
            "usage: {target} FILE_OR_DIR...   (replays inputs through the `{target}` checks)"
        );
        return 2;
    }
    let mut n = 0usize;
    for arg in &args {
        for file in files_under(Path::new(arg)) {
            let Ok(data) = std::fs::read(&file) else {
                eprintln!("cannot read {}", file.display());
                return 1;
            };
            eprintln!("{target}: {}", file.display());
            checks::run_target(target, &data);
            n += 1;
        }
    }
    println!("{target}: {n} input(s) passed");
    0
}
