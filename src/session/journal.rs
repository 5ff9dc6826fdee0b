//! The autosave journal: an append-only file of JSON lines, one per recorded operation on the
//! document's [`History`]. Replaying the lines through a fresh History, from the base snapshot,
//! gives back the document and an ordinary undoable history.
//!
//! A line is only counted when it ends with a newline and parses; reading stops at the first
//! line that does not (the tail torn by a kill or a power cut), and [`valid_len`] says where to
//! cut before appending again.

use crate::edit::{Edit, EditError, History};
use crate::model::{Transcript, TurnId};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// One operation on the history, as the app made it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// [`History::apply`].
    Apply {
        edit: Edit,
    },
    /// [`History::apply_typing`] with the turn's latest text. Successive typing in one turn is
    /// written once per flush: History merges it into one step anyway.
    Typing {
        turn: TurnId,
        text: String,
    },
    /// [`History::seal`]: the next keystroke starts a new undo step.
    Seal,
    Undo,
    Redo,
    /// The document as of line `upto` (its seq) was saved to `path`.
    Saved {
        path: String,
        upto: u64,
    },
}

impl Op {
    /// True for operations that change the document (what "edits" counts).
    pub fn is_edit(&self) -> bool {
        matches!(self, Op::Apply { .. } | Op::Typing { .. } | Op::Undo | Op::Redo)
    }

    /// Replay onto `doc` and `history`. Undo and redo with nothing to undo or redo are no-ops,
    /// as they were when recorded.
    pub fn replay(&self, doc: &mut Transcript, history: &mut History) -> Result<(), EditError> {
        match self {
            Op::Apply { edit } => history.apply(doc, edit.clone()).map(drop),
            Op::Typing { turn, text } => history.apply_typing(doc, *turn, text.clone()).map(drop),
            Op::Seal => {
                history.seal();
                Ok(())
            }
            Op::Undo => {
                history.undo(doc);
                Ok(())
            }
            Op::Redo => {
                history.redo(doc);
                Ok(())
            }
            Op::Saved { .. } => Ok(()),
        }
    }
}

/// A journal line: a sequence number (per session, increasing), the wall-clock time the
/// operation was made (ms since the Unix epoch) and the operation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub seq: u64,
    pub t: u64,
    #[serde(flatten)]
    pub op: Op,
}

impl Line {
    /// The line as written: compact JSON and a newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec(self).expect("a journal line always serializes");
        v.push(b'\n');
        v
    }
}

/// What was read back from a journal.
#[derive(Debug, Default)]
pub struct Contents {
    pub lines: Vec<Line>,
    /// Bytes of whole, valid lines; anything after it is a torn tail.
    pub valid_len: u64,
    /// Bytes after `valid_len` that were ignored.
    pub torn_bytes: u64,
}

/// The most of a journal that is read: 512 MB. Typing writes about 1 KB a second (a turn's text
/// per flush), so this is days of continuous editing; a larger file is not ours to trust, and is
/// refused from its size instead of being read into memory line by line.
pub const MAX_JOURNAL_BYTES: u64 = 512 << 20;

/// Read every valid line of the journal at `path` (an absent file reads as empty). A journal
/// over [`MAX_JOURNAL_BYTES`] is an `InvalidData` error saying so.
pub fn read(path: &Path) -> std::io::Result<Contents> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Contents::default()),
        Err(e) => return Err(e),
    };
    let total = file.metadata()?.len();
    if total > MAX_JOURNAL_BYTES {
        let msg = format!("the journal is too large ({} MB; the limit is {} MB)", total >> 20, MAX_JOURNAL_BYTES >> 20);
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, msg));
    }
    // Capped as well, for a file that grows while it is read.
    let mut r = BufReader::new(file.take(MAX_JOURNAL_BYTES));
    let mut out = Contents::default();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = r.by_ref().read_until(b'\n', &mut buf)?;
        if n == 0 || buf.last() != Some(&b'\n') {
            break;
        }
        match serde_json::from_slice::<Line>(&buf[..n - 1]) {
            Ok(line) => {
                out.lines.push(line);
                out.valid_len += n as u64;
            }
            Err(_) => break,
        }
    }
    out.torn_bytes = total - out.valid_len;
    Ok(out)
}

/// The length of the journal's valid prefix (where to truncate before appending again).
pub fn valid_len(path: &Path) -> std::io::Result<u64> {
    read(path).map(|r| r.valid_len)
}

/// Replay `lines` onto `doc` through a fresh History. Stops at the first operation that does
/// not apply (a journal that does not belong to this base), returning how many were replayed.
pub fn replay(doc: &mut Transcript, lines: &[Line]) -> (History, usize) {
    let mut history = History::new();
    for (i, l) in lines.iter().enumerate() {
        if l.op.replay(doc, &mut history).is_err() {
            return (history, i);
        }
    }
    (history, lines.len())
}
