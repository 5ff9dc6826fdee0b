//! The export dialog's work: open it with the last format and options, propose a path, follow a
//! format change, check the path and ask before replacing a file, write on a task. The last
//! format and options are remembered in the config.

use super::App;
use super::tasks::{Done, Pick, TaskKind};
use crate::export::{self, ExportError, ExportFormat, ExportOptions};
use crate::session::SaveError;
use crate::session::config::ExportPrefs;
use crate::ui::{ExportDialog, Level, Modal};
use std::path::{Path, PathBuf};

impl App {
    /// The path proposed for `fmt`: beside the opened file, named after it.
    pub(crate) fn default_export_path(&self, fmt: ExportFormat) -> PathBuf {
        let Some(f) = &self.file else { return PathBuf::from(format!("transcript.{}", fmt.extension())) };
        let base = f.save_path.as_ref().unwrap_or(&f.path);
        let mut stem =
            base.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "transcript".into());
        if let Some(s) = stem.strip_suffix(".turnfix") {
            stem = s.to_string();
        }
        if fmt.is_report() {
            stem.push_str(".corrections");
        }
        let mut p = base.with_file_name(format!("{stem}.{}", fmt.extension()));
        if p == f.path || Some(&p) == f.save_path.as_ref() {
            // Never propose the file the transcript came from.
            p = base.with_file_name(format!("{stem}.corrected.{}", fmt.extension()));
        }
        p
    }

    /// Open the dialog, with the last format and options used (or `format`, for the report).
    pub(crate) fn open_export(&mut self, format: Option<ExportFormat>) {
        let prefs = self.config.export.clone();
        let format = format.unwrap_or(prefs.format);
        let path = self.default_export_path(format).display().to_string();
        self.view.export = Some(ExportDialog::new(format, prefs.options, path));
        self.view.modal = Some(Modal::Export);
    }

    /// Change the format; a path that was the proposed one follows the new format.
    pub(crate) fn set_export_format(&mut self, format: ExportFormat) {
        let Some(d) = &self.view.export else { return };
        let was_default = Path::new(&d.path) == self.default_export_path(d.format);
        let new_default = self.default_export_path(format).display().to_string();
        let d = self.view.export.as_mut().expect("checked");
        if d.format != format {
            d.format = format;
            d.confirm_overwrite = false;
            if was_default {
                d.path = new_default;
            } else if !d.path.trim().is_empty() {
                d.path = PathBuf::from(d.path.trim()).with_extension(format.extension()).display().to_string();
            }
        }
    }

    /// Ask for the path with the native dialog.
    pub(crate) fn browse_export(&mut self) {
        let Some(d) = &self.view.export else { return };
        let (fmt, p) = (d.format, PathBuf::from(d.path.trim()));
        self.pick(Pick::Export(fmt), Some(p));
    }

    /// The Export button: check the path, ask before replacing a file, then write on a task.
    pub(crate) fn export_to(&mut self, format: ExportFormat, options: ExportOptions, path: PathBuf, replace: bool) {
        if path.as_os_str().is_empty() || path.file_name().is_none() {
            self.notify(Level::Error, "Choose a file to export to.");
            return;
        }
        if path.is_dir() {
            self.notify(Level::Error, format!("{} is a folder; choose a file name.", path.display()));
            return;
        }
        if path.exists() && !replace {
            if let Some(d) = &mut self.view.export {
                d.confirm_overwrite = true;
            }
            return;
        }
        if let Some(d) = &mut self.view.export {
            d.confirm_overwrite = false;
        }
        self.config.set_export(ExportPrefs { format, options: options.clone() });
        let mut doc = self.doc.clone();
        if format == ExportFormat::Json
            && let Some(a) = &self.audio_path
        {
            // Keep the recording's link, relative to where this JSON goes, as Save does.
            let duration = self.player_state.duration_ms.or(doc.audio.as_ref().and_then(|l| l.duration_ms));
            doc.audio = Some(crate::session::audio_link(&path, a, duration));
        }
        // Captions sit on the recording's speech, when it has been analysed and that is wanted.
        let speech: Option<Vec<(crate::model::Ms, crate::model::Ms)>> = self
            .speech_map()
            .filter(|_| options.captions_on_speech && matches!(format, ExportFormat::Srt | ExportFormat::Vtt))
            .map(|m| m.segments().to_vec());
        let name = format!("Exporting {}…", path.display());
        self.tasks.spawn(&self.ctx, TaskKind::Export, name, false, move |_| {
            let written = match (&speech, format) {
                (Some(s), ExportFormat::Srt) => {
                    Ok(export::captions::write_srt_on_speech(&doc, &options, Some(s)).into_bytes())
                }
                (Some(s), ExportFormat::Vtt) => {
                    Ok(export::captions::write_vtt_on_speech(&doc, &options, Some(s)).into_bytes())
                }
                _ => export::export(&doc, format, &options),
            };
            let result = written
                .map_err(ExportFailed::from)
                .and_then(|bytes| crate::session::write_atomic(&path, &bytes).map_err(ExportFailed::from));
            Done::Exported { path, result }
        });
    }

    /// A finished export: close the dialog, or say why it failed (the dialog stays open).
    pub(crate) fn finish_export(&mut self, path: PathBuf, result: Result<(), ExportFailed>) {
        match result {
            Ok(()) => {
                self.notify(Level::Info, format!("Exported {}", path.display()));
                if self.view.modal == Some(Modal::Export) {
                    self.view.modal = None;
                }
                self.view.export = None;
            }
            Err(e) => self.notify(Level::Error, format!("The export was not written: {e}")),
        }
    }
}

/// Why an export was not written: the writer failed, or the file could not be saved. Export
/// knows no files, so the two meet here, where the export is written.
#[derive(Debug, thiserror::Error)]
pub enum ExportFailed {
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(transparent)]
    Save(#[from] SaveError),
}
