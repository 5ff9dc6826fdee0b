//! Plain readable text and Markdown: a title and metadata header, then one paragraph per turn
//! under the speaker's name (bold in Markdown) and time.

use super::{ExportOptions, Header, TimeStyle, header, no_blank_lines, one_line, rule_blocks};
use crate::model::Transcript;

/// The header's labelled one-line fields, in order, as (label, value).
fn header_fields(h: &Header) -> Vec<(&'static str, String)> {
    let mut f = Vec::new();
    if let Some(d) = &h.date {
        f.push(("Date", d.clone()));
    }
    if !h.speakers.is_empty() {
        f.push(("Speakers", one_line(&h.speakers.join(", "))));
    }
    if !h.keywords.is_empty() {
        f.push(("Keywords", one_line(&h.keywords.join(", "))));
    }
    f
}

/// The header's paragraphs after the fields, as (label, text): the description has none.
fn header_texts(h: &Header) -> Vec<(Option<&'static str>, String)> {
    [(None, h.description), (Some("Summary"), h.summary), (Some("Outline"), h.outline)]
        .into_iter()
        .filter_map(|(l, t)| Some((l, no_blank_lines(t?))))
        .filter(|(_, t)| !t.is_empty())
        .collect()
}

pub(crate) fn write_plain(doc: &Transcript, opts: &ExportOptions) -> String {
    let mut out = String::new();
    let h = header(doc, opts);
    if let Some(t) = &h.title {
        out.push_str(t);
        out.push('\n');
        out.push_str(&"=".repeat(t.chars().count().min(78)));
        out.push_str("\n\n");
    }
    let fields = header_fields(&h);
    for (k, v) in &fields {
        out.push_str(&format!("{k}: {v}\n"));
    }
    if !fields.is_empty() {
        out.push('\n');
    }
    for (label, text) in header_texts(&h) {
        if let Some(l) = label {
            out.push_str(&format!("{l}:\n"));
        }
        out.push_str(&text);
        out.push_str("\n\n");
    }
    for b in rule_blocks(doc, opts) {
        let text = no_blank_lines(&b.text);
        let time = opts.time_style.format(b.start, TimeStyle::Otter);
        match (opts.names, opts.timestamps) {
            (true, true) => out.push_str(&format!("{} [{time}]\n", one_line(b.speaker))),
            (true, false) => out.push_str(&format!("{}\n", one_line(b.speaker))),
            (false, true) => out.push_str(&format!("[{time}]\n")),
            (false, false) if text.is_empty() => continue,
            (false, false) => {}
        }
        out.push_str(&text);
        if !text.is_empty() {
            out.push('\n');
        }
        out.push('\n');
    }
    // One final newline, not a blank line.
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Escape the characters that Markdown would take as formatting.
pub(crate) fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    // `1999. ` or `3) ` at the start of a line would begin a numbered list.
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && matches!(s.as_bytes().get(digits), Some(b'.' | b')')) {
        out.push_str(&s[..digits]);
        out.push('\\');
        return out + &md_escape_inline(&s[digits..]);
    }
    out + &md_escape_inline(s)
}

fn md_escape_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.chars().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' => {
                out.push('\\');
                out.push(c);
            }
            // Only at the start of a line do these begin a heading or a list.
            '#' | '-' | '+' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

pub(crate) fn write_markdown(doc: &Transcript, opts: &ExportOptions) -> String {
    let mut out = String::new();
    let h = header(doc, opts);
    let mut any = false;
    if let Some(t) = &h.title {
        out.push_str(&format!("# {}\n\n", md_escape(t)));
        any = true;
    }
    let lines: Vec<String> = header_fields(&h).iter().map(|(k, v)| format!("**{k}:** {}", md_escape(v))).collect();
    if !lines.is_empty() {
        out.push_str(&lines.join("  \n"));
        out.push_str("\n\n");
        any = true;
    }
    for (label, text) in header_texts(&h) {
        if let Some(l) = label {
            out.push_str(&format!("**{l}:**  \n"));
        }
        out.push_str(&text.lines().map(md_escape).collect::<Vec<_>>().join("  \n"));
        out.push_str("\n\n");
        any = true;
    }
    if any {
        out.push_str("---\n\n");
    }
    for b in rule_blocks(doc, opts) {
        let text = no_blank_lines(&b.text);
        let time = opts.time_style.format(b.start, TimeStyle::Otter);
        let name = md_escape(&one_line(b.speaker));
        // Two trailing spaces: a Markdown line break, as in otter-derived Markdown files.
        match (opts.names, opts.timestamps) {
            (true, true) => out.push_str(&format!("**{name}**  {time}  \n")),
            (true, false) => out.push_str(&format!("**{name}**  \n")),
            (false, true) => out.push_str(&format!("{time}  \n")),
            (false, false) if text.is_empty() => continue,
            (false, false) => {}
        }
        if text.is_empty() {
            out.push('\n');
            continue;
        }
        out.push_str(&text.lines().map(md_escape).collect::<Vec<_>>().join("  \n"));
        out.push_str("\n\n");
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::md_escape;

    #[test]
    fn markdown_escapes_what_would_format() {
        assert_eq!(md_escape("1999. was a year"), "1999\\. was a year");
        assert_eq!(md_escape("- not a list, *not* <b>bold</b>"), "\\- not a list, \\*not\\* \\<b\\>bold\\</b\\>");
        assert_eq!(md_escape("# no heading, a_b"), "\\# no heading, a\\_b");
        assert_eq!(md_escape("plain 2. text"), "plain 2. text");
    }
}
