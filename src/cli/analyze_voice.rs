//! The voice part of `turnfix analyze REC TRANSCRIPT`: each turn's voice embedding from its
//! speech, a centroid per speaker from the turns labelled with it, and each turn's similarity to
//! every speaker, best first (its own speaker's centroid without the turn itself). The
//! recording is decoded once for its analysis and the voices (`voice::turns`); progress on
//! stderr.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use turnfix::audio::analysis::Analysis;
use turnfix::audio::voice::turns::{self, SpanVoice};
use turnfix::audio::voice::{SpeakerIndex, turn_weight};
use turnfix::model::Transcript;

/// One speaker's similarity to a turn.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Similarity {
    pub speaker: String,
    pub similarity: f32,
}

/// The analysis of `rec` and the voice of each turn of `doc` (none for a turn without words),
/// from one decode, with a progress bar on stderr. Errors name the file.
pub fn analysis_and_voices(rec: &Path, doc: &Transcript) -> anyhow::Result<(Analysis, Vec<SpanVoice>)> {
    let bar = super::analyze::progress_bar();
    bar.set_message(format!("listening to {}", super::analyze::file_name(rec)));
    let r = turns::analysis_and_voices(
        rec,
        |map, duration| super::analyze::speech_spans(doc, map, duration),
        &AtomicBool::new(false),
        |p| bar.set_position((p * 1000.0) as u64),
    );
    bar.finish_and_clear();
    r.map_err(|e| super::analyze::named_error(rec, &e))
}

/// For each turn of `doc`, its similarity to each speaker, best first (empty for a turn with
/// too little speech), from every turn's voice (`voices[i]` is turn i's).
pub fn similarities(doc: &Transcript, voices: &[SpanVoice]) -> Vec<Vec<Similarity>> {
    let mut index = SpeakerIndex::new(doc.speakers.len());
    for (i, (t, v)) in doc.turns.iter().zip(voices).enumerate() {
        let speaker = doc.speakers.iter().position(|s| s.id == t.speaker);
        if let (Some(e), Some(s)) = (&v.embedding, speaker) {
            index.add_weighted(i, s, e.clone(), turn_weight(v.speech_ms));
        }
    }
    (0..doc.turns.len())
        .map(|i| {
            index
                .similarities(i)
                .into_iter()
                .map(|(s, x)| Similarity { speaker: doc.speakers[s].name.clone(), similarity: x })
                .collect()
        })
        .collect()
}
