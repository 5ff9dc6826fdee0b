//! The mel spectrogram exactly as Resemblyzer computes it: `librosa.feature.melspectrogram` with
//! sr 16 kHz, n_fft 400 (25 ms), hop 160 (10 ms), 40 bands, periodic Hann window, centred frames
//! with zero padding (librosa ≥ 0.10), power 2, Slaney mel scale with Slaney area normalisation,
//! 0–8000 Hz. Not a log-mel: the encoder takes the power values.

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};

pub const SAMPLE_RATE: u32 = 16_000;
pub const N_FFT: usize = 400;
pub const HOP: usize = 160;
pub const N_MELS: usize = 40;
const N_BINS: usize = N_FFT / 2 + 1;

/// Slaney's mel scale (librosa `hz_to_mel(htk=False)`): linear below 1 kHz, log above.
fn hz_to_mel(f: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let min_log_hz = 1000.0;
    let min_log_mel = min_log_hz / f_sp;
    let logstep = 6.4f64.ln() / 27.0;
    if f >= min_log_hz { min_log_mel + (f / min_log_hz).ln() / logstep } else { f / f_sp }
}

fn mel_to_hz(m: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let min_log_hz = 1000.0;
    let min_log_mel = min_log_hz / f_sp;
    let logstep = 6.4f64.ln() / 27.0;
    if m >= min_log_mel { min_log_hz * (logstep * (m - min_log_mel)).exp() } else { f_sp * m }
}

/// `librosa.filters.mel(sr, n_fft, n_mels, norm="slaney")`: `n_mels` rows of `N_BINS` weights.
pub fn mel_filterbank(sr: u32, n_fft: usize, n_mels: usize) -> Vec<Vec<f32>> {
    let bins = n_fft / 2 + 1;
    let fmax = sr as f64 / 2.0;
    let fft_freqs: Vec<f64> = (0..bins).map(|k| k as f64 * fmax / (bins - 1) as f64).collect();
    let (lo, hi) = (hz_to_mel(0.0), hz_to_mel(fmax));
    let mel_f: Vec<f64> = (0..n_mels + 2).map(|i| mel_to_hz(lo + (hi - lo) * i as f64 / (n_mels + 1) as f64)).collect();
    (0..n_mels)
        .map(|i| {
            let (d0, d1) = (mel_f[i + 1] - mel_f[i], mel_f[i + 2] - mel_f[i + 1]);
            let enorm = 2.0 / (mel_f[i + 2] - mel_f[i]);
            fft_freqs
                .iter()
                .map(|&f| {
                    let lower = (f - mel_f[i]) / d0;
                    let upper = (mel_f[i + 2] - f) / d1;
                    (lower.min(upper).max(0.0) * enorm) as f32
                })
                .collect()
        })
        .collect()
}

/// Computes mel frames; holds the FFT plan, the window and the filterbank (sparse: each band's
/// first non-zero bin and its weights).
pub struct MelSpec {
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    bands: Vec<(usize, Vec<f32>)>,
    frame: Vec<f32>,
    spec: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
    power: Vec<f32>,
}

impl Default for MelSpec {
    fn default() -> Self {
        Self::new()
    }
}

impl MelSpec {
    pub fn new() -> MelSpec {
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(N_FFT);
        let window = (0..N_FFT)
            .map(|n| (0.5 - 0.5 * (2.0 * std::f64::consts::PI * n as f64 / N_FFT as f64).cos()) as f32)
            .collect();
        let bands = mel_filterbank(SAMPLE_RATE, N_FFT, N_MELS)
            .into_iter()
            .map(|row| {
                let first = row.iter().position(|&w| w > 0.0).unwrap_or(0);
                let last = row.iter().rposition(|&w| w > 0.0).unwrap_or(first);
                (first, row[first..=last].to_vec())
            })
            .collect();
        let spec = fft.make_output_vec();
        let scratch = fft.make_scratch_vec();
        MelSpec { fft, window, bands, frame: vec![0.0; N_FFT], spec, scratch, power: vec![0.0; N_BINS] }
    }

    /// Number of frames librosa gives for `n` samples (centred): `1 + n / HOP`.
    pub fn n_frames(n: usize) -> usize {
        1 + n / HOP
    }

    /// Mel frames `from..to` of `wav` (frame `t` is centred on sample `t * HOP`; outside the
    /// signal is zero), appended to `out` as `N_MELS` values per frame.
    pub fn frames(&mut self, wav: &[f32], from: usize, to: usize, out: &mut Vec<f32>) {
        self.frames_in(wav, 0, wav.len(), from, to, out);
    }

    /// [`MelSpec::frames`] of a signal of `len` samples of which `view` holds those from
    /// `view_start` on: every sample the frames read inside the signal must be in the view.
    pub fn frames_in(
        &mut self,
        view: &[f32],
        view_start: isize,
        len: usize,
        from: usize,
        to: usize,
        out: &mut Vec<f32>,
    ) {
        let half = (N_FFT / 2) as isize;
        for t in from..to {
            let start = (t * HOP) as isize - half;
            for (k, v) in self.frame.iter_mut().enumerate() {
                let i = start + k as isize;
                let x = if i >= 0 && (i as usize) < len { view[(i - view_start) as usize] } else { 0.0 };
                *v = x * self.window[k];
            }
            // Lengths are fixed by construction, so the FFT cannot fail.
            let _ = self.fft.process_with_scratch(&mut self.frame, &mut self.spec, &mut self.scratch);
            for (p, c) in self.power.iter_mut().zip(&self.spec) {
                *p = c.re * c.re + c.im * c.im;
            }
            for (first, w) in &self.bands {
                let s: f32 = w.iter().zip(&self.power[*first..]).map(|(a, b)| a * b).sum();
                out.push(s);
            }
        }
    }

    /// All frames of `wav`, as librosa would return them (frames × `N_MELS`, row-major).
    pub fn compute(&mut self, wav: &[f32]) -> Vec<f32> {
        let mut out = Vec::with_capacity(Self::n_frames(wav.len()) * N_MELS);
        self.frames(wav, 0, Self::n_frames(wav.len()), &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slaney_scale_round_trips_and_bends_at_1khz() {
        for f in [0.0, 300.0, 1000.0, 4000.0, 8000.0] {
            assert!((mel_to_hz(hz_to_mel(f)) - f).abs() < 1e-6);
        }
        assert!((hz_to_mel(1000.0) - 15.0).abs() < 1e-9);
    }

    #[test]
    fn filterbank_is_area_normalised_triangles() {
        let fb = mel_filterbank(16000, 400, 40);
        assert_eq!(fb.len(), 40);
        for row in &fb {
            assert_eq!(row.len(), 201);
            assert!(row.iter().all(|&w| w >= 0.0) && row.iter().any(|&w| w > 0.0));
        }
        // librosa.filters.mel(sr=16000, n_fft=400, n_mels=40)[0].max() (Slaney norm).
        let peak0 = fb[0].iter().cloned().fold(0.0, f32::max);
        assert!((peak0 - 0.012_404_5).abs() < 1e-5, "{peak0}");
    }

    #[test]
    fn a_sine_lands_in_the_band_around_its_frequency() {
        let wav: Vec<f32> =
            (0..16000).map(|i| (2.0 * std::f32::consts::PI * 440.0 * i as f32 / 16000.0).sin()).collect();
        let mel = MelSpec::new().compute(&wav);
        assert_eq!(mel.len(), 101 * N_MELS);
        let row = &mel[50 * N_MELS..51 * N_MELS];
        let best = row.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
        let centre = |i: usize| mel_to_hz(hz_to_mel(8000.0) * (i + 1) as f64 / 41.0);
        assert!((centre(best) - 440.0).abs() < 120.0, "band {best} at {} Hz", centre(best));
    }
}
