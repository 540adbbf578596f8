//! Colours and point markers of the chart, in one place so that the chart, the list and the
//! legend agree.

use crate::model::Status;
use egui::{Color32, Painter, Pos2, Shape, Stroke, pos2, vec2};

/// The paper behind each body diagram.
pub const PAPER: Color32 = Color32::from_rgb(252, 251, 248);
/// The body's fill.
pub const SKIN: Color32 = Color32::from_rgb(245, 230, 214);
/// The body's outline.
pub const SKIN_OUTLINE: Color32 = Color32::from_rgb(150, 118, 96);
/// A superficial muscle's fill.
pub const MUSCLE_FILL: Color32 = Color32::from_rgba_unmultiplied_const(150, 62, 52, 40);
/// A muscle's outline.
pub const MUSCLE_OUTLINE: Color32 = Color32::from_rgba_unmultiplied_const(120, 50, 42, 150);
/// A deep muscle's dashed outline.
pub const DEEP_OUTLINE: Color32 = Color32::from_rgba_unmultiplied_const(55, 80, 140, 170);
/// The muscle under the pointer.
pub const HOVER_FILL: Color32 = Color32::from_rgba_unmultiplied_const(40, 110, 190, 80);
/// The selected point's muscle.
pub const SELECTED_MUSCLE_FILL: Color32 = Color32::from_rgba_unmultiplied_const(200, 140, 20, 70);
/// Side letters and view titles.
pub const LABEL: Color32 = Color32::from_rgb(60, 60, 70);

/// Colour of a point of this status.
pub fn status_color(status: Status) -> Color32 {
    match status {
        Status::Active => Color32::from_rgb(200, 30, 40),
        Status::Latent => Color32::from_rgb(230, 140, 0),
        Status::Unclassified => Color32::from_rgb(90, 90, 100),
        Status::ToReexamine => Color32::from_rgb(40, 90, 200),
        Status::Resolved => Color32::from_rgb(40, 140, 70),
    }
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

/// Draws a point marker of `status` centred at `center` with `number` on it. Active and latent
/// points differ by shape (circle, diamond), not only by colour.
pub fn draw_marker(
    painter: &Painter,
    center: Pos2,
    radius: f32,
    status: Status,
    number: Option<usize>,
    selected: bool,
) {
    painter.extend(marker_shapes(
        painter, center, radius, status, number, selected,
    ));
}

/// The shapes of a point marker (see [`draw_marker`]); `painter` lays out the number.
pub fn marker_shapes(
    painter: &Painter,
    center: Pos2,
    radius: f32,
    status: Status,
    number: Option<usize>,
    selected: bool,
) -> Vec<Shape> {
    let mut shapes = Vec::with_capacity(5);
    let color = status_color(status);
    // Rings are drawn as a disc over a larger disc: two fills cost fewer vertices than a stroke.
    let filled = matches!(status, Status::Active | Status::Latent);
    if selected {
        shapes.push(disc(center, radius + 6.0, Color32::from_rgb(255, 200, 0)));
        shapes.push(disc(center, radius + 3.5, Color32::WHITE));
    }
    match status {
        Status::Active => {
            shapes.push(disc(center, radius + 1.5, Color32::WHITE));
            shapes.push(disc(center, radius, color));
        }
        Status::Latent => {
            let r = radius * 1.25;
            let diamond = vec![
                center + vec2(0.0, -r),
                center + vec2(r, 0.0),
                center + vec2(0.0, r),
                center + vec2(-r, 0.0),
            ];
            shapes.push(Shape::convex_polygon(
                diamond,
                color,
                Stroke::new(1.5, Color32::WHITE),
            ));
        }
        Status::Unclassified => {
            shapes.push(disc(center, radius + 1.0, color));
            shapes.push(disc(center, radius - 1.0, Color32::WHITE));
        }
        Status::ToReexamine => {
            shapes.push(disc(center, radius, Color32::from_white_alpha(220)));
            let ring: Vec<Pos2> = (0..=24)
                .map(|i| {
                    let a = i as f32 / 24.0 * std::f32::consts::TAU;
                    center + radius * vec2(a.cos(), a.sin())
                })
                .collect();
            shapes.extend(Shape::dashed_line(&ring, Stroke::new(2.0, color), 3.0, 2.5));
        }
        Status::Resolved => {
            let r = radius * 0.9;
            let rect = egui::Rect::from_center_size(center, vec2(2.0 * r, 2.0 * r));
            shapes.push(Shape::rect_filled(rect, 1.0, Color32::WHITE));
            shapes.push(Shape::rect_stroke(
                rect,
                1.0,
                Stroke::new(1.5, color),
                egui::StrokeKind::Middle,
            ));
        }
    }
    if let Some(number) = number {
        let text_color = if filled { Color32::WHITE } else { color };
        let galley = painter.layout_no_wrap(number.to_string(), number_font(number), text_color);
        let at = center + vec2(0.0, 0.5) - galley.size() / 2.0;
        shapes.push(Shape::galley(at, galley, text_color));
    }
    shapes
}

/// A filled circle as a 16-sided polygon: round enough at marker sizes, and a fraction of the
/// vertices of egui's own circle, which matters with hundreds of markers.
fn disc(center: Pos2, radius: f32, color: Color32) -> Shape {
    const SIDES: usize = 16;
    let points = (0..SIDES)
        .map(|i| {
            let a = i as f32 / SIDES as f32 * std::f32::consts::TAU;
            center + radius * vec2(a.cos(), a.sin())
        })
        .collect();
    Shape::convex_polygon(points, color, Stroke::NONE)
}

/// The font of a marker's number: smaller for three digits.
pub fn number_font(number: usize) -> egui::FontId {
    egui::FontId::proportional(if number > 99 { 8.5 } else { 10.5 })
}

/// Draws a small marker for a legend or list row, `size` points tall, without a number.
pub fn draw_legend_marker(painter: &Painter, center: Pos2, size: f32, status: Status) {
    draw_marker(painter, center, size / 2.0, status, None, false);
}

/// A point a little above-left of `p`, for labels that must not sit under the pointer.
pub fn label_offset(p: Pos2) -> Pos2 {
    pos2(p.x + 14.0, p.y - 18.0)
}
