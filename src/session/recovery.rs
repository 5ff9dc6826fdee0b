//! Finding, recovering, keeping and discarding autosaved sessions.
//!
//! The data root is `$TURNFIX_DATA_DIR` when set, else the platform's data folder plus
//! `turnfix` (`$XDG_DATA_HOME/turnfix`, i.e. `~/.local/share/turnfix` on Linux;
//! `~/Library/Application Support/turnfix` on macOS; `%APPDATA%\turnfix` on Windows). Sessions
//! are in `<root>/sessions/<id>/`; the id starts with a key made from the transcript's and the
//! recording's paths, so the sessions of one transcript are found by [`for_transcript`].

use super::journal::{self, Op};
use crate::edit::History;
use crate::formats;
use crate::model::Transcript;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};
use thiserror::Error;

pub const META: &str = "meta.json";
pub const BASE: &str = "base.json";
pub const JOURNAL: &str = "journal.jsonl";
pub const LOCK: &str = "lock";
/// Sessions untouched for this long are pruned.
pub const MAX_AGE: Duration = Duration::from_secs(30 * 24 * 3600);
const META_FORMAT: &str = "turnfix-autosave";

#[derive(Debug, Error)]
pub enum RecoveryError {
    #[error("{path}: {err}")]
    Io { path: String, err: std::io::Error },
    #[error("{path}: the autosave is damaged: {reason}")]
    Damaged { path: String, reason: String },
    #[error("session {id} is open in another Turnfix window")]
    Live { id: String },
    #[error("no recoverable session matches {query:?} (see `turnfix recover --list`)")]
    NotFound { query: String },
    #[error("no data folder: set TURNFIX_DATA_DIR or HOME")]
    NoDataDir,
}

pub(crate) fn io_err(path: &Path, err: std::io::Error) -> RecoveryError {
    RecoveryError::Io { path: path.display().to_string(), err }
}

/// Where autosaves live (see the module docs).
pub fn data_root() -> Result<PathBuf, RecoveryError> {
    if let Some(d) = std::env::var_os("TURNFIX_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    dirs::data_dir().map(|d| d.join("turnfix")).ok_or(RecoveryError::NoDataDir)
}

pub fn sessions_dir(root: &Path) -> PathBuf {
    root.join("sessions")
}

/// What a session is about; `meta.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionMeta {
    pub format: String,
    pub version: u32,
    pub id: String,
    /// sha256 of the transcript's and recording's absolute paths, first 12 hex digits.
    pub key: String,
    /// Absolute path of the file the document was opened from.
    pub transcript: String,
    pub recording: Option<String>,
    /// When the session started, ms since the Unix epoch.
    pub started_ms: u64,
}

/// The key of a transcript + recording pair.
pub fn session_key(transcript: &Path, recording: Option<&Path>) -> String {
    let mut h = Sha256::new();
    h.update(abs(transcript).to_string_lossy().as_bytes());
    h.update([0]);
    if let Some(r) = recording {
        h.update(abs(r).to_string_lossy().as_bytes());
    }
    h.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect()
}

fn abs(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

impl SessionMeta {
    pub fn new(transcript: &Path, recording: Option<&Path>) -> SessionMeta {
        static N: AtomicU32 = AtomicU32::new(0);
        let key = session_key(transcript, recording);
        let started_ms = super::autosave::now_ms();
        let n = N.fetch_add(1, Ordering::Relaxed);
        SessionMeta {
            format: META_FORMAT.into(),
            version: 1,
            id: format!("{key}-{started_ms}-{}-{n}", std::process::id()),
            key,
            transcript: abs(transcript).display().to_string(),
            recording: recording.map(|r| abs(r).display().to_string()),
            started_ms,
        }
    }
}

/// A session that can be recovered: what would come back, for which file, from when.
#[derive(Clone, Debug, Serialize)]
pub struct Recoverable {
    pub id: String,
    pub dir: PathBuf,
    pub transcript: String,
    pub recording: Option<String>,
    /// Operations that changed the document (typing flushes, edits, undo, redo).
    pub edits: usize,
    /// Of those, the ones after the last save.
    pub unsaved_edits: usize,
    pub started_ms: u64,
    /// When the last edit was made, ms since the Unix epoch.
    pub last_edit_ms: Option<u64>,
    /// Bytes of a torn journal tail that were ignored (written during the kill).
    pub torn_bytes: u64,
}

/// Take a session's lock (held for as long as the returned file is open).
pub fn take_lock(dir: &Path) -> Result<File, RecoveryError> {
    let path = dir.join(LOCK);
    let f = OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(|e| io_err(&path, e))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(TryLockError::WouldBlock) => Err(RecoveryError::Live {
            id: dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        }),
        Err(TryLockError::Error(e)) => Err(io_err(&path, e)),
    }
}

/// True while some Turnfix (this one included) has the session open.
pub fn is_live(dir: &Path) -> bool {
    let path = dir.join(LOCK);
    match OpenOptions::new().write(true).open(&path) {
        Ok(f) => matches!(f.try_lock(), Err(TryLockError::WouldBlock)),
        Err(_) => false,
    }
}

/// A session's meta.json is a few hundred bytes; a larger one is damaged, and is not read whole.
const MAX_META_BYTES: u64 = 64 << 10;

fn read_meta(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut b = Vec::new();
    File::open(path)?.take(MAX_META_BYTES + 1).read_to_end(&mut b)?;
    Ok(b)
}

/// Summarise the session in `dir` (None when it has nothing to recover: no base yet, no edits).
fn inspect(dir: &Path) -> Result<Option<Recoverable>, RecoveryError> {
    let meta_path = dir.join(META);
    let meta: SessionMeta = match read_meta(&meta_path) {
        Ok(b) if b.len() as u64 > MAX_META_BYTES => {
            let reason = format!("over {} KB", MAX_META_BYTES >> 10);
            return Err(RecoveryError::Damaged { path: meta_path.display().to_string(), reason });
        }
        Ok(b) => serde_json::from_slice(&b)
            .map_err(|e| RecoveryError::Damaged { path: meta_path.display().to_string(), reason: e.to_string() })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err(&meta_path, e)),
    };
    let jpath = dir.join(JOURNAL);
    let j = journal::read(&jpath).map_err(|e| io_err(&jpath, e))?;
    let saved_upto = j
        .lines
        .iter()
        .rev()
        .find_map(|l| if let Op::Saved { upto, .. } = l.op { Some(upto) } else { None })
        .unwrap_or(0);
    let edits = j.lines.iter().filter(|l| l.op.is_edit()).count();
    let unsaved = j.lines.iter().filter(|l| l.op.is_edit() && l.seq > saved_upto).count();
    let last = j.lines.iter().rev().find(|l| l.op.is_edit()).map(|l| l.t);
    if edits == 0 || !dir.join(BASE).is_file() {
        return Ok(None);
    }
    Ok(Some(Recoverable {
        id: meta.id,
        dir: dir.to_path_buf(),
        transcript: meta.transcript,
        recording: meta.recording,
        edits,
        unsaved_edits: unsaved,
        started_ms: meta.started_ms,
        last_edit_ms: last,
        torn_bytes: j.torn_bytes,
    }))
}

fn session_dirs(root: &Path) -> Result<Vec<PathBuf>, RecoveryError> {
    let dir = sessions_dir(root);
    let rd = match std::fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err(&dir, e)),
    };
    Ok(rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect())
}

/// Every session with unsaved edits that no running Turnfix holds, newest first. Damaged
/// sessions are skipped (and counted in the second value).
pub fn list(root: &Path) -> Result<(Vec<Recoverable>, usize), RecoveryError> {
    let mut out = Vec::new();
    let mut damaged = 0;
    for d in session_dirs(root)? {
        if is_live(&d) {
            continue;
        }
        match inspect(&d) {
            Ok(Some(r)) if r.unsaved_edits > 0 => out.push(r),
            Ok(_) => {}
            Err(_) => damaged += 1,
        }
    }
    out.sort_by_key(|r| std::cmp::Reverse(r.last_edit_ms.unwrap_or(r.started_ms)));
    Ok((out, damaged))
}

/// The recoverable sessions of one transcript (what the app offers when it opens it).
pub fn for_transcript(root: &Path, transcript: &Path) -> Result<Vec<Recoverable>, RecoveryError> {
    let want = abs(transcript).display().to_string();
    Ok(list(root)?.0.into_iter().filter(|r| r.transcript == want).collect())
}

/// A session by id, or the newest one for a transcript path.
pub fn find(root: &Path, query: &str) -> Result<Recoverable, RecoveryError> {
    let (all, _) = list(root)?;
    let want = abs(Path::new(query)).display().to_string();
    all.iter()
        .find(|r| r.id == query)
        .or_else(|| all.iter().find(|r| r.transcript == want))
        .cloned()
        .ok_or_else(|| RecoveryError::NotFound { query: query.to_string() })
}

/// A recovered document with its history (the recovered edits can be undone).
#[derive(Debug)]
pub struct Recovered {
    pub doc: Transcript,
    pub history: History,
    /// Journal lines replayed, and lines there were.
    pub replayed: usize,
    pub lines: usize,
}

/// The most of a session's base.json that is read: 256 MB. A 10,000-turn document snapshots to
/// about 24 MB, and the base is a document as opened (from a transcript of at most 128 MB).
pub const MAX_BASE_BYTES: u64 = 256 << 20;

/// The base snapshot as text; one over [`MAX_BASE_BYTES`] is damaged, refused from its size.
fn read_base(path: &Path) -> Result<String, RecoveryError> {
    use std::io::Read;
    let damaged = |reason: String| RecoveryError::Damaged { path: path.display().to_string(), reason };
    let file = File::open(path).map_err(|e| io_err(path, e))?;
    let len = file.metadata().map_err(|e| io_err(path, e))?.len();
    let too_large = |len: u64| format!("too large ({} MB; the limit is {} MB)", len >> 20, MAX_BASE_BYTES >> 20);
    if len > MAX_BASE_BYTES {
        return Err(damaged(too_large(len)));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_BASE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| io_err(path, e))?;
    if bytes.len() as u64 > MAX_BASE_BYTES {
        return Err(damaged(too_large(bytes.len() as u64)));
    }
    String::from_utf8(bytes).map_err(|e| damaged(e.to_string()))
}

/// Rebuild the document of a session: the base, then every journal line through History.
pub fn recover(session: &Recoverable) -> Result<Recovered, RecoveryError> {
    let base_path = session.dir.join(BASE);
    let text = read_base(&base_path)?;
    let (mut doc, _) = formats::json::from_str(&text, &base_path.display().to_string())
        .map_err(|e| RecoveryError::Damaged { path: base_path.display().to_string(), reason: e.to_string() })?;
    let jpath = session.dir.join(JOURNAL);
    let j = journal::read(&jpath).map_err(|e| io_err(&jpath, e))?;
    let (history, replayed) = journal::replay(&mut doc, &j.lines);
    Ok(Recovered { doc, history, replayed, lines: j.lines.len() })
}

/// Throw a session away (the user chose "discard").
pub fn discard(session: &Recoverable) -> Result<(), RecoveryError> {
    let _lock = take_lock(&session.dir)?;
    std::fs::remove_dir_all(&session.dir).map_err(|e| io_err(&session.dir, e))
}

/// Remove sessions nobody holds that are older than `max_age` ([`MAX_AGE`] in the app) or have
/// nothing unsaved (a crash right after a save). Returns how many were removed.
pub fn prune(root: &Path, max_age: Duration) -> Result<usize, RecoveryError> {
    let now = SystemTime::now();
    let mut removed = 0;
    for d in session_dirs(root)? {
        let Ok(_lock) = take_lock(&d) else { continue };
        let touched = [JOURNAL, META, LOCK]
            .iter()
            .filter_map(|f| std::fs::metadata(d.join(f)).and_then(|m| m.modified()).ok())
            .max();
        let old = touched.is_none_or(|t| now.duration_since(t).unwrap_or_default() > max_age);
        let empty = !matches!(inspect(&d), Ok(Some(r)) if r.unsaved_edits > 0);
        let young = touched.is_some_and(|t| now.duration_since(t).unwrap_or_default() < Duration::from_secs(60));
        // A session created this minute may still be starting (no journal yet): leave it.
        if old || (empty && !young) {
            drop(_lock);
            if std::fs::remove_dir_all(&d).is_ok() {
                removed += 1;
            }
        }
    }
    Ok(removed)
}
