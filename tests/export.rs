//! Export writers: golden files per writer and option, strict SRT and WebVTT checkers, the DOCX
//! package, import(export(doc)) round trips, the corrections report, the seed panel in every
//! format, and the `convert` / `report` command lines.
//!
//! Golden files live in tests/golden/*.expected; `UPDATE_GOLDEN=1 cargo test --test export`
//! rewrites them (then read the diff before committing).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use turnfix::edit::{self, Edit, Scope};
use turnfix::export::{self, CsvTimes, ExportFormat, ExportOptions, TimeStyle};
use turnfix::formats;
use turnfix::model::{Extra, Ms, Source, Transcript, TranscriptBuilder, TurnId};

// ---------------------------------------------------------------------------------------------
// The small document and helpers
// ---------------------------------------------------------------------------------------------

const LONG: &str = "I have a long update today about the budget, the plans for the next quarter \
and the hiring that we discussed last week, so bear with me.";

/// A small transcript with what exports must cope with: two turns in a row by one speaker, a
/// long turn, an empty turn, a time past one hour, a turn with an end, quotes, commas, markup
/// characters, a tab and a line break.
fn sample() -> Transcript {
    let mut b = TranscriptBuilder::new();
    let m = b.metadata_mut();
    m.title = Some("Quarterly call: “budget” & plans".into());
    m.date = Some("March 3, 2024 10:00AM".into());
    m.keywords = vec!["budget".into(), "hiring".into()];
    b.push(Some("Ann Lee"), Some(0), None, "Hello everyone, and welcome to the call.");
    b.push(Some("Bob"), Some(5_000), None, "Thanks, Ann.");
    b.push(Some("Bob"), Some(7_250), None, LONG);
    b.push(Some("Ann Lee"), Some(31_000), None, "");
    b.push(
        Some("Speaker 3"),
        Some(3_723_000),
        None,
        "Quotes \"like this\", commas, <tags> & ampersands;\na second line with a\ttab.",
    );
    b.push(Some("Ann Lee"), Some(3_730_500), Some(3_735_000), "Thanks — bye.");
    let mut d = b.finish();
    d.source = Some(Source {
        file: "call_otter_ai.txt".into(),
        format: "otter-txt".into(),
        sha256: "0".repeat(64),
        turns: 6,
        extra: Extra::new(),
    });
    d
}

/// The sample after a session of corrections: a text edit, a reassignment, a retime, a
/// rename, a split, a merge, a deletion and an insertion.
fn corrected() -> Transcript {
    let mut d = sample();
    let apply = |d: &mut Transcript, e: Edit| {
        e.apply(d).expect("edit applies");
    };
    let ann = d.speaker_by_name("Ann Lee").unwrap();
    let s3 = d.speaker_by_name("Speaker 3").unwrap();
    apply(&mut d, Edit::SetText { turn: TurnId(1), text: "Hello everyone and welcome to our call.".into() });
    let e = edit::set_speaker(&d, TurnId(2), Scope::Turn, ann).unwrap();
    apply(&mut d, e);
    let e = edit::retime(&d, TurnId(2), 5_500, None).unwrap();
    apply(&mut d, e);
    apply(&mut d, Edit::RenameSpeaker { speaker: s3, name: "Cleo <Park>".into() });
    let at = LONG.find("so bear").unwrap();
    let e = edit::split_turn(&d, TurnId(3), at).unwrap();
    apply(&mut d, e);
    let e = edit::merge_with_next(&d, TurnId(5)).unwrap();
    apply(&mut d, e);
    apply(&mut d, Edit::DeleteTurn { turn: TurnId(4) });
    let bob = d.speaker_by_name("Bob").unwrap();
    let last = d.turns.len() - 1;
    let (e, _) = edit::insert_turn(&d, Some(last), bob, 3_736_000, "One more thing & that's it.").unwrap();
    apply(&mut d, e);
    d
}

fn opts() -> ExportOptions {
    ExportOptions::default()
}

fn text(doc: &Transcript, fmt: ExportFormat, o: &ExportOptions) -> String {
    String::from_utf8(export::export(doc, fmt, o).expect("export")).expect("UTF-8")
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Compare with tests/golden/NAME.expected, or rewrite it when UPDATE_GOLDEN=1.
fn golden(name: &str, actual: &str) {
    let path = golden_dir().join(format!("{name}.expected"));
    if std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1 to create it)", path.display()));
    if expected != actual {
        let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).map_or_else(
            || format!("lengths differ: {} vs {} lines", expected.lines().count(), actual.lines().count()),
            |i| {
                format!(
                    "line {}:\n  expected: {:?}\n  actual:   {:?}",
                    i + 1,
                    expected.lines().nth(i).unwrap(),
                    actual.lines().nth(i).unwrap()
                )
            },
        );
        panic!("{name}: output differs from {} at {line}\n--- actual ---\n{actual}", path.display());
    }
}

/// Whitespace runs as single spaces.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------------
// Golden files per writer and option
// ---------------------------------------------------------------------------------------------

#[test]
fn golden_otter_txt() {
    let d = sample();
    golden("otter_txt", &text(&d, ExportFormat::OtterTxt, &opts()));
    golden("otter_txt_no_names", &text(&d, ExportFormat::OtterTxt, &ExportOptions { names: false, ..opts() }));
    golden(
        "otter_txt_no_timestamps",
        &text(&d, ExportFormat::OtterTxt, &ExportOptions { timestamps: false, ..opts() }),
    );
    golden(
        "otter_txt_bare",
        &text(&d, ExportFormat::OtterTxt, &ExportOptions { names: false, timestamps: false, ..opts() }),
    );
    golden(
        "otter_txt_merged_clock_footer",
        &text(
            &d,
            ExportFormat::OtterTxt,
            &ExportOptions { merge_same_speaker: true, time_style: TimeStyle::Clock, footer: true, ..opts() },
        ),
    );
}

#[test]
fn otter_txt_layout_is_exact() {
    let out = text(&sample(), ExportFormat::OtterTxt, &ExportOptions { footer: true, empty_turns: true, ..opts() });
    assert!(out.starts_with("Ann Lee  0:00  \nHello everyone, and welcome to the call.\n\nBob  0:05  \n"), "{out}");
    assert!(out.contains("\n\nAnn Lee  0:31  \n\n\nSpeaker 3  1:02:03  \n"), "the empty turn keeps its block: {out}");
    assert!(out.ends_with("Thanks — bye.\n\nTranscribed by https://otter.ai\n"), "{out}");
    // One line of text per block.
    assert!(out.contains("ampersands; a second line with a tab.\n"));
}

#[test]
fn golden_text_and_markdown() {
    let d = sample();
    golden("text", &text(&d, ExportFormat::Text, &opts()));
    golden(
        "text_no_header_clock",
        &text(&d, ExportFormat::Text, &ExportOptions { header: false, time_style: TimeStyle::Clock, ..opts() }),
    );
    golden("text_no_names", &text(&d, ExportFormat::Text, &ExportOptions { names: false, ..opts() }));
    golden("md", &text(&d, ExportFormat::Markdown, &opts()));
    golden(
        "md_merged_no_timestamps",
        &text(&d, ExportFormat::Markdown, &ExportOptions { merge_same_speaker: true, timestamps: false, ..opts() }),
    );
    golden(
        "md_no_names_padded",
        &text(&d, ExportFormat::Markdown, &ExportOptions { names: false, time_style: TimeStyle::Padded, ..opts() }),
    );
}

#[test]
fn markdown_bolds_names_and_escapes_text() {
    let md = text(&sample(), ExportFormat::Markdown, &opts());
    assert!(md.starts_with("# Quarterly call: “budget” & plans\n"), "{md}");
    assert!(md.contains("**Ann Lee**  0:00  \nHello everyone"), "{md}");
    assert!(md.contains("\\<tags\\>"), "markup characters are escaped: {md}");
    assert!(md.contains("**Speakers:** Ann Lee, Bob, Speaker 3"));
}

#[test]
fn golden_captions() {
    let d = sample();
    golden("srt", &text(&d, ExportFormat::Srt, &opts()));
    golden("vtt", &text(&d, ExportFormat::Vtt, &opts()));
    let narrow =
        ExportOptions { caption_line_chars: 20, caption_lines: 1, caption_max_ms: 3_000, names: false, ..opts() };
    golden("srt_narrow_no_names", &text(&d, ExportFormat::Srt, &narrow));
    golden("vtt_narrow_no_names", &text(&d, ExportFormat::Vtt, &narrow));
}

#[test]
fn golden_docx_document_xml() {
    let d = sample();
    golden("docx_document", &docx_part(&export::export(&d, ExportFormat::Docx, &opts()).unwrap(), "word/document.xml"));
    golden(
        "docx_document_merged_no_header",
        &docx_part(
            &export::export(
                &d,
                ExportFormat::Docx,
                &ExportOptions { merge_same_speaker: true, header: false, ..opts() },
            )
            .unwrap(),
            "word/document.xml",
        ),
    );
}

#[test]
fn golden_csv_and_tsv() {
    let d = sample();
    golden("csv", &text(&d, ExportFormat::Csv, &opts()));
    golden(
        "csv_ms_merged",
        &text(&d, ExportFormat::Csv, &ExportOptions { csv_times: CsvTimes::Ms, merge_same_speaker: true, ..opts() }),
    );
    golden("tsv", &text(&d, ExportFormat::Tsv, &opts()));
}

#[test]
fn golden_reports() {
    let d = corrected();
    golden("report_md", &text(&d, ExportFormat::ReportMarkdown, &opts()));
    golden("report_html", &text(&d, ExportFormat::ReportHtml, &opts()));
    golden("report_md_unchanged", &text(&sample(), ExportFormat::ReportMarkdown, &opts()));
}

// ---------------------------------------------------------------------------------------------
// CSV / TSV read back
// ---------------------------------------------------------------------------------------------

/// An RFC 4180 reader: quoted fields may hold separators, quotes (doubled) and line breaks.
fn parse_csv(s: &str, sep: char) -> Vec<Vec<String>> {
    if sep == '\t' {
        // TSV has no quoting: a tab separates, a line feed ends the row.
        return s.lines().map(|l| l.split('\t').map(String::from).collect()).collect();
    }
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = s.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else if c == '"' && field.is_empty() {
            quoted = true;
        } else if c == sep {
            row.push(std::mem::take(&mut field));
        } else if c == '\n' {
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
        } else {
            assert_ne!(c, '"', "a bare quote inside an unquoted field");
            field.push(c);
        }
    }
    assert!(!quoted && field.is_empty() && row.is_empty(), "the file ends inside a row");
    rows
}

#[test]
fn csv_reads_back_field_for_field() {
    let d = sample();
    // Every turn, the empty one too.
    let all = ExportOptions { empty_turns: true, ..opts() };
    let rows = parse_csv(&text(&d, ExportFormat::Csv, &all), ',');
    assert_eq!(rows[0], ["start", "end", "speaker", "text"]);
    assert_eq!(rows.len(), d.turns.len() + 1);
    for (r, (i, t)) in rows[1..].iter().zip(d.turns.iter().enumerate()) {
        assert_eq!(r.len(), 4);
        assert_eq!(r[2], d.speaker_name(t.speaker));
        assert_eq!(r[3], t.text.trim());
        let ms = |s: &str| turnfix::model::parse_clock(s).unwrap();
        assert_eq!(ms(&r[0]), t.start_ms);
        assert_eq!(ms(&r[1]), d.effective_end(i));
    }
    let rows = parse_csv(&text(&d, ExportFormat::Tsv, &all), '\t');
    assert!(rows.iter().all(|r| r.len() == 4), "TSV rows have 4 fields: {rows:?}");
    assert_eq!(rows.len(), d.turns.len() + 1);
}

// ---------------------------------------------------------------------------------------------
// Strict SubRip and WebVTT checkers
// ---------------------------------------------------------------------------------------------

struct CueCheck {
    start: Ms,
    end: Ms,
    lines: Vec<String>,
}

fn hms(h: &str, m: &str, s: &str, ms: &str) -> Ms {
    ((h.parse::<u64>().unwrap() * 60 + m.parse::<u64>().unwrap()) * 60 + s.parse::<u64>().unwrap()) * 1000
        + ms.parse::<u64>().unwrap()
}

/// A strict SubRip parser: cues separated by exactly one blank line, numbered 1, 2, 3...,
/// `HH:MM:SS,mmm --> HH:MM:SS,mmm` with minutes and seconds below 60, at least one text line,
/// every cue ending after it starts and starting no earlier than the previous one ends.
fn strict_srt(s: &str) -> Result<Vec<CueCheck>, String> {
    let time =
        regex::Regex::new(r"^(\d{2,}):([0-5]\d):([0-5]\d),(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d),(\d{3})$").unwrap();
    if s.is_empty() {
        return Ok(vec![]);
    }
    if !s.ends_with('\n') || s.ends_with("\n\n") || s.contains('\r') || s.starts_with('\u{feff}') {
        return Err("the file must end with one newline, with LF line ends and no BOM".into());
    }
    let mut cues: Vec<CueCheck> = Vec::new();
    for (k, block) in s[..s.len() - 1].split("\n\n").enumerate() {
        let lines: Vec<&str> = block.split('\n').collect();
        if lines.len() < 3 {
            return Err(format!("cue {}: needs a number, a timing line and text: {block:?}", k + 1));
        }
        if lines[0] != (k + 1).to_string() {
            return Err(format!("cue {}: numbered {:?}", k + 1, lines[0]));
        }
        let c = time.captures(lines[1]).ok_or_else(|| format!("cue {}: bad timing line {:?}", k + 1, lines[1]))?;
        let start = hms(&c[1], &c[2], &c[3], &c[4]);
        let end = hms(&c[5], &c[6], &c[7], &c[8]);
        if end <= start {
            return Err(format!("cue {}: ends at or before it starts", k + 1));
        }
        if let Some(p) = cues.last()
            && start < p.end
        {
            return Err(format!("cue {}: overlaps the cue before", k + 1));
        }
        let text: Vec<String> = lines[2..].iter().map(|l| l.to_string()).collect();
        if text.iter().any(|l| l.trim().is_empty() || l.contains("-->")) {
            return Err(format!("cue {}: empty text line or an arrow in the text", k + 1));
        }
        cues.push(CueCheck { start, end, lines: text });
    }
    Ok(cues)
}

/// A strict WebVTT checker, after the WebVTT spec's file syntax (W3C WebVTT, "WebVTT file
/// body" and "cue timings"): the `WEBVTT` signature, then blocks separated by blank lines;
/// each cue an optional identifier without `-->`, a timing line `[hh:]mm:ss.ttt --> [hh:]mm:ss.ttt`
/// (hours two or more digits, minutes and seconds below 60), an end after the start, starts in
/// order; a payload with no blank line and no `-->`; every `&` a character reference and every
/// `<` a known cue span tag or a timestamp, tags balanced. Beyond the spec (as these files promise):
/// no overlapping cues.
fn strict_vtt(s: &str) -> Result<Vec<CueCheck>, String> {
    let ts = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})";
    let timing = regex::Regex::new(&format!(r"^{ts}[ \t]+-->[ \t]+{ts}(?:[ \t]+.*)?$")).unwrap();
    let tag = regex::Regex::new(
        r"^<(?:(/?)(c|i|b|u|ruby|rt|v|lang)((?:\.[^\s.>]+)*)(?:[ \t]([^>\n]*))?|(\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3})>",
    )
    .unwrap();
    let entity = regex::Regex::new(r"^&(?:amp|lt|gt|lrm|rlm|nbsp|#\d+|#[xX][0-9a-fA-F]+);").unwrap();
    if s.contains('\0') || s.contains('\r') {
        return Err("NUL or CR in the file".into());
    }
    let rest = s.strip_prefix("WEBVTT").ok_or("the file must start with WEBVTT")?;
    if !(rest.is_empty() || rest.starts_with(['\n', ' ', '\t'])) {
        return Err("WEBVTT must be followed by a space, a tab or a line end".into());
    }
    let mut blocks = rest.split("\n\n");
    let header = blocks.next().unwrap();
    if header.contains("-->") {
        return Err("the header holds a cue timing".into());
    }
    let ms = |h: Option<regex::Match>, m: &str, s: &str, t: &str| hms(h.map_or("0", |h| h.as_str()), m, s, t);
    let mut cues: Vec<CueCheck> = Vec::new();
    for block in blocks {
        let block = block.trim_start_matches('\n');
        if block.is_empty() {
            continue;
        }
        let mut lines: Vec<&str> = block.trim_end_matches('\n').split('\n').collect();
        if lines[0].starts_with("NOTE") || lines[0].starts_with("STYLE") || lines[0].starts_with("REGION") {
            if block.contains("-->") {
                return Err("a NOTE/STYLE/REGION block holds -->".into());
            }
            continue;
        }
        if !lines[0].contains("-->") {
            lines.remove(0); // identifier
            if lines.is_empty() {
                return Err("an identifier without a cue".into());
            }
        }
        let c = timing.captures(lines[0]).ok_or_else(|| format!("bad cue timing line {:?}", lines[0]))?;
        let start = ms(c.get(1), &c[2], &c[3], &c[4]);
        let end = ms(c.get(5), &c[6], &c[7], &c[8]);
        if end <= start {
            return Err(format!("cue at {:?} ends at or before it starts", lines[0]));
        }
        if let Some(p) = cues.last() {
            if start < p.start {
                return Err(format!("cue at {:?} starts before the previous cue", lines[0]));
            }
            if start < p.end {
                return Err(format!("cue at {:?} overlaps the previous cue", lines[0]));
            }
        }
        let payload = &lines[1..];
        if payload.iter().any(|l| l.contains("-->")) {
            return Err(format!("cue at {:?}: --> in the payload", lines[0]));
        }
        let mut visible = Vec::new();
        for l in payload {
            let mut open: Vec<String> = Vec::new();
            let mut out = String::new();
            let mut i = 0;
            while i < l.len() {
                let r = &l[i..];
                if r.starts_with('<') {
                    let m = tag.captures(r).ok_or_else(|| format!("bad tag in {l:?}"))?;
                    if let Some(name) = m.get(2) {
                        if &m[1] == "/" {
                            // `<v>` may be left open; closing what is not open is an error.
                            if open.pop().as_deref() != Some(name.as_str()) {
                                return Err(format!("unbalanced </{}> in {l:?}", name.as_str()));
                            }
                        } else {
                            if name.as_str() == "v" && m.get(4).is_none_or(|a| a.as_str().trim().is_empty()) {
                                return Err(format!("<v> without a name in {l:?}"));
                            }
                            if let Some(a) = m.get(4)
                                && a.as_str().contains('&')
                                && !entity.is_match(&a.as_str()[a.as_str().find('&').unwrap()..])
                            {
                                return Err(format!("a bare & in an annotation in {l:?}"));
                            }
                            if name.as_str() != "v" {
                                open.push(name.as_str().to_string());
                            }
                        }
                    }
                    i += m.get(0).unwrap().end();
                } else if r.starts_with('&') {
                    let m = entity.find(r).ok_or_else(|| format!("a bare & in {l:?}"))?;
                    out.push_str(match m.as_str() {
                        "&lt;" => "<",
                        "&gt;" => ">",
                        "&amp;" => "&",
                        "&nbsp;" => "\u{a0}",
                        _ => "",
                    });
                    i += m.end();
                } else if r.starts_with('>') {
                    return Err(format!("a bare > in {l:?}"));
                } else {
                    let c = r.chars().next().unwrap();
                    out.push(c);
                    i += c.len_utf8();
                }
            }
            if !open.is_empty() {
                return Err(format!("unclosed tags {open:?} in {l:?}"));
            }
            visible.push(out);
        }
        if visible.iter().all(|l| l.trim().is_empty()) {
            return Err(format!("cue at {:?} has no text", lines[0]));
        }
        cues.push(CueCheck { start, end, lines: visible });
    }
    Ok(cues)
}

/// The checks both caption formats share: line lengths, lines per cue, cue duration.
fn check_layout(cues: &[CueCheck], o: &ExportOptions, what: &str) {
    for c in cues {
        assert!(c.lines.len() <= o.caption_lines, "{what}: too many lines in {:?}", c.lines);
        for l in &c.lines {
            let n = l.chars().count();
            // Only a single word (after an SRT "Name: " prefix) may overflow a line.
            let single = |s: &str| !s.trim().contains(' ');
            let ok = n <= o.caption_line_chars || single(l) || l.split_once(": ").is_some_and(|(_, w)| single(w));
            assert!(ok, "{what}: line too long ({n}): {l:?}");
        }
        assert!(c.end - c.start <= o.caption_max_ms, "{what}: cue of {} ms", c.end - c.start);
    }
}

fn caption_option_sets() -> Vec<ExportOptions> {
    vec![
        opts(),
        ExportOptions { names: false, ..opts() },
        ExportOptions { caption_line_chars: 12, caption_lines: 1, caption_max_ms: 1_000, ..opts() },
        ExportOptions { caption_line_chars: 80, caption_lines: 3, caption_max_ms: 60_000, ..opts() },
    ]
}

fn check_captions(doc: &Transcript, what: &str) {
    for o in caption_option_sets() {
        let srt = text(doc, ExportFormat::Srt, &o);
        let cues = strict_srt(&srt).unwrap_or_else(|e| panic!("{what}: SRT: {e}"));
        check_layout(&cues, &o, what);
        let vtt = text(doc, ExportFormat::Vtt, &o);
        let vcues = strict_vtt(&vtt).unwrap_or_else(|e| panic!("{what}: VTT: {e}"));
        check_layout(&vcues, &o, what);
        // (SRT cues may be more: the "Name: " prefix takes room on the first line.)
        assert!(cues.len() >= vcues.len());
        // Every word is there, in order.
        let words: Vec<String> = doc.turns.iter().flat_map(|t| t.text.split_whitespace().map(String::from)).collect();
        let mut got: Vec<String> =
            vcues.iter().flat_map(|c| c.lines.iter().flat_map(|l| l.split_whitespace().map(String::from))).collect();
        got.retain(|w| !w.is_empty());
        assert_eq!(got, words, "{what}: the VTT holds every word in order");
    }
}

#[test]
fn captions_pass_the_strict_checkers() {
    check_captions(&sample(), "sample");
    check_captions(&corrected(), "corrected sample");
}

#[test]
fn strict_checkers_reject_bad_files() {
    assert!(strict_srt("1\n00:00:01,000 --> 00:00:02,000\nA\n").is_ok());
    assert!(strict_srt("2\n00:00:01,000 --> 00:00:02,000\nA\n").is_err(), "numbering");
    assert!(strict_srt("1\n00:00:01.000 --> 00:00:02,000\nA\n").is_err(), "separator");
    assert!(strict_srt("1\n00:00:02,000 --> 00:00:01,000\nA\n").is_err(), "end before start");
    assert!(
        strict_srt("1\n00:00:01,000 --> 00:00:03,000\nA\n\n2\n00:00:02,000 --> 00:00:04,000\nB\n").is_err(),
        "overlap"
    );
    assert!(strict_srt("1\n0:00:01,000 --> 00:00:02,000\nA\n").is_err(), "two-digit hours");
    assert!(strict_vtt("WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>Hi &amp; bye\n").is_ok());
    assert!(strict_vtt("WEBVTTX\n\n00:01.000 --> 00:02.000\nHi\n").is_err(), "signature");
    assert!(strict_vtt("WEBVTT\n\n00:01.000 --> 00:02.000\nA & B\n").is_err(), "bare &");
    assert!(strict_vtt("WEBVTT\n\n00:01.000 --> 00:02.000\na <x> b\n").is_err(), "unknown tag");
    assert!(strict_vtt("WEBVTT\n\n00:01,000 --> 00:02.000\nHi\n").is_err(), "comma");
    assert!(strict_vtt("WEBVTT\n\n00:03.000 --> 00:04.000\nA\n\n00:01.000 --> 00:05.000\nB\n").is_err(), "order");
    assert!(strict_vtt("WEBVTT\n\n00:01.000 --> 00:01.000\nA\n").is_err(), "empty cue");
}

// ---------------------------------------------------------------------------------------------
// DOCX package
// ---------------------------------------------------------------------------------------------

fn docx_part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut f = zip.by_name(name).unwrap_or_else(|_| panic!("{name} is missing"));
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

/// Parse XML with quick-xml, failing on any error; returns the paragraphs' text (with `|`
/// between runs, `**` around bold runs) of a WordprocessingML body.
fn parse_paragraphs(xml: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(xml);
    r.config_mut().check_end_names = true;
    let mut paras = Vec::new();
    let (mut para, mut run, mut in_t, mut bold, mut depth) = (String::new(), String::new(), false, false, 0i32);
    loop {
        match r.read_event().unwrap_or_else(|e| panic!("XML error at {}: {e}", r.buffer_position())) {
            Event::Start(e) => {
                depth += 1;
                match e.name().as_ref() {
                    b"w:p" => para.clear(),
                    b"w:r" => {
                        run.clear();
                        bold = false;
                    }
                    b"w:t" => in_t = true,
                    _ => {}
                }
            }
            Event::Empty(e) => match e.name().as_ref() {
                b"w:b" => bold = true,
                b"w:br" => run.push('\n'),
                b"w:p" => paras.push(String::new()),
                _ => {}
            },
            Event::Text(t) if in_t => run.push_str(&t.unescape().unwrap()),
            Event::End(e) => {
                depth -= 1;
                match e.name().as_ref() {
                    b"w:t" => in_t = false,
                    b"w:r" => {
                        if !para.is_empty() {
                            para.push('|');
                        }
                        if bold {
                            para.push_str(&format!("**{run}**"));
                        } else {
                            para.push_str(&run);
                        }
                    }
                    b"w:p" => paras.push(std::mem::take(&mut para)),
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "unbalanced XML");
    paras
}

#[test]
fn docx_is_a_valid_package_laid_out_like_otter() {
    // Times as otter writes them in its DOCX (MM:SS); the default is M:SS in every format.
    let otters = ExportOptions { time_style: TimeStyle::Auto, ..opts() };
    let bytes = export::export(&sample(), ExportFormat::Docx, &otters).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    // Deterministic.
    assert_eq!(bytes, export::export(&sample(), ExportFormat::Docx, &otters).unwrap());
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let names: Vec<String> = zip.file_names().map(String::from).collect();
    assert_eq!(names[0], "[Content_Types].xml", "content types first");
    for n in
        ["_rels/.rels", "word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels", "docProps/core.xml"]
    {
        assert!(names.iter().any(|x| x == n), "{n} missing from {names:?}");
    }
    // Every part is well-formed XML.
    for n in &names {
        let mut s = String::new();
        zip.by_name(n).unwrap().read_to_string(&mut s).unwrap();
        parse_paragraphs(&s);
    }
    let ct = docx_part(&bytes, "[Content_Types].xml");
    assert!(ct.contains(r#"PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml""#));
    assert!(docx_part(&bytes, "_rels/.rels").contains(r#"Target="word/document.xml""#));
    let styles = docx_part(&bytes, "word/styles.xml");
    let doc = docx_part(&bytes, "word/document.xml");
    for s in ["Title", "Heading1", "Heading2"] {
        if doc.contains(&format!(r#"w:pStyle w:val="{s}""#)) {
            assert!(styles.contains(&format!(r#"w:styleId="{s}""#)), "style {s} is defined");
        }
    }
    let paras = parse_paragraphs(&doc);
    let at = |s: &str| paras.iter().position(|p| p == s).unwrap_or_else(|| panic!("no paragraph {s:?} in {paras:#?}"));
    assert_eq!(paras[0], "Quarterly call: “budget” & plans");
    assert!(at("SPEAKERS") < at("TRANSCRIPT"));
    let t = at("TRANSCRIPT");
    assert_eq!(paras[t + 1..t + 4], ["**Ann Lee  **|00:00", "Hello everyone, and welcome to the call.", ""]);
    // Bob goes on: the second paragraph header has only the time, as otter writes it.
    assert_eq!(paras[t + 4], "**Bob  **|00:05");
    assert_eq!(paras[t + 7], "00:07");
    assert!(paras.contains(&"**Speaker 3  **|1:02:03".to_string()));
    assert!(
        paras.contains(&"Quotes \"like this\", commas, <tags> & ampersands;\na second line with a tab.".to_string())
    );
}

/// By hand, once: `python3 -m pip install python-docx` then
/// `TURNFIX_PYTHON_DOCX=1 cargo test --test export docx_opens_with_python_docx`.
#[test]
fn docx_opens_with_python_docx() {
    if std::env::var("TURNFIX_PYTHON_DOCX").is_err() {
        eprintln!("skipped: set TURNFIX_PYTHON_DOCX=1 (needs python3 with python-docx)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sample.docx");
    let o = ExportOptions { time_style: TimeStyle::Auto, ..opts() };
    std::fs::write(&path, export::export(&sample(), ExportFormat::Docx, &o).unwrap()).unwrap();
    let script = "import sys, docx\nd = docx.Document(sys.argv[1])\nfor p in d.paragraphs: print(p.style.name + '|' + p.text.replace('\\n', '/'))\n";
    let out = std::process::Command::new("python3").arg("-c").arg(script).arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.starts_with("Title|Quarterly call"), "{s}");
    assert!(s.contains("Heading 1|TRANSCRIPT"), "{s}");
    assert!(s.contains("Normal|Ann Lee  00:00"), "{s}");
}

// ---------------------------------------------------------------------------------------------
// import(export(doc)) round trips
// ---------------------------------------------------------------------------------------------

/// Read exported bytes back; None (with a message) while that reader is not written yet.
fn reimport(bytes: &[u8], name: &str, fmt: formats::Format) -> Option<Transcript> {
    match formats::read_bytes(bytes, name, Some(fmt)) {
        Ok(i) => Some(i.doc),
        Err(e) if e.to_string().contains("not written yet") => {
            eprintln!("skipped: {e}");
            None
        }
        Err(e) => panic!("{name}: {e}"),
    }
}

/// (speaker, start, text) per turn, consecutive turns by one speaker joined, empty turns dropped,
/// starts truncated to `res` ms.
fn runs(doc: &Transcript, res: Ms) -> Vec<(String, Ms, String)> {
    let mut out: Vec<(String, Ms, String)> = Vec::new();
    for t in doc.turns.iter().filter(|t| !t.text.trim().is_empty()) {
        let name = doc.speaker_name(t.speaker).to_string();
        match out.last_mut() {
            Some(last) if last.0 == name => last.2 = format!("{} {}", last.2, norm(&t.text)),
            _ => out.push((name, t.start_ms / res * res, norm(&t.text))),
        }
    }
    out
}

#[test]
fn json_round_trip_is_exact() {
    for d in [sample(), corrected()] {
        let bytes = export::export(&d, ExportFormat::Json, &opts()).unwrap();
        let back = reimport(&bytes, "x.json", formats::Format::Json).unwrap();
        assert_eq!(back, d);
    }
}

#[test]
fn otter_txt_round_trip() {
    let d = sample();
    let o = ExportOptions { footer: true, empty_turns: true, ..opts() };
    let bytes = export::export(&d, ExportFormat::OtterTxt, &o).unwrap();
    let Some(back) = reimport(&bytes, "x.txt", formats::Format::OtterTxt) else { return };
    // Kept: every turn (the empty one too), names, starts to the second, text as one line.
    assert_eq!(back.turns.len(), d.turns.len());
    for (a, b) in d.turns.iter().zip(&back.turns) {
        assert_eq!(d.speaker_name(a.speaker), back.speaker_name(b.speaker));
        assert_eq!(a.start_ms / 1000, b.start_ms / 1000);
        assert_eq!(norm(&a.text), norm(&b.text));
    }
}

/// export(import(otter's own TXT)) gives otter's file back, byte for byte.
#[test]
fn otter_txt_export_reproduces_otters_file() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared is absent");
        return;
    };
    let path = shared.join("fixtures/synthetic/seed-panel_otter_ai.txt");
    let original = std::fs::read(&path).unwrap();
    let Some(doc) = reimport(&original, "seed-panel_otter_ai.txt", formats::Format::OtterTxt) else { return };
    // otter writes its empty turns: ask for them.
    let o = ExportOptions { footer: true, empty_turns: true, ..opts() };
    let ours = export::export(&doc, ExportFormat::OtterTxt, &o).unwrap();
    assert!(
        ours == original,
        "{}",
        String::from_utf8_lossy(&ours)
            .lines()
            .zip(String::from_utf8_lossy(&original).lines())
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("ours {a:?}\notter's {b:?}"))
            .unwrap_or_default()
    );
}

#[test]
fn srt_and_vtt_round_trip() {
    let d = sample();
    for (fmt, rfmt, name) in
        [(ExportFormat::Srt, formats::Format::Srt, "x.srt"), (ExportFormat::Vtt, formats::Format::Vtt, "x.vtt")]
    {
        let bytes = export::export(&d, fmt, &opts()).unwrap();
        let Some(back) = reimport(&bytes, name, rfmt) else { continue };
        // Kept: speakers, words, and the start of each speaker's run to the ms. Lost: turn
        // boundaries within a run (cues), empty turns, metadata.
        assert_eq!(runs(&back, 1), runs(&d, 1), "{name}");
    }
}

#[test]
fn docx_round_trip() {
    let d = sample();
    let bytes = export::export(&d, ExportFormat::Docx, &opts()).unwrap();
    let Some(back) = reimport(&bytes, "x.docx", formats::Format::Docx) else { return };
    // Kept: names, starts to the second, text; the title. Lost: turn ends.
    assert_eq!(runs(&back, 1000), runs(&d, 1000));
    assert_eq!(back.metadata.title, d.metadata.title);
}

// ---------------------------------------------------------------------------------------------
// The corrections report
// ---------------------------------------------------------------------------------------------

#[test]
fn report_lists_every_kind_of_change() {
    let d = corrected();
    let s = export::summarize(&d);
    assert_eq!(s.imported_turns, 6);
    assert_eq!(s.deleted, 1, "{s:?}");
    assert_eq!(s.inserted, 1);
    assert_eq!(s.split_off, 1);
    assert_eq!(s.merged, 1);
    assert_eq!(s.retimed, 1);
    assert_eq!(s.speakers_reassigned, 1);
    assert_eq!(s.speakers_renamed, vec![("Speaker 3".to_string(), "Cleo <Park>".to_string())]);
    // "Hello everyone, and welcome to the call." -> "Hello everyone and welcome to our call.":
    // two changed runs of one word; plus the 6 words of the inserted turn.
    assert_eq!((s.words_changed, s.words_added, s.words_removed), (8, 8, 2));
    let md = text(&d, ExportFormat::ReportMarkdown, &opts());
    assert!(md.contains("~~everyone,~~ **everyone**"), "{md}");
    assert!(md.contains("- Speaker: Bob → Ann Lee"), "{md}");
    assert!(md.contains("### Imported turn 4: deleted"), "{md}");
    assert!(md.contains("Cleo \\<Park\\>"), "{md}");
    // Two words replaced by others, the inserted turn's six added: 2 + 6 + 0 = 8.
    assert!(md.trim_end().ends_with("- Words changed: 8 (2 replaced, 6 added, 0 removed)"), "{md}");
    let html = text(&d, ExportFormat::ReportHtml, &opts());
    assert!(html.contains("Cleo &lt;Park&gt;") && !html.contains("<Park>"), "names are escaped");
    assert!(html.contains("One more thing &amp; that&#39;s it."), "{html}");
    assert!(html.contains("<del>everyone,</del> <ins>everyone</ins>"), "{html}");
    // Well-formed enough for an XML parser (the page is also XHTML-clean).
    let mut r = quick_xml::Reader::from_str(html.trim_start_matches("<!DOCTYPE html>\n"));
    r.config_mut().check_end_names = true;
    loop {
        match r.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("HTML is not well-formed: {e}"),
        }
    }
}

#[test]
fn report_of_an_unchanged_import_says_so() {
    let s = export::summarize(&sample());
    assert_eq!(s.turns_changed, 0);
    assert!(text(&sample(), ExportFormat::ReportMarkdown, &opts()).contains("No changes against the import."));
}

// ---------------------------------------------------------------------------------------------
// Preview
// ---------------------------------------------------------------------------------------------

#[test]
fn preview_is_the_first_lines_of_the_export() {
    let d = sample();
    for fmt in ExportFormat::ALL {
        let p = export::preview(&d, fmt, &opts(), 5);
        assert!(p.lines().count() <= 5, "{fmt}: {p}");
        assert!(!p.is_empty(), "{fmt}");
        if !fmt.is_binary() {
            let full = text(&d, fmt, &opts());
            let head: Vec<&str> = full.lines().take(5).collect();
            assert_eq!(p.lines().collect::<Vec<_>>(), head, "{fmt}");
        }
    }
    let p = export::preview(&d, ExportFormat::Docx, &opts(), 3);
    assert!(p.starts_with("Quarterly call"), "{p}");
    // Long documents: only the first turns are written.
    let mut long = TranscriptBuilder::new();
    for i in 0..20_000u64 {
        long.push(Some(if i % 2 == 0 { "A" } else { "B" }), Some(i * 3000), None, "some words here");
    }
    let long = long.finish();
    let t = std::time::Instant::now();
    for fmt in ExportFormat::ALL.into_iter().filter(|f| !f.is_report()) {
        assert_eq!(export::preview(&long, fmt, &opts(), 10).lines().count(), 10, "{fmt}");
    }
    assert!(t.elapsed().as_secs() < 5, "preview is cheap");
    // Merging: a run of one speaker is previewed whole.
    let mut b = TranscriptBuilder::new();
    for i in 0..30u64 {
        b.push(Some(if i < 20 { "A" } else { "B" }), Some(i * 1000), None, &format!("w{i}"));
    }
    let d = b.finish();
    let o = ExportOptions { merge_same_speaker: true, ..opts() };
    for fmt in [ExportFormat::OtterTxt, ExportFormat::Csv] {
        let full = text(&d, fmt, &o);
        let head: Vec<&str> = full.lines().take(3).collect();
        assert_eq!(export::preview(&d, fmt, &o, 3).lines().collect::<Vec<_>>(), head, "{fmt}");
    }
}

// ---------------------------------------------------------------------------------------------
// The seed panel, in every format
// ---------------------------------------------------------------------------------------------

#[path = "common/shared.rs"]
mod common;

fn shared() -> Option<PathBuf> {
    common::shared("")
}

/// A small SubRip reader for the synthetic fixture, used while the real SRT reader is not
/// written: `Name: text` cues become turns.
fn doc_from_synthetic_srt(s: &str) -> Transcript {
    let mut b = TranscriptBuilder::new();
    for block in s.replace("\r\n", "\n").split("\n\n") {
        let lines: Vec<&str> = block.trim().lines().collect();
        if lines.len() < 3 {
            continue;
        }
        let (a, e) = lines[1].split_once(" --> ").unwrap();
        let ms = |x: &str| turnfix::model::parse_clock(x).unwrap();
        let body = lines[2..].join(" ");
        let (name, text) = body.split_once(": ").map_or((None, body.as_str()), |(n, t)| (Some(n), t));
        b.push(name, Some(ms(a)), Some(ms(e)), text);
    }
    b.finish()
}

fn seed_panel() -> Option<(Transcript, &'static str)> {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared is absent");
        return None;
    };
    let txt = shared.join("fixtures/seed-panel/transcript.txt");
    if !txt.exists() {
        eprintln!("skipped: {} is absent", txt.display());
        return None;
    }
    match formats::read_path(&txt, None) {
        Ok(i) => Some((i.doc, "seed panel (otter reader)")),
        Err(e) => {
            eprintln!("the otter reader cannot read the seed panel yet ({e}); using the synthetic SRT");
            let srt = std::fs::read_to_string(shared.join("fixtures/synthetic/seed-panel_otter_ai.srt")).ok()?;
            Some((doc_from_synthetic_srt(&srt), "seed panel (synthetic SRT)"))
        }
    }
}

#[test]
fn seed_panel_exports_to_every_format() {
    let Some((doc, what)) = seed_panel() else { return };
    assert!(doc.turns.len() >= 40, "{what}: {} turns", doc.turns.len());
    let option_sets = [
        opts(),
        ExportOptions {
            names: false,
            timestamps: false,
            merge_same_speaker: true,
            time_style: TimeStyle::Clock,
            footer: true,
            header: false,
            csv_times: CsvTimes::Ms,
            ..opts()
        },
    ];
    for o in &option_sets {
        for fmt in ExportFormat::ALL {
            let bytes = export::export(&doc, fmt, o).unwrap_or_else(|e| panic!("{what}: {fmt}: {e}"));
            let min = if fmt.is_report() { 100 } else { 1000 };
            assert!(bytes.len() > min, "{what}: {fmt} is {} bytes", bytes.len());
        }
    }
    check_captions(&doc, what);
    let all = ExportOptions { empty_turns: true, ..opts() };
    let bytes = export::export(&doc, ExportFormat::Docx, &all).unwrap();
    let paras = parse_paragraphs(&docx_part(&bytes, "word/document.xml"));
    assert!(paras.len() >= doc.turns.len() * 2, "{what}: {} paragraphs", paras.len());
    let rows = parse_csv(&text(&doc, ExportFormat::Csv, &all), ',');
    assert_eq!(rows.len(), doc.turns.len() + 1);
    let tsv = parse_csv(&text(&doc, ExportFormat::Tsv, &opts()), '\t');
    assert!(tsv.iter().all(|r| r.len() == 4));
    // The otter TXT export of the synthetic SRT's turns matches otter's own TXT export of the
    // same conversation, block for block (names, times, text).
    if let Some(shared) = shared()
        && what.contains("synthetic")
    {
        let ours = text(&doc, ExportFormat::OtterTxt, &ExportOptions { footer: true, empty_turns: true, ..opts() });
        let theirs = std::fs::read_to_string(shared.join("fixtures/synthetic/seed-panel_otter_ai.txt")).unwrap();
        assert_eq!(ours, theirs);
    }
}

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

fn turnfix(args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_turnfix")).args(args).output().unwrap()
}

#[test]
fn convert_writes_every_format_and_infers_it_from_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("in.json");
    std::fs::write(&json, export::export(&sample(), ExportFormat::Json, &opts()).unwrap()).unwrap();
    let run = |out: &str, extra: &[&str]| {
        let out = dir.path().join(out);
        let mut args = vec![std::ffi::OsStr::new("convert"), json.as_os_str(), out.as_os_str()];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        let o = turnfix(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read(out).unwrap()
    };
    let d = sample();
    // Inferred: .txt is otter TXT.
    assert_eq!(run("a.txt", &[]), export::export(&d, ExportFormat::OtterTxt, &opts()).unwrap());
    for fmt in ExportFormat::ALL {
        let name = format!("b-{}.out", fmt.id());
        assert_eq!(run(&name, &["--to", fmt.id()]), export::export(&d, fmt, &opts()).unwrap(), "{fmt}");
    }
    let o = ExportOptions {
        names: false,
        timestamps: false,
        merge_same_speaker: true,
        time_style: TimeStyle::Clock,
        footer: true,
        header: false,
        caption_line_chars: 20,
        caption_lines: 1,
        caption_max_ms: 2_500,
        csv_times: CsvTimes::Ms,
        metadata: export::MetadataRules { summary: true, outline: true, ..Default::default() },
        empty_turns: true,
        captions_on_speech: true,
    };
    let flags = [
        "--no-names",
        "--no-timestamps",
        "--merge-same-speaker",
        "--time-style",
        "clock",
        "--footer",
        "--no-header",
        "--line-chars",
        "20",
        "--cue-lines",
        "1",
        "--max-cue-secs",
        "2.5",
        "--csv-times",
        "ms",
        "--ai-summary",
        "--empty-turns",
    ];
    for ext in ["txt", "md", "srt", "vtt", "csv", "tsv", "docx"] {
        let fmt = ExportFormat::from_extension(ext).unwrap();
        assert_eq!(run(&format!("c.{ext}"), &flags), export::export(&d, fmt, &o).unwrap(), "{ext} with flags");
    }
    // Unknown extension or format: a one-line error.
    let bad = turnfix(&[std::ffi::OsStr::new("convert"), json.as_os_str(), dir.path().join("x.pdf").as_os_str()]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("--to FMT") && err.lines().count() == 1, "{err}");
    let help = turnfix(&[std::ffi::OsStr::new("convert"), std::ffi::OsStr::new("--help")]);
    let help = String::from_utf8_lossy(&help.stdout);
    for f in [
        "--no-names",
        "--no-timestamps",
        "--merge-same-speaker",
        "--time-style",
        "--footer",
        "--no-header",
        "--line-chars",
        "--cue-lines",
        "--max-cue-secs",
        "--csv-times",
    ] {
        assert!(help.contains(f), "--help lists {f}");
    }
}

#[test]
fn report_command_writes_markdown_or_html() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("in.json");
    std::fs::write(&json, export::export(&corrected(), ExportFormat::Json, &opts()).unwrap()).unwrap();
    let mut outputs = BTreeMap::new();
    for ext in ["md", "html"] {
        let out = dir.path().join(format!("r.{ext}"));
        let o = turnfix(&[std::ffi::OsStr::new("report"), json.as_os_str(), out.as_os_str()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stdout).contains("8 words changed"));
        outputs.insert(ext, std::fs::read_to_string(out).unwrap());
    }
    assert_eq!(outputs["md"], text(&corrected(), ExportFormat::ReportMarkdown, &opts()));
    assert_eq!(outputs["html"], text(&corrected(), ExportFormat::ReportHtml, &opts()));
    let bad = turnfix(&[std::ffi::OsStr::new("report"), json.as_os_str(), dir.path().join("r.txt").as_os_str()]);
    assert!(!bad.status.success());
}

// ---------------------------------------------------------------------------------------------
// One set of rules for every export (issue 10, item 10)
// ---------------------------------------------------------------------------------------------

const AI_SUMMARY: &str = "Ann and Bob discus the budgett.";

/// The sample with otter's AI summary and outline, and an empty last turn.
fn with_summary_and_empty_end() -> Transcript {
    let mut d = sample();
    d.metadata.summary = Some(AI_SUMMARY.into());
    d.metadata.outline = Some("Budget first\nthen the outlined hiring".into());
    d.metadata.description = Some("Notes taken by Ann.".into());
    let ann = d.speaker_by_name("Ann Lee").unwrap();
    let (e, _) = edit::insert_turn(&d, Some(d.turns.len() - 1), ann, 3_740_000, "").unwrap();
    e.apply(&mut d).unwrap();
    d
}

/// The transcript formats, as text (DOCX as its paragraphs).
fn readable(d: &Transcript, fmt: ExportFormat, o: &ExportOptions) -> String {
    if fmt == ExportFormat::Docx {
        parse_paragraphs(&docx_part(&export::export(d, fmt, o).unwrap(), "word/document.xml")).join("\n")
    } else {
        text(d, fmt, o)
    }
}

const WITH_HEADER: [ExportFormat; 3] = [ExportFormat::Text, ExportFormat::Markdown, ExportFormat::Docx];
const WITH_TIMES: [ExportFormat; 4] =
    [ExportFormat::OtterTxt, ExportFormat::Text, ExportFormat::Markdown, ExportFormat::Docx];

#[test]
fn every_format_leaves_out_the_ai_summary_unless_asked() {
    let d = with_summary_and_empty_end();
    for fmt in WITH_HEADER {
        let out = readable(&d, fmt, &opts());
        assert!(!out.contains("discus the budgett"), "{fmt} has the AI summary by default:\n{out}");
        assert!(!out.contains("outlined hiring"), "{fmt} has the AI outline:\n{out}");
        assert!(out.contains("Notes taken by Ann."), "{fmt} keeps the description:\n{out}");
        assert!(out.contains("budget, hiring"), "{fmt} keeps the keywords:\n{out}");
        let asked = ExportOptions {
            metadata: export::MetadataRules { summary: true, outline: true, ..Default::default() },
            ..opts()
        };
        let out = readable(&d, fmt, &asked);
        assert!(out.contains("discus the budgett"), "{fmt} leaves out the summary asked for:\n{out}");
        assert!(out.contains("outlined hiring"), "{fmt}:\n{out}");
        let none = ExportOptions {
            metadata: export::MetadataRules {
                title: false,
                date: false,
                speakers: false,
                keywords: false,
                description: false,
                summary: false,
                outline: false,
            },
            ..opts()
        };
        let out = readable(&d, fmt, &none);
        for gone in ["Quarterly call", "March 3", "budget, hiring", "Notes taken", "Speaker 3, "] {
            assert!(!out.contains(gone), "{fmt}: {gone:?} is there although its rule is off:\n{out}");
        }
    }
}

#[test]
fn every_format_leaves_out_empty_turns_unless_asked() {
    let d = with_summary_and_empty_end();
    // The empty last turn is at 1:02:20; the empty turn 4 at 0:31.
    for fmt in WITH_TIMES {
        let out = readable(&d, fmt, &opts());
        for t in ["0:31", "1:02:20"] {
            assert!(!out.contains(t), "{fmt} writes an empty turn ({t}) by default:\n{out}");
        }
        let out = readable(&d, fmt, &ExportOptions { empty_turns: true, ..opts() });
        for t in ["0:31", "1:02:20"] {
            assert!(out.contains(t), "{fmt} leaves out the empty turn at {t} asked for:\n{out}");
        }
    }
    let empty = d.turns.iter().filter(|t| t.text.trim().is_empty()).count();
    assert_eq!(empty, 2);
    for (fmt, sep) in [(ExportFormat::Csv, ','), (ExportFormat::Tsv, '\t')] {
        let rows = parse_csv(&text(&d, fmt, &opts()), sep);
        assert_eq!(rows.len(), 1 + d.turns.len() - empty, "{fmt}: {rows:?}");
        assert!(rows.iter().all(|r| !r[3].is_empty()), "{fmt}: {rows:?}");
        let rows = parse_csv(&text(&d, fmt, &ExportOptions { empty_turns: true, ..opts() }), sep);
        assert_eq!(rows.len(), 1 + d.turns.len(), "{fmt}: {rows:?}");
    }
}

#[test]
fn every_format_writes_times_the_same_way() {
    let d = sample();
    for fmt in WITH_TIMES {
        let out = readable(&d, fmt, &opts());
        assert!(out.contains("0:05") && !out.contains("00:05"), "{fmt}: M:SS by default:\n{out}");
        assert!(out.contains("1:02:03"), "{fmt}:\n{out}");
        let clock = readable(&d, fmt, &ExportOptions { time_style: TimeStyle::Clock, ..opts() });
        assert!(clock.contains("00:00:05"), "{fmt}: the time style applies:\n{clock}");
    }
    // Every option has one default, whatever the format: the dialog shows one set.
    assert_eq!(ExportOptions::default().time_style, TimeStyle::Otter);
    assert!(!ExportOptions::default().empty_turns);
}

#[test]
fn formats_name_the_rules_they_follow() {
    use export::RuleKind;
    for fmt in WITH_HEADER {
        assert_eq!(fmt.rules(), [RuleKind::Metadata, RuleKind::EmptyTurns], "{fmt}");
    }
    for fmt in [ExportFormat::OtterTxt, ExportFormat::Csv, ExportFormat::Tsv] {
        assert_eq!(fmt.rules(), [RuleKind::EmptyTurns], "{fmt}");
    }
    assert!(ExportFormat::Json.rules().is_empty());
}

/// An export is written with the mode any new file gets (0666 less the umask), not the
/// temporary file's 0600.
#[cfg(unix)]
#[test]
fn exported_files_get_the_usual_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.txt");
    std::fs::File::create(&plain).unwrap();
    let usual = std::fs::metadata(&plain).unwrap().permissions().mode() & 0o777;
    let out = dir.path().join("out.md");
    let bytes = export::export(&sample(), ExportFormat::Markdown, &opts()).unwrap();
    turnfix::session::write_atomic(&out, &bytes).unwrap();
    assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, usual);
    // Replacing a file keeps its mode.
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    turnfix::session::write_atomic(&out, &bytes).unwrap();
    assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o640);
}

/// Exporters return bytes; the session writes files: nothing under src/export touches the file
/// system.
#[test]
fn the_export_module_does_no_file_io() {
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src/export")];
    let mut files = 0;
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let src = std::fs::read_to_string(&path).unwrap();
            for io in ["std::fs", "File::", "OpenOptions", "write_atomic", "tempfile"] {
                assert!(!src.contains(io), "{} uses {io}", path.display());
            }
            files += 1;
        }
    }
    assert!(files >= 8, "read {files} files");
}

// ---------------------------------------------------------------------------------------------
// The corrections report: one number per turn, totals that add up, changes in context
// (issue 10, item 12)
// ---------------------------------------------------------------------------------------------

#[test]
fn report_names_each_turn_by_one_number() {
    let d = corrected();
    let md = text(&d, ExportFormat::ReportMarkdown, &opts());
    // The editor's numbers: a turn's place in the document. No "#N" ids beside them.
    assert!(!md.contains(" #") && !md.contains("(#"), "no #ids: {md}");
    for (i, t) in d.turns.iter().enumerate() {
        let head = format!("### Turn {} ", i + 1);
        let other = format!("### Turn {}, ", i + 1);
        if md.contains(&head) || md.contains(&other) {
            let time = turnfix::model::format_otter_time(t.start_ms);
            assert!(
                md.lines().any(|l| (l.starts_with(&head) || l.starts_with(&other)) && l.contains(&time)),
                "turn {} is headed with its own time {time}: {md}",
                i + 1
            );
        }
    }
    // The split-off turn (now the 4th) names its parent by the parent's place (the 3rd).
    assert!(md.contains("### Turn 4, split from turn 3 · 0:28 · Bob"), "{md}");
    assert!(md.contains("- Split: its end went to turn 4"), "{md}");
    // Turns that are gone are named by their place in the import, and say so.
    assert!(md.contains("Merged with imported turn 6"), "{md}");
    assert!(md.contains("### Imported turn 4: deleted"), "{md}");
}

#[test]
fn report_totals_add_up() {
    let d = corrected();
    let s = export::summarize(&d);
    assert_eq!(s.turns_changed, s.imported_changed + s.inserted + s.split_off + s.deleted, "{s:?}");
    assert_eq!(s.imported_turns as usize - s.deleted - s.merged + s.inserted + s.split_off, s.turns_now, "{s:?}");
    let (only_added, only_removed) = (s.words_added - s.words_replaced, s.words_removed - s.words_replaced);
    assert_eq!(s.words_changed, s.words_replaced + only_added + only_removed, "{s:?}");
    let md = text(&d, ExportFormat::ReportMarkdown, &opts());
    assert!(md.contains("- Turns listed: 7: 4 imported turns changed, 1 inserted, 1 split off, 1 deleted"), "{md}");
    assert!(
        md.contains("- Turns: 6 imported, 6 now (1 deleted, 1 merged into others, 1 inserted, 1 split off)"),
        "{md}"
    );
}

#[test]
fn report_quotes_a_change_with_a_few_words_of_context() {
    let long: Vec<String> = (0..1000).map(|i| format!("w{i}")).collect();
    let mut b = TranscriptBuilder::new();
    b.push(Some("A"), Some(0), None, &long.join(" "));
    let mut d = b.finish();
    d.source = Some(Source {
        file: "x.txt".into(),
        format: "otter-txt".into(),
        sha256: "0".repeat(64),
        turns: 1,
        extra: Extra::new(),
    });
    let fixed = long.join(" ").replace(" w500 ", " fixed ");
    Edit::SetText { turn: TurnId(1), text: fixed }.apply(&mut d).unwrap();
    let md = text(&d, ExportFormat::ReportMarkdown, &opts());
    let quote = md.lines().find(|l| l.starts_with("> ")).expect("a quote");
    assert_eq!(quote, "> … w496 w497 w498 w499 ~~w500~~ **fixed** w501 w502 w503 w504 …", "{md}");
    let html = text(&d, ExportFormat::ReportHtml, &opts());
    assert!(html.contains("<blockquote>… w496 w497 w498 w499 <del>w500</del> <ins>fixed</ins> w501"), "{html}");
    assert!(!html.contains("w10 "), "the rest of the turn is left out");
}
