//! The transcript document: metadata, speakers and turns, with times in milliseconds and
//! stable ids. Nothing here knows about the UI, audio or file formats.

mod time;

pub use time::{format_clock, format_otter_time, parse_clock};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Milliseconds from the start of the recording.
pub type Ms = u64;

/// Unknown JSON fields, kept so that they survive a load/save round trip.
pub type Extra = Map<String, Value>;

/// A turn's stable id. Ids are never reused within a document: new turns get ids above both
/// the number of imported turns and every id in use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TurnId(pub u64);

/// A speaker's stable id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SpeakerId(pub u32);

/// An sRGB colour, written as `#rrggbb` in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Color(pub [u8; 3]);

impl Color {
    /// A palette of well separated colours for speaker chips, readable on light and dark themes.
    pub const PALETTE: [Color; 10] = [
        Color([0x1f, 0x77, 0xb4]),
        Color([0xd6, 0x27, 0x28]),
        Color([0x2c, 0xa0, 0x2c]),
        Color([0xff, 0x7f, 0x0e]),
        Color([0x94, 0x67, 0xbd]),
        Color([0x17, 0xbe, 0xcf]),
        Color([0xe3, 0x77, 0xc2]),
        Color([0x8c, 0x56, 0x4b]),
        Color([0xbc, 0xbd, 0x22]),
        Color([0x7f, 0x7f, 0x7f]),
    ];

    pub fn palette(index: usize) -> Color {
        Self::PALETTE[index % Self::PALETTE.len()]
    }

    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0[0], self.0[1], self.0[2])
    }

    pub fn from_hex(s: &str) -> Option<Color> {
        let s = s.strip_prefix('#')?;
        if s.len() != 6 || !s.is_ascii() {
            return None;
        }
        let p = |i: usize| u8::from_str_radix(&s[i..i + 2], 16).ok();
        Some(Color([p(0)?, p(2)?, p(4)?]))
    }
}

impl Serialize for Color {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Color::from_hex(&s).ok_or_else(|| serde::de::Error::custom(format!("invalid colour {s:?}, expected #rrggbb")))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Speaker {
    pub id: SpeakerId,
    pub name: String,
    pub color: Color,
    #[serde(flatten)]
    pub extra: Extra,
}

/// What the import said about a turn, so that a corrected file shows what changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Original {
    /// The speaker label as written in the source (None when the source had no names).
    pub speaker: Option<String>,
    pub start_ms: Option<Ms>,
    pub text: String,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub id: TurnId,
    pub speaker: SpeakerId,
    pub start_ms: Ms,
    pub end_ms: Option<Ms>,
    pub text: String,
    /// What the import said; None for turns created in the editor (inserted or split off).
    pub original: Option<Original>,
    /// Ids of turns merged into this one (for the corrections report).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<TurnId>,
    /// The turn this one was split from (for the corrections report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split_from: Option<TurnId>,
    /// The user has checked this turn (speaker and text) by hand; the correction assistant
    /// never changes a reviewed turn.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reviewed: bool,
    /// Kinds of assistant finding the user dismissed for this turn ("not a problem"), e.g.
    /// `speaker-handoff`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dismissed: Vec<String>,
    /// The start time is an estimate (a split places it by the characters before the cut) until
    /// the user sets it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub start_estimated: bool,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Turn {
    /// A new turn with no import record.
    pub fn new(id: TurnId, speaker: SpeakerId, start_ms: Ms, text: impl Into<String>) -> Turn {
        Turn {
            id,
            speaker,
            start_ms,
            end_ms: None,
            text: text.into(),
            original: None,
            merged: Vec::new(),
            split_from: None,
            reviewed: false,
            dismissed: Vec::new(),
            start_estimated: false,
            extra: Extra::new(),
        }
    }

    /// True when the turn differs from what the import said (or did not come from the import).
    pub fn is_changed(&self, doc: &Transcript) -> bool {
        match &self.original {
            None => true,
            Some(o) => {
                o.text != self.text
                    || o.start_ms.is_some_and(|s| s != self.start_ms)
                    || !self.merged.is_empty()
                    || o.speaker
                        .as_deref()
                        .is_some_and(|n| doc.speaker(self.speaker).map(|s| s.name.as_str()) != Some(n))
            }
        }
    }
}

/// Everything a transcript says about itself that is not a turn.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// The speaker list as the source wrote it (web page "speakers", DOCX "SPEAKERS").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub speakers_listed: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outline: Option<String>,
    /// The "machine generated" disclaimer, or otter's "Transcribed by" branding line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disclaimer: Option<String>,
    /// Anything before the first turn that is not a turn and was not recognised above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preamble: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Text found after the last turn (page furniture, credits, a duplicated copy), kept aside.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Aside {
    /// 1-based line in the source where it began (0 when unknown).
    pub line: usize,
    pub text: String,
}

/// Where the transcript came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// The original file name (no directory).
    pub file: String,
    /// The detected format's id, e.g. `otter-txt`.
    pub format: String,
    /// sha256 of the original bytes, lower-case hex.
    pub sha256: String,
    /// How many turns the import produced; ids up to this number are imported turns.
    pub turns: u64,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The recording linked to the transcript.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AudioLink {
    /// Path relative to the JSON file (or absolute when it cannot be made relative).
    pub path: String,
    pub size: Option<u64>,
    pub duration_ms: Option<Ms>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The whole document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Transcript {
    pub metadata: Metadata,
    pub source: Option<Source>,
    pub audio: Option<AudioLink>,
    pub speakers: Vec<Speaker>,
    pub turns: Vec<Turn>,
    pub aside: Vec<Aside>,
    /// Unknown top-level JSON fields.
    pub extra: Extra,
}

impl Transcript {
    pub fn speaker(&self, id: SpeakerId) -> Option<&Speaker> {
        self.speakers.iter().find(|s| s.id == id)
    }

    pub fn speaker_mut(&mut self, id: SpeakerId) -> Option<&mut Speaker> {
        self.speakers.iter_mut().find(|s| s.id == id)
    }

    pub fn speaker_index(&self, id: SpeakerId) -> Option<usize> {
        self.speakers.iter().position(|s| s.id == id)
    }

    pub fn speaker_name(&self, id: SpeakerId) -> &str {
        self.speaker(id).map(|s| s.name.as_str()).unwrap_or("?")
    }

    pub fn speaker_by_name(&self, name: &str) -> Option<SpeakerId> {
        self.speakers.iter().find(|s| s.name == name).map(|s| s.id)
    }

    /// The speaker with this name, created (with the next palette colour) when absent.
    pub fn intern_speaker(&mut self, name: &str) -> SpeakerId {
        if let Some(id) = self.speaker_by_name(name) {
            return id;
        }
        let id = self.next_speaker_id();
        self.speakers.push(Speaker {
            id,
            name: name.to_string(),
            color: Color::palette(self.speakers.len()),
            extra: Extra::new(),
        });
        id
    }

    pub fn next_speaker_id(&self) -> SpeakerId {
        SpeakerId(self.speakers.iter().map(|s| s.id.0).max().map_or(1, |m| m + 1))
    }

    /// A fresh turn id: above every id in use and above every imported turn's id, so that an
    /// id is never given to two different turns.
    pub fn next_turn_id(&self) -> TurnId {
        let imported = self.source.as_ref().map_or(0, |s| s.turns);
        let max = self.turns.iter().map(|t| t.id.0).max().unwrap_or(0);
        TurnId(max.max(imported) + 1)
    }

    pub fn turn_index(&self, id: TurnId) -> Option<usize> {
        // Turns are usually in id order right after import; try the direct guess first.
        if let Some(i) = (id.0 as usize).checked_sub(1)
            && self.turns.get(i).is_some_and(|t| t.id == id)
        {
            return Some(i);
        }
        self.turns.iter().position(|t| t.id == id)
    }

    pub fn turn(&self, id: TurnId) -> Option<&Turn> {
        self.turn_index(id).map(|i| &self.turns[i])
    }

    pub fn turn_mut(&mut self, id: TurnId) -> Option<&mut Turn> {
        self.turn_index(id).map(move |i| &mut self.turns[i])
    }

    /// Number of turns per speaker.
    pub fn turn_counts(&self) -> HashMap<SpeakerId, usize> {
        let mut m = HashMap::new();
        for t in &self.turns {
            *m.entry(t.speaker).or_insert(0) += 1;
        }
        m
    }

    /// The run of consecutive turns that share turn `index`'s time (otter gives several turns
    /// one whole second), `index` among them; a turn alone at its time is a run of one.
    pub fn same_time(&self, index: usize) -> std::ops::Range<usize> {
        let at = self.turns[index].start_ms;
        let same = |j: &usize| self.turns[*j].start_ms == at;
        let first = (0..index).rev().take_while(same).last().unwrap_or(index);
        let end = (index + 1..self.turns.len()).find(|j| !same(j)).unwrap_or(self.turns.len());
        first..end
    }

    /// The end of a turn: its own end, else the next turn's start, else its start.
    pub fn effective_end(&self, index: usize) -> Ms {
        let t = &self.turns[index];
        if let Some(e) = t.end_ms {
            return e.max(t.start_ms);
        }
        self.turns.get(index + 1).map(|n| n.start_ms.max(t.start_ms)).unwrap_or(t.start_ms)
    }

    /// Talk time per speaker, in ms (each turn lasting until its end or the next turn's start).
    pub fn talk_time(&self) -> HashMap<SpeakerId, Ms> {
        let mut m = HashMap::new();
        for i in 0..self.turns.len() {
            let t = &self.turns[i];
            *m.entry(t.speaker).or_insert(0) += self.effective_end(i) - t.start_ms;
        }
        m
    }

    /// Index of the turn being spoken at `ms`: the last turn whose start is at or before it.
    /// Binary search; assumes starts are (mostly) sorted, as they are in any real transcript.
    pub fn turn_at(&self, ms: Ms) -> Option<usize> {
        let n = self.turns.partition_point(|t| t.start_ms <= ms);
        n.checked_sub(1)
    }
}

/// Build a transcript from (speaker name, start, text) triples, recording each as the original.
/// Used by importers and tests.
pub struct TranscriptBuilder {
    doc: Transcript,
}

impl Default for TranscriptBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl TranscriptBuilder {
    pub fn new() -> Self {
        TranscriptBuilder { doc: Transcript::default() }
    }

    pub fn metadata_mut(&mut self) -> &mut Metadata {
        &mut self.doc.metadata
    }

    /// Append a turn. `speaker` None means the source had no name (an "Unknown Speaker" is used,
    /// and the original records no name).
    pub fn push(&mut self, speaker: Option<&str>, start_ms: Option<Ms>, end_ms: Option<Ms>, text: &str) -> TurnId {
        let name = speaker.map(str::trim).filter(|s| !s.is_empty()).unwrap_or("Unknown Speaker");
        let sid = self.doc.intern_speaker(name);
        let id = TurnId(self.doc.turns.len() as u64 + 1);
        let start = start_ms.unwrap_or_else(|| self.doc.turns.last().map_or(0, |t| t.start_ms));
        self.doc.turns.push(Turn {
            id,
            speaker: sid,
            start_ms: start,
            end_ms,
            text: text.to_string(),
            original: Some(Original {
                speaker: speaker.map(|s| s.trim().to_string()),
                start_ms,
                text: text.to_string(),
                extra: Extra::new(),
            }),
            merged: Vec::new(),
            split_from: None,
            reviewed: false,
            dismissed: Vec::new(),
            start_estimated: false,
            extra: Extra::new(),
        });
        id
    }

    pub fn aside(&mut self, line: usize, text: impl Into<String>) {
        self.doc.aside.push(Aside { line, text: text.into() });
    }

    pub fn len(&self) -> usize {
        self.doc.turns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.doc.turns.is_empty()
    }

    /// The last pushed turn, e.g. to append a continuation paragraph.
    pub fn last_turn_mut(&mut self) -> Option<&mut Turn> {
        self.doc.turns.last_mut()
    }

    pub fn finish(mut self) -> Transcript {
        // Every turn came from the import: record it so new ids never collide with them.
        if let Some(src) = &mut self.doc.source {
            src.turns = self.doc.turns.len() as u64;
        }
        self.doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_hex_round_trip() {
        let c = Color([0x12, 0xab, 0xff]);
        assert_eq!(c.to_hex(), "#12abff");
        assert_eq!(Color::from_hex("#12abff"), Some(c));
        assert_eq!(Color::from_hex("12abff"), None);
        assert_eq!(Color::from_hex("#12abfz"), None);
        assert_eq!(Color::from_hex("#ééé"), None);
    }

    #[test]
    fn builder_interns_speakers_and_records_originals() {
        let mut b = TranscriptBuilder::new();
        b.push(Some("Ann"), Some(0), None, "Hello");
        b.push(Some("Bob "), Some(1500), None, "Hi");
        b.push(Some("Ann"), None, None, "Again");
        let d = b.finish();
        assert_eq!(d.speakers.len(), 2);
        assert_eq!(d.turns[2].start_ms, 1500, "a turn with no time inherits the previous start");
        assert_eq!(d.turns[1].original.as_ref().unwrap().speaker.as_deref(), Some("Bob"));
        assert_eq!(d.turns[0].speaker, d.turns[2].speaker);
        assert_ne!(d.speakers[0].color, d.speakers[1].color);
        assert_eq!((d.same_time(0), d.same_time(1), d.same_time(2)), (0..1, 1..3, 1..3), "turns at one time");
    }

    #[test]
    fn turn_at_uses_starts() {
        let mut b = TranscriptBuilder::new();
        b.push(Some("A"), Some(1000), None, "a");
        b.push(Some("B"), Some(5000), None, "b");
        b.push(Some("A"), Some(9000), None, "c");
        let d = b.finish();
        assert_eq!(d.turn_at(0), None);
        assert_eq!(d.turn_at(1000), Some(0));
        assert_eq!(d.turn_at(4999), Some(0));
        assert_eq!(d.turn_at(5000), Some(1));
        assert_eq!(d.turn_at(100_000), Some(2));
    }

    #[test]
    fn talk_time_runs_to_next_start() {
        let mut b = TranscriptBuilder::new();
        b.push(Some("A"), Some(0), None, "a");
        b.push(Some("B"), Some(4000), Some(5000), "b");
        b.push(Some("A"), Some(9000), None, "c");
        let d = b.finish();
        let tt = d.talk_time();
        assert_eq!(tt[&d.turns[0].speaker], 4000);
        assert_eq!(tt[&d.turns[1].speaker], 1000);
    }

    #[test]
    fn next_turn_id_skips_imported_ids() {
        let mut b = TranscriptBuilder::new();
        b.push(Some("A"), Some(0), None, "a");
        b.push(Some("A"), Some(1), None, "b");
        let mut d = b.finish();
        d.source = Some(Source {
            file: "x".into(),
            format: "otter-txt".into(),
            sha256: String::new(),
            turns: 2,
            extra: Extra::new(),
        });
        d.turns.pop();
        assert_eq!(d.next_turn_id(), TurnId(3), "deleted imported id 2 is not reused");
    }

    #[test]
    fn changed_marker() {
        let mut b = TranscriptBuilder::new();
        b.push(Some("A"), Some(0), None, "a");
        b.push(Some("B"), Some(10), None, "b");
        let mut d = b.finish();
        assert!(!d.turns[0].is_changed(&d));
        let bid = d.turns[1].speaker;
        d.turns[0].speaker = bid;
        assert!(d.turns[0].is_changed(&d));
        d.turns[1].text.push('!');
        assert!(d.turns[1].is_changed(&d));
    }
}
