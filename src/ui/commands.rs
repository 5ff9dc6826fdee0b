//! The one command table: every user action, its name, shortcuts and description. The menus,
//! the keyboard handling, the F1 help overlay and `docs/shortcuts.md` are all read from it.

use egui::{Key, KeyboardShortcut, Modifiers};

/// Every action a user can take from a menu or the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Open,
    Save,
    SaveAs,
    Close,
    LocateAudio,
    Export,
    CorrectionsReport,
    Settings,
    Quit,
    Undo,
    Redo,
    Find,
    FindNext,
    FindPrevious,
    GoTo,
    NextTurn,
    PreviousTurn,
    SplitTurn,
    MergeWithPrevious,
    MergeWithNext,
    InsertTurn,
    DeleteTurn,
    EditStartTime,
    SnapToSpeech,
    SetSpeaker(u8),
    PlayPause,
    SkipBack,
    SkipForward,
    Slower,
    Faster,
    VolumeDown,
    VolumeUp,
    PlayTurn,
    LoopTurn,
    SeekToTurn,
    FollowPlayback,
    WaveZoomIn,
    WaveZoomOut,
    ToggleSpeakers,
    Help,
    // The correction assistant (src/ui/issues.rs, src/app/assist.rs).
    ToggleIssues,
    NextFinding,
    PreviousFinding,
    QuickFix,
    NotAProblem,
    ToggleReviewed,
    NextUnreviewed,
    RematchVoices,
}

/// Which menu a command belongs to (also the section of the help overlay and the docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    File,
    Edit,
    Turn,
    Speaker,
    Playback,
    View,
    Review,
}

impl Group {
    pub const ALL: [Group; 7] =
        [Group::File, Group::Edit, Group::Turn, Group::Speaker, Group::Playback, Group::View, Group::Review];

    pub fn name(self) -> &'static str {
        match self {
            Group::File => "File",
            Group::Edit => "Edit",
            Group::Turn => "Turn",
            Group::Speaker => "Speaker",
            Group::Playback => "Playback",
            Group::View => "View",
            Group::Review => "Review",
        }
    }
}

/// One row of the command table.
pub struct CommandInfo {
    pub action: Action,
    pub group: Group,
    /// The menu label.
    pub name: &'static str,
    /// Shortcuts; the first is the one shown in menus.
    pub shortcuts: &'static [KeyboardShortcut],
    pub description: &'static str,
}

const fn ks(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

const CTRL: Modifiers = Modifiers::COMMAND;
const CTRL_SHIFT: Modifiers = Modifiers::COMMAND.plus(Modifiers::SHIFT);
const ALT: Modifiers = Modifiers::ALT;
const SHIFT: Modifiers = Modifiers::SHIFT;
const NONE: Modifiers = Modifiers::NONE;

macro_rules! speaker_row {
    ($n:expr, $key:ident, $name:expr) => {
        CommandInfo {
            action: Action::SetSpeaker($n),
            group: Group::Speaker,
            name: $name,
            shortcuts: &[ks(ALT, Key::$key)],
            description: "Give the focused turn this speaker (in the order of the speakers panel).",
        }
    };
}

/// The table. Order is the order of the menus and the help.
pub const COMMANDS: &[CommandInfo] = &[
    CommandInfo {
        action: Action::Open,
        group: Group::File,
        name: "Open…",
        shortcuts: &[ks(CTRL, Key::O)],
        description: "Open a transcript (otter TXT, DOCX, SRT, VTT, Markdown or Turnfix JSON).",
    },
    CommandInfo {
        action: Action::Save,
        group: Group::File,
        name: "Save",
        shortcuts: &[ks(CTRL, Key::S)],
        description: "Save the corrected JSON (asks for a name the first time for an import).",
    },
    CommandInfo {
        action: Action::SaveAs,
        group: Group::File,
        name: "Save As…",
        shortcuts: &[ks(CTRL_SHIFT, Key::S)],
        description: "Save the corrected JSON under a new name.",
    },
    CommandInfo {
        action: Action::Close,
        group: Group::File,
        name: "Close",
        shortcuts: &[ks(CTRL, Key::W)],
        description: "Close the transcript (asks first when there are unsaved changes).",
    },
    CommandInfo {
        action: Action::LocateAudio,
        group: Group::File,
        name: "Locate Audio…",
        shortcuts: &[ks(CTRL_SHIFT, Key::O)],
        description: "Choose the recording that goes with the transcript.",
    },
    CommandInfo {
        action: Action::Export,
        group: Group::File,
        name: "Export…",
        shortcuts: &[ks(CTRL, Key::E)],
        description: "Export the corrected transcript: SRT, WebVTT, DOCX, TXT, Markdown, CSV/TSV, otter TXT or JSON, with a preview.",
    },
    CommandInfo {
        action: Action::CorrectionsReport,
        group: Group::File,
        name: "Corrections Report…",
        shortcuts: &[ks(CTRL_SHIFT, Key::E)],
        description: "Write what was corrected against the import (Markdown or HTML).",
    },
    CommandInfo {
        action: Action::Quit,
        group: Group::File,
        name: "Quit",
        shortcuts: &[ks(CTRL, Key::Q)],
        description: "Close the window (asks first when there are unsaved changes).",
    },
    CommandInfo {
        action: Action::Undo,
        group: Group::Edit,
        name: "Undo",
        shortcuts: &[ks(CTRL, Key::Z)],
        description: "Undo the last edit; typing in one turn undoes as one step.",
    },
    CommandInfo {
        action: Action::Redo,
        group: Group::Edit,
        name: "Redo",
        shortcuts: &[ks(CTRL_SHIFT, Key::Z), ks(CTRL, Key::Y)],
        description: "Redo the last undone edit.",
    },
    CommandInfo {
        action: Action::Find,
        group: Group::Edit,
        name: "Find & Replace",
        shortcuts: &[ks(CTRL, Key::F), ks(CTRL, Key::H)],
        description: "Show the find and replace bar.",
    },
    CommandInfo {
        action: Action::FindNext,
        group: Group::Edit,
        name: "Find Next",
        shortcuts: &[ks(NONE, Key::F3)],
        description: "Go to the next match.",
    },
    CommandInfo {
        action: Action::FindPrevious,
        group: Group::Edit,
        name: "Find Previous",
        shortcuts: &[ks(SHIFT, Key::F3)],
        description: "Go to the previous match.",
    },
    CommandInfo {
        action: Action::GoTo,
        group: Group::Edit,
        name: "Go To…",
        shortcuts: &[ks(CTRL, Key::G)],
        description: "Jump to a time (1:02:03) or a turn number (#12).",
    },
    CommandInfo {
        action: Action::Settings,
        group: Group::Edit,
        name: "Settings…",
        shortcuts: &[ks(CTRL, Key::Comma)],
        description: "Skip step, rewind on resume, pause while typing.",
    },
    CommandInfo {
        action: Action::NextTurn,
        group: Group::Turn,
        name: "Next Turn",
        shortcuts: &[ks(ALT, Key::ArrowDown)],
        description: "Move the focus to the next turn.",
    },
    CommandInfo {
        action: Action::PreviousTurn,
        group: Group::Turn,
        name: "Previous Turn",
        shortcuts: &[ks(ALT, Key::ArrowUp)],
        description: "Move the focus to the previous turn.",
    },
    CommandInfo {
        action: Action::SplitTurn,
        group: Group::Turn,
        name: "Split at Cursor",
        shortcuts: &[ks(CTRL, Key::Enter)],
        description: "Split the focused turn at the text cursor.",
    },
    CommandInfo {
        action: Action::MergeWithPrevious,
        group: Group::Turn,
        name: "Merge with Previous",
        shortcuts: &[ks(CTRL_SHIFT, Key::M)],
        description: "Join the focused turn onto the end of the one before it.",
    },
    CommandInfo {
        action: Action::MergeWithNext,
        group: Group::Turn,
        name: "Merge with Next",
        shortcuts: &[ks(CTRL, Key::M)],
        description: "Join the next turn onto the end of the focused one.",
    },
    CommandInfo {
        action: Action::InsertTurn,
        group: Group::Turn,
        name: "Insert Turn",
        shortcuts: &[ks(CTRL_SHIFT, Key::Enter)],
        description: "Insert an empty turn after the focused one.",
    },
    CommandInfo {
        action: Action::DeleteTurn,
        group: Group::Turn,
        name: "Delete Turn",
        shortcuts: &[ks(CTRL_SHIFT, Key::Delete)],
        description: "Delete the focused turn.",
    },
    CommandInfo {
        action: Action::EditStartTime,
        group: Group::Turn,
        name: "Edit Start Time…",
        shortcuts: &[ks(CTRL, Key::T)],
        description: "Change the focused turn's start time (kept between its neighbours).",
    },
    CommandInfo {
        action: Action::SnapToSpeech,
        group: Group::Turn,
        name: "Snap Times to Speech…",
        shortcuts: &[ks(CTRL_SHIFT, Key::T)],
        description: "Move each turn's start onto where its speech begins in the recording (shows what moves first; one undo step).",
    },
    speaker_row!(1, Num1, "Speaker 1"),
    speaker_row!(2, Num2, "Speaker 2"),
    speaker_row!(3, Num3, "Speaker 3"),
    speaker_row!(4, Num4, "Speaker 4"),
    speaker_row!(5, Num5, "Speaker 5"),
    speaker_row!(6, Num6, "Speaker 6"),
    speaker_row!(7, Num7, "Speaker 7"),
    speaker_row!(8, Num8, "Speaker 8"),
    speaker_row!(9, Num9, "Speaker 9"),
    CommandInfo {
        action: Action::PlayPause,
        group: Group::Playback,
        name: "Play / Pause",
        shortcuts: &[ks(NONE, Key::Escape), ks(CTRL, Key::Space)],
        description: "Start or stop playback (rewinds a little on resume).",
    },
    CommandInfo {
        action: Action::SkipBack,
        group: Group::Playback,
        name: "Skip Back",
        shortcuts: &[ks(ALT, Key::ArrowLeft)],
        description: "Jump back by the skip step.",
    },
    CommandInfo {
        action: Action::SkipForward,
        group: Group::Playback,
        name: "Skip Forward",
        shortcuts: &[ks(ALT, Key::ArrowRight)],
        description: "Jump forward by the skip step.",
    },
    CommandInfo {
        action: Action::Slower,
        group: Group::Playback,
        name: "Slower",
        shortcuts: &[ks(NONE, Key::F6)],
        description: "Lower the playback speed by 0.1× (down to 0.5×).",
    },
    CommandInfo {
        action: Action::Faster,
        group: Group::Playback,
        name: "Faster",
        shortcuts: &[ks(NONE, Key::F7)],
        description: "Raise the playback speed by 0.1× (up to 2×).",
    },
    CommandInfo {
        action: Action::VolumeDown,
        group: Group::Playback,
        name: "Volume Down",
        shortcuts: &[ks(NONE, Key::F9)],
        description: "Lower the volume.",
    },
    CommandInfo {
        action: Action::VolumeUp,
        group: Group::Playback,
        name: "Volume Up",
        shortcuts: &[ks(NONE, Key::F10)],
        description: "Raise the volume.",
    },
    CommandInfo {
        action: Action::PlayTurn,
        group: Group::Playback,
        name: "Play This Turn",
        shortcuts: &[ks(CTRL, Key::P)],
        description: "Play the focused turn and stop at the next turn's start.",
    },
    CommandInfo {
        action: Action::LoopTurn,
        group: Group::Playback,
        name: "Loop This Turn",
        shortcuts: &[ks(CTRL_SHIFT, Key::P)],
        description: "Loop the focused turn (again to stop looping).",
    },
    CommandInfo {
        action: Action::SeekToTurn,
        group: Group::Playback,
        name: "Seek to Turn",
        shortcuts: &[ks(CTRL, Key::J)],
        description: "Move the playhead to the focused turn's start.",
    },
    CommandInfo {
        action: Action::FollowPlayback,
        group: Group::Playback,
        name: "Follow Playback",
        shortcuts: &[ks(CTRL_SHIFT, Key::F)],
        description: "Keep the turn being spoken in view (resumes following after typing or scrolling).",
    },
    CommandInfo {
        action: Action::WaveZoomIn,
        group: Group::View,
        name: "Zoom Waveform In",
        shortcuts: &[ks(ALT, Key::Equals)],
        description: "Show less of the recording around the playhead.",
    },
    CommandInfo {
        action: Action::WaveZoomOut,
        group: Group::View,
        name: "Zoom Waveform Out",
        shortcuts: &[ks(ALT, Key::Minus)],
        description: "Show more of the recording.",
    },
    CommandInfo {
        action: Action::ToggleSpeakers,
        group: Group::View,
        name: "Speakers Panel",
        shortcuts: &[ks(CTRL, Key::K)],
        description: "Show or hide the speakers panel.",
    },
    CommandInfo {
        action: Action::Help,
        group: Group::View,
        name: "Keyboard Shortcuts",
        shortcuts: &[ks(NONE, Key::F1)],
        description: "Show this list of shortcuts.",
    },
    CommandInfo {
        action: Action::ToggleIssues,
        group: Group::Review,
        name: "Issues Panel",
        shortcuts: &[ks(CTRL, Key::I)],
        description: "Show or hide the correction assistant's findings, filterable by kind, with the review progress.",
    },
    CommandInfo {
        action: Action::NextFinding,
        group: Group::Review,
        name: "Next Finding",
        shortcuts: &[ks(NONE, Key::F8)],
        description: "Go to the next finding of the issues list and play its turn from where its speech starts.",
    },
    CommandInfo {
        action: Action::PreviousFinding,
        group: Group::Review,
        name: "Previous Finding",
        shortcuts: &[ks(SHIFT, Key::F8)],
        description: "Go to the previous finding of the issues list and play its turn.",
    },
    CommandInfo {
        action: Action::QuickFix,
        group: Group::Review,
        name: "Apply Suggested Fix",
        shortcuts: &[ks(CTRL, Key::Period)],
        description: "Apply the selected finding's suggestion (or the focused turn's first) as one undoable edit.",
    },
    CommandInfo {
        action: Action::NotAProblem,
        group: Group::Review,
        name: "Not a Problem",
        shortcuts: &[ks(CTRL, Key::D)],
        description: "Dismiss the selected finding for its turn (saved in the JSON; undoable).",
    },
    CommandInfo {
        action: Action::ToggleReviewed,
        group: Group::Review,
        name: "Mark Reviewed",
        shortcuts: &[ks(CTRL, Key::R)],
        description: "Mark the focused turn reviewed, or not (saved in the JSON; undoable; the assistant never changes a reviewed turn).",
    },
    CommandInfo {
        action: Action::NextUnreviewed,
        group: Group::Review,
        name: "Next Unreviewed",
        shortcuts: &[ks(CTRL_SHIFT, Key::R)],
        description: "Go to the next turn not yet reviewed.",
    },
    CommandInfo {
        action: Action::RematchVoices,
        group: Group::Review,
        name: "Re-match Unreviewed Turns…",
        shortcuts: &[ks(CTRL_SHIFT, Key::B)],
        description: "With the recording's voices analysed: list every turn not reviewed or set by hand whose voice is clearly another speaker's (each speaker's voice from the confirmed turns), with its scores; Apply is one undo step.",
    },
];

/// The row of a command.
pub fn info(action: Action) -> &'static CommandInfo {
    COMMANDS.iter().find(|c| c.action == action).expect("every command is in the table")
}

/// A shortcut written the same way on every platform (for docs and tests).
pub fn shortcut_text(s: &KeyboardShortcut) -> String {
    s.format(&egui::ModifierNames::NAMES, false)
}

/// Shortcuts ordered most specific first (more modifiers first), so that Ctrl+Shift+Z is
/// matched before Ctrl+Z (egui matches modifiers logically: extra Shift/Alt are ignored).
/// Built once: the keyboard handling reads it every frame.
pub fn shortcuts_by_specificity() -> &'static [(KeyboardShortcut, Action)] {
    static SORTED: std::sync::LazyLock<Vec<(KeyboardShortcut, Action)>> = std::sync::LazyLock::new(|| {
        let mut v: Vec<(KeyboardShortcut, Action)> =
            COMMANDS.iter().flat_map(|c| c.shortcuts.iter().map(move |s| (*s, c.action))).collect();
        let weight = |m: Modifiers| m.alt as u8 + m.shift as u8 + (m.command || m.ctrl) as u8;
        v.sort_by_key(|(s, _)| std::cmp::Reverse(weight(s.modifiers)));
        v
    });
    &SORTED
}

/// Commands whose key is typed text when no modifier is held: these only fire from a shortcut
/// while no text field would take the key (Escape is explicitly handled below).
pub fn is_plain_key(s: &KeyboardShortcut) -> bool {
    s.modifiers.is_none()
}

/// The Markdown of docs/shortcuts.md, generated from the table.
pub fn shortcuts_markdown() -> String {
    let mut out = String::new();
    out.push_str("# Keyboard shortcuts\n\n");
    out.push_str(
        "Generated from the command table in `src/ui/commands.rs` (a test checks that this file matches it).\n",
    );
    out.push_str("On macOS, Ctrl means Cmd. Press F1 in the editor to see this list.\n\n");
    out.push_str(RATIONALE);
    for g in Group::ALL {
        out.push_str(&format!("\n## {}\n\n| Command | Shortcut | What it does |\n|---|---|---|\n", g.name()));
        for c in COMMANDS.iter().filter(|c| c.group == g) {
            let keys: Vec<String> = c.shortcuts.iter().map(|s| format!("`{}`", shortcut_text(s))).collect();
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                c.name.trim_end_matches('…'),
                keys.join(" or "),
                c.description
            ));
        }
    }
    out
}

const RATIONALE: &str = "## Why these keys\n\n\
- **Esc plays and pauses**, as in oTranscribe, without leaving the text: transcribers keep typing while they \
start and stop the audio. Ctrl+Space does the same, for keyboards where Esc is awkward.\n\
- **Undo Ctrl+Z, Redo Ctrl+Shift+Z or Ctrl+Y, Find Ctrl+F, Replace Ctrl+H, Go to Ctrl+G, Find next F3, \
Help F1** are the common desktop keys, which the editors we looked at (otter.ai's web editor, oTranscribe, \
Express Scribe, Subtitle Edit) follow where they have the action; Ctrl+G is Subtitle Edit's \"go to line\".\n\
- **Alt+Up / Alt+Down** move between turns and **Alt+Left / Alt+Right** skip back and forward, so that the \
arrows without Alt stay with the text cursor.\n\
- oTranscribe's F1/F2 (rewind/forward) and F3/F4 (speed) collide with Help and Find Next, so speed is on F6/F7 \
and volume on F9/F10: function keys for the transport, as Express Scribe does.\n\
- **F8 / Shift+F8** step through the correction assistant's findings, as F8 steps through errors in Visual \
Studio and VS Code; **Ctrl+.** applies the suggested fix, as Ctrl+. offers quick fixes there.\n\
- **Alt+1…9** give the focused turn a speaker: number keys without a modifier are text.\n\
- Text editing keys (arrows, Home/End, Ctrl+Backspace, Shift+Enter for a line break inside a turn) are left \
to the text field.\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_shortcut_is_used_twice() {
        let mut seen = std::collections::HashSet::new();
        for c in COMMANDS {
            for s in c.shortcuts {
                assert!(seen.insert(shortcut_text(s)), "{} is bound twice", shortcut_text(s));
            }
            assert!(!c.shortcuts.is_empty(), "{:?} has no shortcut", c.action);
        }
    }

    #[test]
    fn docs_match_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/shortcuts.md");
        let want = shortcuts_markdown();
        if std::env::var_os("TURNFIX_UPDATE_DOCS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(have == want, "docs/shortcuts.md is out of date; run with TURNFIX_UPDATE_DOCS=1 to regenerate");
    }

    #[test]
    fn specific_shortcuts_come_first() {
        let v = shortcuts_by_specificity();
        let pos = |t: &str| v.iter().position(|(s, _)| shortcut_text(s) == t).unwrap();
        assert!(pos("Ctrl+Shift+Z") < pos("Ctrl+Z"));
        assert!(pos("Ctrl+Shift+S") < pos("Ctrl+S"));
    }
}
