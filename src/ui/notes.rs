//! The notification history: every message, warning and error of the session, newest first,
//! including each warning from reading the file with its line.

use super::{Command, Commands, Inputs, Level, ViewState};
use egui::RichText;

/// The open file's reading warnings, each with a button to its turn.
fn file_warnings(ui: &mut egui::Ui, input: &Inputs, out: &mut Commands) {
    if input.warnings.is_empty() {
        return;
    }
    let n = input.warnings.len();
    ui.strong(format!("Reading {}: {n} warning{}", input.file_name, if n == 1 { "" } else { "s" }));
    for w in input.warnings {
        ui.horizontal_wrapped(|ui| {
            if let Some(t) = w.turn
                && ui.small_button(format!("Go to turn {}", t + 1)).clicked()
            {
                out.push(Command::GoTo(format!("#{}", t + 1)));
            }
            ui.label(RichText::new(w.to_string()).color(ui.visuals().warn_fg_color));
        });
    }
    ui.separator();
}

pub fn history(ctx: &egui::Context, view: &mut ViewState, input: &Inputs, out: &mut Commands) {
    let mut open = view.show_notifications;
    egui::Window::new("Messages").open(&mut open).default_width(520.0).show(ctx, |ui| {
        egui::ScrollArea::vertical().max_height(ctx.content_rect().height() * 0.6).show(ui, |ui| {
            file_warnings(ui, input, out);
            for n in input.notifications.iter().rev() {
                let (tag, color) = match n.level {
                    Level::Info => ("info", ui.visuals().weak_text_color()),
                    Level::Warning => ("warning", ui.visuals().warn_fg_color),
                    Level::Error => ("error", ui.visuals().error_fg_color),
                };
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(tag).small().color(color));
                    ui.label(&n.text);
                });
            }
        });
    });
    view.show_notifications = open;
}
