//! The recovery prompt: autosaved edits of a transcript that was not saved and closed normally
//! (a crash, a kill). It says what would come back and asks: Recover / Keep for later / Discard.

use super::{Command, Commands};

/// What a pending recovery would bring back, as the prompt says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveryOffer {
    /// The transcript the edits were made to.
    pub transcript: String,
    /// Edits not saved before the session ended.
    pub edits: usize,
    /// When the last edit was made.
    pub when: String,
}

/// Answers to the recovery prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecoveryAnswer {
    /// Bring the edits back as undoable history.
    Recover,
    /// Leave the autosave as it is; it is offered again next time.
    Keep,
    /// Throw the autosaved edits away.
    Discard,
}

pub fn prompt(ctx: &egui::Context, offer: &RecoveryOffer, out: &mut Commands) {
    egui::Modal::new(egui::Id::unique("recovery")).show(ctx, |ui| {
        ui.heading("Recover unsaved work?");
        ui.label(format!(
            "{} edit(s) to {} were not saved; the last one was made {}.",
            offer.edits, offer.transcript, offer.when
        ));
        ui.label("Recovered edits can be undone one by one.");
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            for (label, answer) in [
                ("Recover", RecoveryAnswer::Recover),
                ("Keep for later", RecoveryAnswer::Keep),
                ("Discard", RecoveryAnswer::Discard),
            ] {
                if ui.button(label).clicked() {
                    out.push(Command::AnswerRecovery(answer));
                }
            }
        });
    });
}
