//! The Snap times to speech window: how many turns move and by how much (the summary, then
//! each move), and Apply, which asks for the one undoable edit the app prepared.

use super::Commands;
use crate::edit::Edit;
use crate::model::{Ms, format_otter_time};

/// What snapping would do, as the app prepared it.
#[derive(Clone, Debug, PartialEq)]
pub struct SnapOffer {
    /// "12 turns move (median +420 ms, largest +930 ms); …"
    pub summary: String,
    /// Each turn that moves: its number (1-based), its time now and after.
    pub moves: Vec<(usize, Ms, Ms)>,
    /// The edit Apply asks for (None: nothing moves).
    pub edit: Option<Edit>,
}

/// Draw the window; true when it is to close (Apply or Cancel).
pub fn window(ctx: &egui::Context, offer: &SnapOffer, out: &mut Commands) -> bool {
    let mut close = false;
    egui::Modal::new(egui::Id::unique("snap")).show(ctx, |ui| {
        ui.heading("Snap times to speech");
        ui.label("Each turn's start moves onto where its speech begins in the recording.");
        ui.label(&offer.summary);
        if !offer.moves.is_empty() {
            egui::ScrollArea::vertical().id_salt("snap-moves").max_height(240.0).show(ui, |ui| {
                for &(n, from, to) in &offer.moves {
                    let shift = to as i64 - from as i64;
                    ui.monospace(format!("#{n:<5} {} → {}  ({shift:+} ms)", precise(from), precise(to)));
                }
            });
        }
        ui.add_space(8.0);
        close |= super::dialogs::apply_or_cancel(ui, offer.edit.as_ref(), out);
    });
    close
}

/// A time to the millisecond: "2:16.640".
fn precise(ms: Ms) -> String {
    format!("{}.{:03}", format_otter_time(ms), ms % 1000)
}
