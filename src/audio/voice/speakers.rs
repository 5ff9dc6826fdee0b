//! Speaker centroids and every turn's similarity to every speaker, updated turn by turn.
//!
//! A speaker's centroid is the sum of the embeddings of the turns labelled with it, each
//! weighted by its length of speech ([`turn_weight`]): a 6 s turn is a steadier picture of a
//! voice than a 0.5 s "yes", which in same-room meetings is often half someone else's.
//! A turn is compared with its own speaker's centroid *without itself* (leave-one-out), so a
//! speaker's only turn has no own-speaker score, and a mislabelled turn does not pull its label's
//! centroid towards itself.

use super::embed::cosine;

/// Shortest and longest speech a turn's weight counts (ms): under 0.3 s a turn still counts a
/// little; past 8 s the embedding (a mean of ≤ 8 partials of 1.6 s) gets no steadier.
pub const WEIGHT_MIN_MS: u64 = 300;
pub const WEIGHT_MAX_MS: u64 = 8_000;

/// A turn's weight in its speaker's centroid: its seconds of speech, clamped to
/// [`WEIGHT_MIN_MS`]..[`WEIGHT_MAX_MS`]. Tuned with `benches/assist_voice.rs` and the probes of
/// `tests/voice.rs` (docs/audio.md).
pub fn turn_weight(speech_ms: u64) -> f64 {
    speech_ms.clamp(WEIGHT_MIN_MS, WEIGHT_MAX_MS) as f64 / 1000.0
}

/// Embeddings (any fixed length) by turn and speaker, with running per-speaker sums.
#[derive(Clone, Debug, Default)]
pub struct SpeakerIndex {
    dim: usize,
    sums: Vec<Vec<f64>>,
    counts: Vec<usize>,
    /// Per turn: its speaker, weight and embedding.
    turns: Vec<Option<(usize, f64, Vec<f32>)>>,
}

impl SpeakerIndex {
    pub fn new(speakers: usize) -> SpeakerIndex {
        SpeakerIndex { dim: 0, sums: vec![Vec::new(); speakers], counts: vec![0; speakers], turns: Vec::new() }
    }

    /// Add (or replace) turn `turn`'s embedding, labelled with `speaker`, with weight 1.
    pub fn add(&mut self, turn: usize, speaker: usize, embedding: Vec<f32>) {
        self.add_weighted(turn, speaker, embedding, 1.0);
    }

    /// Add (or replace) turn `turn`'s embedding, labelled with `speaker`, counting `weight`
    /// in the speaker's centroid (see [`turn_weight`]).
    pub fn add_weighted(&mut self, turn: usize, speaker: usize, embedding: Vec<f32>, weight: f64) {
        if self.dim == 0 {
            self.dim = embedding.len();
        }
        if embedding.len() != self.dim {
            return;
        }
        if speaker >= self.sums.len() {
            self.sums.resize(speaker + 1, Vec::new());
            self.counts.resize(speaker + 1, 0);
        }
        if turn >= self.turns.len() {
            self.turns.resize(turn + 1, None);
        }
        if let Some((s, w, e)) = self.turns[turn].take() {
            self.counts[s] -= 1;
            self.sums[s].iter_mut().zip(&e).for_each(|(a, b)| *a -= w * *b as f64);
        }
        let sum = &mut self.sums[speaker];
        if sum.is_empty() {
            *sum = vec![0.0; self.dim];
        }
        sum.iter_mut().zip(&embedding).for_each(|(a, b)| *a += weight * *b as f64);
        self.counts[speaker] += 1;
        self.turns[turn] = Some((speaker, weight, embedding));
    }

    pub fn embedding(&self, turn: usize) -> Option<&[f32]> {
        self.turns.get(turn)?.as_ref().map(|(_, _, e)| e.as_slice())
    }

    /// Number of turns with an embedding labelled `speaker`.
    pub fn count(&self, speaker: usize) -> usize {
        self.counts.get(speaker).copied().unwrap_or(0)
    }

    /// Cosine similarity of `turn` to every speaker that has a centroid (its own speaker's
    /// without it), best first. Empty when the turn has no embedding yet.
    pub fn similarities(&self, turn: usize) -> Vec<(usize, f32)> {
        let Some((own, w, e)) = self.turns.get(turn).and_then(|t| t.as_ref()) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut c = vec![0.0f32; self.dim];
        for (s, sum) in self.sums.iter().enumerate() {
            let n = self.counts[s] - usize::from(s == *own);
            if n == 0 {
                continue;
            }
            for (k, v) in c.iter_mut().enumerate() {
                *v = (sum[k] - if s == *own { w * e[k] as f64 } else { 0.0 }) as f32;
            }
            out.push((s, cosine(e, &c)));
        }
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }

    /// The speaker `turn` sounds most like (leave-one-out), with its similarity.
    pub fn best(&self, turn: usize) -> Option<(usize, f32)> {
        self.similarities(turn).first().copied()
    }

    /// Cosine similarity of two turns' embeddings.
    pub fn pair(&self, a: usize, b: usize) -> Option<f32> {
        Some(cosine(self.embedding(a)?, self.embedding(b)?))
    }
}

/// Equal error rate of a verifier that says "same" when a score ≥ a threshold: the rate where
/// false accepts (different pairs above) equal false rejects (same pairs below).
pub fn equal_error_rate(same: &[f32], different: &[f32]) -> f32 {
    if same.is_empty() || different.is_empty() {
        return f32::NAN;
    }
    let mut all: Vec<(f32, bool)> =
        same.iter().map(|&s| (s, true)).chain(different.iter().map(|&d| (d, false))).collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Sweep the threshold upwards: below it everything is rejected.
    let (ns, nd) = (same.len() as f32, different.len() as f32);
    let (mut rejected_same, mut rejected_diff) = (0.0f32, 0.0f32);
    let mut best = (f32::INFINITY, 0.5f32);
    for (score, is_same) in all.iter().copied().chain(std::iter::once((f32::INFINITY, false))) {
        let frr = rejected_same / ns;
        let far = 1.0 - rejected_diff / nd;
        let gap = (frr - far).abs();
        if gap < best.0 {
            best = (gap, (frr + far) / 2.0);
        }
        if score.is_finite() {
            if is_same {
                rejected_same += 1.0;
            } else {
                rejected_diff += 1.0;
            }
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leave_one_out_excludes_the_turn_itself() {
        let mut ix = SpeakerIndex::new(2);
        ix.add(0, 0, vec![1.0, 0.0]);
        ix.add(1, 0, vec![0.0, 1.0]);
        ix.add(2, 1, vec![1.0, 0.1]);
        // Turn 0 against speaker 0 without itself is turn 1 alone: orthogonal.
        let s = ix.similarities(0);
        assert_eq!(s[0].0, 1);
        let own = s.iter().find(|x| x.0 == 0).unwrap().1;
        assert!(own.abs() < 1e-6);
        // Speaker 1 has one turn: no own-speaker score for it.
        assert!(ix.similarities(2).iter().all(|x| x.0 == 0));
        // Relabelling moves the embedding between the sums.
        ix.add(2, 0, vec![1.0, 0.1]);
        assert_eq!((ix.count(0), ix.count(1)), (3, 0));
    }

    #[test]
    fn a_longer_turn_weighs_more_in_its_speaker_s_centroid() {
        let mut ix = SpeakerIndex::new(2);
        // Speaker 0: a long turn along x, a short one along y. A probe between them, closer to
        // y, sounds like speaker 0's short turn only when the turns weigh the same.
        ix.add_weighted(0, 0, vec![1.0, 0.0], turn_weight(8_000));
        ix.add_weighted(1, 0, vec![0.0, 1.0], turn_weight(300));
        ix.add(2, 1, vec![0.6, 0.8]);
        let own = |ix: &SpeakerIndex| ix.similarities(2).iter().find(|x| x.0 == 0).unwrap().1;
        let weighted = own(&ix);
        assert!(weighted > 0.6 - 1e-3 && weighted < 0.65, "{weighted}");
        ix.add(0, 0, vec![1.0, 0.0]);
        ix.add(1, 0, vec![0.0, 1.0]);
        assert!((own(&ix) - 1.4 / 2f32.sqrt()).abs() < 1e-4, "equal weights: the plain mean");
        // Replacing a weighted turn takes exactly its weighted share out again.
        ix.add_weighted(0, 1, vec![1.0, 0.0], 3.0);
        assert_eq!(ix.count(0), 1);
        assert!((ix.similarities(1).iter().find(|x| x.0 == 0).map(|x| x.1)).is_none());
        assert_eq!(turn_weight(50), 0.3);
        assert_eq!(turn_weight(60_000), 8.0);
    }

    #[test]
    fn eer_of_separated_and_of_mixed_scores() {
        assert_eq!(equal_error_rate(&[0.9, 0.8], &[0.1, 0.2]), 0.0);
        let e = equal_error_rate(&[0.9, 0.3], &[0.5, 0.1]);
        assert!((e - 0.5).abs() < 1e-6, "{e}");
    }
}
