//! Find matches in the turn list: every match in the turns drawn is highlighted, the current one
//! more strongly, and the current match's line is scrolled into view even deep inside a long turn.

use crate::model::TurnId;
use egui::text::{CCursor, LayoutJob, TextFormat};
use egui::{Color32, Galley, Rect, Ui};
use std::ops::Range;
use std::sync::Arc;

/// Frames a reveal request stays pending: row heights measured in the first frame can move the
/// row in the next, so the match is checked again until it is in view.
pub(super) const REVEAL_FRAMES: u8 = 4;

/// What the list painted of the find matches in the last frame (tests read it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FindPaint {
    /// Matches highlighted in the rows drawn.
    pub highlighted: usize,
    /// Where the current match was painted, in screen coordinates.
    pub current: Option<Rect>,
    /// The list's visible area, in screen coordinates.
    pub viewport: Option<Rect>,
}

/// A match to bring into view: the turn, the byte range in its text, frames left.
#[derive(Clone, Debug)]
pub(super) struct Reveal {
    pub turn: TurnId,
    pub range: Range<usize>,
    pub frames: u8,
}

/// The matches of one row: byte ranges in document order, and which of them is current.
#[derive(Clone, Default)]
pub(super) struct RowMatches {
    pub ranges: Vec<Range<usize>>,
    pub current: Option<usize>,
}

impl RowMatches {
    /// The matches of row `index` among `matches` (document order), `current` indexing them.
    pub fn of(matches: &[crate::ui::find::Match], current: Option<usize>, index: usize) -> RowMatches {
        let a = matches.partition_point(|m| m.index < index);
        let b = matches.partition_point(|m| m.index <= index);
        RowMatches {
            ranges: matches[a..b].iter().map(|m| m.range.clone()).collect(),
            current: current.filter(|c| (a..b).contains(c)).map(|c| c - a),
        }
    }
}

fn colors(ui: &Ui) -> (Color32, Color32) {
    if ui.visuals().dark_mode {
        (Color32::from_rgb(0x6a, 0x5a, 0x10), Color32::from_rgb(0xd0, 0x80, 0x00))
    } else {
        (Color32::from_rgb(0xff, 0xf0, 0x99), Color32::from_rgb(0xff, 0xa5, 0x30))
    }
}

/// Lay out `text` with its matches on a coloured background (the current one stronger), in the
/// text field's own font and line height, so the row keeps its measured height.
pub(super) fn layout(ui: &Ui, text: &str, wrap_width: f32, m: &RowMatches) -> Arc<Galley> {
    let font_id = egui::TextStyle::Body.resolve(ui.style());
    let color = ui.visuals().text_color();
    let line_height = Some(ui.fonts_mut(|f| f.row_height(&font_id)) + ui.spacing().extra_text_line_spacing);
    let (weak, strong) = colors(ui);
    let plain = TextFormat { font_id, color, line_height, ..Default::default() };
    let mut job = LayoutJob { keep_trailing_whitespace: true, ..Default::default() };
    job.wrap.max_width = wrap_width;
    let mut at = 0;
    for (k, r) in m.ranges.iter().enumerate() {
        let (Some(before), Some(hit)) = (text.get(at..r.start), text.get(r.clone())) else { continue };
        job.append(before, 0.0, plain.clone());
        let background = if m.current == Some(k) { strong } else { weak };
        let text_color = if m.current == Some(k) { Color32::BLACK } else { color };
        job.append(hit, 0.0, TextFormat { background, color: text_color, ..plain.clone() });
        at = r.end;
    }
    job.append(text.get(at..).unwrap_or_default(), 0.0, plain);
    ui.fonts_mut(|f| f.layout_job(job))
}

/// Where bytes `range` of `text` sit on screen, for a galley painted at `galley_pos`.
pub(super) fn range_rect(galley: &Galley, galley_pos: egui::Pos2, text: &str, range: &Range<usize>) -> Rect {
    let a = text.get(..range.start).map_or(0, |s| s.chars().count());
    let b = a + text.get(range.clone()).map_or(0, |s| s.chars().count());
    let ra = galley.pos_from_cursor(CCursor::new(a));
    let rb = galley.pos_from_cursor(CCursor::new(b));
    // A match wrapped over two lines is shown by its first.
    let r = if rb.min.y > ra.max.y - 0.5 { ra.expand2(egui::vec2(4.0, 0.0)) } else { ra.union(rb) };
    r.translate(galley_pos.to_vec2() - egui::vec2(galley.rect.left(), 0.0))
}
