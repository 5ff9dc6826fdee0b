//! The document's life: open (on a task), install, close, save (on a task), the unsaved-changes
//! prompt and what waits on it, dropped files (file dialogs: `file_dialogs.rs`).

use super::App;
use super::tasks::{Done, Pick, TaskKind};
use crate::audio::extensions::is_audio_path;
use crate::edit::History;
use crate::formats::{Format, Import, ReadError, Warning};
use crate::model::Transcript;
use crate::session;
use crate::ui::{Level, Modal, Pending, SaveConflict, UnsavedAnswer};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The file behind the open document.
#[derive(Clone, Debug)]
pub struct OpenFile {
    /// The file that was opened.
    pub path: PathBuf,
    pub format: Format,
    /// Where Save writes: the JSON that was opened, or the Save As target once chosen.
    pub save_path: Option<PathBuf>,
    pub warnings: Vec<Warning>,
    /// What the file at `save_path` was when it was opened or last saved (the changed-on-disk
    /// check before the next save over it).
    pub stamp: Option<session::DiskStamp>,
}

impl OpenFile {
    /// The name Save As proposes: `<stem>.turnfix.json` beside the opened file.
    pub fn default_save_path(&self) -> PathBuf {
        match &self.save_path {
            Some(p) => p.clone(),
            None => session::default_save_path(&self.path),
        }
    }
}

fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
}

impl App {
    // -----------------------------------------------------------------------------------------
    // Opening and closing
    // -----------------------------------------------------------------------------------------

    /// Open a transcript on a task (asks about unsaved changes first).
    pub fn open(&mut self, path: PathBuf) {
        if self.history.is_dirty() && self.file.is_some() {
            self.view.modal = Some(Modal::Unsaved(Pending::Open(path)));
            return;
        }
        self.start_open(path);
    }

    /// Open with a given recording (the command line's --audio).
    pub fn open_with_audio(&mut self, path: PathBuf, audio: Option<PathBuf>) {
        self.audio_override = audio;
        self.open(path);
    }

    fn start_open(&mut self, path: PathBuf) {
        let audio = self.audio_override.take();
        let name = format!("Opening {}…", file_name(&path));
        let data = self.options.data_dir.clone();
        self.tasks.spawn(&self.ctx, TaskKind::Open, name, true, move |_| {
            let result = session::open_stamped(&path).map(|(import, stamp)| {
                let base = import.doc.clone();
                Box::new((import, stamp, base))
            });
            let recoverable = data.map(|root| session::recovery::for_transcript(&root, &path));
            let recordings = result
                .as_ref()
                .map_or_else(|_| Vec::new(), |o| super::recording_choice::candidates(&path, &o.0, audio.as_ref()));
            Done::Opened { path, audio, result, recoverable, recordings }
        });
    }

    /// Open on the calling thread (tests, benchmarks); no prompt about unsaved changes.
    pub fn open_sync(&mut self, path: &Path) -> Result<(), ReadError> {
        let (import, stamp) = session::open_stamped(path)?;
        let audio = self.audio_override.take();
        let recordings = super::recording_choice::candidates(path, &import, audio.as_ref());
        self.install(path.to_path_buf(), import, audio);
        self.keep_stamp(stamp);
        let found = self.options.data_dir.as_ref().map(|root| session::recovery::for_transcript(root, path));
        self.show_recovery(found);
        self.ask_recording(recordings);
        Ok(())
    }

    /// Show an already-read document (as if opened from `path`).
    pub fn install(&mut self, path: PathBuf, import: Import, audio: Option<PathBuf>) {
        self.install_with_base(path, import, audio, None);
    }

    /// [`App::install`], with the autosave's copy of the document when one was made on a task.
    fn install_with_base(&mut self, path: PathBuf, import: Import, audio: Option<PathBuf>, base: Option<Transcript>) {
        let Import { doc, warnings, format } = import;
        let save_path = (format == Format::Json).then(|| path.clone());
        // Where the recording should be: the command line, the JSON's link, or beside the file.
        let linked = doc.audio.as_ref().map(|l| session::resolve_audio(&path, l));
        let found = audio
            .clone()
            .or_else(|| linked.clone().filter(|p| p.is_file()))
            .or_else(|| session::find_audio_beside(&path));
        // A linked recording outside the JSON's folder is shown to the user before it is opened.
        let outside = linked
            .as_ref()
            .filter(|l| audio.is_none() && found.as_ref() == Some(*l))
            .and_then(|_| doc.audio.as_ref().and_then(|l| session::audio_outside_folder(&path, l)));
        self.replace_document(doc);
        self.config.push_recent(&path);
        if !warnings.is_empty() {
            let name = file_name(&path);
            self.notify(Level::Warning, format!("{} warning(s) while reading {name}", warnings.len()));
            for w in &warnings {
                self.notify(Level::Warning, format!("{name}, line {}: {}", w.line, w.message));
            }
        }
        self.file = Some(OpenFile { path, format, save_path, warnings, stamp: None });
        match found {
            Some(_) if outside.is_some() => self.ask_outside_audio(outside.unwrap_or_default()),
            Some(a) if a.is_file() => self.load_audio(a),
            Some(a) => self.audio_missing = Some(format!("The recording {} was not found.", a.display())),
            None => {
                self.audio_missing = Some(match linked {
                    Some(l) => format!("The recording {} was not found.", l.display()),
                    None => "No recording was found beside the transcript.".into(),
                })
            }
        }
        if let Some(f) = self.file.as_ref().map(|f| f.path.clone()) {
            self.autosave_start(&f, base);
        }
        self.ctx.request_repaint();
    }

    /// Remember what the opened file was, when Save writes back to it.
    fn keep_stamp(&mut self, stamp: session::DiskStamp) {
        if let Some(f) = &mut self.file
            && f.save_path.as_ref() == Some(&f.path)
        {
            f.stamp = Some(stamp);
        }
    }

    /// Put `doc` in place of the open one, with a fresh history and view.
    fn replace_document(&mut self, doc: Transcript) {
        // The old document was saved or discarded before this: its autosave goes.
        self.autosave_stop();
        self.doc = doc;
        self.history = History::new();
        self.view.new_document();
        self.assist.reset();
        self.drop_voices();
        self.looping = None;
        // The old recording goes with its document: no waveform or Play from the old audio
        // under a document that has none (install loads the new one's, if any).
        if self.audio_path.take().is_some() {
            self.player.unload();
            self.player_state = self.player.state();
        }
        self.audio_missing = None;
    }

    /// Use this recording.
    pub fn load_audio(&mut self, path: PathBuf) {
        // Uncached, the player's one pass gives the turns' voices too (`app/voice.rs`).
        let job = self.voice_job(&path);
        self.player.load_listening(path.clone(), job);
        self.audio_path = Some(path);
        self.audio_missing = None;
        self.looping = None;
    }

    /// Close the document (asks about unsaved changes first).
    pub fn close(&mut self) {
        if self.history.is_dirty() && self.file.is_some() {
            self.view.modal = Some(Modal::Unsaved(Pending::Close));
        } else {
            self.do_close();
        }
    }

    fn do_close(&mut self) {
        self.player.pause();
        self.replace_document(Transcript::default());
        self.file = None;
        self.view.status_from = self.notifications.len();
    }

    /// The Open command: a file dialog (asks about unsaved changes first).
    pub(crate) fn open_dialog(&mut self) {
        if self.history.is_dirty() && self.file.is_some() {
            self.view.modal = Some(Modal::Unsaved(Pending::OpenDialog));
        } else {
            self.pick(Pick::Open, None);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Saving
    // -----------------------------------------------------------------------------------------

    /// Save to the known JSON path, or ask for one (Save As).
    pub fn save(&mut self) {
        self.save_then(None);
    }

    fn save_then(&mut self, then: Option<Pending>) {
        let Some(f) = &self.file else { return };
        match f.save_path.clone() {
            Some(p) => self.save_to(p, then),
            // The first save of an import needs no dialog: `<stem>.turnfix.json` beside it (or
            // the first free `-2`, `-3`... so earlier corrections are never overwritten).
            None => {
                let p = session::unused_save_path(&f.path);
                self.save_to(p, then)
            }
        }
    }

    /// Save under a new name (native dialog; headless: the default name beside the file).
    pub fn save_as(&mut self) {
        self.save_as_then(None);
    }

    /// Save As; what waited on the unsaved-changes prompt runs once the file is written (and is
    /// dropped only when the user cancels the dialog).
    pub(super) fn save_as_then(&mut self, then: Option<Pending>) {
        let Some(f) = &self.file else { return };
        let default = f.default_save_path();
        if self.options.native_dialogs {
            self.pick(Pick::SaveAs(then), Some(default));
        } else {
            self.save_to(default, then);
        }
    }

    /// Write the JSON to `path` on a task; refused while another save runs. A file there that
    /// changed since it was opened or saved (or that this document did not come from) is not
    /// overwritten without asking.
    pub fn save_to(&mut self, path: PathBuf, then: Option<Pending>) {
        self.save_checked_to(path, then, false);
    }

    /// [`App::save_to`]; `overwrite` once the user agreed to replace what is there.
    pub(super) fn save_checked_to(&mut self, path: PathBuf, then: Option<Pending>, overwrite: bool) {
        if self.tasks.running(TaskKind::Save) {
            self.notify(Level::Warning, "A save is already running; save again once it has finished.");
            return;
        }
        let mut doc = self.doc.clone();
        if let Some(a) = &self.audio_path {
            let duration = self.player_state.duration_ms.or(doc.audio.as_ref().and_then(|l| l.duration_ms));
            doc.audio = Some(session::audio_link(&path, a, duration));
        }
        let revision = self.history.revision();
        self.save_seq = self.autosave_seq();
        let expected = self.file.as_ref().filter(|f| f.save_path.as_ref() == Some(&path)).and_then(|f| f.stamp.clone());
        let name = format!("Saving {}…", file_name(&path));
        self.tasks.spawn(&self.ctx, TaskKind::Save, name, false, move |_| {
            let bytes = crate::formats::json::to_string(&doc);
            let result = session::save_checked(&path, bytes.as_bytes(), expected.as_ref(), overwrite);
            Done::Saved { path, revision, result, then }
        });
    }

    // -----------------------------------------------------------------------------------------
    // File dialogs, tasks' results
    // -----------------------------------------------------------------------------------------

    pub(crate) fn finish_tasks(&mut self) {
        for done in self.tasks.poll() {
            self.finish(done);
        }
        self.raise_deferred_ask();
    }

    /// Block until every running task has finished, handling their results (tests).
    pub fn wait_for_jobs(&mut self) {
        while let Some(done) = self.tasks.wait(Duration::from_secs(30)) {
            self.finish(done);
        }
    }

    fn finish(&mut self, done: Done) {
        match done {
            Done::Opened { path, audio, result, recoverable, recordings } => match result {
                Ok(opened) => {
                    let (import, stamp, base) = *opened;
                    self.install_with_base(path, import, audio, Some(base));
                    self.keep_stamp(stamp);
                    self.show_recovery(recoverable);
                    self.ask_recording(recordings);
                }
                Err(e) => {
                    self.config.remove_recent(&path);
                    self.notify(Level::Error, format!("Could not open the file: {e}"));
                }
            },
            Done::Saved { path, revision, result, then } => match result {
                Ok(saved) => {
                    self.history.mark_saved_revision(revision);
                    let first = self.file.as_ref().is_some_and(|f| f.save_path.is_none());
                    if let Some(f) = &mut self.file {
                        f.save_path = Some(path.clone());
                        f.stamp = Some(saved.stamp);
                    }
                    self.autosave_saved(&path, self.save_seq);
                    self.config.push_recent(&path);
                    let mut text = if first {
                        format!("Saved beside the import as {} (Save As… chooses another name)", path.display())
                    } else {
                        format!("Saved {}", path.display())
                    };
                    if let Some(bak) = &saved.backup {
                        text.push_str(&format!("; the previous version is kept as {}", bak.display()));
                    }
                    self.notify(Level::Info, text);
                    if let Some(p) = then {
                        self.run_pending(p);
                    }
                }
                Err(e) if e.needs_confirmation() => {
                    self.ask_conflict(SaveConflict { path, message: e.to_string(), then });
                }
                // The document stays dirty: nothing marks it saved.
                Err(e) => self.notify(Level::Error, format!("The file was not saved: {e}")),
            },
            Done::Picked { pick, path } => match path {
                // The native dialog already asked about replacing a file.
                Some(path) => self.picked(pick, path, true),
                // The user cancelled (a dialog was shown): nothing to do, but say so for a save.
                None => {
                    if let Pick::SaveAs(_) = pick {
                        self.notify(Level::Info, "Save As was cancelled; nothing was saved.");
                    }
                }
            },
            Done::NoDialog { pick, why } => {
                let default =
                    self.file.as_ref().filter(|_| matches!(pick, Pick::SaveAs(_))).map(OpenFile::default_save_path);
                self.ask_path(pick, default, why);
            }
            Done::Exported { path, result } => self.finish_export(path, result),
            Done::Checked(c) => self.checked(c),
            Done::Voiced(v) => self.voiced(v),
            Done::Rematched(r) => self.rematched(r),
            Done::FoundAtStart(found) => self.show_recovery(Some(found)),
            Done::Recovered(done) => self.finish_recovery(*done),
        }
    }

    // -----------------------------------------------------------------------------------------
    // The unsaved-changes prompt
    // -----------------------------------------------------------------------------------------

    /// Do what was waiting on the unsaved-changes prompt.
    fn run_pending(&mut self, p: Pending) {
        match p {
            Pending::Open(path) => self.start_open(path),
            Pending::OpenDialog => self.pick(Pick::Open, None),
            Pending::Close => self.do_close(),
            Pending::Quit => {
                self.autosave_stop();
                self.allow_close = true;
                self.ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// The unsaved-changes prompt's answers.
    pub(crate) fn answer_unsaved(&mut self, answer: UnsavedAnswer) {
        let Some(Modal::Unsaved(p)) = self.view.modal.take() else { return };
        match answer {
            UnsavedAnswer::Save => self.save_then(Some(p)),
            UnsavedAnswer::Discard => {
                // The edits are thrown away now, whatever follows: the document is closed
                // (so a cancelled Open dialog cannot leave the edits on screen marked clean).
                self.history.mark_saved();
                match p {
                    Pending::Quit => self.run_pending(p),
                    Pending::Close => self.do_close(),
                    Pending::Open(_) | Pending::OpenDialog => {
                        self.do_close();
                        self.run_pending(p);
                    }
                }
            }
            UnsavedAnswer::Cancel => {}
        }
    }

    /// Dropped files: recordings are used, anything else is opened.
    pub(crate) fn dropped(&mut self, paths: Vec<PathBuf>) {
        for p in paths {
            if is_audio_path(&p) {
                if self.file.is_some() {
                    self.load_audio(p);
                }
            } else {
                self.open(p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::AppOptions;
    use crate::model::TranscriptBuilder;

    fn app_with_import(dir: &Path) -> App {
        let mut b = TranscriptBuilder::new();
        b.push(Some("Ann"), Some(0), None, "Hello.");
        let import = Import {
            doc: b.finish(),
            warnings: vec![Warning::new(3, "a line without a speaker"), Warning::new(9, "page furniture set aside")],
            format: Format::OtterTxt,
        };
        let mut app = App::new(&egui::Context::default(), AppOptions::headless());
        app.install(dir.join("talk.txt"), import, None);
        app
    }

    #[test]
    fn every_import_warning_is_a_notification_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let app = app_with_import(dir.path());
        let texts: Vec<&str> = app.notifications().iter().map(|n| n.text.as_str()).collect();
        assert!(texts.contains(&"talk.txt, line 3: a line without a speaker"), "{texts:?}");
        assert!(texts.contains(&"talk.txt, line 9: page furniture set aside"), "{texts:?}");
        assert!(app.notifications().iter().all(|n| n.level == Level::Warning));
    }

    #[test]
    fn save_as_from_the_prompt_keeps_the_pending_close() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app_with_import(dir.path());
        let t = app.doc.turns[0].id;
        app.typed(t, "Hello!".into());
        app.close();
        assert_eq!(app.view.modal, Some(Modal::Unsaved(Pending::Close)));
        // The answer Save on a never-saved import goes through Save As; its dialog's answer
        // arrives as a task result, and the Close still follows the save.
        let target = dir.path().join("chosen.json");
        app.finish(Done::Picked { pick: Pick::SaveAs(Some(Pending::Close)), path: Some(target.clone()) });
        app.wait_for_jobs();
        assert!(target.is_file(), "saved where the dialog said");
        assert!(app.file.is_none(), "then closed");
    }

    #[test]
    fn a_second_save_is_refused_while_one_runs() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app_with_import(dir.path());
        let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
        app.save_to(a.clone(), None);
        app.save_to(b.clone(), None);
        assert!(app.status().is_some_and(|s| s.contains("already running")), "{:?}", app.status());
        app.wait_for_jobs();
        assert!(a.is_file());
        assert!(!b.exists(), "the second save was not started");
    }
}
