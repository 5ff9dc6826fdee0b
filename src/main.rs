//! The `turnfix` binary: the editor window, plus command-line tools.

mod cli;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "turnfix", version, about = "Correct machine transcripts turn by turn against their recording")]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Transcript to open in the editor.
    transcript: Option<PathBuf>,
    /// Recording to play with it (default: a file beside the transcript with the same stem).
    #[arg(long)]
    audio: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Read any supported transcript and write it in another format.
    Convert(cli::convert::ConvertArgs),
    /// Report what was read from a transcript: turns, speakers, time span, warnings.
    Check(cli::check::CheckArgs),
    /// Report what the audio engine sees in a recording: format, length, open and seek times.
    Probe(cli::probe::ProbeArgs),
    /// Write what was corrected against the import, turn by turn: OUT.md or OUT.html.
    Report(cli::report::ReportArgs),
    /// List autosaved sessions (--list [--json]), or write one out: recover TRANSCRIPT_OR_ID OUT.json.
    Recover(cli::recover::RecoverArgs),
    /// Where the speech is in a recording and, given its transcript, in each turn.
    Analyze(cli::analyze::AnalyzeArgs),
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.command {
        Some(Command::Convert(a)) => cli::convert::run(a),
        Some(Command::Check(a)) => cli::check::run(a),
        Some(Command::Probe(a)) => cli::probe::run(a),
        Some(Command::Report(a)) => cli::report::run(a),
        Some(Command::Recover(a)) => cli::recover::run(a),
        Some(Command::Analyze(a)) => cli::analyze::run(a),
        None => cli::editor::run(args.transcript, args.audio),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // One line: the error and its causes.
            let msg = e.chain().map(|c| c.to_string()).collect::<Vec<_>>().join(": ");
            eprintln!("turnfix: {msg}");
            ExitCode::FAILURE
        }
    }
}
