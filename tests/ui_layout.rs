//! The window at its default size and at 900×600 (kittest): the toolbar wraps instead of being
//! cut off, the waveform stays inside the window, and its visible right edge seeks to the end.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use turnfix::app::{App, AppOptions};
use turnfix::audio::LoadStatus;

#[path = "common/editor.rs"]
mod editor;

fn editor_at(w: f32, h: f32) -> Harness<'static, App> {
    let txt = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/sample/sample_otter_ai.txt");
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.open_sync(&txt).unwrap();
    let mut h = Harness::builder()
        .with_size(egui::vec2(w, h))
        .with_accessibility_check(false)
        .build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    let deadline = Instant::now() + Duration::from_secs(60);
    while !(h.state().player_state().status == LoadStatus::Ready && h.state().waveform_progress() >= 1.0) {
        assert!(Instant::now() < deadline, "the recording loads: {:?}", h.state().player_state().status);
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    editor::settle_loading(&mut h);
    h
}

fn check_inside(w: f32, h: f32) {
    let mut hs = editor_at(w, h);
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w, h));
    for label in ["Play", "Play turn", "Loop turn", "Follow", "+", "-", "Waveform", "File", "View"] {
        let r = hs.get_by_label(label).rect();
        eprintln!("{label} {r:?}");
        assert!(screen.expand(0.5).contains_rect(r), "at {w}×{h}, {label:?} at {r:?} is cut off");
    }
    // A click 2 px inside the waveform's right edge seeks to within 2% of the end.
    let wave = hs.get_by_label("Waveform").rect();
    let at = egui::pos2(wave.right() - 2.0, wave.center().y);
    hs.input_mut().events.push(egui::Event::PointerMoved(at));
    hs.step();
    for pressed in [true, false] {
        hs.input_mut().events.push(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        hs.step();
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    let st = |hs: &Harness<'static, App>| hs.state().player_state().clone();
    let dur = st(&hs).duration_ms.expect("a duration");
    while st(&hs).position_ms < dur * 98 / 100 {
        assert!(Instant::now() < deadline, "at {w}×{h}, the right edge seeks to {} of {dur} ms", st(&hs).position_ms);
        hs.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_default_width_shows_the_whole_toolbar_and_waveform() {
    check_inside(1280.0, 860.0);
}

#[test]
fn a_small_window_wraps_the_toolbar_and_keeps_the_waveform_inside() {
    check_inside(900.0, 600.0);
}

#[test]
fn the_smallest_window_still_shows_the_toolbar_and_waveform() {
    // The window's minimum inner size: the toolbar does not fit on one line here.
    check_inside(640.0, 400.0);
}

fn set_viewport(h: &mut Harness<'static, App>, monitor: egui::Vec2, inner: egui::Rect) {
    let v = h.input_mut().viewports.entry(egui::ViewportId::ROOT).or_default();
    v.monitor_size = Some(monitor);
    v.inner_rect = Some(inner);
    v.outer_rect = Some(inner);
}

#[test]
fn the_window_fits_the_screen_and_its_geometry_is_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.json");
    let options = AppOptions { config_file: Some(config.clone()), ..AppOptions::headless() };
    let app = App::new(&egui::Context::default(), options);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 860.0))
        .with_accessibility_check(false)
        .build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    // A 1366×768 laptop screen: the default 1280×860 does not fit, so the window shrinks.
    let laptop = egui::vec2(1366.0, 768.0);
    set_viewport(&mut h, laptop, egui::Rect::from_min_size(egui::pos2(0.0, 0.0), egui::vec2(1280.0, 860.0)));
    h.run();
    let shown = h.ctx.content_rect();
    assert!(shown.height() <= laptop.y - 40.0 && shown.width() <= laptop.x, "the window fits: {shown:?}");
    // Moved and resized by the user, then closed: the config remembers it.
    let placed = egui::Rect::from_min_size(egui::pos2(50.0, 60.0), egui::vec2(900.0, 600.0));
    set_viewport(&mut h, laptop, placed);
    h.input_mut().viewports.get_mut(&egui::ViewportId::ROOT).unwrap().events.push(egui::ViewportEvent::Close);
    h.step();
    let g = turnfix::session::config::Config::load(Some(config)).window.expect("the geometry is stored");
    assert_eq!((g.x, g.y, g.width, g.height), (50.0, 60.0, 900.0, 600.0));
}

#[test]
fn a_resize_keeps_the_place_in_the_list() {
    let mut b = turnfix::model::TranscriptBuilder::new();
    for i in 0..200u64 {
        b.push(
            Some(if i % 2 == 0 { "Ann" } else { "Bob" }),
            Some(i * 10_000),
            None,
            &"Some words of talk. ".repeat(12),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.json");
    turnfix::session::save_json(&b.finish(), &path).unwrap();
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.open_sync(&path).unwrap();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_max_steps(12)
        .with_accessibility_check(false)
        .build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    h.run();
    let id = h.state().document().turns[119].id;
    h.state_mut().focus_turn(id, None);
    h.run();
    let top = |h: &Harness<'static, App>| h.get_by_label("Turn 120 text").rect().top();
    let before = top(&h);
    h.set_size(egui::vec2(900.0, 900.0));
    h.run();
    let after = h.query_by_label("Turn 120 text").map(|n| n.rect().top());
    assert!(
        after.is_some_and(|a| (a - before).abs() < 120.0),
        "turn 120 was at {before}, after the resize at {after:?}"
    );
}
