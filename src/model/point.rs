//! One trigger point: where it is, what was found, and what was done.

use super::PatientPoint;
use super::{MuscleId, Side, View};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// A trigger point's identity, stable across edits and (through `lineage`) across visits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PointId(pub Uuid);

impl PointId {
    /// A new random id.
    pub fn new_random() -> Self {
        PointId(Uuid::new_v4())
    }
}

impl fmt::Display for PointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Active or latent: the clinician's classification of a trigger point.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// Reproduces the patient's symptoms; the patient recognises the pain.
    Active,
    /// Tender, may refer, but is not the patient's familiar pain.
    Latent,
    /// Not yet classified.
    #[default]
    Unclassified,
    /// Carried over from the previous visit and not yet examined at this one.
    ToReexamine,
    /// Followed from a previous visit and no longer found.
    Resolved,
}

impl Status {
    /// All statuses, in the order the UI offers them.
    pub const ALL: [Status; 5] = [
        Status::Active,
        Status::Latent,
        Status::Unclassified,
        Status::ToReexamine,
        Status::Resolved,
    ];

    /// "Active", "Latent", "Not classified", "To re-examine" or "Resolved".
    pub fn label(self) -> &'static str {
        match self {
            Status::Active => "Active",
            Status::Latent => "Latent",
            Status::Unclassified => "Not classified",
            Status::ToReexamine => "To re-examine",
            Status::Resolved => "Resolved",
        }
    }
}

/// The result of one diagnostic test: positive, negative, or not done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Criterion {
    /// Positive.
    Yes,
    /// Negative.
    No,
    /// Not tested (the default).
    #[default]
    NotTested,
}

impl Criterion {
    /// All results, in the order the UI offers them.
    pub const ALL: [Criterion; 3] = [Criterion::Yes, Criterion::No, Criterion::NotTested];

    /// "Yes", "No" or "Not tested".
    pub fn label(self) -> &'static str {
        match self {
            Criterion::Yes => "Yes",
            Criterion::No => "No",
            Criterion::NotTested => "Not tested",
        }
    }
}

/// The diagnostic criteria of a trigger point (Travell & Simons; 2018 Delphi).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criteria {
    /// A palpable taut band.
    #[serde(default)]
    pub taut_band: Criterion,
    /// A hypersensitive spot within the band.
    #[serde(default)]
    pub spot_tenderness: Criterion,
    /// The patient recognises the pain as their own.
    #[serde(default)]
    pub pain_recognition: Criterion,
    /// Pressure provokes referred pain or sensation.
    #[serde(default)]
    pub referred_pain: Criterion,
    /// A local twitch response on snapping palpation or needling.
    #[serde(default)]
    pub local_twitch_response: Criterion,
    /// The patient flinches or cries out on pressure.
    #[serde(default)]
    pub jump_sign: Criterion,
}

impl Criteria {
    /// Each criterion with its display label, for forms and summaries.
    pub fn labelled(&self) -> [(&'static str, Criterion); 6] {
        [
            ("Taut band", self.taut_band),
            ("Spot tenderness", self.spot_tenderness),
            ("Pain recognition", self.pain_recognition),
            ("Referred pain", self.referred_pain),
            ("Local twitch response", self.local_twitch_response),
            ("Jump sign", self.jump_sign),
        ]
    }

    /// Mutable access to each criterion with its display label, for forms.
    pub fn labelled_mut(&mut self) -> [(&'static str, &mut Criterion); 6] {
        [
            ("Taut band", &mut self.taut_band),
            ("Spot tenderness", &mut self.spot_tenderness),
            ("Pain recognition", &mut self.pain_recognition),
            ("Referred pain", &mut self.referred_pain),
            ("Local twitch response", &mut self.local_twitch_response),
            ("Jump sign", &mut self.jump_sign),
        ]
    }
}

/// What was done to a trigger point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Procedure {
    /// Trigger point injection.
    Injection {
        /// The injectate, e.g. "lidocaine", "lidocaine + triamcinolone", "saline".
        agent: String,
        /// Its concentration, e.g. "1%".
        concentration: String,
        /// Volume injected at this point, in mL.
        volume_ml: Option<f32>,
        /// Needle gauge and length, e.g. "27 G 1.5 in".
        needle: String,
    },
    /// Dry needling.
    DryNeedling {
        /// Needle size, e.g. "0.25 x 40 mm".
        needle: String,
    },
    /// Ischaemic compression, myofascial release, massage, stretch and the like.
    ManualTherapy {
        /// The technique used.
        technique: String,
    },
    /// Anything else (shockwave, TENS, spray and stretch, ...).
    Other {
        /// What was done.
        description: String,
    },
}

impl Procedure {
    /// A short name of the kind of procedure.
    pub fn kind_label(&self) -> &'static str {
        match self {
            Procedure::Injection { .. } => "Injection",
            Procedure::DryNeedling { .. } => "Dry needling",
            Procedure::ManualTherapy { .. } => "Manual therapy",
            Procedure::Other { .. } => "Other",
        }
    }

    /// An empty procedure of each kind, in the order the UI offers them: nothing in it that the
    /// clinician did not choose.
    pub fn blank_kinds() -> [Procedure; 4] {
        [
            Procedure::Injection {
                agent: String::new(),
                concentration: String::new(),
                volume_ml: None,
                needle: String::new(),
            },
            Procedure::DryNeedling {
                needle: String::new(),
            },
            Procedure::ManualTherapy {
                technique: String::new(),
            },
            Procedure::Other {
                description: String::new(),
            },
        ]
    }
}

/// One treatment given to a trigger point at this visit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Treatment {
    /// What was done.
    pub procedure: Procedure,
    /// Pain (0–10) just before.
    #[serde(default)]
    pub pain_before: Option<u8>,
    /// Pain (0–10) just after.
    #[serde(default)]
    pub pain_after: Option<u8>,
    /// Free text: response, adverse events.
    #[serde(default)]
    pub notes: String,
}

/// A trigger point found at one visit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerPoint {
    /// Stable identity.
    pub id: PointId,
    /// The same knot at the previous visit, if it was followed from there.
    #[serde(default)]
    pub lineage: Option<PointId>,
    /// The diagram it was charted on.
    pub view: View,
    /// Where, in the patient frame of the visit's figure. Written `position` from format version
    /// 3 on (`pos` before): builds that read version 2 then refuse the chart rather than draw it on
    /// the wrong figure.
    #[serde(rename = "position", alias = "pos")]
    pub pos: PatientPoint,
    /// The muscle, or `None` when the point lies in no muscle region and was not assigned.
    pub muscle: Option<MuscleId>,
    /// The patient's side.
    pub side: Side,
    /// Active, latent or not classified.
    #[serde(default)]
    pub status: Status,
    /// The diagnostic criteria.
    #[serde(default)]
    pub criteria: Criteria,
    /// Pain provoked by palpation, 0–10.
    #[serde(default)]
    pub palpation_pain: Option<u8>,
    /// Pressure pain threshold in kg/cm² (mean of trials), if measured.
    #[serde(default)]
    pub pressure_threshold: Option<f32>,
    /// Where and how the pain refers, as described.
    #[serde(default)]
    pub referred_pain: String,
    /// Free-text notes.
    #[serde(default)]
    pub notes: String,
    /// Treatments given at this visit.
    #[serde(default)]
    pub treatments: Vec<Treatment>,
}

impl TriggerPoint {
    /// A new, unclassified point at `pos` on `view`, in `muscle` (if any) on `side`.
    pub fn new(view: View, pos: PatientPoint, muscle: Option<MuscleId>, side: Side) -> Self {
        TriggerPoint {
            id: PointId::new_random(),
            lineage: None,
            view,
            pos,
            muscle,
            side,
            status: Status::Unclassified,
            criteria: Criteria::default(),
            palpation_pain: None,
            pressure_threshold: None,
            referred_pain: String::new(),
            notes: String::new(),
            treatments: Vec::new(),
        }
    }
}
