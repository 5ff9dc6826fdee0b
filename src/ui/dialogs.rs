//! The modal dialogs (save changes?, go to, start time, shortcuts, export) and the Settings
//! window.

use super::commands::{COMMANDS, Group};
use super::{Command, Commands, Inputs, Modal, UnsavedAnswer, ViewState};
use crate::session::config::Settings;
use egui::RichText;

fn help(ui: &mut egui::Ui) {
    egui::ScrollArea::vertical().max_height(ui.ctx().content_rect().height() * 0.7).show(ui, |ui| {
        for g in Group::ALL {
            ui.label(RichText::new(g.name()).strong());
            egui::Grid::new(("help", g.name())).striped(true).num_columns(3).show(ui, |ui| {
                for c in COMMANDS.iter().filter(|c| c.group == g) {
                    ui.label(c.name.trim_end_matches('…'));
                    let keys: Vec<String> = c.shortcuts.iter().map(|s| ui.ctx().format_shortcut(s)).collect();
                    ui.label(RichText::new(keys.join("  or  ")).monospace());
                    ui.label(RichText::new(c.description).weak());
                    ui.end_row();
                }
            });
            ui.add_space(6.0);
        }
    });
}

/// The fixed texts of a one-line prompt.
struct Prompt<'a> {
    id: &'a str,
    heading: &'a str,
    hint: Option<&'a str>,
    /// The field's accessible name.
    field: &'a str,
    ok: &'a str,
}

impl Prompt<'_> {
    /// Show the prompt, with an error from the last try. Some(true) when the user confirms
    /// (button or Enter), Some(false) on Cancel, None while it stays open.
    fn show(&self, ctx: &egui::Context, text: &mut String, error: &Option<String>) -> Option<bool> {
        let mut done = None;
        egui::Modal::new(egui::Id::unique(("text_prompt", self.id))).show(ctx, |ui| {
            ui.heading(self.heading);
            if let Some(h) = self.hint {
                ui.label(h);
            }
            let r = ui.add(egui::TextEdit::singleline(text).desired_width(200.0)).accessible_name(self.field);
            if !r.has_focus() && !r.lost_focus() {
                r.request_focus();
            }
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if let Some(e) = error {
                ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
            }
            ui.horizontal(|ui| {
                if ui.button(self.ok).clicked() || enter {
                    done = Some(true);
                }
                if ui.button("Cancel").clicked() {
                    done = Some(false);
                }
            });
        });
        done
    }
}

fn unsaved(ctx: &egui::Context, out: &mut Commands) {
    egui::Modal::new(egui::Id::unique("unsaved")).show(ctx, |ui| {
        ui.heading("Save changes?");
        ui.label("The transcript has changes that are not saved.");
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            for (label, answer) in
                [("Save", UnsavedAnswer::Save), ("Discard", UnsavedAnswer::Discard), ("Cancel", UnsavedAnswer::Cancel)]
            {
                if ui.button(label).clicked() {
                    out.push(Command::AnswerUnsaved(answer));
                }
            }
        });
    });
}

pub fn modals(ui: &mut egui::Ui, view: &mut ViewState, input: &Inputs, out: &mut Commands) {
    let ctx = ui.ctx().clone();
    match &mut view.modal {
        None => {}
        Some(Modal::Unsaved(_)) => unsaved(&ctx, out),
        Some(Modal::GoTo { text, error }) => {
            let prompt = Prompt {
                id: "goto",
                heading: "Go to",
                hint: Some("A time (1:02:03) or a turn number (12 or #12)"),
                field: "Time or turn number",
                ok: "Go",
            };
            match prompt.show(&ctx, text, error) {
                // The app checks the text and closes the prompt, or shows why not.
                Some(true) => out.push(Command::GoTo(text.clone())),
                Some(false) => view.modal = None,
                None => {}
            }
        }
        Some(Modal::Retime { turn, text, error }) => {
            let n = input.doc.turn_index(*turn).map_or(0, |i| i + 1);
            let heading = format!("Start time of turn {n}");
            let prompt = Prompt { id: "retime", heading: &heading, hint: None, field: "Start time", ok: "Set" };
            match prompt.show(&ctx, text, error) {
                Some(true) => out.push(Command::Retime { turn: *turn, text: text.clone() }),
                Some(false) => view.modal = None,
                None => {}
            }
        }
        Some(Modal::Help) => {
            let mut close = false;
            egui::Modal::new(egui::Id::unique("help")).show(&ctx, |ui| {
                ui.heading("Keyboard shortcuts");
                help(ui);
                if ui.button("Close").clicked() {
                    close = true;
                }
            });
            if close {
                view.modal = None;
            }
        }
        Some(Modal::Export) => super::export::dialog(&ctx, view, input, out),
        Some(Modal::Recover(offer)) => super::recovery::prompt(&ctx, offer, out),
        Some(Modal::PathField(_)) => super::path_field::show(&ctx, view, out),
        Some(Modal::SaveConflict(c)) => super::asks::save_conflict(&ctx, c, out),
        Some(Modal::OutsideAudio(p)) => super::asks::outside_audio(&ctx, p, out),
        Some(Modal::Spelling(p)) => super::spelling_preview::prompt(&ctx, p, out),
        Some(Modal::Snap(offer)) if super::snap::window(&ctx, offer, out) => view.modal = None,
        Some(Modal::Snap(_)) => {}
        Some(Modal::Rematch(offer)) if super::rematch::window(&ctx, offer, out) => view.modal = None,
        Some(Modal::Rematch(_)) => {}
        Some(Modal::ChooseRecording { options, chosen }) => super::recording_choice::prompt(&ctx, options, chosen, out),
    }
}

/// The Settings window: playback options, remembered in the config file.
pub fn settings(ctx: &egui::Context, view: &mut ViewState, input: &Inputs, out: &mut Commands) {
    let mut open = view.show_settings;
    let mut s = input.settings.clone();
    egui::Window::new("Settings").open(&mut open).resizable(false).collapsible(false).show(ctx, |ui| {
        egui::Grid::new("settings-grid").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
            ui.label("Skip step");
            let mut skip = s.skip_ms as f64 / 1000.0;
            if ui
                .add(egui::DragValue::new(&mut skip).range(0.5..=60.0).speed(0.1).suffix(" s"))
                .accessible_name("Skip step (seconds)")
                .on_hover_text("How far Skip Back / Skip Forward jump")
                .changed()
            {
                s.skip_ms = (skip * 1000.0).round() as u64;
            }
            ui.end_row();
            ui.label("Rewind on resume");
            let mut rewind = s.rewind_on_resume_ms as f64 / 1000.0;
            if ui
                .add(egui::DragValue::new(&mut rewind).range(0.0..=30.0).speed(0.1).suffix(" s"))
                .accessible_name("Rewind on resume (seconds)")
                .on_hover_text("How far playback goes back when it resumes")
                .changed()
            {
                s.rewind_on_resume_ms = (rewind * 1000.0).round() as u64;
            }
            ui.end_row();
            ui.label("");
            ui.checkbox(&mut s.pause_while_typing, "Pause playback while typing");
            ui.end_row();
        });
        if ui.button("Restore defaults").clicked() {
            s = Settings::default();
        }
    });
    if &s != input.settings {
        out.push(Command::SetSettings(s));
    }
    view.show_settings = open;
}

/// The buttons under a preview of one edit: Apply (pushes the edit) and Cancel, or only Close
/// when there is nothing to apply. True when the window should close.
pub(super) fn apply_or_cancel(ui: &mut egui::Ui, edit: Option<&crate::edit::Edit>, out: &mut super::Commands) -> bool {
    let mut close = false;
    ui.horizontal(|ui| {
        if let Some(edit) = edit
            && ui.button("Apply").clicked()
        {
            out.push(super::Command::Apply(edit.clone()));
            close = true;
        }
        if ui.button(if edit.is_some() { "Cancel" } else { "Close" }).clicked() {
            close = true;
        }
    });
    close
}
