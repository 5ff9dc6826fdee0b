//! The one pass over a recording: a single decode gives the waveform peaks and the speech
//! activity (and feeds any extra [`Listener`], e.g. voice features), on the caller's thread
//! (the player runs it on its peaks worker) with progress; cached on disk beside the peaks.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::mono16k::{Listener, NoListener};
use super::speech::SpeechActivity;
use super::vad::{self, Vad};
use super::{AudioError, Peaks, decode, peaks};

/// What the pass gives.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    pub peaks: Peaks,
    /// Frames actually decoded (the recording's true length, at its own rate).
    pub frames: u64,
    pub sample_rate: u32,
    pub speech: SpeechActivity,
}

impl Analysis {
    pub fn duration_ms(&self) -> u64 {
        self.frames * 1000 / self.sample_rate.max(1) as u64
    }
}

/// Speech cache file: magic, sample rate (u32), frame samples (u32), frames n (u64), n earshot
/// scores, n energy decisions. (3: the gated detector and the energy decisions over the whole
/// recording's floor.)
const MAGIC: &[u8; 8] = b"TFSPEEC3";

/// Decode `path` once for peaks and speech activity.
pub fn compute(path: &Path, cancel: &AtomicBool, progress: impl FnMut(f32)) -> Result<Analysis, AudioError> {
    let stream = decode::open(path)?;
    let source = stream.source();
    drop(stream);
    compute_source(&source, cancel, progress)
}

/// [`compute`] for a recording already open.
pub fn compute_source(
    source: &decode::Source,
    cancel: &AtomicBool,
    progress: impl FnMut(f32),
) -> Result<Analysis, AudioError> {
    compute_with(source, cancel, progress, &|_| NoListener).map(|(a, _)| a)
}

/// [`compute_source`] feeding the same 16 kHz mono stream to listeners made by `extra` (one per
/// stretch decoded, returned in time order: see [`peaks::compute_listening`]).
pub fn compute_with<X: Listener>(
    source: &decode::Source,
    cancel: &AtomicBool,
    progress: impl FnMut(f32),
    extra: &(dyn Fn(u64) -> X + Sync),
) -> Result<(Analysis, Vec<X>), AudioError> {
    compute_threads_with(source, 2, cancel, progress, extra)
}

/// How the pass runs earshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Gate {
    /// Skip it in long near-silence ([`vad::GATE_DB`]): what the app does.
    #[default]
    On,
    /// Run it on every frame (for comparison: tests and the `whole/peaks_speech_ungated` bench).
    Off,
}

/// [`compute_with`] on at most `threads` threads (1: one continuous decode).
pub fn compute_threads_with<X: Listener>(
    source: &decode::Source,
    threads: usize,
    cancel: &AtomicBool,
    progress: impl FnMut(f32),
    extra: &(dyn Fn(u64) -> X + Sync),
) -> Result<(Analysis, Vec<X>), AudioError> {
    compute_gated(source, threads, Gate::On, cancel, progress, extra).map(|(a, x, _)| (a, x))
}

/// [`compute_threads_with`] with the gate chosen; also returns how many frames the gate kept
/// from earshot.
pub fn compute_gated<X: Listener>(
    source: &decode::Source,
    threads: usize,
    gate: Gate,
    cancel: &AtomicBool,
    progress: impl FnMut(f32),
    extra: &(dyn Fn(u64) -> X + Sync),
) -> Result<(Analysis, Vec<X>, u64), AudioError> {
    let rate = source.open()?.info().sample_rate;
    let make = |at: u64| (Vad::new(gate == Gate::On), extra(at));
    let (peaks, frames, parts) = if threads > 1 {
        peaks::compute_listening(source, cancel, progress, &make)?
    } else {
        peaks::compute_listening_threads(source, 1, cancel, progress, &make)?
    };
    let mut scores = Vec::new();
    let mut db = Vec::new();
    let mut extras = Vec::new();
    let mut skipped = 0;
    for (v, x) in parts {
        let p = v.finish();
        db.push((p.scores.first, p.db));
        scores.push(p.scores);
        skipped += p.skipped;
        extras.push(x);
    }
    // The energy decisions against the whole recording's noise floor (not each stretch's).
    let energy = vad::energy_scores(&vad::join_db(db), vad::ENERGY_DB);
    let speech = SpeechActivity { frame_samples: vad::FRAME as u32, scores: vad::join(scores), energy };
    Ok((Analysis { peaks, frames, sample_rate: rate, speech }, extras, skipped))
}

/// The cache file of `path`'s speech activity in `dir` (beside its peaks).
fn speech_file(dir: &Path, path: &Path) -> Option<PathBuf> {
    let peaks_file = dir.join(peaks::cache_path(path)?.file_name()?);
    Some(peaks_file.with_extension("speech"))
}

/// The cached analysis of `path` (peaks and speech), from the first cache directory that has
/// both; None when absent or stale (the key is the file's canonical path, size and mtime).
pub fn load_cached(path: &Path) -> Option<Analysis> {
    load_cached_from(&peaks::cache_dirs(), path)
}

/// [`load_cached`] with explicit cache directories.
pub fn load_cached_from(dirs: &[PathBuf], path: &Path) -> Option<Analysis> {
    dirs.iter().find_map(|d| {
        let bytes = std::fs::read(speech_file(d, path)?).ok()?;
        let (rate, speech) = parse(&bytes)?;
        let (peaks, frames) = peaks::load_cached_from(std::slice::from_ref(d), path)?;
        Some(Analysis { peaks, frames, sample_rate: rate, speech })
    })
}

fn parse(b: &[u8]) -> Option<(u32, SpeechActivity)> {
    if b.len() < 24 || &b[..8] != MAGIC {
        return None;
    }
    let rate = u32::from_le_bytes(b[8..12].try_into().ok()?);
    let frame_samples = u32::from_le_bytes(b[12..16].try_into().ok()?);
    let n = u64::from_le_bytes(b[16..24].try_into().ok()?) as usize;
    let body = b.get(24..)?;
    (body.len() == 2 * n && frame_samples > 0).then(|| {
        let (scores, energy) = body.split_at(n);
        (rate, SpeechActivity { frame_samples, scores: scores.to_vec(), energy: energy.to_vec() })
    })
}

/// Cache `a` for `path`; returns the speech file written, None when no cache directory could be
/// written (not an error: it is computed again next time).
pub fn store_cached(path: &Path, a: &Analysis) -> Option<PathBuf> {
    store_cached_in(&peaks::cache_dirs(), path, a)
}

/// [`store_cached`] with explicit cache directories, tried in order.
pub fn store_cached_in(dirs: &[PathBuf], path: &Path, a: &Analysis) -> Option<PathBuf> {
    let mut out = Vec::with_capacity(24 + a.speech.scores.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&a.sample_rate.to_le_bytes());
    out.extend_from_slice(&a.speech.frame_samples.to_le_bytes());
    out.extend_from_slice(&(a.speech.scores.len() as u64).to_le_bytes());
    out.extend_from_slice(&a.speech.scores);
    let mut energy = a.speech.energy.clone();
    energy.resize(a.speech.scores.len(), 0);
    out.extend_from_slice(&energy);
    dirs.iter().find_map(|d| {
        let dest = speech_file(d, path)?;
        peaks::store_cached_in(std::slice::from_ref(d), path, &a.peaks, a.frames)?;
        let tmp = tempfile::NamedTempFile::new_in(d).ok()?;
        std::fs::write(tmp.path(), &out).ok()?;
        tmp.persist(&dest).ok()?;
        Some(dest)
    })
}

/// The cached analysis, else computed (with progress) and cached.
pub fn load_or_compute(path: &Path, cancel: &AtomicBool, progress: impl FnMut(f32)) -> Result<Analysis, AudioError> {
    if let Some(a) = load_cached(path) {
        return Ok(a);
    }
    let a = compute(path, cancel, progress)?;
    let _ = store_cached(path, &a);
    Ok(a)
}
