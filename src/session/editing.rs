//! One open document with its history and (optionally) its autosave: the headless editing layer
//! that the app and the kill-test harness both drive. Each method does what the History method
//! of the same name does, and records the operation for autosave when it took effect.

use super::autosave::Autosaver;
use super::journal::Op;
use crate::edit::{Change, Edit, EditError, History};
use crate::model::{Transcript, TurnId};

pub struct Editing {
    pub doc: Transcript,
    pub history: History,
    autosave: Option<Autosaver>,
}

impl Editing {
    /// A document with a fresh history and no autosave.
    pub fn new(doc: Transcript) -> Editing {
        Editing { doc, history: History::new(), autosave: None }
    }

    /// A document (and its history, e.g. a recovered one) whose operations go to `autosave`.
    pub fn with_autosave(doc: Transcript, history: History, autosave: Autosaver) -> Editing {
        Editing { doc, history, autosave: Some(autosave) }
    }

    pub fn autosaver(&self) -> Option<&Autosaver> {
        self.autosave.as_ref()
    }

    pub fn autosaver_mut(&mut self) -> Option<&mut Autosaver> {
        self.autosave.as_mut()
    }

    /// Stop autosaving; the caller decides whether to close (remove) or keep the session.
    pub fn take_autosaver(&mut self) -> Option<Autosaver> {
        self.autosave.take()
    }

    fn record(&mut self, op: Op) {
        if let Some(a) = &mut self.autosave {
            a.record(op);
        }
    }

    pub fn apply(&mut self, edit: Edit) -> Result<Change, EditError> {
        let copy = self.autosave.is_some().then(|| edit.clone());
        let change = self.history.apply(&mut self.doc, edit)?;
        if let Some(edit) = copy {
            self.record(Op::Apply { edit });
        }
        Ok(change)
    }

    pub fn apply_typing(&mut self, turn: TurnId, text: String) -> Result<Change, EditError> {
        let copy = self.autosave.is_some().then(|| text.clone());
        let change = self.history.apply_typing(&mut self.doc, turn, text)?;
        if let Some(text) = copy {
            self.record(Op::Typing { turn, text });
        }
        Ok(change)
    }

    pub fn seal(&mut self) {
        self.history.seal();
        self.record(Op::Seal);
    }

    pub fn undo(&mut self) -> Option<Change> {
        let e = self.history.undo(&mut self.doc)?;
        self.record(Op::Undo);
        Some(e)
    }

    pub fn redo(&mut self) -> Option<Change> {
        let e = self.history.redo(&mut self.doc)?;
        self.record(Op::Redo);
        Some(e)
    }
}
