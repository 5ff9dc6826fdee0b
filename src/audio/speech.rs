//! Where the speech is: frame-level speech scores (from the one pass over the recording, see
//! [`super::analysis`]) smoothed into speech segments, and per turn the speech inside its window.
//!
//! Plain data (milliseconds, no audio types in the API), so the app, the exports and the
//! assistant can use it; `edit::snap` takes its onsets as a `Vec<Ms>`.

use crate::model::Ms;

/// Speech scores per frame of `frame_ms` ms (frame `i` covers `[i·frame_ms, (i+1)·frame_ms)`),
/// 0 (no speech) to 255 (speech), as the detector gave them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpeechActivity {
    /// Frame length in samples at 16 kHz (earshot: 256, i.e. 16 ms).
    pub frame_samples: u32,
    pub scores: Vec<u8>,
    /// The energy detector's decision per frame (255: over the noise floor), used to place
    /// segment boundaries; may be empty.
    pub energy: Vec<u8>,
}

impl SpeechActivity {
    pub fn frame_ms(&self) -> f64 {
        self.frame_samples as f64 / 16.0
    }

    /// Whether frame `i` is speech at `threshold` (0–255).
    pub fn is_speech(&self, i: usize, threshold: u8) -> bool {
        self.scores.get(i).is_some_and(|&s| s >= threshold)
    }

    /// The speech segments with the default smoothing.
    pub fn map(&self) -> SpeechMap {
        SpeechMap::from_activity(self, &Smoothing::default())
    }
}

/// How frame decisions become segments.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Smoothing {
    /// A frame is speech when its score is at least this (0–255; earshot's 0.5 is 128).
    pub threshold: u8,
    /// Pauses shorter than this inside speech are bridged (ms).
    pub min_gap_ms: Ms,
    /// Speech shorter than this is dropped as a click (ms).
    pub min_speech_ms: Ms,
    /// A segment's start moves back over frames the energy detector finds loud, up to this (ms):
    /// earshot needs a few hundred ms of evidence before it calls a quiet onset speech.
    pub extend_before_ms: Ms,
    /// Likewise its end moves forward, up to this (ms).
    pub extend_after_ms: Ms,
    /// Then its start moves back by this much more (ms): the quiet lead-in of a word (a soft
    /// consonant, a breath) is under the energy detector's floor but part of the speech.
    pub lead_in_ms: Ms,
}

impl Default for Smoothing {
    fn default() -> Self {
        // Threshold 0.4; bridging pauses under 300 ms keeps a phrase together while the gaps
        // between turns (300 ms and more) stay gaps; 48 ms (3 frames) drops clicks. Tuned on
        // the seed panel and libri-conv-a (docs/audio.md).
        Smoothing {
            threshold: 102,
            min_gap_ms: 300,
            min_speech_ms: 48,
            extend_before_ms: 640,
            extend_after_ms: 500,
            lead_in_ms: LEAD_IN_MS,
        }
    }
}

/// See [`Smoothing::lead_in_ms`]; tuned on libri-conv-a, whose labels include each utterance's
/// lead-in (docs/audio.md).
const LEAD_IN_MS: Ms = 48;

/// A run of this many frames (192 ms) that the energy detector finds quiet inside a segment
/// splits it; the first HANG_FRAMES (240 ms) of it stay with the speech before.
const QUIET_FRAMES: usize = 12;
const HANG_FRAMES: usize = 15;

/// Speech segments `[start, end)` in ms, sorted and disjoint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpeechMap {
    segments: Vec<(Ms, Ms)>,
}

/// A segment that starts more than this before a turn's start is speech carried over from the
/// turn before (otter's times are whole seconds: a turn's speech starts at or after its time).
/// (Segments start up to a lead-in early: see [`Smoothing::lead_in_ms`].)
const CARRY_OVER_MS: Ms = 60 + LEAD_IN_MS;
/// otter's time resolution: the real onset lies within this after the turn's time, and the
/// turn's last speech may run this far past the next turn's time.
const RESOLUTION_MS: Ms = 1000;

impl SpeechMap {
    /// From segments (sorted and merged here).
    pub fn from_segments(mut segments: Vec<(Ms, Ms)>) -> SpeechMap {
        segments.retain(|&(a, b)| b > a);
        segments.sort_unstable();
        let mut out: Vec<(Ms, Ms)> = Vec::with_capacity(segments.len());
        for (a, b) in segments {
            match out.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        SpeechMap { segments: out }
    }

    pub fn from_activity(act: &SpeechActivity, s: &Smoothing) -> SpeechMap {
        let fms = act.frame_ms();
        let at = |i: usize| (i as f64 * fms).round() as Ms;
        let mut frames = Vec::new();
        let mut run: Option<usize> = None;
        for (i, &sc) in act.scores.iter().enumerate() {
            match (sc >= s.threshold, run) {
                (true, None) => run = Some(i),
                (false, Some(a)) => {
                    frames.push((a, i));
                    run = None;
                }
                _ => {}
            }
        }
        if let Some(a) = run {
            frames.push((a, act.scores.len()));
        }
        // Bridge short pauses, drop short bursts (in frames).
        let gap = (s.min_gap_ms as f64 / fms).ceil() as usize;
        let min_len = (s.min_speech_ms as f64 / fms).ceil() as usize;
        let mut runs: Vec<(usize, usize)> = Vec::with_capacity(frames.len());
        for (a, b) in frames {
            match runs.last_mut() {
                Some(last) if a - last.1 < gap => last.1 = b,
                _ => runs.push((a, b)),
            }
        }
        // earshot holds its score for a few hundred ms after speech: a run is split where the
        // energy detector finds QUIET_FRAMES or more quiet frames, keeping HANG_FRAMES of them.
        if act.energy.len() == act.scores.len() {
            let mut split = Vec::with_capacity(runs.len());
            for (a, b) in runs {
                let mut start = a;
                let mut i = a;
                while i < b {
                    if act.energy[i] >= 128 {
                        i += 1;
                        continue;
                    }
                    let j = act.energy[i..b].iter().position(|&e| e >= 128).map_or(b, |k| i + k);
                    if j - i >= QUIET_FRAMES && i > start && j < b {
                        split.push((start, (i + HANG_FRAMES).min(j)));
                        start = j;
                    }
                    i = j;
                }
                split.push((start, b));
            }
            runs = split;
        }
        runs.retain(|&(a, b)| b - a >= min_len);
        // Then boundaries move over the loud frames next to them (merging only what overlaps).
        let loud = |i: usize| act.energy.get(i).is_some_and(|&e| e >= 128);
        let back = (s.extend_before_ms as f64 / fms) as usize;
        let fwd = (s.extend_after_ms as f64 / fms) as usize;
        let lead = (s.lead_in_ms as f64 / fms).round() as usize;
        let mut merged: Vec<(Ms, Ms)> = Vec::with_capacity(runs.len());
        for (a, b) in runs {
            let mut a2 = a;
            while a2 > 0 && a - a2 < back && loud(a2 - 1) {
                a2 -= 1;
            }
            let mut b2 = b;
            while b2 < act.scores.len() && b2 - b < fwd && loud(b2) {
                b2 += 1;
            }
            // The lead-in never joins a segment to the one before, nor comes within a lead-in
            // of it (segments a pause apart stay apart).
            let padded = at(a2.saturating_sub(lead));
            match merged.last_mut() {
                Some(last) if at(a2) <= last.1 => last.1 = last.1.max(at(b2)),
                Some(last) if padded <= last.1 + s.lead_in_ms => merged.push((at(a2), at(b2))),
                _ => merged.push((padded, at(b2))),
            }
        }
        SpeechMap { segments: merged }
    }

    pub fn segments(&self) -> &[(Ms, Ms)] {
        &self.segments
    }

    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Total speech, in ms.
    pub fn speech_ms(&self) -> Ms {
        self.segments.iter().map(|(a, b)| b - a).sum()
    }

    /// Whether `ms` lies in speech.
    pub fn is_speech_at(&self, ms: Ms) -> bool {
        let i = self.segments.partition_point(|s| s.1 <= ms);
        self.segments.get(i).is_some_and(|s| s.0 <= ms)
    }

    /// The segments that overlap `[a, b)`, clipped to it.
    pub fn segments_in(&self, a: Ms, b: Ms) -> Vec<(Ms, Ms)> {
        let i = self.segments.partition_point(|s| s.1 <= a);
        self.segments[i..].iter().take_while(|s| s.0 < b).map(|&(s, e)| (s.max(a), e.min(b))).collect()
    }

    /// The speech segments of a turn whose time is `start_ms` and whose window ends at
    /// `window_end_ms` (the next later turn's time, or the recording's end): speech carried over
    /// from before `start_ms` is left to the turn before when other speech starts within otter's
    /// one-second resolution; the last segment may run up to a second past the window's end
    /// (the next turn's whole-second time comes before its real onset), else it is cut there.
    pub fn turn_segments(&self, start_ms: Ms, window_end_ms: Ms) -> Vec<(Ms, Ms)> {
        if window_end_ms <= start_ms {
            return Vec::new();
        }
        let i = self.segments.partition_point(|s| s.1 <= start_ms);
        // A segment starting within a frame or so of the window's end is the next turn's.
        let mut segs: Vec<(Ms, Ms)> =
            self.segments[i..].iter().take_while(|s| s.0 + CARRY_OVER_MS < window_end_ms).copied().collect();
        if let Some(&(a, _)) = segs.first()
            && a + CARRY_OVER_MS < start_ms
            && segs.get(1).is_some_and(|s| s.0 < start_ms + RESOLUTION_MS)
        {
            segs.remove(0);
        }
        if let Some(first) = segs.first_mut() {
            first.0 = first.0.max(start_ms);
        }
        if let Some(last) = segs.last_mut()
            && last.1 > window_end_ms + RESOLUTION_MS
        {
            last.1 = window_end_ms;
        }
        segs
    }

    /// Where a turn's speech starts and ends (see [`SpeechMap::turn_segments`]); None when
    /// there is no speech in its window.
    pub fn turn_speech(&self, start_ms: Ms, window_end_ms: Ms) -> Option<(Ms, Ms)> {
        let segs = self.turn_segments(start_ms, window_end_ms);
        Some((segs.first()?.0, segs.last()?.1))
    }

    /// For each turn time in `starts` (sorted), the speech onset inside its window (up to the
    /// next later time, the last up to `end_ms`); None where there is none.
    pub fn onsets(&self, starts: &[Ms], end_ms: Ms) -> Vec<Option<Ms>> {
        windows(starts, end_ms).map(|(a, b)| self.turn_speech(a, b).map(|s| s.0)).collect()
    }
}

/// A turn's weight when turns share a window ([`divide`]): its letters and digits.
pub fn letters(text: &str) -> u64 {
    text.chars().filter(|c| c.is_alphanumeric()).count() as u64
}

/// A cut this close to a pause between segments (as a share of the speech divided) moves onto
/// the pause: turns that share a second are usually separate utterances.
const SNAP_SHARE: f64 = 0.25;

/// Divide `segs`, the speech of a window that several turns share (otter gives them one
/// second), between them in order by `weights` (each turn's letters): the speech time is cut
/// in proportion, each cut moved onto a pause between segments within [`SNAP_SHARE`] of it. One
/// list per weight, empty for a weight of 0; all weights 0, each gets all of it.
pub fn divide(segs: &[(Ms, Ms)], weights: &[u64]) -> Vec<Vec<(Ms, Ms)>> {
    let total: u64 = weights.iter().sum();
    if total == 0 {
        return vec![segs.to_vec(); weights.len()];
    }
    let len: Ms = segs.iter().map(|(a, b)| b - a).sum();
    let share = |t: Ms| t as f64 / len.max(1) as f64;
    // Where each pause falls in the speech time (after every segment but the last).
    let pauses: Vec<f64> = segs
        .iter()
        .take(segs.len().saturating_sub(1))
        .scan(0, |t, (a, b)| {
            *t += b - a;
            Some(share(*t))
        })
        .collect();
    let snap = |c: f64| {
        if c <= 0.0 || c >= 1.0 {
            return c;
        }
        let near = pauses.iter().copied().min_by(|x, y| (x - c).abs().total_cmp(&(y - c).abs()));
        near.filter(|p| (p - c).abs() <= SNAP_SHARE).unwrap_or(c)
    };
    let mut acc = 0;
    let mut cuts = vec![0.0];
    for (k, w) in weights.iter().enumerate() {
        acc += w;
        cuts.push(if k + 1 == weights.len() { 1.0 } else { snap(acc as f64 / total as f64) });
    }
    (0..weights.len())
        .map(|k| {
            if weights[k] == 0 || cuts[k + 1] <= cuts[k] {
                Vec::new()
            } else {
                between(segs, len, cuts[k], cuts[k + 1])
            }
        })
        .collect()
}

/// The part of `segs` (whose speech totals `len` ms) between the fractions `a` and `b` of it.
fn between(segs: &[(Ms, Ms)], len: Ms, a: f64, b: f64) -> Vec<(Ms, Ms)> {
    let (from, to) = ((len as f64 * a).round() as Ms, (len as f64 * b).round() as Ms);
    let mut out = Vec::new();
    let mut t = 0;
    for &(s, e) in segs {
        let (lo, hi) = (t, t + (e - s));
        let (x, y) = (from.max(lo), to.min(hi));
        if y > x {
            out.push((s + (x - lo), s + (y - lo)));
        }
        t = hi;
    }
    out
}

/// `(start, window end)` for each start: the window ends at the next strictly later start (turns
/// that share a time share the window), the last at `end_ms`.
pub fn windows(starts: &[Ms], end_ms: Ms) -> impl Iterator<Item = (Ms, Ms)> + '_ {
    starts.iter().enumerate().map(move |(i, &a)| {
        let b = starts[i + 1..].iter().copied().find(|&s| s > a).unwrap_or(end_ms.max(a));
        (a, b)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn act(bits: &str) -> SpeechActivity {
        SpeechActivity {
            frame_samples: 256,
            scores: bits.bytes().map(|b| if b == b'1' { 255 } else { 0 }).collect(),
            energy: Vec::new(),
        }
    }

    #[test]
    fn smoothing_bridges_pauses_and_drops_clicks() {
        // 16 ms frames: a 2-frame click, a 26-frame gap (416 ms, kept), speech with a 5-frame
        // pause (80 ms, bridged), a 25-frame gap, speech.
        let bits = format!("0011{}11111000001111{}11111", "0".repeat(26), "1".to_string() + &"0".repeat(25));
        let mut a = act(&bits);
        let no_lead = Smoothing { lead_in_ms: 0, ..Smoothing::default() };
        let m = SpeechMap::from_activity(&a, &no_lead);
        assert_eq!(m.segments(), &[(480, 720), (1120, 1200)]);
        assert!(m.is_speech_at(600) && !m.is_speech_at(900) && !m.is_speech_at(40));
        // The lead-in: each start a little earlier.
        let m = SpeechMap::from_activity(&a, &Smoothing::default());
        assert_eq!(m.segments(), &[(480 - LEAD_IN_MS, 720), (1120 - LEAD_IN_MS, 1200)]);
        // Loud frames before and after a segment move its boundaries (up to the limits).
        a.energy = vec![0; a.scores.len()];
        for i in 24..30 {
            a.energy[i] = 255;
        }
        a.energy[45] = 255;
        let m = SpeechMap::from_activity(&a, &no_lead);
        assert_eq!(m.segments(), &[(384, 736), (1120, 1200)]);
        // A lead-in never brings a segment within a lead-in of the one before.
        let close = act(&format!("{}{}{}", "1".repeat(10), "0".repeat(5), "1".repeat(10)));
        let m = SpeechMap::from_activity(&close, &Smoothing { min_gap_ms: 0, ..Smoothing::default() });
        assert_eq!(m.segments(), &[(0, 160), (240, 400)]);
    }

    #[test]
    fn turn_speech_skips_carried_over_speech_and_keeps_a_late_end() {
        let m = SpeechMap::from_segments(vec![(8_000, 9_200), (9_700, 12_400), (12_800, 15_000)]);
        // Turn at 9 s: speech from the turn before runs to 9.2 s, its own starts at 9.7 s; its
        // speech ends at 12.4 s, after the next turn's time (12 s).
        assert_eq!(m.turn_speech(9_000, 12_000), Some((9_700, 12_400)));
        assert_eq!(m.turn_segments(9_000, 12_000), vec![(9_700, 12_400)]);
        // The turn before keeps its speech.
        assert_eq!(m.turn_speech(8_000, 9_000), Some((8_000, 9_200)));
        // Speech running on with nothing else in the first second: it is this turn's.
        let long = SpeechMap::from_segments(vec![(5_000, 20_000)]);
        assert_eq!(long.turn_speech(9_000, 12_000), Some((9_000, 12_000)));
        assert_eq!(m.turn_speech(16_000, 18_000), None);
        assert_eq!(
            m.onsets(&[8_000, 9_000, 9_000, 12_000], 20_000),
            vec![Some(8_000), Some(9_700), Some(9_700), Some(12_800)]
        );
    }

    #[test]
    fn a_shared_window_s_speech_is_divided_by_words_at_its_pauses() {
        let two = [(10_000, 10_200), (10_500, 10_700)];
        assert_eq!(divide(&two, &[8, 8]), vec![vec![(10_000, 10_200)], vec![(10_500, 10_700)]]);
        assert_eq!(divide(&two, &[8, 12])[1], vec![(10_500, 10_700)], "a pause near the cut takes it");
        // No pause near: cut in proportion (900 ms of speech at 450 ms).
        let far = [(10_000, 10_100), (10_200, 11_000)];
        assert_eq!(divide(&far, &[1, 1]), vec![vec![(10_000, 10_100), (10_200, 10_550)], vec![(10_550, 11_000)]]);
        // An empty turn first gets nothing and the cut before the next is not moved off 0.
        assert_eq!(divide(&two, &[0, 8, 8]), vec![vec![], vec![(10_000, 10_200)], vec![(10_500, 10_700)]]);
        assert_eq!(divide(&two, &[0, 0]), vec![two.to_vec(), two.to_vec()], "no words: as it was");
        assert_eq!(letters("Thank you, Jo."), 10);
    }

    #[test]
    fn segments_are_merged_and_clipped() {
        let m = SpeechMap::from_segments(vec![(5, 10), (0, 6), (20, 30), (30, 31), (40, 40)]);
        assert_eq!(m.segments(), &[(0, 10), (20, 31)]);
        assert_eq!(m.segments_in(8, 25), vec![(8, 10), (20, 25)]);
        assert_eq!(m.speech_ms(), 21);
    }
}
