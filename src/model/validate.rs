//! The rules every value of a visit must follow, with the limits they check. Reading refuses a
//! file that breaks one; saving refuses a visit that would (so TriggerMap never writes a file it
//! would refuse to read); the UI bounds its inputs by the same limits. A problem names the field
//! and what was expected, never the value found (it is patient data).

use super::{MuscleId, Procedure, Visit};
use chrono::Datelike;
use std::fmt;

/// The highest plausible pressure pain threshold, in kg/cm².
pub const MAX_PRESSURE_THRESHOLD: f32 = 15.0;

/// The largest plausible injected volume at one point, in mL.
pub const MAX_INJECTION_ML: f32 = 50.0;

/// The longest patient id, clinician name or signer name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// The years a visit, signature or amendment may fall in.
pub const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// The muscles a point may name (the atlas): [`validate_visit`] checks muscle ids against it.
pub trait KnownMuscles {
    /// Whether `id` names a muscle.
    fn knows_muscle(&self, id: &MuscleId) -> bool;
}

/// A value in a visit that is not allowed.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitProblem {
    /// The point it concerns (its index), or `None` for the visit itself.
    pub point: Option<usize>,
    /// Where the value is in the file: `visit.points[2].palpation_pain`.
    pub path: String,
    /// The field, e.g. `palpation_pain`.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for VisitProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", human_path(&self.path), self.message)
    }
}

/// Every value in `visit` that is out of range, inconsistent, or names a muscle `muscles` does
/// not know.
pub fn validate_visit(visit: &Visit, muscles: &impl KnownMuscles) -> Vec<VisitProblem> {
    validate(visit, Some(muscles))
}

/// [`validate_visit`] without checking muscle ids (for saving, where the atlas the visit was
/// made with is not at hand).
pub fn validate_values(visit: &Visit) -> Vec<VisitProblem> {
    validate(visit, None::<&NoAtlas>)
}

/// Stands for "no atlas" in [`validate_values`].
struct NoAtlas;

impl KnownMuscles for NoAtlas {
    fn knows_muscle(&self, _id: &MuscleId) -> bool {
        true
    }
}

fn validate(visit: &Visit, muscles: Option<&impl KnownMuscles>) -> Vec<VisitProblem> {
    let mut problems = Vec::new();
    let mut visit_problem = |path: &str, field, message: String| {
        problems.push(VisitProblem {
            point: None,
            path: format!("visit.{path}"),
            field,
            message,
        })
    };
    for (field, value) in [
        ("patient_id", &visit.patient_id),
        ("clinician", &visit.clinician),
    ] {
        if value.chars().count() > MAX_NAME_CHARS {
            visit_problem(
                field,
                field,
                format!("longer than {MAX_NAME_CHARS} characters"),
            );
        }
    }
    let year_ok = |d: &chrono::DateTime<chrono::FixedOffset>| PLAUSIBLE_YEARS.contains(&d.year());
    let years = format!(
        "outside the years {}–{}",
        PLAUSIBLE_YEARS.start(),
        PLAUSIBLE_YEARS.end()
    );
    if !year_ok(&visit.date_time) {
        visit_problem("date_time", "date_time", years.clone());
    }
    if let Some(signature) = &visit.signature {
        if signature.clinician.trim().is_empty() {
            visit_problem(
                "signature.clinician",
                "clinician",
                "empty: who signed?".to_owned(),
            );
        }
        if signature.clinician.chars().count() > MAX_NAME_CHARS {
            visit_problem(
                "signature.clinician",
                "clinician",
                format!("longer than {MAX_NAME_CHARS} characters"),
            );
        }
        if !year_ok(&signature.signed_at) {
            visit_problem("signature.signed_at", "signed_at", years.clone());
        }
    } else if !visit.amendments.is_empty() {
        visit_problem(
            "amendments",
            "amendments",
            "amendments without a signature (only a signed visit is amended)".to_owned(),
        );
    }
    let mut previous = visit.signature.as_ref().map(|s| s.signed_at);
    for (i, amendment) in visit.amendments.iter().enumerate() {
        let at = |field: &str| format!("amendments[{i}].{field}");
        if amendment.by.trim().is_empty() {
            visit_problem(&at("by"), "by", "empty: who amended?".to_owned());
        }
        if amendment.why.trim().is_empty() {
            visit_problem(
                &at("why"),
                "why",
                "empty: an amendment needs a reason".to_owned(),
            );
        }
        if amendment.what.is_empty() {
            visit_problem(&at("what"), "what", "empty: what was changed?".to_owned());
        }
        if !year_ok(&amendment.at) {
            visit_problem(&at("at"), "at", years.clone());
        } else if previous.is_some_and(|p| amendment.at < p) {
            visit_problem(
                &at("at"),
                "at",
                "earlier than the signature or the amendment before it".to_owned(),
            );
        }
        previous = Some(amendment.at);
    }

    let mut seen = std::collections::HashSet::new();
    for (i, point) in visit.points.iter().enumerate() {
        let mut report = |path: String, field, message: String| {
            problems.push(VisitProblem {
                point: Some(i),
                path: format!("visit.points[{i}].{path}"),
                field,
                message,
            })
        };
        if !seen.insert(point.id) {
            report(
                "id".into(),
                "id",
                "the same id is used by an earlier point".to_owned(),
            );
        }
        if point.lineage == Some(point.id) {
            report(
                "lineage".into(),
                "lineage",
                "a point cannot follow itself".to_owned(),
            );
        }
        if !point.pos.is_finite() {
            report(
                "pos".into(),
                "pos",
                "coordinates must be finite numbers".to_owned(),
            );
        } else if point.pos.x.abs() > 0.5 || !(0.0..=1.0).contains(&point.pos.y) {
            report(
                "pos".into(),
                "pos",
                "outside the figure (|x| <= 0.5, 0 <= y <= 1)".to_owned(),
            );
        }
        if let (Some(muscle), Some(muscles)) = (&point.muscle, muscles)
            && !muscles.knows_muscle(muscle)
        {
            report(
                "muscle".into(),
                "muscle",
                "not a muscle of the atlas".to_owned(),
            );
        }
        if point.palpation_pain.is_some_and(|pain| pain > 10) {
            report(
                "palpation_pain".into(),
                "palpation_pain",
                "outside 0–10".to_owned(),
            );
        }
        if let Some(ppt) = point.pressure_threshold
            && !(ppt.is_finite() && (0.0..=MAX_PRESSURE_THRESHOLD).contains(&ppt))
        {
            report(
                "pressure_threshold".into(),
                "pressure_threshold",
                format!("outside 0–{MAX_PRESSURE_THRESHOLD} kg/cm²"),
            );
        }
        for (t, treatment) in point.treatments.iter().enumerate() {
            for (field, pain) in [
                ("pain_before", treatment.pain_before),
                ("pain_after", treatment.pain_after),
            ] {
                if pain.is_some_and(|pain| pain > 10) {
                    report(
                        format!("treatments[{t}].{field}"),
                        field,
                        "outside 0–10".to_owned(),
                    );
                }
            }
            if let Procedure::Injection {
                volume_ml: Some(v), ..
            } = treatment.procedure
                && !(v.is_finite() && (0.0..=MAX_INJECTION_ML).contains(&v))
            {
                report(
                    format!("treatments[{t}].procedure.volume_ml"),
                    "volume_ml",
                    format!("outside 0–{MAX_INJECTION_ML} mL"),
                );
            }
        }
    }
    problems
}

/// The path of a field as a clinician reads it: `visit.points[2].treatments[0].pain_after`
/// becomes `point 3: treatment 1: pain_after`.
pub fn human_path(path: &str) -> String {
    let path = path.strip_prefix("visit.").unwrap_or(path);
    let mut parts = Vec::new();
    for part in path.split('.') {
        if let Some(open) = part.find('[') {
            let (name, rest) = part.split_at(open);
            let singular = match name {
                "points" => "point",
                "treatments" => "treatment",
                "amendments" => "amendment",
                "what" => "line",
                other => other,
            };
            let mut label = singular.to_owned();
            for index in rest.split('[').filter(|s| !s.is_empty()) {
                let index = index.trim_end_matches(']');
                match index.parse::<usize>() {
                    Ok(i) => label.push_str(&format!(" {}", i + 1)),
                    Err(_) => label.push_str(&format!("[{index}]")),
                }
            }
            parts.push(label);
        } else {
            parts.push(part.to_owned());
        }
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_paths_number_from_one() {
        assert_eq!(
            human_path("visit.points[2].treatments[0].pain_after"),
            "point 3: treatment 1: pain_after"
        );
        assert_eq!(human_path("visit.date_time"), "date_time");
    }
}
