//! The notification history: every message, warning and error of the session, newest first,
//! including each warning from reading the file with its line.

use super::{Inputs, Level, ViewState};
use egui::RichText;

pub fn history(ctx: &egui::Context, view: &mut ViewState, input: &Inputs) {
    let mut open = view.show_notifications;
    egui::Window::new("Messages").open(&mut open).default_width(520.0).show(ctx, |ui| {
        egui::ScrollArea::vertical().max_height(ctx.content_rect().height() * 0.6).show(ui, |ui| {
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
