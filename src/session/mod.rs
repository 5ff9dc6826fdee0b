//! Files on disk: atomic saves of the corrected JSON, the audio link relative to it, and (with
//! a later issue) autosave and crash recovery, which reuse [`write_atomic`].

use crate::formats::{self, Import, ReadError};
use crate::model::{AudioLink, Extra, Transcript};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use thiserror::Error;

pub mod recording;
pub use recording::find_audio_beside;

#[derive(Debug, Error)]
pub enum SaveError {
    /// The io error is part of the message, not a separate cause, so it is shown once.
    #[error("{path}: cannot save: {err}")]
    Io { path: String, err: std::io::Error },
}

/// Write `bytes` to `path` atomically: a temporary file beside the target is written, fsynced
/// and renamed over the target, and then the directory is fsynced. A failed save leaves the old
/// file as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    let err = |err| SaveError::Io { path: path.display().to_string(), err };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut tmp =
        tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".tmp").tempfile_in(&dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    // Keep the permissions of the file being replaced.
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| err(e.error))?;
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Save the corrected JSON.
pub fn save_json(doc: &Transcript, path: &Path) -> Result<(), SaveError> {
    write_atomic(path, formats::json::to_string(doc).as_bytes())
}

/// Open any supported transcript.
pub fn open(path: &Path) -> Result<Import, ReadError> {
    formats::read_path(path, None)
}

/// The audio link to store in a JSON saved at `json_path`, for the recording at `audio`.
pub fn audio_link(json_path: &Path, audio: &Path, duration_ms: Option<u64>) -> AudioLink {
    let size = std::fs::metadata(audio).ok().map(|m| m.len());
    let abs_audio = absolute(audio);
    let base = absolute(json_path).parent().map(Path::to_path_buf).unwrap_or_default();
    let path = relative_to(&abs_audio, &base).unwrap_or(abs_audio);
    AudioLink { path: path.to_string_lossy().replace('\\', "/"), size, duration_ms, extra: Extra::new() }
}

/// Where the audio linked from a JSON at `json_path` is.
pub fn resolve_audio(json_path: &Path, link: &AudioLink) -> PathBuf {
    let p = Path::new(&link.path);
    if p.is_absolute() { p.to_path_buf() } else { absolute(json_path).parent().unwrap_or(Path::new(".")).join(p) }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

fn relative_to(path: &Path, base: &Path) -> Option<PathBuf> {
    let p: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    // Different roots (e.g. drives) cannot be made relative.
    if p.first() != b.first() {
        return None;
    }
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c.as_os_str());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TranscriptBuilder;

    fn doc() -> Transcript {
        let mut b = TranscriptBuilder::new();
        b.push(Some("Ann"), Some(0), None, "Hello");
        b.finish()
    }

    #[test]
    fn save_then_open_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        save_json(&doc(), &p).unwrap();
        let back = open(&p).unwrap();
        assert_eq!(back.doc.turns, doc().turns);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), formats::json::to_string(&back.doc));
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn failed_save_leaves_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        std::fs::write(&p, "old").unwrap();
        // A target whose parent is not a directory cannot be written.
        let bad = p.join("inner.json");
        let e = save_json(&doc(), &bad).unwrap_err().to_string();
        assert!(e.contains("inner.json") && e.contains("cannot save"), "{e}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
    }

    #[cfg(unix)]
    #[test]
    fn read_only_folder_is_reported_and_old_file_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
        let result = save_json(&doc(), &p);
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        if nix_is_root() {
            // root ignores directory permissions; nothing to check beyond a clean write.
            assert!(result.is_ok());
            return;
        }
        let e = result.unwrap_err().to_string();
        assert!(e.contains("a.json"), "{e}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
    }

    fn nix_is_root() -> bool {
        std::fs::metadata("/proc/self")
            .map(|m| {
                use std::os::unix::fs::MetadataExt;
                m.uid() == 0
            })
            .unwrap_or(false)
    }

    #[test]
    fn audio_link_is_relative_and_resolves_back() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("audio")).unwrap();
        let audio = dir.path().join("audio/rec.mp3");
        std::fs::write(&audio, b"1234").unwrap();
        std::fs::create_dir(dir.path().join("out")).unwrap();
        let json = dir.path().join("out/x.json");
        let link = audio_link(&json, &audio, Some(5));
        assert_eq!(link.path, "../audio/rec.mp3");
        assert_eq!(link.size, Some(4));
        assert_eq!(resolve_audio(&json, &link).canonicalize().unwrap(), audio.canonicalize().unwrap());
    }
}
