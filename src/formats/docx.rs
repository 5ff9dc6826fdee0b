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
mod tests {
    use super::*;
    use std::io::Write;
    use std::path::Path;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn para(style: Option<&str>, runs: &[(&str, bool, Option<&str>)]) -> String {
        let mut s = String::from("<w:p>");
        if let Some(st) = style {
            s += &format!(r#"<w:pPr><w:pStyle w:val="{st}"/><w:rPr><w:b/></w:rPr></w:pPr>"#);
        }
        for (text, bold, color) in runs {
            s += "<w:r><w:rPr>";
            if *bold {
                s += "<w:b/>";
            }
            if let Some(c) = color {
                s += &format!(r#"<w:color w:val="{c}"/>"#);
            }
            s += &format!(r#"</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#);
        }
        s + "</w:p>"
    }

    fn header_para(name: &str, time: &str) -> String {
        if name.is_empty() {
            para(None, &[(time, false, Some("5D7284"))])
        } else {
            para(None, &[(&format!("{name}  "), true, None), (time, false, Some("5D7284"))])
        }
    }

    fn zip_docx(document_xml: &str) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default();
            z.start_file("[Content_Types].xml", opts).unwrap();
            z.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
            z.start_file("word/document.xml", opts).unwrap();
            z.write_all(document_xml.as_bytes()).unwrap();
            z.start_file("word/footer2.xml", opts).unwrap();
            z.write_all(format!(r#"<w:ftr {W}><w:p><w:r><w:t>- 1 -</w:t></w:r></w:p><w:p><w:r><w:t>Transcribed by https://otter.ai</w:t></w:r></w:p></w:ftr>"#).as_bytes()).unwrap();
            z.finish().unwrap();
        }
        buf.into_inner()
    }

    fn small_docx() -> Vec<u8> {
        let body = [
            para(Some("Title"), &[("Weekly ", false, None), ("sync", false, None)]),
            para(None, &[("March 3, 2025 9:05AM • 1:02:10", false, Some("4F6880"))]),
            para(Some("Heading2"), &[("SUMMARY KEYWORDS", false, None)]),
            para(None, &[("budget, roadmap, hiring.", false, Some("4F6880"))]),
            para(Some("Heading2"), &[("SPEAKERS", false, None)]),
            para(None, &[("Ann Lee, Bob", false, Some("4F6880"))]),
            para(Some("Heading1"), &[("SUMMARY", false, None)]),
            para(None, &[("We talked &amp; agreed.", false, None)]),
            para(Some("Heading2"), &[("Action Items", false, None)]),
            "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"3\"/></w:numPr></w:pPr><w:r><w:t>[ ] Ann: send notes</w:t></w:r></w:p>".to_string(),
            para(Some("Heading1"), &[("Outline", false, None)]),
            para(Some("Heading2"), &[("Budget", false, None)]),
            para(None, &[("Ann Lee presents numbers", false, None)]),
            para(Some("Heading1"), &[("TRANSCRIPT", false, None)]),
            "<w:p><w:hyperlink><w:r><w:t>https://otter.ai/u/abc?view=summary</w:t></w:r></w:hyperlink></w:p>".to_string(),
            "<w:p/>".to_string(),
            // The name split over two bold runs, as Word writes it after a re-save.
            para(None, &[("Ann ", true, None), ("Lee  ", true, None), ("00:05", false, Some("5D7284"))]),
            para(None, &[("Hello", false, None), (" there.", false, None)]),
            "<w:p/>".to_string(),
            header_para("Bob", "07:30"),
            para(None, &[("Hi Ann.", false, None)]),
            "<w:p/>".to_string(),
            header_para("", "10:33"),
            "<w:p><w:r><w:t>And</w:t><w:tab/><w:t>more.</w:t></w:r><w:r><w:drawing><w:t>ignored</w:t></w:drawing></w:r></w:p>".to_string(),
            "<w:p/>".to_string(),
            header_para("Ann Lee", "1:28:54"),
            "<w:p/>".to_string(),
        ];
        zip_docx(&format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{}</w:body></w:document>"#,
            body.concat()
        ))
    }

    #[test]
    fn reads_a_small_otter_docx() {
        let (doc, warnings) = read(&small_docx()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let m = &doc.metadata;
        assert_eq!(m.title.as_deref(), Some("Weekly sync"));
        assert_eq!(m.date.as_deref(), Some("March 3, 2025 9:05AM • 1:02:10"));
        assert_eq!(m.keywords, ["budget", "roadmap", "hiring"]);
        assert_eq!(m.speakers_listed, ["Ann Lee", "Bob"]);
        assert_eq!(m.summary.as_deref(), Some("We talked & agreed.\n\nAction Items\n- [ ] Ann: send notes"));
        assert_eq!(m.outline.as_deref(), Some("Budget\nAnn Lee presents numbers"));
        assert_eq!(m.preamble.as_deref(), Some("https://otter.ai/u/abc?view=summary"));
        assert_eq!(m.disclaimer.as_deref(), Some("Transcribed by https://otter.ai"));

        let turns: Vec<(&str, Ms, &str)> =
            doc.turns.iter().map(|t| (doc.speaker_name(t.speaker), t.start_ms, t.text.as_str())).collect();
        assert_eq!(
            turns,
            [
                ("Ann Lee", 5_000, "Hello there."),
                ("Bob", 450_000, "Hi Ann."),
                ("Bob", 633_000, "And\tmore."),
                ("Ann Lee", 5_334_000, ""),
            ]
        );
        assert_eq!(doc.speakers.len(), 2);
        assert_eq!(doc.turns[2].original.as_ref().unwrap().start_ms, Some(633_000));
    }

    #[test]
    fn headers_without_formatting_still_count() {
        let body = [
            para(None, &[("TRANSCRIPT", false, None)]),
            para(None, &[("Speaker 1  00:00", false, None)]),
            para(None, &[("One.", false, None)]),
            para(None, &[("Speaker 2  1:00:01", false, None)]),
            para(None, &[("Two.", false, None)]),
            para(None, &[("Second paragraph.", false, None)]),
            para(None, &[("Transcribed by https://otter.ai", false, None)]),
        ];
        let (doc, _) =
            read(&zip_docx(&format!("<w:document {W}><w:body>{}</w:body></w:document>", body.concat()))).unwrap();
        assert_eq!(doc.turns.len(), 2);
        assert_eq!(doc.speaker_name(doc.turns[1].speaker), "Speaker 2");
        assert_eq!(doc.turns[1].start_ms, 3_601_000);
        assert_eq!(doc.turns[1].text, "Two.\nSecond paragraph.");
        assert_eq!(doc.metadata.disclaimer.as_deref(), Some("Transcribed by https://otter.ai"));
    }

    #[test]
    fn continuation_before_any_name_is_unknown_with_warning() {
        let body = [
            para(Some("Heading1"), &[("TRANSCRIPT", false, None)]),
            header_para("", "00:03"),
            para(None, &[("Hm.", false, None)]),
        ];
        let (doc, w) =
            read(&zip_docx(&format!("<w:document {W}><w:body>{}</w:body></w:document>", body.concat()))).unwrap();
        assert_eq!(doc.turns.len(), 1);
        assert_eq!(doc.speaker_name(doc.turns[0].speaker), "Unknown Speaker");
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].line, 2);
    }

    #[test]
    fn damaged_xml_keeps_what_was_read() {
        let body = [
            para(Some("Heading1"), &[("TRANSCRIPT", false, None)]),
            header_para("Ann", "00:03"),
            para(None, &[("Hm.", false, None)]),
        ];
        let xml = format!("<w:document {W}><w:body>{}<w:p><w:r><w:t>broken &bogus; </w:p <<", body.concat());
        let (doc, w) = read(&zip_docx(&xml)).unwrap();
        assert_eq!(doc.turns.len(), 1);
        // The unclosed paragraph is kept; the unknown entity is kept as written.
        assert_eq!(doc.turns[0].text, "Hm.\nbroken &bogus;");
        assert!(w.iter().any(|w| w.message.contains("damaged")), "{w:?}");
    }

    #[test]
    fn not_a_docx_is_a_clear_error() {
        let e = read(b"PK\x03\x04 definitely not a zip").unwrap_err().to_string();
        assert!(e.starts_with("not a DOCX file"), "{e}");
        let e = read(b"hello").unwrap_err().to_string();
        assert!(e.starts_with("not a DOCX file"), "{e}");
        // A zip without word/document.xml.
        let mut buf = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            z.start_file("a.txt", zip::write::SimpleFileOptions::default()).unwrap();
            z.write_all(b"hi").unwrap();
            z.finish().unwrap();
        }
        let e = read(&buf.into_inner()).unwrap_err().to_string();
        assert!(e.contains("word/document.xml"), "{e}");
        // A docx with no transcript in it.
        let e = read(&zip_docx(&format!(
            "<w:document {W}><w:body>{}</w:body></w:document>",
            para(None, &[("Just a letter.", false, None)])
        )))
        .unwrap_err()
        .to_string();
        assert!(e.contains("no otter transcript"), "{e}");
    }

    #[test]
    fn truncated_docx_is_an_error_not_a_panic() {
        let bytes = small_docx();
        for cut in [4, 30, bytes.len() / 2, bytes.len() - 10] {
            let _ = read(&bytes[..cut]);
        }
    }

    #[test]
    fn zip_bomb_is_refused() {
        // 201 MB of zeros compresses to about 200 KB.
        let mut buf = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            z.start_file("word/document.xml", opts).unwrap();
            let chunk = vec![b' '; 1 << 20];
            for _ in 0..201 {
                z.write_all(&chunk).unwrap();
            }
            z.finish().unwrap();
        }
        let e = read(&buf.into_inner()).unwrap_err().to_string();
        assert!(e.contains("too large"), "{e}");
    }

    fn corpus(name: &str) -> Option<Vec<u8>> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus").join(name);
        match std::fs::read(&path) {
            Ok(b) => Some(b),
            Err(_) => {
                println!("skipping: {} is not available", path.display());
                None
            }
        }
    }

    #[test]
    fn corpus_board_announcement() {
        let Some(bytes) = corpus("fccps-2025-10-07-board-announcement_otter_ai.docx") else { return };
        let (doc, warnings) = read(&bytes).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(doc.turns.len(), 11);
        let m = &doc.metadata;
        assert_eq!(
            m.title.as_deref(),
            Some("FCCPS School Board Announces Comprehensive AI Policy Development Process")
        );
        assert_eq!(m.date.as_deref(), Some("October 7, 2025 2:12PM • 6:51"));
        assert_eq!(
            m.speakers_listed,
            ["Anne Sherwood", "Amie Murphy", "Tate Gould", "Bethany Anderson", "Aiden Harper"]
        );
        assert_eq!(m.keywords.first().map(String::as_str), Some("AI policy"));
        assert_eq!(m.keywords.last().map(String::as_str), Some("AI implications"));
        let summary = m.summary.as_deref().unwrap();
        assert!(summary.starts_with("The Falls Church City Public School Board announced"), "{summary}");
        assert!(summary.contains("\nAction Items\n- [ ] Publish and share"), "{summary}");
        assert!(summary.contains("age-appropriate AI policy"), "{summary}");
        assert!(m.outline.is_none());
        assert_eq!(m.preamble.as_deref(), Some("https://otter.ai/u/Heiu8-AwPDYhHmnukJ6keRAj2WI?view=summary"));
        assert_eq!(m.disclaimer.as_deref(), Some("Transcribed by https://otter.ai"));
        let t0 = &doc.turns[0];
        assert_eq!((doc.speaker_name(t0.speaker), t0.start_ms), ("Tate Gould", 0));
        assert_eq!(t0.text, "Now I can turn to ms Henderson and Mr. Anderson on board update on AI.");
        let t1 = &doc.turns[1];
        assert_eq!((doc.speaker_name(t1.speaker), t1.start_ms), ("Bethany Anderson", 5_000));
        let last = doc.turns.last().unwrap();
        assert_eq!((doc.speaker_name(last.speaker), last.start_ms), ("Tate Gould", 367_000));
        assert!(last.text.ends_with("with the school board and superintendent do."), "{}", last.text);
        assert!(doc.turns.iter().all(|t| !t.text.is_empty()));
    }

    #[test]
    fn corpus_meeting3_with_outline_and_continuations() {
        let Some(bytes) = corpus("fccps-2026-02-20-meeting3-speakerN_otter_ai.docx") else { return };
        let (doc, warnings) = read(&bytes).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(doc.turns.len(), 166);
        let m = &doc.metadata;
        assert_eq!(m.title.as_deref(), Some("FCCPS AI Advisory Committee Meeting 3"));
        assert!(m.date.as_deref().unwrap().starts_with("Fri, Feb 20, 2026 8:30AM • 1:15:50"), "{:?}", m.date);
        let outline = m.outline.as_deref().unwrap();
        assert!(outline.starts_with("Challenges in AI Policy Development\n- Thomas Colvin discusses"), "{outline}");
        assert!(outline.contains("\n\nVirginia Level Policy and Grade Bands\n- Thomas Colvin mentions"), "{outline}");
        assert!(
            m.summary.as_deref().unwrap().contains("Action Items\n- [ ] @John Black - Send another committee"),
            "{:?}",
            m.summary
        );
        let pre = m.preamble.as_deref().unwrap();
        assert!(
            pre.starts_with("https://otter.ai/u/TpP86O53zA1Ge6a2m8kSunoedC4?view=summary\n{First eight minutes"),
            "{pre}"
        );

        // 132 named headers + 34 time-only continuations.
        let continued = doc.turns.iter().filter(|t| t.original.as_ref().unwrap().speaker.is_none()).count();
        assert_eq!(continued, 34, "time-only headers record no name as written");
        assert!(doc.turns.iter().all(|t| doc.speaker_name(t.speaker) != "Unknown Speaker"));
        assert_eq!(doc.turns[0].start_ms, 0);
        assert_eq!(doc.speaker_name(doc.turns[0].speaker), "Thomas Colvin");
        assert_eq!(doc.turns[1].start_ms, 450_000);
        let last = doc.turns.last().unwrap();
        assert_eq!((doc.speaker_name(last.speaker), last.start_ms), ("Speaker 9", 4_546_000));
        assert_eq!(last.text, "you can't, it's a state, yeah, but it's like.");
        // John Black 10:26, then the bare 10:33 is John Black again.
        let i = doc.turns.iter().position(|t| t.start_ms == 633_000).unwrap();
        assert_eq!(doc.speaker_name(doc.turns[i].speaker), "John Black");
        assert_eq!(doc.speaker_name(doc.turns[i - 1].speaker), "John Black");
        assert!(doc.turns[i].text.starts_with("I would say this, AI, is not as bad"));
        // 1:15:11 continues Thomas Colvin.
        let i = doc.turns.iter().position(|t| t.start_ms == 4_511_000).unwrap();
        assert_eq!(doc.speaker_name(doc.turns[i].speaker), "Thomas Colvin");
        assert!(doc.turns.windows(2).all(|w| w[0].start_ms <= w[1].start_ms));
        assert!(doc.speakers.iter().any(|s| s.name == "Speaker 1"));
    }
}
