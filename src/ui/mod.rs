//! Panels and widgets of the editor window. Everything here reads the [`App`] and changes the
//! document only through the app's edit methods.

mod export;
pub mod list;
mod panels;
pub(crate) mod wave;

use crate::app::App;

/// Draw one frame of the whole window.
pub fn show(app: &mut App, ui: &mut egui::Ui) {
    let playing_index = if app.audio_ready() { app.doc.turn_at(app.player_state.position_ms) } else { None };

    // Follow mode: keep the turn being spoken in view.
    if app.follow && !app.follow_paused && app.player_state.playing {
        if let Some(pi) = playing_index
            && (app.list.last_follow != Some(pi) || !app.list.is_visible(pi))
        {
            app.list.scroll_into_view(pi);
            app.list.last_follow = Some(pi);
        }
    } else {
        app.list.last_follow = None;
    }

    egui::Panel::top("menu").show(ui, |ui| panels::menu_bar(app, ui));
    egui::Panel::top("transport").show(ui, |ui| {
        panels::transport(app, ui, playing_index);
        wave::overview(app, ui, playing_index);
    });
    if app.audio_missing.is_some() && app.file.is_some() {
        egui::Panel::top("audio-banner").show(ui, |ui| panels::audio_banner(app, ui));
    }
    if app.find.open && app.file.is_some() {
        egui::Panel::top("find").show(ui, |ui| panels::find_bar(app, ui));
    }
    egui::Panel::bottom("status").show(ui, |ui| panels::status_bar(app, ui));
    if app.show_speakers && app.file.is_some() {
        egui::Panel::right("speakers").default_size(280.0).resizable(true).show(ui, |ui| panels::speakers(app, ui));
    }
    egui::CentralPanel::default().show(ui, |ui| {
        if app.file.is_none() {
            panels::welcome(app, ui);
        } else {
            list::show(app, ui, playing_index);
        }
    });
    if app.show_settings {
        panels::settings(app, ui.ctx());
    }
    panels::modals(app, ui);
}
