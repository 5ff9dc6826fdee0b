//! A Word document laid out like otter's DOCX export (../shared/formats/otter.md §3): the
//! title, a grey date line, SUMMARY KEYWORDS, SPEAKERS, SUMMARY, OUTLINE, then TRANSCRIPT with,
//! per turn, a paragraph holding the bold name and the grey time, the text paragraph and an
//! empty paragraph. A turn that goes on from the same speaker shows only its time, as otter's
//! does. The package is minimal OOXML: `[Content_Types].xml`, `_rels/.rels`,
//! `docProps/core.xml`, `word/document.xml`, `word/styles.xml` and the document's rels.
//! Entries carry a fixed date, so the same document always gives the same bytes.

use super::{ExportError, ExportOptions, TimeStyle, header, no_blank_lines, one_line, rule_blocks};
use crate::model::Transcript;
use std::io::Write;

/// otter's colours: the date and lists, and the turn times.
const GREY_META: &str = "4F6880";
const GREY_TIME: &str = "5D7284";

struct Run {
    text: String,
    bold: bool,
    color: Option<&'static str>,
}

struct Para {
    style: Option<&'static str>,
    runs: Vec<Run>,
    /// No space after (the transcript's paragraphs, as otter's).
    tight: bool,
}

impl Para {
    fn styled(style: &'static str, text: &str) -> Para {
        Para { style: Some(style), runs: vec![run(text)], tight: false }
    }
    fn plain(runs: Vec<Run>, tight: bool) -> Para {
        Para { style: None, runs, tight }
    }
}

fn run(text: &str) -> Run {
    Run { text: text.to_string(), bold: false, color: None }
}

fn grey(text: &str) -> Run {
    Run { text: text.to_string(), bold: false, color: Some(GREY_META) }
}

/// Paragraphs of possibly multi-line text (split on blank lines).
fn text_paras(text: &str, out: &mut Vec<Para>) {
    for chunk in text.split("\n\n").map(no_blank_lines).filter(|c| !c.is_empty()) {
        out.push(Para::plain(vec![run(&chunk)], false));
    }
}

fn paragraphs(doc: &Transcript, opts: &ExportOptions) -> Vec<Para> {
    let h = header(doc, opts);
    let mut out = Vec::new();
    if let Some(t) = &h.title {
        out.push(Para::styled("Title", t));
    }
    if let Some(d) = &h.date {
        out.push(Para::plain(vec![grey(d)], false));
    }
    if let Some(d) = h.description {
        text_paras(d, &mut out);
    }
    if !h.keywords.is_empty() {
        out.push(Para::styled("Heading2", "SUMMARY KEYWORDS"));
        out.push(Para::plain(vec![grey(&one_line(&h.keywords.join(", ")))], false));
    }
    if !h.speakers.is_empty() {
        out.push(Para::styled("Heading2", "SPEAKERS"));
        out.push(Para::plain(vec![grey(&one_line(&h.speakers.join(", ")))], false));
    }
    if let Some(s) = h.summary {
        out.push(Para::styled("Heading1", "SUMMARY"));
        text_paras(s, &mut out);
    }
    if let Some(s) = h.outline {
        out.push(Para::styled("Heading1", "OUTLINE"));
        text_paras(s, &mut out);
    }
    if opts.header {
        out.push(Para::styled("Heading1", "TRANSCRIPT"));
    }
    let mut prev_speaker: Option<&str> = None;
    for b in rule_blocks(doc, opts) {
        let name = one_line(b.speaker);
        let continuing = prev_speaker == Some(b.speaker);
        prev_speaker = Some(b.speaker);
        let mut runs = Vec::new();
        if opts.names && !(continuing && opts.timestamps) {
            let gap = if opts.timestamps { "  " } else { "" };
            runs.push(Run { text: format!("{name}{gap}"), bold: true, color: None });
        }
        if opts.timestamps {
            let t = opts.time_style.format(b.start, TimeStyle::Padded);
            runs.push(Run { text: t, bold: false, color: Some(GREY_TIME) });
        }
        let text = no_blank_lines(&b.text);
        if runs.is_empty() && text.is_empty() {
            continue;
        }
        if !runs.is_empty() {
            out.push(Para::plain(runs, true));
        }
        out.push(Para::plain(if text.is_empty() { vec![] } else { vec![run(&text)] }, true));
        out.push(Para::plain(vec![], true));
    }
    out
}

/// The document's paragraphs as text, one per entry (what [`super::preview`] shows).
pub(crate) fn paragraph_texts(doc: &Transcript, opts: &ExportOptions) -> Vec<String> {
    paragraphs(doc, opts).iter().map(|p| p.runs.iter().map(|r| r.text.as_str()).collect::<String>()).collect()
}

/// XML text: escaped, without the control characters XML 1.0 forbids, tabs as spaces.
fn xml_text(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            '\n' | '\r' => Some(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => None,
            c => Some(c),
        })
        .collect();
    quick_xml::escape::escape(clean.as_str()).into_owned()
}

fn document_xml(paras: &[Para]) -> String {
    let mut x = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "\n",
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
        "<w:body>\n"
    ));
    for p in paras {
        x.push_str("<w:p>");
        if p.style.is_some() || p.tight {
            x.push_str("<w:pPr>");
            if let Some(s) = p.style {
                x.push_str(&format!(r#"<w:pStyle w:val="{s}"/>"#));
            }
            if p.tight {
                x.push_str(r#"<w:spacing w:after="0"/>"#);
            }
            x.push_str("</w:pPr>");
        }
        for r in &p.runs {
            x.push_str("<w:r>");
            if r.bold || r.color.is_some() {
                x.push_str("<w:rPr>");
                if r.bold {
                    x.push_str("<w:b/>");
                }
                if let Some(c) = r.color {
                    x.push_str(&format!(r#"<w:color w:val="{c}"/>"#));
                }
                x.push_str("</w:rPr>");
            }
            for (i, line) in r.text.split('\n').enumerate() {
                if i > 0 {
                    x.push_str("<w:br/>");
                }
                x.push_str(&format!(r#"<w:t xml:space="preserve">{}</w:t>"#, xml_text(line)));
            }
            x.push_str("</w:r>");
        }
        x.push_str("</w:p>\n");
    }
    x.push_str(concat!(
        r#"<w:sectPr><w:pgSz w:w="12240" w:h="15840"/>"#,
        r#"<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="720" w:footer="720" w:gutter="0"/>"#,
        "</w:sectPr></w:body></w:document>\n"
    ));
    x
}

const CONTENT_TYPES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
    r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
    r#"<Default Extension="xml" ContentType="application/xml"/>"#,
    r#"<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#,
    r#"<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>"#,
    r#"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#,
    "</Types>\n"
);

const ROOT_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#,
    "</Relationships>\n"
);

const DOCUMENT_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
    "</Relationships>\n"
);

const STYLES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    r#"<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="Arial" w:cs="Arial"/>"#,
    r#"<w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="en-US"/></w:rPr></w:rPrDefault>"#,
    r#"<w:pPrDefault><w:pPr><w:spacing w:after="160" w:line="259" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>"#,
    r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>"#,
    r#"<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>"#,
    r#"<w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:sz w:val="48"/><w:szCs w:val="48"/></w:rPr></w:style>"#,
    r#"<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>"#,
    r#"<w:pPr><w:keepNext/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>"#,
    r#"<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>"#,
    r#"<w:pPr><w:keepNext/><w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>"#,
    "</w:styles>\n"
);

fn core_xml(doc: &Transcript) -> String {
    let title = doc.metadata.title.as_deref().map(one_line).unwrap_or_default();
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\n",
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
            r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
            r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<dc:title>{}</dc:title><dc:creator>Turnfix</dc:creator></cp:coreProperties>\n"
        ),
        xml_text(&title)
    )
}

/// The `word/document.xml` part alone (for tests and golden files).
pub(crate) fn document_part(doc: &Transcript, opts: &ExportOptions) -> String {
    document_xml(&paragraphs(doc, opts))
}

pub(crate) fn write(doc: &Transcript, opts: &ExportOptions) -> Result<Vec<u8>, ExportError> {
    let mut zw = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let parts: [(&str, std::borrow::Cow<str>); 6] = [
        ("[Content_Types].xml", CONTENT_TYPES.into()),
        ("_rels/.rels", ROOT_RELS.into()),
        ("docProps/core.xml", core_xml(doc).into()),
        ("word/document.xml", document_part(doc, opts).into()),
        ("word/styles.xml", STYLES.into()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.into()),
    ];
    for (name, body) in parts {
        zw.start_file(name, o)?;
        zw.write_all(body.as_bytes())?;
    }
    Ok(zw.finish()?.into_inner())
}
