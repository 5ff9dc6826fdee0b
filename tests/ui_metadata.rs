//! The document info panel (kittest): the metadata and the set-aside text can be read and
//! edited, each change one undoable edit.

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use turnfix::app::{App, AppOptions};
use turnfix::model::Aside;

#[path = "common/editor.rs"]
mod editor;
use editor::{harness_for, sample};

#[test]
fn metadata_and_aside_are_shown_edited_and_undone() {
    let mut doc = sample();
    doc.metadata.title = Some("Cats and dogs".into());
    doc.metadata.summary = Some("A talk about cats.".into());
    doc.metadata.keywords = vec!["cats".into(), "dogs".into()];
    doc.aside.push(Aside { line: 40, text: "Page 1 of 2".into() });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("talk.json");
    turnfix::session::save_json(&doc, &path).unwrap();
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.open_sync(&path).unwrap();
    let mut h = harness_for(app);
    h.run();
    h.get_by_label("Document info").click();
    h.run();
    assert_eq!(h.get_by_label("Title, edit").value().as_deref(), Some("Cats and dogs"));
    assert_eq!(h.get_by_label("Keywords (comma-separated), edit").value().as_deref(), Some("cats, dogs"));
    assert_eq!(h.get_by_label("Set aside 1 (from line 40), edit").value().as_deref(), Some("Page 1 of 2"));
    // Type in the summary, then move to the title: one edit.
    h.get_by_label("Summary, edit").click();
    h.run();
    h.get_by_label("Summary, edit").type_text(" And dogs.");
    h.run();
    assert_eq!(h.state().document().metadata.summary.as_deref(), Some("A talk about cats."), "not until it is left");
    h.get_by_label("Keywords (comma-separated), edit").click();
    h.run();
    h.get_by_label("Keywords (comma-separated), edit").type_text(", birds");
    h.run();
    h.get_by_label("Set aside 1 (from line 40), edit").focus();
    h.run();
    let d = h.state().document();
    assert_eq!(d.metadata.summary.as_deref(), Some("A talk about cats. And dogs."));
    assert_eq!(d.metadata.keywords, ["cats", "dogs", "birds"]);
    assert_eq!(h.state().history().undo_len(), 2, "each field left changed is one edit");
    // The set-aside text is edited the same way.
    h.get_by_label("Set aside 1 (from line 40), edit").type_text(" (footer)");
    h.run();
    h.get_by_label("Title, edit").click();
    h.run();
    assert_eq!(h.state().document().aside[0].text, "Page 1 of 2 (footer)");
    assert!(h.state().history().is_dirty());
    // Undo all three: the document as opened, and the panel shows it.
    for _ in 0..3 {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        h.run();
    }
    let d = h.state().document();
    assert_eq!((&d.metadata, &d.aside), (&doc.metadata, &doc.aside));
    assert!(!h.state().history().is_dirty());
    assert_eq!(h.get_by_label("Summary, edit").value().as_deref(), Some("A talk about cats."));
}
