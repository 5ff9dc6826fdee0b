//! `cargo bench --bench formats`: reading otter TXT, writing and reading Turnfix JSON, on a
//! 10,000-turn transcript made by repeating the seed panel's turns.
//!
//! The read benchmarks time producing the document (`iter_with_large_drop`): freeing it
//! afterwards is not part of reading.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use turnfix::formats::{self, Format};
use turnfix::model::format_otter_time;

const TURNS: usize = 10_000;

/// (speaker, text) pairs of the seed panel, from the raw otter TXT export in ../shared, or a
/// stand-in conversation of similar shape when ../shared is absent.
fn seed_turns() -> Vec<(String, String)> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/synthetic/seed-panel_otter_ai.txt");
    if let Ok(text) = std::fs::read_to_string(&p) {
        let mut out = Vec::new();
        for block in text.split("\n\n") {
            let mut lines = block.lines();
            let (Some(header), Some(body)) = (lines.next(), lines.next()) else { continue };
            let Some((name, _)) = header.trim_end().rsplit_once("  ") else { continue };
            out.push((name.to_string(), body.to_string()));
        }
        if !out.is_empty() {
            return out;
        }
    }
    eprintln!("../shared is absent: benchmarking a stand-in conversation");
    (0..47)
        .map(|i| {
            (
                format!("Speaker {}", i % 5 + 1),
                "So I think that is a fair point, and we should come back to it later. ".repeat(1 + i % 7),
            )
        })
        .collect()
}

/// An otter TXT export with `n` turns, times advancing 7 s per turn (crossing one hour).
pub fn otter_txt(n: usize) -> String {
    let seed = seed_turns();
    let mut s = String::new();
    for i in 0..n {
        let (name, text) = &seed[i % seed.len()];
        s.push_str(&format!("{name}  {}  \n{text}\n\n", format_otter_time(i as u64 * 7_000)));
    }
    s.push_str("Transcribed by https://otter.ai\n");
    s
}

fn bench(c: &mut Criterion) {
    let txt = otter_txt(TURNS);
    let doc = formats::read_bytes(txt.as_bytes(), "bench.txt", None).expect("bench input reads").doc;
    assert_eq!(doc.turns.len(), TURNS);
    let json = formats::json::to_string(&doc);

    let mut g = c.benchmark_group("read_otter_txt");
    g.throughput(Throughput::Bytes(txt.len() as u64));
    g.bench_function("10000_turns", |b| {
        b.iter_with_large_drop(|| {
            formats::read_bytes(black_box(txt.as_bytes()), "bench.txt", Some(Format::OtterTxt)).unwrap()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("write_json");
    g.throughput(Throughput::Bytes(json.len() as u64));
    g.bench_function("10000_turns", |b| b.iter(|| formats::json::to_string(black_box(&doc))));
    g.finish();

    let mut g = c.benchmark_group("read_json");
    g.throughput(Throughput::Bytes(json.len() as u64));
    g.bench_function("10000_turns", |b| {
        b.iter_with_large_drop(|| {
            formats::read_bytes(black_box(json.as_bytes()), "bench.json", Some(Format::Json)).unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
