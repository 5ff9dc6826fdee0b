//! The app: it owns the open document and its history, the player, the background tasks, the
//! configuration and the notifications, and decides what the UI's [`Command`]s do. Drawing is
//! [`crate::ui`]'s, which reads and asks but changes nothing here.
//!
//! - [`document`]: open, close, save, the unsaved-changes prompt, dropped files.
//! - [`tasks`]: the background task runner.
//! - [`editing`]: every change to the document, through [`History`].
//! - [`playback`]: the player. [`speech`]: where each turn's speech is, from the analysis.
//! - [`dispatch`]: shortcuts to actions, actions to commands, commands to the parts above.
//! - [`exporting`]: the export dialog's work. [`replace`]: find and replace edits.
//! - [`window`]: the native window.

mod asks;
mod assist;
mod autosave;
pub mod dialog_service;
mod dispatch;
pub mod document;
mod editing;
pub mod exporting;
mod file_dialogs;
mod geometry;
pub mod icon;
mod playback;
mod recording_choice;
pub mod replace;
pub mod speech;
mod tasks;
mod voice;
mod window;

pub use crate::ui::commands;
pub use crate::ui::{Command, ExportDialog, Modal, Pending, UnsavedAnswer};
pub use document::OpenFile;
pub use window::run_window;

use crate::audio::{LoadStatus, OutputKind, Player, PlayerState};
use crate::edit::History;
use crate::model::{Transcript, TurnId};
use crate::session::config::{self, Config, Settings};
use crate::ui::{Commands, Level, Notification, ViewState};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the app is set up: the desktop defaults, or headless for tests and benchmarks.
#[derive(Clone, Debug)]
pub struct AppOptions {
    pub output: OutputKind,
    /// Use native file dialogs (off headless: Save As then uses the default name).
    pub native_dialogs: bool,
    /// Where the [`Config`] is kept (None: not kept).
    pub config_file: Option<PathBuf>,
    /// The data folder for autosave and recovery (None: no autosave).
    pub data_dir: Option<PathBuf>,
    /// Whether native dialogs can open, when known beforehand (tests); None: detected before
    /// each dialog ([`dialog_service::detect`]).
    pub dialog_service: Option<dialog_service::DialogService>,
    /// Embed every turn's voice once the recording is analysed (`app/voice.rs`). Off headless:
    /// it is seconds of CPU per minute of audio in a debug build, and only the tests of the voice
    /// evidence ask for it.
    pub voice_analysis: bool,
}

impl AppOptions {
    pub fn desktop() -> AppOptions {
        AppOptions {
            output: OutputKind::Device,
            native_dialogs: true,
            config_file: config::default_file(),
            data_dir: crate::session::recovery::data_root().ok(),
            dialog_service: None,
            voice_analysis: true,
        }
    }

    /// No device, no dialogs, no config file: for tests and benchmarks.
    pub fn headless() -> AppOptions {
        AppOptions {
            output: OutputKind::Clock,
            native_dialogs: false,
            config_file: None,
            data_dir: None,
            dialog_service: None,
            voice_analysis: false,
        }
    }
}

/// The editor.
pub struct App {
    pub(crate) ctx: egui::Context,
    repaint_target: Arc<Mutex<egui::Context>>,
    pub(crate) options: AppOptions,
    pub(crate) config: Config,
    pub(crate) doc: Transcript,
    pub(crate) history: History,
    pub(crate) file: Option<OpenFile>,
    /// The recording in use, and why the expected one is missing.
    pub(crate) audio_path: Option<PathBuf>,
    pub(crate) audio_missing: Option<String>,
    pub(crate) player: Player,
    pub(crate) player_state: PlayerState,
    pub(crate) looping: Option<TurnId>,
    pub(crate) view: ViewState,
    pub(crate) notifications: Vec<Notification>,
    pub(crate) tasks: tasks::Tasks,
    /// Commands asked for this frame, run after drawing.
    pub(crate) commands: Commands,
    allow_close: bool,
    last_title: String,
    /// An audio file given on the command line, for the transcript being opened.
    audio_override: Option<PathBuf>,
    /// The open document's autosave session, and the recovery the prompt offers.
    autosave: Option<crate::session::Autosaver>,
    recovery: Option<crate::session::recovery::Recoverable>,
    /// The autosave's sequence number when the running save's copy was taken.
    save_seq: u64,
    /// The autosave write error last told (told once until it changes).
    autosave_error: Option<String>,
    /// Questions asked before going on (no dialog service, save conflicts, outside recordings).
    asks: asks::Asks,
    /// The speech segments of the recording's analysis (see [`speech`]).
    pub(crate) speech: speech::SpeechCache,
    /// The correction assistant's findings and their re-checking.
    pub(crate) assist: assist::Assist,
    /// The voice of every turn, once the recording is analysed (see [`voice`]).
    pub(crate) voices: voice::Voices,
    /// The window was made to fit the screen (once, at the first frame that knows the monitor).
    window_fitted: bool,
}

impl App {
    /// A new editor with no document. `ctx` receives repaint requests from workers (the context
    /// that runs [`App::ui_root`] takes over from the first frame).
    pub fn new(ctx: &egui::Context, options: AppOptions) -> App {
        let repaint_target = Arc::new(Mutex::new(ctx.clone()));
        let options_dialogs = options.dialog_service.clone();
        let target = repaint_target.clone();
        let player = Player::new(
            Arc::new(move || {
                if let Ok(c) = target.lock() {
                    c.request_repaint();
                }
            }),
            options.output,
        );
        App {
            ctx: ctx.clone(),
            repaint_target,
            config: Config::load(options.config_file.clone()),
            options,
            doc: Transcript::default(),
            history: History::new(),
            file: None,
            audio_path: None,
            audio_missing: None,
            player_state: player.state(),
            player,
            looping: None,
            view: ViewState::default(),
            notifications: Vec::new(),
            tasks: tasks::Tasks::default(),
            commands: Commands::default(),
            allow_close: false,
            last_title: String::new(),
            audio_override: None,
            autosave: None,
            recovery: None,
            save_seq: 0,
            autosave_error: None,
            asks: asks::Asks { fixed: options_dialogs, ..Default::default() },
            speech: speech::SpeechCache::default(),
            assist: assist::Assist::default(),
            voices: voice::Voices::default(),
            window_fitted: false,
        }
    }

    /// Offer the newest autosaved work of any transcript (at start).
    pub fn offer_recovery_at_start(&mut self) {
        self.offer_recovery_of_any();
    }

    // -----------------------------------------------------------------------------------------
    // Accessors (tests, benches)
    // -----------------------------------------------------------------------------------------

    pub fn document(&self) -> &Transcript {
        &self.doc
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn file(&self) -> Option<&OpenFile> {
        self.file.as_ref()
    }

    pub fn modal(&self) -> Option<&Modal> {
        self.view.modal.as_ref()
    }

    /// The latest notification's text.
    pub fn status(&self) -> Option<&str> {
        self.notifications.get(self.view.status_from..)?.last().map(|n| n.text.as_str())
    }

    /// The names of the tasks running, as the status bar shows them (tests).
    pub fn task_names(&self) -> Vec<String> {
        self.tasks.infos().iter().map(|t| t.name.clone()).collect()
    }

    /// Every notification so far, oldest first.
    pub fn notifications(&self) -> &[Notification] {
        &self.notifications
    }

    pub fn audio_path(&self) -> Option<&Path> {
        self.audio_path.as_deref()
    }

    /// The turn commands act on: the focused one, or the last one focused.
    pub fn current_turn(&self) -> Option<TurnId> {
        self.view.current_turn(&self.doc)
    }

    /// The player's state as of the last frame.
    pub fn player_state(&self) -> &PlayerState {
        &self.player_state
    }

    /// How far the waveform overview has been built (1.0: done).
    pub fn waveform_progress(&self) -> f32 {
        self.player.peaks().1
    }

    pub fn options(&self) -> &AppOptions {
        &self.options
    }

    /// The playback settings now in use.
    pub fn settings(&self) -> &Settings {
        &self.config.settings
    }

    /// Use and remember these playback settings.
    pub fn set_settings(&mut self, s: Settings) {
        self.config.set_settings(s);
    }

    pub fn recent_files(&self) -> &[PathBuf] {
        &self.config.recent
    }

    /// The export dialog, when open.
    pub fn export_dialog(&self) -> Option<&ExportDialog> {
        self.view.export.as_ref()
    }

    /// What the turn list painted of the find matches in the last frame (tests).
    pub fn find_paint(&self) -> &crate::ui::list::FindPaint {
        &self.view.list.find_paint
    }

    /// The export dialog, to change its fields (tests).
    pub fn export_dialog_mut(&mut self) -> Option<&mut ExportDialog> {
        self.view.export.as_mut()
    }

    /// The window title: file name and a dirty marker.
    pub fn title(&self) -> String {
        match &self.file {
            None => "Turnfix".into(),
            Some(f) => {
                let name = f
                    .save_path
                    .as_ref()
                    .unwrap_or(&f.path)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let dirty = if self.history.is_dirty() { "● " } else { "" };
                format!("{dirty}{name} — Turnfix")
            }
        }
    }

    /// Tell the user something: the status bar shows the latest, the history keeps them all.
    pub(crate) fn notify(&mut self, level: Level, text: impl Into<String>) {
        self.notifications.push(Notification { level, text: text.into() });
    }

    pub(crate) fn audio_ready(&self) -> bool {
        self.player_state.status == LoadStatus::Ready
    }

    // -----------------------------------------------------------------------------------------
    // The frame
    // -----------------------------------------------------------------------------------------

    /// The whole UI, for one frame. eframe's `App::ui` calls this; tests and benches call it
    /// directly with their own context.
    pub fn ui_root(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.adopt_context(&ctx);
        self.finish_tasks();
        self.read_autosave_error();
        self.recheck_when_due();
        self.read_player();
        self.voices_when_due();
        self.window_events(&ctx);
        self.fit_window(&ctx);
        self.read_shortcuts(&ctx);
        self.draw(ui);
        self.run_commands();
        self.update_title(&ctx);
        self.schedule_repaint(&ctx);
    }

    /// Repaint requests from workers go to the context that draws.
    fn adopt_context(&mut self, ctx: &egui::Context) {
        if self.ctx != *ctx {
            self.ctx = ctx.clone();
            if let Ok(mut t) = self.repaint_target.lock() {
                *t = ctx.clone();
            }
        }
    }

    /// The player's snapshot for this frame; a recording that fails to load, or a sound device
    /// that fails, is told once as a notification.
    fn read_player(&mut self) {
        let st = self.player.state();
        if let LoadStatus::Failed(msg) = &st.status
            && self.player_state.status != st.status
        {
            self.notify(Level::Error, format!("The recording cannot be played: {msg}"));
        }
        if let Some(note) = &st.output_note
            && self.player_state.output_note.as_ref() != Some(note)
        {
            self.notify(Level::Warning, format!("Sound: {note}"));
        }
        self.player_state = st;
        self.refresh_speech();
    }

    /// Closing the window with unsaved changes asks first; dropped files are opened.
    fn window_events(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) {
            self.remember_window(ctx);
        }
        if ctx.input(|i| i.viewport().close_requested())
            && !self.allow_close
            && self.history.is_dirty()
            && self.file.is_some()
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.view.modal = Some(Modal::Unsaved(Pending::Quit));
        } else if ctx.input(|i| i.viewport().close_requested()) && !self.history.is_dirty() {
            // Closing with nothing unsaved: nothing is to be offered for recovery.
            self.autosave_stop();
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).filter(|p| !p.as_os_str().is_empty()).collect()
        });
        if !dropped.is_empty() {
            self.commands.push(Command::Dropped(dropped));
        }
    }

    /// Draw from read-only inputs; the UI pushes what it asks for onto `self.commands`.
    fn draw(&mut self, ui: &mut egui::Ui) {
        let mut view = std::mem::take(&mut self.view);
        let mut commands = std::mem::take(&mut self.commands);
        let focused_before = view.list.focused;
        crate::ui::show(ui, &mut view, &self.inputs(), &mut commands);
        if view.list.focused != focused_before {
            // The focus moved: the next keystroke starts a new undo step.
            self.history.seal();
            self.autosave_record(crate::session::journal::Op::Seal);
        }
        self.view = view;
        self.commands = commands;
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = self.title();
        if title != self.last_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.last_title = title;
        }
    }

    /// Repaint continuously only while playing or working; idle costs nothing.
    fn schedule_repaint(&self, ctx: &egui::Context) {
        if self.player_state.playing || self.player_state.status == LoadStatus::Loading {
            ctx.request_repaint_after(Duration::from_millis(33));
        }
        if !self.tasks.is_empty() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.ui_root(ui);
    }

    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        dispatch::drop_shortcut_text(&mut raw_input.events);
    }
}
