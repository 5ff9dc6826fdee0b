//! The corrections report: turn by turn, what was changed against the import (speaker
//! reassignments, start times, word-level text diffs, split, merged, inserted and deleted
//! turns), then a summary whose counts add up. Markdown or a standalone HTML page.
//!
//! A turn is named as the editor names it, "Turn N" by its place in the corrected document; a
//! turn no longer there is "imported turn N", by its place in the import. A quote shows the
//! changed words with a few words of context, never a whole long turn.
//!
//! What the JSON lets us know, and so what the report can say:
//! - Imported turns keep `original` (speaker label, start, text): edits are diffed against it.
//! - A merged turn keeps only the first turn's original; the text that came from the turns
//!   merged into it (`merged`) is shown after the original, unmarked and not counted.
//! - A split leaves the original on the first part: the words that went to the new turns
//!   (`split_from`) are shown as moved, not deleted, and the new turns are not counted again.
//! - An imported id (1..=`source.turns`) that is neither present nor merged was deleted; its
//!   text is not kept, so it is listed without text and its words are not counted.
//! - A speaker renamed everywhere (every turn of an imported label now carries one new name that
//!   no imported label had) is listed once as a rename; other speaker changes are reassignments.

mod write;

pub(crate) use write::{write_html, write_markdown};

use crate::model::{Ms, Transcript, Turn, TurnId};
use similar::{Algorithm, DiffTag};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::{Duration, Instant};

/// The counts that end the report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportSummary {
    /// Turns the import produced.
    pub imported_turns: u64,
    /// Turns in the corrected document.
    pub turns_now: usize,
    /// Turns listed in the report: every changed, inserted or split-off turn, and every deleted one.
    pub turns_changed: usize,
    /// Imported turns whose words changed.
    pub edited: usize,
    /// Imported turns whose start changed.
    pub retimed: usize,
    /// Turns made by splitting another.
    pub split_off: usize,
    /// Turns merged into the one before them.
    pub merged: usize,
    /// Turns inserted in the editor.
    pub inserted: usize,
    /// Imported turns deleted.
    pub deleted: usize,
    /// Turns given another speaker (renames not counted).
    pub speakers_reassigned: usize,
    /// Speakers renamed everywhere: (label in the import, name now).
    pub speakers_renamed: Vec<(String, String)>,
    /// Words added and removed by edits (and the words of inserted turns).
    pub words_added: usize,
    pub words_removed: usize,
    /// Per changed run of words, the larger of the words removed and added, summed: always
    /// `words_replaced` + only-added + only-removed.
    pub words_changed: usize,
    /// Per changed run of words, the smaller of the words removed and added, summed (words
    /// replaced by others; counted in both `words_added` and `words_removed`).
    pub words_replaced: usize,
    /// Imported turns that took in turns merged into them.
    pub merged_into: usize,
    /// Imported turns split (their end went to new turns).
    pub split: usize,
    /// Imported turns listed as changed (the rest of `turns_changed` are inserted, split-off
    /// and deleted turns).
    pub imported_changed: usize,
}

#[derive(Debug, PartialEq)]
enum Piece {
    Same(String),
    Del(String),
    Ins(String),
    /// Text that came from merged turns.
    Merged(String),
    /// Text that went to the turns split off.
    Moved(String),
}

enum Kind {
    Imported,
    Inserted,
    SplitOff(TurnId),
}

struct TurnChange<'a> {
    /// 1-based position in the corrected document.
    position: usize,
    turn: &'a Turn,
    speaker: &'a str,
    kind: Kind,
    speaker_change: Option<(String, String)>,
    start_change: Option<(Ms, Ms)>,
    /// The text with its changes marked; None when the words did not change.
    pieces: Option<Vec<Piece>>,
    split_into: Vec<TurnId>,
    words_changed: usize,
}

enum Entry<'a> {
    Turn(TurnChange<'a>),
    Deleted(TurnId),
}

struct Report<'a> {
    entries: Vec<Entry<'a>>,
    summary: ReportSummary,
}

const UNKNOWN: &str = "Unknown Speaker";

fn label(t: &Turn) -> Option<&str> {
    t.original.as_ref().map(|o| o.speaker.as_deref().unwrap_or(UNKNOWN))
}

/// Word diff of `old` against `new`. Trailing insertions become `Merged` when `merged`, and
/// trailing deletions `Moved` when `split`. Returns the pieces and the word counts.
fn diff_words(old: &str, new: &str, merged: bool, split: bool) -> (Vec<Piece>, WordCounts) {
    let a: Vec<&str> = old.split_whitespace().collect();
    let b: Vec<&str> = new.split_whitespace().collect();
    let deadline = Instant::now() + Duration::from_millis(500);
    let ops = similar::capture_diff_slices_deadline(Algorithm::Myers, &a, &b, Some(deadline));
    // (tag, words) runs, with replaces as a delete then an insert.
    let mut runs: Vec<(DiffTag, Vec<&str>)> = Vec::new();
    fn add<'w>(runs: &mut Vec<(DiffTag, Vec<&'w str>)>, tag: DiffTag, words: &[&'w str]) {
        if words.is_empty() {
            return;
        }
        match runs.last_mut() {
            Some((t, w)) if *t == tag => w.extend_from_slice(words),
            _ => runs.push((tag, words.to_vec())),
        }
    }
    for op in ops {
        let (tag, ra, rb) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => add(&mut runs, DiffTag::Equal, &a[ra]),
            DiffTag::Delete => add(&mut runs, DiffTag::Delete, &a[ra]),
            DiffTag::Insert => add(&mut runs, DiffTag::Insert, &b[rb]),
            DiffTag::Replace => {
                add(&mut runs, DiffTag::Delete, &a[ra]);
                add(&mut runs, DiffTag::Insert, &b[rb]);
            }
        }
    }
    let mut tail = Vec::new();
    loop {
        match runs.last() {
            Some((DiffTag::Insert, _)) if merged && !tail.iter().any(|p| matches!(p, Piece::Merged(_))) => {
                tail.push(Piece::Merged(runs.pop().unwrap().1.join(" ")));
            }
            Some((DiffTag::Delete, _)) if split && !tail.iter().any(|p| matches!(p, Piece::Moved(_))) => {
                tail.push(Piece::Moved(runs.pop().unwrap().1.join(" ")));
            }
            _ => break,
        }
    }
    tail.reverse();
    let mut w = WordCounts::default();
    let (mut hunk_del, mut hunk_ins) = (0, 0);
    let mut pieces = Vec::with_capacity(runs.len() + tail.len());
    for (tag, words) in runs {
        let n = words.len();
        let s = words.join(" ");
        match tag {
            DiffTag::Equal => {
                w.end_hunk(hunk_del, hunk_ins);
                (hunk_del, hunk_ins) = (0, 0);
                pieces.push(Piece::Same(s));
            }
            DiffTag::Delete => {
                w.removed += n;
                hunk_del += n;
                pieces.push(Piece::Del(s));
            }
            _ => {
                w.added += n;
                hunk_ins += n;
                pieces.push(Piece::Ins(s));
            }
        }
    }
    w.end_hunk(hunk_del, hunk_ins);
    pieces.extend(tail);
    (pieces, w)
}

/// Words added and removed by a diff, and per changed run the larger (`changed`) and the
/// smaller (`replaced`) of the two.
#[derive(Debug, Default, PartialEq)]
struct WordCounts {
    added: usize,
    removed: usize,
    changed: usize,
    replaced: usize,
}

impl WordCounts {
    fn end_hunk(&mut self, del: usize, ins: usize) {
        self.changed += del.max(ins);
        self.replaced += del.min(ins);
    }
}

fn analyze(doc: &Transcript) -> Report<'_> {
    let mut s = ReportSummary { turns_now: doc.turns.len(), ..Default::default() };
    let imported = doc
        .source
        .as_ref()
        .map(|src| src.turns)
        .unwrap_or_else(|| doc.turns.iter().filter(|t| t.original.is_some()).map(|t| t.id.0).max().unwrap_or(0));
    s.imported_turns = imported;

    // Deleted: imported ids neither present nor merged into a turn.
    let mut present: HashSet<TurnId> = HashSet::new();
    for t in &doc.turns {
        present.insert(t.id);
        present.extend(t.merged.iter().copied());
        // Only imported turns: a new turn merged away was never counted in.
        s.merged += t.merged.iter().filter(|m| m.0 <= imported).count();
    }
    let deleted: BTreeSet<TurnId> = (1..=imported).map(TurnId).filter(|id| !present.contains(id)).collect();
    s.deleted = deleted.len();

    let mut split_into: HashMap<TurnId, Vec<TurnId>> = HashMap::new();
    for t in &doc.turns {
        if let Some(p) = t.split_from {
            split_into.entry(p).or_default().push(t.id);
        }
    }

    // Renames: an imported label whose turns now mostly carry one name that no label had.
    let labels: HashSet<&str> = doc.turns.iter().filter_map(label).collect();
    let mut by_label: HashMap<&str, Vec<(&str, usize)>> = HashMap::new();
    let mut label_order: Vec<&str> = Vec::new();
    for t in &doc.turns {
        let Some(l) = label(t) else { continue };
        let name = doc.speaker_name(t.speaker);
        let counts = by_label.entry(l).or_insert_with(|| {
            label_order.push(l);
            Vec::new()
        });
        match counts.iter_mut().find(|(n, _)| *n == name) {
            Some((_, c)) => *c += 1,
            None => counts.push((name, 1)),
        }
    }
    let mut expected: HashMap<&str, &str> = HashMap::new();
    for l in &label_order {
        let counts = &by_label[l];
        let best = counts.iter().fold(counts[0], |b, &c| if c.1 > b.1 { c } else { b }).0;
        if best != *l && !labels.contains(best) {
            s.speakers_renamed.push((l.to_string(), best.to_string()));
            expected.insert(l, best);
        } else {
            expected.insert(l, l);
        }
    }

    let mut entries = Vec::new();
    let mut pending_deleted = deleted.iter().copied().peekable();
    for (i, t) in doc.turns.iter().enumerate() {
        if t.original.is_some() && t.id.0 <= imported {
            while let Some(&d) = pending_deleted.peek() {
                if d >= t.id {
                    break;
                }
                entries.push(Entry::Deleted(d));
                pending_deleted.next();
            }
        }
        let speaker = doc.speaker_name(t.speaker);
        let splits = split_into.get(&t.id).cloned().unwrap_or_default();
        let mut c = TurnChange {
            position: i + 1,
            turn: t,
            speaker,
            kind: Kind::Imported,
            speaker_change: None,
            start_change: None,
            pieces: None,
            split_into: splits,
            words_changed: 0,
        };
        match &t.original {
            Some(o) => {
                let l = label(t).unwrap_or(UNKNOWN);
                if expected.get(l).copied().unwrap_or(l) != speaker {
                    c.speaker_change = Some((l.to_string(), speaker.to_string()));
                    s.speakers_reassigned += 1;
                }
                if let Some(st) = o.start_ms.filter(|&st| st != t.start_ms) {
                    c.start_change = Some((st, t.start_ms));
                    s.retimed += 1;
                }
                let (pieces, w) = diff_words(&o.text, &t.text, !t.merged.is_empty(), !c.split_into.is_empty());
                if pieces.iter().any(|p| !matches!(p, Piece::Same(_))) {
                    if w.added + w.removed > 0 {
                        s.edited += 1;
                    }
                    s.words_added += w.added;
                    s.words_removed += w.removed;
                    s.words_changed += w.changed;
                    s.words_replaced += w.replaced;
                    c.words_changed = w.changed;
                    c.pieces = Some(pieces);
                }
            }
            None => {
                let words = t.text.split_whitespace().collect::<Vec<_>>().join(" ");
                match t.split_from {
                    Some(p) => {
                        c.kind = Kind::SplitOff(p);
                        s.split_off += 1;
                        c.pieces = Some(vec![Piece::Same(words)]);
                    }
                    None => {
                        c.kind = Kind::Inserted;
                        s.inserted += 1;
                        let n = t.text.split_whitespace().count();
                        s.words_added += n;
                        s.words_changed += n;
                        c.words_changed = n;
                        c.pieces = Some(if words.is_empty() { vec![] } else { vec![Piece::Ins(words)] });
                    }
                }
            }
        }
        let changed = !matches!(c.kind, Kind::Imported)
            || c.speaker_change.is_some()
            || c.start_change.is_some()
            || c.pieces.is_some()
            || !t.merged.is_empty()
            || !c.split_into.is_empty();
        if changed {
            if matches!(c.kind, Kind::Imported) {
                s.imported_changed += 1;
                s.merged_into += usize::from(!t.merged.is_empty());
                s.split += usize::from(!c.split_into.is_empty());
            }
            entries.push(Entry::Turn(c));
        }
    }
    entries.extend(pending_deleted.map(Entry::Deleted));
    s.turns_changed = entries.len();
    Report { entries, summary: s }
}

/// The summary counts of the corrections report, without writing it.
pub fn summarize(doc: &Transcript) -> ReportSummary {
    analyze(doc).summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diff_counts_hunks() {
        let (p, w) = diff_words("a b c d", "a x c d e", false, false);
        assert_eq!(
            p,
            vec![
                Piece::Same("a".into()),
                Piece::Del("b".into()),
                Piece::Ins("x".into()),
                Piece::Same("c d".into()),
                Piece::Ins("e".into())
            ]
        );
        assert_eq!(w, WordCounts { added: 2, removed: 1, changed: 2, replaced: 1 });
        let (p, w) = diff_words("a b", "a b c d", true, false);
        assert_eq!(p, vec![Piece::Same("a b".into()), Piece::Merged("c d".into())]);
        assert_eq!(w.added, 0);
        let (p, w) = diff_words("a b c", "a", false, true);
        assert_eq!(p, vec![Piece::Same("a".into()), Piece::Moved("b c".into())]);
        assert_eq!(w.removed, 0);
    }
}
