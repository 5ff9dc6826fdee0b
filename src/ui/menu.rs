//! The menu bar, read from the command table.

use super::commands::{self, Action, COMMANDS, Group};
use super::{Command, Commands, Inputs, ViewState};

/// A menu entry for an action, with its shortcut; clicking asks for it.
fn command_button(ui: &mut egui::Ui, enabled: bool, a: Action, label: Option<String>, out: &mut Commands) {
    let info = commands::info(a);
    let shortcut = info.shortcuts.first().map(|s| ui.ctx().format_shortcut(s)).unwrap_or_default();
    let text = label.unwrap_or_else(|| info.name.to_string());
    let b = ui.add_enabled(enabled, egui::Button::new(text).shortcut_text(shortcut)).on_hover_text(info.description);
    if b.clicked() {
        out.run(a);
        ui.close();
    }
}

pub fn menu_bar(ui: &mut egui::Ui, view: &ViewState, input: &Inputs, out: &mut Commands) {
    egui::MenuBar::new().ui(ui, |ui| {
        for g in Group::ALL {
            ui.menu_button(g.name(), |ui| {
                for c in COMMANDS.iter().filter(|c| c.group == g) {
                    let label = match c.action {
                        Action::SetSpeaker(n) => match input.doc.speakers.get(n as usize - 1) {
                            Some(s) => Some(format!("Speaker {n}: {}", s.name)),
                            None => continue,
                        },
                        Action::FollowPlayback => {
                            Some(format!("{} Follow Playback", if view.follow { "[x]" } else { "[ ]" }))
                        }
                        _ => None,
                    };
                    command_button(ui, input.enabled(view, c.action), c.action, label, out);
                    if c.action == Action::Open {
                        ui.add_enabled_ui(!input.recent.is_empty(), |ui| {
                            ui.menu_button("Open Recent", |ui| {
                                for p in input.recent {
                                    if ui.button(p.display().to_string()).clicked() {
                                        out.push(Command::Open(p.clone()));
                                        ui.close();
                                    }
                                }
                            });
                        });
                    }
                }
            });
        }
    });
}
