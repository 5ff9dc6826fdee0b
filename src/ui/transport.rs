//! The transport bar (play, skip, speed, volume, play and loop the turn, follow) and the banner
//! shown while the recording is missing.

use super::{Action, Command, Commands, Inputs, ViewState};
use crate::audio::LoadStatus;
use crate::model::format_otter_time;
use egui::RichText;

pub fn transport(ui: &mut egui::Ui, view: &mut ViewState, input: &Inputs, out: &mut Commands) {
    let st = input.player;
    let ready = input.audio_ready();
    let skip_s = input.settings.skip_ms / 1000;
    // Wrapped, so a narrow window (900 px, or 1,280 with the speakers panel) puts the rest on a
    // second line instead of widening the panel past the window.
    ui.horizontal_wrapped(|ui| {
        ui.add_enabled_ui(ready, |ui| {
            if ui.button(format!("-{skip_s}s")).on_hover_text("Skip back (Alt+Left)").clicked() {
                out.run(Action::SkipBack);
            }
            let play = if st.playing { "Pause" } else { "Play" };
            if ui.button(play).on_hover_text("Play / pause (Esc or Ctrl+Space)").clicked() {
                out.run(Action::PlayPause);
            }
            if ui.button(format!("+{skip_s}s")).on_hover_text("Skip forward (Alt+Right)").clicked() {
                out.run(Action::SkipForward);
            }
            let dur = st.duration_ms.map(format_otter_time).unwrap_or_else(|| "--:--".into());
            ui.label(RichText::new(format!("{} / {}", format_otter_time(st.position_ms), dur)).monospace());
            ui.separator();
            let mut speed = st.speed;
            if ui
                .add(
                    egui::Slider::new(&mut speed, 0.5..=2.0)
                        .step_by(0.05)
                        .text("speed")
                        .suffix("×")
                        .custom_formatter(|v, _| speed_number(v)),
                )
                .changed()
            {
                out.push(Command::SetSpeed(speed));
            }
            let mut vol = st.volume;
            if ui.add(egui::Slider::new(&mut vol, 0.0..=1.0).text("volume").show_value(false)).changed() {
                out.push(Command::SetVolume(vol));
            }
            ui.separator();
            let cur = view.current_turn(input.doc);
            if ui
                .add_enabled(cur.is_some(), egui::Button::new("Play turn"))
                .on_hover_text("Play the focused turn (Ctrl+P)")
                .clicked()
            {
                out.run(Action::PlayTurn);
            }
            if ui
                .add_enabled(cur.is_some(), egui::Button::new("Loop turn").selected(input.looping.is_some()))
                .on_hover_text("Loop the focused turn (Ctrl+Shift+P)")
                .clicked()
            {
                out.run(Action::LoopTurn);
            }
        });
        ui.separator();
        let mut follow = view.follow;
        if ui.checkbox(&mut follow, "Follow").on_hover_text("Keep the turn being spoken in view").changed() {
            view.follow = follow;
            view.follow_paused = false;
        }
        if view.follow && view.follow_paused && ui.button("Resume follow").clicked() {
            view.follow_paused = false;
            if let Some(i) = input.playing_index() {
                view.list.scroll_into_view(i);
            }
        }
        // Why playback is off, when it is.
        match &st.status {
            LoadStatus::Failed(msg) => {
                // The reason is in the notifications; here only the state, with it on hover.
                ui.label(RichText::new("Playback unavailable").color(ui.visuals().warn_fg_color)).on_hover_text(msg);
            }
            LoadStatus::Loading => {
                ui.spinner();
                ui.label("Loading the recording…");
            }
            LoadStatus::NoFile => {
                ui.label(RichText::new("No recording").weak());
            }
            LoadStatus::Ready => {}
        }
        if let Some(note) = &st.output_note {
            ui.label(RichText::new("No sound device").color(ui.visuals().warn_fg_color)).on_hover_text(note);
        }
    });
}

pub fn audio_banner(ui: &mut egui::Ui, input: &Inputs, out: &mut Commands) {
    let msg = input.audio_missing.unwrap_or_default();
    egui::Frame::new().fill(ui.visuals().warn_fg_color.gamma_multiply(0.15)).inner_margin(6.0).show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("{msg} Locate it to play along; the transcript stays editable.")));
            if ui.button("Locate audio…").clicked() {
                out.run(Action::LocateAudio);
            }
            if ui.small_button("Hide").clicked() {
                out.push(Command::HideAudioMissing);
            }
        });
    });
}

/// A speed as people write it: "1.5", "0.5", "1.25", "1" (shown with "×").
pub(crate) fn speed_number(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn speeds_read_alike() {
        let shown: Vec<String> = [0.5, 1.0, 1.5, 1.25, 2.0, 0.75].into_iter().map(super::speed_number).collect();
        assert_eq!(shown, ["0.5", "1", "1.5", "1.25", "2", "0.75"]);
    }
}
