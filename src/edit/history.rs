//! Undo/redo history. Every entry keeps the edit and its inverse, so undo and redo are exact
//! and cost no more than the edit itself. Typing in one turn coalesces into one entry.

use super::{Edit, EditError};
use crate::model::{Transcript, TurnId};

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
    pub fn apply(&mut self, doc: &mut Transcript, edit: Edit) -> Result<(), EditError> {
        self.apply_inner(doc, edit, None)
    }

    /// Apply a text change typed into a turn. Successive calls for the same turn merge into one
    /// undo step until [`History::seal`] is called (focus moves, another edit happens).
    pub fn apply_typing(&mut self, doc: &mut Transcript, turn: TurnId, text: String) -> Result<(), EditError> {
        let forward = Edit::SetText { turn, text };
        if self.redo.is_empty()
            && let Some(top) = self.undo.last_mut()
            && top.coalesce == Some(turn)
        {
            forward.apply(doc)?;
            top.forward = forward;
            self.revision = self.next_revision;
            self.next_revision += 1;
            top.rev_after = self.revision;
            return Ok(());
        }
        self.apply_inner(doc, forward, Some(turn))
    }

    /// End the current typing run: the next keystroke starts a new undo step.
    pub fn seal(&mut self) {
        if let Some(top) = self.undo.last_mut() {
            top.coalesce = None;
        }
    }

    fn apply_inner(&mut self, doc: &mut Transcript, edit: Edit, coalesce: Option<TurnId>) -> Result<(), EditError> {
        let inverse = edit.apply(doc)?;
        let rev_before = self.revision;
        let rev_after = self.bump();
        self.revision = rev_after;
        self.seal();
        self.undo.push(HistoryEntry { label: edit.label(), forward: edit, inverse, rev_before, rev_after, coalesce });
        self.redo.clear();
        if self.undo.len() > self.limit {
            self.undo.remove(0);
        }
        Ok(())
    }

    /// Undo the last step. Returns the edit that was applied (to find what to focus), or None.
    pub fn undo(&mut self, doc: &mut Transcript) -> Option<Edit> {
        let mut entry = self.undo.pop()?;
        entry.coalesce = None;
        match entry.inverse.apply(doc) {
            Ok(_) => {
                self.revision = entry.rev_before;
                let applied = entry.inverse.clone();
                self.redo.push(entry);
                Some(applied)
            }
            Err(_) => {
                // Cannot happen for a consistent history; drop the entry rather than loop.
                None
            }
        }
    }

    /// Redo the last undone step.
    pub fn redo(&mut self, doc: &mut Transcript) -> Option<Edit> {
        let entry = self.redo.pop()?;
        match entry.forward.apply(doc) {
            Ok(_) => {
                self.revision = entry.rev_after;
                let applied = entry.forward.clone();
                self.undo.push(entry);
                Some(applied)
            }
            Err(_) => None,
        }
    }
}
