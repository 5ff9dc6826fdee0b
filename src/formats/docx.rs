//! otter.ai's DOCX export.
//!
//! Layout (see `shared/formats/otter.md` §3): a title paragraph, a grey date line
//! (`October 7, 2025 2:12PM • 6:51`), `SUMMARY KEYWORDS`, `SPEAKERS`, `SUMMARY` (with
//! `Action Items` and other AI sections), an optional `OUTLINE`, then `TRANSCRIPT`, the
//! `https://otter.ai/u/...` link, and per segment a header paragraph (bold `Name  ` run plus a
//! grey time run) followed by one text paragraph. A header with only the time continues the
//! previous speaker.
//!
//! Warnings carry 1-based paragraph numbers (every `w:p` of `word/document.xml`, empty ones
//! included, in document order).

use super::{ParseError, Warning};
use crate::model::{Ms, Transcript, TranscriptBuilder, parse_clock};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
use std::io::{Cursor, Read};
use std::sync::LazyLock;

/// Largest `word/document.xml` we decompress (zip-bomb guard).
const MAX_DOCUMENT_XML: u64 = 200 * 1024 * 1024;
/// Largest header/footer part we look at for otter's branding line.
const MAX_FOOTER_XML: u64 = 4 * 1024 * 1024;

pub fn read(bytes: &[u8]) -> Result<(Transcript, Vec<Warning>), ParseError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ParseError::NotDocx(e.to_string()))?;
    let xml = read_part(&mut archive, "word/document.xml", MAX_DOCUMENT_XML)?
        .ok_or_else(|| ParseError::NotDocx("it has no word/document.xml".into()))?;
    let mut warnings = Vec::new();
    let paras = parse_paragraphs(&xml, &mut warnings);
    let branding = footer_branding(&mut archive);
    let doc = interpret(&paras, branding, &mut warnings)?;
    Ok((doc, warnings))
}

/// Read one part of the archive as text, refusing parts that decompress to more than `cap`.
/// Ok(None) when the part is absent.
fn read_part<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    name: &str,
    cap: u64,
) -> Result<Option<String>, ParseError> {
    let file = match archive.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(ParseError::NotDocx(format!("cannot open {name}: {e}"))),
    };
    let too_large = |size: String| ParseError::TooLarge { part: name.to_string(), size, limit_mb: cap >> 20 };
    if file.size() > cap {
        return Err(too_large(format!("{} MB decompressed", file.size() >> 20)));
    }
    let mut buf = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut buf)
        .map_err(|e| ParseError::NotDocx(format!("cannot decompress {name}: {e}")))?;
    if buf.len() as u64 > cap {
        return Err(too_large(format!("over {} MB decompressed", cap >> 20)));
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// otter's "Transcribed by https://otter.ai" line lives in a footer part.
fn footer_branding<R: Read + std::io::Seek>(archive: &mut zip::ZipArchive<R>) -> Option<String> {
    let names: Vec<String> = archive
        .file_names()
        .filter(|n| n.starts_with("word/footer") && n.ends_with(".xml"))
        .map(str::to_string)
        .take(16)
        .collect();
    for name in names {
        let Ok(Some(xml)) = read_part(archive, &name, MAX_FOOTER_XML) else { continue };
        let mut ignored = Vec::new();
        for p in parse_paragraphs(&xml, &mut ignored) {
            let t = p.text();
            let t = t.trim();
            if t.starts_with("Transcribed by") {
                return Some(t.to_string());
            }
        }
    }
    None
}

#[derive(Debug, Default, Clone)]
struct Run {
    text: String,
    bold: bool,
    color: Option<String>,
}

#[derive(Debug, Default, Clone)]
struct Para {
    style: Option<String>,
    list: bool,
    runs: Vec<Run>,
}

impl Para {
    fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }

    fn is_heading(&self) -> bool {
        self.style.as_deref().is_some_and(|s| {
            let s = s.to_ascii_lowercase();
            s.starts_with("heading") || s == "title" || s == "subtitle"
        })
    }

    fn heading_level(&self) -> Option<u32> {
        let s = self.style.as_deref()?.to_ascii_lowercase();
        if s == "title" {
            return Some(0);
        }
        s.strip_prefix("heading")?.trim().parse().ok()
    }
}

fn attr(e: &BytesStart, local: &[u8]) -> Option<String> {
    e.attributes().map_while(Result::ok).find(|a| a.key.local_name().as_ref() == local).map(|a| {
        a.unescape_value().map(|v| v.into_owned()).unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned())
    })
}

fn is_off(v: Option<&str>) -> bool {
    matches!(v, Some("0" | "false" | "off" | "none"))
}

/// Flatten `document.xml` into paragraphs of formatted runs. Malformed XML stops the parse
/// with a warning; what was read until then is kept.
fn parse_paragraphs(xml: &str, warnings: &mut Vec<Warning>) -> Vec<Para> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut out: Vec<Para> = Vec::new();
    let mut stack: Vec<Para> = Vec::new();
    let mut run: Option<Run> = None;
    let (mut in_ppr, mut in_rpr, mut in_t) = (false, false, false);

    loop {
        let event = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                warnings.push(Warning::new(
                    out.len() + stack.len() + 1,
                    format!("the DOCX's document text is damaged ({e}); reading stopped here"),
                ));
                break;
            }
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.local_name().as_ref() {
                    b"p" => {
                        if empty {
                            out.push(Para::default());
                        } else {
                            stack.push(Para::default());
                        }
                    }
                    b"pPr" if !empty => in_ppr = true,
                    b"pStyle" if in_ppr => {
                        if let Some(p) = stack.last_mut() {
                            p.style = attr(e, b"val");
                        }
                    }
                    b"numPr" if in_ppr => {
                        if let Some(p) = stack.last_mut() {
                            p.list = true;
                        }
                    }
                    b"r" if !empty => run = Some(Run::default()),
                    b"rPr" if !empty && run.is_some() => in_rpr = true,
                    b"b" if in_rpr => {
                        if let Some(r) = run.as_mut() {
                            r.bold = !is_off(attr(e, b"val").as_deref());
                        }
                    }
                    b"color" if in_rpr => {
                        if let Some(r) = run.as_mut() {
                            r.color = attr(e, b"val").filter(|c| !c.eq_ignore_ascii_case("auto"));
                        }
                    }
                    b"t" if !empty => in_t = true,
                    b"tab" if !in_rpr && !in_ppr => push_text(&mut run, "\t"),
                    b"br" | b"cr" if !in_rpr && !in_ppr => push_text(&mut run, "\n"),
                    b"noBreakHyphen" if !in_rpr => push_text(&mut run, "-"),
                    // Drawings, pictures and embedded objects: their text is not the transcript.
                    b"drawing" | b"pict" | b"object" | b"Fallback" if !empty => {
                        let name = e.name().as_ref().to_vec();
                        if reader.read_to_end(QName(&name)).is_err() {
                            break;
                        }
                    }
                    _ => {}
                }
            }
            Event::End(ref e) => match e.local_name().as_ref() {
                b"p" => {
                    if let Some(p) = stack.pop() {
                        out.push(p);
                    }
                }
                b"pPr" => in_ppr = false,
                b"rPr" => in_rpr = false,
                b"t" => in_t = false,
                b"r" => {
                    in_rpr = false;
                    in_t = false;
                    if let (Some(r), Some(p)) = (run.take(), stack.last_mut()) {
                        p.runs.push(r);
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_t => {
                let s =
                    t.unescape().map(|c| c.into_owned()).unwrap_or_else(|_| String::from_utf8_lossy(&t).into_owned());
                push_text(&mut run, &s);
            }
            Event::CData(t) if in_t => push_text(&mut run, &String::from_utf8_lossy(&t)),
            Event::Eof => break,
            _ => {}
        }
    }
    // A truncated document: keep the paragraphs that were open.
    if let (Some(r), Some(p)) = (run.take(), stack.last_mut()) {
        p.runs.push(r);
    }
    out.extend(stack.drain(..).rev());
    out
}

fn push_text(run: &mut Option<Run>, s: &str) {
    run.get_or_insert_with(Run::default).text.push_str(s);
}

static TIME_RE: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^\d{1,2}:\d{2}(?::\d{2})?$").expect("valid regex"));
static PLAIN_HEADER_RE: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^(\S.{0,80}?)\s{2,}(\d{1,2}:\d{2}(?::\d{2})?)$").expect("valid regex"));
static DATE_RE: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"(?i)\b\d{4}\b.*\d{1,2}:\d{2}\s*[ap]m\b").expect("valid regex"));

fn clock(s: &str) -> Option<Ms> {
    let s = s.trim();
    if TIME_RE.is_match(s) { parse_clock(s) } else { None }
}

/// A segment header: `Some((Some(name), start))` for `Name  00:00`, `Some((None, start))` for a
/// time alone (the previous speaker goes on).
fn header(p: &Para) -> Option<(Option<String>, Ms)> {
    let text = p.text();
    let t = text.trim();
    if t.is_empty() || t.len() > 120 || t.contains('\n') {
        return None;
    }
    if let Some(ms) = clock(t) {
        return Some((None, ms));
    }
    // otter's layout: bold name runs, then the (grey) time.
    let bold: String = p.runs.iter().filter(|r| r.bold).map(|r| r.text.as_str()).collect();
    let rest: String = p.runs.iter().filter(|r| !r.bold).map(|r| r.text.as_str()).collect();
    if !bold.trim().is_empty()
        && let Some(ms) = clock(&rest)
    {
        return Some((Some(bold.trim().to_string()), ms));
    }
    // Formatting lost (the document was re-saved or converted): `Name  00:00`.
    let c = PLAIN_HEADER_RE.captures(t)?;
    let ms = clock(&c[2])?;
    Some((Some(c[1].trim().to_string()), ms))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Head,
    Keywords,
    Speakers,
    Summary,
    Outline,
    Other,
}

fn known_section(t: &str) -> Option<Option<Section>> {
    let key = t.trim().trim_end_matches(':').trim().to_lowercase();
    Some(match key.as_str() {
        "summary keywords" | "keywords" => Some(Section::Keywords),
        "speakers" => Some(Section::Speakers),
        "summary" => Some(Section::Summary),
        "outline" => Some(Section::Outline),
        // None: the transcript starts.
        "transcript" => None,
        _ => return None,
    })
}

fn split_list(t: &str) -> impl Iterator<Item = String> + '_ {
    t.split([',', ';']).map(|s| s.trim().trim_end_matches('.').trim().to_string()).filter(|s| !s.is_empty())
}

fn push_line(lines: &mut Vec<String>, p: &Para, t: &str) {
    // Headings, and all-bold paragraphs used as headings (one outline topic is written so).
    if p.is_heading() || p.runs.iter().all(|r| r.bold || r.text.trim().is_empty()) {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(t.to_string());
    } else if p.list && !t.starts_with("- ") {
        lines.push(format!("- {t}"));
    } else {
        lines.push(t.to_string());
    }
}

fn joined(lines: Vec<String>) -> Option<String> {
    let s = lines.join("\n");
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

struct Pending {
    speaker: Option<String>,
    /// False for a time-only header (the previous speaker goes on).
    named: bool,
    start: Ms,
    parts: Vec<String>,
}

fn interpret(paras: &[Para], branding: Option<String>, warnings: &mut Vec<Warning>) -> Result<Transcript, ParseError> {
    // Where the transcript begins: after the TRANSCRIPT heading, else at the first named header.
    let heading_at = paras.iter().position(|p| {
        let t = p.text();
        let t = t.trim();
        known_section(t) == Some(None)
            && (p.is_heading() || t.chars().all(|c| !c.is_lowercase()) || p.runs.iter().all(|r| r.bold))
    });
    let body_start = match heading_at {
        Some(i) => i + 1,
        None => paras.iter().position(|p| matches!(header(p), Some((Some(_), _)))).ok_or(ParseError::NoTurns(
            "no otter transcript found in the DOCX (no TRANSCRIPT heading and no speaker lines)",
        ))?,
    };
    let head_end = heading_at.unwrap_or(body_start);

    let mut b = TranscriptBuilder::new();
    let mut title: Option<String> = None;
    let mut date: Option<String> = None;
    let (mut keywords, mut speakers) = (Vec::new(), Vec::new());
    let (mut summary, mut outline, mut preamble) = (Vec::new(), Vec::new(), Vec::new());
    let mut section = Section::Head;

    for p in &paras[..head_end] {
        let text = p.text();
        let t = text.trim();
        if t.is_empty() {
            continue;
        }
        let level = p.heading_level();
        let styled_or_caps =
            level.is_some_and(|l| l > 0) || (t.chars().any(char::is_alphabetic) && !t.chars().any(char::is_lowercase));
        if styled_or_caps && let Some(Some(s)) = known_section(t) {
            section = s;
            continue;
        }
        if level == Some(1) {
            // An AI section otter added that we do not model: keep it in the preamble.
            section = Section::Other;
            push_line(&mut preamble, p, t);
            continue;
        }
        match section {
            Section::Head => {
                if title.is_none() && (level == Some(0) || (date.is_none() && !DATE_RE.is_match(t))) {
                    title = Some(t.to_string());
                } else if date.is_none() && DATE_RE.is_match(t) {
                    date = Some(t.to_string());
                } else {
                    push_line(&mut preamble, p, t);
                }
            }
            Section::Keywords => keywords.extend(split_list(t)),
            Section::Speakers => speakers.extend(split_list(t)),
            Section::Summary => push_line(&mut summary, p, t),
            Section::Outline => push_line(&mut outline, p, t),
            Section::Other => push_line(&mut preamble, p, t),
        }
    }

    let mut pending: Option<Pending> = None;
    let mut last_speaker: Option<String> = None;
    let mut disclaimer = branding;
    let flush = |b: &mut TranscriptBuilder, pending: &mut Option<Pending>| {
        if let Some(p) = pending.take() {
            b.push(p.speaker.as_deref(), Some(p.start), None, &p.parts.join("\n"));
            if !p.named
                && let Some(o) = b.last_turn_mut().and_then(|t| t.original.as_mut())
            {
                // The source wrote no name here; the speaker is inferred from the one before.
                o.speaker = None;
            }
        }
    };
    for (i, p) in paras.iter().enumerate().skip(body_start) {
        let line = i + 1;
        if let Some((name, start)) = header(p) {
            flush(&mut b, &mut pending);
            let named = name.is_some();
            let speaker = match name {
                Some(n) => Some(n),
                None => {
                    if last_speaker.is_none() {
                        warnings.push(Warning::new(
                            line,
                            "a segment with only a time and no earlier speaker: its speaker is unknown",
                        ));
                    }
                    last_speaker.clone()
                }
            };
            last_speaker.clone_from(&speaker);
            pending = Some(Pending { speaker, named, start, parts: Vec::new() });
            continue;
        }
        let text = p.text();
        let t = text.trim();
        if t.is_empty() {
            continue;
        }
        if t.starts_with("Transcribed by") && t.contains("otter.ai") {
            disclaimer = Some(t.to_string());
            continue;
        }
        match pending.as_mut() {
            Some(pend) => pend.parts.push(t.to_string()),
            None => preamble.push(t.to_string()),
        }
    }
    flush(&mut b, &mut pending);

    if b.is_empty() {
        return Err(ParseError::NoTurns("no speaker segments were found in the DOCX"));
    }
    let m = b.metadata_mut();
    m.title = title;
    m.date = date;
    m.keywords = keywords;
    m.speakers_listed = speakers;
    m.summary = joined(summary);
    m.outline = joined(outline);
    m.preamble = joined(preamble);
    m.disclaimer = disclaimer;
    Ok(b.finish())
}

#[cfg(test)]
mod tests;
