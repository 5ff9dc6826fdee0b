//! Frame cost of the real editor, headless: the app's ui pass plus tessellation, with a
//! transcript made by repeating the seed panel's turns (or synthetic turns of similar length
//! when the seed transcript cannot be read). `frame_during_voice_analysis` is the same frame
//! while the voice analysis loops on other threads.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use egui::{Event, Pos2, RawInput, Rect, vec2};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use turnfix::app::{App, AppOptions};
use turnfix::audio::voice::{AnalyzeOptions, TurnSpan, VoiceEncoder, analyze_samples};
use turnfix::model::{Transcript, TranscriptBuilder};

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/seed-panel/transcript.txt");

/// (speaker, start, text) of the seed panel, or a synthetic stand-in.
fn seed_turns() -> Vec<(String, u64, String)> {
    if let Ok(import) = turnfix::formats::read_path(Path::new(SEED), None)
        && import.doc.turns.len() >= 10
    {
        let d = &import.doc;
        return d.turns.iter().map(|t| (d.speaker_name(t.speaker).to_string(), t.start_ms, t.text.clone())).collect();
    }
    // Similar lengths to a panel discussion: short interjections to long answers.
    let words =
        "so the thing about the budget is that we never really planned for the second phase and everyone knew it";
    (0..200u64)
        .map(|i| {
            let n = [4, 12, 30, 60, 110, 25, 8, 45][i as usize % 8];
            let text: Vec<&str> = words.split(' ').cycle().take(n).collect();
            (format!("Speaker {}", i % 4 + 1), i * 15_000, text.join(" "))
        })
        .collect()
}

fn transcript(n: usize) -> Transcript {
    let seed = seed_turns();
    let span = seed.last().map_or(1, |t| t.1) + 10_000;
    let mut b = TranscriptBuilder::new();
    for i in 0..n {
        let (name, start, text) = &seed[i % seed.len()];
        let round = (i / seed.len()) as u64;
        b.push(Some(name), Some(round * span + start), None, text);
    }
    b.finish()
}

struct Rig {
    ctx: egui::Context,
    app: App,
    time: f64,
}

impl Rig {
    fn new(path: &Path) -> Rig {
        let ctx = egui::Context::default();
        let mut app = App::new(&ctx, AppOptions::headless());
        app.open_sync(path).expect("open");
        let mut rig = Rig { ctx, app, time: 0.0 };
        rig.frame(Vec::new());
        rig
    }

    fn frame(&mut self, events: Vec<Event>) -> usize {
        self.time += 1.0 / 60.0;
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1400.0, 900.0))),
            time: Some(self.time),
            events,
            ..Default::default()
        };
        let app = &mut self.app;
        let mut out = self.ctx.run_ui(input, |ui| app.ui_root(ui));
        // No renderer: the font atlas updates are dropped on purpose.
        out.textures_delta.clear();
        let prims = self.ctx.tessellate(out.shapes, out.pixels_per_point);
        black_box(prims.len())
    }

    /// Run frames until the list's height cache has settled.
    fn settle(&mut self) {
        for _ in 0..8 {
            self.frame(Vec::new());
        }
    }
}

/// The voice analysis looping on a background thread: 60 s of a noisy tone cut into ten 6 s
/// turns (speech spans given, so every partial is embedded), until stopped.
struct VoiceLoad {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<usize>,
}

impl VoiceLoad {
    fn start() -> VoiceLoad {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut enc = VoiceEncoder::bundled().expect("bundled voice model");
            let rate = 16_000usize;
            let mut seed = 1u32;
            let wav: Vec<f32> = (0..60 * rate)
                .map(|i| {
                    seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    let noise = (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5;
                    0.3 * (i as f32 * 0.05).sin() + 0.1 * noise
                })
                .collect();
            let turns: Vec<TurnSpan> = (0..10u64)
                .map(|i| TurnSpan {
                    start_ms: i * 6000,
                    end_ms: i * 6000 + 6000,
                    speech: Some(vec![(i * 6000, i * 6000 + 6000)]),
                })
                .collect();
            let mut passes = 0;
            loop {
                analyze_samples(&mut enc, &wav, &turns, &AnalyzeOptions::default(), |t| {
                    black_box(t);
                });
                passes += 1;
                if flag.load(Ordering::Relaxed) {
                    return passes;
                }
            }
        });
        VoiceLoad { stop, thread }
    }

    /// Stops the loop; returns how many whole passes it made.
    fn stop(self) -> usize {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().expect("voice load thread")
    }
}

fn fixture(n: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("t{n}.json"));
    turnfix::session::save_json(&transcript(n), &path).unwrap();
    (dir, path)
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("frame");
    g.sample_size(40);
    for n in [100usize, 1_000, 10_000] {
        let (_dir, path) = fixture(n);
        let mut rig = Rig::new(&path);
        rig.app.scroll_to_index(n / 2);
        rig.settle();
        g.bench_function(format!("{n}_turns"), |b| b.iter(|| rig.frame(Vec::new())));
    }
    g.finish();

    // The same frame while the voice analysis runs beside it, as the editor runs it after a
    // recording opens (its encoder uses both cores of this machine). Only under `cargo bench`:
    // a pass of the unoptimised encoder would cost seconds under `cargo test`.
    let benching = std::env::args().any(|a| a == "--bench");
    let mut g = c.benchmark_group("frame_during_voice_analysis");
    g.sample_size(40);
    if benching {
        let n = 10_000;
        let (_dir, path) = fixture(n);
        let mut rig = Rig::new(&path);
        rig.app.scroll_to_index(n / 2);
        rig.settle();
        let load = VoiceLoad::start();
        let mut frames = 0usize;
        g.bench_function(format!("{n}_turns"), |b| {
            b.iter(|| {
                frames += 1;
                rig.frame(Vec::new())
            })
        });
        let passes = load.stop();
        // A name filter that skips this bench measures no frame while the load runs.
        if frames > 0 {
            assert!(passes > 0, "the voice analysis ran during the measurement");
        }
    }
    g.finish();

    let mut g = c.benchmark_group("keystroke");
    g.sample_size(40);
    {
        let n = 10_000;
        let (_dir, path) = fixture(n);
        let mut rig = Rig::new(&path);
        let id = rig.app.document().turns[n / 2].id;
        rig.app.focus_turn(id, Some(0));
        rig.settle();
        let mut typed = 0usize;
        g.bench_function(format!("{n}_turns"), |b| {
            b.iter(|| {
                typed += 1;
                rig.frame(vec![Event::Text("a".into())])
            })
        });
        // A name filter that skips this bench types nothing: check only what was typed.
        if typed > 0 {
            assert!(rig.app.document().turns[n / 2].text.starts_with('a'), "keystrokes reached the focused turn");
        }
    }
    g.finish();

    let mut g = c.benchmark_group("open");
    g.sample_size(10);
    {
        let n = 10_000;
        let (_dir, path) = fixture(n);
        g.bench_function(format!("{n}_turns"), |b| {
            b.iter_batched(|| (), |_| black_box(Rig::new(&path).app.document().turns.len()), BatchSize::PerIteration)
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
