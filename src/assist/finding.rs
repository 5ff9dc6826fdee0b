//! What a check reports: a [`Finding`] about one turn, of one [`Kind`], with a score, a one-line
//! message, its evidence, and where one exists a [`Suggestion`] that becomes an ordinary [`Edit`].

use crate::edit::{self, Edit, EditError, Scope};
use crate::model::{Ms, SpeakerId, Transcript, TurnId};
use serde_json::{Map, Value, json};

/// Every kind of finding. The first six are about who is speaking ("speaker kinds").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    SpeakerHandoff,
    SelfAddress,
    SelfIntroduction,
    VoiceMismatch,
    TwoVoices,
    SpeakerFragment,
    SplitSentence,
    SameSpeakerRun,
    SpeakingRate,
    TimeOrder,
    PastAudioEnd,
    EmptyTurn,
    Inaudible,
    NotSpeech,
    NameSpelling,
}

impl Kind {
    pub const ALL: [Kind; 15] = [
        Kind::SpeakerHandoff,
        Kind::SelfAddress,
        Kind::SelfIntroduction,
        Kind::VoiceMismatch,
        Kind::TwoVoices,
        Kind::SpeakerFragment,
        Kind::SplitSentence,
        Kind::SameSpeakerRun,
        Kind::SpeakingRate,
        Kind::TimeOrder,
        Kind::PastAudioEnd,
        Kind::EmptyTurn,
        Kind::Inaudible,
        Kind::NotSpeech,
        Kind::NameSpelling,
    ];

    /// The id used in JSON (`turnfix check --json`, dismissals in the Turnfix JSON).
    pub fn id(self) -> &'static str {
        match self {
            Kind::SpeakerHandoff => "speaker-handoff",
            Kind::SelfAddress => "self-address",
            Kind::SelfIntroduction => "self-introduction",
            Kind::VoiceMismatch => "voice-mismatch",
            Kind::TwoVoices => "two-voices",
            Kind::SpeakerFragment => "speaker-fragment",
            Kind::SplitSentence => "split-sentence",
            Kind::SameSpeakerRun => "same-speaker-run",
            Kind::SpeakingRate => "speaking-rate",
            Kind::TimeOrder => "time-order",
            Kind::PastAudioEnd => "past-audio-end",
            Kind::EmptyTurn => "empty-turn",
            Kind::Inaudible => "inaudible",
            Kind::NotSpeech => "not-speech",
            Kind::NameSpelling => "name-spelling",
        }
    }

    pub fn from_id(id: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.id() == id)
    }

    /// True for the kinds that say a turn's speaker label may be wrong.
    pub fn is_speaker_kind(self) -> bool {
        matches!(
            self,
            Kind::SpeakerHandoff
                | Kind::SelfAddress
                | Kind::SelfIntroduction
                | Kind::VoiceMismatch
                | Kind::TwoVoices
                | Kind::SpeakerFragment
        )
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// A fix the user can apply with one key. [`Suggestion::edit`] builds it as an ordinary edit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Suggestion {
    /// Give the turn this speaker.
    SetSpeaker { speaker: SpeakerId },
    /// Merge the turn with the one after it.
    MergeNext,
    /// Split the turn at this time (the text at the byte offset estimated for it).
    Split { at_ms: Ms, offset: usize },
    /// Move every turn of the finding's speaker to `into`, and remove the speaker.
    MergeSpeaker { from: SpeakerId, into: SpeakerId },
    /// Replace this spelling of a name with another, in every turn (see
    /// [`super::spelling::preview`]).
    ReplaceName { from: String, to: String },
    /// Delete the turn.
    DeleteTurn,
}

impl Suggestion {
    /// The edit that applies this suggestion to `turn` of `doc`, undone as one step.
    pub fn edit(&self, doc: &Transcript, turn: TurnId) -> Result<Edit, EditError> {
        match self {
            Suggestion::SetSpeaker { speaker } => edit::set_speaker(doc, turn, Scope::Turn, *speaker),
            Suggestion::MergeNext => edit::merge_with_next(doc, turn),
            Suggestion::Split { offset, .. } => edit::split_turn(doc, turn, *offset),
            Suggestion::MergeSpeaker { from, into } => edit::merge_speakers(doc, *from, *into),
            Suggestion::ReplaceName { from, to } => Ok(super::spelling::replace_edit(doc, from, to)),
            Suggestion::DeleteTurn => {
                doc.turn_index(turn).ok_or(EditError::NoTurn(turn))?;
                Ok(Edit::Batch { label: "Delete empty turn".into(), edits: vec![Edit::DeleteTurn { turn }] })
            }
        }
    }

    /// The JSON shape `turnfix check --json` writes.
    pub fn to_json(&self, doc: &Transcript) -> Value {
        match self {
            Suggestion::SetSpeaker { speaker } => json!({"edit": "set-speaker", "speaker": doc.speaker_name(*speaker)}),
            Suggestion::MergeNext => json!({"edit": "merge-next"}),
            Suggestion::Split { at_ms, .. } => json!({"edit": "split", "at_ms": at_ms}),
            Suggestion::MergeSpeaker { from, into } => {
                json!({"edit": "merge-speaker", "speaker": doc.speaker_name(*from), "into": doc.speaker_name(*into)})
            }
            Suggestion::ReplaceName { from, to } => json!({"edit": "replace-name", "from": from, "to": to}),
            Suggestion::DeleteTurn => json!({"edit": "delete-turn"}),
        }
    }

    /// The speaker this suggestion gives the turn, when it changes the turn's speaker.
    pub fn speaker(&self) -> Option<SpeakerId> {
        match self {
            Suggestion::SetSpeaker { speaker } => Some(*speaker),
            Suggestion::MergeSpeaker { into, .. } => Some(*into),
            _ => None,
        }
    }
}

/// Evidence behind a finding, as JSON fields (the words that triggered it, similarities...).
pub type Evidence = Map<String, Value>;

/// One thing the assistant thinks may be wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Index of the turn in `doc.turns` when the check ran.
    pub turn: usize,
    pub turn_id: TurnId,
    pub kind: Kind,
    /// 0 to 1: how likely this is a real error. Findings are ranked by it across kinds.
    pub score: f32,
    /// One line, naming the evidence.
    pub message: String,
    pub evidence: Evidence,
    pub suggestion: Option<Suggestion>,
    /// Other kinds whose evidence was combined into this finding (same turn).
    pub also: Vec<Kind>,
}

impl Finding {
    pub fn new(doc: &Transcript, turn: usize, kind: Kind, score: f32, message: String) -> Finding {
        Finding {
            turn,
            turn_id: doc.turns[turn].id,
            kind,
            score: score.clamp(0.0, 1.0),
            message,
            evidence: Evidence::new(),
            suggestion: None,
            also: Vec::new(),
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Finding {
        self.evidence.insert(key.to_string(), value.into());
        self
    }

    pub fn suggest(mut self, s: Suggestion) -> Finding {
        self.suggestion = Some(s);
        self
    }

    /// The fix as an ordinary edit, when there is one.
    pub fn fix(&self, doc: &Transcript) -> Option<Result<Edit, EditError>> {
        self.suggestion.as_ref().map(|s| s.edit(doc, self.turn_id))
    }

    /// The indices of the turns this finding is about: its turn, and for a merge the next one.
    pub fn covers(&self, index: usize) -> bool {
        index == self.turn || (self.suggestion == Some(Suggestion::MergeNext) && index == self.turn + 1)
    }

    /// The JSON object `turnfix check --json` writes for it.
    pub fn to_json(&self, doc: &Transcript) -> Value {
        serde_json::to_value(self.json(doc)).unwrap_or(Value::Null)
    }

    /// The same object as [`to_json`](Self::to_json), serialized straight from the finding
    /// (no `Value` tree built: at 10,000 findings building it cost as much as the check).
    pub fn json<'a>(&'a self, doc: &'a Transcript) -> FindingJson<'a> {
        FindingJson { finding: self, doc }
    }
}

/// A finding as `turnfix check --json` writes it: `turn`, `turn_id`, `kind`, `message`,
/// `score` (3 decimals), `evidence` (with `also` last when evidence was combined), `suggestion`.
pub struct FindingJson<'a> {
    finding: &'a Finding,
    doc: &'a Transcript,
}

impl serde::Serialize for FindingJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let f = self.finding;
        let mut m = s.serialize_map(Some(7))?;
        m.serialize_entry("turn", &f.turn)?;
        m.serialize_entry("turn_id", &f.turn_id)?;
        m.serialize_entry("kind", f.kind.id())?;
        m.serialize_entry("message", &f.message)?;
        m.serialize_entry("score", &((f.score as f64 * 1000.0).round() / 1000.0))?;
        m.serialize_entry("evidence", &EvidenceJson(f))?;
        m.serialize_entry("suggestion", &f.suggestion.as_ref().map(|x| x.to_json(self.doc)))?;
        m.end()
    }
}

/// A finding's evidence and, when other kinds were combined into it, `also`.
struct EvidenceJson<'a>(&'a Finding);

impl serde::Serialize for EvidenceJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let f = self.0;
        let also = (!f.also.is_empty()).then(|| f.also.iter().map(|k| k.id()).collect::<Vec<_>>());
        let mut m = s.serialize_map(None)?;
        for (k, v) in &f.evidence {
            // An `also` already in the evidence is replaced in place (as a map insert would).
            match (&also, k.as_str()) {
                (Some(a), "also") => m.serialize_entry(k, a)?,
                _ => m.serialize_entry(k, v)?,
            }
        }
        if let Some(a) = also.as_ref().filter(|_| !f.evidence.contains_key("also")) {
            m.serialize_entry("also", a)?;
        }
        m.end()
    }
}
