//! `cargo bench --bench assist`: the correction assistant's text checks on a 10,000-turn
//! transcript made by repeating the seed panel's turns (a stand-in conversation when ../shared
//! is absent): the whole check, and re-checking after one edit (an edit in the middle turn,
//! then the whole check again, as the editor does after every change).
//!
//! That transcript repeats the seed's long answers (209 words a turn on average, 2.1 million
//! words in all, ~230 hours of speech at 150 words a minute): a stress input.
//! `check/10000_turns_spoken` is 10,000 turns whose words fit their times: the seed's text cut
//! into turns of 3 to 40 words (17.5 on average: 7 s at 2.5 words a second, the turns being 7 s
//! apart), each keeping the speaker of the turn its words came from.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use turnfix::assist::{self, Context};
use turnfix::edit::Edit;
use turnfix::model::{Transcript, TranscriptBuilder};

const TURNS: usize = 10_000;

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
                "So I think that is a fair point, Speaker 2, and we should come back to it later. ".repeat(1 + i % 7),
            )
        })
        .collect()
}

fn transcript(n: usize) -> Transcript {
    let seed = seed_turns();
    let mut b = TranscriptBuilder::new();
    for i in 0..n {
        let (name, text) = &seed[i % seed.len()];
        b.push(Some(name), Some(i as u64 * 7_000), None, text);
    }
    b.finish()
}

/// 10,000 turns whose words fit their 7 s: the seed's words in chunks of 3–40 (17.5 on average).
fn spoken_transcript(n: usize) -> Transcript {
    const LENGTHS: [usize; 8] = [3, 8, 17, 30, 12, 25, 40, 5];
    let seed = seed_turns();
    let words: Vec<(&str, &str)> =
        seed.iter().flat_map(|(name, text)| text.split_whitespace().map(move |w| (name.as_str(), w))).collect();
    let mut b = TranscriptBuilder::new();
    let mut at = 0;
    for i in 0..n {
        let len = LENGTHS[i % LENGTHS.len()];
        let chunk: Vec<&str> = (0..len).map(|k| words[(at + k) % words.len()].1).collect();
        b.push(Some(words[at % words.len()].0), Some(i as u64 * 7_000), None, &chunk.join(" "));
        at += len;
    }
    b.finish()
}

fn bench(c: &mut Criterion) {
    let mut doc = transcript(TURNS);
    let cx = Context::default();
    let n = assist::check(&doc, &cx).len();
    eprintln!("{TURNS} turns: {n} findings");
    let mut g = c.benchmark_group("assist");
    g.bench_function("check/10000_turns", |b| b.iter(|| black_box(assist::check(black_box(&doc), &cx))));
    let spoken = spoken_transcript(TURNS);
    let words: usize = spoken.turns.iter().map(|t| t.text.split_whitespace().count()).sum();
    eprintln!("{TURNS} spoken turns ({words} words): {} findings", assist::check(&spoken, &cx).len());
    g.bench_function("check/10000_turns_spoken", |b| b.iter(|| black_box(assist::check(black_box(&spoken), &cx))));
    let mid = doc.turns[TURNS / 2].id;
    let texts = [doc.turns[TURNS / 2].text.clone(), format!("{} And one more thing", doc.turns[TURNS / 2].text)];
    let mut k = 0;
    g.bench_function("recheck_after_edit/10000_turns", |b| {
        b.iter(|| {
            k ^= 1;
            Edit::SetText { turn: mid, text: texts[k].clone() }.apply(&mut doc).unwrap();
            black_box(assist::check(&doc, &cx))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
