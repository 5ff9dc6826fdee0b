//! What the app asks the user before going on: a path typed in the window when no native file
//! dialog can open, whether to overwrite a file a save found changed on disk, and whether to
//! open a recording linked from outside the transcript's folder.

use super::App;
use super::dialog_service::DialogService;
use super::tasks::Pick;
use crate::ui::path_field::{self, PathPrompt};
use crate::ui::{ConflictAnswer, Level, Modal, SaveConflict};
use std::path::{Path, PathBuf};

/// The app's state for these questions.
#[derive(Default)]
pub(crate) struct Asks {
    /// Detection of a dialog service is skipped: this is the answer (tests; None: detect).
    pub fixed: Option<DialogService>,
    /// The user has been told that no file dialog can open (told once).
    pub told_no_dialog: bool,
    /// A recording outside the folder, waiting for the modal slot (the recovery prompt first).
    pub outside_audio: Option<PathBuf>,
}

impl App {
    /// No native dialog can open (`why`): say so once, and ask for the path in the window.
    pub(crate) fn ask_path(&mut self, what: Pick, default: Option<PathBuf>, why: String) {
        if !self.asks.told_no_dialog {
            self.asks.told_no_dialog = true;
            self.notify(
                Level::Warning,
                format!("No file dialog can open on this desktop ({why}); type paths in the window instead."),
            );
        }
        let dir = self.file.as_ref().and_then(|f| f.path.parent().map(Path::to_path_buf));
        let text = match (&what, default) {
            (Pick::Export(_), _) => self.view.export.as_ref().map(|d| d.path.trim().to_string()).unwrap_or_default(),
            (_, Some(p)) => p.display().to_string(),
            (_, None) => dir.map(|d| format!("{}/", d.display())).unwrap_or_default(),
        };
        self.view.modal = Some(Modal::PathField(PathPrompt { what, text, error: None, reason: why }));
    }

    /// A path typed in the field: checked, then used as a dialog's answer would be.
    pub(crate) fn path_typed(&mut self, what: Pick, text: String) {
        let base = self.file.as_ref().and_then(|f| f.path.parent().map(Path::to_path_buf));
        match check_typed(&what, &text, base.as_deref()) {
            Err(e) => {
                if let Some(Modal::PathField(p)) = &mut self.view.modal {
                    p.error = Some(e);
                }
            }
            Ok(path) => {
                path_field::close(&mut self.view);
                // A typed name was not confirmed by a dialog: a save over a file asks first.
                self.picked(what, path, false);
            }
        }
    }

    /// A save that stopped before overwriting a file asks what to do.
    pub(crate) fn ask_conflict(&mut self, c: SaveConflict) {
        self.view.modal = Some(Modal::SaveConflict(c));
    }

    pub(crate) fn answer_conflict(&mut self, answer: ConflictAnswer) {
        let Some(Modal::SaveConflict(c)) = self.view.modal.take() else { return };
        match answer {
            ConflictAnswer::Overwrite => self.save_checked_to(c.path, c.then, true),
            ConflictAnswer::SaveAs => self.save_as_then(c.then),
            ConflictAnswer::Cancel => {
                self.notify(Level::Info, format!("Not saved: {} was left as it is.", c.path.display()))
            }
        }
    }

    /// The linked recording is outside the transcript's folder: ask before opening it (after the
    /// recovery prompt, when one is shown).
    pub(crate) fn ask_outside_audio(&mut self, path: PathBuf) {
        self.audio_missing = Some(format!("The recording {} was not opened yet.", path.display()));
        self.asks.outside_audio = Some(path);
        self.raise_deferred_ask();
    }

    /// Show a waiting question once no other modal is up (every frame).
    pub(crate) fn raise_deferred_ask(&mut self) {
        if self.view.modal.is_none()
            && let Some(p) = self.asks.outside_audio.take()
        {
            self.view.modal = Some(Modal::OutsideAudio(p));
        }
    }

    /// Another modal takes the slot: a question shown now waits for it to close.
    pub(crate) fn defer_ask(&mut self) {
        if let Some(Modal::OutsideAudio(p)) = self.view.modal.take() {
            self.asks.outside_audio = Some(p);
        }
    }

    /// The name-spelling preview answered: Replace all applies the fix as one edit.
    pub(crate) fn answer_spelling(&mut self, apply: bool) {
        let Some(Modal::Spelling(p)) = self.view.modal.take() else { return };
        if apply {
            self.apply_fix(p.turn, p.kind);
        }
    }

    pub(crate) fn answer_outside_audio(&mut self, open: bool) {
        let Some(Modal::OutsideAudio(p)) = self.view.modal.take() else { return };
        if !open {
            self.audio_missing =
                Some(format!("The recording {} was not opened (it is outside the transcript's folder).", p.display()));
        } else if p.is_file() {
            self.load_audio(p);
        } else {
            self.audio_missing = Some(format!("The recording {} was not found.", p.display()));
        }
    }
}

/// The path typed for `what`, or why it cannot be used. `~/` is the home folder; a relative
/// path is taken from `base` (the open file's folder) when there is one.
pub(crate) fn check_typed(what: &Pick, text: &str, base: Option<&Path>) -> Result<PathBuf, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("Type a path.".into());
    }
    let mut path = match t.strip_prefix("~/") {
        Some(rest) => dirs::home_dir().map_or_else(|| PathBuf::from(t), |h| h.join(rest)),
        None => PathBuf::from(t),
    };
    if path.is_relative()
        && let Some(b) = base
    {
        path = b.join(path);
    }
    let shown = path.display();
    if what.must_exist() {
        if path.is_dir() {
            return Err(format!("{shown} is a folder; type the path of a file."));
        }
        if !path.is_file() {
            return Err(format!("There is no file at {shown}."));
        }
    } else {
        if path.is_dir() || t.ends_with('/') {
            return Err(format!("{shown} is a folder; add a file name."));
        }
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !dir.is_dir() {
            return Err(format!("The folder {} does not exist.", dir.display()));
        }
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_paths_are_checked_for_what_they_are_for() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("talk.txt");
        std::fs::write(&f, "x").unwrap();
        let d = Some(dir.path());
        assert_eq!(check_typed(&Pick::Open, "talk.txt", d), Ok(f.clone()), "relative to the open file");
        assert_eq!(check_typed(&Pick::Open, "  ", d), Err("Type a path.".into()));
        assert!(check_typed(&Pick::Audio, "nope.mp3", d).unwrap_err().starts_with("There is no file at"));
        assert!(check_typed(&Pick::Open, dir.path().to_str().unwrap(), None).unwrap_err().contains("is a folder"));
        let new = dir.path().join("new.json");
        assert_eq!(check_typed(&Pick::SaveAs(None), new.to_str().unwrap(), None), Ok(new));
        let e = check_typed(&Pick::SaveAs(None), "gone/x.json", d).unwrap_err();
        assert!(e.starts_with("The folder") && e.contains("gone"), "{e}");
        assert!(check_typed(&Pick::SaveAs(None), dir.path().to_str().unwrap(), None).unwrap_err().contains("folder"));
    }
}
