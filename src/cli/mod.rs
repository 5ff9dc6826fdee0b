//! Command-line subcommands. Each returns an exit code or an error, printed once by main.

pub mod analyze;
pub mod analyze_voice;
pub mod check;
pub mod convert;
pub mod editor;
pub mod probe;
pub mod recover;
pub mod report;
