//! The name-spelling quick fix previews its replacements (how many, in which turns) in a dialog;
//! Replace all applies them as one undoable edit, Cancel or Escape changes nothing. Driven with kittest.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use turnfix::app::{App, AppOptions};
use turnfix::model::{Transcript, TranscriptBuilder};

#[path = "common/editor.rs"]
mod editor;
use editor::{harness_with_max_steps, settle};

/// "Mariupal" for the keyword "Mariupol": twice in turn 2, once in turn 3.
fn misspelt() -> Transcript {
    let mut b = TranscriptBuilder::new();
    b.push(Some("Ann"), Some(0), None, "We flew out on Monday, all of us together.");
    b.push(Some("Bob"), Some(5_000), None, "It was cold in Mariupal, and Mariupal was far away.");
    b.push(Some("Ann"), Some(9_000), None, "And you stayed in Mariupal for the winter?");
    let mut d = b.finish();
    d.metadata.keywords = vec!["Mariupol".into()];
    d
}

fn texts(h: &Harness<'static, App>) -> Vec<String> {
    h.state().document().turns.iter().map(|t| t.text.clone()).collect()
}

#[test]
fn the_spelling_fix_previews_then_replaces_everywhere_as_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("talk.json");
    turnfix::session::save_json(&misspelt(), &path).unwrap();
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.open_sync(&path).unwrap();
    let mut h = harness_with_max_steps(app, 16);
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    settle(&mut h);
    let before = texts(&h);

    // The fix asks first: the count, and each turn it changes.
    h.get_by_label("Fix name-spelling at turn 2").click();
    settle(&mut h);
    h.get_by_label("3 replacements in 2 turns");
    h.get_by_label("Turn 2 (2): It was cold in Mariupol, and Mariupol was far away.");
    h.get_by_label("Turn 3 (1): And you stayed in Mariupol for the winter?");
    assert_eq!(texts(&h), before, "nothing changes before the answer");
    h.get_by_label("Cancel").click();
    settle(&mut h);
    assert!(h.query_by_label("3 replacements in 2 turns").is_none(), "the preview closed");
    assert_eq!(texts(&h), before, "Cancel changes nothing");
    h.get_by_label("Fix name-spelling at turn 2").click();
    settle(&mut h);
    h.key_press(Key::Escape);
    settle(&mut h);
    assert!(h.query_by_label("3 replacements in 2 turns").is_none(), "Escape closes it");
    assert_eq!(texts(&h), before, "Escape changes nothing");

    h.get_by_label("Fix name-spelling at turn 2").click();
    settle(&mut h);
    h.get_by_label("Replace all").click();
    settle(&mut h);
    let after = texts(&h);
    assert!(after.iter().all(|t| !t.contains("Mariupal")), "{after:?}");
    assert_eq!(after.iter().map(|t| t.matches("Mariupol").count()).sum::<usize>(), 3);
    // One step undoes every replacement.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert_eq!(texts(&h), before);
}
