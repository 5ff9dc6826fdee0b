//! The editor window's panels and widgets. The UI draws and asks: it reads [`Inputs`] (the
//! document, the player's snapshot, settings, tasks, notifications) and its own [`ViewState`],
//! and pushes [`Command`]s, which the app runs after drawing. Nothing here imports the
//! app module, touches the history or the player, or builds edits from the document.

pub mod asks;
pub mod command;
pub mod commands;
mod dialogs;
mod export;
pub mod find;
mod find_bar;
pub mod input;
pub mod issues;
pub mod list;
mod menu;
pub mod metadata;
mod notes;
pub mod path_field;
pub mod recording_choice;
pub mod recovery;
pub mod rematch;
pub mod snap;
mod speakers;
pub mod spelling_preview;
mod status;
mod transport;
pub mod view;
pub mod wave;

pub use asks::{ConflictAnswer, SaveConflict};
pub use command::{Command, Commands, UnsavedAnswer};
pub use commands::Action;
pub use input::{Inputs, Level, Notification, TaskInfo};
pub use path_field::{PathFor, PathPrompt};
pub use recording_choice::RecordingOption;
pub use recovery::{RecoveryAnswer, RecoveryOffer};
pub use view::{ExportDialog, Modal, Pending, ViewState};

/// Draw one frame of the whole window, pushing what the user asked for onto `out`.
pub fn show(ui: &mut egui::Ui, view: &mut ViewState, input: &Inputs, out: &mut Commands) {
    // Follow mode: keep the part being spoken in view; scrolling by hand pauses it.
    if view.list.hand_scroll(ui.ctx()) && input.player.playing {
        view.follow_paused = true;
    }
    match input.spoken {
        Some(s) if view.follow && !view.follow_paused && input.player.playing => view.list.follow_spoken(s),
        _ => view.list.stop_following(),
    }

    egui::Panel::top("menu").show(ui, |ui| menu::menu_bar(ui, view, input, out));
    egui::Panel::top("transport").show(ui, |ui| {
        transport::transport(ui, view, input, out);
        wave::overview(ui, view, input, out);
    });
    if input.audio_missing.is_some() && input.has_file {
        egui::Panel::top("audio-banner").show(ui, |ui| transport::audio_banner(ui, input, out));
    }
    if view.find.open && input.has_file {
        egui::Panel::top("find").show(ui, |ui| find_bar::find_bar(ui, view, input, out));
    }
    egui::Panel::bottom("status").show(ui, |ui| status::status_bar(ui, view, input, out));
    if view.show_speakers && input.has_file {
        egui::Panel::right("speakers")
            .default_size(280.0)
            .resizable(true)
            .show(ui, |ui| speakers::speakers(ui, view, input, out));
    }
    if view.issues.show && input.has_file {
        egui::Panel::left("issues")
            .default_size(420.0)
            .resizable(true)
            .show(ui, |ui| issues::issues(ui, view, input, out));
    }
    egui::CentralPanel::default().show(ui, |ui| {
        if input.has_file {
            list::show(ui, view, input, out);
        } else {
            status::welcome(ui, input, out);
        }
    });
    if view.show_settings {
        dialogs::settings(ui.ctx(), view, input, out);
    }
    if view.metadata.open && input.has_file {
        metadata::panel(ui.ctx(), view, input, out);
    }
    if view.show_notifications {
        notes::history(ui.ctx(), view, input, out);
    }
    dialogs::modals(ui, view, input, out);
}

/// Which turns a speaker change with `scope` covers, starting from `turn`.
pub fn scope_turns(
    doc: &crate::model::Transcript,
    turn: crate::model::TurnId,
    scope: crate::edit::Scope,
) -> Vec<crate::model::TurnId> {
    use crate::edit::Scope;
    let Some(i) = doc.turn_index(turn) else { return Vec::new() };
    let from = doc.turns[i].speaker;
    match scope {
        Scope::Turn => vec![turn],
        Scope::FollowingRun => doc.turns[i..].iter().filter(|t| t.speaker == from).map(|t| t.id).collect(),
        Scope::AllOfSpeaker => doc.turns.iter().filter(|t| t.speaker == from).map(|t| t.id).collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                sources(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push((p.display().to_string(), std::fs::read_to_string(&p).unwrap()));
            }
        }
    }

    /// The UI draws and asks: it imports nothing of the app, and never reaches the history, the
    /// player or the edit constructors. And no file of the app or the UI grows past ~600 lines.
    #[test]
    fn the_ui_draws_and_asks_and_files_stay_small() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut ui = Vec::new();
        sources(&root.join("ui"), &mut ui);
        let banned = [
            concat!("crate", "::app"),
            "History",
            "edit::set_speaker",
            "edit::merge_speakers",
            "edit::add_speaker",
            "edit::split_turn",
            "edit::merge_with_next",
            "edit::insert_turn",
            "edit::retime",
            "edit::set_texts",
        ];
        for (path, text) in &ui {
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for b in banned {
                assert!(!code.contains(b), "{path} uses {b}");
            }
            let players = code.match_indices("Player").filter(|(i, _)| !code[i + 6..].starts_with("State"));
            assert_eq!(players.count(), 0, "{path} uses the Player");
        }
        let mut all = ui;
        sources(&root.join("app"), &mut all);
        for (path, text) in &all {
            let n = text.lines().count();
            assert!(n <= 620, "{path} has {n} lines");
        }
    }
}
