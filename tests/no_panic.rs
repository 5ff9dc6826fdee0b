//! No reader panics, whatever it is given: arbitrary bytes and strings, text made of the
//! formats' own tokens, and valid small files (otter TXT, SRT, WebVTT, Turnfix JSON, DOCX) with
//! random byte edits. Every format is forced in turn, and detection is tried too; each call
//! must return Ok (with turns, except Turnfix JSON which may be empty) or an error that starts
//! with the file name.
//!
//! The deeper, open-ended search is the cargo-fuzz crate in `fuzz/`.

#[path = "common/shared.rs"]
mod common;

use proptest::prelude::*;
use std::io::{Cursor, Write};
use turnfix::formats::{Format, read_bytes};
use turnfix::model::TranscriptBuilder;

const FILE: &str = "input.bin";

fn check_all(bytes: &[u8]) {
    for forced in std::iter::once(None).chain(Format::ALL.map(Some)) {
        check(bytes, forced);
    }
}

fn check(bytes: &[u8], forced: Option<Format>) {
    match read_bytes(bytes, FILE, forced) {
        Ok(import) => {
            if let Some(f) = forced {
                assert_eq!(import.format, f);
            }
            if import.format != Format::Json {
                assert!(!import.doc.turns.is_empty(), "Ok without turns ({forced:?})");
            }
            for t in &import.doc.turns {
                assert!(import.doc.speaker(t.speaker).is_some(), "a turn's speaker is missing ({forced:?})");
            }
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.starts_with(&format!("{FILE}: ")), "error does not name the file ({forced:?}): {msg}");
        }
    }
}

const OTTER_TXT: &str = "Ann Lee  0:00  \nHello there, welcome.\n\nBob  0:05  \nHi Ann.\n\n 0:09  \nStill Bob.\n\nAnn Lee  1:00:46  \n\nTranscribed by https://otter.ai\n";

const SRT: &str = "1\n00:00:00,000 --> 00:00:04,500\nAnn Lee: Hello there,\nhow are you?\n\n2\n00:00:04,500 --> 00:00:09,000\nand the rest.\n\n3\n00:00:09,000 --> 00:00:10,000\nBob: <i>Fine</i>.\n";

const VTT: &str = "WEBVTT - sample\n\nNOTE a comment\n\nSTYLE\n::cue { color: red }\n\nintro\n00:01.000 --> 00:04.500 align:start\n<v Ann Lee>Hello <c.x>there</c> &amp; <00:00:02.000>welcome</v>\n\n00:04.500 --> 01:00:09.000\n<v.loud Bob>Hi &lt;Ann&gt;&nbsp;&#8230;\n";

fn sample_json() -> Vec<u8> {
    let mut b = TranscriptBuilder::new();
    b.push(Some("Ann"), Some(0), None, "Hello");
    b.push(Some("Bob"), Some(5_000), Some(6_000), "Hi");
    b.metadata_mut().title = Some("Sample".into());
    turnfix::formats::json::to_string(&b.finish()).into_bytes()
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

fn document_xml() -> String {
    let p = |s: &str| format!("<w:p>{s}</w:p>");
    let r = |t: &str| format!(r#"<w:r><w:t xml:space="preserve">{t}</w:t></w:r>"#);
    let bold = |t: &str| format!(r#"<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{t}</w:t></w:r>"#);
    let grey = |t: &str| format!(r#"<w:r><w:rPr><w:color w:val="5D7284"/></w:rPr><w:t>{t}</w:t></w:r>"#);
    let h = |style: &str, t: &str| format!(r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{}</w:p>"#, r(t));
    let body = [
        h("Title", "Sample meeting"),
        p(&grey("March 3, 2025 9:05AM • 1:02:10")),
        h("Heading2", "SUMMARY KEYWORDS"),
        p(&r("alpha, beta")),
        h("Heading2", "SPEAKERS"),
        p(&r("Ann, Bob")),
        h("Heading1", "SUMMARY"),
        p(&r("A &amp; B.")),
        h("Heading1", "TRANSCRIPT"),
        p(&r("https://otter.ai/u/x")),
        p(&(bold("Ann  ") + &grey("00:00"))),
        p(&r("Hello.")),
        "<w:p/>".to_string(),
        p(&grey("00:04")),
        p(&(r("More") + "<w:tab/>" + &r("text."))),
        p(&(bold("Bob  ") + &grey("1:00:05"))),
        p(&r("Hi.")),
    ]
    .concat();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{body}</w:body></w:document>"#
    )
}

fn zip_docx(document: &[u8], deflate: bool) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let method = if deflate { zip::CompressionMethod::Deflated } else { zip::CompressionMethod::Stored };
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        z.start_file("[Content_Types].xml", opts).unwrap();
        z.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
        z.start_file("word/document.xml", opts).unwrap();
        z.write_all(document).unwrap();
        z.start_file("word/footer2.xml", opts).unwrap();
        z.write_all(
            format!("<w:ftr {W}><w:p><w:r><w:t>Transcribed by https://otter.ai</w:t></w:r></w:p></w:ftr>").as_bytes(),
        )
        .unwrap();
        z.finish().unwrap();
    }
    buf.into_inner()
}

#[derive(Clone, Debug)]
enum Edit {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
}

fn edits(max: usize) -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        4 => (any::<usize>(), 1u8..=255).prop_map(|(i, x)| Edit::Flip(i, x)),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Insert(i, b)),
        2 => any::<usize>().prop_map(Edit::Delete),
        1 => any::<usize>().prop_map(Edit::Truncate),
    ];
    prop::collection::vec(edit, 1..max)
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let n = bytes.len();
        match *e {
            Edit::Flip(i, x) if n > 0 => bytes[i % n] ^= x,
            Edit::Insert(i, b) => bytes.insert(i % (n + 1), b),
            Edit::Delete(i) if n > 0 => {
                bytes.remove(i % n);
            }
            Edit::Truncate(i) => bytes.truncate(i % (n + 1)),
            _ => {}
        }
    }
    bytes
}

const TOKENS: &[&str] = &[
    "\n",
    "\n\n",
    "  ",
    " ",
    "\t",
    "\r\n",
    "WEBVTT",
    "NOTE ",
    "STYLE",
    "REGION",
    "-->",
    " --> ",
    "00:00:01,000",
    "00:01.500",
    "1:00:46",
    "0:05",
    "99:99",
    "12",
    "Ann: ",
    "Speaker 1",
    "Unknown Speaker",
    "Bob  0:03  ",
    "**Ann**",
    "### ",
    "<v Ann>",
    "<v.loud Bob Lee>",
    "</v>",
    "<i>",
    "<c.x>",
    "<00:00:02.000>",
    "<",
    ">",
    "&amp;",
    "&nbsp;",
    "&#x1F600;",
    "&#99999999;",
    "&",
    ";",
    "{",
    "}",
    "\"format\": \"turnfix\"",
    "\"version\": 1",
    "[",
    "]",
    "Transcribed by https://otter.ai",
    "---",
    "\u{e9}",
    "\u{a0}",
    "\u{feff}",
    "\u{6f22}\u{5b57}",
];

/// Text made of the formats' structural tokens, so that random inputs reach deep into readers.
fn token_soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        4 => prop::sample::select(TOKENS).prop_map(str::to_string),
        1 => "[a-zA-Z ,.?]{1,12}",
    ];
    prop::collection::vec(token, 0..80).prop_map(|v| v.concat())
}

proptest! {
    // 256 cases per property by default; PROPTEST_CASES=10000 for a longer soak.
    #![proptest_config(ProptestConfig::with_cases(std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        check_all(&bytes);
    }

    #[test]
    fn arbitrary_bytes_after_a_zip_signature_never_panic(tail in prop::collection::vec(any::<u8>(), 0..512)) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        check(&bytes, None);
        check(&bytes, Some(Format::Docx));
    }

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        check_all(s.as_bytes());
    }

    #[test]
    fn token_soup_never_panics(s in token_soup()) {
        check_all(s.as_bytes());
    }

    #[test]
    fn mutated_otter_txt_never_panics(e in edits(12)) {
        check_all(&apply(OTTER_TXT.as_bytes().to_vec(), &e));
    }

    #[test]
    fn mutated_srt_never_panics(e in edits(12)) {
        check_all(&apply(SRT.as_bytes().to_vec(), &e));
    }

    #[test]
    fn mutated_vtt_never_panics(e in edits(12)) {
        check_all(&apply(VTT.as_bytes().to_vec(), &e));
    }

    #[test]
    fn mutated_json_never_panics(e in edits(12)) {
        check_all(&apply(sample_json(), &e));
    }

    #[test]
    fn docx_with_flipped_zip_bytes_never_panics(e in edits(8), deflate in any::<bool>()) {
        let bytes = apply(zip_docx(document_xml().as_bytes(), deflate), &e);
        check(&bytes, None);
        check(&bytes, Some(Format::Docx));
    }

    #[test]
    fn docx_with_mutated_xml_never_panics(e in edits(16), deflate in any::<bool>()) {
        let bytes = zip_docx(&apply(document_xml().into_bytes(), &e), deflate);
        check(&bytes, Some(Format::Docx));
    }
}

#[test]
fn the_unmutated_samples_read() {
    for (bytes, format) in [
        (SRT.as_bytes().to_vec(), Format::Srt),
        (VTT.as_bytes().to_vec(), Format::Vtt),
        (sample_json(), Format::Json),
        (zip_docx(document_xml().as_bytes(), true), Format::Docx),
    ] {
        let import = read_bytes(&bytes, FILE, None).unwrap_or_else(|e| panic!("{format}: {e}"));
        assert_eq!(import.format, format);
        assert!(!import.doc.turns.is_empty(), "{format}");
    }
    let docx = read_bytes(&zip_docx(document_xml().as_bytes(), false), FILE, None).unwrap();
    assert_eq!(docx.doc.turns.len(), 3);
}

#[test]
fn truncated_real_docx_never_panics() {
    let Some(path) = common::shared("corpus/fccps-2025-10-07-board-announcement_otter_ai.docx") else { return };
    let Ok(bytes) = std::fs::read(&path) else { panic!("{} cannot be read", path.display()) };
    let n = bytes.len();
    for cut in [0, 1, 4, 22, 100, n / 3, n / 2, n - 22, n - 1] {
        check(&bytes[..cut], Some(Format::Docx));
        check(&bytes[..cut], None);
    }
}

/// Found by `mutated_json_never_panics`: a multi-byte character across byte 200 of a file that
/// starts with `{` (the JSON sniffer slices the text at a fixed byte offset).
#[test]
fn json_sniff_with_a_multibyte_character_at_byte_200() {
    let text = format!("{{{}é\"turnfix\"", "a".repeat(198));
    check_all(text.as_bytes());
}
