//! Find and replace: the edits that replace matches of the find bar's query. The matching
//! itself is the view's ([`crate::ui::find`]); building edits is the app's.

use crate::edit::{self, Edit};
use crate::model::Transcript;
use crate::ui::find::{Match, Query};
use regex::Regex;

/// Replacing the matches of a [`Query`].
pub trait Replacing {
    /// `text` with every match replaced (`$1` expands in regex mode only).
    fn replace_in(&self, re: &Regex, text: &str, with: &str) -> String;
    /// Replace the one match `m` (which must be current for `doc`).
    fn replace_one(&self, re: &Regex, doc: &Transcript, m: &Match, with: &str) -> Option<Edit>;
    /// Replace every match in every searched turn, as one undo step; None when nothing changes.
    fn replace_all(&self, re: &Regex, doc: &Transcript, with: &str) -> Option<(Edit, usize)>;
}

impl Replacing for Query {
    fn replace_in(&self, re: &Regex, text: &str, with: &str) -> String {
        if self.regex {
            re.replace_all(text, with).into_owned()
        } else {
            re.replace_all(text, regex::NoExpand(with)).into_owned()
        }
    }

    fn replace_one(&self, re: &Regex, doc: &Transcript, m: &Match, with: &str) -> Option<Edit> {
        let t = doc.turn(m.turn)?;
        if m.range.end > t.text.len()
            || !t.text.is_char_boundary(m.range.start)
            || !t.text.is_char_boundary(m.range.end)
        {
            return None;
        }
        let tail = &t.text[m.range.start..];
        let replaced = if self.regex {
            re.replacen(tail, 1, with).into_owned()
        } else {
            re.replacen(tail, 1, regex::NoExpand(with)).into_owned()
        };
        let text = format!("{}{}", &t.text[..m.range.start], replaced);
        (text != t.text).then(|| Edit::SetText { turn: m.turn, text })
    }

    fn replace_all(&self, re: &Regex, doc: &Transcript, with: &str) -> Option<(Edit, usize)> {
        let mut changes = Vec::new();
        let mut count = 0;
        for t in &doc.turns {
            if self.speaker.is_some_and(|s| s != t.speaker) {
                continue;
            }
            let n = re.find_iter(&t.text).filter(|m| !m.range().is_empty()).count();
            if n == 0 {
                continue;
            }
            let new = self.replace_in(re, &t.text, with);
            if new != t.text {
                count += n;
                changes.push((t.id, new));
            }
        }
        (!changes.is_empty()).then(|| (edit::set_texts(changes, "Replace all"), count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TranscriptBuilder;

    fn doc() -> Transcript {
        let mut b = TranscriptBuilder::new();
        b.push(Some("Ann"), Some(0), None, "The cat sat. Cats purr.");
        b.push(Some("Bob"), Some(1000), None, "A cat? CAT! concatenate");
        b.finish()
    }

    #[test]
    fn regex_replace_all_is_one_edit_and_expands_groups() {
        let mut d = doc();
        let q = Query { text: r"(c)at\b".into(), regex: true, ..Default::default() };
        let re = q.compile().unwrap().unwrap();
        let (e, n) = q.replace_all(&re, &d, "${1}og").unwrap();
        assert_eq!(n, 3);
        e.apply(&mut d).unwrap();
        assert_eq!(d.turns[0].text, "The cog sat. Cats purr.");
        assert_eq!(d.turns[1].text, "A cog? Cog! concatenate");
    }

    #[test]
    fn literal_replace_one_does_not_expand() {
        let d = doc();
        let q = Query { text: "cat".into(), ..Default::default() };
        let re = q.compile().unwrap().unwrap();
        let ms = q.find_all(&re, &d);
        let e = q.replace_one(&re, &d, &ms[1], "$x").unwrap();
        assert_eq!(e, Edit::SetText { turn: d.turns[0].id, text: "The cat sat. $xs purr.".into() });
        assert!(Query { text: "(".into(), regex: true, ..Default::default() }.compile().is_err());
    }
}
