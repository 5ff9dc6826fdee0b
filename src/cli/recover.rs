//! `turnfix recover`: list autosaved sessions, or write one out, for when the window won't open.

use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use turnfix::session::{self, recovery};

#[derive(clap::Args)]
pub struct RecoverArgs {
    /// List every recoverable session: source file, edits, time.
    #[arg(long)]
    pub list: bool,
    /// With --list: print a JSON array on stdout.
    #[arg(long, requires = "list")]
    pub json: bool,
    /// The transcript the session was editing (its path), or a session id from --list.
    #[arg(required_unless_present = "list", conflicts_with = "list")]
    pub session: Option<String>,
    /// Where to write the recovered Turnfix JSON.
    #[arg(required_unless_present = "list", conflicts_with = "list")]
    pub out: Option<PathBuf>,
}

pub fn run(a: RecoverArgs) -> anyhow::Result<ExitCode> {
    let root = recovery::data_root()?;
    if a.list {
        let (sessions, damaged) = recovery::list(&root)?;
        if a.json {
            println!("{}", serde_json::to_string_pretty(&sessions)?);
        } else if sessions.is_empty() {
            println!("No sessions to recover (in {}).", root.display());
        } else {
            for s in &sessions {
                let when = s.last_edit_ms.map_or_else(|| "-".to_string(), utc);
                println!("{}  {} unsaved edit(s), last {when}  {}", s.id, s.unsaved_edits, s.transcript);
            }
        }
        if damaged > 0 {
            eprintln!(
                "turnfix: {damaged} damaged session(s) in {} were skipped",
                recovery::sessions_dir(&root).display()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(query), Some(out)) = (a.session, a.out) else {
        anyhow::bail!("give the transcript (or session id) and the file to write, or --list");
    };
    let s = recovery::find(&root, &query)?;
    let r = recovery::recover(&s)?;
    let mut doc = r.doc;
    // Link the recording from where the recovered file is written.
    if let Some(rec) = s.recording.as_deref().map(Path::new).filter(|p| p.is_file()) {
        let duration = doc.audio.as_ref().and_then(|l| l.duration_ms);
        doc.audio = Some(session::audio_link(&out, rec, duration));
    } else if let Some(link) = doc.audio.clone() {
        let from = session::resolve_audio(Path::new(&s.transcript), &link);
        if from.is_file() {
            doc.audio = Some(session::audio_link(&out, &from, link.duration_ms));
        }
    }
    session::save_json(&doc, &out).with_context(|| format!("recovering session {}", s.id))?;
    eprintln!("Recovered {} ({} edit(s), {} unsaved) to {}", s.transcript, s.edits, s.unsaved_edits, out.display());
    if r.replayed < r.lines {
        eprintln!("turnfix: warning: only {} of {} journal lines applied", r.replayed, r.lines);
    }
    Ok(ExitCode::SUCCESS)
}

/// `YYYY-MM-DD HH:MM:SS UTC` from ms since the Unix epoch.
fn utc(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_formats_dates() {
        assert_eq!(super::utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(super::utc(1_709_210_096_000), "2024-02-29 12:34:56 UTC");
    }
}
