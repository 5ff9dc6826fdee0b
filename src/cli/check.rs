use std::path::{Path, PathBuf};
use std::process::ExitCode;
use turnfix::assist::{self, TurnVoice, VoiceChange, VoiceEvidence};
use turnfix::formats;
use turnfix::model::{Transcript, format_otter_time};

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Transcript to check.
    pub input: PathBuf,
    /// Print one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// The recording: turns past its end, and turns whose voice is unlike their speaker
    /// label's and like another's (the voice analysis: about a minute per hour in release).
    #[arg(long, value_name = "FILE")]
    pub audio: Option<PathBuf>,
    /// How many findings the text report lists (all are in --json).
    #[arg(long, default_value_t = 20)]
    pub top: usize,
}

/// The voice analysis of the recording for the assistant, with a progress bar on stderr: every
/// turn's voice embedding, from one decode of the recording (with its analysis cached by an
/// earlier `turnfix analyze` or `check`, each turn's speech from the speech map; else the one
/// pass, which caches the analysis). The voice-mismatch and two-voices findings come from these;
/// errors name the file.
fn voice_evidence(audio: &Path, doc: &Transcript) -> anyhow::Result<VoiceEvidence> {
    let bar = super::analyze::progress_bar();
    bar.set_message(format!("listening to {}", super::analyze::file_name(audio)));
    let r = turnfix::audio::voice::turns::analysis_and_voice_turns(
        audio,
        doc,
        &std::sync::atomic::AtomicBool::new(false),
        |p| bar.set_position((p * 1000.0) as u64),
    );
    bar.finish_and_clear();
    let (_, voices) = r.map_err(|e| super::analyze::named_error(audio, &e))?;
    Ok(VoiceEvidence {
        turns: doc
            .turns
            .iter()
            .zip(voices)
            .filter_map(|(t, v)| {
                let change = v.change.map(|c| VoiceChange { at_ms: c.at_ms, score: c.score });
                Some(TurnVoice { change, ..TurnVoice::embedded(t.id, v.embedding?) })
            })
            .collect(),
    })
}

#[derive(serde::Serialize)]
struct SpeakerReport {
    name: String,
    turns: usize,
    talk_ms: u64,
}

#[derive(serde::Serialize)]
struct Report<'a> {
    turns: usize,
    speakers: Vec<SpeakerReport>,
    first_ms: Option<u64>,
    last_ms: Option<u64>,
    warnings: &'a [formats::Warning],
    issues: Vec<assist::FindingJson<'a>>,
}

pub fn run(a: CheckArgs) -> anyhow::Result<ExitCode> {
    let import = formats::read_path(&a.input, None)?;
    let doc = &import.doc;
    let audio_ms = match &a.audio {
        Some(p) => {
            let stream = turnfix::audio::decode::open(p).map_err(|e| anyhow::anyhow!("{e}"))?;
            stream.info().duration_ms()
        }
        None => doc.audio.as_ref().and_then(|l| l.duration_ms),
    };
    let voice = a.audio.as_deref().map(|p| voice_evidence(p, doc)).transpose()?;
    let findings = assist::check(doc, &assist::Context { audio_ms, voice: voice.as_ref() });
    let counts = doc.turn_counts();
    let talk = doc.talk_time();
    let report = Report {
        turns: doc.turns.len(),
        speakers: doc
            .speakers
            .iter()
            .map(|s| SpeakerReport {
                name: s.name.clone(),
                turns: counts.get(&s.id).copied().unwrap_or(0),
                talk_ms: talk.get(&s.id).copied().unwrap_or(0),
            })
            .collect(),
        first_ms: doc.turns.first().map(|t| t.start_ms),
        last_ms: doc.turns.last().map(|t| t.start_ms),
        warnings: &import.warnings,
        // Only for --json.
        issues: if a.json { findings.iter().map(|f| f.json(doc)).collect() } else { Vec::new() },
    };
    if a.json {
        println!("{}", serde_json::to_string(&report)?);
        std::mem::forget(report);
        leak_at_exit(findings, import);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}: {} ({})", a.input.display(), import.format, doc.metadata.title.as_deref().unwrap_or("untitled"));
    println!("turns: {}", report.turns);
    if let (Some(f), Some(l)) = (report.first_ms, report.last_ms) {
        println!("time span: {} to {}", format_otter_time(f), format_otter_time(l));
    }
    println!("speakers: {}", report.speakers.len());
    for s in &report.speakers {
        println!("  {:<30} {:>5} turns  {:>9} talk", s.name, s.turns, format_otter_time(s.talk_ms));
    }
    println!("warnings: {}", report.warnings.len());
    for w in report.warnings {
        println!("  {w}");
    }
    let kinds: Vec<String> = assist::counts(&findings).iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!(
        "issues: {}{}",
        findings.len(),
        if kinds.is_empty() { String::new() } else { format!(" ({})", kinds.join(", ")) }
    );
    for f in findings.iter().take(a.top) {
        let t = &doc.turns[f.turn];
        println!(
            "  {:.2} {:<17} turn {:>4} {:>8} {}: {}",
            f.score,
            f.kind.id(),
            f.turn + 1,
            format_otter_time(t.start_ms),
            doc.speaker_name(t.speaker),
            f.message
        );
    }
    if findings.len() > a.top {
        println!("  … {} more (--top N, or --json for all)", findings.len() - a.top);
    }
    std::mem::forget(report);
    leak_at_exit(findings, import);
    Ok(ExitCode::SUCCESS)
}

/// (The report, which borrows the import, is forgotten first.) The process ends right after the
/// report is printed: freeing a 10,000-turn document and its
/// findings one allocation at a time would cost a fifth of the run, and the OS takes the memory
/// back at once.
fn leak_at_exit<A, B>(a: A, b: B) {
    std::mem::forget((a, b));
}
