//! The export dialog: format, the options that format uses, a preview of the first lines, the
//! path (typed, or chosen with the native dialog), a confirmation before replacing a file.

use super::view::ExportDialog;
use super::{Command, Commands, Inputs, ViewState};
use crate::export::{self, CsvTimes, ExportFormat, OptionKind, TimeStyle};
use crate::model::Transcript;
use egui::RichText;
use std::path::PathBuf;

/// Room kept for the options and the preview, whichever format is chosen.
const OPTIONS_HEIGHT: f32 = 190.0;
const PREVIEW_HEIGHT: f32 = 220.0;

/// Lines shown in the preview.
pub const PREVIEW_LINES: usize = 12;

/// The preview of the dialog's choice, made again when the choice or the document changed.
fn preview(d: &mut ExportDialog, doc: &Transcript) -> String {
    let key = (d.format, d.options.clone());
    match &d.preview {
        Some((k, text)) if *k == key => text.clone(),
        _ => {
            let text = export::preview(doc, d.format, &d.options, PREVIEW_LINES);
            d.preview = Some((key, text.clone()));
            text
        }
    }
}

pub fn dialog(ctx: &egui::Context, view: &mut ViewState, input: &Inputs, out: &mut Commands) {
    let Some(d) = view.export.as_mut() else {
        view.modal = None;
        return;
    };
    let preview = preview(d, input.doc);
    let native = input.native_dialogs;
    let busy = !input.tasks.is_empty();
    let mut new_format = None;
    let (mut export, mut cancel, mut browse) = (false, false, false);
    egui::Modal::new(egui::Id::unique("export-dialog")).show(ctx, |ui| {
        ui.set_width(720.0);
        ui.heading("Export the transcript");
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(230.0);
                ui.label(RichText::new("Format").strong());
                for f in ExportFormat::ALL {
                    if ui.selectable_label(d.format == f, f.name()).clicked() {
                        new_format = Some(f);
                    }
                }
            });
            // (A vertical separator here would take the row's height and grow it every frame.)
            ui.add_space(16.0);
            ui.vertical(|ui| {
                ui.label(RichText::new("Options").strong());
                // Options and preview take the same room for every format, so the dialog keeps
                // its size and the Export button stays where it was.
                let top = ui.cursor().min.y;
                let o = &mut d.options;
                let kinds = d.format.options();
                if kinds.is_empty() {
                    ui.label(RichText::new("This format has no options.").weak());
                }
                for k in kinds {
                    match k {
                        OptionKind::Names => {
                            ui.checkbox(&mut o.names, "Speaker names");
                        }
                        OptionKind::Timestamps => {
                            ui.checkbox(&mut o.timestamps, "Timestamps");
                        }
                        OptionKind::MergeSameSpeaker => {
                            ui.checkbox(&mut o.merge_same_speaker, "Merge consecutive turns by one speaker");
                        }
                        OptionKind::Footer => {
                            ui.checkbox(&mut o.footer, "otter.ai footer line");
                        }
                        OptionKind::Header => {
                            ui.checkbox(&mut o.header, "Title and details at the top");
                        }
                        OptionKind::TimeStyle => {
                            ui.horizontal(|ui| {
                                ui.label("Times");
                                egui::ComboBox::from_id_salt("export-time-style")
                                    .selected_text(o.time_style.id())
                                    .show_ui(ui, |ui| {
                                        for t in TimeStyle::ALL {
                                            ui.selectable_value(&mut o.time_style, t, t.id());
                                        }
                                    });
                            });
                        }
                        OptionKind::CsvTimes => {
                            ui.horizontal(|ui| {
                                ui.label("Times");
                                egui::ComboBox::from_id_salt("export-csv-times")
                                    .selected_text(o.csv_times.id())
                                    .show_ui(ui, |ui| {
                                        for t in CsvTimes::ALL {
                                            ui.selectable_value(&mut o.csv_times, t, t.id());
                                        }
                                    });
                            });
                        }
                        OptionKind::CaptionLineChars => {
                            ui.horizontal(|ui| {
                                ui.add(egui::DragValue::new(&mut o.caption_line_chars).range(10..=200));
                                ui.label("characters per line at most");
                            });
                        }
                        OptionKind::CaptionLines => {
                            ui.horizontal(|ui| {
                                ui.add(egui::DragValue::new(&mut o.caption_lines).range(1..=6));
                                ui.label("lines per caption at most");
                            });
                        }
                        OptionKind::CaptionMaxMs => {
                            ui.horizontal(|ui| {
                                let mut secs = o.caption_max_ms as f64 / 1000.0;
                                if ui
                                    .add(egui::DragValue::new(&mut secs).range(1.0..=30.0).speed(0.1).suffix(" s"))
                                    .changed()
                                {
                                    o.caption_max_ms = (secs * 1000.0).round() as u64;
                                }
                                ui.label("per caption at most");
                            });
                        }
                    }
                }
                if matches!(d.format, ExportFormat::Srt | ExportFormat::Vtt) {
                    // Cues on the speech the recording's analysis found (on by default).
                    ui.add_enabled_ui(input.speech_ready, |ui| {
                        ui.checkbox(&mut o.captions_on_speech, "Captions on the speech in the recording")
                    })
                    .response
                    .on_disabled_hover_text("Needs the recording, analysed (open one to use it)");
                }
                let used = ui.cursor().min.y - top;
                ui.add_space((OPTIONS_HEIGHT - used).max(0.0) + 8.0);
                ui.label(RichText::new("Preview").strong());
                let area = egui::ScrollArea::both().id_salt("export-preview").auto_shrink(false);
                area.max_height(PREVIEW_HEIGHT).min_scrolled_height(PREVIEW_HEIGHT).show(ui, |ui| {
                    let text = if preview.is_empty() { "(nothing to export)" } else { preview.as_str() };
                    ui.add(egui::Label::new(RichText::new(text).monospace()).extend());
                });
            });
        });
        ui.separator();
        ui.horizontal(|ui| {
            ui.label("Save to");
            let w = if native { ui.available_width() - 90.0 } else { ui.available_width() };
            let r = ui
                .add(egui::TextEdit::singleline(&mut d.path).desired_width(w.max(200.0)))
                .accessible_name("Export path");
            if r.changed() {
                d.confirm_overwrite = false;
            }
            if native && ui.button("Browse…").clicked() {
                browse = true;
            }
        });
        if d.confirm_overwrite {
            ui.label(
                RichText::new(format!("{} already exists. Replace it?", d.path.trim()))
                    .color(ui.visuals().warn_fg_color),
            );
        }
        ui.horizontal(|ui| {
            let label = if d.confirm_overwrite { "Replace" } else { "Export" };
            if ui.add_enabled(!busy, egui::Button::new(label)).clicked() {
                export = true;
            }
            if ui.button("Cancel").clicked() {
                cancel = true;
            }
            if busy {
                ui.spinner();
            }
        });
    });
    if let Some(f) = new_format {
        out.push(Command::SetExportFormat(f));
    }
    if browse {
        out.push(Command::BrowseExport);
    }
    if export {
        let path = PathBuf::from(d.path.trim());
        out.push(Command::Export { format: d.format, options: d.options.clone(), path, replace: d.confirm_overwrite });
    }
    if cancel {
        view.export = None;
        view.modal = None;
    }
}
