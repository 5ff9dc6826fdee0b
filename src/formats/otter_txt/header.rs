//! Recognising one line as a turn header, by hand (no regex): this runs on every line.

use super::{is_ws, trim_ws_end, trim_ws_start};
use crate::model::Ms;

/// Longest speaker name accepted (in characters).
const MAX_NAME_CHARS: usize = 60;
/// Most words in a speaker name.
const MAX_NAME_WORDS: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// otter's `Name  M:SS  `, and its variants: bold `**Name**  M:SS`, `### Name  M:SS`, the web
    /// page's `Name\u{a0} MM:SS`, Markdown-from-DOCX `**Name** 00:00`, a time turned into a link
    /// (`Speaker 4  [21:44](https://...)`).
    Otter,
    /// `**Name** [MM:SS]`, possibly with text after the bracket.
    Bracket,
    /// `Name: HH:MM:SS` (another tool's style, or `**Name**: [MM:SS]`, malformed).
    Colon,
    /// `Name  ` without a time (timestamps off).
    NameOnly,
    /// `0:01  ` or ` 0:43  `: otter without names, or an empty name.
    TimeNoName,
    /// `10:33` alone on its line: Markdown-from-DOCX continuation of the previous speaker.
    TimeContinue,
    /// `**Name**:` without a time (malformed).
    BoldColon,
    /// `Name 00:00` with a single space and nothing after it (look-alikes from other tools,
    /// `发言人1 00:00`): used only when a file has no other header.
    Loose,
}

impl Kind {
    /// Headers with a time: these are reliable anywhere.
    pub(super) fn is_timed(self) -> bool {
        matches!(self, Kind::Otter | Kind::Bracket | Kind::Colon | Kind::TimeNoName)
    }

    /// Forms that could be something else; accepted only in context.
    pub(super) fn is_weak(self) -> bool {
        matches!(self, Kind::TimeContinue | Kind::BoldColon)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Header<'a> {
    pub kind: Kind,
    /// The name without Markdown emphasis or surrounding spaces (may hold no-break spaces).
    pub name: Option<&'a str>,
    pub time: Option<Ms>,
    /// Text written on the header line after the time (`**Ali** [01:01:09][laughs] Cool.`).
    pub inline: &'a str,
    /// `**Name**:` — a colon after a bold name.
    pub malformed: bool,
    /// The web page's no-break space before the gap.
    pub web: bool,
    /// A Markdown form (bold or heading name, bracketed time).
    pub markdown: bool,
}

impl<'a> Header<'a> {
    fn new(kind: Kind, name: Option<&'a str>, time: Option<Ms>) -> Header<'a> {
        Header { kind, name, time, inline: "", malformed: false, web: false, markdown: false }
    }

    pub(super) fn name_only(name: &'a str) -> Header<'a> {
        Header::new(Kind::NameOnly, Some(name), None)
    }
}

/// Parse a line as a header, or None.
pub(super) fn parse(line: &str) -> Option<Header<'_>> {
    let bytes = line.as_bytes();
    // Cheap pre-filter: most text lines end with punctuation and start with a letter.
    let (&first, &last) = (bytes.first()?, bytes.last()?);
    let ends_in_space = matches!(last, b' ' | b'\t' | 0xA0);
    if !(ends_in_space
        || last.is_ascii_digit()
        || matches!(last, b']' | b')' | b':' | b'*')
        || matches!(first, b'*' | b'#'))
    {
        return None;
    }
    let t = if ends_in_space { trim_ws_end(line) } else { line };
    let tb = t.as_bytes();
    let (&first, &last) = (tb.first()?, tb.last()?);
    let trailing = if ends_in_space { line[t.len()..].chars().count() } else { 0 };
    let candidate =
        last.is_ascii_digit() || matches!(last, b']' | b')' | b':') || matches!(first, b'*' | b'#') || trailing >= 2;
    if !candidate {
        return None;
    }
    let body = trim_ws_start(t);
    let lead_ws = t.len() - body.len();
    let (body, heading) = strip_heading(body);
    let &body_last = body.as_bytes().last()?;
    if body_last.is_ascii_digit()
        && let Some(h) = parse_trailing_time(body, heading, trailing, lead_ws)
    {
        return Some(h);
    }
    if (body_last.is_ascii_digit() || matches!(body_last, b']' | b':'))
        && let Some(h) = parse_colon(body)
    {
        return Some(h);
    }
    if let Some(h) = parse_bracket(body, heading) {
        return Some(h);
    }
    if trailing >= 2 && !heading {
        let name = clean(body);
        if plausible_name(name, 6) && !name.contains([':', '(', '[', '.', '?', '!']) && !name.contains("http") {
            let first_char = name.chars().next()?;
            if first_char.is_alphabetic() || first_char == '_' {
                return Some(Header::name_only(name));
            }
        }
    }
    None
}

/// `### Name` → (`Name`, true).
fn strip_heading(t: &str) -> (&str, bool) {
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') {
        (t[hashes..].trim_start_matches(is_ws), true)
    } else {
        (t, false)
    }
}

/// `Name: HH:MM:SS`, `Name: 00: 22:38`, `**Name**: [MM:SS]`, `**Name**:`.
fn parse_colon(body: &str) -> Option<Header<'_>> {
    let ci = body.find(':')?;
    let (pre, post) = (&body[..ci], &body[ci + 1..]);
    let raw = pre.trim_matches(is_ws);
    let name = clean(raw);
    if !plausible_name(name, 5)
        || name.contains([',', '?', '!', ';', '"', '[', '(', ':'])
        || !name.chars().any(char::is_alphabetic)
    {
        return None;
    }
    let bold = raw.starts_with("**") && raw.ends_with("**") && raw.len() > 4;
    let post = post.trim_matches(is_ws);
    if post.is_empty() {
        return bold.then(|| Header {
            malformed: true,
            markdown: true,
            ..Header::new(Kind::BoldColon, Some(name), None)
        });
    }
    let inner = post.strip_prefix('[').and_then(|p| p.strip_suffix(']')).unwrap_or(post);
    if inner.len() > 16 {
        return None;
    }
    // Without the bold malformation, only the zero-padded `HH:MM:SS` of the other tool: a
    // preamble's `Duration: 45:00` is not a header.
    if !bold && inner.bytes().filter(|&b| b == b':').count() < 2 {
        return None;
    }
    // `00: 22:38` (a stray space) is read as `00:22:38`.
    let mut buf = [0u8; 16];
    let mut n = 0;
    for b in inner.bytes().filter(|&b| b != b' ' && b != b'\t') {
        buf[n] = b;
        n += 1;
    }
    let time = strict_clock(std::str::from_utf8(&buf[..n]).ok()?)?;
    Some(Header { malformed: bold, markdown: bold, ..Header::new(Kind::Colon, Some(name), Some(time)) })
}

/// `**Name** [MM:SS]` with optional text after it, `Name  [21:44](https://...)`.
fn parse_bracket(body: &str, heading: bool) -> Option<Header<'_>> {
    let bi = body.find('[')?;
    let close = bi + body[bi..].find(']')?;
    let time = strict_clock(body[bi + 1..close].trim_matches(is_ws))?;
    let pre = &body[..bi];
    let raw = pre.trim_end_matches(is_ws);
    let gap = pre[raw.len()..].chars().count();
    let mut rest = &body[close + 1..];
    let linked = rest.starts_with("(http");
    if linked {
        rest = rest.find(')').map_or("", |k| &rest[k + 1..]);
    }
    let rest = rest.trim_matches(is_ws);
    let bold = raw.starts_with("**") && raw.ends_with("**") && raw.len() > 4;
    if raw.is_empty() {
        return rest.is_empty().then(|| Header { markdown: true, ..Header::new(Kind::TimeNoName, None, Some(time)) });
    }
    let name = clean(raw);
    if gap == 0 || !plausible_name(name, MAX_NAME_WORDS) {
        return None;
    }
    // Text after the time only in the bold layout; otherwise the line must end there.
    if !rest.is_empty() && !bold {
        return None;
    }
    if !(bold || heading || gap >= 2 || linked) {
        return None;
    }
    Some(Header {
        inline: rest,
        markdown: bold || heading || !linked,
        ..Header::new(if linked { Kind::Otter } else { Kind::Bracket }, Some(name), Some(time))
    })
}

/// `Name  M:SS`, `Name\u{a0} 00:00`, `**Name** 00:00`, `0:01`, ` 0:43`, `10:33`.
fn parse_trailing_time(body: &str, heading: bool, trailing: usize, lead_ws: usize) -> Option<Header<'_>> {
    let tok_start = body.len() - body.bytes().rev().take_while(|b| b.is_ascii_digit() || *b == b':').count();
    let tok = &body[tok_start..];
    if !tok.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let time = strict_clock(tok)?;
    let pre = &body[..tok_start];
    let raw = trim_ws_end(pre);
    let gap = &pre[raw.len()..];
    if raw.ends_with(':') {
        // `Name: HH:MM:SS`, another tool's style.
        return None;
    }
    if raw.is_empty() {
        if heading {
            return None;
        }
        return Some(if trailing >= 2 || lead_ws > 0 {
            Header::new(Kind::TimeNoName, None, Some(time))
        } else {
            Header::new(Kind::TimeContinue, None, Some(time))
        });
    }
    let gap_chars = gap.chars().count();
    let nbsp = gap.as_bytes().contains(&0xA0);
    let bold = raw.starts_with("**") && raw.ends_with("**") && raw.len() > 4;
    let gap_ok = gap_chars >= 2
        || nbsp
        || gap.as_bytes().contains(&b'\t')
        || (gap_chars == 1 && (trailing >= 2 || bold || heading));
    let name = strip_time_prefix(clean(raw));
    if !plausible_name(name, MAX_NAME_WORDS) || (!gap_ok && (gap_chars != 1 || name.contains([',', '.', '•']))) {
        return None;
    }
    let kind = if gap_ok { Kind::Otter } else { Kind::Loose };
    Some(Header { web: nbsp, markdown: bold || heading, ..Header::new(kind, Some(name), Some(time)) })
}

/// `0:00 Michael Kennedy` (every line prefixed with a time, Python Bytes) → `Michael Kennedy`.
fn strip_time_prefix(name: &str) -> &str {
    match name.split_once(' ') {
        Some((head, rest)) if head.contains(':') && strict_clock(head).is_some() => rest.trim_start_matches(is_ws),
        _ => name,
    }
}

/// A clock with at least one colon and no fraction (`0:05`, `59:39`, `1:00:46`, `01:06:29`):
/// one to three fields of one to three digits, minutes and seconds below 60 (as
/// `model::parse_clock`, without its allocations: this runs on every header).
fn strict_clock(s: &str) -> Option<Ms> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 10 {
        return None;
    }
    let (mut fields, mut total, mut cur, mut digits) = (0u32, 0u64, 0u64, 0u32);
    for &c in b {
        if c == b':' {
            if digits == 0 || (fields > 0 && cur >= 60) {
                return None;
            }
            total = total * 60 + cur;
            fields += 1;
            cur = 0;
            digits = 0;
        } else if c.is_ascii_digit() {
            digits += 1;
            if digits > 3 {
                return None;
            }
            cur = cur * 10 + u64::from(c - b'0');
        } else {
            return None;
        }
    }
    if digits == 0 || (fields > 0 && cur >= 60) {
        return None;
    }
    fields += 1;
    total = total * 60 + cur;
    (2..=3).contains(&fields).then_some(total * 1000)
}

/// Strip spaces, Markdown emphasis (`**`, any number of them, `__`) around a name.
fn clean(s: &str) -> &str {
    let t = trim_ws_start(trim_ws_end(s));
    match t.as_bytes() {
        [b'*' | b'_', ..] | [.., b'*' | b'_'] => t.trim_matches(|c: char| is_ws(c) || c == '*' || c == '_'),
        _ => t,
    }
}

fn plausible_name(name: &str, max_words: usize) -> bool {
    let Some(&first) = name.as_bytes().first() else { return false };
    if name.len() > MAX_NAME_CHARS * 4
        || matches!(first, b'-' | b'+' | b'>' | b'|' | b'[' | b'(' | b'#' | b'<' | b'{')
        || name.ends_with([',', ';', '?', '!'])
    {
        return false;
    }
    let chars_ok = name.len() <= MAX_NAME_CHARS || name.chars().count() <= MAX_NAME_CHARS;
    let words = 1 + name.as_bytes().windows(2).filter(|w| w[0] == b' ' && w[1] != b' ').count();
    chars_ok && words <= max_words
}
