//! What the two voice passes share ([`analyze`](super::analyze) decoding on its own,
//! [`listen`](super::listen) riding the one pass): each turn's speech cut out of a window of
//! 16 kHz samples, and the [`Batcher`] that embeds queued turns' speech a batch at a time.

use super::analyze::{AnalyzeOptions, MAX_WINDOW_MS, TurnSpan, TurnVoice};
use super::change::{self, Change, Pieces};
use super::embed::{self, BATCH, Prepared, THREADS, VoiceEncoder};
use super::features::{FeatureExtractor, VoiceFeatures};
use super::gate;
use super::mel::{MelSpec, SAMPLE_RATE};
use super::pieced::Pieced;

/// 16 kHz samples a millisecond. The windows the passes hold start on a whole millisecond, so
/// that a turn's speech (given in ms) is cut from the same samples whatever the window.
pub(super) const PER_MS: usize = SAMPLE_RATE as usize / 1000;

/// A turn's speech copied out (samples, and where each piece came from): the tests' reference.
#[cfg(test)]
pub(super) type Speech = (Vec<f32>, Pieces);

/// A turn's speech made ready for its batch ([`Preparer::cut`]): what the turns waiting
/// for a batch, or on their way to the embedder, hold instead of their samples.
#[derive(Debug, PartialEq)]
pub(super) struct Ready {
    pub(super) prepared: Option<Prepared>,
    pub(super) features: Option<VoiceFeatures>,
    pub(super) speech_ms: u64,
    pub(super) pieces: Pieces,
}

impl Ready {
    /// A turn with no speech.
    pub(super) fn none() -> Ready {
        Ready { prepared: None, features: None, speech_ms: 0, pieces: Vec::new() }
    }
}

/// Makes cut speech [`Ready`] where it is cut: the simple features, the volume and the mel
/// frames of the partials the encoder will take.
pub(super) struct Preparer {
    mel: MelSpec,
    fx: FeatureExtractor,
    features: bool,
    max_partials: usize,
    /// The stretch of a partial being read.
    view: Vec<f32>,
}

impl Preparer {
    pub(super) fn new(opts: &AnalyzeOptions) -> Preparer {
        Preparer {
            mel: MelSpec::new(),
            fx: FeatureExtractor::new(),
            features: opts.features,
            max_partials: opts.max_partials,
            view: Vec::new(),
        }
    }

    /// Speech already copied out, made ready (the tests' reference for [`Preparer::cut`]).
    #[cfg(test)]
    pub(super) fn ready(&mut self, speech: Speech) -> Ready {
        let (samples, pieces) = speech;
        self.ready_of(Pieced::whole(&samples), pieces)
    }

    /// The speech of `turn` in `window` (16 kHz samples from `window_ms`), made ready where it
    /// lies: its samples are read in place, never copied out whole.
    pub(super) fn cut(&mut self, window: &[f32], window_ms: u64, turn: &TurnSpan) -> Ready {
        let (ranges, pieces) = cut_ranges(window, window_ms, turn);
        self.ready_of(Pieced::new(window, ranges), pieces)
    }

    fn ready_of(&mut self, mut speech: Pieced<'_>, pieces: Pieces) -> Ready {
        let features =
            if self.features { self.fx.features_of(&speech, self.max_partials, &mut self.view) } else { None };
        let speech_ms = speech.len() as u64 * 1000 / SAMPLE_RATE as u64;
        let prepared = embed::prepare(&mut self.mel, &mut speech, self.max_partials, &mut self.view);
        Ready { prepared, features, speech_ms, pieces }
    }
}

/// Collects turns' speech and embeds them in batches, emitting results in the order queued.
pub(super) struct Batcher<'a, F: FnMut(TurnVoice)> {
    enc: &'a mut VoiceEncoder,
    prep: Preparer,
    queued: Vec<(usize, Ready, bool)>,
    partials: usize,
    on_turn: F,
}

impl<'a, F: FnMut(TurnVoice)> Batcher<'a, F> {
    pub(super) fn new(enc: &'a mut VoiceEncoder, opts: &AnalyzeOptions, on_turn: F) -> Batcher<'a, F> {
        Batcher { enc, prep: Preparer::new(opts), queued: Vec::new(), partials: 0, on_turn }
    }

    /// Queues the speech of `span` in `window` (16 kHz samples from `window_ms`), made
    /// [`Ready`] at once where it lies (read in place, never copied out: [`Preparer::cut`]).
    pub(super) fn push_cut(&mut self, turn: usize, window: &[f32], window_ms: u64, span: &TurnSpan, past_end: bool) {
        let ready = self.prep.cut(window, window_ms, span);
        self.push_ready(turn, ready, past_end);
    }

    /// Queues a turn made ready where it was cut; a batch is embedded once enough partials wait.
    pub(super) fn push_ready(&mut self, turn: usize, ready: Ready, past_end: bool) {
        self.partials += ready.prepared.as_ref().map_or(0, Prepared::partials);
        self.queued.push((turn, ready, past_end));
        if self.partials >= BATCH * THREADS {
            self.flush();
        }
    }

    pub(super) fn flush(&mut self) {
        let queued = std::mem::take(&mut self.queued);
        self.partials = 0;
        let mut meta = Vec::with_capacity(queued.len());
        let mut prepared = Vec::with_capacity(queued.len());
        for (turn, r, past_end) in queued {
            prepared.push(r.prepared);
            meta.push((turn, r.speech_ms, past_end, r.pieces, r.features));
        }
        let embeds = self.enc.embed_prepared(prepared);
        for ((turn, speech_ms, past_end, pieces, features), e) in meta.into_iter().zip(embeds) {
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
/// each piece of it came from: a copy, what [`Preparer::cut`] reads in place (the tests' check
/// that both give the same).
#[cfg(test)]
pub(super) fn cut_speech(window: &[f32], window_ms: u64, turn: &TurnSpan) -> Speech {
    let (ranges, pieces) = cut_ranges(window, window_ms, turn);
    (Pieced::new(window, ranges).samples().collect(), pieces)
}

/// Where [`cut_speech`] cuts: the window's sample ranges, in order, and the pieces.
fn cut_ranges(window: &[f32], window_ms: u64, turn: &TurnSpan) -> (Vec<(usize, usize)>, Pieces) {
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
    let (mut ranges, mut pieces, mut len) = (Vec::new(), Vec::new(), 0);
    for (s, e) in rel {
        let (a, b) = (ms_to_idx(s).min(window.len()), ms_to_idx(e).min(window.len()));
        if b > a {
            pieces.push((len, window_ms + a as u64 * 1000 / SAMPLE_RATE as u64));
            ranges.push((a, b));
            len += b - a;
        }
    }
    (ranges, pieces)
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
