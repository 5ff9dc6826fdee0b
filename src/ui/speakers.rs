//! The speakers panel: colour, name, figures, merge and delete for each speaker, and a field to
//! add one.

use super::list::speaker_color;
use super::view::SpeakerStats;
use super::{Command, Commands, Inputs, ViewState};
use crate::edit::Edit;
use crate::model::{Color, format_otter_time};
use egui::RichText;

pub fn speakers(ui: &mut egui::Ui, view: &mut ViewState, input: &Inputs, out: &mut Commands) {
    let doc = input.doc;
    // Counts and talk time do not depend on turn texts: recomputed only after another kind of
    // change (not per keystroke), and only while this panel is shown.
    if view.stats.is_none() {
        view.stats = Some(SpeakerStats { counts: doc.turn_counts(), talk: doc.talk_time() });
        // Names typed but not applied are kept; names of gone speakers dropped.
        view.speaker_names.retain(|k, _| doc.speaker(*k).is_some());
    }
    ui.heading("Speakers");
    egui::ScrollArea::vertical().id_salt("speakers-scroll").show(ui, |ui| {
        for (k, s) in doc.speakers.iter().enumerate() {
            let stats = view.stats.as_ref().expect("computed above");
            let count = stats.counts.get(&s.id).copied().unwrap_or(0);
            let talk = stats.talk.get(&s.id).copied().unwrap_or(0);
            ui.separator();
            ui.horizontal(|ui| {
                let mut rgb = s.color.0;
                if ui.color_edit_button_srgb(&mut rgb).on_hover_text("Recolour").changed() {
                    out.push(Command::Apply(Edit::SetSpeakerColor { speaker: s.id, color: Color(rgb) }));
                }
                let buf = view.speaker_names.entry(s.id).or_insert_with(|| s.name.clone());
                let r = ui
                    .add(egui::TextEdit::singleline(buf).desired_width(140.0))
                    .accessible_name(format!("Speaker {} name", s.name));
                if r.lost_focus() && buf.trim() != s.name {
                    out.push(Command::RenameSpeaker { speaker: s.id, name: buf.trim().to_string() });
                }
                if !r.has_focus() && !r.lost_focus() && *buf != s.name && !ui.ctx().memory(|m| m.has_focus(r.id)) {
                    // The name changed elsewhere (undo): show it.
                    *buf = s.name.clone();
                }
            });
            ui.horizontal(|ui| {
                if k < 9 {
                    ui.label(RichText::new(format!("Alt+{}", k + 1)).weak().small());
                }
                ui.label(format!("{count} turns · {}", format_otter_time(talk)));
            });
            ui.horizontal(|ui| {
                let merge = ui.menu_button("Merge into…", |ui| {
                    for o in doc.speakers.iter().filter(|o| o.id != s.id) {
                        let b = ui
                            .add(egui::Button::new(RichText::new(&o.name).color(speaker_color(o.color))))
                            .accessible_name(format!("Merge {} into {}", s.name, o.name));
                        if b.clicked() {
                            out.push(Command::MergeSpeakers { from: s.id, into: o.id });
                            ui.close();
                        }
                    }
                });
                let _ = merge.response.accessible_name(format!("Merge {} into…", s.name));
                let del = ui
                    .add_enabled(count == 0, egui::Button::new("Delete"))
                    .on_disabled_hover_text("Only a speaker with no turns can be deleted")
                    .accessible_name(format!("Delete speaker {}", s.name));
                if del.clicked() {
                    out.push(Command::Apply(Edit::RemoveSpeaker { speaker: s.id }));
                }
            });
        }
        ui.separator();
        ui.horizontal(|ui| {
            let r = ui
                .add(egui::TextEdit::singleline(&mut view.new_speaker).hint_text("New speaker").desired_width(140.0))
                .accessible_name("New speaker name");
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Add speaker").clicked() || enter) && !view.new_speaker.trim().is_empty() {
                out.push(Command::AddSpeaker(view.new_speaker.clone()));
            }
        });
    });
}
