//! The editor listening to the recording (issue 11): Play this turn plays the turn's speech,
//! Follow keeps the spoken line of a long turn in view and pauses when the user scrolls by hand,
//! Snap times to speech, captions on the speech. Driven with kittest on the bundled sample
//! (`assets/sample`, 3 minutes of synthetic speech with its ground truth).

use egui::{Key, Modifiers, Pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use turnfix::app::{App, AppOptions, Command};
use turnfix::model::{Transcript, TranscriptBuilder};

#[path = "common/editor.rs"]
mod editor;
use editor::harness_for;

fn sample_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/sample")
}

/// Step until `done`, failing with `what` after `secs`.
fn wait(h: &mut Harness<'static, App>, secs: u64, what: &str, done: impl Fn(&App) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !done(h.state()) {
        assert!(Instant::now() < deadline, "{what}: {:?}", h.state().player_state());
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The app with its recording loaded and analysed.
fn analysed(h: &mut Harness<'static, App>) {
    wait(h, 120, "the recording is analysed", |a| {
        a.player_state().status == turnfix::audio::LoadStatus::Ready && a.speech_map().is_some()
    });
}

/// The sample transcript with its recording, analysed.
fn sample() -> Harness<'static, App> {
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.open_sync(&sample_dir().join("sample_otter_ai.txt")).unwrap();
    let mut h = harness_for(app);
    analysed(&mut h);
    h.run();
    h
}

#[test]
fn play_this_turn_plays_the_turn_s_speech() {
    let mut h = sample();
    // Turn 7 ("So you don't fix it for them.") is spoken 51.0–52.9 s; its time is 0:51 and the
    // next turn's 0:54. Move its time a second early, as otter's rounding might.
    let t = h.state().document().turns[6].clone();
    assert_eq!(t.start_ms, 51_000);
    h.state_mut().execute(Command::Apply(turnfix::edit::Edit::SetTiming {
        turn: t.id,
        start_ms: 50_000,
        end_ms: None,
    }));
    h.run();
    let (on, off) = h.state().turn_speech(t.id).expect("turn 7 has speech");
    assert!(on.abs_diff(51_000) <= 150 && off.abs_diff(52_892) <= 300, "speech {on}–{off}");
    h.state_mut().execute(Command::PlayTurn(t.id));
    wait(&mut h, 10, "playing", |a| a.player_state().playing);
    let first = h.state().player_state().position_ms;
    assert!(first >= on.saturating_sub(50), "starts at the speech onset ({on}), not the turn's time: {first}");
    wait(&mut h, 15, "it stops by itself", |a| !a.player_state().playing);
    let end = h.state().player_state().position_ms;
    assert!(end.abs_diff(off) <= 100 && end < 53_500, "stops at the speech end ({off}), not at 0:54: {end}");
}

/// Three turns over the sample's 3 minutes; the second is long (about a hundred lines).
fn long_turn() -> Transcript {
    let mut b = TranscriptBuilder::new();
    b.push(Some("Ann"), Some(0), None, "Hello.");
    let words: Vec<String> = (0..2500).map(|i| format!("word{i}")).collect();
    b.push(Some("Bob"), Some(2_000), None, &words.join(" "));
    b.push(Some("Ann"), Some(176_000), None, "Thank you.");
    b.finish()
}

fn long_turn_with_sample() -> Harness<'static, App> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.json");
    turnfix::session::save_json(&long_turn(), &path).unwrap();
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.open_sync(&path).unwrap();
    app.load_audio(sample_dir().join("sample_otter_ai.mp3"));
    let mut h = harness_for(app);
    analysed(&mut h);
    h.run();
    h
}

/// Where the line being spoken at `ms` is on screen, by the share of the window heard (the
/// speech is spread evenly enough over the sample for this to be within a few lines).
fn expected_line_y(h: &Harness<'static, App>, ms: u64) -> f32 {
    let r = h.get_by_label("Turn 2 text").rect();
    r.min.y + (ms - 2_000) as f32 / 174_000.0 * r.height()
}

#[test]
fn follow_keeps_the_spoken_line_of_a_long_turn_in_view_and_a_wheel_pauses_it() {
    let mut h = long_turn_with_sample();
    h.state_mut().execute(Command::Seek(150_000));
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Space);
    wait(&mut h, 10, "playing", |a| a.player_state().playing && a.player_state().position_ms >= 150_300);
    h.run_steps(5);
    let pos = h.state().player_state().position_ms;
    let row = h.get_by_label("Turn 2 text").rect();
    assert!(row.height() > 1500.0, "a long turn: {row:?}");
    let y = expected_line_y(&h, pos);
    assert!((100.0..800.0).contains(&y), "the spoken line is in view: at {y} (row {row:?})");
    assert!(h.query_by_label("Resume follow").is_none());

    // The wheel over the list scrolls it, and follow waits.
    h.hover_at(Pos2::new(600.0, 500.0));
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: vec2(0.0, 400.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
        modifiers: Modifiers::NONE,
    });
    h.run_steps(10);
    let moved = h.get_by_label("Turn 2 text").rect();
    assert!(moved.min.y > row.min.y + 100.0, "the wheel scrolled up: {row:?} -> {moved:?}");
    assert!(h.state().player_state().playing);
    h.get_by_label("Resume follow").click();
    h.run_steps(5);
    let y = expected_line_y(&h, h.state().player_state().position_ms);
    assert!((100.0..800.0).contains(&y), "back on the spoken line: {y}");
    assert!(h.query_by_label("Resume follow").is_none());
}

#[test]
fn page_down_scrolls_the_list_and_pauses_follow() {
    let mut h = long_turn_with_sample();
    h.state_mut().execute(Command::Seek(60_000));
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Space);
    wait(&mut h, 10, "playing", |a| a.player_state().playing);
    h.run_steps(5);
    let before = h.get_by_label("Turn 2 text").rect();
    h.key_press(Key::PageDown);
    h.run_steps(5);
    let after = h.get_by_label("Turn 2 text").rect();
    assert!(after.min.y < before.min.y - 300.0, "a page down: {before:?} -> {after:?}");
    assert!(h.query_by_label("Resume follow").is_some(), "follow waits");
}
