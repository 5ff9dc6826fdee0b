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
use editor::{harness_for, settle_loading};

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
    settle_loading(&mut h);
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
    settle_loading(&mut h);
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
    wait(&mut h, 10, "the seek lands", |a| a.player_state().position_ms >= 150_000);
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
    wait(&mut h, 10, "the seek lands", |a| a.player_state().position_ms >= 60_000);
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

#[test]
fn snap_times_to_speech_previews_then_applies_one_undoable_edit() {
    let mut h = sample();
    // otter's rounding, a second early, on turns 3 and 7 (spoken from 0:23 and 0:51).
    let d = h.state().document().clone();
    for (i, ms) in [(2, 22_000), (6, 50_000)] {
        let edit = turnfix::edit::Edit::SetTiming { turn: d.turns[i].id, start_ms: ms, end_ms: None };
        h.state_mut().execute(Command::Apply(edit));
    }
    h.run();
    let before = h.state().document().clone();
    let undos = h.state().history().undo_len();
    h.state_mut().run(turnfix::ui::Action::SnapToSpeech);
    h.run();
    let Some(turnfix::app::Modal::Snap(offer)) = h.state().modal().cloned() else { panic!("the preview is shown") };
    assert!(h.query_by_label(&offer.summary).is_some(), "the summary is shown: {}", offer.summary);
    for (n, from, truth) in [(3, 22_000, 23_000), (7, 50_000, 51_000)] {
        let m = offer.moves.iter().find(|m| m.0 == n).unwrap_or_else(|| panic!("turn {n} moves: {:?}", offer.moves));
        assert!(m.1 == from && m.2.abs_diff(truth) <= 150, "turn {n}: {m:?}");
    }
    assert_eq!(h.state().document(), &before, "nothing moves before Apply");
    h.get_by_label("Apply").click();
    h.run();
    assert!(h.state().modal().is_none());
    let after = h.state().document();
    assert!(after.turns[2].start_ms.abs_diff(23_000) <= 150 && after.turns[6].start_ms.abs_diff(51_000) <= 150);
    assert_eq!(h.state().history().undo_len(), undos + 1, "one undo step");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    let starts = |d: &Transcript| d.turns.iter().map(|t| t.start_ms).collect::<Vec<_>>();
    assert_eq!(starts(h.state().document()), starts(&before), "undo restores every time");
}

#[test]
fn exported_captions_sit_on_the_speech_unless_turned_off() {
    let mut h = sample();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("captions.srt");
    let export = |h: &mut Harness<'static, App>, on_speech: Option<bool>| {
        h.key_press_modifiers(Modifiers::COMMAND, Key::E);
        h.run();
        h.get_by_label("SubRip captions (SRT)").click();
        h.run();
        assert!(h.state().export_dialog().unwrap().options.captions_on_speech, "on by default");
        if let Some(false) = on_speech {
            h.get_by_label("Captions on the speech in the recording").click();
            h.run();
        }
        h.state_mut().export_dialog_mut().unwrap().path = out.display().to_string();
        h.get_by_label("Export").click();
        h.step();
        h.state_mut().wait_for_jobs();
        h.run();
        if h.state().export_dialog().is_some() {
            // Replace the file written before.
            h.get_by_label("Replace").click();
            h.step();
            h.state_mut().wait_for_jobs();
            h.run();
        }
        std::fs::read_to_string(&out).unwrap()
    };
    let doc = h.state().document().clone();
    let opts = turnfix::export::ExportOptions::default();
    let segments = h.state().speech_map().unwrap().segments().to_vec();
    let on_speech = turnfix::export::captions::write_srt_on_speech(&doc, &opts, Some(&segments));
    let plain = turnfix::export::captions::write_srt_on_speech(&doc, &opts, None);
    assert_ne!(on_speech, plain);
    assert_eq!(export(&mut h, None), on_speech, "cues on the speech");
    let mut off = opts.clone();
    off.captions_on_speech = false;
    assert_eq!(
        export(&mut h, Some(false)),
        turnfix::export::captions::write_srt_on_speech(&doc, &off, None),
        "turned off"
    );
}
