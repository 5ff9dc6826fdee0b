use std::path::PathBuf;
use std::process::ExitCode;
use turnfix::formats;
use turnfix::model::format_otter_time;

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Transcript to check.
    pub input: PathBuf,
    /// Print one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
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
    issues: Vec<serde_json::Value>,
}

pub fn run(a: CheckArgs) -> anyhow::Result<ExitCode> {
    let import = formats::read_path(&a.input, None)?;
    let doc = &import.doc;
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
        issues: Vec::new(),
    };
    if a.json {
        println!("{}", serde_json::to_string(&report)?);
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
    Ok(ExitCode::SUCCESS)
}
