//! Tests of the DOCX reader.
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
    assert_eq!(m.title.as_deref(), Some("FCCPS School Board Announces Comprehensive AI Policy Development Process"));
    assert_eq!(m.date.as_deref(), Some("October 7, 2025 2:12PM • 6:51"));
    assert_eq!(m.speakers_listed, ["Anne Sherwood", "Amie Murphy", "Tate Gould", "Bethany Anderson", "Aiden Harper"]);
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
