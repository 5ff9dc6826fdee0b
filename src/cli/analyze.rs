//! `turnfix analyze REC [TRANSCRIPT] [--json]`: where the speech is in a recording and, given a
//! transcript, where each turn's speech starts and ends and whose voice it sounds like (the
//! similarity to each speaker, best first: [`super::analyze_voice`]; `--no-voice` skips it).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use turnfix::audio::analysis::{self, Analysis};
use turnfix::audio::speech::SpeechMap;
use turnfix::audio::voice::TurnSpan;
use turnfix::audio::voice::turns::turn_spans;
use turnfix::formats;
use turnfix::model::{Ms, Transcript, format_clock};

#[derive(clap::Args)]
pub struct AnalyzeArgs {
    /// Recording (MP3, M4A, WAV, FLAC, Ogg).
    pub recording: PathBuf,
    /// Transcript of it (any supported format): adds each turn's speech start and end.
    pub transcript: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Skip the voice analysis (each turn's similarity to each speaker).
    #[arg(long)]
    pub no_voice: bool,
}

/// The progress bar the long CLI passes draw on stderr (0–1000; hidden when stderr is not a
/// terminal).
pub fn progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(1000);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {percent}% ({eta} left)")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

/// The file name of `rec` as the CLI's messages give it.
pub fn file_name(rec: &Path) -> String {
    rec.file_name().map_or_else(|| rec.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// An error of a pass over `rec`, naming the file (open errors already start with its name).
pub fn named_error(rec: &Path, e: &dyn std::fmt::Display) -> anyhow::Error {
    let (name, msg) = (file_name(rec), e.to_string());
    if msg.starts_with(&name) { anyhow::anyhow!(msg) } else { anyhow::anyhow!("{name}: {msg}") }
}

/// The analysis of `rec`, from the cache or computed with a progress bar on stderr (hidden when
/// stderr is not a terminal). Errors name the file.
pub fn analysis_of(rec: &Path) -> anyhow::Result<Analysis> {
    if let Some(a) = analysis::load_cached(rec) {
        return Ok(a);
    }
    let bar = progress_bar();
    bar.set_message(format!("listening to {}", file_name(rec)));
    let r = analysis::compute(rec, &AtomicBool::new(false), |p| bar.set_position((p * 1000.0) as u64));
    bar.finish_and_clear();
    let a = r.map_err(|e| named_error(rec, &e))?;
    let _ = analysis::store_cached(rec, &a);
    Ok(a)
}

/// The speech segments of `rec` (ms), for `convert --audio`.
pub fn speech_segments(rec: &Path) -> anyhow::Result<Vec<(Ms, Ms)>> {
    Ok(analysis_of(rec)?.speech.map().segments().to_vec())
}

/// One turn's figures.
#[derive(serde::Serialize)]
struct TurnSpeech {
    index: usize,
    speaker: String,
    start_ms: Ms,
    speech_start_ms: Option<Ms>,
    speech_end_ms: Option<Ms>,
    /// Similarity of the turn's voice to each speaker, best first (empty without the voice
    /// analysis, or with too little speech).
    voice: Vec<super::analyze_voice::Similarity>,
}

#[derive(serde::Serialize)]
struct Report {
    recording: String,
    duration_ms: Ms,
    speech_ms: Ms,
    segments: Vec<(Ms, Ms)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    turns: Option<Vec<TurnSpeech>>,
    /// Turns that start at or after the recording's end (index in the transcript).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    past_end: Vec<usize>,
}

/// Each turn's figures (its speech from the speech map) and the turns past the recording's end.
fn turns_of(doc: &Transcript, a: &Analysis) -> (Vec<TurnSpeech>, Vec<usize>) {
    let map = a.speech.map();
    let dur = a.duration_ms();
    let mut past = Vec::new();
    let turns = speech_spans(doc, Some(&map), dur)
        .into_iter()
        .enumerate()
        .map(|(i, span)| {
            let t = &doc.turns[i];
            if t.start_ms >= dur {
                past.push(i);
            }
            let segs = span.speech.unwrap_or_default();
            let sp = segs.first().zip(segs.last()).map(|(f, l)| (f.0, l.1));
            TurnSpeech {
                index: i,
                speaker: doc.speaker_name(t.speaker).to_string(),
                start_ms: t.start_ms,
                speech_start_ms: sp.map(|x| x.0),
                speech_end_ms: sp.map(|x| x.1),
                voice: Vec::new(),
            }
        })
        .collect();
    (turns, past)
}

/// Each turn's window (its start to the next later start, the last to the recording's end) and
/// its speech: from the map when given (else None: the gate finds it), none for a turn without
/// words.
pub fn speech_spans(doc: &Transcript, map: Option<&SpeechMap>, duration_ms: Ms) -> Vec<TurnSpan> {
    let mut spans = turn_spans(doc, map, duration_ms);
    for (span, t) in spans.iter_mut().zip(&doc.turns) {
        if t.text.trim().is_empty() {
            span.speech = Some(Vec::new());
        }
    }
    spans
}

fn ms(v: Ms) -> String {
    format!("{}.{:03}", format_clock(v), v % 1000)
}

pub fn run(a: AnalyzeArgs) -> anyhow::Result<ExitCode> {
    // Read the transcript first: a bad transcript fails before the long pass.
    let doc = match &a.transcript {
        Some(p) => {
            let import = formats::read_path(p, None)?;
            for w in &import.warnings {
                eprintln!("{}: warning: {w}", p.display());
            }
            Some(import.doc)
        }
        None => None,
    };
    // With a transcript and its voices: one decode for the analysis and the voices.
    let (an, voices) = match &doc {
        Some(d) if !a.no_voice => {
            let (an, v) = super::analyze_voice::analysis_and_voices(&a.recording, d)?;
            (an, Some(v))
        }
        _ => (analysis_of(&a.recording)?, None),
    };
    let map = an.speech.map();
    let (turns, past_end) = match &doc {
        Some(d) => {
            let (mut t, p) = turns_of(d, &an);
            if let Some(v) = &voices {
                for (turn, s) in t.iter_mut().zip(super::analyze_voice::similarities(d, v)) {
                    turn.voice = s;
                }
            }
            (Some(t), p)
        }
        None => (None, Vec::new()),
    };
    let rec_name = a.recording.display().to_string();
    if !past_end.is_empty()
        && let Some(d) = &doc
    {
        let last = d.turns.iter().map(|t| t.start_ms).max().unwrap_or(0);
        eprintln!(
            "turnfix: {rec_name} is {} long, shorter than the transcript (its last turn starts at {}): {} turn(s) start past its end: {}",
            format_clock(an.duration_ms()),
            format_clock(last),
            past_end.len(),
            past_end
                .iter()
                .map(|&i| format!("#{} ({})", i + 1, format_clock(d.turns[i].start_ms)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let report = Report {
        recording: rec_name,
        duration_ms: an.duration_ms(),
        speech_ms: map.speech_ms(),
        segments: map.segments().to_vec(),
        turns,
        past_end,
    };
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{}: {} long, {} of speech in {} segments",
        report.recording,
        format_clock(report.duration_ms),
        format_clock(report.speech_ms),
        report.segments.len()
    );
    match &report.turns {
        Some(turns) => {
            println!("turn  start     speech start   speech end     speaker (sounds like)");
            for t in turns {
                let f = |v: Option<Ms>| v.map_or_else(|| "-".to_string(), ms);
                let like =
                    t.voice.first().map_or_else(String::new, |b| format!(" ({} {:.2})", b.speaker, b.similarity));
                println!(
                    "{:>4}  {:<8}  {:<13}  {:<13}  {}{like}",
                    t.index + 1,
                    format_clock(t.start_ms),
                    f(t.speech_start_ms),
                    f(t.speech_end_ms),
                    t.speaker
                );
            }
        }
        None => {
            for (s, e) in &report.segments {
                println!("{} - {}", ms(*s), ms(*e));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ms_format_has_milliseconds() {
        assert_eq!(ms(3_723_045), format!("{}.045", format_clock(3_723_045)));
    }
}
