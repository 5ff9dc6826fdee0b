//! The voice part of `turnfix analyze REC TRANSCRIPT`: each turn's voice embedding from its
//! speech (the spans the speech analysis found), a centroid per speaker from the turns labelled
//! with it, and each turn's similarity to every speaker, best first (its own speaker's centroid
//! without the turn itself). Progress on stderr.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use turnfix::audio::voice::{AnalyzeOptions, SpeakerIndex, TurnSpan, VoiceEncoder, analyze_recording, turn_weight};
use turnfix::model::{Ms, Transcript};

/// A turn's window in the recording and its speech spans in it (ms).
pub type TurnWindow = ((Ms, Ms), Vec<(Ms, Ms)>);

/// One speaker's similarity to a turn.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Similarity {
    pub speaker: String,
    pub similarity: f32,
}

/// For each turn of `doc`, its similarity to each speaker, best first (empty for a turn with
/// too little speech). `speech[i]` is turn i's window and speech spans.
pub fn similarities(rec: &Path, doc: &Transcript, speech: &[TurnWindow]) -> anyhow::Result<Vec<Vec<Similarity>>> {
    let mut enc = VoiceEncoder::bundled()?;
    let spans: Vec<TurnSpan> =
        speech.iter().map(|((a, b), segs)| TurnSpan { start_ms: *a, end_ms: *b, speech: Some(segs.clone()) }).collect();
    let bar = super::analyze::progress_bar();
    bar.set_message("voices");
    let mut index = SpeakerIndex::new(doc.speakers.len());
    let speaker_of = |i: usize| doc.speakers.iter().position(|s| s.id == doc.turns[i].speaker);
    let r = analyze_recording(
        &mut enc,
        rec,
        &spans,
        &AnalyzeOptions { features: false, ..AnalyzeOptions::default() },
        &AtomicBool::new(false),
        |p| bar.set_position((p * 1000.0) as u64),
        |tv| {
            if let (Some(e), Some(s)) = (tv.embedding, speaker_of(tv.turn)) {
                index.add_weighted(tv.turn, s, e, turn_weight(tv.speech_ms));
            }
        },
    );
    bar.finish_and_clear();
    r.map_err(|e| anyhow::anyhow!("{}: {e}", rec.display()))?;
    Ok((0..doc.turns.len())
        .map(|i| {
            index
                .similarities(i)
                .into_iter()
                .map(|(s, x)| Similarity { speaker: doc.speakers[s].name.clone(), similarity: x })
                .collect()
        })
        .collect())
}
