//! `turnfix report IN.json OUT.md|OUT.html`: what was corrected against the import.

use std::path::PathBuf;
use std::process::ExitCode;
use turnfix::export::{self, ExportFormat, ExportOptions};
use turnfix::formats::{self, Format};

#[derive(clap::Args)]
pub struct ReportArgs {
    /// The corrected transcript (Turnfix JSON).
    pub input: PathBuf,
    /// The report: OUT.md for Markdown, OUT.html for an HTML page.
    pub output: PathBuf,
    /// Force the report format: md or html (default: from OUT's extension).
    #[arg(long, value_name = "FMT", value_parser = ["md", "html"])]
    pub format: Option<String>,
}

pub fn run(a: ReportArgs) -> anyhow::Result<ExitCode> {
    let ext = a.output.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    let fmt = match a.format.as_deref().or(ext.as_deref()) {
        Some("md" | "markdown") => ExportFormat::ReportMarkdown,
        Some("html" | "htm") => ExportFormat::ReportHtml,
        _ => anyhow::bail!(
            "cannot tell the report format from {:?}: name it .md or .html, or give --format md|html",
            a.output.display().to_string()
        ),
    };
    let import = formats::read_path(&a.input, None)?;
    for w in &import.warnings {
        eprintln!("{}: warning: {w}", a.input.display());
    }
    if import.format != Format::Json {
        eprintln!(
            "{}: warning: not a Turnfix JSON ({}): nothing in it has been corrected yet",
            a.input.display(),
            import.format
        );
    }
    let bytes = export::export(&import.doc, fmt, &ExportOptions::default())?;
    turnfix::session::write_atomic(&a.output, &bytes)?;
    let s = export::summarize(&import.doc);
    println!(
        "{} turns changed, {} turns reassigned, {} speakers renamed, {} words changed",
        s.turns_changed,
        s.speakers_reassigned,
        s.speakers_renamed.len(),
        s.words_changed
    );
    Ok(ExitCode::SUCCESS)
}
