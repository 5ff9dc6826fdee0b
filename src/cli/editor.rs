use std::path::PathBuf;
use std::process::ExitCode;

/// Open the editor window, with a transcript (and its recording) when given.
pub fn run(transcript: Option<PathBuf>, audio: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    if let Some(t) = &transcript
        && !t.is_file()
    {
        anyhow::bail!("{}: no such file", t.display());
    }
    if let Some(a) = &audio
        && !a.is_file()
    {
        anyhow::bail!("{}: no such audio file", a.display());
    }
    turnfix::app::run_window(transcript, audio).map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
