//! Scaling of `transform` (criterion, `Throughput::Bytes`), then a table of the per-byte
//! cost of every case against the small case.
//!
//! - `size`: the Entourage-style invitation (full repair) with a base64 attachment
//!   making the message 3 KB ... 20 MB. `max_message_bytes` is raised to 64 MiB for the
//!   whole series so that the 20 MB point is repaired, not passed through at the limit.
//! - `plain_size`: the plain non-calendar fixture with an attachment, 2 KB ... 10 MB.
//! - `attendees`: 20 ... 20,000 ATTENDEEs (and as many `To:` addresses); 20,000 is over
//!   the default `max_attendees` (10,000) and passes through at the limit, so it is also
//!   measured with `max_attendees`/`max_properties` raised to 40,000.
//! - `pathological`: a 1 MB unfolded DESCRIPTION line, 100,000 folds, 1 MB of dash
//!   lines (the delimiter search's worst case), MIME nesting at
//!   the depth limit (`Limits::DEFAULT.max_mime_depth`) and one past it, 10,000 parts at
//!   the default `max_parts` (1,000: passed through at the limit) and with `max_parts`
//!   raised to 20,000.
//!
//! Run with `cargo bench --bench scaling -- --warm-up-time 1 --measurement-time 3`.
//! The closing table reads criterion's saved estimates, so a filtered run shows the
//! previous run's numbers (or n/a) for the cases it skipped.

mod common;

use common::{Expect, Input};
use criterion::{BenchmarkId, Criterion, Throughput};
use imip_bridge::transform;
use std::hint::black_box;

const SIZES: &[usize] = &[
    3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000, 3_000_000, 10_000_000, 20_000_000,
];
const PLAIN_SIZES: &[usize] = &[2_000, 100_000, 1_000_000, 10_000_000];
const ATTENDEES: &[usize] = &[20, 200, 2_000, 20_000];

fn groups() -> Vec<(&'static str, Vec<Input>)> {
    let raised_parts = common::opts().with_limits(common::limits(|l| l.max_parts = 20_000));
    let raised_attendees = common::opts().with_limits(common::limits(|l| {
        l.max_attendees = 40_000;
        l.max_properties = 40_000;
    }));
    let depth_limit = imip_bridge::Limits::DEFAULT.max_mime_depth;
    vec![
        (
            "size",
            SIZES
                .iter()
                .map(|&n| common::invitation_of_size(n))
                .collect(),
        ),
        (
            "plain_size",
            PLAIN_SIZES
                .iter()
                .map(|&n| common::plain_of_size(n))
                .collect(),
        ),
        (
            "attendees",
            ATTENDEES
                .iter()
                .map(|&n| common::attendees(n))
                .chain([common::attendees_with(
                    20_000,
                    raised_attendees,
                    Expect::Rewritten,
                    "_raised_limit",
                )])
                .collect(),
        ),
        (
            "pathological",
            vec![
                common::long_line(1_000_000),
                common::folds(100_000),
                common::nesting(depth_limit),
                common::nesting(depth_limit + 1),
                common::many_parts(
                    10_000,
                    common::opts(),
                    Expect::Unchanged("limit_exceeded"),
                    "default_limit",
                ),
                common::many_parts(10_000, raised_parts, Expect::Rewritten, "raised_limit"),
                common::dashes(1_000_000),
            ],
        ),
    ]
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let groups = groups();
    for (group_name, inputs) in &groups {
        let mut group = c.benchmark_group(*group_name);
        for input in inputs {
            let outcome = input.check();
            eprintln!(
                "{group_name}/{}: {} bytes, {outcome}: {}",
                input.name,
                input.bytes.len(),
                input.about
            );
            group.throughput(Throughput::Bytes(input.bytes.len() as u64));
            group.sample_size(if input.bytes.len() > 1_000_000 {
                10
            } else {
                30
            });
            group.bench_with_input(
                BenchmarkId::from_parameter(&input.name),
                input,
                |b, input| b.iter(|| transform(black_box(&input.bytes), &input.opts)),
            );
        }
        group.finish();
    }
    c.final_summary();
    summary(&groups);
}

/// Per-byte cost of each case and its ratio to the small case (`size/size_3kb`) and to
/// the first case of its own group.
fn summary(groups: &[(&'static str, Vec<Input>)]) {
    let per_byte = |group: &str, input: &Input| {
        common::criterion_mean_ns(group, &input.name).map(|ns| ns / input.bytes.len() as f64)
    };
    let small = groups
        .first()
        .and_then(|(g, inputs)| inputs.first().and_then(|i| per_byte(g, i)));
    println!();
    println!(
        "Per-byte cost (criterion mean), ratio to size/size_3kb and to the group's first case"
    );
    println!(
        "| {:<38} | {:>11} | {:>10} | {:>9} | {:>9} | {:>10} |",
        "case", "bytes", "time", "ns/byte", "MB/s", "ratio small / group"
    );
    println!(
        "|{:-<40}|{:->13}|{:->12}|{:->11}|{:->11}|{:->22}|",
        "", "", "", "", "", ""
    );
    for (group, inputs) in groups {
        let first = inputs.first().and_then(|i| per_byte(group, i));
        for input in inputs {
            let id = format!("{group}/{}", input.name);
            let Some(ns) = common::criterion_mean_ns(group, &input.name) else {
                println!(
                    "| {id:<38} | {:>11} | {:>10} | n/a |",
                    input.bytes.len(),
                    ""
                );
                continue;
            };
            let nspb = ns / input.bytes.len() as f64;
            let ratio =
                |base: Option<f64>| base.map_or("n/a".to_owned(), |b| format!("{:.2}", nspb / b));
            println!(
                "| {id:<38} | {:>11} | {:>10} | {:>9.3} | {:>9.1} | {:>9} / {:>8} |",
                input.bytes.len(),
                fmt_time(ns),
                nspb,
                1e3 / nspb,
                ratio(small),
                ratio(first),
            );
        }
    }
}

fn fmt_time(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}
