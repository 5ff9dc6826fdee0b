//! Files on disk: atomic saves of the corrected JSON (with the changed-on-disk check and a
//! backup, [`save`]), the audio link relative to it, and autosave with crash recovery
//! ([`autosave`], [`journal`], [`recovery`]), driven through [`Editing`].

pub mod autosave;
mod editing;
pub mod journal;
pub mod recovery;
pub mod save;

pub use autosave::Autosaver;
pub use editing::Editing;
pub use save::{DiskStamp, SaveError, Saved, check_unchanged, default_save_path, save_checked, unused_save_path};

pub mod config;

use crate::formats::{self, Import, ReadError};
use crate::model::{AudioLink, Extra, Transcript};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

pub mod recording;
pub use recording::find_audio_beside;

/// Write `bytes` to `path` atomically: a temporary file beside the target is written, fsynced
/// and renamed over the target, and then the directory is fsynced. A failed save leaves the old
/// file as it was, and the error says why ([`SaveError`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    let err = |e| SaveError::from_io(path, e);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if path.is_dir() {
        return Err(SaveError::IsFolder { path: path.display().to_string() });
    }
    // The temporary name must fit where the target's name fits: keep at most 64 characters.
    let name: String = path.file_name().map(|n| n.to_string_lossy().chars().take(64).collect()).unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // A new file gets the usual mode (0666 less the umask), as `File::create` would give it,
    // not the temp file's private 0600.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(&dir).map_err(err)?;
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

/// Open, and record what the file was (for [`check_unchanged`] before the next save over it).
/// The file is read once.
pub fn open_stamped(path: &Path) -> Result<(Import, DiskStamp), ReadError> {
    let bytes = formats::read_file_bounded(path)?;
    let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    let import = formats::read_bytes(&bytes, &file, None).map_err(|e| match e {
        ReadError::Unusable { reason, .. } => ReadError::Unusable { file: path.display().to_string(), reason },
        other => other,
    })?;
    Ok((import, DiskStamp::of_bytes(path, &bytes)))
}

/// When the recording a JSON at `json_path` links to lies outside the JSON's folder (an absolute
/// path elsewhere, or `..` climbing out), the resolved path, so that the app can show it and
/// ask before opening it. None for a recording in the folder or below it. Decided on the path
/// alone (nothing is opened); symlinks are not followed.
pub fn audio_outside_folder(json_path: &Path, link: &AudioLink) -> Option<PathBuf> {
    let base = normalize(absolute(json_path).parent().unwrap_or(Path::new("/")));
    let target = normalize(&resolve_audio(json_path, link));
    (!target.starts_with(&base)).then_some(target)
}

/// `.` and `..` resolved on the path's text.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
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
