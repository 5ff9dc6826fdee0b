//! Saves that fail say which file and why, and leave the old file as it was: a read-only
//! folder, a full disk, a file replaced by a folder, a folder deleted while the file was open,
//! a path too long. Also the changed-on-disk check, the backup and the first save's name.
//!
//! The full-disk and (as root) read-only cases mount a small tmpfs; where mounting is not
//! permitted they are skipped with a message.

#[path = "common/tmpfs.rs"]
mod tmpfs;

use std::path::{Path, PathBuf};
use std::process::Command;
use tmpfs::Tmpfs;
use turnfix::model::TranscriptBuilder;
use turnfix::session::{self, DiskStamp, SaveError, default_save_path, save_checked, unused_save_path};

fn doc_bytes(text: &str) -> Vec<u8> {
    let mut b = TranscriptBuilder::new();
    b.push(Some("Ann"), Some(0), None, text);
    turnfix::formats::json::to_string(&b.finish()).into_bytes()
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// The message names the file; the old content is untouched.
fn assert_failed_cleanly(err: &SaveError, target: &Path, old: Option<&[u8]>) {
    let msg = err.to_string();
    assert!(msg.starts_with(&target.display().to_string()), "does not name the file: {msg}");
    if let Some(old) = old {
        assert_eq!(std::fs::read(target).unwrap(), old, "old file changed");
    }
}

#[test]
fn full_disk_is_named_and_old_file_kept() {
    let Some(fs) = Tmpfs::mount("size=64k") else { return };
    let target = fs.path().join("a.turnfix.json");
    let old = doc_bytes("old");
    std::fs::write(&target, &old).unwrap();
    let stamp = DiskStamp::read(&target).unwrap();
    let big = doc_bytes(&"x".repeat(200_000));
    let err = save_checked(&target, &big, stamp.as_ref(), false).unwrap_err();
    assert!(matches!(err, SaveError::DiskFull { .. }), "{err:?}");
    assert!(err.to_string().contains("the disk is full"), "{err}");
    assert_failed_cleanly(&err, &target, Some(&old));
    // No temporary file is left taking the space.
    let names: Vec<String> =
        std::fs::read_dir(fs.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn read_only_folder_is_named_and_old_file_kept() {
    let old = doc_bytes("old");
    let run = |dir: &Path| {
        let target = dir.join("a.turnfix.json");
        let stamp = DiskStamp::read(&target).unwrap();
        let err = save_checked(&target, &doc_bytes("new"), stamp.as_ref(), false).unwrap_err();
        assert!(matches!(err, SaveError::ReadOnly { .. }), "{err:?}");
        assert!(err.to_string().contains("read-only"), "{err}");
        assert_failed_cleanly(&err, &target, Some(&old));
    };
    if is_root() {
        // Permissions do not stop root: use a read-only file system instead.
        let Some(fs) = Tmpfs::mount("size=1m") else { return };
        std::fs::write(fs.path().join("a.turnfix.json"), &old).unwrap();
        assert!(fs.remount("remount,ro"), "remount read-only");
        run(fs.path());
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("a.turnfix.json"), &old).unwrap();
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
            run(dir.path());
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
}

#[test]
fn file_replaced_by_a_folder_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("a.turnfix.json");
    std::fs::write(&target, doc_bytes("old")).unwrap();
    let stamp = DiskStamp::read(&target).unwrap();
    std::fs::remove_file(&target).unwrap();
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("inside"), "keep me").unwrap();
    for expected in [stamp.as_ref(), None] {
        let err = save_checked(&target, &doc_bytes("new"), expected, false).unwrap_err();
        assert!(matches!(err, SaveError::IsFolder { .. }), "{err:?}");
        assert!(err.to_string().contains("replaced by a folder"), "{err}");
        assert_failed_cleanly(&err, &target, None);
    }
    // Even when told to overwrite, the folder and what is in it stay.
    let err = save_checked(&target, &doc_bytes("new"), None, true).unwrap_err();
    assert!(matches!(err, SaveError::IsFolder { .. }), "{err:?}");
    assert_eq!(std::fs::read_to_string(target.join("inside")).unwrap(), "keep me");
}

#[test]
fn folder_deleted_while_open_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("project");
    std::fs::create_dir(&sub).unwrap();
    let target = sub.join("a.turnfix.json");
    std::fs::write(&target, doc_bytes("old")).unwrap();
    let stamp = DiskStamp::read(&target).unwrap();
    std::fs::remove_dir_all(&sub).unwrap();
    let err = save_checked(&target, &doc_bytes("new"), stamp.as_ref(), false).unwrap_err();
    match &err {
        SaveError::FolderMissing { dir, .. } => assert_eq!(Path::new(dir), sub),
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("no longer exists"), "{err}");
    assert_failed_cleanly(&err, &target, None);
    assert!(!sub.exists(), "the folder is not silently re-created");
}

#[test]
fn path_too_long_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join(format!("{}.turnfix.json", "n".repeat(300)));
    let err = save_checked(&target, &doc_bytes("new"), None, false).unwrap_err();
    assert!(matches!(err, SaveError::PathTooLong { .. }), "{err:?}");
    assert!(err.to_string().contains("too long"), "{err}");
    let deep: PathBuf =
        std::iter::once(dir.path().to_path_buf()).chain((0..40).map(|_| "d".repeat(120).into())).collect();
    let err = save_checked(&deep.join("a.json"), &doc_bytes("new"), None, false).unwrap_err();
    assert!(matches!(err, SaveError::PathTooLong { .. } | SaveError::FolderMissing { .. }), "{err:?}");
}

#[test]
fn long_but_legal_name_saves() {
    // The temporary file beside it must not be the part that is too long.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join(format!("{}.turnfix.json", "é".repeat(118)));
    assert!(target.file_name().unwrap().len() <= 255);
    save_checked(&target, &doc_bytes("new"), None, false).unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), doc_bytes("new"));
}

#[test]
fn changed_on_disk_is_caught_and_touch_is_not_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("a.turnfix.json");
    let saved = save_checked(&target, &doc_bytes("one"), None, false).unwrap();
    // Rewritten with the same content (a touch, a copy): not a change.
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&target, doc_bytes("one")).unwrap();
    let saved = save_checked(&target, &doc_bytes("two"), Some(&saved.stamp), false).unwrap();
    // Another program writes the file: the next save asks first.
    std::fs::write(&target, doc_bytes("from elsewhere")).unwrap();
    let err = save_checked(&target, &doc_bytes("three"), Some(&saved.stamp), false).unwrap_err();
    assert!(matches!(err, SaveError::ChangedOnDisk { .. }) && err.needs_confirmation(), "{err:?}");
    assert!(err.to_string().contains("Save As"), "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), doc_bytes("from elsewhere"));
    // Same size, different bytes, same mtime is still caught by the hash.
    let same_len = doc_bytes("from elsewherE");
    std::fs::write(&target, &same_len).unwrap();
    let mut stale = DiskStamp::read(&target).unwrap().unwrap();
    stale.sha256 = "0".repeat(64);
    stale.mtime_ns = None;
    assert!(matches!(session::check_unchanged(&target, Some(&stale)), Err(SaveError::ChangedOnDisk { .. })));
    // The user chose "overwrite".
    save_checked(&target, &doc_bytes("three"), Some(&saved.stamp), true).unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), doc_bytes("three"));
}

#[test]
fn existing_file_the_document_did_not_come_from_is_not_overwritten_silently() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("a.turnfix.json");
    std::fs::write(&target, "yesterday's corrections").unwrap();
    let err = save_checked(&target, &doc_bytes("new"), None, false).unwrap_err();
    assert!(matches!(err, SaveError::AlreadyExists { .. }) && err.needs_confirmation(), "{err:?}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "yesterday's corrections");
}

#[test]
fn previous_version_is_kept_as_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("a.turnfix.json");
    let first = save_checked(&target, &doc_bytes("one"), None, false).unwrap();
    assert_eq!(first.backup, None, "nothing to back up on the first save");
    let second = save_checked(&target, &doc_bytes("two"), Some(&first.stamp), false).unwrap();
    let bak = second.backup.unwrap();
    assert_eq!(bak, dir.path().join("a.turnfix.json.bak"));
    assert_eq!(std::fs::read(&bak).unwrap(), doc_bytes("one"));
    let third = save_checked(&target, &doc_bytes("three"), Some(&second.stamp), false).unwrap();
    assert_eq!(std::fs::read(third.backup.unwrap()).unwrap(), doc_bytes("two"));
    assert_eq!(std::fs::read(&target).unwrap(), doc_bytes("three"));
    // Only the target and its backup: no temporary files left.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn first_save_goes_beside_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(default_save_path(&d.join("Interview_otter_ai.txt")), d.join("Interview.turnfix.json"));
    assert_eq!(default_save_path(&d.join("Talk.docx")), d.join("Talk.turnfix.json"));
    assert_eq!(default_save_path(&d.join("Talk.turnfix.json")), d.join("Talk.turnfix.json"));
    assert_eq!(default_save_path(&d.join("_otter_ai.txt")), d.join("transcript.turnfix.json"));
    assert_eq!(default_save_path(&d.join("Réunion 🎤.srt")), d.join("Réunion 🎤.turnfix.json"));
    let import = d.join("Interview_otter_ai.txt");
    assert_eq!(unused_save_path(&import), d.join("Interview.turnfix.json"));
    std::fs::write(d.join("Interview.turnfix.json"), "x").unwrap();
    assert_eq!(unused_save_path(&import), d.join("Interview.turnfix-2.json"));
}
