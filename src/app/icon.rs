//! The window's icon: assets/icons/turnfix.png (drawn by tools/draw-icon.py; the same picture
//! as the desktop entry's icon). Give it to eframe with
//! `ViewportBuilder::default().with_icon(std::sync::Arc::new(turnfix::app::icon::icon()))`.

/// The icon, 256×256 RGBA. Decoding the bundled PNG cannot fail in practice; if it ever did,
/// the window gets the platform's default icon (an empty `IconData`) rather than a panic.
pub fn icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icons/turnfix.png")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bundled_icon_decodes() {
        let i = super::icon();
        assert_eq!((i.width, i.height), (256, 256));
        assert_eq!(i.rgba.len(), 256 * 256 * 4);
        // Opaque in the middle, transparent in the corner (the rounded square).
        let px = |x: usize, y: usize| &i.rgba[(y * 256 + x) * 4..(y * 256 + x) * 4 + 4];
        assert_eq!(px(128, 20)[3], 255);
        assert_eq!(px(0, 0)[3], 0);
    }
}
