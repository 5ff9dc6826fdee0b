//! What the two voice passes share ([`analyze`](super::analyze) decoding on its own,
//! [`listen`](super::listen) riding the one pass): each turn's speech cut out of a window of
//! 16 kHz samples, and the [`Batcher`] that embeds queued turns' speech a batch at a time.

use super::analyze::{AnalyzeOptions, MAX_WINDOW_MS, TurnSpan, TurnVoice};
use super::change::{self, Change, Pieces};
use super::embed::{BATCH, THREADS, VoiceEncoder, cap_starts, partial_starts};
use super::features::{FeatureExtractor, VoiceFeatures};
use super::gate;
use super::mel::SAMPLE_RATE;

/// 16 kHz samples a millisecond. The windows the passes hold start on a whole millisecond, so
/// that a turn's speech (given in ms) is cut from the same samples whatever the window.
pub(super) const PER_MS: usize = SAMPLE_RATE as usize / 1000;

/// A turn's speech (samples, and where each piece came from) ready for the encoder.
pub(super) type Speech = (Vec<f32>, Pieces);

/// Collects turns' speech and embeds them in batches, emitting results in the order queued.
pub(super) struct Batcher<'a, F: FnMut(TurnVoice)> {
    enc: &'a mut VoiceEncoder,
    fx: FeatureExtractor,
    opts: AnalyzeOptions,
    queued: Vec<(usize, Speech, bool)>,
    partials: usize,
    on_turn: F,
}

impl<'a, F: FnMut(TurnVoice)> Batcher<'a, F> {
    pub(super) fn new(enc: &'a mut VoiceEncoder, opts: &AnalyzeOptions, on_turn: F) -> Batcher<'a, F> {
        Batcher { enc, fx: FeatureExtractor::new(), opts: opts.clone(), queued: Vec::new(), partials: 0, on_turn }
    }

    pub(super) fn push(&mut self, turn: usize, speech: Speech, past_end: bool) {
        self.partials += cap_starts(partial_starts(speech.0.len()), self.opts.max_partials).len();
        self.queued.push((turn, speech, past_end));
        if self.partials >= BATCH * THREADS {
            self.flush();
        }
    }

    pub(super) fn flush(&mut self) {
        let queued = std::mem::take(&mut self.queued);
        self.partials = 0;
        let features: Vec<Option<VoiceFeatures>> = queued
            .iter()
            .map(|(_, s, _)| if self.opts.features { self.fx.features(&s.0, self.opts.max_partials) } else { None })
            .collect();
        let mut meta: Vec<(usize, u64, bool, Pieces)> = Vec::with_capacity(queued.len());
        let mut speeches = Vec::with_capacity(queued.len());
        for (t, (s, pieces), p) in queued {
            meta.push((t, s.len() as u64 * 1000 / SAMPLE_RATE as u64, p, pieces));
            speeches.push(s);
        }
        let mut embeds = self.enc.embed_many_partials(speeches, self.opts.max_partials);
        embeds.resize(meta.len(), None);
        for (((turn, speech_ms, past_end, pieces), e), features) in meta.into_iter().zip(embeds).zip(features) {
            let change = e.as_ref().and_then(|e| {
                let c = change::change_point(&e.partials, &e.starts)?;
                Some(Change { at_ms: change::time_of(&pieces, c.at_sample)?, contrast: c.contrast, score: c.score })
            });
            let embedding = e.map(|e| e.embedding);
            (self.on_turn)(TurnVoice { turn, speech_ms, embedding, features, past_end, change });
        }
    }
}

/// Cut the speech of a turn out of `window` (16 kHz samples starting at `window_ms`), with where
/// each piece of it came from.
pub(super) fn cut_speech(window: &[f32], window_ms: u64, turn: &TurnSpan) -> Speech {
    let rel: Vec<(u64, u64)> = match &turn.speech {
        Some(spans) => spans
            .iter()
            .map(|&(s, e)| {
                (s.max(turn.start_ms).saturating_sub(window_ms), e.min(turn.end_ms).saturating_sub(window_ms))
            })
            .collect(),
        None => {
            let from = ms_to_idx(turn.start_ms.saturating_sub(window_ms)).min(window.len());
            let to = ms_to_idx(turn.end_ms.saturating_sub(window_ms)).min(window.len());
            let off = turn.start_ms.saturating_sub(window_ms);
            gate::speech_spans(&window[from..to.max(from)]).into_iter().map(|(s, e)| (s + off, e + off)).collect()
        }
    };
    let mut out = Vec::new();
    let mut pieces = Vec::new();
    for (s, e) in rel {
        let (a, b) = (ms_to_idx(s).min(window.len()), ms_to_idx(e).min(window.len()));
        if b > a {
            pieces.push((out.len(), window_ms + a as u64 * 1000 / SAMPLE_RATE as u64));
            out.extend_from_slice(&window[a..b]);
        }
    }
    (out, pieces)
}

/// The end of the part of a turn's window its speech is taken from ([`MAX_WINDOW_MS`]).
pub(super) fn window_end(t: &TurnSpan) -> u64 {
    t.end_ms.min(t.start_ms.saturating_add(MAX_WINDOW_MS))
}

/// The 16 kHz sample at `ms` (saturating: a transcript's times are not trusted).
pub(super) fn ms_to_idx(ms: u64) -> usize {
    usize::try_from(ms.saturating_mul(PER_MS as u64)).unwrap_or(usize::MAX)
}

/// `n` rounded down to whole milliseconds of samples: what a pass drops from the front of its
/// window, so that the window keeps starting on a millisecond.
pub(super) fn whole_ms(n: usize) -> usize {
    n / PER_MS * PER_MS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speech_is_cut_to_the_spans_inside_the_turn() {
        let wav: Vec<f32> = (0..48000).map(|i| i as f32).collect();
        let t = TurnSpan { start_ms: 1000, end_ms: 2000, speech: Some(vec![(500, 1100), (1900, 2500)]) };
        let (s, pieces) = cut_speech(&wav, 0, &t);
        assert_eq!(s.len(), 1600 + 1600);
        assert_eq!(s[0], 16000.0);
        assert_eq!(pieces, [(0, 1000), (1600, 1900)]);
        let s2 = cut_speech(&wav[8000..], 500, &t);
        assert_eq!((s, pieces), s2);
    }

    #[test]
    fn times_past_any_recording_do_not_overflow() {
        let t = TurnSpan { start_ms: u64::MAX - 5, end_ms: u64::MAX, speech: None };
        assert_eq!(window_end(&t), u64::MAX);
        assert_eq!(ms_to_idx(u64::MAX), usize::MAX);
        assert!(cut_speech(&[0.0; 320], 0, &t).0.is_empty());
        assert_eq!(whole_ms(33), 32);
    }
}
