//! The voice-activity network of the `earshot` crate (1.2.2), run by Turnfix's own code on the
//! crate's trained weights (`assets/models/earshot-1.2.2.vad`, extracted by
//! `tools/convert-earshot.py`; provenance in `assets/models/PROVENANCE.md`).
//!
//! Why our own: earshot spends a third of its time in a portable FFT and most of the rest in
//! scalar loops; the one pass over a recording runs it on every 16 ms frame, and that was the
//! cost that kept the pass over 1.3× a bare decode. Here the FFT is realfft (rustfft's SIMD
//! kernels, chosen at run time) and the layers are written over fixed-size slices that the
//! compiler vectorises. The scores match the crate's (tested against it: `tests/vad_net.rs`).
//!
//! The model, per frame of 256 samples (16 ms at 16 kHz):
//! - pre-emphasis (0.97) at 16-bit scale, a 768-sample periodic Hann window of the last three
//!   frames, zero-padded to a 1024-point FFT; power spectrum; 40 triangular mel bands; log;
//!   each frame's 40 values divided by their RMS and scaled per band;
//! - over the last 3 frames: a 3×3 depthwise convolution, 16 pointwise channels with bias,
//!   max-pool 3/2 with ReLU (16 × 18); a depthwise 3-tap convolution stride 2 with 16 × 16
//!   pointwise, bias, ReLU (16 × 9); the same without bias or ReLU (16 × 5), quantised to Q15;
//! - two minGRU layers of 64 in fixed point (Q15 input, Q9 weights, the gate clamped to 0..1);
//! - a Q9 dot product of both layers' state, sigmoid: the probability of speech.

use std::sync::{Arc, OnceLock};

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};

const MODEL: &[u8] = include_bytes!("../../assets/models/earshot-1.2.2.vad");

pub const FRAME: usize = 256;
const WINDOW: usize = 768;
const FFT: usize = 1024;
const MELS: usize = 40;
const CONTEXT: usize = 3;
const PRE_EMPHASIS: f32 = 0.97;
/// Samples in [-1, 1] are taken at 16-bit scale (the model was trained so).
const SCALE: f32 = 32768.0;
const POWER_FAC: f32 = 1.0 / (32768.0 * 32768.0);
/// Layer sizes.
const CH: usize = 16;
const L1_COLS: usize = MELS - 2; // 38 after the valid 3-wide convolution
const L1_OUT: usize = (L1_COLS - 3) / 2 + 1; // 18 after max-pool 3/2
const L2_OUT: usize = 9;
const L3_OUT: usize = 5;
const GRU1_IN: usize = CH * L3_OUT; // 80
const HID: usize = 64;

/// The trained numbers.
struct Weights {
    /// Mel band i: first FFT bin and its coefficients.
    mel: Vec<(usize, Vec<f32>)>,
    /// Highest FFT bin any band reads, plus one.
    bins: usize,
    hann: Vec<f32>,
    norm: [f32; MELS],
    k1: [f32; 9],
    w1: [f32; CH],
    b1: [f32; CH],
    k2: [f32; CH * 3],
    w2: [f32; CH * CH],
    b2: [f32; CH],
    k3: [f32; CH * 3],
    w3: [f32; CH * CH],
    gru1: Vec<i16>,
    gru2: Vec<i16>,
    out: [i16; 2 * HID],
}

fn take<const N: usize>(f: &[f32], at: &mut usize) -> [f32; N] {
    let mut a = [0.0; N];
    a.copy_from_slice(&f[*at..*at + N]);
    *at += N;
    a
}

impl Weights {
    /// Parse the model file (see `tools/convert-earshot.py` for its layout).
    fn parse(b: &[u8]) -> Option<Weights> {
        let rest = b.strip_prefix(b"TFVAD\0\0\x01")?;
        let n = u16::from_le_bytes(rest.get(..2)?.try_into().ok()?) as usize;
        let edges: Vec<usize> =
            rest.get(2..2 + 2 * n)?.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]]) as usize).collect();
        let rest = &rest[2 + 2 * n..];
        let len = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let body = rest.get(4..4 + len)?;
        const FLOATS: usize = 705;
        if n != MELS + 2 || len != FLOATS * 4 + (128 * GRU1_IN + 128 * HID + 2 * HID) * 2 {
            return None;
        }
        if edges.windows(2).any(|w| w[1] <= w[0]) || edges[n - 1] > FFT / 2 + 1 {
            return None;
        }
        let f: Vec<f32> =
            body[..FLOATS * 4].chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        let q: Vec<i16> = body[FLOATS * 4..].chunks_exact(2).map(|c| i16::from_le_bytes([c[0], c[1]])).collect();
        let mel = (0..MELS)
            .map(|i| {
                let (lo, peak, hi) = (edges[i], edges[i + 1], edges[i + 2]);
                let c = (lo..hi)
                    .map(|b| {
                        if b <= peak {
                            (b - lo) as f32 / (peak - lo) as f32
                        } else {
                            (hi - b) as f32 / (hi - peak) as f32
                        }
                    })
                    .collect();
                (lo, c)
            })
            .collect();
        let hann = (0..WINDOW)
            .map(|i| (0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / WINDOW as f64).cos()) as f32)
            .collect();
        let mut at = 0;
        let w = Weights {
            mel,
            bins: edges[n - 1],
            hann,
            norm: take(&f, &mut at),
            k1: take(&f, &mut at),
            w1: take(&f, &mut at),
            b1: take(&f, &mut at),
            k2: take(&f, &mut at),
            w2: take(&f, &mut at),
            b2: take(&f, &mut at),
            k3: take(&f, &mut at),
            w3: take(&f, &mut at),
            gru1: q[..128 * GRU1_IN].to_vec(),
            gru2: q[128 * GRU1_IN..128 * (GRU1_IN + HID)].to_vec(),
            out: q[128 * (GRU1_IN + HID)..].try_into().ok()?,
        };
        (at == FLOATS).then_some(w)
    }

    fn bundled() -> &'static Weights {
        static W: OnceLock<Weights> = OnceLock::new();
        // The file is compiled in and checked by a test: it cannot be malformed at run time.
        W.get_or_init(|| Weights::parse(MODEL).expect("the bundled VAD model parses (unit-tested)"))
    }
}

/// One detector per stream (it carries the last frames and the recurrent state).
pub struct VadNet {
    w: &'static Weights,
    fft: Arc<dyn RealToComplex<f32>>,
    /// The last three frames, pre-emphasised, at 16-bit scale.
    ring: [f32; WINDOW],
    prev: f32,
    /// Normalised log-mel features of the last three frames, oldest first.
    feats: [f32; MELS * CONTEXT],
    /// Both minGRU layers' state (Q15): layer 1 then layer 2.
    state: [i16; 2 * HID],
    input: Vec<f32>,
    spectrum: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
    /// The CPU has AVX2: [`VadNet::score`] runs its AVX2 build.
    #[cfg(target_arch = "x86_64")]
    avx2: bool,
}

impl Default for VadNet {
    fn default() -> Self {
        VadNet::new()
    }
}

impl VadNet {
    pub fn new() -> VadNet {
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(FFT);
        let (input, spectrum, scratch) = (fft.make_input_vec(), fft.make_output_vec(), fft.make_scratch_vec());
        VadNet {
            w: Weights::bundled(),
            fft,
            ring: [0.0; WINDOW],
            prev: 0.0,
            feats: [0.0; MELS * CONTEXT],
            state: [0; 2 * HID],
            input,
            spectrum,
            scratch,
            #[cfg(target_arch = "x86_64")]
            avx2: std::arch::is_x86_feature_detected!("avx2"),
        }
    }

    /// The probability (0..1) that `frame` (256 samples in [-1, 1], 16 kHz) is speech.
    pub fn score(&mut self, frame: &[f32]) -> f32 {
        #[cfg(target_arch = "x86_64")]
        if self.avx2 {
            // SAFETY: `avx2` is set only when the CPU was found to have AVX2 (`VadNet::new`).
            return unsafe { self.score_avx2(frame) };
        }
        self.score_portable(frame)
    }

    /// [`score`](Self::score) compiled for AVX2: the same code (no float operation is fused or
    /// reordered, so the scores are the same bit for bit), with the integer dot products of the
    /// minGRU layers and the element-wise loops on 256-bit vectors.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn score_avx2(&mut self, frame: &[f32]) -> f32 {
        self.score_portable(frame)
    }

    #[inline(always)]
    fn score_portable(&mut self, frame: &[f32]) -> f32 {
        debug_assert_eq!(frame.len(), FRAME);
        let frame: &[f32; FRAME] = frame.try_into().expect("a detector frame is 256 samples");
        self.ring.copy_within(FRAME.., 0);
        // Pre-emphasis, each sample against the one before it (the last of the previous frame
        // for the first): no carried dependency, so the loop vectorises.
        let prev = self.prev;
        let tail: &mut [f32; FRAME] = (&mut self.ring[WINDOW - FRAME..]).try_into().expect("ring tail");
        for (i, r) in tail.iter_mut().enumerate() {
            let before = if i == 0 { prev } else { frame[i - 1] * SCALE };
            *r = frame[i] * SCALE - PRE_EMPHASIS * before;
        }
        self.prev = frame[FRAME - 1] * SCALE;
        self.features();
        let l1 = self.layer1();
        let l2 = self.layer2(&l1);
        let l3 = self.layer3(&l2);
        let w = self.w;
        let (h1, h2) = self.state.split_at_mut(HID);
        min_gru::<GRU1_IN>(&l3, h1, &w.gru1);
        let first: [i16; HID] = (*h1).try_into().expect("layer size");
        min_gru::<HID>(&first, h2, &w.gru2);
        let out = self.state.iter().zip(&w.out).fold(0i32, |s, (&h, &k)| s.wrapping_add(h as i32 * k as i32));
        1.0 / (1.0 + (-(out as f32 / 16_777_216.0)).exp())
    }

    /// The current frame's normalised log-mel features, shifted into the context.
    #[inline(always)]
    fn features(&mut self) {
        let w = self.w;
        for ((x, &r), &h) in self.input.iter_mut().zip(&self.ring).zip(&w.hann) {
            *x = r * h;
        }
        self.input[WINDOW..].fill(0.0);
        // Lengths are the planner's own: this cannot fail.
        let _ = self.fft.process_with_scratch(&mut self.input, &mut self.spectrum, &mut self.scratch);
        let power = &mut self.input[..w.bins];
        for (p, c) in power.iter_mut().zip(&self.spectrum) {
            *p = c.norm_sqr() * POWER_FAC;
        }
        self.feats.copy_within(MELS.., 0);
        let cur = &mut self.feats[MELS * (CONTEXT - 1)..];
        for (v, (lo, c)) in cur.iter_mut().zip(&w.mel) {
            let band: f32 = power[*lo..*lo + c.len()].iter().zip(c).map(|(p, k)| p * k).sum();
            *v = (band + 1e-20).ln();
        }
        let inv_rms = 1.0 / (cur.iter().map(|x| x * x).sum::<f32>() / MELS as f32).sqrt();
        for (v, n) in cur.iter_mut().zip(&w.norm) {
            *v = n * *v * inv_rms;
        }
    }

    /// 3×3 depthwise over the context, 16 pointwise channels, max-pool 3/2, ReLU: 16 × 18.
    #[inline(always)]
    fn layer1(&self) -> [f32; CH * L1_OUT] {
        let w = self.w;
        let mut row = [0.0f32; L1_COLS];
        for (ox, r) in row.iter_mut().enumerate() {
            let mut s = 0.0;
            for kh in 0..3 {
                for kw in 0..3 {
                    s += self.feats[kh * MELS + ox + kw] * w.k1[kh * 3 + kw];
                }
            }
            *r = s;
        }
        let mut out = [0.0f32; CH * L1_OUT];
        for c in 0..CH {
            let (k, b) = (w.w1[c], w.b1[c]);
            for (q, o) in out[c * L1_OUT..(c + 1) * L1_OUT].iter_mut().enumerate() {
                let m = row[2 * q..2 * q + 3].iter().fold(0.0f32, |m, &x| m.max(x * k + b));
                *o = m;
            }
        }
        out
    }

    #[inline(always)]
    fn layer2(&self, input: &[f32; CH * L1_OUT]) -> [f32; CH * L2_OUT] {
        let w = self.w;
        let mut out = [0.0f32; CH * L2_OUT];
        for ox in 0..L2_OUT {
            let dw = depthwise::<L1_OUT>(input, &w.k2, ox);
            for oc in 0..CH {
                let s = pointwise(&dw, &w.w2[oc * CH..(oc + 1) * CH]);
                out[oc * L2_OUT + ox] = (s + w.b2[oc]).max(0.0);
            }
        }
        out
    }

    /// Output transposed (column-major: 5 × 16) and quantised to Q15 for the minGRU.
    #[inline(always)]
    fn layer3(&self, input: &[f32; CH * L2_OUT]) -> [i16; GRU1_IN] {
        let w = self.w;
        let mut out = [0i16; GRU1_IN];
        for ox in 0..L3_OUT {
            let dw = depthwise::<L2_OUT>(input, &w.k3, ox);
            for oc in 0..CH {
                let s = pointwise(&dw, &w.w3[oc * CH..(oc + 1) * CH]);
                out[ox * CH + oc] = (s * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
            }
        }
        out
    }
}

/// Each channel's 3-tap convolution (stride 2, padding 1) at output column `ox`.
#[inline(always)]
fn depthwise<const IN: usize>(input: &[f32], k: &[f32; CH * 3], ox: usize) -> [f32; CH] {
    let mut dw = [0.0f32; CH];
    for (c, d) in dw.iter_mut().enumerate() {
        let mut s = 0.0;
        for kw in 0..3 {
            let ix = (ox * 2 + kw) as isize - 1;
            if (0..IN as isize).contains(&ix) {
                s += input[c * IN + ix as usize] * k[c * 3 + kw];
            }
        }
        *d = s;
    }
    dw
}

#[inline(always)]
fn pointwise(dw: &[f32; CH], w: &[f32]) -> f32 {
    dw.iter().zip(w).fold(0.0, |s, (d, k)| s + d * k)
}

/// One minGRU layer in fixed point: 128 dot products (64 candidates, 64 gates) of the Q15
/// input with Q9 weights (Q24), then h = (1 − g)·h + g·candidate with the gate ×4 clamped to
/// 0..1, back to Q15.
#[inline(always)]
fn min_gru<const IN: usize>(x: &[i16], h: &mut [i16], weights: &[i16]) {
    let x: &[i16; IN] = x.try_into().expect("layer input size");
    let mut t = [0i32; 2 * HID];
    for (d, row) in t.iter_mut().zip(weights.chunks_exact(IN)) {
        *d = x.iter().zip(row).fold(0i32, |s, (&a, &b)| s.wrapping_add(a as i32 * b as i32));
    }
    const ONE: i64 = 16_777_215;
    for (i, hi) in h.iter_mut().enumerate() {
        let g = (t[HID + i].wrapping_shl(2) as i64).clamp(0, ONE);
        let y = (ONE - g) * ((*hi as i64) << 9) + g * t[i] as i64;
        *hi = (y >> 33).clamp(-32768, 32767) as i16;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_model_parses_and_a_damaged_one_does_not() {
        let w = Weights::parse(MODEL).expect("parses");
        assert_eq!((w.mel.len(), w.bins, w.gru1.len(), w.gru2.len()), (40, 486, 128 * 80, 128 * 64));
        assert_eq!(w.mel[0], (4, vec![0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0, 2.0 / 3.0, 1.0 / 3.0]));
        assert!(Weights::parse(&MODEL[..MODEL.len() - 1]).is_none(), "truncated");
        let mut bad = MODEL.to_vec();
        bad[0] = b'X';
        assert!(Weights::parse(&bad).is_none(), "wrong magic");
    }

    #[test]
    fn the_avx2_build_scores_exactly_as_the_portable_one() {
        let signal: Vec<f32> = (0..FRAME * 200)
            .map(|i| {
                let t = i as f32 / 16000.0;
                0.3 * (2.0 * std::f32::consts::PI * 180.0 * t).sin() * (0.5 + 0.5 * (7.0 * t).sin())
                    + ((i * 7919) % 101) as f32 * 1e-4
            })
            .collect();
        let (mut fast, mut plain) = (VadNet::new(), VadNet::new());
        for f in signal.chunks_exact(FRAME) {
            assert_eq!(fast.score(f).to_bits(), plain.score_portable(f).to_bits());
        }
        assert_eq!(fast.state, plain.state);
    }

    #[test]
    fn silence_is_not_speech_and_a_voiced_buzz_scores_higher() {
        let mut net = VadNet::new();
        let quiet: Vec<f32> = (0..FRAME * 60).map(|i| ((i * 7919) % 13) as f32 * 1e-5).collect();
        let q = quiet.chunks_exact(FRAME).map(|f| net.score(f)).last().unwrap();
        assert!(q < 0.2, "near silence scored {q}");
        // A 140 Hz glottal-like pulse train through a formant-ish resonance, amplitude-modulated
        // at a syllable rate: not speech, but far more speech-like than silence.
        let mut net = VadNet::new();
        let mut y = (0.0f32, 0.0f32);
        let buzz: Vec<f32> = (0..FRAME * 120)
            .map(|i| {
                let pulse = if i % 114 == 0 { 1.0 } else { 0.0 };
                let v = pulse + 1.6 * y.0 - 0.8 * y.1;
                y = (v, y.0);
                let env = 0.5 + 0.5 * (i as f32 * 2.0 * std::f32::consts::PI * 4.0 / 16000.0).sin();
                0.05 * v * env
            })
            .collect();
        let b: f32 = buzz.chunks_exact(FRAME).map(|f| net.score(f)).skip(20).sum::<f32>() / 100.0;
        assert!(b > q, "buzz {b} vs silence {q}");
    }
}
