//! Simple, explainable voice features of a turn's speech: pitch (median and spread of the
//! fundamental, in semitones above 55 Hz) and MFCC statistics (mean and standard deviation of
//! coefficients 1–12 of the DCT of the log mel bands). They explain a finding ("higher voice");
//! the learned embedding makes the decision. Computed on the same capped windows as the
//! embedding, so their cost is bounded too.

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

use super::embed::{cap_starts, partial_starts, partial_view};
use super::lstm::PARTIAL_FRAMES;
use super::mel::{HOP, MelSpec, N_MELS};
use super::pieced::Pieced;

pub const N_MFCC: usize = 12;
/// Length of a feature vector: pitch median, pitch spread, MFCC means, MFCC deviations.
pub const DIM: usize = 2 + 2 * N_MFCC;
const PITCH_FRAME: usize = 800;
const PITCH_HOP: usize = 320;
const PITCH_FFT: usize = 2048;
/// Lags for 60–400 Hz at 16 kHz.
const MIN_LAG: usize = 40;
const MAX_LAG: usize = 266;

/// The features of one turn, named.
#[derive(Clone, Debug, PartialEq)]
pub struct VoiceFeatures {
    /// Median fundamental over voiced frames, Hz (None when nothing is voiced).
    pub pitch_hz: Option<f32>,
    /// Interquartile range of the fundamental, semitones.
    pub pitch_spread_st: f32,
    pub mfcc_mean: [f32; N_MFCC],
    pub mfcc_std: [f32; N_MFCC],
}

impl VoiceFeatures {
    /// As one vector (pitch in semitones above 55 Hz; 0 when unvoiced).
    pub fn vector(&self) -> Vec<f32> {
        let mut v = vec![self.pitch_hz.map_or(0.0, |f| 12.0 * (f / 55.0).log2()), self.pitch_spread_st];
        v.extend_from_slice(&self.mfcc_mean);
        v.extend_from_slice(&self.mfcc_std);
        v
    }
}

/// Computes [`VoiceFeatures`], reusing its FFT plans.
pub struct FeatureExtractor {
    mel: MelSpec,
    fwd: Arc<dyn RealToComplex<f32>>,
    inv: Arc<dyn ComplexToReal<f32>>,
    dct: Vec<f32>,
}

impl Default for FeatureExtractor {
    fn default() -> Self {
        Self::new()
    }
}

impl FeatureExtractor {
    pub fn new() -> FeatureExtractor {
        let mut planner = RealFftPlanner::<f32>::new();
        let fwd = planner.plan_fft_forward(PITCH_FFT);
        let inv = planner.plan_fft_inverse(PITCH_FFT);
        // DCT-II, orthonormal (as librosa.feature.mfcc), rows 1..=N_MFCC.
        let mut dct = Vec::with_capacity(N_MFCC * N_MELS);
        for k in 1..=N_MFCC {
            for n in 0..N_MELS {
                let c = (std::f64::consts::PI / N_MELS as f64 * (n as f64 + 0.5) * k as f64).cos();
                dct.push((c * (2.0 / N_MELS as f64).sqrt()) as f32);
            }
        }
        FeatureExtractor { mel: MelSpec::new(), fwd, inv, dct }
    }

    /// Features of 16 kHz `speech`, over at most `cap` 1.6 s windows; None when it is empty.
    pub fn features(&mut self, speech: &[f32], cap: usize) -> Option<VoiceFeatures> {
        self.features_of(&Pieced::whole(speech), cap, &mut Vec::new())
    }

    /// [`FeatureExtractor::features`] of speech read in place: only the stretches of its
    /// partials are read, into `view` (a buffer the caller keeps).
    pub fn features_of(&mut self, speech: &Pieced<'_>, cap: usize, view: &mut Vec<f32>) -> Option<VoiceFeatures> {
        let len = speech.len();
        if len < HOP * 10 {
            return None;
        }
        let starts = cap_starts(partial_starts(len), cap);
        let mut mels = Vec::new();
        let mut f0s = Vec::new();
        for &s in &starts {
            let from = (s * HOP).min(len);
            let to = ((s + PARTIAL_FRAMES) * HOP).min(len);
            let n = (to - from) / HOP;
            let (lo, hi) = partial_view(s, PARTIAL_FRAMES);
            speech.fill(lo, hi, view);
            self.mel.frames_in(view, lo, len, s, s + n, &mut mels);
            let at = |i: usize| (i as isize - lo) as usize;
            self.pitch(&view[at(from)..at(to)], &mut f0s);
        }
        let mut mfccs: Vec<[f32; N_MFCC]> = Vec::new();
        let loud = mels.chunks_exact(N_MELS).map(|m| m.iter().sum::<f32>()).fold(0.0f32, f32::max);
        for m in mels.chunks_exact(N_MELS) {
            if m.iter().sum::<f32>() < loud * 1e-4 {
                continue;
            }
            let logm: Vec<f32> = m.iter().map(|&x| 10.0 * (x.max(1e-10)).log10()).collect();
            let mut c = [0.0f32; N_MFCC];
            for (k, ck) in c.iter_mut().enumerate() {
                *ck = self.dct[k * N_MELS..][..N_MELS].iter().zip(&logm).map(|(a, b)| a * b).sum();
            }
            mfccs.push(c);
        }
        if mfccs.is_empty() {
            return None;
        }
        let n = mfccs.len() as f32;
        let mut mean = [0.0f32; N_MFCC];
        let mut std = [0.0f32; N_MFCC];
        for c in &mfccs {
            mean.iter_mut().zip(c).for_each(|(m, v)| *m += v / n);
        }
        for c in &mfccs {
            std.iter_mut().zip(c.iter().zip(&mean)).for_each(|(s, (v, m))| *s += (v - m).powi(2) / n);
        }
        std.iter_mut().for_each(|s| *s = s.sqrt());
        f0s.sort_by(f32::total_cmp);
        let q = |p: f32| f0s[((f0s.len() - 1) as f32 * p).round() as usize];
        let (pitch_hz, spread) =
            if f0s.len() >= 3 { (Some(q(0.5)), 12.0 * (q(0.75) / q(0.25)).log2()) } else { (None, 0.0) };
        Some(VoiceFeatures { pitch_hz, pitch_spread_st: spread, mfcc_mean: mean, mfcc_std: std })
    }

    /// Fundamental frequencies of the voiced frames of `wav` (normalised autocorrelation via FFT,
    /// voiced when its peak in 60–400 Hz is ≥ 0.5), appended to `out`.
    fn pitch(&mut self, wav: &[f32], out: &mut Vec<f32>) {
        let mut buf = vec![0.0f32; PITCH_FFT];
        let mut spec = self.fwd.make_output_vec();
        let mut start = 0;
        while start + PITCH_FRAME <= wav.len() {
            let frame = &wav[start..start + PITCH_FRAME];
            start += PITCH_HOP;
            let mean = frame.iter().sum::<f32>() / PITCH_FRAME as f32;
            buf.fill(0.0);
            buf[..PITCH_FRAME].iter_mut().zip(frame).for_each(|(b, x)| *b = x - mean);
            let energy: f32 = buf.iter().map(|x| x * x).sum();
            if energy < 1e-6 {
                continue;
            }
            if self.fwd.process(&mut buf, &mut spec).is_err() {
                return;
            }
            spec.iter_mut().for_each(|c| *c = Complex::new(c.norm_sqr(), 0.0));
            if self.inv.process(&mut spec, &mut buf).is_err() {
                return;
            }
            let r0 = buf[0];
            // Unbiased: correct for the shrinking overlap.
            let r = |lag: usize| buf[lag] / r0 * PITCH_FRAME as f32 / (PITCH_FRAME - lag) as f32;
            let top = (MIN_LAG..=MAX_LAG).map(r).fold(0.0f32, f32::max);
            // The first local peak within 10% of the highest: the correction can lift the peak at
            // twice the period above the period's own, which would read an octave low.
            let lag = (MIN_LAG + 1..MAX_LAG).find(|&l| r(l) >= 0.9 * top && r(l) >= r(l - 1) && r(l) >= r(l + 1));
            let best = lag.map_or((0, 0.0), |l| (l, r(l)));
            if best.1 >= 0.5 && best.0 > MIN_LAG && best.0 < MAX_LAG {
                // Parabolic interpolation around the peak.
                let (a, b, c) = (buf[best.0 - 1], buf[best.0], buf[best.0 + 1]);
                let d = a - 2.0 * b + c;
                let shift = if d.abs() > 1e-12 { 0.5 * (a - c) / d } else { 0.0 };
                out.push(16000.0 / (best.0 as f32 + shift.clamp(-0.5, 0.5)));
            }
        }
    }
}

/// Z-scores every dimension across `vectors` (in place), so that cosine similarity weighs the
/// features alike.
pub fn standardize(vectors: &mut [Vec<f32>]) {
    let Some(dim) = vectors.first().map(Vec::len) else { return };
    let n = vectors.len() as f32;
    for k in 0..dim {
        let mean = vectors.iter().map(|v| v[k]).sum::<f32>() / n;
        let sd = (vectors.iter().map(|v| (v[k] - mean).powi(2)).sum::<f32>() / n).sqrt();
        for v in vectors.iter_mut() {
            v[k] = if sd > 1e-9 { (v[k] - mean) / sd } else { 0.0 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn harmonic(f0: f32, secs: f32) -> Vec<f32> {
        (0..(16000.0 * secs) as usize)
            .map(|i| {
                let t = i as f32 / 16000.0;
                (1..6).map(|h| (2.0 * std::f32::consts::PI * f0 * h as f32 * t).sin() / h as f32).sum::<f32>() * 0.1
            })
            .collect()
    }

    #[test]
    fn pitch_of_a_harmonic_tone() {
        let mut fx = FeatureExtractor::new();
        for f0 in [110.0, 220.0] {
            let f = fx.features(&harmonic(f0, 2.0), 8).unwrap();
            let p = f.pitch_hz.unwrap();
            assert!((p - f0).abs() < 2.0, "{p} vs {f0}");
            assert!(f.pitch_spread_st < 0.2);
        }
    }

    #[test]
    fn standardize_gives_zero_mean_unit_spread() {
        let mut v = vec![vec![1.0, 5.0], vec![3.0, 5.0]];
        standardize(&mut v);
        assert_eq!(v, vec![vec![-1.0, 0.0], vec![1.0, 0.0]]);
    }
}
