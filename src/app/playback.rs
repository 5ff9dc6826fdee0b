//! The player: seeking, play and pause with the rewind on resume, playing and looping a turn
//! (on its speech when the recording has been analysed),
//! skip, speed and volume. Everything is refused while no recording is ready.

use super::App;
use crate::model::{Ms, Transcript, TurnId};

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

    /// Start and end of a turn for playing it: its speech when the recording's analysis finds
    /// some in the turn's window (see [`super::speech`]), else [`play_span`].
    fn turn_span(&self, turn: TurnId) -> Option<(Ms, Ms)> {
        let i = self.doc.turn_index(turn)?;
        if let Some((a, b)) = self.turn_speech(turn) {
            return Some((a, b.max(a + 1)));
        }
        Some(play_span(&self.doc, i, self.player_state.duration_ms))
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

/// Assumed speaking rate where a turn has nothing else to end it: 400 ms a word (2.5 words a
/// second), at least 1 s.
const MS_PER_WORD: Ms = 400;

/// Where playing turn `index` starts and stops: its own end when it has one; else the next
/// *later* start (turns sharing its start, or empty turns at the same time, do not end it);
/// else a words-based estimate, never past the recording's end.
pub(crate) fn play_span(doc: &Transcript, index: usize, duration: Option<Ms>) -> (Ms, Ms) {
    let t = &doc.turns[index];
    let start = t.start_ms;
    let own = t.end_ms.filter(|&e| e > start);
    let next = doc.turns[index + 1..].iter().map(|n| n.start_ms).find(|&s| s > start);
    let end = own.or(next).unwrap_or_else(|| {
        let words = t.text.split_whitespace().count() as Ms;
        let guess = start + (words * MS_PER_WORD).max(1000);
        match duration {
            Some(d) if d > start => guess.min(d),
            _ => guess,
        }
    });
    (start, end.max(start + 1))
}

#[cfg(test)]
mod tests {
    use super::play_span;
    use crate::model::TranscriptBuilder;

    #[test]
    fn a_turn_stops_at_its_end_even_when_the_next_shares_or_lacks_a_time() {
        let mut b = TranscriptBuilder::new();
        b.push(Some("A"), Some(136_000), None, "seven words spoken here in turn seven");
        b.push(Some("B"), Some(136_000), None, "");
        b.push(Some("A"), Some(147_000), None, "nine");
        b.push(Some("B"), Some(150_000), Some(152_000), "own end");
        b.push(Some("A"), Some(160_000), None, "one two three four five");
        let doc = b.finish();
        // The next turn shares the start: play until the next later start (2:27).
        assert_eq!(play_span(&doc, 0, Some(600_000)), (136_000, 147_000));
        assert_eq!(play_span(&doc, 1, Some(600_000)), (136_000, 147_000));
        // Its own end comes first.
        assert_eq!(play_span(&doc, 3, Some(600_000)), (150_000, 152_000));
        // The last turn: 2.5 words a second, not the rest of the recording.
        assert_eq!(play_span(&doc, 4, Some(600_000)), (160_000, 162_000));
        assert_eq!(play_span(&doc, 4, Some(161_000)), (160_000, 161_000));
    }
}
