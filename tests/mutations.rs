//! Deterministic mutations of every fixture (byte flips, deletions, duplicated and
//! swapped lines, truncation, line-end changes): `transform` must not panic or fail
//! without `strict`, an unchanged outcome must return the input byte for byte, and a
//! rewritten output must be a fixed point. A cheap stand-in for the fuzz targets that
//! runs on stable in every test run. `IMIP_MUTATION_SEED` and `IMIP_MUTATION_ROUNDS`
//! (default 400 rounds) widen the sweep: `IMIP_MUTATION_ROUNDS=20000 cargo test --release
//! --test mutations`.

mod common;

use common::{fixture_inputs, options};
use imip_bridge::{transform, Disposition};
use std::panic::{catch_unwind, AssertUnwindSafe};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(input: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = input.to_vec();
    for _ in 0..=rng.below(3) {
        let len = b.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                b[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                let n = rng.below(16).min(len - i);
                b.drain(i..i + n);
            }
            2 => {
                let lines: Vec<&[u8]> = b.split_inclusive(|&c| c == b'\n').collect();
                let i = rng.below(lines.len());
                let mut out = Vec::with_capacity(len * 2);
                for (j, l) in lines.iter().enumerate() {
                    out.extend_from_slice(l);
                    if j == i {
                        out.extend_from_slice(l);
                    }
                }
                b = out;
            }
            3 => {
                let mut lines: Vec<Vec<u8>> = b
                    .split_inclusive(|&c| c == b'\n')
                    .map(<[u8]>::to_vec)
                    .collect();
                if lines.len() > 2 {
                    let i = rng.below(lines.len());
                    let j = rng.below(lines.len());
                    lines.swap(i, j);
                }
                b = lines.concat();
            }
            4 if len > 0 => b.truncate(rng.below(len)),
            5 => {
                let specials: &[&[u8]] = &[
                    b"\r", b"\n ", b"\xC3", b":", b";", b"\"", b"=", b"--", b"\\",
                ];
                let s = specials[rng.below(specials.len())];
                let i = rng.below(len + 1);
                b.splice(i..i, s.iter().copied());
            }
            _ => {
                b = b
                    .iter()
                    .flat_map(|&c| if c == b'\n' { vec![b'\r'] } else { vec![c] })
                    .collect();
            }
        }
    }
    b
}

#[test]
fn mutated_fixtures_never_panic_and_reach_a_fixed_point() {
    let inputs: Vec<Vec<u8>> = fixture_inputs()
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert!(!inputs.is_empty());
    // IMIP_MUTATION_SEED / IMIP_MUTATION_ROUNDS widen the sweep locally.
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let mut rng = Rng(env("IMIP_MUTATION_SEED").unwrap_or(0x9E37_79B9_7F4A_7C15) | 1);
    let rounds = env("IMIP_MUTATION_ROUNDS").unwrap_or(400);
    let mut failures = Vec::new();
    let (mut rewritten, mut total) = (0, 0);
    for round in 0..rounds {
        for (k, input) in inputs.iter().enumerate() {
            total += 1;
            let m = mutate(input, &mut rng);
            let outcome = match catch_unwind(AssertUnwindSafe(|| transform(&m, &options()))) {
                Ok(Ok(o)) => o,
                Ok(Err(e)) => {
                    failures.push(format!("round {round} fixture {k}: error {e}"));
                    continue;
                }
                Err(_) => {
                    failures.push(format!("round {round} fixture {k}: panic"));
                    continue;
                }
            };
            if !imip_bridge::_internal::prescan_agrees(&m) {
                if let Ok(d) = std::env::var("IMIP_MUTATION_DUMP") {
                    let _ = std::fs::write(format!("{d}/prescan_{round}_{k}.eml"), &m);
                }
                failures.push(format!(
                    "round {round} fixture {k}: the pre-scan misses a calendar"
                ));
            }
            if outcome.disposition == Disposition::Unchanged {
                if outcome.message != m {
                    failures.push(format!(
                        "round {round} fixture {k}: unchanged but different"
                    ));
                }
                continue;
            }
            rewritten += 1;
            match catch_unwind(AssertUnwindSafe(|| transform(&outcome.message, &options()))) {
                Ok(Ok(again)) if again.message == outcome.message => {}
                Ok(Ok(again)) => failures.push(format!(
                    "round {round} fixture {k}: not a fixed point: {:?} {:?}",
                    again.report.fixes, again.report.warnings
                )),
                _ => failures.push(format!("round {round} fixture {k}: second pass failed")),
            }
        }
    }
    eprintln!("{total} mutants, {rewritten} rewritten");
    assert!(
        rewritten > total / 8,
        "mutations too destructive: {rewritten}/{total}"
    );
    assert!(
        failures.is_empty(),
        "{} failures, first: {:?}",
        failures.len(),
        &failures[..failures.len().min(10)]
    );
}
