//! Frame-level voice-activity detectors fed by the peaks pass (16 kHz mono, 16 ms frames).
//!
//! - [`Vad`]: what the app runs: each frame's log energy, and the `earshot` crate's neural
//!   detector (its trained weights, MIT/Apache-2.0, run by our own code: [`super::vad_net`]) on
//!   every frame except in long near-digital silence (the gate: see [`GATE_DB`]), where it
//!   would only say "no".
//! - [`Energy`]: a log-energy detector over the whole recording's noise floor, kept as the
//!   baseline earshot is measured against (docs/audio.md); the app uses its decisions to place
//!   segment boundaries.

use super::mono16k::Listener;
use super::vad_net::VadNet;

/// Samples per detector frame (16 ms at 16 kHz).
pub const FRAME: usize = 256;

/// The energy detector's threshold over the whole recording's noise floor (dB). 6 dB (with a
/// floor taken over the whole recording, not each half the pass decodes) gave libri-conv-a's
/// frame accuracy 95.6% against 93.1% at 15 dB (docs/audio.md).
pub const ENERGY_DB: f32 = 6.0;

/// The gate: earshot is not run on a frame below this level (dBFS) when the frames of the last
/// [`GATE_FRAMES`] were all below it too; such a frame scores 0. On the seed recording this
/// skips about a quarter of the frames (its pauses are near digital silence).
pub const GATE_DB: f32 = -70.0;
/// 1 s of 16 ms frames (see [`GATE_DB`]).
pub const GATE_FRAMES: u32 = 63;
/// Frames fed to earshot again (their scores dropped) before the first frame after a gated
/// stretch, so that its input window (768 samples) and feature context (3 frames) hold the
/// real signal rather than what came before the silence.
const WARM_FRAMES: usize = 2;

/// Log energy of a frame, dB re full scale.
fn frame_db(f: &[f32]) -> f32 {
    let e = f.iter().map(|x| x * x).sum::<f32>() / f.len() as f32;
    10.0 * (e + 1e-10).log10()
}

/// Scores (0–255) of consecutive frames, the first being frame `first` of the recording.
#[derive(Clone, Debug, Default)]
pub struct Scores {
    pub first: u64,
    pub scores: Vec<u8>,
}

/// Cuts the stream into whole frames and scores each with `score`.
struct Framer {
    buf: Vec<f32>,
    first: Option<u64>,
    scores: Vec<u8>,
}

impl Framer {
    fn new() -> Framer {
        Framer { buf: Vec::with_capacity(FRAME), first: None, scores: Vec::new() }
    }

    fn feed(&mut self, at: u64, samples: &[f32], mut score: impl FnMut(&[f32]) -> u8) {
        let mut s = samples;
        if self.first.is_none() {
            // Start on a frame boundary of the whole recording.
            let skip = ((FRAME as u64 - at % FRAME as u64) % FRAME as u64) as usize;
            if skip >= s.len() {
                return;
            }
            s = &s[skip..];
            self.first = Some((at + skip as u64) / FRAME as u64);
        }
        if !self.buf.is_empty() {
            let take = (FRAME - self.buf.len()).min(s.len());
            self.buf.extend_from_slice(&s[..take]);
            s = &s[take..];
            if self.buf.len() == FRAME {
                let v = score(&self.buf);
                self.scores.push(v);
                self.buf.clear();
            }
        }
        let mut chunks = s.chunks_exact(FRAME);
        for c in &mut chunks {
            let v = score(c);
            self.scores.push(v);
        }
        self.buf.extend_from_slice(chunks.remainder());
    }

    fn finish(self) -> Scores {
        Scores { first: self.first.unwrap_or(0), scores: self.scores }
    }
}

fn to_u8(p: f32) -> u8 {
    (p.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// earshot's network on a frame (clipped to [-1, 1]: the model wants that, decoded MP3 can
/// overshoot).
fn earshot_score(det: &mut VadNet, f: &[f32]) -> u8 {
    let mut clipped = [0f32; FRAME];
    for (c, &x) in clipped.iter_mut().zip(f) {
        *c = x.clamp(-1.0, 1.0);
    }
    to_u8(det.score(&clipped))
}

/// What the app runs on one stretch of the stream: energy per frame and gated earshot scores.
pub struct Vad {
    det: VadNet,
    framer: Framer,
    db: Vec<f32>,
    gate: bool,
    /// Consecutive frames below [`GATE_DB`] up to the current one.
    quiet: u32,
    /// Whether the previous frame was gated.
    gated: bool,
    /// The last WARM_FRAMES frames (oldest first), for the warm-up after a gated stretch.
    recent: Vec<f32>,
    skipped: u64,
}

/// A stretch's results: earshot scores and energies (dBFS) of consecutive frames from frame
/// `first` of the recording.
#[derive(Clone, Debug, Default)]
pub struct VadPart {
    pub scores: Scores,
    pub db: Vec<f32>,
    /// Frames the gate kept from earshot.
    pub skipped: u64,
}

impl Default for Vad {
    fn default() -> Self {
        Vad::new(true)
    }
}

impl Vad {
    /// `gate`: skip earshot in long near-silence (the app); false runs it on every frame (the
    /// ungated detector, for comparison).
    pub fn new(gate: bool) -> Vad {
        Vad {
            det: VadNet::new(),
            framer: Framer::new(),
            db: Vec::new(),
            gate,
            quiet: 0,
            gated: false,
            recent: Vec::with_capacity(WARM_FRAMES * FRAME),
            skipped: 0,
        }
    }

    pub fn finish(self) -> VadPart {
        VadPart { scores: self.framer.finish(), db: self.db, skipped: self.skipped }
    }
}

impl Listener for Vad {
    fn feed(&mut self, at: u64, samples: &[f32]) {
        let Vad { det, framer, db, gate, quiet, gated, recent, skipped } = self;
        framer.feed(at, samples, |f| {
            let d = frame_db(f);
            db.push(d);
            *quiet = if d < GATE_DB { *quiet + 1 } else { 0 };
            let score = if *gate && *quiet > GATE_FRAMES {
                *gated = true;
                *skipped += 1;
                0
            } else {
                if std::mem::take(gated) {
                    for w in recent.chunks_exact(FRAME) {
                        earshot_score(det, w);
                    }
                }
                earshot_score(det, f)
            };
            if recent.len() >= WARM_FRAMES * FRAME {
                recent.drain(..FRAME);
            }
            recent.extend_from_slice(f);
            score
        });
    }
}

/// Log energy per frame (dB re full scale); the decision is made afterwards from the whole
/// recording's distribution, see [`energy_scores`] and [`Energy::join`].
#[derive(Default)]
pub struct Energy {
    framer: Option<Framer>,
    db: Vec<f32>,
}

impl Listener for Energy {
    fn feed(&mut self, at: u64, samples: &[f32]) {
        let db = &mut self.db;
        self.framer.get_or_insert_with(Framer::new).feed(at, samples, |f| {
            db.push(frame_db(f));
            0
        });
    }
}

impl Energy {
    /// Per-frame decisions as scores (255 speech, 0 not) of this stretch alone: a frame is
    /// speech when its energy is at least `above_db` over the stretch's noise floor.
    pub fn finish(self, above_db: f32) -> Scores {
        let first = self.framer.map(|f| f.finish().first).unwrap_or(0);
        Scores { first, scores: energy_scores(&self.db, above_db) }
    }

    /// The decisions over the whole recording from its stretches (in time order), against the
    /// whole recording's noise floor.
    pub fn join(parts: Vec<Energy>, above_db: f32) -> Vec<u8> {
        let db = join_db(parts.into_iter().map(|e| (e.framer.map(|f| f.finish().first).unwrap_or(0), e.db)).collect());
        energy_scores(&db, above_db)
    }
}

/// Energies (dBFS) of consecutive stretches `(first frame, energies)`, in time order, joined
/// into one vector from frame 0 (frames no stretch covers: -100 dB).
pub fn join_db(parts: Vec<(u64, Vec<f32>)>) -> Vec<f32> {
    join_with(parts, -100.0)
}

/// See [`Energy::finish`].
pub fn energy_scores(db: &[f32], above_db: f32) -> Vec<u8> {
    if db.is_empty() {
        return Vec::new();
    }
    let mut sorted = db.to_vec();
    sorted.sort_unstable_by(|a, b| a.total_cmp(b));
    let floor = sorted[sorted.len() / 10].max(-90.0);
    db.iter().map(|&d| if d >= floor + above_db { 255 } else { 0 }).collect()
}

/// Join the scores of consecutive stretches (in time order) into one vector from frame 0.
pub fn join(parts: Vec<Scores>) -> Vec<u8> {
    join_with(parts.into_iter().map(|p| (p.first, p.scores)).collect(), 0)
}

/// Each part `(first frame, values)` laid from its first frame on (a later part overwrites
/// what an earlier one ran past it); gaps get `fill`.
fn join_with<T: Copy>(parts: Vec<(u64, Vec<T>)>, fill: T) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for (first, v) in parts {
        let at = first as usize;
        if out.len() < at {
            out.resize(at, fill);
        }
        out.truncate(at);
        out.extend_from_slice(&v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framer_aligns_to_recording_frames_across_calls() {
        let mut f = Framer::new();
        let mut n = 0;
        // Stream starting at sample 100: the first whole frame is frame 1 (sample 256).
        f.feed(100, &vec![0.0; 300], |_| {
            n += 1;
            1
        });
        f.feed(400, &vec![0.0; 400], |_| 2);
        let s = f.finish();
        assert_eq!(s.first, 1);
        // Samples 256..800: two whole frames (256..512, 512..768).
        assert_eq!(s.scores, vec![2, 2]);
        assert_eq!(n, 0);
        assert_eq!(
            join(vec![Scores { first: 0, scores: vec![1, 1] }, Scores { first: 3, scores: vec![5] }]),
            vec![1, 1, 0, 5]
        );
    }

    #[test]
    fn the_gate_skips_earshot_only_in_long_near_silence() {
        // 2 s of digital silence, 0.5 s of a loud tone, 2 s of silence (16 ms frames).
        let tone: Vec<f32> = (0..8000).map(|i| 0.3 * (i as f32 * 0.07).sin()).collect();
        let mut x = vec![0.0f32; 32_000];
        x.extend_from_slice(&tone);
        x.extend(std::iter::repeat_n(0.0, 32_000));
        let frames = x.len() / FRAME;
        let mut gated = Vad::new(true);
        gated.feed(0, &x);
        let g = gated.finish();
        let mut full = Vad::new(false);
        full.feed(0, &x);
        let f = full.finish();
        assert_eq!((g.scores.scores.len(), f.scores.scores.len(), g.db.len()), (frames, frames, frames));
        // Each silence past its first 63 frames is skipped: frames 0..125 are the first silence,
        // 157..281 the second (frame 156 holds the tone's end).
        assert_eq!(g.skipped, (125 - 63) + (124 - 63));
        assert_eq!(f.skipped, 0);
        // The frames it runs on (the tone and the first second of each silence) score as they do
        // ungated, give or take the warm-up after the gated stretch.
        let differ = g.scores.scores.iter().zip(&f.scores.scores).filter(|(a, b)| (**a >= 102) != (**b >= 102)).count();
        assert!(differ <= 3, "{differ} decisions differ");
    }

    #[test]
    fn energy_floor_is_the_whole_recordings() {
        // A quiet first half (-60 dB) and a noisy second half (-40 dB): over the whole floor
        // (-60) the second half is loud; each half over its own floor would have none.
        let parts = vec![(0u64, vec![-60.0f32; 50]), (50u64, vec![-40.0f32; 50])];
        let s = energy_scores(&join_db(parts), 6.0);
        assert_eq!(s.len(), 100);
        assert_eq!(s.iter().filter(|&&v| v == 255).count(), 50);
        assert_eq!(join_db(vec![(2, vec![1.0])]), vec![-100.0, -100.0, 1.0]);
    }

    #[test]
    fn energy_detector_finds_the_loud_frames() {
        let mut db = vec![-60.0; 20];
        db[5] = -20.0;
        db[6] = -45.0;
        assert_eq!(energy_scores(&db, 15.0).iter().filter(|&&s| s == 255).count(), 2);
    }
}
