//! Several audio or video files beside a transcript: the open task ranks them
//! (`session::recording::discover`, by name and duration), and the editor asks which is the
//! recording, proposing the best.

use super::App;
use crate::formats::Import;
use crate::session::recording::{Discovery, discover};
use crate::ui::{Level, Modal, RecordingOption};
use std::path::{Path, PathBuf};

/// The ranked candidates when the choice is the user's: no recording given or linked, and
/// several beside the transcript. Reads their lengths, so it runs on the open task.
pub(crate) fn candidates(path: &Path, import: &Import, audio: Option<&PathBuf>) -> Vec<RecordingOption> {
    let linked = import.doc.audio.as_ref().map(|l| crate::session::resolve_audio(path, l));
    if audio.is_some() || linked.is_some_and(|p| p.is_file()) {
        return Vec::new();
    }
    let last = import.doc.turns.last().map(|t| t.start_ms).filter(|&ms| ms > 0);
    match discover(path, last, crate::audio::decode::quick_duration_ms) {
        Discovery::Several(c) => c
            .into_iter()
            .map(|c| {
                let name = c.path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                let length = c.duration_ms.map(|d| format!(" ({})", crate::model::format_otter_time(d)));
                RecordingOption { label: format!("{name}{}", length.unwrap_or_default()), path: c.path }
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl App {
    /// Ask which recording to use, proposing the best (unless another prompt is up).
    pub(crate) fn ask_recording(&mut self, options: Vec<RecordingOption>) {
        if options.len() > 1 && self.view.modal.is_none() {
            self.view.modal = Some(Modal::ChooseRecording { options, chosen: 0 });
        }
    }

    /// The user's answer: this recording, or none.
    pub(crate) fn use_recording(&mut self, path: Option<PathBuf>) {
        self.view.modal = None;
        if let Some(p) = path {
            let name = p.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            self.load_audio(p);
            self.notify(Level::Info, format!("Using the recording {name}"));
        }
    }
}
