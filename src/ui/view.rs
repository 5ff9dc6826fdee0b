//! The UI's own state, apart from the document: where the list is scrolled and focused, the
//! find bar, the waveform's zoom, the chip menu's scope, name buffers, which dialogs are open,
//! and the caches built on the document (which follow [`ViewState::follow`]).

use super::find::FindState;
use super::list::ListState;
use super::wave::WaveCache;
use crate::edit::{Change, Scope};
use crate::export::{ExportFormat, ExportOptions};
use crate::model::{Ms, SpeakerId, Transcript, TurnId};
use std::collections::HashMap;
use std::path::PathBuf;

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
    /// The export dialog (its state is [`ViewState::export`]).
    Export,
    /// Autosaved edits to recover, keep for later or discard.
    Recover(super::RecoveryOffer),
    /// No native file dialog can open: the path is typed in the window.
    PathField(super::path_field::PathPrompt),
    /// A save stopped before overwriting a file: Overwrite / Save As… / Cancel.
    SaveConflict(super::asks::SaveConflict),
    /// The transcript links to a recording outside its folder: Open / Don't open.
    OutsideAudio(PathBuf),
    /// A name respelled everywhere: the replacements, and Replace all.
    Spelling(super::spelling_preview::SpellingPreview),
    /// Snap times to speech: what moves, and Apply.
    Snap(super::snap::SnapOffer),
    /// Re-match unreviewed turns by voice: what changes, and Apply.
    Rematch(super::rematch::RematchOffer),
    /// Several audio or video files beside the transcript: which is the recording?
    ChooseRecording {
        options: Vec<super::RecordingOption>,
        chosen: usize,
    },
}

/// The open export dialog.
#[derive(Clone, Debug)]
pub struct ExportDialog {
    pub format: ExportFormat,
    pub options: ExportOptions,
    /// Where to write (typed, or chosen with the file dialog).
    pub path: String,
    /// The file exists and the user has been asked whether to replace it.
    pub confirm_overwrite: bool,
    /// The preview and what it was made from (cleared by every document change).
    pub(crate) preview: Option<((ExportFormat, ExportOptions), String)>,
}

impl ExportDialog {
    pub fn new(format: ExportFormat, options: ExportOptions, path: String) -> ExportDialog {
        ExportDialog { format, options, path, confirm_overwrite: false, preview: None }
    }

    /// The preview last shown.
    pub fn preview_text(&self) -> Option<&str> {
        self.preview.as_ref().map(|p| p.1.as_str())
    }
}

/// Per-speaker figures for the speakers panel (cleared when anything but a text changes).
pub(crate) struct SpeakerStats {
    pub counts: HashMap<SpeakerId, usize>,
    pub talk: HashMap<SpeakerId, Ms>,
}

/// Everything the UI keeps between frames.
pub struct ViewState {
    pub list: ListState,
    pub find: FindState,
    pub wave_zoom: f32,
    pub(crate) wave_cache: WaveCache,
    /// The scope the speaker chip menu applies.
    pub chip_scope: Scope,
    /// Speaker names being typed, and the new speaker's name.
    pub speaker_names: HashMap<SpeakerId, String>,
    pub new_speaker: String,
    pub(crate) stats: Option<SpeakerStats>,
    /// Keep the turn being spoken in view; paused by typing or scrolling by hand.
    pub follow: bool,
    pub follow_paused: bool,
    pub modal: Option<Modal>,
    pub export: Option<ExportDialog>,
    pub show_speakers: bool,
    pub show_settings: bool,
    pub show_notifications: bool,
    /// The status bar shows only notifications from this index on: closing the file ends what
    /// was said about it (the Messages list keeps everything).
    pub status_from: usize,
    /// The issues panel (the correction assistant's findings).
    pub issues: super::issues::IssuesView,
    /// The document info panel (metadata and set-aside text).
    pub metadata: super::metadata::MetaPanel,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            list: ListState::default(),
            find: FindState::default(),
            wave_zoom: 1.0,
            wave_cache: WaveCache::default(),
            chip_scope: Scope::Turn,
            speaker_names: HashMap::new(),
            new_speaker: String::new(),
            stats: None,
            follow: true,
            follow_paused: false,
            modal: None,
            export: None,
            show_speakers: true,
            show_settings: false,
            show_notifications: false,
            status_from: 0,
            issues: Default::default(),
            metadata: Default::default(),
        }
    }
}

impl ViewState {
    /// The turn commands act on: the focused one, or the last one focused.
    pub fn current_turn(&self, doc: &Transcript) -> Option<TurnId> {
        self.list.current.filter(|id| doc.turn_index(*id).is_some())
    }

    /// The document changed (`doc` is already the new one): every cache follows.
    pub fn follow(&mut self, doc: &Transcript, change: &Change) {
        if change.structure {
            self.stats = None;
            self.wave_cache.clear_bands();
        } else {
            let mut before = change.rev_before;
            for &turn in &change.texts {
                self.list.text_changed(doc, turn, before, change.rev_after);
                if let Some(i) = doc.turn_index(turn) {
                    self.find.text_changed(doc, i, before, change.rev_after);
                }
                before = change.rev_after;
            }
        }
        if let Some(d) = &mut self.export {
            d.preview = None;
        }
    }

    /// Another document (opened, or closed): nothing of the old one's view is kept but the
    /// find query and the panels shown.
    pub fn new_document(&mut self) {
        self.list = ListState::default();
        self.find.current = None;
        self.find.invalidate();
        self.stats = None;
        self.speaker_names.clear();
        self.wave_cache = WaveCache::default();
        self.export = None;
        self.issues = super::issues::IssuesView { show: self.issues.show, ..Default::default() };
        self.metadata.forget();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{Edit, History};
    use crate::model::TranscriptBuilder;

    #[test]
    fn caches_follow_the_history_s_change() {
        let mut b = TranscriptBuilder::new();
        b.push(Some("Ann"), Some(0), None, "cat");
        b.push(Some("Bob"), Some(1000), None, "dog");
        let mut d = b.finish();
        let mut h = History::new();
        let mut v = ViewState::default();
        v.find.query.text = "cat".into();
        v.find.refresh(&d, h.revision());
        assert_eq!(v.find.matches().len(), 1);
        v.stats = Some(SpeakerStats { counts: d.turn_counts(), talk: d.talk_time() });
        v.export = Some(ExportDialog::new(ExportFormat::Srt, ExportOptions::default(), "x.srt".into()));
        v.export.as_mut().unwrap().preview = Some(((ExportFormat::Srt, ExportOptions::default()), "old".into()));
        // Typing: the matches follow, the speaker figures stay, the preview goes.
        let t2 = d.turns[1].id;
        let c = h.apply_typing(&mut d, t2, "dog cat".into()).unwrap();
        v.follow(&d, &c);
        v.find.refresh(&d, h.revision());
        assert_eq!(v.find.matches().len(), 2);
        assert!(v.stats.is_some(), "typing keeps the speaker figures");
        assert!(v.export.as_ref().unwrap().preview.is_none());
        // A speaker change: the figures go.
        let to = d.turns[0].speaker;
        let c = h.apply(&mut d, Edit::SetSpeakers { changes: vec![(t2, to)] }).unwrap();
        v.follow(&d, &c);
        assert!(v.stats.is_none());
    }
}
