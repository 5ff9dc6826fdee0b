//! Opening, closing and discarding leave one consistent state (kittest): a document without a
//! recording has no sound and no waveform from the one before; Discard throws the edits away.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use turnfix::app::{App, AppOptions};
use turnfix::audio::LoadStatus;

#[path = "common/editor.rs"]
mod editor;
use editor::{harness_for, sample, settle_loading};

fn wait(h: &mut Harness<'static, App>, what: &str, done: impl Fn(&App) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(h.state()) {
        assert!(Instant::now() < deadline, "{what}: {:?}", h.state().player_state().status);
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_document_without_a_recording_unloads_the_old_one() {
    let txt = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/sample/sample_otter_ai.txt");
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.open_sync(&txt).unwrap();
    let mut h = harness_for(app);
    wait(&mut h, "the sample's recording loads", |a| {
        a.player_state().status == LoadStatus::Ready && a.waveform_progress() >= 1.0
    });
    // A JSON with no recording, alone in its folder.
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("other.json");
    turnfix::session::save_json(&sample(), &json).unwrap();
    h.state_mut().open_sync(&json).unwrap();
    settle_loading(&mut h);
    wait(&mut h, "the old recording is unloaded", |a| a.player_state().status == LoadStatus::NoFile);
    settle_loading(&mut h);
    let a = h.state();
    assert_eq!(a.audio_path(), None);
    assert_eq!(a.waveform_progress(), 0.0, "no waveform of the old recording");
    assert_eq!(a.player_state().duration_ms, None);
    assert!(h.query_by_label("No recording").is_some(), "the transport says so");
    assert!(h.query_by_label_contains("No recording was found beside the transcript.").is_some(), "the banner");
    assert!(h.get_by_label("Play").accesskit_node().is_disabled(), "Play has nothing to play");
}

#[test]
fn discard_in_the_open_prompt_throws_the_edits_away() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("talk.json");
    turnfix::session::save_json(&sample(), &path).unwrap();
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.open_sync(&path).unwrap();
    let mut h = harness_for(app);
    h.run();
    h.get_by_label("Turn 2 text").click();
    h.run();
    h.get_by_label("Turn 2 text").type_text("x");
    h.run();
    assert!(h.state().history().is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.run();
    assert!(h.query_by_label("Save changes?").is_some());
    h.get_by_label("Discard").click();
    h.run();
    // The open dialog (none headless, as if cancelled) leaves no edited document marked clean.
    let a = h.state();
    assert!(a.file().is_none(), "the discarded document is closed");
    assert!(a.document().turns.iter().all(|t| !t.text.ends_with('x')), "the edit is gone from the screen");
    assert!(h.query_by_label("Turn 2 text").is_none());
    assert!(!a.history().is_dirty());
    assert_eq!(a.title(), "Turnfix");
    // Opening the file again shows it as saved.
    h.state_mut().open_sync(&path).unwrap();
    h.run();
    assert_eq!(h.state().document().turns, sample().turns);
}
