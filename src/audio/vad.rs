//! Frame-level voice-activity detectors fed by the peaks pass (16 kHz mono, 16 ms frames).
//!
//! - [`Earshot`]: the `earshot` crate's neural detector (pure Rust, weights inside the crate,
//!   MIT/Apache-2.0). The one the app uses.
//! - [`Energy`]: a log-energy detector with a noise floor tracked from the quietest frames,
//!   kept as the baseline it is measured against (docs/audio.md).

use super::mono16k::Listener;

/// Samples per detector frame (16 ms at 16 kHz).
pub const FRAME: usize = 256;

/// The energy detector's threshold over its noise floor (dB).
pub const ENERGY_DB: f32 = 15.0;

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

/// earshot's detector over the stream.
pub struct Earshot {
    det: Box<earshot::Detector>,
    framer: Framer,
}

impl Default for Earshot {
    fn default() -> Self {
        Earshot { det: earshot::Detector::default_boxed(), framer: Framer::new() }
    }
}

impl Earshot {
    pub fn finish(self) -> Scores {
        self.framer.finish()
    }
}

impl Listener for Earshot {
    fn feed(&mut self, at: u64, samples: &[f32]) {
        let det = &mut self.det;
        let mut clipped = [0f32; FRAME];
        self.framer.feed(at, samples, |f| {
            // earshot wants [-1, 1]; decoded MP3 can overshoot a little.
            for (c, &x) in clipped.iter_mut().zip(f) {
                *c = x.clamp(-1.0, 1.0);
            }
            to_u8(det.predict_f32(&clipped))
        });
    }
}

/// Log energy per frame (dB re full scale); the decision is made afterwards from the whole
/// file's distribution, see [`energy_scores`].
#[derive(Default)]
pub struct Energy {
    framer: Option<Framer>,
    db: Vec<f32>,
}

impl Listener for Energy {
    fn feed(&mut self, at: u64, samples: &[f32]) {
        let db = &mut self.db;
        self.framer.get_or_insert_with(Framer::new).feed(at, samples, |f| {
            let e = f.iter().map(|x| x * x).sum::<f32>() / f.len() as f32;
            db.push(10.0 * (e + 1e-10).log10());
            0
        });
    }
}

impl Energy {
    /// Per-frame decisions as scores (255 speech, 0 not): a frame is speech when its energy is
    /// at least `above_db` over the noise floor (the 10th percentile of the frames' energies).
    pub fn finish(self, above_db: f32) -> Scores {
        let first = self.framer.map(|f| f.finish().first).unwrap_or(0);
        Scores { first, scores: energy_scores(&self.db, above_db) }
    }
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
    let mut out: Vec<u8> = Vec::new();
    for p in parts {
        let at = p.first as usize;
        if out.len() < at {
            out.resize(at, 0);
        }
        out.truncate(at);
        out.extend_from_slice(&p.scores);
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
    fn energy_detector_finds_the_loud_frames() {
        let mut db = vec![-60.0; 20];
        db[5] = -20.0;
        db[6] = -45.0;
        assert_eq!(energy_scores(&db, 15.0).iter().filter(|&&s| s == 255).count(), 2);
    }
}
