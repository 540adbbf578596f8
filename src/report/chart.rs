//! The visit's body charts as one SVG picture: each view's figure, landmarks and muscles, the
//! numbered markers with their status shapes, the title and the patient's R and L. Drawn from the
//! atlas in the patient frame through the screen's own transform and framing
//! ([`geometry::to_diagram`], [`ViewExtent`]) and palette ([`chart_style`]), so that the printed
//! chart shows every point on the side the screen shows it.

use crate::atlas::{Atlas, Layer, Shape};
use crate::chart_style::{self, Rgba};
use crate::geometry::{self, PatientPoint, ViewExtent};
use crate::model::{Status, View, Visit};
use std::fmt::Write;

/// The height of each panel's title band, in pixels at [`REFERENCE_SCALE`].
const TITLE_BAND: f32 = 30.0;

/// The gap between panels, in pixels at [`REFERENCE_SCALE`].
const GAP: f32 = 16.0;

/// The screen's usual scale (pixels per fraction of body height) at which line widths, markers and
/// text have their screen sizes; a chart drawn larger scales them alike.
pub const REFERENCE_SCALE: f32 = 800.0;

/// The font the chart's text is set in (shipped with the app, see [`super::fonts`]).
pub const FONT_FAMILY: &str = "DejaVu Sans";

/// The views a chart of `visit` shows: the front and the back always, and the head profiles when
/// a point is charted on one.
pub fn chart_views(visit: &Visit) -> Vec<View> {
    let mut views = View::BODY.to_vec();
    if visit.points.iter().any(|p| !p.view.is_body()) {
        views.extend(View::PROFILES);
    }
    views
}

/// Where each panel of a chart lies, in the SVG's pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Panel {
    /// The view drawn.
    pub view: View,
    /// Its left edge.
    pub left: f32,
    /// Its top edge.
    pub top: f32,
    /// Pixels per fraction of body height.
    pub scale: f32,
    /// The chart's pixels per screen point: lines, markers and text are drawn this much larger
    /// than on screen, alike on every panel.
    pub unit: f32,
}

impl Panel {
    /// Where a patient-frame point of this panel's view is drawn.
    pub fn pixel_of(&self, p: PatientPoint) -> (f32, f32) {
        let extent = ViewExtent::of(self.view);
        let d = geometry::to_diagram(self.view, p);
        (
            self.left + (d.u + extent.half_width) * self.scale,
            self.top + self.title_band() + (d.v - extent.top) * self.scale,
        )
    }

    /// Its width in pixels.
    pub fn width(&self) -> f32 {
        ViewExtent::of(self.view).width() * self.scale
    }

    /// Its height in pixels, title band included.
    pub fn height(&self) -> f32 {
        ViewExtent::of(self.view).height() * self.scale + self.title_band()
    }

    fn title_band(&self) -> f32 {
        TITLE_BAND * self.unit
    }
}

/// The panels of `views` side by side, each profile drawn at the body's height.
pub fn layout(views: &[View], body_scale: f32) -> Vec<Panel> {
    let body_height = ViewExtent::of(View::Front).height() * body_scale;
    let mut left = 0.0;
    views
        .iter()
        .map(|&view| {
            let scale = body_height / ViewExtent::of(view).height();
            // Profiles are drawn as tall as the body: their scale is larger, not their page.
            let panel = Panel {
                view,
                left,
                top: 0.0,
                scale: if view.is_body() { body_scale } else { scale },
                unit: body_scale / REFERENCE_SCALE,
            };
            left += panel.width() + GAP * body_scale / REFERENCE_SCALE;
            panel
        })
        .collect()
}

/// The chart of `visit` on `views`, `body_scale` pixels per fraction of body height, as SVG.
pub fn chart_svg(visit: &Visit, atlas: &Atlas, views: &[View], body_scale: f32) -> String {
    let panels = layout(views, body_scale);
    let width = panels.last().map_or(1.0, |p| p.left + p.width());
    let height = panels.iter().map(Panel::height).fold(1.0, f32::max);
    let mut svg = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.1} {height:.1}" font-family="{FONT_FAMILY}">"#
    );
    for panel in &panels {
        draw_panel(&mut svg, visit, atlas, panel);
    }
    svg.push_str("</svg>\n");
    svg
}

fn draw_panel(svg: &mut String, visit: &Visit, atlas: &Atlas, panel: &Panel) {
    let unit = panel.unit;
    let view = panel.view;
    let _ = writeln!(
        svg,
        r#"<g class="panel" data-view="{view:?}"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="{:.1}" {} stroke="{}" stroke-width="{:.2}"/>"#,
        panel.left,
        panel.top,
        panel.width(),
        panel.height(),
        6.0 * unit,
        fill(chart_style::PAPER),
        Rgba::rgb(210, 210, 210).hex(),
        unit,
    );
    let _ = writeln!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" font-size="{:.1}" text-anchor="middle" {}>{}</text>"#,
        panel.left + panel.width() / 2.0,
        panel.top + 20.0 * unit,
        15.0 * unit,
        fill(chart_style::LABEL),
        chart_style::view_title(view)
    );
    // The body: every part's outline, then every fill over them, so that only the outer edge shows.
    let parts: Vec<&Shape> = atlas.silhouette_on(view).collect();
    for part in &parts {
        let _ = writeln!(
            svg,
            r#"<path d="{}" fill="none" {}/>"#,
            path(panel, &part.polygon, true),
            stroke(chart_style::SKIN_OUTLINE, 2.5 * unit)
        );
    }
    for part in &parts {
        let _ = writeln!(
            svg,
            r#"<path d="{}" {}/>"#,
            path(panel, &part.polygon, true),
            fill(chart_style::SKIN)
        );
    }
    for landmark in atlas.landmarks_on(view) {
        let (color, width) = if landmark.emphasis {
            (chart_style::SKIN_OUTLINE, 1.6)
        } else {
            (chart_style::LANDMARK, 1.2)
        };
        let _ = writeln!(
            svg,
            r#"<path d="{}" fill="none" {}/>"#,
            path(panel, &landmark.points, landmark.closed),
            stroke(color, width * unit)
        );
    }
    for region in atlas
        .regions()
        .iter()
        .filter(|r| r.view == view && atlas.muscle_of(r).layer == Layer::Superficial)
    {
        let _ = writeln!(
            svg,
            r#"<path d="{}" {} {}/>"#,
            path(panel, &region.shape.polygon, true),
            fill(chart_style::MUSCLE_FILL),
            stroke(chart_style::MUSCLE_OUTLINE, unit)
        );
    }
    for (side, place) in chart_style::side_letters(view) {
        let (x, y) = panel.pixel_of(place);
        let x = x.clamp(
            panel.left + 18.0 * unit,
            panel.left + panel.width() - 18.0 * unit,
        );
        let _ = writeln!(
            svg,
            r#"<text class="side" data-side="{side:?}" x="{x:.1}" y="{:.1}" font-size="{:.1}" text-anchor="middle" {}>{}</text>"#,
            y + 10.0 * unit,
            30.0 * unit,
            fill(chart_style::LABEL),
            side.letter()
        );
    }
    for (index, point) in visit.points.iter().enumerate() {
        if point.view == view {
            draw_marker(svg, panel, index + 1, point.status, point.pos, point.side);
        }
    }
    svg.push_str("</g>\n");
}

/// A point's marker: its status as a shape (filled circle, diamond, open circle, dashed circle,
/// open square) in the status colour, its number inside.
fn draw_marker(
    svg: &mut String,
    panel: &Panel,
    number: usize,
    status: Status,
    pos: PatientPoint,
    side: crate::model::Side,
) {
    let unit = panel.unit;
    let (x, y) = panel.pixel_of(pos);
    let r = chart_style::MARKER_RADIUS * unit;
    let color = chart_style::status_color(status);
    let white = Rgba::rgb(255, 255, 255);
    let _ = write!(
        svg,
        r#"<g class="marker" data-point="{number}" data-side="{side:?}" data-status="{status:?}">"#
    );
    let _ = match status {
        Status::Active => write!(
            svg,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" {} {}/>"#,
            fill(color),
            stroke(white, 1.5 * unit)
        ),
        Status::Latent => {
            let d = r * 1.25;
            write!(
                svg,
                r#"<path d="M{x:.1},{:.1} L{:.1},{y:.1} L{x:.1},{:.1} L{:.1},{y:.1} Z" {} {}/>"#,
                y - d,
                x + d,
                y + d,
                x - d,
                fill(color),
                stroke(white, 2.0 * unit)
            )
        }
        Status::Unclassified => write!(
            svg,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" {} {}/>"#,
            fill(white),
            stroke(color, 2.0 * unit)
        ),
        Status::ToReexamine => write!(
            svg,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" {} {} stroke-dasharray="{:.1} {:.1}"/>"#,
            fill(white),
            stroke(color, 2.0 * unit),
            3.0 * unit,
            2.0 * unit
        ),
        Status::Resolved => {
            let h = r * 0.9;
            write!(
                svg,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" {} {}/>"#,
                x - h,
                y - h,
                2.0 * h,
                2.0 * h,
                fill(white),
                stroke(color, 1.5 * unit)
            )
        }
    };
    let text_color = if chart_style::is_filled(status) {
        white
    } else {
        color
    };
    let size = if number > 99 { 8.5 } else { 10.5 } * unit;
    let _ = writeln!(
        svg,
        r#"<text x="{x:.1}" y="{:.1}" font-size="{size:.1}" text-anchor="middle" {}>{number}</text></g>"#,
        y + size * 0.36,
        fill(text_color)
    );
}

/// An SVG path through `points` (closed with `Z` when `closed`).
fn path(panel: &Panel, points: &[PatientPoint], closed: bool) -> String {
    let mut d = String::with_capacity(points.len() * 16);
    for (i, &p) in points.iter().enumerate() {
        let (x, y) = panel.pixel_of(p);
        let _ = write!(d, "{}{x:.1},{y:.1} ", if i == 0 { 'M' } else { 'L' });
    }
    if closed {
        d.push('Z');
    }
    d
}

fn fill(color: Rgba) -> String {
    if color.a == 255 {
        format!(r#"fill="{}""#, color.hex())
    } else {
        format!(
            r#"fill="{}" fill-opacity="{:.3}""#,
            color.hex(),
            color.opacity()
        )
    }
}

fn stroke(color: Rgba, width: f32) -> String {
    let opacity = if color.a == 255 {
        String::new()
    } else {
        format!(r#" stroke-opacity="{:.3}""#, color.opacity())
    };
    format!(
        r#"stroke="{}" stroke-width="{width:.2}" stroke-linejoin="round"{opacity}"#,
        color.hex()
    )
}
