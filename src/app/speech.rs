//! The speech analysis as the editor uses it: the player's one pass gives the speech activity
//! (`Player::speech`); the app keeps its speech segments ([`SpeechMap`], built once per
//! analysis) and answers, for a turn of the document, where its speech starts and ends and its
//! segments. Play this turn, Follow, Snap times to speech and the captions read it here.
//!
//! Without an analysis (no recording, or the pass still running) every answer is None / empty,
//! and the callers keep their behaviour without speech.

use super::App;
use crate::audio::speech::{divide, letters};
use crate::audio::{SpeechActivity, SpeechMap};
use crate::edit::Edit;
use crate::edit::snap::{SnapOptions, snap_to_speech};
use crate::model::{Ms, Transcript, TurnId};
use crate::ui::Modal;
use crate::ui::input::Spoken;
use crate::ui::snap::SnapOffer;
use std::sync::Arc;

/// The speech map of the player's current analysis.
#[derive(Default)]
pub(crate) struct SpeechCache {
    from: Option<Arc<SpeechActivity>>,
    map: Option<Arc<SpeechMap>>,
}

impl SpeechCache {
    /// Follow the player's analysis (`None` while there is none): the map is built once for
    /// each analysis.
    pub(crate) fn update(&mut self, activity: Option<Arc<SpeechActivity>>) {
        match activity {
            None => *self = SpeechCache::default(),
            Some(a) if self.from.as_ref().is_some_and(|f| Arc::ptr_eq(f, &a)) => {}
            Some(a) => {
                self.map = Some(Arc::new(a.map()));
                self.from = Some(a);
            }
        }
    }

    pub(crate) fn map(&self) -> Option<&Arc<SpeechMap>> {
        self.map.as_ref()
    }
}

/// Where turn `index`'s speech is looked for: from its time to its own end when it has one,
/// else to the next *later* turn's time (turns sharing a time share the window), else to the
/// recording's end.
pub fn turn_window(doc: &Transcript, index: usize, duration_ms: Option<Ms>) -> (Ms, Ms) {
    let t = &doc.turns[index];
    let start = t.start_ms;
    let end = t
        .end_ms
        .filter(|&e| e > start)
        .or_else(|| doc.turns[index + 1..].iter().map(|n| n.start_ms).find(|&s| s > start));
    (start, end.unwrap_or_else(|| duration_ms.unwrap_or(Ms::MAX / 2).max(start)))
}

/// The speech segments of turn `index` (empty for a turn without words: an empty turn says
/// nothing, whatever is heard in its window). Turns sharing a window divide its speech by
/// their letters, in order (`audio::speech::divide`, as the voice analysis does).
pub fn turn_segments(map: &SpeechMap, doc: &Transcript, index: usize, duration_ms: Option<Ms>) -> Vec<(Ms, Ms)> {
    if doc.turns[index].text.trim().is_empty() {
        return Vec::new();
    }
    let window = turn_window(doc, index, duration_ms);
    let segs = map.turn_segments(window.0, window.1);
    // Divided only when the turns at this time share the window too (none has its own end).
    let run = doc.same_time(index);
    if run.len() == 1 || run.clone().any(|j| turn_window(doc, j, duration_ms) != window) {
        return segs;
    }
    let weights: Vec<u64> = doc.turns[run.clone()].iter().map(|t| letters(&t.text)).collect();
    divide(&segs, &weights).swap_remove(index - run.start)
}

/// Where turn `index`'s speech starts and ends; None without speech in its window.
pub fn turn_speech(map: &SpeechMap, doc: &Transcript, index: usize, duration_ms: Option<Ms>) -> Option<(Ms, Ms)> {
    let segs = turn_segments(map, doc, index, duration_ms);
    Some((segs.first()?.0, segs.last()?.1))
}

/// Each turn's speech onset, in document order (for Snap times to speech).
pub fn onsets(map: &SpeechMap, doc: &Transcript, duration_ms: Option<Ms>) -> Vec<Option<Ms>> {
    (0..doc.turns.len()).map(|i| turn_speech(map, doc, i, duration_ms).map(|s| s.0)).collect()
}

impl App {
    /// Take up the player's analysis when it arrives or changes (once per frame).
    pub(crate) fn refresh_speech(&mut self) {
        self.speech.update(self.player.speech());
    }

    /// The speech segments of the recording, once its analysis is done.
    pub fn speech_map(&self) -> Option<&SpeechMap> {
        self.speech.map().map(|m| m.as_ref())
    }

    /// Where a turn's speech starts and ends, when the recording's analysis is done and finds
    /// speech in the turn's window.
    pub fn turn_speech(&self, turn: TurnId) -> Option<(Ms, Ms)> {
        turn_speech(self.speech_map()?, &self.doc, self.doc.turn_index(turn)?, self.player_state.duration_ms)
    }

    /// A turn's speech segments (empty without analysis or speech).
    pub fn turn_speech_segments(&self, turn: TurnId) -> Vec<(Ms, Ms)> {
        match (self.speech_map(), self.doc.turn_index(turn)) {
            (Some(m), Some(i)) => turn_segments(m, &self.doc, i, self.player_state.duration_ms),
            _ => Vec::new(),
        }
    }
}

/// How far into turn `index` the recording is at `pos`, as a share of its text: the share of
/// its speech heard so far when it has speech segments, else of its play window (the word
/// estimate: a steady speaking rate over the window).
pub fn spoken_fraction(segments: &[(Ms, Ms)], window: (Ms, Ms), pos: Ms) -> f32 {
    let total: Ms = segments.iter().map(|(a, b)| b - a).sum();
    if total > 0 {
        let heard: Ms = segments.iter().map(|&(a, b)| pos.clamp(a, b) - a).sum();
        return heard as f32 / total as f32;
    }
    let (a, b) = window;
    if b <= a { 0.0 } else { (pos.clamp(a, b) - a) as f32 / (b - a) as f32 }
}

impl App {
    /// What is being heard, for Follow: the turn at the playhead and the character there.
    pub(crate) fn spoken(&self) -> Option<Spoken> {
        if !self.audio_ready() || self.doc.turns.is_empty() {
            return None;
        }
        let pos = self.player_state.position_ms;
        let index = self.doc.turn_at(pos)?;
        let dur = self.player_state.duration_ms;
        let segments = self.speech_map().map(|m| turn_segments(m, &self.doc, index, dur)).unwrap_or_default();
        let fraction = spoken_fraction(&segments, super::playback::play_span(&self.doc, index, dur), pos);
        let chars = self.doc.turns[index].text.chars().count();
        Some(Spoken { index, char: ((fraction * chars as f32) as usize).min(chars), fraction })
    }
}

impl App {
    /// Snap times to speech: show what would move (the window's Apply asks for the edit).
    pub(crate) fn offer_snap(&mut self) {
        let Some(map) = self.speech_map() else { return };
        let onsets = onsets(map, &self.doc, self.player_state.duration_ms);
        let (edit, preview) = snap_to_speech(&self.doc, &onsets, &SnapOptions::default());
        let mut moves = Vec::new();
        if let Some(Edit::Batch { edits, .. }) = &edit {
            for e in edits {
                if let Edit::SetTiming { turn, start_ms, .. } = e
                    && let Some(i) = self.doc.turn_index(*turn)
                {
                    moves.push((i + 1, self.doc.turns[i].start_ms, *start_ms));
                }
            }
        }
        self.view.modal = Some(Modal::Snap(SnapOffer { summary: preview.summary(), moves, edit }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TranscriptBuilder;

    #[test]
    fn a_turn_s_speech_is_found_in_its_window() {
        let mut b = TranscriptBuilder::new();
        b.push(Some("A"), Some(1_000), None, "first words");
        b.push(Some("B"), Some(5_000), None, "shared time");
        b.push(Some("A"), Some(5_000), None, "");
        b.push(Some("B"), Some(9_000), Some(9_500), "own end");
        b.push(Some("A"), Some(12_000), None, "last");
        let doc = b.finish();
        let map = SpeechMap::from_segments(vec![(1_400, 3_000), (5_300, 6_000), (6_500, 8_000), (9_100, 11_000)]);
        assert_eq!(turn_window(&doc, 1, Some(20_000)), (5_000, 9_000));
        assert_eq!(turn_window(&doc, 3, Some(20_000)), (9_000, 9_500));
        assert_eq!(turn_window(&doc, 4, Some(20_000)), (12_000, 20_000));
        assert_eq!(turn_speech(&map, &doc, 0, None), Some((1_400, 3_000)));
        assert_eq!(turn_segments(&map, &doc, 1, None), vec![(5_300, 6_000), (6_500, 8_000)]);
        // The empty turn at the same time says nothing.
        assert_eq!(turn_speech(&map, &doc, 2, None), None);
        assert_eq!(turn_speech(&map, &doc, 3, None), Some((9_100, 9_500)));
        assert_eq!(onsets(&map, &doc, Some(20_000)), vec![Some(1_400), Some(5_300), None, Some(9_100), None]);
    }

    #[test]
    fn turns_at_one_second_each_play_and_snap_to_their_own_speech() {
        let mut b = TranscriptBuilder::new();
        b.push(Some("A"), Some(10_000), None, "Thank you.");
        b.push(Some("B"), Some(10_000), None, "Thank you.");
        b.push(Some("C"), Some(11_000), None, "Thanks so much.");
        let doc = b.finish();
        let map = SpeechMap::from_segments(vec![(10_000, 10_420), (10_490, 10_950), (11_000, 11_600)]);
        assert_eq!(turn_speech(&map, &doc, 0, None), Some((10_000, 10_420)));
        assert_eq!(turn_speech(&map, &doc, 1, None), Some((10_490, 10_950)));
        assert_eq!(onsets(&map, &doc, Some(20_000)), vec![Some(10_000), Some(10_490), Some(11_000)]);
    }

    #[test]
    fn the_spoken_share_follows_the_speech_else_the_window() {
        let segs = [(1_000, 2_000), (5_000, 8_000)];
        assert_eq!(spoken_fraction(&segs, (0, 10_000), 500), 0.0);
        assert_eq!(spoken_fraction(&segs, (0, 10_000), 3_000), 0.25, "the pause counts nothing");
        assert_eq!(spoken_fraction(&segs, (0, 10_000), 6_500), 0.625);
        assert_eq!(spoken_fraction(&segs, (0, 10_000), 9_000), 1.0);
        // Without speech: the share of the window.
        assert_eq!(spoken_fraction(&[], (10_000, 20_000), 12_500), 0.25);
        assert_eq!(spoken_fraction(&[], (10_000, 10_000), 12_500), 0.0);
    }

    #[test]
    fn the_cache_builds_one_map_per_analysis() {
        let act = Arc::new(SpeechActivity { frame_samples: 256, scores: vec![255; 100], energy: Vec::new() });
        let mut c = SpeechCache::default();
        c.update(Some(act.clone()));
        let first = c.map().cloned().expect("a map");
        c.update(Some(act));
        assert!(Arc::ptr_eq(&first, c.map().unwrap()), "the same analysis keeps its map");
        c.update(None);
        assert!(c.map().is_none());
    }
}
