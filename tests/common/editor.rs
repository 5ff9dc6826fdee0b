//! What the kittest suites share: the harness around the whole editor and a small transcript.
//! Included with `#[path]` by each UI test file.

use egui_kittest::Harness;
use std::time::{Duration, Instant};
use turnfix::app::App;
use turnfix::audio::LoadStatus;
use turnfix::model::{Transcript, TranscriptBuilder};

/// The editor in a 1400×900 kittest harness, drawing its whole root. `run()` may take up to 200
/// frames to settle (kittest's default is 4): a task or the audio worker that asks for a frame
/// or two more on a loaded machine is not a failure; a UI that never settles still is.
#[allow(dead_code)] // a suite with its own window size does not use it
pub fn harness_for(app: App) -> Harness<'static, App> {
    harness_with_max_steps(app, 200)
}

/// The same harness with `run()`'s step budget set: suites that count kittest's quarter-second
/// steps (the assistant's 300 ms pause before a re-check) keep it small.
#[allow(dead_code)]
pub fn harness_with_max_steps(app: App, steps: u64) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_accessibility_check(false)
        .with_max_steps(steps)
        .build_ui_state(|ui, app: &mut App| app.ui_root(ui), app)
}

/// Step until the editor is idle: every task (a re-check, a save) done and no frame asking for
/// the next, failing after a minute. `run()` alone has a step budget that a task still running
/// under load can exceed.
#[allow(dead_code)]
pub fn settle(h: &mut Harness<'static, App>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        h.step();
        h.state_mut().wait_for_jobs();
        if h.run_ok().is_some() {
            return;
        }
        assert!(Instant::now() < deadline, "the editor does not settle");
    }
}

/// Frames until a recording being loaded has loaded or failed and the app has settled (its
/// tasks done, no frame asking for the next), failing after a minute. `run()` alone is not
/// enough while a recording loads: the spinner asks for frame after frame, so under load
/// `run()` can exceed its step budget before the loader finishes.
#[allow(dead_code)] // not every suite loads a recording
pub fn settle_loading(h: &mut Harness<'static, App>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        h.step();
        if h.state().player_state().status != LoadStatus::Loading {
            h.state_mut().wait_for_jobs();
            if h.run_ok().is_some() {
                return;
            }
        }
        assert!(Instant::now() < deadline, "the app does not settle: {:?}", h.state().player_state().status);
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Six turns by three speakers, with a run of two by Bob.
#[allow(dead_code)] // not every suite opens this one
pub fn sample() -> Transcript {
    let mut b = TranscriptBuilder::new();
    b.push(Some("Ann"), Some(0), None, "Hello and welcome to the show.");
    b.push(Some("Bob"), Some(5_000), None, "Thanks for having me.");
    b.push(Some("Bob"), Some(9_000), None, "It is great to be here.");
    b.push(Some("Ann"), Some(14_000), None, "Let us talk about cats.");
    b.push(Some("Bob"), Some(20_000), None, "Cats are great. I love cats.");
    b.push(Some("Cy"), Some(30_000), None, "I prefer dogs, not cats.");
    b.finish()
}
