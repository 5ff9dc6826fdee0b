//! Follow playback inside the list: keep the part of the turn being spoken in view (a long
//! turn's spoken line, not only its top), and notice the user scrolling by hand (mouse wheel
//! over the list, the scrollbar, PageUp/PageDown), which pauses following.

use super::{ListState, ROW_GAP, ScrollReq};
use crate::ui::input::Spoken;
use egui::{Key, Modifiers};

/// The spoken line stays between these fractions of the view; when it leaves them the view
/// moves to put it at a third from the top.
const BAND: (f32, f32) = (0.1, 0.75);

impl ListState {
    /// Keep `s`'s line in view. Its height in the row is the one the row measured in its text
    /// layout (last frame), else the share of the text before it.
    pub(crate) fn follow_spoken(&mut self, s: Spoken) {
        self.spoken = Some(s);
        let (Some(&top), Some(row)) = (self.prefix.get(s.index), self.rows.get(s.index)) else { return };
        let in_row = match self.spoken_line {
            Some((i, y)) if i == s.index => y,
            _ => s.fraction.clamp(0.0, 1.0) * (row.height - ROW_GAP),
        };
        let y = top + in_row;
        let (vt, vb) = self.viewport;
        let vh = (vb - vt).max(100.0);
        if y < vt + BAND.0 * vh || y > vt + BAND.1 * vh {
            self.scroll_request = Some(ScrollReq::Offset((y - vh / 3.0).max(0.0)));
        }
    }

    /// Not following this frame.
    pub(crate) fn stop_following(&mut self) {
        self.spoken = None;
        self.spoken_line = None;
    }

    /// The user scrolls the list by hand this frame: the wheel over the list, or PageUp /
    /// PageDown (which scroll it by most of a view, here).
    pub(crate) fn hand_scroll(&mut self, ctx: &egui::Context) -> bool {
        let over = ctx.pointer_hover_pos().zip(self.screen_rect).is_some_and(|(p, r)| r.contains(p));
        let wheel = over
            && ctx.input(|i| {
                i.smooth_scroll_delta.y != 0.0
                    || i.raw.events.iter().any(|e| matches!(e, egui::Event::MouseWheel { delta, .. } if delta.y != 0.0))
            });
        let page = ctx.input_mut(|i| {
            let down = i.consume_key(Modifiers::NONE, Key::PageDown);
            let up = i.consume_key(Modifiers::NONE, Key::PageUp);
            down as i32 - up as i32
        });
        if page != 0 {
            let vh = (self.viewport.1 - self.viewport.0).max(100.0);
            let to = (self.offset + page as f32 * vh * 0.9).clamp(0.0, (self.total_height() - vh).max(0.0));
            self.scroll_request = Some(ScrollReq::Offset(to));
        }
        wheel || page != 0
    }

    /// The primary button is held after a press inside the list (dragging its scrollbar).
    pub(super) fn dragging_in(&self, ctx: &egui::Context) -> bool {
        ctx.input(|i| {
            i.pointer.primary_down()
                && i.pointer.press_origin().zip(self.screen_rect).is_some_and(|(p, r)| r.contains(p))
        })
    }

    /// Where the row drawing `index` found the spoken character, in the row (by its layout).
    pub(super) fn spoken_char(&self, index: usize) -> Option<usize> {
        self.spoken.filter(|s| s.index == index).map(|s| s.char)
    }
}
