//! The voice of every turn, in the editor, kept by turn id with the speech window it came from.
//!
//! - A recording whose analysis is not cached: the player's one pass gives the voices too
//!   (`audio::voice::feed`). The document's turn windows go with the recording to the player's
//!   peaks worker, which runs `audio::voice::one_pass` instead of the plain pass; each turn's
//!   voice arrives as it is embedded, cut by the energy gate (the speech map exists only once
//!   the pass ends), and is taken up every frame. A `TaskKind::Voice` task stands for it in the
//!   task list, with its progress and a Cancel that stops the voices (the peaks and the speech
//!   go on). One decode in all.
//! - A recording with its analysis cached (or a turn the one pass did not give, such as a
//!   document opened after the recording): once the speech map is there, the turns are embedded
//!   on the task runner (`TaskKind::Voice`, cancellable) by `audio::voice::turns::voice_spans`,
//!   a decode for the voices alone, each turn's speech cut by the map.
//!
//! A gate-cut voice stands for its window (start, end) as long as the window is unchanged; an
//! edit that moves a turn's window (its time, or its neighbour's) re-embeds that turn only, cut
//! by the map, once the document has stayed unchanged for the assistant's debounce. Another
//! recording, or another analysis of it, starts over.
//! Its results feed the assistant's re-check (`app/assist.rs`) and Re-match unreviewed turns.

use super::App;
use super::assist::DEBOUNCE;
use super::tasks::{Done, TaskKind};
use crate::assist::voice::REMATCH_MARGIN;
use crate::assist::{TurnVoice, VoiceChange, VoiceEvidence, rematch, rematch_edit};
use crate::audio::SpeechMap;
use crate::audio::voice::TurnSpan;
use crate::audio::voice::feed::{FeedPhase, VoiceFeed, VoiceJob};
use crate::audio::voice::turns::{SpanVoice, turn_spans, voice_spans};
use crate::model::{Ms, Transcript, TurnId};
use crate::ui::Level;
use crate::ui::Modal;
use crate::ui::rematch::RematchOffer;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Each turn's window when embedded, and its voice (embedding, None with too little speech, and
/// the likely change of voice inside it).
type ByTurn = HashMap<TurnId, (TurnSpan, SpanVoice)>;

/// Whether a voice embedded for window `had` is the turn's voice at `now`: the same window and
/// speech; or, cut by the gate (the one pass, before the speech map existed), the same window.
fn fits(had: &TurnSpan, now: &TurnSpan) -> bool {
    had == now || (had.speech.is_none() && (had.start_ms, had.end_ms) == (now.start_ms, now.end_ms))
}

/// The voice results as they stand, for a check on the task runner: the evidence is built there
/// (at 10,000 turns it is a few milliseconds of windows and copies).
pub(crate) struct VoiceSnapshot {
    by_turn: Arc<ByTurn>,
    /// None while the one pass runs (its voices are gate-cut, matched by their window).
    map: Option<Arc<SpeechMap>>,
    duration_ms: Ms,
}

impl VoiceSnapshot {
    /// The voice of every turn of `doc` whose embedding is for its current window.
    pub(crate) fn evidence(&self, doc: &Transcript) -> VoiceEvidence {
        let spans = turn_spans(doc, self.map.as_deref(), self.duration_ms);
        let turns = doc
            .turns
            .iter()
            .zip(spans)
            .filter_map(|(t, s)| match self.by_turn.get(&t.id) {
                Some((had, SpanVoice { embedding: Some(e), change, .. })) if fits(had, &s) => Some(TurnVoice {
                    change: change.map(|c| VoiceChange { at_ms: c.at_ms, score: c.score }),
                    ..TurnVoice::embedded(t.id, e.clone())
                }),
                _ => None,
            })
            .collect();
        VoiceEvidence { turns }
    }
}

/// A finished voice pass over some turns.
pub(crate) struct Voiced {
    generation: u64,
    turns: Vec<(TurnId, TurnSpan)>,
    result: Result<Vec<SpanVoice>, String>,
}

/// The embeddings of the open document's turns and the state of their computing.
#[derive(Default)]
pub(crate) struct Voices {
    /// Bumped for every new document or recording: a pass over the old one is dropped.
    generation: u64,
    /// The recording and the speech analysis the embeddings come from.
    source: Option<(PathBuf, Arc<SpeechMap>)>,
    /// Each turn's window when embedded, and its embedding (None: too little speech).
    /// Shared with the check that is running (copied on write only then).
    by_turn: Arc<ByTurn>,
    running: bool,
    /// The running pass's task, cancelled when the document or the recording changes.
    task: Option<u64>,
    /// Stopped (cancelled, or the recording cannot be read) until the recording changes.
    stopped: bool,
    /// The revision whose every turn is embedded.
    done_for: Option<u64>,
    /// Bumped whenever embeddings arrive (the findings are then re-checked).
    pub(crate) version: u64,
    /// The revision last seen unembedded, and since when (egui's input time, seconds).
    seen: Option<(u64, f64)>,
    /// Turns embedded since the recording was analysed (tests: edits re-embed only what moved).
    embedded: usize,
    /// The player's one pass listening for the turns' voices, when it was given a job.
    listened: Option<Listened>,
}

/// A voice job given to the player with a recording (see the module doc).
struct Listened {
    /// The recording.
    path: PathBuf,
    feed: VoiceFeed,
    /// The document's turns when the job was given, in order (the feed reports by index).
    ids: Vec<TurnId>,
}

impl Voices {
    pub fn reset(&mut self) {
        if let Some(l) = self.listened.take() {
            l.feed.stop();
        }
        *self = Voices { generation: self.generation + 1, version: self.version + 1, ..Default::default() };
    }
}

impl App {
    /// Another document or recording: the running pass is cancelled (its result would be
    /// dropped anyway) and nothing of the old embeddings is kept.
    pub(crate) fn drop_voices(&mut self) {
        if let Some(id) = self.voices.task.take()
            && self.voices.running
        {
            self.tasks.cancel(id);
        }
        self.voices.reset();
    }

    /// Every turn's window as the speech map gives it now (None without an analysis).
    fn voice_spans(&self) -> Option<Vec<TurnSpan>> {
        let map = self.speech.map()?;
        let duration = self.player_state.duration_ms?;
        Some(turn_spans(&self.doc, Some(map), duration))
    }

    /// A new recording for the open document: the voices start over, and with the voice
    /// analysis on, the job that lets the player's one pass give them (None: no listening).
    pub(crate) fn voice_job(&mut self, path: &std::path::Path) -> Option<VoiceJob> {
        self.drop_voices();
        if !self.options.voice_analysis || self.doc.turns.is_empty() {
            return None;
        }
        let feed = VoiceFeed::new();
        let ids = self.doc.turns.iter().map(|t| t.id).collect();
        let doc = self.doc.clone();
        let job = feed.job(move |duration| turn_spans(&doc, None, duration));
        self.voices.listened = Some(Listened { path: path.to_path_buf(), feed, ids });
        Some(job)
    }

    /// Take up the voices the one pass reported since the last frame; while it listens, a task
    /// stands for it (progress, Cancel).
    fn take_listened(&mut self) {
        let Some(l) = &self.voices.listened else { return };
        if self.voices.stopped {
            return;
        }
        let got = l.feed.take();
        let phase = l.feed.phase();
        if !got.is_empty() {
            let by = Arc::make_mut(&mut self.voices.by_turn);
            for (i, span, voice) in got {
                if let Some(&id) = l.ids.get(i) {
                    by.insert(id, (span, voice));
                    self.voices.embedded += 1;
                }
            }
            self.voices.version += 1;
            self.ctx.request_repaint();
        }
        if let FeedPhase::Listening { turns, .. } = phase
            && !self.voices.running
            && self.voices.task.is_none()
        {
            let feed = l.feed.clone();
            let generation = self.voices.generation;
            self.voices.running = true;
            let name = format!("Listening to the voices of {turns} turns…");
            self.voices.task = Some(self.tasks.spawn(&self.ctx, TaskKind::Voice, name, true, move |cancel| {
                let result = match feed.wait_done(|p| cancel.report(p), || cancel.is_cancelled()) {
                    FeedPhase::Failed(e) => Err(e),
                    _ => Ok(Vec::new()),
                };
                Done::Voiced(Voiced { generation, turns: Vec::new(), result })
            }));
        }
    }

    /// Once a frame: take up what the one pass gave, then start a voice pass over the turns not
    /// embedded for their current window.
    pub(crate) fn voices_when_due(&mut self) {
        // While the one pass runs, a speech map is not its own (it comes once the pass is over):
        // the previous recording's, its pass done as this one was loaded. Not taken up.
        let listening = self.voices.listened.as_ref().is_some_and(|l| l.feed.is_open());
        let source = self
            .audio_path
            .clone()
            .zip(self.speech.map().cloned())
            .filter(|_| self.options.voice_analysis && !listening);
        let same = match (&self.voices.source, &source) {
            (Some((p, m)), Some((q, n))) => p == q && Arc::ptr_eq(m, n),
            (None, None) => true,
            // The analysis of the recording the one pass listened to: what it gave is kept.
            (None, Some((q, _))) => self.voices.listened.as_ref().is_some_and(|l| l.path == *q),
            (Some(_), None) => false,
        };
        if !same {
            self.drop_voices();
        }
        self.voices.source = source;
        if self.voices.running && !self.tasks.running(TaskKind::Voice) {
            // Cancelled by the user: no more passes until the recording changes.
            self.voices.running = false;
            self.voices.stopped = true;
            if let Some(l) = &self.voices.listened {
                l.feed.stop();
            }
        }
        self.take_listened();
        let rev = self.history.revision();
        let Some((path, _)) = self.voices.source.clone() else { return };
        if self.voices.running || self.voices.stopped || self.voices.done_for == Some(rev) {
            return;
        }
        let now = self.ctx.input(|i| i.time);
        let since = match self.voices.seen {
            Some((r, t)) if r == rev => t,
            _ => {
                self.voices.seen = Some((rev, now));
                now
            }
        };
        let waited = Duration::from_secs_f64((now - since).max(0.0));
        if !self.voices.by_turn.is_empty() && waited < DEBOUNCE {
            self.ctx.request_repaint_after(DEBOUNCE - waited);
            return;
        }
        let Some(spans) = self.voice_spans() else { return };
        let todo: Vec<(TurnId, TurnSpan)> = self
            .doc
            .turns
            .iter()
            .zip(spans)
            .filter(|(t, s)| self.voices.by_turn.get(&t.id).is_none_or(|(had, _)| !fits(had, s)))
            .map(|(t, s)| (t.id, s))
            .collect();
        if todo.is_empty() {
            self.voices.done_for = Some(rev);
            return;
        }
        self.voices.running = true;
        let generation = self.voices.generation;
        let name = format!("Listening to the voices of {} turns…", todo.len());
        self.voices.task = Some(self.tasks.spawn(&self.ctx, TaskKind::Voice, name, true, move |cancel| {
            let spans: Vec<TurnSpan> = todo.iter().map(|(_, s)| s.clone()).collect();
            let result = voice_spans(&path, &spans, cancel.flag(), |p| cancel.report(p))
                .map_err(|e| format!("{}: {e}", path.display()));
            Done::Voiced(Voiced { generation, turns: todo, result })
        }));
    }

    pub(crate) fn voiced(&mut self, v: Voiced) {
        if v.generation != self.voices.generation {
            return;
        }
        self.voices.running = false;
        self.voices.task = None;
        match v.result {
            Ok(embeddings) => {
                self.voices.embedded += v.turns.len();
                for ((id, span), e) in v.turns.into_iter().zip(embeddings) {
                    Arc::make_mut(&mut self.voices.by_turn).insert(id, (span, e));
                }
                self.voices.version += 1;
                self.ctx.request_repaint();
            }
            Err(e) => {
                self.voices.stopped = true;
                self.notify(Level::Error, format!("The voices cannot be analysed: {e}"));
            }
        }
    }

    /// The voice results for a check (None: no recording analysed, or no turn embedded yet).
    pub(crate) fn voice_snapshot(&self) -> Option<VoiceSnapshot> {
        if self.voices.by_turn.is_empty() {
            return None;
        }
        let map = self.speech.map().cloned();
        let duration_ms = self.player_state.duration_ms?;
        Some(VoiceSnapshot { by_turn: self.voices.by_turn.clone(), map, duration_ms })
    }

    /// Every turn of the document embedded for its current window (tests).
    pub fn voices_ready(&self) -> bool {
        !self.voices.running && self.voices.done_for == Some(self.history.revision())
    }

    /// Every turn embedded for its window as it is now (an edit that moved no window needs no
    /// new pass, even before the debounce has let the pass look).
    fn voices_complete(&self) -> bool {
        let Some(spans) = self.voice_spans().filter(|_| !self.voices.running) else { return false };
        let by = &self.voices.by_turn;
        self.doc.turns.iter().zip(spans).all(|(t, s)| by.get(&t.id).is_some_and(|(had, _)| fits(had, &s)))
    }

    /// How many turns the voice passes embedded since the recording was analysed (tests).
    pub fn voice_turns_embedded(&self) -> usize {
        self.voices.embedded
    }

    /// How many turns have a voice cut by the energy gate, from the player's one pass (tests).
    pub fn voices_cut_by_gate(&self) -> usize {
        self.voices.by_turn.values().filter(|(span, _)| span.speech.is_none()).count()
    }

    /// Re-match unreviewed turns: show every unconfirmed turn whose voice is clearly another
    /// speaker's (each speaker's voice from the turns reviewed or set by hand); Apply is one edit.
    /// The preview is computed on the task runner (`TaskKind::Rematch`: at 10,000 turns the
    /// evidence alone copies every embedding) and shown when it is done.
    pub(crate) fn offer_rematch(&mut self) {
        if !self.voices_complete() {
            let msg = if self.voices.stopped {
                "The voices were not analysed (the pass stopped); reopen the recording to try again."
            } else {
                "The voices are still being analysed; try again when the task is done."
            };
            self.notify(Level::Info, msg);
            return;
        }
        if self.tasks.running(TaskKind::Rematch) {
            return;
        }
        let doc = self.doc.clone();
        let snapshot = self.voice_snapshot();
        let (generation, revision) = (self.voices.generation, self.history.revision());
        let name = "Re-matching the voices…".to_string();
        self.tasks.spawn(&self.ctx, TaskKind::Rematch, name, false, move |_| {
            let ev = snapshot.map(|v| v.evidence(&doc)).unwrap_or_default();
            Done::Rematched(Rematched { generation, revision, offer: rematch_offer(&doc, &ev) })
        });
    }

    /// The Re-match preview is ready: shown unless the document or the recording changed since.
    pub(crate) fn rematched(&mut self, r: Rematched) {
        if r.generation != self.voices.generation {
            return;
        }
        if r.revision != self.history.revision() {
            self.notify(Level::Info, "The transcript changed while re-matching; try Re-match again.");
            return;
        }
        self.view.modal = Some(Modal::Rematch(r.offer));
        self.ctx.request_repaint();
    }
}

/// A finished Re-match preview, for the document at `revision`.
pub(crate) struct Rematched {
    generation: u64,
    revision: u64,
    offer: RematchOffer,
}

/// The Re-match preview's lines and its one edit.
fn rematch_offer(doc: &Transcript, ev: &VoiceEvidence) -> RematchOffer {
    let found = rematch(doc, ev, REMATCH_MARGIN);
    let lines = found
        .iter()
        .map(|l| {
            format!(
                "#{:<5} {} → {}  ({:.2} vs {:.2})",
                l.turn + 1,
                doc.speaker_name(l.from),
                doc.speaker_name(l.to),
                l.similarity,
                l.own_similarity
            )
        })
        .collect();
    let edit = (!found.is_empty()).then(|| rematch_edit(&found));
    RematchOffer { lines, edit }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TranscriptBuilder;

    #[test]
    fn a_gate_cut_voice_stands_for_its_window_once_the_speech_map_exists() {
        let mut b = TranscriptBuilder::new();
        b.push(Some("A"), Some(0), None, "a");
        b.push(Some("B"), Some(5_000), None, "b");
        let mut doc = b.finish();
        let voice = SpanVoice { embedding: Some(vec![1.0; 4]), ..SpanVoice::default() };
        // As the one pass gave them: by the gate, the map not known yet.
        let by_turn: ByTurn =
            doc.turns.iter().zip(turn_spans(&doc, None, 10_000)).map(|(t, s)| (t.id, (s, voice.clone()))).collect();
        let map = Arc::new(SpeechMap::from_segments(vec![(500, 4_000), (5_200, 9_000)]));
        let snap = VoiceSnapshot { by_turn: Arc::new(by_turn), map: Some(map.clone()), duration_ms: 10_000 };
        assert_eq!(snap.evidence(&doc).turns.len(), 2, "the same windows: kept");
        let during = VoiceSnapshot { map: None, by_turn: snap.by_turn.clone(), duration_ms: 10_000 };
        assert_eq!(during.evidence(&doc).turns.len(), 2, "usable while the pass runs");
        // Turn B moved: its window and A's changed, neither voice stands any more.
        doc.turns[1].start_ms = 5_500;
        assert!(snap.evidence(&doc).turns.is_empty());
        // A voice cut by the map stands only for the same speech.
        let spans = turn_spans(&doc, Some(&map), 10_000);
        let mut cut = spans[0].clone();
        assert!(fits(&spans[0], &cut));
        cut.speech = Some(vec![(600, 4_000)]);
        assert!(!fits(&cut, &spans[0]), "other speech in the same window");
    }

    #[test]
    fn a_speech_map_seen_while_the_one_pass_listens_is_not_taken_for_its_own() {
        let mut app = App::new(
            &egui::Context::default(),
            crate::app::AppOptions { voice_analysis: true, ..crate::app::AppOptions::headless() },
        );
        let mut b = TranscriptBuilder::new();
        b.push(Some("A"), Some(0), None, "a");
        app.doc = b.finish();
        let path = PathBuf::from("/nonexistent/talk.wav");
        let ids = app.doc.turns.iter().map(|t| t.id).collect();
        app.audio_path = Some(path.clone());
        app.voices.listened = Some(Listened { path, feed: VoiceFeed::new(), ids });
        app.player_state.duration_ms = Some(10_000);
        // The previous recording's analysis, still in the player as this one is loaded.
        let old = crate::audio::SpeechActivity { frame_samples: 256, scores: vec![255; 100], energy: Vec::new() };
        app.speech.update(Some(Arc::new(old)));
        app.voices_when_due();
        assert!(!app.tasks.running(TaskKind::Voice), "no pass over the old map");
        assert!(app.voices.source.is_none());
        assert!(app.voices.listened.as_ref().is_some_and(|l| l.feed.is_open()), "the one pass still listens");
    }
}
