//! The native window: eframe's options and the app inside it, with the startup timing that
//! `TURNFIX_STARTUP_TIMING=1` prints.

use super::{App, AppOptions};
use crate::audio::LoadStatus;
use std::path::PathBuf;
use std::time::Instant;

/// With `TURNFIX_STARTUP_TIMING=1`, the editor prints to stderr how long it took from launch to
/// its first frame, to the first frame showing the transcript, and to the recording being ready
/// (the figure behind "launch to an interactive window" in docs/performance.md).
struct Timed {
    app: App,
    start: Instant,
    first_frame: bool,
    transcript: bool,
    audio: bool,
}

impl eframe::App for Timed {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.app.ui(ui, frame);
        let ms = self.start.elapsed().as_secs_f64() * 1000.0;
        if !self.first_frame {
            self.first_frame = true;
            eprintln!("startup: first frame at {ms:.0} ms");
        }
        if !self.transcript && !self.app.document().turns.is_empty() {
            self.transcript = true;
            eprintln!("startup: transcript shown at {ms:.0} ms");
        }
        if !self.audio && self.app.player_state().status == LoadStatus::Ready {
            self.audio = true;
            eprintln!("startup: recording ready at {ms:.0} ms");
        }
    }

    fn raw_input_hook(&mut self, ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        self.app.raw_input_hook(ctx, raw_input);
    }
}

/// Open the editor window, with a transcript (and its recording) when given; returns when the
/// window is closed.
pub fn run_window(transcript: Option<PathBuf>, audio: Option<PathBuf>) -> Result<(), eframe::Error> {
    let start = Instant::now();
    let timing = std::env::var_os("TURNFIX_STARTUP_TIMING").is_some_and(|v| v == "1");
    // The remembered size and position (made to fit the screen at the first frame).
    let (size, pos) = super::geometry::initial(AppOptions::desktop().config_file);
    let mut viewport = egui::ViewportBuilder::default();
    if let Some(p) = pos {
        viewport = viewport.with_position(p);
    }
    let options = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: viewport
            .with_title("Turnfix")
            .with_app_id("turnfix")
            .with_inner_size(size)
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true)
            .with_icon(std::sync::Arc::new(super::icon::icon())),
        ..Default::default()
    };
    eframe::run_native(
        "Turnfix",
        options,
        Box::new(move |cc| {
            let mut app = App::new(&cc.egui_ctx, AppOptions::desktop());
            match transcript {
                Some(t) => app.open_with_audio(t, audio),
                // With no transcript given, autosaved work of any transcript is offered.
                None => app.offer_recovery_at_start(),
            }
            if timing {
                return Ok(Box::new(Timed { app, start, first_frame: false, transcript: false, audio: false }));
            }
            Ok(Box::new(app))
        }),
    )
}
