//! What comes before the first turn: YAML front matter, a web page's title/description/lists/
//! summary/disclaimer, or the Markdown sections of otter's DOCX converted to Markdown.
//!
//! Rules, in order:
//! * Front matter (`---` ... `---` on top): `title`, `date`, `description`, `summary`,
//!   `keywords`/`tags`, `speakers`/`participants` go to the metadata; other keys to the preamble.
//! * Markdown sections by heading name (any level, case ignored): `SUMMARY KEYWORDS`/`KEYWORDS`
//!   (comma list), `SPEAKERS` (comma list), `SUMMARY` and `OUTLINE` (everything below them,
//!   deeper headings included, up to a heading of the same or a higher level), `TRANSCRIPT`
//!   (the heading itself is dropped, what is below it goes to the preamble).
//! * The first line of the file, when it is a heading or a one-line paragraph, is the title;
//!   a one-line paragraph right after it with a month name or AM/PM in it is the date, as is a
//!   `Date: ...` / `Meeting Date/Time: ...` line.
//! * A paragraph saying the transcript was "machine generated" is the disclaimer.
//! * A one-line comma list: the speaker list when at least half of its items are speakers of
//!   the turns, else the keywords.
//! * In a plain-text (web page) preamble, without Markdown headings: paragraphs before the
//!   first list are the description, those after it the summary; a line that is only a
//!   speaker's name (a web page's guest list) stays in the preamble.
//! * Everything else is kept, in order, in `metadata.preamble` (paragraphs separated by a blank
//!   line).

use super::{is_blank, is_heading, is_ws};
use crate::model::Metadata;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    None,
    Keywords,
    Speakers,
    Summary(usize),
    Outline(usize),
    Transcript,
    Other,
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

pub(super) fn interpret(lines: &[&str], speakers: &[&str], meta: &mut Metadata) {
    let mut rest: Vec<String> = Vec::new();
    let mut i = 0;
    if let Some(f) = lines.iter().position(|l| !is_blank(l))
        && lines[f].trim_matches(is_ws) == "---"
        && let Some(close) = (f + 1..lines.len()).find(|&j| matches!(lines[j].trim_matches(is_ws), "---" | "..."))
    {
        front_matter(&lines[f + 1..close], meta, &mut rest);
        i = close + 1;
    }
    let has_headings = lines[i..].iter().any(|l| is_heading(l));
    let mut section = Section::None;
    let (mut summary, mut outline, mut description, mut web_summary) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut first_block = true;
    let mut after_title = false;
    let mut seen_list = false;
    while i < lines.len() {
        if is_blank(lines[i]) {
            i += 1;
            continue;
        }
        let line = lines[i].trim_matches(is_ws);
        if is_heading(line) {
            i += 1;
            let level = line.bytes().take_while(|&b| b == b'#').count();
            let title = line[level..].trim_matches(|c: char| is_ws(c) || c == ':');
            let was_first = std::mem::replace(&mut first_block, false);
            after_title = false;
            section = match title.to_lowercase().as_str() {
                "summary keywords" | "keywords" => Section::Keywords,
                "speakers" => Section::Speakers,
                "summary" => Section::Summary(level),
                "outline" => Section::Outline(level),
                "transcript" => Section::Transcript,
                _ => match section {
                    Section::Summary(l) if level > l => {
                        summary.push(line.to_string());
                        continue;
                    }
                    Section::Outline(l) if level > l => {
                        outline.push(line.to_string());
                        continue;
                    }
                    _ => {
                        if was_first && meta.title.is_none() && !title.is_empty() {
                            meta.title = Some(title.to_string());
                            after_title = true;
                        } else {
                            rest.push(line.to_string());
                        }
                        Section::Other
                    }
                },
            };
            continue;
        }
        let start = i;
        while i < lines.len() && !is_blank(lines[i]) && !is_heading(lines[i]) {
            i += 1;
        }
        let para_lines: Vec<&str> = lines[start..i].iter().map(|l| l.trim_matches(is_ws)).collect();
        let para = para_lines.join("\n");
        let one_line = para_lines.len() == 1;
        let was_first = std::mem::replace(&mut first_block, false);
        let follows_title = std::mem::replace(&mut after_title, false);
        match section {
            Section::Keywords => meta.keywords.extend(split_list(&para)),
            Section::Speakers => meta.speakers_listed.extend(split_list(&para)),
            Section::Summary(_) => summary.push(para),
            Section::Outline(_) => outline.push(para),
            Section::None | Section::Other | Section::Transcript => {
                if was_first && meta.title.is_none() && one_line && para.chars().count() <= 200 {
                    meta.title = Some(para);
                    after_title = true;
                    continue;
                }
                if meta.date.is_none()
                    && one_line
                    && let Some(d) = date_line(&para, follows_title)
                {
                    meta.date = Some(d);
                    continue;
                }
                let lower = para.to_lowercase();
                if (lower.contains("machine generated") || lower.contains("machine-generated"))
                    && meta.disclaimer.is_none()
                {
                    meta.disclaimer = Some(para);
                    continue;
                }
                if one_line
                    && let Some(items) = comma_list(&para)
                    && let known = items.iter().filter(|it| speakers.iter().any(|s| same_name(s, it))).count()
                    && (items.len() >= 3 || known == items.len())
                {
                    seen_list = true;
                    if known * 2 >= items.len() && meta.speakers_listed.is_empty() {
                        meta.speakers_listed = items;
                        continue;
                    }
                    if known * 2 < items.len() && meta.keywords.is_empty() {
                        meta.keywords = items;
                        continue;
                    }
                }
                let speaker_line = one_line && speakers.iter().any(|s| same_name(s, &para));
                if !has_headings && section == Section::None && !speaker_line {
                    if seen_list {
                        web_summary.push(para)
                    } else {
                        description.push(para)
                    }
                    continue;
                }
                rest.push(para);
            }
        }
    }
    if !summary.is_empty() || !web_summary.is_empty() {
        summary.extend(web_summary);
        let s = summary.join("\n\n");
        match &mut meta.summary {
            Some(existing) => {
                existing.push_str("\n\n");
                existing.push_str(&s);
            }
            None => meta.summary = Some(s),
        }
    }
    if !outline.is_empty() && meta.outline.is_none() {
        meta.outline = Some(outline.join("\n\n"));
    }
    if !description.is_empty() {
        if meta.description.is_none() {
            meta.description = Some(description.join("\n\n"));
        } else {
            rest.splice(0..0, description);
        }
    }
    if !rest.is_empty() {
        meta.preamble = Some(rest.join("\n\n"));
    }
}

/// `key: value` lines of YAML front matter (flat; `[a, b]` and `- item` lists).
fn front_matter(lines: &[&str], meta: &mut Metadata, rest: &mut Vec<String>) {
    let mut other: Vec<&str> = Vec::new();
    let mut list_key: Option<String> = None;
    for line in lines {
        let t = line.trim_matches(is_ws);
        if let Some(item) = t.strip_prefix("- ")
            && let Some(key) = &list_key
        {
            let item = unquote(item).to_string();
            match key.as_str() {
                "keywords" | "tags" => meta.keywords.push(item),
                "speakers" | "participants" => meta.speakers_listed.push(item),
                _ => other.push(line),
            }
            continue;
        }
        list_key = None;
        let Some((k, v)) = t.split_once(':') else {
            if !t.is_empty() {
                other.push(line);
            }
            continue;
        };
        let key = k.trim().to_lowercase();
        let v = unquote(v.trim());
        let list = || -> Vec<String> { split_list(v.trim_start_matches('[').trim_end_matches(']')) };
        match key.as_str() {
            "title" if !v.is_empty() => meta.title = Some(v.to_string()),
            "date" if !v.is_empty() => meta.date = Some(v.to_string()),
            "description" if !v.is_empty() => meta.description = Some(v.to_string()),
            "summary" if !v.is_empty() => meta.summary = Some(v.to_string()),
            "keywords" | "tags" | "speakers" | "participants" if v.is_empty() => list_key = Some(key),
            "keywords" | "tags" => meta.keywords.extend(list()),
            "speakers" | "participants" => meta.speakers_listed.extend(list()),
            _ => other.push(line),
        }
    }
    if !other.is_empty() {
        rest.push(other.join("\n"));
    }
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|x| x.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

/// Items of a comma (or line) separated list, bullets and blanks dropped.
fn split_list(s: &str) -> Vec<String> {
    s.split([',', '\n'])
        .map(|x| unquote(x.trim_matches(|c: char| is_ws(c) || c == '-' || c == '*' || c == '•')).to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// A one-line list of at least two short items separated by commas (callers want three unless
/// all items are speaker names).
fn comma_list(s: &str) -> Option<Vec<String>> {
    if s.contains("http") || s.ends_with(['.', '?', '!']) {
        return None;
    }
    let items = split_list(s);
    let short = |x: &String| x.chars().count() <= 50 && x.split_whitespace().count() <= 6;
    (items.len() >= 2 && items.iter().all(short)).then_some(items)
}

fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.replace('\u{a0}', " ").trim().to_lowercase();
    norm(a) == norm(b)
}

/// `Date: ...` / `Meeting Date/Time: ...`, or (right after the title) a short line with a month
/// name or AM/PM and a digit, like otter's `October 7, 2025 2:12PM • 6:51`.
fn date_line(para: &str, follows_title: bool) -> Option<String> {
    if let Some((k, v)) = para.split_once(':') {
        let k = k.trim().to_lowercase();
        if (k == "date" || k.starts_with("meeting date") || k == "date/time") && !v.trim().is_empty() {
            return Some(v.trim().to_string());
        }
    }
    if !follows_title || para.chars().count() > 150 || !para.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let lower = para.to_lowercase();
    let has_month = lower
        .split(|c: char| !c.is_alphabetic())
        .any(|w| w.len() >= 3 && MONTHS.iter().any(|m| w.starts_with(m)) && (w.len() == 3 || is_month_name(w)));
    let has_ampm = para.contains("AM") || para.contains("PM");
    (has_month || has_ampm).then(|| para.to_string())
}

fn is_month_name(w: &str) -> bool {
    matches!(
        w,
        "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "sept"
    )
}
