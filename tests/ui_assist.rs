//! The correction assistant in the editor (issue 12): the issues panel, F8 / Shift+F8, the quick
//! fix, "not a problem" (saved, surviving a reload), the reviewed state with its progress, "next
//! unreviewed", and findings that follow edits. Driven with kittest.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use turnfix::app::{App, AppOptions};
use turnfix::assist::Kind;
use turnfix::model::{Transcript, TranscriptBuilder};

#[path = "common/editor.rs"]
mod editor;
use editor::{harness_with_max_steps, settle};

/// A short interview with known faults: Ann thanks Bob but Cy answers (a handoff), Bob's two
/// turns in a row (a run), an empty turn.
fn faulty() -> Transcript {
    let mut b = TranscriptBuilder::new();
    b.push(Some("Ann"), Some(0), None, "Welcome to the programme. Bob, what brought you here?");
    b.push(Some("Bob"), Some(5_000), None, "I came to talk about the harbour and the ships.");
    b.push(Some("Bob"), Some(9_000), None, "And the people who work there every day.");
    b.push(Some("Ann"), Some(14_000), None, "Thank you, Bob. Cy, you have worked on the docks?");
    b.push(Some("Bob"), Some(20_000), None, "Yes, for twenty years, on the night shift mostly.");
    b.push(Some("Ann"), Some(30_000), None, "");
    b.push(Some("Cy"), Some(34_000), None, "It was hard work, but we were proud of it.");
    b.finish()
}

fn open(dir: &Path, doc: &Transcript) -> (PathBuf, Harness<'static, App>) {
    let path = dir.join("talk.json");
    turnfix::session::save_json(doc, &path).unwrap();
    (path.clone(), reopen(&path))
}

fn reopen(path: &Path) -> Harness<'static, App> {
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.open_sync(path).unwrap();
    let mut h = harness_with_max_steps(app, 16);
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    settle(&mut h);
    h.state_mut().wait_for_jobs();
    settle(&mut h);
    h
}

fn has(h: &Harness<'static, App>, kind: Kind, index: usize) -> bool {
    let d = h.state().document();
    h.state().findings().iter().any(|f| f.kind == kind && d.turn_index(f.turn_id) == Some(index))
}

fn current_index(h: &Harness<'static, App>) -> Option<usize> {
    let app = h.state();
    app.current_turn().and_then(|t| app.document().turn_index(t))
}

#[test]
fn the_panel_lists_findings_by_kind_with_counts_and_a_click_goes_to_the_turn() {
    let dir = tempfile::tempdir().unwrap();
    let (_p, mut h) = open(dir.path(), &faulty());
    assert!(has(&h, Kind::SpeakerHandoff, 4), "{:#?}", h.state().findings());
    assert!(has(&h, Kind::SameSpeakerRun, 1));
    assert!(has(&h, Kind::EmptyTurn, 5));
    let n = h.state().findings().len();
    h.get_by_label(&format!("All ({n})"));
    let runs = h.state().findings().iter().filter(|f| f.kind == Kind::SameSpeakerRun).count();
    // Filter by kind: only that kind's rows are left.
    h.get_by_label(&format!("same-speaker-run ({runs})")).click();
    settle(&mut h);
    assert!(h.query_by_label("Finding empty-turn at turn 6").is_none(), "filtered out");
    h.get_by_label("Finding same-speaker-run at turn 2").click();
    settle(&mut h);
    assert_eq!(current_index(&h), Some(1), "the click went to the turn");
    assert_eq!(h.state().selected_finding().map(|s| s.1), Some(Kind::SameSpeakerRun));
    // All again: the empty turn is back.
    h.get_by_label(&format!("All ({n})")).click();
    settle(&mut h);
    h.get_by_label("Finding empty-turn at turn 6");
}

#[test]
fn f8_and_shift_f8_step_through_the_findings_in_the_list_s_order() {
    let dir = tempfile::tempdir().unwrap();
    let (_p, mut h) = open(dir.path(), &faulty());
    let order: Vec<_> = h.state().findings().iter().map(|f| (f.turn_id, f.kind)).collect();
    assert!(order.len() >= 3);
    h.key_press(Key::F8);
    settle(&mut h);
    assert_eq!(h.state().selected_finding(), Some(order[0]));
    assert_eq!(h.state().current_turn(), Some(order[0].0), "the finding's turn is the current one");
    h.key_press(Key::F8);
    settle(&mut h);
    assert_eq!(h.state().selected_finding(), Some(order[1]));
    h.key_press_modifiers(Modifiers::SHIFT, Key::F8);
    settle(&mut h);
    assert_eq!(h.state().selected_finding(), Some(order[0]));
    h.key_press_modifiers(Modifiers::SHIFT, Key::F8);
    settle(&mut h);
    assert_eq!(h.state().selected_finding(), order.last().copied(), "wraps round to the last");
    // With the panel hidden, F8 shows it again.
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    settle(&mut h);
    assert!(h.query_by_label("0 of 7 turns reviewed").is_none(), "hidden");
    h.key_press(Key::F8);
    settle(&mut h);
    h.get_by_label("0 of 7 turns reviewed");
    assert_eq!(h.state().selected_finding(), Some(order[0]));
}

#[test]
fn the_quick_fix_is_one_undoable_edit() {
    let dir = tempfile::tempdir().unwrap();
    let (_p, mut h) = open(dir.path(), &faulty());
    let before = h.state().document().clone();
    let f = h.state().findings().iter().find(|f| f.kind == Kind::SpeakerHandoff).unwrap().clone();
    let to = f.suggestion.as_ref().and_then(|s| s.speaker()).expect("a speaker is suggested");
    assert_eq!(h.state().document().speaker_name(to), "Cy");
    h.get_by_label("Finding speaker-handoff at turn 5").click();
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Period);
    settle(&mut h);
    assert_eq!(h.state().document().turns[4].speaker, to, "Ctrl+. gave the turn to Cy");
    h.state_mut().recheck_now();
    settle(&mut h);
    assert!(!has(&h, Kind::SpeakerHandoff, 4), "the finding is gone after the re-check");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert_eq!(h.state().document(), &before, "one undo restores the document");
    // The row's Fix button does the same: the run merges into one turn.
    h.get_by_label("Fix same-speaker-run at turn 2").click();
    settle(&mut h);
    assert_eq!(h.state().document().turns.len(), before.turns.len() - 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert_eq!(h.state().document(), &before);
}

#[test]
fn not_a_problem_is_undoable_saved_and_survives_a_reload() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut h) = open(dir.path(), &faulty());
    h.get_by_label("Not a problem: same-speaker-run at turn 2").click();
    settle(&mut h);
    assert!(!has(&h, Kind::SameSpeakerRun, 1), "gone from the list at once");
    assert_eq!(h.state().document().turns[1].dismissed, ["same-speaker-run"]);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert!(h.state().document().turns[1].dismissed.is_empty(), "undone");
    h.state_mut().recheck_now();
    assert!(has(&h, Kind::SameSpeakerRun, 1), "back after undo");
    // Again with the key, then save and open again.
    h.get_by_label("Finding same-speaker-run at turn 2").click();
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::D);
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    settle(&mut h);
    h.state_mut().wait_for_jobs();
    drop(h);
    let h = reopen(&path);
    assert_eq!(h.state().document().turns[1].dismissed, ["same-speaker-run"]);
    assert!(!has(&h, Kind::SameSpeakerRun, 1), "still dismissed after the reload");
    assert!(has(&h, Kind::EmptyTurn, 5), "other findings stay");
}

#[test]
fn reviewed_turns_toggle_show_progress_and_next_unreviewed_skips_them() {
    let dir = tempfile::tempdir().unwrap();
    let (_p, mut h) = open(dir.path(), &faulty());
    h.get_by_label("0 of 7 turns reviewed");
    let ids: Vec<_> = h.state().document().turns.iter().map(|t| t.id).collect();
    h.state_mut().focus_turn(ids[0], None);
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::R);
    settle(&mut h);
    assert!(h.state().document().turns[0].reviewed);
    h.state_mut().focus_turn(ids[1], None);
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::R);
    settle(&mut h);
    h.get_by_label("2 of 7 turns reviewed");
    // Talk time: turns 1 and 2 run 0:00 to 0:09 of 0:34.
    h.get_by_label("0:09 of 0:34 talk time reviewed");
    // Next unreviewed from turn 1 skips turn 2.
    h.state_mut().focus_turn(ids[0], None);
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::R);
    settle(&mut h);
    assert_eq!(current_index(&h), Some(2));
    // Toggling again, and undo, are ordinary edits.
    h.state_mut().focus_turn(ids[1], None);
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::R);
    settle(&mut h);
    assert!(!h.state().document().turns[1].reviewed);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert!(h.state().document().turns[1].reviewed);
    h.get_by_label("2 of 7 turns reviewed");
}

#[test]
fn findings_follow_edits_on_the_task_runner_after_a_pause() {
    let dir = tempfile::tempdir().unwrap();
    let (_p, mut h) = open(dir.path(), &faulty());
    assert!(has(&h, Kind::EmptyTurn, 5));
    let id = h.state().document().turns[5].id;
    h.state_mut().execute(turnfix::app::Command::Typed { turn: id, text: "Right.".into() });
    h.step();
    h.state_mut().wait_for_jobs();
    assert!(has(&h, Kind::EmptyTurn, 5), "not re-checked on the keystroke's frame");
    // kittest steps a quarter of a second: two steps pass the pause.
    h.step();
    h.step();
    h.state_mut().wait_for_jobs();
    h.run();
    assert!(!has(&h, Kind::EmptyTurn, 5), "re-checked after the pause: {:#?}", h.state().findings());
}
