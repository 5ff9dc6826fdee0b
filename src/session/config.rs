//! The user's persisted configuration, one [`Config`]: the recent-files list, the playback
//! settings, the last export format and options, and the window's last size and position
//! (`window`), kept in one small JSON file in the config
//! directory
//! (`$XDG_CONFIG_HOME/turnfix/recent.json`, else `~/.config/turnfix/recent.json`).
//!
//! Older versions wrote a bare array of paths; that is still read.

use crate::export::{ExportFormat, ExportOptions};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const MAX: usize = 10;

/// A config file larger than this is not read (the defaults are used): the real one is a few
/// hundred bytes.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Playback settings the user can change (Settings window).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Skip step for Skip Back / Skip Forward, in ms.
    pub skip_ms: u64,
    /// How far playback rewinds when resumed, in ms.
    pub rewind_on_resume_ms: u64,
    /// Pause playback while typing.
    pub pause_while_typing: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { skip_ms: 5_000, rewind_on_resume_ms: 1_000, pause_while_typing: false }
    }
}

/// The export dialog's last choice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportPrefs {
    pub format: ExportFormat,
    pub options: ExportOptions,
}

impl Default for ExportPrefs {
    fn default() -> Self {
        ExportPrefs { format: ExportFormat::Srt, options: ExportOptions::default() }
    }
}

/// What the file holds. The fields are optional so that files written by older versions (a
/// bare array of paths, or `null` for settings never changed) still read.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Stored {
    recent: Vec<PathBuf>,
    settings: Option<Settings>,
    export: Option<ExportPrefs>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    window: Option<WindowGeometry>,
}

/// Where the window was and how big, in logical points (remembered at close).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct WindowGeometry {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl WindowGeometry {
    /// The default size (1280×860), or a remembered one, made to fit a screen of `screen`
    /// points with a margin for panels and decorations; a position off that screen is dropped.
    pub fn fit(size: [f32; 2], pos: Option<[f32; 2]>, screen: [f32; 2]) -> ([f32; 2], Option<[f32; 2]>) {
        let room = [(screen[0] - 40.0).max(640.0), (screen[1] - 80.0).max(400.0)];
        let size = [size[0].min(room[0]).max(640.0), size[1].min(room[1]).max(400.0)];
        let pos =
            pos.filter(|p| p[0] >= 0.0 && p[1] >= 0.0 && p[0] + size[0] <= screen[0] && p[1] + size[1] <= screen[1]);
        (size, pos)
    }
}

/// The persisted configuration: one value, its defaults those of its parts.
#[derive(Debug, Default)]
pub struct Config {
    /// Where it is kept (None: in memory only, for tests and benchmarks).
    file: Option<PathBuf>,
    /// Recently opened files, most recent first.
    pub recent: Vec<PathBuf>,
    pub settings: Settings,
    pub export: ExportPrefs,
    /// The window's last size and position.
    pub window: Option<WindowGeometry>,
}

/// Where the config lives by default.
pub fn default_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("turnfix").join("recent.json"))
}

/// The file's text, unless it is over [`MAX_CONFIG_BYTES`] or unreadable.
fn read_bounded(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path).ok()?.take(MAX_CONFIG_BYTES + 1).read_to_string(&mut text).ok()?;
    (text.len() as u64 <= MAX_CONFIG_BYTES).then_some(text)
}

impl Config {
    /// Load the config from `file` (None: keep it in memory only). A missing or unreadable file
    /// gives the defaults.
    pub fn load(file: Option<PathBuf>) -> Config {
        let text = file.as_deref().and_then(read_bounded).unwrap_or_default();
        let stored = serde_json::from_str::<Stored>(&text)
            .ok()
            .or_else(|| {
                serde_json::from_str::<Vec<PathBuf>>(&text).ok().map(|recent| Stored { recent, ..Default::default() })
            })
            .unwrap_or_default();
        Config {
            file,
            recent: stored.recent,
            settings: stored.settings.unwrap_or_default(),
            export: stored.export.unwrap_or_default(),
            window: stored.window,
        }
    }

    /// Put `path` first in the recent files and write the config (errors writing it are not
    /// worth bothering the user).
    pub fn push_recent(&mut self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX);
        self.store();
    }

    pub fn remove_recent(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.store();
    }

    /// Remember the settings.
    pub fn set_settings(&mut self, s: Settings) {
        if self.settings != s {
            self.settings = s;
            self.store();
        }
    }

    /// Remember the export dialog's choice.
    pub fn set_export(&mut self, e: ExportPrefs) {
        if self.export != e {
            self.export = e;
            self.store();
        }
    }

    /// Remember the window's size and position.
    pub fn set_window(&mut self, g: WindowGeometry) {
        if self.window != Some(g) {
            self.window = Some(g);
            self.store();
        }
    }

    fn store(&self) {
        if let Some(f) = &self.file {
            if let Some(d) = f.parent() {
                let _ = std::fs::create_dir_all(d);
            }
            let stored = Stored {
                recent: self.recent.clone(),
                settings: Some(self.settings.clone()),
                export: Some(self.export.clone()),
                window: self.window,
            };
            if let Ok(s) = serde_json::to_string_pretty(&stored) {
                let _ = super::write_atomic(f, s.as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_dedups_orders_and_persists() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("cfg/recent.json");
        let mut r = Config::load(Some(f.clone()));
        r.push_recent(&dir.path().join("a.txt"));
        r.push_recent(&dir.path().join("b.txt"));
        r.push_recent(&dir.path().join("a.txt"));
        let back = Config::load(Some(f));
        assert_eq!(back.recent, vec![dir.path().join("a.txt"), dir.path().join("b.txt")]);
    }

    #[test]
    fn settings_and_export_persist_and_old_lists_still_load() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("recent.json");
        std::fs::write(&f, serde_json::to_string(&vec![dir.path().join("old.txt")]).unwrap()).unwrap();
        let mut r = Config::load(Some(f.clone()));
        assert_eq!(r.recent, vec![dir.path().join("old.txt")]);
        assert_eq!(r.settings, Settings::default(), "never changed: the defaults");
        let s = Settings { skip_ms: 2_000, rewind_on_resume_ms: 3_000, pause_while_typing: true };
        r.set_settings(s.clone());
        let mut e = ExportPrefs { format: ExportFormat::Vtt, ..Default::default() };
        e.options.names = false;
        r.set_export(e.clone());
        let back = Config::load(Some(f));
        assert_eq!(back.recent, vec![dir.path().join("old.txt")]);
        assert_eq!(back.settings, s);
        assert_eq!(back.export, e);
    }

    #[test]
    fn an_oversized_config_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("recent.json");
        let padding = " ".repeat(MAX_CONFIG_BYTES as usize);
        std::fs::write(&f, format!("[\"/a.txt\"]{padding}")).unwrap();
        assert!(Config::load(Some(f.clone())).recent.is_empty(), "over the bound: defaults");
        std::fs::write(&f, "[\"/a.txt\"]").unwrap();
        assert_eq!(Config::load(Some(f)).recent, [PathBuf::from("/a.txt")]);
    }

    #[test]
    fn the_window_geometry_persists_and_fits_the_screen() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.json");
        let g = WindowGeometry { x: 30.0, y: 40.0, width: 1000.0, height: 700.0 };
        Config::load(Some(f.clone())).set_window(g);
        assert_eq!(Config::load(Some(f)).window, Some(g));
        // The default 1280×860 on a 1366×768 laptop screen: smaller, inside it.
        let (size, _) = WindowGeometry::fit([1280.0, 860.0], None, [1366.0, 768.0]);
        assert!(size[0] <= 1366.0 && size[1] <= 768.0 - 40.0, "{size:?}");
        // A position from a monitor since unplugged is dropped; one that fits is kept.
        assert_eq!(WindowGeometry::fit([800.0, 600.0], Some([3000.0, 0.0]), [1920.0, 1080.0]).1, None);
        assert_eq!(WindowGeometry::fit([800.0, 600.0], Some([10.0, 20.0]), [1920.0, 1080.0]).1, Some([10.0, 20.0]));
    }
}
