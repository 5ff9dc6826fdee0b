//! Writers for the published forms of a corrected transcript: Turnfix JSON, otter-style TXT,
//! plain text, Markdown, SRT, WebVTT, DOCX, CSV/TSV and the corrections report (Markdown or
//! HTML). Every writer works from the corrected document, never from the original file.
//!
//! The entry points are [`export`] (bytes ready to write; `session` writes files, this module
//! does no file I/O) and [`preview`] (the first lines, as text, for an export dialog).
//! [`ExportFormat::ALL`] lists every format with its [`name`](ExportFormat::name),
//! [`id`](ExportFormat::id) and [`extension`](ExportFormat::extension);
//! [`ExportFormat::options`] and [`ExportFormat::rules`] say which fields of [`ExportOptions`] a
//! format uses. What each format loses is written in docs/exports.md.
//!
//! One set of rules, with one set of defaults, decides what every transcript format includes:
//! which metadata the header shows ([`MetadataRules`]: otter's AI summary and outline are left
//! out unless asked for), whether empty turns appear (not by default), and how times are written
//! ([`TimeStyle::Otter`], `M:SS`, by default). Each writer only lays out what the rules let in.

mod captions;
mod csv;
mod docx;
mod options;
mod otter_txt;
mod report;
mod text;

pub use options::{CsvTimes, ExportOptions, MetadataRules, TimeStyle};
pub use report::{ReportSummary, summarize};

use crate::model::{Ms, Transcript};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ExportError {
    #[error("cannot write the DOCX package: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("cannot write the DOCX package: {0}")]
    Io(#[from] std::io::Error),
    /// Writing the file failed (the save error's message: which file and why).
    #[error("{0}")]
    Write(String),
}

/// Every format a transcript can be exported to. Serialized as its [`id`](ExportFormat::id).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    /// Turnfix's corrected JSON (everything kept).
    Json,
    /// otter.ai's TXT layout: `Name  M:SS  ` line, text line, blank line.
    OtterTxt,
    /// Plain readable text with a title and metadata header.
    #[serde(rename = "txt")]
    Text,
    /// Markdown: bold speaker names, optional timestamps, title and metadata header.
    #[serde(rename = "md")]
    Markdown,
    /// SubRip captions, with a `Name: ` prefix on each turn's first cue.
    Srt,
    /// WebVTT captions, with `<v Name>` voice spans.
    Vtt,
    /// Word document laid out like otter's DOCX export.
    Docx,
    /// Comma-separated values: start, end, speaker, text.
    Csv,
    /// Tab-separated values: start, end, speaker, text.
    Tsv,
    /// What was corrected against the import, as Markdown.
    #[serde(rename = "report-md")]
    ReportMarkdown,
    /// What was corrected against the import, as a standalone HTML page.
    ReportHtml,
}

/// The content rules a format follows (for an export dialog: show only these). Every format
/// listed follows the same rule the same way, with the same default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuleKind {
    /// [`ExportOptions::metadata`]: which metadata the header shows (when `header` is on).
    Metadata,
    /// [`ExportOptions::empty_turns`]: whether turns without text appear.
    EmptyTurns,
}

/// The options that a format uses (for an export dialog: show only these).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OptionKind {
    Names,
    Timestamps,
    MergeSameSpeaker,
    TimeStyle,
    Footer,
    Header,
    CaptionLineChars,
    CaptionLines,
    CaptionMaxMs,
    CsvTimes,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 11] = [
        ExportFormat::Json,
        ExportFormat::OtterTxt,
        ExportFormat::Text,
        ExportFormat::Markdown,
        ExportFormat::Srt,
        ExportFormat::Vtt,
        ExportFormat::Docx,
        ExportFormat::Csv,
        ExportFormat::Tsv,
        ExportFormat::ReportMarkdown,
        ExportFormat::ReportHtml,
    ];

    /// The id used by `turnfix convert --to`.
    pub fn id(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::OtterTxt => "otter-txt",
            ExportFormat::Text => "txt",
            ExportFormat::Markdown => "md",
            ExportFormat::Srt => "srt",
            ExportFormat::Vtt => "vtt",
            ExportFormat::Docx => "docx",
            ExportFormat::Csv => "csv",
            ExportFormat::Tsv => "tsv",
            ExportFormat::ReportMarkdown => "report-md",
            ExportFormat::ReportHtml => "report-html",
        }
    }

    /// A name for menus and dialogs.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Json => "Turnfix JSON",
            ExportFormat::OtterTxt => "otter.ai TXT",
            ExportFormat::Text => "Plain text",
            ExportFormat::Markdown => "Markdown",
            ExportFormat::Srt => "SubRip captions (SRT)",
            ExportFormat::Vtt => "WebVTT captions",
            ExportFormat::Docx => "Word document (DOCX)",
            ExportFormat::Csv => "CSV spreadsheet",
            ExportFormat::Tsv => "TSV spreadsheet",
            ExportFormat::ReportMarkdown => "Corrections report (Markdown)",
            ExportFormat::ReportHtml => "Corrections report (HTML)",
        }
    }

    /// The file extension, without the dot. Plain text and otter TXT both use `txt`.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::OtterTxt | ExportFormat::Text => "txt",
            ExportFormat::Markdown | ExportFormat::ReportMarkdown => "md",
            ExportFormat::Srt => "srt",
            ExportFormat::Vtt => "vtt",
            ExportFormat::Docx => "docx",
            ExportFormat::Csv => "csv",
            ExportFormat::Tsv => "tsv",
            ExportFormat::ReportHtml => "html",
        }
    }

    /// The format for an id (`--to`), case-insensitive, with a few aliases.
    pub fn from_id(id: &str) -> Option<ExportFormat> {
        let id = id.trim().to_ascii_lowercase();
        ExportFormat::ALL.into_iter().find(|f| f.id() == id).or(match id.as_str() {
            "otter" | "otter_txt" => Some(ExportFormat::OtterTxt),
            "text" | "plain" => Some(ExportFormat::Text),
            "markdown" => Some(ExportFormat::Markdown),
            "webvtt" => Some(ExportFormat::Vtt),
            "report" | "report-markdown" => Some(ExportFormat::ReportMarkdown),
            "html" => Some(ExportFormat::ReportHtml),
            _ => None,
        })
    }

    /// The format implied by a file extension (without the dot): `txt` is otter TXT, `md` is
    /// the Markdown transcript, `html` the corrections report.
    pub fn from_extension(ext: &str) -> Option<ExportFormat> {
        match ext.to_ascii_lowercase().as_str() {
            "json" => Some(ExportFormat::Json),
            "txt" => Some(ExportFormat::OtterTxt),
            "md" | "markdown" => Some(ExportFormat::Markdown),
            "srt" => Some(ExportFormat::Srt),
            "vtt" => Some(ExportFormat::Vtt),
            "docx" => Some(ExportFormat::Docx),
            "csv" => Some(ExportFormat::Csv),
            "tsv" | "tab" => Some(ExportFormat::Tsv),
            "html" | "htm" => Some(ExportFormat::ReportHtml),
            _ => None,
        }
    }

    /// The format implied by a path's extension.
    pub fn from_path(path: &Path) -> Option<ExportFormat> {
        ExportFormat::from_extension(&path.extension()?.to_string_lossy())
    }

    /// True when the output is not text (DOCX); [`preview`] then shows a text rendering.
    pub fn is_binary(self) -> bool {
        self == ExportFormat::Docx
    }

    /// True for the corrections report, which shows changes rather than the transcript.
    pub fn is_report(self) -> bool {
        matches!(self, ExportFormat::ReportMarkdown | ExportFormat::ReportHtml)
    }

    /// The fields of [`ExportOptions`] this format uses.
    pub fn options(self) -> &'static [OptionKind] {
        use OptionKind::*;
        match self {
            ExportFormat::Json | ExportFormat::ReportMarkdown | ExportFormat::ReportHtml => &[],
            ExportFormat::OtterTxt => &[Names, Timestamps, MergeSameSpeaker, TimeStyle, Footer],
            ExportFormat::Text | ExportFormat::Markdown | ExportFormat::Docx => {
                &[Names, Timestamps, MergeSameSpeaker, TimeStyle, Header]
            }
            ExportFormat::Srt | ExportFormat::Vtt => &[Names, CaptionLineChars, CaptionLines, CaptionMaxMs],
            ExportFormat::Csv | ExportFormat::Tsv => &[MergeSameSpeaker, CsvTimes],
        }
    }
}

impl ExportFormat {
    /// The content rules this format follows (besides [`ExportFormat::options`]).
    pub fn rules(self) -> &'static [RuleKind] {
        use RuleKind::*;
        match self {
            ExportFormat::Text | ExportFormat::Markdown | ExportFormat::Docx => &[Metadata, EmptyTurns],
            ExportFormat::OtterTxt | ExportFormat::Csv | ExportFormat::Tsv => &[EmptyTurns],
            // Captions have nothing to show for an empty turn; JSON and the report keep all.
            ExportFormat::Srt
            | ExportFormat::Vtt
            | ExportFormat::Json
            | ExportFormat::ReportMarkdown
            | ExportFormat::ReportHtml => &[],
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Write `doc` in `fmt`.
pub fn export(doc: &Transcript, fmt: ExportFormat, opts: &ExportOptions) -> Result<Vec<u8>, ExportError> {
    Ok(match fmt {
        ExportFormat::Json => crate::formats::json::to_string(doc).into_bytes(),
        ExportFormat::OtterTxt => otter_txt::write(doc, opts).into_bytes(),
        ExportFormat::Text => text::write_plain(doc, opts).into_bytes(),
        ExportFormat::Markdown => text::write_markdown(doc, opts).into_bytes(),
        ExportFormat::Srt => captions::write_srt(doc, opts).into_bytes(),
        ExportFormat::Vtt => captions::write_vtt(doc, opts).into_bytes(),
        ExportFormat::Docx => docx::write(doc, opts)?,
        ExportFormat::Csv => csv::write(doc, opts, b',').into_bytes(),
        ExportFormat::Tsv => csv::write(doc, opts, b'\t').into_bytes(),
        ExportFormat::ReportMarkdown => report::write_markdown(doc).into_bytes(),
        ExportFormat::ReportHtml => report::write_html(doc).into_bytes(),
    })
}

/// The first `lines` lines of the export, as text. DOCX is shown as the text of its
/// paragraphs, one per line. Only the first turns are written, so this is cheap on long
/// transcripts (the report is computed in full: it needs every turn).
pub fn preview(doc: &Transcript, fmt: ExportFormat, opts: &ExportOptions, lines: usize) -> String {
    let head;
    // Every turn (every run of one speaker, when merging) gives at least one line; one more
    // keeps caption timing and merged blocks exact.
    let mut take = 0;
    let mut units = 0;
    while take < doc.turns.len() && units <= lines + 1 {
        if !(opts.merge_same_speaker && take > 0 && doc.turns[take - 1].speaker == doc.turns[take].speaker) {
            units += 1;
        }
        take += 1;
    }
    while opts.merge_same_speaker
        && take > 0
        && take < doc.turns.len()
        && doc.turns[take - 1].speaker == doc.turns[take].speaker
    {
        take -= 1;
    }
    let doc = if fmt.is_report() || take >= doc.turns.len() {
        doc
    } else {
        head = Transcript {
            metadata: doc.metadata.clone(),
            source: doc.source.clone(),
            audio: doc.audio.clone(),
            speakers: doc.speakers.clone(),
            turns: doc.turns[..take].to_vec(),
            aside: Vec::new(),
            extra: doc.extra.clone(),
        };
        &head
    };
    let text = if fmt == ExportFormat::Docx {
        docx::paragraph_texts(doc, opts).join("\n")
    } else {
        match export(doc, fmt, opts) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => return format!("(cannot preview: {e})"),
        }
    };
    let mut out: String = text.lines().take(lines).collect::<Vec<_>>().join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// A run of text to write as one unit: a turn, or consecutive turns by one speaker when
/// merging.
pub(crate) struct Block<'a> {
    pub speaker: &'a str,
    pub start: Ms,
    /// The end: the last turn's own end, else the next turn's start, else its start.
    pub end: Ms,
    pub text: Cow<'a, str>,
}

/// The turns as blocks, optionally merging consecutive turns by the same speaker.
pub(crate) fn blocks(doc: &Transcript, merge: bool) -> Vec<Block<'_>> {
    let mut out: Vec<Block> = Vec::with_capacity(doc.turns.len());
    let mut last_speaker = None;
    for (i, t) in doc.turns.iter().enumerate() {
        let end = doc.effective_end(i);
        if merge
            && last_speaker == Some(t.speaker)
            && let Some(b) = out.last_mut()
        {
            let (a, n) = (b.text.trim_end(), t.text.trim());
            if !n.is_empty() {
                b.text = Cow::Owned(if a.is_empty() { n.to_string() } else { format!("{a} {n}") });
            }
            b.end = b.end.max(end);
            continue;
        }
        last_speaker = Some(t.speaker);
        out.push(Block { speaker: doc.speaker_name(t.speaker), start: t.start_ms, end, text: Cow::Borrowed(&t.text) });
    }
    out
}

/// The blocks the rules let in: merged when asked, empty ones only with `empty_turns`.
pub(crate) fn rule_blocks<'a>(doc: &'a Transcript, opts: &ExportOptions) -> Vec<Block<'a>> {
    let mut out = blocks(doc, opts.merge_same_speaker);
    if !opts.empty_turns {
        out.retain(|b| !b.text.trim().is_empty());
    }
    out
}

/// What a header shows, after the rules: a field is there when the rules let it in and the
/// document has it. Every writer with a header lays out these, and only these.
#[derive(Default)]
pub(crate) struct Header<'a> {
    /// On one line.
    pub title: Option<String>,
    /// On one line.
    pub date: Option<String>,
    pub speakers: Vec<&'a str>,
    pub keywords: &'a [String],
    /// Trimmed; may hold line breaks and blank lines.
    pub description: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub outline: Option<&'a str>,
}

pub(crate) fn header<'a>(doc: &'a Transcript, opts: &ExportOptions) -> Header<'a> {
    if !opts.header {
        return Header::default();
    }
    let (m, r) = (&doc.metadata, &opts.metadata);
    let text = |on: bool, v: &'a Option<String>| v.as_deref().map(str::trim).filter(|v| on && !v.is_empty());
    Header {
        title: text(r.title, &m.title).map(one_line),
        date: text(r.date, &m.date).map(one_line),
        speakers: if r.speakers { speakers_in_order(doc) } else { Vec::new() },
        keywords: if r.keywords { &m.keywords } else { &[] },
        description: text(r.description, &m.description),
        summary: text(r.summary, &m.summary),
        outline: text(r.outline, &m.outline),
    }
}

/// Whitespace runs (newlines included) as single spaces, trimmed.
pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Line breaks and tabs as single spaces, every other character (a no-break space, a double
/// space) kept as it is: for formats that hold a turn on one line and should not touch its text.
pub(crate) fn flat(s: &str) -> String {
    let ascii_ws = |c: char| c.is_ascii_whitespace();
    s.lines()
        .map(|l| l.trim_matches(ascii_ws).replace('\t', " "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text with its lines kept but blank lines and trailing spaces removed, so that a paragraph
/// cannot be mistaken for the end of a block.
pub(crate) fn no_blank_lines(s: &str) -> String {
    s.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join("\n")
}

/// The speakers in order of first appearance (those with turns), by name.
pub(crate) fn speakers_in_order(doc: &Transcript) -> Vec<&str> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for t in &doc.turns {
        if seen.insert(t.speaker) {
            out.push(doc.speaker_name(t.speaker));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_extensions_round_trip() {
        for f in ExportFormat::ALL {
            assert_eq!(ExportFormat::from_id(f.id()), Some(f));
            assert!(!f.name().is_empty());
            assert_eq!(serde_json::to_string(&f).unwrap(), format!("\"{}\"", f.id()));
        }
        assert_eq!(ExportFormat::from_extension("TXT"), Some(ExportFormat::OtterTxt));
        assert_eq!(ExportFormat::from_extension("md"), Some(ExportFormat::Markdown));
        assert_eq!(ExportFormat::from_extension("pdf"), None);
    }

    #[test]
    fn options_serialize_and_fill_defaults() {
        let o = ExportOptions { names: false, time_style: TimeStyle::Clock, ..Default::default() };
        let s = serde_json::to_string(&o).unwrap();
        assert!(s.contains("\"time_style\":\"clock\""), "{s}");
        assert_eq!(serde_json::from_str::<ExportOptions>(&s).unwrap(), o);
        let partial: ExportOptions = serde_json::from_str(r#"{"names": false}"#).unwrap();
        assert_eq!(partial, ExportOptions { names: false, ..Default::default() });
    }

    #[test]
    fn time_styles() {
        assert_eq!(TimeStyle::Auto.format(65_000, TimeStyle::Otter), "1:05");
        assert_eq!(TimeStyle::Padded.format(65_000, TimeStyle::Otter), "01:05");
        assert_eq!(TimeStyle::Padded.format(3_665_000, TimeStyle::Otter), "1:01:05");
        assert_eq!(TimeStyle::Clock.format(65_000, TimeStyle::Otter), "00:01:05");
    }
}
