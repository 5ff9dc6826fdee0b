//! The in-window path field, shown instead of a native file dialog when this desktop has no
//! file-dialog service (no xdg-desktop-portal, no zenity): a text field for the path, Browse…
//! shown but disabled (with the reason), OK / Cancel, and the app's error when the path is not
//! usable. Enter is OK; Escape is Cancel.

use super::view::Pending;
use super::{Command, Commands, Modal, ViewState};
use crate::export::ExportFormat;
use egui::RichText;

/// What a path is asked for (by a native dialog, or by this field).
#[derive(Clone, Debug, PartialEq)]
pub enum PathFor {
    /// A transcript to open.
    Open,
    /// Save As, then do what was waiting on the unsaved-changes prompt.
    SaveAs(Option<Pending>),
    /// The recording (Locate recording).
    Audio,
    /// Where the export dialog writes.
    Export(ExportFormat),
}

impl PathFor {
    fn heading(&self) -> &'static str {
        match self {
            PathFor::Open => "Open a transcript",
            PathFor::SaveAs(_) => "Save As",
            PathFor::Audio => "Locate the recording",
            PathFor::Export(_) => "Export to",
        }
    }

    fn ok(&self) -> &'static str {
        match self {
            PathFor::Open | PathFor::Audio => "Open",
            PathFor::SaveAs(_) => "Save",
            PathFor::Export(_) => "Use this path",
        }
    }

    /// Whether the file must exist already (else its folder must).
    pub fn must_exist(&self) -> bool {
        matches!(self, PathFor::Open | PathFor::Audio)
    }
}

/// The open path field.
#[derive(Clone, Debug, PartialEq)]
pub struct PathPrompt {
    pub what: PathFor,
    pub text: String,
    /// Why the last path typed was refused.
    pub error: Option<String>,
    /// Why no native dialog can open (shown under the heading).
    pub reason: String,
}

/// Draw the field. OK (or Enter) pushes [`Command::PathTyped`]; the app checks the path and
/// closes the field, or puts the reason in `error`. Cancel closes it (back to the export
/// dialog when it was asked from there).
pub fn prompt(ctx: &egui::Context, view: &mut ViewState) -> Option<Command> {
    let Some(Modal::PathField(p)) = &mut view.modal else { return None };
    let (mut ok, mut cancel) = (false, false);
    egui::Modal::new(egui::Id::unique("path-field")).show(ctx, |ui| {
        ui.set_width(520.0);
        ui.heading(p.what.heading());
        ui.label(format!("No file dialog can open on this desktop: {}. Type the file's full path.", p.reason));
        ui.horizontal(|ui| {
            let r = ui
                .add(egui::TextEdit::singleline(&mut p.text).desired_width(400.0).hint_text("/home/you/file"))
                .accessible_name("File path");
            if !r.has_focus() && !r.lost_focus() {
                r.request_focus();
            }
            if r.changed() {
                p.error = None;
            }
            ok = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.add_enabled(false, egui::Button::new("Browse…"))
                .on_disabled_hover_text("No file-dialog service (xdg-desktop-portal or zenity) is available");
        });
        if let Some(e) = &p.error {
            ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
        }
        ui.horizontal(|ui| {
            ok |= ui.button(p.what.ok()).clicked();
            cancel = ui.button("Cancel").clicked();
        });
    });
    if ok {
        return Some(Command::PathTyped { what: p.what.clone(), text: p.text.clone() });
    }
    if cancel {
        close(view);
    }
    None
}

/// Close the field without a path (Cancel, Escape).
pub fn close(view: &mut ViewState) {
    let back_to_export = matches!(&view.modal, Some(Modal::PathField(p)) if matches!(p.what, PathFor::Export(_)));
    view.modal = (back_to_export && view.export.is_some()).then_some(Modal::Export);
}

/// Draw the field when it is the modal shown.
pub fn show(ctx: &egui::Context, view: &mut ViewState, out: &mut Commands) {
    if let Some(c) = prompt(ctx, view) {
        out.push(c);
    }
}
