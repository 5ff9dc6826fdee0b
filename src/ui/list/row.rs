//! One row of the turn list: the speaker chip and its menu, the time with its context menu, the
//! turn's number and marks (changed since the import, reviewed), and the text field.

use super::highlight::{self, RowMatches};
use super::{LEFT, ListState, ROW_GAP, speaker_color, text_id, text_on};
use crate::edit::Scope;
use crate::model::{Transcript, Turn, format_otter_time};
use crate::ui::{Action, Command, Commands};
use egui::text::{CCursor, CCursorRange};
use egui::{Align, Color32, Layout, Rect, RichText, TextEdit, UiBuilder, vec2};

/// What a row is drawn from.
pub(super) struct RowView<'a> {
    pub doc: &'a Transcript,
    pub index: usize,
    pub rect: Rect,
    /// The turn being heard.
    pub playing: bool,
    /// The turn being looped.
    pub looping: bool,
    pub audio_ready: bool,
    /// The find matches in this turn's text.
    pub matches: RowMatches,
}

impl RowView<'_> {
    fn turn(&self) -> &Turn {
        &self.doc.turns[self.index]
    }

    /// The number shown (1-based).
    fn n(&self) -> usize {
        self.index + 1
    }

    /// Draw the row; returns the height it took.
    pub fn draw(&self, ui: &mut egui::Ui, list: &mut ListState, scope: &mut Scope, out: &mut Commands) -> f32 {
        if self.playing {
            ui.painter().rect_filled(
                self.rect.shrink2(vec2(0.0, 1.0)),
                4.0,
                ui.visuals().selection.bg_fill.gamma_multiply(0.35),
            );
        }
        let inner = ui.scope_builder(
            UiBuilder::new()
                .max_rect(self.rect.shrink2(vec2(4.0, 2.0)))
                .id_salt(("row", self.turn().id.0))
                .layout(Layout::left_to_right(Align::Min)),
            |ui| {
                ui.allocate_ui_with_layout(vec2(LEFT, 0.0), Layout::top_down(Align::Min), |ui| {
                    ui.set_width(LEFT);
                    self.chip(ui, scope, out);
                    ui.horizontal(|ui| self.time_and_marks(ui, out));
                });
                self.text(ui, list, out);
            },
        );
        inner.response.rect.height() + 4.0 + ROW_GAP
    }

    /// The speaker chip; its menu reassigns the speaker with a scope.
    fn chip(&self, ui: &mut egui::Ui, scope: &mut Scope, out: &mut Commands) {
        let turn = self.turn();
        let speaker = self.doc.speaker(turn.speaker);
        let color = speaker.map_or(Color32::GRAY, |s| speaker_color(s.color));
        let name = speaker.map_or("?", |s| s.name.as_str());
        let chip = egui::Button::new(RichText::new(name).color(text_on(color)).strong()).fill(color).corner_radius(8.0);
        let chip =
            ui.add(chip).accessible_name(format!("Turn {} speaker", self.n())).on_hover_text("Change the speaker");
        egui::Popup::menu(&chip).close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside).show(|ui| {
            ui.label(RichText::new("Apply to").weak());
            ui.radio_value(scope, Scope::Turn, "This turn");
            ui.radio_value(scope, Scope::FollowingRun, format!("This and following turns by {name}"));
            ui.radio_value(scope, Scope::AllOfSpeaker, format!("Every turn of {name}"));
            ui.separator();
            for (k, s) in self.doc.speakers.iter().enumerate() {
                let c = speaker_color(s.color);
                let label = if k < 9 { format!("{}  {}", k + 1, s.name) } else { s.name.clone() };
                let b = ui
                    .add(egui::Button::new(RichText::new(label).color(c).strong()))
                    .accessible_name(format!("Assign {}", s.name));
                if b.clicked() {
                    let turns = crate::ui::scope_turns(self.doc, turn.id, *scope);
                    out.push(Command::SetSpeaker { turns, to: s.id });
                    // The scope is for this use only: the next menu starts at "This turn".
                    *scope = Scope::Turn;
                    ui.close();
                }
            }
        });
    }

    /// The start time (click: play from here; right-click: the turn's menu), number and marks.
    fn time_and_marks(&self, ui: &mut egui::Ui, out: &mut Commands) {
        let turn = self.turn();
        let n = self.n();
        // An estimated start (a split's) reads "~2:16" until the user sets it.
        let shown = format!("{}{}", if turn.start_estimated { "~" } else { "" }, format_otter_time(turn.start_ms));
        let time = ui
            .add(egui::Button::new(RichText::new(shown).monospace()).frame(false).small())
            .accessible_name(format!("Turn {n} time"))
            .on_hover_text(if self.audio_ready {
                "Play from here (right-click for more)"
            } else {
                "Start time (right-click for more)"
            });
        let time = if turn.start_estimated {
            time.on_hover_text("Estimated from the split; set the time to confirm it")
        } else {
            time
        };
        if time.clicked() {
            out.push(Command::RunOn { turn: turn.id, action: Action::SeekToTurn });
        }
        time.context_menu(|ui| self.turn_menu(ui, out));
        ui.label(RichText::new(format!("#{n}")).small().weak());
        if self.looping {
            ui.label(RichText::new("loop").small()).on_hover_text("Looping this turn");
        }
        if turn.is_changed(self.doc) {
            ui.label(RichText::new("•").small().color(Color32::from_rgb(0xe0, 0x90, 0x20)))
                .on_hover_text("Changed since the import")
                .accessible_name(format!("Turn {n} changed"));
        }
        if turn.reviewed {
            reviewed_mark(ui, &format!("Turn {n} reviewed")).on_hover_text("Reviewed");
        }
    }

    fn turn_menu(&self, ui: &mut egui::Ui, out: &mut Commands) {
        let turn = self.turn().id;
        let on = |action| Command::RunOn { turn, action };
        if ui.button("Edit start time…").clicked() {
            out.push(on(Action::EditStartTime));
        }
        if ui.add_enabled(self.audio_ready, egui::Button::new("Play this turn")).clicked() {
            out.push(Command::PlayTurn(turn));
        }
        let loop_label = if self.looping { "Stop looping" } else { "Loop this turn" };
        if ui.add_enabled(self.audio_ready, egui::Button::new(loop_label)).clicked() {
            out.push(Command::LoopTurn(turn));
        }
        ui.separator();
        if ui.button("Split at cursor").clicked() {
            out.push(on(Action::SplitTurn));
        }
        if ui.button("Merge with next").clicked() {
            out.push(on(Action::MergeWithNext));
        }
        if ui.button("Delete turn").clicked() {
            out.push(on(Action::DeleteTurn));
        }
    }

    /// The text field: focus and selection requests are applied here, typing is asked for.
    fn text(&self, ui: &mut egui::Ui, list: &mut ListState, out: &mut Commands) {
        let turn = self.turn();
        let text_w = (self.rect.width() - LEFT - 16.0).max(60.0);
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
        let matches = &self.matches;
        let mut layouter =
            |ui: &egui::Ui, text: &dyn egui::TextBuffer, wrap: f32| highlight::layout(ui, text.as_str(), wrap, matches);
        let mut edit = TextEdit::multiline(&mut buf);
        if !matches.ranges.is_empty() {
            edit = edit.layouter(&mut layouter);
        }
        let output = edit
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
        if let Some(c) = list.spoken_char(self.index) {
            // Following: where the spoken character's line is in this row.
            let at = output.galley.pos_from_cursor(CCursor::new(c));
            list.spoken_line = Some((self.index, output.galley_pos.y + at.center().y - self.rect.min.y));
        }
        self.paint_matches(ui, list, &output.galley, output.galley_pos);
        let resp = output.response.response.clone().accessible_name(format!("Turn {} text", self.n()));
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
            out.push(Command::Typed { turn: turn.id, text: buf });
        }
    }

    /// Count the highlighted matches, note where the current one is, and bring it into view
    /// when the list asked to reveal it (the match's line, not the top of a long turn).
    fn paint_matches(&self, ui: &egui::Ui, list: &mut ListState, galley: &egui::Galley, pos: egui::Pos2) {
        let text = &self.turn().text;
        list.find_paint.highlighted += self.matches.ranges.len();
        let Some(cur) = self.matches.current.and_then(|c| self.matches.ranges.get(c)) else { return };
        let rect = highlight::range_rect(galley, pos, text, cur);
        list.find_paint.current = Some(rect);
        if let Some(r) = &mut list.reveal
            && r.turn == self.turn().id
            && r.range == *cur
        {
            if ui.clip_rect().contains_rect(rect) && !list.prefix_dirty {
                // In view, and the rows above it are measured: done.
                list.reveal = None;
                return;
            }
            ui.scroll_to_rect_animation(rect, Some(Align::Center), egui::style::ScrollAnimation::none());
            r.frames = r.frames.saturating_sub(1);
            if r.frames == 0 {
                list.reveal = None;
            }
            ui.ctx().request_repaint();
        }
    }
}

/// A small green check mark, painted: egui's default fonts have no check glyph. An image to
/// assistive technology, named `name` (a label's name would be read as its text).
fn reviewed_mark(ui: &mut egui::Ui, name: &str) -> egui::Response {
    let h = ui.text_style_height(&egui::TextStyle::Small);
    let (rect, resp) = ui.allocate_exact_size(vec2(h, h), egui::Sense::hover());
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, name));
    let r = rect.shrink(h * 0.15);
    let stroke = egui::Stroke::new(1.5, Color32::from_rgb(0x40, 0xa0, 0x50));
    let points = vec![r.left_center(), egui::pos2(r.left() + r.width() * 0.4, r.bottom()), r.right_top()];
    ui.painter().add(egui::Shape::line(points, stroke));
    resp
}
