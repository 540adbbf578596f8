//! The landmark layer: faint orientation cues (face, clavicles, scapular spine, iliac crests,
//! malleoli...) drawn under the muscles and never hit-tested (clinical reference G4).

use super::file::{LandmarkDef, to_points};
use crate::geometry;
use crate::model::{PatientPoint, View};

/// One landmark line or small outline on one view, on one side, in the patient frame.
#[derive(Clone, Debug, PartialEq)]
pub struct Landmark {
    /// What it shows, e.g. "clavicle" or "iliac crest".
    pub name: String,
    /// The view it is drawn on.
    pub view: View,
    /// Whether the line closes on itself (eye, patella, malleolus) or is open (clavicle, crest).
    pub closed: bool,
    /// Drawn like the body's outline rather than faintly: a contour of the figure itself (the
    /// female breast), not a cue under the skin.
    pub emphasis: bool,
    /// The line to draw: a smoothed closed outline when `closed`, otherwise the authored points in
    /// order.
    pub points: Vec<PatientPoint>,
}

/// The landmarks of `defs`, each mirrored one doubled (its right-side copy first).
pub(super) fn build(defs: &[LandmarkDef]) -> Vec<Landmark> {
    let mut landmarks = Vec::new();
    for def in defs {
        let authored = to_points(&def.points);
        let mut copies = Vec::new();
        if def.mirrored {
            copies.push(authored.iter().map(|p| p.mirrored()).collect());
        }
        copies.push(authored);
        for control in copies {
            landmarks.push(Landmark {
                name: def.name.clone(),
                view: def.view,
                closed: def.closed,
                emphasis: false,
                points: line_of(def.closed, &control),
            });
        }
    }
    landmarks
}

/// The drawn line of a landmark's control points.
pub(super) fn line_of(closed: bool, control: &[PatientPoint]) -> Vec<PatientPoint> {
    if closed {
        geometry::smooth_closed(control)
    } else {
        control.to_vec()
    }
}
