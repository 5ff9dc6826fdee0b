//! CSV and TSV: a header row `start,end,speaker,text`, then one row per turn (or per merged
//! block; empty turns only with `empty_turns`). Times are `HH:MM:SS.mmm` (default) or whole milliseconds; `end` is the turn's own
//! end, else the next turn's start. LF line ends, UTF-8 without a BOM.
//!
//! CSV quotes a field (doubling its quotes) when it holds a comma, a quote, a line break or
//! leading or trailing spaces (RFC 4180). TSV cannot quote: tabs and line breaks inside a field
//! become spaces.

use super::{CsvTimes, ExportOptions, rule_blocks};
use crate::model::{Ms, Transcript};

fn time(ms: Ms, style: CsvTimes) -> String {
    match style {
        CsvTimes::Clock => {
            let s = ms / 1000;
            format!("{:02}:{:02}:{:02}.{:03}", s / 3600, (s / 60) % 60, s % 60, ms % 1000)
        }
        CsvTimes::Ms => ms.to_string(),
    }
}

fn field(s: &str, sep: u8, out: &mut String) {
    if sep == b'\t' {
        out.extend(s.chars().map(|c| if matches!(c, '\t' | '\n' | '\r') { ' ' } else { c }));
        return;
    }
    let quote = s.contains([sep as char, '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ');
    if quote {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

pub(crate) fn write(doc: &Transcript, opts: &ExportOptions, sep: u8) -> String {
    let sep_c = sep as char;
    let mut out = format!("start{sep_c}end{sep_c}speaker{sep_c}text\n");
    for b in rule_blocks(doc, opts) {
        out.push_str(&time(b.start, opts.csv_times));
        out.push(sep_c);
        out.push_str(&time(b.end, opts.csv_times));
        out.push(sep_c);
        field(b.speaker, sep, &mut out);
        out.push(sep_c);
        field(b.text.trim(), sep, &mut out);
        out.push('\n');
    }
    out
}
