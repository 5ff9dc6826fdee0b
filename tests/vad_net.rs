//! Our run of earshot's network (`audio::vad_net`) against the earshot crate itself, frame by
//! frame on the same 16 kHz stream: real speech from ../shared (skipped when absent) and a
//! synthetic signal that always runs.

#[path = "common/shared.rs"]
mod shared;

use std::path::Path;
use std::sync::atomic::AtomicBool;

use turnfix::audio::decode;
use turnfix::audio::peaks::{self, Listener};
use turnfix::audio::vad_net::{FRAME, VadNet};

/// Both detectors on every whole frame of the stream.
struct Both {
    ours: VadNet,
    theirs: Box<earshot::Detector>,
    buf: Vec<f32>,
    pairs: Vec<(f32, f32)>,
}

impl Both {
    fn new() -> Both {
        Both { ours: VadNet::new(), theirs: earshot::Detector::default_boxed(), buf: Vec::new(), pairs: Vec::new() }
    }

    fn frame(&mut self, f: &[f32]) {
        let clipped: Vec<f32> = f.iter().map(|x| x.clamp(-1.0, 1.0)).collect();
        self.pairs.push((self.ours.score(&clipped), self.theirs.predict_f32(&clipped)));
    }
}

impl Listener for Both {
    fn feed(&mut self, _at: u64, samples: &[f32]) {
        self.buf.extend_from_slice(samples);
        let whole = self.buf.len() / FRAME * FRAME;
        let frames: Vec<f32> = self.buf.drain(..whole).collect();
        for f in frames.chunks_exact(FRAME) {
            self.frame(f);
        }
    }
}

/// How the two agree: the share of frames whose scores (0–255, as the app stores them) are
/// equal or one apart, the share on the same side of 0.5, and the largest difference.
fn agreement(pairs: &[(f32, f32)]) -> (f64, f64, f32) {
    let u8s = |p: f32| (p.clamp(0.0, 1.0) * 255.0).round() as i32;
    let close = pairs.iter().filter(|(a, b)| (u8s(*a) - u8s(*b)).abs() <= 1).count();
    let side = pairs.iter().filter(|(a, b)| (*a >= 0.5) == (*b >= 0.5)).count();
    let worst = pairs.iter().map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    let n = pairs.len().max(1) as f64;
    (close as f64 / n, side as f64 / n, worst)
}

fn compare_on(path: &Path) -> Vec<(f32, f32)> {
    let source = decode::open(path).expect("opens").source();
    let (_, _, mut parts) =
        peaks::compute_listening_threads(&source, 1, &AtomicBool::new(false), |_| {}, &|_| Both::new())
            .expect("decodes");
    parts.remove(0).pairs
}

#[test]
fn our_network_scores_real_speech_as_earshot_does() {
    let mut checked = 0;
    for rel in ["voices/libri-conv-a/conversation.flac", "voices/pyannote-sample/sample.flac"] {
        let Some(path) = shared::shared(rel) else { continue };
        let pairs = compare_on(&path);
        let (close, side, worst) = agreement(&pairs);
        println!(
            "{rel}: {} frames, within 1/255: {:.4}, same decision: {:.5}, worst {worst:.4}",
            pairs.len(),
            close,
            side
        );
        assert!(pairs.len() > 1_000, "{rel}: {} frames", pairs.len());
        assert!(close >= 0.999, "{rel}: only {close:.4} of the frames within 1/255 of earshot's");
        assert!(side >= 0.9995, "{rel}: only {side:.5} of the frames decided alike");
        assert!(worst < 0.05, "{rel}: a frame differs by {worst}");
        checked += 1;
    }
    if checked == 0 {
        eprintln!("skipped: ../shared/voices is absent");
    }
}

#[test]
fn our_network_scores_a_synthetic_signal_as_earshot_does() {
    // Pulse trains through moving resonances, noise bursts, silences and a clipped stretch.
    let mut both = Both::new();
    let mut seed = 12345u32;
    let mut noise = || {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
    };
    let (mut y1, mut y2) = (0.0f32, 0.0f32);
    let mut signal = Vec::new();
    for i in 0..16_000 * 30 {
        let t = i as f32 / 16_000.0;
        let section = (t / 3.0) as u32 % 4;
        let x = match section {
            0 => {
                let f0 = 110.0 + 40.0 * (t * 1.3).sin();
                let pulse = if (t * f0).fract() < f0 / 16_000.0 { 1.0 } else { 0.0 };
                let r = 1.5 + 0.3 * (t * 2.1).sin();
                let v = pulse + r * y1 - 0.85 * y2;
                (y1, y2) = (v, y1);
                0.08 * v * (0.6 + 0.4 * (t * 25.0).sin())
            }
            1 => 0.2 * noise() * if (t * 3.0).fract() < 0.3 { 1.0 } else { 0.05 },
            2 => 1e-4 * noise(),
            _ => (1.5 * (t * 2.0 * std::f32::consts::PI * 300.0).sin()).clamp(-1.0, 1.0),
        };
        signal.push(x);
    }
    for f in signal.chunks_exact(FRAME) {
        both.frame(f);
    }
    let (close, side, worst) = agreement(&both.pairs);
    println!("synthetic: within 1/255 {close:.4}, same decision {side:.5}, worst {worst:.4}");
    assert!(close >= 0.999 && side >= 0.999 && worst < 0.05, "{close} {side} {worst}");
    let scores: Vec<f32> = both.pairs.iter().map(|p| p.0).collect();
    assert!(scores.iter().any(|&s| s > 0.5) || scores.iter().any(|&s| s < 0.1), "not all one value");
}
