//! The window's size and position: opened at a size that fits the screen, and remembered in the
//! config at close (restored by `window::run_window`).

use super::App;
use crate::session::config::WindowGeometry;

impl App {
    /// Once the monitor's size is known, shrink a window that does not fit on it (the default
    /// 1280×860 on a 1366×768 laptop) and drop a position that is off it.
    pub(crate) fn fit_window(&mut self, ctx: &egui::Context) {
        if self.window_fitted {
            return;
        }
        let (monitor, inner, outer) = ctx.input(|i| {
            let v = i.viewport();
            (v.monitor_size, v.inner_rect, v.outer_rect)
        });
        let (Some(monitor), Some(inner)) = (monitor, inner) else { return };
        self.window_fitted = true;
        let size = [inner.width(), inner.height()];
        let pos = outer.map(|o| [o.min.x, o.min.y]);
        let (fit, fit_pos) = WindowGeometry::fit(size, pos, [monitor.x, monitor.y]);
        if fit != size {
            ctx.send_viewport_cmd(egui::ViewportCommand::InnerSize(egui::vec2(fit[0], fit[1])));
        }
        if pos.is_some() && fit_pos.is_none() {
            ctx.send_viewport_cmd(egui::ViewportCommand::OuterPosition(egui::pos2(0.0, 0.0)));
        }
    }

    /// The window is closing: remember where it was and how big.
    pub(crate) fn remember_window(&mut self, ctx: &egui::Context) {
        let (inner, outer) = ctx.input(|i| (i.viewport().inner_rect, i.viewport().outer_rect));
        if let Some(inner) = inner {
            let at = outer.map_or(inner.min, |o| o.min);
            self.config.set_window(WindowGeometry { x: at.x, y: at.y, width: inner.width(), height: inner.height() });
        }
    }
}

/// The size and position to open at: the remembered ones, else the default size.
pub(crate) fn initial(config_file: Option<std::path::PathBuf>) -> ([f32; 2], Option<[f32; 2]>) {
    match crate::session::config::Config::load(config_file).window {
        Some(g) => ([g.width.max(640.0), g.height.max(400.0)], Some([g.x, g.y])),
        None => ([1280.0, 860.0], None),
    }
}
