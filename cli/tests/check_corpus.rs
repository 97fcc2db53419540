//! `imip-bridge check --json` on every file of the shared corpus (`../shared/corpus`,
//! skipped when absent): it never panics, exits 0 (clean) or 1 (would change, or
//! violations remain), and prints a JSON report. Prints the most frequent violation
//! codes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn check_runs_on_every_corpus_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if !dir.is_dir() {
        eprintln!("skipped: {} not present", dir.display());
        return;
    }
    let mut all = Vec::new();
    files(&dir, &mut all);
    all.sort();
    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    let mut exits: BTreeMap<i32, usize> = BTreeMap::new();
    for path in &all {
        let out = Command::new(env!("CARGO_BIN_EXE_imip-bridge"))
            .args(["check", "--json", "--now", "2026-11-27T12:00:00Z"])
            .arg(path)
            .output()
            .unwrap();
        let code = out.status.code().unwrap_or(-1);
        assert!(
            code == 0 || code == 1,
            "{}: exit {code}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        *exits.entry(code).or_default() += 1;
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
        for v in report["violations"].as_array().into_iter().flatten() {
            let c = v["code"].as_str().unwrap_or("?").to_owned();
            *codes.entry(c).or_default() += 1;
        }
    }
    let mut by_count: Vec<(String, usize)> = codes.into_iter().collect();
    by_count.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    eprintln!(
        "{} files; exit codes {exits:?}; most frequent violations:",
        all.len()
    );
    for (c, n) in by_count.iter().take(10) {
        eprintln!("{n:6} {c}");
    }
    assert!(all.len() > 100);
}
