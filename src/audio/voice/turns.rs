//! The voice of every turn of a transcript: one pass over the recording, each turn's speech cut
//! out by the speech map (or, without one, by the energy gate), embedded. What the correction
//! assistant's voice checks take (`assist::VoiceEvidence` is built from it by the caller: the
//! assistant knows no audio types, and this module no assistant types).
//!
//! [`analysis_and_voices`] is what the CLI runs: with the recording's analysis cached, a decode
//! for the voices alone (each turn's speech from the speech map); without it, the one pass
//! ([`one_pass`]: peaks, speech activity and voices from one decode, the speech cut by the
//! gate), whose analysis is then cached.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::change::Change;
use super::share;
use super::{AnalyzeOptions, TurnSpan, TurnVoice, VoiceEncoder, VoiceError, analyze_recording, one_pass};
use crate::audio::analysis::{self, Analysis};
use crate::audio::speech::{SpeechMap, letters, windows};
use crate::audio::{decode, peaks};
use crate::model::{Ms, Transcript};

/// Each turn's window (its start to the next later start, the last to `duration_ms`) and its
/// speech in that window from `speech` (None: the gate finds it). Turns that share a start
/// divide that window's speech between them, in order and by their words
/// ([`share::apportion`]); an empty one gets none.
pub fn turn_spans(doc: &Transcript, speech: Option<&SpeechMap>, duration_ms: Ms) -> Vec<TurnSpan> {
    let starts: Vec<Ms> = doc.turns.iter().map(|t| t.start_ms).collect();
    let mut spans: Vec<TurnSpan> = windows(&starts, duration_ms)
        .map(|(s, e)| {
            let e = e.min(duration_ms.max(s));
            TurnSpan { start_ms: s, end_ms: e, speech: speech.map(|m| m.turn_segments(s, e)) }
        })
        .collect();
    // Turns that share a time share its window: each takes its part of it ([`share`]).
    let mut i = 0;
    while i < spans.len() {
        let run = doc.same_time(i);
        if run.len() > 1 {
            let weights: Vec<u64> = doc.turns[run.clone()].iter().map(|t| letters(&t.text)).collect();
            share::apportion(&weights, &mut spans[run.clone()]);
        }
        i = run.end;
    }
    spans
}

/// What the voice pass found for one span: its embedding (None: too little speech), the
/// most likely change of voice inside it ([`change`](super::change)) and the speech it was
/// taken from (ms; a turn's weight in its speaker's centroid).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpanVoice {
    pub embedding: Option<Vec<f32>>,
    pub change: Option<Change>,
    pub speech_ms: u64,
}

impl From<TurnVoice> for SpanVoice {
    fn from(tv: TurnVoice) -> SpanVoice {
        SpanVoice { embedding: tv.embedding, change: tv.change, speech_ms: tv.speech_ms }
    }
}

/// The voice of every turn of `doc` (embedding and change of voice), in turn order.
pub fn voice_turns(
    path: &Path,
    doc: &Transcript,
    speech: Option<&SpeechMap>,
    duration_ms: Ms,
    cancel: &AtomicBool,
    progress: impl FnMut(f32),
) -> Result<Vec<SpanVoice>, VoiceError> {
    voice_spans(path, &turn_spans(doc, speech, duration_ms), cancel, progress)
}

/// The voice of each of `spans` (any subset of a transcript's [`turn_spans`]: the editor
/// re-embeds only the turns whose span changed), in the order given. One decode of the
/// recording, up to the last span's end.
pub fn voice_spans(
    path: &Path,
    spans: &[TurnSpan],
    cancel: &AtomicBool,
    progress: impl FnMut(f32),
) -> Result<Vec<SpanVoice>, VoiceError> {
    let mut enc = VoiceEncoder::bundled()?;
    let mut out = vec![SpanVoice::default(); spans.len()];
    let opts = AnalyzeOptions { features: false, ..AnalyzeOptions::default() };
    analyze_recording(&mut enc, path, spans, &opts, cancel, progress, |tv| {
        if let Some(slot) = out.get_mut(tv.turn) {
            *slot = SpanVoice::from(tv);
        }
    })?;
    Ok(out)
}

/// The recording's analysis (peaks, speech activity) and the voice of each span that `spans_of`
/// gives (from the speech map when there is one, and the recording's length), decoding the
/// recording once: from the cache, the analysis and a decode for the voices, the speech cut by
/// the map; else the one pass, the speech cut by the gate, and the analysis cached.
pub fn analysis_and_voices(
    path: &Path,
    spans_of: impl FnOnce(Option<&SpeechMap>, Ms) -> Vec<TurnSpan>,
    cancel: &AtomicBool,
    progress: impl FnMut(f32),
) -> Result<(Analysis, Vec<SpanVoice>), VoiceError> {
    analysis_and_voices_in(&peaks::cache_dirs(), path, spans_of, cancel, progress)
}

/// [`analysis_and_voices`] with explicit cache directories.
pub fn analysis_and_voices_in(
    dirs: &[PathBuf],
    path: &Path,
    spans_of: impl FnOnce(Option<&SpeechMap>, Ms) -> Vec<TurnSpan>,
    cancel: &AtomicBool,
    progress: impl FnMut(f32),
) -> Result<(Analysis, Vec<SpanVoice>), VoiceError> {
    if let Some(an) = analysis::load_cached_from(dirs, path) {
        let spans = spans_of(Some(&an.speech.map()), an.duration_ms());
        let voices = voice_spans(path, &spans, cancel, progress)?;
        return Ok((an, voices));
    }
    let stream = decode::open(path)?;
    let source = stream.source();
    // The length the container gives; unknown, the last turn's window runs to the cap
    // (`MAX_WINDOW_MS`) and the pass stops at the recording's end.
    let duration = stream.info().duration_ms().unwrap_or(Ms::MAX);
    drop(stream);
    let spans = spans_of(None, duration);
    let mut enc = VoiceEncoder::bundled()?;
    let mut out = vec![SpanVoice::default(); spans.len()];
    let opts = AnalyzeOptions { features: false, ..AnalyzeOptions::default() };
    let (an, _) = one_pass(&mut enc, &source, &spans, &opts, cancel, progress, |tv| {
        if let Some(slot) = out.get_mut(tv.turn) {
            *slot = SpanVoice::from(tv);
        }
    })?;
    let _ = analysis::store_cached_in(dirs, path, &an);
    Ok((an, out))
}

/// [`analysis_and_voices`] for every turn of `doc` ([`turn_spans`]), in turn order.
pub fn analysis_and_voice_turns(
    path: &Path,
    doc: &Transcript,
    cancel: &AtomicBool,
    progress: impl FnMut(f32),
) -> Result<(Analysis, Vec<SpanVoice>), VoiceError> {
    analysis_and_voices(path, |map, duration| turn_spans(doc, map, duration), cancel, progress)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TranscriptBuilder;

    #[test]
    fn a_turn_s_span_runs_to_the_next_later_start_with_its_own_speech() {
        let mut b = TranscriptBuilder::new();
        b.push(Some("A"), Some(0), None, "a");
        b.push(Some("B"), Some(10_000), None, "b");
        b.push(Some("A"), Some(10_000), None, "c");
        b.push(Some("B"), Some(20_000), None, "d");
        let doc = b.finish();
        let m = SpeechMap::from_segments(vec![(1_000, 4_000), (11_000, 15_000), (21_000, 24_000)]);
        let s = turn_spans(&doc, Some(&m), 30_000);
        assert_eq!((s[0].start_ms, s[0].end_ms), (0, 10_000));
        assert_eq!(s[0].speech.as_deref(), Some(&[(1_000, 4_000)][..]));
        assert_eq!((s[1].end_ms, s[2].end_ms), (20_000, 20_000), "turns at one time share the window");
        // ... and divide its speech by their words (one letter each).
        assert_eq!(s[1].speech.as_deref(), Some(&[(11_000, 13_000)][..]));
        assert_eq!(s[2].speech.as_deref(), Some(&[(13_000, 15_000)][..]));
        assert_eq!((s[3].end_ms, s[3].speech.as_deref()), (30_000, Some(&[(21_000, 24_000)][..])));
        let gated = turn_spans(&doc, None, 30_000);
        assert!(gated[0].speech.is_none(), "no map: the gate decides");
        let w: Vec<(Ms, Ms)> = gated[1..3].iter().map(|s| (s.start_ms, s.end_ms)).collect();
        assert_eq!(w, vec![(10_000, 15_000), (15_000, 20_000)], "without a map the shared window is divided");
    }
}
