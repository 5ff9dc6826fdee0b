//! A small tmpfs mounted on a temporary folder, for a full disk or (remounted) a read-only
//! file system. Included with `#[path]`; needs root (None, with a message, where mounting is
//! not permitted).

use std::path::Path;
use std::process::Command;

/// A tmpfs mounted on a temporary folder, unmounted on drop.
pub struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    pub fn mount(options: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipping: cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(Tmpfs { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    #[allow(dead_code)] // not every suite remounts
    pub fn remount(&self, options: &str) -> bool {
        Command::new("mount").args(["-o", options]).arg(self.path()).status().is_ok_and(|s| s.success())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}
