//! The writer options: one struct for every format, with one set of defaults, and the time
//! styles they name.

use crate::model::{Ms, format_clock, format_otter_time};
use serde::{Deserialize, Serialize};

/// How turn times are written in the text formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimeStyle {
    /// Each format as otter writes it: otter TXT, text and Markdown use `M:SS`, DOCX uses
    /// `MM:SS` (both `H:MM:SS` from one hour on).
    Auto,
    /// `M:SS`, then `H:MM:SS` (otter's TXT times): the default for every format.
    #[default]
    Otter,
    /// otter's DOCX times: `MM:SS`, then `H:MM:SS`.
    Padded,
    /// Always `HH:MM:SS`.
    Clock,
}

impl TimeStyle {
    pub const ALL: [TimeStyle; 4] = [TimeStyle::Auto, TimeStyle::Otter, TimeStyle::Padded, TimeStyle::Clock];

    pub fn id(self) -> &'static str {
        match self {
            TimeStyle::Auto => "auto",
            TimeStyle::Otter => "otter",
            TimeStyle::Padded => "padded",
            TimeStyle::Clock => "clock",
        }
    }

    pub fn from_id(id: &str) -> Option<TimeStyle> {
        TimeStyle::ALL.into_iter().find(|t| t.id().eq_ignore_ascii_case(id.trim()))
    }

    /// Format `ms` in this style; `Auto` uses `native`.
    pub fn format(self, ms: Ms, native: TimeStyle) -> String {
        match if self == TimeStyle::Auto { native } else { self } {
            TimeStyle::Auto | TimeStyle::Otter => format_otter_time(ms),
            TimeStyle::Padded => {
                if ms >= 3_600_000 {
                    format_otter_time(ms)
                } else {
                    let s = ms / 1000;
                    format!("{:02}:{:02}", s / 60, s % 60)
                }
            }
            TimeStyle::Clock => format_clock(ms),
        }
    }
}

/// How CSV/TSV write times.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CsvTimes {
    /// `HH:MM:SS.mmm` (spreadsheets read it as a time; sorts as text).
    #[default]
    Clock,
    /// Whole milliseconds.
    Ms,
}

impl CsvTimes {
    pub const ALL: [CsvTimes; 2] = [CsvTimes::Clock, CsvTimes::Ms];

    pub fn id(self) -> &'static str {
        match self {
            CsvTimes::Clock => "clock",
            CsvTimes::Ms => "ms",
        }
    }

    pub fn from_id(id: &str) -> Option<CsvTimes> {
        CsvTimes::ALL.into_iter().find(|t| t.id().eq_ignore_ascii_case(id.trim()))
    }
}

/// Which metadata a header shows (text, Markdown and DOCX, when [`ExportOptions::header`] is
/// on). A field the document lacks is left out whatever its rule. Missing fields deserialize to
/// their defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct MetadataRules {
    pub title: bool,
    pub date: bool,
    /// The speakers who have turns, in order of first appearance.
    pub speakers: bool,
    pub keywords: bool,
    /// The transcript's description (the user's notes).
    pub description: bool,
    /// otter's AI summary: machine-written, left out by default.
    pub summary: bool,
    /// otter's AI outline: machine-written, left out by default.
    pub outline: bool,
}

impl Default for MetadataRules {
    fn default() -> Self {
        MetadataRules {
            title: true,
            date: true,
            speakers: true,
            keywords: true,
            description: true,
            summary: false,
            outline: false,
        }
    }
}

/// Writer options. One struct for every format (each format uses the fields that
/// [`ExportFormat::options`] lists), so that an export dialog can remember it as a whole.
/// Missing fields deserialize to their defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportOptions {
    /// Write speaker names.
    pub names: bool,
    /// Write turn times (otter TXT, text, Markdown, DOCX).
    pub timestamps: bool,
    /// Join consecutive turns by the same speaker into one (texts joined with a space).
    pub merge_same_speaker: bool,
    pub time_style: TimeStyle,
    /// otter TXT: end with otter's `Transcribed by https://otter.ai` line.
    pub footer: bool,
    /// Text, Markdown, DOCX: begin with the title and metadata (those `metadata` lets in).
    pub header: bool,
    /// Which metadata the header shows.
    pub metadata: MetadataRules,
    /// Write turns that have no text (as a name and time with nothing under it).
    pub empty_turns: bool,
    /// Captions: at most this many characters per line (a longer single word stays whole).
    pub caption_line_chars: usize,
    /// Captions: at most this many lines per cue.
    pub caption_lines: usize,
    /// Captions: at most this long a cue, in ms.
    pub caption_max_ms: Ms,
    pub csv_times: CsvTimes,
    /// Captions: place the cues on the recording's speech when its analysis is at hand (the
    /// export dialog with a recording open, `convert --audio`); ignored without one.
    pub captions_on_speech: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            names: true,
            timestamps: true,
            merge_same_speaker: false,
            time_style: TimeStyle::Otter,
            footer: false,
            header: true,
            metadata: MetadataRules::default(),
            empty_turns: false,
            caption_line_chars: 42,
            caption_lines: 2,
            caption_max_ms: 7_000,
            csv_times: CsvTimes::Clock,
            captions_on_speech: true,
        }
    }
}
