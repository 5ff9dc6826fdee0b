//! Whose voice each turn is: a learned speaker embedding per turn from its speech only, a
//! centroid per speaker, every turn's similarity to every speaker; and simple, explainable
//! features (pitch, MFCC statistics) beside it. See docs/audio.md ("Whose voice").
//!
//! - [`mel`]: the mel front end, exactly as Resemblyzer computes it (librosa).
//! - [`lstm`]: the GE2E encoder (3 × LSTM 256 → linear 256 → ReLU → L2), weights bundled from
//!   `assets/models/ge2e-resemblyzer-0.1.4.f16` (converted by tools/convert-resemblyzer.py).
//! - [`embed`]: partial utterances, the per-turn cap, batching.
//! - [`change`]: two voices in one turn, from its partials (a likely missed change of speaker).
//! - [`features`]: pitch and MFCC statistics.
//! - [`speakers`]: centroids and leave-one-out similarities, updated turn by turn.
//! - [`analyze`]: one streaming pass over a recording, results turn by turn.
//! - [`listen`]: the same riding the one pass of [`analysis`](crate::audio::analysis) (peaks,
//!   speech activity and voices from one decode: [`one_pass`]).
//! - [`feed`]: the one pass's voices for the editor (the player's peaks worker runs it).
//! - `batch`: what the two share (cutting a turn's speech, making it ready where it is cut,
//!   batching it for the encoder).
//! - [`pieced`]: a turn's speech read in place in a window, never copied out whole.
//! - [`turns`]: every turn of a transcript embedded (the correction assistant's voice evidence).
//! - [`gate`]: a simple energy gate, a stand-in for the speech spans of the VAD.

pub mod analyze;
mod batch;
pub mod change;
pub mod embed;
pub mod features;
pub mod feed;
pub mod gate;
pub mod listen;
pub mod lstm;
pub mod mel;
pub mod pieced;
pub mod share;
pub mod speakers;
pub mod turns;

pub use analyze::{AnalyzeOptions, PassStats, TurnSpan, TurnVoice, analyze_recording, analyze_samples};
pub use embed::{DEFAULT_MAX_PARTIALS, VoiceEncoder, cosine};
pub use listen::{Stops, one_pass, one_pass_with};
pub use speakers::{SpeakerIndex, equal_error_rate, turn_weight};

/// Errors of the voice analysis.
#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    /// The model's weights could not be read: "<what>: <reason>".
    #[error("{0}")]
    Model(String),
    #[error(transparent)]
    Audio(#[from] super::AudioError),
}
