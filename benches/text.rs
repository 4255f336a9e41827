//! Throughput of the pure-Rust text stages, in MB/s of article text:
//! `cargo bench --bench text`. The input is the five seed articles, repeated.

use std::hint::black_box;

use _native::text::segment;
use _native::{discover, find_mentions, ActorSpec, Matcher};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn seeds() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut files: Vec<_> = std::fs::read_dir(&dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    files.sort();
    files.iter().filter_map(|p| std::fs::read_to_string(p).ok()).collect::<Vec<_>>().join("\n\n")
}

fn bench(c: &mut Criterion) {
    let text = seeds();
    let doc = segment(&text);
    let given = vec![
        ActorSpec::given("United States", ["US", "U.S.", "Washington", "Trump administration"]),
        ActorSpec::given("Venezuela", ["Venezuelan", "Caracas"]),
        ActorSpec::given("Delcy Rodríguez", ["Rodríguez", "Delcy Rodriguez"]),
        ActorSpec::given("Marco Rubio", ["Rubio"]),
    ];
    let matcher = Matcher::new(&given);
    let mut group = c.benchmark_group("text");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("segment", |b| b.iter(|| segment(black_box(&text))));
    group.bench_function("match_given_actors", |b| b.iter(|| find_mentions(black_box(&doc.sentences), &matcher)));
    group.bench_function("discover_and_match", |b| {
        b.iter(|| {
            let actors = discover(black_box(&doc.sentences));
            find_mentions(&doc.sentences, &Matcher::new(&actors))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
