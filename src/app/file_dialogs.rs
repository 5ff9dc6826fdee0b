//! File dialogs: whether a native one can open (detected on the dialog task), the native
//! dialog itself (rfd, on a task: it blocks until the user answers), and what a chosen path
//! is used for. With no dialog service the path is asked in the window (`app/asks.rs`).

use super::App;
use super::dialog_service::{self, DialogEnv, DialogService};
use super::tasks::{Done, Pick, TaskKind};
use crate::audio::extensions::AUDIO_EXTENSIONS;
use std::path::{Path, PathBuf};

impl App {
    /// Show a native file dialog on a task (headless: nothing). Whether one can open is
    /// detected first, on the task; when none can, the path is asked in the window.
    pub(crate) fn pick(&mut self, pick: Pick, default: Option<PathBuf>) {
        if !self.options.native_dialogs {
            return;
        }
        if let Some(DialogService::Missing(why)) = &self.asks.fixed {
            let why = why.clone();
            self.ask_path(pick, default, why);
            return;
        }
        let fixed = self.asks.fixed.is_some();
        let dir = self.file.as_ref().and_then(|f| f.path.parent().map(Path::to_path_buf));
        self.tasks.spawn(&self.ctx, TaskKind::Dialog, "Choosing a file…".into(), false, move |_| {
            if !fixed && let DialogService::Missing(why) = dialog_service::detect(&DialogEnv::from_process()) {
                return Done::NoDialog { pick, why };
            }
            let path = show_dialog(&pick, dir, default);
            Done::Picked { pick, path }
        });
    }

    /// Handle the tasks that finished (every frame).
    /// A path chosen for `pick` (by a native dialog, or typed in the window); `confirmed` when a
    /// dialog already asked about replacing a file.
    pub(super) fn picked(&mut self, pick: Pick, path: PathBuf, confirmed: bool) {
        match pick {
            Pick::Open => self.open(path),
            Pick::SaveAs(then) => self.save_checked_to(path, then, confirmed),
            Pick::Audio => self.load_audio(path),
            Pick::Export(_) => {
                if let Some(d) = &mut self.view.export {
                    d.path = path.display().to_string();
                    d.confirm_overwrite = false;
                }
            }
        }
    }
}

/// The native dialog for `pick` (runs on a task: it blocks until the user answers).
fn show_dialog(pick: &Pick, dir: Option<PathBuf>, default: Option<PathBuf>) -> Option<PathBuf> {
    let mut d = rfd::FileDialog::new();
    if let Some(dir) = &dir {
        d = d.set_directory(dir);
    }
    let suggest = |mut d: rfd::FileDialog| {
        if let Some(p) = &default {
            if let Some(dir) = p.parent().filter(|d| d.is_dir()) {
                d = d.set_directory(dir);
            }
            if let Some(n) = p.file_name() {
                d = d.set_file_name(n.to_string_lossy());
            }
        }
        d
    };
    match pick {
        Pick::Open => d
            .add_filter("Transcripts", &["txt", "json", "docx", "srt", "vtt", "md", "html", "htm"])
            .add_filter("All files", &["*"])
            .pick_file(),
        Pick::SaveAs(_) => suggest(d).add_filter("Turnfix JSON", &["json"]).save_file(),
        Pick::Audio => d.add_filter("Recordings", AUDIO_EXTENSIONS).add_filter("All files", &["*"]).pick_file(),
        Pick::Export(fmt) => suggest(d).add_filter(fmt.name(), &[fmt.extension()]).save_file(),
    }
}
