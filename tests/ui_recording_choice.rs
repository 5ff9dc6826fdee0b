//! Several audio files beside a transcript (kittest): the editor asks which is the recording,
//! proposing the best fit by name, and uses the one chosen.

use egui_kittest::kittest::{NodeT, Queryable};
use std::path::PathBuf;
use turnfix::app::{App, AppOptions};

#[path = "common/editor.rs"]
mod editor;
use editor::{harness_for, settle_loading};

fn folder() -> tempfile::TempDir {
    let assets = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/sample");
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(assets.join("sample_otter_ai.txt"), dir.path().join("sample_otter_ai.txt")).unwrap();
    for name in ["GMT20251230-200427_Recording.mp3", "sample.mp3"] {
        std::fs::copy(assets.join("sample_otter_ai.mp3"), dir.path().join(name)).unwrap();
    }
    dir
}

#[test]
fn several_recordings_are_asked_about_with_the_best_proposed() {
    let dir = folder();
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.open_sync(&dir.path().join("sample_otter_ai.txt")).unwrap();
    let mut h = harness_for(app);
    settle_loading(&mut h);
    assert!(h.query_by_label("Which file is the recording?").is_some(), "the editor asks");
    assert!(h.query_by_label_contains("sample.mp3").is_some());
    let best = h.get_by_label_contains("— best fit").accesskit_node().label().unwrap_or_default();
    assert!(best.starts_with("sample.mp3"), "the same name is proposed: {best}");
    // Choose the other one.
    h.get_by_label_contains("GMT20251230-200427_Recording.mp3").click();
    h.run();
    h.get_by_label("Use this recording").click();
    // The recording loads on the audio worker (a spinner meanwhile): a few frames, not a settle.
    h.run_steps(3);
    let a = h.state();
    assert_eq!(a.audio_path(), Some(dir.path().join("GMT20251230-200427_Recording.mp3").as_path()));
    assert!(a.modal().is_none());
    assert!(a.status().is_some_and(|s| s.contains("GMT20251230-200427_Recording.mp3")), "{:?}", a.status());
}

#[test]
fn one_recording_is_not_asked_about() {
    let dir = folder();
    std::fs::remove_file(dir.path().join("sample.mp3")).unwrap();
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.open_sync(&dir.path().join("sample_otter_ai.txt")).unwrap();
    let mut h = harness_for(app);
    settle_loading(&mut h);
    assert!(h.query_by_label("Which file is the recording?").is_none());
    assert_eq!(h.state().audio_path(), Some(dir.path().join("GMT20251230-200427_Recording.mp3").as_path()));
}
