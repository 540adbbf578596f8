//! The female figure's geometry, made from the male figure's by one fixed warp of the patient
//! frame (clinical reference I1): a slimmer neck, narrower shoulders and waist, wider hips with
//! the gluteal masses more lateral, thighs converging more steeply to the knees (a larger
//! Q-angle), and forearms and hands set further out (a larger carrying angle). Stature is not
//! changed: coordinates are fractions of height.
//!
//! The warp is applied once, when the atlas of the female figure is built, to its silhouette,
//! outlines, classic sites and landmarks: those are the female figure's own coordinates from then
//! on. It is never applied to a charted point (a point keeps the coordinates of the figure it was
//! charted on). It keeps the midline where it is and every side on its side: `x` keeps its sign,
//! and a larger `|x|` stays larger at the same height (tested), so no outline can cross the
//! midline or another outline it did not cross before.

use super::{Atlas, Landmark, Shape};
use crate::geometry::{self, Bounds};
use crate::model::{PatientPoint, View};

/// Horizontal scale of the trunk and limbs by height `y`: (y, scale), linear in between.
const SCALE_BY_HEIGHT: [(f32, f32); 11] = [
    (0.00, 0.96),  // head
    (0.10, 0.96),  // head
    (0.125, 0.88), // neck: slimmer
    (0.15, 0.89),  // base of the neck
    (0.19, 0.90),  // acromia: narrower shoulders (bideltoid about 0.28 of height)
    (0.30, 0.93),  // chest
    (0.40, 0.86),  // waist: narrower
    (0.47, 1.10),  // hips and greater trochanters: wider (shoulder : hip about 1.0)
    (0.56, 1.08),  // upper thighs
    (0.72, 0.98),  // knees: thighs converge more steeply (Q-angle)
    (1.00, 0.96),  // ankles and feet
];

/// Beyond this distance from the midline (the trunk's widest at the waist and hips) the forearms
/// and hands are moved further out at the heights of the forearm: the carrying angle.
const FOREARM_FROM: f32 = 0.108;

/// How far the carrying angle moves a point `LIMB_SPAN` beyond [`FOREARM_FROM`] outward, by height.
const CARRYING_BY_HEIGHT: [(f32, f32); 4] = [(0.0, 0.0), (0.37, 0.0), (0.45, 0.010), (0.60, 0.014)];

/// The width over which the carrying angle grows to its full amount.
const LIMB_SPAN: f32 = 0.07;

/// Linear interpolation in a table of (y, value) sorted by y; flat beyond its ends.
fn by_height(table: &[(f32, f32)], y: f32) -> f32 {
    let Some(&(first_y, first)) = table.first() else {
        return 1.0;
    };
    if y <= first_y {
        return first;
    }
    for pair in table.windows(2) {
        let ((y0, v0), (y1, v1)) = (pair[0], pair[1]);
        if y <= y1 {
            let t = if y1 > y0 { (y - y0) / (y1 - y0) } else { 1.0 };
            return v0 + (v1 - v0) * t;
        }
    }
    table.last().map_or(1.0, |&(_, v)| v)
}

/// Where a point of the male figure's `view` lies on the female figure. The head profiles are
/// drawn the same on both figures.
pub fn female_position(view: View, p: PatientPoint) -> PatientPoint {
    if view.profile_side().is_some() {
        return p;
    }
    let a = p.x.abs();
    let scale = by_height(&SCALE_BY_HEIGHT, p.y);
    let carrying = by_height(&CARRYING_BY_HEIGHT, p.y);
    let out = a * scale + (a - FOREARM_FROM).max(0.0) * carrying / LIMB_SPAN;
    PatientPoint::new(out.copysign(p.x), p.y)
}

/// The breast contour (clinical reference I2) on the front view, on the patient's left, in the
/// female figure's coordinates: an arc from the anterior axillary line around the inframammary
/// fold to the parasternal line: centre, radii, and the arc's start and end angles (radians, `y`
/// downward, so a quarter turn is the fold's lowest point). Drawn, never hit-tested.
const BREAST_CONTOUR: ((f32, f32), (f32, f32), (f32, f32)) =
    ((0.056, 0.262), (0.040, 0.044), (-0.52, 3.49));
/// The nipple's centre and radius, on the patient's left.
const NIPPLE: ((f32, f32), f32) = ((0.056, 0.276), 0.0035);

/// The female figure's atlas, made from the male figure's `male`.
pub(super) fn female_atlas(male: &Atlas) -> Atlas {
    let mut atlas = male.clone();
    for (shape, view) in atlas.silhouette.iter_mut().zip(&atlas.silhouette_views) {
        warp_shape(shape, view.unwrap_or(View::Front));
    }
    for region in &mut atlas.regions {
        warp_shape(&mut region.shape, region.view);
        region.anchor = female_position(region.view, region.anchor);
    }
    for site in atlas.muscles.iter_mut().flat_map(|m| m.sites.iter_mut()) {
        site.pos = female_position(site.view, site.pos);
    }
    for landmark in &mut atlas.landmarks {
        for p in &mut landmark.points {
            *p = female_position(landmark.view, *p);
        }
    }
    atlas.landmarks.extend(breast_landmarks());
    atlas
}

/// Moves a shape's outline; its triangles stay valid, since the warp keeps every row's order.
fn warp_shape(shape: &mut Shape, view: View) {
    for p in &mut shape.polygon {
        *p = female_position(view, *p);
    }
    shape.bounds = Bounds::of(&shape.polygon);
    shape.area = geometry::signed_area(&shape.polygon).abs();
}

/// The breast contours and nipples of both sides.
fn breast_landmarks() -> Vec<Landmark> {
    let ((cx, cy), (rx, ry), (from, to)) = BREAST_CONTOUR;
    let contour: Vec<PatientPoint> = (0..=32)
        .map(|i| {
            let a = from + (to - from) * i as f32 / 32.0;
            PatientPoint::new(cx + rx * a.cos(), cy + ry * a.sin())
        })
        .collect();
    let ((cx, cy), r) = NIPPLE;
    let nipple: Vec<PatientPoint> = (0..12)
        .map(|i| {
            let a = i as f32 * std::f32::consts::TAU / 12.0;
            PatientPoint::new(cx + r * a.cos(), cy + r * a.sin())
        })
        .collect();
    let mut landmarks = Vec::new();
    for (name, closed, points) in [("breast contour", false, contour), ("nipple", true, nipple)] {
        landmarks.push(Landmark {
            name: name.to_owned(),
            view: View::Front,
            closed,
            emphasis: true,
            points: points.iter().map(|p| p.mirrored()).collect(),
        });
        landmarks.push(Landmark {
            name: name.to_owned(),
            view: View::Front,
            closed,
            emphasis: true,
            points,
        });
    }
    landmarks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x: f32, y: f32) -> f32 {
        female_position(View::Front, PatientPoint::new(x, y)).x
    }

    #[test]
    fn the_midline_stays_and_every_side_keeps_its_side() {
        for i in 0..=100 {
            let y = i as f32 / 100.0;
            assert_eq!(at(0.0, y), 0.0);
            assert!(at(0.05, y) > 0.0 && at(-0.05, y) < 0.0);
            assert_eq!(
                at(0.07, y),
                -at(-0.07, y),
                "mirror images stay mirror images"
            );
        }
    }

    #[test]
    fn further_out_stays_further_out_at_every_height() {
        for i in 0..=200 {
            let y = i as f32 / 200.0;
            let mut last = 0.0;
            for j in 1..=250 {
                let x = j as f32 / 1000.0;
                let warped = at(x, y);
                assert!(warped > last, "not increasing at x {x}, y {y}");
                last = warped;
            }
        }
    }

    #[test]
    fn shoulders_narrower_hips_wider_hands_further_out() {
        // Acromion (x 0.126 at y 0.19) moves in; the hip (0.107 at 0.485) out; the hand (0.165 at
        // 0.50) out by more than the hip's scale alone.
        assert!(at(0.126, 0.19) < 0.12);
        assert!(at(0.107, 0.485) > 0.113);
        assert!(at(0.165, 0.50) > 0.165 * 1.07);
        assert!(at(0.089, 0.40) < 0.085, "waist");
        // The thigh converges more steeply: hip-to-knee width ratio larger than on the male.
        let male = 0.107 / 0.088;
        assert!(at(0.107, 0.485) / at(0.088, 0.72) > male);
    }

    #[test]
    fn the_profiles_are_the_same_on_both_figures() {
        let p = PatientPoint::new(0.03, 0.09);
        assert_eq!(female_position(View::LeftProfile, p), p);
        assert_eq!(female_position(View::RightProfile, p), p);
    }
}
