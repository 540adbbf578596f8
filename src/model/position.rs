//! A position on the body: the patient frame in which points are stored.
//!
//! `y` runs from the vertex (0) to the sole (1); `x` is the distance from the midline as a
//! fraction of body height, positive toward the **patient's left**. [`crate::geometry`] works on
//! these points and maps them to each view as the viewer sees it.

use serde::{Deserialize, Serialize};

/// A point in the patient frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatientPoint {
    /// Distance from the midline as a fraction of height, + toward the patient's left.
    pub x: f32,
    /// Fraction of height from the vertex (0) to the sole (1).
    pub y: f32,
}

impl PatientPoint {
    /// A point at `x`, `y`.
    pub const fn new(x: f32, y: f32) -> Self {
        PatientPoint { x, y }
    }

    /// The same point on the other side of the midline.
    pub fn mirrored(self) -> Self {
        PatientPoint::new(-self.x, self.y)
    }

    /// Euclidean distance.
    pub fn distance(self, other: PatientPoint) -> f32 {
        (self.x - other.x).hypot(self.y - other.y)
    }

    /// Both coordinates are finite numbers.
    pub fn is_finite(self) -> bool {
        self.x.is_finite() && self.y.is_finite()
    }
}
