//! What a turn's text holds: nothing, an `[inaudible]` marker, or text that is not speech
//! (page furniture, a repeated copy of the transcript).

use super::finding::{Finding, Kind, Suggestion};
use super::handoff::excerpt;
use crate::model::Transcript;
use regex::Regex;
use rustc_hash::FxHashMap;
use std::sync::LazyLock;

static INAUDIBLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[\[(]\s*(inaudible|unintelligible|indiscernible|crosstalk|unclear|incomprehensible|garbled)[^\])\[(]{0,20}[\])]")
        .expect("valid regex")
});

/// Lines of web pages and exports that are not anyone speaking.
static FURNITURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^\s*(
            transcribed\ by\ https?://otter\.ai.* |
            .*machine\ generated\ using .* |
            select\ the\ videos?\ from .* |
            (share|subscribe|comments?|reply|like|download|print|menu|search|home|next|previous|back\ to\ top)\s*[.!]? |
            page\ \d+(\ of\ \d+)? |
            (©|copyright|all\ rights\ reserved).* |
            https?://\S+ |
            \d{1,2}:\d{2}(:\d{2})?
        )\s*$",
    )
    .expect("valid regex")
});

/// A turn repeating an earlier one counts when it is at least this long.
const REPEAT_MIN_CHARS: usize = 60;

pub fn check(doc: &Transcript, out: &mut Vec<Finding>) {
    let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
    for (i, t) in doc.turns.iter().enumerate() {
        let text = t.text.trim();
        if text.is_empty() {
            out.push(
                Finding::new(doc, i, Kind::EmptyTurn, 0.5, "the turn has no text".into())
                    .suggest(Suggestion::DeleteTurn),
            );
            continue;
        }
        if (text.contains('[') || text.contains('(')) && INAUDIBLE.is_match(text) {
            let markers: Vec<&str> = INAUDIBLE.find_iter(text).map(|m| m.as_str()).collect();
            let m = INAUDIBLE.find(&t.text).expect("matched the trimmed text");
            out.push(
                Finding::new(
                    doc,
                    i,
                    Kind::Inaudible,
                    0.3,
                    format!("{} marked unheard: \"{}\"", markers.len(), excerpt(&t.text, m.start(), m.end())),
                )
                .with("words", markers),
            );
        }
        if text.len() < 200 && FURNITURE.is_match(text) {
            out.push(
                Finding::new(
                    doc,
                    i,
                    Kind::NotSpeech,
                    0.6,
                    format!("\"{}\" looks like page text, not speech", excerpt(text, 0, 0)),
                )
                .with("words", text)
                .suggest(Suggestion::DeleteTurn),
            );
            continue;
        }
        if text.len() >= REPEAT_MIN_CHARS {
            if let Some(&first) = seen.get(text) {
                out.push(
                    Finding::new(
                        doc,
                        i,
                        Kind::NotSpeech,
                        0.55,
                        format!("repeats turn {} word for word: a duplicated copy of the transcript?", first + 1),
                    )
                    .with("repeats_turn", first)
                    .with("repeats_turn_id", doc.turns[first].id.0)
                    .suggest(Suggestion::DeleteTurn),
                );
            } else {
                seen.insert(text, i);
            }
        }
    }
}
