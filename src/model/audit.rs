//! Finalised visits: signing, and corrections recorded as amendments.
//!
//! A signed visit is read-only. Its content (everything but `signature` and `amendments`) changes
//! only through [`amend`], which appends an [`Amendment`] naming who, when, what changed (before
//! and after values, computed by [`super::diff_content`]) and why. [`crate::storage::save_visit`]
//! enforces the rule against the file on disk: it never saves a signed visit whose signature was
//! altered, whose earlier amendments were rewritten, or whose content differs from the saved file
//! without a new amendment.

use super::{Visit, diff_content};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// Who finalised a visit, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// The clinician who signed, as they entered their name.
    pub clinician: String,
    /// When they signed, with its UTC offset.
    pub signed_at: DateTime<FixedOffset>,
}

/// A correction made to a signed visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amendment {
    /// Who made it.
    pub by: String,
    /// When, with its UTC offset.
    pub at: DateTime<FixedOffset>,
    /// What changed, one line per change, with the values before and after.
    pub what: Vec<String>,
    /// Why, as the clinician wrote it.
    pub why: String,
}

/// Why a visit could not be signed or amended.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    /// Signing twice is not allowed: correct a signed visit with an amendment.
    #[error("the visit is already signed; record a correction as an amendment")]
    AlreadySigned,
    /// Only a signed visit takes amendments; an unsigned one is simply edited.
    #[error("the visit is not signed; edit it directly")]
    NotSigned,
    /// Signing and amending need a name.
    #[error("enter the name of the clinician")]
    NoName,
    /// An amendment needs a reason.
    #[error("enter the reason for the amendment")]
    NoReason,
    /// The corrected visit is another visit.
    #[error("the corrected visit is not the same visit (its id differs)")]
    DifferentVisit,
    /// The corrected visit carries a different signature or amendment list.
    #[error("the corrected visit's signature or amendments differ; only its content may change")]
    AuditTrailChanged,
    /// Nothing differs between the signed visit and the correction.
    #[error("nothing was changed")]
    NothingChanged,
    /// The time given is before the signature or the latest amendment.
    #[error("the time of the amendment is before the signature or the latest amendment")]
    TimeGoesBack,
}

impl Visit {
    /// Whether the visit has been signed (and so is read-only except for amendments).
    pub fn is_signed(&self) -> bool {
        self.signature.is_some()
    }

    /// The time of the latest change to the audit trail: the last amendment, or the signature.
    pub fn last_audit_time(&self) -> Option<DateTime<FixedOffset>> {
        self.amendments
            .last()
            .map(|a| a.at)
            .or(self.signature.as_ref().map(|s| s.signed_at))
    }
}

/// Signs `visit` as `clinician` at `now`. Fails if it is already signed or the name is blank.
pub fn sign(
    visit: &mut Visit,
    clinician: &str,
    now: DateTime<FixedOffset>,
) -> Result<(), AuditError> {
    if visit.signature.is_some() {
        return Err(AuditError::AlreadySigned);
    }
    let clinician = clinician.trim();
    if clinician.is_empty() {
        return Err(AuditError::NoName);
    }
    visit.signature = Some(Signature {
        clinician: clinician.to_owned(),
        signed_at: now,
    });
    Ok(())
}

/// Corrects the signed `visit` to the content of `corrected` (a copy of it that was edited) and
/// appends an amendment by `by` at `at` for the reason `why`, recording every change with its
/// before and after values. Returns the amendment recorded.
///
/// `corrected` must be the same visit (same id) with the same signature and amendments; only its
/// content may differ, and something must differ.
pub fn amend<'v>(
    visit: &'v mut Visit,
    corrected: &Visit,
    by: &str,
    why: &str,
    at: DateTime<FixedOffset>,
) -> Result<&'v Amendment, AuditError> {
    if visit.signature.is_none() {
        return Err(AuditError::NotSigned);
    }
    let (by, why) = (by.trim(), why.trim());
    if by.is_empty() {
        return Err(AuditError::NoName);
    }
    if why.is_empty() {
        return Err(AuditError::NoReason);
    }
    if corrected.id != visit.id {
        return Err(AuditError::DifferentVisit);
    }
    if corrected.signature != visit.signature || corrected.amendments != visit.amendments {
        return Err(AuditError::AuditTrailChanged);
    }
    if visit.last_audit_time().is_some_and(|last| at < last) {
        return Err(AuditError::TimeGoesBack);
    }
    let what = diff_content(visit, corrected).lines();
    if what.is_empty() {
        return Err(AuditError::NothingChanged);
    }
    let signature = visit.signature.take();
    let mut amendments = std::mem::take(&mut visit.amendments);
    *visit = corrected.clone();
    visit.signature = signature;
    amendments.push(Amendment {
        by: by.to_owned(),
        at,
        what,
        why: why.to_owned(),
    });
    visit.amendments = amendments;
    visit.amendments.last().ok_or(AuditError::NothingChanged)
}

/// Whether two visits have the same content: every field but `signature` and `amendments`.
pub fn same_content(a: &Visit, b: &Visit) -> bool {
    // Destructured so that a field added to `Visit` must be considered here.
    let Visit {
        id,
        patient_id,
        figure,
        date_time,
        clinician,
        consent,
        notes,
        points,
        coding,
        aftercare,
        signature: _,
        amendments: _,
    } = a;
    *id == b.id
        && *patient_id == b.patient_id
        && *figure == b.figure
        && *date_time == b.date_time
        && *clinician == b.clinician
        && *consent == b.consent
        && *notes == b.notes
        && *points == b.points
        && *coding == b.coding
        && *aftercare == b.aftercare
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PatientPoint;
    use crate::model::{Side, TriggerPoint, View};

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).expect("time")
    }

    fn visit() -> Visit {
        let mut v = Visit::new_now();
        v.date_time = at("2025-03-04T09:00:00+01:00");
        v.points.push(TriggerPoint::new(
            View::Back,
            PatientPoint::new(0.05, 0.2),
            Some("upper_trapezius".into()),
            Side::Left,
        ));
        v
    }

    #[test]
    fn sign_once_then_amend_with_a_trail() {
        let mut v = visit();
        assert_eq!(
            amend(
                &mut v.clone(),
                &v,
                "A",
                "x",
                at("2025-03-04T10:00:00+01:00")
            ),
            Err(AuditError::NotSigned)
        );
        sign(&mut v, " Dr Lee ", at("2025-03-04T10:00:00+01:00")).expect("sign");
        assert_eq!(
            v.signature.as_ref().map(|s| s.clinician.as_str()),
            Some("Dr Lee")
        );
        assert_eq!(
            sign(&mut v, "Dr Lee", at("2025-03-04T10:00:00+01:00")),
            Err(AuditError::AlreadySigned)
        );
        let mut corrected = v.clone();
        corrected.points[0].palpation_pain = Some(6);
        assert_eq!(
            amend(
                &mut v,
                &corrected,
                "Dr Lee",
                " ",
                at("2025-03-04T11:00:00+01:00")
            ),
            Err(AuditError::NoReason)
        );
        assert_eq!(
            amend(
                &mut v,
                &corrected,
                "Dr Lee",
                "typo",
                at("2025-03-04T09:59:00+01:00")
            ),
            Err(AuditError::TimeGoesBack)
        );
        let amendment = amend(
            &mut v,
            &corrected,
            "Dr Lee",
            "typo",
            at("2025-03-05T08:00:00+01:00"),
        )
        .expect("amend")
        .clone();
        assert_eq!(amendment.why, "typo");
        assert_eq!(amendment.what.len(), 1);
        assert!(
            amendment.what[0].contains("palpation pain: none → 6"),
            "{:?}",
            amendment.what
        );
        assert!(same_content(&v, &corrected));
        assert_eq!(v.amendments.len(), 1);
        let same = v.clone();
        assert_eq!(
            amend(
                &mut v,
                &same,
                "Dr Lee",
                "again",
                at("2025-03-06T08:00:00+01:00")
            ),
            Err(AuditError::NothingChanged)
        );
    }
}
