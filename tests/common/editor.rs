//! What the kittest suites share: the harness around the whole editor and a small transcript.
//! Included with `#[path]` by each UI test file.

use egui_kittest::Harness;
use turnfix::app::App;
use turnfix::model::{Transcript, TranscriptBuilder};

/// The editor in a 1400×900 kittest harness, drawing its whole root.
pub fn harness_for(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_accessibility_check(false)
        .build_ui_state(|ui, app: &mut App| app.ui_root(ui), app)
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
