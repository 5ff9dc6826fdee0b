//! Find in the editor (kittest): every match in the visible turns is highlighted, the current
//! one is scrolled into view by its line inside a long turn, and filters left on are shown.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use turnfix::app::{App, AppOptions};
use turnfix::model::{Transcript, TranscriptBuilder};

#[allow(dead_code)] // its harness is not used: these tests need more frames
#[path = "common/editor.rs"]
mod editor;
use editor::sample;

fn open(doc: &Transcript) -> (tempfile::TempDir, Harness<'static, App>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("talk.json");
    turnfix::session::save_json(doc, &path).unwrap();
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.open_sync(&path).unwrap();
    // A long turn is measured over a few frames after a scroll: allow them.
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_max_steps(12)
        .build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    h.run();
    (dir, h)
}

fn find(h: &mut Harness<'static, App>, text: &str) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.get_by_label("Find").type_text(text);
    h.run();
}

#[test]
fn every_visible_match_is_highlighted() {
    let (_d, mut h) = open(&sample());
    find(&mut h, "cats");
    assert!(h.query_by_label("4 matches").is_some());
    let paint = h.state().find_paint().clone();
    assert_eq!(paint.highlighted, 4, "all four matches are in view and highlighted");
    assert_eq!(paint.current, None, "no current match before Next");
    h.get_by_label("Next").click();
    h.run();
    let paint = h.state().find_paint().clone();
    assert_eq!(paint.highlighted, 4);
    assert!(paint.current.is_some(), "the current match is painted");
    // Closing the bar takes the highlights away.
    h.get_by_label("Close").click();
    h.run();
    assert_eq!(h.state().find_paint().highlighted, 0);
}

/// A 3,000-word turn 36 whose only "Ilya" is near its end, after 35 short turns.
fn long_turn_doc() -> Transcript {
    let mut b = TranscriptBuilder::new();
    for i in 0..35u64 {
        b.push(Some(if i % 2 == 0 { "Ann" } else { "Bob" }), Some(i * 10_000), None, "A short turn of talk.");
    }
    let mut words: Vec<&str> = std::iter::repeat_n("words", 3000).collect();
    words[2600] = "Ilya";
    b.push(Some("Cy"), Some(350_000), None, &words.join(" "));
    b.push(Some("Ann"), Some(900_000), None, "Thanks.");
    b.finish()
}

#[test]
fn next_scrolls_the_matching_line_of_a_long_turn_into_view() {
    let (_d, mut h) = open(&long_turn_doc());
    find(&mut h, "Ilya");
    assert!(h.query_by_label("1 match").is_some());
    h.get_by_label("Next").click();
    h.run();
    assert!(h.get_by_label("Turn 36 text").is_focused());
    let paint = h.state().find_paint().clone();
    let (cur, view) = (paint.current.expect("the match is painted"), paint.viewport.unwrap());
    assert!(view.contains_rect(cur), "the match {cur:?} is inside the list's view {view:?}");
    assert_eq!(paint.highlighted, 1);
    // It is deep in the turn: the turn's own text field starts far above the view.
    let field = h.get_by_label("Turn 36 text").rect();
    assert!(field.top() < view.top() - 500.0, "the turn's top {field:?} is well above the view");
}

#[test]
fn filters_left_on_are_shown_and_can_be_cleared() {
    let (_d, mut h) = open(&sample());
    find(&mut h, "dog");
    h.get_by_label("Regex").click();
    h.run();
    h.get_by_label("Speaker filter").click();
    h.run();
    h.get_by_label("Bob").click();
    h.run();
    assert!(h.query_by_label("0 matches").is_some());
    assert!(h.query_by_label("Filtered: regex, only Bob").is_some(), "the bar says why nothing matched");
    h.get_by_label("Clear filters").click();
    h.run();
    assert!(h.query_by_label("Filtered: regex, only Bob").is_none());
    assert!(h.query_by_label("1 match").is_some(), "Cy's 'dogs' is found again");
}
