//! The editor's turns and files as users met them (issue 10): Export → Turnfix JSON keeps the
//! recording, a split keeps its result in view, and the smaller things. Driven with kittest.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::PathBuf;
use turnfix::app::{App, AppOptions};
use turnfix::model::{Transcript, TranscriptBuilder};

#[path = "common/editor.rs"]
mod editor;
use editor::{harness_for, sample, settle_loading};

fn open_in(dir: &std::path::Path, doc: &Transcript) -> (PathBuf, Harness<'static, App>) {
    let path = dir.join("talk.json");
    turnfix::session::save_json(doc, &path).unwrap();
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.open_sync(&path).unwrap();
    let mut h = harness_for(app);
    h.run();
    (path, h)
}

#[test]
fn export_to_turnfix_json_keeps_the_recording_link() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut h) = open_in(dir.path(), &sample());
    let rec = dir.path().join("recording.mp3");
    std::fs::write(&rec, b"not really audio").unwrap();
    h.state_mut().load_audio(rec.clone());
    settle_loading(&mut h);
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let out = dir.path().join("out/exported.json");
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run();
    h.get_by_label("Turnfix JSON").click();
    h.run();
    h.state_mut().export_dialog_mut().unwrap().path = out.display().to_string();
    h.get_by_label("Export").click();
    h.step();
    h.state_mut().wait_for_jobs();
    h.run();
    let back = turnfix::session::open(&out).unwrap();
    let link = back.doc.audio.as_ref().expect("the exported JSON links the recording");
    assert_eq!(link.path, "../recording.mp3");
    let resolved = turnfix::session::resolve_audio(&out, link);
    assert_eq!(resolved.canonicalize().unwrap(), rec.canonicalize().unwrap());
}

/// Thirty turns; turn 10 is long (a dozen lines or so).
fn long_turns() -> Transcript {
    let mut b = TranscriptBuilder::new();
    for i in 0..30u64 {
        let text = if i == 9 { "word ".repeat(300).trim_end().to_string() } else { format!("Turn number {i}.") };
        b.push(Some(if i % 2 == 0 { "Ann" } else { "Bob" }), Some(i * 10_000), None, &text);
    }
    b.finish()
}

#[test]
fn split_keeps_the_cursor_s_turn_in_place_and_focuses_the_new_turn() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut h) = open_in(dir.path(), &long_turns());
    let id = h.state().document().turns[9].id;
    // The cursor in the middle of the long turn, then Ctrl+Enter.
    h.state_mut().focus_turn(id, Some(600));
    h.run();
    let before = h.get_by_label("Turn 10 text").rect();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    h.run();
    let d = h.state().document();
    assert_eq!(d.turns.len(), 31);
    assert!(d.turns[10].start_estimated, "the new turn's start is an estimate");
    assert!((h.get_by_label("Turn 10 text").rect().min.y - before.min.y).abs() < 1.0, "the cursor's turn stays put");
    let new = h.get_by_label("Turn 11 text");
    assert!(new.is_focused(), "the new turn has the focus");
    let r = new.rect();
    assert!(r.min.y >= 0.0 && r.min.y < 900.0, "the new turn is in view: {r:?}");
}

#[test]
fn the_chip_menu_s_scope_is_for_one_use() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut h) = open_in(dir.path(), &sample());
    h.get_by_label("Turn 2 speaker").click();
    h.run();
    h.get_by_label("Every turn of Bob").click();
    h.run();
    h.get_by_label("Assign Cy").click();
    h.run();
    let names = |h: &Harness<'static, App>| {
        let d = h.state().document();
        d.turns.iter().map(|t| d.speaker_name(t.speaker).to_string()).collect::<Vec<_>>()
    };
    assert_eq!(names(&h), ["Ann", "Cy", "Cy", "Ann", "Cy", "Cy"]);
    // Next use, without touching "Apply to": only this turn.
    h.get_by_label("Turn 1 speaker").click();
    h.run();
    h.get_by_label("Assign Bob").click();
    h.run();
    assert_eq!(names(&h), ["Bob", "Cy", "Cy", "Ann", "Cy", "Cy"]);
}

#[test]
fn one_match_is_one_match() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut h) = open_in(dir.path(), &sample());
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.get_by_label("Find").type_text("dogs");
    h.run();
    let shown = h.query_by_label("1 match").or_else(|| h.query_by_label("1 of 1 match"));
    assert!(shown.is_some(), "not “1 matches”");
}

#[test]
fn go_to_a_turn_number_moves_the_playhead() {
    let txt = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/sample/sample_otter_ai.txt");
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.open_sync(&txt).unwrap();
    let mut h = harness_for(app);
    settle_loading(&mut h);
    assert_eq!(h.state().player_state().status, turnfix::audio::LoadStatus::Ready, "the recording loads");
    let target = h.state().document().turns[2].start_ms;
    assert!(target > 0, "turn 3 starts after the beginning");
    h.key_press_modifiers(Modifiers::COMMAND, Key::G);
    h.run();
    h.get_by_label("Time or turn number").type_text("#3");
    h.run();
    h.key_press(Key::Enter);
    h.run();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while h.state().player_state().position_ms.abs_diff(target) > 50 {
        assert!(
            std::time::Instant::now() < deadline,
            "the playhead moves to turn 3 ({target} ms): {}",
            h.state().player_state().position_ms
        );
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn a_status_message_ends_with_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut h) = open_in(dir.path(), &sample());
    let first = h.state().document().turns[0].id;
    h.state_mut().focus_turn(first, None);
    h.run();
    // Merge with the previous turn, on the first turn: refused, and said in the status bar.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::M);
    h.run();
    let said = h.state().status().expect("the refusal is told").to_string();
    assert!(h.query_by_label(&said).is_some(), "shown in the status bar: {said}");
    h.state_mut().close();
    h.run();
    assert_eq!(h.state().status(), None);
    assert!(h.query_by_label(&said).is_none(), "the status bar no longer says it");
    assert!(h.state().notifications().iter().any(|n| n.text == said), "the Messages list keeps it");
}

#[test]
fn the_export_button_stays_put_between_formats() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut h) = open_in(dir.path(), &sample());
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run();
    let mut seen = Vec::new();
    for f in turnfix::export::ExportFormat::ALL {
        h.get_by_label(f.name()).click();
        h.run();
        seen.push((f.name(), h.get_by_label("Export").rect()));
    }
    let first = seen[0].1;
    for (name, r) in &seen {
        assert!((r.min - first.min).length() < 0.5, "{name}: the Export button moved from {first:?} to {r:?}");
    }
}

#[test]
fn previous_and_next_stay_put_while_the_count_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut h) = open_in(dir.path(), &sample());
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.get_by_label("Find").type_text("a");
    h.run();
    assert!(h.query_by_label_contains("1 match").is_none(), "many matches of “a”");
    let (prev, next) = (h.get_by_label("Previous").rect(), h.get_by_label("Next").rect());
    // "a" then "ats are": a two-digit count down to one match; the count's text gets shorter.
    h.get_by_label("Find").type_text("ts are");
    h.run();
    assert!(h.query_by_label_contains("1 match").is_some(), "one match of “ats are”");
    assert_eq!(h.get_by_label("Previous").rect(), prev);
    assert_eq!(h.get_by_label("Next").rect(), next);
}

#[test]
fn a_reviewed_turn_shows_its_mark_in_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = sample();
    doc.turns[1].reviewed = true;
    let (_path, mut h) = open_in(dir.path(), &doc);
    h.get_by_label("Turn 2 reviewed");
    assert!(h.query_by_label("Turn 1 reviewed").is_none(), "only the reviewed turn");
    // Toggled by the key, like any review.
    let first = h.state().document().turns[0].id;
    h.state_mut().focus_turn(first, None);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::R);
    h.run();
    h.run();
    assert!(h.state().document().turns[0].reviewed);
    h.get_by_label("Turn 1 reviewed");
    h.key_press_modifiers(Modifiers::COMMAND, Key::R);
    h.run();
    h.run();
    assert!(h.query_by_label("Turn 1 reviewed").is_none(), "gone when toggled off");
}
