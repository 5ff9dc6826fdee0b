//! Every change to the document: edits through [`History`](crate::edit::History), typing,
//! speakers, turns, start times, find and replace, undo and redo. Each step's
//! [`Change`] goes to the view, whose caches follow it.

use super::App;
use super::replace::Replacing;
use crate::edit::{self, Change, Edit, EditError};
use crate::model::{Ms, SpeakerId, TurnId, format_otter_time, parse_clock};
use crate::session::journal::Op;
use crate::ui::{Level, Modal};

impl App {
    /// The document changed: the view's caches follow, and a turn is current.
    fn changed(&mut self, change: &Change) {
        self.view.follow(&self.doc, change);
    }

    fn refused(&mut self, e: EditError) {
        self.notify(Level::Error, format!("Not done: {e}"));
    }

    /// Apply an edit through the history as its own undo step; a refused edit is reported.
    pub(crate) fn apply(&mut self, edit: Edit) -> bool {
        self.history.seal();
        let op = self.autosave.is_some().then(|| Op::Apply { edit: edit.clone() });
        match self.history.apply(&mut self.doc, edit) {
            Ok(change) => {
                if let Some(op) = op {
                    self.autosave_record(op);
                }
                self.changed(&change);
                if let Some(t) = change.focus
                    && self.view.list.current.is_none()
                {
                    self.view.list.current = Some(t);
                }
                true
            }
            Err(e) => {
                self.refused(e);
                false
            }
        }
    }

    fn apply_result(&mut self, r: Result<Edit, EditError>) -> bool {
        match r {
            Ok(e) => self.apply(e),
            Err(e) => {
                self.refused(e);
                false
            }
        }
    }

    /// Text typed into a turn (coalesces into one undo step per turn).
    pub(crate) fn typed(&mut self, turn: TurnId, text: String) {
        if self.config.settings.pause_while_typing && self.player_state.playing {
            self.player.pause();
        }
        let op = self.autosave.is_some().then(|| Op::Typing { turn, text: text.clone() });
        if let Ok(change) = self.history.apply_typing(&mut self.doc, turn, text) {
            if let Some(op) = op {
                self.autosave_record(op);
            }
            self.changed(&change);
        }
        // Typing pauses follow mode until the user resumes it.
        if self.player_state.playing {
            self.view.follow_paused = true;
        }
    }

    /// Give `turns` the speaker `to`.
    pub(crate) fn set_speaker(&mut self, turns: &[TurnId], to: SpeakerId) -> bool {
        if self.doc.speaker(to).is_none() {
            self.refused(EditError::NoSpeaker(to));
            return false;
        }
        if let Some(t) = turns.iter().find(|t| self.doc.turn_index(**t).is_none()) {
            self.refused(EditError::NoTurn(*t));
            return false;
        }
        self.apply(edit::set_speaker_of(turns, to, "Change speaker"))
    }

    pub(crate) fn rename_speaker(&mut self, speaker: SpeakerId, name: String) {
        let Some(old) = self.doc.speaker(speaker).map(|s| s.name.clone()) else { return };
        if !name.is_empty() && self.doc.speaker_by_name(&name).is_none() {
            self.apply(Edit::RenameSpeaker { speaker, name });
        } else {
            self.notify(
                Level::Error,
                format!("Cannot rename {old} to “{name}”: the name is empty or taken (use Merge to join two speakers)"),
            );
            self.view.speaker_names.insert(speaker, old);
        }
    }

    pub(crate) fn merge_speakers(&mut self, from: SpeakerId, into: SpeakerId) {
        let r = edit::merge_speakers(&self.doc, from, into);
        self.apply_result(r);
    }

    pub(crate) fn add_speaker(&mut self, name: &str) {
        match edit::add_speaker(&self.doc, name) {
            Ok((e, _)) => {
                if self.apply(e) {
                    self.view.new_speaker.clear();
                }
            }
            Err(e) => self.refused(e),
        }
    }

    pub(crate) fn undo(&mut self) {
        if let Some(c) = self.history.undo(&mut self.doc) {
            self.autosave_record(Op::Undo);
            self.after_undo_redo(c);
        }
    }

    pub(crate) fn redo(&mut self) {
        if let Some(c) = self.history.redo(&mut self.doc) {
            self.autosave_record(Op::Redo);
            self.after_undo_redo(c);
        }
    }

    fn after_undo_redo(&mut self, c: Change) {
        self.changed(&c);
        if let Some(t) = c.focus
            && let Some(i) = self.doc.turn_index(t)
        {
            self.view.list.scroll_into_view(i);
            self.view.list.current = Some(t);
        }
    }

    /// Put the keyboard focus (and optionally the text cursor, in chars) on a turn, scrolling
    /// it into view.
    pub fn focus_turn(&mut self, turn: TurnId, cursor: Option<usize>) {
        self.view.list.request_focus(turn, cursor.map(|c| c..c));
        if let Some(i) = self.doc.turn_index(turn) {
            self.view.list.scroll_to_index(i);
        }
    }

    /// Scroll so that turn `index` is at the top of the list (benchmarks, go to).
    pub fn scroll_to_index(&mut self, index: usize) {
        self.view.list.scroll_to_index(index);
    }

    // -----------------------------------------------------------------------------------------
    // Turns
    // -----------------------------------------------------------------------------------------

    /// Split `turn` at a character offset (None: at the end).
    pub(crate) fn split(&mut self, turn: TurnId, at: Option<usize>) {
        let Some(t) = self.doc.turn(turn) else { return };
        let chars = at.unwrap_or(t.text.chars().count());
        let byte = t.text.char_indices().nth(chars).map_or(t.text.len(), |(b, _)| b);
        let r = edit::split_turn(&self.doc, turn, byte);
        if self.apply_result(r)
            && let Some(i) = self.doc.turn_index(turn)
            && let Some(next) = self.doc.turns.get(i + 1)
        {
            // Focus the new turn without moving the cursor's turn: scroll only if the new turn
            // is out of view (judged on the list as it is after the split).
            let id = next.id;
            self.view.list.request_focus(id, Some(0..0));
            self.view.list.scroll_into_view(i + 1);
        }
    }

    /// Merge `turn` into the previous turn, or the next turn into it.
    pub(crate) fn merge(&mut self, turn: TurnId, with_previous: bool) {
        let Some(i) = self.doc.turn_index(turn) else { return };
        let (first, cursor) = if with_previous {
            let Some(p) = i.checked_sub(1) else {
                self.notify(Level::Error, "Not done: there is no previous turn");
                return;
            };
            let prev = &self.doc.turns[p];
            (prev.id, prev.text.trim_end().chars().count() + 1)
        } else {
            (turn, self.doc.turns[i].text.trim_end().chars().count() + 1)
        };
        let r = edit::merge_with_next(&self.doc, first);
        if self.apply_result(r) {
            let len = self.doc.turn(first).map_or(0, |t| t.text.chars().count());
            self.focus_turn(first, Some(cursor.min(len)));
        }
    }

    /// Insert an empty turn after `after` (None: at the end, for the first speaker).
    pub(crate) fn insert_after(&mut self, after: Option<TurnId>) {
        let (after, speaker, start) = match after.and_then(|t| self.doc.turn_index(t)) {
            Some(i) => {
                let t = &self.doc.turns[i];
                let start =
                    self.doc.turns.get(i + 1).map_or(self.doc.effective_end(i), |n| (t.start_ms + n.start_ms) / 2);
                (Some(i), t.speaker, start.max(t.start_ms))
            }
            None => match self.doc.speakers.first() {
                Some(s) => (self.doc.turns.len().checked_sub(1), s.id, self.doc.turns.last().map_or(0, |t| t.start_ms)),
                None => {
                    self.notify(Level::Error, "Not done: add a speaker first");
                    return;
                }
            },
        };
        match edit::insert_turn(&self.doc, after, speaker, start, "") {
            Ok((e, id)) => {
                if self.apply(e) {
                    self.focus_turn(id, Some(0));
                }
            }
            Err(e) => self.refused(e),
        }
    }

    pub(crate) fn delete(&mut self, turn: TurnId) {
        let Some(i) = self.doc.turn_index(turn) else { return };
        if self.apply(Edit::DeleteTurn { turn }) {
            let next = self.doc.turns.get(i).or(self.doc.turns.last()).map(|t| t.id);
            self.view.list.current = next;
            if let Some(n) = next {
                self.focus_turn(n, None);
            }
        }
    }

    /// Open the start-time prompt for `turn`.
    pub(crate) fn ask_retime(&mut self, turn: TurnId) {
        let Some(t) = self.doc.turn(turn) else { return };
        let ms = t.start_ms;
        let mut text = format_otter_time(ms);
        if !ms.is_multiple_of(1000) {
            text.push_str(&format!(".{:03}", ms % 1000));
        }
        self.view.modal = Some(Modal::Retime { turn, text, error: None });
    }

    /// The start-time prompt's answer: applied and closed, or the prompt shows why not.
    pub(crate) fn answer_retime(&mut self, turn: TurnId, text: String) {
        let result = self.retime(turn, &text);
        self.view.modal = result.err().map(|e| Modal::Retime { turn, text, error: Some(e) });
    }

    /// Validate and apply a start time typed for a turn; Err is the message to show.
    fn retime(&mut self, turn: TurnId, text: &str) -> Result<(), String> {
        let ms =
            parse_clock(text).ok_or_else(|| format!("“{text}” is not a time; write it like 1:02:03 or 4:05.250"))?;
        let end = self.doc.turn(turn).ok_or("the turn is gone")?.end_ms.filter(|e| *e >= ms);
        match edit::retime(&self.doc, turn, ms, end) {
            Ok(e) => {
                self.apply(e);
                Ok(())
            }
            Err(EditError::OutOfOrder { min, max, .. }) => Err(if max == Ms::MAX {
                format!("The start must be at or after {} (the previous turn's start).", format_otter_time(min))
            } else {
                format!(
                    "The start must lie between {} and {} (the neighbouring turns' starts).",
                    format_otter_time(min),
                    format_otter_time(max)
                )
            }),
            Err(e) => Err(e.to_string()),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Going places
    // -----------------------------------------------------------------------------------------

    /// The Go To prompt's answer: done and closed, or the prompt shows why not.
    pub(crate) fn answer_go_to(&mut self, text: String) {
        let result = self.go_to(&text);
        self.view.modal = result.err().map(|e| Modal::GoTo { text, error: Some(e) });
    }

    /// Jump to a time (`1:02:03`) or a turn number (`12` or `#12`); Err is the message to show.
    fn go_to(&mut self, text: &str) -> Result<(), String> {
        let t = text.trim();
        let index = if let Some(n) = t.strip_prefix('#').or((!t.contains([':', '.', ','])).then_some(t)) {
            let n: usize = n.trim().parse().map_err(|_| format!("“{t}” is neither a time nor a turn number"))?;
            if n == 0 || n > self.doc.turns.len() {
                return Err(format!("There are turns 1 to {}.", self.doc.turns.len()));
            }
            // The playhead goes with the view: to the turn's start.
            if self.audio_ready() {
                self.player.seek(self.doc.turns[n - 1].start_ms);
            }
            n - 1
        } else {
            let ms = parse_clock(t).ok_or_else(|| format!("“{t}” is neither a time nor a turn number"))?;
            if self.audio_ready() {
                self.player.seek(ms);
            }
            self.doc.turn_at(ms).unwrap_or(0)
        };
        if let Some(turn) = self.doc.turns.get(index) {
            let id = turn.id;
            self.focus_turn(id, None);
        }
        Ok(())
    }

    pub(crate) fn step_turn(&mut self, delta: isize) {
        let n = self.doc.turns.len();
        if n == 0 {
            return;
        }
        let i = self
            .current_turn()
            .and_then(|t| self.doc.turn_index(t))
            .map_or(0, |i| (i as isize + delta).clamp(0, n as isize - 1) as usize);
        let id = self.doc.turns[i].id;
        self.focus_turn(id, None);
    }

    // -----------------------------------------------------------------------------------------
    // Find and replace
    // -----------------------------------------------------------------------------------------

    /// Select the next (or previous) find match in its turn.
    pub(crate) fn find_step(&mut self, forward: bool) {
        let find = &mut self.view.find;
        find.open = true;
        find.refresh(&self.doc, self.history.revision());
        let from = self.view.current_turn(&self.doc).and_then(|t| self.doc.turn_index(t));
        if let Some(m) = self.view.find.step(forward, from) {
            let text = &self.doc.turns[m.index].text;
            let a = text[..m.range.start].chars().count();
            let b = a + text[m.range.clone()].chars().count();
            self.view.list.request_focus(m.turn, Some(a..b));
            self.view.list.scroll_into_view(m.index);
            self.view.list.reveal_match(m.turn, m.range.clone());
        }
    }

    pub(crate) fn replace_current(&mut self) {
        let find = &mut self.view.find;
        find.refresh(&self.doc, self.history.revision());
        let cur = find.current.and_then(|c| find.matches().get(c).cloned());
        let Some(m) = cur.or_else(|| find.matches().first().cloned()) else { return };
        let Some(re) = find.regex().cloned() else { return };
        if let Some(e) = find.query.replace_one(&re, &self.doc, &m, &find.replace) {
            self.apply(e);
            // Go on from the replaced match.
            self.view.find.current = None;
            self.view.list.current = Some(m.turn);
            self.find_step(true);
        }
    }

    pub(crate) fn replace_all(&mut self) {
        let find = &mut self.view.find;
        find.refresh(&self.doc, self.history.revision());
        let Some(re) = find.regex().cloned() else { return };
        match find.query.replace_all(&re, &self.doc, &find.replace) {
            Some((e, n)) => {
                if self.apply(e) {
                    self.notify(Level::Info, format!("Replaced {n} match(es) — one undo step"));
                }
            }
            None => self.notify(Level::Info, "Nothing to replace"),
        }
        self.view.find.current = None;
    }
}
