//! Turn speech into one GE2E embedding, as Resemblyzer's `embed_utterance` does: volume raised to
//! −30 dBFS (never lowered), partial utterances of 1.6 s at 1.3 per second (the last kept when it
//! is ≥ 75 % covered), each partial embedded, the mean L2-normalised. Turnfix adds a cap: at most
//! `cap` partials per turn, spread evenly over it, so the work per turn is bounded.

use super::VoiceError;
use super::lstm::{EMBED, Encoder, PARTIAL_FRAMES, Scratch, normalize};
use super::mel::{HOP, MelSpec, N_FFT, N_MELS, SAMPLE_RATE};
use super::pieced::Pieced;

/// Resemblyzer's default partial rate (partials per second of speech).
pub const PARTIAL_RATE: f64 = 1.3;
/// Resemblyzer's default minimum coverage of the last partial.
pub const MIN_COVERAGE: f64 = 0.75;
/// Turnfix's default cap on partials per turn (12.8 s of speech worth of 1.6 s windows; see
/// docs/audio.md for the measured cost and accuracy).
pub const DEFAULT_MAX_PARTIALS: usize = 8;
/// Partials embedded together in one LSTM batch: 8 rather than 16 holds half the LSTM's scratch
/// (the editor's pass on the seed grows 65 MiB, not 74) for 1.4× the time a partial
/// (docs/performance.md, "Fifth round").
pub const BATCH: usize = 8;
/// Threads the batches of one call are spread over (the target machine has 2 cores).
pub const THREADS: usize = 2;
/// Turns with less speech than this get no embedding (a partial would be mostly padding).
pub const MIN_SPEECH_MS: u64 = 300;

/// Start frames of the partials Resemblyzer's `compute_partial_slices` takes over `n_samples`.
pub fn partial_starts(n_samples: usize) -> Vec<usize> {
    let n_frames = (n_samples + 1).div_ceil(HOP);
    let step = ((SAMPLE_RATE as f64 / PARTIAL_RATE) / HOP as f64).round() as usize;
    let steps = (n_frames + step + 1).saturating_sub(PARTIAL_FRAMES).max(1);
    let mut starts: Vec<usize> = (0..steps).step_by(step).collect();
    if let Some(&last) = starts.last() {
        let coverage = (n_samples as f64 - (last * HOP) as f64) / (PARTIAL_FRAMES * HOP) as f64;
        if coverage < MIN_COVERAGE && starts.len() > 1 {
            starts.pop();
        }
    }
    starts
}

/// At most `cap` of `starts`, evenly spread (first and last kept).
pub fn cap_starts(starts: Vec<usize>, cap: usize) -> Vec<usize> {
    let cap = cap.max(1);
    if starts.len() <= cap {
        return starts;
    }
    if cap == 1 {
        return vec![starts[starts.len() / 2]];
    }
    (0..cap).map(|i| starts[(i * (starts.len() - 1) + (cap - 1) / 2) / (cap - 1)]).collect()
}

/// Resemblyzer's `normalize_volume(wav, -30, increase_only=True)`.
pub fn normalize_volume(wav: &mut [f32]) {
    if let Some(g) = volume_gain(wav.len(), wav.iter().copied()) {
        wav.iter_mut().for_each(|x| *x *= g);
    }
}

/// The gain [`normalize_volume`] applies to the `len` samples `wav`, or None when it leaves
/// them as they are (empty, silent, or already at −30 dBFS or louder).
pub fn volume_gain(len: usize, wav: impl Iterator<Item = f32>) -> Option<f32> {
    if len == 0 {
        return None;
    }
    let int16_max = 32767.0f64;
    let ms = wav.map(|x| (x as f64 * int16_max).powi(2)).sum::<f64>() / len as f64;
    if ms <= 0.0 {
        return None;
    }
    let dbfs = 20.0 * (ms.sqrt() / int16_max).log10();
    let change = -30.0 - dbfs;
    (change > 0.0).then(|| 10f64.powf(change / 20.0) as f32)
}

/// One speech's embedding with the partials it is the mean of.
#[derive(Clone, Debug, PartialEq)]
pub struct Embedded {
    /// The mean of the partials, L2-normalised.
    pub embedding: Vec<f32>,
    /// Each partial's embedding, in time order.
    pub partials: Vec<Vec<f32>>,
    /// Each partial's first mel frame ([`HOP`] samples a frame) in the speech.
    pub starts: Vec<usize>,
}

/// A speech ready for the LSTM ([`VoiceEncoder::prepare`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Prepared {
    /// The partials' mel frames, partial-major (`partials × PARTIAL_FRAMES × N_MELS`).
    mels: Vec<f32>,
    /// Each partial's first mel frame in the speech.
    starts: Vec<usize>,
}

impl Prepared {
    /// The partials it holds.
    pub fn partials(&self) -> usize {
        self.starts.len()
    }
}

/// [`VoiceEncoder::prepare`] on speech read in place, with a mel front end of the caller's (a
/// decoder thread's own). Only each partial's stretch is read (into `view`, a buffer the caller
/// keeps), with the volume gain applied as it is read.
pub fn prepare(mel: &mut MelSpec, speech: &mut Pieced<'_>, cap: usize, view: &mut Vec<f32>) -> Option<Prepared> {
    let min = (MIN_SPEECH_MS * SAMPLE_RATE as u64 / 1000) as usize;
    if speech.len() < min {
        return None;
    }
    speech.raise_volume();
    let starts = cap_starts(partial_starts(speech.len()), cap);
    let mut mels = Vec::with_capacity(starts.len() * PARTIAL_FRAMES * N_MELS);
    for &s in &starts {
        let (lo, hi) = partial_view(s, PARTIAL_FRAMES);
        speech.fill(lo, hi, view);
        mel.frames_in(view, lo, speech.len(), s, s + PARTIAL_FRAMES, &mut mels);
    }
    Some(Prepared { mels, starts })
}

/// The speech samples `[lo, hi)` that mel frames `s..s + n` read (each frame is centred on its
/// sample and `N_FFT` wide).
pub fn partial_view(s: usize, n: usize) -> (isize, isize) {
    let half = (N_FFT / 2) as isize;
    let lo = (s * HOP) as isize - half;
    (lo, ((s + n) * HOP) as isize + half)
}

/// The encoder with its mel front end and reusable buffers.
pub struct VoiceEncoder {
    encoder: Encoder,
    mel: MelSpec,
    scratch: Scratch,
    /// The buffers of [`THREADS`] batch threads.
    pool: Vec<Scratch>,
    /// Partials queued for the next batch: (owner, mel frames).
    queue_mels: Vec<f32>,
    queue_owner: Vec<usize>,
}

impl VoiceEncoder {
    /// The encoder with the weights bundled in the binary.
    pub fn bundled() -> Result<VoiceEncoder, VoiceError> {
        Ok(Self::with_encoder(Encoder::bundled()?))
    }

    pub fn with_encoder(encoder: Encoder) -> VoiceEncoder {
        VoiceEncoder {
            encoder,
            mel: MelSpec::new(),
            scratch: Scratch::default(),
            pool: Vec::new(),
            queue_mels: Vec::new(),
            queue_owner: Vec::new(),
        }
    }

    /// Resemblyzer's `embed_utterance(wav)` (no cap), with its partial embeddings.
    pub fn embed_utterance(&mut self, wav: &[f32]) -> (Vec<f32>, Vec<Vec<f32>>) {
        let mut wav = wav.to_vec();
        normalize_volume(&mut wav);
        let starts = partial_starts(wav.len());
        let parts = self.embed_starts(&wav, &starts);
        (mean_normalized(&parts), parts)
    }

    /// The embedding of `speech` with at most `cap` partials, or None when it is shorter than
    /// [`MIN_SPEECH_MS`].
    pub fn embed_capped(&mut self, speech: &[f32], cap: usize) -> Option<Vec<f32>> {
        self.embed_many(vec![speech.to_vec()], cap).pop().flatten()
    }

    /// Embeddings of several speech waveforms, their partials batched together.
    pub fn embed_many(&mut self, speeches: Vec<Vec<f32>>, cap: usize) -> Vec<Option<Vec<f32>>> {
        self.embed_many_partials(speeches, cap).into_iter().map(|e| e.map(|e| e.embedding)).collect()
    }

    /// As [`embed_many`](Self::embed_many), each turn's partial embeddings kept beside its
    /// embedding (for [`change`](super::change): two voices in one turn).
    pub fn embed_many_partials(&mut self, speeches: Vec<Vec<f32>>, cap: usize) -> Vec<Option<Embedded>> {
        let prepared = speeches.iter().map(|wav| self.prepare(wav, cap)).collect();
        self.embed_prepared(prepared)
    }

    /// `wav` made ready for the LSTM: volume raised, the mel frames of its partials (at most
    /// `cap`), or None when it is shorter than [`MIN_SPEECH_MS`]. What a turn waiting for its
    /// batch holds: ≤ `cap` × 1.6 s of mel frames (25.6 KB a partial), not its samples (up to
    /// 7.7 MB for two minutes of speech).
    pub fn prepare(&mut self, wav: &[f32], cap: usize) -> Option<Prepared> {
        prepare(&mut self.mel, &mut Pieced::whole(wav), cap, &mut Vec::new())
    }

    /// The embeddings of prepared speeches (one result per entry, None where there was none),
    /// their partials batched together.
    pub fn embed_prepared(&mut self, prepared: Vec<Option<Prepared>>) -> Vec<Option<Embedded>> {
        self.queue_mels.clear();
        self.queue_owner.clear();
        let mut starts_of: Vec<Vec<usize>> = vec![Vec::new(); prepared.len()];
        for (i, p) in prepared.into_iter().enumerate() {
            let Some(p) = p else { continue };
            self.queue_mels.extend_from_slice(&p.mels);
            self.queue_owner.extend(std::iter::repeat_n(i, p.starts.len()));
            starts_of[i] = p.starts;
        }
        let mut out: Vec<Option<Embedded>> = vec![None; starts_of.len()];
        let embedded = self.run_batches();
        for (k, e) in embedded.chunks_exact(EMBED).enumerate() {
            let owner = self.queue_owner[k];
            let slot = out[owner].get_or_insert_with(|| Embedded {
                embedding: vec![0.0; EMBED],
                partials: Vec::new(),
                starts: std::mem::take(&mut starts_of[owner]),
            });
            slot.embedding.iter_mut().zip(e).for_each(|(s, v)| *s += v);
            slot.partials.push(e.to_vec());
        }
        out.iter_mut().flatten().for_each(|s| normalize(&mut s.embedding));
        out
    }

    /// Embed the queued partials in batches of [`BATCH`], on up to [`THREADS`] threads.
    fn run_batches(&mut self) -> Vec<f32> {
        let per = PARTIAL_FRAMES * N_MELS;
        let total = self.queue_owner.len();
        let batches: Vec<&[f32]> = self.queue_mels[..total * per].chunks(BATCH * per).collect();
        let threads = THREADS.min(batches.len()).min(std::thread::available_parallelism().map_or(1, |n| n.get()));
        if threads <= 1 {
            let mut out = Vec::with_capacity(total * EMBED);
            for m in batches {
                out.extend(self.encoder.embed_partials_with(m, m.len() / per, PARTIAL_FRAMES, &mut self.scratch));
            }
            return out;
        }
        let encoder = &self.encoder;
        // Each thread's buffers are kept for the next call (a few MB each: allocated once,
        // not once a batch).
        self.pool.resize_with(threads, Scratch::default);
        let results: Vec<Vec<(usize, Vec<f32>)>> = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..threads)
                .zip(self.pool.iter_mut())
                .map(|(w, scratch)| {
                    let batches = &batches;
                    sc.spawn(move || {
                        (w..batches.len())
                            .step_by(threads)
                            .map(|i| {
                                (
                                    i,
                                    encoder.embed_partials_with(
                                        batches[i],
                                        batches[i].len() / per,
                                        PARTIAL_FRAMES,
                                        scratch,
                                    ),
                                )
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
        });
        let mut ordered: Vec<(usize, Vec<f32>)> = results.into_iter().flatten().collect();
        ordered.sort_by_key(|r| r.0);
        ordered.into_iter().flat_map(|r| r.1).collect()
    }

    fn embed_starts(&mut self, wav: &[f32], starts: &[usize]) -> Vec<Vec<f32>> {
        let mut mels = Vec::with_capacity(starts.len() * PARTIAL_FRAMES * N_MELS);
        for &s in starts {
            self.mel.frames(wav, s, s + PARTIAL_FRAMES, &mut mels);
        }
        let out = self.encoder.embed_partials_with(&mels, starts.len(), PARTIAL_FRAMES, &mut self.scratch);
        out.chunks_exact(EMBED).map(|c| c.to_vec()).collect()
    }

    /// Mel frames `from..to` of `wav` (for tests against the reference).
    pub fn mel_frames(&mut self, wav: &[f32], from: usize, to: usize) -> Vec<f32> {
        let mut out = Vec::new();
        self.mel.frames(wav, from, to, &mut out);
        out
    }
}

fn mean_normalized(parts: &[Vec<f32>]) -> Vec<f32> {
    let mut m = vec![0.0f32; EMBED];
    for p in parts {
        m.iter_mut().zip(p).for_each(|(a, b)| *a += b);
    }
    normalize(&mut m);
    m
}

/// Cosine similarity of two vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let (mut ab, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
    for (&x, &y) in a.iter().zip(b) {
        ab += x as f64 * y as f64;
        aa += x as f64 * x as f64;
        bb += y as f64 * y as f64;
    }
    if aa == 0.0 || bb == 0.0 { 0.0 } else { (ab / (aa.sqrt() * bb.sqrt())) as f32 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partials_follow_resemblyzer() {
        // 3 s: n_frames 301, step 77, steps 219 → 0, 77, 154; last coverage (48000-24640)/25600.
        assert_eq!(partial_starts(48000), vec![0, 77, 154]);
        // Shorter than one partial: always one.
        assert_eq!(partial_starts(8000), vec![0]);
        // 2 s: 0 and 77, the second 77 % covered.
        assert_eq!(partial_starts(32000), vec![0, 77]);
    }

    #[test]
    fn the_cap_spreads_partials_over_the_turn() {
        let starts: Vec<usize> = (0..40).map(|i| i * 77).collect();
        let c = cap_starts(starts.clone(), 8);
        assert_eq!(c.len(), 8);
        assert_eq!((c[0], c[7]), (0, 39 * 77));
        assert!(c.windows(2).all(|w| w[1] > w[0]));
        assert_eq!(cap_starts(starts[..3].to_vec(), 8), starts[..3].to_vec());
    }

    #[test]
    fn volume_is_raised_to_minus_30_dbfs_but_never_lowered() {
        let mut quiet = vec![0.001f32; 1000];
        normalize_volume(&mut quiet);
        let rms = (quiet.iter().map(|x| x * x).sum::<f32>() / 1000.0).sqrt();
        assert!((20.0 * (rms * 32768.0 / 32767.0).log10() + 30.0).abs() < 0.01);
        let mut loud = vec![0.5f32; 10];
        normalize_volume(&mut loud);
        assert_eq!(loud[0], 0.5);
    }
}
