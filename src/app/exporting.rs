//! The export dialog's state and its work: pick a format and options, preview the first lines,
//! choose a path, confirm an overwrite, write on a worker. The last format and options are
//! remembered in the config file.

use super::{App, Job, Modal, Pick, recent::ExportPrefs};
use crate::export::{self, ExportFormat, ExportOptions};
use std::path::PathBuf;

/// Lines shown in the preview.
pub const PREVIEW_LINES: usize = 12;

/// The open export dialog.
#[derive(Clone, Debug)]
pub struct ExportDialog {
    pub format: ExportFormat,
    pub options: ExportOptions,
    /// Where to write (typed, or chosen with the file dialog).
    pub path: String,
    /// The file exists and the user has been asked whether to replace it.
    pub confirm_overwrite: bool,
    pub error: Option<String>,
    /// The preview and what it was made from (format, options, document revision).
    pub(crate) preview: Option<((ExportFormat, ExportOptions, u64), String)>,
}

impl ExportDialog {
    /// The preview last shown.
    pub fn preview_text(&self) -> Option<&str> {
        self.preview.as_ref().map(|p| p.1.as_str())
    }
}

impl App {
    /// The export dialog, when open.
    pub fn export_dialog(&self) -> Option<&ExportDialog> {
        self.export.as_ref()
    }

    /// The export dialog, to change its fields (tests).
    pub fn export_dialog_mut(&mut self) -> Option<&mut ExportDialog> {
        self.export.as_mut()
    }

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
        let prefs = self.recent.export.clone().unwrap_or_default();
        let format = format.unwrap_or(prefs.format);
        let path = self.default_export_path(format).display().to_string();
        self.export = Some(ExportDialog {
            format,
            options: prefs.options,
            path,
            confirm_overwrite: false,
            error: None,
            preview: None,
        });
        self.modal = Some(Modal::Export);
    }

    /// Change the format; a path that was the proposed one follows the new format.
    pub(crate) fn set_export_format(&mut self, format: ExportFormat) {
        let Some(d) = &self.export else { return };
        let was_default = std::path::Path::new(&d.path) == self.default_export_path(d.format);
        let new_default = self.default_export_path(format).display().to_string();
        let d = self.export.as_mut().expect("checked");
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

    /// The preview of the dialog's choice, computed when it changes.
    pub(crate) fn export_preview(&mut self) -> String {
        let rev = self.history.revision();
        let Some(d) = &mut self.export else { return String::new() };
        let key = (d.format, d.options.clone(), rev);
        match &d.preview {
            Some((k, text)) if *k == key => text.clone(),
            _ => {
                let text = export::preview(&self.doc, d.format, &d.options, PREVIEW_LINES);
                d.preview = Some((key, text.clone()));
                text
            }
        }
    }

    /// Ask for the path with the native dialog (on a worker).
    pub(crate) fn browse_export(&mut self) {
        let Some(d) = &self.export else { return };
        let (fmt, p) = (d.format, PathBuf::from(d.path.trim()));
        self.pick(Pick::Export(fmt), Some(p));
    }

    /// The Export button: confirm an overwrite, then write on a worker.
    pub fn export_now(&mut self) {
        let Some(d) = &mut self.export else { return };
        let path = PathBuf::from(d.path.trim());
        if d.path.trim().is_empty() || path.file_name().is_none() {
            d.error = Some("Choose a file to export to.".into());
            return;
        }
        if path.is_dir() {
            d.error = Some(format!("{} is a folder; choose a file name.", path.display()));
            return;
        }
        if path.exists() && !d.confirm_overwrite {
            d.confirm_overwrite = true;
            d.error = None;
            return;
        }
        d.confirm_overwrite = false;
        d.error = None;
        let (format, options) = (d.format, d.options.clone());
        self.recent.set_export(ExportPrefs { format, options: options.clone() });
        let doc = self.doc.clone();
        let tx = self.jobs_tx.clone();
        let ctx = self.ctx.clone();
        self.busy = Some(format!("Exporting {}…", path.display()));
        self.jobs_pending += 1;
        std::thread::spawn(move || {
            let result = export::export(&doc, format, &options)
                .map_err(|e| e.to_string())
                .and_then(|bytes| crate::session::write_atomic(&path, &bytes).map_err(|e| e.to_string()));
            let _ = tx.send(Job::Exported { path, result });
            ctx.request_repaint();
        });
    }

    /// A finished export: close the dialog, or show why it failed.
    pub(crate) fn finish_export(&mut self, path: PathBuf, result: Result<(), String>) {
        match result {
            Ok(()) => {
                self.status = Some(format!("Exported {}", path.display()));
                if self.modal == Some(Modal::Export) {
                    self.modal = None;
                }
                self.export = None;
            }
            Err(e) => match &mut self.export {
                Some(d) => d.error = Some(format!("The export was not written: {e}")),
                None => self.modal = Some(Modal::Message(format!("The export was not written.\n\n{e}"))),
            },
        }
    }
}
