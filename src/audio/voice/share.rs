//! Turns that share a time: otter gives several turns the same whole second (a "Thank you."
//! and the next speaker's "Thanks."), so they share one window of the recording. Each is given
//! its own part of that window's speech, in order, in proportion to its words (an empty turn
//! none), so that each turn's voice is its own.

use super::analyze::TurnSpan;
use crate::audio::speech;

/// Give each of `spans` (one group of turns sharing a start, hence one window) its part of the
/// window, by `weights` (each turn's letters): with the speech known, its speech
/// ([`speech::divide`]); without it, the window's time, in the same proportions.
pub fn apportion(weights: &[u64], spans: &mut [TurnSpan]) {
    let total: u64 = weights.iter().sum();
    if total == 0 || spans.len() != weights.len() || spans.is_empty() {
        return;
    }
    match spans[0].speech.clone() {
        Some(segs) => {
            for (span, part) in spans.iter_mut().zip(speech::divide(&segs, weights)) {
                span.speech = Some(part);
            }
        }
        None => {
            let (s, e) = (spans[0].start_ms, spans[0].end_ms);
            let mut acc = 0;
            for (span, w) in spans.iter_mut().zip(weights) {
                let at = |n: u64| s + ((e - s) as f64 * n as f64 / total as f64).round() as u64;
                span.start_ms = at(acc);
                acc += w;
                span.end_ms = at(acc);
            }
        }
    }
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
    }

    #[test]
    fn an_empty_turn_gets_no_speech_and_its_neighbour_all_of_it() {
        let mut g = group(2, Some(vec![(10_000, 10_900)]));
        apportion(&[40, 0], &mut g);
        assert_eq!(g[0].speech.as_deref(), Some(&[(10_000, 10_900)][..]));
        assert_eq!(g[1].speech.as_deref(), Some(&[][..]));
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
