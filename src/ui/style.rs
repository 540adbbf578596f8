//! Colours and point markers of the chart, in one place so that the chart, the list and the
//! legend agree.

use crate::chart_style;
use crate::model::Status;
use egui::{Color32, Painter, Pos2, Shape, pos2, vec2};

/// An egui colour of the shared chart palette.
const fn color(c: chart_style::Rgba) -> Color32 {
    Color32::from_rgba_unmultiplied_const(c.r, c.g, c.b, c.a)
}

/// The paper behind each body diagram.
pub const PAPER: Color32 = color(chart_style::PAPER);
/// The body's fill.
pub const SKIN: Color32 = color(chart_style::SKIN);
/// The body's outline.
pub const SKIN_OUTLINE: Color32 = color(chart_style::SKIN_OUTLINE);
/// The landmark layer's faint lines (face, bones).
pub const LANDMARK: Color32 = color(chart_style::LANDMARK);
/// A superficial muscle's fill.
pub const MUSCLE_FILL: Color32 = color(chart_style::MUSCLE_FILL);
/// A muscle's outline.
pub const MUSCLE_OUTLINE: Color32 = color(chart_style::MUSCLE_OUTLINE);
/// A deep muscle's dashed outline.
pub const DEEP_OUTLINE: Color32 = color(chart_style::DEEP_OUTLINE);
/// The muscle under the pointer.
pub const HOVER_FILL: Color32 = Color32::from_rgba_unmultiplied_const(40, 110, 190, 80);
/// The selected point's muscle.
pub const SELECTED_MUSCLE_FILL: Color32 = Color32::from_rgba_unmultiplied_const(200, 140, 20, 70);
/// Side letters and view titles.
pub const LABEL: Color32 = color(chart_style::LABEL);

/// Colour of a point of this status.
pub fn status_color(status: Status) -> Color32 {
    color(chart_style::status_color(status))
}

/// The marker's shape, named for the legend.
pub fn status_shape_name(status: Status) -> &'static str {
    match status {
        Status::Active => "filled circle",
        Status::Latent => "diamond",
        Status::Unclassified => "open circle",
        Status::ToReexamine => "dashed circle",
        Status::Resolved => "open square",
    }
}

/// A marker's number, centred on it: white on the filled markers, in the status colour on the
/// open ones.
pub fn number_shape(painter: &Painter, center: Pos2, status: Status, number: usize) -> Shape {
    let color = status_color(status);
    let filled = chart_style::is_filled(status);
    let text_color = if filled { Color32::WHITE } else { color };
    let galley = painter.layout_no_wrap(number.to_string(), number_font(number), text_color);
    let at = center + vec2(0.0, 0.5) - galley.size() / 2.0;
    Shape::galley(at, galley, text_color)
}

/// The font of a marker's number: smaller for three digits.
pub fn number_font(number: usize) -> egui::FontId {
    egui::FontId::proportional(if number > 99 { 8.5 } else { 10.5 })
}

/// Draws a small marker for a legend or list row, `size` points tall, without a number.
pub fn draw_legend_marker(painter: &Painter, center: Pos2, size: f32, status: Status) {
    let sprites = super::marker_sprites::MarkerSprites::of(painter.ctx());
    let scale = size / (2.0 * super::marker_sprites::MARKER_RADIUS);
    sprites.paint(
        painter,
        super::marker_sprites::Sprite::Marker(status),
        center,
        scale,
    );
}

/// A point a little above-left of `p`, for labels that must not sit under the pointer.
pub fn label_offset(p: Pos2) -> Pos2 {
    pos2(p.x + 14.0, p.y - 18.0)
}
