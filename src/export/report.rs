//! The corrections report: turn by turn, what was changed against the import (speaker
//! reassignments, start times, word-level text diffs, split, merged, inserted and deleted
//! turns), then a summary. Markdown or a standalone HTML page.
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

use super::text::md_escape;
use crate::model::{Ms, Transcript, Turn, TurnId, format_otter_time};
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
    /// Per changed run of words, the larger of the words removed and added, summed.
    pub words_changed: usize,
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
/// trailing deletions `Moved` when `split`. Returns the pieces and (added, removed, changed).
fn diff_words(old: &str, new: &str, merged: bool, split: bool) -> (Vec<Piece>, usize, usize, usize) {
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
    let (mut added, mut removed, mut changed) = (0, 0, 0);
    let (mut hunk_del, mut hunk_ins) = (0, 0);
    let mut pieces = Vec::with_capacity(runs.len() + tail.len());
    for (tag, words) in runs {
        let n = words.len();
        let s = words.join(" ");
        match tag {
            DiffTag::Equal => {
                changed += hunk_del.max(hunk_ins);
                (hunk_del, hunk_ins) = (0, 0);
                pieces.push(Piece::Same(s));
            }
            DiffTag::Delete => {
                removed += n;
                hunk_del += n;
                pieces.push(Piece::Del(s));
            }
            _ => {
                added += n;
                hunk_ins += n;
                pieces.push(Piece::Ins(s));
            }
        }
    }
    changed += hunk_del.max(hunk_ins);
    pieces.extend(tail);
    (pieces, added, removed, changed)
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
        s.merged += t.merged.len();
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
                let (pieces, added, removed, changed) =
                    diff_words(&o.text, &t.text, !t.merged.is_empty(), !c.split_into.is_empty());
                if pieces.iter().any(|p| !matches!(p, Piece::Same(_))) {
                    if added + removed > 0 {
                        s.edited += 1;
                    }
                    s.words_added += added;
                    s.words_removed += removed;
                    s.words_changed += changed;
                    c.words_changed = changed;
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

fn ids(ids: &[TurnId]) -> String {
    ids.iter().map(|i| format!("#{}", i.0)).collect::<Vec<_>>().join(", ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The report's prose lines, shared by both renderers: (heading, facts) per entry, with
/// `esc` applied to document text.
fn heading(c: &TurnChange) -> String {
    let what = match c.kind {
        Kind::Imported => format!("#{}", c.turn.id.0),
        Kind::Inserted => format!("#{}, inserted", c.turn.id.0),
        Kind::SplitOff(p) => format!("#{}, split from #{}", c.turn.id.0, p.0),
    };
    format!("Turn {} ({what}) · {}", c.position, format_otter_time(c.turn.start_ms))
}

fn facts(c: &TurnChange, esc: &dyn Fn(&str) -> String) -> Vec<String> {
    let mut f = Vec::new();
    if let Some((a, b)) = &c.speaker_change {
        f.push(format!("Speaker: {} → {}", esc(a), esc(b)));
    }
    if let Some((a, b)) = c.start_change {
        // Milliseconds only when the seconds alone would not show the change.
        let t = |ms: Ms| {
            if a / 1000 == b / 1000 {
                format!("{}.{:03}", format_otter_time(ms), ms % 1000)
            } else {
                format_otter_time(ms)
            }
        };
        f.push(format!("Start: {} → {}", t(a), t(b)));
    }
    if !c.turn.merged.is_empty() {
        f.push(format!(
            "Merged with {} (their text follows the original; the import's copy of it is not kept, so it is not compared)",
            ids(&c.turn.merged)
        ));
    }
    if !c.split_into.is_empty() {
        f.push(format!("Split: its end went to {}", ids(&c.split_into)));
    }
    match c.kind {
        Kind::Inserted => f.push(format!("Inserted: {}", plural(c.words_changed, "word", "words"))),
        Kind::SplitOff(_) => {}
        Kind::Imported if c.words_changed > 0 => {
            f.push(format!("Text: {} changed", plural(c.words_changed, "word", "words")))
        }
        Kind::Imported => {}
    }
    f
}

fn summary_lines(s: &ReportSummary) -> Vec<String> {
    let mut kinds = Vec::new();
    for (n, what) in [
        (s.edited, "edited"),
        (s.retimed, "retimed"),
        (s.split_off, "split off"),
        (s.merged, "merged"),
        (s.inserted, "inserted"),
        (s.deleted, "deleted"),
    ] {
        if n > 0 {
            kinds.push(format!("{n} {what}"));
        }
    }
    let kinds = if kinds.is_empty() { String::new() } else { format!(": {}", kinds.join(", ")) };
    vec![
        format!("Turns changed: {} ({} imported, {} now){kinds}", s.turns_changed, s.imported_turns, s.turns_now),
        format!(
            "Speakers reassigned: {}; speakers renamed: {}",
            plural(s.speakers_reassigned, "turn", "turns"),
            s.speakers_renamed.len()
        ),
        format!("Words changed: {} ({} added, {} removed)", s.words_changed, s.words_added, s.words_removed),
    ]
}

fn title_and_source(doc: &Transcript) -> (Option<String>, Option<String>) {
    let title = doc.metadata.title.as_deref().map(super::one_line).filter(|t| !t.is_empty());
    let source = doc.source.as_ref().map(|s| format!("{} ({})", s.file, s.format));
    (title, source)
}

pub(crate) fn write_markdown(doc: &Transcript) -> String {
    let r = analyze(doc);
    let mut out = String::from("# Corrections report\n\n");
    let (title, source) = title_and_source(doc);
    let mut head = Vec::new();
    if let Some(t) = title {
        head.push(format!("**Transcript:** {}", md_escape(&t)));
    }
    if let Some(s) = source {
        head.push(format!("**Source:** {}", md_escape(&s)));
    }
    if !head.is_empty() {
        out.push_str(&head.join("  \n"));
        out.push_str("\n\n");
    }
    out.push_str("Removed words are ~~struck through~~, added words are **bold**.\n\n");
    if !r.summary.speakers_renamed.is_empty() {
        out.push_str("## Speakers renamed\n\n");
        for (a, b) in &r.summary.speakers_renamed {
            out.push_str(&format!("- {} → {}\n", md_escape(a), md_escape(b)));
        }
        out.push('\n');
    }
    out.push_str("## Changes\n\n");
    if r.entries.is_empty() {
        out.push_str("No changes against the import.\n\n");
    }
    let esc = |s: &str| md_escape(s);
    for e in &r.entries {
        match e {
            Entry::Deleted(id) => {
                out.push_str(&format!(
                    "### Imported turn #{}: deleted\n\nThe corrected file keeps no copy of its text.\n\n",
                    id.0
                ));
            }
            Entry::Turn(c) => {
                out.push_str(&format!("### {} · {}\n\n", heading(c), md_escape(c.speaker)));
                let f = facts(c, &esc);
                for l in &f {
                    out.push_str(&format!("- {l}\n"));
                }
                if !f.is_empty() {
                    out.push('\n');
                }
                if let Some(pieces) = c.pieces.as_ref().filter(|p| !p.is_empty()) {
                    let moved_to = ids(&c.split_into);
                    let parts: Vec<String> = pieces
                        .iter()
                        .map(|p| match p {
                            Piece::Same(s) | Piece::Merged(s) => md_escape(s),
                            Piece::Del(s) => format!("~~{}~~", md_escape(s)),
                            Piece::Ins(s) => format!("**{}**", md_escape(s)),
                            Piece::Moved(_) => format!("*\\[rest moved to {moved_to}\\]*"),
                        })
                        .collect();
                    out.push_str(&format!("> {}\n\n", parts.join(" ")));
                }
            }
        }
    }
    out.push_str("## Summary\n\n");
    for l in summary_lines(&r.summary) {
        out.push_str(&format!("- {l}\n"));
    }
    out
}

/// Escape text for HTML element content and attribute values.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "body{font-family:system-ui,sans-serif;max-width:50em;margin:2em auto;padding:0 1em;line-height:1.5}\
del{color:#a40000;background:#fde8e8}ins{color:#006100;background:#e6f6e6;text-decoration:none;font-weight:bold}\
.moved{color:#666;font-style:italic}blockquote{margin:.5em 0 1.5em;padding-left:1em;border-left:3px solid #ccc}\
h3{margin-bottom:.3em}";

pub(crate) fn write_html(doc: &Transcript) -> String {
    let r = analyze(doc);
    let (title, source) = title_and_source(doc);
    let page_title = match &title {
        Some(t) => format!("Corrections report: {}", html_escape(t)),
        None => "Corrections report".to_string(),
    };
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>{page_title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>Corrections report</h1>\n"
    );
    if let Some(t) = title {
        out.push_str(&format!("<p><strong>Transcript:</strong> {}</p>\n", html_escape(&t)));
    }
    if let Some(s) = source {
        out.push_str(&format!("<p><strong>Source:</strong> {}</p>\n", html_escape(&s)));
    }
    out.push_str("<p>Removed words are <del>struck through</del>, added words are <ins>marked</ins>.</p>\n");
    if !r.summary.speakers_renamed.is_empty() {
        out.push_str("<h2>Speakers renamed</h2>\n<ul>\n");
        for (a, b) in &r.summary.speakers_renamed {
            out.push_str(&format!("<li>{} → {}</li>\n", html_escape(a), html_escape(b)));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("<h2>Changes</h2>\n");
    if r.entries.is_empty() {
        out.push_str("<p>No changes against the import.</p>\n");
    }
    let esc = |s: &str| html_escape(s);
    for e in &r.entries {
        match e {
            Entry::Deleted(id) => out.push_str(&format!(
                "<h3>Imported turn #{}: deleted</h3>\n<p>The corrected file keeps no copy of its text.</p>\n",
                id.0
            )),
            Entry::Turn(c) => {
                out.push_str(&format!("<h3>{} · {}</h3>\n", html_escape(&heading(c)), html_escape(c.speaker)));
                let f = facts(c, &esc);
                if !f.is_empty() {
                    out.push_str("<ul>\n");
                    for l in &f {
                        out.push_str(&format!("<li>{l}</li>\n"));
                    }
                    out.push_str("</ul>\n");
                }
                if let Some(pieces) = c.pieces.as_ref().filter(|p| !p.is_empty()) {
                    let moved_to = ids(&c.split_into);
                    let parts: Vec<String> = pieces
                        .iter()
                        .map(|p| match p {
                            Piece::Same(s) | Piece::Merged(s) => html_escape(s),
                            Piece::Del(s) => format!("<del>{}</del>", html_escape(s)),
                            Piece::Ins(s) => format!("<ins>{}</ins>", html_escape(s)),
                            Piece::Moved(_) => format!("<span class=\"moved\">[rest moved to {moved_to}]</span>"),
                        })
                        .collect();
                    out.push_str(&format!("<blockquote>{}</blockquote>\n", parts.join(" ")));
                }
            }
        }
    }
    out.push_str("<h2>Summary</h2>\n<ul>\n");
    for l in summary_lines(&r.summary) {
        out.push_str(&format!("<li>{}</li>\n", html_escape(&l)));
    }
    out.push_str("</ul>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diff_counts_hunks() {
        let (p, added, removed, changed) = diff_words("a b c d", "a x c d e", false, false);
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
        assert_eq!((added, removed, changed), (2, 1, 2));
        let (p, added, _, _) = diff_words("a b", "a b c d", true, false);
        assert_eq!(p, vec![Piece::Same("a b".into()), Piece::Merged("c d".into())]);
        assert_eq!(added, 0);
        let (p, _, removed, _) = diff_words("a b c", "a", false, true);
        assert_eq!(p, vec![Piece::Same("a".into()), Piece::Moved("b c".into())]);
        assert_eq!(removed, 0);
    }

    #[test]
    fn html_escapes_everything() {
        assert_eq!(html_escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
