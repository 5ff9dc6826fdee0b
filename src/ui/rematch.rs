//! The Re-match unreviewed turns window: each turn whose voice is clearly another speaker's,
//! with its scores, and Apply, which asks for the one undoable edit the app prepared.

use super::Commands;
use crate::edit::Edit;

/// What re-matching would change, as the app prepared it.
#[derive(Clone, Debug, PartialEq)]
pub struct RematchOffer {
    /// "#12    Ann → Bob  (0.81 vs 0.52)": the turn, its speaker now and after, and the
    /// similarity to the new speaker's voice against the labelled one's.
    pub lines: Vec<String>,
    /// The edit Apply asks for (None: nothing changes).
    pub edit: Option<Edit>,
}

/// Draw the window; true when it is to close (Apply or Cancel).
pub fn window(ctx: &egui::Context, offer: &RematchOffer, out: &mut Commands) -> bool {
    let mut close = false;
    egui::Modal::new(egui::Id::unique("rematch")).show(ctx, |ui| {
        ui.heading("Re-match unreviewed turns");
        ui.label("Each speaker's voice is taken from the turns you reviewed or set by hand; these turns sound clearly more like another speaker. Reviewed and hand-set turns are never changed.");
        if offer.lines.is_empty() {
            ui.label("No unreviewed turn sounds clearly like another speaker.");
        } else {
            ui.label(format!("{} turns change speaker:", offer.lines.len()));
            egui::ScrollArea::vertical().id_salt("rematch-lines").max_height(240.0).show(ui, |ui| {
                for l in &offer.lines {
                    ui.monospace(l);
                }
            });
        }
        ui.add_space(8.0);
        close |= super::dialogs::apply_or_cancel(ui, offer.edit.as_ref(), out);
    });
    close
}
