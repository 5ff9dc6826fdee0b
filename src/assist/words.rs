//! Words of a turn's text with their byte offsets, and the speakers' names as they appear in
//! text: the one tokenizer every text check shares.

use crate::model::{SpeakerId, Transcript};
use rustc_hash::FxHashMap;

/// One word of a text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Word<'a> {
    /// The word, without a possessive `'s` and without surrounding punctuation.
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    /// Starts with an upper-case letter.
    pub cap: bool,
    /// First word of a sentence (or of the text).
    pub sentence_start: bool,
    /// Followed by a possessive `'s` / `’s`.
    pub possessive: bool,
    /// The punctuation right after the word (skipping spaces), if any: `,` `.` `?` `!` ...
    pub after: Option<char>,
}

#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphanumeric() } else { c.is_alphanumeric() }
}

/// The character at byte `i` of `text` and its length (ASCII without decoding).
#[inline]
fn char_at(text: &str, i: usize) -> Option<(char, usize)> {
    let b = *text.as_bytes().get(i)?;
    if b < 0x80 {
        return Some((b as char, 1));
    }
    let c = text[i..].chars().next()?;
    Some((c, c.len_utf8()))
}

/// ASCII letters and digits (the word characters of the fast path).
const ASCII_WORD: [bool; 128] = {
    let mut t = [false; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = (i as u8).is_ascii_alphanumeric();
        i += 1;
    }
    t
};

#[inline]
fn ascii_word(b: u8) -> bool {
    b < 0x80 && ASCII_WORD[b as usize]
}

/// Split `text` into words. Apostrophes and hyphens inside a word are kept in it.
pub fn words(text: &str) -> Vec<Word<'_>> {
    let mut out: Vec<Word<'_>> = Vec::with_capacity(text.len() / 6 + 1);
    let b = text.as_bytes();
    let mut i = 0;
    let mut sentence_start = true;
    while i < b.len() {
        let c0 = b[i];
        if c0 < 0x80 {
            if !ASCII_WORD[c0 as usize] {
                if matches!(c0, b'.' | b'?' | b'!') {
                    sentence_start = true;
                }
                i += 1;
                continue;
            }
        } else {
            let Some((c, n)) = char_at(text, i) else { break };
            if !is_word_char(c) {
                if c == '…' {
                    sentence_start = true;
                }
                i += n;
                continue;
            }
        }
        let start = i;
        let mut end = i;
        let mut j = i;
        loop {
            // A run of ASCII word bytes, then whatever ends it.
            let run = j;
            while j < b.len() && ascii_word(b[j]) {
                j += 1;
            }
            if j > run {
                end = j;
            }
            let Some((c, n)) = char_at(text, j) else { break };
            if is_word_char(c) {
                j += n;
                end = j;
            } else if matches!(c, '\'' | '’' | '-') {
                // Inside a word only when a letter follows.
                let k = j + n;
                match char_at(text, k) {
                    Some((next, _)) if is_word_char(next) => j = k,
                    _ => break,
                }
            } else {
                break;
            }
        }
        let mut w = &text[start..end];
        let mut possessive = false;
        if b[end - 1] == b's' || b[end - 1] == b'S' {
            for suffix in ["'s", "’s", "'S", "’S"] {
                if let Some(stem) = w.strip_suffix(suffix)
                    && !stem.is_empty()
                {
                    w = stem;
                    possessive = true;
                    break;
                }
            }
        }
        let mut k = end;
        while k < b.len() && b[k] == b' ' {
            k += 1;
        }
        let after = char_at(text, k).map(|(c, _)| c).filter(|c| !is_word_char(*c));
        out.push(Word {
            text: w,
            start,
            end,
            cap: w.chars().next().is_some_and(char::is_uppercase),
            sentence_start,
            possessive,
            after,
        });
        sentence_start = false;
        i = end;
    }
    out
}

/// True when a speaker label is a placeholder rather than a person's name.
pub fn is_generic_name(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    n.is_empty()
        || n.starts_with("unknown")
        || n.starts_with("speaker")
        || n.starts_with("participant")
        || n.starts_with("guest")
        || n.chars().any(|c| c.is_ascii_digit())
}

/// The speakers' names, by the words they are called by in text: the full name, the first
/// name, and the last name when no other speaker shares it.
#[derive(Debug, Default)]
pub struct NameIndex {
    /// A single word (first or last name) that names exactly one speaker.
    single: FxHashMap<String, SpeakerId>,
    /// Two-word names ("Metta Spencer"): first word → second word → speaker.
    pairs: FxHashMap<String, FxHashMap<String, SpeakerId>>,
    /// A cheap pre-filter before the hash look-ups: the first bytes and the byte lengths any
    /// name word has (bit `b % 64` of `first_bytes`, bit `len.min(63)` of `lens`).
    first_bytes: u64,
    lens: u64,
}

/// A speaker named in a text: word indices `first..=last`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mention {
    pub speaker: SpeakerId,
    pub first: usize,
    pub last: usize,
}

impl NameIndex {
    pub fn new(doc: &Transcript) -> NameIndex {
        let mut single: FxHashMap<String, Option<SpeakerId>> = FxHashMap::default();
        let mut pairs: FxHashMap<String, FxHashMap<String, SpeakerId>> = FxHashMap::default();
        // Two speakers with the same first name (a renamed duplicate such as "Monica" and
        // "Monica Powell") are one person for the name checks: map to the first.
        for s in &doc.speakers {
            if is_generic_name(&s.name) {
                continue;
            }
            let parts: Vec<&str> = s.name.split_whitespace().collect();
            for p in &parts {
                if p.chars().count() < 2 || !p.chars().next().is_some_and(char::is_uppercase) {
                    continue;
                }
                single
                    .entry(p.to_string())
                    .and_modify(|e| {
                        if e.is_some_and(|id| !same_person(doc, id, s.id)) {
                            *e = None;
                        }
                    })
                    .or_insert(Some(s.id));
            }
            for w in parts.windows(2) {
                pairs.entry(w[0].to_string()).or_default().entry(w[1].to_string()).or_insert(s.id);
            }
        }
        let single: FxHashMap<String, SpeakerId> = single.into_iter().filter_map(|(k, v)| Some((k, v?))).collect();
        let (mut first_bytes, mut lens) = (0u64, 0u64);
        for k in single.keys().chain(pairs.keys()) {
            first_bytes |= 1 << (k.as_bytes()[0] % 64);
            lens |= 1 << k.len().min(63);
        }
        NameIndex { single, pairs, first_bytes, lens }
    }

    /// False when no name word can be `w` (most words: no hashing needed).
    #[inline]
    fn may_be_name(&self, w: &str) -> bool {
        let Some(&b) = w.as_bytes().first() else { return false };
        self.first_bytes & (1 << (b % 64)) != 0 && self.lens & (1 << w.len().min(63)) != 0
    }

    pub fn is_empty(&self) -> bool {
        self.single.is_empty() && self.pairs.is_empty()
    }

    /// Every speaker named in `words`, longest match first.
    pub fn mentions(&self, words: &[Word<'_>]) -> Vec<Mention> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let w = &words[i];
            if !w.cap || !self.may_be_name(w.text) {
                i += 1;
                continue;
            }
            if let Some(n) = words.get(i + 1)
                && !w.possessive
                && let Some(seconds) = self.pairs.get(w.text)
                && let Some(&id) = seconds.get(n.text)
            {
                out.push(Mention { speaker: id, first: i, last: i + 1 });
                i += 2;
                continue;
            }
            if let Some(&id) = self.single.get(w.text) {
                out.push(Mention { speaker: id, first: i, last: i });
            }
            i += 1;
        }
        out
    }
}

/// Two speakers that are one person under two labels ("Monica" and "Monica Powell").
fn same_person(doc: &Transcript, a: SpeakerId, b: SpeakerId) -> bool {
    let (Some(x), Some(y)) = (doc.speaker(a), doc.speaker(b)) else { return false };
    let first = |n: &str| n.split_whitespace().next().map(str::to_string);
    let (nx, ny) = (x.name.split_whitespace().count(), y.name.split_whitespace().count());
    (nx == 1 || ny == 1) && first(&x.name) == first(&y.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TranscriptBuilder;

    #[test]
    fn words_keep_offsets_and_marks() {
        let w = words("Thank you, Andre. Konstantin’s remark… so-called it's");
        let t: Vec<&str> = w.iter().map(|w| w.text).collect();
        assert_eq!(t, ["Thank", "you", "Andre", "Konstantin", "remark", "so-called", "it"]);
        assert_eq!(w[2].after, Some('.'));
        assert!(w[3].sentence_start && w[3].possessive && w[3].cap);
        assert!(w[5].sentence_start, "after an ellipsis");
        assert_eq!(&"Thank you, Andre."[w[2].start..w[2].end], "Andre");
    }

    #[test]
    fn names_match_full_first_and_unique_last() {
        let mut b = TranscriptBuilder::new();
        b.push(Some("Metta Spencer"), Some(0), None, "a");
        b.push(Some("Doug Saunders"), Some(1), None, "b");
        b.push(Some("Unknown Speaker"), Some(2), None, "c");
        let d = b.finish();
        let idx = NameIndex::new(&d);
        let w = words("Good morning, Doug. I'm Metta Spencer, and Saunders agrees. Unknown.");
        let m = idx.mentions(&w);
        let ids: Vec<u32> = m.iter().map(|m| m.speaker.0).collect();
        assert_eq!(ids, [2, 1, 2]);
        assert_eq!((m[1].first, m[1].last), (4, 5));
    }
}
