//! Audio engine benchmarks on the 72-minute seed recording (skipped when absent), and on a
//! 60-minute stereo 44.1 kHz 128 kbps MP3 made from it with ffmpeg (skipped when ffmpeg is
//! absent; made once, cached in `target/turnfix-bench/`).
//!
//! - `seek/mp3_65min`, `seek/m4a_65min`: seek command → first sample at 65:00 leaving the source,
//!   arriving from another point of the file, through the player the editor uses.
//! - `seek/mp3_60min_stereo`: the same at 55:00 in the 60-minute stereo MP3.
//! - `seek/vorbis_webm_60min`: the same at 55:00 in that hour as Vorbis in WebM (made once too).
//! - `open/vorbis_webm_60min`: opening it (probe and the packet index's walk of its blocks).
//! - `seek_ui/mp3`: the caller's time for one `Player::seek`.
//! - `whole/decode/<file>`: a bare single-threaded decode of the whole file.
//! - `whole/peaks/<file>`: the waveform peaks of the whole file (no cache).
//! - `whole/peaks_speech/<file>`: the one pass: peaks plus speech activity (earshot, gated in
//!   long near-silence), no cache.
//! - `whole/peaks_speech_ungated/<file>`: the same with earshot on every frame (what the gate
//!   saves).
//! - `vad/frame/ours`, `vad/frame/earshot`: one 16 ms frame of speech through our run of
//!   earshot's network (`audio::vad_net`) and through the earshot crate itself (per frame, the
//!   detectors warmed on the frames before it; 1,000 frames of libri-conv-a a batch).
//! - `peaks_cache/reopen`: reading the 72-minute recording's peaks back from the disk cache.
//! - `analysis_cache/reopen`: reading its peaks and speech activity back from the disk cache.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use turnfix::audio::peaks::NoListener;
use turnfix::audio::probe::{timed_seek, wait_ready};
use turnfix::audio::{Player, SourceTap, analysis, decode, peaks};

#[path = "../tests/common/shared.rs"]
mod shared;

fn seed(name: &str) -> Option<PathBuf> {
    shared::shared(&format!("fixtures/seed-panel/{name}"))
}

/// The 60-minute stereo 44.1 kHz 128 kbps MP3, made from the seed recording by ffmpeg once and
/// kept in the target dir. None (with a message) without ffmpeg or the seed.
fn stereo_60min() -> Option<PathBuf> {
    made("mp3_60min_stereo.mp3", &["-t", "3600", "-ac", "2", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "128k"])
}

/// The same hour as Vorbis in WebM (stereo 48 kHz, quality 4: a browser recording's).
fn vorbis_60min() -> Option<PathBuf> {
    made("vorbis_60min.webm", &["-t", "3600", "-ac", "2", "-ar", "48000", "-c:a", "libvorbis", "-q:a", "4"])
}

/// `name` made from the seed recording by ffmpeg with `args`, once, kept in the target dir.
fn made(name: &str, args: &[&str]) -> Option<PathBuf> {
    let src = seed("recording.mp3")?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("turnfix-bench");
    let out = dir.join(name);
    if out.exists() {
        return Some(out);
    }
    if Command::new("ffmpeg").arg("-version").output().is_err() {
        eprintln!("ffmpeg not installed: skipping the {name} benchmarks");
        return None;
    }
    std::fs::create_dir_all(&dir).ok()?;
    let tmp = dir.join(format!("{}.part.{name}", std::process::id()));
    eprintln!("making {} with ffmpeg (once)", out.display());
    let ok = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-i"])
        .arg(&src)
        .args(args)
        .arg(&tmp)
        .status()
        .is_ok_and(|s| s.success());
    if !ok || std::fs::rename(&tmp, &out).is_err() {
        let _ = std::fs::remove_file(&tmp);
        eprintln!("ffmpeg could not make {name}: skipping its benchmarks");
        return None;
    }
    Some(out)
}

fn open(path: &Path) -> (Player, SourceTap) {
    let (p, tap) = Player::new_tapped(Arc::new(|| {}));
    p.load(path.to_path_buf());
    wait_ready(&p, Duration::from_secs(60)).expect("load");
    p.play();
    (p, tap)
}

const AT_65: u64 = 65 * 60 * 1000;
const AT_55: u64 = 55 * 60 * 1000;

fn bench_seek(c: &mut Criterion) {
    for (name, path, at) in [
        ("seek/mp3_65min", seed("recording.mp3"), AT_65),
        ("seek/m4a_65min", seed("recording.m4a"), AT_65),
        ("seek/mp3_60min_stereo", stereo_60min(), AT_55),
        ("seek/vorbis_webm_60min", vorbis_60min(), AT_55),
    ] {
        let Some(path) = path else { continue };
        let (p, mut tap) = open(&path);
        let mut i = 0u64;
        c.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    // Arrive from elsewhere in the file.
                    i += 1;
                    timed_seek(&p, &mut tap, 5 * 60_000 + (i % 50) * 37_000).unwrap();
                    total += timed_seek(&p, &mut tap, at).unwrap().0;
                }
                total
            })
        });
    }
    if let Some(path) = seed("recording.mp3") {
        let (p, mut tap) = open(&path);
        let mut i = 0u64;
        c.bench_function("seek_ui/mp3", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                let mut buf = [0f32; 1];
                for _ in 0..iters {
                    i += 1;
                    let t0 = Instant::now();
                    let g = p.seek_gen(AT_65 - (i % 100) * 1000);
                    total += t0.elapsed();
                    // Let the worker catch up, untimed.
                    while !(tap.pull(&mut buf) > 0 && tap.generation() >= g) {}
                }
                total
            })
        });
    }
}

/// Opening the 60-minute Vorbis WebM: probing, and the walk of its blocks into the packet index.
fn bench_open(c: &mut Criterion) {
    let Some(path) = vorbis_60min() else { return };
    let mut g = c.benchmark_group("open");
    g.sample_size(20);
    g.bench_function("vorbis_webm_60min", |b| b.iter(|| decode::open(&path).unwrap().info().frames));
    g.finish();
}

fn bench_whole_file(c: &mut Criterion) {
    let mut g = c.benchmark_group("whole");
    g.sample_size(10).measurement_time(Duration::from_secs(20)).warm_up_time(Duration::from_secs(1));
    let files = [
        ("recording.mp3", seed("recording.mp3")),
        ("recording.m4a", seed("recording.m4a")),
        ("mp3_60min_stereo.mp3", stereo_60min()),
    ];
    for (file, path) in files {
        let Some(path) = path else { continue };
        g.bench_function(format!("decode/{file}"), |b| {
            b.iter(|| {
                let mut s = decode::open(&path).unwrap();
                let mut buf = Vec::new();
                let mut n = 0usize;
                while s.next_chunk(&mut buf).unwrap().is_some() {
                    n += buf.len();
                }
                n
            })
        });
        g.bench_function(format!("peaks/{file}"), |b| {
            b.iter(|| peaks::compute(&path, &AtomicBool::new(false), |_| {}).unwrap().1)
        });
        g.bench_function(format!("peaks_speech/{file}"), |b| {
            b.iter(|| analysis::compute(&path, &AtomicBool::new(false), |_| {}).unwrap().speech.scores.len())
        });
        g.bench_function(format!("peaks_speech_ungated/{file}"), |b| {
            b.iter(|| {
                let source = decode::open(&path).unwrap().source();
                let cancel = AtomicBool::new(false);
                let (a, _, _) =
                    analysis::compute_gated(&source, 2, analysis::Gate::Off, &cancel, |_| {}, &|_| NoListener).unwrap();
                a.speech.scores.len()
            })
        });
    }
    g.finish();
}

/// Reopening the 72-minute recording's peaks from the disk cache (a private cache dir).
fn bench_peaks_cache(c: &mut Criterion) {
    let Some(path) = seed("recording.mp3") else {
        return;
    };
    let (p, frames) = peaks::compute(&path, &AtomicBool::new(false), |_| {}).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dirs = [dir.path().to_path_buf()];
    peaks::store_cached_in(&dirs, &path, &p, frames).expect("cache written");
    c.bench_function("peaks_cache/reopen", |b| b.iter(|| peaks::load_cached_from(&dirs, &path).unwrap().1));
    let a = analysis::compute(&path, &AtomicBool::new(false), |_| {}).unwrap();
    analysis::store_cached_in(&dirs, &path, &a).expect("analysis cache written");
    c.bench_function("analysis_cache/reopen", |b| {
        b.iter(|| analysis::load_cached_from(&dirs, &path).unwrap().speech.scores.len())
    });
}

/// 1,000 frames of real speech (16 kHz mono), or of a synthetic buzz without ../shared.
fn speech_frames() -> Vec<f32> {
    let n = 1_000 * turnfix::audio::vad_net::FRAME;
    let mut out = Vec::with_capacity(n);
    if let Some(path) = shared::shared("voices/libri-conv-a/conversation.flac") {
        let mut s = decode::open(&path).unwrap();
        let mut chunk = Vec::new();
        // The FLAC is 16 kHz mono; skip the first 10 s.
        while out.len() < n + 160_000 && s.next_chunk(&mut chunk).unwrap().is_some() {
            out.extend_from_slice(&chunk);
        }
        out.drain(..160_000.min(out.len()));
    }
    out.resize(n, 0.0);
    for (i, x) in out.iter_mut().enumerate() {
        *x = (*x + 0.01 * ((i % 113) as f32 / 113.0 - 0.5)).clamp(-1.0, 1.0);
    }
    out
}

fn bench_vad_frame(c: &mut Criterion) {
    let frames = speech_frames();
    let mut g = c.benchmark_group("vad/frame");
    g.throughput(criterion::Throughput::Elements(1_000));
    let mut ours = turnfix::audio::vad_net::VadNet::new();
    g.bench_function("ours", |b| b.iter(|| frames.chunks_exact(256).map(|f| ours.score(f)).sum::<f32>()));
    let mut theirs = earshot::Detector::default_boxed();
    g.bench_function("earshot", |b| b.iter(|| frames.chunks_exact(256).map(|f| theirs.predict_f32(f)).sum::<f32>()));
    g.finish();
}

criterion_group!(benches, bench_seek, bench_open, bench_whole_file, bench_vad_frame, bench_peaks_cache);
criterion_main!(benches);
