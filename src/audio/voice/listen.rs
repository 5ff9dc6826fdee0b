//! The voice features from the one pass ([`analysis::compute_with`]): the decode that gives the
//! peaks and the speech activity also feeds a [`VoiceListener`] per stretch it decodes. Each
//! holds the 16 kHz samples from the earliest unfinished turn's start − 1 s on (as
//! [`analyze_recording`](super::analyze_recording) does), cuts a turn's speech as soon as its
//! window is complete and sends it over a bounded channel ([`QUEUE`] turns) to one embedder
//! thread, which owns the encoder and the [`Batcher`]: the decoders wait for the LSTM only when
//! it is that far behind. The speech map is not known until the pass ends, so turns given
//! without speech spans are cut by the energy [`gate`](super::gate).
//!
//! A recording decoded on two threads is split at a sample `first` of the second stretch: a turn
//! whose window crosses it is kept in two pieces, the first stretch's (from the turn's start to
//! the split) and the second's (from the split to the window's end), joined and cut once both
//! threads are done, so it is cut from the same samples as in a single decode.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{SyncSender, sync_channel};

use super::analyze::{AnalyzeOptions, PassStats, TurnSpan, TurnVoice};
use super::batch::{Batcher, PER_MS, Preparer, Ready, ms_to_idx, whole_ms, window_end};
use super::{VoiceEncoder, VoiceError};
use crate::audio::analysis::{self, Analysis};
use crate::audio::{AudioError, Listener, decode};

/// Turns cut and waiting for the embedder, at most: the decoders block beyond this, so the
/// samples waiting stay bounded.
pub const QUEUE: usize = 2;

/// 16 kHz samples a second.
const SECOND: u64 = 1000 * PER_MS as u64;

/// A turn's speech on its way to the embedder.
struct Cut {
    turn: usize,
    ready: Ready,
    past_end: bool,
}

/// The part of a turn's window one stretch holds: its first 16 kHz sample and the samples.
struct Piece {
    turn: usize,
    from: u64,
    samples: Vec<f32>,
}

/// The turns' windows as 16 kHz sample ranges `[start, end)` (the end capped as
/// [`window_end`] caps it), and their order by start.
struct Windows {
    range: Vec<(u64, u64)>,
    order: Vec<usize>,
}

impl Windows {
    fn new(turns: &[TurnSpan]) -> Windows {
        let range = turns
            .iter()
            .map(|t| {
                let s = ms_to_idx(t.start_ms) as u64;
                (s, (ms_to_idx(window_end(t)) as u64).max(s))
            })
            .collect();
        let mut order: Vec<usize> = (0..turns.len()).collect();
        order.sort_by_key(|&i| (turns[i].start_ms, i));
        Windows { range, order }
    }
}

/// The turn as its speech is cut: its window capped.
fn capped(t: &TurnSpan) -> TurnSpan {
    TurnSpan { end_ms: window_end(t), ..t.clone() }
}

/// The voice listener of one stretch of the one pass (from its `first` sample on).
pub(super) struct VoiceListener<'a> {
    turns: &'a [TurnSpan],
    win: &'a Windows,
    /// The turns this stretch has a part of (their windows end after its first sample), by start.
    mine: Vec<usize>,
    /// Index in `mine` of the earliest unfinished turn.
    next: usize,
    first: u64,
    started: bool,
    /// 16 kHz samples from `base` on (`base` on a whole millisecond).
    base: u64,
    buf: Vec<f32>,
    /// Turns that started before this stretch: their part in it, kept for the stitch.
    tails: Vec<Piece>,
    tails_len: usize,
    /// Turns cut and sent whole.
    sent: Vec<usize>,
    peak: usize,
    tx: SyncSender<Cut>,
    /// Makes each cut ready on this stretch's thread (read in place, see [`Preparer::cut`]),
    /// so that only mel frames wait for the embedder, and the decoders share the mel work.
    prep: Preparer,
}

/// What a stretch leaves when its decode ends.
struct Leftover {
    /// Parts of turns it could not finish alone.
    pieces: Vec<Piece>,
    sent: Vec<usize>,
    /// Its last sample + 1.
    end: u64,
    peak: usize,
}

impl<'a> VoiceListener<'a> {
    fn new(
        turns: &'a [TurnSpan],
        win: &'a Windows,
        first: u64,
        tx: SyncSender<Cut>,
        opts: &AnalyzeOptions,
    ) -> VoiceListener<'a> {
        let mine = win.order.iter().copied().filter(|&t| first == 0 || win.range[t].1 > first).collect();
        VoiceListener {
            turns,
            win,
            mine,
            next: 0,
            first,
            started: false,
            base: first,
            buf: Vec::new(),
            tails: Vec::new(),
            tails_len: 0,
            sent: Vec::new(),
            peak: 0,
            tx,
            prep: Preparer::new(opts),
        }
    }

    fn end(&self) -> u64 {
        self.base + self.buf.len() as u64
    }

    /// The samples held in `[from, to)` (clamped to what is held).
    fn slice(&self, from: u64, to: u64) -> &[f32] {
        let a = (from.max(self.base) - self.base).min(self.buf.len() as u64) as usize;
        let b = (to.max(self.base) - self.base).min(self.buf.len() as u64) as usize;
        &self.buf[a..b.max(a)]
    }

    fn drop_front(&mut self, n: usize) {
        let n = whole_ms(n.min(self.buf.len()));
        self.buf.drain(..n);
        self.base += n as u64;
    }

    fn finish(self) -> Leftover {
        let end = self.end();
        let mut pieces = self.tails;
        for &t in &self.mine[self.next..] {
            let (ts, te) = self.win.range[t];
            if ts < end {
                let from = ts.max(self.base);
                let samples = {
                    let a = (from - self.base) as usize;
                    let b = ((te.min(end) - self.base) as usize).max(a);
                    self.buf[a..b].to_vec()
                };
                pieces.push(Piece { turn: t, from, samples });
            }
        }
        Leftover { pieces, sent: self.sent, end, peak: self.peak }
    }
}

impl Listener for VoiceListener<'_> {
    fn feed(&mut self, at: u64, samples: &[f32]) {
        let mut samples = samples;
        if !self.started {
            self.started = true;
            // Start on a whole millisecond (the split is on one: this only guards).
            let skip = ((PER_MS as u64 - at % PER_MS as u64) % PER_MS as u64) as usize;
            samples = &samples[skip.min(samples.len())..];
            self.base = at + skip as u64;
        }
        self.buf.extend_from_slice(samples);
        self.peak = self.peak.max(self.buf.len() + self.tails_len);
        let have = self.end();
        while let Some(&t) = self.mine.get(self.next) {
            let (ts, te) = self.win.range[t];
            if te > have {
                break;
            }
            if ts < self.first {
                // Begun in the stretch before: keep this stretch's part for the stitch.
                let samples = self.slice(self.first, te).to_vec();
                self.tails_len += samples.len();
                self.tails.push(Piece { turn: t, from: self.first.max(self.base), samples });
            } else {
                let ready = self.prep.cut(&self.buf, self.base / PER_MS as u64, &capped(&self.turns[t]));
                // A closed channel: the embedder is gone (its error is reported at the end).
                let _ = self.tx.send(Cut { turn: t, ready, past_end: false });
                self.sent.push(t);
            }
            self.next += 1;
        }
        // Keep only what the turns left can still need: from the earliest's start − 1 s.
        match self.mine.get(self.next) {
            Some(&n) => {
                let keep_from = self.win.range[n].0.saturating_sub(SECOND);
                if keep_from > self.base {
                    self.drop_front((keep_from - self.base) as usize);
                }
            }
            // Every turn done (the pass goes on for the peaks and the speech): hold nothing.
            None => self.drop_front(self.buf.len()),
        }
    }
}

/// Join the pieces the stretches kept of each turn, cut and send them; then every turn not
/// reported yet (past the recording's end) with no speech. Returns the stats.
fn stitch(
    parts: Vec<VoiceListener<'_>>,
    turns: &[TurnSpan],
    win: &Windows,
    tx: &SyncSender<Cut>,
    opts: &AnalyzeOptions,
) -> PassStats {
    let mut prep = Preparer::new(opts);
    let mut sent = vec![false; turns.len()];
    let stretches = parts.len();
    let mut by_turn: BTreeMap<usize, Vec<Piece>> = BTreeMap::new();
    let (mut peak, mut end, mut held) = (0, 0, 0);
    for l in parts {
        let left = l.finish();
        peak += left.peak;
        end = end.max(left.end);
        for t in left.sent {
            sent[t] = true;
        }
        for p in left.pieces {
            held += p.samples.len();
            by_turn.entry(p.turn).or_default().push(p);
        }
    }
    let mut past_end = Vec::new();
    for (t, mut pieces) in by_turn {
        pieces.sort_by_key(|p| p.from);
        let from = pieces[0].from;
        let mut joined: Vec<f32> = Vec::new();
        for p in pieces {
            let at = from + joined.len() as u64;
            // The stretches meet exactly; a gap is never expected, so stop at one.
            if p.from > at {
                break;
            }
            let skip = ((at - p.from) as usize).min(p.samples.len());
            joined.extend_from_slice(&p.samples[skip..]);
        }
        let past = from + (joined.len() as u64) < win.range[t].1;
        if past {
            past_end.push(t);
        }
        let ready = prep.cut(&joined, from / PER_MS as u64, &capped(&turns[t]));
        let _ = tx.send(Cut { turn: t, ready, past_end: past });
        sent[t] = true;
    }
    for (t, _) in sent.iter().enumerate().filter(|(_, s)| !**s) {
        let past = win.range[t].1 > end;
        if past {
            past_end.push(t);
        }
        let _ = tx.send(Cut { turn: t, ready: Ready::none(), past_end: past });
    }
    past_end.sort_unstable();
    PassStats {
        recording_ms: end / PER_MS as u64,
        turns_past_end: past_end,
        peak_buffer_samples: peak.max(held),
        stretches,
    }
}

/// The one pass with the voice features: decode `source` once for the peaks, the speech
/// activity and every turn's voice. `on_turn` is called on the embedder thread as turns are
/// done (batched a few at a time, in no set order: the two halves of a long file are decoded at
/// once), each turn once; `progress` with 0..=1 on the caller's thread. Turns with `speech:
/// None` are cut by the energy gate. The analysis is not cached here (see
/// [`turns::analysis_and_voices`](super::turns::analysis_and_voices)).
pub fn one_pass(
    enc: &mut VoiceEncoder,
    source: &decode::Source,
    turns: &[TurnSpan],
    opts: &AnalyzeOptions,
    cancel: &AtomicBool,
    progress: impl FnMut(f32),
    on_turn: impl FnMut(TurnVoice) + Send,
) -> Result<(Analysis, PassStats), VoiceError> {
    one_pass_with(enc, source, turns, opts, Stops { all: cancel, voices: cancel }, progress, on_turn)
}

/// What stops a [`one_pass_with`].
#[derive(Clone, Copy)]
pub struct Stops<'a> {
    /// The whole pass: it returns [`AudioError::Cancelled`].
    pub all: &'a AtomicBool,
    /// The voices only: no turn is embedded (or reported) once it is set, and the pass goes on
    /// for the peaks and the speech activity (the editor's Cancel of its voice pass).
    pub voices: &'a AtomicBool,
}

impl Stops<'_> {
    fn voices_stopped(&self) -> bool {
        self.all.load(Ordering::Relaxed) || self.voices.load(Ordering::Relaxed)
    }
}

/// [`one_pass`] whose voices can be stopped apart from the pass (see [`Stops`]).
pub fn one_pass_with(
    enc: &mut VoiceEncoder,
    source: &decode::Source,
    turns: &[TurnSpan],
    opts: &AnalyzeOptions,
    stops: Stops<'_>,
    mut progress: impl FnMut(f32),
    on_turn: impl FnMut(TurnVoice) + Send,
) -> Result<(Analysis, PassStats), VoiceError> {
    let cancel = stops.all;
    let win = Windows::new(turns);
    let (tx, rx) = sync_channel::<Cut>(QUEUE);
    std::thread::scope(|sc| {
        let embedder = std::thread::Builder::new()
            .name("turnfix-voice".into())
            .spawn_scoped(sc, move || {
                let mut on_turn = on_turn;
                // A batch under way when the voices are stopped reports nothing.
                let mut b = Batcher::new(enc, opts, |tv| {
                    if !stops.voices_stopped() {
                        on_turn(tv)
                    }
                });
                for c in rx {
                    // Once cancelled, drain without embedding so that no decoder waits.
                    if !stops.voices_stopped() {
                        b.push_ready(c.turn, c.ready, c.past_end);
                    }
                }
                if !stops.voices_stopped() {
                    b.flush();
                }
            })
            .map_err(|e| AudioError::Decode(format!("voice thread: {e}")))?;
        let make = |first: u64| VoiceListener::new(turns, &win, first, tx.clone(), opts);
        let pass = analysis::compute_with(source, cancel, |p| progress(p.min(0.99)), &make);
        let pass = pass.map(|(an, parts)| {
            let stats = stitch(parts, turns, &win, &tx, opts);
            (an, stats)
        });
        drop(tx);
        let joined = embedder.join();
        let (an, mut stats) = pass?;
        if joined.is_err() {
            return Err(AudioError::Decode("voice thread panicked".into()).into());
        }
        if cancel.load(Ordering::Relaxed) {
            return Err(AudioError::Cancelled.into());
        }
        stats.recording_ms = an.duration_ms();
        progress(1.0);
        Ok((an, stats))
    })
}

#[cfg(test)]
mod tests {
    use super::super::batch::cut_speech;
    use super::*;
    use std::sync::mpsc::Receiver;

    /// A recording of `n` 16 kHz samples: a 300 Hz tone in bursts (on 600 ms, off 400 ms) with
    /// each second's level its own, so any shift in where a turn is cut changes the samples.
    fn recording(n: usize) -> Vec<f32> {
        (0..n)
            .map(|i| {
                let sec = i / 16000;
                let on = i % 16000 < 9600;
                let amp = if on { 0.1 + 0.05 * (sec % 7) as f32 } else { 0.0 };
                amp * (i as f32 * 2.0 * std::f32::consts::PI * 300.0 / 16000.0).sin() + 1e-4 * ((i * 7919) % 13) as f32
            })
            .collect()
    }

    fn feed_in_chunks(l: &mut VoiceListener<'_>, wav: &[f32], from: usize, to: usize) {
        let mut at = from;
        while at < to {
            let n = 1152.min(to - at);
            l.feed(at as u64, &wav[at..at + n]);
            at += n;
        }
    }

    fn cuts(rx: &Receiver<Cut>) -> BTreeMap<usize, (Ready, bool)> {
        let mut got = BTreeMap::new();
        while let Ok(c) = rx.try_recv() {
            assert!(got.insert(c.turn, (c.ready, c.past_end)).is_none(), "turn {} sent twice", c.turn);
        }
        got
    }

    #[test]
    fn a_turn_across_the_split_is_cut_as_from_one_decode() {
        let wav = recording(16000 * 12);
        let turns = vec![
            TurnSpan { start_ms: 500, end_ms: 3_000, speech: None },
            // Across the split at 5 s, by the gate and by spans.
            TurnSpan { start_ms: 3_000, end_ms: 7_500, speech: None },
            TurnSpan { start_ms: 3_000, end_ms: 7_500, speech: Some(vec![(3_200, 4_100), (4_900, 6_300)]) },
            TurnSpan { start_ms: 7_500, end_ms: 10_000, speech: None },
            // Past the end, and wholly after it.
            TurnSpan { start_ms: 10_000, end_ms: 14_000, speech: None },
            TurnSpan { start_ms: 15_000, end_ms: 16_000, speech: None },
        ];
        let win = Windows::new(&turns);
        let (tx, rx) = sync_channel(64);
        let split = 5 * 16000;
        let opts = AnalyzeOptions::default();
        let mut a = VoiceListener::new(&turns, &win, 0, tx.clone(), &opts);
        let mut b = VoiceListener::new(&turns, &win, split as u64, tx.clone(), &opts);
        feed_in_chunks(&mut b, &wav, split, wav.len());
        feed_in_chunks(&mut a, &wav, 0, split);
        let stats = stitch(vec![a, b], &turns, &win, &tx, &opts);
        let got = cuts(&rx);
        assert_eq!(got.len(), turns.len(), "each turn once");
        // Read in place where it was cut, each turn is made ready as its copied-out speech is.
        let mut prep = Preparer::new(&opts);
        for (i, t) in turns.iter().enumerate() {
            let want = prep.ready(cut_speech(&wav, 0, &capped(t)));
            assert_eq!(got[&i].0, want, "turn {i}");
        }
        assert!(got[&1].0.speech_ms > 0 && got[&1].0.pieces.len() >= 2, "the crossing turn has speech both sides");
        assert!(got[&1].0.prepared.is_some() && got[&1].0.features.is_some(), "made ready where it was cut");
        assert_eq!(stats.turns_past_end, [4, 5]);
        assert!(got[&4].1 && got[&5].1 && !got[&1].1);
        assert_eq!(stats.recording_ms, 12_000);
    }

    #[test]
    fn samples_held_stay_within_the_turn_being_cut() {
        // 60 s, turns of 4 s with gaps: the listener never holds much more than a window + 1 s.
        let wav = recording(16000 * 60);
        let turns: Vec<TurnSpan> =
            (0..10).map(|k| TurnSpan { start_ms: k * 6_000, end_ms: k * 6_000 + 4_000, speech: None }).collect();
        let win = Windows::new(&turns);
        let (tx, rx) = sync_channel(64);
        let opts = AnalyzeOptions::default();
        let mut l = VoiceListener::new(&turns, &win, 0, tx.clone(), &opts);
        feed_in_chunks(&mut l, &wav, 0, wav.len());
        let stats = stitch(vec![l], &turns, &win, &tx, &opts);
        assert_eq!(cuts(&rx).len(), 10);
        assert!(stats.peak_buffer_samples <= 5 * 16000 + 1152, "held {}", stats.peak_buffer_samples);
        assert!(stats.turns_past_end.is_empty());
    }
}
