//! The prompt asking which of several audio or video files beside the transcript is its
//! recording, the best fit (by name and length) proposed first.

use super::{Command, Commands};
use std::path::PathBuf;

/// One file to choose, with what the prompt shows (name and length).
#[derive(Clone, Debug, PartialEq)]
pub struct RecordingOption {
    pub path: PathBuf,
    pub label: String,
}

pub fn prompt(ctx: &egui::Context, options: &[RecordingOption], chosen: &mut usize, out: &mut Commands) {
    egui::Modal::new(egui::Id::unique("choose-recording")).show(ctx, |ui| {
        ui.heading("Which file is the recording?");
        ui.label("Several audio or video files are beside the transcript. The best fit is proposed.");
        for (k, o) in options.iter().enumerate() {
            let label = if k == 0 { format!("{} — best fit", o.label) } else { o.label.clone() };
            ui.radio_value(chosen, k, label);
        }
        ui.horizontal(|ui| {
            if ui.button("Use this recording").clicked() {
                out.push(Command::UseRecording(options.get(*chosen).map(|o| o.path.clone())));
            }
            if ui.button("No recording").clicked() {
                out.push(Command::UseRecording(None));
            }
        });
    });
}
