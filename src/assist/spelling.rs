//! The same name spelled several ways. References are the speaker names, the metadata's speaker
//! list, keywords and title, and a short list of well-known names (`known_names.txt`); a
//! capitalised word of the text one or two letters away from a reference (or a two-word name
//! with a reference's surname and another first name) is a variant. The fix replaces one
//! spelling with the other in every turn, previewed first, as one undo step.

use super::finding::{Finding, Kind, Suggestion};
use super::words::{Word, is_generic_name};
use crate::edit::{self, Edit};
use crate::model::{Transcript, TurnId};
use rustc_hash::FxHashMap;
use std::collections::{HashMap, HashSet};

const KNOWN: &str = include_str!("known_names.txt");

/// Where a reference spelling comes from (most trusted first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Origin {
    Speaker,
    Metadata,
    Known,
}

impl Origin {
    fn label(self) -> &'static str {
        match self {
            Origin::Speaker => "a speaker's name",
            Origin::Metadata => "the metadata",
            Origin::Known => "a well-known name",
        }
    }
}

struct References {
    /// Single words.
    words: HashMap<String, Origin>,
    /// Surname → full two-word name.
    surnames: HashMap<String, (String, Origin)>,
}

fn add_name(r: &mut References, name: &str, origin: Origin) {
    let parts: Vec<&str> =
        name.split_whitespace().filter(|p| p.chars().next().is_some_and(char::is_uppercase)).collect();
    for p in &parts {
        let p = p.trim_matches(|c: char| !c.is_alphanumeric());
        if p.chars().count() >= 4 {
            let e = r.words.entry(p.to_string()).or_insert(origin);
            *e = (*e).min(origin);
        }
    }
    if parts.len() == 2 {
        r.surnames.entry(parts[1].to_string()).or_insert((parts.join(" "), origin));
    }
}

fn references(doc: &Transcript) -> References {
    let mut r = References { words: HashMap::new(), surnames: HashMap::new() };
    for s in &doc.speakers {
        if !is_generic_name(&s.name) {
            add_name(&mut r, &s.name, Origin::Speaker);
        }
    }
    let m = &doc.metadata;
    for n in m.speakers_listed.iter().chain(&m.keywords) {
        add_name(&mut r, n, Origin::Metadata);
    }
    if let Some(t) = &m.title {
        add_name(&mut r, t, Origin::Metadata);
    }
    for line in KNOWN.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        add_name(&mut r, line, Origin::Known);
    }
    r
}

/// Optimal string alignment distance, stopping early above `max`.
fn distance(a: &str, b: &str, max: usize) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (i, row) in d.chunks_mut(w).enumerate() {
        row[0] = i;
    }
    for (j, v) in d.iter_mut().enumerate().take(w) {
        *v = j;
    }
    for i in 1..=a.len() {
        let mut best = usize::MAX;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1).min(d[i * w + j - 1] + 1).min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
            best = best.min(v);
        }
        if best > max {
            return max + 1;
        }
    }
    d[a.len() * w + b.len()]
}

/// How many letters a spelling of this length may differ by.
fn allowed(len: usize) -> usize {
    if len >= 7 { 2 } else { 1 }
}

/// Inflections and compounds of one stem ("Russia", "Russian", "Russians") are not variants.
fn related(a: &str, b: &str) -> bool {
    starts_with_ci(a, b) || starts_with_ci(b, a)
}

/// `a.to_lowercase().starts_with(&b.to_lowercase())` without allocating.
fn starts_with_ci(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.len() >= b.len() && a.as_bytes()[..b.len()].eq_ignore_ascii_case(b.as_bytes());
    }
    let mut a = a.chars().flat_map(char::to_lowercase);
    b.chars().flat_map(char::to_lowercase).all(|c| a.next() == Some(c))
}

/// What the one pass over the words records about a capitalised word (one look-up per word).
struct Seen {
    /// The last turn it was seen in, and in how many turns.
    last_turn: usize,
    turns: usize,
    /// Mid-sentence uses of four letters or more: the first turn and how many.
    mid_first: usize,
    mid: usize,
}

pub fn check(doc: &Transcript, words: &[Vec<Word<'_>>], out: &mut Vec<Finding>) {
    let refs = references(doc);
    let mut seen: FxHashMap<&str, Seen> = FxHashMap::default();
    let mut pairs: HashMap<(String, String), usize> = HashMap::new(); // (first name, surname) -> turn
    // How many turns hold each two-word name: (last turn, turns).
    let mut pair_turns: FxHashMap<String, (usize, usize)> = FxHashMap::default();
    for (i, ws) in words.iter().enumerate() {
        for (k, w) in ws.iter().enumerate() {
            if !w.cap || w.text.chars().all(|c| !c.is_lowercase()) {
                continue;
            }
            let mid = !w.sentence_start && w.text.chars().count() >= 4;
            match seen.get_mut(w.text) {
                Some(e) => {
                    if e.last_turn != i {
                        e.last_turn = i;
                        e.turns += 1;
                    }
                    if mid {
                        if e.mid == 0 {
                            e.mid_first = i;
                        }
                        e.mid += 1;
                    }
                }
                None => {
                    seen.insert(w.text, Seen { last_turn: i, turns: 1, mid_first: i, mid: usize::from(mid) });
                }
            }
            if let Some(n) = ws.get(k + 1)
                && n.cap
                && !w.possessive
                && refs.surnames.contains_key(n.text)
            {
                pairs.entry((w.text.to_string(), n.text.to_string())).or_insert(i);
                let key = format!("{} {}", w.text, n.text);
                match pair_turns.get_mut(&key) {
                    Some(e) if e.0 == i => {}
                    Some(e) => *e = (i, e.1 + 1),
                    None => {
                        pair_turns.insert(key, (i, 1));
                    }
                }
            }
        }
    }
    // Candidate words: capitalised, four letters or more, used mid-sentence, not a reference:
    // word -> (first turn, count).
    let cand: HashMap<&str, (usize, usize)> = seen
        .iter()
        .filter(|(w, e)| e.mid > 0 && !refs.words.contains_key(**w))
        .map(|(w, e)| (*w, (e.mid_first, e.mid)))
        .collect();
    let mut found: Vec<(String, String, Origin, usize)> = Vec::new(); // from, to, origin, first turn
    let mut done: HashSet<String> = HashSet::new();
    // Two-word names with a known surname and another first name: "Eli Yashin" for "Ilya Yashin".
    for ((first, last), turn) in &pairs {
        let (full, origin) = &refs.surnames[last];
        let ref_first = full.split_whitespace().next().unwrap_or("");
        if ref_first == first || related(first, ref_first) || refs.words.get(first.as_str()) == Some(&Origin::Speaker) {
            continue;
        }
        if distance(first, ref_first, 3) > 3 {
            continue;
        }
        let from = format!("{first} {last}");
        done.insert(first.clone());
        found.push((from, full.clone(), *origin, *turn));
    }
    let mut refs_sorted: Vec<(&String, &Origin)> = refs.words.iter().collect();
    refs_sorted.sort();
    let mut cands: Vec<(&&str, &(usize, usize))> = cand.iter().collect();
    cands.sort_by_key(|(w, (t, _))| (*t, **w));
    for &(w, &(turn, _)) in &cands {
        if done.contains(*w) {
            continue;
        }
        let max = allowed(w.chars().count());
        let best = refs_sorted
            .iter()
            .filter(|(r, _)| {
                r.as_bytes()[0] == w.as_bytes()[0]
                    && r.len().abs_diff(w.len()) <= max + 2
                    && r.chars().next() == w.chars().next()
                    && !related(w, r)
            })
            .map(|(r, o)| (distance(w, r, max), **o, *r))
            .filter(|(d, _, _)| *d <= max)
            .min();
        if let Some((_, origin, r)) = best {
            found.push((w.to_string(), r.clone(), origin, turn));
            continue;
        }
    }
    // Variants within the text itself, both used mid-sentence: the more frequent wins.
    let mut text_words: Vec<(&str, usize, usize)> = cand.iter().map(|(w, (t, c))| (*w, *t, *c)).collect();
    text_words.sort_by_key(|(w, _, _)| *w);
    let taken: HashSet<String> = found.iter().map(|f| f.0.clone()).collect();
    for a in 0..text_words.len() {
        for b in a + 1..text_words.len() {
            let ((wa, ta, ca), (wb, tb, cb)) = (text_words[a], text_words[b]);
            if wa.chars().next() != wb.chars().next() {
                break; // sorted: no later word shares the first letter either
            }
            if wa.chars().count() < 5 || related(wa, wb) {
                continue;
            }
            if wa.len().abs_diff(wb.len()) > 4 || taken.contains(wa) || taken.contains(wb) || distance(wa, wb, 1) > 1 {
                continue;
            }
            let (from, to, t) = if ca < cb || (ca == cb && ta > tb) { (wa, wb, ta) } else { (wb, wa, tb) };
            found.push((from.to_string(), to.to_string(), Origin::Known, t));
        }
    }
    for (from, to, origin, turn) in found {
        let n = seen.get(from.as_str()).map(|e| e.turns).or_else(|| pair_turns.get(&from).map(|e| e.1)).unwrap_or(0);
        if n == 0 {
            continue;
        }
        let score = match origin {
            Origin::Speaker => 0.55,
            Origin::Metadata => 0.45,
            Origin::Known => 0.35,
        };
        out.push(
            Finding::new(
                doc,
                turn,
                Kind::NameSpelling,
                score,
                format!(
                    "\"{from}\" may be \"{to}\" ({}), in {n} turn{}",
                    if taken.contains(&from) { origin.label() } else { "a spelling used elsewhere in the text" },
                    if n == 1 { "" } else { "s" }
                ),
            )
            .with("from", from.clone())
            .with("to", to.clone())
            .with("turns", n)
            .suggest(Suggestion::ReplaceName { from, to }),
        );
    }
}

/// Byte ranges of `needle` in `hay` as a whole word (no letter or digit on either side).
fn whole_word_matches(hay: &str, needle: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = hay[from..].find(needle) {
        let s = from + p;
        let e = s + needle.len();
        let before = hay[..s].chars().next_back().is_some_and(char::is_alphanumeric);
        let after = hay[e..].chars().next().is_some_and(char::is_alphanumeric);
        if !before && !after {
            out.push(s);
        }
        from = e;
    }
    out
}

/// One line of a replace-everywhere preview.
#[derive(Clone, Debug, PartialEq)]
pub struct PreviewLine {
    pub turn: usize,
    pub turn_id: TurnId,
    pub occurrences: usize,
    pub before: String,
    pub after: String,
}

/// Every turn where `from` would become `to`, with the text before and after.
pub fn preview(doc: &Transcript, from: &str, to: &str) -> Vec<PreviewLine> {
    let mut out = Vec::new();
    if from.is_empty() || from == to {
        return out;
    }
    for (i, t) in doc.turns.iter().enumerate() {
        let hits = whole_word_matches(&t.text, from);
        if hits.is_empty() {
            continue;
        }
        let mut s = String::with_capacity(t.text.len());
        let mut last = 0;
        for &h in &hits {
            s.push_str(&t.text[last..h]);
            s.push_str(to);
            last = h + from.len();
        }
        s.push_str(&t.text[last..]);
        out.push(PreviewLine { turn: i, turn_id: t.id, occurrences: hits.len(), before: t.text.clone(), after: s });
    }
    out
}

/// Replace `from` with `to` in every turn, as one undoable step.
pub fn replace_edit(doc: &Transcript, from: &str, to: &str) -> Edit {
    let changes = preview(doc, from, to).into_iter().map(|l| (l.turn_id, l.after)).collect();
    edit::set_texts(changes, &format!("Spell \"{from}\" as \"{to}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits_and_transpositions() {
        assert_eq!(distance("Mariupal", "Mariupol", 2), 1);
        assert_eq!(distance("Kamenshikov", "Kamenschikov", 2), 1);
        assert_eq!(distance("abcd", "abdc", 2), 1);
        assert_eq!(distance("Eli", "Ilya", 3), 3);
        assert!(distance("London", "Tashkent", 2) > 2);
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(whole_word_matches("Eli, Elias and Eli.", "Eli"), [0, 15]);
    }
}
