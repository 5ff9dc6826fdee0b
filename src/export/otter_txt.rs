//! otter.ai's TXT layout (../shared/formats/otter.md §2): per block a header line
//! `Name␣␣M:SS␣␣`, the text on one line, a blank line; optionally otter's footer.

use super::{ExportOptions, TimeStyle, flat, one_line, rule_blocks};
use crate::model::Transcript;

/// otter's branding footer.
pub const FOOTER: &str = "Transcribed by https://otter.ai";

pub(crate) fn write(doc: &Transcript, opts: &ExportOptions) -> String {
    let mut out = String::with_capacity(doc.turns.iter().map(|t| t.text.len() + 32).sum());
    for b in rule_blocks(doc, opts) {
        let text = flat(&b.text);
        let name = one_line(b.speaker);
        let time = opts.time_style.format(b.start, TimeStyle::Otter);
        match (opts.names, opts.timestamps) {
            (true, true) => out.push_str(&format!("{name}  {time}  \n")),
            (true, false) => out.push_str(&format!("{name}  \n")),
            (false, true) => out.push_str(&format!("{time}  \n")),
            (false, false) => {
                // Nothing marks an empty block when there is no header: leave it out.
                if text.is_empty() {
                    continue;
                }
            }
        }
        out.push_str(&text);
        out.push_str("\n\n");
    }
    if opts.footer {
        // Keep the source's own "Transcribed by" line when it had one.
        let line = doc
            .metadata
            .disclaimer
            .as_deref()
            .map(str::trim)
            .filter(|d| d.starts_with("Transcribed by") && !d.contains('\n'))
            .unwrap_or(FOOTER);
        out.push_str(line);
        out.push('\n');
    }
    out
}
