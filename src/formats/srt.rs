//! SubRip (`.srt`) as otter.ai exports it: cues `n` / `HH:MM:SS,mmm --> HH:MM:SS,mmm` / text,
//! with the speaker as a `Name: ` prefix on the cue text.
//!
//! otter splits a long segment over several cues ("Add line breaks automatically"); only the
//! first carries the name, so a cue without a prefix is joined to the turn before it (keeping
//! its start, extending its end). A file without any prefix gives one unnamed turn per cue.
//!
//! Lenient: cue numbers may be missing, `.` may replace `,`, blank lines may appear inside a
//! cue; a cue whose timing cannot be read is skipped with a warning that names its line.
//!
//! The turn assembly and the `Name: ` rules are shared with the WebVTT reader.

use super::{ParseError, Warning};
use crate::model::{Ms, Transcript, TranscriptBuilder, parse_clock};
use std::collections::HashSet;

/// True when the text starts like SubRip: an optional cue number, then a timing line.
pub fn sniff(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let is_timing = |l: &str| l.contains(':') && timing(l).is_some_and(|t| t.is_some());
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty()).take(2);
    match lines.next() {
        Some(first) if is_index(first) => lines.next().is_some_and(is_timing),
        Some(first) => is_timing(first),
        None => false,
    }
}

pub fn read(text: &str) -> Result<(Transcript, Vec<Warning>), ParseError> {
    let mut warnings = Vec::new();
    let cues = gather_cues(text, &mut warnings);
    if cues.is_empty() {
        return Err(ParseError::NoTurns("no SubRip cues were found (no `00:00:00,000 --> 00:00:01,000` timing line)"));
    }
    let mut segments = Vec::new();
    let mut known: HashSet<String> = HashSet::new();
    for cue in cues {
        // The segment this cue's lines go to.
        let mut current: Option<usize> = None;
        for raw in &cue.lines {
            let line = strip_tags(raw);
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            // Later lines of a cue start a turn only with a name already seen as a prefix.
            let prefix = speaker_prefix(line).filter(|(name, _)| current.is_none() || known.contains(*name));
            match (prefix, current) {
                (Some((name, rest)), _) => {
                    known.insert(name.to_string());
                    segments.push(Segment {
                        speaker: Some(name.to_string()),
                        start: cue.start,
                        end: cue.end,
                        text: rest.trim().to_string(),
                    });
                    current = Some(segments.len() - 1);
                }
                (None, Some(i)) => {
                    let s = &mut segments[i].text;
                    if !s.is_empty() {
                        s.push(' ');
                    }
                    s.push_str(line);
                }
                (None, None) => {
                    segments.push(Segment { speaker: None, start: cue.start, end: cue.end, text: line.to_string() });
                    current = Some(segments.len() - 1);
                }
            }
        }
    }
    Ok((assemble(segments).finish(), warnings))
}

struct Cue {
    start: Ms,
    end: Ms,
    lines: Vec<String>,
}

/// One piece of cue text with its speaker (None: no prefix / no voice).
pub(super) struct Segment {
    pub speaker: Option<String>,
    pub start: Ms,
    pub end: Ms,
    pub text: String,
}

/// Build turns from segments: a named segment starts a turn; an unnamed one continues the turn
/// before it (its end extended), unless no segment in the file has a name, in which case every
/// segment is its own unnamed turn. Empty named segments are dropped (otter omits them too).
pub(super) fn assemble(segments: Vec<Segment>) -> TranscriptBuilder {
    let any_named = segments.iter().any(|s| s.speaker.is_some());
    let mut b = TranscriptBuilder::new();
    let mut pending: Option<Segment> = None;
    let flush = |b: &mut TranscriptBuilder, p: Option<Segment>| {
        if let Some(p) = p
            && !p.text.is_empty()
        {
            b.push(p.speaker.as_deref(), Some(p.start), Some(p.end), &p.text);
        }
    };
    for seg in segments {
        match (&mut pending, seg.speaker.is_some() || !any_named) {
            (Some(p), false) => {
                if !seg.text.is_empty() {
                    if !p.text.is_empty() {
                        p.text.push(' ');
                    }
                    p.text.push_str(&seg.text);
                }
                p.end = p.end.max(seg.end);
            }
            _ => flush(&mut b, pending.replace(seg)),
        }
    }
    flush(&mut b, pending);
    b
}

fn is_index(line: &str) -> bool {
    !line.is_empty() && line.len() <= 9 && line.bytes().all(|b| b.is_ascii_digit())
}

/// `Some(Some((start, end)))` for a good timing line, `Some(None)` for a line with `-->` whose
/// times cannot be read, None for any other line. Text after the end time (SubRip coordinates,
/// WebVTT cue settings) is ignored.
pub(super) fn timing(line: &str) -> Option<Option<(Ms, Ms)>> {
    let (left, right) = line.split_once("-->")?;
    let end = right.split_whitespace().next().unwrap_or("");
    Some(parse_clock(left).zip(parse_clock(end)))
}

fn gather_cues(text: &str, warnings: &mut Vec<Warning>) -> Vec<Cue> {
    enum State {
        Outside,
        InCue,
        Skipping,
    }
    let mut cues: Vec<Cue> = Vec::new();
    let mut state = State::Outside;
    // A cue number seen but not yet known to be one (it could be text that is only digits).
    let mut held_index: Option<&str> = None;
    let mut stray_warned = false;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim_end();
        let trimmed = line.trim();
        if let Some(t) = timing(trimmed) {
            held_index = None;
            match t {
                Some((start, end)) => {
                    let end = if end < start {
                        warnings
                            .push(Warning::new(line_no, "the cue ends before it starts; its end was set to its start"));
                        start
                    } else {
                        end
                    };
                    cues.push(Cue { start, end, lines: Vec::new() });
                    state = State::InCue;
                }
                None => {
                    warnings
                        .push(Warning::new(line_no, format!("unreadable cue timing {trimmed:?}; the cue was skipped")));
                    state = State::Skipping;
                }
            }
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        let mut add = |s: &str, line_no: usize| match state {
            State::InCue => {
                if let Some(c) = cues.last_mut() {
                    c.lines.push(s.to_string());
                }
            }
            State::Skipping => {}
            State::Outside => {
                if !stray_warned {
                    warnings.push(Warning::new(line_no, "text before the first cue was ignored"));
                    stray_warned = true;
                }
            }
        };
        if let Some(idx) = held_index.take() {
            add(idx, line_no.saturating_sub(1));
        }
        if is_index(trimmed) {
            held_index = Some(trimmed);
        } else {
            add(trimmed, line_no);
        }
    }
    cues
}

/// Remove SubRip formatting tags (`<i>`, `<b>`, `<u>`, `<font ...>`) and `{\an8}`-style
/// positioning codes.
fn strip_tags(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find(['<', '{']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let close = if tail.starts_with('<') { '>' } else { '}' };
        let inner_end = tail.find(close);
        let is_tag = match inner_end {
            Some(j) => {
                let inner = &tail[1..j];
                if close == '}' {
                    inner.starts_with('\\')
                } else {
                    let name = inner.trim_start_matches('/').trim();
                    let name = name.split([' ', '=']).next().unwrap_or("").to_ascii_lowercase();
                    matches!(name.as_str(), "i" | "b" | "u" | "s" | "font")
                }
            }
            None => false,
        };
        match (is_tag, inner_end) {
            (true, Some(j)) => rest = &tail[j + close.len_utf8()..],
            _ => {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Lower-case words that may appear inside a name (`Jan van der Berg`).
const PARTICLES: [&str; 14] =
    ["van", "von", "der", "den", "de", "da", "del", "di", "du", "la", "le", "al", "bin", "dos"];

/// A `Name: text` prefix: `Some((name, text))` when what is before the first `: ` looks like a
/// speaker label (1 to 5 words, no sentence punctuation, each word capitalised or a digit or a
/// name particle; a single lower-case word such as `sam` is accepted too).
pub(super) fn speaker_prefix(line: &str) -> Option<(&str, &str)> {
    let colon = line.find(':')?;
    let (name, rest) = (line[..colon].trim(), &line[colon + 1..]);
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    if name.is_empty() || name.chars().count() > 40 || !name.starts_with(char::is_alphabetic) {
        return None;
    }
    if name
        .chars()
        .any(|c| matches!(c, ',' | ';' | '!' | '?' | '"' | '(' | ')' | '[' | ']' | '<' | '>' | '/' | '\\' | '*' | '='))
    {
        return None;
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() > 5 {
        return None;
    }
    let ok_word = |w: &str| w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()) || PARTICLES.contains(&w);
    if words.len() > 1 && !words.iter().all(|w| ok_word(w)) {
        return None;
    }
    Some((name, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn turns(doc: &Transcript) -> Vec<(&str, Ms, Option<Ms>, &str)> {
        doc.turns.iter().map(|t| (doc.speaker_name(t.speaker), t.start_ms, t.end_ms, t.text.as_str())).collect()
    }

    #[test]
    fn sniffs_only_subrip_starts() {
        assert!(sniff("1\n00:00:00,000 --> 00:00:01,000\nAnn: Hi\n"));
        assert!(sniff("\u{feff}\n\n12\n00:00:00.000 --> 00:00:01.000 X1:0\n"));
        assert!(sniff("00:00:00,000 --> 00:00:01,000\nAnn: Hi\n"));
        assert!(!sniff("Ann  0:00  \nHello\n"));
        assert!(!sniff("1\nAnn  0:00  \n"));
        assert!(!sniff("WEBVTT\n\n00:00.000 --> 00:01.000\n"));
        assert!(!sniff(""));
        assert!(!sniff("1 --> 2\n"));
    }

    #[test]
    fn reads_otter_cues_and_joins_unprefixed_ones() {
        let srt = "1\n00:00:00,000 --> 00:00:04,500\nAnn Lee: Hello there,\nhow are you?\n\n\
                   2\n00:00:04,500 --> 00:00:09,000\nand the rest of it.\n\n\
                   3\n00:00:09,000 --> 00:00:10,000\nBob: Fine.\n\n\
                   4\n00:00:10,000 --> 00:00:11,000\nAnn Lee: Good.\n";
        let (doc, w) = read(srt).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            turns(&doc),
            [
                ("Ann Lee", 0, Some(9_000), "Hello there, how are you? and the rest of it."),
                ("Bob", 9_000, Some(10_000), "Fine."),
                ("Ann Lee", 10_000, Some(11_000), "Good."),
            ]
        );
        assert_eq!(doc.turns[0].original.as_ref().unwrap().speaker.as_deref(), Some("Ann Lee"));
    }

    #[test]
    fn lenient_about_numbers_dots_blank_lines_and_bad_cues() {
        let srt = "00:00:01.000 --> 00:00:02.000\nAnn: One\n\nstill one\n\n\
                   7\n00:00:0x,000 --> 00:00:03,000\nBob: lost\n\n\
                   00:00:03,000 --> 00:00:04,000\nBob: 42\n\n\
                   1:00:00,000 --> 1:00:01,250\nBob: <i>late</i> {\\an8}\n";
        let (doc, w) = read(srt).unwrap();
        assert_eq!(
            turns(&doc),
            [
                ("Ann", 1_000, Some(2_000), "One still one"),
                ("Bob", 3_000, Some(4_000), "42"),
                ("Bob", 3_600_000, Some(3_601_250), "late"),
            ]
        );
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].line, 7);
        assert!(w[0].message.contains("skipped"));
    }

    #[test]
    fn digits_only_text_is_kept_when_no_timing_follows() {
        let srt =
            "1\n00:00:00,000 --> 00:00:01,000\nAnn: The number is\n42\n\n2\n00:00:01,000 --> 00:00:02,000\nBob: ok\n";
        let (doc, _) = read(srt).unwrap();
        assert_eq!(doc.turns[0].text, "The number is 42");
        assert_eq!(doc.turns.len(), 2);
    }

    #[test]
    fn without_prefixes_every_cue_is_an_unnamed_turn() {
        let srt = "1\n00:00:00,000 --> 00:00:01,000\nHello\n\n2\n00:00:01,000 --> 00:00:02,000\nWorld: a test\n";
        let (doc, _) = read(srt).unwrap();
        assert_eq!(doc.turns.len(), 2);
        // "World" is a plausible name: it starts a turn.
        assert_eq!(doc.speaker_name(doc.turns[1].speaker), "World");
        let srt = "1\n00:00:00,000 --> 00:00:01,000\nHello\n\n2\n00:00:01,000 --> 00:00:02,000\nthe answer is: yes\n";
        let (doc, _) = read(srt).unwrap();
        assert_eq!(
            turns(&doc),
            [
                ("Unknown Speaker", 0, Some(1_000), "Hello"),
                ("Unknown Speaker", 1_000, Some(2_000), "the answer is: yes")
            ]
        );
        assert!(doc.turns[0].original.as_ref().unwrap().speaker.is_none());
    }

    #[test]
    fn speaker_prefix_rules() {
        assert_eq!(speaker_prefix("Metta Spencer: Hi"), Some(("Metta Spencer", " Hi")));
        assert_eq!(speaker_prefix("sam: hey"), Some(("sam", " hey")));
        assert_eq!(speaker_prefix("Speaker 3: hey"), Some(("Speaker 3", " hey")));
        assert_eq!(speaker_prefix("Máté Kocsis: szia"), Some(("Máté Kocsis", " szia")));
        assert_eq!(speaker_prefix("Jan van der Berg: hoi"), Some(("Jan van der Berg", " hoi")));
        assert_eq!(speaker_prefix("at 10:30 we met"), None);
        assert_eq!(speaker_prefix("see https://x.org"), None);
        assert_eq!(speaker_prefix("so the thing is: yes"), None);
        assert_eq!(speaker_prefix("Well, okay: yes"), None);
        assert_eq!(speaker_prefix("no colon"), None);
    }

    #[test]
    fn a_second_known_name_inside_a_cue_starts_a_turn() {
        let srt =
            "1\n00:00:00,000 --> 00:00:01,000\nAnn: Hi\n\n2\n00:00:01,000 --> 00:00:02,000\nBob: Hello\nAnn: Bye\n";
        let (doc, _) = read(srt).unwrap();
        assert_eq!(
            turns(&doc).iter().map(|t| (t.0, t.3)).collect::<Vec<_>>(),
            [("Ann", "Hi"), ("Bob", "Hello"), ("Ann", "Bye")]
        );
    }

    #[test]
    fn nothing_usable_is_an_error() {
        assert!(read("just some text\nwithout cues\n").is_err());
        assert!(read("").is_err());
        let (_, w) = read("garbage\n1\n00:00:00,000 --> 00:00:01,000\nAnn: Hi\n").unwrap();
        assert_eq!(w[0].line, 1);
    }

    #[test]
    fn seed_panel_srt_matches_the_conversation() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/synthetic/seed-panel_otter_ai.srt");
        let Ok(text) = std::fs::read_to_string(&path) else {
            println!("skipping: {} is not available", path.display());
            return;
        };
        let (doc, w) = read(&text).unwrap();
        assert!(w.is_empty(), "{w:?}");
        // 45 cues, one per non-empty turn of the TXT export (its two empty turns have no cue).
        assert_eq!(doc.turns.len(), 45);
        let names: Vec<&str> = doc.speakers.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["Metta Spencer", "Konstantin Samoilov", "Andre Kamenshikov", "Alexey Prokhorenko", "Doug Saunders"]
        );
        let t = turns(&doc);
        assert_eq!(t[0].0, "Metta Spencer");
        assert!(t[0].3.starts_with("Hi, I’m Metta Spencer."));
        assert_eq!((t[0].1, t[0].2), (0, Some(63_000)));
        // Two consecutive Metta Spencer cues stay two turns (as in the TXT export).
        assert_eq!((t[6].0, t[6].1, t[7].0, t[7].1), ("Metta Spencer", 136_000, "Metta Spencer", 141_000));
        assert_eq!(t[44], ("Andre Kamenshikov", 4_315_500, Some(4_318_500), "Thank you."));
        // Compare with the TXT twin when it is there.
        let txt_path = path.with_extension("txt");
        if let Ok(txt) = std::fs::read_to_string(&txt_path) {
            let re = regex::Regex::new(r"(?m)^(.+?)  \d[\d:]*  \n(.+)$").unwrap();
            let expected: Vec<(&str, &str)> =
                re.captures_iter(&txt).map(|c| (c.get(1).unwrap().as_str(), c.get(2).unwrap().as_str())).collect();
            let got: Vec<(&str, &str)> = t.iter().map(|t| (t.0, t.3)).collect();
            assert_eq!(got, expected);
        }
    }
}
