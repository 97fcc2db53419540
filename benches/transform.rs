//! Throughput of `transform` on the bundled fixtures: an Entourage v.X invitation that
//! needs full repair, an Exchange 2010 invitation that is already canonical (pass-through
//! decision), and a plain non-calendar message. Run with `cargo bench --bench transform`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use imip_bridge::{transform, Options};
use std::hint::black_box;
use std::path::Path;

fn fixture(rel: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn bench(c: &mut Criterion) {
    let opts = Options::new().with_now("2026-01-01T00:00:00Z".parse().unwrap());
    let cases = [
        (
            "entourage_vx_repair",
            fixture("entourage/vx_request_attachment.eml"),
        ),
        (
            "thunderbird_duplicate",
            fixture("thunderbird/request_duplicate_ics.eml"),
        ),
        (
            "exchange2010_canonical",
            fixture("outlook/exchange2010_request.eml"),
        ),
        ("plain_no_calendar", fixture("plain/no_calendar.eml")),
    ];
    let mut group = c.benchmark_group("transform");
    for (name, input) in &cases {
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), input, |b, input| {
            b.iter(|| transform(black_box(input), &opts))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
