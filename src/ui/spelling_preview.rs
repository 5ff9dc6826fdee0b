//! The preview of a name-spelling fix: how many replacements, in which turns, before the one
//! undoable edit that makes them all (issue 12: "replaced everywhere after a preview").

use super::{Command, Commands};
use crate::assist::Kind;
use crate::model::TurnId;

/// One name to respell everywhere, and where it would change.
#[derive(Clone, Debug, PartialEq)]
pub struct SpellingPreview {
    /// The finding whose fix this is.
    pub turn: TurnId,
    pub kind: Kind,
    pub from: String,
    pub to: String,
    /// (turn index, replacements in it, the text after).
    pub lines: Vec<(usize, usize, String)>,
}

impl SpellingPreview {
    pub fn replacements(&self) -> usize {
        self.lines.iter().map(|l| l.1).sum()
    }
}

/// The most turns listed; the count above the list covers every one.
const SHOWN: usize = 200;

pub fn prompt(ctx: &egui::Context, p: &SpellingPreview, out: &mut Commands) {
    egui::Modal::new(egui::Id::unique("spelling-preview")).show(ctx, |ui| {
        ui.set_max_width(620.0);
        ui.heading(format!("Spell “{}” as “{}”?", p.from, p.to));
        let (n, turns) = (p.replacements(), p.lines.len());
        ui.label(format!(
            "{n} replacement{} in {turns} turn{}",
            if n == 1 { "" } else { "s" },
            if turns == 1 { "" } else { "s" }
        ));
        egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| {
            for (i, k, after) in p.lines.iter().take(SHOWN) {
                ui.label(format!("Turn {} ({k}): {}", i + 1, clip(after, 90)));
            }
            if turns > SHOWN {
                ui.label(egui::RichText::new(format!("and {} more turns", turns - SHOWN)).weak());
            }
        });
        ui.label(egui::RichText::new("One step: Ctrl+Z undoes every replacement.").weak());
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.add_enabled(turns > 0, egui::Button::new("Replace all")).clicked() {
                out.push(Command::AnswerSpelling(true));
            }
            if ui.button("Cancel").clicked() {
                out.push(Command::AnswerSpelling(false));
            }
        });
    });
}

/// At most `max` characters, with an ellipsis when cut.
fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}
