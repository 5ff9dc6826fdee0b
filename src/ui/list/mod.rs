//! The virtualized turn list. Row heights are cached per (turn, text hash, width), with prefix
//! sums for scrolling; only the rows in view (plus the focused one) are laid out each frame.

mod follow;
mod highlight;
mod row;

pub use highlight::FindPaint;

use super::{Commands, Inputs, ViewState};
use crate::model::{Transcript, TurnId};
use egui::{Color32, Id, Rect, ScrollArea, vec2};
use row::RowView;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;

/// Width of the speaker/time column.
pub const LEFT: f32 = 150.0;
const ROW_GAP: f32 = 6.0;

#[derive(Clone, Copy, Debug)]
struct Row {
    id: TurnId,
    hash: u64,
    height: f32,
    measured: bool,
}

#[derive(Clone, Debug)]
enum ScrollReq {
    /// Put this row at the top.
    Top(usize),
    /// Make this row visible (a third from the top when it has to move).
    IntoView(usize),
    /// Scroll to this offset (following the spoken line, PageUp/PageDown).
    Offset(f32),
}

/// The list's state: height cache, focus, scrolling.
#[derive(Default)]
pub struct ListState {
    /// The focused turn, or the last one focused (commands act on it).
    pub current: Option<TurnId>,
    /// The turn whose text field has the keyboard focus this frame.
    pub focused: Option<TurnId>,
    cursor: Option<(TurnId, usize)>,
    focus_request: Option<(TurnId, Option<Range<usize>>)>,
    scroll_request: Option<ScrollReq>,
    rows: Vec<Row>,
    prefix: Vec<f32>,
    prefix_dirty: bool,
    width: f32,
    metrics: (f32, f32),
    synced_rev: Option<u64>,
    /// The last viewport's top and bottom, in content coordinates.
    viewport: (f32, f32),
    offset: f32,
    /// Rows laid out in the last frame (for the benchmark's claim).
    pub drawn_rows: usize,
    /// Following: the turn and character being spoken, and where the row found its line.
    spoken: Option<crate::ui::input::Spoken>,
    spoken_line: Option<(usize, f32)>,
    /// The list's area on screen (last frame), for the wheel.
    screen_rect: Option<Rect>,
    /// The find match to bring into view, and what was painted of the matches.
    reveal: Option<highlight::Reveal>,
    pub find_paint: FindPaint,
}

fn text_hash(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

impl ListState {
    pub fn request_focus(&mut self, turn: TurnId, select: Option<Range<usize>>) {
        self.focus_request = Some((turn, select));
        self.current = Some(turn);
    }

    /// Bring bytes `range` of `turn` (the current find match) into view, its own line.
    pub fn reveal_match(&mut self, turn: TurnId, range: Range<usize>) {
        self.reveal = Some(highlight::Reveal { turn, range, frames: highlight::REVEAL_FRAMES });
    }

    pub fn scroll_to_index(&mut self, index: usize) {
        self.scroll_request = Some(ScrollReq::Top(index));
    }

    pub fn scroll_into_view(&mut self, index: usize) {
        self.scroll_request = Some(ScrollReq::IntoView(index));
    }

    /// The text cursor (in chars) of `turn`, when it has or last had the focus.
    pub fn cursor_of(&self, turn: TurnId) -> Option<usize> {
        self.cursor.filter(|c| c.0 == turn).map(|c| c.1)
    }

    /// Is row `index` entirely in the last viewport?
    pub fn is_visible(&self, index: usize) -> bool {
        match (self.prefix.get(index), self.prefix.get(index + 1)) {
            (Some(&a), Some(&b)) => a >= self.viewport.0 - 0.5 && b <= self.viewport.1 + 0.5,
            _ => false,
        }
    }

    fn estimate(&self, text: &str) -> f32 {
        let (line_h, char_w) = self.metrics;
        let text_w = (self.width - LEFT - 24.0).max(60.0);
        let per_line = (text_w / char_w).max(8.0) as usize;
        let lines: usize = text.split('\n').map(|l| l.chars().count().div_ceil(per_line).max(1)).sum();
        (lines as f32 * line_h + 8.0).max(line_h * 2.0 + 10.0) + ROW_GAP
    }

    /// One turn's text changed by typing: only its row is touched.
    pub fn text_changed(&mut self, doc: &Transcript, turn: TurnId, before: u64, after: u64) {
        if self.synced_rev != Some(before) {
            return;
        }
        if let Some(i) = doc.turn_index(turn)
            && let Some(r) = self.rows.get_mut(i)
            && r.id == turn
        {
            r.hash = text_hash(&doc.turns[i].text);
            self.synced_rev = Some(after);
        }
    }

    /// Bring the cache in line with the document and the width.
    fn sync(&mut self, doc: &Transcript, revision: u64, width: f32, metrics: (f32, f32)) {
        if (width - self.width).abs() > 0.5 || metrics != self.metrics {
            // A resize keeps the place: the row at the top of the view stays there.
            let keep = self.width > 0.0 && !self.rows.is_empty() && self.scroll_request.is_none();
            if keep && self.viewport.0 > 0.0 {
                self.scroll_request = Some(ScrollReq::Top(self.row_at(self.viewport.0)));
            }
            self.width = width;
            self.metrics = metrics;
            // Every height was for the old width: estimate again, measure as rows come into view.
            let est: Vec<f32> = doc.turns.iter().map(|t| self.estimate(&t.text)).collect();
            for (r, h) in self.rows.iter_mut().zip(est) {
                r.height = h;
                r.measured = false;
            }
            self.prefix_dirty = true;
        }
        if self.synced_rev != Some(revision) || self.rows.len() != doc.turns.len() {
            let old: HashMap<TurnId, Row> = self.rows.iter().map(|r| (r.id, *r)).collect();
            self.rows = doc
                .turns
                .iter()
                .map(|t| {
                    let hash = text_hash(&t.text);
                    match old.get(&t.id) {
                        Some(o) if o.hash == hash && o.measured => *o,
                        _ => Row { id: t.id, hash, height: self.estimate(&t.text), measured: false },
                    }
                })
                .collect();
            self.synced_rev = Some(revision);
            self.prefix_dirty = true;
        }
        if self.prefix_dirty || self.prefix.len() != self.rows.len() + 1 {
            self.prefix.clear();
            self.prefix.reserve(self.rows.len() + 1);
            let mut y = 0.0;
            self.prefix.push(0.0);
            for r in &self.rows {
                y += r.height;
                self.prefix.push(y);
            }
            self.prefix_dirty = false;
        }
    }

    /// The scroll offset asked for since the last frame, if any.
    fn take_scroll_request(&mut self) -> Option<f32> {
        let vh = (self.viewport.1 - self.viewport.0).max(100.0);
        match self.scroll_request.take()? {
            ScrollReq::Top(i) => self.prefix.get(i).copied(),
            ScrollReq::IntoView(i) => {
                if self.is_visible(i) {
                    None
                } else {
                    self.prefix.get(i).map(|y| (y - vh / 3.0).max(0.0))
                }
            }
            ScrollReq::Offset(y) => Some(y),
        }
    }

    fn total_height(&self) -> f32 {
        self.prefix.last().copied().unwrap_or(0.0)
    }

    /// The first row whose bottom is below `y`.
    fn row_at(&self, y: f32) -> usize {
        self.prefix.partition_point(|&p| p <= y).saturating_sub(1).min(self.rows.len().saturating_sub(1))
    }

    fn record_height(&mut self, index: usize, height: f32) {
        if let Some(r) = self.rows.get_mut(index)
            && ((r.height - height).abs() > 0.5 || !r.measured)
        {
            if (r.height - height).abs() > 0.5 {
                self.prefix_dirty = true;
            }
            r.height = height;
            r.measured = true;
        }
    }
}

pub fn speaker_color(c: crate::model::Color) -> Color32 {
    Color32::from_rgb(c.0[0], c.0[1], c.0[2])
}

/// Black or white, whichever reads better on `bg`.
pub fn text_on(bg: Color32) -> Color32 {
    let l = 0.299 * bg.r() as f32 + 0.587 * bg.g() as f32 + 0.114 * bg.b() as f32;
    if l > 150.0 { Color32::BLACK } else { Color32::WHITE }
}

pub fn text_id(turn: TurnId) -> Id {
    Id::unique(("turn-text", turn.0))
}

/// Draw the list.
pub fn show(ui: &mut egui::Ui, view: &mut ViewState, input: &Inputs, out: &mut Commands) {
    let line_h = ui.text_style_height(&egui::TextStyle::Body);
    let char_w = ui.ctx().fonts_mut(|f| f.glyph_width(&egui::TextStyle::Body.resolve(ui.style()), 'n'));
    let doc = input.doc;
    let playing_index = input.playing_index();
    let list = &mut view.list;
    let chip_scope = &mut view.chip_scope;
    let find = &view.find;
    let (matches, current_match) = if find.open { (find.matches(), find.current) } else { (&[][..], None) };
    list.find_paint = FindPaint::default();

    let mut area = ScrollArea::vertical().id_salt("turn-list").auto_shrink(false);
    let mut scrolled_by_us = false;
    if list.width > 0.0 {
        // Judge a scroll request on the rows as they are now (after a split or merge), not as
        // they were in the last frame.
        list.sync(doc, input.revision, list.width, (line_h, char_w));
    }
    if let Some(y) = list.take_scroll_request() {
        area = area.vertical_scroll_offset(y);
        scrolled_by_us = true;
    }
    scrolled_by_us |= list.reveal.is_some();

    let out_area = area.show_viewport(ui, |ui, viewport| {
        let width = ui.available_width();
        list.sync(doc, input.revision, width, (line_h, char_w));
        list.viewport = (viewport.min.y, viewport.max.y);
        list.find_paint.viewport = Some(ui.clip_rect());
        let origin = ui.min_rect().min;
        ui.set_min_size(vec2(width, list.total_height()));
        if doc.turns.is_empty() {
            return;
        }
        let first = list.row_at(viewport.min.y);
        let last = list.row_at(viewport.max.y);
        let mut indices: Vec<usize> = (first..=last).collect();
        // The focused turn is laid out even when scrolled away, so that it keeps the focus.
        for keep in [list.focused, list.focus_request.as_ref().map(|r| r.0)].into_iter().flatten() {
            if let Some(i) = doc.turn_index(keep)
                && !(first..=last).contains(&i)
            {
                indices.push(i);
            }
        }
        list.drawn_rows = indices.len();
        list.focused = None;
        for i in indices {
            let row = RowView {
                doc,
                index: i,
                rect: Rect::from_min_size(origin + vec2(0.0, list.prefix[i]), vec2(width, list.rows[i].height)),
                playing: playing_index == Some(i),
                looping: input.looping == Some(doc.turns[i].id),
                audio_ready: input.audio_ready(),
                matches: highlight::RowMatches::of(matches, current_match, i),
            };
            let h = row.draw(ui, list, chip_scope, out);
            list.record_height(i, h);
        }
        if list.prefix_dirty {
            ui.ctx().request_repaint();
        }
    });
    list.screen_rect = Some(out_area.inner_rect);
    let off = out_area.state.clamped_offset().y;
    if !scrolled_by_us && (off - list.offset).abs() > 1.0 && input.player.playing && list.dragging_in(ui.ctx()) {
        // The user dragged the scrollbar: follow mode waits until resumed (the offset also
        // moves by itself when rows are measured and the content's height changes).
        view.follow_paused = true;
    }
    list.offset = off;
    if let Some(f) = list.focused {
        list.current = Some(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TranscriptBuilder;

    fn doc(n: usize) -> Transcript {
        let mut b = TranscriptBuilder::new();
        for i in 0..n {
            b.push(Some("A"), Some(i as u64 * 1000), None, &"word ".repeat(i % 50 + 1));
        }
        b.finish()
    }

    #[test]
    fn prefix_sums_follow_heights_and_typing_touches_one_row() {
        let d = doc(1000);
        let mut l = ListState::default();
        l.sync(&d, 0, 800.0, (16.0, 7.0));
        assert_eq!(l.prefix.len(), 1001);
        assert!(l.prefix.windows(2).all(|w| w[1] > w[0]));
        let y = l.prefix[500] + 1.0;
        assert_eq!(l.row_at(y), 500);
        l.record_height(500, 300.0);
        l.sync(&d, 0, 800.0, (16.0, 7.0));
        assert!((l.prefix[501] - l.prefix[500] - 300.0).abs() < 1e-3);
        // A measured row keeps its height across an unrelated revision.
        l.sync(&d, 1, 800.0, (16.0, 7.0));
        assert!((l.prefix[501] - l.prefix[500] - 300.0).abs() < 1e-3);
        // Typing updates the hash of that row only and keeps the cache in step.
        let mut d2 = d.clone();
        d2.turns[10].text.push('x');
        l.text_changed(&d2, d2.turns[10].id, 1, 2);
        assert_eq!(l.synced_rev, Some(2));
        // A new width re-estimates everything.
        l.sync(&d2, 2, 400.0, (16.0, 7.0));
        assert!(l.rows.iter().all(|r| !r.measured));
        assert!(l.total_height() > 0.0);
    }
}
