//! The player: seeking, play and pause with the rewind on resume, playing and looping a turn,
//! skip, speed and volume. Everything is refused while no recording is ready.

use super::App;
use crate::model::{Ms, TurnId};

impl App {
    pub(crate) fn seek(&mut self, ms: Ms) {
        if self.audio_ready() {
            self.player.seek(ms);
            self.view.follow_paused = false;
        }
    }

    pub(crate) fn play_pause(&mut self) {
        if !self.audio_ready() {
            return;
        }
        if self.player_state.playing {
            self.player.pause();
        } else {
            let back = self.player_state.position_ms.saturating_sub(self.config.settings.rewind_on_resume_ms);
            self.player.seek(back);
            self.player.play();
            self.view.follow_paused = false;
        }
    }

    pub(crate) fn skip(&mut self, forward: bool) {
        let step = self.config.settings.skip_ms as i64;
        self.player.skip(if forward { step } else { -step });
    }

    pub(crate) fn set_speed(&mut self, speed: f32) {
        self.player.set_speed(speed);
    }

    /// Speed up or down by 0.1×.
    pub(crate) fn nudge_speed(&mut self, delta: f32) {
        self.set_speed(((self.player_state.speed + delta) * 10.0).round() / 10.0);
    }

    pub(crate) fn set_volume(&mut self, volume: f32) {
        self.player.set_volume(volume.clamp(0.0, 1.0));
    }

    /// Start and end of a turn for playing it.
    fn turn_span(&self, turn: TurnId) -> Option<(Ms, Ms)> {
        let i = self.doc.turn_index(turn)?;
        let start = self.doc.turns[i].start_ms;
        let mut end = self.doc.effective_end(i);
        if end <= start {
            end = self.player_state.duration_ms.unwrap_or(start + 10_000).max(start + 1);
        }
        Some((start, end))
    }

    pub(crate) fn play_turn(&mut self, turn: TurnId) {
        if let Some((a, b)) = self.turn_span(turn)
            && self.audio_ready()
        {
            self.player.set_loop(None);
            self.looping = None;
            self.player.play_range(a, b);
        }
    }

    pub(crate) fn loop_turn(&mut self, turn: TurnId) {
        if !self.audio_ready() {
            return;
        }
        if self.looping == Some(turn) {
            self.looping = None;
            self.player.set_loop(None);
            return;
        }
        if let Some((a, b)) = self.turn_span(turn) {
            self.looping = Some(turn);
            self.player.set_loop(Some((a, b)));
            self.player.seek(a);
            self.player.play();
        }
    }
}
