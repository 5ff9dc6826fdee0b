//! The correction assistant: checks that point at what the machine transcript likely got
//! wrong (who is speaking, split sentences, impossible timing, unheard or non-speech text,
//! misspelt names, and with the voice analysis, voices unlike their label), ranked by score in
//! one list across kinds. Used by the editor and by `turnfix check`.
//!
//! Knows no egui and no audio types: the voice analysis comes in as plain data
//! ([`VoiceEvidence`]). Every fix is an ordinary [`Edit`](crate::edit::Edit).

mod content;
mod finding;
mod flow;
mod handoff;
pub mod spelling;
mod timing;
pub mod voice;
mod words;

pub use finding::{Evidence, Finding, FindingJson, Kind, Suggestion};
pub use voice::{RematchLine, TurnVoice, VoiceChange, VoiceEvidence, has_own_audio, rematch, rematch_edit};

use crate::edit::Edit;
use crate::model::{Ms, Transcript, TurnId};
use rustc_hash::FxHashMap;

/// What the checks may use besides the transcript.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context<'a> {
    /// Length of the recording, for turns past its end.
    pub audio_ms: Option<Ms>,
    /// The voice analysis of the recording, when it is open.
    pub voice: Option<&'a VoiceEvidence>,
}

/// Every finding, best first, without the ones the user dismissed.
pub fn check(doc: &Transcript, cx: &Context<'_>) -> Vec<Finding> {
    let mut all = check_all(doc, cx);
    all.retain(|f| !is_dismissed(doc, f));
    all
}

/// Every finding, best first, dismissed ones included.
pub fn check_all(doc: &Transcript, cx: &Context<'_>) -> Vec<Finding> {
    let words: Vec<Vec<words::Word<'_>>> = doc.turns.iter().map(|t| words::words(&t.text)).collect();
    let names = words::NameIndex::new(doc);
    let mut out = Vec::new();
    handoff::check(doc, &names, &words, &mut out);
    flow::check(doc, &words, &mut out);
    timing::check(doc, &words, cx.audio_ms, &mut out);
    content::check(doc, &mut out);
    spelling::check(doc, &words, &mut out);
    if let Some(v) = cx.voice {
        voice::check(doc, v, &mut out);
    }
    let mut out = combine(out);
    rank(&mut out);
    out
}

/// Order findings by score, highest first (ties: by turn, then kind), one list across kinds.
pub fn rank(findings: &mut [Finding]) {
    findings.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.turn.cmp(&b.turn)).then(a.kind.cmp(&b.kind)));
}

/// One finding per turn for everything that says its speaker is wrong: text and voice evidence
/// for the same turn combine (their scores as independent evidence), keeping the strongest
/// finding's kind and fix and listing the others in `also`. Findings of another kind merge only
/// when they repeat each other (same turn, kind and fix).
fn combine(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut speaker_at: FxHashMap<TurnId, usize> = FxHashMap::default();
    let mut other_at: FxHashMap<(TurnId, Kind, Option<Suggestion>), usize> = FxHashMap::default();
    for f in findings {
        let key = (f.turn_id, f.kind, f.suggestion.clone());
        let slot = if f.kind.is_speaker_kind() { speaker_at.get(&f.turn_id) } else { other_at.get(&key) };
        match slot {
            None => {
                if f.kind.is_speaker_kind() {
                    speaker_at.insert(f.turn_id, out.len());
                } else {
                    other_at.insert(key, out.len());
                }
                out.push(f);
            }
            Some(&k) => merge_into(&mut out[k], f),
        }
    }
    out
}

fn merge_into(a: &mut Finding, b: Finding) {
    let agree = match (
        a.suggestion.as_ref().and_then(Suggestion::speaker),
        b.suggestion.as_ref().and_then(Suggestion::speaker),
    ) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    };
    // Agreeing evidence adds up; disagreeing evidence only keeps the stronger.
    let combined = if agree { 1.0 - (1.0 - a.score) * (1.0 - b.score) } else { a.score.max(b.score) };
    let (mut keep, other) = if b.score > a.score {
        (b, std::mem::replace(a, Finding::placeholder()))
    } else {
        (std::mem::replace(a, Finding::placeholder()), b)
    };
    if other.kind != keep.kind && !keep.also.contains(&other.kind) {
        keep.also.push(other.kind);
    }
    for k in other.also {
        if k != keep.kind && !keep.also.contains(&k) {
            keep.also.push(k);
        }
    }
    if keep.message != other.message {
        keep.message = format!("{}; {}", keep.message, other.message);
    }
    for (k, v) in other.evidence {
        let key = if keep.evidence.contains_key(&k) { format!("{}.{k}", other.kind.id()) } else { k };
        keep.evidence.entry(key).or_insert(v);
    }
    keep.score = combined;
    *a = keep;
}

impl Finding {
    fn placeholder() -> Finding {
        Finding {
            turn: 0,
            turn_id: TurnId(0),
            kind: Kind::EmptyTurn,
            score: 0.0,
            message: String::new(),
            evidence: Evidence::new(),
            suggestion: None,
            also: Vec::new(),
        }
    }
}

/// True when the user dismissed this finding's kind for its turn ("not a problem").
pub fn is_dismissed(doc: &Transcript, f: &Finding) -> bool {
    doc.turns
        .get(f.turn)
        .filter(|t| t.id == f.turn_id)
        .or_else(|| doc.turn(f.turn_id))
        .is_some_and(|t| t.dismissed.iter().any(|d| d == f.kind.id() || f.also.iter().any(|k| k.id() == d)))
}

/// Dismiss a finding ("not a problem"): recorded on its turn, saved in the JSON, undoable.
pub fn dismiss(doc: &Transcript, f: &Finding) -> Option<Edit> {
    let t = doc.turn(f.turn_id)?;
    let mut t = t.clone();
    if !t.dismissed.iter().any(|d| d == f.kind.id()) {
        t.dismissed.push(f.kind.id().to_string());
    }
    Some(Edit::Batch { label: "Not a problem".into(), edits: vec![Edit::ReplaceTurn { turn: Box::new(t) }] })
}

/// Mark a turn reviewed (or not): saved in the JSON, undoable. None when it already is.
pub fn set_reviewed(doc: &Transcript, turn: TurnId, reviewed: bool) -> Option<Edit> {
    let t = doc.turn(turn)?;
    if t.reviewed == reviewed {
        return None;
    }
    let mut t = t.clone();
    t.reviewed = reviewed;
    Some(Edit::ReplaceTurn { turn: Box::new(t) })
}

/// How much of the transcript the user has reviewed: turns, and talk time in ms.
pub fn review_progress(doc: &Transcript) -> (usize, Ms) {
    let mut n = 0;
    let mut ms = 0;
    for (i, t) in doc.turns.iter().enumerate() {
        if t.reviewed {
            n += 1;
            ms += doc.effective_end(i) - t.start_ms;
        }
    }
    (n, ms)
}

/// The next turn after `from` (wrapping) that is not reviewed.
pub fn next_unreviewed(doc: &Transcript, from: usize) -> Option<usize> {
    let n = doc.turns.len();
    (1..=n).map(|k| (from + k) % n).find(|&i| !doc.turns[i].reviewed)
}

/// Counts of findings per kind, in [`Kind::ALL`] order (for an issues panel's filter).
pub fn counts(findings: &[Finding]) -> Vec<(Kind, usize)> {
    Kind::ALL.iter().map(|&k| (k, findings.iter().filter(|f| f.kind == k).count())).filter(|(_, n)| *n > 0).collect()
}

#[cfg(test)]
mod tests;
