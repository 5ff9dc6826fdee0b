//! WebVTT: a `WEBVTT` header, optional NOTE/STYLE/REGION blocks, cues with an optional id, a
//! `[HH:]MM:SS.mmm --> [HH:]MM:SS.mmm [settings]` timing line and a payload whose speaker is a
//! `<v Name>` voice span (also `<v.class Name>`). Other tags (`<c>`, `<i>`, `<b>`, `<u>`,
//! `<ruby>`, `<lang>`, karaoke timestamps `<00:00:01.000>`) are dropped and character
//! references are decoded.
//!
//! Turns are assembled like SubRip's: a voice starts a turn, a cue without a voice continues
//! the turn before it; a file with no voice at all gives one unnamed turn per cue. Cue text
//! without voices may also carry otter's `Name: ` prefix.

use super::srt::{Segment, assemble, speaker_prefix, timing};
use super::{ParseError, Warning};
use crate::model::{Ms, Transcript};

/// True when the text starts with the `WEBVTT` signature.
pub fn sniff(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.strip_prefix("WEBVTT").is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r']))
}

pub fn read(text: &str) -> Result<(Transcript, Vec<Warning>), ParseError> {
    let mut warnings = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !sniff(text) {
        warnings.push(Warning::new(1, "the WEBVTT header is missing"));
    }
    let cues = gather_cues(text, &mut warnings);
    if cues.is_empty() {
        return Err(ParseError::NoTurns("no WebVTT cues were found (no `00:00.000 --> 00:01.000` timing line)"));
    }
    let any_voice = cues.iter().any(|c| c.payload.contains("<v"));
    let mut segments: Vec<Segment> = Vec::new();
    for cue in &cues {
        for (voice, text) in parse_payload(&cue.payload) {
            let (speaker, text) = match voice {
                Some(v) => (Some(v), text),
                // otter-style `Name: ` prefixes, when the file uses no voice spans.
                None if !any_voice => match speaker_prefix(&text) {
                    Some((name, rest)) => (Some(name.to_string()), rest.trim().to_string()),
                    None => (None, text),
                },
                None => (None, text),
            };
            segments.push(Segment { speaker, start: cue.start, end: cue.end, text });
        }
    }
    Ok((assemble(segments).finish(), warnings))
}

struct Cue {
    start: Ms,
    end: Ms,
    payload: String,
}

/// Split the text into blank-line separated blocks and read each as header, comment, style,
/// region or cue. A block without a timing line after a cue is taken as more of that cue's text
/// (a blank line inside a cue), with a warning.
fn gather_cues(text: &str, warnings: &mut Vec<Warning>) -> Vec<Cue> {
    let mut cues: Vec<Cue> = Vec::new();
    let mut block: Vec<(usize, &str)> = Vec::new();
    let mut first_block = true;
    let lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim_end()));
    for (n, line) in lines.chain(std::iter::once((0, ""))) {
        if !line.trim().is_empty() {
            block.push((n, line));
            continue;
        }
        if block.is_empty() {
            continue;
        }
        read_block(&block, first_block, &mut cues, warnings);
        first_block = false;
        block.clear();
    }
    cues
}

fn read_block(block: &[(usize, &str)], first: bool, cues: &mut Vec<Cue>, warnings: &mut Vec<Warning>) {
    let (line_no, head) = block[0];
    let head = head.trim();
    let keyword = |k: &str| head.strip_prefix(k).is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']));
    // The header block (its extra lines are header metadata), comments, styles and regions.
    if (first && keyword("WEBVTT")) || keyword("NOTE") || keyword("STYLE") || keyword("REGION") {
        if block.iter().any(|(_, l)| l.contains("-->")) && !keyword("NOTE") {
            warnings.push(Warning::new(
                line_no,
                format!(
                    "a {} block contains a timing line; it was skipped",
                    head.split_whitespace().next().unwrap_or("")
                ),
            ));
        }
        return;
    }
    // The timing line is the first line, or the second after a cue id.
    let at = block.iter().take(2).position(|(_, l)| l.contains("-->"));
    let Some(at) = at else {
        match cues.last_mut() {
            Some(cue) => {
                warnings.push(Warning::new(line_no, "text after a blank line inside a cue was joined to that cue"));
                for (_, l) in block {
                    cue.payload.push('\n');
                    cue.payload.push_str(l);
                }
            }
            None => warnings.push(Warning::new(line_no, "text that is not a cue was ignored")),
        }
        return;
    };
    let (t_line, t) = block[at];
    match timing(t.trim()) {
        Some(Some((start, end))) => {
            let end = if end < start {
                warnings.push(Warning::new(t_line, "the cue ends before it starts; its end was set to its start"));
                start
            } else {
                end
            };
            let payload = block[at + 1..].iter().map(|(_, l)| *l).collect::<Vec<_>>().join("\n");
            cues.push(Cue { start, end, payload });
        }
        _ => warnings.push(Warning::new(t_line, format!("unreadable cue timing {:?}; the cue was skipped", t.trim()))),
    }
}

/// The payload as (voice, text) pieces: a new piece at each `<v ...>` span. Tags are dropped,
/// character references decoded, line breaks become spaces, each piece is trimmed.
fn parse_payload(payload: &str) -> Vec<(Option<String>, String)> {
    let mut pieces: Vec<(Option<String>, String)> = Vec::new();
    let mut voice: Option<String> = None;
    let mut text = String::new();
    let mut rest = payload;
    while let Some(i) = rest.find(['<', '&', '\n']) {
        text.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix('\n') {
            text.push(' ');
            rest = after;
        } else if tail.starts_with('&') {
            let (decoded, used) = decode_entity(tail);
            text.push_str(&decoded);
            rest = &tail[used..];
        } else {
            // A tag runs to '>' (or to the end of the payload when unclosed).
            let end = tail.find('>').unwrap_or(tail.len());
            let tag = &tail[1..end];
            rest = tail.get(end + 1..).unwrap_or("");
            if let Some(name) = voice_annotation(tag) {
                let t = text.trim();
                if !t.is_empty() {
                    pieces.push((voice.take(), t.to_string()));
                }
                text.clear();
                voice = Some(name);
            }
        }
    }
    text.push_str(rest);
    let t = text.trim();
    if !t.is_empty() || voice.is_some() {
        pieces.push((voice, t.to_string()));
    }
    pieces
}

/// The speaker of a `v` start tag (`v Name`, `v.loud.x Name`), entity-decoded; None for other
/// tags or a voice with no name.
fn voice_annotation(tag: &str) -> Option<String> {
    let rest = tag.strip_prefix('v')?;
    if !rest.starts_with(['.', ' ', '\t']) {
        return None;
    }
    let name = rest.trim_start_matches(|c: char| !c.is_whitespace()).trim();
    let decoded = decode_entities(name);
    let decoded = decoded.trim();
    (!decoded.is_empty()).then(|| decoded.to_string())
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let (decoded, used) = decode_entity(&rest[i..]);
        out.push_str(&decoded);
        rest = &rest[i + used..];
    }
    out.push_str(rest);
    out
}

/// Decode the character reference at the start of `s` (which starts with '&'). Returns the text
/// and the bytes consumed; an unknown or unterminated reference is kept as a literal '&'.
fn decode_entity(s: &str) -> (String, usize) {
    let literal = ("&".to_string(), 1);
    let Some(semi) = s.char_indices().take(12).find(|&(_, c)| c == ';').map(|(i, _)| i) else { return literal };
    let name = &s[1..semi];
    let c = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        // A no-break space is a plain space in a transcript.
        "nbsp" => Some(' '),
        "lrm" | "rlm" => return (String::new(), semi + 1),
        _ => name.strip_prefix('#').and_then(|n| {
            let code = match n.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok(),
                None => n.parse().ok(),
            };
            code.and_then(char::from_u32)
        }),
    };
    match c {
        Some(c) => (c.to_string(), semi + 1),
        None => literal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turns(doc: &Transcript) -> Vec<(&str, Ms, Option<Ms>, &str)> {
        doc.turns.iter().map(|t| (doc.speaker_name(t.speaker), t.start_ms, t.end_ms, t.text.as_str())).collect()
    }

    #[test]
    fn sniffs_the_signature_only() {
        assert!(sniff("WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n"));
        assert!(sniff("\u{feff}WEBVTT - a title\n"));
        assert!(sniff("WEBVTT"));
        assert!(!sniff("WEBVTTX\n"));
        assert!(!sniff("1\n00:00:00,000 --> 00:00:01,000\n"));
        assert!(!sniff(" WEBVTT\n"));
    }

    #[test]
    fn reads_voices_settings_ids_and_skips_blocks() {
        let vtt = "WEBVTT - panel\nKind: captions\n\n\
                   NOTE this is a comment\nspanning --> lines\n\n\
                   STYLE\n::cue { color: red }\n\n\
                   REGION\nid:fred width:40%\n\n\
                   intro\n00:01.000 --> 00:04.500 align:start line:0%\n<v Ann Lee>Hello <i>there</i>,\nhow are you?</v>\n\n\
                   2\n00:04.500 --> 00:09.000\nand the <c.yellow>rest</c> <00:00:05.000>of it.\n\n\
                   01:00:00.000 --> 01:00:01.000\n<v.loud Bob>Fish &amp; chips &lt;3&gt;&nbsp;ok &#8230; &#x263A; &bogus; AT&T\n";
        let (doc, w) = read(vtt).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            turns(&doc),
            [
                ("Ann Lee", 1_000, Some(9_000), "Hello there, how are you? and the rest of it."),
                ("Bob", 3_600_000, Some(3_601_000), "Fish & chips <3> ok \u{2026} \u{263a} &bogus; AT&T"),
            ]
        );
    }

    #[test]
    fn two_voices_in_one_cue_make_two_turns() {
        let vtt =
            "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Ann>Hi</v>\n<v Bob>Hello</v>\n\n00:02.000 --> 00:03.000\nmore\n";
        let (doc, _) = read(vtt).unwrap();
        assert_eq!(turns(&doc), [("Ann", 0, Some(2_000), "Hi"), ("Bob", 0, Some(3_000), "Hello more")]);
    }

    #[test]
    fn without_voices_each_cue_is_a_turn_and_prefixes_count() {
        let vtt = "WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n\n00:01.000 --> 00:02.000\nWorld\n";
        let (doc, _) = read(vtt).unwrap();
        assert_eq!(
            turns(&doc),
            [("Unknown Speaker", 0, Some(1_000), "Hello"), ("Unknown Speaker", 1_000, Some(2_000), "World")]
        );
        let vtt = "WEBVTT\n\n00:00.000 --> 00:01.000\nAnn: Hello\n\n00:01.000 --> 00:02.000\nagain\n";
        let (doc, _) = read(vtt).unwrap();
        assert_eq!(turns(&doc), [("Ann", 0, Some(2_000), "Hello again")]);
    }

    #[test]
    fn lenient_with_warnings() {
        let vtt = "00:00.000 --> 00:01.000\n<v Ann>Hi\n\nstill Ann\n\n00:0x.000 --> 00:02.000\n<v Bob>lost\n\n00:03.000 --> 00:04.000\n<v Bob\n";
        let (doc, w) = read(vtt).unwrap();
        // The last cue's unclosed `<v Bob` names a voice with no text: no turn.
        assert_eq!(turns(&doc), [("Ann", 0, Some(1_000), "Hi still Ann")]);
        let lines: Vec<usize> = w.iter().map(|w| w.line).collect();
        assert_eq!(lines, [1, 4, 6]);
    }

    #[test]
    fn nothing_usable_is_an_error() {
        assert!(read("WEBVTT\n\nNOTE nothing here\n").is_err());
        assert!(read("WEBVTT").is_err());
        assert!(read("").is_err());
    }
}
