//! What the UI draws from, read-only: the document, the player's snapshot, the settings, the
//! running tasks and the notifications. The app builds one [`Inputs`] per frame.

use super::commands::Action;
use super::view::ViewState;
use crate::audio::{LoadStatus, Peaks, PlayerState};
use crate::model::{Transcript, TurnId};
use crate::session::config::Settings;
use std::path::PathBuf;
use std::sync::Arc;

/// How much a notification matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// One message for the user: shown in the status bar, kept in the notification history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    pub level: Level,
    pub text: String,
}

/// A background task, as the UI shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskInfo {
    pub id: u64,
    /// Shown while it runs ("Opening talk.txt…").
    pub name: String,
    pub cancellable: bool,
    /// How far it is, percent, when the work reports it.
    pub progress: Option<u8>,
}

/// The read-only inputs of one frame.
pub struct Inputs<'a> {
    pub doc: &'a Transcript,
    /// The document's revision (caches key on it).
    pub revision: u64,
    /// A transcript is open.
    pub has_file: bool,
    pub dirty: bool,
    pub can_undo: bool,
    pub can_redo: bool,
    pub player: &'a PlayerState,
    pub peaks: Option<Arc<Peaks>>,
    /// How far the waveform overview has been built (1.0: done).
    pub peaks_progress: f32,
    /// The turn being looped.
    pub looping: Option<TurnId>,
    /// Why the recording is missing, when it is.
    pub audio_missing: Option<&'a str>,
    pub settings: &'a Settings,
    pub recent: &'a [PathBuf],
    pub tasks: &'a [TaskInfo],
    /// Every notification so far, oldest first.
    pub notifications: &'a [Notification],
    /// Native file dialogs are available (the export dialog's Browse).
    pub native_dialogs: bool,
    /// What is being heard, for Follow (when the recording is ready).
    pub spoken: Option<Spoken>,
    /// The recording's speech analysis is done (Snap times to speech, captions on the speech).
    pub speech_ready: bool,
    /// The correction assistant's findings, best first, and whether they lag the document.
    pub assist: super::issues::AssistInputs<'a>,
    /// The open file's reading warnings, and its name.
    pub warnings: &'a [crate::formats::Warning],
    pub file_name: String,
}

/// The part of the document being heard: turn `index`, at its character `char` (a `fraction`
/// of its text), placed by the turn's speech segments or, without them, by the word estimate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spoken {
    pub index: usize,
    pub char: usize,
    pub fraction: f32,
}

impl Inputs<'_> {
    pub fn audio_ready(&self) -> bool {
        self.player.status == LoadStatus::Ready
    }

    /// The turn being heard, when the recording is ready.
    pub fn playing_index(&self) -> Option<usize> {
        if self.audio_ready() { self.doc.turn_at(self.player.position_ms) } else { None }
    }

    /// Whether an action can run now (menus grey out the others; the app refuses them).
    pub fn enabled(&self, view: &ViewState, a: Action) -> bool {
        let has_doc = self.has_file;
        let has_turn = view.current_turn(self.doc).is_some();
        let audio = self.audio_ready();
        match a {
            Action::Open | Action::Quit | Action::Help | Action::ToggleSpeakers | Action::Settings => true,
            Action::Export | Action::CorrectionsReport => has_doc,
            Action::Save | Action::SaveAs | Action::Close | Action::LocateAudio | Action::Find | Action::GoTo => {
                has_doc
            }
            Action::FindNext | Action::FindPrevious => has_doc && !view.find.query.text.is_empty(),
            Action::Undo => self.can_undo,
            Action::Redo => self.can_redo,
            Action::NextTurn | Action::PreviousTurn => !self.doc.turns.is_empty(),
            Action::InsertTurn => has_doc && !self.doc.speakers.is_empty(),
            Action::SplitTurn
            | Action::MergeWithNext
            | Action::MergeWithPrevious
            | Action::DeleteTurn
            | Action::EditStartTime => has_turn,
            Action::SnapToSpeech => has_doc && self.speech_ready,
            Action::SetSpeaker(n) => has_turn && (n as usize) <= self.doc.speakers.len(),
            Action::PlayPause
            | Action::SkipBack
            | Action::SkipForward
            | Action::Slower
            | Action::Faster
            | Action::VolumeDown
            | Action::VolumeUp => audio,
            Action::PlayTurn | Action::LoopTurn | Action::SeekToTurn => audio && has_turn,
            Action::FollowPlayback | Action::WaveZoomIn | Action::WaveZoomOut => true,
            Action::ToggleIssues => true,
            Action::NextFinding | Action::PreviousFinding => has_doc,
            Action::QuickFix | Action::NotAProblem => has_doc && !self.assist.findings.is_empty(),
            Action::ToggleReviewed => has_turn,
            Action::NextUnreviewed => has_doc && !self.doc.turns.is_empty(),
            Action::RematchVoices => has_doc && self.speech_ready,
        }
    }
}
