//! Turnfix: a desktop editor for correcting machine transcripts (otter.ai) against their recording.
//!
//! Layering: `model`, `formats`, `edit` and `export` know nothing of egui or audio; `audio` is the
//! only module that sees rodio or symphonia; `session` handles files on disk; `ui` and `app`
//! build the eframe window on top of all of them.

pub mod app;
pub mod assist;
pub mod audio;
pub mod edit;
pub mod export;
pub mod formats;
pub mod model;
pub mod session;
pub mod ui;
