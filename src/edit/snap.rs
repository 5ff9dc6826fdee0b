//! Snap times to speech: move each turn's start onto its speech onset, as one undoable
//! [`Edit::Batch`] of retimes, with a preview of how many turns move and by how much.
//!
//! The onsets are plain data (one `Option<Ms>` per turn, in document order, e.g. from
//! `audio::SpeechMap::onsets`), so editing knows nothing of audio.

use super::Edit;
use crate::model::{Ms, Transcript};

/// Label of the edit in the undo menu.
pub const LABEL: &str = "Snap times to speech";

/// What snapping ignores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SnapOptions {
    /// Moves smaller than this are left alone (ms).
    pub min_shift_ms: Ms,
    /// Moves larger than this are left alone (an onset that far from the turn's time is more
    /// likely a wrong detection than otter's rounding) (ms).
    pub max_shift_ms: Ms,
}

impl Default for SnapOptions {
    fn default() -> Self {
        SnapOptions { min_shift_ms: 20, max_shift_ms: 2_500 }
    }
}

/// How many turns move and by how much.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SnapPreview {
    /// Turns whose start changes.
    pub moved: usize,
    /// Turns with an onset that are left alone (move too small, too large, or out of order).
    pub kept: usize,
    /// Turns without an onset (no speech found in their window).
    pub no_speech: usize,
    /// Median and largest move of the turns that move (ms; later is positive).
    pub median_shift_ms: i64,
    pub max_shift_ms: i64,
}

impl SnapPreview {
    /// One line for the confirmation dialog.
    pub fn summary(&self) -> String {
        if self.moved == 0 {
            return "No turn moves: every start is already on its speech.".into();
        }
        format!(
            "{} turn{} move{} (median {:+} ms, largest {:+} ms); {} unchanged, {} without speech",
            self.moved,
            if self.moved == 1 { "" } else { "s" },
            if self.moved == 1 { "s" } else { "" },
            self.median_shift_ms,
            self.max_shift_ms,
            self.kept,
            self.no_speech
        )
    }
}

/// The snapping of `doc` onto `onsets` (one per turn, in document order): the edit (None when
/// nothing moves) and its preview. Starts stay in order: a turn moves only where it stays at or
/// after every earlier turn's (new) start and at or before every later one's, and never past
/// its own end.
pub fn snap_to_speech(doc: &Transcript, onsets: &[Option<Ms>], opts: &SnapOptions) -> (Option<Edit>, SnapPreview) {
    let mut p = SnapPreview::default();
    let starts: Vec<Ms> = doc.turns.iter().map(|t| t.start_ms).collect();
    let mut new = starts.clone();
    let mut with_onset = 0;
    for (i, t) in doc.turns.iter().enumerate() {
        let Some(on) = onsets.get(i).copied().flatten() else {
            p.no_speech += 1;
            continue;
        };
        with_onset += 1;
        let size = on.abs_diff(t.start_ms);
        if size >= opts.min_shift_ms && size <= opts.max_shift_ms && t.end_ms.is_none_or(|e| on <= e) {
            new[i] = on;
        }
    }
    // Undo moves that would put starts out of order until none does (each round undoes one or
    // more, so this ends).
    loop {
        let mut later_min = vec![Ms::MAX; new.len()];
        for i in (0..new.len().saturating_sub(1)).rev() {
            later_min[i] = later_min[i + 1].min(new[i + 1]);
        }
        let mut changed = false;
        let mut before_max = 0;
        for i in 0..new.len() {
            if new[i] != starts[i] && (new[i] < before_max || new[i] > later_min[i]) {
                new[i] = starts[i];
                changed = true;
            }
            before_max = before_max.max(new[i]);
        }
        if !changed {
            break;
        }
    }
    let mut edits = Vec::new();
    let mut shifts: Vec<i64> = Vec::new();
    for (i, t) in doc.turns.iter().enumerate() {
        if new[i] != starts[i] {
            edits.push(Edit::SetTiming { turn: t.id, start_ms: new[i], end_ms: t.end_ms });
            shifts.push(new[i] as i64 - starts[i] as i64);
        }
    }
    p.moved = edits.len();
    p.kept = with_onset - p.moved;
    if !shifts.is_empty() {
        let mut s = shifts.clone();
        s.sort_unstable();
        p.median_shift_ms = s[s.len() / 2];
        p.max_shift_ms = *shifts.iter().max_by_key(|x| x.unsigned_abs()).unwrap_or(&0);
    }
    let edit = (!edits.is_empty()).then(|| Edit::Batch { label: LABEL.into(), edits });
    (edit, p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TranscriptBuilder;

    #[test]
    fn snaps_in_one_undoable_step_and_previews_it() {
        let mut b = TranscriptBuilder::new();
        b.push(Some("A"), Some(0), None, "a");
        b.push(Some("B"), Some(9_000), None, "b");
        b.push(Some("A"), Some(12_000), None, "c");
        b.push(Some("B"), Some(13_000), None, "d");
        let mut d = b.finish();
        let before = d.clone();
        // Turn 0 already on its speech, turn 2 has none, turn 3's onset is 4 s late (kept).
        let onsets = [Some(5), Some(9_640), None, Some(17_000)];
        let (edit, p) = snap_to_speech(&d, &onsets, &SnapOptions::default());
        assert_eq!((p.moved, p.kept, p.no_speech), (1, 2, 1));
        assert_eq!((p.median_shift_ms, p.max_shift_ms), (640, 640));
        assert!(p.summary().starts_with("1 turn moves (median +640 ms"), "{}", p.summary());
        let edit = edit.expect("one turn moves");
        assert_eq!(edit.label(), LABEL);
        let inverse = edit.apply(&mut d).unwrap();
        assert_eq!(d.turns.iter().map(|t| t.start_ms).collect::<Vec<_>>(), vec![0, 9_640, 12_000, 13_000]);
        inverse.apply(&mut d).unwrap();
        assert_eq!(d, before);
    }

    #[test]
    fn starts_stay_in_order() {
        let mut b = TranscriptBuilder::new();
        b.push(Some("A"), Some(1_000), None, "a");
        b.push(Some("B"), Some(1_000), None, "b");
        b.push(Some("A"), Some(2_000), Some(2_300), "c");
        let d = b.finish();
        // Turns 0 and 1 share a time: turn 0's onset is after turn 1's, so only turn 1 moves;
        // turn 2's onset is past its own end.
        let (edit, p) = snap_to_speech(&d, &[Some(1_600), Some(1_300), Some(2_500)], &SnapOptions::default());
        assert_eq!((p.moved, p.kept), (1, 2));
        let Some(Edit::Batch { edits, .. }) = edit else { panic!("a batch") };
        assert_eq!(edits, vec![Edit::SetTiming { turn: d.turns[1].id, start_ms: 1_300, end_ms: None }]);
        // Both on the same onset: both move.
        let (_, p) = snap_to_speech(&d, &[Some(1_600), Some(1_600), None], &SnapOptions::default());
        assert_eq!(p.moved, 2);
        let (none, p) = snap_to_speech(&d, &[Some(1_000), Some(1_010), None], &SnapOptions::default());
        assert!(none.is_none());
        assert_eq!(p.summary(), "No turn moves: every start is already on its speech.");
    }
}
