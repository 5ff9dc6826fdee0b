//! Menu bar, transport bar, banners, find bar, speakers panel, status line and dialogs.

use super::list::speaker_color;
use crate::app::commands::{self, COMMANDS, Command, Group};
use crate::app::{App, Modal, UnsavedAnswer};
use crate::audio::LoadStatus;
use crate::edit::{self, Edit};
use crate::model::{Color, format_otter_time};
use egui::RichText;

/// A menu entry for a command, with its shortcut; clicking runs it.
fn command_button(app: &mut App, ui: &mut egui::Ui, c: Command, label: Option<String>) {
    let info = commands::info(c);
    let shortcut = info.shortcuts.first().map(|s| ui.ctx().format_shortcut(s)).unwrap_or_default();
    let text = label.unwrap_or_else(|| info.name.to_string());
    let b =
        ui.add_enabled(app.can_run(c), egui::Button::new(text).shortcut_text(shortcut)).on_hover_text(info.description);
    if b.clicked() {
        app.run(c);
        ui.close();
    }
}

pub fn menu_bar(app: &mut App, ui: &mut egui::Ui) {
    egui::MenuBar::new().ui(ui, |ui| {
        for g in Group::ALL {
            ui.menu_button(g.name(), |ui| {
                for c in COMMANDS.iter().filter(|c| c.group == g) {
                    let label = match c.command {
                        Command::SetSpeaker(n) => match app.doc.speakers.get(n as usize - 1) {
                            Some(s) => Some(format!("Speaker {n}: {}", s.name)),
                            None => continue,
                        },
                        Command::FollowPlayback => {
                            Some(format!("{} Follow Playback", if app.follow { "[x]" } else { "[ ]" }))
                        }
                        _ => None,
                    };
                    command_button(app, ui, c.command, label);
                    if c.command == Command::Open {
                        let recent = app.recent_files().to_vec();
                        ui.add_enabled_ui(!recent.is_empty(), |ui| {
                            ui.menu_button("Open Recent", |ui| {
                                for p in recent {
                                    if ui.button(p.display().to_string()).clicked() {
                                        app.open(p);
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

fn clock(ms: u64) -> String {
    format_otter_time(ms)
}

pub fn transport(app: &mut App, ui: &mut egui::Ui, playing_index: Option<usize>) {
    let st = app.player_state.clone();
    let ready = st.status == LoadStatus::Ready;
    ui.horizontal(|ui| {
        ui.add_enabled_ui(ready, |ui| {
            if ui.button(format!("-{}s", app.options.skip_ms / 1000)).on_hover_text("Skip back (Alt+Left)").clicked() {
                app.run(Command::SkipBack);
            }
            let play = if st.playing { "Pause" } else { "Play" };
            if ui.button(play).on_hover_text("Play / pause (Esc or Ctrl+Space)").clicked() {
                app.run(Command::PlayPause);
            }
            if ui
                .button(format!("+{}s", app.options.skip_ms / 1000))
                .on_hover_text("Skip forward (Alt+Right)")
                .clicked()
            {
                app.run(Command::SkipForward);
            }
            let dur = st.duration_ms.map(clock).unwrap_or_else(|| "--:--".into());
            ui.label(RichText::new(format!("{} / {}", clock(st.position_ms), dur)).monospace());
            ui.separator();
            let mut speed = st.speed;
            if ui.add(egui::Slider::new(&mut speed, 0.5..=2.0).step_by(0.05).text("speed").suffix("×")).changed() {
                app.player.set_speed(speed);
            }
            let mut vol = st.volume;
            if ui.add(egui::Slider::new(&mut vol, 0.0..=1.0).text("volume").show_value(false)).changed() {
                app.player.set_volume(vol);
            }
            ui.separator();
            let cur = app.current_turn();
            if ui
                .add_enabled(cur.is_some(), egui::Button::new("Play turn"))
                .on_hover_text("Play the focused turn (Ctrl+P)")
                .clicked()
            {
                app.run(Command::PlayTurn);
            }
            let looping = app.looping.is_some();
            if ui
                .add_enabled(cur.is_some(), egui::Button::new("Loop turn").selected(looping))
                .on_hover_text("Loop the focused turn (Ctrl+Shift+P)")
                .clicked()
            {
                app.run(Command::LoopTurn);
            }
        });
        ui.separator();
        let mut follow = app.follow;
        if ui.checkbox(&mut follow, "Follow").on_hover_text("Keep the turn being spoken in view").changed() {
            app.follow = follow;
            app.follow_paused = false;
        }
        if app.follow && app.follow_paused && ui.button("Resume follow").clicked() {
            app.follow_paused = false;
            if let Some(i) = playing_index {
                app.list.scroll_into_view(i);
            }
        }
        // Why playback is off, when it is.
        match &st.status {
            LoadStatus::Failed(msg) => {
                ui.label(RichText::new(format!("Playback unavailable: {msg}")).color(ui.visuals().warn_fg_color));
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
            ui.label(RichText::new(format!("Sound: {note}")).color(ui.visuals().warn_fg_color));
        }
    });
}

pub fn audio_banner(app: &mut App, ui: &mut egui::Ui) {
    let msg = app.audio_missing.clone().unwrap_or_default();
    egui::Frame::new().fill(ui.visuals().warn_fg_color.gamma_multiply(0.15)).inner_margin(6.0).show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("{msg} Locate it to play along; the transcript stays editable.")));
            if ui.button("Locate audio…").clicked() {
                app.run(Command::LocateAudio);
            }
            if ui.small_button("Hide").clicked() {
                app.audio_missing = None;
            }
        });
    });
}

pub fn find_bar(app: &mut App, ui: &mut egui::Ui) {
    let revision = app.history.revision();
    ui.horizontal_wrapped(|ui| {
        let q = &mut app.find.query;
        let f = ui
            .add(egui::TextEdit::singleline(&mut q.text).hint_text("Find").desired_width(180.0))
            .accessible_name("Find");
        if app.find.focus_field {
            f.request_focus();
            app.find.focus_field = false;
        }
        let enter = f.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.add(egui::TextEdit::singleline(&mut app.find.replace).hint_text("Replace with").desired_width(180.0))
            .accessible_name("Replace with");
        let q = &mut app.find.query;
        ui.checkbox(&mut q.case_sensitive, "Case");
        ui.checkbox(&mut q.whole_word, "Whole word");
        ui.checkbox(&mut q.regex, "Regex");
        let sel = q.speaker.and_then(|s| app.doc.speaker(s)).map_or("All speakers".to_string(), |s| s.name.clone());
        let combo = egui::ComboBox::from_id_salt("find-speaker").selected_text(sel).show_ui(ui, |ui| {
            ui.selectable_value(&mut q.speaker, None, "All speakers");
            for s in &app.doc.speakers {
                ui.selectable_value(&mut q.speaker, Some(s.id), &s.name);
            }
        });
        let _ = combo.response.accessible_name("Speaker filter");
        app.find.refresh(&app.doc, revision);
        let n = app.find.matches().len();
        if let Some(e) = &app.find.error {
            ui.label(RichText::new(format!("bad pattern: {e}")).color(ui.visuals().error_fg_color));
        } else {
            let text = match app.find.current {
                Some(c) if n > 0 => format!("{} of {n} matches", c + 1),
                _ => format!("{n} matches"),
            };
            ui.label(text);
        }
        if ui.add_enabled(n > 0, egui::Button::new("Previous")).clicked() {
            app.find_step(false);
        }
        if ui.add_enabled(n > 0, egui::Button::new("Next")).clicked() || (enter && n > 0) {
            app.find_step(true);
        }
        if ui.add_enabled(n > 0, egui::Button::new("Replace")).clicked() {
            app.replace_current();
        }
        if ui.add_enabled(n > 0, egui::Button::new("Replace all")).clicked() {
            app.replace_all();
        }
        if ui.small_button("Close").clicked() {
            app.find.open = false;
        }
    });
}

pub fn status_bar(app: &mut App, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        if let Some(b) = &app.busy {
            ui.spinner();
            ui.label(b);
        }
        let n = app.doc.turns.len();
        if app.file.is_some() {
            ui.label(format!("{n} turns · {} speakers", app.doc.speakers.len()));
            if let Some(t) = app.current_turn()
                && let Some(i) = app.doc.turn_index(t)
            {
                ui.label(format!("· turn {}", i + 1));
            }
            if app.history.is_dirty() {
                ui.label(RichText::new("· unsaved changes").italics());
            }
        }
        if let Some(s) = &app.status {
            ui.separator();
            ui.label(s);
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.small_button("F1 Shortcuts").clicked() {
                app.run(Command::Help);
            }
        });
    });
}

pub fn welcome(app: &mut App, ui: &mut egui::Ui) {
    ui.vertical_centered(|ui| {
        ui.add_space(60.0);
        ui.heading("Turnfix");
        ui.label("Open an otter.ai transcript (TXT, DOCX, SRT, VTT, Markdown) or a Turnfix JSON — or drop one here.");
        ui.add_space(10.0);
        if ui.button("Open…").clicked() {
            app.run(Command::Open);
        }
        let recent = app.recent_files().to_vec();
        if !recent.is_empty() {
            ui.add_space(16.0);
            ui.label(RichText::new("Recent").strong());
            for p in recent {
                if ui.link(p.display().to_string()).clicked() {
                    app.open(p);
                }
            }
        }
        if let Some(b) = &app.busy {
            ui.add_space(10.0);
            ui.spinner();
            ui.label(b);
        }
    });
}

pub fn speakers(app: &mut App, ui: &mut egui::Ui) {
    // Counts and talk time do not depend on turn texts: recomputed only when something else
    // changed (not per keystroke), and only while this panel is shown.
    let rev = app.shape_gen;
    if app.stats.as_ref().is_none_or(|s| s.revision != rev) {
        app.stats =
            Some(crate::app::SpeakerStats { revision: rev, counts: app.doc.turn_counts(), talk: app.doc.talk_time() });
        // Names typed but not applied are kept; names of gone speakers dropped.
        let ids: Vec<_> = app.doc.speakers.iter().map(|s| s.id).collect();
        app.speaker_names.retain(|k, _| ids.contains(k));
    }
    ui.heading("Speakers");
    let mut edits: Vec<Edit> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    let speakers = app.doc.speakers.clone();
    egui::ScrollArea::vertical().id_salt("speakers-scroll").show(ui, |ui| {
        for (k, s) in speakers.iter().enumerate() {
            let stats = app.stats.as_ref().expect("computed above");
            let count = stats.counts.get(&s.id).copied().unwrap_or(0);
            let talk = stats.talk.get(&s.id).copied().unwrap_or(0);
            ui.separator();
            ui.horizontal(|ui| {
                let mut rgb = s.color.0;
                if ui.color_edit_button_srgb(&mut rgb).on_hover_text("Recolour").changed() {
                    edits.push(Edit::SetSpeakerColor { speaker: s.id, color: Color(rgb) });
                }
                let buf = app.speaker_names.entry(s.id).or_insert_with(|| s.name.clone());
                let r = ui
                    .add(egui::TextEdit::singleline(buf).desired_width(140.0))
                    .accessible_name(format!("Speaker {} name", s.name));
                if r.lost_focus() && buf.trim() != s.name {
                    let name = buf.trim().to_string();
                    if !name.is_empty() && app.doc.speaker_by_name(&name).is_none() {
                        edits.push(Edit::RenameSpeaker { speaker: s.id, name });
                    } else {
                        errors.push(format!(
                            "Cannot rename {} to “{name}”: the name is empty or taken (use Merge to join two speakers)",
                            s.name
                        ));
                        *buf = s.name.clone();
                    }
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
                    for o in speakers.iter().filter(|o| o.id != s.id) {
                        let b = ui
                            .add(egui::Button::new(RichText::new(&o.name).color(speaker_color(o.color))))
                            .accessible_name(format!("Merge {} into {}", s.name, o.name));
                        if b.clicked() {
                            match edit::merge_speakers(&app.doc, s.id, o.id) {
                                Ok(e) => edits.push(e),
                                Err(e) => errors.push(e.to_string()),
                            }
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
                    edits.push(Edit::RemoveSpeaker { speaker: s.id });
                }
            });
        }
        ui.separator();
        ui.horizontal(|ui| {
            let r = ui
                .add(egui::TextEdit::singleline(&mut app.new_speaker).hint_text("New speaker").desired_width(140.0))
                .accessible_name("New speaker name");
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Add speaker").clicked() || enter) && !app.new_speaker.trim().is_empty() {
                match edit::add_speaker(&app.doc, &app.new_speaker) {
                    Ok((e, _)) => {
                        edits.push(e);
                        app.new_speaker.clear();
                    }
                    Err(e) => errors.push(e.to_string()),
                }
            }
        });
    });
    for e in edits {
        app.history.seal();
        app.apply(e);
    }
    if let Some(e) = errors.pop() {
        app.status = Some(e);
    }
}

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

/// A modal asking for one line of text, with an error from the last try. Some(true) when the
/// user confirms (button or Enter), Some(false) on Cancel, None while it stays open.
#[allow(clippy::too_many_arguments)]
fn text_prompt(
    ctx: &egui::Context,
    id: &str,
    heading: &str,
    hint: Option<&str>,
    field: &str,
    ok: &str,
    text: &mut String,
    error: &Option<String>,
) -> Option<bool> {
    let mut done = None;
    egui::Modal::new(egui::Id::unique(("text_prompt", id))).show(ctx, |ui| {
        ui.heading(heading);
        if let Some(h) = hint {
            ui.label(h);
        }
        let r = ui.add(egui::TextEdit::singleline(text).desired_width(200.0)).accessible_name(field);
        if !r.has_focus() && !r.lost_focus() {
            r.request_focus();
        }
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if let Some(e) = error {
            ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
        }
        ui.horizontal(|ui| {
            if ui.button(ok).clicked() || enter {
                done = Some(true);
            }
            if ui.button("Cancel").clicked() {
                done = Some(false);
            }
        });
    });
    done
}

pub fn modals(app: &mut App, ui: &mut egui::Ui) {
    let Some(modal) = app.modal.clone() else { return };
    let ctx = ui.ctx().clone();
    match modal {
        Modal::Unsaved(_) => {
            let mut answer = None;
            egui::Modal::new(egui::Id::unique("unsaved")).show(&ctx, |ui| {
                ui.heading("Save changes?");
                ui.label("The transcript has changes that are not saved.");
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() {
                        answer = Some(UnsavedAnswer::Save);
                    }
                    if ui.button("Discard").clicked() {
                        answer = Some(UnsavedAnswer::Discard);
                    }
                    if ui.button("Cancel").clicked() {
                        answer = Some(UnsavedAnswer::Cancel);
                    }
                });
            });
            if let Some(a) = answer {
                app.answer_unsaved(a);
            }
        }
        Modal::GoTo { mut text, error } => {
            let hint = "A time (1:02:03) or a turn number (12 or #12)";
            let done = text_prompt(&ctx, "goto", "Go to", Some(hint), "Time or turn number", "Go", &mut text, &error);
            app.modal = match done {
                Some(true) => match app.go_to(&text) {
                    Ok(()) => None,
                    Err(e) => Some(Modal::GoTo { text, error: Some(e) }),
                },
                Some(false) => None,
                None => Some(Modal::GoTo { text, error }),
            };
        }
        Modal::Retime { turn, mut text, error } => {
            let n = app.doc.turn_index(turn).map_or(0, |i| i + 1);
            let heading = format!("Start time of turn {n}");
            let done = text_prompt(&ctx, "retime", &heading, None, "Start time", "Set", &mut text, &error);
            app.modal = match done {
                Some(true) => match app.retime(turn, &text) {
                    Ok(()) => None,
                    Err(e) => Some(Modal::Retime { turn, text, error: Some(e) }),
                },
                Some(false) => None,
                None => Some(Modal::Retime { turn, text, error }),
            };
        }
        Modal::Help => {
            let mut close = false;
            egui::Modal::new(egui::Id::unique("help")).show(&ctx, |ui| {
                ui.heading("Keyboard shortcuts");
                help(ui);
                if ui.button("Close").clicked() {
                    close = true;
                }
            });
            if close {
                app.modal = None;
            }
        }
        Modal::Export => super::export::dialog(app, &ctx),
        Modal::Message(msg) => {
            let mut close = false;
            egui::Modal::new(egui::Id::unique("message")).show(&ctx, |ui| {
                ui.set_max_width(500.0);
                ui.label(msg);
                if ui.button("OK").clicked() {
                    close = true;
                }
            });
            if close {
                app.modal = None;
            }
        }
    }
}

/// The Settings window: playback options, remembered in the config file.
pub fn settings(app: &mut App, ctx: &egui::Context) {
    let mut open = app.show_settings;
    let mut s = app.settings();
    let before = s.clone();
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
            s = crate::app::recent::Settings::default();
        }
    });
    if s != before {
        app.set_settings(s);
    }
    app.show_settings = open;
}
