//! What the timestamps make impossible: a speaking rate far outside the speaker's own, starts
//! that go backwards or repeat, and turns past the end of the recording.

use super::finding::{Finding, Kind, Suggestion};
use super::words::Word;
use crate::model::{Ms, SpeakerId, Transcript, format_otter_time};
use std::collections::HashMap;

/// Faster than anyone speaks, whatever their own rate (words per second).
const MAX_RATE: f64 = 6.5;

pub fn check(doc: &Transcript, words: &[Vec<Word<'_>>], audio_ms: Option<Ms>, out: &mut Vec<Finding>) {
    order(doc, out);
    rates(doc, words, out);
    if let Some(end) = audio_ms {
        past_end(doc, end, out);
    }
}

fn order(doc: &Transcript, out: &mut Vec<Finding>) {
    let turns = &doc.turns;
    for i in 1..turns.len() {
        let (p, t) = (&turns[i - 1], &turns[i]);
        if t.start_ms < p.start_ms {
            out.push(
                Finding::new(
                    doc,
                    i,
                    Kind::TimeOrder,
                    0.8,
                    format!(
                        "starts at {}, before the previous turn's {}",
                        format_otter_time(t.start_ms),
                        format_otter_time(p.start_ms)
                    ),
                )
                .with("start_ms", t.start_ms)
                .with("previous_start_ms", p.start_ms),
            );
        } else if t.start_ms == p.start_ms && t.original.as_ref().is_none_or(|o| o.start_ms.is_some()) {
            // Only times the source gave: a turn without one inherits the previous start.
            out.push(
                Finding::new(
                    doc,
                    i,
                    Kind::TimeOrder,
                    0.25,
                    format!("starts at {}, the same time as the previous turn", format_otter_time(t.start_ms)),
                )
                .with("start_ms", t.start_ms),
            );
        }
    }
}

/// Words per second of each turn with a known span, against the speaker's median.
fn rates(doc: &Transcript, words: &[Vec<Word<'_>>], out: &mut Vec<Finding>) {
    let turns = &doc.turns;
    let mut rate = vec![None; turns.len()];
    let mut by: HashMap<SpeakerId, Vec<f64>> = HashMap::new();
    for i in 0..turns.len() {
        let t = &turns[i];
        let has_time = t.original.as_ref().is_none_or(|o| o.start_ms.is_some());
        let next_ok = turns.get(i + 1).is_some_and(|n| n.start_ms >= t.start_ms) || t.end_ms.is_some();
        if !has_time || !next_ok {
            continue;
        }
        let span = doc.effective_end(i) - t.start_ms;
        let n = words[i].len();
        if n < 4 {
            continue;
        }
        // Timestamps have one-second resolution: count the span as at least 1 s.
        let r = n as f64 / (span.max(1000) as f64 / 1000.0);
        rate[i] = Some((r, span));
        if n >= 8 && span >= 2000 {
            by.entry(t.speaker).or_default().push(r);
        }
    }
    let medians: HashMap<SpeakerId, f64> = by
        .into_iter()
        .filter(|(_, v)| v.len() >= 3)
        .map(|(k, mut v)| {
            v.sort_by(f64::total_cmp);
            (k, v[v.len() / 2])
        })
        .collect();
    for (i, r) in rate.iter().enumerate() {
        let Some((r, span)) = *r else { continue };
        let own = medians.get(&turns[i].speaker).copied().unwrap_or(2.5);
        let limit = MAX_RATE.max(own * 2.5);
        if r > limit && words[i].len() >= 8 {
            let score = (0.4 + 0.1 * (r / limit)).min(0.8) as f32;
            let mut f = Finding::new(
                doc,
                i,
                Kind::SpeakingRate,
                score,
                format!(
                    "{} words in {:.1} s is {:.1} words/s; {} usually speaks {:.1} words/s",
                    words[i].len(),
                    span as f64 / 1000.0,
                    r,
                    doc.speaker_name(turns[i].speaker),
                    own
                ),
            )
            .with("words", words[i].len())
            .with("span_ms", span)
            .with("words_per_s", (r * 10.0).round() / 10.0)
            .with("speaker_words_per_s", (own * 10.0).round() / 10.0);
            if turns.get(i + 1).is_some_and(|n| n.speaker == turns[i].speaker) {
                f = f.suggest(Suggestion::MergeNext);
            }
            out.push(f);
        }
    }
}

fn past_end(doc: &Transcript, end: Ms, out: &mut Vec<Finding>) {
    for (i, t) in doc.turns.iter().enumerate() {
        let last = t.end_ms.unwrap_or(t.start_ms);
        if t.start_ms > end || last > end + 1000 {
            out.push(
                Finding::new(
                    doc,
                    i,
                    Kind::PastAudioEnd,
                    0.9,
                    format!(
                        "{} {}, after the recording ends at {}",
                        if t.start_ms > end { "starts at" } else { "ends at" },
                        format_otter_time(if t.start_ms > end { t.start_ms } else { last }),
                        format_otter_time(end)
                    ),
                )
                .with("start_ms", t.start_ms)
                .with("audio_ms", end),
            );
        }
    }
}
