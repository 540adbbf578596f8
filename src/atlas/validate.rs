//! Checks an atlas file's content before it is used: every problem is collected and reported.

use super::Shape;
use super::file::{AtlasFile, Laterality, to_points};
use super::landmarks;
use crate::geometry;
use crate::model::{PatientPoint, View};
use std::collections::HashSet;
use std::fmt;

/// How far (in fractions of height) an outline may stray past the body outline, or a site sit
/// from the edge of its muscle, before it counts as outside.
const TOLERANCE: f32 = 0.002;

/// How far a landmark line may stray past the body outline (a malleolus or an ear at the edge).
const LANDMARK_MARGIN: f32 = 0.004;

/// The smallest area a muscle outline may have, so that it can be clicked.
const MIN_AREA: f32 = 0.00002;

/// One thing wrong with an atlas.
#[derive(Clone, Debug, PartialEq)]
pub struct AtlasProblem {
    /// What it concerns: a muscle id, or "file" / "silhouette".
    pub subject: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for AtlasProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.message)
    }
}

/// Everything wrong with `atlas`; empty when it is fit to use.
pub(super) fn validate(atlas: &AtlasFile) -> Vec<AtlasProblem> {
    let mut problems = Vec::new();
    let mut report = |subject: &str, message: String| {
        problems.push(AtlasProblem {
            subject: subject.to_owned(),
            message,
        })
    };

    let mut body = Vec::new();
    for part in &atlas.silhouette {
        let subject = format!("silhouette part {:?}", part.name);
        if let Some(view) = part.view {
            check_profile_authoring(view, part.mirrored, &subject, &mut report);
        }
        match check_outline(&part.points) {
            Ok(shape) => {
                if part.mirrored {
                    let mirrored: Vec<_> = to_points(&part.points)
                        .iter()
                        .map(|p| p.mirrored())
                        .collect();
                    body.push((part.view, Shape::from_control_points(&mirrored)));
                }
                body.push((part.view, shape));
            }
            Err(message) => report(&subject, message),
        }
    }
    if atlas.silhouette.is_empty() {
        report("silhouette", "has no parts".to_owned());
    }
    // Whether `p` is inside the body outline of `view`, or within `margin` of it. A part for no
    // view in particular is of the whole body, not of a head profile.
    let within_body = |view: View, p: PatientPoint, margin: f32| {
        body.iter()
            .filter(|(v, _)| v.map_or(view.is_body(), |v| v == view))
            .any(|(_, s)| s.contains(p) || s.distance_to_edge(p) <= margin)
    };

    for landmark in &atlas.landmarks {
        let subject = format!("landmark {:?}", landmark.name);
        check_profile_authoring(landmark.view, landmark.mirrored, &subject, &mut report);
        let control = to_points(&landmark.points);
        if control.len() < 2 || (landmark.closed && control.len() < 3) {
            report(
                &subject,
                format!("has {} points, too few to draw", control.len()),
            );
            continue;
        }
        if let Some(p) = control.iter().find(|p| !p.is_finite()) {
            report(
                &subject,
                format!("has a point that is not a finite number: {p:?}"),
            );
            continue;
        }
        let line = landmarks::line_of(landmark.closed, &control);
        if let Some(p) = line
            .iter()
            .find(|p| !within_body(landmark.view, **p, LANDMARK_MARGIN))
        {
            report(
                &subject,
                format!("leaves the body outline near x {:.3}, y {:.3}", p.x, p.y),
            );
        }
    }

    let mut ids = HashSet::new();
    for muscle in &atlas.muscles {
        let id = muscle.id.as_str();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            report(
                id,
                "id must be non-empty snake_case (a-z, 0-9, _)".to_owned(),
            );
        }
        if !ids.insert(id) {
            report(id, "id is used by another muscle".to_owned());
        }
        if muscle.name.trim().is_empty() {
            report(id, "has no display name".to_owned());
        }
        // A muscle without outlines is list-only (clinical reference H6): chartable from the
        // list, never drawn, so it can have no site on a diagram either.
        if muscle.outlines.is_empty() && !muscle.sites.is_empty() {
            report(
                id,
                "has classic sites but no outline: a list-only muscle has no sites".to_owned(),
            );
        }
        let mut views = HashSet::new();
        let mut shapes = Vec::new();
        for outline in &muscle.outlines {
            let what = format!("{:?} outline", outline.view);
            check_profile_authoring(outline.view, false, id, &mut report);
            if !outline.view.is_body() && muscle.laterality != Laterality::Bilateral {
                report(
                    id,
                    format!("{what}: a profile shows one side, so only a bilateral muscle has one"),
                );
            }
            if !views.insert(outline.view) {
                report(id, format!("has two {what}s"));
            }
            let shape = match check_outline(&outline.points) {
                Ok(shape) => shape,
                Err(message) => {
                    report(id, format!("{what} {message}"));
                    continue;
                }
            };
            // On a profile x runs from the ear to the face: there is no midline to cross.
            if muscle.laterality == Laterality::Bilateral
                && outline.view.is_body()
                && shape.polygon.iter().any(|p| p.x < -TOLERANCE)
            {
                report(
                    id,
                    format!(
                        "{what} crosses the midline: a bilateral muscle is drawn on the patient's left (x >= 0) and mirrored"
                    ),
                );
            }
            if let Some(p) = shape
                .polygon
                .iter()
                .find(|p| !within_body(outline.view, **p, TOLERANCE))
            {
                report(
                    id,
                    format!(
                        "{what} leaves the body outline near x {:.3}, y {:.3}",
                        p.x, p.y
                    ),
                );
            }
            shapes.push((outline.view, shape));
        }
        for site in &muscle.sites {
            let p = PatientPoint::new(site.x, site.y);
            if !p.is_finite() {
                report(
                    id,
                    format!(
                        "site {:?} has a coordinate that is not a number",
                        site.label
                    ),
                );
                continue;
            }
            let inside = shapes
                .iter()
                .any(|(view, shape)| *view == site.view && shape.contains(p));
            if !inside && !muscle.outlines.is_empty() {
                report(
                    id,
                    format!(
                        "site {:?} at x {}, y {} is outside the muscle's {:?} outline",
                        site.label, site.x, site.y, site.view
                    ),
                );
            }
        }
    }
    problems
}

/// The head profile is authored once, on the left profile, and shown on both: nothing is given
/// on the right profile, and nothing on a profile is mirrored (each profile shows one side).
fn check_profile_authoring(
    view: View,
    mirrored: bool,
    subject: &str,
    report: &mut impl FnMut(&str, String),
) {
    if view == View::RightProfile {
        report(
            subject,
            "is given on RightProfile: profiles are given on LeftProfile and shown on both"
                .to_owned(),
        );
    }
    if mirrored && !view.is_body() {
        report(
            subject,
            "is mirrored on a profile: a profile shows one side only".to_owned(),
        );
    }
}

/// Checks one outline's control points and returns its smoothed shape.
fn check_outline(points: &[(f32, f32)]) -> Result<Shape, String> {
    if points.len() < 3 {
        return Err(format!(
            "has {} points; an outline needs at least 3",
            points.len()
        ));
    }
    let control = to_points(points);
    if let Some(p) = control.iter().find(|p| !p.is_finite()) {
        return Err(format!("has a point that is not a finite number: {p:?}"));
    }
    if let Some(p) = control
        .iter()
        .find(|p| p.x.abs() > 0.5 || !(-0.05..=1.05).contains(&p.y))
    {
        return Err(format!(
            "has a point outside the figure: x {}, y {}",
            p.x, p.y
        ));
    }
    let shape = Shape::from_control_points(&control);
    if shape.area < MIN_AREA {
        return Err(format!("encloses too small an area ({:.6})", shape.area));
    }
    if geometry::self_intersects(&shape.polygon) {
        return Err("crosses itself once smoothed (reorder or space out its points)".to_owned());
    }
    Ok(shape)
}
