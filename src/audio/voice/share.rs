//! Turns that share a time: otter gives several turns the same whole second (a "Thank you."
//! and the next speaker's "Thanks."), so they share one window of the recording. Each is given
//! its own part of that window's speech, in order, in proportion to its words (an empty turn
//! none), so that each turn's voice is its own.

use super::analyze::TurnSpan;

/// A cut this close to a pause between segments (as a share of the group's speech) moves onto
/// the pause: turns that share a second are usually separate utterances.
const SNAP_SHARE: f64 = 0.25;

/// Give each of `spans` (one group of turns sharing a start, hence one window) its part of the
/// window: by `weights` (each turn's letters). With the speech known, the speech time is
/// divided, each cut moved onto a nearby pause; without it, the window's time.
pub fn apportion(weights: &[u64], spans: &mut [TurnSpan]) {
    let total: u64 = weights.iter().sum();
    if total == 0 || spans.len() != weights.len() || spans.is_empty() {
        return;
    }
    let mut acc = 0u64;
    let mut cuts = vec![0.0f64];
    for w in weights {
        acc += w;
        cuts.push(acc as f64 / total as f64);
    }
    match spans[0].speech.clone() {
        Some(segs) => {
            let len: u64 = segs.iter().map(|(a, b)| b - a).sum();
            // Where each pause falls in the group's speech time (the end of each segment but the last).
            let mut pauses = Vec::new();
            let mut t = 0u64;
            for (a, b) in &segs[..segs.len().saturating_sub(1)] {
                t += b - a;
                pauses.push(t as f64 / len.max(1) as f64);
            }
            let snapped: Vec<f64> = cuts
                .iter()
                .map(|&c| {
                    if c <= 0.0 || c >= 1.0 {
                        return c;
                    }
                    let near = pauses.iter().copied().min_by(|x, y| (x - c).abs().total_cmp(&(y - c).abs()));
                    near.filter(|p| (p - c).abs() <= SNAP_SHARE).unwrap_or(c)
                })
                .collect();
            for (k, span) in spans.iter_mut().enumerate() {
                let (a, b) = (snapped[k], snapped[k + 1]);
                span.speech = Some(if b > a { speech_between(&segs, len, a, b) } else { Vec::new() });
            }
        }
        None => {
            let (s, e) = (spans[0].start_ms, spans[0].end_ms);
            let at = |c: f64| s + ((e - s) as f64 * c).round() as u64;
            for (k, span) in spans.iter_mut().enumerate() {
                span.start_ms = at(cuts[k]);
                span.end_ms = at(cuts[k + 1]);
            }
        }
    }
}

/// The part of `segs` (whose speech totals `len` ms) between the fractions `a` and `b` of it.
fn speech_between(segs: &[(u64, u64)], len: u64, a: f64, b: f64) -> Vec<(u64, u64)> {
    let (from, to) = ((len as f64 * a).round() as u64, (len as f64 * b).round() as u64);
    let mut out = Vec::new();
    let mut t = 0u64;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn group(n: usize, speech: Option<Vec<(u64, u64)>>) -> Vec<TurnSpan> {
        vec![TurnSpan { start_ms: 10_000, end_ms: 11_000, speech }; n]
    }

    #[test]
    fn two_turns_in_one_second_each_get_their_own_utterance() {
        // "Thank you." / "Thank you.": 200 ms each, 300 ms apart.
        let mut g = group(2, Some(vec![(10_000, 10_200), (10_500, 10_700)]));
        apportion(&[8, 8], &mut g);
        assert_eq!(g[0].speech.as_deref(), Some(&[(10_000, 10_200)][..]));
        assert_eq!(g[1].speech.as_deref(), Some(&[(10_500, 10_700)][..]));
        // Unequal words still cut at the pause, when it is near the proportional point.
        let mut g = group(2, Some(vec![(10_000, 10_200), (10_500, 10_700)]));
        apportion(&[8, 12], &mut g);
        assert_eq!(g[1].speech.as_deref(), Some(&[(10_500, 10_700)][..]));
    }

    #[test]
    fn an_empty_turn_gets_no_speech_and_its_neighbour_all_of_it() {
        let mut g = group(2, Some(vec![(10_000, 10_900)]));
        apportion(&[40, 0], &mut g);
        assert_eq!(g[0].speech.as_deref(), Some(&[(10_000, 10_900)][..]));
        assert_eq!(g[1].speech.as_deref(), Some(&[][..]));
    }

    #[test]
    fn without_a_pause_near_the_cut_the_speech_is_cut_in_proportion() {
        let mut g = group(2, Some(vec![(10_000, 10_100), (10_200, 11_000)]));
        apportion(&[1, 1], &mut g);
        // 900 ms of speech cut at 450 ms: the pause (at 100 ms) is too far off.
        assert_eq!(g[0].speech.as_deref(), Some(&[(10_000, 10_100), (10_200, 10_550)][..]));
        assert_eq!(g[1].speech.as_deref(), Some(&[(10_550, 11_000)][..]));
    }

    #[test]
    fn without_the_speech_the_window_is_divided() {
        let mut g = group(3, None);
        apportion(&[1, 0, 3], &mut g);
        let w: Vec<(u64, u64)> = g.iter().map(|s| (s.start_ms, s.end_ms)).collect();
        assert_eq!(w, vec![(10_000, 10_250), (10_250, 10_250), (10_250, 11_000)]);
        let mut g = group(2, None);
        apportion(&[0, 0], &mut g);
        assert_eq!((g[1].start_ms, g[1].end_ms), (10_000, 11_000), "no words: left as it was");
    }
}
