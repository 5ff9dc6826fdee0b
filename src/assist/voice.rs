//! Voice checks and re-matching, on plain data the voice analysis supplies: one embedding per
//! turn (or the similarities it already computed) and, per turn, a likely change of voice.
//! Nothing here decodes audio.

use super::finding::{Finding, Kind, Suggestion};
use crate::edit::{self, Edit};
use crate::model::{Ms, SpeakerId, Transcript, TurnId};
use std::collections::HashMap;

/// A likely change of speaker inside a turn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VoiceChange {
    pub at_ms: Ms,
    /// 0 to 1: how sure the analysis is that two voices are there.
    pub score: f32,
}

/// What the voice analysis found for one turn.
#[derive(Clone, Debug, PartialEq)]
pub struct TurnVoice {
    pub turn: TurnId,
    /// The turn's voice embedding (any fixed length), when it had enough speech.
    pub embedding: Option<Vec<f32>>,
    /// Similarity of the turn's voice to each speaker's (cosine, -1 to 1). Empty: computed
    /// here from the embeddings, each turn against the other turns of every speaker.
    pub similarity: Vec<(SpeakerId, f32)>,
    pub change: Option<VoiceChange>,
}

impl TurnVoice {
    /// A turn known by its embedding alone (similarities computed here, no change point).
    pub fn embedded(turn: TurnId, embedding: Vec<f32>) -> TurnVoice {
        TurnVoice { turn, embedding: Some(embedding), similarity: Vec::new(), change: None }
    }
}

/// The voice analysis of a recording, turn by turn.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VoiceEvidence {
    pub turns: Vec<TurnVoice>,
}

/// How much more like another speaker a turn of [`MARGIN_AT_MS`] must be than like its own to
/// be flagged; a turn of length L asks for `MISMATCH_MARGIN * sqrt(MARGIN_AT_MS / L)` (L within
/// [`WEIGHT_MIN_MS`]..[`WEIGHT_MAX_MS`]): a short turn's embedding wanders more, so it must
/// stand further off. Tuned with `benches/assist_voice.rs`; the trade-off is in
/// docs/performance.md.
pub const MISMATCH_MARGIN: f32 = 0.05;
/// The turn length at which the margin is [`MISMATCH_MARGIN`] (ms).
pub const MARGIN_AT_MS: Ms = 2_000;
/// A turn weighs its length in its speaker's centroid, counted within these bounds (ms): the
/// voice of a 6 s turn is steadier than a 0.5 s "yes", which in same-room meetings is often
/// half someone else's. The same weights as `audio::voice::turn_weight`.
pub const WEIGHT_MIN_MS: Ms = 300;
pub const WEIGHT_MAX_MS: Ms = 8_000;
/// A turn is judged against its own speaker only when that speaker has at least this many
/// other turns with a voice: one other turn is too thin a reference (in the short meeting
/// excerpts most false alarms came from speakers with two turns in all).
pub const MIN_REFERENCE_TURNS: usize = 2;
/// A speaker's voice is a reference (for its own turns and for others') only when it is
/// built from at least this much speech (ms, summed turn lengths as weighted): in same-room
/// meetings a speaker heard only in two "yes"es was the voice every short turn resembled.
pub const MIN_REFERENCE_MS: Ms = 1_500;
/// The margin re-matching asks for.
pub const REMATCH_MARGIN: f32 = 0.1;

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let (mut ab, mut aa, mut bb) = (0.0f32, 0.0f32, 0.0f32);
    for (x, y) in a.iter().zip(b) {
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa == 0.0 || bb == 0.0 { 0.0 } else { ab / (aa.sqrt() * bb.sqrt()) }
}

/// Turn `index`'s length for weighting: its time window (start to end, or to the next turn;
/// a share of it when turns share a start), 2 s when it has none, within [`WEIGHT_MIN_MS`]..[`WEIGHT_MAX_MS`].
fn turn_len(doc: &Transcript, index: usize) -> Ms {
    let t = &doc.turns[index];
    // Turns that share a start share the time up to the next later one, as the voice analysis
    // divides its speech (`audio::voice::share`): each counts its part.
    let run = doc.same_time(index);
    let len = if t.end_ms.is_none() && run.len() > 1 {
        let next = doc.turns.get(run.end).map_or(t.start_ms, |n| n.start_ms.max(t.start_ms));
        (next - t.start_ms) / run.len() as u64
    } else {
        doc.effective_end(index) - t.start_ms
    };
    if len == 0 { MARGIN_AT_MS } else { len.clamp(WEIGHT_MIN_MS, WEIGHT_MAX_MS) }
}

/// A turn's weight in its speaker's centroid: its length in seconds.
fn weight(doc: &Transcript, index: usize) -> f32 {
    turn_len(doc, index) as f32 / 1000.0
}

/// The margin turn `index` must clear to be flagged (see [`MISMATCH_MARGIN`]).
fn margin(doc: &Transcript, index: usize) -> f32 {
    MISMATCH_MARGIN * (MARGIN_AT_MS as f32 / turn_len(doc, index) as f32).sqrt()
}

/// Weighted sum of embeddings per speaker over the turns `keep` accepts, with the number of
/// turns summed and their total weight.
fn sums(
    doc: &Transcript,
    emb: &HashMap<TurnId, &[f32]>,
    keep: impl Fn(usize) -> bool,
) -> HashMap<SpeakerId, (Vec<f32>, usize, f32)> {
    let mut out: HashMap<SpeakerId, (Vec<f32>, usize, f32)> = HashMap::new();
    for (i, t) in doc.turns.iter().enumerate() {
        let Some(e) = emb.get(&t.id) else { continue };
        if !keep(i) {
            continue;
        }
        let w = weight(doc, i);
        let s = out.entry(t.speaker).or_insert_with(|| (vec![0.0; e.len()], 0, 0.0));
        if s.0.len() == e.len() {
            for (a, b) in s.0.iter_mut().zip(e.iter()) {
                *a += w * b;
            }
            s.1 += 1;
            s.2 += w;
        }
    }
    out
}

/// Similarity of each embedded turn to each speaker: against that speaker's centroid, leaving
/// the turn itself out of its own speaker's centroid.
fn similarities(doc: &Transcript, ev: &VoiceEvidence) -> HashMap<TurnId, Vec<(SpeakerId, f32)>> {
    let mut out = HashMap::new();
    let emb: HashMap<TurnId, &[f32]> =
        ev.turns.iter().filter_map(|v| Some((v.turn, v.embedding.as_deref()?))).collect();
    let sum = sums(doc, &emb, |_| true);
    for v in &ev.turns {
        if !v.similarity.is_empty() {
            out.insert(v.turn, v.similarity.clone());
            continue;
        }
        let (Some(e), Some(i)) = (v.embedding.as_deref(), doc.turn_index(v.turn)) else { continue };
        let t = &doc.turns[i];
        let w = weight(doc, i);
        let mut sims = Vec::new();
        for (&s, (total, n, weight)) in &sum {
            let mut c = total.clone();
            let (mut n, mut weight) = (*n, *weight);
            if s == t.speaker {
                for (a, b) in c.iter_mut().zip(e) {
                    *a -= w * b;
                }
                n -= 1;
                weight -= w;
            }
            // A voice known from under MIN_REFERENCE_MS of speech is no reference either way.
            if n > 0 && weight * 1000.0 >= MIN_REFERENCE_MS as f32 - 0.5 {
                sims.push((s, cosine(e, &c)));
            }
        }
        sims.sort_by_key(|(s, _)| s.0);
        out.insert(v.turn, sims);
    }
    out
}

/// Voice-mismatch and two-voices findings.
pub fn check(doc: &Transcript, ev: &VoiceEvidence, out: &mut Vec<Finding>) {
    let sims = similarities(doc, ev);
    let mut voiced: HashMap<SpeakerId, usize> = HashMap::new();
    for v in ev.turns.iter().filter(|v| v.embedding.is_some()) {
        if let Some(t) = doc.turn(v.turn) {
            *voiced.entry(t.speaker).or_default() += 1;
        }
    }
    for v in &ev.turns {
        let Some(i) = doc.turn_index(v.turn) else { continue };
        let t = &doc.turns[i];
        if t.reviewed {
            continue;
        }
        // Precomputed similarities carry their own reference; embedded turns need enough
        // other turns of their speaker.
        let thin = v.similarity.is_empty() && voiced.get(&t.speaker).copied().unwrap_or(0) <= MIN_REFERENCE_TURNS;
        if let Some(s) = sims.get(&v.turn).filter(|_| !thin && has_own_audio(doc, i)) {
            let own = s.iter().find(|(id, _)| *id == t.speaker).map(|p| p.1);
            let best = s.iter().filter(|(id, _)| *id != t.speaker).max_by(|a, b| a.1.total_cmp(&b.1));
            if let (Some(own), Some(&(other, sim))) = (own, best)
                && sim - own >= margin(doc, i)
            {
                let score = (0.5 + 2.0 * (sim - own)).min(0.95);
                let list: serde_json::Map<String, serde_json::Value> = s
                    .iter()
                    .map(|(id, v)| (doc.speaker_name(*id).to_string(), ((*v * 1000.0).round() / 1000.0).into()))
                    .collect();
                out.push(
                    Finding::new(
                        doc,
                        i,
                        Kind::VoiceMismatch,
                        score,
                        format!(
                            "sounds like {} ({:.2}) more than {} ({:.2})",
                            doc.speaker_name(other),
                            sim,
                            doc.speaker_name(t.speaker),
                            own
                        ),
                    )
                    .with("similarity", list)
                    .suggest(Suggestion::SetSpeaker { speaker: other }),
                );
            }
        }
        if let Some(c) = v.change
            && c.score >= 0.5
        {
            let end = doc.effective_end(i);
            if (t.start_ms + 1..end.max(t.start_ms + 1)).contains(&c.at_ms) {
                // The text offset in proportion to the time, snapped to a word start.
                let frac = (c.at_ms - t.start_ms) as f64 / (end - t.start_ms).max(1) as f64;
                let offset = word_boundary(&t.text, (t.text.len() as f64 * frac) as usize);
                out.push(
                    Finding::new(
                        doc,
                        i,
                        Kind::TwoVoices,
                        0.4 + 0.5 * c.score,
                        format!("two voices: the voice changes at {} ms", c.at_ms),
                    )
                    .with("at_ms", c.at_ms)
                    .with("change_score", c.score)
                    .suggest(Suggestion::Split { at_ms: c.at_ms, offset }),
                );
            }
        }
    }
}

/// Whether turn `index` has audio of its own: not a turn with no words at the same second as
/// a neighbour (otter writes an empty turn at the second of the long one beside it). Turns
/// that share a second divide its speech by their words (`audio::voice::share`), so such a
/// turn has none, and whatever voice it was given is its neighbour's; a turn with no words
/// alone at its time has the speech of its window (speech otter did not transcribe).
pub fn has_own_audio(doc: &Transcript, index: usize) -> bool {
    let t = &doc.turns[index];
    let shares = |j: Option<usize>| j.and_then(|j| doc.turns.get(j)).is_some_and(|o| o.start_ms == t.start_ms);
    !t.text.trim().is_empty() || !(shares(index.checked_sub(1)) || shares(Some(index + 1)))
}

fn word_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    match text[at..].find(' ') {
        Some(p) => at + p + 1,
        None => at,
    }
}

/// True when the user has confirmed this turn's speaker: reviewed, or the speaker set by hand.
pub fn confirmed(doc: &Transcript, index: usize) -> bool {
    let t = &doc.turns[index];
    t.reviewed
        || t.original.as_ref().is_some_and(|o| o.speaker.as_deref().is_some_and(|n| n != doc.speaker_name(t.speaker)))
}

/// One line of the re-match preview.
#[derive(Clone, Debug, PartialEq)]
pub struct RematchLine {
    pub turn: usize,
    pub turn_id: TurnId,
    pub from: SpeakerId,
    pub to: SpeakerId,
    /// Similarity to the new speaker's voice, and to the labelled one's.
    pub similarity: f32,
    pub own_similarity: f32,
}

/// Rebuild each speaker's voice from the confirmed turns only, and list every unconfirmed
/// turn whose best voice is another speaker by at least `margin`.
pub fn rematch(doc: &Transcript, ev: &VoiceEvidence, margin: f32) -> Vec<RematchLine> {
    let emb: HashMap<TurnId, &[f32]> =
        ev.turns.iter().filter_map(|v| Some((v.turn, v.embedding.as_deref()?))).collect();
    let centroids = sums(doc, &emb, |i| confirmed(doc, i));
    let mut out = Vec::new();
    for (i, t) in doc.turns.iter().enumerate() {
        if confirmed(doc, i) {
            continue;
        }
        let Some(e) = emb.get(&t.id) else { continue };
        let score = |s: SpeakerId| centroids.get(&s).map(|(c, _, _)| cosine(e, c));
        let Some(own) = score(t.speaker) else { continue };
        let best = centroids
            .keys()
            .filter(|&&s| s != t.speaker)
            .filter_map(|&s| Some((s, score(s)?)))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.0.cmp(&a.0.0)));
        if let Some((to, sim)) = best
            && sim - own >= margin
        {
            out.push(RematchLine { turn: i, turn_id: t.id, from: t.speaker, to, similarity: sim, own_similarity: own });
        }
    }
    out
}

/// Apply a re-match preview as one undoable step.
pub fn rematch_edit(lines: &[RematchLine]) -> Edit {
    let mut by: Vec<(SpeakerId, Vec<TurnId>)> = Vec::new();
    for l in lines {
        match by.iter_mut().find(|(s, _)| *s == l.to) {
            Some((_, v)) => v.push(l.turn_id),
            None => by.push((l.to, vec![l.turn_id])),
        }
    }
    Edit::Batch {
        label: "Re-match unreviewed turns".into(),
        edits: by.into_iter().map(|(s, ids)| edit::set_speaker_of(&ids, s, "Re-match")).collect(),
    }
}
