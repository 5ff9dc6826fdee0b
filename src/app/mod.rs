//! The eframe::App shell: the open document and its history, file jobs on worker threads,
//! and command handling. Drawing lives in [`crate::ui`].
//!
//! The UI never changes the document itself: every change is an [`Edit`] through
//! [`History::apply`] or [`History::apply_typing`].

pub mod commands;
pub mod exporting;
pub mod find;
pub mod icon;
pub mod recent;

use crate::audio::{LoadStatus, OutputKind, Player, PlayerState};
use crate::edit::{self, Edit, History, Scope};
use crate::formats::{Format, Import, Warning};
use crate::model::{Ms, SpeakerId, Transcript, TurnId, format_otter_time, parse_clock};
use crate::session;
use crate::ui::list::ListState;
use commands::Command;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the app is set up: the desktop defaults, or headless for tests and benchmarks.
#[derive(Clone, Debug)]
pub struct AppOptions {
    pub output: OutputKind,
    /// Use native file dialogs (off headless: Save As then uses the default name).
    pub native_dialogs: bool,
    /// Where the recent-files list is kept (None: not kept).
    pub recent_file: Option<PathBuf>,
    /// Skip step for Skip Back / Skip Forward.
    pub skip_ms: u64,
    /// How far playback rewinds when resumed.
    pub rewind_on_resume_ms: u64,
    /// Pause playback while typing.
    pub pause_while_typing: bool,
}

impl AppOptions {
    pub fn desktop() -> AppOptions {
        AppOptions {
            output: OutputKind::Device,
            native_dialogs: true,
            recent_file: recent::default_file(),
            skip_ms: 5_000,
            rewind_on_resume_ms: 1_000,
            pause_while_typing: false,
        }
    }

    /// No device, no dialogs, no recent file: for tests and benchmarks.
    pub fn headless() -> AppOptions {
        AppOptions { output: OutputKind::Clock, native_dialogs: false, recent_file: None, ..AppOptions::desktop() }
    }
}

/// The file behind the open document.
#[derive(Clone, Debug)]
pub struct OpenFile {
    /// The file that was opened.
    pub path: PathBuf,
    pub format: Format,
    /// Where Save writes: the JSON that was opened, or the Save As target once chosen.
    pub save_path: Option<PathBuf>,
    pub warnings: Vec<Warning>,
}

impl OpenFile {
    /// The name Save As proposes: `<stem>.turnfix.json` beside the opened file.
    pub fn default_save_path(&self) -> PathBuf {
        if let Some(p) = &self.save_path {
            return p.clone();
        }
        let stem =
            self.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "transcript".into());
        self.path.with_file_name(format!("{stem}.turnfix.json"))
    }
}

/// What to do once unsaved changes are dealt with.
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    Open(PathBuf),
    OpenDialog,
    Close,
    Quit,
}

/// The modal dialog being shown, if any.
#[derive(Clone, Debug, PartialEq)]
pub enum Modal {
    /// "Save changes?" with Save / Discard / Cancel, then do the pending action.
    Unsaved(Pending),
    GoTo {
        text: String,
        error: Option<String>,
    },
    Retime {
        turn: TurnId,
        text: String,
        error: Option<String>,
    },
    Help,
    Message(String),
    /// The export dialog (its state is [`App::export_dialog`]).
    Export,
}

enum Pick {
    Open,
    SaveAs,
    Audio,
    Export(crate::export::ExportFormat),
}

enum Job {
    Opened { path: PathBuf, audio: Option<PathBuf>, result: Result<Box<Import>, String> },
    Saved { path: PathBuf, revision: u64, result: Result<(), String>, then: Option<Pending> },
    Picked { pick: Pick, path: Option<PathBuf> },
    Exported { path: PathBuf, result: Result<(), String> },
}

/// Cached per-speaker figures for the speakers panel.
pub(crate) struct SpeakerStats {
    /// The [`App::shape_gen`] these figures are for.
    pub revision: u64,
    pub counts: HashMap<SpeakerId, usize>,
    pub talk: HashMap<SpeakerId, Ms>,
}

/// The editor.
pub struct App {
    pub(crate) ctx: egui::Context,
    repaint_target: Arc<Mutex<egui::Context>>,
    pub(crate) options: AppOptions,
    pub(crate) doc: Transcript,
    pub(crate) history: History,
    pub(crate) file: Option<OpenFile>,
    /// The recording in use, and the one expected but missing.
    pub(crate) audio_path: Option<PathBuf>,
    pub(crate) audio_missing: Option<String>,
    pub(crate) player: Player,
    pub(crate) player_state: PlayerState,
    pub(crate) list: ListState,
    pub(crate) find: find::FindState,
    pub(crate) show_speakers: bool,
    pub(crate) modal: Option<Modal>,
    pub(crate) status: Option<String>,
    pub(crate) recent: recent::Recent,
    /// The scope the speaker chip menu applies.
    pub(crate) chip_scope: Scope,
    pub(crate) follow: bool,
    pub(crate) follow_paused: bool,
    pub(crate) wave_zoom: f32,
    pub(crate) looping: Option<TurnId>,
    pub(crate) stats: Option<SpeakerStats>,
    /// Bumped by every document change other than typing (speakers, times, turns added or
    /// removed, undo/redo, open/close). Caches of figures that do not depend on turn texts (the
    /// speaker statistics, the waveform's speaker bands) key on it, so typing costs them nothing.
    pub(crate) shape_gen: u64,
    pub(crate) wave_cache: crate::ui::wave::WaveCache,
    pub(crate) speaker_names: HashMap<SpeakerId, String>,
    /// The Settings window is shown.
    pub(crate) show_settings: bool,
    pub(crate) export: Option<exporting::ExportDialog>,
    pub(crate) new_speaker: String,
    jobs_tx: Sender<Job>,
    jobs_rx: Receiver<Job>,
    jobs_pending: usize,
    pub(crate) busy: Option<String>,
    allow_close: bool,
    last_title: String,
    /// An audio file given on the command line, for the transcript being opened.
    audio_override: Option<PathBuf>,
}

impl App {
    /// A new editor with no document. `ctx` receives repaint requests from workers (the context
    /// that runs [`App::ui_root`] takes over from the first frame).
    pub fn new(ctx: &egui::Context, options: AppOptions) -> App {
        let repaint_target = Arc::new(Mutex::new(ctx.clone()));
        let target = repaint_target.clone();
        let player = Player::new(
            Arc::new(move || {
                if let Ok(c) = target.lock() {
                    c.request_repaint();
                }
            }),
            options.output,
        );
        let player_state = player.state();
        let (jobs_tx, jobs_rx) = channel();
        let recent = recent::Recent::load(options.recent_file.clone());
        let mut options = options;
        if let Some(s) = &recent.settings {
            options.skip_ms = s.skip_ms;
            options.rewind_on_resume_ms = s.rewind_on_resume_ms;
            options.pause_while_typing = s.pause_while_typing;
        }
        App {
            ctx: ctx.clone(),
            repaint_target,
            recent,
            options,
            doc: Transcript::default(),
            history: History::new(),
            file: None,
            audio_path: None,
            audio_missing: None,
            player,
            player_state,
            list: ListState::default(),
            find: find::FindState::default(),
            show_speakers: true,
            modal: None,
            status: None,
            chip_scope: Scope::Turn,
            follow: true,
            follow_paused: false,
            wave_zoom: 1.0,
            looping: None,
            stats: None,
            shape_gen: 0,
            wave_cache: Default::default(),
            speaker_names: HashMap::new(),
            show_settings: false,
            export: None,
            new_speaker: String::new(),
            jobs_tx,
            jobs_rx,
            jobs_pending: 0,
            busy: None,
            allow_close: false,
            last_title: String::new(),
            audio_override: None,
        }
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
        self.modal.as_ref()
    }

    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }

    pub fn audio_path(&self) -> Option<&Path> {
        self.audio_path.as_deref()
    }

    /// The turn commands act on: the focused one, or the last one focused.
    pub fn current_turn(&self) -> Option<TurnId> {
        self.list.current.filter(|id| self.doc.turn_index(*id).is_some())
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
    pub fn settings(&self) -> recent::Settings {
        recent::Settings {
            skip_ms: self.options.skip_ms,
            rewind_on_resume_ms: self.options.rewind_on_resume_ms,
            pause_while_typing: self.options.pause_while_typing,
        }
    }

    /// Use and remember these playback settings.
    pub fn set_settings(&mut self, s: recent::Settings) {
        self.options.skip_ms = s.skip_ms;
        self.options.rewind_on_resume_ms = s.rewind_on_resume_ms;
        self.options.pause_while_typing = s.pause_while_typing;
        self.recent.set_settings(s);
    }

    pub fn recent_files(&self) -> &[PathBuf] {
        &self.recent.paths
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

    // -----------------------------------------------------------------------------------------
    // Opening
    // -----------------------------------------------------------------------------------------

    /// Open a transcript on a worker thread (asks about unsaved changes first).
    pub fn open(&mut self, path: PathBuf) {
        if self.history.is_dirty() && self.file.is_some() {
            self.modal = Some(Modal::Unsaved(Pending::Open(path)));
            return;
        }
        self.start_open(path);
    }

    /// Open with a given recording (the command line's --audio).
    pub fn open_with_audio(&mut self, path: PathBuf, audio: Option<PathBuf>) {
        self.audio_override = audio;
        self.open(path);
    }

    fn start_open(&mut self, path: PathBuf) {
        let audio = self.audio_override.take();
        let tx = self.jobs_tx.clone();
        let ctx = self.ctx.clone();
        self.busy = Some(format!("Opening {}…", path.display()));
        self.jobs_pending += 1;
        std::thread::spawn(move || {
            let result = session::open(&path).map(Box::new).map_err(|e| e.to_string());
            let _ = tx.send(Job::Opened { path, audio, result });
            ctx.request_repaint();
        });
    }

    /// Open on the calling thread (tests, benchmarks); no prompt about unsaved changes.
    pub fn open_sync(&mut self, path: &Path) -> Result<(), String> {
        let import = session::open(path).map_err(|e| e.to_string())?;
        let audio = self.audio_override.take();
        self.install(path.to_path_buf(), import, audio);
        Ok(())
    }

    /// Show an already-read document (as if opened from `path`).
    pub fn install(&mut self, path: PathBuf, import: Import, audio: Option<PathBuf>) {
        let Import { doc, warnings, format } = import;
        let save_path = (format == Format::Json).then(|| path.clone());
        // Where the recording should be: the command line, the JSON's link, or beside the file.
        let linked = doc.audio.as_ref().map(|l| session::resolve_audio(&path, l));
        let found = audio
            .clone()
            .or_else(|| linked.clone().filter(|p| p.is_file()))
            .or_else(|| session::find_audio_beside(&path));
        self.doc = doc;
        self.shape_gen += 1;
        self.history = History::new();
        self.list = ListState::default();
        self.find.current = None;
        self.stats = None;
        self.speaker_names.clear();
        self.looping = None;
        self.recent.push(&path);
        self.status = (!warnings.is_empty()).then(|| {
            format!(
                "{} warning(s) while reading; first: line {}: {}",
                warnings.len(),
                warnings[0].line,
                warnings[0].message
            )
        });
        self.file = Some(OpenFile { path, format, save_path, warnings });
        self.audio_path = None;
        self.audio_missing = None;
        match found {
            Some(a) if a.is_file() => self.load_audio(a),
            Some(a) => self.audio_missing = Some(format!("The recording {} was not found.", a.display())),
            None => {
                self.audio_missing = Some(match linked {
                    Some(l) => format!("The recording {} was not found.", l.display()),
                    None => "No recording was found beside the transcript.".into(),
                })
            }
        }
        self.ctx.request_repaint();
    }

    /// Use this recording.
    pub fn load_audio(&mut self, path: PathBuf) {
        self.player.load(path.clone());
        self.audio_path = Some(path);
        self.audio_missing = None;
        self.looping = None;
    }

    /// Close the document (asks about unsaved changes first).
    pub fn close(&mut self) {
        if self.history.is_dirty() && self.file.is_some() {
            self.modal = Some(Modal::Unsaved(Pending::Close));
        } else {
            self.do_close();
        }
    }

    fn do_close(&mut self) {
        self.doc = Transcript::default();
        self.shape_gen += 1;
        self.history = History::new();
        self.file = None;
        self.list = ListState::default();
        self.stats = None;
        self.speaker_names.clear();
        self.player.pause();
        self.audio_path = None;
        self.audio_missing = None;
        self.looping = None;
    }

    // -----------------------------------------------------------------------------------------
    // Saving
    // -----------------------------------------------------------------------------------------

    /// Save to the known JSON path, or ask for one (Save As).
    pub fn save(&mut self) {
        self.save_then(None);
    }

    fn save_then(&mut self, then: Option<Pending>) {
        let Some(f) = &self.file else { return };
        match f.save_path.clone() {
            Some(p) => self.save_to(p, then),
            None => self.save_as_then(then),
        }
    }

    /// Save under a new name (native dialog; headless: the default name beside the file).
    pub fn save_as(&mut self) {
        self.save_as_then(None);
    }

    fn save_as_then(&mut self, then: Option<Pending>) {
        let Some(f) = &self.file else { return };
        let default = f.default_save_path();
        if self.options.native_dialogs {
            // A pending action after Save As is dropped: the user chose a dialog flow.
            let _ = then;
            self.pick(Pick::SaveAs, Some(default));
        } else {
            self.save_to(default, then);
        }
    }

    /// Write the JSON to `path` on a worker thread.
    pub fn save_to(&mut self, path: PathBuf, then: Option<Pending>) {
        let mut doc = self.doc.clone();
        if let Some(a) = &self.audio_path {
            let duration = self.player_state.duration_ms.or(doc.audio.as_ref().and_then(|l| l.duration_ms));
            doc.audio = Some(session::audio_link(&path, a, duration));
        }
        let revision = self.history.revision();
        let tx = self.jobs_tx.clone();
        let ctx = self.ctx.clone();
        self.busy = Some(format!("Saving {}…", path.display()));
        self.jobs_pending += 1;
        std::thread::spawn(move || {
            let result = session::save_json(&doc, &path).map_err(|e| e.to_string());
            let _ = tx.send(Job::Saved { path, revision, result, then });
            ctx.request_repaint();
        });
    }

    fn pick(&mut self, pick: Pick, default: Option<PathBuf>) {
        if !self.options.native_dialogs {
            return;
        }
        let tx = self.jobs_tx.clone();
        let ctx = self.ctx.clone();
        let dir = self.file.as_ref().and_then(|f| f.path.parent().map(Path::to_path_buf));
        self.jobs_pending += 1;
        std::thread::spawn(move || {
            let mut d = rfd::FileDialog::new();
            if let Some(dir) = &dir {
                d = d.set_directory(dir);
            }
            let path = match pick {
                Pick::Open => d
                    .add_filter("Transcripts", &["txt", "json", "docx", "srt", "vtt", "md", "html", "htm"])
                    .add_filter("All files", &["*"])
                    .pick_file(),
                Pick::SaveAs => {
                    if let Some(p) = &default {
                        if let Some(dir) = p.parent() {
                            d = d.set_directory(dir);
                        }
                        if let Some(n) = p.file_name() {
                            d = d.set_file_name(n.to_string_lossy());
                        }
                    }
                    d.add_filter("Turnfix JSON", &["json"]).save_file()
                }
                Pick::Audio => d
                    .add_filter("Audio", &["mp3", "m4a", "wav", "ogg", "flac", "aac", "mp4", "oga", "opus"])
                    .add_filter("All files", &["*"])
                    .pick_file(),
                Pick::Export(fmt) => {
                    if let Some(p) = &default {
                        if let Some(dir) = p.parent().filter(|d| d.is_dir()) {
                            d = d.set_directory(dir);
                        }
                        if let Some(n) = p.file_name() {
                            d = d.set_file_name(n.to_string_lossy());
                        }
                    }
                    d.add_filter(fmt.name(), &[fmt.extension()]).save_file()
                }
            };
            let _ = tx.send(Job::Picked { pick, path });
            ctx.request_repaint();
        });
    }

    /// Handle finished worker jobs (called every frame).
    pub(crate) fn poll_jobs(&mut self) {
        while let Ok(job) = self.jobs_rx.try_recv() {
            self.finish_job(job);
        }
    }

    /// Block until every started open/save job has finished, handling their results (tests).
    pub fn wait_for_jobs(&mut self) {
        while self.jobs_pending > 0 {
            match self.jobs_rx.recv_timeout(Duration::from_secs(30)) {
                Ok(job) => self.finish_job(job),
                Err(_) => break,
            }
        }
    }

    fn finish_job(&mut self, job: Job) {
        self.jobs_pending = self.jobs_pending.saturating_sub(1);
        self.busy = None;
        match job {
            Job::Opened { path, audio, result } => match result {
                Ok(import) => self.install(path, *import, audio),
                Err(e) => {
                    self.recent.remove(&path);
                    self.modal = Some(Modal::Message(format!("Could not open the file.\n\n{e}")));
                }
            },
            Job::Saved { path, revision, result, then } => match result {
                Ok(()) => {
                    self.history.mark_saved_revision(revision);
                    if let Some(f) = &mut self.file {
                        f.save_path = Some(path.clone());
                    }
                    self.recent.push(&path);
                    self.status = Some(format!("Saved {}", path.display()));
                    if let Some(p) = then {
                        self.run_pending(p);
                    }
                }
                Err(e) => self.modal = Some(Modal::Message(format!("The file was not saved.\n\n{e}"))),
            },
            Job::Picked { pick, path } => {
                let Some(path) = path else { return };
                match pick {
                    Pick::Open => self.open(path),
                    Pick::SaveAs => self.save_to(path, None),
                    Pick::Audio => self.load_audio(path),
                    Pick::Export(_) => {
                        if let Some(d) = &mut self.export {
                            d.path = path.display().to_string();
                            // The native dialog already asked about replacing the file.
                            d.confirm_overwrite = false;
                        }
                    }
                }
            }
            Job::Exported { path, result } => self.finish_export(path, result),
        }
    }

    /// Do what was waiting on the unsaved-changes prompt.
    fn run_pending(&mut self, p: Pending) {
        match p {
            Pending::Open(path) => self.start_open(path),
            Pending::OpenDialog => self.pick(Pick::Open, None),
            Pending::Close => self.do_close(),
            Pending::Quit => {
                self.allow_close = true;
                self.ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// The unsaved-changes prompt's answers.
    pub(crate) fn answer_unsaved(&mut self, answer: UnsavedAnswer) {
        let Some(Modal::Unsaved(p)) = self.modal.take() else { return };
        match answer {
            UnsavedAnswer::Save => self.save_then(Some(p)),
            UnsavedAnswer::Discard => {
                // The document is dropped: mark it clean so nothing asks again.
                self.history.mark_saved();
                self.run_pending(p);
            }
            UnsavedAnswer::Cancel => {}
        }
    }

    /// Dropped files: audio is used as the recording, anything else is opened.
    pub(crate) fn dropped(&mut self, paths: Vec<PathBuf>) {
        for p in paths {
            let ext = p.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
            if ["mp3", "m4a", "wav", "ogg", "flac", "aac", "mp4", "oga", "opus"].contains(&ext.as_str()) {
                if self.file.is_some() {
                    self.load_audio(p);
                }
            } else {
                self.open(p);
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Editing
    // -----------------------------------------------------------------------------------------

    /// Apply an edit through the history; a refused edit is reported in the status line.
    pub(crate) fn apply(&mut self, edit: Edit) -> bool {
        let focus = edit.focus_turn();
        match self.history.apply(&mut self.doc, edit) {
            Ok(()) => {
                self.shape_gen += 1;
                if let Some(t) = focus
                    && self.list.current.is_none()
                {
                    self.list.current = Some(t);
                }
                true
            }
            Err(e) => {
                self.status = Some(format!("Not done: {e}"));
                false
            }
        }
    }

    fn apply_result(&mut self, r: Result<Edit, edit::EditError>) -> bool {
        match r {
            Ok(e) => self.apply(e),
            Err(e) => {
                self.status = Some(format!("Not done: {e}"));
                false
            }
        }
    }

    /// Text typed into a turn (coalesces into one undo step per turn).
    pub(crate) fn typed(&mut self, turn: TurnId, text: String) {
        if self.options.pause_while_typing && self.player_state.playing {
            self.player.pause();
        }
        let before = self.history.revision();
        if self.history.apply_typing(&mut self.doc, turn, text).is_ok() {
            let after = self.history.revision();
            self.list.text_changed(&self.doc, turn, before, after);
            if let Some(i) = self.doc.turn_index(turn) {
                self.find.text_changed(&self.doc, i, before, after);
            }
        }
        // Typing pauses follow mode until the user resumes it.
        if self.player_state.playing {
            self.follow_paused = true;
        }
    }

    /// Reassign the speaker of `turn` with a scope.
    pub fn set_speaker(&mut self, turn: TurnId, scope: Scope, to: SpeakerId) -> bool {
        self.history.seal();
        let r = edit::set_speaker(&self.doc, turn, scope, to);
        self.apply_result(r)
    }

    /// Put the keyboard focus (and optionally the text cursor, in chars) on a turn, scrolling
    /// it into view.
    pub fn focus_turn(&mut self, turn: TurnId, cursor: Option<usize>) {
        self.list.request_focus(turn, cursor.map(|c| c..c));
        if let Some(i) = self.doc.turn_index(turn) {
            self.list.scroll_to_index(i);
        }
    }

    /// Scroll so that turn `index` is at the top of the list (benchmarks, go to).
    pub fn scroll_to_index(&mut self, index: usize) {
        self.list.scroll_to_index(index);
    }

    fn undo(&mut self) {
        if let Some(e) = self.history.undo(&mut self.doc) {
            self.after_undo_redo(e);
        }
    }

    fn redo(&mut self) {
        if let Some(e) = self.history.redo(&mut self.doc) {
            self.after_undo_redo(e);
        }
    }

    fn after_undo_redo(&mut self, e: Edit) {
        self.shape_gen += 1;
        if let Some(t) = e.focus_turn()
            && let Some(i) = self.doc.turn_index(t)
        {
            self.list.scroll_into_view(i);
            self.list.current = Some(t);
        }
    }

    fn split_current(&mut self) {
        let Some(t) = self.current_turn() else { return };
        let text = &self.doc.turn(t).expect("current turn exists").text;
        let chars = self.list.cursor_of(t).unwrap_or(text.chars().count());
        let byte = text.char_indices().nth(chars).map_or(text.len(), |(b, _)| b);
        self.history.seal();
        let r = edit::split_turn(&self.doc, t, byte);
        if self.apply_result(r)
            && let Some(i) = self.doc.turn_index(t)
            && let Some(next) = self.doc.turns.get(i + 1)
        {
            let id = next.id;
            self.focus_turn(id, Some(0));
        }
    }

    fn merge_current(&mut self, with_previous: bool) {
        let Some(t) = self.current_turn() else { return };
        let i = self.doc.turn_index(t).expect("current turn exists");
        let (first, cursor) = if with_previous {
            let Some(p) = i.checked_sub(1) else {
                self.status = Some("Not done: there is no previous turn".into());
                return;
            };
            let prev = &self.doc.turns[p];
            (prev.id, prev.text.trim_end().chars().count() + 1)
        } else {
            (t, self.doc.turns[i].text.trim_end().chars().count() + 1)
        };
        self.history.seal();
        let r = edit::merge_with_next(&self.doc, first);
        if self.apply_result(r) {
            let len = self.doc.turn(first).map_or(0, |t| t.text.chars().count());
            self.focus_turn(first, Some(cursor.min(len)));
        }
    }

    fn insert_after_current(&mut self) {
        let (after, speaker, start) = match self.current_turn().and_then(|t| self.doc.turn_index(t)) {
            Some(i) => {
                let t = &self.doc.turns[i];
                let start =
                    self.doc.turns.get(i + 1).map_or(self.doc.effective_end(i), |n| (t.start_ms + n.start_ms) / 2);
                (Some(i), t.speaker, start.max(t.start_ms))
            }
            None => match self.doc.speakers.first() {
                Some(s) => (self.doc.turns.len().checked_sub(1), s.id, self.doc.turns.last().map_or(0, |t| t.start_ms)),
                None => {
                    self.status = Some("Not done: add a speaker first".into());
                    return;
                }
            },
        };
        self.history.seal();
        match edit::insert_turn(&self.doc, after, speaker, start, "") {
            Ok((e, id)) => {
                if self.apply(e) {
                    self.focus_turn(id, Some(0));
                }
            }
            Err(e) => self.status = Some(format!("Not done: {e}")),
        }
    }

    fn delete_current(&mut self) {
        let Some(t) = self.current_turn() else { return };
        let i = self.doc.turn_index(t).expect("current turn exists");
        self.history.seal();
        if self.apply(Edit::DeleteTurn { turn: t }) {
            let next = self.doc.turns.get(i).or(self.doc.turns.last()).map(|t| t.id);
            self.list.current = next;
            if let Some(n) = next {
                self.focus_turn(n, None);
            }
        }
    }

    /// Validate and apply a start time typed for a turn; Err is the message to show.
    pub(crate) fn retime(&mut self, turn: TurnId, text: &str) -> Result<(), String> {
        let ms =
            parse_clock(text).ok_or_else(|| format!("“{text}” is not a time; write it like 1:02:03 or 4:05.250"))?;
        let end = self.doc.turn(turn).ok_or("the turn is gone")?.end_ms.filter(|e| *e >= ms);
        match edit::retime(&self.doc, turn, ms, end) {
            Ok(e) => {
                self.history.seal();
                self.apply(e);
                Ok(())
            }
            Err(edit::EditError::OutOfOrder { min, max, .. }) => Err(if max == Ms::MAX {
                format!("The start must be at or after {} (the previous turn's start).", format_otter_time(min))
            } else {
                format!(
                    "The start must lie between {} and {} (the neighbouring turns' starts).",
                    format_otter_time(min),
                    format_otter_time(max)
                )
            }),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Jump to a time (`1:02:03`) or a turn number (`12` or `#12`); Err is the message to show.
    pub(crate) fn go_to(&mut self, text: &str) -> Result<(), String> {
        let t = text.trim();
        let index = if let Some(n) = t.strip_prefix('#').or((!t.contains([':', '.', ','])).then_some(t)) {
            let n: usize = n.trim().parse().map_err(|_| format!("“{t}” is neither a time nor a turn number"))?;
            if n == 0 || n > self.doc.turns.len() {
                return Err(format!("There are turns 1 to {}.", self.doc.turns.len()));
            }
            n - 1
        } else {
            let ms = parse_clock(t).ok_or_else(|| format!("“{t}” is neither a time nor a turn number"))?;
            if self.player_state.status == LoadStatus::Ready {
                self.player.seek(ms);
            }
            self.doc.turn_at(ms).unwrap_or(0)
        };
        if let Some(turn) = self.doc.turns.get(index) {
            let id = turn.id;
            self.focus_turn(id, None);
        }
        Ok(())
    }

    fn step_turn(&mut self, delta: isize) {
        let n = self.doc.turns.len();
        if n == 0 {
            return;
        }
        let i = self
            .current_turn()
            .and_then(|t| self.doc.turn_index(t))
            .map_or(0, |i| (i as isize + delta).clamp(0, n as isize - 1) as usize);
        let id = self.doc.turns[i].id;
        self.focus_turn(id, None);
    }

    /// Select the current find match in its turn.
    pub(crate) fn find_step(&mut self, forward: bool) {
        self.find.open = true;
        self.find.refresh(&self.doc, self.history.revision());
        let from = self.current_turn().and_then(|t| self.doc.turn_index(t));
        if let Some(m) = self.find.step(forward, from) {
            let text = &self.doc.turns[m.index].text;
            let a = text[..m.range.start].chars().count();
            let b = a + text[m.range.clone()].chars().count();
            self.list.request_focus(m.turn, Some(a..b));
            self.list.scroll_into_view(m.index);
        }
    }

    pub(crate) fn replace_current(&mut self) {
        self.find.refresh(&self.doc, self.history.revision());
        let cur = self.find.current.and_then(|c| self.find.matches().get(c).cloned());
        let Some(m) = cur.or_else(|| self.find.matches().first().cloned()) else { return };
        let Some(re) = self.find.regex().cloned() else { return };
        if let Some(e) = self.find.query.replace_one(&re, &self.doc, &m, &self.find.replace.clone()) {
            self.history.seal();
            self.apply(e);
            // Go on from the replaced match.
            self.find.current = None;
            self.list.current = Some(m.turn);
            self.find_step(true);
        }
    }

    pub(crate) fn replace_all(&mut self) {
        self.find.refresh(&self.doc, self.history.revision());
        let Some(re) = self.find.regex().cloned() else { return };
        match self.find.query.replace_all(&re, &self.doc, &self.find.replace.clone()) {
            Some((e, n)) => {
                self.history.seal();
                if self.apply(e) {
                    self.status = Some(format!("Replaced {n} match(es) — one undo step"));
                }
            }
            None => self.status = Some("Nothing to replace".into()),
        }
        self.find.current = None;
    }

    // -----------------------------------------------------------------------------------------
    // Playback
    // -----------------------------------------------------------------------------------------

    pub(crate) fn audio_ready(&self) -> bool {
        self.player_state.status == LoadStatus::Ready
    }

    pub(crate) fn seek(&mut self, ms: Ms) {
        if self.audio_ready() {
            self.player.seek(ms);
            self.follow_paused = false;
        }
    }

    pub(crate) fn play_pause(&mut self) {
        if !self.audio_ready() {
            return;
        }
        if self.player_state.playing {
            self.player.pause();
        } else {
            let back = self.player_state.position_ms.saturating_sub(self.options.rewind_on_resume_ms);
            self.player.seek(back);
            self.player.play();
            self.follow_paused = false;
        }
    }

    /// Start and end of a turn for playing it.
    fn turn_span(&self, turn: TurnId) -> Option<(Ms, Ms)> {
        let i = self.doc.turn_index(turn)?;
        let start = self.doc.turns[i].start_ms;
        let mut end = self.doc.effective_end(i);
        if end <= start {
            end = self.player_state.duration_ms.unwrap_or(start + 10_000).max(start + 1);
        }
        Some((start, end))
    }

    pub(crate) fn play_turn(&mut self, turn: TurnId) {
        if let Some((a, b)) = self.turn_span(turn)
            && self.audio_ready()
        {
            self.player.set_loop(None);
            self.looping = None;
            self.player.play_range(a, b);
        }
    }

    pub(crate) fn loop_turn(&mut self, turn: TurnId) {
        if !self.audio_ready() {
            return;
        }
        if self.looping == Some(turn) {
            self.looping = None;
            self.player.set_loop(None);
            return;
        }
        if let Some((a, b)) = self.turn_span(turn) {
            self.looping = Some(turn);
            self.player.set_loop(Some((a, b)));
            self.player.seek(a);
            self.player.play();
        }
    }

    // -----------------------------------------------------------------------------------------
    // Commands
    // -----------------------------------------------------------------------------------------

    /// Whether a command can run now (menus grey out the others).
    pub fn can_run(&self, c: Command) -> bool {
        let has_doc = self.file.is_some();
        let has_turn = self.current_turn().is_some();
        let audio = self.audio_ready();
        match c {
            Command::Open | Command::Quit | Command::Help | Command::ToggleSpeakers => true,
            Command::Export | Command::CorrectionsReport => has_doc,
            Command::Settings => true,
            Command::Save | Command::SaveAs | Command::Close | Command::LocateAudio | Command::Find | Command::GoTo => {
                has_doc
            }
            Command::FindNext | Command::FindPrevious => has_doc && !self.find.query.text.is_empty(),
            Command::Undo => self.history.can_undo(),
            Command::Redo => self.history.can_redo(),
            Command::NextTurn | Command::PreviousTurn => !self.doc.turns.is_empty(),
            Command::InsertTurn => has_doc && !self.doc.speakers.is_empty(),
            Command::SplitTurn
            | Command::MergeWithNext
            | Command::MergeWithPrevious
            | Command::DeleteTurn
            | Command::EditStartTime => has_turn,
            Command::SetSpeaker(n) => has_turn && (n as usize) <= self.doc.speakers.len(),
            Command::PlayPause
            | Command::SkipBack
            | Command::SkipForward
            | Command::Slower
            | Command::Faster
            | Command::VolumeDown
            | Command::VolumeUp => audio,
            Command::PlayTurn | Command::LoopTurn | Command::SeekToTurn => audio && has_turn,
            Command::FollowPlayback | Command::WaveZoomIn | Command::WaveZoomOut => true,
        }
    }

    /// Run a command (from a menu, a shortcut or a test).
    pub fn run(&mut self, c: Command) {
        if !self.can_run(c) {
            return;
        }
        match c {
            Command::Open => {
                if self.history.is_dirty() && self.file.is_some() {
                    self.modal = Some(Modal::Unsaved(Pending::OpenDialog));
                } else {
                    self.pick(Pick::Open, None);
                }
            }
            Command::Save => self.save(),
            Command::SaveAs => self.save_as(),
            Command::Close => self.close(),
            Command::LocateAudio => self.pick(Pick::Audio, None),
            Command::Export => self.open_export(None),
            Command::CorrectionsReport => self.open_export(Some(crate::export::ExportFormat::ReportMarkdown)),
            Command::Settings => self.show_settings = !self.show_settings,
            Command::Quit => self.ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::Undo => self.undo(),
            Command::Redo => self.redo(),
            Command::Find => {
                self.find.open = true;
                self.find.focus_field = true;
            }
            Command::FindNext => self.find_step(true),
            Command::FindPrevious => self.find_step(false),
            Command::GoTo => self.modal = Some(Modal::GoTo { text: String::new(), error: None }),
            Command::NextTurn => self.step_turn(1),
            Command::PreviousTurn => self.step_turn(-1),
            Command::SplitTurn => self.split_current(),
            Command::MergeWithPrevious => self.merge_current(true),
            Command::MergeWithNext => self.merge_current(false),
            Command::InsertTurn => self.insert_after_current(),
            Command::DeleteTurn => self.delete_current(),
            Command::EditStartTime => {
                if let Some(t) = self.current_turn() {
                    let ms = self.doc.turn(t).expect("exists").start_ms;
                    let mut text = format_otter_time(ms);
                    if !ms.is_multiple_of(1000) {
                        text.push_str(&format!(".{:03}", ms % 1000));
                    }
                    self.modal = Some(Modal::Retime { turn: t, text, error: None });
                }
            }
            Command::SetSpeaker(n) => {
                if let (Some(t), Some(s)) = (self.current_turn(), self.doc.speakers.get(n as usize - 1)) {
                    let s = s.id;
                    self.set_speaker(t, Scope::Turn, s);
                }
            }
            Command::PlayPause => self.play_pause(),
            Command::SkipBack => self.player.skip(-(self.options.skip_ms as i64)),
            Command::SkipForward => self.player.skip(self.options.skip_ms as i64),
            Command::Slower => self.player.set_speed(((self.player_state.speed - 0.1) * 10.0).round() / 10.0),
            Command::Faster => self.player.set_speed(((self.player_state.speed + 0.1) * 10.0).round() / 10.0),
            Command::VolumeDown => self.player.set_volume((self.player_state.volume - 0.1).max(0.0)),
            Command::VolumeUp => self.player.set_volume((self.player_state.volume + 0.1).min(1.0)),
            Command::PlayTurn => {
                if let Some(t) = self.current_turn() {
                    self.play_turn(t);
                }
            }
            Command::LoopTurn => {
                if let Some(t) = self.current_turn() {
                    self.loop_turn(t);
                }
            }
            Command::SeekToTurn => {
                if let Some(t) = self.current_turn() {
                    let ms = self.doc.turn(t).expect("exists").start_ms;
                    self.seek(ms);
                }
            }
            Command::FollowPlayback => {
                if self.follow && self.follow_paused {
                    self.follow_paused = false;
                } else {
                    self.follow = !self.follow;
                    self.follow_paused = false;
                }
            }
            Command::WaveZoomIn => self.wave_zoom = (self.wave_zoom * 2.0).min(256.0),
            Command::WaveZoomOut => self.wave_zoom = (self.wave_zoom / 2.0).max(1.0),
            Command::ToggleSpeakers => self.show_speakers = !self.show_speakers,
            Command::Help => self.modal = if self.modal == Some(Modal::Help) { None } else { Some(Modal::Help) },
        }
    }

    /// Read shortcuts before any widget sees the keys (so Ctrl+Z reaches our history, not the
    /// text field's own undo).
    fn handle_shortcuts(&mut self, ctx: &egui::Context) {
        if let Some(m) = &self.modal {
            // Inside a dialog only Escape (cancel) and F1 (help off) are ours.
            let esc = ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape));
            let f1 = ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::F1));
            if esc || (f1 && *m == Modal::Help) {
                match m {
                    Modal::Unsaved(_) => self.answer_unsaved(UnsavedAnswer::Cancel),
                    Modal::Export => {
                        self.modal = None;
                        self.export = None;
                    }
                    _ => self.modal = None,
                }
            }
            return;
        }
        let popup_open = egui::Popup::is_any_open(ctx);
        let mut fired = Vec::new();
        ctx.input_mut(|i| {
            for (s, c) in commands::shortcuts_by_specificity() {
                if popup_open && s.logical_key == egui::Key::Escape {
                    continue;
                }
                while i.consume_shortcut(s) {
                    fired.push(*c);
                }
            }
        });
        for c in fired {
            self.run(c);
        }
    }

    /// The whole UI, for one frame. eframe's `App::ui` calls this; tests and benches call it
    /// directly with their own context.
    pub fn ui_root(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if self.ctx != ctx {
            self.ctx = ctx.clone();
            if let Ok(mut t) = self.repaint_target.lock() {
                *t = ctx.clone();
            }
        }
        self.poll_jobs();
        self.player_state = self.player.state();

        // Closing the window with unsaved changes asks first.
        if ctx.input(|i| i.viewport().close_requested())
            && !self.allow_close
            && self.history.is_dirty()
            && self.file.is_some()
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.modal = Some(Modal::Unsaved(Pending::Quit));
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).filter(|p| !p.as_os_str().is_empty()).collect()
        });
        if !dropped.is_empty() {
            self.dropped(dropped);
        }

        self.handle_shortcuts(&ctx);
        crate::ui::show(self, ui);

        let title = self.title();
        if title != self.last_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.last_title = title;
        }
        // Repaint continuously only while playing; idle costs nothing.
        if self.player_state.playing || self.player_state.status == LoadStatus::Loading {
            ctx.request_repaint_after(Duration::from_millis(33));
        }
        if self.jobs_pending > 0 {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }
}

/// Answers to "Save changes?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnsavedAnswer {
    Save,
    Discard,
    Cancel,
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.ui_root(ui);
    }
}
