//! Who a turn talks to and who it says it is: speaker handoffs ("Thank you, Andre",
//! "Konstantin, what did it take…?"), a turn addressing its own speaker, and a
//! self-introduction under another speaker's label.

use super::finding::{Finding, Kind, Suggestion};
use super::words::{Mention, NameIndex, Word};
use crate::model::{SpeakerId, Transcript};

/// Why a name is taken as addressing someone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Address {
    /// "Thank you, X", "Thanks X": about what X just said.
    Thanks,
    /// "Good morning, X", "Hello X".
    Greeting,
    /// "X, what…", "…, X?", "please, X": a handover to X.
    Handover,
}

/// A speaker addressed in a turn.
#[derive(Clone, Copy, Debug)]
struct Addressed {
    speaker: SpeakerId,
    how: Address,
    /// In the turn's first words.
    opening: bool,
    /// In the turn's last words.
    closing: bool,
    /// Byte range of the name in the text.
    start: usize,
    end: usize,
}

const THANKS: [&str; 3] = ["thank", "thanks", "appreciate"];
const GREETINGS: [&str; 11] =
    ["hi", "hello", "hey", "morning", "afternoon", "evening", "welcome", "bye", "goodbye", "congratulations", "cheers"];
/// Words that may stand between a thanks or greeting and the name: "thank you very much, X".
const FILLERS: [&str; 8] = ["you", "very", "much", "so", "again", "a", "lot", "there"];
/// Words that follow a name in a handover: "X, what do you…", "X, you were…".
const HANDOVER_NEXT: [&str; 25] = [
    "what", "how", "why", "when", "where", "who", "which", "do", "did", "does", "can", "could", "would", "will", "you",
    "your", "i", "is", "are", "tell", "please", "let", "welcome", "thank", "thanks",
];
const OPENING_WORDS: usize = 12;
const CLOSING_WORDS: usize = 25;

/// The word, lower-cased, is `s` (compared without allocating).
fn is(w: &Word<'_>, s: &str) -> bool {
    if w.text.is_ascii() {
        return w.text.eq_ignore_ascii_case(s);
    }
    w.text.chars().flat_map(char::to_lowercase).eq(s.chars())
}

fn is_any(w: &Word<'_>, list: &[&str]) -> bool {
    list.iter().any(|s| is(w, s))
}

/// The speakers a turn's words address, with how and where.
fn addressed(words: &[Word<'_>], mentions: &[Mention]) -> Vec<Addressed> {
    let n = words.len();
    let mut out = Vec::new();
    for m in mentions {
        let first = &words[m.first];
        let last = &words[m.last];
        if last.possessive {
            continue;
        }
        // Look back over fillers for a thanks or greeting in the same sentence.
        let mut how = None;
        let mut j = m.first;
        while j > 0 && !words[j].sentence_start && m.first - j < 5 {
            let p = &words[j - 1];
            if is_any(p, &THANKS) {
                how = Some(Address::Thanks);
                break;
            }
            if is(p, "please") {
                how = Some(Address::Handover);
                break;
            }
            if is_any(p, &GREETINGS) {
                how = Some(Address::Greeting);
                break;
            }
            if !is_any(p, &FILLERS) {
                break;
            }
            j -= 1;
        }
        if first.sentence_start && words.get(m.first + 1).is_some_and(|w| w.sentence_start) {
            // A name alone as a sentence: "Andre."
            how = how.or(Some(Address::Handover));
        }
        if how.is_none() {
            let next = words.get(m.last + 1);
            let name_then_comma = last.after == Some(',');
            let next_is = |s: &str| next.is_some_and(|w| is(w, s));
            let prev_comma = m.first > 0 && words[m.first - 1].after == Some(',');
            let ends_sentence = matches!(last.after, Some('.' | '?' | '!' | '…')) || m.last + 1 == n;
            if (first.sentence_start || prev_comma)
                && name_then_comma
                && next.is_some_and(|w| is_any(w, &HANDOVER_NEXT))
                || prev_comma && ends_sentence
                || next_is("you") && !next.is_some_and(|w| w.sentence_start)
            {
                how = Some(Address::Handover);
            }
        }
        let Some(how) = how else { continue };
        // A greeting opens the turn only in its first sentence; thanks within the first words.
        let first_sentence = !words[1..=m.first].iter().any(|w| w.sentence_start);
        out.push(Addressed {
            speaker: m.speaker,
            how,
            opening: m.first < OPENING_WORDS && (how == Address::Thanks || first_sentence),
            closing: m.last + CLOSING_WORDS >= n,
            start: first.start,
            end: last.end,
        });
    }
    out
}

/// The latest speaker before turn `i` that is not `not`.
fn previous_other(doc: &Transcript, i: usize, not: SpeakerId) -> Option<SpeakerId> {
    doc.turns[..i].iter().rev().map(|t| t.speaker).find(|&s| s != not)
}

/// Speaker-handoff, self-address and self-introduction findings.
pub fn check(doc: &Transcript, names: &NameIndex, words: &[Vec<Word<'_>>], out: &mut Vec<Finding>) {
    if names.is_empty() {
        return;
    }
    let turns = &doc.turns;
    for (i, t) in turns.iter().enumerate() {
        let w = &words[i];
        let mentions = names.mentions(w);
        if mentions.is_empty() {
            continue;
        }
        self_introduction(doc, i, w, &mentions, out);
        for a in addressed(w, &mentions) {
            let name = doc.speaker_name(a.speaker);
            let quoted = &t.text[a.start..a.end];
            if a.speaker == t.speaker {
                let other = previous_other(doc, i, t.speaker)
                    .or_else(|| turns[i + 1..].iter().map(|t| t.speaker).find(|&s| s != t.speaker));
                let mut f = Finding::new(
                    doc,
                    i,
                    Kind::SelfAddress,
                    if a.how == Address::Handover { 0.6 } else { 0.75 },
                    format!("{} addresses their own name: \"{}\"", name, excerpt(&t.text, a.start, a.end)),
                )
                .with("words", quoted);
                if let Some(o) = other {
                    f = f.suggest(Suggestion::SetSpeaker { speaker: o });
                }
                out.push(f);
                continue;
            }
            let backwards = a.how == Address::Thanks || (a.how == Address::Greeting && a.opening);
            if backwards {
                // Thanks or a greeting in reply: the person just spoke (or one turn earlier).
                if !a.opening || i == 0 {
                    continue;
                }
                let p = i - 1;
                if turns[p].speaker == a.speaker || (p > 0 && turns[p - 1].speaker == a.speaker) {
                    continue;
                }
                if turns[p].reviewed {
                    continue;
                }
                let score = if a.how == Address::Thanks { 0.7 } else { 0.55 };
                out.push(
                    Finding::new(
                        doc,
                        p,
                        Kind::SpeakerHandoff,
                        score,
                        format!(
                            "the next turn answers {name} (\"{}\"), but this turn is labelled {}",
                            excerpt(&t.text, a.start, a.end),
                            doc.speaker_name(turns[p].speaker)
                        ),
                    )
                    .with("words", quoted)
                    .with("from_turn", i)
                    .suggest(Suggestion::SetSpeaker { speaker: a.speaker }),
                );
            } else if a.closing {
                let Some(next) = turns.get(i + 1) else { continue };
                if next.speaker == a.speaker || turns.get(i + 2).is_some_and(|t| t.speaker == a.speaker) {
                    continue;
                }
                if next.reviewed {
                    continue;
                }
                let question = t.text[a.start..].contains('?');
                out.push(
                    Finding::new(
                        doc,
                        i + 1,
                        Kind::SpeakerHandoff,
                        if question { 0.7 } else { 0.55 },
                        format!(
                            "the previous turn hands over to {name} (\"{}\"), but this turn is labelled {}",
                            excerpt(&t.text, a.start, a.end),
                            doc.speaker_name(next.speaker)
                        ),
                    )
                    .with("words", quoted)
                    .with("from_turn", i)
                    .suggest(Suggestion::SetSpeaker { speaker: a.speaker }),
                );
            }
        }
    }
}

/// "I'm Metta Spencer" under another speaker's label.
fn self_introduction(doc: &Transcript, i: usize, w: &[Word<'_>], mentions: &[Mention], out: &mut Vec<Finding>) {
    let t = &doc.turns[i];
    for m in mentions {
        if m.speaker == t.speaker || m.first == 0 {
            continue;
        }
        let before = &w[m.first.saturating_sub(3)..m.first];
        let ends = |s: &[&str]| {
            before.len() >= s.len() && before[before.len() - s.len()..].iter().zip(s).all(|(w, s)| is(w, s))
        };
        let intro = ends(&["i'm"])
            || ends(&["i’m"])
            || ends(&["i", "am"])
            || ends(&["name", "is"])
            || (ends(&["this", "is"]) && m.first == 2 && w[m.last].after.is_some_and(|c| c != '\''));
        if !intro {
            continue;
        }
        let (s, e) = (w[m.first.saturating_sub(2)].start, w[m.last].end);
        out.push(
            Finding::new(
                doc,
                i,
                Kind::SelfIntroduction,
                0.85,
                format!(
                    "introduces themself as {} (\"{}\") under {}'s label",
                    doc.speaker_name(m.speaker),
                    &t.text[s..e],
                    doc.speaker_name(t.speaker)
                ),
            )
            .with("words", &t.text[s..e])
            .suggest(Suggestion::SetSpeaker { speaker: m.speaker }),
        );
        return;
    }
}

/// A few words of `text` around bytes `start..end`, for a message.
pub fn excerpt(text: &str, start: usize, end: usize) -> String {
    let mut s = start;
    let mut spaces = 0;
    while s > 0 {
        let c = text[..s].chars().next_back().expect("s > 0");
        if matches!(c, '.' | '?' | '!') && s < start {
            break;
        }
        if c == ' ' {
            spaces += 1;
            if spaces > 4 {
                break;
            }
        }
        s -= c.len_utf8();
    }
    let mut e = end;
    let mut spaces = 0;
    for c in text[end..].chars() {
        if c == ' ' {
            spaces += 1;
            if spaces > 4 {
                break;
            }
        }
        e += c.len_utf8();
        if matches!(c, '.' | '?' | '!') {
            break;
        }
    }
    let mut out = text[s..e].trim().to_string();
    if s > 0 {
        out.insert(0, '…');
    }
    if e < text.len() {
        out.push('…');
    }
    out
}
