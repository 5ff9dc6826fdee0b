//! The app's side of the correction assistant: the findings of the open document, re-checked on
//! the task runner a moment after the user stops editing (never on the UI thread), and what the
//! issues panel and the Review commands ask for: go to a finding and play its turn from its
//! speech onset, apply its fix, dismiss it, mark turns reviewed, go to the next unreviewed turn.
//! Every change goes through [`App::apply`], so each is one ordinary undoable edit.

use super::App;
use super::tasks::{Done, TaskKind};
use crate::assist::{self, Finding, Kind};
use crate::model::TurnId;
use crate::ui::Level;
use crate::ui::commands::Action;
use crate::ui::issues::{AssistInputs, FindingAct};
use std::time::Duration;

/// How long the document must stay unchanged before it is checked again (typing does not start
/// a check per keystroke).
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(300);

/// A finished check.
pub(crate) struct Checked {
    generation: u64,
    revision: u64,
    /// The voice results' version it used (`app/voice.rs`).
    voices: u64,
    findings: Vec<Finding>,
}

/// The findings and the state of their re-checking.
#[derive(Default)]
pub(crate) struct Assist {
    /// Bumped for every new document: a check of the previous one is dropped.
    generation: u64,
    findings: Vec<Finding>,
    /// The revision the findings are for, and the voice results' version.
    checked: Option<(u64, u64)>,
    /// The revision being checked on the task runner.
    running: Option<u64>,
    /// The revision last seen unchecked, and since when (egui's input time, seconds).
    seen: Option<(u64, f64)>,
}

impl Assist {
    /// Another document: nothing of the old one's findings is kept.
    pub fn reset(&mut self) {
        *self = Assist { generation: self.generation + 1, ..Default::default() };
    }
}

impl App {
    pub(crate) fn assist_inputs(&self) -> AssistInputs<'_> {
        AssistInputs { findings: &self.assist.findings, stale: self.findings_stale() }
    }

    fn findings_stale(&self) -> bool {
        self.file.is_some() && self.assist.checked != Some((self.history.revision(), self.voices.version))
    }

    /// The findings as last checked, best first (tests).
    pub fn findings(&self) -> &[Finding] {
        &self.assist.findings
    }

    /// The finding the issues panel is on (tests).
    pub fn selected_finding(&self) -> Option<(TurnId, Kind)> {
        self.view.issues.selected
    }

    /// Check the document now if it changed, and wait for the result (tests, benches).
    pub fn recheck_now(&mut self) {
        if self.findings_stale() && self.assist.running.is_none() {
            self.start_check();
        }
        self.wait_for_jobs();
    }

    /// Once a frame, while the issues panel is shown: start a check when the document changed
    /// and has stayed so for [`DEBOUNCE`] (at once for a document not yet checked); else wake up
    /// when it is due. With the panel hidden nothing runs (F8 shows it).
    pub(crate) fn recheck_when_due(&mut self) {
        if !self.view.issues.show || !self.findings_stale() || self.assist.running.is_some() {
            return;
        }
        let rev = self.history.revision();
        let now = self.ctx.input(|i| i.time);
        let since = match self.assist.seen {
            Some((r, t)) if r == rev => t,
            _ => {
                self.assist.seen = Some((rev, now));
                now
            }
        };
        let waited = Duration::from_secs_f64((now - since).max(0.0));
        if self.assist.checked.is_some() && waited < DEBOUNCE {
            self.ctx.request_repaint_after(DEBOUNCE - waited);
            return;
        }
        self.start_check();
    }

    fn start_check(&mut self) {
        let doc = self.doc.clone();
        let revision = self.history.revision();
        let generation = self.assist.generation;
        let audio_ms = self.player_state.duration_ms.or(doc.audio.as_ref().and_then(|a| a.duration_ms));
        let voices = self.voices.version;
        let voice = self.voice_snapshot();
        self.assist.running = Some(revision);
        self.tasks.spawn(&self.ctx, TaskKind::Check, "Checking the transcript…".into(), false, move |_| {
            let voice = voice.map(|v| v.evidence(&doc));
            let findings = assist::check(&doc, &assist::Context { audio_ms, voice: voice.as_ref() });
            Done::Checked(Checked { generation, revision, voices, findings })
        });
    }

    pub(crate) fn checked(&mut self, c: Checked) {
        if c.generation != self.assist.generation {
            return;
        }
        self.assist.running = None;
        self.assist.findings = c.findings;
        self.assist.checked = Some((c.revision, c.voices));
        self.ctx.request_repaint();
    }

    /// The Review group of the command table.
    pub(crate) fn run_assist(&mut self, a: Action) {
        match a {
            Action::ToggleIssues => self.view.issues.show = !self.view.issues.show,
            Action::NextFinding | Action::PreviousFinding => {
                // The findings are kept up to date while the panel is shown.
                self.view.issues.show = true;
                self.step_finding(a == Action::NextFinding);
            }
            Action::QuickFix => {
                if let Some((t, k)) = self.finding_at_hand() {
                    self.fix_finding(t, k);
                }
            }
            Action::NotAProblem => {
                if let Some((t, k)) = self.finding_at_hand() {
                    self.dismiss_finding(t, k);
                }
            }
            Action::ToggleReviewed => {
                if let Some(t) = self.current_turn()
                    && let Some(reviewed) = self.doc.turn(t).map(|x| x.reviewed)
                    && let Some(e) = assist::set_reviewed(&self.doc, t, !reviewed)
                {
                    self.apply(e);
                }
            }
            Action::NextUnreviewed => {
                let from = self.current_turn().and_then(|t| self.doc.turn_index(t));
                let from = from.unwrap_or(self.doc.turns.len().saturating_sub(1));
                match assist::next_unreviewed(&self.doc, from) {
                    Some(i) => {
                        let id = self.doc.turns[i].id;
                        self.focus_turn(id, None);
                    }
                    None => self.notify(Level::Info, "Every turn is reviewed."),
                }
            }
            _ => {}
        }
    }

    /// A row of the issues panel.
    pub(crate) fn finding_command(&mut self, turn: TurnId, kind: Kind, act: FindingAct) {
        match act {
            FindingAct::Go => self.go_to_finding(turn, kind),
            FindingAct::Fix => self.fix_finding(turn, kind),
            FindingAct::Dismiss => self.dismiss_finding(turn, kind),
        }
    }

    fn find(&self, turn: TurnId, kind: Kind) -> Option<&Finding> {
        self.assist.findings.iter().find(|f| f.turn_id == turn && f.kind == kind)
    }

    /// What Ctrl+. and "Not a problem" act on: the selected finding when it is on the focused
    /// turn (or no turn is focused), else the focused turn's best finding, else the selected one.
    fn finding_at_hand(&self) -> Option<(TurnId, Kind)> {
        let selected = self.view.issues.selected.filter(|&(t, k)| self.find(t, k).is_some());
        let current = self.current_turn();
        if let (Some(s), Some(c)) = (selected, current)
            && s.0 == c
        {
            return Some(s);
        }
        let on_current = current.and_then(|c| self.assist.findings.iter().find(|f| f.turn_id == c));
        on_current.map(|f| (f.turn_id, f.kind)).or(selected)
    }

    /// F8 / Shift+F8: the next or previous finding of the panel's list (as filtered), wrapping.
    fn step_finding(&mut self, forward: bool) {
        let listed: Vec<(TurnId, Kind)> =
            self.view.issues.listed(&self.assist.findings).map(|f| (f.turn_id, f.kind)).collect();
        if listed.is_empty() {
            return;
        }
        let n = listed.len();
        let pos = self.view.issues.selected.and_then(|s| listed.iter().position(|&x| x == s));
        let k = match (pos, forward) {
            (Some(p), true) => (p + 1) % n,
            (Some(p), false) => (p + n - 1) % n,
            (None, true) => 0,
            (None, false) => n - 1,
        };
        let (t, kind) = listed[k];
        self.go_to_finding(t, kind);
    }

    /// Select a finding, show its turn and play the turn from its speech onset.
    fn go_to_finding(&mut self, turn: TurnId, kind: Kind) {
        if self.doc.turn_index(turn).is_none() {
            return;
        }
        self.view.issues.selected = Some((turn, kind));
        self.view.issues.scroll_to_selected = true;
        self.focus_turn(turn, None);
        // From its speech onset to its speech end, as Play this turn (app/playback.rs).
        self.play_turn(turn);
    }

    /// A name respelled everywhere is previewed first (ui/spelling_preview.rs, answered in
    /// app/asks.rs); every other fix applies at once.
    fn fix_finding(&mut self, turn: TurnId, kind: Kind) {
        let Some(f) = self.find(turn, kind) else { return };
        if let Some(assist::Suggestion::ReplaceName { from, to }) = &f.suggestion {
            let lines = assist::spelling::preview(&self.doc, from, to);
            let lines = lines.into_iter().map(|l| (l.turn, l.occurrences, l.after)).collect();
            let p =
                crate::ui::spelling_preview::SpellingPreview { turn, kind, from: from.clone(), to: to.clone(), lines };
            self.view.modal = Some(crate::ui::Modal::Spelling(p));
            return;
        }
        self.apply_fix(turn, kind);
    }

    pub(crate) fn apply_fix(&mut self, turn: TurnId, kind: Kind) {
        let Some(f) = self.find(turn, kind).cloned() else { return };
        let Some(r) = f.fix(&self.doc) else {
            self.notify(Level::Info, format!("{kind}: no fix is suggested; edit the turn by hand or dismiss it."));
            return;
        };
        let replaced = match &f.suggestion {
            Some(assist::Suggestion::ReplaceName { from, to }) => {
                Some((from.clone(), to.clone(), assist::spelling::preview(&self.doc, from, to).len()))
            }
            _ => None,
        };
        let ok = match r {
            Ok(e) => self.apply(e),
            Err(e) => {
                self.notify(Level::Error, format!("Not done: {e}"));
                false
            }
        };
        if ok {
            self.view.issues.selected = Some((turn, kind));
            if let Some((from, to, n)) = replaced {
                self.notify(Level::Info, format!("Replaced “{from}” with “{to}” in {n} turns (Ctrl+Z undoes all)"));
            }
        }
    }

    fn dismiss_finding(&mut self, turn: TurnId, kind: Kind) {
        let Some(f) = self.find(turn, kind).cloned() else { return };
        if let Some(e) = assist::dismiss(&self.doc, &f)
            && self.apply(e)
        {
            // Gone from the list at once; the re-check agrees.
            self.assist.findings.retain(|g| !(g.turn_id == turn && g.kind == kind));
        }
    }
}
