//! The document info panel: the metadata a reader found (title, date, speakers as listed,
//! keywords, summary, outline, disclaimer) and the text set aside after the last turn, to read
//! and edit. Each field, when it loses the focus changed, asks for one undoable edit.

use super::{Command, Commands, Inputs, ViewState};
use crate::edit::Edit;
use crate::model::{Aside, Metadata};

/// The panel's state: open or not, and the fields being edited (for one revision).
#[derive(Default)]
pub struct MetaPanel {
    pub open: bool,
    draft: Option<(u64, Draft)>,
}

impl MetaPanel {
    /// Another document: its fields are read afresh.
    pub fn forget(&mut self) {
        self.draft = None;
    }
}

#[derive(Clone, Default, PartialEq)]
struct Draft {
    title: String,
    date: String,
    speakers: String,
    keywords: String,
    summary: String,
    outline: String,
    disclaimer: String,
    aside: Vec<String>,
}

fn text(o: &Option<String>) -> String {
    o.clone().unwrap_or_default()
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn list(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|x| !x.is_empty()).map(String::from).collect()
}

impl Draft {
    fn of(m: &Metadata, aside: &[Aside]) -> Draft {
        Draft {
            title: text(&m.title),
            date: text(&m.date),
            speakers: m.speakers_listed.join(", "),
            keywords: m.keywords.join(", "),
            summary: text(&m.summary),
            outline: text(&m.outline),
            disclaimer: text(&m.disclaimer),
            aside: aside.iter().map(|a| a.text.clone()).collect(),
        }
    }

    /// The metadata with this draft's fields (the others as they are).
    fn metadata(&self, m: &Metadata) -> Metadata {
        Metadata {
            title: opt(&self.title),
            date: opt(&self.date),
            speakers_listed: list(&self.speakers),
            keywords: list(&self.keywords),
            summary: opt(&self.summary),
            outline: opt(&self.outline),
            disclaimer: opt(&self.disclaimer),
            ..m.clone()
        }
    }

    fn aside(&self, old: &[Aside]) -> Vec<Aside> {
        old.iter().zip(&self.aside).map(|(a, t)| Aside { line: a.line, text: t.clone() }).collect()
    }
}

pub fn panel(ctx: &egui::Context, view: &mut ViewState, input: &Inputs, out: &mut Commands) {
    let doc = input.doc;
    let p = &mut view.metadata;
    let mut open = p.open;
    let fresh = || (input.revision, Draft::of(&doc.metadata, &doc.aside));
    // Fields are committed when they lose the focus, so a new revision (that edit, an undo)
    // means the document is the truth again.
    match &p.draft {
        Some((rev, _)) if *rev == input.revision => {}
        _ => p.draft = Some(fresh()),
    }
    let Some((_, d)) = &mut p.draft else { return };
    let max_h = ctx.content_rect().height() * 0.8;
    let window = egui::Window::new("Document info").open(&mut open).default_width(560.0).max_height(max_h);
    window.vscroll(true).show(ctx, |ui| {
        let mut changed = false;
        let mut line = |ui: &mut egui::Ui, name: &str, s: &mut String| {
            ui.label(name);
            let r = ui
                .add(egui::TextEdit::singleline(s).desired_width(f32::INFINITY))
                .accessible_name(format!("{name}, edit"));
            changed |= r.lost_focus();
        };
        line(ui, "Title", &mut d.title);
        line(ui, "Date", &mut d.date);
        line(ui, "Speakers as listed (comma-separated)", &mut d.speakers);
        line(ui, "Keywords (comma-separated)", &mut d.keywords);
        let mut area = |ui: &mut egui::Ui, name: &str, s: &mut String| {
            ui.label(name);
            let r = ui
                .add(egui::TextEdit::multiline(s).desired_rows(3).desired_width(f32::INFINITY))
                .accessible_name(format!("{name}, edit"));
            changed |= r.lost_focus();
        };
        area(ui, "Summary", &mut d.summary);
        area(ui, "Outline", &mut d.outline);
        area(ui, "Disclaimer", &mut d.disclaimer);
        let m = d.metadata(&doc.metadata);
        if changed && m != doc.metadata {
            out.push(Command::Apply(Edit::SetMetadata { metadata: Box::new(m) }));
        }
        ui.separator();
        if d.aside.is_empty() {
            ui.weak("Nothing was set aside after the last turn.");
        }
        let mut aside_changed = false;
        for (k, (t, a)) in d.aside.iter_mut().zip(&doc.aside).enumerate() {
            let name = format!("Set aside {} (from line {})", k + 1, a.line);
            ui.label(&name);
            let r = ui
                .add(egui::TextEdit::multiline(t).id_salt(("aside", k)).desired_rows(2).desired_width(f32::INFINITY))
                .accessible_name(format!("{name}, edit"));
            aside_changed |= r.lost_focus();
        }
        let aside = d.aside(&doc.aside);
        if aside_changed && aside != doc.aside {
            out.push(Command::Apply(Edit::SetAside { aside }));
        }
    });
    p.open = open;
}
