//! The virtualized turn list. Row heights are cached per (turn, text hash, width), with prefix
//! sums for scrolling; only the rows in view (plus the focused one) are laid out each frame.

use crate::app::App;
use crate::model::{Ms, SpeakerId, Transcript, TurnId, format_otter_time};
use egui::text::{CCursor, CCursorRange};
use egui::{Align, Color32, Id, Layout, Rect, RichText, ScrollArea, TextEdit, UiBuilder, vec2};
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
    /// The last viewport, in content coordinates.
    /// The last viewport's top and bottom, in content coordinates.
    viewport: (f32, f32),
    offset: f32,
    /// Rows laid out in the last frame (for the benchmark's claim).
    pub drawn_rows: usize,
    pub(crate) last_follow: Option<usize>,
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

/// What a row asked for; applied after the list is drawn.
enum RowAction {
    Typed(TurnId, String),
    SetSpeaker(TurnId, SpeakerId),
    Seek(TurnId, Ms),
    Retime(TurnId),
    PlayTurn(TurnId),
    LoopTurn(TurnId),
    Split(TurnId),
    MergeNext(TurnId),
    Delete(TurnId),
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
pub fn show(app: &mut App, ui: &mut egui::Ui, playing_index: Option<usize>) {
    let revision = app.history.revision();
    let line_h = ui.text_style_height(&egui::TextStyle::Body);
    let char_w = ui.ctx().fonts_mut(|f| f.glyph_width(&egui::TextStyle::Body.resolve(ui.style()), 'n'));
    let audio_ready = app.audio_ready();
    let mut actions: Vec<RowAction> = Vec::new();
    let prev_focused = app.list.focused;

    let list = &mut app.list;
    let doc = &app.doc;
    let chip_scope = &mut app.chip_scope;
    let looping = app.looping;

    let mut area = ScrollArea::vertical().id_salt("turn-list").auto_shrink(false);
    let mut scrolled_by_us = false;
    if let Some(req) = list.scroll_request.take() {
        let vh = (list.viewport.1 - list.viewport.0).max(100.0);
        let y = match req {
            ScrollReq::Top(i) => list.prefix.get(i).copied(),
            ScrollReq::IntoView(i) => {
                if list.is_visible(i) {
                    None
                } else {
                    list.prefix.get(i).map(|y| (y - vh / 3.0).max(0.0))
                }
            }
        };
        if let Some(y) = y {
            area = area.vertical_scroll_offset(y);
            scrolled_by_us = true;
        }
    }

    let out = area.show_viewport(ui, |ui, viewport| {
        let width = ui.available_width();
        list.sync(doc, revision, width, (line_h, char_w));
        list.viewport = (viewport.min.y, viewport.max.y);
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
            let turn = &doc.turns[i];
            let top = list.prefix[i];
            let rect = Rect::from_min_size(origin + vec2(0.0, top), vec2(width, list.rows[i].height));
            let highlight = playing_index == Some(i);
            let h = draw_row(
                ui,
                doc,
                i,
                rect,
                highlight,
                looping == Some(turn.id),
                audio_ready,
                list,
                chip_scope,
                &mut actions,
            );
            list.record_height(i, h);
        }
        if list.prefix_dirty {
            ui.ctx().request_repaint();
        }
    });
    let off = out.state.clamped_offset().y;
    if !scrolled_by_us && (off - list.offset).abs() > 1.0 && app.player_state.playing {
        // The user scrolled: follow mode waits until resumed.
        app.follow_paused = true;
    }
    app.list.offset = off;

    if app.list.focused != prev_focused {
        app.history.seal();
    }
    if let Some(f) = app.list.focused {
        app.list.current = Some(f);
    }
    for a in actions {
        match a {
            RowAction::Typed(t, s) => app.typed(t, s),
            RowAction::SetSpeaker(t, s) => {
                let scope = app.chip_scope;
                app.set_speaker(t, scope, s);
            }
            RowAction::Seek(t, ms) => {
                app.list.current = Some(t);
                app.seek(ms);
            }
            RowAction::Retime(t) => {
                app.list.current = Some(t);
                app.run(crate::app::commands::Command::EditStartTime);
            }
            RowAction::PlayTurn(t) => app.play_turn(t),
            RowAction::LoopTurn(t) => app.loop_turn(t),
            RowAction::Split(t) => {
                app.list.current = Some(t);
                app.run(crate::app::commands::Command::SplitTurn);
            }
            RowAction::MergeNext(t) => {
                app.list.current = Some(t);
                app.run(crate::app::commands::Command::MergeWithNext);
            }
            RowAction::Delete(t) => {
                app.list.current = Some(t);
                app.run(crate::app::commands::Command::DeleteTurn);
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_row(
    ui: &mut egui::Ui,
    doc: &Transcript,
    i: usize,
    rect: Rect,
    highlight: bool,
    looping: bool,
    audio_ready: bool,
    list: &mut ListState,
    chip_scope: &mut crate::edit::Scope,
    actions: &mut Vec<RowAction>,
) -> f32 {
    let turn = &doc.turns[i];
    let n = i + 1;
    let speaker = doc.speaker(turn.speaker);
    let color = speaker.map_or(Color32::GRAY, |s| speaker_color(s.color));
    let name = speaker.map_or("?", |s| s.name.as_str());
    let text_w = (rect.width() - LEFT - 16.0).max(60.0);

    if highlight {
        ui.painter().rect_filled(
            rect.shrink2(vec2(0.0, 1.0)),
            4.0,
            ui.visuals().selection.bg_fill.gamma_multiply(0.35),
        );
    }
    let inner = ui.scope_builder(
        UiBuilder::new()
            .max_rect(rect.shrink2(vec2(4.0, 2.0)))
            .id_salt(("row", turn.id.0))
            .layout(Layout::left_to_right(Align::Min)),
        |ui| {
            // Speaker chip, time, marker.
            ui.allocate_ui_with_layout(vec2(LEFT, 0.0), Layout::top_down(Align::Min), |ui| {
                ui.set_width(LEFT);
                let chip = egui::Button::new(RichText::new(name).color(text_on(color)).strong())
                    .fill(color)
                    .corner_radius(8.0);
                let chip =
                    ui.add(chip).accessible_name(format!("Turn {n} speaker")).on_hover_text("Change the speaker");
                egui::Popup::menu(&chip).close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside).show(|ui| {
                    ui.label(RichText::new("Apply to").weak());
                    ui.radio_value(chip_scope, crate::edit::Scope::Turn, "This turn");
                    ui.radio_value(
                        chip_scope,
                        crate::edit::Scope::FollowingRun,
                        format!("This and following turns by {name}"),
                    );
                    ui.radio_value(chip_scope, crate::edit::Scope::AllOfSpeaker, format!("Every turn of {name}"));
                    ui.separator();
                    for (k, s) in doc.speakers.iter().enumerate() {
                        let c = speaker_color(s.color);
                        let label = if k < 9 { format!("{}  {}", k + 1, s.name) } else { s.name.clone() };
                        let b = ui
                            .add(egui::Button::new(RichText::new(label).color(c).strong()))
                            .accessible_name(format!("Assign {}", s.name));
                        if b.clicked() {
                            actions.push(RowAction::SetSpeaker(turn.id, s.id));
                            ui.close();
                        }
                    }
                });
                ui.horizontal(|ui| {
                    let time = ui
                        .add(
                            egui::Button::new(RichText::new(format_otter_time(turn.start_ms)).monospace())
                                .frame(false)
                                .small(),
                        )
                        .accessible_name(format!("Turn {n} time"))
                        .on_hover_text(if audio_ready {
                            "Play from here (right-click for more)"
                        } else {
                            "Start time (right-click for more)"
                        });
                    if time.clicked() {
                        actions.push(RowAction::Seek(turn.id, turn.start_ms));
                    }
                    time.context_menu(|ui| {
                        if ui.button("Edit start time…").clicked() {
                            actions.push(RowAction::Retime(turn.id));
                        }
                        if ui.add_enabled(audio_ready, egui::Button::new("Play this turn")).clicked() {
                            actions.push(RowAction::PlayTurn(turn.id));
                        }
                        if ui
                            .add_enabled(
                                audio_ready,
                                egui::Button::new(if looping { "Stop looping" } else { "Loop this turn" }),
                            )
                            .clicked()
                        {
                            actions.push(RowAction::LoopTurn(turn.id));
                        }
                        ui.separator();
                        if ui.button("Split at cursor").clicked() {
                            actions.push(RowAction::Split(turn.id));
                        }
                        if ui.button("Merge with next").clicked() {
                            actions.push(RowAction::MergeNext(turn.id));
                        }
                        if ui.button("Delete turn").clicked() {
                            actions.push(RowAction::Delete(turn.id));
                        }
                    });
                    ui.label(RichText::new(format!("#{n}")).small().weak());
                    if looping {
                        ui.label(RichText::new("loop").small()).on_hover_text("Looping this turn");
                    }
                    if turn.is_changed(doc) {
                        ui.label(RichText::new("•").small().color(Color32::from_rgb(0xe0, 0x90, 0x20)))
                            .on_hover_text("Changed since the import")
                            .accessible_name(format!("Turn {n} changed"));
                    }
                });
            });

            // The text.
            let id = text_id(turn.id);
            let mut select = None;
            if let Some((t, sel)) = &list.focus_request
                && *t == turn.id
            {
                select = Some(sel.clone());
                list.focus_request = None;
            }
            if let Some(Some(r)) = &select {
                let mut st = TextEdit::load_state(ui.ctx(), id).unwrap_or_default();
                st.cursor.set_char_range(Some(CCursorRange::two(CCursor::new(r.start), CCursor::new(r.end))));
                TextEdit::store_state(ui.ctx(), id, st);
            }
            let mut buf = turn.text.clone();
            let output = TextEdit::multiline(&mut buf)
                .id(id)
                .desired_width(text_w)
                .desired_rows(1)
                .hint_text(RichText::new("(empty turn)").weak())
                .return_key(Some(egui::KeyboardShortcut::new(egui::Modifiers::SHIFT, egui::Key::Enter)))
                .event_filter(egui::EventFilter {
                    escape: true,
                    tab: false,
                    horizontal_arrows: true,
                    vertical_arrows: true,
                })
                .show(ui);
            let resp = output.response.response.clone().accessible_name(format!("Turn {n} text"));
            if select.is_some() {
                resp.request_focus();
            }
            if resp.has_focus() {
                list.focused = Some(turn.id);
                if let Some(c) = output.cursor_range {
                    list.cursor = Some((turn.id, c.primary.index.into()));
                }
            }
            if resp.changed() && buf != turn.text {
                actions.push(RowAction::Typed(turn.id, buf));
            }
        },
    );
    inner.response.rect.height() + 4.0 + ROW_GAP
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
