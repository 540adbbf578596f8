//! The clinical data model: a visit and the trigger points found at it.
//!
//! Plain serde types with no UI dependency. Sides are always the patient's; positions are in the
//! patient frame ([`PatientPoint`]). [`validate_visit`] holds the rules every value must follow,
//! with the limits it checks.

mod audit;
mod coding;
mod diff;
mod dose;
mod point;
mod position;
mod validate;
mod visit;

pub use audit::{Amendment, AuditError, Signature, amend, same_content, sign};
pub use coding::{CodeProblem, CodeSet, ConfirmedCoding, CptField, is_cpt_code, is_icd10cm_code};
pub use diff::{
    FieldChange, FieldValue, MuscleNames, PointChange, PointSummary, VisitDiff, diff_content,
    diff_visits, name_muscles_in,
};
pub use dose::{AnaestheticDose, InjectedTotals, LOCAL_ANAESTHETICS, local_anaesthetic, mg_per_ml};
pub use point::{Criteria, Criterion, PointId, Procedure, Status, Treatment, TriggerPoint};
pub use position::PatientPoint;
pub use validate::{
    KnownMuscles, MAX_AFTERCARE_BYTES, MAX_INJECTION_ML, MAX_NAME_CHARS, MAX_PRESSURE_THRESHOLD,
    PLAUSIBLE_YEARS, VisitProblem, human_path, validate_values, validate_visit,
};
pub use visit::{Consent, Visit, VisitDetails, VisitId};

use serde::{Deserialize, Serialize};
use std::fmt;

/// A side of the patient's body. Never a side of the screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Side {
    /// The patient's left.
    Left,
    /// The patient's right.
    Right,
    /// On the midline (spine, sternum).
    Midline,
}

impl Side {
    /// The side a patient-frame `x` lies on (+x is the patient's left).
    pub fn of_x(x: f32) -> Self {
        if x > 0.0 {
            Side::Left
        } else if x < 0.0 {
            Side::Right
        } else {
            Side::Midline
        }
    }

    /// The other side; the midline is its own mirror.
    pub fn mirror(self) -> Self {
        match self {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
            Side::Midline => Side::Midline,
        }
    }

    /// "Left", "Right" or "Midline".
    pub fn label(self) -> &'static str {
        match self {
            Side::Left => "Left",
            Side::Right => "Right",
            Side::Midline => "Midline",
        }
    }

    /// "L", "R" or "M", as printed beside a muscle name on the chart.
    pub fn letter(self) -> &'static str {
        match self {
            Side::Left => "L",
            Side::Right => "R",
            Side::Midline => "M",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One of the body diagrams.
///
/// On [`View::Front`] and [`View::Back`] a position's `x` is the distance from the midline,
/// positive toward the patient's left. On the two profiles of the head and neck it is the distance
/// in front of the coronal plane through the ear (positive toward the face), and the side is the
/// profile's own: each profile shows one side of the patient only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum View {
    /// Anterior view: the patient faces the viewer, so the patient's right is on the viewer's left.
    Front,
    /// Posterior view: the viewer looks at the patient's back; the patient's left is on the
    /// viewer's left.
    Back,
    /// The head and neck seen from the patient's left: the face points to the viewer's left.
    LeftProfile,
    /// The head and neck seen from the patient's right: the face points to the viewer's right.
    RightProfile,
}

impl View {
    /// Every view: front, back, left profile, right profile.
    pub const ALL: [View; 4] = [
        View::Front,
        View::Back,
        View::LeftProfile,
        View::RightProfile,
    ];

    /// The whole-body views, front first.
    pub const BODY: [View; 2] = [View::Front, View::Back];

    /// The head-and-neck profiles, left first.
    pub const PROFILES: [View; 2] = [View::LeftProfile, View::RightProfile];

    /// "Front", "Back", "Left profile" or "Right profile".
    pub fn label(self) -> &'static str {
        match self {
            View::Front => "Front",
            View::Back => "Back",
            View::LeftProfile => "Left profile",
            View::RightProfile => "Right profile",
        }
    }

    /// Parses "front", "back", "left-profile" or "right-profile" (any case; `_` for `-` too).
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().replace('_', "-").as_str() {
            "front" => Some(View::Front),
            "back" => Some(View::Back),
            "left-profile" => Some(View::LeftProfile),
            "right-profile" => Some(View::RightProfile),
            _ => None,
        }
    }

    /// The side a profile shows (every point on it is of that side); `None` on the front and back,
    /// where the side follows from `x`.
    pub fn profile_side(self) -> Option<Side> {
        match self {
            View::LeftProfile => Some(Side::Left),
            View::RightProfile => Some(Side::Right),
            View::Front | View::Back => None,
        }
    }

    /// Whether it is a whole-body view (front or back) rather than a head profile.
    pub fn is_body(self) -> bool {
        self.profile_side().is_none()
    }

    /// The view whose geometry it shows: the atlas gives the head profile once, on the left
    /// profile, and the right profile shows the same outlines (drawn facing the other way).
    pub fn authored(self) -> View {
        match self {
            View::RightProfile => View::LeftProfile,
            other => other,
        }
    }

    /// The side of the patient a point at patient-frame `x` on this view lies on.
    pub fn side_at(self, x: f32) -> Side {
        self.profile_side().unwrap_or_else(|| Side::of_x(x))
    }
}

/// The body figure a visit is charted on. Each has its own outlines and site coordinates; the
/// muscles and the meaning of every site are the same on both.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum Figure {
    /// The male (or neutral) figure; the figure of every visit written before figures existed.
    #[default]
    Male,
    /// The female figure: narrower shoulders and waist, wider hips, more carrying angle, the
    /// breast contour.
    Female,
}

impl Figure {
    /// Both figures.
    pub const ALL: [Figure; 2] = [Figure::Male, Figure::Female];

    /// "Male" or "Female".
    pub fn label(self) -> &'static str {
        match self {
            Figure::Male => "Male",
            Figure::Female => "Female",
        }
    }

    /// Parses "male" or "female" (any case).
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "male" => Some(Figure::Male),
            "female" => Some(Figure::Female),
            _ => None,
        }
    }
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A muscle's id in the atlas, e.g. `upper_trapezius`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MuscleId(pub String);

impl MuscleId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MuscleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for MuscleId {
    fn from(id: &str) -> Self {
        MuscleId(id.to_owned())
    }
}
