//! What the UI asks of the app. Panels push [`Command`]s while they draw; the app runs them
//! once per frame, after drawing (`app::dispatch`). A command carries what it needs: the UI
//! decides *what* was asked for (which turns, which speaker, which time), the app decides
//! whether and how it is done.

use super::commands::Action;
use crate::edit::Edit;
use crate::export::{ExportFormat, ExportOptions};
use crate::model::{Ms, SpeakerId, TurnId};
use crate::session::config::Settings;
use std::path::PathBuf;

/// One request from the UI.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// A row of the command table (menu, shortcut or button), for the current turn.
    Run(Action),
    /// A row of the command table for this turn (a row's own menu): it becomes the current one.
    RunOn {
        turn: TurnId,
        action: Action,
    },
    /// Open this transcript (asks about unsaved changes first).
    Open(PathBuf),
    /// Files dropped on the window: recordings are used, transcripts opened.
    Dropped(Vec<PathBuf>),
    /// Answer the unsaved-changes prompt.
    AnswerUnsaved(UnsavedAnswer),
    /// Answer the recovery prompt.
    AnswerRecovery(super::RecoveryAnswer),
    /// Apply a primitive edit (a colour, removing a speaker).
    Apply(Edit),
    /// Text typed into a turn (coalesces into one undo step per turn).
    Typed {
        turn: TurnId,
        text: String,
    },
    /// Give these turns this speaker.
    SetSpeaker {
        turns: Vec<TurnId>,
        to: SpeakerId,
    },
    RenameSpeaker {
        speaker: SpeakerId,
        name: String,
    },
    MergeSpeakers {
        from: SpeakerId,
        into: SpeakerId,
    },
    AddSpeaker(String),
    /// Set a turn's start time from what was typed in the Retime prompt.
    Retime {
        turn: TurnId,
        text: String,
    },
    /// Go to a time or turn number typed in the Go To prompt.
    GoTo(String),
    /// Select the next (or previous) find match.
    FindStep {
        forward: bool,
    },
    ReplaceCurrent,
    ReplaceAll,
    Seek(Ms),
    SetSpeed(f32),
    SetVolume(f32),
    PlayTurn(TurnId),
    LoopTurn(TurnId),
    /// Use and remember these playback settings.
    SetSettings(Settings),
    /// Forget that the recording is missing (the banner's Hide).
    HideAudioMissing,
    /// The answer to "which file is the recording?" (None: no recording).
    UseRecording(Option<PathBuf>),
    /// The export dialog's format changed (its proposed path follows).
    SetExportFormat(ExportFormat),
    /// Choose the export path with the native dialog.
    BrowseExport,
    /// Write the export; `replace` once the user agreed to replace an existing file.
    Export {
        format: ExportFormat,
        options: ExportOptions,
        path: PathBuf,
        replace: bool,
    },
    /// Stop a background task that can be stopped (by its id).
    CancelTask(u64),
    /// A path typed in the in-window path field (no native dialog service), for `what`.
    PathTyped {
        what: super::path_field::PathFor,
        text: String,
    },
    /// Answer the "overwrite the file?" prompt of a save.
    AnswerConflict(super::asks::ConflictAnswer),
    /// Open (true) or not the recording outside the transcript's folder.
    AnswerOutsideAudio(bool),
    /// Apply (true) or not the name-spelling fix being previewed.
    AnswerSpelling(bool),
    /// Do something with one of the assistant's findings (the issues panel).
    Finding {
        turn: TurnId,
        kind: crate::assist::Kind,
        act: super::issues::FindingAct,
    },
}

/// Answers to "Save changes?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnsavedAnswer {
    Save,
    Discard,
    Cancel,
}

/// The commands pushed during one frame, in order.
#[derive(Debug, Default)]
pub struct Commands(Vec<Command>);

impl Commands {
    pub fn push(&mut self, c: Command) {
        self.0.push(c);
    }

    pub fn run(&mut self, a: Action) {
        self.0.push(Command::Run(a));
    }

    /// Everything pushed so far, emptying the queue.
    #[must_use]
    pub fn take(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.0)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
