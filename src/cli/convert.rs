use anyhow::Context;
use std::path::PathBuf;
use std::process::ExitCode;
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
    /// Output format (default: from OUT's extension). Only json for now.
    #[arg(long, value_name = "FMT")]
    pub to: Option<String>,
}

pub fn run(a: ConvertArgs) -> anyhow::Result<ExitCode> {
    let from = match &a.from {
        Some(f) => Some(Format::from_id(f).with_context(|| format!("unknown input format {f:?}"))?),
        None => None,
    };
    let to = a.to.clone().unwrap_or_else(|| {
        a.output.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_else(|| "json".into())
    });
    if to != "json" {
        anyhow::bail!("unknown output format {to:?} (supported: json)");
    }
    let import = formats::read_path(&a.input, from)?;
    for w in &import.warnings {
        eprintln!("{}: warning: {w}", a.input.display());
    }
    turnfix::session::save_json(&import.doc, &a.output)?;
    Ok(ExitCode::SUCCESS)
}
