//! Saving that always answers: where the first save of an import goes, typed errors that name the
//! file and the reason, the changed-on-disk check, and the backup of the previous version.
//!
//! The backup is `<file>.bak` beside the saved file (e.g. `Interview.turnfix.json.bak`): one
//! generation, the version that was on disk just before the last save. It is a hard link to
//! the old file where the file system allows (no bytes written: the atomic rename gives the
//! target a new inode and the old one lives on as the backup), else a copy.

use crate::formats::sha256_hex;
use serde::{Deserialize, Serialize};
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;
use thiserror::Error;

/// Why a save failed. Every message starts with the file and says "cannot save" or what to do.
#[derive(Debug, Error)]
pub enum SaveError {
    #[error("{path}: cannot save: the folder is read-only or not writable by you")]
    ReadOnly { path: String },
    #[error("{path}: cannot save: the disk is full")]
    DiskFull { path: String },
    #[error("{path}: cannot save: a folder is in the way (the file was replaced by a folder)")]
    IsFolder { path: String },
    #[error("{path}: cannot save: the folder {dir} no longer exists")]
    FolderMissing { path: String, dir: String },
    #[error("{path}: cannot save: the path or file name is too long")]
    PathTooLong { path: String },
    /// The file on disk is not the one this document was opened from or last saved to.
    #[error("{path}: the file changed on disk since it was opened or saved; overwrite it or use Save As")]
    ChangedOnDisk { path: String },
    /// A file is already there and this document did not come from it.
    #[error("{path}: a file of that name already exists; overwrite it or use Save As")]
    AlreadyExists { path: String },
    /// The io error is part of the message, not a separate cause, so it is shown once.
    #[error("{path}: cannot save: {err}")]
    Io { path: String, err: std::io::Error },
}

impl SaveError {
    /// Classify an io error met while saving `path`.
    pub fn from_io(path: &Path, err: std::io::Error) -> SaveError {
        let p = path.display().to_string();
        const ENAMETOOLONG: i32 = 36;
        const ENOSPC: i32 = 28;
        const EDQUOT: i32 = 122;
        const EROFS: i32 = 30;
        const EISDIR: i32 = 21;
        let raw = err.raw_os_error();
        match err.kind() {
            ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => SaveError::ReadOnly { path: p },
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded => SaveError::DiskFull { path: p },
            ErrorKind::IsADirectory => SaveError::IsFolder { path: p },
            ErrorKind::InvalidFilename => SaveError::PathTooLong { path: p },
            ErrorKind::NotFound => {
                let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
                if dir.is_dir() {
                    SaveError::Io { path: p, err }
                } else {
                    SaveError::FolderMissing { path: p, dir: dir.display().to_string() }
                }
            }
            _ if cfg!(unix) && raw == Some(ENAMETOOLONG) => SaveError::PathTooLong { path: p },
            _ if cfg!(unix) && matches!(raw, Some(ENOSPC | EDQUOT)) => SaveError::DiskFull { path: p },
            _ if cfg!(unix) && raw == Some(EROFS) => SaveError::ReadOnly { path: p },
            _ if cfg!(unix) && raw == Some(EISDIR) => SaveError::IsFolder { path: p },
            _ => SaveError::Io { path: p, err },
        }
    }

    /// The file the save was for, as given.
    pub fn path(&self) -> &str {
        match self {
            SaveError::ReadOnly { path }
            | SaveError::DiskFull { path }
            | SaveError::IsFolder { path }
            | SaveError::FolderMissing { path, .. }
            | SaveError::PathTooLong { path }
            | SaveError::ChangedOnDisk { path }
            | SaveError::AlreadyExists { path }
            | SaveError::Io { path, .. } => path,
        }
    }

    /// True for the errors the app turns into an "overwrite / Save As" prompt.
    pub fn needs_confirmation(&self) -> bool {
        matches!(self, SaveError::ChangedOnDisk { .. } | SaveError::AlreadyExists { .. })
    }
}

/// Where the first save of an imported transcript goes, with no dialog: `<stem>.turnfix.json`
/// beside it. otter's `_otter_ai` suffix is dropped (`Interview_otter_ai.txt` gives
/// `Interview.turnfix.json`), and a Turnfix JSON maps to itself.
pub fn default_save_path(import_path: &Path) -> PathBuf {
    let name = import_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name.ends_with(".turnfix.json") {
        return import_path.to_path_buf();
    }
    let stem = import_path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = stem.strip_suffix("_otter_ai").unwrap_or(&stem);
    let stem = if stem.trim().is_empty() { "transcript" } else { stem };
    import_path.with_file_name(format!("{stem}.turnfix.json"))
}

/// [`default_save_path`], or, when that file exists already, the first free
/// `<stem>.turnfix-2.json`, `-3`, ... (so an import opened twice never overwrites the first
/// corrections without asking).
pub fn unused_save_path(import_path: &Path) -> PathBuf {
    let first = default_save_path(import_path);
    if !first.exists() || first == import_path {
        return first;
    }
    let name = first.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = name.strip_suffix(".turnfix.json").unwrap_or(&name).to_string();
    (2..)
        .map(|n| first.with_file_name(format!("{stem}.turnfix-{n}.json")))
        .find(|p| !p.exists())
        .expect("some number is free")
}

/// Where the previous version of `path` is kept: `<file>.bak` beside it.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".bak");
    path.with_file_name(name)
}

/// What a file on disk was when it was opened or saved: size, modification time and sha256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiskStamp {
    pub size: u64,
    /// Nanoseconds since the Unix epoch (None where the platform gives no mtime).
    pub mtime_ns: Option<u128>,
    pub sha256: String,
}

impl DiskStamp {
    /// The stamp of bytes just written to or read from `path`.
    pub fn of_bytes(path: &Path, bytes: &[u8]) -> DiskStamp {
        let meta = std::fs::metadata(path).ok();
        DiskStamp { size: bytes.len() as u64, mtime_ns: meta.as_ref().and_then(mtime_ns), sha256: sha256_hex(bytes) }
    }

    /// The stamp of the file at `path` now; None when there is no file.
    pub fn read(path: &Path) -> std::io::Result<Option<DiskStamp>> {
        match std::fs::read(path) {
            Ok(bytes) => Ok(Some(DiskStamp::of_bytes(path, &bytes))),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

fn mtime_ns(meta: &std::fs::Metadata) -> Option<u128> {
    meta.modified().ok()?.duration_since(UNIX_EPOCH).ok().map(|d| d.as_nanos())
}

/// Before overwriting `path`: is it still what `expected` recorded (at open or the last save)?
/// `expected` None means the document did not come from this file: any file there is refused
/// with [`SaveError::AlreadyExists`]. A missing file is fine (nothing to lose). Equal size and
/// mtime count as unchanged; otherwise the content hash decides, so a `touch` is no change.
pub fn check_unchanged(path: &Path, expected: Option<&DiskStamp>) -> Result<(), SaveError> {
    let p = || path.display().to_string();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(SaveError::from_io(path, e)),
    };
    if meta.is_dir() {
        return Err(SaveError::IsFolder { path: p() });
    }
    let Some(expected) = expected else { return Err(SaveError::AlreadyExists { path: p() }) };
    if meta.len() != expected.size {
        return Err(SaveError::ChangedOnDisk { path: p() });
    }
    if expected.mtime_ns.is_some() && mtime_ns(&meta) == expected.mtime_ns {
        return Ok(());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(expected.size + 1).read_to_end(&mut bytes))
        .map_err(|e| SaveError::from_io(path, e))?;
    if sha256_hex(&bytes) == expected.sha256 { Ok(()) } else { Err(SaveError::ChangedOnDisk { path: p() }) }
}

/// Keep the file now at `path` as [`backup_path`] (replacing an older backup). Nothing to do
/// when there is no file. The backup is made atomically: a hard link (or copy) under a temporary
/// name, renamed over the old backup.
pub fn keep_backup(path: &Path) -> Result<Option<PathBuf>, SaveError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => {}
        Ok(_) => return Ok(None),
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(SaveError::from_io(path, e)),
    }
    let bak = backup_path(path);
    let tmp = {
        let mut name = bak.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(format!(".{}.tmp", std::process::id()));
        bak.with_file_name(name)
    };
    let _ = std::fs::remove_file(&tmp);
    // The reason (read-only, full) is the folder's, so the error names the file being saved.
    let err = |e| SaveError::from_io(path, e);
    if std::fs::hard_link(path, &tmp).is_err() {
        std::fs::copy(path, &tmp).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            err(e)
        })?;
    }
    std::fs::rename(&tmp, &bak).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        err(e)
    })?;
    Ok(Some(bak))
}

/// What a checked save did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    /// The stamp of the file now on disk: pass it to the next save's check.
    pub stamp: DiskStamp,
    /// Where the previous version was kept, if there was one.
    pub backup: Option<PathBuf>,
}

/// Save `bytes` to `path`: check that the file is what `expected` recorded (unless `overwrite`,
/// the user's answer to the prompt), keep the old version as a backup, write atomically.
pub fn save_checked(
    path: &Path,
    bytes: &[u8],
    expected: Option<&DiskStamp>,
    overwrite: bool,
) -> Result<Saved, SaveError> {
    if !overwrite {
        check_unchanged(path, expected)?;
    }
    let backup = keep_backup(path)?;
    super::write_atomic(path, bytes)?;
    Ok(Saved { stamp: DiskStamp::of_bytes(path, bytes), backup })
}
