//! A turn's speech read in place: the pieces of a window of samples it is made of, in order,
//! never copied out as a whole. The encoder reads ≤ 8 partials of 1.6 s of it and the features
//! the same stretches, so a turn with two minutes of speech costs the few hundred KB of those
//! stretches, not the 7.7 MB of its samples. Every value read is the one the copied-out speech
//! would give (the volume gain included), so the embedding is the same to the bit.

/// Speech made of `window[a..b]` for each range, one after the other.
pub struct Pieced<'a> {
    window: &'a [f32],
    /// Window ranges `[a, b)`, non-empty, in speech order.
    ranges: Vec<(usize, usize)>,
    /// The speech index each range starts at (ascending, from 0).
    starts: Vec<usize>,
    len: usize,
    /// Applied to every sample read ([`Pieced::raise_volume`]).
    gain: Option<f32>,
}

impl<'a> Pieced<'a> {
    /// The speech made of `ranges` of `window` (empty ranges are dropped; ranges are clamped
    /// to the window).
    pub fn new(window: &'a [f32], ranges: impl IntoIterator<Item = (usize, usize)>) -> Pieced<'a> {
        let mut out = Pieced { window, ranges: Vec::new(), starts: Vec::new(), len: 0, gain: None };
        for (a, b) in ranges {
            let (a, b) = (a.min(window.len()), b.min(window.len()));
            if b > a {
                out.starts.push(out.len);
                out.ranges.push((a, b));
                out.len += b - a;
            }
        }
        out
    }

    /// All of `wav`.
    pub fn whole(wav: &'a [f32]) -> Pieced<'a> {
        Pieced::new(wav, [(0, wav.len())])
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The samples in speech order (a test's and a caller's view of the whole).
    pub fn samples(&self) -> impl Iterator<Item = f32> + '_ {
        self.ranges.iter().flat_map(|&(a, b)| self.window[a..b].iter().copied())
    }

    /// Resemblyzer's `normalize_volume(wav, -30, increase_only=True)`, as a gain on what is
    /// read ([`normalize_volume`](super::embed::normalize_volume) on the copied-out speech).
    pub fn raise_volume(&mut self) {
        self.gain = super::embed::volume_gain(self.len, self.samples());
    }

    /// Speech samples `[lo, hi)` (zero outside the speech) into `out`, replacing its contents.
    pub fn fill(&self, lo: isize, hi: isize, out: &mut Vec<f32>) {
        out.clear();
        let hi = hi.max(lo);
        let lead = (0isize.min(hi) - lo).max(0) as usize;
        out.resize(lead, 0.0);
        let mut at = lo.max(0) as usize;
        let end = (hi.max(0) as usize).min(self.len);
        let mut k = self.starts.partition_point(|&s| s <= at).saturating_sub(1);
        while at < end {
            let (a, b) = self.ranges[k];
            let from = a + (at - self.starts[k]);
            let take = (b - from).min(end - at);
            let src = &self.window[from..from + take];
            match self.gain {
                Some(g) => out.extend(src.iter().map(|x| x * g)),
                None => out.extend_from_slice(src),
            }
            at += take;
            k += 1;
        }
        out.resize((hi - lo) as usize, 0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_reads_the_concatenation_with_zeros_outside() {
        let window: Vec<f32> = (0..100).map(|i| i as f32).collect();
        let p = Pieced::new(&window, [(10, 20), (30, 30), (50, 55), (90, 200)]);
        let whole: Vec<f32> = (10..20).chain(50..55).chain(90..100).map(|i| i as f32).collect();
        assert_eq!(p.len(), whole.len());
        assert_eq!(p.samples().collect::<Vec<_>>(), whole);
        let mut out = Vec::new();
        for (lo, hi) in [(-5isize, 8isize), (0, 25), (9, 16), (14, 40), (-3, -1), (30, 28)] {
            p.fill(lo, hi, &mut out);
            let want: Vec<f32> = (lo..hi.max(lo))
                .map(|i| if i >= 0 && (i as usize) < whole.len() { whole[i as usize] } else { 0.0 })
                .collect();
            assert_eq!(out, want, "[{lo}, {hi})");
        }
    }

    #[test]
    fn the_gain_is_normalize_volume_on_the_copy() {
        let window: Vec<f32> = (0..4000).map(|i| 0.001 * ((i as f32) * 0.3).sin()).collect();
        let mut p = Pieced::new(&window, [(100, 900), (2000, 3500)]);
        let mut copy: Vec<f32> = p.samples().collect();
        super::super::embed::normalize_volume(&mut copy);
        p.raise_volume();
        let mut out = Vec::new();
        p.fill(0, p.len() as isize, &mut out);
        assert!(copy.iter().zip(&out).all(|(a, b)| a.to_bits() == b.to_bits()), "bit for bit");
        assert!(out[5].abs() > window[105].abs() * 2.0, "quiet speech raised");
    }
}
