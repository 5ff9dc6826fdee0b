//! SRT and WebVTT captions.
//!
//! Each turn's text is spread over its time span: from its start to its own end when it has
//! one, else to the next turn's start, but no longer than the turn's own speech estimate (2.5
//! words a second, 400 ms a word, at least 1 s), so that a turn followed by a silence leaves the
//! screen when its words are spoken. With the recording's speech segments
//! ([`write_srt_on_speech`], [`write_vtt_on_speech`]) the words are spread over the turn's
//! speech instead: its speech stretches (segments closer than 1 s joined) get words in
//! proportion to their length, and each stretch is cut into cues of its own, so no cue spans a
//! silence of 1 s or more. Turns that share a start share the span, by words. Long turns
//! are cut into cues of at most `caption_lines` lines of at most `caption_line_chars`
//! characters (a single longer word stays whole) and at most `caption_max_ms` long; cue times
//! are spread by words within the span. A final pass makes the cues strictly valid: every cue
//! ends after it starts, and none overlaps the one before.

use super::{ExportOptions, one_line};
use crate::audio::speech::SpeechMap;
use crate::model::{Ms, Transcript};

/// One caption cue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Cue<'a> {
    pub start: Ms,
    pub end: Ms,
    pub speaker: &'a str,
    /// True for the first cue of a turn (where SRT writes the `Name: ` prefix).
    pub first: bool,
    /// Index of the turn in the document.
    pub turn: usize,
    pub lines: Vec<String>,
}

/// A turn's speech estimate: 2.5 words a second (400 ms a word), at least 1 s. A turn's words
/// are never spread over more than this.
const MS_PER_WORD: Ms = 400;
const MIN_SPAN: Ms = 1000;

/// Speech segments closer than this are one stretch of captions; a cue never spans a longer
/// silence.
const MAX_PAUSE_IN_CUE: Ms = 1000;

struct Item<'a> {
    speaker: &'a str,
    start: Ms,
    end_ms: Option<Ms>,
    words: Vec<&'a str>,
    /// Index of the turn in the document.
    index: usize,
}

#[cfg(test)]
pub(crate) fn cues<'a>(doc: &'a Transcript, opts: &ExportOptions, srt_prefix: bool) -> Vec<Cue<'a>> {
    cues_on(doc, opts, srt_prefix, None)
}

/// The cues, placed on `speech` (sorted speech segments `[start, end)` in ms) when given.
pub(crate) fn cues_on<'a>(
    doc: &'a Transcript,
    opts: &ExportOptions,
    srt_prefix: bool,
    speech: Option<&SpeechMap>,
) -> Vec<Cue<'a>> {
    let items: Vec<Item> = doc
        .turns
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.text.trim().is_empty())
        .map(|(index, t)| Item {
            speaker: doc.speaker_name(t.speaker),
            start: t.start_ms,
            end_ms: t.end_ms.filter(|&e| e > t.start_ms),
            words: t.text.split_whitespace().collect(),
            index,
        })
        .collect();
    let audio_end = doc.audio.as_ref().and_then(|a| a.duration_ms);
    let max_ms = opts.caption_max_ms.max(1);
    let mut out = Vec::new();
    let mut g = 0;
    while g < items.len() {
        // A group: consecutive items with the same start.
        let start = items[g].start;
        let mut h = g + 1;
        while h < items.len() && items[h].start == start {
            h += 1;
        }
        let group = &items[g..h];
        let words: usize = group.iter().map(|i| i.words.len()).sum();
        // The next later start of any turn (an empty turn still marks where speech changes).
        let last = group.last().map_or(0, |i| i.index);
        let next_start = doc.turns[last + 1..].iter().map(|t| t.start_ms).find(|&s| s > start);
        let own_end = group.last().and_then(|i| i.end_ms);
        let end = match (own_end, next_start) {
            (Some(e), Some(n)) => e.min(n),
            (Some(e), None) => e,
            (None, Some(n)) => n,
            (None, None) => {
                let guess = start + estimate(words);
                match audio_end {
                    Some(a) if a > start => guess.min(a),
                    _ => guess,
                }
            }
        };
        let stretches =
            speech.map(|m| stretches(m, start, next_start.unwrap_or(end.max(start + 1)))).unwrap_or_default();
        if stretches.is_empty() {
            let span = (end - start).min(estimate(words));
            place(group, &[(start, start + span)], opts, max_ms, srt_prefix, &mut out);
        } else {
            place(group, &stretches, opts, max_ms, srt_prefix, &mut out);
        }
        g = h;
    }
    // Strict validity: starts never go back, every cue lasts at least 1 ms, no overlaps.
    let mut prev_end = 0;
    for c in &mut out {
        c.start = c.start.max(prev_end);
        c.end = c.end.max(c.start + 1);
        prev_end = c.end;
    }
    out
}

/// The speech estimate of `words` words.
fn estimate(words: usize) -> Ms {
    (words as Ms * MS_PER_WORD).max(MIN_SPAN)
}

/// A turn's speech (see `SpeechMap::turn_segments`) as stretches: segments less than
/// [`MAX_PAUSE_IN_CUE`] apart joined.
fn stretches(speech: &SpeechMap, start: Ms, window_end: Ms) -> Vec<(Ms, Ms)> {
    let mut out: Vec<(Ms, Ms)> = Vec::new();
    for (a, b) in speech.turn_segments(start, window_end) {
        match out.last_mut() {
            Some(last) if a < last.1 + MAX_PAUSE_IN_CUE => last.1 = b,
            _ => out.push((a, b)),
        }
    }
    out
}

/// Spread the words of a group of turns (sharing a start) over `spans` in proportion to their
/// lengths, and cut each turn's share of each span into cues.
fn place<'a>(
    group: &[Item<'a>],
    spans: &[(Ms, Ms)],
    opts: &ExportOptions,
    max_ms: Ms,
    srt_prefix: bool,
    out: &mut Vec<Cue<'a>>,
) {
    let words: usize = group.iter().map(|i| i.words.len()).sum();
    let total: Ms = spans.iter().map(|(a, b)| b - a).sum::<Ms>().max(1);
    // Word index where each span starts (cumulative, rounded), the last ending at `words`.
    let mut cum = 0;
    let mut bounds = vec![0usize];
    for (a, b) in spans {
        cum += b - a;
        bounds.push(((words as u128 * cum as u128 + total as u128 / 2) / total as u128) as usize);
    }
    *bounds.last_mut().expect("one bound per span") = words;
    let mut item_start = 0usize;
    for item in group {
        let item_end = item_start + item.words.len();
        for (k, &(a, b)) in spans.iter().enumerate() {
            let (w0, w1) = (bounds[k].max(item_start), bounds[k + 1].min(item_end));
            if w1 <= w0 {
                continue;
            }
            // The span's time, shared by words between the group's turns.
            let n = (bounds[k + 1] - bounds[k]).max(1) as Ms;
            let ta = a + (b - a) * (w0 - bounds[k]) as Ms / n;
            let tb = a + (b - a) * (w1 - bounds[k]) as Ms / n;
            let words = &item.words[w0 - item_start..w1 - item_start];
            let who = (item.speaker, item.index);
            split_turn(who, words, w0 == item_start, ta, tb, opts, max_ms, srt_prefix, out);
        }
        item_start = item_end;
    }
}

/// Cut some of a turn's words into cues between `a` and `b`; `first`: they begin the turn.
#[allow(clippy::too_many_arguments)]
fn split_turn<'a>(
    (speaker, turn): (&'a str, usize),
    words: &[&str],
    first: bool,
    a: Ms,
    b: Ms,
    opts: &ExportOptions,
    max_ms: Ms,
    srt_prefix: bool,
    out: &mut Vec<Cue<'a>>,
) {
    let n = words.len();
    let span = b - a;
    // The most words a cue may hold so that its share of the span stays within max_ms.
    let max_words = if span > max_ms { ((n as u128 * max_ms as u128 / span as u128) as usize).max(1) } else { n };
    let line_chars = opts.caption_line_chars.max(1);
    let max_lines = opts.caption_lines.max(1);
    let prefix = if srt_prefix && first { format!("{}: ", one_line(speaker)) } else { String::new() };
    let mut chunks = chunk(words, &prefix, max_words, line_chars, max_lines);
    // Balance: as many cues, but with their words evened out, when the lines allow it (no
    // one-word cue trailing a full one).
    let k = chunks.len();
    if k > 1 {
        let even = chunk(words, &prefix, max_words.min(n.div_ceil(k)), line_chars, max_lines);
        if even.len() == k {
            chunks = even;
        }
    }

    for (k, (w0, w1, lines)) in chunks.into_iter().enumerate() {
        let start = a + span * w0 as Ms / n as Ms;
        let end = (a + span * w1 as Ms / n as Ms).min(start + max_ms);
        out.push(Cue { start, end, speaker, first: first && k == 0, turn, lines });
    }
}

/// Greedy cut: fill each line up to `line_chars`, each cue up to `max_lines` lines and
/// `max_words` words. Returns (first word, end word, lines) per cue.
fn chunk(
    words: &[&str],
    prefix: &str,
    max_words: usize,
    line_chars: usize,
    max_lines: usize,
) -> Vec<(usize, usize, Vec<String>)> {
    let mut chunks = Vec::new();
    let mut first = 0;
    let mut lines: Vec<String> = vec![prefix.to_string()];
    for (i, w) in words.iter().enumerate() {
        let fits = {
            let line = lines.last().expect("a cue always has a line");
            let len = line.chars().count();
            let sep = usize::from(!line.is_empty() && !line.ends_with(' '));
            line.trim().is_empty() || len + sep + w.chars().count() <= line_chars
        };
        let room = i - first < max_words;
        if room && !fits && lines.len() < max_lines {
            lines.push(w.to_string());
            continue;
        }
        // A cue holds at least one word, even one too long for its line.
        if (room && fits) || i == first {
            push_word(lines.last_mut().expect("a cue always has a line"), w);
            continue;
        }
        chunks.push((first, i, std::mem::take(&mut lines)));
        first = i;
        lines = vec![w.to_string()];
    }
    chunks.push((first, words.len(), lines));
    chunks
}

fn push_word(line: &mut String, w: &str) {
    if !line.is_empty() && !line.ends_with(' ') {
        line.push(' ');
    }
    line.push_str(w);
}

fn srt_time(ms: Ms) -> String {
    let s = ms / 1000;
    format!("{:02}:{:02}:{:02},{:03}", s / 3600, (s / 60) % 60, s % 60, ms % 1000)
}

fn vtt_time(ms: Ms) -> String {
    let s = ms / 1000;
    format!("{:02}:{:02}:{:02}.{:03}", s / 3600, (s / 60) % 60, s % 60, ms % 1000)
}

/// Where each cue sits: (turn index, start ms, end ms), in order, as [`write_srt_on_speech`]
/// and [`write_vtt_on_speech`] time them.
pub fn cue_spans(doc: &Transcript, opts: &ExportOptions, speech: Option<&[(Ms, Ms)]>) -> Vec<(usize, Ms, Ms)> {
    let map = speech.map(|s| SpeechMap::from_segments(s.to_vec()));
    cues_on(doc, opts, opts.names, map.as_ref()).iter().map(|c| (c.turn, c.start, c.end)).collect()
}

pub(crate) fn write_srt(doc: &Transcript, opts: &ExportOptions) -> String {
    write_srt_on_speech(doc, opts, None)
}

/// SRT with the cues on the recording's speech segments (sorted `[start, end)` ms), when given.
pub fn write_srt_on_speech(doc: &Transcript, opts: &ExportOptions, speech: Option<&[(Ms, Ms)]>) -> String {
    let map = speech.map(|s| SpeechMap::from_segments(s.to_vec()));
    let mut out = String::new();
    for (i, c) in cues_on(doc, opts, opts.names, map.as_ref()).iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("{}\n{} --> {}\n", i + 1, srt_time(c.start), srt_time(c.end)));
        for l in &c.lines {
            // An arrow in the text could be taken for a timing line.
            out.push_str(&l.replace("-->", "->"));
            out.push('\n');
        }
    }
    out
}

/// Escape WebVTT cue text (and voice annotations): `&`, `<` and `>` as character references.
fn vtt_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

pub(crate) fn write_vtt(doc: &Transcript, opts: &ExportOptions) -> String {
    write_vtt_on_speech(doc, opts, None)
}

/// WebVTT with the cues on the recording's speech segments, when given.
pub fn write_vtt_on_speech(doc: &Transcript, opts: &ExportOptions, speech: Option<&[(Ms, Ms)]>) -> String {
    let map = speech.map(|s| SpeechMap::from_segments(s.to_vec()));
    let mut out = String::from("WEBVTT\n");
    for c in cues_on(doc, opts, false, map.as_ref()) {
        out.push_str(&format!("\n{} --> {}\n", vtt_time(c.start), vtt_time(c.end)));
        for (k, l) in c.lines.iter().enumerate() {
            if k == 0 && opts.names {
                out.push_str(&format!("<v {}>", vtt_escape(&one_line(c.speaker))));
            }
            out.push_str(&vtt_escape(l));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TranscriptBuilder;

    fn opts(chars: usize, max_ms: Ms) -> ExportOptions {
        ExportOptions { caption_line_chars: chars, caption_max_ms: max_ms, ..Default::default() }
    }

    #[test]
    fn long_turn_is_cut_by_lines_and_duration() {
        let mut b = TranscriptBuilder::new();
        b.push(Some("A"), Some(0), None, "one two three four five six seven eight nine ten");
        b.push(Some("B"), Some(10_000), None, "end");
        let d = b.finish();
        let c = cues(&d, &opts(9, 100_000), false);
        assert!(c.iter().all(|c| c.lines.len() <= 2 && c.lines.iter().all(|l| l.chars().count() <= 9)), "{c:?}");
        assert_eq!(c.first().unwrap().lines, vec!["one two", "three"]);
        assert_eq!(c[0].start, 0);
        // 10 words over their 4 s speech estimate (not the 10 s to the next turn): cues start
        // at multiples of 400 ms and end by 4 s.
        assert!(c.iter().take_while(|c| c.speaker == "A").all(|c| c.start % 400 == 0 && c.end <= 4_000), "{c:?}");
        let c = cues(&d, &opts(80, 2_000), false);
        assert!(c.iter().all(|c| c.end - c.start <= 2_000), "{c:?}");
        assert_eq!(c.iter().filter(|c| c.speaker == "A").count(), 2);
    }

    #[test]
    fn shared_starts_and_unsorted_turns_stay_valid() {
        let mut b = TranscriptBuilder::new();
        b.push(Some("A"), Some(5_000), None, "a b");
        b.push(Some("B"), Some(5_000), None, "c d");
        b.push(Some("A"), Some(4_000), None, "");
        b.push(Some("C"), Some(3_000), Some(3_000), "late");
        b.push(Some("A"), Some(9_000), None, "x");
        let d = b.finish();
        let c = cues(&d, &ExportOptions::default(), false);
        let mut prev = 0;
        for c in &c {
            assert!(c.start >= prev && c.end > c.start, "{c:?}");
            prev = c.end;
        }
        // Four words: a 1.6 s estimate shared by words.
        assert_eq!((c[0].start, c[0].end), (5_000, 5_800));
    }

    #[test]
    fn escapes_and_prefix() {
        let mut b = TranscriptBuilder::new();
        b.push(Some("A&B"), Some(0), Some(1_000), "x --> <y>");
        let d = b.finish();
        let o = ExportOptions::default();
        assert_eq!(write_srt(&d, &o), "1\n00:00:00,000 --> 00:00:01,000\nA&B: x -> <y>\n");
        assert_eq!(write_vtt(&d, &o), "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v A&amp;B>x --&gt; &lt;y&gt;\n");
    }
}
