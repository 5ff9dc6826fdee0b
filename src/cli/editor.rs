use std::path::PathBuf;
use std::process::ExitCode;
use turnfix::app::{App, AppOptions};

/// Open the editor window, with a transcript (and its recording) when given.
pub fn run(transcript: Option<PathBuf>, audio: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    if let Some(t) = &transcript
        && !t.is_file()
    {
        anyhow::bail!("{}: no such file", t.display());
    }
    if let Some(a) = &audio
        && !a.is_file()
    {
        anyhow::bail!("{}: no such audio file", a.display());
    }
    let options = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: egui::ViewportBuilder::default()
            .with_title("Turnfix")
            .with_app_id("turnfix")
            .with_inner_size([1280.0, 860.0])
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Turnfix",
        options,
        Box::new(move |cc| {
            let mut app = App::new(&cc.egui_ctx, AppOptions::desktop());
            if let Some(t) = transcript {
                app.open_with_audio(t, audio);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
