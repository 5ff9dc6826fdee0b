//! The warnings from reading a file (kittest): clicking the status message opens the list, and
//! each warning about a turn jumps to it.

use egui_kittest::kittest::Queryable;
use turnfix::app::{App, AppOptions};

#[allow(dead_code)] // only the harness is used here
#[path = "common/editor.rs"]
mod editor;
use editor::harness_for;

const TALK: &str = "Ann  0:00\nHello and welcome.\n\nBob  0:05\nThanks for having me.\n\n\
Ann  0:09\n\nBob  0:12\nSo, where do we start?\n\nAnn  0:20\nAt the beginning.\n";

#[test]
fn the_status_message_opens_the_warnings_and_each_goes_to_its_turn() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("talk.txt");
    std::fs::write(&path, TALK).unwrap();
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.open_sync(&path).unwrap();
    let warnings = app.file().unwrap().warnings.clone();
    let empty = warnings.iter().find(|w| w.message.starts_with("empty turn")).expect("the empty turn is warned about");
    assert_eq!(empty.turn, Some(2), "the reader names the turn: {warnings:?}");
    let mut h = harness_for(app);
    h.run();
    assert!(h.query_by_label("Go to turn 3").is_none(), "the list is closed");
    let status = h.state().status().unwrap().to_string();
    h.get_by_label(&status).click();
    h.run();
    assert!(h.query_by_label_contains("Reading talk.txt: ").is_some(), "the file's warnings are listed");
    h.get_by_label("Go to turn 3").click();
    h.run();
    let doc = h.state().document();
    assert_eq!(h.state().current_turn(), Some(doc.turns[2].id), "the warning went to its turn");
}
