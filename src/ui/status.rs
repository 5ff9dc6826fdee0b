//! The status line (running tasks, the document's figures, the latest notification) and the
//! welcome screen shown with no document.

use super::{Action, Command, Commands, Inputs, Level, TaskInfo, ViewState};
use egui::RichText;

/// A spinner and the names of the running tasks, with Cancel where a task can be stopped.
fn tasks(ui: &mut egui::Ui, tasks: &[TaskInfo], out: &mut Commands) {
    for t in tasks {
        ui.spinner();
        ui.label(&t.name);
        if let Some(p) = t.progress {
            ui.label(format!("{p}%"));
        }
        if t.cancellable && ui.small_button("Cancel").clicked() {
            out.push(Command::CancelTask(t.id));
        }
    }
}

pub fn status_bar(ui: &mut egui::Ui, view: &mut ViewState, input: &Inputs, out: &mut Commands) {
    ui.horizontal(|ui| {
        tasks(ui, input.tasks, out);
        let n = input.doc.turns.len();
        if input.has_file {
            ui.label(format!("{n} turns · {} speakers", input.doc.speakers.len()));
            if let Some(t) = view.current_turn(input.doc)
                && let Some(i) = input.doc.turn_index(t)
            {
                ui.label(format!("· turn {}", i + 1));
            }
            if input.dirty {
                ui.label(RichText::new("· unsaved changes").italics());
            }
        }
        if let Some(last) = input.notifications.get(view.status_from..).and_then(<[_]>::last) {
            ui.separator();
            let color = match last.level {
                Level::Info => ui.visuals().text_color(),
                Level::Warning => ui.visuals().warn_fg_color,
                Level::Error => ui.visuals().error_fg_color,
            };
            // Clicking the message opens the whole list (the file's warnings first).
            let msg = ui
                .add(egui::Label::new(RichText::new(&last.text).color(color)).sense(egui::Sense::click()))
                .on_hover_text("Show every message and the file's warnings");
            if msg.clicked() {
                view.show_notifications = true;
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.small_button("F1 Shortcuts").clicked() {
                out.run(Action::Help);
            }
            if input.has_file
                && ui.small_button("Document info").on_hover_text("Title, summary, keywords, set-aside text").clicked()
            {
                view.metadata.open = !view.metadata.open;
            }
            let count = input.notifications.len();
            if count > 0 {
                let b = ui
                    .small_button(format!("Messages ({count})"))
                    .on_hover_text("Every message, warning and error so far");
                if b.clicked() {
                    view.show_notifications = !view.show_notifications;
                }
            }
        });
    });
}

pub fn welcome(ui: &mut egui::Ui, input: &Inputs, out: &mut Commands) {
    ui.vertical_centered(|ui| {
        ui.add_space(60.0);
        ui.heading("Turnfix");
        ui.label("Open an otter.ai transcript (TXT, DOCX, SRT, VTT, Markdown) or a Turnfix JSON — or drop one here.");
        ui.add_space(10.0);
        if ui.button("Open…").clicked() {
            out.run(Action::Open);
        }
        if !input.recent.is_empty() {
            ui.add_space(16.0);
            ui.label(RichText::new("Recent").strong());
            for p in input.recent {
                if ui.link(p.display().to_string()).clicked() {
                    out.push(Command::Open(p.clone()));
                }
            }
        }
        if !input.tasks.is_empty() {
            ui.add_space(10.0);
            ui.horizontal(|ui| tasks(ui, input.tasks, out));
        }
    });
}
