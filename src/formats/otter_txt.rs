//! otter.ai's TXT export, web-page copies of otter transcripts and the Markdown layouts people
//! re-publish them in (see `shared/formats/otter.md` §2, §7, §8).
//!
//! All of them are read by one reader, line by line:
//!
//! 1. Every line is classified once: blank, text, otter's `Transcribed by https://otter.ai` footer,
//!    or a turn header ([`header::parse`]). Header recognition is done by hand on bytes (no
//!    regex), with a cheap first test so that ordinary text lines cost almost nothing.
//! 2. Headers are accepted or not in context ([`accept_headers`]): weak forms (a bare `10:33`, a
//!    malformed `**Name**:`, a name without time) only count where they cannot be confused
//!    with a preamble.
//! 3. Everything before the first header is the preamble ([`preamble`]): title, date, keywords,
//!    speaker list, summary, outline, disclaimer; the rest of it is kept in `metadata.preamble`.
//! 4. A turn's text runs from its header to the next header (blank lines at both ends dropped,
//!    paragraph breaks kept as one blank line, Markdown headings and rules kept out with a
//!    warning). The last turn ends at otter's footer, or, without a footer, where page
//!    furniture begins (see [`last_turn_end`]).

mod header;
mod preamble;

use super::{Format, ParseError, Warning};
use crate::model::{Ms, Transcript, TranscriptBuilder, format_otter_time};
use header::{Header, Kind};
use std::borrow::Cow;

/// How a line was classified in the first pass (header details are kept aside, in order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Line {
    Blank,
    Text,
    Footer,
    Header,
}

/// Which text variant this is.
///
/// Markdown when the text has YAML front matter, Markdown headings or a Markdown-style header
/// (bold or `###` name, `[MM:SS]`); a web page when the first header comes after a plain-text
/// preamble (or no header is seen at all in a non-empty text, which happens when a long web
/// preamble fills the part of the file given to detection) or uses the web page's no-break
/// space; otter's TXT otherwise.
pub fn classify(text: &str) -> Format {
    const MAX_LINES: usize = 400;
    let lines: Vec<&str> = text.split('\n').take(MAX_LINES).collect();
    if lines.first().is_some_and(|l| l.trim_end() == "---") {
        return Format::Markdown;
    }
    let mut markdown_heading = false;
    let mut first_text: Option<usize> = None;
    for (i, line) in lines.iter().enumerate() {
        if is_blank(line) {
            continue;
        }
        if let Some(h) = header::parse(line) {
            let strong = matches!(h.kind, Kind::Otter | Kind::Bracket | Kind::Colon | Kind::TimeNoName)
                || (h.kind == Kind::NameOnly && lines.get(i + 1).is_some_and(|n| !is_blank(n)));
            if strong {
                if markdown_heading || h.markdown {
                    return Format::Markdown;
                }
                let at_top = first_text.is_none_or(|f| f == i);
                if at_top && !h.web {
                    return Format::OtterTxt;
                }
                return Format::WebPage;
            }
        }
        first_text.get_or_insert(i);
        if is_heading(line) {
            markdown_heading = true;
        }
    }
    if markdown_heading {
        Format::Markdown
    } else if first_text.is_some() {
        Format::WebPage
    } else {
        Format::OtterTxt
    }
}

/// Read any of the otter text layouts. Fails only when no turn is found.
pub fn read(text: &str) -> Result<(Transcript, Vec<Warning>), ParseError> {
    let web = classify(text) == Format::WebPage;
    let newlines = text.bytes().filter(|&b| b == b'\n').count();
    let mut lines: Vec<&str> = Vec::with_capacity(newlines + 1);
    lines.extend(text.split('\n'));
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let mut found: Vec<(usize, Header)> = Vec::with_capacity(lines.len() / 3 + 1);
    let mut kinds: Vec<Line> = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        let (kind, h) = classify_line(l);
        if let Some(h) = h {
            found.push((i, h));
        }
        kinds.push(kind);
    }
    let mut warnings = Vec::new();
    let headers = accept_headers(&lines, &kinds, &found, &mut warnings);
    let mut b = TranscriptBuilder::new();
    if headers.is_empty() {
        return read_paragraphs_only(&lines, &kinds, b, warnings);
    }

    // The otter footer after the first turn ends the transcript; a second copy after it (the
    // same first headers again) is set aside.
    let first = headers[0].0;
    let mut end = lines.len();
    let mut turns_after_footer = false;
    if let Some(f) = (first..lines.len()).find(|&i| matches!(kinds[i], Line::Footer)) {
        b.metadata_mut().disclaimer = Some(lines[f].trim_matches(is_ws).to_string());
        let before: Vec<&(usize, Header)> = headers.iter().take_while(|(i, _)| *i < f).collect();
        let after: Vec<&(usize, Header)> = headers.iter().skip_while(|(i, _)| *i < f).collect();
        if after.is_empty() {
            end = f;
            if let Some(start) = (f + 1..lines.len()).find(|&i| !is_blank(lines[i])) {
                b.aside(start + 1, join_trimmed(&lines[start..]));
                warnings.push(Warning::new(start + 1, "text after otter's footer was set aside"));
            }
        } else if is_repeat(&before, &after) {
            end = f;
            let start = after[0].0;
            b.aside(start + 1, join_trimmed(&lines[start..]));
            warnings.push(Warning::new(
                start + 1,
                format!(
                    "the transcript starts again after otter's footer (line {}); the repeated copy ({} turns) was set aside",
                    f + 1,
                    after.len()
                ),
            ));
        } else {
            turns_after_footer = true;
            warnings.push(Warning::new(
                f + 1,
                "more turns follow otter's footer; they were read as part of the transcript",
            ));
        }
    }
    let headers: Vec<(usize, Header)> = headers.into_iter().filter(|(i, _)| *i < end).collect();

    mixed_style_warning(&headers, &mut warnings);

    let mut prev_speaker: Option<Cow<str>> = None;
    let mut prev_start: Option<(Ms, usize)> = None;
    for (k, (line, h)) in headers.iter().enumerate() {
        let next = headers.get(k + 1).map_or(end, |(i, _)| *i);
        let last = k + 1 == headers.len();
        let region_end = if last && !turns_after_footer && end == lines.len() {
            let (stop, aside_from) = last_turn_end(&lines, &kinds, *line + 1, next, h, web);
            if let Some(from) = aside_from {
                b.aside(from + 1, join_trimmed(&lines[from..next]));
                warnings.push(Warning::new(
                    from + 1,
                    "text after the last turn does not look like part of it (page furniture?); it was set aside",
                ));
            }
            stop
        } else {
            next
        };
        let text = turn_text(&lines, &kinds, *line + 1, region_end, h.inline, &mut warnings);
        let name: Option<Cow<str>> = match h.kind {
            Kind::TimeContinue => prev_speaker.clone(),
            _ => h.name.map(clean_name),
        };
        if h.malformed {
            warnings.push(Warning::new(line + 1, "malformed speaker header (a colon after the name); read anyway"));
        }
        if h.kind == Kind::TimeContinue && name.is_none() {
            warnings.push(Warning::new(line + 1, "a time without a speaker name; the speaker is unknown"));
        }
        if text.is_empty() {
            warnings.push(Warning::new(line + 1, format!("empty turn ({})", describe(name.as_deref(), h.time))));
        }
        if let (Some(t), Some((p, _))) = (h.time, prev_start)
            && t < p
        {
            warnings.push(Warning::new(
                line + 1,
                format!("the time goes back from {} to {}", format_otter_time(p), format_otter_time(t)),
            ));
        }
        if let Some(t) = h.time {
            prev_start = Some((t, *line));
        }
        b.push(name.as_deref(), h.time, None, &text);
        prev_speaker = name;
    }
    // Each warning from a turn's header on belongs to that turn (one turn per header).
    for w in warnings.iter_mut().filter(|w| w.turn.is_none() && w.line > 0) {
        let k = headers.partition_point(|(l, _)| *l < w.line);
        w.turn = k.checked_sub(1);
    }
    let mut doc = b.finish();
    // The preamble is read last: its speaker list is recognised by the turns' speakers.
    let speaker_names: Vec<&str> = doc.speakers.iter().map(|s| s.name.as_str()).collect();
    preamble::interpret(&lines[..first], &speaker_names, &mut doc.metadata);
    Ok((doc, warnings))
}

/// True when the headers after a footer repeat the first headers of the transcript (same
/// names and times for the first three turns, or as many as there are).
fn is_repeat(before: &[&(usize, Header)], after: &[&(usize, Header)]) -> bool {
    let n = before.len().min(after.len()).min(3);
    n > 0 && (0..n).all(|i| before[i].1.name == after[i].1.name && before[i].1.time == after[i].1.time)
}

fn classify_line(line: &str) -> (Line, Option<Header<'_>>) {
    if is_blank(line) {
        return (Line::Blank, None);
    }
    if is_footer(line) {
        return (Line::Footer, None);
    }
    match header::parse(line) {
        Some(h) => (Line::Header, Some(h)),
        None => (Line::Text, None),
    }
}

/// Decide which header-looking lines are turn headers. Returns (line index, header) in order.
///
/// * Timed headers (`Name  M:SS`, bracketed, `Name: HH:MM:SS`, `0:01  ` without a name) always
///   count.
/// * `Name  ` without a time counts only in files without timed headers, and only when a text
///   line follows. In such a file, a line that is exactly one of those names (without the two
///   trailing spaces, a hand edit) also counts, with a warning.
/// * A bare `10:33` (continuation of the previous speaker in Markdown converted from DOCX) and
///   a malformed `**Name**:` count only after the first timed header and after a blank line;
///   when nothing else is found they count anywhere.
fn accept_headers<'a>(
    lines: &[&'a str],
    kinds: &[Line],
    found: &[(usize, Header<'a>)],
    warnings: &mut Vec<Warning>,
) -> Vec<(usize, Header<'a>)> {
    // Followed by a line of text (or by a header-looking line that is no timed header, such as
    // a text line with a Markdown hard break).
    let followed_by_text = |i: usize| match kinds.get(i + 1) {
        Some(Line::Text) => true,
        Some(Line::Header) => {
            found.binary_search_by_key(&(i + 1), |(j, _)| *j).is_ok_and(|k| !found[k].1.kind.is_timed())
        }
        _ => false,
    };
    let after_blank = |i: usize| i == 0 || matches!(kinds[i - 1], Line::Blank);
    let has_timed = found.iter().any(|(_, h)| h.kind.is_timed());
    let mut out: Vec<(usize, Header<'a>)> = Vec::new();
    if has_timed {
        let mut seen_strong = false;
        for &(i, ref h) in found {
            if h.kind.is_timed() {
                seen_strong = true;
                out.push((i, h.clone()));
            } else if seen_strong && h.kind.is_weak() && after_blank(i) {
                out.push((i, h.clone()));
            }
        }
        return out;
    }
    // Name-only layout (timestamps off).
    let mut names: Vec<&str> = Vec::new();
    for &(i, ref h) in found {
        if h.kind == Kind::NameOnly && followed_by_text(i) {
            if let Some(n) = h.name
                && !names.contains(&n)
            {
                names.push(n);
            }
            out.push((i, h.clone()));
        }
    }
    if !out.is_empty() {
        let first = out[0].0;
        for i in first..lines.len() {
            if matches!(kinds[i], Line::Text) && after_blank(i) && followed_by_text(i) {
                let t = lines[i].trim_matches(is_ws);
                if let Some(n) = names.iter().find(|n| **n == t) {
                    warnings.push(Warning::new(
                        i + 1,
                        format!("speaker header \"{n}\" without otter's two trailing spaces; read as a header"),
                    ));
                    out.push((i, Header::name_only(n)));
                }
            }
        }
        out.sort_by_key(|(i, _)| *i);
        return out;
    }
    // Nothing strong: weak headers and look-alikes anywhere (after a blank line, before text).
    found
        .iter()
        .filter(|(i, h)| (h.kind.is_weak() || h.kind == Kind::Loose) && after_blank(*i) && followed_by_text(*i))
        .cloned()
        .collect()
}

/// No header at all. otter's export with both names and timestamps off is paragraphs separated
/// by blank lines; read it that way only when otter's footer proves it is an otter export.
fn read_paragraphs_only(
    lines: &[&str],
    kinds: &[Line],
    mut b: TranscriptBuilder,
    mut warnings: Vec<Warning>,
) -> Result<(Transcript, Vec<Warning>), ParseError> {
    let Some(f) = kinds.iter().position(|k| matches!(k, Line::Footer)) else {
        return Err(ParseError::NoTurns("no transcript turns were found (no speaker or time headers)"));
    };
    b.metadata_mut().disclaimer = Some(lines[f].trim_matches(is_ws).to_string());
    let mut i = 0;
    while i < f {
        if is_blank(lines[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < f && !is_blank(lines[i]) {
            i += 1;
        }
        let text = lines[start..i].iter().map(|l| l.trim_matches(is_ws)).collect::<Vec<_>>().join("\n");
        b.push(None, None, None, &text);
    }
    if b.is_empty() {
        return Err(ParseError::NoTurns("no transcript turns were found"));
    }
    warnings.push(Warning::new(0, "no speaker names or times were found; each paragraph became a turn"));
    Ok((b.finish(), warnings))
}

/// Warn once when otter headers and another tool's `Name: HH:MM:SS` headers are mixed.
fn mixed_style_warning(headers: &[(usize, Header)], warnings: &mut Vec<Warning>) {
    let colon: Vec<usize> =
        headers.iter().filter(|(_, h)| h.kind == Kind::Colon && !h.malformed).map(|(i, _)| *i).collect();
    let other: Vec<usize> = headers
        .iter()
        .filter(|(_, h)| matches!(h.kind, Kind::Otter | Kind::Bracket | Kind::TimeNoName))
        .map(|(i, _)| *i)
        .collect();
    if !colon.is_empty() && !other.is_empty() {
        let line = if colon.len() <= other.len() { colon[0] } else { other[0] };
        warnings.push(Warning::new(
            line + 1,
            format!(
                "two header styles are mixed: {} otter-style \"Name  M:SS\" headers and {} \"Name: HH:MM:SS\" headers",
                other.len(),
                colon.len()
            ),
        ));
    }
}

/// Where the last turn's text ends when no otter footer closes the transcript, and where the
/// text set aside begins (if any).
///
/// Rule: the paragraph right after the header (at most one blank line below it, or directly
/// below it) is the turn's text. After it, web-page copies keep nothing more: otter's segments
/// are single paragraphs, and what follows on a web page is the page's own text. In the other
/// layouts, further paragraphs are kept as long as they read like speech (they end with
/// sentence punctuation and are not Markdown structure such as a heading, a rule, a bold-only
/// line or a list); from the first paragraph that does not, everything goes aside. A paragraph
/// more than one blank line below the header is tested the same way (web pages: set aside).
fn last_turn_end(
    lines: &[&str],
    kinds: &[Line],
    start: usize,
    end: usize,
    h: &Header,
    web: bool,
) -> (usize, Option<usize>) {
    let mut i = start;
    let mut paragraphs = 0usize;
    let mut have_text = !h.inline.trim().is_empty();
    while i < end {
        let mut blanks = 0;
        while i < end && matches!(kinds[i], Line::Blank) {
            blanks += 1;
            i += 1;
        }
        if i >= end {
            break;
        }
        let p_start = i;
        while i < end && !matches!(kinds[i], Line::Blank) && !(i > p_start && is_structural(lines[i])) {
            i += 1;
        }
        let para = &lines[p_start..i];
        let structural = para.iter().any(|l| is_structural(l));
        let first_para = paragraphs == 0 && !have_text && blanks <= 1;
        let keep = !structural && (first_para || (!web && reads_like_speech(para)));
        if !keep {
            return (p_start, Some(p_start));
        }
        paragraphs += 1;
        have_text = true;
    }
    (end, None)
}

/// A paragraph that ends like a sentence (or a cut-off one) and is not a list.
fn reads_like_speech(para: &[&str]) -> bool {
    let Some(first) = para.first() else { return false };
    let f = first.trim_start_matches(is_ws);
    if f.starts_with("- ") || f.starts_with("* ") || f.starts_with("+ ") || f.starts_with('>') || f.starts_with('|') {
        return false;
    }
    let Some(last) = para.last() else { return false };
    last.trim_end_matches(is_ws).chars().last().is_some_and(|c| ".?!…,;:\"”’')-—–".contains(c))
}

/// The text of a turn: lines `start..end`, blank lines at both ends dropped, paragraph breaks
/// kept as one blank line, each line trimmed. Markdown headings, `-- notes --` and bold-only
/// lines between turns are kept out of the text with a warning; rules and otter footers are
/// dropped.
fn turn_text<'a>(
    lines: &[&'a str],
    kinds: &[Line],
    start: usize,
    end: usize,
    inline: &'a str,
    warnings: &mut Vec<Warning>,
) -> Cow<'a, str> {
    let inline = inline.trim_matches(is_ws);
    // Fast path, otter's own layout: one text line (blank lines around it).
    let mut content = (start..end).filter(|&i| kinds[i] != Line::Blank);
    if inline.is_empty()
        && let (Some(i), None) = (content.next(), content.next())
        && kinds[i] == Line::Text
        && !is_structural(lines[i])
    {
        return Cow::Borrowed(trim_ws(lines[i]));
    }
    let mut out = String::new();
    out.push_str(inline);
    let mut blanks = 0usize;
    for i in start..end {
        let line = lines[i];
        match kinds[i] {
            Line::Blank => {
                blanks += 1;
                continue;
            }
            Line::Footer => {
                blanks += 1;
                continue;
            }
            _ => {}
        }
        if is_structural(line) {
            if !is_rule(line) {
                warnings.push(Warning::new(
                    i + 1,
                    format!("\"{}\" between turns was kept out of the turn text", line.trim_matches(is_ws)),
                ));
            }
            blanks += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blanks > 0 { "\n\n" } else { "\n" });
        }
        out.push_str(trim_ws(line));
        blanks = 0;
    }
    Cow::Owned(out)
}

/// A speaker name as written, with Markdown emphasis and no-break spaces cleaned away.
fn clean_name(name: &str) -> Cow<'_, str> {
    let n = name.trim_matches(|c: char| is_ws(c) || c == '*' || c == '_');
    // (A byte test first: `contains('\u{a0}')` sets up a substring search, slow per turn.)
    if n.as_bytes().contains(&0xA0) && n.contains('\u{a0}') {
        Cow::Owned(n.replace('\u{a0}', " "))
    } else {
        Cow::Borrowed(n)
    }
}

fn describe(name: Option<&str>, time: Option<Ms>) -> String {
    let who = name.unwrap_or("no speaker name");
    match time {
        Some(t) => format!("{who} at {}", format_otter_time(t)),
        None => who.to_string(),
    }
}

fn join_trimmed(lines: &[&str]) -> String {
    lines.join("\n").trim_matches(|c: char| c.is_whitespace()).to_string()
}

/// Space, tab or no-break space.
pub(crate) fn is_ws(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\u{a0}'
}

/// `s` without trailing spaces, tabs and no-break spaces (bytewise: this runs on every line).
fn trim_ws_end(s: &str) -> &str {
    let b = s.as_bytes();
    let mut e = b.len();
    loop {
        if e > 0 && matches!(b[e - 1], b' ' | b'\t') {
            e -= 1;
        } else if e > 1 && b[e - 1] == 0xA0 && b[e - 2] == 0xC2 {
            e -= 2;
        } else {
            break;
        }
    }
    // Only whole ASCII characters or whole two-byte no-break spaces were removed.
    s.get(..e).unwrap_or(s)
}

/// `s` without leading spaces, tabs and no-break spaces.
fn trim_ws_start(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = 0;
    loop {
        if i < b.len() && matches!(b[i], b' ' | b'\t') {
            i += 1;
        } else if i + 1 < b.len() && b[i] == 0xC2 && b[i + 1] == 0xA0 {
            i += 2;
        } else {
            break;
        }
    }
    s.get(i..).unwrap_or(s)
}

/// Both ends.
fn trim_ws(s: &str) -> &str {
    trim_ws_start(trim_ws_end(s))
}

fn is_blank(line: &str) -> bool {
    match line.as_bytes().first() {
        None => true,
        Some(b) if b.is_ascii_alphanumeric() => false,
        _ => line.trim_matches(|c: char| c.is_whitespace()).is_empty(),
    }
}

/// otter's branding line `Transcribed by https://otter.ai`.
fn is_footer(line: &str) -> bool {
    if !matches!(line.as_bytes().first(), Some(b'T' | b' ' | b'\t')) {
        return false;
    }
    let t = line.trim_matches(is_ws);
    t.len() < 60 && t.starts_with("Transcribed by") && t.contains("otter.ai")
}

/// `# Heading` ... `###### Heading`.
fn is_heading(line: &str) -> bool {
    let t = line.trim_start_matches(is_ws);
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes) && t[hashes..].chars().next().is_none_or(|c| c == ' ')
}

/// A Markdown rule (`---`, `___`, `***`, also the two-character `__` seen in notes).
fn is_rule(line: &str) -> bool {
    let t = line.trim_matches(is_ws);
    t.len() >= 2 && t.bytes().all(|b| matches!(b, b'-' | b'_' | b'*' | b'=' | b' '))
}

/// Lines that are document structure, not speech: headings, rules, `-- notes --`, bold-only
/// lines and otter's footer.
fn is_structural(line: &str) -> bool {
    let t = trim_ws(line);
    let Some(&first) = t.as_bytes().first() else { return false };
    match first {
        b'#' => is_heading(t),
        b'-' | b'_' | b'*' | b'=' => {
            is_rule(t)
                || (t.len() >= 5 && t.starts_with("--") && t.ends_with("--"))
                || (t.len() >= 5 && t.starts_with("**") && t.ends_with("**") && !t[2..t.len() - 2].contains("**"))
        }
        b'T' => is_footer(t),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
