//! The chart's colours and marker sizes, shared by the screen (`ui::style`) and the printed and
//! exported charts (`report`), so that a chart looks the same wherever it is drawn.

use crate::model::{PatientPoint, Side, Status, View};

/// A colour, not premultiplied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgba {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
    /// Opacity.
    pub a: u8,
}

impl Rgba {
    /// An opaque colour.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Rgba {
        Rgba { r, g, b, a: 255 }
    }

    /// A colour with opacity `a`.
    pub const fn with_alpha(r: u8, g: u8, b: u8, a: u8) -> Rgba {
        Rgba { r, g, b, a }
    }

    /// `#rrggbb`, for SVG (the opacity goes in its own attribute).
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    /// The opacity from 0 to 1.
    pub fn opacity(self) -> f32 {
        f32::from(self.a) / 255.0
    }
}

/// The paper behind each body diagram.
pub const PAPER: Rgba = Rgba::rgb(252, 251, 248);
/// The body's fill.
pub const SKIN: Rgba = Rgba::rgb(245, 230, 214);
/// The body's outline.
pub const SKIN_OUTLINE: Rgba = Rgba::rgb(150, 118, 96);
/// The landmark layer's faint lines (face, bones).
pub const LANDMARK: Rgba = Rgba::with_alpha(120, 92, 74, 110);
/// A superficial muscle's fill.
pub const MUSCLE_FILL: Rgba = Rgba::with_alpha(150, 62, 52, 40);
/// A muscle's outline.
pub const MUSCLE_OUTLINE: Rgba = Rgba::with_alpha(120, 50, 42, 150);
/// A deep muscle's dashed outline.
pub const DEEP_OUTLINE: Rgba = Rgba::with_alpha(55, 80, 140, 170);
/// Side letters and view titles.
pub const LABEL: Rgba = Rgba::rgb(60, 60, 70);

/// The radius of a point's marker, in screen points (print: the same in pixels at 96 dpi).
pub const MARKER_RADIUS: f32 = 8.0;

/// Colour of a point of this status.
pub fn status_color(status: Status) -> Rgba {
    match status {
        Status::Active => Rgba::rgb(200, 30, 40),
        Status::Latent => Rgba::rgb(230, 140, 0),
        Status::Unclassified => Rgba::rgb(90, 90, 100),
        Status::ToReexamine => Rgba::rgb(40, 90, 200),
        Status::Resolved => Rgba::rgb(40, 140, 70),
    }
}

/// Whether the marker of this status is filled (its number then white) or open.
pub fn is_filled(status: Status) -> bool {
    matches!(status, Status::Active | Status::Latent)
}

/// A view's title over its diagram.
pub fn view_title(view: View) -> &'static str {
    match view {
        View::Front => "FRONT (anterior)",
        View::Back => "BACK (posterior)",
        View::LeftProfile => "LEFT SIDE (profile)",
        View::RightProfile => "RIGHT SIDE (profile)",
    }
}

/// Where the patient's side letters stand on a view, in the patient frame: R and L beside the
/// head on the front and back (each on the patient's own side, so that the transform puts them
/// where that side is drawn), one letter in front of the forehead on a profile (its only side):
/// the two profiles face apart, so their letters stand apart, L far left and R far right, rather
/// than side by side between the two heads.
pub fn side_letters(view: View) -> Vec<(Side, PatientPoint)> {
    const BODY_X: f32 = 0.19;
    const BODY_Y: f32 = 0.08;
    match view.profile_side() {
        Some(side) => vec![(side, PatientPoint::new(0.07, 0.01))],
        None => vec![
            (Side::Left, PatientPoint::new(BODY_X, BODY_Y)),
            (Side::Right, PatientPoint::new(-BODY_X, BODY_Y)),
        ],
    }
}
