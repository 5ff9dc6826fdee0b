//! The one runner for background work: opening, saving, file dialogs and exports now; autosave
//! and audio analysis are meant to be added as further kinds. Each task has a name shown while
//! it runs, runs on its own thread, reports through the one channel and wakes the window;
//! where stopping makes sense it can be cancelled (its result is then dropped, and the work can
//! check [`Cancel::is_cancelled`] to stop early).

use super::exporting::ExportFailed;
use crate::formats::{Import, ReadError};
use crate::session::{DiskStamp, SaveError, Saved};
use crate::ui::{Pending, TaskInfo};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

/// Which kind of work a task does (a second save is refused while one runs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TaskKind {
    Open,
    Save,
    Dialog,
    Export,
    /// Looking for autosaved work, or replaying it.
    Recover,
    /// The correction assistant's re-check of the document.
    Check,
    /// The voice embedding of the turns (`app/voice.rs`).
    Voice,
    /// Re-match unreviewed turns: the preview, computed from the voices (`app/voice.rs`).
    Rematch,
}

/// What a file dialog was opened for (the in-window path field asks for the same things).
pub(crate) use crate::ui::PathFor as Pick;

/// A finished task's result.
pub(crate) enum Done {
    Opened {
        path: PathBuf,
        audio: Option<PathBuf>,
        /// The import, what the file was, and the autosave's copy of the document (made on the
        /// task, not the UI thread).
        result: Result<Box<(Import, DiskStamp, crate::model::Transcript)>, ReadError>,
        /// The autosaved sessions of this transcript, looked up on the task (None: no autosave).
        recoverable: Option<super::autosave::Found>,
        /// Several recordings beside it, ranked (empty: nothing to ask).
        recordings: Vec<crate::ui::RecordingOption>,
    },
    Saved {
        path: PathBuf,
        revision: u64,
        result: Result<Saved, SaveError>,
        then: Option<Pending>,
    },
    Picked {
        pick: Pick,
        path: Option<PathBuf>,
    },
    /// No native dialog can open here (detected before asking rfd): why.
    NoDialog {
        pick: Pick,
        why: String,
    },
    Exported {
        path: PathBuf,
        result: Result<(), ExportFailed>,
    },
    /// The autosaved sessions found at start (after pruning old ones).
    FoundAtStart(super::autosave::Found),
    /// A session's edits replayed off the UI thread.
    Recovered(Box<super::autosave::Replayed>),
    /// The assistant's findings for the document as it was at `revision` (see `app/assist.rs`).
    Checked(super::assist::Checked),
    /// Voice embeddings of some turns (see `app/voice.rs`).
    Voiced(super::voice::Voiced),
    /// The Re-match preview for the document as it was at a revision (see `app/voice.rs`).
    Rematched(super::voice::Rematched),
}

/// What the work shares with the runner: set when the user cancelled the task, and how far the
/// work says it is (percent + 1; 0 while it says nothing).
#[derive(Clone, Debug, Default)]
pub(crate) struct Cancel {
    flag: Arc<AtomicBool>,
    progress: Arc<AtomicU32>,
}

impl Cancel {
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// The flag itself, for library work that polls an `AtomicBool`.
    pub fn flag(&self) -> &AtomicBool {
        &self.flag
    }

    /// How far the work is, 0 to 1 (shown beside the task's name from the next frame).
    pub fn report(&self, fraction: f32) {
        let percent = (fraction.clamp(0.0, 1.0) * 100.0) as u32;
        self.progress.store(percent + 1, Ordering::Relaxed);
    }

    fn percent(&self) -> Option<u8> {
        let p = self.progress.load(Ordering::Relaxed);
        (p > 0).then(|| (p - 1).min(100) as u8)
    }
}

struct Running {
    kind: TaskKind,
    cancel: Cancel,
}

pub(crate) struct Tasks {
    tx: Sender<(u64, Done)>,
    rx: Receiver<(u64, Done)>,
    running: Vec<(u64, Running)>,
    /// What the UI shows, in the order the tasks started.
    infos: Vec<TaskInfo>,
    next_id: u64,
}

impl Default for Tasks {
    fn default() -> Self {
        let (tx, rx) = channel();
        Tasks { tx, rx, running: Vec::new(), infos: Vec::new(), next_id: 1 }
    }
}

impl Tasks {
    /// Start `work` on a worker thread; its result comes back through [`Tasks::poll`].
    pub fn spawn(
        &mut self,
        ctx: &egui::Context,
        kind: TaskKind,
        name: String,
        cancellable: bool,
        work: impl FnOnce(&Cancel) -> Done + Send + 'static,
    ) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let cancel = Cancel::default();
        self.running.push((id, Running { kind, cancel: cancel.clone() }));
        self.infos.push(TaskInfo { id, name, cancellable, progress: None });
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let done = work(&cancel);
            if !cancel.is_cancelled() {
                let _ = tx.send((id, done));
                ctx.request_repaint();
            }
        });
        id
    }

    /// Is a task of this kind running?
    pub fn running(&self, kind: TaskKind) -> bool {
        self.running.iter().any(|(_, r)| r.kind == kind)
    }

    pub fn is_empty(&self) -> bool {
        self.running.is_empty()
    }

    pub fn infos(&self) -> &[TaskInfo] {
        &self.infos
    }

    /// Cancel a task that can be cancelled: it disappears now, its result will be dropped.
    pub fn cancel(&mut self, id: u64) {
        if self.infos.iter().any(|i| i.id == id && i.cancellable) {
            if let Some((_, r)) = self.running.iter().find(|(i, _)| *i == id) {
                r.cancel.flag.store(true, Ordering::Relaxed);
            }
            self.forget(id);
        }
    }

    fn forget(&mut self, id: u64) {
        self.running.retain(|(i, _)| *i != id);
        self.infos.retain(|i| i.id != id);
    }

    /// A result that arrived, of a task still wanted.
    fn accept(&mut self, (id, done): (u64, Done)) -> Option<Done> {
        let wanted = self.running.iter().any(|(i, _)| *i == id);
        self.forget(id);
        wanted.then_some(done)
    }

    /// The results that arrived since the last call (and the progress the running tasks report,
    /// for [`Tasks::infos`]).
    pub fn poll(&mut self) -> Vec<Done> {
        for info in &mut self.infos {
            if let Some((_, r)) = self.running.iter().find(|(i, _)| *i == info.id) {
                info.progress = r.cancel.percent();
            }
        }
        let mut out = Vec::new();
        while let Ok(msg) = self.rx.try_recv() {
            out.extend(self.accept(msg));
        }
        out
    }

    /// Wait for the next result of a running task (tests); None when none is running or the
    /// wait timed out.
    pub fn wait(&mut self, timeout: Duration) -> Option<Done> {
        while !self.running.is_empty() {
            let msg = self.rx.recv_timeout(timeout).ok()?;
            if let Some(d) = self.accept(msg) {
                return Some(d);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exported(path: &str) -> Done {
        Done::Exported { path: PathBuf::from(path), result: Ok(()) }
    }

    #[test]
    fn tasks_report_through_one_channel_and_cancel_drops_the_result() {
        let ctx = egui::Context::default();
        let mut t = Tasks::default();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let slow = t.spawn(&ctx, TaskKind::Open, "Opening a.txt…".into(), true, move |c| {
            let _ = go_rx.recv();
            exported(if c.is_cancelled() { "a, cancelled" } else { "a" })
        });
        t.spawn(&ctx, TaskKind::Save, "Saving b…".into(), false, |_| exported("b"));
        assert!(t.running(TaskKind::Save) && t.running(TaskKind::Open));
        assert_eq!(t.infos().iter().map(|i| i.name.as_str()).collect::<Vec<_>>(), ["Opening a.txt…", "Saving b…"]);
        t.cancel(slow);
        assert!(!t.running(TaskKind::Open), "a cancelled task is gone at once");
        go_tx.send(()).unwrap();
        let Some(Done::Exported { path, .. }) = t.wait(Duration::from_secs(10)) else { panic!("b reports") };
        assert_eq!(path, PathBuf::from("b"));
        assert!(t.is_empty());
        std::thread::sleep(Duration::from_millis(50));
        assert!(t.poll().is_empty(), "the cancelled task's result is dropped");
    }

    #[test]
    fn a_task_s_reported_progress_shows_in_its_info() {
        let ctx = egui::Context::default();
        let mut t = Tasks::default();
        let (reported_tx, reported_rx) = std::sync::mpsc::channel::<()>();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        t.spawn(&ctx, TaskKind::Voice, "Listening…".into(), true, move |c| {
            c.report(0.42);
            let _ = reported_tx.send(());
            let _ = go_rx.recv();
            exported("v")
        });
        assert_eq!(t.infos()[0].progress, None, "nothing reported yet");
        reported_rx.recv().unwrap();
        assert!(t.poll().is_empty());
        assert_eq!(t.infos()[0].progress, Some(42));
        go_tx.send(()).unwrap();
        assert!(t.wait(Duration::from_secs(10)).is_some());
    }
}
