//! The autosaver: a handle the app feeds after each edit, and a background thread that writes.
//!
//! A session lives in `<data root>/sessions/<id>/` (see [`super::recovery`]):
//! `meta.json` (which transcript and recording), `base.json` (the document as opened, written
//! once, at the first edit), `journal.jsonl` (one line per operation, appended) and `lock`
//! (held while the session is live, so that no other instance offers to recover it).
//!
//! Nothing here blocks the caller: [`Autosaver::record`] sends on a channel. The thread writes
//! at most [`FLUSH_AFTER`] after the first unwritten operation, merging typing in one turn into
//! its latest text, then `fdatasync`s the journal.

use super::journal::{Line, Op};
use super::recovery::{self, Recoverable, RecoveryError, SessionMeta};
use crate::model::Transcript;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The longest an operation waits in memory before it is written.
pub const FLUSH_AFTER: Duration = Duration::from_millis(250);
/// After a failed write (disk full...), how long before trying again.
const RETRY_AFTER: Duration = Duration::from_secs(2);

enum Msg {
    Line(Line),
    Flush(Sender<()>),
    /// Stop; remove the session when true (normal close after save, or discard).
    Close {
        remove: bool,
        done: Option<Sender<()>>,
    },
}

/// The app's handle on one document's autosave. Dropping it without [`Autosaver::close`]
/// writes what is pending and leaves the session for recovery (as a crash would).
pub struct Autosaver {
    tx: Sender<Msg>,
    seq: u64,
    id: String,
    dir: PathBuf,
    error: Arc<Mutex<Option<String>>>,
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

impl Autosaver {
    /// Start a session for a document opened from `transcript` (played with `recording`), under
    /// the data root `root`. `base` is the document as opened; it is written at the first edit.
    pub fn start(root: &Path, transcript: &Path, recording: Option<&Path>, base: Transcript) -> Autosaver {
        let meta = SessionMeta::new(transcript, recording);
        let dir = recovery::sessions_dir(root).join(&meta.id);
        let error = Arc::new(Mutex::new(None));
        let (tx, rx) = mpsc::channel();
        let writer = Writer {
            dir: dir.clone(),
            meta: Some(meta.clone()),
            base: Some(base),
            journal: None,
            lock: None,
            error: error.clone(),
        };
        spawn(writer, rx);
        Autosaver { tx, seq: 0, id: meta.id, dir, error }
    }

    /// Continue a recovered session: new operations are appended to its journal (after its
    /// valid lines; a torn tail is cut off). Fails when the session is live elsewhere.
    pub fn resume(session: &Recoverable) -> Result<Autosaver, RecoveryError> {
        let lock = recovery::take_lock(&session.dir)?;
        let journal_path = session.dir.join(recovery::JOURNAL);
        let contents = super::journal::read(&journal_path).map_err(|e| recovery::io_err(&journal_path, e))?;
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(false)
            .open(&journal_path)
            .map_err(|e| recovery::io_err(&journal_path, e))?;
        file.set_len(contents.valid_len).map_err(|e| recovery::io_err(&journal_path, e))?;
        let seq = contents.lines.last().map_or(0, |l| l.seq);
        let error = Arc::new(Mutex::new(None));
        let (tx, rx) = mpsc::channel();
        let writer = Writer {
            dir: session.dir.clone(),
            meta: None,
            base: None,
            journal: None,
            lock: Some(lock),
            error: error.clone(),
        };
        spawn(writer, rx);
        Ok(Autosaver { tx, seq, id: session.id.clone(), dir: session.dir.clone(), error })
    }

    /// Record an operation just made on the document's History. Never blocks.
    pub fn record(&mut self, op: Op) {
        self.seq += 1;
        let _ = self.tx.send(Msg::Line(Line { seq: self.seq, t: now_ms(), op }));
    }

    /// The sequence number of the last recorded operation: take it when a save's copy of the
    /// document is made, and pass it to [`Autosaver::saved`] when that save succeeds.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The document as of `upto` was saved to `path`: edits up to it are no longer "unsaved".
    pub fn saved(&mut self, path: &Path, upto: u64) {
        self.record(Op::Saved { path: path.display().to_string(), upto });
    }

    /// Wait until everything recorded so far is written (tests, and before a clean exit).
    pub fn flush(&self) {
        let (done, wait) = mpsc::channel();
        if self.tx.send(Msg::Flush(done)).is_ok() {
            let _ = wait.recv();
        }
    }

    /// The document was saved and closed, or its changes discarded: remove the session, so that
    /// nothing is offered for recovery. Returns at once; the thread does the removal.
    pub fn close(self) {
        let _ = self.tx.send(Msg::Close { remove: true, done: None });
    }

    /// [`Autosaver::close`], waiting until the session is gone.
    pub fn close_and_wait(self) {
        let (done, wait) = mpsc::channel();
        if self.tx.send(Msg::Close { remove: true, done: Some(done) }).is_ok() {
            let _ = wait.recv();
        }
    }

    /// The session's id (its folder name).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The session's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The last write error, if the latest write failed (for a status line: "autosave failed").
    pub fn error(&self) -> Option<String> {
        self.error.lock().map(|e| e.clone()).unwrap_or(None)
    }
}

fn spawn(mut writer: Writer, rx: Receiver<Msg>) {
    let _ = std::thread::Builder::new().name("autosave".into()).spawn(move || writer.run(rx));
}

struct Writer {
    dir: PathBuf,
    /// Written at the first flush of a new session.
    meta: Option<SessionMeta>,
    base: Option<Transcript>,
    journal: Option<File>,
    lock: Option<File>,
    error: Arc<Mutex<Option<String>>>,
}

impl Writer {
    fn run(&mut self, rx: Receiver<Msg>) {
        let mut pending: Vec<Line> = Vec::new();
        let mut due: Option<Instant> = None;
        loop {
            let msg = match due {
                None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
                Some(d) => rx.recv_timeout(d.saturating_duration_since(Instant::now())),
            };
            match msg {
                Ok(Msg::Line(line)) => {
                    push_coalesced(&mut pending, line);
                    due.get_or_insert_with(|| Instant::now() + FLUSH_AFTER);
                }
                Ok(Msg::Flush(done)) => {
                    due = self.flush(&mut pending);
                    let _ = done.send(());
                }
                Ok(Msg::Close { remove, done }) => {
                    if remove {
                        drop(self.journal.take());
                        drop(self.lock.take());
                        let _ = std::fs::remove_dir_all(&self.dir);
                    } else {
                        self.flush(&mut pending);
                    }
                    if let Some(d) = done {
                        let _ = d.send(());
                    }
                    return;
                }
                Err(RecvTimeoutError::Timeout) => due = self.flush(&mut pending),
                Err(RecvTimeoutError::Disconnected) => {
                    self.flush(&mut pending);
                    return;
                }
            }
        }
    }

    /// Write what is pending. Returns when to try again if it failed.
    fn flush(&mut self, pending: &mut Vec<Line>) -> Option<Instant> {
        if pending.is_empty() {
            return None;
        }
        match self.write(pending) {
            Ok(()) => {
                pending.clear();
                if let Ok(mut e) = self.error.lock() {
                    *e = None;
                }
                None
            }
            Err(msg) => {
                if let Ok(mut e) = self.error.lock() {
                    *e = Some(msg);
                }
                Some(Instant::now() + RETRY_AFTER)
            }
        }
    }

    fn write(&mut self, lines: &[Line]) -> Result<(), String> {
        let journal_path = self.dir.join(recovery::JOURNAL);
        let io = |p: &Path, e: std::io::Error| format!("autosave: {}: {e}", p.display());
        if self.lock.is_none() {
            std::fs::create_dir_all(&self.dir).map_err(|e| io(&self.dir, e))?;
            self.lock = Some(recovery::take_lock(&self.dir).map_err(|e| e.to_string())?);
        }
        if let Some(base) = &self.base {
            let text = crate::formats::json::to_string(base);
            super::write_atomic(&self.dir.join(recovery::BASE), text.as_bytes()).map_err(|e| e.to_string())?;
            self.base = None;
        }
        if let Some(meta) = &self.meta {
            let text = serde_json::to_string_pretty(meta).expect("meta serializes");
            super::write_atomic(&self.dir.join(recovery::META), text.as_bytes()).map_err(|e| e.to_string())?;
            self.meta = None;
        }
        if self.journal.is_none() {
            let f =
                OpenOptions::new().create(true).append(true).open(&journal_path).map_err(|e| io(&journal_path, e))?;
            self.journal = Some(f);
        }
        let bytes: Vec<u8> = lines.iter().flat_map(Line::to_bytes).collect();
        let f = self.journal.as_mut().expect("opened above");
        f.write_all(&bytes).map_err(|e| io(&journal_path, e))?;
        f.sync_data().map_err(|e| io(&journal_path, e))?;
        Ok(())
    }
}

/// Queue a line, merging it with the one before when History would merge them anyway: typing
/// in the same turn keeps only the latest text, and repeated seals are one.
fn push_coalesced(pending: &mut Vec<Line>, line: Line) {
    if let Some(last) = pending.last_mut() {
        match (&mut last.op, &line.op) {
            (Op::Typing { turn: a, .. }, Op::Typing { turn: b, .. }) if a == b => {
                *last = line;
                return;
            }
            (Op::Seal, Op::Seal) => {
                *last = line;
                return;
            }
            _ => {}
        }
    }
    pending.push(line);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TurnId;

    fn line(seq: u64, op: Op) -> Line {
        Line { seq, t: 0, op }
    }

    #[test]
    fn typing_in_one_turn_is_kept_once_with_its_latest_text() {
        let mut p = Vec::new();
        let typing = |t: u64, s: &str| Op::Typing { turn: TurnId(t), text: s.into() };
        push_coalesced(&mut p, line(1, typing(1, "a")));
        push_coalesced(&mut p, line(2, typing(1, "ab")));
        push_coalesced(&mut p, line(3, typing(2, "x")));
        push_coalesced(&mut p, line(4, Op::Seal));
        push_coalesced(&mut p, line(5, Op::Seal));
        push_coalesced(&mut p, line(6, typing(2, "xy")));
        let got: Vec<(u64, Op)> = p.into_iter().map(|l| (l.seq, l.op)).collect();
        assert_eq!(got, vec![(2, typing(1, "ab")), (3, typing(2, "x")), (5, Op::Seal), (6, typing(2, "xy"))]);
    }
}
