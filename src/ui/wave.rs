//! The waveform overview above the list: peaks, turn spans in speaker colours, the playhead.
//! Click or drag to seek; zoom around the playhead. Cost per frame depends on its width only.

use super::list::speaker_color;
use super::{Action, Command, Commands, Inputs, ViewState};
use crate::model::Ms;
use egui::{Color32, Rect, Sense, Stroke, pos2, vec2};

const HEIGHT: f32 = 56.0;
const BAND: f32 = 8.0;

/// What the band mesh was built for (besides the document, whose changes clear it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WaveKey {
    rect: [u32; 4],
    t0: u64,
    span: u64,
}

/// What the peaks mesh was built for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PeaksKey {
    /// The peaks (address and length: they are replaced while they are being built).
    peaks: (usize, usize),
    rect: [u32; 4],
    t0: u64,
    span: u64,
    color: Color32,
}

/// The waveform's cached drawing.
#[derive(Default)]
pub(crate) struct WaveCache {
    bands: Option<(WaveKey, std::sync::Arc<egui::Mesh>)>,
    peaks: Option<(PeaksKey, std::sync::Arc<egui::Mesh>)>,
}

impl WaveCache {
    /// The speaker bands are out of date (speakers, times or turns changed).
    pub(crate) fn clear_bands(&mut self) {
        self.bands = None;
    }
}

/// The waveform: per pixel column, a 1-pixel-wide bar from the min to the max of its buckets.
fn peaks_mesh(
    p: &crate::audio::Peaks,
    rect: Rect,
    mid: f32,
    amp: f32,
    color: Color32,
    x_to_ms: &dyn Fn(f32) -> Ms,
) -> egui::Mesh {
    let mut mesh = egui::Mesh::default();
    let w = rect.width().max(1.0) as usize;
    let n = p.min.len();
    for px in 0..w {
        let x = rect.left() + px as f32;
        let a = (x_to_ms(x) / p.ms_per_bucket as u64) as usize;
        let b = ((x_to_ms(x + 1.0) / p.ms_per_bucket as u64) as usize).max(a + 1);
        if a >= n {
            break;
        }
        let b = b.min(n);
        let (mut lo, mut hi) = (0.0f32, 0.0f32);
        for k in a..b {
            lo = lo.min(p.min[k]);
            hi = hi.max(p.max[k]);
        }
        let top = mid - hi.clamp(-1.0, 1.0) * amp;
        let bottom = mid - lo.clamp(-1.0, 1.0) * amp + 1.0;
        mesh.add_colored_rect(Rect::from_min_max(pos2(x, top), pos2(x + 1.0, bottom)), color);
    }
    mesh
}

/// The speaker bands under the waveform: one binary search per pixel column, runs merged.
fn band_mesh(doc: &crate::model::Transcript, rect: Rect, x_to_ms: &dyn Fn(f32) -> Ms) -> egui::Mesh {
    let w = rect.width().max(1.0) as usize;
    let mut mesh = egui::Mesh::default();
    let mut run: Option<(u32, f32)> = None;
    let band_rect = |x0: f32, x1: f32| Rect::from_min_max(pos2(x0, rect.bottom() - BAND), pos2(x1, rect.bottom()));
    for px in 0..=w {
        let x = rect.left() + px as f32;
        let sp = if px < w { doc.turn_at(x_to_ms(x)).map(|i| doc.turns[i].speaker.0) } else { None };
        if run.map(|r| r.0) == sp {
            continue;
        }
        if let Some((s, x0)) = run {
            let c = doc.speakers.iter().find(|sp| sp.id.0 == s).map_or(Color32::GRAY, |sp| speaker_color(sp.color));
            mesh.add_colored_rect(band_rect(x0, x), c.gamma_multiply(0.8));
        }
        run = sp.map(|s| (s, x));
    }
    mesh
}

pub fn overview(ui: &mut egui::Ui, view: &mut ViewState, input: &Inputs, out: &mut Commands) {
    if !input.has_file {
        return;
    }
    let st = input.player;
    let ready = input.audio_ready();
    let playing_index = input.playing_index();
    let doc_end = input.doc.turns.last().map_or(0, |t| t.start_ms + 5_000);
    let duration = st.duration_ms.filter(|_| ready).unwrap_or(doc_end).max(1);
    let position = if ready { st.position_ms } else { 0 };
    let (peaks, progress) = (&input.peaks, input.peaks_progress);

    ui.horizontal(|ui| {
        let zoom_w = 64.0;
        // Never wider than the window: a click on its visible right edge is the recording's end.
        let room = ui.available_width().min(ui.ctx().content_rect().right() - ui.cursor().left());
        let (rect, resp) = ui.allocate_exact_size(vec2((room - zoom_w).max(50.0), HEIGHT), Sense::click_and_drag());
        let resp = resp.on_hover_text("Click or drag to seek").accessible_name("Waveform");
        // The visible window: the whole recording divided by the zoom, centred on the playhead.
        let span = (duration as f64 / view.wave_zoom as f64).max(1000.0);
        let mut t0 = position as f64 - span / 2.0;
        t0 = t0.clamp(0.0, (duration as f64 - span).max(0.0));
        let x_to_ms = |x: f32| -> Ms { (t0 + ((x - rect.left()) / rect.width()).clamp(0.0, 1.0) as f64 * span) as Ms };
        let ms_to_x = |ms: f64| -> f32 { rect.left() + ((ms - t0) / span) as f32 * rect.width() };

        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 3.0, ui.visuals().extreme_bg_color);

        // Turn spans as bands: one binary search per pixel column, runs merged into one mesh
        // (at most one quad per column, however many turns). The mesh is cached per (rect,
        // visible window), cleared by document changes other than typing, so a frame that changes
        // none of them costs nothing here.
        let doc = input.doc;
        if !doc.turns.is_empty() {
            let key = WaveKey {
                rect: [rect.left(), rect.top(), rect.width(), rect.height()].map(f32::to_bits),
                t0: t0.to_bits(),
                span: span.to_bits(),
            };
            let mesh = match &view.wave_cache.bands {
                Some((k, m)) if *k == key => m.clone(),
                _ => {
                    let m = std::sync::Arc::new(band_mesh(doc, rect, &x_to_ms));
                    view.wave_cache.bands = Some((key, m.clone()));
                    m
                }
            };
            painter.add(egui::Shape::Mesh(mesh));
            if let Some(i) = playing_index {
                let a = ms_to_x(doc.turns[i].start_ms as f64);
                let b = ms_to_x(doc.effective_end(i) as f64).max(a + 2.0);
                painter.rect_filled(
                    Rect::from_min_max(pos2(a, rect.top()), pos2(b, rect.bottom() - BAND)),
                    0.0,
                    ui.visuals().selection.bg_fill.gamma_multiply(0.25),
                );
            }
        }

        // Peaks: min/max per pixel column.
        let mid = rect.top() + (HEIGHT - BAND) / 2.0;
        let amp = (HEIGHT - BAND) / 2.0 - 2.0;
        if let Some(p) = &peaks
            && !p.min.is_empty()
            && p.ms_per_bucket > 0
        {
            let color = ui.visuals().strong_text_color().gamma_multiply(0.6);
            // One column per pixel, each the min..max of its buckets, as one mesh cached per
            // (peaks, rect, visible window, colour): a recording of hours scans its buckets only
            // when the view changes, not every frame of playback.
            let key = PeaksKey {
                peaks: (std::sync::Arc::as_ptr(p) as usize, p.min.len()),
                rect: [rect.left(), rect.top(), rect.width(), rect.height()].map(f32::to_bits),
                t0: t0.to_bits(),
                span: span.to_bits(),
                color,
            };
            let mesh = match &view.wave_cache.peaks {
                Some((k, m)) if *k == key => m.clone(),
                _ => {
                    let m = std::sync::Arc::new(peaks_mesh(p, rect, mid, amp, color, &x_to_ms));
                    view.wave_cache.peaks = Some((key, m.clone()));
                    m
                }
            };
            painter.add(egui::Shape::Mesh(mesh));
        } else if ready && progress < 1.0 {
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                format!("Building the waveform… {:.0}%", progress * 100.0),
                egui::FontId::proportional(12.0),
                ui.visuals().weak_text_color(),
            );
            let pr = Rect::from_min_size(rect.left_top(), vec2(rect.width() * progress, 3.0));
            painter.rect_filled(pr, 0.0, ui.visuals().selection.bg_fill);
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(200));
        } else if !ready {
            painter.text(
                rect.center() - vec2(0.0, BAND / 2.0),
                egui::Align2::CENTER_CENTER,
                "Turns over time (no recording loaded)",
                egui::FontId::proportional(12.0),
                ui.visuals().weak_text_color(),
            );
        }

        if ready {
            let x = ms_to_x(position as f64);
            painter.line_segment(
                [pos2(x, rect.top()), pos2(x, rect.bottom())],
                Stroke::new(2.0, Color32::from_rgb(0xff, 0x40, 0x40)),
            );
        }

        if (resp.clicked() || resp.dragged())
            && let Some(p) = resp.interact_pointer_pos()
        {
            let ms = x_to_ms(p.x);
            if ready {
                out.push(Command::Seek(ms));
            }
            if let Some(i) = doc.turn_at(ms) {
                view.list.scroll_into_view(i);
            }
        }

        ui.vertical(|ui| {
            if ui.small_button("+").on_hover_text("Zoom in around the playhead (Alt+=)").clicked() {
                out.run(Action::WaveZoomIn);
            }
            if ui.small_button("-").on_hover_text("Zoom out (Alt+-)").clicked() {
                out.run(Action::WaveZoomOut);
            }
        });
    });
}
