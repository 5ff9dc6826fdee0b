use anyhow::Context;
use std::path::PathBuf;
use std::process::ExitCode;
use turnfix::export::{self, CsvTimes, ExportFormat, ExportOptions, MetadataRules, TimeStyle};
use turnfix::formats::{self, Format};

#[derive(clap::Args)]
pub struct ConvertArgs {
    /// Input transcript (any supported format; detected from the content).
    pub input: PathBuf,
    /// Output file.
    pub output: PathBuf,
    /// Force the input format: json, otter-txt, web-page, markdown, docx, srt, vtt.
    #[arg(long, value_name = "FMT")]
    pub from: Option<String>,
    /// Output format: json, otter-txt, txt (plain text), md, srt, vtt, docx, csv, tsv (also
    /// report-md, report-html). Default: from OUT's extension, where .txt means otter-txt.
    #[arg(long, value_name = "FMT")]
    pub to: Option<String>,
    /// Recording of the transcript: SRT and VTT cues are placed on its speech (no cue spans a
    /// silence of 1 s or more) [srt, vtt].
    #[arg(long, value_name = "REC")]
    pub audio: Option<PathBuf>,
    #[command(flatten)]
    pub writer: WriterFlags,
}

/// The writer options (see `turnfix::export::ExportOptions`); each applies to the formats named.
#[derive(clap::Args, Debug)]
#[command(next_help_heading = "Writer options")]
pub struct WriterFlags {
    /// Leave out speaker names [otter-txt, txt, md, docx, srt, vtt].
    #[arg(long)]
    pub no_names: bool,
    /// Leave out timestamps [otter-txt, txt, md, docx].
    #[arg(long)]
    pub no_timestamps: bool,
    /// Join consecutive turns by the same speaker [otter-txt, txt, md, docx, csv, tsv].
    #[arg(long)]
    pub merge_same_speaker: bool,
    /// Time format: otter (M:SS), padded (MM:SS, as otter's DOCX), clock (HH:MM:SS) or auto
    /// (as otter writes the format); H:MM:SS from one hour on except clock [otter-txt, txt, md,
    /// docx].
    #[arg(long, value_name = "STYLE", default_value = "otter", value_parser = ["auto", "otter", "padded", "clock"])]
    pub time_style: String,
    /// End with otter's "Transcribed by https://otter.ai" line [otter-txt].
    #[arg(long)]
    pub footer: bool,
    /// Leave out the title and metadata header [txt, md, docx].
    #[arg(long)]
    pub no_header: bool,
    /// Put otter's AI summary and outline in the header [txt, md, docx].
    #[arg(long)]
    pub ai_summary: bool,
    /// Write turns that have no text [otter-txt, txt, md, docx, csv, tsv].
    #[arg(long)]
    pub empty_turns: bool,
    /// Most characters in a caption line; a longer word stays whole [srt, vtt].
    #[arg(long, value_name = "N", default_value_t = 42, value_parser = clap::value_parser!(u32).range(1..))]
    pub line_chars: u32,
    /// Most lines in a caption cue [srt, vtt].
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    pub cue_lines: u32,
    /// Longest caption cue, in seconds [srt, vtt].
    #[arg(long, value_name = "SECS", default_value_t = 7.0)]
    pub max_cue_secs: f64,
    /// Times in CSV/TSV: clock (HH:MM:SS.mmm) or ms (whole milliseconds) [csv, tsv].
    #[arg(long, value_name = "UNIT", default_value = "clock", value_parser = ["clock", "ms"])]
    pub csv_times: String,
}

impl WriterFlags {
    pub fn options(&self) -> anyhow::Result<ExportOptions> {
        if !(self.max_cue_secs.is_finite() && self.max_cue_secs >= 0.001) {
            anyhow::bail!("--max-cue-secs must be a positive number of seconds, not {}", self.max_cue_secs);
        }
        Ok(ExportOptions {
            names: !self.no_names,
            timestamps: !self.no_timestamps,
            merge_same_speaker: self.merge_same_speaker,
            time_style: TimeStyle::from_id(&self.time_style).unwrap_or_default(),
            footer: self.footer,
            header: !self.no_header,
            metadata: MetadataRules { summary: self.ai_summary, outline: self.ai_summary, ..Default::default() },
            empty_turns: self.empty_turns,
            caption_line_chars: self.line_chars as usize,
            caption_lines: self.cue_lines as usize,
            caption_max_ms: (self.max_cue_secs * 1000.0).round() as u64,
            csv_times: CsvTimes::from_id(&self.csv_times).unwrap_or_default(),
            captions_on_speech: true,
        })
    }
}

fn supported() -> String {
    ExportFormat::ALL.iter().map(|f| f.id()).collect::<Vec<_>>().join(", ")
}

pub fn run(a: ConvertArgs) -> anyhow::Result<ExitCode> {
    let from = match &a.from {
        Some(f) => Some(Format::from_id(f).with_context(|| format!("unknown input format {f:?}"))?),
        None => None,
    };
    let to = match &a.to {
        Some(t) => ExportFormat::from_id(t)
            .with_context(|| format!("unknown output format {t:?} (supported: {})", supported()))?,
        None => ExportFormat::from_path(&a.output).with_context(|| {
            format!(
                "cannot tell the output format from {:?}: give --to FMT (one of {})",
                a.output.display().to_string(),
                supported()
            )
        })?,
    };
    let opts = a.writer.options()?;
    let import = formats::read_path(&a.input, from)?;
    for w in &import.warnings {
        eprintln!("{}: warning: {w}", a.input.display());
    }
    match (&a.audio, to) {
        (Some(rec), ExportFormat::Srt | ExportFormat::Vtt) => {
            let speech = super::analyze::speech_segments(rec)?;
            let text = if to == ExportFormat::Srt {
                export::captions::write_srt_on_speech(&import.doc, &opts, Some(&speech))
            } else {
                export::captions::write_vtt_on_speech(&import.doc, &opts, Some(&speech))
            };
            turnfix::session::write_atomic(&a.output, text.as_bytes())
                .with_context(|| format!("cannot write {}", a.output.display()))?;
        }
        (audio, _) => {
            if audio.is_some() {
                eprintln!("turnfix: note: --audio only changes SRT and VTT output; ignored for {}", to.id());
            }
            let bytes = export::export(&import.doc, to, &opts)?;
            turnfix::session::write_atomic(&a.output, &bytes)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
