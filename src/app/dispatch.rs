//! From keys to work: shortcuts become actions (before any widget sees the keys), actions
//! become commands with their data (the current turn, the next speed…), and each command goes
//! to the part of the app that does it, once per frame after drawing.

use super::App;
use super::tasks::Pick;
use crate::export::ExportFormat;
use crate::ui::commands::{self, Action};
use crate::ui::{Command, Inputs, Modal, UnsavedAnswer};
use egui::Event;

/// Drop the text that a platform sends along with a shortcut's key (X11 sends `Text("5")`
/// with Alt+5): the shortcut consumes its key, and must consume its text too, or the focused
/// text field types it. A text event is dropped when it follows, with only modifier changes
/// and key releases between, a key press that matches a shortcut of the table with modifiers.
pub(crate) fn drop_shortcut_text(events: &mut Vec<Event>) {
    let mut armed = false;
    events.retain(|e| match e {
        Event::Key { key, pressed: true, modifiers, .. } => {
            armed = commands::shortcuts_by_specificity().iter().any(|(s, _)| {
                !commands::is_plain_key(s) && s.logical_key == *key && modifiers.matches_logically(s.modifiers)
            });
            true
        }
        Event::Text(_) if armed => {
            armed = false;
            false
        }
        Event::ModifiersChanged(_) | Event::Key { pressed: false, .. } => true,
        _ => {
            armed = false;
            true
        }
    });
}

impl App {
    /// This frame's read-only inputs for the UI.
    pub(crate) fn inputs(&self) -> Inputs<'_> {
        let (peaks, peaks_progress) = self.player.peaks();
        Inputs {
            doc: &self.doc,
            revision: self.history.revision(),
            has_file: self.file.is_some(),
            dirty: self.history.is_dirty(),
            can_undo: self.history.can_undo(),
            can_redo: self.history.can_redo(),
            player: &self.player_state,
            peaks,
            peaks_progress,
            looping: self.looping,
            audio_missing: self.audio_missing.as_deref(),
            settings: &self.config.settings,
            recent: &self.config.recent,
            tasks: self.tasks.infos(),
            notifications: &self.notifications,
            native_dialogs: self.options.native_dialogs,
            spoken: self.spoken(),
            speech_ready: self.speech_map().is_some(),
            assist: self.assist_inputs(),
            warnings: self.file.as_ref().map_or(&[][..], |f| f.warnings.as_slice()),
            file_name: self
                .file
                .as_ref()
                .and_then(|f| f.path.file_name())
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        }
    }

    /// Whether an action can run now.
    pub fn can_run(&self, a: Action) -> bool {
        self.inputs().enabled(&self.view, a)
    }

    /// Read shortcuts before any widget sees the keys (so Ctrl+Z reaches our history, not the
    /// text field's own undo); they run with the UI's commands after drawing.
    pub(crate) fn read_shortcuts(&mut self, ctx: &egui::Context) {
        ctx.input_mut(|i| drop_shortcut_text(&mut i.events));
        if let Some(m) = &self.view.modal {
            // Inside a dialog only Escape (cancel) and F1 (help off) are ours.
            let esc = ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape));
            let f1 = ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::F1));
            if esc || (f1 && *m == Modal::Help) {
                match m {
                    Modal::Unsaved(_) => self.commands.push(Command::AnswerUnsaved(UnsavedAnswer::Cancel)),
                    Modal::Recover(_) => self.commands.push(Command::AnswerRecovery(crate::ui::RecoveryAnswer::Keep)),
                    Modal::PathField(_) => crate::ui::path_field::close(&mut self.view),
                    Modal::SaveConflict(_) => {
                        self.commands.push(Command::AnswerConflict(crate::ui::ConflictAnswer::Cancel))
                    }
                    Modal::OutsideAudio(_) => self.commands.push(Command::AnswerOutsideAudio(false)),
                    Modal::Spelling(_) => self.commands.push(Command::AnswerSpelling(false)),
                    Modal::Export => {
                        self.view.modal = None;
                        self.view.export = None;
                    }
                    _ => self.view.modal = None,
                }
            }
            return;
        }
        let popup_open = egui::Popup::is_any_open(ctx);
        ctx.input_mut(|i| {
            for (s, a) in commands::shortcuts_by_specificity() {
                if popup_open && s.logical_key == egui::Key::Escape {
                    continue;
                }
                while i.consume_shortcut(s) {
                    self.commands.run(*a);
                }
            }
        });
    }

    /// Run what was asked for this frame, in order.
    pub(crate) fn run_commands(&mut self) {
        for c in self.commands.take() {
            self.execute(c);
        }
    }

    /// Run an action of the command table for the current turn (a menu, a shortcut, a test).
    pub fn run(&mut self, a: Action) {
        if !self.can_run(a) {
            return;
        }
        let current = self.current_turn();
        match a {
            Action::Open => self.open_dialog(),
            Action::Save => self.save(),
            Action::SaveAs => self.save_as(),
            Action::Close => self.close(),
            Action::LocateAudio => self.pick(Pick::Audio, None),
            Action::Export => self.open_export(None),
            Action::CorrectionsReport => self.open_export(Some(ExportFormat::ReportMarkdown)),
            Action::Settings => self.view.show_settings = !self.view.show_settings,
            Action::Quit => self.ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Action::Undo => self.undo(),
            Action::Redo => self.redo(),
            Action::Find => {
                self.view.find.open = true;
                self.view.find.focus_field = true;
            }
            Action::FindNext => self.find_step(true),
            Action::FindPrevious => self.find_step(false),
            Action::GoTo => self.view.modal = Some(Modal::GoTo { text: String::new(), error: None }),
            Action::NextTurn => self.step_turn(1),
            Action::PreviousTurn => self.step_turn(-1),
            Action::InsertTurn => self.insert_after(current),
            Action::SnapToSpeech => self.offer_snap(),
            Action::RematchVoices => self.offer_rematch(),
            Action::WaveZoomIn => self.view.wave_zoom = (self.view.wave_zoom * 2.0).min(256.0),
            Action::WaveZoomOut => self.view.wave_zoom = (self.view.wave_zoom / 2.0).max(1.0),
            Action::ToggleSpeakers => self.view.show_speakers = !self.view.show_speakers,
            Action::Help => {
                self.view.modal = if self.view.modal == Some(Modal::Help) { None } else { Some(Modal::Help) }
            }
            Action::FollowPlayback => {
                let v = &mut self.view;
                if !(v.follow && v.follow_paused) {
                    v.follow = !v.follow;
                }
                v.follow_paused = false;
            }
            Action::ToggleIssues
            | Action::NextFinding
            | Action::PreviousFinding
            | Action::QuickFix
            | Action::NotAProblem
            | Action::ToggleReviewed
            | Action::NextUnreviewed => self.run_assist(a),
            Action::PlayPause => self.play_pause(),
            Action::SkipBack => self.skip(false),
            Action::SkipForward => self.skip(true),
            Action::Slower => self.nudge_speed(-0.1),
            Action::Faster => self.nudge_speed(0.1),
            Action::VolumeDown => self.set_volume(self.player_state.volume - 0.1),
            Action::VolumeUp => self.set_volume(self.player_state.volume + 0.1),
            // These act on the current turn (`can_run` checked there is one).
            Action::SplitTurn
            | Action::MergeWithPrevious
            | Action::MergeWithNext
            | Action::DeleteTurn
            | Action::EditStartTime
            | Action::SetSpeaker(_)
            | Action::PlayTurn
            | Action::LoopTurn
            | Action::SeekToTurn => {
                if let Some(t) = current {
                    self.run_on(a, t);
                }
            }
        }
    }

    /// An action that acts on a turn.
    fn run_on(&mut self, a: Action, turn: crate::model::TurnId) {
        match a {
            Action::SplitTurn => {
                let at = self.view.list.cursor_of(turn);
                self.split(turn, at);
            }
            Action::MergeWithPrevious => self.merge(turn, true),
            Action::MergeWithNext => self.merge(turn, false),
            Action::DeleteTurn => self.delete(turn),
            Action::EditStartTime => self.ask_retime(turn),
            Action::SetSpeaker(n) => {
                if let Some(s) = self.doc.speakers.get(n as usize - 1) {
                    let to = s.id;
                    self.set_speaker(&[turn], to);
                }
            }
            Action::PlayTurn => self.play_turn(turn),
            Action::LoopTurn => self.loop_turn(turn),
            Action::SeekToTurn => {
                if let Some(t) = self.doc.turn(turn) {
                    let ms = t.start_ms;
                    self.seek(ms);
                }
            }
            _ => {}
        }
    }

    /// Run one command from the UI.
    pub fn execute(&mut self, c: Command) {
        match c {
            Command::Run(a) => self.run(a),
            Command::RunOn { turn, action } => {
                if self.doc.turn_index(turn).is_some() {
                    self.view.list.current = Some(turn);
                    self.run(action);
                }
            }
            Command::Open(path) => self.open(path),
            Command::Dropped(paths) => self.dropped(paths),
            Command::AnswerUnsaved(a) => self.answer_unsaved(a),
            Command::AnswerRecovery(a) => self.answer_recovery(a),
            Command::Apply(e) => {
                self.apply(e);
            }
            Command::Typed { turn, text } => self.typed(turn, text),
            Command::SetSpeaker { turns, to } => {
                self.set_speaker(&turns, to);
            }
            Command::RenameSpeaker { speaker, name } => self.rename_speaker(speaker, name),
            Command::MergeSpeakers { from, into } => self.merge_speakers(from, into),
            Command::AddSpeaker(name) => self.add_speaker(&name),
            Command::Retime { turn, text } => self.answer_retime(turn, text),
            Command::GoTo(text) => self.answer_go_to(text),
            Command::FindStep { forward } => self.find_step(forward),
            Command::ReplaceCurrent => self.replace_current(),
            Command::ReplaceAll => self.replace_all(),
            Command::Seek(ms) => self.seek(ms),
            Command::SetSpeed(x) => self.set_speed(x),
            Command::SetVolume(x) => self.set_volume(x),
            Command::PlayTurn(t) => self.play_turn(t),
            Command::LoopTurn(t) => self.loop_turn(t),
            Command::SetSettings(s) => self.set_settings(s),
            Command::HideAudioMissing => self.audio_missing = None,
            Command::UseRecording(p) => self.use_recording(p),
            Command::SetExportFormat(f) => self.set_export_format(f),
            Command::BrowseExport => self.browse_export(),
            Command::Export { format, options, path, replace } => self.export_to(format, options, path, replace),
            Command::CancelTask(id) => self.tasks.cancel(id),
            Command::PathTyped { what, text } => self.path_typed(what, text),
            Command::AnswerConflict(a) => self.answer_conflict(a),
            Command::AnswerOutsideAudio(open) => self.answer_outside_audio(open),
            Command::AnswerSpelling(apply) => self.answer_spelling(apply),
            Command::Finding { turn, kind, act } => self.finding_command(turn, kind, act),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{Key, Modifiers};

    fn key(key: Key, modifiers: Modifiers) -> Event {
        Event::Key { key, physical_key: None, pressed: true, repeat: false, modifiers }
    }

    #[test]
    fn shortcut_text_is_dropped_and_typing_is_kept() {
        let mut ev = vec![
            key(Key::Num5, Modifiers::ALT),
            Event::ModifiersChanged(Modifiers::NONE),
            Event::Text("5".into()),
            key(Key::Num5, Modifiers::NONE),
            Event::Text("5".into()),
            key(Key::Equals, Modifiers::ALT),
            Event::Text("=".into()),
        ];
        drop_shortcut_text(&mut ev);
        let texts: Vec<&str> =
            ev.iter().filter_map(|e| if let Event::Text(t) = e { Some(t.as_str()) } else { None }).collect();
        assert_eq!(texts, ["5"], "only the 5 typed without Alt is left");
    }
}
