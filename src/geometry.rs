//! Plane geometry in the patient frame: smooth outlines, point-in-polygon, distances,
//! triangulation, and the mapping between the patient frame and each view as the viewer sees it.
//!
//! The patient frame: `y` runs from the vertex (0) to the sole (1); `x` is the distance from the
//! midline as a fraction of body height, positive toward the **patient's left**. The same frame is
//! used on the front and back views; only the drawing differs (see [`to_diagram`]). On the two
//! head profiles `x` is the distance in front of the coronal plane through the ear, positive
//! toward the face, and the side is the profile's.

pub use crate::model::PatientPoint;
use crate::model::View;

/// A point as the viewer sees a diagram: `u` grows to the viewer's right, `v` downward
/// (`v` equals the patient-frame `y`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DiagramPoint {
    /// Horizontal, + to the viewer's right, in fractions of body height from the midline.
    pub u: f32,
    /// Vertical, from the vertex (0) to the sole (1).
    pub v: f32,
}

/// Where a patient-frame point appears on `view`.
///
/// On the front view the patient faces the viewer, so the patient's right (−x) is on the viewer's
/// left: `u = x`. On the back view the viewer looks at the patient's back and sees the patient's
/// left (+x) on their own left: `u = −x`. On a profile `x` is the distance in front of the ear:
/// the left profile shows the face on the viewer's left (`u = −x`), the right profile on the
/// viewer's right (`u = x`).
pub fn to_diagram(view: View, p: PatientPoint) -> DiagramPoint {
    match view {
        View::Front | View::RightProfile => DiagramPoint { u: p.x, v: p.y },
        View::Back | View::LeftProfile => DiagramPoint { u: -p.x, v: p.y },
    }
}

/// The patient-frame point shown at `d` on `view`; the inverse of [`to_diagram`].
pub fn from_diagram(view: View, d: DiagramPoint) -> PatientPoint {
    match view {
        View::Front | View::RightProfile => PatientPoint::new(d.u, d.v),
        View::Back | View::LeftProfile => PatientPoint::new(-d.u, d.v),
    }
}

/// The area drawn around a view's figure, in diagram coordinates (fractions of height): the whole
/// body on the front and back, the head and neck on a profile. The screen and the printed chart
/// frame every view alike.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewExtent {
    /// Half its width, about the midline (or the ear plane, on a profile).
    pub half_width: f32,
    /// Its top.
    pub top: f32,
    /// Its bottom.
    pub bottom: f32,
}

impl ViewExtent {
    /// The extent of `view`.
    pub fn of(view: View) -> ViewExtent {
        match view {
            View::Front | View::Back => ViewExtent {
                half_width: 0.21,
                top: -0.05,
                bottom: 1.02,
            },
            View::LeftProfile | View::RightProfile => ViewExtent {
                half_width: 0.08,
                top: -0.02,
                bottom: 0.235,
            },
        }
    }

    /// Its width.
    pub fn width(self) -> f32 {
        2.0 * self.half_width
    }

    /// Its height.
    pub fn height(self) -> f32 {
        self.bottom - self.top
    }
}

/// How many polygon vertices each span between two control points becomes.
pub const SAMPLES_PER_SEGMENT: usize = 8;

/// Samples the closed centripetal Catmull–Rom spline through `control` (alpha = 0.5) into a
/// polygon that passes through every control point, [`SAMPLES_PER_SEGMENT`] vertices per span.
///
/// Centripetal parametrisation never forms cusps or self-loops within a span, so unevenly spaced
/// control points still give a clean outline. Fewer than three points are returned as they are.
pub fn smooth_closed(control: &[PatientPoint]) -> Vec<PatientPoint> {
    let n = control.len();
    if n < 3 {
        return control.to_vec();
    }
    let mut out = Vec::with_capacity(n * SAMPLES_PER_SEGMENT);
    for i in 0..n {
        let p0 = control[(i + n - 1) % n];
        let p1 = control[i];
        let p2 = control[(i + 1) % n];
        let p3 = control[(i + 2) % n];
        for s in 0..SAMPLES_PER_SEGMENT {
            let t = s as f32 / SAMPLES_PER_SEGMENT as f32;
            out.push(centripetal_catmull_rom(p0, p1, p2, p3, t));
        }
    }
    out
}

/// The point at `t` in 0..1 on the span p1→p2 of a centripetal Catmull–Rom spline
/// (Barry–Goldman pyramidal formulation).
fn centripetal_catmull_rom(
    p0: PatientPoint,
    p1: PatientPoint,
    p2: PatientPoint,
    p3: PatientPoint,
    t: f32,
) -> PatientPoint {
    // Knot spacing: the square root of the chord length (alpha = 0.5), kept away from zero so that
    // repeated control points do not divide by zero.
    let knot = |a: PatientPoint, b: PatientPoint| a.distance(b).sqrt().max(1e-6);
    let t0 = 0.0;
    let t1 = t0 + knot(p0, p1);
    let t2 = t1 + knot(p1, p2);
    let t3 = t2 + knot(p2, p3);
    let t = t1 + (t2 - t1) * t;
    let lerp = |a: PatientPoint, b: PatientPoint, ta: f32, tb: f32| {
        let wa = (tb - t) / (tb - ta);
        let wb = (t - ta) / (tb - ta);
        PatientPoint::new(wa * a.x + wb * b.x, wa * a.y + wb * b.y)
    };
    let a1 = lerp(p0, p1, t0, t1);
    let a2 = lerp(p1, p2, t1, t2);
    let a3 = lerp(p2, p3, t2, t3);
    let b1 = lerp(a1, a2, t0, t2);
    let b2 = lerp(a2, a3, t1, t3);
    lerp(b1, b2, t1, t2)
}

/// Whether `p` lies inside the closed `polygon` (even–odd rule; points exactly on an edge may go
/// either way).
pub fn contains(polygon: &[PatientPoint], p: PatientPoint) -> bool {
    let mut inside = false;
    let n = polygon.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let a = polygon[i];
        let b = polygon[j];
        if (a.y > p.y) != (b.y > p.y) {
            let x_cross = a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x);
            if p.x < x_cross {
                inside = !inside;
            }
        }
        j = i;
    }
    inside
}

/// The distance from `p` to the nearest edge of the closed `polygon` (0 for an empty polygon is
/// never returned: an empty polygon is infinitely far).
pub fn distance_to_outline(polygon: &[PatientPoint], p: PatientPoint) -> f32 {
    let n = polygon.len();
    if n == 0 {
        return f32::INFINITY;
    }
    let mut best = f32::INFINITY;
    let mut j = n - 1;
    for i in 0..n {
        best = best.min(distance_to_segment(polygon[j], polygon[i], p));
        j = i;
    }
    best
}

fn distance_to_segment(a: PatientPoint, b: PatientPoint, p: PatientPoint) -> f32 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    p.distance(PatientPoint::new(a.x + t * dx, a.y + t * dy))
}

/// The signed area of a polygon (positive when counter-clockwise in a y-up frame).
pub fn signed_area(polygon: &[PatientPoint]) -> f32 {
    let n = polygon.len();
    let mut twice = 0.0;
    for i in 0..n {
        let a = polygon[i];
        let b = polygon[(i + 1) % n];
        twice += a.x * b.y - b.x * a.y;
    }
    twice / 2.0
}

/// The centroid of a simple polygon's area (the mean of its vertices if it has no area).
pub fn centroid(polygon: &[PatientPoint]) -> PatientPoint {
    let n = polygon.len();
    if n == 0 {
        return PatientPoint::default();
    }
    let area = signed_area(polygon);
    if area.abs() < 1e-9 {
        let (sx, sy) = polygon
            .iter()
            .fold((0.0, 0.0), |(sx, sy), p| (sx + p.x, sy + p.y));
        return PatientPoint::new(sx / n as f32, sy / n as f32);
    }
    let (mut cx, mut cy) = (0.0, 0.0);
    for i in 0..n {
        let a = polygon[i];
        let b = polygon[(i + 1) % n];
        let cross = a.x * b.y - b.x * a.y;
        cx += (a.x + b.x) * cross;
        cy += (a.y + b.y) * cross;
    }
    PatientPoint::new(cx / (6.0 * area), cy / (6.0 * area))
}

/// Whether any two non-adjacent edges of the closed `polygon` cross.
pub fn self_intersects(polygon: &[PatientPoint]) -> bool {
    let n = polygon.len();
    for i in 0..n {
        let (a, b) = (polygon[i], polygon[(i + 1) % n]);
        for j in (i + 2)..n {
            if i == 0 && j == n - 1 {
                continue; // these two edges share vertex 0
            }
            let (c, d) = (polygon[j], polygon[(j + 1) % n]);
            if segments_cross(a, b, c, d) {
                return true;
            }
        }
    }
    false
}

fn segments_cross(a: PatientPoint, b: PatientPoint, c: PatientPoint, d: PatientPoint) -> bool {
    let orient = |p: PatientPoint, q: PatientPoint, r: PatientPoint| {
        (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x)
    };
    let (d1, d2) = (orient(c, d, a), orient(c, d, b));
    let (d3, d4) = (orient(a, b, c), orient(a, b, d));
    (d1 > 0.0) != (d2 > 0.0) && (d3 > 0.0) != (d4 > 0.0) && d1 != 0.0 && d2 != 0.0
}

/// Triangulates a simple polygon (ear clipping): indices into `polygon`, three per triangle.
pub fn triangulate(polygon: &[PatientPoint]) -> Vec<u32> {
    triangulate_xy(polygon.iter().map(|p| [p.x, p.y]))
}

/// Triangulates a simple polygon given as `[x, y]` vertices in any frame: indices, three per
/// triangle.
pub fn triangulate_xy(polygon: impl IntoIterator<Item = [f32; 2]>) -> Vec<u32> {
    let mut triangles = Vec::new();
    earcut::Earcut::new().earcut(polygon, &[] as &[u32], &mut triangles);
    triangles
}

/// An axis-aligned bounding box in the patient frame, for quick rejection in hit tests.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    /// Smallest x.
    pub min_x: f32,
    /// Smallest y.
    pub min_y: f32,
    /// Largest x.
    pub max_x: f32,
    /// Largest y.
    pub max_y: f32,
}

impl Bounds {
    /// The bounds of `points` (an empty, inverted box for none).
    pub fn of(points: &[PatientPoint]) -> Self {
        points.iter().fold(
            Bounds {
                min_x: f32::INFINITY,
                min_y: f32::INFINITY,
                max_x: f32::NEG_INFINITY,
                max_y: f32::NEG_INFINITY,
            },
            |b, p| Bounds {
                min_x: b.min_x.min(p.x),
                min_y: b.min_y.min(p.y),
                max_x: b.max_x.max(p.x),
                max_y: b.max_y.max(p.y),
            },
        )
    }

    /// Whether `p` lies inside, or within `margin` of, the box.
    pub fn contains(&self, p: PatientPoint, margin: f32) -> bool {
        p.x >= self.min_x - margin
            && p.x <= self.max_x + margin
            && p.y >= self.min_y - margin
            && p.y <= self.max_y + margin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square() -> Vec<PatientPoint> {
        vec![
            PatientPoint::new(0.0, 0.0),
            PatientPoint::new(1.0, 0.0),
            PatientPoint::new(1.0, 1.0),
            PatientPoint::new(0.0, 1.0),
        ]
    }

    #[test]
    fn front_view_shows_the_patients_right_on_the_viewers_left() {
        let right_shoulder = PatientPoint::new(-0.12, 0.19);
        // Facing the patient, their right shoulder is on the viewer's left (negative u);
        // from behind, it is on the viewer's right.
        assert!(to_diagram(View::Front, right_shoulder).u < 0.0);
        assert!(to_diagram(View::Back, right_shoulder).u > 0.0);
        let left_hip = PatientPoint::new(0.10, 0.50);
        assert!(to_diagram(View::Front, left_hip).u > 0.0);
        assert!(to_diagram(View::Back, left_hip).u < 0.0);
    }

    #[test]
    fn diagram_mapping_round_trips_on_both_views() {
        let p = PatientPoint::new(0.07, 0.3);
        for view in View::ALL {
            assert_eq!(from_diagram(view, to_diagram(view, p)), p);
        }
    }

    #[test]
    fn smooth_outline_passes_through_control_points() {
        let sq = square();
        let smooth = smooth_closed(&sq);
        assert_eq!(smooth.len(), 4 * SAMPLES_PER_SEGMENT);
        for (i, p) in sq.iter().enumerate() {
            assert_eq!(smooth[i * SAMPLES_PER_SEGMENT], *p);
        }
        assert!(!self_intersects(&smooth));
    }

    #[test]
    fn containment_and_distance() {
        let sq = square();
        assert!(contains(&sq, PatientPoint::new(0.5, 0.5)));
        assert!(!contains(&sq, PatientPoint::new(1.5, 0.5)));
        assert!((distance_to_outline(&sq, PatientPoint::new(1.5, 0.5)) - 0.5).abs() < 1e-6);
        assert!((distance_to_outline(&sq, PatientPoint::new(0.5, 0.4)) - 0.4).abs() < 1e-6);
    }

    #[test]
    fn centroid_area_and_triangles_of_a_square() {
        let sq = square();
        assert!((signed_area(&sq) - 1.0).abs() < 1e-6);
        let c = centroid(&sq);
        assert!((c.x - 0.5).abs() < 1e-6 && (c.y - 0.5).abs() < 1e-6);
        assert_eq!(triangulate(&sq).len(), 6);
    }

    #[test]
    fn a_bow_tie_self_intersects() {
        let bow = vec![
            PatientPoint::new(0.0, 0.0),
            PatientPoint::new(1.0, 1.0),
            PatientPoint::new(1.0, 0.0),
            PatientPoint::new(0.0, 1.0),
        ];
        assert!(self_intersects(&bow));
    }
}
