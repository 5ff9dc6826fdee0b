//! Edits: the only way a document changes. Each edit, applied, returns its exact inverse, which
//! the [`History`] keeps for undo and redo.
//!
//! The primitive edits are small (set a turn's text, insert a turn, ...); the operations users
//! think in (split, merge, reassign with a scope, merge speakers, replace all) are built by the
//! constructor functions below as a [`Edit::Batch`], which undoes as one step.

mod history;
pub mod snap;

pub use history::{Change, History, HistoryEntry};

use crate::model::{Aside, Color, Metadata, Ms, Speaker, SpeakerId, Transcript, Turn, TurnId};
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
pub enum EditError {
    #[error("turn {0:?} does not exist")]
    NoTurn(TurnId),
    #[error("speaker {0:?} does not exist")]
    NoSpeaker(SpeakerId),
    #[error("speaker {0:?} still has turns")]
    SpeakerInUse(SpeakerId),
    #[error("a speaker named {0:?} already exists")]
    DuplicateSpeaker(String),
    #[error("speaker name must not be empty")]
    EmptyName,
    #[error("turn id {0:?} is already in use")]
    DuplicateTurn(TurnId),
    #[error("index {0} is out of range")]
    BadIndex(usize),
    #[error("offset {0} is not inside the turn's text")]
    BadOffset(usize),
    #[error("there is no next turn to merge with")]
    NothingToMerge,
    #[error("start {start} ms is out of order: it must lie between {min} ms and {max} ms")]
    OutOfOrder { start: Ms, min: Ms, max: Ms },
    #[error("end {end} ms is before start {start} ms")]
    EndBeforeStart { start: Ms, end: Ms },
    #[error("a speaker cannot be merged into itself")]
    SameSpeaker,
}

/// A change to the document. Serializable, for the autosave journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Edit {
    SetText {
        turn: TurnId,
        text: String,
    },
    /// Give each listed turn the speaker next to it.
    SetSpeakers {
        changes: Vec<(TurnId, SpeakerId)>,
    },
    SetTiming {
        turn: TurnId,
        start_ms: Ms,
        end_ms: Option<Ms>,
    },
    /// Replace the whole turn (same id): used for merge/split bookkeeping.
    ReplaceTurn {
        turn: Box<Turn>,
    },
    InsertTurn {
        index: usize,
        turn: Box<Turn>,
    },
    DeleteTurn {
        turn: TurnId,
    },
    InsertSpeaker {
        index: usize,
        speaker: Speaker,
    },
    RemoveSpeaker {
        speaker: SpeakerId,
    },
    RenameSpeaker {
        speaker: SpeakerId,
        name: String,
    },
    SetSpeakerColor {
        speaker: SpeakerId,
        color: Color,
    },
    /// Replace the document's metadata (title, date, keywords, summary, outline, disclaimer...).
    SetMetadata {
        metadata: Box<Metadata>,
    },
    /// Replace the text set aside after the last turn.
    SetAside {
        aside: Vec<Aside>,
    },
    /// Several edits applied in order, undone as one step.
    Batch {
        label: String,
        edits: Vec<Edit>,
    },
}

/// Which turns a speaker change applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// Only this turn.
    Turn,
    /// This turn and every later turn by the same speaker ("This and following turns by X": in
    /// otter's transcripts a speaker's turns are rarely next to each other, so stopping at the
    /// next other speaker changed only the one turn).
    FollowingRun,
    /// Every turn of this turn's speaker.
    AllOfSpeaker,
}

impl Edit {
    /// A short description for undo menus.
    pub fn label(&self) -> String {
        match self {
            Edit::SetText { .. } => "Edit text".into(),
            Edit::SetSpeakers { .. } => "Change speaker".into(),
            Edit::SetTiming { .. } => "Change time".into(),
            Edit::ReplaceTurn { .. } => "Change turn".into(),
            Edit::InsertTurn { .. } => "Insert turn".into(),
            Edit::DeleteTurn { .. } => "Delete turn".into(),
            Edit::InsertSpeaker { .. } => "Add speaker".into(),
            Edit::RemoveSpeaker { .. } => "Delete speaker".into(),
            Edit::RenameSpeaker { .. } => "Rename speaker".into(),
            Edit::SetSpeakerColor { .. } => "Recolour speaker".into(),
            Edit::SetMetadata { .. } => "Edit document info".into(),
            Edit::SetAside { .. } => "Edit set-aside text".into(),
            Edit::Batch { label, .. } => label.clone(),
        }
    }

    /// Apply to `doc`, returning the exact inverse. On error the document is unchanged.
    pub fn apply(&self, doc: &mut Transcript) -> Result<Edit, EditError> {
        match self {
            Edit::SetText { turn, text } => {
                let t = doc.turn_mut(*turn).ok_or(EditError::NoTurn(*turn))?;
                let old = std::mem::replace(&mut t.text, text.clone());
                Ok(Edit::SetText { turn: *turn, text: old })
            }
            Edit::SetSpeakers { changes } => {
                for (t, s) in changes {
                    doc.turn_index(*t).ok_or(EditError::NoTurn(*t))?;
                    doc.speaker_index(*s).ok_or(EditError::NoSpeaker(*s))?;
                }
                let mut inverse = Vec::with_capacity(changes.len());
                for (t, s) in changes {
                    let turn = doc.turn_mut(*t).expect("checked");
                    inverse.push((*t, std::mem::replace(&mut turn.speaker, *s)));
                }
                inverse.reverse();
                Ok(Edit::SetSpeakers { changes: inverse })
            }
            Edit::SetTiming { turn, start_ms, end_ms } => {
                if let Some(e) = end_ms
                    && e < start_ms
                {
                    return Err(EditError::EndBeforeStart { start: *start_ms, end: *e });
                }
                let t = doc.turn_mut(*turn).ok_or(EditError::NoTurn(*turn))?;
                let old = (t.start_ms, t.end_ms);
                t.start_ms = *start_ms;
                t.end_ms = *end_ms;
                Ok(Edit::SetTiming { turn: *turn, start_ms: old.0, end_ms: old.1 })
            }
            Edit::ReplaceTurn { turn } => {
                doc.speaker_index(turn.speaker).ok_or(EditError::NoSpeaker(turn.speaker))?;
                let t = doc.turn_mut(turn.id).ok_or(EditError::NoTurn(turn.id))?;
                let old = std::mem::replace(t, (**turn).clone());
                Ok(Edit::ReplaceTurn { turn: Box::new(old) })
            }
            Edit::InsertTurn { index, turn } => {
                if *index > doc.turns.len() {
                    return Err(EditError::BadIndex(*index));
                }
                if doc.turn_index(turn.id).is_some() {
                    return Err(EditError::DuplicateTurn(turn.id));
                }
                doc.speaker_index(turn.speaker).ok_or(EditError::NoSpeaker(turn.speaker))?;
                doc.turns.insert(*index, (**turn).clone());
                Ok(Edit::DeleteTurn { turn: turn.id })
            }
            Edit::DeleteTurn { turn } => {
                let i = doc.turn_index(*turn).ok_or(EditError::NoTurn(*turn))?;
                let old = doc.turns.remove(i);
                Ok(Edit::InsertTurn { index: i, turn: Box::new(old) })
            }
            Edit::InsertSpeaker { index, speaker } => {
                if *index > doc.speakers.len() {
                    return Err(EditError::BadIndex(*index));
                }
                if speaker.name.trim().is_empty() {
                    return Err(EditError::EmptyName);
                }
                if doc.speaker_by_name(&speaker.name).is_some() || doc.speaker_index(speaker.id).is_some() {
                    return Err(EditError::DuplicateSpeaker(speaker.name.clone()));
                }
                doc.speakers.insert(*index, speaker.clone());
                Ok(Edit::RemoveSpeaker { speaker: speaker.id })
            }
            Edit::RemoveSpeaker { speaker } => {
                let i = doc.speaker_index(*speaker).ok_or(EditError::NoSpeaker(*speaker))?;
                if doc.turns.iter().any(|t| t.speaker == *speaker) {
                    return Err(EditError::SpeakerInUse(*speaker));
                }
                let old = doc.speakers.remove(i);
                Ok(Edit::InsertSpeaker { index: i, speaker: old })
            }
            Edit::RenameSpeaker { speaker, name } => {
                if name.trim().is_empty() {
                    return Err(EditError::EmptyName);
                }
                if doc.speakers.iter().any(|s| s.id != *speaker && s.name == *name) {
                    return Err(EditError::DuplicateSpeaker(name.clone()));
                }
                let s = doc.speaker_mut(*speaker).ok_or(EditError::NoSpeaker(*speaker))?;
                let old = std::mem::replace(&mut s.name, name.clone());
                Ok(Edit::RenameSpeaker { speaker: *speaker, name: old })
            }
            Edit::SetSpeakerColor { speaker, color } => {
                let s = doc.speaker_mut(*speaker).ok_or(EditError::NoSpeaker(*speaker))?;
                let old = std::mem::replace(&mut s.color, *color);
                Ok(Edit::SetSpeakerColor { speaker: *speaker, color: old })
            }
            Edit::SetMetadata { metadata } => {
                let old = std::mem::replace(&mut doc.metadata, (**metadata).clone());
                Ok(Edit::SetMetadata { metadata: Box::new(old) })
            }
            Edit::SetAside { aside } => {
                let old = std::mem::replace(&mut doc.aside, aside.clone());
                Ok(Edit::SetAside { aside: old })
            }
            Edit::Batch { label, edits } => {
                let mut inverses = Vec::with_capacity(edits.len());
                for e in edits {
                    match e.apply(doc) {
                        Ok(inv) => inverses.push(inv),
                        Err(err) => {
                            // Roll back what was applied so the document is unchanged.
                            for inv in inverses.iter().rev() {
                                inv.apply(doc).expect("inverse of an applied edit applies");
                            }
                            return Err(err);
                        }
                    }
                }
                inverses.reverse();
                Ok(Edit::Batch { label: label.clone(), edits: inverses })
            }
        }
    }

    /// The turn this edit is about, when it is about exactly one (for selection after undo).
    pub fn focus_turn(&self) -> Option<TurnId> {
        match self {
            Edit::SetText { turn, .. } | Edit::SetTiming { turn, .. } | Edit::DeleteTurn { turn } => Some(*turn),
            Edit::ReplaceTurn { turn } | Edit::InsertTurn { turn, .. } => Some(turn.id),
            Edit::SetSpeakers { changes } => changes.first().map(|c| c.0),
            Edit::Batch { edits, .. } => edits.iter().find_map(Edit::focus_turn),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Constructors for the operations users think in.
// ---------------------------------------------------------------------------------------------

/// Reassign the speaker of `turn` (and, by `scope`, more turns) to `to`.
pub fn set_speaker(doc: &Transcript, turn: TurnId, scope: Scope, to: SpeakerId) -> Result<Edit, EditError> {
    let i = doc.turn_index(turn).ok_or(EditError::NoTurn(turn))?;
    doc.speaker_index(to).ok_or(EditError::NoSpeaker(to))?;
    let from = doc.turns[i].speaker;
    let ids: Vec<TurnId> = match scope {
        Scope::Turn => vec![turn],
        Scope::FollowingRun => doc.turns[i..].iter().filter(|t| t.speaker == from).map(|t| t.id).collect(),
        Scope::AllOfSpeaker => doc.turns.iter().filter(|t| t.speaker == from).map(|t| t.id).collect(),
    };
    Ok(set_speaker_of(&ids, to, "Change speaker"))
}

/// Give a list of turns (e.g. a selected range) the speaker `to`.
pub fn set_speaker_of(turns: &[TurnId], to: SpeakerId, label: &str) -> Edit {
    Edit::Batch {
        label: label.into(),
        edits: vec![Edit::SetSpeakers { changes: turns.iter().map(|&t| (t, to)).collect() }],
    }
}

/// Add a new speaker named `name` at the end of the list, with the next palette colour.
pub fn add_speaker(doc: &Transcript, name: &str) -> Result<(Edit, SpeakerId), EditError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(EditError::EmptyName);
    }
    if doc.speaker_by_name(name).is_some() {
        return Err(EditError::DuplicateSpeaker(name.into()));
    }
    let id = doc.next_speaker_id();
    let speaker =
        Speaker { id, name: name.to_string(), color: Color::palette(doc.speakers.len()), extra: Default::default() };
    Ok((Edit::InsertSpeaker { index: doc.speakers.len(), speaker }, id))
}

/// Move every turn of `from` to `into`, then remove `from`.
pub fn merge_speakers(doc: &Transcript, from: SpeakerId, into: SpeakerId) -> Result<Edit, EditError> {
    if from == into {
        return Err(EditError::SameSpeaker);
    }
    doc.speaker_index(from).ok_or(EditError::NoSpeaker(from))?;
    doc.speaker_index(into).ok_or(EditError::NoSpeaker(into))?;
    let changes = doc.turns.iter().filter(|t| t.speaker == from).map(|t| (t.id, into)).collect();
    Ok(Edit::Batch {
        label: "Merge speakers".into(),
        edits: vec![Edit::SetSpeakers { changes }, Edit::RemoveSpeaker { speaker: from }],
    })
}

/// Split `turn` at byte offset `offset` of its text (snapped to a char boundary). The second part
/// becomes a new turn of the same speaker; its start is estimated from the offset, in proportion
/// to the characters before it within the turn's span.
pub fn split_turn(doc: &Transcript, turn: TurnId, offset: usize) -> Result<Edit, EditError> {
    let i = doc.turn_index(turn).ok_or(EditError::NoTurn(turn))?;
    let t = &doc.turns[i];
    if offset > t.text.len() || !t.text.is_char_boundary(offset) {
        return Err(EditError::BadOffset(offset));
    }
    let head = t.text[..offset].trim_end().to_string();
    let tail = t.text[offset..].trim_start().to_string();
    let start = t.start_ms;
    let end = doc.effective_end(i);
    let total_chars = t.text.chars().count().max(1) as u64;
    let before = t.text[..offset].chars().count() as u64;
    let new_start = start + (end - start) * before / total_chars;
    let mut first = t.clone();
    first.text = head;
    let second_end = first.end_ms.take();
    if second_end.is_some() {
        first.end_ms = Some(new_start);
    }
    let mut second = Turn::new(doc.next_turn_id(), t.speaker, new_start, tail);
    second.end_ms = second_end;
    second.split_from = Some(t.id);
    second.start_estimated = true;
    Ok(Edit::Batch {
        label: "Split turn".into(),
        edits: vec![
            Edit::ReplaceTurn { turn: Box::new(first) },
            Edit::InsertTurn { index: i + 1, turn: Box::new(second) },
        ],
    })
}

/// Merge `turn` with the turn after it: texts joined with a space, the first turn's speaker and
/// start kept, the second turn's end taken.
pub fn merge_with_next(doc: &Transcript, turn: TurnId) -> Result<Edit, EditError> {
    let i = doc.turn_index(turn).ok_or(EditError::NoTurn(turn))?;
    let next = doc.turns.get(i + 1).ok_or(EditError::NothingToMerge)?;
    let mut merged = doc.turns[i].clone();
    let (a, b) = (merged.text.trim_end(), next.text.trim_start());
    merged.text = match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a} {b}"),
    };
    merged.end_ms = next.end_ms;
    merged.merged.push(next.id);
    merged.merged.extend(next.merged.iter().copied());
    Ok(Edit::Batch {
        label: "Merge turns".into(),
        edits: vec![Edit::ReplaceTurn { turn: Box::new(merged) }, Edit::DeleteTurn { turn: next.id }],
    })
}

/// Insert a new empty turn after `index` (or at the start when None), by `speaker`, starting
/// at `start_ms`.
pub fn insert_turn(
    doc: &Transcript,
    after: Option<usize>,
    speaker: SpeakerId,
    start_ms: Ms,
    text: &str,
) -> Result<(Edit, TurnId), EditError> {
    doc.speaker_index(speaker).ok_or(EditError::NoSpeaker(speaker))?;
    let index = after.map_or(0, |i| i + 1);
    if index > doc.turns.len() {
        return Err(EditError::BadIndex(index));
    }
    let id = doc.next_turn_id();
    Ok((Edit::InsertTurn { index, turn: Box::new(Turn::new(id, speaker, start_ms, text)) }, id))
}

/// Retime a turn, validating that its start stays between its neighbours' starts.
pub fn retime(doc: &Transcript, turn: TurnId, start_ms: Ms, end_ms: Option<Ms>) -> Result<Edit, EditError> {
    let i = doc.turn_index(turn).ok_or(EditError::NoTurn(turn))?;
    let min = if i > 0 { doc.turns[i - 1].start_ms } else { 0 };
    let max = doc.turns.get(i + 1).map_or(Ms::MAX, |t| t.start_ms);
    if start_ms < min || start_ms > max {
        return Err(EditError::OutOfOrder { start: start_ms, min, max });
    }
    if let Some(e) = end_ms
        && e < start_ms
    {
        return Err(EditError::EndBeforeStart { start: start_ms, end: e });
    }
    if doc.turns[i].start_estimated {
        // The user set the start: it is no longer an estimate.
        let mut t = doc.turns[i].clone();
        (t.start_ms, t.end_ms, t.start_estimated) = (start_ms, end_ms, false);
        return Ok(Edit::ReplaceTurn { turn: Box::new(t) });
    }
    Ok(Edit::SetTiming { turn, start_ms, end_ms })
}

/// Replace the text of several turns in one step (find and replace all).
pub fn set_texts(changes: Vec<(TurnId, String)>, label: &str) -> Edit {
    Edit::Batch {
        label: label.into(),
        edits: changes.into_iter().map(|(turn, text)| Edit::SetText { turn, text }).collect(),
    }
}

#[cfg(test)]
mod tests;
