//! Every transcript in `../shared/corpus` and `../shared/fixtures` read through
//! `turnfix::formats::read_path`, checked against counts verified by hand.
//!
//! How the expectations were verified (not copied from the reader's output):
//! * turns: header lines counted with grep/Python over the file (e.g.
//!   `grep -cE '^.+  [0-9]+:[0-9]{2}(:[0-9]{2})?  $' FILE` for raw otter headers; bold, bracketed
//!   and colon forms with the corresponding patterns), minus what must not be a turn (the
//!   duplicated copy in ladybug-44), plus the hand-edited headers noted per file;
//! * speakers: the distinct labels among those header lines (`sed` away the time, `sort | uniq -c`),
//!   exact spelling (case variants are distinct labels);
//! * first/last start: the first and last header's time, converted by hand to milliseconds.
//!
//! DOCX files were checked by unzipping `word/document.xml` and listing the paragraphs that end
//! with a time; the SRT by listing cue numbers, start times and `Name:` prefixes.

use std::path::{Path, PathBuf};
use turnfix::formats::{Format, read_path};

#[path = "common/shared.rs"]
mod common;

fn shared() -> Option<PathBuf> {
    common::shared("")
}

struct Expect {
    file: &'static str,
    turns: usize,
    speakers: usize,
    names: &'static [&'static str],
    first_ms: u64,
    last_ms: u64,
    format: Option<Format>,
}

fn check(base: &Path, e: &Expect) -> Result<(), String> {
    let path = base.join(e.file);
    let imp = read_path(&path, None).map_err(|err| format!("{}: {err}", e.file))?;
    let d = &imp.doc;
    let mut problems = Vec::new();
    if d.turns.len() != e.turns {
        problems.push(format!("turns {} (expected {})", d.turns.len(), e.turns));
    }
    if d.speakers.len() != e.speakers {
        let names: Vec<&str> = d.speakers.iter().map(|s| s.name.as_str()).collect();
        problems.push(format!("speakers {} {names:?} (expected {})", d.speakers.len(), e.speakers));
    }
    for n in e.names {
        if d.speaker_by_name(n).is_none() {
            problems.push(format!("no speaker {n:?}"));
        }
    }
    let first = d.turns.first().map(|t| t.start_ms);
    let last = d.turns.last().map(|t| t.start_ms);
    if first != Some(e.first_ms) {
        problems.push(format!("first start {first:?} (expected {})", e.first_ms));
    }
    if last != Some(e.last_ms) {
        problems.push(format!("last start {last:?} (expected {})", e.last_ms));
    }
    if let Some(f) = e.format
        && imp.format != f
    {
        problems.push(format!("format {} (expected {f})", imp.format));
    }
    if problems.is_empty() { Ok(()) } else { Err(format!("{}: {}", e.file, problems.join("; "))) }
}

fn check_all(list: &[Expect]) {
    let Some(base) = shared() else { return };
    let failures: Vec<String> = list.iter().filter_map(|e| check(&base, e).err()).collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The otter text family (TXT, web page, Markdown layouts).
#[test]
fn corpus_text_layouts() {
    check_all(&[
        // 162 'Name  M:SS  ' headers (grep); labels Emma 58, Kelly 3, Sidney 19, Tailor 1,
        // Unknown Speaker 81; first 0:00, last 55:21 = 3_321_000.
        Expect {
            file: "corpus/ladybug-62-security.md",
            turns: 162,
            speakers: 5,
            names: &["Emma", "Unknown Speaker", "Tailor"],
            first_ms: 0,
            last_ms: 3_321_000,
            format: Some(Format::OtterTxt),
        },
        // 94 headers: Ali 35, Kelly 31, Monica 27, 'Monica Powell' 1; last 53:24.
        Expect {
            file: "corpus/ladybug-55-git-and-github.txt",
            turns: 94,
            speakers: 4,
            names: &["Monica", "Monica Powell"],
            first_ms: 0,
            last_ms: 3_204_000,
            format: Some(Format::OtterTxt),
        },
        // 43 headers: Unknown Speaker 41, Ali 2; last 33:49.
        Expect {
            file: "corpus/ladybug-42-blm-unknown-speakers.md",
            turns: 43,
            speakers: 2,
            names: &["Unknown Speaker", "Ali"],
            first_ms: 0,
            last_ms: 2_029_000,
            format: Some(Format::OtterTxt),
        },
        // 104 bold headers, 52 before the footer on line 175 and the same 52 after it (diff of
        // lines 1-174 and 176-349 differs in two text lines only): the copy goes aside.
        // Labels Ali, Unknown Speaker, Timirah James; last of the first copy 53:55.
        Expect {
            file: "corpus/ladybug-44-mobile-dev-bold.md",
            turns: 52,
            speakers: 3,
            names: &["Timirah James", "Unknown Speaker"],
            first_ms: 0,
            last_ms: 3_235_000,
            format: Some(Format::Markdown),
        },
        // 83 headers match '^(\*\*)?Name(\*\*)?  M:SS  $' plus '****Rachel Nabors****  31:12'
        // (line 108) = 84; Ali 10, Emma 42, Rachel Nabors 31, Unknown Speaker 1; last 1:08:41.
        Expect {
            file: "corpus/ladybug-48-traveling-dev-mixed.md",
            turns: 84,
            speakers: 4,
            names: &["Rachel Nabors", "Unknown Speaker"],
            first_ms: 0,
            last_ms: 4_121_000,
            format: Some(Format::Markdown),
        },
        // 130 lines starting '**Name**' with a [time] (7 of them with text after the bracket,
        // one malformed '**Kelly**: [36:20]'); Ali, Emma, Kelly, Lindsey; last [01:06:29].
        Expect {
            file: "corpus/ladybug-03-blogging-bracketed.md",
            turns: 130,
            speakers: 4,
            names: &["Lindsey", "Kelly"],
            first_ms: 0,
            last_ms: 3_989_000,
            format: Some(Format::Markdown),
        },
        // 59 headers (32 before '-- TIMER RESET --', 27 after, restarting at 0:00); Danny
        // Silvers 30, Jonas Rosland 29; the last header is 29:24 (after the reset).
        Expect {
            file: "corpus/hitsave-lantana-games-2020.md",
            turns: 59,
            speakers: 2,
            names: &["Danny Silvers", "Jonas Rosland"],
            first_ms: 0,
            last_ms: 1_764_000,
            format: Some(Format::Markdown),
        },
        // 191 'Name  ' lines (grep '^[^ ].{0,40}[^ ]  $') plus 'Vicky Wei' without the trailing
        // spaces on line 51 (followed by 'January 2020.') = 192; Jon Lawitts, Jonas Rosland,
        // Rich McGrath, Vicky Wei; no times at all.
        Expect {
            file: "corpus/hitsave-redstart-no-timestamps.md",
            turns: 192,
            speakers: 4,
            names: &["Vicky Wei", "Rich McGrath"],
            first_ms: 0,
            last_ms: 0,
            format: Some(Format::Markdown),
        },
        // 213 headers: 5 named speakers + Unknown Speaker 1; first 0:22, last 1:38:16.
        Expect {
            file: "corpus/hitsave-super-marxist-twins-1h38.md",
            turns: 213,
            speakers: 6,
            names: &["Jim Bochanski", "Unknown Speaker"],
            first_ms: 22_000,
            last_ms: 5_896_000,
            format: Some(Format::Markdown),
        },
        // 60 headers (one-space gaps 'Daira-Emma 21:04  ' and 'Nate 30:00  ' included); 16
        // labels incl. kris/Kris, marek/Marek, Daira-Emma/Daira-emma/Daiar-Emma, Speaker 4;
        // first 7:52, last 43:25.
        Expect {
            file: "corpus/zcash-arborist-98-otter-in-notes.md",
            turns: 60,
            speakers: 16,
            names: &["kris", "Kris", "Speaker 4", "Daiar-Emma"],
            first_ms: 472_000,
            last_ms: 2_605_000,
            format: Some(Format::Markdown),
        },
        // 73 'Name: HH:MM:SS' headers (four with a stray space, 'Marek: 00: 22:38') and 11 otter
        // headers (str4d 7, Str4d 3, Speaker 4 1) = 84; labels Pili, Marek, Str4d, str4d,
        // Alfredo, Hazel, Pacu, Nate, Vivek, Jason, Conrado, Speaker 4 = 12; first 00:00:50,
        // last 00:52:50.
        Expect {
            file: "corpus/zcash-arborist-118-mixed-formats.md",
            turns: 84,
            speakers: 12,
            names: &["Pili", "str4d", "Str4d", "Speaker 4"],
            first_ms: 50_000,
            last_ms: 3_170_000,
            format: Some(Format::Markdown),
        },
        // 11 '**Name** MM:SS' lines; Tate Gould 6, Aiden Harper 2, Amie Murphy, Anne Sherwood,
        // Bethany Anderson; last 06:07.
        Expect {
            file: "corpus/fccps-2025-10-07-board-announcement_otter_ai.md",
            turns: 11,
            speakers: 5,
            names: &["Tate Gould", "Bethany Anderson"],
            first_ms: 0,
            last_ms: 367_000,
            format: Some(Format::Markdown),
        },
        // 132 '**Name** time' lines + 34 bare time lines (continuations) = 166; 14 labels
        // (5 names, Speaker 1..9); first 00:00, last 1:15:46.
        Expect {
            file: "corpus/fccps-2026-02-20-meeting3-speakerN_otter_ai.md",
            turns: 166,
            speakers: 14,
            names: &["John Black", "Speaker 9"],
            first_ms: 0,
            last_ms: 4_546_000,
            format: Some(Format::Markdown),
        },
        // 47 'Name\u{a0} MM:SS' headers (lines 61-244), 5 speakers; last 1:11:55.
        Expect {
            file: "fixtures/seed-panel/transcript.txt",
            turns: 47,
            speakers: 5,
            names: &["Metta Spencer", "Doug Saunders"],
            first_ms: 0,
            last_ms: 4_315_000,
            format: Some(Format::WebPage),
        },
        // The same conversation as otter's TXT: 47 'Name  M:SS  ' headers (lines 1-139).
        Expect {
            file: "fixtures/synthetic/seed-panel_otter_ai.txt",
            turns: 47,
            speakers: 5,
            names: &["Alexey Prokhorenko", "Konstantin Samoilov", "Andre Kamenshikov"],
            first_ms: 0,
            last_ms: 4_315_000,
            format: Some(Format::OtterTxt),
        },
    ]);
}

/// otter's DOCX export (reader written separately).
#[test]
fn corpus_docx() {
    check_all(&[
        // 12 paragraphs end with a time; one is the date line 'October 7, 2025 2:12PM • 6:51',
        // so 11 turns; 5 speakers; last 06:07.
        Expect {
            file: "corpus/fccps-2025-10-07-board-announcement_otter_ai.docx",
            turns: 11,
            speakers: 5,
            names: &["Tate Gould", "Aiden Harper"],
            first_ms: 0,
            last_ms: 367_000,
            format: Some(Format::Docx),
        },
        // 166 time paragraphs: 132 with a name, 34 time only (same speaker continues);
        // 14 speakers; last 'Speaker 9  1:15:46'.
        Expect {
            file: "corpus/fccps-2026-02-20-meeting3-speakerN_otter_ai.docx",
            turns: 166,
            speakers: 14,
            names: &["Thomas Colvin", "Speaker 9"],
            first_ms: 0,
            last_ms: 4_546_000,
            format: Some(Format::Docx),
        },
    ]);
}

/// otter-style SRT (reader written separately): one turn per cue.
#[test]
fn corpus_srt() {
    check_all(&[
        // 45 cues, each with a 'Name: ' prefix, 5 names; last cue 45 starts 01:11:55,500.
        // (The TXT's two empty segments have no cue.)
        Expect {
            file: "fixtures/synthetic/seed-panel_otter_ai.srt",
            turns: 45,
            speakers: 5,
            names: &["Metta Spencer", "Andre Kamenshikov"],
            first_ms: 0,
            last_ms: 4_315_500,
            format: Some(Format::Srt),
        },
    ]);
}

/// The seed panel's specific requirements.
#[test]
fn seed_panel_web_page() {
    let Some(base) = shared() else { return };
    let imp = read_path(&base.join("fixtures/seed-panel/transcript.txt"), None).expect("seed panel reads");
    let d = &imp.doc;
    assert_eq!(d.turns.len(), 47);
    // The empty turn at 02:16 (line 89: header, then two blank lines, then the next header).
    let empty = &d.turns[7];
    assert_eq!(d.speaker_name(empty.speaker), "Alexey Prokhorenko");
    assert_eq!(empty.start_ms, 136_000);
    assert_eq!(empty.text, "");
    assert!(imp.warnings.iter().any(|w| w.line == 89 && w.message.contains("empty")), "{:?}", imp.warnings);
    // Two turns share 02:16 (lines 85 and 89).
    assert_eq!(d.turns[6].start_ms, 136_000);
    // The last turn (line 244, Metta Spencer 1:11:55) has no page furniture in it; the
    // furniture (line 249 on) is set aside with a warning.
    let last = d.turns.last().unwrap();
    assert_eq!(d.speaker_name(last.speaker), "Metta Spencer");
    assert_eq!(last.start_ms, 4_315_000);
    assert!(!last.text.contains("Select the Videos"));
    assert!(d.turns.iter().all(|t| !t.text.contains("Select the Videos from Right")));
    assert!(d.aside.iter().any(|a| a.line == 249 && a.text.starts_with("Select the Videos from Right")));
    assert!(imp.warnings.iter().any(|w| w.line == 249));
    // Metadata: line 1 title; keywords line 14; speaker list line 17; disclaimer line 57.
    let m = &d.metadata;
    assert_eq!(m.title.as_deref(), Some("Episode 554 Russians Who Left Russia"));
    assert!(m.description.as_deref().unwrap().starts_with("Konstantin Samoilov and Alexey Prokhorenko are among"));
    assert_eq!(m.keywords.len(), 20);
    assert_eq!(m.keywords[0], "Russia");
    assert_eq!(
        m.speakers_listed,
        ["Konstantin Samoilov", "Alexey Prokhorenko", "Andre Kamenshikov", "Metta Spencer", "Doug Saunders"]
    );
    assert!(m.summary.as_deref().unwrap().starts_with("In this discussion, three Russian exiles"));
    assert!(m.disclaimer.as_deref().unwrap().starts_with("The following transcript has been machine generated"));
    // The first turn's text is on line 63.
    assert!(d.turns[0].text.starts_with("Hi, I’m Metta Spencer."));
}

/// The raw TXT of the same conversation agrees with the web page on speakers and times.
#[test]
fn seed_panel_txt_matches_web_page() {
    let Some(base) = shared() else { return };
    let web = read_path(&base.join("fixtures/seed-panel/transcript.txt"), None).expect("web page");
    let txt = read_path(&base.join("fixtures/synthetic/seed-panel_otter_ai.txt"), None).expect("txt");
    assert_eq!(web.doc.turns.len(), txt.doc.turns.len());
    for (a, b) in web.doc.turns.iter().zip(&txt.doc.turns) {
        assert_eq!(a.start_ms, b.start_ms);
        assert_eq!(web.doc.speaker_name(a.speaker), txt.doc.speaker_name(b.speaker));
    }
    assert_eq!(txt.doc.metadata.disclaimer.as_deref(), Some("Transcribed by https://otter.ai"));
    // Empty segments at 2:16 (line 22) and 1:11:55 (line 139).
    assert_eq!(txt.doc.turns[7].text, "");
    assert!(txt.warnings.iter().any(|w| w.line == 22));
    assert!(txt.warnings.iter().any(|w| w.line == 139));
    assert!(txt.doc.aside.is_empty());
}

/// ladybug-44: the copy after the first footer is set aside, not read as more turns.
#[test]
fn duplicated_transcript_is_set_aside() {
    let Some(base) = shared() else { return };
    let imp = read_path(&base.join("corpus/ladybug-44-mobile-dev-bold.md"), None).expect("reads");
    assert_eq!(imp.doc.turns.len(), 52);
    assert_eq!(imp.doc.aside.len(), 1);
    assert_eq!(imp.doc.aside[0].line, 176);
    assert!(imp.warnings.iter().any(|w| w.line == 176));
}

/// zcash-118 mixes two header styles: read, with a warning saying so.
#[test]
fn hybrid_headers_warn() {
    let Some(base) = shared() else { return };
    let imp = read_path(&base.join("corpus/zcash-arborist-118-mixed-formats.md"), None).expect("reads");
    assert!(imp.warnings.iter().any(|w| w.message.contains("two header styles")), "{:?}", imp.warnings);
}

/// fccps Markdown from DOCX: the outline and summary are metadata, not turns.
#[test]
fn docx_markdown_sections() {
    let Some(base) = shared() else { return };
    let imp = read_path(&base.join("corpus/fccps-2026-02-20-meeting3-speakerN_otter_ai.md"), None).expect("reads");
    let m = &imp.doc.metadata;
    assert!(m.outline.as_deref().unwrap().starts_with("## Challenges in AI Policy Development"));
    assert!(m.summary.as_deref().unwrap().starts_with("The meeting focused on"));
    assert_eq!(m.title.as_deref(), Some("FCCPS AI Advisory Committee Meeting 3"));
    assert_eq!(m.speakers_listed.len(), 14);
    // Line 118 '10:33' continues John Black (line 114, '**John Black** 10:26').
    let t = imp.doc.turns.iter().find(|t| t.start_ms == 633_000).expect("turn at 10:33");
    assert_eq!(imp.doc.speaker_name(t.speaker), "John Black");
}
