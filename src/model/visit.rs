//! One visit: who, when, and the trigger points charted.

use super::{Amendment, ConfirmedCoding, Figure, PointId, Procedure, Signature, TriggerPoint};
use chrono::{DateTime, FixedOffset, Local};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// A visit's identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VisitId(pub Uuid);

impl fmt::Display for VisitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Whether and how consent to examination and treatment was recorded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Consent {
    /// No consent recorded (yet).
    #[default]
    NotRecorded,
    /// Verbal consent given.
    Verbal,
    /// Written consent signed.
    Written,
}

impl Consent {
    /// All values, in the order the UI offers them.
    pub const ALL: [Consent; 3] = [Consent::NotRecorded, Consent::Verbal, Consent::Written];

    /// Human-readable label.
    pub fn label(self) -> &'static str {
        match self {
            Consent::NotRecorded => "Not recorded",
            Consent::Verbal => "Verbal",
            Consent::Written => "Written",
        }
    }
}

/// One visit of one patient.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    /// Stable identity of this visit.
    pub id: VisitId,
    /// The patient's local identifier or pseudonym.
    pub patient_id: String,
    /// The body figure it is charted on (format version 3; older visits are on the male figure).
    /// Point positions are coordinates of this figure.
    #[serde(default)]
    pub figure: Figure,
    /// When the visit took place, with its UTC offset.
    pub date_time: DateTime<FixedOffset>,
    /// Who examined the patient.
    #[serde(default)]
    pub clinician: String,
    /// Consent to examination and treatment.
    #[serde(default)]
    pub consent: Consent,
    /// Free-text notes for the visit.
    #[serde(default)]
    pub notes: String,
    /// The trigger points charted, in the order they were placed (their chart numbers).
    #[serde(default)]
    pub points: Vec<TriggerPoint>,
    /// The procedure and diagnosis codes the clinician confirmed (format version 4); `None`
    /// until they do, when reports and exports give TriggerMap's suggestion, marked as such.
    #[serde(default)]
    pub coding: Option<ConfirmedCoding>,
    /// The aftercare instructions the patient was given, as printed (format version 4): kept
    /// when a visit with an injection or dry needling is signed, so that a later report prints what the patient
    /// was given rather than the clinic's text of the day.
    #[serde(default)]
    pub aftercare: Option<String>,
    /// Who finalised the visit and when (format version 2). A signed visit is read-only: its
    /// content changes only through [`crate::model::amend`], which appends to `amendments`.
    #[serde(default)]
    pub signature: Option<Signature>,
    /// Corrections made after signing, oldest first; append-only (format version 2).
    #[serde(default)]
    pub amendments: Vec<Amendment>,
}

impl Visit {
    /// A new, empty visit now, for no patient yet.
    pub fn new_now() -> Self {
        Visit {
            id: VisitId(Uuid::new_v4()),
            patient_id: String::new(),
            figure: Figure::default(),
            date_time: Local::now().fixed_offset(),
            clinician: String::new(),
            consent: Consent::NotRecorded,
            notes: String::new(),
            points: Vec::new(),
            coding: None,
            aftercare: None,
            signature: None,
            amendments: Vec::new(),
        }
    }

    /// The visit's own fields, as the visit form edits them (cheap however many points it has).
    pub fn details(&self) -> VisitDetails {
        VisitDetails {
            patient_id: self.patient_id.clone(),
            figure: self.figure,
            date_time: self.date_time,
            clinician: self.clinician.clone(),
            consent: self.consent,
            notes: self.notes.clone(),
        }
    }

    /// Replaces the visit's own fields; its id, points, signature and amendments stay as they are.
    pub fn set_details(&mut self, details: VisitDetails) {
        let VisitDetails {
            patient_id,
            figure,
            date_time,
            clinician,
            consent,
            notes,
        } = details;
        self.patient_id = patient_id;
        self.figure = figure;
        self.date_time = date_time;
        self.clinician = clinician;
        self.consent = consent;
        self.notes = notes;
    }

    /// The same visit without its points: what a follow-up visit's file would hold before
    /// anything was charted.
    pub fn without_points(&self) -> Visit {
        Visit {
            id: self.id,
            patient_id: self.patient_id.clone(),
            figure: self.figure,
            date_time: self.date_time,
            clinician: self.clinician.clone(),
            consent: self.consent,
            notes: self.notes.clone(),
            points: Vec::new(),
            coding: self.coding.clone(),
            aftercare: self.aftercare.clone(),
            signature: self.signature.clone(),
            amendments: self.amendments.clone(),
        }
    }

    /// Whether any point was injected or dry-needled at this visit: the procedures that
    /// aftercare instructions are given with.
    pub fn has_needle_procedure(&self) -> bool {
        self.points.iter().any(|p| {
            p.treatments.iter().any(|t| {
                matches!(
                    t.procedure,
                    Procedure::Injection { .. } | Procedure::DryNeedling { .. }
                )
            })
        })
    }

    /// The index of the point with this id.
    pub fn index_of(&self, id: PointId) -> Option<usize> {
        self.points.iter().position(|p| p.id == id)
    }

    /// The point with this id.
    pub fn point(&self, id: PointId) -> Option<&TriggerPoint> {
        self.points.iter().find(|p| p.id == id)
    }

    /// The point with this id, mutably.
    pub fn point_mut(&mut self, id: PointId) -> Option<&mut TriggerPoint> {
        self.points.iter_mut().find(|p| p.id == id)
    }

    /// The number shown on the chart for the point with this id (1-based).
    pub fn number_of(&self, id: PointId) -> Option<usize> {
        self.index_of(id).map(|i| i + 1)
    }
}

/// The fields of a visit that the visit form edits: who, when, consent and notes. An edit of
/// these can never touch the visit's id, points, signature or amendments.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitDetails {
    /// The patient's local identifier or pseudonym.
    pub patient_id: String,
    /// The body figure it is charted on (changed only while it has no points).
    pub figure: Figure,
    /// When the visit took place.
    pub date_time: DateTime<FixedOffset>,
    /// Who examined the patient.
    pub clinician: String,
    /// Consent to examination and treatment.
    pub consent: Consent,
    /// Free-text notes for the visit.
    pub notes: String,
}
