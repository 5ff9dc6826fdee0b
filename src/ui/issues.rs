//! The issues panel: the correction assistant's findings, best first, filterable by kind with
//! the count of each, and the review progress (turns and talk time reviewed). Clicking a finding
//! goes to its turn; each row has its quick fix and "not a problem". Everything it does is a
//! [`Command`] the app runs (`app/assist.rs`).

use super::{Action, Command, Commands, Inputs, ViewState};
use crate::assist::{self, Finding, Kind};
use crate::model::{TurnId, format_otter_time};
use egui::RichText;

/// What the app hands the panel each frame.
#[derive(Clone, Copy, Debug, Default)]
pub struct AssistInputs<'a> {
    /// Findings, best first, without dismissed ones (for the document as of `checked`).
    pub findings: &'a [Finding],
    /// The document changed since the findings were made (a re-check is due or running).
    pub stale: bool,
}

/// What a row of the panel asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingAct {
    /// Select it, go to its turn and play the turn from its speech onset.
    Go,
    /// Apply its suggestion.
    Fix,
    /// "Not a problem": dismiss its kind for its turn.
    Dismiss,
}

/// The panel's own state.
#[derive(Clone, Debug, Default)]
pub struct IssuesView {
    pub show: bool,
    /// Only this kind is listed (None: all).
    pub filter: Option<Kind>,
    /// The finding the user is on (its turn and kind: indices move as the document changes).
    pub selected: Option<(TurnId, Kind)>,
    /// Scroll the list so the selected finding is in view (set when F8 moves it).
    pub scroll_to_selected: bool,
}

impl IssuesView {
    /// The findings the panel lists, in its order.
    pub fn listed<'f>(&self, findings: &'f [Finding]) -> impl Iterator<Item = &'f Finding> + 'f {
        let filter = self.filter;
        findings.iter().filter(move |f| filter.is_none_or(|k| f.kind == k))
    }

    pub fn is_selected(&self, f: &Finding) -> bool {
        self.selected == Some((f.turn_id, f.kind))
    }
}

/// A finding's row text: score, kind, turn number, time, the one-line explanation.
pub fn row_text(input: &Inputs, f: &Finding) -> String {
    let index = input.doc.turn_index(f.turn_id).unwrap_or(f.turn);
    let at = input.doc.turns.get(index).map(|t| format_otter_time(t.start_ms)).unwrap_or_default();
    format!("{:.2}  {}  #{} {at}  {}", f.score, f.kind.id(), index + 1, f.message)
}

fn progress(ui: &mut egui::Ui, input: &Inputs, out: &mut Commands) {
    let doc = input.doc;
    let (n, ms) = assist::review_progress(doc);
    let total = doc.turns.len();
    let talk: u64 = (0..total).map(|i| doc.effective_end(i) - doc.turns[i].start_ms).sum();
    let frac = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f32 / b as f32 };
    ui.add(
        egui::ProgressBar::new(frac(n as u64, total as u64))
            .text(format!("{n} of {total} turns reviewed"))
            .desired_height(16.0),
    );
    ui.add(
        egui::ProgressBar::new(frac(ms, talk))
            .text(format!("{} of {} talk time reviewed", format_otter_time(ms), format_otter_time(talk)))
            .desired_height(16.0),
    );
    let next =
        ui.small_button("Next unreviewed").on_hover_text(super::commands::info(Action::NextUnreviewed).description);
    if next.clicked() {
        out.run(Action::NextUnreviewed);
    }
}

fn filters(ui: &mut egui::Ui, view: &mut ViewState, findings: &[Finding]) {
    ui.horizontal_wrapped(|ui| {
        let all = ui.selectable_label(view.issues.filter.is_none(), format!("All ({})", findings.len()));
        if all.clicked() {
            view.issues.filter = None;
        }
        for (k, n) in assist::counts(findings) {
            let r = ui.selectable_label(view.issues.filter == Some(k), format!("{k} ({n})"));
            if r.clicked() {
                view.issues.filter = if view.issues.filter == Some(k) { None } else { Some(k) };
            }
        }
    });
}

pub fn issues(ui: &mut egui::Ui, view: &mut ViewState, input: &Inputs, out: &mut Commands) {
    let findings = input.assist.findings;
    ui.horizontal(|ui| {
        ui.heading("Issues");
        if input.assist.stale {
            ui.spinner().on_hover_text("Checking the changes…");
        }
    });
    progress(ui, input, out);
    ui.separator();
    if view.issues.filter.is_some_and(|k| !findings.iter().any(|f| f.kind == k)) {
        view.issues.filter = None;
    }
    filters(ui, view, findings);
    ui.separator();
    let listed: Vec<&Finding> = view.issues.listed(findings).collect();
    if listed.is_empty() {
        ui.label(if input.assist.stale { "Checking…" } else { "Nothing found." });
        return;
    }
    let row_h = ui.spacing().interact_size.y;
    let mut area = egui::ScrollArea::vertical().id_salt("issues-scroll").auto_shrink([false, false]);
    if std::mem::take(&mut view.issues.scroll_to_selected)
        && let Some(k) = listed.iter().position(|f| view.issues.is_selected(f))
    {
        let h = row_h + ui.spacing().item_spacing.y;
        area = area.vertical_scroll_offset((k as f32 * h - 3.0 * h).max(0.0));
    }
    area.show_rows(ui, row_h, listed.len(), |ui, rows| {
        for f in &listed[rows] {
            row(ui, view, input, f, out);
        }
    });
}

fn row(ui: &mut egui::Ui, view: &ViewState, input: &Inputs, f: &Finding, out: &mut Commands) {
    let (turn, kind) = (f.turn_id, f.kind);
    ui.horizontal(|ui| {
        let fix = ui
            .add_enabled(f.suggestion.is_some(), egui::Button::new("Fix").small())
            .on_hover_text(f.suggestion.as_ref().map_or_else(|| "No suggestion".to_string(), |s| describe(input, s)))
            .accessible_name(format!("Fix {kind} at turn {}", f.turn + 1));
        if fix.clicked() {
            out.push(Command::Finding { turn, kind, act: FindingAct::Fix });
        }
        let no = ui
            .add(egui::Button::new("Dismiss").small())
            .on_hover_text("Not a problem")
            .accessible_name(format!("Not a problem: {kind} at turn {}", f.turn + 1));
        if no.clicked() {
            out.push(Command::Finding { turn, kind, act: FindingAct::Dismiss });
        }
        let text = row_text(input, f);
        let strong = f.kind.is_speaker_kind();
        let label = if strong { RichText::new(&text).strong() } else { RichText::new(&text) };
        let r = ui
            .add(egui::Button::selectable(view.issues.is_selected(f), label).truncate())
            .on_hover_text(&text)
            .accessible_name(format!("Finding {kind} at turn {}", f.turn + 1));
        if r.clicked() {
            out.push(Command::Finding { turn, kind, act: FindingAct::Go });
        }
    });
}

/// What a suggestion would do, in words (the Fix button's hover).
pub fn describe(input: &Inputs, s: &assist::Suggestion) -> String {
    use assist::Suggestion as S;
    let name = |id| input.doc.speaker_name(id).to_string();
    match s {
        S::SetSpeaker { speaker } => format!("Give the turn to {}", name(*speaker)),
        S::MergeNext => "Merge with the next turn".into(),
        S::Split { at_ms, .. } => format!("Split the turn at {}", format_otter_time(*at_ms)),
        S::MergeSpeaker { from, into } => format!("Merge speaker {} into {}", name(*from), name(*into)),
        S::ReplaceName { from, to } => format!("Replace “{from}” with “{to}” everywhere (one undo step)"),
        S::DeleteTurn => "Delete the turn".into(),
    }
}
