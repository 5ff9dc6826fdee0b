//! Frame cost of the real editor, headless: the app's ui pass plus tessellation, with a
//! transcript made by repeating the seed panel's turns (or synthetic turns of similar length
//! when the seed transcript cannot be read).

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use egui::{Event, Pos2, RawInput, Rect, vec2};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use turnfix::app::{App, AppOptions};
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

    let mut g = c.benchmark_group("keystroke");
    g.sample_size(40);
    {
        let n = 10_000;
        let (_dir, path) = fixture(n);
        let mut rig = Rig::new(&path);
        let id = rig.app.document().turns[n / 2].id;
        rig.app.focus_turn(id, Some(0));
        rig.settle();
        g.bench_function(format!("{n}_turns"), |b| b.iter(|| rig.frame(vec![Event::Text("a".into())])));
        assert!(rig.app.document().turns[n / 2].text.starts_with('a'), "keystrokes reached the focused turn");
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
