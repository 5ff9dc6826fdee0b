//! Readers for every transcript format users bring, one file per format, plus detection from
//! the content (never from the extension alone).
//!
//! A reader returns the transcript plus warnings that carry line numbers. It fails only when
//! nothing usable is there, and then the error names the file and the reason.

pub mod docx;
pub mod json;
pub mod otter_txt;
pub mod srt;
pub mod vtt;

use crate::model::{Extra, Source, Transcript};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use thiserror::Error;

/// A problem found while reading that did not stop the import.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// 1-based line (or paragraph, for DOCX) in the source; 0 when it concerns the whole file.
    pub line: usize,
    pub message: String,
    /// The turn (index in the document) it concerns, when the reader knows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub turn: Option<usize>,
}

impl Warning {
    pub fn new(line: usize, message: impl Into<String>) -> Warning {
        Warning { line, message: message.into(), turn: None }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 { write!(f, "line {}: {}", self.line, self.message) } else { f.write_str(&self.message) }
    }
}

/// Why a reader found nothing usable in a file.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("the file is empty")]
    EmptyFile,
    /// The reader found no turns; the text says what it looked for.
    #[error("{0}")]
    NoTurns(&'static str),
    /// The reader ran but nothing became a turn.
    #[error("no transcript turns were found (read as {0})")]
    NothingRead(Format),
    /// Not the container the format needs (a DOCX that is not a zip, or lacks a part).
    #[error("not a DOCX file: {0}")]
    NotDocx(String),
    /// A transcript file over [`MAX_TRANSCRIPT_BYTES`], refused before it is read.
    #[error("the file is too large for a transcript ({mb} MB; the limit is {limit_mb} MB)")]
    FileTooLarge { mb: u64, limit_mb: u64 },
    /// A part that decompresses past the limit (zip-bomb guard).
    #[error("{part} is too large ({size}, the limit is {limit_mb} MB)")]
    TooLarge { part: String, size: String, limit_mb: u64 },
    /// A JSON whose `format` is not Turnfix's (as written in the file).
    #[error("not a Turnfix document (\"format\" is {0})")]
    NotTurnfix(String),
    #[error("invalid Turnfix JSON at line {line}, column {column}: {message}")]
    InvalidJson { line: usize, column: usize, message: String },
    #[error(
        "written by a newer Turnfix (format version {0}; this build reads up to {max}). Update Turnfix to open it.",
        max = json::VERSION
    )]
    NewerVersion(u64),
    #[error("version 0 is not a Turnfix version")]
    VersionZero,
    /// The document contradicts itself (a turn naming no speaker, duplicate ids…).
    #[error("{0}")]
    Inconsistent(String),
}

#[derive(Debug, Error)]
pub enum ReadError {
    #[error("{file}: {reason}")]
    Unusable { file: String, reason: ParseError },
    /// The io error is part of the message, not a separate cause, so it is shown once.
    #[error("{file}: cannot read: {err}")]
    Io { file: String, err: std::io::Error },
}

/// The formats Turnfix reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Turnfix's corrected JSON.
    Json,
    /// otter.ai's TXT export (with or without timestamps or names).
    OtterTxt,
    /// An otter transcript copied from a web page (metadata before, page furniture after).
    WebPage,
    /// otter-derived Markdown layouts (bold or `###` names, `[MM:SS]`, front matter...).
    Markdown,
    /// otter.ai's DOCX export.
    Docx,
    /// SubRip, with otter's "Name: " prefixes.
    Srt,
    /// WebVTT, with `<v Name>` voice spans.
    Vtt,
}

impl Format {
    pub const ALL: [Format; 7] =
        [Format::Json, Format::OtterTxt, Format::WebPage, Format::Markdown, Format::Docx, Format::Srt, Format::Vtt];

    /// The id used in `--from` and in the JSON's `source.format`.
    pub fn id(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::OtterTxt => "otter-txt",
            Format::WebPage => "web-page",
            Format::Markdown => "markdown",
            Format::Docx => "docx",
            Format::Srt => "srt",
            Format::Vtt => "vtt",
        }
    }

    pub fn from_id(id: &str) -> Option<Format> {
        let id = id.to_ascii_lowercase();
        Format::ALL.into_iter().find(|f| f.id() == id).or(match id.as_str() {
            "txt" | "otter" => Some(Format::OtterTxt),
            "md" => Some(Format::Markdown),
            "web" => Some(Format::WebPage),
            "webvtt" => Some(Format::Vtt),
            "turnfix" => Some(Format::Json),
            _ => None,
        })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// What an import produced.
#[derive(Debug)]
pub struct Import {
    pub doc: Transcript,
    pub warnings: Vec<Warning>,
    pub format: Format,
}

/// Decode transcript bytes to text: UTF-8 (a BOM is dropped, CRLF and CR become LF). Text that
/// is not UTF-8 is read as Windows-1252 (a superset of Latin-1's printable range), with a
/// warning that names the encoding used.
pub fn decode_text(bytes: &[u8]) -> (Cow<'_, str>, Option<Warning>) {
    // UTF-16 with a byte-order mark (Windows Notepad's "Unicode") is read as such.
    for (bom, enc) in [(b"\xFF\xFE", encoding_rs::UTF_16LE), (b"\xFE\xFF", encoding_rs::UTF_16BE)] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let (cow, _) = enc.decode_without_bom_handling(rest);
            let text = cow.replace("\r\n", "\n").replace('\r', "\n");
            return (Cow::Owned(text), None);
        }
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let (text, warning) = match std::str::from_utf8(bytes) {
        // The common case borrows: no copy of a large transcript.
        Ok(s) => (Cow::Borrowed(s), None),
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
            let (cow, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (
                Cow::Owned(cow.into_owned()),
                Some(Warning::new(
                    line,
                    "the file is not valid UTF-8; it was read as Windows-1252 (Latin-1)".to_string(),
                )),
            )
        }
    };
    let text = if text.contains('\r') { Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n")) } else { text };
    (text, warning)
}

/// Detect the format from the content.
pub fn detect(bytes: &[u8]) -> Format {
    if bytes.starts_with(b"PK\x03\x04") {
        return Format::Docx;
    }
    let head = &bytes[..bytes.len().min(4096)];
    // A character cut by the 4 KB limit is not a sign of another encoding.
    let head = match std::str::from_utf8(head) {
        Err(e) if e.error_len().is_none() => &head[..e.valid_up_to()],
        _ => head,
    };
    let (text, _) = decode_text(head);
    detect_text(&text)
}

fn detect_text(text: &str) -> Format {
    if json::sniff(text) {
        return Format::Json;
    }
    if vtt::sniff(text) {
        return Format::Vtt;
    }
    if srt::sniff(text) {
        return Format::Srt;
    }
    otter_txt::classify(text)
}

/// Read transcript bytes. `file` is the name used in messages and in `source`.
pub fn read_bytes(bytes: &[u8], file: &str, forced: Option<Format>) -> Result<Import, ReadError> {
    let format = forced.unwrap_or_else(|| detect(bytes));
    if bytes.is_empty() {
        return Err(ReadError::Unusable { file: file.to_string(), reason: ParseError::EmptyFile });
    }
    if format == Format::Json {
        let (text, _) = decode_text(bytes);
        let (doc, warnings) = json::from_str(&text, file)?;
        return Ok(Import { doc, warnings, format });
    }
    // The digest of a large file is computed beside the parse, on another core.
    let (parsed, sha256) = if bytes.len() >= 1 << 18 {
        std::thread::scope(|s| {
            let digest = s.spawn(|| sha256_hex(bytes));
            let parsed = parse(bytes, format);
            (parsed, digest.join().unwrap_or_else(|_| sha256_hex(bytes)))
        })
    } else {
        (parse(bytes, format), sha256_hex(bytes))
    };
    let unusable = |reason: ParseError| ReadError::Unusable { file: file.to_string(), reason };
    let (mut doc, mut warnings) = parsed.map_err(unusable)?;
    if doc.turns.is_empty() {
        return Err(unusable(ParseError::NothingRead(format)));
    }
    warnings.sort_by_key(|w| w.line);
    doc.source = Some(Source {
        file: file.to_string(),
        format: format.id().to_string(),
        sha256,
        turns: doc.turns.len() as u64,
        extra: Extra::new(),
    });
    Ok(Import { doc, warnings, format })
}

/// Run the reader for a format other than JSON; Err is the reason nothing usable was found.
fn parse(bytes: &[u8], format: Format) -> Result<(Transcript, Vec<Warning>), ParseError> {
    if format == Format::Docx {
        return docx::read(bytes);
    }
    let (text, enc_warning) = decode_text(bytes);
    let (doc, mut w) = match format {
        Format::Srt => srt::read(&text),
        Format::Vtt => vtt::read(&text),
        _ => otter_txt::read(&text),
    }?;
    w.splice(0..0, enc_warning);
    Ok((doc, w))
}

/// The largest transcript file read (a 10,000-turn Turnfix JSON is about 24 MB).
pub const MAX_TRANSCRIPT_BYTES: u64 = 128 << 20;

/// Read a transcript file's bytes, refusing files over [`MAX_TRANSCRIPT_BYTES`] before reading
/// them (and never reading more than that, should the file grow meanwhile).
pub fn read_file_bounded(path: &Path) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let io = |err| ReadError::Io { file: path.display().to_string(), err };
    let too_big = |len: u64| ReadError::Unusable {
        file: path.display().to_string(),
        reason: ParseError::FileTooLarge { mb: len >> 20, limit_mb: MAX_TRANSCRIPT_BYTES >> 20 },
    };
    let f = std::fs::File::open(path).map_err(io)?;
    let len = f.metadata().map_err(io)?.len();
    if len > MAX_TRANSCRIPT_BYTES {
        return Err(too_big(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    f.take(MAX_TRANSCRIPT_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > MAX_TRANSCRIPT_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Read a transcript file.
pub fn read_path(path: &Path, forced: Option<Format>) -> Result<Import, ReadError> {
    let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    let bytes = read_file_bounded(path)?;
    read_bytes(&bytes, &file, forced).map_err(|e| match e {
        // Name the path as the user gave it.
        ReadError::Unusable { reason, .. } => ReadError::Unusable { file: path.display().to_string(), reason },
        other => other,
    })
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_handles_bom_crlf_and_latin1() {
        let (t, w) = decode_text(b"\xEF\xBB\xBFAnn  0:00  \r\nHi\r\n");
        assert_eq!(t, "Ann  0:00  \nHi\n");
        assert!(w.is_none());
        let (t, w) = decode_text(b"Ann  0:00  \nCaf\xe9 \x93quoted\x94\n");
        assert_eq!(t, "Ann  0:00  \nCaf\u{e9} \u{201c}quoted\u{201d}\n");
        let w = w.unwrap();
        assert_eq!(w.line, 2);
        assert!(w.message.contains("Windows-1252"));
    }

    #[test]
    fn detection_is_by_content() {
        assert_eq!(detect(b"PK\x03\x04rest"), Format::Docx);
        assert_eq!(detect(b"{\n  \"format\": \"turnfix\",\n  \"version\": 1"), Format::Json);
        assert_eq!(detect(b"WEBVTT\n\n00:00.000 --> 00:01.000\n<v Ann>Hi\n"), Format::Vtt);
        assert_eq!(detect(b"1\n00:00:00,000 --> 00:00:01,000\nAnn: Hi\n"), Format::Srt);
    }

    #[test]
    fn empty_and_unusable_files_name_the_file() {
        let e = read_bytes(b"", "empty.txt", None).unwrap_err().to_string();
        assert_eq!(e, "empty.txt: the file is empty");
        let err = read_path(Path::new("/nonexistent/dir/x.txt"), None).unwrap_err();
        let e = err.to_string();
        assert!(e.starts_with("/nonexistent/dir/x.txt: cannot read"), "{e}");
        // The io error is in the message once, not repeated as a cause by the CLI's error chain.
        assert!(std::error::Error::source(&err).is_none());
    }

    #[test]
    fn format_ids_round_trip() {
        for f in Format::ALL {
            assert_eq!(Format::from_id(f.id()), Some(f));
        }
        assert_eq!(Format::from_id("TXT"), Some(Format::OtterTxt));
        assert_eq!(Format::from_id("nope"), None);
    }
}
