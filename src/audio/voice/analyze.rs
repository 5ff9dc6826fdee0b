//! One streaming pass over a recording: decode, cut each turn's speech, embed it (and take its
//! simple features), hand the result over turn by turn. Memory stays bounded: only the samples
//! from the earliest unfinished turn onwards are held, and the work per turn is capped
//! ([`AnalyzeOptions::max_partials`]).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use super::VoiceError;
use super::batch::{Batcher, ms_to_idx, whole_ms, window_end};
use super::change::Change;
use super::embed::{DEFAULT_MAX_PARTIALS, VoiceEncoder};
use super::features::VoiceFeatures;
use super::mel::SAMPLE_RATE;
use crate::audio::AudioError;
use crate::audio::decode;

/// A turn's speech is taken from at most this much of its window (its start onwards), so the
/// samples held stay bounded (60 s = 3.8 MB at 16 kHz) however long a turn is.
pub const MAX_WINDOW_MS: u64 = 60_000;

/// One turn to analyse: its window in the recording and, when known, its speech spans (absolute
/// ms). Without spans the [`gate`](super::gate) finds the speech inside the window.
#[derive(Clone, Debug, PartialEq)]
pub struct TurnSpan {
    pub start_ms: u64,
    pub end_ms: u64,
    pub speech: Option<Vec<(u64, u64)>>,
}

#[derive(Clone, Debug)]
pub struct AnalyzeOptions {
    /// At most this many 1.6 s partials per turn (the work cap).
    pub max_partials: usize,
    /// Also compute the simple features.
    pub features: bool,
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        AnalyzeOptions { max_partials: DEFAULT_MAX_PARTIALS, features: true }
    }
}

/// What the analysis found for one turn.
#[derive(Clone, Debug)]
pub struct TurnVoice {
    /// Index into the turns given.
    pub turn: usize,
    /// Speech used, ms (after the spans or the gate).
    pub speech_ms: u64,
    /// The GE2E embedding (256, unit length); None with < 300 ms of speech.
    pub embedding: Option<Vec<f32>>,
    pub features: Option<VoiceFeatures>,
    /// The turn reaches past the end of the recording.
    pub past_end: bool,
    /// The most likely change of voice inside the turn ([`change`]), with its score (None: too
    /// few partials to compare two sides).
    pub change: Option<Change>,
}

/// Analyse turns of a recording already decoded to 16 kHz mono (tests, short files).
pub fn analyze_samples(
    enc: &mut VoiceEncoder,
    wav: &[f32],
    turns: &[TurnSpan],
    opts: &AnalyzeOptions,
    on_turn: impl FnMut(TurnVoice),
) {
    let mut b = Batcher::new(enc, opts, on_turn);
    let len_ms = wav.len() as u64 * 1000 / SAMPLE_RATE as u64;
    for (i, t) in turns.iter().enumerate() {
        b.push_cut(i, wav, 0, t, t.end_ms > len_ms);
    }
    b.flush();
}

/// What a pass over a recording measured.
#[derive(Clone, Debug, PartialEq)]
pub struct PassStats {
    pub recording_ms: u64,
    /// Turns that reach past the end of the recording.
    pub turns_past_end: Vec<usize>,
    /// Most 16 kHz samples held at once.
    pub peak_buffer_samples: usize,
    /// Stretches decoded at once (the one pass splits a long MP3, WAV or FLAC over two threads).
    pub stretches: usize,
}

/// Decode `path` once and analyse `turns`, calling `on_turn` as each turn is done (in the order
/// of the turns' starts, batched a few turns at a time) and `progress` with 0..=1.
pub fn analyze_recording(
    enc: &mut VoiceEncoder,
    path: &Path,
    turns: &[TurnSpan],
    opts: &AnalyzeOptions,
    cancel: &AtomicBool,
    mut progress: impl FnMut(f32),
    on_turn: impl FnMut(TurnVoice),
) -> Result<PassStats, VoiceError> {
    let mut stream = decode::open(path)?;
    let info = stream.info().clone();
    let (rate, ch) = (info.sample_rate.max(1), info.channels.max(1) as usize);
    let total_ms = info.duration_ms().unwrap_or(0).max(1);
    let mut order: Vec<usize> = (0..turns.len()).collect();
    order.sort_by_key(|&i| (turns[i].start_ms, i));
    let mut b = Batcher::new(enc, opts, on_turn);
    let mut resampler = Resampler::new(rate);
    // 16 kHz mono samples from `base` (absolute sample index) onwards.
    let (mut buf, mut base) = (Vec::<f32>::new(), 0usize);
    let mut chunk = Vec::new();
    let mut next = 0usize;
    let mut peak = 0usize;
    let mut ended = false;
    let mut past_end = Vec::new();
    while next < order.len() {
        if cancel.load(Ordering::Relaxed) {
            return Err(AudioError::Cancelled.into());
        }
        if !ended {
            match stream.next_chunk(&mut chunk)? {
                Some(_) => {
                    let mono: Vec<f32> = chunk.chunks_exact(ch).map(|f| f.iter().sum::<f32>() / ch as f32).collect();
                    resampler.push(&mono, &mut buf);
                    peak = peak.max(buf.len());
                }
                None => {
                    resampler.finish(&mut buf);
                    ended = true;
                }
            }
        }
        let have_ms = ((base + buf.len()) as u64) * 1000 / SAMPLE_RATE as u64;
        while next < order.len() && (ended || window_end(&turns[order[next]]) <= have_ms) {
            let t = &turns[order[next]];
            let window_ms = base as u64 * 1000 / SAMPLE_RATE as u64;
            let is_past = window_end(t) > have_ms;
            if is_past {
                past_end.push(order[next]);
            }
            let capped = TurnSpan { end_ms: window_end(t), ..t.clone() };
            b.push_cut(order[next], &buf, window_ms, &capped, is_past);
            next += 1;
            // Keep only what later turns can still need.
            if let Some(&n) = order.get(next) {
                let keep_from = ms_to_idx(turns[n].start_ms).saturating_sub(SAMPLE_RATE as usize);
                if keep_from > base {
                    let drop = whole_ms((keep_from - base).min(buf.len()));
                    buf.drain(..drop);
                    base += drop;
                }
            }
            progress((t.end_ms as f32 / total_ms as f32).min(1.0));
        }
        if !ended && next < order.len() && turns[order[next]].start_ms > have_ms + 1000 {
            // Nothing of the next turn yet: hold no more than a second.
            let drop = whole_ms(buf.len().saturating_sub(SAMPLE_RATE as usize));
            buf.drain(..drop);
            base += drop;
        }
    }
    b.flush();
    progress(1.0);
    past_end.sort_unstable();
    Ok(PassStats {
        recording_ms: ((base + buf.len()) as u64 * 1000 / SAMPLE_RATE as u64).max(info.duration_ms().unwrap_or(0)),
        turns_past_end: past_end,
        peak_buffer_samples: peak,
        stretches: 1,
    })
}

/// Streaming conversion to 16 kHz: a windowed-sinc interpolator (Hann, ±16 taps at the lower of
/// the two rates) over a short carried history; a plain copy at 16 kHz.
struct Resampler {
    rate: u32,
    hist: Vec<f32>,
    /// Absolute input index of `hist[0]`.
    hist_base: usize,
    /// Next output sample (absolute).
    out_n: usize,
}

const TAPS: isize = 16;

impl Resampler {
    fn new(rate: u32) -> Resampler {
        Resampler { rate, hist: Vec::new(), hist_base: 0, out_n: 0 }
    }

    fn push(&mut self, input: &[f32], out: &mut Vec<f32>) {
        if self.rate == SAMPLE_RATE {
            out.extend_from_slice(input);
            return;
        }
        self.hist.extend_from_slice(input);
        self.run(out, false);
    }

    fn finish(&mut self, out: &mut Vec<f32>) {
        if self.rate != SAMPLE_RATE {
            self.run(out, true);
        }
    }

    fn run(&mut self, out: &mut Vec<f32>, last: bool) {
        let ratio = self.rate as f64 / SAMPLE_RATE as f64;
        let cutoff = (1.0 / ratio).min(1.0);
        let span = (TAPS as f64 / cutoff).ceil() as isize;
        let have = self.hist_base + self.hist.len();
        loop {
            let pos = self.out_n as f64 * ratio;
            let centre = pos.floor() as isize;
            if centre as usize >= have || (!last && (centre + span) as usize >= have) {
                break;
            }
            let mut acc = 0.0f64;
            for k in (centre - span + 1)..=(centre + span) {
                let i = k - self.hist_base as isize;
                if i < 0 || i as usize >= self.hist.len() {
                    continue;
                }
                let x = (pos - k as f64) * cutoff;
                let sinc =
                    if x.abs() < 1e-9 { 1.0 } else { (std::f64::consts::PI * x).sin() / (std::f64::consts::PI * x) };
                let w = 0.5 + 0.5 * (std::f64::consts::PI * (pos - k as f64) / (span as f64 + 1.0)).cos();
                acc += self.hist[i as usize] as f64 * sinc * w * cutoff;
            }
            out.push(acc as f32);
            self.out_n += 1;
        }
        let need_from = ((self.out_n as f64 * ratio).floor() as isize - span).max(0) as usize;
        if need_from > self.hist_base {
            let drop = (need_from - self.hist_base).min(self.hist.len());
            self.hist.drain(..drop);
            self.hist_base += drop;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resampling_keeps_a_tone_and_the_length() {
        let input: Vec<f32> =
            (0..22050).map(|i| (2.0 * std::f32::consts::PI * 440.0 * i as f32 / 22050.0).sin()).collect();
        let mut r = Resampler::new(22050);
        let mut out = Vec::new();
        for c in input.chunks(1000) {
            r.push(c, &mut out);
        }
        r.finish(&mut out);
        assert!(out.len().abs_diff(16000) <= 1, "{}", out.len());
        for (n, &y) in out.iter().enumerate().skip(100).take(15000) {
            let want = (2.0 * std::f32::consts::PI * 440.0 * n as f32 / 16000.0).sin();
            assert!((y - want).abs() < 0.02, "sample {n}: {y} vs {want}");
        }
    }
}
