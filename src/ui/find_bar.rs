//! The find and replace bar.

use super::{Command, Commands, Inputs, ViewState};
use egui::RichText;

pub fn find_bar(ui: &mut egui::Ui, view: &mut ViewState, input: &Inputs, out: &mut Commands) {
    let find = &mut view.find;
    ui.horizontal_wrapped(|ui| {
        let f = ui
            .add(egui::TextEdit::singleline(&mut find.query.text).hint_text("Find").desired_width(180.0))
            .accessible_name("Find");
        if find.focus_field {
            f.request_focus();
            find.focus_field = false;
        }
        let enter = f.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.add(egui::TextEdit::singleline(&mut find.replace).hint_text("Replace with").desired_width(180.0))
            .accessible_name("Replace with");
        let q = &mut find.query;
        ui.checkbox(&mut q.case_sensitive, "Case");
        ui.checkbox(&mut q.whole_word, "Whole word");
        ui.checkbox(&mut q.regex, "Regex");
        let sel = q.speaker.and_then(|s| input.doc.speaker(s)).map_or("All speakers".to_string(), |s| s.name.clone());
        let combo = egui::ComboBox::from_id_salt("find-speaker").selected_text(sel).show_ui(ui, |ui| {
            ui.selectable_value(&mut q.speaker, None, "All speakers");
            for s in &input.doc.speakers {
                ui.selectable_value(&mut q.speaker, Some(s.id), &s.name);
            }
        });
        let _ = combo.response.accessible_name("Speaker filter");
        find.refresh(input.doc, input.revision);
        let n = find.matches().len();
        if let Some(e) = &find.error {
            ui.label(RichText::new(format!("bad pattern: {e}")).color(ui.visuals().error_fg_color));
        } else {
            let text = match_count(find.current, n);
            // A fixed width, so Previous and Next stay put while the count changes.
            let h = ui.spacing().interact_size.y;
            ui.add_sized([COUNT_WIDTH, h], egui::Label::new(text).truncate());
        }
        if ui.add_enabled(n > 0, egui::Button::new("Previous")).clicked() {
            out.push(Command::FindStep { forward: false });
        }
        if ui.add_enabled(n > 0, egui::Button::new("Next")).clicked() || (enter && n > 0) {
            out.push(Command::FindStep { forward: true });
        }
        if ui.add_enabled(n > 0, egui::Button::new("Replace")).clicked() {
            out.push(Command::ReplaceCurrent);
        }
        if ui.add_enabled(n > 0, egui::Button::new("Replace all")).clicked() {
            out.push(Command::ReplaceAll);
        }
        if ui.small_button("Close").clicked() {
            find.open = false;
        }
        filters_note(ui, &mut find.query, input);
    });
}

/// Say so when Regex or a speaker filter narrows the search, with a button that clears both: a
/// plain search must not give "0 matches" because of a filter left on from before.
fn filters_note(ui: &mut egui::Ui, q: &mut super::find::Query, input: &Inputs) {
    let mut on = Vec::new();
    if q.regex {
        on.push("regex".to_string());
    }
    if let Some(s) = q.speaker {
        on.push(format!("only {}", input.doc.speaker(s).map_or("?", |s| s.name.as_str())));
    }
    if on.is_empty() {
        return;
    }
    let color = ui.visuals().warn_fg_color;
    ui.label(RichText::new(format!("Filtered: {}", on.join(", "))).color(color).strong());
    if ui.button("Clear filters").on_hover_text("Plain text, all speakers").clicked() {
        q.regex = false;
        q.speaker = None;
    }
}

/// Width of the match count ("1,234 of 5,678 matches" fits).
const COUNT_WIDTH: f32 = 150.0;

/// "1 match", "3 matches", "2 of 3 matches".
pub(crate) fn match_count(current: Option<usize>, n: usize) -> String {
    let noun = if n == 1 { "match" } else { "matches" };
    match current {
        Some(c) if n > 0 => format!("{} of {n} {noun}", c + 1),
        _ => format!("{n} {noun}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_match_is_singular() {
        assert_eq!(super::match_count(None, 1), "1 match");
        assert_eq!(super::match_count(Some(0), 1), "1 of 1 match");
        assert_eq!(super::match_count(Some(1), 4), "2 of 4 matches");
        assert_eq!(super::match_count(None, 0), "0 matches");
    }
}
