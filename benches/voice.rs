//! Voice analysis benchmarks (release: `cargo bench --bench voice`). A bench binary, not
//! criterion: one whole-recording pass takes seconds, so it is run a few times and the median
//! printed.
//!
//! - `voice/seed_72min`: `analyze_recording` over the 72-minute seed recording (MP3) with the
//!   default cap, its 47 turns from ground-truth.json (windows from each timestamp to the next,
//!   speech found by the energy gate): wall time (median of 3), the time to the first turn's
//!   result, and the growth of the peak resident set over the resident set before the pass
//!   (VmHWM reset through /proc/self/clear_refs).
//! - `voice/decode_only`: the bare decode of the same file, for scale.
//! - `voice/partials/bN`: LSTM time per 1.6 s partial at batch sizes 1, 4, 8, 16, 32.
//! - `voice/editor_pass_seed_72min`: what the editor runs when the seed recording opens: the
//!   player's peaks worker's one pass (`feed::listen`: peaks, speech activity and the 47 turns'
//!   voices from one decode, each voice pushed into a `VoiceFeed`): wall time and time to the
//!   first voice (medians of 3), and the growth of the peak resident set in the first pass of
//!   the process (later passes reuse what the allocator kept); `/no_voices`, the same pass
//!   without voices, for its time.
//! - `voice/10000_turns`: 10,000 synthetic 6 s turns over the seed recording (its first 60 000 s
//!   wrap around), to show that the cap bounds the work: wall time.
//!
//! A name after `--bench` runs only the benches whose name holds it
//! (`cargo bench --bench voice -- editor_pass`).

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use serde_json::Value;
use turnfix::audio::voice::feed::{self, FeedPhase, VoiceFeed};
use turnfix::audio::voice::lstm::{Encoder, PARTIAL_FRAMES};
use turnfix::audio::voice::{AnalyzeOptions, TurnSpan, VoiceEncoder, analyze_recording};
use turnfix::audio::{analysis, decode};

#[path = "../tests/common/shared.rs"]
mod shared;

fn status_kib(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn seed_turns(dir: &Path) -> Vec<TurnSpan> {
    let gt: Value = serde_json::from_slice(&std::fs::read(dir.join("ground-truth.json")).unwrap()).unwrap();
    let t = gt["turns"].as_array().unwrap();
    let dur = gt["duration_ms"].as_u64().unwrap();
    (0..t.len())
        .map(|i| {
            let s = t[i]["start_ms"].as_u64().unwrap();
            let e = t.get(i + 1).map_or(dur, |n| n["start_ms"].as_u64().unwrap()).max(s);
            TurnSpan { start_ms: s, end_ms: e, speech: None }
        })
        .collect()
}

fn bench_partials() {
    let enc = Encoder::bundled().unwrap();
    let mels: Vec<f32> = (0..32 * PARTIAL_FRAMES * 40).map(|i| ((i % 97) as f32 * 0.37).sin().abs() * 0.01).collect();
    for b in [1usize, 4, 8, 16, 32] {
        let reps = (64 / b).max(2);
        let mut times = Vec::new();
        for _ in 0..3 {
            let t0 = Instant::now();
            for _ in 0..reps {
                std::hint::black_box(enc.embed_partials(&mels[..b * PARTIAL_FRAMES * 40], b, PARTIAL_FRAMES));
            }
            times.push(t0.elapsed().as_secs_f64() / (reps * b) as f64);
        }
        println!("voice/partials/b{b:<2}  {:.2} ms per partial (median of 3)", median(times) * 1e3);
    }
}

/// The editor's pass over the seed recording, as the player's peaks worker runs it.
fn bench_editor_pass(rec: &Path, turns: &[TurnSpan]) {
    let (mut times, mut first, mut growth) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..3 {
        reset_peak();
        let before = status_kib("VmRSS:").unwrap_or(0);
        let t0 = Instant::now();
        let source = decode::open(rec).unwrap().source();
        let voices = VoiceFeed::new();
        let spans = turns.to_vec();
        let job = voices.job(move |_| spans);
        // The UI thread's side: take the voices as they come, as the editor does each frame.
        let (taken, first_at) = std::thread::scope(|sc| {
            let reader = sc.spawn(|| {
                let (mut n, mut first_at) = (0usize, None);
                while voices.is_open() || n < turns.len() {
                    let got = voices.take();
                    if !got.is_empty() {
                        first_at.get_or_insert(t0.elapsed().as_secs_f64());
                    }
                    n += got.len();
                    if matches!(voices.phase(), FeedPhase::Finished | FeedPhase::Failed(_) | FeedPhase::Stopped)
                        && got.is_empty()
                    {
                        break;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(16));
                }
                (n, first_at)
            });
            let an = feed::listen(&source, None, job, &AtomicBool::new(false), |_| {}, &|| {}).unwrap();
            assert!(!an.speech.map().is_empty(), "the pass found the speech");
            reader.join().unwrap()
        });
        times.push(t0.elapsed().as_secs_f64());
        first.push(first_at.unwrap_or(f64::NAN));
        growth.push(status_kib("VmHWM:").unwrap_or(0).saturating_sub(before) as f64 / 1024.0);
        assert_eq!(voices.phase(), FeedPhase::Finished);
        assert_eq!(taken, turns.len(), "every turn's voice reached the feed");
    }
    println!(
        "voice/editor_pass_seed_72min  {:.2} s (median of 3; first voice after {:.2} s), peak memory growth {:.1} MiB in the first pass (later passes reuse what the allocator kept: {:.1} MiB)",
        median(times),
        median(first),
        growth[0],
        median(growth[1..].to_vec())
    );
    // For scale: the same pass with no voices (a declined job), as the editor runs it on a
    // recording opened without a transcript's turns. Its time only: run after the voices, its
    // memory growth would count what the allocator kept as free.
    let mut plain_t = Vec::new();
    for _ in 0..3 {
        let t0 = Instant::now();
        let source = decode::open(rec).unwrap().source();
        let an = analysis::compute_source(&source, &AtomicBool::new(false), |_| {}).unwrap();
        std::hint::black_box(an);
        plain_t.push(t0.elapsed().as_secs_f64());
    }
    println!("voice/editor_pass_seed_72min/no_voices  {:.2} s (median of 3)", median(plain_t));
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    // `cargo bench` passes --bench; under `cargo test --all-targets` (a debug build) only check
    // that the bundled encoder embeds one partial, as criterion's benches run once there.
    if !std::env::args().any(|a| a == "--bench") {
        let enc = Encoder::bundled().unwrap();
        let e = enc.embed_partials(&vec![0.01f32; PARTIAL_FRAMES * 40], 1, PARTIAL_FRAMES);
        assert!(e.iter().all(|v| v.is_finite()), "the encoder gave a non-finite embedding");
        println!("voice bench: smoke run (use `cargo bench --bench voice` for the figures)");
        return;
    }
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--")).unwrap_or_default();
    let runs = |name: &str| name.contains(filter.as_str());
    let Some(dir) = shared::shared("fixtures/seed-panel") else { return };
    let rec = dir.join("recording.mp3");
    let turns = seed_turns(&dir);
    // First, so that its first pass grows a process that has not run the encoder yet.
    if runs("voice/editor_pass_seed_72min") {
        bench_editor_pass(&rec, &turns);
    }
    if runs("voice/partials") {
        bench_partials();
    }
    if !runs("voice/seed_72min") && !runs("voice/10000_turns") {
        return;
    }

    let t0 = Instant::now();
    let mut s = decode::open(&rec).unwrap();
    let mut buf = Vec::new();
    while s.next_chunk(&mut buf).unwrap().is_some() {}
    println!("voice/decode_only   {:.2} s", t0.elapsed().as_secs_f64());

    let mut times = Vec::new();
    let mut first = Vec::new();
    let mut growth = Vec::new();
    for _ in 0..3 {
        reset_peak();
        let before = status_kib("VmRSS:").unwrap_or(0);
        let t0 = Instant::now();
        let mut enc = VoiceEncoder::bundled().unwrap();
        let mut first_at = None;
        let mut n = 0;
        analyze_recording(
            &mut enc,
            &rec,
            &turns,
            &AnalyzeOptions::default(),
            &AtomicBool::new(false),
            |_| {},
            |_| {
                first_at.get_or_insert(t0.elapsed().as_secs_f64());
                n += 1;
            },
        )
        .unwrap();
        times.push(t0.elapsed().as_secs_f64());
        first.push(first_at.unwrap_or(0.0));
        growth.push(status_kib("VmHWM:").unwrap_or(0).saturating_sub(before) as f64 / 1024.0);
        assert_eq!(n, turns.len());
    }
    println!(
        "voice/seed_72min    {:.2} s (median of 3; first turn after {:.2} s), peak memory growth {:.1} MiB",
        median(times),
        median(first),
        median(growth)
    );

    // 10,000 turns of 6 s, back to back over the recording, wrapping around.
    let dur = 4_320_000u64;
    let many: Vec<TurnSpan> = (0..10_000u64)
        .map(|i| {
            let s = (i * 6500) % (dur - 7000);
            TurnSpan { start_ms: s, end_ms: s + 6000, speech: None }
        })
        .collect();
    let mut sorted = many.clone();
    sorted.sort_by_key(|t| t.start_ms);
    let t0 = Instant::now();
    let mut enc = VoiceEncoder::bundled().unwrap();
    let mut n = 0;
    analyze_recording(&mut enc, &rec, &sorted, &AnalyzeOptions::default(), &AtomicBool::new(false), |_| {}, |_| n += 1)
        .unwrap();
    println!("voice/10000_turns   {:.1} s for {n} turns of 6 s", t0.elapsed().as_secs_f64());
}
