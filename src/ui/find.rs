//! The find bar's matching: the query, its matches over all turns, and the bar's state (a part
//! of the view state). Building the replacement edits is the app's (`app::replace`).

use crate::model::{SpeakerId, Transcript, TurnId};
use regex::Regex;
use std::ops::Range;

/// One match: the turn and the byte range in its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    pub index: usize,
    pub turn: TurnId,
    pub range: Range<usize>,
}

/// What is searched for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Query {
    pub text: String,
    pub case_sensitive: bool,
    pub whole_word: bool,
    pub regex: bool,
    /// Only turns of this speaker.
    pub speaker: Option<SpeakerId>,
}

impl Query {
    /// The compiled pattern; Ok(None) for an empty query.
    pub fn compile(&self) -> Result<Option<Regex>, String> {
        if self.text.is_empty() {
            return Ok(None);
        }
        let body = if self.regex { self.text.clone() } else { regex::escape(&self.text) };
        let body = if self.whole_word { format!(r"\b(?:{body})\b") } else { body };
        let pat = if self.case_sensitive { body } else { format!("(?i){body}") };
        Regex::new(&pat).map(Some).map_err(|e| e.to_string())
    }

    /// Every match, in document order. Empty matches (e.g. `a*`) are skipped.
    pub fn find_all(&self, re: &Regex, doc: &Transcript) -> Vec<Match> {
        let mut out = Vec::new();
        for (index, t) in doc.turns.iter().enumerate() {
            if self.speaker.is_some_and(|s| s != t.speaker) {
                continue;
            }
            for m in re.find_iter(&t.text) {
                if !m.range().is_empty() {
                    out.push(Match { index, turn: t.id, range: m.range() });
                }
            }
        }
        out
    }
}

/// The find bar's state, with the match list cached per document revision and query.
#[derive(Default)]
pub struct FindState {
    pub open: bool,
    pub query: Query,
    pub replace: String,
    /// Index into the match list of the selected match.
    pub current: Option<usize>,
    pub error: Option<String>,
    cache: Option<(u64, Query, Vec<Match>)>,
    regex: Option<Regex>,
    /// Focus the find field on the next frame.
    pub focus_field: bool,
}

impl FindState {
    /// Refresh the matches when the document or the query changed.
    pub fn refresh(&mut self, doc: &Transcript, revision: u64) {
        if let Some((rev, q, _)) = &self.cache
            && *rev == revision
            && *q == self.query
        {
            return;
        }
        let matches = match self.query.compile() {
            Ok(Some(re)) => {
                self.error = None;
                let m = self.query.find_all(&re, doc);
                self.regex = Some(re);
                m
            }
            Ok(None) => {
                self.error = None;
                self.regex = None;
                Vec::new()
            }
            Err(e) => {
                self.error = Some(e);
                self.regex = None;
                Vec::new()
            }
        };
        if self.current.is_some_and(|c| c >= matches.len()) {
            self.current = if matches.is_empty() { None } else { Some(0) };
        }
        self.cache = Some((revision, self.query.clone(), matches));
    }

    /// One turn's text changed by typing (revision `before` to `after`): when the cached
    /// matches were current, only that turn is searched again, so typing with the find bar open
    /// costs one turn, not the whole document.
    pub fn text_changed(&mut self, doc: &Transcript, index: usize, before: u64, after: u64) {
        let (Some((rev, q, matches)), Some(re)) = (&mut self.cache, &self.regex) else { return };
        if *rev != before || *q != self.query {
            return;
        }
        let Some(t) = doc.turns.get(index) else { return };
        let a = matches.partition_point(|m| m.index < index);
        let b = matches.partition_point(|m| m.index <= index);
        let fresh: Vec<Match> = if self.query.speaker.is_some_and(|s| s != t.speaker) {
            Vec::new()
        } else {
            re.find_iter(&t.text)
                .filter(|m| !m.range().is_empty())
                .map(|m| Match { index, turn: t.id, range: m.range() })
                .collect()
        };
        let n = fresh.len();
        matches.splice(a..b, fresh);
        if let Some(c) = self.current
            && c >= b
        {
            // A match after the turn: still the same match.
            self.current = Some(c - (b - a) + n);
        } else if self.current.is_some_and(|c| c >= matches.len()) {
            self.current = (!matches.is_empty()).then_some(0);
        }
        *rev = after;
    }

    /// Forget the cached matches (another document).
    pub fn invalidate(&mut self) {
        self.cache = None;
    }

    pub fn matches(&self) -> &[Match] {
        self.cache.as_ref().map(|c| c.2.as_slice()).unwrap_or(&[])
    }

    pub fn regex(&self) -> Option<&Regex> {
        self.regex.as_ref()
    }

    /// Move to the next (or previous) match, starting after the turn `from` when nothing is
    /// selected yet. Returns the match.
    pub fn step(&mut self, forward: bool, from: Option<usize>) -> Option<Match> {
        let n = self.matches().len();
        if n == 0 {
            self.current = None;
            return None;
        }
        let next = match self.current {
            Some(c) => {
                if forward {
                    (c + 1) % n
                } else {
                    (c + n - 1) % n
                }
            }
            None => {
                let from = from.unwrap_or(0);
                let ms = self.matches();
                if forward {
                    ms.iter().position(|m| m.index >= from).unwrap_or(0)
                } else {
                    ms.iter().rposition(|m| m.index <= from).unwrap_or(n - 1)
                }
            }
        };
        self.current = Some(next);
        self.matches().get(next).cloned()
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
    fn case_word_and_speaker_filters() {
        let d = doc();
        let mut q = Query { text: "cat".into(), ..Default::default() };
        let re = q.compile().unwrap().unwrap();
        assert_eq!(q.find_all(&re, &d).len(), 5);
        q.case_sensitive = true;
        let re = q.compile().unwrap().unwrap();
        assert_eq!(q.find_all(&re, &d).len(), 3);
        q.whole_word = true;
        let re = q.compile().unwrap().unwrap();
        assert_eq!(q.find_all(&re, &d).len(), 2);
        q.speaker = Some(d.turns[1].speaker);
        let re = q.compile().unwrap().unwrap();
        assert_eq!(q.find_all(&re, &d).len(), 1);
    }

    #[test]
    fn typing_updates_the_matches_of_one_turn() {
        let mut d = doc();
        let mut f = FindState { query: Query { text: "cat".into(), ..Default::default() }, ..Default::default() };
        f.refresh(&d, 1);
        assert_eq!(f.matches().len(), 5);
        f.current = Some(4);
        d.turns[0].text.push_str(" cat cat");
        f.text_changed(&d, 0, 1, 2);
        let mut full = FindState { query: f.query.clone(), ..Default::default() };
        full.refresh(&d, 2);
        assert_eq!(f.matches(), full.matches());
        assert_eq!(f.current, Some(6), "the selected match is still the same one");
        // Up to date for revision 2: refresh keeps it.
        f.refresh(&d, 2);
        assert_eq!(f.matches().len(), 7);
    }
}
