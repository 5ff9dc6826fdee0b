//! Two voices in one turn: a likely missed change of speaker. From a turn's partial embeddings
//! (the ≤ [`DEFAULT_MAX_PARTIALS`](super::DEFAULT_MAX_PARTIALS) 1.6 s windows
//! [`embed`](super::embed) makes), the split of the partial sequence into a prefix and a suffix
//! whose mean embeddings differ most: contrast = 1 − cosine of the two means, each side holding
//! at least [`MIN_SIDE_PARTIALS`] partials. The split's time is the boundary between its two
//! partials; its score is a logistic of the contrast around [`CONTRAST_AT_HALF`] (tuned with
//! `benches/assist_voice.rs` on turns joined from two speakers; figures in docs/audio.md).

use super::embed::cosine;
use super::lstm::PARTIAL_FRAMES;
use super::mel::{HOP, SAMPLE_RATE};

/// The contrast that scores 0.5, the assistant's threshold for reporting two voices.
pub const CONTRAST_AT_HALF: f32 = 0.25;
/// How fast the score rises around [`CONTRAST_AT_HALF`] (contrast per logistic unit).
pub const CONTRAST_SCALE: f32 = 0.04;
/// Partials each side of a split needs: one 1.6 s window is too noisy a voice to compare.
pub const MIN_SIDE_PARTIALS: usize = 2;

/// A likely change of voice within a turn's speech.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChangePoint {
    /// Where the voice changes: a sample offset into the turn's speech (16 kHz).
    pub at_sample: usize,
    /// 1 − cosine of the prefix's and the suffix's mean embeddings.
    pub contrast: f32,
    /// 0 to 1: the logistic of the contrast around [`CONTRAST_AT_HALF`].
    pub score: f32,
}

/// A change of voice in a turn, at a time in the recording.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Change {
    /// Absolute time of the change, ms.
    pub at_ms: u64,
    pub contrast: f32,
    pub score: f32,
}

/// Where a turn's speech came from: each piece's first sample in the speech and its absolute
/// start in the recording (ms), in order.
pub type Pieces = Vec<(usize, u64)>;

/// The recording time (ms) of sample `at` of a speech cut from `pieces`.
pub fn time_of(pieces: &[(usize, u64)], at: usize) -> Option<u64> {
    let &(off, ms) = pieces.iter().rev().find(|(off, _)| *off <= at)?;
    Some(ms + ((at - off) as u64 * 1000 / SAMPLE_RATE as u64))
}

/// The score of a contrast.
pub fn score(contrast: f32) -> f32 {
    1.0 / (1.0 + (-(contrast - CONTRAST_AT_HALF) / CONTRAST_SCALE).exp())
}

/// The most contrasting split of `partials` (in time order, starting at mel frames `starts`),
/// or None with fewer than 2 × [`MIN_SIDE_PARTIALS`] partials.
pub fn change_point(partials: &[Vec<f32>], starts: &[usize]) -> Option<ChangePoint> {
    let n = partials.len().min(starts.len());
    if n < 2 * MIN_SIDE_PARTIALS {
        return None;
    }
    let dim = partials[0].len();
    let mut total = vec![0.0f32; dim];
    for p in &partials[..n] {
        total.iter_mut().zip(p).for_each(|(a, b)| *a += b);
    }
    let mut prefix = vec![0.0f32; dim];
    let mut suffix = vec![0.0f32; dim];
    let mut best: Option<(usize, f32)> = None;
    for (k, p) in partials[..n - MIN_SIDE_PARTIALS].iter().enumerate() {
        prefix.iter_mut().zip(p).for_each(|(a, b)| *a += b);
        let cut = k + 1;
        if cut < MIN_SIDE_PARTIALS {
            continue;
        }
        suffix.iter_mut().zip(prefix.iter().zip(&total)).for_each(|(s, (p, t))| *s = t - p);
        let contrast = 1.0 - cosine(&prefix, &suffix);
        if best.is_none_or(|(_, c)| contrast > c) {
            best = Some((cut, contrast));
        }
    }
    let (cut, contrast) = best?;
    // The boundary: midway between the centres of the last partial before and the first after.
    let centre = |i: usize| starts[i] * HOP + PARTIAL_FRAMES * HOP / 2;
    let at_sample = (centre(cut - 1) + centre(cut)) / 2;
    Some(ChangePoint { at_sample, contrast, score: score(contrast) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A unit vector along `axis`, tilted a little towards `noise_axis`.
    fn voice(axis: usize, noise_axis: usize, noise: f32) -> Vec<f32> {
        let mut v = vec![0.0; 16];
        v[axis] = 1.0;
        v[noise_axis] += noise;
        v
    }

    #[test]
    fn two_voices_split_where_the_voice_changes() {
        // Voice A on axis 0 for five partials, then voice B on axis 1 for three.
        let parts: Vec<Vec<f32>> =
            (0..8).map(|i| if i < 5 { voice(0, 2 + i, 0.3) } else { voice(1, 2 + i, 0.3) }).collect();
        let starts: Vec<usize> = (0..8).map(|i| i * 77).collect();
        let c = change_point(&parts, &starts).unwrap();
        // Between partial 4 (centre 4·77+80 frames) and partial 5 (5·77+80).
        assert_eq!(c.at_sample, (4 * 77 + 5 * 77 + 160) * HOP / 2);
        assert!(c.contrast > 0.8 && c.score > 0.99, "{c:?}");
    }

    #[test]
    fn one_voice_scores_low_and_short_turns_are_not_split() {
        let parts: Vec<Vec<f32>> = (0..8).map(|i| voice(0, 2 + i, 0.3)).collect();
        let starts: Vec<usize> = (0..8).map(|i| i * 77).collect();
        let c = change_point(&parts, &starts).unwrap();
        assert!(c.contrast < 0.1 && c.score < 0.01, "{c:?}");
        assert_eq!(change_point(&parts[..3], &starts[..3]), None, "each side needs two partials");
    }

    #[test]
    fn no_side_is_shorter_than_two_partials() {
        // The odd partial out is the last one: a one-partial suffix is not allowed, so the split
        // found keeps two partials after it.
        let parts: Vec<Vec<f32>> = (0..6).map(|i| if i < 5 { voice(0, 7, 0.0) } else { voice(1, 7, 0.0) }).collect();
        let starts: Vec<usize> = (0..6).map(|i| i * 77).collect();
        let c = change_point(&parts, &starts).unwrap();
        assert_eq!(c.at_sample, (3 * 77 + 4 * 77 + 160) * HOP / 2);
        assert_eq!(score(CONTRAST_AT_HALF), 0.5);
    }

    #[test]
    fn a_speech_offset_maps_back_to_its_piece_of_the_recording() {
        // 1 s of speech from 10 s, then 2 s from 20 s.
        let pieces = vec![(0, 10_000), (16_000, 20_000)];
        assert_eq!(time_of(&pieces, 8_000), Some(10_500));
        assert_eq!(time_of(&pieces, 16_000), Some(20_000));
        assert_eq!(time_of(&pieces, 24_000), Some(20_500));
        assert_eq!(time_of(&[], 0), None);
    }
}
