//! Undo/redo history. Every entry keeps the edit and its inverse, so undo and redo are exact
//! and cost no more than the edit itself. Typing in one turn coalesces into one entry.
//!
//! Every step reports a [`Change`]: the one signal the caches built on the document (list rows,
//! find matches, speaker figures, waveform bands, export preview) follow.

use super::{Edit, EditError};
use crate::model::{Transcript, TurnId};

/// What one history step (apply, typing, undo or redo) changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The document's revision before and after the step.
    pub rev_before: u64,
    pub rev_after: u64,
    /// Turns whose text changed, when only texts changed (empty when `structure` is set).
    pub texts: Vec<TurnId>,
    /// Anything besides turn texts changed: turns added, removed or replaced, speakers or times.
    pub structure: bool,
    /// The turn the step is about, when it is about one (to select after an undo).
    pub focus: Option<TurnId>,
}

impl Change {
    /// What `edit` (applied from `rev_before` to `rev_after`) changed.
    fn of(edit: &Edit, rev_before: u64, rev_after: u64) -> Change {
        let mut texts = Vec::new();
        let structure = !text_turns(edit, &mut texts);
        if structure {
            texts.clear();
        }
        Change { rev_before, rev_after, texts, structure, focus: edit.focus_turn() }
    }
}

/// Collect the turns whose text `edit` sets; false when it changes anything else too.
fn text_turns(edit: &Edit, out: &mut Vec<TurnId>) -> bool {
    match edit {
        Edit::SetText { turn, .. } => {
            out.push(*turn);
            true
        }
        Edit::Batch { edits, .. } => edits.iter().all(|e| text_turns(e, out)),
        _ => false,
    }
}

#[derive(Clone, Debug)]
pub struct HistoryEntry {
    pub label: String,
    pub forward: Edit,
    pub inverse: Edit,
    /// Revision of the document before and after this entry.
    pub rev_before: u64,
    pub rev_after: u64,
    /// Typing in this turn may be merged into this entry.
    coalesce: Option<TurnId>,
}

/// The edit history of one document, with revision numbers for the dirty flag.
#[derive(Clone, Debug)]
pub struct History {
    undo: Vec<HistoryEntry>,
    redo: Vec<HistoryEntry>,
    revision: u64,
    next_revision: u64,
    saved_revision: Option<u64>,
    limit: usize,
}

impl Default for History {
    fn default() -> Self {
        History {
            undo: Vec::new(),
            redo: Vec::new(),
            revision: 0,
            next_revision: 1,
            saved_revision: Some(0),
            limit: 10_000,
        }
    }
}

impl History {
    pub fn new() -> Self {
        Self::default()
    }

    /// The current revision: changes with every edit, undo and redo; equal revisions mean equal
    /// documents.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// True when the document differs from the last saved one.
    pub fn is_dirty(&self) -> bool {
        self.saved_revision != Some(self.revision)
    }

    /// Record that the current revision is what is on disk.
    pub fn mark_saved(&mut self) {
        self.saved_revision = Some(self.revision);
    }

    /// Record that a given revision was saved (a save that ran on a worker while editing went on).
    pub fn mark_saved_revision(&mut self, rev: u64) {
        self.saved_revision = Some(rev);
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|e| e.label.as_str())
    }

    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|e| e.label.as_str())
    }

    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    fn bump(&mut self) -> u64 {
        let r = self.next_revision;
        self.next_revision += 1;
        r
    }

    /// Apply an edit and record it.
    pub fn apply(&mut self, doc: &mut Transcript, edit: Edit) -> Result<Change, EditError> {
        self.apply_inner(doc, edit, None)
    }

    /// Apply a text change typed into a turn. Successive calls for the same turn merge into one
    /// undo step until [`History::seal`] is called (focus moves, another edit happens).
    pub fn apply_typing(&mut self, doc: &mut Transcript, turn: TurnId, text: String) -> Result<Change, EditError> {
        let forward = Edit::SetText { turn, text };
        if self.redo.is_empty()
            && let Some(top) = self.undo.last_mut()
            && top.coalesce == Some(turn)
        {
            forward.apply(doc)?;
            top.forward = forward;
            let rev_before = self.revision;
            self.revision = self.next_revision;
            self.next_revision += 1;
            top.rev_after = self.revision;
            return Ok(Change::of(&top.forward, rev_before, self.revision));
        }
        self.apply_inner(doc, forward, Some(turn))
    }

    /// End the current typing run: the next keystroke starts a new undo step.
    pub fn seal(&mut self) {
        if let Some(top) = self.undo.last_mut() {
            top.coalesce = None;
        }
    }

    fn apply_inner(&mut self, doc: &mut Transcript, edit: Edit, coalesce: Option<TurnId>) -> Result<Change, EditError> {
        let inverse = edit.apply(doc)?;
        let rev_before = self.revision;
        let rev_after = self.bump();
        self.revision = rev_after;
        self.seal();
        let change = Change::of(&edit, rev_before, rev_after);
        self.undo.push(HistoryEntry { label: edit.label(), forward: edit, inverse, rev_before, rev_after, coalesce });
        self.redo.clear();
        if self.undo.len() > self.limit {
            self.undo.remove(0);
        }
        Ok(change)
    }

    /// Undo the last step. Returns what changed, or None when there was nothing to undo.
    pub fn undo(&mut self, doc: &mut Transcript) -> Option<Change> {
        let mut entry = self.undo.pop()?;
        entry.coalesce = None;
        match entry.inverse.apply(doc) {
            Ok(_) => {
                let change = Change::of(&entry.inverse, self.revision, entry.rev_before);
                self.revision = entry.rev_before;
                self.redo.push(entry);
                Some(change)
            }
            Err(_) => {
                // Cannot happen for a consistent history; drop the entry rather than loop.
                None
            }
        }
    }

    /// Redo the last undone step.
    pub fn redo(&mut self, doc: &mut Transcript) -> Option<Change> {
        let entry = self.redo.pop()?;
        match entry.forward.apply(doc) {
            Ok(_) => {
                let change = Change::of(&entry.forward, self.revision, entry.rev_after);
                self.revision = entry.rev_after;
                self.undo.push(entry);
                Some(change)
            }
            Err(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TranscriptBuilder;

    #[test]
    fn every_step_reports_what_it_changed() {
        let mut b = TranscriptBuilder::new();
        b.push(Some("Ann"), Some(0), None, "One.");
        b.push(Some("Bob"), Some(1000), None, "Two.");
        let mut d = b.finish();
        let (t1, t2) = (d.turns[0].id, d.turns[1].id);
        let mut h = History::new();
        let c = h.apply_typing(&mut d, t1, "One!".into()).unwrap();
        assert_eq!((c.rev_before, c.rev_after, c.texts.clone(), c.structure), (0, 1, vec![t1], false));
        let c = h.apply_typing(&mut d, t1, "One!!".into()).unwrap();
        assert_eq!((c.rev_before, c.rev_after, c.structure), (1, 2, false), "coalesced typing still reports");
        let c = h.apply(&mut d, Edit::DeleteTurn { turn: t2 }).unwrap();
        assert!(c.structure && c.texts.is_empty());
        assert_eq!(c.focus, Some(t2));
        let c = h.undo(&mut d).unwrap();
        assert!(c.structure);
        assert_eq!((c.rev_before, c.rev_after), (3, 2));
        let c = h.undo(&mut d).unwrap();
        assert_eq!((c.texts.clone(), c.structure, c.rev_after), (vec![t1], false, 0));
        let c = h.redo(&mut d).unwrap();
        assert_eq!((c.texts, c.structure, c.rev_before, c.rev_after), (vec![t1], false, 0, 2));
    }
}
