//! The voices of a document from the player's one pass: the editor gives the player a
//! [`VoiceJob`] with the recording (its turns' windows, made once the recording's length is
//! known), and when the analysis is not cached the peaks worker runs [`one_pass`](super::one_pass)
//! instead of the plain pass ([`listen`]), each turn's voice going into the job's [`VoiceFeed`]
//! as it is embedded. The app takes them from there every frame, as it takes the peaks.
//!
//! The speech map is not known until the pass ends, so every turn is cut by the energy gate
//! (its span has `speech: None`). With the analysis cached the job is declined
//! ([`FeedPhase::Declined`]): the app then embeds the turns itself, cut by the cached map.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::turns::SpanVoice;
use super::{AnalyzeOptions, TurnSpan, VoiceEncoder, VoiceError};
use crate::audio::analysis::{self, Analysis};
use crate::audio::voice::listen::{Stops, one_pass_with};
use crate::audio::{AudioError, decode, lock};
use crate::model::Ms;

/// Where the feed is.
#[derive(Clone, Debug, PartialEq)]
pub enum FeedPhase {
    /// Given to the player; the worker has not looked at the cache yet.
    Waiting,
    /// The one pass is running over this many turns; `done` of them are reported so far.
    Listening { turns: usize, done: usize },
    /// Every turn reported (the pass has ended).
    Finished,
    /// Not run: the analysis was cached (or the recording could not be opened).
    Declined,
    /// Stopped before every turn was reported ([`VoiceFeed::stop`], or the pass cancelled).
    Stopped,
    /// The voices cannot be analysed: why (the pass itself goes on without them).
    Failed(String),
}

struct State {
    phase: FeedPhase,
    /// The turns' windows as the pass cuts them (set when it starts listening).
    spans: Arc<Vec<TurnSpan>>,
    /// Reported and not yet taken: (index into `spans`, voice).
    results: Vec<(usize, SpanVoice)>,
}

struct Inner {
    state: Mutex<State>,
    changed: Condvar,
    stop: AtomicBool,
}

/// What the player's one pass shares with the app: the turns' voices as they come, and a
/// stop for the voices alone. Cloning gives another handle on the same feed.
#[derive(Clone)]
pub struct VoiceFeed(Arc<Inner>);

impl Default for VoiceFeed {
    fn default() -> Self {
        VoiceFeed(Arc::new(Inner {
            state: Mutex::new(State { phase: FeedPhase::Waiting, spans: Arc::default(), results: Vec::new() }),
            changed: Condvar::new(),
            stop: AtomicBool::new(false),
        }))
    }
}

impl VoiceFeed {
    pub fn new() -> VoiceFeed {
        VoiceFeed::default()
    }

    /// The job to give the player: `spans_of` makes the turns' windows from the recording's
    /// length (`Ms::MAX` when its container does not say), e.g. `turn_spans(doc, None, _)`.
    pub fn job(&self, spans_of: impl FnOnce(Ms) -> Vec<TurnSpan> + Send + 'static) -> VoiceJob {
        VoiceJob { spans_of: Some(Box::new(spans_of)), feed: self.clone() }
    }

    pub fn phase(&self) -> FeedPhase {
        lock(&self.0.state).phase.clone()
    }

    /// Still waiting for the pass or listening (more may come).
    pub fn is_open(&self) -> bool {
        matches!(self.phase(), FeedPhase::Waiting | FeedPhase::Listening { .. })
    }

    /// The voices reported since the last call, each with the window it was cut from.
    pub fn take(&self) -> Vec<(usize, TurnSpan, SpanVoice)> {
        let mut s = lock(&self.0.state);
        let results = std::mem::take(&mut s.results);
        let spans = s.spans.clone();
        drop(s);
        results.into_iter().filter_map(|(i, v)| Some((i, spans.get(i)?.clone(), v))).collect()
    }

    /// Stop embedding (the pass goes on for the peaks and the speech); nothing more is reported.
    pub fn stop(&self) {
        self.0.stop.store(true, Ordering::Relaxed);
        self.set(|s| {
            if matches!(s.phase, FeedPhase::Waiting | FeedPhase::Listening { .. }) {
                s.phase = FeedPhase::Stopped;
            }
        });
    }

    /// Wait until the feed is no longer waiting or listening, or `give_up` says so (asked every
    /// 100 ms); `progress` gets the share of turns reported. Returns the phase it ended in.
    pub fn wait_done(&self, mut progress: impl FnMut(f32), mut give_up: impl FnMut() -> bool) -> FeedPhase {
        let mut s = lock(&self.0.state);
        loop {
            match &s.phase {
                FeedPhase::Waiting => {}
                FeedPhase::Listening { turns, done } => progress(*done as f32 / (*turns).max(1) as f32),
                p => return p.clone(),
            }
            if give_up() {
                return s.phase.clone();
            }
            s = self.0.changed.wait_timeout(s, Duration::from_millis(100)).map_or_else(|e| e.into_inner().0, |r| r.0);
        }
    }

    fn set(&self, f: impl FnOnce(&mut State)) {
        f(&mut lock(&self.0.state));
        self.0.changed.notify_all();
    }

    fn stopped(&self) -> bool {
        self.0.stop.load(Ordering::Relaxed)
    }

    /// The pass has begun over `spans` (unless stopped already).
    fn listening(&self, spans: Arc<Vec<TurnSpan>>) {
        self.set(|s| {
            if s.phase == FeedPhase::Waiting {
                s.phase = FeedPhase::Listening { turns: spans.len(), done: 0 };
            }
            s.spans = spans;
        });
    }

    fn push(&self, turn: usize, voice: SpanVoice) {
        self.set(|s| {
            if let FeedPhase::Listening { done, .. } = &mut s.phase {
                *done += 1;
                s.results.push((turn, voice));
            }
        });
    }

    /// The pass ended: `phase` unless the feed stopped or failed already.
    fn end(&self, phase: FeedPhase) {
        self.set(|s| {
            if matches!(s.phase, FeedPhase::Waiting | FeedPhase::Listening { .. }) {
                s.phase = phase;
            }
        });
    }
}

/// What the player's peaks worker is given with a recording to load: the turns to listen for
/// and where their voices go. A job dropped without running declines its feed.
pub struct VoiceJob {
    spans_of: Option<Box<dyn FnOnce(Ms) -> Vec<TurnSpan> + Send>>,
    feed: VoiceFeed,
}

impl VoiceJob {
    /// The analysis is cached: the voices are not computed here.
    pub fn decline(self) {
        self.feed.end(FeedPhase::Declined);
    }
}

impl Drop for VoiceJob {
    fn drop(&mut self) {
        self.feed.end(FeedPhase::Declined);
    }
}

/// The one pass over `source` (peaks, speech activity) with the voices of `job`'s turns, each
/// reported into its feed as it is embedded (`repaint` then called, at most every 100 ms, and
/// once at the end). `duration_ms`: the recording's length as its container gives it. If the
/// voice model cannot be loaded, the feed fails and the plain pass runs.
pub fn listen(
    source: &decode::Source,
    duration_ms: Option<Ms>,
    mut job: VoiceJob,
    cancel: &AtomicBool,
    progress: impl FnMut(f32),
    repaint: &(dyn Fn() + Sync),
) -> Result<Analysis, AudioError> {
    let feed = job.feed.clone();
    let spans = Arc::new(job.spans_of.take().map_or_else(Vec::new, |f| f(duration_ms.unwrap_or(Ms::MAX))));
    let mut enc = match VoiceEncoder::bundled() {
        Ok(e) => e,
        Err(e) => {
            feed.end(FeedPhase::Failed(e.to_string()));
            return analysis::compute_source(source, cancel, progress);
        }
    };
    feed.listening(spans.clone());
    let opts = AnalyzeOptions { features: false, ..AnalyzeOptions::default() };
    let stops = Stops { all: cancel, voices: &feed.0.stop };
    let mut last = Instant::now();
    let r = one_pass_with(&mut enc, source, &spans, &opts, stops, progress, |tv| {
        let turn = tv.turn;
        feed.push(turn, SpanVoice::from(tv));
        if last.elapsed() >= Duration::from_millis(100) {
            last = Instant::now();
            repaint();
        }
    });
    let r = match r {
        Ok((an, _)) => {
            feed.end(if feed.stopped() { FeedPhase::Stopped } else { FeedPhase::Finished });
            Ok(an)
        }
        Err(VoiceError::Audio(AudioError::Cancelled)) => {
            feed.end(FeedPhase::Stopped);
            Err(AudioError::Cancelled)
        }
        Err(e) => {
            feed.end(FeedPhase::Failed(e.to_string()));
            Err(match e {
                VoiceError::Audio(e) => e,
                VoiceError::Model(m) => AudioError::Decode(m),
            })
        }
    };
    repaint();
    drop(job);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start_ms: Ms) -> TurnSpan {
        TurnSpan { start_ms, end_ms: start_ms + 1_000, speech: None }
    }

    #[test]
    fn results_are_taken_once_with_their_window_and_stop_ends_the_feed() {
        let feed = VoiceFeed::new();
        assert_eq!(feed.phase(), FeedPhase::Waiting);
        assert!(feed.is_open());
        feed.listening(Arc::new(vec![span(0), span(1_000)]));
        assert_eq!(feed.phase(), FeedPhase::Listening { turns: 2, done: 0 });
        feed.push(1, SpanVoice { speech_ms: 700, ..SpanVoice::default() });
        let got = feed.take();
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].0, got[0].1.start_ms, got[0].2.speech_ms), (1, 1_000, 700));
        assert!(feed.take().is_empty(), "taken once");
        assert_eq!(feed.phase(), FeedPhase::Listening { turns: 2, done: 1 });
        feed.stop();
        assert!(!feed.is_open());
        feed.push(0, SpanVoice::default());
        assert!(feed.take().is_empty(), "nothing is reported once stopped");
        feed.end(FeedPhase::Finished);
        assert_eq!(feed.phase(), FeedPhase::Stopped, "a stopped feed stays stopped");
        assert!(feed.stopped());
    }

    #[test]
    fn a_job_dropped_unrun_declines_and_wait_done_returns_the_end() {
        let feed = VoiceFeed::new();
        let job = feed.job(|_| vec![span(0)]);
        let waiter = {
            let feed = feed.clone();
            std::thread::spawn(move || feed.wait_done(|_| {}, || false))
        };
        drop(job);
        assert_eq!(waiter.join().unwrap(), FeedPhase::Declined);
        let feed = VoiceFeed::new();
        let mut asked = 0;
        let p = feed.wait_done(
            |_| {},
            || {
                asked += 1;
                asked > 1
            },
        );
        assert_eq!(p, FeedPhase::Waiting, "given up on");
    }
}
