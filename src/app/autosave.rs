//! The editor's autosave and crash recovery, on the session's [`Autosaver`]: a session starts
//! when a document is installed (keyed by its transcript and recording), every History
//! operation is recorded (a channel send: the autosave thread writes, never the UI thread,
//! within [`crate::session::autosave::FLUSH_AFTER`] of the edit), a save is noted in the
//! journal, and the session is removed after a normal save and close, or a discard.
//!
//! When a transcript with a pending recovery is opened (or at start, for any), the recovery
//! prompt says what would come back: Recover (the edits become ordinary undoable history),
//! Keep for later, or Discard.

use super::App;
use super::tasks::{Done, TaskKind};
use crate::session::Autosaver;
use crate::session::journal::Op;
use crate::session::recovery::{self, Recoverable};
use crate::ui::{Level, Modal, RecoveryAnswer, RecoveryOffer};
use std::path::Path;

/// The recoverable sessions found for a transcript (or all of them).
pub(crate) type Found = Result<Vec<Recoverable>, recovery::RecoveryError>;

impl App {
    /// Start autosaving the document just installed from `path` (no-op without a data folder).
    /// `base` is its copy for the session, made on the open task (None: copied here).
    pub(crate) fn autosave_start(&mut self, path: &Path, base: Option<crate::model::Transcript>) {
        self.autosave_stop();
        let Some(root) = self.options.data_dir.clone() else { return };
        let recording = self.audio_path.clone();
        let base = base.unwrap_or_else(|| self.doc.clone());
        self.autosave = Some(Autosaver::start(&root, path, recording.as_deref(), base));
    }

    /// Record one History operation for autosave (never blocks).
    pub(crate) fn autosave_record(&mut self, op: Op) {
        if let Some(a) = &mut self.autosave {
            a.record(op);
        }
    }

    /// The sequence number to note when a save's copy of the document is taken.
    pub(crate) fn autosave_seq(&self) -> u64 {
        self.autosave.as_ref().map_or(0, Autosaver::seq)
    }

    /// A save of the document as of `upto` succeeded.
    pub(crate) fn autosave_saved(&mut self, path: &Path, upto: u64) {
        if let Some(a) = &mut self.autosave {
            a.saved(path, upto);
        }
    }

    /// The document is closed after a save or a discard: remove its session (on the thread).
    pub(crate) fn autosave_stop(&mut self) {
        if let Some(a) = self.autosave.take() {
            a.close();
        }
    }

    /// A failing autosave (full disk, unwritable data folder) is told once, when it starts
    /// failing; it keeps retrying on its thread.
    pub(crate) fn read_autosave_error(&mut self) {
        let err = self.autosave.as_ref().and_then(Autosaver::error);
        if err.is_some() && err != self.autosave_error {
            let text = format!("Autosave is not working: {}", err.as_deref().unwrap_or_default());
            self.notify(Level::Warning, text);
        }
        self.autosave_error = err;
    }

    /// The autosave session, if one runs (tests).
    pub fn autosaver(&self) -> Option<&Autosaver> {
        self.autosave.as_ref()
    }

    /// Offer the newest autosaved work of any transcript (at start). Sessions older than 30
    /// days, or with nothing unsaved, are pruned first. Both on a task: the folder may be slow.
    pub(crate) fn offer_recovery_of_any(&mut self) {
        let Some(root) = self.options.data_dir.clone() else { return };
        let name = "Looking for unsaved work…".to_string();
        self.tasks.spawn(&self.ctx, TaskKind::Recover, name, false, move |_| {
            let _ = recovery::prune(&root, recovery::MAX_AGE);
            Done::FoundAtStart(recovery::list(&root).map(|(l, _)| l))
        });
    }

    /// Show the recovery prompt for the newest of `found` (looked up on the open task).
    pub(crate) fn show_recovery(&mut self, found: Option<Found>) {
        match found {
            None => {}
            Some(Ok(list)) => {
                if let Some(r) = list.into_iter().next() {
                    self.defer_ask();
                    self.view.modal = Some(Modal::Recover(offer_of(&r)));
                    self.recovery = Some(r);
                }
            }
            Some(Err(e)) => self.notify(Level::Warning, format!("Could not look for autosaved work: {e}")),
        }
    }

    /// The recovery prompt's answers.
    pub(crate) fn answer_recovery(&mut self, answer: RecoveryAnswer) {
        if matches!(self.view.modal, Some(Modal::Recover(_))) {
            self.view.modal = None;
        }
        let Some(r) = self.recovery.take() else { return };
        match answer {
            RecoveryAnswer::Recover => self.recover(&r),
            RecoveryAnswer::Keep => {
                self.notify(Level::Info, format!("The autosaved edits of {} are kept for later.", r.transcript))
            }
            RecoveryAnswer::Discard => match recovery::discard(&r) {
                Ok(()) => self.notify(Level::Info, format!("The autosaved edits of {} were discarded.", r.transcript)),
                Err(e) => self.notify(Level::Error, format!("Could not discard the autosave: {e}")),
            },
        }
    }

    /// Bring the session's edits back as the document's history, and keep autosaving into it.
    /// Reading the transcript, replaying the journal and reopening it run on a task.
    fn recover(&mut self, r: &Recoverable) {
        let path = Path::new(&r.transcript).to_path_buf();
        let open = self.file.as_ref().is_some_and(|f| std::path::absolute(&f.path).ok().as_ref() == Some(&path));
        let r = r.clone();
        let name = format!("Recovering the edits of {}…", path.file_name().unwrap_or_default().to_string_lossy());
        self.tasks.spawn(&self.ctx, TaskKind::Recover, name, false, move |_| {
            Done::Recovered(Box::new(replay(r, (!open).then_some(path))))
        });
    }

    /// A session's edits, replayed on the task: use them.
    pub(crate) fn finish_recovery(&mut self, done: Replayed) {
        let Replayed { session: r, opened, result } = done;
        let (rec, resumed) = match (opened, result) {
            (Some(Err(e)), _) | (_, Err(e)) => {
                self.notify(Level::Error, format!("Cannot recover: {e}"));
                return;
            }
            (Some(Ok((path, import))), Ok(done)) => {
                self.install(path, *import, None);
                done
            }
            (None, Ok(done)) => done,
        };
        let resumed = match resumed {
            Ok(a) => Some(a),
            Err(e) => {
                self.notify(Level::Warning, format!("Recovered, but autosave cannot go on: {e}"));
                None
            }
        };
        self.autosave_stop();
        self.autosave = resumed;
        self.doc = rec.doc;
        self.history = rec.history;
        self.view.new_document();
        self.notify(Level::Info, format!("Recovered {} edit(s) of {} (Undo takes them back).", r.edits, r.transcript));
    }
}

/// What a recovery task brings back: the transcript read again (when it was not open), the
/// replayed document and history, and the session reopened to go on autosaving into.
pub(crate) struct Replayed {
    session: Recoverable,
    opened: Option<Result<(std::path::PathBuf, Box<crate::formats::Import>), String>>,
    result: Result<(recovery::Recovered, Result<Autosaver, recovery::RecoveryError>), String>,
}

/// The work of a recovery task (`open`: the transcript to read first).
fn replay(session: Recoverable, open: Option<std::path::PathBuf>) -> Replayed {
    let opened = open.map(|p| crate::session::open(&p).map(|i| (p, Box::new(i))).map_err(|e| e.to_string()));
    let result = match &opened {
        Some(Err(_)) => Err(String::new()),
        _ => recovery::recover(&session).map(|rec| (rec, Autosaver::resume(&session))).map_err(|e| e.to_string()),
    };
    Replayed { session, opened, result }
}

/// What the prompt says about a session.
fn offer_of(r: &Recoverable) -> RecoveryOffer {
    let when = r.last_edit_ms.unwrap_or(r.started_ms);
    RecoveryOffer { transcript: r.transcript.clone(), edits: r.unsaved_edits, when: format_when(when) }
}

/// A time as `YYYY-MM-DD HH:MM UTC`.
fn format_when(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02} UTC", rem / 3600, rem % 3600 / 60)
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_calendar_dates() {
        assert_eq!(format_when(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_when(1_764_635_700_000), "2025-12-02 00:35 UTC");
    }
}
