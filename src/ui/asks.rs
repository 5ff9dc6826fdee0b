//! Two questions asked before something irreversible or unexpected happens: a save would
//! overwrite a file that changed on disk (or that this document did not come from), and a
//! transcript links to a recording outside its folder.

use super::view::Pending;
use super::{Command, Commands};
use std::path::PathBuf;

/// A save that was stopped before overwriting a file.
#[derive(Clone, Debug, PartialEq)]
pub struct SaveConflict {
    pub path: PathBuf,
    /// What is wrong, naming the file (the save error's message).
    pub message: String,
    /// What waited on the save (the unsaved-changes prompt's action).
    pub then: Option<Pending>,
}

/// Answers to the save conflict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConflictAnswer {
    Overwrite,
    SaveAs,
    Cancel,
}

pub fn save_conflict(ctx: &egui::Context, c: &SaveConflict, out: &mut Commands) {
    egui::Modal::new(egui::Id::unique("save-conflict")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading("Overwrite the file?");
        ui.label(&c.message);
        ui.label("Overwriting keeps the file now on disk as a backup (.bak) beside it.");
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            for (label, answer) in [
                ("Overwrite", ConflictAnswer::Overwrite),
                ("Save As…", ConflictAnswer::SaveAs),
                ("Cancel", ConflictAnswer::Cancel),
            ] {
                if ui.button(label).clicked() {
                    out.push(Command::AnswerConflict(answer));
                }
            }
        });
    });
}

/// Whether to open a recording found outside the transcript's folder.
pub fn outside_audio(ctx: &egui::Context, path: &std::path::Path, out: &mut Commands) {
    egui::Modal::new(egui::Id::unique("outside-audio")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading("Open this recording?");
        ui.label(format!("This transcript links to a recording outside its folder: {}. Open it?", path.display()));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Open").clicked() {
                out.push(Command::AnswerOutsideAudio(true));
            }
            if ui.button("Don't open").clicked() {
                out.push(Command::AnswerOutsideAudio(false));
            }
        });
    });
}
