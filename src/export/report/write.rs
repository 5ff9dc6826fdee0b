//! The report's two renderings, Markdown and HTML, from one analysis: how turns are named,
//! the facts listed per turn, the quote with its context, and the summary lines.

use super::{Entry, Kind, Piece, ReportSummary, TurnChange, analyze};
use crate::export::text::md_escape;
use crate::model::{Ms, Transcript, TurnId, format_otter_time};
use std::collections::HashMap;

/// Turns named as the editor names them: "turn N", N its place in the corrected document. A
/// turn no longer there (deleted, merged away) is named "imported turn N", N its place in the
/// import. So every number in the report means one turn.
struct Names {
    position: HashMap<TurnId, usize>,
}

impl Names {
    fn new(doc: &Transcript) -> Names {
        Names { position: doc.turns.iter().enumerate().map(|(i, t)| (t.id, i + 1)).collect() }
    }

    fn one(&self, id: TurnId) -> String {
        match self.position.get(&id) {
            Some(p) => format!("turn {p}"),
            None => format!("imported turn {}", id.0),
        }
    }

    /// "turn 4", "turns 4 and 5", "turns 4, 5 and 6"; imported ones named apart.
    fn list(&self, ids: &[TurnId]) -> String {
        let (now, gone): (Vec<TurnId>, Vec<TurnId>) = ids.iter().partition(|i| self.position.contains_key(i));
        let mut parts = Vec::new();
        if !now.is_empty() {
            let n: Vec<String> = now.iter().map(|i| self.position[i].to_string()).collect();
            parts.push(format!("{} {}", if n.len() == 1 { "turn" } else { "turns" }, and_list(&n)));
        }
        if !gone.is_empty() {
            let n: Vec<String> = gone.iter().map(|i| i.0.to_string()).collect();
            parts.push(format!("{} {}", if n.len() == 1 { "imported turn" } else { "imported turns" }, and_list(&n)));
        }
        parts.join(" and ")
    }
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// An entry's heading: the turn, what kind of change, its time.
fn heading(c: &TurnChange, names: &Names) -> String {
    let what = match c.kind {
        Kind::Imported => String::new(),
        Kind::Inserted => ", inserted".to_string(),
        Kind::SplitOff(p) => format!(", split from {}", names.one(p)),
    };
    format!("Turn {}{what} · {}", c.position, format_otter_time(c.turn.start_ms))
}

fn facts(c: &TurnChange, names: &Names, esc: &dyn Fn(&str) -> String) -> Vec<String> {
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
            names.list(&c.turn.merged)
        ));
    }
    if !c.split_into.is_empty() {
        f.push(format!("Split: its end went to {}", names.list(&c.split_into)));
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

/// Words of unchanged text kept on each side of a change.
const CONTEXT_WORDS: usize = 4;
/// Words of a wholly new text (an inserted or split-off turn) shown before eliding the rest.
const NEW_TEXT_WORDS: usize = 12;

/// What an entry's quote shows: changed words with a few words of context around them.
#[derive(Debug, PartialEq)]
enum Shown {
    /// Unchanged words, `…` where some were left out.
    Same(String),
    Del(String),
    Ins(String),
    /// A note in brackets, not document text.
    Note(String),
}

/// The first `n` words of `s`, and whether there were more.
fn first_words(s: &str, n: usize) -> (String, bool) {
    let w: Vec<&str> = s.split_whitespace().collect();
    (w[..w.len().min(n)].join(" "), w.len() > n)
}

/// The last `n` words of `s`, and whether there were more.
fn last_words(s: &str, n: usize) -> (String, bool) {
    let w: Vec<&str> = s.split_whitespace().collect();
    (w[w.len().saturating_sub(n)..].join(" "), w.len() > n)
}

/// The quote for `c`: unchanged runs cut to [`CONTEXT_WORDS`] on each side of a change, a new
/// text cut to [`NEW_TEXT_WORDS`], merged and moved text named rather than quoted.
fn shown(c: &TurnChange, names: &Names) -> Vec<Shown> {
    let Some(pieces) = c.pieces.as_ref() else { return Vec::new() };
    let n = pieces.len();
    let mut out = Vec::with_capacity(n);
    let changed = |p: &Piece| matches!(p, Piece::Del(_) | Piece::Ins(_));
    for (i, p) in pieces.iter().enumerate() {
        match p {
            Piece::Same(s) => {
                let before = pieces[..i].iter().any(changed);
                let after = pieces[i + 1..].iter().any(changed);
                let text = match (before, after) {
                    // A whole new text (a split-off turn).
                    (false, false) => match first_words(s, NEW_TEXT_WORDS) {
                        (w, true) => format!("{w} …"),
                        (w, false) => w,
                    },
                    (false, true) => match last_words(s, CONTEXT_WORDS) {
                        (w, true) => format!("… {w}"),
                        (w, false) => w,
                    },
                    (true, false) => match first_words(s, CONTEXT_WORDS) {
                        (w, true) => format!("{w} …"),
                        (w, false) => w,
                    },
                    (true, true) => {
                        let words = s.split_whitespace().count();
                        if words > 2 * CONTEXT_WORDS + 1 {
                            format!("{} … {}", first_words(s, CONTEXT_WORDS).0, last_words(s, CONTEXT_WORDS).0)
                        } else {
                            s.clone()
                        }
                    }
                };
                out.push(Shown::Same(text));
            }
            Piece::Del(s) => out.push(Shown::Del(s.clone())),
            Piece::Ins(s) if matches!(c.kind, Kind::Inserted) => match first_words(s, NEW_TEXT_WORDS) {
                (w, true) => {
                    out.push(Shown::Ins(w));
                    out.push(Shown::Same("…".into()));
                }
                (w, false) => out.push(Shown::Ins(w)),
            },
            Piece::Ins(s) => out.push(Shown::Ins(s.clone())),
            Piece::Merged(s) => out.push(Shown::Note(format!(
                "then the {} of {}",
                plural(s.split_whitespace().count(), "word", "words"),
                names.list(&c.turn.merged)
            ))),
            Piece::Moved(_) => out.push(Shown::Note(format!("rest moved to {}", names.list(&c.split_into)))),
        }
    }
    out
}

fn summary_lines(s: &ReportSummary) -> Vec<String> {
    let listed = [
        (s.imported_changed, "imported turns changed", "imported turn changed"),
        (s.inserted, "inserted", "inserted"),
        (s.split_off, "split off", "split off"),
        (s.deleted, "deleted", "deleted"),
    ];
    let listed: Vec<String> = listed
        .iter()
        .filter(|(n, ..)| *n > 0)
        .map(|&(n, many, one)| format!("{n} {}", if n == 1 { one } else { many }))
        .collect();
    let listed = if listed.is_empty() { String::new() } else { format!(": {}", listed.join(", ")) };
    let mut of_those = Vec::new();
    for (n, what) in [
        (s.edited, "with words edited"),
        (s.retimed, "retimed"),
        (s.speakers_reassigned, "given another speaker"),
        (s.merged_into, "with turns merged into them"),
        (s.split, "split"),
    ] {
        if n > 0 {
            of_those.push(format!("{n} {what}"));
        }
    }
    let mut lines = vec![
        format!("Turns listed: {}{listed}", s.turns_changed),
        format!(
            "Turns: {} imported, {} now ({} deleted, {} merged into others, {} inserted, {} split off)",
            s.imported_turns, s.turns_now, s.deleted, s.merged, s.inserted, s.split_off
        ),
    ];
    if !of_those.is_empty() {
        lines.push(format!("Imported turns changed, by change (one turn may have several): {}", of_those.join(", ")));
    }
    lines.push(format!("Speakers renamed: {}", s.speakers_renamed.len()));
    lines.push(format!(
        "Words changed: {} ({} replaced, {} added, {} removed)",
        s.words_changed,
        s.words_replaced,
        s.words_added - s.words_replaced,
        s.words_removed - s.words_replaced
    ));
    lines
}

fn title_and_source(doc: &Transcript) -> (Option<String>, Option<String>) {
    let title = doc.metadata.title.as_deref().map(crate::export::one_line).filter(|t| !t.is_empty());
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
    let names = Names::new(doc);
    for e in &r.entries {
        match e {
            Entry::Deleted(id) => {
                out.push_str(&format!(
                    "### Imported turn {}: deleted\n\nThe corrected file keeps no copy of its text.\n\n",
                    id.0
                ));
            }
            Entry::Turn(c) => {
                out.push_str(&format!("### {} · {}\n\n", heading(c, &names), md_escape(c.speaker)));
                let f = facts(c, &names, &esc);
                for l in &f {
                    out.push_str(&format!("- {l}\n"));
                }
                if !f.is_empty() {
                    out.push('\n');
                }
                let parts: Vec<String> = shown(c, &names)
                    .iter()
                    .map(|p| match p {
                        Shown::Same(s) => md_escape(s),
                        Shown::Del(s) => format!("~~{}~~", md_escape(s)),
                        Shown::Ins(s) => format!("**{}**", md_escape(s)),
                        Shown::Note(s) => format!("*\\[{}\\]*", md_escape(s)),
                    })
                    .collect();
                if !parts.is_empty() {
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
.note{color:#666;font-style:italic}blockquote{margin:.5em 0 1.5em;padding-left:1em;border-left:3px solid #ccc}\
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
    let names = Names::new(doc);
    for e in &r.entries {
        match e {
            Entry::Deleted(id) => out.push_str(&format!(
                "<h3>Imported turn {}: deleted</h3>\n<p>The corrected file keeps no copy of its text.</p>\n",
                id.0
            )),
            Entry::Turn(c) => {
                out.push_str(&format!("<h3>{} · {}</h3>\n", html_escape(&heading(c, &names)), html_escape(c.speaker)));
                let f = facts(c, &names, &esc);
                if !f.is_empty() {
                    out.push_str("<ul>\n");
                    for l in &f {
                        out.push_str(&format!("<li>{l}</li>\n"));
                    }
                    out.push_str("</ul>\n");
                }
                let parts: Vec<String> = shown(c, &names)
                    .iter()
                    .map(|p| match p {
                        Shown::Same(s) => html_escape(s),
                        Shown::Del(s) => format!("<del>{}</del>", html_escape(s)),
                        Shown::Ins(s) => format!("<ins>{}</ins>", html_escape(s)),
                        Shown::Note(s) => format!("<span class=\"note\">[{}]</span>", html_escape(s)),
                    })
                    .collect();
                if !parts.is_empty() {
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
    fn html_escapes_everything() {
        assert_eq!(html_escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
