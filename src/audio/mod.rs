//! Audio playback: the only module that sees rodio or symphonia.
//!
//! A [`Player`] owned by the app sends commands to a worker thread and never blocks the caller;
//! [`Player::state`] returns a cheap snapshot of the playhead and status. See docs/audio.md.
//!
//! - [`decode`]: opening (sniffed container, MP3 frame index, gapless trims, HE-AAC refusal).
//! - `ring`: the lock-free ring between the worker and the output, with the index → recording
//!   time map the playhead is computed from.
//! - `worker`: the decode-ahead thread, time-stretch, outputs (device, clock).
//! - [`peaks`]: the cached waveform overview. [`probe`]: measurements for `turnfix probe`.
//! - [`analysis`]: the one pass (peaks + speech activity + any [`Listener`]) and its cache;
//!   [`vad`]: the detectors; [`speech`]: speech segments per turn ([`SpeechMap`]).

pub mod analysis;
mod codecs;
pub mod decode;
pub mod extensions;
mod mkv;
mod mono16k;
mod mp3;
mod mp4;
mod opus;
mod output;
pub mod peaks;
pub mod probe;
mod ring;
pub mod speech;
pub mod vad;
pub mod vad_net;
pub mod voice;
mod vorbis_mkv;
mod worker;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

pub use decode::StreamInfo;
pub use mono16k::{Listener, NoListener};
pub use speech::{SpeechActivity, SpeechMap};

/// Errors of the audio engine.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// The file cannot be played: "<file>: <reason>".
    #[error("{0}")]
    Open(String),
    #[error("decode error: {0}")]
    Decode(String),
    #[error("cancelled")]
    Cancelled,
    #[error("timed out: {0}")]
    Timeout(String),
}

/// Where the samples go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputKind {
    /// The default sound device (falls back to [`OutputKind::Clock`] with a message when none).
    Device,
    /// No device: samples are consumed at the real rate by a clock thread (tests, no sound card).
    Clock,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LoadStatus {
    NoFile,
    Loading,
    Ready,
    /// The file could not be played; the message names the file and the problem.
    Failed(String),
}

/// A snapshot of the player, cheap to take every frame.
#[derive(Clone, Debug, PartialEq)]
pub struct PlayerState {
    pub status: LoadStatus,
    pub playing: bool,
    /// Recording time of the sample being heard, in ms.
    pub position_ms: u64,
    pub duration_ms: Option<u64>,
    pub speed: f32,
    pub volume: f32,
    /// Why the output device is unavailable, when it is (playback then runs on the clock output).
    pub output_note: Option<String>,
}

/// Waveform overview: min/max pairs per bucket of `ms_per_bucket` ms.
#[derive(Clone, Debug, PartialEq)]
pub struct Peaks {
    pub ms_per_bucket: u32,
    pub min: Vec<f32>,
    pub max: Vec<f32>,
}

pub(crate) enum Cmd {
    /// A recording, and the voices to listen for in its one pass (when it is not cached).
    Load(PathBuf, Option<voice::feed::VoiceJob>),
    Unload,
    Play,
    Pause,
    Toggle,
    Seek(u64, u64),
    Skip(i64, u64),
    Speed(f32, u64),
    Volume(f32),
    PlayRange(u64, u64, u64),
    Loop(Option<(u64, u64)>, u64),
    Shutdown,
    /// Makes the worker panic (tests of what a dead worker looks like).
    #[cfg(test)]
    Panic,
}

/// Lock one of the engine's mutexes, the one way every lock in `src/audio` is taken.
///
/// A poisoned lock means a thread panicked while holding it. Every value behind these locks is
/// replaced whole under the lock (a state snapshot, the current pipe or stream info, the peaks,
/// a device error) or is the ring's marker queue, which the next seek rebuilds, so what is inside
/// is still a value some thread meant to store. The guard is therefore recovered rather than the
/// panic spread to the UI thread or the audio callback. The panic itself is not lost: a panic in
/// a decoder becomes an error naming the file (`decode`), and a panic of the worker thread marks
/// the player [`LoadStatus::Failed`] (`Player::start`).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The text of a caught panic.
pub(crate) fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// State shared between the handle, the worker and the outputs.
pub(crate) struct Shared {
    pub state: Mutex<PlayerState>,
    pub pipe: Mutex<Option<Arc<ring::Pipe>>>,
    pub peaks: Mutex<(Option<Arc<Peaks>>, f32)>,
    pub speech: Mutex<Option<Arc<SpeechActivity>>>,
    pub info: Mutex<Option<StreamInfo>>,
    pub device_error: Mutex<Option<String>>,
    pub next_gen: AtomicU64,
}

impl Shared {
    fn current_pipe(&self) -> Option<Arc<ring::Pipe>> {
        lock(&self.pipe).clone()
    }
}

/// Handle to the playback worker.
pub struct Player {
    tx: Sender<Cmd>,
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Direct access to the samples leaving the player's source, for tests and measurements: with
/// this output nothing else consumes samples.
pub struct SourceTap {
    shared: Arc<Shared>,
}

impl SourceTap {
    /// Pull the next samples (interleaved, at the file's rate and channel count) as an output
    /// would. Returns how many are real (the rest is silence: paused or not yet decoded).
    pub fn pull(&mut self, out: &mut [f32]) -> usize {
        match self.shared.current_pipe() {
            Some(p) => p.pull(out),
            None => {
                out.fill(0.0);
                0
            }
        }
    }
    /// Generation (see [`Player::seek_gen`]) of the last sample pulled.
    pub fn generation(&self) -> u64 {
        self.shared.current_pipe().map_or(0, |p| p.out_gen.load(Ordering::Acquire))
    }
    /// (sample rate, channels) of the loaded file.
    pub fn format(&self) -> Option<(u32, u16)> {
        self.shared.current_pipe().map(|p| (p.rate, p.channels))
    }
}

impl Player {
    /// Start the worker. `repaint` is called from the worker whenever state changes.
    pub fn new(repaint: Arc<dyn Fn() + Send + Sync>, output: OutputKind) -> Player {
        Self::start(repaint, output::Output::from(output))
    }

    /// A player whose samples are consumed only by the returned [`SourceTap`] (tests, probe).
    pub fn new_tapped(repaint: Arc<dyn Fn() + Send + Sync>) -> (Player, SourceTap) {
        let p = Self::start(repaint, output::Output::Tap);
        let tap = SourceTap { shared: p.shared.clone() };
        (p, tap)
    }

    fn start(repaint: Arc<dyn Fn() + Send + Sync>, output: output::Output) -> Player {
        let shared = Arc::new(Shared {
            state: Mutex::new(PlayerState {
                status: LoadStatus::NoFile,
                playing: false,
                position_ms: 0,
                duration_ms: None,
                speed: 1.0,
                volume: 1.0,
                output_note: None,
            }),
            pipe: Mutex::new(None),
            peaks: Mutex::new((None, 0.0)),
            speech: Mutex::new(None),
            info: Mutex::new(None),
            device_error: Mutex::new(None),
            next_gen: AtomicU64::new(1),
        });
        let (tx, rx) = std::sync::mpsc::channel();
        let sh = shared.clone();
        let thread = std::thread::Builder::new()
            .name("turnfix-audio".into())
            .spawn(move || {
                let run = std::panic::AssertUnwindSafe(|| worker::run(sh.clone(), rx, repaint.clone(), output));
                if let Err(p) = std::panic::catch_unwind(run) {
                    // The worker is gone: say so, and stop the output reading a dead ring.
                    if let Some(pipe) = lock(&sh.pipe).take() {
                        pipe.closed.store(true, Ordering::Relaxed);
                    }
                    let mut s = lock(&sh.state);
                    s.status = LoadStatus::Failed(format!("the audio engine stopped: {}", panic_text(&*p)));
                    s.playing = false;
                    drop(s);
                    repaint();
                }
            })
            .expect("spawn audio worker");
        Player { tx, shared, thread: Some(thread) }
    }

    fn send(&self, c: Cmd) {
        let _ = self.tx.send(c);
    }
    fn next_gen(&self) -> u64 {
        self.shared.next_gen.fetch_add(1, Ordering::Relaxed)
    }

    pub fn load(&self, path: PathBuf) {
        self.load_listening(path, None);
    }

    /// Load `path`; when its analysis is not cached, the one pass that computes it also gives
    /// the voices of `job`'s turns ([`voice::feed`]), else the job is declined. The previous
    /// recording's peaks and speech are gone at once (not a frame later).
    pub fn load_listening(&self, path: PathBuf, job: Option<voice::feed::VoiceJob>) {
        {
            let mut s = lock(&self.shared.state);
            s.status = LoadStatus::Loading;
            s.playing = false;
        }
        *lock(&self.shared.peaks) = (None, 0.0);
        *lock(&self.shared.speech) = None;
        self.send(Cmd::Load(path, job));
    }
    /// Drop the loaded recording (another document without one): no sound, no waveform.
    pub fn unload(&self) {
        {
            let mut s = lock(&self.shared.state);
            s.status = LoadStatus::NoFile;
            s.playing = false;
            s.position_ms = 0;
            s.duration_ms = None;
        }
        *lock(&self.shared.peaks) = (None, 0.0);
        *lock(&self.shared.speech) = None;
        self.send(Cmd::Unload);
    }
    pub fn play(&self) {
        self.send(Cmd::Play);
    }
    pub fn pause(&self) {
        self.send(Cmd::Pause);
    }
    pub fn toggle(&self) {
        self.send(Cmd::Toggle);
    }
    pub fn seek(&self, ms: u64) {
        self.seek_gen(ms);
    }
    /// Seek, returning the generation the first sample at the new point will carry
    /// ([`SourceTap::generation`]).
    pub fn seek_gen(&self, ms: u64) -> u64 {
        let g = self.next_gen();
        self.send(Cmd::Seek(ms, g));
        g
    }
    pub fn skip(&self, delta_ms: i64) {
        let g = self.next_gen();
        self.send(Cmd::Skip(delta_ms, g));
    }
    /// 0.5× to 2×, pitch preserved.
    pub fn set_speed(&self, speed: f32) {
        let g = self.next_gen();
        self.send(Cmd::Speed(speed, g));
    }
    pub fn set_volume(&self, volume: f32) {
        self.send(Cmd::Volume(volume));
    }
    /// Play from `start_ms` and pause at `end_ms` ("play this turn").
    pub fn play_range(&self, start_ms: u64, end_ms: u64) {
        let g = self.next_gen();
        self.send(Cmd::PlayRange(start_ms, end_ms, g));
    }
    /// Loop between the two times, or stop looping with None.
    pub fn set_loop(&self, range: Option<(u64, u64)>) {
        let g = self.next_gen();
        self.send(Cmd::Loop(range, g));
    }
    pub fn state(&self) -> PlayerState {
        let mut s = lock(&self.shared.state).clone();
        if s.status == LoadStatus::Ready
            && let Some(p) = self.shared.current_pipe()
            && let Some(f) = p.heard_frame()
        {
            let ms = (f.max(0.0) * 1000.0 / p.rate as f64) as u64;
            s.position_ms = s.duration_ms.map_or(ms, |d| ms.min(d));
        }
        s
    }
    /// The waveform overview once computed, and the progress of its computation (0..=1).
    pub fn peaks(&self) -> (Option<Arc<Peaks>>, f32) {
        lock(&self.shared.peaks).clone()
    }
    /// The speech activity of the loaded recording, once the peaks pass has computed it (at the
    /// same time as the peaks); `.map()` gives its speech segments.
    pub fn speech(&self) -> Option<Arc<SpeechActivity>> {
        lock(&self.shared.speech).clone()
    }
    /// What the engine sees in the loaded file (container, codec, rate, channels, length).
    pub fn info(&self) -> Option<StreamInfo> {
        lock(&self.shared.info).clone()
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        let _ = self.tx.send(Cmd::Shutdown);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn a_poisoned_lock_gives_back_its_value() {
        let m = Arc::new(Mutex::new(7));
        let m2 = m.clone();
        let _ = std::thread::spawn(move || {
            let _g = m2.lock().unwrap();
            panic!("poison it");
        })
        .join();
        assert!(m.is_poisoned());
        *lock(&m) += 1;
        assert_eq!(*lock(&m), 8);
    }

    #[test]
    fn a_dead_worker_is_reported_and_the_handle_still_answers() {
        let (p, _tap) = Player::new_tapped(Arc::new(|| {}));
        p.send(Cmd::Panic);
        let t0 = Instant::now();
        let status = loop {
            let s = p.state().status;
            if matches!(s, LoadStatus::Failed(_)) || t0.elapsed() > Duration::from_secs(10) {
                break s;
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        match status {
            LoadStatus::Failed(m) => assert!(m.contains("audio engine stopped") && m.contains("test panic"), "{m}"),
            s => panic!("{s:?}"),
        }
        // Commands to a dead worker neither block nor panic, and the handle drops cleanly.
        p.play();
        p.seek(1000);
        assert!(!p.state().playing);
        assert!(p.peaks().0.is_none() && p.info().is_none());
    }
}
