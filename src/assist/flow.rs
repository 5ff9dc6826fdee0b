//! How turns follow each other: a sentence split across two turns, consecutive turns by the
//! same speaker, and a speaker that is only the trace of a diarization fragment.

use super::finding::{Finding, Kind, Suggestion};
use super::handoff::excerpt;
use super::words::{Word, is_generic_name};
use crate::model::{SpeakerId, Transcript};
use std::collections::HashMap;

/// Words a finished sentence does not end with.
const HANGING: [&str; 24] = [
    "and", "or", "but", "the", "a", "an", "of", "to", "in", "on", "for", "with", "that", "which", "is", "was", "are",
    "my", "your", "our", "their", "because", "if", "so",
];

/// How a text ends: mid-sentence, and how strongly.
fn ends_open(text: &str, last: Option<&Word<'_>>) -> Option<f32> {
    let t = text.trim_end();
    let c = t.chars().next_back()?;
    if matches!(c, '.' | '?' | '!' | '"' | '”' | ')' | ']') {
        return None;
    }
    let hanging = last.is_some_and(|w| w.end == t.len() && HANGING.contains(&w.text.to_lowercase().as_str()));
    Some(match c {
        _ if hanging => 0.9,
        ',' | ';' | ':' | '-' | '–' | '—' => 0.6,
        '…' => 0.3,
        _ => 0.7,
    })
}

/// True when a text starts like the continuation of a sentence (a lower-case word).
fn starts_lower(text: &str) -> bool {
    let t = text.trim_start().trim_start_matches(['…', '.', '-', '–', '—', ' ']);
    t.chars().next().is_some_and(char::is_lowercase)
}

pub fn check(doc: &Transcript, words: &[Vec<Word<'_>>], out: &mut Vec<Finding>) {
    let turns = &doc.turns;
    for i in 0..turns.len().saturating_sub(1) {
        let (a, b) = (&turns[i], &turns[i + 1]);
        if a.text.trim().is_empty() || b.text.trim().is_empty() {
            continue;
        }
        let same = a.speaker == b.speaker;
        let open = ends_open(&a.text, words[i].last());
        let lower = starts_lower(&b.text);
        // A split sentence: an open end followed by a lower-case start (or a hanging word).
        // Across speakers it is as often an interruption ("…So" / "yeah, no"): weaker.
        let split = match (open, lower, same) {
            (Some(o), true, true) => Some(0.45 + 0.4 * o),
            (Some(o), false, true) if o >= 0.9 => Some(0.5),
            (Some(o), true, false) => Some(0.2 + 0.2 * o),
            _ => None,
        };
        if let Some(score) = split {
            let tail = excerpt(&a.text, a.text.trim_end().len(), a.text.trim_end().len());
            let head = excerpt(&b.text, 0, 0);
            let mut f = Finding::new(
                doc,
                i + usize::from(!same),
                Kind::SplitSentence,
                score,
                format!("a sentence runs on into the next turn: \"{tail}\" / \"{head}\""),
            )
            .with("end", tail)
            .with("start", head);
            if same {
                f = f.suggest(Suggestion::MergeNext);
            } else if !b.reviewed {
                f.message.push_str(&format!(
                    ", under {} then {}",
                    doc.speaker_name(a.speaker),
                    doc.speaker_name(b.speaker)
                ));
                f = f.suggest(Suggestion::SetSpeaker { speaker: a.speaker });
            }
            out.push(f);
            continue;
        }
        if same {
            // A source that gave the second turn no name (a continuation paragraph) or a
            // placeholder label makes runs ordinary; between named turns they are rare.
            let unnamed = b.original.as_ref().is_some_and(|o| o.speaker.is_none());
            let score = if unnamed {
                0.2
            } else if is_generic_name(doc.speaker_name(a.speaker)) {
                0.3
            } else {
                0.45
            };
            out.push(
                Finding::new(
                    doc,
                    i,
                    Kind::SameSpeakerRun,
                    score,
                    format!(
                        "{} speaks in this turn and the next: merge them, or one is someone else",
                        doc.speaker_name(a.speaker)
                    ),
                )
                .with("speaker", doc.speaker_name(a.speaker))
                .suggest(Suggestion::MergeNext),
            );
        }
    }
    fragments(doc, words, out);
}

/// A speaker with one or two very short turns, in a transcript long enough to tell.
fn fragments(doc: &Transcript, words: &[Vec<Word<'_>>], out: &mut Vec<Finding>) {
    let turns = &doc.turns;
    if turns.len() < 12 || doc.speakers.len() < 2 {
        return;
    }
    let mut of: HashMap<SpeakerId, Vec<usize>> = HashMap::new();
    for (i, t) in turns.iter().enumerate() {
        of.entry(t.speaker).or_default().push(i);
    }
    for s in &doc.speakers {
        let Some(list) = of.get(&s.id) else { continue };
        if list.len() > 2 {
            continue;
        }
        let short = list.iter().all(|&i| words[i].len() <= 6 && doc.effective_end(i) - turns[i].start_ms <= 4_000);
        if !short {
            continue;
        }
        // Merge into the speaker of the neighbouring turns (the one before, else after).
        let mut votes: HashMap<SpeakerId, usize> = HashMap::new();
        for &i in list {
            for j in [i.wrapping_sub(1), i + 1] {
                if let Some(t) = turns.get(j)
                    && t.speaker != s.id
                {
                    *votes.entry(t.speaker).or_default() += 1;
                }
            }
        }
        let Some((&into, _)) = votes.iter().max_by_key(|(id, n)| (**n, std::cmp::Reverse(id.0))) else { continue };
        if list.iter().any(|&i| turns[i].reviewed) {
            continue;
        }
        let first = list[0];
        let generic = is_generic_name(&s.name);
        let text = turns[first].text.trim();
        out.push(
            Finding::new(
                doc,
                first,
                Kind::SpeakerFragment,
                if generic { 0.6 } else { 0.4 },
                format!(
                    "{} has only {} short turn{} (\"{}\"): likely a fragment of {}",
                    s.name,
                    list.len(),
                    if list.len() == 1 { "" } else { "s" },
                    excerpt(text, 0, 0),
                    doc.speaker_name(into)
                ),
            )
            .with("speaker", s.name.clone())
            .with("turns", list.len())
            .suggest(Suggestion::MergeSpeaker { from: s.id, into }),
        );
    }
}
